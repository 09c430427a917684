/* Unit tests for grouping positions by string key (util/strgroup.h): first-
 * occurrence order of groups, array order within a group, positions
 * without a key left out, and 1024 positions over 256 keys (the start-up
 * of 256 LUNs x 4 paths, interleaved as sd names come) checked against a
 * pairwise-compare reference. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "util/strgroup.h"

const char unit_suite_name[] = "strgroup";

static const char *key_at(const void *ctx, size_t pos)
{
	return ((const char *const *)ctx)[pos];
}

static void test_groups_in_first_occurrence_order(void)
{
	const char *keys[] = { "b", "a", NULL, "b", "", "c", "a", "b" };
	struct mp_strgroup g;

	CU_ASSERT_EQUAL_FATAL(mp_strgroup_build(8, key_at, keys, &g), 0);
	CU_ASSERT_EQUAL_FATAL(g.n_groups, 3);
	/* b: 0 3 7; a: 1 6; c: 5 */
	CU_ASSERT_EQUAL_FATAL(mp_strgroup_size(&g, 0), 3);
	CU_ASSERT_EQUAL(mp_strgroup_members(&g, 0)[0], 0);
	CU_ASSERT_EQUAL(mp_strgroup_members(&g, 0)[1], 3);
	CU_ASSERT_EQUAL(mp_strgroup_members(&g, 0)[2], 7);
	CU_ASSERT_EQUAL_FATAL(mp_strgroup_size(&g, 1), 2);
	CU_ASSERT_EQUAL(mp_strgroup_members(&g, 1)[0], 1);
	CU_ASSERT_EQUAL(mp_strgroup_members(&g, 1)[1], 6);
	CU_ASSERT_EQUAL_FATAL(mp_strgroup_size(&g, 2), 1);
	CU_ASSERT_EQUAL(mp_strgroup_members(&g, 2)[0], 5);
	mp_strgroup_release(&g);
	CU_ASSERT_PTR_NULL(g.start);
	mp_strgroup_release(NULL);
}

static void test_empty_and_keyless(void)
{
	const char *keys[] = { NULL, "" };
	struct mp_strgroup g;

	CU_ASSERT_EQUAL_FATAL(mp_strgroup_build(0, key_at, keys, &g), 0);
	CU_ASSERT_EQUAL(g.n_groups, 0);
	mp_strgroup_release(&g);
	CU_ASSERT_EQUAL_FATAL(mp_strgroup_build(2, key_at, keys, &g), 0);
	CU_ASSERT_EQUAL(g.n_groups, 0);
	mp_strgroup_release(&g);
}

#define N_PATHS 1024
#define N_LUNS 256

static void test_matches_pairwise_reference_at_1024(void)
{
	static char buf[N_PATHS][32];
	static const char *keys[N_PATHS];
	size_t wrong = 0, groups = 0;
	struct mp_strgroup g;

	/* LUN (i * 37) % 256: paths of one LUN far apart, as sd names are */
	for (size_t i = 0; i < N_PATHS; i++) {
		snprintf(buf[i], sizeof(buf[i]), "3600a0b80%015zx", (i * 37) % N_LUNS);
		keys[i] = buf[i];
	}
	keys[5] = NULL;
	CU_ASSERT_EQUAL_FATAL(mp_strgroup_build(N_PATHS, key_at, keys, &g), 0);
	/* reference: position i opens a group iff no earlier one has its key;
	 * its group holds every later position with the key, in order */
	for (size_t i = 0; i < N_PATHS; i++) {
		bool seen = !keys[i];
		size_t k = 0;
		const size_t *mem;

		for (size_t j = 0; j < i && !seen; j++)
			seen = keys[j] && strcmp(keys[j], keys[i]) == 0;
		if (seen)
			continue;
		if (groups >= g.n_groups) {
			wrong++;
			break;
		}
		mem = mp_strgroup_members(&g, groups);
		for (size_t j = i; j < N_PATHS; j++)
			if (keys[j] && strcmp(keys[j], keys[i]) == 0)
				wrong += k >= mp_strgroup_size(&g, groups) || mem[k++] != j;
		wrong += k != mp_strgroup_size(&g, groups);
		groups++;
	}
	CU_ASSERT_EQUAL(groups, N_LUNS);
	CU_ASSERT_EQUAL(g.n_groups, N_LUNS);
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT_EQUAL(g.start[g.n_groups], N_PATHS - 1);
	mp_strgroup_release(&g);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_groups_in_first_occurrence_order),
	UNIT_TEST(test_empty_and_keyless),
	UNIT_TEST(test_matches_pairwise_reference_at_1024),
	UNIT_END,
};
