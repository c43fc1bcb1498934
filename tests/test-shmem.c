/* Shmem attribution: the /proc/sysvipc/shm and mountinfo parsers (real captures and
 * hand-made oddities), the mapping classifier, and the whole report over a fake /proc and
 * a fake tmpfs: who maps which object, which nobody maps, and that a process which took
 * over a pid is never read in the place of the one the snapshot saw. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mountinfo.h"
#include "procfs.h"
#include "shmem.h"
#include "fixture.h"
#include "tap.h"

/* ---- /proc/sysvipc/shm ---- */

struct segs {
	struct shmem_sysv s[8];
	int n, stop_at;
};

static int take_seg(const struct shmem_sysv *seg, void *ctx)
{
	struct segs *g = ctx;

	if (g->n < 8)
		g->s[g->n] = *seg;
	return ++g->n == g->stop_at ? 7 : 0;
}

static void test_sysv(void)
{
	static const char old[] = "       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime\n"
				  "         0      32768  1600     524288  1234  5678      2  1000  1000  1000  1000 1600000000 0 1600000000";
	static const char bad[] = "key shmid size nattch\n1 2 3 4\nx 2 3 4\n5 6 7\n-1 9 10 11\n99999999999 1 1 1\n";
	struct buf b = { 0 };
	const char *text = fixture_read("shmem/sysvipc-shm", &b);
	struct segs g = { .stop_at = -1 };

	is_int(shmem_parse_sysv(text, b.len, take_seg, &g), 0, "sysv: the capture parses");
	is_int(g.n, 3, "sysv: three segments");
	is_u64(g.s[0].key, 0x1234abcd, "sysv: key, printed in decimal");
	is_int(g.s[0].shmid, 61, "sysv: shmid");
	is_u64(g.s[0].size, 8388608, "sysv: size");
	is_u64(g.s[0].nattch, 1, "sysv: nattch");
	ok(g.s[0].rss.st == V_KNOWN && g.s[0].rss.u == 4194304, "sysv: rss in bytes");
	ok(g.s[0].swap.st == V_KNOWN && g.s[0].swap.u == 0, "sysv: swap");
	is_int(g.s[0].mode, 0600, "sysv: perms, octal");
	is_u64(g.s[1].key, 0xdeadbeef, "sysv: a key printed negative");
	is_u64(g.s[1].nattch, 0, "sysv: nobody attached");
	is_int(g.s[2].mode, 01600, "sysv: SHM_DEST shows in perms");
	is_int(g.s[2].cpid, g.s[2].lpid, "sysv: cpid and lpid");

	g = (struct segs){ .stop_at = -1 };
	is_int(shmem_parse_sysv(old, sizeof old - 1, take_seg, &g), 0, "sysv: a kernel without rss and swap");
	ok(g.n == 1 && g.s[0].rss.st == V_UNKNOWN && g.s[0].swap.st == V_UNKNOWN, "sysv: ... leaves them unknown");
	ok(g.s[0].size == 524288 && g.s[0].nattch == 2, "sysv: ... last line without newline");
	g = (struct segs){ .stop_at = -1 };
	is_int(shmem_parse_sysv(bad, sizeof bad - 1, take_seg, &g), 3, "sysv: three malformed lines skipped");
	is_int(g.n, 2, "sysv: the others delivered");
	is_u64(g.s[1].key, 0xffffffff, "sysv: key -1");
	is_int(shmem_parse_sysv("shmid size\n1 2\n", 15, take_seg, &g), -EINVAL, "sysv: a header without key is refused");
	is_int(shmem_parse_sysv("", 0, take_seg, &g), -EINVAL, "sysv: empty");
	g = (struct segs){ .stop_at = 2 };
	is_int(shmem_parse_sysv(text, b.len, take_seg, &g), 7, "sysv: the callback stops it");
	buf_free(&b);
}

/* ---- mountinfo ---- */

struct mounts {
	char point[8][128], fstype[8][16], root[8][64];
	unsigned major[8], minor[8];
	int n;
};

static int take_mount(const struct mountinfo_entry *e, void *ctx)
{
	struct mounts *m = ctx;

	if (m->n < 8) {
		snprintf(m->point[m->n], sizeof m->point[0], "%s", e->mountpoint);
		snprintf(m->fstype[m->n], sizeof m->fstype[0], "%s", e->fstype);
		snprintf(m->root[m->n], sizeof m->root[0], "%s", e->root);
		m->major[m->n] = e->major;
		m->minor[m->n] = e->minor;
	}
	m->n++;
	return 0;
}

