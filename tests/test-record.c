/* Recordings: a snapshot made by hand (every kind of figure state, hostile bytes, shared
 * memory, segments, cgroups, shmem sources) written and read back equal, sample by sample
 * and by seeking; rates from the sample before; processes born and gone; schema versions
 * and files that are no recording refused; the registry's fields each recorded or said
 * where they are; times and sizes as people write them. */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "fixture.h"
#include "oom.h"
#include "record.h"
#include "recording.h"
#include "replay.h"
#include "shmem.h"
#include "sysmem.h"
#include "tap.h"
#include "units.h"
#include "when.h"
#include "xalloc.h"

#define MIB (1024ull * 1024)
#define T0 1796439600.0	/* 2026-12-05 03:00:00 UTC */

static char dir[256];

/* ---- a machine made by hand ---- */

struct world {
	struct proc *p[4];
	const struct proc *all[4];
	size_t n;
	struct snapshot snap;
	struct cgroup_set cs;
	struct shmem_sources src;
	struct shmem_report *shmem;
	struct oom_report *oom;
	struct sysmem mem;
};

static void known(struct fval *v, uint64_t x)
{
	v->u = x;
	v->st = V_KNOWN;
}

static struct proc *world_proc(int pid, uint64_t start, const char *comm, const char *cmdline, uint32_t uid)
{
	struct proc *p = xcalloc(1, sizeof *p);

	p->pid = pid;
	p->start_ticks = start;
	p->ppid = 1;
	p->uid = uid;
	p->user = xstrdup(uid ? "alice" : "root");
	p->comm = xstrdup(comm);
	p->cmdline = cmdline ? xstrdup(cmdline) : NULL;
	p->cmdline_len = cmdline ? strlen(cmdline) : 0;
	p->state = 'S';
	p->cgroup = -1;
	for (int i = 0; i < FLD_COUNT; i++) {
		if (fields[i].type == FT_INT)
			p->f[i] = (struct fval){ .i = pid % 7 - 3, .st = V_KNOWN };
		else if (fields[i].type == FT_BYTES || fields[i].type == FT_COUNT)
			known(&p->f[i], (uint64_t)pid * 4096 + (uint64_t)i * MIB);
	}
	p->f[FLD_OOM_ADJ] = (struct fval){ .i = -500, .st = V_KNOWN };
	p->f[FLD_AGE] = (struct fval){ .d = 0, .st = V_KNOWN };
	return p;
}

static void shm_add(struct proc *p, int kind, const char *name, uint64_t inode, bool values)
{
	struct shmem_map *m;

	p->shm = xreallocarray(p->shm, p->nshm + 1, sizeof *p->shm);
	m = &p->shm[p->nshm++];
	memset(m, 0, sizeof *m);
	m->kind = (uint8_t)kind;
	m->deleted = kind == SHMEM_MEMFD;
	m->dev_major = 0;
	m->dev_minor = 25;
	m->inode = inode;
	m->name = xstrdup(name);
	m->name_len = strlen(name);
	m->size = 8 * MIB;
	if (values) {
		known(&m->rss, 4 * MIB);
		known(&m->pss, 2 * MIB);
		known(&m->swap_pss, 0);
	}
}

/* Four processes: an ordinary one (shmem, segments, a hostile command line), a kernel
 * thread (its memory not applicable), another user's (PSS refused), and one with unknowns. */
