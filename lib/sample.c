#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "pidstat.h"
#include "procdir.h"
#include "procfs.h"
#include "procstatus.h"
#include "proc2.h"
#include "sample.h"
#include "smaps.h"
#include "system.h"
#include "xalloc.h"

#define PF_KTHREAD 0x00200000	/* include/linux/sched.h */
#define SAMPLER_HASH 2048	/* buckets: chains stay short up to tens of thousands of processes */
#define SAMPLER_USERS 64
/* Steady state keeps two descriptors per process open (/proc/PID and its stat): a refresh
 * then reads stat with one pread(2) and the owner with fstat(2), instead of a path walk,
 * open(2), read(2) and close(2): 6 instead of 17 us a process here. Each kept stat holds a
 * 4 KiB seq_file buffer in the kernel, so their number is bounded; processes beyond it, or
 * beyond RLIMIT_NOFILE, are read the plain way. */
#define SAMPLER_KEEP_MAX 16384
#define SAMPLER_FD_RESERVE 64	/* descriptors left to the rest of memtop */
#define SAMPLER_FD_NEED 16	/* free at the start of a refresh, or it fails with EMFILE */

struct sampler_user {
	uint32_t uid;
	char *name;
	struct sampler_user *next;
};

struct sampler {
	DIR *procdir;			/* /proc, rewound each refresh to list the processes */
	int procfd;			/* its descriptor, for openat */
	struct proc2 *p2;
	struct smaps_parser *parser;
	struct buf buf, chunk;
	struct proc *hash[SAMPLER_HASH];
	struct sampler_user *users[SAMPLER_USERS];
	struct proc **all;		/* processes the current refresh saw */
	size_t nall, capall;
	size_t capsel;
	uint64_t gen;
	double now;			/* monotonic seconds of the current refresh */
	long page_size;
	int *fresh;			/* pids to read through libproc2 this refresh */
	size_t nfresh, capfresh;
	bool keep_fds;			/* steady state: the descriptor budget is known */
	long keep_left;			/* processes that may still keep descriptors */
	struct snapshot snap;
	struct system prev_sys;
	double prev_sys_time;

	/* what the smaps callback writes into */
	struct proc *cur;
	struct segment_classifier cls;
	bool keep_maps;
	size_t capmaps;
	struct smaps_vma rollup;	/* smaps_rollup, or the sum over smaps */
	bool rollup_seen;
	size_t nvma;
};

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

static int sampler_smaps_cb(const struct smaps_vma *vma, void *ctx);

struct sampler *sampler_create(void)
{
	struct sampler *s;
	DIR *dir = opendir("/proc");

