/* Unit tests for slow-path detection (policy-slow.c): a path far slower
 * than its siblings while up is demoted only after the window, re-admitted
 * only after behaving for the window, never flaps near the line, never
 * demotes the last in-service path, ignores idle and down paths, and gives
 * everything back when switched off. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "mp/shares.h"

const char unit_suite_name[] = "policy-slow";

static const struct mp_slow_config cfg = {
	.factor = 5, .window_ms = 30000, .min_latency_us = 2000, .min_ios = 16,
};

/* One sample of 100 requests at lat_us each (0: idle). */
static void sample(struct mp_slow_path *p, uint64_t lat_us)
{
	memset(&p->sample, 0, sizeof(p->sample));
	p->sample.valid = true;
	if (!lat_us)
		return;
	p->sample.ios[MP_DIR_READ] = 100;
	p->sample.bytes[MP_DIR_READ] = 100 * 65536;
	p->sample.ticks_ms[MP_DIR_READ] = 100 * lat_us / 1000;
}

/* Steps every 5 s from t0 to t1 with fixed latencies; returns the time of
 * the first verdict v on path idx (0 if none). */
static uint64_t drive(struct mp_slow_path *p, size_t n, const uint64_t *lat, uint64_t t0,
		      uint64_t t1, size_t idx, enum mp_slow_verdict v)
{
	uint64_t hit = 0;

	for (uint64_t t = t0; t <= t1; t += 5000) {
		unsigned int ch = 0;

		for (size_t i = 0; i < n; i++)
			sample(&p[i], lat[i]);
		CU_ASSERT_EQUAL_FATAL(mp_policy_slow_step(&cfg, p, n, t, &ch), 0);
		if (!hit && p[idx].verdict == v)
			hit = t;
	}
	return hit;
}

static void test_demote_after_window_then_readmit(void)
{
	struct mp_slow_path p[3] = { { .up = true }, { .up = true }, { .up = true } };
	const uint64_t slow[3] = { 1000, 1200, 21000 };	/* 20 ms extra on path 2 */
	const uint64_t fine[3] = { 1000, 1200, 1400 };
	uint64_t t;

	t = drive(p, 3, slow, 1000, 100000, 2, MP_SLOW_DEMOTE);
	CU_ASSERT_EQUAL(t, 31000);	/* slow from 1000, demoted 30 s later */
	CU_ASSERT_TRUE(p[2].demoted);
	CU_ASSERT_FALSE(p[0].demoted);
	CU_ASSERT_EQUAL(p[2].latency_us, 21000);
	CU_ASSERT_EQUAL(p[2].sibling_us, 1000);	/* lower median of 1000, 1200 */
	t = drive(p, 3, fine, 101000, 200000, 2, MP_SLOW_READMIT);
	/* smoothed, the 21 ms fade by half per sample: 11.2, 6.3, 3.9, then
	 * 2.6 ms <= 3 x 1 ms at 116 s; re-admitted a window later */
	CU_ASSERT_EQUAL(t, 146000);
	CU_ASSERT_FALSE(p[2].demoted);
}

static void test_spikes_and_hysteresis(void)
{
	struct mp_slow_path p[2] = { { .up = true }, { .up = true } };
	unsigned int ch;

	/* slow for 25 s, then fine once, then slow again: the timer restarts */
	for (uint64_t t = 0; t <= 60000; t += 5000) {
		sample(&p[0], 1000);
		sample(&p[1], t == 25000 ? 1000 : 9000);
		CU_ASSERT_EQUAL(mp_policy_slow_step(&cfg, p, 2, t, &ch), 0);
	}
	CU_ASSERT_TRUE(p[1].demoted);	/* 30000..60000 is the full window */
	/* between the thresholds (3x..5x): stays demoted, never readmitted */
	for (uint64_t t = 65000; t <= 200000; t += 5000) {
		sample(&p[0], 1000);
		sample(&p[1], 4000);
		CU_ASSERT_EQUAL(mp_policy_slow_step(&cfg, p, 2, t, &ch), 0);
		CU_ASSERT_EQUAL(ch, 0);
	}
	CU_ASSERT_TRUE(p[1].demoted);
	/* and an in-service path between the thresholds is never demoted */
	struct mp_slow_path q[2] = { { .up = true }, { .up = true } };
	const uint64_t mid[2] = { 1000, 4000 };

	CU_ASSERT_EQUAL(drive(q, 2, mid, 0, 300000, 1, MP_SLOW_DEMOTE), 0);
	/* tiny latencies never count: 1.9 ms vs 0.1 ms is under min_latency */
	const uint64_t tiny[2] = { 100, 1900 };
	CU_ASSERT_EQUAL(drive(q, 2, tiny, 300000, 600000, 1, MP_SLOW_DEMOTE), 0);
}

