#include <string.h>

#include "sysmem.h"

const struct sysmem_part_info sysmem_parts[SM_COUNT] = {
	[SM_FREE] = { "free", "free", -1, "MemFree" },
	[SM_FILE] = { "file_cache", "file cache", -1,
		      "Buffers + Cached - Shmem: reclaimable, some only after writeback or unmapping" },
	[SM_FILE_DIRTY] = { "dirty_writeback", "dirty or under writeback", SM_FILE,
			    "Dirty + Writeback: written to disk before it can be freed" },
	[SM_FILE_MAPPED] = { "mapped", "mapped by processes", SM_FILE,
			     "Mapped - mapped shmem: in use, reclaim unmaps it last" },
	[SM_FILE_CLEAN] = { "clean_droppable", "clean, droppable (estimate)", SM_FILE,
			    "the rest: what reclaim or drop_caches could free at once" },
	[SM_SHMEM] = { "shmem", "shmem (cannot be dropped)", -1,
		       "Shmem: tmpfs, shared anonymous, POSIX and SysV shm, memfd; only swappable" },
	[SM_SHMEM_MAPPED] = { "mapped", "mapped by processes", SM_SHMEM,
			      "the sum of every process's Pss_Shmem (RssShmem where unreadable)" },
	[SM_SHMEM_UNMAPPED] = { "unmapped", "mapped by none", SM_SHMEM,
				"the rest: tmpfs files, segments and memfds nobody maps" },
	[SM_SWAP_CACHE] = { "swap_cache", "swap cache", -1,
			    "SwapCached: pages both in RAM and in swap" },
	[SM_ANON] = { "anon", "anonymous", -1, "AnonPages: heap, stack, private writes" },
	[SM_SLAB_RECLAIMABLE] = { "slab_reclaimable", "slab, reclaimable", -1,
				  "SReclaimable: dentry and inode caches, freed under pressure" },
	[SM_SLAB_UNRECLAIMABLE] = { "slab_unreclaimable", "slab, unreclaimable", -1, "SUnreclaim" },
	[SM_KERNEL_STACK] = { "kernel_stack", "kernel stacks", -1, "KernelStack" },
	[SM_PAGE_TABLES] = { "page_tables", "page tables", -1, "PageTables" },
	[SM_PERCPU] = { "percpu", "per-cpu allocations", -1, "Percpu" },
	[SM_HUGETLB] = { "hugetlb", "huge page pool", -1,
			 "Hugetlb (or HugePages_Total x Hugepagesize): reserved, used or not" },
	[SM_UNACCOUNTED] = { "unaccounted", "unaccounted", -1,
			     "MemTotal minus the parts above: kernel memory meminfo does not "
			     "itemise (vmalloc, drivers, DMA buffers)" },
};

static void sysmem_set(struct fval *v, uint64_t x)
{
	v->u = x;
	v->st = V_KNOWN;
}

static bool sysmem_known(const struct system *sys, enum sys_id id)
{
	return sys->mem[id].st == V_KNOWN;
}

/* The sum of the meminfo figures named, or unknown when one of them is. */
static struct fval sysmem_sum(const struct system *sys, const enum sys_id *ids, size_t n)
{
	struct fval v = { .st = V_KNOWN };

	for (size_t i = 0; i < n; i++) {
		if (!sysmem_known(sys, ids[i]))
			return (struct fval){ .st = V_UNKNOWN };
		v.u += sys->mem[ids[i]].u;
	}
	return v;
}

