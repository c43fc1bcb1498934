/* The JSON face (schema memtop/1, doc/json-schema.md): one document per snapshot, written on
 * one line so that several samples make JSON Lines. */
#ifndef MEMTOP_JSONOUT_H
#define MEMTOP_JSONOUT_H

#include <stdbool.h>

#include "field.h"
#include "jsonw.h"
#include "model.h"

struct jsonout_opts {
	const bool *fields;	/* which registry fields to write (indexed by field id) */
	bool maps;		/* write the per-mapping table of processes that have one */
};

void jsonout_snapshot(struct jsonw *w, const struct snapshot *snap, const struct jsonout_opts *o);

#endif
