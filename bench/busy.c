/* busy: the active part of the recording benchmark's workload. Forks N children that each,
 * every PERIOD_MS, grow or shrink a private anonymous block by up to 256 KiB (faults, RSS,
 * PSS and USS move, as a working process's do); prints "ready" and the pids; on SIGTERM,
 * SIGINT or SIGHUP kills exactly them. Children die with it (PR_SET_PDEATHSIG).
 *
 *   busy [-p PERIOD_MS] N */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BLOCK (4u << 20)

static volatile sig_atomic_t busy_stop;

static void busy_on_signal(int sig)
{
	(void)sig;
	busy_stop = 1;
}

static void busy_child(long period_ms, unsigned seed)
{
	char *p = mmap(NULL, BLOCK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t used = 0;
	struct timespec ts = { period_ms / 1000, (period_ms % 1000) * 1000000L };

	if (p == MAP_FAILED)
		_exit(1);
	srand(seed);
	for (;;) {
		size_t step = (size_t)(rand() % 64 + 1) * 4096;

		if (rand() % 2 && used + step <= BLOCK) {
			memset(p + used, 1, step);
			used += step;
		} else if (used >= step) {
			madvise(p + used - step, step, MADV_DONTNEED);
			used -= step;
		}
		nanosleep(&ts, NULL);
	}
}

int main(int argc, char **argv)
{
	long period = 1000, n;
	pid_t *pids;
	int opt;

	while ((opt = getopt(argc, argv, "p:")) != -1) {
		if (opt != 'p')
			return 2;
		period = atol(optarg);
	}
	if (optind != argc - 1 || (n = atol(argv[optind])) < 0 || period < 1) {
		fprintf(stderr, "usage: busy [-p PERIOD_MS] N\n");
		return 2;
	}
	pids = calloc((size_t)n + 1, sizeof *pids);
	signal(SIGTERM, busy_on_signal);
	signal(SIGINT, busy_on_signal);
	signal(SIGHUP, busy_on_signal);
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			signal(SIGTERM, SIG_DFL);
			busy_child(period, (unsigned)i + 1);
		}
		pids[i] = pid;
	}
	printf("ready\n");
	for (long i = 0; i < n; i++)
		printf("%d\n", (int)pids[i]);
	fflush(stdout);
	while (!busy_stop)
		pause();
	for (long i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	return 0;
}
