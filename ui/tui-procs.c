/* The process list: the snapshot's processes in the view's order, flat, as a tree (t) or as
 * groups (g), with a totals line; ui/tui-table.c draws it. Expensive figures are read only
 * for the rows on screen (design.md tiers): the refresh reads what the sort needs for every
 * process, and what the sums need when the rows are subtrees or groups. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "tui.h"
#include "xalloc.h"

#define PROCS_HINTS "F1 help  / filter  F3 search  < > sort  t tree  g group  Enter detail  O OOM  S system  " \
	"u user  f columns  k signal  Z pause  W save  q quit"

static int procs_top_row(void)
{
	return tui_header_height() + tui_table_title_height();
}

/* Rows of processes or groups: the screen less the header, the titles, the totals line and
 * the bottom line. */
static int procs_rows(void)
{
	int h = LINES - procs_top_row() - 2;

	return h > 0 ? h : 0;
}

/* Sums need their columns' figures for every process: a tree's and groups' all of them; the
 * flat list's totals line the cheap ones (stat, status), its costly sums (PSS, USS: a page
 * table walk each) being complete only when the sort reads them anyway (the default). */
static unsigned procs_summed_need(const struct tui *t)
{
	unsigned need = 0;

	for (int i = 0; i < t->view.ncols; i++) {
		if (group_summed(t->view.cols[i]))
			need |= fields[t->view.cols[i]].src;
	}
	return t->view.tree || t->view.grouped ? need : need & (SRC_STAT | SRC_STATUS);
}

static unsigned procs_need(const struct tui *t)
{
	/* every process: what sorting and the sums need; the other shown columns (the
	 * command line too) are read for the rows on screen only, in procs_prepare */
	unsigned need = SRC_STAT | fields[t->view.sort].src | procs_summed_need(t);

	if (t->filter || t->search.f)
		need |= SRC_CMDLINE;	/* the filter and the search match command lines too */
	return need;
}

/* While the filter is typed, rows come from every process: each needs what a row needs. */
unsigned tui_procs_need_all(const struct tui *t)
{
	return t->previewing && tui_top(t)->id == TS_LIST ? procs_need(t) | SRC_CMDLINE : 0;
}

static unsigned procs_parts(const struct tui *t)
{
	return t->view.grouped && t->view.group_by == GROUP_CGROUP ? SNAP_CGROUPS : 0;
}

/* The processes the list is made of: the snapshot's selection, or while a filter is typed,
 * every process the typed pattern selects with the other choices (-p, u, K). */
static size_t procs_collect(struct tui *t)
{
	struct tui_procs *ps = &t->procs;
	const struct snapshot *snap = t->snap;
	size_t n = 0;

	if (ps->caprows < snap->ntotal) {
		ps->caprows = snap->ntotal;
		ps->rows = xreallocarray(ps->rows, ps->caprows ? ps->caprows : 1, sizeof *ps->rows);
	}
	if (!t->previewing) {
		if (snap->nprocs)
			memcpy(ps->rows, snap->procs, snap->nprocs * sizeof *ps->rows);
		return snap->nprocs;
	}
	for (size_t i = 0; i < snap->ntotal; i++) {
		if (tui_preview_selects(t, snap->all[i]))
			ps->rows[n++] = snap->all[i];
	}
	return n;
}

static bool procs_folded(const struct tui_procs *ps, const struct proc *p)
{
	for (size_t i = 0; i < ps->nfolded; i++) {
		if (ps->folded[i].pid == p->pid && ps->folded[i].start_ticks == p->start_ticks)
			return true;
	}
	return false;
}

/* The tree's nodes listed: a folded subtree by its top row alone. */
static void procs_shown(struct tui_procs *ps)
{
	const struct tree *f = &ps->forest;

	if (ps->capshown < f->n) {
		ps->capshown = f->n;
		ps->shown = xreallocarray(ps->shown, ps->capshown, sizeof *ps->shown);
	}
	ps->nshown = 0;
	for (size_t i = 0; i < f->n;) {
		ps->shown[ps->nshown++] = i;
		i = procs_folded(ps, f->nodes[i].p) ? tree_next_sibling_or_after(f, i) : i + 1;
	}
}

size_t tui_procs_count(const struct tui *t)
{
	const struct tui_procs *ps = &t->procs;

	if (t->view.grouped)
		return ps->groups.n;
	return t->view.tree ? ps->nshown : ps->nrows;
}

const struct proc *tui_procs_row(const struct tui *t, size_t k)
{
	const struct tui_procs *ps = &t->procs;

	if (t->view.grouped || k >= tui_procs_count(t))
		return NULL;
	return t->view.tree ? ps->forest.nodes[ps->shown[k]].p : ps->rows[k];
}

const struct group *tui_procs_group_row(const struct tui *t, size_t k)
{
	return t->view.grouped && k < t->procs.groups.n ? &t->procs.groups.g[k] : NULL;
}

