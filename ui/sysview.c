/* -S and the S screen: the machine's memory. MemTotal split into parts that add up to it
 * (what is left over is shown as unaccounted), the page cache split into what could be
 * dropped and what cannot, swap, overcommit, rates, OOM kills, pressure; then the shmem
 * objects and who maps them, unattributed ones first, and the tmpfs mounts. Built from the
 * snapshot's breakdown and shmem report; JSON adds "breakdown" and "shmem" to "system". */
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "jsonout.h"
#include "reports.h"
#include "sanitize.h"
#include "shmem.h"
#include "sysmem.h"

#define SYSVIEW_USERS_SHOWN 8	/* mappers listed per object in text */

/* ---- text ---- */

static const char *sysview_bytes(char *buf, size_t n, const struct fval *v)
{
	if (v->st != V_KNOWN)
		return "-";
	return units_long(buf, n, v->u);
}

static void sysview_part(struct doc *d, const struct sysmem *sm, int i)
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
	doc_printf(d, DOC_NORMAL, "  %-30s %11s  %s", label, shown, pi->source);
}

static void sysview_breakdown(struct doc *d, const struct snapshot *snap)
{
	const struct sysmem *sm = snap->mem;
	char a[32];

	doc_printf(d, DOC_TITLE, "Memory %s (MemTotal), in parts that add up to it:", sysview_bytes(a, sizeof a, &sm->total));
	for (int i = 0; i < SM_COUNT; i++)
		sysview_part(d, sm, i);
	doc_printf(d, DOC_NORMAL, "  clean, droppable = %s", sm->clean_method);
	if (sm->pss_unknown)
		doc_printf(d, DOC_NORMAL, "  %zu process%s smaps_rollup unreadable: shmem mapped by processes counts "
					  "their whole RssShmem, an upper bound", sm->pss_unknown, sm->pss_unknown == 1 ? "'s" : "es'");
	doc_printf(d, DOC_NORMAL, "  unaccounted includes vmalloc (VmallocUsed %s, which on most kernels also "
				  "holds the kernel stacks counted above)", sysview_bytes(a, sizeof a, &snap->sys.mem[SYS_VMALLOC_USED]));
}

static void sysview_views(struct doc *d, const struct system *sys)
{
	static const struct { const char *label; enum sys_id id; } views[] = {
		{ "active anon", SYS_ACTIVE_ANON }, { "inactive anon", SYS_INACTIVE_ANON },
		{ "active file", SYS_ACTIVE_FILE }, { "inactive file", SYS_INACTIVE_FILE },
		{ "unevictable", SYS_UNEVICTABLE }, { "mlocked", SYS_MLOCKED },
		{ "anon huge pages", SYS_ANON_HUGE }, { "available", SYS_MEM_AVAILABLE },
	};
	const size_t n = sizeof views / sizeof views[0];
	char a[32], line[2][256];
	size_t len[2] = { 0, 0 };

	doc_printf(d, DOC_NORMAL, "%s", "");
	doc_printf(d, DOC_TITLE, "The same pages seen another way (not parts; the anon LRU lists hold shmem too):");
	for (size_t i = 0; i < n; i++) {
		size_t k = i < n / 2 ? 0 : 1;

		len[k] += snprintf(line[k] + len[k], sizeof line[k] - len[k], "%s %s %s", i % (n / 2) ? ";" : " ",
				   views[i].label, cell_bytes(a, sizeof a, &sys->mem[views[i].id], d->unit));
	}
	doc_printf(d, DOC_NORMAL, "%s", line[0]);
	doc_printf(d, DOC_NORMAL, "%s", line[1]);
	if (sys->mem[SYS_HUGE_TOTAL].st == V_KNOWN && sys->mem[SYS_HUGE_TOTAL].u)
		doc_printf(d, DOC_NORMAL, "  huge pages: %llu of %s, %llu free",
			   (unsigned long long)sys->mem[SYS_HUGE_TOTAL].u, sysview_bytes(a, sizeof a, &sys->mem[SYS_HUGE_SIZE]),
			   (unsigned long long)sys->mem[SYS_HUGE_FREE].u);
}

static const char *sysview_rate(char *buf, size_t n, const struct fval *f)
{
	if (f->st != V_KNOWN)
		return "-";
	return units_count(buf, n, f->d);
}

