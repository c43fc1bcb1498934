/* The sampler's processes: listing, reading in tiers as the field registry says, reuse and
 * freshness, the snapshot. The machine-wide parts are in sample-sys.c. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kv.h"
#include "pidstat.h"
#include "procdir.h"
#include "procfs.h"
#include "procstatus.h"
#include "sample-int.h"
#include "system.h"
#include "xalloc.h"

#define PF_KTHREAD 0x00200000	/* include/linux/sched.h */
/* Steady state keeps two descriptors per process open (/proc/PID and its stat): a refresh
 * then reads stat with one pread(2) and the owner with fstat(2), instead of a path walk,
 * open(2), read(2) and close(2): 6 instead of 17 us a process here. Each kept stat holds a
 * 4 KiB seq_file buffer in the kernel, so their number is bounded; processes beyond it, or
 * beyond RLIMIT_NOFILE, are read the plain way. */
#define SAMPLER_KEEP_MAX 16384
#define SAMPLER_FD_RESERVE 64	/* descriptors left to the rest of memtop */
#define SAMPLER_FD_NEED 16	/* free at the start of a refresh, or it fails with EMFILE */

/* stat figures the registry names (field.h) */
enum stat_item { STAT_PPID, STAT_THREADS, STAT_MINFLT, STAT_MAJFLT, STAT_VSIZE, STAT_COUNT };
static const char *const stat_keys[STAT_COUNT] = { "ppid", "num_threads", "minflt", "majflt", "vsize" };

static int sampler_smaps_cb(const struct smaps_vma *vma, void *ctx);

