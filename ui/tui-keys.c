/* The one key table: what each key does on which screen. Dispatch and the help screen both
 * read it, so the help can never drift from what the keys do. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui.h"

#define FK(k) ((k) | TUI_FKEY)
#define ON(id) TS_BIT(TS_##id)
#define PAGES (ON(HELP) | ON(OOM) | ON(SYSTEM))

struct tui_key {
	int keys[4];		/* 0-terminated */
	const char *names;	/* as the help screen shows them */
	unsigned screens;	/* TS_BIT()s where the key does this */
	unsigned (*act)(struct tui *t, int key);
	const char *help;
};

static unsigned keys_move(struct tui *t, int key)
{
	const struct tui_screen *scr = tui_top(t);
	struct tui_list *l = scr->list ? scr->list(t) : NULL;

	if (!l || !tui_list_key(l, key))
		return TR_NONE;
	if (scr->moved)
		scr->moved(t, key);
	return TR_REDRAW;
}

static unsigned keys_sort(struct tui *t, int key)
{
	return tui_procs_move_sort(t, key == '<' ? -1 : 1);
}

static unsigned keys_invert(struct tui *t, int key)
{
	if (!field_is_numeric(t->view.sort)) {
		tui_message(t, false, "text columns sort A to Z");
		return TR_REDRAW;
	}
	t->view.ascending = !t->view.ascending;
	return TR_RESORT;
}

static unsigned keys_maps_sort(struct tui *t, int key)
{
	return tui_detail_sort_key(t, key);
}

static unsigned keys_detail(struct tui *t, int key)
{
	if (t->view.grouped) {
		tui_message(t, false, "a group's processes: g until groups are off, then / or u");
		return TR_REDRAW;
	}
	if (!tui_procs_selected(t))
		return TR_NONE;
	tui_push(t, &tui_detail_screen);
	return TR_REDRAW;
}

static unsigned keys_fields(struct tui *t, int key)
{
	tui_push(t, &tui_fields_screen);
	return TR_REDRAW;
}

static unsigned keys_field_key(struct tui *t, int key)
{
	return tui_fields_key(t, key);
}

static unsigned keys_help(struct tui *t, int key)
{
	if (tui_top(t)->id == TS_HELP)
		return TR_NONE;
	tui_push(t, &tui_help_screen);
	return TR_REDRAW;
}

static unsigned keys_analysis(struct tui *t, const struct tui_analysis *src, const struct tui_screen *scr)
{
	t->analysis_src = src;
	tui_push(t, scr);
	return TR_REDRAW;
}

static unsigned keys_oom(struct tui *t, int key)
{
	return keys_analysis(t, &tui_oom_analysis, &tui_oom_screen);
}

static unsigned keys_system(struct tui *t, int key)
{
	return keys_analysis(t, &tui_system_analysis, &tui_system_screen);
}

/* Every figure read afresh: nothing reused from an earlier refresh, not even to sort on. */
static unsigned keys_sample(struct tui *t, int key)
{
	t->fresh = true;
	return TR_SAMPLE;
}

/* Esc on the list ends a search; elsewhere it goes back. */
static unsigned keys_end_search(struct tui *t, int key)
{
	if (!t->search.f)
		return TR_NONE;
	tui_search_free_pattern(t);
	tui_message(t, false, "search ended");
	return TR_REDRAW;
}

static unsigned keys_pause(struct tui *t, int key)
{
	t->paused = !t->paused;
	tui_message(t, false, "%s", t->paused ? "paused: the figures stay as they are (Z resumes, Space refreshes once)" :
		    "refreshing again");
	if (!t->paused)
		t->next_sample = 0;
	return TR_REDRAW;
}

/* As htop's K: kernel threads hold no memory of their own, only rows of '-'. */
static unsigned keys_kthreads(struct tui *t, int key)
{
	t->view.hide_kthreads = !t->view.hide_kthreads;
	tui_procs_restart(t);
	tui_message(t, false, "kernel threads %s", t->view.hide_kthreads ? "hidden" : "shown");
	return TR_SAMPLE;
}

static unsigned keys_units(struct tui *t, int key)
{
	t->view.unit = (t->view.unit + 1) % UNIT_COUNT;
	tui_message(t, false, "sizes in %s", t->view.unit == UNIT_AUTO ? "automatic units" : unit_name(t->view.unit));
	return TR_RESORT;
}

