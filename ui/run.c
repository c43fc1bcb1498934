#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errtext.h"
#include "run.h"
#include "xalloc.h"

static FILE *out_saved;	/* the real stdout while the wrapper stands in for it */
static int out_errno;	/* the first write error on descriptor 1 */

static ssize_t out_write(void *cookie, const char *buf, size_t n)
{
	size_t done = 0;

	(void)cookie;
	while (done < n) {
		ssize_t w = write(STDOUT_FILENO, buf + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!out_errno)
				out_errno = w < 0 ? errno : EIO;
			break;
		}
		done += (size_t)w;
	}
	return (ssize_t)done;	/* short: stdio sets the stream's error flag */
}

void run_output_open(void)
{
	FILE *f;

	if (out_saved)
		return;
	f = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = out_write });
	if (!f)
		return;
	setvbuf(f, NULL, _IOFBF, BUFSIZ);
	out_saved = stdout;
	stdout = f;	/* glibc's stdout is an ordinary variable (glibc manual, Standard Streams) */
}

void run_output_close(void)
{
	if (!out_saved)
		return;
	fclose(stdout);
	stdout = out_saved;
	out_saved = NULL;
}

int run_output_errno(void)
{
	return out_errno;
}

void run_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("memtop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int run_output_check(FILE *out)
{
	int err;

	if (!ferror(out) && fflush(out) == 0)
		return 0;
	err = out == stdout && out_errno ? out_errno : errno;
	if (err == EPIPE)
		return -1;
	run_error("write error: %s", strerror(err));
	return RUN_EXIT_RUNTIME;
}

static struct snapsource *run_replay(const struct run_config *rc)
{
	struct replay *r = NULL;
	char err[700];
	int rc2 = replay_open(rc->read_path, &r, err, sizeof err);

	if (rc2 < 0) {
		run_error("%s", err);
		return NULL;
	}
	replay_set_trend(r, &rc->trend);
	rc2 = isnan(rc->at) ? replay_between(r, rc->from, rc->to, err, sizeof err)
			    : replay_at(r, rc->at, err, sizeof err);
	if (rc2 < 0) {
		run_error("%s", err);
		replay_free(r);
		return NULL;
	}
	return source_replay(r);
}

struct sampler *run_sampler(void)
{
	struct sampler *s = sampler_create();

	if (!s)
		run_error("cannot read /proc: %s", errtext(errno));
	return s;
}

static struct snapsource *run_recording(const struct run_config *rc)
{
	struct record_options o = { .max_size = rc->max_size, .interval = rc->delay };
	struct sampler *s = run_sampler();
	struct recorder *rec;
	char err[700];

	if (!s)
		return NULL;
	if (recorder_open(rc->write_path, &o, &rec, err, sizeof err) < 0) {
		run_error("%s", err);
		sampler_free(s);
		return NULL;
	}
	return source_recording(s, rec);
}

struct snapsource *run_source(const struct run_config *rc)
{
	struct sampler *s;

	if (rc->read_path)
		return run_replay(rc);
	if (rc->write_path)
		return run_recording(rc);
	s = run_sampler();
	return s ? source_live(s) : NULL;
}

void run_source_warnings(struct snapsource *src)
{
	const char *w = source_take_warning(src);

	if (w)
		run_error("%s", w);
}

struct selection run_selection(const struct run_config *rc)
{
	return (struct selection){ .pids = rc->pids, .npids = rc->npids, .by_uid = rc->by_uid,
				   .uid = rc->uid, .filter = rc->filter, .exclude_pid = getpid() };
}

const struct proc **run_rows(const struct snapshot *snap, enum field_id sort, bool ascending)
{
	const struct proc **rows = xreallocarray(NULL, snap->nprocs ? snap->nprocs : 1, sizeof *rows);

	memcpy(rows, snap->procs, snap->nprocs * sizeof *rows);
	proc_sort(rows, snap->nprocs, sort, ascending);
	return rows;
}

void run_sleep(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- a recorder's clean end ---- */

static volatile sig_atomic_t run_stop_signal;

static void run_on_stop(int sig)
{
	run_stop_signal = sig;
}

/* A recorder ends on these after writing the sample in hand: the file is then closed cleanly
 * (as it would be anyway: a killed recorder loses at most the sample it was writing). */
static void run_catch_stop(void)
{
	struct sigaction sa = { .sa_handler = run_on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* Sleeps, unless a stop signal came (before or during): returns true then. */
static bool run_pause(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (!run_stop_signal && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	return run_stop_signal != 0;
}

/* How many samples: -n; else one from the machine, every one of a recording's range, and
 * as many as come while recording. */
static long run_count(const struct run_config *rc)
{
	if (rc->iterations)
		return rc->iterations;
	return rc->read_path || rc->write_path ? LONG_MAX : 1;
}

bool run_one_sample(const struct run_config *rc)
{
	return run_count(rc) == 1 || (rc->read_path && !isnan(rc->at));
}

int run_loop(const struct run_config *rc, const struct sample_request *req, run_emit_fn emit, void *ctx)
{
	struct snapsource *src = run_source(rc);
	long n = run_count(rc);
	int status = 0;

	if (!src)
		return RUN_EXIT_RUNTIME;
	if (rc->write_path)
		run_catch_stop();
	for (long i = 0; i < n && status == 0 && !run_stop_signal; i++) {
		const struct snapshot *snap;
		int err = source_advance(src, rc->delay_set ? rc->delay : 0);

		if (err == 0)
			err = source_refresh(src, req, &snap);
		run_source_warnings(src);
		if (err == -ENOENT)
			break;	/* the end of the recording's range */
		if (err < 0) {
			run_error("cannot read %s: %s", rc->read_path ? rc->read_path : "processes", errtext(-err));
			status = RUN_EXIT_RUNTIME;
			break;
		}
		status = emit(snap, i, ctx);
		source_shown(src);
		run_source_warnings(src);
		if (status == 0)
			status = run_output_check(stdout);
		if (i + 1 < n && status == 0 && source_is_live(src) && run_pause(rc->delay))
			break;
	}
	source_free(src);
	return status < 0 ? 0 : status;
}
