/* Share tuning (mp/shares.h): from what each path did over a window
 * (bytes and summed request time per direction, from /sys/block/sdX/stat),
 * the shares the byte-share selector should use. Pure: the caller keeps
 * the per-map and per-path state and passes samples and the time in.
 *
 * Objective. With some number of requests outstanding (a database's
 * threads, fio's iodepth) a map's throughput is that number over its mean
 * request time per byte, so the tuner minimises the map's cost: request
 * time over bytes moved (ms per MiB), measured, not modelled. Measured at
 * the map's own device when the caller passes its counters (st->map_sample
 * for every sample of the window): there a request's time runs from its
 * making, so time spent waiting above the paths counts too (dm-multipath
 * requeues a request whose chosen path cannot take it, and the map's
 * queue stalls until a completion). Otherwise request time summed over
 * the paths, which only sees time spent on a path.
 *
 * Why a measured search. The first version moved load off any path that
 * cost more per byte than the map's mean until the costs met. That is the
 * point where no single request gains by changing path, not the point
 * where the map gains most (that is where the marginal costs meet), and on
 * the guest bed the costs are not even independent: with a path delayed
 * 20 ms, the healthy path took 31.9 ms a request at 880/120 permille, 23.4
 * at 900/100 and 18.8 at 990/10, so the equal-cost rule stopped at 880/120
 * with 27.0 MiB/s of a 70/30 mix where 990/10 gave 48.4 (bench-share,
 * 2026-11-27 07:32 UTC). A search needs no model of either effect.
 *
 * A search has three stages, each a probe or a series of probes of the
 * same shape (load, settle, one window, judge against the kept shares):
 *   EQUAL  (after drift only) an equal split: a path that healed at the
 *          floor carries too little for any move from there to show;
 *   MODEL  the first guess from the costs measured under the kept shares:
 *          load leaves a path that costs more per byte than the mean
 *          (the rule of the first version), repeated while it moves; kept
 *          unless clearly worse, because on a noisy bed (the guest at host
 *          load 6-11: +-40 % between windows) no move shows a clear gain
 *          and the guess is still far better than where a search begins;
 *          left out (cfg->model_guess) under service-time, which already
 *          sends each request where it waits least: there the search
 *          begins from that balance and keeps only moves that beat it;
 *   MOVES  one path's share x4, x2, x1.41 at a time, kept only when
 *          clearly better; when no move pays at x1.41: HOLD.
 *
 *   BASE --window--> cost of the kept shares; load the stage's probe
 *   PROBE --kept--> the same move (or guess) again from there
 *         --not kept--> reload the kept shares, BASE, next move or stage
 *   HOLD --for 2 windows the map's cost off the held one by > drift, or a
 *         path's cost against the map's off by > 2 x drift--> EQUAL
 *
 * A move multiplies one path's share by the step's factor (x4, x2, x1.41),
 * or with more than two usable paths also divides it, and splits the rest
 * of the room over the others in proportion. The first move tried is the
 * path that cost least per byte in the last window, upwards; a step that
 * follows a kept move starts with that move. A search is local: where a
 * map's cost has two valleys, it ends in the one its first probes lead to.
 *
 * Stability:
 *   - decisions come from whole windows (sums, not means of ratios) taken
 *     under one loaded table; after a reload the samples of a settle time
 *     are dropped, so queues still shaped by the old table never steer the
 *     new one; at most one reload per settle + window;
 *   - a move is kept only when it beat the cost just measured at the kept
 *     shares by the margin and by 2.5 standard errors of the
 *     difference (from the spread of each window's samples: a noisy bed
 *     asks for a clearer gain); a rejected move is reverted and the kept
 *     shares are measured again before the next move (drift in the load
 *     never makes a probe look good against a stale base);
 *   - the search ends (HOLD) after the smallest step found nothing: a
 *     held map reloads only when its cost moved by more than drift, twice
 *     in a row (the workload or a path changed);
 *   - every usable path keeps the floor, so it keeps being measured and a
 *     search can give it its share back; a change in the set of usable
 *     paths starts a new search.
 * tests/unit/test-policy-tune.c runs closed-loop models with noise and
 * judges each search by the model's own least cost, its reloads, and that
 * it then holds. */
