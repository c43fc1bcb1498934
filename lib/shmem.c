#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shmem.h"
#include "xalloc.h"

#define SHMEM_SYSV_COLUMNS 32

struct shmem_private {
	size_t capobjects;
	size_t *slots;			/* hash of objects: index + 1, 0 = empty */
	size_t nslots;
};

const char *shmem_kind_name(enum shmem_kind k)
{
	static const char *const names[SHMEM_KIND_COUNT] = { "posix", "tmpfs", "memfd", "sysv", "anon" };

	return k < SHMEM_KIND_COUNT ? names[k] : "?";
}

static bool shmem_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

static bool shmem_sysv_name(const char *path, size_t len)
{
	if (len != 13 || !shmem_prefix(path, len, "/SYSV"))
		return false;
	for (size_t i = 5; i < 13; i++) {
		if (!strchr("0123456789abcdef", path[i]) || !path[i])
			return false;
	}
	return true;
}

int shmem_kind_of(const char *path, size_t len, bool deleted, const char *perms, bool on_tmpfs,
		  bool posix)
{
	bool shared = perms[3] == 's';

	if (shmem_sysv_name(path, len) && deleted)
		return SHMEM_SYSV;
	if (shmem_prefix(path, len, "/memfd:"))
		return SHMEM_MEMFD;
	if (shared && deleted && len == 9 && memcmp(path, "/dev/zero", 9) == 0)
		return SHMEM_ANON;
	if (shared && shmem_prefix(path, len, "[anon_shmem:"))
		return SHMEM_ANON;
	if (on_tmpfs && len && path[0] == '/')
		return posix ? SHMEM_POSIX : SHMEM_TMPFS;
	return -1;
}

/* ---- /proc/sysvipc/shm ---- */

enum shmem_sysv_col { SC_KEY, SC_SHMID, SC_PERMS, SC_SIZE, SC_CPID, SC_LPID, SC_NATTCH, SC_UID,
		      SC_RSS, SC_SWAP, SC_COUNT };

static const char *const shmem_sysv_names[SC_COUNT] = {
	"key", "shmid", "perms", "size", "cpid", "lpid", "nattch", "uid", "rss", "swap",
};

/* Splits [p, end) at blanks into at most max words. */
static int shmem_words(const char *p, const char *end, const char **w, size_t *wl, int max)
{
	int n = 0;

	while (p < end && n < max) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		w[n] = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		wl[n] = p - w[n];
		n++;
	}
	return n;
}

static int shmem_sysv_header(const char *p, const char *end, int *col)
{
	const char *w[SHMEM_SYSV_COLUMNS];
	size_t wl[SHMEM_SYSV_COLUMNS];
	int n = shmem_words(p, end, w, wl, SHMEM_SYSV_COLUMNS);

	for (int c = 0; c < SC_COUNT; c++) {
		const char *name = shmem_sysv_names[c];

		col[c] = -1;
		for (int i = 0; i < n; i++) {
			if (wl[i] == strlen(name) && memcmp(w[i], name, wl[i]) == 0)
				col[c] = i;
		}
	}
	if (col[SC_KEY] < 0 || col[SC_SHMID] < 0 || col[SC_SIZE] < 0 || col[SC_NATTCH] < 0)
		return -EINVAL;
	return 0;
}

