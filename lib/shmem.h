/* Shmem attribution: which processes map which shared memory objects, and which objects
 * nobody maps. Shmem (tmpfs, POSIX and SysV shm, memfd, shared anonymous memory) sits in
 * the page cache but cannot be dropped: a forgotten /dev/shm file or an orphaned SysV
 * segment holds its memory until someone removes it. The sampler reads the sources (the
 * /dev/shm tree, /proc/sysvipc/shm, tmpfs mounts with statvfs(), each process's shmem
 * mappings: maps, and smaps for processes that map some shmem); the report is computed
 * from them here, without reading anything. */
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

/* A file on a tmpfs: in the /dev/shm tree, or mapped by a process. */
struct shmem_file {
	char *name;			/* its path, raw bytes */
	size_t name_len;
	unsigned dev_major, dev_minor;
	uint64_t inode;
	bool posix;			/* on the mount that stands for /dev/shm */
	struct fval size, used;		/* st_size; st_blocks x 512 (pages in RAM or in swap) */
};

/* What the sampler read for the report, besides the processes' mappings. */
struct shmem_sources {
	struct shmem_file *files;
	size_t nfiles, capfiles;
	struct shmem_sysv *sysv;
	size_t nsysv, capsysv;
	struct shmem_mount *mounts;	/* tmpfs mounts, the one on top where mounts are stacked */
	size_t nmounts, capmounts;
	bool sysv_known;		/* /proc/sysvipc/shm was read */
	bool truncated;			/* the /dev/shm tree was larger than memtop walks */
	size_t unreadable;		/* processes whose maps could not be read */
};

/* The file with that device and inode, added (*added set) when not there yet. */
struct shmem_file *shmem_sources_file(struct shmem_sources *s, const char *name, size_t len,
				      unsigned major, unsigned minor, uint64_t inode, bool *added);
/* Adds a segment: a shmem_parse_sysv() callback (ctx is the sources). */
int shmem_sources_sysv(const struct shmem_sysv *seg, void *ctx);
/* The mount at mountpoint, added when not there yet. */
struct shmem_mount *shmem_sources_mount(struct shmem_sources *s, const char *mountpoint);
void shmem_sources_clear(struct shmem_sources *s);
void shmem_sources_free(struct shmem_sources *s);

struct shmem_report {
	struct shmem_object *objects;	/* unattributed first, then by used, largest first */
	size_t nobjects;
	const struct shmem_mount *mounts;	/* the sources' (borrowed) */
	size_t nmounts;
	uint64_t unattributed;		/* bytes used by the objects nobody maps */
	size_t nunattributed;
	size_t unreadable;		/* processes whose maps could not be read: an object shown
					   as unattributed may be theirs */
	bool sysv_known;		/* /proc/sysvipc/shm was read */
	bool truncated;			/* the /dev/shm tree was larger than memtop walks */
	const struct shmem_sources *sources;	/* what it was computed from (borrowed): a
						   recording keeps them */
	struct shmem_private *priv;
};

struct shmem_report *shmem_report_create(void);
void shmem_report_free(struct shmem_report *r);

/* Recomputes the report from the sources and the shmem mappings (SRC_SHMEM) of every
 * process of snap (snap->all: an object mapped only by a process left out would look
 * unattributed). Keeps pointers to snap's processes and the sources' mounts: valid while
 * they are. Returns 0. */
int shmem_report_update(struct shmem_report *r, const struct snapshot *snap,
			const struct shmem_sources *src);

#endif
