/* harm: what a memory monitor costs a big process it watches. Makes SIZE_MIB of anonymous
 * memory resident (a big address space: page tables to walk), then every millisecond maps 64
 * KiB, touches a page of it and unmaps it, timing each mmap + touch + munmap. Reading the
 * process's smaps_rollup or smaps holds its mmap lock, so an operation that meets such a read
 * waits for it. After SECONDS it prints "p50 p99 p99.9 max" in milliseconds and the count.
 *
 *   harm SIZE_MIB SECONDS
 *
 * It says "ready" on stdout once its memory is resident, before it starts timing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	size_t mib, len, n = 0, cap;
	double secs, end, *lat;
	char *big;

	if (argc != 3 || (mib = strtoul(argv[1], NULL, 10)) == 0 || (secs = atof(argv[2])) <= 0) {
		fprintf(stderr, "usage: harm SIZE_MIB SECONDS\n");
		return 2;
	}
	len = mib << 20;
	big = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED) {
		perror("harm: mmap");
		return 1;
	}
	for (size_t i = 0; i < len; i += 4096)
		big[i] = (char)i;
	cap = (size_t)(secs * 1000) + 16;
	lat = calloc(cap, sizeof *lat);
	if (!lat)
		return 1;
	printf("ready\n");
	fflush(stdout);
	for (end = now() + secs; now() < end && n < cap;) {
		struct timespec ms = { 0, 1000000 };
		double t0 = now();
		char *p = mmap(NULL, 64 << 10, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return 1;
		p[0] = 1;
		munmap(p, 64 << 10);
		lat[n++] = (now() - t0) * 1000;
		nanosleep(&ms, NULL);
	}
	qsort(lat, n, sizeof *lat, cmp);
	printf("%.3f %.3f %.3f %.3f %zu\n", lat[n / 2], lat[n * 99 / 100], lat[n * 999 / 1000], lat[n - 1], n);
	return 0;
}
