/* -m: segments and the mapping table of named processes. */
#ifndef MEMTOP_MAPSVIEW_H
#define MEMTOP_MAPSVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "field.h"
#include "model.h"

/* A mapping's figure for a registry field (virt = Size, rss, pss, uss, swap, swap_pss,
 * locked, anon = Anonymous, dirty); *known false when the field has no per-mapping meaning
 * or the kernel did not report it. */
uint64_t mapsview_figure(const struct mapping *m, enum field_id id, bool *known);

/* Whether mappings can be sorted on the field. */
bool mapsview_sortable(enum field_id id);

/* Sorts highest first; ties by address. */
void mapsview_sort(struct mapping *maps, size_t n, enum field_id id);

#endif
