/* A process's mapping table, as -m prints it and the detail screen shows it: one set of
 * columns, one way to write each cell, one sort. */
#ifndef MEMTOP_MAPTABLE_H
#define MEMTOP_MAPTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "field.h"
#include "model.h"
#include "units.h"

enum maptable_col {
	MT_ADDR, MT_START, MT_PERMS, MT_OFFSET, MT_DEV, MT_INODE, MT_SIZE, MT_RSS, MT_PSS, MT_SH_CLN,
	MT_SH_DRT, MT_PR_CLN, MT_PR_DRT, MT_PRIV, MT_SWAP, MT_SWAP_PSS, MT_LOCKED, MT_SEG,
	MT_PATH, MT_COUNT
};

struct maptable_colinfo {
	const char *header;
	int width;		/* 0: the rest of the line (the path) */
	bool numeric;		/* a size, right-aligned, sorted highest first */
};

extern const struct maptable_colinfo maptable_cols[MT_COUNT];

/* The columns of -m and of the detail screen. */
extern const enum maptable_col maptable_full[], maptable_short[];
extern const int maptable_nfull, maptable_nshort;

/* Hex digits the addresses of these mappings need: 12, or 16 when one lies above 2^48
 * ([vsyscall] alone does not count: it sits up there on every x86-64 process). */
int maptable_addr_width(const struct mapping *maps, size_t n);

/* Appends the cell's text at out (no NUL; at most 24 bytes, or for the path what
 * sanitize_term writes into path_room bytes plus " (deleted)") and returns its end. Sizes
 * in unit u, "-" when the kernel did not give them; the path sanitized, "[anon]" for
 * anonymous memory. */
char *maptable_cell(char *out, const struct mapping *m, enum maptable_col c, enum unit u, int addr_width,
		    size_t path_room);

/* The mapping's size for a numeric column; false when not known. */
bool maptable_value(const struct mapping *m, enum maptable_col c, uint64_t *v);

/* Orders the mappings (order holds indices into maps): numbers highest first, unknown
 * last, text A-Z, anonymous paths last; ties by address. */
void maptable_sort(size_t *order, const struct mapping *maps, size_t n, enum maptable_col c);

/* The column for a registry field (-s with -m), or -1: virt = size, rss, pss, uss = private,
 * swap, swap_pss, locked. */
int maptable_col_of(enum field_id id);

#endif