	if (!dir)
		return NULL;
	if (faccessat(dirfd(dir), "self/stat", R_OK, 0) != 0) {
		closedir(dir);
		errno = ENOENT;	/* a directory, but no procfs mounted on it */
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->procdir = dir;
	s->procfd = dirfd(dir);
	s->page_size = sysconf(_SC_PAGESIZE);
	s->p2 = proc2_create();
	s->parser = smaps_parser_create(sampler_smaps_cb, s);
	if (!s->p2 || !s->parser) {
		int e = s->p2 ? ENOMEM : errno;

		sampler_free(s);
		errno = e;
		return NULL;
	}
	return s;
}

static void sampler_forget(struct sampler *s, struct proc *p)
{
	if (p->dirfd >= 0) {
		close(p->dirfd);
		close(p->statfd);
		s->keep_left++;
	}
	for (size_t i = 0; i < p->nmaps; i++)
		free(p->maps[i].path);
	free(p->maps);
	free(p->seg);
	free(p->user);
	free(p->comm);
	free(p->cmdline);
	free(p);
}

void sampler_free(struct sampler *s)
{
	if (!s)
		return;
	for (int i = 0; i < SAMPLER_HASH; i++) {
		for (struct proc *p = s->hash[i], *n; p; p = n) {
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
	proc2_free(s->p2);
	smaps_parser_free(s->parser);
	buf_free(&s->buf);
	buf_free(&s->chunk);
	free(s->all);
	free(s->fresh);
	free(s->snap.procs);
	if (s->procdir)
		closedir(s->procdir);
	free(s);
}

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
static struct proc *sampler_find(struct sampler *s, int pid)
{
	struct proc *p = s->hash[(unsigned)pid % SAMPLER_HASH];

	while (p && p->pid != pid)
		p = p->hnext;
	return p;
}

static void sampler_unlink(struct sampler *s, struct proc *p)
{
	struct proc **pp = &s->hash[(unsigned)p->pid % SAMPLER_HASH];

	while (*pp != p)
		pp = &(*pp)->hnext;
	*pp = p->hnext;
}

static struct proc *sampler_lookup(struct sampler *s, int pid, uint64_t start)
{
	struct proc *p = sampler_find(s, pid);

	if (p && p->start_ticks == start)
		return p;
	if (p) {	/* the pid was reused: a new process that inherits nothing */
		sampler_unlink(s, p);
		sampler_forget(s, p);
	}
	p = xcalloc(1, sizeof *p);
	p->pid = pid;
	p->start_ticks = start;
	p->dirfd = p->statfd = -1;
	p->changed_time = s->now;
	p->hnext = s->hash[(unsigned)pid % SAMPLER_HASH];
	s->hash[(unsigned)pid % SAMPLER_HASH] = p;
	return p;
}

/* The descriptor and path to open one of p's files with: its own /proc/PID when kept, so
 * that a pid reused since cannot be read by mistake. */
static int sampler_at(const struct sampler *s, const struct proc *p, const char *file, char *path, size_t n)
{
	if (p->dirfd >= 0) {
		snprintf(path, n, "%s", file);
		return p->dirfd;
	}
	snprintf(path, n, "%d/%s", p->pid, file);
	return s->procfd;
}

static void sampler_rates(struct sampler *s, struct proc *p, const struct pidstat *st)
{
	double dt = s->now - p->prev_time;
	uint64_t rss = st->rss_pages * (uint64_t)s->page_size;

	if (p->prev_time > 0 && dt > 0) {
		fval_set_d(&p->f[FLD_MINFLT_RATE], (st->minflt >= p->prev_minflt ? st->minflt - p->prev_minflt : 0) / dt);
		fval_set_d(&p->f[FLD_MAJFLT_RATE], (st->majflt >= p->prev_majflt ? st->majflt - p->prev_majflt : 0) / dt);
	} else {
		p->f[FLD_MINFLT_RATE].st = V_UNKNOWN;
		p->f[FLD_MAJFLT_RATE].st = V_UNKNOWN;
	}
	/* a process whose faults, rss and vsize did not move has not changed its own pages */
	if (p->prev_time > 0 && (st->minflt != p->prev_minflt || st->majflt != p->prev_majflt ||
				 rss != p->prev_rss || st->vsize != p->prev_vsize))
		p->changed_time = s->now;
	p->prev_minflt = st->minflt;
	p->prev_majflt = st->majflt;
	p->prev_rss = rss;
	p->prev_vsize = st->vsize;
	p->prev_time = s->now;
}

/* Tier 1: what stat says, for every process on every refresh. */
static void sampler_take(struct sampler *s, struct proc *p, const struct pidstat *st, uint32_t uid)
{
	const char *user = sampler_user(s, uid);

	if (s->nall == s->capall) {
		s->capall = s->capall ? s->capall * 2 : 1024;
		s->all = xreallocarray(s->all, s->capall, sizeof *s->all);
	}
	s->all[s->nall++] = p;
	p->gen = s->gen;
	p->gone = false;
	p->have = SRC_STAT;
	p->ppid = st->ppid;
	p->uid = uid;
	p->state = st->state ? st->state : '?';
	p->kernel_thread = (st->flags & PF_KTHREAD) != 0;
	proc_set_str(&p->user, user, strlen(user));
	proc_set_str(&p->comm, st->comm, st->comm_len);

	fval_set_i(&p->f[FLD_PID], p->pid);
	fval_set_i(&p->f[FLD_PPID], p->ppid);
	fval_set_i(&p->f[FLD_UID], p->uid);
	fval_set_u(&p->f[FLD_THREADS], st->nlwp > 0 ? (uint64_t)st->nlwp : 0);
	fval_set_u(&p->f[FLD_MINFLT], st->minflt);
	fval_set_u(&p->f[FLD_MAJFLT], st->majflt);
	if (p->kernel_thread || p->state == 'Z')
		p->f[FLD_VIRT].st = V_NA;
	else
		fval_set_u(&p->f[FLD_VIRT], st->vsize);
	p->stat_rss = st->rss_pages * (uint64_t)s->page_size;
	sampler_rates(s, p, st);
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

static void sampler_queue_fresh(struct sampler *s, int pid);

/* Reads one process's stat; its kept descriptors when it has them. */
static void sampler_visit(struct sampler *s, int pid)
{
	struct proc *p = sampler_find(s, pid);
	int dfd = -1, sfd = -1;
	struct pidstat st;
	struct stat sb;
	char name[16];
	ssize_t n;

	if (p && p->gen == s->gen)
		return;	/* named twice with -p */
	if (p && p->statfd >= 0) {
		n = procfs_pread(p->statfd, &s->buf);
		if (n > 0 && pidstat_parse(s->buf.data, n, &st) == 0 && st.start_ticks == p->start_ticks &&
		    fstat(p->dirfd, &sb) == 0) {
			sampler_take(s, p, &st, sb.st_uid);
			return;
		}
		/* the process it pinned is gone (ESRCH): the pid may now be another's */
		sampler_unlink(s, p);
		sampler_forget(s, p);
		p = NULL;
	}
	snprintf(name, sizeof name, "%d", pid);
	/* descriptors only for a pid seen before: most short-lived processes never get any */
	if (!p || !sampler_keep(s, name, &dfd, &sfd)) {
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
	p = sampler_lookup(s, pid, st.start_ticks);
	p->dirfd = dfd;
	p->statfd = sfd;
	/* the owner of /proc/PID is the euid (root for a non-dumpable process, as ps shows) */
	sampler_take(s, p, &st, sb.st_uid);
}

/* A process seen for the first time (or past the descriptor budget) is read through
 * libproc2, in one batch after the listing. */
static void sampler_queue_fresh(struct sampler *s, int pid)
{
	if (s->nfresh == s->capfresh) {
		s->capfresh = s->capfresh ? s->capfresh * 2 : 256;
		s->fresh = xreallocarray(s->fresh, s->capfresh, sizeof *s->fresh);
	}
	s->fresh[s->nfresh++] = pid;
}

/* libproc2 escapes comm: the raw bytes, which the faces sanitize themselves, come from
 * /proc/PID/comm when they may differ. */
static void sampler_take_fresh(const struct proc2_task *t, void *ctx)
{
	struct sampler *s = ctx;
	struct pidstat st = t->st;
	struct proc *p;
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
	p = sampler_find(s, st.pid);
	if (p && p->gen == s->gen)
		return;	/* named twice with -p */
	p = sampler_lookup(s, st.pid, st.start_ticks);
	sampler_take(s, p, &st, t->euid);
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

/* Every process, or only the ones -p names. Threads are not listed in /proc itself. */
static int sampler_scan(struct sampler *s, const struct selection *sel)
{
	struct dirent *de;
	int rc = 0;

	s->nfresh = 0;
	if (sel->npids) {
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

/* Figures read at `then` still hold when the process has not moved since, up to max_age.
 * Each process gets a bound of its own between 3/4 and all of max_age: processes first read
 * together then come due at different refreshes, not all in one long one. */
static bool proc_fresh_since(const struct proc *p, double then, double now, double max_age)
{
	double spread = 1 - ((unsigned)p->pid * 2654435761u >> 24) / 1024.0;

	return then > 0 && max_age > 0 && now - then <= max_age * spread && p->changed_time <= then;
}

/* The command line, argv joined by spaces; "[comm]" when there is none (kernel threads,
 * zombies), as ps shows it. Kept while the process is idle: it changes with exec, which
 * moves the figures, or with a rewrite of argv in place, which may not (bounded by max_age). */
static void sampler_cmdline(struct sampler *s, struct proc *p, double max_age)
{
	char path[32];
	ssize_t n = 0;

	if (p->have & SRC_CMDLINE)
		return;
	p->have |= SRC_CMDLINE;
	if (!p->kernel_thread && proc_fresh_since(p, p->cmdline_time, s->now, max_age) && p->cmdline)
		return;
	if (!p->kernel_thread)
		n = procfs_read(sampler_at(s, p, "cmdline", path, sizeof path), path, &s->buf);
	while (n > 0 && s->buf.data[n - 1] == '\0')
		n--;
	if (n <= 0) {
		n = snprintf(path, sizeof path, "[%s]", p->comm);
		proc_set_str(&p->cmdline, path, (size_t)n < sizeof path ? (size_t)n : sizeof path - 1);
		p->cmdline_len = strlen(p->cmdline);
		p->cmdline_time = 0;	/* an argv may come once the process has set up */
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (s->buf.data[i] == '\0')
			s->buf.data[i] = ' ';
	}
	proc_set_str(&p->cmdline, s->buf.data, n);
	p->cmdline_len = n;
	p->cmdline_time = s->now;
}

static bool selection_match(struct sampler *s, const struct sample_request *req, struct proc *p)
{
	const struct selection *sel = &req->sel;

	if (sel->npids) {
		size_t i;

		for (i = 0; i < sel->npids && sel->pids[i] != p->pid; i++)
			;
		if (i == sel->npids)
			return false;
	}
	if (sel->by_uid && p->uid != sel->uid)
		return false;
	if (sel->hide_kthreads && p->kernel_thread)
		return false;
	if (sel->filter) {
		if (filter_match(sel->filter, p->comm, strlen(p->comm)))
			return true;
		sampler_cmdline(s, p, req->reuse_max_age);	/* only when the name did not match */
		return filter_match(sel->filter, p->cmdline, p->cmdline_len);
	}
	return true;
}

/* Marks the figures a source provides as not applicable (kernel threads, zombies). */
static void proc_mark_na(struct proc *p, unsigned src)
{
	for (int i = 0; i < FLD_COUNT; i++) {
		if ((fields[i].src & src) && fields[i].type != FT_STR)
			p->f[i].st = V_NA;
	}
	if (src & SRC_SMAPS)
		p->has_segments = false;
	p->have |= src;
}

static void proc_mark_unknown(struct proc *p, unsigned src)
{
	for (int i = 0; i < FLD_COUNT; i++) {
		if (fields[i].src & src)
			p->f[i].st = V_UNKNOWN;
	}
}

static bool proc_gone(int err)
{
	return err == -ENOENT || err == -ESRCH;
}

static void sampler_read_oom(struct sampler *s, struct proc *p)
{
	char path[32];
	long long v;

	/* not reused: oom_score_adj changes without the process doing anything */
	if (procfs_read_int(sampler_at(s, p, "oom_score", path, sizeof path), path, &v) == 0)
		fval_set_i(&p->f[FLD_OOM], v);
	else
		p->f[FLD_OOM].st = V_UNKNOWN;
	if (procfs_read_int(sampler_at(s, p, "oom_score_adj", path, sizeof path), path, &v) == 0)
		fval_set_i(&p->f[FLD_OOM_ADJ], v);
	else
		p->f[FLD_OOM_ADJ].st = V_UNKNOWN;
	p->have |= SRC_OOM;
}

static const struct {
	enum field_id fld;
	enum status_field st;
} status_map[] = {
	{ FLD_RSS, STATUS_VMRSS }, { FLD_ANON, STATUS_RSSANON }, { FLD_FILE, STATUS_RSSFILE }, { FLD_SHMEM, STATUS_RSSSHMEM },
	{ FLD_SWAP, STATUS_VMSWAP }, { FLD_LOCKED, STATUS_VMLCK }, { FLD_PTE, STATUS_VMPTE },
	{ FLD_HWM, STATUS_VMHWM }, { FLD_PEAK, STATUS_VMPEAK }, { FLD_DATA, STATUS_VMDATA },
	{ FLD_STACK, STATUS_VMSTK }, { FLD_EXE, STATUS_VMEXE }, { FLD_LIB, STATUS_VMLIB },
};

static void sampler_read_status(struct sampler *s, struct proc *p)
{
	struct proc_status st;
	char path[32];
	ssize_t n;

	n = procfs_read(sampler_at(s, p, "status", path, sizeof path), path, &s->buf);
	if (n < 0) {
		p->gone = proc_gone(n);
		proc_mark_unknown(p, SRC_STATUS);
		return;
	}
	if (procstatus_parse(s->buf.data, n, &st) == 0) {
		proc_mark_na(p, SRC_STATUS);	/* no mm: exited mid-read, or a kernel thread */
		return;
	}
	for (size_t i = 0; i < sizeof status_map / sizeof status_map[0]; i++) {
		struct fval *v = &p->f[status_map[i].fld];

		if (st.known & (1u << status_map[i].st))
			fval_set_u(v, st.v[status_map[i].st]);
		else
			v->st = V_UNKNOWN;
	}
	p->status_time = s->now;
	p->have |= SRC_STATUS;
}

static int sampler_feed(const char *data, size_t len, void *ctx)
{
	struct sampler *s = ctx;

	int rc = smaps_parser_feed(s->parser, data, len);

	return rc == -EINVAL ? 0 : rc;	/* the parser skips a bad line and goes on: so do we */
}

/* PSS, USS, SwapPss and dirty from smaps_rollup, or from the sum over smaps; Pss_Anon,
 * Pss_File and Pss_Shmem only from the rollup (with_split). */
static void proc_set_rollup(struct proc *p, const struct smaps_vma *r, bool with_split)
{
	static const struct {
		enum field_id fld;
		enum smaps_field a, b;	/* fld = a + b; b = a means just a */
	} map[] = {
		{ FLD_PSS, SMAPS_PSS, SMAPS_PSS },
		{ FLD_USS, SMAPS_PRIVATE_CLEAN, SMAPS_PRIVATE_DIRTY },
		{ FLD_SWAP_PSS, SMAPS_SWAP_PSS, SMAPS_SWAP_PSS },
		{ FLD_DIRTY, SMAPS_PRIVATE_DIRTY, SMAPS_SHARED_DIRTY },
		{ FLD_PSS_ANON, SMAPS_PSS_ANON, SMAPS_PSS_ANON },
		{ FLD_PSS_FILE, SMAPS_PSS_FILE, SMAPS_PSS_FILE },
		{ FLD_PSS_SHMEM, SMAPS_PSS_SHMEM, SMAPS_PSS_SHMEM },
	};
	size_t n = sizeof map / sizeof map[0] - (with_split ? 0 : 3);

	for (size_t i = 0; i < n; i++) {
		uint64_t need = (1ull << map[i].a) | (1ull << map[i].b);
		struct fval *v = &p->f[map[i].fld];

		if ((r->known & need) != need)
			v->st = V_UNKNOWN;
		else
			fval_set_u(v, r->val[map[i].a] + (map[i].a != map[i].b ? r->val[map[i].b] : 0));
	}
}

static void sampler_read_rollup(struct sampler *s, struct proc *p)
{
	char path[32];
	ssize_t n;

	n = procfs_read(sampler_at(s, p, "smaps_rollup", path, sizeof path), path, &s->buf);
	if (n <= 0) {
		proc_mark_unknown(p, SRC_ROLLUP | SRC_PSS);
		p->rollup_errno = n < 0 ? (int)-n : 0;
		if (n == 0) {	/* no mm any more: the process is exiting */
			proc_mark_na(p, SRC_ROLLUP | SRC_PSS);
			return;
		}
		if (n == -EACCES || n == -EPERM)
			s->snap.nunreadable++;
		p->gone = proc_gone(n);
		return;
	}
	s->cur = NULL;
	s->rollup_seen = false;
	smaps_parser_reset(s->parser);
	smaps_parser_feed(s->parser, s->buf.data, n);
	smaps_parser_finish(s->parser);
	if (!s->rollup_seen) {
		proc_mark_unknown(p, SRC_ROLLUP | SRC_PSS);
		p->rollup_errno = EINVAL;
		return;
	}
	proc_set_rollup(p, &s->rollup, true);
	p->rollup_errno = 0;
	p->rollup_time = p->pss_time = s->now;
	p->have |= SRC_ROLLUP | SRC_PSS;
}

static void proc_add_mapping(struct sampler *s, struct proc *p, const struct smaps_vma *v, enum segment seg)
{
	struct mapping *m;

	if (p->nmaps == s->capmaps) {
		s->capmaps = s->capmaps ? s->capmaps * 2 : 64;
		p->maps = xreallocarray(p->maps, s->capmaps, sizeof *p->maps);
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

/* The smaps figures PSS, USS, SwapPss and dirty are made of: summed over the mappings. */
static const enum smaps_field sampler_summed[] = {
	SMAPS_PSS, SMAPS_PRIVATE_CLEAN, SMAPS_PRIVATE_DIRTY, SMAPS_SHARED_DIRTY, SMAPS_SWAP_PSS,
};

static int sampler_smaps_cb(const struct smaps_vma *vma, void *ctx)
{
	struct sampler *s = ctx;
	struct proc *p = s->cur;
	enum segment seg;

	if (!p) {	/* smaps_rollup: one pseudo-mapping holding the totals */
		s->rollup = *vma;
		s->rollup_seen = true;
		return 0;
	}
	seg = segment_classify(&s->cls, vma);
	segment_totals_add(p->seg, seg, vma);
	s->nvma++;
	for (size_t i = 0; i < sizeof sampler_summed / sizeof sampler_summed[0]; i++) {
		enum smaps_field f = sampler_summed[i];

		s->rollup.val[f] += vma->val[f];
		if (!(vma->known & (1ull << f)))
			s->rollup.known &= ~(1ull << f);
	}
	if (s->keep_maps)
		proc_add_mapping(s, p, vma, seg);
	return 0;
}

static void proc_clear_maps(struct proc *p)
{
	for (size_t i = 0; i < p->nmaps; i++)
		free(p->maps[i].path);
	free(p->maps);
	p->maps = NULL;
	p->nmaps = 0;
}

/* The executable's path, for telling its text/data from other file mappings. */
static const char *sampler_exe(struct sampler *s, const struct proc *p, char *buf, size_t n)
{
	char path[32];
	ssize_t len;

	len = readlinkat(sampler_at(s, p, "exe", path, sizeof path), path, buf, n - 1);
	if (len <= 0)
		return NULL;	/* EACCES for other users' processes: the classifier guesses */
	buf[len] = '\0';
	if (len > 10 && strcmp(buf + len - 10, " (deleted)") == 0)
		buf[len - 10] = '\0';
	return buf;
}

/* Reads smaps: segments, the mapping table with keep_maps, and with pss the PSS figures
 * summed (no smaps_rollup read is then needed for them). */
static void sampler_read_smaps(struct sampler *s, struct proc *p, bool keep_maps, bool pss)
{
	char path[32], exe[4096];
	int at, rc;

	proc_clear_maps(p);
	if (!p->seg)
		p->seg = xmalloc(sizeof *p->seg);
	memset(p->seg, 0, sizeof *p->seg);
	memset(&s->rollup, 0, sizeof s->rollup);
	s->rollup.known = ~0ull;
	s->nvma = 0;
	s->cur = p;
	s->keep_maps = keep_maps;
	s->capmaps = 0;
	segment_classifier_init(&s->cls, sampler_exe(s, p, exe, sizeof exe));
	smaps_parser_reset(s->parser);
	at = sampler_at(s, p, "smaps", path, sizeof path);
	rc = procfs_stream(at, path, &s->chunk, sampler_feed, s);
	if (rc == 0)
		rc = smaps_parser_finish(s->parser);
	s->cur = NULL;
	if (rc < 0 && rc != -EINVAL) {
		p->smaps_errno = -rc;
		p->has_segments = false;
		proc_clear_maps(p);
		proc_mark_unknown(p, SRC_SMAPS | (pss ? SRC_PSS : 0));
		if (pss && (rc == -EACCES || rc == -EPERM))
			s->snap.nunreadable++;
		p->gone = proc_gone(rc);
		return;
	}
	p->smaps_errno = 0;
	p->has_segments = true;
	for (int i = 0; i < SEG_COUNT; i++)
		fval_set_u(&p->f[FLD_SEG_TEXT + i], p->seg->v[i][SEGF_RSS]);
	p->smaps_time = s->now;
	p->have |= SRC_SMAPS | (keep_maps ? SRC_MAPS_LIST : 0);
	if (pss && s->nvma == 0) {	/* no mm any more: the process is exiting */
		proc_mark_na(p, SRC_PSS);
	} else if (pss) {
		proc_set_rollup(p, &s->rollup, false);
		p->pss_time = s->now;
		p->have |= SRC_PSS;
	}
}

static void sampler_fill_smaps(struct sampler *s, struct proc *p, unsigned need, double max_age)
{
	bool keep = (need | p->have) & SRC_MAPS_LIST;
	/* smaps_rollup is only needed for what smaps lacks (Pss_Anon, Pss_File, Pss_Shmem) */
	bool pss = (need & SRC_PSS) && !(need & SRC_ROLLUP);

	if (!keep && p->has_segments && proc_fresh_since(p, p->smaps_time, s->now, max_age)) {
		p->have |= SRC_SMAPS;
	} else {
		sampler_read_smaps(s, p, keep, pss);
	}
	p->smaps_age = p->has_segments ? s->now - p->smaps_time : 0;
}

/* Forgets the figures this refresh kept from earlier reads that are older than max_age: a
 * refresh may reuse older figures (for sorting) than a caller about to show them accepts. */
static void sampler_expire(const struct sampler *s, struct proc *p, double max_age)
{
	double oldest = s->now - max_age;

	if ((p->have & SRC_STATUS) && p->status_time < oldest)
		p->have &= ~SRC_STATUS;
	if ((p->have & SRC_ROLLUP) && p->rollup_time < oldest)
		p->have &= ~SRC_ROLLUP;
	if ((p->have & SRC_PSS) && p->pss_time < oldest)
		p->have &= ~(SRC_PSS | SRC_ROLLUP);
	if ((p->have & SRC_SMAPS) && p->smaps_time < oldest)
		p->have &= ~(SRC_SMAPS | SRC_MAPS_LIST);
	if ((p->have & SRC_CMDLINE) && p->cmdline_time < oldest)
		p->have &= ~SRC_CMDLINE;
}

void sampler_fill(struct sampler *s, struct proc *p, unsigned need, double max_age)
{
	bool no_mm = p->kernel_thread || p->state == 'Z';

	if (need & SRC_ROLLUP)
		need |= SRC_PSS;	/* the rollup holds them */
	sampler_expire(s, p, max_age);
	need &= ~p->have;
	if (!need)
		return;
	if (need & SRC_OOM)
		sampler_read_oom(s, p);
	if (need & SRC_CMDLINE)
		sampler_cmdline(s, p, max_age);
	if (no_mm) {
		proc_mark_na(p, need & (SRC_STATUS | SRC_ROLLUP | SRC_PSS | SRC_SMAPS));
		return;
	}
	if (need & SRC_STATUS) {
		if (proc_fresh_since(p, p->status_time, s->now, max_age))
			p->have |= SRC_STATUS;
		else
			sampler_read_status(s, p);
	}
	if (need & (SRC_SMAPS | SRC_MAPS_LIST))
		sampler_fill_smaps(s, p, need, max_age);
	if ((need & SRC_ROLLUP) && proc_fresh_since(p, p->rollup_time, s->now, max_age))
		p->have |= SRC_ROLLUP | SRC_PSS;
	else if ((need & SRC_PSS) && !(need & SRC_ROLLUP) && proc_fresh_since(p, p->pss_time, s->now, max_age))
		p->have |= SRC_PSS;
	/* not when smaps was just refused: smaps_rollup would be refused alike */
	if ((need & SRC_PSS) && !(p->have & SRC_PSS) && !p->gone && !(p->smaps_errno && (need & SRC_SMAPS)))
		sampler_read_rollup(s, p);
	if (need & SRC_PSS) {
		p->rollup_age = (p->have & SRC_PSS) ? s->now - p->pss_time : 0;
		if (p->have & SRC_PSS)
			fval_set_d(&p->f[FLD_AGE], p->rollup_age);
		else
			p->f[FLD_AGE].st = V_UNKNOWN;
	}
}

static void sampler_sweep(struct sampler *s)
{
	for (int i = 0; i < SAMPLER_HASH; i++) {
		struct proc **pp = &s->hash[i];

		while (*pp) {
			struct proc *p = *pp;

			if (p->gen != s->gen) {
				*pp = p->hnext;
				sampler_forget(s, p);
			} else {
				pp = &p->hnext;
			}
		}
	}
}

static void sampler_system(struct sampler *s, struct system *sys)
{
	double dt = s->now - s->prev_sys_time;

	system_read(s->p2, s->procfd, &s->buf, sys);
	for (int i = 0; i < SYSC_COUNT; i++) {
		struct fval *r = &sys->rate[i];
		const struct fval *c = &sys->count[i], *o = &s->prev_sys.count[i];

		r->st = V_UNKNOWN;
		if (s->prev_sys_time > 0 && dt > 0 && c->st == V_KNOWN && o->st == V_KNOWN)
			fval_set_d(r, c->u >= o->u ? (c->u - o->u) / dt : 0);
	}
	s->prev_sys = *sys;
	s->prev_sys_time = s->now;
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

int sampler_refresh(struct sampler *s, const struct sample_request *req, struct snapshot **out)
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
	s->nall = 0;
	snap->interval = snap->seq ? start - s->prev_sys_time : 0;
	snap->seq++;
	clock_gettime(CLOCK_REALTIME, &snap->wall);
	snapshot_identity(snap);
	sampler_system(s, &snap->sys);

	rc = sampler_scan(s, &req->sel);
	if (rc < 0)
		return rc;
	sampler_sweep(s);

	if (s->capsel < s->nall) {
		s->capsel = s->capall;
		snap->procs = xreallocarray(snap->procs, s->capsel, sizeof *snap->procs);
	}
	snap->nprocs = 0;
	snap->ntotal = s->nall;
	snap->nunreadable = 0;
	for (size_t i = 0; i < s->nall; i++) {
		struct proc *p = s->all[i];

		p->selected = selection_match(s, req, p);
		if (!p->selected)
			continue;
		sampler_fill(s, p, req->need, req->reuse_max_age);
		if (!p->gone)
			snap->procs[snap->nprocs++] = p;
	}
	snap->collect_seconds = sampler_clock(CLOCK_MONOTONIC) - start;
	*out = snap;
	return 0;
}

static int snapshot_cmp(const void *a, const void *b, void *arg)
{
	const struct proc *p = *(struct proc *const *)a, *q = *(struct proc *const *)b;
	int key = *(const int *)arg & 0xff;
	bool asc = *(const int *)arg & 0x100;
	const struct fval *x = &p->f[key], *y = &q->f[key];
	int c = 0;

	if (fields[key].type == FT_STR) {
		const char *sx = key == FLD_USER ? p->user : key == FLD_COMM ? p->comm :
				 key == FLD_CMD ? p->cmdline : (char[]){ p->state, 0 };
		const char *sy = key == FLD_USER ? q->user : key == FLD_COMM ? q->comm :
				 key == FLD_CMD ? q->cmdline : (char[]){ q->state, 0 };

		if (!sx || !sy)
			return sx ? -1 : sy ? 1 : p->pid - q->pid;
		c = strcmp(sx, sy);
		return c ? c : p->pid - q->pid;
	}
	if ((x->st == V_KNOWN) != (y->st == V_KNOWN))
		return x->st == V_KNOWN ? -1 : 1;	/* unknown last, whatever the order */
	if (x->st == V_KNOWN) {
		switch (fields[key].type) {
		case FT_INT:
			c = (x->i < y->i) - (x->i > y->i);
			break;
		case FT_RATE:
		case FT_SECONDS:
			c = (x->d < y->d) - (x->d > y->d);
			break;
		default:
			c = (x->u < y->u) - (x->u > y->u);
			break;
		}
		if (asc)
			c = -c;
	}
	return c ? c : p->pid - q->pid;
}

void snapshot_sort(struct snapshot *snap, enum field_id key, bool ascending)
{
	int arg = key | (ascending ? 0x100 : 0);

	if (snap->nprocs > 1)	/* procs is NULL when nothing was sampled */
		qsort_r(snap->procs, snap->nprocs, sizeof *snap->procs, snapshot_cmp, &arg);
}

struct proc *snapshot_find(const struct snapshot *snap, int pid)
{
	for (size_t i = 0; i < snap->nprocs; i++) {
		if (snap->procs[i]->pid == pid)
			return snap->procs[i];
	}
	return NULL;
}
