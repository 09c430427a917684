/* Path state machine: folds checker results, kernel dm events and operator
 * commands into the path's effective state (enum mp_path_state) and the
 * kernel actions that bring dm's A/F flag in line with it. Owns no memory;
 * the caller keeps one struct mp_path_policy per path.
 *
 * Two layers. `health` is the checker's last verdict; the effective `state`
 * adds the overrides: operator fail beats everything, then a DOWN verdict,
 * then the shaky quarantine.
 *
 *                     checker ghost                checker transitioning
 *               +----------------------> GHOST <------------------+
 *               |                          ^ |                    |
 *   UNCHECKED --+-- checker up --> UP <----+-+-----> PENDING -----+
 *               |                  |  ^       (never failed: ALUA)
 *               |   down, timeout, |  | up (or ghost)
 *               |   lun-gone,      v  |
 *               +-- dm-failed --> DOWN  <--- operator fail, from any state;
 *                                  |  ^      held until operator reinstate
 *           up/ghost while         v  |  down
 *           quarantined           SHAKY ---- up/ghost after the gap --> UP
 *
 *   health event             health'    effective state (no overrides)
 *   CHECKER UP               UP         UP, or SHAKY while quarantined
 *   CHECKER GHOST            GHOST      GHOST, or SHAKY while quarantined
 *   CHECKER TRANSITIONING    PENDING    PENDING, or SHAKY while quarantined
 *   CHECKER DOWN / TIMEOUT   DOWN       DOWN
 *   CHECKER LUN_GONE         DOWN       DOWN, PURGE_PATH once
 *   CHECKER UNIT_ATTENTION   unchanged  unchanged, recheck soon
 *   DM_FAILED                DOWN       DOWN, recheck soon
 *   DM_SYNC                  unchanged  unchanged (kernel flag refreshed)
 *   OPER_FAIL                unchanged  DOWN (admin hold)
 *   OPER_REINSTATE           unchanged  from health; quarantine lifted; recheck
 *
 * A failure is recorded in the shaky ring when the event turns health to
 * DOWN from an effective UP, GHOST or SHAKY (once per down episode).
 * Quarantine ends only on a checker UP or GHOST after the recheck gap.
 *
 * Kernel flag wanted:  UP, GHOST -> A;  DOWN, SHAKY -> F;  UNCHECKED,
 * PENDING -> leave as is. ALUA transitioning is never treated as dead: the
 * kernel's hardware handler retries it. An action is emitted only when the
 * kernel's flag (carried by every event) differs from the wanted one, so
 * replaying an event is harmless.
 *
 * Unit attention means "something changed on the LUN, ask again"; it proves
 * the path answers but not in which ALUA state, so it fails nothing and
 * reinstates nothing, it only asks for a prompt recheck.
 *
 * Operator fail is sticky: no checker result reinstates the path until the
 * operator reinstates it. Operator reinstate lifts the hold (and a shaky
 * quarantine: the operator knows better) but does not put back a path the
 * checker holds DOWN; the recheck it asks for lets the checker decide. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "mp/policy.h"

static const char *const checker_result_names[_MP_CHK_MAX] = {
	[MP_CHK_UP] = "up",
	[MP_CHK_DOWN] = "down",
	[MP_CHK_GHOST] = "ghost",
	[MP_CHK_TRANSITIONING] = "transitioning",
	[MP_CHK_UNIT_ATTENTION] = "unit-attention",
	[MP_CHK_LUN_GONE] = "lun-gone",
	[MP_CHK_TIMEOUT] = "timeout",
};

static const char *const path_event_names[_MP_PEV_MAX] = {
	[MP_PEV_CHECKER] = "checker",
	[MP_PEV_DM_FAILED] = "dm-failed",
	[MP_PEV_DM_SYNC] = "dm-sync",
	[MP_PEV_OPER_FAIL] = "operator-fail",
	[MP_PEV_OPER_REINSTATE] = "operator-reinstate",
};

const char *mp_checker_result_to_string(enum mp_checker_result v)
{
	return (unsigned int)v < _MP_CHK_MAX ? checker_result_names[v] : NULL;
}

const char *mp_path_event_kind_to_string(enum mp_path_event_kind v)
{
	return (unsigned int)v < _MP_PEV_MAX ? path_event_names[v] : NULL;
}

void mp_policy_path_init(struct mp_path_policy *ret, uint64_t id)
{
	memset(ret, 0, sizeof(*ret));
	ret->id = id;
	ret->state = MP_PATH_UNCHECKED;
	ret->health = MP_PATH_UNCHECKED;
	mp_policy_shaky_init(&ret->shaky);
}

int mp_policy_path_wanted_dm(const struct mp_path_policy *p, enum mp_dm_path_state *ret_dm)
{
	if (!p || !ret_dm)
		return -EINVAL;
	switch (p->state) {
	case MP_PATH_UP:
	case MP_PATH_GHOST:
		*ret_dm = MP_DM_PATH_ACTIVE;
		return 0;
	case MP_PATH_DOWN:
	case MP_PATH_SHAKY:
		*ret_dm = MP_DM_PATH_FAILED;
		return 0;
	case MP_PATH_UNCHECKED:
	case MP_PATH_PENDING:
		return -ENODATA;
	default:
		return -EINVAL;
	}
}

static bool health_valid(enum mp_path_state h)
{
	/* SHAKY is an override, never a checker verdict. */
	return (unsigned int)h < _MP_PATH_STATE_MAX && h != MP_PATH_SHAKY;
}

