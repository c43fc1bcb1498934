/* Settings: the command line, over memtoprc (unless --no-config), over the defaults; W
 * writes the current ones back. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "memtoprc.h"
#include "tui.h"

struct settings_warnings {
	unsigned count, first_line;
	char first[200];
};

static void settings_warn(void *ctx, unsigned line, const char *msg)
{
	struct settings_warnings *w = ctx;

	if (w->count++ == 0) {
		w->first_line = line;
		snprintf(w->first, sizeof w->first, "%s", msg);
	}
}

static void settings_report(struct tui *t, int rc, const struct settings_warnings *w)
{
	if (rc == -EPERM)
		tui_message(t, true, "memtoprc ignored: not your own regular file, or memtop runs privileged");
	else if (rc == -EACCES)
		tui_message(t, true, "memtoprc ignored: group or others may write it (chmod go-w)");
	else if (rc < 0 && rc != -ENOENT)
		tui_message(t, true, "memtoprc not read: %s", strerror(-rc));
	else if (w->count > 1)
		tui_message(t, true, "memtoprc line %u: %s (and %u more warning%s)", w->first_line, w->first,
			    w->count - 1, w->count == 2 ? "" : "s");
	else if (w->count)
		tui_message(t, true, "memtoprc line %u: %s", w->first_line, w->first);
}

bool tui_settings_filter(struct tui *t, const char *pattern)
{
	struct filter *f = NULL;
	char err[256];

	if (*pattern) {
		f = filter_create(pattern, err, sizeof err);
		if (!f) {
			tui_message(t, true, "bad pattern: %s", err);
			return false;
		}
	}
	if (f)
		filter_set_stop(f, tui_term_quit_flag());	/* a refresh ends at once on a quit signal */
	filter_free(t->filter);
	t->filter = f;
	t->filter_skipped = 0;
	tui_procs_restart(t);
	return true;
}

static void settings_initial_filter(struct tui *t, const struct memtoprc *c)
{
	const char *pattern = NULL;

	if (t->rc->filter_pattern)
		pattern = t->rc->filter_pattern;
	else if (c->has & MEMTOPRC_HAS_FILTER)
		pattern = c->filter;
	if (pattern)
		tui_settings_filter(t, pattern);
}

void tui_settings_load(struct tui *t)
{
	const struct run_config *rc = t->rc;
	struct settings_warnings w = { 0 };
	struct memtoprc c = { 0 };
	int r = 0;

	if (!rc->no_config)
		r = memtoprc_load(&c, settings_warn, &w);
	memcpy(t->view.cols, rc->cols, rc->ncols * sizeof *t->view.cols);
	t->view.ncols = rc->ncols;
	if (!rc->cols_set && (c.has & MEMTOPRC_HAS_FIELDS)) {
		memcpy(t->view.cols, c.view.cols, c.view.ncols * sizeof *t->view.cols);
		t->view.ncols = c.view.ncols;
	}
	t->view.sort = !rc->sort_set && (c.has & MEMTOPRC_HAS_SORT) ? c.view.sort : rc->sort;
	t->view.ascending = !rc->sort_set && (c.has & MEMTOPRC_HAS_ORDER) && c.view.ascending;
	t->view.delay = !rc->delay_set && (c.has & MEMTOPRC_HAS_DELAY) ? c.view.delay : rc->delay;
	t->view.unit = c.has & MEMTOPRC_HAS_UNITS ? c.view.unit : rc->unit;
	t->view.hide_kthreads = (c.has & MEMTOPRC_HAS_KTHREADS) && c.view.hide_kthreads;
	t->view.tree = (c.has & MEMTOPRC_HAS_TREE) && c.view.tree;
	t->view.grouped = (c.has & MEMTOPRC_HAS_GROUP) && c.view.grouped;
	t->view.group_by = c.view.group_by;
	if (rc->grouped) {
		t->view.grouped = true;
		t->view.group_by = rc->group_by;
	}
	t->view.no_mouse = rc->no_mouse || ((c.has & MEMTOPRC_HAS_MOUSE) && c.view.no_mouse);
	t->by_uid = rc->by_uid;
	t->uid = rc->uid;
	if (t->by_uid)
		snprintf(t->user_name, sizeof t->user_name, "%u", (unsigned)t->uid);
	settings_initial_filter(t, &c);
	settings_report(t, r, &w);
}

unsigned tui_settings_save(struct tui *t)
{
	struct memtoprc c = { 0 };
	char path[4200];
	int r;

	c.has = MEMTOPRC_HAS_FIELDS | MEMTOPRC_HAS_SORT | MEMTOPRC_HAS_ORDER | MEMTOPRC_HAS_DELAY |
		MEMTOPRC_HAS_UNITS | MEMTOPRC_HAS_FILTER | MEMTOPRC_HAS_KTHREADS | MEMTOPRC_HAS_TREE |
		MEMTOPRC_HAS_GROUP | MEMTOPRC_HAS_MOUSE;
	c.view = t->view;
	if (t->filter && strlen(filter_pattern(t->filter)) > MEMTOPRC_PATTERN_MAX) {
		tui_message(t, true, "settings not written: the filter is longer than %d bytes", MEMTOPRC_PATTERN_MAX);
		return TR_REDRAW;
	}
	snprintf(c.filter, sizeof c.filter, "%s", t->filter ? filter_pattern(t->filter) : "");
	r = memtoprc_save(&c, path, sizeof path);
	if (r == -ELOOP)
		tui_message(t, true, "settings not written: %s is a symbolic link", path);
	else if (r == -EPERM)
		tui_message(t, true, "settings not written: %s is not yours alone (another user's, "
			    "or others may write in it)", path);
	else if (r == -ENOTSUP)
		tui_message(t, true, "settings not written: memtop runs setuid or with file capabilities");
	else if (r == -EBADMSG)
		tui_message(t, true, "settings not written: memtop could not read them back (the filter?)");
	else if (r < 0)
		tui_message(t, true, "settings not written to %s: %s", path, strerror(-r));
	else
		tui_message(t, false, "settings written to %s", path);
	return TR_REDRAW;
}
