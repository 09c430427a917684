/* mpctl's argument words (mpctl/args.c): the strict numbers every numeric
 * option goes through (words that strtol/strtod alone would take must be
 * refused), and the MAP|WWID argument of add map / multipath -a with a
 * t10. WWID as one word with blank runs or split over several words. */
#include <errno.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "../../mpctl/args.c"
#include "unit.h"

const char unit_suite_name[] = "mpctl-args";

static void test_count(void)
{
	static const struct {
		const char *s;
		long lo, hi;
		int rc;
		long v;
	} cases[] = {
		{ "5", 1, 10, 0, 5 },
		{ "0", 0, 1024, 0, 0 },
		{ "1024", 0, 1024, 0, 1024 },
		{ "007", 0, 10, 0, 7 },
		{ "1025", 0, 1024, -ERANGE, 0 },
		{ "0", 1, 10, -ERANGE, 0 },
		{ "99999999999999999999999", 1, 10, -ERANGE, 0 },
		{ "", 1, 10, -EINVAL, 0 },
		{ "two", 1, 10, -EINVAL, 0 },
		{ "2x", 1, 10, -EINVAL, 0 },
		{ " 5", 1, 10, -EINVAL, 0 },
		{ "5 ", 1, 10, -EINVAL, 0 },
		{ "+5", 1, 10, -EINVAL, 0 },
		{ "-1", -5, 10, -EINVAL, 0 },
		{ "0x10", 1, 100, -EINVAL, 0 },
		{ "1.5", 1, 10, -EINVAL, 0 },
		{ "1e1", 1, 100, -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long v = -42;

		CU_ASSERT_EQUAL(mpctl_parse_count(cases[i].s, cases[i].lo, cases[i].hi, &v), cases[i].rc);
		/* written only on success */
		CU_ASSERT_EQUAL(v, cases[i].rc == 0 ? cases[i].v : -42);
	}
	CU_ASSERT_EQUAL(mpctl_parse_count(NULL, 0, 1, &(long){ 0 }), -EINVAL);
}

static void test_seconds(void)
{
	static const struct {
		const char *s;
		int rc;
		double v;
	} cases[] = {
		{ "5", 0, 5 },
		{ "0.5", 0, 0.5 },
		{ ".25", 0, 0.25 },
		{ "3.", 0, 3 },
		{ "3600", 0, 3600 },
		{ "0.001", 0, 0.001 },
		{ "0", -ERANGE, 0 },
		{ "0.0001", -ERANGE, 0 },
		{ "3600.5", -ERANGE, 0 },
		{ "", -EINVAL, 0 },
		{ ".", -EINVAL, 0 },
		{ "1..2", -EINVAL, 0 },
		{ "1.2.3", -EINVAL, 0 },
		{ "inf", -EINVAL, 0 },
		{ "nan", -EINVAL, 0 },
		{ "1e3", -EINVAL, 0 },
		{ "0x1p3", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "10s", -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double v = -42;

		CU_ASSERT_EQUAL(mpctl_parse_seconds(cases[i].s, 0.001, 3600, &v), cases[i].rc);
		/* written only on success */
		CU_ASSERT_DOUBLE_EQUAL(v, cases[i].rc == 0 ? cases[i].v : -42, 1e-9);
	}
}

static void test_map_arg(void)
{
	static const struct {
		const char *words[6];
		int rc;
		const char *want;
	} cases[] = {
		/* one blank-free word: as is, for the daemon to resolve */
		{ { "mpatha" }, 0, "mpatha" },
		{ { "/dev/sdc" }, 0, "/dev/sdc" },
		{ { "36001405abcdef" }, 0, "36001405abcdef" },
		{ { "naa.6001405ABCDEF" }, 0, "naa.6001405ABCDEF" },
		/* the sysfs form with blank runs, as one word */
		{ { "t10.ATA     QEMU HARDDISK                           QM00001 " }, 0,
		  "1ATA_QEMU_HARDDISK_QM00001" },
		{ { "T10.Linux   scsi_debug      2000" }, 0, "1Linux_scsi_debug_2000" },
		/* the same split by the shell: the same WWID */
		{ { "t10.ATA", "QEMU", "HARDDISK", "QM00001" }, 0, "1ATA_QEMU_HARDDISK_QM00001" },
		{ { "t10.Linux", "scsi_debug", "2000" }, 0, "1Linux_scsi_debug_2000" },
		/* several words that are not one t10. WWID */
		{ { "mpatha", "mpathb" }, -E2BIG, NULL },
		{ { "naa.6001405", "abc" }, -E2BIG, NULL },
		/* blanks in something that is not a t10. WWID */
		{ { "mpath a" }, -EINVAL, NULL },
		{ { "naa.6001405 abc" }, -EINVAL, NULL },
		{ { "t10.   " }, -EINVAL, NULL },
		{ { "" }, -EINVAL, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[MP_WWID_SIZE] = "untouched";
		size_t n = 0;

		while (n < 6 && cases[i].words[n])
			n++;
		CU_ASSERT_EQUAL(mpctl_map_arg((char *const *)cases[i].words, n, got, sizeof(got)),
				cases[i].rc);
		CU_ASSERT_STRING_EQUAL(got, cases[i].rc == 0 ? cases[i].want : "untouched");
	}
}

static void test_map_arg_limits(void)
{
	char *one[] = { "t10.Linux", "scsi_debug", "2000" };
	char small[8], big[300], out[MP_WWID_SIZE];

	CU_ASSERT_EQUAL(mpctl_map_arg(one, 0, small, sizeof(small)), -EINVAL);
	CU_ASSERT_EQUAL(mpctl_map_arg(one, 3, small, sizeof(small)), -ENAMETOOLONG);
	CU_ASSERT_EQUAL(mpctl_map_arg((char *[]){ "mpathabcdef" }, 1, small, sizeof(small)), -ENAMETOOLONG);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "t10.A ", 6);
	CU_ASSERT_EQUAL(mpctl_map_arg((char *[]){ big }, 1, out, sizeof(out)), -ENAMETOOLONG);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_count),
	UNIT_TEST(test_seconds),
	UNIT_TEST(test_map_arg),
	UNIT_TEST(test_map_arg_limits),
	UNIT_END,
};
