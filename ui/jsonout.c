#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "group.h"
#include "jsonout.h"
#include "maptable.h"
#include "segment.h"
#include "smaps.h"
#include "sysmem.h"
#include "xalloc.h"

#define SCHEMA "memtop/1"

void jsonout_kv_fval(struct jsonw *w, const char *key, const struct fval *v, enum field_type t)
{
	jsonw_key(w, key);
	if (v->st != V_KNOWN) {
		jsonw_null(w);
		return;
	}
	switch (t) {
	case FT_INT:
		jsonw_i64(w, v->i);
		break;
	case FT_RATE:
		jsonw_double(w, v->d, 2);
		break;
	case FT_SECONDS:
	case FT_BYTES_RATE:
	case FT_ETA:
		jsonw_double(w, v->d, 1);
		break;
	case FT_FLAG:
		jsonw_bool(w, v->u != 0);
		break;
	default:
		jsonw_u64(w, v->u);
		break;
	}
}

static void jsonout_time(struct jsonw *w, const struct timespec *ts)
{
	char buf[40];
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	jsonw_kv_str(w, "time", buf);
}

static void jsonout_psi_line(struct jsonw *w, const char *key, const struct psi_line *l)
{
	jsonw_key(w, key);
	jsonw_obj_begin(w);
	jsonw_kv_double(w, "avg10", l->avg10, 2);
	jsonw_kv_double(w, "avg60", l->avg60, 2);
	jsonw_kv_double(w, "avg300", l->avg300, 2);
	jsonw_kv_u64(w, "total_us", l->total_us);
	jsonw_obj_end(w);
}

/* How fast the machine's headroom moves, and when it runs out (null: too few samples). */
static void jsonout_sys_trend(struct jsonw *w, const struct sys_trend *t)
{
	jsonw_key(w, "trend");
	jsonw_obj_begin(w);
	jsonout_kv_fval(w, "window", &t->window, FT_SECONDS);
	jsonout_kv_fval(w, "available_rate", &t->rate, FT_BYTES_RATE);
	jsonw_key(w, "r2");
	if (t->r2.st == V_KNOWN)
		jsonw_double(w, t->r2.d, 3);
	else
		jsonw_null(w);
	jsonout_kv_fval(w, "falling", &t->falling, FT_FLAG);
	jsonout_kv_fval(w, "oom_eta", &t->oom_eta, FT_ETA);
	jsonw_obj_end(w);
}

static void jsonout_system(struct jsonw *w, const struct snapshot *snap, const struct jsonout_extra *x)
{
	static const enum sys_id swap_ids[] = { SYS_SWAP_TOTAL, SYS_SWAP_FREE, SYS_SWAP_CACHED };
	const struct system *sys = &snap->sys;

	jsonw_key(w, "system");
	jsonw_obj_begin(w);
	jsonw_key(w, "mem");
	jsonw_obj_begin(w);
	for (int i = 0; i < SYS_MEM_COUNT; i++) {
		if (i == SYS_SWAP_TOTAL || i == SYS_SWAP_FREE || i == SYS_SWAP_CACHED ||
		    i == SYS_COMMITTED_AS || i == SYS_COMMIT_LIMIT)
			continue;
		jsonout_kv_fval(w, sys_mem_name(i), &sys->mem[i], FT_BYTES);
	}
	/* Cached - Shmem: with buffers, -S's file_cache (lib/sysmem.h) */
	jsonout_kv_fval(w, "reclaimable_cache", &snap->mem->reclaimable_cache, FT_BYTES);
	jsonw_obj_end(w);

	jsonw_key(w, "swap");
	jsonw_obj_begin(w);
	for (size_t i = 0; i < sizeof swap_ids / sizeof swap_ids[0]; i++)
		jsonout_kv_fval(w, sys_mem_name(swap_ids[i]) + 5, &sys->mem[swap_ids[i]], FT_BYTES);
	jsonw_obj_end(w);

	jsonw_key(w, "commit");
	jsonw_obj_begin(w);
	jsonout_kv_fval(w, "limit", &sys->mem[SYS_COMMIT_LIMIT], FT_BYTES);
	jsonout_kv_fval(w, "committed", &sys->mem[SYS_COMMITTED_AS], FT_BYTES);
	jsonout_kv_fval(w, "overcommit_memory", &sys->knob[KNOB_OVERCOMMIT_MEMORY], FT_INT);
	jsonout_kv_fval(w, "overcommit_ratio", &sys->knob[KNOB_OVERCOMMIT_RATIO], FT_INT);
	jsonout_kv_fval(w, "overcommit_kbytes", &sys->knob[KNOB_OVERCOMMIT_KBYTES], FT_INT);
	jsonw_obj_end(w);

	jsonw_key(w, "vm");
	jsonw_obj_begin(w);
	jsonout_kv_fval(w, "swappiness", &sys->knob[KNOB_SWAPPINESS], FT_INT);
	jsonw_obj_end(w);

	jsonw_key(w, "faults");
	jsonw_obj_begin(w);
	for (int i = 0; i < SYSC_COUNT; i++) {
		char key[40];

		if (i == SYSC_OOM_KILL)
			continue;
		jsonout_kv_fval(w, sys_counter_name(i), &sys->count[i], FT_COUNT);
		snprintf(key, sizeof key, "%s_rate", sys_counter_name(i));
		jsonout_kv_fval(w, key, &sys->rate[i], FT_RATE);
	}
	jsonw_obj_end(w);
	jsonout_kv_fval(w, "oom_kills", &sys->count[SYSC_OOM_KILL], FT_COUNT);

	jsonw_key(w, "pressure");
	if (!sys->pressure.known) {
		jsonw_null(w);
	} else {
		jsonw_obj_begin(w);
		jsonout_psi_line(w, "some", &sys->pressure.some);
		if (sys->pressure.has_full)
			jsonout_psi_line(w, "full", &sys->pressure.full);
		jsonw_obj_end(w);
	}
	jsonout_sys_trend(w, &sys->trend);
	if (x->system)
		x->system(w, snap, x->ctx);
	jsonw_obj_end(w);
}

