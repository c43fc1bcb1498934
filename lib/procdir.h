/* A process's /proc directory held open and checked against the process's start time, so
 * that what is read or written through it belongs to the process meant, never to a later
 * one that was given the same pid. An O_DIRECTORY handle of /proc/PID pins the process:
 * once it exits, every openat() through the handle fails with ESRCH even if the pid is
 * reused (reliability-anchors.md 1.8). */
#ifndef MEMTOP_PROCDIR_H
#define MEMTOP_PROCDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "procfs.h"

#define PROCDIR_PF_KTHREAD 0x00200000u	/* include/linux/sched.h */
#define PROCDIR_COMM_MAX 64		/* the kernel's comm is 15 bytes; room for odd ones */

struct procdir_stat {
	char state;			/* field 3: R S D Z T t X I ... */
	unsigned long flags;		/* field 9: PF_* */
	uint64_t start_ticks;		/* field 22: clock ticks after boot */
	char comm[PROCDIR_COMM_MAX];	/* field 2, raw bytes, NUL-terminated (cut if longer) */
};

/* Parses /proc/PID/stat text with pidstat_parse() and keeps what a write through the
 * handle checks. Returns 0, or -EINVAL when the text is not a stat line. */
int procdir_parse_stat(const char *buf, size_t len, struct procdir_stat *st);

/* Reads and parses "stat" through a /proc/PID handle. Returns 0, -ESRCH when the process
 * is gone, -EINVAL, or another -errno. */
int procdir_read_stat(int dirfd, struct buf *scratch, struct procdir_stat *st);

/* Opens procfd/PID (procfd: a handle of /proc, or of a fake tree in tests) as a directory
 * and reads its stat into st. With expect_start, the start time must match: -ESTALE when
 * the pid now belongs to another process. Returns the handle, or -ESRCH when no process has
 * the pid (ENOENT is turned into ESRCH), -ESTALE, or another -errno. */
int procdir_open(int procfd, int pid, const uint64_t *expect_start, struct buf *scratch,
		 struct procdir_stat *st);

/* The process pid belongs to, from procfd/PID/status: pid itself for a process, its
 * thread group's leader for a thread (/proc/TID of a thread reads like a process, though
 * /proc does not list it). Returns it, -ESRCH when no task has the pid, or another -errno. */
int procdir_tgid(int procfd, int pid, struct buf *scratch);

/* The first of the n pids (on the machine's /proc) that is a thread of another process, its
 * process in *tgid; -1 when none is (a pid that cannot be read is no thread: the face says
 * why). */
ssize_t procdir_first_thread(const int *pids, size_t n, int *tgid);

/* Whether the process has an address space of its own to read or change: not a kernel
 * thread, not a zombie or dead task. */
bool procdir_has_mm(const struct procdir_stat *st);

#endif
