/* The only door to libproc2: nothing else in memtop includes its headers or stores its
 * item numbers (they change between versions). */
#ifndef MEMTOP_PROC2_H
#define MEMTOP_PROC2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "pidstat.h"

struct proc2;

/* Returns NULL and sets errno when libproc2 cannot start. */
struct proc2 *proc2_create(void);
void proc2_free(struct proc2 *p);

struct proc2_task {
	struct pidstat st;		/* comm is libproc2's text, borrowed until fn returns */
	uint32_t euid;
	bool comm_escaped;		/* libproc2 replaced bytes with '?' or '.': maybe not raw */
};

/* Reads the stat figures of the processes listed through libproc2: how a process is read
 * the first time memtop sees it (later refreshes pread a kept stat descriptor instead).
 * fn gets each process that could be read. Returns their number, or -errno. */
int proc2_select(struct proc2 *p, const int *pids, size_t n,
		 void (*fn)(const struct proc2_task *t, void *ctx), void *ctx);

/* Fills the meminfo and vmstat parts of sys (fields libproc2 knows). Returns 0 or -errno. */
int proc2_system(struct proc2 *p, struct system *sys);

#endif
