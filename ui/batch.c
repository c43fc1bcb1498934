/* The batch face: -n samples as text reports, or as JSON (Lines). */
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "report.h"
#include "run.h"

static unsigned batch_needs(const struct run_config *rc, const bool *jsonf)
{
	unsigned need = field_sources(rc->cols, rc->ncols) | fields[rc->sort].src;

	return rc->json ? need | jsonout_needs(jsonf) : need;
}

struct batch {
	const struct run_config *rc;
	enum field_id cols[FLD_COUNT];
	struct report_opts ro;
	bool jsonf[FLD_COUNT];
	struct jsonw *w;
};

/* A rate needs two samples: a one-sample report's default columns leave the rates out (they
 * could only read "-"); -o may still ask for them. */
static int batch_columns(const struct run_config *rc, enum field_id *cols)
{
	bool one = run_one_sample(rc) && !rc->cols_set;
	int n = 0;

	for (int i = 0; i < rc->ncols; i++) {
		if (!one || fields[rc->cols[i]].type != FT_RATE)
			cols[n++] = rc->cols[i];
	}
	return n;
}

static int batch_emit(const struct snapshot *snap, long i, void *ctx)
{
	struct batch *b = ctx;
	const struct run_config *rc = b->rc;
	const struct proc **rows;

	if (i == 0 && rc->npids && snap->nprocs == 0) {
		run_error("no process with pid %d%s", rc->pids[0], rc->npids > 1 ? " nor the others given" : "");
		return RUN_EXIT_RUNTIME;
	}
	rows = run_rows(snap, rc->sort, false);
	if (rc->json) {
		jsonout_snapshot(b->w, snap, rows, snap->nprocs, &(struct jsonout_opts){ b->jsonf, false, -1 }, NULL);
	} else {
		if (i)
			fputc('\n', stdout);
		report_write(stdout, snap, rows, snap->nprocs, &b->ro);
	}
	free(rows);
	return 0;
}

int batch_run(const struct run_config *rc)
{
	struct batch b = { .rc = rc };
	struct sample_request req = { 0 };
	int status;

	jsonout_fields(rc, b.jsonf);
	req.need = batch_needs(rc, b.jsonf);
	req.sel = run_selection(rc);
	/* the default columns give way to the command line; -o's are all kept */
	b.ro = (struct report_opts){ b.cols, batch_columns(rc, b.cols), rc->sort, rc->unit, report_width(),
				     !rc->cols_set };
	if (rc->json)
		b.w = jsonw_create(stdout, false);
	status = run_loop(rc, &req, batch_emit, &b);
	jsonw_free(b.w);
	return status;
}
