/* Unit tests for the wwids table: real-looking files, corruption cases,
 * the preserve-verbatim rule, add/remove idempotence and the edit step. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "mp/naming.h"
#include "mp/strbuf.h"

const char unit_suite_name[] = "wwids";

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static const char real_file[] =
	"# Multipath wwids, Version : 1.0\n"
	"# NOTE: This file is automatically maintained by multipath and multipathd.\n"
	"# You should not need to edit this file in normal circumstances.\n"
	"#\n"
	"# Valid WWIDs:\n"
	"/3600a098038303053453f463045727a6c/\n"
	"/36001405e3c2841a7e5a4b2d9d9e6d1f2/\n"
	"  /SATA_VBOX_HARDDISK_VBc1e2d3f4-a5b6c7d8/  # test VM disk\r\n"
	"\n"
	"/3600508b4000156d700012000000b0000/";

static struct mp_wwids *parse_ok(const char *text, struct mp_naming_diags *d)
{
	struct mp_wwids *w = NULL;

	CU_ASSERT_EQUAL_FATAL(mp_wwids_parse(text, strlen(text), d, &w), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	return w;
}

static void test_parse_real_file(void)
{
	struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;
	struct mp_wwids *w = parse_ok(real_file, &d);

	CU_ASSERT_EQUAL(d.n, 0);
	CU_ASSERT_EQUAL(mp_wwids_count(w), 4);
	CU_ASSERT_TRUE(mp_wwids_contains(w, "SATA_VBOX_HARDDISK_VBc1e2d3f4-a5b6c7d8"));
	CU_ASSERT_TRUE(mp_wwids_contains(w, "3600508b4000156d700012000000b0000"));
	CU_ASSERT_FALSE(mp_wwids_contains(w, "3600508b4000156d700012000000b000"));
	CU_ASSERT_FALSE(mp_wwids_contains(w, NULL));
	CU_ASSERT_STRING_EQUAL(mp_wwids_get(w, 0), "3600a098038303053453f463045727a6c");
	CU_ASSERT_PTR_NULL(mp_wwids_get(w, 4));
	mp_wwids_free(w);
	mp_naming_diags_release(&d);
}

static void test_malformed_lines(void)
{
	static const struct {
		const char *line;
		int error;
		const char *words;
		size_t preserved;
	} cases[] = {
		{ "36002", -EINVAL, "expected", 1 },
		{ "/36002", -EINVAL, "expected", 1 },
		{ "36002/", -EINVAL, "expected", 1 },
		{ "//", -EINVAL, "expected", 1 },
		{ "/36002/ /36003/", -EINVAL, "more than one", 1 },
		{ "/360 02/", -EINVAL, "invalid characters", 1 },
		{ "/3600\xc3\xa9/", -EINVAL, "invalid characters", 1 },
		{ "/3600000000000000000000000000000000000000000000000000000000000000"
		  "0000000000000000000000000000000000000000000000000000000000000000001/",
		  -EINVAL, "longer", 1 },
		{ "/36001/", -EEXIST, "listed again", 0 },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;
		struct mp_strbuf out = MP_STRBUF_INIT;
		struct mp_wwids *w;
		char text[512], expect[512];

		snprintf(text, sizeof(text), "/36001/\n%s\n/36004/\n", cases[i].line);
		w = parse_ok(text, &d);
		CU_ASSERT_EQUAL(mp_wwids_count(w), 2);
		CU_ASSERT_EQUAL(mp_wwids_preserved_count(w), cases[i].preserved);
		CU_ASSERT_EQUAL_FATAL(d.n, 1);
		CU_ASSERT_EQUAL(d.v[0].line, 2);
		CU_ASSERT_EQUAL(d.v[0].error, cases[i].error);
		CU_ASSERT_PTR_NOT_NULL(strstr(d.v[0].msg, cases[i].words));
		CU_ASSERT_EQUAL_FATAL(mp_wwids_format(w, &out), 0);
		if (cases[i].preserved)
			snprintf(expect, sizeof(expect), "/36001/\n%s\n/36004/\n", cases[i].line);
		else
			snprintf(expect, sizeof(expect), "/36001/\n/36004/\n");
		CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&out), expect));
		mp_strbuf_release(&out);
		mp_wwids_free(w);
		mp_naming_diags_release(&d);
	}
}

static void test_not_text_is_refused(void)
{
	static const char nul[] = "/36001/\n/360\00002/\n";
	struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;
	struct mp_wwids *w = NULL;

	CU_ASSERT_EQUAL(mp_wwids_parse(nul, sizeof(nul) - 1, &d, &w), -EBADMSG);
	CU_ASSERT_PTR_NULL(w);
	CU_ASSERT_EQUAL_FATAL(d.n, 1);
	CU_ASSERT_EQUAL(d.v[0].line, 2);
	CU_ASSERT_EQUAL(mp_wwids_parse("\x1b", 1, NULL, &w), -EBADMSG);
	mp_naming_diags_release(&d);
}

static void test_add_remove_format(void)
{
	struct mp_strbuf out = MP_STRBUF_INIT;
	struct mp_wwids *w = parse_ok("/36001/\nbroken line\n/36002/\n", NULL);
	struct mp_wwids *again;

	CU_ASSERT_EQUAL(mp_wwids_add(w, "36003"), 1);
	CU_ASSERT_EQUAL(mp_wwids_add(w, "36003"), 0);
	CU_ASSERT_EQUAL(mp_wwids_add(w, "bad/wwid"), -EINVAL);
	CU_ASSERT_EQUAL(mp_wwids_add(w, ""), -EINVAL);
	CU_ASSERT_EQUAL(mp_wwids_remove(w, "36001"), 1);
	CU_ASSERT_EQUAL(mp_wwids_remove(w, "36001"), 0);
	CU_ASSERT_EQUAL(mp_wwids_remove(w, "broken line"), 0);
	CU_ASSERT_EQUAL(mp_wwids_count(w), 2);
	CU_ASSERT_EQUAL(mp_wwids_preserved_count(w), 1);
	CU_ASSERT_FALSE(mp_wwids_contains(w, "36001"));
	CU_ASSERT_TRUE(mp_wwids_contains(w, "36002"));
	CU_ASSERT_TRUE(mp_wwids_contains(w, "36003"));
	CU_ASSERT_EQUAL_FATAL(mp_wwids_format(w, &out), 0);
	CU_ASSERT_EQUAL(mp_strbuf_str(&out)[0], '#');
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&out), "\nbroken line\n/36002/\n/36003/\n"));
	CU_ASSERT_PTR_NULL(strstr(mp_strbuf_str(&out), "/36001/"));
	again = parse_ok(mp_strbuf_str(&out), NULL);
	CU_ASSERT_EQUAL(mp_wwids_count(again), 2);
	CU_ASSERT_TRUE(mp_wwids_contains(again, "36003"));
	mp_wwids_free(again);
	mp_wwids_free(w);
	mp_strbuf_release(&out);
}

/* Enough entries to regrow the index several times, then removals that
 * shift every later line: membership must stay exact throughout. */
