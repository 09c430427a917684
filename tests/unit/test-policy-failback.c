/* Unit tests for failback (policy-failback.c): literal sequences of
 * (time, group usability, current group) -> expected switch and timer, one
 * per mode, plus boundaries (deadline exactly, saturation) and bad input. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "test-policy-common.h"

const char unit_suite_name[] = "policy-failback";

struct row {
	uint64_t t;
	unsigned int usable[3];
	unsigned int cur;
	const char *acts;	/* "" or "S" */
	unsigned int group;	/* target of S */
	bool armed;
};

static void run(const struct mp_failback *cfg, const unsigned int *prio, unsigned int nr,
		const struct row *rows, unsigned int n, struct mp_failback_state *st)
{
	for (unsigned int i = 0; i < n; i++) {
		struct mp_pg_view g[3];
		struct mp_failback_input in = { .groups = g, .nr_groups = nr,
						.current = rows[i].cur, .now_ms = rows[i].t };
		struct mp_action buf[MP_POLICY_MAX_STEP_ACTIONS];
		struct mp_actions acts;
		char s[8];

		for (unsigned int j = 0; j < nr; j++)
			g[j] = (struct mp_pg_view){ .prio = prio[j], .usable_paths = rows[i].usable[j] };
		CU_ASSERT_EQUAL_FATAL(mp_policy_actions_init(&acts, buf, MP_POLICY_MAX_STEP_ACTIONS), 0);
		CU_ASSERT_EQUAL_FATAL(mp_policy_failback_step(st, cfg, &in, &acts, st), 0);
		if (strcmp(acts_str(&acts, s, sizeof(s)), rows[i].acts) || st->armed != rows[i].armed)
			fprintf(stderr, "row %u (t=%llu): acts \"%s\" armed %d\n", i,
				(unsigned long long)rows[i].t, s, st->armed);
		CU_ASSERT_STRING_EQUAL(acts_str(&acts, s, sizeof(s)), rows[i].acts);
		CU_ASSERT_EQUAL(st->armed, rows[i].armed);
		if (acts.len == 1) {
			CU_ASSERT_EQUAL(acts.v[0].group, rows[i].group);
			CU_ASSERT_PTR_NOT_NULL(acts.v[0].reason);
		}
	}
}

static void run_seq(const struct mp_failback *cfg, const unsigned int *prio, unsigned int nr,
		    const struct row *rows, unsigned int n)
{
	struct mp_failback_state st;

	mp_policy_failback_init(&st);
	run(cfg, prio, nr, rows, n, &st);
}

#define N(rows) (sizeof(rows) / sizeof(rows[0]))
static const unsigned int prio_ab[] = { 50, 10 };

static void test_immediate(void)
{
	static const struct mp_failback cfg = { MP_FAILBACK_IMMEDIATE, 0 };
	static const struct row rows[] = {
		{ 0, { 2, 2 }, 1, "", 0, false },
		{ 1000, { 0, 2 }, 2, "", 0, false },	/* kernel failed over */
		{ 2000, { 1, 2 }, 2, "S", 1, false },	/* one path back: fail back */
		{ 3000, { 2, 2 }, 1, "", 0, false },
		{ 4000, { 2, 0 }, 1, "", 0, false },	/* worse group down: nothing */
		{ 5000, { 0, 0 }, 1, "", 0, false },	/* no group usable */
		{ 6000, { 1, 0 }, 2, "S", 1, false },	/* current unusable, better one up */
		{ 7000, { 1, 1 }, 0, "", 0, false },	/* no current group: kernel picks */
	};
	run_seq(&cfg, prio_ab, 2, rows, N(rows));
}

static void test_equal_prio_never_switches(void)
{
	static const struct mp_failback cfg = { MP_FAILBACK_IMMEDIATE, 0 };
	static const unsigned int prio[] = { 10, 10, 5 };
	static const struct row rows[] = {
		{ 0, { 1, 1, 1 }, 2, "", 0, false },
		{ 1000, { 1, 1, 1 }, 3, "S", 1, false },	/* tie: lowest number wins */
		{ 2000, { 0, 1, 1 }, 3, "S", 2, false },
	};
	run_seq(&cfg, prio, 3, rows, N(rows));
}

