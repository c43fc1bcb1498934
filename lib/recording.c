/* The recording's schema, its checks, and the row helpers the writer and the reader share. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recording.h"
#include "segment.h"
#include "xalloc.h"

/* What changes at nearly every sample of a busy process: its own row, kept narrow (a row's
 * header alone is a byte a column). */
const struct recording_figure recording_figures[] = {
	{ FLD_MINFLT, "minflt" }, { FLD_RSS, "rss" }, { FLD_PSS, "pss" }, { FLD_USS, "uss" },
	{ FLD_ANON, "anon" }, { FLD_DIRTY, "dirty" }, { FLD_PSS_ANON, "pss_anon" },
};
const int recording_nfigures = sizeof recording_figures / sizeof recording_figures[0];

/* The others: they change seldom. */
const struct recording_figure recording_vm[] = {
	{ FLD_MAJFLT, "majflt" }, { FLD_FILE, "file" }, { FLD_SHMEM, "shmem" }, { FLD_SWAP, "swap" },
	{ FLD_SWAP_PSS, "swap_pss" }, { FLD_PSS_FILE, "pss_file" }, { FLD_PSS_SHMEM, "pss_shmem" },
	{ FLD_OOM, "oom_score" }, { FLD_OOM_ADJ, "oom_score_adj" }, { FLD_THREADS, "threads" },
	{ FLD_VIRT, "virt" }, { FLD_LOCKED, "locked" }, { FLD_PTE, "pte" }, { FLD_HWM, "hwm" },
	{ FLD_PEAK, "peak" }, { FLD_DATA, "data" }, { FLD_STACK, "stack" }, { FLD_EXE, "exe" },
	{ FLD_LIB, "lib" }, { FLD_THP, "thp" }, { FLD_HUGETLB, "hugetlb" }, { FLD_KSM, "ksm" },
};
const int recording_nvm = sizeof recording_vm / sizeof recording_vm[0];

const struct recording_elsewhere recording_elsewhere[] = {
	{ FLD_PID, "procs.pid" }, { FLD_PPID, "proc_info.ppid" }, { FLD_USER, "proc_info.user" },
	{ FLD_UID, "proc_info.uid" }, { FLD_COMM, "proc_info.comm" }, { FLD_CMD, "proc_info.cmdline" },
	{ FLD_STATE, "proc_figures.state" }, { FLD_AGE, "proc_figures.pss_age" },
	{ FLD_MINFLT_RATE, "derived: minflt between two samples / interval" },
	{ FLD_MAJFLT_RATE, "derived: majflt between two samples / interval" },
	{ FLD_SEG_TEXT, "segments" }, { FLD_SEG_DATA, "segments" }, { FLD_SEG_BSS, "segments" },
	{ FLD_SEG_HEAP, "segments" }, { FLD_SEG_STACK, "segments" }, { FLD_SEG_LIBS, "segments" },
	{ FLD_SEG_ANON_MMAP, "segments" }, { FLD_SEG_FILE_MMAP, "segments" },
	{ FLD_SEG_SHMEM, "segments" }, { FLD_SEG_KERNEL, "segments" },
	{ FLD_GROWTH, "derived: fitted over the recorded samples (trends)" },
	{ FLD_LEAK, "derived: fitted over the recorded samples (trends)" },
	{ FLD_OOM_ETA, "derived: growth against the room recorded (trends)" },
};
const int recording_nelsewhere = sizeof recording_elsewhere / sizeof recording_elsewhere[0];

