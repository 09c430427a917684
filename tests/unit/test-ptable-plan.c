/* Unit tests for kpartx-helpers/partmap.c: partition map names and uuids,
 * parsing them back, linear params, the maps a table asks for (512-byte and
 * 4 KiB blocks) and the reconciliation plan (create, reload with or without
 * a moved start, remove, keep; order; add leaves stale maps alone).
 * partmap.c belongs to the program, not libmp.a, so it is compiled in. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "../../kpartx-helpers/partmap.c"

const char unit_suite_name[] = "ptable-plan";

static const struct mp_partmap_parent parent = {
	.name = "mpatha", .uuid = "mpath-3600a0b80", .major = 253, .minor = 4,
};

static void test_names_and_uuids(void)
{
	char buf[MP_DM_NAME_LEN], small[8], long_name[200];
	unsigned int n = 0;

	CU_ASSERT_EQUAL(mp_partmap_name("mpatha", MP_PARTMAP_DEFAULT_SEP, 1, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "mpatha-part1");
	CU_ASSERT_EQUAL(mp_partmap_name("mpatha", "", 12, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "mpatha12");
	CU_ASSERT_EQUAL(mp_partmap_name("mpatha", "-part", 1, small, sizeof(small)), -ENAMETOOLONG);
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	CU_ASSERT_EQUAL(mp_partmap_name(long_name, "p", 1, buf, sizeof(buf)), -ENAMETOOLONG);
	CU_ASSERT_EQUAL(mp_partmap_uuid("mpath-3600a0b80", 5, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "part5-mpath-3600a0b80");

	CU_ASSERT_EQUAL(mp_partmap_uuid_num("part5-mpath-3600a0b80", parent.uuid, &n), 0);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(mp_partmap_uuid_num("part128-mpath-3600a0b80", parent.uuid, &n), 0);
	CU_ASSERT_EQUAL(n, 128);
	n = 77;
	CU_ASSERT_EQUAL(mp_partmap_uuid_num("part5-mpath-3600a0b8", parent.uuid, &n), -EINVAL);
	CU_ASSERT_EQUAL(mp_partmap_uuid_num("part5-mpath-3600a0b800", parent.uuid, &n), -EINVAL);
	CU_ASSERT_EQUAL(mp_partmap_uuid_num("mpath-3600a0b80", parent.uuid, &n), -EINVAL);
	CU_ASSERT_EQUAL(mp_partmap_uuid_num("part0-mpath-3600a0b80", parent.uuid, &n), -EINVAL);
	CU_ASSERT_EQUAL(mp_partmap_uuid_num("part-mpath-3600a0b80", parent.uuid, &n), -EINVAL);
	CU_ASSERT_EQUAL(mp_partmap_uuid_num("part99999999999-mpath-3600a0b80", parent.uuid, &n), -EINVAL);
	CU_ASSERT_EQUAL(mp_partmap_uuid_num("", parent.uuid, &n), -EINVAL);
	CU_ASSERT_EQUAL(n, 77);
}

static void test_params_start(void)
{
	uint64_t s = 9;

	CU_ASSERT_EQUAL(mp_partmap_params_start("253:4 2048", &parent, &s), 0);
	CU_ASSERT_EQUAL(s, 2048);
	CU_ASSERT_EQUAL(mp_partmap_params_start("253:4 2048 ", &parent, &s), 0);
	s = 9;
	CU_ASSERT_EQUAL(mp_partmap_params_start("253:5 2048", &parent, &s), -EINVAL);
	CU_ASSERT_EQUAL(mp_partmap_params_start("253:4", &parent, &s), -EINVAL);
	CU_ASSERT_EQUAL(mp_partmap_params_start("253:4 2048 x", &parent, &s), -EINVAL);
	CU_ASSERT_EQUAL(s, 9);
}

static void test_wanted_from_table(void)
{
	struct mp_ptable_part parts[] = {
		{ .num = 1, .start = 256, .count = 2560 },
		{ .num = 5, .start = 4096, .count = 1 },
	};
	struct mp_ptable t = { .kind = MP_PTABLE_GPT, .sector_size = 4096, .n_parts = 2, .parts = parts };
	struct mp_partmap *w = NULL;
	size_t n = 0;

	CU_ASSERT_EQUAL_FATAL(mp_partmap_wanted(&t, &parent, "-part", &w, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(w[0].name, "mpatha-part1");
	CU_ASSERT_STRING_EQUAL(w[0].uuid, "part1-mpath-3600a0b80");
	CU_ASSERT_EQUAL(w[0].size, 20480);
	CU_ASSERT_STRING_EQUAL(w[0].params, "253:4 2048");
	CU_ASSERT_STRING_EQUAL(w[1].params, "253:4 32768");
	CU_ASSERT_EQUAL(w[1].size, 8);
	free(w);
	t.n_parts = 0;
	t.parts = NULL;
	CU_ASSERT_EQUAL(mp_partmap_wanted(&t, &parent, "-part", &w, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(w);
}

static struct mp_partmap pm(unsigned int num, uint64_t start, uint64_t size, bool linear, int open)
{
	struct mp_partmap m = { .num = num, .start = start, .size = size, .linear = linear,
		.open_count = open };

	snprintf(m.name, sizeof(m.name), "old-part%u", num);
	snprintf(m.uuid, sizeof(m.uuid), "part%u-%s", num, parent.uuid);
	return m;
}

static void test_plan_reconciles(void)
{
	struct mp_partmap want[] = {
		pm(1, 2048, 1000, true, 0),	/* same: keep */
		pm(2, 4096, 2000, true, 0),	/* grown: reload, start same */
		pm(3, 9000, 100, true, 0),	/* moved: reload, start moved */
		pm(4, 10000, 100, true, 0),	/* new: create */
		pm(6, 20000, 100, true, 0),	/* was not linear: reload */
	};
	struct mp_partmap have[] = {
		pm(7, 30000, 100, true, 2),	/* vanished, open */
		pm(1, 2048, 1000, true, 1),
		pm(2, 4096, 1000, true, 1),
		pm(3, 8000, 100, true, 0),
		pm(6, 20000, 100, false, 0),
		pm(9, 40000, 100, true, 0),	/* vanished */
	};
	struct mp_partmap_action *a = NULL;
	size_t n = 0;

	CU_ASSERT_EQUAL_FATAL(mp_partmap_plan(want, 5, have, 6, true, &a, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 7);
	/* removals, reloads, creations, keeps; by number within each */
	CU_ASSERT(a[0].op == MP_PARTMAP_REMOVE && a[0].want.num == 7 && a[0].open_count == 2);
	CU_ASSERT(a[1].op == MP_PARTMAP_REMOVE && a[1].want.num == 9);
	CU_ASSERT(a[2].op == MP_PARTMAP_RELOAD && a[2].want.num == 2 && !a[2].start_moved);
	CU_ASSERT_EQUAL(a[2].open_count, 1);
	CU_ASSERT(a[3].op == MP_PARTMAP_RELOAD && a[3].want.num == 3 && a[3].start_moved);
	CU_ASSERT(a[4].op == MP_PARTMAP_RELOAD && a[4].want.num == 6 && a[4].start_moved);
	CU_ASSERT(a[5].op == MP_PARTMAP_CREATE && a[5].want.num == 4);
	CU_ASSERT(a[6].op == MP_PARTMAP_KEEP && a[6].want.num == 1);
	/* an existing map keeps its name (dm finds it by uuid) */
	CU_ASSERT_STRING_EQUAL(a[2].want.name, "old-part2");
	CU_ASSERT_EQUAL(a[2].want.size, 2000);
	free(a);

	/* add: stale maps are left alone */
	CU_ASSERT_EQUAL_FATAL(mp_partmap_plan(want, 5, have, 6, false, &a, &n), 0);
	CU_ASSERT_EQUAL(n, 5);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_NOT_EQUAL(a[i].op, MP_PARTMAP_REMOVE);
	free(a);

	/* delete: nothing wanted, everything removed */
	CU_ASSERT_EQUAL_FATAL(mp_partmap_plan(NULL, 0, have, 6, true, &a, &n), 0);
	CU_ASSERT_EQUAL(n, 6);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_EQUAL(a[i].op, MP_PARTMAP_REMOVE);
	free(a);

	CU_ASSERT_EQUAL(mp_partmap_plan(NULL, 0, NULL, 0, true, &a, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_STRING_EQUAL(mp_partmap_op_to_string(MP_PARTMAP_RELOAD), "reload");
	CU_ASSERT_PTR_NULL(mp_partmap_op_to_string(_MP_PARTMAP_OP_MAX));
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_names_and_uuids),
	UNIT_TEST(test_params_start),
	UNIT_TEST(test_wanted_from_table),
	UNIT_TEST(test_plan_reconciles),
	UNIT_END,
};
