/* Changing a process's oom_score_adj: the only thing memtop ever writes. The value is
 * checked here, never passed through as the user typed it (the kernel reads "010" as 8),
 * and it is written through a /proc/PID handle checked against the process's start time,
 * so a process that took over a reused pid is never written. */
#ifndef MEMTOP_OOMADJ_H
#define MEMTOP_OOMADJ_H

#include <stdbool.h>
#include <stdint.h>

#include "procdir.h"

#define OOMADJ_MIN (-1000)
#define OOMADJ_MAX 1000

/* Parses a value strictly: an optional '-', then decimal digits without a leading zero
 * ("0" alone is fine), nothing else, from -1000 to 1000. Returns 0, -EINVAL (not such a
 * number: "010", "+5", " 5", "0x10", "abc", "") or -ERANGE (a number outside the range). */
int oomadj_parse(const char *s, int *out);

enum oomadj_why {
	OOMADJ_DONE,		/* written, and the kernel reads back the value asked for */
	OOMADJ_GONE,		/* no such process: it exited */
	OOMADJ_CHANGED,		/* the pid now belongs to a process started later */
	OOMADJ_KTHREAD,		/* a kernel thread: refused, the OOM killer never picks one */
	OOMADJ_ZOMBIE,		/* exited, not yet reaped: refused, it holds no memory */
	OOMADJ_DENIED_LOWER,	/* EACCES on the write: lowering needs CAP_SYS_RESOURCE */
	OOMADJ_DENIED,		/* EACCES/EPERM on open: not the caller's process, or not dumpable */
	OOMADJ_MISMATCH,	/* written, but the kernel reads back another value */
	OOMADJ_FAILED,		/* any other error: see err */
};

struct oomadj_result {
	int pid;
	char comm[PROCDIR_COMM_MAX];	/* raw bytes from stat: sanitize before showing */
	uint64_t start_ticks;		/* of the process written (or found) */
	int value;			/* asked for */
	int before, after;		/* oom_score_adj read before the write and after it */
	bool before_known, after_known;
	bool written;			/* the kernel took the write (the process may exit after) */
	enum oomadj_why why;
	int err;			/* the errno behind why; 0 when done */
};

/* Sets pid's oom_score_adj to value (OOMADJ_MIN..OOMADJ_MAX) through procfd/PID (procfd:
 * a handle of /proc, or of a fake tree in tests). With expect_start, only the process
 * started at that time is written: the interactive view passes the start time of the row
 * the user confirmed; the command line passes NULL (the process that has the pid now).
 * The start time is read through the handle before the write and again after it; the
 * value is read back. Returns 0 when done, else -errno; r says what happened either way. */
int oomadj_write(int procfd, int pid, const uint64_t *expect_start, int value,
		 struct oomadj_result *r);

/* The same on the machine's /proc. */
int oomadj_write_pid(int pid, const uint64_t *expect_start, int value, struct oomadj_result *r);

/* Why a write did not happen, or what it did, in words for the user (no pid, no comm:
 * the caller adds them, sanitized). A static string, or one built in buf. */
const char *oomadj_explain(const struct oomadj_result *r, char *buf, size_t n);

#endif
