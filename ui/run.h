/* What the command line asked for, handed from cmd/memtop.c to the face that runs it.
 * Each face is one `*_run(const struct run_config *)` returning an exit status. */
#ifndef MEMTOP_RUN_H
#define MEMTOP_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "field.h"
#include "filter.h"
#include "group.h"
#include "sample.h"
#include "source.h"
#include "units.h"

#define RUN_EXIT_RUNTIME 1
#define RUN_REUSE_MAX_AGE 10.0	/* seconds an idle process's expensive figures may be reused */

enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct run_config {
	bool json;
	long iterations;		/* 0: the face's default (batch 1, interactive forever) */
	double delay;
	bool delay_set;
	const int *pids;
	size_t npids;
	bool by_uid;
	uint32_t uid;
	struct filter *filter;		/* -f, or NULL */
	const char *filter_pattern;	/* its text */
	enum field_id sort;
	bool sort_set;
	const enum field_id *cols;
	int ncols;
	bool cols_set;
	enum unit unit;
	enum color_when color;
	bool no_config;
	int oom_adj;			/* --set-oom-adj */
	bool grouped;			/* -g: one row per group */
	enum group_by group_by;
	bool no_mouse;			/* --no-mouse */
	struct trend_params trend;	/* --trend-window, --trend-min-span (0: the defaults) */
	const char *write_path;		/* -w: record to this file */
	const char *read_path;		/* -r: replay this recording */
	uint64_t max_size;		/* --max-size, 0: the default */
	double at, from, to;		/* --at, --from, --to: NAN when not given */
	bool openmetrics;		/* --openmetrics */
	const char *output;		/* --output FILE, or NULL: stdout */
	const char *listen;		/* --listen [ADDR:]PORT, or NULL */
	long top;			/* --top: processes (and groups of each kind) with series */
};

/* Prints "memtop: MESSAGE" on stderr. */
void run_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Standard output for the one-shot faces: a stream over descriptor 1 that remembers the
 * first write error, since errno is long gone by the time stdio's error flag is looked at
 * (a face goes on reading /proc after a failed write). run_output_open() puts it in place
 * of stdout, run_output_close() puts the original back (the interactive view draws through
 * curses on the real stdout). Without the wrapper (fopencookie failed), errno is used. */
void run_output_open(void);
void run_output_close(void);

/* The first error a write to standard output met, or 0. */
int run_output_errno(void);

/* Flushes out and reports how it went: 0 when fine, -1 when the reader went away (EPIPE:
 * end quietly with status 0), RUN_EXIT_RUNTIME after printing the write error. */
int run_output_check(FILE *out);

/* Where the snapshots come from, as the command line says (-r, -w, or the machine), or
 * NULL after printing why not. */
struct snapsource *run_source(const struct run_config *rc);

/* Prints a recorder's warnings (a sample that could not be written...) when it has one. */
void run_source_warnings(struct snapsource *src);

/* The selection the command line made (-p, -u, -f); a filter never matches memtop itself. */
struct selection run_selection(const struct run_config *rc);

/* What a one-shot face does with each sample: write it to stdout. i counts from 0. Returns 0,
 * or an exit status to stop with. */
/* A sampler of the machine; NULL after saying why there is none. */
struct sampler *run_sampler(void);

typedef int (*run_emit_fn)(const struct snapshot *snap, long i, void *ctx);

/* The loop every one-shot face shares: -n samples -d apart (from a recording: each sample of
 * the range, -d apart when -d is given), each handed to emit, output checked after each.
 * While recording, SIGTERM, SIGINT and SIGHUP end it cleanly after the sample in hand.
 * Returns the exit status (a closed pipe is a quiet 0). */
int run_loop(const struct run_config *rc, const struct sample_request *req, run_emit_fn emit, void *ctx);

/* Whether the run shows one sample: -n 1 (the default) on the machine, --at in a recording. */
bool run_one_sample(const struct run_config *rc);

/* The snapshot's selected processes in the order a face shows them (highest first; text
 * A-Z): an array of its own, which the caller frees. */
const struct proc **run_rows(const struct snapshot *snap, enum field_id sort, bool ascending);

/* Sleeps, restarting after signals. */
void run_sleep(double seconds);

/* The faces. */
int batch_run(const struct run_config *rc);	/* text report or JSON, -n samples */
int tui_run(const struct run_config *rc);	/* the interactive view */
int oomadj_run(const struct run_config *rc);	/* --set-oom-adj */
int record_run(const struct run_config *rc);	/* -w alone: record, print nothing */

#endif
