/* The sampler over a fake /proc: what a refresh reads (the registry's fields from their
 * files), what it presents and what it keeps hidden, reuse and freshness, churn (an exit, a
 * reused pid), the cost rule for processes costly to read, and the parts: cgroups with the
 * OOM order, shmem attribution. */
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "oom.h"
#include "sample-int.h"
#include "shmem.h"
#include "fixture.h"
#include "tap.h"

#define KIB 1024ull

struct fake {
	char dir[64], shm[128];
	int fd, procfd;
	unsigned major, minor;		/* the tree's filesystem: the fake tmpfs */
};

static void fake_setup(struct fake *f)
{
	struct stat st;

	f->fd = fixture_tmpdir(f->dir, sizeof f->dir, "sample");
	mkdirat(f->fd, "proc", 0755);
	mkdirat(f->fd, "proc/sysvipc", 0755);
	mkdirat(f->fd, "shm", 0755);
	snprintf(f->shm, sizeof f->shm, "%s/shm", f->dir);
	fstat(f->fd, &st);
	f->major = major(st.st_dev);
	f->minor = minor(st.st_dev);
	f->procfd = openat(f->fd, "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fixture_put(f->fd, "proc/meminfo", "MemTotal: 16384 kB\nMemFree: 8192 kB\nMemAvailable: 12288 kB\n"
					   "Buffers: 100 kB\nCached: 1000 kB\nShmem: 200 kB\nSwapTotal: 0 kB\n"
					   "SwapFree: 0 kB\n");
}

static void fake_teardown(struct fake *f)
{
	close(f->procfd);
	close(f->fd);
	fixture_rmtree(f->dir);
}

static void fake_file(struct fake *f, int pid, const char *name, const char *text)
{
	char path[64];

	snprintf(path, sizeof path, "proc/%d/%s", pid, name);
	fixture_put(f->fd, path, text);
}

/* stat with the figures a test moves: minflt, and the flags (kernel thread) */
static void fake_stat(struct fake *f, int pid, uint64_t start, uint64_t minflt, unsigned flags)
{
	char text[256];

	snprintf(text, sizeof text, "%d (p%d) S 1 1 1 0 -1 %u %llu 0 0 0 0 0 0 0 20 0 1 0 %llu 4096000 100\n",
		 pid, pid, flags, (unsigned long long)minflt, (unsigned long long)start);
	fake_file(f, pid, "stat", text);
}

static void fake_status(struct fake *f, int pid, unsigned rss_kb, unsigned locked_kb)
{
	char text[512];

	snprintf(text, sizeof text, "Name:\tp\nVmPeak:\t4000 kB\nVmSize:\t4000 kB\nVmLck:\t%u kB\nVmHWM:\t%u kB\n"
		 "VmRSS:\t%u kB\nRssAnon:\t%u kB\nRssFile:\t0 kB\nRssShmem:\t0 kB\nVmData:\t100 kB\n"
		 "VmStk:\t8 kB\nVmExe:\t4 kB\nVmLib:\t4 kB\nVmPTE:\t8 kB\nVmSwap:\t0 kB\nHugetlbPages:\t2048 kB\n",
		 locked_kb, rss_kb, rss_kb, rss_kb);
	fake_file(f, pid, "status", text);
}

static void fake_rollup(struct fake *f, int pid, unsigned pss_kb)
{
	char text[512];

	snprintf(text, sizeof text, "00400000-7fff00000000 ---p 00000000 00:00 0 [rollup]\nRss: %u kB\nPss: %u kB\n"
		 "Pss_Anon: %u kB\nPss_File: 0 kB\nPss_Shmem: 0 kB\nShared_Clean: 0 kB\nShared_Dirty: 0 kB\n"
		 "Private_Clean: 0 kB\nPrivate_Dirty: %u kB\nAnonHugePages: 2048 kB\nSwap: 0 kB\nSwapPss: 0 kB\n",
		 pss_kb, pss_kb, pss_kb, pss_kb);
	fake_file(f, pid, "smaps_rollup", text);
}

static void fake_proc(struct fake *f, int pid, uint64_t start)
{
	char path[32];

	snprintf(path, sizeof path, "proc/%d", pid);
	mkdirat(f->fd, path, 0755);
	fake_stat(f, pid, start, 10, 0);
	fake_status(f, pid, 400, 0);
	fake_rollup(f, pid, 300);
	snprintf(path, sizeof path, "proc/%d/cmdline", pid);
	fixture_put_n(f->fd, path, "prog\0arg\0", 9);
	snprintf(path, sizeof path, "proc/%d/exe", pid);
	symlinkat("/usr/bin/prog", f->fd, path);
	fake_file(f, pid, "oom_score", "666\n");
	fake_file(f, pid, "oom_score_adj", "0\n");
	fake_file(f, pid, "ksm_stat", "ksm_rmap_items 0\nksm_merging_pages 3\nksm_process_profit 0\n");
	fake_file(f, pid, "maps", "");
}

