/* Unit tests for the blacklist: each kind of rule, negation, exceptions
 * winning, the property whitelist, the built-in list, bad regexes and the
 * reasons handed back for logging. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "unit.h"
#include "mp/blacklist.h"

const char unit_suite_name[] = "blacklist";

struct rule {
	bool exception;
	enum mp_blacklist_kind kind;
	const char *re1, *re2;
};

static struct mp_blacklist *build(const struct rule *rules, size_t n)
{
	struct mp_blacklist *bl = NULL;

	CU_ASSERT_EQUAL_FATAL(mp_blacklist_new(&bl), 0);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_EQUAL_FATAL(mp_blacklist_add(bl, rules[i].exception, rules[i].kind,
						       rules[i].re1, rules[i].re2, NULL, 0), 0);
	return bl;
}

static void test_rules_table(void)
{
	static const struct rule rules[] = {
		{ false, MP_BL_DEVNODE, "^sd[a-c]$", NULL },
		{ false, MP_BL_WWID, "^3600a0b80", NULL },
		{ false, MP_BL_DEVICE, "^QEMU", "^QEMU HARDDISK" },
		{ false, MP_BL_DEVICE, NULL, "^VIRTUAL-DISK" },
		{ false, MP_BL_PROTOCOL, "scsi:sas", NULL },
		{ true, MP_BL_DEVNODE, "^sdb$", NULL },
		{ true, MP_BL_WWID, "^3600a0b80000000aa", NULL },
	};
	static const struct {
		struct mp_blacklist_input in;
		enum mp_blacklist_verdict want;
		const char *reason;
	} cases[] = {
		{ { .devnode = "sda" }, MP_BL_EXCLUDED, "devnode \"^sd[a-c]$\" (blacklist)" },
		{ { .devnode = "sdb" }, MP_BL_EXCEPTED, "devnode \"^sdb$\" (exception)" },
		{ { .devnode = "sdd" }, MP_BL_ALLOWED, "no rule matched" },
		{ { .devnode = "sdd", .wwid = "3600a0b800000001" }, MP_BL_EXCLUDED,
		  "wwid \"^3600a0b80\" (blacklist)" },
		/* an exception only excuses rules of its own kind */
		{ { .devnode = "sda", .wwid = "3600a0b80000000aa11" }, MP_BL_EXCLUDED,
		  "devnode \"^sd[a-c]$\" (blacklist)" },
		{ { .devnode = "sdd", .wwid = "3600a0b80000000aa11" }, MP_BL_EXCEPTED,
		  "wwid \"^3600a0b80000000aa\" (exception)" },
		{ { .devnode = "sdx", .vendor = "QEMU", .product = "QEMU HARDDISK" },
		  MP_BL_EXCLUDED, "device \"^QEMU\" \"^QEMU HARDDISK\" (blacklist)" },
		/* vendor regex given but vendor unknown: no match */
		{ { .devnode = "sdx", .product = "QEMU HARDDISK" }, MP_BL_ALLOWED, NULL },
		{ { .devnode = "sdx", .vendor = "QEMU", .product = "QEMU CD-ROM" },
		  MP_BL_ALLOWED, NULL },
		{ { .devnode = "sdx", .vendor = "ANY", .product = "VIRTUAL-DISK" },
		  MP_BL_EXCLUDED, "device \"\" \"^VIRTUAL-DISK\" (blacklist)" },
		{ { .devnode = "sdx", .protocol = "scsi:sas" }, MP_BL_EXCLUDED,
		  "protocol \"scsi:sas\" (blacklist)" },
		{ { .devnode = "sdx", .protocol = "scsi:iscsi" }, MP_BL_ALLOWED, NULL },
		/* nothing known: nothing matches */
		{ { 0 }, MP_BL_ALLOWED, NULL },
	};
	struct mp_blacklist *bl = build(rules, sizeof(rules) / sizeof(rules[0]));

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char reason[128];

		CU_ASSERT_EQUAL(mp_blacklist_check(bl, &cases[i].in, reason, sizeof(reason)),
				cases[i].want);
		if (cases[i].reason)
			CU_ASSERT_STRING_EQUAL(reason, cases[i].reason);
	}
	mp_blacklist_free(bl);
}

