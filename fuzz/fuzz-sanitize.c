/* libFuzzer target for sanitize_term(): first byte is dstsz, second is max_cols in its low
 * 7 bits (0x7f: no limit) and expand mode in its top bit, the rest is the hostile input. Aborts when output could reach a terminal unsafely,
 * escapes bounds, or disagrees with the unlimited conversion or with sanitize_width(). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* wcwidth(), strnlen() */
#endif
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "fuzz-utf8.h"
#include "sanitize.h"

#define FUZZ_CANARY 0xa5
#define FUZZ_SLACK 16

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		abort();
	return 0;
}

/* Listed here rather than taken from utf8_is_invisible() so the check does not trust the
 * code under test. */
static bool fuzz_is_bidi_or_hidden(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    (cp >= 0x200b && cp <= 0x200f) || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff;
}

/* Checks s is safe for a terminal and returns its display width. */
static size_t fuzz_check_clean(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, len, cols = 0;
	uint32_t cp;
	int w;

	while (i < n) {
		len = fuzz_utf8(u + i, n - i, &cp);
		if (len == 0)
			abort();		/* not valid UTF-8 */
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			abort();		/* raw control */
		if (fuzz_is_bidi_or_hidden(cp))
			abort();
		w = wcwidth((wchar_t)cp);
		if (w < 0)
			abort();		/* non-printable kept */
		cols += (size_t)w;
		i += len;
	}
	return cols;
}

static void fuzz_one(const char *src, size_t n, size_t dstsz, size_t max_cols)
{
	size_t fullsz, full_cols, cols, len;
	char *full, *buf;
	size_t i;

	/* The worst case is 4 output bytes ("\xHH") per input byte. */
	fullsz = 4 * n + 1;
	full = malloc(fullsz);
	if (full == NULL)
		abort();
	full_cols = sanitize_term(full, fullsz, src, n, SIZE_MAX);
	if (full_cols != fuzz_check_clean(full) || full_cols != sanitize_width(src, n))
		abort();

	buf = malloc(dstsz + FUZZ_SLACK);
	if (buf == NULL)
		abort();
	memset(buf, FUZZ_CANARY, dstsz + FUZZ_SLACK);
	cols = sanitize_term(buf, dstsz, src, n, max_cols);
	for (i = dstsz; i < dstsz + FUZZ_SLACK; i++)
		if ((unsigned char)buf[i] != FUZZ_CANARY)
			abort();		/* wrote past dstsz */
	if (dstsz == 0) {
		if (cols != 0)
			abort();
	} else {
		len = strnlen(buf, dstsz);
		if (len == dstsz)
			abort();		/* not terminated inside dst */
		if (cols > max_cols || cols != fuzz_check_clean(buf))
			abort();
		if (strncmp(buf, full, len) != 0)
			abort();		/* not a prefix of the whole conversion */
		/* A unit is at most 10 bytes and 10 columns: with that much room left,
		 * stopping early would be a bug. */
		if (dstsz - len - 1 >= 10 && max_cols - cols >= 10 && strcmp(buf, full) != 0)
			abort();
	}
	free(buf);
	free(full);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *expanded;
	size_t n;

	if (size < 2)
		return 0;
	n = size - 2;
	if (data[1] & 0x80) {
		expanded = fuzz_expand(data + 2, &n);
		fuzz_one((const char *)expanded, n, data[0],
		    (data[1] & 0x7f) == 0x7f ? SIZE_MAX : data[1] & 0x7f);
		free(expanded);
	} else {
		fuzz_one((const char *)data + 2, n, data[0],
		    (data[1] & 0x7f) == 0x7f ? SIZE_MAX : data[1] & 0x7f);
	}
	return 0;
}
