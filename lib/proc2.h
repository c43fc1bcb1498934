/* The only door to libproc2: nothing else in memtop includes its headers or stores its
 * item numbers (they change between versions). */
#ifndef MEMTOP_PROC2_H
#define MEMTOP_PROC2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct proc2;

/* Returns NULL and sets errno when libproc2 cannot start. */
struct proc2 *proc2_create(void);
void proc2_free(struct proc2 *p);

/* Fills the meminfo and vmstat parts of sys (fields libproc2 knows). Returns 0 or -errno. */
int proc2_system(struct proc2 *p, struct system *sys);

#endif
