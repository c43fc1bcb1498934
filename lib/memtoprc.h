/* memtoprc: the interactive view's saved settings. The parser works over a buffer (so the
 * unit test and the fuzzer feed it anything) and checks every value; loading and saving are
 * separate and never touch the current directory. */
#ifndef MEMTOP_MEMTOPRC_H
#define MEMTOP_MEMTOPRC_H

#include <stdbool.h>
#include <stddef.h>

#include "field.h"
#include "group.h"
#include "units.h"

#define MEMTOPRC_FILE_MAX (64 * 1024)	/* a larger memtoprc is not read at all */
#define MEMTOPRC_PATTERN_MAX 1024		/* bytes of a saved filter pattern */
/* Longer lines are skipped with a warning. Room for the longest line memtop writes: a
 * pattern of control characters, each written as \xHH. */
#define MEMTOPRC_LINE_MAX (4 * MEMTOPRC_PATTERN_MAX + 64)
#define MEMTOPRC_DELAY_MIN 0.01		/* seconds, the same bounds as --delay */
#define MEMTOPRC_DELAY_MAX 86400.0

enum memtoprc_has {
	MEMTOPRC_HAS_FIELDS = 1u << 0,
	MEMTOPRC_HAS_SORT = 1u << 1,
	MEMTOPRC_HAS_ORDER = 1u << 2,
	MEMTOPRC_HAS_DELAY = 1u << 3,
	MEMTOPRC_HAS_UNITS = 1u << 4,
	MEMTOPRC_HAS_FILTER = 1u << 5,
	MEMTOPRC_HAS_KTHREADS = 1u << 6,
	MEMTOPRC_HAS_TREE = 1u << 7,
	MEMTOPRC_HAS_GROUP = 1u << 8,
	MEMTOPRC_HAS_MOUSE = 1u << 9,
};

/* The interactive view's settings that memtoprc keeps (the filter apart: a pattern here,
 * compiled in the view). */
struct view_settings {
	enum field_id cols[FLD_COUNT];
	int ncols;
	enum field_id sort;
	bool ascending;
	double delay;
	enum unit unit;
	bool hide_kthreads;		/* kernel threads left out of the list (K) */
	bool tree;			/* the list as a tree (t) */
	bool grouped;			/* one row per group (g), by group_by */
	enum group_by group_by;
	bool no_mouse;			/* no mouse reports: the terminal selects text */
};

struct memtoprc {
	unsigned has;			/* MEMTOPRC_HAS_* of the settings present and valid */
	struct view_settings view;
	char filter[MEMTOPRC_PATTERN_MAX + 1];	/* "" = no filter */
};

/* Told about each line that was skipped; msg is borrowed for the call. */
typedef void (*memtoprc_warn_fn)(void *ctx, unsigned line, const char *msg);

/* Parses memtoprc text ("key = value" lines, '#' comments, the last line may lack its
 * newline). A bad line is skipped with a warning; the others still count. Returns the
 * number of warnings. c is cleared first. */
int memtoprc_parse(struct memtoprc *c, const char *buf, size_t len, memtoprc_warn_fn warn, void *ctx);

/* Writes c's settings (those in c->has) as memtoprc text, NUL-terminated. Returns the
 * length, or -ENOSPC when n is too small. */
int memtoprc_format(const struct memtoprc *c, char *buf, size_t n);

/* Parses a delay in seconds as --delay does: 0, or -EINVAL outside the bounds. */
int memtoprc_parse_delay(const char *s, double *out);

/* The directory memtoprc lives in: $XDG_CONFIG_HOME/memtop or $HOME/.config/memtop, each
 * only when absolute, else the password entry's home. Returns 0 or -errno. */
int memtoprc_dir(char *buf, size_t n);

/* Reads and parses the user's memtoprc. Returns 0; -ENOENT when there is none; -EPERM when
 * it is not the user's own regular file or memtop runs privileged (setuid, file caps);
 * -EACCES when group or others may write it; -EFBIG when larger than MEMTOPRC_FILE_MAX; or
 * another -errno. c is cleared first. */
int memtoprc_load(struct memtoprc *c, memtoprc_warn_fn warn, void *ctx);

/* Replaces the user's memtoprc atomically (temporary file, fsync, rename), creating the
 * directories missing below $XDG_CONFIG_HOME's parent or $HOME (mode 0700), each opened from
 * its parent without following symbolic links. Refuses, with path naming the directory at
 * fault: a symbolic link (-ELOOP), a directory of another user or one others may write in,
 * or $HOME (the parent of $XDG_CONFIG_HOME) when it is neither the effective user's nor
 * root's (-EPERM: root with another user's environment, sudo -E). Refuses a memtoprc that is
 * a symbolic link (-ELOOP), settings that would not read back the same (-EBADMSG: a filter
 * that does not compile), and any save when memtop runs setuid or with file capabilities
 * (-ENOTSUP). Otherwise path is the file written. */
int memtoprc_save(const struct memtoprc *c, char *path, size_t n);

#endif
