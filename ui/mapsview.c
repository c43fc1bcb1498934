/* -m: where inside a process its memory lives. Status figures, the segment table, then every
 * mapping with its smaps figures, like pmap -X but classified. Text, or JSON (the usual
 * document, each named process with "segments" and "maps"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "maptable.h"
#include "record.h"
#include "procstatus.h"
#include "reports.h"
#include "sanitize.h"
#include "segment.h"
#include "xalloc.h"

/* The text shows no PSS figure of the process as a whole: its figures come from status, the
 * rest from smaps. JSON writes every field, Pss_Anon/File/Shmem among them, and those only
 * smaps_rollup has (smaps gives each mapping's Pss whole, and rounds it to kB per mapping):
 * a second walk of the page tables, which reports_run adds for JSON only. */
#define MAPSVIEW_NEED (SRC_CMDLINE | SRC_STATUS | SRC_OOM | SRC_SMAPS | SRC_MAPS_LIST)

/* The registry field a status line is shown as (VmSize is stat's vsize), or -1. */
static int mapsview_status_field(const char *key)
{
	for (int i = 0; i < FLD_COUNT; i++) {
		if (fields[i].src == SRC_STATUS && strcmp(fields[i].key, key) == 0)
			return i;
	}
	return strcmp(key, "VmSize") == 0 ? FLD_VIRT : -1;
}

/* The status figures in the order status lists them. */
static void mapsview_status(struct doc *d, const struct proc *p)
{
	char line[512], buf[32], oom[2][24];
	size_t len = 0;
	int n = 0;

	doc_printf(d, DOC_TITLE, "Status:");
	for (int k = 0; k < STATUS_COUNT; k++) {
		const char *label = procstatus_key(k);
		int i = mapsview_status_field(label);

		if (i < 0)
			continue;
		len += snprintf(line + len, sizeof line - len, "  %-13s%8s", label, cell_bytes(buf, sizeof buf, &p->f[i], d->unit));
		if (++n % 4 == 0) {
			doc_printf(d, DOC_NORMAL, "%s", line);
			len = 0;
		}
	}
	if (len)
		doc_printf(d, DOC_NORMAL, "%s", line);
	doc_printf(d, DOC_NORMAL, "  %-13s%8s  %-13s%8s", "oom_score", cell_text(oom[0], sizeof oom[0], p, FLD_OOM, d->unit, &(size_t){ 0 }),
		   "oom_score_adj", cell_text(oom[1], sizeof oom[1], p, FLD_OOM_ADJ, d->unit, &(size_t){ 0 }));
}

static void mapsview_segments(struct doc *d, const struct proc *p)
{
	uint64_t total[SEGF_COUNT] = { 0 };
	char line[256], buf[32];
	size_t len;

	doc_printf(d, DOC_NORMAL, "%s", "");
	len = snprintf(line, sizeof line, "%-10s", "SEGMENT");
	for (int f = 0; f < SEGF_COUNT; f++) {
		char h[16];

		snprintf(h, sizeof h, "%s", segment_figure_name(f));
		for (char *c = h; *c; c++)
			*c = *c - 'a' + 'A';
		len += snprintf(line + len, sizeof line - len, " %7s", h);
	}
	doc_printf(d, DOC_COLHEAD, "%s", line);
	for (int s = 0; s <= SEG_COUNT; s++) {
		len = snprintf(line, sizeof line, "%-10s", s < SEG_COUNT ? segment_name(s) : "total");
		for (int f = 0; f < SEGF_COUNT; f++) {
			uint64_t v = s < SEG_COUNT ? p->seg->v[s][f] : total[f];

			if (s < SEG_COUNT)
				total[f] += v;
			len += snprintf(line + len, sizeof line - len, " %7s", units_compact(buf, sizeof buf, v, d->unit));
		}
		doc_printf(d, DOC_NORMAL, "%s", line);
	}
	if (p->smaps_age > 0)
		doc_printf(d, DOC_NORMAL, "(segments read %.1f s before this sample)", p->smaps_age);
}

/* One row, each cell at its column's width (numbers right-aligned, never cut). */
static size_t mapsview_row(char *line, const struct mapping *m, int aw, enum unit u)
{
	char *o = line;

	for (int i = 0; i < maptable_nfull; i++) {
		enum maptable_col c = maptable_full[i];
		int w = c == MT_ADDR ? 2 * aw + 1 : maptable_cols[c].width;
		char cell[4096 * 4 + 16], *end = maptable_cell(cell, m, c, u, aw, 4096 * 4);
		int n = (int)(end - cell);

		if (i)
			*o++ = ' ';
		if (maptable_cols[c].numeric)
			for (; n < w; w--)
				*o++ = ' ';
		memcpy(o, cell, n);
		o += n;
		for (; c != MT_PATH && n < w; n++)
			*o++ = ' ';
	}
	return (size_t)(o - line);
}

