/* Runs the analysis reports asked for (-S, -O, -m, in that order): one sampler, the union of
 * what they need, each sample printed as their texts one after another, or as one JSON
 * document holding each one's members. */
#include <stdlib.h>

#include "jsonout.h"
#include "maptable.h"
#include "report.h"
#include "reports.h"

struct reports {
	const struct run_config *rc;
	const struct report_kind *const *kinds;
	int n;
	bool jsonf[FLD_COUNT];
	struct jsonw *w;
	size_t width;
	int status;		/* from the checks: exit 1 after showing what could be shown */
};

bool reports_filtered(const struct run_config *rc)
{
	return rc->npids || rc->by_uid || rc->filter;
}

static void reports_json_system(struct jsonw *w, const struct snapshot *snap, void *ctx)
{
	const struct reports *r = ctx;

	for (int k = 0; k < r->n; k++) {
		if (r->kinds[k]->json_system)
			r->kinds[k]->json_system(w, snap);
	}
}

static void reports_json_top(struct jsonw *w, const struct snapshot *snap, void *ctx)
{
	const struct reports *r = ctx;

	for (int k = 0; k < r->n; k++) {
		if (r->kinds[k]->json_top)
			r->kinds[k]->json_top(w, snap);
	}
}

static bool reports_maps(const struct reports *r)
{
	for (int k = 0; k < r->n; k++) {
		if (r->kinds[k]->maps)
			return true;
	}
	return false;
}

/* The rows of the JSON document: the selected processes; with -m those it could read. */
static size_t reports_rows(const struct reports *r, const struct snapshot *snap, const struct proc **rows)
{
	size_t n = 0;

	for (size_t i = 0; i < snap->nprocs; i++) {
		if (!reports_maps(r) || snap->procs[i]->has_segments)
			rows[n++] = snap->procs[i];
	}
	return n;
}

static void reports_json(struct reports *r, const struct snapshot *snap)
{
	const struct run_config *rc = r->rc;
	const struct proc **rows = run_rows(snap, reports_maps(r) ? FLD_PID : rc->sort, reports_maps(r));
	int col = rc->sort_set ? maptable_col_of(rc->sort) : -1;
	size_t n = reports_rows(r, snap, rows);

	jsonout_snapshot(r->w, snap, rows, n, &(struct jsonout_opts){ r->jsonf, reports_maps(r), col },
			 &(struct jsonout_extra){ reports_json_system, reports_json_top, r });
	free(rows);
}

static int reports_emit(const struct snapshot *snap, long i, void *ctx)
{
	struct reports *r = ctx;
	const struct run_config *rc = r->rc;

	for (size_t k = 0; i == 0 && k < rc->npids; k++) {
		if (!snapshot_find(snap, rc->pids[k], false)) {
			run_error("no process with pid %d", rc->pids[k]);
			return RUN_EXIT_RUNTIME;
		}
	}
	for (int k = 0; k < r->n; k++) {
		int st = r->kinds[k]->check ? r->kinds[k]->check(rc, snap) : 0;

		r->status = st ? st : r->status;
	}
	if (r->w) {
		reports_json(r, snap);
		return 0;
	}
	for (int k = 0; k < r->n; k++) {
		struct doc d = doc_file(stdout, rc->unit, r->width, rc->sort_set ? (int)rc->sort : -1);

		if (i || k)
			fputc('\n', stdout);
		r->kinds[k]->text(&d, snap, reports_filtered(rc));
	}
	return 0;
}

int reports_run(const struct run_config *rc, const struct report_kind *const *kinds, int n)
{
	struct reports r = { .rc = rc, .kinds = kinds, .n = n, .width = report_width() };
	struct sample_request req = { .sel = run_selection(rc), .trend = rc->trend };
	int status;

	jsonout_fields(rc, r.jsonf);
	for (int k = 0; k < n; k++) {
		req.need |= kinds[k]->need;
		req.parts |= kinds[k]->parts;
	}
	if (rc->json)
		req.need |= jsonout_needs(r.jsonf) | (reports_maps(&r) ? SRC_ROLLUP : 0);
	if (rc->json)
		r.w = jsonw_create(stdout, false);
	status = run_loop(rc, &req, reports_emit, &r);
	jsonw_free(r.w);
	return status ? status : r.status;
}
