/* libFuzzer target for the JSON writer. Odd first byte: the rest is one hostile string
 * (with bit 1 set, in expand mode: bytes 0xf5..0xff stand for bidi, C1, tag, CJK...), which
 * must come out as a JSON string that decodes to the input with each invalid byte replaced by
 * U+FFFD. Even first byte: the rest is a script of writer calls (only legal sequences are
 * issued); the compact and the pretty output must both be valid JSON with no raw control byte,
 * and must be equal once whitespace outside strings is removed. */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-utf8.h"
#include "jsonw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- a tiny strict validator (RFC 8259 plus this writer's own promises) ---- */

struct fuzz_parser {
	const unsigned char	*p;
	const unsigned char	*end;
	uint32_t		*cps;	/* decoded string code points, when wanted */
	size_t			 ncps;
};

static void fuzz_ws(struct fuzz_parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' ||
	    *ps->p == '\r'))
		ps->p++;
}

static int fuzz_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool fuzz_u4(struct fuzz_parser *ps, uint32_t *v)
{
	int i, h;

	if (ps->end - ps->p < 4)
		return false;
	*v = 0;
	for (i = 0; i < 4; i++) {
		if ((h = fuzz_hex(ps->p[i])) < 0)
			return false;
		*v = (*v << 4) | (uint32_t)h;
	}
	ps->p += 4;
	return true;
}

static void fuzz_emit(struct fuzz_parser *ps, uint32_t cp)
{
	if (ps->cps != NULL)
		ps->cps[ps->ncps++] = cp;
}

static bool fuzz_escape(struct fuzz_parser *ps)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	uint32_t v, lo;

	if (ps->p >= ps->end)
		return false;
	if (*ps->p != 'u') {
		if (*ps->p == '\0' || (e = strchr(from, *ps->p)) == NULL)
			return false;
		ps->p++;
		fuzz_emit(ps, (unsigned char)to[e - from]);
		return true;
	}
	ps->p++;
	if (!fuzz_u4(ps, &v))
		return false;
	if (v >= 0xdc00 && v <= 0xdfff)
		return false;			/* lone low surrogate */
	if (v >= 0xd800 && v <= 0xdbff) {
		if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
			return false;
		ps->p += 2;
		if (!fuzz_u4(ps, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return false;
		v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
	}
	fuzz_emit(ps, v);
	return true;
}

static bool fuzz_string(struct fuzz_parser *ps)
{
	uint32_t cp;
	size_t len;

	if (ps->p >= ps->end || *ps->p != '"')
		return false;
	ps->p++;
	while (ps->p < ps->end) {
		if (*ps->p == '"') {
			ps->p++;
			return true;
		}
		if (*ps->p == '\\') {
			ps->p++;
			if (!fuzz_escape(ps))
				return false;
			continue;
		}
		len = fuzz_utf8(ps->p, (size_t)(ps->end - ps->p), &cp);
		if (len == 0)
			return false;		/* invalid UTF-8 in the output */
		/* The writer promises to escape these; raw ones could drive a terminal. */
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
		    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
			return false;
		fuzz_emit(ps, cp);
		ps->p += len;
	}
	return false;
}

static bool fuzz_digits(struct fuzz_parser *ps)
{
	const unsigned char *start = ps->p;

	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
		ps->p++;
	return ps->p > start;
}

/* JSON's number grammar without exponents, and the writer's promises: no "-0", no
 * trailing zero after a decimal point. */
static bool fuzz_number(struct fuzz_parser *ps)
{
	const unsigned char *start = ps->p;

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p < ps->end && *ps->p == '0')
		ps->p++;
	else if (!fuzz_digits(ps))
		return false;
	if (ps->p - start == 2 && start[0] == '-' && start[1] == '0' &&
	    !(ps->p < ps->end && *ps->p == '.'))
		return false;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (!fuzz_digits(ps) || ps->p[-1] == '0')
			return false;
	}
	return true;
}

