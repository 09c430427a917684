/* Unit tests for the partition-table parsers (kpartx-helpers/ptable-parse*.c)
 * over images crafted here: MBR primaries, an extended partition with three
 * logicals, EBR loops and overlong chains, GPT with three partitions, a bad
 * primary (backup used), both bad, entry CRC bad, hostile header fields,
 * overlaps, partitions past the disk's end, 4096-byte sectors, read errors.
 * Every test also checks no read went outside the image.
 *
 * The parsers are not in libmp.a (they belong to the kpartx-helpers
 * program), so their sources are compiled into this binary. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "../../kpartx-helpers/ptable-parse.c"
#include "../../kpartx-helpers/ptable-parse-mbr.c"
#include "../../kpartx-helpers/ptable-parse-gpt.c"
#include "../fixtures/ptable/ptable-image.h"

const char unit_suite_name[] = "ptable";

/* Parses im; on success checks kind and partition count. */
static struct mp_ptable *parse_ok(struct img *im, enum mp_ptable_kind kind, size_t n)
{
	struct mp_ptable_disk d = img_disk(im);
	struct mp_ptable_diag diag = { "" };
	struct mp_ptable *t = NULL;
	int r = mp_ptable_parse(&d, &t, &diag);

	CU_ASSERT_EQUAL(r, 0);
	if (r < 0) {
		fprintf(stderr, "unexpected parse failure: %s\n", diag.msg);
		return NULL;
	}
	CU_ASSERT_EQUAL(t->kind, kind);
	CU_ASSERT_EQUAL(t->n_parts, n);
	CU_ASSERT_EQUAL(im->bad_reads, 0);
	return t;
}

/* Parses im expecting failure err with diag containing what. */
static void parse_bad(struct img *im, int err, const char *what)
{
	struct mp_ptable_disk d = img_disk(im);
	struct mp_ptable_diag diag = { "" };
	struct mp_ptable *t = (struct mp_ptable *)&d;	/* must stay untouched */
	int r = mp_ptable_parse(&d, &t, &diag);

	CU_ASSERT_EQUAL(r, err);
	CU_ASSERT_PTR_EQUAL(t, &d);
	if (!strstr(diag.msg, what)) {
		fprintf(stderr, "diag \"%s\" lacks \"%s\"\n", diag.msg, what);
		CU_FAIL("diagnostic does not name the problem");
	}
	CU_ASSERT_EQUAL(im->bad_reads, 0);
}

static void check_part(const struct mp_ptable *t, size_t i, unsigned int num, uint64_t start,
		       uint64_t count)
{
	CU_ASSERT_FATAL(i < t->n_parts);
	CU_ASSERT_EQUAL(t->parts[i].num, num);
	CU_ASSERT_EQUAL(t->parts[i].start, start);
	CU_ASSERT_EQUAL(t->parts[i].count, count);
}

static void test_crc32_known_answers(void)
{
	CU_ASSERT_EQUAL(mp_ptable_crc32("123456789", 9), 0xcbf43926u);
	CU_ASSERT_EQUAL(mp_ptable_crc32("", 0), 0);
	CU_ASSERT_EQUAL(mp_ptable_crc32("a", 1), 0xe8b7be43u);
}

static void test_mbr_primary_only(void)
{
	struct img im;
	struct mp_ptable *t;

	img_init(&im, 512, 100000);
	mbr_slot(&im, 0, 0, 0x83, 2048, 10000);
	mbr_slot(&im, 0, 2, 0x8e, 20000, 30000);	/* slot 2 empty: numbers keep gaps */
	mbr_slot(&im, 0, 3, 0x07, 60000, 40000);	/* ends exactly at the disk's end */
	t = parse_ok(&im, MP_PTABLE_MBR, 3);
	if (t) {
		check_part(t, 0, 1, 2048, 10000);
		check_part(t, 1, 3, 20000, 30000);
		check_part(t, 2, 4, 60000, 40000);
		CU_ASSERT_EQUAL(t->parts[1].mbr_type, 0x8e);
		CU_ASSERT_EQUAL(mp_ptable_part_dm_start(t, &t->parts[1]), 20000);
	}
	mp_ptable_free(t);
	free(im.data);
}

