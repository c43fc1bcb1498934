#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter.h"
#include "xalloc.h"

/* PCRE2's limits count the backtracking from one start position; every position of the
 * subject is a new start, and scanning is not counted at all. So the work of one match is
 * bounded by the subject's length (FILTER_SUBJECT_MAX), by these limits for each start, and
 * the work of all matches by a time budget, checked between slices of start positions. */
#define FILTER_MATCH_LIMIT 100000	/* backtracking steps from one start position */
#define FILTER_DEPTH_LIMIT 10000	/* nested backtracking frames */
#define FILTER_HEAP_LIMIT 8192		/* KiB of backtracking frames (the interpreter's) */
#define FILTER_SLICE 64			/* start positions tried between two looks at the clock */
#define FILTER_RATE 0.2			/* seconds of matching earned per second */
#define FILTER_MEMO 256			/* verdicts kept of subjects costly to match */
#define FILTER_MEMO_COST 100e-6		/* seconds of matching that make a subject costly */

enum filter_verdict { FV_NONE, FV_MATCH, FV_NOMATCH, FV_PARTIAL };

/* A costly subject (a copy, compared whole: a hash alone could be forged to borrow
 * another's verdict) with its verdict, or how far its matching got. */
struct filter_memo {
	char *subject;
	size_t len;
	size_t next;			/* FV_PARTIAL: the first start position still to try */
	enum filter_verdict verdict;
};

struct filter {
	char *pattern;
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	bool sliced;			/* start positions may be tried a slice at a time */
	double budget, budget_time;	/* seconds of matching left, and when counted */
	size_t skipped;
	const volatile sig_atomic_t *stop;
	struct filter_memo *memo;	/* FILTER_MEMO slots, allocated at the first costly subject */
};

static double filter_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

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

/* The settings a pattern may start with, "(*UTF)", "(*LIMIT_MATCH=10)": not verbs. */
static const char *filter_skip_settings(const char *p)
{
	static const char *const names[] = {
		"UTF)", "UCP)", "NOTEMPTY)", "NOTEMPTY_ATSTART)", "NO_AUTO_POSSESS)", "NO_DOTSTAR_ANCHOR)",
		"NO_JIT)", "NO_START_OPT)", "CR)", "LF)", "CRLF)", "ANYCRLF)", "ANY)", "NUL)",
		"BSR_ANYCRLF)", "BSR_UNICODE)", "LIMIT_HEAP=", "LIMIT_MATCH=", "LIMIT_DEPTH=", "LIMIT_RECURSION=",
	};
	size_t i;

	while (p[0] == '(' && p[1] == '*') {
		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			if (strncmp(p + 2, names[i], strlen(names[i])) == 0)
				break;
		}
		if (i == sizeof names / sizeof names[0] || !strchr(p, ')'))
			return p;
		p = strchr(p, ')') + 1;
	}
	return p;
}

/* Trying the start positions a slice at a time finds what one call finds, unless the
 * pattern asserts the start offset (\G) or steers the move to the next start ((*SKIP),
 * (*COMMIT), (*PRUNE), (*THEN) and the other verbs): such a pattern is matched in one call,
 * bounded by the subject's length alone. An anchored pattern has a single start anyway. */
static bool filter_can_slice(const struct filter *f, const char *pattern)
{
	uint32_t opts = 0;

	pcre2_pattern_info(f->code, PCRE2_INFO_ALLOPTIONS, &opts);
	pattern = filter_skip_settings(pattern);
	return !(opts & PCRE2_ANCHORED) && !strstr(pattern, "\\G") && !strstr(pattern, "(*");
}

struct filter *filter_create(const char *pattern, char *err, size_t errsz)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_USE_OFFSET_LIMIT;
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
	pcre2_set_heap_limit(f->mctx, FILTER_HEAP_LIMIT);
	f->sliced = filter_can_slice(f, pattern);
	f->budget = FILTER_BURST_SECONDS;
	f->budget_time = filter_now();
	f->pattern = xstrdup(pattern);
	return f;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	for (int i = 0; f->memo && i < FILTER_MEMO; i++)
		free(f->memo[i].subject);
	free(f->memo);
	pcre2_match_context_free(f->mctx);
	pcre2_match_data_free(f->md);
	pcre2_code_free(f->code);
	free(f->pattern);
	free(f);
}