static void mapsview_maps(struct doc *d, const struct proc *p, int sort)
{
	int aw = maptable_addr_width(p->maps, p->nmaps);
	size_t *order = xreallocarray(NULL, p->nmaps ? p->nmaps : 1, sizeof *order);
	char head[512], *o = head, *line = xmalloc(512 + 4096 * 4 + 16);

	doc_printf(d, DOC_NORMAL, "%s", "");
	if (!(p->have & SRC_MAPS_LIST)) {	/* a recording keeps the segments only */
		doc_printf(d, DOC_TITLE, "Mappings: not recorded (a recording keeps segment totals)");
		free(line);
		free(order);
		return;
	}
	doc_printf(d, DOC_TITLE, "%zu mapping%s", p->nmaps, p->nmaps == 1 ? "" : "s");
	for (int i = 0; i < maptable_nfull; i++) {
		enum maptable_col c = maptable_full[i];
		int w = c == MT_ADDR ? 2 * aw + 1 : maptable_cols[c].width;

		o += sprintf(o, maptable_cols[c].numeric ? "%s%*s" : "%s%-*s", i ? " " : "", c == MT_PATH ? 0 : w,
			     maptable_cols[c].header);
	}
	doc_printf(d, DOC_COLHEAD, "%s", head);
	if (sort >= 0)
		maptable_sort(order, p->maps, p->nmaps, sort);
	for (size_t i = 0; i < p->nmaps; i++) {
		const struct mapping *m = &p->maps[sort >= 0 ? order[i] : i];

		d->line(d, DOC_NORMAL, line, mapsview_row(line, m, aw, d->unit), 0, 0);
	}
	free(line);
	free(order);
}

static void mapsview_process(struct doc *d, const struct proc *p, int sort, bool first)
{
	char cmd[4096 * 4];

	sanitize_term(cmd, sizeof cmd, p->cmdline ? p->cmdline : p->comm,
		      p->cmdline ? p->cmdline_len : strlen(p->comm), 1024);
	if (!first)
		doc_printf(d, DOC_NORMAL, "%s", "");
	doc_printf(d, DOC_TITLE, "PID %d  user %s  %s", p->pid, p->user, cmd);
	mapsview_status(d, p);
	mapsview_segments(d, p);
	mapsview_maps(d, p, sort);
}

static void mapsview_text(struct doc *d, const struct snapshot *snap, bool filtered)
{
	int sort = d->sort >= 0 ? maptable_col_of(d->sort) : -1;
	bool first = true;

	(void)filtered;
	for (size_t i = 0; i < snap->nprocs; i++) {
		if (!snap->procs[i]->has_segments)
			continue;
		mapsview_process(d, snap->procs[i], sort, first);
		first = false;
	}
}

/* Each process -p named that has no mapping table to show, said once, on stderr. */
static int mapsview_check(const struct run_config *rc, const struct snapshot *snap)
{
	int status = 0;

	for (size_t i = 0; i < rc->npids; i++) {
		const struct proc *p = snapshot_find(snap, rc->pids[i], false);

		if (!p)
			continue;	/* reports_run said so */
		if (p->kernel_thread)
			run_error("pid %d is a kernel thread: it has no address space of its own", p->pid);
		else if (!proc_has_mm(p))
			run_error("pid %d is a zombie: it has exited and has no address space", p->pid);
		else if (!p->has_segments && !p->smaps_errno && !(p->have & SRC_SMAPS))
			run_error("pid %d: its segments were not recorded at that moment (a recording keeps those "
				  "of the %d largest processes every %d samples)", p->pid, RECORD_SEGMENTS_TOP,
				  RECORD_KEYFRAME_SAMPLES);
		else if (!p->has_segments)
			run_error("cannot read the mappings (smaps) of pid %d: %s", p->pid,
				  strerror(p->smaps_errno ? p->smaps_errno : ESRCH));
		else
			continue;
		status = RUN_EXIT_RUNTIME;
	}
	return status;
}

const struct report_kind mapsview_report = {
	.option = "-m",
	.need = MAPSVIEW_NEED,
	.maps = true,
	.text = mapsview_text,
	.check = mapsview_check,
};
