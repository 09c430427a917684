/* Unit tests for no_path_retry and queueing (policy-queue.c): literal
 * sequences of (event, usable paths) -> expected queue_if_no_path actions
 * and countdown, operator overrides, the kernel timeout safety net. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "unit.h"
#include "test-policy-common.h"

const char unit_suite_name[] = "policy-queue";

struct row {
	enum mp_queue_event_kind kind;
	unsigned int usable;
	const char *acts;	/* E event, Q on, q off */
	bool queueing;
	unsigned int left;	/* retries_left while counting */
};

#define PATHS(n, a, q, l) { MP_QEV_PATHS, n, a, q, l }
#define TICK(n, a, q, l) { MP_QEV_TICK, n, a, q, l }
#define DISABLE(n, a, q, l) { MP_QEV_OPER_DISABLE, n, a, q, l }
#define RESTORE(n, a, q, l) { MP_QEV_OPER_RESTORE, n, a, q, l }
#define FORCE(n, a, q, l) { MP_QEV_OPER_FORCE, n, a, q, l }

static void run(const struct mp_no_path_retry *cfg, const struct row *rows, unsigned int n)
{
	struct mp_queue_state st;

	mp_policy_queue_init(&st);
	for (unsigned int i = 0; i < n; i++) {
		struct mp_queue_event ev = { rows[i].kind, rows[i].usable };
		struct mp_action buf[MP_POLICY_MAX_STEP_ACTIONS];
		struct mp_actions acts;
		char s[8];

		CU_ASSERT_EQUAL_FATAL(mp_policy_actions_init(&acts, buf, MP_POLICY_MAX_STEP_ACTIONS), 0);
		CU_ASSERT_EQUAL_FATAL(mp_policy_queue_step(&st, cfg, &ev, &acts, &st), 0);
		if (strcmp(acts_str(&acts, s, sizeof(s)), rows[i].acts) ||
		    st.queueing != rows[i].queueing || (st.counting && st.retries_left != rows[i].left))
			fprintf(stderr, "row %u: acts \"%s\" queueing %d left %u\n", i, s,
				st.queueing, st.retries_left);
		CU_ASSERT_STRING_EQUAL(acts_str(&acts, s, sizeof(s)), rows[i].acts);
		CU_ASSERT_EQUAL(st.queueing, rows[i].queueing);
		if (st.counting)
			CU_ASSERT_EQUAL(st.retries_left, rows[i].left);
		for (unsigned int j = 0; j < acts.len; j++)
			CU_ASSERT_PTR_NOT_NULL(acts.v[j].reason);
	}
}

#define RUN(cfg, rows) run(cfg, rows, sizeof(rows) / sizeof(rows[0]))

static void test_fail(void)
{
	static const struct mp_no_path_retry cfg = { MP_NO_PATH_RETRY_FAIL, 0 };
	static const struct row rows[] = {
		PATHS(2, "q", false, 0),	/* first step always sets the flag */
		PATHS(0, "", false, 0),		/* off already: I/O fails at once */
		TICK(0, "", false, 0),
		PATHS(1, "", false, 0),
	};
	RUN(&cfg, rows);
}

static void test_queue_forever(void)
{
	static const struct mp_no_path_retry cfg = { MP_NO_PATH_RETRY_QUEUE, 0 };
	static const struct row rows[] = {
		PATHS(2, "Q", true, 0),
		PATHS(0, "", true, 0),
		TICK(0, "", true, 0),
		TICK(0, "", true, 0),
		TICK(0, "", true, 0),
		PATHS(1, "", true, 0),
	};
	RUN(&cfg, rows);
}

static void test_count(void)
{
	static const struct mp_no_path_retry cfg = { MP_NO_PATH_RETRY_COUNT, 3 };
	static const struct row rows[] = {
		PATHS(2, "Q", true, 0),
		TICK(2, "", true, 0),		/* ticks with paths do not count */
		PATHS(0, "E", true, 3),		/* countdown starts, no tick used */
		PATHS(0, "", true, 3),		/* a re-count is not a tick */
		TICK(0, "", true, 2),
		TICK(0, "", true, 1),
		TICK(0, "q", false, 0),		/* third interval: give up */
		TICK(0, "", false, 0),
		PATHS(0, "", false, 0),
		PATHS(1, "Q", true, 0),		/* a path is back: queue again */
		PATHS(0, "E", true, 3),		/* and a fresh countdown */
		TICK(0, "", true, 2),
		PATHS(1, "", true, 0),
		PATHS(0, "E", true, 3),		/* returning path reset the count */
	};
	RUN(&cfg, rows);
}

static void test_count_one_starting_without_paths(void)
{
	static const struct mp_no_path_retry cfg = { MP_NO_PATH_RETRY_COUNT, 1 };
	static const struct row rows[] = {
		TICK(0, "EQ", true, 1),		/* the first event starts the count */
		TICK(0, "q", false, 0),
		TICK(0, "", false, 0),
	};
	RUN(&cfg, rows);
}