static void test_negated_devnode(void)
{
	static const struct rule rules[] = {
		{ false, MP_BL_DEVNODE, "!^sd[a-z]", NULL },
	};
	struct mp_blacklist *bl = build(rules, 1);
	struct mp_blacklist_input in = { .devnode = "loop0" };
	char reason[64];

	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, reason, sizeof(reason)), MP_BL_EXCLUDED);
	CU_ASSERT_STRING_EQUAL(reason, "devnode \"!^sd[a-z]\" (blacklist)");
	in.devnode = "sdq";
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, NULL, 0), MP_BL_ALLOWED);
	/* a negated rule does not exclude an unknown devnode */
	in.devnode = NULL;
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, NULL, 0), MP_BL_ALLOWED);
	mp_blacklist_free(bl);
}

static void test_wildcard_with_exceptions(void)
{
	/* The classic "blacklist everything, except these" configuration. */
	static const struct rule rules[] = {
		{ false, MP_BL_WWID, ".*", NULL },
		{ true, MP_BL_WWID, "^36001405a1b2c3d4", NULL },
		{ true, MP_BL_DEVICE, "^NETAPP", "^LUN" },
	};
	struct mp_blacklist *bl = build(rules, 3);
	struct mp_blacklist_input in = { .devnode = "sdc", .wwid = "36001405a1b2c3d4e5" };

	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, NULL, 0), MP_BL_EXCEPTED);
	in.wwid = "36001405ffff";
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, NULL, 0), MP_BL_EXCLUDED);
	/* a device exception does not undo a wwid rule: kinds do not cross */
	in.vendor = "NETAPP";
	in.product = "LUN C-Mode";
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, NULL, 0), MP_BL_EXCLUDED);
	in.wwid = "36001405a1b2c3d4ff";
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, NULL, 0), MP_BL_EXCEPTED);
	mp_blacklist_free(bl);
}

static void test_properties(void)
{
	static const struct rule rules[] = {
		{ false, MP_BL_PROPERTY, "^ID_CDROM$", NULL },
		{ false, MP_BL_PROPERTY, "^ID_FS_TYPE$", NULL },
		{ false, MP_BL_DEVNODE, "^sdz$", NULL },
		{ true, MP_BL_PROPERTY, "(SCSI_IDENT_|ID_WWN)", NULL },
	};
	static const char *const with_wwn[] = { "DEVNAME", "ID_WWN", "ID_FS_TYPE", NULL };
	static const char *const cdrom[] = { "DEVNAME", "ID_CDROM", NULL };
	static const char *const plain[] = { "DEVNAME", "ID_SERIAL", NULL };
	struct mp_blacklist *bl = build(rules, 4);
	struct mp_blacklist_input in = { .devnode = "sdc" };
	char reason[128];

	/* properties unknown: the whitelist does not apply */
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, NULL, 0), MP_BL_ALLOWED);
	/* a property exception excuses property blacklist rules ... */
	in.properties = with_wwn;
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, NULL, 0), MP_BL_ALLOWED);
	/* ... but not rules of other kinds */
	in.devnode = "sdz";
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, reason, sizeof(reason)), MP_BL_EXCLUDED);
	CU_ASSERT_STRING_EQUAL(reason, "devnode \"^sdz$\" (blacklist)");
	in.devnode = "sdc";
	in.properties = cdrom;
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, reason, sizeof(reason)), MP_BL_EXCLUDED);
	CU_ASSERT_STRING_EQUAL(reason, "property \"^ID_CDROM$\" (blacklist)");
	in.properties = plain;
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, reason, sizeof(reason)), MP_BL_EXCLUDED);
	CU_ASSERT_PTR_NOT_NULL(strstr(reason, "blacklist_exceptions"));
	mp_blacklist_free(bl);
}

