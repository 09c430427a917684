/* Unit tests for the identity read on a uevent (policy-uevent.c): an
 * unchanged device never warns, a read failure warns once per run and not
 * for a device already gone, a changed WWID warns once, and a good read
 * ends the run. The 256 x 4 bench case: 743 change events of known
 * devices, each read failing with EMFILE, warn once each, not on every
 * later event. */
#include <errno.h>

#include "unit.h"
#include "mp/policy.h"

const char unit_suite_name[] = "policy-uevent";

#define W1 "36001405aa00000000000000000000001"
#define W2 "36001405aa00000000000000000000002"

struct row {
	const char *what;
	struct mp_uevent_read in;
	enum mp_uevent_read_action action;
	bool warn, wwid_changed, warned;
};

static void test_table(void)
{
	static const struct row rows[] = {
		{ "new device", { false, 0, NULL, W1, false }, MP_UEVENT_ADD, false, false, false },
		{ "new device without WWID", { false, 0, NULL, "", false }, MP_UEVENT_ADD, false, false, false },
		{ "new device, read fails", { false, -EIO, NULL, NULL, false }, MP_UEVENT_KEEP, true, false, true },
		{ "new device already gone", { false, -ENOENT, NULL, NULL, false }, MP_UEVENT_KEEP, false, false, false },
		{ "known, unchanged", { true, 0, W1, W1, false }, MP_UEVENT_REFRESH, false, false, false },
		{ "known, unchanged after a warning", { true, 0, W1, W1, true }, MP_UEVENT_REFRESH, false, false, false },
		{ "known, WWID now readable", { true, 0, "", W1, false }, MP_UEVENT_REFRESH, false, false, false },
		{ "known, WWID unreadable now", { true, 0, W1, "", false }, MP_UEVENT_REFRESH, false, false, false },
		{ "known, another WWID", { true, 0, W1, W2, false }, MP_UEVENT_REFRESH, true, true, true },
		{ "known, another WWID again", { true, 0, W1, W2, true }, MP_UEVENT_REFRESH, false, true, true },
		{ "known, EMFILE", { true, -EMFILE, W1, NULL, false }, MP_UEVENT_KEEP, true, false, true },
		{ "known, EMFILE again", { true, -EMFILE, W1, NULL, true }, MP_UEVENT_KEEP, false, false, true },
		{ "known, gone (ENOTBLK)", { true, -ENOTBLK, W1, NULL, false }, MP_UEVENT_KEEP, false, false, false },
		{ "known, gone (ENODEV)", { true, -ENODEV, W1, NULL, false }, MP_UEVENT_KEEP, false, false, false },
	};

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct mp_uevent_verdict v;

		CU_ASSERT_EQUAL_FATAL(mp_policy_uevent_read(&r->in, &v), 0);
		if (v.action != r->action || v.warn != r->warn || v.wwid_changed != r->wwid_changed ||
		    v.warned != r->warned)
			CU_FAIL(r->what);
	}
}

static void test_743_change_events_warn_once_each(void)
{
	unsigned int warnings = 0;

	for (unsigned int dev = 0; dev < 743; dev++) {
		bool warned = false;

		/* each device: a few change events while descriptors run out,
		 * then one that reads fine, then another failure run */
		for (unsigned int ev = 0; ev < 6; ev++) {
			struct mp_uevent_read in = { true, ev == 3 ? 0 : -EMFILE, W1, ev == 3 ? W1 : NULL,
						     warned };
			struct mp_uevent_verdict v;

			CU_ASSERT_EQUAL_FATAL(mp_policy_uevent_read(&in, &v), 0);
			warnings += v.warn;
			warned = v.warned;
		}
	}
	CU_ASSERT_EQUAL(warnings, 2 * 743);
}

static void test_bad_arguments(void)
{
	struct mp_uevent_read in = { true, 0, NULL, W1, false };
	struct mp_uevent_verdict v;

	CU_ASSERT_EQUAL(mp_policy_uevent_read(NULL, &v), -EINVAL);
	CU_ASSERT_EQUAL(mp_policy_uevent_read(&in, &v), -EINVAL);	/* known without old WWID */
	in = (struct mp_uevent_read){ false, 0, NULL, NULL, false };
	CU_ASSERT_EQUAL(mp_policy_uevent_read(&in, &v), -EINVAL);	/* read ok without WWID */
	in.new_wwid = W1;
	CU_ASSERT_EQUAL(mp_policy_uevent_read(&in, NULL), -EINVAL);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_table),
	UNIT_TEST(test_743_change_events_warn_once_each),
	UNIT_TEST(test_bad_arguments),
	UNIT_END,
};
