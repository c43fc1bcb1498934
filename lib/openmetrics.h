/* A snapshot as OpenMetrics 1.0 text, or as the Prometheus text format 0.0.4 (what
 * node_exporter's textfile collector and older scrapers read): the families design.md's
 * "OpenMetrics names" lists. Pure: computed from the snapshot alone and written to a FILE.
 *
 * Names: prefix memtop_, the unit in the name (_bytes, _seconds), _total on counters.
 * Every label value is valid UTF-8 that cannot move a terminal's cursor or reorder text,
 * whatever bytes the kernel gave: memtop's label encoding (openmetrics_label()). Series
 * stay bounded: per-process series for the processes given (the top N by PSS), and per
 * kind of group (user, comm, cgroup) the N largest by PSS, the rest summed in one group
 * keyed OPENMETRICS_OTHER_KEY. */
#ifndef MEMTOP_OPENMETRICS_H
#define MEMTOP_OPENMETRICS_H

#include <stddef.h>
#include <stdio.h>

#include "model.h"

enum openmetrics_format {
	OPENMETRICS_OM,		/* OpenMetrics 1.0: TYPE, UNIT, HELP; counters' samples _total; # EOF */
	OPENMETRICS_TEXT,	/* Prometheus text 0.0.4: HELP, TYPE; counters named _total */
};

#define OPENMETRICS_TOP_DEFAULT 20
#define OPENMETRICS_TOP_MAX 100000
/* The group of each kind summing what its N largest leave out: longer than a command name
 * can be (15 bytes), and a cgroup path starts with '/'. A label equal to it adds to it. */
#define OPENMETRICS_OTHER_KEY "(other processes)"

struct openmetrics_opts {
	enum openmetrics_format format;
	size_t top;		/* groups of each kind with series of their own */
};

/* The content type of a format, for HTTP. */
const char *openmetrics_content_type(enum openmetrics_format f);

/* Picks the format for an HTTP Accept header (NULL: none sent). OpenMetrics unless the
 * header prefers text/plain (Prometheus text 0.0.4) or does not accept OpenMetrics at all. */
enum openmetrics_format openmetrics_negotiate(const char *accept);

/* The processes that get series of their own: the snapshot's selected processes ranked by
 * PSS (an unreadable PSS by RSS, its upper bound), the first n of them. rows needs room
 * for snap->nprocs; returns how many were chosen. */
size_t openmetrics_top(const struct snapshot *snap, size_t n, const struct proc **rows);

/* Writes the document: the machine's families, the groups of the selected processes, and
 * per-process series for rows (nrows of them, in that order). Unknown figures have no
 * sample. Returns 0, or -errno when writing failed. */
int openmetrics_write(FILE *out, const struct snapshot *snap, const struct proc *const *rows, size_t nrows,
		      const struct openmetrics_opts *o);

/* A label value as written between the quotes, NUL-terminated in dst (dstsz >=
 * OPENMETRICS_LABEL_MAX(len)); returns its length. The value: printable UTF-8 kept; C0
 * controls and DEL in caret notation ("^[", "^?"), each byte of invalid UTF-8 as "\xHH",
 * C1 controls, invisible and bidi code points and noncharacters as "\u{XXXX}", as the
 * terminal shows them; then escaped for the exposition (\\, \", never a raw newline). */
#define OPENMETRICS_LABEL_MAX(len) (5 * (len) + 1)
size_t openmetrics_label(char *dst, size_t dstsz, const char *src, size_t len);

#endif
