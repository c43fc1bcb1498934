#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "psi.h"

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
			char *e;

			if (n == 0 || n >= sizeof num)
				return -EINVAL;
			memcpy(num, eq + 1, n);
			num[n] = '\0';
			if (eq - p == 5 && memcmp(p, "avg10", 5) == 0)
				out->avg10 = strtod(num, &e), seen |= 1;
			else if (eq - p == 5 && memcmp(p, "avg60", 5) == 0)
				out->avg60 = strtod(num, &e), seen |= 2;
			else if (eq - p == 6 && memcmp(p, "avg300", 6) == 0)
				out->avg300 = strtod(num, &e), seen |= 4;
			else if (eq - p == 5 && memcmp(p, "total", 5) == 0)
				out->total_us = strtoull(num, &e, 10), seen |= 8;
			else
				e = num + n;	/* a field added by a newer kernel */
			if (*e != '\0')
				return -EINVAL;
		}
		p = tok_end + 1;
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
		p = eol + 1;
	}
	if (!psi->known) {
		psi->has_full = false;
		return -EINVAL;
	}
	return 0;
}