static unsigned keys_save(struct tui *t, int key)
{
	return tui_settings_save(t);
}

static unsigned keys_redraw(struct tui *t, int key)
{
	clearok(curscr, TRUE);
	return TR_REDRAW;
}

static unsigned keys_back(struct tui *t, int key)
{
	return tui_pop(t);
}

static unsigned keys_quit(struct tui *t, int key)
{
	return TR_QUIT;
}

/* Screen-specific rows come before the general ones: the first match wins. */
static const struct tui_key tui_keys[] = {
	{ { FK(KEY_UP), FK(KEY_DOWN) }, "Up Down", TS_ALL, keys_move, "move the selection, or scroll" },
	{ { FK(KEY_PPAGE), FK(KEY_NPAGE) }, "PgUp PgDn", TS_ALL, keys_move, "move a page" },
	{ { FK(KEY_HOME), FK(KEY_END) }, "Home End", TS_ALL, keys_move, "go to the first, the last row" },
	{ { '<', '>' }, "< >", ON(LIST), keys_sort, "sort by the column to the left, to the right" },
	{ { 'I' }, "I", ON(LIST), keys_invert, "invert the sort order (numbers: lowest first)" },
	{ { '/', FK(KEY_F(4)) }, "/ F4", ON(LIST), tui_prompt_filter,
	  "filter: a PCRE2 pattern over command names and lines (empty: all)" },
	{ { 'u' }, "u", ON(LIST), tui_prompt_user, "show one user's processes (name or uid; empty: all)" },
	{ { 'K' }, "K", ON(LIST), keys_kthreads, "hide or show kernel threads (they hold no memory of their own)" },
	{ { FK(KEY_F(3)) }, "F3", ON(LIST), tui_search_open,
	  "search: select the next row whose name or command line matches (a PCRE2 pattern)" },
	{ { 'n', 'N' }, "n N", ON(LIST), tui_search_next, "the next, the previous row the search matches" },
	{ { TUI_KEY_ESC }, "Esc", ON(LIST), keys_end_search, "end the search" },
	{ { 't', FK(KEY_F(5)) }, "t F5", ON(LIST), tui_procs_tree,
	  "tree: parents above children; sizes are each process's with its descendants'" },
	{ { '-', '+' }, "- +", ON(LIST), tui_procs_fold, "tree: fold the selected subtree into its row, unfold it" },
	{ { 'g' }, "g", ON(LIST), tui_procs_group, "groups: one row per user, command name, memory cgroup, or none" },
	{ { FK(KEY_F(6)) }, "F6", ON(LIST), tui_sort_menu_open, "sort menu: choose the sort field from a list" },
	{ { FK(KEY_LEFT), FK(KEY_RIGHT) }, "Left Right", ON(LIST), tui_procs_scroll,
	  "scroll the command line (a group's name) sideways" },
	{ { 'Z' }, "Z", ON(LIST), keys_pause, "pause: keep the figures shown, sample no more until Z again" },
	{ { 'f', FK(KEY_F(2)) }, "f F2", ON(LIST), keys_fields, "choose, order and sort the columns" },
	{ { TUI_KEY_ENTER, '\r', FK(KEY_ENTER) }, "Enter", ON(LIST), keys_detail,
	  "detail of the selected process: figures, segments, mappings" },
	{ { '<', '>' }, "< >", ON(DETAIL), keys_maps_sort, "sort the mappings by another column" },
	{ { ' ', TUI_KEY_ENTER, '\r', FK(KEY_ENTER) }, "Space Enter", ON(FIELDS), keys_field_key, "show or hide the column" },
	{ { '[', ']' }, "[ ]", ON(FIELDS), keys_field_key, "move the column left, right" },
	{ { 's' }, "s", ON(FIELDS), keys_field_key, "sort the list by this column" },
	{ { TUI_KEY_ENTER, '\r', FK(KEY_ENTER) }, "Enter", ON(SORT), tui_sort_menu_key,
	  "sort by the field selected (the sort field again: invert the order)" },
	{ { '[', ']' }, "[ ]", TS_ALL, tui_time_step, "a recording (-r): one sample back, forward" },
	{ { 'b' }, "b", TS_ALL, tui_time_prompt, "a recording (-r): go to a time (YYYY-MM-DD HH:MM:SS, HH:MM, -10m)" },
	{ { 'k', FK(KEY_F(9)) }, "k F9", ON(LIST) | ON(DETAIL), tui_prompt_kill,
	  "send a signal to the process, after asking (never to a reused pid)" },
	{ { 'a' }, "a", ON(OOM), tui_prompt_oom_adj,
	  "set oom_score_adj of the selected process, after asking (never of a reused pid)" },
	{ { 'O' }, "O", ON(LIST), keys_oom, "OOM screen: who the OOM killer would take, and why" },
	{ { 'S' }, "S", ON(LIST), keys_system, "system screen: where the machine's memory is" },
	{ { 'q', FK(KEY_F(10)) }, "q F10", ON(LIST), keys_quit, "quit" },
	{ { TUI_KEY_ESC, 'q', FK(KEY_F(10)) }, "Esc q", TS_SUB, keys_back, "back to the previous screen" },
	{ { ' ' }, "Space", TS_ALL, keys_sample, "refresh now, every figure read afresh (also while paused)" },
	{ { FK(KEY_MOUSE) }, "mouse", TS_ALL, tui_mouse_key,
	  "click a row: select it; a column title: sort by it (again: invert); wheel: scroll" },
	{ { 'd' }, "d", TS_ALL, tui_prompt_delay, "set the refresh delay in seconds" },
	{ { 'e' }, "e", TS_ALL, keys_units, "cycle the size units: automatic, KiB, MiB, GiB" },
	{ { 'W' }, "W", TS_ALL, keys_save, "write the settings (columns, sort, delay, units, filter, K, tree, groups, mouse) to memtoprc" },
	{ { '?', 'h', FK(KEY_F(1)) }, "? h F1", TS_ALL, keys_help, "this help" },
	{ { TUI_CTRL('l') }, "Ctrl-L", TS_ALL, keys_redraw, "redraw the screen" },
};