static void world_make(struct world *w)
{
	struct proc *p;
	bool added;

	memset(w, 0, sizeof *w);
	p = w->p[0] = world_proc(100, 1000, "db\x1b[31m", "db --x \xff\xfe\x1b]0;owned\x07 end", 1000);
	shm_add(p, SHMEM_POSIX, "/dev/shm/seg", 77, true);
	shm_add(p, SHMEM_MEMFD, "/memfd:cache\x1b[2J", 78, false);
	p->seg = xcalloc(1, sizeof *p->seg);
	for (int s = 0; s < SEG_COUNT; s++)
		for (int f = 0; f < SEGF_COUNT; f++)
			p->seg->v[s][f] = (uint64_t)(s * 10 + f) * 4096;
	p->has_segments = true;
	p->smaps_age = 0;
	p = w->p[1] = world_proc(2, 5, "kthreadd", "[kthreadd]", 0);
	p->kernel_thread = true;
	for (int i = 0; i < FLD_COUNT; i++) {
		if (fields[i].src & (SRC_STATUS | SRC_PSS | SRC_ROLLUP | SRC_KSM))
			p->f[i].st = V_NA;
	}
	p->f[FLD_VIRT].st = V_NA;
	p->f[FLD_AGE].st = V_UNKNOWN;
	p = w->p[2] = world_proc(300, 3000, "other", "other", 1001);
	for (int i = 0; i < FLD_COUNT; i++) {
		if (fields[i].src & (SRC_PSS | SRC_ROLLUP))
			p->f[i].st = V_UNKNOWN;
	}
	p->rollup_errno = EACCES;
	p = w->p[3] = world_proc(400, 4000, "odd", NULL, 0);
	p->state = 'Z';
	p->f[FLD_KSM].st = V_UNKNOWN;
	p->f[FLD_OOM].st = V_UNKNOWN;
	w->n = 4;
	w->cs.layout.memory = CGROUP_V2;
	w->p[0]->cgroup = cgroup_set_get(&w->cs, "/a/b", 4);
	w->p[2]->cgroup = cgroup_set_get(&w->cs, "/a", 2);
	for (size_t i = 0; i < w->cs.n; i++) {
		struct cgroup_node *c = &w->cs.nodes[i];

		c->readable = true;
		known(&c->mem.usage, (i + 1) * 10 * MIB);
		c->mem.limit.st = c->mem.swap_limit.st = V_NA;
		c->mem.oom_group = -1;
		known(&c->mem.oom_kills, i);
	}
	known(&w->cs.nodes[1].mem.limit, 256 * MIB);	/* /a/b */
	shmem_sources_file(&w->src, "/dev/shm/seg", 12, 0, 25, 77, &added)->posix = true;
	known(&w->src.files[0].size, 8 * MIB);
	known(&w->src.files[0].used, 8 * MIB);
	shmem_sources_sysv(&(struct shmem_sysv){ .key = 0xdeadbeef, .shmid = 5, .mode = 0600, .size = 4 * MIB,
						 .cpid = 100, .lpid = 100, .nattch = 0, .uid = 1000,
						 .rss = { .u = MIB, .st = V_KNOWN }, .swap = { .st = V_UNKNOWN } },
			   &w->src);
	known(&shmem_sources_mount(&w->src, "/dev/shm")->size, 64 * MIB);
	w->src.sysv_known = true;
	w->shmem = shmem_report_create();
	w->oom = oom_report_create();
}

