/* Fixture files for the C unit tests: read from $FIXTURES (set by make check), else from
 * tests/fixtures; scratch files written with fixture_put. A fixture that cannot be read or
 * written ends the test with status 99 (automake's "hard error"). */
#ifndef MEMTOP_TEST_FIXTURE_H
#define MEMTOP_TEST_FIXTURE_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"

/* Reads FIXTURES/name whole into b (NUL-terminated); returns b->data. */
static inline const char *fixture_read(const char *name, struct buf *b)
{
	char path[4096];
	const char *dir = getenv("FIXTURES");

	if (snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/fixtures", name) >= (int)sizeof path ||
	    procfs_read(AT_FDCWD, path, b) < 0) {
		printf("# cannot read %s\n", path);
		exit(99);
	}
	return b->data;
}

/* The same as a malloc'd string of *len bytes, for tests that own and free it. */
static inline char *fixture_dup(const char *name, size_t *len)
{
	struct buf b = { 0 };

	fixture_read(name, &b);
	*len = b.len;
	return b.data;
}

/* A new directory /tmp/memtop-test-NAME.XXXXXX (its path in path), opened. */
static inline int fixture_tmpdir(char *path, size_t n, const char *name)
{
	snprintf(path, n, "/tmp/memtop-test-%s.XXXXXX", name);
	if (!mkdtemp(path)) {
		printf("# mkdtemp: %s\n", strerror(errno));
		exit(99);
	}
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Removes what fixture_tmpdir made. */
static inline void fixture_rmtree(const char *path)
{
	char cmd[4200];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", path);
}

/* Writes len bytes of text to path (relative to dirfd), replacing what was there. */
static inline void fixture_put_n(int dirfd, const char *path, const char *text, size_t len)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		printf("# cannot write %s: %s\n", path, strerror(errno));
		exit(99);
	}
	close(fd);
}

/* Writes text to path (relative to dirfd), replacing what was there. */
static inline void fixture_put(int dirfd, const char *path, const char *text)
{
	fixture_put_n(dirfd, path, text, strlen(text));
}

#endif
