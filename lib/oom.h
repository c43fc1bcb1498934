/* The OOM lens: who the kernel's OOM killer would take, in what order, and why.
 *
 * For every process, the badness mm/oom_kill.c oom_badness() adds up, from the status
 * figures of the snapshot, in bytes: resident anon + file + shmem, swap entries, page
 * tables, and the adj term oom_score_adj x floor(totalpages / 1000) pages (the kernel
 * divides before it multiplies), where totalpages = RAM + swap. The killer takes the
 * highest total first. Memory cgroups with a limit have their own OOM, which kills inside
 * the cgroup on the cgroup's scale (its limit plus the swap it may use): their kill orders
 * are given too. Headroom says how far the machine is from either.
 *
 * Computed from a snapshot alone: every process it saw (not only the selected ones: a kill
 * order of some processes would mislead) with SRC_STATUS, SRC_OOM and SRC_CGROUP, and its
 * cgroup set. Nothing here reads the kernel. */
#ifndef MEMTOP_OOM_H
#define MEMTOP_OOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "model.h"

enum oom_class {
	OOM_ELIGIBLE,		/* the killer may pick it */
	OOM_IMMUNE,		/* oom_score_adj -1000: never picked */
	OOM_INELIGIBLE,		/* never picked, whatever its adj: see oom_why */
};

enum oom_why {
	OOM_WHY_NONE,
	OOM_WHY_KTHREAD,	/* kernel thread */
	OOM_WHY_INIT,		/* init (pid 1 of the machine: the kernel's oom_score is 0) */
	OOM_WHY_NO_MM,		/* zombie or exiting: no memory left to free */
	OOM_WHY_KERNEL,		/* the kernel's oom_score is 0: a vfork child sharing its
				   parent's memory, or a process being reaped */
};

struct oom_badness {
	uint64_t anon, file, shmem;	/* resident, bytes (RssAnon, RssFile, RssShmem) */
	uint64_t rss;			/* their sum */
	uint64_t swap;			/* swap entries (VmSwap) */
	uint64_t page_tables;		/* VmPTE */
	int64_t adj;			/* oom_score_adj x floor(totalpages / 1000) pages, in bytes */
	int64_t total;			/* rss + swap + page_tables + adj: the kernel's points in bytes */
};

struct oom_entry {
	const struct proc *p;		/* borrowed from the snapshot */
	enum oom_class cls;
	enum oom_why why;
	bool known;			/* badness known (status readable); else ranked by oom_score */
	struct oom_badness b;
	int64_t points;			/* pages: what the order sorts on (estimated when !known) */
	int score_calc;			/* the oom_score the kernel shows for these points; -1 unknown */
	size_t rank;			/* 1-based place in the kill order; 0 when not eligible */
	int cgroup;			/* its memory cgroup (a node of the snapshot's set), or -1 */
	int limited;			/* the nearest node above it (or its own) with a limit, or -1 */
};

/* A memory cgroup with a limit, and the kill order of its own OOM. */
struct oom_cgroup {
	const struct cgroup_node *cg;	/* borrowed from the snapshot's cgroup set */
	int node;			/* its index there */
	uint64_t totalpages;		/* limit + swap it may use, pages: the scale of its own OOM */
	size_t *order;			/* eligible processes under it (entries indices), its kill order */
	int64_t *points;		/* their badness on its scale, pages (same index as order) */
	size_t norder;
};

struct oom_headroom {
	struct fval available;		/* MemAvailable */
	struct fval swap_free;		/* SwapFree */
	struct fval commit_left;	/* .i = CommitLimit - Committed_AS (may be negative); V_NA
					   unless overcommit_memory is 2, the only mode enforcing it */
	int overcommit;			/* vm.overcommit_memory, -1 unknown */
};

struct oom_report {
	uint64_t page_size;
	uint64_t totalpages;		/* RAM + swap, pages */
	uint64_t total;			/* the same in bytes */
	bool new_scale;			/* oom_score is 0..2000 (kernel 5.9+), else 0..1000 */
	struct oom_entry *entries;	/* eligible in kill order, then immune, then ineligible */
	size_t nentries, neligible, nimmune;
	struct oom_cgroup *cgroups;	/* the memory cgroups with a limit */
	size_t nlimited;
	const struct cgroup_set *cgset;	/* the snapshot's, borrowed; NULL without cgroups */
	struct oom_headroom headroom;
	size_t capentries, caplimited;
};

struct oom_report *oom_report_create(void);
void oom_report_free(struct oom_report *r);

/* Recomputes the report from every process of snap (snap->all) and the cgroup set cs (NULL:
 * no memory cgroups known). It keeps pointers to both: valid while they are. A process
 * without status figures (unreadable) has its badness unknown and is placed by its
 * oom_score. Returns 0. */
int oom_report_update(struct oom_report *r, const struct snapshot *snap, const struct cgroup_set *cs);

/* Position of the process in r->entries, or -1. */
ssize_t oom_report_find(const struct oom_report *r, int pid);

/* The badness of p on a scale of totalpages pages of page_size bytes. Returns false when p's
 * status figures are not known (b is then zeroed). */
bool oom_badness_of(const struct proc *p, uint64_t totalpages, uint64_t page_size,
		    struct oom_badness *b);

/* /proc/PID/oom_score for points (pages) out of totalpages, as kernels >= 5.9 compute it. */
int oom_score_from_points(int64_t points, uint64_t totalpages);

/* Whether a kernel release ("6.18.4-...") shows oom_score on the 0..2000 scale (>= 5.9). */
bool oom_kernel_new_scale(const char *release);

/* The overcommit mode in words: "heuristic: ...". */
const char *oom_overcommit_words(int mode);

/* Why a process is not eligible, in words ("kernel thread", ...); "" for OOM_WHY_NONE. */
const char *oom_why_words(enum oom_why why);

#endif
