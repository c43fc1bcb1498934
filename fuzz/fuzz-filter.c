/* libFuzzer target for the -f / '/' filter: filter_create() with an arbitrary pattern, then
 * filter_match() against an arbitrary subject (invalid UTF-8 and NUL bytes included, as a
 * hostile command line can hold them). The input is PATTERN NUL SUBJECT; without a NUL it is
 * used as both. Checks beyond "no crash, no hang": a rejected pattern comes with a message,
 * an accepted one is kept verbatim, and a pattern quoting a valid piece of the subject
 * literally (\Q...\E) always matches it, so a subject's invalid bytes never hide a name.
 * Slow inputs are findings too: fuzz/run sets -timeout, and the match limits and the time
 * budget must keep every pattern well under it.
 *
 *   fuzz/run filter	(or by hand:)
 *   clang -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -Ilib fuzz/fuzz-filter.c \
 *	lib/filter.c lib/xalloc.c -lpcre2-8 -o fz-filter */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Longest prefix of s (at most max bytes) that is valid UTF-8 without NUL and "\E". */
static size_t fuzz_filter_literal_len(const unsigned char *s, size_t n, size_t max)
{
	size_t i = 0, len;
	uint32_t cp;

	while (i < n && i < max) {
		len = utf8_decode(s + i, n - i, &cp);
		if (len == 0 || cp == 0 || i + len > max)
			break;
		if (cp == '\\' && i + 1 < n && s[i + 1] == 'E')
			break;
		i += len;
	}
	return i;
}

static void fuzz_filter_literal(const unsigned char *subject, size_t n, size_t at)
{
	char pattern[80], err[256];
	struct filter *f;
	size_t len;

	if (at >= n || at >= FILTER_SUBJECT_MAX)
		return;	/* only the first FILTER_SUBJECT_MAX bytes are matched */
	len = fuzz_filter_literal_len(subject + at, n - at, sizeof pattern - 5);
	if (len == 0 || at + len > FILTER_SUBJECT_MAX)
		return;
	memcpy(pattern, "\\Q", 2);
	memcpy(pattern + 2, subject + at, len);
	memcpy(pattern + 2 + len, "\\E", 3);
	f = filter_create(pattern, err, sizeof err);
	if (!f || !filter_match(f, (const char *)subject, n))
		abort();
	filter_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t plen = nul ? (size_t)(nul - data) : size;
	const unsigned char *subject = nul ? nul + 1 : data;
	size_t slen = nul ? size - plen - 1 : size;
	char *pattern = malloc(plen + 1), err[256];
	struct filter *f;

	if (!pattern)
		abort();
	memcpy(pattern, data, plen);
	pattern[plen] = '\0';
	memset(err, 0x5a, sizeof err);
	f = filter_create(pattern, err, sizeof err);
	if (!f) {
		if (!memchr(err, '\0', sizeof err) || err[0] == '\0')
			abort();
	} else {
		if (strcmp(filter_pattern(f), pattern) != 0)
			abort();
		filter_match(f, (const char *)subject, slen);
		filter_match(f, "", 0);
		filter_free(f);
	}
	free(pattern);
	fuzz_filter_literal(subject, slen, slen ? data[0] % slen : 0);
	return 0;
}
