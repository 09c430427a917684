/* Unit tests for share tuning (policy-tune.c) over synthetic traces: a
 * closed-loop model where each path's latency grows with the share it was
 * given (a queue forms), so the measured rate depends on the loaded shares
 * exactly as on a real SAN. Properties: convergence to the fixed point,
 * then no further reloads; no oscillation under noisy samples; idle and
 * failed paths hold; the floor; split read/write shares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "mp/shares.h"

const char unit_suite_name[] = "policy-tune";

#define IO_SIZE 65536u

/* One path of the model: latency_us = base_us + slope_us * share/1000. */
struct model {
	double base_us, slope_us;
};

/* Deterministic noise in [-amp, +amp] (a fixed LCG: same trace every run). */
static double noise(unsigned int *seed, double amp)
{
	*seed = *seed * 1103515245u + 12345u;
	return amp * (((double)((*seed >> 8) & 0xffff) / 32767.5) - 1.0);
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
		double lat = m[i].base_us + m[i].slope_us * share;

		lat *= 1.0 + noise(seed, amp);
		memset(p[i].sample.ios, 0, sizeof(p[i].sample.ios));
		memset(p[i].sample.bytes, 0, sizeof(p[i].sample.bytes));
		memset(p[i].sample.ticks_ms, 0, sizeof(p[i].sample.ticks_ms));
		p[i].sample.valid = p[i].usable;
		p[i].sample.ios[dir] = (uint64_t)ios;
		p[i].sample.bytes[dir] = (uint64_t)ios * IO_SIZE;
		p[i].sample.ticks_ms[dir] = (uint64_t)(ios * lat / 1000.0);
	}
}

/* Runs steps, loading next whenever the policy asks; returns the reloads
 * and records in last_reload the step of the last one. */
static unsigned int run(const struct mp_tune_config *cfg, const struct model *m,
			struct mp_tune_path *p, size_t n, unsigned int steps, double amp,
			unsigned int *last_reload, unsigned int *reversals)
{
	unsigned int seed = 42, reloads = 0;
	int last_sign = 0;

	*last_reload = 0;
	*reversals = 0;
	for (unsigned int s = 1; s <= steps; s++) {
		bool reload = false;

		simulate(m, p, n, 4000, MP_DIR_READ, amp, &seed);
		CU_ASSERT_EQUAL_FATAL(mp_policy_tune_step(cfg, p, n, &reload), 0);
		if (!reload)
			continue;
		/* direction of path 0's move: a reversal is an oscillation */
		int sign = p[0].next[0] > p[0].loaded[0] ? 1 : p[0].next[0] < p[0].loaded[0] ? -1 : 0;

		if (sign && last_sign && sign != last_sign)
			(*reversals)++;
		if (sign)
			last_sign = sign;
		if (getenv("TUNE_TRACE"))
			fprintf(stderr, "step %u: %u -> %u (share %.1f)\n", s, p[0].loaded[0], p[0].next[0], p[0].share[0]);
		for (size_t i = 0; i < n; i++)
			memcpy(p[i].loaded, p[i].next, sizeof(p[i].loaded));
		reloads++;
		*last_reload = s;
	}
	return reloads;
}

/* The fixed point of the model: shares proportional to 1/latency(share),
 * by bisection on the common in-flight level. Two paths only. */
static double fixed_point_share0(const struct model *m)
{
	double lo = 0, hi = 1;

	for (int k = 0; k < 60; k++) {
		double s = (lo + hi) / 2;
		double r0 = 1 / (m[0].base_us + m[0].slope_us * s);
		double r1 = 1 / (m[1].base_us + m[1].slope_us * (1 - s));

		if (s / (1 - s) < r0 / r1)
			lo = s;
		else
			hi = s;
	}
	return lo * 1000;
}

static void test_converges_then_stays(void)
{
	/* path 1 has 20 ms more latency (an iSCSI path delayed by netem) */
	const struct model m[2] = { { 1000, 4000 }, { 21000, 4000 } };
	struct mp_tune_path p[2] = { { .usable = true }, { .usable = true } };
	struct mp_tune_config cfg;
	unsigned int last, rev, reloads;
	double fp = fixed_point_share0(m);

	mp_tune_config_default(&cfg);
	p[0].loaded[0] = p[0].loaded[1] = 500;
	p[1].loaded[0] = p[1].loaded[1] = 500;
	reloads = run(&cfg, m, p, 2, 100, 0, &last, &rev);
	CU_ASSERT(reloads >= 1);
	CU_ASSERT(reloads <= 6);
	CU_ASSERT(last <= 20);		/* settles within 20 periods */
	CU_ASSERT_EQUAL(rev, 0);	/* monotone approach */
	/* loaded share within the dead band of the fixed point */
	CU_ASSERT(abs((int)p[0].loaded[0] - (int)(fp + 0.5)) <= (int)cfg.deadband);
	CU_ASSERT(p[1].loaded[0] >= cfg.floor);
	CU_ASSERT(p[0].loaded[0] + p[1].loaded[0] >= 995 && p[0].loaded[0] + p[1].loaded[0] <= 1005);
}

