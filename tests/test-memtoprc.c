/* memtoprc: parser, writer, and the file's safe loading and saving. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filter.h"
#include "memtoprc.h"
#include "tap.h"

static char last_warning[256];
static unsigned last_line;

static void warn(void *ctx, unsigned line, const char *msg)
{
	int *n = ctx;

	(*n)++;
	last_line = line;
	snprintf(last_warning, sizeof last_warning, "%s", msg);
}

static int parse(struct memtoprc *c, const char *text)
{
	int n = 0;

	last_warning[0] = '\0';
	memtoprc_parse(c, text, strlen(text), warn, &n);
	return n;
}

static void test_good(void)
{
	struct memtoprc c;

	is_int(parse(&c, "# comment\n\n  fields = pid,rss,cmd\nsort=uss\n\torder = ascending \n"
		     "delay = 0.25\nunits = MiB\nfilter = mem.*hog\nkernel_threads = hide\n"), 0,
	       "a good file gives no warning");
	is_int(c.has, MEMTOPRC_HAS_FIELDS | MEMTOPRC_HAS_SORT | MEMTOPRC_HAS_ORDER | MEMTOPRC_HAS_DELAY |
	       MEMTOPRC_HAS_UNITS | MEMTOPRC_HAS_FILTER | MEMTOPRC_HAS_KTHREADS, "every setting is present");
	ok(c.view.hide_kthreads, "kernel_threads = hide");
	is_int(c.view.ncols, 3, "three fields");
	ok(c.view.cols[0] == FLD_PID && c.view.cols[1] == FLD_RSS && c.view.cols[2] == FLD_CMD, "fields in order");
	ok(c.view.sort == FLD_USS && c.view.ascending, "sort and order");
	ok(c.view.delay == 0.25, "delay");
	ok(c.view.unit == UNIT_MIB, "units");
	is_str(c.filter, "mem.*hog", "unquoted filter is literal");
	is_int(parse(&c, "kernel_threads = show\n"), 0, "kernel_threads = show");
	ok((c.has & MEMTOPRC_HAS_KTHREADS) && !c.view.hide_kthreads, "shows them");
	is_int(parse(&c, "tree = on\ngroup = cgroup\nmouse = off\n"), 0, "tree, group, mouse");
	ok(c.view.tree && c.view.grouped && c.view.group_by == GROUP_CGROUP && c.view.no_mouse &&
	   c.has == (MEMTOPRC_HAS_TREE | MEMTOPRC_HAS_GROUP | MEMTOPRC_HAS_MOUSE), "the tree, by cgroup, no mouse");
	is_int(parse(&c, "tree = off\ngroup = none\nmouse = on\n"), 0, "and their opposites");
	ok(!c.view.tree && !c.view.grouped && !c.view.no_mouse, "no tree, no groups, the mouse");

	is_int(parse(&c, "delay = 2"), 0, "last line without newline");
	ok((c.has & MEMTOPRC_HAS_DELAY) && c.view.delay == 2, "and it counts");
	is_int(parse(&c, "sort = rss\r\n"), 0, "CRLF line ends");
	ok(c.view.sort == FLD_RSS, "sort from a CRLF line");
	is_int(parse(&c, "filter = \"a\\\\d \\\"q\\\" #x\"\n"), 0, "quoted filter");
	is_str(c.filter, "a\\d \"q\" #x", "escapes decoded");
	is_int(parse(&c, "filter = \"\"\n"), 0, "empty filter");
	ok((c.has & MEMTOPRC_HAS_FILTER) && c.filter[0] == '\0', "means no filter");
}

static void test_bad(void)
{
	struct memtoprc c;
	char *big;
	int n;

	is_int(parse(&c, "colour = red\nsort = pss\n"), 1, "unknown key: one warning");
	ok(strstr(last_warning, "colour") && last_line == 1, "names the key and line 1: %s", last_warning);
	ok((c.has & MEMTOPRC_HAS_SORT) && c.view.sort == FLD_PSS, "the next line still counts");
	is_int(parse(&c, "fields = pid,bogus\n"), 1, "unknown field");
	ok(strstr(last_warning, "bogus") && !(c.has & MEMTOPRC_HAS_FIELDS), "names it, no fields: %s", last_warning);
	is_int(parse(&c, "fields = pid,,rss\n"), 1, "empty field name");
	is_int(parse(&c, "fields =\n"), 1, "no fields");
	is_int(parse(&c, "sort = nope\n"), 1, "unknown sort");
	is_int(parse(&c, "order = sideways\n"), 1, "bad order");
	is_int(parse(&c, "units = parsecs\n"), 1, "bad units");
	is_int(parse(&c, "group = pid\n"), 1, "group: a grouping or none");
	ok(strstr(last_warning, "none, user, comm or cgroup") && !(c.has & MEMTOPRC_HAS_GROUP), "says so: %s", last_warning);
	is_int(parse(&c, "mouse = yes\ntree = 1\n"), 2, "mouse and tree: on or off");
	ok(!(c.has & (MEMTOPRC_HAS_MOUSE | MEMTOPRC_HAS_TREE)), "neither is set");
	is_int(parse(&c, "kernel_threads = yes\n"), 1, "kernel_threads: only show or hide");
	ok(strstr(last_warning, "show or hide") && !(c.has & MEMTOPRC_HAS_KTHREADS), "says so: %s", last_warning);
	is_int(parse(&c, "filter = (unclosed\n"), 1, "bad pattern");
	ok(strstr(last_warning, "missing closing parenthesis") != NULL, "PCRE2's message: %s", last_warning);
	is_int(parse(&c, "filter = \"open\n"), 1, "unterminated quote");
	is_int(parse(&c, "filter = \"a\" b\n"), 1, "text after the quote");
	is_int(parse(&c, "filter = \"\\q\"\n"), 1, "bad escape");
	is_int(parse(&c, "filter = \"\\x00\"\n"), 1, "NUL escape refused");
	is_int(parse(&c, "just words\n"), 1, "no '='");
	is_int(parse(&c, "sort = pss\x1b[2J\n"), 1, "control character");
	n = 0;
	{
		static const char nul[] = "sort = p\0ss\ndelay = 3\n";

		memtoprc_parse(&c, nul, sizeof nul - 1, warn, &n);
	}
	ok(n == 1 && !(c.has & MEMTOPRC_HAS_SORT) && c.view.delay == 3, "NUL byte: that line alone skipped");
	is_int(parse(&c, "=\n = \n==\n"), 3, "bare equals signs");

	/* huge values */
	for (const char *const *d = (const char *const[]){ "0", "0.001", "86401", "1e999", "nan", "inf",
							     "-1", "1x", "", "1 2", NULL }; *d; d++) {
		char line[64];

		snprintf(line, sizeof line, "delay = %s\n", *d);
		is_int(parse(&c, line), 1, "delay '%s' refused", *d);
		ok(!(c.has & MEMTOPRC_HAS_DELAY), "and not set");
	}
	is_int(parse(&c, "delay = 86400\n"), 0, "delay at the upper bound");
	is_int(parse(&c, "delay = 0.01\n"), 0, "delay at the lower bound");

	big = malloc(MEMTOPRC_LINE_MAX * 2 + 64);
	strcpy(big, "filter = ");
	memset(big + 9, 'a', MEMTOPRC_LINE_MAX * 2);
	strcpy(big + 9 + MEMTOPRC_LINE_MAX * 2, "\nsort = rss\n");
	is_int(parse(&c, big), 1, "a line longer than the limit");
	ok(!(c.has & MEMTOPRC_HAS_FILTER) && c.view.sort == FLD_RSS, "skipped, the next line read");
	strcpy(big, "filter = ");
	memset(big + 9, 'a', MEMTOPRC_PATTERN_MAX + 1);
	big[9 + MEMTOPRC_PATTERN_MAX + 1] = '\0';
	is_int(parse(&c, big), 1, "a pattern over its limit");
	big[9 + MEMTOPRC_PATTERN_MAX] = '\0';
	is_int(parse(&c, big), 0, "a pattern at its limit");
	strcpy(big, "fields = pid");
	for (int i = 0; i < FLD_COUNT; i++)
		strcat(big, ",rss");
	is_int(parse(&c, big), 1, "more fields than the registry has");
	ok(strstr(last_warning, "more than") != NULL, "says so: %s", last_warning);
	free(big);
}

