#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "tree.h"
#include "xalloc.h"

/* What one build works with, indexed by the position in rows (input order). */
struct tree_build {
	const struct proc *const *rows;
	size_t n;
	size_t *bypid;			/* input indices sorted by pid */
	size_t *parent;			/* input index of the parent, TREE_NONE */
	size_t *first, *kids;		/* children of i: kids[first[i] .. first[i + 1]) */
	size_t *roots, nroots;
	size_t *size;
	double *rank, *pss_age, *smaps_age;
	struct tree_sum *sums;		/* n * nsum, input order */
	bool ascending;
};

static int tree_cmp_pid(const void *a, const void *b, void *ctx)
{
	const struct proc *const *rows = ctx;
	int x = rows[*(const size_t *)a]->pid, y = rows[*(const size_t *)b]->pid;

	return (x > y) - (x < y);
}

static size_t tree_find(const struct tree_build *b, int pid)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int p = b->rows[b->bypid[mid]]->pid;

		if (p == pid)
			return b->bypid[mid];
		if (p < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return TREE_NONE;
}

static void tree_parents(struct tree_build *b)
{
	for (size_t i = 0; i < b->n; i++)
		b->bypid[i] = i;
	qsort_r(b->bypid, b->n, sizeof *b->bypid, tree_cmp_pid, (void *)b->rows);
	for (size_t i = 0; i < b->n; i++) {
		const struct proc *p = b->rows[i];

		b->parent[i] = p->ppid == p->pid ? TREE_NONE : tree_find(b, p->ppid);
	}
}

/* A loop of parents (a fake /proc) would leave its members out of every subtree: the
 * loop's lowest pid becomes a root. Each node is walked up once: colour 1 is on the walk,
 * 2 reaches a root. */
static void tree_break_loops(struct tree_build *b, size_t *path, unsigned char *colour)
{
	memset(colour, 0, b->n);
	for (size_t i = 0; i < b->n; i++) {
		size_t len = 0, x = i;

		while (x != TREE_NONE && colour[x] == 0) {
			colour[x] = 1;
			path[len++] = x;
			x = b->parent[x];
		}
		if (x != TREE_NONE && colour[x] == 1) {
			size_t low = x;

			for (size_t y = b->parent[x]; y != x; y = b->parent[y]) {
				if (b->rows[y]->pid < b->rows[low]->pid)
					low = y;
			}
			b->parent[low] = TREE_NONE;
		}
		while (len)
			colour[path[--len]] = 2;
	}
}

/* Children lists in input order (the view's order), and the roots. */
static void tree_children(struct tree_build *b)
{
	memset(b->first, 0, (b->n + 1) * sizeof *b->first);
	b->nroots = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (b->parent[i] == TREE_NONE)
			b->roots[b->nroots++] = i;
		else
			b->first[b->parent[i] + 1]++;
	}
	for (size_t i = 0; i < b->n; i++)
		b->first[i + 1] += b->first[i];
	for (size_t i = 0, *fill = b->size; i < b->n; i++)
		fill[i] = b->first[i];
	for (size_t i = 0; i < b->n; i++) {
		if (b->parent[i] != TREE_NONE)
			b->kids[b->size[b->parent[i]]++] = i;
	}
}

/* A preorder of the forest in order (roots, then each node's children as listed);
 * stack holds n entries. Returns the count written (n). */
static size_t tree_preorder(const struct tree_build *b, size_t *order, size_t *stack)
{
	size_t top = 0, k = 0;

	for (size_t r = b->nroots; r-- > 0;)
		stack[top++] = b->roots[r];
	while (top) {
		size_t x = stack[--top];

		order[k++] = x;
		for (size_t c = b->first[x + 1]; c-- > b->first[x];)
			stack[top++] = b->kids[c];
	}
	return k;
}

static void tree_own(struct tree_build *b, const struct tree *t, size_t i, enum field_id sort, bool summed_sort)
{
	const struct proc *p = b->rows[i];
	struct tree_sum *s = &b->sums[i * (size_t)t->nsum];

	for (int j = 0; j < t->nsum; j++) {
		const struct fval *v = &p->f[t->sum_ids[j]];

		s[j] = (struct tree_sum){ .v = *v, .known = v->st == V_KNOWN, .unknown = v->st == V_UNKNOWN };
		if (v->st == V_UNKNOWN)
			s[j].v = (struct fval){ .st = V_KNOWN };	/* it applies: 0 of what is known */
	}
	b->size[i] = 1;
	b->pss_age[i] = p->have & SRC_PSS ? p->pss_age : 0;
	b->smaps_age[i] = p->have & SRC_SMAPS ? p->smaps_age : 0;
	b->rank[i] = 0;
	if (summed_sort) {
		enum field_id by = proc_sort_estimated(p, sort) ? proc_sort_stand_in(sort) : sort;

		if (p->f[by].st == V_KNOWN)
			b->rank[i] = fields[by].type == FT_RATE ? p->f[by].d : (double)p->f[by].u;
	}
}

static void tree_add(struct tree_sum *to, const struct tree_sum *from, enum field_id id)
{
	if (from->v.st == V_NA)
		return;
	if (to->v.st == V_NA)
		to->v = (struct fval){ .st = V_KNOWN };
	to->known += from->known;
	to->unknown += from->unknown;
	if (fields[id].type == FT_RATE)
		to->v.d += from->v.d;
	else
		to->v.u += from->v.u;
}

/* Each subtree's sums, from the leaves up: a node comes after its descendants in the
 * reverse of a preorder. */
