#include <stdio.h>
#include <string.h>

#include "cells.h"

static const char *cell_str(const struct proc *p, enum field_id id, char *buf, size_t n)
{
	switch (id) {
	case FLD_USER:
		return p->user;
	case FLD_COMM:
		return p->comm;
	case FLD_CMD:
		return p->cmdline ? p->cmdline : "-";
	default:
		snprintf(buf, n, "%c", p->state);
		return buf;
	}
}

const char *cell_bytes(char *buf, size_t n, const struct fval *v, enum unit u)
{
	return v->st == V_KNOWN ? units_compact(buf, n, v->u, u) : "-";
}

static bool cells_utf8;

void cells_set_utf8(bool utf8)
{
	cells_utf8 = utf8;
}

const char *cells_bound_mark(void)
{
	return cells_utf8 ? "\xe2\x89\xa4" : "<=";
}

/* "~" after a figure read at an earlier refresh. */
static bool cell_reused(const struct proc *p, enum field_id id)
{
	if (fields[id].src & (SRC_PSS | SRC_ROLLUP))
		return p->pss_age > 0 && id != FLD_AGE;
	return fields[id].src == SRC_SMAPS && p->smaps_age > 0;
}

const char *cell_text(char *buf, size_t n, const struct proc *p, enum field_id id, enum unit u,
		      size_t *len)
{
	const struct fval *v = &p->f[id];
	const char *s = buf;

	if (fields[id].type == FT_STR) {
		s = cell_str(p, id, buf, n);
		*len = id == FLD_CMD && p->cmdline ? p->cmdline_len : strlen(s);
		return s;
	}
	if (proc_sort_estimated(p, id)) {
		const char *mark = cells_bound_mark();
		size_t m = strlen(mark);

		memcpy(buf, mark, m);
		units_compact(buf + m, n - m, p->f[proc_sort_stand_in(id)].u, u);
	} else if (v->st != V_KNOWN) {
		snprintf(buf, n, "-");
	} else {
		switch (fields[id].type) {
		case FT_INT:
			snprintf(buf, n, "%lld", (long long)v->i);
			break;
		case FT_BYTES:
			units_compact(buf, n, v->u, u);
			break;
		case FT_RATE:
			units_count(buf, n, v->d);
			break;
		case FT_SECONDS:
			snprintf(buf, n, "%.0f", v->d);
			break;
		default:	/* counts: exact while they fit a column */
			if (v->u < 10000000)
				snprintf(buf, n, "%llu", (unsigned long long)v->u);
			else
				units_count(buf, n, (double)v->u);
			break;
		}
		if (cell_reused(p, id) && strlen(buf) + 1 < n)
			strcat(buf, "~");
	}
	*len = strlen(buf);
	return s;
}

int cell_right_aligned(enum field_id id)
{
	return fields[id].type != FT_STR;
}