/* A number in a word: decimal, a leading '-' allowed when neg is given, or octal. */
static int shmem_number(const char *s, size_t len, int base, bool allow_neg, uint64_t *out, bool *neg)
{
	uint64_t v = 0;
	size_t i = 0;

	*neg = false;
	if (allow_neg && len && s[0] == '-') {
		*neg = true;
		i++;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d >= (unsigned)base || v > (UINT64_MAX - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int shmem_sysv_int(const char *s, size_t len, bool allow_neg, int64_t lo, int64_t hi, int64_t *out)
{
	uint64_t v;
	bool neg;

	if (shmem_number(s, len, 10, allow_neg, &v, &neg) < 0 || v > (uint64_t)INT64_MAX)
		return -EINVAL;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return *out < lo || *out > hi ? -EINVAL : 0;
}

/* The number in column c of a segment line, checked against what the kernel can print. */
static int shmem_sysv_value(enum shmem_sysv_col c, const char *w, size_t wl, int64_t *iv, uint64_t *uv)
{
	bool neg;

	switch (c) {
	case SC_PERMS:
		return shmem_number(w, wl, 8, false, uv, &neg);
	case SC_SIZE:
	case SC_NATTCH:
	case SC_RSS:
	case SC_SWAP:
		return shmem_number(w, wl, 10, false, uv, &neg);
	case SC_KEY:
		return shmem_sysv_int(w, wl, true, INT32_MIN, UINT32_MAX, iv);
	case SC_UID:
		return shmem_sysv_int(w, wl, false, 0, UINT32_MAX, iv);
	default:
		return shmem_sysv_int(w, wl, false, 0, INT32_MAX, iv);
	}
}

static int shmem_sysv_line(const char *p, const char *end, const int *col, struct shmem_sysv *s)
{
	const char *w[SHMEM_SYSV_COLUMNS];
	size_t wl[SHMEM_SYSV_COLUMNS];
	int n = shmem_words(p, end, w, wl, SHMEM_SYSV_COLUMNS);
	int64_t iv[SC_COUNT] = { 0 };
	uint64_t uv[SC_COUNT] = { 0 };

	memset(s, 0, sizeof *s);
	for (int c = 0; c < SC_COUNT; c++) {
		if (col[c] < 0)
			continue;
		if (col[c] >= n || shmem_sysv_value(c, w[col[c]], wl[col[c]], &iv[c], &uv[c]) < 0)
			return -EINVAL;
	}
	s->key = (uint32_t)iv[SC_KEY];
	s->shmid = (int)iv[SC_SHMID];
	s->mode = (unsigned)(uv[SC_PERMS] & 07777);
	s->size = uv[SC_SIZE];
	s->cpid = (int)iv[SC_CPID];
	s->lpid = (int)iv[SC_LPID];
	s->nattch = uv[SC_NATTCH];
	s->uid = (uint32_t)iv[SC_UID];
	s->rss = (struct fval){ .u = uv[SC_RSS], .st = col[SC_RSS] >= 0 ? V_KNOWN : V_UNKNOWN };
	s->swap = (struct fval){ .u = uv[SC_SWAP], .st = col[SC_SWAP] >= 0 ? V_KNOWN : V_UNKNOWN };
	return 0;
}

int shmem_parse_sysv(const char *buf, size_t len,
		     int (*cb)(const struct shmem_sysv *seg, void *ctx), void *ctx)
{
	const char *p = buf, *end = buf + len;
	int col[SC_COUNT], bad = 0;
	bool header = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *eol = nl ? nl : end;
		struct shmem_sysv seg;

		if (!header) {
			if (shmem_sysv_header(p, eol, col) < 0)
				return -EINVAL;
			header = true;
		} else if (eol > p && shmem_sysv_line(p, eol, col, &seg) < 0) {
			bad++;
		} else if (eol > p) {
			int stop = cb(&seg, ctx);

			if (stop)
				return stop;
		}
		p = nl ? nl + 1 : end;
	}
	return header ? bad : -EINVAL;
}

/* ---- objects ---- */

/* A segment is known by its shmid alone: /proc/sysvipc/shm gives no device, and maps shows
 * the kernel's internal shm mount. */
static uint64_t shmem_hash(bool sysv, unsigned major, unsigned minor, uint64_t inode)
{
	uint64_t h = inode * 0x9e3779b97f4a7c15ull;

	if (sysv)
		major = minor = 0;

	h ^= ((uint64_t)major << 32 | minor) * 0xc2b2ae3d27d4eb4full;
	return h ^ (sysv ? 0x5bd1e995 : 0) ^ (h >> 29);
}

static bool shmem_same(const struct shmem_object *o, bool sysv, unsigned major, unsigned minor,
		       uint64_t inode)
{
	if ((o->kind == SHMEM_SYSV) != sysv || o->inode != inode)
		return false;
	return sysv || (o->dev_major == major && o->dev_minor == minor);
}

static struct shmem_object *shmem_find(const struct shmem_report *r, bool sysv, unsigned major,
				       unsigned minor, uint64_t inode)
{
	struct shmem_private *pv = r->priv;
	size_t mask = pv->nslots - 1;

	if (!pv->nslots)
		return NULL;
	for (size_t i = shmem_hash(sysv, major, minor, inode) & mask; pv->slots[i]; i = (i + 1) & mask) {
		struct shmem_object *o = &r->objects[pv->slots[i] - 1];

		if (shmem_same(o, sysv, major, minor, inode))
			return o;
	}
	return NULL;
}

static void shmem_slot_put(struct shmem_private *pv, const struct shmem_object *o, size_t index)
{
	size_t mask = pv->nslots - 1;
	size_t i = shmem_hash(o->kind == SHMEM_SYSV, o->dev_major, o->dev_minor, o->inode) & mask;

	while (pv->slots[i])
		i = (i + 1) & mask;
	pv->slots[i] = index + 1;
}

/* Rebuilds the hash with nslots slots (a power of two, more than twice the objects). */
static void shmem_rehash(struct shmem_report *r, size_t nslots)
{
	struct shmem_private *pv = r->priv;

	if (nslots != pv->nslots) {
		free(pv->slots);
		pv->slots = xcalloc(nslots, sizeof *pv->slots);
		pv->nslots = nslots;
	} else {
		memset(pv->slots, 0, nslots * sizeof *pv->slots);
	}
	for (size_t i = 0; i < r->nobjects; i++)
		shmem_slot_put(pv, &r->objects[i], i);
}

static struct shmem_object *shmem_add(struct shmem_report *r, enum shmem_kind kind,
				      const char *name, size_t name_len, unsigned major,
				      unsigned minor, uint64_t inode)
{
	struct shmem_private *pv = r->priv;
	struct shmem_object *o;

	if (r->nobjects == pv->capobjects) {
		pv->capobjects = pv->capobjects ? pv->capobjects * 2 : 64;
		r->objects = xreallocarray(r->objects, pv->capobjects, sizeof *r->objects);
	}
	o = &r->objects[r->nobjects];
	memset(o, 0, sizeof *o);
	o->kind = kind;
	o->name = xstrndup(name, name_len);
	o->name_len = strlen(o->name);
	o->dev_major = major;
	o->dev_minor = minor;
	o->inode = inode;
	r->nobjects++;
	if (r->nobjects * 2 > pv->nslots)
		shmem_rehash(r, pv->nslots ? pv->nslots * 2 : 256);
	else
		shmem_slot_put(pv, o, r->nobjects - 1);
	return o;
}

static void shmem_set(struct fval *v, uint64_t x)
{
	v->u = x;
	v->st = V_KNOWN;
}

static void shmem_clear(struct shmem_report *r)
{
	struct shmem_private *pv = r->priv;

	for (size_t i = 0; i < r->nobjects; i++) {
		free(r->objects[i].name);
		free(r->objects[i].users);
	}
	r->nobjects = r->nmounts = 0;
	r->mounts = NULL;
	r->unattributed = r->nunattributed = r->unreadable = 0;
	r->sysv_known = r->truncated = false;
	if (pv->nslots)
		memset(pv->slots, 0, pv->nslots * sizeof *pv->slots);
}

/* ---- what the sampler read ---- */

struct shmem_file *shmem_sources_file(struct shmem_sources *s, const char *name, size_t len,
				      unsigned major, unsigned minor, uint64_t inode, bool *added)
{
	struct shmem_file *f;

	*added = false;
	for (size_t i = 0; i < s->nfiles; i++) {
		f = &s->files[i];
		if (f->inode == inode && f->dev_major == major && f->dev_minor == minor)
			return f;
	}
	if (s->nfiles == s->capfiles) {
		s->capfiles = s->capfiles ? s->capfiles * 2 : 32;
		s->files = xreallocarray(s->files, s->capfiles, sizeof *s->files);
	}
	f = &s->files[s->nfiles++];
	memset(f, 0, sizeof *f);
	f->name = xstrndup(name, len);
	f->name_len = strlen(f->name);
	f->dev_major = major;
	f->dev_minor = minor;
	f->inode = inode;
	*added = true;
	return f;
}

int shmem_sources_sysv(const struct shmem_sysv *seg, void *ctx)
{
	struct shmem_sources *s = ctx;

	if (s->nsysv == s->capsysv) {
		s->capsysv = s->capsysv ? s->capsysv * 2 : 16;
		s->sysv = xreallocarray(s->sysv, s->capsysv, sizeof *s->sysv);
	}
	s->sysv[s->nsysv++] = *seg;
	return 0;
}

struct shmem_mount *shmem_sources_mount(struct shmem_sources *s, const char *mountpoint)
{
	struct shmem_mount *m;

	for (size_t i = 0; i < s->nmounts; i++) {	/* a later mount hides the earlier */
		if (strcmp(s->mounts[i].mountpoint, mountpoint) == 0)
			return &s->mounts[i];
	}
	if (s->nmounts == s->capmounts) {
		s->capmounts = s->capmounts ? s->capmounts * 2 : 16;
		s->mounts = xreallocarray(s->mounts, s->capmounts, sizeof *s->mounts);
	}
	m = &s->mounts[s->nmounts++];
	memset(m, 0, sizeof *m);
	m->mountpoint = xstrdup(mountpoint);
	return m;
}

void shmem_sources_clear(struct shmem_sources *s)
{
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i].name);
	for (size_t i = 0; i < s->nmounts; i++)
		free(s->mounts[i].mountpoint);
	s->nfiles = s->nsysv = s->nmounts = 0;
	s->sysv_known = s->truncated = false;
	s->unreadable = 0;
}

