/* Slow-path ("gray failure") detection (mp/shares.h): a path whose
 * checker says up but whose requests take far longer than its siblings'
 * (a flapping link, a congested switch port, a sick controller port) is
 * demoted to the floor share; it is re-admitted once it behaves. Pure:
 * the caller owns the per-path structs and passes samples and the time.
 *
 *                   slow for window_ms (and another up path stays in)
 *   IN SERVICE ------------------------------------------------> DEMOTED
 *       ^                                                          |
 *       |     good (<= (factor+1)/2 x siblings) for window_ms      |
 *       +----------------------------------------------------------+
 *
 *   state       sample                         next        note
 *   in service  slow, timer not started        in service  bad_since = now
 *   in service  slow, now - bad_since >= win   DEMOTED     unless it is the last
 *   in service  not slow                       in service  bad_since = 0
 *   demoted     good, timer not started        demoted     good_since = now
 *   demoted     good, now - good_since >= win  IN SERVICE
 *   demoted     not good                       demoted     good_since = 0
 *   any         no sample / no sibling / down  unchanged   timers kept
 *
 * Slow means latency > factor x the median of the other up paths'
 * latencies and latency >= min_latency_us. Once a path is demoted its
 * siblings carry its load and queue more: re-admission compares with the
 * lower of their latency now and at the demotion (ref_us), or a path that
 * is still slow would look good against siblings slowed by its load. Its
 * load raises theirs by n/(n-1), at most 2x; a sibling more than factor x
 * slower than at the demotion has degraded for real and counts as it is. A demoted path still carries
 * its floor share, so it keeps producing samples to be judged on. The
 * two thresholds differ (factor vs (factor+1)/2) so that a path hovering
 * near the line does not flap; the windows make single spikes harmless. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mp/shares.h"

const char *mp_slow_verdict_to_string(enum mp_slow_verdict v)
{
	switch (v) {
	case MP_SLOW_NONE: return "none";
	case MP_SLOW_DEMOTE: return "demote";
	case MP_SLOW_READMIT: return "readmit";
	}
	return NULL;
}

/* Time since a timer started; a clock that went back counts as none. */
static uint64_t elapsed(uint64_t now, uint64_t since)
{
	return now > since ? now - since : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median latency of the up, in-service paths other than skip with a
 * sample (lower median for an even count: a slow sibling never hides
 * another); the demoted ones only when no other is measured. */
static uint64_t sibling_median(const struct mp_slow_path *p, size_t n, size_t skip)
{
	uint64_t v[MP_SHARE_MAX_PATHS];
	size_t k = 0;

	for (int pass = 0; pass < 2 && !k; pass++)
		for (size_t i = 0; i < n; i++)
			if (i != skip && p[i].up && p[i].latency_us && (pass || !p[i].demoted))
				v[k++] = p[i].latency_us;
	if (!k)
		return 0;
	qsort(v, k, sizeof(v[0]), cmp_u64);
	return v[(k - 1) / 2];
}

/* Folds the new sample into the smoothed figures and sets latency_us
 * from them (0 below min_ios smoothed requests, or without a sample). */
static void smooth(struct mp_slow_path *p, unsigned int min_ios)
{
	const struct mp_share_sample *s = &p->sample;
	uint64_t ios = 0, ticks = 0;

	p->verdict = MP_SLOW_NONE;
	p->latency_us = 0;
	p->sibling_us = 0;
	if (!s->valid || !p->up) {
		/* no evidence: a down or unsampled path starts afresh */
		p->ew_ios = p->ew_ticks_ms = 0;
		return;
	}
	for (int d = 0; d < _MP_DIR_MAX; d++) {
		ios += s->ios[d];
		ticks += s->ticks_ms[d];
	}
	p->ew_ios = p->ew_ios / 2 + (double)ios / 2;
	p->ew_ticks_ms = p->ew_ticks_ms / 2 + (double)ticks / 2;
	if (!ios || p->ew_ios < (double)(min_ios ? min_ios : 1) / 2)
		return;
	p->latency_us = (uint64_t)(p->ew_ticks_ms * 1000 / p->ew_ios);
	if (!p->latency_us)
		p->latency_us = 1;
}

int mp_policy_slow_step(const struct mp_slow_config *cfg, struct mp_slow_path *paths, size_t n,
			uint64_t now_ms, unsigned int *ret_changes)
{
	unsigned int changes = 0;
	size_t in_service = 0;

	if (!cfg || (n && !paths) || !ret_changes || cfg->factor == 1 ||
	    n > MP_SHARE_MAX_PATHS)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		smooth(&paths[i], cfg->min_ios);
	for (size_t i = 0; i < n; i++)
		in_service += paths[i].up && !paths[i].demoted;
	if (cfg->factor == 0) {
		/* off: give back whatever an earlier config demoted */
		for (size_t i = 0; i < n; i++) {
			if (!paths[i].demoted)
				continue;
			paths[i].demoted = false;
			paths[i].verdict = MP_SLOW_READMIT;
			changes++;
		}
		*ret_changes = changes;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct mp_slow_path *p = &paths[i];
		uint64_t sib, ref;
		bool slow, good;

		sib = sibling_median(paths, n, i);
		p->sibling_us = sib;
		if (!p->up || !p->latency_us || !sib)
			continue;
		slow = p->latency_us >= cfg->min_latency_us && p->latency_us > sib * cfg->factor;
		/* 2 x lat <= (factor + 1) x ref, i.e. at or under the midpoint;
		 * demoted, ref is the siblings' latency before they took its load */
		ref = sib;
		if (p->demoted && p->ref_us && sib <= p->ref_us * cfg->factor && p->ref_us < sib)
			ref = p->ref_us;
		good = p->latency_us < cfg->min_latency_us ||
		       2 * p->latency_us <= ref * (cfg->factor + 1);
		if (!p->demoted) {
			if (p->readmit_ms && elapsed(now_ms, p->readmit_ms) >= 4 * cfg->window_ms)
				p->penalty = 1;
			if (!slow) {
				p->bad_since_ms = 0;
				continue;
			}
			if (!p->bad_since_ms || now_ms < p->bad_since_ms)
				p->bad_since_ms = now_ms ? now_ms : 1;
			if (elapsed(now_ms, p->bad_since_ms) < cfg->window_ms || in_service < 2)
				continue;
			/* back to slow soon after its re-admission: a flapping path
			 * waits longer next time */
			if (p->readmit_ms && elapsed(now_ms, p->readmit_ms) < 4 * cfg->window_ms)
				p->penalty = p->penalty ? (p->penalty < 8 ? 2 * p->penalty : 8) : 2;
			p->demoted = true;
			p->ref_us = sib;
			p->bad_since_ms = 0;
			p->good_since_ms = 0;
			p->verdict = MP_SLOW_DEMOTE;
			in_service--;
			changes++;
			continue;
		}
		if (!good) {
			p->good_since_ms = 0;
			continue;
		}
		if (!p->good_since_ms || now_ms < p->good_since_ms)
			p->good_since_ms = now_ms ? now_ms : 1;
		if (elapsed(now_ms, p->good_since_ms) < cfg->window_ms * (p->penalty ? p->penalty : 1))
			continue;
		p->demoted = false;
		p->readmit_ms = now_ms ? now_ms : 1;
		p->good_since_ms = 0;
		p->ref_us = 0;
		p->verdict = MP_SLOW_READMIT;
		in_service++;
		changes++;
	}
	*ret_changes = changes;
	return 0;
}
