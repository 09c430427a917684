/* Unit tests for share tuning (policy-tune.c) over synthetic traces: a
 * closed-loop model where each path's latency depends on the shares loaded
 * (its own queue, and load on the others where they share a resource), so
 * what is measured depends on the table as on a real SAN, with
 * deterministic multiplicative noise on every sample and time passed in
 * (one sample every 2 s, as share_interval 2). The search is judged by
 * the model's own optimum: the map's cost where it holds against the
 * least cost over every split, the reloads it took, and that it then
 * holds. Cases: the guest bed (quiet, and noisy, where the model's first
 * guess has to be kept without a clear gain); a
 * delayed path beside a queueing one (an inner optimum); a saturating
 * path; near-equal paths under noise; a healed path; three paths; the
 * settle and window rules; idle and failed paths; split read/write; time
 * spent waiting above the paths, which only the map's own counters see. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "mp/shares.h"

const char unit_suite_name[] = "policy-tune";

#define IO_SIZE 65536u
#define PERIOD_MS 2000u

/* One path of the model: latency_us = base_us + slope_us * s + quad_us *
 * s^2 + cross_us * (1 - s) with s its fraction of the bytes (quad: a path
 * that saturates early; cross: the others' load slows it, as one target
 * or one CPU behind both paths does). */
struct model {
	double base_us, slope_us, quad_us, cross_us;
};

struct trace {
	unsigned int reloads, reversals, last_reload_step;
	int last_sign;
	unsigned int seed;
	uint64_t now;
	/* the map's own sample too: the paths' sum plus hol_us a request
	 * times path 1's share spent waiting above the paths (hol_cost) */
	bool map_sample;
	double hol_us;
};

/* Deterministic noise in [-amp, +amp] (a fixed LCG: same trace every run). */
static double noise(unsigned int *seed, double amp)
{
	*seed = *seed * 1103515245u + 12345u;
	return amp * (((double)((*seed >> 8) & 0xffff) / 32767.5) - 1.0);
}

static double model_latency(const struct model *m, double share)
{
	return m->base_us + m->slope_us * share + m->quad_us * share * share +
	       m->cross_us * (1 - share);
}

/* The model's map cost (mean latency a request) at the given permille. */
static double model_cost(const struct model *m, const unsigned int *permille, size_t n)
{
	double sum = 0, cost = 0;

	for (size_t i = 0; i < n; i++)
		sum += permille[i];
	for (size_t i = 0; i < n; i++)
		cost += permille[i] / sum * model_latency(&m[i], permille[i] / sum);
	return cost;
}

/* The least map cost of a two-path model over every split with both
 * paths at or above floor permille. */
static double model_best2(const struct model *m, unsigned int floor)
{
	double best = 0;

	for (unsigned int a = floor; a + floor <= MP_SHARE_SCALE; a++) {
		unsigned int pm[2] = { a, MP_SHARE_SCALE - a };
		double c = model_cost(m, pm, 2);

		if (!best || c < best)
			best = c;
	}
	return best;
}

/* The map cost of the shares loaded now. */
static double loaded_cost(const struct model *m, const struct mp_tune_path *p, size_t n)
{
	unsigned int pm[MP_SHARE_MAX_PATHS];

	for (size_t i = 0; i < n; i++)
		pm[i] = p[i].loaded[0];
	return model_cost(m, pm, n);
}

/* Fills the samples of one period in which `total_ios` requests were
 * spread by the loaded shares (the selector splits bytes by share). */
static void simulate(const struct model *m, struct mp_tune_path *p, size_t n, double total_ios,
		     int dir, double amp, unsigned int *seed)
{
	unsigned int sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += p[i].usable ? p[i].loaded[dir] : 0;
	for (size_t i = 0; i < n; i++) {
		double share = p[i].usable && sum ? (double)p[i].loaded[dir] / sum : 0;
		double ios = total_ios * share;
		double lat = model_latency(&m[i], share);

		lat *= 1.0 + noise(seed, amp);
		memset(&p[i].sample, 0, sizeof(p[i].sample));
		p[i].sample.valid = p[i].usable;
		p[i].sample.ios[dir] = (uint64_t)ios;
		p[i].sample.bytes[dir] = (uint64_t)ios * IO_SIZE;
		p[i].sample.ticks_ms[dir] = (uint64_t)(ios * lat / 1000.0);
	}
}

