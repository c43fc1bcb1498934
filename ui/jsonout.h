/* The JSON face (schema memtop/1, doc/json-schema.md): one document per snapshot, written on
 * one line so that several samples make JSON Lines. */
#ifndef MEMTOP_JSONOUT_H
#define MEMTOP_JSONOUT_H

#include <stdbool.h>

#include "field.h"
#include "group.h"
#include "jsonw.h"
#include "model.h"
#include "run.h"

struct jsonout_opts {
	const bool *fields;	/* which registry fields to write (indexed by field id) */
	bool maps;		/* write the per-mapping table of processes that have one */
	int maps_sort;		/* its order: a maptable column (ui/maptable.h), -1: by address */
};

/* Members a face that reports more (-S, -O) adds: at the end of "system", and at the end
 * of the document. NULL: nothing there. */
struct jsonout_extra {
	void (*system)(struct jsonw *w, const struct snapshot *snap, void *ctx);
	void (*top)(struct jsonw *w, const struct snapshot *snap, void *ctx);
	void *ctx;
};

/* "key": the figure as its type writes it (bytes and counts as integers, rates with two
 * decimals), or null when it is not known. */
void jsonout_kv_fval(struct jsonw *w, const char *key, const struct fval *v, enum field_type t);

/* One document: the snapshot's system figures, the processes given (rows, n of them) in
 * that order, and their totals (sums of the fields o writes). */
void jsonout_snapshot(struct jsonw *w, const struct snapshot *snap, const struct proc *const *rows,
		      size_t n, const struct jsonout_opts *o, const struct jsonout_extra *x);

/* "groups": the processes given grouped by `by` (-g; with GROUP_CGROUP the snapshot holds
 * SNAP_CGROUPS), sorted on sort; each {by, key, count, mem, faults, unknown, age} as the
 * totals are. For a jsonout_extra's top. */
void jsonout_groups(struct jsonw *w, const struct snapshot *snap, const struct proc *const *rows, size_t n,
		    const bool *jsonf, enum group_by by, enum field_id sort);

/* Which fields -bJ writes: every figure but the costly segments, or the -o fields; the pid
 * always. */
void jsonout_fields(const struct run_config *rc, bool *jsonf);

/* The sources those fields are read from. */
unsigned jsonout_needs(const bool *jsonf);

#endif
