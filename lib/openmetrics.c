/* The snapshot as metric families. One document shape for both formats: the machine, the
 * OOM killer, groups, processes, the scrape; each family's metadata then its samples, never
 * interleaved. Meanings follow node_exporter (node_memory_*_bytes) and process-exporter
 * (namedprocess_namegroup_memory_bytes{memtype}); the names are memtop's own, so both can
 * be scraped side by side. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgroup.h"
#include "group.h"
#include "oom.h"
#include "openmetrics.h"
#include "sysmem.h"
#include "utf8.h"
#include "xalloc.h"

struct om_family {
	const char *name;	/* the family; a counter's samples add _total */
	const char *type;	/* "gauge" or "counter" */
	const char *unit;	/* "bytes", "seconds" (the name's suffix), or NULL */
	const char *help;
};

struct om_labels {
	char *s;		/* name="value",... NUL-terminated */
	size_t len, cap;
};

struct om {
	FILE *out;
	enum openmetrics_format fmt;
	struct om_labels labels;	/* the set being built */
};

const char *openmetrics_content_type(enum openmetrics_format f)
{
	return f == OPENMETRICS_TEXT ? "text/plain; version=0.0.4; charset=utf-8"
				     : "application/openmetrics-text; version=1.0.0; charset=utf-8";
}

/* ---- label values ---- */

static const char om_hex[] = "0123456789ABCDEF";

static bool om_escaped_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || utf8_is_invisible(cp) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
	       (cp & 0xfffe) == 0xfffe;
}

/* One unit of the value: an escape, or a character kept. Returns the input bytes used. */
static size_t om_label_unit(const unsigned char *s, size_t len, char *u, size_t *ulen)
{
	uint32_t cp;
	size_t n;

	if (s[0] < 0x20 || s[0] == 0x7f) {
		u[0] = '^';
		u[1] = s[0] == 0x7f ? '?' : (char)(s[0] + 0x40);
		*ulen = 2;
		if (u[1] == '\\')	/* 0x1c is "^\\": its backslash escaped too */
			u[(*ulen)++] = '\\';
		return 1;
	}
	if (s[0] == '\\' || s[0] == '"') {	/* the exposition's own escapes */
		u[0] = '\\';
		u[1] = (char)s[0];
		*ulen = 2;
		return 1;
	}
	n = utf8_decode(s, len, &cp);
	if (n == 0) {		/* \xHH, its backslash escaped for the exposition */
		memcpy(u, "\\\\x", 3);
		u[3] = "0123456789abcdef"[s[0] >> 4];
		u[4] = "0123456789abcdef"[s[0] & 0xf];
		*ulen = 5;
		return 1;
	}
	if (om_escaped_cp(cp)) {	/* \u{XXXX} */
		int digits = cp > 0xfffff ? 6 : cp > 0xffff ? 5 : 4;

		memcpy(u, "\\\\u{", 4);
		*ulen = 4;
		while (digits-- > 0)
			u[(*ulen)++] = om_hex[(cp >> (4 * digits)) & 0xf];
		u[(*ulen)++] = '}';
		return n;
	}
	memcpy(u, s, n);
	*ulen = n;
	return n;
}

size_t openmetrics_label(char *dst, size_t dstsz, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t used = 0;

	if (dstsz == 0)
		return 0;
	for (size_t i = 0; i < len;) {
		char u[12];
		size_t ulen, n = om_label_unit(s + i, len - i, u, &ulen);

		if (ulen >= dstsz - used)
			break;
		memcpy(dst + used, u, ulen);
		used += ulen;
		i += n;
	}
	dst[used] = '\0';
	return used;
}

/* Appends name="value" to the writer's label set (w->labels), value encoded from raw bytes. */
static void om_label_add(struct om *w, const char *name, const char *raw)
{
	struct om_labels *l = &w->labels;
	size_t rawlen = strlen(raw), need = l->len + strlen(name) + 4 + OPENMETRICS_LABEL_MAX(rawlen);

	if (need > l->cap) {
		l->cap = need * 2;
		l->s = xrealloc(l->s, l->cap);
	}
	l->len += (size_t)snprintf(l->s + l->len, l->cap - l->len, "%s%s=\"", l->len ? "," : "", name);
	l->len += openmetrics_label(l->s + l->len, l->cap - l->len, raw, rawlen);
	l->s[l->len++] = '"';
	l->s[l->len] = '\0';
}