static void same(const struct memtoprc *a, const struct memtoprc *b, const char *what)
{
	ok(a->has == b->has && a->view.ncols == b->view.ncols &&
	   memcmp(a->view.cols, b->view.cols, a->view.ncols * sizeof *a->view.cols) == 0 &&
	   a->view.sort == b->view.sort && a->view.ascending == b->view.ascending &&
	   a->view.delay == b->view.delay && a->view.unit == b->view.unit &&
	   a->view.hide_kthreads == b->view.hide_kthreads && a->view.tree == b->view.tree &&
	   a->view.grouped == b->view.grouped && (!a->view.grouped || a->view.group_by == b->view.group_by) &&
	   a->view.no_mouse == b->view.no_mouse &&
	   strcmp(a->filter, b->filter) == 0, "round trip: %s", what);
}

static void test_round_trip(void)
{
	static const char *const patterns[] = {
		"", "memhog", "a\\d+\"x\" # not a comment", "tab\there\x7f", "caf\xc3\xa9 \xe2\x98\x83", " lead and trail ",
	};
	static const double delays[] = { 1, 0.3, 0.01, 86400, 1.0 / 3 };
	struct memtoprc a = { 0 }, b;
	char text[8192];
	int n;

	a.has = MEMTOPRC_HAS_FIELDS | MEMTOPRC_HAS_SORT | MEMTOPRC_HAS_ORDER | MEMTOPRC_HAS_DELAY |
		MEMTOPRC_HAS_UNITS | MEMTOPRC_HAS_FILTER | MEMTOPRC_HAS_KTHREADS | MEMTOPRC_HAS_TREE |
		MEMTOPRC_HAS_GROUP | MEMTOPRC_HAS_MOUSE;
	for (int i = 0; i < FLD_COUNT; i++)
		a.view.cols[i] = FLD_COUNT - 1 - i;
	a.view.ncols = FLD_COUNT;
	a.view.sort = FLD_SEG_HEAP;
	a.view.unit = UNIT_GIB;
	for (size_t i = 0; i < sizeof patterns / sizeof *patterns; i++) {
		snprintf(a.filter, sizeof a.filter, "%s", patterns[i]);
		a.view.delay = delays[i % 5];
		a.view.ascending = i & 1;
		a.view.hide_kthreads = i % 3 == 1;
		a.view.tree = i % 2 == 0;
		a.view.grouped = i % 4 != 3;
		a.view.group_by = (enum group_by)(i % GROUP_BY_COUNT);
		a.view.no_mouse = i % 3 == 2;
		n = memtoprc_format(&a, text, sizeof text);
		ok(n > 0, "formats (%d bytes)", n);
		is_int(parse(&b, text), 0, "reads back without warning");
		same(&a, &b, patterns[i]);
	}
	memset(a.filter, 'x', MEMTOPRC_PATTERN_MAX);
	a.filter[MEMTOPRC_PATTERN_MAX] = '\0';
	ok(memtoprc_format(&a, text, sizeof text) > 0 && parse(&b, text) == 0, "longest pattern");
	same(&a, &b, "longest pattern");
	is_int(memtoprc_format(&a, text, 100), -ENOSPC, "too small a buffer: -ENOSPC");
	b.has = 0;
	ok(memtoprc_format(&b, text, sizeof text) > 0 && parse(&a, text) == 0 && a.has == 0, "nothing set: only comments");
}

