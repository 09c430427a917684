/* no_path_retry and queueing: per map, decides the kernel's
 * queue_if_no_path flag from the number of usable paths, checker ticks,
 * the configured no_path_retry and the operator's overrides. Owns only
 * struct mp_queue_state, one per map.
 *
 * The effective mode is the configuration unless an operator override is
 * set: "disablequeueing" -> fail, "forcequeueing" -> queue, until
 * "restorequeueing".
 *
 *   paths > 0: queueing = (mode != fail)            [fail: off, else on]
 *
 *   no usable path, mode N:
 *                   first event with 0 paths: retries_left = N, on
 *     PATHS-OK ----------------------------------------> COUNTING
 *        ^                                                 |  TICK: left--
 *        |  a path returns (on again)                      |  left == 0
 *        +------------------------ EXHAUSTED (off) <-------+
 *
 *   mode    usable  state       event        next        queueing
 *   fail    0       any         any          -           off at once
 *   queue   0       any         any          -           on (forever)
 *   N       >0      any         any          PATHS-OK    on
 *   N       0       PATHS-OK    any          COUNTING    on, left = N
 *   N       0       COUNTING    TICK, left>1 COUNTING    on, left--
 *   N       0       COUNTING    TICK, left=1 EXHAUSTED   off
 *   N       0       EXHAUSTED   any          EXHAUSTED   off
 *   any     any     any         RESTORE      recomputed; a fresh countdown
 *
 * One TICK is one polling_interval, so N ticks match multipath.conf's
 * "no_path_retry N: N * polling_interval seconds". The event that first
 * sees zero paths starts the countdown without consuming a tick. A
 * SET_QUEUEING action is emitted only when the wanted flag differs from the
 * one we last set, and always on the first step (the kernel's flag comes
 * from the table we did not necessarily write). */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "mp/policy.h"

static const char *const queue_event_names[_MP_QEV_MAX] = {
	[MP_QEV_PATHS] = "paths",
	[MP_QEV_TICK] = "tick",
	[MP_QEV_OPER_DISABLE] = "operator-disable",
	[MP_QEV_OPER_RESTORE] = "operator-restore",
	[MP_QEV_OPER_FORCE] = "operator-force",
};

const char *mp_queue_event_kind_to_string(enum mp_queue_event_kind v)
{
	return (unsigned int)v < _MP_QEV_MAX ? queue_event_names[v] : NULL;
}

void mp_policy_queue_init(struct mp_queue_state *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->ovr = MP_QUEUE_OVR_NONE;
}

static int cfg_check(const struct mp_no_path_retry *cfg)
{
	if (!cfg || (unsigned int)cfg->mode >= _MP_NO_PATH_RETRY_MAX)
		return -EINVAL;
	if (cfg->mode == MP_NO_PATH_RETRY_COUNT && cfg->count == 0)
		return -EINVAL;
	return 0;
}

static enum mp_no_path_retry_mode effective_mode(const struct mp_queue_state *s,
						 const struct mp_no_path_retry *cfg)
{
	if (s->ovr == MP_QUEUE_OVR_FORCED)
		return MP_NO_PATH_RETRY_QUEUE;
	if (s->ovr == MP_QUEUE_OVR_DISABLED)
		return MP_NO_PATH_RETRY_FAIL;
	return cfg->mode;
}

int mp_policy_queue_step(const struct mp_queue_state *cur, const struct mp_no_path_retry *cfg,
			 const struct mp_queue_event *ev, struct mp_actions *acts,
			 struct mp_queue_state *ret)
{
	struct mp_queue_state n;
	struct mp_action ev_act = { .kind = MP_ACT_EVENT }, set = { .kind = MP_ACT_SET_QUEUEING };
	bool want;
	unsigned int len0;
	int r;

	if (!cur || !ev || !acts || !ret || (unsigned int)ev->kind >= _MP_QEV_MAX ||
	    (unsigned int)cur->ovr >= _MP_QUEUE_OVR_MAX)
		return -EINVAL;
	r = cfg_check(cfg);
	if (r < 0)
		return r;