/* The map's sample of one period: what its paths did, plus hol_us a
 * request times path 1's share of the loaded shares spent above them. */
static void map_sample_of(const struct mp_tune_path *p, size_t n, double hol_us,
			  struct mp_tune_state *st)
{
	unsigned int sum = 0;

	memset(&st->map_sample, 0, sizeof(st->map_sample));
	st->map_sample.valid = true;
	for (size_t i = 0; i < n; i++) {
		sum += p[i].loaded[0];
		st->map_sample.ios[0] += p[i].sample.ios[0];
		st->map_sample.bytes[0] += p[i].sample.bytes[0];
		st->map_sample.ticks_ms[0] += p[i].sample.ticks_ms[0];
	}
	if (n > 1 && sum)
		st->map_sample.ticks_ms[0] += (uint64_t)(st->map_sample.ios[0] * hol_us *
							 p[1].loaded[0] / sum / 1000.0);
}

/* Runs steps, loading next whenever the policy asks; counts reloads and
 * the turns of path 0's share (a probe and its revert are one turn; what
 * counts is that they stop). */
static void run(const struct mp_tune_config *cfg, struct mp_tune_state *st, const struct model *m,
		struct mp_tune_path *p, size_t n, unsigned int steps, double amp, struct trace *t)
{
	for (unsigned int s = 1; s <= steps; s++) {
		bool reload = false;
		int sign;

		t->now += PERIOD_MS;
		simulate(m, p, n, 1000, MP_DIR_READ, amp, &t->seed);
		if (t->map_sample)
			map_sample_of(p, n, t->hol_us, st);
		CU_ASSERT_EQUAL_FATAL(mp_policy_tune_step(cfg, st, p, n, t->now, &reload), 0);
		if (!reload)
			continue;
		sign = p[0].next[0] > p[0].loaded[0] ? 1 : p[0].next[0] < p[0].loaded[0] ? -1 : 0;
		if (sign && t->last_sign && sign != t->last_sign)
			t->reversals++;
		if (sign)
			t->last_sign = sign;
		if (getenv("TUNE_TRACE"))
			fprintf(stderr, "t=%llus: %u -> %u (cost %.1f / %.1f ms/MiB)\n",
				(unsigned long long)t->now / 1000, p[0].loaded[0], p[0].next[0],
				p[0].cost[0], p[1].cost[0]);
		for (size_t i = 0; i < n; i++)
			memcpy(p[i].loaded, p[i].next, sizeof(p[i].loaded));
		t->reloads++;
		t->last_reload_step = s;
	}
}

static void start(struct mp_tune_path *p, size_t n, struct mp_tune_state *st, struct trace *t)
{
	memset(p, 0, n * sizeof(*p));
	memset(st, 0, sizeof(*st));
	memset(t, 0, sizeof(*t));
	t->seed = 42;
	for (size_t i = 0; i < n; i++)
		p[i].usable = true;
}

/* Runs a search to its end and checks what the issue asks of it: the map's
 * cost where it holds within `within` of the model's best, at most
 * max_reloads reloads, none in the last `quiet` steps. */
static void check_search(const struct model *m, size_t n, double best, double within,
			 unsigned int steps, double amp, unsigned int seed, unsigned int max_reloads,
			 unsigned int quiet)
{
	struct mp_tune_path p[MP_SHARE_MAX_PATHS];
	struct mp_tune_state st;
	struct mp_tune_config cfg;
	struct trace t;
	double c;

	mp_tune_config_default(&cfg);
	start(p, n, &st, &t);
	t.seed = seed;
	run(&cfg, &st, m, p, n, steps, amp, &t);
	c = loaded_cost(m, p, n);
	if (getenv("TUNE_TRACE"))
		fprintf(stderr, "seed %u: %u reloads, last at step %u, path 0 at %u, cost %.0f, best %.0f, %s\n",
			seed, t.reloads, t.last_reload_step, p[0].loaded[0], c, best,
			mp_tune_phase_to_string(st.search[0].phase));
	CU_ASSERT(c <= best * (1 + within));
	CU_ASSERT(t.reloads <= max_reloads);
	CU_ASSERT(t.last_reload_step + quiet <= steps);
	CU_ASSERT_EQUAL(st.search[0].phase, MP_TUNE_HOLD);
	CU_ASSERT_EQUAL(st.reloads, t.reloads);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT(p[i].loaded[0] >= cfg.floor);
}

