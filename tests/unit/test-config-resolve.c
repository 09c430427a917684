/* Unit tests for effective settings: the built-in hardware table parses
 * cleanly and covers the array families we promise, precedence
 * (multipaths > overrides > devices > hwtable > defaults) with the origin of
 * every value, protocol overrides, and dumps that parse back. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "mp/config.h"
#include "mp/strbuf.h"

const char unit_suite_name[] = "config-resolve";

static struct mp_config *parse_ok(const char *text)
{
	struct mp_config_source src = { "t.conf", text, strlen(text) };
	struct mp_diags d = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;

	CU_ASSERT_EQUAL(mp_config_parse(&src, text ? 1 : 0, &d, &cfg), 0);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "unexpected %s:%u: %s\n", d.items[i].file, d.items[i].line,
			d.items[i].message);
	CU_ASSERT_EQUAL(d.n, 0);
	mp_diags_release(&d);
	return cfg;
}

static void test_hwtable_parses_cleanly(void)
{
	struct mp_config_source src = { "hw.conf", mp_config_hwtable_text(),
					strlen(mp_config_hwtable_text()) };
	struct mp_diags d = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;

	/* with no sources at all: only the built-in table is parsed */
	CU_ASSERT_EQUAL(mp_config_parse(NULL, 0, &d, &cfg), 0);
	CU_ASSERT_EQUAL(d.n, 0);
	CU_ASSERT_EQUAL(mp_config_n_devices(cfg), 0);
	mp_config_free(cfg);
	/* the same text as a user file is valid too, so users can copy it */
	cfg = NULL;
	CU_ASSERT_EQUAL(mp_config_parse(&src, 1, &d, &cfg), 0);
	CU_ASSERT_EQUAL(d.n, 0);
	CU_ASSERT_TRUE(mp_config_n_devices(cfg) >= 15);
	mp_config_free(cfg);
	mp_diags_release(&d);
}

struct hw_case {
	const char *vendor, *product;
	enum mp_pgpolicy pg;
	enum mp_prio_kind prio;
	bool hwtable;	/* expected to match a built-in entry */
};

static const struct hw_case hw_cases[] = {
	{ "NETAPP", "LUN C-Mode", MP_PGPOLICY_GROUP_BY_PRIO, MP_PRIO_ALUA, true },
	{ "DellEMC", "PowerStore", MP_PGPOLICY_GROUP_BY_PRIO, MP_PRIO_ALUA, true },
	{ "DGC", "VRAID", MP_PGPOLICY_GROUP_BY_PRIO, MP_PRIO_ALUA, true },
	{ "DGC", "RAID 5", MP_PGPOLICY_GROUP_BY_PRIO, MP_PRIO_ALUA, true },
	{ "COMPELNT", "Compellent Vol", MP_PGPOLICY_MULTIBUS, MP_PRIO_CONST, true },
	{ "PURE", "FlashArray", MP_PGPOLICY_GROUP_BY_PRIO, MP_PRIO_ALUA, true },
	{ "3PARdata", "VV", MP_PGPOLICY_GROUP_BY_PRIO, MP_PRIO_ALUA, true },
	{ "Nimble", "Server", MP_PGPOLICY_GROUP_BY_PRIO, MP_PRIO_ALUA, true },
	{ "HPE", "MSA 2050 SAN", MP_PGPOLICY_GROUP_BY_PRIO, MP_PRIO_ALUA, true },
	{ "HITACHI", "OPEN-V", MP_PGPOLICY_MULTIBUS, MP_PRIO_CONST, true },
	{ "IBM", "2145", MP_PGPOLICY_GROUP_BY_PRIO, MP_PRIO_ALUA, true },
	{ "IBM", "2107900", MP_PGPOLICY_MULTIBUS, MP_PRIO_CONST, true },
	{ "HUAWEI", "XSG1", MP_PGPOLICY_GROUP_BY_PRIO, MP_PRIO_ALUA, true },
	{ "NFINIDAT", "InfiniBox", MP_PGPOLICY_GROUP_BY_PRIO, MP_PRIO_ALUA, true },
	{ "LIO-ORG", "disk01", MP_PGPOLICY_GROUP_BY_PRIO, MP_PRIO_ALUA, true },
	{ "Linux", "scsi_debug", MP_PGPOLICY_GROUP_BY_PRIO, MP_PRIO_CONST, true },
	{ "QEMU", "QEMU HARDDISK", MP_PGPOLICY_MULTIBUS, MP_PRIO_CONST, true },
	{ "ACME", "Brick", MP_PGPOLICY_FAILOVER, MP_PRIO_CONST, false },
	{ "IBM", "1814", MP_PGPOLICY_FAILOVER, MP_PRIO_CONST, false },
};

