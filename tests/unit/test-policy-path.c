/* Unit tests for the path state machine (policy-path.c): literal sequences
 * of (time, event) -> expected state, kernel actions and recheck flag, run
 * against a simulated kernel A/F flag that applies the emitted actions. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "test-policy-common.h"

const char unit_suite_name[] = "policy-path";

#define ID 0x800000020ULL	/* 8:32 */

struct row {
	uint64_t t;
	enum mp_path_event_kind kind;
	enum mp_checker_result chk;
	enum mp_dm_path_state sync;	/* DM_SYNC only: the kernel's new flag */
	enum mp_path_state want;
	const char *acts;
	bool recheck;
};

#define CHK(t, c, st, a) { t, MP_PEV_CHECKER, MP_CHK_##c, 0, MP_PATH_##st, a, false }
#define CHKR(t, c, st, a) { t, MP_PEV_CHECKER, MP_CHK_##c, 0, MP_PATH_##st, a, true }
#define EV(t, k, st, a, r) { t, MP_PEV_##k, 0, 0, MP_PATH_##st, a, r }
#define SYNC(t, d, st, a) { t, MP_PEV_DM_SYNC, 0, MP_DM_PATH_##d, MP_PATH_##st, a, false }

static const struct mp_shaky_config shaky2 = {
	.threshold = 2, .window_ms = 60000, .recheck_gap_ms = 120000,
};

static void run(const struct row *rows, unsigned int n, const struct mp_shaky_config *cfg,
		struct mp_path_policy *p, enum mp_dm_path_state *kernel)
{
	for (unsigned int i = 0; i < n; i++) {
		struct mp_action buf[MP_POLICY_MAX_STEP_ACTIONS];
		struct mp_actions acts;
		struct mp_path_event ev = { .kind = rows[i].kind, .chk = rows[i].chk,
					    .now_ms = rows[i].t };
		char s[8];

		if (rows[i].kind == MP_PEV_DM_SYNC)
			*kernel = rows[i].sync;
		if (rows[i].kind == MP_PEV_DM_FAILED)
			*kernel = MP_DM_PATH_FAILED;
		ev.dm = *kernel;
		CU_ASSERT_EQUAL_FATAL(mp_policy_actions_init(&acts, buf, MP_POLICY_MAX_STEP_ACTIONS), 0);
		CU_ASSERT_EQUAL_FATAL(mp_policy_path_step(p, &ev, cfg, &acts, p), 0);
		if (p->state != rows[i].want || strcmp(acts_str(&acts, s, sizeof(s)), rows[i].acts) ||
		    p->recheck != rows[i].recheck)
			fprintf(stderr, "row %u (t=%llu): state %s acts \"%s\" recheck %d\n", i,
				(unsigned long long)rows[i].t, mp_path_state_to_string(p->state),
				acts_str(&acts, s, sizeof(s)), p->recheck);
		CU_ASSERT_EQUAL(p->state, rows[i].want);
		CU_ASSERT_STRING_EQUAL(acts_str(&acts, s, sizeof(s)), rows[i].acts);
		CU_ASSERT_EQUAL(p->recheck, rows[i].recheck);
		for (unsigned int j = 0; j < acts.len; j++) {
			CU_ASSERT_EQUAL(acts.v[j].path_id, ID);
			CU_ASSERT_PTR_NOT_NULL(acts.v[j].reason);
			if (acts.v[j].kind == MP_ACT_FAIL_PATH)
				*kernel = MP_DM_PATH_FAILED;
			if (acts.v[j].kind == MP_ACT_REINSTATE_PATH)
				*kernel = MP_DM_PATH_ACTIVE;
		}
	}
}

static void run_seq(const struct row *rows, unsigned int n, const struct mp_shaky_config *cfg)
{
	struct mp_path_policy p;
	enum mp_dm_path_state kernel = MP_DM_PATH_ACTIVE;

	mp_policy_path_init(&p, ID);
	run(rows, n, cfg, &p, &kernel);
}

#define RUN(rows, cfg) run_seq(rows, sizeof(rows) / sizeof(rows[0]), cfg)

static void test_up_down_timeout(void)
{
	static const struct row rows[] = {
		CHK(0, UP, UP, ""),		/* kernel already A: nothing to do */
		CHK(5000, DOWN, DOWN, "F"),
		CHK(6000, DOWN, DOWN, ""),	/* replay: kernel agrees already */
		CHK(7000, UP, UP, "R"),
		CHK(8000, UP, UP, ""),
		CHK(9000, TIMEOUT, DOWN, "F"),
		CHK(10000, UP, UP, "R"),
	};
	RUN(rows, NULL);
}

