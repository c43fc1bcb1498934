/* Processes as a forest: each parent above its children, and each subtree's figures summed
 * ("what does this service cost with all its workers"). Pure: computed from the processes
 * given, by their pid and ppid. A process whose parent is not among them is a root (with a
 * filter, the matches whose parent does not match); so is one in a loop of parents (only a
 * fake /proc can make one), at the loop's lowest pid.
 *
 * Sums follow lib/group.h: the sum of what is known; members whose figure could not be read
 * are left out and counted (the sum is then a lower bound); a figure that applies to no
 * member (kernel threads) is V_NA. */
#ifndef MEMTOP_TREE_H
#define MEMTOP_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define TREE_NONE ((size_t)-1)

/* One figure summed over a subtree. */
struct tree_sum {
	struct fval v;
	uint32_t known, unknown;	/* members in the sum, members left out */
};

struct tree_node {
	const struct proc *p;
	size_t parent;			/* its parent's node, TREE_NONE for a root */
	size_t size;			/* nodes in its subtree, itself included: they follow it */
	unsigned depth;			/* 0 for a root */
	bool last;			/* the last of its parent's children (or of the roots) */
	double pss_age, smaps_age;	/* the oldest reused figure of its subtree (0: none) */
	double rank;			/* what siblings are ordered by (the sort key's sum) */
};

struct tree {
	struct tree_node *nodes;	/* in display order: preorder, siblings sorted */
	size_t n, cap;
	enum field_id sum_ids[FLD_COUNT];
	int nsum;
	struct tree_sum *sums;		/* n * nsum: node i's sum of sum_ids[j] at i * nsum + j */
	size_t capsums;
};

/* Builds the forest of the n processes in rows, which are in the view's order (proc_sort by
 * sort, ascending): children come in that order, except that for a summed sort key
 * (group_summed) siblings are ordered by their subtrees' sums of it, highest first
 * (ascending: lowest), a PSS or USS that could not be read counting as its stand-in (RSS,
 * as proc_sort ranks it). Sums are kept for the summed fields among ids (n of them) and the
 * sort key. */
void tree_build(struct tree *t, const struct proc *const *rows, size_t n, const enum field_id *ids, int nids,
		enum field_id sort, bool ascending);

/* Node i's sum of id, or NULL when id is not summed in the tree. */
const struct tree_sum *tree_sum_of(const struct tree *t, size_t i, enum field_id id);

/* The age of node i's sum of id (0: every member's figure was read for this snapshot). */
double tree_age(const struct tree *t, size_t i, enum field_id id);

/* The node after i's subtree (i + size): where drawing goes on when i is folded. */
size_t tree_next_sibling_or_after(const struct tree *t, size_t i);

void tree_free(struct tree *t);

#endif