/* The selection follows its process (or group) to wherever it is now. */
static void procs_follow(struct tui *t)
{
	struct tui_procs *ps = &t->procs;
	size_t n = tui_procs_count(t);

	tui_list_set_count(&ps->list, n);
	for (size_t i = 0; i < n; i++) {
		const struct proc *p = tui_procs_row(t, i);
		const struct group *g = tui_procs_group_row(t, i);

		if ((p && ps->sel_pid && p->pid == ps->sel_pid && p->start_ticks == ps->sel_start) ||
		    (g && ps->sel_key[0] && strcmp(g->key, ps->sel_key) == 0)) {
			tui_list_select(&ps->list, i);
			break;
		}
	}
}

static void procs_remember(struct tui *t)
{
	struct tui_procs *ps = &t->procs;
	const struct proc *p = tui_procs_row(t, ps->list.sel);
	const struct group *g = tui_procs_group_row(t, ps->list.sel);

	if (p) {
		ps->sel_pid = p->pid;
		ps->sel_start = p->start_ticks;
	}
	if (g)
		snprintf(ps->sel_key, sizeof ps->sel_key, "%s", g->key);
}

/* The rows in the view's order, then the tree or the groups made of them, and the totals:
 * arrays of the view's own (the snapshot is read-only). */
void tui_procs_rebuild(struct tui *t)
{
	struct tui_procs *ps = &t->procs;

	ps->nrows = procs_collect(t);
	proc_sort(ps->rows, ps->nrows, t->view.sort, t->view.ascending);
	if (t->view.tree && !t->view.grouped) {
		tree_build(&ps->forest, ps->rows, ps->nrows, t->view.cols, t->view.ncols, t->view.sort,
			   t->view.ascending);
		procs_shown(ps);
	}
	if (t->view.grouped) {
		group_compute(&ps->groups, t->view.group_by, ps->rows, ps->nrows, t->snap->cgroups);
		group_sort(&ps->groups, t->view.sort);
		for (size_t i = 0, n = ps->groups.n; t->view.ascending && group_summed(t->view.sort) && i < n / 2; i++) {
			struct group g = ps->groups.g[i];

			ps->groups.g[i] = ps->groups.g[n - 1 - i];
			ps->groups.g[n - 1 - i] = g;
		}
	}
	group_total(&ps->total, ps->rows, ps->nrows);
	procs_follow(t);
}

static void procs_sampled(struct tui *t)
{
	tui_procs_rebuild(t);
}

/* Tier 2/3 for the rows about to be shown; the sampler skips what it already has. Sums
 * change with what was read: they are made again. */
static void procs_prepare(struct tui *t)
{
	struct tui_procs *ps = &t->procs;
	/* the trend of the rows shown, to mark leakers: their status is read for the columns */
	unsigned need = field_sources(t->view.cols, t->view.ncols) | SRC_TREND;
	double start = tui_now();

	if (ps->stale) {
		tui_procs_rebuild(t);
		ps->stale = false;
	}
	tui_list_set_height(&ps->list, procs_rows());
	tui_list_set_count(&ps->list, tui_procs_count(t));
	tui_search_pending(t);
	if (!t->view.grouped) {
		for (int i = 0; i < ps->list.height && ps->list.top + (size_t)i < tui_procs_count(t); i++)
			source_fill(t->source, tui_procs_row(t, ps->list.top + (size_t)i), need);
	}
	t->fill_seconds += tui_now() - start;
	procs_remember(t);
	if (t->view.tree || t->view.grouped) {
		tui_procs_rebuild(t);
		tui_list_set_height(&ps->list, procs_rows());
	}
	group_total(&ps->total, ps->rows, ps->nrows);	/* with the figures just read */
}

static void procs_draw(struct tui *t)
{
	tui_header_draw(t);
	tui_table_draw(t, tui_header_height(), procs_rows());
	tui_draw_status(t, PROCS_HINTS);
}

static struct tui_list *procs_list(struct tui *t)
{
	return &t->procs.list;
}

static void procs_moved(struct tui *t, int key)
{
	procs_remember(t);
}

unsigned tui_procs_sort_by(struct tui *t, enum field_id id)
{
	if (t->view.sort == id) {
		if (!field_is_numeric(id))
			return TR_NONE;
		t->view.ascending = !t->view.ascending;
	} else {
		t->view.sort = id;
		t->view.ascending = false;
	}
	return TR_RESORT;
}

/* `<` `>`: the sort moves to the next shown column, as in top. */
unsigned tui_procs_move_sort(struct tui *t, int step)
{
	int cur = -1;

	for (int i = 0; i < t->view.ncols; i++) {
		if (t->view.cols[i] == t->view.sort)
			cur = i;
	}
	if (cur < 0)
		cur = step > 0 ? -1 : t->view.ncols;
	cur += step;
	if (cur < 0 || cur >= t->view.ncols)
		return TR_NONE;
	t->view.sort = t->view.cols[cur];
	t->view.ascending = false;
	return TR_RESORT;
}

