#include <stdarg.h>
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
	report_system(out, snap, o->width);
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
