/* The replay: a recording's samples back into snapshots. A moment is built from the last
 * keyframe before it and the changes since, applied in order (see record.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "filter.h"
#include "oom.h"
#include "record.h"
#include "recording.h"
#include "replay.h"
#include "shmem.h"
#include "sysmem.h"
#include "trend.h"
#include "when.h"
#include "xalloc.h"

#define REPLAY_HASH 2048

/* A recorded process as the replay holds it: the public part first. */
struct rproc {
	struct proc p;
	int64_t id;
	uint64_t gen;			/* the last sample applied that had it */
	bool prev_known;		/* it was in the sample before: rates */
	bool rates_given;		/* it was not, but the live sampler had them: recorded */
	struct fval rates[2];		/* those: minflt and majflt per second */
	uint64_t prev_minflt, prev_majflt;
	int64_t fig_sample;		/* its last figures row: sample, time and age written */
	double fig_time, fig_age;	/* fig_time: replay_moment() of fig_sample */
	bool age_known;
	int64_t cgroup_path;		/* cgroup_paths.id, 0 for none */
	struct segment_totals segs;
	bool seg_known, seg_live;	/* seg_live: the live snapshot of seg_sample had them */
	int64_t seg_sample;
	double seg_time, seg_age;
	size_t capshm;
	struct trend_hist *hist;	/* the samples applied (lib/trend.h), NULL for no address space */
	struct rproc *next;
};

struct rcgroup {
	char *path;			/* NULL until read */
	bool known, readable;
	struct cgroup_mem mem;
};

/* The samples row being presented. */
struct rsample {
	int64_t id, session;
	double time, interval, collect;
	double clock;			/* the recorder's clock that only goes forward (trends) */
	bool keyframe, fresh;
	struct system sys;
	int cg_memory;
	bool cg_hybrid;
	bool sysv_known, truncated;
	size_t unreadable;
};

enum {
	S_SAMPLE, S_SESSION, S_GONE, S_PROC, S_INFO, S_FIG, S_MORE, S_SHM, S_SEG, S_CGFIG, S_CGPATH, S_FILES,
	S_SYSV, S_MOUNTS, S_KEYFRAME, S_AT, S_NEXT, S_PREV, S_INDEX, S_COUNT
};

struct replay {
	sqlite3 *db;
	char *path;
	char err[600];
	sqlite3_stmt *st[S_COUNT];
	int64_t lo, hi;			/* replay_next()'s range of sample ids (hi 0: open) */
	bool started;
	double last_visit;
	int64_t cur;			/* the sample applied, 0 for none */
	struct rsample s;
	int64_t session_first, recorder_pid;
	struct system prev_sys;
	bool prev_sys_known;
	uint64_t gen;
	struct rproc *hash[REPLAY_HASH];
	struct rproc **alive;
	size_t nalive, capalive;
	struct rcgroup *cg;
	size_t ncg;
	struct shmem_sources src;
	/* the snapshot */
	struct snapshot snap;
	const struct proc **all, **sel;
	size_t capsnap;
	struct sysmem mem;
	struct cgroup_set cgroups;
	struct oom_report *oom;
	struct shmem_report *shmem;
	/* trends: the samples applied are their history, as the sampler's refreshes are */
	struct trend_params trend;
	struct trend_hist *sys_hist;
	bool cgroups_ready;		/* the snapshot's cgroup set is made: a time to OOM can be */
};

/* ---- statements ---- */

static int replay_prepare(struct replay *r)
{
	static const char *const sql[S_COUNT] = {
		[S_SAMPLE] = "SELECT * FROM samples WHERE id = ?",
		[S_SESSION] = "SELECT first_sample, host, kernel, pid FROM sessions WHERE id = ?",
		[S_GONE] = "SELECT id FROM procs WHERE last_sample = ?",
		[S_PROC] = "SELECT pid, start_ticks FROM procs WHERE id = ?",
		[S_INFO] = "SELECT i.proc, i.ppid, i.uid, i.user, i.comm, c.text, i.kthread, i.cgroup FROM proc_info i "
			   "LEFT JOIN cmdlines c ON c.id = i.cmdline WHERE i.sample = ?",
		[S_FIG] = "SELECT * FROM proc_figures WHERE sample = ?",
		[S_MORE] = "SELECT * FROM proc_more WHERE sample = ?",
		[S_SHM] = "SELECT proc, kind, deleted, dev_major, dev_minor, inode, name, size_kib, rss_kib, pss_kib, swap_pss_kib "
			  "FROM proc_shm WHERE sample = ? ORDER BY proc, n",
		[S_SEG] = "SELECT proc, segment, virt_kib, rss_kib, pss_kib, uss_kib, swap_kib, dirty_kib, age, live FROM segments "
			 "WHERE sample = ?",
		[S_CGFIG] = "SELECT cgroup, readable, mem_limit, mem_usage, swap_limit, swappiness, oom_kills, oom_group, "
			    "na FROM cgroup_figures WHERE sample = ?",
		[S_CGPATH] = "SELECT path FROM cgroup_paths WHERE id = ?",
		[S_FILES] = "SELECT name, dev_major, dev_minor, inode, posix, size, used FROM shm_files WHERE sample = ? "
			    "ORDER BY n",
		[S_SYSV] = "SELECT key, shmid, mode, size, cpid, lpid, nattch, uid, rss, swap FROM shm_sysv "
			   "WHERE sample = ? ORDER BY n",
		[S_MOUNTS] = "SELECT mountpoint, dev_major, dev_minor, size, used, avail FROM shm_mounts "
			     "WHERE sample = ? ORDER BY n",
		[S_KEYFRAME] = "SELECT id FROM samples WHERE keyframe AND id <= ?1 AND session = ?2 "
			       "ORDER BY id DESC LIMIT 1",
		[S_AT] = "SELECT id FROM samples WHERE time <= ? ORDER BY time DESC, id DESC LIMIT 1",
		[S_NEXT] = "SELECT id, time FROM samples WHERE id > ? ORDER BY id LIMIT 1",
		[S_PREV] = "SELECT id FROM samples WHERE id < ? ORDER BY id DESC LIMIT 1",
		[S_INDEX] = "SELECT count(*) FROM samples WHERE id <= ?",
	};
	int rc = SQLITE_OK;

	for (int i = 0; i < S_COUNT && rc == SQLITE_OK; i++)
		rc = recording_prepare(r->db, &r->st[i], sql[i]);
	return rc;
}

