/* Unit tests for the bindings table: real-looking files, every corruption
 * case, the preserve-verbatim rule, allocation (gaps, reserved aliases,
 * idempotence) and the locked-edit step. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "mp/naming.h"
#include "mp/strbuf.h"

const char unit_suite_name[] = "bindings";

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* Shaped like a file multipath-tools has been maintaining for a while. */
static const char real_file[] =
	"# Multipath bindings, Version : 1.0\n"
	"# NOTE: this file is automatically maintained by the multipath program.\n"
	"# You should not need to edit this file in normal circumstances.\n"
	"#\n"
	"# Format:\n"
	"# alias wwid\n"
	"#\n"
	"mpatha 3600a098038303053453f463045727a6c\n"
	"mpathb 36001405e3c2841a7e5a4b2d9d9e6d1f2\n"
	"\n"
	"mpathd\t360014053b6a8cd6d6a54d6b3a9c0c8b1   # moved from host2\r\n"
	"   mpathaa 3600508b4000156d700012000000b0000\n"
	"mpathc SATA_VBOX_HARDDISK_VBc1e2d3f4-a5b6c7d8";

static struct mp_bindings *parse_ok(const char *text, struct mp_naming_diags *d)
{
	struct mp_bindings *b = NULL;

	CU_ASSERT_EQUAL_FATAL(mp_bindings_parse(text, strlen(text), d, &b), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	return b;
}

static void test_parse_real_file(void)
{
	struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;
	struct mp_bindings *b = parse_ok(real_file, &d);
	const char *alias, *wwid;

	CU_ASSERT_EQUAL(d.n, 0);
	CU_ASSERT_EQUAL(mp_bindings_count(b), 5);
	CU_ASSERT_EQUAL(mp_bindings_preserved_count(b), 0);
	CU_ASSERT_STRING_EQUAL(mp_bindings_lookup_wwid(b, "360014053b6a8cd6d6a54d6b3a9c0c8b1"),
			       "mpathd");
	CU_ASSERT_STRING_EQUAL(mp_bindings_lookup_alias(b, "mpathaa"),
			       "3600508b4000156d700012000000b0000");
	CU_ASSERT_STRING_EQUAL(mp_bindings_lookup_alias(b, "mpathc"),
			       "SATA_VBOX_HARDDISK_VBc1e2d3f4-a5b6c7d8");
	CU_ASSERT_PTR_NULL(mp_bindings_lookup_alias(b, "mpathe"));
	CU_ASSERT_PTR_NULL(mp_bindings_lookup_wwid(b, "mpatha"));
	CU_ASSERT_EQUAL(mp_bindings_get(b, 0, &alias, &wwid), 0);
	CU_ASSERT_STRING_EQUAL(alias, "mpatha");
	CU_ASSERT_EQUAL(mp_bindings_get(b, 5, &alias, &wwid), -ENOENT);
	mp_bindings_free(b);
	mp_naming_diags_release(&d);
}

static void test_parse_empty_and_comments(void)
{
	static const char *const texts[] = { "", "\n\n", "# only\n#comments", "   \t\r\n" };

	for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
		struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;
		struct mp_bindings *b = parse_ok(texts[i], &d);

		CU_ASSERT_EQUAL(mp_bindings_count(b), 0);
		CU_ASSERT_EQUAL(d.n, 0);
		mp_bindings_free(b);
	}
}

/* Each bad line on line 2, after one good binding: the diagnostic names the
 * line, the good binding survives and the bad line is preserved. */
