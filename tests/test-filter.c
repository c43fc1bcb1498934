/* -f: PCRE2 over hostile names. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "tap.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What one pcre2_match() over the first FILTER_SUBJECT_MAX bytes says, with the filter's
 * options: the reference the sliced matching must agree with. */
static bool direct(const char *pattern, const char *s, size_t len)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	pcre2_match_data *md;
	pcre2_code *c;
	PCRE2_SIZE off;
	int e, rc;

	bool upper = false;

	for (const char *p = pattern; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (isupper((unsigned char)*p))
			upper = true;
	}
	if (!upper)
		opts |= PCRE2_CASELESS;
	c = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &e, &off, NULL);
	pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);	/* as the filter: they differ at invalid UTF-8 */
	md = pcre2_match_data_create_from_pattern(c, NULL);
	rc = pcre2_match(c, (PCRE2_SPTR)s, len < FILTER_SUBJECT_MAX ? len : FILTER_SUBJECT_MAX, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(c);
	return rc >= 0;
}

/* Start positions tried a slice at a time find what one call finds: random subjects of
 * ASCII, multibyte UTF-8 and invalid bytes, patterns that look behind, anchor, assert
 * boundaries and match empty. */
static void test_slices(void)
{
	static const char *const patterns[] = {
		"x", "xy", "(?<=a)x", "(?<!a)x", "^a", "(?m)^x", "x$", "\\bxa", "\\Bx", "a*", "", "$",
		"caf\xc3\xa9", "\\x{e9}x", "[^a]x", ".x.", "(?s).{60}x", "x(?=y)", "(a|xy)+b",
		"\\Xx", "\\x{ff}", "(*UTF)ax", "(*NO_JIT)x.?y", "(?i)XY", "A", "(*COMMIT)xy", "\\Gx",
		"(x)\\1", "y(*SKIP)x|a", "\\w{3}\\W", "(*NO_JIT)$", "(*NO_JIT)(?<=a)x", "(*NO_JIT)\\bxa",
		"(*NO_JIT)x$", "(*NO_JIT)(?s).{60}x", "(*NO_JIT)\\Xx", "(*NO_JIT)a*",
	};
	static const char *const units[] = { "a", "x", "y", "b", " ", "\n", "\xc3\xa9", "\xe2\x80\xae", "\xff",
					      "\xc3", "\x80", "\xf0\x9f\x98\x80", "A" };
	char s[5000], err[256];
	unsigned seed = 16;
	int bad = 0, runs = 0;

	for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
		struct filter *f = filter_create(patterns[p], err, sizeof err);

		if (!f) {
			ok(0, "pattern '%s' compiles: %s", patterns[p], err);
			continue;
		}
		for (int i = 0; i < 120; i++) {
			size_t len = 0, want = (size_t)rand_r(&seed) % (i < 100 ? 400 : 4800);

			while (len < want) {
				const char *u = units[rand_r(&seed) % (sizeof units / sizeof units[0])];

				memcpy(s + len, u, strlen(u));
				len += strlen(u);
			}
			runs++;
			if (filter_match(f, s, len) != direct(patterns[p], s, len)) {
				if (bad++ < 5)
				{
					printf("# pattern '%s' disagrees on a subject of %zu bytes (filter %d):", patterns[p], len, filter_match(f, s, len));
					for (size_t k = 0; k < len; k++) printf(" %02x", (unsigned char)s[k]);
					printf("\n");
				}
			}
		}
		filter_free(f);
	}
	is_int(bad, 0, "sliced matching agrees with one pcre2_match over %d subjects", runs);
}

