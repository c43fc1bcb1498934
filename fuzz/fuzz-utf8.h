/* Shared by the fuzz targets that check UTF-8 output (fuzz-jsonw, fuzz-sanitize): an
 * independent decoder to check memtop's against, and hostile sequences that random bytes
 * rarely spell. Static functions: each target includes it once. */
#ifndef MEMTOP_FUZZ_UTF8_H
#define MEMTOP_FUZZ_UTF8_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Written apart from utf8_decode() so that a bug there cannot hide in this check: generic
 * decoding, then overlong forms, surrogates and values above U+10FFFF are rejected. */
static size_t fuzz_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len, i;
	uint32_t v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		v = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		v = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		v = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* Random bytes rarely spell a 3- or 4-byte sequence: in expand mode the bytes 0xf5..0xff
 * (never valid UTF-8) stand for the sequences hostile names use. */
static const char *const fuzz_tokens[11] = {
	"\xe2\x80\xae", "\xc2\x9b", "\xe4\xb8\xad", "\xf0\x9f\x98\x80",
	"\xcc\x81", "\xef\xbb\xbf", "\xe2\x81\xa6", "\xe2\x80\xa8",
	"\xf3\xa0\x81\x81", "\xc2\x9f", "\xd8\x9c",
};

/* Returns a malloc()ed copy of s with the tokens expanded; *n is updated. */
static unsigned char *fuzz_expand(const unsigned char *s, size_t *n)
{
	unsigned char *out = malloc(4 * *n + 1), *o = out;
	size_t i, len;

	if (out == NULL)
		abort();
	for (i = 0; i < *n; i++) {
		if (s[i] >= 0xf5) {
			len = strlen(fuzz_tokens[s[i] - 0xf5]);
			memcpy(o, fuzz_tokens[s[i] - 0xf5], len);
			o += len;
		} else {
			*o++ = s[i];
		}
	}
	*n = (size_t)(o - out);
	return out;
}

#endif
