#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

#include "filter.h"
#include "xalloc.h"

/* Bounds the backtracking of one match: about a millisecond of work at most. */
#define FILTER_MATCH_LIMIT 100000
#define FILTER_DEPTH_LIMIT 10000

struct filter {
	char *pattern;
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
};

static bool filter_has_upper(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {	/* \S, \W, \D are classes, not letters */
			s++;
			continue;
		}
		if (isupper((unsigned char)*s))
			return true;
	}
	return false;
}

struct filter *filter_create(const char *pattern, char *err, size_t errsz)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	struct filter *f;
	PCRE2_SIZE off;
	int code;

	if (!filter_has_upper(pattern))
		opts |= PCRE2_CASELESS;
	f = xcalloc(1, sizeof *f);
	f->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &code, &off, NULL);
	if (!f->code) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof msg);
		snprintf(err, errsz, "%s at offset %zu", (char *)msg, (size_t)off);
		free(f);
		return NULL;
	}
	pcre2_jit_compile(f->code, PCRE2_JIT_COMPLETE);	/* optional: falls back to the interpreter */
	f->md = pcre2_match_data_create_from_pattern(f->code, NULL);
	f->mctx = pcre2_match_context_create(NULL);
	if (!f->md || !f->mctx)
		xalloc_die();
	pcre2_set_match_limit(f->mctx, FILTER_MATCH_LIMIT);
	pcre2_set_depth_limit(f->mctx, FILTER_DEPTH_LIMIT);
	f->pattern = xstrdup(pattern);
	return f;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	pcre2_match_context_free(f->mctx);
	pcre2_match_data_free(f->md);
	pcre2_code_free(f->code);
	free(f->pattern);
	free(f);
}

bool filter_match(struct filter *f, const char *subject, size_t len)
{
	return pcre2_match(f->code, (PCRE2_SPTR)subject, len, 0, 0, f->md, f->mctx) >= 0;
}

const char *filter_pattern(const struct filter *f)
{
	return f->pattern;
}
