/* The process list drawn: column titles (the sort column marked), the rows on screen (cells
 * from ui/cells.c, as the text report shows them; a tree's sizes are its subtrees' sums, a
 * group's its members'), and the totals of every row on the line under them. The command
 * line (a group's key) scrolls sideways. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "cells.h"
#include "sanitize.h"
#include "tui.h"

#define TABLE_LEVELS 64		/* tree levels drawn before a row; deeper ones are left out */

/* What one frame shows. */
struct table {
	struct tui *t;
	enum field_id cols[FLD_COUNT];
	int ncols;
	size_t top, n;		/* the rows on screen: top .. top + n */
	char label[160];	/* the totals line's text */
};

int tui_table_title_height(void)
{
	return 1;
}

static bool table_tree(const struct table *tb)
{
	return tb->t->view.tree && !tb->t->view.grouped;
}

/* Row k's sum of id when the rows are subtrees, else NULL. */
static bool table_tree_sum(const struct table *tb, size_t k, enum field_id id, struct cell_sum *out)
{
	const struct tui_procs *ps = &tb->t->procs;
	const struct tree_sum *s;
	size_t node;

	if (!table_tree(tb) || k >= ps->nshown)
		return false;
	node = ps->shown[k];
	s = tree_sum_of(&ps->forest, node, id);
	if (!s)
		return false;
	*out = (struct cell_sum){ &s->v, s->known, s->unknown, tree_age(&ps->forest, node, id) };
	return true;
}

/* The totals line's cell. */
static const char *table_total_text(const struct table *tb, enum field_id id, char *buf, size_t n, size_t *len)
{
	const struct tui_procs *ps = &tb->t->procs;

	buf[0] = '\0';
	if (id == FLD_CMD) {
		*len = strlen(tb->label);
		return tb->label;
	}
	if (tb->t->view.grouped && id == FLD_PID) {
		snprintf(buf, n, "%zu", ps->total.count);
	} else if (group_summed(id)) {
		struct cell_sum s = cell_group_sum(&ps->total, id);

		cell_sum_text(buf, n, id, &s, tb->t->view.unit);
	}
	*len = strlen(buf);
	return buf;
}

/* Cell r of the frame: r < n a row on screen, r == n the totals line. */
static const char *table_text(const void *ctx, size_t r, enum field_id id, char *buf, size_t n, size_t *len)
{
	const struct table *tb = ctx;
	size_t k = tb->top + r;
	const struct group *g = tui_procs_group_row(tb->t, k);
	struct cell_sum s;

	if (r == tb->n)
		return table_total_text(tb, id, buf, n, len);
	if (g)
		return cell_group_text(buf, n, g, id, tb->t->view.unit, len);
	if (table_tree_sum(tb, k, id, &s)) {
		cell_sum_text(buf, n, id, &s, tb->t->view.unit);
		*len = strlen(buf);
		return buf;
	}
	return cell_text(buf, n, tui_procs_row(tb->t, k), id, tb->t->view.unit, len);
}

/* "total: 312 processes", and what the sums lack: in the view a sum leaves out both what
 * could not be read and what was not read (PSS is read for the rows on screen and the sort;
 * for every process in a tree or in groups). */
static void table_label(struct table *tb)
{
	const struct tui_procs *ps = &tb->t->procs;
	unsigned most = 0;
	int o;

	if (tb->t->view.grouped)
		o = snprintf(tb->label, sizeof tb->label, "total: %zu group%s", ps->groups.n, ps->groups.n == 1 ? "" : "s");
	else
		o = snprintf(tb->label, sizeof tb->label, "total: %zu process%s", ps->nrows, ps->nrows == 1 ? "" : "es");
	for (int i = 0; i < tb->ncols; i++) {
		enum field_id id = tb->cols[i];

		if (group_summed(id) && ps->total.known[id] && ps->total.unknown[id] > most)
			most = ps->total.unknown[id];
	}
	if (most)
		snprintf(tb->label + o, sizeof tb->label - (size_t)o, " (%s: %u not read)", cells_lower_mark(), most);
}

