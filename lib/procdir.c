#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procdir.h"

#define PROCDIR_FIELD_FLAGS 9
#define PROCDIR_FIELD_START 22

/* One unsigned decimal field at *p (blanks before it skipped); moves *p past it. */
static int procdir_field_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	while (s < end && *s == ' ')
		s++;
	if (s == end || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned d = *s - '0';

		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	if (s < end && *s != ' ' && *s != '\n')
		return -EINVAL;
	*p = s;
	*out = v;
	return 0;
}

/* Moves *p past one field of any kind (some, like priority and nice, may be negative). */
static int procdir_field_skip(const char **p, const char *end)
{
	const char *s = *p;

	while (s < end && *s == ' ')
		s++;
	if (s == end || *s == '\n')
		return -EINVAL;
	while (s < end && *s != ' ' && *s != '\n')
		s++;
	*p = s;
	return 0;
}

static void procdir_copy_comm(struct procdir_stat *st, const char *open, const char *close)
{
	size_t n = close - open - 1;

	if (n >= sizeof st->comm)
		n = sizeof st->comm - 1;
	memcpy(st->comm, open + 1, n);
	st->comm[n] = '\0';
	for (size_t i = 0; i < n; i++) {	/* a NUL would cut the name short unseen */
		if (st->comm[i] == '\0')
			st->comm[i] = '?';
	}
}

int procdir_parse_stat(const char *buf, size_t len, struct procdir_stat *st)
{
	const char *end = buf + len, *open = memchr(buf, '(', len), *close = memrchr(buf, ')', len), *p;
	uint64_t v;

	if (!open || !close || close < open || close + 2 >= end || close[1] != ' ')
		return -EINVAL;
	p = close + 2;
	st->state = *p++;
	if (st->state == ' ' || st->state == '\n' || (p < end && *p != ' '))
		return -EINVAL;
	for (int field = 4; field <= PROCDIR_FIELD_START; field++) {
		if (field == PROCDIR_FIELD_FLAGS || field == PROCDIR_FIELD_START) {
			if (procdir_field_u64(&p, end, &v) < 0)
				return -EINVAL;
			if (field == PROCDIR_FIELD_FLAGS)
				st->flags = v;
			else
				st->start_ticks = v;
		} else if (procdir_field_skip(&p, end) < 0) {
			return -EINVAL;
		}
	}
	procdir_copy_comm(st, open, close);
	return 0;
}

int procdir_read_stat(int dirfd, struct buf *scratch, struct procdir_stat *st)
{
	ssize_t n = procfs_read(dirfd, "stat", scratch);

	if (n == -ENOENT)
		return -ESRCH;
	if (n < 0)
		return n;
	return procdir_parse_stat(scratch->data, n, st);
}

int procdir_open(int procfd, int pid, const uint64_t *expect_start, struct buf *scratch,
		 struct procdir_stat *st)
{
	char name[24];
	int fd, rc;

	if (pid <= 0)
		return -ESRCH;
	snprintf(name, sizeof name, "%d", pid);
	fd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	rc = procdir_read_stat(fd, scratch, st);
	if (rc == 0 && expect_start && st->start_ticks != *expect_start)
		rc = -ESTALE;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

bool procdir_has_mm(const struct procdir_stat *st)
{
	return !(st->flags & PROCDIR_PF_KTHREAD) && st->state != 'Z' && st->state != 'X' &&
	       st->state != 'x';
}
