/* Streaming JSON writer. Strings are the hostile part: every invalid UTF-8 byte becomes U+FFFD
 * so any strict parser accepts the output, and controls (C0, DEL, C1) plus the invisible and
 * bidi code points are \u-escaped so that cat-ing the JSON cannot drive or fool a terminal.
 * Escaping them is lossless: a parser gives back the same code points. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "utf8.h"

struct jsonw_level {
	bool	 is_obj;
	bool	 first;		/* nothing written in this container yet */
};

struct jsonw {
	FILE			*out;
	bool			 pretty;
	bool			 after_key;	/* a key was written, its value is due */
	bool			 top_started;	/* a top-level value began on this line */
	unsigned		 depth;
	struct jsonw_level	 stack[JSONW_DEPTH_MAX];
};

/* Room for DBL_MAX in "%.17f" (309 digits, sign, point, 17 decimals) and a multibyte point. */
#define JSONW_DOUBLE_BUF 400
#define JSONW_DECIMALS_MAX 17

static const char jsonw_hex[] = "0123456789abcdef";

/* The stack must stay in bounds even when NDEBUG compiles assert() away. */
static void jsonw_require(bool cond)
{
	assert(cond);
	if (!cond)
		abort();
}

struct jsonw *jsonw_create(FILE *out, bool pretty)
{
	struct jsonw *w = calloc(1, sizeof *w);

	if (w == NULL)
		return NULL;
	w->out = out;
	w->pretty = pretty;
	return w;
}

void jsonw_free(struct jsonw *w)
{
	free(w);
}

static void jsonw_newline(struct jsonw *w)
{
	static const char spaces[2 * JSONW_DEPTH_MAX] = {
		[0 ... 2 * JSONW_DEPTH_MAX - 1] = ' '
	};

	putc('\n', w->out);
	fwrite(spaces, 1, 2 * w->depth, w->out);
}

/* Writes what goes between the previous item and the next one: a comma, and in pretty mode a
 * line break and indent. A value right after its key needs nothing. */
static void jsonw_separate(struct jsonw *w, bool is_key)
{
	struct jsonw_level *l;

	if (w->after_key) {
		assert(!is_key);
		w->after_key = false;
		return;
	}
	if (w->depth == 0) {
		assert(!is_key);
		assert(!w->top_started);	/* one top-level value per jsonw_end_line() */
		w->top_started = true;
		return;
	}
	l = &w->stack[w->depth - 1];
	assert(l->is_obj == is_key);		/* objects take keys, arrays take values */
	if (!l->first)
		putc(',', w->out);
	l->first = false;
	if (w->pretty)
		jsonw_newline(w);
}

static void jsonw_push(struct jsonw *w, bool is_obj)
{
	jsonw_separate(w, false);
	jsonw_require(w->depth < JSONW_DEPTH_MAX);
	w->stack[w->depth].is_obj = is_obj;
	w->stack[w->depth].first = true;
	w->depth++;
	putc(is_obj ? '{' : '[', w->out);
}

static void jsonw_pop(struct jsonw *w, bool is_obj)
{
	bool empty;

	jsonw_require(w->depth > 0);
	assert(w->stack[w->depth - 1].is_obj == is_obj);
	assert(!w->after_key);
	empty = w->stack[w->depth - 1].first;
	w->depth--;
	if (w->pretty && !empty)
		jsonw_newline(w);
	putc(is_obj ? '}' : ']', w->out);
}

void jsonw_obj_begin(struct jsonw *w)
{
	jsonw_push(w, true);
}

void jsonw_obj_end(struct jsonw *w)
{
	jsonw_pop(w, true);
}

void jsonw_arr_begin(struct jsonw *w)
{
	jsonw_push(w, false);
}

void jsonw_arr_end(struct jsonw *w)
{
	jsonw_pop(w, false);
}

static bool jsonw_must_escape(uint32_t cp)
{
	return cp < 0x20 || cp == '"' || cp == '\\' || (cp >= 0x7f && cp <= 0x9f) ||
	    utf8_is_invisible(cp);
}

static void jsonw_hex4(FILE *f, uint32_t v)
{
	char buf[6] = { '\\', 'u' };

	buf[2] = jsonw_hex[(v >> 12) & 0xf];
	buf[3] = jsonw_hex[(v >> 8) & 0xf];
	buf[4] = jsonw_hex[(v >> 4) & 0xf];
	buf[5] = jsonw_hex[v & 0xf];
	fwrite(buf, 1, sizeof buf, f);
}

static void jsonw_escape(FILE *f, uint32_t cp)
{
	switch (cp) {
	case '"':	fputs("\\\"", f); return;
	case '\\':	fputs("\\\\", f); return;
	case '\b':	fputs("\\b", f); return;
	case '\f':	fputs("\\f", f); return;
	case '\n':	fputs("\\n", f); return;
	case '\r':	fputs("\\r", f); return;
	case '\t':	fputs("\\t", f); return;
	}
	if (cp > 0xffff) {
		/* JSON spells code points beyond the BMP as a UTF-16 surrogate pair. */
		cp -= 0x10000;
		jsonw_hex4(f, 0xd800 | (cp >> 10));
		jsonw_hex4(f, 0xdc00 | (cp & 0x3ff));
	} else {
		jsonw_hex4(f, cp);
	}
}