static void table_columns(struct table *tb)
{
	const struct tui *t = tb->t;

	if (t->view.grouped) {
		tb->ncols = cells_group_columns(t->view.cols, t->view.ncols, tb->cols);
	} else {
		tb->ncols = t->view.ncols;
		memcpy(tb->cols, t->view.cols, (size_t)tb->ncols * sizeof *tb->cols);
	}
}

static void table_widths(struct table *tb, int *w)
{
	const struct tui *t = tb->t;
	struct cells_table ct = { tb->cols, tb->ncols, t->view.sort, t->view.unit, NULL, tb->n + 1, (size_t)COLS, true };

	cells_layout_by(&ct, table_text, tb, w);
}

/* A column's title: a group table's own; in the tree, a sum is marked (the sizes are each
 * subtree's). */
static void table_title_text(const struct table *tb, enum field_id id, char *buf, size_t n)
{
	const struct tui *t = tb->t;

	if (t->view.grouped)
		snprintf(buf, n, "%s", cells_group_header(id, t->view.group_by));
	else if (table_tree(tb) && group_summed(id))
		snprintf(buf, n, "%s%s", t->utf8 ? "\xce\xa3" : "+", fields[id].header);
	else
		snprintf(buf, n, "%s", fields[id].header);
}

static void table_titles(struct table *tb, int y, const int *w)
{
	struct tui *t = tb->t;
	struct tui_procs *ps = &t->procs;
	int x = 0;

	ps->ncol_x = 0;
	tui_fill(y, 0, COLS, STY_COLHEAD);
	for (int i = 0; i < tb->ncols && x < COLS; i++) {
		enum field_id id = tb->cols[i];
		bool right = cell_right_aligned(id), sorted = id == t->view.sort;
		const char *g = tui_sort_glyph(t, t->view.ascending || !field_is_numeric(id));
		char h[32], buf[64];

		if (w[i] == CELLS_HIDDEN)
			continue;
		if (x)
			x++;
		table_title_text(tb, id, h, sizeof h);
		if (!sorted || (int)sanitize_width(h, strlen(h)) >= w[i])
			g = "";
		snprintf(buf, sizeof buf, "%s%s%s", right ? g : "", h, right ? "" : g);
		ps->col_x[ps->ncol_x] = x;
		ps->col_id[ps->ncol_x++] = id;
		x = tui_cell(y, x, w[i], buf, strlen(buf), right, sorted ? STY_SORTHEAD : STY_COLHEAD);
	}
	ps->col_x[ps->ncol_x] = COLS;
}

/* The branches before a tree row's command: "│  ├─ ", "+" for a folded subtree. They take
 * half the column at most (a deep chain would push every command off the screen): the
 * levels nearest the root are left out then, and an ellipsis says so. */
static void table_branches(const struct table *tb, size_t k, int width, char *buf, size_t n)
{
	unsigned room = width / 2 > 6 ? (unsigned)(width / 2 - 6) / 3 : 0;
	const struct tui_procs *ps = &tb->t->procs;
	const struct tree *f = &ps->forest;
	size_t i = ps->shown[k], next = k + 1 < ps->nshown ? ps->shown[k + 1] : f->n;
	const struct tree_node *nd = &f->nodes[i];
	bool utf8 = tb->t->utf8, folded = nd->size > 1 && next == tree_next_sibling_or_after(f, i);
	bool last[TABLE_LEVELS];
	unsigned levels = 0;
	size_t o = 0;

	buf[0] = '\0';
	if (nd->depth == 0) {
		if (folded)
			snprintf(buf, n, "+ ");
		return;
	}
	if (room > TABLE_LEVELS)
		room = TABLE_LEVELS;
	for (size_t a = nd->parent; a != TREE_NONE && f->nodes[a].depth > 0 && levels < room; a = f->nodes[a].parent)
		last[levels++] = f->nodes[a].last;
	if (nd->depth - 1 > levels)
		o += (size_t)snprintf(buf + o, n - o, "%s", utf8 ? "\xe2\x80\xa6" : "...");
	while (levels-- && o < n)
		o += (size_t)snprintf(buf + o, n - o, "%s", last[levels] ? "   " : utf8 ? "\xe2\x94\x82  " : "|  ");
	if (o < n)
		snprintf(buf + o, n - o, "%s%s ", nd->last ? (utf8 ? "\xe2\x94\x94" : "`") : (utf8 ? "\xe2\x94\x9c" : "|"),
			 folded ? "+" : utf8 ? "\xe2\x94\x80" : "-");
}