/* Near the guest bed's figures (bench-share, 2026-11-27 07:32 UTC, a 70/30
 * mix): the healthy path queues (5 ms a request at 500 permille, 19-21 ms
 * near 1000), the delayed one takes 25 ms alone and its TCP window makes
 * it queue steeply (65 ms at 500). The least cost is near 900/100; the
 * bed itself measured its best at 990/10 (the healthy path took 31.9 ms
 * at 880/120 there, which this model does not have). */
static void test_bed_delayed_path(void)
{
	const struct model m[2] = { { 5000, 14000, 0, 0 }, { 25000, 0, 160000, 0 } };
	double best = model_best2(m, 10);

	for (unsigned int seed = 1; seed <= 10; seed++)
		check_search(m, 2, best, 0.05, 900, 0.10, seed, 20, 600);
	/* a noisy bed (+-40 % a sample: the guest at host load 6-11, where no
	 * move showed a clear gain): the model's guess is kept all the same,
	 * so the search never ends where it began */
	for (unsigned int seed = 1; seed <= 10; seed++) {
		struct mp_tune_path p[2];
		struct mp_tune_state st;
		struct mp_tune_config cfg;
		struct trace t;
		const unsigned int equal[2] = { 500, 500 };

		mp_tune_config_default(&cfg);
		start(p, 2, &st, &t);
		t.seed = seed;
		run(&cfg, &st, m, p, 2, 900, 0.40, &t);
		CU_ASSERT(p[1].loaded[0] <= 250);
		CU_ASSERT(loaded_cost(m, p, 2) < model_cost(m, equal, 2) * 0.9);
		if (getenv("TUNE_TRACE"))
			fprintf(stderr, "noisy bed seed %u: %u reloads, last at %u, %u/%u\n", seed, t.reloads,
				t.last_reload_step, p[0].loaded[0], p[1].loaded[0]);
		CU_ASSERT(t.reloads <= 40);
	}
}

/* A delayed path beside one that queues: the marginal costs meet near
 * 315 permille on the delayed path (equal costs would say 130). */
static void test_delayed_beside_queueing_path(void)
{
	const struct model m[2] = { { 0, 27000, 0, 0 }, { 20000, 27000, 0, 0 } };
	double best = model_best2(m, 10);

	for (unsigned int seed = 1; seed <= 10; seed++)
		check_search(m, 2, best, 0.06, 900, 0.10, seed, 20, 600);
}

/* Without the model's guess (service-time's weights, where the selector
 * balances each request itself): the search begins with a move of the
 * path that cost least, x4, and keeps only moves that beat the equal
 * split it began from, so it never ends clearly worse than that; on the
 * delayed-beside-queueing model the moves alone still find the optimum. */
static void test_without_model_guess(void)
{
	const struct model bed[2] = { { 5000, 14000, 0, 0 }, { 25000, 0, 160000, 0 } };
	const struct model dq[2] = { { 0, 27000, 0, 0 }, { 20000, 27000, 0, 0 } };
	const unsigned int equal[2] = { 500, 500 };
	double best = model_best2(dq, 10);

	for (unsigned int seed = 1; seed <= 10; seed++) {
		struct mp_tune_path p[2];
		struct mp_tune_state st;
		struct mp_tune_config cfg;
		struct trace t;

		mp_tune_config_default(&cfg);
		cfg.model_guess = false;
		start(p, 2, &st, &t);
		t.seed = seed;
		/* up to the first reload: the window under the equal split */
		run(&cfg, &st, bed, p, 2, 7, 0.10, &t);
		CU_ASSERT_EQUAL(t.reloads, 1);
		CU_ASSERT_EQUAL(p[0].loaded[0], 800);
		CU_ASSERT_EQUAL(p[1].loaded[0], 200);
		run(&cfg, &st, bed, p, 2, 893, 0.40, &t);
		CU_ASSERT(loaded_cost(bed, p, 2) <= model_cost(bed, equal, 2) * 1.05);
		CU_ASSERT(t.reloads <= 40);

		mp_tune_config_default(&cfg);
		cfg.model_guess = false;
		start(p, 2, &st, &t);
		t.seed = seed;
		run(&cfg, &st, dq, p, 2, 900, 0.10, &t);
		CU_ASSERT(loaded_cost(dq, p, 2) <= best * 1.06);
		CU_ASSERT_EQUAL(st.search[0].phase, MP_TUNE_HOLD);
		CU_ASSERT(t.reloads <= 20);
	}
}

