/* The action list the policy machines fill: a bounded array over memory the
 * caller owns (no allocation, so a step cannot fail half-way on ENOMEM).
 * Steps roll back to the length they started with when a push fails, which
 * is what makes them all-or-nothing. */
#include <errno.h>
#include <stddef.h>

#include "mp/policy.h"

static const char *const action_kind_names[_MP_ACT_MAX] = {
	[MP_ACT_FAIL_PATH] = "fail_path",
	[MP_ACT_REINSTATE_PATH] = "reinstate_path",
	[MP_ACT_SWITCH_GROUP] = "switch_group",
	[MP_ACT_SET_QUEUEING] = "set_queueing",
	[MP_ACT_PURGE_PATH] = "purge_path",
	[MP_ACT_RELOAD_MAP] = "reload_map",
	[MP_ACT_EVENT] = "event",
};

const char *mp_action_kind_to_string(enum mp_action_kind v)
{
	if ((unsigned int)v >= _MP_ACT_MAX)
		return NULL;
	return action_kind_names[v];
}

int mp_policy_actions_init(struct mp_actions *ret, struct mp_action *buf, unsigned int cap)
{
	if (!ret || (!buf && cap > 0))
		return -EINVAL;
	ret->v = buf;
	ret->len = 0;
	ret->cap = cap;
	return 0;
}

int mp_policy_actions_push(struct mp_actions *a, const struct mp_action *act)
{
	if (!a || !act || (unsigned int)act->kind >= _MP_ACT_MAX || a->len > a->cap)
		return -EINVAL;
	if (a->len == a->cap)
		return -ENOBUFS;
	a->v[a->len++] = *act;
	return 0;
}