/* A statement bound to one integer, ready to step; reset when done with it. */
static sqlite3_stmt *replay_query(struct replay *r, int which, int64_t arg)
{
	sqlite3_stmt *st = r->st[which];

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, arg);
	return st;
}

static int replay_done(struct replay *r, sqlite3_stmt *st, int rc)
{
	sqlite3_reset(st);	/* no read transaction left open: the recorder checkpoints */
	if (rc == SQLITE_DONE || rc == SQLITE_OK || rc == SQLITE_ROW)
		return 0;
	snprintf(r->err, sizeof r->err, "cannot read %s: %s", r->path, sqlite3_errmsg(r->db));
	return -recording_errno(r->db, rc);
}

/* One integer from a one-row query, or dflt. */
static int64_t replay_int(struct replay *r, int which, int64_t arg, int64_t dflt)
{
	sqlite3_stmt *st = replay_query(r, which, arg);
	int64_t v = dflt;

	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

static int64_t replay_sql_int(struct replay *r, const char *sql, double arg, int64_t dflt)
{
	sqlite3_stmt *st;
	int64_t v = dflt;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
		return dflt;
	if (sqlite3_bind_parameter_count(st))
		sqlite3_bind_double(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static double replay_sql_real(struct replay *r, const char *sql)
{
	sqlite3_stmt *st;
	double v = NAN;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
		return v;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *replay_dup(sqlite3_stmt *st, int col, size_t *len)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);
	char *d;

	if (!s)
		return NULL;
	d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	if (len)
		*len = n;
	return d;
}

/* ---- opening ---- */

static int replay_connect(struct replay *r, bool immutable)
{
	char *uri = NULL;
	int rc;

	if (immutable) {
		sqlite3_str *s = sqlite3_str_new(NULL);

		sqlite3_str_appendall(s, "file:");
		for (const char *c = r->path; *c; c++) {	/* the path, %-escaped where a URI needs it */
			if (*c == '%' || *c == '?' || *c == '#')
				sqlite3_str_appendf(s, "%%%02X", (unsigned char)*c);
			else
				sqlite3_str_appendchar(s, 1, *c);
		}
		sqlite3_str_appendall(s, "?immutable=1");
		uri = sqlite3_str_finish(s);
	}
	rc = sqlite3_open_v2(uri ? uri : r->path, &r->db, SQLITE_OPEN_READONLY | (uri ? SQLITE_OPEN_URI : 0), NULL);
	sqlite3_free(uri);
	if (rc == SQLITE_OK)
		sqlite3_busy_timeout(r->db, 2000);
	return rc;
}

int replay_open(const char *path, struct replay **out, char *err, size_t errsz)
{
	struct replay *r = xcalloc(1, sizeof *r);
	int version = 0, rc;

	r->path = xstrdup(path);
	if (access(path, R_OK) != 0) {
		int e = errno;

		snprintf(err, errsz, "cannot read %s: %s", path, strerror(e));
		replay_free(r);
		return -e;
	}
	rc = replay_connect(r, false) == SQLITE_OK ? recording_check(r->db, &version) : -EIO;
	if (rc != 0 && rc != -EPROTO && rc != -EPROTONOSUPPORT) {
		/* a reader that may not create the -shm file beside a finished recording (its
		 * directory is not writable) reads it as a file nobody writes */
		char wal[4096];

		snprintf(wal, sizeof wal, "%s-wal", path);
		sqlite3_close(r->db);
		r->db = NULL;
		if (access(wal, F_OK) != 0 && replay_connect(r, true) == SQLITE_OK)
			rc = recording_check(r->db, &version);
	}
	if (rc != 0) {
		recording_refusal(err, errsz, path, rc, version, false);
		replay_free(r);
		return rc;
	}
	if (replay_prepare(r) != SQLITE_OK) {
		snprintf(err, errsz, "cannot read %s: %s", path, sqlite3_errmsg(r->db));
		replay_free(r);
		return -EIO;
	}
	r->oom = oom_report_create();
	r->shmem = shmem_report_create();
	r->trend = trend_params_default();
	*out = r;
	return 0;
}

static void rproc_free(struct rproc *rp)
{
	struct proc *p = &rp->p;

	for (size_t i = 0; i < p->nshm; i++)
		free(p->shm[i].name);
	free(p->shm);
	free(p->user);
	free(p->comm);
	free(p->cmdline);
	free(rp->hist);
	free(rp);
}

static void replay_forget(struct replay *r)
{
	for (int i = 0; i < REPLAY_HASH; i++) {
		for (struct rproc *p = r->hash[i], *n; p; p = n) {
			n = p->next;
			rproc_free(p);
		}
		r->hash[i] = NULL;
	}
	r->nalive = 0;
	for (size_t i = 0; i < r->ncg; i++)
		r->cg[i].known = false;
	shmem_sources_clear(&r->src);
	r->prev_sys_known = false;
	r->cur = 0;
	free(r->sys_hist);
	r->sys_hist = NULL;
}

void replay_free(struct replay *r)
{
	if (!r)
		return;
	replay_forget(r);
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(r->st[i]);
	if (r->db)
		sqlite3_close(r->db);
	for (size_t i = 0; i < r->ncg; i++)
		free(r->cg[i].path);
	free(r->cg);
	shmem_sources_free(&r->src);
	cgroup_set_free(&r->cgroups);
	oom_report_free(r->oom);
	shmem_report_free(r->shmem);
	free(r->alive);
	free(r->all);
	free(r->sel);
	free(r->path);
	free(r);
}

void replay_set_trend(struct replay *r, const struct trend_params *p)
{
	r->trend = trend_params_of(p);
}

const char *replay_error(const struct replay *r)
{
	return r->err;
}

/* ---- processes ---- */

static struct rproc *replay_find(struct replay *r, int64_t id)
{
	for (struct rproc *p = r->hash[(uint64_t)id % REPLAY_HASH]; p; p = p->next) {
		if (p->id == id)
			return p;
	}
	return NULL;
}

/* A process first seen at this sample: who it is, from procs. */
static struct rproc *replay_born(struct replay *r, int64_t id)
{
	sqlite3_stmt *st = replay_query(r, S_PROC, id);
	struct rproc *rp;

	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return NULL;
	}
	rp = xcalloc(1, sizeof *rp);
	rp->id = id;
	rp->p.pid = (int)sqlite3_column_int64(st, 0);
	rp->p.start_ticks = (uint64_t)sqlite3_column_int64(st, 1);
	rp->p.cgroup = -1;
	rp->p.user = xstrdup("?");
	rp->p.comm = xstrdup("?");
	rp->p.state = '?';
	sqlite3_reset(st);
	rp->next = r->hash[(uint64_t)id % REPLAY_HASH];
	r->hash[(uint64_t)id % REPLAY_HASH] = rp;
	if (r->nalive == r->capalive) {
		r->capalive = r->capalive ? r->capalive * 2 : 256;
		r->alive = xreallocarray(r->alive, r->capalive, sizeof *r->alive);
	}
	r->alive[r->nalive++] = rp;
	return rp;
}

static struct rproc *replay_proc(struct replay *r, int64_t id)
{
	struct rproc *rp = replay_find(r, id);

	return rp ? rp : replay_born(r, id);
}

/* Processes whose last sample was the one before: gone now. */
static int replay_deaths(struct replay *r, int64_t s)
{
	sqlite3_stmt *st = replay_query(r, S_GONE, s - 1);
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rproc *rp = replay_find(r, sqlite3_column_int64(st, 0));

		if (rp)
			rp->gen = 0;	/* swept below */
	}
	return replay_done(r, st, rc);
}

