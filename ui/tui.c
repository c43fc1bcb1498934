/* The interactive view: one loop samples when due, draws when something changed, and waits
 * for a key or a signal. Keys go through the key table to actions that return reactions;
 * nothing but the loop draws. */
#include <curses.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errtext.h"
#include "sanitize.h"
#include "tui.h"

double tui_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

const struct tui_screen *tui_top(const struct tui *t)
{
	return t->stack[t->depth - 1];
}

void tui_push(struct tui *t, const struct tui_screen *scr)
{
	if (t->depth == (int)(sizeof t->stack / sizeof t->stack[0]))
		return;
	t->stack[t->depth++] = scr;
	if (scr->open)
		scr->open(t);
}

unsigned tui_pop(struct tui *t)
{
	if (t->depth <= 1)
		return TR_NONE;
	if (tui_top(t)->id == TS_DETAIL)
		tui_detail_close(t);
	t->depth--;
	return TR_RESORT;	/* what was below may have changed (columns, sort) */
}

void tui_message(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->message, sizeof t->message, fmt, ap);
	va_end(ap);
	t->message_error = error;
	t->message_until = tui_now() + TUI_MESSAGE_SECONDS;
}

static unsigned tui_need(const struct tui *t)
{
	const struct tui_screen *scr = tui_top(t);

	return SRC_STAT | (scr->need ? scr->need(t) : 0);
}

static unsigned tui_parts(const struct tui *t)
{
	const struct tui_screen *scr = tui_top(t);

	return scr->parts ? scr->parts(t) : 0;
}

bool tui_filtered(const struct tui *t)
{
	return t->filter || t->by_uid || t->view.hide_kthreads || t->rc->npids;
}

/* Tells every screen on the stack: each may hold pointers into the previous snapshot. */
static void tui_rebuild(struct tui *t)
{
	for (int i = 0; i < t->depth; i++) {
		if (t->stack[i]->sampled)
			t->stack[i]->sampled(t);
	}
}

/* An idle process's PSS may be this old when it only decides its place in the order: every
 * re-read is a page-table walk, 1,000 of them each bound at 1,000 processes. */
#define TUI_SORT_REUSE_MAX_AGE 60.0

static int tui_sample(struct tui *t, char *err, size_t errsz)
{
	struct sample_request req = {
		.need = tui_need(t),
		.need_all = tui_procs_need_all(t),
		.parts = tui_parts(t),
		.sel = run_selection(t->rc),
		/* to sort on (and in the list's sums, marked): the rows on screen are read afresh
		 * when drawn (sampler_fill); an analysis screen shows every process it covers, and
		 * Space asks for every figure afresh, so nothing is reused then */
		.reuse_max_age = t->fresh || (tui_parts(t) && tui_top(t)->id != TS_LIST) ? 0 : TUI_SORT_REUSE_MAX_AGE,
		.trend = t->rc->trend,
	};
	double start = tui_now();
	int rc;

	req.sel.by_uid = t->by_uid;
	req.sel.uid = t->uid;
	req.sel.filter = t->filter;
	req.sel.hide_kthreads = t->view.hide_kthreads;
	rc = source_refresh(t->source, &req, &t->snap);
	if (rc < 0) {
		snprintf(err, errsz, "cannot read processes: %s", errtext(-rc));
		return -1;
	}
	if (t->filter && filter_skipped(t->filter) > t->filter_skipped) {
		tui_message(t, true, "filter: %zu names or command lines not matched yet (matching is bounded: "
			    "%.1f s a refresh)", filter_skipped(t->filter) - t->filter_skipped, FILTER_BURST_SECONDS);
		t->filter_skipped = filter_skipped(t->filter);
	}
	t->snap_need = req.need;
	t->snap_need_all = req.need_all;
	t->snap_parts = req.parts;
	t->sample_asked = t->fresh = false;
	t->samples++;
	t->last_sample = start;
	/* a recorded moment stays until the keys move it */
	t->next_sample = source_is_live(t->source) ? start + t->view.delay : HUGE_VAL;
	t->fill_seconds = 0;
	tui_rebuild(t);
	return 0;
}

