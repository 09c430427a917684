/* Shaky-path detection: a per-path failure history in a fixed ring of
 * MP_SHAKY_RING timestamps (bounded memory whatever the failure rate), and
 * the quarantine decision over it. Pure: the caller owns the struct and
 * passes the time.
 *
 *            failures in window >= threshold
 *   CLEAR ---------------------------------> QUARANTINED
 *     ^                                         |   failure: restart gap
 *     |   now >= last_fail + recheck_gap        |<--+
 *     +-----------------------------------------+
 *         (history cleared on re-admission)
 *
 *   state        event                       next         note
 *   CLEAR        record, count < threshold   CLEAR        ring keeps it
 *   CLEAR        record, count >= threshold  QUARANTINED
 *   QUARANTINED  record                      QUARANTINED  last_fail = now
 *   QUARANTINED  try_readmit, now < gap end  QUARANTINED
 *   QUARANTINED  try_readmit, now >= gap end CLEAR        ring emptied
 *   CLEAR        try_readmit                 CLEAR        no-op
 *
 * A failure counts while its age (now - t) is strictly below window_ms: a
 * failure exactly window_ms old has left the window. The history is
 * cleared on re-admission because a re-admitted path deserves a clean
 * slate: old failures must not re-quarantine it on its first new blip. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "mp/policy.h"

void mp_policy_shaky_init(struct mp_shaky *ret)
{
	memset(ret, 0, sizeof(*ret));
}

int mp_policy_shaky_config_check(const struct mp_shaky_config *cfg)
{
	if (!cfg)
		return -EINVAL;
	if (cfg->threshold == 0)
		return 0;
	if (cfg->threshold < 2 || cfg->threshold > MP_SHAKY_RING)
		return -EINVAL;
	if (cfg->window_ms == 0 || cfg->recheck_gap_ms == 0)
		return -EINVAL;
	return 0;
}

static bool shaky_valid(const struct mp_shaky *s)
{
	return s && s->head < MP_SHAKY_RING && s->count <= MP_SHAKY_RING;
}

static unsigned int count_in_window(const struct mp_shaky *s, uint64_t window_ms, uint64_t now_ms)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->count; i++) {
		unsigned int slot = (s->head + MP_SHAKY_RING - 1 - i) % MP_SHAKY_RING;
		uint64_t t = s->fail_ms[slot];

		/* t <= now is guaranteed by record(); the age cannot underflow. */
		if (t <= now_ms && now_ms - t < window_ms)
			n++;
	}
	return n;
}

int mp_policy_shaky_count(const struct mp_shaky *cur, const struct mp_shaky_config *cfg,
			  uint64_t now_ms, unsigned int *ret_count)
{
	int r = mp_policy_shaky_config_check(cfg);

	if (r < 0)
		return r;
	if (!shaky_valid(cur) || !ret_count)
		return -EINVAL;
	*ret_count = cfg->threshold ? count_in_window(cur, cfg->window_ms, now_ms) : 0;
	return 0;
}

int mp_policy_shaky_record(const struct mp_shaky *cur, const struct mp_shaky_config *cfg,
			   uint64_t now_ms, struct mp_shaky *ret)
{
	struct mp_shaky next;
	int r = mp_policy_shaky_config_check(cfg);

	if (r < 0)
		return r;
	if (!shaky_valid(cur) || !ret)
		return -EINVAL;
	/* Monotonic time: a failure before the last one is a caller bug. */
	if ((cur->count > 0 || cur->quarantined) && now_ms < cur->last_fail_ms)
		return -EINVAL;
	next = *cur;
	if (cfg->threshold == 0) {
		*ret = next;
		return 0;
	}
	next.fail_ms[next.head] = now_ms;
	next.head = (next.head + 1) % MP_SHAKY_RING;
	if (next.count < MP_SHAKY_RING)
		next.count++;
	next.last_fail_ms = now_ms;
	if (!next.quarantined && count_in_window(&next, cfg->window_ms, now_ms) >= cfg->threshold)
		next.quarantined = true;
	*ret = next;
	return 0;
}

int mp_policy_shaky_try_readmit(const struct mp_shaky *cur, const struct mp_shaky_config *cfg,
				uint64_t now_ms, struct mp_shaky *ret, bool *ret_readmitted)
{
	int r = mp_policy_shaky_config_check(cfg);

	if (r < 0)
		return r;
	if (!shaky_valid(cur) || !ret || !ret_readmitted)
		return -EINVAL;
	if (!cur->quarantined) {
		*ret = *cur;
		*ret_readmitted = false;
		return 0;
	}
	/* Detection switched off by a reload: let the path go at once. */
	if (cfg->threshold == 0 ||
	    now_ms >= mp_policy_deadline(cur->last_fail_ms, cfg->recheck_gap_ms)) {
		mp_policy_shaky_init(ret);
		*ret_readmitted = true;
		return 0;
	}
	*ret = *cur;
	*ret_readmitted = false;
	return 0;
}
