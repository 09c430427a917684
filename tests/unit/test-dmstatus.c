/* Unit tests for the multipath status line: the kernel's INFO lines
 * (tests/fixtures/dm/status.txt) parse into the right fields, accessors
 * answer the daemon's questions, malformed lines are refused with the
 * word and reason, and counts never outrun the line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "mp/dmtable.h"

const char unit_suite_name[] = "dmstatus";

/* Expected summary of each real line. */
static const struct {
	const char *line;
	unsigned int queue_io, pg_init_count, n_groups, next_group;
	int active_group;		/* -ENOENT when no group is 'A' */
	unsigned int n_active_paths, n_paths_group0, n_info_args0;
} lines[] = {
	{ "0 32768 multipath 2 0 1 0 2 1 E 0 1 2 8:0 A 0 0 1 E 0 1 2 8:64 A 0 0 1",
	  0, 1, 2, 1, -ENOENT, 2, 1, 2 },
	{ "0 41943040 multipath 2 0 0 0 2 1 A 0 2 2 8:16 A 0 0 1 8:32 F 3 0 1 D 0 2 2 8:48 A 0 0 1 8:64 A 1 0 1",
	  0, 0, 2, 1, 1, 3, 2, 2 },
	{ "0 209715200 multipath 2 0 0 0 1 1 A 0 4 0 8:16 A 0 8:32 A 0 8:48 F 1 8:64 A 0 ",
	  0, 0, 1, 1, 1, 3, 4, 0 },
	{ "0 41943040 multipath 2 0 0 0 1 1 A 0 2 1 8:16 A 0 3 65:0 A 0 1",
	  0, 0, 1, 1, 1, 2, 2, 1 },
	{ "0 2097152 multipath 2 1 2 0 2 2 E 0 1 2 8:16 F 5 0 1 A 0 1 2 8:32 A 0 0 1",
	  1, 2, 2, 2, 2, 1, 1, 2 },
	{ "0 1048576 multipath 2 0 0 0 1 1 A 2 10 1 3 3 8:16 A 0 1048576 0 0 8:32 A 0 1048576 2 12345 8:48 F 1 1048576 0 0",
	  0, 0, 1, 1, 1, 2, 3, 3 },
	{ "0 2097152 multipath 2 5 0 0 1 1 A 0 2 0 8:16 A 0 8:32 A 0",
	  5, 0, 1, 1, 1, 2, 2, 0 },
	{ "0 2097152 multipath 2 0 0 0 0 0", 0, 0, 0, 0, -ENOENT, 0, 0, 0 },
	/* params only, as libdevmapper's dm_get_next_target returns them */
	{ "2 0 3 0 1 1 A 0 1 0 8:16 A 0", 0, 3, 1, 1, 1, 1, 1, 0 },
};

static void test_real_lines(void)
{
	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++) {
		struct mp_dmstatus *s = NULL;
		struct mp_dm_error err = { 0, NULL };
		unsigned int v = 999;

		CU_ASSERT_EQUAL_FATAL(mp_dmstatus_parse(lines[i].line, &s, &err), 0);
		CU_ASSERT_EQUAL(s->has_prefix, i < 8);
		CU_ASSERT_EQUAL(mp_dmstatus_queue_io(s, &v), 0);
		CU_ASSERT_EQUAL(v, lines[i].queue_io);
		CU_ASSERT_EQUAL(mp_dmstatus_pg_init_count(s, &v), 0);
		CU_ASSERT_EQUAL(v, lines[i].pg_init_count);
		CU_ASSERT_EQUAL(s->n_groups, lines[i].n_groups);
		CU_ASSERT_EQUAL(s->next_group, lines[i].next_group);
		v = 999;
		if (lines[i].active_group < 0) {
			CU_ASSERT_EQUAL(mp_dmstatus_active_group(s, &v), lines[i].active_group);
			CU_ASSERT_EQUAL(v, 999);
		} else {
			CU_ASSERT_EQUAL(mp_dmstatus_active_group(s, &v), 0);
			CU_ASSERT_EQUAL(v, (unsigned int)lines[i].active_group);
		}
		CU_ASSERT_EQUAL(mp_dmstatus_count_active(s), lines[i].n_active_paths);
		if (s->n_groups) {
			CU_ASSERT_EQUAL(s->groups[0].n_paths, lines[i].n_paths_group0);
			CU_ASSERT_EQUAL(s->groups[0].n_info_args, lines[i].n_info_args0);
		}
		mp_dmstatus_free(s);
	}
	mp_dmstatus_free(NULL);
}

