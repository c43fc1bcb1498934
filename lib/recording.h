/* A recording's file: an SQLite database whose schema (version RECORDING_SCHEMA,
 * doc/recording.md) the writer (record.c) and the reader (replay.c) share. Only they include
 * this; it is where SQLite is seen.
 *
 * What a sample holds: the system figures (a `samples` row), every process whose figures
 * changed since the previous sample (`proc_info`: who it is; `proc_figures`: its numbers;
 * `proc_shm`: the shared memory it maps; `segments` where they were read), the memory
 * cgroups and shmem sources that changed, the OOM kill order's head, and the OOM kills
 * seen. Every RECORD_KEYFRAME_SAMPLES samples (and at the start of each session) a keyframe
 * holds everything: a moment is the last keyframe at or before it plus the changes since. */
#ifndef MEMTOP_RECORDING_H
#define MEMTOP_RECORDING_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "field.h"
#include "model.h"

#define RECORDING_SCHEMA 1
#define RECORDING_APP_ID 0x6d656d74	/* "memt": PRAGMA application_id */
#define RECORDING_SCHEMA_NAME "memtop-recording/1"

/* The registry's figures recorded for each process, by column: proc_figures (what changes
 * at nearly every sample of a busy process: minor faults, resident, proportional, unique,
 * anonymous and dirty sizes) and proc_more (the others, which change seldom). */
struct recording_figure {
	enum field_id id;
	const char *column;
};
extern const struct recording_figure recording_figures[], recording_vm[];
extern const int recording_nfigures, recording_nvm;

/* Registry fields that are not proc_figures columns, and why (test-record checks that every
 * field is one or the other). */
struct recording_elsewhere {
	enum field_id id;
	const char *where;	/* "procs", "proc_info", "derived", "segments", "proc_figures.state" ... */
};
extern const struct recording_elsewhere recording_elsewhere[];
extern const int recording_nelsewhere;

/* cgroup_figures and samples' system columns, in order. */
#define RECORDING_CGROUP_FIGURES 5	/* limit usage swap_limit swappiness oom_kills */

/* Creates the schema in an empty database. Returns an SQLite result code. */
int recording_create(sqlite3 *db);

/* Checks that db is a recording this memtop reads (or writes): 0, or -EPROTO (not a memtop
 * recording), -EPROTONOSUPPORT (another schema version: *version says which). */
int recording_check(sqlite3 *db, int *version);

/* The phrase for recording_check()'s refusal of a file, into err. */
void recording_refusal(char *err, size_t n, const char *path, int rc, int version, bool writing);

/* The errno an SQLite failure stands for: the system's when it gave one (ENOSPC, EROFS,
 * EDQUOT...), else the nearest one (SQLITE_FULL is ENOSPC, SQLITE_CORRUPT EILSEQ...). */
int recording_errno(sqlite3 *db, int rc);

/* Prepares sql; on failure leaves *st NULL and returns the SQLite code. */
int recording_prepare(sqlite3 *db, sqlite3_stmt **st, const char *sql);

/* A row's values, serialized so that two rows compare with memcmp() and bind in order. */
struct rowb {
	unsigned char *p;
	size_t n, cap;
	int nvals;
};

void rowb_reset(struct rowb *rb);
void rowb_free(struct rowb *rb);
void rowb_copy(struct rowb *dst, const struct rowb *src);
bool rowb_equal(const struct rowb *a, const struct rowb *b);
void rowb_null(struct rowb *rb);
void rowb_int(struct rowb *rb, int64_t v);
void rowb_real(struct rowb *rb, double v);
void rowb_text(struct rowb *rb, const char *s, size_t len);	/* NULL s: SQL NULL */
/* A figure: NULL unless known; *na gets bit when it is not applicable. A process's sizes
 * are written in KiB (the kernel's unit for all of them: exact, and a byte or two shorter
 * in the file); with FT_BYTES, recording_figure_type() says which. */
void rowb_fval(struct rowb *rb, const struct fval *v, enum field_type t, int64_t *na, int bit);
void rowb_kib(struct rowb *rb, const struct fval *v, int64_t *na, int bit);
/* Binds count values of rb, from value number from, to parameters first... of st. Returns
 * the offset after them, for the next call (0 to start). */
size_t rowb_bind(const struct rowb *rb, size_t off, sqlite3_stmt *st, int first, int count);
/* The offset after count values from off, unbound. */
size_t rowb_skip(const struct rowb *rb, size_t off, int count);
/* The text value at off (NULL when it is not text). */
const char *rowb_text_at(const struct rowb *rb, size_t off, size_t *len);

/* Reads column col of st into v as type t; na bit says it is not applicable. */
void recording_fval(sqlite3_stmt *st, int col, struct fval *v, enum field_type t, int64_t na, int bit);
void recording_kib(sqlite3_stmt *st, int col, struct fval *v, int64_t na, int bit);

#endif
