#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pidfd.h"
#include "procfs.h"

int pidfd_parse_start(const char *buf, size_t len, uint64_t *start)
{
	const char *p = NULL, *end = buf + len;
	uint64_t v;

	/* comm may hold ')' and spaces: the fields start after the last ')' */
	for (const char *q = buf; q < end; q++) {
		if (*q == ')')
			p = q + 1;
	}
	if (!p)
		return -EINVAL;
	for (int field = 3; field <= 22; field++) {	/* " S ppid pgrp ... starttime" */
		if (p >= end || *p != ' ')
			return -EINVAL;
		p++;
		if (field == 22)
			break;
		while (p < end && *p != ' ')
			p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		return -EINVAL;
	for (v = 0; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p < end && *p != ' ' && *p != '\n')
		return -EINVAL;
	*start = v;
	return 0;
}

static int pidfd_start_of(int pid, uint64_t *start)
{
	struct buf b = { 0 };
	char path[32];
	ssize_t n;
	int dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (dfd < 0)
		return -errno;
	snprintf(path, sizeof path, "%d/stat", pid);
	n = procfs_read(dfd, path, &b);
	close(dfd);
	rc = n < 0 ? (int)n : pidfd_parse_start(b.data, (size_t)n, start);
	buf_free(&b);
	return rc == -ENOENT ? -ESRCH : rc;
}

int pidfd_signal_checked(int pid, uint64_t start_ticks, int sig)
{
	uint64_t start;
	int fd, rc;

	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return -errno;
	/* The pidfd pins one process. If the pid was reused before it was opened, the stat
	 * read now shows the newcomer's start time; if it is reused after, the pidfd's own
	 * process is dead and the signal fails with ESRCH. */
	rc = pidfd_start_of(pid, &start);
	if (rc == 0 && start != start_ticks)
		rc = -ESRCH;
	if (rc == 0 && syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
		rc = -errno;
	close(fd);
	return rc;
}