static void test_fields_of_failed_and_disabled(void)
{
	struct mp_dmstatus *s = NULL;
	const struct mp_dmstatus_path *p = NULL;

	CU_ASSERT_EQUAL_FATAL(mp_dmstatus_parse(lines[1].line, &s, NULL), 0);
	CU_ASSERT_EQUAL(s->start, 0);
	CU_ASSERT_EQUAL(s->length, 41943040);
	CU_ASSERT_EQUAL(s->n_hwhandler_status, 0);
	CU_ASSERT_EQUAL(s->groups[0].state, MP_DM_GROUP_ACTIVE);
	CU_ASSERT_EQUAL(s->groups[1].state, MP_DM_GROUP_DISABLED);
	CU_ASSERT_STRING_EQUAL(mp_dm_group_state_to_string(s->groups[1].state), "disabled");
	CU_ASSERT_EQUAL(mp_dmstatus_find_path(s, "8:32", &p), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->state, MP_DM_PATH_FAILED);
	CU_ASSERT_EQUAL(p->fail_count, 3);
	CU_ASSERT_STRING_EQUAL(p->info[0], "0");
	CU_ASSERT_STRING_EQUAL(p->info[1], "1");
	CU_ASSERT_EQUAL(mp_dmstatus_find_path(s, "8:64", &p), 0);
	CU_ASSERT_EQUAL(p->state, MP_DM_PATH_ACTIVE);
	CU_ASSERT_EQUAL(p->fail_count, 1);
	p = NULL;
	CU_ASSERT_EQUAL(mp_dmstatus_find_path(s, "8:80", &p), -ENOENT);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_EQUAL(mp_dmstatus_find_path(s, NULL, &p), -EINVAL);
	mp_dmstatus_free(s);

	/* historical-service-time's group status words */
	CU_ASSERT_EQUAL_FATAL(mp_dmstatus_parse(lines[5].line, &s, NULL), 0);
	CU_ASSERT_EQUAL(s->groups[0].n_selector_status, 2);
	CU_ASSERT_STRING_EQUAL(s->groups[0].selector_status[0], "10");
	CU_ASSERT_STRING_EQUAL(s->groups[0].paths[1].info[2], "12345");
	CU_ASSERT_EQUAL(s->groups[0].paths[2].fail_count, 1);
	mp_dmstatus_free(s);
	CU_ASSERT_PTR_NULL(mp_dm_group_state_to_string(_MP_DM_GROUP_STATE_MAX));
}

/* Feature words that are missing or not numbers give -ENODATA. */
static void test_accessor_without_data(void)
{
	static const char *const cases[] = {
		"0 0 0 0",
		"1 x 0 1 1 A 0 1 0 8:16 A 0",
	};
	struct mp_dmstatus *s = NULL;
	unsigned int v = 7;

	CU_ASSERT_EQUAL_FATAL(mp_dmstatus_parse(cases[0], &s, NULL), 0);
	CU_ASSERT_EQUAL(mp_dmstatus_queue_io(s, &v), -ENODATA);
	CU_ASSERT_EQUAL(mp_dmstatus_pg_init_count(s, &v), -ENODATA);
	CU_ASSERT_EQUAL(v, 7);
	mp_dmstatus_free(s);
	CU_ASSERT_EQUAL_FATAL(mp_dmstatus_parse(cases[1], &s, NULL), 0);
	CU_ASSERT_EQUAL(mp_dmstatus_queue_io(s, &v), -ENODATA);
	CU_ASSERT_EQUAL(mp_dmstatus_pg_init_count(s, &v), -ENODATA);
	CU_ASSERT_EQUAL(v, 7);
	mp_dmstatus_free(s);
}

