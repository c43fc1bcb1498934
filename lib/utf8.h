/* Strict UTF-8, shared by the terminal sanitizer and the JSON writer so that both agree on
 * which bytes are text and which are hostile. */
#ifndef MEMTOP_UTF8_H
#define MEMTOP_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one strictly valid UTF-8 sequence at s (len bytes available): returns its length 1..4
 * and stores the code point, or 0 when the bytes at s do not start a valid sequence
 * (overlong forms, surrogates U+D800..DFFF, > U+10FFFF, truncated sequences are all invalid).
 * *cp is left alone when 0 is returned. */
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* True for code points that reorder or hide text without being controls: bidi formatting
 * characters, zero-width characters, the line and paragraph separators, the BOM and the tag
 * characters. A process name holding one can look like a different name. */
bool utf8_is_invisible(uint32_t cp);

#endif
