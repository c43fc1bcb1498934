#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oom.h"
#include "xalloc.h"

#define OOM_ADJ_MIN (-1000)

struct oom_report *oom_report_create(void)
{
	struct oom_report *r = xcalloc(1, sizeof *r);
	long page = sysconf(_SC_PAGESIZE);

	r->page_size = page > 0 ? (uint64_t)page : 4096;
	return r;
}

static void oom_cgroups_clear(struct oom_report *r)
{
	for (size_t i = 0; i < r->nlimited; i++) {
		free(r->cgroups[i].order);
		free(r->cgroups[i].points);
	}
	r->nlimited = 0;
}

void oom_report_free(struct oom_report *r)
{
	if (!r)
		return;
	oom_cgroups_clear(r);
	free(r->cgroups);
	free(r->entries);
	free(r);
}

/* ---- badness ---- */

static bool oom_known(const struct proc *p, enum field_id id)
{
	return p->f[id].st == V_KNOWN;
}

bool oom_badness_of(const struct proc *p, uint64_t totalpages, uint64_t page_size,
		    struct oom_badness *b)
{
	int64_t adj = oom_known(p, FLD_OOM_ADJ) ? p->f[FLD_OOM_ADJ].i : 0;
	uint64_t pages;

	memset(b, 0, sizeof *b);
	if (!oom_known(p, FLD_ANON) || !oom_known(p, FLD_FILE) || !oom_known(p, FLD_SHMEM) ||
	    !oom_known(p, FLD_SWAP) || !oom_known(p, FLD_PTE) || !oom_known(p, FLD_OOM_ADJ))
		return false;
	b->anon = p->f[FLD_ANON].u;
	b->file = p->f[FLD_FILE].u;
	b->shmem = p->f[FLD_SHMEM].u;
	b->rss = b->anon + b->file + b->shmem;
	b->swap = p->f[FLD_SWAP].u;
	b->page_tables = p->f[FLD_PTE].u;
	/* mm_pgtables_bytes(mm) / PAGE_SIZE: page tables count in whole pages */
	pages = (b->rss + b->swap) / page_size + b->page_tables / page_size;
	b->adj = adj * (int64_t)(totalpages / 1000) * (int64_t)page_size;
	b->total = (int64_t)(pages * page_size) + b->adj;
	return true;
}

int oom_score_from_points(int64_t points, uint64_t totalpages)
{
	if (totalpages == 0)
		return -1;
	/* fs/proc/base.c proc_oom_score(): long arithmetic, truncating */
	return (int)((1000 + points * 1000 / (int64_t)totalpages) * 2 / 3);
}

bool oom_kernel_new_scale(const char *release)
{
	unsigned major = 0, minor = 0;

	if (sscanf(release, "%u.%u", &major, &minor) != 2)
		return true;	/* unknown: assume a current kernel */
	return major > 5 || (major == 5 && minor >= 9);
}

static enum oom_why oom_why_not(const struct proc *p, bool new_scale)
{
	bool score_known = oom_known(p, FLD_OOM);

	if (p->kernel_thread)
		return OOM_WHY_KTHREAD;
	if (!proc_has_mm(p) || p->f[FLD_RSS].st == V_NA)
		return OOM_WHY_NO_MM;
	if (p->pid == 1 && (!score_known || p->f[FLD_OOM].i == 0))
		return OOM_WHY_INIT;	/* a container's pid 1 has a score and can be killed */
	if (new_scale && score_known && p->f[FLD_OOM].i == 0 &&
	    !(oom_known(p, FLD_OOM_ADJ) && p->f[FLD_OOM_ADJ].i == OOM_ADJ_MIN))
		return OOM_WHY_KERNEL;	/* on this scale 0 only means "not eligible" */
	return OOM_WHY_NONE;
}

/* Points from the kernel's oom_score when status could not be read: the inverse of
 * (1000 + points * 1000 / totalpages) * 2 / 3, good to a few pages in a thousand. */
static int64_t oom_points_from_score(int64_t score, uint64_t totalpages, bool new_scale)
{
	int64_t per_mille = new_scale ? score * 3 / 2 - 1000 : score;

	return per_mille * (int64_t)totalpages / 1000;
}

