/* Unit tests for the multipath table text: real lines round-trip exactly,
 * builders produce what the kernel prints, malformed lines are refused with
 * the word and reason, and the word/device/message helpers hold their
 * rules. Lines mirror tests/fixtures/dm/tables.txt. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "mp/dmtable.h"

const char unit_suite_name[] = "dmtable";

/* Lines as the kernel prints them; format(parse(x)) must equal x. */
static const char *const kernel_lines[] = {
	"0 32768 multipath 0 1 alua 2 1 service-time 0 1 2 8:0 1 1 service-time 0 1 2 8:64 1 1",
	"0 209715200 multipath 1 queue_if_no_path 0 1 1 round-robin 0 4 1 8:16 1 8:32 1 8:48 1 8:64 1",
	"0 41943040 multipath 0 0 1 1 queue-length 0 2 1 8:16 1 65:0 1",
	"0 2097152 multipath 3 queue_if_no_path pg_init_retries 50 1 alua 2 1 service-time 0 2 2 8:16 1 2 8:32 1 1 service-time 0 2 2 8:48 1 1 8:64 1 1",
	"0 1048576 multipath 0 0 1 1 historical-service-time 2 10 1 3 1 8:16 0 8:32 0 8:48 0",
	"0 10485760 multipath 3 queue_if_no_path pg_init_retries 50 1 rdac 2 1 round-robin 0 1 1 8:16 1000 round-robin 0 1 1 8:32 1000",
	"0 8388608 multipath 4 pg_init_retries 50 pg_init_delay_msecs 2000 1 alua 4 2 service-time 0 2 2 8:16 1 1 8:32 1 1 service-time 0 2 2 8:48 1 1 8:64 1 1 service-time 0 2 2 8:80 1 1 8:96 1 1 service-time 0 2 2 8:112 1 1 8:128 1 1",
	"0 2097152 multipath 3 retain_attached_hw_handler queue_mode bio 0 1 1 service-time 0 1 2 259:0 1 1",
	"0 2097152 multipath 1 queue_if_no_path 0 0 0",
	/* params only, as libdevmapper hands them over */
	"0 1 emc 1 1 round-robin 0 1 1 8:16 1",
	/* what we load: hw handler args, device paths, a selector with 3
	 * per-path args (the generic shape a new selector may take) */
	"1 queue_if_no_path 3 emc 0 1 2 1 round-robin 0 2 1 /dev/sdb 1000 /dev/sdc 1000 round-robin 0 1 1 8:48 1000",
	"0 0 1 1 byte-share 1 x 2 3 8:16 60 1 a 8:32 40 1 b",
};