/* ---- the exposition ---- */

/* HELP text: OpenMetrics escapes \, newline and "; the text format \ and newline. */
static void om_help_text(struct om *w, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", w->out);
		else if (*s == '\n')
			fputs("\\n", w->out);
		else if (*s == '"' && w->fmt == OPENMETRICS_OM)
			fputs("\\\"", w->out);
		else
			fputc(*s, w->out);
	}
}

static bool om_counter(const struct om_family *f)
{
	return strcmp(f->type, "counter") == 0;
}

/* TYPE, UNIT, HELP in OpenMetrics; HELP, TYPE in the text format, where a counter's
 * family is named as its samples are, with _total. */
static void om_meta(struct om *w, const struct om_family *f)
{
	const char *total = om_counter(f) ? "_total" : "";

	if (w->fmt == OPENMETRICS_OM) {
		fprintf(w->out, "# TYPE %s %s\n", f->name, f->type);
		if (f->unit)
			fprintf(w->out, "# UNIT %s %s\n", f->name, f->unit);
		fprintf(w->out, "# HELP %s ", f->name);
		om_help_text(w, f->help);
		fputc('\n', w->out);
		return;
	}
	fprintf(w->out, "# HELP %s%s ", f->name, total);
	om_help_text(w, f->help);
	fprintf(w->out, "\n# TYPE %s%s %s\n", f->name, total, f->type);
}

/* One sample: labels is the inside of the braces (already encoded) or NULL. */
static void om_sample(struct om *w, const struct om_family *f, const char *labels, const char *value)
{
	fputs(f->name, w->out);
	if (om_counter(f))
		fputs("_total", w->out);
	if (labels)
		fprintf(w->out, "{%s}", labels);
	fprintf(w->out, " %s\n", value);
}

static const char *om_u64(char *buf, size_t n, uint64_t v)
{
	snprintf(buf, n, "%" PRIu64, v);
	return buf;
}

static const char *om_i64(char *buf, size_t n, int64_t v)
{
	snprintf(buf, n, "%" PRId64, v);
	return buf;
}

