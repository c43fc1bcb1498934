/* Where the machine's memory goes: MemTotal split into parts that add up to it, each
 * from /proc/meminfo, with what meminfo does not itemise stated as "unaccounted" rather
 * than hidden. The page cache is split further into what reclaim or drop_caches could free
 * (an estimate: sysmem.clean_method says how it was made), what must be written back
 * first, what processes map, and shmem, which can only be swapped. */
#ifndef MEMTOP_SYSMEM_H
#define MEMTOP_SYSMEM_H

#include <stddef.h>

#include "model.h"

enum sysmem_part {
	SM_FREE,		/* MemFree */
	SM_FILE,		/* Buffers + Cached - Shmem: the file page cache */
	SM_FILE_DIRTY,		/*   Dirty + Writeback: written back before it can go */
	SM_FILE_MAPPED,		/*   Mapped - mapped shmem: in use by processes */
	SM_FILE_CLEAN,		/*   the rest: clean, unmapped; what drop_caches could free */
	SM_SHMEM,		/* Shmem: tmpfs, shared anonymous, POSIX and SysV shm, memfd */
	SM_SHMEM_MAPPED,	/*   mapped by processes (the sum of their Pss_Shmem) */
	SM_SHMEM_UNMAPPED,	/*   mapped by none: tmpfs files, forgotten segments */
	SM_SWAP_CACHE,		/* SwapCached */
	SM_ANON,		/* AnonPages */
	SM_SLAB_RECLAIMABLE,	/* SReclaimable */
	SM_SLAB_UNRECLAIMABLE,	/* SUnreclaim */
	SM_KERNEL_STACK,	/* KernelStack */
	SM_PAGE_TABLES,		/* PageTables */
	SM_PERCPU,		/* Percpu */
	SM_HUGETLB,		/* Hugetlb: the huge page pool, used or not */
	SM_UNACCOUNTED,		/* MemTotal minus the parts above; signed (see below) */
	SM_COUNT
};

struct sysmem_part_info {
	const char *key;	/* JSON key: "free", "file_cache", "dirty_writeback" ... */
	const char *label;	/* for text: "free", "file cache", ... */
	int parent;		/* the part it divides, or -1 for a part of MemTotal */
	const char *source;	/* where it comes from, one line */
};

extern const struct sysmem_part_info sysmem_parts[SM_COUNT];

struct sysmem {
	struct fval total;		/* MemTotal */
	/* Bytes in .u. SM_UNACCOUNTED is signed, in .i: meminfo's parts overlap slightly
	 * (a swap-cache page that is mapped is in AnonPages too), so it can be negative. A
	 * part is unknown when its meminfo figures are; the parts of MemTotal and
	 * SM_UNACCOUNTED always add up to it exactly when all are known, and each part's
	 * sub-parts to the part. */
	struct fval part[SM_COUNT];
	/* The shmem processes map: the sum of their Pss_Shmem. A process whose smaps_rollup
	 * is denied (pss_unknown counts them) adds 0 to mapped_shmem and its RssShmem (Pss <=
	 * Rss) to mapped_shmem_max, so the truth lies between the two. The file split uses
	 * the low one and the shmem split the high one: both then err on the safe side, never
	 * overstating what could be dropped or what nobody maps. */
	struct fval mapped_shmem, mapped_shmem_max;
	size_t pss_unknown;
	const char *clean_method;	/* how SM_FILE_CLEAN was estimated, one sentence */

	/* The same pages summed another way, for one-line summaries and the view's bar. */
	struct fval used;		/* MemTotal - MemAvailable */
	struct fval swap_used;		/* SwapTotal - SwapFree */
	struct fval slab;		/* SReclaimable + SUnreclaim */
	struct fval reclaimable_cache;	/* Cached - Shmem: the file cache without Buffers
					   (JSON's system.mem.reclaimable_cache; + Buffers it
					   is SM_FILE) */
	struct fval kernel_rest;	/* MemTotal - free - anon - file cache - shmem - slab:
					   kernel stacks, page tables, per-cpu, huge pages, swap
					   cache and what meminfo does not itemise */
};

/* Computes the breakdown from every process of snap (snap->all). With Pss_Shmem
 * (SRC_ROLLUP) and RssShmem (SRC_STATUS) read for each, the shmem processes map is known;
 * without, it is unknown, the shmem split too, and the clean estimate subtracts all of
 * Mapped, which errs low (clean_method says so). */
void sysmem_compute(const struct snapshot *snap, struct sysmem *sm);

/* vm.overcommit_memory in a few words: "heuristic overcommit: CommitLimit not enforced". */
const char *sysmem_overcommit_short(const struct fval *mode);

#endif
