/* Every byte either stays as printable UTF-8 or becomes a visible ASCII escape, so nothing from
 * /proc can move the cursor, set a title, reorder text or hide characters. The input is cut
 * into units (one character, or one escape), and a unit is written whole or not at all: that
 * is what keeps truncation from splitting a multibyte character or an escape. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* wcwidth(); the build defines it through config.h */
#endif
#include <langinfo.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "sanitize.h"
#include "utf8.h"

/* Longest unit: "\u{10FFFF}" is 10 bytes; a kept character is at most 4. */
#define SANITIZE_UNIT_MAX 10

struct sanitize_unit {
	char	 buf[SANITIZE_UNIT_MAX];
	size_t	 len;		/* bytes of buf in use */
	size_t	 cols;		/* display columns of buf */
	size_t	 consumed;	/* input bytes this unit stands for */
};

static const char sanitize_hex_lower[] = "0123456789abcdef";
static const char sanitize_hex_upper[] = "0123456789ABCDEF";

/* Asked once per call, not per character: the locale does not change under us mid-string. */
static bool sanitize_locale_is_utf8(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

static void sanitize_caret(struct sanitize_unit *u, unsigned char c)
{
	u->buf[0] = '^';
	u->buf[1] = c == 0x7f ? '?' : (char)(c + 0x40);
	u->len = u->cols = 2;
}

static void sanitize_byte_hex(struct sanitize_unit *u, unsigned char c)
{
	memcpy(u->buf, "\\x", 2);
	u->buf[2] = sanitize_hex_lower[c >> 4];
	u->buf[3] = sanitize_hex_lower[c & 0xf];
	u->len = u->cols = 4;
}

static void sanitize_codepoint_hex(struct sanitize_unit *u, uint32_t cp)
{
	int digits = cp > 0xfffff ? 6 : cp > 0xffff ? 5 : 4;
	size_t n = 3;

	memcpy(u->buf, "\\u{", 3);
	while (digits-- > 0)
		u->buf[n++] = sanitize_hex_upper[(cp >> (4 * digits)) & 0xf];
	u->buf[n++] = '}';
	u->len = u->cols = n;
}

static void sanitize_next(struct sanitize_unit *u, const unsigned char *s, size_t len,
    bool utf8_locale)
{
	uint32_t cp;
	size_t n;
	int w;

	if (s[0] < 0x20 || s[0] == 0x7f) {
		sanitize_caret(u, s[0]);
		u->consumed = 1;
		return;
	}
	if (s[0] < 0x80) {
		u->buf[0] = (char)s[0];
		u->len = u->cols = u->consumed = 1;
		return;
	}
	n = utf8_decode(s, len, &cp);
	if (n == 0) {
		sanitize_byte_hex(u, s[0]);
		u->consumed = 1;
		return;
	}
	u->consumed = n;
	/* C1 is checked by hand because a libc may call it printable in some locale. */
	w = utf8_locale && cp > 0x9f && !utf8_is_invisible(cp) ? wcwidth((wchar_t)cp) : -1;
	if (w < 0) {
		sanitize_codepoint_hex(u, cp);
		return;
	}
	memcpy(u->buf, s, n);
	u->len = n;
	u->cols = (size_t)w;
}

size_t sanitize_term(char *dst, size_t dstsz, const char *src, size_t srclen, size_t max_cols)
{
	const unsigned char *s = (const unsigned char *)src;
	bool utf8_locale = sanitize_locale_is_utf8();
	struct sanitize_unit u;
	size_t used = 0, cols = 0, i = 0;

	if (dstsz == 0)
		return 0;
	while (i < srclen) {
		sanitize_next(&u, s + i, srclen - i, utf8_locale);
		/* used + u.len + 1 (the NUL) must fit; written this way it cannot overflow. */
		if (u.len >= dstsz - used || u.cols > max_cols - cols)
			break;
		memcpy(dst + used, u.buf, u.len);
		used += u.len;
		cols += u.cols;
		i += u.consumed;
	}
	dst[used] = '\0';
	return cols;
}

size_t sanitize_width(const char *src, size_t srclen)
{
	const unsigned char *s = (const unsigned char *)src;
	bool utf8_locale = sanitize_locale_is_utf8();
	struct sanitize_unit u;
	size_t cols = 0, i = 0;

	while (i < srclen) {
		sanitize_next(&u, s + i, srclen - i, utf8_locale);
		cols += u.cols;
		i += u.consumed;
	}
	return cols;
}
