/* -O and the O screen: who the OOM killer would take, in order, and why: the badness
 * breakdown of every eligible process, the immune and ineligible ones, memory cgroup limits
 * and their own kill orders, and the headroom left. Built from the snapshot's OOM report
 * (lib/oom.c), which ranks every process; a selection only chooses the rows shown. */
#include <string.h>

#include "cells.h"
#include "jsonout.h"
#include "oom.h"
#include "reports.h"
#include "sanitize.h"
#include "xalloc.h"

#define OOMVIEW_CMD_MIN 8	/* columns of command line kept however narrow the width */
#define OOMVIEW_NAMES 64	/* immune processes named at most */
#define OOMVIEW_CGROUP_NAMES 16	/* processes named per cgroup kill order */

enum oom_col { OC_RSS, OC_ANON, OC_FILE, OC_SHMEM, OC_SWAP, OC_PTE, OC_ADJ, OC_TOTAL, OC_COUNT };

static const char *const oomview_heads[OC_COUNT] = {
	"RSS", "ANON", "FILE", "SHMEM", "SWAP", "PTE", "ADJTERM", "BADNESS",
};

static int64_t oomview_value(const struct oom_badness *b, enum oom_col c)
{
	switch (c) {
	case OC_RSS: return (int64_t)b->rss;
	case OC_ANON: return (int64_t)b->anon;
	case OC_FILE: return (int64_t)b->file;
	case OC_SHMEM: return (int64_t)b->shmem;
	case OC_SWAP: return (int64_t)b->swap;
	case OC_PTE: return (int64_t)b->page_tables;
	case OC_ADJ: return b->adj;
	default: return b->total;
	}
}

/* A size that may be negative (the adj term, the badness), in the unit asked for. */
static const char *oomview_signed(char *buf, size_t n, int64_t v, enum unit u)
{
	char tmp[16];	/* units_compact() needs 9 */

	units_compact(tmp, sizeof tmp, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, u);
	snprintf(buf, n, "%s%s", v < 0 ? "-" : "", tmp);
	return buf;
}

static const char *oomview_int(char *buf, size_t n, const struct fval *f)
{
	if (f->st != V_KNOWN)
		return "-";
	snprintf(buf, n, "%lld", (long long)f->i);
	return buf;
}

static const char *oomview_limit(char *buf, size_t n, const struct fval *f, enum unit u)
{
	return f->st == V_NA ? "none" : cell_bytes(buf, n, f, u);
}

static bool oomview_shown(const struct oom_entry *e)
{
	return e->p->selected;
}

/* Each size column as wide as its widest cell: a number is never cut. */
static void oomview_widths(const struct oom_report *r, enum unit u, int *w)
{
	char buf[32];

	for (int c = 0; c < OC_COUNT; c++)
		w[c] = c >= OC_ADJ ? 7 : 6;
	for (size_t i = 0; i < r->neligible; i++) {
		const struct oom_entry *e = &r->entries[i];

		for (int c = 0; e->known && oomview_shown(e) && c < OC_COUNT; c++) {
			int n = (int)strlen(oomview_signed(buf, sizeof buf, oomview_value(&e->b, c), u));

			w[c] = n > w[c] ? n : w[c];
		}
	}
}

static void oomview_header(struct doc *d, const struct oom_report *r)
{
	char a[24], b[24];

	doc_printf(d, DOC_TITLE, "OOM kill order: the kernel's OOM killer takes the process with the highest badness first.");
	doc_printf(d, DOC_NORMAL, "badness = resident (anon + file + shmem) + swap + page tables + "
				  "oom_score_adj x floor(totalpages / 1000) pages");
	doc_printf(d, DOC_NORMAL, "totalpages = RAM + swap = %llu pages of %llu bytes (%s); adj 1 = %s",
		   (unsigned long long)r->totalpages, (unsigned long long)r->page_size,
		   units_long(a, sizeof a, r->total), units_long(b, sizeof b, r->totalpages / 1000 * r->page_size));
	doc_printf(d, DOC_NORMAL, "oom_score (0..%d) = (1000 + badness x 1000 / totalpages) x 2 / 3%s",
		   r->new_scale ? 2000 : 1000, r->new_scale ? "" : " (before 5.9: badness x 1000 / totalpages)");
	doc_printf(d, DOC_NORMAL, "%s", "");
}

static size_t oomview_line_fixed(const int *w)
{
	size_t n = 5 + 1 + 7 + 1 + 5 + 1 + 5;

	for (int c = 0; c < OC_COUNT; c++)
		n += 1 + w[c];
	return n + 1;
}

