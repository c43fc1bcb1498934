/* -S: the machine's memory. MemTotal split into parts that add up to it (what is left
 * over is shown as unaccounted), the page cache split into what could be dropped and what
 * cannot, swap, overcommit, rates, OOM kills, pressure; then the shmem objects and who maps
 * them, unattributed ones first, and the tmpfs mounts. Text, or JSON (the usual document
 * with "breakdown" and "shmem" added under "system"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "jsonout.h"
#include "run.h"
#include "sanitize.h"
#include "shmem.h"
#include "sysmem.h"
#include "tui.h"
#include "xalloc.h"

#define SYSVIEW_USERS_SHOWN 8	/* mappers listed per object in text */

struct sysview {
	const struct run_config *rc;
	const struct snapshot *snap;
	struct sysmem sm;
	struct shmem_report *shm;
	bool jsonf[FLD_COUNT];
	struct jsonw *w;		/* JSON, or NULL for text */
};

/* ---- text ---- */

static const char *sysview_bytes(char *buf, size_t n, const struct fval *v)
{
	if (v->st != V_KNOWN)
		return "-";
	return units_long(buf, n, v->u);
}

static void sysview_part(FILE *out, const struct sysmem *sm, int i)
{
	const struct sysmem_part_info *pi = &sysmem_parts[i];
	const struct fval *v = &sm->part[i];
	char num[32], label[48];
	const char *shown = num;

	snprintf(label, sizeof label, "%s%s", pi->parent >= 0 ? "  " : "", pi->label);
	if (i == SM_UNACCOUNTED && v->st == V_KNOWN && v->i < 0) {
		units_long(num + 1, sizeof num - 1, 0 - (uint64_t)v->i);
		num[0] = '-';
	} else if (i == SM_UNACCOUNTED && v->st == V_KNOWN) {
		units_long(num, sizeof num, (uint64_t)v->i);
	} else {
		shown = sysview_bytes(num, sizeof num, v);
	}
	fprintf(out, "  %-30s %11s  %s\n", label, shown, pi->source);
}

static void sysview_breakdown(FILE *out, const struct sysview *v)
{
	const struct sysmem *sm = &v->sm;
	const struct system *sys = &v->snap->sys;
	char a[32];

	fprintf(out, "Memory %s (MemTotal), in parts that add up to it:\n",
		sysview_bytes(a, sizeof a, &sm->total));
	for (int i = 0; i < SM_COUNT; i++)
		sysview_part(out, sm, i);
	fprintf(out, "  clean, droppable = %s\n", sm->clean_method);
	if (sm->pss_unknown)
		fprintf(out, "  %zu process%s smaps_rollup unreadable: shmem mapped by processes counts "
			     "their whole RssShmem, an upper bound\n", sm->pss_unknown,
			sm->pss_unknown == 1 ? "'s" : "es'");
	fprintf(out, "  unaccounted includes vmalloc (VmallocUsed %s, which on most kernels also "
		     "holds the kernel stacks counted above)\n",
		sysview_bytes(a, sizeof a, &sys->mem[SYS_VMALLOC_USED]));
}

static void sysview_views(FILE *out, const struct system *sys, enum unit u)
{
	static const struct { const char *label; enum sys_id id; } views[] = {
		{ "active anon", SYS_ACTIVE_ANON }, { "inactive anon", SYS_INACTIVE_ANON },
		{ "active file", SYS_ACTIVE_FILE }, { "inactive file", SYS_INACTIVE_FILE },
		{ "unevictable", SYS_UNEVICTABLE }, { "mlocked", SYS_MLOCKED },
		{ "anon huge pages", SYS_ANON_HUGE }, { "available", SYS_MEM_AVAILABLE },
	};
	char a[32];

	fprintf(out, "\nThe same pages seen another way (not parts; the anon LRU lists hold shmem "
		     "too):\n ");
	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
		const struct fval *f = &sys->mem[views[i].id];

		fprintf(out, " %s %s%s", views[i].label,
			cell_bytes(a, sizeof a, f, u),
			i + 1 < sizeof views / sizeof views[0] ? ";" : "\n");
		if (i == 3)
			fprintf(out, "\n ");
	}
	if (sys->mem[SYS_HUGE_TOTAL].st == V_KNOWN && sys->mem[SYS_HUGE_TOTAL].u)
		fprintf(out, "  huge pages: %llu of %s, %llu free\n",
			(unsigned long long)sys->mem[SYS_HUGE_TOTAL].u,
			sysview_bytes(a, sizeof a, &sys->mem[SYS_HUGE_SIZE]),
			(unsigned long long)sys->mem[SYS_HUGE_FREE].u);
}

