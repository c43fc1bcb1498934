/* The detail screen of one process: status figures, faults with rates, OOM score, the
 * segment table and the mapping table (scrollable, sortable). Its smaps is read in full
 * for this one process at every refresh; nothing else is read beyond stat meanwhile. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "maptable.h"
#include "trend.h"
#include "tui.h"
#include "xalloc.h"

#define DETAIL_TREND_Y 5	/* anon + swap and PSS over the trend history */
#define DETAIL_SPARK_X 10	/* after "anon+swap " */
#define DETAIL_SPARK_WIDTH 24	/* columns of a sparkline: what 80 columns leave for it */
#define DETAIL_SEG_Y 8		/* the segment table's title row */
#define DETAIL_MAPS_Y 16	/* the mapping table's title row */
#define DETAIL_HINTS "Esc back  Up/Down scroll mappings  < > sort mappings  k signal  e units  F1 help"

/* Short names so that the ten segments fit across 80 columns. */
static const char *const detail_seg_short[SEG_COUNT] = {
	"text", "data", "bss", "heap", "stack", "libs", "anon", "file", "shmem", "kern",
};

static enum maptable_col detail_col(int i)
{
	return maptable_short[i];
}

static void detail_sort(struct tui *t)
{
	struct tui_detail *d = &t->detail;
	const struct proc *p = d->p;

	d->norder = p && p->maps ? p->nmaps : 0;
	if (d->norder > d->caporder) {
		d->caporder = d->norder;
		d->order = xreallocarray(d->order, d->caporder, sizeof *d->order);
	}
	d->addr_width = p ? maptable_addr_width(p->maps, d->norder) : 12;
	if (d->norder)
		maptable_sort(d->order, p->maps, d->norder, detail_col(d->sort));
	tui_list_set_count(&d->list, d->norder);
}

/* Every source a figure of the registry needs, and the mapping table. */
static unsigned detail_need_all(void)
{
	unsigned need = SRC_SMAPS | SRC_MAPS_LIST;

	for (int i = 0; i < FLD_COUNT; i++)
		need |= fields[i].src;
	return need;
}

/* Finds the process again in the new snapshot (same pid and start time) and reads it all,
 * fresh. */
static void detail_sampled(struct tui *t)
{
	struct tui_detail *d = &t->detail;
	const struct proc *p = snapshot_find(t->snap, d->pid, true);

	d->p = p && p->start_ticks == d->start_ticks ? p : NULL;
	if (d->p)
		source_fill(t->source, d->p, detail_need_all());
	detail_sort(t);
}

static void detail_open(struct tui *t)
{
	struct tui_detail *d = &t->detail;
	const struct proc *p = t->snap && t->procs.list.sel < t->snap->nprocs ? t->procs.rows[t->procs.list.sel] : NULL;

	d->pid = p ? p->pid : 0;
	d->start_ticks = p ? p->start_ticks : 0;
	snprintf(d->comm, sizeof d->comm, "%s", p ? p->comm : "?");
	d->list = (struct tui_list){ 0 };
	d->sort = 4;	/* RSS */
	if (t->snap)
		detail_sampled(t);
}

void tui_detail_close(struct tui *t)
{
	free(t->detail.order);
	t->detail.order = NULL;
	t->detail.caporder = t->detail.norder = 0;
}

unsigned tui_detail_sort_key(struct tui *t, int key)
{
	int s = t->detail.sort + (key == '<' ? -1 : 1);

	if (s < 0 || s >= maptable_nshort)
		return TR_NONE;
	t->detail.sort = s;
	detail_sort(t);
	return TR_REDRAW;
}

/* "label value" pairs on one line; values as the process list shows them. */
static int detail_figs(struct tui *t, int y, int x, const struct proc *p, const enum field_id *ids,
		       const char *const *labels, int n)
{
	char buf[64];
	size_t len;

	for (int i = 0; i < n; i++) {
		const char *s = cell_text(buf, sizeof buf, p, ids[i], t->view.unit, &len);

		x = tui_put(y, x, COLS, labels[i], STY_LABEL);
		x = tui_put_raw(y, x + 1, COLS, s, len, STY_VALUE);
		x += 2;
	}
	return x;
}

