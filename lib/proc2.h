/* The only door to libproc2: nothing else in memtop includes its headers or stores its
 * item numbers (they change between versions). */
#ifndef MEMTOP_PROC2_H
#define MEMTOP_PROC2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct proc2_task {
	int pid, ppid;
	uint32_t euid;
	const char *euser;		/* may be NULL under churn (libproc2 4.0.2) */
	char state;
	const char *comm;		/* may be NULL */
	int nlwp;
	uint64_t start_ticks;
	uint64_t minflt, majflt;
	uint64_t vsize, rss;		/* bytes */
	unsigned long flags;		/* PF_* from stat */
	int oom_score, oom_adj;
	char *const *argv;		/* NULL-terminated, raw; NULL when not asked for or empty */
};

struct proc2;

/* Returns NULL and sets errno when libproc2 cannot start (no /proc). */
struct proc2 *proc2_create(void);
void proc2_free(struct proc2 *p);

/* Reads every process (not thread), or only the npids given in pids. with_cmdline adds
 * argv. The tasks passed to fn are borrowed until fn returns. Returns the number of tasks,
 * or -errno. */
int proc2_reap(struct proc2 *p, bool with_cmdline, const int *pids, size_t npids,
	       void (*fn)(const struct proc2_task *t, void *ctx), void *ctx);

/* Fills the meminfo and vmstat parts of sys (fields libproc2 knows). Returns 0 or -errno. */
int proc2_system(struct proc2 *p, struct system *sys);

#endif
