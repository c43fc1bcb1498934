/* cpurun: runs commands side by side, round robin, and reports for each the median CPU
 * (user + sys, from wait4: exact, the scheduler's runtime), median wall time and median
 * peak RSS. Round robin spreads the machine's drift evenly over all of them; WARMUP rounds
 * (default 1) come first and are not counted.
 *
 *   cpurun [-r RUNS] [-w WARMUP] NAME 'COMMAND' [NAME 'COMMAND']...
 *
 * COMMAND is split as a shell would split words (wordexp, no command substitution) and run
 * without a shell, stdout and stdin on /dev/null, stderr on cpurun's stderr. Prints one line
 * per command:  NAME cpu_ms wall_ms maxrss_kib min_cpu_ms max_cpu_ms failures */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wordexp.h>

struct cmd {
	const char *name;
	wordexp_t words;
	double *cpu, *wall, *rss;
	int fails;
};

static double cpurun_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpurun_tv(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

/* One run; false when it did not exit with status 0. */
static bool cpurun_once(struct cmd *c, double *cpu, double *wall, double *rss)
{
	struct rusage ru;
	double t0 = cpurun_now();
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return false;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		execvp(c->words.we_wordv[0], c->words.we_wordv);
		perror(c->words.we_wordv[0]);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0)
		return false;
	*wall = cpurun_now() - t0;
	*cpu = cpurun_tv(ru.ru_utime) + cpurun_tv(ru.ru_stime);
	*rss = ru.ru_maxrss;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int cpurun_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double cpurun_median(double *v, int n)
{
	qsort(v, n, sizeof *v, cpurun_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	int runs = 7, warmup = 1, first = 1, ncmd;
	struct cmd *cmds;

	while (argc > first + 1 && argv[first][0] == '-') {
		if (strcmp(argv[first], "-r") == 0)
			runs = atoi(argv[first + 1]);
		else if (strcmp(argv[first], "-w") == 0)
			warmup = atoi(argv[first + 1]);
		else
			break;
		first += 2;
	}
	ncmd = (argc - first) / 2;
	if (runs < 1 || warmup < 0 || ncmd < 1 || (argc - first) % 2) {
		fputs("usage: cpurun [-r RUNS] [-w WARMUP] NAME 'COMMAND' [NAME 'COMMAND']...\n", stderr);
		return 2;
	}
	cmds = calloc(ncmd, sizeof *cmds);
	for (int i = 0; i < ncmd; i++) {
		struct cmd *c = &cmds[i];

		c->name = argv[first + 2 * i];
		if (wordexp(argv[first + 2 * i + 1], &c->words, WRDE_NOCMD) != 0 || !c->words.we_wordc) {
			fprintf(stderr, "cpurun: cannot split '%s'\n", argv[first + 2 * i + 1]);
			return 2;
		}
		c->cpu = calloc(runs, sizeof(double));
		c->wall = calloc(runs, sizeof(double));
		c->rss = calloc(runs, sizeof(double));
	}
	for (int r = -warmup; r < runs; r++) {
		for (int i = 0; i < ncmd; i++) {
			struct cmd *c = &cmds[i];
			double cpu = 0, wall = 0, rss = 0;
			bool ok = cpurun_once(c, &cpu, &wall, &rss);

			if (r < 0)
				continue;
			c->fails += !ok;
			c->cpu[r] = cpu;
			c->wall[r] = wall;
			c->rss[r] = rss;
		}
	}
	for (int i = 0; i < ncmd; i++) {
		struct cmd *c = &cmds[i];
		double med = cpurun_median(c->cpu, runs);

		printf("%s %.2f %.2f %.0f %.2f %.2f %d\n", c->name, med * 1e3,
		       cpurun_median(c->wall, runs) * 1e3, cpurun_median(c->rss, runs),
		       c->cpu[0] * 1e3, c->cpu[runs - 1] * 1e3, c->fails);
	}
	return 0;
}
