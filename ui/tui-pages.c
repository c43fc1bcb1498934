/* Screens that are a page of text: the help (made from the key table) and the analysis
 * screens that other parts of memtop provide through struct tui_page_source. */
#include <curses.h>


#include "tui.h"

#define PAGE_HINTS "Up/Down PgUp/PgDn scroll  Esc back"
/* the one page with a selection is the OOM screen, and a is what it selects for */
#define SELECT_HINTS "Up/Down select  a set oom_score_adj  Esc back  ? help"

static void help_open(struct tui *t)
{
	tui_keys_help(t, &t->help);
	t->help.list = (struct tui_list){ .pager = true };
}

static void help_draw(struct tui *t)
{
	tui_page_draw(&t->help, 0, LINES - 1);
	tui_draw_status(t, PAGE_HINTS);
}

static struct tui_list *help_list(struct tui *t)
{
	return &t->help.list;
}

const struct tui_screen tui_help_screen = {
	.id = TS_HELP,
	.name = "Help (?)",
	.open = help_open,
	.draw = help_draw,
	.list = help_list,
};

const struct tui_analysis tui_oom_analysis = {
	.title = "OOM: whom the kernel's OOM killer takes first, and why",
	.report = &oomview_report,
	.select = true,		/* a: set the selected process's oom_score_adj */
};

const struct tui_analysis tui_system_analysis = {
	.title = "System: where the memory goes",
	.report = &sysview_report,
};

static unsigned analysis_need(const struct tui *t)
{
	return SRC_STAT | (t->analysis_src ? t->analysis_src->report->need : 0);
}

static unsigned analysis_parts(const struct tui *t)
{
	return t->analysis_src ? t->analysis_src->report->parts : 0;
}

/* The line showing pid started at start, or with pid 0 the first line showing a process;
 * pg->n when there is none. */
static size_t analysis_find(const struct tui_page *pg, int pid, uint64_t start)
{
	size_t i;

	for (i = 0; i < pg->n; i++) {
		const struct tui_page_line *ln = &pg->items[i];

		if (ln->pid > 0 && (!pid || (ln->pid == pid && ln->start_ticks == start)))
			break;
	}
	return i;
}

static void analysis_line(struct doc *d, enum doc_style st, const char *text, size_t len, int pid,
			  uint64_t start)
{
	static const enum tui_style styles[] = {
		[DOC_NORMAL] = STY_NORMAL, [DOC_TITLE] = STY_TITLE, [DOC_COLHEAD] = STY_COLHEAD,
		[DOC_DIM] = STY_DIM, [DOC_ERROR] = STY_ERROR,
	};
	struct tui_page *pg = d->ctx;

	tui_page_add(pg, styles[st], "%.*s", (int)len, text);
	if (pid)
		tui_page_mark(pg, pid, start);
}

/* Rebuilt each refresh: a selected process stays selected wherever its line moves (the
 * kill order changes); an empty page (just opened) selects the first process shown. */
static void analysis_sampled(struct tui *t)
{
	const struct tui_analysis *src = t->analysis_src;
	struct tui_page *pg = &t->analysis;
	const struct tui_page_line *ln = tui_page_selected(pg);
	int pid = ln ? ln->pid : 0;
	uint64_t start = ln ? ln->start_ticks : 0;
	bool fresh = pg->n == 0;
	struct doc d = { .line = analysis_line, .ctx = pg, .unit = t->view.unit, .width = (size_t)COLS, .sort = -1 };
	size_t i;

	tui_page_clear(pg);
	if (!(t->snap->parts & src->report->parts))
		return;	/* the snapshot taken before the screen opened: the next one will do */
	src->report->text(&d, t->snap, tui_filtered(t));
	tui_list_set_count(&pg->list, pg->n);
	if (pg->list.pager || (!pid && !fresh))
		return;
	i = analysis_find(pg, pid, start);
	if (i < pg->n)
		tui_list_select(&pg->list, i);
}

static void analysis_open(struct tui *t)
{
	tui_page_clear(&t->analysis);	/* the other analysis screen's lines */
	t->analysis.list = (struct tui_list){ .pager = !t->analysis_src->select, .height = LINES - 2 };
	if (t->snap)
		analysis_sampled(t);
}

static void analysis_draw(struct tui *t)
{
	tui_put(0, 0, COLS, t->analysis_src->title, STY_TITLE);
	tui_page_draw(&t->analysis, 1, LINES - 2);
	tui_draw_status(t, t->analysis.list.pager ? PAGE_HINTS : SELECT_HINTS);
}

static struct tui_list *analysis_list(struct tui *t)
{
	return &t->analysis.list;
}

/* Home and End on a page with a selection go to the first and last process shown, not to
 * the title or the notes below. */
static void analysis_moved(struct tui *t, int key)
{
	struct tui_page *pg = &t->analysis;
	size_t i = 0, last = pg->n;

	if (pg->list.pager)
		return;
	if ((key & ~TUI_FKEY) == KEY_HOME) {
		i = analysis_find(pg, 0, 0);
	} else if ((key & ~TUI_FKEY) == KEY_END) {
		for (i = pg->n; i-- > 0 && pg->items[i].pid <= 0;)
			;
		i = i < pg->n ? i : last;
	} else {
		return;
	}
	if (i < pg->n)
		tui_list_select(&pg->list, i);
}

#define ANALYSIS_SCREEN(ident, title) {	\
	.id = ident,				\
	.name = title,				\
	.need = analysis_need,			\
	.parts = analysis_parts,		\
	.open = analysis_open,			\
	.sampled = analysis_sampled,		\
	.draw = analysis_draw,			\
	.list = analysis_list,			\
	.moved = analysis_moved,		\
}

const struct tui_screen tui_oom_screen = ANALYSIS_SCREEN(TS_OOM, "OOM (O)");
const struct tui_screen tui_system_screen = ANALYSIS_SCREEN(TS_SYSTEM, "System (S)");