static uint64_t sysmem_sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static uint64_t sysmem_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The shmem processes map, summed over every process of the snapshot, with its bounds. */
static void sysmem_mapped_shmem(const struct snapshot *snap, struct sysmem *sm)
{
	sm->pss_unknown = 0;
	sysmem_set(&sm->mapped_shmem, 0);
	sysmem_set(&sm->mapped_shmem_max, 0);
	if (!snap->complete) {	/* some processes were not read at all */
		sm->mapped_shmem.st = sm->mapped_shmem_max.st = V_UNKNOWN;
		return;
	}
	for (size_t i = 0; i < snap->ntotal; i++) {
		const struct fval *v = &snap->all[i]->f[FLD_PSS_SHMEM];
		const struct fval *rss = &snap->all[i]->f[FLD_SHMEM];

		if (v->st == V_KNOWN) {
			sm->mapped_shmem.u += v->u;
			sm->mapped_shmem_max.u += v->u;
		} else if (v->st == V_UNKNOWN) {
			sm->pss_unknown++;
			if (rss->st == V_KNOWN)
				sm->mapped_shmem_max.u += rss->u;
			else if (rss->st == V_UNKNOWN)
				sm->mapped_shmem_max.st = V_UNKNOWN;
		}
	}
}

static void sysmem_file_split(const struct system *sys, struct sysmem *sm)
{
	struct fval *file = &sm->part[SM_FILE];
	uint64_t dirty, mapped;

	if (file->st != V_KNOWN || !sysmem_known(sys, SYS_DIRTY) ||
	    !sysmem_known(sys, SYS_WRITEBACK) || !sysmem_known(sys, SYS_MAPPED))
		return;
	dirty = sysmem_min(sys->mem[SYS_DIRTY].u + sys->mem[SYS_WRITEBACK].u, file->u);
	mapped = sys->mem[SYS_MAPPED].u;
	if (sm->mapped_shmem.st != V_KNOWN) {
		sm->clean_method = "file cache - (Dirty + Writeback) - Mapped; Mapped also holds "
				   "mapped shmem, which could not be told apart, so it errs low";
	} else {
		mapped = sysmem_sub(mapped, sm->mapped_shmem.u);
		sm->clean_method = sm->pss_unknown ?
			"file cache - (Dirty + Writeback) - (Mapped - the shmem processes map, "
			"summed from their Pss_Shmem; processes whose smaps_rollup is unreadable "
			"count as mapping none); it errs low" :
			"file cache - (Dirty + Writeback) - (Mapped - the shmem processes map, "
			"summed from their Pss_Shmem); a page both dirty and mapped is subtracted "
			"twice, so it errs low";
	}
	mapped = sysmem_min(mapped, file->u - dirty);
	sysmem_set(&sm->part[SM_FILE_DIRTY], dirty);
	sysmem_set(&sm->part[SM_FILE_MAPPED], mapped);
	sysmem_set(&sm->part[SM_FILE_CLEAN], file->u - dirty - mapped);
}

static void sysmem_shmem_split(struct sysmem *sm)
{
	const struct fval *shmem = &sm->part[SM_SHMEM];
	uint64_t mapped;

	if (shmem->st != V_KNOWN || sm->mapped_shmem_max.st != V_KNOWN)
		return;
	mapped = sysmem_min(sm->mapped_shmem_max.u, shmem->u);
	sysmem_set(&sm->part[SM_SHMEM_MAPPED], mapped);
	sysmem_set(&sm->part[SM_SHMEM_UNMAPPED], shmem->u - mapped);
}

static struct fval sysmem_hugetlb(const struct system *sys)
{
	struct fval v = sys->mem[SYS_HUGETLB];

	/* Hugetlb (4.16+) covers every huge page size; older kernels give only the default
	 * size's pool, and libproc2 reads an absent line as 0 */
	if (sysmem_known(sys, SYS_HUGE_TOTAL) && sysmem_known(sys, SYS_HUGE_SIZE) &&
	    (v.st != V_KNOWN || v.u < sys->mem[SYS_HUGE_TOTAL].u * sys->mem[SYS_HUGE_SIZE].u))
		sysmem_set(&v, sys->mem[SYS_HUGE_TOTAL].u * sys->mem[SYS_HUGE_SIZE].u);
	return v;
}

static void sysmem_unaccounted(struct sysmem *sm)
{
	int64_t rest = (int64_t)sm->total.u;

	sm->part[SM_UNACCOUNTED].st = V_UNKNOWN;
	if (sm->total.st != V_KNOWN)
		return;
	for (int i = 0; i < SM_UNACCOUNTED; i++) {
		if (sysmem_parts[i].parent >= 0)
			continue;
		if (sm->part[i].st != V_KNOWN)
			return;
		rest -= (int64_t)sm->part[i].u;
	}
	sm->part[SM_UNACCOUNTED].i = rest;
	sm->part[SM_UNACCOUNTED].st = V_KNOWN;
}

