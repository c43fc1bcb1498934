/* The detail screen of one process: status figures, faults with rates, OOM score, the
 * segment table and the mapping table (scrollable, sortable). Its smaps is read in full
 * for this one process at every refresh; nothing else is read beyond stat meanwhile. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "tui.h"
#include "xalloc.h"

#define DETAIL_SEG_Y 6		/* the segment table's title row */
#define DETAIL_MAPS_Y 14	/* the mapping table's title row */
#define DETAIL_HINTS "Esc back  Up/Down scroll mappings  < > sort mappings  k signal  e units  F1 help"

enum map_col { MC_ADDR, MC_PERMS, MC_SEG, MC_SIZE, MC_RSS, MC_PSS, MC_PRIV, MC_SWAP, MC_PATH, MC_COUNT };

static const struct {
	const char *header;
	int width;		/* 0: the rest of the line */
	bool numeric;
} detail_map_cols[MC_COUNT] = {
	[MC_ADDR] = { "ADDRESS", 12, false },
	[MC_PERMS] = { "PERM", 4, false },
	[MC_SEG] = { "SEG", 5, false },
	[MC_SIZE] = { "SIZE", 6, true },
	[MC_RSS] = { "RSS", 6, true },
	[MC_PSS] = { "PSS", 6, true },
	[MC_PRIV] = { "PRIV", 6, true },
	[MC_SWAP] = { "SWAP", 6, true },
	[MC_PATH] = { "PATH", 0, false },
};

/* Short names so that the ten segments fit across 80 columns. */
static const char *const detail_seg_short[SEG_COUNT] = {
	"text", "data", "bss", "heap", "stack", "libs", "anon", "file", "shmem", "kern",
};

static bool detail_map_known(const struct mapping *m, enum smaps_field f)
{
	return m->known & (1ull << f);
}

/* A mapping's figure for a numeric column; false when the kernel did not give it. */
static bool detail_map_value(const struct mapping *m, enum map_col c, uint64_t *v)
{
	switch (c) {
	case MC_SIZE:
		*v = detail_map_known(m, SMAPS_SIZE) ? m->val[SMAPS_SIZE] : m->end - m->start;
		return true;
	case MC_RSS:
		*v = m->val[SMAPS_RSS];
		return detail_map_known(m, SMAPS_RSS);
	case MC_PSS:
		*v = m->val[SMAPS_PSS];
		return detail_map_known(m, SMAPS_PSS);
	case MC_PRIV:
		*v = m->val[SMAPS_PRIVATE_CLEAN] + m->val[SMAPS_PRIVATE_DIRTY];
		return detail_map_known(m, SMAPS_PRIVATE_CLEAN) && detail_map_known(m, SMAPS_PRIVATE_DIRTY);
	case MC_SWAP:
		*v = m->val[SMAPS_SWAP];
		return detail_map_known(m, SMAPS_SWAP);
	default:
		return false;
	}
}

static int detail_map_cmp_text(const struct mapping *a, const struct mapping *b, enum map_col c)
{
	switch (c) {
	case MC_PERMS:
		return strcmp(a->perms, b->perms);
	case MC_SEG:
		return strcmp(detail_seg_short[a->seg], detail_seg_short[b->seg]);
	case MC_PATH:
		if (!a->path || !b->path)
			return (a->path == NULL) - (b->path == NULL);	/* anonymous last */
		return strcmp(a->path, b->path);
	default:
		return (a->start > b->start) - (a->start < b->start);
	}
}

static int detail_map_cmp(const void *x, const void *y, void *ctx)
{
	const struct proc *p = ((void **)ctx)[0];
	enum map_col c = *(const int *)((void **)ctx)[1];
	const struct mapping *a = &p->maps[*(const size_t *)x], *b = &p->maps[*(const size_t *)y];
	uint64_t va, vb;
	bool ka, kb;
	int r;

	if (!detail_map_cols[c].numeric) {
		r = detail_map_cmp_text(a, b, c);
	} else {
		ka = detail_map_value(a, c, &va);
		kb = detail_map_value(b, c, &vb);
		if (ka != kb)
			return ka ? -1 : 1;	/* unknown last */
		r = ka ? (va < vb) - (va > vb) : 0;	/* biggest first */
	}
	return r ? r : (a->start > b->start) - (a->start < b->start);
}

