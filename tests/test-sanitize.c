/* Unit tests for sanitize_term()/sanitize_width(): the escape-injection corpus of
 * reliability-anchors §6 F.36, truncation and buffer bounds. */
#include <locale.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "sanitize.h"

static char out[256];
static size_t out_cols;

/* Sanitizes a string literal of length n (sizeof - 1, so embedded NULs count). */
static const char *san(const char *src, size_t n, size_t max_cols)
{
	memset(out, 'Z', sizeof out);
	out_cols = sanitize_term(out, sizeof out, src, n, max_cols);
	return out;
}

#define S(lit)		san(lit, sizeof lit - 1, SIZE_MAX)
#define SC(lit, cols)	san(lit, sizeof lit - 1, cols)

static void test_controls(void)
{
	is_str(S("\x1b[31mred\x1b[0m"), "^[[31mred^[[0m", "SGR: ESC becomes ^[");
	is_u64(out_cols, 14, "SGR: columns count the caret escapes");
	is_str(S("\x1b[2J\x1b[H"), "^[[2J^[[H", "CSI clear screen and cursor home");
	is_str(S("\x1b]0;pwned\x07"), "^[]0;pwned^G", "OSC title with BEL terminator");
	is_str(S("\x1b]52;c;aGk=\x1b\\"), "^[]52;c;aGk=^[\\", "OSC 52 clipboard with ST");
	is_str(S("\x1bP+q\x1b\\"), "^[P+q^[\\", "DCS");
	is_str(S("\a"), "^G", "BEL");
	is_str(S("a\nb"), "a^Jb", "newline");
	is_str(S("a\tb"), "a^Ib", "tab");
	is_str(S("a\rb\b"), "a^Mb^H", "CR and backspace");
	is_str(S("x\x7fy"), "x^?y", "DEL");
	is_str(S("\x1f"), "^_", "last C0 control");
	is_str(S("a\0b\0"), "a^@b^@", "NUL bytes inside srclen");
	is_u64(out_cols, 6, "NUL bytes: columns");
	is_str(S("\xc2\x9b" "2J"), "\\u{009B}2J", "C1 CSI as UTF-8 C2 9B");
	is_u64(out_cols, 10, "C1 escape is 8 columns");
	is_str(S("\xc2\x80\xc2\x85\xc2\x9f"), "\\u{0080}\\u{0085}\\u{009F}", "C1 range ends and NEL");
	is_str(S("\x9b" "2J"), "\\x9b2J", "C1 CSI as raw byte 0x9B");
	is_str(S("\xc2\xa0"), "\xc2\xa0", "U+00A0 right after C1 is kept");
}

static void test_invisible(void)
{
	is_str(S("abc\xe2\x80\xae" "fdp.exe"), "abc\\u{202E}fdp.exe", "bidi override U+202E");
	is_str(S("\xe2\x80\xaa\xe2\x80\xad"), "\\u{202A}\\u{202D}", "bidi embeddings U+202A, U+202D");
	is_str(S("\xe2\x81\xa6\xe2\x81\xa9"), "\\u{2066}\\u{2069}", "bidi isolates U+2066, U+2069");
	is_str(S("a\xe2\x80\x8b" "b"), "a\\u{200B}b", "zero-width space U+200B");
	is_str(S("\xe2\x80\x8f"), "\\u{200F}", "RLM U+200F");
	is_str(S("\xe2\x80\xa8\xe2\x80\xa9"), "\\u{2028}\\u{2029}", "line/paragraph separators");
	is_str(S("\xef\xbb\xbfx"), "\\u{FEFF}x", "BOM U+FEFF");
	is_str(S("\xd8\x9c"), "\\u{061C}", "arabic letter mark U+061C");
	is_str(S("\xf3\xa0\x81\x81"), "\\u{E0041}", "tag character: 5 hex digits");
	is_str(S("\xcd\xb8"), "\\u{0378}", "unassigned U+0378 (wcwidth < 0)");
	is_str(S("\xf4\x8f\xbf\xbf"), "\\u{10FFFF}", "noncharacter U+10FFFF: 6 hex digits");
	is_u64(out_cols, 10, "6-digit escape is 10 columns");
}