static bool fuzz_literal(struct fuzz_parser *ps, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, lit, n) != 0)
		return false;
	ps->p += n;
	return true;
}

static bool fuzz_value(struct fuzz_parser *ps, int depth);

static bool fuzz_container(struct fuzz_parser *ps, int depth, bool is_obj)
{
	char close = is_obj ? '}' : ']';

	ps->p++;
	fuzz_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return true;
	}
	for (;;) {
		if (is_obj) {
			fuzz_ws(ps);
			if (!fuzz_string(ps))
				return false;
			fuzz_ws(ps);
			if (ps->p >= ps->end || *ps->p++ != ':')
				return false;
		}
		if (!fuzz_value(ps, depth + 1))
			return false;
		fuzz_ws(ps);
		if (ps->p >= ps->end)
			return false;
		if (*ps->p == close) {
			ps->p++;
			return true;
		}
		if (*ps->p++ != ',')
			return false;
	}
}

static bool fuzz_value(struct fuzz_parser *ps, int depth)
{
	if (depth > JSONW_DEPTH_MAX + 1)
		return false;
	fuzz_ws(ps);
	if (ps->p >= ps->end)
		return false;
	switch (*ps->p) {
	case '{':
		return fuzz_container(ps, depth, true);
	case '[':
		return fuzz_container(ps, depth, false);
	case '"':
		return fuzz_string(ps);
	case 't':
		return fuzz_literal(ps, "true");
	case 'f':
		return fuzz_literal(ps, "false");
	case 'n':
		return fuzz_literal(ps, "null");
	default:
		return fuzz_number(ps);
	}
}

/* ---- mode 1: one hostile string ---- */

static void fuzz_one_string(const uint8_t *s, size_t n)
{
	struct fuzz_parser ps = { 0 };
	char *out = NULL;
	size_t outlen = 0, i = 0, k = 0, len;
	uint32_t cp;
	FILE *f = open_memstream(&out, &outlen);
	struct jsonw *w;

	if (f == NULL || (w = jsonw_create(f, false)) == NULL)
		abort();
	jsonw_strn(w, (const char *)s, n);
	jsonw_free(w);
	if (ferror(f) || fclose(f) != 0)
		abort();
	ps.p = (const unsigned char *)out;
	ps.end = ps.p + outlen;
	ps.cps = malloc((n + 1) * sizeof *ps.cps);	/* never more code points than bytes */
	if (ps.cps == NULL)
		abort();
	if (!fuzz_string(&ps) || ps.p != ps.end)
		abort();
	while (i < n) {
		len = fuzz_utf8(s + i, n - i, &cp);
		if (len == 0) {
			cp = 0xfffd;
			len = 1;
		}
		if (k >= ps.ncps || ps.cps[k++] != cp)
			abort();		/* does not round-trip */
		i += len;
	}
	if (k != ps.ncps)
		abort();
	free(ps.cps);
	free(out);
}

/* ---- mode 0: a script of writer calls ---- */

struct fuzz_script {
	const uint8_t	*p;
	const uint8_t	*end;
};

static uint8_t fuzz_byte(struct fuzz_script *sc)
{
	return sc->p < sc->end ? *sc->p++ : 0;
}

static uint64_t fuzz_u64(struct fuzz_script *sc)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | fuzz_byte(sc);
	return v;
}

/* A length byte, then that many bytes (fewer at the end of the input). */
static const char *fuzz_bytes(struct fuzz_script *sc, size_t *n)
{
	const char *s;

	*n = fuzz_byte(sc) % 24;
	s = (const char *)sc->p;
	if (*n > (size_t)(sc->end - sc->p))
		*n = (size_t)(sc->end - sc->p);
	sc->p += *n;
	return s;
}

/* Random bits seldom make an infinity or a negative zero, so a selector byte below 16 picks
 * one of the values that break number formatting. */
