#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memtoprc.h"
#include "filter.h"

#define MEMTOPRC_NAME "memtoprc"

struct memtoprc_parser {
	struct memtoprc *c;
	memtoprc_warn_fn warn;
	void *ctx;
	unsigned line;
	int nwarn;
};

static __attribute__((format(printf, 2, 3))) void memtoprc_warn(struct memtoprc_parser *cp, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cp->nwarn++;
	if (cp->warn)
		cp->warn(cp->ctx, cp->line, msg);
}

/* Numbers in the file use '.' whatever LC_NUMERIC says, so a file stays readable after the
 * user changes locale. */
static locale_t memtoprc_c_locale(void)
{
	static locale_t c;

	if (!c)
		c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	return c;
}

int memtoprc_parse_delay(const char *s, double *out)
{
	locale_t c = memtoprc_c_locale();
	char *end;
	double v;

	errno = 0;
	v = c ? strtod_l(s, &end, c) : strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < MEMTOPRC_DELAY_MIN || v > MEMTOPRC_DELAY_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

static int memtoprc_set_fields(struct memtoprc_parser *cp, const char *v)
{
	struct memtoprc *c = cp->c;
	const char *bad;
	size_t badlen;
	int n = field_parse_list(v, c->view.cols, FLD_COUNT, &bad, &badlen);

	if (n >= 0) {
		c->view.ncols = n;
		return 0;
	}
	if (n == -E2BIG) {
		memtoprc_warn(cp, "more than %d fields", FLD_COUNT);
		return -EINVAL;
	}
	memtoprc_warn(cp, "unknown field '%.*s'", (int)(badlen > 32 ? 32 : badlen), bad);
	return -EINVAL;
}

static int memtoprc_set_sort(struct memtoprc_parser *cp, const char *v)
{
	int id = field_lookup(v);

	if (id < 0) {
		memtoprc_warn(cp, "unknown sort field '%.32s'", v);
		return -EINVAL;
	}
	cp->c->view.sort = id;
	return 0;
}

/* A setting that is one of two words: *out tells whether it is the second. */
static int memtoprc_set_either(struct memtoprc_parser *cp, const char *key, const char *v,
			       const char *first, const char *second, bool *out)
{
	if (strcmp(v, first) == 0 || strcmp(v, second) == 0) {
		*out = strcmp(v, second) == 0;
		return 0;
	}
	memtoprc_warn(cp, "%s wants %s or %s, not '%.32s'", key, first, second, v);
	return -EINVAL;
}

static int memtoprc_set_order(struct memtoprc_parser *cp, const char *v)
{
	return memtoprc_set_either(cp, "order", v, "descending", "ascending", &cp->c->view.ascending);
}

static int memtoprc_set_delay(struct memtoprc_parser *cp, const char *v)
{
	if (memtoprc_parse_delay(v, &cp->c->view.delay) == 0)
		return 0;
	memtoprc_warn(cp, "delay wants seconds from %g to %g, not '%.32s'", MEMTOPRC_DELAY_MIN, MEMTOPRC_DELAY_MAX, v);
	return -EINVAL;
}

static int memtoprc_set_units(struct memtoprc_parser *cp, const char *v)
{
	if (unit_parse(v, &cp->c->view.unit) == 0)
		return 0;
	memtoprc_warn(cp, "units wants auto, KiB, MiB or GiB, not '%.32s'", v);
	return -EINVAL;
}

static int memtoprc_set_kthreads(struct memtoprc_parser *cp, const char *v)
{
	return memtoprc_set_either(cp, "kernel_threads", v, "show", "hide", &cp->c->view.hide_kthreads);
}

static int memtoprc_set_tree(struct memtoprc_parser *cp, const char *v)
{
	return memtoprc_set_either(cp, "tree", v, "off", "on", &cp->c->view.tree);
}

static int memtoprc_set_mouse(struct memtoprc_parser *cp, const char *v)
{
	bool on;

	if (memtoprc_set_either(cp, "mouse", v, "off", "on", &on) < 0)
		return -EINVAL;
	cp->c->view.no_mouse = !on;
	return 0;
}

static int memtoprc_set_group(struct memtoprc_parser *cp, const char *v)
{
	int by = group_by_parse(v);

	if (strcmp(v, "none") == 0) {
		cp->c->view.grouped = false;
		return 0;
	}
	if (by < 0) {
		memtoprc_warn(cp, "group wants none, user, comm or cgroup, not '%.32s'", v);
		return -EINVAL;
	}
	cp->c->view.grouped = true;
	cp->c->view.group_by = by;
	return 0;
}

static int memtoprc_set_filter(struct memtoprc_parser *cp, const char *v)
{
	struct filter *f;
	char err[128];

	if (strlen(v) > MEMTOPRC_PATTERN_MAX) {
		memtoprc_warn(cp, "filter longer than %d bytes", MEMTOPRC_PATTERN_MAX);
		return -EINVAL;
	}
	if (*v) {
		f = filter_create(v, err, sizeof err);
		if (!f) {
			memtoprc_warn(cp, "bad filter pattern: %s", err);
			return -EINVAL;
		}
		filter_free(f);
	}
	strcpy(cp->c->filter, v);
	return 0;
}

static const struct memtoprc_key {
	const char *name;
	unsigned has;
	int (*set)(struct memtoprc_parser *cp, const char *v);
} memtoprc_keys[] = {
	{ "fields", MEMTOPRC_HAS_FIELDS, memtoprc_set_fields },
	{ "sort", MEMTOPRC_HAS_SORT, memtoprc_set_sort },
	{ "order", MEMTOPRC_HAS_ORDER, memtoprc_set_order },
	{ "delay", MEMTOPRC_HAS_DELAY, memtoprc_set_delay },
	{ "units", MEMTOPRC_HAS_UNITS, memtoprc_set_units },
	{ "filter", MEMTOPRC_HAS_FILTER, memtoprc_set_filter },
	{ "kernel_threads", MEMTOPRC_HAS_KTHREADS, memtoprc_set_kthreads },
	{ "tree", MEMTOPRC_HAS_TREE, memtoprc_set_tree },
	{ "group", MEMTOPRC_HAS_GROUP, memtoprc_set_group },
	{ "mouse", MEMTOPRC_HAS_MOUSE, memtoprc_set_mouse },
};

static int memtoprc_hex(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decodes "..." with \\ \" \t \n \xHH into out (room for len bytes + NUL). Returns 0, or
 * -EINVAL with a warning. */
static int memtoprc_unquote(struct memtoprc_parser *cp, const char *s, size_t len, char *out)
{
	size_t i = 1, o = 0;

	while (i < len && s[i] != '"') {
		char ch = s[i++];

		if (ch == '\\') {
			int hi, lo;

			ch = i < len ? s[i++] : '\0';
			if (ch == 't' || ch == 'n') {
				ch = ch == 't' ? '\t' : '\n';
			} else if (ch == 'x' && i + 1 < len && (hi = memtoprc_hex(s[i])) >= 0 &&
				   (lo = memtoprc_hex(s[i + 1])) >= 0 && (hi | lo)) {
				ch = (char)(hi << 4 | lo);
				i += 2;
			} else if (ch != '\\' && ch != '"') {
				memtoprc_warn(cp, "bad escape in quoted value");
				return -EINVAL;
			}
		}
		out[o++] = ch;
	}
	if (i >= len) {
		memtoprc_warn(cp, "quoted value without its closing quote");
		return -EINVAL;
	}
	for (i++; i < len; i++) {
		if (s[i] != ' ' && s[i] != '\t') {
			memtoprc_warn(cp, "text after the closing quote");
			return -EINVAL;
		}
	}
	out[o] = '\0';
	return 0;
}

static bool memtoprc_is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Trims s[0..*len) of blanks on both ends; returns the new start. */
static const char *memtoprc_trim(const char *s, size_t *len)
{
	while (*len && memtoprc_is_space(*s))
		s++, (*len)--;
	while (*len && memtoprc_is_space(s[*len - 1]))
		(*len)--;
	return s;
}

static const struct memtoprc_key *memtoprc_find_key(const char *k, size_t len)
{
	for (size_t i = 0; i < sizeof memtoprc_keys / sizeof memtoprc_keys[0]; i++) {
		if (strlen(memtoprc_keys[i].name) == len && memcmp(memtoprc_keys[i].name, k, len) == 0)
			return &memtoprc_keys[i];
	}
	return NULL;
}

static void memtoprc_line(struct memtoprc_parser *cp, const char *s, size_t len)
{
	char value[MEMTOPRC_LINE_MAX + 1];
	const struct memtoprc_key *key;
	const char *eq, *v;
	size_t klen, vlen;

	s = memtoprc_trim(s, &len);
	if (len == 0 || s[0] == '#')
		return;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t') {
			memtoprc_warn(cp, "control character in the line");
			return;
		}
	}
	eq = memchr(s, '=', len);
	if (!eq) {
		memtoprc_warn(cp, "expected \"key = value\"");
		return;
	}
	klen = (size_t)(eq - s);
	memtoprc_trim(s, &klen);
	key = memtoprc_find_key(s, klen);
	if (!key) {
		memtoprc_warn(cp, "unknown setting '%.*s'", (int)(klen > 32 ? 32 : klen), s);
		return;
	}
	vlen = len - (size_t)(eq + 1 - s);
	v = memtoprc_trim(eq + 1, &vlen);
	if (vlen && v[0] == '"') {
		if (memtoprc_unquote(cp, v, vlen, value) < 0)
			return;
	} else {
		memcpy(value, v, vlen);
		value[vlen] = '\0';
	}
	if (key->set(cp, value) == 0)
		cp->c->has |= key->has;
}

