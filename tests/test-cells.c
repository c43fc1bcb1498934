/* ui/cells.c's table layout: a number is never cut (its column grows in KiB), and on a
 * narrow line columns give way to the command line in the registry's order. */
#include <stdlib.h>

#include "cells.h"
#include "tap.h"

#define KIB 1024ull

static struct proc *proc_make(int pid, uint64_t rss)
{
	struct proc *p = calloc(1, sizeof *p);

	p->pid = pid;
	p->user = "root";
	p->comm = "memhog";
	p->cmdline = "/usr/libexec/memhog touched 1500";
	p->cmdline_len = strlen(p->cmdline);
	for (int i = 0; i < FLD_COUNT; i++)
		p->f[i] = (struct fval){ .u = 0, .st = V_KNOWN };
	p->f[FLD_PID] = (struct fval){ .i = pid, .st = V_KNOWN };
	p->f[FLD_OOM] = (struct fval){ .i = 666, .st = V_KNOWN };
	p->f[FLD_OOM_ADJ] = (struct fval){ .i = 0, .st = V_KNOWN };
	p->f[FLD_MAJFLT_RATE] = (struct fval){ .d = 0, .st = V_KNOWN };
	p->f[FLD_RSS].u = p->f[FLD_PSS].u = p->f[FLD_USS].u = p->f[FLD_ANON].u = rss;
	return p;
}

/* The shown columns' headers, "|"-separated, for a compact comparison. */
static const char *shown(const enum field_id *cols, int n, const int *w)
{
	static char buf[256];

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (w[i] == CELLS_HIDDEN)
			continue;
		if (buf[0])
			strcat(buf, "|");
		strcat(buf, fields[cols[i]].header);
	}
	return buf;
}

/* The line the widths make: every shown width plus a blank between columns. */
static long line_width(const enum field_id *cols, int n, const int *w)
{
	long sum = 0;
	int k = 0;

	for (int i = 0; i < n; i++) {
		if (w[i] != CELLS_HIDDEN) {
			sum += w[i];
			k++;
		}
	}
	(void)cols;
	return sum + (k ? k - 1 : 0);
}

static int cmd_width(const enum field_id *cols, int n, const int *w)
{
	for (int i = 0; i < n; i++) {
		if (cols[i] == FLD_CMD)
			return w[i];
	}
	return -2;
}

static void test_give_way_order(void)
{
	is_int(field_give_way(FLD_PID), 0, "pid never gives way");
	is_int(field_give_way(FLD_CMD), 0, "the command line never gives way");
	ok(field_give_way(FLD_OOM_ADJ) > field_give_way(FLD_SHMEM) &&
	   field_give_way(FLD_SHMEM) > field_give_way(FLD_FILE) &&
	   field_give_way(FLD_FILE) > field_give_way(FLD_OOM) &&
	   field_give_way(FLD_OOM) > field_give_way(FLD_MAJFLT_RATE) &&
	   field_give_way(FLD_MAJFLT_RATE) > field_give_way(FLD_SWAP) &&
	   field_give_way(FLD_SWAP) > field_give_way(FLD_ANON) &&
	   field_give_way(FLD_ANON) > field_give_way(FLD_USS) &&
	   field_give_way(FLD_USS) > field_give_way(FLD_USER) &&
	   field_give_way(FLD_USER) > field_give_way(FLD_RSS) &&
	   field_give_way(FLD_RSS) > field_give_way(FLD_PSS) && field_give_way(FLD_PSS) > 0,
	   "the documented order: ADJ SHMEM FILE OOM MAJ/s SWAP ANON USS USER RSS PSS");
	ok(field_give_way(FLD_SEG_HEAP) > field_give_way(FLD_OOM_ADJ), "a column not listed goes first");
}