static struct fval sysmem_diff(const struct fval *a, const struct fval *b)
{
	struct fval r = { .st = V_UNKNOWN };

	if (a->st == V_KNOWN && b->st == V_KNOWN)
		sysmem_set(&r, sysmem_sub(a->u, b->u));
	return r;
}

static void sysmem_views(const struct system *sys, struct sysmem *sm)
{
	static const int taken[] = { SM_FREE, SM_ANON, SM_FILE, SM_SHMEM };
	const struct fval *m = sys->mem;
	struct fval rest = sm->total;

	sm->used = sysmem_diff(&m[SYS_MEM_TOTAL], &m[SYS_MEM_AVAILABLE]);
	sm->swap_used = sysmem_diff(&m[SYS_SWAP_TOTAL], &m[SYS_SWAP_FREE]);
	sm->slab = sysmem_sum(sys, (const enum sys_id[]){ SYS_SRECLAIMABLE, SYS_SUNRECLAIM }, 2);
	sm->reclaimable_cache = sysmem_diff(&m[SYS_CACHED], &m[SYS_SHMEM]);
	for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
		rest = sysmem_diff(&rest, &sm->part[taken[i]]);
	sm->kernel_rest = sysmem_diff(&rest, &sm->slab);
}

const char *sysmem_overcommit_short(const struct fval *mode)
{
	if (mode->st != V_KNOWN)
		return "overcommit mode unknown";
	switch (mode->i) {
	case 0:
		return "heuristic overcommit: CommitLimit not enforced";
	case 1:
		return "always overcommit: CommitLimit not enforced";
	case 2:
		return "strict: allocations fail past CommitLimit";
	default:
		return "unknown overcommit mode";
	}
}

void sysmem_compute(const struct snapshot *snap, struct sysmem *sm)
{
	static const enum sys_id file_ids[] = { SYS_BUFFERS, SYS_CACHED };
	static const struct { enum sysmem_part part; enum sys_id id; } direct[] = {
		{ SM_FREE, SYS_MEM_FREE }, { SM_SHMEM, SYS_SHMEM }, { SM_SWAP_CACHE, SYS_SWAP_CACHED },
		{ SM_ANON, SYS_ANON_PAGES }, { SM_SLAB_RECLAIMABLE, SYS_SRECLAIMABLE },
		{ SM_SLAB_UNRECLAIMABLE, SYS_SUNRECLAIM }, { SM_KERNEL_STACK, SYS_KERNEL_STACK },
		{ SM_PAGE_TABLES, SYS_PAGE_TABLES }, { SM_PERCPU, SYS_PERCPU },
	};
	const struct system *sys = &snap->sys;

	memset(sm, 0, sizeof *sm);
	sm->clean_method = "unknown: meminfo lacks Dirty, Writeback or Mapped";
	sm->total = sys->mem[SYS_MEM_TOTAL];
	for (size_t i = 0; i < sizeof direct / sizeof direct[0]; i++)
		sm->part[direct[i].part] = sys->mem[direct[i].id];
	sm->part[SM_FILE] = sysmem_sum(sys, file_ids, 2);
	if (sm->part[SM_FILE].st == V_KNOWN && sm->part[SM_SHMEM].st == V_KNOWN)
		sm->part[SM_FILE].u = sysmem_sub(sm->part[SM_FILE].u, sm->part[SM_SHMEM].u);
	else
		sm->part[SM_FILE].st = V_UNKNOWN;
	sm->part[SM_HUGETLB] = sysmem_hugetlb(sys);
	sysmem_mapped_shmem(snap, sm);
	sysmem_file_split(sys, sm);
	sysmem_shmem_split(sm);
	sysmem_unaccounted(sm);
	sysmem_views(sys, sm);
}
