/* The system breakdown: its parts add up to MemTotal exactly (the rest stated as
 * unaccounted, negative when meminfo's figures overlap), each part's sub-parts to the part,
 * and the mapped shmem is bounded the safe way when some smaps_rollup is unreadable. */
#include <stdlib.h>
#include <string.h>

#include "sysmem.h"
#include "tap.h"

#define KIB 1024ull

static void set(struct system *sys, enum sys_id id, uint64_t kib)
{
	sys->mem[id] = (struct fval){ .u = kib * KIB, .st = V_KNOWN };
}

/* /proc/meminfo of this machine when the tests were written */
static void meminfo(struct system *sys)
{
	memset(sys, 0, sizeof *sys);
	set(sys, SYS_MEM_TOTAL, 24683656);
	set(sys, SYS_MEM_FREE, 21445420);
	set(sys, SYS_MEM_AVAILABLE, 21732840);
	set(sys, SYS_BUFFERS, 5064);
	set(sys, SYS_CACHED, 437236);
	set(sys, SYS_SWAP_CACHED, 0);
	set(sys, SYS_SHMEM, 8896);
	set(sys, SYS_ANON_PAGES, 2483344);
	set(sys, SYS_MAPPED, 17944);
	set(sys, SYS_DIRTY, 7040);
	set(sys, SYS_WRITEBACK, 0);
	set(sys, SYS_SRECLAIMABLE, 143796);
	set(sys, SYS_SUNRECLAIM, 56204);
	set(sys, SYS_KERNEL_STACK, 16464);
	set(sys, SYS_PAGE_TABLES, 53196);
	set(sys, SYS_PERCPU, 688);
	set(sys, SYS_HUGETLB, 0);
	sys->mem[SYS_HUGE_TOTAL] = (struct fval){ .u = 0, .st = V_KNOWN };
	set(sys, SYS_HUGE_SIZE, 2048);
}

static struct proc *proc_with(int pid, enum vstate pss_st, uint64_t pss_kib, enum vstate rss_st, uint64_t rss_kib)
{
	struct proc *p = calloc(1, sizeof *p);

	p->pid = pid;
	p->f[FLD_PSS_SHMEM] = (struct fval){ .u = pss_kib * KIB, .st = pss_st };
	p->f[FLD_SHMEM] = (struct fval){ .u = rss_kib * KIB, .st = rss_st };
	return p;
}

static int64_t sum_top(const struct sysmem *sm)
{
	int64_t s = 0;

	for (int i = 0; i < SM_COUNT; i++) {
		if (sysmem_parts[i].parent >= 0)
			continue;
		s += i == SM_UNACCOUNTED ? sm->part[i].i : (int64_t)sm->part[i].u;
	}
	return s;
}

static uint64_t sum_children(const struct sysmem *sm, int parent)
{
	uint64_t s = 0;

	for (int i = 0; i < SM_COUNT; i++)
		s += sysmem_parts[i].parent == parent ? sm->part[i].u : 0;
	return s;
}

static void test_exact(void)
{
	struct proc *procs[3] = { proc_with(1, V_KNOWN, 2000, V_KNOWN, 3000), proc_with(2, V_KNOWN, 1000, V_KNOWN, 3000),
				  proc_with(3, V_NA, 0, V_NA, 0) };
	struct snapshot snap = { .all = (const struct proc **)procs, .ntotal = 3, .complete = true };
	struct sysmem sm;

	meminfo(&snap.sys);
	sysmem_compute(&snap, &sm);
	for (int i = 0; i < SM_COUNT; i++)
		is_int(sm.part[i].st, V_KNOWN, "exact: %s known", sysmem_parts[i].key);
	is_int(sum_top(&sm), (int64_t)sm.total.u, "exact: the parts and unaccounted add up to MemTotal");
	is_u64(sm.part[SM_UNACCOUNTED].i, (24683656 - 21445420 - (5064 + 437236 - 8896) - 8896 - 2483344 - 143796 -
					   56204 - 16464 - 53196 - 688) * KIB, "exact: unaccounted is what is left");
	is_u64(sm.part[SM_FILE].u, (5064 + 437236 - 8896) * KIB, "exact: file cache = Buffers + Cached - Shmem");
	is_u64(sum_children(&sm, SM_FILE), sm.part[SM_FILE].u, "exact: the file cache's parts add up to it");
	is_u64(sm.part[SM_FILE_DIRTY].u, 7040 * KIB, "exact: dirty + writeback");
	is_u64(sm.mapped_shmem.u, 3000 * KIB, "exact: mapped shmem = the sum of Pss_Shmem");
	is_u64(sm.part[SM_FILE_MAPPED].u, (17944 - 3000) * KIB, "exact: mapped file = Mapped - mapped shmem");
	is_u64(sum_children(&sm, SM_SHMEM), sm.part[SM_SHMEM].u, "exact: the shmem's parts add up to it");
	is_u64(sm.part[SM_SHMEM_UNMAPPED].u, (8896 - 3000) * KIB, "exact: shmem mapped by none");
	ok(strstr(sm.clean_method, "Pss_Shmem") != NULL, "exact: the method names what it subtracts");
	for (int i = 0; i < 3; i++)
		free(procs[i]);
}

