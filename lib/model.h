/* The model: plain structs a snapshot is made of. No I/O here; faces only read these. */
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
	SRC_PSS = 1u << 7,	/* PSS, USS, SwapPss, dirty: from smaps_rollup, or summed from
				   smaps when that is read anyway (as smem does: each mapping's
				   Pss is rounded down to a KiB, so the sum may be lower by < 1 KiB
				   per mapping with shared pages) */
};

struct mapping;	/* one VMA with its smaps figures, see segment.h / smaps.h */

struct proc {
	int pid, ppid;
	uint32_t uid;
	uint64_t start_ticks;		/* stat field 22: with pid, the process's identity */
	char state;			/* R S D Z T ... */
	bool kernel_thread;
	bool selected;			/* passed -p/-u/-f */
	bool gone;			/* exited while being read: left out */
	char *user;			/* never NULL; "?" when unknown */
	char *comm;			/* raw bytes from the kernel, NUL-terminated; never NULL */
	char *cmdline;			/* argv joined by spaces, raw bytes; NULL when unknown */
	size_t cmdline_len;
	struct fval f[FLD_COUNT];	/* numeric figures, indexed by field id */

	/* segments and mappings, present when SRC_SMAPS was read */
	bool has_segments;
	struct segment_totals *seg;	/* allocated at the first smaps read, kept: most
					   processes never have smaps read (480 bytes each) */
	struct mapping *maps;		/* with SRC_MAPS_LIST */
	size_t nmaps;
	int smaps_errno;		/* why smaps could not be read, or 0 */
	int rollup_errno;		/* why smaps_rollup could not be read, or 0 */

	/* age in seconds of reused status/rollup/smaps figures (0 = read this refresh) */
	double rollup_age, smaps_age;

	/* sampler bookkeeping */
	int dirfd, statfd;		/* /proc/PID and its stat, kept open in steady state; -1 */
	uint64_t gen;			/* last refresh that saw it */
	uint64_t prev_minflt, prev_majflt, prev_rss, prev_vsize;	/* stat at the previous sample */
	double prev_time;		/* monotonic seconds of the previous sample, 0 = none */
	double rollup_time, pss_time, smaps_time, status_time, cmdline_time;	/* when read, 0 = never */
	uint64_t stat_rss;		/* stat's rss: cheap but approximate (per-cpu counters) */
	double changed_time;		/* the sample that last saw faults, rss or vsize move (or
					   saw the process first): figures read since are still true */
	unsigned have;			/* SRC_* read (or reused) this refresh */
	struct proc *hnext;		/* hash chain */
};

struct mapping {
	uint64_t start, end, offset, inode;
	unsigned dev_major, dev_minor;
	char perms[5];
	bool deleted;
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

struct system {
	struct fval mem[SYS_MEM_COUNT];		/* from /proc/meminfo */
	struct fval count[SYSC_COUNT];		/* totals since boot */
	struct fval rate[SYSC_COUNT];		/* per second; unknown on the first sample */
	struct fval knob[KNOB_COUNT];		/* /proc/sys/vm */
	struct psi pressure;
};

struct snapshot {
	struct timespec wall;		/* CLOCK_REALTIME when taken */
	double interval;		/* seconds since the previous snapshot, 0 for the first */
	double collect_seconds;		/* how long collection took */
	uint64_t seq;			/* 1 for the first sample */
	struct system sys;
	struct proc **procs;		/* selected processes; borrowed until the next refresh */
	size_t nprocs;
	size_t ntotal;			/* all processes seen, selected or not */
	size_t nunreadable;		/* selected processes whose smaps_rollup was denied */
	char host[256];
	char kernel[128];
};

const char *sys_mem_name(enum sys_id id);		/* JSON key: "total", "free", ... */
const char *sys_counter_name(enum sys_counter id);	/* "pgfault", ... */
const char *sys_knob_name(enum sys_knob id);		/* "overcommit_memory", ... */

#endif
