/* k in the interactive view: a pid reused since the sample is never signalled. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidfd.h"
#include "pidstat.h"
#include "tap.h"

static uint64_t start_of(pid_t pid)
{
	char path[64], buf[1024];
	struct pidstat st;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return pidstat_parse(buf, n, &st) == 0 ? st.start_ticks : 0;
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
	test_signal();
	return tap_done();
}
