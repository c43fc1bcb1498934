/* libFuzzer target for the memtoprc parser and writer (lib/memtoprc.c). Any input must parse
 * without crashing into settings that are all in range; those settings, written out again,
 * must read back identically and without a warning. abort() when either breaks.
 *
 *   fuzz/run memtoprc		(or by hand:)
 *   clang -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -Ilib fuzz/fuzz-memtoprc.c \
 *	lib/memtoprc.c lib/field.c lib/filter.c lib/units.c lib/xalloc.c -lpcre2-8 -lm -o fz-memtoprc */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memtoprc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_warn(void *ctx, unsigned line, const char *msg)
{
	unsigned *n = ctx;

	if (!msg || !*msg || line == 0)
		abort();	/* every warning names its line and says something */
	(*n)++;
}

static void fuzz_check_range(const struct memtoprc *c)
{
	if (c->view.ncols < 0 || c->view.ncols > FLD_COUNT)
		abort();
	if ((c->has & MEMTOPRC_HAS_FIELDS) && c->view.ncols == 0)
		abort();
	for (int i = 0; i < c->view.ncols; i++) {
		if ((unsigned)c->view.cols[i] >= FLD_COUNT)
			abort();
	}
	if ((c->has & MEMTOPRC_HAS_SORT) && (unsigned)c->view.sort >= FLD_COUNT)
		abort();
	if ((c->has & MEMTOPRC_HAS_DELAY) &&
	    (!isfinite(c->view.delay) || c->view.delay < MEMTOPRC_DELAY_MIN ||
	     c->view.delay > MEMTOPRC_DELAY_MAX))
		abort();
	if ((unsigned)c->view.unit >= UNIT_COUNT)
		abort();
	if (strnlen(c->filter, sizeof c->filter) > MEMTOPRC_PATTERN_MAX)
		abort();
}

static bool fuzz_same(const struct memtoprc *a, const struct memtoprc *b)
{
	return a->has == b->has && a->view.ncols == b->view.ncols &&
	       memcmp(a->view.cols, b->view.cols, (size_t)a->view.ncols * sizeof *a->view.cols) == 0 &&
	       (!(a->has & MEMTOPRC_HAS_SORT) || a->view.sort == b->view.sort) &&
	       (!(a->has & MEMTOPRC_HAS_ORDER) || a->view.ascending == b->view.ascending) &&
	       (!(a->has & MEMTOPRC_HAS_DELAY) || a->view.delay == b->view.delay) &&
	       (!(a->has & MEMTOPRC_HAS_UNITS) || a->view.unit == b->view.unit) &&
	       strcmp(a->filter, b->filter) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[16384];
	struct memtoprc a, b;
	unsigned warnings = 0;
	int n;

	memtoprc_parse(&a, (const char *)data, size, fuzz_warn, &warnings);
	fuzz_check_range(&a);
	n = memtoprc_format(&a, text, sizeof text);
	if (n < 0 || (size_t)n != strlen(text))
		abort();	/* the longest valid settings always fit */
	warnings = 0;
	memtoprc_parse(&b, text, (size_t)n, fuzz_warn, &warnings);
	if (warnings || !fuzz_same(&a, &b))
		abort();
	return 0;
}
