#include <errno.h>
#include <string.h>

#include "field.h"
#include "model.h"

#define B(src) FT_BYTES, (src)
const struct field fields[FLD_COUNT] = {
	[FLD_PID] = { "pid", NULL, "pid", "PID", 7, FT_INT, SRC_STAT, "process id" },
	[FLD_PPID] = { "ppid", NULL, "ppid", "PPID", 7, FT_INT, SRC_STAT, "parent process id" },
	[FLD_USER] = { "user", NULL, "user", "USER", 9, FT_STR, SRC_STAT, "effective user name (uid when it has no name)" },
	[FLD_UID] = { "uid", NULL, "uid", "UID", 6, FT_INT, SRC_STAT, "effective user id" },
	[FLD_STATE] = { "state", NULL, "state", "S", 1, FT_STR, SRC_STAT, "state: R running, S sleeping, D disk wait, Z zombie, T stopped, I idle" },
	[FLD_THREADS] = { "threads", NULL, "threads", "THR", 4, FT_COUNT, SRC_STAT, "number of threads" },
	[FLD_COMM] = { "comm", NULL, "comm", "COMM", 15, FT_STR, SRC_STAT, "command name (the kernel's comm, 15 bytes at most)" },
	[FLD_CMD] = { "cmd", NULL, "cmdline", "COMMAND", 0, FT_STR, SRC_CMDLINE, "full command line ([comm] for kernel threads)" },
	[FLD_VIRT] = { "virt", "mem", "virt", "VIRT", 6, B(SRC_STAT), "virtual address space size (VmSize)" },
	[FLD_RSS] = { "rss", "mem", "rss", "RSS", 6, B(SRC_STATUS), "resident set size: pages in RAM, shared ones counted in full (VmRSS)" },
	[FLD_PSS] = { "pss", "mem", "pss", "PSS", 6, B(SRC_PSS), "proportional set size: shared pages divided among their users (smaps_rollup Pss)" },
	[FLD_USS] = { "uss", "mem", "uss", "USS", 6, B(SRC_PSS), "unique set size: private pages, freed if the process exits (Private_Clean + Private_Dirty)" },
	[FLD_ANON] = { "anon", "mem", "anon", "ANON", 6, B(SRC_STATUS), "resident anonymous memory: heap, stack, private writes (RssAnon)" },
	[FLD_FILE] = { "file", "mem", "file", "FILE", 6, B(SRC_STATUS), "resident file-backed pages: page cache mapped by the process (RssFile)" },
	[FLD_SHMEM] = { "shmem", "mem", "shmem", "SHMEM", 6, B(SRC_STATUS), "resident shared memory: tmpfs, shared anonymous, SysV and POSIX shm (RssShmem)" },
	[FLD_SWAP] = { "swap", "mem", "swap", "SWAP", 6, B(SRC_STATUS), "swapped-out anonymous memory, shmem excluded (VmSwap)" },
	[FLD_SWAP_PSS] = { "swap_pss", "mem", "swap_pss", "SWPSS", 6, B(SRC_PSS), "proportional share of swap, shmem included (SwapPss)" },
	[FLD_LOCKED] = { "locked", "mem", "locked", "LOCK", 6, B(SRC_STATUS), "locked memory, cannot be swapped or reclaimed (VmLck)" },
	[FLD_PTE] = { "pte", "mem", "pte", "PTE", 6, B(SRC_STATUS), "page tables (VmPTE)" },
	[FLD_HWM] = { "hwm", "mem", "hwm", "HWM", 6, B(SRC_STATUS), "peak resident set size, high water mark (VmHWM)" },
	[FLD_PEAK] = { "peak", "mem", "peak", "PEAK", 6, B(SRC_STATUS), "peak virtual size (VmPeak)" },
	[FLD_DIRTY] = { "dirty", "mem", "dirty", "DIRTY", 6, B(SRC_PSS), "dirty resident pages (Private_Dirty + Shared_Dirty)" },
	[FLD_DATA] = { "data", "mem", "data", "DATA", 6, B(SRC_STATUS), "private writable virtual memory: heap, bss, anonymous maps (VmData)" },
	[FLD_STACK] = { "stack", "mem", "stack", "STACK", 6, B(SRC_STATUS), "main thread's stack size (VmStk)" },
	[FLD_EXE] = { "exe", "mem", "exe", "EXE", 6, B(SRC_STATUS), "executable's text size (VmExe)" },
	[FLD_LIB] = { "lib", "mem", "lib", "LIB", 6, B(SRC_STATUS), "shared library code size (VmLib)" },
	[FLD_PSS_ANON] = { "pss_anon", "mem", "pss_anon", "PSSANON", 7, B(SRC_ROLLUP), "PSS of anonymous memory (Pss_Anon)" },
	[FLD_PSS_FILE] = { "pss_file", "mem", "pss_file", "PSSFILE", 7, B(SRC_ROLLUP), "PSS of file-backed memory (Pss_File)" },
	[FLD_PSS_SHMEM] = { "pss_shmem", "mem", "pss_shmem", "PSSSHM", 7, B(SRC_ROLLUP), "PSS of shared memory (Pss_Shmem)" },
	[FLD_MINFLT] = { "minflt", "faults", "minor", "MINFLT", 7, FT_COUNT, SRC_STAT, "minor page faults since start: no I/O needed" },
	[FLD_MAJFLT] = { "majflt", "faults", "major", "MAJFLT", 7, FT_COUNT, SRC_STAT, "major page faults since start: waited for I/O (file read, swap-in)" },
	[FLD_MINFLT_RATE] = { "minflt_rate", "faults", "minor_rate", "MIN/s", 6, FT_RATE, SRC_STAT, "minor faults per second since the previous sample" },
	[FLD_MAJFLT_RATE] = { "majflt_rate", "faults", "major_rate", "MAJ/s", 6, FT_RATE, SRC_STAT, "major faults per second since the previous sample" },
	[FLD_OOM] = { "oom", "oom", "score", "OOM", 5, FT_INT, SRC_OOM, "oom_score: the OOM killer's badness (0-2000; 666 is an idle process with adj 0)" },
	[FLD_OOM_ADJ] = { "oom_adj", "oom", "score_adj", "ADJ", 5, FT_INT, SRC_OOM, "oom_score_adj: -1000 (never kill) to 1000 (kill first)" },
	[FLD_SEG_TEXT] = { "seg_text", "segments", "text", "TEXT", 6, B(SRC_SMAPS), "resident executable code and read-only data of the program" },
	[FLD_SEG_DATA] = { "seg_data", "segments", "data", "SDATA", 6, B(SRC_SMAPS), "resident initialised data of the program" },
	[FLD_SEG_BSS] = { "seg_bss", "segments", "bss", "BSS", 6, B(SRC_SMAPS), "resident zero-initialised data of the program" },
	[FLD_SEG_HEAP] = { "seg_heap", "segments", "heap", "HEAP", 6, B(SRC_SMAPS), "resident [heap] (brk): small mallocs" },
	[FLD_SEG_STACK] = { "seg_stack", "segments", "stack", "SSTACK", 6, B(SRC_SMAPS), "resident [stack] of the main thread" },
	[FLD_SEG_LIBS] = { "seg_libs", "segments", "libs", "LIBS", 6, B(SRC_SMAPS), "resident shared libraries (.so code and data)" },
	[FLD_SEG_ANON_MMAP] = { "seg_anon_mmap", "segments", "anon_mmap", "AMMAP", 6, B(SRC_SMAPS), "resident private anonymous maps: large mallocs, arenas, thread stacks" },
	[FLD_SEG_FILE_MMAP] = { "seg_file_mmap", "segments", "file_mmap", "FMMAP", 6, B(SRC_SMAPS), "resident mapped files other than the program and libraries" },
	[FLD_SEG_SHMEM] = { "seg_shmem", "segments", "shmem", "SSHM", 6, B(SRC_SMAPS), "resident shared memory maps: shared anonymous, /dev/shm, SysV, memfd" },
	[FLD_SEG_KERNEL] = { "seg_kernel", "segments", "kernel", "KERN", 6, B(SRC_SMAPS), "resident kernel-provided maps: [vdso], [vvar], [vsyscall]" },
	[FLD_AGE] = { "age", NULL, "age", "AGE", 5, FT_SECONDS, SRC_PSS, "seconds since PSS/USS were read (reused while the process is idle)" },
};
#undef B

