/* Unit tests for the JSON writer: structure, commas and indent compared to exact strings,
 * string escaping of every hostile byte class, and exact 64-bit integers. */
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "jsonw.h"
#include "utf8.h"

static FILE *cap_file;
static char *cap_buf;
static size_t cap_len;

/* Starts capturing a document in memory; the previous capture is freed. */
static struct jsonw *cap_open(bool pretty)
{
	struct jsonw *w;

	free(cap_buf);
	cap_buf = NULL;
	cap_file = open_memstream(&cap_buf, &cap_len);
	if (cap_file == NULL) {
		perror("open_memstream");
		exit(99);
	}
	w = jsonw_create(cap_file, pretty);
	if (w == NULL) {
		perror("jsonw_create");
		exit(99);
	}
	return w;
}

static const char *cap_close(struct jsonw *w)
{
	jsonw_free(w);
	if (ferror(cap_file) || fclose(cap_file) != 0) {
		perror("capture");
		exit(99);
	}
	return cap_buf;
}

static const char *jstrn(const char *s, size_t n)
{
	struct jsonw *w = cap_open(false);

	jsonw_strn(w, s, n);
	return cap_close(w);
}

#define J(lit) jstrn(lit, sizeof lit - 1)

static const char *jdouble(double v, int decimals)
{
	struct jsonw *w = cap_open(false);

	jsonw_double(w, v, decimals);
	return cap_close(w);
}

static const char *ju64(uint64_t v)
{
	struct jsonw *w = cap_open(false);

	jsonw_u64(w, v);
	return cap_close(w);
}

static const char *ji64(int64_t v)
{
	struct jsonw *w = cap_open(false);

	jsonw_i64(w, v);
	return cap_close(w);
}

/* The same document for the compact and the pretty test. */
static void write_sample(struct jsonw *w)
{
	jsonw_obj_begin(w);
	jsonw_kv_u64(w, "pid", 1);
	jsonw_kv_str(w, "comm", "init");
	jsonw_kv_null(w, "pss_bytes");
	jsonw_key(w, "maps");
	jsonw_arr_begin(w);
	jsonw_u64(w, 1);
	jsonw_obj_begin(w);
	jsonw_kv_i64(w, "adj", -1000);
	jsonw_key(w, "ok");
	jsonw_bool(w, true);
	jsonw_obj_end(w);
	jsonw_arr_begin(w);
	jsonw_arr_end(w);
	jsonw_obj_begin(w);
	jsonw_obj_end(w);
	jsonw_bool(w, false);
	jsonw_arr_end(w);
	jsonw_kv_double(w, "pct", 12.5, 2);
	jsonw_kv_str(w, "cmd", NULL);
	jsonw_obj_end(w);
	jsonw_end_line(w);
}

static void test_structure(void)
{
	struct jsonw *w;

	w = cap_open(false);
	write_sample(w);
	is_str(cap_close(w),
	    "{\"pid\":1,\"comm\":\"init\",\"pss_bytes\":null,\"maps\":[1,{\"adj\":-1000,"
	    "\"ok\":true},[],{},false],\"pct\":12.5,\"cmd\":null}\n",
	    "compact: nesting, commas, empty containers");

	w = cap_open(true);
	write_sample(w);
	is_str(cap_close(w),
	    "{\n"
	    "  \"pid\": 1,\n"
	    "  \"comm\": \"init\",\n"
	    "  \"pss_bytes\": null,\n"
	    "  \"maps\": [\n"
	    "    1,\n"
	    "    {\n"
	    "      \"adj\": -1000,\n"
	    "      \"ok\": true\n"
	    "    },\n"
	    "    [],\n"
	    "    {},\n"
	    "    false\n"
	    "  ],\n"
	    "  \"pct\": 12.5,\n"
	    "  \"cmd\": null\n"
	    "}\n",
	    "pretty: 2-space indent, empty containers stay on one line");

	w = cap_open(false);
	jsonw_obj_begin(w);
	jsonw_kv_u64(w, "n", 1);
	jsonw_obj_end(w);
	jsonw_end_line(w);
	jsonw_obj_begin(w);
	jsonw_kv_u64(w, "n", 2);
	jsonw_obj_end(w);
	jsonw_end_line(w);
	jsonw_u64(w, 3);
	jsonw_end_line(w);
	is_str(cap_close(w), "{\"n\":1}\n{\"n\":2}\n3\n", "JSON Lines: one value per line");

	w = cap_open(true);
	jsonw_arr_begin(w);
	jsonw_arr_end(w);
	jsonw_end_line(w);
	jsonw_str(w, "x");
	jsonw_end_line(w);
	is_str(cap_close(w), "[]\n\"x\"\n", "pretty: top-level empty array and scalar");
}