/* The open column: tree branches, then the text, both scrolled by the view's hscroll. */
static void table_open_cell(const struct table *tb, int y, int x, int width, size_t k, bool total, const char *s,
			    size_t len, enum tui_style st)
{
	int skip = tb->t->procs.hscroll, end = x + width;
	char pre[TABLE_LEVELS * 4 + 16] = "";
	int prew;

	if (!total && table_tree(tb))
		table_branches(tb, k, width, pre, sizeof pre);
	prew = (int)sanitize_width(pre, strlen(pre));
	tui_fill(y, x, end, st);
	if (skip < prew)
		x = tui_put_skip(y, x, end, pre, strlen(pre), skip, st);
	tui_put_skip(y, x, end, s, len, skip > prew ? skip - prew : 0, st);
}

/* Row r of the frame, or the totals line (r == n). */
static void table_row(struct table *tb, int y, size_t r, const int *w)
{
	struct tui *t = tb->t;
	bool total = r == tb->n, selected = !total && tb->top + r == t->procs.list.sel;
	const struct proc *p = total || tui_procs_group_row(t, tb->top + r) ? NULL : tui_procs_row(t, tb->top + r);
	bool leak = p && p->f[FLD_LEAK].st == V_KNOWN && p->f[FLD_LEAK].u;	/* a leaker's row is red */
	enum tui_style st = selected ? STY_SELECTED : total ? STY_VALUE : leak ? STY_LEAK : STY_NORMAL;
	char buf[64];
	int x = 0;

	if (selected)
		tui_fill(y, 0, COLS, st);
	for (int i = 0; i < tb->ncols && x < COLS; i++) {
		enum field_id id = tb->cols[i];
		size_t len;
		const char *s;

		if (w[i] == CELLS_HIDDEN)
			continue;
		s = table_text(tb, r, id, buf, sizeof buf, &len);
		if (x)
			x++;
		if (fields[id].width == 0) {
			table_open_cell(tb, y, x, w[i], tb->top + r, total, s, len, st);
			x += w[i];
		} else {
			x = tui_cell(y, x, w[i], s, len, cell_right_aligned(id), st);
		}
	}
}

void tui_table_draw(struct tui *t, int y, int height)
{
	struct tui_procs *ps = &t->procs;
	size_t count = tui_procs_count(t);
	struct table tb = { .t = t, .top = ps->list.top < count ? ps->list.top : count };
	int w[FLD_COUNT];

	tb.n = count - tb.top < (size_t)height ? count - tb.top : (size_t)height;
	table_columns(&tb);
	table_label(&tb);
	table_widths(&tb, w);
	table_titles(&tb, y, w);
	ps->table_y = y + 1;
	for (size_t r = 0; r < tb.n; r++)
		table_row(&tb, y + 1 + (int)r, r, w);
	if (count == 0)
		tui_put(y + 1, 0, COLS, t->filter || t->by_uid || t->previewing ? "no process matches the filter" :
			"no process", STY_DIM);
	table_row(&tb, y + 1 + height, tb.n, w);
}