static void test_malformed_lines(void)
{
	static const struct {
		const char *line;
		int error;
		const char *words;	/* substring expected in the message */
		size_t preserved;
	} cases[] = {
		{ "mpathb", -EINVAL, "1 word", 1 },
		{ "mpathb 36002 extra", -EINVAL, "3 words", 1 },
		{ "mpath/b 36002", -EINVAL, "characters outside", 1 },
		{ "mpath\xc3\xa9 36002", -EINVAL, "characters outside", 1 },
		{ "mpathb 3600\xc3\xa9", -EINVAL, "invalid characters", 1 },
		{ "mpathb 3600000000000000000000000000000000000000000000000000000000000000"
		  "000000000000000000000000000000000000000000000000000000000000000000001",
		  -EINVAL, "wwid longer", 1 },
		{ "mpatha 36009", -EEXIST, "already bound to 36001", 1 },
		{ "mpathz 36001", -EEXIST, "already bound to alias mpatha", 1 },
		{ "mpatha   36001", -EEXIST, "repeats", 0 },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;
		struct mp_strbuf out = MP_STRBUF_INIT;
		struct mp_bindings *b;
		char text[512];

		snprintf(text, sizeof(text), "mpatha 36001\n%s\nmpathc 36003\n", cases[i].line);
		b = parse_ok(text, &d);
		CU_ASSERT_EQUAL(mp_bindings_count(b), 2);
		CU_ASSERT_STRING_EQUAL(mp_bindings_lookup_wwid(b, "36001"), "mpatha");
		CU_ASSERT_STRING_EQUAL(mp_bindings_lookup_wwid(b, "36003"), "mpathc");
		CU_ASSERT_EQUAL(mp_bindings_preserved_count(b), cases[i].preserved);
		CU_ASSERT_EQUAL_FATAL(d.n, 1);
		CU_ASSERT_EQUAL(d.v[0].line, 2);
		CU_ASSERT_EQUAL(d.v[0].error, cases[i].error);
		CU_ASSERT_PTR_NOT_NULL(strstr(d.v[0].msg, cases[i].words));
		/* Rewrite: the bad line comes back byte for byte, in place. */
		CU_ASSERT_EQUAL_FATAL(mp_bindings_format(b, &out), 0);
		if (cases[i].preserved) {
			char expect[512];

			snprintf(expect, sizeof(expect), "mpatha 36001\n%s\nmpathc 36003\n",
				 cases[i].line);
			CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&out), expect));
		} else {
			CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&out),
						      "mpatha 36001\nmpathc 36003\n"));
		}
		mp_strbuf_release(&out);
		mp_bindings_free(b);
		mp_naming_diags_release(&d);
	}
}

static void test_not_text_is_refused(void)
{
	static const struct {
		const char *buf;
		size_t len;
		unsigned int line;
	} cases[] = {
		{ "mpatha 36001\n\0", 14, 2 },
		{ "mpatha 36\0001\n", 12, 1 },
		{ "\x7f" "ELF\x02\x01\x01", 7, 1 },
		{ "mpatha 36001\nmpathb 36002\n\x01", 27, 3 },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;
		struct mp_bindings *b = (struct mp_bindings *)&d;	/* must stay untouched */

		CU_ASSERT_EQUAL(mp_bindings_parse(cases[i].buf, cases[i].len, &d, &b), -EBADMSG);
		CU_ASSERT_PTR_EQUAL(b, (struct mp_bindings *)&d);
		CU_ASSERT_EQUAL_FATAL(d.n, 1);
		CU_ASSERT_EQUAL(d.v[0].line, cases[i].line);
		mp_naming_diags_release(&d);
	}
}

static void test_format_round_trip(void)
{
	struct mp_strbuf out = MP_STRBUF_INIT, again = MP_STRBUF_INIT;
	struct mp_bindings *b = parse_ok(real_file, NULL), *b2;
	const char *s;

	CU_ASSERT_EQUAL_FATAL(mp_bindings_format(b, &out), 0);
	s = mp_strbuf_str(&out);
	CU_ASSERT_EQUAL(s[0], '#');
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\nmpatha 3600a098038303053453f463045727a6c\n"
					 "mpathb 36001405e3c2841a7e5a4b2d9d9e6d1f2\n"
					 "mpathd 360014053b6a8cd6d6a54d6b3a9c0c8b1\n"
					 "mpathaa 3600508b4000156d700012000000b0000\n"
					 "mpathc SATA_VBOX_HARDDISK_VBc1e2d3f4-a5b6c7d8\n"));
	CU_ASSERT_PTR_NULL(strstr(s, "host2"));
	b2 = parse_ok(s, NULL);
	CU_ASSERT_EQUAL(mp_bindings_count(b2), 5);
	CU_ASSERT_EQUAL_FATAL(mp_bindings_format(b2, &again), 0);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&again), s);
	mp_strbuf_release(&out);
	mp_strbuf_release(&again);
	mp_bindings_free(b);
	mp_bindings_free(b2);
}

