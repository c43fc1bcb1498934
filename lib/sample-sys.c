/* The sampler's machine-wide reading: system figures and their rates, the mounts (tmpfs
 * devices, the memory cgroup hierarchy), each cgroup's limits, and the shmem sources (the
 * /dev/shm tree, SysV segments, tmpfs mounts and the files processes map). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mountinfo.h"
#include "sample-int.h"
#include "system.h"
#include "xalloc.h"

#define SHMEM_WALK_DEPTH 16		/* /dev/shm subdirectories followed this deep */
#define SHMEM_WALK_FILES 65536		/* files listed at most */

void sampler_note_errno(struct sampler *s, int err)
{
	if (!s->fatal && (err == EMFILE || err == ENFILE || err == ENOMEM))
		s->fatal = err;
}

/* The machine's headroom, MemAvailable + SwapFree: its history, its slope, and when it runs
 * out at that pace. */
static void sampler_sys_trend(struct sampler *s, struct system *sys)
{
	const struct fval *avail = &sys->mem[SYS_MEM_AVAILABLE], *swap_free = &sys->mem[SYS_SWAP_FREE];
	struct trend_figs f = { .known = 0 };

	if (avail->st == V_KNOWN && swap_free->st == V_KNOWN) {
		f.v[TREND_HEADROOM] = avail->u + swap_free->u;
		f.known = 1u << TREND_HEADROOM;
	}
	trend_observe(s->sys_hist, s->now, &f, &s->trend);
	trend_system(&sys->trend, s->sys_hist, &s->trend, f.known ? (double)f.v[TREND_HEADROOM] : -1);
}

void sampler_system(struct sampler *s, struct system *sys)
{
	double dt = s->now - s->prev_sys_time;

	system_read(s->p2, s->procfd, &s->buf, sys);
	for (int i = 0; i < SYSC_COUNT; i++) {
		struct fval *r = &sys->rate[i];
		const struct fval *c = &sys->count[i], *o = &s->prev_sys.count[i];

		r->st = V_UNKNOWN;
		if (s->prev_sys_time > 0 && dt > 0 && c->st == V_KNOWN && o->st == V_KNOWN) {
			r->d = c->u >= o->u ? (c->u - o->u) / dt : 0;
			r->st = V_KNOWN;
		}
	}
	s->prev_sys = *sys;
	s->prev_sys_time = s->now;
	sampler_sys_trend(s, sys);
}

/* ---- mounts ---- */

static int sampler_take_tmpfs(const struct mountinfo_entry *e, void *ctx)
{
	struct sampler *s = ctx;

	if (strcmp(e->fstype, "tmpfs") != 0)
		return 0;
	if (s->ntmpfs == s->captmpfs) {
		s->captmpfs = s->captmpfs ? s->captmpfs * 2 : 16;
		s->tmpfs = xreallocarray(s->tmpfs, s->captmpfs, sizeof *s->tmpfs);
		s->tmpfs_posix = xreallocarray(s->tmpfs_posix, s->captmpfs, sizeof *s->tmpfs_posix);
	}
	s->tmpfs[s->ntmpfs] = (struct segment_dev){ e->major, e->minor };
	s->tmpfs_posix[s->ntmpfs++] = strcmp(e->mountpoint, s->posix_dir) == 0;
	return 0;
}

/* The mountinfo text: the fake root's, or the machine's (read when it changed: the kernel
 * flags a changed mount table on a polled mountinfo descriptor). NULL when unchanged. */
static const char *sampler_mountinfo(struct sampler *s, size_t *len)
{
	struct pollfd pfd;
	ssize_t n;

	if (s->fake) {
		*len = strlen(s->mountinfo);
		return s->mounts_read ? NULL : s->mountinfo;
	}
	if (s->mountfd < 0)
		s->mountfd = openat(s->procfd, "self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (s->mountfd < 0) {
		sampler_note_errno(s, errno);
		return NULL;
	}
	pfd = (struct pollfd){ .fd = s->mountfd, .events = POLLPRI };
	if (s->mounts_read && (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & (POLLERR | POLLPRI))))
		return NULL;
	n = procfs_pread(s->mountfd, &s->buf);
	if (n < 0)
		return NULL;
	*len = (size_t)n;
	return s->buf.data;
}