/* Seconds to the microsecond, trailing zeros trimmed: "1.5", "0", "12.000042". */
static const char *om_seconds_us(char *buf, size_t n, uint64_t us)
{
	size_t len;

	snprintf(buf, n, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
	len = strlen(buf);
	while (buf[len - 1] == '0')
		buf[--len] = '\0';
	if (buf[len - 1] == '.')
		buf[--len] = '\0';
	return buf;
}

static const char *om_seconds(char *buf, size_t n, double s)
{
	return om_seconds_us(buf, n, s > 0 && s < 1e12 ? (uint64_t)(s * 1e6 + 0.5) : 0);
}

/* A family of one sample from a figure; no sample when it is not known. */
static void om_one_bytes(struct om *w, const struct om_family *f, const struct fval *v)
{
	char num[32];

	om_meta(w, f);
	if (v->st == V_KNOWN)
		om_sample(w, f, NULL, om_u64(num, sizeof num, v->u));
}

/* ---- the machine ---- */

static const struct om_family om_mem_total = { "memtop_memory_total_bytes", "gauge", "bytes",
	"MemTotal: the RAM the kernel manages; memtop_memory_bytes splits it into parts that add up to it" };
static const struct om_family om_mem_parts = { "memtop_memory_bytes", "gauge", "bytes",
	"MemTotal in parts that add up to it (memtop -S): free, file_cache (Buffers + Cached - Shmem), "
	"shmem, swap_cache, anon, slab, kernel stacks, page tables, percpu, hugetlb, and unaccounted "
	"(the rest; may be negative: meminfo's figures overlap slightly)" };
static const struct om_family om_mem_file = { "memtop_memory_file_cache_bytes", "gauge", "bytes",
	"The file page cache (memtop_memory_bytes{part=\"file_cache\"}) in parts: dirty_writeback "
	"(written back before it can be freed), mapped (in use by processes), clean_droppable (what "
	"reclaim or drop_caches could free at once; an estimate)" };
static const struct om_family om_mem_shmem = { "memtop_memory_shmem_bytes", "gauge", "bytes",
	"Shmem (tmpfs, shared anonymous, SysV and POSIX shm, memfd; cannot be dropped, only swapped) "
	"in parts: mapped by processes (their Pss_Shmem), unmapped (mapped by none)" };
static const struct om_family om_available = { "memtop_memory_available_bytes", "gauge", "bytes",
	"MemAvailable: the kernel's estimate of what can be allocated without swapping (as "
	"node_memory_MemAvailable_bytes)" };
static const struct om_family om_swap_total = { "memtop_swap_total_bytes", "gauge", "bytes", "SwapTotal" };
static const struct om_family om_swap_free = { "memtop_swap_free_bytes", "gauge", "bytes", "SwapFree" };
static const struct om_family om_commit_limit = { "memtop_commit_limit_bytes", "gauge", "bytes",
	"CommitLimit: swap + RAM x vm.overcommit_ratio / 100; enforced only when vm.overcommit_memory is 2" };
static const struct om_family om_committed = { "memtop_commit_committed_bytes", "gauge", "bytes",
	"Committed_AS: memory promised to processes" };
static const struct om_family om_commit_headroom = { "memtop_commit_headroom_bytes", "gauge", "bytes",
	"CommitLimit - Committed_AS when vm.overcommit_memory is 2 (allocations fail beyond it; may be "
	"negative); no sample in the other modes, where it is not enforced" };
static const struct om_family om_overcommit = { "memtop_vm_overcommit_memory", "gauge", NULL,
	"vm.overcommit_memory: 0 heuristic, 1 always, 2 strict (CommitLimit enforced)" };
static const struct om_family om_oom_kills = { "memtop_oom_kills", "counter", NULL,
	"Processes the kernel's OOM killer killed since boot (vmstat oom_kill)" };
static const struct om_family om_psi_some = { "memtop_pressure_some_seconds", "counter", "seconds",
	"Time some task was stalled waiting for memory (PSI: pressure/memory, some total)" };
static const struct om_family om_psi_full = { "memtop_pressure_full_seconds", "counter", "seconds",
	"Time all non-idle tasks were stalled waiting for memory (PSI: pressure/memory, full total)" };
static const struct om_family om_headroom_growth = { "memtop_headroom_growth_bytes_per_second", "gauge",
	"bytes_per_second", "Slope of MemAvailable + SwapFree over the trend window (negative: falling); "
	"a series once memtop holds 4 samples" };
static const struct om_family om_headroom_eta = { "memtop_headroom_oom_eta_seconds", "gauge", "seconds",
	"While MemAvailable + SwapFree falls steadily: seconds until none is left at that pace" };
static const struct om_family om_next_victim = { "memtop_oom_next_victim_badness_bytes", "gauge", "bytes",
	"The process the kernel's OOM killer would kill first, and its badness (rss + swap + page "
	"tables + the oom_score_adj term; memtop -O)" };

static void om_parts(struct om *w, const struct om_family *f, const struct sysmem *sm, int parent)
{
	om_meta(w, f);
	for (int i = 0; i < SM_COUNT; i++) {
		const struct fval *v = &sm->part[i];
		char labels[64], num[32];

		if (sysmem_parts[i].parent != parent || v->st != V_KNOWN)
			continue;
		snprintf(labels, sizeof labels, "part=\"%s\"", sysmem_parts[i].key);
		om_sample(w, f, labels, i == SM_UNACCOUNTED ? om_i64(num, sizeof num, v->i) : om_u64(num, sizeof num, v->u));
	}
}

static void om_pressure(struct om *w, const struct om_family *f, const struct psi *psi, bool full)
{
	char num[48];

	om_meta(w, f);
	if (psi->known && (!full || psi->has_full))
		om_sample(w, f, NULL, om_seconds_us(num, sizeof num, full ? psi->full.total_us : psi->some.total_us));
}

static void om_victim(struct om *w, const struct snapshot *snap)
{
	const struct oom_report *r = snap->oom;
	const struct oom_entry *e;
	char pid[16], num[32];

	om_meta(w, &om_next_victim);
	if (!r || r->neligible == 0)
		return;
	e = &r->entries[0];
	w->labels.len = 0;
	om_label_add(w, "pid", om_i64(pid, sizeof pid, e->p->pid));
	om_label_add(w, "comm", e->p->comm);
	om_sample(w, &om_next_victim, w->labels.s, om_i64(num, sizeof num, e->points * (int64_t)r->page_size));
}

static void om_machine(struct om *w, const struct snapshot *snap)
{
	const struct system *sys = &snap->sys;
	const struct fval *mode = &sys->knob[KNOB_OVERCOMMIT_MEMORY];
	char num[32];

	om_one_bytes(w, &om_mem_total, &sys->mem[SYS_MEM_TOTAL]);
	if (snap->mem) {
		om_parts(w, &om_mem_parts, snap->mem, -1);
		om_parts(w, &om_mem_file, snap->mem, SM_FILE);
		om_parts(w, &om_mem_shmem, snap->mem, SM_SHMEM);
	}
	om_one_bytes(w, &om_available, &sys->mem[SYS_MEM_AVAILABLE]);
	om_one_bytes(w, &om_swap_total, &sys->mem[SYS_SWAP_TOTAL]);
	om_one_bytes(w, &om_swap_free, &sys->mem[SYS_SWAP_FREE]);
	om_one_bytes(w, &om_commit_limit, &sys->mem[SYS_COMMIT_LIMIT]);
	om_one_bytes(w, &om_committed, &sys->mem[SYS_COMMITTED_AS]);
	om_meta(w, &om_commit_headroom);
	if (snap->oom && snap->oom->headroom.commit_left.st == V_KNOWN)
		om_sample(w, &om_commit_headroom, NULL, om_i64(num, sizeof num, snap->oom->headroom.commit_left.i));
	om_meta(w, &om_overcommit);
	if (mode->st == V_KNOWN)
		om_sample(w, &om_overcommit, NULL, om_i64(num, sizeof num, mode->i));
	om_meta(w, &om_oom_kills);
	if (sys->count[SYSC_OOM_KILL].st == V_KNOWN)
		om_sample(w, &om_oom_kills, NULL, om_u64(num, sizeof num, sys->count[SYSC_OOM_KILL].u));
	om_pressure(w, &om_psi_some, &sys->pressure, false);
	om_pressure(w, &om_psi_full, &sys->pressure, true);
	om_meta(w, &om_headroom_growth);
	if (sys->trend.rate.st == V_KNOWN) {
		snprintf(num, sizeof num, "%.1f", sys->trend.rate.d);
		om_sample(w, &om_headroom_growth, NULL, num);
	}
	om_meta(w, &om_headroom_eta);
	if (sys->trend.falling.st == V_KNOWN && sys->trend.falling.u && sys->trend.oom_eta.st == V_KNOWN)
		om_sample(w, &om_headroom_eta, NULL, om_seconds(num, sizeof num, sys->trend.oom_eta.d));
	om_victim(w, snap);
}

/* ---- groups ---- */

enum { OG_RSS, OG_PSS, OG_USS, OG_SWAP, OG_COUNT };

static const enum field_id om_group_field[OG_COUNT] = { FLD_RSS, FLD_PSS, FLD_USS, FLD_SWAP };

static const struct om_family om_group_family[OG_COUNT] = {
	{ "memtop_group_rss_bytes", "gauge", "bytes",
	  "Resident set size summed over the group's processes: shared pages count once per process "
	  "(process-exporter's memtype=\"resident\")" },
	{ "memtop_group_pss_bytes", "gauge", "bytes",
	  "Proportional set size summed over the group's processes: its share of physical memory "
	  "(process-exporter's memtype=\"proportionalResident\")" },
	{ "memtop_group_uss_bytes", "gauge", "bytes",
	  "Unique set size summed over the group's processes: pages no other process maps" },
	{ "memtop_group_swap_bytes", "gauge", "bytes",
	  "Swapped-out anonymous memory summed over the group's processes (VmSwap; "
	  "process-exporter's memtype=\"swapped\")" },
};
static const struct om_family om_group_count = { "memtop_group_processes", "gauge", NULL,
	"Processes in the group (kernel threads left out). by: user, comm or cgroup (memory cgroup); "
	"per kind the largest groups by PSS, the rest summed in key=\"" OPENMETRICS_OTHER_KEY "\"" };
static const struct om_family om_group_unreadable = { "memtop_group_unreadable_processes", "gauge", NULL,
	"Processes of the group whose PSS and USS could not be read (another user's smaps_rollup): the "
	"group's pss and uss sums leave them out and are lower bounds; no sample when there are none" };
static const struct om_family om_group_age = { "memtop_group_pss_max_age_seconds", "gauge", "seconds",
	"Age of the oldest PSS and USS the groups sum: an idle process's are reused for a while "
	"(0: every one was read for this snapshot)" };

struct om_group {
	char *key;		/* the encoded label value */
	size_t count, unreadable;
	struct fval f[OG_COUNT];
};

struct om_kind {
	enum group_by by;
	struct om_group *g;
	size_t n;
};

static void om_fval_add(struct fval *sum, const struct fval *v)
{
	if (v->st != V_KNOWN)
		return;
	if (sum->st != V_KNOWN)
		*sum = (struct fval){ .st = V_KNOWN };
	sum->u += v->u;
}

static void om_group_merge(struct om_group *into, const struct om_group *g)
{
	into->count += g->count;
	into->unreadable += g->unreadable;
	for (int i = 0; i < OG_COUNT; i++)
		om_fval_add(&into->f[i], &g->f[i]);
}

static int om_group_cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct om_group *)a)->key, ((const struct om_group *)b)->key);
}

