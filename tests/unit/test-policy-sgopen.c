/* Unit tests for the checker's sg open failures (policy-sgopen.c): a node
 * not there yet waits out its grace period and only then fails the path;
 * the daemon's own descriptor or memory shortage never fails it; other
 * errors fail it at once; a successful open starts the grace over. */
#include <errno.h>

#include "unit.h"
#include "mp/policy.h"

const char unit_suite_name[] = "policy-sgopen";

#define GRACE 30000u

static enum mp_sg_open_outcome fail_at(struct mp_sg_open_state *s, int err, uint64_t now)
{
	enum mp_sg_open_outcome o = (enum mp_sg_open_outcome)-1;

	CU_ASSERT_EQUAL_FATAL(mp_policy_sg_open_failed(s, err, now, GRACE, s, &o), 0);
	return o;
}

static void test_missing_node_waits_out_the_grace(void)
{
	static const int errs[] = { -ENOENT, -ENODEV };

	for (unsigned int i = 0; i < 2; i++) {
		struct mp_sg_open_state s = { 0 };

		CU_ASSERT_EQUAL(fail_at(&s, errs[i], 5000), MP_SG_OPEN_WAIT);
		CU_ASSERT_EQUAL(s.first_fail_ms, 5000);
		CU_ASSERT_EQUAL(fail_at(&s, errs[i], 6000), MP_SG_OPEN_WAIT);
		CU_ASSERT_EQUAL(fail_at(&s, errs[i], 5000 + GRACE - 1), MP_SG_OPEN_WAIT);
		CU_ASSERT_EQUAL(s.first_fail_ms, 5000);
		CU_ASSERT_EQUAL(fail_at(&s, errs[i], 5000 + GRACE), MP_SG_OPEN_VERDICT);
		CU_ASSERT_EQUAL(fail_at(&s, errs[i], 5000 + 2 * GRACE), MP_SG_OPEN_VERDICT);
		CU_ASSERT_EQUAL(s.fails, 5);
	}
}

static void test_own_shortage_never_fails_the_path(void)
{
	static const int errs[] = { -EMFILE, -ENFILE, -ENOMEM };

	for (unsigned int i = 0; i < 3; i++) {
		struct mp_sg_open_state s = { 0 };

		CU_ASSERT_EQUAL(fail_at(&s, errs[i], 1000), MP_SG_OPEN_WAIT);
		CU_ASSERT_EQUAL(fail_at(&s, errs[i], 1000 + 10 * GRACE), MP_SG_OPEN_WAIT);
	}
}

static void test_other_errors_fail_at_once(void)
{
	static const int errs[] = { -ENXIO, -EIO, -EACCES, -EBUSY };

	for (unsigned int i = 0; i < 4; i++) {
		struct mp_sg_open_state s = { 0 };

		CU_ASSERT_EQUAL(fail_at(&s, errs[i], 1000), MP_SG_OPEN_VERDICT);
	}
}

static void test_open_ok_starts_the_grace_over(void)
{
	struct mp_sg_open_state s = { 0 };

	CU_ASSERT_EQUAL(fail_at(&s, -ENOENT, 1000), MP_SG_OPEN_WAIT);
	mp_policy_sg_open_ok(&s);
	CU_ASSERT_EQUAL(s.fails, 0);
	/* long after the first run's grace: a new run, a new grace */
	CU_ASSERT_EQUAL(fail_at(&s, -ENOENT, 1000 + 5 * GRACE), MP_SG_OPEN_WAIT);
	CU_ASSERT_EQUAL(s.first_fail_ms, 1000 + 5 * GRACE);
	mp_policy_sg_open_ok(NULL);
}

static void test_bad_arguments(void)
{
	struct mp_sg_open_state s = { 0 };
	enum mp_sg_open_outcome o;

	CU_ASSERT_EQUAL(mp_policy_sg_open_failed(NULL, -ENOENT, 0, GRACE, &s, &o), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_sg_open_failed(&s, 0, 0, GRACE, &s, &o), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_sg_open_failed(&s, -ENOENT, 0, GRACE, NULL, &o), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_sg_open_failed(&s, -ENOENT, 0, GRACE, &s, NULL), -EINVAL);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_missing_node_waits_out_the_grace),
	UNIT_TEST(test_own_shortage_never_fails_the_path),
	UNIT_TEST(test_other_errors_fail_at_once),
	UNIT_TEST(test_open_ok_starts_the_grace_over),
	UNIT_TEST(test_bad_arguments),
	UNIT_END,
};
