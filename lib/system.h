/* System-wide memory figures: meminfo and vmstat (through the libproc2 adapter), the vm
 * knobs and PSI (read here). */
#ifndef MEMTOP_SYSTEM_H
#define MEMTOP_SYSTEM_H

#include "model.h"
#include "proc2.h"
#include "procfs.h"

/* Fills sys except its rates. Figures that cannot be read stay unknown. Without p2 (a tree
 * that is not the machine's /proc), meminfo and vmstat are read by memtop's own parsers. */
void system_read(struct proc2 *p2, int procfd, struct buf *scratch, struct system *sys);

#endif
