/* Trends: the Theil-Sen slope, its confidence, steady rises and falls told from steps,
 * sawtooths and idle figures, the bounded history and its thinning. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cgroup.h"
#include "tap.h"
#include "trend.h"

#define MIB (1024.0 * 1024)

static const struct trend_params defaults = { TREND_WINDOW_DEFAULT, TREND_MIN_SPAN_DEFAULT };

static int near(double got, double want, double tol)
{
	if (fabs(got - want) <= tol)
		return 1;
	printf("#   got %.6g, want %.6g (+-%.3g)\n", got, want, tol);
	return 0;
}

/* A leak of rate bytes/s, n samples dt apart, on top of base. */
static void line(double *t, double *v, size_t n, double dt, double base, double rate)
{
	for (size_t i = 0; i < n; i++) {
		t[i] = i * dt;
		v[i] = base + rate * t[i];
	}
}

static void test_theil_sen(void)
{
	double t[TREND_CAP], v[TREND_CAP], slope, icept;

	line(t, v, 20, 1, 5 * MIB, MIB);
	ok(trend_theil_sen(t, v, 20, &slope, &icept), "a line has a slope");
	ok(near(slope, MIB, 1e-6) && near(icept, 5 * MIB, 1e-3), "exact on a line");
	v[7] = 900 * MIB;	/* one wild sample */
	v[13] = 0;
	trend_theil_sen(t, v, 20, &slope, &icept);
	ok(near(slope, MIB, 0.01 * MIB), "two wild samples of 20 move the slope under 1 %%");
	t[1] = t[0];
	ok(trend_theil_sen(t, v, 2, &slope, &icept) == false, "no two distinct times: no slope");
}

static void test_fit(void)
{
	double t[TREND_CAP], v[TREND_CAP];
	struct trend_fit f;

	line(t, v, 3, 1, MIB, MIB);
	trend_fit_points(t, v, 3, &defaults, &f);
	ok(!f.known, "3 samples: unknown");
	line(t, v, 21, 1, 10 * MIB, MIB);
	trend_fit_points(t, v, 21, &defaults, &f);
	ok(f.known && near(f.growth, MIB, 1) && near(f.r2, 1, 1e-9), "1 MiB/s over 20 s: growth, r2 1");
	ok(f.rising && !f.falling && near(f.span, 20, 0) && f.n == 21, "a steady rise over the minimum span");
	trend_fit_points(t, v, 20, &defaults, &f);
	ok(f.known && !f.rising, "19 s: under the minimum span, not yet");
	for (size_t i = 0; i < 21; i++)	/* a page up or down at random */
		v[i] = 10 * MIB + MIB * t[i] + ((rand() % 3) - 1) * 4096.0;
	trend_fit_points(t, v, 21, &defaults, &f);
	ok(f.rising && near(f.growth, MIB, 0.01 * MIB), "with a page of noise: still a leak");
	line(t, v, 31, 1, 10 * MIB, 30000);	/* 0.9 MiB in 30 s */
	trend_fit_points(t, v, 31, &defaults, &f);
	ok(f.known && f.growth > 0 && !f.rising, "a rise under 1 MiB over the span is no leak");
	line(t, v, 31, 1, 10 * MIB, 0);
	trend_fit_points(t, v, 31, &defaults, &f);
	ok(f.known && f.growth == 0 && f.r2 == 1 && !f.rising && !f.falling, "idle: growth 0, r2 1, no leak");
	v[15] = 500 * MIB;
	trend_fit_points(t, v, 31, &defaults, &f);
	ok(f.growth == 0 && !f.rising, "idle with one wild sample: growth 0, no leak");
	line(t, v, 31, 1, 900 * MIB, -2 * MIB);
	trend_fit_points(t, v, 31, &defaults, &f);
	ok(f.falling && !f.rising && near(f.growth, -2 * MIB, 1), "a steady fall");
}

