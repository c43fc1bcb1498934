/* The sampler's private parts, shared by its files (sample.c: processes; sample-sys.c: the
 * machine, mounts, cgroups and shmem sources). Nothing outside the sampler includes this. */
#ifndef MEMTOP_SAMPLE_INT_H
#define MEMTOP_SAMPLE_INT_H

#include <dirent.h>

#include "cgroup.h"
#include "oom.h"
#include "procfs.h"
#include "proc2.h"
#include "sample.h"
#include "segment.h"
#include "shmem.h"
#include "smaps.h"
#include "sysmem.h"
#include "trend.h"

#define SAMPLER_HASH 2048	/* buckets: chains stay short up to tens of thousands of processes */
#define SAMPLER_USERS 64
#define SAMPLER_KEY_PARTS 4	/* "Private_Clean+Private_Dirty": parts of a registry key */

/* Each source's bit number, to index per-source times. */
enum sampler_src_index {
	SI_STAT, SI_CMDLINE, SI_STATUS, SI_ROLLUP, SI_SMAPS, SI_MAPS_LIST, SI_OOM, SI_PSS, SI_KSM,
	SI_CGROUP, SI_SHMEM, SI_TREND, SI_TREND_ETA, SI_COUNT
};

/* A process as the sampler keeps it between refreshes. Faces see only p. */
struct sproc {
	struct proc p;			/* first: a face's const struct proc * converts back */
	int dirfd, statfd;		/* /proc/PID and its stat, kept open in steady state; -1 */
	uint64_t gen;			/* last refresh that saw it */
	bool gone;			/* exited while being read: left out */
	uint64_t prev_minflt, prev_majflt, prev_rss, prev_vsize;	/* stat at the previous sample */
	uint64_t shm_vsize;		/* vsize when its shmem mappings were last read */
	double prev_time;		/* monotonic seconds of the previous sample, 0 = none */
	double changed_time;		/* the sample that last saw faults, rss or vsize move (or
					   saw the process first): figures read since still hold */
	double read_at[SI_COUNT];	/* when each source was last read whole; 0 = never, or the
					   last read failed */
	double pss_cost, smaps_cost;	/* seconds the last read of smaps_rollup / smaps took */
	uint8_t kept[FLD_COUNT];	/* figures' states while not presented (see proc_hide) */
	unsigned reused;		/* sources this refresh presents from an earlier read */
	bool seg_kept;
	char *cgroup_path;		/* its memory cgroup as /proc/PID/cgroup names it */
	size_t capmaps, capshm;
	struct trend_hist *hist;	/* recent samples (lib/trend.h), from the first one with an
					   address space; it ends with the process */
	struct sproc *hnext;		/* hash chain */
};

struct sampler_user {
	uint32_t uid;
	char *name;
	struct sampler_user *next;
};

/* A registry field resolved to what its source's parser gives: status lines, smaps fields,
 * segments, stat items (field.h, the key). */
struct sampler_field {
	enum field_id id;
	int part[SAMPLER_KEY_PARTS];
	int nparts;
};

struct sampler {
	int procfd;			/* /proc, or the tree given */
	bool fake;			/* not the machine's /proc: no libproc2 */
	DIR *procdir;			/* rewound each refresh to list the processes */
	struct proc2 *p2;
	struct smaps_parser *parser;
	struct buf buf, chunk;
	struct sproc *hash[SAMPLER_HASH];
	struct sampler_user *users[SAMPLER_USERS];
	struct sproc **all;		/* processes the current refresh saw */
	size_t nall, capall;
	const struct proc **sel, **pub;	/* the snapshot's arrays */
	size_t capsel;
	uint64_t gen;
	double now;			/* monotonic seconds of the current refresh */
	bool reuse_oom;			/* the request's */
	long page_size;
	int *fresh;			/* pids to read through libproc2 this refresh */
	size_t nfresh, capfresh;
	bool keep_fds;			/* steady state: the descriptor budget is known */
	long keep_left;			/* processes that may still keep descriptors */
	int fatal;			/* -errno that makes the refresh fail: out of descriptors or
					   memory */
	struct snapshot snap;
	struct system prev_sys;
	double prev_sys_time;

	/* the registry, resolved */
	struct sampler_field status_f[FLD_COUNT], smaps_f[FLD_COUNT], seg_f[FLD_COUNT], stat_f[FLD_COUNT];
	int nstatus, nsmaps, nseg, nstat;
	uint64_t summed;		/* smaps fields the SRC_PSS figures are summed from */

	/* mounts: tmpfs devices (segments, shmem), the cgroup layout */
	int mountfd;			/* /proc/self/mountinfo, polled for changes; -1 */
	char *mountinfo;		/* a fake root's text */
	char *posix_dir;		/* what stands for /dev/shm */
	bool mounts_read;
	struct segment_dev *tmpfs;
	bool *tmpfs_posix;
	size_t ntmpfs, captmpfs;
	int cgroup_mountfd;		/* the memory cgroup hierarchy's mount point, or -1 */

	/* the parts */
	struct sysmem mem;
	struct cgroup_set cgroups;
	struct oom_report *oom;
	struct shmem_report *shmem;
	struct shmem_sources shmem_src;

	/* trends: their parameters, the machine's history, and the cgroups read for them */
	struct trend_params trend;
	struct trend_hist *sys_hist;
	struct cgroup_room *rooms;	/* per node of cgroups, read at refresh rooms_gen[i] */
	uint64_t *rooms_gen;
	size_t caprooms;

	/* what the smaps callback writes into */
	struct sproc *cur;
	struct segment_classifier cls;
	bool keep_maps, probe, sum_pss;
	struct smaps_vma rollup;	/* smaps_rollup, or the sum over smaps */
	bool rollup_seen;
	size_t nvma;
};

/* sample-sys.c */
void sampler_system(struct sampler *s, struct system *sys);
void sampler_mounts(struct sampler *s);
bool sampler_tmpfs(const struct sampler *s, unsigned major, unsigned minor, bool *posix);
void sampler_cgroups(struct sampler *s);
bool sampler_cgroup_headroom(struct sampler *s, int node, uint64_t swap_free, uint64_t *room);
void sampler_shmem_sources(struct sampler *s);
void sampler_note_errno(struct sampler *s, int err);
void sampler_sys_free(struct sampler *s);

#endif