static void detail_sort(struct tui *t)
{
	struct tui_detail *d = &t->detail;
	const struct proc *p = d->p;
	void *ctx[2] = { (void *)p, &d->sort };

	d->norder = p && p->maps ? p->nmaps : 0;
	if (d->norder > d->caporder) {
		d->caporder = d->norder;
		d->order = xreallocarray(d->order, d->caporder, sizeof *d->order);
	}
	d->addr_width = 12;
	for (size_t i = 0; i < d->norder; i++) {
		d->order[i] = i;
		/* [vsyscall] alone sits up there on x86-64: it does not widen the column */
		if (p->maps[i].start >> 48 && p->maps[i].seg != SEG_KERNEL)
			d->addr_width = 16;
	}
	if (d->norder)
		qsort_r(d->order, d->norder, sizeof *d->order, detail_map_cmp, ctx);
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
 * fresh: max_age 0 reuses nothing. */
static void detail_sampled(struct tui *t)
{
	struct tui_detail *d = &t->detail;
	struct proc *p = snapshot_find(t->snap, d->pid);

	d->p = p && p->start_ticks == d->start_ticks ? p : NULL;
	if (d->p)
		sampler_fill(t->sampler, d->p, detail_need_all(), 0);
	detail_sort(t);
}

static void detail_open(struct tui *t)
{
	struct tui_detail *d = &t->detail;
	struct proc *p = t->snap && t->procs.list.sel < t->snap->nprocs ? t->snap->procs[t->procs.list.sel] : NULL;

	d->pid = p ? p->pid : 0;
	d->start_ticks = p ? p->start_ticks : 0;
	snprintf(d->comm, sizeof d->comm, "%s", p ? p->comm : "?");
	d->list = (struct tui_list){ 0 };
	d->sort = MC_RSS;
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

	if (s < 0 || s >= MC_COUNT)
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

/* Segments across, figures down: ten columns fit in 80. */
static void detail_segments(struct tui *t, const struct proc *p, int y)
{
	static const char *const figs[SEGF_COUNT] = { "virt", "rss", "pss", "uss", "swap", "dirty" };
	char buf[32];
	int x = 6;

	if (!p->has_segments) {
		tui_printf(y, 0, COLS, STY_DIM, "Segments and mappings: %s",
			   p->smaps_errno ? strerror(p->smaps_errno) : "no address space (kernel thread or zombie)");
		return;
	}
	tui_fill(y, 0, COLS, STY_COLHEAD);
	tui_put(y, 0, COLS, "SEG", STY_COLHEAD);
	for (int s = 0; s < SEG_COUNT; s++)
		x = tui_cell(y, x, 7, detail_seg_short[s], strlen(detail_seg_short[s]), true, STY_COLHEAD);
	for (int f = 0; f < SEGF_COUNT; f++) {
		tui_put(y + 1 + f, 0, COLS, figs[f], STY_LABEL);
		x = 6;
		for (int s = 0; s < SEG_COUNT; s++) {
			units_compact(buf, sizeof buf, p->seg->v[s][f], t->view.unit);
			x = tui_cell(y + 1 + f, x, 7, buf, strlen(buf), true, STY_NORMAL);
		}
	}
}

static int detail_map_width(const struct tui_detail *d, enum map_col c, int x)
{
	int w = c == MC_ADDR ? d->addr_width : detail_map_cols[c].width;

	return w ? w : COLS - x > 8 ? COLS - x : 8;
}

static void detail_map_title(struct tui *t, int y)
{
	struct tui_detail *d = &t->detail;
	int x = 0;

	tui_fill(y, 0, COLS, STY_COLHEAD);
	for (int c = 0; c < MC_COUNT && x < COLS; c++) {
		char buf[32];
		const char *g = c == d->sort ? tui_sort_glyph(t, !detail_map_cols[c].numeric) : "";

		snprintf(buf, sizeof buf, "%s%s%s", detail_map_cols[c].numeric ? g : "", detail_map_cols[c].header,
			 detail_map_cols[c].numeric ? "" : g);
		x = tui_cell(y, x, detail_map_width(&t->detail, c, x), buf, strlen(buf), detail_map_cols[c].numeric,
			     c == d->sort ? STY_SORTHEAD : STY_COLHEAD) + 1;
	}
}

/* Zero-padded to the column; an address too wide for it keeps its low digits after an
 * ellipsis. */
static const char *detail_address(const struct tui *t, char *buf, size_t n, uint64_t a)
{
	int w = t->detail.addr_width, len = snprintf(buf, n, "%0*llx", w, (unsigned long long)a);

	if (len > w) {
		const char *dots = t->utf8 ? "\xe2\x80\xa6" : "~";
		size_t dl = strlen(dots);

		memmove(buf + dl, buf + len - (w - 1), (size_t)w);	/* with the NUL */
		memcpy(buf, dots, dl);
	}
	return buf;
}

static void detail_map_row(struct tui *t, int y, const struct mapping *m, bool selected)
{
	enum tui_style st = selected ? STY_SELECTED : STY_NORMAL;
	char buf[64];
	int x = 0;

	if (selected)
		tui_fill(y, 0, COLS, st);
	for (int c = 0; c < MC_COUNT && x < COLS; c++) {
		const char *s = buf;
		size_t len;
		uint64_t v;

		if (c == MC_ADDR)
			s = detail_address(t, buf, sizeof buf, m->start);
		else if (c == MC_PERMS)
			s = m->perms;
		else if (c == MC_SEG)
			s = detail_seg_short[m->seg];
		else if (c == MC_PATH)
			s = m->path ? m->path : "[anon]";
		else if (detail_map_value(m, c, &v))
			units_compact(buf, sizeof buf, v, t->view.unit);
		else
			s = "-";
		len = c == MC_PATH && m->path ? strlen(m->path) : strlen(s);
		x = tui_cell(y, x, detail_map_width(&t->detail, c, x), s, len, detail_map_cols[c].numeric, st) + 1;
	}
}

static void detail_maps(struct tui *t, const struct proc *p, int y)
{
	struct tui_detail *d = &t->detail;
	int rows = LINES - 1 - (y + 1);

	if (!p->has_segments || y >= LINES - 1)
		return;
	tui_list_set_height(&d->list, rows);
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