static void replay_sweep(struct replay *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nalive; i++) {
		struct rproc *rp = r->alive[i];

		if (rp->gen) {
			r->alive[n++] = rp;
			continue;
		}
		for (struct rproc **pp = &r->hash[(uint64_t)rp->id % REPLAY_HASH]; *pp; pp = &(*pp)->next) {
			if (*pp == rp) {
				*pp = rp->next;
				break;
			}
		}
		rproc_free(rp);
	}
	r->nalive = n;
}

static int replay_info(struct replay *r, int64_t s)
{
	sqlite3_stmt *st = replay_query(r, S_INFO, s);
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rproc *rp = replay_proc(r, sqlite3_column_int64(st, 0));
		struct proc *p;

		if (!rp)
			continue;
		p = &rp->p;
		p->ppid = (int)sqlite3_column_int64(st, 1);
		p->uid = (uint32_t)sqlite3_column_int64(st, 2);
		free(p->user);
		p->user = replay_dup(st, 3, NULL);
		if (!p->user)
			p->user = xstrdup("?");
		free(p->comm);
		p->comm = replay_dup(st, 4, NULL);
		if (!p->comm)
			p->comm = xstrdup("?");
		free(p->cmdline);
		p->cmdline = replay_dup(st, 5, &p->cmdline_len);
		p->kernel_thread = sqlite3_column_int64(st, 6) != 0;
		rp->cgroup_path = sqlite3_column_type(st, 7) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 7);
		rp->gen = r->gen;
	}
	return replay_done(r, st, rc);
}

/* The moment ages are counted on, as the recorder counted them (record_moment()): its
 * monotonic clock, which the ages came from (the wall time is kept to the millisecond only,
 * and may be stepped); the wall time in a recording without it. */
static double replay_moment(const struct replay *r)
{
	return r->s.clock > 0 ? r->s.clock : r->s.time;
}

static int replay_figures(struct replay *r, int64_t s)
{
	sqlite3_stmt *st = replay_query(r, S_FIG, s);
	int rates = 3 + recording_nfigures, base = rates + 2;	/* pss_age, na */
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rproc *rp = replay_proc(r, sqlite3_column_int64(st, 1));
		int64_t na = sqlite3_column_int64(st, base + 1);
		const unsigned char *state = sqlite3_column_text(st, 2);
		struct proc *p;

		if (!rp)
			continue;
		p = &rp->p;
		p->state = state && state[0] ? (char)state[0] : '?';
		for (int i = 0; i < recording_nfigures; i++) {
			enum field_id id = recording_figures[i].id;

			if (fields[id].type == FT_BYTES)
				recording_kib(st, 3 + i, &p->f[id], na, i);
			else
				recording_fval(st, 3 + i, &p->f[id], fields[id].type, na, i);
		}
		rp->rates_given = !rp->prev_known && sqlite3_column_type(st, rates) != SQLITE_NULL;
		recording_fval(st, rates, &rp->rates[0], FT_RATE, 0, 0);
		recording_fval(st, rates + 1, &rp->rates[1], FT_RATE, 0, 0);
		rp->age_known = sqlite3_column_type(st, base) != SQLITE_NULL;
		rp->fig_age = sqlite3_column_double(st, base);
		rp->fig_sample = s;
		rp->fig_time = replay_moment(r);
		rp->gen = r->gen;
	}
	return replay_done(r, st, rc);
}

static int replay_more(struct replay *r, int64_t s)
{
	sqlite3_stmt *st = replay_query(r, S_MORE, s);
	int base = 2 + recording_nvm;	/* na, rollup_errno, smaps_errno, shm_maps */
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rproc *rp = replay_proc(r, sqlite3_column_int64(st, 1));
		int64_t na = sqlite3_column_int64(st, base);
		struct proc *p;

		if (!rp)
			continue;
		p = &rp->p;
		for (int i = 0; i < recording_nvm; i++) {
			enum field_id id = recording_vm[i].id;

			if (fields[id].type == FT_BYTES)
				recording_kib(st, 2 + i, &p->f[id], na, i);
			else
				recording_fval(st, 2 + i, &p->f[id], fields[id].type, na, i);
		}
		p->rollup_errno = (int)sqlite3_column_int64(st, base + 1);
		p->smaps_errno = (int)sqlite3_column_int64(st, base + 2);
		if (sqlite3_column_int64(st, base + 3) == 0) {
			for (size_t k = 0; k < p->nshm; k++)
				free(p->shm[k].name);
			p->nshm = 0;
		}
		rp->gen = r->gen;
	}
	return replay_done(r, st, rc);
}

static void replay_shm_value(sqlite3_stmt *st, int col, struct fval *v)
{
	recording_fval(st, col, v, FT_BYTES, 0, 0);
}

