/* libFuzzer target for the smaps parser and the segment classifier.
 *
 * Each input is parsed three times: in one piece, in pseudo-random chunks (seeded from the
 * input, so a crash reproduces), and with the callback stopping early. abort() when an
 * invariant breaks: a malformed VMA, different results for different chunkings, segment
 * sums that differ from mapping sums, or a stop that delivers more VMAs than asked.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ilib fuzz/fuzz-smaps.c lib/smaps.c \
 *	lib/segment.c -o fz-smaps && ./fz-smaps NEW_CORPUS_DIR tests/fixtures/smaps
 * (libFuzzer writes new inputs into the first directory: keep it out of the source tree). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "segment.h"
#include "smaps.h"

struct fuzz_run {
	struct segment_classifier c;
	struct segment_totals seg;
	uint64_t maps[SEGF_COUNT];	/* the same figures summed per mapping */
	size_t n, stop_at;
	uint64_t digest;
	unsigned long errors;
	int rc;
};

static uint64_t fuzz_add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t fuzz_hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3;
	return h;
}

static void fuzz_check_vma(const struct smaps_vma *v)
{
	unsigned f;

	if (!v->path || strlen(v->path) != v->path_len || v->path_len > SMAPS_LINE_MAX)
		abort();
	if (strlen(v->perms) != 4 || !memchr(v->vmflags, '\0', sizeof(v->vmflags)))
		abort();
	if (v->start > v->end || (v->known & v->invalid) ||
	    ((v->known | v->invalid) >> SMAPS_NFIELDS))
		abort();
	for (f = 0; f < SMAPS_NFIELDS; f++)
		if (!((v->known | v->invalid) >> f & 1) && v->val[f])
			abort();
}

static uint64_t fuzz_digest(uint64_t h, const struct smaps_vma *v)
{
	h = fuzz_hash(h, &v->start, sizeof(v->start));
	h = fuzz_hash(h, &v->end, sizeof(v->end));
	h = fuzz_hash(h, &v->offset, sizeof(v->offset));
	h = fuzz_hash(h, &v->inode, sizeof(v->inode));
	h = fuzz_hash(h, &v->dev_major, sizeof(v->dev_major));
	h = fuzz_hash(h, &v->dev_minor, sizeof(v->dev_minor));
	h = fuzz_hash(h, v->perms, sizeof(v->perms));
	h = fuzz_hash(h, v->path, v->path_len + 1);
	h = fuzz_hash(h, &v->deleted, sizeof(v->deleted));
	h = fuzz_hash(h, &v->path_truncated, sizeof(v->path_truncated));
	h = fuzz_hash(h, v->val, sizeof(v->val));
	h = fuzz_hash(h, &v->known, sizeof(v->known));
	h = fuzz_hash(h, &v->invalid, sizeof(v->invalid));
	return fuzz_hash(h, v->vmflags, strlen(v->vmflags));
}

static int fuzz_cb(const struct smaps_vma *v, void *ctx)
{
	struct fuzz_run *r = ctx;
	enum segment s;
	unsigned f;

	fuzz_check_vma(v);
	s = segment_classify(&r->c, v);
	if ((unsigned)s >= SEG_COUNT || !segment_name(s))
		abort();
	segment_totals_add(&r->seg, s, v);
	for (f = 0; f < SEGF_COUNT; f++)
		r->maps[f] = fuzz_add_sat(r->maps[f], segment_figure_of(v, f));
	r->digest = fuzz_hash(fuzz_digest(r->digest, v), &s, sizeof(s));
	r->n++;
	return r->stop_at && r->n == r->stop_at ? 1 : 0;
}

static void fuzz_check_sums(const struct fuzz_run *r)
{
	uint64_t sum;
	unsigned f, s;

	for (f = 0; f < SEGF_COUNT; f++) {
		for (sum = 0, s = 0; s < SEG_COUNT; s++)
			sum = fuzz_add_sat(sum, r->seg.v[s][f]);
		if (sum != r->maps[f])
			abort();
	}
}

/* xorshift64: chunk sizes from the input's own hash, so a crash replays the same way. */
static uint64_t fuzz_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* Parses data in chunks of 1..max_chunk bytes (0: one piece). */
static void fuzz_parse(struct smaps_parser *p, struct fuzz_run *r, const uint8_t *data,
		       size_t size, uint64_t seed, size_t max_chunk)
{
	size_t off = 0, n;
	int rc;

	smaps_parser_reset(p);
	segment_classifier_init(&r->c, seed >> 1 & 1 ? NULL : "/usr/bin/bash", NULL, 0);
	r->rc = 0;
	while (off < size) {
		n = max_chunk ? 1 + fuzz_next(&seed) % max_chunk : size;
		if (n > size - off)
			n = size - off;
		rc = smaps_parser_feed(p, (const char *)data + off, n);
		if (rc > 0)
			r->rc = rc;
		off += n;
	}
	rc = smaps_parser_finish(p);
	if (rc > 0)
		r->rc = rc;
	r->errors = smaps_parser_errors(p);
}

/* The parser's ctx is a pointer to the run in progress. */
static int fuzz_cb_indirect(const struct smaps_vma *v, void *ctx)
{
	return fuzz_cb(v, *(struct fuzz_run **)ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_run whole, chunked, stopped;
	static struct fuzz_run *run;
	static struct smaps_parser *p;
	uint64_t seed = fuzz_hash(0xcbf29ce484222325, data, size) | 1;

	if (!p && !(p = smaps_parser_create(fuzz_cb_indirect, &run)))
		abort();

	memset(&whole, 0, sizeof(whole));
	run = &whole;
	fuzz_parse(p, &whole, data, size, seed, 0);
	fuzz_check_sums(&whole);

	memset(&chunked, 0, sizeof(chunked));
	run = &chunked;
	fuzz_parse(p, &chunked, data, size, seed, 1 + seed % 97);
	fuzz_check_sums(&chunked);
	if (chunked.n != whole.n || chunked.digest != whole.digest ||
	    chunked.errors != whole.errors)
		abort();

	memset(&stopped, 0, sizeof(stopped));
	stopped.stop_at = 1 + (seed >> 8) % 4;
	run = &stopped;
	fuzz_parse(p, &stopped, data, size, seed, 1 + (seed >> 16) % 4096);
	if (stopped.n != (whole.n < stopped.stop_at ? whole.n : stopped.stop_at) ||
	    (whole.n >= stopped.stop_at && stopped.rc != 1))
		abort();
	return 0;
}