static void jsonout_segments(struct jsonw *w, const struct proc *p)
{
	jsonw_key(w, "segments");
	jsonw_obj_begin(w);
	for (int s = 0; s < SEG_COUNT; s++) {
		jsonw_key(w, segment_name(s));
		jsonw_obj_begin(w);
		for (int f = 0; f < SEGF_COUNT; f++)
			jsonw_kv_u64(w, segment_figure_name(f), p->seg->v[s][f]);
		jsonw_obj_end(w);
	}
	jsonw_obj_end(w);
}

static void jsonout_hex(struct jsonw *w, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%llx", (unsigned long long)v);
	jsonw_kv_str(w, key, buf);
}

static void jsonout_mapping(struct jsonw *w, const struct mapping *m)
{
	char dev[32];

	jsonw_obj_begin(w);
	jsonout_hex(w, "start", m->start);
	jsonout_hex(w, "end", m->end);
	jsonw_kv_str(w, "perms", m->perms);
	jsonout_hex(w, "offset", m->offset);
	snprintf(dev, sizeof dev, "%02x:%02x", m->dev_major, m->dev_minor);
	jsonw_kv_str(w, "dev", dev);
	jsonw_kv_u64(w, "inode", m->inode);
	jsonw_key(w, "path");
	if (m->path)
		jsonw_strn(w, m->path, strlen(m->path));
	else
		jsonw_null(w);
	jsonw_key(w, "deleted");
	jsonw_bool(w, m->deleted);
	jsonw_kv_str(w, "segment", segment_name(m->seg));
	for (int f = 0; f < SMAPS_NFIELDS; f++) {
		if (f == SMAPS_PSS_ANON || f == SMAPS_PSS_FILE || f == SMAPS_PSS_SHMEM)
			continue;	/* rollup-only fields */
		if (m->known & (1ull << f))
			jsonw_kv_u64(w, smaps_field_json_name(f), m->val[f]);
		else
			jsonw_kv_null(w, smaps_field_json_name(f));
	}
	jsonw_obj_end(w);
}

static bool jsonout_group_wanted(const struct jsonout_opts *o, const char *group)
{
	for (int i = 0; i < FLD_COUNT; i++) {
		if (o->fields[i] && fields[i].json_group && strcmp(fields[i].json_group, group) == 0)
			return true;
	}
	return false;
}

static void jsonout_group(struct jsonw *w, const struct proc *p, const struct jsonout_opts *o,
			  const char *group)
{
	if (!jsonout_group_wanted(o, group))
		return;
	jsonw_key(w, group);
	jsonw_obj_begin(w);
	for (int i = 0; i < FLD_COUNT; i++) {
		if (o->fields[i] && fields[i].json_group && strcmp(fields[i].json_group, group) == 0)
			jsonout_kv_fval(w, fields[i].json_key, &p->f[i], fields[i].type);
	}
	jsonw_obj_end(w);
}