static void test_no_oscillation_under_noise(void)
{
	/* two near-equal paths and +-15 % latency noise per sample */
	const struct model m[2] = { { 2000, 3000 }, { 2300, 3000 } };
	struct mp_tune_path p[2] = { { .usable = true }, { .usable = true } };
	struct mp_tune_config cfg;
	unsigned int last, rev, reloads;

	mp_tune_config_default(&cfg);
	p[0].loaded[0] = p[0].loaded[1] = 500;
	p[1].loaded[0] = p[1].loaded[1] = 500;
	reloads = run(&cfg, m, p, 2, 300, 0.15, &last, &rev);
	/* the fixed point is within the dead band of 50/50: at most a couple
	 * of reloads over 300 periods, never back and forth */
	CU_ASSERT(reloads <= 2);
	CU_ASSERT_EQUAL(rev, 0);

	/* unequal paths with noise: converges, then stays */
	const struct model m2[3] = { { 500, 2000 }, { 500, 2000 }, { 8000, 2000 } };
	struct mp_tune_path q[3] = { { .usable = true }, { .usable = true }, { .usable = true } };

	for (int i = 0; i < 3; i++)
		q[i].loaded[0] = q[i].loaded[1] = 333;
	reloads = run(&cfg, m2, q, 3, 300, 0.10, &last, &rev);
	CU_ASSERT(reloads <= 6);
	CU_ASSERT(last <= 40);
	CU_ASSERT(q[2].loaded[0] < q[0].loaded[0] / 2);
	CU_ASSERT(q[2].loaded[0] >= cfg.floor);
}

static void test_floor_and_holds(void)
{
	const struct model m[2] = { { 100, 0 }, { 1000000, 0 } };	/* 10000x slower */
	struct mp_tune_path p[2] = { { .usable = true }, { .usable = true } };
	struct mp_tune_config cfg;
	unsigned int last, rev;
	bool reload = true;

	mp_tune_config_default(&cfg);
	p[0].loaded[0] = p[0].loaded[1] = 500;
	p[1].loaded[0] = p[1].loaded[1] = 500;
	run(&cfg, m, p, 2, 60, 0, &last, &rev);
	/* never starved: at the floor, give or take the dead band */
	CU_ASSERT(p[1].loaded[0] >= cfg.floor && p[1].loaded[0] < cfg.floor + cfg.deadband);
	CU_ASSERT_EQUAL(p[0].loaded[0] + p[1].loaded[0], 1000);

	/* idle map: no samples, no change, no reload */
	memset(&p[0].sample, 0, sizeof(p[0].sample));
	memset(&p[1].sample, 0, sizeof(p[1].sample));
	unsigned int before = p[0].loaded[0];
	p[0].rate[0] = p[1].rate[0] = 0;
	p[0].share[0] = p[1].share[0] = 0;
	CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, p, 2, &reload), 0);
	CU_ASSERT_FALSE(reload);
	CU_ASSERT_EQUAL(p[0].next[0], before);

	/* one path failed: the survivor alone is no reason to reload */
	struct mp_tune_path f[2] = { { .usable = true }, { .usable = false } };
	f[0].loaded[0] = f[0].loaded[1] = 700;
	f[1].loaded[0] = f[1].loaded[1] = 300;
	f[0].sample = (struct mp_share_sample){ .valid = true, .ios = { 100, 0 },
		.bytes = { 100 * IO_SIZE, 0 }, .ticks_ms = { 50, 0 } };
	CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, f, 2, &reload), 0);
	CU_ASSERT_FALSE(reload);
	CU_ASSERT_EQUAL(f[1].next[0], 300);	/* kept for when it returns */

	/* bad configs */
	cfg.damping = 0;
	CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, p, 2, &reload), -EINVAL);
	mp_tune_config_default(&cfg);
	cfg.floor = 0;
	CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, p, 2, &reload), -EINVAL);
	mp_tune_config_default(&cfg);
	CU_ASSERT_EQUAL(mp_policy_tune_step(&cfg, p, MP_SHARE_MAX_PATHS + 1, &reload), -EINVAL);
}

static void test_split_directions(void)
{
	/* path 0 reads fast and writes slowly; path 1 the other way round */
	struct mp_tune_path p[2] = { { .usable = true }, { .usable = true } };
	struct mp_tune_config cfg;
	bool reload = false;

	mp_tune_config_default(&cfg);
	cfg.split = true;
	for (int i = 0; i < 2; i++)
		p[i].loaded[0] = p[i].loaded[1] = 500;
	for (int s = 0; s < 20; s++) {
		p[0].sample = (struct mp_share_sample){ .valid = true, .ios = { 500, 500 },
			.bytes = { 500ull * IO_SIZE, 500ull * IO_SIZE }, .ticks_ms = { 500, 4000 } };
		p[1].sample = (struct mp_share_sample){ .valid = true, .ios = { 500, 500 },
			.bytes = { 500ull * IO_SIZE, 500ull * IO_SIZE }, .ticks_ms = { 4000, 500 } };
		CU_ASSERT_EQUAL_FATAL(mp_policy_tune_step(&cfg, p, 2, &reload), 0);
		if (reload)
			for (int i = 0; i < 2; i++)
				memcpy(p[i].loaded, p[i].next, sizeof(p[i].loaded));
	}
	/* 8:1 rates -> 889/111 for reads, the mirror for writes */
	CU_ASSERT(p[0].loaded[MP_DIR_READ] >= 839 && p[0].loaded[MP_DIR_READ] <= 939);
	CU_ASSERT(p[0].loaded[MP_DIR_WRITE] >= 61 && p[0].loaded[MP_DIR_WRITE] <= 161);
	CU_ASSERT(p[1].loaded[MP_DIR_WRITE] >= 839);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_converges_then_stays),
	UNIT_TEST(test_no_oscillation_under_noise),
	UNIT_TEST(test_floor_and_holds),
	UNIT_TEST(test_split_directions),
	UNIT_END,
};
