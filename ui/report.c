#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cells.h"
#include "report.h"
#include "sanitize.h"
#include "sysmem.h"

#define REPORT_CMD_MAX 4096	/* columns of a command line in an unlimited-width report */

static const char *report_size(char *buf, size_t n, const struct fval *v)
{
	if (v->st != V_KNOWN)
		return "-";
	return units_long(buf, n, v->u);
}

static void report_rate(FILE *out, const char *label, const struct fval *v)
{
	char b[32];

	fprintf(out, "%s %s/s", label, v->st == V_KNOWN ? units_count(b, sizeof b, v->d) : "-");
}

/* "+1.00 MiB/s", "-512 KiB/s" */
static const char *report_growth(char *buf, size_t n, double rate)
{
	double a = rate < 0 ? -rate : rate;

	if (a < 0.5) {
		snprintf(buf, n, "0 B/s");
		return buf;
	}
	buf[0] = rate < 0 ? '-' : '+';
	units_long(buf + 1, n - 1, (uint64_t)(a + 0.5));
	strncat(buf, "/s", n - strlen(buf) - 1);
	return buf;
}

/* The machine's headroom trend, once there are enough samples. */
static void report_sys_trend(FILE *out, const struct sys_trend *t)
{
	char a[48], b[16], c[16];

	if (t->rate.st != V_KNOWN)
		return;
	fprintf(out, "Trend:  MemAvailable + SwapFree %s over %s (r2 %.2f)", report_growth(a, sizeof a, t->rate.d),
		cell_duration(b, sizeof b, t->window.d), t->r2.d);
	if (t->falling.st == V_KNOWN && t->falling.u && t->oom_eta.st == V_KNOWN)
		fprintf(out, ", falling steadily: none left in %s", cell_duration(c, sizeof c, t->oom_eta.d));
	fputc('\n', out);
}

/* The processes whose anon + swap rises steadily, among those shown. */
static void report_leaks(FILE *out, const struct proc *const *rows, size_t n)
{
	const char *const limit[] = { "", "machine", "cgroup" };
	size_t shown = 0;

	for (size_t i = 0; i < n; i++) {
		const struct proc *p = rows[i];
		char a[48], b[16], comm[128];

		if (p->f[FLD_LEAK].st != V_KNOWN || !p->f[FLD_LEAK].u)
			continue;
		sanitize_term(comm, sizeof comm, p->comm, strlen(p->comm), 16);
		fprintf(out, "%s %d %s %s", shown++ ? ";" : "Leaks: ", p->pid, comm,
			report_growth(a, sizeof a, p->f[FLD_GROWTH].d));
		if (p->f[FLD_OOM_ETA].st == V_KNOWN)
			fprintf(out, ", %s limit in %s", limit[p->trend.limit], cell_duration(b, sizeof b, p->f[FLD_OOM_ETA].d));
	}
	if (shown)
		fputc('\n', out);
}

