#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "procfs.h"
#include "procstatus.h"
#include "proc2.h"
#include "sample.h"
#include "smaps.h"
#include "system.h"
#include "xalloc.h"

#define PF_KTHREAD 0x00200000	/* include/linux/sched.h */
#define SAMPLER_HASH 8192

struct sampler {
	int procfd;
	struct proc2 *p2;
	struct smaps_parser *parser;
	struct buf buf, chunk, join;
	struct proc *hash[SAMPLER_HASH];
	struct proc **all;		/* processes the current refresh saw */
	size_t nall, capall;
	size_t capsel;
	uint64_t gen;
	double now;			/* monotonic seconds of the current refresh */
	bool want_cmdline;
	struct snapshot snap;
	struct system prev_sys;
	double prev_sys_time;

	/* what the smaps callback writes into */
	struct proc *cur;
	struct segment_classifier cls;
	bool keep_maps;
	size_t capmaps;
	struct smaps_vma rollup;
	bool rollup_seen;
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
	int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (faccessat(fd, "self/stat", R_OK, 0) != 0) {
		close(fd);
		errno = ENOENT;	/* a directory, but no procfs mounted on it */
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->procfd = fd;
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

static void proc_free(struct proc *p)
{
	for (size_t i = 0; i < p->nmaps; i++)
		free(p->maps[i].path);
	free(p->maps);
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
			proc_free(p);
		}
	}
	proc2_free(s->p2);
	smaps_parser_free(s->parser);
	buf_free(&s->buf);
	buf_free(&s->chunk);
	buf_free(&s->join);
	free(s->all);
	free(s->snap.procs);
	if (s->procfd >= 0)
		close(s->procfd);
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

static struct proc *sampler_lookup(struct sampler *s, int pid, uint64_t start)
{
	struct proc **pp = &s->hash[(unsigned)pid % SAMPLER_HASH];

	for (; *pp; pp = &(*pp)->hnext) {
		struct proc *p = *pp;

		if (p->pid != pid)
			continue;
		if (p->start_ticks == start)
			return p;
		/* the pid was reused: a new process that inherits nothing */
		*pp = p->hnext;
		proc_free(p);
		break;
	}
	struct proc *p = xcalloc(1, sizeof *p);