static void test_widths(void)
{
	struct proc *rows[] = { proc_make(1, 1549532 * KIB), proc_make(4194303, 4 * KIB) };
	const enum field_id *cols = field_default_columns;
	const int n = field_default_ncolumns;
	struct cells_table t = { cols, n, FLD_PSS, UNIT_AUTO, (const struct proc *const *)rows, 2, 0, true };
	int w[FLD_COUNT];

	is_int(cells_layout(&t, w), 0, "unlimited line: nothing gives way");
	is_int(cmd_width(cols, n, w), 0, "the command line, last, as long as it is");
	is_int(w[0], 7, "PID 7 wide");
	is_int(w[2], 6, "RSS as the registry has it in auto units");

	t.unit = UNIT_KIB;
	cells_layout(&t, w);
	is_int(w[2], 7, "in KiB the RSS column holds 1549532");
	is_int(w[3], 7, "and the PSS column");
	t.unit = UNIT_MIB;
	cells_layout(&t, w);
	is_int(w[2], 6, "1513.2 in MiB fits 6");
	rows[0]->f[FLD_RSS].u = 40000ull * 1048576;
	cells_layout(&t, w);
	is_int(w[2], 7, "40000.0 in MiB widens it");
	t.rows = (const struct proc *const *)rows + 1;
	t.nrows = 1;
	cells_layout(&t, w);
	is_int(w[2], 6, "only the rows given count");
	free(rows[0]);
	free(rows[1]);
}

static void test_give_way(void)
{
	struct proc *rows[] = { proc_make(123, 5 * 1048576) };
	const enum field_id *cols = field_default_columns;
	const int n = field_default_ncolumns;
	struct cells_table t = { cols, n, FLD_PSS, UNIT_AUTO, (const struct proc *const *)rows, 1, 200, true };
	int w[FLD_COUNT];

	is_int(cells_layout(&t, w), 0, "200 columns: everything fits");
	is_int(line_width(cols, n, w), 200, "the command line takes the rest");

	t.width = 80;
	is_int(cells_layout(&t, w), 4, "80 columns: four give way");
	is_str(shown(cols, n, w), "PID|USER|RSS|PSS|USS|ANON|SWAP|MAJ/s|COMMAND", "ADJ SHMEM FILE OOM went");
	ok(cmd_width(cols, n, w) >= FIELD_OPEN_MIN, "the command line gets %d >= %d", cmd_width(cols, n, w),
	   FIELD_OPEN_MIN);
	is_int(line_width(cols, n, w), 80, "the line is 80 wide");

	t.sort = FLD_OOM_ADJ;
	cells_layout(&t, w);
	is_str(shown(cols, n, w), "PID|USER|RSS|PSS|USS|ANON|SWAP|ADJ|COMMAND", "the sort column stays");
	t.sort = FLD_PSS;

	t.width = 30;
	cells_layout(&t, w);
	is_str(shown(cols, n, w), "PID|PSS|COMMAND", "30 columns: pid, pss and the command");
	is_int(line_width(cols, n, w), 30, "30 wide");

	t.width = 10;
	cells_layout(&t, w);
	is_str(shown(cols, n, w), "PID|PSS|COMMAND", "too narrow for all: pid, the sort and the command");
	is_int(cmd_width(cols, n, w), 1, "the command line keeps a column");

	t.width = 80;
	t.give_way = false;
	is_int(cells_layout(&t, w), 0, "without give_way (-o) nothing goes");
	is_int(cmd_width(cols, n, w), 1, "and the command line is squeezed");

	free(rows[0]);
}

static void test_open_not_last(void)
{
	const enum field_id cols[] = { FLD_PID, FLD_CMD, FLD_RSS };
	struct proc *rows[] = { proc_make(1, 4096) };
	struct cells_table t = { cols, 3, FLD_RSS, UNIT_AUTO, (const struct proc *const *)rows, 1, 0, true };
	int w[FLD_COUNT];

	cells_layout(&t, w);
	is_int(w[1], CELLS_OPEN_NOT_LAST, "an open column not last, unlimited line: a fixed width");
	t.width = 60;
	cells_layout(&t, w);
	is_int(w[1], 60 - 7 - 6 - 2, "on a line: what the others leave");
	free(rows[0]);
}

int main(void)
{
	test_give_way_order();
	test_widths();
	test_give_way();
	test_open_not_last();
	return tap_done();
}
