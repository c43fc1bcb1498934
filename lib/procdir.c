#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "pidstat.h"
#include "procdir.h"
#include "procstatus.h"

static void procdir_copy_comm(struct procdir_stat *st, const char *comm, size_t n)
{
	if (n >= sizeof st->comm)
		n = sizeof st->comm - 1;
	memcpy(st->comm, comm, n);
	st->comm[n] = '\0';
	for (size_t i = 0; i < n; i++) {	/* a NUL would cut the name short unseen */
		if (st->comm[i] == '\0')
			st->comm[i] = '?';
	}
}

int procdir_parse_stat(const char *buf, size_t len, struct procdir_stat *st)
{
	struct pidstat ps;
	int rc = pidstat_parse(buf, len, &ps);

	if (rc < 0)
		return rc;
	st->state = ps.state;
	st->flags = ps.flags;
	st->start_ticks = ps.start_ticks;
	procdir_copy_comm(st, ps.comm, ps.comm_len);
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
	return proc_state_has_mm(st->flags & PROCDIR_PF_KTHREAD, st->state);
}

int procdir_tgid(int procfd, int pid, struct buf *scratch)
{
	char path[32];
	ssize_t n;

	snprintf(path, sizeof path, "%d/status", pid);
	n = procfs_read(procfd, path, scratch);
	if (n == -ENOENT)
		return -ESRCH;
	if (n < 0)
		return (int)n;
	return procstatus_tgid(scratch->data, (size_t)n);
}

ssize_t procdir_first_thread(const int *pids, size_t n, int *tgid)
{
	struct buf scratch = { 0 };
	int procfd = procfs_root();
	ssize_t found = -1;

	for (size_t i = 0; procfd >= 0 && i < n && found < 0; i++) {
		*tgid = procdir_tgid(procfd, pids[i], &scratch);
		if (*tgid > 0 && *tgid != pids[i])
			found = (ssize_t)i;
	}
	buf_free(&scratch);
	return found;
}
