/* A report as a document of styled lines, built once from the snapshot and rendered by
 * every face that shows it: printed as text (-O, -S), or kept as a page of the interactive
 * view (O, S), where a line that shows a process knows which one (pid and start time), so
 * that keys act on it. */
#ifndef MEMTOP_DOC_H
#define MEMTOP_DOC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "units.h"

enum doc_style {
	DOC_NORMAL,
	DOC_TITLE,	/* a section's first line */
	DOC_COLHEAD,	/* a table's column heads: the view keeps it in sight while its rows scroll */
	DOC_DIM,	/* a note */
	DOC_ERROR,
};

struct doc {
	/* Takes one line (no newline; raw bytes: the caller has sanitized what came from
	 * the kernel). pid is 0 for a line that shows no process. */
	void (*line)(struct doc *d, enum doc_style st, const char *text, size_t len, int pid,
		     uint64_t start_ticks);
	void *ctx;
	enum unit unit;
	size_t width;		/* the width lines are made for (commands are cut to it); 0: none */
	int sort;		/* a field the reader asked to sort by (-s), or -1 */
};

/* A line. */
void doc_printf(struct doc *d, enum doc_style st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A line that shows process p. */
void doc_proc(struct doc *d, const struct proc *p, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A document printed on out, one line after another. */
struct doc doc_file(FILE *out, enum unit u, size_t width, int sort);

#endif