static struct sampler *fake_sampler(struct fake *f, const char *mountinfo)
{
	struct sampler_root root = { f->procfd, mountinfo ? mountinfo : "", f->shm };

	return sampler_create_at(&root);
}

static const struct snapshot *refresh(struct sampler *s, unsigned need, double reuse)
{
	struct sample_request req = { .need = need, .reuse_max_age = reuse };
	const struct snapshot *snap = NULL;

	if (sampler_refresh(s, &req, &snap) < 0)
		printf("# refresh failed\n");
	return snap;
}

static const struct proc *find(const struct snapshot *snap, int pid)
{
	return snap ? snapshot_find(snap, pid, true) : NULL;
}

static void test_fields(void)
{
	struct fake f;
	struct sampler *s;
	const struct snapshot *snap;
	const struct proc *p, *k;
	unsigned all = SRC_STATUS | SRC_PSS | SRC_ROLLUP | SRC_OOM | SRC_KSM | SRC_CMDLINE;

	fake_setup(&f);
	fake_proc(&f, 10, 100);
	fake_proc(&f, 11, 110);
	fake_stat(&f, 11, 110, 0, 0x00200000);	/* a kernel thread */
	fake_proc(&f, 12, 120);
	unlinkat(f.fd, "proc/12/ksm_stat", 0);	/* a kernel before 6.1 */
	s = fake_sampler(&f, NULL);
	ok(s != NULL, "fields: a sampler over a fake tree");
	snap = refresh(s, all, 0);
	ok(snap && snap->ntotal == 3 && snap->nprocs == 3 && snap->complete, "fields: three processes, all selected");
	p = find(snap, 10);
	ok(p && p->f[FLD_RSS].st == V_KNOWN && p->f[FLD_RSS].u == 400 * KIB, "fields: rss from status VmRSS");
	ok(p && p->f[FLD_HUGETLB].st == V_KNOWN && p->f[FLD_HUGETLB].u == 2048 * KIB, "fields: hugetlb from status HugetlbPages");
	ok(p && p->f[FLD_PSS].u == 300 * KIB && p->f[FLD_USS].u == 300 * KIB, "fields: pss, uss (a sum) from smaps_rollup");
	ok(p && p->f[FLD_PSS_ANON].st == V_KNOWN && p->f[FLD_PSS_ANON].u == 300 * KIB, "fields: pss_anon, rollup only");
	ok(p && p->f[FLD_THP].st == V_KNOWN && p->f[FLD_THP].u == 2048 * KIB, "fields: thp from AnonHugePages");
	ok(p && p->f[FLD_KSM].st == V_KNOWN && p->f[FLD_KSM].u == 3 * (uint64_t)sysconf(_SC_PAGESIZE),
	   "fields: ksm from ksm_stat, pages in bytes");
	ok(p && p->f[FLD_OOM].st == V_KNOWN && p->f[FLD_OOM].i == 666, "fields: oom_score from its file");
	ok(p && p->f[FLD_VIRT].u == 4096000 && p->f[FLD_MINFLT].u == 10, "fields: virt and minflt from stat");
	is_str(p ? p->cmdline : NULL, "prog arg", "fields: the command line, argv joined");
	ok(p && p->f[FLD_AGE].st == V_KNOWN && p->f[FLD_AGE].d == 0 && p->pss_age == 0, "fields: PSS read now, age 0");
	p = find(snap, 12);
	ok(p && p->f[FLD_KSM].st == V_UNKNOWN, "fields: no ksm_stat is unknown, not 0");
	ok(p && p->f[FLD_PSS].st == V_KNOWN, "fields: ... and the process is still there");
	k = find(snap, 11);
	ok(k && k->kernel_thread && k->f[FLD_RSS].st == V_NA && k->f[FLD_PSS].st == V_NA &&
	   k->f[FLD_VIRT].st == V_NA, "fields: a kernel thread's memory does not apply");
	ok(snap && snap->sys.mem[SYS_MEM_TOTAL].st == V_KNOWN && snap->sys.mem[SYS_MEM_TOTAL].u == 16384 * KIB,
	   "fields: meminfo read by memtop's own parser");
	ok(snap && snap->sys.mem[SYS_DIRTY].st == V_UNKNOWN, "fields: a meminfo line missing is unknown");
	ok(snap && snap->mem && snap->mem->part[SM_FILE].u == 900 * KIB, "fields: the breakdown's file cache");
	sampler_free(s);
	fake_teardown(&f);
}

