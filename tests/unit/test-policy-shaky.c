/* Unit tests for the shaky-path history (policy-shaky.c): the ring stays
 * bounded and keeps the newest failures, the window and gap boundaries,
 * saturating gap arithmetic, bad configs and time going backwards. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "mp/policy.h"

const char unit_suite_name[] = "policy-shaky";

static const struct mp_shaky_config cfg3 = {
	.threshold = 3, .window_ms = 10000, .recheck_gap_ms = 5000,
};

static void test_threshold_within_window(void)
{
	/* (time of failure, failures in window after it, quarantined) */
	static const struct { uint64_t t; unsigned int in_window; bool q; } rows[] = {
		{ 0, 1, false },
		{ 9000, 2, false },
		{ 10000, 2, false },	/* failure at 0 is exactly 10 s old: out */
		{ 10001, 3, true },	/* 0 is out; 9000, 10000, 10001 are in */
	};
	struct mp_shaky s;

	mp_policy_shaky_init(&s);
	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned int n = 99;

		CU_ASSERT_EQUAL_FATAL(mp_policy_shaky_record(&s, &cfg3, rows[i].t, &s), 0);
		CU_ASSERT_EQUAL(mp_policy_shaky_count(&s, &cfg3, rows[i].t, &n), 0);
		CU_ASSERT_EQUAL(n, rows[i].in_window);
		CU_ASSERT_EQUAL(s.quarantined, rows[i].q);
	}
}

static void test_ring_is_bounded_and_keeps_newest(void)
{
	static const struct mp_shaky_config wide = {
		.threshold = MP_SHAKY_RING, .window_ms = 1000000, .recheck_gap_ms = 1,
	};
	struct mp_shaky s;
	unsigned int n;

	mp_policy_shaky_init(&s);
	for (unsigned int i = 0; i < MP_SHAKY_RING - 1; i++)
		CU_ASSERT_EQUAL(mp_policy_shaky_record(&s, &wide, i * 1000, &s), 0);
	CU_ASSERT_FALSE(s.quarantined);
	CU_ASSERT_EQUAL(mp_policy_shaky_record(&s, &wide, 7000, &s), 0);
	CU_ASSERT_TRUE(s.quarantined);
	for (unsigned int i = 8; i < 3 * MP_SHAKY_RING; i++)
		CU_ASSERT_EQUAL(mp_policy_shaky_record(&s, &wide, i * 1000, &s), 0);
	CU_ASSERT_EQUAL(s.count, MP_SHAKY_RING);
	CU_ASSERT(s.head < MP_SHAKY_RING);
	CU_ASSERT_EQUAL(s.last_fail_ms, (3 * MP_SHAKY_RING - 1) * 1000);
	/* Only the newest 8 remain: times 16000..23000. */
	CU_ASSERT_EQUAL(mp_policy_shaky_count(&s, &(struct mp_shaky_config){ 2, 7001, 1 },
					      23000, &n), 0);
	CU_ASSERT_EQUAL(n, 8);
	CU_ASSERT_EQUAL(mp_policy_shaky_count(&s, &(struct mp_shaky_config){ 2, 7000, 1 },
					      23000, &n), 0);
	CU_ASSERT_EQUAL(n, 7);
}

static void test_readmit_gap_boundary(void)
{
	struct mp_shaky s, out;
	bool re = true;

	mp_policy_shaky_init(&s);
	CU_ASSERT_EQUAL(mp_policy_shaky_try_readmit(&s, &cfg3, 0, &out, &re), 0);
	CU_ASSERT_FALSE(re);			/* nothing to re-admit */
	for (uint64_t t = 100; t <= 300; t += 100)
		CU_ASSERT_EQUAL(mp_policy_shaky_record(&s, &cfg3, t, &s), 0);
	CU_ASSERT_TRUE_FATAL(s.quarantined);
	CU_ASSERT_EQUAL(mp_policy_shaky_try_readmit(&s, &cfg3, 5299, &out, &re), 0);
	CU_ASSERT_FALSE(re);
	CU_ASSERT_TRUE(out.quarantined);
	CU_ASSERT_EQUAL(mp_policy_shaky_try_readmit(&s, &cfg3, 5300, &out, &re), 0);
	CU_ASSERT_TRUE(re);
	CU_ASSERT_FALSE(out.quarantined);
	CU_ASSERT_EQUAL(out.count, 0);		/* clean slate */
}