static void test_deep(void)
{
	struct jsonw *w = cap_open(false);
	char want[2 * JSONW_DEPTH_MAX + 2];
	int i;

	for (i = 0; i < JSONW_DEPTH_MAX; i++)
		jsonw_arr_begin(w);
	for (i = 0; i < JSONW_DEPTH_MAX; i++)
		jsonw_arr_end(w);
	memset(want, '[', JSONW_DEPTH_MAX);
	memset(want + JSONW_DEPTH_MAX, ']', JSONW_DEPTH_MAX);
	want[2 * JSONW_DEPTH_MAX] = '\0';
	is_str(cap_close(w), want, "%d levels of nesting", JSONW_DEPTH_MAX);
}

/* Too deep is a programming error: the writer must stop rather than run off its stack. */
static void test_too_deep(void)
{
	pid_t pid = fork();
	int status = 0, i;

	if (pid == 0) {
		FILE *f = fopen("/dev/null", "w");
		struct jsonw *w = jsonw_create(f, false);

		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(98);
		for (i = 0; i <= JSONW_DEPTH_MAX; i++)
			jsonw_arr_begin(w);
		_exit(0);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	    WTERMSIG(status) == SIGABRT, "nesting deeper than %d aborts", JSONW_DEPTH_MAX);
}

static void test_flush(void)
{
	struct jsonw *w = cap_open(false);

	jsonw_u64(w, 42);
	jsonw_end_line(w);
	/* open_memstream publishes buffer and size only on fflush: they prove the flush. */
	ok(cap_len == 3 && memcmp(cap_buf, "42\n", 3) == 0, "jsonw_end_line flushes the FILE");
	cap_close(w);
}