/* What a refresh does not read is not presented: no figure left over from an earlier one. */
static void test_presented(void)
{
	struct fake f;
	struct sampler *s;
	const struct snapshot *snap;
	const struct proc *p;

	fake_setup(&f);
	fake_proc(&f, 10, 100);
	s = fake_sampler(&f, NULL);
	snap = refresh(s, SRC_STATUS | SRC_PSS, 0);
	p = find(snap, 10);
	ok(p && p->f[FLD_RSS].st == V_KNOWN && p->f[FLD_PSS].st == V_KNOWN, "presented: read when asked");
	snap = refresh(s, 0, 0);
	p = find(snap, 10);
	ok(p && p->f[FLD_RSS].st == V_UNKNOWN && p->f[FLD_PSS].st == V_UNKNOWN && p->have == SRC_STAT,
	   "presented: not asked, not shown (an old figure is not a figure of this refresh)");
	ok(p && p->f[FLD_MINFLT].st == V_KNOWN, "presented: stat always");
	snap = refresh(s, SRC_STATUS, 60);
	p = find(snap, 10);
	ok(p && p->f[FLD_RSS].st == V_KNOWN && p->f[FLD_RSS].u == 400 * KIB, "presented: reused again when idle and asked");
	sampler_free(s);
	fake_teardown(&f);
}

/* Issue 11: PSS moves when another process unmaps what it shared, status when the process
 * mlocks or mprotects pages it already has: none of that moves stat. A figure a face prints
 * is read for this refresh; reuse is for sorting the rows not shown. */
static void test_freshness(void)
{
	struct fake f;
	struct sampler *s;
	const struct snapshot *snap;
	const struct proc *p;

	fake_setup(&f);
	fake_proc(&f, 10, 100);
	s = fake_sampler(&f, NULL);
	snap = refresh(s, SRC_STATUS | SRC_PSS, 0);
	fake_status(&f, 10, 400, 64);		/* mlock of resident pages: no fault */
	fake_rollup(&f, 10, 1000);		/* its sharer exited */
	snap = refresh(s, SRC_STATUS | SRC_PSS, 0);
	p = find(snap, 10);
	ok(p && p->f[FLD_LOCKED].u == 64 * KIB, "freshness: locked read afresh though stat did not move");
	ok(p && p->f[FLD_PSS].u == 1000 * KIB, "freshness: PSS read afresh though stat did not move");
	fake_status(&f, 10, 400, 128);
	fake_rollup(&f, 10, 2000);
	snap = refresh(s, SRC_STATUS | SRC_PSS, 60);
	p = find(snap, 10);
	ok(p && p->f[FLD_LOCKED].u == 64 * KIB && p->f[FLD_PSS].u == 1000 * KIB,
	   "reuse: to sort on, an idle process's figures are reused");
	ok(p && p->pss_age > 0 && p->f[FLD_AGE].st == V_KNOWN && p->f[FLD_AGE].d > 0, "reuse: ... and their age says so");
	sampler_fill(s, p, SRC_STATUS | SRC_PSS);
	ok(p->f[FLD_LOCKED].u == 128 * KIB && p->f[FLD_PSS].u == 2000 * KIB, "reuse: a row to show is read afresh");
	ok(p->pss_age == 0 && p->f[FLD_AGE].d == 0, "reuse: ... age 0");
	sampler_fill(s, p, SRC_PSS);
	ok(p->f[FLD_PSS].u == 2000 * KIB, "reuse: filled twice in a refresh, read once");
	fake_rollup(&f, 10, 3000);
	fake_stat(&f, 10, 100, 11, 0);		/* a fault */
	snap = refresh(s, SRC_STATUS | SRC_PSS, 60);
	p = find(snap, 10);
	ok(p && p->f[FLD_PSS].u == 3000 * KIB, "reuse: a process that moved is read again");
	sampler_free(s);
	fake_teardown(&f);
}

/* A process costly to read (a big address space) is read again only after 100 x its read
 * time, its age shown; cheap ones every time. */