/* Highest PSS first, then by key. */
static int om_group_cmp_pss(const void *a, const void *b)
{
	const struct om_group *x = a, *y = b;
	const struct fval *fx = &x->f[OG_PSS], *fy = &y->f[OG_PSS];

	if ((fx->st == V_KNOWN) != (fy->st == V_KNOWN))
		return fx->st == V_KNOWN ? -1 : 1;
	if (fx->st == V_KNOWN && fx->u != fy->u)
		return fx->u > fy->u ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Keys that encode alike are one group (a label cannot tell them apart, and a scrape may not
 * hold a series twice). */
static void om_kind_merge_alike(struct om_kind *k)
{
	size_t n = 0;

	qsort(k->g, k->n, sizeof *k->g, om_group_cmp_key);
	for (size_t i = 0; i < k->n; i++) {
		if (n && strcmp(k->g[n - 1].key, k->g[i].key) == 0) {
			om_group_merge(&k->g[n - 1], &k->g[i]);
			free(k->g[i].key);
		} else {
			k->g[n++] = k->g[i];
		}
	}
	k->n = n;
}

/* The top groups by PSS, then one summing the rest (and any group keyed like it). */
static void om_kind_cut(struct om_kind *k, size_t top)
{
	struct om_group other = { .key = xstrdup(OPENMETRICS_OTHER_KEY) };
	size_t n = 0;
	bool rest = false;

	qsort(k->g, k->n, sizeof *k->g, om_group_cmp_pss);
	for (size_t i = 0; i < k->n; i++) {
		if (n < top && strcmp(k->g[i].key, OPENMETRICS_OTHER_KEY) != 0) {
			k->g[n++] = k->g[i];
			continue;
		}
		om_group_merge(&other, &k->g[i]);
		free(k->g[i].key);
		rest = true;
	}
	if (rest)
		k->g[n++] = other;
	else
		free(other.key);
	k->n = n;
}

static void om_kind_build(struct om_kind *k, enum group_by by, const struct proc *const *procs, size_t n,
			  const struct snapshot *snap, size_t top)
{
	struct group_set gs = { 0 };

	group_compute(&gs, by, procs, n, snap->cgroups);
	k->by = by;
	k->n = gs.n;
	k->g = xreallocarray(NULL, gs.n ? gs.n : 1, sizeof *k->g);
	for (size_t i = 0; i < gs.n; i++) {
		struct om_group *g = &k->g[i];
		size_t len = strlen(gs.g[i].key);

		g->key = xmalloc(OPENMETRICS_LABEL_MAX(len));
		openmetrics_label(g->key, OPENMETRICS_LABEL_MAX(len), gs.g[i].key, len);
		g->count = gs.g[i].count;
		g->unreadable = gs.g[i].unknown[FLD_PSS];
		for (int f = 0; f < OG_COUNT; f++)
			g->f[f] = gs.g[i].f[om_group_field[f]];
	}
	group_set_free(&gs);
	om_kind_merge_alike(k);
	om_kind_cut(k, top);
}

static void om_kind_free(struct om_kind *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->g[i].key);
	free(k->g);
}