static bool event_valid(const struct mp_path_event *ev)
{
	if (!ev || (unsigned int)ev->kind >= _MP_PEV_MAX)
		return false;
	if (ev->kind == MP_PEV_CHECKER && (unsigned int)ev->chk >= _MP_CHK_MAX)
		return false;
	if (ev->kind != MP_PEV_DM_FAILED && (unsigned int)ev->dm >= _MP_DM_PATH_STATE_MAX)
		return false;
	return true;
}

static int push(struct mp_actions *acts, enum mp_action_kind kind, uint64_t id,
		const char *reason)
{
	struct mp_action a = { .kind = kind, .path_id = id, .reason = reason };

	return mp_policy_actions_push(acts, &a);
}

static const char *fail_reason(const struct mp_path_policy *p)
{
	if (p->admin_failed)
		return "operator failed path";
	if (p->state == MP_PATH_SHAKY)
		return "shaky path kept failed";
	if (p->gone)
		return "LUN gone";
	return "path down";
}

/* Folds the event into health, the admin hold and the shaky history.
 * Returns 0 or a negative errno from the shaky ring. */
static int apply_event(struct mp_path_policy *n, const struct mp_path_event *ev,
		       const struct mp_shaky_config *cfg, bool *ret_readmitted)
{
	enum mp_path_state before = n->state;
	bool to_down = false;
	int r;

	*ret_readmitted = false;
	switch (ev->kind) {
	case MP_PEV_CHECKER:
		switch (ev->chk) {
		case MP_CHK_UP:
			n->health = MP_PATH_UP;
			n->gone = false;
			break;
		case MP_CHK_GHOST:
			n->health = MP_PATH_GHOST;
			n->gone = false;
			break;
		case MP_CHK_TRANSITIONING:
			n->health = MP_PATH_PENDING;
			n->gone = false;
			break;
		case MP_CHK_DOWN:
		case MP_CHK_TIMEOUT:
			to_down = true;
			break;
		case MP_CHK_LUN_GONE:
			to_down = true;
			n->gone = true;
			break;
		case MP_CHK_UNIT_ATTENTION:
			n->recheck = true;
			break;
		default:
			return -EINVAL;
		}
		break;
	case MP_PEV_DM_FAILED:
		to_down = true;
		n->recheck = true;
		break;
	case MP_PEV_DM_SYNC:
		break;
	case MP_PEV_OPER_FAIL:
		n->admin_failed = true;
		break;
	case MP_PEV_OPER_REINSTATE:
		n->admin_failed = false;
		if (n->shaky.quarantined) {
			mp_policy_shaky_init(&n->shaky);
			*ret_readmitted = true;
		}
		n->recheck = true;
		break;
	default:
		return -EINVAL;
	}

	if (to_down) {
		bool was_usable = before == MP_PATH_UP || before == MP_PATH_GHOST ||
				  before == MP_PATH_SHAKY;

		n->health = MP_PATH_DOWN;
		if (was_usable && !n->admin_failed) {
			r = mp_policy_shaky_record(&n->shaky, cfg, ev->now_ms, &n->shaky);
			if (r < 0)
				return r;
		}
	}

	/* Re-admission is earned by a clean answer after the gap, not by time
	 * alone: a path still down at the end of the gap stays quarantined. */
	if (ev->kind == MP_PEV_CHECKER && n->shaky.quarantined &&
	    (n->health == MP_PATH_UP || n->health == MP_PATH_GHOST)) {
		r = mp_policy_shaky_try_readmit(&n->shaky, cfg, ev->now_ms, &n->shaky,
						ret_readmitted);
		if (r < 0)
			return r;
	}
	return 0;
}