static const char *sysview_rate(char *buf, size_t n, const struct fval *f)
{
	if (f->st != V_KNOWN)
		return "-";
	return units_count(buf, n, f->d);
}

static void sysview_swap_commit(FILE *out, const struct system *sys)
{
	const struct fval *mode = &sys->knob[KNOB_OVERCOMMIT_MEMORY];
	char a[32], b[32], c[32];

	fprintf(out, "\nSwap: total %s, free %s, cached %s; swappiness %lld\n",
		sysview_bytes(a, sizeof a, &sys->mem[SYS_SWAP_TOTAL]),
		sysview_bytes(b, sizeof b, &sys->mem[SYS_SWAP_FREE]),
		sysview_bytes(c, sizeof c, &sys->mem[SYS_SWAP_CACHED]),
		sys->knob[KNOB_SWAPPINESS].st == V_KNOWN ? (long long)sys->knob[KNOB_SWAPPINESS].i : -1);
	fprintf(out, "Commit: Committed_AS %s of CommitLimit %s; overcommit_memory %lld: %s\n",
		sysview_bytes(a, sizeof a, &sys->mem[SYS_COMMITTED_AS]),
		sysview_bytes(b, sizeof b, &sys->mem[SYS_COMMIT_LIMIT]),
		mode->st == V_KNOWN ? (long long)mode->i : -1LL,
		mode->st == V_KNOWN && mode->i == 2 ? "strict, allocations fail beyond the limit"
						     : "the limit is not enforced");
}

static void sysview_activity(FILE *out, const struct system *sys)
{
	char a[16], b[16], c[16], d[16];

	fprintf(out, "Per second: page faults %s, major faults %s, swap-ins %s, swap-outs %s%s\n",
		sysview_rate(a, sizeof a, &sys->rate[SYSC_PGFAULT]),
		sysview_rate(b, sizeof b, &sys->rate[SYSC_PGMAJFAULT]),
		sysview_rate(c, sizeof c, &sys->rate[SYSC_PSWPIN]),
		sysview_rate(d, sizeof d, &sys->rate[SYSC_PSWPOUT]),
		sys->rate[SYSC_PGFAULT].st == V_KNOWN ? "" : " ('-' until a second sample: -n 2)");
	fprintf(out, "OOM kills since boot: %s\n", sys->count[SYSC_OOM_KILL].st == V_KNOWN ?
		units_count(a, sizeof a, (double)sys->count[SYSC_OOM_KILL].u) : "-");
	if (!sys->pressure.known) {
		fprintf(out, "Pressure: no PSI (kernel without CONFIG_PSI, or psi=0)\n");
		return;
	}
	fprintf(out, "Pressure (time stalled on memory, %%, avg 10s/60s/300s): some %.2f/%.2f/%.2f",
		sys->pressure.some.avg10, sys->pressure.some.avg60, sys->pressure.some.avg300);
	if (sys->pressure.has_full)
		fprintf(out, ", full %.2f/%.2f/%.2f", sys->pressure.full.avg10,
			sys->pressure.full.avg60, sys->pressure.full.avg300);
	fputc('\n', out);
}

static void sysview_object_name(FILE *out, const struct shmem_object *o)
{
	char name[4096 * 4];

	if (o->kind == SHMEM_ANON && o->name_len == 0) {
		fprintf(out, "shared anonymous (inode %llu)", (unsigned long long)o->inode);
		return;
	}
	sanitize_term(name, sizeof name, o->name, o->name_len, 1024);
	fputs(name, out);
	if (o->kind == SHMEM_SYSV)
		fprintf(out, " (key 0x%08x, shmid %llu, nattch %llu)", o->key,
			(unsigned long long)o->inode, (unsigned long long)o->nattch);
	if (o->deleted && o->kind != SHMEM_MEMFD && o->kind != SHMEM_SYSV)
		fputs(" (deleted)", out);
}