static void test_mountinfo(void)
{
	static const char odd[] = "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
				  "2 1 0:5 / /a rw shared:1 master:2 - tmpfs tmpfs rw\n"
				  "3 1 0:6 / /b rw no separator tmpfs x rw\n"
				  "4 1 x:6 / /c rw - tmpfs x rw\n"
				  "\n"
				  "5 1 0:7 /sub /d\\134\\040 rw - tmpfs none rw,size=1k";
	struct buf b = { 0 };
	const char *text = fixture_read("shmem/mountinfo-v2", &b);
	struct mounts m = { 0 };

	is_int(mountinfo_parse(text, b.len, take_mount, &m), 0, "mountinfo: the v2 sample parses");
	is_int(m.n, 7, "mountinfo: seven mounts");
	is_str(m.fstype[2], "cgroup2", "mountinfo: fstype after the optional fields");
	is_str(m.point[5], "/mnt/with space\\tab\t", "mountinfo: \\040 \\134 \\011 decoded");
	ok(m.major[3] == 0 && m.minor[3] == 26, "mountinfo: device numbers");
	m = (struct mounts){ 0 };
	is_int(mountinfo_parse(odd, sizeof odd - 1, take_mount, &m), -EINVAL, "mountinfo: malformed lines reported");
	is_int(m.n, 3, "mountinfo: ... the good ones still delivered");
	is_str(m.fstype[1], "tmpfs", "mountinfo: two optional fields");
	is_str(m.point[2], "/d\\ ", "mountinfo: last line without newline, escapes decoded");
	is_str(m.root[2], "/sub", "mountinfo: mount root");
	m = (struct mounts){ 0 };
	text = fixture_read("shmem/mountinfo-hybrid", &b);
	is_int(mountinfo_parse(text, b.len, take_mount, &m), 0, "mountinfo: this machine's capture parses");
	ok(mountinfo_has_opt("rw,memory", "memory") && !mountinfo_has_opt("rw,memoryx", "memory") &&
	   !mountinfo_has_opt("rw,xmemory", "memory") && mountinfo_has_opt("memory", "memory"),
	   "mountinfo: options matched whole");
	buf_free(&b);
}

/* ---- the classifier ---- */

