/* The sampler: reads /proc into snapshots, in tiers, keeping per-process history (rates,
 * reused figures) keyed by pid + start time. */
#ifndef MEMTOP_SAMPLE_H
#define MEMTOP_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "model.h"

/* Which processes a snapshot holds (-p, -u, -f). Empty means all. */
struct selection {
	const int *pids;
	size_t npids;
	bool by_uid;
	uint32_t uid;
	struct filter *filter;		/* on comm or command line */
	bool hide_kthreads;		/* leave kernel threads out */
	int exclude_pid;		/* never matches a filter, unless -p names it (memtop itself) */
};

struct sample_request {
	unsigned need;			/* SRC_* read for every selected process */
	struct selection sel;
	double reuse_max_age;		/* seconds an idle process's figures may be reused; 0: never */
};

struct sampler;

/* Reads /proc. Returns NULL and sets errno when it cannot be used (not mounted). */
struct sampler *sampler_create(void);
void sampler_free(struct sampler *s);

/* Takes a new snapshot. The snapshot and its processes belong to the sampler and stay valid
 * until the next refresh. Returns 0 or -errno (only when /proc itself fails). */
int sampler_refresh(struct sampler *s, const struct sample_request *req, struct snapshot **out);

/* Reads more of one process of the current snapshot (tier 2/3 on demand: rows that became
 * visible, the detail screen, -m). Unreadable figures stay unknown. Figures the refresh
 * reused are read again when older than reuse_max_age: a refresh may sort on figures
 * reused for longer than the rows on screen may show. */
void sampler_fill(struct sampler *s, struct proc *p, unsigned need, double reuse_max_age);

/* Sorts the snapshot's processes: numbers highest first (ascending reverses), text A-Z;
 * unknown values always last; ties by pid. */
void snapshot_sort(struct snapshot *snap, enum field_id key, bool ascending);

/* Finds a process of the snapshot by pid; NULL when not there. */
struct proc *snapshot_find(const struct snapshot *snap, int pid);

#endif