static void world_snap(struct world *w, double t, double interval, uint64_t seq)
{
	struct snapshot *s = &w->snap;

	s->wall.tv_sec = (time_t)t;
	s->wall.tv_nsec = (long)((t - floor(t)) * 1e9);
	s->interval = interval;
	s->seq = seq;
	s->collect_seconds = 0.012;
	snprintf(s->host, sizeof s->host, "host\x1b[1m");
	snprintf(s->kernel, sizeof s->kernel, "6.18.4-test");
	for (int i = 0; i < SYS_MEM_COUNT; i++)
		known(&s->sys.mem[i], (uint64_t)(i + 1) * 100 * MIB);
	s->sys.mem[SYS_PERCPU].st = V_UNKNOWN;
	for (int i = 0; i < SYSC_COUNT; i++)
		known(&s->sys.count[i], (uint64_t)(1000 * (i + 1)) + seq * 10);
	for (int i = 0; i < KNOB_COUNT; i++)
		s->sys.knob[i] = (struct fval){ .i = i, .st = V_KNOWN };
	s->sys.pressure = (struct psi){ .known = true, .has_full = false,
					.some = { 0.5, 1.25, 2.5, 123456 } };
	w->n = 0;
	for (int i = 0; i < 4; i++) {
		if (w->p[i])
			w->all[w->n++] = w->p[i];
	}
	/* by pid, as a snapshot has them */
	for (size_t i = 1; i < w->n; i++)
		for (size_t k = i; k > 0 && w->all[k - 1]->pid > w->all[k]->pid; k--) {
			const struct proc *x = w->all[k];

			w->all[k] = w->all[k - 1];
			w->all[k - 1] = x;
		}
	for (size_t i = 0; i < w->n; i++)
		((struct proc *)w->all[i])->selected = true;
	s->all = s->procs = w->all;
	s->ntotal = s->nprocs = w->n;
	s->complete = true;
	s->parts = SNAP_CGROUPS | SNAP_OOM | SNAP_SHMEM;
	s->cgroups = &w->cs;
	oom_report_update(w->oom, s, &w->cs);
	s->oom = w->oom;
	shmem_report_update(w->shmem, s, &w->src);
	s->shmem = w->shmem;
	sysmem_compute(s, &w->mem);
	s->mem = &w->mem;
}

static void proc_free(struct proc *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nshm; i++)
		free(p->shm[i].name);
	free(p->shm);
	free(p->seg);
	free(p->user);
	free(p->comm);
	free(p->cmdline);
	free(p);
}

static void world_free(struct world *w)
{
	for (int i = 0; i < 4; i++)
		proc_free(w->p[i]);
	cgroup_set_free(&w->cs);
	shmem_sources_free(&w->src);
	shmem_report_free(w->shmem);
	oom_report_free(w->oom);
}

/* ---- comparing what was written with what is read ---- */

static bool fval_same(const struct fval *a, const struct fval *b, enum field_type t)
{
	if (a->st != b->st)
		return false;
	if (a->st != V_KNOWN)
		return true;
	return t == FT_RATE || t == FT_SECONDS ? fabs(a->d - b->d) < 1e-9 : a->u == b->u;
}

static bool bytes_same(const char *a, size_t na, const char *b, size_t nb)
{
	return (!a && !b) || (a && b && na == nb && memcmp(a, b, na) == 0);
}

static int proc_diff(const struct proc *a, const struct proc *b)
{
	if (a->pid != b->pid || a->start_ticks != b->start_ticks || a->ppid != b->ppid || a->uid != b->uid ||
	    a->state != b->state || a->kernel_thread != b->kernel_thread || strcmp(a->user, b->user) ||
	    strcmp(a->comm, b->comm) || !bytes_same(a->cmdline, a->cmdline_len, b->cmdline, b->cmdline_len) ||
	    a->rollup_errno != b->rollup_errno || a->smaps_errno != b->smaps_errno)
		return -1;
	for (int i = 0; i < recording_nfigures + recording_nvm; i++) {
		enum field_id id = i < recording_nfigures ? recording_figures[i].id : recording_vm[i - recording_nfigures].id;

		if (!fval_same(&a->f[id], &b->f[id], fields[id].type))
			return id;
	}
	if (a->nshm != b->nshm)
		return -2;
	for (size_t k = 0; k < a->nshm; k++) {
		const struct shmem_map *x = &a->shm[k], *y = &b->shm[k];

		if (x->kind != y->kind || x->deleted != y->deleted || x->inode != y->inode || x->size != y->size ||
		    !bytes_same(x->name, x->name_len, y->name, y->name_len) ||
		    !fval_same(&x->rss, &y->rss, FT_BYTES) || !fval_same(&x->pss, &y->pss, FT_BYTES))
			return -3;
	}
	return 0;
}