static void test_manual_never_switches(void)
{
	static const struct mp_failback cfg = { MP_FAILBACK_MANUAL, 0 };
	static const struct row rows[] = {
		{ 0, { 0, 2 }, 2, "", 0, false },
		{ 1000, { 1, 2 }, 2, "", 0, false },
		{ 2000, { 2, 2 }, 2, "", 0, false },
		{ 999999, { 2, 2 }, 2, "", 0, false },
	};
	run_seq(&cfg, prio_ab, 2, rows, N(rows));
}

static void test_followover(void)
{
	static const struct mp_failback cfg = { MP_FAILBACK_FOLLOWOVER, 0 };
	static const struct row rows[] = {
		{ 0, { 2, 2 }, 1, "", 0, false },	/* first step: records only */
		{ 1000, { 2, 2 }, 2, "", 0, false },	/* moved by another host: stay */
		{ 2000, { 1, 2 }, 2, "", 0, false },	/* preferred degraded, not down */
		{ 3000, { 0, 2 }, 2, "", 0, false },	/* preferred fully down */
		{ 4000, { 1, 2 }, 2, "S", 1, false },	/* its first path is back */
		{ 5000, { 2, 2 }, 2, "", 0, false },	/* no second switch */
		{ 6000, { 2, 1 }, 2, "", 0, false },	/* current group losing paths */
		{ 7000, { 2, 0 }, 2, "", 0, false },	/* current group gone: kernel's job */
	};
	run_seq(&cfg, prio_ab, 2, rows, N(rows));
}

static void test_followover_first_step_never_counts_as_revival(void)
{
	static const struct mp_failback cfg = { MP_FAILBACK_FOLLOWOVER, 0 };
	static const struct row rows[] = {
		{ 0, { 1, 2 }, 2, "", 0, false },
		{ 1000, { 0, 2 }, 2, "", 0, false },
		{ 2000, { 1, 2 }, 2, "S", 1, false },
	};
	run_seq(&cfg, prio_ab, 2, rows, N(rows));
}

static void test_followover_revived_group_not_best(void)
{
	static const struct mp_failback cfg = { MP_FAILBACK_FOLLOWOVER, 0 };
	static const unsigned int prio[] = { 50, 30, 10 };
	static const struct row rows[] = {
		{ 0, { 1, 0, 1 }, 3, "", 0, false },
		{ 1000, { 1, 1, 1 }, 3, "", 0, false },	/* 2 revived, 1 is best and never fell */
		{ 2000, { 0, 1, 1 }, 3, "", 0, false },
		{ 3000, { 1, 1, 1 }, 3, "S", 1, false },
	};
	static const unsigned int prio_low[] = { 10, 50 };
	static const struct row low[] = {
		{ 0, { 0, 1 }, 2, "", 0, false },
		{ 1000, { 1, 1 }, 2, "", 0, false },	/* revived but worse */
	};
	run_seq(&cfg, prio, 3, rows, N(rows));
	run_seq(&cfg, prio_low, 2, low, N(low));
}

static void test_deferred(void)
{
	static const struct mp_failback cfg = { MP_FAILBACK_DEFERRED, 10 };
	static const struct row rows[] = {
		{ 0, { 2, 2 }, 1, "", 0, false },
		{ 1000, { 0, 2 }, 2, "", 0, false },
		{ 5000, { 1, 2 }, 2, "", 0, true },	/* armed: deadline 15000 */
		{ 14999, { 1, 2 }, 2, "", 0, true },
		{ 15000, { 1, 2 }, 2, "S", 1, false },	/* exactly at the deadline */
		{ 16000, { 1, 2 }, 1, "", 0, false },
		{ 20000, { 0, 2 }, 2, "", 0, false },
		{ 21000, { 1, 2 }, 2, "", 0, true },	/* deadline 31000 */
		{ 25000, { 0, 2 }, 2, "", 0, false },	/* no longer better: cancelled */
		{ 31000, { 1, 2 }, 2, "", 0, true },	/* re-armed, deadline 41000 */
		{ 40999, { 1, 2 }, 2, "", 0, true },
		{ 41000, { 1, 2 }, 2, "S", 1, false },
	};
	struct mp_failback_state st;

	mp_policy_failback_init(&st);
	run(&cfg, prio_ab, 2, rows, 3, &st);
	CU_ASSERT_EQUAL(st.deadline_ms, 15000);
	run(&cfg, prio_ab, 2, rows + 3, N(rows) - 3, &st);
}