/* Safe bytes are passed through in runs, so a plain name costs one fwrite(). */
static void jsonw_string(struct jsonw *w, const unsigned char *s, size_t n)
{
	FILE *f = w->out;
	size_t i = 0, run = 0, len;
	uint32_t cp;

	putc('"', f);
	while (i < n) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\') {
			i++;
			continue;
		}
		len = utf8_decode(s + i, n - i, &cp);
		if (len != 0 && !jsonw_must_escape(cp)) {
			i += len;
			continue;
		}
		fwrite(s + run, 1, i - run, f);
		if (len == 0) {
			fputs("\xef\xbf\xbd", f);	/* U+FFFD for each invalid byte */
			i++;
		} else {
			jsonw_escape(f, cp);
			i += len;
		}
		run = i;
	}
	fwrite(s + run, 1, i - run, f);
	putc('"', f);
}

void jsonw_key(struct jsonw *w, const char *key)
{
	jsonw_separate(w, true);
	jsonw_string(w, (const unsigned char *)key, strlen(key));
	if (w->pretty)
		fputs(": ", w->out);
	else
		putc(':', w->out);
	w->after_key = true;
}

void jsonw_str(struct jsonw *w, const char *s)
{
	if (s == NULL)
		jsonw_null(w);
	else
		jsonw_strn(w, s, strlen(s));
}

void jsonw_strn(struct jsonw *w, const char *s, size_t n)
{
	if (s == NULL) {
		jsonw_null(w);
		return;
	}
	jsonw_separate(w, false);
	jsonw_string(w, (const unsigned char *)s, n);
}

/* By hand rather than printf: called for every number of every process on every sample. */
static void jsonw_digits(FILE *f, uint64_t v, bool negative)
{
	char buf[21];
	char *p = buf + sizeof buf;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (negative)
		*--p = '-';
	fwrite(p, 1, (size_t)(buf + sizeof buf - p), f);
}

void jsonw_u64(struct jsonw *w, uint64_t v)
{
	jsonw_separate(w, false);
	jsonw_digits(w->out, v, false);
}

void jsonw_i64(struct jsonw *w, int64_t v)
{
	jsonw_separate(w, false);
	/* Negating in unsigned arithmetic keeps INT64_MIN defined. */
	jsonw_digits(w->out, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

/* Rewrites printf's "%f" output in place into JSON: the locale's decimal point (which may be
 * ',' or several bytes) becomes '.', trailing zeros and a bare point go, and "-0" becomes "0".
 * Returns the new length. */
static size_t jsonw_double_fix(char *buf, size_t len)
{
	size_t i, out = 0;
	bool point = false;

	for (i = 0; i < len; i++) {
		if ((buf[i] >= '0' && buf[i] <= '9') || buf[i] == '-')
			buf[out++] = buf[i];
		else if (!point) {
			buf[out++] = '.';
			point = true;
		}
	}
	if (point) {
		while (buf[out - 1] == '0')
			out--;
		if (buf[out - 1] == '.')
			out--;
	}
	if (out == 2 && buf[0] == '-' && buf[1] == '0') {
		buf[0] = '0';
		out = 1;
	}
	return out;
}

void jsonw_double(struct jsonw *w, double v, int decimals)
{
	char buf[JSONW_DOUBLE_BUF];
	int n;

	if (!isfinite(v)) {
		jsonw_null(w);
		return;
	}
	if (decimals < 0)
		decimals = 0;
	else if (decimals > JSONW_DECIMALS_MAX)
		decimals = JSONW_DECIMALS_MAX;
	n = snprintf(buf, sizeof buf, "%.*f", decimals, v);
	jsonw_require(n > 0 && (size_t)n < sizeof buf);
	jsonw_separate(w, false);
	fwrite(buf, 1, jsonw_double_fix(buf, (size_t)n), w->out);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	jsonw_separate(w, false);
	fputs(v ? "true" : "false", w->out);
}

void jsonw_null(struct jsonw *w)
{
	jsonw_separate(w, false);
	fputs("null", w->out);
}

void jsonw_end_line(struct jsonw *w)
{
	assert(w->depth == 0 && !w->after_key);
	w->top_started = false;
	putc('\n', w->out);
	fflush(w->out);
}

void jsonw_kv_str(struct jsonw *w, const char *k, const char *s)
{
	jsonw_key(w, k);
	jsonw_str(w, s);
}

void jsonw_kv_u64(struct jsonw *w, const char *k, uint64_t v)
{
	jsonw_key(w, k);
	jsonw_u64(w, v);
}

void jsonw_kv_i64(struct jsonw *w, const char *k, int64_t v)
{
	jsonw_key(w, k);
	jsonw_i64(w, v);
}

void jsonw_kv_double(struct jsonw *w, const char *k, double v, int decimals)
{
	jsonw_key(w, k);
	jsonw_double(w, v, decimals);
}

void jsonw_kv_null(struct jsonw *w, const char *k)
{
	jsonw_key(w, k);
	jsonw_null(w);
}
