/* Reading /proc files into reusable buffers. Parsers never open files; this does. */
#ifndef MEMTOP_PROCFS_H
#define MEMTOP_PROCFS_H

#include <stddef.h>
#include <sys/types.h>

struct buf {
	char *data;
	size_t len, cap;
};

void buf_free(struct buf *b);

/* The machine's /proc, opened the first time it is asked for and kept: the one place memtop
 * opens it. Returns the descriptor, or -errno (ENOENT when no procfs is mounted there is
 * the caller's to find out). */
int procfs_root(void);

/* Reads the whole file at path (relative to dirfd) into b, NUL-terminated.
 * Returns its length, or -errno (ENOENT/ESRCH when the process went away).
 * For files the kernel writes in one piece: every /proc file memtop reads whole (stat,
 * status, smaps_rollup, cmdline, oom_score, sysctls, PSI) and regular files; not smaps. */
ssize_t procfs_read(int dirfd, const char *path, struct buf *b);

/* The same from an open descriptor, from its start: a file kept open is read again
 * without open(2) and close(2). Returns the length or -errno (ESRCH once the process is
 * gone: the descriptor never reaches another process that got its pid). */
ssize_t procfs_pread(int fd, struct buf *b);

/* Reads a small file and parses one integer (/proc/sys/vm knobs, oom_score).
 * Returns 0 or -errno / -EINVAL. */
int procfs_read_int(int dirfd, const char *path, long long *out);

/* Whether n more descriptors can be opened now: one open(2) of dirfd's "." (the system's
 * file table) and n - 1 dup(2) of it (the process's limit), all closed again. Returns 0, or
 * -EMFILE / -ENFILE / -ENOMEM: without them, files that cannot be opened would look like
 * processes that exited. */
int procfs_fd_room(int dirfd, int n);

/* Reads path in chunks and hands each to fn; for files too large to hold (smaps of a
 * process with 60,000 mappings). Returns 0, -errno, or fn's non-zero result. */
int procfs_stream(int dirfd, const char *path, struct buf *chunk,
		  int (*fn)(const char *data, size_t len, void *ctx), void *ctx);

#endif
