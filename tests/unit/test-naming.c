/* Unit tests for the friendly-name sequence, the validators, the text check
 * and the choice of a map name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "mp/naming.h"

const char unit_suite_name[] = "naming";

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static void test_alias_sequence_boundaries(void)
{
	static const struct {
		unsigned long index;
		const char *prefix;
		const char *alias;
	} cases[] = {
		{ 1, NULL, "mpatha" },
		{ 2, NULL, "mpathb" },
		{ 26, NULL, "mpathz" },
		{ 27, NULL, "mpathaa" },
		{ 28, NULL, "mpathab" },
		{ 52, NULL, "mpathaz" },
		{ 53, NULL, "mpathba" },
		{ 702, NULL, "mpathzz" },
		{ 703, NULL, "mpathaaa" },
		{ 18278, NULL, "mpathzzz" },
		{ 18279, NULL, "mpathaaaa" },
		{ 1, "san", "sana" },
		{ 27, "db_", "db_aa" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		char *alias = NULL;
		unsigned long back = 0;

		CU_ASSERT_EQUAL_FATAL(mp_naming_alias_for_index(cases[i].prefix, cases[i].index,
								&alias), 0);
		CU_ASSERT_STRING_EQUAL(alias, cases[i].alias);
		CU_ASSERT_EQUAL(mp_naming_alias_index(cases[i].prefix, alias, &back), 0);
		CU_ASSERT_EQUAL(back, cases[i].index);
		free(alias);
	}
}

static void test_alias_sequence_errors(void)
{
	char long_prefix[MP_ALIAS_MAX + 1];
	char *alias = (char *)"untouched";
	unsigned long idx = 99;

	CU_ASSERT_EQUAL(mp_naming_alias_for_index(NULL, 0, &alias), -EINVAL);
	CU_ASSERT_EQUAL(mp_naming_alias_for_index("bad prefix", 1, &alias), -EINVAL);
	CU_ASSERT_EQUAL(mp_naming_alias_for_index("", 1, &alias), -EINVAL);
	memset(long_prefix, 'p', MP_ALIAS_MAX);
	long_prefix[MP_ALIAS_MAX] = '\0';
	CU_ASSERT_EQUAL(mp_naming_alias_for_index(long_prefix, 1, &alias), -ERANGE);
	CU_ASSERT_STRING_EQUAL(alias, "untouched");

	CU_ASSERT_EQUAL(mp_naming_alias_index(NULL, "mpath", &idx), -EINVAL);
	CU_ASSERT_EQUAL(mp_naming_alias_index(NULL, "mpathA", &idx), -EINVAL);
	CU_ASSERT_EQUAL(mp_naming_alias_index(NULL, "mpatha1", &idx), -EINVAL);
	CU_ASSERT_EQUAL(mp_naming_alias_index(NULL, "xpatha", &idx), -EINVAL);
	CU_ASSERT_EQUAL(mp_naming_alias_index(NULL, "mpathaaaaaaaaaaaaa", &idx), -EINVAL);
	CU_ASSERT_EQUAL(mp_naming_alias_index(NULL, NULL, &idx), -EINVAL);
	CU_ASSERT_EQUAL(idx, 99);
}

static void test_validators(void)
{
	static const struct {
		const char *s;
		bool alias_ok, wwid_ok;
	} cases[] = {
		{ "mpatha", true, true },
		{ "3600a098038303053453f463045727a6c", true, true },
		{ "db-data_01.x", true, true },
		{ "SATA_VBOX_HARDDISK_VB1234-5678", true, true },
		{ "", false, false },
		{ ".", false, true },
		{ "..", false, true },
		{ "has space", false, false },
		{ "has/slash", false, false },
		{ "hash#", false, false },
		{ "caf\xc3\xa9", false, false },
		{ "quote\"d", false, true },
		{ "tab\t", false, false },
	};
	char big[MP_WWID_MAX + 2];

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		CU_ASSERT_EQUAL(mp_naming_alias_valid(cases[i].s), cases[i].alias_ok);
		CU_ASSERT_EQUAL(mp_naming_wwid_valid(cases[i].s), cases[i].wwid_ok);
	}
	CU_ASSERT_FALSE(mp_naming_alias_valid(NULL));
	CU_ASSERT_FALSE(mp_naming_wwid_valid(NULL));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_FALSE(mp_naming_wwid_valid(big));
	CU_ASSERT_FALSE(mp_naming_alias_valid(big));
	big[sizeof(big) - 2] = '\0';
	CU_ASSERT_TRUE(mp_naming_wwid_valid(big));
	CU_ASSERT_TRUE(mp_naming_alias_valid(big));
}

static void test_check_text(void)
{
	static const char ok[] = "# c\r\nmpatha 36001\t\n\f\v";
	static const char nul[] = "mpatha 1\nmpathb 2\nmpa\0thc 3\n";
	static const char esc[] = "mpatha \x1b[31m\n";
	struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;

	CU_ASSERT_EQUAL(mp_naming_check_text(ok, sizeof(ok) - 1, &d), 0);
	CU_ASSERT_EQUAL(d.n, 0);
	CU_ASSERT_EQUAL(mp_naming_check_text(nul, sizeof(nul) - 1, &d), -EBADMSG);
	CU_ASSERT_EQUAL_FATAL(d.n, 1);
	CU_ASSERT_EQUAL(d.v[0].line, 3);
	CU_ASSERT_EQUAL(d.v[0].error, -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.v[0].msg, "not a text file"));
	CU_ASSERT_EQUAL(mp_naming_check_text(esc, sizeof(esc) - 1, NULL), -EBADMSG);
	CU_ASSERT_EQUAL(mp_naming_check_text("\x7f", 1, NULL), -EBADMSG);
	CU_ASSERT_EQUAL(mp_naming_check_text("", 0, NULL), 0);
	mp_naming_diags_release(&d);
	CU_ASSERT_PTR_NULL(d.v);
}

static struct mp_bindings *bindings_of(const char *text)
{
	struct mp_bindings *b = NULL;

	CU_ASSERT_EQUAL_FATAL(mp_bindings_parse(text, strlen(text), NULL, &b), 0);
	return b;
}

static void test_choose_precedence(void)
{
	static const char *const reserved[] = { "mpathb", "oracle" };
	static const struct {
		const char *wwid;
		bool ufn;
		const char *config_alias;
		const char *prefix;
		const char *name;
		enum mp_name_source source;
	} cases[] = {
		/* explicit alias wins whatever the other settings */
		{ "36001", true, "oracle", NULL, "oracle", MP_NAME_CONFIG_ALIAS },
		{ "36001", false, "oracle", NULL, "oracle", MP_NAME_CONFIG_ALIAS },
		/* no friendly names: the WWID, even if a binding exists */
		{ "36001", false, NULL, NULL, "36001", MP_NAME_WWID },
		/* existing binding returned unchanged */
		{ "36001", true, NULL, NULL, "mpatha", MP_NAME_BINDING },
		{ "36001", true, NULL, "other", "mpatha", MP_NAME_BINDING },
		/* new WWID: lowest free, skipping mpathb claimed by the config */
		{ "36003", true, NULL, NULL, "mpathd", MP_NAME_NEW_BINDING },
		{ "36004", true, NULL, "san", "sana", MP_NAME_NEW_BINDING },
		/* bound alias now claimed by the config for another WWID */
		{ "36002", true, NULL, NULL, "36002", MP_NAME_WWID_FALLBACK },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct mp_bindings *b = bindings_of("mpatha 36001\nmpathc 36005\nmpathb 36002\n");
		struct mp_naming_input in = {
			.wwid = cases[i].wwid,
			.user_friendly_names = cases[i].ufn,
			.config_alias = cases[i].config_alias,
			.alias_prefix = cases[i].prefix,
			.reserved = reserved,
			.n_reserved = ELEMENTSOF(reserved),
		};
		enum mp_name_source src = _MP_NAME_SOURCE_MAX;
		size_t before = mp_bindings_count(b);
		char *name = NULL;

		CU_ASSERT_EQUAL_FATAL(mp_naming_choose(&in, b, &name, &src), 0);
		CU_ASSERT_STRING_EQUAL(name, cases[i].name);
		CU_ASSERT_EQUAL(src, cases[i].source);
		CU_ASSERT_EQUAL(mp_bindings_count(b),
				before + (cases[i].source == MP_NAME_NEW_BINDING));
		if (src == MP_NAME_NEW_BINDING)
			CU_ASSERT_STRING_EQUAL(mp_bindings_lookup_wwid(b, cases[i].wwid), name);
		free(name);
		mp_bindings_free(b);
	}
}