/* The registry's trend figures with what they come from: how long a history, how good a
 * fit, which limit oom_eta is about. */
static void jsonout_trend(struct jsonw *w, const struct proc *p, const struct jsonout_opts *o)
{
	static const char *const limits[] = { [TREND_LIMIT_MACHINE] = "machine", [TREND_LIMIT_CGROUP] = "cgroup" };
	const struct proc_trend *t = &p->trend;

	if (!jsonout_group_wanted(o, "trend"))
		return;
	jsonw_key(w, "trend");
	jsonw_obj_begin(w);
	jsonout_kv_fval(w, "window", &t->window, FT_SECONDS);
	jsonw_kv_u64(w, "samples", t->samples);
	jsonout_kv_fval(w, "growth", &p->f[FLD_GROWTH], FT_BYTES_RATE);
	jsonw_key(w, "r2");
	if (t->r2.st == V_KNOWN)
		jsonw_double(w, t->r2.d, 3);
	else
		jsonw_null(w);
	jsonout_kv_fval(w, "leak", &p->f[FLD_LEAK], FT_FLAG);
	jsonout_kv_fval(w, "oom_eta", &p->f[FLD_OOM_ETA], FT_ETA);
	jsonw_key(w, "limit");
	if (p->f[FLD_OOM_ETA].st == V_KNOWN && t->limit != TREND_LIMIT_NONE)
		jsonw_str(w, limits[t->limit]);
	else
		jsonw_null(w);
	jsonout_kv_fval(w, "pss_growth", &t->pss_growth, FT_BYTES_RATE);
	jsonw_obj_end(w);
}

static void jsonout_maps(struct jsonw *w, const struct proc *p, const struct jsonout_opts *o)
{
	size_t *order = NULL;

	if (o->maps_sort >= 0) {
		order = xreallocarray(NULL, p->nmaps ? p->nmaps : 1, sizeof *order);
		maptable_sort(order, p->maps, p->nmaps, o->maps_sort);
	}
	jsonw_key(w, "maps");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < p->nmaps; i++)
		jsonout_mapping(w, &p->maps[order ? order[i] : i]);
	jsonw_arr_end(w);
	free(order);
}

static void jsonout_process(struct jsonw *w, const struct proc *p, const struct jsonout_opts *o)
{
	char st[2] = { p->state, '\0' };

	jsonw_obj_begin(w);
	for (int i = 0; i < FLD_COUNT; i++) {
		if (!o->fields[i] || fields[i].json_group)
			continue;
		switch (i) {
		case FLD_USER:
			jsonw_kv_str(w, "user", p->user);
			break;
		case FLD_COMM:
			jsonw_key(w, "comm");
			jsonw_strn(w, p->comm, strlen(p->comm));
			break;
		case FLD_CMD:
			jsonw_key(w, "cmdline");
			if (p->cmdline)
				jsonw_strn(w, p->cmdline, p->cmdline_len);
			else
				jsonw_null(w);
			break;
		case FLD_STATE:
			jsonw_kv_str(w, "state", st);
			break;
		default:
			jsonout_kv_fval(w, fields[i].json_key, &p->f[i], fields[i].type);
			break;
		}
	}
	jsonout_group(w, p, o, "mem");
	jsonout_group(w, p, o, "faults");
	jsonout_group(w, p, o, "oom");
	jsonout_trend(w, p, o);
	if (p->has_segments) {
		jsonout_segments(w, p);
		jsonw_kv_double(w, "segments_age", p->smaps_age, 1);
	}
	if (o->maps && (p->have & SRC_MAPS_LIST))
		jsonout_maps(w, p, o);
	if (p->rollup_errno || p->smaps_errno) {
		jsonw_key(w, "errors");
		jsonw_obj_begin(w);
		if (p->rollup_errno)
			jsonw_kv_str(w, "smaps_rollup", strerrorname_np(p->rollup_errno));
		if (p->smaps_errno)
			jsonw_kv_str(w, "smaps", strerrorname_np(p->smaps_errno));
		jsonw_obj_end(w);
	}
	jsonw_obj_end(w);
}

/* A sum: null when no member has the figure (it applies to none, or none could be read). */
static void jsonout_kv_sum(struct jsonw *w, const struct group *g, enum field_id id)
{
	if (g->f[id].st == V_KNOWN && !g->known[id] && g->unknown[id])
		jsonw_kv_null(w, fields[id].json_key);
	else
		jsonout_kv_fval(w, fields[id].json_key, &g->f[id], fields[id].type);
}

