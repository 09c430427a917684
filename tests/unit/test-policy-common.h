/* Helpers shared by the policy unit tests: actions rendered as one short
 * string so a table row can state the exact expected list, e.g. "EF" for
 * an event then a fail_path. F fail_path, R reinstate_path, S switch_group,
 * Q queueing on, q queueing off, P purge_path, L reload_map, E event. */
#ifndef MP_TEST_POLICY_COMMON_H
#define MP_TEST_POLICY_COMMON_H

#include "mp/policy.h"

static inline const char *acts_str(const struct mp_actions *a, char *buf, unsigned int len)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < a->len && n + 1 < len; i++) {
		char c = '?';

		switch (a->v[i].kind) {
		case MP_ACT_FAIL_PATH: c = 'F'; break;
		case MP_ACT_REINSTATE_PATH: c = 'R'; break;
		case MP_ACT_SWITCH_GROUP: c = 'S'; break;
		case MP_ACT_SET_QUEUEING: c = a->v[i].on ? 'Q' : 'q'; break;
		case MP_ACT_PURGE_PATH: c = 'P'; break;
		case MP_ACT_RELOAD_MAP: c = 'L'; break;
		case MP_ACT_EVENT: c = 'E'; break;
		default: break;
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	return buf;
}

#endif
