/* The process forest: parents above children, subtrees summed as groups are (unknown members
 * left out and counted), siblings ordered by their subtrees, loops of parents broken. */
#include <stdlib.h>
#include <string.h>

#include "tree.h"
#include "tap.h"

#define MIB (1024ull * 1024)

static struct proc *mk(int pid, int ppid, uint64_t rss_mib, uint64_t pss_mib, enum vstate pss_st)
{
	struct proc *p = calloc(1, sizeof *p);

	p->pid = pid;
	p->ppid = ppid;
	p->user = "u";
	p->comm = "c";
	p->have = SRC_STAT | SRC_STATUS | SRC_PSS;
	p->f[FLD_PID] = (struct fval){ .i = pid, .st = V_KNOWN };
	p->f[FLD_RSS] = (struct fval){ .u = rss_mib * MIB, .st = pss_st == V_NA ? V_NA : V_KNOWN };
	p->f[FLD_PSS] = (struct fval){ .u = pss_mib * MIB, .st = pss_st };
	return p;
}

/* The pids of the nodes in display order, as "1 2 3". */
static const char *order(const struct tree *t)
{
	static char buf[256];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->n && o < sizeof buf - 12; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%d", i ? " " : "", t->nodes[i].p->pid);
	return buf;
}

static size_t node_of(const struct tree *t, int pid)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->nodes[i].p->pid == pid)
			return i;
	}
	return TREE_NONE;
}

static void test_shape_and_sums(void)
{
	/* 1 -> {10 -> {11, 12}, 20}; 30 has a parent not shown (a root); 2 a kernel thread */
	struct proc *p[] = {
		mk(1, 0, 10, 5, V_KNOWN), mk(10, 1, 100, 50, V_KNOWN), mk(11, 10, 40, 30, V_KNOWN),
		mk(12, 10, 40, 0, V_UNKNOWN), mk(20, 1, 300, 200, V_KNOWN), mk(30, 999, 1, 1, V_KNOWN),
		mk(2, 0, 0, 0, V_NA),
	};
	const size_t n = sizeof p / sizeof p[0];
	const enum field_id ids[] = { FLD_PID, FLD_RSS, FLD_PSS };
	struct tree t = { 0 };
	const struct tree_sum *s;
	size_t i;

	/* by pid (not summed): children in the order given */
	tree_build(&t, (const struct proc *const *)p, n, ids, 3, FLD_PID, false);
	is_int(t.n, n, "every process is a node");
	is_str(order(&t), "1 10 11 12 20 30 2", "parents above children, in the order given");
	i = node_of(&t, 1);
	is_int(t.nodes[i].size, 5, "1's subtree: itself and four");
	is_int(t.nodes[i].depth, 0, "1 is a root");
	is_int(t.nodes[node_of(&t, 11)].depth, 2, "11 is a grandchild");
	ok(t.nodes[node_of(&t, 20)].last && !t.nodes[node_of(&t, 10)].last, "20 is 1's last child");
	ok(t.nodes[node_of(&t, 12)].parent == node_of(&t, 10), "12's parent is 10's node");
	is_int(t.nodes[node_of(&t, 30)].parent, TREE_NONE, "a parent not among the processes: a root");
	ok(tree_sum_of(&t, i, FLD_PID) == NULL, "ids are not summed");
	s = tree_sum_of(&t, i, FLD_RSS);
	ok(s && s->v.st == V_KNOWN && s->v.u == 490 * MIB && s->known == 5 && s->unknown == 0, "RSS summed over 1's subtree");
	s = tree_sum_of(&t, i, FLD_PSS);
	ok(s && s->v.u == 285 * MIB && s->known == 4 && s->unknown == 1, "PSS: what is known, the unreadable one counted");
	s = tree_sum_of(&t, node_of(&t, 12), FLD_PSS);
	ok(s && s->v.st == V_KNOWN && s->known == 0 && s->unknown == 1, "a leaf that could not be read: none known");
	s = tree_sum_of(&t, node_of(&t, 2), FLD_PSS);
	ok(s && s->v.st == V_NA, "a kernel thread's PSS does not apply");

	/* by PSS: siblings by their subtrees, highest first; 12's RSS stands in for its PSS */
	tree_build(&t, (const struct proc *const *)p, n, ids, 3, FLD_PSS, false);
	is_str(order(&t), "1 20 10 12 11 30 2", "by PSS: 20 (200M) above 10 (50+30+40M), 12 (<=40M) above 11");
	ok(t.nodes[node_of(&t, 10)].last, "10 is now the last child");
	tree_build(&t, (const struct proc *const *)p, n, ids, 3, FLD_PSS, true);
	is_str(order(&t), "2 30 1 10 11 12 20", "ascending: lowest subtree first");
	tree_free(&t);
	for (i = 0; i < n; i++)
		free(p[i]);
}

static void test_loops(void)
{
	/* 5 -> 6 -> 7 -> 5, and 8 below 7: no root at all */
	struct proc *p[] = { mk(7, 6, 1, 1, V_KNOWN), mk(6, 5, 1, 1, V_KNOWN), mk(5, 7, 1, 1, V_KNOWN),
			     mk(8, 7, 1, 1, V_KNOWN), mk(9, 9, 1, 1, V_KNOWN) };
	struct tree t = { 0 };

	tree_build(&t, (const struct proc *const *)p, 5, NULL, 0, FLD_PID, false);
	is_int(t.n, 5, "a loop of parents: every process still shown once");
	is_str(order(&t), "5 6 7 8 9", "the loop's lowest pid is the root; its own parent is a root");
	is_int(t.nodes[0].size, 4, "the rest of the loop below it");
	tree_build(&t, NULL, 0, NULL, 0, FLD_RSS, false);
	is_int(t.n, 0, "no process, no node");
	tree_free(&t);
	for (int i = 0; i < 5; i++)
		free(p[i]);
}

static void test_deep(void)
{
	enum { N = 20000 };	/* a chain as deep as a user may fork: no recursion */
	struct proc **p = calloc(N, sizeof *p);
	const enum field_id ids[] = { FLD_RSS };
	struct tree t = { 0 };

	for (int i = 0; i < N; i++)
		p[i] = mk(i + 100, i + 99, 1, 1, V_KNOWN);
	tree_build(&t, (const struct proc *const *)p, N, ids, 1, FLD_RSS, false);
	ok(t.n == N && t.nodes[N - 1].depth == N - 1, "a chain of %d: the last is %d deep", N, N - 1);
	is_u64(tree_sum_of(&t, 0, FLD_RSS)->v.u, (uint64_t)N * MIB, "the root's sum is the whole chain");
	tree_free(&t);
	for (int i = 0; i < N; i++)
		free(p[i]);
	free(p);
}

int main(void)
{
	test_shape_and_sums();
	test_loops();
	test_deep();
	return tap_done();
}
