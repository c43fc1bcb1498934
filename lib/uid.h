/* A uid as -u and the view's u prompt take it: the digits of a number, nothing else. */
#ifndef MEMTOP_UID_H
#define MEMTOP_UID_H

#include <stdint.h>

#define UID_MAX_VALID 4294967294u	/* (uid_t)-1 means "no uid" to the kernel */

/* Parses s as decimal digits only: no sign, no blank, no base prefix (strtoul would take
 * " +1" as 1 and "-18446744073709551615" as 1). Returns 0, -EINVAL when s is not such a
 * number, -ERANGE when it is above UID_MAX_VALID. */
int uid_parse(const char *s, uint32_t *out);

#endif
