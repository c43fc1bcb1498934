/* The machine's memory above the process list: a bar whose parts are told apart by
 * character as well as colour (monochrome terminals), the same figures as the text report
 * and -S (lib/sysmem.c), paging rates, OOM kills and pressure. */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cells.h"
#include "sysmem.h"
#include "tui.h"

#define HEADER_LINES 5
#define HEADER_BAR_X 5	/* where the Mem and Swap bars start, after their labels and a space */

struct header_part {
	const struct fval *v;
	char ch;
	enum tui_style st;
	const char *label;
};

int tui_header_height(void)
{
	/* a short terminal keeps its rows for processes */
	return LINES >= 16 ? HEADER_LINES : LINES >= 12 ? 2 : 1;
}

static const char *header_size(char *buf, size_t n, const struct fval *v)
{
	return cell_bytes(buf, n, v, UNIT_AUTO);
}

static const char *header_rate(char *buf, size_t n, const struct fval *v)
{
	if (v->st != V_KNOWN)
		return "-";
	units_count(buf, n, v->d);
	strcat(buf, "/s");
	return buf;
}

/* Parts drawn from left to right, each as wide as its share of total. */
static void header_bar(int y, int x, int width, const struct fval *total, const struct header_part *parts, int n)
{
	uint64_t sum = 0;
	int pos = ++x;

	tui_put(y, x - 1, COLS, "[", STY_NORMAL);
	tui_put(y, x + width, COLS, "]", STY_NORMAL);
	if (total->st != V_KNOWN || total->u == 0 || width <= 0)
		return;
	for (int i = 0; i < n; i++) {
		int end;

		if (parts[i].v->st != V_KNOWN)
			continue;
		sum += parts[i].v->u;
		/* cumulative rounding: the parts never drift past the bar's end */
		end = x + (int)((double)(sum > total->u ? total->u : sum) * width / total->u + 0.5);
		for (; pos < end && pos < COLS; pos++)
			tui_put(y, pos, pos + 1, (char[]){ parts[i].ch, '\0' }, parts[i].st);
	}
}

/* The list's modes: said early on the title line, where 80 columns still show them. */
static void header_modes(const struct tui *t, char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	if (t->view.grouped)
		o += (size_t)snprintf(buf + o, n - o, "  by %s", group_by_name(t->view.group_by));
	else if (t->view.tree)
		o += (size_t)snprintf(buf + o, n - o, "  tree");
	if (t->procs.hscroll && o < n)
		o += (size_t)snprintf(buf + o, n - o, "  command +%d", t->procs.hscroll);
	if (t->search.f && o < n)
		snprintf(buf + o, n - o, "  search: %s", filter_pattern(t->search.f));
}

/* While MemAvailable + SwapFree falls steadily: when none is left, and how fast it goes.
 * Early on the title line, where even 80 columns show it. */
static int header_falling(const struct sys_trend *tr, int y, int x)
{
	char a[32], b[16];

	if (tr->falling.st != V_KNOWN || !tr->falling.u || tr->oom_eta.st != V_KNOWN)
		return x;
	return tui_printf(y, x, COLS, STY_ERROR, "  OOM in %s (available %s/s)", cell_duration(b, sizeof b, tr->oom_eta.d),
			  cell_growth(a, sizeof a, tr->rate.d, UNIT_AUTO));
}

/* The moment shown: the time of day live; in a recording its date, where it stands in the
 * recording and how to move. */
static void header_when(struct tui *t, char *when, size_t n, char *every, size_t m)
{
	const struct snapshot *snap = t->snap;
	struct replay_pos pos;
	struct tm tm;

	localtime_r(&snap->wall.tv_sec, &tm);
	if (!source_position(t->source, &pos)) {
		strftime(when, n, "%H:%M:%S", &tm);
		snprintf(every, m, "every %gs", t->view.delay);
		return;
	}
	strftime(when, n, "recorded %Y-%m-%d %H:%M:%S", &tm);
	snprintf(every, m, "sample %ld of %ld ([ ] b)", pos.index, pos.count);
}