static void tree_sums(struct tree_build *b, const struct tree *t, const size_t *order, enum field_id sort)
{
	bool summed_sort = group_summed(sort);

	for (size_t i = 0; i < b->n; i++)
		tree_own(b, t, i, sort, summed_sort);
	for (size_t k = b->n; k-- > 0;) {
		size_t x = order[k], up = b->parent[x];

		if (up == TREE_NONE)
			continue;
		for (int j = 0; j < t->nsum; j++)
			tree_add(&b->sums[up * (size_t)t->nsum + j], &b->sums[x * (size_t)t->nsum + j], t->sum_ids[j]);
		b->size[up] += b->size[x];
		b->rank[up] += b->rank[x];
		if (b->pss_age[x] > b->pss_age[up])
			b->pss_age[up] = b->pss_age[x];
		if (b->smaps_age[x] > b->smaps_age[up])
			b->smaps_age[up] = b->smaps_age[x];
	}
}

static int tree_cmp_rank(const void *a, const void *c, void *ctx)
{
	const struct tree_build *b = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)c;

	if (b->rank[x] != b->rank[y])
		return (b->rank[x] > b->rank[y]) == b->ascending ? 1 : -1;
	return (x > y) - (x < y);	/* as the view ordered them */
}

static void tree_order_siblings(struct tree_build *b)
{
	qsort_r(b->roots, b->nroots, sizeof *b->roots, tree_cmp_rank, b);
	for (size_t i = 0; i < b->n; i++)
		qsort_r(b->kids + b->first[i], b->first[i + 1] - b->first[i], sizeof *b->kids, tree_cmp_rank, b);
}

static void tree_sum_ids(struct tree *t, const enum field_id *ids, int nids, enum field_id sort)
{
	bool in[FLD_COUNT] = { false };

	t->nsum = 0;
	for (int i = 0; i <= nids; i++) {
		enum field_id id = i < nids ? ids[i] : sort;

		if (group_summed(id) && !in[id]) {
			in[id] = true;
			t->sum_ids[t->nsum++] = id;
		}
	}
}

static void tree_reserve(struct tree *t, size_t n)
{
	if (t->cap < n) {
		t->cap = n;
		t->nodes = xreallocarray(t->nodes, n, sizeof *t->nodes);
	}
	if (t->capsums < n * (size_t)t->nsum) {
		t->capsums = n * (size_t)t->nsum;
		t->sums = xreallocarray(t->sums, t->capsums, sizeof *t->sums);
	}
}

/* The nodes in display order, from the preorder of the sorted forest. */
static void tree_emit(struct tree *t, struct tree_build *b, const size_t *order, size_t *pos)
{
	for (size_t k = 0; k < b->n; k++)
		pos[order[k]] = k;
	for (size_t k = 0; k < b->n; k++) {
		size_t x = order[k], up = b->parent[x];
		struct tree_node *nd = &t->nodes[k];
		size_t last = up == TREE_NONE ? b->roots[b->nroots - 1] : b->kids[b->first[up + 1] - 1];

		*nd = (struct tree_node){ .p = b->rows[x], .parent = up == TREE_NONE ? TREE_NONE : pos[up],
					  .size = b->size[x], .last = x == last, .pss_age = b->pss_age[x],
					  .smaps_age = b->smaps_age[x], .rank = b->rank[x] };
		nd->depth = up == TREE_NONE ? 0 : t->nodes[pos[up]].depth + 1;
		if (t->nsum)
			memcpy(&t->sums[k * (size_t)t->nsum], &b->sums[x * (size_t)t->nsum], t->nsum * sizeof *t->sums);
	}
}

void tree_build(struct tree *t, const struct proc *const *rows, size_t n, const enum field_id *ids, int nids,
		enum field_id sort, bool ascending)
{
	size_t *w = xreallocarray(NULL, 8 * n + 1, sizeof *w);
	struct tree_build b = {
		.rows = rows, .n = n, .bypid = w, .parent = w + n, .first = w + 2 * n, .kids = w + 3 * n + 1,
		.roots = w + 4 * n + 1, .size = w + 5 * n + 1, .ascending = ascending,
	};
	size_t *order = w + 6 * n + 1, *scratch = w + 7 * n + 1;
	double *d = xreallocarray(NULL, 3 * n + 1, sizeof *d);
	unsigned char *colour = xmalloc(n + 1);

	tree_sum_ids(t, ids, nids, sort);
	tree_reserve(t, n);
	b.rank = d;
	b.pss_age = d + n;
	b.smaps_age = d + 2 * n;
	b.sums = xreallocarray(NULL, n * (size_t)t->nsum + 1, sizeof *b.sums);
	tree_parents(&b);
	tree_break_loops(&b, scratch, colour);
	tree_children(&b);
	tree_preorder(&b, order, scratch);
	tree_sums(&b, t, order, sort);
	if (group_summed(sort))
		tree_order_siblings(&b);
	tree_preorder(&b, order, scratch);
	tree_emit(t, &b, order, scratch);
	t->n = n;
	free(b.sums);
	free(colour);
	free(d);
	free(w);
}

const struct tree_sum *tree_sum_of(const struct tree *t, size_t i, enum field_id id)
{
	for (int j = 0; j < t->nsum; j++) {
		if (t->sum_ids[j] == id)
			return &t->sums[i * (size_t)t->nsum + j];
	}
	return NULL;
}

double tree_age(const struct tree *t, size_t i, enum field_id id)
{
	if (fields[id].src & (SRC_PSS | SRC_ROLLUP))
		return t->nodes[i].pss_age;
	return fields[id].src == SRC_SMAPS ? t->nodes[i].smaps_age : 0;
}

size_t tree_next_sibling_or_after(const struct tree *t, size_t i)
{
	return i + t->nodes[i].size;
}

void tree_free(struct tree *t)
{
	free(t->nodes);
	free(t->sums);
	memset(t, 0, sizeof *t);
}