static void test_operator_overrides_count(void)
{
	static const struct mp_no_path_retry cfg = { MP_NO_PATH_RETRY_COUNT, 2 };
	static const struct row rows[] = {
		PATHS(1, "Q", true, 0),
		DISABLE(1, "q", false, 0),	/* off even with paths */
		PATHS(0, "", false, 0),
		TICK(0, "", false, 0),
		PATHS(1, "", false, 0),		/* override holds while paths return */
		PATHS(0, "", false, 0),
		RESTORE(0, "EQ", true, 2),	/* back to config: fresh countdown */
		TICK(0, "", true, 1),
		TICK(0, "q", false, 0),
		FORCE(0, "Q", true, 0),		/* queue regardless */
		TICK(0, "", true, 0),
		TICK(0, "", true, 0),
		TICK(0, "", true, 0),
		RESTORE(0, "E", true, 2),	/* on already; countdown again */
		TICK(0, "", true, 1),
		TICK(0, "q", false, 0),
		RESTORE(0, "EQ", true, 2),	/* restore after exhaustion */
		RESTORE(0, "E", true, 2),	/* restore restarts the countdown */
		PATHS(3, "", true, 0),
		FORCE(3, "", true, 0),
		DISABLE(3, "q", false, 0),
		RESTORE(3, "Q", true, 0),
	};
	RUN(&cfg, rows);
}

static void test_operator_overrides_fail_and_queue(void)
{
	static const struct mp_no_path_retry fail = { MP_NO_PATH_RETRY_FAIL, 0 };
	static const struct mp_no_path_retry queue = { MP_NO_PATH_RETRY_QUEUE, 0 };
	static const struct row f[] = {
		PATHS(0, "q", false, 0),
		FORCE(0, "Q", true, 0),
		TICK(0, "", true, 0),
		RESTORE(0, "q", false, 0),
	};
	static const struct row q[] = {
		PATHS(0, "Q", true, 0),
		DISABLE(0, "q", false, 0),
		RESTORE(0, "Q", true, 0),
	};
	RUN(&fail, f);
	RUN(&queue, q);
}

static void test_config_change_between_steps(void)
{
	static const struct mp_no_path_retry queue = { MP_NO_PATH_RETRY_QUEUE, 0 };
	static const struct mp_no_path_retry fail = { MP_NO_PATH_RETRY_FAIL, 0 };
	struct mp_queue_state st;
	struct mp_queue_event ev = { MP_QEV_PATHS, 0 };
	struct mp_action buf[2];
	struct mp_actions acts;

	mp_policy_queue_init(&st);
	CU_ASSERT_EQUAL(mp_policy_actions_init(&acts, buf, 2), 0);
	CU_ASSERT_EQUAL(mp_policy_queue_step(&st, &queue, &ev, &acts, &st), 0);
	CU_ASSERT_TRUE(st.queueing);
	acts.len = 0;
	/* A reload turned queueing off: the next event applies it at once. */
	CU_ASSERT_EQUAL(mp_policy_queue_step(&st, &fail, &ev, &acts, &st), 0);
	CU_ASSERT_EQUAL_FATAL(acts.len, 1);
	CU_ASSERT_EQUAL(acts.v[0].kind, MP_ACT_SET_QUEUEING);
	CU_ASSERT_FALSE(acts.v[0].on);
}

