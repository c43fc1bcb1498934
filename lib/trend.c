#include <string.h>

#include "trend.h"
#include "xalloc.h"

#define TREND_REBASE_MS (UINT32_MAX / 2)	/* times are rebased on the oldest sample past this */

struct trend_params trend_params_default(void)
{
	return (struct trend_params){ TREND_WINDOW_DEFAULT, TREND_MIN_SPAN_DEFAULT };
}

struct trend_params trend_params_of(const struct trend_params *asked)
{
	struct trend_params p = trend_params_default();

	if (asked->window > 0)
		p.window = asked->window;
	if (asked->min_span > 0)
		p.min_span = asked->min_span;
	if (p.min_span > p.window)
		p.min_span = p.window;
	return p;
}

struct trend_hist *trend_hist_create(uint32_t cap)
{
	struct trend_hist *h;

	cap = cap < 2 ? 2 : cap > TREND_CAP ? TREND_CAP : cap;
	h = xmalloc(TREND_HIST_SIZE(cap));
	h->base = 0;
	h->n = 0;
	h->cap = cap;
	return h;
}

void trend_hist_reserve(struct trend_hist **h)
{
	uint32_t cap = (*h)->cap * 2;

	if ((*h)->n < (*h)->cap || (*h)->cap >= TREND_CAP)
		return;
	cap = cap > TREND_CAP ? TREND_CAP : cap;
	*h = xrealloc(*h, TREND_HIST_SIZE(cap));
	(*h)->cap = cap;
}

static void trend_remove(struct trend_hist *h, uint32_t i)
{
	memmove(&h->s[i], &h->s[i + 1], (h->n - i - 1) * sizeof h->s[0]);
	h->n--;
}

/* Samples that hold figure 0 weigh more: thinning takes the others first. */
static uint64_t trend_weight(const struct trend_sample *s)
{
	return 1 + (s->kib[0] != TREND_NONE ? 2 : 0) + (s->kib[1] != TREND_NONE);
}

/* The sample (never the oldest) whose removal leaves the smallest weighted gap, the sample
 * about to come at next_ms counting as its last neighbour. */
static uint32_t trend_victim(const struct trend_hist *h, uint32_t next_ms)
{
	uint64_t best = UINT64_MAX;
	uint32_t pick = h->n - 1;

	for (uint32_t i = 1; i < h->n; i++) {
		uint32_t right = i + 1 < h->n ? h->s[i + 1].ms : next_ms;
		uint64_t cost = (uint64_t)(right - h->s[i - 1].ms) * trend_weight(&h->s[i]);

		if (cost < best) {
			best = cost;
			pick = i;
		}
	}
	return pick;
}

static void trend_rebase(struct trend_hist *h)
{
	uint32_t shift = h->s[0].ms;

	for (uint32_t i = 0; i < h->n; i++)
		h->s[i].ms -= shift;
	h->base += shift / 1000.0;
}

static uint32_t trend_kib(uint64_t bytes)
{
	uint64_t kib = (bytes + 512) / 1024;

	return kib < TREND_NONE ? (uint32_t)kib : TREND_NONE;	/* 4 TiB and more: not kept */
}

static void trend_merge(struct trend_sample *s, const struct trend_figs *f)
{
	for (int i = 0; i < TREND_NFIG; i++) {
		if (f->known & (1u << i))
			s->kib[i] = trend_kib(f->v[i]);
	}
}