static void test_unchecked_to_down_fails_active_path(void)
{
	static const struct row rows[] = {
		CHK(0, DOWN, DOWN, "F"),
		CHK(1000, GHOST, GHOST, "R"),	/* standby is usable, in a low group */
	};
	RUN(rows, NULL);
}

static void test_alua_ghost_and_transitioning_are_not_dead(void)
{
	static const struct row rows[] = {
		CHK(0, GHOST, GHOST, ""),
		CHK(1000, TRANSITIONING, PENDING, ""),	/* never failed */
		CHK(2000, UP, UP, ""),
		CHK(3000, TRANSITIONING, PENDING, ""),
		EV(4000, DM_FAILED, DOWN, "", true),	/* kernel gave up on I/O */
		CHK(5000, TRANSITIONING, PENDING, ""),	/* leave the kernel's F alone */
		CHK(6000, GHOST, GHOST, "R"),
		CHK(7000, UP, UP, ""),
	};
	RUN(rows, NULL);
}

static void test_unit_attention_only_asks_for_recheck(void)
{
	static const struct row rows[] = {
		CHKR(0, UNIT_ATTENTION, UNCHECKED, ""),
		CHK(1000, UP, UP, ""),
		CHKR(2000, UNIT_ATTENTION, UP, ""),
		CHK(3000, DOWN, DOWN, "F"),
		CHKR(4000, UNIT_ATTENTION, DOWN, ""),	/* not enough to reinstate */
		CHK(5000, GHOST, GHOST, "R"),
		CHKR(6000, UNIT_ATTENTION, GHOST, ""),
		CHK(7000, TRANSITIONING, PENDING, ""),
		CHKR(8000, UNIT_ATTENTION, PENDING, ""),
	};
	RUN(rows, NULL);
}

static void test_lun_gone_purges_once(void)
{
	static const struct row rows[] = {
		CHK(0, UP, UP, ""),
		CHK(1000, LUN_GONE, DOWN, "FP"),
		CHK(2000, LUN_GONE, DOWN, ""),	/* purge asked already */
		CHK(3000, UP, UP, "R"),		/* remapped before the purge ran */
		CHK(4000, LUN_GONE, DOWN, "FP"),
		CHK(5000, GHOST, GHOST, "R"),
		CHK(6000, LUN_GONE, DOWN, "FP"),
		CHK(7000, TRANSITIONING, PENDING, ""),
		CHK(8000, LUN_GONE, DOWN, "P"),	/* kernel already F from before */
	};
	RUN(rows, NULL);
}

static void test_operator_fail_is_sticky(void)
{
	static const struct row rows[] = {
		CHK(0, UP, UP, ""),
		EV(1000, OPER_FAIL, DOWN, "F", false),
		CHK(2000, UP, DOWN, ""),		/* checker cannot undo it */
		CHK(3000, GHOST, DOWN, ""),
		SYNC(4000, ACTIVE, DOWN, "F"),		/* reinstated behind our back */
		EV(5000, OPER_FAIL, DOWN, "", false),	/* idempotent */
		EV(6000, OPER_REINSTATE, GHOST, "R", true),
		EV(7000, OPER_REINSTATE, GHOST, "", true), /* no hold: nothing to do */
	};
	RUN(rows, NULL);
}

static void test_operator_reinstate_does_not_revive_dead_path(void)
{
	static const struct row rows[] = {
		CHK(0, DOWN, DOWN, "F"),
		EV(1000, OPER_FAIL, DOWN, "", false),
		EV(2000, OPER_REINSTATE, DOWN, "", true),
		CHK(3000, UP, UP, "R"),
	};
	RUN(rows, NULL);
}

static void test_operator_on_unchecked_path(void)
{
	static const struct row rows[] = {
		EV(0, OPER_FAIL, DOWN, "F", false),
		EV(1000, OPER_REINSTATE, UNCHECKED, "", true),	/* the checker decides */
		CHK(2000, UP, UP, "R"),
	};
	RUN(rows, NULL);
}

static void test_dm_events(void)
{
	static const struct row rows[] = {
		SYNC(0, FAILED, UNCHECKED, ""),		/* no opinion yet */
		CHK(1000, UP, UP, "R"),
		EV(2000, DM_FAILED, DOWN, "", true),
		CHK(3000, UP, UP, "R"),
		SYNC(4000, FAILED, UP, "R"),		/* status says F: fix it */
		SYNC(5000, ACTIVE, UP, ""),
		CHK(6000, DOWN, DOWN, "F"),
		SYNC(7000, ACTIVE, DOWN, "F"),
		EV(8000, DM_FAILED, DOWN, "", true),	/* already down: no failure */
	};
	RUN(rows, NULL);
}

