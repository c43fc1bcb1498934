/* -f: PCRE2 over hostile names. */
#include <string.h>
#include <time.h>

#include "filter.h"
#include "tap.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
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
	return tap_done();
}
