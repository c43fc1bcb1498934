/* /proc/PID/mountinfo over a buffer: which filesystems are mounted where (tmpfs mounts for
 * the shmem report, cgroup hierarchies for the OOM report). */
#ifndef MEMTOP_MOUNTINFO_H
#define MEMTOP_MOUNTINFO_H

#include <stddef.h>

struct mountinfo_entry {
	unsigned major, minor;		/* st_dev of files on it */
	/* Decoded (the kernel writes space, tab, newline and backslash as \040 \011 \012
	 * \134), NUL-terminated, valid until the callback returns. A name holding a NUL
	 * byte after decoding (\000) is cut there. */
	const char *root;		/* the mount's root inside its filesystem ("/" mostly) */
	const char *mountpoint;
	const char *mount_opts;		/* "rw,relatime" */
	const char *fstype;		/* "tmpfs", "cgroup2", "cgroup" */
	const char *source;
	const char *super_opts;		/* "rw,size=24683656k", "rw,memory" */
};

/* Returns non-zero to stop; mountinfo_parse then returns that value. */
typedef int (*mountinfo_cb)(const struct mountinfo_entry *e, void *ctx);

/* Calls cb for every well-formed line, in order (a later mount on the same point hides the
 * earlier ones). The last line may lack its newline. Returns 0, -EINVAL when some line was
 * malformed (skipped; the others are still delivered), or cb's non-zero value. */
int mountinfo_parse(const char *buf, size_t len, mountinfo_cb cb, void *ctx);

/* Whether opts (comma separated) holds the option name exactly ("memory" in "rw,memory"). */
int mountinfo_has_opt(const char *opts, const char *name);

#endif