/* threshold 2 in 60 s, gap 120 s. */
static void test_shaky_quarantine_and_readmission(void)
{
	static const struct row rows[] = {
		CHK(0, UP, UP, ""),
		CHK(1000, DOWN, DOWN, "F"),		/* failure 1 */
		CHK(2000, UP, UP, "R"),
		EV(3000, DM_FAILED, DOWN, "E", true),	/* failure 2: quarantined */
		CHK(4000, UP, SHAKY, ""),		/* kept failed in the kernel */
		CHK(5000, GHOST, SHAKY, ""),
		CHK(6000, TRANSITIONING, SHAKY, ""),
		CHK(122999, UP, SHAKY, ""),		/* 1 ms before the gap ends */
		CHK(123000, UP, UP, "ER"),		/* exactly at gap end */
		CHK(124000, DOWN, DOWN, "F"),		/* history was cleared */
		CHK(125000, UP, UP, "R"),
	};
	RUN(rows, &shaky2);
}

static void test_shaky_failure_restarts_gap(void)
{
	static const struct row rows[] = {
		CHK(0, UP, UP, ""),
		CHK(1000, DOWN, DOWN, "F"),
		CHK(2000, UP, UP, "R"),
		CHK(3000, DOWN, DOWN, "EF"),		/* quarantined: event, then fail */
		CHK(4000, UP, SHAKY, ""),
		CHK(50000, DOWN, DOWN, ""),		/* failure while quarantined */
		CHK(51000, UP, SHAKY, ""),
		CHK(123000, UP, SHAKY, ""),		/* old gap end: not yet */
		CHK(169999, DOWN, DOWN, ""),		/* failure again at 169999 */
		CHK(289998, UP, SHAKY, ""),
		CHK(289999, UP, UP, "ER"),
	};
	RUN(rows, &shaky2);
}

static void test_shaky_down_at_gap_end_stays_quarantined(void)
{
	static const struct row rows[] = {
		CHK(0, UP, UP, ""),
		CHK(1000, DOWN, DOWN, "F"),
		CHK(2000, UP, UP, "R"),
		CHK(3000, DOWN, DOWN, "EF"),
		CHK(200000, DOWN, DOWN, ""),		/* still down: no re-admission */
		CHK(200001, TRANSITIONING, SHAKY, ""),	/* not a clean answer */
		CHK(200002, GHOST, GHOST, "ER"),
	};
	RUN(rows, &shaky2);
}

static void test_shaky_window_boundary(void)
{
	static const struct row rows[] = {
		CHK(0, UP, UP, ""),
		CHK(10000, DOWN, DOWN, "F"),		/* failure 1 */
		CHK(20000, UP, UP, "R"),
		CHK(70000, DOWN, DOWN, "F"),		/* age of 1 is exactly 60 s: out */
		CHK(80000, UP, UP, "R"),
		CHK(80001, DOWN, DOWN, "EF"),		/* 10001 ms after failure 2 */
	};
	RUN(rows, &shaky2);
}

static void test_shaky_operator_paths(void)
{
	static const struct row rows[] = {
		CHK(0, UP, UP, ""),
		CHK(1000, DOWN, DOWN, "F"),
		CHK(2000, UP, UP, "R"),
		CHK(3000, DOWN, DOWN, "EF"),
		CHK(4000, UP, SHAKY, ""),
		EV(5000, OPER_FAIL, DOWN, "", false),	/* kernel F already */
		CHK(6000, DOWN, DOWN, ""),		/* admin hold: no failure counted */
		CHK(7000, UP, DOWN, ""),
		EV(8000, OPER_REINSTATE, UP, "ER", true), /* operator lifts quarantine */
	};
	RUN(rows, &shaky2);
}

static void test_shaky_off_without_config(void)
{
	static const struct row rows[] = {
		CHK(0, UP, UP, ""),
		CHK(1000, DOWN, DOWN, "F"),
		CHK(2000, UP, UP, "R"),
		CHK(3000, DOWN, DOWN, "F"),
		CHK(4000, UP, UP, "R"),
		CHK(5000, DOWN, DOWN, "F"),
		CHK(6000, UP, UP, "R"),
	};
	RUN(rows, NULL);
}

