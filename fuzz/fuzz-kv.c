/* libFuzzer target for the "Key: value" parsers: kv_next() and kv_parse_u64() (status,
 * meminfo-like and smaps_rollup-like text), procstatus_parse(), psi_parse(), and the integer
 * reader behind the /proc/sys/vm knobs and oom_score (procfs_read_int(), fed through a memfd
 * since it reads a file). Every parser sees every input; abort() when an invariant breaks:
 * a key or value outside its line, a number that disagrees with a separately written
 * reference, a status field the plain key comparison would not have found, or PSI figures
 * that could not have come from the kernel shown as known.
 *
 *   fuzz/run kv		(or by hand:)
 *   clang -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -Ilib fuzz/fuzz-kv.c \
 *	lib/kv.c lib/procstatus.c lib/psi.c lib/procfs.c lib/xalloc.c -lm -o fz-kv */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kv.h"
#include "procfs.h"
#include "procstatus.h"
#include "psi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* kv_parse_u64 written again with strtoull(), so that a slip in the hand-rolled digit loop
 * (overflow check, suffix, trailing blanks) shows up as a disagreement. */
static int fuzz_kv_ref_u64(const char *s, size_t len, uint64_t *out)
{
	char *copy = malloc(len + 1), *e;
	size_t i = 0;
	unsigned long long v;
	int rc = -EINVAL;

	if (!copy)
		abort();
	memcpy(copy, s, len);
	copy[len] = '\0';
	while (i < len && (copy[i] == ' ' || copy[i] == '\t'))
		i++;
	if (i == len || copy[i] < '0' || copy[i] > '9')
		goto out;
	errno = 0;
	v = strtoull(copy + i, &e, 10);
	if (errno == ERANGE) {
		rc = -ERANGE;
		goto out;
	}
	i = e - copy;
	while (i < len && (copy[i] == ' ' || copy[i] == '\t'))
		i++;
	if (len - i >= 2 && copy[i] == 'k' && copy[i + 1] == 'B') {
		if (v > UINT64_MAX / 1024) {
			rc = -ERANGE;
			goto out;
		}
		v *= 1024;
		i += 2;
	}
	while (i < len && (copy[i] == ' ' || copy[i] == '\t' || copy[i] == '\r'))
		i++;
	if (i == len) {
		*out = v;
		rc = 0;
	}
out:
	free(copy);
	return rc;
}

static void fuzz_kv_u64(const char *s, size_t len)
{
	uint64_t a = 0xdeadbeef, b = 0xfeedface;
	int ra = kv_parse_u64(s, len, &a), rb = fuzz_kv_ref_u64(s, len, &b);

	if (ra != rb || (ra == 0 && a != b) || (ra != 0 && a != 0xdeadbeef))
		abort();
}

/* Every pair must lie inside one line of the buffer: key up to the line's first colon,
 * value from the first non-blank after it to the end of the line. */
static size_t fuzz_kv_pairs(const char *buf, size_t len)
{
	const char *cur = buf, *end = buf + len, *prev = buf;
	size_t n = 0;
	struct kv kv;

	while (kv_next(&cur, end, &kv)) {
		const char *vend = kv.val + kv.vallen;

		if (kv.key < prev || kv.key + kv.keylen >= end || kv.key[kv.keylen] != ':')
			abort();
		if (memchr(kv.key, ':', kv.keylen) || memchr(kv.key, '\n', kv.keylen))
			abort();
		if (kv.key != buf && kv.key[-1] != '\n')
			abort();
		if (kv.val < kv.key + kv.keylen + 1 || vend > end || (vend < end && *vend != '\n'))
			abort();
		if (memchr(kv.val, '\n', kv.vallen) || (kv.vallen && (*kv.val == ' ' || *kv.val == '\t')))
			abort();
		if (cur <= kv.key || cur > end)
			abort();
		fuzz_kv_u64(kv.val, kv.vallen);
		prev = cur;
		n++;
	}
	if (cur != end)
		abort();
	return n;
}

static size_t fuzz_kv_lines_with_colon(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	size_t n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *eol = nl ? nl : end;

		n += memchr(p, ':', eol - p) != NULL;
		p = nl ? nl + 1 : end;
	}
	return n;
}

/* procstatus_parse skips most keys on their first letter and length: the plain comparison
 * against every key must find exactly the same fields, the last readable value winning. */
static void fuzz_kv_status(const char *buf, size_t len)
{
	struct proc_status st, ref;
	const char *cur = buf;
	struct kv kv;
	int found, ref_found = 0;

	found = procstatus_parse(buf, len, &st);
	memset(&ref, 0, sizeof ref);
	while (kv_next(&cur, buf + len, &kv)) {
		for (int i = 0; i < STATUS_COUNT; i++) {
			if (kv_is(&kv, procstatus_key(i)) &&
			    kv_parse_u64(kv.val, kv.vallen, &ref.v[i]) == 0) {
				ref.known |= 1u << i;
				ref_found++;
			}
		}
	}
	if (found != ref_found || st.known != ref.known || (st.known >> STATUS_COUNT))
		abort();
	for (int i = 0; i < STATUS_COUNT; i++) {
		if ((st.known >> i & 1) ? st.v[i] != ref.v[i] : st.v[i] != 0)
			abort();
	}
}

static void fuzz_kv_psi_line(const struct psi_line *l)
{
	/* percentages of time stalled: a NaN, an infinity or a negative figure is not PSI */
	if (!isfinite(l->avg10) || !isfinite(l->avg60) || !isfinite(l->avg300))
		abort();
	if (l->avg10 < 0 || l->avg60 < 0 || l->avg300 < 0)
		abort();
}

static void fuzz_kv_psi(const char *buf, size_t len)
{
	struct psi psi;
	int rc = psi_parse(buf, len, &psi);

	if ((rc == 0) != psi.known || (rc != 0 && rc != -EINVAL) || (psi.has_full && !psi.known))
		abort();
	if (psi.known)
		fuzz_kv_psi_line(&psi.some);
	if (psi.has_full)
		fuzz_kv_psi_line(&psi.full);
}

/* The knob reader takes at most 63 bytes of the file and one decimal number from them. */
static void fuzz_kv_knob(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	long long v = 12345;
	unsigned long long mag;
	char canon[32];
	int rc;

	if (fd < 0) {
		fd = memfd_create("fuzz-kv", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (size > 80)
		size = 80;
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	rc = procfs_read_int(AT_FDCWD, path, &v);
	if (rc != 0 && rc != -EINVAL)
		abort();
	if (rc == 0) {
		/* a known value has a decimal spelling inside what was read */
		mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
		snprintf(canon, sizeof canon, "%llu", mag);
		if (!memmem(data, size < 63 ? size : 63, canon, strlen(canon)))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;

	if (fuzz_kv_pairs(buf, size) != fuzz_kv_lines_with_colon(buf, size))
		abort();
	fuzz_kv_u64(buf, size);
	fuzz_kv_status(buf, size);
	fuzz_kv_psi(buf, size);
	fuzz_kv_knob(data, size);
	return 0;
}