static void check_same(const struct snapshot *live, const struct snapshot *rep, const char *what)
{
	int bad = 0;

	is_int(rep->ntotal, live->ntotal, "%s: the processes", what);
	for (size_t i = 0; i < live->ntotal && i < rep->ntotal; i++) {
		int d = proc_diff(live->all[i], rep->all[i]);

		if (d) {
			printf("# pid %d differs (%d)\n", live->all[i]->pid, d);
			bad++;
		}
	}
	ok(!bad, "%s: every process's recorded figures, names and shmem mappings", what);
	for (int i = 0; i < SYS_MEM_COUNT; i++)
		bad += !fval_same(&live->sys.mem[i], &rep->sys.mem[i], FT_BYTES);
	for (int i = 0; i < SYSC_COUNT; i++)
		bad += !fval_same(&live->sys.count[i], &rep->sys.count[i], FT_COUNT);
	bad += live->sys.pressure.known != rep->sys.pressure.known ||
	       live->sys.pressure.has_full != rep->sys.pressure.has_full ||
	       live->sys.pressure.some.avg60 != rep->sys.pressure.some.avg60 ||
	       live->sys.pressure.some.total_us != rep->sys.pressure.some.total_us;
	ok(!bad, "%s: the system figures", what);
	is_int(rep->wall.tv_sec, live->wall.tv_sec, "%s: the time, to the second", what);
	is_str(rep->host, live->host, "%s: the host", what);
}

static void check_parts(const struct snapshot *live, const struct snapshot *rep, const char *what)
{
	bool same = rep->cgroups && rep->cgroups->n == live->cgroups->n;

	for (size_t i = 0; same && i < live->cgroups->n; i++) {
		const struct cgroup_node *a = &live->cgroups->nodes[i], *b = &rep->cgroups->nodes[i];

		same = strcmp(a->path, b->path) == 0 && a->parent == b->parent && a->readable == b->readable &&
		       fval_same(&a->mem.limit, &b->mem.limit, FT_BYTES) &&
		       fval_same(&a->mem.usage, &b->mem.usage, FT_BYTES) &&
		       fval_same(&a->mem.swap_limit, &b->mem.swap_limit, FT_BYTES);
	}
	ok(same, "%s: the cgroup set, in the same order, each with its limit (or none)", what);
	ok(rep->oom && rep->oom->neligible == live->oom->neligible &&
	   rep->oom->entries[0].p->pid == live->oom->entries[0].p->pid &&
	   rep->oom->entries[0].points == live->oom->entries[0].points, "%s: the OOM order, computed again", what);
	ok(rep->shmem && rep->shmem->nobjects == live->shmem->nobjects &&
	   rep->shmem->nunattributed == live->shmem->nunattributed &&
	   rep->shmem->unattributed == live->shmem->unattributed && rep->shmem->sysv_known,
	   "%s: shmem attribution, computed again (%zu objects)", what, live->shmem->nobjects);
	ok(fval_same(&rep->mem->part[SM_SHMEM_MAPPED], &live->mem->part[SM_SHMEM_MAPPED], FT_BYTES) &&
	   fval_same(&rep->mem->part[SM_FILE_CLEAN], &live->mem->part[SM_FILE_CLEAN], FT_BYTES),
	   "%s: the memory breakdown", what);
}

static const struct sample_request all_req = { .parts = SNAP_CGROUPS | SNAP_OOM | SNAP_SHMEM, .need = SRC_SMAPS };

/* ---- the tests ---- */

/* A PSS reused from an earlier read (a process costly to read) is shown with its age. The
 * reader counts that age on the recorder's monotonic clock, as the sampler did: the wall
 * time is kept to the millisecond only, and an age computed from it may round to another
 * tenth of a second than the one printed live. */
