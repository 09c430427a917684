/* Unit tests for when an alua-prio path is asked by RTPG after a check
 * (policy-alua.c): a healthy path whose kernel view agrees is asked every
 * MP_ALUA_RTPG_EVERY checks only; a unit attention, a first ask, a failed
 * last ask, no kernel view, a path state change, a transitioning state or
 * a kernel view that differs each ask at once. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "mp/policy.h"

const char unit_suite_name[] = "policy-alua";

/* a backed-off healthy path: asked before, kernel and ours agree */
static struct mp_alua_refresh_input healthy(void)
{
	return (struct mp_alua_refresh_input){
		.answered_once = true, .kernel_known = true,
		.kernel = MP_ALUA_OPTIMIZED, .ours = MP_ALUA_OPTIMIZED,
		.checks_since = 0, .every = MP_ALUA_RTPG_EVERY,
	};
}

static bool ask(const struct mp_alua_refresh_input *in, const char **why)
{
	bool a = false;

	CU_ASSERT_EQUAL_FATAL(mp_policy_alua_refresh(in, &a, why), 0);
	return a;
}

static void test_healthy_path_is_asked_every_nth_check(void)
{
	struct mp_alua_refresh_input in = healthy();
	unsigned int asked = 0;
	const char *why;

	/* the daemon's bookkeeping: the count restarts when an RTPG goes out */
	for (unsigned int check = 0; check < 4 * MP_ALUA_RTPG_EVERY; check++) {
		if (ask(&in, &why)) {
			CU_ASSERT_STRING_EQUAL(why, "periodic");
			CU_ASSERT_EQUAL(in.checks_since, MP_ALUA_RTPG_EVERY - 1);
			asked++;
			in.checks_since = 0;
		} else {
			CU_ASSERT_STRING_EQUAL(why, "unchanged");
			in.checks_since++;
		}
	}
	CU_ASSERT_EQUAL(asked, 4);
}

static void test_every_zero_or_one_asks_always(void)
{
	struct mp_alua_refresh_input in = healthy();
	const char *why;

	in.every = 0;
	CU_ASSERT_TRUE(ask(&in, &why));
	in.every = 1;
	CU_ASSERT_TRUE(ask(&in, &why));
	CU_ASSERT_STRING_EQUAL(why, "periodic");
}

static void test_each_reason_asks_at_once(void)
{
	/* case i below sets what makes reason whys[i] */
	static const char *const whys[] = {
		"unit attention", "first", "retry", "no kernel view", "path changed",
		"transitioning", "transitioning", "kernel differs", "kernel differs",
	};
	const char *why;

	for (unsigned int i = 0; i < sizeof(whys) / sizeof(whys[0]); i++) {
		struct mp_alua_refresh_input in = healthy();

		switch (i) {
		case 0: in.ua_changed = true; break;
		case 1: in.answered_once = false; break;
		case 2: in.last_failed = true; break;
		case 3: in.kernel_known = false; in.kernel = MP_ALUA_UNKNOWN; break;
		case 4: in.path_changed = true; break;
		case 5: in.ours = MP_ALUA_TRANSITIONING; in.kernel = MP_ALUA_TRANSITIONING; break;
		case 6: in.kernel = MP_ALUA_TRANSITIONING; break;
		case 7: in.kernel = MP_ALUA_STANDBY; break;
		case 8: in.ours = MP_ALUA_NON_OPTIMIZED; break;
		}
		CU_ASSERT_TRUE(ask(&in, &why));
		CU_ASSERT_STRING_EQUAL(why, whys[i]);
	}
}

static void test_ua_wins_over_everything(void)
{
	struct mp_alua_refresh_input in = healthy();
	const char *why;

	in.ua_changed = in.path_changed = in.last_failed = true;
	in.kernel = MP_ALUA_STANDBY;
	CU_ASSERT_TRUE(ask(&in, &why));
	CU_ASSERT_STRING_EQUAL(why, "unit attention");
}

static void test_bad_arguments(void)
{
	struct mp_alua_refresh_input in = healthy();
	const char *why = NULL;
	bool a = true;

	CU_ASSERT_EQUAL(mp_policy_alua_refresh(NULL, &a, &why), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_alua_refresh(&in, NULL, &why), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_alua_refresh(&in, &a, NULL), -EINVAL);
	CU_ASSERT_TRUE(a);	/* untouched on failure */
	CU_ASSERT_PTR_NULL(why);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_healthy_path_is_asked_every_nth_check),
	UNIT_TEST(test_every_zero_or_one_asks_always),
	UNIT_TEST(test_each_reason_asks_at_once),
	UNIT_TEST(test_ua_wins_over_everything),
	UNIT_TEST(test_bad_arguments),
	UNIT_END,
};