static void test_hwtable_families(void)
{
	struct mp_config *cfg = parse_ok("");

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	for (size_t i = 0; i < sizeof(hw_cases) / sizeof(hw_cases[0]); i++) {
		const struct hw_case *c = &hw_cases[i];
		struct mp_device_ident id = { .vendor = c->vendor, .product = c->product };
		struct mp_settings s;

		mp_config_resolve(cfg, &id, &s);
		CU_ASSERT_EQUAL(s.path_grouping_policy, c->pg);
		CU_ASSERT_EQUAL(s.prio, c->prio);
		CU_ASSERT_EQUAL(s.origin[MP_SET_PATH_GROUPING_POLICY] == MP_ORIGIN_HWTABLE, c->hwtable);
		if ((s.origin[MP_SET_PATH_GROUPING_POLICY] == MP_ORIGIN_HWTABLE) != c->hwtable)
			fprintf(stderr, "hwtable case %s/%s\n", c->vendor, c->product);
	}
	mp_config_free(cfg);
}

static void test_unknown_identity_gets_defaults(void)
{
	struct mp_config *cfg = parse_ok("");
	struct mp_device_ident none = { NULL, NULL, NULL, NULL, NULL };
	struct mp_settings s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	mp_config_resolve(cfg, &none, &s);
	for (int i = 0; i < _MP_SET_MAX; i++)
		CU_ASSERT_EQUAL(s.origin[i], MP_ORIGIN_DEFAULT);
	CU_ASSERT_STRING_EQUAL(s.path_selector, "service-time 0");
	CU_ASSERT_EQUAL(s.no_path_retry.mode, MP_NO_PATH_RETRY_FAIL);
	CU_ASSERT_PTR_NULL(s.alias);
	mp_config_free(cfg);
}

static const char precedence_conf[] =
	"defaults {\n"
	"	no_path_retry 5\n"
	"	failback manual\n"
	"	rr_min_io_rq 2\n"
	"	user_friendly_names yes\n"
	"	fast_io_fail_tmo 7\n"
	"}\n"
	"devices {\n"
	"	device {\n"
	"		vendor \"NETAPP\"\n"
	"		product \"LUN\"\n"
	"		prio const\n"
	"		no_path_retry 7\n"
	"		rr_min_io_rq 3\n"
	"	}\n"
	"}\n"
	"overrides {\n"
	"	rr_min_io_rq 4\n"
	"	protocol {\n"
	"		type scsi:iscsi\n"
	"		dev_loss_tmo 90\n"
	"	}\n"
	"	protocol {\n"
	"		type nvme\n"
	"		fast_io_fail_tmo off\n"
	"	}\n"
	"}\n"
	"multipaths {\n"
	"	multipath {\n"
	"		wwid 3600a0980aaaa\n"
	"		alias ora1\n"
	"		no_path_retry 9\n"
	"	}\n"
	"}\n";

struct origin_case {
	const char *vendor, *product, *wwid, *protocol;
	enum mp_setting_id id;
	enum mp_origin origin;
};