static void test_ages(void)
{
	struct world w;
	struct recorder *rec;
	struct replay *rp;
	const struct snapshot *s = NULL;
	const struct proc *p;
	char path[300], err[700];
	/* sample 2 comes 0.3509 s after sample 1 on the clock, 0.350 s on the wall */
	const double clock[3] = { 5000.25, 5000.6009, 5001.0 }, wall[3] = { T0, T0 + 0.3509, T0 + 0.75 };
	const double age[3] = { 0.3, 0.3 + 0.3509, 0 };	/* re-read at sample 3 */

	snprintf(path, sizeof path, "%s/ages.db", dir);
	world_make(&w);
	ok(recorder_open(path, &(struct record_options){ .interval = 1 }, &rec, err, sizeof err) == 0,
	   "a recording opens (%s)", err);
	for (int i = 0; i < 3; i++) {
		w.p[0]->pss_age = age[i];
		w.p[0]->f[FLD_AGE] = (struct fval){ .d = age[i], .st = V_KNOWN };
		world_snap(&w, wall[i], i ? wall[i] - wall[i - 1] : 0, (uint64_t)i + 1);
		w.snap.clock = clock[i];
		is_int(recorder_write(rec, &w.snap, false), 0, "sample %d is written", i + 1);
	}
	is_int(recorder_close(rec), 0, "the recording is closed");
	ok(replay_open(path, &rp, err, sizeof err) == 0 && replay_between(rp, NAN, NAN, err, sizeof err) == 0,
	   "it opens for replay (%s)", err);
	for (int i = 0; i < 3; i++) {
		ok(replay_next(rp, 0) == 0 && replay_snapshot(rp, &all_req, &s) == 0, "sample %d is read", i + 1);
		p = snapshot_find(s, 100, true);
		ok(p && p->f[FLD_AGE].st == V_KNOWN && fabs(p->f[FLD_AGE].d - age[i]) < 1e-9 &&
		   fabs(p->pss_age - age[i]) < 1e-9, "sample %d: the age of its PSS is the one live, %.4f s (%.4f)",
		   i + 1, age[i], p ? p->pss_age : -1);
	}
	replay_free(rp);
	world_free(&w);
}

