/* -m: where inside a process its memory lives. Status figures, the segment table, then every
 * mapping with its smaps figures, like pmap -X but classified. Text or JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "jsonout.h"
#include "mapsview.h"
#include "run.h"
#include "sanitize.h"
#include "segment.h"
#include "smaps.h"

/* The text report shows no PSS figure of the process: its status figures come from status,
 * the rest from smaps. JSON writes every field, Pss_Anon/File/Shmem among them, and those only
 * smaps_rollup has (smaps gives each mapping's Pss whole, and rounds it to kB per mapping): a
 * second walk of the page tables that the text report does not pay for. */
#define MAPSVIEW_NEED_TEXT (SRC_CMDLINE | SRC_STATUS | SRC_SMAPS | SRC_MAPS_LIST)
#define MAPSVIEW_NEED_JSON (MAPSVIEW_NEED_TEXT | SRC_ROLLUP)

/* The status figures, in the order /proc/PID/status lists them. */
static const struct {
	const char *label;
	enum field_id id;
} mapsview_status[] = {
	{ "VmPeak", FLD_PEAK }, { "VmSize", FLD_VIRT }, { "VmLck", FLD_LOCKED },
	{ "VmHWM", FLD_HWM }, { "VmRSS", FLD_RSS }, { "RssAnon", FLD_ANON },
	{ "RssFile", FLD_FILE }, { "RssShmem", FLD_SHMEM }, { "VmData", FLD_DATA },
	{ "VmStk", FLD_STACK }, { "VmExe", FLD_EXE }, { "VmLib", FLD_LIB },
	{ "VmPTE", FLD_PTE }, { "VmSwap", FLD_SWAP },
};

/* The smaps figures a field is made of, per mapping: a + b (b == a: just a). */
struct mapsview_pair {
	enum smaps_field a, b;
};

static bool mapsview_pair(enum field_id id, struct mapsview_pair *pr)
{
	static const struct {
		enum field_id id;
		struct mapsview_pair pr;
	} map[] = {
		{ FLD_VIRT, { SMAPS_SIZE, SMAPS_SIZE } }, { FLD_RSS, { SMAPS_RSS, SMAPS_RSS } },
		{ FLD_PSS, { SMAPS_PSS, SMAPS_PSS } }, { FLD_USS, { SMAPS_PRIVATE_CLEAN, SMAPS_PRIVATE_DIRTY } },
		{ FLD_SWAP, { SMAPS_SWAP, SMAPS_SWAP } }, { FLD_SWAP_PSS, { SMAPS_SWAP_PSS, SMAPS_SWAP_PSS } },
		{ FLD_LOCKED, { SMAPS_LOCKED, SMAPS_LOCKED } }, { FLD_ANON, { SMAPS_ANONYMOUS, SMAPS_ANONYMOUS } },
		{ FLD_DIRTY, { SMAPS_PRIVATE_DIRTY, SMAPS_SHARED_DIRTY } },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (map[i].id == id) {
			*pr = map[i].pr;
			return true;
		}
	}
	return false;
}

static uint64_t mapsview_pair_value(const struct mapping *m, struct mapsview_pair pr, bool *known)
{
	uint64_t need = (1ull << pr.a) | (1ull << pr.b);

	*known = (m->known & need) == need;
	return m->val[pr.a] + (pr.a != pr.b ? m->val[pr.b] : 0);
}

uint64_t mapsview_figure(const struct mapping *m, enum field_id id, bool *known)
{
	struct mapsview_pair pr;

	if (mapsview_pair(id, &pr))
		return mapsview_pair_value(m, pr, known);
	*known = false;
	return 0;
}

bool mapsview_sortable(enum field_id id)
{
	struct mapsview_pair pr;

	return mapsview_pair(id, &pr);
}