static void test_not_leaks(void)
{
	double t[TREND_CAP], v[TREND_CAP];
	struct trend_fit f;
	int steps = 0, saws = 0;

	/* a step of 200 MiB at any place in 30 s, with a page of noise after */
	for (size_t at = 1; at < 31; at++) {
		for (size_t i = 0; i < 31; i++) {
			t[i] = i;
			v[i] = 20 * MIB + (i >= at ? 200 * MIB + (i % 2) * 4096.0 * i : 0);
		}
		trend_fit_points(t, v, 31, &defaults, &f);
		steps += f.rising;
	}
	is_int(steps, 0, "a step is never a leak, wherever it falls");
	/* a sawtooth: 50 MiB in 5 s, freed, again; whatever its phase */
	for (int phase = 0; phase < 6; phase++) {
		for (size_t i = 0; i < 31; i++) {
			t[i] = i;
			v[i] = 20 * MIB + 10 * MIB * ((i + phase) % 6);
		}
		trend_fit_points(t, v, 31, &defaults, &f);
		saws += f.rising;
	}
	is_int(saws, 0, "a sawtooth is never a leak");
	/* a sawtooth whose troughs climb: a leak a collector hides */
	for (size_t i = 0; i < 31; i++) {
		t[i] = i;
		v[i] = 20 * MIB + 2 * MIB * i + 0.5 * MIB * (i % 3);
	}
	trend_fit_points(t, v, 31, &defaults, &f);
	ok(f.rising, "a rise with small teeth is still a leak");
}

static void test_history(void)
{
	struct trend_params p = { 300, 20 };
	struct trend_hist *h = trend_hist_create(TREND_CAP);
	double t[TREND_CAP], v[TREND_CAP], maxgap = 0;
	struct trend_figs fig = { .known = 1u << TREND_RSS };
	struct trend_fit f;
	size_t n;

	is_int(TREND_HIST_SIZE(TREND_CAP), 528, "a full history takes 528 bytes");
	for (int i = 0; i < 1000; i++) {
		fig.v[TREND_RSS] = (uint64_t)(100 * MIB + i * 4096.0);
		trend_observe(h, 5000 + i, &fig, &p);
	}
	n = trend_series(h, TREND_RSS, t, v);
	is_int(n, TREND_CAP, "1000 samples: the history holds its cap");
	ok(near(t[n - 1], 5999, 0.001) && near(v[n - 1], 100 * MIB + 999 * 4096.0, 512), "the newest is kept");
	ok(t[0] >= 5999 - 300 && t[0] <= 5999 - 270, "the oldest within the window, near its start");
	for (size_t i = 1; i < n; i++)
		maxgap = t[i] - t[i - 1] > maxgap ? t[i] - t[i - 1] : maxgap;
	ok(maxgap <= 3 * 300.0 / TREND_CAP, "gaps stay near window / cap (largest %.0f s)", maxgap);
	trend_fit(h, TREND_RSS, &p, &f);
	ok(f.known && near(f.growth, 4096, 41), "the thinned history keeps the slope");

	/* figures read after the refresh join its sample */
	fig = (struct trend_figs){ { 7 * MIB }, 1u << TREND_ANON_SWAP };
	trend_observe(h, 5999, &fig, &p);
	is_int(trend_series(h, TREND_ANON_SWAP, t, v), 1, "same time: merged into the newest sample");
	ok(near(v[0], 7 * MIB, 0) && near(t[0], 5999, 0.001), "with its own value");
	free(h);
	h = trend_hist_create(TREND_CAP);
	trend_observe(h, 100, &fig, &p);
	trend_observe(h, 100.0196, &(struct trend_figs){ { 0, 0, MIB }, 1u << TREND_RSS }, &p);
	trend_observe(h, 100.0196, &fig, &p);	/* its time rounds up to the ms: still the same */
	ok(h->n == 2 && h->s[1].kib[TREND_RSS] == 1024 && h->s[1].kib[TREND_ANON_SWAP] == 7 * 1024,
	   "a time held rounded up is still the same sample");
	trend_observe(h, 5999, &fig, &p);
	trend_observe(h, 5990, &fig, &p);
	is_int(h->n, 1, "a time before the newest is ignored");
	fig.v[0] = (uint64_t)5 << 40;
	trend_observe(h, 6000, &fig, &p);
	is_int(trend_series(h, TREND_ANON_SWAP, t, v), 1, "5 TiB is not kept");
	free(h);
}