/* A key as the message names it: 'x', Ctrl-X, or curses' name of a function key. */
static void keys_name(char *buf, size_t n, int key)
{
	const char *name;

	if (key & TUI_FKEY) {
		name = keyname(key & ~TUI_FKEY);
		snprintf(buf, n, "%s", name ? name : "?");
	} else if (key == TUI_KEY_ESC) {
		snprintf(buf, n, "Esc");
	} else if (key < 0x20 || key == 0x7f) {
		snprintf(buf, n, "Ctrl-%c", key ^ 0x40);
	} else if (key < 0x80) {
		snprintf(buf, n, "'%c'", key);
	} else if (key < 0x800) {
		snprintf(buf, n, "'%c%c'", 0xc0 | key >> 6, 0x80 | (key & 0x3f));
	} else if (key < 0x10000) {
		snprintf(buf, n, "'%c%c%c'", 0xe0 | key >> 12, 0x80 | (key >> 6 & 0x3f), 0x80 | (key & 0x3f));
	} else {
		snprintf(buf, n, "'%c%c%c%c'", 0xf0 | key >> 18, 0x80 | (key >> 12 & 0x3f),
			 0x80 | (key >> 6 & 0x3f), 0x80 | (key & 0x3f));
	}
}

/* Silence after a mistyped key would look like a hung view. */
static unsigned keys_unknown(struct tui *t, int key)
{
	char name[32];

	keys_name(name, sizeof name, key);
	tui_message(t, true, "unknown key %s %s ? for help", name, t->utf8 ? "\xe2\x80\x94" : "-");
	return TR_REDRAW;
}

unsigned tui_keys_dispatch(struct tui *t, int key)
{
	unsigned bit = TS_BIT(tui_top(t)->id);

	for (size_t i = 0; i < sizeof tui_keys / sizeof tui_keys[0]; i++) {
		const struct tui_key *k = &tui_keys[i];

		if (!(k->screens & bit))
			continue;
		for (int j = 0; j < 4 && k->keys[j]; j++) {
			if (k->keys[j] == key)
				return k->act(t, key);
		}
	}
	return keys_unknown(t, key);
}

