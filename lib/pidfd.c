#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pidfd.h"
#include "procdir.h"

/* Whether pid is still the process that started at start_ticks: 0, or -ESRCH when it is
 * gone or the pid now belongs to another process, or another -errno. */
static int pidfd_still(int pid, uint64_t start_ticks)
{
	struct procdir_stat st;
	struct buf b = { 0 };
	int procfd = procfs_root(), fd;

	if (procfd < 0)
		return procfd;
	fd = procdir_open(procfd, pid, &start_ticks, &b, &st);
	buf_free(&b);
	if (fd < 0)
		return fd == -ESTALE ? -ESRCH : fd;
	close(fd);
	return 0;
}

int pidfd_signal_checked(int pid, uint64_t start_ticks, int sig)
{
	int fd, rc;

	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return -errno;
	/* The pidfd pins one process. If the pid was reused before it was opened, the stat
	 * read now shows the newcomer's start time; if it is reused after, the pidfd's own
	 * process is dead and the signal fails with ESRCH. */
	rc = pidfd_still(pid, start_ticks);
	if (rc == 0 && syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
		rc = -errno;
	close(fd);
	return rc;
}
