/* The list widget: a window of `height` rows onto `count`, with a selected row (or, as a
 * pager, none). It only keeps indices: the screen that owns it draws the rows, so the same
 * widget serves processes, mappings, columns and pages of text. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tui.h"
#include "xalloc.h"

static size_t list_max_top(const struct tui_list *l)
{
	size_t h = l->height > 0 ? (size_t)l->height : 1;

	return l->count > h ? l->count - h : 0;
}

/* Keeps sel inside the rows and on screen, and the window inside the rows. */
static void list_clamp(struct tui_list *l)
{
	size_t h = l->height > 0 ? (size_t)l->height : 1;

	if (l->pager) {
		l->sel = l->top;
	} else {
		if (l->count == 0)
			l->sel = 0;
		else if (l->sel >= l->count)
			l->sel = l->count - 1;
		if (l->sel < l->top)
			l->top = l->sel;
		if (l->sel >= l->top + h)
			l->top = l->sel - h + 1;
	}
	if (l->top > list_max_top(l))
		l->top = list_max_top(l);
}

void tui_list_set_count(struct tui_list *l, size_t n)
{
	l->count = n;
	list_clamp(l);
}

void tui_list_set_height(struct tui_list *l, int height)
{
	l->height = height > 0 ? height : 0;
	list_clamp(l);
}

void tui_list_select(struct tui_list *l, size_t i)
{
	l->sel = i;
	list_clamp(l);
}

/* Moves *v by delta within 0..max. */
static void list_step(size_t *v, long delta, size_t max)
{
	if (delta < 0)
		*v = (size_t)-delta > *v ? 0 : *v - (size_t)-delta;
	else
		*v = *v + (size_t)delta > max ? max : *v + (size_t)delta;
}

bool tui_list_key(struct tui_list *l, int key)
{
	size_t *v = l->pager ? &l->top : &l->sel;
	size_t max = l->pager ? list_max_top(l) : (l->count ? l->count - 1 : 0);
	long page = l->height > 1 ? l->height - 1 : 1;

	switch (key & ~TUI_FKEY) {
	case KEY_UP: list_step(v, -1, max); break;
	case KEY_DOWN: list_step(v, 1, max); break;
	case KEY_PPAGE: list_step(v, -page, max); break;
	case KEY_NPAGE: list_step(v, page, max); break;
	case KEY_HOME: *v = 0; break;
	case KEY_END: *v = max; break;
	default: return false;
	}
	list_clamp(l);
	return true;
}

void tui_page_clear(struct tui_page *pg)
{
	for (size_t i = 0; i < pg->n; i++)
		free(pg->items[i].text);
	pg->n = 0;
}

void tui_page_add(struct tui_page *pg, enum tui_style style, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		xalloc_die();
	va_end(ap);
	if (pg->n == pg->cap) {
		pg->cap = pg->cap ? pg->cap * 2 : 64;
		pg->items = xreallocarray(pg->items, pg->cap, sizeof *pg->items);
	}
	pg->items[pg->n++] = (struct tui_page_line){ .text = s, .style = style };
}

void tui_page_mark(struct tui_page *pg, int pid, uint64_t start_ticks)
{
	if (pg->n) {
		pg->items[pg->n - 1].pid = pid;
		pg->items[pg->n - 1].start_ticks = start_ticks;
	}
}

const struct tui_page_line *tui_page_selected(const struct tui_page *pg)
{
	const struct tui_page_line *ln;

	if (pg->list.pager || pg->list.sel >= pg->n)
		return NULL;
	ln = &pg->items[pg->list.sel];
	return ln->pid > 0 ? ln : NULL;
}

void tui_page_free(struct tui_page *pg)
{
	tui_page_clear(pg);
	free(pg->items);
	pg->items = NULL;
	pg->cap = 0;
}

/* The column heads of the table the first line shown belongs to, when they scrolled away:
 * the nearest COLHEAD line above, with no title or blank line between (a table ends there). */
static size_t page_sticky_head(const struct tui_page *pg, size_t top)
{
	for (size_t i = top; i-- > 0;) {
		const struct tui_page_line *ln = &pg->items[i];

		if (ln->style == STY_COLHEAD)
			return i;
		if (ln->style == STY_TITLE || !ln->text[0])
			break;
	}
	return pg->n;
}

/* A pager scrolls; otherwise (the OOM screen) the selected line is drawn across the width.
 * A table's column heads stay on the first line while its rows scroll under them. */
void tui_page_draw(struct tui_page *pg, int y, int height)
{
	size_t head;

	tui_list_set_height(&pg->list, height);
	tui_list_set_count(&pg->list, pg->n);
	head = page_sticky_head(pg, pg->list.top);
	if (head < pg->n && height > 1) {
		tui_put(y++, 0, COLS, pg->items[head].text, STY_COLHEAD);
		height--;
		tui_list_set_height(&pg->list, height);
	}
	for (int i = 0; i < height && pg->list.top + (size_t)i < pg->n; i++) {
		size_t k = pg->list.top + (size_t)i;
		bool selected = !pg->list.pager && k == pg->list.sel;

		if (selected)
			tui_fill(y + i, 0, COLS, STY_SELECTED);
		tui_put(y + i, 0, COLS, pg->items[k].text, selected ? STY_SELECTED : pg->items[k].style);
	}
}