static void detail_summary(struct tui *t, const struct proc *p)
{
	static const enum field_id mem1[] = { FLD_RSS, FLD_ANON, FLD_FILE, FLD_SHMEM, FLD_PSS, FLD_USS, FLD_SWAP, FLD_SWAP_PSS };
	static const char *const lab1[] = { "RSS", "anon", "file", "shmem", "PSS", "USS", "swap", "swap PSS" };
	static const enum field_id mem2[] = { FLD_VIRT, FLD_PEAK, FLD_HWM, FLD_DATA, FLD_STACK, FLD_EXE, FLD_LIB, FLD_LOCKED, FLD_PTE };
	static const char *const lab2[] = { "virt", "peak", "RSS peak", "data", "stack", "exe", "lib", "locked", "page tables" };
	static const enum field_id flt[] = { FLD_MINFLT, FLD_MINFLT_RATE, FLD_MAJFLT, FLD_MAJFLT_RATE, FLD_OOM, FLD_OOM_ADJ, FLD_THREADS };
	static const char *const labf[] = { "minor faults", "/s", "major faults", "/s", "oom_score", "oom_score_adj", "threads" };
	int x;

	x = tui_printf(0, 0, COLS, STY_TITLE, "PID %d  ", p->pid);
	x = tui_put(0, x, COLS, p->comm, STY_TITLE);
	x = tui_put(0, x, COLS, "  user ", STY_LABEL);
	x = tui_put(0, x, COLS, p->user, STY_NORMAL);
	tui_printf(0, x, COLS, STY_NORMAL, "  state %c  parent %d", p->state, p->ppid);
	x = tui_put(1, 0, COLS, "Command ", STY_LABEL);
	if (p->cmdline)
		tui_put_raw(1, x, COLS, p->cmdline, p->cmdline_len, STY_NORMAL);
	detail_figs(t, 2, 0, p, mem1, lab1, 8);
	detail_figs(t, 3, 0, p, mem2, lab2, 9);
	detail_figs(t, 4, 0, p, flt, labf, 7);
}

/* The figure over the history, one column per 1/DETAIL_SPARK_WIDTH of its span, each the
 * newest sample at or before that time, scaled from its lowest to its highest. */
