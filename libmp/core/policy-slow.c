/* Slow-path ("gray failure") detection (mp/shares.h): a path whose
 * checker says up but whose requests take far longer than its siblings'
 * (a flapping link, a congested switch port, a sick controller port) is
 * demoted to the floor share; it is probed at its full share once it
 * behaves at the floor, and re-admitted once it keeps up with its
 * siblings there too. Pure: the caller
 * owns the per-path structs and passes samples and the time.
 *
 *              slow for window (another up path stays in service)
 *   IN SERVICE ------------------------------------------------> DEMOTED
 *       ^                                                     |      ^
 *       | good for window                 good for window x   |      |
 *       |                                 penalty             v      | not good
 *       +------------------------------------------------- PROBING --+ (penalty x2)
 *
 *   state       sample                           next        note
 *   in service  slow, timer not started          in service  bad_since = now
 *   in service  slow, now - bad_since >= win     DEMOTED     unless the last; ref (below)
 *   in service  not slow                         in service  bad_since = 0; base folds it
 *   demoted     good, timer not started          demoted     good_since = now
 *   demoted     good, for window x penalty       PROBING     good_since = 0
 *   demoted     not good                         demoted     good_since = 0
 *   probing     probe window open < win          probing     totals += sample
 *   probing     probe window's totals good       IN SERVICE  ref = 0
 *   probing     probe window's totals not good   DEMOTED     penalty x2 (max 8)
 *   any         no sample / no sibling / down    unchanged   timers kept
 *
 * The probe window opens at the first sample judged after the probe
 * verdict (that sample counts in it) and is judged at the first sample
 * window_ms or more later that leaves it with min_ios requests: its
 * latency is its request time over its requests, the siblings' figure the
 * mean of their unsmoothed per-sample median over its samples (smoothed,
 * it would lag the load of the floor stage). Why totals for the probe: at
 * host load 12 (guest 02:22 UTC) a healed path was 1.2x its sibling over
 * 10 s but over the 1.5x midpoint in single 2 s samples, and a probe that
 * needed every sample good failed twice; a still-delayed path at its full
 * share is slow in the sum too. Why not for the floor stage: there every
 * sample good in a row is the stricter test, and it errs on the safe side
 * (a still-delayed path 15 % over the line, +-15 % noise, passed a
 * window's mean in the replay of the 20:29 run and was probed; it passes
 * no run of consecutive samples); a failed probe costs the path a window
 * at its full share and doubles the next wait.
 *
 * Slow means latency > factor x the median of the other up, in-service
 * paths' latencies and latency >= min_latency_us. Good while demoted
 * means latency <= (factor + 1) / 2 x ref; good while probing means
 * latency <= (factor + 1) / 2 x the siblings' median now: at its full
 * share the path is judged as it was demoted, side by side under the
 * same load, so a host or array that got slower for every path slows
 * both figures (guest 01:42 UTC, host load 13: a healed path probed at a
 * third of a share took 66.3 ms against a 52.7 ms threshold from a
 * 35.1 ms reference while its sibling took 230.5 ms; it was never
 * re-admitted). ref is the lower of
 * two healthy figures taken before the demotion moved any load:
 *   - base, the path's own baseline: its smoothed latency on every
 *     in-service sample that is not slow, following a drop at once and a
 *     rise by an eighth per sample (a low percentile of its recent
 *     healthy samples; 3 samples before it counts). A path slow from its
 *     first samples has none; its in-service siblings' baselines (median)
 *     stand in: what a healthy path of this map took per request;
 *   - the siblings' median at the demotion;
 * and, while demoted, it is lowered when the siblings get faster, never
 * raised. Why the own baseline: the siblings at the demotion may already
 * be loaded, and the delayed path at the floor passes a loaded figure —
 * guest 20:29 UTC: demoted at 89.6 ms vs 26.2 ms, then 27.6 ms at the
 * floor against the sibling's 24.3 ms at 950 permille, re-admitted while
 * still delayed. Why not the siblings as they are now: they carry the
 * demoted path's load and queue for it (bench-share: 57 ms at the floor
 * against the loaded sibling's 89 ms). A fixed extra delay shows at a
 * trickle, and a healed path at a trickle takes no longer than either
 * figure did at its own, larger load (20:26 UTC: 4.8 ms at the floor
 * against 7.4), so "still delayed" and "healed" separate wherever latency
 * grows with load; where it does not (a host so busy that every request
 * waits the same), a healed path can wait at the floor longer than the
 * window, which errs on the safe side. No exception for
 * siblings that got slower: from latencies alone, "degraded for real" and
 * "queueing for the demoted path's load" look the same (the deeper the
 * queue, the further the loaded sibling's latency exceeds the trickle's:
 * 3.1x at iodepth 32 in the model of tests/unit/test-policy-slow.c), so a
 * demoted path whose siblings degrade stays demoted while it stays slow
 * against ref (docs/design-policy.md). Judgements of in-service paths
 * never use a demoted path's trickle latency either. The floor stage
 * (against ref) keeps a still-slow path from being probed at all; the
 * probe (a window at its full share against the siblings, a failed one
 * doubling the wait at the floor) is the load-independent check; the
 * two thresholds (factor vs (factor+1)/2) keep a path near the line from
 * flapping; the windows make single spikes harmless. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mp/shares.h"

const char *mp_slow_verdict_to_string(enum mp_slow_verdict v)
{
	switch (v) {
	case MP_SLOW_NONE: return "none";
	case MP_SLOW_DEMOTE: return "demote";
	case MP_SLOW_PROBE: return "probe";
	case MP_SLOW_PROBE_FAIL: return "probe-fail";
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
 * another). Never a demoted path's: at the floor it carries a trickle, and
 * against that a loaded in-service path would look slow — its timer would
 * run all through the demotion and demote it the moment the other path is
 * back (seen in the model of test-policy-slow.c). */
