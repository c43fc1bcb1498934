#include <stdio.h>
#include <string.h>

#include "psi.h"
#include "system.h"

static const char *const sys_mem_names[SYS_MEM_COUNT] = {
	"total", "free", "available", "buffers", "cached", "shmem", "anon_pages", "mapped",
	"active_anon", "inactive_anon", "active_file", "inactive_file", "unevictable", "mlocked",
	"dirty", "writeback", "slab", "slab_reclaimable", "slab_unreclaimable", "kernel_stack",
	"page_tables", "swap_total", "swap_free", "swap_cached", "committed_as", "commit_limit",
	"hugepages_total", "hugepages_free", "hugepage_size", "hugetlb", "anon_huge_pages",
	"percpu", "vmalloc_used",
};

static const char *const sys_counter_names[SYSC_COUNT] = {
	"pgfault", "pgmajfault", "pswpin", "pswpout", "oom_kill",
};

static const char *const sys_knob_names[KNOB_COUNT] = {
	"overcommit_memory", "overcommit_ratio", "overcommit_kbytes", "swappiness",
};

const char *sys_mem_name(enum sys_id id)
{
	return id < SYS_MEM_COUNT ? sys_mem_names[id] : "?";
}

const char *sys_counter_name(enum sys_counter id)
{
	return id < SYSC_COUNT ? sys_counter_names[id] : "?";
}

const char *sys_knob_name(enum sys_knob id)
{
	return id < KNOB_COUNT ? sys_knob_names[id] : "?";
}

void system_read(struct proc2 *p2, int procfd, struct buf *scratch, struct system *sys)
{
	ssize_t n;

	memset(sys, 0, sizeof *sys);
	proc2_system(p2, sys);
	for (int i = 0; i < KNOB_COUNT; i++) {
		char path[64];
		long long v;

		snprintf(path, sizeof path, "sys/vm/%s", sys_knob_names[i]);
		if (procfs_read_int(procfd, path, &v) == 0) {
			sys->knob[i].i = v;
			sys->knob[i].st = V_KNOWN;
		}
	}
	n = procfs_read(procfd, "pressure/memory", scratch);
	if (n > 0)
		psi_parse(scratch->data, n, &sys->pressure);
}
