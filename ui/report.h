/* The one-shot text report: the machine's memory, then the process table. Plain text only. */
#ifndef MEMTOP_REPORT_H
#define MEMTOP_REPORT_H

#include <stdio.h>

#include "field.h"
#include "model.h"
#include "units.h"

struct report_opts {
	const enum field_id *cols;
	int ncols;
	enum field_id sort;
	enum unit unit;
	size_t width;		/* terminal width to cut lines at; 0 = no limit */
};

/* Writes one snapshot: the machine, then the processes given (rows, n), in that order. The
 * caller checks ferror(out). */
void report_write(FILE *out, const struct snapshot *snap, const struct proc *const *rows, size_t n,
		  const struct report_opts *o);

/* The machine summary lines alone (also the top of the interactive view's text). */
void report_system(FILE *out, const struct snapshot *snap);

#endif
