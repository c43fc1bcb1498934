/* The field registry: one table describes every per-process figure, where it comes from
 * and how it is shown. Columns, sort keys, JSON keys, `-o help`, the man page and the
 * completions come from it; so does collection: each row names its source file and the key
 * within it, and the sampler reads what the rows asked for name. Adding a figure is one
 * row (and its line in the man page). */
#ifndef MEMTOP_FIELD_H
#define MEMTOP_FIELD_H

#include <stdbool.h>
#include <stddef.h>

enum field_id {
	FLD_PID, FLD_PPID, FLD_USER, FLD_UID, FLD_STATE, FLD_THREADS, FLD_COMM, FLD_CMD,
	FLD_VIRT, FLD_RSS, FLD_PSS, FLD_USS, FLD_ANON, FLD_FILE, FLD_SHMEM, FLD_SWAP,
	FLD_SWAP_PSS, FLD_LOCKED, FLD_PTE, FLD_HWM, FLD_PEAK, FLD_DIRTY, FLD_DATA, FLD_STACK,
	FLD_EXE, FLD_LIB, FLD_PSS_ANON, FLD_PSS_FILE, FLD_PSS_SHMEM, FLD_THP, FLD_HUGETLB,
	FLD_KSM,
	FLD_MINFLT, FLD_MAJFLT, FLD_MINFLT_RATE, FLD_MAJFLT_RATE,
	FLD_OOM, FLD_OOM_ADJ,
	FLD_GROWTH, FLD_LEAK, FLD_OOM_ETA,
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
	FT_BYTES_RATE,	/* bytes per second, signed (d): growth */
	FT_FLAG,	/* yes (1) or no (0) in u: leak */
	FT_ETA,		/* seconds until something happens (d): sorted soonest first */
};

struct field {
	const char *name;	/* command line, config and sort name */
	const char *json_group;	/* "mem", "faults", "oom", "segments" or NULL for top level */
	const char *json_key;
	const char *header;	/* column title */
	int width;		/* column width; 0 = takes the rest of the line */
	enum field_type type;
	unsigned src;		/* the source it is read from (enum source in model.h) */
	/* Where in that source, as the kernel names it:
	 *   SRC_STAT     a stat field: "ppid" "num_threads" "minflt" "majflt" "vsize" (rates
	 *                name the counter they are a rate of);
	 *   SRC_STATUS   a status line: "VmRSS" (kB, in bytes);
	 *   SRC_PSS      smaps_rollup lines, summed over smaps when that is read anyway:
	 *                "Pss", or a sum "Private_Clean+Private_Dirty";
	 *   SRC_ROLLUP   smaps_rollup lines that smaps lacks: "Pss_Anon";
	 *   SRC_SMAPS    a segment's resident size: "heap";
	 *   SRC_OOM      a file of /proc/PID: "oom_score";
	 *   SRC_KSM      a ksm_stat line, in pages: "ksm_merging_pages".
	 * NULL for what the sampler makes itself (pid, uid, user, comm, cmd, state, age). */
	const char *key;
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

/* The key's parts: "Private_Clean+Private_Dirty" gives 2 parts, each a pointer into the key
 * and a length; at most max. Returns the number of parts (0 for a field without a key). */
int field_key_parts(enum field_id id, const char **part, size_t *len, int max);

/* The default process table: chosen for the memory question. */
extern const enum field_id field_default_columns[];
extern const int field_default_ncolumns;
#define FIELD_DEFAULT_SORT FLD_PSS

/* A line too narrow for FIELD_OPEN_MIN columns of command line: columns give way to it. */
#define FIELD_OPEN_MIN 15

/* How soon a column gives way on a narrow line: the highest first; 0 never (pid and the
 * open column, the command line). The order is the table field_give_way_order in field.c;
 * a column it does not list gives way before any it lists. */
int field_give_way(enum field_id id);

#endif
