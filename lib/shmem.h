/* Shmem attribution: which processes map which shared memory objects, and which objects
 * nobody maps. Shmem (tmpfs, POSIX and SysV shm, memfd, shared anonymous memory) sits in
 * the page cache but cannot be dropped: a forgotten /dev/shm file or an orphaned SysV
 * segment holds its memory until someone removes it. Objects come from the /dev/shm tree
 * (stat), /proc/sysvipc/shm, and the processes' maps (their smaps only for processes that
 * map some shmem); tmpfs mounts and their use from /proc/self/mountinfo and statvfs(). */
#ifndef MEMTOP_SHMEM_H
#define MEMTOP_SHMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum shmem_kind {
	SHMEM_POSIX,		/* a file in /dev/shm (shm_open) */
	SHMEM_TMPFS,		/* a mapped file on another tmpfs mount */
	SHMEM_MEMFD,		/* memfd_create(): "/memfd:NAME (deleted)" in maps */
	SHMEM_SYSV,		/* System V segment: /proc/sysvipc/shm, "/SYSV%08x" in maps */
	SHMEM_ANON,		/* MAP_SHARED|MAP_ANONYMOUS: "/dev/zero (deleted)", "[anon_shmem:NAME]" */
	SHMEM_KIND_COUNT
};

/* "posix" "tmpfs" "memfd" "sysv" "anon"; "?" outside the enum. */
const char *shmem_kind_name(enum shmem_kind k);

/* Which kind of shmem a mapping is, from its maps line: path (decoded, " (deleted)"
 * stripped), whether it was deleted, perms, and whether its device is a tmpfs mount's
 * (posix: that mount is /dev/shm). Returns the kind, or -1 when it is not shmem. */
int shmem_kind_of(const char *path, size_t len, bool deleted, const char *perms, bool on_tmpfs,
		  bool posix);

/* One line of /proc/sysvipc/shm. Columns are found by the header's names: kernels before
 * 4.x have no rss and swap (left unknown). */
struct shmem_sysv {
	uint32_t key;			/* printed signed: 0xdeadbeef is -559038737 */
	int shmid;
	unsigned mode;			/* perms, octal in the file */
	uint64_t size;
	int cpid, lpid;			/* creator, last shmat/shmdt */
	uint64_t nattch;		/* attachments: 0 means no process maps it */
	uint32_t uid;
	struct fval rss, swap;		/* bytes */
};

/* Calls cb for each well-formed segment line (non-zero from cb stops and is returned).
 * Returns the number of malformed lines skipped (0 normally), or -EINVAL when the header
 * is missing or lacks key, shmid, size or nattch. */
int shmem_parse_sysv(const char *buf, size_t len,
		     int (*cb)(const struct shmem_sysv *seg, void *ctx), void *ctx);

struct shmem_user {
	const struct proc *p;		/* borrowed from the snapshot */
	unsigned nmaps;			/* mappings of the object in this process */
	uint64_t size;			/* their virtual size */
	struct fval rss, pss, swap_pss;	/* from smaps; unknown when only maps could be read */
};

struct shmem_object {
	enum shmem_kind kind;
	char *name;			/* raw bytes: "/dev/shm/x", "memfd:x", "SYSV1234abcd", "" */
	size_t name_len;
	unsigned dev_major, dev_minor;
	uint64_t inode;			/* SysV: the shmid */
	bool deleted;			/* unlinked (a memfd always is) but still mapped */
	struct fval size;		/* apparent size: st_size, the segment's size, or for memfd
					   and shared anonymous the largest mapping of it */
	struct fval used;		/* memory it holds, RAM + swap: st_blocks x 512 for files,
					   rss + swap of a segment; for memfd and shared anonymous
					   the Pss + SwapPss of its mappings (pages nobody maps are
					   not seen) */
	struct shmem_user *users;
	size_t nusers;
	bool attributed;		/* a process maps it (SysV: nattch > 0, even when the
					   attached processes could not be read) */
	/* SysV only */
	uint32_t key;
	uint64_t nattch;
	int cpid, lpid;
	uint32_t uid;
};

struct shmem_mount {
	char *mountpoint;		/* raw bytes */
	unsigned dev_major, dev_minor;
	struct fval size, used, avail;	/* statvfs(): bytes */
};

struct shmem_report {
	struct shmem_object *objects;	/* unattributed first, then by used, largest first */
	size_t nobjects;
	struct shmem_mount *mounts;	/* tmpfs mounts, the one on top where mounts are stacked */
	size_t nmounts;
	uint64_t unattributed;		/* bytes used by the objects nobody maps */
	size_t nunattributed;
	size_t unreadable;		/* processes whose maps could not be read: an object shown
					   as unattributed may be theirs */
	bool sysv_known;		/* /proc/sysvipc/shm was read */
	bool truncated;			/* the /dev/shm tree was larger than memtop walks */
	struct shmem_private *priv;
};

/* The real machine: /proc, /proc/self/mountinfo, /dev/shm. NULL (errno set) when /proc
 * cannot be opened. */
struct shmem_report *shmem_report_create(void);

/* Over another tree (tests): procfd a handle of a /proc-like directory (PID/stat, PID/maps,
 * PID/smaps, sysvipc/shm), mountinfo the text naming the tmpfs mounts, posix_dir the
 * mount point that stands for /dev/shm. */
struct shmem_report *shmem_report_create_at(int procfd, const char *mountinfo, size_t len,
					    const char *posix_dir);

void shmem_report_free(struct shmem_report *r);

/* Recomputes the report. snap should hold every process (no selection): an object mapped
 * only by a process left out would look unattributed. Keeps pointers to snap's processes
 * (valid until the sampler's next refresh). Reads every process's maps (about 33 ms per
 * 1,000 processes) and the smaps of those that map shmem: an interactive view should call
 * it only while the figures are shown. Returns 0. */
int shmem_report_update(struct shmem_report *r, const struct snapshot *snap);

#endif
