/* Segment classification (design.md "Segment classification"). One pass over the mappings
 * in address order: bss and a library's bss are only recognisable by sitting right after
 * the writable mapping of their file, so the classifier remembers the previous mapping. */
#include "segment.h"

#include <string.h>

enum segment_owner { OWNER_NONE, OWNER_EXE, OWNER_LIB };

static const char *const segment_names[SEG_COUNT] = {
	[SEG_TEXT] = "text", [SEG_DATA] = "data", [SEG_BSS] = "bss", [SEG_HEAP] = "heap",
	[SEG_STACK] = "stack", [SEG_LIBS] = "libs", [SEG_ANON_MMAP] = "anon_mmap",
	[SEG_FILE_MMAP] = "file_mmap", [SEG_SHMEM] = "shmem", [SEG_KERNEL] = "kernel",
};

static const char *const segment_figure_names[SEGF_COUNT] = {
	[SEGF_VIRT] = "virt", [SEGF_RSS] = "rss", [SEGF_PSS] = "pss", [SEGF_USS] = "uss",
	[SEGF_SWAP] = "swap", [SEGF_DIRTY] = "dirty",
};

const char *segment_name(enum segment s)
{
	return (unsigned)s < SEG_COUNT ? segment_names[s] : NULL;
}

int segment_lookup(const char *name, size_t len)
{
	for (int i = 0; i < SEG_COUNT; i++) {
		if (strlen(segment_names[i]) == len && memcmp(segment_names[i], name, len) == 0)
			return i;
	}
	return -1;
}

const char *segment_figure_name(enum segment_figure f)
{
	return (unsigned)f < SEGF_COUNT ? segment_figure_names[f] : NULL;
}

void segment_classifier_init(struct segment_classifier *c, const char *exe_path,
			     const struct segment_dev *tmpfs, size_t n)
{
	static const char deleted[] = " (deleted)";
	const size_t dlen = sizeof(deleted) - 1;

	memset(c, 0, sizeof(*c));
	c->prev_owner = OWNER_NONE;
	c->tmpfs = tmpfs;
	c->ntmpfs = tmpfs ? n : 0;
	c->exe_path = exe_path;
	if (!exe_path)
		return;
	/* maps strips " (deleted)" from its paths; /proc/PID/exe keeps it */
	c->exe_path_len = strlen(exe_path);
	if (c->exe_path_len >= dlen &&
	    strcmp(exe_path + c->exe_path_len - dlen, deleted) == 0)
		c->exe_path_len -= dlen;
}

static bool segment_path_is(const struct smaps_vma *v, const char *s)
{
	return strcmp(v->path, s) == 0;
}

static bool segment_path_starts(const struct smaps_vma *v, const char *prefix)
{
	return strncmp(v->path, prefix, strlen(prefix)) == 0;
}

static bool segment_writable(const struct smaps_vma *v)
{
	return v->perms[1] == 'w';
}

static bool segment_shared(const struct smaps_vma *v)
{
	return v->perms[3] == 's';
}

/* Names the kernel puts in brackets. */
static enum segment segment_special(const struct smaps_vma *v)
{
	if (segment_path_is(v, "[heap]"))
		return SEG_HEAP;
	if (segment_path_is(v, "[stack]"))
		return SEG_STACK;
	if (segment_path_starts(v, "[anon_shmem:"))
		return SEG_SHMEM;
	/* [stack:TID] marked thread stacks before Linux 4.5: plain anonymous memory */
	if (segment_path_starts(v, "[anon:") || segment_path_starts(v, "[stack:"))
		return SEG_ANON_MMAP;
	return SEG_KERNEL;
}

static enum segment segment_anonymous(struct segment_classifier *c, const struct smaps_vma *v)
{
	bool adjacent = v->start == c->prev_end;

	if (segment_shared(v))
		return SEG_SHMEM;
	if (adjacent && c->prev_owner == OWNER_EXE && !c->bss_found) {
		c->bss_found = true;
		return SEG_BSS;
	}
	if (adjacent && c->prev_owner == OWNER_LIB)
		return SEG_LIBS;
	return SEG_ANON_MMAP;
}

static bool segment_same_file(const struct segment_classifier *c, const struct smaps_vma *v)
{
	return v->dev_major == c->exe_dev_major && v->dev_minor == c->exe_dev_minor &&
	       v->inode == c->exe_inode;
}

/* The executable is found once, by its path or as the first file mapping; then its other
 * mappings are recognised by device and inode, which no path ambiguity can fake. */