static const struct origin_case origin_cases[] = {
	/* NETAPP matched by the hwtable and by the user's entry */
	{ "NETAPP", "LUN", "x", NULL, MP_SET_PRIO, MP_ORIGIN_DEVICES },
	{ "NETAPP", "LUN", "x", NULL, MP_SET_PATH_GROUPING_POLICY, MP_ORIGIN_HWTABLE },
	{ "NETAPP", "LUN", "x", NULL, MP_SET_FAILBACK, MP_ORIGIN_HWTABLE },
	{ "NETAPP", "LUN", "x", NULL, MP_SET_NO_PATH_RETRY, MP_ORIGIN_DEVICES },
	{ "NETAPP", "LUN", "x", NULL, MP_SET_RR_MIN_IO_RQ, MP_ORIGIN_OVERRIDES },
	{ "NETAPP", "LUN", "x", NULL, MP_SET_USER_FRIENDLY_NAMES, MP_ORIGIN_HWTABLE },
	{ "NETAPP", "LUN", "3600a0980aaaa", NULL, MP_SET_NO_PATH_RETRY, MP_ORIGIN_MULTIPATHS },
	{ "NETAPP", "LUN", "3600a0980aaaa", NULL, MP_SET_ALIAS, MP_ORIGIN_MULTIPATHS },
	{ "ACME", "X", "y", NULL, MP_SET_NO_PATH_RETRY, MP_ORIGIN_DEFAULTS },
	{ "ACME", "X", "y", NULL, MP_SET_FAILBACK, MP_ORIGIN_DEFAULTS },
	{ "ACME", "X", "y", NULL, MP_SET_PATH_CHECKER, MP_ORIGIN_DEFAULT },
	{ "ACME", "X", "y", NULL, MP_SET_ALIAS, MP_ORIGIN_DEFAULT },
	{ "ACME", "X", "y", "scsi:iscsi", MP_SET_DEV_LOSS_TMO, MP_ORIGIN_OVERRIDES },
	{ "ACME", "X", "y", "scsi:fcp", MP_SET_DEV_LOSS_TMO, MP_ORIGIN_DEFAULT },
	{ "ACME", "X", "y", "nvme:tcp", MP_SET_FAST_IO_FAIL_TMO, MP_ORIGIN_OVERRIDES },
	{ "ACME", "X", "y", "scsi:fcp", MP_SET_FAST_IO_FAIL_TMO, MP_ORIGIN_DEFAULTS },
};

static void test_precedence_and_origins(void)
{
	struct mp_config *cfg = parse_ok(precedence_conf);

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	for (size_t i = 0; i < sizeof(origin_cases) / sizeof(origin_cases[0]); i++) {
		const struct origin_case *c = &origin_cases[i];
		struct mp_device_ident id = { c->vendor, c->product, NULL, c->wwid, c->protocol };
		struct mp_settings s;

		mp_config_resolve(cfg, &id, &s);
		if (s.origin[c->id] != c->origin)
			fprintf(stderr, "origin case %zu: %s is %s\n", i, mp_setting_name(c->id),
				mp_origin_to_string(s.origin[c->id]));
		CU_ASSERT_EQUAL(s.origin[c->id], c->origin);
	}
	mp_config_free(cfg);
}

static void test_precedence_values(void)
{
	struct mp_config *cfg = parse_ok(precedence_conf);
	struct mp_device_ident mp = { "NETAPP", "LUN", NULL, "3600a0980aaaa", "scsi:iscsi" };
	struct mp_device_ident dev = { "NETAPP", "LUN", NULL, "other", NULL };
	struct mp_settings s;
	const char *alias = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	mp_config_resolve(cfg, &mp, &s);
	CU_ASSERT_EQUAL(s.no_path_retry.mode, MP_NO_PATH_RETRY_COUNT);
	CU_ASSERT_EQUAL(s.no_path_retry.count, 9);
	CU_ASSERT_STRING_EQUAL(s.alias, "ora1");
	CU_ASSERT_EQUAL(s.rr_min_io_rq, 4);
	CU_ASSERT_EQUAL(s.dev_loss_tmo, 90);
	CU_ASSERT_EQUAL(s.failback.mode, MP_FAILBACK_IMMEDIATE);	/* hwtable beats defaults */
	CU_ASSERT_FALSE(s.user_friendly_names);			/* hwtable beats defaults */
	mp_config_resolve(cfg, &dev, &s);
	CU_ASSERT_EQUAL(s.no_path_retry.count, 7);
	CU_ASSERT_EQUAL(s.prio, MP_PRIO_CONST);
	CU_ASSERT_EQUAL(s.dev_loss_tmo, MP_DEV_LOSS_INFINITY);		/* hwtable */
	CU_ASSERT_PTR_NULL(s.alias);
	CU_ASSERT_EQUAL(mp_config_find_multipath(cfg, "3600a0980aaaa", &alias), 0);
	CU_ASSERT_STRING_EQUAL(alias, "ora1");
	CU_ASSERT_EQUAL(mp_config_find_multipath(cfg, "nope", &alias), -ENOENT);
	mp_config_free(cfg);
}

