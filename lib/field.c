#include <errno.h>
#include <string.h>

#include "field.h"
#include "model.h"

#define B(src, key) FT_BYTES, (src), (key)
const struct field fields[FLD_COUNT] = {
	[FLD_PID] = { "pid", NULL, "pid", "PID", 7, FT_INT, SRC_STAT, NULL, "process id" },
	[FLD_PPID] = { "ppid", NULL, "ppid", "PPID", 7, FT_INT, SRC_STAT, "ppid", "parent process id" },
	[FLD_USER] = { "user", NULL, "user", "USER", 9, FT_STR, SRC_STAT, NULL, "effective user name (uid when it has no name)" },
	[FLD_UID] = { "uid", NULL, "uid", "UID", 6, FT_INT, SRC_STAT, NULL, "effective user id" },
	[FLD_STATE] = { "state", NULL, "state", "S", 1, FT_STR, SRC_STAT, NULL, "state: R running, S sleeping, D disk wait, Z zombie, T stopped, I idle" },
	[FLD_THREADS] = { "threads", NULL, "threads", "THR", 4, FT_COUNT, SRC_STAT, "num_threads", "number of threads" },
	[FLD_COMM] = { "comm", NULL, "comm", "COMM", 15, FT_STR, SRC_STAT, NULL, "command name (the kernel's comm, 15 bytes at most)" },
	[FLD_CMD] = { "cmd", NULL, "cmdline", "COMMAND", 0, FT_STR, SRC_CMDLINE, NULL, "full command line ([comm] for kernel threads)" },
	[FLD_VIRT] = { "virt", "mem", "virt", "VIRT", 6, B(SRC_STAT, "vsize"), "virtual address space size (VmSize)" },
	[FLD_RSS] = { "rss", "mem", "rss", "RSS", 6, B(SRC_STATUS, "VmRSS"), "resident set size: pages in RAM, shared ones counted in full (VmRSS)" },
	[FLD_PSS] = { "pss", "mem", "pss", "PSS", 6, B(SRC_PSS, "Pss"), "proportional set size: shared pages divided among their users (smaps_rollup Pss)" },
	[FLD_USS] = { "uss", "mem", "uss", "USS", 6, B(SRC_PSS, "Private_Clean+Private_Dirty"), "unique set size: pages no other process maps (Private_Clean + Private_Dirty); exiting frees the anonymous ones, file pages stay in the page cache, shmem until it is removed" },
	[FLD_ANON] = { "anon", "mem", "anon", "ANON", 6, B(SRC_STATUS, "RssAnon"), "resident anonymous memory: heap, stack, private writes (RssAnon)" },
	[FLD_FILE] = { "file", "mem", "file", "FILE", 6, B(SRC_STATUS, "RssFile"), "resident file-backed pages: page cache mapped by the process (RssFile)" },
	[FLD_SHMEM] = { "shmem", "mem", "shmem", "SHMEM", 6, B(SRC_STATUS, "RssShmem"), "resident shared memory: tmpfs, shared anonymous, SysV and POSIX shm (RssShmem)" },
	[FLD_SWAP] = { "swap", "mem", "swap", "SWAP", 6, B(SRC_STATUS, "VmSwap"), "swapped-out anonymous memory, shmem excluded (VmSwap)" },
	[FLD_SWAP_PSS] = { "swap_pss", "mem", "swap_pss", "SWPSS", 6, B(SRC_PSS, "SwapPss"), "proportional share of swapped-out anonymous memory (SwapPss); swapped shmem is not in it" },
	[FLD_LOCKED] = { "locked", "mem", "locked", "LOCK", 6, B(SRC_STATUS, "VmLck"), "locked memory, cannot be swapped or reclaimed (VmLck)" },
	[FLD_PTE] = { "pte", "mem", "pte", "PTE", 6, B(SRC_STATUS, "VmPTE"), "page tables (VmPTE)" },
	[FLD_HWM] = { "hwm", "mem", "hwm", "HWM", 6, B(SRC_STATUS, "VmHWM"), "peak resident set size, high water mark (VmHWM)" },
	[FLD_PEAK] = { "peak", "mem", "peak", "PEAK", 6, B(SRC_STATUS, "VmPeak"), "peak virtual size (VmPeak)" },
	[FLD_DIRTY] = { "dirty", "mem", "dirty", "DIRTY", 6, B(SRC_PSS, "Private_Dirty+Shared_Dirty"), "dirty resident pages (Private_Dirty + Shared_Dirty)" },
	[FLD_DATA] = { "data", "mem", "data", "DATA", 6, B(SRC_STATUS, "VmData"), "private writable virtual memory: heap, bss, anonymous maps (VmData)" },
	[FLD_STACK] = { "stack", "mem", "stack", "STACK", 6, B(SRC_STATUS, "VmStk"), "main thread's stack size (VmStk)" },
	[FLD_EXE] = { "exe", "mem", "exe", "EXE", 6, B(SRC_STATUS, "VmExe"), "executable's text size (VmExe)" },
	[FLD_LIB] = { "lib", "mem", "lib", "LIB", 6, B(SRC_STATUS, "VmLib"), "shared library code size (VmLib)" },
	[FLD_PSS_ANON] = { "pss_anon", "mem", "pss_anon", "PSSANON", 7, B(SRC_ROLLUP, "Pss_Anon"), "PSS of anonymous memory (Pss_Anon)" },
	[FLD_PSS_FILE] = { "pss_file", "mem", "pss_file", "PSSFILE", 7, B(SRC_ROLLUP, "Pss_File"), "PSS of file-backed memory (Pss_File)" },
	[FLD_PSS_SHMEM] = { "pss_shmem", "mem", "pss_shmem", "PSSSHM", 7, B(SRC_ROLLUP, "Pss_Shmem"), "PSS of shared memory (Pss_Shmem)" },
	[FLD_THP] = { "thp", "mem", "thp", "THP", 6, B(SRC_PSS, "AnonHugePages"), "anonymous memory in transparent huge pages (AnonHugePages)" },
	[FLD_HUGETLB] = { "hugetlb", "mem", "hugetlb", "HUGETLB", 7, B(SRC_STATUS, "HugetlbPages"), "hugetlbfs pages mapped, not counted in RSS (HugetlbPages)" },
	[FLD_KSM] = { "ksm", "mem", "ksm", "KSM", 6, B(SRC_KSM, "ksm_merging_pages"), "memory KSM merged into pages shared with others (ksm_stat ksm_merging_pages); unknown without ksm_stat" },
	[FLD_MINFLT] = { "minflt", "faults", "minor", "MINFLT", 7, FT_COUNT, SRC_STAT, "minflt", "minor page faults since start: no I/O needed" },
	[FLD_MAJFLT] = { "majflt", "faults", "major", "MAJFLT", 7, FT_COUNT, SRC_STAT, "majflt", "major page faults since start: waited for I/O (file read, swap-in)" },
	[FLD_MINFLT_RATE] = { "minflt_rate", "faults", "minor_rate", "MIN/s", 6, FT_RATE, SRC_STAT, "minflt", "minor faults per second since the previous sample" },
	[FLD_MAJFLT_RATE] = { "majflt_rate", "faults", "major_rate", "MAJ/s", 6, FT_RATE, SRC_STAT, "majflt", "major faults per second since the previous sample" },
	[FLD_OOM] = { "oom", "oom", "score", "OOM", 5, FT_INT, SRC_OOM, "oom_score", "oom_score: the OOM killer's badness (0-2000; 666 is an idle process with adj 0)" },
	[FLD_OOM_ADJ] = { "oom_adj", "oom", "score_adj", "ADJ", 5, FT_INT, SRC_OOM, "oom_score_adj", "oom_score_adj: -1000 (never kill) to 1000 (kill first)" },
	[FLD_GROWTH] = { "growth", "trend", "growth", "GROWTH", 7, FT_BYTES_RATE, SRC_TREND, NULL, "growth of anon + swap in bytes per second over the trend window (Theil-Sen slope: a wild sample moves it little); unknown with fewer than 4 samples" },
	[FLD_LEAK] = { "leak", "trend", "leak", "LEAK", 4, FT_FLAG, SRC_TREND, NULL, "yes when anon + swap grew steadily over at least the minimum span: a line explains 90 % of it, 1 MiB or more, each quarter of the span above the one before; a step, a sawtooth or an idle process is no leak" },
	[FLD_OOM_ETA] = { "oom_eta", "trend", "oom_eta", "OOM_ETA", 7, FT_ETA, SRC_TREND_ETA, NULL, "seconds until this growth reaches the limit that binds first: the machine's MemAvailable + SwapFree or the memory cgroup's limit; unknown when not growing; sorted soonest first" },
	[FLD_SEG_TEXT] = { "seg_text", "segments", "text", "TEXT", 6, B(SRC_SMAPS, "text"), "resident executable code and read-only data of the program" },
	[FLD_SEG_DATA] = { "seg_data", "segments", "data", "SDATA", 6, B(SRC_SMAPS, "data"), "resident initialised data of the program" },
	[FLD_SEG_BSS] = { "seg_bss", "segments", "bss", "BSS", 6, B(SRC_SMAPS, "bss"), "resident zero-initialised data of the program" },
	[FLD_SEG_HEAP] = { "seg_heap", "segments", "heap", "HEAP", 6, B(SRC_SMAPS, "heap"), "resident [heap] (brk): small mallocs" },
	[FLD_SEG_STACK] = { "seg_stack", "segments", "stack", "SSTACK", 6, B(SRC_SMAPS, "stack"), "resident [stack] of the main thread" },
	[FLD_SEG_LIBS] = { "seg_libs", "segments", "libs", "LIBS", 6, B(SRC_SMAPS, "libs"), "resident shared libraries (.so code and data)" },
	[FLD_SEG_ANON_MMAP] = { "seg_anon_mmap", "segments", "anon_mmap", "AMMAP", 6, B(SRC_SMAPS, "anon_mmap"), "resident private anonymous maps: large mallocs, arenas, thread stacks" },
	[FLD_SEG_FILE_MMAP] = { "seg_file_mmap", "segments", "file_mmap", "FMMAP", 6, B(SRC_SMAPS, "file_mmap"), "resident mapped files other than the program, libraries and tmpfs files" },
	[FLD_SEG_SHMEM] = { "seg_shmem", "segments", "shmem", "SSHM", 6, B(SRC_SMAPS, "shmem"), "resident shared memory maps: shared anonymous, SysV, memfd, files on a tmpfs (/dev/shm and others)" },
	[FLD_SEG_KERNEL] = { "seg_kernel", "segments", "kernel", "KERN", 6, B(SRC_SMAPS, "kernel"), "resident kernel-provided maps: [vdso], [vvar], [vsyscall]" },
	[FLD_AGE] = { "age", NULL, "age", "AGE", 5, FT_SECONDS, SRC_PSS, NULL, "seconds since PSS/USS were read: 0 when read for this sample; more for a process costly to read (re-read less often) or, in the view, for rows off screen" },
};
#undef B