void trend_observe(struct trend_hist *h, double t, const struct trend_figs *f, const struct trend_params *p)
{
	struct trend_sample s;
	double at;
	uint32_t ms;

	if (h->n == 0)
		h->base = t;
	at = (t - h->base) * 1000;
	if (!(at >= 0))
		return;	/* before the history began */
	at = (double)(uint64_t)(at + 0.5);	/* whole ms, compared as the samples hold them */
	if (h->n && at < h->s[h->n - 1].ms)
		return;
	if (h->n && at == h->s[h->n - 1].ms) {
		trend_merge(&h->s[h->n - 1], f);
		return;
	}
	while (h->n && at - h->s[0].ms > p->window * 1000)
		trend_remove(h, 0);
	if (h->n == 0) {
		h->base = t;
		at = 0;
	} else if (at > TREND_REBASE_MS) {	/* what is left spans a window at most */
		at -= h->s[0].ms;
		trend_rebase(h);
	}
	ms = (uint32_t)at;
	if (h->n >= h->cap)
		trend_remove(h, trend_victim(h, ms));
	s.ms = ms;
	for (int i = 0; i < TREND_NFIG; i++)
		s.kib[i] = TREND_NONE;
	trend_merge(&s, f);
	h->s[h->n++] = s;
}

size_t trend_series(const struct trend_hist *h, int fig, double *t, double *v)
{
	size_t n = 0;

	for (uint32_t i = 0; i < h->n; i++) {
		if (h->s[i].kib[fig] == TREND_NONE)
			continue;
		t[n] = h->base + h->s[i].ms / 1000.0;
		v[n++] = h->s[i].kib[fig] * 1024.0;
	}
	return n;
}

/* The k-th smallest of a[0..n) (reorders a): Hoare's selection. */
static double trend_select(double *a, size_t n, size_t k)
{
	long lo = 0, hi = (long)n - 1;

	while (hi > lo) {
		double pivot = a[lo + (hi - lo) / 2];
		long i = lo, j = hi;

		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				double x = a[i];

				a[i++] = a[j];
				a[j--] = x;
			}
		}
		if ((long)k <= j)
			hi = j;
		else if ((long)k >= i)
			lo = i;
		else
			return a[k];	/* between the two parts: equal to the pivot */
	}
	return a[k];
}

static double trend_median(double *a, size_t n)
{
	double hi = trend_select(a, n, n / 2);

	return n % 2 ? hi : (trend_select(a, n, n / 2 - 1) + hi) / 2;
}

bool trend_theil_sen(const double *t, const double *v, size_t n, double *slope, double *icept)
{
	double s[TREND_CAP * (TREND_CAP - 1) / 2], r[TREND_CAP];
	size_t m = 0;

	if (n > TREND_CAP)
		n = TREND_CAP;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++) {
			if (t[j] > t[i])
				s[m++] = (v[j] - v[i]) / (t[j] - t[i]);
		}
	}
	if (m == 0)
		return false;
	*slope = trend_median(s, m);
	for (size_t i = 0; i < n; i++)
		r[i] = v[i] - *slope * (t[i] - t[0]);
	*icept = trend_median(r, n) - *slope * t[0];
	return true;
}

static double trend_r2(const double *t, const double *v, size_t n, double slope, double icept)
{
	double mean = 0, tot = 0, res = 0;

	for (size_t i = 0; i < n; i++)
		mean += v[i] / n;
	for (size_t i = 0; i < n; i++) {
		double e = v[i] - (icept + slope * t[i]);

		tot += (v[i] - mean) * (v[i] - mean);
		res += e * e;
	}
	if (tot <= 0)
		return res <= 0 ? 1 : 0;
	return res >= tot ? 0 : 1 - res / tot;
}

/* Whether the median of each quarter of the span lies beyond the one before, in the
 * direction dir (1 up, -1 down). */
static bool trend_quarters(const double *t, const double *v, size_t n, int dir)
{
	double q[TREND_CAP], prev = 0;
	size_t i = 0;

	for (int k = 0; k < 4; k++) {
		double end = t[0] + (t[n - 1] - t[0]) * (k + 1) / 4;
		size_t m = 0;
		double med;

		while (i < n && (t[i] < end || k == 3))
			q[m++] = v[i++];
		if (m == 0)
			return false;
		med = trend_median(q, m);
		if (k > 0 && (med - prev) * dir <= 0)
			return false;
		prev = med;
	}
	return true;
}