static void oomview_row(struct doc *d, const struct oom_entry *e, const int *w)
{
	const struct proc *p = e->p;
	size_t fixed = oomview_line_fixed(w), cols;
	char line[4096 * 4 + 256], *o = line, s[2][24];
	const char *cmd = p->cmdline ? p->cmdline : p->comm;

	o += sprintf(o, "%5zu %7d %5s %5s", e->rank, p->pid, oomview_int(s[0], 24, &p->f[FLD_OOM]),
		     oomview_int(s[1], 24, &p->f[FLD_OOM_ADJ]));
	for (int c = 0; c < OC_COUNT; c++)
		o += sprintf(o, " %*s", w[c], e->known ? oomview_signed(s[0], 24, oomview_value(&e->b, c), d->unit) : "-");
	*o++ = ' ';
	cols = d->width > fixed + OOMVIEW_CMD_MIN ? d->width - fixed : d->width ? OOMVIEW_CMD_MIN : 4096;
	sanitize_term(o, 4096 * 4, cmd, p->cmdline ? p->cmdline_len : strlen(p->comm), cols);
	doc_proc(d, p, "%s", line);
}

static void oomview_table(struct doc *d, const struct oom_report *r, bool filtered)
{
	int w[OC_COUNT];
	char head[256], *o = head;
	size_t shown = 0;

	oomview_widths(r, d->unit, w);
	if (filtered)
		doc_printf(d, DOC_DIM, "(the selected processes only; ranks are among all processes)");
	o += sprintf(o, "%5s %7s %5s %5s", "RANK", "PID", "SCORE", "ADJ");
	for (int c = 0; c < OC_COUNT; c++)
		o += sprintf(o, " %*s", w[c], oomview_heads[c]);
	sprintf(o, " COMMAND");
	doc_printf(d, DOC_COLHEAD, "%s", head);
	for (size_t i = 0; i < r->neligible; i++) {
		if (!oomview_shown(&r->entries[i]))
			continue;
		oomview_row(d, &r->entries[i], w);
		shown++;
	}
	if (!shown)
		doc_printf(d, DOC_DIM, "(no eligible process %s)", filtered ? "selected" : "at all");
}

/* "4 processes", "1 process". */
static const char *oomview_count(char *buf, size_t n, size_t count)
{
	snprintf(buf, n, "%zu process%s", count, count == 1 ? "" : "es");
	return buf;
}

static void oomview_others(struct doc *d, const struct oom_report *r)
{
	size_t count[OOM_WHY_KERNEL + 1] = { 0 }, named = 0, len = 0;
	char line[OOMVIEW_NAMES * 80 + 128], name[64 * 4 + 1], n[32];

	len += snprintf(line + len, sizeof line - len, "Immune (oom_score_adj -1000): %s",
			oomview_count(n, sizeof n, r->nimmune));
	for (size_t i = r->neligible; i < r->neligible + r->nimmune; i++) {
		const struct proc *p = r->entries[i].p;

		if (!p->selected || named++ >= OOMVIEW_NAMES)
			continue;
		sanitize_term(name, sizeof name, p->comm, strlen(p->comm), 64);
		len += snprintf(line + len, sizeof line - len, "%s %d (%s)", named == 1 ? ":" : ",", p->pid, name);
	}
	if (named > OOMVIEW_NAMES)
		snprintf(line + len, sizeof line - len, ", and %zu more", named - OOMVIEW_NAMES);
	doc_printf(d, DOC_NORMAL, "%s", "");
	doc_printf(d, DOC_NORMAL, "%s", line);
	for (size_t i = r->neligible + r->nimmune; i < r->nentries; i++)
		count[r->entries[i].why]++;
	len = snprintf(line, sizeof line, "Not eligible:");
	for (int w = OOM_WHY_KTHREAD, first = 1; w <= OOM_WHY_KERNEL; w++) {
		if (!count[w])
			continue;
		len += snprintf(line + len, sizeof line - len, "%s %s: %zu", first ? "" : ";", oom_why_words(w), count[w]);
		first = 0;
	}
	if (r->nentries == r->neligible + r->nimmune)
		snprintf(line + len, sizeof line - len, " none");
	doc_printf(d, DOC_NORMAL, "%s", line);
}