void report_system(FILE *out, const struct snapshot *snap)
{
	const struct fval *m = snap->sys.mem;
	const struct sysmem *sm = snap->mem;
	char a[32], b[32], c[32], d[32], e[32], f[32];
	struct tm tm;
	char when[32];

	gmtime_r(&snap->wall.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(out, "memtop - %s - %s (%s) - %zu process%s, %zu shown\n", when, snap->host,
		snap->kernel, snap->ntotal, snap->ntotal == 1 ? "" : "es", snap->nprocs);
	fprintf(out, "Mem:    %s total, %s used, %s free, %s available\n",
		report_size(a, sizeof a, &m[SYS_MEM_TOTAL]), report_size(b, sizeof b, &sm->used),
		report_size(c, sizeof c, &m[SYS_MEM_FREE]), report_size(d, sizeof d, &m[SYS_MEM_AVAILABLE]));
	fprintf(out, "        anon %s, file cache %s (reclaimable), shmem %s (cannot be dropped), slab %s\n",
		report_size(a, sizeof a, &sm->part[SM_ANON]), report_size(b, sizeof b, &sm->part[SM_FILE]),
		report_size(c, sizeof c, &sm->part[SM_SHMEM]), report_size(e, sizeof e, &sm->slab));
	if (m[SYS_SWAP_TOTAL].st == V_KNOWN && m[SYS_SWAP_TOTAL].u == 0) {
		fprintf(out, "Swap:   none\n");
	} else {
		fprintf(out, "Swap:   %s total, %s used, %s cached\n",
			report_size(a, sizeof a, &m[SYS_SWAP_TOTAL]), report_size(b, sizeof b, &sm->swap_used),
			report_size(c, sizeof c, &m[SYS_SWAP_CACHED]));
	}
	fprintf(out, "Commit: %s committed, CommitLimit %s (%s)\n",
		report_size(a, sizeof a, &m[SYS_COMMITTED_AS]), report_size(b, sizeof b, &m[SYS_COMMIT_LIMIT]),
		sysmem_overcommit_short(&snap->sys.knob[KNOB_OVERCOMMIT_MEMORY]));
	fprintf(out, "Paging: ");
	report_rate(out, "major faults", &snap->sys.rate[SYSC_PGMAJFAULT]);
	report_rate(out, ", swap-in", &snap->sys.rate[SYSC_PSWPIN]);
	report_rate(out, ", swap-out", &snap->sys.rate[SYSC_PSWPOUT]);
	fprintf(out, "; OOM kills since boot %s", snap->sys.count[SYSC_OOM_KILL].st == V_KNOWN ?
		units_count(f, sizeof f, (double)snap->sys.count[SYSC_OOM_KILL].u) : "-");
	if (snap->sys.pressure.known)
		fprintf(out, "; pressure some %.2f%% full %.2f%% (avg10)", snap->sys.pressure.some.avg10,
			snap->sys.pressure.full.avg10);
	fputc('\n', out);
	report_sys_trend(out, &snap->sys.trend);
	if (snap->nunreadable)
		fprintf(out, "Note:   PSS/USS of %zu process%s could not be read (permission): shown as %sRSS, "
			"their upper bound, and ranked by it\n",
			snap->nunreadable, snap->nunreadable == 1 ? "" : "es", cells_bound_mark());
}

/* Writes text padded or cut to width display columns; width 0 = as long as it is. */
static void report_cell(FILE *out, const char *s, size_t len, int width, int right)
{
	char buf[REPORT_CMD_MAX * 4 + 16];
	size_t cols = sanitize_term(buf, sizeof buf, s, len, width ? (size_t)width : REPORT_CMD_MAX);

	if (right && width)
		fprintf(out, "%*s%s", (int)(width - cols), "", buf);
	else if (width)
		fprintf(out, "%s%*s", buf, (int)(width - cols), "");
	else
		fputs(buf, out);
}

static void report_header(FILE *out, const struct report_opts *o, const int *w)
{
	bool first = true;

	for (int i = 0; i < o->ncols; i++) {
		const char *h = fields[o->cols[i]].header;

		if (w[i] == CELLS_HIDDEN)
			continue;
		if (!first)
			fputc(' ', out);
		first = false;
		report_cell(out, h, strlen(h), w[i], cell_right_aligned(o->cols[i]) && w[i]);
	}
	fputc('\n', out);
}

static void report_row(FILE *out, const struct proc *p, const struct report_opts *o, const int *w)
{
	bool first = true;
	char buf[64];

	for (int i = 0; i < o->ncols; i++) {
		size_t len;
		const char *s;

		if (w[i] == CELLS_HIDDEN)
			continue;
		s = cell_text(buf, sizeof buf, p, o->cols[i], o->unit, &len);
		if (!first)
			fputc(' ', out);
		first = false;
		report_cell(out, s, len, w[i], cell_right_aligned(o->cols[i]));
	}
	fputc('\n', out);
}

void report_write(FILE *out, const struct snapshot *snap, const struct proc *const *rows, size_t n,
		  const struct report_opts *o)
{
	const struct cells_table t = { o->cols, o->ncols, o->sort, o->unit, rows, n,
				       o->width, o->give_way };
	int w[FLD_COUNT];

	cells_layout(&t, w);
	report_system(out, snap);
	report_leaks(out, rows, n);
	fputc('\n', out);
	report_header(out, o, w);
	for (size_t i = 0; i < n; i++)
		report_row(out, rows[i], o, w);
}

size_t report_width(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	char *end;

	if (env && *env) {
		unsigned long c = strtoul(env, &end, 10);

		if (!*end && c > 0 && c <= REPORT_CMD_MAX)
			return c;
	}
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}