static void test_round_trip(void)
{
	struct world w;
	struct recorder *rec;
	struct replay *rp;
	const struct snapshot *s = NULL;
	char path[300], err[700];
	const struct proc *p;

	snprintf(path, sizeof path, "%s/rt.db", dir);
	world_make(&w);
	ok(recorder_open(path, &(struct record_options){ .interval = 1 }, &rec, err, sizeof err) == 0,
	   "a new recording opens (%s)", err);
	world_snap(&w, T0, 0, 1);
	is_int(recorder_write(rec, &w.snap, true), 0, "sample 1 (a keyframe) is written");

	/* sample 2: one process faults and grows; the others are idle; its segments are not
	 * read again */
	w.p[0]->has_segments = false;
	w.p[0]->f[FLD_MINFLT].u += 300;
	w.p[0]->f[FLD_RSS].u += MIB;
	w.p[0]->shm[1].size = 16 * MIB;
	world_snap(&w, T0 + 1.5, 1.5, 2);
	is_int(recorder_write(rec, &w.snap, true), 0, "sample 2 is written");

	/* sample 3: one gone, one new */
	proc_free(w.p[2]);
	w.p[2] = world_proc(500, 5000, "new", "new --arg", 0);
	w.p[0]->cgroup = -1;
	w.p[2]->cgroup = cgroup_set_get(&w.cs, "/a/b", 4);
	world_snap(&w, T0 + 3, 1.5, 3);
	is_int(recorder_write(rec, &w.snap, true), 0, "sample 3 is written");
	is_int(recorder_close(rec), 0, "the recording is closed");

	ok(replay_open(path, &rp, err, sizeof err) == 0, "it opens for replay (%s)", err);
	ok(replay_between(rp, NAN, NAN, err, sizeof err) == 0, "every sample is in range");
	ok(replay_next(rp, 0) == 0 && replay_snapshot(rp, &all_req, &s) == 0, "sample 1 is read");
	ok(replay_next(rp, 0) == 0 && replay_snapshot(rp, &all_req, &s) == 0, "sample 2 is read");
	p = snapshot_find(s, 100, true);
	ok(p && p->f[FLD_MINFLT_RATE].st == V_KNOWN && fabs(p->f[FLD_MINFLT_RATE].d - 200) < 1e-9,
	   "the fault rate is computed from the sample before: 300 in 1.5 s");
	ok(p && p->has_segments && p->seg->v[SEG_HEAP][SEGF_PSS] == 32 * 4096 && p->smaps_age > 1.4,
	   "the segments read at sample 1 are shown with their age (%.2f s)", p ? p->smaps_age : -1);
	ok(p && p->nshm == 2 && p->shm[1].size == 16 * MIB, "the changed shmem mapping is read");
	ok(snapshot_find(s, 300, true) && snapshot_find(s, 300, true)->f[FLD_MINFLT_RATE].d == 0,
	   "an idle process's rate is 0");
	ok(replay_next(rp, 0) == 0 && replay_snapshot(rp, &all_req, &s) == 0, "sample 3 is read");
	check_same(&w.snap, s, "sample 3");
	check_parts(&w.snap, s, "sample 3");
	ok(!snapshot_find(s, 300, true), "the process gone is gone");
	p = snapshot_find(s, 500, true);
	ok(p && p->f[FLD_MINFLT_RATE].st == V_UNKNOWN, "a new process has no rate yet");
	ok(replay_next(rp, 0) == -ENOENT, "then the range ends");

	/* seeking straight to a moment gives the same */
	ok(replay_seek(rp, T0 + 1.6) == 0 && replay_snapshot(rp, &all_req, &s) == 0, "a seek to 1.6 s in");
	is_int(s->wall.tv_sec, (time_t)(T0 + 1.5), "finds the sample at or before it");
	ok(snapshot_find(s, 300, true), "with the processes of that moment");
	ok(replay_step(rp, -1) == 0 && replay_snapshot(rp, &all_req, &s) == 0 && s->seq == 1, "one back: sample 1");
	ok(replay_step(rp, -1) == -ENOENT, "none before it");
	replay_free(rp);

	/* the first sample, from scratch, equals what was written */
	ok(replay_open(path, &rp, err, sizeof err) == 0 && replay_at(rp, T0 + 0.5, err, sizeof err) == 0 &&
	   replay_snapshot(rp, &all_req, &s) == 0, "--at the first sample");
	world_free(&w);
	world_make(&w);
	world_snap(&w, T0, 0, 1);
	check_same(&w.snap, s, "sample 1");
	check_parts(&w.snap, s, "sample 1");
	p = snapshot_find(s, 2, true);
	ok(p && p->f[FLD_RSS].st == V_NA && p->f[FLD_PSS].st == V_NA && p->f[FLD_OOM].st == V_KNOWN,
	   "a kernel thread's memory is not applicable, not unknown");
	p = snapshot_find(s, 300, true);
	ok(p && p->f[FLD_PSS].st == V_UNKNOWN && s->nunreadable == 1, "another user's PSS is unknown, and counted");
	ok(replay_at(rp, T0 - 10, err, sizeof err) == -ENOENT && strstr(err, "no sample"),
	   "nothing at or before a time before the recording: %s", err);
	replay_free(rp);
	world_free(&w);
}