static void sysview_users(FILE *out, const struct shmem_object *o, enum unit u)
{
	char comm[64 * 4 + 1], a[16];

	if (!o->nusers) {
		fputs(o->attributed ? "       attached by processes not readable here\n"
				    : "       UNATTRIBUTED: no process maps it\n", out);
		return;
	}
	fputs("       mapped by:", out);
	for (size_t k = 0; k < o->nusers && k < SYSVIEW_USERS_SHOWN; k++) {
		const struct shmem_user *us = &o->users[k];

		sanitize_term(comm, sizeof comm, us->p->comm, strlen(us->p->comm), 16);
		fprintf(out, "%s %d %s %s", k ? "," : "", us->p->pid, comm,
			cell_bytes(a, sizeof a, &us->rss, u));
	}
	if (o->nusers > SYSVIEW_USERS_SHOWN)
		fprintf(out, ", and %zu more", o->nusers - SYSVIEW_USERS_SHOWN);
	fputc('\n', out);
}

static void sysview_objects(FILE *out, const struct sysview *v)
{
	const struct shmem_report *r = v->shm;
	enum unit u = v->rc->unit;
	char a[16], b[16], c[32];

	fprintf(out, "\nShared memory objects: %zu; unattributed (no process maps them): %zu holding %s\n",
		r->nobjects, r->nunattributed, units_long(c, sizeof c, r->unattributed));
	if (r->unreadable)
		fprintf(out, "(%zu process%s maps could not be read: an object shown unattributed may be theirs)\n",
			r->unreadable, r->unreadable == 1 ? "'s" : "es'");
	if (!r->sysv_known)
		fprintf(out, "(/proc/sysvipc/shm could not be read: SysV segments nobody maps are not shown)\n");
	if (r->truncated)
		fprintf(out, "(/dev/shm holds more than memtop lists)\n");
	if (!r->nobjects)
		return;
	fprintf(out, "%-6s %7s %7s  %s\n", "KIND", "SIZE", "USED", "NAME, then who maps it (pid comm rss)");
	for (size_t i = 0; i < r->nobjects; i++) {
		const struct shmem_object *o = &r->objects[i];

		fprintf(out, "%-6s %7s %7s  ", shmem_kind_name(o->kind),
			cell_bytes(a, sizeof a, &o->size, u),
			cell_bytes(b, sizeof b, &o->used, u));
		sysview_object_name(out, o);
		fputc('\n', out);
		sysview_users(out, o, u);
	}
}

static void sysview_mounts(FILE *out, const struct sysview *v)
{
	const struct shmem_report *r = v->shm;
	char path[4096 * 4], a[32], b[32];

	fprintf(out, "\ntmpfs mounts (their files are shmem):\n");
	for (size_t i = 0; i < r->nmounts; i++) {
		const struct shmem_mount *m = &r->mounts[i];

		sanitize_term(path, sizeof path, m->mountpoint, strlen(m->mountpoint), 1024);
		fprintf(out, "  %-30s used %s of %s\n", path, sysview_bytes(a, sizeof a, &m->used),
			sysview_bytes(b, sizeof b, &m->size));
	}
}

static void sysview_text(FILE *out, const struct sysview *v)
{
	const struct system *sys = &v->snap->sys;

	sysview_breakdown(out, v);
	sysview_views(out, sys, v->rc->unit);
	sysview_swap_commit(out, sys);
	sysview_activity(out, sys);
	sysview_objects(out, v);
	sysview_mounts(out, v);
}

/* ---- JSON ---- */

static void sysview_json_part(struct jsonw *w, const struct sysmem *sm, int i)
{
	const struct fval *f = &sm->part[i];

	if (f->st != V_KNOWN)
		jsonw_kv_null(w, sysmem_parts[i].key);
	else if (i == SM_UNACCOUNTED)
		jsonw_kv_i64(w, sysmem_parts[i].key, f->i);
	else
		jsonw_kv_u64(w, sysmem_parts[i].key, f->u);
}