/* A subject that backtracks at every start position, without end in one call */
static void test_budget(void)
{
	char err[256], *big = malloc(FILTER_SUBJECT_MAX + 100);
	struct filter *f;
	double t, worst = 0;
	int calls = 0;
	bool got = true;

	memset(big, 'a', FILTER_SUBJECT_MAX + 98);
	memcpy(big + FILTER_SUBJECT_MAX - 2, "xb", 2);
	big[FILTER_SUBJECT_MAX + 98] = 'c';
	big[FILTER_SUBJECT_MAX + 99] = '\0';

	f = filter_create("a{1,65535}b", err, sizeof err);
	t = now();
	ok(!filter_match(f, big, strlen(big)), "a{1,65535}b: no 'ab' in 4 KiB of a's");
	ok(now() - t < 1, "in well under a second (%.3f s)", now() - t);
	filter_free(f);
	f = filter_create("a+c", err, sizeof err);
	ok(!filter_match(f, big, strlen(big)), "only the first 4 KiB are matched: the 'c' after is not seen");
	filter_free(f);
	f = filter_create("a+xb", err, sizeof err);
	ok(filter_match(f, big, strlen(big)), "what the first 4 KiB hold is");
	filter_free(f);

	/* most of a second of work for one subject (more than a burst): cut into slices */
	f = filter_create("(*NO_JIT).{0,100}.{0,100}(?!b)b", err, sizeof err);
	for (calls = 0; calls < 200; calls++) {
		t = now();
		got = filter_match(f, big, FILTER_SUBJECT_MAX);
		t = now() - t;
		worst = t > worst ? t : worst;
		if (filter_skipped(f) == (size_t)calls)
			break;	/* finished: not skipped this time */
		usleep(200000);	/* a refresh later: time to match earned again */
	}
	ok(calls > 1, "a costly subject is not matched in one call (%d calls)", calls);
	ok(worst < FILTER_BURST_SECONDS + 0.15, "no call takes much more than the burst (%.3f s)", worst);
	ok(!got, "and its verdict comes out right");
	t = now();
	ok(!filter_match(f, big, FILTER_SUBJECT_MAX), "asked again");
	ok(now() - t < 0.001, "its verdict is kept (%.6f s)", now() - t);
	filter_free(f);
	free(big);
}

static void test_stop(void)
{
	static volatile sig_atomic_t stop;
	char err[256];
	struct filter *f = filter_create("x", err, sizeof err);

	filter_set_stop(f, &stop);
	ok(filter_match(f, "x", 1), "matches while not stopped");
	stop = 1;
	ok(!filter_match(f, "x", 1), "answers no at once once stopped");
	filter_free(f);
}

int main(void)
{
	char err[256] = "";
	struct filter *f;
	char evil[4096];
	double t;

	f = filter_create("memhog", err, sizeof err);
	ok(f != NULL, "simple pattern compiles");
	ok(filter_match(f, "memhog", 6), "matches");
	ok(filter_match(f, "MEMHOG", 6), "lower-case pattern is caseless");
	ok(!filter_match(f, "memho", 5), "no match on a prefix");
	is_str(filter_pattern(f), "memhog", "keeps its text");
	filter_free(f);

	f = filter_create("Memhog", err, sizeof err);
	ok(f && !filter_match(f, "memhog", 6), "an upper-case letter makes it case-sensitive");
	filter_free(f);
	f = filter_create("\\Sx", err, sizeof err);
	ok(f && filter_match(f, "AX", 2), "\\S is a class, not an upper-case letter");
	filter_free(f);

	f = filter_create("caf.", err, sizeof err);
	ok(f && filter_match(f, "bad\xc3(caf\xc3\xa9", 10), "invalid UTF-8 in the subject is tolerated");
	ok(f && !filter_match(f, "caf\xff", 4), "an invalid byte is a barrier: '.' never matches it");
	filter_free(f);
	f = filter_create("caf", err, sizeof err);
	ok(f && filter_match(f, "\xff\x1b[caf\xff", 8), "matches between invalid bytes");
	filter_free(f);

	f = filter_create("a(", err, sizeof err);
	ok(f == NULL, "bad pattern rejected");
	ok(strstr(err, "missing closing parenthesis") && strstr(err, "offset 2"), "message names the fault and offset: %s", err);

	f = filter_create("(a+)+$", err, sizeof err);
	memset(evil, 'a', sizeof evil - 2);
	evil[sizeof evil - 2] = 'b';
	evil[sizeof evil - 1] = '\0';
	t = now();
	ok(f && !filter_match(f, evil, strlen(evil)), "catastrophic backtracking counts as no match");
	ok(now() - t < 0.5, "and returns within the match limit (%.3f s)", now() - t);
	filter_free(f);
	test_slices();
	test_budget();
	test_stop();
	return tap_done();
}