static void test_mbr_extended_three_logicals(void)
{
	struct img im;
	struct mp_ptable *t;

	img_init(&im, 512, 200000);
	mbr_slot(&im, 0, 0, 0x83, 2048, 8192);
	mbr_slot(&im, 0, 1, 0x0f, 20000, 100000);	/* extended: 20000..119999 */
	mbr_slot(&im, 20000, 0, 0x83, 2048, 1000);	/* logical 5 at 22048 */
	mbr_slot(&im, 20000, 1, 0x05, 10000, 5000);	/* next EBR at 30000 */
	mbr_slot(&im, 30000, 0, 0x82, 100, 2000);	/* logical 6 at 30100 */
	mbr_slot(&im, 30000, 1, 0x05, 50000, 5000);	/* next EBR at 70000 */
	mbr_slot(&im, 70000, 0, 0x83, 63, 49937);	/* logical 7 at 70063, to the end */
	t = parse_ok(&im, MP_PTABLE_MBR, 4);
	if (t) {
		check_part(t, 0, 1, 2048, 8192);
		check_part(t, 1, 5, 22048, 1000);
		check_part(t, 2, 6, 30100, 2000);
		check_part(t, 3, 7, 70063, 49937);
		CU_ASSERT(t->parts[3].logical);
	}
	mp_ptable_free(t);
	free(im.data);
}

static void test_mbr_blank_extended_has_no_logicals(void)
{
	struct img im;
	struct mp_ptable *t;

	img_init(&im, 512, 10000);
	mbr_slot(&im, 0, 0, 0x05, 2048, 4096);
	t = parse_ok(&im, MP_PTABLE_MBR, 0);
	mp_ptable_free(t);
	free(im.data);
}

static void test_mbr_ebr_loop(void)
{
	struct img im;

	img_init(&im, 512, 100000);
	mbr_slot(&im, 0, 0, 0x05, 1000, 50000);
	mbr_slot(&im, 1000, 0, 0x83, 10, 100);
	mbr_slot(&im, 1000, 1, 0x05, 2000, 500);	/* -> 3000 */
	mbr_slot(&im, 3000, 0, 0x83, 10, 100);
	mbr_slot(&im, 3000, 1, 0x05, 0, 500);		/* -> 1000 again */
	parse_bad(&im, -EBADMSG, "EBR loop");
	/* A self-link is the shortest loop. */
	mbr_slot(&im, 1000, 1, 0x05, 0, 500);
	parse_bad(&im, -EBADMSG, "EBR loop");
	free(im.data);
}

static void test_mbr_ebr_chain_bounded(void)
{
	struct img im;
	uint32_t n = MP_PTABLE_MBR_MAX_LOGICAL + 5;

	img_init(&im, 512, 10 + 10 * (uint64_t)n + 100);
	mbr_slot(&im, 0, 0, 0x05, 10, 10 * n + 50);
	for (uint32_t i = 0; i < n; i++) {
		mbr_slot(&im, 10 + 10 * i, 0, 0x83, 1, 5);
		mbr_slot(&im, 10 + 10 * i, 1, 0x05, 10 * (i + 1), 10);
	}
	parse_bad(&im, -EBADMSG, "EBR chain longer");
	free(im.data);
}

static void test_mbr_ebr_bad_links(void)
{
	struct img im;

	img_init(&im, 512, 100000);
	mbr_slot(&im, 0, 0, 0x05, 1000, 5000);
	mbr_slot(&im, 1000, 0, 0x83, 10, 100);
	mbr_slot(&im, 1000, 1, 0x05, 90000, 10);	/* past the extended's end */
	parse_bad(&im, -EBADMSG, "outside the extended");
	mbr_slot(&im, 1000, 1, 0x05, 4000, 10);		/* inside, but blank */
	parse_bad(&im, -EBADMSG, "no 0x55AA");
	mbr_slot(&im, 1000, 1, 0, 0, 0);
	mbr_slot(&im, 1000, 0, 0x83, 10, 6000);		/* logical spills out */
	parse_bad(&im, -EBADMSG, "logical partition 5");
	mbr_slot(&im, 1000, 0, 0x83, 0, 100);		/* logical over its own EBR */
	parse_bad(&im, -EBADMSG, "logical partition 5");
	free(im.data);
}