/* "parts" adds up to "total"; each object named after a part adds up to that part. */
static void sysview_json_breakdown(struct jsonw *w, const struct sysmem *sm)
{
	jsonw_key(w, "breakdown");
	jsonw_obj_begin(w);
	if (sm->total.st == V_KNOWN)
		jsonw_kv_u64(w, "total", sm->total.u);
	else
		jsonw_kv_null(w, "total");
	jsonw_key(w, "parts");
	jsonw_obj_begin(w);
	for (int i = 0; i < SM_COUNT; i++) {
		if (sysmem_parts[i].parent < 0)
			sysview_json_part(w, sm, i);
	}
	jsonw_obj_end(w);
	for (int p = 0; p < SM_COUNT; p++) {
		bool open = false;

		for (int i = 0; i < SM_COUNT; i++) {
			if (sysmem_parts[i].parent != p)
				continue;
			if (!open) {
				jsonw_key(w, sysmem_parts[p].key);
				jsonw_obj_begin(w);
				open = true;
			}
			sysview_json_part(w, sm, i);
		}
		if (open)
			jsonw_obj_end(w);
	}
	jsonw_kv_str(w, "clean_droppable_method", sm->clean_method);
	jsonw_obj_end(w);
}

static void sysview_json_user(struct jsonw *w, const struct shmem_user *u)
{
	jsonw_obj_begin(w);
	jsonw_kv_i64(w, "pid", u->p->pid);
	jsonw_key(w, "comm");
	jsonw_strn(w, u->p->comm, strlen(u->p->comm));
	jsonw_kv_u64(w, "mappings", u->nmaps);
	jsonw_kv_u64(w, "size", u->size);
	jsonout_kv_fval(w, "rss", &u->rss, FT_BYTES);
	jsonout_kv_fval(w, "pss", &u->pss, FT_BYTES);
	jsonout_kv_fval(w, "swap_pss", &u->swap_pss, FT_BYTES);
	jsonw_obj_end(w);
}

static void sysview_json_object(struct jsonw *w, const struct shmem_object *o)
{
	char dev[32];

	jsonw_obj_begin(w);
	jsonw_kv_str(w, "kind", shmem_kind_name(o->kind));
	jsonw_key(w, "name");
	jsonw_strn(w, o->name, o->name_len);
	snprintf(dev, sizeof dev, "%02x:%02x", o->dev_major, o->dev_minor);
	jsonw_kv_str(w, "dev", dev);
	jsonw_kv_u64(w, "inode", o->inode);
	jsonw_key(w, "deleted");
	jsonw_bool(w, o->deleted);
	jsonout_kv_fval(w, "size", &o->size, FT_BYTES);
	jsonout_kv_fval(w, "used", &o->used, FT_BYTES);
	jsonw_key(w, "attributed");
	jsonw_bool(w, o->attributed);
	if (o->kind == SHMEM_SYSV) {
		char key[16];

		snprintf(key, sizeof key, "0x%08x", o->key);
		jsonw_kv_str(w, "key", key);
		jsonw_kv_u64(w, "nattch", o->nattch);
		jsonw_kv_i64(w, "cpid", o->cpid);
		jsonw_kv_i64(w, "lpid", o->lpid);
		jsonw_kv_u64(w, "uid", o->uid);
	}
	jsonw_key(w, "users");
	jsonw_arr_begin(w);
	for (size_t k = 0; k < o->nusers; k++)
		sysview_json_user(w, &o->users[k]);
	jsonw_arr_end(w);
	jsonw_obj_end(w);
}

static void sysview_json_mount(struct jsonw *w, const struct shmem_mount *m)
{
	jsonw_obj_begin(w);
	jsonw_key(w, "mountpoint");
	jsonw_strn(w, m->mountpoint, strlen(m->mountpoint));
	jsonout_kv_fval(w, "size", &m->size, FT_BYTES);
	jsonout_kv_fval(w, "used", &m->used, FT_BYTES);
	jsonout_kv_fval(w, "available", &m->avail, FT_BYTES);
	jsonw_obj_end(w);
}

static void sysview_json_shmem(struct jsonw *w, const struct shmem_report *r)
{
	jsonw_key(w, "shmem");
	jsonw_obj_begin(w);
	jsonw_key(w, "objects");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < r->nobjects; i++)
		sysview_json_object(w, &r->objects[i]);
	jsonw_arr_end(w);
	jsonw_key(w, "unattributed");
	jsonw_obj_begin(w);
	jsonw_kv_u64(w, "objects", r->nunattributed);
	jsonw_kv_u64(w, "used", r->unattributed);
	jsonw_obj_end(w);
	jsonw_kv_u64(w, "unreadable_processes", r->unreadable);
	jsonw_key(w, "sysv_known");
	jsonw_bool(w, r->sysv_known);
	jsonw_key(w, "mounts");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < r->nmounts; i++)
		sysview_json_mount(w, &r->mounts[i]);
	jsonw_arr_end(w);
	jsonw_obj_end(w);
}