static void test_kernel_lines_round_trip(void)
{
	for (size_t i = 0; i < sizeof(kernel_lines) / sizeof(*kernel_lines); i++) {
		struct mp_dmtable *t = NULL, *t2 = NULL;
		struct mp_dm_error err = { 0, NULL };
		char *out = NULL;

		CU_ASSERT_EQUAL_FATAL(mp_dmtable_parse(kernel_lines[i], &t, &err), 0);
		CU_ASSERT_EQUAL(mp_dmtable_format(t, &out, NULL), 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		CU_ASSERT_STRING_EQUAL(out, kernel_lines[i]);
		CU_ASSERT_EQUAL(mp_dmtable_parse(out, &t2, NULL), 0);
		CU_ASSERT_TRUE(t2 && mp_dmtable_equal(t, t2));
		free(out);
		mp_dmtable_free(t);
		mp_dmtable_free(t2);
	}
}

static void test_parse_fields(void)
{
	struct mp_dmtable *t = NULL;

	CU_ASSERT_EQUAL_FATAL(mp_dmtable_parse(kernel_lines[3], &t, NULL), 0);
	CU_ASSERT_TRUE(t->has_prefix);
	CU_ASSERT_EQUAL(t->start, 0);
	CU_ASSERT_EQUAL(t->length, 2097152);
	CU_ASSERT_EQUAL(t->n_features, 3);
	CU_ASSERT_STRING_EQUAL(t->features[1], "pg_init_retries");
	CU_ASSERT_TRUE(mp_dmtable_has_feature(t, "queue_if_no_path"));
	CU_ASSERT_FALSE(mp_dmtable_has_feature(t, "50"));
	CU_ASSERT_FALSE(mp_dmtable_has_feature(t, "retain_attached_hw_handler"));
	CU_ASSERT_STRING_EQUAL(t->hwhandler, "alua");
	CU_ASSERT_EQUAL(t->n_hwhandler_args, 0);
	CU_ASSERT_EQUAL(t->n_groups, 2);
	CU_ASSERT_EQUAL(t->next_group, 1);
	CU_ASSERT_STRING_EQUAL(t->groups[0].selector, "service-time");
	CU_ASSERT_EQUAL(t->groups[0].n_selector_args, 0);
	CU_ASSERT_EQUAL(t->groups[0].n_paths, 2);
	CU_ASSERT_EQUAL(t->groups[0].n_path_args, 2);
	CU_ASSERT_STRING_EQUAL(t->groups[0].paths[0].dev, "8:16");
	CU_ASSERT_STRING_EQUAL(t->groups[0].paths[0].args[1], "2");
	CU_ASSERT_STRING_EQUAL(t->groups[1].paths[1].dev, "8:64");
	mp_dmtable_free(t);

	/* hardware handler args survive, params-only has no prefix */
	CU_ASSERT_EQUAL_FATAL(mp_dmtable_parse(kernel_lines[10], &t, NULL), 0);
	CU_ASSERT_FALSE(t->has_prefix);
	CU_ASSERT_STRING_EQUAL(t->hwhandler, "emc");
	CU_ASSERT_EQUAL(t->n_hwhandler_args, 2);
	CU_ASSERT_STRING_EQUAL(t->hwhandler_args[1], "1");
	CU_ASSERT_EQUAL(t->next_group, 1);
	CU_ASSERT_STRING_EQUAL(t->groups[0].paths[1].dev, "/dev/sdc");
	mp_dmtable_free(t);
}

/* Blanks the kernel or a shell may add are not part of the grammar. */
static void test_parse_normalises_blanks(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "0 32768 multipath 0 0 1 1 round-robin 0 1 1 8:16 1 \n",
		  "0 32768 multipath 0 0 1 1 round-robin 0 1 1 8:16 1" },
		{ "  0\t0  0 0 ", "0 0 0 0" },
		{ "0 0 1 01 round-robin 0 1 1 8:16 1", "0 0 1 1 round-robin 0 1 1 8:16 1" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct mp_dmtable *t = NULL;
		char *out = NULL;

		CU_ASSERT_EQUAL_FATAL(mp_dmtable_parse(cases[i].in, &t, NULL), 0);
		CU_ASSERT_EQUAL(mp_dmtable_format(t, &out, NULL), 0);
		CU_ASSERT_STRING_EQUAL(out, cases[i].out);
		free(out);
		mp_dmtable_free(t);
	}
}

