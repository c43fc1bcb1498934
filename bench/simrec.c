/* simrec: simulates a long recording through memtop's own recorder, then times seeks in it.
 *
 *   simrec FILE [HOURS [PROCESSES [INTERVAL [ACTIVE_PERCENT]]]]   (default 24 1000 10 10)
 *
 * The machine simulated: PROCESSES processes with the figures of an ordinary one (names,
 * command lines of 40-120 bytes, two users, 20 memory cgroups), of which ACTIVE_PERCENT
 * change their figures at each sample (faults, RSS, PSS...), and one in 500 is replaced by a
 * new process at each sample (churn); the system figures change at every sample. The
 * samples go through recorder_write() as memtop -w writes them (keyframes, changes only),
 * timestamped INTERVAL seconds apart from now - HOURS; no /proc is read.
 *
 * Then: the file's size, bytes per process-sample, and the time of replay_seek() plus
 * replay_snapshot() (what the view's b and memtop -r --at do) to 50 random moments:
 * median and maximum, without and with the OOM order computed. Build it against a built
 * tree (bench/record.sh does):
 *   cc -O2 -I lib -include _build/config.h bench/simrec.c _build/lib/libmemtop.a \
 *      -lsqlite3 -lproc2 -lpcre2-8 -lm */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroup.h"
#include "oom.h"
#include "record.h"
#include "replay.h"
#include "sysmem.h"
#include "xalloc.h"

#define MIB (1024ull * 1024)
#define CGROUPS 20

static const char *const comms[] = { "postgres", "nginx", "python3", "java", "node", "bash", "sshd", "redis-server",
				     "systemd", "cron", "containerd", "dockerd", "php-fpm", "gunicorn" };

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void known(struct fval *v, uint64_t x)
{
	v->u = x;
	v->st = V_KNOWN;
}

static void proc_born(struct proc *p, int pid, uint64_t start)
{
	char cmd[160];
	const char *c = comms[rand() % (int)(sizeof comms / sizeof comms[0])];
	int n = snprintf(cmd, sizeof cmd, "/usr/bin/%s --config /etc/%s/%s.conf --workers %d --log /var/log/%s", c, c, c,
			 rand() % 64, c);

	free(p->comm);
	free(p->cmdline);
	free(p->user);
	memset(p, 0, sizeof *p);
	p->pid = pid;
	p->start_ticks = start;
	p->ppid = 1;
	p->uid = rand() % 2 ? 0 : 1000;
	p->user = xstrdup(p->uid ? "app" : "root");
	p->comm = xstrdup(c);
	p->cmdline = xstrndup(cmd, (size_t)(40 + rand() % 80) < (size_t)n ? (size_t)(40 + rand() % 80) : (size_t)n);
	p->cmdline_len = strlen(p->cmdline);
	p->state = 'S';
	p->cgroup = -1;
	for (int i = 0; i < FLD_COUNT; i++) {
		if (fields[i].type == FT_BYTES)
			known(&p->f[i], ((uint64_t)(rand() % 65536) + 256) * 4096);
		else if (fields[i].type == FT_COUNT)
			known(&p->f[i], (uint64_t)(rand() % 100000));
		else if (fields[i].type == FT_INT)
			p->f[i] = (struct fval){ .i = 0, .st = V_KNOWN };
	}
	known(&p->f[FLD_SWAP], 0);
	known(&p->f[FLD_LOCKED], 0);
	known(&p->f[FLD_HUGETLB], 0);
	known(&p->f[FLD_KSM], 0);
	known(&p->f[FLD_THP], 0);
	p->f[FLD_OOM] = (struct fval){ .i = 666 + rand() % 10, .st = V_KNOWN };
	p->f[FLD_AGE] = (struct fval){ .d = 0, .st = V_KNOWN };
}

