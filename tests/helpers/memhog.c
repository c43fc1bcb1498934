/* memhog: creates a known amount of a known kind of memory, says "ready", then sleeps
 * until killed, so live tests can compare memtop's figures with what it did.
 *
 *   memhog untouched|touched|small|large|shared|stack|swapped SIZE_MIB
 *   memhog fileread|filewrite [SIZE_MIB] FILE	(no SIZE_MIB or 0: the whole file)
 *   memhog devshm SIZE_MIB NAME
 *   memhog maps N
 *   memhog comm NAME
 *   memhog adj VALUE
 *   memhog quiet forkshare|mlock SIZE_MIB
 *   memhog thp|hugetlb|ksm SIZE_MIB
 *   memhog vfork
 *   memhog leak KIB_PER_S MAX_MIB | sawtooth SIZE_MIB PERIOD_S | step SIZE_MIB AFTER_S
 *
 * "ready\n" goes to stdout with write(2) once everything is in place; nothing is allocated
 * after it. Exit status: 1 when the system refuses (mmap, setrlimit...), 2 on bad usage.
 *
 * stack: the main thread's stack grows only as far as RLIMIT_STACK allows; memhog raises
 * its soft limit itself (1,000 MiB checked on Linux 6.18). If the hard limit is too low it
 * exits 1, and the test must raise it first (`ulimit -s`).
 * comm: the kernel keeps the first 15 bytes of NAME.
 * devshm: /dev/shm/NAME is removed on SIGTERM, SIGINT and SIGHUP; after SIGKILL the test
 * removes it. maps: vm.max_map_count (65530 by default) bounds N.
 * swapped: SIZE_MIB of private anonymous memory written, then pushed out with
 * MADV_PAGEOUT (Linux 5.4): in swap when the machine has swap, resident when not.
 * quiet: changes its memory figures on SIGUSR1 without a fault, an RSS or a size change of
 * its own (the changes memtop cannot see in stat), then writes "changed\n":
 *   forkshare: SIZE_MIB written, shared with a forked child until SIGUSR1 ends the child
 *     (its PSS doubles, its USS goes from about 0 to SIZE_MIB);
 *   mlock: SIZE_MIB written; SIGUSR1 mlocks them (VmLck) and makes half read-only (VmData).
 * thp: SIZE_MIB aligned to 2 MiB, MADV_HUGEPAGE, written (AnonHugePages when THP allows).
 * hugetlb: SIZE_MIB of MAP_HUGETLB memory written (needs vm.nr_hugepages free pages).
 * ksm: SIZE_MIB of identical non-zero pages, MADV_MERGEABLE (merged once ksmd runs).
 * vfork: vfork()s a child that says "ready" and waits: the child shares the parent's memory
 * and the kernel scores it 0 (in_vfork); the parent waits for it.
 * leak, sawtooth, step: they change their memory after "ready", on the clock (trend tests),
 * in private anonymous memory without huge pages, a page at a time:
 *   leak: KIB_PER_S of new pages every second (paced by the monotonic clock, so a late
 *     wake-up catches up), up to MAX_MIB, then still;
 *   sawtooth: SIZE_MIB written over PERIOD_S seconds, freed at once (MADV_DONTNEED), again;
 *   step: SIZE_MIB written at once AFTER_S seconds after ready, then still. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB ((size_t)1 << 20)
#define SMALL_BLOCK ((size_t)100 << 10)
#define STACK_FRAME ((size_t)64 << 10)

static const char memhog_usage[] =
	"usage: memhog untouched|touched|small|large|shared|stack|swapped SIZE_MIB\n"
	"       memhog fileread|filewrite [SIZE_MIB] FILE\n"
	"       memhog devshm SIZE_MIB NAME\n"
	"       memhog maps N | comm NAME | adj VALUE\n"
	"       memhog quiet forkshare|mlock SIZE_MIB | thp|hugetlb|ksm SIZE_MIB | vfork\n"
	"       memhog leak KIB_PER_S MAX_MIB | sawtooth SIZE_MIB PERIOD_S | step SIZE_MIB AFTER_S\n";

/* Pointers kept where the compiler must assume someone reads them, so no allocation is
 * optimised away. */
static void *volatile memhog_keep;
static volatile unsigned memhog_sink;
static char memhog_shm_path[PATH_MAX];

static void memhog_usage_exit(void)
{
	fputs(memhog_usage, stderr);
	exit(2);
}

static void memhog_fail(const char *what)
{
	fprintf(stderr, "memhog: %s: %s\n", what, strerror(errno));
	exit(1);
}

static size_t memhog_number(const char *s)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		memhog_usage_exit();
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > SIZE_MAX / MIB)
		memhog_usage_exit();
	return (size_t)v;
}