static void test_bounds(void)
{
	struct proc *procs[2] = { proc_with(1, V_KNOWN, 2000, V_KNOWN, 3000), proc_with(2, V_UNKNOWN, 0, V_KNOWN, 4000) };
	struct snapshot snap = { .all = (const struct proc **)procs, .ntotal = 2, .complete = true };
	struct sysmem sm;

	meminfo(&snap.sys);
	sysmem_compute(&snap, &sm);
	is_u64(sm.pss_unknown, 1, "bounds: one process's Pss_Shmem unknown");
	is_u64(sm.mapped_shmem.u, 2000 * KIB, "bounds: low: it maps none");
	is_u64(sm.mapped_shmem_max.u, 6000 * KIB, "bounds: high: all its RssShmem");
	is_u64(sm.part[SM_FILE_MAPPED].u, (17944 - 2000) * KIB, "bounds: the file split takes the low one (less droppable)");
	is_u64(sm.part[SM_SHMEM_MAPPED].u, 6000 * KIB, "bounds: the shmem split takes the high one (less unmapped)");
	is_int(sum_top(&sm), (int64_t)sm.total.u, "bounds: still adds up");
	procs[1]->f[FLD_SHMEM].st = V_UNKNOWN;
	sysmem_compute(&snap, &sm);
	is_int(sm.part[SM_SHMEM_MAPPED].st, V_UNKNOWN, "bounds: no RssShmem either: the shmem split is unknown");
	is_int(sm.part[SM_FILE_CLEAN].st, V_KNOWN, "bounds: ... the file split is still known");
	for (int i = 0; i < 2; i++)
		free(procs[i]);
}

static void test_edges(void)
{
	struct snapshot snap = { 0 };
	struct sysmem sm;

	meminfo(&snap.sys);
	set(&snap.sys, SYS_SWAP_CACHED, 100000);	/* mapped swap cache is in AnonPages too */
	set(&snap.sys, SYS_MEM_FREE, 21445420 + 100000);
	sysmem_compute(&snap, &sm);
	ok(sm.part[SM_UNACCOUNTED].i < 0, "edges: overlapping figures make unaccounted negative, not hidden");
	is_int(sum_top(&sm), (int64_t)sm.total.u, "edges: ... and it still adds up");
	meminfo(&snap.sys);
	set(&snap.sys, SYS_HUGE_TOTAL, 0);
	snap.sys.mem[SYS_HUGE_TOTAL].u = 10;	/* a count */
	sysmem_compute(&snap, &sm);
	is_u64(sm.part[SM_HUGETLB].u, 10 * 2048 * KIB, "edges: Hugetlb absent: the pool from its count and size");
	meminfo(&snap.sys);
	snap.sys.mem[SYS_DIRTY].st = V_UNKNOWN;
	sysmem_compute(&snap, &sm);
	is_int(sm.part[SM_FILE_CLEAN].st, V_UNKNOWN, "edges: no Dirty: the file split is unknown");
	is_int(sm.part[SM_UNACCOUNTED].st, V_KNOWN, "edges: ... the top parts are not");
	snap.sys.mem[SYS_ANON_PAGES].st = V_UNKNOWN;
	sysmem_compute(&snap, &sm);
	is_int(sm.part[SM_UNACCOUNTED].st, V_UNKNOWN, "edges: a top part unknown: unaccounted is too");
	snap.sys.mem[SYS_MEM_TOTAL].st = V_UNKNOWN;
	sysmem_compute(&snap, &sm);
	is_int(sm.total.st, V_UNKNOWN, "edges: no MemTotal");
}

int main(void)
{
	test_exact();
	test_bounds();
	test_edges();
	return tap_done();
}
