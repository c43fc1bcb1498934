/* Moments in a recording, as people write them: on the command line (--at, --from, --to)
 * and at the view's "go to" prompt. Times are seconds since the epoch (UTC), as doubles. */
#ifndef MEMTOP_WHEN_H
#define MEMTOP_WHEN_H

#include <stddef.h>

/* Parses s into *t. Accepted:
 *   "YYYY-MM-DD HH:MM:SS" (also "YYYY-MM-DD HH:MM", "YYYY-MM-DD"): local time;
 *   RFC 3339: "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" ('T' or a space);
 *   "HH:MM[:SS]": local time of day, the latest such moment at or before `now`;
 *   "-10m", "+1h30m", "-90s", "-2d": relative to `now` (units s m h d; a bare number is
 *   seconds), and "now".
 * Returns 0, or -EINVAL. */
int when_parse(const char *s, double now, double *t);

/* "YYYY-MM-DD HH:MM:SS" in local time. Returns buf. */
char *when_format(char *buf, size_t n, double t);

/* The wall clock, as a when. */
double when_now(void);

#endif
