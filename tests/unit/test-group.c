/* Unit tests for grouping: paths into maps by WWID, and every
 * path_grouping_policy with its ordering (group prio = mean of usable
 * paths, ties by usable count then lowest dev_t; dev_t order inside). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "mp/group.h"

const char unit_suite_name[] = "group";

/* Eight paths to one LUN over two controllers (serials A/B, node names
 * ctrlA/ctrlB), given in scrambled dev_t order. */
static const struct {
	const char *kname;
	unsigned int minor;
	const char *serial, *node;
	int prio;
	enum mp_path_state state;
} fleet[] = {
	{ "sdf", 80, "A", "iqn.ctrlA", 50, MP_PATH_UP },
	{ "sdb", 16, "A", "iqn.ctrlA", 50, MP_PATH_UP },
	{ "sdc", 32, "B", "iqn.ctrlB", 10, MP_PATH_UP },
	{ "sdg", 96, "B", "iqn.ctrlB", 10, MP_PATH_DOWN },
	{ "sdd", 48, "B", "iqn.ctrlB", 10, MP_PATH_UP },
	{ "sde", 64, "B", "iqn.ctrlB", 10, MP_PATH_UP },
};
#define N_FLEET (sizeof(fleet) / sizeof(fleet[0]))

static struct mp_map *setup(struct mp_path *p)
{
	struct mp_map *m = NULL;

	CU_ASSERT_EQUAL_FATAL(mp_map_new("3600a098000000001", &m), 0);
	for (size_t i = 0; i < N_FLEET; i++) {
		mp_path_init(&p[i]);
		strcpy(p[i].kname, fleet[i].kname);
		p[i].major = 8;
		p[i].minor = fleet[i].minor;
		strcpy(p[i].wwid, m->wwid);
		strcpy(p[i].serial, fleet[i].serial);
		strcpy(p[i].tgt_node_name, fleet[i].node);
		p[i].prio = fleet[i].prio;
		p[i].state = fleet[i].state;
		CU_ASSERT_EQUAL_FATAL(mp_map_add_path(m, &p[i]), 0);
	}
	return m;
}

/* "prio:name,name|prio:name" */
static void layout(const struct mp_map *m, char *buf, size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (size_t g = 0; g < m->n_pgs; g++) {
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%d:", g ? "|" : "",
					m->pgs[g].prio);
		for (size_t i = 0; i < m->pgs[g].n_paths; i++)
			pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", i ? "," : "",
						m->pgs[g].paths[i]->kname);
	}
}

static void test_policies(void)
{
	static const struct {
		enum mp_pgpolicy policy;
		const char *want;
	} cases[] = {
		{ MP_PGPOLICY_FAILOVER, "50:sdb|50:sdf|10:sdc|10:sdd|10:sde|0:sdg" },
		/* mean of usable: (50+50+10*3)/5 = 26; sdg down does not count */
		{ MP_PGPOLICY_MULTIBUS, "26:sdb,sdc,sdd,sde,sdf,sdg" },
		{ MP_PGPOLICY_GROUP_BY_SERIAL, "50:sdb,sdf|10:sdc,sdd,sde,sdg" },
		{ MP_PGPOLICY_GROUP_BY_PRIO, "50:sdb,sdf|10:sdc,sdd,sde,sdg" },
		{ MP_PGPOLICY_GROUP_BY_NODE_NAME, "50:sdb,sdf|10:sdc,sdd,sde,sdg" },
	};
	struct mp_path p[N_FLEET];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mp_map *m = setup(p);
		char buf[256];

		CU_ASSERT_EQUAL_FATAL(mp_group_paths(m, cases[i].policy, "round-robin 0"), 0);
		layout(m, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, cases[i].want);
		CU_ASSERT_STRING_EQUAL(m->pgs[0].selector, "round-robin 0");
		mp_map_free(m);
	}
}

static void test_mean_not_sum(void)
{
	/* one usable optimized path against four usable non-optimized ones:
	 * the optimized group must come first although its sum (50) is below
	 * the other's (4 x 15 = 60) */
	struct mp_path p[N_FLEET];
	struct mp_map *m = setup(p);
	char buf[256];

	p[0].state = MP_PATH_DOWN;	/* sdf */
	p[3].state = MP_PATH_UP;	/* sdg */
	p[2].prio = p[3].prio = p[4].prio = p[5].prio = 15;
	CU_ASSERT_EQUAL_FATAL(mp_group_paths(m, MP_PGPOLICY_GROUP_BY_SERIAL, NULL), 0);
	layout(m, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "50:sdb,sdf|15:sdc,sdd,sde,sdg");
	CU_ASSERT_STRING_EQUAL(m->pgs[0].selector, "service-time 0");

	/* all of controller A down: it sinks, but its paths stay */
	p[1].state = MP_PATH_DOWN;
	mp_group_update_prio(m);
	layout(m, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "15:sdc,sdd,sde,sdg|0:sdb,sdf");
	mp_map_free(m);
}

