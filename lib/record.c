/* The recorder: snapshots into an SQLite recording, only what changed. See record.h and
 * doc/recording.md. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "oom.h"
#include "record.h"
#include "recording.h"
#include "shmem.h"
#include "xalloc.h"

#define RECORD_HASH 1024
#define RECORD_CGHASH 64
#define RECORD_OOM_HEAD 3	/* the kill order's first processes, each sample */
#define RECORD_AGE_SLACK 1e-6	/* an age the reader would compute within this is not written */
#define RECORD_WAL_PAGES 256	/* checkpoint the WAL into the file past this many pages */

/* A process as written so far: its id and the rows last written for it. */
struct wproc {
	int pid;
	uint64_t start;
	int64_t id;
	uint64_t gen;
	char state;			/* at the sample before */
	struct rowb info, fig, more, shm, seg;
	double fig_time, fig_age;	/* the sample's moment (record_moment()) and pss_age of its last figures row */
	struct wproc *next;
};

/* Command lines written, by hash: the recent ones, to find their id without a query. */
#define RECORD_CMDCACHE 1024
struct wcmd {
	uint64_t hash;
	int64_t id;
	char *text;
	size_t len;
};

struct wcgroup {
	char *path;
	int64_t id;
	struct rowb fig;		/* empty: not written since the keyframe */
	struct wcgroup *next;
};

enum {
	ST_SESSION, ST_SAMPLE, ST_PROC, ST_PROC_END, ST_INFO, ST_FIG, ST_MORE, ST_SHM, ST_SEG, ST_CGPATH, ST_CGFIG,
	ST_SHMFILE, ST_SHMSYSV, ST_SHMMOUNT, ST_OOMHEAD, ST_OOMKILL, ST_CMDFIND, ST_CMDADD, ST_COUNT
};

struct recorder {
	sqlite3 *db;
	char *path;
	int lockfd;
	struct record_options opt;
	char err[600], note[600];
	bool has_note, said_small;
	int64_t session;		/* 0: the next write starts one */
	int64_t next_id;		/* the id the next sample gets */
	int64_t since_keyframe;		/* samples written since the last keyframe */
	bool force_keyframe;
	int64_t keyframe_grew, sample_grew;	/* bytes the last keyframe took, the largest sample since */
	int64_t last_sample;		/* the sample just written (segments go there) */
	double last_time;
	bool last_keyframe;
	struct fval prev_oom_kill;
	uint64_t gen;
	long page_size;
	struct wproc *hash[RECORD_HASH];
	struct wcgroup *cghash[RECORD_CGHASH];
	struct wcmd cmds[RECORD_CMDCACHE];
	struct rowb files, sysv, mounts;	/* the shmem sources' sets as last written */
	bool sets_written;
	struct rowb tmp, tmp2, row;
	int64_t *gone;			/* processes gone in this sample, for oom_kills */
	size_t ngone, capgone;
	sqlite3_stmt *st[ST_COUNT];
	struct record_stats stats;
};

static unsigned record_hash(int pid)
{
	return (unsigned)pid % RECORD_HASH;
}

static unsigned record_cghash(const char *s)
{
	unsigned h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h % RECORD_CGHASH;
}

/* Fails the write: the reason, naming the file. */
static int record_fail(struct recorder *r, int rc, const char *what)
{
	int err = recording_errno(r->db, rc);

	snprintf(r->err, sizeof r->err, "cannot %s %s: %s", what, r->path,
		 err == ENOSPC ? "the disk is full" : strerror(err));
	return -err;
}

/* ---- statements ---- */

static char *record_insert_sql(const char *table, int n)
{
	size_t len = strlen(table) + 32 + (size_t)n * 2;
	char *sql = xmalloc(len), *o;

	o = sql + sprintf(sql, "INSERT INTO %s VALUES (", table);
	for (int i = 0; i < n; i++)
		o += sprintf(o, "%s?", i ? "," : "");
	strcpy(o, ")");
	return sql;
}

#define SAMPLE_COLUMNS (8 + SYS_MEM_COUNT + SYSC_COUNT + KNOB_COUNT + 8 + 2 + 7)
#define FIG_COLUMNS (2 + 1 + recording_nfigures + 4)
#define MORE_COLUMNS (2 + recording_nvm + 4)
#define SHM_MAP_VALUES 10
#define SEG_VALUES (1 + SEGF_COUNT)
#define FILE_VALUES 7
#define SYSV_VALUES 10
#define MOUNT_VALUES 6
#define CGFIG_VALUES 8

static int record_prepare(struct recorder *r)
{
	char *sample = record_insert_sql("samples", SAMPLE_COLUMNS);
	char *fig = record_insert_sql("proc_figures", FIG_COLUMNS);
	char *more = record_insert_sql("proc_more", MORE_COLUMNS);
	const char *sql[ST_COUNT] = {
		[ST_SESSION] = "INSERT INTO sessions VALUES (NULL,?,?,?,?,?,?,?,?,?,?)",
		[ST_SAMPLE] = sample,
		[ST_PROC] = "INSERT INTO procs VALUES (NULL,?,?,?,?,NULL)",
		[ST_PROC_END] = "UPDATE procs SET last_sample = ? WHERE id = ?",
		[ST_INFO] = "INSERT INTO proc_info VALUES (?,?,?,?,?,?,?,?,?)",
		[ST_FIG] = fig,
		[ST_MORE] = more,
		[ST_SHM] = "INSERT INTO proc_shm VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
		[ST_SEG] = "INSERT INTO segments VALUES (?,?,?,?,?,?,?,?,?,?,?)",
		[ST_CGPATH] = "INSERT INTO cgroup_paths VALUES (NULL,?)",
		[ST_CGFIG] = "INSERT INTO cgroup_figures VALUES (?,?,?,?,?,?,?,?,?,?)",
		[ST_SHMFILE] = "INSERT INTO shm_files VALUES (?,?,?,?,?,?,?,?,?)",
		[ST_SHMSYSV] = "INSERT INTO shm_sysv VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
		[ST_SHMMOUNT] = "INSERT INTO shm_mounts VALUES (?,?,?,?,?,?,?,?)",
		[ST_OOMHEAD] = "INSERT INTO oom_head VALUES (?,?,?,?,?)",
		[ST_OOMKILL] = "INSERT INTO oom_kills VALUES (?,?,?)",
		[ST_CMDFIND] = "SELECT id, text FROM cmdlines WHERE hash = ?",
		[ST_CMDADD] = "INSERT INTO cmdlines VALUES (NULL,?,?)",
	};
	int rc = SQLITE_OK;

	for (int i = 0; i < ST_COUNT && rc == SQLITE_OK; i++)
		rc = recording_prepare(r->db, &r->st[i], sql[i]);
	free(sample);
	free(fig);
	free(more);
	return rc;
}