static void oom_entry_fill(const struct oom_report *r, struct oom_entry *e, const struct proc *p)
{
	memset(e, 0, sizeof *e);
	e->p = p;
	e->cgroup = e->limited = -1;
	e->score_calc = -1;
	e->why = oom_why_not(p, r->new_scale);
	if (e->why != OOM_WHY_NONE)
		e->cls = OOM_INELIGIBLE;
	else if (oom_known(p, FLD_OOM_ADJ) && p->f[FLD_OOM_ADJ].i == OOM_ADJ_MIN)
		e->cls = OOM_IMMUNE;
	else
		e->cls = OOM_ELIGIBLE;
	e->known = oom_badness_of(p, r->totalpages, r->page_size, &e->b);
	if (e->known) {
		e->points = e->b.total / (int64_t)r->page_size;
		if (r->new_scale && e->cls == OOM_ELIGIBLE)
			e->score_calc = oom_score_from_points(e->points, r->totalpages);
	} else if (oom_known(p, FLD_OOM)) {
		e->points = oom_points_from_score(p->f[FLD_OOM].i, r->totalpages, r->new_scale);
	}
}

/* The kernel's select_bad_process() walks the task list (oldest first) and a later task
 * with equal points replaces the one chosen: among equals, the youngest goes first. */
static int oom_entry_cmp(const void *a, const void *b)
{
	const struct oom_entry *x = a, *y = b;

	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	if (x->cls != OOM_ELIGIBLE)
		return (x->p->pid > y->p->pid) - (x->p->pid < y->p->pid);
	if (x->points != y->points)
		return x->points > y->points ? -1 : 1;
	if (x->p->start_ticks != y->p->start_ticks)
		return x->p->start_ticks > y->p->start_ticks ? -1 : 1;
	return (x->p->pid < y->p->pid) - (x->p->pid > y->p->pid);
}

static void oom_entries(struct oom_report *r, const struct snapshot *snap)
{
	if (r->capentries < snap->ntotal) {
		r->capentries = snap->ntotal;
		r->entries = xreallocarray(r->entries, r->capentries, sizeof *r->entries);
	}
	r->nentries = snap->ntotal;
	r->neligible = r->nimmune = 0;
	for (size_t i = 0; i < snap->ntotal; i++) {
		oom_entry_fill(r, &r->entries[i], snap->all[i]);
		r->neligible += r->entries[i].cls == OOM_ELIGIBLE;
		r->nimmune += r->entries[i].cls == OOM_IMMUNE;
	}
	if (r->nentries > 1)	/* qsort() must not see a NULL array, even empty */
		qsort(r->entries, r->nentries, sizeof *r->entries, oom_entry_cmp);
	for (size_t i = 0; i < r->neligible; i++)
		r->entries[i].rank = i + 1;
}

/* ---- cgroups ---- */

static uint64_t oom_cgroup_totalpages(const struct oom_report *r, const struct cgroup_node *c,
				      const struct system *sys)
{
	uint64_t swap = sys->mem[SYS_SWAP_TOTAL].st == V_KNOWN ? sys->mem[SYS_SWAP_TOTAL].u : 0;
	const struct fval *sw = r->cgset->layout.memory == CGROUP_V1 ? &c->mem.swappiness
								     : &sys->knob[KNOB_SWAPPINESS];

	/* mem_cgroup_get_max(): the limit, plus the swap it may use unless swappiness is 0 */
	if (sw->st == V_KNOWN && sw->u == 0)
		swap = 0;
	else if (c->mem.swap_limit.st == V_KNOWN && c->mem.swap_limit.u < swap)
		swap = c->mem.swap_limit.u;
	return (c->mem.limit.u + swap) / r->page_size;
}

struct oom_member_ctx {
	const struct oom_report *r;
	const int64_t *points;
};

static int oom_member_cmp(const void *a, const void *b, void *arg)
{
	const struct oom_member_ctx *m = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (m->points[i] != m->points[j])
		return m->points[i] > m->points[j] ? -1 : 1;
	return oom_entry_cmp(&m->r->entries[i], &m->r->entries[j]);
}

/* A memcg OOM weighs the adj term on the cgroup's scale, so its order may differ from the
 * machine's: it is computed again for each limited cgroup. */
static void oom_cgroup_order(struct oom_report *r, struct oom_cgroup *c, int64_t *points)
{
	struct oom_member_ctx m = { r, points };
	int ci = c->node;
	size_t cap = 0;

	for (size_t i = 0; i < r->neligible; i++) {
		struct oom_entry *e = &r->entries[i];
		int g = e->cgroup;
		struct oom_badness b;

		while (g >= 0 && g != ci)
			g = r->cgset->nodes[g].parent;
		if (g != ci)
			continue;
		if (c->norder == cap) {
			cap = cap ? cap * 2 : 16;
			c->order = xreallocarray(c->order, cap, sizeof *c->order);
		}
		c->order[c->norder++] = i;
		points[i] = e->points;
		if (oom_badness_of(e->p, c->totalpages, r->page_size, &b))
			points[i] = b.total / (int64_t)r->page_size;
	}
	if (c->norder > 1)
		qsort_r(c->order, c->norder, sizeof *c->order, oom_member_cmp, &m);
	c->points = xreallocarray(NULL, c->norder ? c->norder : 1, sizeof *c->points);
	for (size_t k = 0; k < c->norder; k++)
		c->points[k] = points[c->order[k]];
}