	n = *cur;
	switch (ev->kind) {
	case MP_QEV_OPER_DISABLE:
		n.ovr = MP_QUEUE_OVR_DISABLED;
		break;
	case MP_QEV_OPER_FORCE:
		n.ovr = MP_QUEUE_OVR_FORCED;
		break;
	case MP_QEV_OPER_RESTORE:
		n.ovr = MP_QUEUE_OVR_NONE;
		n.exhausted = false;
		n.counting = false;
		break;
	default:
		break;
	}

	if (ev->usable_paths > 0) {
		n.counting = false;
		n.exhausted = false;
		want = effective_mode(&n, cfg) != MP_NO_PATH_RETRY_FAIL;
		set.reason = want ? "usable paths: queue_if_no_path as configured" :
				    "usable paths: no_path_retry fail";
	} else {
		switch (effective_mode(&n, cfg)) {
		case MP_NO_PATH_RETRY_FAIL:
			n.counting = false;
			want = false;
			set.reason = n.ovr == MP_QUEUE_OVR_DISABLED ?
				     "no usable path: queueing disabled by operator" :
				     "no usable path: no_path_retry fail";
			break;
		case MP_NO_PATH_RETRY_QUEUE:
			n.counting = false;
			n.exhausted = false;
			want = true;
			set.reason = "no usable path: queueing until a path returns";
			break;
		case MP_NO_PATH_RETRY_COUNT:
			if (n.exhausted) {
				want = false;
				set.reason = "no usable path: no_path_retry exhausted";
			} else if (!n.counting) {
				n.counting = true;
				n.retries_left = cfg->count;
				want = true;
				set.reason = "no usable path: queueing for no_path_retry intervals";
				ev_act.reason = "no usable path: no_path_retry countdown started";
			} else if (ev->kind == MP_QEV_TICK && n.retries_left <= 1) {
				n.counting = false;
				n.exhausted = true;
				n.retries_left = 0;
				want = false;
				set.reason = "no usable path: no_path_retry exhausted";
			} else {
				if (ev->kind == MP_QEV_TICK)
					n.retries_left--;
				want = true;
				set.reason = "no usable path: queueing for no_path_retry intervals";
			}
			break;
		default:
			return -EINVAL;
		}
	}

	len0 = acts->len;
	if (ev_act.reason) {
		r = mp_policy_actions_push(acts, &ev_act);
		if (r < 0)
			return r;
	}
	if (!n.known || want != n.queueing) {
		set.on = want;
		r = mp_policy_actions_push(acts, &set);
		if (r < 0) {
			acts->len = len0;
			return r;
		}
	}
	n.known = true;
	n.queueing = want;
	*ret = n;
	return 0;
}

int mp_policy_queue_timeout_secs(const struct mp_no_path_retry *cfg, unsigned int polling_interval_s,
				 unsigned int margin_s, unsigned int *ret_secs)
{
	unsigned int v;
	int r = cfg_check(cfg);

	if (r < 0)
		return r;
	if (polling_interval_s == 0 || !ret_secs)
		return -EINVAL;
	if (cfg->mode != MP_NO_PATH_RETRY_COUNT) {
		*ret_secs = 0;
		return 0;
	}
	if (__builtin_mul_overflow(cfg->count, polling_interval_s, &v) ||
	    __builtin_add_overflow(v, margin_s, &v))
		return -ERANGE;
	*ret_secs = v;
	return 0;
}

int mp_policy_queue_timeout_combine(const struct mp_no_path_retry *cfgs, unsigned int n,
				    unsigned int polling_interval_s, unsigned int margin_s,
				    unsigned int *ret_secs)
{
	unsigned int best = 0;

	if ((!cfgs && n > 0) || !ret_secs || polling_interval_s == 0)
		return -EINVAL;
	/* Validate all first so a bad entry is refused wherever it sits. */
	for (unsigned int i = 0; i < n; i++)
		if (cfg_check(&cfgs[i]) < 0)
			return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		if (cfgs[i].mode == MP_NO_PATH_RETRY_QUEUE) {
			*ret_secs = 0;
			return 0;
		}
	for (unsigned int i = 0; i < n; i++) {
		unsigned int v;
		int r;

		r = mp_policy_queue_timeout_secs(&cfgs[i], polling_interval_s, margin_s, &v);
		if (r < 0)
			return r;
		if (v > best)
			best = v;
	}
	*ret_secs = best;
	return 0;
}