static void test_sessions_and_keyframes(void)
{
	struct world w;
	struct recorder *rec;
	struct replay *rp;
	const struct snapshot *s = NULL;
	char path[300], err[700];
	int n = 0, keyframes = 0;

	snprintf(path, sizeof path, "%s/kf.db", dir);
	world_make(&w);
	for (int run = 0; run < 2; run++) {
		ok(recorder_open(path, &(struct record_options){ .interval = 1 }, &rec, err, sizeof err) == 0,
		   "run %d opens the recording", run + 1);
		for (int i = 0; i < RECORD_KEYFRAME_SAMPLES + 5; i++) {
			keyframes += recorder_keyframe_due(rec);
			w.p[0]->f[FLD_RSS].u += 4096;
			world_snap(&w, T0 + n, n ? 1 : 0, (uint64_t)i + 1);
			n++;
			if (recorder_write(rec, &w.snap, true) != 0)
				break;
		}
		recorder_close(rec);
	}
	is_int(keyframes, 4, "a keyframe starts each session and comes every %d samples", RECORD_KEYFRAME_SAMPLES);
	ok(replay_open(path, &rp, err, sizeof err) == 0, "the two sessions replay");
	ok(replay_seek(rp, T0 + n - 1) == 0 && replay_snapshot(rp, &all_req, &s) == 0, "the last sample");
	is_u64(snapshot_find(s, 100, true)->f[FLD_RSS].u, w.p[0]->f[FLD_RSS].u, "holds the last RSS written");
	is_int(s->seq, RECORD_KEYFRAME_SAMPLES + 5, "and counts its place in its session");
	ok(replay_seek(rp, T0 + RECORD_KEYFRAME_SAMPLES + 5) == 0 && replay_snapshot(rp, &all_req, &s) == 0 &&
	   s->seq == 1 && snapshot_find(s, 100, true)->f[FLD_MINFLT_RATE].st == V_UNKNOWN,
	   "the first sample of the second session: no rates");
	replay_free(rp);
	world_free(&w);
}