static void oom_cgroups(struct oom_report *r, const struct snapshot *snap)
{
	const struct cgroup_set *cs = r->cgset;
	int64_t *points;

	oom_cgroups_clear(r);
	if (!cs)
		return;
	for (size_t i = 0; i < r->nentries; i++) {
		struct oom_entry *e = &r->entries[i];

		if (e->cls != OOM_INELIGIBLE && e->p->cgroup >= 0 && (size_t)e->p->cgroup < cs->n) {
			e->cgroup = e->p->cgroup;
			e->limited = cgroup_set_limited(cs, e->cgroup);
		}
	}
	points = xreallocarray(NULL, r->nentries ? r->nentries : 1, sizeof *points);
	for (size_t i = 0; i < cs->n; i++) {
		struct oom_cgroup *c;

		if (cs->nodes[i].mem.limit.st != V_KNOWN)
			continue;
		if (r->nlimited == r->caplimited) {
			r->caplimited = r->caplimited ? r->caplimited * 2 : 8;
			r->cgroups = xreallocarray(r->cgroups, r->caplimited, sizeof *r->cgroups);
		}
		c = &r->cgroups[r->nlimited++];
		memset(c, 0, sizeof *c);
		c->cg = &cs->nodes[i];
		c->node = (int)i;
		c->totalpages = oom_cgroup_totalpages(r, c->cg, &snap->sys);
		oom_cgroup_order(r, c, points);
	}
	free(points);
}

/* ---- headroom ---- */

static void oom_headroom(struct oom_report *r, const struct system *sys)
{
	struct oom_headroom *h = &r->headroom;
	const struct fval *mode = &sys->knob[KNOB_OVERCOMMIT_MEMORY];
	const struct fval *limit = &sys->mem[SYS_COMMIT_LIMIT], *as = &sys->mem[SYS_COMMITTED_AS];

	h->available = sys->mem[SYS_MEM_AVAILABLE];
	h->swap_free = sys->mem[SYS_SWAP_FREE];
	h->overcommit = mode->st == V_KNOWN ? (int)mode->i : -1;
	h->commit_left.i = (int64_t)limit->u - (int64_t)as->u;
	h->commit_left.st = V_NA;
	if (h->overcommit == -1 || limit->st != V_KNOWN || as->st != V_KNOWN)
		h->commit_left.st = V_UNKNOWN;
	else if (h->overcommit == 2)
		h->commit_left.st = V_KNOWN;
}

int oom_report_update(struct oom_report *r, const struct snapshot *snap, const struct cgroup_set *cs)
{
	const struct system *sys = &snap->sys;

	r->cgset = cs && cs->layout.memory != CGROUP_NONE ? cs : NULL;
	r->new_scale = oom_kernel_new_scale(snap->kernel);
	r->total = 0;
	if (sys->mem[SYS_MEM_TOTAL].st == V_KNOWN)
		r->total = sys->mem[SYS_MEM_TOTAL].u +
			   (sys->mem[SYS_SWAP_TOTAL].st == V_KNOWN ? sys->mem[SYS_SWAP_TOTAL].u : 0);
	r->totalpages = r->total / r->page_size;
	oom_entries(r, snap);
	oom_cgroups(r, snap);
	oom_headroom(r, sys);
	return 0;
}

ssize_t oom_report_find(const struct oom_report *r, int pid)
{
	for (size_t i = 0; i < r->nentries; i++) {
		if (r->entries[i].p->pid == pid)
			return (ssize_t)i;
	}
	return -1;
}

const char *oom_overcommit_words(int mode)
{
	switch (mode) {
	case 0:
		return "heuristic: only requests that could never fit are refused; the OOM killer "
		       "settles the rest";
	case 1:
		return "always: every allocation succeeds; the OOM killer is the only limit";
	case 2:
		return "strict: commitments may not exceed CommitLimit; allocations fail before "
		       "any OOM kill";
	}
	return "unknown";
}

const char *oom_why_words(enum oom_why why)
{
	switch (why) {
	case OOM_WHY_KTHREAD:
		return "kernel thread";
	case OOM_WHY_INIT:
		return "init";
	case OOM_WHY_NO_MM:
		return "no memory (zombie or exiting)";
	case OOM_WHY_KERNEL:
		return "the kernel's oom_score is 0 (a vfork child sharing its parent's memory, or being reaped)";
	case OOM_WHY_NONE:
		break;
	}
	return "";
}