static void memhog_touch(char *p, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t i;

	for (i = 0; i < len; i += (size_t)page)
		((volatile char *)p)[i] = 1;
}

/* Sums one byte per page through volatile reads, so every page is faulted in. */
static unsigned memhog_read(const char *p, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned sum = 0;
	size_t i;

	for (i = 0; i < len; i += (size_t)page)
		sum += ((const volatile char *)p)[i];
	return sum;
}

static void **memhog_blocks(size_t n)
{
	void **v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		memhog_fail("calloc");
	memhog_keep = v;
	return v;
}

static void memhog_mallocs(size_t n, size_t size, int touch)
{
	void **v = memhog_blocks(n);
	size_t i;

	for (i = 0; i < n; i++) {
		v[i] = malloc(size);
		if (!v[i])
			memhog_fail("malloc");
		if (touch)
			memhog_touch(v[i], size);
	}
}

/* A fixed threshold also stops glibc from raising it after frees, so 100 KiB blocks stay
 * in [heap] and 1 MiB blocks get their own mmap. */
static void memhog_fix_malloc(void)
{
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	mallopt(M_TRIM_THRESHOLD, INT_MAX);
}

static void *memhog_mmap(size_t len, int prot, int flags, int fd)
{
	void *p = mmap(NULL, len ? len : 1, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		memhog_fail("mmap");
	memhog_keep = p;
	return p;
}

/* Nothing sets memhog_stop: it only keeps the stack recursion a finite one for the
 * compiler. Killing the process ends the wait. */
static volatile sig_atomic_t memhog_stop;

static void memhog_ready_wait(void)
{
	static const char ready[] = "ready\n";

	if (write(STDOUT_FILENO, ready, sizeof(ready) - 1) != (ssize_t)sizeof(ready) - 1)
		exit(1);
	while (!memhog_stop)
		pause();
}

/* Each frame touches STACK_FRAME bytes; the deepest one announces ready and stays. */
static __attribute__((noinline)) unsigned memhog_recurse(size_t frames)
{
	volatile char frame[STACK_FRAME];
	size_t i;

	for (i = 0; i < sizeof(frame); i += 1024)
		frame[i] = (char)frames;
	if (frames <= 1) {
		memhog_ready_wait();
		return frame[0];
	}
	return memhog_recurse(frames - 1) + frame[0];
}

static void memhog_stack(size_t mib)
{
	rlim_t need = (rlim_t)(mib + 16) * MIB;
	struct rlimit rl;

	if (getrlimit(RLIMIT_STACK, &rl) < 0)
		memhog_fail("getrlimit");
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
			errno = EPERM;
			memhog_fail("RLIMIT_STACK hard limit too low (ulimit -s)");
		}
		rl.rlim_cur = need;
		if (setrlimit(RLIMIT_STACK, &rl) < 0)
			memhog_fail("setrlimit");
	}
	memhog_recurse(mib * (MIB / STACK_FRAME));
}

static size_t memhog_file_size(int fd, size_t mib)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		memhog_fail("fstat");
	if (mib == 0)
		return (size_t)st.st_size;
	if ((uint64_t)st.st_size < (uint64_t)mib * MIB) {
		errno = EINVAL;
		memhog_fail("file smaller than SIZE_MIB");
	}
	return mib * MIB;
}

/* Private file map: reading keeps page cache pages; writing copies them into anonymous
 * pages (copy-on-write), the file itself is never changed. */
static void memhog_file(const char *file, size_t mib, int write_it)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	size_t len;
	char *p;

	if (fd < 0)
		memhog_fail(file);
	len = memhog_file_size(fd, mib);
	p = memhog_mmap(len, PROT_READ | (write_it ? PROT_WRITE : 0), MAP_PRIVATE, fd);
	close(fd);
	if (write_it)
		memhog_touch(p, len);
	else
		memhog_sink = memhog_read(p, len);
}

/* Runs once (SA_RESETHAND), then the signal kills as it would have. */
static void memhog_unlink_shm(int sig)
{
	unlink(memhog_shm_path);
	raise(sig);
}

