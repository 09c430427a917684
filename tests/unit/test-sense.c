/* Unit tests for mp/sense.h: literal sense buffers in fixed (0x70/0x71)
 * and descriptor (0x72/0x73) format and host/SAM status combinations, each
 * with the verdict the checker must reach. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "mp/sense.h"

const char unit_suite_name[] = "sense";

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* Fixed format: 18 bytes, key in byte 2, additional length 10, ASC/ASCQ in
 * bytes 12/13. */
#define FIXED(code, key, asc, ascq) \
	{ (code), 0, (key), 0, 0, 0, 0, 10, 0, 0, 0, 0, (asc), (ascq), 0, 0, 0, 0 }
/* Descriptor format: 8-byte header, key in byte 1, ASC/ASCQ in 2/3, no
 * descriptors (additional length 0). */
#define DESC(code, key, asc, ascq) \
	{ (code), (key), (asc), (ascq), 0, 0, 0, 0 }

struct sense_case {
	const char *what;
	uint8_t sense[18];
	uint8_t len;
	enum mp_check_result want;
};

static const struct sense_case sense_cases[] = {
	{ "fixed not ready transitioning", FIXED(0x70, 0x2, 0x04, 0x0a), 18, MP_CHECK_PENDING },
	{ "fixed not ready standby", FIXED(0x70, 0x2, 0x04, 0x0b), 18, MP_CHECK_GHOST },
	{ "fixed not ready unavailable", FIXED(0x70, 0x2, 0x04, 0x0c), 18, MP_CHECK_GHOST },
	{ "fixed not ready becoming ready", FIXED(0x70, 0x2, 0x04, 0x01), 18, MP_CHECK_RETRY },
	{ "fixed not ready start unit", FIXED(0x70, 0x2, 0x04, 0x02), 18, MP_CHECK_DOWN },
	{ "fixed not ready no medium", FIXED(0x70, 0x2, 0x3a, 0x00), 18, MP_CHECK_DOWN },
	{ "fixed UA power on", FIXED(0x70, 0x6, 0x29, 0x00), 18, MP_CHECK_RETRY },
	{ "fixed UA ALUA changed", FIXED(0x70, 0x6, 0x2a, 0x06), 18, MP_CHECK_RETRY },
	{ "fixed UA luns changed", FIXED(0x70, 0x6, 0x3f, 0x0e), 18, MP_CHECK_RETRY },
	{ "fixed LU not supported", FIXED(0x70, 0x5, 0x25, 0x00), 18, MP_CHECK_LUN_GONE },
	{ "fixed invalid opcode", FIXED(0x70, 0x5, 0x20, 0x00), 18, MP_CHECK_UP },
	{ "fixed invalid field in cdb", FIXED(0x70, 0x5, 0x24, 0x00), 18, MP_CHECK_UP },
	{ "fixed recovered", FIXED(0x70, 0x1, 0x5d, 0x00), 18, MP_CHECK_UP },
	{ "fixed medium error", FIXED(0x70, 0x3, 0x11, 0x00), 18, MP_CHECK_UP },
	{ "fixed hardware error", FIXED(0x70, 0x4, 0x44, 0x00), 18, MP_CHECK_DOWN },
	{ "fixed aborted command", FIXED(0x70, 0xb, 0x47, 0x00), 18, MP_CHECK_RETRY },
	{ "fixed deferred hw error", FIXED(0x71, 0x4, 0x44, 0x00), 18, MP_CHECK_RETRY },
	/* A short fixed buffer still carries the key (byte 2). */
	{ "fixed truncated to 8", FIXED(0x70, 0x6, 0x29, 0x00), 8, MP_CHECK_RETRY },
	{ "desc not ready transitioning", DESC(0x72, 0x2, 0x04, 0x0a), 8, MP_CHECK_PENDING },
	{ "desc not ready standby", DESC(0x72, 0x2, 0x04, 0x0b), 8, MP_CHECK_GHOST },
	{ "desc not ready unavailable", DESC(0x72, 0x2, 0x04, 0x0c), 8, MP_CHECK_GHOST },
	{ "desc UA luns changed", DESC(0x72, 0x6, 0x3f, 0x0e), 8, MP_CHECK_RETRY },
	{ "desc LU not supported", DESC(0x72, 0x5, 0x25, 0x00), 8, MP_CHECK_LUN_GONE },
	{ "desc hardware error", DESC(0x72, 0x4, 0x3e, 0x01), 8, MP_CHECK_DOWN },
	{ "desc deferred", DESC(0x73, 0x2, 0x04, 0x0b), 8, MP_CHECK_RETRY },
	{ "garbage response code", { 0x12, 0x02, 0x04, 0x0b }, 4, MP_CHECK_DOWN },
	{ "empty sense", { 0 }, 0, MP_CHECK_DOWN },
};

