/* Screens that are a page of text: the help (made from the key table) and the analysis
 * screens that other parts of memtop provide through struct tui_page_source. */
#include <curses.h>

#include "tui.h"

#define PAGE_HINTS "Up/Down PgUp/PgDn scroll  Esc back"

/* Issue 5: the sources ui/oomview.c and ui/sysview.c provide. */
extern const struct tui_page_source oomview_page, sysview_page;
const struct tui_page_source *const tui_oom_page = &oomview_page;
const struct tui_page_source *const tui_system_page = &sysview_page;

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

static unsigned analysis_need(const struct tui *t)
{
	return SRC_STAT | (t->analysis_src ? t->analysis_src->need : 0);
}

static void analysis_sampled(struct tui *t)
{
	const struct tui_page_source *src = t->analysis_src;

	tui_page_clear(&t->analysis);
	src->build(&t->analysis, t->sampler, t->snap, t->unit);
}

static void analysis_open(struct tui *t)
{
	t->analysis.list = (struct tui_list){ .pager = true };
	if (t->snap)
		analysis_sampled(t);
}

static void analysis_draw(struct tui *t)
{
	tui_put(0, 0, COLS, t->analysis_src->title, STY_TITLE);
	tui_page_draw(&t->analysis, 1, LINES - 2);
	tui_draw_status(t, PAGE_HINTS);
}

static struct tui_list *analysis_list(struct tui *t)
{
	return &t->analysis.list;
}

#define ANALYSIS_SCREEN(ident, title) {	\
	.id = ident,				\
	.name = title,				\
	.need = analysis_need,			\
	.open = analysis_open,			\
	.sampled = analysis_sampled,		\
	.draw = analysis_draw,			\
	.list = analysis_list,			\
}

const struct tui_screen tui_oom_screen = ANALYSIS_SCREEN(TS_OOM, "OOM (O)");
const struct tui_screen tui_system_screen = ANALYSIS_SCREEN(TS_SYSTEM, "System (S)");