static void test_builtin(void)
{
	static const char *const ident[] = { "ID_WWN", NULL };
	static const struct {
		const char *devnode, *vendor, *product;
		enum mp_blacklist_verdict want;
	} cases[] = {
		{ "sda", "LIO-ORG", "disk0", MP_BL_ALLOWED },
		{ "sdaa", "ATA", "Samsung SSD", MP_BL_ALLOWED },
		{ "nvme0n1", NULL, NULL, MP_BL_ALLOWED },
		{ "dasdb", NULL, NULL, MP_BL_ALLOWED },
		{ "nvme0c1n1", NULL, NULL, MP_BL_EXCLUDED },
		{ "loop3", NULL, NULL, MP_BL_EXCLUDED },
		{ "ram0", NULL, NULL, MP_BL_EXCLUDED },
		{ "zram0", NULL, NULL, MP_BL_EXCLUDED },
		{ "dm-4", NULL, NULL, MP_BL_EXCLUDED },
		{ "md127", NULL, NULL, MP_BL_EXCLUDED },
		{ "sr0", NULL, NULL, MP_BL_EXCLUDED },
		{ "st0", NULL, NULL, MP_BL_EXCLUDED },
		{ "fd0", NULL, NULL, MP_BL_EXCLUDED },
		{ "vda", NULL, NULL, MP_BL_EXCLUDED },
		{ "sdf", "LSI", "Universal Xport", MP_BL_EXCLUDED },
		{ "sdg", "DGC", "LUNZ", MP_BL_EXCLUDED },
		{ "sdh", "DGC", "VRAID", MP_BL_ALLOWED },
	};
	struct mp_blacklist *bl = NULL;

	CU_ASSERT_EQUAL_FATAL(mp_blacklist_new(&bl), 0);
	CU_ASSERT_EQUAL_FATAL(mp_blacklist_add_builtin(bl), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mp_blacklist_input in = {
			.devnode = cases[i].devnode, .vendor = cases[i].vendor,
			.product = cases[i].product, .properties = ident,
		};
		char reason[128] = "unset";
		enum mp_blacklist_verdict v = mp_blacklist_check(bl, &in, reason, sizeof(reason));

		CU_ASSERT_EQUAL(v, cases[i].want);
		CU_ASSERT_NOT_EQUAL(strcmp(reason, "unset"), 0);
	}
	/* an admin's exception on a builtin-excluded node wins */
	CU_ASSERT_EQUAL(mp_blacklist_add(bl, true, MP_BL_DEVNODE, "^vdb$", NULL, NULL, 0), 0);
	{
		struct mp_blacklist_input in = { .devnode = "vdb", .properties = ident };

		CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, NULL, 0), MP_BL_EXCEPTED);
	}
	mp_blacklist_free(bl);
}

static void test_bad_rules(void)
{
	static const struct {
		enum mp_blacklist_kind kind;
		const char *re1, *re2;
		bool msg;
	} cases[] = {
		{ MP_BL_DEVNODE, "^sd[a-", NULL, true },
		{ MP_BL_WWID, "(unclosed", NULL, true },
		{ MP_BL_DEVNODE, "!a{2,1}", NULL, true },
		{ MP_BL_DEVICE, "^OK", "[[:nosuchclass:]]", true },
		{ MP_BL_DEVICE, NULL, NULL, true },
		{ MP_BL_DEVNODE, NULL, NULL, true },
		{ MP_BL_WWID, "a", "b", true },
		{ _MP_BL_KIND_MAX, "a", NULL, false },
	};
	struct mp_blacklist *bl = NULL;
	struct mp_blacklist_input in = { .devnode = "sda", .vendor = "OK", .product = "x" };

	CU_ASSERT_EQUAL_FATAL(mp_blacklist_new(&bl), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[128] = "x";

		CU_ASSERT_EQUAL(mp_blacklist_add(bl, false, cases[i].kind, cases[i].re1,
						 cases[i].re2, err, sizeof(err)), -EINVAL);
		if (cases[i].msg)
			CU_ASSERT_NOT_EQUAL(err[0], '\0');
	}
	/* none of the failed rules was added */
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, NULL, 0), MP_BL_ALLOWED);
	CU_ASSERT_EQUAL(mp_blacklist_add(NULL, false, MP_BL_WWID, "a", NULL, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(mp_blacklist_new(NULL), -EINVAL);
	mp_blacklist_free(bl);
	mp_blacklist_free(NULL);
}

static void test_reason_truncation_and_names(void)
{
	static const struct rule rules[] = {
		{ false, MP_BL_DEVNODE, "^sd", NULL },
	};
	struct mp_blacklist *bl = build(rules, 1);
	struct mp_blacklist_input in = { .devnode = "sda" };
	char small[8];

	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &in, small, sizeof(small)), MP_BL_EXCLUDED);
	CU_ASSERT_EQUAL(strlen(small), sizeof(small) - 1);
	CU_ASSERT_EQUAL(mp_blacklist_check(NULL, &in, NULL, 0), MP_BL_ALLOWED);
	CU_ASSERT_STRING_EQUAL(mp_blacklist_kind_to_string(MP_BL_PROTOCOL), "protocol");
	CU_ASSERT_PTR_NULL(mp_blacklist_kind_to_string(_MP_BL_KIND_MAX));
	mp_blacklist_free(bl);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_rules_table),
	UNIT_TEST(test_negated_devnode),
	UNIT_TEST(test_wildcard_with_exceptions),
	UNIT_TEST(test_properties),
	UNIT_TEST(test_builtin),
	UNIT_TEST(test_bad_rules),
	UNIT_TEST(test_reason_truncation_and_names),
	UNIT_END,
};
