#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "psi.h"

/* The kernel prints "%lu.%02lu". Parsed by hand: strtod() would follow LC_NUMERIC (a
 * comma locale reads "0.12" as 0 and rejects the line) and would accept a sign, "nan",
 * "inf" or "1e999", figures no kernel can produce. */
static int psi_parse_avg(const char *num, double *out)
{
	double ip = 0, frac = 0, div = 1;
	const char *s = num;

	for (; *s >= '0' && *s <= '9'; s++)
		ip = ip * 10 + (*s - '0');
	if (s == num)
		return -EINVAL;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			frac = frac * 10 + (*s - '0');
			div *= 10;
		}
	}
	if (*s != '\0')
		return -EINVAL;
	*out = ip + frac / div;	/* 12 / 100: the same double strtod gives for "0.12" */
	return 0;
}

static int psi_parse_total(const char *num, uint64_t *out)
{
	unsigned long long v;
	char *e;

	if (*num < '0' || *num > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(num, &e, 10);
	if (*e != '\0' || errno != 0)
		return -EINVAL;
	*out = v;
	return 0;
}

/* One line: "avg10=0.12 avg60=0.00 avg300=0.00 total=12345" after the "some"/"full" word. */
static int psi_parse_line(const char *p, const char *end, struct psi_line *out)
{
	int seen = 0;

	while (p < end) {
		const char *sp = memchr(p, ' ', end - p);
		const char *tok_end = sp ? sp : end;
		const char *eq = memchr(p, '=', tok_end - p);

		if (eq) {
			char num[32];
			size_t n = tok_end - eq - 1;
			int rc = 0;

			if (n == 0 || n >= sizeof num)
				return -EINVAL;
			memcpy(num, eq + 1, n);
			num[n] = '\0';
			if (eq - p == 5 && memcmp(p, "avg10", 5) == 0)
				rc = psi_parse_avg(num, &out->avg10), seen |= 1;
			else if (eq - p == 5 && memcmp(p, "avg60", 5) == 0)
				rc = psi_parse_avg(num, &out->avg60), seen |= 2;
			else if (eq - p == 6 && memcmp(p, "avg300", 6) == 0)
				rc = psi_parse_avg(num, &out->avg300), seen |= 4;
			else if (eq - p == 5 && memcmp(p, "total", 5) == 0)
				rc = psi_parse_total(num, &out->total_us), seen |= 8;
			/* else: a field added by a newer kernel */
			if (rc < 0)
				return rc;
		}
		p = sp ? sp + 1 : end;
	}
	return seen == 15 ? 0 : -EINVAL;
}

int psi_parse(const char *buf, size_t len, struct psi *psi)
{
	const char *p = buf, *end = buf + len;

	memset(psi, 0, sizeof *psi);
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *eol = nl ? nl : end;

		if (eol - p > 5 && memcmp(p, "some ", 5) == 0)
			psi->known = psi_parse_line(p + 5, eol, &psi->some) == 0;
		else if (eol - p > 5 && memcmp(p, "full ", 5) == 0)
			psi->has_full = psi_parse_line(p + 5, eol, &psi->full) == 0;
		p = nl ? nl + 1 : end;
	}
	if (!psi->known) {
		psi->has_full = false;
		return -EINVAL;
	}
	return 0;
}
