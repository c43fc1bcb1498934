/* The interactive view's inner parts: the state they share, screens (structs of function
 * pointers), reactions returned by key handlers, the list widget and the drawing helpers.
 * Only ui/tui*.c include this. */
#ifndef MEMTOP_TUI_H
#define MEMTOP_TUI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "field.h"
#include "filter.h"
#include "group.h"
#include "maptable.h"
#include "memtoprc.h"
#include "model.h"
#include "reports.h"
#include "run.h"
#include "sample.h"
#include "tree.h"
#include "units.h"

#define TUI_MIN_COLS 40		/* below this the view shows a "too small" notice */
#define TUI_MIN_LINES 8
#define TUI_MAX_COLS 1000		/* a larger terminal is drawn in its top left corner */
#define TUI_MAX_LINES 500
#define TUI_FKEY (1 << 24)	/* set on function keys; plain keys are Unicode code points */
#define TUI_KEY_ESC 27
#define TUI_KEY_ENTER 10
#define TUI_CTRL(c) ((c) & 0x1f)
#define TUI_MESSAGE_SECONDS 4.0
#define TUI_QUIT_SECONDS 2	/* after a quit signal, memtop is gone within this, whatever it does */
#define TUI_PROMPT_MAX 512

/* What a key did, for the loop to act on: handlers never draw. */
enum tui_reaction {
	TR_NONE = 0,
	TR_REDRAW = 1u << 0,
	TR_RESORT = 1u << 1 | TR_REDRAW,	/* sort and rebuild the screens from the current sample */
	TR_SAMPLE = 1u << 2 | TR_REDRAW,	/* take a new sample now */
	TR_QUIT = 1u << 3,
};

enum tui_screen_id { TS_LIST, TS_DETAIL, TS_HELP, TS_FIELDS, TS_OOM, TS_SYSTEM, TS_SORT, TS_COUNT };

#define TS_BIT(id) (1u << (id))
#define TS_ALL ((1u << TS_COUNT) - 1)
#define TS_SUB (TS_ALL & ~TS_BIT(TS_LIST))

struct tui;

/* One screen. Any pointer but draw may be NULL. */
struct tui_screen {
	enum tui_screen_id id;
	const char *name;			/* for the help screen's sections */
	unsigned (*need)(const struct tui *t);	/* SRC_* every process needs while shown */
	unsigned (*parts)(const struct tui *t);	/* SNAP_* the snapshot needs while shown */
	void (*open)(struct tui *t);		/* pushed on the stack */
	void (*sampled)(struct tui *t);		/* a new snapshot arrived (or was re-sorted) */
	void (*prepare)(struct tui *t);		/* before drawing: read what the rows shown need */
	void (*draw)(struct tui *t);
	struct tui_list *(*list)(struct tui *t);	/* what the movement keys move */
	void (*moved)(struct tui *t, int key);	/* after a movement key moved the list */
	/* A mouse click or wheel at screen line y, column x (tui-mouse.c does the rest:
	 * the wheel scrolls, a click on a list row selects it). */
	unsigned (*click)(struct tui *t, int y, int x);
};

/* A window onto rows 0..count-1: the selected row and the first one shown. */
struct tui_list {
	size_t count, sel, top;
	int height;		/* rows shown at the last draw */
	bool pager;		/* no selected row: keys scroll the text */
};

/* Lines of text on a scrollable page: the help screen and the analysis screens (OOM,
 * system), whose lines come from the reports' documents. Text is drawn through the
 * sanitizer. */
enum tui_style {
	STY_NORMAL, STY_TITLE, STY_COLHEAD, STY_SORTHEAD, STY_SELECTED, STY_LABEL, STY_VALUE,
	STY_DIM, STY_ERROR, STY_OK, STY_BAR_ANON, STY_BAR_CACHE, STY_BAR_SHMEM,
	STY_BAR_SLAB, STY_BAR_KERNEL, STY_BAR_SWAP, STY_LEAK, STY_COUNT
};

struct tui_page_line {
	char *text;
	enum tui_style style;
	int pid;		/* the process the line shows (a kill-order row), or 0 */
	uint64_t start_ticks;	/* with pid: keys act on that process, never on a reused pid */
};

