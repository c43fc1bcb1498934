/* F6: the sort menu, as in htop: every field, the shown columns first in their order; Enter
 * sorts the list by the one selected (again on the sort column: inverts it). */
#include <curses.h>

#include "tui.h"

#define MENU_HINTS "Up/Down choose  Enter sort by it  Esc back"
#define MENU_TOP 2	/* the title and the column titles above the fields */

static bool menu_shown(const struct tui *t, enum field_id id)
{
	for (int i = 0; i < t->view.ncols; i++) {
		if (t->view.cols[i] == id)
			return true;
	}
	return false;
}

static void menu_open(struct tui *t)
{
	struct tui_sort_menu *m = &t->sort_menu;
	bool in[FLD_COUNT] = { false };
	int n = 0;

	for (int i = 0; i < t->view.ncols; i++) {
		if (!in[t->view.cols[i]]) {
			in[t->view.cols[i]] = true;
			m->order[n++] = t->view.cols[i];
		}
	}
	for (int id = 0; id < FLD_COUNT; id++) {
		if (!in[id])
			m->order[n++] = id;
	}
	m->list = (struct tui_list){ 0 };
	tui_list_set_height(&m->list, LINES - MENU_TOP - 1);
	tui_list_set_count(&m->list, (size_t)n);
	for (int i = 0; i < n; i++) {
		if (m->order[i] == t->view.sort)
			tui_list_select(&m->list, (size_t)i);
	}
}

unsigned tui_sort_menu_open(struct tui *t, int key)
{
	tui_push(t, &tui_sort_screen);
	return TR_REDRAW;
}

static unsigned menu_pick(struct tui *t)
{
	enum field_id id = t->sort_menu.order[t->sort_menu.list.sel];

	tui_procs_sort_by(t, id);
	tui_message(t, false, "sorted by %s, %s", fields[id].name, !field_is_numeric(id) ? "A to Z" :
		    t->view.ascending ? "lowest first" : "highest first");
	return tui_pop(t);
}

unsigned tui_sort_menu_key(struct tui *t, int key)
{
	return menu_pick(t);
}

static void menu_draw(struct tui *t)
{
	struct tui_sort_menu *m = &t->sort_menu;
	int rows = LINES - MENU_TOP - 1;

	tui_put(0, 0, COLS, "Sort the process list by", STY_TITLE);
	tui_fill(1, 0, COLS, STY_COLHEAD);
	tui_put(1, 0, COLS, "   NAME           TITLE    WHAT IT SHOWS", STY_COLHEAD);
	tui_list_set_height(&m->list, rows);
	for (int i = 0; i < rows && m->list.top + (size_t)i < m->list.count; i++) {
		size_t k = m->list.top + (size_t)i;
		enum field_id id = m->order[k];
		enum tui_style st = k == m->list.sel ? STY_SELECTED : menu_shown(t, id) ? STY_VALUE : STY_NORMAL;

		if (k == m->list.sel)
			tui_fill(MENU_TOP + i, 0, COLS, st);
		tui_printf(MENU_TOP + i, 0, COLS, st, "%s %-14s %-8s %s", id == t->view.sort ?
			   tui_sort_glyph(t, t->view.ascending || !field_is_numeric(id)) : " ", fields[id].name,
			   fields[id].header, fields[id].desc);
	}
	tui_draw_status(t, MENU_HINTS);
}

static struct tui_list *menu_list(struct tui *t)
{
	return &t->sort_menu.list;
}

/* A click picks the field clicked. */
static unsigned menu_click(struct tui *t, int y, int x)
{
	struct tui_sort_menu *m = &t->sort_menu;

	if (y < MENU_TOP || m->list.top + (size_t)(y - MENU_TOP) >= m->list.count)
		return TR_NONE;
	tui_list_select(&m->list, m->list.top + (size_t)(y - MENU_TOP));
	return menu_pick(t);
}

const struct tui_screen tui_sort_screen = {
	.id = TS_SORT,
	.name = "Sort menu (F6)",
	.open = menu_open,
	.draw = menu_draw,
	.list = menu_list,
	.click = menu_click,
};