/* by="user",key="..." (the key is encoded already) */
static const char *om_group_labels(struct om *w, const struct om_kind *k, const struct om_group *g)
{
	struct om_labels *l = &w->labels;
	size_t need = strlen(g->key) + 32;

	if (need > l->cap) {
		l->cap = need * 2;
		l->s = xrealloc(l->s, l->cap);
	}
	l->len = (size_t)snprintf(l->s, l->cap, "by=\"%s\",key=\"%s\"", group_by_name(k->by), g->key);
	return l->s;
}

/* The processes groups and per-process series are made of: the selected ones but kernel
 * threads (no memory of their own). */
static size_t om_members(const struct snapshot *snap, const struct proc **out)
{
	size_t n = 0;

	for (size_t i = 0; i < snap->nprocs; i++) {
		if (!snap->procs[i]->kernel_thread)
			out[n++] = snap->procs[i];
	}
	return n;
}

/* What a group family shows of a group: OG_* figures, or these. */
enum { OG_PROCESSES = OG_COUNT, OG_UNREADABLE };

/* One group family: its metadata, then a sample per group of every kind that has a value. */
static void om_group_family_write(struct om *w, const struct om_family *f, int what, const struct om_kind *kinds,
				  size_t nkinds)
{
	char num[32];

	om_meta(w, f);
	for (size_t k = 0; k < nkinds; k++) {
		for (size_t i = 0; i < kinds[k].n; i++) {
			const struct om_group *g = &kinds[k].g[i];
			uint64_t v = what == OG_PROCESSES ? g->count : what == OG_UNREADABLE ? g->unreadable : g->f[what].u;

			if (what < OG_COUNT ? g->f[what].st == V_KNOWN : what == OG_PROCESSES || v > 0)
				om_sample(w, f, om_group_labels(w, &kinds[k], g), om_u64(num, sizeof num, v));
		}
	}
}

