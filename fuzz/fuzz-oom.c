/* libFuzzer target for the OOM report's buffer parsers: /proc/PID/cgroup (cgroup_parse_proc),
 * the cgroup layout from mountinfo (cgroup_layout_parse, cgroup_relative), and the
 * --set-oom-adj value (oomadj_parse). Each is compared with a plainer reference written again
 * here; abort() on any disagreement, or on a path that is not inside its line. (The stat
 * line the oom_score_adj write checks is fuzz-stat's.)
 *
 *   fuzz/run oom */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "oomadj.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_oom_cgroup(const char *buf, size_t len)
{
	for (int v = CGROUP_V1; v <= CGROUP_V2; v++) {
		const char *path;
		size_t n;

		if (cgroup_parse_proc(buf, len, v, &path, &n) < 0)
			continue;
		if (path < buf || path + n > buf + len || n == 0 || *path != '/' || memchr(path, '\n', n))
			abort();
		if (path - buf < 3 || path[-1] != ':')
			abort();
	}
}

static void fuzz_oom_layout(const char *buf, size_t len)
{
	struct cgroup_layout l;

	cgroup_layout_parse(buf, len, &l);
	if ((l.memory == CGROUP_NONE) != (l.mount == NULL) || (l.mount && !l.root))
		abort();
	if (l.mount && l.root[0] == '/') {
		const char *rel = cgroup_relative(&l, l.root);

		if (!rel || *rel)
			abort();	/* the mount's own root is its top directory */
	}
	cgroup_layout_free(&l);
}

/* ^-?(0|[1-9][0-9]*)$, not "-0", within -1000..1000 */
static int fuzz_oom_ref_adj(const char *s, int *out)
{
	const char *d = *s == '-' ? s + 1 : s;
	size_t n = strlen(d);
	long v;

	if (n == 0 || strspn(d, "0123456789") != n || (n > 1 && d[0] == '0') || (d != s && strcmp(d, "0") == 0))
		return -EINVAL;
	if (n > 6)
		return -ERANGE;
	v = strtol(s, NULL, 10);
	if (v < -1000 || v > 1000)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

static void fuzz_oom_adj(const char *buf, size_t len)
{
	char s[16];
	int a = 7777, b = 7777, ra, rb;

	if (len >= sizeof s)
		len = sizeof s - 1;
	memcpy(s, buf, len);
	s[len] = '\0';
	ra = oomadj_parse(s, &a);
	rb = fuzz_oom_ref_adj(s, &b);
	if (ra != rb || a != b)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;

	fuzz_oom_cgroup(buf, size);
	fuzz_oom_layout(buf, size);
	fuzz_oom_adj(buf, size);
	return 0;
}
