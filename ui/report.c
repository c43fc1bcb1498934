#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cells.h"
#include "group.h"
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

/* One summary line, built piece by piece. */
struct report_line {
	char text[1024];
	size_t len;
};

static __attribute__((format(printf, 2, 3))) void report_add(struct report_line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->text + l->len, sizeof l->text - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len = l->len + (size_t)n < sizeof l->text ? l->len + (size_t)n : sizeof l->text - 1;
}

static void report_rate(struct report_line *l, const char *label, const struct fval *v)
{
	char b[32];

	report_add(l, "%s %s/s", label, v->st == V_KNOWN ? units_count(b, sizeof b, v->d) : "-");
}

/* Prints the line, folded at width (0: as it is) after a ", " or "; " where it can be, the
 * rest indented under the line's first figure. The lines are ASCII but for the host name and
 * the bound mark, which only make a fold come early. */
static void report_fold(FILE *out, struct report_line *l, size_t width)
{
	const char *p = l->text;
	size_t len = l->len;

	while (width > 16 && len > width) {
		size_t cut = 0;

		for (size_t i = 8; i + 2 <= width; i++) {
			if ((p[i] == ',' || p[i] == ';') && p[i + 1] == ' ')
				cut = i + 1;
		}
		if (!cut)
			break;
		fprintf(out, "%.*s\n        ", (int)cut, p);
		p += cut + 1;
		len -= cut + 1;
		width -= 8;
	}
	fprintf(out, "%.*s\n", (int)len, p);
	l->len = 0;
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
static void report_sys_trend(FILE *out, const struct sys_trend *t, size_t width)
{
	struct report_line l = { .len = 0 };
	char a[48], b[16], c[16];

	if (t->rate.st != V_KNOWN)
		return;
	report_add(&l, "Trend:  MemAvailable + SwapFree %s over %s (r2 %.2f)", report_growth(a, sizeof a, t->rate.d),
		   cell_duration(b, sizeof b, t->window.d), t->r2.d);
	if (t->falling.st == V_KNOWN && t->falling.u && t->oom_eta.st == V_KNOWN)
		report_add(&l, ", falling steadily: none left in %s", cell_duration(c, sizeof c, t->oom_eta.d));
	report_fold(out, &l, width);
}

/* The processes whose anon + swap rises steadily, among those shown. */
static void report_leaks(FILE *out, const struct proc *const *rows, size_t n, size_t width)
{
	static const char *const limit[] = { "", "machine", "cgroup" };
	struct report_line l = { .len = 0 };
	size_t shown = 0;

	for (size_t i = 0; i < n; i++) {
		const struct proc *p = rows[i];
		char a[48], b[16], comm[128];

		if (p->f[FLD_LEAK].st != V_KNOWN || !p->f[FLD_LEAK].u)
			continue;
		sanitize_term(comm, sizeof comm, p->comm, strlen(p->comm), 16);
		report_add(&l, "%s %d %s %s", shown++ ? ";" : "Leaks: ", p->pid, comm,
			   report_growth(a, sizeof a, p->f[FLD_GROWTH].d));
		if (p->f[FLD_OOM_ETA].st == V_KNOWN)
			report_add(&l, ", %s limit in %s", limit[p->trend.limit], cell_duration(b, sizeof b, p->f[FLD_OOM_ETA].d));
	}
	if (shown)
		report_fold(out, &l, width);
}

void report_system(FILE *out, const struct snapshot *snap, size_t width)
{
	const struct fval *m = snap->sys.mem;
	const struct sysmem *sm = snap->mem;
	char a[32], b[32], c[32], d[32], host[sizeof snap->host * 4];
	struct report_line l = { .len = 0 };
	struct tm tm;
	char when[32];

	gmtime_r(&snap->wall.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	sanitize_term(host, sizeof host, snap->host, strlen(snap->host), 64);
	report_add(&l, "memtop - %s - %s (%s) - %zu process%s, %zu shown", when, host, snap->kernel,
		   snap->ntotal, snap->ntotal == 1 ? "" : "es", snap->nprocs);
	report_fold(out, &l, width);
	report_add(&l, "Mem:    %s total, %s used, %s free, %s available",
		   report_size(a, sizeof a, &m[SYS_MEM_TOTAL]), report_size(b, sizeof b, &sm->used),
		   report_size(c, sizeof c, &m[SYS_MEM_FREE]), report_size(d, sizeof d, &m[SYS_MEM_AVAILABLE]));
	report_fold(out, &l, width);
	report_add(&l, "        anon %s, file cache %s (reclaimable), shmem %s (cannot be dropped), slab %s",
		   report_size(a, sizeof a, &sm->part[SM_ANON]), report_size(b, sizeof b, &sm->part[SM_FILE]),
		   report_size(c, sizeof c, &sm->part[SM_SHMEM]), report_size(d, sizeof d, &sm->slab));
	report_fold(out, &l, width);
	if (m[SYS_SWAP_TOTAL].st == V_KNOWN && m[SYS_SWAP_TOTAL].u == 0)
		report_add(&l, "Swap:   none");
	else
		report_add(&l, "Swap:   %s total, %s used, %s cached",
			   report_size(a, sizeof a, &m[SYS_SWAP_TOTAL]), report_size(b, sizeof b, &sm->swap_used),
			   report_size(c, sizeof c, &m[SYS_SWAP_CACHED]));
	report_fold(out, &l, width);
	report_add(&l, "Commit: %s committed, CommitLimit %s (%s)",
		   report_size(a, sizeof a, &m[SYS_COMMITTED_AS]), report_size(b, sizeof b, &m[SYS_COMMIT_LIMIT]),
		   sysmem_overcommit_short(&snap->sys.knob[KNOB_OVERCOMMIT_MEMORY]));
	report_fold(out, &l, width);
	report_add(&l, "Paging: ");
	report_rate(&l, "major faults", &snap->sys.rate[SYSC_PGMAJFAULT]);
	report_rate(&l, ", swap-in", &snap->sys.rate[SYSC_PSWPIN]);
	report_rate(&l, ", swap-out", &snap->sys.rate[SYSC_PSWPOUT]);
	report_add(&l, "; OOM kills since boot %s", snap->sys.count[SYSC_OOM_KILL].st == V_KNOWN ?
		   units_count(a, sizeof a, (double)snap->sys.count[SYSC_OOM_KILL].u) : "-");
	if (snap->sys.pressure.known)
		report_add(&l, "; pressure some %.2f%% full %.2f%% (avg10)", snap->sys.pressure.some.avg10,
			   snap->sys.pressure.full.avg10);
	report_fold(out, &l, width);
	report_sys_trend(out, &snap->sys.trend, width);
	if (snap->nunreadable) {
		report_add(&l, "Note:   PSS/USS of %zu process%s could not be read (permission): shown as %sRSS, "
			   "their upper bound, and ranked by it", snap->nunreadable, snap->nunreadable == 1 ? "" : "es",
			   cells_bound_mark());
		report_fold(out, &l, width);
	}
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

/* One table to print: process rows, or group rows (-g), and the totals line under them. */
struct report_table {
	const struct report_opts *o;
	const enum field_id *cols;	/* the columns laid out (a group table's: cells.h) */
	int ncols;
	const struct proc *const *rows;	/* process rows, or */
	const struct group_set *gs;	/* group rows */
	size_t n;
	const struct group *total;	/* the line after the last row */
	char label[64];			/* the totals line's text in the open column */
};

/* Cell text of row r (r == n: the totals line). */
static const char *report_text(const void *ctx, size_t r, enum field_id id, char *buf, size_t n, size_t *len)
{
	const struct report_table *t = ctx;

	if (r < t->n && t->gs)
		return cell_group_text(buf, n, &t->gs->g[r], id, t->o->unit, len);
	if (r < t->n)
		return cell_text(buf, n, t->rows[r], id, t->o->unit, len);
	if (id == FLD_CMD) {
		*len = strlen(t->label);
		return t->label;
	}
	buf[0] = '\0';
	if (group_summed(id) && !(t->gs && id == FLD_PID)) {
		struct cell_sum sum = cell_group_sum(t->total, id);

		cell_sum_text(buf, n, id, &sum, t->o->unit);
	} else if (t->gs && id == FLD_PID) {
		snprintf(buf, n, "%zu", t->total->count);
	}
	*len = strlen(buf);
	return buf;
}

static const char *report_title(const struct report_table *t, enum field_id id)
{
	return t->gs ? cells_group_header(id, t->gs->by) : fields[id].header;
}

static void report_header(FILE *out, const struct report_table *t, const int *w)
{
	bool first = true;

	for (int i = 0; i < t->ncols; i++) {
		const char *h = report_title(t, t->cols[i]);

		if (w[i] == CELLS_HIDDEN)
			continue;
		if (!first)
			fputc(' ', out);
		first = false;
		report_cell(out, h, strlen(h), w[i], cell_right_aligned(t->cols[i]) && w[i]);
	}
	fputc('\n', out);
}

/* Row r, or the totals line (r == n): it has no open column to hold its label when the
 * columns have none, so the label then ends the line. */
static void report_row(FILE *out, const struct report_table *t, size_t r, const int *w)
{
	bool first = true, labelled = false;
	char buf[64];

	for (int i = 0; i < t->ncols; i++) {
		size_t len;
		const char *s;

		if (w[i] == CELLS_HIDDEN)
			continue;
		s = report_text(t, r, t->cols[i], buf, sizeof buf, &len);
		labelled = labelled || s == t->label;
		if (!first)
			fputc(' ', out);
		first = false;
		report_cell(out, s, len, w[i], cell_right_aligned(t->cols[i]));
	}
	if (r == t->n && !labelled)
		fprintf(out, "%s%s", first ? "" : " ", t->label);
	fputc('\n', out);
}

static void report_table(FILE *out, const struct snapshot *snap, struct report_table *t)
{
	const struct cells_table ct = { t->cols, t->ncols, t->o->sort, t->o->unit, NULL, t->n + 1,
				       t->o->width, t->o->give_way };
	char note[256];
	int w[FLD_COUNT];

	cells_layout_by(&ct, report_text, t, w);
	report_system(out, snap, t->o->width);
	if (t->rows)
		report_leaks(out, t->rows, t->n, t->o->width);
	fputc('\n', out);
	report_header(out, t, w);
	for (size_t i = 0; i <= t->n; i++)
		report_row(out, t, i, w);
	cells_lower_note(note, sizeof note, t->total, t->cols, t->ncols);
	if (note[0]) {
		struct report_line l = { .len = 0 };

		report_add(&l, "Note:   %s", note);
		report_fold(out, &l, t->o->width);
	}
}

void report_write(FILE *out, const struct snapshot *snap, const struct proc *const *rows, size_t n,
		  const struct report_opts *o)
{
	struct report_table t = { .o = o, .cols = o->cols, .ncols = o->ncols, .rows = rows, .n = n };
	struct group total = { 0 };

	group_total(&total, rows, n);
	t.total = &total;
	snprintf(t.label, sizeof t.label, "total: %zu process%s", n, n == 1 ? "" : "es");
	report_table(out, snap, &t);
	group_free(&total);
}

void report_groups(FILE *out, const struct snapshot *snap, const struct group_set *gs, const struct group *total,
		   const struct report_opts *o)
{
	struct report_table t = { .o = o, .gs = gs, .n = gs->n, .total = total };
	enum field_id cols[FLD_COUNT];

	t.ncols = cells_group_columns(o->cols, o->ncols, cols);
	t.cols = cols;
	snprintf(t.label, sizeof t.label, "total: %zu group%s", gs->n, gs->n == 1 ? "" : "s");
	report_table(out, snap, &t);
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