/* The oldest PSS among the processes summed. */
static double om_pss_max_age(const struct proc *const *procs, size_t n)
{
	double age = 0;

	for (size_t i = 0; i < n; i++) {
		if (procs[i]->f[FLD_PSS].st == V_KNOWN && procs[i]->pss_age > age)
			age = procs[i]->pss_age;
	}
	return age;
}

static void om_groups(struct om *w, const struct snapshot *snap, size_t top)
{
	const struct proc **procs = xreallocarray(NULL, snap->nprocs ? snap->nprocs : 1, sizeof *procs);
	size_t n = om_members(snap, procs), nkinds = 0;
	struct om_kind kinds[GROUP_BY_COUNT];
	char num[48];

	for (int by = 0; by < GROUP_BY_COUNT; by++) {
		if (by == GROUP_CGROUP && (!snap->cgroups || snap->cgroups->layout.memory == CGROUP_NONE))
			continue;
		om_kind_build(&kinds[nkinds++], by, procs, n, snap, top);
	}
	om_group_family_write(w, &om_group_count, OG_PROCESSES, kinds, nkinds);
	for (int f = 0; f < OG_COUNT; f++)
		om_group_family_write(w, &om_group_family[f], f, kinds, nkinds);
	om_group_family_write(w, &om_group_unreadable, OG_UNREADABLE, kinds, nkinds);
	om_meta(w, &om_group_age);
	om_sample(w, &om_group_age, NULL, om_seconds(num, sizeof num, om_pss_max_age(procs, n)));
	for (size_t k = 0; k < nkinds; k++)
		om_kind_free(&kinds[k]);
	free(procs);
}

/* ---- processes ---- */

static const struct {
	struct om_family f;
	enum field_id id;
} om_proc_family[] = {
	{ { "memtop_process_rss_bytes", "gauge", "bytes",
	    "Resident set size (VmRSS): pages in RAM, shared ones counted in full in every process" }, FLD_RSS },
	{ { "memtop_process_pss_bytes", "gauge", "bytes",
	    "Proportional set size (smaps_rollup Pss): shared pages divided among the processes that map "
	    "them; sums to physical use. Series for the largest processes by PSS only (--top)" }, FLD_PSS },
	{ { "memtop_process_uss_bytes", "gauge", "bytes",
	    "Unique set size (Private_Clean + Private_Dirty): pages no other process maps" }, FLD_USS },
	{ { "memtop_process_anon_bytes", "gauge", "bytes",
	    "Resident anonymous memory: heap, stack, private writes (RssAnon)" }, FLD_ANON },
	{ { "memtop_process_file_bytes", "gauge", "bytes",
	    "Resident file-backed pages: page cache the process maps (RssFile)" }, FLD_FILE },
	{ { "memtop_process_shmem_bytes", "gauge", "bytes",
	    "Resident shared memory: tmpfs, shared anonymous, SysV and POSIX shm (RssShmem)" }, FLD_SHMEM },
	{ { "memtop_process_swap_bytes", "gauge", "bytes",
	    "Swapped-out anonymous memory, shmem excluded (VmSwap)" }, FLD_SWAP },
	{ { "memtop_process_oom_score", "gauge", NULL,
	    "oom_score of the process: the OOM killer's badness, 0-2000 (666 is an idle process with adj 0)" }, FLD_OOM },
	{ { "memtop_process_growth_bytes_per_second", "gauge", "bytes_per_second",
	    "Growth of anon + swap over the trend window (Theil-Sen slope); a series once memtop holds 4 samples "
	    "of the process (a server's scrapes, or -n)" }, FLD_GROWTH },
	{ { "memtop_process_leak", "gauge", NULL,
	    "1 while anon + swap has risen steadily for the minimum span (a leak), else 0" }, FLD_LEAK },
	{ { "memtop_process_oom_eta_seconds", "gauge", "seconds",
	    "Seconds until that growth meets the limit that binds first (the machine's MemAvailable + SwapFree "
	    "or the memory cgroup's); a series only while the process grows" }, FLD_OOM_ETA },
};

