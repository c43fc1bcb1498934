/* ui/run.c's standard output: the write error reported is the one the write met, not
 * whatever a later failed call left in errno. Each case runs in a child whose descriptor 1
 * is the target (/dev/full, a pipe nobody reads) and whose stderr is a file read back here. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"
#include "tap.h"

/* Writes more than one buffer, makes a call fail with ENOENT (as a face's later read of an
 * exited process's file would), writes again and checks: the child's exit status is
 * run_output_check's answer + 10 (9 for -1). */
static void child(int outfd, int errfd)
{
	int st;

	signal(SIGPIPE, SIG_IGN);
	dup2(outfd, STDOUT_FILENO);
	dup2(errfd, STDERR_FILENO);
	run_output_open();
	for (int i = 0; i < 4 * BUFSIZ / 64; i++)
		printf("%063d\n", i);
	if (open("/proc/self/no-such-file", O_RDONLY) >= 0 || errno != ENOENT)
		_exit(99);
	printf("after the failed open\n");
	st = run_output_check(stdout);
	_exit(st + 10);
}

/* Runs child() with descriptor 1 = outfd; returns its exit status and stderr. */
static int run_case(int outfd, char *err, size_t errsz)
{
	FILE *tmp = tmpfile();
	int status = -1;
	size_t n;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		child(outfd, fileno(tmp));
	waitpid(pid, &status, 0);
	rewind(tmp);
	n = fread(err, 1, errsz - 1, tmp);
	err[n] = '\0';
	fclose(tmp);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(void)
{
	char err[512];
	int fd, p[2], st;

	fd = open("/dev/full", O_WRONLY);
	if (fd >= 0) {
		st = run_case(fd, err, sizeof err);
		is_int(st, 10 + RUN_EXIT_RUNTIME, "/dev/full: a runtime failure");
		ok(strstr(err, "memtop: write error: No space left on device\n") != NULL,
		   "/dev/full: ENOSPC is reported, not the later ENOENT (stderr: %s)", err);
		close(fd);
	} else {
		printf("ok %d # SKIP no /dev/full\n", ++tap_n);
		printf("ok %d # SKIP no /dev/full\n", ++tap_n);
	}

	if (pipe(p) == 0) {
		close(p[0]);
		st = run_case(p[1], err, sizeof err);
		is_int(st, 9, "a pipe nobody reads: the quiet end (-1), whatever errno says later");
		is_str(err, "", "a pipe nobody reads: nothing on stderr");
		close(p[1]);
	}
	return tap_done();
}