static double fuzz_double(struct fuzz_script *sc)
{
	static const double special[16] = {
		NAN, INFINITY, -INFINITY, -0.0, 0.0, DBL_MAX, -DBL_MAX, DBL_MIN,
		0.1, -0.001, 1e-300, 5e-324, 0.5, 2.5, -2.5, 1e22,
	};
	uint8_t sel = fuzz_byte(sc);
	uint64_t bits;
	double d;

	if (sel < 16)
		return special[sel];
	bits = fuzz_u64(sc);
	memcpy(&d, &bits, sizeof d);
	return d;
}

/* A key string: NUL-terminated copy of a length-prefixed chunk (so keys can't hold NUL). */
static const char *fuzz_key(struct fuzz_script *sc, char *buf)
{
	size_t n;
	const char *s = fuzz_bytes(sc, &n);

	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

struct fuzz_state {
	int	 depth;
	bool	 is_obj[JSONW_DEPTH_MAX];
	bool	 after_key;
	bool	 top_done;
};

static bool fuzz_value_ok(const struct fuzz_state *st)
{
	if (st->depth == 0)
		return !st->top_done;
	return st->after_key || !st->is_obj[st->depth - 1];
}

static bool fuzz_key_ok(const struct fuzz_state *st)
{
	return st->depth > 0 && st->is_obj[st->depth - 1] && !st->after_key;
}

static void fuzz_did_value(struct fuzz_state *st)
{
	st->after_key = false;
	if (st->depth == 0)
		st->top_done = true;
}

static void fuzz_scalar(struct jsonw *w, struct fuzz_script *sc, int op)
{
	size_t n;
	const char *s;
	uint64_t v;

	switch (op) {
	case 0:
		s = fuzz_bytes(sc, &n);
		jsonw_strn(w, s, n);
		break;
	case 1:
		jsonw_u64(w, fuzz_u64(sc));
		break;
	case 2:
		v = fuzz_u64(sc);
		jsonw_i64(w, (int64_t)v);
		break;
	case 3:
		jsonw_double(w, fuzz_double(sc), (int8_t)fuzz_byte(sc) % 20);
		break;
	case 4:
		jsonw_bool(w, fuzz_byte(sc) & 1);
		break;
	case 5:
		jsonw_null(w);
		break;
	default:
		jsonw_str(w, NULL);
		break;
	}
}

static void fuzz_kv(struct jsonw *w, struct fuzz_script *sc, int op)
{
	char key[32];
	const char *k = fuzz_key(sc, key);
	char str[32];

	switch (op) {
	case 0:
		jsonw_kv_str(w, k, fuzz_key(sc, str));
		break;
	case 1:
		jsonw_kv_u64(w, k, fuzz_u64(sc));
		break;
	case 2:
		jsonw_kv_i64(w, k, (int64_t)fuzz_u64(sc));
		break;
	case 3:
		jsonw_kv_double(w, k, fuzz_double(sc), fuzz_byte(sc) % 18);
		break;
	default:
		jsonw_kv_null(w, k);
		break;
	}
}

static void fuzz_run_script(struct jsonw *w, const uint8_t *p, size_t n)
{
	struct fuzz_script sc = { p, p + n };
	struct fuzz_state st = { 0 };
	char key[32];
	uint8_t op;

	while (sc.p < sc.end) {
		op = fuzz_byte(&sc) % 8;
		if ((op == 0 || op == 1) && fuzz_value_ok(&st) && st.depth < JSONW_DEPTH_MAX) {
			if (op == 0)
				jsonw_obj_begin(w);
			else
				jsonw_arr_begin(w);
			fuzz_did_value(&st);
			st.is_obj[st.depth++] = op == 0;
		} else if (op == 2 && st.depth > 0 && !st.after_key) {
			if (st.is_obj[--st.depth])
				jsonw_obj_end(w);
			else
				jsonw_arr_end(w);
		} else if (op == 3 && fuzz_key_ok(&st)) {
			jsonw_key(w, fuzz_key(&sc, key));
			st.after_key = true;
		} else if (op == 4 && fuzz_value_ok(&st)) {
			fuzz_scalar(w, &sc, fuzz_byte(&sc) % 7);
			fuzz_did_value(&st);
		} else if (op == 5 && fuzz_key_ok(&st)) {
			fuzz_kv(w, &sc, fuzz_byte(&sc) % 5);
		} else if (op == 6 && st.depth == 0 && st.top_done) {
			jsonw_end_line(w);
			st.top_done = false;
		}
	}
	if (st.after_key)
		jsonw_null(w);
	while (st.depth > 0) {
		if (st.is_obj[--st.depth])
			jsonw_obj_end(w);
		else
			jsonw_arr_end(w);
	}
	if (st.top_done)
		jsonw_end_line(w);
}

static char *fuzz_capture(const uint8_t *p, size_t n, bool pretty, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);
	struct jsonw *w;

	if (f == NULL || (w = jsonw_create(f, pretty)) == NULL)
		abort();
	fuzz_run_script(w, p, n);
	jsonw_free(w);
	if (ferror(f) || fclose(f) != 0)
		abort();
	return out;
}