static void test_cost(void)
{
	struct fake f;
	struct sampler *s;
	const struct snapshot *snap;
	const struct proc *p;

	fake_setup(&f);
	fake_proc(&f, 10, 100);
	fake_proc(&f, 11, 110);
	s = fake_sampler(&f, NULL);
	snap = refresh(s, SRC_PSS, 0);
	((struct sproc *)find(snap, 10))->pss_cost = 0.05;	/* 50 ms: a 6 GiB process here */
	fake_rollup(&f, 10, 5000);
	fake_rollup(&f, 11, 5000);
	snap = refresh(s, SRC_PSS, 0);
	p = find(snap, 10);
	ok(p && p->f[FLD_PSS].u == 300 * KIB && p->pss_age > 0, "cost: the costly one's PSS is reused, with its age");
	p = find(snap, 11);
	ok(p && p->f[FLD_PSS].u == 5000 * KIB && p->pss_age == 0, "cost: the cheap one is read afresh");
	sampler_free(s);
	fake_teardown(&f);
}

static void test_churn(void)
{
	struct fake f;
	struct sampler *s;
	const struct snapshot *snap;
	const struct proc *p;
	char path[300];

	fake_setup(&f);
	fake_proc(&f, 10, 100);
	fake_proc(&f, 11, 110);
	s = fake_sampler(&f, NULL);
	snap = refresh(s, SRC_STATUS, 0);
	snap = refresh(s, SRC_STATUS, 0);
	p = find(snap, 10);
	ok(p && p->f[FLD_MINFLT_RATE].st == V_KNOWN, "churn: a rate from the second sample");
	snprintf(path, sizeof path, "%s/proc/11", f.dir);
	fixture_rmtree(path);			/* exited */
	fake_stat(&f, 10, 999, 5, 0);		/* pid 10 reused by a new process */
	snap = refresh(s, SRC_STATUS, 0);
	ok(snap && snap->ntotal == 1 && !find(snap, 11), "churn: an exited process is gone");
	p = find(snap, 10);
	ok(p && p->start_ticks == 999 && p->f[FLD_MINFLT_RATE].st == V_UNKNOWN,
	   "churn: a reused pid is a new process: no rate from the old one");
	fake_stat(&f, 10, 999, 7, 0);
	unlinkat(f.fd, "proc/10/status", 0);	/* exits while being read */
	snap = refresh(s, SRC_STATUS, 0);
	ok(snap && snap->ntotal == 0, "churn: a process whose files vanish mid-read is left out");
	sampler_free(s);
	fake_teardown(&f);
}

/* The cgroup of each process from /proc/PID/cgroup, the cgroups' figures from the hierarchy
 * mountinfo names, and the OOM order over every process though one is selected. */
static void test_cgroups(void)
{
	struct fake f;
	struct sampler *s;
	struct sample_request req = { .parts = SNAP_OOM, .sel = { .pids = (int[]){ 11 }, .npids = 1 } };
	const struct snapshot *snap = NULL;
	char mi[512];
	const struct proc *p;

	fake_setup(&f);
	fake_proc(&f, 10, 100);
	fake_proc(&f, 11, 110);
	fake_file(&f, 10, "cgroup", "0::/box\n");
	fake_file(&f, 11, "cgroup", "0::/free\n");
	mkdirat(f.fd, "cg", 0755);
	mkdirat(f.fd, "cg/box", 0755);
	mkdirat(f.fd, "cg/free", 0755);
	fixture_put(f.fd, "cg/box/memory.max", "1048576\n");
	fixture_put(f.fd, "cg/box/memory.current", "4096\n");
	fixture_put(f.fd, "cg/free/memory.max", "max\n");
	snprintf(mi, sizeof mi, "26 24 0:25 / %s/cg rw - cgroup2 cgroup2 rw\n", f.dir);
	s = fake_sampler(&f, mi);
	ok(sampler_refresh(s, &req, &snap) == 0 && snap, "cgroups: a refresh with the OOM order");
	ok(snap && snap->nprocs == 1 && snap->ntotal == 2, "cgroups: -p selects one, the order covers both");
	ok(snap && snap->cgroups && snap->cgroups->layout.memory == CGROUP_V2, "cgroups: v2 from mountinfo");
	p = find(snap, 10);
	ok(p && p->cgroup >= 0 && strcmp(snap->cgroups->nodes[p->cgroup].path, "/box") == 0, "cgroups: its cgroup");
	ok(p && snap->cgroups->nodes[p->cgroup].mem.limit.u == 1048576, "cgroups: its limit");
	ok(snap && snap->oom && snap->oom->nentries == 2 && snap->oom->nlimited == 1, "cgroups: the OOM report, one limited");
	ok(snap && snap->oom && oom_report_find(snap->oom, 11) >= 0 && find(snap, 11)->selected &&
	   !find(snap, 10)->selected, "cgroups: the selection is marked, not applied to the order");
	sampler_free(s);
	fake_teardown(&f);
}