static void test_deferred_targets_best_at_expiry(void)
{
	static const struct mp_failback cfg = { MP_FAILBACK_DEFERRED, 1 };
	static const unsigned int prio[] = { 50, 30, 10 };
	static const struct row rows[] = {
		{ 0, { 0, 1, 1 }, 3, "", 0, true },	/* group 2 better: armed */
		{ 500, { 1, 1, 1 }, 3, "", 0, true },	/* group 1 joins; same timer */
		{ 1000, { 1, 1, 1 }, 3, "S", 1, false },
	};
	run_seq(&cfg, prio, 3, rows, N(rows));
}

static void test_deferred_deadline_saturates(void)
{
	static const struct mp_failback cfg = { MP_FAILBACK_DEFERRED, 4000000 };
	static const struct row rows[] = {
		{ UINT64_MAX - 500, { 1, 1 }, 2, "", 0, true },
		{ UINT64_MAX - 1, { 1, 1 }, 2, "", 0, true },	/* a wrap would switch */
	};
	struct mp_failback_state st;

	mp_policy_failback_init(&st);
	run(&cfg, prio_ab, 2, rows, N(rows), &st);
	CU_ASSERT_EQUAL(st.deadline_ms, MP_POLICY_NEVER);
}

static void test_leaving_deferred_disarms(void)
{
	static const struct mp_failback def = { MP_FAILBACK_DEFERRED, 30 };
	static const struct mp_failback man = { MP_FAILBACK_MANUAL, 0 };
	static const struct row armed[] = { { 0, { 1, 1 }, 2, "", 0, true } };
	static const struct row after[] = { { 60000, { 1, 1 }, 2, "", 0, false } };
	struct mp_failback_state st;

	mp_policy_failback_init(&st);
	run(&def, prio_ab, 2, armed, 1, &st);
	run(&man, prio_ab, 2, after, 1, &st);
}

static void test_group_64_followover(void)
{
	static const struct mp_failback cfg = { MP_FAILBACK_FOLLOWOVER, 0 };
	struct mp_pg_view g[MP_FAILBACK_MAX_GROUPS];
	struct mp_failback_input in = { .groups = g, .nr_groups = MP_FAILBACK_MAX_GROUPS, .current = 1 };
	struct mp_action buf[1];
	struct mp_actions acts;
	struct mp_failback_state st;

	for (unsigned int i = 0; i < MP_FAILBACK_MAX_GROUPS; i++)
		g[i] = (struct mp_pg_view){ .prio = i, .usable_paths = 1 };
	g[63].usable_paths = 0;
	mp_policy_failback_init(&st);
	CU_ASSERT_EQUAL(mp_policy_actions_init(&acts, buf, 1), 0);
	CU_ASSERT_EQUAL(mp_policy_failback_step(&st, &cfg, &in, &acts, &st), 0);
	CU_ASSERT_EQUAL(acts.len, 0);
	CU_ASSERT_EQUAL(st.down_mask, UINT64_C(1) << 63);
	g[63].usable_paths = 1;
	CU_ASSERT_EQUAL(mp_policy_failback_step(&st, &cfg, &in, &acts, &st), 0);
	CU_ASSERT_EQUAL_FATAL(acts.len, 1);
	CU_ASSERT_EQUAL(acts.v[0].group, 64);
}

