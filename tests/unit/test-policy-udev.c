/* Unit tests for udev handling of table changes (policy-udev.c): which
 * tables may be probed by udev, the reload flag, and the wait bounds. The
 * case that hung the daemon (issue 4): both paths of a queueing map
 * unplugged, the reload with no path left must tell udev not to probe it,
 * and its wait must be bounded. */
#include <errno.h>

#include "unit.h"
#include "mp/policy.h"

const char unit_suite_name[] = "policy-udev";

struct row {
	const char *what;
	bool create;
	unsigned int n_maps;
	enum mp_path_state states[4];
	unsigned int n_paths;
	bool no_paths;
	uint32_t wait_ms;
};

#define U MP_PATH_UP
#define D MP_PATH_DOWN
#define S MP_PATH_SHAKY
#define G MP_PATH_GHOST
#define N MP_PATH_UNCHECKED
#define P MP_PATH_PENDING
#define RELOAD_MS MP_UDEV_WAIT_RELOAD_MS
#define CREATE_MS(n) (MP_UDEV_WAIT_CREATE_MS + (n) * MP_UDEV_WAIT_PER_MAP_MS)

static void test_table(void)
{
	static const struct row rows[] = {
		{ "reload, both paths up", false, 1, { U, U }, 2, false, RELOAD_MS },
		{ "reload, last path removed (issue 4)", false, 1, { 0 }, 0, true, RELOAD_MS },
		{ "reload, every path down", false, 1, { D, D }, 2, true, RELOAD_MS },
		{ "reload, one path down one up", false, 1, { D, U }, 2, false, RELOAD_MS },
		{ "reload, only standby paths", false, 1, { G, G }, 2, true, RELOAD_MS },
		{ "reload, new paths not checked yet", false, 1, { N, N }, 2, false, RELOAD_MS },
		{ "reload, a check in flight", false, 1, { D, P }, 2, false, RELOAD_MS },
		{ "reload, shaky still serves", false, 1, { S, D }, 2, false, RELOAD_MS },
		{ "create, one map", true, 1, { U, U }, 2, false, CREATE_MS(1) },
		{ "create, paths all down", true, 1, { D, D, D, D }, 4, true, CREATE_MS(1) },
		{ "create, batch of 256", true, 256, { N, N }, 2, false, CREATE_MS(256) },
	};

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		const struct mp_table_change c = { .create = r->create, .n_maps = r->n_maps,
						   .states = r->states, .n_paths = r->n_paths };
		struct mp_table_udev u;

		CU_ASSERT_EQUAL_FATAL(mp_policy_table_udev(&c, &u), 0);
		if (u.no_paths != r->no_paths || u.wait_ms != r->wait_ms || u.reload == r->create)
			fprintf(stderr, "row %u (%s): no_paths %d wait %u reload %d\n", i, r->what,
				u.no_paths, u.wait_ms, u.reload);
		CU_ASSERT_EQUAL(u.no_paths, r->no_paths);
		CU_ASSERT_EQUAL(u.wait_ms, r->wait_ms);
		CU_ASSERT_EQUAL(u.reload, !r->create);
		/* every wait is bounded */
		CU_ASSERT(u.wait_ms > 0);
	}
}