/* Allocation: existing text, reserved aliases, expected result. */
static void test_allocate_table(void)
{
	static const char *const none[] = { NULL };
	static const char *const cfg_ab[] = { "mpatha", "mpathb", "oracle" };
	static const struct {
		const char *text;
		const char *const *reserved;
		size_t n_reserved;
		const char *prefix;
		const char *expect;
	} cases[] = {
		{ "", none, 0, NULL, "mpatha" },
		{ "mpatha 1\nmpathb 2\n", none, 0, NULL, "mpathc" },
		/* gap reused: lowest free, not max + 1 */
		{ "mpatha 1\nmpathc 3\nmpathd 4\n", none, 0, NULL, "mpathb" },
		{ "mpathb 2\n", none, 0, NULL, "mpatha" },
		/* reserved by the config */
		{ "", cfg_ab, 3, NULL, "mpathc" },
		{ "mpathc 3\n", cfg_ab, 3, NULL, "mpathd" },
		/* a preserved (malformed) line still holds its alias */
		{ "mpatha 1\nmpathb\n", none, 0, NULL, "mpathc" },
		{ "mpatha 1\nmpathb 2 3\n", none, 0, NULL, "mpathc" },
		/* a conflicting line too */
		{ "mpatha 1\nmpathb 1\n", none, 0, NULL, "mpathc" },
		/* other prefixes and odd names do not matter */
		{ "yellowa 1\nmpathA 2\nmpath 3\nmpatha1 4\n", none, 0, NULL, "mpatha" },
		{ "mpatha 1\n", none, 0, "san", "sana" },
		/* z -> aa */
		{ "mpatha 1\nmpathb 2\nmpathc 3\nmpathd 4\nmpathe 5\nmpathf 6\nmpathg 7\n"
		  "mpathh 8\nmpathi 9\nmpathj 10\nmpathk 11\nmpathl 12\nmpathm 13\n"
		  "mpathn 14\nmpatho 15\nmpathp 16\nmpathq 17\nmpathr 18\nmpaths 19\n"
		  "mpatht 20\nmpathu 21\nmpathv 22\nmpathw 23\nmpathx 24\nmpathy 25\n"
		  "mpathz 26\n", none, 0, NULL, "mpathaa" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct mp_bindings *b = parse_ok(cases[i].text, NULL);
		size_t before = mp_bindings_count(b);
		const char *alias = NULL;

		CU_ASSERT_EQUAL(mp_bindings_allocate(b, "36099", cases[i].prefix, cases[i].reserved,
						     cases[i].n_reserved, &alias), 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(alias);
		CU_ASSERT_STRING_EQUAL(alias, cases[i].expect);
		CU_ASSERT_EQUAL(mp_bindings_count(b), before + 1);
		CU_ASSERT_STRING_EQUAL(mp_bindings_lookup_alias(b, cases[i].expect), "36099");
		mp_bindings_free(b);
	}
}

/* Fill 701 names, then the 702nd is zz and the 703rd aaa. */
static void test_allocate_zz_to_aaa(void)
{
	struct mp_bindings *b = NULL;
	const char *alias = NULL;
	char wwid[32];

	CU_ASSERT_EQUAL_FATAL(mp_bindings_new(&b), 0);
	for (int i = 1; i <= 703; i++) {
		snprintf(wwid, sizeof(wwid), "3600%04d", i);
		CU_ASSERT_EQUAL_FATAL(mp_bindings_allocate(b, wwid, NULL, NULL, 0, &alias), 1);
		if (i == 26)
			CU_ASSERT_STRING_EQUAL(alias, "mpathz");
		if (i == 27)
			CU_ASSERT_STRING_EQUAL(alias, "mpathaa");
		if (i == 702)
			CU_ASSERT_STRING_EQUAL(alias, "mpathzz");
	}
	CU_ASSERT_STRING_EQUAL(alias, "mpathaaa");
	CU_ASSERT_EQUAL(mp_bindings_count(b), 703);
	/* Both indexes survived their regrowths: every pair maps both ways. */
	for (size_t i = 0; i < 703; i++) {
		const char *a, *w;

		CU_ASSERT_EQUAL_FATAL(mp_bindings_get(b, i, &a, &w), 0);
		CU_ASSERT_PTR_EQUAL(mp_bindings_lookup_wwid(b, w), a);
		CU_ASSERT_PTR_EQUAL(mp_bindings_lookup_alias(b, a), w);
	}
	mp_bindings_free(b);
}

static void test_allocate_idempotent_and_errors(void)
{
	static const char *const reserved[] = { "mpatha" };
	struct mp_bindings *b = parse_ok("mpatha 36001\n", NULL);
	const char *alias = NULL;

	/* An existing binding comes back unchanged even if now reserved. */
	CU_ASSERT_EQUAL(mp_bindings_allocate(b, "36001", "other", reserved, 1, &alias), 0);
	CU_ASSERT_STRING_EQUAL(alias, "mpatha");
	CU_ASSERT_EQUAL(mp_bindings_count(b), 1);
	alias = NULL;
	CU_ASSERT_EQUAL(mp_bindings_allocate(b, "bad wwid", NULL, NULL, 0, &alias), -EINVAL);
	CU_ASSERT_EQUAL(mp_bindings_allocate(b, "36002", "bad/prefix", NULL, 0, &alias), -EINVAL);
	CU_ASSERT_EQUAL(mp_bindings_allocate(NULL, "36002", NULL, NULL, 0, &alias), -EINVAL);
	CU_ASSERT_PTR_NULL(alias);
	CU_ASSERT_EQUAL(mp_bindings_count(b), 1);
	mp_bindings_free(b);
}

static void test_add(void)
{
	struct mp_bindings *b = parse_ok("mpatha 36001\nmpathb\n", NULL);

	CU_ASSERT_EQUAL(mp_bindings_add(b, "mpatha", "36001"), 0);
	CU_ASSERT_EQUAL(mp_bindings_add(b, "mpatha", "36002"), -EEXIST);
	CU_ASSERT_EQUAL(mp_bindings_add(b, "mpathx", "36001"), -EEXIST);
	CU_ASSERT_EQUAL(mp_bindings_add(b, "mpathb", "36002"), -EEXIST);
	CU_ASSERT_EQUAL(mp_bindings_add(b, "bad alias", "36002"), -EINVAL);
	CU_ASSERT_EQUAL(mp_bindings_add(b, "data", "36002"), 1);
	CU_ASSERT_STRING_EQUAL(mp_bindings_lookup_alias(b, "data"), "36002");
	CU_ASSERT_TRUE(mp_bindings_alias_taken(b, "mpathb"));
	CU_ASSERT_FALSE(mp_bindings_alias_taken(b, "mpathc"));
	mp_bindings_free(b);
}

static void test_edit_allocate(void)
{
	struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;
	struct mp_strbuf out = MP_STRBUF_INIT;
	struct mp_bindings_edit e = { .wwid = "36003", .diags = &d };
	static const char old[] = "mpatha 36001\nmpathc 36002 junk\n";
	static const char nul[] = "mpatha 36001\n\0\0\0\0";

	CU_ASSERT_EQUAL(mp_bindings_edit_allocate(old, strlen(old), &out, &e), 1);
	CU_ASSERT_STRING_EQUAL(e.alias, "mpathb");
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&out),
				      "mpatha 36001\nmpathc 36002 junk\nmpathb 36003\n"));
	CU_ASSERT_EQUAL(d.n, 1);
	mp_strbuf_release(&out);

	e.wwid = "36001";
	CU_ASSERT_EQUAL(mp_bindings_edit_allocate(old, strlen(old), &out, &e), 0);
	CU_ASSERT_STRING_EQUAL(e.alias, "mpatha");
	CU_ASSERT_EQUAL(out.len, 0);

	/* A binary file is refused: nothing to write, error returned. */
	e.wwid = "36004";
	CU_ASSERT_EQUAL(mp_bindings_edit_allocate(nul, sizeof(nul) - 1, &out, &e), -EBADMSG);
	CU_ASSERT_EQUAL(out.len, 0);
	mp_naming_diags_release(&d);
}