const enum field_id field_default_columns[] = {
	FLD_PID, FLD_USER, FLD_RSS, FLD_PSS, FLD_USS, FLD_ANON, FLD_FILE, FLD_SHMEM, FLD_SWAP,
	FLD_MAJFLT_RATE, FLD_OOM, FLD_OOM_ADJ, FLD_CMD,
};
const int field_default_ncolumns = sizeof field_default_columns / sizeof field_default_columns[0];

/* First to go on a narrow line, last to go: what answers "who pays for the memory" stays
 * (PSS, then RSS, the user, USS, anonymous memory, swap); oom_score_adj (usually 0), shmem
 * and file pages (in RSS already), oom_score and the fault rate go first. The man page
 * lists this order. */
static const enum field_id field_give_way_order[] = {
	FLD_OOM_ADJ, FLD_SHMEM, FLD_FILE, FLD_OOM, FLD_MAJFLT_RATE, FLD_SWAP, FLD_ANON, FLD_USS,
	FLD_USER, FLD_RSS, FLD_PSS,
};
#define FIELD_NGIVE_WAY ((int)(sizeof field_give_way_order / sizeof field_give_way_order[0]))

int field_give_way(enum field_id id)
{
	if (id == FLD_PID || fields[id].width == 0)
		return 0;
	for (int i = 0; i < FIELD_NGIVE_WAY; i++) {
		if (field_give_way_order[i] == id)
			return FIELD_NGIVE_WAY - i;
	}
	return FIELD_NGIVE_WAY + 1;
}

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

int field_key_parts(enum field_id id, const char **part, size_t *len, int max)
{
	const char *k = fields[id].key;
	int n = 0;

	while (k && *k && n < max) {
		size_t l = strcspn(k, "+");

		part[n] = k;
		len[n++] = l;
		k += l + (k[l] == '+');
	}
	return n;
}
