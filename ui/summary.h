/* The machine's memory in derived figures: what the text report, the JSON and the
 * interactive header compute from meminfo, computed in one place so they agree. */
#ifndef MEMTOP_SUMMARY_H
#define MEMTOP_SUMMARY_H

#include "model.h"

struct summary {
	struct fval used;		/* total - available */
	struct fval swap_used;		/* swap total - swap free */
	struct fval cache_droppable;	/* page cache that is not shmem: reclaim can take it */
	struct fval kernel_other;	/* what is left of total after free, anon, cache, buffers, slab */
};

/* Figures that cannot be derived stay unknown. */
void summary_compute(const struct system *sys, struct summary *out);

/* "heuristic overcommit", "always overcommit", "strict: ..." for vm.overcommit_memory. */
const char *summary_overcommit_mode(const struct fval *v);

#endif
