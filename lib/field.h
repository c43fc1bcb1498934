/* The field registry: one table describes every per-process figure. Columns, sort keys,
 * JSON keys, `-o help`, the man page and the completions all come from it. */
#ifndef MEMTOP_FIELD_H
#define MEMTOP_FIELD_H

#include <stdbool.h>
#include <stddef.h>

enum field_id {
	FLD_PID, FLD_PPID, FLD_USER, FLD_UID, FLD_STATE, FLD_THREADS, FLD_COMM, FLD_CMD,
	FLD_VIRT, FLD_RSS, FLD_PSS, FLD_USS, FLD_ANON, FLD_FILE, FLD_SHMEM, FLD_SWAP,
	FLD_SWAP_PSS, FLD_LOCKED, FLD_PTE, FLD_HWM, FLD_PEAK, FLD_DIRTY, FLD_DATA, FLD_STACK,
	FLD_EXE, FLD_LIB, FLD_PSS_ANON, FLD_PSS_FILE, FLD_PSS_SHMEM,
	FLD_MINFLT, FLD_MAJFLT, FLD_MINFLT_RATE, FLD_MAJFLT_RATE,
	FLD_OOM, FLD_OOM_ADJ,
	FLD_SEG_TEXT, FLD_SEG_DATA, FLD_SEG_BSS, FLD_SEG_HEAP, FLD_SEG_STACK, FLD_SEG_LIBS,
	FLD_SEG_ANON_MMAP, FLD_SEG_FILE_MMAP, FLD_SEG_SHMEM, FLD_SEG_KERNEL,
	FLD_AGE,
	FLD_COUNT
};

enum field_type {
	FT_INT,		/* signed integer (pid, oom_score_adj) */
	FT_COUNT,	/* unsigned count (faults, threads) */
	FT_BYTES,	/* size in bytes */
	FT_RATE,	/* per second */
	FT_SECONDS,	/* age */
	FT_STR,		/* text: user, comm, cmd, state */
};

struct field {
	const char *name;	/* command line, config and sort name */
	const char *json_group;	/* "mem", "faults", "oom", "segments" or NULL for top level */
	const char *json_key;
	const char *header;	/* column title */
	int width;		/* column width; 0 = takes the rest of the line */
	enum field_type type;
	unsigned src;		/* enum source bits it needs */
	const char *desc;	/* one line for -o help, the help screen, the man page */
};

extern const struct field fields[FLD_COUNT];

/* Looks a field up by its name; returns -1 when none has it. */
int field_lookup(const char *name);

/* Parses "pid,rss,pss" into ids (a name may come again). Returns the count, or with *bad
 * pointing at the offending name (a pointer into list, length *badlen) -EINVAL when it is
 * unknown, -E2BIG when it is one more than max. */
int field_parse_list(const char *list, enum field_id *out, int max, const char **bad, size_t *badlen);

/* Sources needed to know the given fields. */
unsigned field_sources(const enum field_id *ids, int n);

/* Whether a field is a number (sortable highest first) or text (sorted A-Z). */
bool field_is_numeric(enum field_id id);

/* The default process table: chosen for the memory question. */
extern const enum field_id field_default_columns[];
extern const int field_default_ncolumns;
#define FIELD_DEFAULT_SORT FLD_PSS

#endif