static double sampler_clock(int clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fval_set_u(struct fval *v, uint64_t x)
{
	v->u = x;
	v->st = V_KNOWN;
}

static void fval_set_i(struct fval *v, int64_t x)
{
	v->i = x;
	v->st = V_KNOWN;
}

static void fval_set_d(struct fval *v, double x)
{
	v->d = x;
	v->st = V_KNOWN;
}

static int src_index(unsigned src)
{
	return __builtin_ctz(src);
}

static struct sproc *sproc_of(const struct proc *p)
{
	return (struct sproc *)p;	/* p is the first member */
}

/* ---- the registry, resolved once ---- */

static int stat_lookup(const char *k, size_t n)
{
	for (int i = 0; i < STAT_COUNT; i++) {
		if (strlen(stat_keys[i]) == n && memcmp(stat_keys[i], k, n) == 0)
			return i;
	}
	return -1;
}

/* Each field's key parts, in the vocabulary of its source's parser. A key nothing knows
 * leaves the field unknown (test-field checks that none does). */
static void sampler_resolve(struct sampler *s)
{
	for (int i = 0; i < FLD_COUNT; i++) {
		const char *part[SAMPLER_KEY_PARTS];
		size_t len[SAMPLER_KEY_PARTS];
		int n = field_key_parts(i, part, len, SAMPLER_KEY_PARTS);
		struct sampler_field f = { .id = i, .nparts = n };
		int (*lookup)(const char *, size_t) = NULL;
		struct sampler_field *to = NULL;
		int *count = NULL;

		if (n == 0 || fields[i].type == FT_RATE)
			continue;
		switch (fields[i].src) {
		case SRC_STATUS:
			lookup = procstatus_lookup, to = s->status_f, count = &s->nstatus;
			break;
		case SRC_PSS:
		case SRC_ROLLUP:
			lookup = smaps_field_lookup, to = s->smaps_f, count = &s->nsmaps;
			break;
		case SRC_SMAPS:
			lookup = segment_lookup, to = s->seg_f, count = &s->nseg;
			break;
		case SRC_STAT:
			lookup = stat_lookup, to = s->stat_f, count = &s->nstat;
			break;
		default:
			continue;	/* SRC_OOM, SRC_KSM: the key is read as it is */
		}
		for (int k = 0; k < n; k++) {
			f.part[k] = lookup(part[k], len[k]);
			if (f.part[k] < 0)
				break;
			if (fields[i].src == SRC_PSS)
				s->summed |= 1ull << f.part[k];
			if (k == n - 1)
				to[(*count)++] = f;
		}
	}
}

/* ---- life cycle ---- */

static struct sampler *sampler_new(int procfd, bool fake)
{
	struct sampler *s = xcalloc(1, sizeof *s);
	int dfd = fcntl(procfd, F_DUPFD_CLOEXEC, 0);

	s->procfd = procfd;
	s->fake = fake;
	s->mountfd = s->cgroup_mountfd = -1;
	s->page_size = sysconf(_SC_PAGESIZE);
	s->procdir = dfd >= 0 ? fdopendir(dfd) : NULL;
	s->parser = smaps_parser_create(sampler_smaps_cb, s);
	s->p2 = fake ? NULL : proc2_create();
	s->oom = oom_report_create();
	s->shmem = shmem_report_create();
	if (!s->procdir || !s->parser || (!fake && !s->p2)) {
		int e = errno ? errno : ENOMEM;

		if (dfd >= 0 && !s->procdir)
			close(dfd);
		sampler_free(s);
		errno = e;
		return NULL;
	}
	sampler_resolve(s);
	s->trend = trend_params_default();
	s->sys_hist = trend_hist_create(TREND_CAP);
	return s;
}

struct sampler *sampler_create(void)
{
	int fd = procfs_root();

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	if (faccessat(fd, "self/stat", R_OK, 0) != 0) {
		errno = errno == EMFILE || errno == ENFILE ? errno : ENOENT;	/* no procfs on /proc */
		return NULL;
	}
	return sampler_new(fd, false);
}

struct sampler *sampler_create_at(const struct sampler_root *root)
{
	int fd = fcntl(root->procfd, F_DUPFD_CLOEXEC, 0);
	struct sampler *s;

	if (fd < 0)
		return NULL;
	s = sampler_new(fd, true);
	if (!s) {
		close(fd);
		return NULL;
	}
	s->mountinfo = xstrdup(root->mountinfo ? root->mountinfo : "");
	s->posix_dir = xstrdup(root->posix_dir ? root->posix_dir : "/dev/shm");
	return s;
}

static void sproc_clear_maps(struct sproc *sp)
{
	struct proc *p = &sp->p;

	for (size_t i = 0; i < p->nmaps; i++)
		free(p->maps[i].path);
	free(p->maps);
	p->maps = NULL;
	p->nmaps = sp->capmaps = 0;
}

static void sproc_clear_shm(struct sproc *sp)
{
	struct proc *p = &sp->p;

	for (size_t i = 0; i < p->nshm; i++)
		free(p->shm[i].name);
	p->nshm = 0;
}

static void sampler_forget(struct sampler *s, struct sproc *sp)
{
	struct proc *p = &sp->p;

	if (sp->dirfd >= 0) {
		close(sp->dirfd);
		close(sp->statfd);
		s->keep_left++;
	}
	sproc_clear_maps(sp);
	sproc_clear_shm(sp);
	free(p->shm);
	free(p->seg);
	free(p->user);
	free(p->comm);
	free(p->cmdline);
	free(sp->cgroup_path);
	free(sp->hist);
	free(sp);
}

void sampler_free(struct sampler *s)
{
	if (!s)
		return;
	for (int i = 0; i < SAMPLER_HASH; i++) {
		for (struct sproc *p = s->hash[i], *n; p; p = n) {
			n = p->hnext;
			sampler_forget(s, p);
		}
	}
	for (int i = 0; i < SAMPLER_USERS; i++) {
		for (struct sampler_user *u = s->users[i], *n; u; u = n) {
			n = u->next;
			free(u->name);
			free(u);
		}
	}
	sampler_sys_free(s);
	proc2_free(s->p2);
	smaps_parser_free(s->parser);
	buf_free(&s->buf);
	buf_free(&s->chunk);
	free(s->all);
	free(s->sel);
	free(s->pub);
	free(s->fresh);
	if (s->procdir)
		closedir(s->procdir);
	if (s->fake)
		close(s->procfd);
	free(s);
}

/* ---- processes, by pid and start time ---- */

/* Replaces *dst only when the text changed: most names stay the same between refreshes. */
static void proc_set_str(char **dst, const char *src, size_t len)
{
	if (*dst && strlen(*dst) == len && memcmp(*dst, src, len) == 0)
		return;
	free(*dst);
	*dst = xstrndup(src, len);
}

/* The name of a uid, or the uid in digits when it has none; looked up once per sampler. */
static const char *sampler_user(struct sampler *s, uint32_t uid)
{
	struct sampler_user **head = &s->users[uid % SAMPLER_USERS], *u;
	struct passwd *pw;

	for (u = *head; u; u = u->next) {
		if (u->uid == uid)
			return u->name;
	}
	pw = getpwuid(uid);
	u = xmalloc(sizeof *u);
	u->uid = uid;
	u->name = pw && pw->pw_name && pw->pw_name[0] ? xstrdup(pw->pw_name) : xasprintf("%u", (unsigned)uid);
	u->next = *head;
	*head = u;
	return u->name;
}

/* The process that had pid at the previous refresh, whoever it was. */
static struct sproc *sampler_find(struct sampler *s, int pid)
{
	struct sproc *p = s->hash[(unsigned)pid % SAMPLER_HASH];

	while (p && p->p.pid != pid)
		p = p->hnext;
	return p;
}

static void sampler_unlink(struct sampler *s, struct sproc *sp)
{
	struct sproc **pp = &s->hash[(unsigned)sp->p.pid % SAMPLER_HASH];

	while (*pp != sp)
		pp = &(*pp)->hnext;
	*pp = sp->hnext;
}

static struct sproc *sampler_lookup(struct sampler *s, int pid, uint64_t start)
{
	struct sproc *sp = sampler_find(s, pid);

	if (sp && sp->p.start_ticks == start)
		return sp;
	if (sp) {	/* the pid was reused: a new process that inherits nothing */
		sampler_unlink(s, sp);
		sampler_forget(s, sp);
	}
	sp = xcalloc(1, sizeof *sp);
	sp->p.pid = pid;
	sp->p.start_ticks = start;
	sp->p.cgroup = -1;
	sp->dirfd = sp->statfd = -1;
	sp->changed_time = s->now;
	sp->hnext = s->hash[(unsigned)pid % SAMPLER_HASH];
	s->hash[(unsigned)pid % SAMPLER_HASH] = sp;
	return sp;
}

/* The descriptor and path to open one of p's files with: its own /proc/PID when kept, so
 * that a pid reused since cannot be read by mistake. */
static int sampler_at(const struct sampler *s, const struct sproc *sp, const char *file, char *path, size_t n)
{
	if (sp->dirfd >= 0) {
		snprintf(path, n, "%s", file);
		return sp->dirfd;
	}
	snprintf(path, n, "%d/%s", sp->p.pid, file);
	return s->procfd;
}

/* ---- what a snapshot presents ---- */

/* At each refresh a process presents its stat figures only: what else it had is hidden
 * (its states kept) until this refresh reads it again or reuses it. A figure a face prints
 * is never one left over from an earlier refresh by mistake. */
static void proc_hide(struct sproc *sp)
{
	struct proc *p = &sp->p;
	unsigned hide = p->have & ~SRC_STAT;

	for (int i = 0; hide && i < FLD_COUNT; i++) {
		if (fields[i].src & hide) {
			sp->kept[i] = p->f[i].st;
			p->f[i].st = V_UNKNOWN;
		}
	}
	if (hide & SRC_SMAPS) {
		sp->seg_kept = p->has_segments;
		p->has_segments = false;
	}
	p->have = SRC_STAT;
	p->trend = (struct proc_trend){ 0 };
	sp->reused = 0;
	p->pss_age = p->smaps_age = 0;
	p->cgroup = -1;
	p->selected = false;
}

/* Presents figures read at an earlier refresh again. */
static void proc_present(struct sampler *s, struct sproc *sp, unsigned src)
{
	struct proc *p = &sp->p;

	for (int i = 0; i < FLD_COUNT; i++) {
		if (fields[i].src & src & ~p->have)
			p->f[i].st = sp->kept[i];
	}
	if (src & SRC_SMAPS & ~p->have) {
		p->has_segments = sp->seg_kept;
		p->smaps_age = s->now - sp->read_at[SI_SMAPS];
	}
	p->have |= src;
	sp->reused |= src;
}

/* Marks the figures a source provides as not applicable (kernel threads, zombies). */
static void proc_mark_na(struct sproc *sp, unsigned src)
{
	struct proc *p = &sp->p;

	for (int i = 0; i < FLD_COUNT; i++) {
		if ((fields[i].src & src) && fields[i].type != FT_STR)
			p->f[i].st = V_NA;
	}
	if (src & SRC_SMAPS)
		p->has_segments = false;
	if (src & SRC_SHMEM)
		sproc_clear_shm(sp);
	p->have |= src;
}

static void proc_mark_unknown(struct sproc *sp, unsigned src)
{
	for (int i = 0; i < FLD_COUNT; i++) {
		if (fields[i].src & src)
			sp->p.f[i].st = V_UNKNOWN;
	}
	for (unsigned b = src; b; b &= b - 1)
		sp->read_at[src_index(b & -b)] = 0;	/* nothing to reuse */
}

static bool proc_gone(int err)
{
	return err == -ENOENT || err == -ESRCH;
}

/* A read failed: the process exited (left out), memtop ran out of something (the refresh
 * fails), or it is not allowed (the figures stay unknown). */
static void sampler_read_failed(struct sampler *s, struct sproc *sp, int err)
{
	sp->gone |= proc_gone(err);
	sampler_note_errno(s, -err);
}

/* ---- tier 1: stat ---- */

static void sampler_rates(struct sampler *s, struct sproc *sp, const struct pidstat *st)
{
	struct proc *p = &sp->p;
	double dt = s->now - sp->prev_time;
	uint64_t rss = st->rss_pages * (uint64_t)s->page_size;

	if (sp->prev_time > 0 && dt > 0) {
		fval_set_d(&p->f[FLD_MINFLT_RATE], (st->minflt >= sp->prev_minflt ? st->minflt - sp->prev_minflt : 0) / dt);
		fval_set_d(&p->f[FLD_MAJFLT_RATE], (st->majflt >= sp->prev_majflt ? st->majflt - sp->prev_majflt : 0) / dt);
	} else {
		p->f[FLD_MINFLT_RATE].st = V_UNKNOWN;
		p->f[FLD_MAJFLT_RATE].st = V_UNKNOWN;
	}
	/* a process whose faults, rss and vsize did not move has not changed its own pages */
	if (sp->prev_time > 0 && (st->minflt != sp->prev_minflt || st->majflt != sp->prev_majflt ||
				  rss != sp->prev_rss || st->vsize != sp->prev_vsize))
		sp->changed_time = s->now;
	sp->prev_minflt = st->minflt;
	sp->prev_majflt = st->majflt;
	sp->prev_rss = rss;
	sp->prev_vsize = st->vsize;
	sp->prev_time = s->now;
}

static uint64_t stat_value(const struct pidstat *st, enum stat_item i)
{
	switch (i) {
	case STAT_PPID:
		return (uint64_t)st->ppid;
	case STAT_THREADS:
		return st->nlwp > 0 ? (uint64_t)st->nlwp : 0;
	case STAT_MINFLT:
		return st->minflt;
	case STAT_MAJFLT:
		return st->majflt;
	default:
		return st->vsize;
	}
}

/* Tier 1: what stat says, for every process on every refresh. */
static void sampler_take(struct sampler *s, struct sproc *sp, const struct pidstat *st, uint32_t uid)
{
	struct proc *p = &sp->p;
	const char *user = sampler_user(s, uid);

	if (s->nall == s->capall) {
		s->capall = s->capall ? s->capall * 2 : 1024;
		s->all = xreallocarray(s->all, s->capall, sizeof *s->all);
	}
	s->all[s->nall++] = sp;
	sp->gen = s->gen;
	sp->gone = false;
	proc_hide(sp);
	p->ppid = st->ppid;
	p->uid = uid;
	p->state = st->state ? st->state : '?';
	p->kernel_thread = (st->flags & PF_KTHREAD) != 0;
	proc_set_str(&p->user, user, strlen(user));
	proc_set_str(&p->comm, st->comm, st->comm_len);
	fval_set_i(&p->f[FLD_PID], p->pid);
	fval_set_i(&p->f[FLD_UID], p->uid);
	for (int i = 0; i < s->nstat; i++) {
		struct fval *v = &p->f[s->stat_f[i].id];
		uint64_t x = stat_value(st, s->stat_f[i].part[0]);

		if (fields[s->stat_f[i].id].type == FT_INT)
			fval_set_i(v, (int64_t)x);
		else
			fval_set_u(v, x);
	}
	if (!proc_has_mm(p))
		p->f[FLD_VIRT].st = V_NA;
	sampler_rates(s, sp, st);
}

/* The first process seen twice starts the steady state. The soft limit on descriptors may
 * be raised to the hard one without asking anyone. */
static void sampler_start_keeping(struct sampler *s)
{
	struct rlimit rl;
	rlim_t room;

	s->keep_fds = true;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit want = { rl.rlim_max, rl.rlim_max };

		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			rl = want;
	}
	room = rl.rlim_cur == RLIM_INFINITY ? 2 * SAMPLER_KEEP_MAX : rl.rlim_cur;
	room = room > SAMPLER_FD_RESERVE ? (room - SAMPLER_FD_RESERVE) / 2 : 0;
	s->keep_left = room < SAMPLER_KEEP_MAX ? (long)room : SAMPLER_KEEP_MAX;
}