static void test_many_add_remove(void)
{
	struct mp_wwids *w = NULL;
	char wwid[32];

	CU_ASSERT_EQUAL_FATAL(mp_wwids_new(&w), 0);
	for (int i = 0; i < 500; i++) {
		snprintf(wwid, sizeof(wwid), "3600b%05d", i);
		CU_ASSERT_EQUAL(mp_wwids_add(w, wwid), 1);
	}
	for (int i = 0; i < 500; i += 2) {
		snprintf(wwid, sizeof(wwid), "3600b%05d", i);
		CU_ASSERT_EQUAL(mp_wwids_remove(w, wwid), 1);
	}
	CU_ASSERT_EQUAL(mp_wwids_count(w), 250);
	for (int i = 0; i < 500; i++) {
		snprintf(wwid, sizeof(wwid), "3600b%05d", i);
		CU_ASSERT_EQUAL(mp_wwids_contains(w, wwid), i % 2 == 1);
	}
	CU_ASSERT_EQUAL(mp_wwids_add(w, "3600b00000"), 1);
	CU_ASSERT_TRUE(mp_wwids_contains(w, "3600b00000"));
	mp_wwids_free(w);
}

static void test_edit_apply(void)
{
	struct mp_strbuf out = MP_STRBUF_INIT;
	struct mp_wwids_edit e = { .wwid = "36002" };
	static const char old[] = "/36001/\n";

	CU_ASSERT_EQUAL(mp_wwids_edit_apply(old, strlen(old), &out, &e), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&out), "/36001/\n/36002/\n"));
	mp_strbuf_release(&out);
	e.wwid = "36001";
	CU_ASSERT_EQUAL(mp_wwids_edit_apply(old, strlen(old), &out, &e), 0);
	e.remove = true;
	CU_ASSERT_EQUAL(mp_wwids_edit_apply(old, strlen(old), &out, &e), 1);
	CU_ASSERT_PTR_NULL(strstr(mp_strbuf_str(&out), "/36001/"));
	mp_strbuf_release(&out);
	e.wwid = "36009";
	CU_ASSERT_EQUAL(mp_wwids_edit_apply(old, strlen(old), &out, &e), 0);
	e.remove = false;
	e.wwid = "bad wwid";
	CU_ASSERT_EQUAL(mp_wwids_edit_apply(old, strlen(old), &out, &e), -EINVAL);
	e.wwid = "36003";
	CU_ASSERT_EQUAL(mp_wwids_edit_apply("/1/\n\0", 5, &out, &e), -EBADMSG);
	CU_ASSERT_EQUAL(out.len, 0);
}