void sampler_mounts(struct sampler *s)
{
	size_t len = 0;
	const char *text = sampler_mountinfo(s, &len);

	if (!text)
		return;
	if (!s->posix_dir)
		s->posix_dir = xstrdup("/dev/shm");
	s->mounts_read = true;
	s->ntmpfs = 0;
	mountinfo_parse(text, len, sampler_take_tmpfs, s);
	cgroup_set_clear(&s->cgroups);
	cgroup_layout_free(&s->cgroups.layout);
	cgroup_layout_parse(text, len, &s->cgroups.layout);
	if (s->cgroup_mountfd >= 0)
		close(s->cgroup_mountfd);
	s->cgroup_mountfd = -1;
	if (s->cgroups.layout.mount)
		s->cgroup_mountfd = open(s->cgroups.layout.mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

bool sampler_tmpfs(const struct sampler *s, unsigned major, unsigned minor, bool *posix)
{
	for (size_t i = 0; i < s->ntmpfs; i++) {
		if (s->tmpfs[i].major == major && s->tmpfs[i].minor == minor) {
			*posix = s->tmpfs_posix[i];
			return true;
		}
	}
	return false;
}

/* ---- cgroups ---- */

static int sampler_cgroup_dir(struct sampler *s, const struct cgroup_node *c)
{
	const char *rel = cgroup_relative(&s->cgroups.layout, c->path);
	int fd = -1;

	if (rel && s->cgroup_mountfd >= 0)
		fd = openat(s->cgroup_mountfd, *rel ? rel : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && rel)
		sampler_note_errno(s, errno);
	return fd;
}

/* Whether node i was read whole (room included) at this refresh. */
static bool sampler_room_read(const struct sampler *s, size_t i)
{
	return i < s->caprooms && s->rooms_gen[i] == s->gen;
}

/* Reads node i's figures; with room, what decides its headroom too (trends). */
static void sampler_cgroup_read(struct sampler *s, size_t i, bool room)
{
	struct cgroup_node *c = &s->cgroups.nodes[i];
	enum cgroup_version v = s->cgroups.layout.memory;
	int fd = sampler_cgroup_dir(s, c);

	c->readable = fd >= 0;
	cgroup_read_mem(fd, fd >= 0 ? v : CGROUP_NONE, &s->buf, &c->mem);
	if (room) {
		if (i >= s->caprooms) {
			size_t cap = s->cgroups.cap > i ? s->cgroups.cap : i + 1;

			s->rooms = xreallocarray(s->rooms, cap, sizeof *s->rooms);
			s->rooms_gen = xreallocarray(s->rooms_gen, cap, sizeof *s->rooms_gen);
			memset(s->rooms_gen + s->caprooms, 0, (cap - s->caprooms) * sizeof *s->rooms_gen);
			s->caprooms = cap;
		}
		cgroup_read_room(fd, fd >= 0 ? v : CGROUP_NONE, &c->mem, &s->buf, &s->rooms[i]);
		s->rooms_gen[i] = s->gen;
	}
	if (fd >= 0)
		close(fd);
}

void sampler_cgroups(struct sampler *s)
{
	for (size_t i = 0; i < s->cgroups.n; i++) {
		if (!sampler_room_read(s, i))	/* not read for a trend already */
			sampler_cgroup_read(s, i, false);
	}
}

bool sampler_cgroup_headroom(struct sampler *s, int node, uint64_t swap_free, uint64_t *room)
{
	for (int i = node; i >= 0; i = s->cgroups.nodes[i].parent) {
		if (!sampler_room_read(s, (size_t)i))
			sampler_cgroup_read(s, (size_t)i, true);
	}
	return cgroup_set_headroom(&s->cgroups, node, s->rooms, swap_free, room);
}

/* ---- shmem sources ---- */

static void shm_set(struct fval *v, uint64_t x)
{
	v->u = x;
	v->st = V_KNOWN;
}

static void sampler_file_figures(struct shmem_file *f, const struct stat *st)
{
	shm_set(&f->size, (uint64_t)st->st_size);
	shm_set(&f->used, (uint64_t)st->st_blocks * 512);	/* pages in RAM or in swap */
}

static int sampler_take_mount(const struct mountinfo_entry *e, void *ctx)
{
	struct shmem_sources *src = ctx;
	struct shmem_mount *m;
	struct statvfs sv;

	if (strcmp(e->fstype, "tmpfs") != 0)
		return 0;
	m = shmem_sources_mount(src, e->mountpoint);
	m->dev_major = e->major;
	m->dev_minor = e->minor;
	m->size.st = m->used.st = m->avail.st = V_UNKNOWN;
	if (statvfs(m->mountpoint, &sv) != 0)
		return 0;
	shm_set(&m->size, (uint64_t)sv.f_blocks * sv.f_frsize);
	shm_set(&m->used, (uint64_t)(sv.f_blocks - sv.f_bfree) * sv.f_frsize);
	shm_set(&m->avail, (uint64_t)sv.f_bavail * sv.f_frsize);
	return 0;
}

struct shm_walk {
	struct sampler *s;
	size_t walked;
};

static void sampler_walk(struct shm_walk *w, int dirfd, const char *dir, int depth);

static void sampler_walk_entry(struct shm_walk *w, int dirfd, const char *dir, const char *name, int depth)
{
	struct shmem_sources *src = &w->s->shmem_src;
	struct stat st;
	char *path;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return;
	path = xasprintf("%s/%s", dir, name);
	if (S_ISREG(st.st_mode)) {
		bool added;
		struct shmem_file *f = shmem_sources_file(src, path, strlen(path), major(st.st_dev),
							  minor(st.st_dev), st.st_ino, &added);

		f->posix = true;
		sampler_file_figures(f, &st);
	} else if (depth >= SHMEM_WALK_DEPTH) {
		src->truncated = true;
	} else {
		int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (fd >= 0)
			sampler_walk(w, fd, path, depth + 1);
		else
			sampler_note_errno(w->s, errno);
	}
	free(path);
}

/* Lists the regular files under dirfd (which it closes), subdirectories included. */
static void sampler_walk(struct shm_walk *w, int dirfd, const char *dir, int depth)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;

	if (!d) {
		close(dirfd);
		return;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (w->walked++ >= SHMEM_WALK_FILES) {
			w->s->shmem_src.truncated = true;
			break;
		}
		sampler_walk_entry(w, dirfd, dir, de->d_name, depth);
	}
	closedir(d);
}

static void sampler_posix_files(struct sampler *s)
{
	struct shm_walk w = { s, 0 };
	bool tmpfs = false;
	int fd;

	for (size_t i = 0; i < s->ntmpfs; i++)
		tmpfs |= s->tmpfs_posix[i];
	if (!tmpfs)
		return;	/* not a tmpfs here: its files are not shmem */
	fd = open(s->posix_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		sampler_walk(&w, fd, s->posix_dir, 0);
	else
		sampler_note_errno(s, errno);
}

/* Files on a tmpfs that processes map and the walk did not list (other tmpfs mounts):
 * their figures from their inode, when the file is still the one mapped. */
static void sampler_mapped_files(struct sampler *s)
{
	const struct snapshot *snap = &s->snap;

	for (size_t i = 0; i < snap->ntotal; i++) {
		const struct proc *p = snap->all[i];

		for (size_t k = 0; (p->have & SRC_SHMEM) && k < p->nshm; k++) {
			const struct shmem_map *m = &p->shm[k];
			struct shmem_file *f;
			struct stat st;
			bool added;

			if ((m->kind != SHMEM_POSIX && m->kind != SHMEM_TMPFS) || m->deleted)
				continue;
			f = shmem_sources_file(&s->shmem_src, m->name, m->name_len, m->dev_major,
					       m->dev_minor, m->inode, &added);
			if (!added)
				continue;
			f->posix = m->kind == SHMEM_POSIX;
			if (stat(f->name, &st) == 0 && st.st_ino == m->inode &&
			    major(st.st_dev) == m->dev_major && minor(st.st_dev) == m->dev_minor)
				sampler_file_figures(f, &st);
		}
	}
}

void sampler_shmem_sources(struct sampler *s)
{
	struct shmem_sources *src = &s->shmem_src;
	size_t len = 0;
	const char *text;
	ssize_t n;

	if (s->fake) {
		text = s->mountinfo;
		len = strlen(text);
	} else {
		n = s->mountfd >= 0 ? procfs_pread(s->mountfd, &s->chunk) : -EBADF;
		text = n > 0 ? s->chunk.data : "";
		len = n > 0 ? (size_t)n : 0;
	}
	mountinfo_parse(text, len, sampler_take_mount, src);
	sampler_posix_files(s);
	n = procfs_read(s->procfd, "sysvipc/shm", &s->buf);
	src->sysv_known = n > 0 && shmem_parse_sysv(s->buf.data, n, shmem_sources_sysv, src) >= 0;
	sampler_mapped_files(s);
}

void sampler_sys_free(struct sampler *s)
{
	oom_report_free(s->oom);
	shmem_report_free(s->shmem);
	shmem_sources_free(&s->shmem_src);
	cgroup_set_free(&s->cgroups);
	free(s->rooms);
	free(s->rooms_gen);
	free(s->sys_hist);
	if (s->mountfd >= 0)
		close(s->mountfd);
	if (s->cgroup_mountfd >= 0)
		close(s->cgroup_mountfd);
	free(s->tmpfs);
	free(s->tmpfs_posix);
	free(s->mountinfo);
	free(s->posix_dir);
}