static void test_refusals(void)
{
	char path[300], err[700], cmd[400];
	struct recorder *rec;
	struct replay *rp;
	struct stat st;
	sqlite3 *db;
	FILE *f;

	snprintf(path, sizeof path, "%s/notes.txt", dir);
	f = fopen(path, "w");
	fputs("my notes, not a database\n", f);
	fclose(f);
	ok(recorder_open(path, &(struct record_options){ 0 }, &rec, err, sizeof err) == -EPROTO &&
	   strstr(err, "not a memtop recording"), "-w refuses a file that is not a recording: %s", err);
	ok(stat(path, &st) == 0 && st.st_size == 25, "and leaves it as it was");
	ok(replay_open(path, &rp, err, sizeof err) == -EPROTO, "-r refuses it: %s", err);

	snprintf(path, sizeof path, "%s/other.db", dir);
	sqlite3_open(path, &db);
	sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL);
	sqlite3_close(db);
	ok(replay_open(path, &rp, err, sizeof err) == -EPROTO, "another SQLite database is refused: %s", err);

	snprintf(path, sizeof path, "%s/rt.db", dir);
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'PRAGMA user_version = 2' 2>/dev/null", path);
	if (system(cmd) != 0) {
		sqlite3_open(path, &db);
		sqlite3_exec(db, "PRAGMA user_version = 2", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	ok(replay_open(path, &rp, err, sizeof err) == -EPROTONOSUPPORT && strstr(err, "newer memtop"),
	   "a recording of a newer schema is refused: %s", err);
	ok(recorder_open(path, &(struct record_options){ 0 }, &rec, err, sizeof err) == -EPROTONOSUPPORT,
	   "and not written to: %s", err);
	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA user_version = 0", NULL, NULL, NULL);
	sqlite3_close(db);
	ok(replay_open(path, &rp, err, sizeof err) == -EPROTONOSUPPORT && strstr(err, "older"),
	   "an older schema is refused with the reason: %s", err);

	snprintf(path, sizeof path, "%s/link.db", dir);
	if (symlink("kf.db", path) == 0)
		ok(recorder_open(path, &(struct record_options){ 0 }, &rec, err, sizeof err) == -ELOOP,
		   "a symbolic link is not recorded through: %s", err);
	snprintf(path, sizeof path, "%s/kf.db", dir);
	ok(recorder_open(path, &(struct record_options){ 0 }, &rec, err, sizeof err) == 0, "a recorder holds kf.db");
	{
		struct recorder *second;

		ok(recorder_open(path, &(struct record_options){ 0 }, &second, err, sizeof err) == -EBUSY,
		   "a second one is refused: %s", err);
	}
	recorder_close(rec);
}

static void test_registry(void)
{
	int missing = 0;

	for (int i = 0; i < FLD_COUNT; i++) {
		int where = 0;

		for (int k = 0; k < recording_nfigures; k++)
			where += recording_figures[k].id == (enum field_id)i;
		for (int k = 0; k < recording_nvm; k++)
			where += recording_vm[k].id == (enum field_id)i;
		for (int k = 0; k < recording_nelsewhere; k++)
			where += recording_elsewhere[k].id == (enum field_id)i;
		if (where != 1) {
			printf("# field %s is %s\n", fields[i].name, where ? "listed twice" : "neither recorded nor elsewhere");
			missing++;
		}
	}
	ok(!missing, "every registry field is a proc_figures or proc_vm column, or said to be elsewhere, once");
}

static void test_when(void)
{
	double t, now = T0 + 9 * 3600 + 0.25;	/* 12:00:00.25 UTC */
	char buf[64];

	setenv("TZ", "UTC", 1);
	tzset();
	ok(when_parse("2026-12-05 03:00:00", now, &t) == 0 && t == T0, "local YYYY-MM-DD HH:MM:SS");
	ok(when_parse("2026-12-05 03:00", now, &t) == 0 && t == T0, "without seconds");
	ok(when_parse("2026-12-05T04:00:00+01:00", now, &t) == 0 && t == T0, "RFC 3339 with an offset");
	ok(when_parse("2026-12-05T03:00:00.5Z", now, &t) == 0 && t == T0 + 0.5, "RFC 3339, UTC, a fraction");
	ok(when_parse("03:00", now, &t) == 0 && t == T0, "a time of day: today's");
	ok(when_parse("13:00", now, &t) == 0 && t == T0 - 14 * 3600, "a time of day still to come: yesterday's");
	ok(when_parse("-10m", now, &t) == 0 && t == now - 600, "-10m");
	ok(when_parse("-1h30m", now, &t) == 0 && t == now - 5400, "-1h30m");
	ok(when_parse("+2d", now, &t) == 0 && t == now + 172800, "+2d");
	ok(when_parse("now", now, &t) == 0 && t == now, "now");
	ok(when_parse("2026-02-30 00:00", now, &t) == -EINVAL, "a day that does not exist");
	ok(when_parse("yesterday", now, &t) == -EINVAL && when_parse("-10x", now, &t) == -EINVAL &&
	   when_parse("-", now, &t) == -EINVAL && when_parse("2026-12-05 25:00", now, &t) == -EINVAL &&
	   when_parse("2026-12-05T03:00:00+1", now, &t) == -EINVAL, "what is no time");
	is_str(when_format(buf, sizeof buf, T0 + 0.999), "2026-12-05 03:00:00", "written back, to the second");
}

static void test_sizes(void)
{
	uint64_t v = 0;

	ok(units_parse_size("256M", &v) == 0 && v == 256 * MIB, "256M");
	ok(units_parse_size("1GiB", &v) == 0 && v == 1024 * MIB, "1GiB");
	ok(units_parse_size("1048576", &v) == 0 && v == MIB, "bytes");
	ok(units_parse_size("100B", &v) == 0 && v == 100, "100B");
	ok(units_parse_size("2T", &v) == 0 && v == 2ull << 40, "2T");
	ok(units_parse_size("1.5G", &v) == -EINVAL && units_parse_size("M", &v) == -EINVAL &&
	   units_parse_size("10MB", &v) == -EINVAL && units_parse_size("", &v) == -EINVAL, "what is no size");
	ok(units_parse_size("99999999999999999999", &v) == -ERANGE && units_parse_size("20000000T", &v) == -ERANGE,
	   "beyond 2^64 bytes");
}

int main(void)
{
	fixture_tmpdir(dir, sizeof dir, "record");
	test_registry();
	test_when();
	test_sizes();
	test_round_trip();
	test_ages();
	test_sessions_and_keyframes();
	test_refusals();
	fixture_rmtree(dir);
	return tap_done();
}
