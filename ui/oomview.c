/* -O: who the OOM killer would take, in order, and why: the badness breakdown of every
 * eligible process, the immune and ineligible ones, memory cgroup limits and their own kill
 * orders, and the headroom left. Text, or JSON (the usual document plus "oom"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cells.h"
#include "jsonout.h"
#include "oom.h"
#include "run.h"
#include "sanitize.h"
#include "tui.h"
#include "xalloc.h"

#define OOMVIEW_CMD_MAX 4096	/* display columns of a command line when not on a terminal */
#define OOMVIEW_ROW_FIXED 84	/* columns before COMMAND */

struct oomview {
	const struct run_config *rc;
	struct oom_report *r;
	const struct snapshot *snap;
	bool jsonf[FLD_COUNT];
	size_t width;
	struct jsonw *w;		/* JSON, or NULL for text */
	struct oomview_rows *rows;	/* the O screen's: where each kill-order row starts */
};

/* The O screen selects a kill-order row to act on its process: the text records where each
 * row starts, so that the page line made from it can carry the pid and start time. */
struct oomview_rows {
	struct oomview_row_at {
		long offset;
		int pid;
		uint64_t start_ticks;
	} *at;
	size_t n;
};

/* The report covers every process; -p, -u and -f choose the rows shown. */
static bool oomview_selected(const struct run_config *rc, const struct proc *p)
{
	size_t i;

	for (i = 0; i < rc->npids && rc->pids[i] != p->pid; i++)
		;
	if (rc->npids && i == rc->npids)
		return false;
	if (rc->by_uid && p->uid != rc->uid)
		return false;
	if (!rc->filter)
		return true;
	return filter_match(rc->filter, p->comm, strlen(p->comm)) ||
	       (p->cmdline && filter_match(rc->filter, p->cmdline, p->cmdline_len));
}

static unsigned oomview_needs(const struct oomview *v)
{
	unsigned need = SRC_STATUS | SRC_CMDLINE | fields[FLD_OOM].src | fields[FLD_OOM_ADJ].src;

	for (int i = 0; i < FLD_COUNT && v->rc->json; i++)
		need |= v->jsonf[i] ? fields[i].src : 0;
	return need;
}

/* As -bJ: every figure but the costly segments, or the -o fields. */
static void oomview_json_fields(const struct run_config *rc, bool *jsonf)
{
	for (int i = 0; i < FLD_COUNT; i++)
		jsonf[i] = !rc->cols_set && fields[i].src != SRC_SMAPS;
	for (int i = 0; i < rc->ncols && rc->cols_set; i++)
		jsonf[rc->cols[i]] = true;
	jsonf[FLD_PID] = true;
}

/* ---- text ---- */

static const char *oomview_size(char *buf, size_t n, uint64_t v, enum unit u)
{
	return units_compact(buf, n, v, u);
}

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

static const char *oomview_fval(char *buf, size_t n, const struct fval *f, enum unit u)
{
	if (f->st == V_NA)
		return "none";
	return cell_bytes(buf, n, f, u);
}

static void oomview_command(FILE *out, const struct proc *p, size_t cols)
{
	char cmd[OOMVIEW_CMD_MAX * 4 + 1];
	const char *s = p->cmdline ? p->cmdline : p->comm;

	sanitize_term(cmd, sizeof cmd, s, p->cmdline ? p->cmdline_len : strlen(p->comm),
		      cols ? cols : OOMVIEW_CMD_MAX);
	fputs(cmd, out);
}