/* Fills a pattern of MEMTOPRC_PATTERN_MAX bytes with unit repeated (whole units only). */
static void hostile_pattern(char *out, const char *unit)
{
	size_t n = strlen(unit), used = 0;

	while (used + n <= MEMTOPRC_PATTERN_MAX) {
		memcpy(out + used, unit, n);
		used += n;
	}
	out[used] = '\0';
}

/* What W writes must load: the longest patterns of the bytes written as escapes (issue 16:
 * 1,024 tabs became 4 KiB of \x09, past the line limit, and the file did not load). */
static void test_hostile_filters(void)
{
	static const char *const units[] = {
		"\t", "\n", "\x01", "\x7f", "\x1b", "\r", "\\\\", "\"", "\t\n\x1b\x7f\"\\\\ #=", "\xc2\x9b",
		"\xe2\x80\xae", "caf\xc3\xa9 ", " ",
	};
	struct memtoprc a = { .has = MEMTOPRC_HAS_FILTER | MEMTOPRC_HAS_FIELDS }, b;
	char text[16384], err[256];

	for (int i = 0; i < FLD_COUNT; i++)
		a.view.cols[i] = i;
	a.view.ncols = FLD_COUNT;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		struct filter *f;
		int n;

		hostile_pattern(a.filter, units[i]);
		f = filter_create(a.filter, err, sizeof err);
		ok(f != NULL, "pattern %zu compiles: %s", i, f ? "yes" : err);
		filter_free(f);
		n = memtoprc_format(&a, text, sizeof text);
		ok(n > 0, "pattern %zu formats (%d bytes)", i, n);
		is_int(parse(&b, text), 0, "pattern %zu reads back without warning %s", i, last_warning);
		same(&a, &b, "a pattern of 1,024 hostile bytes");
	}
}