static void test_escapes(void)
{
	const char c0[] = "\0\x01\x02\x03\x04\x05\x06\a\b\t\n\v\f\r\x0e\x0f"
	    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f";

	is_str(jstrn(c0, sizeof c0 - 1),
	    "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
	    "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018"
	    "\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"",
	    "every C0 byte, NUL included");
	is_str(J("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"", "quote and backslash escaped, slash not");
	is_str(J("tab\tend\x7f"), "\"tab\\tend\\u007f\"", "DEL");
	is_str(J("\xc2\x80\xc2\x9b\xc2\x9f"), "\"\\u0080\\u009b\\u009f\"", "C1 controls");
	is_str(J("\xc2\xa0\xc2\xbf"), "\"\xc2\xa0\xc2\xbf\"", "U+00A0.. after C1 kept raw");
	is_str(J("a\xe2\x80\xa8" "b\xe2\x80\xa9"), "\"a\\u2028b\\u2029\"", "U+2028, U+2029");
	is_str(J("\xe2\x80\xae\xef\xbb\xbf"), "\"\\u202e\\ufeff\"", "bidi override and BOM escaped");
	is_str(J("\xd8\x9c\xe2\x81\xa6"), "\"\\u061c\\u2066\"", "U+061C and U+2066 escaped");
	is_str(J("sshd\xf3\xa0\x81\x81"), "\"sshd\\udb40\\udc41\"",
	    "tag character U+E0041 as a surrogate pair");
	is_str(J("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80"),
	    "\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"", "valid multibyte kept raw");
	is_str(J(""), "\"\"", "empty string");
	is_str(jstrn(NULL, 0), "null", "jsonw_strn of NULL");
	is_str(J("x\x1b[31m"), "\"x\\u001b[31m\"", "ESC in a CSI sequence");
}

#define FFFD "\xef\xbf\xbd"

static void test_invalid_utf8(void)
{
	is_str(J("\xff"), "\"" FFFD "\"", "0xFF becomes U+FFFD");
	is_str(J("bad\xc3("), "\"bad" FFFD "(\"", "lead byte followed by ASCII");
	is_str(J("\xc0\xaf" "overlong"), "\"" FFFD FFFD "overlong\"", "overlong C0 AF: one per byte");
	is_str(J("\xe0\x80\xaf"), "\"" FFFD FFFD FFFD "\"", "overlong 3-byte E0 80 AF");
	is_str(J("\xf0\x80\x80\xaf"), "\"" FFFD FFFD FFFD FFFD "\"", "overlong 4-byte F0 80 80 AF");
	is_str(J("\xed\xa0\x80" "surr"), "\"" FFFD FFFD FFFD "surr\"", "surrogate ED A0 80");
	is_str(J("trunc\xe2\x82"), "\"trunc" FFFD FFFD "\"", "truncated E2 82 at end");
	is_str(J("\xf4\x90\x80\x80"), "\"" FFFD FFFD FFFD FFFD "\"", "above U+10FFFF");
	is_str(J("\x9b"), "\"" FFFD "\"", "raw byte 0x9B is not passed through");
}

static void test_keys(void)
{
	struct jsonw *w = cap_open(false);

	jsonw_obj_begin(w);
	jsonw_kv_u64(w, "a\"b\n\xff", 1);
	jsonw_obj_end(w);
	is_str(cap_close(w), "{\"a\\\"b\\n" FFFD "\":1}", "keys go through the same escaping");
}

static void test_integers(void)
{
	is_str(ju64(0), "0", "u64 0");
	is_str(ju64(7), "7", "u64 7");
	is_str(ju64(10), "10", "u64 10");
	is_str(ju64(UINT64_MAX), "18446744073709551615", "UINT64_MAX");
	is_str(ju64((UINT64_C(1) << 53) + 1), "9007199254740993", "2^53+1 exact");
	is_str(ji64(0), "0", "i64 0");
	is_str(ji64(-1), "-1", "i64 -1");
	is_str(ji64(INT64_MIN), "-9223372036854775808", "INT64_MIN");
	is_str(ji64(INT64_MAX), "9223372036854775807", "INT64_MAX");
}

static void test_doubles(void)
{
	is_str(jdouble(1.5, 1), "1.5", "1.5");
	is_str(jdouble(1.5, 6), "1.5", "1.5 with 6 decimals: zeros trimmed");
	is_str(jdouble(0.1, 2), "0.1", "0.1 with 2 decimals");
	is_str(jdouble(2.0, 2), "2", "2.0: bare point trimmed");
	is_str(jdouble(100.0, 2), "100", "integer zeros are not trimmed");
	is_str(jdouble(100.0, 0), "100", "0 decimals");
	is_str(jdouble(1234.5678, 2), "1234.57", "rounded to decimals");
	is_str(jdouble(-2.25, 1), "-2.2", "negative");
	is_str(jdouble(NAN, 2), "null", "NaN");
	is_str(jdouble(INFINITY, 2), "null", "+Inf");
	is_str(jdouble(-INFINITY, 2), "null", "-Inf");
	is_str(jdouble(-0.0, 2), "0", "-0.0");
	is_str(jdouble(-0.001, 2), "0", "negative rounding to zero");
	is_str(jdouble(0.0, 3), "0", "0.0");
	is_str(jdouble(1e20, 1), "100000000000000000000", "fixed notation, no exponent");
	is_str(jdouble(0.5, -3), "0", "negative decimals clamp to 0");
	is_str(jdouble(1.0 / 3, 40), "0.33333333333333331", "decimals clamp to 17");
}

/* The JSON text must be valid UTF-8 with no raw control that could drive a terminal. */
static bool terminal_clean(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		len = utf8_decode(u + i, n - i, &cp);
		if (len == 0 || (cp < 0x20 && cp != '\n') || (cp >= 0x7f && cp <= 0x9f))
			return false;
		i += len;
	}
	return true;
}

static const char *const hostile[] = {
	"caf\xc3\xa9", "bad\xc3(", "x\xff\x1b[31m", "a\nb\"\\", "tab\tend\x7f",
	"path/with/slash", "trunc\xe2\x82", "\xed\xa0\x80surr", "\xc0\xafoverlong",
	"\x1b]0;title\a", "\x1b]52;c;aGk=\x1b\\", "\xc2\x9b" "2J", "\x9b" "2J",
	"abc\xe2\x80\xae" "fdp.exe", "a\xe2\x80\x8b" "b", "\xe2\x80\xa8\xe2\x80\xa9",
	"\xee\x80\x80", "\xe4\xb8\xad\xe6\x96\x87", "e\xcc\x81", "\xf0\x9f\x98\x80",
	"\xf4\x8f\xbf\xbf", "\xf8\x88\x80\x80\x80", "\xef\xbf\xbe", "\r\b\f\v",
	"sshd\xf3\xa0\x81\x81", "\xd8\x9c\xe2\x81\xa6",
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])

static const char *write_hostile(bool pretty)
{
	struct jsonw *w = cap_open(pretty);
	size_t i;

	jsonw_arr_begin(w);
	for (i = 0; i < NHOSTILE; i++)
		jsonw_str(w, hostile[i]);
	jsonw_strn(w, "nul\0padded\0\0", 12);
	jsonw_obj_begin(w);
	for (i = 0; i < NHOSTILE; i++)
		jsonw_kv_u64(w, hostile[i], i);
	jsonw_obj_end(w);
	jsonw_arr_end(w);
	jsonw_end_line(w);
	return cap_close(w);
}

/* jq is optional: the checks above do not need it, this one adds an independent parser. */
static void test_hostile_jq(const char *doc, const char *mode)
{
	char path[] = "/tmp/test-jsonw-XXXXXX";
	char cmd[128], got[64] = "";
	FILE *p;
	int fd;

	if (system("jq --version >/dev/null 2>&1") != 0) {
		ok(1, "jq parses the %s hostile matrix # SKIP jq not found", mode);
		return;
	}
	fd = mkstemp(path);
	if (fd < 0 || write(fd, doc, strlen(doc)) != (ssize_t)strlen(doc) || close(fd) != 0) {
		ok(0, "jq parses the %s hostile matrix: cannot write %s", mode, path);
		return;
	}
	snprintf(cmd, sizeof cmd, "jq -c '[length, (.[-1] | length)]' < %s 2>&1", path);
	p = popen(cmd, "r");
	if (p != NULL) {
		if (fgets(got, sizeof got, p) == NULL)
			got[0] = '\0';
		pclose(p);
	}
	unlink(path);
	snprintf(cmd, sizeof cmd, "[%zu,%zu]\n", NHOSTILE + 2, NHOSTILE);
	is_str(got, cmd, "jq parses the %s hostile matrix", mode);
}

static void test_hostile(void)
{
	const char *doc;

	doc = write_hostile(false);
	ok(terminal_clean(doc, strlen(doc)), "compact hostile matrix: valid UTF-8, no raw controls");
	ok(strchr(doc, '\n') == doc + strlen(doc) - 1, "compact hostile matrix is one line");
	test_hostile_jq(doc, "compact");
	doc = write_hostile(true);
	ok(terminal_clean(doc, strlen(doc)), "pretty hostile matrix: valid UTF-8, no raw controls");
	test_hostile_jq(doc, "pretty");
}

int main(void)
{
	test_structure();
	test_deep();
	test_too_deep();
	test_flush();
	test_escapes();
	test_invalid_utf8();
	test_keys();
	test_integers();
	test_doubles();
	test_hostile();
	free(cap_buf);
	return tap_done();
}
