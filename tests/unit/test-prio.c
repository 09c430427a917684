/* Unit tests for the prioritizers' pure parts: ALUA and sysfs state
 * mappings, const, weightedpath matching and errors, path_latency. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "mp/prio.h"

const char unit_suite_name[] = "prio";

static void test_alua(void)
{
	static const struct {
		enum mp_alua_state s;
		bool pref;
		int prio;
	} cases[] = {
		{ MP_ALUA_OPTIMIZED, false, 50 }, { MP_ALUA_OPTIMIZED, true, 130 },
		{ MP_ALUA_NON_OPTIMIZED, false, 10 }, { MP_ALUA_NON_OPTIMIZED, true, 90 },
		{ MP_ALUA_LBA_DEPENDENT, false, 5 }, { MP_ALUA_STANDBY, false, 1 },
		{ MP_ALUA_STANDBY, true, 81 }, { MP_ALUA_UNAVAILABLE, false, 0 },
		{ MP_ALUA_OFFLINE, false, 0 }, { MP_ALUA_TRANSITIONING, false, 0 },
		{ MP_ALUA_UNKNOWN, false, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(mp_prio_alua(cases[i].s, cases[i].pref), cases[i].prio);
	CU_ASSERT_EQUAL(mp_prio_const(), 1);
}

static void test_sysfs_access_state(void)
{
	static const struct {
		const char *s;
		int rc;
		enum mp_alua_state state;
	} cases[] = {
		{ "active/optimized\n", 0, MP_ALUA_OPTIMIZED },
		{ "active/non-optimized", 0, MP_ALUA_NON_OPTIMIZED },
		{ "standby\n", 0, MP_ALUA_STANDBY },
		{ "unavailable", 0, MP_ALUA_UNAVAILABLE },
		{ "lba-dependent", 0, MP_ALUA_LBA_DEPENDENT },
		{ "offline", 0, MP_ALUA_OFFLINE },
		{ "transitioning", 0, MP_ALUA_TRANSITIONING },
		{ "active", -EINVAL, 0 },
		{ "active/optimizedX", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum mp_alua_state s = MP_ALUA_UNKNOWN;

		CU_ASSERT_EQUAL(mp_alua_state_from_sysfs(cases[i].s, &s), cases[i].rc);
		CU_ASSERT_EQUAL(s, cases[i].rc ? MP_ALUA_UNKNOWN : cases[i].state);
	}
	CU_ASSERT_EQUAL(mp_alua_state_from_sysfs(NULL, NULL), -EINVAL);
}

static void test_weightedpath(void)
{
	static const struct {
		const char *args;
		const char *wwn;
		int rc, prio;
		const char *err;
	} cases[] = {
		{ "hbtl 1:0:0:.* 2 3:0:0:.* 7", NULL, 0, 7, NULL },
		{ "hbtl ^3:0:0:12$ 9", NULL, 0, 9, NULL },
		{ "hbtl ^2: 5", NULL, 0, 0, NULL },			/* no match */
		{ "devname sd[a-c] 4 sdz 20", NULL, 0, 20, NULL },
		{ "devname sd[xz] 20 sd 4", NULL, 0, 20, NULL },	/* first match wins */
		{ "serial ^SN-0 3", NULL, 0, 3, NULL },
		{ "wwn 0x5000:0x5001:0x2000:0x2001 11", "0x5000:0x5001:0x2000:0x2001", 0, 11, NULL },
		{ "wwn .* 11", NULL, 0, 0, NULL },			/* not FC */
		{ "devname", NULL, 0, 0, NULL },
		{ "", NULL, -EINVAL, 0, "empty" },
		{ "port sda 1", NULL, -EINVAL, 0, "unknown kind" },
		{ "devname sda", NULL, -EINVAL, 0, "needs a priority" },
		{ "devname sda -3", NULL, -EINVAL, 0, "needs a priority" },
		{ "devname sda 3x", NULL, -EINVAL, 0, "needs a priority" },
		{ "devname sda 99999999999", NULL, -EINVAL, 0, "needs a priority" },
		{ "devname sd[a 3", NULL, -EINVAL, 0, "regex" },
		/* a bad pair after a matching one is still reported */
		{ "devname sdz 1 ( 2", NULL, -EINVAL, 0, "regex" },
	};
	struct mp_path p;

	mp_path_init(&p);
	strcpy(p.kname, "sdz");
	strcpy(p.serial, "SN-0042");
	p.hbtl.host = 3;
	p.hbtl.bus = 0;
	p.hbtl.target = 0;
	p.hbtl.lun = 12;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int prio = -42;
		char err[128] = "";

		CU_ASSERT_EQUAL(mp_prio_weightedpath(cases[i].args, &p, cases[i].wwn, &prio,
						     err, sizeof(err)), cases[i].rc);
		CU_ASSERT_EQUAL(prio, cases[i].rc ? -42 : cases[i].prio);
		if (cases[i].err)
			CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].err));
	}
}

