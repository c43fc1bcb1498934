/* The model: plain structs a snapshot is made of. No I/O here; faces only read these.
 * A snapshot is complete for what was asked: the system's figures, every process seen (the
 * selected ones apart), and the analyses computed from them (the OOM order, cgroups, shmem
 * attribution, the memory breakdown). The sampler builds it; a recording restores it;
 * every face renders it without reading the kernel. */
#ifndef MEMTOP_MODEL_H
#define MEMTOP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "field.h"
#include "segment.h"

/* Every figure has a state: a value is shown only when KNOWN. */
enum vstate {
	V_UNKNOWN = 0,	/* could not be read: permission, vanished, not asked for */
	V_KNOWN,
	V_NA,		/* does not apply: kernel thread, zombie */
};

/* Packed: 9 bytes, not 16. Every process holds FLD_COUNT of them, and their padding alone
 * was a fifth of memtop's heap. */
struct fval {
	union {
		uint64_t u;	/* FT_BYTES, FT_COUNT */
		int64_t i;	/* FT_INT */
		double d;	/* FT_RATE */
	};
	uint8_t st;		/* enum vstate */
} __attribute__((packed));

/* Sources a figure comes from, cheapest first (design.md "Collection in tiers"). */
enum source {
	SRC_STAT = 1u << 0,	/* stat: every process, every refresh */
	SRC_CMDLINE = 1u << 1,
	SRC_STATUS = 1u << 2,
	SRC_ROLLUP = 1u << 3,	/* smaps_rollup itself: Pss_Anon/File/Shmem are only there */
	SRC_SMAPS = 1u << 4,	/* full smaps: segments */
	SRC_MAPS_LIST = 1u << 5,	/* keep the per-mapping table (-m) */
	SRC_OOM = 1u << 6,	/* oom_score and oom_score_adj */
	SRC_PSS = 1u << 7,	/* PSS, USS, SwapPss, dirty, THP: from smaps_rollup, or summed
				   from smaps when that is read anyway (as smem does: each
				   mapping's Pss is rounded down to a KiB, so the sum may be lower
				   by < 1 KiB per mapping with shared pages) */
	SRC_KSM = 1u << 8,	/* ksm_stat */
	SRC_CGROUP = 1u << 9,	/* which memory cgroup (/proc/PID/cgroup) */
	SRC_SHMEM = 1u << 10,	/* the shared memory it maps: maps, and smaps where it maps some */
	SRC_TREND = 1u << 11,	/* growth, leak: fitted over the process's history
				   (lib/trend.h), which needs status read for every sample */
	SRC_TREND_ETA = 1u << 12,	/* oom_eta too (implies SRC_TREND): the memory cgroup of
					   a growing process and that cgroup's limit, usage,
					   file pages and swap */
};

/* One mapping of shared memory (a tmpfs file, a SysV segment, a memfd, shared anonymous
 * memory) by a process: what shmem attribution is computed from. */
struct shmem_map {
	uint8_t kind;			/* enum shmem_kind (shmem.h) */
	bool deleted;			/* the kernel says so ("(deleted)"; memfd always) */
	unsigned dev_major, dev_minor;
	uint64_t inode;			/* SysV: the shmid */
	char *name;			/* raw bytes: "/dev/shm/x", "/memfd:x", "/SYSV1234abcd", ... */
	size_t name_len;
	uint64_t size;			/* virtual size of the mapping */
	struct fval rss, pss, swap_pss;	/* unknown when only maps could be read */
};

struct mapping;	/* one VMA with its smaps figures, below */
struct trend_hist;	/* lib/trend.h */

/* The limit a growing process reaches first. */
enum trend_limit { TREND_LIMIT_NONE, TREND_LIMIT_MACHINE, TREND_LIMIT_CGROUP };

/* A process's trend beyond its registry figures (growth, leak, oom_eta), with SRC_TREND;
 * limit with SRC_TREND_ETA. */
struct proc_trend {
	struct fval window;	/* seconds from the first to the last sample of anon + swap fitted */
	struct fval r2;		/* the confidence of growth, 0..1 */
	struct fval pss_growth;	/* bytes per second of PSS, where PSS was read at enough samples */
	uint8_t samples;	/* samples of anon + swap in the history (TREND_CAP at most) */
	uint8_t limit;		/* enum trend_limit: what oom_eta is about */
};

