#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pidfd.h"
#include "pidstat.h"
#include "procfs.h"

static int pidfd_start_of(int pid, uint64_t *start)
{
	struct pidstat st;
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
	rc = n < 0 ? (int)n : pidstat_parse(b.data, (size_t)n, &st);
	if (rc == 0)
		*start = st.start_ticks;
	buf_free(&b);
	return rc == -ENOENT ? -ESRCH : rc;
}

int pidfd_signal_checked(int pid, uint64_t start_ticks, int sig)
{
	uint64_t start = 0;
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
