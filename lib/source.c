/* Snapshot sources: the machine, the machine while recording, a recording. Each kind is a
 * table of operations; what a kind cannot do (time travel on the machine) answers
 * -ENOTSUP. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "xalloc.h"

struct source_ops {
	int (*refresh)(struct snapsource *src, const struct sample_request *req, const struct snapshot **out);
	void (*fill)(struct snapsource *src, const struct proc *p, unsigned need);
	void (*shown)(struct snapsource *src);
	int (*advance)(struct snapsource *src, double min_gap);
	int (*step)(struct snapsource *src, long step);
	int (*seek)(struct snapsource *src, double t);
	bool (*position)(struct snapsource *src, struct replay_pos *pos);
};

struct snapsource {
	const struct source_ops *ops;
	struct sampler *sampler;
	struct replay *replay;
	struct recorder *rec;
	const struct snapshot *snap;	/* the last refresh's */
	bool written;			/* snap is in the recording */
	bool failing;			/* the last write failed: said once, and when it works again */
	unsigned long lost;		/* samples not written since it began failing */
	char warning[700];
	bool has_warning;
};

/* ---- the machine ---- */

static int live_refresh(struct snapsource *src, const struct sample_request *req, const struct snapshot **out)
{
	int rc = sampler_refresh(src->sampler, req, out);

	src->snap = rc < 0 ? NULL : *out;
	return rc;
}

static void live_fill(struct snapsource *src, const struct proc *p, unsigned need)
{
	sampler_fill(src->sampler, p, need);
}

static const struct source_ops live_ops = {
	.refresh = live_refresh,
	.fill = live_fill,
};

/* ---- the machine, recorded ---- */

static void recording_warn(struct snapsource *src, const char *msg)
{
	snprintf(src->warning, sizeof src->warning, "%s", msg);
	src->has_warning = true;
}

static void recording_write(struct snapsource *src, const struct snapshot *snap, bool fresh)
{
	int rc = recorder_write(src->rec, snap, fresh);
	const char *note;

	src->written = rc == 0;
	if (rc < 0 && !src->failing) {
		char msg[700];

		snprintf(msg, sizeof msg, "%s: samples are not recorded until it works again (the recording so far "
			 "is intact)", recorder_error(src->rec));
		recording_warn(src, msg);
	} else if (rc == 0 && src->failing) {
		char msg[700];

		snprintf(msg, sizeof msg, "recording again: %lu sample%s could not be written", src->lost,
			 src->lost == 1 ? "" : "s");
		recording_warn(src, msg);
	}
	src->failing = rc < 0;
	src->lost = rc < 0 ? src->lost + 1 : 0;
	note = recorder_take_note(src->rec);
	if (note && !src->has_warning)
		recording_warn(src, note);
}

static int recording_refresh(struct snapsource *src, const struct sample_request *req, const struct snapshot **out)
{
	struct sample_request wide = *req;
	int rc;

	wide.need_all |= RECORD_NEED;
	wide.parts |= RECORD_PARTS;
	if (recorder_keyframe_due(src->rec))
		wide.reuse_max_age = 0;
	rc = sampler_refresh(src->sampler, &wide, out);
	src->snap = rc < 0 ? NULL : *out;
	src->written = false;
	if (rc < 0)
		return rc;
	recording_write(src, *out, wide.reuse_max_age == 0);
	return 0;
}

/* A keyframe's segments: read now, after the face printed the snapshot. */
static void recording_shown(struct snapsource *src)
{
	const struct proc *top[RECORD_SEGMENTS_TOP];
	size_t n;

	if (!src->snap || !src->written)
		return;
	n = recorder_segments_wanted(src->rec, src->snap, top, RECORD_SEGMENTS_TOP);
	for (size_t i = 0; i < n; i++)
		sampler_fill(src->sampler, top[i], SRC_SMAPS);
	if (n && recorder_write_segments(src->rec, top, n) < 0)
		recording_warn(src, recorder_error(src->rec));	/* the next sample starts over */
	src->written = false;
}

static const struct source_ops recording_ops = {
	.refresh = recording_refresh,
	.fill = live_fill,
	.shown = recording_shown,
};

/* ---- a recording ---- */

static int replay_refresh(struct snapsource *src, const struct sample_request *req, const struct snapshot **out)
{
	int rc = replay_snapshot(src->replay, req, out);

	src->snap = rc < 0 ? NULL : *out;
	return rc;
}

static void replay_fill_op(struct snapsource *src, const struct proc *p, unsigned need)
{
	replay_fill(src->replay, p, need);
}

static int replay_advance_op(struct snapsource *src, double min_gap)
{
	return replay_next(src->replay, min_gap);
}

static int replay_step_op(struct snapsource *src, long step)
{
	return replay_step(src->replay, step);
}

static int replay_seek_op(struct snapsource *src, double t)
{
	return replay_seek(src->replay, t);
}

static bool replay_position_op(struct snapsource *src, struct replay_pos *pos)
{
	replay_position(src->replay, pos);
	return true;
}

static const struct source_ops replay_ops = {
	.refresh = replay_refresh,
	.fill = replay_fill_op,
	.advance = replay_advance_op,
	.step = replay_step_op,
	.seek = replay_seek_op,
	.position = replay_position_op,
};

/* ---- the interface ---- */

static struct snapsource *source_new(const struct source_ops *ops)
{
	struct snapsource *src = xcalloc(1, sizeof *src);

	src->ops = ops;
	return src;
}

struct snapsource *source_live(struct sampler *s)
{
	struct snapsource *src = source_new(&live_ops);

	src->sampler = s;
	return src;
}

struct snapsource *source_replay(struct replay *r)
{
	struct snapsource *src = source_new(&replay_ops);

	src->replay = r;
	return src;
}

struct snapsource *source_recording(struct sampler *s, struct recorder *rec)
{
	struct snapsource *src = source_new(&recording_ops);

	src->sampler = s;
	src->rec = rec;
	return src;
}

void source_free(struct snapsource *src)
{
	if (!src)
		return;
	sampler_free(src->sampler);
	replay_free(src->replay);
	recorder_close(src->rec);
	free(src);
}

bool source_is_live(const struct snapsource *src)
{
	return src->sampler != NULL;
}

int source_refresh(struct snapsource *src, const struct sample_request *req, const struct snapshot **out)
{
	return src->ops->refresh(src, req, out);
}

void source_fill(struct snapsource *src, const struct proc *p, unsigned need)
{
	src->ops->fill(src, p, need);
}

void source_shown(struct snapsource *src)
{
	if (src->ops->shown)
		src->ops->shown(src);
}

int source_advance(struct snapsource *src, double min_gap)
{
	return src->ops->advance ? src->ops->advance(src, min_gap) : 0;
}

int source_step(struct snapsource *src, long step)
{
	return src->ops->step ? src->ops->step(src, step) : -ENOTSUP;
}

int source_seek(struct snapsource *src, double t)
{
	return src->ops->seek ? src->ops->seek(src, t) : -ENOTSUP;
}

bool source_position(struct snapsource *src, struct replay_pos *pos)
{
	return src->ops->position && src->ops->position(src, pos);
}

const char *source_take_warning(struct snapsource *src)
{
	if (!src->has_warning)
		return NULL;
	src->has_warning = false;
	return src->warning;
}