static void test_sense_table(void)
{
	for (unsigned int i = 0; i < ELEMENTSOF(sense_cases); i++) {
		const struct sense_case *c = &sense_cases[i];
		struct mp_scsi_status st = {
			.scsi_status = MP_SAM_CHECK_CONDITION,
			.driver_status = MP_DRIVER_SENSE,
			.sense_len = c->len,
		};
		enum mp_check_result got;

		memcpy(st.sense, c->sense, c->len);
		got = mp_sense_classify(&st);
		if (got != c->want)
			CU_FAIL_FATAL(c->what);
		CU_ASSERT_EQUAL(got, c->want);
	}
}

struct status_case {
	const char *what;
	uint8_t scsi_status;
	uint16_t host, driver;
	bool timed_out;
	enum mp_check_result want;
};

static const struct status_case status_cases[] = {
	{ "good", MP_SAM_GOOD, MP_DID_OK, MP_DRIVER_OK, false, MP_CHECK_UP },
	{ "condition met", MP_SAM_CONDITION_MET, MP_DID_OK, 0, false, MP_CHECK_UP },
	{ "good with driver sense", MP_SAM_GOOD, MP_DID_OK, MP_DRIVER_SENSE, false, MP_CHECK_UP },
	{ "busy", MP_SAM_BUSY, MP_DID_OK, 0, false, MP_CHECK_RETRY },
	{ "task set full", MP_SAM_TASK_SET_FULL, MP_DID_OK, 0, false, MP_CHECK_RETRY },
	{ "reservation conflict", MP_SAM_RESERVATION_CONFLICT, MP_DID_OK, 0, false, MP_CHECK_RESERVED },
	{ "check condition, no sense", MP_SAM_CHECK_CONDITION, MP_DID_OK, 0, false, MP_CHECK_DOWN },
	{ "no connect", MP_SAM_GOOD, MP_DID_NO_CONNECT, 0, false, MP_CHECK_DOWN },
	{ "bad target", MP_SAM_GOOD, MP_DID_BAD_TARGET, 0, false, MP_CHECK_DOWN },
	{ "failfast", MP_SAM_GOOD, MP_DID_TRANSPORT_FAILFAST, 0, false, MP_CHECK_DOWN },
	{ "disrupted", MP_SAM_GOOD, MP_DID_TRANSPORT_DISRUPTED, 0, false, MP_CHECK_RETRY },
	{ "requeue", MP_SAM_GOOD, MP_DID_REQUEUE, 0, false, MP_CHECK_RETRY },
	{ "host timeout", MP_SAM_GOOD, MP_DID_TIME_OUT, 0, false, MP_CHECK_TIMEOUT },
	{ "abort", MP_SAM_GOOD, MP_DID_ABORT, 0, false, MP_CHECK_TIMEOUT },
	{ "driver timeout", MP_SAM_GOOD, MP_DID_OK, MP_DRIVER_TIMEOUT, false, MP_CHECK_TIMEOUT },
	{ "our deadline", MP_SAM_GOOD, MP_DID_OK, 0, true, MP_CHECK_TIMEOUT },
	/* Host byte wins over a stale status byte. */
	{ "no connect with busy", MP_SAM_BUSY, MP_DID_NO_CONNECT, 0, false, MP_CHECK_DOWN },
	{ "host error", MP_SAM_GOOD, MP_DID_ERROR, 0, false, MP_CHECK_DOWN },
	{ "unknown host", MP_SAM_GOOD, 0x7f, 0, false, MP_CHECK_DOWN },
	{ "unknown status", 0x7e, MP_DID_OK, 0, false, MP_CHECK_DOWN },
};

static void test_status_table(void)
{
	for (unsigned int i = 0; i < ELEMENTSOF(status_cases); i++) {
		const struct status_case *c = &status_cases[i];
		struct mp_scsi_status st = {
			.scsi_status = c->scsi_status,
			.host_status = c->host,
			.driver_status = c->driver,
			.timed_out = c->timed_out,
		};
		if (mp_sense_classify(&st) != c->want)
			CU_FAIL_FATAL(c->what);
	}
}