static void test_invalid(void)
{
	is_str(S("\xff\xfe"), "\\xff\\xfe", "invalid bytes, lower-case hex");
	is_str(S("\xc0\xaf"), "\\xc0\\xaf", "overlong C0 AF");
	is_str(S("\xe0\x80\xaf"), "\\xe0\\x80\\xaf", "overlong 3-byte E0 80 AF");
	is_str(S("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf", "overlong 4-byte F0 80 80 AF");
	is_str(S("\xed\xa0\x80"), "\\xed\\xa0\\x80", "surrogate ED A0 80");
	is_str(S("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80", "above U+10FFFF");
	is_str(S("x\xe2\x82"), "x\\xe2\\x82", "truncated E2 82 at end");
	is_str(S("\xe2\x82" "A"), "\\xe2\\x82A", "truncated E2 82 before ASCII");
	is_str(S("bad\xc3("), "bad\\xc3(", "lead byte followed by ASCII");
	is_u64(out_cols, 8, "invalid byte is 4 columns");
}

static void test_kept(void)
{
	is_str(S("caf\xc3\xa9"), "caf\xc3\xa9", "2-byte character kept");
	is_u64(out_cols, 4, "caf\xc3\xa9 is 4 columns");
	is_str(S("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80", "4-byte emoji kept");
	is_u64(out_cols, 2, "emoji is 2 columns");
	is_str(S("\xe4\xb8\xad\xe6\x96\x87"), "\xe4\xb8\xad\xe6\x96\x87", "CJK kept");
	is_u64(out_cols, 4, "two CJK characters are 4 columns");
	is_str(S("e\xcc\x81"), "e\xcc\x81", "combining mark kept");
	is_u64(out_cols, 1, "combining mark adds no column");
	is_str(S("/usr/bin/x \\x1b"), "/usr/bin/x \\x1b", "printable ASCII untouched");
}

static void test_truncation(void)
{
	const char *cjk = "a\xe4\xb8\xad\xe6\x96\x87";

	is_str(san(cjk, strlen(cjk), 2), "a", "max_cols 2 does not split a wide character");
	is_u64(out_cols, 1, "columns written, not asked for");
	is_str(san(cjk, strlen(cjk), 3), "a\xe4\xb8\xad", "max_cols 3 fits one CJK");
	is_u64(out_cols, 3, "a + CJK is 3 columns");
	is_str(san(cjk, strlen(cjk), 4), "a\xe4\xb8\xad", "max_cols 4 still one CJK");
	is_str(SC("abc", 0), "", "max_cols 0");
	is_u64(out_cols, 0, "max_cols 0 writes no column");
	is_str(SC("a\x1b[m", 2), "a", "caret escape is never split by max_cols");
	is_str(SC("a\xff", 4), "a", "\\xHH escape is never split by max_cols");
	is_str(SC("a\xe2\x80\xae", 8), "a", "\\u{} escape is never split by max_cols");
	is_str(SC("a\xe2\x80\xae" "b", 9), "a\\u{202E}", "\\u{} escape fits exactly");
	is_str(SC("\xe4\xb8\xad" "b", 1), "", "wide character first, 1 column");
	is_str(SC("abcdef", 3), "abc", "ASCII cut at max_cols");
	is_u64(out_cols, 3, "ASCII cut: columns");
}

/* Writes into buf[0..dstsz) and checks that nothing past it changed. */
static int dst_bounded(const char *src, size_t n, size_t dstsz, const char *want)
{
	char buf[32];
	size_t i;
	int good = 1;

	memset(buf, 0x5a, sizeof buf);
	sanitize_term(buf, dstsz, src, n, SIZE_MAX);
	for (i = dstsz; i < sizeof buf; i++)
		if (buf[i] != 0x5a)
			good = 0;
	if (dstsz > 0 && strcmp(buf, want) != 0)
		good = 0;
	if (!good)
		printf("#   dstsz %zu: got \"%.*s\", want \"%s\"\n", dstsz, (int)dstsz, buf, want);
	return good;
}

static void test_dstsz(void)
{
	size_t cols;

	ok(dst_bounded("abcdefgh", 8, 5, "abcd"), "dstsz 5 holds 4 bytes and the NUL");
	ok(dst_bounded("abcd", 4, 5, "abcd"), "dstsz exactly enough");
	ok(dst_bounded("abcd", 4, 4, "abc"), "dstsz one short");
	ok(dst_bounded("\x1b\x1b", 2, 4, "^["), "caret escape not split by dstsz");
	ok(dst_bounded("\x1b", 1, 2, ""), "caret escape needs 3 bytes");
	ok(dst_bounded("\xf0\x9f\x98\x80", 4, 4, ""), "emoji not split by dstsz 4");
	ok(dst_bounded("\xf0\x9f\x98\x80", 4, 5, "\xf0\x9f\x98\x80"), "emoji fits dstsz 5");
	ok(dst_bounded("\xe2\x80\xae", 3, 8, ""), "\\u{202E} needs 9 bytes");
	ok(dst_bounded("\xe2\x80\xae", 3, 9, "\\u{202E}"), "\\u{202E} fits dstsz 9");
	ok(dst_bounded("\xff", 1, 4, ""), "\\xff not split by dstsz");
	ok(dst_bounded("abc", 3, 1, ""), "dstsz 1 holds only the NUL");
	ok(dst_bounded("abc", 3, 0, ""), "dstsz 0 writes nothing");
	cols = sanitize_term(NULL, 0, "abc", 3, SIZE_MAX);
	is_u64(cols, 0, "dst NULL with dstsz 0 returns 0");
	cols = sanitize_term(out, 3, "\xe4\xb8\xad", 3, SIZE_MAX);
	is_u64(cols, 0, "columns returned match what fitted in dst");
}

static void test_empty_and_width(void)
{
	const char mix[] = "a\x1b\xff\xe4\xb8\xad\xe2\x80\xae\xf0\x9f\x98\x80" "e\xcc\x81\0";
	size_t cols;

	is_str(S(""), "", "empty input");
	is_u64(out_cols, 0, "empty input: 0 columns");
	memset(out, 'Z', sizeof out);
	cols = sanitize_term(out, sizeof out, NULL, 0, SIZE_MAX);
	ok(cols == 0 && out[0] == '\0', "NULL src with srclen 0");
	is_u64(sanitize_width(NULL, 0), 0, "sanitize_width of nothing");
	cols = sanitize_term(out, sizeof out, mix, sizeof mix - 1, SIZE_MAX);
	is_u64(cols, 1 + 2 + 4 + 2 + 8 + 2 + 1 + 2, "mixed input: columns");
	is_u64(sanitize_width(mix, sizeof mix - 1), cols, "sanitize_width agrees with sanitize_term");
	is_u64(sanitize_width("\xe4\xb8\xad\xe6\x96\x87", 6), 4, "sanitize_width of CJK");
}

static void test_non_utf8_locale(void)
{
	if (setlocale(LC_ALL, "C") == NULL) {
		ok(1, "non-UTF-8 locale # SKIP no C locale");
		return;
	}
	is_str(S("caf\xc3\xa9"), "caf\\u{00E9}", "C locale: non-ASCII escaped, not sent raw");
	is_str(S("\xc4\x9b"), "\\u{011B}", "C locale: no 0x9B continuation byte reaches the tty");
	is_str(S("\x1b" "a\xff"), "^[a\\xff", "C locale: controls and invalid bytes as before");
	setlocale(LC_ALL, "C.UTF-8");
}

int main(void)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		printf("1..0 # SKIP no C.UTF-8 locale\n");
		return 0;
	}
	test_controls();
	test_invisible();
	test_invalid();
	test_kept();
	test_truncation();
	test_dstsz();
	test_empty_and_width();
	test_non_utf8_locale();
	return tap_done();
}
