/* The replay: a recording (record.h) read back as snapshots that every face renders as it
 * renders a live one. A position is one recorded sample; a snapshot presents it for a
 * request (selection, parts), computing what was computed live from what was recorded (the
 * OOM order from the processes and cgroups, shmem attribution from the processes' mappings
 * and the sources, the memory breakdown, the rates from the sample before).
 *
 * Not recorded, so never in a replayed snapshot: mapping tables (SRC_MAPS_LIST); segments
 * except where recorded (the largest processes at each keyframe, and any process a face
 * read them for while recording), shown with their age. */
#ifndef MEMTOP_REPLAY_H
#define MEMTOP_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "sample.h"
#include "trend.h"

struct replay;

/* Opens a recording to read (never written to; it may be being recorded). Returns 0, or
 * -errno with the reason in err: not there, not a recording, another schema version. */
int replay_open(const char *path, struct replay **out, char *err, size_t errsz);
void replay_free(struct replay *r);

/* Restricts the samples replay_next() visits to those recorded from `from` to `to`
 * (NAN: open end), or to the one at or before `at`. Returns 0, or -ENOENT (err says
 * what the recording holds). */
int replay_between(struct replay *r, double from, double to, char *err, size_t errsz);
int replay_at(struct replay *r, double at, char *err, size_t errsz);

/* Moves to the next sample of the range (the first one at the first call), skipping those
 * less than min_gap seconds after the last one visited. Returns 0, or -ENOENT at the end. */
int replay_next(struct replay *r, double min_gap);

/* Time travel: to the sample step samples away (within the whole recording), or to the
 * last one at or before t (the first one when t is before it). Return 0, or -ENOENT
 * (staying) when there is no such sample. */
int replay_step(struct replay *r, long step);
int replay_seek(struct replay *r, double t);

/* The current sample as a snapshot for req: valid until the next call. Returns 0, or
 * -errno when the recording cannot be read. */
int replay_snapshot(struct replay *r, const struct sample_request *req, const struct snapshot **out);

/* Presents more of p for this snapshot, as far as it was recorded (its segments). */
void replay_fill(struct replay *r, const struct proc *p, unsigned need);

struct replay_pos {
	double time;		/* the sample's wall time */
	long index, count;	/* 1-based place in the recording, and how many samples it holds */
	double first, last;	/* the times of its first and last samples */
};
void replay_position(struct replay *r, struct replay_pos *pos);

/* The last error, as a phrase naming the file. */
const char *replay_error(const struct replay *r);

/* The trend window and minimum span (lib/trend.h; 0: the defaults), before moving: a
 * sample's trends are fitted over the samples of the window before it, which moving to it
 * applies (from the keyframe before them). */
void replay_set_trend(struct replay *r, const struct trend_params *p);

#endif
