/* The process list: columns from the field registry, cells from ui/cells.c (as the text
 * report shows them), the sort column marked. Expensive figures are read only for the rows
 * on screen (design.md tiers): the refresh reads what the sort needs for everyone. */
#include <curses.h>
#include <string.h>

#include "cells.h"
#include "tui.h"
#include "xalloc.h"

#define PROCS_HINTS "F1 help  / filter  < > sort  Enter detail  O OOM  S system  u user  f columns  k signal  W save  q quit"

static int procs_top_row(void)
{
	return tui_header_height() + 1;
}

static int procs_rows(void)
{
	int h = LINES - procs_top_row() - 1;

	return h > 0 ? h : 0;
}

static unsigned procs_need(const struct tui *t)
{
	/* every process: what sorting needs; the shown columns (the command line too) are
	 * read for the rows on screen only, in procs_prepare */
	unsigned need = SRC_STAT | fields[t->view.sort].src;

	if (t->filter)
		need |= SRC_CMDLINE;	/* the filter matches command lines too */
	return need;
}

/* The rows in the view's order: an array of the view's own (the snapshot is read-only). */
static void procs_sampled(struct tui *t)
{
	struct tui_procs *ps = &t->procs;
	const struct snapshot *snap = t->snap;

	if (ps->caprows < snap->nprocs) {
		ps->caprows = snap->nprocs;
		ps->rows = xreallocarray(ps->rows, ps->caprows, sizeof *ps->rows);
	}
	if (snap->nprocs)
		memcpy(ps->rows, snap->procs, snap->nprocs * sizeof *ps->rows);
	proc_sort(ps->rows, snap->nprocs, t->view.sort, t->view.ascending);
	tui_list_set_count(&ps->list, snap->nprocs);
	for (size_t i = 0; i < snap->nprocs && ps->sel_pid; i++) {
		if (ps->rows[i]->pid == ps->sel_pid && ps->rows[i]->start_ticks == ps->sel_start) {
			tui_list_select(&ps->list, i);
			break;
		}
	}
}

/* Tier 2/3 for the rows about to be shown; the sampler skips what it already has. */
static void procs_prepare(struct tui *t)
{
	struct tui_procs *ps = &t->procs;
	unsigned need = field_sources(t->view.cols, t->view.ncols);
	double start = tui_now();

	tui_list_set_height(&ps->list, procs_rows());
	tui_list_set_count(&ps->list, t->snap->nprocs);
	for (int i = 0; i < ps->list.height && ps->list.top + (size_t)i < t->snap->nprocs; i++)
		source_fill(t->source, ps->rows[ps->list.top + (size_t)i], need);
	t->fill_seconds += tui_now() - start;
	if (ps->list.sel < t->snap->nprocs) {
		ps->sel_pid = ps->rows[ps->list.sel]->pid;
		ps->sel_start = ps->rows[ps->list.sel]->start_ticks;
	}
}

/* Widths that hold every cell on screen (units: a KiB column grows as it must); on a narrow
 * terminal columns give way to the command line (ui/cells.c). */
static void procs_widths(const struct tui *t, int *w)
{
	const struct tui_list *l = &t->procs.list;
	size_t top = l->top < t->snap->nprocs ? l->top : t->snap->nprocs;
	size_t n = t->snap->nprocs - top;
	struct cells_table ct = { t->view.cols, t->view.ncols, t->view.sort, t->view.unit,
				  t->procs.rows + top, n < (size_t)l->height ? n : (size_t)l->height,
				  (size_t)COLS, true };

	cells_layout(&ct, w);
}

static void procs_title(struct tui *t, int y, const int *w)
{
	int x = 0;

	tui_fill(y, 0, COLS, STY_COLHEAD);
	for (int i = 0; i < t->view.ncols && x < COLS; i++) {
		enum field_id id = t->view.cols[i];
		const char *h = fields[id].header;
		bool right = cell_right_aligned(id), sorted = id == t->view.sort;
		char buf[64];

		if (w[i] == CELLS_HIDDEN)
			continue;
		if (x)
			x++;
		const char *g = tui_sort_glyph(t, t->view.ascending || !field_is_numeric(id));

		if (!sorted || (int)strlen(h) >= w[i])
			g = "";
		snprintf(buf, sizeof buf, "%s%s%s", right ? g : "", h, right ? "" : g);
		x = tui_cell(y, x, w[i], buf, strlen(buf), right, sorted ? STY_SORTHEAD : STY_COLHEAD);
	}
}

static void procs_row(struct tui *t, int y, const struct proc *p, bool selected, const int *w)
{
	enum tui_style st = selected ? STY_SELECTED : STY_NORMAL;
	char buf[64];
	int x = 0;

	if (selected)
		tui_fill(y, 0, COLS, st);
	for (int i = 0; i < t->view.ncols && x < COLS; i++) {
		enum field_id id = t->view.cols[i];
		size_t len;
		const char *s;

		if (w[i] == CELLS_HIDDEN)
			continue;
		s = cell_text(buf, sizeof buf, p, id, t->view.unit, &len);
		if (x)
			x++;
		x = tui_cell(y, x, w[i], s, len, cell_right_aligned(id), st);
	}
}

static void procs_draw(struct tui *t)
{
	struct tui_procs *ps = &t->procs;
	int y = procs_top_row(), w[FLD_COUNT];

	tui_header_draw(t);
	procs_widths(t, w);
	procs_title(t, y - 1, w);
	for (int i = 0; i < ps->list.height && ps->list.top + (size_t)i < t->snap->nprocs; i++) {
		size_t k = ps->list.top + (size_t)i;

		procs_row(t, y + i, ps->rows[k], k == ps->list.sel, w);
	}
	if (t->snap->nprocs == 0)
		tui_put(y, 0, COLS, t->filter || t->by_uid ? "no process matches the filter" : "no process", STY_DIM);
	tui_draw_status(t, PROCS_HINTS);
}

static struct tui_list *procs_list(struct tui *t)
{
	return &t->procs.list;
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
	if (!t->snap || t->procs.list.sel >= t->snap->nprocs)
		return NULL;
	return t->procs.rows[t->procs.list.sel];
}

void tui_procs_restart(struct tui *t)
{
	t->procs.list.sel = t->procs.list.top = 0;
	t->procs.sel_pid = 0;
}

const struct tui_screen tui_procs_screen = {
	.id = TS_LIST,
	.name = "Process list",
	.need = procs_need,
	.sampled = procs_sampled,
	.prepare = procs_prepare,
	.draw = procs_draw,
	.list = procs_list,
};