static void oomview_cgroup(struct doc *d, const struct oom_report *r, const struct oom_cgroup *c)
{
	const struct cgroup_node *cg = c->cg;
	char path[4096], a[24], b[24], s[24], line[OOMVIEW_CGROUP_NAMES * 80 + 64], name[64 * 4 + 1];
	size_t len;

	sanitize_term(path, sizeof path, cg->path, strlen(cg->path), 512);
	doc_printf(d, DOC_NORMAL, "  %s  limit %s  usage %s  swap %s%s", path,
		   oomview_limit(a, sizeof a, &cg->mem.limit, d->unit), oomview_limit(b, sizeof b, &cg->mem.usage, d->unit),
		   oomview_limit(s, sizeof s, &cg->mem.swap_limit, d->unit),
		   cg->mem.oom_group == 1 ? "  oom.group 1 (kills them all)" : cg->mem.oom_group == 0 ? "  oom.group 0" : "");
	len = snprintf(line, sizeof line, "    kill order inside (scale %llu pages):", (unsigned long long)c->totalpages);
	for (size_t k = 0; k < c->norder && k < OOMVIEW_CGROUP_NAMES; k++) {
		const struct proc *p = r->entries[c->order[k]].p;

		sanitize_term(name, sizeof name, p->comm, strlen(p->comm), 64);
		len += snprintf(line + len, sizeof line - len, "%s %d (%s)", k ? "," : "", p->pid, name);
	}
	snprintf(line + len, sizeof line - len, "%s", c->norder > OOMVIEW_CGROUP_NAMES ? ", ..." :
		 c->norder ? "" : " (no eligible process)");
	doc_printf(d, DOC_NORMAL, "%s", line);
}

static void oomview_cgroups(struct doc *d, const struct snapshot *snap)
{
	const struct oom_report *r = snap->oom;
	const struct cgroup_set *cs = snap->cgroups;

	doc_printf(d, DOC_NORMAL, "%s", "");
	doc_printf(d, DOC_TITLE, "Memory cgroups: %s", cs ? cgroup_layout_describe(&cs->layout) : "not read");
	if (cs && !r->nlimited && cs->layout.memory != CGROUP_NONE)
		doc_printf(d, DOC_NORMAL, "  no process is in a memory cgroup with a limit");
	for (size_t i = 0; i < r->nlimited; i++)
		oomview_cgroup(d, r, &r->cgroups[i]);
}

static void oomview_headroom(struct doc *d, const struct snapshot *snap)
{
	const struct oom_headroom *h = &snap->oom->headroom;
	const struct system *sys = &snap->sys;
	char a[24], b[24];

	doc_printf(d, DOC_NORMAL, "%s", "");
	doc_printf(d, DOC_TITLE, "Headroom: available %s (MemAvailable), swap free %s",
		   oomview_limit(a, sizeof a, &h->available, d->unit), oomview_limit(b, sizeof b, &h->swap_free, d->unit));
	doc_printf(d, DOC_NORMAL, "Overcommit: mode %d, %s", h->overcommit, oom_overcommit_words(h->overcommit));
	if (h->commit_left.st == V_KNOWN)
		doc_printf(d, DOC_NORMAL, "Commit left: %s (CommitLimit - Committed_AS): allocations fail beyond it",
			   oomview_signed(a, sizeof a, h->commit_left.i, d->unit));
	else
		doc_printf(d, DOC_NORMAL, "Commit left: not enforced in this mode (Committed_AS %s, CommitLimit %s)",
			   oomview_limit(a, sizeof a, &sys->mem[SYS_COMMITTED_AS], d->unit),
			   oomview_limit(b, sizeof b, &sys->mem[SYS_COMMIT_LIMIT], d->unit));
}

static void oomview_text(struct doc *d, const struct snapshot *snap, bool filtered)
{
	if (!snap->oom)
		return;
	oomview_header(d, snap->oom);
	oomview_table(d, snap->oom, filtered);
	oomview_others(d, snap->oom);
	oomview_cgroups(d, snap);
	oomview_headroom(d, snap);
}

/* ---- JSON ---- */

static void oomview_json_badness(struct jsonw *w, const struct oom_entry *e)
{
	jsonw_key(w, "badness");
	if (!e->known) {
		jsonw_null(w);
		return;
	}
	jsonw_obj_begin(w);
	jsonw_kv_u64(w, "rss", e->b.rss);
	jsonw_kv_u64(w, "anon", e->b.anon);
	jsonw_kv_u64(w, "file", e->b.file);
	jsonw_kv_u64(w, "shmem", e->b.shmem);
	jsonw_kv_u64(w, "swap", e->b.swap);
	jsonw_kv_u64(w, "page_tables", e->b.page_tables);
	jsonw_kv_i64(w, "adj", e->b.adj);
	jsonw_kv_i64(w, "total", e->b.total);
	jsonw_obj_end(w);
}

static void oomview_json_entry(struct jsonw *w, const struct snapshot *snap, const struct oom_entry *e)
{
	const struct proc *p = e->p;

	jsonw_obj_begin(w);
	jsonw_kv_u64(w, "rank", e->rank);
	jsonw_kv_i64(w, "pid", p->pid);
	jsonw_key(w, "comm");
	jsonw_strn(w, p->comm, strlen(p->comm));
	jsonout_kv_fval(w, "score", &p->f[FLD_OOM], FT_INT);
	jsonout_kv_fval(w, "score_adj", &p->f[FLD_OOM_ADJ], FT_INT);
	jsonw_key(w, "cgroup");
	if (e->cgroup >= 0 && snap->cgroups)
		jsonw_strn(w, snap->cgroups->nodes[e->cgroup].path, strlen(snap->cgroups->nodes[e->cgroup].path));
	else
		jsonw_null(w);
	oomview_json_badness(w, e);
	jsonw_obj_end(w);
}