/* A history starts small and doubles as it fills, up to its cap. */
static void test_growing(void)
{
	struct trend_params p = { 300, 20 };
	struct trend_hist *h = trend_hist_create(2);
	uint32_t caps[8], ncaps = 0;
	double t[TREND_CAP], v[TREND_CAP];

	is_int(TREND_HIST_SIZE(h->cap), 48, "a new history takes 48 bytes");
	for (int i = 0; i < 100; i++) {
		struct trend_figs fig = { { (uint64_t)i << 20 }, 1u };

		trend_hist_reserve(&h);
		if (!ncaps || caps[ncaps - 1] != h->cap)
			caps[ncaps++] = h->cap;
		trend_observe(h, i, &fig, &p);
	}
	ok(ncaps == 5 && caps[0] == 2 && caps[1] == 4 && caps[4] == TREND_CAP, "2, 4, 8, 16, 32 samples");
	ok(trend_series(h, 0, t, v) == TREND_CAP && t[0] == 0 && t[TREND_CAP - 1] == 99, "then thinned as ever");
	free(h);
}

/* Samples holding figure 0 outlast those without it. */
static void test_weight(void)
{
	struct trend_params p = { 300, 20 };
	struct trend_hist *h = trend_hist_create(TREND_CAP);
	double t[TREND_CAP], v[TREND_CAP];
	size_t n;

	for (int i = 0; i < 600; i++) {
		struct trend_figs fig = { { (uint64_t)i << 20, 0, 1 << 20 }, 1u << TREND_RSS };

		if (i % 10 == 0)
			fig.known |= 1u << TREND_ANON_SWAP;
		trend_observe(h, i, &fig, &p);
	}
	n = trend_series(h, TREND_ANON_SWAP, t, v);
	ok(n >= 20, "anon + swap every 10th sample: %zu of the %d samples hold it", n, TREND_CAP);
	free(h);
}

static void test_observe_leak(void)
{
	struct trend_params p = { 300, 20 };
	struct trend_hist *h = trend_hist_create(TREND_CAP);
	struct trend_fit f;
	int first = -1;

	for (int i = 0; i <= 40; i++) {
		struct trend_figs fig = { { (uint64_t)(30 * MIB + i * MIB) }, 1u << TREND_ANON_SWAP };

		trend_observe(h, 1e6 + i * 1.001, &fig, &p);
		trend_fit(h, TREND_ANON_SWAP, &p, &f);
		if (f.rising && first < 0)
			first = i;
	}
	is_int(first, 20, "1 MiB/s sampled each second: a leak from the sample 20 s in");
	ok(near(f.growth, MIB / 1.001, MIB * 0.001), "its growth");
	free(h);
}

static void test_rebase(void)
{
	struct trend_params p = { 86400, 20 };
	struct trend_hist *h = trend_hist_create(TREND_CAP);
	double t[TREND_CAP], v[TREND_CAP];
	size_t n;

	for (int i = 0; i < 24 * 60; i++) {	/* 60 days, hourly */
		struct trend_figs fig = { { (uint64_t)i << 20 }, 1u };

		trend_observe(h, 1e5 + i * 3600.0, &fig, &p);
	}
	n = trend_series(h, 0, t, v);
	ok(near(t[n - 1], 1e5 + (24 * 60 - 1) * 3600.0, 0.01), "60 days on: times still exact");
	ok(t[n - 1] - t[0] <= 86400 && n == 25, "a day of hourly samples");
	free(h);
}

static void test_eta(void)
{
	ok(trend_eta(0, 100) < 0 && trend_eta(-5, 100) < 0 && trend_eta(NAN, 100) < 0, "not growing: never");
	ok(near(trend_eta(MIB, 60 * MIB), 60, 1e-9), "60 MiB left at 1 MiB/s: 60 s");
	ok(trend_eta(MIB, -5) == 0, "nothing left: now");
}