static void test_mbr_hostile_primaries(void)
{
	struct img im;

	img_init(&im, 512, 100000);
	mbr_slot(&im, 0, 0, 0x83, 2048, 10000);
	mbr_slot(&im, 0, 1, 0x83, 12000, 5000);		/* overlaps 1 */
	parse_bad(&im, -EBADMSG, "overlap");
	mbr_slot(&im, 0, 1, 0x83, 99000, 1001);		/* one block past the end */
	parse_bad(&im, -EBADMSG, "beyond the disk's end");
	mbr_slot(&im, 0, 1, 0x83, 0xffffffffu, 0xffffffffu);
	parse_bad(&im, -EBADMSG, "beyond the disk's end");
	mbr_slot(&im, 0, 1, 0x83, 0, 100);		/* over the MBR itself */
	parse_bad(&im, -EBADMSG, "LBA 0");
	mbr_slot(&im, 0, 1, 0x05, 20000, 1000);
	mbr_slot(&im, 0, 2, 0x85, 30000, 1000);
	parse_bad(&im, -EBADMSG, "more than one extended");
	mbr_slot(&im, 0, 2, 0, 0, 0);
	mbr_slot(&im, 0, 1, 0x05, 5000, 10000);		/* over primary 1 */
	parse_bad(&im, -EBADMSG, "overlaps the extended");
	mbr_slot(&im, 0, 1, 0x05, 99000, 5000);
	parse_bad(&im, -EBADMSG, "outside the disk");
	free(im.data);
}

static void test_mbr_not_a_table(void)
{
	struct img im;
	struct mp_ptable *t;

	img_init(&im, 512, 1000);
	t = parse_ok(&im, MP_PTABLE_NONE, 0);		/* all zero */
	mp_ptable_free(t);
	mbr_slot(&im, 0, 0, 0x83, 1, 100);
	img_sec(&im, 0)[446 + 16] = 0x31;		/* boot flag: code, not a table */
	t = parse_ok(&im, MP_PTABLE_NONE, 0);
	mp_ptable_free(t);
	free(im.data);
}

static const struct gpt_part three[] = {
	{ 0, 2048, 10239 }, { 1, 10240, 20479 }, { 3, 30000, 39999 },
};

static void test_gpt_three_partitions(void)
{
	struct img im;
	struct mp_ptable *t;

	img_init(&im, 512, 100000);
	gpt_write(&im, &(struct gpt_spec){ .parts = three, .n_parts = 3 });
	t = parse_ok(&im, MP_PTABLE_GPT, 3);
	if (t) {
		check_part(t, 0, 1, 2048, 8192);
		check_part(t, 1, 2, 10240, 10240);
		check_part(t, 2, 4, 30000, 10000);
		CU_ASSERT_FALSE(t->gpt_backup_used);
		CU_ASSERT_STRING_EQUAL(t->note, "");
		CU_ASSERT_EQUAL(t->parts[2].type_guid[0], 0xa2);
	}
	mp_ptable_free(t);
	free(im.data);
}

static void test_gpt_bad_primary_uses_backup(void)
{
	struct img im;
	struct mp_ptable *t;

	img_init(&im, 512, 100000);
	gpt_write(&im, &(struct gpt_spec){ .parts = three, .n_parts = 3 });
	img_sec(&im, 1)[40] ^= 1;	/* first usable LBA changed, CRC not */
	t = parse_ok(&im, MP_PTABLE_GPT, 3);
	if (t) {
		CU_ASSERT(t->gpt_backup_used);
		CU_ASSERT_PTR_NOT_NULL(strstr(t->note, "header CRC mismatch at LBA 1"));
		CU_ASSERT_PTR_NOT_NULL(strstr(t->note, "backup at LBA 99999"));
		check_part(t, 2, 4, 30000, 10000);
	}
	mp_ptable_free(t);
	/* A primary that cannot be read at all also falls back. */
	gpt_write(&im, &(struct gpt_spec){ .parts = three, .n_parts = 3 });
	im.fail_lba = 1;
	t = parse_ok(&im, MP_PTABLE_GPT, 3);
	CU_ASSERT(t && t->gpt_backup_used);
	mp_ptable_free(t);
	free(im.data);
}

static void test_gpt_both_headers_bad(void)
{
	struct img im;

	img_init(&im, 512, 100000);
	gpt_write(&im, &(struct gpt_spec){ .parts = three, .n_parts = 3 });
	memset(img_sec(&im, 1), 0, 512);
	img_sec(&im, 99999)[100] = 1;	/* beyond header size 92: not covered */
	img_sec(&im, 99999)[50] ^= 0x80;
	parse_bad(&im, -EBADMSG, "no valid GPT: primary: no \"EFI PART\" signature at LBA 1; "
		  "backup: header CRC mismatch at LBA 99999");
	free(im.data);
}

