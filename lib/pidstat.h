/* /proc/PID/stat: the one line every process is read for on every refresh, over a buffer. */
#ifndef MEMTOP_PIDSTAT_H
#define MEMTOP_PIDSTAT_H

#include <stddef.h>
#include <stdint.h>

struct pidstat {
	int pid, ppid;
	char state;			/* R S D Z T t X I ... */
	const char *comm;		/* raw bytes, borrowed from the buffer; not NUL-terminated */
	size_t comm_len;
	unsigned long flags;		/* PF_* */
	uint64_t minflt, majflt;
	long nlwp;
	uint64_t start_ticks;		/* clock ticks after boot: with pid, the identity */
	uint64_t vsize;			/* bytes */
	uint64_t rss_pages;		/* the kernel's per-cpu counters: approximate on 6.x */
};

/* Parses the text of /proc/PID/stat. comm may hold any byte, ')' and newlines included,
 * so the fields are found after the last ')'. Returns 0, or -EINVAL when the text is not a
 * stat line (cut short, a field that is not a number). */
int pidstat_parse(const char *buf, size_t len, struct pidstat *st);

#endif