void shmem_sources_free(struct shmem_sources *s)
{
	shmem_sources_clear(s);
	free(s->files);
	free(s->sysv);
	free(s->mounts);
	memset(s, 0, sizeof *s);
}

/* ---- objects from the sources ---- */

static void shmem_from_files(struct shmem_report *r, const struct shmem_sources *src)
{
	for (size_t i = 0; i < src->nfiles; i++) {
		const struct shmem_file *f = &src->files[i];
		struct shmem_object *o = shmem_add(r, f->posix ? SHMEM_POSIX : SHMEM_TMPFS, f->name,
						   f->name_len, f->dev_major, f->dev_minor, f->inode);

		o->size = f->size;
		o->used = f->used;
	}
}

static void shmem_from_sysv(struct shmem_report *r, const struct shmem_sources *src)
{
	for (size_t i = 0; i < src->nsysv; i++) {
		const struct shmem_sysv *seg = &src->sysv[i];
		struct shmem_object *o;
		char name[16];

		snprintf(name, sizeof name, "SYSV%08x", seg->key);
		o = shmem_add(r, SHMEM_SYSV, name, strlen(name), 0, 0, (uint64_t)seg->shmid);
		shmem_set(&o->size, seg->size);
		if (seg->rss.st == V_KNOWN && seg->swap.st == V_KNOWN)
			shmem_set(&o->used, seg->rss.u + seg->swap.u);
		o->key = seg->key;
		o->nattch = seg->nattch;
		o->cpid = seg->cpid;
		o->lpid = seg->lpid;
		o->uid = seg->uid;
	}
}

