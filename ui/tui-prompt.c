/* The bottom-line prompt (Enter applies, Esc cancels) and the actions that ask something
 * first: the filter, the user, the delay, the signal to send, and oom_score_adj. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <wchar.h>

#include "memtoprc.h"
#include "oomadj.h"
#include "pidfd.h"
#include "sanitize.h"
#include "tui.h"
#include "uid.h"

void tui_prompt_open(struct tui *t, const char *label, const char *initial,
		     unsigned (*done)(struct tui *t, const char *text))
{
	struct tui_prompt *p = &t->prompt;

	p->active = true;
	p->yes_no = false;
	snprintf(p->label, sizeof p->label, "%s", label);
	snprintf(p->text, sizeof p->text, "%s", initial ? initial : "");
	p->len = strlen(p->text);
	p->done = done;
	p->changed = NULL;
	p->cancel = NULL;
}

static void prompt_ask(struct tui *t, const char *label, unsigned (*done)(struct tui *t, const char *text))
{
	tui_prompt_open(t, label, NULL, done);
	t->prompt.yes_no = true;
}

/* Removes the last character, whole even when it is several bytes. */
static void prompt_backspace(struct tui_prompt *p)
{
	while (p->len > 0) {
		unsigned char c = (unsigned char)p->text[--p->len];

		if ((c & 0xc0) != 0x80)
			break;
	}
	p->text[p->len] = '\0';
}

static void prompt_insert(struct tui_prompt *p, int key)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)key, &st);
	if (n == (size_t)-1 || p->len + n >= sizeof p->text)
		return;
	memcpy(p->text + p->len, mb, n);
	p->len += n;
	p->text[p->len] = '\0';
}

unsigned tui_prompt_key(struct tui *t, int key)
{
	struct tui_prompt *p = &t->prompt;
	unsigned (*done)(struct tui *t, const char *text) = p->done;

	if (p->yes_no) {
		p->active = false;
		return done(t, key == 'y' || key == 'Y' ? "y" : "");
	}
	switch (key) {
	case TUI_KEY_ESC:
		p->active = false;
		return p->cancel ? p->cancel(t) : TR_REDRAW;
	case TUI_KEY_ENTER:
	case '\r':
	case KEY_ENTER | TUI_FKEY:
		p->active = false;
		return done(t, p->text);
	case KEY_BACKSPACE | TUI_FKEY:
	case 127:
	case 8:
		prompt_backspace(p);
		break;
	case TUI_CTRL('u'):
		p->len = 0;
		p->text[0] = '\0';
		break;
	default:
		if (key >= ' ' && key != 127 && !(key & TUI_FKEY) && !(key >= 0x80 && key < 0xa0))
			prompt_insert(p, key);
		else
			return TR_REDRAW;
		break;
	}
	return p->changed ? p->changed(t, p->text) : TR_REDRAW;
}

/* The label, then as much of the end of the text as fits, then the cursor. */
void tui_prompt_draw(struct tui *t, int y)
{
	struct tui_prompt *p = &t->prompt;
	const char *s = p->text;
	int x;

	tui_fill(y, 0, COLS, STY_NORMAL);
	x = tui_put(y, 0, COLS, p->label, STY_LABEL);
	while (*s && x + (int)sanitize_width(s, strlen(s)) >= COLS) {
		s++;
		while ((*s & 0xc0) == 0x80)
			s++;
	}
	x = tui_put(y, x, COLS, s, STY_VALUE);
	if (x < COLS) {
		move(y, x);
		curs_set(1);
	}
}

static unsigned prompt_filter_done(struct tui *t, const char *text)
{
	tui_preview_end(t);
	if (!tui_settings_filter(t, text))
		return TR_RESORT;	/* the old filter stays */
	return TR_SAMPLE;
}

/* The rows are made again once before the next frame, however many keys came: matching
 * each key's pattern would cost a filter's burst per key. */
static unsigned prompt_filter_changed(struct tui *t, const char *text)
{
	tui_preview_update(t);
	t->procs.stale = true;
	return TR_REDRAW;
}

