#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"
#include "xalloc.h"

#define MOUNTINFO_FIELDS_MAX 64	/* optional fields are few; a line with more is not one */

/* Decodes \ooo escapes in place; the result is never longer. */
static void mountinfo_unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static int mountinfo_devno(const char *s, unsigned *major, unsigned *minor)
{
	char *end;
	unsigned long a, b;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	a = strtoul(s, &end, 10);
	if (errno || *end != ':' || end[1] < '0' || end[1] > '9' || a > 0xfffff)
		return -EINVAL;
	b = strtoul(end + 1, &end, 10);
	if (errno || *end || b > 0xfffff)
		return -EINVAL;
	*major = a;
	*minor = b;
	return 0;
}

/* Splits a line (NUL-terminated copy) at single spaces. Returns the number of fields. */
static int mountinfo_split(char *line, char **field)
{
	int n = 0;

	for (char *p = line; n < MOUNTINFO_FIELDS_MAX;) {
		field[n++] = p;
		p = strchr(p, ' ');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS */
static int mountinfo_line(char *line, struct mountinfo_entry *e)
{
	char *f[MOUNTINFO_FIELDS_MAX];
	int n = mountinfo_split(line, f), sep;

	for (sep = 6; sep < n && strcmp(f[sep], "-") != 0; sep++)
		;
	if (n < 10 || sep + 4 != n || mountinfo_devno(f[2], &e->major, &e->minor) < 0)
		return -EINVAL;
	for (int i = 3; i < n; i++)
		mountinfo_unescape(f[i]);
	e->root = f[3];
	e->mountpoint = f[4];
	e->mount_opts = f[5];
	e->fstype = f[sep + 1];
	e->source = f[sep + 2];
	e->super_opts = f[sep + 3];
	return 0;
}

int mountinfo_parse(const char *buf, size_t len, mountinfo_cb cb, void *ctx)
{
	const char *p = buf, *end = buf + len;
	int rc = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = (nl ? nl : end) - p;
		char *line = xstrndup(p, n);	/* stops at a NUL byte: such a line is cut */
		struct mountinfo_entry e;

		p = nl ? nl + 1 : end;
		if (n && mountinfo_line(line, &e) < 0) {
			rc = -EINVAL;
		} else if (n) {
			int stop = cb(&e, ctx);

			if (stop) {
				free(line);
				return stop;
			}
		}
		free(line);
	}
	return rc;
}

int mountinfo_has_opt(const char *opts, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = opts; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	return 0;
}