	p->pid = pid;
	p->start_ticks = start;
	p->hnext = s->hash[(unsigned)pid % SAMPLER_HASH];
	s->hash[(unsigned)pid % SAMPLER_HASH] = p;
	return p;
}

static void sampler_set_cmdline(struct sampler *s, struct proc *p, char *const *argv)
{
	struct buf *j = &s->join;

	j->len = 0;
	for (int i = 0; argv && argv[i]; i++) {
		size_t n = strlen(argv[i]);

		if (j->cap < j->len + n + 2) {
			j->cap = (j->len + n + 2) * 2;
			j->data = xrealloc(j->data, j->cap);
		}
		if (i)
			j->data[j->len++] = ' ';
		memcpy(j->data + j->len, argv[i], n);
		j->len += n;
	}
	if (j->len == 0 || p->kernel_thread) {	/* no argv: show [comm] as ps does */
		free(p->cmdline);
		p->cmdline = xasprintf("[%s]", p->comm);
		p->cmdline_len = strlen(p->cmdline);
		return;
	}
	proc_set_str(&p->cmdline, j->data, j->len);
	p->cmdline_len = j->len;
}

/* libproc2 escapes comm ('?' and '.' stand for control and invalid bytes): the raw name,
 * which the faces sanitize themselves, comes from /proc/PID/comm when it may differ. */
static void sampler_set_comm(struct sampler *s, struct proc *p, const char *comm)
{
	char path[32];
	ssize_t n;

	if (!comm)
		comm = "?";
	if (!strpbrk(comm, "?.")) {
		proc_set_str(&p->comm, comm, strlen(comm));
		return;
	}
	snprintf(path, sizeof path, "%d/comm", p->pid);
	n = procfs_read(s->procfd, path, &s->buf);
	if (n > 0 && s->buf.data[n - 1] == '\n')
		n--;
	if (n > 0)
		proc_set_str(&p->comm, s->buf.data, n);
	else
		proc_set_str(&p->comm, comm, strlen(comm));
}

static void sampler_rates(struct sampler *s, struct proc *p, uint64_t minflt, uint64_t majflt)
{
	double dt = s->now - p->prev_time;

	if (p->prev_time > 0 && dt > 0) {
		fval_set_d(&p->f[FLD_MINFLT_RATE], (minflt >= p->prev_minflt ? minflt - p->prev_minflt : 0) / dt);
		fval_set_d(&p->f[FLD_MAJFLT_RATE], (majflt >= p->prev_majflt ? majflt - p->prev_majflt : 0) / dt);
	} else {
		p->f[FLD_MINFLT_RATE].st = V_UNKNOWN;
		p->f[FLD_MAJFLT_RATE].st = V_UNKNOWN;
	}
	p->prev_minflt = minflt;
	p->prev_majflt = majflt;
	p->prev_time = s->now;
}

static void sampler_take(const struct proc2_task *t, void *ctx)
{
	struct sampler *s = ctx;
	struct proc *p;
	char uidbuf[16];

	if (t->pid <= 0)
		return;
	p = sampler_lookup(s, t->pid, t->start_ticks);
	if (s->nall == s->capall) {
		s->capall = s->capall ? s->capall * 2 : 1024;
		s->all = xreallocarray(s->all, s->capall, sizeof *s->all);
	}
	s->all[s->nall++] = p;
	p->gen = s->gen;
	p->gone = false;
	p->have = SRC_STAT;
	p->ppid = t->ppid;
	p->uid = t->euid;
	p->state = t->state ? t->state : '?';
	p->kernel_thread = (t->flags & PF_KTHREAD) != 0;
	if (!t->euser)
		snprintf(uidbuf, sizeof uidbuf, "%u", (unsigned)t->euid);
	proc_set_str(&p->user, t->euser ? t->euser : uidbuf, strlen(t->euser ? t->euser : uidbuf));
	sampler_set_comm(s, p, t->comm);
	if (s->want_cmdline) {
		sampler_set_cmdline(s, p, t->argv);
		p->have |= SRC_CMDLINE;
	}

	fval_set_i(&p->f[FLD_PID], p->pid);
	fval_set_i(&p->f[FLD_PPID], p->ppid);
	fval_set_i(&p->f[FLD_UID], p->uid);
	fval_set_u(&p->f[FLD_THREADS], t->nlwp);
	fval_set_u(&p->f[FLD_MINFLT], t->minflt);
	fval_set_u(&p->f[FLD_MAJFLT], t->majflt);
	fval_set_i(&p->f[FLD_OOM], t->oom_score);
	fval_set_i(&p->f[FLD_OOM_ADJ], t->oom_adj);
	if (p->kernel_thread || p->state == 'Z') {
		p->f[FLD_VIRT].st = V_NA;
	} else {
		fval_set_u(&p->f[FLD_VIRT], t->vsize);
	}
	p->stat_rss = t->rss;
	sampler_rates(s, p, t->minflt, t->majflt);
}

static bool selection_match(const struct selection *sel, const struct proc *p)
{
	if (sel->npids) {
		size_t i;

		for (i = 0; i < sel->npids && sel->pids[i] != p->pid; i++)
			;
		if (i == sel->npids)
			return false;
	}
	if (sel->by_uid && p->uid != sel->uid)
		return false;
	if (sel->filter) {
		if (filter_match(sel->filter, p->comm, strlen(p->comm)))
			return true;
		return p->cmdline && filter_match(sel->filter, p->cmdline, p->cmdline_len);
	}
	return true;
}

/* Marks the figures a source provides as not applicable (kernel threads, zombies). */
static void proc_mark_na(struct proc *p, unsigned src)
{
	for (int i = 0; i < FLD_COUNT; i++) {
		if (fields[i].src == src && fields[i].type != FT_STR)
			p->f[i].st = V_NA;
	}
	if (src == SRC_SMAPS)
		p->has_segments = false;
	p->have |= src;
}

static void proc_mark_unknown(struct proc *p, unsigned src)
{
	for (int i = 0; i < FLD_COUNT; i++) {
		if (fields[i].src == src)
			p->f[i].st = V_UNKNOWN;
	}
}

static bool proc_idle_since(const struct proc *p, double then, double now, double max_age)
{
	return then > 0 && max_age > 0 && now - then <= max_age &&
	       p->sig_minflt == p->f[FLD_MINFLT].u && p->sig_majflt == p->f[FLD_MAJFLT].u &&
	       p->sig_rss == p->stat_rss && p->sig_vsize == p->f[FLD_VIRT].u;
}

static void proc_remember_sig(struct proc *p)
{
	p->sig_minflt = p->f[FLD_MINFLT].u;
	p->sig_majflt = p->f[FLD_MAJFLT].u;
	p->sig_rss = p->stat_rss;
	p->sig_vsize = p->f[FLD_VIRT].u;
}

static bool proc_gone(int err)
{
	return err == -ENOENT || err == -ESRCH;
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

	snprintf(path, sizeof path, "%d/status", p->pid);
	n = procfs_read(s->procfd, path, &s->buf);
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

	return smaps_parser_feed(s->parser, data, len);
}

static void proc_set_rollup(struct proc *p, const struct smaps_vma *r)
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

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
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

	snprintf(path, sizeof path, "%d/smaps_rollup", p->pid);
	n = procfs_read(s->procfd, path, &s->buf);
	if (n <= 0) {
		proc_mark_unknown(p, SRC_ROLLUP);
		p->rollup_errno = n < 0 ? (int)-n : 0;
		if (n == 0) {	/* no mm any more: the process is exiting */
			proc_mark_na(p, SRC_ROLLUP);
			return;
		}
		if (n == -EACCES || n == -EPERM)
			s->snap.nunreadable++;
		p->gone = n == -ENOENT;
		return;
	}
	s->cur = NULL;
	s->rollup_seen = false;
	smaps_parser_reset(s->parser);
	smaps_parser_feed(s->parser, s->buf.data, n);
	smaps_parser_finish(s->parser);
	if (!s->rollup_seen) {
		proc_mark_unknown(p, SRC_ROLLUP);
		p->rollup_errno = EINVAL;
		return;
	}
	proc_set_rollup(p, &s->rollup);
	p->rollup_errno = 0;
	p->rollup_time = s->now;
	p->have |= SRC_ROLLUP;
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
	segment_totals_add(&p->seg, seg, vma);
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