static void sysview_swap_commit(struct doc *d, const struct system *sys)
{
	const struct fval *mode = &sys->knob[KNOB_OVERCOMMIT_MEMORY];
	char a[32], b[32], c[32];

	doc_printf(d, DOC_NORMAL, "%s", "");
	doc_printf(d, DOC_NORMAL, "Swap: total %s, free %s, cached %s; swappiness %lld",
		   sysview_bytes(a, sizeof a, &sys->mem[SYS_SWAP_TOTAL]), sysview_bytes(b, sizeof b, &sys->mem[SYS_SWAP_FREE]),
		   sysview_bytes(c, sizeof c, &sys->mem[SYS_SWAP_CACHED]),
		   sys->knob[KNOB_SWAPPINESS].st == V_KNOWN ? (long long)sys->knob[KNOB_SWAPPINESS].i : -1);
	doc_printf(d, DOC_NORMAL, "Commit: Committed_AS %s, CommitLimit %s; overcommit_memory %lld: %s",
		   sysview_bytes(a, sizeof a, &sys->mem[SYS_COMMITTED_AS]), sysview_bytes(b, sizeof b, &sys->mem[SYS_COMMIT_LIMIT]),
		   mode->st == V_KNOWN ? (long long)mode->i : -1LL, sysmem_overcommit_short(mode));
}

static void sysview_activity(struct doc *d, const struct system *sys)
{
	char a[16], b[16], c[16], e[16], line[256];
	size_t n;

	doc_printf(d, DOC_NORMAL, "Per second: page faults %s, major faults %s, swap-ins %s, swap-outs %s%s",
		   sysview_rate(a, sizeof a, &sys->rate[SYSC_PGFAULT]), sysview_rate(b, sizeof b, &sys->rate[SYSC_PGMAJFAULT]),
		   sysview_rate(c, sizeof c, &sys->rate[SYSC_PSWPIN]), sysview_rate(e, sizeof e, &sys->rate[SYSC_PSWPOUT]),
		   sys->rate[SYSC_PGFAULT].st == V_KNOWN ? "" : " ('-' until a second sample: -n 2)");
	doc_printf(d, DOC_NORMAL, "OOM kills since boot: %s", sys->count[SYSC_OOM_KILL].st == V_KNOWN ?
		   units_count(a, sizeof a, (double)sys->count[SYSC_OOM_KILL].u) : "-");
	if (!sys->pressure.known) {
		doc_printf(d, DOC_NORMAL, "Pressure: no PSI (kernel without CONFIG_PSI, or psi=0)");
		return;
	}
	n = snprintf(line, sizeof line, "Pressure (time stalled on memory, %%, avg 10s/60s/300s): some %.2f/%.2f/%.2f",
		     sys->pressure.some.avg10, sys->pressure.some.avg60, sys->pressure.some.avg300);
	if (sys->pressure.has_full)
		snprintf(line + n, sizeof line - n, ", full %.2f/%.2f/%.2f", sys->pressure.full.avg10,
			 sys->pressure.full.avg60, sys->pressure.full.avg300);
	doc_printf(d, DOC_NORMAL, "%s", line);
}

static size_t sysview_object_name(char *out, size_t n, const struct shmem_object *o)
{
	size_t len;

	if (o->kind == SHMEM_ANON && o->name_len == 0)
		return snprintf(out, n, "shared anonymous (inode %llu)", (unsigned long long)o->inode);
	sanitize_term(out, n, o->name, o->name_len, 1024);
	len = strlen(out);
	if (o->kind == SHMEM_SYSV)
		len += snprintf(out + len, n - len, " (key 0x%08x, shmid %llu, nattch %llu)", o->key,
				(unsigned long long)o->inode, (unsigned long long)o->nattch);
	if (o->deleted && o->kind != SHMEM_MEMFD && o->kind != SHMEM_SYSV)
		len += snprintf(out + len, n - len, " (deleted)");
	return len;
}