/* The batch edit gives what one edit per WWID gives, in one rewrite. */
static void test_edit_allocate_batch(void)
{
	static const char old[] = "mpatha 36001\nmpathc 36002\n";
	const char *const wwids[] = { "36003", "36001", "36004", "36005" };
	char aliases[4][MP_ALIAS_MAX + 1];
	struct mp_bindings_batch_edit e = { .wwids = wwids, .n = 4, .aliases = aliases };
	struct mp_strbuf out = MP_STRBUF_INIT, one = MP_STRBUF_INIT, cur = MP_STRBUF_INIT;
	struct mp_bindings_edit se = { 0 };
	const char *const bound[] = { "36002", "36001" }, *const bad[] = { "36006", "not a wwid" };

	CU_ASSERT_EQUAL(mp_bindings_edit_allocate_batch(old, strlen(old), &out, &e), 3);
	CU_ASSERT_STRING_EQUAL(aliases[0], "mpathb");	/* the lowest gap first */
	CU_ASSERT_STRING_EQUAL(aliases[1], "mpatha");	/* already bound */
	CU_ASSERT_STRING_EQUAL(aliases[2], "mpathd");
	CU_ASSERT_STRING_EQUAL(aliases[3], "mpathe");

	/* the same WWIDs one edit at a time give the same text */
	CU_ASSERT_EQUAL(mp_strbuf_puts(&cur, old), 0);
	for (size_t i = 0; i < 4; i++) {
		se.wwid = wwids[i];
		int r = mp_bindings_edit_allocate(mp_strbuf_str(&cur), cur.len, &one, &se);

		CU_ASSERT_TRUE(r >= 0);
		CU_ASSERT_STRING_EQUAL(se.alias, aliases[i]);
		if (r == 1) {
			mp_strbuf_release(&cur);
			cur = one;
			one = (struct mp_strbuf)MP_STRBUF_INIT;
		}
	}
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&cur), mp_strbuf_str(&out));
	mp_strbuf_release(&cur);
	mp_strbuf_release(&out);

	/* all bound already: nothing to write */
	e.n = 2;
	e.wwids = bound;
	CU_ASSERT_EQUAL(mp_bindings_edit_allocate_batch(old, strlen(old), &out, &e), 0);
	CU_ASSERT_EQUAL(out.len, 0);
	CU_ASSERT_STRING_EQUAL(aliases[0], "mpathc");
	CU_ASSERT_STRING_EQUAL(aliases[1], "mpatha");

	/* one invalid WWID fails the whole batch, nothing written */
	e.wwids = bad;
	strcpy(aliases[0], "untouched");
	CU_ASSERT_EQUAL(mp_bindings_edit_allocate_batch(old, strlen(old), &out, &e), -EINVAL);
	CU_ASSERT_EQUAL(out.len, 0);
	CU_ASSERT_STRING_EQUAL(aliases[0], "untouched");
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_parse_real_file),
	UNIT_TEST(test_parse_empty_and_comments),
	UNIT_TEST(test_malformed_lines),
	UNIT_TEST(test_not_text_is_refused),
	UNIT_TEST(test_format_round_trip),
	UNIT_TEST(test_allocate_table),
	UNIT_TEST(test_allocate_zz_to_aaa),
	UNIT_TEST(test_allocate_idempotent_and_errors),
	UNIT_TEST(test_add),
	UNIT_TEST(test_edit_allocate),
	UNIT_TEST(test_edit_allocate_batch),
	UNIT_END
};
