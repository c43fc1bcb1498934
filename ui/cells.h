/* One process figure as text: shared by the report and the interactive view so that both
 * show the same thing the same way. */
#ifndef MEMTOP_CELLS_H
#define MEMTOP_CELLS_H

#include <stdbool.h>
#include <stddef.h>

#include "field.h"
#include "group.h"
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

/* A growth in bytes per second: "+1.00M", "-512K" (unit u), "0" below half a byte. */
const char *cell_growth(char *buf, size_t n, double bytes_per_s, enum unit u);

/* A duration, compact: "42s", "12m", "5.2h", "17h", "3.5d", ">999d". */
const char *cell_duration(char *buf, size_t n, double seconds);

/* Whether the marks may use UTF-8 (set once, from the locale). */
void cells_set_utf8(bool utf8);

/* The mark before an upper bound: "\u2264" or "<=". */
const char *cells_bound_mark(void);

/* A figure summed over processes: a group's, a subtree's, the totals' (lib/group.h). */
struct cell_sum {
	const struct fval *v;
	unsigned known, unknown;	/* members in the sum, members left out (unreadable) */
	double age;			/* its oldest figure read at an earlier refresh, or 0 */
};

/* A sum as text: "-" when no member has the figure (it applies to none, or none could be
 * read); a sum that leaves out members whose figure could not be read is a lower bound,
 * marked "\u2265" (">=" outside UTF-8): "\u226512.3M"; "~" after a sum holding a figure read
 * at an earlier refresh. */
const char *cell_sum_text(char *buf, size_t n, enum field_id id, const struct cell_sum *s, enum unit u);

/* The mark before a lower bound: "\u2265" or ">=". */
const char *cells_lower_mark(void);

/* A group's (or the totals') sum of id. */
struct cell_sum cell_group_sum(const struct group *g, enum field_id id);

/* A table of groups is laid out as a table of processes: the member count in the pid's
 * column, the summed columns of cols, the key in the command line's (the open column, last).
 * Writes those ids to out (room for FLD_COUNT) and returns how many. */
int cells_group_columns(const enum field_id *cols, int ncols, enum field_id *out);

/* A group table's column title: "PROCS" over the count, "USER", "COMM" or "CGROUP" over the
 * key, the registry's header elsewhere. */
const char *cells_group_header(enum field_id id, enum group_by by);

/* A group row's cell: the count, the key (raw bytes: sanitize for display; *len set), or a
 * sum as cell_sum_text() writes it. */
const char *cell_group_text(char *buf, size_t n, const struct group *g, enum field_id id, enum unit u, size_t *len);

/* Says which shown sums of t are lower bounds, and why: "PSS, USS: 3 processes could not
 * be read"; "" when none is. */
void cells_lower_note(char *buf, size_t n, const struct group *t, const enum field_id *cols, int ncols);

/* Whether a column is right-aligned (numbers) or left-aligned (text). */
int cell_right_aligned(enum field_id id);

#define CELLS_HIDDEN (-1)	/* a column that gave way to the command line */
#define CELLS_OPEN_NOT_LAST 32	/* an open column followed by others, on an unlimited line */

/* What a table of processes is laid out for. */
struct cells_table {
	const enum field_id *cols;
	int ncols;
	enum field_id sort;		/* never gives way */
	enum unit unit;
	const struct proc *const *rows;	/* the rows shown, whose cells the widths must hold */
	size_t nrows;
	size_t width;			/* of the line; 0: no limit */
	bool give_way;			/* columns may give way to the open column */
};

/* Each column's width in w: a number column as wide as its title and its widest cell (a
 * number is never cut: in KiB a column grows), a text column the registry's width. The
 * open column (the command line) gets what the others leave of the line; when that is
 * less than FIELD_OPEN_MIN and give_way is set, columns give way in field_give_way()'s
 * order (their width is CELLS_HIDDEN) until it is not. On an unlimited line the open
 * column's width is 0 (as long as its text) when last, else CELLS_OPEN_NOT_LAST. Returns
 * how many columns gave way. */
int cells_layout(const struct cells_table *t, int *w);

/* The text of row r's cell (as cell_text() writes it). */
typedef const char *(*cells_text_fn)(const void *ctx, size_t r, enum field_id id, char *buf, size_t n,
				     size_t *len);

/* The same for rows that are not t->rows' processes (groups, the tree's sums, a totals line):
 * t->nrows rows whose cells text() gives; t->rows is not read. */
int cells_layout_by(const struct cells_table *t, cells_text_fn text, const void *ctx, int *w);

#endif
