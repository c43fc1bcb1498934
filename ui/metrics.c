/* --openmetrics: -n snapshots -d apart, each one OpenMetrics document on stdout, or written
 * to --output FILE through a temporary file in the same directory renamed over it, so that a
 * reader (node_exporter's textfile collector) never sees half a document. Every figure is
 * read for the document: nothing is reused. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errtext.h"
#include "metrics.h"
#include "xalloc.h"

void metrics_request(const struct run_config *rc, struct sample_request *req)
{
	*req = (struct sample_request){
		.need = SRC_STATUS | SRC_PSS | SRC_OOM,
		/* the -S breakdown splits shmem by every process's Pss_Shmem and RssShmem */
		.need_all = SRC_STATUS | SRC_ROLLUP,
		.parts = SNAP_OOM,	/* the next victim, the commit headroom; and the cgroups */
		.sel = run_selection(rc),
	};
	req->sel.hide_kthreads = true;	/* no memory of their own: in no series */
	if (rc->iterations > 1)		/* documents of several samples have trends */
		req->need |= SRC_TREND | SRC_TREND_ETA;
}

enum openmetrics_format metrics_file_format(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && strcmp(path + n - 5, ".prom") == 0 ? OPENMETRICS_TEXT : OPENMETRICS_OM;
}

struct metrics {
	const struct run_config *rc;
	struct openmetrics_opts opts;
};

static int metrics_to(FILE *out, const struct snapshot *snap, const struct openmetrics_opts *o)
{
	const struct proc **rows = xreallocarray(NULL, snap->nprocs ? snap->nprocs : 1, sizeof *rows);
	size_t n = openmetrics_top(snap, o->top, rows);
	int rc = openmetrics_write(out, snap, rows, n, o);

	free(rows);
	return rc;
}

/* ".NAME.XXXXXX" beside FILE: the same file system, so rename() replaces FILE at once; not
 * ending in ".prom", so a textfile collector passes it over. */
static char *metrics_temp_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xasprintf(".%s.XXXXXX", path);
	return xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
}

static int metrics_file(const char *path, const struct snapshot *snap, const struct openmetrics_opts *o)
{
	char *tmp = metrics_temp_name(path);
	int fd = mkostemp(tmp, O_CLOEXEC), err = 0;
	mode_t mask = umask(0);
	FILE *f;

	umask(mask);
	if (fd < 0) {
		run_error("cannot write %s: %s", path, errtext(errno));
		free(tmp);
		return RUN_EXIT_RUNTIME;
	}
	fchmod(fd, 0666 & ~mask);	/* mkstemp makes it 0600: readers run as other users */
	f = fdopen(fd, "w");
	if (!f) {
		err = errno;
		close(fd);
	} else {
		err = -metrics_to(f, snap, o);
		if (fclose(f) != 0 && !err)
			err = errno;
	}
	if (!err && rename(tmp, path) != 0)
		err = errno;
	if (err) {
		unlink(tmp);
		run_error("cannot write %s: %s", path, errtext(err));
	}
	free(tmp);
	return err ? RUN_EXIT_RUNTIME : 0;
}

static int metrics_emit(const struct snapshot *snap, long i, void *ctx)
{
	struct metrics *m = ctx;
	const struct run_config *rc = m->rc;

	for (size_t k = 0; i == 0 && k < rc->npids; k++) {
		if (!snapshot_find(snap, rc->pids[k], true)) {	/* a kernel thread has no series */
			run_error("no process with pid %d", rc->pids[k]);
			return RUN_EXIT_RUNTIME;
		}
	}
	if (rc->output)
		return metrics_file(rc->output, snap, &m->opts);
	metrics_to(stdout, snap, &m->opts);	/* run_loop checks how writing went */
	return 0;
}

int metrics_run(const struct run_config *rc)
{
	struct metrics m = { .rc = rc };
	struct sample_request req;

	metrics_request(rc, &req);
	m.opts.top = (size_t)rc->top;
	m.opts.format = rc->output ? metrics_file_format(rc->output) : OPENMETRICS_OM;
	return run_loop(rc, &req, metrics_emit, &m);
}