static void test_quarantine_released_when_detection_turned_off(void)
{
	static const struct row quarantine[] = {
		CHK(0, UP, UP, ""),
		CHK(1000, DOWN, DOWN, "F"),
		CHK(2000, UP, UP, "R"),
		CHK(3000, DOWN, DOWN, "EF"),
		CHK(4000, UP, SHAKY, ""),
	};
	static const struct row after[] = {
		CHK(5000, UP, UP, "ER"),	/* reload switched detection off */
	};
	struct mp_path_policy p;
	enum mp_dm_path_state kernel = MP_DM_PATH_ACTIVE;

	mp_policy_path_init(&p, ID);
	run(quarantine, 5, &shaky2, &p, &kernel);
	run(after, 1, NULL, &p, &kernel);
}

static void test_wanted_dm(void)
{
	static const struct {
		enum mp_path_state st;
		int r;
		enum mp_dm_path_state dm;
	} rows[] = {
		{ MP_PATH_UNCHECKED, -ENODATA, 0 },
		{ MP_PATH_UP, 0, MP_DM_PATH_ACTIVE },
		{ MP_PATH_DOWN, 0, MP_DM_PATH_FAILED },
		{ MP_PATH_SHAKY, 0, MP_DM_PATH_FAILED },
		{ MP_PATH_GHOST, 0, MP_DM_PATH_ACTIVE },
		{ MP_PATH_PENDING, -ENODATA, 0 },
		{ _MP_PATH_STATE_MAX, -EINVAL, 0 },
	};
	struct mp_path_policy p;

	mp_policy_path_init(&p, ID);
	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum mp_dm_path_state dm = 42;

		p.state = rows[i].st;
		CU_ASSERT_EQUAL(mp_policy_path_wanted_dm(&p, &dm), rows[i].r);
		CU_ASSERT_EQUAL(dm, rows[i].r == 0 ? rows[i].dm : 42);
	}
	CU_ASSERT_EQUAL(mp_policy_path_wanted_dm(NULL, NULL), -EINVAL);
}

