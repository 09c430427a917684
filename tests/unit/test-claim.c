/* Unit tests for the path-claim decision (libmp/core/claim.c): one table
 * row per case, literal inputs, expected verdict, reason and deadline; and
 * the string tables. */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "mp/claim.h"

const char unit_suite_name[] = "claim";

#define S 1000000u	/* one second in microseconds */

#define OFF	MP_FIND_MULTIPATHS_OFF
#define ON	MP_FIND_MULTIPATHS_ON
#define GREEDY	MP_FIND_MULTIPATHS_GREEDY
#define STRICT	MP_FIND_MULTIPATHS_STRICT
#define SMART	MP_FIND_MULTIPATHS_SMART

struct row {
	const char *what;
	bool no_wwid, zero_timeout;	/* the base case has a WWID and 10 s */
	struct mp_claim_input in;
	enum mp_claim verdict;
	enum mp_claim_reason reason;
	uint64_t deadline_us;
};

/* Each row describes a path that has a WWID, is allowed, is not mapped,
 * has no second path, at 100 s with a 10 s smart timeout, except for what
 * the row sets (see input_of()). */

static const struct row rows[] = {
	{ .what = "held by its map, even if blacklisted now", 
	  .in = { .now_us = 100 * S, .blacklist = MP_BL_EXCLUDED, .find_multipaths = STRICT, .holder = MP_CLAIM_HOLDER_MPATH },
	  .verdict = MP_CLAIM_YES, .reason = MP_CLAIM_R_IN_MAP, .deadline_us = 0 },
	{ .what = "held by another dm device (LVM on the raw disk)", 
	  .in = { .now_us = 100 * S, .find_multipaths = GREEDY, .in_wwids = true, .holder = MP_CLAIM_HOLDER_OTHER },
	  .verdict = MP_CLAIM_NO, .reason = MP_CLAIM_R_HELD_BY_OTHER, .deadline_us = 0 },
	{ .what = "no wwid", .no_wwid = true,
	  .in = { .now_us = 100 * S, .find_multipaths = GREEDY },
	  .verdict = MP_CLAIM_NO, .reason = MP_CLAIM_R_NO_WWID, .deadline_us = 0 },
	{ .what = "blacklisted beats wwids file and map", 
	  .in = { .now_us = 100 * S, .blacklist = MP_BL_EXCLUDED, .find_multipaths = ON, .in_wwids = true, .map_exists = true },
	  .verdict = MP_CLAIM_NO, .reason = MP_CLAIM_R_BLACKLISTED, .deadline_us = 0 },
	{ .what = "blacklisted releases a sticky claim", 
	  .in = { .now_us = 100 * S, .blacklist = MP_BL_EXCLUDED, .find_multipaths = ON, .was_claimed = true },
	  .verdict = MP_CLAIM_NO, .reason = MP_CLAIM_R_BLACKLISTED, .deadline_us = 0 },
	{ .what = "excepted counts as allowed", 
	  .in = { .now_us = 100 * S, .blacklist = MP_BL_EXCEPTED, .find_multipaths = GREEDY },
	  .verdict = MP_CLAIM_YES, .reason = MP_CLAIM_R_GREEDY, .deadline_us = 0 },
	{ .what = "map for the wwid exists (strict, not in file)", 
	  .in = { .now_us = 100 * S, .find_multipaths = STRICT, .map_exists = true },
	  .verdict = MP_CLAIM_YES, .reason = MP_CLAIM_R_MAP_EXISTS, .deadline_us = 0 },
	{ .what = "sticky: claimed before, second path gone", 
	  .in = { .now_us = 100 * S, .find_multipaths = ON, .was_claimed = true },
	  .verdict = MP_CLAIM_YES, .reason = MP_CLAIM_R_STICKY, .deadline_us = 0 },
	{ .what = "off claims a single unknown path", 
	  .in = { .now_us = 100 * S, .find_multipaths = OFF },
	  .verdict = MP_CLAIM_YES, .reason = MP_CLAIM_R_GREEDY, .deadline_us = 0 },
	{ .what = "greedy claims a single unknown path", 
	  .in = { .now_us = 100 * S, .find_multipaths = GREEDY },
	  .verdict = MP_CLAIM_YES, .reason = MP_CLAIM_R_GREEDY, .deadline_us = 0 },
	{ .what = "strict: in wwids", 
	  .in = { .now_us = 100 * S, .find_multipaths = STRICT, .in_wwids = true },
	  .verdict = MP_CLAIM_YES, .reason = MP_CLAIM_R_IN_WWIDS, .deadline_us = 0 },
	{ .what = "strict: two paths but not in wwids", 
	  .in = { .now_us = 100 * S, .find_multipaths = STRICT, .other_path = true },
	  .verdict = MP_CLAIM_NO, .reason = MP_CLAIM_R_NOT_IN_WWIDS, .deadline_us = 0 },
	{ .what = "on: in wwids, single path", 
	  .in = { .now_us = 100 * S, .find_multipaths = ON, .in_wwids = true },
	  .verdict = MP_CLAIM_YES, .reason = MP_CLAIM_R_IN_WWIDS, .deadline_us = 0 },
	{ .what = "on: second path", 
	  .in = { .now_us = 100 * S, .find_multipaths = ON, .other_path = true },
	  .verdict = MP_CLAIM_YES, .reason = MP_CLAIM_R_OTHER_PATH, .deadline_us = 0 },
	{ .what = "on: single unknown path", 
	  .in = { .now_us = 100 * S, .find_multipaths = ON },
	  .verdict = MP_CLAIM_NO, .reason = MP_CLAIM_R_SINGLE_PATH, .deadline_us = 0 },
	{ .what = "smart: second path", 
	  .in = { .now_us = 100 * S, .find_multipaths = SMART, .other_path = true },
	  .verdict = MP_CLAIM_YES, .reason = MP_CLAIM_R_OTHER_PATH, .deadline_us = 0 },
	{ .what = "smart: in wwids", 
	  .in = { .now_us = 100 * S, .find_multipaths = SMART, .in_wwids = true },
	  .verdict = MP_CLAIM_YES, .reason = MP_CLAIM_R_IN_WWIDS, .deadline_us = 0 },
	{ .what = "smart: first sight sets now + timeout", 
	  .in = { .now_us = 100 * S, .find_multipaths = SMART },
	  .verdict = MP_CLAIM_MAYBE, .reason = MP_CLAIM_R_SMART_WAIT, .deadline_us = 110 * S },
	{ .what = "smart: zero timeout releases at once", .zero_timeout = true,
	  .in = { .now_us = 100 * S, .find_multipaths = SMART },
	  .verdict = MP_CLAIM_NO, .reason = MP_CLAIM_R_SMART_EXPIRED, .deadline_us = 0 },
	{ .what = "smart: later event keeps the first deadline", 
	  .in = { .now_us = 100 * S, .find_multipaths = SMART, .deadline_us = 105 * S },
	  .verdict = MP_CLAIM_MAYBE, .reason = MP_CLAIM_R_SMART_WAIT, .deadline_us = 105 * S },
	{ .what = "smart: deadline reached exactly", 
	  .in = { .now_us = 100 * S, .find_multipaths = SMART, .deadline_us = 100 * S },
	  .verdict = MP_CLAIM_NO, .reason = MP_CLAIM_R_SMART_EXPIRED, .deadline_us = 0 },
	{ .what = "smart: deadline passed, second path arrived late", 
	  .in = { .now_us = 100 * S, .find_multipaths = SMART, .deadline_us = 50 * S, .other_path = true },
	  .verdict = MP_CLAIM_YES, .reason = MP_CLAIM_R_OTHER_PATH, .deadline_us = 0 },
	{ .what = "smart: deadline passed, map created meanwhile", 
	  .in = { .now_us = 100 * S, .find_multipaths = SMART, .deadline_us = 50 * S, .map_exists = true },
	  .verdict = MP_CLAIM_YES, .reason = MP_CLAIM_R_MAP_EXISTS, .deadline_us = 0 },
};

