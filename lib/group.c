#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "xalloc.h"

static const char *const group_names[GROUP_BY_COUNT] = { "user", "comm", "cgroup" };

const char *group_by_name(enum group_by by)
{
	return (unsigned)by < GROUP_BY_COUNT ? group_names[by] : "?";
}

int group_by_parse(const char *s)
{
	for (int i = 0; i < GROUP_BY_COUNT; i++) {
		if (strcmp(s, group_names[i]) == 0)
			return i;
	}
	return -1;
}

bool group_summed(enum field_id id)
{
	enum field_type t = fields[id].type;

	return t == FT_BYTES || t == FT_COUNT || t == FT_RATE;
}

static void group_init(struct group *g, const char *key)
{
	memset(g, 0, sizeof *g);
	g->key = xstrdup(key);
	for (int i = 0; i < FLD_COUNT; i++)
		g->f[i].st = V_NA;
}

static void group_add(struct group *g, const struct proc *p)
{
	g->count++;
	if ((p->have & SRC_PSS) && p->pss_age > g->pss_age)
		g->pss_age = p->pss_age;
	if ((p->have & SRC_SMAPS) && p->smaps_age > g->smaps_age)
		g->smaps_age = p->smaps_age;
	for (int i = 0; i < FLD_COUNT; i++) {
		const struct fval *v = &p->f[i];
		struct fval *s = &g->f[i];

		if (!group_summed(i) || v->st == V_NA)
			continue;
		if (v->st == V_UNKNOWN) {
			g->unknown[i]++;
			if (s->st == V_NA)
				*s = (struct fval){ .st = V_KNOWN };	/* it applies: 0 of what is known */
			continue;
		}
		if (s->st == V_NA)
			*s = (struct fval){ .st = V_KNOWN };
		g->known[i]++;
		if (fields[i].type == FT_RATE)
			s->d += v->d;
		else
			s->u += v->u;
	}
}

static const char *group_key_of(const struct proc *p, enum group_by by, const struct cgroup_set *cs)
{
	switch (by) {
	case GROUP_USER:
		return p->user;
	case GROUP_COMM:
		return p->comm;
	default:
		return cs && p->cgroup >= 0 && (size_t)p->cgroup < cs->n ? cs->nodes[p->cgroup].path : "?";
	}
}

static struct group *group_new(struct group_set *gs, const char *key)
{
	if (gs->n == gs->cap) {
		gs->cap = gs->cap ? gs->cap * 2 : 32;
		gs->g = xreallocarray(gs->g, gs->cap, sizeof *gs->g);
	}
	group_init(&gs->g[gs->n], key);
	return &gs->g[gs->n++];
}

struct group_member {
	const char *key;
	size_t at;		/* its place among the processes given: members keep that order */
};

static int group_member_cmp(const void *a, const void *b)
{
	const struct group_member *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* The processes sorted by key, each run of one key a group: n log n, where looking each key
 * up among the groups made so far was n times the groups (thousands of names by comm). */
void group_compute(struct group_set *gs, enum group_by by, const struct proc *const *procs, size_t n,
		   const struct cgroup_set *cs)
{
	struct group_member *m = xreallocarray(NULL, n ? n : 1, sizeof *m);
	struct group *g = NULL;

	for (size_t i = 0; i < gs->n; i++)
		group_free(&gs->g[i]);
	gs->n = 0;
	gs->by = by;
	for (size_t i = 0; i < n; i++)
		m[i] = (struct group_member){ group_key_of(procs[i], by, cs), i };
	qsort(m, n, sizeof *m, group_member_cmp);
	for (size_t i = 0; i < n; i++) {
		if (!g || strcmp(g->key, m[i].key) != 0)
			g = group_new(gs, m[i].key);
		group_add(g, procs[m[i].at]);
	}
	free(m);
}

static int group_cmp(const void *a, const void *b, void *arg)
{
	const struct group *x = a, *y = b;
	enum field_id key = *(const enum field_id *)arg;
	const struct fval *fx = &x->f[key], *fy = &y->f[key];

	if (group_summed(key) && (fx->st == V_KNOWN) != (fy->st == V_KNOWN))
		return fx->st == V_KNOWN ? -1 : 1;
	if (group_summed(key) && fx->st == V_KNOWN) {
		if (fields[key].type == FT_RATE && fx->d != fy->d)
			return fx->d > fy->d ? -1 : 1;
		if (fields[key].type != FT_RATE && fx->u != fy->u)
			return fx->u > fy->u ? -1 : 1;
	}
	return strcmp(x->key, y->key);
}

void group_sort(struct group_set *gs, enum field_id key)
{
	if (gs->n > 1)
		qsort_r(gs->g, gs->n, sizeof *gs->g, group_cmp, &key);
}

void group_total(struct group *t, const struct proc *const *procs, size_t n)
{
	group_free(t);
	group_init(t, "total");
	for (size_t i = 0; i < n; i++)
		group_add(t, procs[i]);
}

double group_age(const struct group *g, enum field_id id)
{
	if (fields[id].src & (SRC_PSS | SRC_ROLLUP))
		return g->pss_age;
	return fields[id].src == SRC_SMAPS ? g->smaps_age : 0;
}

void group_free(struct group *g)
{
	free(g->key);
	g->key = NULL;
}

void group_set_free(struct group_set *gs)
{
	for (size_t i = 0; i < gs->n; i++)
		group_free(&gs->g[i]);
	free(gs->g);
	memset(gs, 0, sizeof *gs);
}
