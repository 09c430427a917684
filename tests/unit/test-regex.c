/* Unit tests for bounded regex compilation: ordinary name patterns
 * compile, patterns that would make regcomp allocate without limit are
 * refused before it runs, and bad syntax is reported. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "util/regex.h"

const char unit_suite_name[] = "regex";

static void test_ordinary_patterns_compile(void)
{
	static const char *const ok[] = {
		"^sd[a-z]+$", "^(ram|loop|fd|md|dm-|sr|scd|st)[0-9]*", "3600a0b8.*",
		"LUN.*", "a{1,3}b{2}", "\\+\\+\\+literal", "x+?", "",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		regex_t re;

		CU_ASSERT_TRUE(mp_regex_sane(ok[i]));
		CU_ASSERT_EQUAL_FATAL(mp_regex_compile(&re, ok[i], 0, NULL, 0), 0);
		regfree(&re);
	}
}

static void test_pathological_patterns_refused(void)
{
	char longpat[MP_REGEX_MAX_LEN + 2];
	char err[200] = "";
	regex_t re;

	CU_ASSERT_FALSE(mp_regex_sane("a+++"));
	CU_ASSERT_FALSE(mp_regex_sane("x*+?*"));
	CU_ASSERT_FALSE(mp_regex_sane("(a{200}){200}"));
	CU_ASSERT_FALSE(mp_regex_sane("a{1}b{1}c{1}"));
	memset(longpat, 'a', sizeof(longpat) - 1);
	longpat[sizeof(longpat) - 1] = '\0';
	CU_ASSERT_FALSE(mp_regex_sane(longpat));
	/* the fuzzer's find: 128 stacked '+' made glibc's regcomp use > 1 GiB */
	char plus[140] = "* 2 \x11";
	memset(plus + strlen(plus), '+', 128);
	plus[sizeof(plus) - 1] = '\0';
	CU_ASSERT_EQUAL(mp_regex_compile(&re, plus, 0, err, sizeof(err)), -E2BIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "repeats too much"));
}

static void test_bad_syntax_reported(void)
{
	char err[200] = "";
	regex_t re;

	CU_ASSERT_EQUAL(mp_regex_compile(&re, "a[", 0, err, sizeof(err)), -EINVAL);
	CU_ASSERT_NOT_EQUAL(err[0], '\0');
	CU_ASSERT_EQUAL(mp_regex_compile(&re, "(ab", 0, NULL, 0), -EINVAL);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_ordinary_patterns_compile),
	UNIT_TEST(test_pathological_patterns_refused),
	UNIT_TEST(test_bad_syntax_reported),
	UNIT_END
};
