/* The recorder: writes snapshots into a recording (an SQLite database in WAL mode, schema in
 * doc/recording.md). A process's rows are written only when one of its figures changed,
 * with a keyframe every RECORD_KEYFRAME_SAMPLES samples; each sample is one transaction,
 * so a recorder killed at any moment loses at most the sample it was writing. The file is
 * kept under a size cap by dropping the oldest keyframe interval. */
#ifndef MEMTOP_RECORD_H
#define MEMTOP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define RECORD_DEFAULT_MAX_SIZE (256ull << 20)
#define RECORD_MIN_MAX_SIZE (1ull << 20)
#define RECORD_KEYFRAME_SAMPLES 120	/* a keyframe every 120 samples: 20 minutes at 10 s */
#define RECORD_SEGMENTS_TOP 10		/* segments of this many processes (largest PSS) a keyframe */
#define RECORD_DEFAULT_DELAY 10.0	/* seconds between samples when -w is not given -d */
#define RECORD_TRIM_PERCENT 95		/* the oldest samples go when the data passes this % of the cap */

/* What every process of a recorded snapshot must hold, and the parts it must have. */
#define RECORD_NEED (SRC_STAT | SRC_CMDLINE | SRC_STATUS | SRC_ROLLUP | SRC_PSS | SRC_OOM | SRC_KSM | \
		     SRC_CGROUP | SRC_SHMEM)
#define RECORD_PARTS (SNAP_CGROUPS | SNAP_OOM | SNAP_SHMEM)

struct record_options {
	uint64_t max_size;	/* bytes; 0 for RECORD_DEFAULT_MAX_SIZE */
	double interval;	/* the -d it records at (kept in the session, for the reader) */
};

struct recorder;

/* Opens path: a new recording when it does not exist or is empty, else a recording of this
 * schema, to which a new session is added. Never writes through a symbolic link, nor into
 * a file that is not a recording; one recorder per file (the second one is refused).
 * Returns 0, or -errno with the reason in err. */
int recorder_open(const char *path, const struct record_options *o, struct recorder **out, char *err,
		  size_t errsz);

/* Finishes the file cleanly (the WAL is checkpointed into it). Returns 0, or -errno. */
int recorder_close(struct recorder *r);

/* Whether the next sample will be a keyframe: it is then taken with every figure read
 * afresh (reuse_max_age 0). */
bool recorder_keyframe_due(const struct recorder *r);

/* Writes one sample. snap holds RECORD_NEED for every process and RECORD_PARTS; fresh: every
 * figure was read for it (no reuse). Returns 0, or -errno (recorder_error() says what): the
 * sample is then lost, the file keeps every sample before it, and the next write starts a
 * new session. */
int recorder_write(struct recorder *r, const struct snapshot *snap, bool fresh);

/* After a keyframe was written: up to n processes whose segments it should hold (the largest
 * by PSS that have none), to be read and given to recorder_write_segments(). */
size_t recorder_segments_wanted(const struct recorder *r, const struct snapshot *snap,
				const struct proc **out, size_t n);

/* Adds segments (those with has_segments) to the sample just written. 0, or -errno. */
int recorder_write_segments(struct recorder *r, const struct proc *const *procs, size_t n);

/* What went wrong last, as a phrase naming the file; or a note (the file could not be kept
 * under its cap) when recorder_take_note() has one. */
const char *recorder_error(const struct recorder *r);
const char *recorder_take_note(struct recorder *r);

/* The SQLite version recordings are written and read with. */
const char *record_library_version(void);

/* What was written, for benchmarks: samples, rows of each kind. */
struct record_stats {
	uint64_t samples, keyframes, info_rows, figure_rows, more_rows, shm_rows, segment_rows, trims;
};
void recorder_stats(const struct recorder *r, struct record_stats *st);

#endif
