/* The OOM lens: the badness breakdown and kill order (against the kernel's formulas), cgroup
 * parsing and limits (on fake trees), the /proc/PID stat parser, and the oom_score_adj
 * write: its value parser, its start-time check on a fake /proc, and live against a
 * process that exited and (in a PID namespace, where this machine allows one) against one
 * that took over its pid. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "oom.h"
#include "oomadj.h"
#include "procdir.h"
#include "procfs.h"
#include "fixture.h"
#include "tap.h"

#define MIB (1024ull * 1024)

static uint64_t page;

static int tmpdir(char *path, size_t n)
{
	return fixture_tmpdir(path, n, "oom");
}

#define rmtree fixture_rmtree

/* ---- /proc/PID/stat ---- */

static void test_stat(void)
{
	static const char plain[] = "4242 (bash) S 1 4242 4242 34816 4242 4194560 1000 0 3 0 12 5 0 0 20 0 1 0 "
				    "98765 8798208 900 18446744073709551615 1 1 0 0 0 0 65536 3686404 1266761467 0 0 0 17 1 0 0 0 0 0\n";
	static const char odd[] = "7 (a) b (c) d\n) R 1 7 7 0 -1 2129984 0 0 0 0 0 0 0 0 -2 -20 1 0 14 0 0";
	struct procdir_stat st;

	is_int(procdir_parse_stat(plain, sizeof plain - 1, &st), 0, "stat: a plain line parses");
	is_int(st.state, 'S', "stat: state");
	is_u64(st.flags, 4194560, "stat: flags, field 9");
	is_u64(st.start_ticks, 98765, "stat: start time, field 22");
	is_str(st.comm, "bash", "stat: comm");
	is_int(procdir_parse_stat(odd, sizeof odd - 1, &st), 0, "stat: comm with ') (', newline, negative nice");
	is_str(st.comm, "a) b (c) d\n", "stat: comm kept whole up to the last ')'");
	is_u64(st.start_ticks, 14, "stat: start time after such a comm");
	ok(st.flags & PROCDIR_PF_KTHREAD, "stat: kernel thread flag");
	ok(!procdir_has_mm(&st), "stat: a kernel thread has no mm of its own");
	is_int(procdir_parse_stat(plain, 60, &st), -EINVAL, "stat: cut before field 22 is refused");
	is_int(procdir_parse_stat("1 (x) S 1 2 3 4 5 x6 7", 22, &st), -EINVAL, "stat: flags not a number");
	is_int(procdir_parse_stat("1 x) S", 6, &st), -EINVAL, "stat: no '('");
	is_int(procdir_parse_stat("", 0, &st), -EINVAL, "stat: empty");
}

/* ---- the value parser ---- */