static void test_gap_saturates(void)
{
	static const struct mp_shaky_config c = { .threshold = 2, .window_ms = 100, .recheck_gap_ms = 100 };
	struct mp_shaky s, out;
	bool re;

	mp_policy_shaky_init(&s);
	CU_ASSERT_EQUAL(mp_policy_shaky_record(&s, &c, UINT64_MAX - 20, &s), 0);
	CU_ASSERT_EQUAL(mp_policy_shaky_record(&s, &c, UINT64_MAX - 10, &s), 0);
	CU_ASSERT_TRUE_FATAL(s.quarantined);
	/* A wrapped deadline (UINT64_MAX - 10 + 100 -> 89) would re-admit here. */
	CU_ASSERT_EQUAL(mp_policy_shaky_try_readmit(&s, &c, UINT64_MAX - 1, &out, &re), 0);
	CU_ASSERT_FALSE(re);
}

static void test_detection_off(void)
{
	static const struct mp_shaky_config off = { 0 };
	struct mp_shaky s;
	unsigned int n = 9;

	mp_policy_shaky_init(&s);
	for (uint64_t t = 0; t < 20; t++)
		CU_ASSERT_EQUAL(mp_policy_shaky_record(&s, &off, t, &s), 0);
	CU_ASSERT_FALSE(s.quarantined);
	CU_ASSERT_EQUAL(s.count, 0);
	CU_ASSERT_EQUAL(mp_policy_shaky_count(&s, &off, 20, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
}

static void test_invalid_inputs(void)
{
	static const struct mp_shaky_config bad[] = {
		{ 1, 100, 100 }, { MP_SHAKY_RING + 1, 100, 100 }, { 2, 0, 100 }, { 2, 100, 0 },
	};
	struct mp_shaky s, out;
	unsigned int n = 77;
	bool re = false;

	mp_policy_shaky_init(&s);
	memset(&out, 0x5a, sizeof(out));
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(mp_policy_shaky_config_check(&bad[i]), -EINVAL);
		CU_ASSERT_EQUAL(mp_policy_shaky_record(&s, &bad[i], 0, &out), -EINVAL);
		CU_ASSERT_EQUAL(mp_policy_shaky_count(&s, &bad[i], 0, &n), -EINVAL);
		CU_ASSERT_EQUAL(mp_policy_shaky_try_readmit(&s, &bad[i], 0, &out, &re), -EINVAL);
	}
	CU_ASSERT_EQUAL(mp_policy_shaky_config_check(NULL), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_shaky_record(NULL, &cfg3, 0, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_shaky_count(&s, &cfg3, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_shaky_try_readmit(&s, &cfg3, 0, &out, NULL), -EINVAL);
	CU_ASSERT_EQUAL(out.head, 0x5a5a5a5a);
	CU_ASSERT_EQUAL(n, 77);

	/* Time going backwards is refused; a corrupt ring index too. */
	CU_ASSERT_EQUAL(mp_policy_shaky_record(&s, &cfg3, 1000, &s), 0);
	CU_ASSERT_EQUAL(mp_policy_shaky_record(&s, &cfg3, 999, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_shaky_record(&s, &cfg3, 1000, &out), 0);	/* same ms is fine */
	s.head = MP_SHAKY_RING;
	CU_ASSERT_EQUAL(mp_policy_shaky_record(&s, &cfg3, 2000, &out), -EINVAL);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_threshold_within_window),
	UNIT_TEST(test_ring_is_bounded_and_keeps_newest),
	UNIT_TEST(test_readmit_gap_boundary),
	UNIT_TEST(test_gap_saturates),
	UNIT_TEST(test_detection_off),
	UNIT_TEST(test_invalid_inputs),
	UNIT_END
};