const enum field_id field_default_columns[] = {
	FLD_PID, FLD_USER, FLD_RSS, FLD_PSS, FLD_USS, FLD_ANON, FLD_FILE, FLD_SHMEM, FLD_SWAP,
	FLD_MAJFLT_RATE, FLD_OOM, FLD_OOM_ADJ, FLD_CMD,
};
const int field_default_ncolumns = sizeof field_default_columns / sizeof field_default_columns[0];

int field_lookup(const char *name)
{
	for (int i = 0; i < FLD_COUNT; i++) {
		if (strcmp(fields[i].name, name) == 0)
			return i;
	}
	return -1;
}

static int field_lookup_n(const char *name, size_t n)
{
	for (int i = 0; i < FLD_COUNT; i++) {
		if (strlen(fields[i].name) == n && memcmp(fields[i].name, name, n) == 0)
			return i;
	}
	return -1;
}

int field_parse_list(const char *list, enum field_id *out, int max, const char **bad, size_t *badlen)
{
	const char *p = list;
	int n = 0;

	for (;;) {
		size_t len = strcspn(p, ",");
		int id = field_lookup_n(p, len);

		if (id < 0 || n >= max) {
			*bad = p;
			*badlen = len;
			return id < 0 ? -EINVAL : -E2BIG;
		}
		out[n++] = id;
		if (p[len] == '\0')
			return n;
		p += len + 1;
	}
}

unsigned field_sources(const enum field_id *ids, int n)
{
	unsigned src = 0;

	for (int i = 0; i < n; i++)
		src |= fields[ids[i]].src;
	return src;
}

bool field_is_numeric(enum field_id id)
{
	return fields[id].type != FT_STR;
}
