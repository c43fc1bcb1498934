/* F3 searches the rows (every row stays; the selection goes to the next match, as in htop),
 * n and N go to the next and the previous one; and the filter prompt applies its pattern as
 * it is typed. Both match with lib/filter.c: PCRE2 under its limits and a time budget, so a
 * hostile command line cannot make typing stall; what it had no time for counts as no match
 * until the next look. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

#define SEARCH_LABEL "Search (PCRE2; Enter keeps it for n N, Esc ends it): "
#define SEARCH_LABEL_NONE "Search (no match): "

/* Whether row k (a process: its name or command line; a group: its key) matches. */
static bool search_matches(struct tui *t, size_t k)
{
	const struct proc *p = tui_procs_row(t, k);
	const struct group *g = tui_procs_group_row(t, k);
	struct filter *f = t->search.f;

	if (!f)
		return false;
	if (g)
		return filter_match(f, g->key, strlen(g->key));
	if (!p)
		return false;
	if (filter_match(f, p->comm, strlen(p->comm)))
		return true;
	if (!(p->have & SRC_CMDLINE))
		source_fill(t->source, p, SRC_CMDLINE);	/* the next refresh reads them for all */
	return p->cmdline && filter_match(f, p->cmdline, p->cmdline_len);
}

/* Selects the first match from row `from` on (step 1) or back (step -1), going round;
 * false when no row matches. */
static bool search_go(struct tui *t, size_t from, int step)
{
	size_t n = tui_procs_count(t);

	for (size_t i = 0; i < n; i++) {
		size_t k = step > 0 ? (from + i) % n : (from + n - i % n) % n;

		if (search_matches(t, k)) {
			tui_list_select(&t->procs.list, k);
			t->procs.sel_pid = 0;
			t->procs.sel_key[0] = '\0';
			if (tui_procs_row(t, k)) {
				t->procs.sel_pid = tui_procs_row(t, k)->pid;
				t->procs.sel_start = tui_procs_row(t, k)->start_ticks;
			} else if (tui_procs_group_row(t, k)) {
				snprintf(t->procs.sel_key, sizeof t->procs.sel_key, "%s", tui_procs_group_row(t, k)->key);
			}
			return true;
		}
	}
	return false;
}

/* The pattern as typed so far; a pattern that does not compile yet keeps the last one. */
static unsigned search_changed(struct tui *t, const char *text)
{
	char err[256];
	struct filter *f = *text ? filter_create(text, err, sizeof err) : NULL;

	if (*text && !f)
		return TR_REDRAW;
	filter_free(t->search.f);
	t->search.f = f;
	if (f)
		filter_set_stop(f, tui_term_quit_flag());
	t->search.pending = true;	/* looked for once before the next frame, not at each key */
	return TR_REDRAW;
}

void tui_search_pending(struct tui *t)
{
	if (!t->search.pending)
		return;
	t->search.pending = false;
	if (t->prompt.active && t->search.typing)
		snprintf(t->prompt.label, sizeof t->prompt.label, "%s", !t->search.f ||
			 search_go(t, t->search.from, 1) ? SEARCH_LABEL : SEARCH_LABEL_NONE);
}

static unsigned search_done(struct tui *t, const char *text)
{
	t->search.typing = false;
	t->search.pending = false;
	if (!t->search.f)
		return TR_REDRAW;
	if (!search_go(t, t->procs.list.sel, 1))
		tui_message(t, true, "no row matches '%s'", text);
	else
		tui_message(t, false, "n: next match, N: the one before");
	return TR_REDRAW;	/* the next refresh reads every row's command line (procs_need) */
}

static unsigned search_cancel(struct tui *t)
{
	t->search.typing = false;
	t->search.pending = false;
	filter_free(t->search.f);
	t->search.f = NULL;
	return TR_REDRAW;
}

unsigned tui_search_open(struct tui *t, int key)
{
	t->search.from = t->procs.list.sel;
	t->search.typing = true;
	tui_prompt_open(t, SEARCH_LABEL, t->search.f ? filter_pattern(t->search.f) : "", search_done);
	t->prompt.changed = search_changed;
	t->prompt.cancel = search_cancel;
	return TR_REDRAW;
}

/* n: the next match below the selection, N: above. */
unsigned tui_search_next(struct tui *t, int key)
{
	int step = key == 'N' ? -1 : 1;
	size_t n = tui_procs_count(t), sel = t->procs.list.sel;

	if (!t->search.f) {
		tui_message(t, true, "nothing searched for yet: F3 searches");
		return TR_REDRAW;
	}
	if (n == 0 || !search_go(t, step > 0 ? (sel + 1) % n : (sel + n - 1) % n, step))
		tui_message(t, true, "no row matches '%s'", filter_pattern(t->search.f));
	return TR_REDRAW;
}

void tui_search_free_pattern(struct tui *t)
{
	filter_free(t->search.f);
	t->search.f = NULL;
}

void tui_search_free(struct tui *t)
{
	tui_search_free_pattern(t);
	filter_free(t->preview);
	t->preview = NULL;
}

/* ---- the filter, live ---- */

/* The filter prompt's text, compiled: the rows follow it at the next draw. Text that does not
 * compile yet keeps the rows of the last pattern that did. */
void tui_preview_update(struct tui *t)
{
	char err[256];
	const char *text = t->prompt.text;
	struct filter *f = *text ? filter_create(text, err, sizeof err) : NULL;

	if (*text && !f)
		return;
	if (f)
		filter_set_stop(f, tui_term_quit_flag());
	filter_free(t->preview);
	t->preview = f;
	t->procs.list.sel = t->procs.list.top = 0;
}

void tui_preview_end(struct tui *t)
{
	t->previewing = false;
	filter_free(t->preview);
	t->preview = NULL;
}

/* What the sampler's selection would say with the typed pattern as the filter: -p, u and K
 * as they are, never memtop itself (as pgrep). */
bool tui_preview_selects(struct tui *t, const struct proc *p)
{
	const struct run_config *rc = t->rc;

	if (rc->npids) {
		size_t i;

		for (i = 0; i < rc->npids && rc->pids[i] != p->pid; i++)
			;
		if (i == rc->npids)
			return false;
	}
	if ((t->by_uid && p->uid != t->uid) || (t->view.hide_kthreads && p->kernel_thread))
		return false;
	if (!t->preview)
		return true;
	if (p->pid == getpid() && !rc->npids)
		return false;
	if (filter_match(t->preview, p->comm, strlen(p->comm)))
		return true;
	return p->cmdline && filter_match(t->preview, p->cmdline, p->cmdline_len);
}