static void test_never_the_last_and_idle_or_down(void)
{
	struct mp_slow_path p[2] = { { .up = true }, { .up = false } };
	const uint64_t lat[2] = { 50000, 1000 };
	unsigned int ch;

	/* the only up path has no up sibling: nothing to compare with */
	CU_ASSERT_EQUAL(drive(p, 2, lat, 0, 100000, 0, MP_SLOW_DEMOTE), 0);
	/* both up, both slow relative to each other is impossible; two slow
	 * paths of three: the second is kept in service */
	struct mp_slow_path q[2] = { { .up = true }, { .up = true } };
	const uint64_t l2[2] = { 1000, 30000 };

	CU_ASSERT_NOT_EQUAL(drive(q, 2, l2, 0, 100000, 1, MP_SLOW_DEMOTE), 0);
	/* now path 0 goes bad too: it may not be demoted (last in service) */
	const uint64_t l3[2] = { 90000, 30000 };
	CU_ASSERT_EQUAL(drive(q, 2, l3, 105000, 300000, 0, MP_SLOW_DEMOTE), 0);
	CU_ASSERT_FALSE(q[0].demoted);
	/* ... and path 1, now no slower than its sibling, was re-admitted */
	CU_ASSERT_FALSE(q[1].demoted);
	CU_ASSERT_NOT_EQUAL(drive(q, 2, l2, 0, 100000, 1, MP_SLOW_DEMOTE), 0);
	/* idle demoted path: timers hold, no readmission without evidence */
	const uint64_t idle[2] = { 1000, 0 };
	CU_ASSERT_EQUAL(drive(q, 2, idle, 305000, 600000, 1, MP_SLOW_READMIT), 0);
	CU_ASSERT_TRUE(q[1].demoted);
	/* factor 0 (off): everything demoted comes back at once */
	struct mp_slow_config off = cfg;
	off.factor = 0;
	CU_ASSERT_EQUAL(mp_policy_slow_step(&off, q, 2, 700000, &ch), 0);
	CU_ASSERT_EQUAL(ch, 1);
	CU_ASSERT_EQUAL(q[1].verdict, MP_SLOW_READMIT);
	CU_ASSERT_FALSE(q[1].demoted);
	/* bad input */
	off.factor = 1;
	CU_ASSERT_EQUAL(mp_policy_slow_step(&off, q, 2, 0, &ch), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_slow_step(&cfg, q, MP_SHARE_MAX_PATHS + 1, 0, &ch), -EINVAL);
	CU_ASSERT_STRING_EQUAL(mp_slow_verdict_to_string(MP_SLOW_DEMOTE), "demote");
}

static void test_clock_backwards(void)
{
	struct mp_slow_path p[2] = { { .up = true }, { .up = true } };
	unsigned int ch;

	sample(&p[0], 1000);
	sample(&p[1], 30000);
	CU_ASSERT_EQUAL(mp_policy_slow_step(&cfg, p, 2, 100000, &ch), 0);
	/* time goes back: the timer restarts rather than underflowing */
	CU_ASSERT_EQUAL(mp_policy_slow_step(&cfg, p, 2, 50000, &ch), 0);
	CU_ASSERT_FALSE(p[1].demoted);
	CU_ASSERT_EQUAL(p[1].bad_since_ms, 50000);
}

/* After the demotion the sibling carries the load and its latency rises:
 * the still-slow path must not look good against it. */