/* A known figure as OpenMetrics writes it. */
static const char *om_figure(char *buf, size_t n, enum field_id id, const struct fval *v)
{
	switch (fields[id].type) {
	case FT_INT:
		return om_i64(buf, n, v->i);
	case FT_BYTES_RATE:
		snprintf(buf, n, "%.1f", v->d);
		return buf;
	case FT_ETA:
		return om_seconds(buf, n, v->d);
	default:
		return om_u64(buf, n, v->u);
	}
}

static const struct om_family om_proc_age = { "memtop_process_pss_age_seconds", "gauge", "seconds",
	"Age of the process's PSS and USS: 0 when read for this snapshot; a process whose page tables take "
	"long to walk is read at most 1% of the time, and its figures carry their age" };

static void om_processes(struct om *w, const struct proc *const *rows, size_t nrows)
{
	char **labels = xreallocarray(NULL, nrows ? nrows : 1, sizeof *labels);
	char num[48];

	for (size_t i = 0; i < nrows; i++) {
		w->labels.len = 0;
		om_label_add(w, "pid", om_i64(num, sizeof num, rows[i]->pid));
		om_label_add(w, "comm", rows[i]->comm);
		om_label_add(w, "user", rows[i]->user);
		labels[i] = xstrdup(w->labels.s);
	}
	for (size_t f = 0; f < sizeof om_proc_family / sizeof om_proc_family[0]; f++) {
		enum field_id id = om_proc_family[f].id;

		om_meta(w, &om_proc_family[f].f);
		for (size_t i = 0; i < nrows; i++) {
			const struct fval *v = &rows[i]->f[id];

			if (v->st == V_KNOWN)
				om_sample(w, &om_proc_family[f].f, labels[i], om_figure(num, sizeof num, id, v));
		}
	}
	om_meta(w, &om_proc_age);
	for (size_t i = 0; i < nrows; i++) {
		if (rows[i]->f[FLD_PSS].st == V_KNOWN)
			om_sample(w, &om_proc_age, labels[i], om_seconds(num, sizeof num, rows[i]->pss_age));
	}
	for (size_t i = 0; i < nrows; i++)
		free(labels[i]);
	free(labels);
}

/* ---- the document ---- */

static const struct om_family om_collect = { "memtop_collect_seconds", "gauge", "seconds",
	"How long reading the snapshot took" };
static const struct om_family om_snap_time = { "memtop_snapshot_timestamp_seconds", "gauge", "seconds",
	"When the snapshot was taken (Unix time): scrapes less than -d seconds apart share one" };

