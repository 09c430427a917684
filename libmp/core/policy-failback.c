/* Failback: decides whether and when to switch the kernel back to a better
 * path group, per multipath.conf's failback (immediate, manual, followover,
 * deferred N seconds). Owns only struct mp_failback_state, one per map.
 *
 * "Better" = the usable group with the highest prio (lowest number on a
 * tie) whose prio is strictly higher than the current group's. Equal prio
 * never switches, so two equal groups cannot ping-pong. Failover to a worse
 * group is the kernel's job (it moves on when a group has no valid path),
 * so no action is taken when the current group merely failed, and none
 * while the kernel has no current group (0): it picks one on first I/O.
 *
 * Deferred timer:
 *
 *               better group appears: deadline = now + delay
 *    IDLE  -----------------------------------------------> ARMED
 *     ^  ^                                                   |  |
 *     |  +------ no better group any more (cancel) ----------+  |
 *     +-------- now >= deadline: SWITCH_GROUP to best ----------+
 *
 *   mode        better group?  timer   action
 *   immediate   yes            -       SWITCH_GROUP now
 *   manual      any            -       never (operator switches)
 *   followover  yes, revived   -       SWITCH_GROUP now
 *   followover  yes, not rev.  -       none
 *   deferred    yes            idle    arm: deadline = now + delay
 *   deferred    yes            armed   now >= deadline: switch, disarm
 *   deferred    no             armed   disarm (cancel)
 *   any         no             -       none
 *
 * followover: a group is "revived" when it had no usable path at the
 * previous step and has one now, i.e. the first path of a fully failed
 * group came back. Failing back on that alone (and not when paths of the
 * current group fail) keeps hosts in a cluster that share the array from
 * fighting over which controller owns the LUN. The first step only records
 * which groups are down, so nothing counts as revived on it.
 *
 * The switch target is always the best group at the time of the decision,
 * which for deferred may differ from the one that armed the timer. When the
 * map's group layout changes (reload), the caller reinitialises the state. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "mp/policy.h"

void mp_policy_failback_init(struct mp_failback_state *ret)
{
	memset(ret, 0, sizeof(*ret));
}

static int input_check(const struct mp_failback *cfg, const struct mp_failback_input *in)
{
	if (!cfg || !in || (unsigned int)cfg->mode >= _MP_FAILBACK_MAX)
		return -EINVAL;
	if (cfg->mode == MP_FAILBACK_DEFERRED && cfg->delay_s == 0)
		return -EINVAL;
	if (!in->groups || in->nr_groups == 0 || in->nr_groups > MP_FAILBACK_MAX_GROUPS)
		return -EINVAL;
	if (in->current > in->nr_groups)
		return -EINVAL;
	return 0;
}

/* 1-based best usable group strictly better than the current one, or 0. */
static unsigned int better_group(const struct mp_failback_input *in)
{
	unsigned int best = 0;

	for (unsigned int i = 0; i < in->nr_groups; i++) {
		if (in->groups[i].usable_paths == 0)
			continue;
		if (!best || in->groups[i].prio > in->groups[best - 1].prio)
			best = i + 1;
	}
	if (!best || in->current == 0 || best == in->current)
		return 0;
	if (in->groups[best - 1].prio <= in->groups[in->current - 1].prio)
		return 0;
	return best;
}

static uint64_t down_mask_of(const struct mp_failback_input *in)
{
	uint64_t m = 0;

	for (unsigned int i = 0; i < in->nr_groups; i++)
		if (in->groups[i].usable_paths == 0)
			m |= UINT64_C(1) << i;
	return m;
}

int mp_policy_failback_step(const struct mp_failback_state *cur, const struct mp_failback *cfg,
			    const struct mp_failback_input *in, struct mp_actions *acts,
			    struct mp_failback_state *ret)
{
	struct mp_failback_state n;
	struct mp_action a = { .kind = MP_ACT_SWITCH_GROUP };
	unsigned int target;
	uint64_t down;
	bool do_switch = false;
	int r;

	if (!cur || !acts || !ret)
		return -EINVAL;
	r = input_check(cfg, in);
	if (r < 0)
		return r;

	n = *cur;
	target = better_group(in);
	down = down_mask_of(in);

	switch (cfg->mode) {
	case MP_FAILBACK_IMMEDIATE:
		do_switch = target != 0;
		a.reason = "failback: immediate";
		break;
	case MP_FAILBACK_MANUAL:
		break;
	case MP_FAILBACK_FOLLOWOVER:
		/* Revived: down at the last step, usable now. */
		do_switch = target != 0 && cur->known &&
			    (cur->down_mask & ~down & (UINT64_C(1) << (target - 1)));
		a.reason = "failback: followover, preferred group back";
		break;
	case MP_FAILBACK_DEFERRED:
		if (!target) {
			n.armed = false;
		} else if (!n.armed) {
			n.armed = true;
			n.deadline_ms = mp_policy_deadline(in->now_ms, (uint64_t)cfg->delay_s * 1000);
		} else if (in->now_ms >= n.deadline_ms) {
			do_switch = true;
			n.armed = false;
		}
		a.reason = "failback: deferred delay expired";
		break;
	default:
		return -EINVAL;
	}
	if (cfg->mode != MP_FAILBACK_DEFERRED)
		n.armed = false;

	if (do_switch) {
		a.group = target;
		r = mp_policy_actions_push(acts, &a);
		if (r < 0)
			return r;
	}
	n.known = true;
	n.down_mask = down;
	*ret = n;
	return 0;
}