struct proc {
	int pid, ppid;
	uint32_t uid;
	uint64_t start_ticks;		/* stat field 22: with pid, the process's identity */
	char state;			/* R S D Z T ... */
	bool kernel_thread;
	bool selected;			/* passed the selection (-p, -u, -f, K) */
	char *user;			/* never NULL; "?" when unknown */
	char *comm;			/* raw bytes from the kernel, NUL-terminated; never NULL */
	char *cmdline;			/* argv joined by spaces, raw bytes; NULL when unknown */
	size_t cmdline_len;
	struct fval f[FLD_COUNT];	/* numeric figures, indexed by field id */

	/* segments and mappings, present when SRC_SMAPS was read */
	bool has_segments;
	struct segment_totals *seg;
	struct mapping *maps;		/* with SRC_MAPS_LIST */
	size_t nmaps;
	int smaps_errno;		/* why smaps could not be read, or 0 */
	int rollup_errno;		/* why smaps_rollup could not be read, or 0 */

	struct shmem_map *shm;		/* with SRC_SHMEM */
	size_t nshm;
	int cgroup;			/* with SRC_CGROUP: its memory cgroup in snapshot->cgroups,
					   or -1 (unknown, or no memory controller) */

	/* Seconds since the figures were read: 0 when read for this snapshot. PSS and
	 * segments of a process costly to read (a big address space) are read less often;
	 * in the view, rows off screen reuse figures to sort on. Faces mark what is not 0. */
	double pss_age, smaps_age;
	unsigned have;			/* SRC_* this snapshot holds for it */

	struct proc_trend trend;	/* with SRC_TREND */
	const struct trend_hist *history;	/* its recent samples, or NULL (kernel threads) */
};

/* Whether a process has an address space of its own: not a kernel thread, not a zombie
 * or a task being torn down. The one definition every part of memtop uses. */
bool proc_state_has_mm(bool kernel_thread, char state);
bool proc_has_mm(const struct proc *p);

struct mapping {
	uint64_t start, end, offset, inode;
	unsigned dev_major, dev_minor;
	char perms[5];
	bool deleted;			/* unlinked: the kernel's " (deleted)", checked against
					   the file's inode where a file of that name exists */
	char *path;			/* raw bytes; NULL for anonymous memory */
	enum segment seg;
	uint64_t val[SMAPS_NFIELDS];	/* bytes */
	uint64_t known;			/* bit per smaps field present */
};

struct psi_line {
	double avg10, avg60, avg300;
	uint64_t total_us;
};

struct psi {
	bool known;
	bool has_full;
	struct psi_line some, full;
};

/* System-wide figures (bytes unless named otherwise). */
enum sys_id {
	SYS_MEM_TOTAL, SYS_MEM_FREE, SYS_MEM_AVAILABLE, SYS_BUFFERS, SYS_CACHED, SYS_SHMEM,
	SYS_ANON_PAGES, SYS_MAPPED, SYS_ACTIVE_ANON, SYS_INACTIVE_ANON, SYS_ACTIVE_FILE,
	SYS_INACTIVE_FILE, SYS_UNEVICTABLE, SYS_MLOCKED, SYS_DIRTY, SYS_WRITEBACK, SYS_SLAB,
	SYS_SRECLAIMABLE, SYS_SUNRECLAIM, SYS_KERNEL_STACK, SYS_PAGE_TABLES, SYS_SWAP_TOTAL,
	SYS_SWAP_FREE, SYS_SWAP_CACHED, SYS_COMMITTED_AS, SYS_COMMIT_LIMIT,
	SYS_HUGE_TOTAL, SYS_HUGE_FREE, SYS_HUGE_SIZE, SYS_HUGETLB, SYS_ANON_HUGE,
	SYS_PERCPU, SYS_VMALLOC_USED,
	SYS_MEM_COUNT
};

enum sys_counter {
	SYSC_PGFAULT, SYSC_PGMAJFAULT, SYSC_PSWPIN, SYSC_PSWPOUT, SYSC_OOM_KILL,
	SYSC_COUNT
};