static void test_serves_io(void)
{
	const enum mp_alua_state A = MP_ALUA_UNKNOWN;

	CU_ASSERT_TRUE(mp_policy_path_serves_io(MP_PATH_UP, A));
	CU_ASSERT_TRUE(mp_policy_path_serves_io(MP_PATH_SHAKY, A));
	CU_ASSERT_TRUE(mp_policy_path_serves_io(MP_PATH_UNCHECKED, A));
	CU_ASSERT_TRUE(mp_policy_path_serves_io(MP_PATH_PENDING, A));
	CU_ASSERT_FALSE(mp_policy_path_serves_io(MP_PATH_DOWN, A));
	CU_ASSERT_FALSE(mp_policy_path_serves_io(MP_PATH_GHOST, A));
	CU_ASSERT_FALSE(mp_policy_path_serves_io(_MP_PATH_STATE_MAX, A));
	/* not checked yet: the port's ALUA state decides */
	CU_ASSERT_TRUE(mp_policy_path_serves_io(MP_PATH_UNCHECKED, MP_ALUA_OPTIMIZED));
	CU_ASSERT_TRUE(mp_policy_path_serves_io(MP_PATH_UNCHECKED, MP_ALUA_NON_OPTIMIZED));
	CU_ASSERT_TRUE(mp_policy_path_serves_io(MP_PATH_UNCHECKED, MP_ALUA_TRANSITIONING));
	CU_ASSERT_FALSE(mp_policy_path_serves_io(MP_PATH_UNCHECKED, MP_ALUA_STANDBY));
	CU_ASSERT_FALSE(mp_policy_path_serves_io(MP_PATH_UNCHECKED, MP_ALUA_UNAVAILABLE));
	CU_ASSERT_FALSE(mp_policy_path_serves_io(MP_PATH_UNCHECKED, MP_ALUA_OFFLINE));
	/* a checker verdict outranks what discovery read */
	CU_ASSERT_TRUE(mp_policy_path_serves_io(MP_PATH_UP, MP_ALUA_STANDBY));
	CU_ASSERT_FALSE(mp_policy_path_serves_io(MP_PATH_DOWN, MP_ALUA_OPTIMIZED));
}

/* The fresh-clone CI run of 2026-11-26 20:33: a map created at start-up
 * over one port that was ALUA standby, before its first check, carried no
 * no-probe flags; udev's blkid read of it queued and held the create's
 * cookie for its whole bound. */
static void test_create_over_standby_port(void)
{
	const enum mp_path_state st[2] = { N, N };
	const enum mp_alua_state standby[2] = { MP_ALUA_STANDBY, MP_ALUA_STANDBY };
	const enum mp_alua_state mixed[2] = { MP_ALUA_STANDBY, MP_ALUA_OPTIMIZED };
	struct mp_table_udev u;

	CU_ASSERT_EQUAL_FATAL(mp_policy_table_udev(&(struct mp_table_change){
		.create = true, .n_maps = 1, .states = st, .alua = standby, .n_paths = 1 }, &u), 0);
	CU_ASSERT_TRUE(u.no_paths);
	CU_ASSERT_EQUAL_FATAL(mp_policy_table_udev(&(struct mp_table_change){
		.create = true, .n_maps = 1, .states = st, .alua = standby, .n_paths = 2 }, &u), 0);
	CU_ASSERT_TRUE(u.no_paths);
	CU_ASSERT_EQUAL_FATAL(mp_policy_table_udev(&(struct mp_table_change){
		.create = true, .n_maps = 1, .states = st, .alua = mixed, .n_paths = 2 }, &u), 0);
	CU_ASSERT_FALSE(u.no_paths);
	/* no ALUA states given: unchecked paths are presumed to serve */
	CU_ASSERT_EQUAL_FATAL(mp_policy_table_udev(&(struct mp_table_change){
		.create = true, .n_maps = 1, .states = st, .n_paths = 2 }, &u), 0);
	CU_ASSERT_FALSE(u.no_paths);
}

static void test_invalid(void)
{
	const enum mp_path_state st[1] = { MP_PATH_UP };
	struct mp_table_udev u = { .wait_ms = 4242 };
	const struct mp_table_change no_maps = { .n_maps = 0, .states = st, .n_paths = 1 };
	const struct mp_table_change no_states = { .n_maps = 1, .states = NULL, .n_paths = 1 };
	const struct mp_table_change ok = { .n_maps = 1, .states = NULL, .n_paths = 0 };

	CU_ASSERT_EQUAL(mp_policy_table_udev(NULL, &u), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_table_udev(&ok, NULL), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_table_udev(&no_maps, &u), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_table_udev(&no_states, &u), -EINVAL);
	CU_ASSERT_EQUAL(u.wait_ms, 4242);	/* untouched on error */
	CU_ASSERT_EQUAL(mp_policy_table_udev(&ok, &u), 0);
	CU_ASSERT_TRUE(u.no_paths);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_table),
	UNIT_TEST(test_serves_io),
	UNIT_TEST(test_create_over_standby_port),
	UNIT_TEST(test_invalid),
	UNIT_END
};