void filter_set_stop(struct filter *f, const volatile sig_atomic_t *stop)
{
	f->stop = stop;
}

size_t filter_skipped(const struct filter *f)
{
	return f->skipped;
}

static uint64_t filter_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u;	/* FNV-1a: only picks a slot, the copy decides */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
	return h;
}

/* The slot a subject's verdict would be kept in, when the memo holds anything at all. */
static struct filter_memo *filter_memo_slot(struct filter *f, const char *s, size_t len)
{
	return f->memo ? &f->memo[filter_hash(s, len) % FILTER_MEMO] : NULL;
}

static bool filter_memo_holds(const struct filter_memo *m, const char *s, size_t len)
{
	return m && m->verdict != FV_NONE && m->len == len && memcmp(m->subject, s, len) == 0;
}

static void filter_memo_keep(struct filter *f, const char *s, size_t len, enum filter_verdict v, size_t next)
{
	struct filter_memo *m;

	if (!f->memo)
		f->memo = xcalloc(FILTER_MEMO, sizeof *f->memo);
	m = filter_memo_slot(f, s, len);
	if (!filter_memo_holds(m, s, len)) {
		free(m->subject);
		m->subject = xmalloc(len ? len : 1);
		memcpy(m->subject, s, len);
		m->len = len;
	}
	m->verdict = v;
	m->next = next;
}

/* One call over the start positions [from, to]: 1 a match, 0 none, or PCRE2's error (a
 * limit hit: no match). to == len lets the match start anywhere. */
static int filter_try(struct filter *f, const char *s, size_t len, size_t from, size_t to)
{
	int rc;

	pcre2_set_offset_limit(f->mctx, to >= len ? PCRE2_UNSET : to);
	rc = pcre2_match(f->code, (PCRE2_SPTR)s, len, from, 0, f->md, f->mctx);
	return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : rc;
}

/* The end of the slice of start positions beginning at from: FILTER_SLICE bytes on, moved
 * past the bytes that continue a UTF-8 character, so that the next slice begins on one. */
static size_t filter_slice_end(const char *s, size_t len, size_t from)
{
	size_t to = from + FILTER_SLICE;

	for (int i = 0; i < 3 && to < len && ((unsigned char)s[to] & 0xc0) == 0x80; i++)
		to++;
	return to < len ? to : len;
}

/* Seconds of matching that may be spent now: FILTER_RATE a second, at most a burst's. */
static double filter_budget(struct filter *f, double now)
{
	f->budget += (now - f->budget_time) * FILTER_RATE;
	if (f->budget > FILTER_BURST_SECONDS)
		f->budget = FILTER_BURST_SECONDS;
	f->budget_time = now;
	return f->budget;
}

bool filter_match(struct filter *f, const char *subject, size_t len)
{
	struct filter_memo *m;
	size_t from = 0, to;
	double start, now;
	int rc = 0;

	if (f->stop && *f->stop)
		return false;	/* memtop is leaving: the rest of the refresh is not shown */
	if (len > FILTER_SUBJECT_MAX)
		len = FILTER_SUBJECT_MAX;
	m = filter_memo_slot(f, subject, len);
	if (filter_memo_holds(m, subject, len)) {
		if (m->verdict != FV_PARTIAL)
			return m->verdict == FV_MATCH;
		from = m->next;
	}
	start = now = filter_now();
	if (filter_budget(f, now) <= 0) {
		f->skipped++;
		return false;
	}
	do {
		to = f->sliced ? filter_slice_end(subject, len, from) : len;
		rc = filter_try(f, subject, len, from, to);
		from = to;
		now = filter_now();
	} while (rc == 0 && from < len && now - start < f->budget && !(f->stop && *f->stop));
	f->budget -= now - start;
	if (rc == 0 && from < len) {	/* out of time: the next call goes on from here */
		filter_memo_keep(f, subject, len, FV_PARTIAL, from);
		f->skipped++;
		return false;
	}
	if (now - start >= FILTER_MEMO_COST || filter_memo_holds(m, subject, len))
		filter_memo_keep(f, subject, len, rc > 0 ? FV_MATCH : FV_NOMATCH, 0);
	return rc > 0;
}

const char *filter_pattern(const struct filter *f)
{
	return f->pattern;
}