/* The object a mapping belongs to, added when not seen before (a memfd, a shared
 * anonymous region, a deleted file, a segment of another IPC namespace). */
static struct shmem_object *shmem_object_of(struct shmem_report *r, const struct shmem_map *m)
{
	bool sysv = m->kind == SHMEM_SYSV;
	struct shmem_object *o = shmem_find(r, sysv, m->dev_major, m->dev_minor, m->inode);
	const char *name = m->name;
	size_t len = m->name_len;

	if (o)
		return o;
	if ((m->kind == SHMEM_MEMFD || sysv) && len && name[0] == '/') {
		name++;		/* "/memfd:x" -> "memfd:x": not a path */
		len--;
	} else if (m->kind == SHMEM_ANON && len && name[0] == '/') {
		len = 0;	/* "/dev/zero (deleted)" is the kernel's label, not a name */
	}
	o = shmem_add(r, m->kind, name, len, sysv ? 0 : m->dev_major, sysv ? 0 : m->dev_minor, m->inode);
	o->deleted = m->deleted;
	return o;
}

static struct shmem_user *shmem_user_of(struct shmem_object *o, const struct proc *p)
{
	struct shmem_user *u;

	if (o->nusers && o->users[o->nusers - 1].p == p)
		return &o->users[o->nusers - 1];	/* a process's mappings come together */
	o->users = xreallocarray(o->users, o->nusers + 1, sizeof *o->users);
	u = &o->users[o->nusers++];
	memset(u, 0, sizeof *u);
	u->p = p;
	shmem_set(&u->rss, 0);
	shmem_set(&u->pss, 0);
	shmem_set(&u->swap_pss, 0);
	return u;
}