static void test_invalid_inputs(void)
{
	struct mp_action buf[4];
	struct mp_actions acts;
	struct mp_path_policy p, out;
	struct mp_path_event ok = { .kind = MP_PEV_CHECKER, .chk = MP_CHK_UP };
	static const struct {
		struct mp_path_event ev;
		struct mp_shaky_config cfg;
	} bad[] = {
		{ { .kind = _MP_PEV_MAX }, { 0 } },
		{ { .kind = MP_PEV_CHECKER, .chk = _MP_CHK_MAX }, { 0 } },
		{ { .kind = MP_PEV_CHECKER, .chk = MP_CHK_UP, .dm = _MP_DM_PATH_STATE_MAX }, { 0 } },
		{ { .kind = MP_PEV_OPER_FAIL }, { .threshold = 1, .window_ms = 1, .recheck_gap_ms = 1 } },
		{ { .kind = MP_PEV_OPER_FAIL }, { .threshold = MP_SHAKY_RING + 1, .window_ms = 1, .recheck_gap_ms = 1 } },
		{ { .kind = MP_PEV_OPER_FAIL }, { .threshold = 2, .window_ms = 0, .recheck_gap_ms = 1 } },
		{ { .kind = MP_PEV_OPER_FAIL }, { .threshold = 2, .window_ms = 1, .recheck_gap_ms = 0 } },
	};

	mp_policy_path_init(&p, ID);
	CU_ASSERT_EQUAL(mp_policy_actions_init(&acts, buf, 4), 0);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&out, 0x5a, sizeof(out));
		CU_ASSERT_EQUAL(mp_policy_path_step(&p, &bad[i].ev, &bad[i].cfg, &acts, &out), -EINVAL);
		CU_ASSERT_EQUAL(out.id, 0x5a5a5a5a5a5a5a5aULL);	/* untouched */
		CU_ASSERT_EQUAL(acts.len, 0);
	}
	CU_ASSERT_EQUAL(mp_policy_path_step(NULL, &ok, NULL, &acts, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_path_step(&p, NULL, NULL, &acts, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_path_step(&p, &ok, NULL, NULL, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_path_step(&p, &ok, NULL, &acts, NULL), -EINVAL);
	p.health = MP_PATH_SHAKY;	/* never a checker verdict */
	CU_ASSERT_EQUAL(mp_policy_path_step(&p, &ok, NULL, &acts, &out), -EINVAL);
	p.health = MP_PATH_UP;
	p.state = _MP_PATH_STATE_MAX;
	CU_ASSERT_EQUAL(mp_policy_path_step(&p, &ok, NULL, &acts, &out), -EINVAL);
}

static void test_time_going_backwards_is_refused(void)
{
	static const struct row rows[] = {
		CHK(10000, UP, UP, ""),
		CHK(20000, DOWN, DOWN, "F"),
		CHK(30000, UP, UP, "R"),
	};
	struct mp_path_policy p, before;
	enum mp_dm_path_state kernel = MP_DM_PATH_ACTIVE;
	struct mp_action buf[4];
	struct mp_actions acts;
	struct mp_path_event ev = { .kind = MP_PEV_CHECKER, .chk = MP_CHK_DOWN,
				    .dm = MP_DM_PATH_ACTIVE, .now_ms = 19999 };

	mp_policy_path_init(&p, ID);
	run(rows, 3, &shaky2, &p, &kernel);
	before = p;
	CU_ASSERT_EQUAL(mp_policy_actions_init(&acts, buf, 4), 0);
	CU_ASSERT_EQUAL(mp_policy_path_step(&p, &ev, &shaky2, &acts, &p), -EINVAL);
	CU_ASSERT_EQUAL(memcmp(&p, &before, sizeof(p)), 0);
	CU_ASSERT_EQUAL(acts.len, 0);
}

static void test_full_action_list_rolls_back(void)
{
	static const struct row rows[] = {
		CHK(0, UP, UP, ""),
		CHK(1000, DOWN, DOWN, "F"),
		CHK(2000, UP, UP, "R"),
	};
	struct mp_path_policy p, before;
	enum mp_dm_path_state kernel = MP_DM_PATH_ACTIVE;
	struct mp_action buf[2];
	struct mp_actions acts;
	struct mp_path_event ev = { .kind = MP_PEV_CHECKER, .chk = MP_CHK_DOWN,
				    .dm = MP_DM_PATH_ACTIVE, .now_ms = 3000 };

	mp_policy_path_init(&p, ID);
	run(rows, 3, &shaky2, &p, &kernel);
	before = p;
	/* Needs "EF": with one slot the event fits and the fail does not. */
	CU_ASSERT_EQUAL(mp_policy_actions_init(&acts, buf, 1), 0);
	CU_ASSERT_EQUAL(mp_policy_path_step(&p, &ev, &shaky2, &acts, &p), -ENOBUFS);
	CU_ASSERT_EQUAL(acts.len, 0);
	CU_ASSERT_EQUAL(memcmp(&p, &before, sizeof(p)), 0);
	CU_ASSERT_EQUAL(mp_policy_actions_init(&acts, buf, 2), 0);
	CU_ASSERT_EQUAL(mp_policy_path_step(&p, &ev, &shaky2, &acts, &p), 0);
	CU_ASSERT_EQUAL(acts.len, 2);
	CU_ASSERT_EQUAL(p.state, MP_PATH_DOWN);
	CU_ASSERT_TRUE(p.shaky.quarantined);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(mp_checker_result_to_string(MP_CHK_LUN_GONE), "lun-gone");
	CU_ASSERT_PTR_NULL(mp_checker_result_to_string(_MP_CHK_MAX));
	CU_ASSERT_STRING_EQUAL(mp_path_event_kind_to_string(MP_PEV_DM_FAILED), "dm-failed");
	CU_ASSERT_PTR_NULL(mp_path_event_kind_to_string(_MP_PEV_MAX));
	for (int i = 0; i < _MP_CHK_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(mp_checker_result_to_string((enum mp_checker_result)i));
	for (int i = 0; i < _MP_PEV_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(mp_path_event_kind_to_string((enum mp_path_event_kind)i));
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_up_down_timeout),
	UNIT_TEST(test_unchecked_to_down_fails_active_path),
	UNIT_TEST(test_alua_ghost_and_transitioning_are_not_dead),
	UNIT_TEST(test_unit_attention_only_asks_for_recheck),
	UNIT_TEST(test_lun_gone_purges_once),
	UNIT_TEST(test_operator_fail_is_sticky),
	UNIT_TEST(test_operator_reinstate_does_not_revive_dead_path),
	UNIT_TEST(test_operator_on_unchecked_path),
	UNIT_TEST(test_dm_events),
	UNIT_TEST(test_shaky_quarantine_and_readmission),
	UNIT_TEST(test_shaky_failure_restarts_gap),
	UNIT_TEST(test_shaky_down_at_gap_end_stays_quarantined),
	UNIT_TEST(test_shaky_window_boundary),
	UNIT_TEST(test_shaky_operator_paths),
	UNIT_TEST(test_shaky_off_without_config),
	UNIT_TEST(test_quarantine_released_when_detection_turned_off),
	UNIT_TEST(test_wanted_dm),
	UNIT_TEST(test_invalid_inputs),
	UNIT_TEST(test_time_going_backwards_is_refused),
	UNIT_TEST(test_full_action_list_rolls_back),
	UNIT_TEST(test_names),
	UNIT_END
};