int openmetrics_write(FILE *out, const struct snapshot *snap, const struct proc *const *rows, size_t nrows,
		      const struct openmetrics_opts *o)
{
	struct om w = { .out = out, .fmt = o->format };
	char num[48];

	om_machine(&w, snap);
	om_groups(&w, snap, o->top);
	om_processes(&w, rows, nrows);
	om_meta(&w, &om_collect);
	om_sample(&w, &om_collect, NULL, om_seconds(num, sizeof num, snap->collect_seconds));
	om_meta(&w, &om_snap_time);
	om_sample(&w, &om_snap_time, NULL, om_seconds_us(num, sizeof num, (uint64_t)snap->wall.tv_sec * 1000000 +
							    (uint64_t)snap->wall.tv_nsec / 1000));
	if (w.fmt == OPENMETRICS_OM)
		fputs("# EOF\n", out);
	free(w.labels.s);
	if (fflush(out) != 0 || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}

size_t openmetrics_top(const struct snapshot *snap, size_t n, const struct proc **rows)
{
	size_t m = om_members(snap, rows);

	proc_sort(rows, m, FLD_PSS, false);
	return m < n ? m : n;
}

/* ---- content negotiation ---- */

/* A media range of an Accept header: "type/subtype;param=value;q=0.5". */
struct om_range {
	const char *type;	/* type/subtype, not NUL-terminated */
	size_t tlen;
	const char *version;	/* the version parameter's value, or NULL */
	size_t vlen;
	int q;			/* quality in thousandths; -1 when malformed */
};

static const char *om_skip_ws(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static size_t om_trim_len(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

/* q: "0", "1", "0.5", "1.000" (RFC 9110 qvalue); -1 otherwise. */
static int om_qvalue(const char *s, size_t n)
{
	int q, scale = 100;

	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	if (n == 0 || (s[0] != '0' && s[0] != '1') || (n > 1 && s[1] != '.') || n > 5)
		return -1;
	q = (s[0] - '0') * 1000;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q > 1000 ? -1 : q;
}

static void om_range_param(struct om_range *r, const char *p, size_t n)
{
	const char *eq = memchr(p, '=', n);
	size_t klen, vlen;
	const char *v;

	if (!eq)
		return;
	klen = om_trim_len(p, (size_t)(eq - p));
	v = om_skip_ws(eq + 1, p + n);
	vlen = om_trim_len(v, (size_t)(p + n - v));
	if (klen == 1 && (*p == 'q' || *p == 'Q')) {
		r->q = om_qvalue(v, vlen);
	} else if (klen == 7 && strncasecmp(p, "version", 7) == 0) {
		if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
			v++;
			vlen -= 2;
		}
		r->version = v;
		r->vlen = vlen;
	}
}

/* Parses one range from s (up to end, no comma inside). */
static void om_range_parse(struct om_range *r, const char *s, const char *end)
{
	const char *semi;

	*r = (struct om_range){ .q = 1000 };
	s = om_skip_ws(s, end);
	semi = memchr(s, ';', (size_t)(end - s));
	r->type = s;
	r->tlen = om_trim_len(s, (size_t)((semi ? semi : end) - s));
	while (semi) {
		const char *p = om_skip_ws(semi + 1, end);

		semi = memchr(p, ';', (size_t)(end - p));
		om_range_param(r, p, (size_t)((semi ? semi : end) - p));
	}
}

static bool om_is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && strncasecmp(s, word, n) == 0;
}

/* How specifically the range names the format: 3 the type with our version, 2 the type
 * without a version, 1 "major/ *", 0 "* / *" (spaces for the comment's sake); -1 not at all. */
static int om_range_match(const struct om_range *r, enum openmetrics_format f)
{
	const char *type = f == OPENMETRICS_OM ? "application/openmetrics-text" : "text/plain";
	const char *major = f == OPENMETRICS_OM ? "application/*" : "text/*";
	const char *version = f == OPENMETRICS_OM ? "1.0.0" : "0.0.4";

	if (om_is(r->type, r->tlen, type)) {
		if (!r->version)
			return 2;
		return om_is(r->version, r->vlen, version) ? 3 : -1;
	}
	if (om_is(r->type, r->tlen, major))
		return 1;
	return om_is(r->type, r->tlen, "*/*") ? 0 : -1;
}

/* The quality the header gives a format: that of the most specific range naming it. */
static int om_quality(const char *accept, enum openmetrics_format f)
{
	const char *s = accept, *end = accept + strlen(accept);
	int best = -1, q = 0;

	while (s < end) {
		const char *comma = memchr(s, ',', (size_t)(end - s)), *stop = comma ? comma : end;
		struct om_range r;
		int m;

		om_range_parse(&r, s, stop);
		m = om_range_match(&r, f);
		if (m > best && r.q >= 0) {
			best = m;
			q = r.q;
		}
		s = stop + (comma ? 1 : 0);
	}
	return q;
}

enum openmetrics_format openmetrics_negotiate(const char *accept)
{
	int om, text;

	if (!accept || !*om_skip_ws(accept, accept + strlen(accept)))
		return OPENMETRICS_OM;
	om = om_quality(accept, OPENMETRICS_OM);
	text = om_quality(accept, OPENMETRICS_TEXT);
	return om == 0 || text > om ? OPENMETRICS_TEXT : OPENMETRICS_OM;
}