static const char *const recording_tables =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;\n"
	"CREATE TABLE sessions (id INTEGER PRIMARY KEY, first_sample INTEGER NOT NULL, started REAL NOT NULL,\n"
	"  host TEXT, kernel TEXT, memtop TEXT, pid INTEGER, interval REAL, page_size INTEGER,\n"
	"  keyframe_every INTEGER, max_size INTEGER);\n"
	"CREATE TABLE procs (id INTEGER PRIMARY KEY, session INTEGER NOT NULL, pid INTEGER NOT NULL,\n"
	"  start_ticks INTEGER NOT NULL, first_sample INTEGER NOT NULL, last_sample INTEGER);\n"
	"CREATE INDEX procs_last ON procs (last_sample);\n"
	"CREATE TABLE proc_info (sample INTEGER NOT NULL, proc INTEGER NOT NULL, ppid INTEGER, uid INTEGER,\n"
	"  user TEXT, comm TEXT, cmdline INTEGER, kthread INTEGER, cgroup INTEGER,\n"
	"  PRIMARY KEY (sample, proc)) WITHOUT ROWID;\n"
	"CREATE TABLE cmdlines (id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, text TEXT NOT NULL);\n"
	"CREATE INDEX cmdlines_hash ON cmdlines (hash);\n"
	"CREATE TABLE proc_shm (sample INTEGER NOT NULL, proc INTEGER NOT NULL, n INTEGER NOT NULL,\n"
	"  kind TEXT, deleted INTEGER, dev_major INTEGER, dev_minor INTEGER, inode INTEGER, name TEXT,\n"
	"  size_kib INTEGER, rss_kib INTEGER, pss_kib INTEGER, swap_pss_kib INTEGER,\n"
	"  PRIMARY KEY (sample, proc, n)) WITHOUT ROWID;\n"
	"CREATE TABLE segments (sample INTEGER NOT NULL, proc INTEGER NOT NULL, segment TEXT NOT NULL,\n"
	"  virt_kib INTEGER, rss_kib INTEGER, pss_kib INTEGER, uss_kib INTEGER, swap_kib INTEGER,\n"
	"  dirty_kib INTEGER, age REAL,\n"
	"  live INTEGER,\n"
	"  PRIMARY KEY (sample, proc, segment)) WITHOUT ROWID;\n"
	"CREATE TABLE cgroup_paths (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);\n"
	"CREATE TABLE cgroup_figures (sample INTEGER NOT NULL, cgroup INTEGER NOT NULL, readable INTEGER,\n"
	"  mem_limit INTEGER, mem_usage INTEGER, swap_limit INTEGER, swappiness INTEGER, oom_kills INTEGER,\n"
	"  oom_group INTEGER, na INTEGER, PRIMARY KEY (sample, cgroup)) WITHOUT ROWID;\n"
	"CREATE TABLE shm_files (sample INTEGER NOT NULL, n INTEGER NOT NULL, name TEXT, dev_major INTEGER,\n"
	"  dev_minor INTEGER, inode INTEGER, posix INTEGER, size INTEGER, used INTEGER,\n"
	"  PRIMARY KEY (sample, n)) WITHOUT ROWID;\n"
	"CREATE TABLE shm_sysv (sample INTEGER NOT NULL, n INTEGER NOT NULL, key INTEGER, shmid INTEGER,\n"
	"  mode INTEGER, size INTEGER, cpid INTEGER, lpid INTEGER, nattch INTEGER, uid INTEGER,\n"
	"  rss INTEGER, swap INTEGER, PRIMARY KEY (sample, n)) WITHOUT ROWID;\n"
	"CREATE TABLE shm_mounts (sample INTEGER NOT NULL, n INTEGER NOT NULL, mountpoint TEXT,\n"
	"  dev_major INTEGER, dev_minor INTEGER, size INTEGER, used INTEGER, avail INTEGER,\n"
	"  PRIMARY KEY (sample, n)) WITHOUT ROWID;\n"
	"CREATE TABLE oom_head (sample INTEGER NOT NULL, rank INTEGER NOT NULL, proc INTEGER,\n"
	"  badness INTEGER, score INTEGER, PRIMARY KEY (sample, rank)) WITHOUT ROWID;\n"
	"CREATE TABLE oom_kills (sample INTEGER NOT NULL, kills INTEGER NOT NULL, proc INTEGER);\n"
	"CREATE INDEX oom_kills_sample ON oom_kills (sample);\n";

/* Appends a, b and c to *sql. */
static void sql_add(char **sql, size_t *len, const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c);

	*sql = xrealloc(*sql, *len + n + 1);
	sprintf(*sql + *len, "%s%s%s", a, b, c);
	*len += n;
}