static unsigned prompt_filter_cancel(struct tui *t)
{
	tui_preview_end(t);
	return TR_RESORT;
}

/* The rows follow the pattern as it is typed (tui-search.c); Enter keeps it, Esc goes back. */
unsigned tui_prompt_filter(struct tui *t, int key)
{
	tui_prompt_open(t, "Filter (PCRE2, empty shows all): ", t->filter ? filter_pattern(t->filter) : "",
			prompt_filter_done);
	t->prompt.changed = prompt_filter_changed;
	t->prompt.cancel = prompt_filter_cancel;
	t->previewing = true;
	tui_preview_update(t);
	return TR_RESORT;
}

static unsigned prompt_user_done(struct tui *t, const char *text)
{
	struct passwd *pw;
	uint32_t uid;

	if (!*text) {
		t->by_uid = false;
	} else if ((pw = getpwnam(text))) {
		t->by_uid = true;
		t->uid = pw->pw_uid;
	} else {
		if (uid_parse(text, &uid) < 0) {
			tui_message(t, true, "no user named '%s'", text);
			return TR_REDRAW;
		}
		t->by_uid = true;
		t->uid = uid;
	}
	snprintf(t->user_name, sizeof t->user_name, "%s", text);
	tui_procs_restart(t);
	return TR_SAMPLE;
}

unsigned tui_prompt_user(struct tui *t, int key)
{
	tui_prompt_open(t, "Show user (name or uid, empty shows all): ", t->by_uid ? t->user_name : "", prompt_user_done);
	return TR_REDRAW;
}

static unsigned prompt_delay_done(struct tui *t, const char *text)
{
	double d;

	if (memtoprc_parse_delay(text, &d) < 0) {
		tui_message(t, true, "the delay is seconds from %g to %g, not '%s'", MEMTOPRC_DELAY_MIN,
			    MEMTOPRC_DELAY_MAX, text);
		return TR_REDRAW;
	}
	t->view.delay = d;
	t->next_sample = t->last_sample + d;
	tui_message(t, false, "refreshing every %g seconds", d);
	return TR_REDRAW;
}

unsigned tui_prompt_delay(struct tui *t, int key)
{
	char cur[32];

	snprintf(cur, sizeof cur, "%g", t->view.delay);
	tui_prompt_open(t, "Delay in seconds: ", cur, prompt_delay_done);
	return TR_REDRAW;
}

/* "TERM", "SIGTERM", "term" or "15"; 0 when none. */
static int prompt_signal(const char *s)
{
	char *end;
	long v;

	if (!*s)
		return SIGTERM;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	v = strtol(s, &end, 10);
	if (end != s && !*end)
		return v > 0 && v <= SIGRTMAX ? (int)v : 0;
	for (int sig = 1; sig < SIGRTMIN; sig++) {
		const char *name = sigabbrev_np(sig);

		if (name && strcasecmp(name, s) == 0)
			return sig;
	}
	return 0;
}

static const char *prompt_signame(int sig, char *buf, size_t n)
{
	const char *name = sigabbrev_np(sig);

	if (name)
		snprintf(buf, n, "SIG%s", name);
	else
		snprintf(buf, n, "signal %d", sig);
	return buf;
}

static unsigned prompt_kill_confirmed(struct tui *t, const char *yes)
{
	char name[32];
	int rc;

	prompt_signame(t->kill.sig, name, sizeof name);
	if (!*yes) {
		tui_message(t, false, "%s not sent", name);
		return TR_REDRAW;
	}
	rc = pidfd_signal_checked(t->kill.pid, t->kill.start_ticks, t->kill.sig);
	if (rc == 0)
		tui_message(t, false, "sent %s to %d %s", name, t->kill.pid, t->kill.comm);
	else if (rc == -ESRCH)
		tui_message(t, true, "%d %s has exited: nothing sent", t->kill.pid, t->kill.comm);
	else
		tui_message(t, true, "cannot send %s to %d %s: %s", name, t->kill.pid, t->kill.comm, strerror(-rc));
	return TR_SAMPLE;
}

