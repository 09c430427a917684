/* Unit tests for the del map holds file (mp/holds.h): a file as the daemon
 * writes it, bad lines reported with their line numbers and left out while
 * every other line counts, the format round trip, add/remove. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "mp/holds.h"
#include "mp/naming.h"
#include "mp/strbuf.h"

const char unit_suite_name[] = "holds";

static void test_round_trip(void)
{
	struct mp_holds h = { 0 }, back = { 0 };
	struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;
	struct mp_strbuf out = { 0 };

	CU_ASSERT_EQUAL(mp_holds_add(&h, "36001405aa8d5e2f1c44e0f9c0b9d1e27"), 1);
	CU_ASSERT_EQUAL(mp_holds_add(&h, "0QEMU_QEMU_HARDDISK_vdisk-serial"), 1);
	CU_ASSERT_EQUAL(mp_holds_add(&h, "36001405aa8d5e2f1c44e0f9c0b9d1e27"), 0);
	CU_ASSERT_EQUAL(h.n, 2);
	CU_ASSERT_EQUAL_FATAL(mp_holds_format(&h, &out), 0);
	/* header comment lines, then the WWIDs in order, one per line */
	CU_ASSERT_EQUAL(mp_strbuf_str(&out)[0], '#');
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&out),
				      "\n36001405aa8d5e2f1c44e0f9c0b9d1e27\n0QEMU_QEMU_HARDDISK_vdisk-serial\n"));
	CU_ASSERT_EQUAL(mp_holds_parse(mp_strbuf_str(&out), out.len, &d, &back), 0);
	CU_ASSERT_EQUAL(d.n, 0);
	CU_ASSERT_EQUAL_FATAL(back.n, 2);
	CU_ASSERT_STRING_EQUAL(back.v[0], "36001405aa8d5e2f1c44e0f9c0b9d1e27");
	CU_ASSERT_STRING_EQUAL(back.v[1], "0QEMU_QEMU_HARDDISK_vdisk-serial");
	mp_holds_release(&h);
	mp_holds_release(&back);
	mp_strbuf_release(&out);
	/* an empty list is just the header, and parses back empty */
	CU_ASSERT_EQUAL(mp_holds_format(&h, &out), 0);
	CU_ASSERT_EQUAL(mp_holds_parse(mp_strbuf_str(&out), out.len, &d, &back), 0);
	CU_ASSERT_EQUAL(back.n, 0);
	mp_strbuf_release(&out);
}

/* Each bad line: reported with its own line number, left out; the good
 * lines around it all count. */
static void test_bad_lines(void)
{
	static const char text[] =
		"# header\n"				/* 1 */
		"  3600a0980383030534530463045727a6c  \r\n"	/* 2: blanks trimmed */
		"\n"					/* 3 */
		"two words\n"				/* 4: bad */
		"/36001405e3c2841a7e5a4b2d9d9e6d1f2/\n"	/* 5: wwids-file form, bad */
		"3600508b4000156d700012000000b0000\n"	/* 6 */
		"3600a0980383030534530463045727a6c\n"	/* 7: repeat */
		"36\x01" "bad\n"			/* 8: control character */
		"36001405ffffffffffffffffffffffff1";	/* 9: no final newline */
	struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;
	struct mp_holds h = { 0 };
	static const unsigned int bad_line[] = { 4, 5, 7, 8 };

	CU_ASSERT_EQUAL(mp_holds_parse(text, sizeof(text) - 1, &d, &h), 4);
	CU_ASSERT_EQUAL_FATAL(d.n, 4);
	for (size_t i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(d.v[i].line, bad_line[i]);
	CU_ASSERT_EQUAL(d.v[2].error, -EEXIST);
	CU_ASSERT_EQUAL(d.v[0].error, -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.v[0].msg, "two words"));
	CU_ASSERT_PTR_NULL(strchr(d.v[3].msg, '\x01'));	/* junk is not echoed raw */
	CU_ASSERT_EQUAL_FATAL(h.n, 3);
	CU_ASSERT_STRING_EQUAL(h.v[0], "3600a0980383030534530463045727a6c");
	CU_ASSERT_STRING_EQUAL(h.v[1], "3600508b4000156d700012000000b0000");
	CU_ASSERT_STRING_EQUAL(h.v[2], "36001405ffffffffffffffffffffffff1");
	mp_holds_release(&h);
	mp_naming_diags_release(&d);
}

/* A NUL byte in the middle breaks only its own line. */
static void test_nul_and_long_lines(void)
{
	char text[400];
	size_t len;
	struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;
	struct mp_holds h = { 0 };

	memcpy(text, "36001\0" "02\n36002\n", 15);
	len = 15;
	memset(text + len, 'a', 200);
	len += 200;
	memcpy(text + len, "\n36003\n", 7);
	len += 7;
	CU_ASSERT_EQUAL(mp_holds_parse(text, len, &d, &h), 2);
	CU_ASSERT_EQUAL_FATAL(d.n, 2);
	CU_ASSERT_EQUAL(d.v[0].line, 1);
	CU_ASSERT_EQUAL(d.v[1].line, 3);
	CU_ASSERT_EQUAL_FATAL(h.n, 2);
	CU_ASSERT_STRING_EQUAL(h.v[0], "36002");
	CU_ASSERT_STRING_EQUAL(h.v[1], "36003");
	mp_holds_release(&h);
	mp_naming_diags_release(&d);
	/* without a diagnostics list the result is the same */
	CU_ASSERT_EQUAL(mp_holds_parse(text, len, NULL, &h), 2);
	CU_ASSERT_EQUAL(h.n, 2);
	mp_holds_release(&h);
}

static void test_add_remove(void)
{
	struct mp_holds h = { 0 };

	CU_ASSERT_EQUAL(mp_holds_add(&h, "bad wwid"), -EINVAL);
	CU_ASSERT_EQUAL(mp_holds_add(&h, ""), -EINVAL);
	CU_ASSERT_EQUAL(mp_holds_add(&h, "/36001/"), -EINVAL);
	CU_ASSERT_EQUAL(h.n, 0);
	CU_ASSERT_EQUAL(mp_holds_add(&h, "36001"), 1);
	CU_ASSERT_EQUAL(mp_holds_add(&h, "36002"), 1);
	CU_ASSERT_EQUAL(mp_holds_add(&h, "36003"), 1);
	CU_ASSERT_TRUE(mp_holds_contains(&h, "36002"));
	CU_ASSERT_FALSE(mp_holds_contains(&h, "3600"));
	CU_ASSERT_FALSE(mp_holds_contains(&h, NULL));
	CU_ASSERT_EQUAL(mp_holds_remove(&h, "36002"), 1);
	CU_ASSERT_EQUAL(mp_holds_remove(&h, "36002"), 0);
	CU_ASSERT_FALSE(mp_holds_contains(&h, "36002"));
	CU_ASSERT_EQUAL_FATAL(h.n, 2);
	CU_ASSERT_STRING_EQUAL(h.v[0], "36001");
	CU_ASSERT_STRING_EQUAL(h.v[1], "36003");
	mp_holds_release(&h);
	CU_ASSERT_EQUAL(h.n, 0);
	mp_holds_release(NULL);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_round_trip),
	UNIT_TEST(test_bad_lines),
	UNIT_TEST(test_nul_and_long_lines),
	UNIT_TEST(test_add_remove),
	UNIT_END
};
