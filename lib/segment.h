/* Segments: which part of a process's address space each mapping belongs to (text, heap,
 * libraries, shared memory...), and per-segment totals of the smaps figures. */
#ifndef MEMTOP_SEGMENT_H
#define MEMTOP_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smaps.h"

enum segment {
	SEG_TEXT, SEG_DATA, SEG_BSS, SEG_HEAP, SEG_STACK, SEG_LIBS, SEG_ANON_MMAP,
	SEG_FILE_MMAP, SEG_SHMEM, SEG_KERNEL, SEG_COUNT
};

/* "text" "data" "bss" "heap" "stack" "libs" "anon_mmap" "file_mmap" "shmem" "kernel";
 * NULL outside the enum. */
const char *segment_name(enum segment s);

/* The segment with that name (len bytes), or -1. */
int segment_lookup(const char *name, size_t len);

enum segment_figure { SEGF_VIRT, SEGF_RSS, SEGF_PSS, SEGF_USS, SEGF_SWAP, SEGF_DIRTY, SEGF_COUNT };

/* "virt" "rss" "pss" "uss" "swap" "dirty"; NULL outside the enum. */
const char *segment_figure_name(enum segment_figure f);

struct segment_totals {
	uint64_t v[SEG_COUNT][SEGF_COUNT];	/* bytes; sums saturate at UINT64_MAX */
};

/* A filesystem, by the device numbers of its files. */
struct segment_dev {
	unsigned major, minor;
};

/* What the classifier remembers while it walks one process's mappings in address order.
 * Callers keep it on the stack; its fields are private to segment.c. */
struct segment_classifier {
	const char *exe_path;		/* borrowed; NULL: first file mapping before [heap] */
	size_t exe_path_len;
	bool exe_found;			/* the executable is known by device and inode... */
	bool exe_search_over;		/* ...or can no longer be found */
	unsigned exe_dev_major, exe_dev_minor;
	uint64_t exe_inode;
	bool bss_found;			/* the executable has one bss at most */
	int prev_owner;			/* whose writable file mapping came just before */
	uint64_t prev_end;
	const struct segment_dev *tmpfs;	/* borrowed: the tmpfs mounts' devices */
	size_t ntmpfs;
};

/* exe_path is /proc/PID/exe's target, with or without " (deleted)"; it must outlive the
 * classifier. NULL takes the first file mapping (before [heap]) as the executable. tmpfs
 * (n of them, may be NULL) are the devices of the tmpfs mounts: a file there is shmem
 * (unless it is the executable or a library), whatever its path. */
void segment_classifier_init(struct segment_classifier *c, const char *exe_path,
			     const struct segment_dev *tmpfs, size_t n);

/* Mappings must come in address order, as the kernel lists them. */
enum segment segment_classify(struct segment_classifier *c, const struct smaps_vma *v);

/* A mapping's figure in bytes: virt = Size (end - start when Size is not known),
 * rss, pss, uss = Private_Clean + Private_Dirty, swap, dirty = Shared_Dirty + Private_Dirty. */
uint64_t segment_figure_of(const struct smaps_vma *v, enum segment_figure f);

void segment_totals_add(struct segment_totals *t, enum segment s, const struct smaps_vma *v);

#endif