static int replay_shm(struct replay *r, int64_t s)
{
	sqlite3_stmt *st = replay_query(r, S_SHM, s);
	struct rproc *cur = NULL;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rproc *rp = replay_find(r, sqlite3_column_int64(st, 0));
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		struct shmem_map *m;
		struct proc *p;

		if (!rp)
			continue;
		p = &rp->p;
		if (rp != cur) {	/* the set written replaces the one before */
			for (size_t k = 0; k < p->nshm; k++)
				free(p->shm[k].name);
			p->nshm = 0;
			cur = rp;
		}
		if (p->nshm == rp->capshm) {
			rp->capshm = rp->capshm ? rp->capshm * 2 : 4;
			p->shm = xreallocarray(p->shm, rp->capshm, sizeof *p->shm);
		}
		m = &p->shm[p->nshm++];
		memset(m, 0, sizeof *m);
		for (int k = 0; k < SHMEM_KIND_COUNT; k++) {
			if (kind && strcmp(kind, shmem_kind_name(k)) == 0)
				m->kind = (uint8_t)k;
		}
		m->deleted = sqlite3_column_int64(st, 2) != 0;
		m->dev_major = (unsigned)sqlite3_column_int64(st, 3);
		m->dev_minor = (unsigned)sqlite3_column_int64(st, 4);
		m->inode = (uint64_t)sqlite3_column_int64(st, 5);
		m->name = replay_dup(st, 6, &m->name_len);
		if (!m->name)
			m->name = xstrdup("");
		m->size = (uint64_t)sqlite3_column_int64(st, 7) << 10;
		recording_kib(st, 8, &m->rss, 0, 0);
		recording_kib(st, 9, &m->pss, 0, 0);
		recording_kib(st, 10, &m->swap_pss, 0, 0);
	}
	return replay_done(r, st, rc);
}

static int replay_segments(struct replay *r, int64_t s)
{
	sqlite3_stmt *st;
	int rc;

	if (r->s.keyframe) {	/* a keyframe holds every segment still worth showing */
		for (size_t i = 0; i < r->nalive; i++)
			r->alive[i]->seg_known = false;
	}
	st = replay_query(r, S_SEG, s);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rproc *rp = replay_find(r, sqlite3_column_int64(st, 0));
		const char *name = (const char *)sqlite3_column_text(st, 1);
		int seg = name ? segment_lookup(name, strlen(name)) : -1;

		if (!rp || seg < 0)
			continue;
		if (rp->seg_sample != s)
			memset(&rp->segs, 0, sizeof rp->segs);
		for (int f = 0; f < SEGF_COUNT; f++)
			rp->segs.v[seg][f] = (uint64_t)sqlite3_column_int64(st, 2 + f) << 10;
		rp->seg_known = true;
		rp->seg_sample = s;
		rp->seg_time = replay_moment(r);
		rp->seg_age = sqlite3_column_double(st, 8);
		rp->seg_live = sqlite3_column_int64(st, 9) != 0;
	}
	return replay_done(r, st, rc);
}

/* ---- cgroups and shmem sources ---- */

static struct rcgroup *replay_cgroup(struct replay *r, int64_t id)
{
	if (id <= 0 || id > 1000000)
		return NULL;
	if ((size_t)id >= r->ncg) {
		size_t n = (size_t)id + 16;

		r->cg = xreallocarray(r->cg, n, sizeof *r->cg);
		memset(r->cg + r->ncg, 0, (n - r->ncg) * sizeof *r->cg);
		r->ncg = n;
	}
	if (!r->cg[id].path) {
		sqlite3_stmt *st = replay_query(r, S_CGPATH, id);

		if (sqlite3_step(st) == SQLITE_ROW)
			r->cg[id].path = replay_dup(st, 0, NULL);
		sqlite3_reset(st);
	}
	return r->cg[id].path ? &r->cg[id] : NULL;
}

static int replay_cgroups(struct replay *r, int64_t s)
{
	sqlite3_stmt *st = replay_query(r, S_CGFIG, s);
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rcgroup *c = replay_cgroup(r, sqlite3_column_int64(st, 0));
		struct fval *v[RECORDING_CGROUP_FIGURES];
		int64_t na;

		if (!c)
			continue;
		v[0] = &c->mem.limit;
		v[1] = &c->mem.usage;
		v[2] = &c->mem.swap_limit;
		v[3] = &c->mem.swappiness;
		v[4] = &c->mem.oom_kills;
		na = sqlite3_column_int64(st, 8);
		c->known = true;
		c->readable = sqlite3_column_int64(st, 1) != 0;
		for (int i = 0; i < RECORDING_CGROUP_FIGURES; i++)
			recording_fval(st, 2 + i, v[i], i == 3 ? FT_INT : FT_BYTES, na, i);
		c->mem.oom_group = (int)sqlite3_column_int64(st, 7);
	}
	return replay_done(r, st, rc);
}

static int replay_files(struct replay *r, int64_t s)
{
	sqlite3_stmt *st = replay_query(r, S_FILES, s);
	int rc;

	for (size_t i = 0; i < r->src.nfiles; i++)
		free(r->src.files[i].name);
	r->src.nfiles = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t len = 0;
		char *name = replay_dup(st, 0, &len);
		bool added;
		struct shmem_file *f = shmem_sources_file(&r->src, name ? name : "", name ? len : 0,
							  (unsigned)sqlite3_column_int64(st, 1),
							  (unsigned)sqlite3_column_int64(st, 2),
							  (uint64_t)sqlite3_column_int64(st, 3), &added);

		free(name);
		f->posix = sqlite3_column_int64(st, 4) != 0;
		replay_shm_value(st, 5, &f->size);
		replay_shm_value(st, 6, &f->used);
	}
	return replay_done(r, st, rc);
}

static int replay_sysv(struct replay *r, int64_t s)
{
	sqlite3_stmt *st = replay_query(r, S_SYSV, s);
	int rc;

	r->src.nsysv = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct shmem_sysv g = {
			.key = (uint32_t)sqlite3_column_int64(st, 0),
			.shmid = (int)sqlite3_column_int64(st, 1),
			.mode = (unsigned)sqlite3_column_int64(st, 2),
			.size = (uint64_t)sqlite3_column_int64(st, 3),
			.cpid = (int)sqlite3_column_int64(st, 4),
			.lpid = (int)sqlite3_column_int64(st, 5),
			.nattch = (uint64_t)sqlite3_column_int64(st, 6),
			.uid = (uint32_t)sqlite3_column_int64(st, 7),
		};

		replay_shm_value(st, 8, &g.rss);
		replay_shm_value(st, 9, &g.swap);
		shmem_sources_sysv(&g, &r->src);
	}
	return replay_done(r, st, rc);
}

