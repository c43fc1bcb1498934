/* Shmem attribution: the /proc/sysvipc/shm and mountinfo parsers (real captures and
 * hand-made oddities) and the mapping classifier. The whole report, over a fake /proc and a
 * fake tmpfs, is in test-sample. */
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

int main(void)
{
	test_sysv();
	test_mountinfo();
	test_kind();
	return tap_done();
}
