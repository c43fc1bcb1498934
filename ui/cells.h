/* One process figure as text: shared by the report and the interactive view so that both
 * show the same thing the same way. */
#ifndef MEMTOP_CELLS_H
#define MEMTOP_CELLS_H

#include <stdbool.h>
#include <stddef.h>

#include "field.h"
#include "model.h"
#include "units.h"

/* Writes the cell's text into buf and returns it, or returns the process's own string for
 * text fields (raw bytes: sanitize before display; *len is set). Unknown and not-applicable
 * figures read "-", but a PSS, USS or SwapPss another user's process keeps from us shows
 * its upper bound, marked: "<=12.3M" (the RSS; "\u2264" in a UTF-8 locale). A PSS or a
 * segment reused from an earlier read (a process costly to read, a row off screen) ends in
 * '~': its age is the age field. */
const char *cell_text(char *buf, size_t n, const struct proc *p, enum field_id id, enum unit u,
		      size_t *len);

/* A size as text in unit u (units_compact), or "-" when it is not known. */
const char *cell_bytes(char *buf, size_t n, const struct fval *v, enum unit u);

/* Whether the marks may use UTF-8 (set once, from the locale). */
void cells_set_utf8(bool utf8);

/* The mark before an upper bound: "\u2264" or "<=". */
const char *cells_bound_mark(void);

/* Whether a column is right-aligned (numbers) or left-aligned (text). */
int cell_right_aligned(enum field_id id);

#endif
