/* The batch face: -n samples as text reports, or as JSON (Lines). */
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "jsonout.h"
#include "report.h"
#include "run.h"

static unsigned batch_needs(const struct run_config *rc, const bool *jsonf)
{
	unsigned need = field_sources(rc->cols, rc->ncols) | fields[rc->sort].src;

	if (rc->json) {
		for (int i = 0; i < FLD_COUNT; i++)
			need |= jsonf[i] ? fields[i].src : 0;
	}
	return need;
}

/* JSON carries every figure unless -o names some; segments only when asked: smaps is costly. */
static void batch_json_fields(const struct run_config *rc, bool *jsonf)
{
	for (int i = 0; i < FLD_COUNT; i++)
		jsonf[i] = !rc->cols_set && fields[i].src != SRC_SMAPS;
	for (int i = 0; i < rc->ncols && rc->cols_set; i++)
		jsonf[rc->cols[i]] = true;
	jsonf[FLD_PID] = true;
}

static size_t batch_width(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

int batch_run(const struct run_config *rc)
{
	struct sampler *s = run_sampler();
	struct sample_request req = { 0 };
	struct report_opts ro;
	bool jsonf[FLD_COUNT];
	struct jsonw *w = NULL;
	long n = rc->iterations ? rc->iterations : 1;
	int status = 0;

	if (!s)
		return RUN_EXIT_RUNTIME;
	batch_json_fields(rc, jsonf);
	req.need = batch_needs(rc, jsonf);
	req.sel = run_selection(rc);
	req.reuse_max_age = RUN_REUSE_MAX_AGE;
	ro = (struct report_opts){ rc->cols, rc->ncols, rc->sort, rc->unit, batch_width() };
	if (rc->json)
		w = jsonw_create(stdout, false);
	for (long i = 0; i < n && status == 0; i++) {
		struct snapshot *snap;
		int rc2 = sampler_refresh(s, &req, &snap);

		if (rc2 < 0) {
			run_error("cannot read processes: %s", strerror(-rc2));
			status = RUN_EXIT_RUNTIME;
			break;
		}
		if (i == 0 && rc->npids && snap->nprocs == 0) {
			run_error("no process with pid %d%s", rc->pids[0], rc->npids > 1 ? " nor the others given" : "");
			status = RUN_EXIT_RUNTIME;
			break;
		}
		snapshot_sort(snap, rc->sort, false);
		if (rc->json) {
			jsonout_snapshot(w, snap, &(struct jsonout_opts){ jsonf, false });
		} else {
			if (i)
				fputc('\n', stdout);
			report_write(stdout, snap, &ro);
		}
		status = run_output_check(stdout);
		if (i + 1 < n && status == 0)
			run_sleep(rc->delay);
	}
	jsonw_free(w);
	sampler_free(s);
	return status < 0 ? 0 : status;
}