static int replay_mounts(struct replay *r, int64_t s)
{
	sqlite3_stmt *st = replay_query(r, S_MOUNTS, s);
	int rc;

	for (size_t i = 0; i < r->src.nmounts; i++)
		free(r->src.mounts[i].mountpoint);
	r->src.nmounts = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *mp = (const char *)sqlite3_column_text(st, 0);
		struct shmem_mount *m = shmem_sources_mount(&r->src, mp ? mp : "");

		m->dev_major = (unsigned)sqlite3_column_int64(st, 1);
		m->dev_minor = (unsigned)sqlite3_column_int64(st, 2);
		replay_shm_value(st, 3, &m->size);
		replay_shm_value(st, 4, &m->used);
		replay_shm_value(st, 5, &m->avail);
	}
	return replay_done(r, st, rc);
}

/* ---- a sample ---- */

/* Reads the samples row; the three shmem set counts (NULL: unchanged) into sets. */
static int replay_sample_row(struct replay *r, int64_t id, struct rsample *s, bool *sets)
{
	sqlite3_stmt *st = replay_query(r, S_SAMPLE, id);
	int rc = sqlite3_step(st), c = 8;

	if (rc != SQLITE_ROW)
		return replay_done(r, st, rc) ? -EIO : -ENOENT;
	memset(s, 0, sizeof *s);
	s->id = id;
	s->session = sqlite3_column_int64(st, 1);
	s->time = sqlite3_column_double(st, 2);
	s->interval = sqlite3_column_double(st, 3);
	s->collect = sqlite3_column_double(st, 4);
	s->keyframe = sqlite3_column_int64(st, 5) != 0;
	s->fresh = sqlite3_column_int64(st, 6) != 0;
	for (int i = 0; i < SYS_MEM_COUNT; i++)
		recording_fval(st, c++, &s->sys.mem[i], FT_BYTES, 0, 0);
	for (int i = 0; i < SYSC_COUNT; i++)
		recording_fval(st, c++, &s->sys.count[i], FT_COUNT, 0, 0);
	for (int i = 0; i < KNOB_COUNT; i++)
		recording_fval(st, c++, &s->sys.knob[i], FT_INT, 0, 0);
	s->sys.pressure.known = sqlite3_column_type(st, c) != SQLITE_NULL;
	s->sys.pressure.has_full = sqlite3_column_type(st, c + 3) != SQLITE_NULL;
	for (int k = 0; k < 2; k++) {
		struct psi_line *l = k ? &s->sys.pressure.full : &s->sys.pressure.some;

		l->avg10 = sqlite3_column_double(st, c + 3 * k);
		l->avg60 = sqlite3_column_double(st, c + 3 * k + 1);
		l->avg300 = sqlite3_column_double(st, c + 3 * k + 2);
		l->total_us = (uint64_t)sqlite3_column_int64(st, c + 6 + k);
	}
	c += 8;
	s->cg_memory = (int)sqlite3_column_int64(st, c++);
	s->cg_hybrid = sqlite3_column_int64(st, c++) != 0;
	for (int k = 0; k < 3; k++)
		sets[k] = sqlite3_column_type(st, c++) != SQLITE_NULL;
	s->sysv_known = sqlite3_column_int64(st, c++) != 0;
	s->truncated = sqlite3_column_int64(st, c++) != 0;
	s->unreadable = (size_t)sqlite3_column_int64(st, c++);
	s->clock = sqlite3_column_double(st, c);
	sqlite3_reset(st);
	return 0;
}

static int replay_session(struct replay *r, int64_t session)
{
	sqlite3_stmt *st = replay_query(r, S_SESSION, session);
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		const char *host = (const char *)sqlite3_column_text(st, 1);
		const char *kernel = (const char *)sqlite3_column_text(st, 2);

		r->session_first = sqlite3_column_int64(st, 0);
		snprintf(r->snap.host, sizeof r->snap.host, "%s", host ? host : "");
		snprintf(r->snap.kernel, sizeof r->snap.kernel, "%s", kernel ? kernel : "");
		r->recorder_pid = sqlite3_column_int64(st, 3);
	}
	return replay_done(r, st, rc);
}

/* The sample applied joins the histories, as a live refresh does (lib/sample.c): RSS, anon
 * + swap, and PSS where it was read for this sample (not reused by the cost rule); the
 * machine's MemAvailable + SwapFree. */
static void replay_observe(struct replay *r)
{
	const struct fval *avail = &r->s.sys.mem[SYS_MEM_AVAILABLE], *swap_free = &r->s.sys.mem[SYS_SWAP_FREE];
	struct trend_figs sf = { .known = 0 };

	for (size_t i = 0; i < r->nalive; i++) {
		struct rproc *rp = r->alive[i];
		const struct fval *f = rp->p.f;
		struct trend_figs tf = { .known = 0 };

		if (!proc_has_mm(&rp->p))
			continue;
		if (f[FLD_RSS].st == V_KNOWN) {
			tf.v[TREND_RSS] = f[FLD_RSS].u;
			tf.known |= 1u << TREND_RSS;
		}
		if (f[FLD_ANON].st == V_KNOWN && f[FLD_SWAP].st == V_KNOWN) {
			tf.v[TREND_ANON_SWAP] = f[FLD_ANON].u + f[FLD_SWAP].u;
			tf.known |= 1u << TREND_ANON_SWAP;
		}
		/* PSS read for this sample: its row written now with age 0, or every figure read */
		if (f[FLD_PSS].st == V_KNOWN &&
		    (rp->fig_sample == r->s.id ? !(rp->age_known && rp->fig_age > 0) : r->s.fresh)) {
			tf.v[TREND_PSS] = f[FLD_PSS].u;
			tf.known |= 1u << TREND_PSS;
		}
		if (!rp->hist)
			rp->hist = trend_hist_create(2);
		trend_hist_reserve(&rp->hist);
		trend_observe(rp->hist, r->s.clock, &tf, &r->trend);
	}
	if (!r->sys_hist)
		r->sys_hist = trend_hist_create(TREND_CAP);
	if (avail->st == V_KNOWN && swap_free->st == V_KNOWN) {
		sf.v[TREND_HEADROOM] = avail->u + swap_free->u;
		sf.known = 1u << TREND_HEADROOM;
	}
	trend_observe(r->sys_hist, r->s.clock, &sf, &r->trend);
}