static void shmem_user_add(struct fval *sum, const struct fval *v)
{
	if (v->st != V_KNOWN)
		sum->st = V_UNKNOWN;
	else if (sum->st == V_KNOWN)
		sum->u += v->u;
}

static void shmem_from_procs(struct shmem_report *r, const struct snapshot *snap)
{
	for (size_t i = 0; i < snap->ntotal; i++) {
		const struct proc *p = snap->all[i];

		for (size_t k = 0; k < p->nshm; k++) {
			const struct shmem_map *m = &p->shm[k];
			struct shmem_user *u = shmem_user_of(shmem_object_of(r, m), p);

			u->nmaps++;
			u->size += m->size;
			shmem_user_add(&u->rss, &m->rss);
			shmem_user_add(&u->pss, &m->pss);
			shmem_user_add(&u->swap_pss, &m->swap_pss);
		}
	}
}

/* ---- totals ---- */

/* What a memfd or shared anonymous region holds (a file's figures come from its inode). */
static void shmem_object_figures(struct shmem_object *o)
{
	struct fval used = { .st = V_KNOWN };
	uint64_t size = 0;

	if (o->used.st == V_KNOWN || o->kind == SHMEM_SYSV ||
	    ((o->kind == SHMEM_POSIX || o->kind == SHMEM_TMPFS) && o->size.st == V_KNOWN))
		return;
	for (size_t i = 0; i < o->nusers; i++) {
		const struct shmem_user *u = &o->users[i];

		size = u->size > size ? u->size : size;
		if (u->pss.st != V_KNOWN || u->swap_pss.st != V_KNOWN)
			used.st = V_UNKNOWN;
		used.u += u->pss.u + u->swap_pss.u;
	}
	shmem_set(&o->size, size);
	o->used = used;
}

static int shmem_object_cmp(const void *a, const void *b)
{
	const struct shmem_object *x = a, *y = b;
	int c;

	if (x->attributed != y->attributed)
		return x->attributed ? 1 : -1;
	if ((x->used.st == V_KNOWN) != (y->used.st == V_KNOWN))
		return x->used.st == V_KNOWN ? -1 : 1;
	if (x->used.u != y->used.u)
		return x->used.u > y->used.u ? -1 : 1;
	c = strcmp(x->name, y->name);
	return c ? c : (x->inode > y->inode) - (x->inode < y->inode);
}

static void shmem_totals(struct shmem_report *r)
{
	for (size_t i = 0; i < r->nobjects; i++) {
		struct shmem_object *o = &r->objects[i];

		shmem_object_figures(o);
		o->attributed = o->nusers > 0 || o->nattch > 0;
		if (o->attributed)
			continue;
		r->nunattributed++;
		if (o->used.st == V_KNOWN)
			r->unattributed += o->used.u;
	}
	if (r->nobjects > 1)	/* objects is NULL on a machine with none */
		qsort(r->objects, r->nobjects, sizeof *r->objects, shmem_object_cmp);
	if (r->priv->nslots)
		shmem_rehash(r, r->priv->nslots);	/* sorting moved the objects */
}

/* ---- life cycle ---- */

struct shmem_report *shmem_report_create(void)
{
	struct shmem_report *r = xcalloc(1, sizeof *r);

	r->priv = xcalloc(1, sizeof *r->priv);
	return r;
}

void shmem_report_free(struct shmem_report *r)
{
	if (!r)
		return;
	shmem_clear(r);
	free(r->objects);
	free(r->priv->slots);
	free(r->priv);
	free(r);
}

int shmem_report_update(struct shmem_report *r, const struct snapshot *snap,
			const struct shmem_sources *src)
{
	shmem_clear(r);
	r->sources = src;
	r->mounts = src->mounts;
	r->nmounts = src->nmounts;
	r->sysv_known = src->sysv_known;
	r->truncated = src->truncated;
	r->unreadable = src->unreadable;
	shmem_from_files(r, src);
	shmem_from_sysv(r, src);
	shmem_from_procs(r, snap);
	shmem_totals(r);
	return 0;
}
