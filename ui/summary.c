#include "summary.h"

static struct fval summary_diff(const struct fval *a, const struct fval *b)
{
	struct fval r = { .st = V_UNKNOWN };

	if (a->st == V_KNOWN && b->st == V_KNOWN) {
		r.u = a->u > b->u ? a->u - b->u : 0;
		r.st = V_KNOWN;
	}
	return r;
}

void summary_compute(const struct system *sys, struct summary *out)
{
	const struct fval *m = sys->mem;
	static const enum sys_id parts[] = { SYS_MEM_FREE, SYS_ANON_PAGES, SYS_CACHED, SYS_BUFFERS, SYS_SLAB };
	uint64_t sum = 0;

	out->used = summary_diff(&m[SYS_MEM_TOTAL], &m[SYS_MEM_AVAILABLE]);
	out->swap_used = summary_diff(&m[SYS_SWAP_TOTAL], &m[SYS_SWAP_FREE]);
	/* Cached counts shmem (tmpfs, shared anonymous) too, which only swap can move: the
	 * rest is what reclaim can drop, dirty pages once written back */
	out->cache_droppable = summary_diff(&m[SYS_CACHED], &m[SYS_SHMEM]);
	out->kernel_other = (struct fval){ .st = m[SYS_MEM_TOTAL].st };
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (m[parts[i]].st != V_KNOWN)
			out->kernel_other.st = V_UNKNOWN;
		sum += m[parts[i]].u;
	}
	if (out->kernel_other.st == V_KNOWN)
		out->kernel_other.u = m[SYS_MEM_TOTAL].u > sum ? m[SYS_MEM_TOTAL].u - sum : 0;
}

const char *summary_overcommit_mode(const struct fval *v)
{
	if (v->st != V_KNOWN)
		return "overcommit mode unknown";
	switch (v->i) {
	case 0:
		return "heuristic overcommit";
	case 1:
		return "always overcommit";
	case 2:
		return "strict: allocations fail past the limit";
	default:
		return "unknown overcommit mode";
	}
}
