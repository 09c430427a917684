/* Share tuning (mp/shares.h): from what each path did over a window
 * (bytes and summed request time per direction, from /sys/block/sdX/stat),
 * the shares the byte-share selector should use. Pure: the caller keeps
 * the per-map and per-path state and passes samples and the time in.
 *
 * Model. A path's cost is request time per byte (ms per MiB). The map's
 * mean cost is the share-weighted mean over the paths; with a fixed
 * number of requests outstanding (a database, fio's iodepth) throughput is
 * that depth over the mean request time, so a byte moved from a path that
 * costs more than the mean to one that costs less speeds the map up. The
 * fixed point is where every path that carries more than the floor costs
 * the same per byte (queueing on the busier path rises until it does), or
 * a slower path sits at the floor. That is the difference from giving each
 * path a share proportional to 1/latency (equal requests in flight, what
 * service-time does request by request): a path delayed 20 ms would keep a
 * fifth of the bytes and every fifth request would wait 20 ms; here it
 * keeps the floor when the healthy path's queueing never costs as much.
 *
 * Stability (the first version reloaded 500 -> 719 -> 821 -> 680 -> 608 in
 * a loaded guest, deciding every 2 s sample from smoothed rates):
 *   - decisions come from whole windows of samples (sums, not means of
 *     ratios) taken under one loaded table: after a reload the samples of a
 *     settle time are dropped, so queues that still reflect the old table
 *     never steer the new one; at most one reload per settle + window;
 *   - a tolerance band: costs within tolerance of the mean move nothing
 *     (the fixed point is where costs meet, so a band around it, not a
 *     pull back to the configured shares, which would leave it again);
 *   - a dead band on the loaded share, twice as wide against the direction
 *     of the last reload (no A-B-A walks);
 *   - gain 1 (shares x mean / cost): a squared step reached the floor in
 *     fewer reloads where costs do not depend on the split, but overshot
 *     both ways where the slower path saturates (the guest's delayed iSCSI
 *     path: 786 -> 608 -> 925); one window moves a share by at most 4x;
 *   - every usable path keeps the floor, so it keeps being measured and can
 *     win its share back.
 * tests/unit/test-policy-tune.c runs closed-loop models with noise and
 * counts reloads and reversals. */
#include <errno.h>
#include <string.h>

#include "mp/shares.h"

#define TUNE_MIB	(1024.0 * 1024.0)
#define TUNE_MAX_RATIO	4.0	/* one window moves a share by at most this factor */

/* Shares are positive: round half up without libm. */
static unsigned int round_share(double v)
{
	return v <= 0 ? 0 : (unsigned int)(v + 0.5);
}

void mp_tune_config_default(struct mp_tune_config *ret)
{
	*ret = (struct mp_tune_config){
		.floor = 50,
		.deadband = 50,
		.tolerance = 25,
		.gain = 1,
		.min_ios = 64,
		.window_ms = 10000,
		.settle_ms = 4000,
		.split = false,
	};
}

static void clear_window(struct mp_tune_path *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		memset(p[i].acc_ios, 0, sizeof(p[i].acc_ios));
		memset(p[i].acc_bytes, 0, sizeof(p[i].acc_bytes));
		memset(p[i].acc_ticks, 0, sizeof(p[i].acc_ticks));
		p[i].was_usable = p[i].usable;
	}
}

/* The window's figures of direction d (both summed when !split). */
static void window_dir(const struct mp_tune_path *p, int d, bool split, uint64_t *ios,
		       uint64_t *bytes, uint64_t *ticks)
{
	*ios = *bytes = *ticks = 0;
	for (int k = 0; k < _MP_DIR_MAX; k++) {
		if (split && k != d)
			continue;
		*ios += p->acc_ios[k];
		*bytes += p->acc_bytes[k];
		*ticks += p->acc_ticks[k];
	}
}

/* Splits room among the rated paths by weight, lifting any under the floor
 * to it and re-splitting what is left among the others. */
