/* Unit tests for the string-keyed position index shared by the bindings
 * and wwids tables: lookups after growth, a failed reservation leaving the
 * index intact, and clear + re-add after the caller's array shifted. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "util/strindex.h"

const char unit_suite_name[] = "strindex";

#define N_KEYS 5000

static char keys[N_KEYS][16];

static const char *key_at(const void *ctx, size_t pos)
{
	return ((const char (*)[16])ctx)[pos];
}

static void fill(struct mp_strindex *ix, size_t n)
{
	mp_strindex_init(ix, key_at, keys);
	for (size_t i = 0; i < n; i++) {
		snprintf(keys[i], sizeof(keys[i]), "36%09zu", i * 7919);
		CU_ASSERT_EQUAL_FATAL(mp_strindex_reserve(ix, 1), 0);
		mp_strindex_add(ix, keys[i], i);
	}
}

static void test_finds_every_key_after_growth(void)
{
	struct mp_strindex ix;
	size_t pos, wrong = 0;

	fill(&ix, N_KEYS);
	CU_ASSERT_EQUAL(ix.ix.used, N_KEYS);
	CU_ASSERT(ix.ix.cap >= 2 * N_KEYS);
	CU_ASSERT_EQUAL(ix.ix.cap & (ix.ix.cap - 1), 0);
	for (size_t i = 0; i < N_KEYS; i++)
		if (!mp_strindex_find(&ix, keys[i], &pos) || pos != i)
			wrong++;
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT_FALSE(mp_strindex_find(&ix, "36999999999", NULL));
	CU_ASSERT_FALSE(mp_strindex_find(&ix, "", NULL));
	mp_strindex_release(&ix);
	CU_ASSERT_PTR_NULL(ix.ix.slot);
	CU_ASSERT_FALSE(mp_strindex_find(&ix, keys[0], NULL));
}

static void test_empty_index_finds_nothing(void)
{
	struct mp_strindex ix;

	mp_strindex_init(&ix, key_at, keys);
	CU_ASSERT_FALSE(mp_strindex_find(&ix, "x", NULL));
	mp_strindex_clear(&ix);
	CU_ASSERT_EQUAL(ix.ix.used, 0);
	mp_strindex_release(&ix);
}

static void test_absurd_reservation_fails_and_keeps_index(void)
{
	struct mp_strindex ix;
	size_t pos;

	fill(&ix, 10);
	CU_ASSERT_EQUAL(mp_strindex_reserve(&ix, SIZE_MAX / 2), -ENOMEM);
	CU_ASSERT_TRUE(mp_strindex_find(&ix, keys[9], &pos));
	CU_ASSERT_EQUAL(pos, 9);
	mp_strindex_release(&ix);
}

static void test_clear_then_readd_shifted_positions(void)
{
	struct mp_strindex ix;
	size_t pos, cap;

	fill(&ix, 100);
	cap = ix.ix.cap;
	/* the caller removed key 0: every later key moves down one */
	memmove(keys[0], keys[1], 99 * sizeof(keys[0]));
	mp_strindex_clear(&ix);
	for (size_t i = 0; i < 99; i++)
		mp_strindex_add(&ix, keys[i], i);
	CU_ASSERT_EQUAL(ix.ix.cap, cap);
	CU_ASSERT_EQUAL(ix.ix.used, 99);
	CU_ASSERT_TRUE(mp_strindex_find(&ix, keys[98], &pos));
	CU_ASSERT_EQUAL(pos, 98);
	mp_strindex_release(&ix);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_finds_every_key_after_growth),
	UNIT_TEST(test_empty_index_finds_nothing),
	UNIT_TEST(test_absurd_reservation_fails_and_keeps_index),
	UNIT_TEST(test_clear_then_readd_shifted_positions),
	UNIT_END
};