	snprintf(path, sizeof path, "%d/exe", p->pid);
	len = readlinkat(s->procfd, path, buf, n - 1);
	if (len <= 0)
		return NULL;	/* EACCES for other users' processes: the classifier guesses */
	buf[len] = '\0';
	if (len > 10 && strcmp(buf + len - 10, " (deleted)") == 0)
		buf[len - 10] = '\0';
	return buf;
}

static void sampler_read_smaps(struct sampler *s, struct proc *p, bool keep_maps)
{
	char path[32], exe[4096];
	int rc;

	snprintf(path, sizeof path, "%d/smaps", p->pid);
	proc_clear_maps(p);
	memset(&p->seg, 0, sizeof p->seg);
	s->cur = p;
	s->keep_maps = keep_maps;
	s->capmaps = 0;
	segment_classifier_init(&s->cls, sampler_exe(s, p, exe, sizeof exe));
	smaps_parser_reset(s->parser);
	rc = procfs_stream(s->procfd, path, &s->chunk, sampler_feed, s);
	if (rc == 0)
		rc = smaps_parser_finish(s->parser);
	s->cur = NULL;
	if (rc < 0 && rc != -EINVAL) {
		p->smaps_errno = -rc;
		p->has_segments = false;
		proc_clear_maps(p);
		proc_mark_unknown(p, SRC_SMAPS);
		return;
	}
	p->smaps_errno = 0;
	p->has_segments = true;
	for (int i = 0; i < SEG_COUNT; i++)
		fval_set_u(&p->f[FLD_SEG_TEXT + i], p->seg.v[i][SEGF_RSS]);
	p->smaps_time = s->now;
	p->have |= SRC_SMAPS | (keep_maps ? SRC_MAPS_LIST : 0);
}

void sampler_fill(struct sampler *s, struct proc *p, unsigned need, double max_age)
{
	bool no_mm = p->kernel_thread || p->state == 'Z';
	bool idle;

	need &= ~p->have;
	if (!need)
		return;
	if (no_mm) {
		for (unsigned src = SRC_STATUS; src <= SRC_SMAPS; src <<= 1) {
			if (need & src)
				proc_mark_na(p, src);
		}
		return;
	}
	if (need & SRC_STATUS) {
		if (proc_idle_since(p, p->status_time, s->now, max_age))
			p->have |= SRC_STATUS;
		else
			sampler_read_status(s, p);
	}
	if (need & SRC_ROLLUP) {
		idle = proc_idle_since(p, p->rollup_time, s->now, max_age);
		if (!idle)
			sampler_read_rollup(s, p);
		p->have |= idle ? SRC_ROLLUP : 0;
		p->rollup_age = (p->have & SRC_ROLLUP) && p->rollup_time > 0 ? s->now - p->rollup_time : 0;
		if (p->have & SRC_ROLLUP)
			fval_set_d(&p->f[FLD_AGE], p->rollup_age);
		else
			p->f[FLD_AGE].st = V_UNKNOWN;
	}
	if (need & (SRC_SMAPS | SRC_MAPS_LIST)) {
		bool keep = (need | p->have) & SRC_MAPS_LIST;

		idle = !keep && proc_idle_since(p, p->smaps_time, s->now, max_age) && p->has_segments;
		if (idle)
			p->have |= SRC_SMAPS;
		else
			sampler_read_smaps(s, p, keep);
		p->smaps_age = p->has_segments ? s->now - p->smaps_time : 0;
	}
	/* the stat figures the reads above belong to: a later change invalidates them */
	if (p->status_time == s->now || p->rollup_time == s->now || p->smaps_time == s->now)
		proc_remember_sig(p);
}

static void sampler_sweep(struct sampler *s)
{
	for (int i = 0; i < SAMPLER_HASH; i++) {
		struct proc **pp = &s->hash[i];

		while (*pp) {
			struct proc *p = *pp;

			if (p->gen != s->gen) {
				*pp = p->hnext;
				proc_free(p);
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
	int n;

	s->gen++;
	s->now = start;
	s->nall = 0;
	s->want_cmdline = (req->need & SRC_CMDLINE) || req->sel.filter;
	snap->interval = snap->seq ? start - s->prev_sys_time : 0;
	snap->seq++;
	clock_gettime(CLOCK_REALTIME, &snap->wall);
	snapshot_identity(snap);
	sampler_system(s, &snap->sys);

	n = proc2_reap(s->p2, s->want_cmdline, req->sel.pids, req->sel.npids, sampler_take, s);
	if (n < 0)
		return n;
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

		p->selected = selection_match(&req->sel, p);
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