static void split_room(unsigned int floor, const double *w, size_t n, const bool *rated,
		       double room, double *ret)
{
	bool fixed[MP_SHARE_MAX_PATHS];
	double left = room;

	memset(fixed, 0, sizeof(fixed));
	for (size_t pass = 0; pass <= n; pass++) {
		double sum = 0;
		bool lifted = false;

		for (size_t i = 0; i < n; i++)
			if (rated[i] && !fixed[i])
				sum += w[i];
		for (size_t i = 0; i < n; i++)
			if (rated[i] && !fixed[i])
				ret[i] = sum > 0 ? left * w[i] / sum : left;
		for (size_t i = 0; i < n; i++) {
			if (rated[i] && !fixed[i] && ret[i] < floor) {
				ret[i] = floor;
				fixed[i] = true;
				left -= floor;
				lifted = true;
			}
		}
		if (!lifted)
			break;
	}
}

/* Judges direction d of a finished window: fills target[] for the rated
 * paths (the others keep loaded). False when there is nothing to move. */
static bool judge_dir(const struct mp_tune_config *cfg, struct mp_tune_path *p, size_t n, int d,
		      double *target)
{
	bool rated[MP_SHARE_MAX_PATHS];
	double w[MP_SHARE_MAX_PATHS];
	double room = 0, sum_cost = 0, mean, cmin = 0, cmax = 0;
	double tol = cfg->tolerance / 100.0;
	/* many paths: a floor they could not all get is lowered */
	unsigned int floor = cfg->floor < MP_SHARE_SCALE / (2 * n) ? cfg->floor :
			     MP_SHARE_SCALE / (2 * n);
	size_t n_rated = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t ios, bytes, ticks;

		target[i] = p[i].loaded[d];
		rated[i] = false;
		if (!p[i].usable)
			continue;
		window_dir(&p[i], d, cfg->split, &ios, &bytes, &ticks);
		if (ios < cfg->min_ios || !ios || !bytes) {
			p[i].cost[d] = 0;
			continue;
		}
		/* sub-millisecond totals still count as one ms */
		p[i].cost[d] = (double)(ticks ? ticks : 1) * TUNE_MIB / (double)bytes;
		rated[i] = true;
		n_rated++;
		room += p[i].loaded[d];
		sum_cost += p[i].loaded[d] * p[i].cost[d];
		if (!cmin || p[i].cost[d] < cmin)
			cmin = p[i].cost[d];
		if (p[i].cost[d] > cmax)
			cmax = p[i].cost[d];
	}
	if (n_rated < 2 || room <= 0 || room < (double)floor * (double)n_rated)
		return false;
	mean = sum_cost / room;
	/* within the tolerance: the costs have met (or differ by noise) */
	if (cmax <= mean * (1 + tol) && cmin * (1 + tol) >= mean)
		return false;
	/* weight by (mean / cost)^gain, at most 4x either way per window */
	for (size_t i = 0; i < n; i++) {
		double r = 1;

		if (!rated[i])
			continue;
		for (unsigned int k = 0; k < cfg->gain; k++)
			r *= mean / p[i].cost[d];
		if (r > TUNE_MAX_RATIO)
			r = TUNE_MAX_RATIO;
		if (r < 1 / TUNE_MAX_RATIO)
			r = 1 / TUNE_MAX_RATIO;
		w[i] = p[i].loaded[d] * r;
	}
	split_room(floor ? floor : 1, w, n, rated, room, target);
	return true;
}