static uint64_t sibling_median(const struct mp_slow_path *p, size_t n, size_t skip)
{
	uint64_t v[MP_SHARE_MAX_PATHS];
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (i != skip && p[i].up && p[i].latency_us && !p[i].demoted)
			v[k++] = p[i].latency_us;
	if (!k)
		return 0;
	qsort(v, k, sizeof(v[0]), cmp_u64);
	return v[(k - 1) / 2];
}

/* The same median from this sample alone, unsmoothed (0 if no sibling
 * served a request in it): a probe window's figures are sums of samples
 * on both sides, so the siblings' must not lag the load of the window
 * before it. */
static uint64_t sibling_raw_median(const struct mp_slow_path *p, size_t n, size_t skip)
{
	uint64_t v[MP_SHARE_MAX_PATHS];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t ios = 0, ticks = 0;

		if (i == skip || !p[i].up || p[i].demoted || !p[i].sample.valid)
			continue;
		for (int d = 0; d < _MP_DIR_MAX; d++) {
			ios += p[i].sample.ios[d];
			ticks += p[i].sample.ticks_ms[d];
		}
		if (ios)
			v[k++] = ticks * 1000 / ios;
	}
	if (!k)
		return 0;
	qsort(v, k, sizeof(v[0]), cmp_u64);
	return v[(k - 1) / 2];
}

static bool has_base(const struct mp_slow_path *p)
{
	return p->base_us && p->base_n >= MP_SLOW_BASE_MIN_SAMPLES;
}

/* Median own baseline of the up, in-service paths other than skip that
 * have one; 0 if none. */
static uint64_t sibling_base_median(const struct mp_slow_path *p, size_t n, size_t skip)
{
	uint64_t v[MP_SHARE_MAX_PATHS];
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (i != skip && p[i].up && !p[i].demoted && has_base(&p[i]))
			v[k++] = p[i].base_us;
	if (!k)
		return 0;
	qsort(v, k, sizeof(v[0]), cmp_u64);
	return v[(k - 1) / 2];
}

/* A healthy in-service sample: the baseline follows a drop at once and
 * a rise by an eighth, so a slow creep (or the first samples of a fault,
 * before the path counts as slow) moves it little. */
static void fold_base(struct mp_slow_path *p)
{
	if (!p->base_us || p->latency_us < p->base_us)
		p->base_us = p->latency_us;
	else
		p->base_us += (p->latency_us - p->base_us) / 8;
	if (p->base_n < 255)
		p->base_n++;
}

