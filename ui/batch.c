/* The batch face: -n samples as text reports, or as JSON (Lines). */
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "report.h"
#include "run.h"

static unsigned batch_needs(const struct run_config *rc, const bool *jsonf)
{
	unsigned need = field_sources(rc->cols, rc->ncols) | fields[rc->sort].src;

	/* several samples of the default columns (status read anyway), or a recording's (the
	 * samples before each are its history): leaks are named */
	if (!rc->json && !rc->cols_set && (rc->iterations > 1 || rc->read_path))
		need |= SRC_TREND | SRC_TREND_ETA;

	return rc->json ? need | jsonout_needs(jsonf) : need;
}

struct batch {
	const struct run_config *rc;
	enum field_id cols[FLD_COUNT];
	struct report_opts ro;
	bool jsonf[FLD_COUNT];
	struct jsonw *w;
	const struct proc *const *rows;	/* this sample's, in the report's order */
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

static void batch_groups(struct batch *b, const struct snapshot *snap, const struct proc *const *rows)
{
	struct group_set gs = { 0 };
	struct group total = { 0 };

	group_compute(&gs, b->rc->group_by, rows, snap->nprocs, snap->cgroups);
	group_sort(&gs, b->rc->sort);
	group_total(&total, rows, snap->nprocs);
	report_groups(stdout, snap, &gs, &total, &b->ro);
	group_free(&total);
	group_set_free(&gs);
}

static void batch_json_groups(struct jsonw *w, const struct snapshot *snap, void *ctx)
{
	const struct batch *b = ctx;

	jsonout_groups(w, snap, b->rows, snap->nprocs, b->jsonf, b->rc->group_by, b->rc->sort);
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
		b->rows = rows;
		jsonout_snapshot(b->w, snap, rows, snap->nprocs, &(struct jsonout_opts){ b->jsonf, false, -1 },
				 rc->grouped ? &(struct jsonout_extra){ NULL, batch_json_groups, b } : NULL);
	} else {
		if (i)
			fputc('\n', stdout);
		if (rc->grouped)
			batch_groups(b, snap, rows);
		else
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
	if (rc->grouped && rc->group_by == GROUP_CGROUP)
		req.parts = SNAP_CGROUPS;
	req.trend = rc->trend;
	/* the default columns give way to the command line; -o's are all kept */
	b.ro = (struct report_opts){ b.cols, batch_columns(rc, b.cols), rc->sort, rc->unit, report_width(),
				     !rc->cols_set };
	if (rc->json)
		b.w = jsonw_create(stdout, false);
	status = run_loop(rc, &req, batch_emit, &b);
	jsonw_free(b.w);
	return status;
}
