/* argv: a process whose names are whatever a test wants them to be, for the hostile-name and
 * permission tests. It sets its comm, maps a file (so the file's name shows in maps/smaps),
 * and a memfd with a name of its choosing (so both show in smaps and the shmem report),
 * optionally makes itself non-dumpable and pads its command line, says "ready", then waits
 * to be killed.
 *
 *   argv [--comm NAME] [--map FILE] [--memfd NAME] [--nodump] [--pad BYTES [--fill TEXT]]
 *        [--] [ARG...]
 *
 * argv[0] is the caller's: `exec -a NAME argv ...` sets it. The ARGs are there only to be
 * seen in /proc/PID/cmdline. --pad re-executes the helper with filler arguments (hostile
 * bytes, or TEXT over and over with --fill; at most MAX_ARG_STRLEN each) until the command
 * line holds at least BYTES bytes; the stack limit is raised first, since the kernel caps
 * argv + environ at a quarter of it.
 * Exit status: 1 when the system refuses (mmap, exec...), 2 on bad usage. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARGV_CHUNK ((size_t)128 * 1024 - 1)	/* MAX_ARG_STRLEN minus the NUL */

static const char argv_filler[] = "\x1b[2J\x1b]0;pwned\x07\xc2\x9b\x9b\xff\xe2\x80\xae\n\r\t\x7f" "A";

static void argv_fail(const char *what)
{
	fprintf(stderr, "argv: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void argv_usage(void)
{
	fputs("usage: argv [--comm NAME] [--map FILE] [--memfd NAME] [--nodump] [--pad BYTES [--fill TEXT]] "
	      "[--] [ARG...]\n", stderr);
	exit(2);
}

/* Maps the whole file and reads it, so the mapping is resident and named in smaps. */
static void argv_map(const char *path)
{
	struct stat st;
	volatile const char *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0)
		argv_fail(path);
	if (st.st_size == 0) {
		errno = EINVAL;
		argv_fail("an empty file cannot be mapped");
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		argv_fail("mmap");
	for (off_t i = 0; i < st.st_size; i += 4096)
		(void)p[i];
	close(fd);
}

/* A shared 64 KiB memfd, touched: /memfd:NAME in smaps, a shmem object in -S. */
static void argv_memfd(const char *name)
{
	volatile char *p;
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, 65536) != 0)
		argv_fail("memfd_create");
	p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		argv_fail("mmap memfd");
	for (int i = 0; i < 65536; i += 4096)
		p[i] = 1;
}

/* Re-executes with the options given minus --pad and enough filler after them. */
static void argv_pad(int argc, char **argv, int pad_at, size_t bytes, const char *text)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	size_t have = 0, nfill, i, n = 0;
	char **nv, *fill;

	for (int a = 0; a < argc; a++)
		have += strlen(argv[a]) + 1;
	nfill = bytes > have ? (bytes - have + ARGV_CHUNK) / ARGV_CHUNK : 0;
	if (setrlimit(RLIMIT_STACK, &rl) != 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_STACK, &rl);
	}
	fill = malloc(ARGV_CHUNK + 1);
	nv = calloc(argc + nfill + 2, sizeof *nv);
	if (!fill || !nv)
		argv_fail("malloc");
	for (i = 0; i < ARGV_CHUNK; i++)
		fill[i] = text && *text ? text[i % strlen(text)] : argv_filler[i % (sizeof argv_filler - 1)];
	fill[ARGV_CHUNK] = '\0';
	for (int a = 0; a < argc; a++) {
		if (a == pad_at || a == pad_at + 1)
			continue;
		nv[n++] = argv[a];
	}
	for (i = 0; i < nfill; i++)
		nv[n++] = fill;
	nv[n] = NULL;
	execv("/proc/self/exe", nv);
	argv_fail("exec");
}

int main(int argc, char **argv)
{
	const char *comm = NULL, *map = NULL, *memfd = NULL, *fill = NULL;
	int pad_at = -1, a;
	bool nodump = false;
	size_t pad = 0;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--") == 0)
			break;
		else if (strcmp(argv[a], "--nodump") == 0)
			nodump = true;
		else if (a + 1 >= argc)
			argv_usage();
		else if (strcmp(argv[a], "--comm") == 0)
			comm = argv[++a];
		else if (strcmp(argv[a], "--map") == 0)
			map = argv[++a];
		else if (strcmp(argv[a], "--memfd") == 0)
			memfd = argv[++a];
		else if (strcmp(argv[a], "--pad") == 0)
			pad_at = a, pad = strtoul(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--fill") == 0)
			fill = argv[++a];
		else
			argv_usage();
	}
	if (pad_at > 0)
		argv_pad(argc, argv, pad_at, pad, fill);
	if (comm && prctl(PR_SET_NAME, comm) != 0)
		argv_fail("PR_SET_NAME");
	if (map)
		argv_map(map);
	if (memfd)
		argv_memfd(memfd);
	if (nodump && prctl(PR_SET_DUMPABLE, 0) != 0)
		argv_fail("PR_SET_DUMPABLE");
	if (write(STDOUT_FILENO, "ready\n", 6) != 6)
		argv_fail("write");
	for (;;)
		pause();
}