/* The reference a path is judged by once demoted (see the top). */
static uint64_t demotion_ref(const struct mp_slow_path *p, size_t n, size_t self, uint64_t sib)
{
	uint64_t own = has_base(&p[self]) ? p[self].base_us : sibling_base_median(p, n, self);

	return own && own < sib ? own : sib;
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
	p->win_latency_us = 0;
	p->win_sibling_us = 0;
	if (!s->valid || !p->up) {
		/* no evidence: a down or unsampled path starts afresh, its
		 * baseline too (what it took before may not hold after) */
		p->ew_ios = p->ew_ticks_ms = 0;
		p->base_us = 0;
		p->base_n = 0;
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

static unsigned int doubled(unsigned int penalty)
{
	return penalty ? (penalty < 8 ? 2 * penalty : 8) : 2;
}

static void window_clear(struct mp_slow_path *p)
{
	p->win_start_ms = 0;
	p->win_ios = p->win_ticks_ms = p->win_sib_sum_us = 0;
	p->win_n = 0;
}

/* A demoted path at the floor: each smoothed sample against the healthy
 * reference, good for window x penalty in a row -> probing. */
static void judge_floor(const struct mp_slow_config *cfg, struct mp_slow_path *p, uint64_t now_ms)
{
	bool good;

	/* 2 x lat <= (factor + 1) x ref, i.e. at or under the midpoint */
	good = p->latency_us < cfg->min_latency_us ||
	       2 * p->latency_us <= p->ref_us * (cfg->factor + 1);
	if (!good) {
		p->good_since_ms = 0;
		return;
	}
	if (!p->good_since_ms || now_ms < p->good_since_ms)
		p->good_since_ms = now_ms ? now_ms : 1;
	if (elapsed(now_ms, p->good_since_ms) < cfg->window_ms * (p->penalty ? p->penalty : 1))
		return;
	p->good_since_ms = 0;
	p->probing = true;
	window_clear(p);
	p->verdict = MP_SLOW_PROBE;
}

/* A probing path (its full share): adds the sample to the window and at
 * its end judges the totals against the siblings over the same window
 * (sib: their unsmoothed median of this sample), side by side under the
 * same load, as it was demoted. */
static void judge_probe(const struct mp_slow_config *cfg, struct mp_slow_path *p, uint64_t sib,
			uint64_t now_ms)
{
	const struct mp_share_sample *s = &p->sample;
	uint64_t lat, sib_mean;

	if (!sib)
		return;		/* no sibling served a request: no evidence */
	if (!p->win_start_ms || now_ms < p->win_start_ms) {
		window_clear(p);
		p->win_start_ms = now_ms ? now_ms : 1;
	}
	for (int d = 0; d < _MP_DIR_MAX; d++) {
		p->win_ios += s->ios[d];
		p->win_ticks_ms += s->ticks_ms[d];
	}
	p->win_sib_sum_us += sib;
	p->win_n++;
	if (elapsed(now_ms, p->win_start_ms) < cfg->window_ms ||
	    p->win_ios < (cfg->min_ios ? cfg->min_ios : 1))
		return;
	lat = p->win_ticks_ms * 1000 / p->win_ios;
	sib_mean = p->win_sib_sum_us / p->win_n;
	p->win_latency_us = lat ? lat : 1;
	p->win_sibling_us = sib_mean;
	window_clear(p);
	if (lat >= cfg->min_latency_us && 2 * lat > sib_mean * (cfg->factor + 1)) {
		/* misbehaved with more than a trickle: back to the floor, and
		 * the next probe waits longer */
		p->probing = false;
		p->penalty = doubled(p->penalty);
		p->verdict = MP_SLOW_PROBE_FAIL;
		return;
	}
	p->demoted = false;
	p->probing = false;
	p->readmit_ms = now_ms ? now_ms : 1;
	p->ref_us = 0;
	p->verdict = MP_SLOW_READMIT;
}

static void judge_demoted(const struct mp_slow_config *cfg, struct mp_slow_path *paths, size_t n,
			  size_t self, uint64_t sib, uint64_t now_ms)
{
	struct mp_slow_path *p = &paths[self];

	if (!p->ref_us || sib < p->ref_us)
		p->ref_us = sib;
	if (p->probing)
		judge_probe(cfg, p, sibling_raw_median(paths, n, self), now_ms);
	else
		judge_floor(cfg, p, now_ms);
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
			paths[i].probing = false;
			paths[i].ref_us = 0;
			window_clear(&paths[i]);
			paths[i].verdict = MP_SLOW_READMIT;
			changes++;
		}
		*ret_changes = changes;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct mp_slow_path *p = &paths[i];
		uint64_t sib;
		bool slow;

		sib = sibling_median(paths, n, i);
		p->sibling_us = sib;
		if (!p->up || !p->latency_us || !sib)
			continue;
		if (p->demoted) {
			judge_demoted(cfg, paths, n, i, sib, now_ms);
			changes += p->verdict != MP_SLOW_NONE;
			in_service += p->verdict == MP_SLOW_READMIT;
			continue;
		}
		if (p->readmit_ms && elapsed(now_ms, p->readmit_ms) >= 4 * cfg->window_ms)
			p->penalty = 1;
		slow = p->latency_us >= cfg->min_latency_us && p->latency_us > sib * cfg->factor;
		if (!slow) {
			p->bad_since_ms = 0;
			fold_base(p);
			continue;
		}
		if (!p->bad_since_ms || now_ms < p->bad_since_ms)
			p->bad_since_ms = now_ms ? now_ms : 1;
		if (elapsed(now_ms, p->bad_since_ms) < cfg->window_ms || in_service < 2)
			continue;
		/* back to slow soon after its re-admission: a flapping path
		 * waits longer next time */
		if (p->readmit_ms && elapsed(now_ms, p->readmit_ms) < 4 * cfg->window_ms)
			p->penalty = doubled(p->penalty);
		p->demoted = true;
		p->probing = false;
		p->ref_us = demotion_ref(paths, n, i, sib);
		p->bad_since_ms = 0;
		p->good_since_ms = 0;
		window_clear(p);
		p->verdict = MP_SLOW_DEMOTE;
		in_service--;
		changes++;
	}
	*ret_changes = changes;
	return 0;
}