struct tui_page {
	struct tui_page_line *items;	/* not "lines": term.h defines that */
	size_t n, cap;
	struct tui_list list;
};

void tui_page_clear(struct tui_page *pg);
void tui_page_add(struct tui_page *pg, enum tui_style style, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tui_page_mark(struct tui_page *pg, int pid, uint64_t start_ticks);	/* the last line added */
void tui_page_free(struct tui_page *pg);
/* The selected line when the page has a selection (not a pager) and it shows a process. */
const struct tui_page_line *tui_page_selected(const struct tui_page *pg);

/* An analysis screen: a report's document, built again at each refresh. */
struct tui_analysis {
	const char *title;
	const struct report_kind *report;
	bool select;		/* a selected line, not a pager: keys act on the process it shows */
};

/* What O and S show: the reports of ui/oomview.c and ui/sysview.c. */
extern const struct tui_analysis tui_oom_analysis, tui_system_analysis;

/* The prompt on the bottom line, or a yes/no question. */
struct tui_prompt {
	bool active, yes_no;
	char label[160];
	char text[TUI_PROMPT_MAX];
	size_t len;
	unsigned (*done)(struct tui *t, const char *text);	/* Enter; yes/no: "y" or "" */
	unsigned (*changed)(struct tui *t, const char *text);	/* the text changed, or NULL */
	unsigned (*cancel)(struct tui *t);			/* Esc, or NULL */
};

struct tui_detail {
	int pid;
	uint64_t start_ticks;
	const struct proc *p;	/* this refresh's, or NULL when the process exited */
	char comm[64];		/* kept for the title after it exited (raw bytes) */
	size_t *order;		/* mapping rows in display order */
	size_t norder, caporder;
	int sort;		/* index into maptable_short */
	int addr_width;		/* 12 hex digits, 16 when a mapping lies above 2^48 */
	int colw[MT_COUNT];	/* the width of each numeric maptable column, this frame */
	struct tui_list list;
};

/* A subtree the tree view folds into its top row. */
struct tui_fold {
	int pid;
	uint64_t start_ticks;
};

struct tui_procs {
	struct tui_list list;	/* over the rows shown: processes, tree nodes or groups */
	const struct proc **rows;	/* the snapshot's selected processes, in the view's order */
	size_t caprows;
	int sel_pid;		/* the selected process, followed across refreshes */
	uint64_t sel_start;
	size_t nrows;		/* processes in rows */
	struct tree forest;	/* with view.tree (t): parents above children */
	size_t *shown;		/* tree: the nodes listed (a folded subtree shows its top) */
	size_t nshown, capshown;
	struct tui_fold *folded;
	size_t nfolded;
	struct group_set groups;	/* with view.grouped (g) */
	struct group total;	/* of every row: the line under the list */
	char sel_key[256];	/* the selected group, followed across refreshes */
	int hscroll;		/* columns of the command line scrolled off (Left, Right) */
	bool stale;		/* the live filter changed: the rows are made again before drawing */
	int table_y;		/* screen line of the first row at the last draw */
	int col_x[FLD_COUNT + 1];	/* where each column title starts (a click sorts) */
	enum field_id col_id[FLD_COUNT];
	int ncol_x;
};

/* F3: the pattern searched for among the rows (not a filter: every row stays). */
struct tui_search {
	struct filter *f;	/* owned; NULL when there is no search */
	size_t from;		/* the row the search started from, while typing */
	bool typing;
	bool pending;		/* the pattern changed: looked for before the next frame */
};

struct tui_fields {
	enum field_id order[FLD_COUNT];	/* shown columns first, then the rest */
	struct tui_list list;
};

struct tui {
	const struct run_config *rc;
	struct snapsource *source;	/* the machine, or a recording (-r) */
	const struct snapshot *snap;	/* the source's, valid until the next refresh */
	unsigned snap_need;		/* SRC_* the last refresh read for every process */
	unsigned snap_parts;		/* SNAP_* it computed */
	unsigned snap_need_all;		/* SRC_* it read for every process, selected or not */
	bool sample_asked;		/* a key asked for a sample: taken even while paused */
	double next_sample, last_sample;	/* monotonic seconds */
	double fill_seconds;		/* reading done for the rows on screen since the refresh */
	long samples;

	/* settings, saved with W */
	struct view_settings view;
	struct filter *filter;		/* owned */
	size_t filter_skipped;		/* its filter_skipped() at the last refresh */
	bool by_uid;
	uint32_t uid;
	char user_name[64];

	const struct tui_screen *stack[8];
	int depth;
	struct tui_procs procs;
	struct tui_detail detail;
	struct tui_fields chooser;
	struct tui_page help, analysis;
	const struct tui_analysis *analysis_src;
	struct tui_prompt prompt;
	struct {
		int pid;
		uint64_t start_ticks;
		int sig;
		char comm[64];
	} kill;
	struct {
		int pid;
		uint64_t start_ticks;
		int value;
		char comm[64];
	} oom_adj;

	char message[256];
	bool message_error;
	double message_until;
	bool utf8;			/* the locale can show ▼ and box characters */

	bool paused;			/* Z: no sampling until Z again (or a key that needs one) */
	bool fresh;			/* the next sample reads every figure, reusing none */
	struct tui_search search;
	struct filter *preview;		/* the filter being typed, applied to the rows live (owned) */
	bool previewing;		/* the filter prompt is open: rows come from every process */
	bool mouse;			/* mouse reporting is on */
	struct tui_sort_menu {
		enum field_id order[FLD_COUNT];
		struct tui_list list;
	} sort_menu;
};

/* tui.c: the loop's services. */
double tui_now(void);
const struct tui_screen *tui_top(const struct tui *t);
void tui_push(struct tui *t, const struct tui_screen *scr);
unsigned tui_pop(struct tui *t);
void tui_message(struct tui *t, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* tui-term.c: the terminal. */
int tui_term_open(const struct run_config *rc);	/* 0, or RUN_EXIT_RUNTIME after a message */
void tui_term_close(void);
int tui_term_wait(double seconds);		/* waits for a key or a signal; returns a key,
						   0 on timeout, -1 when a quit signal came */
int tui_term_quit_signal(void);			/* the signal that asked to quit, or 0 */
const volatile sig_atomic_t *tui_term_quit_flag(void);	/* set by that signal's handler */
void tui_term_resized(void);			/* brings curses to the terminal's size */
void tui_term_restore_add(const char *seq);	/* written too when the terminal is restored in
						   an emergency (a signal): mouse reports off */
bool tui_term_take_resize(void);		/* a SIGWINCH/SIGCONT came since the last call */

/* tui-draw.c: drawing, clipped to the screen whatever its size. */
void tui_styles_init(bool color);
/* Text, sanitized whoever wrote it, cut at maxx (and the screen); return the x after it. */
int tui_put(int y, int x, int maxx, const char *s, enum tui_style st);
int tui_put_raw(int y, int x, int maxx, const char *s, size_t len, enum tui_style st);
/* The same with the first skip display columns of the sanitized text left out. */
int tui_put_skip(int y, int x, int maxx, const char *s, size_t len, int skip, enum tui_style st);
int tui_cell(int y, int x, int width, const char *s, size_t len, bool right, enum tui_style st);
void tui_fill(int y, int x, int maxx, enum tui_style st);
int tui_printf(int y, int x, int maxx, enum tui_style st, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void tui_draw_status(struct tui *t, const char *hints);
void tui_draw_too_small(void);
const char *tui_sort_glyph(const struct tui *t, bool ascending);

/* tui-list.c: the list widget. */
void tui_list_set_count(struct tui_list *l, size_t n);
void tui_list_set_height(struct tui_list *l, int height);
bool tui_list_key(struct tui_list *l, int key);
void tui_list_select(struct tui_list *l, size_t i);
void tui_page_draw(struct tui_page *pg, int y, int height);

/* tui-header.c: the machine's memory above the list. */
int tui_header_height(void);
void tui_header_draw(struct tui *t);

/* The screens. */
extern const struct tui_screen tui_procs_screen, tui_detail_screen, tui_help_screen,
	tui_fields_screen, tui_oom_screen, tui_system_screen, tui_sort_screen;
void tui_detail_close(struct tui *t);
unsigned tui_detail_sort_key(struct tui *t, int key);
unsigned tui_procs_move_sort(struct tui *t, int step);
const struct proc *tui_procs_selected(struct tui *t);	/* the list's, or the detail's process */
bool tui_filtered(const struct tui *t);	/* a filter, u, K or -p chooses the rows */
void tui_procs_restart(struct tui *t);	/* the rows changed (filter, user, K): back to the top */
unsigned tui_fields_key(struct tui *t, int key);

/* tui-procs.c: the list's modes and the keys that act on its rows. */
unsigned tui_procs_need_all(const struct tui *t);	/* SRC_* every process needs (live filter) */
unsigned tui_procs_tree(struct tui *t, int key);	/* t F5 */
unsigned tui_procs_fold(struct tui *t, int key);	/* - + */
unsigned tui_procs_group(struct tui *t, int key);	/* g */
unsigned tui_procs_scroll(struct tui *t, int key);	/* Left Right */
unsigned tui_procs_sort_by(struct tui *t, enum field_id id);
size_t tui_procs_count(const struct tui *t);		/* rows listed */
const struct proc *tui_procs_row(const struct tui *t, size_t k);	/* NULL for a group */
const struct group *tui_procs_group_row(const struct tui *t, size_t k);
void tui_procs_rebuild(struct tui *t);	/* the rows again, from the snapshot (or the preview) */

/* tui-table.c: the process list drawn: column titles, rows, the totals line. */
void tui_table_draw(struct tui *t, int y, int height);
int tui_table_title_height(void);

/* tui-search.c: F3 search, n N, and the filter applied as it is typed. */
unsigned tui_search_open(struct tui *t, int key);
unsigned tui_search_next(struct tui *t, int key);
void tui_search_free_pattern(struct tui *t);	/* the search ends */
void tui_search_free(struct tui *t);
void tui_search_pending(struct tui *t);		/* before drawing: what typing asked for */
void tui_preview_update(struct tui *t);			/* the filter prompt's text changed */
void tui_preview_end(struct tui *t);
bool tui_preview_selects(struct tui *t, const struct proc *p);

/* tui-mouse.c: mouse reporting and what a click or the wheel does. */
void tui_mouse_enable(struct tui *t, bool on);
unsigned tui_mouse_key(struct tui *t, int key);

/* tui-menu.c: F6, the sort menu. */
unsigned tui_sort_menu_open(struct tui *t, int key);
unsigned tui_sort_menu_key(struct tui *t, int key);	/* Enter: sort by the field selected */

/* tui-keys.c: the one key table; help is generated from it. */
unsigned tui_keys_dispatch(struct tui *t, int key);
void tui_keys_help(struct tui *t, struct tui_page *pg);

/* tui-prompt.c: the bottom-line prompt and the actions that use it. */
unsigned tui_prompt_key(struct tui *t, int key);
void tui_prompt_draw(struct tui *t, int y);
unsigned tui_prompt_filter(struct tui *t, int key);
void tui_prompt_open(struct tui *t, const char *label, const char *initial,
		     unsigned (*done)(struct tui *t, const char *text));
unsigned tui_prompt_user(struct tui *t, int key);
unsigned tui_prompt_delay(struct tui *t, int key);
unsigned tui_prompt_kill(struct tui *t, int key);
unsigned tui_prompt_oom_adj(struct tui *t, int key);

/* tui-time.c: time travel in a recording. */
unsigned tui_time_step(struct tui *t, int key);		/* [ ] */
unsigned tui_time_prompt(struct tui *t, int key);	/* b */
bool tui_time_live_only(struct tui *t, const char *what);	/* false, with a message, in a replay */

/* tui-settings.c: memtoprc. */
void tui_settings_load(struct tui *t);
unsigned tui_settings_save(struct tui *t);
bool tui_settings_filter(struct tui *t, const char *pattern);	/* false, with a message, when bad */

#endif
