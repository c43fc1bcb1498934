/* The /proc/PID/stat parser: real lines, hostile names, cut and malformed text. */
#include <errno.h>
#include <string.h>

#include "pidstat.h"
#include "tap.h"

static int parse(const char *text, struct pidstat *st)
{
	return pidstat_parse(text, strlen(text), st);
}

static void test_plain(void)
{
	/* a real line (6.18, bash), newline included */
	const char *line = "24691 (bench-hog) S 24689 24680 24665 34816 24680 4194368 1216 0 0 0 0 0 0 0 20 0 1 0 "
			   "155342 12648448 1123 18446744073709551615 94458133635072 94458133637557 "
			   "140729487437424 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94458133648728 94458133649296 "
			   "94458144567296 140729487444017 140729487444036 140729487444036 140729487446000 0\n";
	struct pidstat st;

	is_int(parse(line, &st), 0, "real line parses");
	is_int(st.pid, 24691, "pid");
	ok(st.comm_len == 9 && memcmp(st.comm, "bench-hog", 9) == 0, "comm");
	is_int(st.state, 'S', "state");
	is_int(st.ppid, 24689, "ppid");
	is_u64(st.flags, 4194368, "flags");
	is_u64(st.minflt, 1216, "minflt (field 10)");
	is_u64(st.majflt, 0, "majflt (field 12)");
	is_int(st.nlwp, 1, "threads (field 20)");
	is_u64(st.start_ticks, 155342, "start time (field 22)");
	is_u64(st.vsize, 12648448, "vsize in bytes (field 23)");
	is_u64(st.rss_pages, 1123, "rss in pages (field 24)");
}

static void test_hostile_comm(void)
{
	struct pidstat st;

	is_int(parse("7 (a) (b) R 1 7 7 0 -1 4194560 5 0 9 0 0 0 0 0 20 0 3 0 42 4096 2\n", &st), 0,
	       "comm holding ') (' parses");
	ok(st.comm_len == 5 && memcmp(st.comm, "a) (b", 5) == 0, "comm runs to the last ')'");
	is_int(st.state, 'R', "state after a hostile comm");
	is_u64(st.majflt, 9, "fields after a hostile comm");
	is_int(st.nlwp, 3, "threads after a hostile comm");
	is_int(parse("8 (x\ny)) Z 1 8 8 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 43 0 0", &st), 0,
	       "newline and ')' in comm, last line without newline");
	ok(st.comm_len == 4 && memcmp(st.comm, "x\ny)", 4) == 0, "comm keeps its newline and ')'");
	is_int(st.state, 'Z', "zombie");
	is_int(parse("9 () S 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 44 0 0\n", &st), 0, "empty comm");
	is_int(st.comm_len, 0, "empty comm length");
}

static void test_negative(void)
{
	struct pidstat st;

	is_int(parse("10 (rt) S 1 10 10 0 -1 4194560 0 0 0 0 0 0 0 0 -51 -20 1 0 45 0 0\n", &st), 0,
	       "negative tpgid, priority and nice are fine");
	is_int(parse("10 (rt) S 1 10 10 0 -1 4194560 -3 0 0 0 0 0 0 0 20 0 1 0 45 0 0\n", &st), -EINVAL,
	       "a negative fault count is not stat");
	is_int(parse("10 (rt) S 1 10 10 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 -45 0 0\n", &st), -EINVAL,
	       "a negative start time is not stat");
}

static void test_malformed(void)
{
	struct pidstat st;

	is_int(parse("", &st), -EINVAL, "empty");
	is_int(parse("11 (cut) S 1 11 11 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 46 4096", &st), -EINVAL,
	       "cut before rss");
	is_int(parse("11 (x) S 1 11 11 0 -1 4194560 0 0 zero 0 0 0 0 0 20 0 1 0 46 4096 1\n", &st), -EINVAL,
	       "a word where a number belongs");
	is_int(parse("11 (x)   1 11 11 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 46 4096 1\n", &st), -EINVAL,
	       "a blank where the state belongs");
	is_int(parse("11 x S 1 11 11 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 46 4096 1\n", &st), -EINVAL,
	       "no parentheses");
	is_int(parse("(x) S 1 11 11 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 46 4096 1\n", &st), -EINVAL,
	       "no pid");
	is_int(parse("99999999999 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 46 4096 1\n", &st), -EINVAL,
	       "pid too long");
	is_int(parse("11 (x) S 1 11 11 0 -1 4194560 99999999999999999999 0 0 0 0 0 0 0 20 0 1 0 46 4096 1\n", &st),
	       -EINVAL, "a count beyond 64 bits");
}

int main(void)
{
	test_plain();
	test_hostile_comm();
	test_negative();
	test_malformed();
	return tap_done();
}
