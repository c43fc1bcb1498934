/* Streaming parser for /proc/PID/smaps, /proc/PID/maps and /proc/PID/smaps_rollup text.
 * It works on buffers handed to it in any chunking and never opens files, so tests and the
 * fuzzer feed it anything; memory stays bounded whatever the size of the file. */
#ifndef MEMTOP_SMAPS_H
#define MEMTOP_SMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum smaps_field {	/* every smaps per-VMA field memtop knows, in kernel order */
	SMAPS_SIZE, SMAPS_KERNEL_PAGE_SIZE, SMAPS_MMU_PAGE_SIZE, SMAPS_RSS, SMAPS_PSS, SMAPS_PSS_DIRTY,
	SMAPS_PSS_ANON, SMAPS_PSS_FILE, SMAPS_PSS_SHMEM,	/* these three appear only in smaps_rollup */
	SMAPS_SHARED_CLEAN, SMAPS_SHARED_DIRTY, SMAPS_PRIVATE_CLEAN, SMAPS_PRIVATE_DIRTY,
	SMAPS_REFERENCED, SMAPS_ANONYMOUS, SMAPS_KSM, SMAPS_LAZY_FREE, SMAPS_ANON_HUGE_PAGES,
	SMAPS_SHMEM_PMD_MAPPED, SMAPS_FILE_PMD_MAPPED, SMAPS_SHARED_HUGETLB, SMAPS_PRIVATE_HUGETLB,
	SMAPS_SWAP, SMAPS_SWAP_PSS, SMAPS_LOCKED,
	SMAPS_NFIELDS
};

/* Kernel name ("Shared_Clean") and JSON/registry name ("shared_clean") of each field;
 * NULL for a value outside the enum. */
const char *smaps_field_kernel_name(enum smaps_field f);
const char *smaps_field_json_name(enum smaps_field f);

/* The field with that kernel name (len bytes), or -1. */
int smaps_field_lookup(const char *name, size_t len);

/* A header line longer than this is cut here (the rest of the line is still consumed):
 * the path is then truncated and path_truncated is set. The kernel's longest path
 * (PATH_MAX with every byte escaped) stays well below it. */
#define SMAPS_LINE_MAX (64 * 1024)

struct smaps_vma {
	uint64_t start, end, offset, inode;
	unsigned dev_major, dev_minor;
	char perms[5];			/* "r-xp" */
	const char *path;		/* borrowed until the callback returns; "" for anonymous;
					   "\012" decoded to '\n'; " (deleted)" stripped and flagged;
					   never contains NUL, so strlen(path) == path_len */
	size_t path_len;
	bool deleted;			/* ended in " (deleted)": a file literally named so
					   looks the same, so this means "maybe deleted" */
	bool path_truncated;		/* the line exceeded SMAPS_LINE_MAX */
	uint64_t val[SMAPS_NFIELDS];	/* bytes (kB * 1024); 0 when not known */
	uint64_t known;			/* bit (1 << field) set when the field was present and valid */
	uint64_t invalid;		/* bit set when present but unreadable (no digits, negative,
					   no "kB"): val is 0, or UINT64_MAX when it overflowed */
	char vmflags[128];		/* "rd wr mr mw me ac sd" or "" */
};

/* Returns non-zero to stop the parse; feed and finish then return that value. */
typedef int (*smaps_vma_cb)(const struct smaps_vma *vma, void *ctx);

struct smaps_parser;

/* NULL when out of memory. */
struct smaps_parser *smaps_parser_create(smaps_vma_cb cb, void *ctx);
void smaps_parser_free(struct smaps_parser *p);

/* Forgets the current file so the parser can take the next one; keeps its buffers. */
void smaps_parser_reset(struct smaps_parser *p);

/* Takes the next piece of the text, cut anywhere. The whole piece is consumed unless the
 * callback stops. Returns 0; -EINVAL when a line in it was neither a field nor a valid
 * header (lines up to the next valid header are then skipped, and parsing goes on); or
 * the callback's non-zero value, which sticks until reset. A VMA is delivered when the
 * next header or finish shows it is complete. */
int smaps_parser_feed(struct smaps_parser *p, const char *buf, size_t len);

/* Ends the text: parses a last line without '\n' and delivers the last VMA. Returns as
 * feed does. */
int smaps_parser_finish(struct smaps_parser *p);

/* Malformed lines seen since the last reset. */
unsigned long smaps_parser_errors(const struct smaps_parser *p);

/* Bytes the parser holds on the heap: bounded by about 2 * SMAPS_LINE_MAX. */
size_t smaps_parser_footprint(const struct smaps_parser *p);

/* The same parser accepts plain maps text (header lines only): fields are then not known.
 * smaps_rollup is one pseudo-VMA "...-... ---p 00000000 00:00 0 [rollup]" followed by the
 * totals, Pss_Anon/Pss_File/Pss_Shmem included: it goes through the same parser. */

#endif
