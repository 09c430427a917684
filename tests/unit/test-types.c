/* Unit tests for the shared enum string tables: every value round-trips,
 * unknown words and bad numbers are refused. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "mp/types.h"

const char unit_suite_name[] = "types";

static void test_pgpolicy_round_trip(void)
{
	for (int i = 0; i < _MP_PGPOLICY_MAX; i++) {
		enum mp_pgpolicy v;
		const char *s = mp_pgpolicy_to_string((enum mp_pgpolicy)i);

		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_EQUAL(mp_pgpolicy_from_string(s, &v), 0);
		CU_ASSERT_EQUAL(v, i);
	}
	CU_ASSERT_PTR_NULL(mp_pgpolicy_to_string(_MP_PGPOLICY_MAX));
}

static void test_unknown_words_are_refused(void)
{
	enum mp_checker_kind c = MP_CHECKER_TUR;
	enum mp_prio_kind p;
	enum mp_find_multipaths f;

	CU_ASSERT_EQUAL(mp_checker_kind_from_string("emc_clariion", &c), -EINVAL);
	CU_ASSERT_EQUAL(c, MP_CHECKER_TUR);
	CU_ASSERT_EQUAL(mp_checker_kind_from_string(NULL, &c), -EINVAL);
	CU_ASSERT_EQUAL(mp_prio_kind_from_string("ALUA", &p), -EINVAL);
	CU_ASSERT_EQUAL(mp_prio_kind_from_string("alua", &p), 0);
	CU_ASSERT_EQUAL(p, MP_PRIO_ALUA);
	CU_ASSERT_EQUAL(mp_find_multipaths_from_string("strict", &f), 0);
	CU_ASSERT_EQUAL(f, MP_FIND_MULTIPATHS_STRICT);
}

static void test_failback_forms(void)
{
	struct mp_failback fb;
	char buf[16];

	CU_ASSERT_EQUAL(mp_failback_from_string("followover", &fb), 0);
	CU_ASSERT_EQUAL(fb.mode, MP_FAILBACK_FOLLOWOVER);
	CU_ASSERT_EQUAL(mp_failback_from_string("30", &fb), 0);
	CU_ASSERT_EQUAL(fb.mode, MP_FAILBACK_DEFERRED);
	CU_ASSERT_EQUAL(fb.delay_s, 30);
	CU_ASSERT_STRING_EQUAL(mp_failback_to_string(&fb, buf, sizeof(buf)), "30");
	CU_ASSERT_EQUAL(mp_failback_from_string("0", &fb), -EINVAL);
	CU_ASSERT_EQUAL(mp_failback_from_string("-5", &fb), -EINVAL);
	CU_ASSERT_EQUAL(mp_failback_from_string("10s", &fb), -EINVAL);
	CU_ASSERT_EQUAL(mp_failback_from_string("99999999999", &fb), -EINVAL);
}

static void test_no_path_retry_forms(void)
{
	struct mp_no_path_retry n;
	char buf[16];

	CU_ASSERT_EQUAL(mp_no_path_retry_from_string("queue", &n), 0);
	CU_ASSERT_EQUAL(n.mode, MP_NO_PATH_RETRY_QUEUE);
	CU_ASSERT_EQUAL(mp_no_path_retry_from_string("0", &n), 0);
	CU_ASSERT_EQUAL(n.mode, MP_NO_PATH_RETRY_FAIL);
	CU_ASSERT_EQUAL(mp_no_path_retry_from_string("12", &n), 0);
	CU_ASSERT_EQUAL(n.mode, MP_NO_PATH_RETRY_COUNT);
	CU_ASSERT_EQUAL(n.count, 12);
	CU_ASSERT_STRING_EQUAL(mp_no_path_retry_to_string(&n, buf, sizeof(buf)), "12");
	CU_ASSERT_EQUAL(mp_no_path_retry_from_string("forever", &n), -EINVAL);
	CU_ASSERT_EQUAL(mp_no_path_retry_from_string("", &n), -EINVAL);
}

static void test_state_names(void)
{
	CU_ASSERT_STRING_EQUAL(mp_path_state_to_string(MP_PATH_GHOST), "ghost");
	CU_ASSERT_STRING_EQUAL(mp_dm_path_state_to_string(MP_DM_PATH_FAILED), "failed");
	CU_ASSERT_PTR_NULL(mp_path_state_to_string(_MP_PATH_STATE_MAX));
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_pgpolicy_round_trip),
	UNIT_TEST(test_unknown_words_are_refused),
	UNIT_TEST(test_failback_forms),
	UNIT_TEST(test_no_path_retry_forms),
	UNIT_TEST(test_state_names),
	UNIT_END
};
