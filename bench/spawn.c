/* spawn: the benchmark's workload. Forks N children that each build a known address space
 * and then sleep; prints "ready" and the children's pids once all of them are in place,
 * and on SIGTERM/SIGINT/SIGHUP kills exactly those pids and exits. Children die with it
 * (PR_SET_PDEATHSIG), so a killed benchmark leaves nothing behind.
 *
 *   spawn [-m NMAP] [-t TOUCH_KIB] [-a ALLOC_KIB] [-r RESIDENT_MIB] [-n NAME] N
 *
 * -m  NMAP mappings of 64 KiB each, protections alternating so that the kernel cannot
 *     merge neighbours: NMAP VMAs (vm.max_map_count bounds it, 65530 by default)
 * -t  KiB touched in each of them (default 16: what ../shared/bench/hog.c does)
 * -a  KiB malloc'd and touched besides (default 1024, as hog.c)
 * -r  MiB of one anonymous mapping, touched, THP off for it: the O(resident pages) cost of
 *     smaps_rollup shows only with small pages
 * -n  comm of the children (default "bench-hog") */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct spawn_spec {
	long nmap, touch_kib, alloc_kib, resident_mib;
	const char *name;
};

static volatile sig_atomic_t spawn_stop;

static void spawn_on_signal(int sig)
{
	(void)sig;
	spawn_stop = 1;
}

static void spawn_touch(char *p, size_t len)
{
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
}

static void spawn_build(const struct spawn_spec *sp)
{
	size_t touch = (size_t)(sp->touch_kib < 64 ? sp->touch_kib : 64) << 10;

	for (long i = 0; i < sp->nmap; i++) {
		int prot = PROT_READ | PROT_WRITE | ((i & 1) ? 0 : PROT_EXEC);
		char *p = mmap(NULL, 64 << 10, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(1);
		spawn_touch(p, touch);
	}
	if (sp->alloc_kib > 0) {
		char *h = malloc((size_t)sp->alloc_kib << 10);

		if (!h)
			_exit(1);
		memset(h, 2, (size_t)sp->alloc_kib << 10);
	}
	if (sp->resident_mib > 0) {
		size_t len = (size_t)sp->resident_mib << 20;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(1);
		madvise(p, len, MADV_NOHUGEPAGE);
		spawn_touch(p, len);
	}
}

static void spawn_child(const struct spawn_spec *sp, pid_t parent, int ready_fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	prctl(PR_SET_NAME, sp->name);
	spawn_build(sp);
	if (write(ready_fd, "", 1) != 1)
		_exit(1);
	close(ready_fd);
	for (;;)
		pause();
}

static void spawn_usage(void)
{
	fputs("usage: spawn [-m NMAP] [-t TOUCH_KIB] [-a ALLOC_KIB] [-r RESIDENT_MIB] [-n NAME] N\n", stderr);
	exit(2);
}

static long spawn_number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < 0)
		spawn_usage();
	return v;
}

static void spawn_kill_all(const pid_t *pids, long n)
{
	for (long i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	struct spawn_spec sp = { 0, 16, 1024, 0, "bench-hog" };
	struct sigaction sa = { .sa_handler = spawn_on_signal };
	sigset_t block, old;
	int fds[2], c;
	pid_t *pids, self = getpid();
	long n, got = 0;
	char byte;

	while ((c = getopt(argc, argv, "m:t:a:r:n:")) != -1) {
		switch (c) {
		case 'm': sp.nmap = spawn_number(optarg); break;
		case 't': sp.touch_kib = spawn_number(optarg); break;
		case 'a': sp.alloc_kib = spawn_number(optarg); break;
		case 'r': sp.resident_mib = spawn_number(optarg); break;
		case 'n': sp.name = optarg; break;
		default: spawn_usage();
		}
	}
	if (optind + 1 != argc)
		spawn_usage();
	n = spawn_number(argv[optind]);
	pids = calloc(n ? n : 1, sizeof *pids);
	if (!pids || pipe(fds) < 0)
		return 1;
	/* signals wait until every child is known, so the kill list is complete */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	for (int i = 0; i < 3; i++)
		sigaction((int[]){ SIGTERM, SIGINT, SIGHUP }[i], &sa, NULL);
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("spawn: fork");
			spawn_kill_all(pids, i);
			return 1;
		}
		if (pid == 0) {
			close(fds[0]);
			sigprocmask(SIG_SETMASK, &old, NULL);
			spawn_child(&sp, self, fds[1]);
		}
		pids[i] = pid;
	}
	close(fds[1]);
	while (got < n && read(fds[0], &byte, 1) == 1)
		got++;
	if (got < n) {
		fprintf(stderr, "spawn: only %ld of %ld children got ready\n", got, n);
		spawn_kill_all(pids, n);
		return 1;
	}
	printf("ready\n");
	for (long i = 0; i < n; i++)
		printf("%d\n", (int)pids[i]);
	fflush(stdout);
	while (!spawn_stop)
		sigsuspend(&old);
	spawn_kill_all(pids, n);
	return 0;
}