static void header_title(struct tui *t, int y)
{
	const struct snapshot *snap = t->snap;
	char when[48], every[64], extra[600] = "", units[600] = "";
	int x;

	header_when(t, when, sizeof when, every, sizeof every);
	if (t->filter)
		snprintf(extra, sizeof extra, "  filter: %s", filter_pattern(t->filter));
	if (t->by_uid)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), "  user: %s", t->user_name);
	if (t->view.hide_kthreads)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), "  kernel threads hidden");

	x = tui_put(y, 0, COLS, "memtop", STY_TITLE);
	if (t->paused)
		x = tui_put(y, x, COLS, "  PAUSED", STY_ERROR);
	x = tui_put(y, x, COLS, "  ", STY_NORMAL);
	x = tui_put(y, x, COLS, snap->host, STY_NORMAL);	/* a hostname is not ours either */
	x = header_falling(&snap->sys.trend, y, x);
	/* a fixed unit is said early: on 80 columns the end of the line is cut */
	if (t->view.unit != UNIT_AUTO)
		snprintf(units, sizeof units, "  sizes in %s", unit_name(t->view.unit));
	header_modes(t, units + strlen(units), sizeof units - strlen(units));
	if (snap->nunreadable && proc_sort_stand_in(t->view.sort) != t->view.sort)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra),
			 "  %s of %zu unreadable: ranked by RSS, shown as %sRSS", fields[t->view.sort].header,
			 snap->nunreadable, t->utf8 ? "\xe2\x89\xa4" : "<=");
	tui_printf(y, x, COLS, STY_NORMAL, "  %s  %zu process%s, %zu shown%s  collected in %.1f ms  %s%s",
		   when, snap->ntotal, snap->ntotal == 1 ? "" : "es", t->procs.nrows, units,
		   (snap->collect_seconds + t->fill_seconds) * 1000, every, extra);
}

static void header_memory(const struct snapshot *snap, const struct sysmem *sm, int y)
{
	const struct fval *m = snap->sys.mem;
	const struct header_part parts[] = {
		{ &sm->part[SM_ANON], '#', STY_BAR_ANON, "anon" },
		{ &sm->part[SM_FILE], '=', STY_BAR_CACHE, "cache" },
		{ &sm->part[SM_SHMEM], '*', STY_BAR_SHMEM, "shmem" },
		{ &sm->slab, ':', STY_BAR_SLAB, "slab" },
		{ &sm->kernel_rest, '.', STY_BAR_KERNEL, "kernel" },
	};
	const int n = sizeof parts / sizeof parts[0];
	char a[16], b[16], c[16], nums[128];
	int width, x;

	snprintf(nums, sizeof nums, " %s total, %s used, %s available", header_size(a, sizeof a, &m[SYS_MEM_TOTAL]),
		 header_size(b, sizeof b, &sm->used), header_size(c, sizeof c, &m[SYS_MEM_AVAILABLE]));
	width = COLS - HEADER_BAR_X - 2 - (int)strlen(nums);
	if (width < 10)
		width = COLS - HEADER_BAR_X - 2;
	tui_put(y, 0, COLS, "Mem", STY_LABEL);
	header_bar(y, HEADER_BAR_X, width, &m[SYS_MEM_TOTAL], parts, n);
	tui_put(y, HEADER_BAR_X + 2 + width, COLS, nums, STY_NORMAL);
	if (LINES < 16)
		return;
	x = 5;
	for (int i = 0; i < n; i++) {
		x = tui_put(y + 1, x, COLS, (char[]){ parts[i].ch, '\0' }, parts[i].st);
		x = tui_put(y + 1, x, COLS, parts[i].label, STY_LABEL);
		x = tui_printf(y + 1, x, COLS, STY_VALUE, " %s  ", header_size(a, sizeof a, parts[i].v));
	}
	x = tui_put(y + 1, x, COLS, " free", STY_LABEL);
	tui_printf(y + 1, x, COLS, STY_VALUE, " %s", header_size(a, sizeof a, &m[SYS_MEM_FREE]));
}

