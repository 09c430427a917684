/* Unit tests for checker intervals (policy-interval.c): literal sequences
 * of (time, op) -> expected period and next deadline, back-off to the
 * maximum, reset on change, failed-path rate, checker timeout exactly at
 * its deadline, saturation near the end of time, bad configs. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "mp/policy.h"

const char unit_suite_name[] = "policy-interval";

enum op { START, DONE, DUE };

struct row {
	uint64_t t;
	enum op op;
	enum mp_path_state st;		/* DONE */
	bool recheck;			/* DONE */
	uint64_t interval;		/* expected after the op (DONE/START) */
	uint64_t next;			/* expected next_ms (DONE/START) */
	enum mp_interval_due due;	/* DUE */
};

#define D(t, s, iv, nx) { t, DONE, MP_PATH_##s, false, iv, nx, 0 }
#define DR(t, s, iv, nx) { t, DONE, MP_PATH_##s, true, iv, nx, 0 }
#define S(t, iv, nx) { t, START, 0, false, iv, nx, 0 }
#define Q(t, d) { t, DUE, 0, false, 0, 0, MP_INTERVAL_##d }

/* polling 5 s, max 20 s, failed paths every 2 s, checker timeout 30 s. */
static const struct mp_interval_config cfg = {
	.polling_interval_ms = 5000, .max_polling_interval_ms = 20000,
	.failed_interval_ms = 2000, .checker_timeout_ms = 30000,
};

static void run(const struct mp_interval_config *c, uint64_t t0, const struct row *rows,
		unsigned int n)
{
	struct mp_interval_state st;

	CU_ASSERT_EQUAL_FATAL(mp_policy_interval_init(c, t0, &st), 0);
	CU_ASSERT_EQUAL(st.next_ms, t0);
	for (unsigned int i = 0; i < n; i++) {
		enum mp_interval_due due;

		switch (rows[i].op) {
		case START:
			CU_ASSERT_EQUAL_FATAL(mp_policy_interval_start(&st, c, rows[i].t, &st), 0);
			break;
		case DONE:
			CU_ASSERT_EQUAL_FATAL(mp_policy_interval_update(&st, c, rows[i].st, rows[i].recheck,
									rows[i].t, &st), 0);
			break;
		case DUE:
			CU_ASSERT_EQUAL_FATAL(mp_policy_interval_due(&st, rows[i].t, &due), 0);
			if (due != rows[i].due)
				fprintf(stderr, "row %u: due %d\n", i, due);
			CU_ASSERT_EQUAL(due, rows[i].due);
			continue;
		}
		if (st.interval_ms != rows[i].interval || st.next_ms != rows[i].next)
			fprintf(stderr, "row %u: interval %llu next %llu\n", i,
				(unsigned long long)st.interval_ms, (unsigned long long)st.next_ms);
		CU_ASSERT_EQUAL(st.interval_ms, rows[i].interval);
		CU_ASSERT_EQUAL(st.next_ms, rows[i].next);
	}
}

#define RUN(c, t0, rows) run(c, t0, rows, sizeof(rows) / sizeof(rows[0]))

static void test_backoff_and_reset(void)
{
	static const struct row rows[] = {
		Q(0, CHECK),			/* first check at once */
		S(0, 5000, 30000),
		Q(100, WAIT),
		D(100, UP, 5000, 5100),		/* UNCHECKED -> UP: a change */
		Q(5099, WAIT),
		Q(5100, CHECK),			/* exactly at next */
		S(5100, 5000, 35100),
		D(5200, UP, 10000, 15200),	/* unchanged: doubles */
		D(15200, UP, 20000, 35200),
		D(35200, UP, 20000, 55200),	/* capped at max */
		D(55200, GHOST, 5000, 60200),	/* any change resets */
		D(60200, GHOST, 10000, 70200),	/* ghost backs off too */
		D(70200, DOWN, 2000, 72200),	/* failed: failed_interval */
		D(72200, DOWN, 2000, 74200),	/* and stays there */
		D(74200, UP, 5000, 79200),
		D(79200, PENDING, 5000, 84200),
		D(84200, PENDING, 5000, 89200),	/* no back-off while transitioning */
		D(89200, SHAKY, 5000, 94200),
		D(94200, SHAKY, 5000, 99200),	/* nor while quarantined */
		D(99200, UNCHECKED, 5000, 104200),
	};
	RUN(&cfg, 0, rows);
}

static void test_recheck_soon(void)
{
	static const struct row rows[] = {
		D(0, UP, 5000, 5000),
		D(5000, UP, 10000, 15000),
		DR(15000, UP, 20000, 16000),	/* unit attention: one floor later */
		DR(16000, DOWN, 2000, 17000),	/* kernel failed it */
		DR(17000, DOWN, 2000, 18000),
		D(18000, DOWN, 2000, 20000),
	};
	struct mp_interval_config fast = cfg;

	RUN(&cfg, 0, rows);
	/* A recheck never delays a check that is due sooner anyway. */
	fast.polling_interval_ms = 1000;
	fast.failed_interval_ms = 0;
	{
		static const struct row r2[] = {
			DR(0, DOWN, 1000, 1000),
			DR(1000, UP, 1000, 2000),
		};
		RUN(&fast, 0, r2);
	}
}