/* Path 0 saturates (its latency climbs steeply with its share), path 1 is
 * flat at 10 ms: the least cost is near 112 permille on path 0, the
 * model's guess (costs meet) near 225; from there the moves that would
 * gain the last 8 % are within the noise for some seeds. */
static void test_saturating_path(void)
{
	const struct model m[2] = { { 1000, 40000, 0, 0 }, { 10000, 0, 0, 0 } };
	double best = model_best2(m, 10);

	for (unsigned int seed = 1; seed <= 10; seed++)
		check_search(m, 2, best, 0.10, 900, 0.10, seed, 20, 600);
}

/* The guest's case of 2026-11-26 16:16: the delayed path's latency climbs
 * steeply with its share (a TCP window caps it), the healthy one queues
 * linearly; the least cost is near 205 permille on the delayed path. */
static void test_steep_delayed_path(void)
{
	const struct model m[2] = { { 10000, 30000, 0, 0 }, { 20000, 0, 300000, 0 } };
	double best = model_best2(m, 10);

	for (unsigned int seed = 1; seed <= 20; seed++)
		check_search(m, 2, best, 0.06, 900, 0.15, seed, 20, 600);
}

/* Near-equal paths under noise: the probes find nothing, the search ends
 * near 50/50 and holds for the rest of the half hour; heavier noise asks
 * for clearer gains, so it does not wander either. */
static void test_noise_holds(void)
{
	const struct model m[2] = { { 2000, 3000, 0, 0 }, { 2300, 3000, 0, 0 } };
	double best = model_best2(m, 10);

	for (unsigned int seed = 1; seed <= 10; seed++) {
		check_search(m, 2, best, 0.05, 900, 0.15, seed, 20, 600);
		check_search(m, 2, best, 0.15, 900, 0.40, seed, 20, 600);
	}
}

/* Three paths, one delayed: the search ends near the least cost (the
 * delayed one near the floor, the two healthy ones near equal). Six moves
 * a step: up to 36 reloads for the probes that fail, plus those kept. */
static void test_three_paths(void)
{
	const struct model m[3] = { { 1000, 4000, 0, 0 }, { 1000, 4000, 0, 0 },
				    { 21000, 4000, 0, 0 } };
	double best = 0;

	for (unsigned int a = 10; a <= 980; a += 2)
		for (unsigned int b = 10; a + b + 10 <= 1000; b += 2) {
			unsigned int pm[3] = { a, b, 1000 - a - b };
			double c = model_cost(m, pm, 3);

			if (!best || c < best)
				best = c;
		}
	for (unsigned int seed = 1; seed <= 5; seed++)
		check_search(m, 3, best, 0.06, 1800, 0.10, seed, 56, 900);
}

/* At the floor, the delay goes away: the map's cost hardly changes (the
 * path carries 1 %), but its own cost falls from several times the map's
 * to under it, which starts a new search that gives it its share back;
 * then the shares hold. */
static void test_healed_path_returns(void)
{
	const struct model sick[2] = { { 1000, 4000, 0, 0 }, { 21000, 4000, 0, 0 } };
	const struct model healed[2] = { { 1000, 4000, 0, 0 }, { 1000, 4000, 0, 0 } };
	struct mp_tune_path p[2];
	struct mp_tune_state st;
	struct mp_tune_config cfg;
	struct trace t;
	unsigned int before;

	mp_tune_config_default(&cfg);
	start(p, 2, &st, &t);
	run(&cfg, &st, sick, p, 2, 300, 0.10, &t);
	/* 59 permille: from there each move gains less than 2.5 standard
	 * errors of this noise */
	CU_ASSERT(p[1].loaded[0] <= 60);
	CU_ASSERT_EQUAL(st.search[0].phase, MP_TUNE_HOLD);
	before = t.reloads;
	run(&cfg, &st, healed, p, 2, 600, 0.10, &t);
	if (getenv("TUNE_TRACE"))
		fprintf(stderr, "healed: %u/%u after %u reloads\n", p[0].loaded[0], p[1].loaded[0],
			t.reloads - before);
	CU_ASSERT(t.reloads > before);
	CU_ASSERT(loaded_cost(healed, p, 2) <= model_best2(healed, 10) * 1.06);
	CU_ASSERT(t.reloads - before <= 16);
	CU_ASSERT(t.last_reload_step <= 300 + 300);
	CU_ASSERT_EQUAL(st.search[0].phase, MP_TUNE_HOLD);
}