/* The samples table: the system figures by their JSON names (memory with "mem_"). */
static char *recording_samples_sql(void)
{
	static const char *const psi[] = { "psi_some_avg10", "psi_some_avg60", "psi_some_avg300", "psi_full_avg10",
					   "psi_full_avg60", "psi_full_avg300" };
	char *sql = NULL;
	size_t len = 0;

	sql_add(&sql, &len, "CREATE TABLE samples (id INTEGER PRIMARY KEY, session INTEGER NOT NULL, ",
		"time REAL NOT NULL, interval REAL, collect REAL, keyframe INTEGER NOT NULL, fresh INTEGER NOT NULL, "
		"processes INTEGER", "");
	for (int i = 0; i < SYS_MEM_COUNT; i++)
		sql_add(&sql, &len, ", mem_", sys_mem_name(i), " INTEGER");
	for (int i = 0; i < SYSC_COUNT; i++)
		sql_add(&sql, &len, ", ", sys_counter_name(i), " INTEGER");
	for (int i = 0; i < KNOB_COUNT; i++)
		sql_add(&sql, &len, ", ", sys_knob_name(i), " INTEGER");
	for (size_t i = 0; i < sizeof psi / sizeof psi[0]; i++)
		sql_add(&sql, &len, ", ", psi[i], " REAL");
	sql_add(&sql, &len, ", psi_some_total INTEGER, psi_full_total INTEGER, cgroup_memory INTEGER, ",
		"cgroup_hybrid INTEGER, shm_files INTEGER, shm_sysv INTEGER, shm_mounts INTEGER, "
		"shm_sysv_known INTEGER, shm_truncated INTEGER, shm_unreadable INTEGER, clock REAL);\n"
		"CREATE INDEX samples_time ON samples (time);\n", "");
	return sql;
}

static char *recording_figures_sql(void)
{
	char *sql = NULL;
	size_t len = 0;

	sql_add(&sql, &len, "CREATE TABLE proc_figures (sample INTEGER NOT NULL, ", "proc INTEGER NOT NULL, state TEXT", "");
	for (int i = 0; i < recording_nfigures; i++)
		sql_add(&sql, &len, ", ", recording_figures[i].column,
			fields[recording_figures[i].id].type == FT_BYTES ? "_kib INTEGER" : " INTEGER");
	sql_add(&sql, &len, ", minflt_rate REAL, majflt_rate REAL, pss_age REAL, na INTEGER, ",
		"PRIMARY KEY (sample, proc)) WITHOUT ROWID;\n", "");
	sql_add(&sql, &len, "CREATE TABLE proc_more (sample INTEGER NOT NULL, ", "proc INTEGER NOT NULL", "");
	for (int i = 0; i < recording_nvm; i++)
		sql_add(&sql, &len, ", ", recording_vm[i].column,
			fields[recording_vm[i].id].type == FT_BYTES ? "_kib INTEGER" : " INTEGER");
	sql_add(&sql, &len, ", na INTEGER, rollup_errno INTEGER, smaps_errno INTEGER, shm_maps INTEGER, ",
		"PRIMARY KEY (sample, proc)) WITHOUT ROWID;\n", "");
	return sql;
}

int recording_create(sqlite3 *db)
{
	char *samples = recording_samples_sql(), *figures = recording_figures_sql();
	char pragmas[160];
	int rc;

	snprintf(pragmas, sizeof pragmas, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
		 RECORDING_APP_ID, RECORDING_SCHEMA);
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, recording_tables, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, samples, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, figures, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "INSERT INTO meta VALUES ('schema', '" RECORDING_SCHEMA_NAME "'), "
			     "('created', strftime('%s', 'now'))", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
	rc = rc == SQLITE_OK ? sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) : rc;
	if (rc != SQLITE_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	free(samples);
	free(figures);
	return rc;
}

