/* The sampler: the only part of memtop that reads /proc (through procfs.c and procdir.c).
 * It reads processes in tiers, keeps per-process state between refreshes keyed by pid +
 * start time (rates, figures it may reuse, kept descriptors), and hands out snapshots:
 * complete for what was asked, read-only for the faces.
 *
 * Freshness: every figure of a snapshot was read for it, except
 *  - with reuse_max_age > 0 (the interactive view), figures of processes whose faults,
 *    RSS and size did not move may be reused that long to sort on; the rows a face shows
 *    are then read afresh with sampler_fill();
 *  - PSS and segments of a process whose smaps_rollup or smaps is costly to read (a large
 *    address space: the read walks its page tables under its mmap lock) are read again
 *    only after SAMPLER_COST_FACTOR times the time the last read took, so that memtop
 *    never holds such a process up more than 1/SAMPLER_COST_FACTOR of the time.
 * A reused figure carries its age (proc.pss_age, proc.smaps_age, the age field). */
#ifndef MEMTOP_SAMPLE_H
#define MEMTOP_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "model.h"
#include "trend.h"

#define SAMPLER_COST_FACTOR 100		/* re-read a costly process after 100 x its read time */
#define SAMPLER_COST_MIN 0.002		/* reads shorter than this are not costly (seconds) */
#define SAMPLER_COST_MAX_AGE 600.0	/* a costly process is read again at least this often */

/* Which processes a snapshot's procs holds (-p, -u, -f, K). Empty means all. */
struct selection {
	const int *pids;
	size_t npids;
	bool by_uid;
	uint32_t uid;
	struct filter *filter;		/* on comm or command line */
	bool hide_kthreads;		/* leave kernel threads out */
	int exclude_pid;		/* never matches a filter, unless -p names it (memtop itself) */
};

/* Whether p is selected, as far as its pid, uid, kind and name tell: SEL_CMDLINE when the
 * filter did not match the name and must be tried on the command line. self: the pid left
 * out of a filter's matches (the memtop that samples, or that recorded). */
enum selection_verdict { SEL_NO, SEL_YES, SEL_CMDLINE };
enum selection_verdict selection_check(const struct selection *sel, const struct proc *p, int self);

struct sample_request {
	unsigned need;			/* SRC_* read for every selected process */
	unsigned need_all;		/* SRC_* read for every process, selected or not */
	unsigned parts;			/* SNAP_*: the analyses to compute (they add to need_all
					   what they are computed from) */
	struct selection sel;
	double reuse_max_age;		/* seconds an idle process's figures may be reused to sort
					   on; 0: read every figure for this snapshot */
	struct trend_params trend;	/* the trend window and minimum span; 0: the defaults */
	bool reuse_oom;			/* with reuse_max_age: oom_score, oom_score_adj, ksm_stat and
					   the cgroup too, which may change while the process is idle
					   (adj by anyone, KSM by ksmd, a move), and the shmem mappings
					   of a busy process that has none and kept its size: a
					   recorder, whose keyframes read everything afresh */
};

/* Options for a sampler over another tree than the machine's (tests). */
struct sampler_root {
	int procfd;			/* a /proc-like directory: PID/stat, PID/status, meminfo... */
	const char *mountinfo;		/* its mountinfo text (tmpfs and cgroup mounts) */
	const char *posix_dir;		/* the directory that stands for /dev/shm */
};

struct sampler;

/* Reads the machine's /proc. Returns NULL and sets errno when it cannot be used (not
 * mounted; out of descriptors). */
struct sampler *sampler_create(void);

/* Reads another tree: libproc2 is not used (it reads the real /proc), memtop's own
 * readers are. The descriptor is duplicated. */
struct sampler *sampler_create_at(const struct sampler_root *root);

void sampler_free(struct sampler *s);

/* Takes a new snapshot. It and its processes belong to the sampler and stay valid until the
 * next refresh. Returns 0, or -errno when /proc itself fails or memtop ran out of
 * descriptors or memory (EMFILE, ENFILE, ENOMEM): a process that exits while it is read is
 * normal and left out. */
int sampler_refresh(struct sampler *s, const struct sample_request *req, const struct snapshot **out);

/* Reads more of one process of the current snapshot, for this snapshot: the rows a face is
 * about to show, the detail screen. What the refresh read is not read again; what it reused
 * to sort on is read afresh (costly PSS and segments excepted, as above). Unreadable figures
 * stay unknown. */
void sampler_fill(struct sampler *s, const struct proc *p, unsigned need);

/* The sampler's own error for the last refresh that failed, as a phrase. */
const char *sampler_strerror(int err);

#endif
