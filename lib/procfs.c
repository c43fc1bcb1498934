#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "procfs.h"
#include "xalloc.h"

#define PROCFS_CHUNK 65536

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static void buf_reserve(struct buf *b, size_t want)
{
	if (b->cap >= want)
		return;
	b->cap = b->cap ? b->cap : 4096;
	while (b->cap < want)
		b->cap *= 2;
	b->data = xrealloc(b->data, b->cap);
}

/* The files read whole are produced in one piece (a single seq_file record, a sysctl,
 * cmdline): a read that leaves room in the buffer has reached the end, as procps assumes
 * too. That saves the second read(2) per file that would only return 0. smaps, which the
 * kernel hands out a few mappings per read, goes through procfs_stream instead. */
static ssize_t procfs_read_fd(int fd, struct buf *b, bool positioned)
{
	b->len = 0;
	for (;;) {
		size_t room;
		ssize_t n;

		buf_reserve(b, b->len + 4096 + 1);
		room = b->cap - b->len - 1;
		n = positioned ? pread(fd, b->data + b->len, room, (off_t)b->len) :
				 read(fd, b->data + b->len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		b->len += n;
		if ((size_t)n < room)
			break;
	}
	b->data[b->len] = '\0';
	return b->len;
}

int procfs_root(void)
{
	static int fd = -1;

	if (fd < 0 && (fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	return fd;
}

ssize_t procfs_read(int dirfd, const char *path, struct buf *b)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = procfs_read_fd(fd, b, false);
	close(fd);
	return n;
}

ssize_t procfs_pread(int fd, struct buf *b)
{
	return procfs_read_fd(fd, b, true);
}

int procfs_read_int(int dirfd, const char *path, long long *out)
{
	char tmp[64], *end;
	struct buf b = { tmp, 0, sizeof tmp };
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, b.data, sizeof tmp - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return n;
	tmp[n] = '\0';
	errno = 0;
	*out = strtoll(tmp, &end, 10);
	if (end == tmp || errno)
		return -EINVAL;
	while (*end == '\n' || *end == ' ')
		end++;
	return *end ? -EINVAL : 0;
}

int procfs_fd_room(int dirfd, int n)
{
	int fds[64], got = 0, rc = 0;

	if (n > (int)(sizeof fds / sizeof fds[0]))
		n = sizeof fds / sizeof fds[0];
	fds[got] = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fds[got] < 0)
		return -errno;
	for (got++; got < n; got++) {
		fds[got] = fcntl(fds[0], F_DUPFD_CLOEXEC, 0);
		if (fds[got] < 0) {
			rc = -errno;
			break;
		}
	}
	while (got > 0)
		close(fds[--got]);
	return rc;
}

int procfs_stream(int dirfd, const char *path, struct buf *chunk,
		  int (*fn)(const char *data, size_t len, void *ctx), void *ctx)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int rc = 0;

	if (fd < 0)
		return -errno;
	buf_reserve(chunk, PROCFS_CHUNK);
	for (;;) {
		ssize_t n = read(fd, chunk->data, chunk->cap);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		rc = fn(chunk->data, n, ctx);
		if (rc)
			break;
	}
	close(fd);
	return rc;
}
