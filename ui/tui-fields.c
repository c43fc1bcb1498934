/* The column chooser (f): every field of the registry, the shown ones first in their order.
 * Space shows or hides one, [ and ] move it, s sorts by it. */
#include <curses.h>
#include <string.h>

#include "tui.h"

#define FIELDS_HINTS "Space show/hide  [ ] move left/right  s sort by it  Esc back"

static int fields_shown_at(const struct tui *t, enum field_id id)
{
	for (int i = 0; i < t->view.ncols; i++) {
		if (t->view.cols[i] == id)
			return i;
	}
	return -1;
}

/* Rebuilds the chooser's order and keeps the cursor on the field it was on. */
static void fields_rebuild(struct tui *t, enum field_id keep)
{
	struct tui_fields *c = &t->chooser;
	int n = 0;

	for (int i = 0; i < t->view.ncols; i++) {
		if (fields_shown_at(t, t->view.cols[i]) == i)	/* -o may name one twice */
			c->order[n++] = t->view.cols[i];
	}
	for (int id = 0; id < FLD_COUNT; id++) {
		if (fields_shown_at(t, id) < 0)
			c->order[n++] = id;
	}
	tui_list_set_count(&c->list, n);
	for (int i = 0; i < n; i++) {
		if (c->order[i] == keep)
			tui_list_select(&c->list, i);
	}
}

static void fields_open(struct tui *t)
{
	t->chooser.list = (struct tui_list){ 0 };
	fields_rebuild(t, t->view.cols[0]);
	tui_list_select(&t->chooser.list, 0);
}

static enum field_id fields_current(const struct tui *t)
{
	return t->chooser.order[t->chooser.list.sel];
}

/* A column switched on goes last, but before an open column that ends the line. */
static void fields_show(struct tui *t, enum field_id id)
{
	int at = t->view.ncols;

	if (at > 0 && fields[t->view.cols[at - 1]].width == 0 && fields[id].width != 0)
		at--;
	memmove(&t->view.cols[at + 1], &t->view.cols[at], (size_t)(t->view.ncols - at) * sizeof *t->view.cols);
	t->view.cols[at] = id;
	t->view.ncols++;
}

static unsigned fields_toggle(struct tui *t)
{
	enum field_id id = fields_current(t);
	int at = fields_shown_at(t, id);

	if (at < 0) {
		fields_show(t, id);
	} else if (t->view.ncols == 1) {
		tui_message(t, true, "the list keeps one column at least");
		return TR_REDRAW;
	} else {
		memmove(&t->view.cols[at], &t->view.cols[at + 1], (size_t)(t->view.ncols - at - 1) * sizeof *t->view.cols);
		t->view.ncols--;
	}
	fields_rebuild(t, id);
	return TR_REDRAW;
}

static unsigned fields_move(struct tui *t, int step)
{
	enum field_id id = fields_current(t);
	int at = fields_shown_at(t, id), to = at + step;

	if (at < 0 || to < 0 || to >= t->view.ncols)
		return TR_NONE;
	t->view.cols[at] = t->view.cols[to];
	t->view.cols[to] = id;
	fields_rebuild(t, id);
	return TR_REDRAW;
}

unsigned tui_fields_key(struct tui *t, int key)
{
	switch (key) {
	case ' ':
	case TUI_KEY_ENTER:
	case '\r':
		return fields_toggle(t);
	case '[':
		return fields_move(t, -1);
	case ']':
		return fields_move(t, 1);
	case 's':
		t->view.sort = fields_current(t);
		t->view.ascending = false;
		return TR_RESORT;
	default:
		return TR_NONE;
	}
}

static void fields_draw(struct tui *t)
{
	struct tui_fields *c = &t->chooser;
	int rows = LINES - 3;

	tui_put(0, 0, COLS, "Columns of the process list", STY_TITLE);
	tui_fill(1, 0, COLS, STY_COLHEAD);
	tui_put(1, 0, COLS, "    NAME           TITLE    WHAT IT SHOWS", STY_COLHEAD);
	tui_list_set_height(&c->list, rows);
	for (int i = 0; i < rows && c->list.top + (size_t)i < c->list.count; i++) {
		size_t k = c->list.top + (size_t)i;
		enum field_id id = c->order[k];
		bool shown = fields_shown_at(t, id) >= 0;
		enum tui_style st = k == c->list.sel ? STY_SELECTED : shown ? STY_VALUE : STY_NORMAL;

		if (k == c->list.sel)
			tui_fill(2 + i, 0, COLS, st);
		tui_printf(2 + i, 0, COLS, st, "[%c] %-14s %-8s %s%s", shown ? 'x' : ' ', fields[id].name,
			   fields[id].header, id == t->view.sort ? "(sort) " : "", fields[id].desc);
	}
	tui_draw_status(t, FIELDS_HINTS);
}

static struct tui_list *fields_list(struct tui *t)
{
	return &t->chooser.list;
}

const struct tui_screen tui_fields_screen = {
	.id = TS_FIELDS,
	.name = "Column chooser (f)",
	.open = fields_open,
	.draw = fields_draw,
	.list = fields_list,
};
