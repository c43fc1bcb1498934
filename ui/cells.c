#include <stdio.h>
#include <string.h>

#include "cells.h"
#include "sanitize.h"

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

const char *cell_growth(char *buf, size_t n, double bytes_per_s, enum unit u)
{
	double a = bytes_per_s < 0 ? -bytes_per_s : bytes_per_s;

	if (a < 0.5 || n < 2) {
		snprintf(buf, n, "0");
		return buf;
	}
	buf[0] = bytes_per_s < 0 ? '-' : '+';
	units_compact(buf + 1, n - 1, (uint64_t)(a + 0.5), u);
	return buf;
}

const char *cell_duration(char *buf, size_t n, double s)
{
	if (s < 99.5)
		snprintf(buf, n, "%.0fs", s);
	else if (s < 99.5 * 60)
		snprintf(buf, n, "%.0fm", s / 60);
	else if (s < 47.5 * 3600)
		snprintf(buf, n, "%.*fh", s < 9.95 * 3600 ? 1 : 0, s / 3600);
	else if (s < 999.5 * 86400)
		snprintf(buf, n, "%.*fd", s < 9.95 * 86400 ? 1 : 0, s / 86400);
	else
		snprintf(buf, n, ">999d");
	return buf;
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

/* A known figure of id's type. */
static void cell_number(char *buf, size_t n, const struct fval *v, enum field_id id, enum unit u)
{
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
	case FT_BYTES_RATE:
		cell_growth(buf, n, v->d, u);
		break;
	case FT_FLAG:
		snprintf(buf, n, "%s", v->u ? "yes" : "no");
		break;
	case FT_ETA:
		cell_duration(buf, n, v->d);
		break;
	default:	/* counts: exact while they fit a column */
		if (v->u < 10000000)
			snprintf(buf, n, "%llu", (unsigned long long)v->u);
		else
			units_count(buf, n, (double)v->u);
		break;
	}
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
		cell_number(buf, n, v, id, u);
		if (cell_reused(p, id) && strlen(buf) + 1 < n)
			strcat(buf, "~");
	}
	*len = strlen(buf);
	return s;
}

const char *cells_lower_mark(void)
{
	return cells_utf8 ? "\xe2\x89\xa5" : ">=";
}

const char *cell_sum_text(char *buf, size_t n, enum field_id id, const struct cell_sum *s, enum unit u)
{
	size_t m = 0;

	if (s->v->st != V_KNOWN || (s->known == 0 && s->unknown > 0)) {
		snprintf(buf, n, "-");
		return buf;
	}
	if (s->unknown) {
		m = strlen(cells_lower_mark());
		memcpy(buf, cells_lower_mark(), m);
	}
	cell_number(buf + m, n - m, s->v, id, u);
	if (s->age > 0 && strlen(buf) + 1 < n)
		strcat(buf, "~");
	return buf;
}

struct cell_sum cell_group_sum(const struct group *g, enum field_id id)
{
	return (struct cell_sum){ &g->f[id], g->known[id], g->unknown[id], group_age(g, id) };
}

int cells_group_columns(const enum field_id *cols, int ncols, enum field_id *out)
{
	bool in[FLD_COUNT] = { false };
	int n = 0;

	out[n++] = FLD_PID;
	for (int i = 0; i < ncols; i++) {
		if (group_summed(cols[i]) && !in[cols[i]]) {
			in[cols[i]] = true;
			out[n++] = cols[i];
		}
	}
	out[n++] = FLD_CMD;
	return n;
}

const char *cells_group_header(enum field_id id, enum group_by by)
{
	static const char *const keys[GROUP_BY_COUNT] = { "USER", "COMM", "CGROUP" };

	if (id == FLD_PID)
		return "PROCS";
	if (id == FLD_CMD)
		return (unsigned)by < GROUP_BY_COUNT ? keys[by] : "GROUP";
	return fields[id].header;
}

const char *cell_group_text(char *buf, size_t n, const struct group *g, enum field_id id, enum unit u, size_t *len)
{
	if (id == FLD_CMD) {
		*len = strlen(g->key);
		return g->key;
	}
	if (id == FLD_PID) {
		snprintf(buf, n, "%zu", g->count);
	} else if (group_summed(id)) {
		struct cell_sum s = cell_group_sum(g, id);

		cell_sum_text(buf, n, id, &s, u);
	} else {
		snprintf(buf, n, "-");
	}
	*len = strlen(buf);
	return buf;
}