static void test_choose_without_table_and_errors(void)
{
	struct mp_naming_input in = { .wwid = "36001", .user_friendly_names = true };
	enum mp_name_source src = MP_NAME_BINDING;
	char *name = NULL;

	CU_ASSERT_EQUAL_FATAL(mp_naming_choose(&in, NULL, &name, &src), 0);
	CU_ASSERT_STRING_EQUAL(name, "36001");
	CU_ASSERT_EQUAL(src, MP_NAME_WWID_FALLBACK);
	CU_ASSERT_STRING_EQUAL(mp_name_source_to_string(src), "wwid fallback");
	CU_ASSERT_PTR_NULL(mp_name_source_to_string(_MP_NAME_SOURCE_MAX));
	free(name);

	name = NULL;
	in.wwid = "bad wwid";
	CU_ASSERT_EQUAL(mp_naming_choose(&in, NULL, &name, &src), -EINVAL);
	in.wwid = "36001";
	in.config_alias = "bad/alias";
	CU_ASSERT_EQUAL(mp_naming_choose(&in, NULL, &name, &src), -EINVAL);
	in.config_alias = NULL;
	in.alias_prefix = "bad prefix";
	{
		struct mp_bindings *b = bindings_of("");

		CU_ASSERT_EQUAL(mp_naming_choose(&in, b, &name, &src), -EINVAL);
		CU_ASSERT_EQUAL(mp_bindings_count(b), 0);
		mp_bindings_free(b);
	}
	CU_ASSERT_PTR_NULL(name);
	CU_ASSERT_EQUAL(mp_naming_choose(NULL, NULL, &name, &src), -EINVAL);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_alias_sequence_boundaries),
	UNIT_TEST(test_alias_sequence_errors),
	UNIT_TEST(test_validators),
	UNIT_TEST(test_check_text),
	UNIT_TEST(test_choose_precedence),
	UNIT_TEST(test_choose_without_table_and_errors),
	UNIT_END
};
