/* The one gate between hostile bytes (comm, cmdline, file names from /proc) and the terminal. */
#ifndef MEMTOP_SANITIZE_H
#define MEMTOP_SANITIZE_H

#include <stddef.h>

/* Makes bytes from /proc safe for a terminal. Writes a NUL-terminated string into dst (never more
 * than dstsz bytes including the NUL, never splitting an escape or a multibyte character) holding
 * at most max_cols display columns (SIZE_MAX: no limit). Returns the number of display columns
 * written. Mapping: printable valid UTF-8 is kept; C0 controls and DEL become caret notation
 * (ESC -> "^[", newline -> "^J", DEL -> "^?"); each byte of invalid UTF-8 becomes "\xHH" (lower-case hex);
 * C1 controls U+0080..U+009F, bidi controls U+202A..U+202E and U+2066..U+2069, U+200B..U+200F,
 * U+2028, U+2029, U+FEFF and any non-printable code point become "\u{XXXX}" (upper-case hex, at least 4 digits).
 * Also escaped as "\u{XXXX}": the other invisible code points of utf8_is_invisible(), and every
 * non-ASCII code point when the locale's character set is not UTF-8 (the terminal could not
 * show it, and an 8-bit terminal would read continuation bytes 0x80..0x9F as C1 controls).
 * dst may be NULL when dstsz is 0; src may be NULL when srclen is 0. */
size_t sanitize_term(char *dst, size_t dstsz, const char *src, size_t srclen, size_t max_cols);

/* Display columns sanitize_term would produce for the whole input (no limit). */
size_t sanitize_width(const char *src, size_t srclen);

#endif
