/* /proc/PID/status: the memory lines memtop shows, over a buffer. */
#ifndef MEMTOP_PROCSTATUS_H
#define MEMTOP_PROCSTATUS_H

#include <stddef.h>
#include <stdint.h>

enum status_field {
	STATUS_VMPEAK, STATUS_VMSIZE, STATUS_VMLCK, STATUS_VMPIN, STATUS_VMHWM, STATUS_VMRSS,
	STATUS_RSSANON, STATUS_RSSFILE, STATUS_RSSSHMEM, STATUS_VMDATA, STATUS_VMSTK,
	STATUS_VMEXE, STATUS_VMLIB, STATUS_VMPTE, STATUS_VMSWAP, STATUS_HUGETLBPAGES,
	STATUS_COUNT
};

struct proc_status {
	uint64_t v[STATUS_COUNT];	/* bytes */
	uint32_t known;			/* bit per field present */
};

const char *procstatus_key(enum status_field f);	/* "VmPeak", ... */

/* The field with that key (len bytes), or -1: every memory line of status is known. */
int procstatus_lookup(const char *key, size_t len);

/* Fills st from status text; fields absent from the text stay unknown. Returns the number
 * of memory fields found (0 for a kernel thread, which has none). */
int procstatus_parse(const char *buf, size_t len, struct proc_status *st);

/* The Tgid line of status text: the process a task belongs to (the task's own pid for a
 * process, another for a thread). Returns it, or -EINVAL when the text has none. */
int procstatus_tgid(const char *buf, size_t len);

#endif
