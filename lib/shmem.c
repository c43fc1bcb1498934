#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mountinfo.h"
#include "procdir.h"
#include "procfs.h"
#include "shmem.h"
#include "smaps.h"
#include "xalloc.h"

#define SHMEM_WALK_DEPTH 16		/* /dev/shm subdirectories followed this deep */
#define SHMEM_WALK_FILES 65536		/* files listed at most */
#define SHMEM_SYSV_COLUMNS 32

struct shmem_dev {
	unsigned major, minor;
	bool posix;
};

struct shmem_private {
	int procfd;
	bool real;			/* read /proc/self/mountinfo at each update */
	char *mountinfo;		/* the text given to create_at */
	size_t mountinfo_len;
	char *posix_dir;
	struct smaps_parser *parser;
	struct buf buf, chunk;
	struct shmem_dev *devs;		/* every tmpfs mount, hidden ones too */
	size_t ndevs, capdevs, capobjects, capmounts;
	size_t *slots;			/* hash of objects: index + 1, 0 = empty */
	size_t nslots;
	size_t walked;
	/* the process being scanned */
	struct shmem_report *r;
	const struct proc *cur;
	bool probe, found, values;
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

static struct shmem_object *shmem_find(struct shmem_report *r, bool sysv, unsigned major,
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
	for (size_t i = 0; i < r->nmounts; i++)
		free(r->mounts[i].mountpoint);
	r->nobjects = r->nmounts = pv->ndevs = 0;
	r->unattributed = r->nunattributed = r->unreadable = 0;
	r->sysv_known = r->truncated = false;
	if (pv->nslots)
		memset(pv->slots, 0, pv->nslots * sizeof *pv->slots);
}

/* ---- tmpfs mounts ---- */

static void shmem_statvfs(struct shmem_mount *m)
{
	struct statvfs sv;

	m->size.st = m->used.st = m->avail.st = V_UNKNOWN;
	if (statvfs(m->mountpoint, &sv) != 0)
		return;
	shmem_set(&m->size, (uint64_t)sv.f_blocks * sv.f_frsize);
	shmem_set(&m->used, (uint64_t)(sv.f_blocks - sv.f_bfree) * sv.f_frsize);
	shmem_set(&m->avail, (uint64_t)sv.f_bavail * sv.f_frsize);
}

static int shmem_take_mount(const struct mountinfo_entry *e, void *ctx)
{
	struct shmem_report *r = ctx;
	struct shmem_private *pv = r->priv;
	struct shmem_mount *m = NULL;

	if (strcmp(e->fstype, "tmpfs") != 0)
		return 0;
	if (pv->ndevs == pv->capdevs) {
		pv->capdevs = pv->capdevs ? pv->capdevs * 2 : 16;
		pv->devs = xreallocarray(pv->devs, pv->capdevs, sizeof *pv->devs);
	}
	pv->devs[pv->ndevs++] = (struct shmem_dev){
		e->major, e->minor, strcmp(e->mountpoint, pv->posix_dir) == 0
	};
	for (size_t i = 0; i < r->nmounts && !m; i++)	/* a later mount hides the earlier */
		m = strcmp(r->mounts[i].mountpoint, e->mountpoint) == 0 ? &r->mounts[i] : NULL;
	if (!m) {
		if (r->nmounts == pv->capmounts) {
			pv->capmounts = pv->capmounts ? pv->capmounts * 2 : 16;
			r->mounts = xreallocarray(r->mounts, pv->capmounts, sizeof *r->mounts);
		}
		m = &r->mounts[r->nmounts++];
		m->mountpoint = xstrdup(e->mountpoint);
	}
	m->dev_major = e->major;
	m->dev_minor = e->minor;
	return 0;
}

static void shmem_mounts(struct shmem_report *r)
{
	struct shmem_private *pv = r->priv;

	if (pv->real) {
		ssize_t n = procfs_read(pv->procfd, "self/mountinfo", &pv->buf);

		if (n > 0)
			mountinfo_parse(pv->buf.data, n, shmem_take_mount, r);
	} else {
		mountinfo_parse(pv->mountinfo, pv->mountinfo_len, shmem_take_mount, r);
	}
	for (size_t i = 0; i < r->nmounts; i++)
		shmem_statvfs(&r->mounts[i]);
}

static const struct shmem_dev *shmem_tmpfs_dev(const struct shmem_private *pv, unsigned major,
					       unsigned minor)
{
	for (size_t i = 0; i < pv->ndevs; i++) {
		if (pv->devs[i].major == major && pv->devs[i].minor == minor)
			return &pv->devs[i];
	}
	return NULL;
}

/* ---- files in /dev/shm ---- */

static void shmem_file_figures(struct shmem_object *o, const struct stat *st)
{
	shmem_set(&o->size, (uint64_t)st->st_size);
	shmem_set(&o->used, (uint64_t)st->st_blocks * 512);	/* pages in RAM or in swap */
}

static void shmem_walk(struct shmem_report *r, int dirfd, const char *dir, int depth);

static void shmem_walk_entry(struct shmem_report *r, int dirfd, const char *dir, const char *name,
			     int depth)
{
	struct stat st;
	char *path;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return;
	path = xasprintf("%s/%s", dir, name);
	if (S_ISREG(st.st_mode)) {
		struct shmem_object *o = shmem_add(r, SHMEM_POSIX, path, strlen(path),
						   major(st.st_dev), minor(st.st_dev), st.st_ino);

		shmem_file_figures(o, &st);
	} else if (depth >= SHMEM_WALK_DEPTH) {
		r->truncated = true;
	} else {
		int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (fd >= 0)
			shmem_walk(r, fd, path, depth + 1);
	}
	free(path);
}

/* Lists the regular files under dirfd (which it closes), subdirectories included. */
static void shmem_walk(struct shmem_report *r, int dirfd, const char *dir, int depth)
{
	struct shmem_private *pv = r->priv;
	DIR *d = fdopendir(dirfd);
	struct dirent *de;

	if (!d) {
		close(dirfd);
		return;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (pv->walked++ >= SHMEM_WALK_FILES) {
			r->truncated = true;
			break;
		}
		shmem_walk_entry(r, dirfd, dir, de->d_name, depth);
	}
	closedir(d);
}

static void shmem_posix_files(struct shmem_report *r)
{
	struct shmem_private *pv = r->priv;
	bool tmpfs = false;
	int fd;

	for (size_t i = 0; i < pv->ndevs; i++)
		tmpfs |= pv->devs[i].posix;
	if (!tmpfs)
		return;	/* not a tmpfs here: its files are not shmem */
	fd = open(pv->posix_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pv->walked = 0;
	if (fd >= 0)
		shmem_walk(r, fd, pv->posix_dir, 0);
}

/* ---- SysV segments ---- */

static int shmem_take_sysv(const struct shmem_sysv *seg, void *ctx)
{
	struct shmem_report *r = ctx;
	char name[16];
	struct shmem_object *o;

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
	return 0;
}

static void shmem_sysv(struct shmem_report *r)
{
	struct shmem_private *pv = r->priv;
	ssize_t n = procfs_read(pv->procfd, "sysvipc/shm", &pv->buf);

	r->sysv_known = n > 0 && shmem_parse_sysv(pv->buf.data, n, shmem_take_sysv, r) >= 0;
}

/* ---- the processes' mappings ---- */

/* The object a mapping belongs to, added when not seen before (a memfd, a shared
 * anonymous region, a deleted file, a segment of another IPC namespace). */
static struct shmem_object *shmem_object_of(struct shmem_report *r, const struct smaps_vma *v,
					    enum shmem_kind kind)
{
	bool sysv = kind == SHMEM_SYSV;
	struct shmem_object *o = shmem_find(r, sysv, v->dev_major, v->dev_minor, v->inode);
	const char *name = v->path;
	size_t len = v->path_len;

	if (o)
		return o;
	if (kind == SHMEM_MEMFD || kind == SHMEM_SYSV) {
		name++;		/* "/memfd:x" -> "memfd:x": not a path */
		len--;
	} else if (kind == SHMEM_ANON && name[0] == '/') {
		len = 0;	/* "/dev/zero (deleted)" is the kernel's label, not a name */
	}
	o = shmem_add(r, kind, name, len, sysv ? 0 : v->dev_major, sysv ? 0 : v->dev_minor, v->inode);
	o->deleted = v->deleted;
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
	return u;
}

static void shmem_user_add(struct fval *sum, const struct smaps_vma *v, enum smaps_field f, bool first)
{
	if (first)
		shmem_set(sum, 0);
	if (!(v->known & (1ull << f)))
		sum->st = V_UNKNOWN;
	else if (sum->st == V_KNOWN)
		sum->u += v->val[f];
}

static int shmem_vma_cb(const struct smaps_vma *v, void *ctx)
{
	struct shmem_private *pv = ctx;
	const struct shmem_dev *dev = shmem_tmpfs_dev(pv, v->dev_major, v->dev_minor);
	int kind = shmem_kind_of(v->path, v->path_len, v->deleted, v->perms, dev != NULL,
				 dev && dev->posix);
	struct shmem_user *u;
	bool first;

	if (kind < 0)
		return 0;
	pv->found = true;
	if (pv->probe)
		return 1;	/* one is enough to know smaps is worth reading */
	u = shmem_user_of(shmem_object_of(pv->r, v, kind), pv->cur);
	first = u->nmaps++ == 0;
	u->size += v->end - v->start;
	if (!pv->values) {
		u->rss.st = u->pss.st = u->swap_pss.st = V_UNKNOWN;
		return 0;
	}
	shmem_user_add(&u->rss, v, SMAPS_RSS, first);
	shmem_user_add(&u->pss, v, SMAPS_PSS, first);
	shmem_user_add(&u->swap_pss, v, SMAPS_SWAP_PSS, first);
	return 0;
}

static int shmem_feed(const char *data, size_t len, void *ctx)
{
	return smaps_parser_feed(ctx, data, len);
}

/* Streams maps or smaps of the process through the parser. Returns 0, 1 when the probe
 * stopped at a shmem mapping, or -errno. */
static int shmem_read(struct shmem_private *pv, int dirfd, const char *file, bool probe, bool values)
{
	int rc;

	pv->probe = probe;
	pv->values = values;
	pv->found = false;
	smaps_parser_reset(pv->parser);
	rc = procfs_stream(dirfd, file, &pv->chunk, shmem_feed, pv->parser);
	if (rc == 0)
		rc = smaps_parser_finish(pv->parser);
	if (rc == -EINVAL)
		rc = 0;		/* a malformed line is skipped, the rest still counts */
	return rc < 0 ? rc : pv->found;
}

static void shmem_scan(struct shmem_report *r, const struct proc *p)
{
	struct shmem_private *pv = r->priv;
	struct procdir_stat st;
	int fd, rc;

	if (p->kernel_thread || p->state == 'Z')
		return;
	fd = procdir_open(pv->procfd, p->pid, &p->start_ticks, &pv->buf, &st);
	if (fd < 0) {
		r->unreadable += fd != -ESRCH && fd != -ESTALE;	/* gone is not unreadable */
		return;
	}
	pv->cur = p;
	rc = shmem_read(pv, fd, "maps", true, false);
	if (rc == 1)
		rc = shmem_read(pv, fd, "smaps", false, true);
	if (rc < 0 && rc != -ESRCH && rc != -ENOENT)
		r->unreadable++;	/* gone meanwhile is not unreadable */
	close(fd);
}

/* ---- totals ---- */

/* What a memfd or shared anonymous region holds, and a file that was not in the walk. */
static void shmem_object_figures(struct shmem_object *o)
{
	struct fval used = { .st = V_KNOWN };
	uint64_t size = 0;
	struct stat st;

	if (o->used.st == V_KNOWN || o->kind == SHMEM_SYSV)
		return;
	if ((o->kind == SHMEM_POSIX || o->kind == SHMEM_TMPFS) && !o->deleted &&
	    stat(o->name, &st) == 0 && st.st_ino == o->inode && major(st.st_dev) == o->dev_major &&
	    minor(st.st_dev) == o->dev_minor) {
		shmem_file_figures(o, &st);
		return;
	}
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

static struct shmem_report *shmem_report_new(int procfd, const char *posix_dir)
{
	struct shmem_report *r = xcalloc(1, sizeof *r);
	struct shmem_private *pv = xcalloc(1, sizeof *pv);

	r->priv = pv;
	pv->procfd = procfd;
	pv->posix_dir = xstrdup(posix_dir);
	pv->r = r;
	pv->parser = smaps_parser_create(shmem_vma_cb, pv);
	if (!pv->parser) {
		shmem_report_free(r);
		errno = ENOMEM;
		return NULL;
	}
	return r;
}

struct shmem_report *shmem_report_create(void)
{
	int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct shmem_report *r;

	if (fd < 0)
		return NULL;
	r = shmem_report_new(fd, "/dev/shm");
	if (r)
		r->priv->real = true;
	return r;
}

struct shmem_report *shmem_report_create_at(int procfd, const char *mountinfo, size_t len,
					    const char *posix_dir)
{
	int fd = fcntl(procfd, F_DUPFD_CLOEXEC, 0);
	struct shmem_report *r;

	if (fd < 0)
		return NULL;
	r = shmem_report_new(fd, posix_dir);
	if (r) {
		r->priv->mountinfo = xstrndup(mountinfo, len);
		r->priv->mountinfo_len = strlen(r->priv->mountinfo);
	}
	return r;
}

void shmem_report_free(struct shmem_report *r)
{
	struct shmem_private *pv;

	if (!r)
		return;
	pv = r->priv;
	shmem_clear(r);
	free(r->objects);
	free(r->mounts);
	smaps_parser_free(pv->parser);
	buf_free(&pv->buf);
	buf_free(&pv->chunk);
	free(pv->devs);
	free(pv->slots);
	free(pv->mountinfo);
	free(pv->posix_dir);
	if (pv->procfd >= 0)
		close(pv->procfd);
	free(pv);
	free(r);
}

int shmem_report_update(struct shmem_report *r, const struct snapshot *snap)
{
	shmem_clear(r);
	shmem_mounts(r);
	shmem_posix_files(r);
	shmem_sysv(r);
	for (size_t i = 0; i < snap->nprocs; i++)
		shmem_scan(r, snap->procs[i]);
	shmem_totals(r);
	return 0;
}