static int recording_pragma(sqlite3 *db, const char *name, int64_t *v)
{
	char sql[64];
	sqlite3_stmt *st;
	int rc;

	snprintf(sql, sizeof sql, "PRAGMA %s", name);
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

int recording_check(sqlite3 *db, int *version)
{
	int64_t app = 0, ver = 0;
	int rc = recording_pragma(db, "application_id", &app);

	if (rc == SQLITE_OK)
		rc = recording_pragma(db, "user_version", &ver);
	if (rc != SQLITE_OK)
		return rc == SQLITE_NOTADB ? -EPROTO : -recording_errno(db, rc);
	*version = (int)ver;
	if (app != RECORDING_APP_ID)
		return -EPROTO;
	return ver == RECORDING_SCHEMA ? 0 : -EPROTONOSUPPORT;
}

void recording_refusal(char *err, size_t n, const char *path, int rc, int version, bool writing)
{
	if (rc == -EPROTO)
		snprintf(err, n, "%s is not a memtop recording", path);
	else if (version > RECORDING_SCHEMA)
		snprintf(err, n, "%s was recorded by a newer memtop (recording schema %d; this memtop %s "
			 "schema %d): use that memtop%s", path, version, writing ? "writes" : "reads",
			 RECORDING_SCHEMA, writing ? ", or record to a new file" : "");
	else if (rc == -EPROTONOSUPPORT)
		snprintf(err, n, "%s is a recording of schema %d, older than this memtop %s (schema %d)%s",
			 path, version, writing ? "writes" : "reads", RECORDING_SCHEMA,
			 writing ? ": record to a new file" : ": replay it with the memtop that made it");
	else
		snprintf(err, n, "cannot read %s: %s", path, strerror(-rc));
}

int recording_errno(sqlite3 *db, int rc)
{
	int sys = db ? sqlite3_system_errno(db) : 0;

	switch (rc & 0xff) {
	case SQLITE_FULL:
		return sys == EDQUOT || sys == EFBIG ? sys : ENOSPC;
	case SQLITE_NOMEM:
		return ENOMEM;
	case SQLITE_READONLY:
		return sys ? sys : EROFS;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return EACCES;
	case SQLITE_CANTOPEN:
		return sys ? sys : ENOENT;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return EILSEQ;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return EBUSY;
	case SQLITE_IOERR:
		return sys ? sys : EIO;
	default:
		return sys ? sys : EIO;
	}
}

int recording_prepare(sqlite3 *db, sqlite3_stmt **st, const char *sql)
{
	int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);

	if (rc != SQLITE_OK)
		*st = NULL;
	return rc;
}

/* ---- rows ---- */

enum { RB_NULL, RB_INT, RB_REAL, RB_TEXT };

static void rowb_put(struct rowb *rb, const void *p, size_t n)
{
	if (n == 0)
		return;		/* an empty row: p may be NULL */
	if (rb->n + n > rb->cap) {
		rb->cap = (rb->n + n) * 2 + 64;
		rb->p = xrealloc(rb->p, rb->cap);
	}
	memcpy(rb->p + rb->n, p, n);
	rb->n += n;
}

void rowb_reset(struct rowb *rb)
{
	rb->n = 0;
	rb->nvals = 0;
}

void rowb_free(struct rowb *rb)
{
	free(rb->p);
	memset(rb, 0, sizeof *rb);
}

void rowb_copy(struct rowb *dst, const struct rowb *src)
{
	rowb_reset(dst);
	rowb_put(dst, src->p, src->n);
	dst->nvals = src->nvals;
}

bool rowb_equal(const struct rowb *a, const struct rowb *b)
{
	return a->n == b->n && (a->n == 0 || memcmp(a->p, b->p, a->n) == 0);
}

void rowb_null(struct rowb *rb)
{
	unsigned char t = RB_NULL;

	rowb_put(rb, &t, 1);
	rb->nvals++;
}

void rowb_int(struct rowb *rb, int64_t v)
{
	unsigned char t = RB_INT;

	rowb_put(rb, &t, 1);
	rowb_put(rb, &v, sizeof v);
	rb->nvals++;
}

