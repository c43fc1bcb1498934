/* Memory cgroups: where the memory controller is mounted (v2, or v1 in a hybrid layout),
 * which cgroup a process is in, and that cgroup's limit and usage. A memory cgroup OOM
 * kills inside the cgroup whose limit was hit, so these bound a process's fate too. */
#ifndef MEMTOP_CGROUP_H
#define MEMTOP_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "procfs.h"

enum cgroup_version { CGROUP_NONE, CGROUP_V1, CGROUP_V2 };

/* The hierarchy that holds the memory controller. */
struct cgroup_layout {
	enum cgroup_version memory;	/* NONE: no memory controller mounted */
	bool hybrid;			/* v1 memory controller while a v2 hierarchy is mounted too */
	char *mount;			/* its mount point (owned), NULL with NONE */
	char *root;			/* the mount's root inside the hierarchy (owned) */
};

/* Reads the layout from mountinfo text. A v1 hierarchy with the memory controller wins
 * over v2: the kernel binds a controller to one hierarchy only, and when v1 has it, v2's
 * memory.* files do not exist. */
void cgroup_layout_parse(const char *buf, size_t len, struct cgroup_layout *l);
void cgroup_layout_free(struct cgroup_layout *l);

/* "cgroup v2", "cgroup v1 (hybrid: ...)", ... for the reports. */
const char *cgroup_layout_describe(const struct cgroup_layout *l);
/* "v1", "v2" or "none", for JSON. */
const char *cgroup_version_name(enum cgroup_version v);

/* The process's memory cgroup from /proc/PID/cgroup text: with v1 the line whose
 * controller list holds "memory", with v2 the "0::" line. Sets *path (pointing into buf,
 * not NUL-terminated) and *len. Returns 0, or -ENOENT when there is no such line. */
int cgroup_parse_proc(const char *buf, size_t len, enum cgroup_version v, const char **path,
		      size_t *pathlen);

/* Where the cgroup at path (as /proc/PID/cgroup gives it) lives relative to the layout's
 * mount point: "a/b" for "/a/b" under a mount whose root is "/". NULL when the cgroup is
 * outside the mounted part of the hierarchy. Borrowed from path. */
const char *cgroup_relative(const struct cgroup_layout *l, const char *path);

struct cgroup_mem {
	struct fval limit;		/* bytes; V_NA when there is none ("max", or v1's maximum) */
	struct fval usage;		/* bytes */
	struct fval swap_limit;		/* swap the cgroup may add to its limit; V_NA: no limit */
	struct fval swappiness;		/* v1 only (memory.swappiness); v2 follows vm.swappiness */
	int oom_group;			/* v2 memory.oom.group: 1 kills the whole cgroup; -1 unknown */
	struct fval oom_kills;		/* OOM kills inside it since it was made (v2 memory.events,
					   v1 memory.oom_control oom_kill) */
};

/* Reads the figures of one cgroup through a handle of its directory. Files that are
 * missing or unreadable leave their figure unknown. */
void cgroup_read_mem(int dirfd, enum cgroup_version v, struct buf *scratch, struct cgroup_mem *m);

/* What a cgroup holds besides its usage that decides when its limit binds: the page cache
 * reclaim drops before the cgroup's OOM killer runs, and the swap it already uses. */
struct cgroup_room {
	struct fval file;		/* active_file + inactive_file (memory.stat; v1: total_*) */
	struct fval swap_used;		/* v2 memory.swap.current, v1 memsw.usage - usage */
};

/* Reads them (m: the same cgroup's figures, read before). */
void cgroup_read_room(int dirfd, enum cgroup_version v, const struct cgroup_mem *m, struct buf *scratch,
		      struct cgroup_room *r);

/* Bytes the cgroup can still take before its OOM killer runs, as MemAvailable + SwapFree
 * for the machine: the limit less the usage, plus its file pages (reclaimed first), plus
 * the swap it may still fill (its swap limit less what it uses, at most swap_free; none on
 * v1 with swappiness 0). False when it has no limit, or its usage is unknown. */
bool cgroup_headroom(const struct cgroup_mem *m, const struct cgroup_room *r, uint64_t swap_free,
		     uint64_t *room);

struct cgroup_set;

/* The least room (cgroup_headroom()) of node and its parents (a parent's limit bounds its
 * children too); rooms[i] what node i holds besides its usage (NULL: not known). False when
 * none of them has a limit. */
bool cgroup_set_headroom(const struct cgroup_set *cs, int node, const struct cgroup_room *rooms,
			 uint64_t swap_free, uint64_t *room);

/* One memory cgroup holding a process of the snapshot, or the parent of one (a parent's
 * limit bounds its children too). */
struct cgroup_node {
	char *path;			/* as /proc/PID/cgroup names it: "/system.slice/x.service" */
	int parent;			/* index, -1 for a top-level one */
	bool readable;			/* its directory could be opened */
	struct cgroup_mem mem;
};

/* The memory cgroups of a snapshot, and the layout they were found in. */
struct cgroup_set {
	struct cgroup_layout layout;
	struct cgroup_node *nodes;
	size_t n, cap;
};

/* The node of the cgroup at path (len bytes, no trailing '/'), added with its parents when
 * first seen. Returns its index. */
int cgroup_set_get(struct cgroup_set *cs, const char *path, size_t len);

/* The nearest node from i upwards with a limit (its own or a parent's), or -1. */
int cgroup_set_limited(const struct cgroup_set *cs, int i);

/* Forgets the nodes (the layout stays). */
void cgroup_set_clear(struct cgroup_set *cs);
void cgroup_set_free(struct cgroup_set *cs);

#endif
