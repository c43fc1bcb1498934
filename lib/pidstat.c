#include <errno.h>
#include <string.h>

#include "pidstat.h"

/* One space-separated decimal field; *neg tells a minus sign (tpgid, priority, nice can be
 * negative). *sp moves past it. */
static int pidstat_field(const char **sp, const char *end, uint64_t *out, int *neg)
{
	const char *s = *sp;
	uint64_t v = 0;

	if (s >= end || *s != ' ')
		return -EINVAL;
	s++;
	*neg = s < end && *s == '-';
	s += *neg;
	if (s >= end || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*sp = s;
	*out = v;
	return 0;
}

int pidstat_parse(const char *buf, size_t len, struct pidstat *st)
{
	/* fields memtop uses, by their number in proc(5): none of them can be negative */
	static const uint32_t used = 1u << 4 | 1u << 9 | 1u << 10 | 1u << 12 | 1u << 20 |
				     1u << 22 | 1u << 23 | 1u << 24;
	const char *end = buf + len, *open, *close, *s;
	uint64_t v[25];
	int neg, pid = 0;

	open = memchr(buf, '(', len);
	close = memrchr(buf, ')', len);
	if (!open || !close || close < open)
		return -EINVAL;
	for (s = buf; s < open && *s >= '0' && *s <= '9' && s - buf < 9; s++)
		pid = pid * 10 + (*s - '0');
	if (s == buf || s + 1 != open || *s != ' ' || pid <= 0)
		return -EINVAL;
	s = close + 1;
	if (end - s < 3 || s[0] != ' ')
		return -EINVAL;
	st->state = s[1];
	if (!((st->state >= 'A' && st->state <= 'Z') || (st->state >= 'a' && st->state <= 'z')))
		return -EINVAL;	/* the kernel's states are letters */
	s += 2;
	for (int f = 4; f <= 24; f++) {
		if (pidstat_field(&s, end, &v[f], &neg) < 0 || (neg && (used & 1u << f)))
			return -EINVAL;
	}
	if (v[4] > INT32_MAX)
		return -EINVAL;
	st->pid = pid;
	st->comm = open + 1;
	st->comm_len = (size_t)(close - open - 1);
	st->ppid = (int)v[4];
	st->flags = (unsigned long)v[9];
	st->minflt = v[10];
	st->majflt = v[12];
	st->nlwp = (long)v[20];
	st->start_ticks = v[22];
	st->vsize = v[23];
	st->rss_pages = v[24];
	return 0;
}