static void test_later_device_entry_wins(void)
{
	struct mp_config *cfg = parse_ok(
		"devices {\n"
		" device {\n  vendor \"ACME\"\n  product \".*\"\n  no_path_retry 3\n  prio alua\n }\n"
		" device {\n  vendor \"ACME\"\n  product \"Brick\"\n  revision \"^2\"\n"
		"  no_path_retry 4\n }\n"
		"}\n");
	struct mp_device_ident rev1 = { "ACME", "Brick", "1.0", NULL, NULL };
	struct mp_device_ident rev2 = { "ACME", "Brick", "2.1", NULL, NULL };
	struct mp_settings s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	mp_config_resolve(cfg, &rev1, &s);
	CU_ASSERT_EQUAL(s.no_path_retry.count, 3);
	mp_config_resolve(cfg, &rev2, &s);
	CU_ASSERT_EQUAL(s.no_path_retry.count, 4);
	CU_ASSERT_EQUAL(s.prio, MP_PRIO_ALUA);	/* merged field by field */
	CU_ASSERT_EQUAL(s.origin[MP_SET_PRIO], MP_ORIGIN_DEVICES);
	mp_config_free(cfg);
}

static void test_settings_dump_shows_origins(void)
{
	struct mp_config *cfg = parse_ok(precedence_conf);
	struct mp_device_ident id = { "NETAPP", "LUN", NULL, "3600a0980aaaa", NULL };
	struct mp_strbuf sb = MP_STRBUF_INIT;
	struct mp_settings s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	mp_config_resolve(cfg, &id, &s);
	CU_ASSERT_EQUAL(mp_settings_dump(&s, true, &sb), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "no_path_retry 9  # multipaths\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "alias \"ora1\"  # multipaths\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "prio const  # devices\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "dev_loss_tmo infinity  # hwtable\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "path_checker tur  # default\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "path_selector \"service-time 0\""));
	mp_strbuf_release(&sb);
	mp_config_free(cfg);
}

static void test_config_dump_round_trips(void)
{
	struct mp_config *cfg = parse_ok(precedence_conf), *again;
	struct mp_strbuf sb = MP_STRBUF_INIT, sb2 = MP_STRBUF_INIT;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(mp_config_dump(cfg, false, &sb), 0);
	again = parse_ok(mp_strbuf_str(&sb));
	CU_ASSERT_PTR_NOT_NULL_FATAL(again);
	CU_ASSERT_EQUAL(mp_config_dump(again, false, &sb2), 0);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb), mp_strbuf_str(&sb2));
	CU_ASSERT_EQUAL(mp_config_n_multipaths(again), 1);
	mp_strbuf_release(&sb2);
	/* the hardware table dumps back to a valid devices section as well */
	mp_strbuf_truncate(&sb, 0);
	CU_ASSERT_EQUAL(mp_config_dump(cfg, true, &sb), 0);
	mp_config_free(again);
	again = parse_ok(mp_strbuf_str(&sb));
	CU_ASSERT_TRUE(again && mp_config_n_devices(again) >= 16);
	mp_config_free(again);
	mp_strbuf_release(&sb);
	mp_config_free(cfg);
}

/* multipath -t/-T's defaults section: every keyword a defaults section
 * takes, with the value in force, and nothing it refuses (it parses back
 * to the same values). */