static void sysview_json(struct jsonw *w, void *ctx)
{
	const struct sysview *v = ctx;

	sysview_json_breakdown(w, &v->sm);
	sysview_json_shmem(w, v->shm);
}

/* ---- the run ---- */

/* As -bJ: every figure but the costly segments, or the -o fields; Pss_Shmem always, for the
 * shmem processes map. */
static unsigned sysview_needs(struct sysview *v)
{
	const struct run_config *rc = v->rc;
	unsigned need = fields[FLD_PSS_SHMEM].src | fields[FLD_SHMEM].src;

	for (int i = 0; i < FLD_COUNT; i++)
		v->jsonf[i] = !rc->cols_set && fields[i].src != SRC_SMAPS;
	for (int i = 0; i < rc->ncols && rc->cols_set; i++)
		v->jsonf[rc->cols[i]] = true;
	v->jsonf[FLD_PID] = true;
	for (int i = 0; i < FLD_COUNT && rc->json; i++)
		need |= v->jsonf[i] ? fields[i].src : 0;
	return need;
}

static int sysview_emit(struct snapshot *snap, long i, void *ctx)
{
	struct sysview *v = ctx;

	v->snap = snap;
	sysmem_compute(snap, &v->sm);
	shmem_report_update(v->shm, snap);
	if (v->w) {
		snapshot_sort(snap, v->rc->sort, false);
		jsonout_snapshot_with(v->w, snap, &(struct jsonout_opts){ v->jsonf, false },
				      &(struct jsonout_extra){ sysview_json, NULL, v });
	} else {
		if (i)
			fputc('\n', stdout);
		sysview_text(stdout, v);
	}
	return 0;
}

int sysview_run(const struct run_config *rc)
{
	struct sysview v = { .rc = rc };
	struct sample_request req = { 0 };
	int status;

	v.shm = shmem_report_create();
	if (!v.shm) {
		run_error("cannot read /proc: %s", strerror(errno));
		return RUN_EXIT_RUNTIME;
	}
	req.need = sysview_needs(&v);
	req.reuse_max_age = RUN_REUSE_MAX_AGE;
	if (rc->json)
		v.w = jsonw_create(stdout, false);
	status = run_loop(rc, &req, sysview_emit, &v);
	jsonw_free(v.w);
	shmem_report_free(v.shm);
	return status;
}

/* ---- the interactive view's system screen (S) ---- */

/* The text report, one page line per line; section titles styled as such. */
static void sysview_page_lines(struct tui_page *pg, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		int n = (int)((nl ? nl : end) - p);
		bool title = n && p[0] != ' ' && p[n - 1] == ':';

		tui_page_add(pg, title ? STY_TITLE : strncmp(p, "KIND", 4) == 0 ? STY_COLHEAD : STY_NORMAL,
			     "%.*s", n, p);
		p = nl ? nl + 1 : end;
	}
}

static void sysview_page_build(struct tui_page *pg, struct snapshot *snap, enum unit u)
{
	static struct shmem_report *shm;	/* kept for the view's life */
	struct run_config rc = { .unit = u };
	struct sysview v = { .rc = &rc, .snap = snap };
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	if (!shm && !(shm = shmem_report_create())) {
		tui_page_add(pg, STY_ERROR, "cannot read /proc: %s", strerror(errno));
		return;
	}
	sysmem_compute(snap, &v.sm);
	shmem_report_update(shm, snap);
	v.shm = shm;
	if (snap->nprocs < snap->ntotal)
		tui_page_add(pg, STY_DIM, "(the processes the view's filter selects: shmem mapped only by "
			     "others shows as unattributed)");
	mem = open_memstream(&text, &len);
	if (!mem)
		xalloc_die();
	sysview_text(mem, &v);
	fclose(mem);
	sysview_page_lines(pg, text, len);
	free(text);
}

const struct tui_page_source sysview_page = {
	.title = "System: where the memory goes",
	.need = SRC_STATUS | SRC_ROLLUP,
	.fill = SRC_STATUS | SRC_ROLLUP,	/* shmem, pss_shmem: attribution */
	.build = sysview_page_build,
};