/* An active process: it faulted, grew or shrank a little. */
static void proc_move(struct proc *p)
{
	int64_t d = (rand() % 65) - 32;

	p->f[FLD_MINFLT].u += (uint64_t)(rand() % 200) + 1;
	p->f[FLD_RSS].u = (uint64_t)((int64_t)p->f[FLD_RSS].u + d * 4096 > 4096 ? (int64_t)p->f[FLD_RSS].u + d * 4096 : 4096);
	p->f[FLD_ANON].u = p->f[FLD_RSS].u / 2;
	p->f[FLD_PSS].u = p->f[FLD_RSS].u * 3 / 4 / 1024 * 1024;
	p->f[FLD_USS].u = p->f[FLD_PSS].u / 2 / 1024 * 1024;
	p->f[FLD_PSS_ANON].u = p->f[FLD_ANON].u;
	p->f[FLD_DIRTY].u = p->f[FLD_ANON].u;
	p->f[FLD_HWM].u = p->f[FLD_HWM].u > p->f[FLD_RSS].u ? p->f[FLD_HWM].u : p->f[FLD_RSS].u;
	p->state = rand() % 4 ? 'S' : 'R';
}

struct sim {
	struct proc *procs;
	const struct proc **all;
	int n;
	struct snapshot snap;
	struct cgroup_set cs;
	struct oom_report *oom;
	struct sysmem mem;
};

static void sim_snapshot(struct sim *m, double t, double interval, uint64_t seq)
{
	struct snapshot *s = &m->snap;

	s->wall.tv_sec = (time_t)t;
	s->wall.tv_nsec = (long)((t - floor(t)) * 1e9);
	s->interval = interval;
	s->seq = seq;
	s->collect_seconds = 0.02;
	snprintf(s->host, sizeof s->host, "simhost");
	snprintf(s->kernel, sizeof s->kernel, "6.1.0-sim");
	for (int i = 0; i < SYS_MEM_COUNT; i++)
		known(&s->sys.mem[i], ((uint64_t)(rand() % 1000) + 1000) * MIB);
	for (int i = 0; i < SYSC_COUNT; i++)
		known(&s->sys.count[i], seq * 1000 + (uint64_t)i);
	for (int i = 0; i < KNOB_COUNT; i++)
		s->sys.knob[i] = (struct fval){ .i = 60, .st = V_KNOWN };
	for (int i = 0; i < m->n; i++) {
		m->all[i] = &m->procs[i];
		m->procs[i].selected = true;
	}
	s->all = s->procs = m->all;
	s->ntotal = s->nprocs = (size_t)m->n;
	s->complete = true;
	s->parts = SNAP_CGROUPS | SNAP_OOM;
	s->cgroups = &m->cs;
	oom_report_update(m->oom, s, &m->cs);
	s->oom = m->oom;
	s->shmem = NULL;
	sysmem_compute(s, &m->mem);
	s->mem = &m->mem;
}

