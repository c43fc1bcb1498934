/* What every face asks of a snapshot: a process by pid, its rows in an order, whether it
 * has an address space. */
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "model.h"
#include "sample.h"

bool proc_state_has_mm(bool kernel_thread, char state)
{
	return !kernel_thread && state != 'Z' && state != 'X' && state != 'x';
}

bool proc_has_mm(const struct proc *p)
{
	return proc_state_has_mm(p->kernel_thread, p->state);
}

const struct proc *snapshot_find(const struct snapshot *snap, int pid, bool all)
{
	const struct proc *const *v = all ? snap->all : snap->procs;
	size_t n = all ? snap->ntotal : snap->nprocs;

	for (size_t i = 0; i < n; i++) {
		if (v[i]->pid == pid)
			return v[i];
	}
	return NULL;
}

/* What stands in for a figure another user's process keeps from us: the upper bound. */
enum field_id proc_sort_stand_in(enum field_id key)
{
	switch (key) {
	case FLD_PSS:
	case FLD_USS:
		return FLD_RSS;		/* USS <= PSS <= RSS */
	case FLD_SWAP_PSS:
		return FLD_SWAP;
	default:
		return key;
	}
}

bool proc_sort_estimated(const struct proc *p, enum field_id key)
{
	enum field_id by = proc_sort_stand_in(key);

	return by != key && p->f[key].st == V_UNKNOWN && p->f[by].st == V_KNOWN;
}

static const struct fval *proc_sort_value(const struct proc *p, enum field_id key)
{
	return proc_sort_estimated(p, key) ? &p->f[proc_sort_stand_in(key)] : &p->f[key];
}

static const char *proc_text(const struct proc *p, enum field_id key, char *state)
{
	switch (key) {
	case FLD_USER:
		return p->user;
	case FLD_COMM:
		return p->comm;
	case FLD_CMD:
		return p->cmdline;
	default:
		state[0] = p->state;
		state[1] = '\0';
		return state;
	}
}

static int proc_cmp(const void *a, const void *b, void *arg)
{
	const struct proc *p = *(const struct proc *const *)a, *q = *(const struct proc *const *)b;
	int key = *(const int *)arg & 0xff;
	bool asc = *(const int *)arg & 0x100;
	const struct fval *x, *y;
	int c = 0;

	if (fields[key].type == FT_STR) {
		char s1[2], s2[2];
		const char *sx = proc_text(p, key, s1), *sy = proc_text(q, key, s2);

		if (!sx || !sy)
			return sx ? -1 : sy ? 1 : p->pid - q->pid;
		c = strcmp(sx, sy);
		return c ? c : p->pid - q->pid;
	}
	x = proc_sort_value(p, key);
	y = proc_sort_value(q, key);
	if ((x->st == V_KNOWN) != (y->st == V_KNOWN))
		return x->st == V_KNOWN ? -1 : 1;	/* unknown last, whatever the order */
	if (x->st == V_KNOWN) {
		switch (fields[key].type) {
		case FT_INT:
			c = (x->i < y->i) - (x->i > y->i);
			break;
		case FT_RATE:
		case FT_SECONDS:
		case FT_BYTES_RATE:
			c = (x->d < y->d) - (x->d > y->d);
			break;
		case FT_ETA:	/* the soonest first */
			c = (x->d > y->d) - (x->d < y->d);
			break;
		default:
			c = (x->u < y->u) - (x->u > y->u);
			break;
		}
		if (asc)
			c = -c;
	}
	return c ? c : p->pid - q->pid;
}

void proc_sort(const struct proc **rows, size_t n, enum field_id key, bool ascending)
{
	int arg = key | (ascending ? 0x100 : 0);

	if (n > 1)	/* rows is NULL when nothing was sampled */
		qsort_r(rows, n, sizeof *rows, proc_cmp, &arg);
}

enum selection_verdict selection_check(const struct selection *sel, const struct proc *p, int self)
{
	if (sel->npids) {
		size_t i;

		for (i = 0; i < sel->npids && sel->pids[i] != p->pid; i++)
			;
		if (i == sel->npids)
			return SEL_NO;
	}
	if (sel->by_uid && p->uid != sel->uid)
		return SEL_NO;
	if (sel->hide_kthreads && p->kernel_thread)
		return SEL_NO;
	if (!sel->filter)
		return SEL_YES;
	if (p->pid == self && !sel->npids)
		return SEL_NO;
	return filter_match(sel->filter, p->comm, strlen(p->comm)) ? SEL_YES : SEL_CMDLINE;
}