static void test_config_dump_defaults(void)
{
	struct mp_config *cfg = parse_ok("defaults {\n\tpolling_interval 7\n}\n"), *again;
	struct mp_strbuf sb = MP_STRBUF_INIT, sb2 = MP_STRBUF_INIT;
	struct mp_settings a, b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(mp_config_dump_defaults(cfg, &sb), 0);
	CU_ASSERT_EQUAL(strncmp(mp_strbuf_str(&sb), "defaults {\n", 11), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "\tpolling_interval 7\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "\tmax_polling_interval "));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "\tpath_checker tur\n"));
	CU_ASSERT_PTR_NULL(strstr(mp_strbuf_str(&sb), "hardware_handler"));
	again = parse_ok(mp_strbuf_str(&sb));
	CU_ASSERT_PTR_NOT_NULL_FATAL(again);
	CU_ASSERT_EQUAL(mp_config_dump_defaults(again, &sb2), 0);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb), mp_strbuf_str(&sb2));
	mp_config_defaults(cfg, &a);
	mp_config_defaults(again, &b);
	CU_ASSERT_EQUAL(a.polling_interval, b.polling_interval);
	CU_ASSERT_EQUAL(a.find_multipaths, b.find_multipaths);
	mp_strbuf_release(&sb);
	mp_strbuf_release(&sb2);
	mp_config_free(again);
	mp_config_free(cfg);
}

/* The compat clients' `show config` / -t / -T text: the effective
 * defaults, then the file's devices (and with the hardware table, the
 * built-in ones), overrides and multipaths; it parses back to the same. */
static void test_config_dump_full(void)
{
	struct mp_config *cfg = parse_ok("defaults {\n\tpolling_interval 7\n}\n"
					 "devices {\n\tdevice {\n\t\tvendor \"ACME\"\n"
					 "\t\tproduct \"Z9\"\n\t\tno_path_retry 3\n\t}\n}\n"), *again;
	struct mp_strbuf full = MP_STRBUF_INIT, bare = MP_STRBUF_INIT, again_text = MP_STRBUF_INIT;
	const char *t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL_FATAL(mp_config_dump_full(cfg, true, &full), 0);
	CU_ASSERT_EQUAL_FATAL(mp_config_dump_full(cfg, false, &bare), 0);
	t = mp_strbuf_str(&full);
	CU_ASSERT_EQUAL(strncmp(t, "defaults {\n", 11), 0);
	/* set and built-in defaults alike */
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "\tpolling_interval 7\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "\tpath_checker tur\n"));
	/* one defaults section only */
	CU_ASSERT_PTR_NULL(strstr(t + 1, "defaults {"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "\"ACME\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "\"QEMU HARDDISK\""));
	CU_ASSERT_PTR_NULL(strstr(mp_strbuf_str(&bare), "\"QEMU HARDDISK\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&bare), "\"ACME\""));
	again = parse_ok(mp_strbuf_str(&bare));
	CU_ASSERT_PTR_NOT_NULL_FATAL(again);
	CU_ASSERT_EQUAL(mp_config_dump_full(again, false, &again_text), 0);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&bare), mp_strbuf_str(&again_text));
	mp_strbuf_release(&full);
	mp_strbuf_release(&bare);
	mp_strbuf_release(&again_text);
	mp_config_free(again);
	mp_config_free(cfg);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(mp_origin_to_string(MP_ORIGIN_OVERRIDES), "overrides");
	CU_ASSERT_PTR_NULL(mp_origin_to_string(_MP_ORIGIN_MAX));
	CU_ASSERT_STRING_EQUAL(mp_setting_name(MP_SET_PATH_GROUPING_POLICY), "path_grouping_policy");
	for (int i = 0; i < _MP_SET_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(mp_setting_name((enum mp_setting_id)i));
	CU_ASSERT_PTR_NULL(mp_setting_name(_MP_SET_MAX));
	CU_ASSERT_STRING_EQUAL(mp_rr_weight_to_string(MP_RR_WEIGHT_PRIORITIES), "priorities");
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_hwtable_parses_cleanly),
	UNIT_TEST(test_hwtable_families),
	UNIT_TEST(test_unknown_identity_gets_defaults),
	UNIT_TEST(test_precedence_and_origins),
	UNIT_TEST(test_precedence_values),
	UNIT_TEST(test_later_device_entry_wins),
	UNIT_TEST(test_settings_dump_shows_origins),
	UNIT_TEST(test_config_dump_round_trips),
	UNIT_TEST(test_config_dump_defaults),
	UNIT_TEST(test_config_dump_full),
	UNIT_TEST(test_names),
	UNIT_END,
};