/* Samples within settle after a reload are not judged, a window needs
 * window_ms of samples, and a probe comes no sooner than one window. */
static void test_settle_and_window(void)
{
	struct mp_tune_path p[2];
	struct mp_tune_state st;
	struct mp_tune_config cfg;
	struct trace t;
	bool reload = true;
	uint64_t now;

	mp_tune_config_default(&cfg);
	start(p, 2, &st, &t);
	for (now = 2000; now <= 12000; now += 2000) {
		/* path 1 ten times as slow per byte */
		for (int i = 0; i < 2; i++)
			p[i].sample = (struct mp_share_sample){ .valid = true, .ios = { 500, 0 },
				.bytes = { 500ull * IO_SIZE, 0 }, .ticks_ms = { i ? 10000 : 1000, 0 } };
		CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, &st, p, 2, now, &reload), 0);
		/* first step starts the window at 2 s; judged at 12 s */
		CU_ASSERT_EQUAL(reload, now == 12000);
	}
	/* the first guess, the model's: costs 32 vs 320 ms/MiB, mean 176:
	 * weights 500 x 4 (capped) and 500 x 176/320, renormalised */
	CU_ASSERT_EQUAL(p[0].next[0], 879);
	CU_ASSERT_EQUAL(p[1].next[0], 121);
	CU_ASSERT_EQUAL(st.search[0].stage, MP_TUNE_STAGE_MODEL);
	CU_ASSERT_EQUAL(p[0].kept[0], 500);
	CU_ASSERT_EQUAL(st.search[0].phase, MP_TUNE_PROBE);
	CU_ASSERT_EQUAL(st.window_start_ms, 12000 + cfg.settle_ms);
	for (int i = 0; i < 2; i++)
		memcpy(p[i].loaded, p[i].next, sizeof(p[i].loaded));
	/* a wild sample inside the settle time is dropped, not judged */
	p[0].sample.ticks_ms[0] = 1000000;
	CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, &st, p, 2, 14000, &reload), 0);
	CU_ASSERT_FALSE(reload);
	CU_ASSERT_EQUAL(p[0].acc_ticks[0], 0);
	CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, &st, p, 2, 16000, &reload), 0);
	CU_ASSERT_FALSE(reload);
	CU_ASSERT_EQUAL(p[0].acc_ticks[0], 0);
	CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, &st, p, 2, 18000, &reload), 0);
	CU_ASSERT_EQUAL(p[0].acc_ticks[0], 1000000);
	CU_ASSERT_FALSE(reload);	/* window runs to 26 s */
	for (now = 20000; now <= 26000; now += 2000)
		CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, &st, p, 2, now, &reload), 0);
	/* the guess cost far more (the wild sample): reverted to the kept
	 * shares, and the moves follow */
	CU_ASSERT(reload);
	CU_ASSERT_EQUAL(p[0].next[0], 500);
	CU_ASSERT_EQUAL(p[1].next[0], 500);
	CU_ASSERT_EQUAL(st.search[0].phase, MP_TUNE_BASE);
	CU_ASSERT_EQUAL(st.search[0].stage, MP_TUNE_STAGE_MOVES);
}