static void oomview_header(FILE *out, const struct oom_report *r)
{
	char a[24], b[24];

	fprintf(out, "OOM kill order: the kernel's OOM killer takes the process with the highest "
		     "badness first.\n");
	fprintf(out, "badness = resident (anon + file + shmem) + swap + page tables + "
		     "oom_score_adj x floor(totalpages / 1000) pages\n");
	fprintf(out, "totalpages = RAM + swap = %llu pages of %llu bytes (%s); adj 1 = %s\n",
		(unsigned long long)r->totalpages, (unsigned long long)r->page_size,
		units_long(a, sizeof a, r->total), units_long(b, sizeof b, r->totalpages / 1000 * r->page_size));
	fprintf(out, "oom_score (0..%d) = (1000 + badness x 1000 / totalpages) x 2 / 3%s\n\n",
		r->new_scale ? 2000 : 1000, r->new_scale ? "" : " (before 5.9: badness x 1000 / totalpages)");
}

static void oomview_row(FILE *out, const struct oom_entry *e, const struct oomview *v)
{
	enum unit u = v->rc->unit;
	const struct proc *p = e->p;
	char s[8][24];

	fprintf(out, "%5zu %7d %5s %5s", e->rank, p->pid, oomview_int(s[0], 24, &p->f[FLD_OOM]),
		oomview_int(s[1], 24, &p->f[FLD_OOM_ADJ]));
	if (e->known) {
		fprintf(out, " %6s %6s %6s %6s %6s %6s %7s %7s ", oomview_size(s[0], 24, e->b.rss, u),
			oomview_size(s[1], 24, e->b.anon, u), oomview_size(s[2], 24, e->b.file, u),
			oomview_size(s[3], 24, e->b.shmem, u), oomview_size(s[4], 24, e->b.swap, u),
			oomview_size(s[5], 24, e->b.page_tables, u), oomview_signed(s[6], 24, e->b.adj, u),
			oomview_signed(s[7], 24, e->b.total, u));
	} else {
		fprintf(out, " %6s %6s %6s %6s %6s %6s %7s %7s ", "-", "-", "-", "-", "-", "-", "-", "-");
	}
	oomview_command(out, p, v->width > OOMVIEW_ROW_FIXED + 8 ? v->width - OOMVIEW_ROW_FIXED : v->width ? 8 : 0);
	fputc('\n', out);
}

static void oomview_table(FILE *out, const struct oomview *v)
{
	const struct oom_report *r = v->r;
	size_t shown = 0;

	fprintf(out, "%5s %7s %5s %5s %6s %6s %6s %6s %6s %6s %7s %7s %s\n", "RANK", "PID", "SCORE",
		"ADJ", "RSS", "ANON", "FILE", "SHMEM", "SWAP", "PTE", "ADJTERM", "BADNESS", "COMMAND");
	for (size_t i = 0; i < r->neligible; i++) {
		const struct proc *p = r->entries[i].p;

		if (!oomview_selected(v->rc, p))
			continue;
		if (v->rows)	/* sized for every eligible process */
			v->rows->at[v->rows->n++] = (struct oomview_row_at){ ftell(out), p->pid, p->start_ticks };
		oomview_row(out, &r->entries[i], v);
		shown++;
	}
	if (!shown)
		fprintf(out, "(no eligible process selected)\n");
}

static void oomview_name(FILE *out, const struct proc *p)
{
	char name[64 * 4 + 1];

	sanitize_term(name, sizeof name, p->comm, strlen(p->comm), 64);
	fprintf(out, " %d (%s)", p->pid, name);
}

static void oomview_others(FILE *out, const struct oomview *v)
{
	const struct oom_report *r = v->r;
	size_t count[OOM_WHY_KERNEL + 1] = { 0 }, shown = 0;

	fprintf(out, "\nImmune (oom_score_adj -1000): %zu", r->nimmune);
	for (size_t i = r->neligible; i < r->neligible + r->nimmune; i++) {
		if (oomview_selected(v->rc, r->entries[i].p) && shown++ < 64)
			oomview_name(out, r->entries[i].p);
	}
	fprintf(out, "%s\nNot eligible:", shown > 64 ? " ..." : "");
	for (size_t i = r->neligible + r->nimmune; i < r->nentries; i++)
		count[r->entries[i].why]++;
	for (int w = OOM_WHY_KTHREAD; w <= OOM_WHY_KERNEL; w++) {
		if (count[w])
			fprintf(out, " %s: %zu;", oom_why_words(w), count[w]);
	}
	fputc('\n', out);
}