static void detail_spark(const struct tui *t, int y, int x, const double *tv, const double *v, size_t n)
{
	static const char *const blocks[8] = { "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
						"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" };
	static const char ascii[] = "_.,-=+*#";
	double lo = v[0], hi = v[0], span = tv[n - 1] - tv[0];
	size_t k = 0;

	for (size_t i = 1; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	for (int c = 0; c < DETAIL_SPARK_WIDTH; c++) {
		double at = tv[0] + span * (c + 1) / DETAIL_SPARK_WIDTH;
		int level;

		while (k + 1 < n && tv[k + 1] <= at + 1e-9)
			k++;
		level = hi > lo ? (int)((v[k] - lo) / (hi - lo) * 7 + 0.5) : 0;
		if (t->utf8)
			tui_put(y, x + c, x + c + 1, blocks[level], STY_VALUE);
		else
			tui_put(y, x + c, x + c + 1, (char[]){ ascii[level], '\0' }, STY_VALUE);
	}
}

/* One figure's line: its sparkline, how fast it grows and over how long. Returns the x
 * after it, or 0 with too few samples to draw. */
static int detail_trend_line(struct tui *t, int y, const struct proc *p, int fig, const char *label,
			     const struct fval *growth)
{
	double tv[TREND_CAP], v[TREND_CAP];
	size_t n = p->history ? trend_series(p->history, fig, tv, v) : 0;
	char g[32], span[16];

	tui_put(y, 0, COLS, label, STY_LABEL);
	if (n < 2) {
		tui_put(y, DETAIL_SPARK_X, COLS, n ? "one sample so far" : "no samples yet", STY_DIM);
		return 0;
	}
	detail_spark(t, y, DETAIL_SPARK_X, tv, v, n);
	if (growth->st == V_KNOWN)
		cell_growth(g, sizeof g, growth->d, t->view.unit);
	return tui_printf(y, DETAIL_SPARK_X + DETAIL_SPARK_WIDTH + 1, COLS, STY_NORMAL, "%s%s over %s",
			  growth->st == V_KNOWN ? g : "-", growth->st == V_KNOWN ? "/s" : "",
			  cell_duration(span, sizeof span, tv[n - 1] - tv[0]));
}

/* The trend rows: anon + swap (what growth, leak and oom_eta are about: on 80 columns the
 * leak mark and the time to OOM come before the fit's r2), then PSS. */
static void detail_trend(struct tui *t, const struct proc *p, int y)
{
	char a[16];
	int x;

	x = detail_trend_line(t, y, p, TREND_ANON_SWAP, "anon+swap", &p->f[FLD_GROWTH]);
	if (x && p->f[FLD_LEAK].st == V_KNOWN && p->f[FLD_LEAK].u)
		x = tui_put(y, x, COLS, "  LEAK", STY_LEAK);
	if (x && p->f[FLD_OOM_ETA].st == V_KNOWN)
		x = tui_printf(y, x, COLS, STY_NORMAL, "  OOM in %s (%s)", cell_duration(a, sizeof a, p->f[FLD_OOM_ETA].d),
			       p->trend.limit == TREND_LIMIT_CGROUP ? "cgroup" : "machine");
	if (x && p->trend.r2.st == V_KNOWN)
		tui_printf(y, x, COLS, STY_DIM, "  r2 %.2f", p->trend.r2.d);
	detail_trend_line(t, y + 1, p, TREND_PSS, "PSS", &p->trend.pss_growth);
}

/* Segments across, figures down: ten columns fit in 80. */
static void detail_segments(struct tui *t, const struct proc *p, int y)
{
	static const char *const figs[SEGF_COUNT] = { "virt", "rss", "pss", "uss", "swap", "dirty" };
	char buf[32];
	int x = 6, w = 7;	/* a number is never cut: in KiB the columns grow */

	if (!p->has_segments) {
		tui_printf(y, 0, COLS, STY_DIM, "Segments and mappings: %s",
			   p->smaps_errno ? strerror(p->smaps_errno) :
			   !proc_has_mm(p) ? "no address space (kernel thread or zombie)" :
			   "not recorded at this moment (a recording keeps those of the largest processes)");
		return;
	}
	for (int f = 0; f < SEGF_COUNT; f++) {
		for (int s = 0; s < SEG_COUNT; s++) {
			int n = (int)strlen(units_compact(buf, sizeof buf, p->seg->v[s][f], t->view.unit)) + 1;

			w = n > w ? n : w;
		}
	}
	if (p->smaps_age > 0)
		tui_printf(y + 1 + SEGF_COUNT, 0, COLS, STY_DIM, "segments read %.1f s before this moment", p->smaps_age);
	tui_fill(y, 0, COLS, STY_COLHEAD);
	tui_put(y, 0, COLS, "SEG", STY_COLHEAD);
	for (int s = 0; s < SEG_COUNT; s++)
		x = tui_cell(y, x, w, detail_seg_short[s], strlen(detail_seg_short[s]), true, STY_COLHEAD);
	for (int f = 0; f < SEGF_COUNT; f++) {
		tui_put(y + 1 + f, 0, COLS, figs[f], STY_LABEL);
		x = 6;
		for (int s = 0; s < SEG_COUNT; s++) {
			units_compact(buf, sizeof buf, p->seg->v[s][f], t->view.unit);
			x = tui_cell(y + 1 + f, x, w, buf, strlen(buf), true, STY_NORMAL);
		}
	}
}

static int detail_map_width(const struct tui_detail *d, enum maptable_col c, int x)
{
	int w = c == MT_START ? d->addr_width : maptable_cols[c].numeric ? d->colw[c] : maptable_cols[c].width;

	return w ? w : COLS - x > 8 ? COLS - x : 8;
}

static void detail_map_title(struct tui *t, int y)
{
	struct tui_detail *d = &t->detail;
	int x = 0;

	tui_fill(y, 0, COLS, STY_COLHEAD);
	for (int i = 0; i < maptable_nshort && x < COLS; i++) {
		enum maptable_col c = detail_col(i);
		bool num = maptable_cols[c].numeric;
		const char *g = i == d->sort ? tui_sort_glyph(t, !num) : "";
		char buf[32];

		snprintf(buf, sizeof buf, "%s%s%s", num ? g : "", maptable_cols[c].header, num ? "" : g);
		x = tui_cell(y, x, detail_map_width(d, c, x), buf, strlen(buf), num,
			     i == d->sort ? STY_SORTHEAD : STY_COLHEAD) + 1;
	}
}

/* The cells as -m writes them (ui/maptable.c), each cut to its column. */
static void detail_map_row(struct tui *t, int y, const struct mapping *m, bool selected)
{
	enum tui_style st = selected ? STY_SELECTED : STY_NORMAL;
	char buf[4096 * 4 + 32];
	int x = 0;

	if (selected)
		tui_fill(y, 0, COLS, st);
	for (int i = 0; i < maptable_nshort && x < COLS; i++) {
		enum maptable_col c = detail_col(i);
		char *end = maptable_cell(buf, m, c, t->view.unit, t->detail.addr_width, 4096 * 4);

		x = tui_cell(y, x, detail_map_width(&t->detail, c, x), buf, (size_t)(end - buf),
			     maptable_cols[c].numeric, st) + 1;
	}
}

static void detail_maps(struct tui *t, const struct proc *p, int y)
{
	struct tui_detail *d = &t->detail;
	int rows = LINES - 1 - (y + 1);

	if (!p->has_segments || y >= LINES - 1)
		return;
	if (!(p->have & SRC_MAPS_LIST)) {	/* a recording keeps the segments only */
		tui_put(y, 0, COLS, "Mappings: not recorded (a recording keeps segment totals)", STY_DIM);
		return;
	}
	tui_list_set_height(&d->list, rows);
	/* each number column as wide as its header and the widest cell on screen */
	for (int c = 0; c < MT_COUNT; c++)
		d->colw[c] = (int)strlen(maptable_cols[c].header) > maptable_cols[c].width ?
			     (int)strlen(maptable_cols[c].header) : maptable_cols[c].width;
	for (int i = 0; i < rows && d->list.top + (size_t)i < d->norder; i++) {
		const struct mapping *m = &p->maps[d->order[d->list.top + (size_t)i]];

		for (int k = 0; k < maptable_nshort; k++) {
			enum maptable_col c = maptable_short[k];
			char buf[64];
			int n;

			if (!maptable_cols[c].numeric)
				continue;
			n = (int)(maptable_cell(buf, m, c, t->view.unit, d->addr_width, 0) - buf);
			d->colw[c] = n > d->colw[c] ? n : d->colw[c];
		}
	}
	detail_map_title(t, y);
	for (int i = 0; i < rows && d->list.top + (size_t)i < d->norder; i++) {
		size_t k = d->list.top + (size_t)i;

		detail_map_row(t, y + 1 + i, &p->maps[d->order[k]], k == d->list.sel);
	}
}

static void detail_draw(struct tui *t)
{
	struct tui_detail *d = &t->detail;
	int x;

	if (!d->p) {
		x = tui_printf(0, 0, COLS, STY_TITLE, "PID %d  ", d->pid);
		x = tui_put(0, x, COLS, d->comm, STY_TITLE);
		tui_put(0, x, COLS, "  has exited", STY_ERROR);
	} else {
		detail_summary(t, d->p);
		detail_trend(t, d->p, DETAIL_TREND_Y);
		detail_segments(t, d->p, DETAIL_SEG_Y);
		detail_maps(t, d->p, DETAIL_MAPS_Y);
	}
	tui_draw_status(t, DETAIL_HINTS);
}

static unsigned detail_need(const struct tui *t)
{
	(void)t;
	return SRC_STAT;	/* its own process is filled in full by detail_sampled() */
}

static struct tui_list *detail_list(struct tui *t)
{
	return &t->detail.list;
}

const struct tui_screen tui_detail_screen = {
	.id = TS_DETAIL,
	.name = "Process detail (Enter)",
	.need = detail_need,
	.open = detail_open,
	.sampled = detail_sampled,
	.draw = detail_draw,
	.list = detail_list,
};