static bool trend_steady(const double *t, const double *v, size_t n, const struct trend_fit *f,
			 const struct trend_params *p, int dir)
{
	return n >= TREND_STEADY_SAMPLES && f->span >= p->min_span && f->r2 >= TREND_STEADY_R2 &&
	       f->growth * dir * f->span >= TREND_STEADY_MIN_BYTES && trend_quarters(t, v, n, dir);
}

void trend_fit_points(const double *t, const double *v, size_t n, const struct trend_params *p,
		      struct trend_fit *out)
{
	double slope, icept;

	memset(out, 0, sizeof *out);
	out->n = n;
	if (n < TREND_MIN_SAMPLES || !trend_theil_sen(t, v, n, &slope, &icept))
		return;
	out->known = true;
	out->span = t[n - 1] - t[0];
	out->growth = slope;
	out->r2 = trend_r2(t, v, n, slope, icept);
	out->last = v[n - 1];
	out->rising = trend_steady(t, v, n, out, p, 1);
	out->falling = trend_steady(t, v, n, out, p, -1);
}

void trend_fit(const struct trend_hist *h, int fig, const struct trend_params *p, struct trend_fit *out)
{
	double t[TREND_CAP], v[TREND_CAP];
	size_t n = trend_series(h, fig, t, v);

	/* relative times: seconds since a monotonic clock's origin lose precision in squares */
	for (size_t i = n; i-- > 0;)
		t[i] -= t[0];
	trend_fit_points(t, v, n, p, out);
}

double trend_eta(double growth, double headroom)
{
	if (!(growth > 0))
		return -1;
	return headroom > 0 ? headroom / growth : 0;
}

/* ---- what a snapshot holds ---- */

static void trend_set(struct fval *v, double d)
{
	v->d = d;
	v->st = V_KNOWN;
}

void trend_proc(struct proc *p, const struct trend_hist *h, const struct trend_params *par)
{
	struct trend_fit a, pss;

	p->trend = (struct proc_trend){ 0 };
	for (int i = 0; i < FLD_COUNT; i++) {
		if (fields[i].src & (SRC_TREND | SRC_TREND_ETA))
			p->f[i].st = V_UNKNOWN;
	}
	if (!h)
		return;
	trend_fit(h, TREND_ANON_SWAP, par, &a);
	p->trend.samples = (uint8_t)a.n;
	if (a.known) {
		trend_set(&p->f[FLD_GROWTH], a.growth);
		p->f[FLD_LEAK] = (struct fval){ .u = a.rising, .st = V_KNOWN };
		trend_set(&p->trend.window, a.span);
		trend_set(&p->trend.r2, a.r2);
	}
	trend_fit(h, TREND_PSS, par, &pss);
	if (pss.known)
		trend_set(&p->trend.pss_growth, pss.growth);
}

void trend_proc_eta(struct proc *p, double machine_room, double cgroup_room)
{
	const struct fval *g = &p->f[FLD_GROWTH];
	double room = machine_room;

	if (g->st != V_KNOWN || !(g->d > 0) || (machine_room < 0 && cgroup_room < 0))
		return;
	p->trend.limit = TREND_LIMIT_MACHINE;
	if (cgroup_room >= 0 && (machine_room < 0 || cgroup_room < machine_room)) {
		room = cgroup_room;
		p->trend.limit = TREND_LIMIT_CGROUP;
	}
	trend_set(&p->f[FLD_OOM_ETA], trend_eta(g->d, room));
}

void trend_system(struct sys_trend *tr, const struct trend_hist *h, const struct trend_params *par,
		  double headroom)
{
	struct trend_fit fit;

	memset(tr, 0, sizeof *tr);
	trend_fit(h, TREND_HEADROOM, par, &fit);
	if (!fit.known)
		return;
	trend_set(&tr->window, fit.span);
	trend_set(&tr->rate, fit.growth);
	trend_set(&tr->r2, fit.r2);
	tr->falling = (struct fval){ .u = fit.falling, .st = V_KNOWN };
	if (fit.growth < 0 && headroom >= 0)
		trend_set(&tr->oom_eta, trend_eta(-fit.growth, headroom));
}