static void test_idle_failed_and_bad_config(void)
{
	struct mp_tune_path p[2];
	struct mp_tune_state st;
	struct mp_tune_config cfg;
	struct trace t;
	bool reload = true;

	mp_tune_config_default(&cfg);
	/* idle map: no samples, no change, no reload */
	start(p, 2, &st, &t);
	for (uint64_t now = 2000; now <= 60000; now += 2000) {
		CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, &st, p, 2, now, &reload), 0);
		CU_ASSERT_FALSE(reload);
	}
	CU_ASSERT_EQUAL(p[0].loaded[0], 500);
	CU_ASSERT(st.decisions > 0);

	/* one path failed: the survivor alone is no reason to reload, and the
	 * failed one keeps its share for when it returns */
	const struct model m[2] = { { 1000, 0, 0, 0 }, { 50000, 0, 0, 0 } };

	start(p, 2, &st, &t);
	p[0].loaded[0] = p[0].loaded[1] = 700;
	p[1].loaded[0] = p[1].loaded[1] = 300;
	p[1].usable = false;
	run(&cfg, &st, m, p, 2, 60, 0, &t);
	CU_ASSERT_EQUAL(t.reloads, 0);
	CU_ASSERT_EQUAL(p[1].next[0], 300);
	/* it returns: a new search from 700/300 sends it to the floor */
	p[1].usable = true;
	run(&cfg, &st, m, p, 2, 300, 0, &t);
	CU_ASSERT(t.reloads >= 1);
	CU_ASSERT(p[1].loaded[0] <= cfg.floor + cfg.deadband);
	CU_ASSERT(st.search[0].searches >= 2);

	/* bad configs */
	cfg.margin = 0;
	CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, &st, p, 2, 0, &reload), -EINVAL);
	mp_tune_config_default(&cfg);
	cfg.drift = 0;
	CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, &st, p, 2, 0, &reload), -EINVAL);
	mp_tune_config_default(&cfg);
	cfg.floor = 0;
	CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, &st, p, 2, 0, &reload), -EINVAL);
	mp_tune_config_default(&cfg);
	cfg.window_ms = 0;
	CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, &st, p, 2, 0, &reload), -EINVAL);
	mp_tune_config_default(&cfg);
	CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, NULL, p, 2, 0, &reload), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, &st, p, MP_SHARE_MAX_PATHS + 1, 0, &reload),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(mp_tune_phase_to_string(MP_TUNE_HOLD), "holding");
	CU_ASSERT_PTR_NULL(mp_tune_phase_to_string(_MP_TUNE_PHASE_MAX));
}

/* Split shares: path 0 reads fast and writes slowly, path 1 the other way
 * round; each direction's search finds its own floor. */
static void test_split_directions(void)
{
	const struct model rd[2] = { { 1000, 2000, 0, 0 }, { 20000, 2000, 0, 0 } };
	const struct model wr[2] = { { 20000, 2000, 0, 0 }, { 1000, 2000, 0, 0 } };
	struct mp_tune_path p[2];
	struct mp_tune_state st;
	struct mp_tune_config cfg;
	struct trace t;
	bool reload = false;

	mp_tune_config_default(&cfg);
	cfg.split = true;
	start(p, 2, &st, &t);
	for (unsigned int k = 0; k < 600; k++) {
		struct mp_share_sample w[2];

		t.now += PERIOD_MS;
		simulate(wr, p, 2, 1000, MP_DIR_WRITE, 0.05, &t.seed);
		w[0] = p[0].sample;
		w[1] = p[1].sample;
		simulate(rd, p, 2, 1000, MP_DIR_READ, 0.05, &t.seed);
		for (int i = 0; i < 2; i++) {
			p[i].sample.ios[MP_DIR_WRITE] = w[i].ios[MP_DIR_WRITE];
			p[i].sample.bytes[MP_DIR_WRITE] = w[i].bytes[MP_DIR_WRITE];
			p[i].sample.ticks_ms[MP_DIR_WRITE] = w[i].ticks_ms[MP_DIR_WRITE];
		}
		CU_ASSERT_EQUAL_FATAL(mp_policy_tune_step(&cfg, &st, p, 2, t.now, &reload), 0);
		if (reload)
			for (int i = 0; i < 2; i++)
				memcpy(p[i].loaded, p[i].next, sizeof(p[i].loaded));
	}
	CU_ASSERT(p[0].loaded[MP_DIR_READ] >= 980);
	CU_ASSERT(p[0].loaded[MP_DIR_WRITE] <= 20);
	CU_ASSERT(p[1].loaded[MP_DIR_READ] <= 20);
	CU_ASSERT(p[1].loaded[MP_DIR_WRITE] >= 980);
	CU_ASSERT_EQUAL(st.search[MP_DIR_READ].phase, MP_TUNE_HOLD);
	CU_ASSERT_EQUAL(st.search[MP_DIR_WRITE].phase, MP_TUNE_HOLD);
}

