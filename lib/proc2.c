#include <errno.h>
#include <stdlib.h>

#include <string.h>
#include <unistd.h>

#include <libproc2/meminfo.h>
#include <libproc2/pids.h>
#include <libproc2/vmstat.h>

#include "proc2.h"
#include "xalloc.h"

struct proc2 {
	struct pids_info *pids;
	struct meminfo_info *mem;
	struct vmstat_info *vm;
};

/* procps_pids_select takes at most this many pids a call (FILL_ID_MAX in 4.0.2) */
#define PROC2_SELECT_MAX 255

/* Order matters: PIDS_VAL takes the position in this array. */
static enum pids_item proc2_items[] = {
	PIDS_ID_PID, PIDS_ID_PPID, PIDS_ID_EUID, PIDS_STATE, PIDS_CMD, PIDS_NLWP, PIDS_TICS_BEGAN,
	PIDS_FLT_MIN, PIDS_FLT_MAJ, PIDS_VSIZE_BYTES, PIDS_RSS, PIDS_FLAGS,
};
enum proc2_rel {
	REL_PID, REL_PPID, REL_EUID, REL_STATE, REL_CMD, REL_NLWP, REL_BEGAN, REL_FLT_MIN,
	REL_FLT_MAJ, REL_VSIZE, REL_RSS, REL_FLAGS, REL_COUNT
};

struct proc2 *proc2_create(void)
{
	return xcalloc(1, sizeof(struct proc2));
}

void proc2_free(struct proc2 *p)
{
	if (!p)
		return;
	if (p->pids)
		procps_pids_unref(&p->pids);
	if (p->mem)
		procps_meminfo_unref(&p->mem);
	if (p->vm)
		procps_vmstat_unref(&p->vm);
	free(p);
}

static void proc2_task_fill(struct proc2_task *t, struct pids_stack *s, struct pids_info *info)
{
	const char *comm = PIDS_VAL(REL_CMD, str, s, info);

	memset(t, 0, sizeof *t);
	t->st.pid = PIDS_VAL(REL_PID, s_int, s, info);
	t->st.ppid = PIDS_VAL(REL_PPID, s_int, s, info);
	t->euid = PIDS_VAL(REL_EUID, u_int, s, info);
	t->st.state = PIDS_VAL(REL_STATE, s_ch, s, info);
	t->st.comm = comm ? comm : "?";	/* NULL under churn in 4.0.2 */
	t->st.comm_len = strlen(t->st.comm);
	t->st.nlwp = PIDS_VAL(REL_NLWP, s_int, s, info);
	t->st.start_ticks = PIDS_VAL(REL_BEGAN, ull_int, s, info);
	t->st.minflt = PIDS_VAL(REL_FLT_MIN, ul_int, s, info);
	t->st.majflt = PIDS_VAL(REL_FLT_MAJ, ul_int, s, info);
	t->st.vsize = PIDS_VAL(REL_VSIZE, ul_int, s, info);
	t->st.rss_pages = PIDS_VAL(REL_RSS, ul_int, s, info);
	t->st.flags = PIDS_VAL(REL_FLAGS, ul_int, s, info);
	t->comm_escaped = comm && strpbrk(comm, "?.");
}

/* Why a libproc2 call failed. Its arguments are fixed here and valid, yet 4.0.2 answers an
 * allocation that failed inside procps_pids_select (ulimit -v) with EINVAL: that is memory. */
static int proc2_errno(void)
{
	if (errno == EINVAL || errno == ENOMEM)
		return -ENOMEM;
	return errno ? -errno : -EIO;
}

int proc2_select(struct proc2 *p, const int *pids, size_t n,
		 void (*fn)(const struct proc2_task *t, void *ctx), void *ctx)
{
	struct pids_fetch *f;
	struct proc2_task t;
	int rc;

	int total = 0;

	if (!p->pids && (rc = procps_pids_new(&p->pids, proc2_items, REL_COUNT)) < 0)
		return rc;
	for (size_t done = 0; done < n; done += PROC2_SELECT_MAX) {
		size_t chunk = n - done < PROC2_SELECT_MAX ? n - done : PROC2_SELECT_MAX;

		f = procps_pids_select(p->pids, (unsigned *)pids + done, (int)chunk, PIDS_SELECT_PID);
		if (!f)
			return proc2_errno();
		for (int i = 0; i < f->counts->total; i++) {
			proc2_task_fill(&t, f->stacks[i], p->pids);
			if (t.st.pid > 0)
				fn(&t, ctx);
		}
		total += f->counts->total;
	}
	return total;
}

