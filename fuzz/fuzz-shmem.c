/* libFuzzer target for the shmem report's buffer parsers: /proc/sysvipc/shm
 * (shmem_parse_sysv), mountinfo (mountinfo_parse, mountinfo_has_opt) and the mapping
 * classifier (shmem_kind_of). abort() when an invariant breaks: a line counted twice or not
 * at all, figures outside what the columns can hold, a decoded name longer than its line,
 * an option found that a plain comparison would not find, a kind the path cannot have.
 *
 *   fuzz/run shmem */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"
#include "shmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_shmem_count {
	size_t n;
};

static int fuzz_shmem_seg(const struct shmem_sysv *s, void *ctx)
{
	struct fuzz_shmem_count *c = ctx;

	if (s->mode > 07777 || s->shmid < 0 || s->cpid < 0 || s->lpid < 0)
		abort();
	if ((s->rss.st != V_KNOWN && s->rss.st != V_UNKNOWN) || (s->swap.st != V_KNOWN && s->swap.st != V_UNKNOWN))
		abort();
	c->n++;
	return 0;
}

/* Lines after the first that hold something: each is either delivered or counted bad. */
static size_t fuzz_shmem_lines(const char *buf, size_t len)
{
	const char *p = memchr(buf, '\n', len), *end = buf + len;
	size_t n = 0;

	while (p && ++p < end) {
		const char *nl = memchr(p, '\n', end - p);

		n += (nl ? nl : end) > p;
		p = nl;
	}
	return n;
}

static void fuzz_shmem_sysv(const char *buf, size_t len)
{
	struct fuzz_shmem_count c = { 0 };
	int rc = shmem_parse_sysv(buf, len, fuzz_shmem_seg, &c);

	if (rc == -EINVAL) {
		if (c.n)
			abort();	/* refused, yet delivered */
		return;
	}
	if (rc < 0 || c.n + (size_t)rc != fuzz_shmem_lines(buf, len))
		abort();
}

struct fuzz_shmem_mounts {
	size_t n, longest_line;
};

static int fuzz_shmem_mount(const struct mountinfo_entry *e, void *ctx)
{
	struct fuzz_shmem_mounts *m = ctx;
	const char *s[] = { e->root, e->mountpoint, e->mount_opts, e->fstype, e->source, e->super_opts };

	if (e->major > 0xfffff || e->minor > 0xfffff)
		abort();
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
		if (!s[i] || strlen(s[i]) > m->longest_line)
			abort();
	}
	m->n++;
	return 0;
}

static size_t fuzz_shmem_longest(const char *buf, size_t len, size_t *lines)
{
	const char *p = buf, *end = buf + len;
	size_t most = 0;

	*lines = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = (nl ? nl : end) - p;

		most = n > most ? n : most;
		*lines += n > 0;
		p = nl ? nl + 1 : end;
	}
	return most;
}

static void fuzz_shmem_mountinfo(const char *buf, size_t len)
{
	struct fuzz_shmem_mounts m = { 0 };
	size_t lines;
	int rc;

	m.longest_line = fuzz_shmem_longest(buf, len, &lines);
	rc = mountinfo_parse(buf, len, fuzz_shmem_mount, &m);
	if ((rc != 0 && rc != -EINVAL) || m.n > lines || (rc == 0 && m.n != lines))
		abort();
}

/* mountinfo_has_opt against splitting a copy at commas */
static void fuzz_shmem_opts(const char *buf, size_t len)
{
	char opts[256], name[32], copy[256], *save, *tok;
	const char *comma = memchr(buf, ',', len);
	size_t nl = comma ? (size_t)(comma - buf) : 0, ol = len - (comma ? nl + 1 : len);
	int want = 0;

	if (!comma || nl >= sizeof name || ol >= sizeof opts || memchr(buf, '\0', len))
		return;
	memcpy(name, buf, nl);
	name[nl] = '\0';
	memcpy(opts, comma + 1, ol);
	opts[ol] = '\0';
	memcpy(copy, opts, ol + 1);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		want |= strcmp(tok, name) == 0;
	if (*name && mountinfo_has_opt(opts, name) != want)
		abort();
}

static void fuzz_shmem_kind(const char *buf, size_t len)
{
	static const char *const perms[] = { "rw-s", "r--p" };

	for (int i = 0; i < 8; i++) {
		int k = shmem_kind_of(buf, len, i & 1, perms[(i >> 1) & 1], i & 4, i & 2);

		if (k < -1 || k >= SHMEM_KIND_COUNT)
			abort();
		if (k == SHMEM_SYSV && (len != 13 || memcmp(buf, "/SYSV", 5) != 0 || !(i & 1)))
			abort();
		if (k == SHMEM_MEMFD && (len < 7 || memcmp(buf, "/memfd:", 7) != 0))
			abort();
		if ((k == SHMEM_POSIX || k == SHMEM_TMPFS) && !(i & 4))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;

	fuzz_shmem_sysv(buf, size);
	fuzz_shmem_mountinfo(buf, size);
	fuzz_shmem_opts(buf, size);
	fuzz_shmem_kind(buf, size);
	return 0;
}