/* Time spent above the paths: per request, hol_us times path 1's share
 * (requests the selector sent to a path that could not take them wait
 * for the map's queue to run again). Only the map's own counters see it. */
static double hol_cost(const struct model *m, const unsigned int *pm, double hol_us)
{
	return model_cost(m, pm, 2) + hol_us * pm[1] / (double)(pm[0] + pm[1]);
}

/* Runs a two-path search with (map) or without the map's own sample and
 * returns path 1's share where it ended. */
static unsigned int run_hol(const struct model *m, double hol_us, bool map, unsigned int seed,
			    double *ret_cost)
{
	struct mp_tune_path p[2];
	struct mp_tune_state st;
	struct mp_tune_config cfg;
	struct trace t;

	mp_tune_config_default(&cfg);
	start(p, 2, &st, &t);
	t.seed = seed;
	t.map_sample = map;
	t.hol_us = hol_us;
	run(&cfg, &st, m, p, 2, 900, 0.10, &t);
	CU_ASSERT_EQUAL(st.search[0].phase, MP_TUNE_HOLD);
	*ret_cost = hol_cost(m, (unsigned int[]){ p[0].loaded[0], p[1].loaded[0] }, hol_us);
	return p[1].loaded[0];
}

/* Requests that wait above the paths: the model of
 * test_delayed_beside_queueing_path plus 30 ms a request times the
 * delayed path's share spent waiting in the map's queue. The paths' own
 * costs put the least cost near 315 permille on the delayed path; with
 * the wait it is near 40, and 315 costs 15 % more. Given the map's own
 * counters every search ends within 7 % of the map's least cost (the
 * model's guess lands near 210, 6-7 % above it, and from there x4 on the
 * healthy path gains just over the 5 % margin: with some seeds' noise it
 * is not kept) and never worse than without them; without them, where
 * the paths' costs lead: 7 % worse over the ten seeds (so the case shows
 * that the map's counters change the outcome, not only that they agree). */
static void test_waiting_above_paths(void)
{
	const struct model m[2] = { { 0, 27000, 0, 0 }, { 20000, 27000, 0, 0 } };
	double best = 0, c_map, c_paths, sum_map = 0, sum_paths = 0;

	for (unsigned int a = 10; a + 10 <= MP_SHARE_SCALE; a++) {
		unsigned int pm[2] = { MP_SHARE_SCALE - a, a };
		double c = hol_cost(m, pm, 30000);

		if (!best || c < best)
			best = c;
	}
	for (unsigned int seed = 1; seed <= 10; seed++) {
		unsigned int with = run_hol(m, 30000, true, seed, &c_map);
		unsigned int without = run_hol(m, 30000, false, seed, &c_paths);

		if (getenv("TUNE_TRACE"))
			fprintf(stderr, "waiting above, seed %u: map %u permille (%.0f), paths %u (%.0f), best %.0f\n",
				seed, with, c_map, without, c_paths, best);
		CU_ASSERT(c_map <= best * 1.07);
		CU_ASSERT(c_map <= c_paths * 1.01);
		CU_ASSERT(with <= without);
		sum_map += c_map;
		sum_paths += c_paths;
	}
	CU_ASSERT(sum_map < sum_paths * 0.95);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_bed_delayed_path),
	UNIT_TEST(test_delayed_beside_queueing_path),
	UNIT_TEST(test_without_model_guess),
	UNIT_TEST(test_saturating_path),
	UNIT_TEST(test_steep_delayed_path),
	UNIT_TEST(test_noise_holds),
	UNIT_TEST(test_three_paths),
	UNIT_TEST(test_healed_path_returns),
	UNIT_TEST(test_settle_and_window),
	UNIT_TEST(test_idle_failed_and_bad_config),
	UNIT_TEST(test_split_directions),
	UNIT_TEST(test_waiting_above_paths),
	UNIT_END,
};