static struct mp_claim_input input_of(const struct row *row)
{
	struct mp_claim_input in = row->in;

	in.has_wwid = !row->no_wwid;
	in.timeout_s = row->zero_timeout ? 0 : 10;
	return in;
}

static void test_table(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct mp_claim_input in = input_of(&rows[i]);
		struct mp_claim_result r;

		memset(&r, 0xa5, sizeof(r));
		mp_claim_decide(&in, &r);
		if (r.verdict != rows[i].verdict || r.reason != rows[i].reason ||
		    r.deadline_us != rows[i].deadline_us)
			fprintf(stderr, "\n  row \"%s\": got %s/%s/%llu\n", rows[i].what,
				mp_claim_to_string(r.verdict), mp_claim_reason_to_string(r.reason),
				(unsigned long long)r.deadline_us);
		CU_ASSERT_EQUAL(r.verdict, rows[i].verdict);
		CU_ASSERT_EQUAL(r.reason, rows[i].reason);
		CU_ASSERT_EQUAL(r.deadline_us, rows[i].deadline_us);
	}
}

/* Every reachable verdict/reason pair is consistent: YES and MAYBE never
 * come with a "no" reason and the other way round. */
static void test_reason_matches_verdict(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct mp_claim_input in = input_of(&rows[i]);
		struct mp_claim_result r;

		mp_claim_decide(&in, &r);
		CU_ASSERT_EQUAL(r.verdict == MP_CLAIM_MAYBE, r.reason == MP_CLAIM_R_SMART_WAIT);
		CU_ASSERT_EQUAL(r.verdict == MP_CLAIM_MAYBE, r.deadline_us != 0);
	}
}