#include <errno.h>
#include <string.h>

#include "mp/shares.h"
#include "util/macros.h"

#define TUNE_MIB	(1024.0 * 1024.0)
#define TUNE_DRIFT_WINDOWS 2u	/* held windows off the held cost before a new search */

/* The factor a move multiplies one share by, coarse to fine. */
static const double tune_steps[] = { 4.0, 2.0, 1.41421356 };

static const char *const phase_table[_MP_TUNE_PHASE_MAX] = {
	[MP_TUNE_BASE] = "measuring",
	[MP_TUNE_PROBE] = "probing",
	[MP_TUNE_HOLD] = "holding",
};

const char *mp_tune_phase_to_string(enum mp_tune_phase v)
{
	if ((unsigned int)v >= ELEMENTSOF(phase_table))
		return NULL;
	return phase_table[v];
}

static double fabs_(double v)
{
	return v < 0 ? -v : v;
}

/* Shares are positive: round half up without libm. */
static unsigned int round_share(double v)
{
	return v <= 0 ? 0 : (unsigned int)(v + 0.5);
}

void mp_tune_config_default(struct mp_tune_config *ret)
{
	*ret = (struct mp_tune_config){
		.floor = 10,
		.deadband = 5,
		.margin = 5,
		.drift = 30,
		.min_ios = 64,
		.window_ms = 10000,
		.settle_ms = 4000,
		.split = false,
		.model_guess = true,
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

/* The map's side of a new window: its totals and its samples' spread. */
static void clear_map_window(struct mp_tune_state *st)
{
	memset(st->win_sum, 0, sizeof(st->win_sum));
	memset(st->win_sumsq, 0, sizeof(st->win_sumsq));
	memset(st->win_n, 0, sizeof(st->win_n));
	memset(st->map_acc_bytes, 0, sizeof(st->map_acc_bytes));
	memset(st->map_acc_ticks, 0, sizeof(st->map_acc_ticks));
	st->map_whole = true;
}

/* Sums direction d (both when !split) of per-direction counters. */
static uint64_t sum_dir(const uint64_t *v, int d, bool split)
{
	return split ? v[d] : v[MP_DIR_READ] + v[MP_DIR_WRITE];
}

/* The window's figures of direction d (both summed when !split). */
static void window_dir(const struct mp_tune_path *p, int d, bool split, uint64_t *ios,
		       uint64_t *bytes, uint64_t *ticks)
{
	*ios = sum_dir(p->acc_ios, d, split);
	*bytes = sum_dir(p->acc_bytes, d, split);
	*ticks = sum_dir(p->acc_ticks, d, split);
}

/* Splits room among the usable paths by weight, lifting any under the
 * floor to it and re-splitting what is left among the others. */
static void split_room(unsigned int floor, const double *w, size_t n, const bool *usable,
		       double room, double *ret)
{
	bool fixed[MP_SHARE_MAX_PATHS];
	double left = room;

	memset(fixed, 0, sizeof(fixed));
	for (size_t pass = 0; pass <= n; pass++) {
		double sum = 0;
		bool lifted = false;

		for (size_t i = 0; i < n; i++)
			if (usable[i] && !fixed[i])
				sum += w[i];
		for (size_t i = 0; i < n; i++)
			if (usable[i] && !fixed[i])
				ret[i] = sum > 0 ? left * w[i] / sum : left;
		for (size_t i = 0; i < n; i++) {
			if (usable[i] && !fixed[i] && ret[i] < floor) {
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

/* A floor that every usable path can have at once. */
static unsigned int floor_for(const struct mp_tune_config *cfg, size_t n_usable)
{
	unsigned int most = MP_SHARE_SCALE / (2 * (unsigned int)(n_usable ? n_usable : 1));

	return cfg->floor < most ? cfg->floor : most;
}

/* The map's cost over the window in direction d (ms of request time per
 * MiB: the map's own device's when it was sampled all window, else all
 * usable paths together), and each path's own for show. False when fewer
 * than two paths are usable or too little I/O was done to judge (min_ios
 * per usable path, summed). */
static bool map_cost(const struct mp_tune_config *cfg, struct mp_tune_state *st,
		     struct mp_tune_path *p, size_t n, int d, double *ret)
{
	uint64_t all_ios = 0, all_bytes = 0, all_ticks = 0;
	uint64_t map_bytes = sum_dir(st->map_acc_bytes, d, cfg->split);
	size_t n_usable = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t ios, bytes, ticks;

		p[i].cost[d] = 0;
		if (!p[i].usable)
			continue;
		n_usable++;
		window_dir(&p[i], d, cfg->split, &ios, &bytes, &ticks);
		all_ios += ios;
		all_bytes += bytes;
		all_ticks += ticks;
		if (ios && bytes)	/* sub-millisecond totals still count as one ms */
			p[i].cost[d] = (double)(ticks ? ticks : 1) * TUNE_MIB / (double)bytes;
	}
	if (n_usable < 2 || !all_bytes || all_ios < (uint64_t)cfg->min_ios * n_usable)
		return false;
	st->judged_on_map = st->map_whole && map_bytes;
	if (st->judged_on_map) {
		all_bytes = map_bytes;
		all_ticks = sum_dir(st->map_acc_ticks, d, cfg->split);
	}
	*ret = (double)(all_ticks ? all_ticks : 1) * TUNE_MIB / (double)all_bytes;
	return true;
}

/* One sample's map cost in direction d, into the window's spread. */
static void add_sample_cost(const struct mp_tune_config *cfg, struct mp_tune_state *st,
			    const struct mp_tune_path *p, size_t n, int d)
{
	uint64_t bytes = 0, ticks = 0;
	double c;

	if (st->map_sample.valid) {
		bytes = sum_dir(st->map_sample.bytes, d, cfg->split);
		ticks = sum_dir(st->map_sample.ticks_ms, d, cfg->split);
	}
	if (!bytes)	/* no map counters, or its device keeps none */
		for (size_t i = 0; i < n; i++) {
			if (!p[i].usable || !p[i].sample.valid)
				continue;
			bytes += sum_dir(p[i].sample.bytes, d, cfg->split);
			ticks += sum_dir(p[i].sample.ticks_ms, d, cfg->split);
		}
	if (!bytes)
		return;
	c = (double)ticks * TUNE_MIB / (double)bytes;
	st->win_sum[d] += c;
	st->win_sumsq[d] += c * c;
	st->win_n[d]++;
}

/* Variance of the window's mean cost from its samples' spread (0 with
 * fewer than two samples: then only the margin guards). */
static double window_var(const struct mp_tune_state *st, int d)
{
	double n = st->win_n[d], mean, var;

	if (st->win_n[d] < 2)
		return 0;
	mean = st->win_sum[d] / n;
	var = (st->win_sumsq[d] - n * mean * mean) / (n - 1);
	return var > 0 ? var / n : 0;
}

static size_t count_usable(const struct mp_tune_path *p, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i].usable;
	return k;
}

/* Moves a search can try: one per path upwards; downwards too when more
 * than two are usable (with two, one path down is the other up; with
 * three, taking from the delayed one alone is no single path's up). */
static unsigned int n_moves(const struct mp_tune_path *p, size_t n)
{
	return (unsigned int)(count_usable(p, n) > 2 ? 2 * n : n);
}

/* Loads the target permille into next[d] (rounded, at least MP_SHARE_MIN);
 * true when some counted path moves by the dead band from what is kept. */
static bool load_targets(const struct mp_tune_config *cfg, struct mp_tune_path *p, size_t n,
			 int d, const double *target, const bool *counted)
{
	unsigned int band = cfg->deadband ? cfg->deadband : 1;
	bool moves = false;

	for (size_t i = 0; i < n; i++) {
		unsigned int q = round_share(target[i]);

		p[i].next[d] = q < MP_SHARE_MIN ? MP_SHARE_MIN : q;
		if (counted[i] && (p[i].next[d] >= p[i].kept[d] + band ||
				   p[i].next[d] + band <= p[i].kept[d]))
			moves = true;
	}
	return moves;
}

/* Fills next[d] with move `move` at the search's step applied to the kept
 * shares; false when it changes no usable share by the dead band (a path
 * at the floor cannot go down, an unusable one is not moved). */
static bool make_move(const struct mp_tune_config *cfg, const struct mp_tune_search *s,
		      struct mp_tune_path *p, size_t n, int d, unsigned int move)
{
	size_t who = move % n, n_usable = count_usable(p, n);
	bool usable[MP_SHARE_MAX_PATHS] = { false };
	double w[MP_SHARE_MAX_PATHS] = { 0 }, target[MP_SHARE_MAX_PATHS], room = 0;
	double f = tune_steps[s->step];

	if (!p[who].usable)
		return false;
	for (size_t i = 0; i < n; i++) {
		usable[i] = p[i].usable;
		w[i] = p[i].kept[d];
		target[i] = p[i].kept[d];
		if (usable[i])
			room += p[i].kept[d];
	}
	w[who] = move < n ? w[who] * f : w[who] / f;
	split_room(floor_for(cfg, n_usable), w, n, usable, room, target);
	return load_targets(cfg, p, n, d, target, usable);
}

/* The move did not pay (or changed nothing): the next one; after all of
 * them, the next finer step, starting with the last move that paid. */
static void move_failed(struct mp_tune_search *s, unsigned int moves)
{
	s->move = (s->move + 1) % moves;
	if (++s->failed >= moves) {
		s->failed = 0;
		s->step++;
		s->move = s->last_kept;
	}
}

/* Loads the next move that changes something into next[d] (PROBE, true),
 * or, when no move is left at any step, holds (false). */
static bool next_move(const struct mp_tune_config *cfg, struct mp_tune_search *s,
		      struct mp_tune_path *p, size_t n, int d)
{
	unsigned int moves = n_moves(p, n);

	while (s->step < ELEMENTSOF(tune_steps)) {
		if (make_move(cfg, s, p, n, d, s->move)) {
			s->phase = MP_TUNE_PROBE;
			return true;
		}
		move_failed(s, moves);
	}
	for (size_t i = 0; i < n; i++)
		p[i].next[d] = p[i].kept[d];
	s->phase = MP_TUNE_HOLD;
	s->drifted = 0;
	s->ratios_held = false;
	return false;
}

/* Loads an equal split of the kept room as the probe (false when that is
 * what is kept). */
static bool equal_move(const struct mp_tune_config *cfg, struct mp_tune_path *p, size_t n, int d)
{
	bool usable[MP_SHARE_MAX_PATHS];
	double target[MP_SHARE_MAX_PATHS];
	unsigned int room = 0;
	size_t n_usable = count_usable(p, n);

	for (size_t i = 0; i < n; i++)
		if (p[i].usable)
			room += p[i].kept[d];
	for (size_t i = 0; i < n; i++) {
		usable[i] = p[i].usable;
		/* whole permille, as the table takes them */
		target[i] = usable[i] ? room / (unsigned int)n_usable : p[i].kept[d];
	}
	return load_targets(cfg, p, n, d, target, usable);
}

/* The first guess of a search, from the costs the window measured under
 * the kept shares: load leaves a path that costs more per byte than the
 * share-weighted mean (shares x mean / cost, at most x4 either way,
 * renormalised, floored). Nothing when every rated path is within 25 % of
 * the mean or fewer than two are rated. */
static bool model_move(const struct mp_tune_config *cfg, struct mp_tune_path *p, size_t n, int d)
{
	bool rated[MP_SHARE_MAX_PATHS];
	double w[MP_SHARE_MAX_PATHS], target[MP_SHARE_MAX_PATHS];
	double room = 0, sum = 0, mean, cmin = 0, cmax = 0;
	size_t n_rated = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t ios, bytes, ticks;

		target[i] = p[i].kept[d];
		window_dir(&p[i], d, cfg->split, &ios, &bytes, &ticks);
		rated[i] = p[i].usable && p[i].cost[d] > 0 && ios >= cfg->min_ios;
		if (!rated[i])
			continue;
		n_rated++;
		room += p[i].kept[d];
		sum += p[i].kept[d] * p[i].cost[d];
		if (!cmin || p[i].cost[d] < cmin)
			cmin = p[i].cost[d];
		if (p[i].cost[d] > cmax)
			cmax = p[i].cost[d];
	}
	if (n_rated < 2 || room <= 0)
		return false;
	mean = sum / room;
	if (cmax <= mean * 1.25 && cmin * 1.25 >= mean)
		return false;
	for (size_t i = 0; i < n; i++) {
		double r = rated[i] ? mean / p[i].cost[d] : 1;

		r = r > 4 ? 4 : r < 0.25 ? 0.25 : r;
		w[i] = p[i].kept[d] * r;
	}
	split_room(floor_for(cfg, count_usable(p, n)), w, n, rated, room, target);
	return load_targets(cfg, p, n, d, target, rated);
}

/* The model's guess was worse: the moves follow, from the kept shares
 * (measured again first). */
static void start_moves_later(struct mp_tune_search *s)
{
	s->stage = MP_TUNE_STAGE_MOVES;
	s->step = 0;
	s->failed = 0;
	s->move = 0;
	s->last_kept = 0;
	s->hint_pending = true;
}

/* The moves stage: from the path that cost least per byte, upwards. */
static bool start_moves(const struct mp_tune_config *cfg, struct mp_tune_search *s,
			struct mp_tune_path *p, size_t n, int d)
{
	size_t best = n;

	for (size_t i = 0; i < n; i++)
		if (p[i].usable && p[i].cost[d] > 0 && (best == n || p[i].cost[d] < p[best].cost[d]))
			best = i;
	s->stage = MP_TUNE_STAGE_MOVES;
	s->hint_pending = false;
	s->step = 0;
	s->failed = 0;
	s->move = best < n ? (unsigned int)best : 0;
	s->last_kept = s->move;
	return next_move(cfg, s, p, n, d);
}

/* Goes on with the search from the kept shares, which the window just
 * measured: the stage's probe loaded (PROBE, true), or the next stage's. */
static bool search_on(const struct mp_tune_config *cfg, struct mp_tune_search *s,
		      struct mp_tune_path *p, size_t n, int d)
{
	if (s->stage == MP_TUNE_STAGE_EQUAL) {
		if (equal_move(cfg, p, n, d)) {
			s->phase = MP_TUNE_PROBE;
			return true;
		}
		s->stage = MP_TUNE_STAGE_MODEL;
	}
	if (s->stage == MP_TUNE_STAGE_MODEL) {
		if (cfg->model_guess && model_move(cfg, p, n, d)) {
			s->phase = MP_TUNE_PROBE;
			return true;
		}
		return start_moves(cfg, s, p, n, d);
	}
	if (s->hint_pending)
		return start_moves(cfg, s, p, n, d);
	return next_move(cfg, s, p, n, d);
}

/* Whether some path's cost against the map's moved by factor since the
 * search ended: a path at the floor that healed barely moves the map's
 * cost, but its own falls from several times the map's to under it. */
static bool ratio_moved(const struct mp_tune_path *p, size_t n, int d, double cost,
			double factor)
{
	for (size_t i = 0; i < n; i++) {
		double r;

		if (!p[i].usable || p[i].cost[d] <= 0 || p[i].held[d] <= 0)
			continue;
		r = p[i].cost[d] / cost;
		if (r > p[i].held[d] * factor || r * factor < p[i].held[d])
			return true;
	}
	return false;
}

/* Judges direction d at the end of a window; next[d] is what to load.
 * True when next differs from loaded. */
static bool judge_dir(const struct mp_tune_config *cfg, struct mp_tune_state *st,
		      struct mp_tune_path *p, size_t n, int d, double var)
{
	struct mp_tune_search *s = &st->search[d];
	double cost = 0, margin = cfg->margin / 100.0, drift = cfg->drift / 100.0, gain;
	bool clear;
	unsigned int moves = n_moves(p, n);
	bool have = map_cost(cfg, st, p, n, d, &cost);

	for (size_t i = 0; i < n; i++)
		p[i].next[d] = p[i].loaded[d];
	switch (s->phase) {
	case MP_TUNE_BASE:
		if (!have)
			return false;
		s->base_cost = cost;
		s->base_var = var;
		return search_on(cfg, s, p, n, d);
	case MP_TUNE_PROBE:
		if (have) {
			s->probes++;
			/* a move is kept when better by the margin and by 2.5
			 * times the standard error of the difference (the
			 * noise); the model's guess unless worse by as much:
			 * on a noisy bed no move shows a clear gain, and the
			 * guess is still better than where the search began */
			gain = s->base_cost - cost;
			clear = fabs_(gain) > s->base_cost * margin &&
				gain * gain > 6.25 * (s->base_var + var);
			if (s->stage == MP_TUNE_STAGE_MODEL ? !(clear && gain < 0) : (clear && gain > 0)) {
				for (size_t i = 0; i < n; i++)
					p[i].kept[d] = p[i].loaded[d];
				s->base_cost = cost;
				s->base_var = var;
				s->kept_moves++;
				if (s->stage == MP_TUNE_STAGE_MOVES) {
					/* the move paid: try it once more */
					s->failed = 0;
					s->last_kept = s->move;
				} else if (s->stage == MP_TUNE_STAGE_EQUAL) {
					s->stage = MP_TUNE_STAGE_MODEL;
				}
				/* the model: again from where it led */
				return search_on(cfg, s, p, n, d);
			}
			if (s->stage == MP_TUNE_STAGE_MOVES)
				move_failed(s, moves);
			else if (s->stage == MP_TUNE_STAGE_EQUAL)
				s->stage = MP_TUNE_STAGE_MODEL;
			else
				start_moves_later(s);
		}
		/* not kept, or no load to judge it by: back to the kept shares */
		for (size_t i = 0; i < n; i++)
			p[i].next[d] = p[i].kept[d];
		if (s->stage == MP_TUNE_STAGE_MOVES && s->step >= ELEMENTSOF(tune_steps)) {
			s->phase = MP_TUNE_HOLD;
			s->base_cost = 0;	/* measured again under the kept shares */
			s->drifted = 0;
			s->ratios_held = false;
		} else {
			s->phase = MP_TUNE_BASE;
		}
		return true;
	case MP_TUNE_HOLD:
		if (!have)
			return false;
		if (s->base_cost <= 0 || !s->ratios_held) {
			if (s->base_cost <= 0)
				s->base_cost = cost;
			for (size_t i = 0; i < n; i++)
				p[i].held[d] = p[i].cost[d] / cost;
			s->ratios_held = true;
			return false;
		}
		if (cost > s->base_cost * (1 + drift) || cost * (1 + drift) < s->base_cost ||
		    ratio_moved(p, n, d, cost, 1 + 2 * drift)) {
			if (++s->drifted < TUNE_DRIFT_WINDOWS)
				return false;
			s->searches++;
			s->base_cost = cost;
			s->base_var = var;
			s->stage = MP_TUNE_STAGE_EQUAL;
			return search_on(cfg, s, p, n, d);
		}
		s->drifted = 0;
		/* follow slow change, so only a step counts as drift */
		s->base_cost = 0.75 * s->base_cost + 0.25 * cost;
		return false;
	case _MP_TUNE_PHASE_MAX:
		break;
	}
	return false;
}

/* Loaded and kept shares of paths that have none yet: an equal split. */
static void fill_defaults(struct mp_tune_path *p, size_t n)
{
	size_t n_usable = count_usable(p, n);

	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < _MP_DIR_MAX; d++) {
			unsigned int eq = MP_SHARE_SCALE / (unsigned int)(n_usable ? n_usable : 1);

			if (!p[i].loaded[d])
				p[i].loaded[d] = eq;
			if (!p[i].kept[d])
				p[i].kept[d] = p[i].loaded[d];
			p[i].next[d] = p[i].loaded[d];
		}
}

/* A new search from what is loaded now. */
static void restart(struct mp_tune_state *st, struct mp_tune_path *p, size_t n)
{
	for (int d = 0; d < _MP_DIR_MAX; d++) {
		const struct mp_tune_search *o = &st->search[d];

		st->search[d] = (struct mp_tune_search){
			.phase = MP_TUNE_BASE,
			.stage = MP_TUNE_STAGE_MODEL,
			.probes = o->probes,
			.kept_moves = o->kept_moves,
			.searches = o->searches + 1,
		};
	}
	for (size_t i = 0; i < n; i++)
		memcpy(p[i].kept, p[i].loaded, sizeof(p[i].kept));
}

int mp_policy_tune_step(const struct mp_tune_config *cfg, struct mp_tune_state *st,
			struct mp_tune_path *paths, size_t n, uint64_t now_ms, bool *ret_reload)
{
	bool reload = false, changed = false;
	int n_dirs;

	if (!cfg || !st || (n && !paths) || !ret_reload || cfg->floor == 0 ||
	    cfg->floor >= MP_SHARE_SCALE || cfg->margin == 0 || cfg->margin >= 100 ||
	    cfg->drift == 0 || cfg->window_ms == 0 || n > MP_SHARE_MAX_PATHS)
		return -EINVAL;
	*ret_reload = false;
	if (n == 0)
		return 0;
	fill_defaults(paths, n);
	for (size_t i = 0; i < n; i++)
		changed |= paths[i].usable != paths[i].was_usable;
	/* first step, a path failed or came back, or the clock went back: what
	 * the window holds was measured under other conditions, and what the
	 * search learnt was learnt on other paths */
	if (!st->window_start_ms || changed || now_ms + cfg->settle_ms < st->window_start_ms) {
		if (!st->window_start_ms || changed)
			restart(st, paths, n);
		clear_window(paths, n);
		clear_map_window(st);
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
	if (st->map_sample.valid) {
		for (int d = 0; d < _MP_DIR_MAX; d++) {
			st->map_acc_bytes[d] += st->map_sample.bytes[d];
			st->map_acc_ticks[d] += st->map_sample.ticks_ms[d];
		}
	} else {
		st->map_whole = false;
	}
	n_dirs = cfg->split ? _MP_DIR_MAX : 1;
	for (int d = 0; d < n_dirs; d++)
		add_sample_cost(cfg, st, paths, n, d);
	if (now_ms - st->window_start_ms < cfg->window_ms)
		return 0;
	for (int d = 0; d < n_dirs; d++)
		judge_dir(cfg, st, paths, n, d, window_var(st, d));
	st->decisions++;
	for (size_t i = 0; i < n; i++) {
		if (!cfg->split) {
			/* one share for both directions */
			paths[i].next[MP_DIR_WRITE] = paths[i].next[MP_DIR_READ];
			paths[i].kept[MP_DIR_WRITE] = paths[i].kept[MP_DIR_READ];
			paths[i].cost[MP_DIR_WRITE] = paths[i].cost[MP_DIR_READ];
		}
		for (int d = 0; d < _MP_DIR_MAX; d++)
			reload |= paths[i].next[d] != paths[i].loaded[d];
	}
	if (!cfg->split)
		st->search[MP_DIR_WRITE] = st->search[MP_DIR_READ];
	clear_window(paths, n);
	clear_map_window(st);
	st->window_start_ms = now_ms + (reload ? cfg->settle_ms : 0);
	st->reloads += reload;
	*ret_reload = reload;
	return 0;
}