int memtoprc_parse(struct memtoprc *c, const char *buf, size_t len, memtoprc_warn_fn warn, void *ctx)
{
	struct memtoprc_parser cp = { c, warn, ctx, 0, 0 };
	size_t pos = 0;

	memset(c, 0, sizeof *c);
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;

		cp.line++;
		if (end - pos > MEMTOPRC_LINE_MAX)
			memtoprc_warn(&cp, "line longer than %d bytes", MEMTOPRC_LINE_MAX);
		else if (memchr(buf + pos, '\0', end - pos))
			memtoprc_warn(&cp, "NUL byte in the line");
		else
			memtoprc_line(&cp, buf + pos, end - pos);
		pos = end + 1;
	}
	return cp.nwarn;
}

/* Appends to buf; *used may run past n, which the caller reports as -ENOSPC. */
static __attribute__((format(printf, 4, 5))) void memtoprc_put(char *buf, size_t n, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(*used < n ? buf + *used : NULL, *used < n ? n - *used : 0, fmt, ap);
	va_end(ap);
	if (w > 0)
		*used += (size_t)w;
}

static void memtoprc_put_quoted(char *buf, size_t n, size_t *used, const char *s)
{
	memtoprc_put(buf, n, used, "\"");
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '\\' || ch == '"')
			memtoprc_put(buf, n, used, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			memtoprc_put(buf, n, used, "\\x%02x", ch);
		else
			memtoprc_put(buf, n, used, "%c", ch);
	}
	memtoprc_put(buf, n, used, "\"\n");
}