static void test_failed_interval_defaults_to_polling(void)
{
	struct mp_interval_config c = cfg;
	static const struct row rows[] = {
		D(0, DOWN, 5000, 5000),
		D(5000, DOWN, 5000, 10000),
	};

	c.failed_interval_ms = 0;
	RUN(&c, 0, rows);
}

static void test_checker_timeout(void)
{
	static const struct row rows[] = {
		S(1000, 5000, 31000),
		Q(30999, WAIT),
		Q(31000, TIMEOUT),		/* exactly at the deadline */
		Q(99999, TIMEOUT),
		D(31000, DOWN, 2000, 33000),	/* caller fed MP_CHK_TIMEOUT */
		Q(33000, CHECK),
	};
	RUN(&cfg, 1000, rows);
}

static void test_saturation_near_end_of_time(void)
{
	static const struct row rows[] = {
		S(UINT64_MAX - 10, 5000, MP_POLICY_NEVER),
		Q(UINT64_MAX - 1, WAIT),	/* a wrapped deadline would time out */
		D(UINT64_MAX - 10, UP, 5000, MP_POLICY_NEVER),
		D(UINT64_MAX - 10, UP, 10000, MP_POLICY_NEVER),
		DR(UINT64_MAX - 10, UP, 20000, MP_POLICY_NEVER),
	};
	RUN(&cfg, UINT64_MAX - 10, rows);
}

static void test_huge_max_interval_does_not_overflow(void)
{
	struct mp_interval_config c = {
		.polling_interval_ms = UINT64_MAX / 2 + 1, .max_polling_interval_ms = UINT64_MAX,
		.checker_timeout_ms = 1,
	};
	struct mp_interval_state st;

	CU_ASSERT_EQUAL_FATAL(mp_policy_interval_init(&c, 0, &st), 0);
	CU_ASSERT_EQUAL(mp_policy_interval_update(&st, &c, MP_PATH_UP, false, 0, &st), 0);
	CU_ASSERT_EQUAL(mp_policy_interval_update(&st, &c, MP_PATH_UP, false, 0, &st), 0);
	CU_ASSERT_EQUAL(st.interval_ms, UINT64_MAX);	/* doubling would wrap to 0 */
	/* A reload lowered the maximum below the period the path had reached. */
	c.polling_interval_ms = 1000;
	c.max_polling_interval_ms = 8000;
	CU_ASSERT_EQUAL(mp_policy_interval_update(&st, &c, MP_PATH_UP, false, 0, &st), 0);
	CU_ASSERT_EQUAL(st.interval_ms, 8000);
}

static void test_invalid_inputs(void)
{
	static const struct mp_interval_config bad[] = {
		{ 999, 5000, 0, 1000 },		/* polling below the floor */
		{ 5000, 4999, 0, 1000 },	/* max below polling */
		{ 5000, 5000, 999, 1000 },	/* failed interval below floor */
		{ 5000, 5000, 5001, 1000 },	/* failed interval above polling */
		{ 5000, 5000, 0, 0 },		/* no checker timeout */
	};
	struct mp_interval_state st, out;
	enum mp_interval_due due = MP_INTERVAL_WAIT;

	CU_ASSERT_EQUAL_FATAL(mp_policy_interval_init(&cfg, 0, &st), 0);
	memset(&out, 0x5a, sizeof(out));
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(mp_policy_interval_config_check(&bad[i]), -EINVAL);
		CU_ASSERT_EQUAL(mp_policy_interval_init(&bad[i], 0, &out), -EINVAL);
		CU_ASSERT_EQUAL(mp_policy_interval_start(&st, &bad[i], 0, &out), -EINVAL);
		CU_ASSERT_EQUAL(mp_policy_interval_update(&st, &bad[i], MP_PATH_UP, false, 0, &out), -EINVAL);
	}
	CU_ASSERT_EQUAL(mp_policy_interval_config_check(NULL), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_interval_init(&cfg, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_interval_update(&st, &cfg, _MP_PATH_STATE_MAX, false, 0, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_interval_update(NULL, &cfg, MP_PATH_UP, false, 0, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_interval_start(NULL, &cfg, 0, &out), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_interval_due(NULL, 0, &due), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_interval_due(&st, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(out.next_ms, 0x5a5a5a5a5a5a5a5aULL);
	/* Two checks of one path at once is a daemon bug. */
	CU_ASSERT_EQUAL(mp_policy_interval_start(&st, &cfg, 0, &st), 0);
	CU_ASSERT_EQUAL(mp_policy_interval_start(&st, &cfg, 1, &out), -EINVAL);
	CU_ASSERT_EQUAL(out.next_ms, 0x5a5a5a5a5a5a5a5aULL);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_backoff_and_reset),
	UNIT_TEST(test_recheck_soon),
	UNIT_TEST(test_failed_interval_defaults_to_polling),
	UNIT_TEST(test_checker_timeout),
	UNIT_TEST(test_saturation_near_end_of_time),
	UNIT_TEST(test_huge_max_interval_does_not_overflow),
	UNIT_TEST(test_invalid_inputs),
	UNIT_END
};
