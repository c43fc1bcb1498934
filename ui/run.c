#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "run.h"

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
	if (!ferror(out) && fflush(out) == 0)
		return 0;
	if (errno == EPIPE)
		return -1;
	run_error("write error: %s", strerror(errno));
	return RUN_EXIT_RUNTIME;
}

struct sampler *run_sampler(void)
{
	struct sampler *s = sampler_create();

	if (!s)
		run_error("cannot read /proc: %s", strerror(errno));
	return s;
}

struct selection run_selection(const struct run_config *rc)
{
	return (struct selection){ rc->pids, rc->npids, rc->by_uid, rc->uid, rc->filter };
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
		struct snapshot *snap;
		int err = sampler_refresh(s, req, &snap);

		if (err < 0) {
			run_error("cannot read processes: %s", strerror(-err));
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