/* The field is looked up once, not at each of the n log n comparisons. */
static int mapsview_cmp(const void *a, const void *b, void *arg)
{
	const struct mapping *x = a, *y = b;
	struct mapsview_pair pr = *(const struct mapsview_pair *)arg;
	bool kx, ky;
	uint64_t vx = mapsview_pair_value(x, pr, &kx), vy = mapsview_pair_value(y, pr, &ky);

	if (kx != ky)
		return kx ? -1 : 1;
	if (vx != vy)
		return vx > vy ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

void mapsview_sort(struct mapping *maps, size_t n, enum field_id id)
{
	struct mapsview_pair pr;

	if (n > 1 && mapsview_pair(id, &pr))	/* maps is NULL for a process without any */
		qsort_r(maps, n, sizeof *maps, mapsview_cmp, &pr);
}

static void mapsview_size(FILE *out, uint64_t v, bool known, int width, enum unit u)
{
	char buf[32];

	fprintf(out, " %*s", width, known ? units_compact(buf, sizeof buf, v, u) : "-");
}

static void mapsview_text_status(FILE *out, const struct proc *p, enum unit u)
{
	size_t n = sizeof mapsview_status / sizeof mapsview_status[0];

	fprintf(out, "Status:\n");
	for (size_t i = 0; i < n; i++) {
		const struct fval *v = &p->f[mapsview_status[i].id];
		char buf[32];

		fprintf(out, "  %-9s%8s", mapsview_status[i].label,
			cell_bytes(buf, sizeof buf, v, u));
		fputs(i % 4 == 3 || i + 1 == n ? "\n" : "  ", out);
	}
}

static void mapsview_text_segments(FILE *out, const struct proc *p, enum unit u)
{
	uint64_t total[SEGF_COUNT] = { 0 };

	fprintf(out, "\n%-10s", "SEGMENT");
	for (int f = 0; f < SEGF_COUNT; f++) {
		char h[16];

		snprintf(h, sizeof h, "%s", segment_figure_name(f));
		for (char *c = h; *c; c++)
			*c = *c - 'a' + 'A';
		fprintf(out, " %7s", h);
	}
	fputc('\n', out);
	for (int s = 0; s < SEG_COUNT; s++) {
		fprintf(out, "%-10s", segment_name(s));
		for (int f = 0; f < SEGF_COUNT; f++) {
			mapsview_size(out, p->seg->v[s][f], true, 7, u);
			total[f] += p->seg->v[s][f];
		}
		fputc('\n', out);
	}
	fprintf(out, "%-10s", "total");
	for (int f = 0; f < SEGF_COUNT; f++)
		mapsview_size(out, total[f], true, 7, u);
	fputc('\n', out);
}

static const struct {
	const char *header;
	enum smaps_field a, b;
} mapsview_cols[] = {
	{ "SIZE", SMAPS_SIZE, SMAPS_SIZE }, { "RSS", SMAPS_RSS, SMAPS_RSS },
	{ "PSS", SMAPS_PSS, SMAPS_PSS }, { "SH_CLN", SMAPS_SHARED_CLEAN, SMAPS_SHARED_CLEAN },
	{ "SH_DRT", SMAPS_SHARED_DIRTY, SMAPS_SHARED_DIRTY },
	{ "PR_CLN", SMAPS_PRIVATE_CLEAN, SMAPS_PRIVATE_CLEAN },
	{ "PR_DRT", SMAPS_PRIVATE_DIRTY, SMAPS_PRIVATE_DIRTY }, { "SWAP", SMAPS_SWAP, SMAPS_SWAP },
	{ "SWPPSS", SMAPS_SWAP_PSS, SMAPS_SWAP_PSS }, { "LOCKED", SMAPS_LOCKED, SMAPS_LOCKED },
};

/* The mapping rows are most of -m's output: 60,000 of them for a big process, 10 figures
 * each. Going through printf for each was about a fifth of the run, so the rows are written
 * by hand into one line, byte for byte what the format strings
 * "%0*llx-%0*llx %s %08llx %02x:%02x %8llu", " %6s" and " %-9s " would make (the figures
 * through units_compact, whose whole-KiB path uses no printf either). */

/* Appends v in hex, lower case, zero-padded to at least width digits. */
static char *mapsview_put_hex(char *o, uint64_t v, int width)
{
	int n = 1;

	while (n < 16 && v >> (n * 4))
		n++;
	if (n < width)
		n = width;
	for (int i = n - 1; i >= 0; i--, v >>= 4)
		o[i] = "0123456789abcdef"[v & 15];
	return o + n;
}

/* Appends s right-aligned in width columns (never cut, as "%*s"). */
static char *mapsview_put_right(char *o, const char *s, size_t len, size_t width)
{
	for (size_t i = len; i < width; i++)
		*o++ = ' ';
	memcpy(o, s, len);
	return o + len;
}

static void mapsview_text_mapping(FILE *out, const struct mapping *m, int aw, enum unit u)
{
	/* before the path at most 94 bytes of address, perms, offset, device and inode, 10
	 * figures of up to 1 + 20 and 11 of segment: 315; the path then takes what sanitize_term
	 * writes into 4096 * 4 bytes, and " (deleted)\n" follows */
	char line[512 + 4096 * 4 + 16], num[32], *o = line;
	const char *seg = segment_name(m->seg);
	size_t n;

	o = mapsview_put_hex(o, m->start, aw);
	*o++ = '-';
	o = mapsview_put_hex(o, m->end, aw);
	*o++ = ' ';
	n = strnlen(m->perms, sizeof m->perms);
	memcpy(o, m->perms, n);
	o += n;
	*o++ = ' ';
	o = mapsview_put_hex(o, m->offset, 8);
	*o++ = ' ';
	o = mapsview_put_hex(o, m->dev_major, 2);
	*o++ = ':';
	o = mapsview_put_hex(o, m->dev_minor, 2);
	*o++ = ' ';
	o = mapsview_put_right(o, num, units_dec(num, m->inode), 8);
	for (size_t c = 0; c < sizeof mapsview_cols / sizeof mapsview_cols[0]; c++) {
		*o++ = ' ';
		if (m->known & (1ull << mapsview_cols[c].a))
			n = strlen(units_compact(num, sizeof num, m->val[mapsview_cols[c].a], u));
		else
			num[0] = '-', n = 1;
		o = mapsview_put_right(o, num, n, 6);
	}
	*o++ = ' ';
	n = strlen(seg);
	memcpy(o, seg, n);
	o += n;
	for (; n < 9; n++)
		*o++ = ' ';
	*o++ = ' ';
	if (m->path) {
		sanitize_term(o, 4096 * 4, m->path, strlen(m->path), 4096);
		o += strlen(o);
		if (m->deleted) {
			memcpy(o, " (deleted)", 10);
			o += 10;
		}
	}
	*o++ = '\n';
	fwrite(line, 1, (size_t)(o - line), out);
}

static void mapsview_text_maps(FILE *out, const struct proc *p, enum unit u)
{
	int aw = 12;

	for (size_t i = 0; i < p->nmaps; i++) {
		while (aw < 16 && (p->maps[i].end >> (aw * 4)))
			aw++;
	}
	fprintf(out, "\n%zu mappings\n%-*s %-4s %-8s %-5s %8s", p->nmaps, aw * 2 + 1, "ADDRESS", "PERM",
		"OFFSET", "DEV", "INODE");
	for (size_t c = 0; c < sizeof mapsview_cols / sizeof mapsview_cols[0]; c++)
		fprintf(out, " %6s", mapsview_cols[c].header);
	fprintf(out, " %-9s PATH\n", "SEGMENT");
	for (size_t i = 0; i < p->nmaps; i++)
		mapsview_text_mapping(out, &p->maps[i], aw, u);
}

static void mapsview_text(FILE *out, const struct proc *p, enum unit u, bool first)
{
	char cmd[4096 * 4];

	sanitize_term(cmd, sizeof cmd, p->cmdline ? p->cmdline : p->comm,
		      p->cmdline ? p->cmdline_len : strlen(p->comm), 1024);
	fprintf(out, "%sPID %d  user %s  %s\n", first ? "" : "\n", p->pid, p->user, cmd);
	mapsview_text_status(out, p, u);
	mapsview_text_segments(out, p, u);
	mapsview_text_maps(out, p, u);
}

/* The processes named by -p that could not be read: said once each, on stderr. */
static int mapsview_check(const struct run_config *rc, const struct snapshot *snap)
{
	int status = 0;

	for (size_t i = 0; i < rc->npids; i++) {
		struct proc *p = snapshot_find(snap, rc->pids[i]);

		if (!p) {
			run_error("no process with pid %d", rc->pids[i]);
			status = RUN_EXIT_RUNTIME;
		} else if (p->kernel_thread) {
			run_error("pid %d is a kernel thread: it has no address space of its own", p->pid);
			status = RUN_EXIT_RUNTIME;
		} else if (!p->has_segments) {
			run_error("cannot read /proc/%d/smaps: %s", p->pid,
				  strerror(p->smaps_errno ? p->smaps_errno : ESRCH));
			status = RUN_EXIT_RUNTIME;
		}
	}
	return status;
}

struct mapsview {
	const struct run_config *rc;
	bool jsonf[FLD_COUNT];
	struct jsonw *w;
	int bad;		/* a named process could not be read: exit 1 after showing the rest */
};

static int mapsview_emit(struct snapshot *snap, long i, void *ctx)
{
	struct mapsview *m = ctx;
	const struct run_config *rc = m->rc;

	m->bad = mapsview_check(rc, snap);
	snapshot_sort(snap, FLD_PID, true);
	for (size_t j = 0; j < snap->nprocs; j++) {
		struct proc *p = snap->procs[j];

		if (rc->sort_set && mapsview_sortable(rc->sort))
			mapsview_sort(p->maps, p->nmaps, rc->sort);
		if (!rc->json && p->has_segments)
			mapsview_text(stdout, p, rc->unit, i == 0 && j == 0);
	}
	if (rc->json)
		jsonout_snapshot(m->w, snap, &(struct jsonout_opts){ m->jsonf, true });
	return 0;
}

int mapsview_run(const struct run_config *rc)
{
	struct sample_request req = { rc->json ? MAPSVIEW_NEED_JSON : MAPSVIEW_NEED_TEXT, run_selection(rc), 0 };
	struct mapsview m = { .rc = rc };
	int status;

	for (int i = 0; i < FLD_COUNT; i++)
		m.jsonf[i] = true;
	if (rc->json)
		m.w = jsonw_create(stdout, false);
	status = run_loop(rc, &req, mapsview_emit, &m);
	jsonw_free(m.w);
	return status ? status : m.bad;
}
