/* Unit tests for REPORT TARGET PORT GROUPS decoding: both header formats,
 * every access state, locating a path's group, and truncated or lying
 * responses. Same bytes as tests/fixtures/vpd/rtpg-*.bin. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "mp/vpd.h"

const char unit_suite_name[] = "rtpg";

static const uint8_t rtpg_normal[] = {
	0x00, 0x00, 0x00, 0x1c, 0x80, 0x8f, 0x00, 0x01, 0x00, 0x02, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x02, 0x8f, 0x00, 0x02, 0x00, 0x02, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,
};
static const uint8_t rtpg_extended[] = {
	0x00, 0x00, 0x00, 0x28, 0x10, 0x3c, 0x00, 0x00, 0x01, 0x0f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x03, 0x0f, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x0f, 0x8f, 0x00, 0x07,
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09,
};

static void test_normal_header(void)
{
	struct mp_rtpg *r = NULL;
	const struct mp_rtpg_group *g;

	CU_ASSERT_EQUAL_FATAL(mp_rtpg_decode(rtpg_normal, sizeof(rtpg_normal), &r, NULL, 0), 0);
	CU_ASSERT_FALSE(r->extended);
	CU_ASSERT_EQUAL_FATAL(r->n_groups, 2);
	CU_ASSERT_EQUAL(r->groups[0].tpg_id, 1);
	CU_ASSERT_EQUAL(r->groups[0].state, MP_ALUA_OPTIMIZED);
	CU_ASSERT_TRUE(r->groups[0].pref);
	CU_ASSERT_EQUAL(r->groups[0].status, 2);
	CU_ASSERT_EQUAL_FATAL(r->groups[0].n_ports, 1);
	CU_ASSERT_EQUAL(r->groups[0].ports[0], 1);
	CU_ASSERT_EQUAL(r->groups[1].state, MP_ALUA_STANDBY);
	CU_ASSERT_FALSE(r->groups[1].pref);
	CU_ASSERT_EQUAL_FATAL(r->groups[1].n_ports, 2);
	CU_ASSERT_EQUAL(r->groups[1].ports[1], 3);

	CU_ASSERT_EQUAL(mp_rtpg_find(r, 2, -1, &g), 0);
	CU_ASSERT_EQUAL(g->state, MP_ALUA_STANDBY);
	CU_ASSERT_EQUAL(mp_rtpg_find(r, -1, 3, &g), 0);
	CU_ASSERT_EQUAL(g->tpg_id, 2);
	CU_ASSERT_EQUAL(mp_rtpg_find(r, -1, 1, &g), 0);
	CU_ASSERT_EQUAL(g->tpg_id, 1);
	CU_ASSERT_EQUAL(mp_rtpg_find(r, 9, 1, &g), -ENOENT);	/* TPG id decides */
	CU_ASSERT_EQUAL(mp_rtpg_find(r, -1, 4, &g), -ENOENT);
	CU_ASSERT_EQUAL(mp_rtpg_find(r, -1, -1, &g), -ENOENT);
	mp_rtpg_free(r);
}

static void test_extended_header(void)
{
	struct mp_rtpg *r = NULL;
	const struct mp_rtpg_group *g;

	CU_ASSERT_EQUAL_FATAL(mp_rtpg_decode(rtpg_extended, sizeof(rtpg_extended), &r,
					     NULL, 0), 0);
	CU_ASSERT_TRUE(r->extended);
	CU_ASSERT_EQUAL(r->transition_time, 60);
	CU_ASSERT_EQUAL_FATAL(r->n_groups, 3);
	CU_ASSERT_EQUAL(r->groups[0].state, MP_ALUA_NON_OPTIMIZED);
	CU_ASSERT_EQUAL(r->groups[1].state, MP_ALUA_UNAVAILABLE);
	CU_ASSERT_EQUAL(r->groups[2].state, MP_ALUA_TRANSITIONING);
	CU_ASSERT_FALSE(r->groups[2].pref);
	CU_ASSERT_EQUAL(mp_rtpg_find(r, -1, 9, &g), 0);
	CU_ASSERT_EQUAL(g->tpg_id, 7);
	CU_ASSERT_EQUAL(mp_rtpg_find(r, 0, -1, &g), 0);
	CU_ASSERT_EQUAL(g->ports[0], 1);
	mp_rtpg_free(r);
}