/* ---- shmem over the fake tree ---- */

static void fake_shm_files(struct fake *f, struct stat *orphan, struct stat *used)
{
	char blob[8192];

	memset(blob, 'x', sizeof blob);
	blob[sizeof blob - 1] = '\0';
	mkdirat(f->fd, "shm/sub", 0755);
	fixture_put(f->fd, "shm/orphan", blob);
	fixture_put(f->fd, "shm/used", "0123456789");
	fixture_put(f->fd, "shm/sub/nested", "y");
	fixture_put(f->fd, "tmpfile", "z");		/* on another (fake) tmpfs */
	fstatat(f->fd, "shm/orphan", orphan, 0);
	fstatat(f->fd, "shm/used", used, 0);
}

/* maps lines of pid 100 and their smaps: the /dev/shm-like file, a SysV segment, a memfd,
 * shared anonymous memory, a library, and a file on another tmpfs mapped shared. */
static void fake_shm_maps(const struct fake *f, ino_t used, ino_t tmpfile, char *maps, size_t mn, char *smaps, size_t sn)
{
	static const char tail[] = "Size: %d kB\nRss: %d kB\nPss: %d kB\nSwap: 0 kB\nSwapPss: 0 kB\n";
	char line[6][300];
	int rss[6] = { 8, 8, 4, 12, 4, 4 }, pss[6] = { 8, 4, 2, 6, 1, 4 };
	size_t mo = 0, so = 0;

	snprintf(line[0], 300, "7f0000000000-7f0000002000 rw-s 00000000 %02x:%02x %llu %s/used\n",
		 f->major, f->minor, (unsigned long long)used, f->shm);
	snprintf(line[1], 300, "7f0000002000-7f0000004000 rw-s 00000000 00:01 61 /SYSV1234abcd (deleted)\n");
	snprintf(line[2], 300, "7f0000004000-7f0000005000 rw-s 00000000 00:01 1052 /memfd:wl (deleted)\n");
	snprintf(line[3], 300, "7f0000005000-7f0000008000 rw-s 00000000 00:01 1050 /dev/zero (deleted)\n");
	snprintf(line[4], 300, "7f0000009000-7f000000a000 r--p 00000000 %02x:%02x 1234 /usr/lib/libc.so.6\n",
		 f->major + 1, f->minor);
	snprintf(line[5], 300, "7f000000a000-7f000000b000 rw-s 00000000 %02x:%02x %llu %s/tmpfile\n",
		 f->major, f->minor, (unsigned long long)tmpfile, f->dir);
	for (int i = 0; i < 6; i++) {
		mo += snprintf(maps + mo, mn - mo, "%s", line[i]);
		so += snprintf(smaps + so, sn - so, "%s", line[i]);
		so += snprintf(smaps + so, sn - so, tail, rss[i], rss[i], pss[i]);
	}
}

static const struct shmem_object *find_object(const struct shmem_report *r, const char *name_end)
{
	for (size_t i = 0; r && i < r->nobjects; i++) {
		size_t n = strlen(name_end);

		if (r->objects[i].name_len >= n && strcmp(r->objects[i].name + r->objects[i].name_len - n, name_end) == 0)
			return &r->objects[i];
	}
	return NULL;
}