static void test_parse(void)
{
	static const struct { const char *s; int rc, v; } cases[] = {
		{ "0", 0, 0 }, { "500", 0, 500 }, { "-1000", 0, -1000 }, { "1000", 0, 1000 }, { "-7", 0, -7 },
		{ "010", -EINVAL, 0 }, { "1001", -ERANGE, 0 }, { "-1001", -ERANGE, 0 }, { "abc", -EINVAL, 0 },
		{ "", -EINVAL, 0 }, { "+5", -EINVAL, 0 }, { " 5", -EINVAL, 0 }, { "5 ", -EINVAL, 0 },
		{ "5\n", -EINVAL, 0 }, { "0x10", -EINVAL, 0 }, { "-0", -EINVAL, 0 }, { "-", -EINVAL, 0 },
		{ "99999999999999999999", -ERANGE, 0 }, { "--5", -EINVAL, 0 }, { "-05", -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int v = 12345, rc = oomadj_parse(cases[i].s, &v);
		char shown[32];

		snprintf(shown, sizeof shown, "%s", cases[i].s);
		for (char *c = shown; *c; c++)
			*c = *c == '\n' ? '|' : *c;	/* a newline would end the TAP line */

		is_int(rc, cases[i].rc, "oomadj_parse(\"%s\") returns %d", shown, cases[i].rc);
		if (cases[i].rc == 0)
			is_int(v, cases[i].v, "oomadj_parse(\"%s\") = %d", shown, cases[i].v);
		else
			is_int(v, 12345, "oomadj_parse(\"%s\") leaves the value alone", shown);
	}
}

/* ---- the write, on a fake /proc ---- */

static void fake_pid(int dirfd, int pid, char state, unsigned long flags, uint64_t start)
{
	char path[64], text[256];

	snprintf(path, sizeof path, "%d", pid);
	mkdirat(dirfd, path, 0755);
	snprintf(text, sizeof text, "%d (fake %d) %c 1 1 1 0 -1 %lu 0 0 0 0 0 0 0 0 20 0 1 0 %llu 0 0\n",
		 pid, pid, state, flags, (unsigned long long)start);
	snprintf(path, sizeof path, "%d/stat", pid);
	fixture_put(dirfd, path, text);
	snprintf(path, sizeof path, "%d/oom_score_adj", pid);
	fixture_put(dirfd, path, "0\n");
}

static const char *fake_adj(int dirfd, int pid, struct buf *b)
{
	char path[64];

	snprintf(path, sizeof path, "%d/oom_score_adj", pid);
	return procfs_read(dirfd, path, b) >= 0 ? b->data : "?";
}

static void test_write_fake(void)
{
	char dir[64], msg[256];
	int fd = tmpdir(dir, sizeof dir);
	uint64_t start = 5000, other = 5001;
	struct oomadj_result r;
	struct buf b = { 0 };

	fake_pid(fd, 100, 'S', 0, start);
	fake_pid(fd, 101, 'S', PROCDIR_PF_KTHREAD, 7);
	fake_pid(fd, 102, 'Z', 0, 8);

	is_int(oomadj_write(fd, 100, &other, 500, &r), -ESTALE, "fake: another start time is refused");
	is_int(r.why, OOMADJ_CHANGED, "fake: ... as a changed process");
	ok(!r.written, "fake: ... and nothing is written");
	is_str(fake_adj(fd, 100, &b), "0\n", "fake: the file is untouched");
	ok(strstr(oomadj_explain(&r, msg, sizeof msg), "process changed") != NULL, "fake: the message says the process changed");

	is_int(oomadj_write(fd, 100, &start, 500, &r), 0, "fake: the right start time is written");
	is_int(r.why, OOMADJ_DONE, "fake: ... done");
	is_str(fake_adj(fd, 100, &b), "500", "fake: the file holds the decimal value, nothing more");
	ok(r.before_known && r.before == 0 && r.after_known && r.after == 500, "fake: before 0, read back 500");
	is_str(oomadj_explain(&r, msg, sizeof msg), "oom_score_adj 0 -> 500", "fake: the message shows both values");
	is_str(r.comm, "fake 100", "fake: comm from stat");

	is_int(oomadj_write(fd, 100, NULL, -20, &r), 0, "fake: no start time given: whoever has the pid");
	is_str(fake_adj(fd, 100, &b), "-20", "fake: negative value written plainly");

	oomadj_write(fd, 101, NULL, 100, &r);
	is_int(r.why, OOMADJ_KTHREAD, "fake: a kernel thread is refused");
	is_str(fake_adj(fd, 101, &b), "0\n", "fake: ... untouched");
	oomadj_write(fd, 102, NULL, 100, &r);
	is_int(r.why, OOMADJ_ZOMBIE, "fake: a zombie is refused");
	is_str(fake_adj(fd, 102, &b), "0\n", "fake: ... untouched");
	is_int(oomadj_write(fd, 103, NULL, 100, &r), -ESRCH, "fake: no such pid");
	is_int(r.why, OOMADJ_GONE, "fake: ... gone");
	is_int(oomadj_write(fd, 100, NULL, 1001, &r), -EINVAL, "fake: out of range never reaches the file");

	r.why = OOMADJ_DENIED_LOWER;
	ok(strstr(oomadj_explain(&r, msg, sizeof msg), "CAP_SYS_RESOURCE") != NULL,
	   "EACCES on lowering names CAP_SYS_RESOURCE");
	buf_free(&b);
	close(fd);
	rmtree(dir);
}

/* ---- the write, live ---- */

static pid_t spawn_sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

static void test_write_exited(void)
{
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct procdir_stat st;
	struct oomadj_result r;
	struct buf b = { 0 };
	pid_t pid = spawn_sleeper();
	int fd = procdir_open(procfd, pid, NULL, &b, &st);
	uint64_t start = st.start_ticks;

	ok(fd >= 0, "live: the child's /proc directory opens");
	close(fd);
	is_int(oomadj_write(procfd, pid, &start, 100, &r), 0, "live: the child, with its start time, is written");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ok(oomadj_write(procfd, pid, &start, 200, &r) < 0, "live: after it was reaped, the write is refused");
	ok(r.why == OOMADJ_GONE || r.why == OOMADJ_CHANGED, "live: ... as gone or changed (%d)", r.why);
	ok(!r.written, "live: ... nothing written");
	buf_free(&b);
	close(procfd);
}

/* In a new PID namespace (own /proc), forks A, reaps it, sets ns_last_pid so that B gets
 * A's pid, then asks for A's pid with A's start time. Exit status: 0 refused and B
 * untouched, 1 B was written, 2 B did not get the pid, 3 A and B share a start time (the
 * check cannot tell them apart this fast), 77 no namespace here. */
static int reuse_in_namespace(void)
{
	int procfd, nsfd;
	struct procdir_stat st;
	struct oomadj_result r;
	struct buf b = { 0 };
	pid_t a, bpid;
	uint64_t start_a;
	char text[32];

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		return 77;
	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	a = spawn_sleeper();
	close(procdir_open(procfd, a, NULL, &b, &st));
	start_a = st.start_ticks;
	kill(a, SIGKILL);
	waitpid(a, NULL, 0);
	usleep(20000);	/* a clock tick or two, so that B starts later than A */
	nsfd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
	snprintf(text, sizeof text, "%d", a - 1);
	if (nsfd < 0 || write(nsfd, text, strlen(text)) < 0)
		return 77;
	close(nsfd);
	bpid = spawn_sleeper();
	if (bpid != a)
		return 2;
	close(procdir_open(procfd, bpid, NULL, &b, &st));
	if (st.start_ticks == start_a)
		return 3;
	oomadj_write(procfd, a, &start_a, 300, &r);
	kill(bpid, SIGKILL);
	return r.why == OOMADJ_CHANGED && !r.written && strcmp(fake_adj(procfd, bpid, &b), "300\n") != 0 ? 0 : 1;
}

static void test_write_reused(void)
{
	pid_t outer = fork();
	int status = 0;

	if (outer == 0) {
		pid_t inner;

		if (unshare(CLONE_NEWPID | CLONE_NEWNS) != 0)
			_exit(77);
		inner = fork();
		if (inner == 0)
			_exit(reuse_in_namespace());
		waitpid(inner, &status, 0);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	waitpid(outer, &status, 0);
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	if (status == 77 || status == 3) {
		printf("ok %d - # SKIP pid reuse in a PID namespace: %s\n", ++tap_n,
		       status == 77 ? "no namespace or /proc mount allowed here" : "A and B started in the same tick");
		return;
	}
	is_int(status, 0, "live: a process that took over the pid is never written (0 refused, 1 written, 2 no reuse)");
}

/* ---- badness and kill order ---- */

static struct proc *fake_proc(int pid, uint64_t start, int64_t score, int64_t adj, uint64_t anon_mib)
{
	struct proc *p = calloc(1, sizeof *p);
	static const enum field_id known[] = { FLD_ANON, FLD_FILE, FLD_SHMEM, FLD_SWAP, FLD_PTE, FLD_RSS };

	p->pid = pid;
	p->start_ticks = start;
	p->state = 'S';
	p->cgroup = -1;
	p->comm = strdup("fake");
	p->user = strdup("root");
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		p->f[known[i]].st = V_KNOWN;
	p->f[FLD_ANON].u = anon_mib * MIB;
	p->f[FLD_FILE].u = 2 * MIB;
	p->f[FLD_SHMEM].u = 1 * MIB;
	p->f[FLD_SWAP].u = 3 * MIB;
	p->f[FLD_PTE].u = 5 * page + 1024;	/* not a whole number of pages: the kernel rounds down */
	p->f[FLD_RSS].u = p->f[FLD_ANON].u + 3 * MIB;
	p->f[FLD_OOM] = (struct fval){ .i = score, .st = V_KNOWN };
	p->f[FLD_OOM_ADJ] = (struct fval){ .i = adj, .st = V_KNOWN };
	return p;
}

static void free_proc(struct proc *p)
{
	free(p->comm);
	free(p->user);
	free(p);
}

static void fake_snapshot(struct snapshot *snap, struct proc **procs, size_t n, uint64_t ram, uint64_t swap)
{
	memset(snap, 0, sizeof *snap);
	snap->procs = snap->all = (const struct proc **)procs;
	snap->nprocs = snap->ntotal = n;
	snap->complete = true;
	snprintf(snap->kernel, sizeof snap->kernel, "6.18.4-test");
	snap->sys.mem[SYS_MEM_TOTAL] = (struct fval){ .u = ram, .st = V_KNOWN };
	snap->sys.mem[SYS_SWAP_TOTAL] = (struct fval){ .u = swap, .st = V_KNOWN };
	snap->sys.mem[SYS_SWAP_FREE] = (struct fval){ .u = swap / 2, .st = V_KNOWN };
	snap->sys.mem[SYS_MEM_AVAILABLE] = (struct fval){ .u = ram / 2, .st = V_KNOWN };
	snap->sys.mem[SYS_COMMIT_LIMIT] = (struct fval){ .u = ram / 2 + swap, .st = V_KNOWN };
	snap->sys.mem[SYS_COMMITTED_AS] = (struct fval){ .u = ram + swap, .st = V_KNOWN };
	snap->sys.knob[KNOB_OVERCOMMIT_MEMORY] = (struct fval){ .i = 0, .st = V_KNOWN };
	snap->sys.knob[KNOB_SWAPPINESS] = (struct fval){ .i = 60, .st = V_KNOWN };
}

static void test_badness(void)
{
	uint64_t total = 24ull << 30, tp = total / page;
	struct proc *p = fake_proc(10, 1, 0, 300, 100);
	struct oom_badness b;
	int64_t points;

	ok(oom_badness_of(p, tp, page, &b), "badness: known from status figures");
	is_u64(b.rss, 103 * MIB, "badness: rss = anon + file + shmem");
	is_u64(b.swap, 3 * MIB, "badness: swap");
	is_u64(b.page_tables, 5 * page + 1024, "badness: page tables as VmPTE says");
	is_int(b.adj, 300 * (int64_t)(tp / 1000) * (int64_t)page, "badness: adj = adj x floor(totalpages / 1000) pages");
	is_int(b.total, (int64_t)(106 * MIB + 5 * page) + b.adj, "badness: total, page tables in whole pages");
	points = b.total / (int64_t)page;
	is_int(oom_score_from_points(points, tp), (1000 + points * 1000 / (int64_t)tp) * 2 / 3, "score: the kernel's formula");
	is_int(oom_score_from_points(0, tp), 666, "score: an empty process with adj 0 reads 666");
	is_int(oom_score_from_points((int64_t)tp, tp), 1333, "score: all of memory reads 1333");
	ok(oom_kernel_new_scale("5.9.0") && oom_kernel_new_scale("6.1.0-13-amd64") && !oom_kernel_new_scale("5.8.18") &&
	   !oom_kernel_new_scale("4.19.0"), "score: the 0..2000 scale starts at 5.9");
	p->f[FLD_SWAP].st = V_UNKNOWN;
	ok(!oom_badness_of(p, tp, page, &b), "badness: unknown when a status figure is");
	free_proc(p);
}

static ssize_t rank_of(const struct oom_report *r, int pid)
{
	ssize_t i = oom_report_find(r, pid);

	return i < 0 ? -1 : (ssize_t)r->entries[i].rank;
}

static void test_order(void)
{
	struct proc *procs[9];
	struct snapshot snap;
	struct oom_report *r;
	char dir[64];
	int fd = tmpdir(dir, sizeof dir);

	procs[0] = fake_proc(1, 1, 0, 0, 50);		/* init: score 0 */
	procs[1] = fake_proc(20, 100, 700, 0, 800);	/* big */
	procs[2] = fake_proc(21, 200, 1333, 1000, 1);	/* small, adj 1000: first */
	procs[3] = fake_proc(22, 300, 0, -1000, 900);	/* immune however big */
	procs[4] = fake_proc(23, 400, 0, 0, 10);
	procs[4]->kernel_thread = true;
	procs[5] = fake_proc(24, 500, 667, 0, 5);	/* same as 25 but older */
	procs[6] = fake_proc(25, 600, 667, 0, 5);
	procs[7] = fake_proc(26, 700, 900, 0, 5);	/* status unreadable: ranked from its score */
	procs[7]->f[FLD_ANON].st = V_UNKNOWN;
	procs[8] = fake_proc(27, 800, 0, 0, 5);		/* zombie */
	procs[8]->state = 'Z';
	fake_snapshot(&snap, procs, 9, 16ull << 30, 8ull << 30);
	r = oom_report_create();
	ok(r != NULL, "order: a report");
	oom_report_update(r, &snap, NULL);
	is_u64(r->totalpages, (24ull << 30) / page, "order: totalpages = RAM + swap");
	is_u64(r->neligible, 5, "order: five eligible");
	is_u64(r->nimmune, 1, "order: one immune");
	is_int(rank_of(r, 21), 1, "order: adj 1000 goes first");
	is_int(rank_of(r, 26), 2, "order: unreadable status, placed by its oom_score 900");
	is_int(rank_of(r, 20), 3, "order: then the big one");
	is_int(rank_of(r, 25), 4, "order: of two equals the younger goes first, as select_bad_process picks");
	is_int(rank_of(r, 24), 5, "order: ... then the older");
	ok(!r->entries[oom_report_find(r, 26)].known, "order: its badness is unknown, not 0");
	is_int(r->entries[oom_report_find(r, 22)].cls, OOM_IMMUNE, "order: adj -1000 is immune");
	is_int(r->entries[oom_report_find(r, 1)].why, OOM_WHY_INIT, "order: init is not eligible");
	is_int(r->entries[oom_report_find(r, 23)].why, OOM_WHY_KTHREAD, "order: a kernel thread is not eligible");
	is_int(r->entries[oom_report_find(r, 27)].why, OOM_WHY_NO_MM, "order: a zombie is not eligible");
	is_int(r->entries[oom_report_find(r, 21)].score_calc,
	       oom_score_from_points(r->entries[oom_report_find(r, 21)].points, r->totalpages),
	       "order: the score computed from the badness");
	for (size_t i = 1; i < r->neligible; i++)
		ok(r->entries[i - 1].points >= r->entries[i].points, "order: badness never rises (%zu)", i);
	is_int(r->headroom.commit_left.st, V_NA, "headroom: commit left does not apply in mode 0");
	snap.sys.knob[KNOB_OVERCOMMIT_MEMORY].i = 2;
	oom_report_update(r, &snap, NULL);
	ok(r->headroom.commit_left.st == V_KNOWN && r->headroom.commit_left.i == -(int64_t)(8ull << 30),
	   "headroom: mode 2: CommitLimit - Committed_AS, negative when overcommitted (%lld)",
	   (long long)r->headroom.commit_left.i);
	ok(strstr(oom_overcommit_words(2), "strict") != NULL, "headroom: mode 2 in words");
	oom_report_free(r);
	for (int i = 0; i < 9; i++)
		free_proc(procs[i]);
	close(fd);
	rmtree(dir);
}

/* No process at all (a filter that matched none): an empty order, no NULL array sorted. */
static void test_order_empty(void)
{
	struct snapshot snap;
	struct oom_report *r;
	char dir[64];
	int fd = tmpdir(dir, sizeof dir);

	fake_snapshot(&snap, NULL, 0, 16ull << 30, 0);
	r = oom_report_create();
	oom_report_update(r, &snap, NULL);
	is_u64(r->nentries, 0, "empty: no entries");
	is_u64(r->neligible, 0, "empty: none eligible");
	oom_report_update(r, &snap, NULL);
	is_u64(r->nentries, 0, "empty: a second update too");
	oom_report_free(r);
	close(fd);
	rmtree(dir);
}

/* ---- cgroups ---- */

static void test_cgroup_parse(void)
{
	struct buf b = { 0 };
	struct cgroup_layout l;
	const char *path, *text;
	size_t len;

	text = fixture_read("oom/cgroup-hybrid", &b);
	is_int(cgroup_parse_proc(text, b.len, CGROUP_V1, &path, &len), 0, "cgroup: v1 memory line found");
	ok(len > 12 && memcmp(path, "/process_api/", 13) == 0, "cgroup: its path");
	is_int(cgroup_parse_proc(text, b.len, CGROUP_V2, &path, &len), 0, "cgroup: the v2 line of a hybrid");
	ok(len == 1 && *path == '/', "cgroup: ... is the root");
	text = fixture_read("oom/cgroup-v2", &b);
	is_int(cgroup_parse_proc(text, b.len, CGROUP_V1, &path, &len), -ENOENT, "cgroup: no v1 memory line in pure v2");
	is_int(cgroup_parse_proc(text, b.len, CGROUP_V2, &path, &len), 0, "cgroup: v2 line");
	ok(len == 43 && memcmp(path, "/user.slice/user-1000.slice/session-2.scope", 43) == 0, "cgroup: v2 path, no newline");
	is_int(cgroup_parse_proc("3:cpu,memory:/a:b\n", 18, CGROUP_V1, &path, &len), 0, "cgroup: memory among several controllers");
	ok(len == 4 && memcmp(path, "/a:b", 4) == 0, "cgroup: a path holding ':'");
	is_int(cgroup_parse_proc("3:memoryx:/a\n1:xmemory:/b", 25, CGROUP_V1, &path, &len), -ENOENT, "cgroup: 'memory' must be a whole name");

	text = fixture_read("shmem/mountinfo-hybrid", &b);
	cgroup_layout_parse(text, b.len, &l);
	is_int(l.memory, CGROUP_V1, "layout: this machine's hybrid layout has memory on v1");
	ok(l.hybrid, "layout: ... and says it is hybrid");
	is_str(l.mount, "/sys/fs/cgroup/memory", "layout: v1 memory mount point");
	ok(strstr(cgroup_layout_describe(&l), "hybrid") != NULL, "layout: described as hybrid");
	cgroup_layout_free(&l);
	text = fixture_read("shmem/mountinfo-v2", &b);
	cgroup_layout_parse(text, b.len, &l);
	is_int(l.memory, CGROUP_V2, "layout: pure v2");
	is_str(l.mount, "/sys/fs/cgroup", "layout: v2 mount point");
	is_str(cgroup_relative(&l, "/user.slice/a"), "user.slice/a", "layout: path under a root mount");
	cgroup_layout_free(&l);
	text = fixture_read("oom/mountinfo-container", &b);
	cgroup_layout_parse(text, b.len, &l);
	is_str(l.root, "/docker/4f1c", "layout: a container's mount root");
	is_str(cgroup_relative(&l, "/docker/4f1c/app"), "app", "layout: path under the mount's root");
	is_str(cgroup_relative(&l, "/docker/4f1c"), "", "layout: the mount's root itself");
	ok(cgroup_relative(&l, "/docker/4f1cX") == NULL, "layout: a sibling is outside");
	ok(cgroup_relative(&l, "/other") == NULL, "layout: outside the mounted part");
	cgroup_layout_free(&l);
	cgroup_layout_parse("", 0, &l);
	is_int(l.memory, CGROUP_NONE, "layout: nothing mounted");
	cgroup_layout_free(&l);
	buf_free(&b);
}

static void test_cgroup_files(void)
{
	char dir[64];
	int fd = tmpdir(dir, sizeof dir);
	struct buf b = { 0 };
	struct cgroup_mem m;

	fixture_put(fd, "memory.max", "1073741824\n");
	fixture_put(fd, "memory.current", "5000\n");
	fixture_put(fd, "memory.swap.max", "max\n");
	fixture_put(fd, "memory.oom.group", "1\n");
	cgroup_read_mem(fd, CGROUP_V2, &b, &m);
	ok(m.limit.st == V_KNOWN && m.limit.u == 1073741824, "v2: memory.max");
	ok(m.usage.st == V_KNOWN && m.usage.u == 5000, "v2: memory.current");
	is_int(m.swap_limit.st, V_NA, "v2: swap.max 'max' is no limit");
	is_int(m.oom_group, 1, "v2: memory.oom.group");
	fixture_put(fd, "memory.max", "max\n");
	cgroup_read_mem(fd, CGROUP_V2, &b, &m);
	is_int(m.limit.st, V_NA, "v2: memory.max 'max' is no limit");
	fixture_put(fd, "memory.limit_in_bytes", "9223372036854771712\n");
	fixture_put(fd, "memory.usage_in_bytes", "4329472\n");
	fixture_put(fd, "memory.swappiness", "0\n");
	cgroup_read_mem(fd, CGROUP_V1, &b, &m);
	is_int(m.limit.st, V_NA, "v1: the page counter's maximum is no limit");
	ok(m.usage.u == 4329472 && m.swappiness.u == 0, "v1: usage and swappiness");
	is_int(m.swap_limit.st, V_UNKNOWN, "v1: no memsw file, swap limit unknown");
	is_int(m.oom_group, -1, "v1: no oom.group");
	fixture_put(fd, "memory.limit_in_bytes", "536870912\n");
	fixture_put(fd, "memory.memsw.limit_in_bytes", "805306368\n");
	cgroup_read_mem(fd, CGROUP_V1, &b, &m);
	ok(m.limit.st == V_KNOWN && m.limit.u == 536870912, "v1: a real limit");
	ok(m.swap_limit.st == V_KNOWN && m.swap_limit.u == 268435456, "v1: memsw minus the limit is the swap it may add");
	buf_free(&b);
	close(fd);
	rmtree(dir);
}

/* Two processes in a 1 GiB cgroup: machine-wide the small one with adj 50 goes first
 * (50 x 24 MiB), inside the cgroup the big one does (50 x 1 MiB is less than 100 MiB). */
/* The cgroup set as the sampler builds it (test-sample reads it from a fake tree). */
static int cgroup_with(struct cgroup_set *cs, int fd, const char *path, struct buf *b)
{
	int i = cgroup_set_get(cs, path, strlen(path));
	int dfd = openat(fd, path + 1, O_RDONLY | O_DIRECTORY);

	cgroup_read_mem(dfd, CGROUP_V2, b, &cs->nodes[i].mem);
	close(dfd);
	return i;
}

static void test_cgroup_order(void)
{
	char dir[64];
	int fd = tmpdir(dir, sizeof dir);
	struct proc *procs[3];
	struct snapshot snap;
	struct oom_report *r;
	struct cgroup_set cs = { .layout = { .memory = CGROUP_V2 } };
	const struct oom_cgroup *c;
	struct buf b = { 0 };
	ssize_t x, y, z;

	mkdirat(fd, "box", 0755);
	mkdirat(fd, "box/inner", 0755);
	mkdirat(fd, "free", 0755);
	fixture_put(fd, "box/memory.max", "1073741824\n");
	fixture_put(fd, "box/memory.current", "123456\n");
	fixture_put(fd, "box/memory.swap.max", "0\n");
	fixture_put(fd, "box/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n");
	fixture_put(fd, "box/inner/memory.max", "max\n");
	fixture_put(fd, "free/memory.max", "max\n");
	procs[0] = fake_proc(30, 1, 700, 0, 100);
	procs[1] = fake_proc(31, 2, 700, 50, 10);
	procs[2] = fake_proc(32, 3, 700, 0, 10);
	procs[0]->cgroup = cgroup_with(&cs, fd, "/box", &b);
	procs[1]->cgroup = cgroup_with(&cs, fd, "/box/inner", &b);
	procs[2]->cgroup = cgroup_with(&cs, fd, "/free", &b);
	fake_snapshot(&snap, procs, 3, 16ull << 30, 8ull << 30);
	r = oom_report_create();
	oom_report_update(r, &snap, &cs);
	x = oom_report_find(r, 30);
	y = oom_report_find(r, 31);
	z = oom_report_find(r, 32);
	is_int(r->entries[y].rank, 1, "cgroup order: machine-wide the adj 50 one goes first");
	is_u64(r->nlimited, 1, "cgroup order: one cgroup has a limit");
	ok(r->entries[x].limited >= 0 && r->entries[x].limited == r->entries[y].limited,
	   "cgroup order: both under /box (one in a child with no limit of its own)");
	is_int(r->entries[z].limited, -1, "cgroup order: /free has no limit");
	c = &r->cgroups[0];
	is_int(c->node, r->entries[x].limited, "cgroup order: the limited cgroup is /box's node");
	is_str(c->cg->path, "/box", "cgroup order: the limited cgroup's path");
	is_u64(c->totalpages, (1ull << 30) / page, "cgroup order: its scale is its limit (swap.max 0 adds none)");
	ok(c->cg->mem.usage.u == 123456, "cgroup order: its usage");
	ok(c->cg->mem.oom_kills.st == V_KNOWN && c->cg->mem.oom_kills.u == 1, "cgroup order: memory.events oom_kill");
	ok(c->norder == 2 && c->order[0] == (size_t)x && c->order[1] == (size_t)y,
	   "cgroup order: inside it the big one goes first");
	ok(c->norder == 2 && c->points[1] == (int64_t)((13 * MIB + 3 * MIB + 5 * page) / page) + 50 * (int64_t)(c->totalpages / 1000),
	   "cgroup order: the adj term on the cgroup's scale");
	oom_report_free(r);
	cgroup_set_free(&cs);
	for (int i = 0; i < 3; i++)
		free_proc(procs[i]);
	buf_free(&b);
	close(fd);
	rmtree(dir);
}

int main(void)
{
	page = (uint64_t)sysconf(_SC_PAGESIZE);
	test_stat();
	test_parse();
	test_write_fake();
	test_write_exited();
	test_write_reused();
	test_badness();
	test_order();
	test_order_empty();
	test_cgroup_parse();
	test_cgroup_files();
	test_cgroup_order();
	return tap_done();
}