static void test_latency_args(void)
{
	static const struct {
		const char *args;
		int rc;
		unsigned int io, base;
	} cases[] = {
		{ NULL, 0, 20, 10 },
		{ "", 0, 20, 10 },
		{ "io_num=50 base_num=2", 0, 50, 2 },
		{ "base_num=5", 0, 20, 5 },
		{ "io_num=1", -EINVAL, 0, 0 },
		{ "io_num=201", -EINVAL, 0, 0 },
		{ "base_num=11", -EINVAL, 0, 0 },
		{ "base_num=-2", -EINVAL, 0, 0 },
		{ "io_num=", -EINVAL, 0, 0 },
		{ "io_num", -EINVAL, 0, 0 },
		{ "speed=3", -EINVAL, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mp_latency_args a = { 0, 0 };

		CU_ASSERT_EQUAL(mp_prio_latency_args_parse(cases[i].args, &a), cases[i].rc);
		CU_ASSERT_EQUAL(a.io_num, cases[i].io);
		CU_ASSERT_EQUAL(a.base_num, cases[i].base);
	}
}

/* Hysteresis: a median near a level boundary keeps the current level. */
static void test_path_latency_keep(void)
{
	static const struct {
		uint64_t median_us;
		int cur, want;
	} cases[] = {
		{ 11000, 0, 60 },	/* no level yet: the plain formula */
		{ 11000, 61, 61 },	/* level 3 (1-10 ms): 11 ms stays */
		{ 16000, 61, 60 },	/* 16 ms leaves */
		{ 8000, 60, 60 },	/* level 4 (10-100 ms): 8 ms stays */
		{ 6000, 60, 61 },	/* 6 ms leaves */
		{ 1000, 58, 61 },	/* far from the current level */
	};
	int prio = -1;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT_EQUAL(mp_prio_path_latency_keep(&cases[i].median_us, 1, 10, cases[i].cur,
							  &prio), 0);
		CU_ASSERT_EQUAL(prio, cases[i].want);
	}
	CU_ASSERT_EQUAL(mp_prio_path_latency_keep(&cases[0].median_us, 0, 10, 61, &prio), -ENODATA);
}

static void test_path_latency(void)
{
	static const uint64_t fast[] = { 120, 130, 110, 125, 118 };
	static const uint64_t stall[] = { 120, 130, 2000000, 125, 118 };	/* one outlier */
	static const uint64_t slow[] = { 12000, 15000, 11000 };
	static const uint64_t zero[] = { 0, 0 };
	static const uint64_t huge[] = { UINT64_MAX };
	int prio = -1;

	CU_ASSERT_EQUAL(mp_prio_path_latency(fast, 5, 10, &prio), 0);
	CU_ASSERT_EQUAL(prio, 62);	/* median 120 us: level 2 */
	CU_ASSERT_EQUAL(mp_prio_path_latency(stall, 5, 10, &prio), 0);
	CU_ASSERT_EQUAL(prio, 62);	/* the median ignores the stall */
	CU_ASSERT_EQUAL(mp_prio_path_latency(slow, 3, 10, &prio), 0);
	CU_ASSERT_EQUAL(prio, 60);	/* 12 ms: level 4 */
	CU_ASSERT_EQUAL(mp_prio_path_latency(fast, 5, 2, &prio), 0);
	CU_ASSERT_EQUAL(prio, 58);	/* 2^6 <= 120 < 2^7 */
	CU_ASSERT_EQUAL(mp_prio_path_latency(zero, 2, 10, &prio), 0);
	CU_ASSERT_EQUAL(prio, 64);
	CU_ASSERT_EQUAL(mp_prio_path_latency(huge, 1, 2, &prio), 0);
	CU_ASSERT_EQUAL(prio, 1);	/* level 63 clamps to the floor */
	prio = -1;
	CU_ASSERT_EQUAL(mp_prio_path_latency(fast, 0, 10, &prio), -ENODATA);
	CU_ASSERT_EQUAL(mp_prio_path_latency(fast, 5, 1, &prio), -EINVAL);
	CU_ASSERT_EQUAL(mp_prio_path_latency(fast, 5, 11, &prio), -EINVAL);
	CU_ASSERT_EQUAL(mp_prio_path_latency(NULL, 5, 10, &prio), -EINVAL);
	CU_ASSERT_EQUAL(prio, -1);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_alua),
	UNIT_TEST(test_sysfs_access_state),
	UNIT_TEST(test_weightedpath),
	UNIT_TEST(test_latency_args),
	UNIT_TEST(test_path_latency),
	UNIT_TEST(test_path_latency_keep),
	UNIT_END,
};
