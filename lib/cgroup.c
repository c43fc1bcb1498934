#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "kv.h"
#include "mountinfo.h"
#include "xalloc.h"

/* v1 writes its page counter's maximum, LONG_MAX rounded down to a page, for "no limit";
 * nobody sets a real limit of 4 EiB. */
#define CGROUP_V1_UNLIMITED (1ull << 62)

struct cgroup_scan {
	struct cgroup_layout *l;
	bool v2_seen;
	char *v2_mount, *v2_root;
};

static int cgroup_layout_take(const struct mountinfo_entry *e, void *ctx)
{
	struct cgroup_scan *s = ctx;

	if (strcmp(e->fstype, "cgroup2") == 0 && !s->v2_seen) {
		s->v2_seen = true;
		s->v2_mount = xstrdup(e->mountpoint);
		s->v2_root = xstrdup(e->root);
	} else if (strcmp(e->fstype, "cgroup") == 0 && mountinfo_has_opt(e->super_opts, "memory") &&
		   s->l->memory != CGROUP_V1) {
		s->l->memory = CGROUP_V1;
		s->l->mount = xstrdup(e->mountpoint);
		s->l->root = xstrdup(e->root);
	}
	return 0;
}

void cgroup_layout_parse(const char *buf, size_t len, struct cgroup_layout *l)
{
	struct cgroup_scan s = { l, false, NULL, NULL };

	memset(l, 0, sizeof *l);
	mountinfo_parse(buf, len, cgroup_layout_take, &s);
	if (l->memory == CGROUP_V1) {
		l->hybrid = s.v2_seen;
		free(s.v2_mount);
		free(s.v2_root);
	} else if (s.v2_seen) {
		l->memory = CGROUP_V2;
		l->mount = s.v2_mount;
		l->root = s.v2_root;
	}
}

void cgroup_layout_free(struct cgroup_layout *l)
{
	free(l->mount);
	free(l->root);
	memset(l, 0, sizeof *l);
}

const char *cgroup_layout_describe(const struct cgroup_layout *l)
{
	switch (l->memory) {
	case CGROUP_V2:
		return "cgroup v2: limits from memory.max";
	case CGROUP_V1:
		if (l->hybrid)
			return "cgroup v1 (hybrid layout: the memory controller is on a v1 hierarchy, "
			       "so v2 has no memory.max): limits from memory.limit_in_bytes";
		return "cgroup v1: limits from memory.limit_in_bytes";
	case CGROUP_NONE:
		break;
	}
	return "no memory cgroup hierarchy is mounted: only the system-wide OOM killer applies";
}

const char *cgroup_version_name(enum cgroup_version v)
{
	return v == CGROUP_V2 ? "v2" : v == CGROUP_V1 ? "v1" : "none";
}

/* Whether the comma-separated list [s, s + n) holds "memory". */
static bool cgroup_lists_memory(const char *s, size_t n)
{
	const char *end = s + n;

	while (s < end) {
		const char *comma = memchr(s, ',', end - s);
		size_t w = (comma ? comma : end) - s;

		if (w == 6 && memcmp(s, "memory", 6) == 0)
			return true;
		s = comma ? comma + 1 : end;
	}
	return false;
}

