/* mpctl's argument words (mpctl/args.c): the strict numbers every numeric
 * option goes through (words that strtol/strtod alone would take must be
 * refused), and the MAP|WWID argument of add map / multipath -a with a
 * t10. WWID as one word with blank runs or split over several words; the
 * command words of multipathd's client mode, refused whole when too long. */
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

static void test_command_words(void)
{
	static const struct {
		int argc;
		const char *argv[4];
		int rc;
		const char *joined;	/* the words joined with '|' */
	} cases[] = {
		{ 2, { "show", "status" }, 0, "show|status" },
		{ 1, { "show status" }, 0, "show|status" },
		{ 1, { "  show \t maps   raw " }, 0, "show|maps|raw" },
		{ 1, { "reconfigure" }, 0, "reconfigure" },
		{ 3, { "show", "paths format", "%d %t" }, 0, "show|paths format|%d %t" },
		{ 1, { "a b c d e f g h i j k l m n o p q r s t" }, 0,
		  "a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s|t" },
		{ 0, { NULL }, -EINVAL, NULL },
		{ 1, { "" }, -EINVAL, NULL },
		{ 1, { "   " }, -EINVAL, NULL },
		/* 20 bytes joined, refused under a limit of 20 */
		{ 3, { "show", "maps", "raw format" }, -E2BIG, NULL },
		{ 1, { "show maps  raw format" }, -E2BIG, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char **w = NULL;
		size_t n = 0;
		char joined[128] = "";
		int r = mpctl_command_words(cases[i].argc, (char *const *)cases[i].argv,
					    cases[i].rc == -E2BIG ? 20 : 4096, &w, &n);

		CU_ASSERT_EQUAL(r, cases[i].rc);
		if (r != 0 || cases[i].rc != 0)
			continue;
		for (size_t k = 0; k < n; k++)
			snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s",
				 k ? "|" : "", w[k]);
		CU_ASSERT_STRING_EQUAL(joined, cases[i].joined);
		free(w);
	}
}

/* More than 16 words, and a request at the daemon's limit: every word is
 * kept up to it, one byte more is refused (never cut to fit). */
static void test_command_words_long(void)
{
	static char argv0[8192], *many[40];
	const char **w = NULL;
	size_t n = 0;

	for (int i = 0; i < 40; i++)
		many[i] = i % 2 ? "word" : "x";
	CU_ASSERT_EQUAL(mpctl_command_words(40, many, 4096, &w, &n), 0);
	CU_ASSERT_EQUAL(n, 40);
	if (n == 40)
		CU_ASSERT_STRING_EQUAL(w[39], "word");
	free(w);
	/* one word of 4095 bytes with blanks: 2048 words, taken */
	for (size_t i = 0; i < 4095; i++)
		argv0[i] = i % 2 ? ' ' : 'a';
	argv0[4095] = '\0';
	CU_ASSERT_EQUAL(mpctl_command_words(1, (char *[]){ argv0 }, 4096, &w, &n), 0);
	CU_ASSERT_EQUAL(n, 2048);
	free(w);
	/* 4096 bytes: refused, as are 4096 bytes spread over argv words */
	argv0[4095] = 'b';
	argv0[4096] = '\0';
	w = NULL;
	CU_ASSERT_EQUAL(mpctl_command_words(1, (char *[]){ argv0 }, 4096, &w, &n), -E2BIG);
	CU_ASSERT_PTR_NULL(w);
	memset(argv0, 'c', 4094);
	argv0[4094] = '\0';
	CU_ASSERT_EQUAL(mpctl_command_words(2, (char *[]){ argv0, "d" }, 4096, &w, &n), -E2BIG);
	CU_ASSERT_EQUAL(mpctl_command_words(2, (char *[]){ argv0, "" }, 4096, &w, &n), 0);
	free(w);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_count),
	UNIT_TEST(test_seconds),
	UNIT_TEST(test_map_arg),
	UNIT_TEST(test_map_arg_limits),
	UNIT_TEST(test_command_words),
	UNIT_TEST(test_command_words_long),
	UNIT_END,
};