static void test_shmem(void)
{
	struct fake f;
	struct sampler *s;
	struct sample_request req = { .parts = SNAP_SHMEM, .need = SRC_SMAPS };
	const struct snapshot *snap = NULL;
	const struct shmem_report *r;
	const struct shmem_object *o;
	const struct proc *p;
	struct stat orphan, used, nested, tmpfile;
	char maps[2048], smaps[4096], mi[512];
	struct buf b = { 0 };

	fake_setup(&f);
	fake_shm_files(&f, &orphan, &used);
	fstatat(f.fd, "tmpfile", &tmpfile, 0);
	fake_shm_maps(&f, used.st_ino, tmpfile.st_ino, maps, sizeof maps, smaps, sizeof smaps);
	fake_proc(&f, 100, 500);
	fake_file(&f, 100, "maps", maps);
	fake_file(&f, 100, "smaps", smaps);
	fake_proc(&f, 101, 600);	/* maps no shmem */
	fake_proc(&f, 102, 700);
	unlinkat(f.fd, "proc/102/maps", 0);
	mkdirat(f.fd, "proc/102/maps", 0755);	/* unreadable as files */
	mkdirat(f.fd, "proc/102/smaps", 0755);
	fixture_put(f.fd, "proc/sysvipc/shm", fixture_read("shmem/sysvipc-shm", &b));
	snprintf(mi, sizeof mi, "1 0 %u:%u / %s rw - tmpfs tmpfs rw,size=64k\n", f.major, f.minor, f.shm);
	s = fake_sampler(&f, mi);
	ok(sampler_refresh(s, &req, &snap) == 0 && snap && snap->shmem, "shmem: a refresh with the shmem report");
	r = snap ? snap->shmem : NULL;
	ok(r && r->nmounts == 1, "shmem: one tmpfs mount");
	ok(r && r->sysv_known, "shmem: sysvipc read");
	ok(r && r->unreadable == 1, "shmem: one process's maps unreadable");
	ok(r && r->nobjects == 9, "shmem: 3 files + 3 segments + memfd + shared anonymous + a tmpfs file (%zu)",
	   r ? r->nobjects : 0);
	o = find_object(r, "/orphan");
	ok(o && o->kind == SHMEM_POSIX && !o->attributed && o->nusers == 0, "shmem: a file nobody maps is unattributed");
	ok(o && o->used.st == V_KNOWN && o->used.u == (uint64_t)orphan.st_blocks * 512, "shmem: ... its st_blocks");
	ok(o && o->size.u == 8191, "shmem: ... its size");
	ok(r && r->objects[0].attributed == false, "shmem: unattributed objects come first");
	o = find_object(r, "/used");
	ok(o && o->attributed && o->nusers == 1 && o->users[0].p->pid == 100, "shmem: the mapped file is pid 100's");
	ok(o && o->users[0].rss.st == V_KNOWN && o->users[0].rss.u == 8 * KIB, "shmem: ... with its smaps Rss");
	ok(find_object(r, "/sub/nested") != NULL, "shmem: files in subdirectories are listed");
	o = find_object(r, "SYSV1234abcd");
	ok(o && o->kind == SHMEM_SYSV && o->nusers == 1 && o->used.u == 4194304, "shmem: the segment pid 100 maps");
	o = find_object(r, "SYSVdeadbeef");
	ok(o && !o->attributed && o->nattch == 0, "shmem: a segment nobody attached is unattributed");
	o = find_object(r, "SYSV00000000");
	ok(o && o->attributed && o->nusers == 0, "shmem: attached by processes not seen is still attributed");
	o = find_object(r, "memfd:wl");
	ok(o && o->kind == SHMEM_MEMFD && o->nusers == 1 && o->used.u == 2048, "shmem: memfd, used = its Pss");
	ok(o && o->deleted, "shmem: ... marked deleted as the kernel shows it");
	o = find_object(r, "/tmpfile");
	ok(o && o->size.st == V_KNOWN && o->size.u == 1 && o->nusers == 1,
	   "shmem: a mapped tmpfs file outside /dev/shm, figures from its inode");
	p = find(snap, 100);
	ok(p && p->has_segments && p->seg->v[SEG_SHMEM][SEGF_RSS] == (8 + 8 + 4 + 12 + 4) * KIB,
	   "segments: every shmem mapping in shmem, the tmpfs file too (issue 11)");
	ok(p && p->seg->v[SEG_FILE_MMAP][SEGF_RSS] == 0, "segments: ... none of it in file_mmap");
	fstatat(f.fd, "shm/sub/nested", &nested, 0);
	ok(r && r->nunattributed == 3, "shmem: three unattributed objects: two files, a segment");
	ok(r && r->unattributed == (uint64_t)(orphan.st_blocks + nested.st_blocks) * 512, "shmem: their bytes");
	ok(sampler_refresh(s, &req, &snap) == 0 && snap->shmem->nobjects == 9, "shmem: a second refresh starts afresh");
	sampler_free(s);
	buf_free(&b);
	fake_teardown(&f);
}

/* A machine with no shmem at all: no tmpfs, no segments. Nothing is handed a NULL array
 * (UBSan's nonnull check: CI's machine had no shmem object, and the sort of none failed). */
static void test_shmem_empty(void)
{
	struct fake f;
	struct sampler *s;
	struct sample_request req = { .parts = SNAP_SHMEM };
	const struct snapshot *snap = NULL;

	fake_setup(&f);
	s = fake_sampler(&f, "1 0 254:0 / / rw - ext4 /dev/vda rw\n");
	ok(sampler_refresh(s, &req, &snap) == 0 && snap && snap->shmem, "empty: a report over a tree with nothing");
	ok(snap && snap->shmem->nobjects == 0 && snap->shmem->nmounts == 0, "empty: no objects, no tmpfs mount");
	ok(snap && !snap->shmem->sysv_known, "empty: no sysvipc is not known, not zero segments");
	ok(sampler_refresh(s, &req, &snap) == 0 && snap->shmem->nobjects == 0, "empty: a second refresh too");
	sampler_free(s);
	fake_teardown(&f);
}