static void sysview_users(struct doc *d, const struct shmem_object *o)
{
	char comm[64 * 4 + 1], a[16], line[SYSVIEW_USERS_SHOWN * 300 + 64];
	size_t len;

	if (!o->nusers) {
		doc_printf(d, o->attributed ? DOC_NORMAL : DOC_ERROR, "%s", o->attributed ?
			   "       attached by processes not readable here" : "       UNATTRIBUTED: no process maps it");
		return;
	}
	len = snprintf(line, sizeof line, "       mapped by:");
	for (size_t k = 0; k < o->nusers && k < SYSVIEW_USERS_SHOWN; k++) {
		const struct shmem_user *us = &o->users[k];

		sanitize_term(comm, sizeof comm, us->p->comm, strlen(us->p->comm), 16);
		len += snprintf(line + len, sizeof line - len, "%s %d %s %s", k ? "," : "", us->p->pid, comm,
				cell_bytes(a, sizeof a, &us->rss, d->unit));
	}
	if (o->nusers > SYSVIEW_USERS_SHOWN)
		snprintf(line + len, sizeof line - len, ", and %zu more", o->nusers - SYSVIEW_USERS_SHOWN);
	doc_printf(d, DOC_NORMAL, "%s", line);
}

static void sysview_objects(struct doc *d, const struct shmem_report *r)
{
	char a[16], b[16], c[32], name[4096 * 4];

	doc_printf(d, DOC_NORMAL, "%s", "");
	doc_printf(d, DOC_TITLE, "Shared memory objects: %zu; unattributed (no process maps them): %zu holding %s",
		   r->nobjects, r->nunattributed, units_long(c, sizeof c, r->unattributed));
	if (r->unreadable)
		doc_printf(d, DOC_DIM, "(%zu process%s maps could not be read: an object shown unattributed may be theirs)",
			   r->unreadable, r->unreadable == 1 ? "'s" : "es'");
	if (!r->sysv_known)
		doc_printf(d, DOC_DIM, "(/proc/sysvipc/shm could not be read: SysV segments nobody maps are not shown)");
	if (r->truncated)
		doc_printf(d, DOC_DIM, "(/dev/shm holds more than memtop lists)");
	if (!r->nobjects)
		return;
	doc_printf(d, DOC_COLHEAD, "%-6s %7s %7s  %s", "KIND", "SIZE", "USED", "NAME, then who maps it (pid comm rss)");
	for (size_t i = 0; i < r->nobjects; i++) {
		const struct shmem_object *o = &r->objects[i];

		sysview_object_name(name, sizeof name, o);
		doc_printf(d, DOC_NORMAL, "%-6s %7s %7s  %s", shmem_kind_name(o->kind), cell_bytes(a, sizeof a, &o->size, d->unit),
			   cell_bytes(b, sizeof b, &o->used, d->unit), name);
		sysview_users(d, o);
	}
}

/* Figures first, the mount point last: a long path cannot push the columns apart. */
static void sysview_mounts(struct doc *d, const struct shmem_report *r)
{
	char path[4096 * 4], a[32], b[32];

	doc_printf(d, DOC_NORMAL, "%s", "");
	doc_printf(d, DOC_TITLE, "tmpfs mounts (their files are shmem):");
	doc_printf(d, DOC_COLHEAD, "  %11s %11s  %s", "USED", "SIZE", "MOUNT POINT");
	for (size_t i = 0; i < r->nmounts; i++) {
		const struct shmem_mount *m = &r->mounts[i];

		sanitize_term(path, sizeof path, m->mountpoint, strlen(m->mountpoint), 1024);
		doc_printf(d, DOC_NORMAL, "  %11s %11s  %s", sysview_bytes(a, sizeof a, &m->used),
			   sysview_bytes(b, sizeof b, &m->size), path);
	}
}

static void sysview_text(struct doc *d, const struct snapshot *snap, bool filtered)
{
	(void)filtered;	/* the report covers every process whatever the selection */
	sysview_breakdown(d, snap);
	sysview_views(d, &snap->sys);
	sysview_swap_commit(d, &snap->sys);
	sysview_activity(d, &snap->sys);
	if (!snap->shmem)
		return;
	sysview_objects(d, snap->shmem);
	sysview_mounts(d, snap->shmem);
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

static void sysview_json(struct jsonw *w, const struct snapshot *snap)
{
	sysview_json_breakdown(w, snap->mem);
	if (snap->shmem)
		sysview_json_shmem(w, snap->shmem);
}

const struct report_kind sysview_report = {
	.option = "-S",
	.parts = SNAP_SHMEM,
	.text = sysview_text,
	.json_system = sysview_json,
};
