/* libFuzzer target for lib/openmetrics.c. The first byte picks what is fed:
 *   0: a label value (openmetrics_label), the rest the raw name;
 *   1: an Accept header (openmetrics_negotiate);
 *   2: a whole document whose processes' comm and user names (and one cgroup path) are the
 *      rest cut at NUL bytes, rendered in both formats.
 * Aborts when a label value could break the exposition or reach a reader unsafely (invalid
 * UTF-8, a control or invisible character, a quote or backslash not escaped), when the
 * encoding writes past its buffer, or when a document is not one line per sample ending
 * with "# EOF". */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "fuzz-utf8.h"
#include "openmetrics.h"

#define FUZZ_CANARY 0xa5

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool fuzz_hidden(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0x200b && cp <= 0x200f) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0xfeff;
}

/* A label value as written between the quotes: n bytes from s. Returns what it consumed up
 * to (not including) the closing quote. */
static size_t fuzz_check_value(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n && s[i] != '"') {
		uint32_t cp;
		size_t len = fuzz_utf8(u + i, n - i, &cp);

		if (len == 0 || fuzz_hidden(cp))
			abort();
		if (cp == '\\') {
			if (i + 1 >= n || (s[i + 1] != '\\' && s[i + 1] != '"'))
				abort();	/* memtop writes no other escape */
			len = 2;
		}
		i += len;
	}
	return i;
}

static void fuzz_label(const char *s, size_t n)
{
	size_t cap = OPENMETRICS_LABEL_MAX(n), len;
	char *buf = malloc(cap + 16);

	if (!buf)
		abort();
	memset(buf, FUZZ_CANARY, cap + 16);
	len = openmetrics_label(buf, cap, s, n);
	for (size_t i = cap; i < cap + 16; i++) {
		if ((unsigned char)buf[i] != FUZZ_CANARY)
			abort();
	}
	if (len != strlen(buf) || fuzz_check_value(buf, len) != len)
		abort();
	/* with room for everything, nothing is left out: a shorter buffer gives a prefix */
	if (n && len == 0)
		abort();
	free(buf);
}

static void fuzz_negotiate(const char *s, size_t n)
{
	char *h = strndup(s, n);
	enum openmetrics_format f;

	if (!h)
		abort();
	f = openmetrics_negotiate(h);
	if (f != OPENMETRICS_OM && f != OPENMETRICS_TEXT)
		abort();
	free(h);
}

/* Every line: a comment, or NAME[{LABELS}] VALUE with each label value checked. */
static void fuzz_check_doc(const char *doc, size_t len, bool om)
{
	const char *p = doc, *end = doc + len;

	if (len == 0 || doc[len - 1] != '\n')
		abort();
	if (om && (len < 6 || memcmp(end - 6, "# EOF\n", 6) != 0))
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *q = p;

		if (!nl)
			abort();
		if (*p != '#') {
			while (q < nl && *q != '{' && *q != ' ')
				q++;
			while (q < nl && *q != ' ' && (*q == '{' || *q == ',')) {
				const char *eq = memchr(q, '=', (size_t)(nl - q));

				if (!eq || eq[1] != '"')
					abort();
				q = eq + 2;
				q += fuzz_check_value(q, (size_t)(nl - q));
				if (q >= nl || *q != '"')
					abort();
				q++;
				if (*q == '}')
					q++;
			}
			if (q >= nl || *q != ' ')
				abort();
		}
		for (const char *c = p; c < nl; c++) {
			if ((unsigned char)*c < 0x20)
				abort();
		}
		p = nl + 1;
	}
}

static void fuzz_document(const char *s, size_t n)
{
	char *names[7] = { 0 };
	struct proc procs[3] = { 0 };
	const struct proc *list[3] = { &procs[0], &procs[1], &procs[2] }, *rows[3];
	struct cgroup_set cs = { 0 };
	struct snapshot snap = { .procs = list, .nprocs = 3, .all = list, .ntotal = 3, .cgroups = &cs };
	size_t at = 0;

	for (int i = 0; i < 7; i++) {
		size_t len = strnlen(s + at, n - at);

		names[i] = strndup(s + at, len);
		if (!names[i])
			abort();
		at += len < n - at ? len + 1 : len;
	}
	cs.layout.memory = CGROUP_V2;
	cgroup_set_get(&cs, names[6], strlen(names[6]));
	for (int i = 0; i < 3; i++) {
		procs[i].pid = i + 1;
		procs[i].comm = names[2 * i];
		procs[i].user = names[2 * i + 1];
		procs[i].cgroup = i == 0 && cs.n ? (int)cs.n - 1 : -1;
		procs[i].f[FLD_PSS] = (struct fval){ .u = (uint64_t)i << 20, .st = V_KNOWN };
		procs[i].f[FLD_RSS] = (struct fval){ .u = (uint64_t)i << 21, .st = V_KNOWN };
	}
	for (int f = 0; f < 2; f++) {
		char *buf = NULL;
		size_t len = 0, nrows = openmetrics_top(&snap, 2, rows);
		FILE *out = open_memstream(&buf, &len);

		if (!out || openmetrics_write(out, &snap, rows, nrows, &(struct openmetrics_opts){ f, 1 }) != 0)
			abort();
		fclose(out);
		fuzz_check_doc(buf, len, f == OPENMETRICS_OM);
		free(buf);
	}
	cgroup_set_free(&cs);
	for (int i = 0; i < 7; i++)
		free(names[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_label(s, size - 1);
		break;
	case 1:
		fuzz_negotiate(s, size - 1);
		break;
	default:
		fuzz_document(s, size - 1);
		break;
	}
	return 0;
}
