/* Strict UTF-8 decoding after Unicode Table 3-7 ("well-formed byte sequences"): the second
 * byte's range depends on the lead byte, which is what rules out overlong forms, surrogates
 * and code points above U+10FFFF without any arithmetic on the decoded value. */
#include "utf8.h"

static bool utf8_is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char b0, lo = 0x80, hi = 0xbf;
	size_t n, i;
	uint32_t v;

	if (len == 0)
		return 0;
	b0 = s[0];
	if (b0 < 0x80) {
		*cp = b0;
		return 1;
	}
	if (b0 >= 0xc2 && b0 <= 0xdf) {
		n = 2;
		v = b0 & 0x1f;
	} else if (b0 >= 0xe0 && b0 <= 0xef) {
		n = 3;
		v = b0 & 0x0f;
		if (b0 == 0xe0)
			lo = 0xa0;	/* below: overlong */
		else if (b0 == 0xed)
			hi = 0x9f;	/* above: surrogates */
	} else if (b0 >= 0xf0 && b0 <= 0xf4) {
		n = 4;
		v = b0 & 0x07;
		if (b0 == 0xf0)
			lo = 0x90;	/* below: overlong */
		else if (b0 == 0xf4)
			hi = 0x8f;	/* above: beyond U+10FFFF */
	} else {
		return 0;	/* continuation byte, C0/C1 (always overlong), F5..FF */
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	v = (v << 6) | (s[1] & 0x3f);
	for (i = 2; i < n; i++) {
		if (!utf8_is_cont(s[i]))
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	*cp = v;
	return n;
}

bool utf8_is_invisible(uint32_t cp)
{
	return cp == 0x061c ||			/* arabic letter mark (bidi) */
	    cp == 0x180e ||			/* mongolian vowel separator */
	    (cp >= 0x200b && cp <= 0x200f) ||	/* zero-width, LRM, RLM */
	    (cp >= 0x2028 && cp <= 0x202e) ||	/* separators, bidi embeddings/overrides */
	    (cp >= 0x2060 && cp <= 0x2064) ||	/* word joiner, invisible operators */
	    (cp >= 0x2066 && cp <= 0x2069) ||	/* bidi isolates */
	    cp == 0xfeff ||			/* BOM / zero-width no-break space */
	    (cp >= 0xe0000 && cp <= 0xe007f);	/* tags: invisible ASCII look-alikes */
}
