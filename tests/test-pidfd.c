/* k in the interactive view: a pid reused since the sample is never signalled. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidfd.h"
#include "tap.h"

static int parse(const char *s, uint64_t *v)
{
	return pidfd_parse_start(s, strlen(s), v);
}

static void test_parse(void)
{
	uint64_t v = 0;

	is_int(parse("42 (memhog) S 1 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 48929 2449408 "
		     "224 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n", &v), 0, "a stat line");
	is_u64(v, 48929, "start time is field 22");
	is_int(parse("7 (a) b) c) (d) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 777 1\n", &v), 0,
	       "a comm holding ') ' is skipped to the last ')'");
	is_u64(v, 777, "start time after a hostile comm");
	is_int(parse("7 (x) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 123", &v), 0, "no newline after it");
	is_u64(v, 123, "read to the end of the buffer");
	is_int(parse("7 (x) R 1 2 3\n", &v), -EINVAL, "too few fields");
	is_int(parse("no parenthesis at all", &v), -EINVAL, "not a stat line");
	is_int(parse("7 (x) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 -5 1\n", &v), -EINVAL, "negative");
	is_int(parse("7 (x) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 99999999999999999999999 1\n", &v),
	       -EINVAL, "overflow");
	is_int(parse("", &v), -EINVAL, "empty");
}

static uint64_t start_of(pid_t pid)
{
	char path[64], buf[1024];
	uint64_t v = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	pidfd_parse_start(buf, n, &v);
	return v;
}

static void test_signal(void)
{
	pid_t child = fork();
	uint64_t start;
	int status;

	if (child == 0) {
		pause();
		_exit(0);
	}
	start = start_of(child);
	ok(start > 0, "child's start time");
	is_int(pidfd_signal_checked(child, start + 1, SIGTERM), -ESRCH, "another start time: refused");
	ok(waitpid(child, &status, WNOHANG) == 0, "child untouched");
	is_int(pidfd_signal_checked(child, start, SIGTERM), 0, "same process: signalled");
	ok(waitpid(child, &status, 0) == child && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	   "child killed by SIGTERM");
	is_int(pidfd_signal_checked(child, start, SIGTERM), -ESRCH, "reaped: -ESRCH");
}

int main(void)
{
	test_parse();
	test_signal();
	return tap_done();
}