static void test_ties_and_unknown_prio(void)
{
	struct mp_path p[N_FLEET];
	struct mp_map *m = setup(p);
	char buf[256];

	for (size_t i = 0; i < N_FLEET; i++)
		p[i].prio = -1;		/* no prioritizer ran yet */
	CU_ASSERT_EQUAL_FATAL(mp_group_paths(m, MP_PGPOLICY_GROUP_BY_SERIAL, NULL), 0);
	layout(m, buf, sizeof(buf));
	/* equal prio 0: more usable paths first (B has 3, A has 2) */
	CU_ASSERT_STRING_EQUAL(buf, "0:sdc,sdd,sde,sdg|0:sdb,sdf");
	CU_ASSERT_EQUAL_FATAL(mp_group_paths(m, MP_PGPOLICY_FAILOVER, NULL), 0);
	layout(m, buf, sizeof(buf));
	/* then by lowest dev_t */
	CU_ASSERT_STRING_EQUAL(buf, "0:sdb|0:sdc|0:sdd|0:sde|0:sdf|0:sdg");
	mp_map_free(m);
}

static void test_bad_args_and_empty(void)
{
	struct mp_path p[N_FLEET];
	struct mp_map *m = setup(p), *empty = NULL;
	char longsel[MP_SELECTOR_SIZE + 8];

	CU_ASSERT_EQUAL_FATAL(mp_group_paths(m, MP_PGPOLICY_MULTIBUS, NULL), 0);
	CU_ASSERT_EQUAL(mp_group_paths(m, _MP_PGPOLICY_MAX, NULL), -EINVAL);
	memset(longsel, 'x', sizeof(longsel) - 1);
	longsel[sizeof(longsel) - 1] = '\0';
	CU_ASSERT_EQUAL(mp_group_paths(m, MP_PGPOLICY_FAILOVER, longsel), -EINVAL);
	CU_ASSERT_EQUAL(m->n_pgs, 1);	/* old groups kept */
	CU_ASSERT_EQUAL(mp_group_paths(NULL, MP_PGPOLICY_FAILOVER, NULL), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(mp_map_new("3x", &empty), 0);
	CU_ASSERT_EQUAL(mp_group_paths(empty, MP_PGPOLICY_MULTIBUS, NULL), 0);
	CU_ASSERT_EQUAL(empty->n_pgs, 0);
	mp_map_free(empty);
	mp_map_free(m);
}

static void test_by_wwid(void)
{
	static const char *const wwids[] = { "3aa", "3bb", "", "3aa", "3cc", "3bb" };
	struct mp_path p[6], *ptrs[7];
	struct mp_map **maps = NULL;
	size_t n = 0;

	for (size_t i = 0; i < 6; i++) {
		mp_path_init(&p[i]);
		snprintf(p[i].kname, sizeof(p[i].kname), "sd%c", (char)('a' + i));
		p[i].major = 8;
		p[i].minor = (uint32_t)(16 * i);
		strcpy(p[i].wwid, wwids[i]);
		ptrs[i] = &p[i];
	}
	ptrs[6] = &p[0];	/* listed twice: harmless */
	CU_ASSERT_EQUAL_FATAL(mp_group_by_wwid(ptrs, 7, &maps, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_STRING_EQUAL(maps[0]->wwid, "3aa");
	CU_ASSERT_EQUAL(maps[0]->n_paths, 2);
	CU_ASSERT_PTR_EQUAL(maps[0]->paths[1], &p[3]);
	CU_ASSERT_STRING_EQUAL(maps[1]->wwid, "3bb");
	CU_ASSERT_EQUAL(maps[1]->n_paths, 2);
	CU_ASSERT_STRING_EQUAL(maps[2]->wwid, "3cc");
	CU_ASSERT_EQUAL(maps[2]->n_paths, 1);
	mp_map_array_free(maps, n);

	CU_ASSERT_EQUAL(mp_group_by_wwid(NULL, 0, &maps, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	mp_map_array_free(maps, n);
	CU_ASSERT_EQUAL(mp_group_by_wwid(NULL, 3, &maps, &n), -EINVAL);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_policies),
	UNIT_TEST(test_mean_not_sum),
	UNIT_TEST(test_ties_and_unknown_prio),
	UNIT_TEST(test_bad_args_and_empty),
	UNIT_TEST(test_by_wwid),
	UNIT_END,
};