/* The shortest text that reads back as exactly the same delay. */
static void memtoprc_put_delay(char *buf, size_t n, size_t *used, double d)
{
	locale_t c = memtoprc_c_locale(), old = c ? uselocale(c) : (locale_t)0;
	char s[32];

	for (int prec = 1; prec <= 17; prec++) {
		snprintf(s, sizeof s, "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			break;
	}
	if (c)
		uselocale(old);
	memtoprc_put(buf, n, used, "delay = %s\n", s);
}

int memtoprc_format(const struct memtoprc *c, char *buf, size_t n)
{
	size_t used = 0;

	memtoprc_put(buf, n, &used, "# memtop settings, written by the interactive view (W).\n"
		   "# \"key = value\" lines; memtop --no-config ignores this file.\n");
	if (c->has & MEMTOPRC_HAS_FIELDS) {
		memtoprc_put(buf, n, &used, "fields = ");
		for (int i = 0; i < c->view.ncols; i++)
			memtoprc_put(buf, n, &used, "%s%s", i ? "," : "", fields[c->view.cols[i]].name);
		memtoprc_put(buf, n, &used, "\n");
	}
	if (c->has & MEMTOPRC_HAS_SORT)
		memtoprc_put(buf, n, &used, "sort = %s\n", fields[c->view.sort].name);
	if (c->has & MEMTOPRC_HAS_ORDER)
		memtoprc_put(buf, n, &used, "order = %s\n", c->view.ascending ? "ascending" : "descending");
	if (c->has & MEMTOPRC_HAS_DELAY)
		memtoprc_put_delay(buf, n, &used, c->view.delay);
	if (c->has & MEMTOPRC_HAS_UNITS)
		memtoprc_put(buf, n, &used, "units = %s\n", unit_name(c->view.unit));
	if (c->has & MEMTOPRC_HAS_KTHREADS)
		memtoprc_put(buf, n, &used, "kernel_threads = %s\n", c->view.hide_kthreads ? "hide" : "show");
	if (c->has & MEMTOPRC_HAS_TREE)
		memtoprc_put(buf, n, &used, "tree = %s\n", c->view.tree ? "on" : "off");
	if (c->has & MEMTOPRC_HAS_GROUP)
		memtoprc_put(buf, n, &used, "group = %s\n", c->view.grouped ? group_by_name(c->view.group_by) : "none");
	if (c->has & MEMTOPRC_HAS_MOUSE)
		memtoprc_put(buf, n, &used, "mouse = %s\n", c->view.no_mouse ? "off" : "on");
	if (c->has & MEMTOPRC_HAS_FILTER) {
		memtoprc_put(buf, n, &used, "filter = ");
		memtoprc_put_quoted(buf, n, &used, c->filter);
	}
	if (used >= n)
		return -ENOSPC;
	return (int)used;
}

_Static_assert(MEMTOPRC_LINE_MAX >= sizeof "filter = \"\"" + 4 * MEMTOPRC_PATTERN_MAX,
	       "the longest filter memtop writes must fit a line it reads");

static void memtoprc_count(void *ctx, unsigned line, const char *msg)
{
	(void)line;
	(void)msg;
	(*(int *)ctx)++;
}

/* Whether text reads back, without a warning, as exactly the settings of c. */
static bool memtoprc_reads_back(const struct memtoprc *c, const char *text, size_t len)
{
	struct memtoprc b;
	int warnings = 0;
	bool same;

	memtoprc_parse(&b, text, len, memtoprc_count, &warnings);
	same = warnings == 0 && b.has == c->has;
	if (c->has & MEMTOPRC_HAS_FIELDS)
		same = same && b.view.ncols == c->view.ncols &&
		       memcmp(b.view.cols, c->view.cols, c->view.ncols * sizeof *c->view.cols) == 0;
	if (c->has & MEMTOPRC_HAS_SORT)
		same = same && b.view.sort == c->view.sort;
	if (c->has & MEMTOPRC_HAS_ORDER)
		same = same && b.view.ascending == c->view.ascending;
	if (c->has & MEMTOPRC_HAS_DELAY)
		same = same && b.view.delay == c->view.delay;
	if (c->has & MEMTOPRC_HAS_UNITS)
		same = same && b.view.unit == c->view.unit;
	if (c->has & MEMTOPRC_HAS_KTHREADS)
		same = same && b.view.hide_kthreads == c->view.hide_kthreads;
	if (c->has & MEMTOPRC_HAS_TREE)
		same = same && b.view.tree == c->view.tree;
	if (c->has & MEMTOPRC_HAS_GROUP)
		same = same && b.view.grouped == c->view.grouped && (!c->view.grouped || b.view.group_by == c->view.group_by);
	if (c->has & MEMTOPRC_HAS_MOUSE)
		same = same && b.view.no_mouse == c->view.no_mouse;
	if (c->has & MEMTOPRC_HAS_FILTER)
		same = same && strcmp(b.filter, c->filter) == 0;
	return same;
}

/* Where memtoprc lives: an anchor, a directory that must exist and is opened as it is,
 * symbolic links and all (the system's layout: /home -> /var/home), and below it the
 * directories memtop may create, walked one at a time without following links. */
struct memtoprc_place {
	char anchor[4096];
	char below[512];	/* "NAME/memtop" or ".config/memtop" */
};

static int memtoprc_xdg_place(struct memtoprc_place *pl, const char *x)
{
	size_t len = strlen(x);
	const char *name;

	while (len > 1 && x[len - 1] == '/')
		len--;
	if (len >= sizeof pl->anchor)
		return -ENAMETOOLONG;
	memcpy(pl->anchor, x, len);
	pl->anchor[len] = '\0';
	name = strrchr(pl->anchor, '/') + 1;
	if (!*name) {	/* XDG_CONFIG_HOME=/ */
		strcpy(pl->below, "memtop");
		return 0;
	}
	if ((size_t)snprintf(pl->below, sizeof pl->below, "%s/memtop", name) >= sizeof pl->below)
		return -ENAMETOOLONG;
	pl->anchor[name - pl->anchor > 1 ? name - pl->anchor - 1 : 1] = '\0';
	return 0;
}

static int memtoprc_place(struct memtoprc_place *pl)
{
	const char *x = secure_getenv("XDG_CONFIG_HOME");
	const char *h = secure_getenv("HOME");
	struct passwd *pw;

	if (x && x[0] == '/')
		return memtoprc_xdg_place(pl, x);
	/* never "." or a relative HOME: that is how top read a planted file (CVE-2018-1122) */
	if (!h || h[0] != '/') {
		pw = getpwuid(geteuid());
		h = pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
	}
	if (!h)
		return -ENOENT;
	if ((size_t)snprintf(pl->anchor, sizeof pl->anchor, "%s", h) >= sizeof pl->anchor)
		return -ENAMETOOLONG;
	strcpy(pl->below, ".config/memtop");
	return 0;
}

int memtoprc_dir(char *buf, size_t n)
{
	struct memtoprc_place pl;
	int rc = memtoprc_place(&pl);
	int w;

	if (rc < 0)
		return rc;
	w = snprintf(buf, n, "%s/%s", strcmp(pl.anchor, "/") ? pl.anchor : "", pl.below);
	return w < 0 || (size_t)w >= n ? -ENAMETOOLONG : 0;
}

static ssize_t memtoprc_read_all(int fd, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int memtoprc_load(struct memtoprc *c, memtoprc_warn_fn warn, void *ctx)
{
	char dir[4096], path[4096 + sizeof MEMTOPRC_NAME + 1];
	struct stat st;
	ssize_t len;
	char *buf;
	int fd, rc;

	memset(c, 0, sizeof *c);
	if (getauxval(AT_SECURE))
		return -EPERM;	/* setuid or file capabilities: the user's file is not trusted */
	rc = memtoprc_dir(dir, sizeof dir);
	if (rc < 0)
		return rc;
	snprintf(path, sizeof path, "%s/" MEMTOPRC_NAME, dir);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP ? -EPERM : -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		close(fd);
		return -EACCES;	/* someone else may have written it */
	}
	if (st.st_size > MEMTOPRC_FILE_MAX) {
		close(fd);
		return -EFBIG;
	}
	buf = malloc(MEMTOPRC_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	len = memtoprc_read_all(fd, buf, MEMTOPRC_FILE_MAX + 1);
	close(fd);
	if (len > MEMTOPRC_FILE_MAX)
		len = -EFBIG;	/* grew while being read */
	if (len >= 0)
		memtoprc_parse(c, buf, (size_t)len, warn, ctx);
	free(buf);
	return len < 0 ? (int)len : 0;
}

/* Opens the next directory below fd, creating it (mode 0700) when missing: never through a
 * symbolic link (-ELOOP), never one of another user (-EPERM). Closes fd. */
static int memtoprc_step(int fd, const char *name, struct stat *st)
{
	int next;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		close(fd);
		return -EINVAL;
	}
	if (mkdirat(fd, name, 0700) < 0 && errno != EEXIST) {
		next = -errno;
		close(fd);
		return next;
	}
	next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (next < 0) {
		int err = errno;

		if (fstatat(fd, name, st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st->st_mode))
			err = ELOOP;	/* whatever open says of a link with O_DIRECTORY */
		close(fd);
		return -err;
	}
	close(fd);
	if (fstat(next, st) < 0 || st->st_uid != geteuid()) {
		close(next);
		return -EPERM;
	}
	return next;
}

/* The directory memtoprc goes in, opened from the anchor down one name at a time. The
 * anchor must be the effective user's or root's (root running with another user's HOME,
 * sudo -E, would leave root's files in that user's home); each directory below must be the
 * effective user's, and the last one writable by nobody else. On refusal, bad names the
 * directory at fault. */
static int memtoprc_open_dir(char *bad, size_t badsz)
{
	struct memtoprc_place pl;
	char *name, *save;
	struct stat st;
	int fd = memtoprc_place(&pl);

	if (fd < 0)
		return fd;
	snprintf(bad, badsz, "%s", pl.anchor);
	fd = open(pl.anchor, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || (st.st_uid != geteuid() && st.st_uid != 0)) {
		close(fd);
		return -EPERM;
	}
	for (name = strtok_r(pl.below, "/", &save); name; name = strtok_r(NULL, "/", &save)) {
		size_t used = strlen(bad);

		snprintf(bad + used, badsz - used, "%s%s", used > 1 ? "/" : "", name);
		fd = memtoprc_step(fd, name, &st);
		if (fd < 0)
			return fd;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		close(fd);
		return -EPERM;	/* others could swap the file for theirs */
	}
	return fd;
}

static int memtoprc_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

static int memtoprc_write_tmp(int dfd, const char *tmp, const char *text, size_t len)
{
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc;

	if (fd < 0 && errno == EEXIST) {	/* left by a crash: ours to replace */
		unlinkat(dfd, tmp, 0);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		return -errno;
	rc = memtoprc_write_all(fd, text, len);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

int memtoprc_save(const struct memtoprc *c, char *path, size_t n)
{
	char dir[4096], tmp[64], text[16384];	/* the longest settings take about 5 KiB */
	struct stat st;
	int dfd, len, rc;

	rc = memtoprc_dir(dir, sizeof dir);
	if (rc < 0)
		return rc;
	snprintf(path, n, "%s/" MEMTOPRC_NAME, dir);
	if (getauxval(AT_SECURE))
		return -ENOTSUP;	/* setuid or file capabilities: the invoker's files are not ours */
	len = memtoprc_format(c, text, sizeof text);
	if (len < 0)
		return len;
	if (!memtoprc_reads_back(c, text, (size_t)len))
		return -EBADMSG;	/* what the next start could not read is not written */
	dfd = memtoprc_open_dir(dir, sizeof dir);
	if (dfd < 0) {
		if (dfd == -ELOOP || dfd == -EPERM || dfd == -ENOTDIR || dfd == -EINVAL)
			snprintf(path, n, "%s", dir);	/* the directory at fault */
		return dfd;
	}
	if (fstatat(dfd, MEMTOPRC_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
		close(dfd);
		return S_ISLNK(st.st_mode) ? -ELOOP : -EINVAL;
	}
	snprintf(tmp, sizeof tmp, MEMTOPRC_NAME ".tmp.%ld", (long)getpid());
	rc = memtoprc_write_tmp(dfd, tmp, text, (size_t)len);
	if (rc == 0 && renameat(dfd, tmp, dfd, MEMTOPRC_NAME) < 0)
		rc = -errno;
	if (rc < 0)
		unlinkat(dfd, tmp, 0);
	else
		fsync(dfd);	/* the rename itself survives a crash */
	close(dfd);
	return rc;
}