static void keys_section(struct tui_page *pg, const char *title, unsigned screens, bool exact)
{
	tui_page_add(pg, STY_LABEL, "%s", title);
	for (size_t i = 0; i < sizeof tui_keys / sizeof tui_keys[0]; i++) {
		const struct tui_key *k = &tui_keys[i];

		/* a section for several screens lists only the keys they all share */
		if (exact ? k->screens == screens : (k->screens & screens) == screens && k->screens != TS_ALL)
			tui_page_add(pg, STY_NORMAL, "  %-12s %s", k->names, k->help);
	}
	tui_page_add(pg, STY_NORMAL, "%s", "");
}

void tui_keys_help(struct tui *t, struct tui_page *pg)
{
	static const struct tui_screen *const screens[] = { &tui_procs_screen, &tui_detail_screen, &tui_fields_screen,
							    &tui_sort_screen, &tui_oom_screen };

	tui_page_clear(pg);
	tui_page_add(pg, STY_TITLE, "memtop %s: where does the memory go, and who pays for it?", PACKAGE_VERSION);
	tui_page_add(pg, STY_NORMAL, "%s", "");
	keys_section(pg, "Everywhere", TS_ALL, true);
	for (size_t i = 0; i < sizeof screens / sizeof screens[0]; i++)
		keys_section(pg, screens[i]->name, TS_BIT(screens[i]->id), false);
	keys_section(pg, "Help, OOM and system screens", PAGES, false);
	tui_page_add(pg, STY_LABEL, "Header");
	tui_page_add(pg, STY_NORMAL, "  Mem bar: # anon (process memory)  = page cache that can be dropped  * shmem/tmpfs");
	tui_page_add(pg, STY_NORMAL, "  (page cache that cannot be dropped)  ~ buffers  : slab  . other kernel memory");
	tui_page_add(pg, STY_NORMAL, "  Sizes: K M G are KiB MiB GiB.  '-' means unknown: not permitted or not read.");
	tui_page_add(pg, STY_NORMAL, "  Detail segments: anon = anonymous maps (large mallocs, arenas, thread stacks),");
	tui_page_add(pg, STY_NORMAL, "  file = other mapped files, kern = [vdso] [vvar] [vsyscall].");
	tui_page_add(pg, STY_NORMAL, "%s", "");
	tui_page_add(pg, STY_LABEL, "Marks");
	tui_page_add(pg, STY_NORMAL, "  %sRSS  a PSS or USS that could not be read: its upper bound, the RSS",
		     t->utf8 ? "\xe2\x89\xa4" : "<=");
	tui_page_add(pg, STY_NORMAL, "  %s12M  a sum leaving out processes not read (off screen) or unreadable: a lower bound",
		     t->utf8 ? "\xe2\x89\xa5" : ">=");
	tui_page_add(pg, STY_NORMAL, "  12M~  read at an earlier refresh (an idle process, up to 60 s; Space reads all)");
	tui_page_add(pg, STY_NORMAL, "  %sPSS  tree: each process's with its descendants'; the last line sums every row",
		     t->utf8 ? "\xce\xa3" : "+");
	tui_page_add(pg, STY_LABEL, "Trends (columns GROWTH LEAK OOM_ETA: f adds them)");
	tui_page_add(pg, STY_NORMAL, "  Fitted over each process's last %g s (--trend-window), up to %d samples of anon + swap",
		     t->rc->trend.window > 0 ? t->rc->trend.window : TREND_WINDOW_DEFAULT, TREND_CAP);
	tui_page_add(pg, STY_NORMAL, "  read for the rows on screen, and for every process while sorted on a trend column.");
	tui_page_add(pg, STY_NORMAL, "  A leak rose steadily for %g s or more (--trend-min-span): its row is red.",
		     t->rc->trend.min_span > 0 ? t->rc->trend.min_span : TREND_MIN_SPAN_DEFAULT);
	tui_page_add(pg, STY_NORMAL, "  OOM_ETA: time until the machine's or the cgroup's limit at that growth (soonest first).");
	tui_page_add(pg, STY_NORMAL, "  Header \"OOM in\": MemAvailable + SwapFree falls steadily. Detail: the history drawn.");
	tui_page_add(pg, STY_NORMAL, "%s", "");
	tui_page_add(pg, STY_LABEL, "Columns");
	for (int i = 0; i < FLD_COUNT; i++)
		tui_page_add(pg, STY_NORMAL, "  %-8s %s", fields[i].header, fields[i].desc);
}