static unsigned prompt_kill_signal(struct tui *t, const char *text)
{
	char label[160], name[32];

	t->kill.sig = prompt_signal(text);
	if (!t->kill.sig) {
		tui_message(t, true, "no signal named '%s'", text);
		return TR_REDRAW;
	}
	snprintf(label, sizeof label, "Send %s to %d %s? (y/N) ", prompt_signame(t->kill.sig, name, sizeof name),
		 t->kill.pid, t->kill.comm);
	prompt_ask(t, label, prompt_kill_confirmed);
	return TR_REDRAW;
}

unsigned tui_prompt_kill(struct tui *t, int key)
{
	const struct proc *p = tui_procs_selected(t);
	char label[160];

	if (!p)
		return TR_NONE;
	if (!tui_time_live_only(t, "k signals"))
		return TR_REDRAW;
	t->kill.pid = p->pid;
	t->kill.start_ticks = p->start_ticks;	/* checked again through the pidfd */
	snprintf(t->kill.comm, sizeof t->kill.comm, "%s", p->comm);
	snprintf(label, sizeof label, "Signal for %d %s (name or number) [TERM]: ", p->pid, p->comm);
	tui_prompt_open(t, label, "", prompt_kill_signal);
	return TR_REDRAW;
}

/* Written through lib/oomadj: a /proc/PID handle checked against the start time of the row
 * the user chose, so a process that took over a reused pid is never written. */
static unsigned prompt_oom_adj_confirmed(struct tui *t, const char *yes)
{
	struct oomadj_result r;
	char why[256];

	if (!*yes) {
		tui_message(t, false, "oom_score_adj not changed");
		return TR_REDRAW;
	}
	oomadj_write_pid(t->oom_adj.pid, &t->oom_adj.start_ticks, t->oom_adj.value, &r);
	tui_message(t, r.why != OOMADJ_DONE, "%d %s: %s", t->oom_adj.pid, t->oom_adj.comm,
		    oomadj_explain(&r, why, sizeof why));
	return TR_SAMPLE;	/* the kill order shows the value read back */
}

static unsigned prompt_oom_adj_value(struct tui *t, const char *text)
{
	char label[160];
	int rc = oomadj_parse(text, &t->oom_adj.value);

	if (rc < 0) {
		tui_message(t, true, "'%s' is not %s: nothing written", text, rc == -ERANGE ?
			    "within -1000..1000" : "a decimal number from -1000 to 1000 (no leading zeros, no +)");
		return TR_REDRAW;
	}
	snprintf(label, sizeof label, "Set oom_score_adj of %d %s to %d? (y/N) ", t->oom_adj.pid, t->oom_adj.comm,
		 t->oom_adj.value);
	prompt_ask(t, label, prompt_oom_adj_confirmed);
	return TR_REDRAW;
}

/* The OOM screen's selected kill-order row: the process as this refresh found it. */
unsigned tui_prompt_oom_adj(struct tui *t, int key)
{
	const struct tui_page_line *ln = tui_page_selected(&t->analysis);
	const struct proc *p = ln && t->snap ? snapshot_find(t->snap, ln->pid, true) : NULL;
	const struct fval *adj;
	char label[160], cur[16] = "";

	if (!tui_time_live_only(t, "a sets oom_score_adj of"))
		return TR_REDRAW;
	if (!ln) {
		tui_message(t, true, "select a process in the kill order first");
		return TR_REDRAW;
	}
	if (!p || p->start_ticks != ln->start_ticks) {
		tui_message(t, true, "%d has exited: nothing to change", ln->pid);
		return TR_SAMPLE;
	}
	t->oom_adj.pid = p->pid;
	t->oom_adj.start_ticks = p->start_ticks;
	snprintf(t->oom_adj.comm, sizeof t->oom_adj.comm, "%s", p->comm);
	adj = &p->f[FLD_OOM_ADJ];
	if (adj->st == V_KNOWN)
		snprintf(cur, sizeof cur, " (now %lld)", (long long)adj->i);
	snprintf(label, sizeof label, "oom_score_adj for %d %s, -1000..1000%s: ", p->pid, p->comm, cur);
	tui_prompt_open(t, label, "", prompt_oom_adj_value);
	return TR_REDRAW;
}