static void test_decode(void)
{
	static const uint8_t fixed[] = FIXED(0x70, 0x2, 0x04, 0x0b);
	static const uint8_t desc[] = DESC(0x72, 0x6, 0x2a, 0x06);
	static const uint8_t junk[] = { 0x00, 0x01, 0x02 };
	struct mp_sense s = { .key = 0xee };

	CU_ASSERT_EQUAL(mp_sense_decode(fixed, sizeof(fixed), &s), 0);
	CU_ASSERT_EQUAL(s.key, 0x2);
	CU_ASSERT_EQUAL(s.asc, 0x04);
	CU_ASSERT_EQUAL(s.ascq, 0x0b);
	CU_ASSERT_FALSE(s.descriptor);
	CU_ASSERT_EQUAL(mp_sense_decode(desc, sizeof(desc), &s), 0);
	CU_ASSERT_EQUAL(s.key, 0x6);
	CU_ASSERT_EQUAL(s.asc, 0x2a);
	CU_ASSERT_EQUAL(s.ascq, 0x06);
	CU_ASSERT_TRUE(s.descriptor);

	/* ret_ is untouched on failure. */
	s.key = 0xee;
	CU_ASSERT_EQUAL(mp_sense_decode(junk, sizeof(junk), &s), -EINVAL);
	CU_ASSERT_EQUAL(mp_sense_decode(fixed, 0, &s), -ENODATA);
	CU_ASSERT_EQUAL(mp_sense_decode(NULL, 18, &s), -ENODATA);
	CU_ASSERT_EQUAL(s.key, 0xee);
}

static void test_errno(void)
{
	CU_ASSERT_EQUAL(mp_sense_classify_errno(-ENODEV), MP_CHECK_DOWN);
	CU_ASSERT_EQUAL(mp_sense_classify_errno(-ENXIO), MP_CHECK_DOWN);
	CU_ASSERT_EQUAL(mp_sense_classify_errno(-EIO), MP_CHECK_DOWN);
	CU_ASSERT_EQUAL(mp_sense_classify_errno(-EAGAIN), MP_CHECK_RETRY);
	CU_ASSERT_EQUAL(mp_sense_classify_errno(-EDOM), MP_CHECK_RETRY);
	CU_ASSERT_EQUAL(mp_sense_classify_errno(-ETIMEDOUT), MP_CHECK_TIMEOUT);
}

static void test_inquiry_pq(void)
{
	static const uint8_t present[] = { 0x00, 0x00, 0x06, 0x02 };
	static const uint8_t absent[] = { 0x7f, 0x00, 0x06, 0x02 };	/* PQ 3, PDT 1f */

	CU_ASSERT_FALSE(mp_sense_inquiry_lun_absent(present, sizeof(present)));
	CU_ASSERT_TRUE(mp_sense_inquiry_lun_absent(absent, sizeof(absent)));
	CU_ASSERT_FALSE(mp_sense_inquiry_lun_absent(absent, 0));
}

static void test_strings(void)
{
	enum mp_check_result r;

	for (int i = 0; i < _MP_CHECK_RESULT_MAX; i++) {
		const char *s = mp_check_result_to_string((enum mp_check_result)i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_EQUAL(mp_check_result_from_string(s, &r), 0);
		CU_ASSERT_EQUAL(r, i);
	}
	CU_ASSERT_PTR_NULL(mp_check_result_to_string(_MP_CHECK_RESULT_MAX));
	CU_ASSERT_EQUAL(mp_check_result_from_string("sideways", &r), -EINVAL);
	CU_ASSERT_STRING_EQUAL(mp_sense_host_status_to_string(MP_DID_NO_CONNECT), "DID_NO_CONNECT");
	CU_ASSERT_PTR_NULL(mp_sense_host_status_to_string(0x99));
}

static void test_describe(void)
{
	struct mp_scsi_status st = {
		.scsi_status = MP_SAM_CHECK_CONDITION,
		.driver_status = MP_DRIVER_SENSE,
		.sense_len = 18,
		.sense = FIXED(0x70, 0x2, 0x04, 0x0a),
	};
	char buf[160], tiny[8];

	mp_sense_describe(&st, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "Not Ready"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "(04/0a)"));
	st = (struct mp_scsi_status){ .host_status = MP_DID_NO_CONNECT };
	CU_ASSERT_STRING_EQUAL(mp_sense_describe(&st, buf, sizeof(buf)), "host DID_NO_CONNECT");
	/* Truncates, always terminated. */
	mp_sense_describe(&st, tiny, sizeof(tiny));
	CU_ASSERT_EQUAL(strlen(tiny), sizeof(tiny) - 1);
}