/* Opens /proc/PID and its stat to keep, within the budget; false when they are not kept. */
static bool sampler_keep(struct sampler *s, const char *name, int *dfd, int *sfd)
{
	if (!s->keep_fds)
		sampler_start_keeping(s);
	if (s->keep_left <= 0)
		return false;
	*dfd = openat(s->procfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dfd < 0) {
		if (errno == EMFILE || errno == ENFILE)
			s->keep_left = 0;
		return false;
	}
	*sfd = openat(*dfd, "stat", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (*sfd < 0) {
		if (errno == EMFILE || errno == ENFILE)
			s->keep_left = 0;
		close(*dfd);
		return false;
	}
	s->keep_left--;
	return true;
}

static void sampler_queue_fresh(struct sampler *s, int pid)
{
	if (s->nfresh == s->capfresh) {
		s->capfresh = s->capfresh ? s->capfresh * 2 : 256;
		s->fresh = xreallocarray(s->fresh, s->capfresh, sizeof *s->fresh);
	}
	s->fresh[s->nfresh++] = pid;
}

/* Reads one process's stat the plain way (a tree libproc2 cannot read, or no descriptor
 * left to keep). */
static void sampler_visit_plain(struct sampler *s, int pid)
{
	char name[32];
	struct pidstat st;
	struct stat sb;
	ssize_t n;

	snprintf(name, sizeof name, "%d/stat", pid);
	n = procfs_read(s->procfd, name, &s->buf);
	if (n < 0)
		sampler_note_errno(s, (int)-n);
	snprintf(name, sizeof name, "%d", pid);
	if (n <= 0 || pidstat_parse(s->buf.data, n, &st) < 0 || st.pid != pid ||
	    fstatat(s->procfd, name, &sb, 0) != 0)
		return;
	sampler_take(s, sampler_lookup(s, pid, st.start_ticks), &st, sb.st_uid);
}

/* Reads one process's stat; its kept descriptors when it has them. */
static void sampler_visit(struct sampler *s, int pid)
{
	struct sproc *sp = sampler_find(s, pid);
	int dfd = -1, sfd = -1;
	struct pidstat st;
	struct stat sb;
	char name[16];
	ssize_t n;

	if (sp && sp->gen == s->gen)
		return;	/* named twice with -p */
	if (s->fake) {
		sampler_visit_plain(s, pid);
		return;
	}
	if (sp && sp->statfd >= 0) {
		n = procfs_pread(sp->statfd, &s->buf);
		if (n > 0 && pidstat_parse(s->buf.data, n, &st) == 0 && st.start_ticks == sp->p.start_ticks &&
		    fstat(sp->dirfd, &sb) == 0) {
			sampler_take(s, sp, &st, sb.st_uid);
			return;
		}
		/* the process it pinned is gone (ESRCH): the pid may now be another's */
		sampler_unlink(s, sp);
		sampler_forget(s, sp);
		sp = NULL;
	}
	snprintf(name, sizeof name, "%d", pid);
	/* descriptors only for a pid seen before: most short-lived processes never get any */
	if (!sp || !sampler_keep(s, name, &dfd, &sfd)) {
		sampler_queue_fresh(s, pid);
		return;
	}
	n = procfs_pread(sfd, &s->buf);
	if (n <= 0 || fstat(dfd, &sb) != 0 || pidstat_parse(s->buf.data, n, &st) < 0 || st.pid != pid) {
		close(dfd);	/* exited before it could be read */
		close(sfd);
		s->keep_left++;
		return;
	}
	sp = sampler_lookup(s, pid, st.start_ticks);
	sp->dirfd = dfd;
	sp->statfd = sfd;
	/* the owner of /proc/PID is the euid (root for a non-dumpable process, as ps shows) */
	sampler_take(s, sp, &st, sb.st_uid);
}

/* libproc2 escapes comm: the raw bytes, which the faces sanitize themselves, come from
 * /proc/PID/comm when they may differ. */
static void sampler_take_fresh(const struct proc2_task *t, void *ctx)
{
	struct sampler *s = ctx;
	struct pidstat st = t->st;
	struct sproc *sp;
	char path[32];
	ssize_t n;

	if (t->comm_escaped) {
		snprintf(path, sizeof path, "%d/comm", st.pid);
		n = procfs_read(s->procfd, path, &s->buf);
		if (n > 0 && s->buf.data[n - 1] == '\n')
			n--;
		if (n > 0) {
			st.comm = s->buf.data;
			st.comm_len = n;
		}
	}
	sp = sampler_find(s, st.pid);
	if (sp && sp->gen == s->gen)
		return;	/* named twice with -p */
	sp = sampler_lookup(s, st.pid, st.start_ticks);
	sampler_take(s, sp, &st, t->euid);
}

static int sampler_pid(const char *name)
{
	int pid = 0;

	for (const char *c = name; *c; c++) {
		if (*c < '0' || *c > '9' || c - name >= 9)
			return 0;
		pid = pid * 10 + (*c - '0');
	}
	return pid;
}

/* Every process, or only the ones -p names (when nothing needs the others). Threads are not
 * listed in /proc itself. */
static int sampler_scan(struct sampler *s, const struct selection *sel, bool every)
{
	struct dirent *de;
	int rc = 0;

	s->nfresh = 0;
	s->snap.complete = every || !sel->npids;
	if (!s->snap.complete) {
		for (size_t i = 0; i < sel->npids; i++) {
			/* a thread's /proc/TID reads like a process: never list one as such */
			if (sel->pids[i] > 0 && procdir_tgid(s->procfd, sel->pids[i], &s->buf) == sel->pids[i])
				sampler_visit(s, sel->pids[i]);
		}
	} else {
		rewinddir(s->procdir);
		errno = 0;
		while ((de = readdir(s->procdir))) {
			int pid = sampler_pid(de->d_name);

			if (pid > 0)
				sampler_visit(s, pid);
			errno = 0;
		}
		rc = errno ? -errno : 0;
	}
	if (rc == 0 && s->nfresh) {
		int n = proc2_select(s->p2, s->fresh, s->nfresh, sampler_take_fresh, s);

		rc = n < 0 ? n : 0;
	}
	return rc;
}

/* ---- reuse ---- */

/* Figures read at `then` still hold when the process has not moved since, up to max_age.
 * Each process gets a bound of its own between 3/4 and all of max_age: processes first read
 * together then come due at different refreshes, not all in one long one. */
static bool sproc_fresh_since(const struct sproc *sp, double then, double now, double max_age)
{
	double spread = 1 - ((unsigned)sp->p.pid * 2654435761u >> 24) / 1024.0;

	return then > 0 && max_age > 0 && now - then <= max_age * spread && sp->changed_time <= then;
}

static bool sampler_reusable(const struct sampler *s, const struct sproc *sp, unsigned src, double max_age)
{
	return sproc_fresh_since(sp, sp->read_at[src_index(src)], s->now, max_age);
}

/* A process whose smaps_rollup (or smaps) took long to read is read again only once
 * SAMPLER_COST_FACTOR times that has passed: reading walks its page tables under its mmap
 * lock, and it must not be held up more than 1/SAMPLER_COST_FACTOR of the time. */
static bool sampler_costly(const struct sampler *s, const struct sproc *sp, unsigned src)
{
	double cost = src == SRC_PSS ? sp->pss_cost : sp->smaps_cost;
	double at = sp->read_at[src_index(src)], wait = cost * SAMPLER_COST_FACTOR;

	if (wait > SAMPLER_COST_MAX_AGE)
		wait = SAMPLER_COST_MAX_AGE;
	return at > 0 && cost >= SAMPLER_COST_MIN && s->now - at < wait;
}

/* ---- the command line ---- */

/* argv joined by spaces; "[comm]" when there is none (kernel threads, zombies), as ps shows
 * it. Kept while the process is idle: it changes with exec, which moves the figures, or with
 * a rewrite of argv in place, which may not (bounded by max_age, or re-read each time). */
static void sampler_cmdline(struct sampler *s, struct sproc *sp, double max_age)
{
	struct proc *p = &sp->p;
	char path[32];
	ssize_t n = 0;

	p->have |= SRC_CMDLINE;
	if (!p->kernel_thread && p->cmdline && sampler_reusable(s, sp, SRC_CMDLINE, max_age))
		return;
	if (!p->kernel_thread)
		n = procfs_read(sampler_at(s, sp, "cmdline", path, sizeof path), path, &s->buf);
	if (n < 0)
		sampler_note_errno(s, (int)-n);
	while (n > 0 && s->buf.data[n - 1] == '\0')
		n--;
	if (n <= 0) {
		n = snprintf(path, sizeof path, "[%s]", p->comm);
		proc_set_str(&p->cmdline, path, (size_t)n < sizeof path ? (size_t)n : sizeof path - 1);
		p->cmdline_len = strlen(p->cmdline);
		sp->read_at[SI_CMDLINE] = 0;	/* an argv may come once the process has set up */
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (s->buf.data[i] == '\0')
			s->buf.data[i] = ' ';
	}
	proc_set_str(&p->cmdline, s->buf.data, n);
	p->cmdline_len = n;
	sp->read_at[SI_CMDLINE] = s->now;
}

/* ---- selection ---- */

static bool selection_match(struct sampler *s, const struct sample_request *req, struct sproc *sp)
{
	switch (selection_check(&req->sel, &sp->p, req->sel.exclude_pid)) {
	case SEL_YES:
		return true;
	case SEL_CMDLINE:
		sampler_cmdline(s, sp, req->reuse_max_age);	/* only when the name did not match */
		return filter_match(req->sel.filter, sp->p.cmdline, sp->p.cmdline_len);
	default:
		return false;
	}
}

/* ---- small files: oom_score, ksm_stat, cgroup ---- */

static void sampler_read_oom(struct sampler *s, struct sproc *sp)
{
	for (int i = 0; i < FLD_COUNT; i++) {
		char path[64];
		long long v;
		int rc;

		if (fields[i].src != SRC_OOM)
			continue;
		/* reused only when asked (reuse_oom): oom_score_adj changes without the
		 * process doing anything */
		rc = procfs_read_int(sampler_at(s, sp, fields[i].key, path, sizeof path), path, &v);
		if (rc == 0)
			fval_set_i(&sp->p.f[i], v);
		else
			sp->p.f[i].st = V_UNKNOWN;
		if (rc < 0)
			sampler_read_failed(s, sp, rc);
	}
	sp->read_at[SI_OOM] = s->now;
	sp->p.have |= SRC_OOM;
}

/* "key value" lines, values in pages. Absent (kernels before 6.1): unknown. */
static void sampler_read_ksm(struct sampler *s, struct sproc *sp)
{
	char path[32];
	ssize_t n = procfs_read(sampler_at(s, sp, "ksm_stat", path, sizeof path), path, &s->buf);

	for (int i = 0; i < FLD_COUNT; i++) {
		size_t klen = fields[i].key ? strlen(fields[i].key) : 0;
		const char *p = s->buf.data, *end = p + (n > 0 ? n : 0);

		if (fields[i].src != SRC_KSM)
			continue;
		sp->p.f[i].st = V_UNKNOWN;
		while (p < end) {
			const char *nl = memchr(p, '\n', end - p), *eol = nl ? nl : end;
			uint64_t v;

			if ((size_t)(eol - p) > klen + 1 && memcmp(p, fields[i].key, klen) == 0 && p[klen] == ' ' &&
			    kv_parse_u64(p + klen + 1, eol - p - klen - 1, &v) == 0) {
				fval_set_u(&sp->p.f[i], v * (uint64_t)s->page_size);
				break;
			}
			p = eol + 1;
		}
	}
	if (n < 0)	/* ENOENT before Linux 6.1: unknown, the process is not gone */
		sampler_note_errno(s, (int)-n);
	sp->read_at[SI_KSM] = s->now;
	sp->p.have |= SRC_KSM;
}

static void sampler_read_cgroup(struct sampler *s, struct sproc *sp)
{
	enum cgroup_version v = s->cgroups.layout.memory;
	const char *path;
	char name[32];
	size_t len;
	ssize_t n;

	sp->p.have |= SRC_CGROUP;
	if (v == CGROUP_NONE)
		return;
	n = procfs_read(sampler_at(s, sp, "cgroup", name, sizeof name), name, &s->buf);
	if (n < 0)
		sampler_read_failed(s, sp, (int)n);
	if (n <= 0 || cgroup_parse_proc(s->buf.data, n, v, &path, &len) < 0)
		return;
	if (len > 1 && path[len - 1] == '/')
		len--;
	proc_set_str(&sp->cgroup_path, path, len);
	sp->p.cgroup = cgroup_set_get(&s->cgroups, sp->cgroup_path, len);
	sp->read_at[SI_CGROUP] = s->now;
}

/* Its memory cgroup; for a recorder (reuse_oom), an idle process's as read before (a
 * process moved to another cgroup is seen at the next keyframe). */
static void sampler_fill_cgroup(struct sampler *s, struct sproc *sp, double max_age)
{
	if (s->reuse_oom && sp->cgroup_path && sampler_reusable(s, sp, SRC_CGROUP, max_age)) {
		sp->p.cgroup = cgroup_set_get(&s->cgroups, sp->cgroup_path, strlen(sp->cgroup_path));
		sp->p.have |= SRC_CGROUP;
		return;
	}
	sampler_read_cgroup(s, sp);
}

/* ---- status ---- */

static void sampler_read_status(struct sampler *s, struct sproc *sp)
{
	struct proc *p = &sp->p;
	struct proc_status st;
	char path[32];
	ssize_t n;

	n = procfs_read(sampler_at(s, sp, "status", path, sizeof path), path, &s->buf);
	if (n < 0) {
		sampler_read_failed(s, sp, (int)n);
		proc_mark_unknown(sp, SRC_STATUS);
		p->have |= SRC_STATUS;
		return;
	}
	if (procstatus_parse(s->buf.data, n, &st) == 0) {
		proc_mark_na(sp, SRC_STATUS);	/* no mm: exited mid-read, or a kernel thread */
		return;
	}
	for (int i = 0; i < s->nstatus; i++) {
		const struct sampler_field *f = &s->status_f[i];
		struct fval *v = &p->f[f->id];

		fval_set_u(v, 0);
		for (int k = 0; k < f->nparts; k++) {
			if (!(st.known & (1u << f->part[k])))
				v->st = V_UNKNOWN;
			v->u += st.v[f->part[k]];
		}
	}
	sp->read_at[SI_STATUS] = s->now;
	p->have |= SRC_STATUS;
}

/* ---- smaps_rollup and smaps ---- */

static int sampler_feed(const char *data, size_t len, void *ctx)
{
	struct sampler *s = ctx;
	int rc = smaps_parser_feed(s->parser, data, len);

	return rc == -EINVAL ? 0 : rc;	/* the parser skips a bad line and goes on: so do we */
}

/* The registry's smaps figures from the rollup (or the sum over smaps: only the SRC_PSS ones,
 * smaps has no Pss_Anon). */
static void proc_set_rollup(struct sampler *s, struct proc *p, const struct smaps_vma *r, bool rollup)
{
	for (int i = 0; i < s->nsmaps; i++) {
		const struct sampler_field *f = &s->smaps_f[i];
		struct fval *v = &p->f[f->id];

		if (!rollup && fields[f->id].src == SRC_ROLLUP)
			continue;
		fval_set_u(v, 0);
		for (int k = 0; k < f->nparts; k++) {
			if (!(r->known & (1ull << f->part[k])))
				v->st = V_UNKNOWN;
			v->u += r->val[f->part[k]];
		}
	}
}

/* How long a read took, for sampler_costly(). */
static double sampler_elapsed(double since)
{
	return sampler_clock(CLOCK_MONOTONIC) - since;
}

static void sampler_read_rollup(struct sampler *s, struct sproc *sp)
{
	struct proc *p = &sp->p;
	double t0 = sampler_clock(CLOCK_MONOTONIC);
	char path[32];
	ssize_t n;

	n = procfs_read(sampler_at(s, sp, "smaps_rollup", path, sizeof path), path, &s->buf);
	sp->pss_cost = sampler_elapsed(t0);
	p->have |= SRC_ROLLUP | SRC_PSS;
	if (n <= 0) {
		proc_mark_unknown(sp, SRC_ROLLUP | SRC_PSS);
		p->rollup_errno = n < 0 ? (int)-n : 0;
		if (n == 0) {	/* no mm any more: the process is exiting */
			proc_mark_na(sp, SRC_ROLLUP | SRC_PSS);
			return;
		}
		if ((n == -EACCES || n == -EPERM) && p->selected)
			s->snap.nunreadable++;
		sampler_read_failed(s, sp, (int)n);
		return;
	}
	s->cur = NULL;
	s->rollup_seen = false;
	smaps_parser_reset(s->parser);
	smaps_parser_feed(s->parser, s->buf.data, n);
	smaps_parser_finish(s->parser);
	if (!s->rollup_seen) {
		proc_mark_unknown(sp, SRC_ROLLUP | SRC_PSS);
		p->rollup_errno = EINVAL;
		return;
	}
	proc_set_rollup(s, p, &s->rollup, true);
	p->rollup_errno = 0;
	sp->read_at[SI_ROLLUP] = sp->read_at[SI_PSS] = s->now;
}

static void sproc_add_mapping(struct sproc *sp, const struct smaps_vma *v, enum segment seg)
{
	struct proc *p = &sp->p;
	struct mapping *m;

	if (p->nmaps == sp->capmaps) {
		sp->capmaps = sp->capmaps ? sp->capmaps * 2 : 64;
		p->maps = xreallocarray(p->maps, sp->capmaps, sizeof *p->maps);
	}
	m = &p->maps[p->nmaps++];
	m->start = v->start;
	m->end = v->end;
	m->offset = v->offset;
	m->inode = v->inode;
	m->dev_major = v->dev_major;
	m->dev_minor = v->dev_minor;
	memcpy(m->perms, v->perms, sizeof m->perms);
	m->deleted = v->deleted;
	m->path = v->path_len ? xstrndup(v->path, v->path_len) : NULL;
	m->seg = seg;
	memcpy(m->val, v->val, sizeof m->val);
	m->known = v->known;
}

/* maps says "PATH (deleted)" for an unlinked file, and for a file literally named so: the
 * inode tells them apart (a file of that name with the mapping's inode is not deleted). */
static bool sampler_really_deleted(const struct smaps_vma *v, char **name)
{
	char *full;
	struct stat st;
	bool same;

	*name = NULL;
	if (!v->deleted || !v->path_len || v->path[0] != '/')
		return v->deleted;
	full = xasprintf("%s (deleted)", v->path);
	same = stat(full, &st) == 0 && st.st_ino == v->inode && major(st.st_dev) == v->dev_major &&
	       minor(st.st_dev) == v->dev_minor;
	if (same)
		*name = full;
	else
		free(full);
	return !same;
}

static struct shmem_map *sproc_add_shm(struct sproc *sp)
{
	struct proc *p = &sp->p;
	struct shmem_map *m;

	if (p->nshm == sp->capshm) {
		sp->capshm = sp->capshm ? sp->capshm * 2 : 4;
		p->shm = xreallocarray(p->shm, sp->capshm, sizeof *p->shm);
	}
	m = &p->shm[p->nshm++];
	memset(m, 0, sizeof *m);
	return m;
}

static void shm_value(struct fval *out, const struct smaps_vma *v, enum smaps_field f, bool values)
{
	out->u = v->val[f];
	out->st = values && (v->known & (1ull << f)) ? V_KNOWN : V_UNKNOWN;
}

/* A shmem mapping of the process, from maps (values false) or smaps. Returns whether it was
 * one. */
static bool sampler_shm_of(struct sampler *s, struct sproc *sp, const struct smaps_vma *v, bool values)
{
	bool posix = false, tmpfs = sampler_tmpfs(s, v->dev_major, v->dev_minor, &posix);
	int kind = shmem_kind_of(v->path, v->path_len, v->deleted, v->perms, tmpfs, posix);
	struct shmem_map *m;
	char *literal;

	if (kind < 0)
		return false;
	m = sproc_add_shm(sp);
	m->kind = kind;
	m->deleted = v->deleted;
	if ((kind == SHMEM_POSIX || kind == SHMEM_TMPFS) && !sampler_really_deleted(v, &literal)) {
		m->deleted = false;
		m->name = literal;
	}
	if (!m->name)
		m->name = xstrndup(v->path, v->path_len);
	m->name_len = strlen(m->name);
	m->dev_major = v->dev_major;
	m->dev_minor = v->dev_minor;
	m->inode = v->inode;
	m->size = v->end - v->start;
	shm_value(&m->rss, v, SMAPS_RSS, values);
	shm_value(&m->pss, v, SMAPS_PSS, values);
	shm_value(&m->swap_pss, v, SMAPS_SWAP_PSS, values);
	return true;
}

static int sampler_smaps_cb(const struct smaps_vma *vma, void *ctx)
{
	struct sampler *s = ctx;
	struct sproc *sp = s->cur;
	struct proc *p;
	enum segment seg;

	if (!sp) {	/* smaps_rollup: one pseudo-mapping holding the totals */
		s->rollup = *vma;
		s->rollup_seen = true;
		return 0;
	}
	p = &sp->p;
	if (s->probe)	/* maps: is any of it shmem? */
		return sampler_shm_of(s, sp, vma, false) ? 1 : 0;
	seg = segment_classify(&s->cls, vma);
	segment_totals_add(p->seg, seg, vma);
	s->nvma++;
	for (uint64_t b = s->summed; b; b &= b - 1) {
		int f = __builtin_ctzll(b);

		s->rollup.val[f] += vma->val[f];
		if (!(vma->known & (1ull << f)))
			s->rollup.known &= ~(1ull << f);
	}
	if (vma->path_len)	/* every kind of shmem has a name */
		sampler_shm_of(s, sp, vma, true);
	if (s->keep_maps) {
		char *literal = NULL;

		sproc_add_mapping(sp, vma, seg);
		if (vma->deleted && !sampler_really_deleted(vma, &literal)) {
			struct mapping *m = &p->maps[p->nmaps - 1];

			free(m->path);
			m->path = literal;
			m->deleted = false;
		}
	}
	return 0;
}

/* The executable's path, for telling its text/data from other file mappings. */
static const char *sampler_exe(struct sampler *s, const struct sproc *sp, char *buf, size_t n)
{
	char path[32];
	ssize_t len;

	len = readlinkat(sampler_at(s, sp, "exe", path, sizeof path), path, buf, n - 1);
	if (len <= 0)
		return NULL;	/* EACCES for other users' processes: the classifier guesses */
	buf[len] = '\0';
	if (len > 10 && strcmp(buf + len - 10, " (deleted)") == 0)
		buf[len - 10] = '\0';
	return buf;
}

/* Streams file (maps or smaps) of the process through the parser. Returns 0, the
 * callback's stop, or -errno. */
static int sampler_stream(struct sampler *s, struct sproc *sp, const char *file)
{
	char path[32];
	int at, rc;

	smaps_parser_reset(s->parser);
	at = sampler_at(s, sp, file, path, sizeof path);
	rc = procfs_stream(at, path, &s->chunk, sampler_feed, s);
	if (rc == 0)
		rc = smaps_parser_finish(s->parser);
	return rc == -EINVAL ? 0 : rc;
}

/* Reads smaps: segments, the shmem mappings, the mapping table with keep_maps, and the
 * SRC_PSS figures summed (no smaps_rollup read is then needed for them). */
static void sampler_read_smaps(struct sampler *s, struct sproc *sp, bool keep_maps)
{
	struct proc *p = &sp->p;
	double t0 = sampler_clock(CLOCK_MONOTONIC);
	char exe[4096];
	int rc;

	sproc_clear_maps(sp);
	sproc_clear_shm(sp);
	if (!p->seg)
		p->seg = xmalloc(sizeof *p->seg);
	memset(p->seg, 0, sizeof *p->seg);
	memset(&s->rollup, 0, sizeof s->rollup);
	s->rollup.known = ~0ull;
	s->nvma = 0;
	s->cur = sp;
	s->keep_maps = keep_maps;
	s->probe = false;
	segment_classifier_init(&s->cls, sampler_exe(s, sp, exe, sizeof exe), s->tmpfs, s->ntmpfs);
	rc = sampler_stream(s, sp, "smaps");
	s->cur = NULL;
	sp->smaps_cost = sampler_elapsed(t0);
	p->have |= SRC_SMAPS | SRC_SHMEM | (keep_maps ? SRC_MAPS_LIST : 0);
	if (rc < 0) {
		p->smaps_errno = -rc;
		p->has_segments = false;
		sproc_clear_maps(sp);
		sproc_clear_shm(sp);
		proc_mark_unknown(sp, SRC_SMAPS | SRC_SHMEM);
		s->shmem_src.unreadable += !proc_gone(rc);	/* its shmem mappings are not known */
		sampler_read_failed(s, sp, rc);
		return;
	}
	p->smaps_errno = 0;
	p->has_segments = true;
	for (int i = 0; i < s->nseg; i++)
		fval_set_u(&p->f[s->seg_f[i].id], p->seg->v[s->seg_f[i].part[0]][SEGF_RSS]);
	sp->read_at[SI_SMAPS] = sp->read_at[SI_SHMEM] = s->now;
	sp->shm_vsize = sp->prev_vsize;
	/* none: no mm any more, the process is exiting; a smaps_rollup read for this refresh
	 * already stays (exact, where the sum over smaps rounds each mapping down) */
	if (s->nvma > 0 && !(sp->read_at[SI_PSS] == s->now && (p->have & SRC_PSS))) {
		proc_set_rollup(s, p, &s->rollup, false);
		sp->read_at[SI_PSS] = s->now;
		sp->pss_cost = sp->smaps_cost;
	}
}

/* Shmem mappings without smaps: maps says whether there are any (cheap: no page walk);
 * smaps gives their figures for the processes that have some. */
static void sampler_read_shm(struct sampler *s, struct sproc *sp)
{
	int rc;

	sproc_clear_shm(sp);
	s->cur = sp;
	s->probe = true;
	rc = sampler_stream(s, sp, "maps");
	s->cur = NULL;
	s->probe = false;
	sp->p.have |= SRC_SHMEM;
	if (rc < 0) {
		s->shmem_src.unreadable += !proc_gone(rc);
		proc_mark_unknown(sp, SRC_SHMEM);
		sampler_read_failed(s, sp, rc);
		return;
	}
	sp->read_at[SI_SHMEM] = s->now;
	sp->shm_vsize = sp->prev_vsize;
	if (sp->p.nshm)
		sampler_read_smaps(s, sp, false);
}

/* For a recorder (reuse_oom): a process that mapped no shared memory and whose size did not
 * change since has mapped none since (a mapping changes the size), however busy it is;
 * bounded by max_age, as reuse is. */
static bool sampler_no_new_shm(const struct sampler *s, const struct sproc *sp, double max_age)
{
	return s->reuse_oom && sp->p.nshm == 0 && sp->shm_vsize == sp->prev_vsize &&
	       s->now - sp->read_at[SI_SHMEM] <= max_age;
}

static void sampler_fill_smaps(struct sampler *s, struct sproc *sp, unsigned need, double max_age)
{
	struct proc *p = &sp->p;
	bool keep = need & SRC_MAPS_LIST;

	if ((need & SRC_SMAPS) && !keep && sp->read_at[SI_SMAPS] > 0 &&
	    (sampler_costly(s, sp, SRC_SMAPS) || sampler_reusable(s, sp, SRC_SMAPS, max_age)))
		proc_present(s, sp, SRC_SMAPS | SRC_SHMEM);
	else if (need & SRC_SMAPS)
		sampler_read_smaps(s, sp, keep);
	if (!(need & SRC_SHMEM) || (p->have & SRC_SHMEM))
		return;
	if (sp->read_at[SI_SHMEM] > 0 && (sampler_costly(s, sp, SRC_SMAPS) ||
					  sampler_reusable(s, sp, SRC_SHMEM, max_age) || sampler_no_new_shm(s, sp, max_age)))
		p->have |= SRC_SHMEM;
	else
		sampler_read_shm(s, sp);
}

static void sampler_fill_pss(struct sampler *s, struct sproc *sp, unsigned need, double max_age)
{
	struct proc *p = &sp->p;
	bool split = need & SRC_ROLLUP;	/* Pss_Anon, Pss_File, Pss_Shmem: only the rollup has them */
	unsigned src = split ? SRC_ROLLUP | SRC_PSS : SRC_PSS;

	if (sp->read_at[SI_PSS] == s->now && !split) {
		p->have |= SRC_PSS;	/* summed from the smaps just read */
	} else if (sp->read_at[SI_PSS] > 0 && (!split || sp->read_at[SI_ROLLUP] == sp->read_at[SI_PSS]) &&
		   (sampler_costly(s, sp, SRC_PSS) || sampler_reusable(s, sp, SRC_PSS, max_age))) {
		proc_present(s, sp, src);
	} else if (!sp->gone && !(p->smaps_errno && (need & SRC_SMAPS))) {
		/* not when smaps was just refused: smaps_rollup would be refused alike */
		sampler_read_rollup(s, sp);
	} else {
		proc_mark_unknown(sp, src);
		p->have |= src;
		if ((p->smaps_errno == EACCES || p->smaps_errno == EPERM) && p->selected)
			s->snap.nunreadable++;
	}
	p->pss_age = sp->read_at[SI_PSS] > 0 ? s->now - sp->read_at[SI_PSS] : 0;
	if (sp->read_at[SI_PSS] > 0 && p->f[FLD_PSS].st == V_KNOWN)
		fval_set_d(&p->f[FLD_AGE], p->pss_age);
	else
		p->f[FLD_AGE].st = V_UNKNOWN;
}

/* ---- trends ---- */

/* Adds to the process's history what this refresh read of it: RSS from stat (every
 * process, every refresh), anon + swap when status was read, PSS when it was; never a
 * figure reused from an earlier read. Unless a trend is wanted of it now, a history
 * begins at the second refresh: a one-shot report keeps none. */
static void sampler_observe(struct sampler *s, struct sproc *sp, bool wanted)
{
	const struct proc *p = &sp->p;
	struct trend_figs f = { .v = { [TREND_RSS] = sp->prev_rss }, .known = 1u << TREND_RSS };

	if (!proc_has_mm(p) || (!sp->hist && !wanted && s->snap.seq < 2))
		return;
	if (sp->read_at[SI_STATUS] == s->now && p->f[FLD_ANON].st == V_KNOWN && p->f[FLD_SWAP].st == V_KNOWN) {
		f.v[TREND_ANON_SWAP] = p->f[FLD_ANON].u + p->f[FLD_SWAP].u;
		f.known |= 1u << TREND_ANON_SWAP;
	}
	if (sp->read_at[SI_PSS] == s->now && p->f[FLD_PSS].st == V_KNOWN) {
		f.v[TREND_PSS] = p->f[FLD_PSS].u;
		f.known |= 1u << TREND_PSS;
	}
	if (!sp->hist)
		sp->hist = trend_hist_create(2);
	trend_hist_reserve(&sp->hist);
	sp->p.history = sp->hist;
	trend_observe(sp->hist, s->now, &f, &s->trend);
}

/* The room left before the process's memory cgroup (or a parent) OOMs, negative without a
 * limit: its cgroup is read for this (growing processes only). */
static double sampler_cgroup_room(struct sampler *s, struct sproc *sp, uint64_t swap_free)
{
	uint64_t room;

	if (!(sp->p.have & SRC_CGROUP))
		sampler_read_cgroup(s, sp);
	return sp->p.cgroup >= 0 && sampler_cgroup_headroom(s, sp->p.cgroup, swap_free, &room) ? (double)room : -1;
}

/* Growth, leak and, with eta, the time to OOM from the history (lib/trend.h). */
static void sampler_trend(struct sampler *s, struct sproc *sp, bool eta)
{
	struct proc *p = &sp->p;
	const struct fval *avail = &s->snap.sys.mem[SYS_MEM_AVAILABLE], *swap = &s->snap.sys.mem[SYS_SWAP_FREE];
	uint64_t swap_free = swap->st == V_KNOWN ? swap->u : 0;

	p->have |= SRC_TREND | (eta ? SRC_TREND_ETA : 0);
	trend_proc(p, sp->hist, &s->trend);
	if (eta && p->f[FLD_GROWTH].st == V_KNOWN && p->f[FLD_GROWTH].d > 0)
		trend_proc_eta(p, avail->st == V_KNOWN ? (double)avail->u + swap_free : -1,
			       sampler_cgroup_room(s, sp, swap_free));
}

static void sampler_fill_at(struct sampler *s, struct sproc *sp, unsigned need, double max_age)
{
	struct proc *p = &sp->p;

	if (need & SRC_ROLLUP)
		need |= SRC_PSS;	/* the rollup holds them */
	if (need & SRC_MAPS_LIST)
		need |= SRC_SMAPS;
	if (need & SRC_TREND_ETA)
		need |= SRC_TREND;
	if (need & SRC_TREND)
		need |= SRC_STATUS;	/* anon + swap, read for every sample */
	need &= ~p->have;
	if (!need || sp->gone)
		return;
	if ((need & SRC_OOM) && s->reuse_oom && sampler_reusable(s, sp, SRC_OOM, max_age))
		proc_present(s, sp, SRC_OOM);
	else if (need & SRC_OOM)
		sampler_read_oom(s, sp);
	if (need & SRC_CMDLINE)
		sampler_cmdline(s, sp, max_age);
	if (need & SRC_CGROUP)
		sampler_fill_cgroup(s, sp, max_age);
	if (!proc_has_mm(p)) {
		proc_mark_na(sp, need & (SRC_STATUS | SRC_ROLLUP | SRC_PSS | SRC_SMAPS | SRC_MAPS_LIST |
					 SRC_KSM | SRC_SHMEM | SRC_TREND | SRC_TREND_ETA));
		return;
	}
	if (need & SRC_STATUS) {
		/* a trend records only what was read for its sample, never a figure reused */
		if (!(need & SRC_TREND) && sampler_reusable(s, sp, SRC_STATUS, max_age))
			proc_present(s, sp, SRC_STATUS);
		else
			sampler_read_status(s, sp);
	}
	if ((need & SRC_KSM) && s->reuse_oom && sampler_reusable(s, sp, SRC_KSM, max_age))
		proc_present(s, sp, SRC_KSM);
	else if (need & SRC_KSM)
		sampler_read_ksm(s, sp);
	if (need & (SRC_SMAPS | SRC_SHMEM))
		sampler_fill_smaps(s, sp, need, max_age);
	if (need & SRC_PSS)
		sampler_fill_pss(s, sp, need, max_age);
	if (need & (SRC_TREND | SRC_TREND_ETA)) {	/* the time to OOM may come after the rest */
		sampler_observe(s, sp, true);
		sampler_trend(s, sp, need & SRC_TREND_ETA);
	}
}

void sampler_fill(struct sampler *s, const struct proc *p, unsigned need)
{
	struct sproc *sp = sproc_of(p);
	unsigned redo;

	if (need & (SRC_TREND | SRC_TREND_ETA))
		need |= SRC_STATUS;
	redo = need & sp->reused;	/* reused to sort on: read for showing */
	if (redo & (SRC_ROLLUP | SRC_PSS))
		redo |= SRC_ROLLUP | SRC_PSS;
	if (redo & (SRC_SMAPS | SRC_SHMEM))
		redo |= SRC_SMAPS | SRC_SHMEM | SRC_MAPS_LIST;
	sp->p.have &= ~redo;
	sp->reused &= ~redo;
	sampler_fill_at(s, sp, need, 0);
	if (sp->gone)
		return;
	/* what was read for the rows shown joins this sample; a trend fitted before it, again */
	sampler_observe(s, sp, sp->p.have & SRC_TREND);
	if ((sp->p.have & SRC_TREND) && sp->hist)
		sampler_trend(s, sp, sp->p.have & SRC_TREND_ETA);
}

/* ---- the snapshot ---- */

static void sampler_sweep(struct sampler *s)
{
	for (int i = 0; i < SAMPLER_HASH; i++) {
		struct sproc **pp = &s->hash[i];

		while (*pp) {
			struct sproc *p = *pp;

			if (p->gen != s->gen) {
				*pp = p->hnext;
				sampler_forget(s, p);
			} else {
				pp = &p->hnext;
			}
		}
	}
}

static void snapshot_identity(struct snapshot *snap)
{
	struct utsname u;

	if (snap->host[0])
		return;
	if (uname(&u) == 0) {
		snprintf(snap->host, sizeof snap->host, "%s", u.nodename);
		snprintf(snap->kernel, sizeof snap->kernel, "%s", u.release);
	}
}

/* What the parts are computed from, read for every process. */
static unsigned sampler_parts_need(unsigned parts)
{
	unsigned need = 0;

	if (parts & (SNAP_CGROUPS | SNAP_OOM))
		need |= SRC_CGROUP;
	if (parts & SNAP_OOM)
		need |= SRC_STATUS | SRC_OOM;
	if (parts & SNAP_SHMEM)
		need |= SRC_SHMEM | SRC_STATUS | SRC_ROLLUP;	/* and the breakdown's mapped shmem */
	return need;
}

static int sproc_pid_cmp(const void *a, const void *b)
{
	const struct sproc *p = *(struct sproc *const *)a, *q = *(struct sproc *const *)b;

	return (p->p.pid > q->p.pid) - (p->p.pid < q->p.pid);
}

/* The snapshot lists processes by pid (model.h): those seen for the first time were read
 * after the others, and come last until sorted. */
static void sampler_order(struct sampler *s)
{
	for (size_t i = 1; i < s->nall; i++) {
		if (s->all[i - 1]->p.pid > s->all[i]->p.pid) {
			qsort(s->all, s->nall, sizeof *s->all, sproc_pid_cmp);
			return;
		}
	}
}

static void sampler_collect(struct sampler *s, const struct sample_request *req)
{
	struct snapshot *snap = &s->snap;
	unsigned all = req->need_all | sampler_parts_need(req->parts);

	sampler_order(s);
	s->reuse_oom = req->reuse_oom && req->reuse_max_age > 0;
	if (s->capsel < s->nall) {
		s->capsel = s->capall;
		s->sel = xreallocarray(s->sel, s->capsel, sizeof *s->sel);
		s->pub = xreallocarray(s->pub, s->capsel, sizeof *s->pub);
	}
	snap->nprocs = snap->ntotal = snap->nunreadable = 0;
	for (size_t i = 0; i < s->nall; i++) {
		struct sproc *sp = s->all[i];

		sp->p.selected = selection_match(s, req, sp);
		sampler_fill_at(s, sp, all | (sp->p.selected ? req->need : 0), req->reuse_max_age);
		if (sp->gone)
			continue;
		sampler_observe(s, sp, false);
		s->pub[snap->ntotal++] = &sp->p;
		if (sp->p.selected)
			s->sel[snap->nprocs++] = &sp->p;
	}
	snap->procs = s->sel;
	snap->all = s->pub;
}

static void sampler_parts(struct sampler *s, unsigned parts)
{
	struct snapshot *snap = &s->snap;

	snap->parts = parts & SNAP_OOM ? parts | SNAP_CGROUPS : parts;
	snap->cgroups = NULL;
	snap->oom = NULL;
	snap->shmem = NULL;
	if (snap->parts & SNAP_CGROUPS) {
		sampler_cgroups(s);
		snap->cgroups = &s->cgroups;
	}
	if (parts & SNAP_OOM) {
		oom_report_update(s->oom, snap, &s->cgroups);
		snap->oom = s->oom;
	}
	if (parts & SNAP_SHMEM) {
		sampler_shmem_sources(s);
		shmem_report_update(s->shmem, snap, &s->shmem_src);
		snap->shmem = s->shmem;
	}
	sysmem_compute(snap, &s->mem);
	snap->mem = &s->mem;
}

int sampler_refresh(struct sampler *s, const struct sample_request *req, const struct snapshot **out)
{
	struct snapshot *snap = &s->snap;
	double start = sampler_clock(CLOCK_MONOTONIC);
	int rc;

	/* files that cannot be opened would look like processes that exited */
	rc = procfs_fd_room(s->procfd, SAMPLER_FD_NEED);
	if (rc < 0)
		return rc;
	s->gen++;
	s->now = start;
	s->trend = trend_params_of(&req->trend);
	s->nall = 0;
	s->fatal = 0;
	snap->interval = snap->seq ? start - s->prev_sys_time : 0;
	snap->seq++;
	snap->clock = start;
	clock_gettime(CLOCK_REALTIME, &snap->wall);
	snapshot_identity(snap);
	sampler_system(s, &snap->sys);
	sampler_mounts(s);
	cgroup_set_clear(&s->cgroups);
	shmem_sources_clear(&s->shmem_src);

	rc = sampler_scan(s, &req->sel, req->parts & (SNAP_OOM | SNAP_SHMEM));
	if (rc < 0)
		return rc;
	sampler_sweep(s);
	sampler_collect(s, req);
	sampler_parts(s, req->parts);
	snap->collect_seconds = sampler_clock(CLOCK_MONOTONIC) - start;
	*out = snap;
	return s->fatal ? -s->fatal : 0;
}
