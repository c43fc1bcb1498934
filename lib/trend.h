/* Trends: a bounded history of recent samples (one per process, one for the machine), the
 * robust slope of a figure over it with its confidence, whether the figure rises (or falls)
 * steadily, and the time until a limit at that slope. Pure: no I/O, no clock. The sampler
 * feeds it live; a replayed recording feeds it the same way: per process a history
 * (trend_hist_create), per sample trend_hist_reserve() and one trend_observe(), then
 * trend_proc() (and trend_proc_eta() with the room left) fill the snapshot as live.
 *
 * The history: at most TREND_CAP samples of TREND_NFIG figures, none older than the window
 * before the newest. Once full, the sample whose removal leaves the smallest gap goes
 * (samples holding figure 0 weigh more, so they stay longer): the history then covers the
 * whole window at about window / TREND_CAP seconds apart, densest at the start of a
 * process's life. A sample takes 16 bytes (times in ms, sizes in KiB on 32 bits: a figure
 * of 4 TiB or more is not kept); a full history 16 + 32 x 16 = 528 bytes. A history grows
 * as it fills (2, 4, ... TREND_CAP samples), so that a one-shot run pays 48 bytes a process.
 *
 * The fit over the samples that hold a figure (TREND_MIN_SAMPLES at least):
 *  - growth: the Theil-Sen slope, the median of the slopes between every two samples, in
 *    bytes per second: one outlier sample moves it little (up to 29 % of them may be wild);
 *  - r2: how much of the figure's variance that line explains, 1 - SS_res / SS_tot (1 for a
 *    figure that did not move at all);
 *  - steady rise (a leak, for anon + swap): a span of at least the minimum span, at least
 *    TREND_STEADY_SAMPLES samples, r2 >= TREND_STEADY_R2, a rise of at least
 *    TREND_STEADY_MIN_BYTES over the span, and the median of each quarter of the span above
 *    the median of the quarter before. A step (grows once, then stays) explains at most 75 %
 *    of the variance with a line and leaves two quarters level; a sawtooth (grows, frees,
 *    again) whose period the span holds leaves a quarter lower or level and a low r2; a
 *    steady figure has a slope of 0. A rise longer than the minimum span that then stops
 *    (a cache warming up slowly) is a leak while it lasts.
 *  - steady fall: the same, downwards (the machine's headroom). */
#ifndef MEMTOP_TREND_H
#define MEMTOP_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define TREND_CAP 32			/* samples in a history */
#define TREND_NFIG 3			/* figures a sample holds */
#define TREND_MIN_SAMPLES 4		/* fewer: the figures are unknown */
#define TREND_STEADY_SAMPLES 8		/* a steady rise or fall needs this many */
#define TREND_STEADY_R2 0.9
#define TREND_STEADY_MIN_BYTES (1024.0 * 1024)	/* over the span: less is no leak */
#define TREND_WINDOW_DEFAULT 300.0	/* seconds */
#define TREND_WINDOW_MIN 10.0
#define TREND_WINDOW_MAX 86400.0
#define TREND_MIN_SPAN_DEFAULT 20.0	/* seconds */
#define TREND_MIN_SPAN_MIN 1.0

/* A process's figures. */
enum trend_fig { TREND_ANON_SWAP, TREND_PSS, TREND_RSS };
/* The machine's: MemAvailable + SwapFree, what can still be given before the OOM killer. */
enum trend_sys_fig { TREND_HEADROOM };

struct trend_params {
	double window;		/* seconds of history kept (TREND_WINDOW_MIN..MAX) */
	double min_span;	/* seconds a steady rise must span (TREND_MIN_SPAN_MIN..window) */
};

#define TREND_NONE UINT32_MAX	/* a figure the sample does not hold */

struct trend_sample {
	uint32_t ms;			/* since the history's base */
	uint32_t kib[TREND_NFIG];	/* TREND_NONE: not read for this sample */
};

struct trend_hist {
	double base;			/* seconds (the caller's clock) ms counts from */
	uint32_t n, cap;
	struct trend_sample s[];	/* cap of them, oldest first */
};

#define TREND_HIST_SIZE(cap) (sizeof(struct trend_hist) + (cap) * sizeof(struct trend_sample))

/* What one sample read: figures in bytes, a bit per figure known. */
struct trend_figs {
	uint64_t v[TREND_NFIG];
	unsigned known;
};

/* An empty history with room for cap samples (2..TREND_CAP); free() frees it. */
struct trend_hist *trend_hist_create(uint32_t cap);

/* Room for one more sample: a full history below TREND_CAP doubles (it may move). */
void trend_hist_reserve(struct trend_hist **h);

/* Adds what was read at time t (seconds, any clock that only goes forward). A second
 * observation at the same time adds the figures it knows to that sample (the live view
 * reads more of the rows it shows after the refresh). A time before the newest sample's is
 * ignored. */
void trend_observe(struct trend_hist *h, double t, const struct trend_figs *f, const struct trend_params *p);

/* The samples that hold figure fig, oldest first: times in seconds on the caller's clock,
 * values in bytes. t and v hold TREND_CAP. Returns how many. */
size_t trend_series(const struct trend_hist *h, int fig, double *t, double *v);

struct trend_fit {
	bool known;		/* enough samples: the rest is set */
	unsigned n;		/* samples used */
	double span;		/* seconds from the first to the last of them */
	double growth;		/* bytes per second (negative: falling) */
	double r2;		/* 0..1 */
	double last;		/* the newest value, bytes */
	bool rising, falling;	/* steadily (above) */
};

/* Fits figure fig of the history. */
void trend_fit(const struct trend_hist *h, int fig, const struct trend_params *p, struct trend_fit *out);

/* The same on points (t ascending, n <= TREND_CAP): the pure part, for tests. */
void trend_fit_points(const double *t, const double *v, size_t n, const struct trend_params *p,
		      struct trend_fit *out);

/* Theil-Sen: the median of the pairwise slopes, and the median intercept. Needs n >= 2
 * distinct times, n <= TREND_CAP. Returns false when there are not. */
bool trend_theil_sen(const double *t, const double *v, size_t n, double *slope, double *icept);

/* Seconds until headroom bytes are used up at growth bytes per second: 0 when none is
 * left; negative when not growing (never). */
double trend_eta(double growth, double headroom);

/* The default parameters. */
struct trend_params trend_params_default(void);

/* The parameters a request asks for: its own where set (> 0), the defaults elsewhere; the
 * minimum span at most the window. */
struct trend_params trend_params_of(const struct trend_params *asked);

/* ---- what a snapshot holds (model.h), for the sampler and a replay alike ---- */

/* p's growth, leak (registry figures), window, r2, samples and PSS growth (p->trend) from
 * its history h (NULL: none, all unknown); its oom_eta and limit unknown. */
void trend_proc(struct proc *p, const struct trend_hist *h, const struct trend_params *par);

/* p's oom_eta and limit, once trend_proc() found it growing: the room left in bytes on the
 * machine (MemAvailable + SwapFree) and in its memory cgroup (cgroup_headroom()), negative
 * when unknown or without a limit; the lesser binds. */
void trend_proc_eta(struct proc *p, double machine_room, double cgroup_room);

/* The machine's trend from its history of TREND_HEADROOM, and headroom, its latest value in
 * bytes (negative: unknown). */
void trend_system(struct sys_trend *tr, const struct trend_hist *h, const struct trend_params *par,
		  double headroom);

#endif