static void oomview_cgroup(FILE *out, const struct oomview *v, const struct oom_cgroup *c)
{
	enum unit u = v->rc->unit;
	char path[4096], a[24], b[24], s[24];

	sanitize_term(path, sizeof path, c->path, strlen(c->path), 512);
	fprintf(out, "  %s  limit %s  usage %s  swap %s", path,
		oomview_fval(a, sizeof a, &c->mem.limit, u), oomview_fval(b, sizeof b, &c->mem.usage, u),
		oomview_fval(s, sizeof s, &c->mem.swap_limit, u));
	if (c->mem.oom_group >= 0)
		fprintf(out, "  oom.group %d%s", c->mem.oom_group,
			c->mem.oom_group ? " (kills them all)" : "");
	fprintf(out, "\n    kill order inside (scale %llu pages):", (unsigned long long)c->totalpages);
	for (size_t k = 0; k < c->norder && k < 16; k++)
		oomview_name(out, v->r->entries[c->order[k]].p);
	fprintf(out, "%s\n", c->norder > 16 ? " ..." : c->norder ? "" : " (no eligible process)");
}

static void oomview_cgroups(FILE *out, const struct oomview *v)
{
	const struct oom_report *r = v->r;

	fprintf(out, "\nMemory cgroups: %s\n", cgroup_layout_describe(&r->layout));
	if (!r->nlimited && r->layout.memory != CGROUP_NONE)
		fprintf(out, "  no process is in a memory cgroup with a limit\n");
	for (size_t i = 0; i < r->ncgroups; i++) {
		if (r->cgroups[i].mem.limit.st == V_KNOWN)
			oomview_cgroup(out, v, &r->cgroups[i]);
	}
}

static void oomview_headroom(FILE *out, const struct oomview *v)
{
	const struct oom_headroom *h = &v->r->headroom;
	const struct system *sys = &v->snap->sys;
	enum unit u = v->rc->unit;
	char a[24], b[24], c[24];

	fprintf(out, "\nHeadroom: available %s (MemAvailable), swap free %s\n",
		oomview_fval(a, sizeof a, &h->available, u), oomview_fval(b, sizeof b, &h->swap_free, u));
	fprintf(out, "Overcommit: mode %d, %s\n", h->overcommit, oom_overcommit_words(h->overcommit));
	if (h->commit_left.st == V_KNOWN)
		fprintf(out, "Commit left: %s (CommitLimit - Committed_AS): allocations fail beyond it\n",
			oomview_signed(c, sizeof c, h->commit_left.i, u));
	else
		fprintf(out, "Commit left: not enforced in this mode (Committed_AS %s of CommitLimit %s)\n",
			oomview_fval(a, sizeof a, &sys->mem[SYS_COMMITTED_AS], u),
			oomview_fval(b, sizeof b, &sys->mem[SYS_COMMIT_LIMIT], u));
}

static void oomview_text(FILE *out, const struct oomview *v)
{
	oomview_header(out, v->r);
	oomview_table(out, v);
	oomview_others(out, v);
	oomview_cgroups(out, v);
	oomview_headroom(out, v);
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

static void oomview_json_entry(struct jsonw *w, const struct oomview *v, const struct oom_entry *e)
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
	if (e->cgroup >= 0)
		jsonw_strn(w, v->r->cgroups[e->cgroup].path, strlen(v->r->cgroups[e->cgroup].path));
	else
		jsonw_null(w);
	oomview_json_badness(w, e);
	jsonw_obj_end(w);
}