/* ---- trends ---- */

static void fake_anon(struct fake *f, int pid, unsigned anon_kb)
{
	char text[256];

	snprintf(text, sizeof text, "Name:\tp\nVmRSS:\t%u kB\nRssAnon:\t%u kB\nRssFile:\t0 kB\nRssShmem:\t0 kB\n"
		 "VmSwap:\t0 kB\n", anon_kb, anon_kb);
	fake_file(f, pid, "status", text);
}

static void fake_avail(struct fake *f, unsigned avail_kb)
{
	char text[256];

	snprintf(text, sizeof text, "MemTotal: 16384000 kB\nMemFree: 8192 kB\nMemAvailable: %u kB\nSwapTotal: 0 kB\n"
		 "SwapFree: 0 kB\n", avail_kb);
	fixture_put(f->fd, "proc/meminfo", text);
}

/* Refreshes come a few ms apart: a history keeps times to the ms. */
static const struct snapshot *refresh_later(struct sampler *s, unsigned need, double reuse)
{
	nanosleep(&(struct timespec){ 0, 3000000 }, NULL);
	return refresh(s, need, reuse);
}

static size_t anon_samples(const struct proc *p, double *last)
{
	double t[TREND_CAP], v[TREND_CAP];
	size_t n = p && p->history ? trend_series(p->history, TREND_ANON_SWAP, t, v) : 0;

	*last = n ? v[n - 1] : -1;
	return n;
}

/* Growth from the 4th sample on (unknown, not 0, before); only figures read for their
 * sample recorded, never reused ones; a reused pid starts a history of its own. */
static void test_trend_history(void)
{
	struct fake f;
	struct sampler *s;
	const struct snapshot *snap = NULL;
	const struct proc *p;
	double last;
	int unknown = 0;

	fake_setup(&f);
	fake_proc(&f, 10, 100);
	fake_proc(&f, 11, 110);
	fake_stat(&f, 11, 110, 0, 0x00200000);	/* a kernel thread */
	s = fake_sampler(&f, NULL);
	for (int i = 0; i < 4; i++) {
		fake_anon(&f, 10, 1000 + 100 * i);
		fake_stat(&f, 10, 100, 10 + i, 0);
		snap = refresh_later(s, SRC_TREND, 0);
		p = find(snap, 10);
		unknown += i < 3 && p && p->f[FLD_GROWTH].st == V_UNKNOWN && p->f[FLD_LEAK].st == V_UNKNOWN &&
			   p->trend.r2.st == V_UNKNOWN;
	}
	is_int(unknown, 3, "trend: growth, leak and r2 unknown for 3 samples");
	p = find(snap, 10);
	ok(p && p->f[FLD_GROWTH].st == V_KNOWN && p->f[FLD_GROWTH].d > 0 && p->f[FLD_LEAK].st == V_KNOWN &&
	   !p->f[FLD_LEAK].u && p->trend.samples == 4, "trend: growth known from the 4th, no leak yet");
	ok(p && p->f[FLD_OOM_ETA].st == V_UNKNOWN && !(p->have & SRC_CGROUP),
	   "trend: oom_eta not asked: not computed, no cgroup read");
	sampler_fill(s, p, SRC_TREND_ETA);
	ok(p && p->f[FLD_OOM_ETA].st == V_KNOWN && p->trend.limit == TREND_LIMIT_MACHINE && (p->have & SRC_TREND_ETA),
	   "trend: asked for a row: growing, outside a limited cgroup: the machine's limit");
	p = find(snap, 11);
	ok(p && p->f[FLD_GROWTH].st == V_NA && !p->history, "trend: a kernel thread has none");

	/* status reused to sort on: not a sample of anon + swap */
	fake_anon(&f, 10, 5000);	/* changed without a fault: stat does not move */
	snap = refresh_later(s, SRC_STATUS, 60);
	p = find(snap, 10);
	ok(p && p->f[FLD_ANON].u == 1300 * KIB, "trend: status reused (stat did not move)");
	ok(anon_samples(p, &last) == 4 && last == 1300 * KIB, "trend: ... and not recorded");
	ok(p && p->history && p->history->n == 5, "trend: that sample has its RSS from stat all the same");
	snap = refresh_later(s, SRC_TREND, 60);
	p = find(snap, 10);
	ok(anon_samples(p, &last) == 5 && last == 5000 * KIB && p->f[FLD_ANON].u == 5000 * KIB,
	   "trend: a trend reads status for its sample, whatever reuse allows");
	snap = refresh_later(s, SRC_STATUS, 60);
	p = find(snap, 10);
	sampler_fill(s, p, SRC_TREND);
	ok(anon_samples(p, &last) == 6 && p->f[FLD_GROWTH].st == V_KNOWN,
	   "trend: a row filled for showing reads status again and joins its sample");

	fake_stat(&f, 10, 999, 5, 0);		/* pid 10 reused */
	snap = refresh_later(s, SRC_TREND, 0);
	p = find(snap, 10);
	ok(p && anon_samples(p, &last) == 1 && p->f[FLD_GROWTH].st == V_UNKNOWN,
	   "trend: a reused pid's history starts anew");
	sampler_free(s);
	fake_teardown(&f);
}