/* meminfo items in enum sys_id order; values are KiB */
static const enum meminfo_item proc2_mem_items[SYS_MEM_COUNT] = {
	[SYS_MEM_TOTAL] = MEMINFO_MEM_TOTAL, [SYS_MEM_FREE] = MEMINFO_MEM_FREE,
	[SYS_MEM_AVAILABLE] = MEMINFO_MEM_AVAILABLE, [SYS_BUFFERS] = MEMINFO_MEM_BUFFERS,
	[SYS_CACHED] = MEMINFO_MEM_CACHED, [SYS_SHMEM] = MEMINFO_MEM_SHARED,
	[SYS_ANON_PAGES] = MEMINFO_MEM_ANON, [SYS_MAPPED] = MEMINFO_MEM_MAPPED,
	[SYS_ACTIVE_ANON] = MEMINFO_MEM_ACTIVE_ANON, [SYS_INACTIVE_ANON] = MEMINFO_MEM_INACTIVE_ANON,
	[SYS_ACTIVE_FILE] = MEMINFO_MEM_ACTIVE_FILE, [SYS_INACTIVE_FILE] = MEMINFO_MEM_INACTIVE_FILE,
	[SYS_UNEVICTABLE] = MEMINFO_MEM_UNEVICTABLE, [SYS_MLOCKED] = MEMINFO_MEM_LOCKED,
	[SYS_DIRTY] = MEMINFO_MEM_DIRTY, [SYS_WRITEBACK] = MEMINFO_MEM_WRITEBACK,
	[SYS_SLAB] = MEMINFO_MEM_SLAB, [SYS_SRECLAIMABLE] = MEMINFO_MEM_SLAB_RECLAIM,
	[SYS_SUNRECLAIM] = MEMINFO_MEM_SLAB_UNRECLAIM, [SYS_KERNEL_STACK] = MEMINFO_MEM_KERNEL_STACK,
	[SYS_PAGE_TABLES] = MEMINFO_MEM_PAGE_TABLES, [SYS_SWAP_TOTAL] = MEMINFO_SWAP_TOTAL,
	[SYS_SWAP_FREE] = MEMINFO_SWAP_FREE, [SYS_SWAP_CACHED] = MEMINFO_SWAP_CACHED,
	[SYS_COMMITTED_AS] = MEMINFO_MEM_COMMITTED_AS, [SYS_COMMIT_LIMIT] = MEMINFO_MEM_COMMIT_LIMIT,
	[SYS_HUGE_TOTAL] = MEMINFO_MEM_HUGE_TOTAL, [SYS_HUGE_FREE] = MEMINFO_MEM_HUGE_FREE,
	[SYS_HUGE_SIZE] = MEMINFO_MEM_HUGE_SIZE, [SYS_HUGETLB] = MEMINFO_MEM_HUGETBL,
	[SYS_ANON_HUGE] = MEMINFO_MEM_HUGE_ANON,
	[SYS_PERCPU] = MEMINFO_MEM_PER_CPU, [SYS_VMALLOC_USED] = MEMINFO_MEM_VM_ALLOC_USED,
};

static const enum vmstat_item proc2_vm_items[SYSC_COUNT] = {
	[SYSC_PGFAULT] = VMSTAT_PGFAULT, [SYSC_PGMAJFAULT] = VMSTAT_PGMAJFAULT,
	[SYSC_PSWPIN] = VMSTAT_PSWPIN, [SYSC_PSWPOUT] = VMSTAT_PSWPOUT,
	[SYSC_OOM_KILL] = VMSTAT_OOM_KILL,
};

/* select, not get: get re-reads the files at most once a second, too coarse for -d 0.2 */
int proc2_system(struct proc2 *p, struct system *sys)
{
	struct meminfo_stack *ms;
	struct vmstat_stack *vs;
	int rc;

	if (!p->mem && (rc = procps_meminfo_new(&p->mem)) < 0)
		return rc;
	ms = procps_meminfo_select(p->mem, (enum meminfo_item *)proc2_mem_items, SYS_MEM_COUNT);
	for (int i = 0; i < SYS_MEM_COUNT; i++) {
		uint64_t v = ms ? MEMINFO_VAL(i, ul_int, ms, p->mem) : 0;

		sys->mem[i].st = ms ? V_KNOWN : V_UNKNOWN;
		/* HugePages_Total/Free count pages; everything else is KiB */
		sys->mem[i].u = (i == SYS_HUGE_TOTAL || i == SYS_HUGE_FREE) ? v : v * 1024;
	}
	if (!p->vm && (rc = procps_vmstat_new(&p->vm)) < 0)
		return rc;
	vs = procps_vmstat_select(p->vm, (enum vmstat_item *)proc2_vm_items, SYSC_COUNT);
	for (int i = 0; i < SYSC_COUNT; i++) {
		sys->count[i].st = vs ? V_KNOWN : V_UNKNOWN;
		sys->count[i].u = vs ? VMSTAT_VAL(i, ul_int, vs, p->vm) : 0;
	}
	return ms && vs ? 0 : -EIO;
}