static void test_every_state(void)
{
	static const struct {
		uint8_t code;
		enum mp_alua_state state;
	} cases[] = {
		{ 0x0, MP_ALUA_OPTIMIZED }, { 0x1, MP_ALUA_NON_OPTIMIZED },
		{ 0x2, MP_ALUA_STANDBY }, { 0x3, MP_ALUA_UNAVAILABLE },
		{ 0x4, MP_ALUA_LBA_DEPENDENT }, { 0xe, MP_ALUA_OFFLINE },
		{ 0xf, MP_ALUA_TRANSITIONING }, { 0x7, MP_ALUA_UNKNOWN },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[12] = { 0, 0, 0, 8, cases[i].code, 0xff, 0, 5, 0, 0, 0, 0 };
		struct mp_rtpg *r = NULL;

		CU_ASSERT_EQUAL_FATAL(mp_rtpg_decode(buf, sizeof(buf), &r, NULL, 0), 0);
		CU_ASSERT_EQUAL(r->groups[0].state, cases[i].state);
		CU_ASSERT_EQUAL(r->groups[0].tpg_id, 5);
		CU_ASSERT_EQUAL(r->groups[0].n_ports, 0);
		CU_ASSERT_PTR_NOT_NULL(mp_alua_state_to_string(r->groups[0].state));
		mp_rtpg_free(r);
	}
}

static void test_bad_responses(void)
{
	static const struct {
		const char *what;
		uint8_t buf[24];
		size_t len;
		int rc;
		const char *reason;
	} cases[] = {
		{ "length beyond buffer", { 0, 0, 0, 32, 0, 0, 0, 1 }, 16, -EBADMSG,
		  "re-read with 36" },
		{ "descriptor cut", { 0, 0, 0, 6, 0, 0, 0, 1, 0, 0 }, 10, -EBADMSG,
		  "cut by data end" },
		{ "ports run past", { 0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1 }, 16,
		  -EBADMSG, "runs past" },
		{ "header cut", { 0, 0 }, 2, -EBADMSG, "need 4" },
		{ "huge length", { 0xff, 0xff, 0xff, 0xff }, 4, -EBADMSG, "exceeds" },
		{ "extended header cut", { 0, 0, 0, 2, 0x10, 0 }, 6, -EBADMSG, "cut by data end" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mp_rtpg *r = NULL;
		char err[128] = "";

		CU_ASSERT_EQUAL(mp_rtpg_decode(cases[i].buf, cases[i].len, &r, err, sizeof(err)),
				cases[i].rc);
		if (cases[i].reason) {
			CU_ASSERT_PTR_NULL(r);
			CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].reason));
		}
		mp_rtpg_free(r);
	}
	CU_ASSERT_EQUAL(mp_rtpg_decode(NULL, 4, NULL, NULL, 0), -EINVAL);
}

static void test_empty_response(void)
{
	static const uint8_t empty[] = { 0, 0, 0, 0 };
	struct mp_rtpg *r = NULL;
	const struct mp_rtpg_group *g;

	CU_ASSERT_EQUAL_FATAL(mp_rtpg_decode(empty, sizeof(empty), &r, NULL, 0), 0);
	CU_ASSERT_EQUAL(r->n_groups, 0);
	CU_ASSERT_EQUAL(mp_rtpg_find(r, 0, 0, &g), -ENOENT);
	mp_rtpg_free(r);
	mp_rtpg_free(NULL);
}

/* The shape of scsi_debug's reply (the guest test bed, vpd_use_hostno=0),
 * here for host 5: group A (((host + 1) << 8) = 0x0600, relative port 1)
 * in state host % 3 = standby, all states supported; group B (0x0680,
 * port 2) unavailable. The daemon matches by the TPG id from VPD 0x83. */