static void oomview_json_pids(struct jsonw *w, const struct oom_report *r, const char *key, size_t from, size_t to)
{
	jsonw_key(w, key);
	jsonw_arr_begin(w);
	for (size_t i = from; i < to; i++) {
		if (r->entries[i].p->selected)
			jsonw_i64(w, r->entries[i].p->pid);
	}
	jsonw_arr_end(w);
}

static void oomview_json_headroom(struct jsonw *w, const struct oom_headroom *h)
{
	jsonw_key(w, "headroom");
	jsonw_obj_begin(w);
	jsonout_kv_fval(w, "available", &h->available, FT_BYTES);
	jsonout_kv_fval(w, "swap_free", &h->swap_free, FT_BYTES);
	jsonout_kv_fval(w, "commit_left", &h->commit_left, FT_INT);
	if (h->overcommit >= 0)
		jsonw_kv_i64(w, "overcommit_memory", h->overcommit);
	else
		jsonw_kv_null(w, "overcommit_memory");
	jsonw_kv_str(w, "overcommit", oom_overcommit_words(h->overcommit));
	jsonw_obj_end(w);
}

static void oomview_json_cgroup(struct jsonw *w, const struct oom_report *r, const struct oom_cgroup *c)
{
	const struct cgroup_node *cg = c->cg;

	jsonw_obj_begin(w);
	jsonw_key(w, "path");
	jsonw_strn(w, cg->path, strlen(cg->path));
	jsonout_kv_fval(w, "limit", &cg->mem.limit, FT_BYTES);
	jsonout_kv_fval(w, "usage", &cg->mem.usage, FT_BYTES);
	jsonw_key(w, "swap_limit");
	if (cg->mem.swap_limit.st == V_KNOWN)
		jsonw_u64(w, cg->mem.swap_limit.u);
	else if (cg->mem.swap_limit.st == V_NA)
		jsonw_str(w, "max");
	else
		jsonw_null(w);
	jsonw_key(w, "oom_group");
	if (cg->mem.oom_group >= 0)
		jsonw_bool(w, cg->mem.oom_group);
	else
		jsonw_null(w);
	jsonout_kv_fval(w, "oom_kills", &cg->mem.oom_kills, FT_COUNT);
	jsonw_kv_u64(w, "totalpages", c->totalpages);
	jsonw_key(w, "kill_order");
	jsonw_arr_begin(w);
	for (size_t k = 0; k < c->norder; k++) {
		const struct proc *p = r->entries[c->order[k]].p;

		jsonw_obj_begin(w);
		jsonw_kv_i64(w, "pid", p->pid);
		jsonw_key(w, "comm");
		jsonw_strn(w, p->comm, strlen(p->comm));
		jsonw_kv_i64(w, "badness", c->points[k] * (int64_t)r->page_size);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	jsonw_obj_end(w);
}

static void oomview_json(struct jsonw *w, const struct snapshot *snap)
{
	const struct oom_report *r = snap->oom;

	if (!r)
		return;
	jsonw_key(w, "oom");
	jsonw_obj_begin(w);
	jsonw_kv_u64(w, "total", r->total);
	jsonw_kv_u64(w, "totalpages", r->totalpages);
	jsonw_kv_u64(w, "page_size", r->page_size);
	jsonw_kv_i64(w, "score_max", r->new_scale ? 2000 : 1000);
	jsonw_key(w, "kill_order");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < r->neligible; i++) {
		if (oomview_shown(&r->entries[i]))
			oomview_json_entry(w, snap, &r->entries[i]);
	}
	jsonw_arr_end(w);
	oomview_json_pids(w, r, "immune", r->neligible, r->neligible + r->nimmune);
	oomview_json_pids(w, r, "ineligible", r->neligible + r->nimmune, r->nentries);
	oomview_json_headroom(w, &r->headroom);
	jsonw_kv_str(w, "cgroup_memory", cgroup_version_name(snap->cgroups ? snap->cgroups->layout.memory : CGROUP_NONE));
	jsonw_key(w, "cgroups");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < r->nlimited; i++)
		oomview_json_cgroup(w, r, &r->cgroups[i]);
	jsonw_arr_end(w);
	jsonw_obj_end(w);
}

const struct report_kind oomview_report = {
	.option = "-O",
	.parts = SNAP_OOM,
	.need = SRC_STATUS | SRC_CMDLINE | SRC_OOM,
	.text = oomview_text,
	.json_top = oomview_json,
};
