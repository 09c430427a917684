/* Path claiming: the pure decision behind udev's DM_MULTIPATH_DEVICE_PATH
 * (see include/mp/claim.h for the verdicts and invariants). Data in, a
 * verdict and its reason out; no I/O, the time is a parameter.
 *
 * Order of the checks, first match wins:
 *
 *   held by its own mpath map ............ YES  in-map
 *   held by another dm device ............ NO   held-by-other
 *   no WWID .............................. NO   no-wwid
 *   blacklisted .......................... NO   blacklisted
 *   the map for the WWID exists .......... YES  map-exists
 *   claimed by the previous event ........ YES  sticky
 *   find_multipaths off | greedy ......... YES  greedy
 *   WWID in the wwids file ............... YES  in-wwids
 *   strict ............................... NO   not-in-wwids
 *   another path with the same WWID ...... YES  other-path
 *   on ................................... NO   single-path
 *   smart, before the deadline ........... MAYBE smart-wait (deadline kept
 *                                          or set to now + timeout)
 *   smart, deadline passed ............... NO   smart-expired
 *
 * Why holders come first: a device a map already uses must stay hidden
 * whatever the config says now (unmarking it would let LVM or systemd
 * grab a device under a live map), and a device some other dm target uses
 * is in use by its owner, claiming it would break that owner at the next
 * event. Why sticky comes after the blacklist: an operator who blacklists
 * a device and reloads udev rules expects it released. */
#include <stddef.h>

#include "mp/claim.h"
#include "util/macros.h"

static const char *const claim_table[_MP_CLAIM_MAX] = {
	[MP_CLAIM_NO] = "no",
	[MP_CLAIM_YES] = "yes",
	[MP_CLAIM_MAYBE] = "maybe",
};

static const char *const reason_table[_MP_CLAIM_R_MAX] = {
	[MP_CLAIM_R_NO_WWID] = "no-wwid",
	[MP_CLAIM_R_BLACKLISTED] = "blacklisted",
	[MP_CLAIM_R_HELD_BY_OTHER] = "held-by-other",
	[MP_CLAIM_R_IN_MAP] = "in-map",
	[MP_CLAIM_R_MAP_EXISTS] = "map-exists",
	[MP_CLAIM_R_STICKY] = "sticky",
	[MP_CLAIM_R_GREEDY] = "greedy",
	[MP_CLAIM_R_IN_WWIDS] = "in-wwids",
	[MP_CLAIM_R_OTHER_PATH] = "other-path",
	[MP_CLAIM_R_NOT_IN_WWIDS] = "not-in-wwids",
	[MP_CLAIM_R_SINGLE_PATH] = "single-path",
	[MP_CLAIM_R_SMART_WAIT] = "smart-wait",
	[MP_CLAIM_R_SMART_EXPIRED] = "smart-expired",
};

static const char *const holder_table[_MP_CLAIM_HOLDER_MAX] = {
	[MP_CLAIM_HOLDER_NONE] = "none",
	[MP_CLAIM_HOLDER_MPATH] = "mpath",
	[MP_CLAIM_HOLDER_OTHER] = "other",
};

const char *mp_claim_to_string(enum mp_claim v)
{
	return (unsigned int)v < ELEMENTSOF(claim_table) ? claim_table[v] : NULL;
}

const char *mp_claim_reason_to_string(enum mp_claim_reason v)
{
	return (unsigned int)v < ELEMENTSOF(reason_table) ? reason_table[v] : NULL;
}

const char *mp_claim_holder_to_string(enum mp_claim_holder v)
{
	return (unsigned int)v < ELEMENTSOF(holder_table) ? holder_table[v] : NULL;
}

static void set(struct mp_claim_result *ret, enum mp_claim v, enum mp_claim_reason r,
		uint64_t deadline_us)
{
	ret->verdict = v;
	ret->reason = r;
	ret->deadline_us = deadline_us;
}

unsigned int mp_claim_smart_timeout(int find_multipaths_timeout, bool known_hardware)
{
	if (find_multipaths_timeout > 0)
		return (unsigned int)find_multipaths_timeout;
	if (find_multipaths_timeout == 0)
		return mp_claim_smart_timeout(-MP_CLAIM_SMART_TIMEOUT_S, known_hardware);
	return known_hardware ? (unsigned int)-find_multipaths_timeout : 1;
}

void mp_claim_decide(const struct mp_claim_input *in, struct mp_claim_result *ret)
{
	uint64_t deadline;

	if (in->holder == MP_CLAIM_HOLDER_MPATH)
		return set(ret, MP_CLAIM_YES, MP_CLAIM_R_IN_MAP, 0);
	if (in->holder == MP_CLAIM_HOLDER_OTHER)
		return set(ret, MP_CLAIM_NO, MP_CLAIM_R_HELD_BY_OTHER, 0);
	if (!in->has_wwid)
		return set(ret, MP_CLAIM_NO, MP_CLAIM_R_NO_WWID, 0);
	if (in->blacklist == MP_BL_EXCLUDED)
		return set(ret, MP_CLAIM_NO, MP_CLAIM_R_BLACKLISTED, 0);
	if (in->map_exists)
		return set(ret, MP_CLAIM_YES, MP_CLAIM_R_MAP_EXISTS, 0);
	if (in->was_claimed)
		return set(ret, MP_CLAIM_YES, MP_CLAIM_R_STICKY, 0);

	switch (in->find_multipaths) {
	case MP_FIND_MULTIPATHS_OFF:
	case MP_FIND_MULTIPATHS_GREEDY:
		return set(ret, MP_CLAIM_YES, MP_CLAIM_R_GREEDY, 0);
	default:
		break;
	}
	if (in->in_wwids)
		return set(ret, MP_CLAIM_YES, MP_CLAIM_R_IN_WWIDS, 0);
	if (in->find_multipaths == MP_FIND_MULTIPATHS_STRICT)
		return set(ret, MP_CLAIM_NO, MP_CLAIM_R_NOT_IN_WWIDS, 0);
	if (in->other_path)
		return set(ret, MP_CLAIM_YES, MP_CLAIM_R_OTHER_PATH, 0);
	if (in->find_multipaths != MP_FIND_MULTIPATHS_SMART)
		return set(ret, MP_CLAIM_NO, MP_CLAIM_R_SINGLE_PATH, 0);

	deadline = in->deadline_us;
	if (!deadline)
		deadline = in->now_us + (uint64_t)in->timeout_s * 1000000u;
	if (in->now_us < deadline)
		return set(ret, MP_CLAIM_MAYBE, MP_CLAIM_R_SMART_WAIT, deadline);
	return set(ret, MP_CLAIM_NO, MP_CLAIM_R_SMART_EXPIRED, 0);
}
