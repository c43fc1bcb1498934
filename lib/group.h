/* Processes summed: by user, by command name or by memory cgroup (what smem -u and -w give),
 * and the totals of a set of processes. PSS sums to physical use; RSS does not (shared
 * pages count once per process), USS to what exiting them all would free of their
 * anonymous memory. Computed from a snapshot alone. */
#ifndef MEMTOP_GROUP_H
#define MEMTOP_GROUP_H

#include <stddef.h>

#include "cgroup.h"
#include "model.h"

enum group_by { GROUP_USER, GROUP_COMM, GROUP_CGROUP, GROUP_BY_COUNT };

/* "user" "comm" "cgroup"; group_by_parse returns -1 for another word. */
const char *group_by_name(enum group_by by);
int group_by_parse(const char *s);

/* Whether a field is summed in a group: sizes, counts and rates; not ids, scores or ages. */
bool group_summed(enum field_id id);

struct group {
	char *key;			/* user name, comm (raw bytes) or cgroup path; "?" unknown */
	size_t count;			/* processes */
	/* Each summed field: the sum over the members that have it (V_KNOWN), V_NA when it
	 * applies to none (kernel threads only). unknown[] counts the members whose figure
	 * could not be read and is left out of the sum: the sum is then a lower bound. */
	struct fval f[FLD_COUNT];
	unsigned unknown[FLD_COUNT];
	unsigned known[FLD_COUNT];	/* the members whose figure is in the sum */
	/* The oldest figure in the sums that was read at an earlier refresh (proc.pss_age,
	 * proc.smaps_age of the members): 0 when every one was read for this snapshot. */
	double pss_age, smaps_age;
};

struct group_set {
	enum group_by by;
	struct group *g;
	size_t n, cap;
};

/* The groups of the processes given (n of them). With GROUP_CGROUP, cs names each process's
 * cgroup (SNAP_CGROUPS); a process without one is in the group "?". */
void group_compute(struct group_set *gs, enum group_by by, const struct proc *const *procs, size_t n,
		   const struct cgroup_set *cs);

/* Sorts the groups: by key's sum, highest first (text fields: by the key, A-Z). */
void group_sort(struct group_set *gs, enum field_id key);

/* The totals of the processes given, as one group keyed "total". */
void group_total(struct group *t, const struct proc *const *procs, size_t n);

/* The age of a sum of field id (0: every member's figure was read for this snapshot). */
double group_age(const struct group *g, enum field_id id);

void group_free(struct group *g);
void group_set_free(struct group_set *gs);

#endif