static void memhog_on_exit_signals(void (*fn)(int))
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = (int)SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void memhog_devshm(const char *name, size_t mib)
{
	size_t len = mib * MIB;
	const char *base = name[0] == '/' ? name + 1 : name;
	int fd;

	if (!*base || strchr(base, '/'))
		memhog_usage_exit();
	snprintf(memhog_shm_path, sizeof(memhog_shm_path), "/dev/shm/%s", base);
	fd = shm_open(base, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		memhog_fail("shm_open");
	memhog_on_exit_signals(memhog_unlink_shm);
	if (ftruncate(fd, (off_t)len) < 0)
		memhog_fail("ftruncate");
	memhog_touch(memhog_mmap(len, PROT_READ | PROT_WRITE, MAP_SHARED, fd), len);
	close(fd);
}

/* One page per mapping, protections alternating so neighbours cannot merge: N VMAs. */
static void memhog_maps(size_t n)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t i, len = n * (size_t)page;
	char *p;

	if (n == 0 || n > (size_t)INT_MAX)
		memhog_usage_exit();
	p = memhog_mmap(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memhog_touch(p, len);
	for (i = 0; i < n; i += 2)
		if (mprotect(p + i * (size_t)page, (size_t)page, PROT_READ) < 0)
			memhog_fail("mprotect (vm.max_map_count?)");
}

static void memhog_adj(const char *value)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	size_t len = strlen(value);

	if (fd < 0)
		memhog_fail("/proc/self/oom_score_adj");
	if (write(fd, value, len) != (ssize_t)len)
		memhog_fail("write oom_score_adj");
	close(fd);
}

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/* Pages of distinct bytes (no same-filled page that zswap would keep apart), one mapping,
 * reclaimed at once: the kernel writes them to swap and leaves swap entries behind. */