static void test_malformed(void)
{
	static const struct {
		const char *line;
		unsigned int word;
	} cases[] = {
		{ "", 0 },
		{ "\n", 0 },
		{ "2 0", 0 },
		{ "2 0 1", 3 },
		{ "2 0 1 0 1", 4 },
		/* bad group / path state letters */
		{ "2 0 1 0 1 1 X 0 1 2 8:0 A 0 0 1", 6 },
		{ "2 0 1 0 1 1 AE 0 1 2 8:0 A 0 0 1", 6 },
		{ "2 0 1 0 1 1 E 0 1 2 8:0 Q 0 0 1", 11 },
		{ "2 0 1 0 1 1 E 0 1 2 8:0 a 0 0 1", 11 },
		/* missing info word, trailing garbage */
		{ "2 0 1 0 1 1 E 0 1 2 8:0 A 0 0", 8 },
		{ "2 0 1 0 1 1 E 0 1 2 8:0 A 0 0 1 junk", 15 },
		/* a status always names devices by number */
		{ "2 0 1 0 1 1 E 0 1 0 /dev/sda A 0", 10 },
		/* non-numeric and oversized counts */
		{ "2 0 1 0 x 1", 4 },
		{ "2 0 1 0 4294967296 1", 4 },
		{ "2 0 1 0 1024 1 E 0 1 0 8:0 A 0", 4 },
		{ "99999 0 0 0 0", 0 },
		{ "2 0 1 10 a b c 0 0", 3 },
		{ "2 0 1 0 1 1 E 1000 1 0 8:0 A 0", 7 },
		{ "2 0 1 0 1 1 E 0 900 0 8:0 A 0", 8 },
		{ "2 0 1 0 1 1 E 0 1 4294967295 8:0 A 0", 9 },
		{ "2 0 1 0 1 1 E 0 0 0 8:0 A 0", 8 },
		{ "2 0 1 0 1 1 E 0 1 0 8:0 A -1", 12 },
		{ "2 0 1 0 1 1 E 0 1 0 8:0 A 4294967296", 12 },
		/* next group outside 1..#groups */
		{ "2 0 1 0 1 0 E 0 1 0 8:0 A 0", 5 },
		{ "2 0 1 0 1 2 E 0 1 0 8:0 A 0", 5 },
		{ "0 0 0 3", 3 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct mp_dmstatus *s = (struct mp_dmstatus *)&cases;
		struct mp_dm_error err = { 999, NULL };
		int r = mp_dmstatus_parse(cases[i].line, &s, &err);

		CU_ASSERT_EQUAL(r, -EINVAL);
		CU_ASSERT_EQUAL(err.word, cases[i].word);
		CU_ASSERT_PTR_NOT_NULL(err.expected);
		CU_ASSERT_PTR_EQUAL(s, (struct mp_dmstatus *)&cases);
		if (r != -EINVAL || err.word != cases[i].word)
			fprintf(stderr, "case %zu '%s': %d at word %u (%s)\n", i,
				cases[i].line, r, err.word,
				err.expected ? err.expected : "-");
	}
	CU_ASSERT_EQUAL(mp_dmstatus_parse(NULL, &(struct mp_dmstatus *){ NULL }, NULL),
			-EINVAL);
}

static void test_huge(void)
{
	size_t n = MP_DM_LINE_MAX + 2;
	char *line = malloc(n + 1);
	struct mp_dmstatus *s = NULL;
	struct mp_dm_error err = { 0, NULL };

	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	memset(line, ' ', n);
	line[n] = '\0';
	memcpy(line, "2 0 1 0 0 0", 11);
	CU_ASSERT_EQUAL(mp_dmstatus_parse(line, &s, NULL), -E2BIG);
	/* within the limit, blanks are just blanks */
	line[MP_DM_LINE_MAX] = '\0';
	CU_ASSERT_EQUAL(mp_dmstatus_parse(line, &s, &err), 0);
	CU_ASSERT_TRUE(s && s->n_groups == 0);
	mp_dmstatus_free(s);
	s = NULL;
	/* 1024 groups promised, the words for them absent */
	memcpy(line, "2 0 1 0 1024 1 E 0 1 0 8:0 A 0 ", 31);
	CU_ASSERT_EQUAL(mp_dmstatus_parse(line, &s, &err), -EINVAL);
	CU_ASSERT_EQUAL(err.word, 4);
	CU_ASSERT_PTR_NULL(s);
	free(line);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_real_lines),
	UNIT_TEST(test_fields_of_failed_and_disabled),
	UNIT_TEST(test_accessor_without_data),
	UNIT_TEST(test_malformed),
	UNIT_TEST(test_huge),
	UNIT_END
};