static void header_swap(const struct snapshot *snap, const struct sysmem *sm, int y)
{
	const struct fval *m = snap->sys.mem;
	const struct header_part part = { &sm->swap_used, '#', STY_BAR_SWAP, "used" };
	char a[16], b[16], c[16];
	int x;

	x = tui_put(y, 0, COLS, "Swap", STY_LABEL);
	if (m[SYS_SWAP_TOTAL].st == V_KNOWN && m[SYS_SWAP_TOTAL].u == 0) {
		x = tui_put(y, x, COLS, " none", STY_NORMAL);
	} else {
		header_bar(y, HEADER_BAR_X, 20, &m[SYS_SWAP_TOTAL], &part, 1);
		x = tui_printf(y, HEADER_BAR_X + 23, COLS, STY_NORMAL, "%s of %s used, %s cached", header_size(a, sizeof a, &sm->swap_used),
				 header_size(b, sizeof b, &m[SYS_SWAP_TOTAL]), header_size(c, sizeof c, &m[SYS_SWAP_CACHED]));
	}
	x = tui_put(y, x, COLS, "   Commit ", STY_LABEL);
	tui_printf(y, x, COLS, STY_NORMAL, "%s, CommitLimit %s (%s)", header_size(a, sizeof a, &m[SYS_COMMITTED_AS]),
		     header_size(b, sizeof b, &m[SYS_COMMIT_LIMIT]),
		     sysmem_overcommit_short(&snap->sys.knob[KNOB_OVERCOMMIT_MEMORY]));
}

static void header_paging(const struct snapshot *snap, int y)
{
	const struct system *sys = &snap->sys;
	char a[16], b[16], c[16], d[16];
	int x;

	x = tui_put(y, 0, COLS, "Paging", STY_LABEL);
	x = tui_printf(y, x, COLS, STY_NORMAL, " major faults %s, swap in %s, out %s", header_rate(a, sizeof a, &sys->rate[SYSC_PGMAJFAULT]),
			 header_rate(b, sizeof b, &sys->rate[SYSC_PSWPIN]), header_rate(c, sizeof c, &sys->rate[SYSC_PSWPOUT]));
	x = tui_put(y, x, COLS, "   OOM kills ", STY_LABEL);
	x = tui_printf(y, x, COLS, sys->count[SYSC_OOM_KILL].st == V_KNOWN && sys->count[SYSC_OOM_KILL].u ? STY_ERROR : STY_NORMAL,
			 "%s", sys->count[SYSC_OOM_KILL].st == V_KNOWN ?
			 units_count(d, sizeof d, (double)sys->count[SYSC_OOM_KILL].u) : "-");
	if (!sys->pressure.known)
		return;
	x = tui_put(y, x, COLS, "   Pressure ", STY_LABEL);
	if (sys->pressure.has_full)
		tui_printf(y, x, COLS, STY_NORMAL, "some %.2f%% full %.2f%% (avg10)", sys->pressure.some.avg10,
			   sys->pressure.full.avg10);
	else	/* no "full" line was read: unknown, not 0 */
		tui_printf(y, x, COLS, STY_NORMAL, "some %.2f%% full - (avg10)", sys->pressure.some.avg10);
}

void tui_header_draw(struct tui *t)
{
	int h = tui_header_height();

	header_title(t, 0);
	if (h < 2)
		return;
	header_memory(t->snap, t->snap->mem, 1);
	if (h < HEADER_LINES)
		return;
	header_swap(t->snap, t->snap->mem, 3);
	header_paging(t->snap, 4);
}