static void memhog_swapped(size_t len)
{
	char *p = memhog_mmap(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	for (size_t i = 0; i < len; i += 64)
		p[i] = (char)(i >> 12 ^ i >> 6);
	if (madvise(p, len, MADV_PAGEOUT) != 0)
		memhog_fail("madvise MADV_PAGEOUT");
}

static volatile sig_atomic_t memhog_usr1;

static void memhog_on_usr1(int sig)
{
	(void)sig;
	memhog_usr1 = 1;
}

static void memhog_say(const char *s)
{
	if (write(STDOUT_FILENO, s, strlen(s)) != (ssize_t)strlen(s))
		exit(1);
}

static void memhog_quiet(const char *kind, size_t mib)
{
	size_t len = mib * MIB;
	char *p = memhog_mmap(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	pid_t child = -1;
	sigset_t usr1, old;

	if (strcmp(kind, "forkshare") != 0 && strcmp(kind, "mlock") != 0)
		memhog_usage_exit();
	memhog_touch(p, len);
	signal(SIGUSR1, memhog_on_usr1);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	if (kind[0] == 'f') {
		child = fork();
		if (child < 0)
			memhog_fail("fork");
		if (child == 0) {	/* shares every page until it ends; never outlives us */
			prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
			for (;;)
				pause();
		}
	}
	memhog_say("ready\n");
	while (!memhog_usr1)
		sigsuspend(&old);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	} else if (mlock(p, len) != 0 || mprotect(p, len / 2, PROT_READ) != 0) {
		memhog_fail("mlock or mprotect (RLIMIT_MEMLOCK?)");
	}
	memhog_say("changed\n");
	for (;;)
		pause();
}

#ifndef MADV_HUGEPAGE
#define MADV_HUGEPAGE 14
#endif

static void memhog_special(const char *kind, size_t mib)
{
	size_t len = mib * MIB, huge = 2 * MIB;
	char *p;

	if (strcmp(kind, "thp") == 0) {
		p = memhog_mmap(len + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
		p = (char *)(((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1));
		if (madvise(p, len, MADV_HUGEPAGE) != 0)
			memhog_fail("madvise MADV_HUGEPAGE");
		memhog_touch(p, len);
	} else if (strcmp(kind, "hugetlb") == 0) {
		memhog_touch(memhog_mmap(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1), len);
	} else if (strcmp(kind, "ksm") == 0) {
		p = memhog_mmap(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
		memset(p, 0x5a, len);
		if (madvise(p, len, MADV_MERGEABLE) != 0)
			memhog_fail("madvise MADV_MERGEABLE");
	} else {
		memhog_usage_exit();
	}
}

static double memhog_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void memhog_nap(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Private anonymous memory that grows a page at a time (no huge page at once). */
static char *memhog_region(size_t len)
{
	char *p = memhog_mmap(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);

	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

static void memhog_say_ready(void)
{
	if (write(STDOUT_FILENO, "ready\n", 6) != 6)
		exit(1);
}

/* Writes [*done, want) of p: the pages the clock says are due. */
static void memhog_grow(char *p, size_t *done, size_t want)
{
	if (want > *done) {
		memhog_touch(p + *done, want - *done);
		*done = want;
	}
}

static _Noreturn void memhog_leak(size_t kib_per_s, size_t max_mib)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), max = max_mib * MIB, done = 0;
	char *p = memhog_region(max);
	double start;

	memhog_say_ready();
	start = memhog_clock();
	for (;;) {
		double due = (memhog_clock() - start) * (double)kib_per_s * 1024;
		size_t want = due < (double)max ? (size_t)due / page * page : max;

		memhog_grow(p, &done, want);
		memhog_nap(1.0 / 32);
	}
}

static _Noreturn void memhog_sawtooth(size_t mib, size_t period)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len = mib * MIB, done = 0;
	double start, per = period ? (double)period : 1;
	char *p = memhog_region(len);

	memhog_say_ready();
	start = memhog_clock();
	for (;;) {
		double f = (memhog_clock() - start) / per;

		if (f >= 1) {
			madvise(p, len, MADV_DONTNEED);
			done = 0;
			start += (double)(size_t)f * per;
			continue;
		}
		memhog_grow(p, &done, (size_t)(f * (double)len) / page * page);
		memhog_nap(1.0 / 32);
	}
}

static _Noreturn void memhog_step(size_t mib, size_t after)
{
	size_t len = mib * MIB, done = 0;
	char *p = memhog_region(len);

	memhog_say_ready();
	memhog_nap((double)after);
	memhog_grow(p, &done, len);
	for (;;)
		pause();
}

/* The child may only wait (no return, no exit handlers): it borrows the parent's stack. */
static void memhog_vfork(void)
{
	pid_t child = vfork();

	if (child < 0)
		memhog_fail("vfork");
	if (child == 0) {
		static const char ready[] = "ready\n";

		if (write(STDOUT_FILENO, ready, sizeof ready - 1) < 0)
			_exit(1);
		for (;;)
			pause();
	}
	waitpid(child, NULL, 0);
	_exit(0);
}

static void memhog_sized(const char *mode, size_t mib)
{
	size_t len = mib * MIB;

	if (strcmp(mode, "untouched") == 0) {
		memhog_fix_malloc();
		memhog_mallocs(mib, MIB, 0);
	} else if (strcmp(mode, "touched") == 0) {
		memhog_fix_malloc();
		memhog_mallocs(1, len, 1);
	} else if (strcmp(mode, "small") == 0) {
		memhog_fix_malloc();
		memhog_mallocs((len + SMALL_BLOCK - 1) / SMALL_BLOCK, SMALL_BLOCK, 1);
	} else if (strcmp(mode, "large") == 0) {
		memhog_fix_malloc();
		memhog_mallocs(mib, MIB, 1);
	} else if (strcmp(mode, "shared") == 0) {
		memhog_touch(memhog_mmap(len, PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_ANONYMOUS, -1), len);
	} else if (strcmp(mode, "stack") == 0) {
		memhog_stack(mib);
	} else if (strcmp(mode, "swapped") == 0) {
		memhog_swapped(len);
	} else {
		memhog_usage_exit();
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if ((strcmp(mode, "fileread") == 0 || strcmp(mode, "filewrite") == 0) &&
	    (argc == 3 || argc == 4))
		memhog_file(argv[argc - 1], argc == 4 ? memhog_number(argv[2]) : 0,
			    mode[4] == 'w');
	else if (strcmp(mode, "devshm") == 0 && argc == 4)
		memhog_devshm(argv[3], memhog_number(argv[2]));
	else if (strcmp(mode, "maps") == 0 && argc == 3)
		memhog_maps(memhog_number(argv[2]));
	else if (strcmp(mode, "comm") == 0 && argc == 3)
		prctl(PR_SET_NAME, argv[2], 0, 0, 0);
	else if (strcmp(mode, "adj") == 0 && argc == 3)
		memhog_adj(argv[2]);
	else if (strcmp(mode, "quiet") == 0 && argc == 4)
		memhog_quiet(argv[2], memhog_number(argv[3]));
	else if ((strcmp(mode, "thp") == 0 || strcmp(mode, "hugetlb") == 0 || strcmp(mode, "ksm") == 0) && argc == 3)
		memhog_special(mode, memhog_number(argv[2]));
	else if (strcmp(mode, "vfork") == 0 && argc == 2)
		memhog_vfork();
	else if (strcmp(mode, "leak") == 0 && argc == 4)
		memhog_leak(memhog_number(argv[2]), memhog_number(argv[3]));
	else if (strcmp(mode, "sawtooth") == 0 && argc == 4)
		memhog_sawtooth(memhog_number(argv[2]), memhog_number(argv[3]));
	else if (strcmp(mode, "step") == 0 && argc == 4)
		memhog_step(memhog_number(argv[2]), memhog_number(argv[3]));
	else if (argc == 3)
		memhog_sized(mode, memhog_number(argv[2]));
	else
		memhog_usage_exit();
	memhog_ready_wait();
	return 0;
}