static void sim_cgroups(struct sim *m)
{
	char path[64];

	m->cs.layout.memory = CGROUP_V2;
	for (int i = 0; i < CGROUPS; i++) {
		int n = snprintf(path, sizeof path, "/system.slice/service-%d.service", i);

		cgroup_set_get(&m->cs, path, (size_t)n);
	}
	for (size_t i = 0; i < m->cs.n; i++) {
		m->cs.nodes[i].readable = true;
		m->cs.nodes[i].mem.limit.st = m->cs.nodes[i].mem.swap_limit.st = V_NA;
		known(&m->cs.nodes[i].mem.oom_kills, 0);
		m->cs.nodes[i].mem.oom_group = 0;
	}
	for (int i = 0; i < m->n; i++)
		m->procs[i].cgroup = 1 + i % CGROUPS;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void sim_seeks(const char *path, double t0, double t1, unsigned parts)
{
	const struct sample_request req = { .parts = parts };
	double ms[50];
	struct replay *r;
	char err[700];

	if (replay_open(path, &r, err, sizeof err) != 0) {
		fprintf(stderr, "simrec: %s\n", err);
		exit(1);
	}
	for (int i = 0; i < 50; i++) {
		const struct snapshot *s;
		double t = t0 + (t1 - t0) * rand() / RAND_MAX, a = now_mono();

		if (replay_seek(r, t) != 0 || replay_snapshot(r, &req, &s) != 0) {
			fprintf(stderr, "simrec: cannot seek: %s\n", replay_error(r));
			exit(1);
		}
		ms[i] = (now_mono() - a) * 1000;
	}
	qsort(ms, 50, sizeof ms[0], cmp_double);
	printf("seek%s median_ms %.1f max_ms %.1f\n", parts ? "+oom" : "", (ms[24] + ms[25]) / 2, ms[49]);
	replay_free(r);
}

int main(int argc, char **argv)
{
	double hours = argc > 2 ? atof(argv[2]) : 24, interval = argc > 4 ? atof(argv[4]) : 10;
	int nprocs = argc > 3 ? atoi(argv[3]) : 1000, active = argc > 5 ? atoi(argv[5]) : 10;
	long samples = (long)(hours * 3600 / interval);
	double t0 = (double)time(NULL) - hours * 3600, a = now_mono();
	struct sim m = { .n = nprocs };
	struct record_stats st;
	struct recorder *rec;
	char err[700];
	struct stat sb;
	int next_pid = 1000;

	if (argc < 2 || nprocs < 10 || samples < 2) {
		fprintf(stderr, "usage: simrec FILE [HOURS [PROCESSES [INTERVAL [ACTIVE_PERCENT]]]]\n");
		return 2;
	}
	srand(14);
	remove(argv[1]);
	if (recorder_open(argv[1], &(struct record_options){ .max_size = 1ull << 40, .interval = interval }, &rec, err,
			  sizeof err) != 0) {
		fprintf(stderr, "simrec: %s\n", err);
		return 1;
	}
	m.procs = xcalloc((size_t)nprocs, sizeof *m.procs);
	m.all = xcalloc((size_t)nprocs, sizeof *m.all);
	m.oom = oom_report_create();
	for (int i = 0; i < nprocs; i++)
		proc_born(&m.procs[i], next_pid++, (uint64_t)i);
	sim_cgroups(&m);
	for (long s = 0; s < samples; s++) {
		for (int i = 0; i < nprocs * active / 100; i++)
			proc_move(&m.procs[rand() % nprocs]);
		for (int i = 0; i < (nprocs + 499) / 500; i++) {
			int k = rand() % nprocs;

			proc_born(&m.procs[k], next_pid++, (uint64_t)(s + 1000000));	/* pids stay in order */
			m.procs[k].cgroup = 1 + k % CGROUPS;
		}
		for (int i = 1; i < nprocs; i++)	/* by pid, as a snapshot has them: one shift */
			for (int k = i; k > 0 && m.procs[k - 1].pid > m.procs[k].pid; k--) {
				struct proc x = m.procs[k];

				m.procs[k] = m.procs[k - 1];
				m.procs[k - 1] = x;
			}
		for (int i = 0; i < nprocs; i++)
			m.procs[i].cgroup = 1 + (m.procs[i].pid % CGROUPS);
		sim_snapshot(&m, t0 + (double)s * interval, s ? interval : 0, (uint64_t)s + 1);
		if (recorder_write(rec, &m.snap, true) != 0) {
			fprintf(stderr, "simrec: %s\n", recorder_error(rec));
			return 1;
		}
	}
	recorder_stats(rec, &st);
	recorder_close(rec);
	stat(argv[1], &sb);
	printf("simulated %ld samples of %d processes (%d%% active, 1 in 500 replaced each sample) in %.0f s\n",
	       samples, nprocs, active, now_mono() - a);
	printf("rows: %llu figures, %llu info, %llu keyframes\n", (unsigned long long)st.figure_rows,
	       (unsigned long long)st.info_rows, (unsigned long long)st.keyframes);
	printf("size_bytes %lld bytes_per_process_sample %.2f\n", (long long)sb.st_size,
	       (double)sb.st_size / ((double)samples * nprocs));
	sim_seeks(argv[1], t0, t0 + (double)samples * interval, 0);
	sim_seeks(argv[1], t0, t0 + (double)samples * interval, SNAP_OOM);
	return 0;
}
