#include <errno.h>
#include <fcntl.h>
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

static ssize_t procfs_read_fd(int fd, struct buf *b)
{
	b->len = 0;
	for (;;) {
		ssize_t n;

		buf_reserve(b, b->len + 4096 + 1);
		n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		b->len += n;
	}
	b->data[b->len] = '\0';
	return b->len;
}

ssize_t procfs_read(int dirfd, const char *path, struct buf *b)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = procfs_read_fd(fd, b);
	close(fd);
	return n;
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
