/* Checker interval: when to check a path next, and when a running check
 * has timed out. Owns only struct mp_interval_state, one per path; the
 * daemon puts next_ms into its deadline heap.
 *
 *   update(state):            interval'                 next
 *     state changed           polling_interval          now + interval'
 *     DOWN                    failed_interval           now + interval'
 *     UP/GHOST, unchanged     min(2 * interval, max)    now + interval'
 *     SHAKY/PENDING/UNCHECKED polling_interval          now + interval'
 *     recheck requested       (as above)                now + FLOOR, if sooner
 *   start:                    in_flight, next = now + checker_timeout
 *   due(now):  in flight: now >= next -> TIMEOUT; else now >= next -> CHECK
 *
 *       init (next = now)
 *          |           start               complete / event
 *          v     -------------->            -------------->
 *        IDLE                     IN_FLIGHT                 IDLE
 *          ^     <-- update ---- (now >= next: TIMEOUT, caller
 *                                 feeds MP_CHK_TIMEOUT then update)
 *
 * Why: healthy paths back off (doubling) to max_polling_interval so that
 * thousands of paths do not keep the target busy with TURs; any state
 * change brings the path back to polling_interval, since changes come in
 * bursts. Failed paths are checked at failed_interval (default: the
 * polling interval; may be set lower, down to a 1 s floor) so that
 * reinstatement after a cable pull or controller reboot is quick: the
 * cost is a TUR per second per dead path, which is why it is opt-in.
 * Nothing is checked more often than MP_INTERVAL_FLOOR_MS; a recheck
 * (unit attention, kernel-failed path) comes one floor later rather than
 * at once so a path that keeps answering UA cannot spin the loop.
 * Deadlines saturate at MP_POLICY_NEVER instead of wrapping. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "mp/policy.h"

int mp_policy_interval_config_check(const struct mp_interval_config *cfg)
{
	if (!cfg)
		return -EINVAL;
	if (cfg->polling_interval_ms < MP_INTERVAL_FLOOR_MS ||
	    cfg->max_polling_interval_ms < cfg->polling_interval_ms)
		return -EINVAL;
	if (cfg->failed_interval_ms != 0 &&
	    (cfg->failed_interval_ms < MP_INTERVAL_FLOOR_MS ||
	     cfg->failed_interval_ms > cfg->polling_interval_ms))
		return -EINVAL;
	if (cfg->checker_timeout_ms == 0)
		return -EINVAL;
	return 0;
}

int mp_policy_interval_init(const struct mp_interval_config *cfg, uint64_t now_ms,
			    struct mp_interval_state *ret)
{
	int r = mp_policy_interval_config_check(cfg);

	if (r < 0)
		return r;
	if (!ret)
		return -EINVAL;
	memset(ret, 0, sizeof(*ret));
	ret->interval_ms = cfg->polling_interval_ms;
	ret->last = MP_PATH_UNCHECKED;
	ret->in_flight = false;
	ret->next_ms = now_ms;
	return 0;
}

int mp_policy_interval_start(const struct mp_interval_state *cur, const struct mp_interval_config *cfg,
			     uint64_t now_ms, struct mp_interval_state *ret)
{
	struct mp_interval_state n;
	int r = mp_policy_interval_config_check(cfg);

	if (r < 0)
		return r;
	if (!cur || !ret || cur->in_flight)
		return -EINVAL;
	n = *cur;
	n.in_flight = true;
	n.next_ms = mp_policy_deadline(now_ms, cfg->checker_timeout_ms);
	*ret = n;
	return 0;
}

static uint64_t next_interval(const struct mp_interval_state *cur, const struct mp_interval_config *cfg,
			      enum mp_path_state state)
{
	if (state == MP_PATH_DOWN)
		return cfg->failed_interval_ms ? cfg->failed_interval_ms : cfg->polling_interval_ms;
	if (state != cur->last)
		return cfg->polling_interval_ms;
	if (state == MP_PATH_UP || state == MP_PATH_GHOST) {
		/* The state may come from before a config reload: clamp first. */
		uint64_t i = cur->interval_ms;

		if (i < cfg->polling_interval_ms)
			i = cfg->polling_interval_ms;
		if (i > cfg->max_polling_interval_ms / 2)
			return cfg->max_polling_interval_ms;
		return i * 2;
	}
	return cfg->polling_interval_ms;
}

int mp_policy_interval_update(const struct mp_interval_state *cur, const struct mp_interval_config *cfg,
			      enum mp_path_state state, bool recheck, uint64_t now_ms,
			      struct mp_interval_state *ret)
{
	struct mp_interval_state n;
	uint64_t soon;
	int r = mp_policy_interval_config_check(cfg);

	if (r < 0)
		return r;
	if (!cur || !ret || (unsigned int)state >= _MP_PATH_STATE_MAX)
		return -EINVAL;
	n = *cur;
	n.interval_ms = next_interval(cur, cfg, state);
	n.last = state;
	n.in_flight = false;
	n.next_ms = mp_policy_deadline(now_ms, n.interval_ms);
	soon = mp_policy_deadline(now_ms, MP_INTERVAL_FLOOR_MS);
	if (recheck && soon < n.next_ms)
		n.next_ms = soon;
	*ret = n;
	return 0;
}

int mp_policy_interval_due(const struct mp_interval_state *cur, uint64_t now_ms,
			   enum mp_interval_due *ret)
{
	if (!cur || !ret)
		return -EINVAL;
	if (now_ms < cur->next_ms)
		*ret = MP_INTERVAL_WAIT;
	else
		*ret = cur->in_flight ? MP_INTERVAL_TIMEOUT : MP_INTERVAL_CHECK;
	return 0;
}
