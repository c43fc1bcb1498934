#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errtext.h"
#include "oomadj.h"

int oomadj_parse(const char *s, int *out)
{
	const char *d = s[0] == '-' ? s + 1 : s;
	long v = 0;
	size_t n = strspn(d, "0123456789");

	if (n == 0 || d[n] != '\0' || (d[0] == '0' && n > 1) || (d != s && d[0] == '0'))
		return -EINVAL;
	if (n > 4)
		return -ERANGE;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (d[i] - '0');
	if (d != s)
		v = -v;
	if (v < OOMADJ_MIN || v > OOMADJ_MAX)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

static int oomadj_read(int dirfd, int *out)
{
	long long v;
	int rc = procfs_read_int(dirfd, "oom_score_adj", &v);

	if (rc == 0)
		*out = (int)v;
	return rc == -ENOENT ? -ESRCH : rc;
}

/* EACCES from open() is the file's permissions; from write() it is the kernel refusing to
 * lower the value below the process's floor without CAP_SYS_RESOURCE. */
static int oomadj_put(int dirfd, int value)
{
	char text[16];
	int len = snprintf(text, sizeof text, "%d", value);
	int fd = openat(dirfd, "oom_score_adj", O_WRONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? -ESRCH : errno == EACCES ? -EPERM : -errno;
	n = write(fd, text, len);
	if (n < 0)
		n = -errno;
	if (close(fd) < 0 && n >= 0)
		n = -errno;
	if (n < 0)
		return (int)n;
	return n == len ? 0 : -EIO;
}

static int oomadj_fail(struct oomadj_result *r, enum oomadj_why why, int err)
{
	r->why = why;
	r->err = err;
	return -err;
}

/* Maps the errno of one step to what the user is told. */
static int oomadj_step_error(struct oomadj_result *r, int rc, bool writing)
{
	if (rc == -ESRCH || rc == -ENOENT)
		return oomadj_fail(r, OOMADJ_GONE, ESRCH);
	if (rc == -ESTALE)
		return oomadj_fail(r, OOMADJ_CHANGED, ESTALE);
	if (rc == -EACCES && writing)
		return oomadj_fail(r, OOMADJ_DENIED_LOWER, EACCES);
	if (rc == -EACCES || rc == -EPERM)
		return oomadj_fail(r, OOMADJ_DENIED, EACCES);
	return oomadj_fail(r, OOMADJ_FAILED, -rc);
}

/* Writes through an open handle whose stat has been read into st. */
static int oomadj_write_at(int dirfd, const struct procdir_stat *st, struct buf *scratch,
			   struct oomadj_result *r)
{
	struct procdir_stat again;
	int rc;

	if (st->flags & PROCDIR_PF_KTHREAD)
		return oomadj_fail(r, OOMADJ_KTHREAD, EPERM);
	if (!procdir_has_mm(st))
		return oomadj_fail(r, OOMADJ_ZOMBIE, ESRCH);
	rc = oomadj_read(dirfd, &r->before);
	if (rc < 0 && rc != -EACCES)
		return oomadj_step_error(r, rc, false);
	r->before_known = rc == 0;
	/* open() passed the file's permissions: EACCES now is the kernel's floor check */
	rc = oomadj_put(dirfd, r->value);
	if (rc < 0)
		return oomadj_step_error(r, rc, true);
	r->written = true;
	rc = procdir_read_stat(dirfd, scratch, &again);
	if (rc == 0 && again.start_ticks != st->start_ticks)
		rc = -ESTALE;
	if (rc < 0)
		return oomadj_step_error(r, rc, false);
	rc = oomadj_read(dirfd, &r->after);
	if (rc < 0)
		return oomadj_step_error(r, rc, false);
	r->after_known = true;
	if (r->after != r->value)
		return oomadj_fail(r, OOMADJ_MISMATCH, EIO);
	r->why = OOMADJ_DONE;
	return 0;
}

int oomadj_write(int procfd, int pid, const uint64_t *expect_start, int value,
		 struct oomadj_result *r)
{
	struct buf scratch = { 0 };
	struct procdir_stat st;
	int fd, rc;

	memset(r, 0, sizeof *r);
	r->pid = pid;
	r->value = value;
	if (value < OOMADJ_MIN || value > OOMADJ_MAX)
		return oomadj_fail(r, OOMADJ_FAILED, EINVAL);
	fd = procdir_open(procfd, pid, expect_start, &scratch, &st);
	if (fd < 0) {
		buf_free(&scratch);
		return oomadj_step_error(r, fd, false);
	}
	memcpy(r->comm, st.comm, sizeof r->comm);
	r->start_ticks = st.start_ticks;
	rc = oomadj_write_at(fd, &st, &scratch, r);
	close(fd);
	buf_free(&scratch);
	return rc;
}

int oomadj_write_pid(int pid, const uint64_t *expect_start, int value, struct oomadj_result *r)
{
	int procfd = procfs_root();

	if (procfd < 0) {
		memset(r, 0, sizeof *r);
		r->pid = pid;
		r->value = value;
		return oomadj_fail(r, OOMADJ_FAILED, -procfd);
	}
	return oomadj_write(procfd, pid, expect_start, value, r);
}

const char *oomadj_explain(const struct oomadj_result *r, char *buf, size_t n)
{
	switch (r->why) {
	case OOMADJ_DONE:
		if (r->before_known)
			snprintf(buf, n, "oom_score_adj %d -> %d", r->before, r->after);
		else
			snprintf(buf, n, "oom_score_adj set to %d", r->after);
		return buf;
	case OOMADJ_GONE:
		if (r->written)
			return "written, but the process exited right after";
		return "no such process: it has exited; nothing written";
	case OOMADJ_CHANGED:
		return "the process changed: the pid now belongs to a process started later; nothing written";
	case OOMADJ_KTHREAD:
		return "a kernel thread: the OOM killer never picks one; nothing written";
	case OOMADJ_ZOMBIE:
		return "a zombie: it has exited and holds no memory; nothing written";
	case OOMADJ_DENIED_LOWER:
		/* the capability first: the view's one-line message may be cut at its width */
		return "permission denied: lowering oom_score_adj needs CAP_SYS_RESOURCE, which even root "
		       "may lack (below the process's floor: 0 unless a privileged process set one); raising is allowed";
	case OOMADJ_DENIED:
		return "permission denied: only the process's owner or root may change it, and not for a "
		       "non-dumpable (setuid) process";
	case OOMADJ_MISMATCH:
		snprintf(buf, n, "written %d, but the kernel reads back %d", r->value, r->after);
		return buf;
	case OOMADJ_FAILED:
		break;
	}
	snprintf(buf, n, "cannot write oom_score_adj: %s", errtext(r->err ? r->err : EIO));
	return buf;
}