static char tmpdir[] = "/tmp/memtop-memtoprc-XXXXXX";

/* Whether tmpdir/rel exists (as anything, a link included). */
static bool exists(const char *rel)
{
	char p[4200];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", tmpdir, rel);
	return lstat(p, &st) == 0;
}

/* W writes only below a directory of the effective user (or root's), through directories
 * of its own, none of them a symbolic link (issue 16: root with another user's HOME). */
static void test_places(const struct memtoprc *a)
{
	char home[4096], path[4200], cmd[4300];
	struct memtoprc b;
	int fd;

	unsetenv("XDG_CONFIG_HOME");
	snprintf(home, sizeof home, "%s/home", tmpdir);
	mkdir(home, 0700);
	setenv("HOME", home, 1);

	/* ~/.config a symbolic link to elsewhere: refused, nothing written there */
	snprintf(path, sizeof path, "%s/elsewhere", tmpdir);
	ok(mkdir(path, 0700) == 0, "a directory elsewhere");
	snprintf(path, sizeof path, "%s/home/.config", tmpdir);
	ok(symlink("../elsewhere", path) == 0, "~/.config a link to it");
	is_int(memtoprc_save(a, path, sizeof path), -ELOOP, "save refuses the linked ~/.config");
	ok(strlen(path) > 13 && strcmp(path + strlen(path) - 13, "/home/.config") == 0, "names it: %s", path);
	ok(!exists("elsewhere/memtop"), "nothing created through the link");
	snprintf(path, sizeof path, "%s/home/.config", tmpdir);
	unlink(path);

	/* ~/.config/memtop a link: the same */
	snprintf(path, sizeof path, "%s/home/.config", tmpdir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/home/.config/memtop", tmpdir);
	ok(symlink("../../elsewhere", path) == 0, "~/.config/memtop a link");
	is_int(memtoprc_save(a, path, sizeof path), -ELOOP, "save refuses it");
	ok(!exists("elsewhere/memtoprc"), "nothing written through the link");
	snprintf(path, sizeof path, "%s/home/.config/memtop", tmpdir);
	unlink(path);

	/* the memtop directory writable by others: refused; made private: saved */
	ok(mkdir(path, 0700) == 0 && chmod(path, 0770) == 0, "~/.config/memtop group-writable");
	is_int(memtoprc_save(a, path, sizeof path), -EPERM, "save refuses a directory others may write in");
	snprintf(path, sizeof path, "%s/home/.config/memtop", tmpdir);
	chmod(path, 0700);
	is_int(memtoprc_save(a, path, sizeof path), 0, "saves once it is private");
	is_int(memtoprc_load(&b, NULL, NULL), 0, "and loads");

	/* the loader refuses a file others may write */
	ok(chmod(path, 0620) == 0, "memtoprc group-writable");
	is_int(memtoprc_load(&b, NULL, NULL), -EACCES, "load refuses it: -EACCES");
	chmod(path, 0644);
	is_int(memtoprc_load(&b, NULL, NULL), 0, "readable by others is fine");

	/* XDG_CONFIG_HOME a link: refused; its parent is the anchor */
	snprintf(path, sizeof path, "%s/xdglink", tmpdir);
	ok(symlink("elsewhere", path) == 0, "XDG_CONFIG_HOME a link");
	setenv("XDG_CONFIG_HOME", path, 1);
	is_int(memtoprc_save(a, path, sizeof path), -ELOOP, "save refuses it");
	ok(!exists("elsewhere/memtop"), "nothing created through it");
	unsetenv("XDG_CONFIG_HOME");

	if (geteuid() != 0) {
		ok(1, "# SKIP the directories of another user need root");
		return;
	}
	/* HOME of another user (root under sudo -E): nothing created in it */
	snprintf(home, sizeof home, "%s/other", tmpdir);
	ok(mkdir(home, 0755) == 0 && chown(home, 65534, 65534) == 0, "a home of uid 65534");
	setenv("HOME", home, 1);
	is_int(memtoprc_save(a, path, sizeof path), -EPERM, "save refuses another user's HOME");
	ok(strcmp(path, home) == 0, "names it: %s", path);
	ok(!exists("other/.config"), "nothing created in it");
	/* an own HOME with another user's ~/.config below */
	snprintf(home, sizeof home, "%s/own", tmpdir);
	mkdir(home, 0700);
	setenv("HOME", home, 1);
	snprintf(path, sizeof path, "%s/own/.config", tmpdir);
	ok(mkdir(path, 0755) == 0 && chown(path, 65534, 65534) == 0, "~/.config of uid 65534");
	is_int(memtoprc_save(a, path, sizeof path), -EPERM, "save refuses it");
	ok(!exists("own/.config/memtop"), "nothing created in it");
	/* a root-owned anchor is fine (XDG_CONFIG_HOME=/tmp/...) */
	snprintf(path, sizeof path, "%s/xdg2", tmpdir);
	setenv("XDG_CONFIG_HOME", path, 1);
	is_int(memtoprc_save(a, path, sizeof path), 0, "saves below a root-owned parent");
	fd = open(path, O_RDONLY);
	ok(fd >= 0, "the file is there: %s", path);
	close(fd);
	snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'", tmpdir);
	ok(system(cmd) == 0, "chmod for cleanup");
}

static void test_files(void)
{
	char path[4096], dir[4096], link[4200];
	struct memtoprc a = { .has = MEMTOPRC_HAS_SORT | MEMTOPRC_HAS_DELAY, .view.sort = FLD_USS, .view.delay = 2.5 }, b;
	int fd;

	if (!mkdtemp(tmpdir)) {
		ok(0, "mkdtemp");
		return;
	}
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	setenv("HOME", tmpdir, 1);
	ok(memtoprc_dir(dir, sizeof dir) == 0 && strncmp(dir, tmpdir, strlen(tmpdir)) == 0 &&
	   strstr(dir, "/.config/memtop"), "relative XDG_CONFIG_HOME ignored, HOME used: %s", dir);
	setenv("HOME", "also/relative", 1);
	ok(memtoprc_dir(dir, sizeof dir) == 0 && dir[0] == '/', "relative HOME ignored: %s", dir);

	snprintf(path, sizeof path, "%s/xdg", tmpdir);
	setenv("XDG_CONFIG_HOME", path, 1);
	is_int(memtoprc_load(&b, NULL, NULL), -ENOENT, "no file yet: -ENOENT");
	is_int(memtoprc_save(&a, path, sizeof path), 0, "saves, creating the directories");
	ok(strstr(path, "/xdg/memtop/memtoprc") != NULL, "where: %s", path);
	is_int(memtoprc_load(&b, NULL, NULL), 0, "loads");
	same(&a, &b, "through the file");
	memtoprc_dir(dir, sizeof dir);
	{
		struct stat st;

		ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "directory is private");
		ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "file is private");
	}

	/* the longest pattern of escaped bytes goes through the file; what would not read back
	 * is not written */
	{
		struct memtoprc t = { .has = MEMTOPRC_HAS_FILTER | MEMTOPRC_HAS_SORT, .view.sort = FLD_RSS };
		struct stat st0, st1;

		hostile_pattern(t.filter, "\t");
		is_int(memtoprc_save(&t, path, sizeof path), 0, "1,024 tabs saved");
		is_int(memtoprc_load(&b, NULL, NULL), 0, "and loaded");
		same(&t, &b, "1,024 tabs through the file");
		ok(stat(path, &st0) == 0, "the file is there");
		strcpy(t.filter, "bad\xff utf-8");
		is_int(memtoprc_save(&t, path, sizeof path), -EBADMSG, "a pattern that would not load: -EBADMSG");
		strcpy(t.filter, "(unclosed");
		is_int(memtoprc_save(&t, path, sizeof path), -EBADMSG, "a pattern that does not compile: -EBADMSG");
		ok(stat(path, &st1) == 0 && st1.st_ino == st0.st_ino && st1.st_size == st0.st_size,
		   "the file saved before is left as it was");
		is_int(memtoprc_save(&a, path, sizeof path), 0, "saved again");
	}

	/* a symbolic link planted in its place is never followed */
	unlink(path);
	snprintf(link, sizeof link, "%s/target", tmpdir);
	fd = open(link, O_WRONLY | O_CREAT, 0600);
	ok(fd >= 0 && write(fd, "sort = rss\n", 11) == 11, "target file");
	close(fd);
	ok(symlink(link, path) == 0, "memtoprc as a symlink");
	is_int(memtoprc_load(&b, NULL, NULL), -EPERM, "load refuses the link");
	is_int(memtoprc_save(&a, path, sizeof path), -ELOOP, "save refuses the link");
	{
		struct stat st;

		ok(stat(link, &st) == 0 && st.st_size == 11, "target untouched");
	}
	unlink(path);

	/* a directory in place of the file, a huge file */
	ok(mkdir(path, 0700) == 0, "memtoprc as a directory");
	ok(memtoprc_save(&a, path, sizeof path) < 0, "save refuses it");
	ok(memtoprc_load(&b, NULL, NULL) < 0, "load refuses it");
	rmdir(path);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	ok(fd >= 0 && ftruncate(fd, MEMTOPRC_FILE_MAX + 1) == 0, "oversized file");
	close(fd);
	is_int(memtoprc_load(&b, NULL, NULL), -EFBIG, "not read: -EFBIG");
	unlink(path);
	unlink(link);
	test_places(&a);
	snprintf(link, sizeof link, "rm -rf '%s'", tmpdir);
	ok(system(link) == 0, "cleanup");
}

int main(void)
{
	test_good();
	test_bad();
	test_round_trip();
	test_hostile_filters();
	test_files();
	return tap_done();
}