static bool segment_is_exe(struct segment_classifier *c, const struct smaps_vma *v)
{
	if (!c->exe_found && !c->exe_search_over) {
		if (!c->exe_path || (v->path_len == c->exe_path_len &&
				     memcmp(v->path, c->exe_path, c->exe_path_len) == 0)) {
			c->exe_found = true;
			c->exe_dev_major = v->dev_major;
			c->exe_dev_minor = v->dev_minor;
			c->exe_inode = v->inode;
		}
	}
	return c->exe_found && segment_same_file(c, v);
}

/* tmpfs-backed files: POSIX shm, SysV shm, memfd, shared anonymous memory. */
static bool segment_is_shmem_file(const struct smaps_vma *v)
{
	return segment_path_starts(v, "/dev/shm/") || segment_path_starts(v, "/SYSV") ||
	       segment_path_starts(v, "/memfd:") ||
	       (segment_path_is(v, "/dev/zero") && segment_shared(v));
}

/* "libc.so.6", "libfoo.so": ".so" ends the base name or is followed by a dot. */
static bool segment_is_lib(const struct smaps_vma *v)
{
	const char *base = strrchr(v->path, '/'), *so;

	base = base ? base + 1 : v->path;
	for (so = strstr(base, ".so"); so; so = strstr(so + 1, ".so"))
		if (so[3] == '\0' || so[3] == '.')
			return true;
	return false;
}

static bool segment_on_tmpfs(const struct segment_classifier *c, const struct smaps_vma *v)
{
	for (size_t i = 0; i < c->ntmpfs; i++) {
		if (c->tmpfs[i].major == v->dev_major && c->tmpfs[i].minor == v->dev_minor)
			return true;
	}
	return false;
}

static enum segment segment_file(struct segment_classifier *c, const struct smaps_vma *v)
{
	if (segment_is_exe(c, v))
		return segment_writable(v) ? SEG_DATA : SEG_TEXT;
	if (segment_is_shmem_file(v))
		return SEG_SHMEM;
	/* a private mapping of /dev/zero is plain anonymous memory */
	if (segment_path_is(v, "/dev/zero"))
		return SEG_ANON_MMAP;
	if (segment_is_lib(v))
		return SEG_LIBS;
	/* a file on any tmpfs is held in shmem pages (RssShmem), mapped shared or private */
	if (segment_on_tmpfs(c, v))
		return SEG_SHMEM;
	return SEG_FILE_MMAP;
}

static enum segment segment_kind(struct segment_classifier *c, const struct smaps_vma *v)
{
	if (v->path_len == 0)
		return segment_anonymous(c, v);
	if (v->path[0] == '[') {
		/* without exe_path, the executable is what was mapped before the heap */
		if (!c->exe_path && segment_path_is(v, "[heap]"))
			c->exe_search_over = true;
		return segment_special(v);
	}
	return segment_file(c, v);
}

enum segment segment_classify(struct segment_classifier *c, const struct smaps_vma *v)
{
	enum segment s = segment_kind(c, v);

	c->prev_owner = OWNER_NONE;
	if (segment_writable(v) && (s == SEG_DATA || (s == SEG_LIBS && v->path_len > 0)))
		c->prev_owner = s == SEG_DATA ? OWNER_EXE : OWNER_LIB;
	c->prev_end = v->end;
	return s;
}

static uint64_t segment_add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

uint64_t segment_figure_of(const struct smaps_vma *v, enum segment_figure f)
{
	switch (f) {
	case SEGF_VIRT:
		if (v->known & (UINT64_C(1) << SMAPS_SIZE))
			return v->val[SMAPS_SIZE];
		return v->end - v->start;
	case SEGF_RSS:
		return v->val[SMAPS_RSS];
	case SEGF_PSS:
		return v->val[SMAPS_PSS];
	case SEGF_USS:
		return segment_add_sat(v->val[SMAPS_PRIVATE_CLEAN], v->val[SMAPS_PRIVATE_DIRTY]);
	case SEGF_SWAP:
		return v->val[SMAPS_SWAP];
	case SEGF_DIRTY:
		return segment_add_sat(v->val[SMAPS_SHARED_DIRTY], v->val[SMAPS_PRIVATE_DIRTY]);
	case SEGF_COUNT:
		break;
	}
	return 0;
}

void segment_totals_add(struct segment_totals *t, enum segment s, const struct smaps_vma *v)
{
	unsigned f;

	if ((unsigned)s >= SEG_COUNT)
		return;
	for (f = 0; f < SEGF_COUNT; f++)
		t->v[s][f] = segment_add_sat(t->v[s][f], segment_figure_of(v, f));
}
