/* The batch face: -n samples as text reports, or as JSON (Lines). */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "jsonout.h"
#include "report.h"
#include "run.h"

static unsigned batch_needs(const struct run_config *rc, const bool *jsonf)
{
	unsigned need = field_sources(rc->cols, rc->ncols) | fields[rc->sort].src;

	return rc->json ? need | jsonout_needs(jsonf) : need;
}

static size_t batch_width(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

struct batch {
	const struct run_config *rc;
	struct report_opts ro;
	bool jsonf[FLD_COUNT];
	struct jsonw *w;
};

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
	b.ro = (struct report_opts){ rc->cols, rc->ncols, rc->sort, rc->unit, batch_width() };
	if (rc->json)
		b.w = jsonw_create(stdout, false);
	status = run_loop(rc, &req, batch_emit, &b);
	jsonw_free(b.w);
	return status;
}