enum sys_knob {
	KNOB_OVERCOMMIT_MEMORY, KNOB_OVERCOMMIT_RATIO, KNOB_OVERCOMMIT_KBYTES, KNOB_SWAPPINESS,
	KNOB_COUNT
};

/* How fast the machine's headroom (MemAvailable + SwapFree) moves, from the recent samples
 * (lib/trend.h), and when it runs out at that pace. */
struct sys_trend {
	struct fval window;	/* seconds the fit spans */
	struct fval rate;	/* bytes per second, negative when falling */
	struct fval r2;
	struct fval falling;	/* 1: falling steadily (as a leak rises), 0: not */
	struct fval oom_eta;	/* seconds until it reaches 0, while it falls */
};

struct system {
	struct fval mem[SYS_MEM_COUNT];		/* from /proc/meminfo */
	struct fval count[SYSC_COUNT];		/* totals since boot */
	struct fval rate[SYSC_COUNT];		/* per second; unknown on the first sample */
	struct fval knob[KNOB_COUNT];		/* /proc/sys/vm */
	struct psi pressure;
	struct sys_trend trend;			/* unknown until there are enough samples */
};

/* Parts of a snapshot beyond the processes, asked for when a face needs them. */
enum snapshot_part {
	SNAP_CGROUPS = 1u << 0,		/* every process's memory cgroup, with limits and usage */
	SNAP_OOM = 1u << 1,		/* the OOM kill order (implies SNAP_CGROUPS) */
	SNAP_SHMEM = 1u << 2,		/* shmem objects, who maps them, tmpfs mounts */
};

struct sysmem;
struct cgroup_set;
struct oom_report;
struct shmem_report;

struct snapshot {
	struct timespec wall;		/* CLOCK_REALTIME when taken */
	double interval;		/* seconds since the previous snapshot, 0 for the first */
	double clock;			/* when taken, in seconds of a clock that only goes forward:
					   the times trends are fitted on (lib/trend.h) */
	double collect_seconds;		/* how long collection took */
	uint64_t seq;			/* 1 for the first sample */
	char host[256];
	char kernel[128];
	struct system sys;
	const struct sysmem *mem;	/* MemTotal in parts that add up (sysmem.h); the shmem
					   split needs every process's Pss_Shmem */
	const struct proc **procs;	/* the selected processes, by pid */
	size_t nprocs;
	const struct proc **all;	/* every process seen, selected or not, by pid */
	size_t ntotal;
	bool complete;			/* all holds every process (not only those -p names) */
	size_t nunreadable;		/* selected processes whose smaps_rollup was denied */
	unsigned parts;			/* SNAP_* it holds */
	const struct cgroup_set *cgroups;	/* with SNAP_CGROUPS */
	const struct oom_report *oom;		/* with SNAP_OOM */
	const struct shmem_report *shmem;	/* with SNAP_SHMEM */
};

const char *sys_mem_name(enum sys_id id);		/* JSON key: "total", "free", ... */
const char *sys_counter_name(enum sys_counter id);	/* "pgfault", ... */
const char *sys_knob_name(enum sys_knob id);		/* "overcommit_memory", ... */

/* Finds a process of the snapshot by pid: among the selected ones, or with all among every
 * process seen. NULL when not there. */
const struct proc *snapshot_find(const struct snapshot *snap, int pid, bool all);

/* Sorts rows (a face's own array of the snapshot's processes): numbers highest first
 * (ascending reverses), times until something (FT_ETA) soonest first, text A-Z; unknown
 * values last; ties by pid. A PSS, USS or SwapPss that could not be read (another user's
 * process) is ranked by what is known of it: RSS, its upper bound; proc_sort_estimated()
 * says which rows that applies to. */
void proc_sort(const struct proc **rows, size_t n, enum field_id key, bool ascending);

/* Whether a row sorted on key is ranked by an estimate (RSS in place of an unreadable PSS). */
bool proc_sort_estimated(const struct proc *p, enum field_id key);

/* The figure that stands in for key when key cannot be read (FLD_RSS for FLD_PSS), or key
 * itself when none does. */
enum field_id proc_sort_stand_in(enum field_id key);

#endif
