/* The recorder face (-w with no report asked for): samples every -d seconds into the
 * recording and prints nothing, until -n samples or SIGTERM, SIGINT, SIGHUP. Idle processes
 * cost little: their figures are reused between keyframes, which read everything afresh. */
#include <stdio.h>
#include <unistd.h>

#include "record.h"
#include "run.h"
#include "units.h"

static int record_emit(const struct snapshot *snap, long i, void *ctx)
{
	return 0;
}

int record_run(const struct run_config *rc)
{
	struct sample_request req = {
		.need_all = RECORD_NEED,
		.parts = RECORD_PARTS,
		.sel = run_selection(rc),
		/* past the next keyframe, which reads everything: between two, an idle process
		 * is read once (its stat) */
		.reuse_max_age = 1.5 * RECORD_KEYFRAME_SAMPLES * rc->delay,
		.reuse_oom = true,
	};

	if (isatty(STDERR_FILENO)) {
		char size[32];

		units_long(size, sizeof size, rc->max_size ? rc->max_size : RECORD_DEFAULT_MAX_SIZE);
		fprintf(stderr, "memtop: recording to %s every %g s, at most %s (Ctrl-C stops)\n", rc->write_path,
			rc->delay, size);
	}
	return run_loop(rc, &req, record_emit, NULL);
}