/* find_multipaths_timeout to a hold-back: positive for all, negative for
 * known arrays only (1 s for the rest), 0 the default of -10. */
static void test_smart_timeout(void)
{
	CU_ASSERT_EQUAL(mp_claim_smart_timeout(25, false), 25);
	CU_ASSERT_EQUAL(mp_claim_smart_timeout(25, true), 25);
	CU_ASSERT_EQUAL(mp_claim_smart_timeout(-30, true), 30);
	CU_ASSERT_EQUAL(mp_claim_smart_timeout(-30, false), 1);
	CU_ASSERT_EQUAL(mp_claim_smart_timeout(0, true), MP_CLAIM_SMART_TIMEOUT_S);
	CU_ASSERT_EQUAL(mp_claim_smart_timeout(0, false), 1);
}

static void test_strings(void)
{
	for (int i = 0; i < _MP_CLAIM_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(mp_claim_to_string((enum mp_claim)i));
	for (int i = 0; i < _MP_CLAIM_R_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(mp_claim_reason_to_string((enum mp_claim_reason)i));
	for (int i = 0; i < _MP_CLAIM_HOLDER_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(mp_claim_holder_to_string((enum mp_claim_holder)i));
	CU_ASSERT_PTR_NULL(mp_claim_to_string(_MP_CLAIM_MAX));
	CU_ASSERT_PTR_NULL(mp_claim_reason_to_string(_MP_CLAIM_R_MAX));
	CU_ASSERT_STRING_EQUAL(mp_claim_to_string(MP_CLAIM_MAYBE), "maybe");
	CU_ASSERT_STRING_EQUAL(mp_claim_reason_to_string(MP_CLAIM_R_OTHER_PATH), "other-path");
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_table),
	UNIT_TEST(test_reason_matches_verdict),
	UNIT_TEST(test_smart_timeout),
	UNIT_TEST(test_strings),
	UNIT_END,
};