/* directio: the block layer's errno, with the port's ALUA state. */
static void test_dio(void)
{
	static const struct {
		int64_t res;
		uint32_t len;
		enum mp_alua_state alua;
		enum mp_check_result want;
	} cases[] = {
		{ 512, 512, MP_ALUA_UNKNOWN, MP_CHECK_UP },
		{ 4096, 4096, MP_ALUA_OPTIMIZED, MP_CHECK_UP },
		{ 0, 512, MP_ALUA_UNKNOWN, MP_CHECK_DOWN },		/* short: EOF */
		{ 256, 512, MP_ALUA_UNKNOWN, MP_CHECK_DOWN },
		{ -EIO, 512, MP_ALUA_UNKNOWN, MP_CHECK_DOWN },
		{ -EIO, 512, MP_ALUA_OPTIMIZED, MP_CHECK_DOWN },
		{ -EIO, 512, MP_ALUA_STANDBY, MP_CHECK_GHOST },
		{ -EIO, 512, MP_ALUA_UNAVAILABLE, MP_CHECK_GHOST },
		{ -EIO, 512, MP_ALUA_TRANSITIONING, MP_CHECK_PENDING },
		/* the ALUA state only explains EIO, not a lost transport */
		{ -ENOLINK, 512, MP_ALUA_STANDBY, MP_CHECK_DOWN },
		{ -ENODEV, 512, MP_ALUA_UNKNOWN, MP_CHECK_DOWN },
		{ -ETIMEDOUT, 512, MP_ALUA_UNKNOWN, MP_CHECK_TIMEOUT },
		{ -ECANCELED, 512, MP_ALUA_UNKNOWN, MP_CHECK_TIMEOUT },
		{ -EAGAIN, 512, MP_ALUA_UNKNOWN, MP_CHECK_RETRY },
		{ -ENOMEM, 512, MP_ALUA_UNKNOWN, MP_CHECK_RETRY },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		CU_ASSERT_EQUAL(mp_sense_classify_dio(cases[i].res, cases[i].len, cases[i].alua),
				cases[i].want);
}

static void test_alua_changed(void)
{
	static const struct {
		uint8_t status;
		uint8_t sense[18];
		uint8_t len;
		bool want;
	} cases[] = {
		{ MP_SAM_CHECK_CONDITION, FIXED(0x70, 0x6, 0x2a, 0x06), 18, true },
		{ MP_SAM_CHECK_CONDITION, FIXED(0x70, 0x6, 0x2a, 0x07), 18, true },
		{ MP_SAM_CHECK_CONDITION, DESC(0x72, 0x6, 0x2a, 0x06), 8, true },
		{ MP_SAM_CHECK_CONDITION, FIXED(0x70, 0x2, 0x04, 0x0a), 18, true },
		{ MP_SAM_CHECK_CONDITION, FIXED(0x70, 0x2, 0x04, 0x0b), 18, false },
		{ MP_SAM_CHECK_CONDITION, FIXED(0x70, 0x6, 0x29, 0x00), 18, false },
		{ MP_SAM_CHECK_CONDITION, FIXED(0x70, 0x6, 0x2a, 0x09), 18, false },
		{ MP_SAM_GOOD, FIXED(0x70, 0x6, 0x2a, 0x06), 18, false },
		{ MP_SAM_CHECK_CONDITION, { 0 }, 0, false },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct mp_scsi_status st = { .scsi_status = cases[i].status,
					     .sense_len = cases[i].len };

		memcpy(st.sense, cases[i].sense, sizeof(cases[i].sense));
		CU_ASSERT_EQUAL(mp_sense_alua_changed(&st), cases[i].want);
	}
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_dio),
	UNIT_TEST(test_alua_changed),
	UNIT_TEST(test_sense_table),
	UNIT_TEST(test_status_table),
	UNIT_TEST(test_decode),
	UNIT_TEST(test_errno),
	UNIT_TEST(test_inquiry_pq),
	UNIT_TEST(test_strings),
	UNIT_TEST(test_describe),
	UNIT_END,
};