static enum mp_path_state effective_state(const struct mp_path_policy *n)
{
	if (n->admin_failed || n->health == MP_PATH_DOWN)
		return MP_PATH_DOWN;
	if (n->shaky.quarantined && n->health != MP_PATH_UNCHECKED)
		return MP_PATH_SHAKY;
	return n->health;
}

int mp_policy_path_step(const struct mp_path_policy *cur, const struct mp_path_event *ev,
			const struct mp_shaky_config *shaky, struct mp_actions *acts,
			struct mp_path_policy *ret)
{
	static const struct mp_shaky_config off = { 0 };
	const struct mp_shaky_config *cfg = shaky ? shaky : &off;
	struct mp_path_policy n;
	enum mp_dm_path_state kernel, want;
	bool was_quarantined, readmitted;
	unsigned int len0;
	int r;

	if (!cur || !acts || !ret || !event_valid(ev) || !health_valid(cur->health) ||
	    (unsigned int)cur->state >= _MP_PATH_STATE_MAX)
		return -EINVAL;
	r = mp_policy_shaky_config_check(cfg);
	if (r < 0)
		return r;

	n = *cur;
	n.recheck = false;
	was_quarantined = n.shaky.quarantined;
	r = apply_event(&n, ev, cfg, &readmitted);
	if (r < 0)
		return r;
	n.state = effective_state(&n);

	len0 = acts->len;
	if (!was_quarantined && n.shaky.quarantined)
		r = push(acts, MP_ACT_EVENT, n.id, "path failed too often: quarantined as shaky");
	else if (readmitted)
		r = push(acts, MP_ACT_EVENT, n.id, ev->kind == MP_PEV_OPER_REINSTATE ?
			 "operator lifted shaky quarantine" : "shaky path clean again: re-admitted");
	if (r < 0)
		goto rollback;

	kernel = ev->kind == MP_PEV_DM_FAILED ? MP_DM_PATH_FAILED : ev->dm;
	if (mp_policy_path_wanted_dm(&n, &want) == 0 && want != kernel) {
		if (want == MP_DM_PATH_FAILED)
			r = push(acts, MP_ACT_FAIL_PATH, n.id, fail_reason(&n));
		else
			r = push(acts, MP_ACT_REINSTATE_PATH, n.id, n.state == MP_PATH_GHOST ?
				 "path is ghost (standby)" : "path up");
		if (r < 0)
			goto rollback;
	}

	if (n.gone && !cur->gone) {
		r = push(acts, MP_ACT_PURGE_PATH, n.id, "LUN gone");
		if (r < 0)
			goto rollback;
	}
	*ret = n;
	return 0;

rollback:
	acts->len = len0;
	return r;
}
