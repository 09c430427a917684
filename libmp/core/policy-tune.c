/* Share tuning (mp/shares.h): from what each path did in the last sample
 * period (bytes and summed request time per direction, from
 * /sys/block/sdX/stat), the shares the byte-share selector should use.
 *
 * Model: a path's rate is bytes per millisecond of request time, i.e.
 * request size over latency. Giving each path a share proportional to its
 * rate puts the same number of requests in flight on every path (in
 * flight = throughput x latency), which is what service-time approximates
 * request by request; a path made slow by distance, a congested link or a
 * busy controller port gets less, a fast one more.
 *
 * Stability, because the latency a path shows depends on the share it was
 * given (more share, deeper queue):
 *   - rates are smoothed (a new sample weighs a quarter);
 *   - shares move only `damping` percent of the way to the target per step;
 *   - every usable path keeps at least `floor` permille, so it keeps being
 *     measured and can win its share back;
 *   - the table is reloaded only when some share is `deadband` permille
 *     away from the loaded one; below that the drift is absorbed, so noise
 *     around the fixed point never reloads, and turning back from the
 *     last reload's direction takes twice the dead band
 *     (tests/unit/test-policy-tune.c
 *     runs synthetic traces for convergence and for no oscillation).
 * Paths without a usable rate (idle, failed) keep their share; with fewer
 * than two rated paths a step holds everything. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mp/shares.h"

/* Shares are positive: round half up without libm. */
static unsigned int round_share(double v)
{
	return v <= 0 ? 0 : (unsigned int)(v + 0.5);
}

void mp_tune_config_default(struct mp_tune_config *ret)
{
	*ret = (struct mp_tune_config){
		.floor = 50,
		.damping = 50,
		.deadband = 50,
		.min_ios = 16,
		.split = false,
	};
}

static void sample_dir(const struct mp_share_sample *s, int d, bool split, uint64_t *ios,
		       uint64_t *bytes, uint64_t *ticks)
{
	*ios = *bytes = *ticks = 0;
	for (int k = 0; k < _MP_DIR_MAX; k++) {
		if (split && k != d)
			continue;
		*ios += s->ios[k];
		*bytes += s->bytes[k];
		*ticks += s->ticks_ms[k];
	}
}

/* Splits room among the rated paths by rate, lifting any under the floor
 * to it and re-splitting what is left among the others. */
static void targets(unsigned int floor, const struct mp_tune_path *p, size_t n, int d,
		    const bool *rated, double room, double *ret)
{
	bool fixed[MP_SHARE_MAX_PATHS];
	double left = room;

	memset(fixed, 0, sizeof(fixed));
	for (size_t pass = 0; pass <= n; pass++) {
		double sum = 0;
		bool lifted = false;

		for (size_t i = 0; i < n; i++)
			if (rated[i] && !fixed[i])
				sum += p[i].rate[d];
		for (size_t i = 0; i < n; i++)
			if (rated[i] && !fixed[i])
				ret[i] = sum > 0 ? left * p[i].rate[d] / sum : 0;
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

static void step_dir(const struct mp_tune_config *cfg, struct mp_tune_path *p, size_t n, int d,
		     bool split)
{
	bool rated[MP_SHARE_MAX_PATHS];
	double target[MP_SHARE_MAX_PATHS], room = MP_SHARE_SCALE;
	/* many paths: a floor they could not all get is lowered */
	unsigned int floor = cfg->floor < MP_SHARE_SCALE / (2 * n) ? cfg->floor :
			     MP_SHARE_SCALE / (2 * n);
	size_t n_rated = 0, n_usable = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t ios, bytes, ticks;

		rated[i] = false;
		if (!p[i].usable)
			continue;
		n_usable++;
		sample_dir(&p[i].sample, d, split, &ios, &bytes, &ticks);
		if (p[i].sample.valid && ios >= cfg->min_ios && ios > 0) {
			/* sub-millisecond totals still count as one ms */
			double r = (double)bytes / (double)(ticks ? ticks : 1);

			p[i].rate[d] = p[i].rate[d] > 0 ? (3 * p[i].rate[d] + r) / 4 : r;
		}
		rated[i] = p[i].rate[d] > 0;
		n_rated += rated[i];
	}
	/* where each usable path starts from: the loaded table, else equal */
	for (size_t i = 0; i < n; i++) {
		if (!p[i].usable || p[i].share[d] > 0)
			continue;
		p[i].share[d] = p[i].loaded[d] ? p[i].loaded[d] :
			(double)MP_SHARE_SCALE / (double)(n_usable ? n_usable : 1);
		/* no table figure yet: the starting point is what is loaded */
		if (!p[i].loaded[d])
			p[i].loaded[d] = round_share(p[i].share[d]);
	}
	if (n_rated < 2)
		return;
	for (size_t i = 0; i < n; i++)
		if (p[i].usable && !rated[i])
			room -= p[i].share[d];
	if (room < (double)floor * (double)n_rated)
		return;
	targets(floor ? floor : 1, p, n, d, rated, room, target);
	for (size_t i = 0; i < n; i++)
		if (rated[i])
			p[i].share[d] += (target[i] - p[i].share[d]) * cfg->damping / 100.0;
}

int mp_policy_tune_step(const struct mp_tune_config *cfg, struct mp_tune_path *paths, size_t n,
			bool *ret_reload)
{
	bool reload = false;
	int n_dirs;

	if (!cfg || (n && !paths) || !ret_reload || cfg->damping == 0 || cfg->damping > 100 ||
	    cfg->floor == 0 || cfg->floor >= MP_SHARE_SCALE || n > MP_SHARE_MAX_PATHS)
		return -EINVAL;
	n_dirs = cfg->split ? _MP_DIR_MAX : 1;
	for (int d = 0; n && d < n_dirs; d++)
		step_dir(cfg, paths, n, d, cfg->split);
	for (size_t i = 0; i < n; i++) {
		struct mp_tune_path *p = &paths[i];

		if (!cfg->split) {
			/* one share for both directions */
			p->rate[MP_DIR_WRITE] = p->rate[MP_DIR_READ];
			p->share[MP_DIR_WRITE] = p->share[MP_DIR_READ];
		}
		for (int d = 0; d < _MP_DIR_MAX; d++) {
			double v = p->share[d] > 0 ? p->share[d] : p->loaded[d];
			unsigned int q = round_share(v);
			long move;

			p->next[d] = q < MP_SHARE_MIN ? MP_SHARE_MIN : q;
			if (!p->usable)
				continue;
			move = (long)p->next[d] - (long)p->loaded[d];
			/* turning back needs twice the dead band: noise around the
			 * fixed point cannot walk a share up and down again */
			if ((unsigned long)labs(move) >=
			    (unsigned long)cfg->deadband * ((move > 0) == (p->last_move[d] < 0) &&
							    p->last_move[d] ? 2 : 1))
				reload = true;
		}
	}
	if (reload)
		for (size_t i = 0; i < n; i++)
			for (int d = 0; d < _MP_DIR_MAX; d++)
				if (paths[i].next[d] != paths[i].loaded[d])
					paths[i].last_move[d] =
						paths[i].next[d] > paths[i].loaded[d] ? 1 : -1;
	*ret_reload = reload;
	return 0;
}