/* Sets next from target and says whether the move is worth a reload. */
static bool propose(const struct mp_tune_config *cfg, struct mp_tune_path *p, size_t n, int d,
		    const double *target)
{
	bool reload = false;

	for (size_t i = 0; i < n; i++) {
		unsigned int q = round_share(target[i]);
		long move;

		p[i].next[d] = q < MP_SHARE_MIN ? MP_SHARE_MIN : q;
		if (!p[i].usable)
			continue;
		move = (long)p[i].next[d] - (long)p[i].loaded[d];
		if (move < 0)
			move = -move;
		/* turning back needs twice the dead band */
		if (move && (unsigned long)move >= cfg->deadband * ((p[i].next[d] > p[i].loaded[d]) ==
							   (p[i].last_move[d] < 0) &&
							   p[i].last_move[d] ? 2ul : 1ul))
			reload = true;
	}
	return reload;
}

/* Loaded share of a path that has none yet: an equal split. */
static void fill_defaults(struct mp_tune_path *p, size_t n)
{
	size_t n_usable = 0;

	for (size_t i = 0; i < n; i++)
		n_usable += p[i].usable;
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < _MP_DIR_MAX; d++) {
			unsigned int eq = MP_SHARE_SCALE / (unsigned int)(n_usable ? n_usable : 1);

			if (!p[i].loaded[d])
				p[i].loaded[d] = eq;
			p[i].next[d] = p[i].loaded[d];
		}
}

int mp_policy_tune_step(const struct mp_tune_config *cfg, struct mp_tune_state *st,
			struct mp_tune_path *paths, size_t n, uint64_t now_ms, bool *ret_reload)
{
	double target[MP_SHARE_MAX_PATHS];
	bool reload = false, changed = false;
	int n_dirs;

	if (!cfg || !st || (n && !paths) || !ret_reload || cfg->floor == 0 ||
	    cfg->floor >= MP_SHARE_SCALE || cfg->gain == 0 || cfg->gain > 3 ||
	    cfg->window_ms == 0 || n > MP_SHARE_MAX_PATHS)
		return -EINVAL;
	*ret_reload = false;
	if (n == 0)
		return 0;
	fill_defaults(paths, n);
	for (size_t i = 0; i < n; i++)
		changed |= paths[i].usable != paths[i].was_usable;
	/* first step, a path failed or came back, or the clock went back: what
	 * the window holds was measured under other conditions */
	if (!st->window_start_ms || changed || now_ms + cfg->settle_ms < st->window_start_ms) {
		clear_window(paths, n);
		st->window_start_ms = now_ms ? now_ms : 1;
		return 0;
	}
	if (now_ms <= st->window_start_ms)
		return 0;	/* settling after a reload */
	for (size_t i = 0; i < n; i++) {
		const struct mp_share_sample *s = &paths[i].sample;

		if (!paths[i].usable || !s->valid)
			continue;
		for (int d = 0; d < _MP_DIR_MAX; d++) {
			paths[i].acc_ios[d] += s->ios[d];
			paths[i].acc_bytes[d] += s->bytes[d];
			paths[i].acc_ticks[d] += s->ticks_ms[d];
		}
	}
	if (now_ms - st->window_start_ms < cfg->window_ms)
		return 0;
	n_dirs = cfg->split ? _MP_DIR_MAX : 1;
	for (int d = 0; d < n_dirs; d++)
		if (judge_dir(cfg, paths, n, d, target))
			reload |= propose(cfg, paths, n, d, target);
	st->decisions++;
	for (size_t i = 0; i < n; i++) {
		if (!cfg->split) {
			/* one share for both directions */
			paths[i].next[MP_DIR_WRITE] = paths[i].next[MP_DIR_READ];
			paths[i].cost[MP_DIR_WRITE] = paths[i].cost[MP_DIR_READ];
		}
		for (int d = 0; reload && d < _MP_DIR_MAX; d++)
			if (paths[i].next[d] != paths[i].loaded[d])
				paths[i].last_move[d] = paths[i].next[d] > paths[i].loaded[d] ? 1 : -1;
	}
	clear_window(paths, n);
	st->window_start_ms = now_ms + (reload ? cfg->settle_ms : 0);
	st->reloads += reload;
	*ret_reload = reload;
	return 0;
}