/* The daemon's start-up records every new map's WWID in one rewrite. */
static void test_edit_apply_batch(void)
{
	static const char *const add[] = { "36002", "36001", "36003" };
	static const char *const bad[] = { "36004", "bad wwid" };
	static const char old[] = "/36001/\n";
	struct mp_strbuf out = MP_STRBUF_INIT;
	struct mp_wwids_edit e = { .batch = add, .n_batch = 3 };

	/* 36001 is there already: two lines change */
	CU_ASSERT_EQUAL(mp_wwids_edit_apply(old, strlen(old), &out, &e), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&out), "/36001/\n/36002/\n/36003/\n"));
	mp_strbuf_release(&out);
	/* wwid and batch together */
	e.wwid = "36009";
	CU_ASSERT_EQUAL(mp_wwids_edit_apply(old, strlen(old), &out, &e), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&out), "/36009/\n"));
	mp_strbuf_release(&out);
	/* one invalid WWID: nothing is written */
	e.wwid = NULL;
	e.batch = bad;
	e.n_batch = 2;
	CU_ASSERT_EQUAL(mp_wwids_edit_apply(old, strlen(old), &out, &e), -EINVAL);
	CU_ASSERT_EQUAL(out.len, 0);
	/* removal of a batch: only the present one counts */
	e.batch = add;
	e.n_batch = 3;
	e.remove = true;
	CU_ASSERT_EQUAL(mp_wwids_edit_apply(old, strlen(old), &out, &e), 1);
	CU_ASSERT_PTR_NULL(strstr(mp_strbuf_str(&out), "/36001/"));
	mp_strbuf_release(&out);
	/* an empty edit changes nothing */
	e.batch = NULL;
	e.remove = false;
	CU_ASSERT_EQUAL(mp_wwids_edit_apply(old, strlen(old), &out, &e), 0);
	CU_ASSERT_EQUAL(out.len, 0);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_parse_real_file),
	UNIT_TEST(test_malformed_lines),
	UNIT_TEST(test_not_text_is_refused),
	UNIT_TEST(test_add_remove_format),
	UNIT_TEST(test_many_add_remove),
	UNIT_TEST(test_edit_apply),
	UNIT_TEST(test_edit_apply_batch),
	UNIT_END
};
