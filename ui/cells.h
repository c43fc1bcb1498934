/* One process figure as text: shared by the report and the interactive view so that both
 * show the same thing the same way. */
#ifndef MEMTOP_CELLS_H
#define MEMTOP_CELLS_H

#include <stddef.h>

#include "field.h"
#include "model.h"
#include "units.h"

/* Writes the cell's text into buf and returns it, or returns the process's own string for
 * text fields (raw bytes: sanitize before display; *len is set). Unknown and not-applicable
 * figures read "-". */
const char *cell_text(char *buf, size_t n, const struct proc *p, enum field_id id, enum unit u,
		      size_t *len);

/* A size as text in unit u (units_compact), or "-" when it is not known. */
const char *cell_bytes(char *buf, size_t n, const struct fval *v, enum unit u);

/* Whether a column is right-aligned (numbers) or left-aligned (text). */
int cell_right_aligned(enum field_id id);

#endif
