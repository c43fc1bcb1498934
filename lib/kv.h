/* "Key: value" text as /proc writes it (status, meminfo, smaps_rollup, PSI), over buffers. */
#ifndef MEMTOP_KV_H
#define MEMTOP_KV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kv {
	const char *key;
	size_t keylen;
	const char *val;	/* after the colon and blanks, up to the end of the line */
	size_t vallen;
};

/* Moves *cur to the next line holding a colon and fills kv; false at the end of the buffer.
 * The last line may lack its newline. */
bool kv_next(const char **cur, const char *end, struct kv *kv);

/* Whether kv's key is exactly name. */
bool kv_is(const struct kv *kv, const char *name);

/* A decimal unsigned number at the start of s (leading blanks allowed), with an optional
 * " kB" suffix that multiplies it by 1024. Returns 0, or -EINVAL / -ERANGE. */
int kv_parse_u64(const char *s, size_t len, uint64_t *out);

#endif