/* Runs a prepared statement once; parameters are cleared for the next use. */
static int record_step(struct recorder *r, int which)
{
	sqlite3_stmt *st = r->st[which];
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static int record_exec(struct recorder *r, const char *sql)
{
	return sqlite3_exec(r->db, sql, NULL, NULL, NULL);
}

static int64_t record_query_int(struct recorder *r, const char *sql, int64_t dflt)
{
	sqlite3_stmt *st;
	int64_t v = dflt;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
		return dflt;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* ---- the in-memory state: what was written ---- */

static void wproc_free(struct wproc *w)
{
	rowb_free(&w->info);
	rowb_free(&w->fig);
	rowb_free(&w->more);
	rowb_free(&w->shm);
	rowb_free(&w->seg);
	free(w);
}

/* The command line ids known: stale after a rollback or a trim. */
static void record_cmd_forget(struct recorder *r)
{
	for (int i = 0; i < RECORD_CMDCACHE; i++) {
		free(r->cmds[i].text);
		memset(&r->cmds[i], 0, sizeof r->cmds[i]);
	}
}

static uint64_t record_fnv(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static bool record_cmd_is(const struct wcmd *c, uint64_t h, const char *s, size_t n)
{
	return c->text && c->hash == h && c->len == n && memcmp(c->text, s, n) == 0;
}

/* The id of a command line in cmdlines, added when new: each text is stored once, however
 * many processes and keyframes name it. */
static int record_cmdline_id(struct recorder *r, const char *s, size_t n, int64_t *id)
{
	uint64_t h = record_fnv(s, n);
	struct wcmd *c = &r->cmds[h % RECORD_CMDCACHE];
	sqlite3_stmt *st = r->st[ST_CMDFIND];
	int rc;

	if (record_cmd_is(c, h, s, n)) {
		*id = c->id;
		return SQLITE_OK;
	}
	*id = 0;
	sqlite3_bind_int64(st, 1, (int64_t)h);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((size_t)sqlite3_column_bytes(st, 1) == n && memcmp(sqlite3_column_blob(st, 1), s, n) == 0) {
			*id = sqlite3_column_int64(st, 0);
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc;
	if (!*id) {
		sqlite3_bind_int64(r->st[ST_CMDADD], 1, (int64_t)h);
		sqlite3_bind_text64(r->st[ST_CMDADD], 2, s, n, SQLITE_STATIC, SQLITE_UTF8);
		rc = record_step(r, ST_CMDADD);
		if (rc != SQLITE_OK)
			return rc;
		*id = sqlite3_last_insert_rowid(r->db);
	}
	free(c->text);
	*c = (struct wcmd){ .hash = h, .id = *id, .text = xmalloc(n + 1), .len = n };
	memcpy(c->text, s, n);
	return SQLITE_OK;
}

/* Forgets everything written: the next sample starts a new session with a keyframe. */
static void record_forget(struct recorder *r)
{
	for (int i = 0; i < RECORD_HASH; i++) {
		for (struct wproc *w = r->hash[i], *n; w; w = n) {
			n = w->next;
			wproc_free(w);
		}
		r->hash[i] = NULL;
	}
	for (int i = 0; i < RECORD_CGHASH; i++) {
		for (struct wcgroup *c = r->cghash[i]; c; c = c->next)
			rowb_reset(&c->fig);
	}
	record_cmd_forget(r);
	rowb_reset(&r->files);
	rowb_reset(&r->sysv);
	rowb_reset(&r->mounts);
	r->sets_written = false;
	r->session = 0;
	r->prev_oom_kill.st = V_UNKNOWN;
}

/* A process that ended at this sample (gone, or a zombie now): if the oom_kill counter rose,
 * the victim is among them. */
static void record_suspect(struct recorder *r, int64_t id)
{
	if (r->ngone == r->capgone) {
		r->capgone = r->capgone ? r->capgone * 2 : 64;
		r->gone = xreallocarray(r->gone, r->capgone, sizeof *r->gone);
	}
	r->gone[r->ngone++] = id;
}

static struct wproc *record_proc(struct recorder *r, const struct proc *p, bool *added)
{
	struct wproc **head = &r->hash[record_hash(p->pid)], *w;

	*added = false;
	for (w = *head; w; w = w->next) {
		if (w->pid == p->pid && w->start == p->start_ticks)
			return w;
	}
	w = xcalloc(1, sizeof *w);
	w->pid = p->pid;
	w->start = p->start_ticks;
	w->next = *head;
	*head = w;
	*added = true;
	return w;
}

static struct wproc *record_find(struct recorder *r, const struct proc *p)
{
	for (struct wproc *w = r->hash[record_hash(p->pid)]; w; w = w->next) {
		if (w->pid == p->pid && w->start == p->start_ticks)
			return w;
	}
	return NULL;
}

static struct wcgroup *record_cgroup(struct recorder *r, const char *path)
{
	struct wcgroup **head = &r->cghash[record_cghash(path)], *c;

	for (c = *head; c; c = c->next) {
		if (strcmp(c->path, path) == 0)
			return c;
	}
	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	c->next = *head;
	*head = c;
	return c;
}

/* The id of a cgroup path, added to cgroup_paths when new. */
static int record_cgroup_id(struct recorder *r, struct wcgroup *c)
{
	int rc;

	if (c->id)
		return SQLITE_OK;
	sqlite3_bind_text(r->st[ST_CGPATH], 1, c->path, -1, SQLITE_STATIC);
	rc = record_step(r, ST_CGPATH);
	if (rc == SQLITE_OK)
		c->id = sqlite3_last_insert_rowid(r->db);
	return rc;
}

static int record_load_cgroups(struct recorder *r)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(r->db, "SELECT id, path FROM cgroup_paths", -1, &st, NULL);

	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 1);

		if (path)
			record_cgroup(r, path)->id = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* ---- opening ---- */

static int record_open_file(struct recorder *r, bool *empty, char *err, size_t errsz)
{
	struct stat st;

	if (getuid() != geteuid()) {
		snprintf(err, errsz, "memtop runs setuid: it records for no one but its real user");
		return -EPERM;
	}
	r->lockfd = open(r->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0640);
	if (r->lockfd < 0) {
		int e = errno;

		if (e == ELOOP)
			snprintf(err, errsz, "%s is a symbolic link: memtop does not record through one", r->path);
		else
			snprintf(err, errsz, "cannot open %s: %s", r->path, strerror(e));
		return -e;
	}
	if (fstat(r->lockfd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s is not a regular file", r->path);
		return -EINVAL;
	}
	/* SQLite's own locks are per process: a flock() of our own keeps a second recorder out */
	if (flock(r->lockfd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;

		snprintf(err, errsz, e == EWOULDBLOCK ? "%s is being recorded by another memtop" : "cannot lock %s: %s",
			 r->path, strerror(e));
		return -(e == EWOULDBLOCK ? EBUSY : e);
	}
	*empty = st.st_size == 0;
	return 0;
}

static int record_setup(struct recorder *r, bool empty, char *err, size_t errsz)
{
	int version = 0, rc;
	char pragmas[200];

	rc = sqlite3_open_v2(r->path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "cannot open %s: %s", r->path, strerror(recording_errno(r->db, rc)));
		return -recording_errno(r->db, rc);
	}
	sqlite3_busy_timeout(r->db, 2000);
	if (empty) {
		rc = record_exec(r, "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL");
		rc = rc == SQLITE_OK ? recording_create(r->db) : rc;
		if (rc != SQLITE_OK) {
			snprintf(err, errsz, "cannot create %s: %s", r->path, strerror(recording_errno(r->db, rc)));
			return -recording_errno(r->db, rc);
		}
	} else if ((rc = recording_check(r->db, &version)) != 0) {
		recording_refusal(err, errsz, r->path, rc, version, true);
		return rc;
	}
	snprintf(pragmas, sizeof pragmas, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
		 "PRAGMA wal_autocheckpoint = %d; PRAGMA journal_size_limit = %d", RECORD_WAL_PAGES,
		 RECORD_WAL_PAGES * 4096);
	rc = record_exec(r, pragmas);
	if (rc == SQLITE_OK)
		rc = record_prepare(r);
	if (rc == SQLITE_OK)
		rc = record_load_cgroups(r);
	/* processes of a session that ended without a goodbye (kill -9) end with its last sample */
	if (rc == SQLITE_OK)
		rc = record_exec(r, "UPDATE procs SET last_sample = (SELECT max(id) FROM samples "
				 "WHERE samples.session = procs.session) WHERE last_sample IS NULL");
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "cannot use %s: %s", r->path, strerror(recording_errno(r->db, rc)));
		return -recording_errno(r->db, rc);
	}
	r->next_id = record_query_int(r, "SELECT max(id) FROM samples", 0) + 1;
	return 0;
}

int recorder_open(const char *path, const struct record_options *o, struct recorder **out, char *err,
		  size_t errsz)
{
	struct recorder *r = xcalloc(1, sizeof *r);
	bool empty = false;
	int rc;

	r->path = xstrdup(path);
	r->opt = *o;
	if (!r->opt.max_size)
		r->opt.max_size = RECORD_DEFAULT_MAX_SIZE;
	r->page_size = sysconf(_SC_PAGESIZE);
	r->lockfd = -1;
	rc = record_open_file(r, &empty, err, errsz);
	if (rc == 0)
		rc = record_setup(r, empty, err, errsz);
	if (rc < 0) {
		recorder_close(r);
		return rc;
	}
	record_forget(r);
	*out = r;
	return 0;
}

int recorder_close(struct recorder *r)
{
	int rc = SQLITE_OK;

	if (!r)
		return 0;
	/* the processes alive end with the last sample: NULL means alive in a recording going on */
	if (r->session && r->last_sample) {
		char sql[160];

		snprintf(sql, sizeof sql, "UPDATE procs SET last_sample = %lld WHERE last_sample IS NULL AND session = %lld",
			 (long long)r->last_sample, (long long)r->session);
		record_exec(r, sql);
	}
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(r->st[i]);
	record_forget(r);
	for (int i = 0; i < RECORD_CGHASH; i++) {
		for (struct wcgroup *c = r->cghash[i], *n; c; c = n) {
			n = c->next;
			rowb_free(&c->fig);
			free(c->path);
			free(c);
		}
	}
	if (r->db)
		rc = sqlite3_close(r->db);
	if (r->lockfd >= 0)
		close(r->lockfd);	/* only now: closing it earlier would drop SQLite's locks */
	record_cmd_forget(r);
	rowb_free(&r->files);
	rowb_free(&r->sysv);
	rowb_free(&r->mounts);
	rowb_free(&r->tmp);
	rowb_free(&r->tmp2);
	rowb_free(&r->row);
	free(r->gone);
	free(r->path);
	free(r);
	return rc == SQLITE_OK ? 0 : -EIO;
}

bool recorder_keyframe_due(const struct recorder *r)
{
	return !r->session || r->force_keyframe || r->since_keyframe >= RECORD_KEYFRAME_SAMPLES;
}

const char *recorder_error(const struct recorder *r)
{
	return r->err;
}

const char *recorder_take_note(struct recorder *r)
{
	if (!r->has_note)
		return NULL;
	r->has_note = false;
	return r->note;
}

const char *record_library_version(void)
{
	return sqlite3_libversion();
}

void recorder_stats(const struct recorder *r, struct record_stats *st)
{
	*st = r->stats;
}

/* ---- rows of a sample ---- */

static double record_time(const struct snapshot *snap)
{
	/* milliseconds: the whole seconds never round up into the next one */
	return (double)snap->wall.tv_sec + (double)(snap->wall.tv_nsec / 1000000) / 1000.0;
}

static int record_session(struct recorder *r, const struct snapshot *snap)
{
	sqlite3_stmt *st = r->st[ST_SESSION];
	int rc;

	sqlite3_bind_int64(st, 1, r->next_id);
	sqlite3_bind_double(st, 2, record_time(snap));
	sqlite3_bind_text(st, 3, snap->host, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, snap->kernel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, PACKAGE_VERSION, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, getpid());
	sqlite3_bind_double(st, 7, r->opt.interval);
	sqlite3_bind_int64(st, 8, r->page_size);
	sqlite3_bind_int64(st, 9, RECORD_KEYFRAME_SAMPLES);
	sqlite3_bind_int64(st, 10, (int64_t)r->opt.max_size);
	rc = record_step(r, ST_SESSION);
	if (rc == SQLITE_OK)
		r->session = sqlite3_last_insert_rowid(r->db);
	return rc;
}

static void record_psi(struct rowb *rb, const struct psi *ps)
{
	const struct psi_line *l[2] = { &ps->some, &ps->full };

	for (int k = 0; k < 2; k++) {
		bool known = ps->known && (k == 0 || ps->has_full);

		for (int a = 0; a < 3; a++) {
			double v = a == 0 ? l[k]->avg10 : a == 1 ? l[k]->avg60 : l[k]->avg300;

			if (known)
				rowb_real(rb, v);
			else
				rowb_null(rb);
		}
	}
	for (int k = 0; k < 2; k++) {
		if (ps->known && (k == 0 || ps->has_full))
			rowb_int(rb, (int64_t)l[k]->total_us);
		else
			rowb_null(rb);
	}
}

/* A shmem set: its row count when it changed (rows then written), NULL when not. */
static void record_set_count(struct rowb *rb, bool changed, size_t n)
{
	if (changed)
		rowb_int(rb, (int64_t)n);
	else
		rowb_null(rb);
}

static int record_sample_row(struct recorder *r, const struct snapshot *snap, bool keyframe, bool fresh,
			     const bool *changed)
{
	const struct system *sys = &snap->sys;
	const struct cgroup_set *cs = snap->cgroups;
	const struct shmem_report *sh = snap->shmem;
	struct rowb *rb = &r->row;

	rowb_reset(rb);
	rowb_int(rb, r->next_id);
	rowb_int(rb, r->session);
	rowb_real(rb, record_time(snap));
	rowb_real(rb, snap->interval);
	rowb_real(rb, snap->collect_seconds);
	rowb_int(rb, keyframe);
	rowb_int(rb, fresh);
	rowb_int(rb, (int64_t)snap->ntotal);
	for (int i = 0; i < SYS_MEM_COUNT; i++)
		rowb_fval(rb, &sys->mem[i], FT_BYTES, NULL, 0);
	for (int i = 0; i < SYSC_COUNT; i++)
		rowb_fval(rb, &sys->count[i], FT_COUNT, NULL, 0);
	for (int i = 0; i < KNOB_COUNT; i++)
		rowb_fval(rb, &sys->knob[i], FT_INT, NULL, 0);
	record_psi(rb, &sys->pressure);
	rowb_int(rb, cs ? cs->layout.memory : CGROUP_NONE);
	rowb_int(rb, cs && cs->layout.hybrid);
	record_set_count(rb, changed[0], (size_t)r->files.nvals / FILE_VALUES);
	record_set_count(rb, changed[1], (size_t)r->sysv.nvals / SYSV_VALUES);
	record_set_count(rb, changed[2], (size_t)r->mounts.nvals / MOUNT_VALUES);
	rowb_int(rb, sh && sh->sysv_known);
	rowb_int(rb, sh && sh->truncated);
	rowb_int(rb, sh ? (int64_t)sh->unreadable : 0);
	rowb_real(rb, snap->clock);
	rowb_bind(rb, 0, r->st[ST_SAMPLE], 1, SAMPLE_COLUMNS);
	return record_step(r, ST_SAMPLE);
}

static void record_info_row(struct recorder *r, const struct snapshot *snap, const struct proc *p, struct rowb *rb)
{
	rowb_reset(rb);
	rowb_int(rb, p->ppid);
	rowb_int(rb, p->uid);
	rowb_text(rb, p->user, strlen(p->user));
	rowb_text(rb, p->comm, strlen(p->comm));
	rowb_text(rb, p->cmdline, p->cmdline_len);
	rowb_int(rb, p->kernel_thread);
	if (snap->cgroups && p->cgroup >= 0 && (size_t)p->cgroup < snap->cgroups->n) {
		struct wcgroup *c = record_cgroup(r, snap->cgroups->nodes[p->cgroup].path);

		rowb_int(rb, c->id);	/* known: the cgroups were written first */
	} else {
		rowb_null(rb);
	}
}

static int record_bind_key(sqlite3_stmt *st, int64_t sample, int64_t proc)
{
	sqlite3_bind_int64(st, 1, sample);
	sqlite3_bind_int64(st, 2, proc);
	return 3;
}

/* ppid, uid, user, comm from the row; the command line as its id in cmdlines. */
static int record_write_info(struct recorder *r, struct wproc *w)
{
	sqlite3_stmt *st = r->st[ST_INFO];
	size_t off, len = 0;
	const char *cmd;
	int64_t id = 0;
	int rc = SQLITE_OK;

	record_bind_key(st, r->next_id, w->id);
	off = rowb_bind(&w->info, 0, st, 3, 4);
	cmd = rowb_text_at(&w->info, off, &len);
	if (cmd)
		rc = record_cmdline_id(r, cmd, len, &id);
	if (rc != SQLITE_OK) {
		sqlite3_clear_bindings(st);
		return rc;
	}
	if (cmd)
		sqlite3_bind_int64(st, 7, id);
	off = rowb_skip(&w->info, off, 1);
	rowb_bind(&w->info, off, st, 8, 2);
	r->stats.info_rows++;
	return record_step(r, ST_INFO);
}

/* proc_figures: the state and the figures, the rates (the reader's to compute from the
 * sample before; written only for a process new to the recording that had them: the
 * sample before missed it, caught exiting), then (compared, not written: the age is
 * predicted) whether the age is known. */
static void record_fig_row(const struct proc *p, bool added, struct rowb *rb)
{
	char state[2] = { p->state, '\0' };
	int64_t na = 0;

	rowb_reset(rb);
	rowb_text(rb, state, 1);
	for (int i = 0; i < recording_nfigures; i++) {
		enum field_id id = recording_figures[i].id;

		if (fields[id].type == FT_BYTES)
			rowb_kib(rb, &p->f[id], &na, i);
		else
			rowb_fval(rb, &p->f[id], fields[id].type, &na, i);
	}
	if (added) {
		rowb_fval(rb, &p->f[FLD_MINFLT_RATE], FT_RATE, NULL, 0);
		rowb_fval(rb, &p->f[FLD_MAJFLT_RATE], FT_RATE, NULL, 0);
	} else {
		rowb_null(rb);
		rowb_null(rb);
	}
	rowb_int(rb, na);
	rowb_int(rb, p->f[FLD_AGE].st == V_KNOWN);
}

static int record_write_fig(struct recorder *r, struct wproc *w, const struct proc *p, const struct rowb *rb)
{
	sqlite3_stmt *st = r->st[ST_FIG];
	int col = record_bind_key(st, r->next_id, w->id);
	size_t off = rowb_bind(rb, 0, st, col, 1 + recording_nfigures + 2);

	col += 1 + recording_nfigures + 2;
	if (p->f[FLD_AGE].st == V_KNOWN)
		sqlite3_bind_double(st, col, p->f[FLD_AGE].d);
	rowb_bind(rb, off, st, col + 1, 1);
	r->stats.figure_rows++;
	return record_step(r, ST_FIG);
}

/* proc_more: the figures that change seldom, and what could not be read. */
static void record_more_row(const struct proc *p, struct rowb *rb)
{
	int64_t na = 0;

	rowb_reset(rb);
	for (int i = 0; i < recording_nvm; i++) {
		enum field_id id = recording_vm[i].id;

		if (fields[id].type == FT_BYTES)
			rowb_kib(rb, &p->f[id], &na, i);
		else
			rowb_fval(rb, &p->f[id], fields[id].type, &na, i);
	}
	rowb_int(rb, na);
	if (p->rollup_errno)
		rowb_int(rb, p->rollup_errno);
	else
		rowb_null(rb);
	if (p->smaps_errno)
		rowb_int(rb, p->smaps_errno);
	else
		rowb_null(rb);
	rowb_int(rb, (int64_t)p->nshm);
}

static int record_write_more(struct recorder *r, struct wproc *w, const struct rowb *rb)
{
	sqlite3_stmt *st = r->st[ST_MORE];

	record_bind_key(st, r->next_id, w->id);
	rowb_bind(rb, 0, st, 3, rb->nvals);
	r->stats.more_rows++;
	return record_step(r, ST_MORE);
}

static void record_shm_row(const struct proc *p, struct rowb *rb)
{
	rowb_reset(rb);
	for (size_t k = 0; k < p->nshm; k++) {
		const struct shmem_map *m = &p->shm[k];
		const char *kind = shmem_kind_name(m->kind);

		rowb_text(rb, kind, strlen(kind));
		rowb_int(rb, m->deleted);
		rowb_int(rb, m->dev_major);
		rowb_int(rb, m->dev_minor);
		rowb_int(rb, (int64_t)m->inode);
		rowb_text(rb, m->name ? m->name : "", m->name ? m->name_len : 0);
		rowb_int(rb, (int64_t)(m->size >> 10));
		rowb_kib(rb, &m->rss, NULL, 0);
		rowb_kib(rb, &m->pss, NULL, 0);
		rowb_kib(rb, &m->swap_pss, NULL, 0);
	}
}

static int record_write_shm(struct recorder *r, const struct wproc *w, const struct rowb *rb)
{
	sqlite3_stmt *st = r->st[ST_SHM];
	size_t off = 0;
	int rc = SQLITE_OK;

	for (int n = 0; rc == SQLITE_OK && n < rb->nvals / SHM_MAP_VALUES; n++) {
		int col = record_bind_key(st, r->next_id, w->id);

		sqlite3_bind_int(st, col, n);
		off = rowb_bind(rb, off, st, col + 1, SHM_MAP_VALUES);
		rc = record_step(r, ST_SHM);
		r->stats.shm_rows++;
	}
	return rc;
}

static void record_seg_row(const struct proc *p, struct rowb *rb)
{
	rowb_reset(rb);
	for (int s = 0; s < SEG_COUNT; s++) {
		rowb_text(rb, segment_name(s), strlen(segment_name(s)));
		for (int f = 0; f < SEGF_COUNT; f++)
			rowb_int(rb, (int64_t)(p->seg->v[s][f] >> 10));
	}
}

static int record_write_seg(struct recorder *r, int64_t sample, struct wproc *w, const struct proc *p, bool live)
{
	sqlite3_stmt *st = r->st[ST_SEG];
	size_t off = 0;
	int rc = SQLITE_OK;

	for (int s = 0; rc == SQLITE_OK && s < SEG_COUNT; s++) {
		int col = record_bind_key(st, sample, w->id);

		off = rowb_bind(&w->seg, off, st, col, SEG_VALUES);
		sqlite3_bind_double(st, col + SEG_VALUES, p->smaps_age);
		sqlite3_bind_int(st, col + SEG_VALUES + 1, live);
		rc = record_step(r, ST_SEG);
		r->stats.segment_rows++;
	}
	return rc;
}

/* Segments the process has: always written, since a replay shows those of a sample exactly
 * where the live snapshot had them (live), and any face asking for segments gets the last
 * ones written, with their age. */
static int record_segments_of(struct recorder *r, int64_t sample, struct wproc *w, const struct proc *p, bool live)
{
	if (!p->has_segments || !p->seg)
		return SQLITE_OK;
	record_seg_row(p, &w->seg);
	return record_write_seg(r, sample, w, p, live);
}

/* What the reader computes for an age not written at this sample. */
static bool record_age_holds(const struct wproc *w, const struct proc *p, double now, bool fresh)
{
	double predicted;

	if (p->f[FLD_AGE].st != V_KNOWN)
		return true;	/* its known-ness is in the compared row */
	predicted = fresh ? 0 : w->fig_age + (now - w->fig_time);
	return fabs(predicted - p->f[FLD_AGE].d) <= RECORD_AGE_SLACK;
}

static int record_new_proc(struct recorder *r, struct wproc *w)
{
	sqlite3_stmt *st = r->st[ST_PROC];
	int rc;

	sqlite3_bind_int64(st, 1, r->session);
	sqlite3_bind_int64(st, 2, w->pid);
	sqlite3_bind_int64(st, 3, (int64_t)w->start);
	sqlite3_bind_int64(st, 4, r->next_id);
	rc = record_step(r, ST_PROC);
	if (rc == SQLITE_OK)
		w->id = sqlite3_last_insert_rowid(r->db);
	return rc;
}

/* The moment ages are counted on, as the reader counts them (replay_age()): the sampler's
 * monotonic clock, which the ages came from; the wall time (to the millisecond) without it. */
static double record_moment(const struct snapshot *snap)
{
	return snap->clock > 0 ? snap->clock : record_time(snap);
}

static int record_one(struct recorder *r, const struct snapshot *snap, const struct proc *p, bool keyframe,
		      bool fresh)
{
	double now = record_moment(snap);
	bool added, all;
	struct wproc *w = record_proc(r, p, &added);
	int rc = SQLITE_OK;

	w->gen = r->gen;
	all = keyframe || added;
	if (!added && p->state == 'Z' && w->state != 'Z')
		record_suspect(r, w->id);	/* killed, not yet reaped */
	w->state = p->state;
	if (added)
		rc = record_new_proc(r, w);
	record_info_row(r, snap, p, &r->tmp);
	if (rc == SQLITE_OK && (all || !rowb_equal(&r->tmp, &w->info))) {
		rowb_copy(&w->info, &r->tmp);
		rc = record_write_info(r, w);
	}
	record_fig_row(p, added, &r->tmp);
	if (rc == SQLITE_OK && (all || !rowb_equal(&r->tmp, &w->fig) || !record_age_holds(w, p, now, fresh))) {
		rowb_copy(&w->fig, &r->tmp);
		w->fig_time = now;
		w->fig_age = p->f[FLD_AGE].st == V_KNOWN ? p->f[FLD_AGE].d : 0;
		rc = record_write_fig(r, w, p, &w->fig);
	}
	record_more_row(p, &r->tmp);
	if (rc == SQLITE_OK && (all || !rowb_equal(&r->tmp, &w->more))) {
		rowb_copy(&w->more, &r->tmp);
		rc = record_write_more(r, w, &w->more);
	}
	record_shm_row(p, &r->tmp);
	if (rc == SQLITE_OK && (all || !rowb_equal(&r->tmp, &w->shm))) {
		rowb_copy(&w->shm, &r->tmp);
		rc = record_write_shm(r, w, &w->shm);
	}
	if (rc == SQLITE_OK)
		rc = record_segments_of(r, r->next_id, w, p, true);
	return rc;
}

/* Processes not in this sample: gone since the previous one. */
static int record_sweep(struct recorder *r)
{
	int rc = SQLITE_OK;

	for (int i = 0; i < RECORD_HASH; i++) {
		struct wproc **pp = &r->hash[i];

		while (*pp) {
			struct wproc *w = *pp;

			if (w->gen == r->gen) {
				pp = &w->next;
				continue;
			}
			if (rc == SQLITE_OK) {
				sqlite3_bind_int64(r->st[ST_PROC_END], 1, r->next_id - 1);
				sqlite3_bind_int64(r->st[ST_PROC_END], 2, w->id);
				rc = record_step(r, ST_PROC_END);
			}
			record_suspect(r, w->id);
			*pp = w->next;
			wproc_free(w);
		}
	}
	return rc;
}

static void record_cgfig_row(const struct cgroup_node *c, struct rowb *rb)
{
	const struct fval *v[RECORDING_CGROUP_FIGURES] = { &c->mem.limit, &c->mem.usage, &c->mem.swap_limit,
							   &c->mem.swappiness, &c->mem.oom_kills };
	int64_t na = 0;

	rowb_reset(rb);
	rowb_int(rb, c->readable);
	for (int i = 0; i < RECORDING_CGROUP_FIGURES; i++)
		rowb_fval(rb, v[i], i == 3 ? FT_INT : FT_BYTES, &na, i);
	rowb_int(rb, c->mem.oom_group);
	rowb_int(rb, na);
}

static int record_cgroups(struct recorder *r, const struct snapshot *snap, bool keyframe)
{
	const struct cgroup_set *cs = snap->cgroups;
	int rc = SQLITE_OK;

	for (size_t i = 0; cs && rc == SQLITE_OK && i < cs->n; i++) {
		struct wcgroup *c = record_cgroup(r, cs->nodes[i].path);

		rc = record_cgroup_id(r, c);
		record_cgfig_row(&cs->nodes[i], &r->tmp);
		if (rc != SQLITE_OK || (!keyframe && rowb_equal(&r->tmp, &c->fig)))
			continue;
		rowb_copy(&c->fig, &r->tmp);
		sqlite3_bind_int64(r->st[ST_CGFIG], 1, r->next_id);
		sqlite3_bind_int64(r->st[ST_CGFIG], 2, c->id);
		rowb_bind(&c->fig, 0, r->st[ST_CGFIG], 3, CGFIG_VALUES);
		rc = record_step(r, ST_CGFIG);
	}
	return rc;
}

/* The shmem sources as sets of rows. */
static void record_shm_sets(const struct snapshot *snap, struct rowb *files, struct rowb *sysv, struct rowb *mounts)
{
	const struct shmem_sources *src = snap->shmem ? snap->shmem->sources : NULL;

	rowb_reset(files);
	rowb_reset(sysv);
	rowb_reset(mounts);
	for (size_t i = 0; src && i < src->nfiles; i++) {
		const struct shmem_file *f = &src->files[i];

		rowb_text(files, f->name, f->name_len);
		rowb_int(files, f->dev_major);
		rowb_int(files, f->dev_minor);
		rowb_int(files, (int64_t)f->inode);
		rowb_int(files, f->posix);
		rowb_fval(files, &f->size, FT_BYTES, NULL, 0);
		rowb_fval(files, &f->used, FT_BYTES, NULL, 0);
	}
	for (size_t i = 0; src && i < src->nsysv; i++) {
		const struct shmem_sysv *g = &src->sysv[i];

		rowb_int(sysv, g->key);
		rowb_int(sysv, g->shmid);
		rowb_int(sysv, g->mode);
		rowb_int(sysv, (int64_t)g->size);
		rowb_int(sysv, g->cpid);
		rowb_int(sysv, g->lpid);
		rowb_int(sysv, (int64_t)g->nattch);
		rowb_int(sysv, g->uid);
		rowb_fval(sysv, &g->rss, FT_BYTES, NULL, 0);
		rowb_fval(sysv, &g->swap, FT_BYTES, NULL, 0);
	}
	for (size_t i = 0; src && i < src->nmounts; i++) {
		const struct shmem_mount *m = &src->mounts[i];

		rowb_text(mounts, m->mountpoint, strlen(m->mountpoint));
		rowb_int(mounts, m->dev_major);
		rowb_int(mounts, m->dev_minor);
		rowb_fval(mounts, &m->size, FT_BYTES, NULL, 0);
		rowb_fval(mounts, &m->used, FT_BYTES, NULL, 0);
		rowb_fval(mounts, &m->avail, FT_BYTES, NULL, 0);
	}
}

static int record_set_rows(struct recorder *r, int which, const struct rowb *rb, int per_row)
{
	sqlite3_stmt *st = r->st[which];
	size_t off = 0;
	int rc = SQLITE_OK;

	for (int n = 0; rc == SQLITE_OK && n < rb->nvals / per_row; n++) {
		sqlite3_bind_int64(st, 1, r->next_id);
		sqlite3_bind_int(st, 2, n);
		off = rowb_bind(rb, off, st, 3, per_row);
		rc = record_step(r, which);
	}
	return rc;
}

/* Which of the three sets changed (all of them at a keyframe); they are then kept. */
static void record_sets_changed(struct recorder *r, const struct snapshot *snap, bool keyframe, bool *changed)
{
	struct rowb files = { 0 }, sysv = { 0 }, mounts = { 0 };

	record_shm_sets(snap, &files, &sysv, &mounts);
	changed[0] = keyframe || !r->sets_written || !rowb_equal(&files, &r->files);
	changed[1] = keyframe || !r->sets_written || !rowb_equal(&sysv, &r->sysv);
	changed[2] = keyframe || !r->sets_written || !rowb_equal(&mounts, &r->mounts);
	rowb_copy(&r->files, &files);
	rowb_copy(&r->sysv, &sysv);
	rowb_copy(&r->mounts, &mounts);
	r->sets_written = true;
	rowb_free(&files);
	rowb_free(&sysv);
	rowb_free(&mounts);
}

static int record_sets(struct recorder *r, const bool *changed)
{
	int rc = SQLITE_OK;

	if (changed[0])
		rc = record_set_rows(r, ST_SHMFILE, &r->files, FILE_VALUES);
	if (rc == SQLITE_OK && changed[1])
		rc = record_set_rows(r, ST_SHMSYSV, &r->sysv, SYSV_VALUES);
	if (rc == SQLITE_OK && changed[2])
		rc = record_set_rows(r, ST_SHMMOUNT, &r->mounts, MOUNT_VALUES);
	return rc;
}

static int record_oom_head(struct recorder *r, const struct snapshot *snap)
{
	const struct oom_report *o = snap->oom;
	int rc = SQLITE_OK;

	for (size_t i = 0; o && rc == SQLITE_OK && i < o->neligible && i < RECORD_OOM_HEAD; i++) {
		const struct oom_entry *e = &o->entries[i];
		const struct wproc *w = record_find(r, e->p);
		sqlite3_stmt *st = r->st[ST_OOMHEAD];

		if (!w)
			continue;
		sqlite3_bind_int64(st, 1, r->next_id);
		sqlite3_bind_int64(st, 2, (int64_t)e->rank);
		sqlite3_bind_int64(st, 3, w->id);
		sqlite3_bind_int64(st, 4, e->points * (int64_t)o->page_size);
		if (e->p->f[FLD_OOM].st == V_KNOWN)
			sqlite3_bind_int64(st, 5, e->p->f[FLD_OOM].i);
		rc = record_step(r, ST_OOMHEAD);
	}
	return rc;
}

/* The oom_kill counter rose: the processes that ended since the previous sample are the
 * suspects. */
static int record_oom_kills(struct recorder *r, const struct snapshot *snap)
{
	const struct fval *now = &snap->sys.count[SYSC_OOM_KILL], *before = &r->prev_oom_kill;
	sqlite3_stmt *st = r->st[ST_OOMKILL];
	int rc = SQLITE_OK;

	if (now->st != V_KNOWN || before->st != V_KNOWN || now->u <= before->u)
		return SQLITE_OK;
	for (size_t i = 0; rc == SQLITE_OK && i < (r->ngone ? r->ngone : 1); i++) {
		sqlite3_bind_int64(st, 1, r->next_id);
		sqlite3_bind_int64(st, 2, (int64_t)(now->u - before->u));
		if (r->ngone)
			sqlite3_bind_int64(st, 3, r->gone[i]);
		rc = record_step(r, ST_OOMKILL);
	}
	return rc;
}

static int record_sample(struct recorder *r, const struct snapshot *snap, bool keyframe, bool fresh)
{
	bool changed[3];
	int rc = SQLITE_OK;

	if (!r->session)
		rc = record_session(r, snap);
	record_sets_changed(r, snap, keyframe, changed);
	if (rc == SQLITE_OK)
		rc = record_sample_row(r, snap, keyframe, fresh, changed);
	if (rc == SQLITE_OK)
		rc = record_sets(r, changed);
	if (rc == SQLITE_OK)
		rc = record_cgroups(r, snap, keyframe);
	r->gen++;
	r->ngone = 0;
	for (size_t i = 0; rc == SQLITE_OK && i < snap->ntotal; i++)
		rc = record_one(r, snap, snap->all[i], keyframe, fresh);
	if (rc == SQLITE_OK)
		rc = record_sweep(r);
	if (rc == SQLITE_OK)
		rc = record_oom_head(r, snap);
	if (rc == SQLITE_OK)
		rc = record_oom_kills(r, snap);
	return rc;
}

/* ---- the size cap ---- */

static int64_t record_used(struct recorder *r)
{
	int64_t pages = record_query_int(r, "PRAGMA page_count", 0);
	int64_t free_pages = record_query_int(r, "PRAGMA freelist_count", 0);

	return (pages - free_pages) * record_query_int(r, "PRAGMA page_size", 4096);
}

static const char *const record_trim_sql =
	"DELETE FROM proc_info WHERE sample < ?1; DELETE FROM proc_figures WHERE sample < ?1;"
	"DELETE FROM proc_more WHERE sample < ?1;"
	"DELETE FROM proc_shm WHERE sample < ?1; DELETE FROM segments WHERE sample < ?1;"
	"DELETE FROM cgroup_figures WHERE sample < ?1; DELETE FROM shm_files WHERE sample < ?1;"
	"DELETE FROM shm_sysv WHERE sample < ?1; DELETE FROM shm_mounts WHERE sample < ?1;"
	"DELETE FROM oom_head WHERE sample < ?1; DELETE FROM oom_kills WHERE sample < ?1;"
	"DELETE FROM procs WHERE last_sample < ?1; DELETE FROM samples WHERE id < ?1;"
	"DELETE FROM sessions WHERE id < (SELECT min(session) FROM samples);"
	"DELETE FROM cmdlines WHERE id NOT IN (SELECT cmdline FROM proc_info WHERE cmdline IS NOT NULL)";

/* Runs the trimming statements, each bound to the first sample kept. */
static int record_trim_to(struct recorder *r, int64_t keep)
{
	const char *sql = record_trim_sql;
	int rc = record_exec(r, "BEGIN IMMEDIATE");

	while (rc == SQLITE_OK && *sql) {
		sqlite3_stmt *st;
		const char *tail;

		rc = sqlite3_prepare_v2(r->db, sql, -1, &st, &tail);
		if (rc != SQLITE_OK || !st)
			break;
		if (sqlite3_bind_parameter_count(st))
			sqlite3_bind_int64(st, 1, keep);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(r->db);
		sqlite3_finalize(st);
		sql = tail;
	}
	rc = rc == SQLITE_OK ? record_exec(r, "COMMIT") : rc;
	if (rc != SQLITE_OK)
		record_exec(r, "ROLLBACK");
	return rc;
}

/* The oldest keyframe interval goes while the data, with room for the next sample (as much
 * as the last one of its kind took), would pass the cap: freed pages are reused, so the file
 * stays within it. The last interval stays; a keyframe is brought forward while there is
 * still room for one, so that the interval before can go next. */
static void record_trim(struct recorder *r, int64_t used)
{
	int64_t cap = (int64_t)(r->opt.max_size / 100 * RECORD_TRIM_PERCENT);

	for (;;) {
		int64_t keep, next = recorder_keyframe_due(r) ? r->keyframe_grew : r->sample_grew;
		int rc;

		keep = record_query_int(r, "SELECT id FROM samples WHERE keyframe AND "
					"id > (SELECT min(id) FROM samples) ORDER BY id LIMIT 1", 0);
		if (used + next <= cap) {
			if (!keep && used + r->sample_grew + r->keyframe_grew > cap)
				r->force_keyframe = true;
			return;
		}
		if (!keep) {
			r->force_keyframe = true;	/* too late for room: the file passes the cap */
			if (!r->said_small) {
				snprintf(r->note, sizeof r->note, "--max-size is too small for this machine: a keyframe "
					 "takes %lld KiB and the recording needs room for about three; the file grows past it",
					 (long long)(r->keyframe_grew >> 10));
				r->has_note = r->said_small = true;
			}
			return;
		}
		rc = record_trim_to(r, keep);
		if (rc != SQLITE_OK) {
			record_fail(r, rc, "make room in");
			snprintf(r->note, sizeof r->note, "%.560s (over --max-size)", r->err);
			r->has_note = true;
			return;
		}
		r->stats.trims++;
		record_cmd_forget(r);
		used = record_used(r);
	}
}

/* How much a sample took, by kind: the largest since the last keyframe. */
static void record_grew(struct recorder *r, bool keyframe, int64_t grew)
{
	if (keyframe) {
		r->keyframe_grew = grew;
		r->sample_grew = 0;
	} else if (grew > r->sample_grew) {
		r->sample_grew = grew;
	}
}

int recorder_write(struct recorder *r, const struct snapshot *snap, bool fresh)
{
	bool keyframe = recorder_keyframe_due(r);
	int64_t before = record_used(r), used;
	int rc = record_exec(r, "BEGIN IMMEDIATE");

	if (rc == SQLITE_OK)
		rc = record_sample(r, snap, keyframe, fresh);
	if (rc == SQLITE_OK)
		rc = record_exec(r, "COMMIT");
	if (rc != SQLITE_OK) {
		int err = record_fail(r, rc, "write to");

		record_exec(r, "ROLLBACK");
		record_forget(r);
		return err;
	}
	r->last_sample = r->next_id++;
	r->last_time = record_time(snap);
	r->last_keyframe = keyframe;
	r->since_keyframe = keyframe ? 1 : r->since_keyframe + 1;
	r->force_keyframe = false;
	r->prev_oom_kill = snap->sys.count[SYSC_OOM_KILL];
	r->stats.samples++;
	r->stats.keyframes += keyframe;
	used = record_used(r);
	record_grew(r, keyframe, used - before);
	record_trim(r, used);
	return 0;
}

/* ---- segments at keyframes ---- */

static int record_by_pss(const void *a, const void *b)
{
	const struct proc *p = *(const struct proc *const *)a, *q = *(const struct proc *const *)b;
	uint64_t x = p->f[FLD_PSS].st == V_KNOWN ? p->f[FLD_PSS].u : 0;
	uint64_t y = q->f[FLD_PSS].st == V_KNOWN ? q->f[FLD_PSS].u : 0;

	return x != y ? (x < y ? 1 : -1) : p->pid - q->pid;
}

size_t recorder_segments_wanted(const struct recorder *r, const struct snapshot *snap, const struct proc **out,
				size_t n)
{
	const struct proc **v;
	size_t k = 0;

	if (!r->last_keyframe || !r->session || !snap->ntotal)
		return 0;
	v = xreallocarray(NULL, snap->ntotal, sizeof *v);
	memcpy(v, snap->all, snap->ntotal * sizeof *v);
	qsort(v, snap->ntotal, sizeof *v, record_by_pss);
	for (size_t i = 0; i < snap->ntotal && k < n; i++) {
		if (!v[i]->has_segments && proc_has_mm(v[i]) && v[i]->f[FLD_PSS].st == V_KNOWN)
			out[k++] = v[i];
	}
	free(v);
	return k;
}

int recorder_write_segments(struct recorder *r, const struct proc *const *procs, size_t n)
{
	int rc;

	if (!r->session || !n)
		return 0;
	rc = record_exec(r, "BEGIN IMMEDIATE");
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
		struct wproc *w = record_find(r, procs[i]);

		if (w)
			rc = record_segments_of(r, r->last_sample, w, procs[i], false);
	}
	if (rc == SQLITE_OK)
		rc = record_exec(r, "COMMIT");
	if (rc != SQLITE_OK) {
		int err = record_fail(r, rc, "write to");

		record_exec(r, "ROLLBACK");
		record_forget(r);
		return err;
	}
	return 0;
}
