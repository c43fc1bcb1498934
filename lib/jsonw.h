/* A streaming JSON writer to a FILE *: no tree, no per-value allocation, output always valid
 * UTF-8 whatever bytes the strings hold. Write errors are left on the FILE for the caller's
 * ferror() check (and its EPIPE handling). */
#ifndef MEMTOP_JSONW_H
#define MEMTOP_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Nesting deeper than this is a programming error (assert; abort() even under NDEBUG). */
#define JSONW_DEPTH_MAX 32

struct jsonw;

struct jsonw *jsonw_create(FILE *out, bool pretty);	/* pretty: 2-space indent; else one line.
							 * NULL when out of memory. */
void jsonw_free(struct jsonw *w);			/* does not close out; NULL is fine */
void jsonw_obj_begin(struct jsonw *w);
void jsonw_obj_end(struct jsonw *w);
void jsonw_arr_begin(struct jsonw *w);
void jsonw_arr_end(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *key);		/* the next value belongs to it */
void jsonw_str(struct jsonw *w, const char *s);			/* NULL writes null */
void jsonw_strn(struct jsonw *w, const char *s, size_t n);	/* s may hold NUL and invalid UTF-8;
								 * NULL writes null */
void jsonw_u64(struct jsonw *w, uint64_t v);
void jsonw_i64(struct jsonw *w, int64_t v);
/* NaN/Inf -> null; fixed notation, trailing zeros trimmed, "-0" never; decimals is clamped to
 * 0..17; the decimal point is '.' whatever LC_NUMERIC says. */
void jsonw_double(struct jsonw *w, double v, int decimals);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* Ends a top-level value: writes "\n" and fflush()es, so JSON Lines stream one value per line. */
void jsonw_end_line(struct jsonw *w);
/* Convenience: key + value in one call. */
void jsonw_kv_str(struct jsonw *w, const char *k, const char *s);
void jsonw_kv_u64(struct jsonw *w, const char *k, uint64_t v);
void jsonw_kv_i64(struct jsonw *w, const char *k, int64_t v);
void jsonw_kv_double(struct jsonw *w, const char *k, double v, int decimals);
void jsonw_kv_null(struct jsonw *w, const char *k);

#endif
