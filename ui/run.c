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