/* Every line of compact output is exactly one JSON value. */
static void fuzz_check_lines(const char *out, size_t len)
{
	const char *line = out, *nl;
	struct fuzz_parser ps = { 0 };

	if (len > 0 && out[len - 1] != '\n')
		abort();
	while (line < out + len) {
		nl = memchr(line, '\n', (size_t)(out + len - line));
		ps.p = (const unsigned char *)line;
		ps.end = (const unsigned char *)nl;
		if (!fuzz_value(&ps, 0) || ps.p != ps.end)
			abort();
		line = nl + 1;
	}
}

/* Copies out without the whitespace outside strings; returns the new length. */
static size_t fuzz_squeeze(const char *in, size_t len, char *out)
{
	size_t i, j = 0;
	bool in_str = false;

	for (i = 0; i < len; i++) {
		if (in_str && in[i] == '\\' && i + 1 < len) {
			out[j++] = in[i++];
		} else if (in[i] == '"') {
			in_str = !in_str;
		} else if (!in_str && (in[i] == ' ' || in[i] == '\n')) {
			continue;
		}
		out[j++] = in[i];
	}
	return j;
}

/* Pretty output parses as a sequence of values each ended by "\n", and differs from the
 * compact output only in whitespace. */
static void fuzz_check_pretty(const char *pretty, size_t plen, const char *compact, size_t clen)
{
	struct fuzz_parser ps = { 0 };
	char *a = malloc(plen + 1), *b = malloc(clen + 1);
	size_t alen, blen;

	if (a == NULL || b == NULL)
		abort();
	ps.p = (const unsigned char *)pretty;
	ps.end = ps.p + plen;
	for (fuzz_ws(&ps); ps.p < ps.end; fuzz_ws(&ps))
		if (!fuzz_value(&ps, 0) || ps.p >= ps.end || *ps.p != '\n')
			abort();
	alen = fuzz_squeeze(pretty, plen, a);
	blen = fuzz_squeeze(compact, clen, b);
	if (alen != blen || memcmp(a, b, alen) != 0)
		abort();
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *compact, *pretty;
	unsigned char *expanded;
	size_t clen, plen, n;

	if (size < 1)
		return 0;
	n = size - 1;
	if (data[0] & 1) {
		if (data[0] & 2) {
			expanded = fuzz_expand(data + 1, &n);
			fuzz_one_string(expanded, n);
			free(expanded);
		} else {
			fuzz_one_string(data + 1, size - 1);
		}
		return 0;
	}
	compact = fuzz_capture(data + 1, size - 1, false, &clen);
	pretty = fuzz_capture(data + 1, size - 1, true, &plen);
	if (strlen(compact) != clen || strlen(pretty) != plen)
		abort();			/* a raw NUL escaped the string writer */
	fuzz_check_lines(compact, clen);
	fuzz_check_pretty(pretty, plen, compact, clen);
	free(compact);
	free(pretty);
	return 0;
}