static void test_invalid_inputs(void)
{
	static const struct mp_failback imm = { MP_FAILBACK_IMMEDIATE, 0 };
	static const struct mp_failback bad_mode = { _MP_FAILBACK_MAX, 0 };
	static const struct mp_failback def0 = { MP_FAILBACK_DEFERRED, 0 };
	struct mp_pg_view g[2] = { { 50, 1 }, { 10, 1 } };
	struct mp_failback_input ok = { .groups = g, .nr_groups = 2, .current = 2 };
	struct mp_failback_input in;
	struct mp_action buf[1];
	struct mp_actions acts, full;
	struct mp_failback_state st, out;

	mp_policy_failback_init(&st);
	CU_ASSERT_EQUAL(mp_policy_actions_init(&acts, buf, 1), 0);
	memset(&out, 0x5a, sizeof(out));
	CU_ASSERT_EQUAL(mp_policy_failback_step(&st, NULL, &ok, &acts, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_failback_step(&st, &bad_mode, &ok, &acts, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_failback_step(&st, &def0, &ok, &acts, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_failback_step(NULL, &imm, &ok, &acts, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_failback_step(&st, &imm, NULL, &acts, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_failback_step(&st, &imm, &ok, NULL, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_failback_step(&st, &imm, &ok, &acts, NULL), -EINVAL);
	in = ok; in.nr_groups = 0;
	CU_ASSERT_EQUAL(mp_policy_failback_step(&st, &imm, &in, &acts, &out), -EINVAL);
	in = ok; in.nr_groups = MP_FAILBACK_MAX_GROUPS + 1;
	CU_ASSERT_EQUAL(mp_policy_failback_step(&st, &imm, &in, &acts, &out), -EINVAL);
	in = ok; in.groups = NULL;
	CU_ASSERT_EQUAL(mp_policy_failback_step(&st, &imm, &in, &acts, &out), -EINVAL);
	in = ok; in.current = 3;
	CU_ASSERT_EQUAL(mp_policy_failback_step(&st, &imm, &in, &acts, &out), -EINVAL);
	CU_ASSERT_EQUAL(acts.len, 0);
	CU_ASSERT_EQUAL(out.deadline_ms, 0x5a5a5a5a5a5a5a5aULL);

	/* A full list refuses the switch and leaves the state alone. */
	CU_ASSERT_EQUAL(mp_policy_actions_init(&full, NULL, 0), 0);
	CU_ASSERT_EQUAL(mp_policy_failback_step(&st, &imm, &ok, &full, &out), -ENOBUFS);
	CU_ASSERT_EQUAL(out.deadline_ms, 0x5a5a5a5a5a5a5a5aULL);
	CU_ASSERT_EQUAL(mp_policy_failback_step(&st, &imm, &ok, &acts, &out), 0);
	CU_ASSERT_EQUAL(acts.len, 1);
}

static void test_action_list(void)
{
	struct mp_action buf[1];
	struct mp_actions a;
	struct mp_action x = { .kind = MP_ACT_EVENT, .reason = "x" };
	struct mp_action bad = { .kind = _MP_ACT_MAX };

	CU_ASSERT_EQUAL(mp_policy_actions_init(NULL, buf, 1), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_actions_init(&a, NULL, 1), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_actions_init(&a, buf, 1), 0);
	CU_ASSERT_EQUAL(mp_policy_actions_push(&a, &bad), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_actions_push(&a, NULL), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_actions_push(&a, &x), 0);
	CU_ASSERT_EQUAL(mp_policy_actions_push(&a, &x), -ENOBUFS);
	CU_ASSERT_EQUAL(a.len, 1);
	CU_ASSERT_STRING_EQUAL(mp_action_kind_to_string(MP_ACT_SWITCH_GROUP), "switch_group");
	CU_ASSERT_PTR_NULL(mp_action_kind_to_string(_MP_ACT_MAX));
	for (int i = 0; i < _MP_ACT_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(mp_action_kind_to_string((enum mp_action_kind)i));
	CU_ASSERT_EQUAL(mp_policy_path_id(8, 32), 0x800000020ULL);
	CU_ASSERT_EQUAL(mp_policy_deadline(UINT64_MAX - 1, 2), MP_POLICY_NEVER);
	CU_ASSERT_EQUAL(mp_policy_deadline(UINT64_MAX - 2, 2), UINT64_MAX);
	CU_ASSERT_EQUAL(mp_policy_deadline(5, 7), 12);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_immediate),
	UNIT_TEST(test_equal_prio_never_switches),
	UNIT_TEST(test_manual_never_switches),
	UNIT_TEST(test_followover),
	UNIT_TEST(test_followover_first_step_never_counts_as_revival),
	UNIT_TEST(test_followover_revived_group_not_best),
	UNIT_TEST(test_deferred),
	UNIT_TEST(test_deferred_targets_best_at_expiry),
	UNIT_TEST(test_deferred_deadline_saturates),
	UNIT_TEST(test_leaving_deferred_disarms),
	UNIT_TEST(test_group_64_followover),
	UNIT_TEST(test_invalid_inputs),
	UNIT_TEST(test_action_list),
	UNIT_END
};
