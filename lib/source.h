/* Where a face's snapshots come from: the machine (a sampler), the machine while recording
 * what is sampled, or a recording. Faces ask a source for a snapshot and read more of the
 * rows they show through it; they never know which kind it is, beyond what it says of
 * itself: whether each refresh is a new moment (the machine) or the same recorded one until
 * the source is moved in time. */
#ifndef MEMTOP_SOURCE_H
#define MEMTOP_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"
#include "replay.h"
#include "sample.h"

struct snapsource;

/* The machine, through s (the source owns it). */
struct snapsource *source_live(struct sampler *s);

/* A recording (the source owns r). */
struct snapsource *source_replay(struct replay *r);

/* The machine through s, every snapshot written to rec before a face sees it (owns both).
 * Requests are widened to what a recording holds; a keyframe is read afresh. */
struct snapsource *source_recording(struct sampler *s, struct recorder *rec);

void source_free(struct snapsource *src);

/* Whether each refresh is a new moment (the machine), or the same moment until moved. */
bool source_is_live(const struct snapsource *src);

/* The snapshot for req, valid until the next refresh. Returns 0, or -errno when the machine
 * or the recording could not be read. */
int source_refresh(struct snapsource *src, const struct sample_request *req, const struct snapshot **out);

/* Reads (or, from a recording, presents) more of one process of the current snapshot: the
 * rows a face is about to show. */
void source_fill(struct snapsource *src, const struct proc *p, unsigned need);

/* After a face has shown the current snapshot: a recorder reads and adds its keyframe's
 * segments then (what it reads must not change what the face printed). */
void source_shown(struct snapsource *src);

/* Moves a replay to its next sample in range (-ENOENT after the last); a live source
 * stays (0). min_gap: skip samples recorded less than that after the last one visited. */
int source_advance(struct snapsource *src, double min_gap);

/* Time travel, for a replay: step samples away, or to the one at or before t. -ENOTSUP
 * on a live source, -ENOENT when there is no such sample (the position stays). */
int source_step(struct snapsource *src, long step);
int source_seek(struct snapsource *src, double t);

/* Where a replay stands; false for a live source. */
bool source_position(struct snapsource *src, struct replay_pos *pos);

/* A recorder's trouble since the last call (a sample not written, the size cap not kept),
 * as a phrase; NULL when there was none, or when it is the same trouble as before. */
const char *source_take_warning(struct snapsource *src);

#endif