const struct proc *tui_procs_selected(struct tui *t)
{
	if (tui_top(t)->id == TS_DETAIL)
		return t->detail.p;
	if (!t->snap)
		return NULL;
	return tui_procs_row(t, t->procs.list.sel);
}

void tui_procs_restart(struct tui *t)
{
	t->procs.list.sel = t->procs.list.top = 0;
	t->procs.sel_pid = 0;
	t->procs.sel_key[0] = '\0';
}

/* t, F5: the tree and back; the sums it shows need every process's figures (a sample). */
unsigned tui_procs_tree(struct tui *t, int key)
{
	t->view.tree = t->view.grouped || !t->view.tree;
	t->view.grouped = false;
	tui_message(t, false, "%s", t->view.tree ? "tree: sizes are each process's with its descendants'" : "tree off");
	return TR_RESORT;
}

/* - folds the selected process's subtree into its row, + unfolds it. */
unsigned tui_procs_fold(struct tui *t, int key)
{
	struct tui_procs *ps = &t->procs;
	const struct proc *p = tui_procs_row(t, ps->list.sel);
	bool fold = key == '-';

	if (!t->view.tree || t->view.grouped) {
		tui_message(t, true, "%c folds a subtree of the tree view: t shows it", key);
		return TR_REDRAW;
	}
	if (!p || procs_folded(ps, p) == fold)
		return TR_NONE;
	if (fold) {
		ps->folded = xreallocarray(ps->folded, ps->nfolded + 1, sizeof *ps->folded);
		ps->folded[ps->nfolded++] = (struct tui_fold){ p->pid, p->start_ticks };
	} else {
		for (size_t i = 0; i < ps->nfolded; i++) {
			if (ps->folded[i].pid == p->pid && ps->folded[i].start_ticks == p->start_ticks)
				ps->folded[i] = ps->folded[--ps->nfolded];
		}
	}
	return TR_RESORT;
}

/* g: no groups, by user, by command name, by memory cgroup, and round again. */
unsigned tui_procs_group(struct tui *t, int key)
{
	struct tui_procs *ps = &t->procs;

	if (!t->view.grouped) {
		t->view.grouped = true;
		t->view.group_by = GROUP_USER;
	} else if (t->view.group_by + 1 < GROUP_BY_COUNT) {
		t->view.group_by++;
	} else {
		t->view.grouped = false;
	}
	ps->list.sel = ps->list.top = 0;
	ps->sel_key[0] = '\0';
	if (t->view.grouped)
		tui_message(t, false, "one row per %s", t->view.group_by == GROUP_COMM ? "command name" :
			    t->view.group_by == GROUP_CGROUP ? "memory cgroup" : "user");
	else
		tui_message(t, false, "groups off");
	return TR_SAMPLE;	/* sums need every process's figures; cgroups a part */
}

/* Left, Right: the command line (a group's key) scrolls by 8 columns. */
unsigned tui_procs_scroll(struct tui *t, int key)
{
	struct tui_procs *ps = &t->procs;
	int step = (key & ~TUI_FKEY) == KEY_LEFT ? -8 : 8;

	if (ps->hscroll + step < 0)
		return ps->hscroll ? (ps->hscroll = 0, TR_REDRAW) : TR_NONE;
	if (ps->hscroll + step > 4 * 4096)
		return TR_NONE;
	ps->hscroll += step;
	return TR_REDRAW;
}

/* A click on a row selects it; on a column title sorts by that column (again: inverts). */
static unsigned procs_click(struct tui *t, int y, int x)
{
	struct tui_procs *ps = &t->procs;
	size_t k;

	if (ps->table_y < 0)
		return TR_NONE;
	if (y == ps->table_y - 1) {
		for (int i = 0; i < ps->ncol_x; i++) {
			if (x >= ps->col_x[i] && x < ps->col_x[i + 1])
				return tui_procs_sort_by(t, ps->col_id[i]);
		}
		return TR_NONE;
	}
	k = ps->list.top + (size_t)(y - ps->table_y);
	if (y < ps->table_y || y >= ps->table_y + ps->list.height || k >= tui_procs_count(t))
		return TR_NONE;
	tui_list_select(&ps->list, k);
	procs_remember(t);
	return TR_REDRAW;
}

static void procs_open(struct tui *t)
{
	t->procs.table_y = -1;
}

const struct tui_screen tui_procs_screen = {
	.id = TS_LIST,
	.name = "Process list",
	.need = procs_need,
	.parts = procs_parts,
	.open = procs_open,
	.sampled = procs_sampled,
	.prepare = procs_prepare,
	.draw = procs_draw,
	.list = procs_list,
	.moved = procs_moved,
	.click = procs_click,
};