void rowb_real(struct rowb *rb, double v)
{
	unsigned char t = RB_REAL;

	rowb_put(rb, &t, 1);
	rowb_put(rb, &v, sizeof v);
	rb->nvals++;
}

void rowb_text(struct rowb *rb, const char *s, size_t len)
{
	unsigned char t = RB_TEXT;
	uint64_t l = len;

	if (!s) {
		rowb_null(rb);
		return;
	}
	rowb_put(rb, &t, 1);
	rowb_put(rb, &l, sizeof l);
	rowb_put(rb, s, len);
	rb->nvals++;
}

void rowb_fval(struct rowb *rb, const struct fval *v, enum field_type t, int64_t *na, int bit)
{
	if (v->st == V_NA && na)
		*na |= (int64_t)1 << bit;
	if (v->st != V_KNOWN)
		rowb_null(rb);
	else if (t == FT_RATE || t == FT_SECONDS)
		rowb_real(rb, v->d);
	else if (t == FT_INT)
		rowb_int(rb, v->i);
	else
		rowb_int(rb, v->u > INT64_MAX ? INT64_MAX : (int64_t)v->u);
}

void rowb_kib(struct rowb *rb, const struct fval *v, int64_t *na, int bit)
{
	struct fval k = *v;

	k.u >>= 10;
	rowb_fval(rb, &k, FT_BYTES, na, bit);
}

size_t rowb_skip(const struct rowb *rb, size_t off, int count)
{
	for (int i = 0; i < count && off < rb->n; i++) {
		unsigned char t = rb->p[off++];
		uint64_t len;

		if (t == RB_INT || t == RB_REAL) {
			off += 8;
		} else if (t == RB_TEXT) {
			memcpy(&len, rb->p + off, sizeof len);
			off += sizeof len + len;
		}
	}
	return off;
}

const char *rowb_text_at(const struct rowb *rb, size_t off, size_t *len)
{
	uint64_t l;

	if (off >= rb->n || rb->p[off] != RB_TEXT)
		return NULL;
	memcpy(&l, rb->p + off + 1, sizeof l);
	*len = l;
	return (const char *)rb->p + off + 1 + sizeof l;
}

size_t rowb_bind(const struct rowb *rb, size_t off, sqlite3_stmt *st, int first, int count)
{
	for (int i = 0; i < count && off < rb->n; i++) {
		unsigned char t = rb->p[off++];
		int64_t iv;
		double dv;
		uint64_t len;

		switch (t) {
		case RB_INT:
			memcpy(&iv, rb->p + off, sizeof iv);
			off += sizeof iv;
			sqlite3_bind_int64(st, first + i, iv);
			break;
		case RB_REAL:
			memcpy(&dv, rb->p + off, sizeof dv);
			off += sizeof dv;
			sqlite3_bind_double(st, first + i, dv);
			break;
		case RB_TEXT:
			memcpy(&len, rb->p + off, sizeof len);
			off += sizeof len;
			sqlite3_bind_text64(st, first + i, (const char *)rb->p + off, len, SQLITE_STATIC, SQLITE_UTF8);
			off += len;
			break;
		default:
			sqlite3_bind_null(st, first + i);
			break;
		}
	}
	return off;
}

void recording_fval(sqlite3_stmt *st, int col, struct fval *v, enum field_type t, int64_t na, int bit)
{
	if (na & ((int64_t)1 << bit)) {
		v->u = 0;
		v->st = V_NA;
		return;
	}
	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		v->u = 0;
		v->st = V_UNKNOWN;
		return;
	}
	v->st = V_KNOWN;
	if (t == FT_RATE || t == FT_SECONDS)
		v->d = sqlite3_column_double(st, col);
	else if (t == FT_INT)
		v->i = sqlite3_column_int64(st, col);
	else
		v->u = (uint64_t)sqlite3_column_int64(st, col);
}

void recording_kib(sqlite3_stmt *st, int col, struct fval *v, int64_t na, int bit)
{
	recording_fval(st, col, v, FT_BYTES, na, bit);
	v->u <<= 10;
}