/* oom_eta: the cgroup's room (limit - usage + file pages) when less than the machine's;
 * the machine's headroom falling. */
static void test_trend_limits(void)
{
	struct fake f;
	struct sampler *s;
	const struct snapshot *snap = NULL;
	const struct proc *p, *q;
	char mi[512];

	fake_setup(&f);
	fake_proc(&f, 10, 100);
	fake_proc(&f, 11, 110);
	fake_file(&f, 10, "cgroup", "0::/box/inner\n");
	fake_file(&f, 11, "cgroup", "0::/free\n");
	mkdirat(f.fd, "cg", 0755);
	mkdirat(f.fd, "cg/box", 0755);
	mkdirat(f.fd, "cg/box/inner", 0755);
	mkdirat(f.fd, "cg/free", 0755);
	fixture_put(f.fd, "cg/box/memory.max", "8388608\n");		/* 8 MiB */
	fixture_put(f.fd, "cg/box/memory.current", "4194304\n");	/* 4 MiB */
	fixture_put(f.fd, "cg/box/memory.stat", "anon 3145728\nactive_file 524288\ninactive_file 524288\n");
	fixture_put(f.fd, "cg/box/inner/memory.max", "max\n");
	fixture_put(f.fd, "cg/box/inner/memory.current", "4000000\n");
	fixture_put(f.fd, "cg/free/memory.max", "max\n");
	fixture_put(f.fd, "cg/free/memory.current", "4096\n");
	snprintf(mi, sizeof mi, "26 24 0:25 / %s/cg rw - cgroup2 cgroup2 rw\n", f.dir);
	s = fake_sampler(&f, mi);
	for (int i = 0; i < 5; i++) {
		fake_anon(&f, 10, 1000 + 1000 * i);
		fake_anon(&f, 11, 1000 + 1000 * i);
		fake_stat(&f, 10, 100, 10 + i, 0);
		fake_stat(&f, 11, 110, 10 + i, 0);
		fake_avail(&f, 9000000 - 100000 * i);
		snap = refresh_later(s, SRC_TREND_ETA, 0);
	}
	p = find(snap, 10);
	q = find(snap, 11);
	ok(p && p->f[FLD_OOM_ETA].st == V_KNOWN && p->trend.limit == TREND_LIMIT_CGROUP &&
	   fabs(p->f[FLD_OOM_ETA].d - 5 * 1048576.0 / p->f[FLD_GROWTH].d) < 1e-6,
	   "trend: a parent's limit binds: (8 MiB - 4 MiB + 1 MiB of file pages) / growth");
	ok(q && q->trend.limit == TREND_LIMIT_MACHINE &&
	   fabs(q->f[FLD_OOM_ETA].d - 8600000 * 1024.0 / q->f[FLD_GROWTH].d) < 1e-3,
	   "trend: no limit: the machine's MemAvailable + SwapFree / growth");
	ok(snap && !snap->cgroups && p->cgroup >= 0, "trend: the cgroup read for it, no cgroup part asked");
	ok(snap && snap->sys.trend.rate.st == V_KNOWN && snap->sys.trend.rate.d < 0 &&
	   fabs(snap->sys.trend.oom_eta.d * -snap->sys.trend.rate.d - 8600000 * 1024.0) < 1,
	   "trend: the machine's headroom falls; none left in headroom / rate");
	sampler_free(s);
	fake_teardown(&f);
}

int main(void)
{
	test_fields();
	test_presented();
	test_freshness();
	test_cost();
	test_churn();
	test_cgroups();
	test_shmem();
	test_shmem_empty();
	test_trend_history();
	test_trend_limits();
	return tap_done();
}
