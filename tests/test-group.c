/* Groups and totals: sums over what is known, unknown members counted apart (the sum is a
 * lower bound then), kernel threads not applicable, keys by user, comm and cgroup. */
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "tap.h"

#define MIB (1024ull * 1024)

static struct proc *proc_of(int pid, const char *user, const char *comm, int cgroup, uint64_t pss_mib, enum vstate st)
{
	struct proc *p = calloc(1, sizeof *p);

	p->pid = pid;
	p->user = (char *)user;
	p->comm = (char *)comm;
	p->cgroup = cgroup;
	p->f[FLD_PSS] = (struct fval){ .u = pss_mib * MIB, .st = st };
	p->f[FLD_RSS] = (struct fval){ .u = 2 * pss_mib * MIB, .st = st == V_UNKNOWN ? V_KNOWN : st };
	p->f[FLD_MAJFLT_RATE] = (struct fval){ .d = 1.5, .st = V_KNOWN };
	p->f[FLD_PID] = (struct fval){ .i = pid, .st = V_KNOWN };
	return p;
}

static const struct group *find(const struct group_set *gs, const char *key)
{
	for (size_t i = 0; i < gs->n; i++) {
		if (strcmp(gs->g[i].key, key) == 0)
			return &gs->g[i];
	}
	return NULL;
}

int main(void)
{
	struct proc *p[5] = {
		proc_of(1, "root", "init", 0, 10, V_KNOWN),
		proc_of(2, "root", "sshd", 1, 5, V_KNOWN),
		proc_of(3, "alice", "sshd", 1, 0, V_UNKNOWN),	/* another user's: PSS unreadable */
		proc_of(4, "alice", "vim", -1, 20, V_KNOWN),
		proc_of(5, "root", "kthreadd", -1, 0, V_NA),	/* a kernel thread */
	};
	struct cgroup_set cs = { 0 };
	struct group_set gs = { 0 };
	struct group t = { 0 };
	const struct group *g;

	cgroup_set_get(&cs, "/", 1);
	cgroup_set_get(&cs, "/ssh", 4);
	group_compute(&gs, GROUP_USER, (const struct proc *const *)p, 5, NULL);
	is_int(gs.n, 2, "user: two users");
	g = find(&gs, "root");
	ok(g && g->count == 3 && g->f[FLD_PSS].st == V_KNOWN && g->f[FLD_PSS].u == 15 * MIB, "user: root's PSS summed");
	ok(g && g->unknown[FLD_PSS] == 0, "user: a kernel thread's PSS does not apply, it is not unknown");
	g = find(&gs, "alice");
	ok(g && g->f[FLD_PSS].u == 20 * MIB && g->unknown[FLD_PSS] == 1, "user: an unreadable PSS is left out and counted");
	ok(g && g->known[FLD_PSS] == 1 && g->known[FLD_RSS] == 2, "user: the members in each sum are counted");
	ok(g && g->f[FLD_MAJFLT_RATE].d == 3.0, "user: rates add up");
	ok(g && g->f[FLD_PID].st == V_NA, "user: ids are not summed");
	group_sort(&gs, FLD_PSS);
	is_str(gs.g[0].key, "alice", "sort: the biggest PSS first");
	group_compute(&gs, GROUP_COMM, (const struct proc *const *)p, 5, NULL);
	g = find(&gs, "sshd");
	ok(g && g->count == 2 && g->f[FLD_RSS].u == 10 * MIB, "comm: two sshd, their RSS summed");
	g = find(&gs, "kthreadd");
	ok(g && g->f[FLD_PSS].st == V_NA, "comm: a group of kernel threads has no PSS");
	group_compute(&gs, GROUP_CGROUP, (const struct proc *const *)p, 5, &cs);
	ok(find(&gs, "/ssh") && find(&gs, "/ssh")->count == 2, "cgroup: by the cgroup set's paths");
	ok(find(&gs, "?") && find(&gs, "?")->count == 2, "cgroup: none known is '?'");
	group_total(&t, (const struct proc *const *)p, 5);
	ok(t.count == 5 && t.f[FLD_PSS].u == 35 * MIB && t.unknown[FLD_PSS] == 1, "total: every process");
	ok(t.known[FLD_PSS] == 3 && t.pss_age == 0, "total: three PSS known, none reused");
	p[1]->have |= SRC_PSS;
	p[1]->pss_age = 7;
	p[2]->pss_age = 9;	/* not read at all: no age */
	group_total(&t, (const struct proc *const *)p, 5);
	ok(group_age(&t, FLD_PSS) == 7 && group_age(&t, FLD_RSS) == 0, "total: the oldest reused PSS is the sum's age");
	is_str(group_by_name(GROUP_CGROUP), "cgroup", "names");
	is_int(group_by_parse("comm"), GROUP_COMM, "parse");
	is_int(group_by_parse("pid"), -1, "parse: not a grouping");
	group_free(&t);
	group_set_free(&gs);
	cgroup_set_free(&cs);
	for (int i = 0; i < 5; i++)
		free(p[i]);
	return tap_done();
}
