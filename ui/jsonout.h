/* The JSON face (schema memtop/1, doc/json-schema.md): one document per snapshot, written on
 * one line so that several samples make JSON Lines. */
#ifndef MEMTOP_JSONOUT_H
#define MEMTOP_JSONOUT_H

#include <stdbool.h>

#include "field.h"
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

/* One document: the snapshot's system figures and the processes given (rows, n of them),
 * in that order. */
void jsonout_snapshot(struct jsonw *w, const struct snapshot *snap, const struct proc *const *rows,
		      size_t n, const struct jsonout_opts *o, const struct jsonout_extra *x);

/* Which fields -bJ writes: every figure but the costly segments, or the -o fields; the pid
 * always. */
void jsonout_fields(const struct run_config *rc, bool *jsonf);

/* The sources those fields are read from. */
unsigned jsonout_needs(const bool *jsonf);

#endif
