/* churn: forks and reaps processes as fast as it can, for the churn tests: processes that
 * exit between memtop's listing of /proc and its reads of their files (libproc2 #380/#390
 * handed back NULL strings there).
 *
 *   churn SECONDS [CHILDREN]
 *
 * Keeps CHILDREN (default 100) children alive; each touches a little memory, names itself,
 * lives 0-3 ms and exits, and is replaced as soon as it is reaped. Says "ready" once the
 * first children run, stops after SECONDS (SIGALRM, so it cannot outlive a failed test for
 * long), and prints "exits N rate R/s" to stdout at the end. SIGTERM ends it early the same
 * way. Children die with it (PR_SET_PDEATHSIG). Exit status 1 when fork keeps failing. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t churn_stop;

static void churn_on_signal(int sig)
{
	(void)sig;
	churn_stop = 1;
}

static double churn_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void churn_child(unsigned seed)
{
	static char page[3 * 4096];
	char name[16];

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	snprintf(name, sizeof name, "churn-%u", seed % 1000);
	prctl(PR_SET_NAME, name);
	memset(page, (int)seed, sizeof page);	/* some private memory to read in smaps */
	usleep(seed % 3000);
	_exit(0);
}

static int churn_spawn(unsigned *seed)
{
	pid_t pid;

	*seed = *seed * 1103515245 + 12345;
	pid = fork();
	if (pid == 0)
		churn_child(*seed >> 8);
	return pid < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = churn_on_signal };
	unsigned seed = (unsigned)getpid(), seconds, children = 100;
	unsigned long exits = 0, failures = 0;
	double start;
	int running = 0;

	if (argc < 2 || argc > 3) {
		fputs("usage: churn SECONDS [CHILDREN]\n", stderr);
		return 2;
	}
	seconds = strtoul(argv[1], NULL, 10);
	if (argc == 3)
		children = strtoul(argv[2], NULL, 10);
	if (seconds == 0 || children == 0)
		return 2;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: waitpid returns at the deadline */
	alarm(seconds);
	start = churn_now();
	for (; running < (int)children; running++)
		if (churn_spawn(&seed) < 0)
			break;
	if (running == 0 || write(STDOUT_FILENO, "ready\n", 6) != 6)
		return 1;
	while (!churn_stop) {
		if (waitpid(-1, NULL, 0) < 0) {
			if (errno == EINTR)
				continue;
			running = 0;
		} else {
			running--;
			exits++;
		}
		while (!churn_stop && running < (int)children) {
			if (churn_spawn(&seed) < 0) {
				if (++failures > 1000)
					return 1;
				usleep(1000);
				break;
			}
			running++;
		}
	}
	while (running > 0 && waitpid(-1, NULL, 0) > 0)
		running--;
	printf("exits %lu rate %.0f/s\n", exits, exits / (churn_now() - start));
	return 0;
}