static void test_scsi_debug_reply(void)
{
	static const uint8_t reply[] = {
		0x00, 0x00, 0x00, 0x18,
		0x02, 0x0f, 0x06, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
		0x03, 0x08, 0x06, 0x80, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	};
	struct mp_rtpg *r = NULL;
	const struct mp_rtpg_group *g;

	CU_ASSERT_EQUAL_FATAL(mp_rtpg_decode(reply, sizeof(reply), &r, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(r->n_groups, 2);
	CU_ASSERT_EQUAL(mp_rtpg_find(r, 0x0600, 1, &g), 0);
	CU_ASSERT_EQUAL(g->state, MP_ALUA_STANDBY);
	CU_ASSERT_FALSE(g->pref);
	CU_ASSERT_EQUAL(g->supported, 0x0f);
	CU_ASSERT_EQUAL(mp_rtpg_find(r, 0x0680, -1, &g), 0);
	CU_ASSERT_EQUAL(g->state, MP_ALUA_UNAVAILABLE);
	/* without a TPG id the relative port finds the same group */
	CU_ASSERT_EQUAL(mp_rtpg_find(r, -1, 1, &g), 0);
	CU_ASSERT_EQUAL(g->tpg_id, 0x0600);
	mp_rtpg_free(r);
}

/* The re-ask decision: a first ask of MP_RTPG_ALLOC_FIRST bytes, asked
 * again with the reply's whole length only when our length cut it. */
static void test_reask_decision(void)
{
	static const struct {
		const char *what;
		uint8_t head[4];	/* RETURN DATA LENGTH as on the wire */
		size_t len;		/* bytes the device returned */
		uint32_t asked, max;
		int rc;
		uint32_t want;
	} cases[] = {
		{ "complete", { 0, 0, 0, 28 }, 32, 512, 8192, 0, 0 },
		{ "complete, buffer longer", { 0, 0, 0, 28 }, 40, 512, 8192, 0, 0 },
		{ "cut by our length", { 0, 0, 0, 28 }, 16, 16, 8192, 1, 32 },
		{ "cut at the first ask", { 0, 0, 0x02, 0x58 }, 512, 512, 8192, 1, 604 },
		{ "whole reply exactly max", { 0, 0, 0x1f, 0xfc }, 512, 512, 8192, 1, 8192 },
		{ "one byte over max", { 0, 0, 0x1f, 0xfd }, 512, 512, 8192, -EMSGSIZE, 0 },
		{ "short transfer, not our length", { 0, 0, 0, 28 }, 16, 512, 8192, 0, 0 },
		{ "header cut", { 0, 0, 0, 28 }, 3, 512, 8192, -EBADMSG, 0 },
		{ "huge length", { 0xff, 0xff, 0xff, 0xff }, 512, 512, 8192, -EMSGSIZE, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[512] = { 0 };
		uint32_t got = 7;

		memcpy(buf, cases[i].head, 4);
		CU_ASSERT_EQUAL(mp_rtpg_reask(buf, cases[i].len, cases[i].asked, cases[i].max, &got),
				cases[i].rc);
		/* the length is written only when a re-ask is wanted */
		CU_ASSERT_EQUAL(got, cases[i].rc == 1 ? cases[i].want : 7);
	}
	CU_ASSERT_EQUAL(mp_rtpg_reask(NULL, 4, 512, 8192, NULL), -EINVAL);
}

/* 50 groups of one port (604 bytes) against a first ask of 512: the cut
 * reply is refused by the decoder, the re-ask length is the whole reply,
 * and a reply of that length decodes every group. */
static void test_reask_round_trip(void)
{
	enum { GROUPS = 50, TOTAL = 4 + GROUPS * 12 };
	uint8_t reply[TOTAL] = { 0, 0, (uint8_t)((TOTAL - 4) >> 8), (uint8_t)(TOTAL - 4) };
	struct mp_rtpg *r = NULL;
	const struct mp_rtpg_group *g;
	size_t total = 0;
	uint32_t need = 0;

	for (unsigned int i = 0; i < GROUPS; i++) {
		uint8_t *d = reply + 4 + 12 * i;

		d[0] = i == 42 ? 0x80 : 0x01;	/* group 43 optimized and preferred */
		d[3] = (uint8_t)(i + 1);	/* TPG id */
		d[7] = 1;			/* one port */
		d[11] = (uint8_t)(i + 1);	/* relative port id */
	}
	CU_ASSERT_EQUAL(mp_rtpg_reply_len(reply, MP_RTPG_ALLOC_FIRST, &total), 0);
	CU_ASSERT_EQUAL(total, TOTAL);
	CU_ASSERT_EQUAL(mp_rtpg_decode(reply, MP_RTPG_ALLOC_FIRST, &r, NULL, 0), -EBADMSG);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_EQUAL_FATAL(mp_rtpg_reask(reply, MP_RTPG_ALLOC_FIRST, MP_RTPG_ALLOC_FIRST, 8192,
					    &need), 1);
	CU_ASSERT_EQUAL(need, TOTAL);
	/* the second answer, asked with need, is complete */
	CU_ASSERT_EQUAL(mp_rtpg_reask(reply, need, need, 8192, &need), 0);
	CU_ASSERT_EQUAL_FATAL(mp_rtpg_decode(reply, need, &r, NULL, 0), 0);
	CU_ASSERT_EQUAL(r->n_groups, GROUPS);
	CU_ASSERT_EQUAL_FATAL(mp_rtpg_find(r, 43, -1, &g), 0);
	CU_ASSERT_EQUAL(g->state, MP_ALUA_OPTIMIZED);
	CU_ASSERT_TRUE(g->pref);
	CU_ASSERT_EQUAL_FATAL(mp_rtpg_find(r, -1, 50, &g), 0);
	CU_ASSERT_EQUAL(g->state, MP_ALUA_NON_OPTIMIZED);
	mp_rtpg_free(r);
	/* the scsi_debug and LIO shapes fit the first ask */
	CU_ASSERT_EQUAL(mp_rtpg_reask(rtpg_extended, sizeof(rtpg_extended), MP_RTPG_ALLOC_FIRST,
				      8192, &need), 0);
	CU_ASSERT_TRUE(sizeof(rtpg_extended) < MP_RTPG_ALLOC_FIRST);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_scsi_debug_reply),
	UNIT_TEST(test_normal_header),
	UNIT_TEST(test_extended_header),
	UNIT_TEST(test_every_state),
	UNIT_TEST(test_bad_responses),
	UNIT_TEST(test_empty_response),
	UNIT_TEST(test_reask_decision),
	UNIT_TEST(test_reask_round_trip),
	UNIT_END,
};