static void test_malformed_lines(void)
{
	static const struct {
		const char *line;
		int err;
		unsigned int word;	/* checked when err == -EINVAL */
	} cases[] = {
		{ "", -EINVAL, 0 },
		{ "   \n", -EINVAL, 0 },
		{ "0", -EINVAL, 1 },
		{ "x 0 0 0", -EINVAL, 0 },
		{ "0 32768 multipath", -EINVAL, 3 },
		{ "a 32768 multipath 0 0 0 0", -EINVAL, 0 },
		{ "0 -5 multipath 0 0 0 0", -EINVAL, 1 },
		/* a path's per-path arg is missing */
		{ "0 0 1 1 round-robin 0 2 1 8:16 1", -EINVAL, 6 },
		/* initial group 0 with groups present, and beyond the count */
		{ "0 0 1 0 round-robin 0 1 1 8:16 1", -EINVAL, 3 },
		{ "0 0 1 2 round-robin 0 1 1 8:16 1", -EINVAL, 3 },
		{ "0 0 0 1", -EINVAL, 3 },
		/* counts beyond the kernel's bounds or the words left */
		{ "0 0 4294967295 1", -EINVAL, 2 },
		{ "0 0 1024 1 round-robin 0 1 0 8:16", -EINVAL, 2 },
		{ "0 0 99999999999999999999 1", -EINVAL, 2 },
		{ "9 a b c d e f g h i 0 0 0", -EINVAL, 0 },
		{ "3 queue_if_no_path 0", -EINVAL, 0 },
		{ "0 5 alua 0 0", -EINVAL, 1 },
		{ "0 0 1 1 round-robin 1024 1 0 8:16", -EINVAL, 5 },
		{ "0 0 1 1 round-robin 0 1000 0 8:16", -EINVAL, 6 },
		{ "0 0 1 1 round-robin 0 1 4294967295 8:16", -EINVAL, 7 },
		{ "0 0 1 1 round-robin 0 1 1025 8:16", -EINVAL, 7 },
		/* trailing garbage, zero paths, bad devices, signs */
		{ "0 0 0 0 extra", -EINVAL, 4 },
		{ "0 0 1 1 round-robin 0 1 1 8:16 1 8:32 1", -EINVAL, 10 },
		{ "0 0 1 1 round-robin 0 0 0", -EINVAL, 6 },
		{ "0 0 1 1 round-robin 0 1 0 sdb", -EINVAL, 8 },
		{ "0 0 1 1 round-robin 0 1 0 4096:0", -EINVAL, 8 },
		{ "0 0 1 1 round-robin 0 1 0 8:1048576", -EINVAL, 8 },
		{ "-1 0 0 0", -EINVAL, 0 },
		{ "+1 queue_if_no_path 0 0 0", -EINVAL, 0 },
		{ "0 1 a\\b 0 0", -EINVAL, 2 },
		{ "0 1 al\x01ua 0 0", -EINVAL, 2 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct mp_dmtable *t = (struct mp_dmtable *)&cases;
		struct mp_dm_error err = { 999, NULL };
		int r = mp_dmtable_parse(cases[i].line, &t, &err);

		CU_ASSERT_EQUAL(r, cases[i].err);
		if (r != cases[i].err)
			fprintf(stderr, "case %zu '%s': %d at word %u (%s)\n", i,
				cases[i].line, r, err.word,
				err.expected ? err.expected : "-");
		/* ret untouched on failure */
		CU_ASSERT_PTR_EQUAL(t, (struct mp_dmtable *)&cases);
		if (cases[i].err == -EINVAL) {
			CU_ASSERT_EQUAL(err.word, cases[i].word);
			CU_ASSERT_PTR_NOT_NULL(err.expected);
		}
	}
	CU_ASSERT_EQUAL(mp_dmtable_parse(NULL, &(struct mp_dmtable *){ NULL }, NULL),
			-EINVAL);
}

/* Oversized input: longer than MP_DM_LINE_MAX is -E2BIG; a long line full
 * of huge counts must fail fast without allocating by the counts. */
static void test_huge_lines(void)
{
	size_t n = MP_DM_LINE_MAX + 16;
	char *line = malloc(n + 1);
	struct mp_dmtable *t = NULL;
	struct mp_dm_error err = { 0, NULL };

	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	for (size_t i = 0; i < n; i += 2) {
		line[i] = '1';
		line[i + 1] = ' ';
	}
	line[n] = '\0';
	CU_ASSERT_EQUAL(mp_dmtable_parse(line, &t, NULL), -E2BIG);
	CU_ASSERT_PTR_NULL(t);

	/* Just under the limit: "0 0 1024 1 " then words. 1024 groups need
	 * at least 5120 words, which are there, but the text is not a table. */
	line[MP_DM_LINE_MAX - 1] = '\0';
	memcpy(line, "0 0 1024 1 ", 11);
	CU_ASSERT_EQUAL(mp_dmtable_parse(line, &t, &err), -EINVAL);
	CU_ASSERT_EQUAL(err.word, 9);	/* "1" where a device belongs */
	CU_ASSERT_PTR_NULL(t);

	/* A valid 1024-path group parses and round-trips. */
	{
		struct mp_dmtable *b = NULL, *c = NULL;
		unsigned int g;
		char dev[16], *out = NULL;

		CU_ASSERT_EQUAL_FATAL(mp_dmtable_new(&b), 0);
		CU_ASSERT_EQUAL(mp_dmtable_add_group(b, "round-robin", 0, NULL, 1, &g), 0);
		for (unsigned int i = 0; i < MP_DM_MAX_COUNT; i++) {
			const char *args[] = { "1" };

			snprintf(dev, sizeof(dev), "8:%u", i * 16);
			CU_ASSERT_EQUAL(mp_dmtable_add_path(b, g, dev, args), 0);
		}
		CU_ASSERT_EQUAL(mp_dmtable_add_path(b, g, "8:0", (const char *[]){ "1" }),
				-EINVAL);
		CU_ASSERT_EQUAL(mp_dmtable_format(b, &out, NULL), 0);
		CU_ASSERT_EQUAL(mp_dmtable_parse(out, &c, NULL), 0);
		CU_ASSERT_TRUE(c && mp_dmtable_equal(b, c));
		CU_ASSERT_EQUAL(c ? c->groups[0].n_paths : 0, 1024);
		free(out);
		mp_dmtable_free(b);
		mp_dmtable_free(c);
	}
	free(line);
}

/* The daemon's way in: builders, then the exact line the issue quotes. */
static void test_build_and_format(void)
{
	static const char *const st_args[] = { "1", "1" };
	struct mp_dmtable *t = NULL;
	unsigned int g0 = 99, g1 = 99;
	char *out = NULL;

	CU_ASSERT_EQUAL_FATAL(mp_dmtable_new(&t), 0);
	CU_ASSERT_EQUAL(mp_dmtable_set_hwhandler(t, "alua", 0, NULL), 0);
	CU_ASSERT_EQUAL(mp_dmtable_add_group(t, "service-time", 0, NULL, 2, &g0), 0);
	CU_ASSERT_EQUAL(mp_dmtable_add_group(t, "service-time", 0, NULL, 2, &g1), 0);
	CU_ASSERT_EQUAL(g0, 0);
	CU_ASSERT_EQUAL(g1, 1);
	CU_ASSERT_EQUAL(mp_dmtable_add_path(t, g0, "8:0", st_args), 0);
	CU_ASSERT_EQUAL(mp_dmtable_add_path(t, g1, "8:64", st_args), 0);
	/* next_group 0 = the kernel's default, written as 1 */
	CU_ASSERT_EQUAL(mp_dmtable_format(t, &out, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "0 1 alua 2 1 service-time 0 1 2 8:0 1 1 service-time 0 1 2 8:64 1 1");
	free(out);
	t->has_prefix = true;
	t->length = 32768;
	CU_ASSERT_EQUAL(mp_dmtable_format(t, &out, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "0 32768 multipath 0 1 alua 2 1 service-time 0 1 2 8:0 1 1 service-time 0 1 2 8:64 1 1");
	free(out);

	CU_ASSERT_EQUAL(mp_dmtable_add_feature(t, "queue_if_no_path"), 0);
	CU_ASSERT_EQUAL(mp_dmtable_add_feature(t, "pg_init_retries"), 0);
	CU_ASSERT_EQUAL(mp_dmtable_add_feature(t, "50"), 0);
	CU_ASSERT_EQUAL(mp_dmtable_set_hwhandler(t, "emc", 2, (const char *[]){ "0", "1" }), 0);
	t->next_group = 2;
	t->has_prefix = false;
	CU_ASSERT_EQUAL(mp_dmtable_format(t, &out, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "3 queue_if_no_path pg_init_retries 50 3 emc 0 1 2 2 service-time 0 1 2 8:0 1 1 service-time 0 1 2 8:64 1 1");
	free(out);
	CU_ASSERT_EQUAL(mp_dmtable_set_hwhandler(t, NULL, 0, NULL), 0);
	CU_ASSERT_PTR_NULL(t->hwhandler);
	mp_dmtable_free(t);
	mp_dmtable_free(NULL);
}

static void test_builder_and_format_refusals(void)
{
	struct mp_dmtable *t = NULL;
	struct mp_dm_error err = { 0, NULL };
	unsigned int g;
	char *out = (char *)"untouched";

	CU_ASSERT_EQUAL_FATAL(mp_dmtable_new(&t), 0);
	CU_ASSERT_EQUAL(mp_dmtable_add_feature(t, "queue if"), -EINVAL);
	CU_ASSERT_EQUAL(mp_dmtable_add_feature(t, ""), -EINVAL);
	for (int i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(mp_dmtable_add_feature(t, "x"), 0);
	CU_ASSERT_EQUAL(mp_dmtable_add_feature(t, "x"), -EINVAL);
	CU_ASSERT_EQUAL(mp_dmtable_set_hwhandler(t, NULL, 1, NULL), -EINVAL);
	CU_ASSERT_EQUAL(mp_dmtable_set_hwhandler(t, "alua", 1, (const char *[]){ "a b" }), -EINVAL);
	CU_ASSERT_PTR_NULL(t->hwhandler);
	CU_ASSERT_EQUAL(mp_dmtable_add_group(t, "round robin", 0, NULL, 1, &g), -EINVAL);
	CU_ASSERT_EQUAL(mp_dmtable_add_group(t, "round-robin", 1025, NULL, 1, &g), -EINVAL);
	CU_ASSERT_EQUAL(mp_dmtable_add_group(t, "round-robin", 0, NULL, 1, &g), 0);
	CU_ASSERT_EQUAL(mp_dmtable_add_path(t, 1, "8:16", (const char *[]){ "1" }), -EINVAL);
	CU_ASSERT_EQUAL(mp_dmtable_add_path(t, 0, "sdb", (const char *[]){ "1" }), -EINVAL);
	CU_ASSERT_EQUAL(mp_dmtable_add_path(t, 0, "8:16", NULL), -EINVAL);
	CU_ASSERT_EQUAL(t->groups[0].n_paths, 0);

	/* A group without paths cannot be loaded: word 14 is its path count
	 * (8 features + their count, "0", "1 1", "round-robin 0"). */
	CU_ASSERT_EQUAL(mp_dmtable_format(t, &out, &err), -EINVAL);
	CU_ASSERT_STRING_EQUAL(out, "untouched");
	CU_ASSERT_EQUAL(err.word, 14);
	CU_ASSERT_PTR_NOT_NULL(err.expected);
	CU_ASSERT_EQUAL(mp_dmtable_add_path(t, 0, "8:16", (const char *[]){ "1" }), 0);
	t->next_group = 2;
	CU_ASSERT_EQUAL(mp_dmtable_format(t, &out, &err), -EINVAL);
	CU_ASSERT_EQUAL(err.word, 11);
	t->next_group = 1;
	/* Direct edits are checked too. */
	t->n_features = 9;
	CU_ASSERT_EQUAL(mp_dmtable_format(t, &out, &err), -EINVAL);
	CU_ASSERT_EQUAL(err.word, 0);
	t->n_features = 8;
	CU_ASSERT_EQUAL(mp_dmtable_format(t, &out, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "8 x x x x x x x x 0 1 1 round-robin 0 1 1 8:16 1");
	free(out);
	mp_dmtable_free(t);
}

static void test_words_and_devices(void)
{
	static const struct {
		const char *s;
		int word, dev;
	} cases[] = {
		{ "8:16", 0, 0 },
		{ "0:0", 0, 0 },
		{ "4095:1048575", 0, 0 },
		{ "4096:0", 0, -EINVAL },
		{ "8:1048576", 0, -EINVAL },
		{ "/dev/sdb", 0, 0 },
		{ "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4", 0, 0 },
		{ "sdb", 0, -EINVAL },
		{ "8:", 0, -EINVAL },
		{ ":16", 0, -EINVAL },
		{ "8:16:1", 0, -EINVAL },
		{ "+8:16", 0, -EINVAL },
		{ "8 :16", -EINVAL, -EINVAL },
		{ "/dev/my disk", -EINVAL, -EINVAL },
		{ "a\\b", -EINVAL, -EINVAL },
		{ "", -EINVAL, -EINVAL },
		{ "tab\there", -EINVAL, -EINVAL },
	};
	unsigned int major = 7, minor = 7;
	char *long_word;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		CU_ASSERT_EQUAL(mp_dm_word_validate(cases[i].s), cases[i].word);
		CU_ASSERT_EQUAL(mp_dm_dev_validate(cases[i].s), cases[i].dev);
	}
	CU_ASSERT_EQUAL(mp_dm_dev_parse("65:240", &major, &minor), 0);
	CU_ASSERT_EQUAL(major, 65);
	CU_ASSERT_EQUAL(minor, 240);
	CU_ASSERT_EQUAL(mp_dm_dev_parse("/dev/sdb", &major, &minor), -EINVAL);
	CU_ASSERT_EQUAL(major, 65);
	CU_ASSERT_EQUAL(mp_dm_dev_parse("123456789012345678901234567890:1", &major, &minor), -EINVAL);
	CU_ASSERT_EQUAL(mp_dm_word_validate(NULL), -EINVAL);
	CU_ASSERT_EQUAL(mp_dm_dev_validate(NULL), -EINVAL);

	long_word = malloc(4098);
	CU_ASSERT_PTR_NOT_NULL_FATAL(long_word);
	memset(long_word, 'a', 4097);
	long_word[4097] = '\0';
	CU_ASSERT_EQUAL(mp_dm_word_validate(long_word), -EINVAL);
	long_word[4096] = '\0';
	CU_ASSERT_EQUAL(mp_dm_word_validate(long_word), 0);
	free(long_word);
}

static void test_escape(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "my disk", "my\\ disk" },
		{ "a\\b", "a\\\\b" },
		{ "t\tn\n", "t\\\tn\\\n" },
		{ "", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *out = NULL;

		CU_ASSERT_EQUAL_FATAL(mp_dm_word_escape(cases[i].in, &out), 0);
		CU_ASSERT_STRING_EQUAL(out, cases[i].out);
		free(out);
	}
	CU_ASSERT_EQUAL(mp_dm_word_escape(NULL, &(char *){ NULL }), -EINVAL);
}

static void test_messages(void)
{
	static const struct {
		enum mp_dm_msg_kind kind;
		const char *dev;
		unsigned int group;
		int ret;
		const char *text;
	} cases[] = {
		{ MP_DM_MSG_FAIL_PATH, "8:16", 0, 14, "fail_path 8:16" },
		{ MP_DM_MSG_REINSTATE_PATH, "65:240", 0, 21, "reinstate_path 65:240" },
		{ MP_DM_MSG_SWITCH_GROUP, NULL, 2, 14, "switch_group 2" },
		{ MP_DM_MSG_ENABLE_GROUP, NULL, 1, 14, "enable_group 1" },
		{ MP_DM_MSG_DISABLE_GROUP, NULL, 1024, 18, "disable_group 1024" },
		{ MP_DM_MSG_QUEUE_IF_NO_PATH, "ignored", 0, 16, "queue_if_no_path" },
		{ MP_DM_MSG_FAIL_IF_NO_PATH, NULL, 7, 15, "fail_if_no_path" },
		{ MP_DM_MSG_FAIL_PATH, "8:16 x", 0, -EINVAL, NULL },
		{ MP_DM_MSG_FAIL_PATH, NULL, 0, -EINVAL, NULL },
		{ MP_DM_MSG_REINSTATE_PATH, "sdb", 0, -EINVAL, NULL },
		{ MP_DM_MSG_SWITCH_GROUP, NULL, 0, -EINVAL, NULL },
		{ MP_DM_MSG_SWITCH_GROUP, NULL, 1025, -EINVAL, NULL },
		{ _MP_DM_MSG_MAX, "8:16", 1, -EINVAL, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char buf[MP_DM_MESSAGE_SIZE];

		CU_ASSERT_EQUAL(mp_dm_message_format(cases[i].kind, cases[i].dev,
						     cases[i].group, buf, sizeof(buf)),
				cases[i].ret);
		if (cases[i].text)
			CU_ASSERT_STRING_EQUAL(buf, cases[i].text);
	}
	{
		char small[15];

		/* 14 characters need 15 bytes with the NUL */
		CU_ASSERT_EQUAL(mp_dm_message_format(MP_DM_MSG_FAIL_PATH, "8:16", 0,
						     small, 14), -ENOBUFS);
		CU_ASSERT_EQUAL(mp_dm_message_format(MP_DM_MSG_FAIL_PATH, "8:16", 0,
						     small, sizeof(small)), 14);
		CU_ASSERT_STRING_EQUAL(small, "fail_path 8:16");
	}
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_kernel_lines_round_trip),
	UNIT_TEST(test_parse_fields),
	UNIT_TEST(test_parse_normalises_blanks),
	UNIT_TEST(test_malformed_lines),
	UNIT_TEST(test_huge_lines),
	UNIT_TEST(test_build_and_format),
	UNIT_TEST(test_builder_and_format_refusals),
	UNIT_TEST(test_words_and_devices),
	UNIT_TEST(test_escape),
	UNIT_TEST(test_messages),
	UNIT_END
};