/* What a snapshot shows, as a replay would fill it: the same calls as the sampler's. */
static void test_model(void)
{
	struct trend_params p = { 300, 20 };
	struct trend_hist *h = trend_hist_create(TREND_CAP), *m = trend_hist_create(TREND_CAP);
	struct proc pr = { 0 };
	struct sys_trend st;

	trend_proc(&pr, NULL, &p);
	ok(pr.f[FLD_GROWTH].st == V_UNKNOWN && pr.f[FLD_LEAK].st == V_UNKNOWN && pr.f[FLD_OOM_ETA].st == V_UNKNOWN &&
	   pr.trend.samples == 0 && pr.trend.r2.st == V_UNKNOWN, "model: no history, all unknown");
	for (int i = 0; i <= 25; i++) {
		struct trend_figs f = { { (uint64_t)(50 * MIB + i * MIB), (uint64_t)(40 * MIB + i * MIB / 2) },
					(1u << TREND_ANON_SWAP) | (1u << TREND_PSS) };
		struct trend_figs sys = { { (uint64_t)(8000 * MIB - i * 2 * MIB) }, 1u << TREND_HEADROOM };

		trend_observe(h, 10 + i, &f, &p);
		trend_observe(m, 10 + i, &sys, &p);
	}
	trend_proc(&pr, h, &p);
	ok(pr.f[FLD_GROWTH].st == V_KNOWN && near(pr.f[FLD_GROWTH].d, MIB, 1) && pr.f[FLD_LEAK].u == 1 &&
	   pr.trend.samples == 26 && near(pr.trend.window.d, 25, 1e-9) && near(pr.trend.pss_growth.d, MIB / 2, 1),
	   "model: growth, leak, window, samples, PSS growth");
	ok(pr.f[FLD_OOM_ETA].st == V_UNKNOWN, "model: oom_eta only when asked");
	trend_proc_eta(&pr, 100 * MIB, 10 * MIB);
	ok(pr.trend.limit == TREND_LIMIT_CGROUP && near(pr.f[FLD_OOM_ETA].d, 10, 1e-6), "model: the cgroup binds first");
	trend_proc_eta(&pr, 5 * MIB, -1);
	ok(pr.trend.limit == TREND_LIMIT_MACHINE && near(pr.f[FLD_OOM_ETA].d, 5, 1e-6), "model: no cgroup limit: the machine");
	pr.f[FLD_GROWTH].d = 0;
	pr.f[FLD_OOM_ETA].st = V_UNKNOWN;
	trend_proc_eta(&pr, 5 * MIB, -1);
	ok(pr.f[FLD_OOM_ETA].st == V_UNKNOWN, "model: not growing, no oom_eta");
	trend_system(&st, m, &p, 7950.0 * MIB);
	ok(st.rate.st == V_KNOWN && near(st.rate.d, -2 * MIB, 1) && st.falling.u == 1 &&
	   near(st.oom_eta.d, 7950.0 / 2, 1e-3), "model: the machine falling, none left in headroom / rate");
	free(h);
	free(m);
}

static struct fval known(uint64_t u)
{
	return (struct fval){ .u = u, .st = V_KNOWN };
}

/* The room a cgroup leaves: limit - usage, its file pages, the swap it may still fill. */
static void test_cgroup_room(void)
{
	struct cgroup_mem m = { .limit = known(100 * MIB), .usage = known(60 * MIB), .swap_limit = { .st = V_NA } };
	struct cgroup_room r = { .file = known(10 * MIB), .swap_used = known(0) };
	uint64_t room = 0;

	ok(cgroup_headroom(&m, &r, 0, &room) && room == 50 * MIB, "room: limit - usage + file pages");
	ok(cgroup_headroom(&m, &r, 30 * MIB, &room) && room == 80 * MIB, "room: no swap limit: the machine's free swap");
	m.swap_limit = known(20 * MIB);
	r.swap_used = known(15 * MIB);
	ok(cgroup_headroom(&m, &r, 30 * MIB, &room) && room == 55 * MIB, "room: its swap limit less what it uses");
	m.swappiness = known(0);
	ok(cgroup_headroom(&m, &r, 30 * MIB, &room) && room == 50 * MIB, "room: v1 swappiness 0: no swap");
	m.usage = known(120 * MIB);
	ok(cgroup_headroom(&m, &r, 0, &room) && room == 10 * MIB, "room: over its limit: its file pages only");
	m.limit.st = V_NA;
	ok(!cgroup_headroom(&m, &r, 0, &room), "room: no limit, none to tell");
}

int main(void)
{
	test_theil_sen();
	test_fit();
	test_not_leaks();
	test_history();
	test_growing();
	test_weight();
	test_observe_leak();
	test_rebase();
	test_eta();
	test_model();
	test_cgroup_room();
	return tap_done();
}
