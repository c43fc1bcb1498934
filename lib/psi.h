/* /proc/pressure/memory (PSI), over a buffer. */
#ifndef MEMTOP_PSI_H
#define MEMTOP_PSI_H

#include <stddef.h>

#include "model.h"

/* Parses "some avg10=... total=..." and "full ..." lines. Returns 0, or -EINVAL when no
 * "some" line could be read (psi->known stays false). */
int psi_parse(const char *buf, size_t len, struct psi *psi);

#endif
