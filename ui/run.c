#include <errno.h>
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

struct sampler *run_sampler(void)
{
	struct sampler *s = sampler_create();

	if (!s)
		run_error("cannot read /proc: %s", errtext(errno));
	return s;
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

int run_loop(const struct run_config *rc, const struct sample_request *req, run_emit_fn emit, void *ctx)
{
	struct sampler *s = run_sampler();
	long n = rc->iterations ? rc->iterations : 1;
	int status = 0;

	if (!s)
		return RUN_EXIT_RUNTIME;
	for (long i = 0; i < n && status == 0; i++) {
		const struct snapshot *snap;
		int err = sampler_refresh(s, req, &snap);

		if (err < 0) {
			run_error("cannot read processes: %s", errtext(-err));
			status = RUN_EXIT_RUNTIME;
			break;
		}
		status = emit(snap, i, ctx);
		if (status == 0)
			status = run_output_check(stdout);
		if (i + 1 < n && status == 0)
			run_sleep(rc->delay);
	}
	sampler_free(s);
	return status < 0 ? 0 : status;
}
