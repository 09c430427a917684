/* Unit tests for the hash-to-position index under strindex and the
 * daemon's path table: every candidate of a hash is yielded once, even
 * when many keys share one hash and the probe wraps around the table. */
#include <errno.h>
#include <stdint.h>

#include "unit.h"
#include "util/posindex.h"

const char unit_suite_name[] = "posindex";

static void test_integer_keys_after_growth(void)
{
	struct mp_posindex ix = { 0 };
	size_t cursor, pos, wrong = 0;

	for (size_t i = 0; i < 4096; i++) {
		CU_ASSERT_EQUAL_FATAL(mp_posindex_reserve(&ix, 1), 0);
		mp_posindex_add(&ix, mp_posindex_hash_u64((8u << 20) | (i * 16)), i);
	}
	CU_ASSERT_EQUAL(ix.used, 4096);
	CU_ASSERT(ix.cap >= 8192);
	for (size_t i = 0; i < 4096; i++) {
		cursor = 0;
		if (!mp_posindex_next(&ix, mp_posindex_hash_u64((8u << 20) | (i * 16)), &cursor, &pos) ||
		    pos != i)
			wrong++;
	}
	CU_ASSERT_EQUAL(wrong, 0);
	cursor = 0;
	CU_ASSERT_FALSE(mp_posindex_next(&ix, mp_posindex_hash_u64(7), &cursor, &pos));
	mp_posindex_release(&ix);
	CU_ASSERT_PTR_NULL(ix.slot);
	cursor = 0;
	CU_ASSERT_FALSE(mp_posindex_next(&ix, 1, &cursor, &pos));
}

/* Forty positions under one hash, in a table of 128 slots whose probe
 * starts at its last slot: each is yielded exactly once, then false. */
static void test_shared_hash_yields_each_candidate_once(void)
{
	struct mp_posindex ix = { 0 };
	uint64_t h = 127;		/* home slot 127 of 128: probes wrap */
	unsigned seen[40] = { 0 };
	size_t cursor = 0, pos, n = 0;

	CU_ASSERT_EQUAL_FATAL(mp_posindex_reserve(&ix, 64), 0);
	CU_ASSERT_EQUAL_FATAL(ix.cap, 128);
	for (size_t i = 0; i < 40; i++)
		mp_posindex_add(&ix, h, i);
	mp_posindex_add(&ix, h + 1, 99);	/* another hash in the run */
	while (mp_posindex_next(&ix, h, &cursor, &pos)) {
		CU_ASSERT_FATAL(pos < 40);
		seen[pos]++;
		n++;
	}
	CU_ASSERT_EQUAL(n, 40);
	for (size_t i = 0; i < 40; i++)
		CU_ASSERT_EQUAL(seen[i], 1);
	cursor = 0;
	CU_ASSERT_TRUE(mp_posindex_next(&ix, h + 1, &cursor, &pos));
	CU_ASSERT_EQUAL(pos, 99);
	mp_posindex_clear(&ix);
	cursor = 0;
	CU_ASSERT_FALSE(mp_posindex_next(&ix, h, &cursor, &pos));
	CU_ASSERT_EQUAL(ix.cap, 128);
	CU_ASSERT_EQUAL(mp_posindex_reserve(&ix, SIZE_MAX / 2), -ENOMEM);
	CU_ASSERT_EQUAL(ix.cap, 128);
	mp_posindex_release(&ix);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_integer_keys_after_growth),
	UNIT_TEST(test_shared_hash_yields_each_candidate_once),
	UNIT_END
};