static void test_gpt_entry_crc_bad(void)
{
	struct img im;
	uint64_t asec;
	struct mp_ptable *t;

	img_init(&im, 512, 100000);
	asec = gpt_write(&im, &(struct gpt_spec){ .parts = three, .n_parts = 3 });
	img_sec(&im, 2)[32] ^= 1;		/* primary array only */
	t = parse_ok(&im, MP_PTABLE_GPT, 3);
	CU_ASSERT(t && t->gpt_backup_used && strstr(t->note, "entry array CRC"));
	mp_ptable_free(t);
	img_sec(&im, 99999 - asec)[32] ^= 1;	/* and the backup's */
	parse_bad(&im, -EBADMSG, "backup: entry array CRC mismatch");
	free(im.data);
}

static void test_gpt_overlap_and_range(void)
{
	static const struct gpt_part overlap[] = { { 0, 2048, 10239 }, { 1, 10000, 20000 } };
	static const struct gpt_part unusable[] = { { 0, 2048, 99990 } };
	static const struct gpt_part reversed[] = { { 5, 5000, 4000 } };
	struct img im;

	img_init(&im, 512, 100000);
	gpt_write(&im, &(struct gpt_spec){ .parts = overlap, .n_parts = 2 });
	parse_bad(&im, -EBADMSG, "partitions 1 (LBA 2048-10239) and 2 (LBA 10000-20000) overlap");
	gpt_write(&im, &(struct gpt_spec){ .parts = unusable, .n_parts = 1 });
	parse_bad(&im, -EBADMSG, "not inside the usable range");
	gpt_write(&im, &(struct gpt_spec){ .parts = reversed, .n_parts = 1 });
	parse_bad(&im, -EBADMSG, "GPT partition 6");
	/* A usable range past the disk's end (the disk shrank): both copies. */
	gpt_write(&im, &(struct gpt_spec){ .parts = three, .n_parts = 3, .last_usable = 200000 });
	parse_bad(&im, -EBADMSG, "not inside the disk");
	free(im.data);
}

/* Each hostile header field, in both copies with valid CRCs, is refused
 * before anything is read or allocated from it. */
