/* The one-shot text report: the machine's memory, then the process table. Plain text only. */
#ifndef MEMTOP_REPORT_H
#define MEMTOP_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "field.h"
#include "group.h"
#include "model.h"
#include "units.h"

struct report_opts {
	const enum field_id *cols;
	int ncols;
	enum field_id sort;
	enum unit unit;
	size_t width;		/* terminal width to cut lines at; 0 = no limit */
	bool give_way;		/* columns give way to the command line on a narrow line */
};

/* The width a report's lines are cut at: $COLUMNS when it is a number (as ps reads it),
 * else the terminal's when standard output is one, else 0 (no limit). */
size_t report_width(void);

/* Writes one snapshot: the machine, then the processes given (rows, n), in that order, and
 * their totals on the last line (sums of what is known: a sum missing processes that could
 * not be read is a lower bound, marked, and a note says so). The caller checks ferror(out). */
void report_write(FILE *out, const struct snapshot *snap, const struct proc *const *rows, size_t n,
		  const struct report_opts *o);

/* The same with one row per group (-g): the member count, the summed columns of o, the key
 * last; the totals of every member on the last line. */
void report_groups(FILE *out, const struct snapshot *snap, const struct group_set *gs, const struct group *total,
		   const struct report_opts *o);

/* The machine summary lines alone, folded at width (0: not folded). */
void report_system(FILE *out, const struct snapshot *snap, size_t width);

#endif
