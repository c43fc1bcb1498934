#include <stdio.h>
#include <string.h>

#include "kv.h"
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

/* meminfo's own names, for a tree libproc2 cannot read (tests) */
static const char *const sys_mem_kernel[SYS_MEM_COUNT] = {
	"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "Shmem", "AnonPages", "Mapped",
	"Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)", "Unevictable", "Mlocked",
	"Dirty", "Writeback", "Slab", "SReclaimable", "SUnreclaim", "KernelStack", "PageTables",
	"SwapTotal", "SwapFree", "SwapCached", "Committed_AS", "CommitLimit", "HugePages_Total",
	"HugePages_Free", "Hugepagesize", "Hugetlb", "AnonHugePages", "Percpu", "VmallocUsed",
};

static void system_meminfo(int procfd, struct buf *scratch, struct system *sys)
{
	ssize_t n = procfs_read(procfd, "meminfo", scratch);
	const char *cur = scratch->data, *end;
	struct kv kv;

	if (n <= 0)
		return;
	end = cur + n;
	while (kv_next(&cur, end, &kv)) {
		for (int i = 0; i < SYS_MEM_COUNT; i++) {
			uint64_t v;

			if (kv_is(&kv, sys_mem_kernel[i]) && kv_parse_u64(kv.val, kv.vallen, &v) == 0) {
				sys->mem[i] = (struct fval){ .u = v, .st = V_KNOWN };
				break;
			}
		}
	}
}

static void system_vmstat(int procfd, struct buf *scratch, struct system *sys)
{
	ssize_t n = procfs_read(procfd, "vmstat", scratch);
	const char *p = scratch->data, *end = p + (n > 0 ? n : 0);

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *eol = nl ? nl : end;
		const char *sp = memchr(p, ' ', eol - p);

		for (int i = 0; sp && i < SYSC_COUNT; i++) {
			size_t len = strlen(sys_counter_names[i]);
			uint64_t v;

			if ((size_t)(sp - p) == len && memcmp(p, sys_counter_names[i], len) == 0 &&
			    kv_parse_u64(sp + 1, eol - sp - 1, &v) == 0)
				sys->count[i] = (struct fval){ .u = v, .st = V_KNOWN };
		}
		p = eol + 1;
	}
}

void system_read(struct proc2 *p2, int procfd, struct buf *scratch, struct system *sys)
{
	ssize_t n;

	memset(sys, 0, sizeof *sys);
	if (p2) {
		proc2_system(p2, sys);
	} else {
		system_meminfo(procfd, scratch, sys);
		system_vmstat(procfd, scratch, sys);
	}
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