static void test_gpt_hostile_headers(void)
{
	static const struct {
		struct gpt_spec spec;
		const char *why;
	} cases[] = {
		{ { .entry_size = 100 }, "entry size 100" },
		{ { .entry_size = 130 }, "entry size 130" },
		{ { .entry_size = 0x80000000u, .first_usable = 34, .last_usable = 99000 }, "entry size" },
		{ { .n_entries = 4097 }, "4097 entries" },
		{ { .n_entries = 0xffffffffu, .entry_size = 4096, .first_usable = 34,
		    .last_usable = 99000 }, "4294967295 entries" },
		{ { .n_entries = 4096, .entry_size = 512 }, "more than" },
		{ { .header_size = 91 }, "header size 91" },
		{ { .header_size = 513 }, "header size 513" },
		{ { .entries_lba = 99990, .n_entries = 128 }, "entry array at LBA 99990" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct img im;

		img_init(&im, 512, 100000);
		gpt_write(&im, &cases[i].spec);
		if (cases[i].spec.entries_lba) {
			/* gpt_write places the backup array sanely: break it too. */
			put_le64(img_sec(&im, 99999) + 72, 99990);
			gpt_reseal(&im, 99999);
		}
		parse_bad(&im, -EBADMSG, cases[i].why);
		free(im.data);
	}
}

static void test_gpt_more_entries_allowed(void)
{
	static const struct gpt_part far[] = { { 999, 5000, 5999 } };
	struct img im;
	struct mp_ptable *t;

	img_init(&im, 512, 100000);
	gpt_write(&im, &(struct gpt_spec){ .n_entries = 1000, .entry_size = 256,
		.parts = far, .n_parts = 1 });
	t = parse_ok(&im, MP_PTABLE_GPT, 1);
	if (t)
		check_part(t, 0, 1000, 5000, 1000);
	mp_ptable_free(t);
	free(im.data);
}

static void test_4k_sectors(void)
{
	static const struct gpt_part p4k[] = { { 0, 256, 2815 }, { 1, 2816, 4000 } };
	struct img im;
	struct mp_ptable *t;

	img_init(&im, 4096, 8192);	/* 32 MiB of 4 KiB blocks */
	gpt_write(&im, &(struct gpt_spec){ .parts = p4k, .n_parts = 2 });
	t = parse_ok(&im, MP_PTABLE_GPT, 2);
	if (t) {
		check_part(t, 0, 1, 256, 2560);
		CU_ASSERT_EQUAL(t->sector_size, 4096);
		CU_ASSERT_EQUAL(mp_ptable_part_dm_start(t, &t->parts[0]), 2048);
		CU_ASSERT_EQUAL(mp_ptable_part_dm_size(t, &t->parts[0]), 20480);
		CU_ASSERT_EQUAL(mp_ptable_part_dm_start(t, &t->parts[1]), 2816 * 8);
	}
	mp_ptable_free(t);
	/* The backup is at the last 4 KiB block, not at 512-byte LBA N-1. */
	memset(img_sec(&im, 1), 0, 4096);
	t = parse_ok(&im, MP_PTABLE_GPT, 2);
	CU_ASSERT(t && strstr(t->note, "backup at LBA 8191"));
	mp_ptable_free(t);
	free(im.data);

	img_init(&im, 4096, 8192);
	mbr_slot(&im, 0, 0, 0x83, 256, 1024);
	t = parse_ok(&im, MP_PTABLE_MBR, 1);
	CU_ASSERT(t && mp_ptable_part_dm_size(t, &t->parts[0]) == 8192);
	mp_ptable_free(t);
	free(im.data);
}

static void test_protective_mbr_and_errors(void)
{
	struct img im;
	struct mp_ptable_disk d;
	struct mp_ptable_diag diag;
	struct mp_ptable *t = NULL;

	img_init(&im, 512, 100000);
	gpt_write(&im, &(struct gpt_spec){ .parts = three, .n_parts = 3 });
	CU_ASSERT(mp_ptable_mbr_is_protective(img_sec(&im, 0)));
	d = img_disk(&im);
	CU_ASSERT_EQUAL(mp_ptable_parse_mbr(&d, img_sec(&im, 0), &t, &diag), -EMEDIUMTYPE);
	CU_ASSERT_PTR_NULL(t);
	im.fail_lba = 0;
	CU_ASSERT_EQUAL(mp_ptable_parse(&d, &t, &diag), -EIO);
	CU_ASSERT_PTR_NULL(t);
	d.sector_size = 1000;
	CU_ASSERT_EQUAL(mp_ptable_parse(&d, &t, &diag), -EINVAL);
	d.sector_size = 512;
	d.sectors = UINT64_MAX;
	CU_ASSERT_EQUAL(mp_ptable_parse(&d, &t, &diag), -EINVAL);
	d.sectors = 2;
	im.fail_lba = -1;
	CU_ASSERT_EQUAL(mp_ptable_parse(&d, &t, &diag), -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag.msg, "too small"));
	CU_ASSERT_PTR_NULL(t);
	CU_ASSERT_STRING_EQUAL(mp_ptable_kind_to_string(MP_PTABLE_GPT), "gpt");
	CU_ASSERT_PTR_NULL(mp_ptable_kind_to_string(_MP_PTABLE_KIND_MAX));
	free(im.data);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_crc32_known_answers),
	UNIT_TEST(test_mbr_primary_only),
	UNIT_TEST(test_mbr_extended_three_logicals),
	UNIT_TEST(test_mbr_blank_extended_has_no_logicals),
	UNIT_TEST(test_mbr_ebr_loop),
	UNIT_TEST(test_mbr_ebr_chain_bounded),
	UNIT_TEST(test_mbr_ebr_bad_links),
	UNIT_TEST(test_mbr_hostile_primaries),
	UNIT_TEST(test_mbr_not_a_table),
	UNIT_TEST(test_gpt_three_partitions),
	UNIT_TEST(test_gpt_bad_primary_uses_backup),
	UNIT_TEST(test_gpt_both_headers_bad),
	UNIT_TEST(test_gpt_entry_crc_bad),
	UNIT_TEST(test_gpt_overlap_and_range),
	UNIT_TEST(test_gpt_hostile_headers),
	UNIT_TEST(test_gpt_more_entries_allowed),
	UNIT_TEST(test_4k_sectors),
	UNIT_TEST(test_protective_mbr_and_errors),
	UNIT_END,
};