static bool jsonout_summed(const bool *jsonf, int id, const char *group)
{
	return jsonf[id] && group_summed(id) && fields[id].json_group && strcmp(fields[id].json_group, group) == 0;
}

static void jsonout_sum_group(struct jsonw *w, const struct group *g, const bool *jsonf, const char *group)
{
	jsonw_key(w, group);
	jsonw_obj_begin(w);
	for (int i = 0; i < FLD_COUNT; i++) {
		if (jsonout_summed(jsonf, i, group))
			jsonout_kv_sum(w, g, i);
	}
	jsonw_obj_end(w);
}

/* count, the sums (mem, faults), how many members each sum leaves out (unknown: only the
 * sums that leave some out; such a sum is a lower bound), and the age of the oldest
 * reused figure in them. */
static void jsonout_sums(struct jsonw *w, const struct group *g, const bool *jsonf)
{
	jsonw_kv_u64(w, "count", g->count);
	jsonout_sum_group(w, g, jsonf, "mem");
	jsonout_sum_group(w, g, jsonf, "faults");
	jsonw_key(w, "unknown");
	jsonw_obj_begin(w);
	for (int i = 0; i < FLD_COUNT; i++) {
		if ((jsonout_summed(jsonf, i, "mem") || jsonout_summed(jsonf, i, "faults")) && g->unknown[i])
			jsonw_kv_u64(w, fields[i].json_key, g->unknown[i]);
	}
	jsonw_obj_end(w);
	jsonw_kv_double(w, "age", g->pss_age, 1);
}

static void jsonout_totals(struct jsonw *w, const struct proc *const *rows, size_t n, const struct jsonout_opts *o)
{
	struct group t = { 0 };

	group_total(&t, rows, n);
	jsonw_key(w, "totals");
	jsonw_obj_begin(w);
	jsonout_sums(w, &t, o->fields);
	jsonw_obj_end(w);
	group_free(&t);
}

void jsonout_groups(struct jsonw *w, const struct snapshot *snap, const struct proc *const *rows, size_t n,
		    const bool *jsonf, enum group_by by, enum field_id sort)
{
	struct group_set gs = { 0 };

	group_compute(&gs, by, rows, n, snap->cgroups);
	group_sort(&gs, sort);
	jsonw_key(w, "groups");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < gs.n; i++) {
		jsonw_obj_begin(w);
		jsonw_kv_str(w, "by", group_by_name(gs.by));
		jsonw_key(w, "key");
		jsonw_strn(w, gs.g[i].key, strlen(gs.g[i].key));
		jsonout_sums(w, &gs.g[i], jsonf);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	group_set_free(&gs);
}

void jsonout_fields(const struct run_config *rc, bool *jsonf)
{
	for (int i = 0; i < FLD_COUNT; i++)
		jsonf[i] = !rc->cols_set && fields[i].src != SRC_SMAPS;
	for (int i = 0; i < rc->ncols && rc->cols_set; i++)
		jsonf[rc->cols[i]] = true;
	jsonf[FLD_PID] = true;
}

unsigned jsonout_needs(const bool *jsonf)
{
	unsigned need = 0;

	for (int i = 0; i < FLD_COUNT; i++)
		need |= jsonf[i] ? fields[i].src : 0;
	return need;
}

void jsonout_snapshot(struct jsonw *w, const struct snapshot *snap, const struct proc *const *rows,
		      size_t n, const struct jsonout_opts *o, const struct jsonout_extra *x)
{
	static const struct jsonout_extra none;

	if (!x)
		x = &none;
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "schema", SCHEMA);
	jsonout_time(w, &snap->wall);
	jsonw_key(w, "interval");
	if (snap->seq > 1)
		jsonw_double(w, snap->interval, 3);
	else
		jsonw_null(w);
	jsonw_key(w, "host");
	jsonw_strn(w, snap->host, strlen(snap->host));
	jsonw_kv_str(w, "kernel", snap->kernel);
	jsonw_kv_u64(w, "processes_total", snap->ntotal);
	jsonout_system(w, snap, x);
	jsonw_key(w, "processes");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		jsonout_process(w, rows[i], o);
	jsonw_arr_end(w);
	jsonout_totals(w, rows, n, o);
	if (x->top)
		x->top(w, snap, x->ctx);
	jsonw_obj_end(w);
	jsonw_end_line(w);
}