static void tui_draw(struct tui *t)
{
	const struct tui_screen *scr = tui_top(t);

	erase();
	if (COLS < TUI_MIN_COLS || LINES < TUI_MIN_LINES) {
		curs_set(0);
		tui_draw_too_small();
	} else {
		if (scr->prepare)
			scr->prepare(t);
		scr->draw(t);
	}
	refresh();
}

/* Seconds until something is due: a sample, or a message to take down. */
static double tui_wait_time(const struct tui *t, double now)
{
	double w = t->paused ? 86400 : t->next_sample - now;

	if (t->message[0] && t->message_until > now && t->message_until - now < w)
		w = t->message_until - now;
	return w;
}

static unsigned tui_handle_key(struct tui *t, int key)
{
	if (t->prompt.active)
		return tui_prompt_key(t, key);
	return tui_keys_dispatch(t, key);
}

/* Applies a key's reaction; false when it asks to quit. */
static bool tui_react(struct tui *t, int key, bool *dirty)
{
	unsigned r = tui_handle_key(t, key);

	if (r & TR_QUIT)
		return false;
	if ((r & TR_SAMPLE) == TR_SAMPLE) {
		t->next_sample = 0;
		t->sample_asked = true;
	} else if ((r & TR_RESORT) == TR_RESORT) {
		tui_rebuild(t);
	}
	*dirty = *dirty || r != TR_NONE;
	return true;
}

static int tui_loop(struct tui *t, char *err, size_t errsz)
{
	bool dirty = true;

	for (;;) {
		double now = tui_now();
		int key;

		if (tui_term_take_resize()) {
			tui_term_resized();
			dirty = true;
		}
		if ((now >= t->next_sample && !t->paused) || t->sample_asked || (tui_need(t) & ~t->snap_need) ||
		    (tui_parts(t) & ~t->snap_parts) || (tui_procs_need_all(t) & ~t->snap_need_all)) {
			if (t->rc->iterations && t->samples >= t->rc->iterations)
				return 0;
			if (tui_sample(t, err, errsz) < 0)
				return RUN_EXIT_RUNTIME;
			dirty = true;
		}
		if (t->message[0] && now >= t->message_until) {
			t->message[0] = '\0';
			dirty = true;
		}
		if (dirty)
			tui_draw(t);
		dirty = false;
		/* every key typed so far is handled before the next sample, however long
		 * sampling takes */
		for (key = tui_term_wait(tui_wait_time(t, tui_now())); key > 0; key = tui_term_wait(0)) {
			if (!tui_react(t, key, &dirty))
				return 0;
		}
		if (key < 0)
			return 0;
	}
}

static void tui_free(struct tui *t)
{
	tui_detail_close(t);
	tui_page_free(&t->help);
	tui_page_free(&t->analysis);
	free(t->procs.rows);
	free(t->procs.shown);
	free(t->procs.folded);
	tree_free(&t->procs.forest);
	group_set_free(&t->procs.groups);
	group_free(&t->procs.total);
	tui_search_free(t);
	filter_free(t->filter);
	source_free(t->source);
}

int tui_run(const struct run_config *rc)
{
	struct tui t = { .rc = rc };
	char err[256] = "";
	int status, sig;

	t.source = run_source(rc);
	if (!t.source)
		return RUN_EXIT_RUNTIME;
	t.utf8 = sanitize_width("\xe2\x96\xbc", 3) == 1;	/* ▼ shows as itself */
	tui_settings_load(&t);
	status = tui_term_open(rc);
	if (status) {
		tui_free(&t);
		return status;
	}
	tui_mouse_enable(&t, !t.view.no_mouse);
	tui_push(&t, &tui_procs_screen);
	status = tui_loop(&t, err, sizeof err);
	tui_term_close();
	sig = tui_term_quit_signal();
	tui_free(&t);
	if (err[0])
		run_error("%s", err);
	if (status == 0 && sig) {
		/* the terminal is back: now die of the signal, as the caller expects */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return status;
}
