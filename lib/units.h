/* Byte sizes and rates written to read well in a narrow column. */
#ifndef MEMTOP_UNITS_H
#define MEMTOP_UNITS_H

#include <stddef.h>
#include <stdint.h>

enum unit {
	UNIT_AUTO,	/* the largest binary unit that keeps 3-4 significant digits */
	UNIT_KIB,
	UNIT_MIB,
	UNIT_GIB,
	UNIT_COUNT
};

const char *unit_name(enum unit u);		/* "auto" "KiB" "MiB" "GiB" */
int unit_parse(const char *s, enum unit *u);	/* 0, or -EINVAL */

/* A size as people write it: "1048576", "512K", "256M", "1G", "2T" (binary: K is KiB;
 * "256MiB" and "100B" too). Returns 0, -EINVAL, or -ERANGE beyond 2^64 - 1 bytes. */
int units_parse_size(const char *s, uint64_t *bytes);

/* Compact form for tables: "0", "912K", "1.21M", "24.0G" ("K" = KiB); with a fixed unit,
 * the number in that unit ("1239" for 1.21 MiB in KiB). Automatic units fit in 8 bytes +
 * NUL; a fixed unit takes as many digits as the number has (up to 20 in KiB): a table
 * sizes its columns from the cells (ui/cells.c), never cuts one. */
char *units_compact(char *buf, size_t n, uint64_t bytes, enum unit u);

/* Writes v in decimal at o (no NUL, at most 20 bytes); returns the number of digits. */
size_t units_dec(char *o, uint64_t v);

/* Long form for prose and headers: "1.21 GiB", "512 KiB", "0 B". */
char *units_long(char *buf, size_t n, uint64_t bytes);

/* Counts and rates: "999", "12.3k", "4.56M". */
char *units_count(char *buf, size_t n, double v);

#endif