/* Applies sample id over the state (or over nothing: reset). */
static int replay_apply(struct replay *r, int64_t id, bool reset)
{
	struct rsample s;
	bool sets[3];
	int rc = replay_sample_row(r, id, &s, sets);

	if (rc < 0)
		return rc;
	if (reset || s.session != r->s.session || !r->cur || id != r->cur + 1) {
		replay_forget(r);
		rc = replay_session(r, s.session);
		if (rc < 0)
			return rc;
	} else {
		r->prev_sys = r->s.sys;
		r->prev_sys_known = true;
	}
	r->s = s;
	r->gen++;
	for (size_t i = 0; i < r->nalive; i++) {
		struct rproc *rp = r->alive[i];

		rp->prev_known = true;
		rp->prev_minflt = rp->p.f[FLD_MINFLT].u;
		rp->prev_majflt = rp->p.f[FLD_MAJFLT].u;
		rp->gen = r->gen;
	}
	if (r->cur && (rc = replay_deaths(r, id)) < 0)
		return rc;
	replay_sweep(r);
	if ((rc = replay_info(r, id)) == 0 && (rc = replay_figures(r, id)) == 0 && (rc = replay_more(r, id)) == 0 &&
	    (rc = replay_shm(r, id)) == 0 &&
	    (rc = replay_segments(r, id)) == 0 && (rc = replay_cgroups(r, id)) == 0 &&
	    (!sets[0] || (rc = replay_files(r, id)) == 0) && (!sets[1] || (rc = replay_sysv(r, id)) == 0))
		rc = sets[2] ? replay_mounts(r, id) : 0;
	if (rc < 0) {
		replay_forget(r);
		return rc;
	}
	r->src.sysv_known = s.sysv_known;
	r->src.truncated = s.truncated;
	r->src.unreadable = s.unreadable;
	r->cur = id;
	replay_observe(r);
	return 0;
}

/* Builds the state at sample id: from the keyframe before it (so that its rates have
 * the sample before) and before the trend window (so that its trends have their history),
 * or forward from the current one when that is on the way. */