static void test_invalid_inputs(void)
{
	static const struct mp_no_path_retry ok = { MP_NO_PATH_RETRY_COUNT, 2 };
	static const struct mp_no_path_retry bad[] = {
		{ _MP_NO_PATH_RETRY_MAX, 0 },
		{ MP_NO_PATH_RETRY_COUNT, 0 },
	};
	struct mp_queue_state st, out;
	struct mp_queue_event ev = { MP_QEV_PATHS, 0 };
	struct mp_queue_event bad_ev = { _MP_QEV_MAX, 0 };
	struct mp_action buf[1];
	struct mp_actions acts;

	mp_policy_queue_init(&st);
	CU_ASSERT_EQUAL(mp_policy_actions_init(&acts, buf, 1), 0);
	memset(&out, 0x5a, sizeof(out));
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(mp_policy_queue_step(&st, &bad[i], &ev, &acts, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_queue_step(&st, NULL, &ev, &acts, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_queue_step(&st, &ok, &bad_ev, &acts, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_queue_step(&st, &ok, NULL, &acts, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_queue_step(NULL, &ok, &ev, &acts, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_queue_step(&st, &ok, &ev, NULL, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_queue_step(&st, &ok, &ev, &acts, NULL), -EINVAL);
	st.ovr = _MP_QUEUE_OVR_MAX;
	CU_ASSERT_EQUAL(mp_policy_queue_step(&st, &ok, &ev, &acts, &out), -EINVAL);
	st.ovr = MP_QUEUE_OVR_NONE;
	CU_ASSERT_EQUAL(out.retries_left, 0x5a5a5a5a);

	/* "EQ" does not fit in one slot: nothing is kept. */
	CU_ASSERT_EQUAL(mp_policy_queue_step(&st, &ok, &ev, &acts, &out), -ENOBUFS);
	CU_ASSERT_EQUAL(acts.len, 0);
	CU_ASSERT_EQUAL(out.retries_left, 0x5a5a5a5a);
	CU_ASSERT_STRING_EQUAL(mp_queue_event_kind_to_string(MP_QEV_OPER_FORCE), "operator-force");
	CU_ASSERT_PTR_NULL(mp_queue_event_kind_to_string(_MP_QEV_MAX));
}

static void test_timeout_secs(void)
{
	static const struct {
		struct mp_no_path_retry cfg;
		unsigned int poll, margin;
		int r;
		unsigned int secs;
	} rows[] = {
		{ { MP_NO_PATH_RETRY_FAIL, 0 }, 5, 10, 0, 0 },
		{ { MP_NO_PATH_RETRY_QUEUE, 0 }, 5, 10, 0, 0 },
		{ { MP_NO_PATH_RETRY_COUNT, 5 }, 5, 10, 0, 35 },
		{ { MP_NO_PATH_RETRY_COUNT, 1 }, 1, 0, 0, 1 },
		{ { MP_NO_PATH_RETRY_COUNT, UINT_MAX }, 2, 0, -ERANGE, 0 },
		{ { MP_NO_PATH_RETRY_COUNT, 1 }, UINT_MAX, 1, -ERANGE, 0 },
		{ { MP_NO_PATH_RETRY_COUNT, 1 }, UINT_MAX, 0, 0, UINT_MAX },
		{ { MP_NO_PATH_RETRY_COUNT, 5 }, 0, 0, -EINVAL, 0 },
		{ { MP_NO_PATH_RETRY_COUNT, 0 }, 5, 0, -EINVAL, 0 },
		{ { _MP_NO_PATH_RETRY_MAX, 0 }, 5, 0, -EINVAL, 0 },
	};

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned int secs = 4242;

		CU_ASSERT_EQUAL(mp_policy_queue_timeout_secs(&rows[i].cfg, rows[i].poll,
							     rows[i].margin, &secs), rows[i].r);
		CU_ASSERT_EQUAL(secs, rows[i].r == 0 ? rows[i].secs : 4242);
	}
	CU_ASSERT_EQUAL(mp_policy_queue_timeout_secs(&rows[2].cfg, 5, 0, NULL), -EINVAL);
}

static void test_timeout_combine(void)
{
	static const struct mp_no_path_retry counts[] = {
		{ MP_NO_PATH_RETRY_COUNT, 5 }, { MP_NO_PATH_RETRY_FAIL, 0 },
		{ MP_NO_PATH_RETRY_COUNT, 12 },
	};
	static const struct mp_no_path_retry with_queue[] = {
		{ MP_NO_PATH_RETRY_COUNT, 5 }, { MP_NO_PATH_RETRY_QUEUE, 0 },
	};
	static const struct mp_no_path_retry with_bad[] = {
		{ MP_NO_PATH_RETRY_QUEUE, 0 }, { MP_NO_PATH_RETRY_COUNT, 0 },
	};
	unsigned int secs = 4242;

	CU_ASSERT_EQUAL(mp_policy_queue_timeout_combine(counts, 3, 5, 3, &secs), 0);
	CU_ASSERT_EQUAL(secs, 63);
	CU_ASSERT_EQUAL(mp_policy_queue_timeout_combine(with_queue, 2, 5, 3, &secs), 0);
	CU_ASSERT_EQUAL(secs, 0);
	secs = 4242;
	CU_ASSERT_EQUAL(mp_policy_queue_timeout_combine(NULL, 0, 5, 3, &secs), 0);
	CU_ASSERT_EQUAL(secs, 0);
	secs = 4242;
	CU_ASSERT_EQUAL(mp_policy_queue_timeout_combine(with_bad, 2, 5, 3, &secs), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_queue_timeout_combine(NULL, 1, 5, 3, &secs), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_queue_timeout_combine(counts, 3, 0, 3, &secs), -EINVAL);
	CU_ASSERT_EQUAL(secs, 4242);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_fail),
	UNIT_TEST(test_queue_forever),
	UNIT_TEST(test_count),
	UNIT_TEST(test_count_one_starting_without_paths),
	UNIT_TEST(test_operator_overrides_count),
	UNIT_TEST(test_operator_overrides_fail_and_queue),
	UNIT_TEST(test_config_change_between_steps),
	UNIT_TEST(test_invalid_inputs),
	UNIT_TEST(test_timeout_secs),
	UNIT_TEST(test_timeout_combine),
	UNIT_END
};