static void test_sibling_loaded_after_demotion(void)
{
	struct mp_slow_path p[2] = { { .up = true }, { .up = true } };
	const uint64_t before[2] = { 4000, 30000 };	/* 20+ ms extra, equal load */
	const uint64_t after[2] = { 8000, 18000 };	/* sibling queues 2x, slow one light */
	const uint64_t healed[2] = { 8000, 5000 };	/* delay gone */

	CU_ASSERT_NOT_EQUAL(drive(p, 2, before, 0, 40000, 1, MP_SLOW_DEMOTE), 0);
	CU_ASSERT_EQUAL(p[1].ref_us, 4000);
	CU_ASSERT_EQUAL(drive(p, 2, after, 45000, 300000, 1, MP_SLOW_READMIT), 0);
	CU_ASSERT_TRUE(p[1].demoted);
	CU_ASSERT_NOT_EQUAL(drive(p, 2, healed, 305000, 400000, 1, MP_SLOW_READMIT), 0);
	CU_ASSERT_FALSE(p[1].demoted);
	CU_ASSERT_EQUAL(p[1].ref_us, 0);
}

/* A path that is slow for 40 s, fine for 40 s, over and over (a window
 * of 30 s): demoted and re-admitted once, then demoted again within 4
 * windows of the re-admission, which doubles the good time it needs
 * (60 s): it stays demoted instead of flapping every 80 s. Once it behaves
 * for that long it returns, and 4 windows in service clear the penalty. */
static void test_flap_damping(void)
{
	struct mp_slow_path p[2] = { { .up = true }, { .up = true } };
	unsigned int ch, demotions = 0, readmissions = 0;

	for (uint64_t t = 0; t <= 1200000; t += 5000) {
		sample(&p[0], 8000);
		sample(&p[1], (t / 40000) % 2 ? 8000 : 60000);
		CU_ASSERT_EQUAL_FATAL(mp_policy_slow_step(&cfg, p, 2, t, &ch), 0);
		demotions += p[1].verdict == MP_SLOW_DEMOTE;
		readmissions += p[1].verdict == MP_SLOW_READMIT;
	}
	CU_ASSERT_EQUAL(demotions, 2);
	CU_ASSERT_EQUAL(readmissions, 1);
	CU_ASSERT_TRUE(p[1].demoted);
	CU_ASSERT_EQUAL(p[1].penalty, 2);
	/* fine for good: back after 2 windows, penalty cleared 4 windows on */
	const uint64_t fine[2] = { 8000, 8000 };
	uint64_t t = drive(p, 2, fine, 1205000, 1500000, 1, MP_SLOW_READMIT);

	CU_ASSERT(t >= 1205000 + 60000 && t <= 1205000 + 75000);
	CU_ASSERT_FALSE(p[1].demoted);
	CU_ASSERT_EQUAL(p[1].penalty, 1);
}

/* Smoothing: one sample of a handful of very slow requests, or one odd
 * sample, does not make a path slow for the whole window. */
static void test_smoothing(void)
{
	struct mp_slow_path p[2] = { { .up = true }, { .up = true } };
	unsigned int ch;

	for (uint64_t t = 0; t <= 300000; t += 5000) {
		sample(&p[0], 8000);
		sample(&p[1], 8000);
		if (t % 20000 == 0) {
			/* every 4th sample: 4 requests at 2 s each */
			p[1].sample.ios[MP_DIR_READ] = 4;
			p[1].sample.ticks_ms[MP_DIR_READ] = 8000;
		}
		CU_ASSERT_EQUAL_FATAL(mp_policy_slow_step(&cfg, p, 2, t, &ch), 0);
		CU_ASSERT_EQUAL(ch, 0);
	}
	CU_ASSERT_FALSE(p[1].demoted);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_flap_damping),
	UNIT_TEST(test_smoothing),
	UNIT_TEST(test_sibling_loaded_after_demotion),
	UNIT_TEST(test_demote_after_window_then_readmit),
	UNIT_TEST(test_spikes_and_hysteresis),
	UNIT_TEST(test_never_the_last_and_idle_or_down),
	UNIT_TEST(test_clock_backwards),
	UNIT_END,
};