static void oomview_json_pids(struct jsonw *w, const struct oomview *v, const char *key,
			      size_t from, size_t to)
{
	jsonw_key(w, key);
	jsonw_arr_begin(w);
	for (size_t i = from; i < to; i++) {
		if (oomview_selected(v->rc, v->r->entries[i].p))
			jsonw_i64(w, v->r->entries[i].p->pid);
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

static void oomview_json_cgroup(struct jsonw *w, const struct oomview *v, const struct oom_cgroup *c)
{
	jsonw_obj_begin(w);
	jsonw_key(w, "path");
	jsonw_strn(w, c->path, strlen(c->path));
	jsonout_kv_fval(w, "limit", &c->mem.limit, FT_BYTES);
	jsonout_kv_fval(w, "usage", &c->mem.usage, FT_BYTES);
	jsonw_key(w, "swap_limit");
	if (c->mem.swap_limit.st == V_KNOWN)
		jsonw_u64(w, c->mem.swap_limit.u);
	else if (c->mem.swap_limit.st == V_NA)
		jsonw_str(w, "max");
	else
		jsonw_null(w);
	jsonw_key(w, "oom_group");
	if (c->mem.oom_group >= 0)
		jsonw_bool(w, c->mem.oom_group);
	else
		jsonw_null(w);
	jsonw_kv_u64(w, "totalpages", c->totalpages);
	jsonw_key(w, "kill_order");
	jsonw_arr_begin(w);
	for (size_t k = 0; k < c->norder; k++) {
		const struct proc *p = v->r->entries[c->order[k]].p;

		jsonw_obj_begin(w);
		jsonw_kv_i64(w, "pid", p->pid);
		jsonw_key(w, "comm");
		jsonw_strn(w, p->comm, strlen(p->comm));
		jsonw_kv_i64(w, "badness", c->points[k] * (int64_t)v->r->page_size);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	jsonw_obj_end(w);
}

static void oomview_json(struct jsonw *w, void *ctx)
{
	const struct oomview *v = ctx;
	const struct oom_report *r = v->r;

	jsonw_key(w, "oom");
	jsonw_obj_begin(w);
	jsonw_kv_u64(w, "total", r->total);
	jsonw_kv_u64(w, "totalpages", r->totalpages);
	jsonw_kv_u64(w, "page_size", r->page_size);
	jsonw_kv_i64(w, "score_max", r->new_scale ? 2000 : 1000);
	jsonw_key(w, "kill_order");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < r->neligible; i++) {
		if (oomview_selected(v->rc, r->entries[i].p))
			oomview_json_entry(w, v, &r->entries[i]);
	}
	jsonw_arr_end(w);
	oomview_json_pids(w, v, "immune", r->neligible, r->neligible + r->nimmune);
	oomview_json_pids(w, v, "ineligible", r->neligible + r->nimmune, r->nentries);
	oomview_json_headroom(w, &r->headroom);
	jsonw_kv_str(w, "cgroup_memory", cgroup_version_name(r->layout.memory));
	jsonw_key(w, "cgroups");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < r->ncgroups; i++) {
		if (r->cgroups[i].mem.limit.st == V_KNOWN)
			oomview_json_cgroup(w, v, &r->cgroups[i]);
	}
	jsonw_arr_end(w);
	jsonw_obj_end(w);
}

/* The document's "processes" are the selected ones; the report still covers all. */
static void oomview_json_write(struct jsonw *w, struct oomview *v, const struct snapshot *snap)
{
	struct snapshot view = *snap;
	struct proc **sel = xreallocarray(NULL, snap->nprocs ? snap->nprocs : 1, sizeof *sel);

	view.procs = sel;
	view.nprocs = 0;
	for (size_t i = 0; i < snap->nprocs; i++) {
		if (oomview_selected(v->rc, snap->procs[i]))
			sel[view.nprocs++] = snap->procs[i];
	}
	jsonout_snapshot_with(w, &view, &(struct jsonout_opts){ v->jsonf, false },
			      &(struct jsonout_extra){ NULL, oomview_json, v });
	free(sel);
}

/* ---- the run ---- */

static size_t oomview_width(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

static int oomview_missing(const struct run_config *rc, const struct snapshot *snap)
{
	for (size_t i = 0; i < rc->npids; i++) {
		if (!snapshot_find(snap, rc->pids[i])) {
			run_error("no process with pid %d", rc->pids[i]);
			return RUN_EXIT_RUNTIME;
		}
	}
	return 0;
}

static int oomview_emit(struct snapshot *snap, long i, void *ctx)
{
	struct oomview *v = ctx;
	int rc;

	if (i == 0 && (rc = oomview_missing(v->rc, snap)) != 0)
		return rc;
	v->snap = snap;
	oom_report_update(v->r, snap);
	if (v->w) {
		snapshot_sort(snap, v->rc->sort, false);
		oomview_json_write(v->w, v, snap);
	} else {
		if (i)
			fputc('\n', stdout);
		oomview_text(stdout, v);
	}
	return 0;
}

int oomview_run(const struct run_config *rc)
{
	struct oomview v = { .rc = rc, .width = oomview_width() };
	struct sample_request req = { 0 };
	int status;

	v.r = oom_report_create();
	if (!v.r) {
		run_error("cannot read /proc: %s", strerror(errno));
		return RUN_EXIT_RUNTIME;
	}
	oomview_json_fields(rc, v.jsonf);
	req.need = oomview_needs(&v);
	req.reuse_max_age = RUN_REUSE_MAX_AGE;
	if (rc->json)
		v.w = jsonw_create(stdout, false);
	status = run_loop(rc, &req, oomview_emit, &v);
	jsonw_free(v.w);
	oom_report_free(v.r);
	return status;
}

/* ---- the interactive view's OOM screen (O) ---- */

/* The text report, one page line per line; its column heads styled as such, its kill-order
 * rows marked with their process. */
static void oomview_page_lines(struct tui_page *pg, const char *text, size_t len,
			       const struct oomview_rows *rows)
{
	const char *p = text, *end = text + len;
	size_t k = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		int n = (int)((nl ? nl : end) - p);

		tui_page_add(pg, strncmp(p, " RANK", 5) == 0 ? STY_COLHEAD : STY_NORMAL, "%.*s", n, p);
		if (k < rows->n && rows->at[k].offset == p - text) {
			tui_page_mark(pg, rows->at[k].pid, rows->at[k].start_ticks);
			k++;
		}
		p = nl ? nl + 1 : end;
	}
}

static void oomview_page_build(struct tui_page *pg, struct snapshot *snap, enum unit u)
{
	static struct oom_report *r;	/* kept for the view's life: it holds the cgroup layout */
	struct run_config rc = { .unit = u };
	struct oomview_rows rows = { 0 };
	struct oomview v = { .rc = &rc, .snap = snap, .rows = &rows };
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	if (!r && !(r = oom_report_create())) {
		tui_page_add(pg, STY_ERROR, "cannot read /proc: %s", strerror(errno));
		return;
	}
	oom_report_update(r, snap);
	v.r = r;
	rows.at = xreallocarray(NULL, r->neligible ? r->neligible : 1, sizeof *rows.at);
	if (snap->nprocs < snap->ntotal)
		tui_page_add(pg, STY_DIM, "(the processes the view's filter selects: ranks are among them)");
	mem = open_memstream(&text, &len);
	if (!mem)
		xalloc_die();
	oomview_text(mem, &v);
	fclose(mem);
	oomview_page_lines(pg, text, len, &rows);
	free(rows.at);
	free(text);
}

const struct tui_page_source oomview_page = {
	.title = "OOM: whom the kernel's OOM killer takes first, and why",
	.need = SRC_STATUS | SRC_CMDLINE,
	.fill = SRC_STATUS | SRC_OOM,	/* badness parts, oom_score, oom_score_adj */
	.build = oomview_page_build,
	.select = true,		/* a: set the selected process's oom_score_adj */
};