/* "ID:CONTROLLERS:PATH"; the path may itself hold ':' */
int cgroup_parse_proc(const char *buf, size_t len, enum cgroup_version v, const char **path,
		      size_t *pathlen)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *eol = nl ? nl : end;
		const char *c1 = memchr(p, ':', eol - p);
		const char *c2 = c1 ? memchr(c1 + 1, ':', eol - c1 - 1) : NULL;
		bool want;

		if (c2) {
			if (v == CGROUP_V2)
				want = c1 - p == 1 && *p == '0' && c2 == c1 + 1;
			else
				want = cgroup_lists_memory(c1 + 1, c2 - c1 - 1);
			if (want && c2 + 1 < eol && c2[1] == '/') {
				*path = c2 + 1;
				*pathlen = eol - c2 - 1;
				return 0;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return -ENOENT;
}

const char *cgroup_relative(const struct cgroup_layout *l, const char *path)
{
	size_t n = l->root ? strlen(l->root) : 0;

	if (!l->mount || path[0] != '/')
		return NULL;
	if (n <= 1)
		return path + 1 + strspn(path + 1, "/");
	if (strncmp(path, l->root, n) != 0 || (path[n] != '/' && path[n] != '\0'))
		return NULL;
	return path + n + strspn(path + n, "/");
}

static void cgroup_set(struct fval *v, uint64_t x, enum vstate st)
{
	v->u = x;
	v->st = st;
}

/* A limit file: a number of bytes, or "max" (v2). */
static void cgroup_read_limit(int dirfd, const char *file, enum cgroup_version v,
			      struct buf *scratch, struct fval *out)
{
	ssize_t n = procfs_read(dirfd, file, scratch);
	uint64_t x;

	out->st = V_UNKNOWN;
	if (n < 0)
		return;
	while (n > 0 && (scratch->data[n - 1] == '\n' || scratch->data[n - 1] == ' '))
		n--;
	if (n == 3 && memcmp(scratch->data, "max", 3) == 0)
		cgroup_set(out, 0, V_NA);
	else if (kv_parse_u64(scratch->data, n, &x) == 0)
		cgroup_set(out, x, v == CGROUP_V1 && x >= CGROUP_V1_UNLIMITED ? V_NA : V_KNOWN);
}

static void cgroup_read_u64(int dirfd, const char *file, struct buf *scratch, struct fval *out)
{
	cgroup_read_limit(dirfd, file, CGROUP_V2, scratch, out);
	if (out->st == V_NA)	/* "max" is not a figure here */
		out->st = V_UNKNOWN;
}

/* One "key value" line of a flat keyed file (memory.events, memory.oom_control). */
static void cgroup_read_key(int dirfd, const char *file, const char *key, struct buf *scratch,
			    struct fval *out)
{
	ssize_t n = procfs_read(dirfd, file, scratch);
	size_t klen = strlen(key);
	const char *p, *end;

	out->st = V_UNKNOWN;
	if (n <= 0)
		return;
	for (p = scratch->data, end = p + n; p < end;) {
		const char *nl = memchr(p, '\n', end - p), *eol = nl ? nl : end;
		uint64_t x;

		if ((size_t)(eol - p) > klen + 1 && memcmp(p, key, klen) == 0 && p[klen] == ' ' &&
		    kv_parse_u64(p + klen + 1, eol - p - klen - 1, &x) == 0) {
			cgroup_set(out, x, V_KNOWN);
			return;
		}
		p = eol + 1;
	}
}

/* The sum of the "key value" lines named (each once) of a flat keyed file; unknown when
 * any is missing. */
static void cgroup_read_sum(int dirfd, const char *file, const char *const *keys, int nkeys,
			    struct buf *scratch, struct fval *out)
{
	ssize_t n = procfs_read(dirfd, file, scratch);
	unsigned seen = 0;
	uint64_t sum = 0;

	out->st = V_UNKNOWN;
	for (const char *p = scratch->data, *end = p + (n > 0 ? n : 0); p < end;) {
		const char *nl = memchr(p, '\n', end - p), *eol = nl ? nl : end;

		for (int k = 0; k < nkeys; k++) {
			size_t klen = strlen(keys[k]);
			uint64_t x;

			if (!(seen & (1u << k)) && (size_t)(eol - p) > klen + 1 && memcmp(p, keys[k], klen) == 0 &&
			    p[klen] == ' ' && kv_parse_u64(p + klen + 1, eol - p - klen - 1, &x) == 0) {
				seen |= 1u << k;
				sum += x;
			}
		}
		p = eol + 1;
	}
	if (seen == (1u << nkeys) - 1)
		cgroup_set(out, sum, V_KNOWN);
}

static void cgroup_read_v1(int dirfd, struct buf *scratch, struct cgroup_mem *m)
{
	struct fval memsw;

	cgroup_read_limit(dirfd, "memory.limit_in_bytes", CGROUP_V1, scratch, &m->limit);
	cgroup_read_u64(dirfd, "memory.usage_in_bytes", scratch, &m->usage);
	cgroup_read_u64(dirfd, "memory.swappiness", scratch, &m->swappiness);
	/* memsw limits memory + swap together: the swap part is what it adds to the limit */
	cgroup_read_limit(dirfd, "memory.memsw.limit_in_bytes", CGROUP_V1, scratch, &memsw);
	cgroup_read_key(dirfd, "memory.oom_control", "oom_kill", scratch, &m->oom_kills);
	if (memsw.st == V_KNOWN && m->limit.st == V_KNOWN)
		cgroup_set(&m->swap_limit, memsw.u > m->limit.u ? memsw.u - m->limit.u : 0, V_KNOWN);
	else if (memsw.st == V_NA)
		cgroup_set(&m->swap_limit, 0, V_NA);
}

static void cgroup_read_v2(int dirfd, struct buf *scratch, struct cgroup_mem *m)
{
	struct fval group;

	cgroup_read_limit(dirfd, "memory.max", CGROUP_V2, scratch, &m->limit);
	cgroup_read_u64(dirfd, "memory.current", scratch, &m->usage);
	cgroup_read_limit(dirfd, "memory.swap.max", CGROUP_V2, scratch, &m->swap_limit);
	cgroup_read_u64(dirfd, "memory.oom.group", scratch, &group);
	cgroup_read_key(dirfd, "memory.events", "oom_kill", scratch, &m->oom_kills);
	if (group.st == V_KNOWN)
		m->oom_group = group.u != 0;
}

void cgroup_read_mem(int dirfd, enum cgroup_version v, struct buf *scratch, struct cgroup_mem *m)
{
	memset(m, 0, sizeof *m);
	m->oom_group = -1;
	if (v == CGROUP_V1)
		cgroup_read_v1(dirfd, scratch, m);
	else if (v == CGROUP_V2)
		cgroup_read_v2(dirfd, scratch, m);
}

void cgroup_read_room(int dirfd, enum cgroup_version v, const struct cgroup_mem *m, struct buf *scratch,
		      struct cgroup_room *r)
{
	static const char *const v1_file[] = { "total_active_file", "total_inactive_file" };
	static const char *const v2_file[] = { "active_file", "inactive_file" };
	struct fval memsw;

	memset(r, 0, sizeof *r);
	if (v == CGROUP_V2) {
		cgroup_read_sum(dirfd, "memory.stat", v2_file, 2, scratch, &r->file);
		cgroup_read_u64(dirfd, "memory.swap.current", scratch, &r->swap_used);
	} else if (v == CGROUP_V1) {
		cgroup_read_sum(dirfd, "memory.stat", v1_file, 2, scratch, &r->file);
		cgroup_read_u64(dirfd, "memory.memsw.usage_in_bytes", scratch, &memsw);
		if (memsw.st == V_KNOWN && m->usage.st == V_KNOWN)
			cgroup_set(&r->swap_used, memsw.u > m->usage.u ? memsw.u - m->usage.u : 0, V_KNOWN);
	}
}

/* The swap the cgroup may still fill, at most swap_free. */
static uint64_t cgroup_swap_left(const struct cgroup_mem *m, const struct cgroup_room *r, uint64_t swap_free)
{
	uint64_t left;

	if (swap_free == 0 || (m->swappiness.st == V_KNOWN && m->swappiness.u == 0))
		return 0;
	if (m->swap_limit.st != V_KNOWN)	/* no swap limit, or none could be read */
		return swap_free;
	left = m->swap_limit.u;
	if (r->swap_used.st == V_KNOWN)
		left = left > r->swap_used.u ? left - r->swap_used.u : 0;
	return left < swap_free ? left : swap_free;
}

bool cgroup_headroom(const struct cgroup_mem *m, const struct cgroup_room *r, uint64_t swap_free,
		     uint64_t *room)
{
	if (m->limit.st != V_KNOWN || m->usage.st != V_KNOWN)
		return false;
	*room = m->limit.u > m->usage.u ? m->limit.u - m->usage.u : 0;
	if (r->file.st == V_KNOWN)
		*room += r->file.u < m->usage.u ? r->file.u : m->usage.u;
	*room += cgroup_swap_left(m, r, swap_free);
	return true;
}

bool cgroup_set_headroom(const struct cgroup_set *cs, int node, const struct cgroup_room *rooms,
			 uint64_t swap_free, uint64_t *room)
{
	static const struct cgroup_room unknown = { { .st = V_UNKNOWN }, { .st = V_UNKNOWN } };
	bool any = false;

	for (int i = node; i >= 0 && (size_t)i < cs->n; i = cs->nodes[i].parent) {
		uint64_t r;

		if (cgroup_headroom(&cs->nodes[i].mem, rooms ? &rooms[i] : &unknown, swap_free, &r) && (!any || r < *room)) {
			*room = r;
			any = true;
		}
	}
	return any;
}

static int cgroup_set_find(const struct cgroup_set *cs, const char *path, size_t len)
{
	for (size_t i = 0; i < cs->n; i++) {
		if (strlen(cs->nodes[i].path) == len && memcmp(cs->nodes[i].path, path, len) == 0)
			return (int)i;
	}
	return -1;
}

int cgroup_set_get(struct cgroup_set *cs, const char *path, size_t len)
{
	const char *slash;
	int i = cgroup_set_find(cs, path, len), parent = -1;

	if (i >= 0)
		return i;
	slash = memrchr(path, '/', len);
	if (slash && slash > path)
		parent = cgroup_set_get(cs, path, slash - path);
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 32;
		cs->nodes = xreallocarray(cs->nodes, cs->cap, sizeof *cs->nodes);
	}
	i = (int)cs->n++;
	memset(&cs->nodes[i], 0, sizeof cs->nodes[i]);
	cs->nodes[i].path = xstrndup(path, len);
	cs->nodes[i].parent = parent;
	cs->nodes[i].mem.oom_group = -1;
	return i;
}

int cgroup_set_limited(const struct cgroup_set *cs, int i)
{
	while (i >= 0 && cs->nodes[i].mem.limit.st != V_KNOWN)
		i = cs->nodes[i].parent;
	return i;
}

void cgroup_set_clear(struct cgroup_set *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		free(cs->nodes[i].path);
	cs->n = 0;
}

void cgroup_set_free(struct cgroup_set *cs)
{
	cgroup_set_clear(cs);
	free(cs->nodes);
	cgroup_layout_free(&cs->layout);
	memset(cs, 0, sizeof *cs);
}