static void test_kind(void)
{
	static const struct { const char *path; bool deleted; const char *perms; bool tmpfs, posix; int kind; } cases[] = {
		{ "/SYSV1234abcd", true, "rw-s", false, false, SHMEM_SYSV },
		{ "/SYSV1234abcd", false, "rw-s", false, false, -1 },	/* a real file named so */
		{ "/SYSV1234abcg", true, "rw-s", false, false, -1 },
		{ "/memfd:wayland-shm", true, "rw-s", false, false, SHMEM_MEMFD },
		{ "/memfd:x", true, "r--p", false, false, SHMEM_MEMFD },
		{ "/dev/zero", true, "rw-s", false, false, SHMEM_ANON },
		{ "/dev/zero", true, "rw-p", false, false, -1 },
		{ "[anon_shmem:pool]", false, "rw-s", false, false, SHMEM_ANON },
		{ "[anon:pool]", false, "rw-p", false, false, -1 },
		{ "/dev/shm/x", false, "rw-s", true, true, SHMEM_POSIX },
		{ "/run/user/1000/x", true, "r--s", true, false, SHMEM_TMPFS },
		{ "/usr/lib/libc.so.6", false, "r-xp", false, false, -1 },
		{ "", false, "rw-s", false, false, -1 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		is_int(shmem_kind_of(cases[i].path, strlen(cases[i].path), cases[i].deleted, cases[i].perms,
				     cases[i].tmpfs, cases[i].posix), cases[i].kind,
		       "kind: %s%s %s", cases[i].path, cases[i].deleted ? " (deleted)" : "", cases[i].perms);
}

/* ---- the report over a fake tree ---- */

struct fake {
	char dir[64], shm[128];
	int fd, procfd;
	unsigned major, minor;
	ino_t used_ino, orphan_ino;
	struct stat orphan;
};

static void fake_proc_files(struct fake *f, int pid, uint64_t start, const char *maps, const char *smaps)
{
	char path[64], text[256];

	snprintf(path, sizeof path, "proc/%d", pid);
	mkdirat(f->fd, path, 0755);
	snprintf(text, sizeof text, "%d (p%d) S 1 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 %llu 0 0\n",
		 pid, pid, (unsigned long long)start);
	snprintf(path, sizeof path, "proc/%d/stat", pid);
	fixture_put(f->fd, path, text);
	snprintf(path, sizeof path, "proc/%d/maps", pid);
	if (maps)
		fixture_put(f->fd, path, maps);
	else
		mkdirat(f->fd, path, 0755);	/* unreadable as a file */
	snprintf(path, sizeof path, "proc/%d/smaps", pid);
	if (smaps)
		fixture_put(f->fd, path, smaps);
}

static void fake_setup(struct fake *f)
{
	struct stat st;
	char blob[8192];

	snprintf(f->dir, sizeof f->dir, "/tmp/memtop-test-shmem.XXXXXX");
	if (!mkdtemp(f->dir))
		exit(99);
	f->fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	mkdirat(f->fd, "proc", 0755);
	mkdirat(f->fd, "proc/sysvipc", 0755);
	mkdirat(f->fd, "shm", 0755);
	mkdirat(f->fd, "shm/sub", 0755);
	memset(blob, 'x', sizeof blob);
	blob[sizeof blob - 1] = '\0';
	fixture_put(f->fd, "shm/orphan", blob);
	fixture_put(f->fd, "shm/used", "0123456789");
	fixture_put(f->fd, "shm/sub/nested", "y");
	snprintf(f->shm, sizeof f->shm, "%s/shm", f->dir);
	fstatat(f->fd, "shm/used", &st, 0);
	f->used_ino = st.st_ino;
	f->major = major(st.st_dev);
	f->minor = minor(st.st_dev);
	fstatat(f->fd, "shm/orphan", &f->orphan, 0);
	f->procfd = openat(f->fd, "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void fake_teardown(struct fake *f)
{
	char cmd[sizeof f->dir + 16];

	close(f->procfd);
	close(f->fd);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", f->dir);
}

/* maps lines of pid 100 and their smaps: the /dev/shm-like file, a SysV segment, a memfd,
 * shared anonymous memory, a library. */
static void fake_maps(const struct fake *f, char *maps, size_t mn, char *smaps, size_t sn)
{
	static const char tail[] = "Size: %d kB\nRss: %d kB\nPss: %d kB\nSwap: 0 kB\nSwapPss: 0 kB\n";
	char line[5][256];
	int rss[5] = { 8, 8, 4, 12, 4 }, pss[5] = { 8, 4, 2, 6, 1 };
	size_t mo = 0, so = 0;

	snprintf(line[0], 256, "7f0000000000-7f0000002000 rw-s 00000000 %02x:%02x %llu %s/used\n",
		 f->major, f->minor, (unsigned long long)f->used_ino, f->shm);
	snprintf(line[1], 256, "7f0000002000-7f0000004000 rw-s 00000000 00:01 61 /SYSV1234abcd (deleted)\n");
	snprintf(line[2], 256, "7f0000004000-7f0000005000 rw-s 00000000 00:01 1052 /memfd:wl (deleted)\n");
	snprintf(line[3], 256, "7f0000005000-7f0000008000 rw-s 00000000 00:01 1050 /dev/zero (deleted)\n");
	snprintf(line[4], 256, "7f0000009000-7f000000a000 r--p 00000000 %02x:%02x 1234 /usr/lib/libc.so.6\n",
		 f->major + 1, f->minor);	/* another filesystem */
	for (int i = 0; i < 5; i++) {
		mo += snprintf(maps + mo, mn - mo, "%s", line[i]);
		so += snprintf(smaps + so, sn - so, "%s", line[i]);
		so += snprintf(smaps + so, sn - so, tail, rss[i], rss[i], pss[i]);
	}
}

static const struct shmem_object *find_object(const struct shmem_report *r, const char *name_end)
{
	for (size_t i = 0; i < r->nobjects; i++) {
		size_t n = strlen(name_end);

		if (r->objects[i].name_len >= n && strcmp(r->objects[i].name + r->objects[i].name_len - n, name_end) == 0)
			return &r->objects[i];
	}
	return NULL;
}

static struct proc *snap_proc(int pid, uint64_t start)
{
	struct proc *p = calloc(1, sizeof *p);

	p->pid = pid;
	p->start_ticks = start;
	p->state = 'S';
	p->comm = strdup("p");
	return p;
}

static void test_report(void)
{
	struct fake f;
	char maps[2048], smaps[4096], mi[512], reused[256];
	struct buf b = { 0 };
	struct proc *procs[3];
	struct snapshot snap = { 0 };
	struct shmem_report *r;
	const struct shmem_object *o;
	struct stat nested;

	fake_setup(&f);
	fake_maps(&f, maps, sizeof maps, smaps, sizeof smaps);
	fake_proc_files(&f, 100, 500, maps, smaps);
	snprintf(reused, sizeof reused, "7f0000000000-7f0000002000 rw-s 00000000 %02x:%02x %llu %s/orphan\n",
		 f.major, f.minor, (unsigned long long)f.orphan.st_ino, f.shm);
	fake_proc_files(&f, 101, 5, reused, NULL);	/* the snapshot saw 101 started at 999 */
	fake_proc_files(&f, 102, 7, NULL, NULL);
	fixture_put(f.fd, "proc/sysvipc/shm", fixture_read("shmem/sysvipc-shm", &b));
	snprintf(mi, sizeof mi, "1 0 %u:%u / %s rw - tmpfs tmpfs rw,size=64k\n", f.major, f.minor, f.shm);
	procs[0] = snap_proc(100, 500);
	procs[1] = snap_proc(101, 999);
	procs[2] = snap_proc(102, 7);
	snap.procs = procs;
	snap.nprocs = snap.ntotal = 3;

	r = shmem_report_create_at(f.procfd, mi, strlen(mi), f.shm);
	ok(r != NULL, "report: over a fake tree");
	shmem_report_update(r, &snap);
	is_u64(r->nmounts, 1, "report: one tmpfs mount");
	ok(r->sysv_known, "report: sysvipc read");
	is_u64(r->unreadable, 1, "report: one process's maps unreadable");
	is_u64(r->nobjects, 8, "report: 3 files + 3 segments + memfd + shared anonymous");

	o = find_object(r, "/orphan");
	ok(o && o->kind == SHMEM_POSIX && !o->attributed && o->nusers == 0,
	   "report: a file nobody maps is unattributed (the reused pid's maps were not read)");
	ok(o && o->used.st == V_KNOWN && o->used.u == (uint64_t)f.orphan.st_blocks * 512, "report: ... its st_blocks");
	ok(o && o->size.u == 8191, "report: ... its size");
	ok(r->objects[0].attributed == false, "report: unattributed objects come first");
	o = find_object(r, "/used");
	ok(o && o->attributed && o->nusers == 1 && o->users[0].p == procs[0], "report: the mapped file is pid 100's");
	ok(o && o->users[0].rss.st == V_KNOWN && o->users[0].rss.u == 8 * 1024, "report: ... with its smaps Rss");
	ok(find_object(r, "/sub/nested") != NULL, "report: files in subdirectories are listed");
	o = find_object(r, "SYSV1234abcd");
	ok(o && o->kind == SHMEM_SYSV && o->nusers == 1 && o->used.u == 4194304, "report: the segment pid 100 maps");
	o = find_object(r, "SYSVdeadbeef");
	ok(o && !o->attributed && o->nattch == 0, "report: a segment nobody attached is unattributed");
	o = find_object(r, "SYSV00000000");
	ok(o && o->attributed && o->nusers == 0, "report: attached by processes not seen is still attributed");
	o = find_object(r, "memfd:wl");
	ok(o && o->kind == SHMEM_MEMFD && o->nusers == 1 && o->used.u == 2048, "report: memfd, used = its Pss");
	ok(o && o->deleted, "report: ... marked deleted as the kernel shows it");
	o = NULL;
	for (size_t i = 0; i < r->nobjects; i++)
		o = r->objects[i].kind == SHMEM_ANON ? &r->objects[i] : o;
	ok(o && o->name_len == 0 && o->inode == 1050 && o->size.u == 12288, "report: shared anonymous, by inode");
	fstatat(f.fd, "shm/sub/nested", &nested, 0);
	is_u64(r->nunattributed, 3, "report: three unattributed objects: two files, a segment");
	is_u64(r->unattributed, (uint64_t)(f.orphan.st_blocks + nested.st_blocks) * 512, "report: their bytes");

	shmem_report_update(r, &snap);
	is_u64(r->nobjects, 8, "report: a second update starts afresh");
	shmem_report_free(r);
	for (int i = 0; i < 3; i++) {
		free(procs[i]->comm);
		free(procs[i]);
	}
	buf_free(&b);
	fake_teardown(&f);
}

/* A machine with no shmem at all: no tmpfs, no segments, no processes. The report is
 * empty, and nothing is handed a NULL array (UBSan's nonnull check: CI's machine had no
 * shmem object, and the sort of none failed there). */
static void test_report_empty(void)
{
	struct fake f;
	struct snapshot snap = { 0 };
	struct shmem_report *r;
	const char *mi = "1 0 254:0 / / rw - ext4 /dev/vda rw\n";

	fake_setup(&f);
	r = shmem_report_create_at(f.procfd, mi, strlen(mi), f.shm);
	ok(r != NULL, "empty: a report over a tree with nothing");
	shmem_report_update(r, &snap);
	is_u64(r->nobjects, 0, "empty: no objects (the posix directory is not a tmpfs)");
	is_u64(r->nmounts, 0, "empty: no tmpfs mounts");
	ok(!r->sysv_known, "empty: no /proc/sysvipc/shm is not known, not zero segments");
	is_u64(r->nunattributed, 0, "empty: nothing unattributed");
	shmem_report_update(r, &snap);
	is_u64(r->nobjects, 0, "empty: a second update too");
	shmem_report_free(r);
	fake_teardown(&f);
}

int main(void)
{
	test_sysv();
	test_mountinfo();
	test_kind();
	test_report();
	test_report_empty();
	return tap_done();
}