static int replay_goto(struct replay *r, int64_t id)
{
	int64_t session, from, first;
	struct rsample s;
	bool sets[3];
	int rc;

	if (id == r->cur)
		return 0;
	if (r->cur && id > r->cur && id - r->cur <= RECORD_KEYFRAME_SAMPLES) {
		for (int64_t k = r->cur + 1; k <= id; k++) {
			rc = replay_apply(r, k, false);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	rc = replay_sample_row(r, id, &s, sets);
	if (rc < 0)
		return rc;
	session = s.session;
	from = replay_sql_int(r, "SELECT max(id) FROM samples WHERE time <= ?", s.time - r->trend.window, 0);
	if (!from || from > id - 1)
		from = id - 1;
	if (from < (first = replay_int(r, S_SESSION, session, id)))
		from = first;	/* the history begins with the session */
	sqlite3_reset(r->st[S_KEYFRAME]);
	sqlite3_bind_int64(r->st[S_KEYFRAME], 1, from);
	sqlite3_bind_int64(r->st[S_KEYFRAME], 2, session);
	from = sqlite3_step(r->st[S_KEYFRAME]) == SQLITE_ROW ? sqlite3_column_int64(r->st[S_KEYFRAME], 0) : id;
	sqlite3_reset(r->st[S_KEYFRAME]);
	rc = replay_apply(r, from, true);
	for (int64_t k = from + 1; rc == 0 && k <= id; k++)
		rc = replay_apply(r, k, false);
	return rc;
}

/* ---- positions ---- */

static void replay_span_text(struct replay *r, char *buf, size_t n)
{
	double first = replay_sql_real(r, "SELECT min(time) FROM samples");
	double last = replay_sql_real(r, "SELECT max(time) FROM samples");
	char a[32], b[32];

	if (isnan(first))
		snprintf(buf, n, "it holds no sample");
	else
		snprintf(buf, n, "it holds %s to %s", when_format(a, sizeof a, first), when_format(b, sizeof b, last));
}

int replay_between(struct replay *r, double from, double to, char *err, size_t errsz)
{
	int64_t lo = isnan(from) ? replay_sql_int(r, "SELECT min(id) FROM samples", 0, 0)
				 : replay_sql_int(r, "SELECT min(id) FROM samples WHERE time >= ?", from, 0);
	int64_t hi = isnan(to) ? 0 : replay_sql_int(r, "SELECT max(id) FROM samples WHERE time <= ?", to, 0);
	char span[100];

	if (lo && (isnan(to) || (hi && hi >= lo))) {
		r->lo = lo;
		r->hi = hi;
		r->started = false;
		return replay_goto(r, lo);
	}
	replay_span_text(r, span, sizeof span);
	snprintf(err, errsz, "no sample of %s was recorded in that time (%s)", r->path, span);
	return -ENOENT;
}

int replay_at(struct replay *r, double at, char *err, size_t errsz)
{
	int64_t id = replay_sql_int(r, "SELECT id FROM samples WHERE time <= ? ORDER BY time DESC, id DESC LIMIT 1",
				    at, 0);
	char span[100], a[32];

	if (id) {
		r->lo = r->hi = id;
		r->started = false;
		return replay_goto(r, id);
	}
	replay_span_text(r, span, sizeof span);
	snprintf(err, errsz, "no sample of %s was recorded at or before %s (%s)", r->path,
		 when_format(a, sizeof a, at), span);
	return -ENOENT;
}

int replay_next(struct replay *r, double min_gap)
{
	int64_t id = r->started ? r->cur : r->lo - 1;
	int rc;

	if (!r->lo)
		return -ENOENT;
	for (;;) {
		sqlite3_stmt *st = replay_query(r, S_NEXT, id);
		double t;

		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_reset(st);
			return -ENOENT;
		}
		id = sqlite3_column_int64(st, 0);
		t = sqlite3_column_double(st, 1);
		sqlite3_reset(st);
		if (r->hi && id > r->hi)
			return -ENOENT;
		if (!r->started || min_gap <= 0 || t - r->last_visit >= min_gap - 1e-3)
			break;
	}
	rc = replay_goto(r, id);
	if (rc < 0)
		return rc;
	r->started = true;
	r->last_visit = r->s.time;
	return 0;
}

int replay_step(struct replay *r, long step)
{
	int64_t id = r->cur;

	for (long i = 0; i < labs(step); i++) {
		int64_t next = replay_int(r, step > 0 ? S_NEXT : S_PREV, id, 0);

		if (!next)
			return -ENOENT;
		id = next;
	}
	return replay_goto(r, id);
}

int replay_seek(struct replay *r, double t)
{
	sqlite3_stmt *st = r->st[S_AT];
	int64_t id;

	sqlite3_reset(st);
	sqlite3_bind_double(st, 1, t);
	id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (!id)
		id = replay_sql_int(r, "SELECT min(id) FROM samples", 0, 0);
	return id ? replay_goto(r, id) : -ENOENT;
}

void replay_position(struct replay *r, struct replay_pos *pos)
{
	pos->time = r->s.time;
	pos->index = (long)replay_int(r, S_INDEX, r->cur, 0);
	pos->count = (long)replay_sql_int(r, "SELECT count(*) FROM samples", 0, 0);
	pos->first = replay_sql_real(r, "SELECT min(time) FROM samples");
	pos->last = replay_sql_real(r, "SELECT max(time) FROM samples");
}

/* ---- the snapshot ---- */

static bool replay_selected(const struct replay *r, const struct sample_request *req, const struct proc *p)
{
	/* a filter never matches memtop itself: the one that recorded */
	switch (selection_check(&req->sel, p, (int)r->recorder_pid)) {
	case SEL_YES:
		return true;
	case SEL_CMDLINE:
		return p->cmdline && filter_match(req->sel.filter, p->cmdline, p->cmdline_len);
	default:
		return false;
	}
}

/* The age at this moment of a figure AGE old at SAMPLE (at replay_moment() TIME). */
static double replay_age(const struct replay *r, int64_t sample, double age, double time)
{
	return sample == r->cur ? age : age + (replay_moment(r) - time);
}

static void replay_show_segments(struct replay *r, struct rproc *rp)
{
	struct proc *p = &rp->p;

	if (!rp->seg_known)
		return;
	p->seg = &rp->segs;
	p->has_segments = true;
	p->have |= SRC_SMAPS;
	p->smaps_age = replay_age(r, rp->seg_sample, rp->seg_age, rp->seg_time);
	for (int i = 0; i < FLD_COUNT; i++) {
		int seg = fields[i].src == SRC_SMAPS && fields[i].key ? segment_lookup(fields[i].key, strlen(fields[i].key)) : -1;

		if (seg >= 0)
			p->f[i] = (struct fval){ .u = rp->segs.v[seg][SEGF_RSS], .st = V_KNOWN };
	}
}

static void replay_rate(struct fval *v, bool known, uint64_t now, uint64_t before, double dt)
{
	if (!known || dt <= 0) {
		v->st = V_UNKNOWN;
		return;
	}
	v->d = (now >= before ? now - before : 0) / dt;
	v->st = V_KNOWN;
}

/* The room left before the OOM killer at this moment: the machine's (MemAvailable +
 * SwapFree), and p's memory cgroup's, from its limit and usage as recorded (its file pages
 * and the swap it uses are not recorded: what reclaim could still free there is left out). */
static void replay_trend_eta(struct replay *r, struct proc *p)
{
	const struct fval *avail = &r->s.sys.mem[SYS_MEM_AVAILABLE], *swap = &r->s.sys.mem[SYS_SWAP_FREE];
	uint64_t swap_free = swap->st == V_KNOWN ? swap->u : 0, room;
	double cg = p->cgroup >= 0 && cgroup_set_headroom(&r->cgroups, p->cgroup, NULL, swap_free, &room) ? (double)room : -1;

	p->have |= SRC_TREND_ETA;
	if (p->f[FLD_GROWTH].st == V_KNOWN && p->f[FLD_GROWTH].d > 0)
		trend_proc_eta(p, avail->st == V_KNOWN ? (double)avail->u + swap_free : -1, cg);
}

/* Growth and leak over the samples applied, as the sampler fits them live; the time to OOM
 * once the snapshot's cgroups are set (replay_snapshot()). */
static void replay_trend(struct replay *r, struct rproc *rp, unsigned need)
{
	struct proc *p = &rp->p;

	p->have |= SRC_TREND;
	/* a zombie's history is not its trend (none live: it has no memory now) */
	trend_proc(p, proc_has_mm(p) ? rp->hist : NULL, &r->trend);
	if ((need & SRC_TREND_ETA) && r->cgroups_ready)
		replay_trend_eta(r, p);
}

/* What a face sees of a process: what was recorded, the rates and ages of this moment. */
static void replay_present(struct replay *r, struct rproc *rp, const struct sample_request *req)
{
	struct proc *p = &rp->p;
	unsigned need;

	p->selected = replay_selected(r, req, p);
	p->f[FLD_PID] = (struct fval){ .i = p->pid, .st = V_KNOWN };
	p->f[FLD_UID] = (struct fval){ .i = p->uid, .st = V_KNOWN };
	p->f[FLD_PPID] = (struct fval){ .i = p->ppid, .st = V_KNOWN };
	replay_rate(&p->f[FLD_MINFLT_RATE], rp->prev_known, p->f[FLD_MINFLT].u, rp->prev_minflt, r->s.interval);
	replay_rate(&p->f[FLD_MAJFLT_RATE], rp->prev_known, p->f[FLD_MAJFLT].u, rp->prev_majflt, r->s.interval);
	if (rp->rates_given && rp->fig_sample == r->cur) {
		p->f[FLD_MINFLT_RATE] = rp->rates[0];
		p->f[FLD_MAJFLT_RATE] = rp->rates[1];
	}
	p->pss_age = 0;
	p->f[FLD_AGE].st = V_UNKNOWN;
	if (rp->age_known) {
		p->pss_age = rp->fig_sample != r->cur && r->s.fresh ? 0 : replay_age(r, rp->fig_sample, rp->fig_age,
										       rp->fig_time);
		p->f[FLD_AGE] = (struct fval){ .d = p->pss_age, .st = V_KNOWN };
	}
	p->have = RECORD_NEED;
	p->has_segments = false;
	p->smaps_age = 0;
	for (int i = 0; i < FLD_COUNT; i++) {
		if (fields[i].src == SRC_SMAPS)
			p->f[i].st = V_UNKNOWN;
	}
	p->maps = NULL;
	p->nmaps = 0;
	p->cgroup = -1;
	need = (p->selected ? req->need : 0) | req->need_all;
	if ((need & (SRC_SMAPS | SRC_MAPS_LIST)) || (rp->seg_sample == r->cur && rp->seg_live))
		replay_show_segments(r, rp);
	p->history = rp->hist;
	trend_proc(p, NULL, &r->trend);		/* unknown until asked for, as live */
	if (need & (SRC_TREND | SRC_TREND_ETA))
		replay_trend(r, rp, need);
}

void replay_fill(struct replay *r, const struct proc *p, unsigned need)
{
	struct rproc *rp = (struct rproc *)p;	/* p is the first member */

	if ((need & (SRC_SMAPS | SRC_MAPS_LIST)) && !p->has_segments)
		replay_show_segments(r, rp);
	if (need & (SRC_TREND | SRC_TREND_ETA) & ~p->have)
		replay_trend(r, rp, need);
}

static int replay_pid_cmp(const void *a, const void *b)
{
	const struct proc *p = *(const struct proc *const *)a, *q = *(const struct proc *const *)b;

	return (p->pid > q->pid) - (p->pid < q->pid);
}

/* The cgroup set as the sampler builds it: every process's cgroup, in pid order, with its
 * parents; each node with the figures recorded for it. */
static void replay_cgroup_set(struct replay *r)
{
	struct cgroup_set *cs = &r->cgroups;

	cgroup_set_clear(cs);
	cs->layout.memory = (enum cgroup_version)r->s.cg_memory;
	cs->layout.hybrid = r->s.cg_hybrid;
	for (size_t i = 0; i < r->snap.ntotal; i++) {
		struct proc *p = (struct proc *)r->all[i];
		struct rproc *rp = (struct rproc *)p;
		struct rcgroup *c = replay_cgroup(r, rp->cgroup_path);

		if (c && cs->layout.memory != CGROUP_NONE)
			p->cgroup = cgroup_set_get(cs, c->path, strlen(c->path));
	}
	for (size_t i = 0; i < cs->n; i++) {
		struct cgroup_node *node = &cs->nodes[i];

		node->readable = false;
		memset(&node->mem, 0, sizeof node->mem);
		node->mem.oom_group = -1;
		for (size_t k = 1; k < r->ncg; k++) {
			if (r->cg[k].known && r->cg[k].path && strcmp(r->cg[k].path, node->path) == 0) {
				node->readable = r->cg[k].readable;
				node->mem = r->cg[k].mem;
				break;
			}
		}
	}
}

static void replay_system(struct replay *r, struct system *sys)
{
	const struct fval *avail = &r->s.sys.mem[SYS_MEM_AVAILABLE], *swap_free = &r->s.sys.mem[SYS_SWAP_FREE];

	*sys = r->s.sys;
	trend_system(&sys->trend, r->sys_hist, &r->trend, avail->st == V_KNOWN && swap_free->st == V_KNOWN ?
		     (double)(avail->u + swap_free->u) : -1);
	for (int i = 0; i < SYSC_COUNT; i++) {
		const struct fval *c = &sys->count[i], *o = &r->prev_sys.count[i];
		struct fval *v = &sys->rate[i];

		v->st = V_UNKNOWN;
		if (r->prev_sys_known && r->s.interval > 0 && c->st == V_KNOWN && o->st == V_KNOWN) {
			v->d = c->u >= o->u ? (c->u - o->u) / r->s.interval : 0;
			v->st = V_KNOWN;
		}
	}
}

static bool replay_unreadable(const struct proc *p)
{
	int e = p->rollup_errno ? p->rollup_errno : p->f[FLD_PSS].st == V_UNKNOWN ? p->smaps_errno : 0;

	return p->selected && (e == EACCES || e == EPERM);
}

int replay_snapshot(struct replay *r, const struct sample_request *req, const struct snapshot **out)
{
	struct snapshot *snap = &r->snap;
	double secs = floor(r->s.time);

	if (!r->cur)
		return -ENOENT;
	if (r->capsnap < r->nalive) {
		r->capsnap = r->nalive;
		r->all = xreallocarray(r->all, r->capsnap, sizeof *r->all);
		r->sel = xreallocarray(r->sel, r->capsnap, sizeof *r->sel);
	}
	snap->ntotal = snap->nprocs = snap->nunreadable = 0;
	r->trend = trend_params_of(&req->trend);
	r->cgroups_ready = false;
	for (size_t i = 0; i < r->nalive; i++) {
		replay_present(r, r->alive[i], req);
		r->all[snap->ntotal++] = &r->alive[i]->p;
	}
	if (snap->ntotal > 1)
		qsort(r->all, snap->ntotal, sizeof *r->all, replay_pid_cmp);
	for (size_t i = 0; i < snap->ntotal; i++) {
		if (r->all[i]->selected)
			r->sel[snap->nprocs++] = r->all[i];
		snap->nunreadable += replay_unreadable(r->all[i]);
	}
	snap->all = r->all;
	snap->procs = r->sel;
	snap->complete = true;
	snap->wall.tv_sec = (time_t)secs;
	snap->wall.tv_nsec = lround((r->s.time - secs) * 1000) * 1000000L;
	snap->interval = r->s.interval;
	snap->clock = r->s.clock;
	snap->collect_seconds = r->s.collect;
	snap->seq = (uint64_t)(r->cur - r->session_first + 1);
	replay_system(r, &snap->sys);
	replay_cgroup_set(r);
	r->cgroups_ready = true;
	for (size_t i = 0; i < snap->ntotal; i++) {
		struct proc *p = (struct proc *)r->all[i];
		unsigned need = (p->selected ? req->need : 0) | req->need_all;

		if (need & SRC_TREND_ETA)
			replay_trend_eta(r, p);
	}
	snap->parts = req->parts & SNAP_OOM ? req->parts | SNAP_CGROUPS : req->parts;
	snap->cgroups = snap->parts & SNAP_CGROUPS ? &r->cgroups : NULL;
	snap->oom = NULL;
	snap->shmem = NULL;
	if (snap->parts & SNAP_OOM) {
		oom_report_update(r->oom, snap, &r->cgroups);
		snap->oom = r->oom;
	}
	if (snap->parts & SNAP_SHMEM) {
		shmem_report_update(r->shmem, snap, &r->src);
		snap->shmem = r->shmem;
	}
	sysmem_compute(snap, &r->mem);
	snap->mem = &r->mem;
	*out = snap;
	return 0;
}