void cells_lower_note(char *buf, size_t n, const struct group *t, const enum field_id *cols, int ncols)
{
	bool in[FLD_COUNT] = { false };
	unsigned most = 0;
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < ncols; i++) {
		enum field_id id = cols[i];

		if (!group_summed(id) || in[id] || !t->unknown[id] || (t->f[id].st == V_KNOWN && !t->known[id]))
			continue;
		in[id] = true;
		if (t->unknown[id] > most)
			most = t->unknown[id];
		if (o < n)
			o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? ", " : "", fields[id].header);
	}
	if (most && o < n)
		snprintf(buf + o, n - o, ": %s is a lower bound, leaving out %u process%s that could not be read",
			 cells_lower_mark(), most, most == 1 ? "" : "es");
}

int cell_right_aligned(enum field_id id)
{
	return fields[id].type != FT_STR;
}

struct cells_source {
	cells_text_fn text;	/* NULL: cell_text() of t->rows */
	const void *ctx;
};

static int cells_natural_width(const struct cells_table *t, const struct cells_source *src, enum field_id id)
{
	int w = fields[id].width;
	char buf[64];

	if (!cell_right_aligned(id))
		return w;
	if ((int)strlen(fields[id].header) > w)
		w = (int)strlen(fields[id].header);
	for (size_t r = 0; r < t->nrows; r++) {
		size_t len;

		const char *s = src->text ? src->text(src->ctx, r, id, buf, sizeof buf, &len) :
			cell_text(buf, sizeof buf, t->rows[r], id, t->unit, &len);

		len = sanitize_width(s, len);	/* a mark such as "\u2264" is one column */
		if ((int)len > w)
			w = (int)len;
	}
	return w;
}

/* Hides the shown column that gives way first (the rightmost of equals); false when none
 * may. */
static bool cells_give_way(const struct cells_table *t, int *w)
{
	int pick = -1, pick_rank = 0;

	for (int i = 0; i < t->ncols; i++) {
		int rank = field_give_way(t->cols[i]);

		if (w[i] == CELLS_HIDDEN || t->cols[i] == t->sort || rank == 0)
			continue;
		if (rank >= pick_rank) {
			pick = i;
			pick_rank = rank;
		}
	}
	if (pick < 0)
		return false;
	w[pick] = CELLS_HIDDEN;
	return true;
}

/* Columns of the line left for the open columns, and how many there are. */
static long cells_rest(const struct cells_table *t, const int *w, int *nopen)
{
	long used = 0;
	int shown = 0;

	*nopen = 0;
	for (int i = 0; i < t->ncols; i++) {
		if (w[i] == CELLS_HIDDEN)
			continue;
		shown++;
		if (fields[t->cols[i]].width == 0)
			(*nopen)++;
		else
			used += w[i];
	}
	return (long)t->width - used - (shown > 1 ? shown - 1 : 0);
}

static int cells_layout_from(const struct cells_table *t, const struct cells_source *src, int *w)
{
	int nopen, hidden = 0, last = t->ncols - 1;
	long rest;

	for (int i = 0; i < t->ncols; i++)
		w[i] = cells_natural_width(t, src, t->cols[i]);
	rest = cells_rest(t, w, &nopen);
	while (t->width && nopen && t->give_way && rest / nopen < FIELD_OPEN_MIN && cells_give_way(t, w)) {
		hidden++;
		rest = cells_rest(t, w, &nopen);
	}
	while (last >= 0 && w[last] == CELLS_HIDDEN)
		last--;
	for (int i = 0; i < t->ncols; i++) {
		if (fields[t->cols[i]].width != 0 || w[i] == CELLS_HIDDEN)
			continue;
		if (!t->width)
			w[i] = i == last ? 0 : CELLS_OPEN_NOT_LAST;
		else
			w[i] = rest / nopen > 1 ? (int)(rest / nopen) : 1;
	}
	return hidden;
}

int cells_layout(const struct cells_table *t, int *w)
{
	return cells_layout_from(t, &(struct cells_source){ NULL, NULL }, w);
}

int cells_layout_by(const struct cells_table *t, cells_text_fn text, const void *ctx, int *w)
{
	return cells_layout_from(t, &(struct cells_source){ text, ctx }, w);
}
