#include <stdarg.h>
#include <stdlib.h>

#include "doc.h"
#include "xalloc.h"

static __attribute__((format(printf, 5, 0))) void doc_vline(struct doc *d, enum doc_style st, int pid, uint64_t start,
							     const char *fmt, va_list ap)
{
	char small[512], *s = small;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(small, sizeof small, fmt, ap);
	if (n >= (int)sizeof small && vasprintf(&s, fmt, again) < 0)
		xalloc_die();
	va_end(again);
	d->line(d, st, s, n > 0 ? (size_t)n : 0, pid, start);
	if (s != small)
		free(s);
}

void doc_printf(struct doc *d, enum doc_style st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	doc_vline(d, st, 0, 0, fmt, ap);
	va_end(ap);
}

void doc_proc(struct doc *d, const struct proc *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	doc_vline(d, DOC_NORMAL, p->pid, p->start_ticks, fmt, ap);
	va_end(ap);
}

static void doc_file_line(struct doc *d, enum doc_style st, const char *text, size_t len, int pid,
			  uint64_t start)
{
	(void)st;
	(void)pid;
	(void)start;
	fwrite(text, 1, len, d->ctx);
	fputc('\n', d->ctx);
}

struct doc doc_file(FILE *out, enum unit u, size_t width, int sort)
{
	return (struct doc){ .line = doc_file_line, .ctx = out, .unit = u, .width = width, .sort = sort };
}
