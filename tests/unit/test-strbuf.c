/* Unit tests for the string buffer: growth, printf, steal, truncate. */
#include <string.h>
#include <stdlib.h>

#include "unit.h"
#include "mp/strbuf.h"

const char unit_suite_name[] = "strbuf";

static void test_empty_is_empty_string(void)
{
	struct mp_strbuf sb = MP_STRBUF_INIT;

	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb), "");
	CU_ASSERT_EQUAL(sb.len, 0);
}

static void test_append_grows_past_initial_capacity(void)
{
	struct mp_strbuf sb = MP_STRBUF_INIT;
	char chunk[100];

	memset(chunk, 'x', sizeof(chunk));
	for (int i = 0; i < 50; i++)
		CU_ASSERT_EQUAL(mp_strbuf_append(&sb, chunk, sizeof(chunk)), 0);
	CU_ASSERT_EQUAL(sb.len, 5000);
	CU_ASSERT_EQUAL(strlen(mp_strbuf_str(&sb)), 5000);
	mp_strbuf_release(&sb);
}

static void test_printf_and_truncate(void)
{
	struct mp_strbuf sb = MP_STRBUF_INIT;

	CU_ASSERT_EQUAL(mp_strbuf_printf(&sb, "%d %s", 42, "paths"), 0);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb), "42 paths");
	mp_strbuf_truncate(&sb, 2);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb), "42");
	mp_strbuf_truncate(&sb, 10);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb), "42");
	mp_strbuf_release(&sb);
}

static void test_steal_hands_over_and_empties(void)
{
	struct mp_strbuf sb = MP_STRBUF_INIT;
	char *s;

	mp_strbuf_puts(&sb, "mpatha");
	s = mp_strbuf_steal(&sb);
	CU_ASSERT_STRING_EQUAL(s, "mpatha");
	CU_ASSERT_PTR_NULL(sb.buf);
	CU_ASSERT_EQUAL(sb.len, 0);
	free(s);
	s = mp_strbuf_steal(&sb);
	CU_ASSERT_STRING_EQUAL(s, "");
	free(s);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_empty_is_empty_string),
	UNIT_TEST(test_append_grows_past_initial_capacity),
	UNIT_TEST(test_printf_and_truncate),
	UNIT_TEST(test_steal_hands_over_and_empties),
	UNIT_END
};
