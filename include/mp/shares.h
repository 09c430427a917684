/* Byte-share selector support (kernel/dm-byte-share): per-path shares as
 * dm words, the administrator's path_shares spec, block-layer stat samples,
 * and two pure policies over those samples:
 *   tune  the map's measured cost (request time per byte) -> a search for
 *         the shares that make it least, one reload-tested move at a
 *         time, then hold until the cost drifts (policy-tune.c);
 *   slow  a path whose latency stays far above its siblings' while its
 *         checker says up ("gray failure") -> demoted to the floor share,
 *         probed at a small share once it behaves, re-admitted once it
 *         behaves there too (policy-slow.c).
 * No I/O, no clock: the daemon passes samples and the time in.
 * docs/design-policy.md describes both policies. */
#ifndef MP_SHARES_H
#define MP_SHARES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp/path.h"

/* The selector's bounds (dm-byte-share.c): a share is 1..100000. */
#define MP_SHARE_MIN		1u
#define MP_SHARE_MAX		100000u
/* A path no path_shares word names. */
#define MP_SHARE_DEFAULT	100u
/* Tuned and demoted shares are permille of a map's usable paths. */
#define MP_SHARE_SCALE		1000u
/* A demoted slow path's share (permille): enough requests for its
 * latency to stay measurable, too few to hold the map back. */
#define MP_SHARE_DEMOTED	50u
/* The policies judge at most this many paths of one map. */
#define MP_SHARE_MAX_PATHS	64u

enum { MP_DIR_READ, MP_DIR_WRITE, _MP_DIR_MAX };

/* One path's share: the table word is "<read>" when both are equal, else
 * "<read>/<write>" (stock dm-multipath then uses read + write). */
struct mp_share {
	unsigned int v[_MP_DIR_MAX];
};

/* ---- dm words (dmword.c) ------------------------------------------------- */

#define MP_SHARE_WORD_SIZE 16u
/* Writes the table word; -EINVAL for a share out of range, -ENOBUFS. */
int mp_share_format(const struct mp_share *s, char *buf, size_t len);
/* "70" or "80/20"; strict decimal within MP_SHARE_MIN..MP_SHARE_MAX. */
int mp_share_parse(const char *word, struct mp_share *ret);

/* ---- the path_shares spec (shares.c) -------------------------------------- */

/* path_shares is a list of KEY=SHARE words, e.g.
 *   "3:0:0:*=70 4:0:0:*=30"      by SCSI address (host = HBA or iSCSI session)
 *   "sdb=70 sdc=30"              by kernel name
 * KEY is a glob ('*' any run, '?' one character) matched against the
 * path's H:C:T:L, then its kernel name, then its target node name (FC WWNN
 * or iSCSI IQN); the first matching word wins. 0 or -EINVAL with why. */
int mp_shares_spec_validate(const char *spec, char *why, size_t whylen);
/* The share the spec gives p: 0, or -ENOENT when no word matches (the
 * caller then uses MP_SHARE_DEFAULT). spec may be NULL or "". */
int mp_shares_lookup(const char *spec, const struct mp_path *p, struct mp_share *ret);
/* '*' and '?' glob over whole strings (no classes, no escapes). */
bool mp_shares_glob(const char *pat, const char *s);

/* Effective shares for a table: base shares (configured or tuned, any
 * scale) of n paths, some pinned (a demoted path at the floor, a probing
 * one at the probe share: pinned[i] permille, 0 = not pinned). The other
 * paths split MP_SHARE_SCALE minus the pinned permille in proportion to
 * their base. With no path pinned the base shares are returned unchanged
 * (an administrator's 70/30 stays 70/30 in the table). 0 or -EINVAL (a
 * pin out of 1..MP_SHARE_SCALE-1, pins that leave the others nothing). */
int mp_shares_effective(const struct mp_share *base, const unsigned int *pinned, size_t n,
			struct mp_share *ret);

/* service-time's per-path relative_throughput (0..100, dm-ps-service-time.c)
 * from n paths' shares: each path's read + write share scaled so that the
 * largest is 100, at least 1 (0 would keep a path out while any other is
 * usable). Where byte-share is not available, this is how path_shares still
 * weights the paths. 0 or -EINVAL. */
#define MP_SHARE_ST_MAX 100u
int mp_shares_relative_throughput(const struct mp_share *s, size_t n, unsigned int *ret);

/* Whether one line of the kernel's modules.dep ("updates/dkms/dm-byte-share.ko:
 * kernel/drivers/md/dm-multipath.ko") lists the module file name (e.g.
 * "dm-byte-share"): the path before the ':' ends in name.ko or
 * name.ko.<compression>, name at the start or after a '/'. A module named
 * only as a dependency does not count. The daemon asks it to learn whether
 * dm-multipath could autoload byte-share, before it names it in a table. */
bool mp_shares_moddep_lists(const char *line, const char *name);

/* ---- block-layer statistics (shares.c) ------------------------------------ */

/* /sys/block/sdX/stat, the fields we use (Documentation/block/stat.rst). */
struct mp_blkstat {
	uint64_t ios[_MP_DIR_MAX];		/* completed requests */
	uint64_t sectors[_MP_DIR_MAX];		/* 512-byte sectors */
	uint64_t ticks_ms[_MP_DIR_MAX];		/* summed request time */
	uint64_t in_flight;
	uint64_t io_ticks_ms;			/* time the device was busy */
};

/* 0 or -EINVAL (fewer than 11 numbers). */
int mp_blkstat_parse(const char *text, struct mp_blkstat *ret);

/* What a path did between two stats (counters that went backwards, a
 * replugged device, count as nothing). */
struct mp_share_sample {
	bool valid;		/* the path was sampled twice and is usable */
	uint64_t ios[_MP_DIR_MAX];
	uint64_t bytes[_MP_DIR_MAX];
	uint64_t ticks_ms[_MP_DIR_MAX];
};

void mp_share_sample_delta(const struct mp_blkstat *prev, const struct mp_blkstat *cur,
			   struct mp_share_sample *ret);
/* Mean latency in microseconds per request over both directions (or one
 * direction: dir MP_DIR_READ/WRITE); -ENODATA below min_ios requests. */
int mp_share_sample_latency_us(const struct mp_share_sample *s, int dir, unsigned int min_ios,
			       uint64_t *ret);

/* ---- tuning (policy-tune.c) ------------------------------------------------ */

struct mp_tune_config {
	unsigned int floor;		/* permille a usable path never goes under */
	unsigned int deadband;		/* permille: a move must change some share this much */
	unsigned int margin;		/* percent: a move is kept when the map's cost fell this
					 * much, and by 2.5 standard errors of the difference */
	unsigned int drift;		/* percent: a held cost moving this far starts a new search */
	unsigned int min_ios;		/* per usable path over a window for a judgement */
	uint64_t window_ms;		/* measure this long before deciding */
	uint64_t settle_ms;		/* after a reload, ignore this long (queues refill) */
	bool split;			/* separate read and write shares (rw mode) */
	bool model_guess;		/* start a search with the model's guess; off for a
					 * selector that balances each request itself
					 * (service-time), where equal cost per byte is
					 * what it already steers to */
};

/* Defaults: floor 10 (1 %), dead band 5, margin 5 %, drift 30 %, 64 I/Os
 * a path, window 10 s, settle 4 s (the daemon scales window and settle to
 * share_interval), the model's guess on. */
void mp_tune_config_default(struct mp_tune_config *ret);

enum mp_tune_phase {
	MP_TUNE_BASE,		/* the kept shares are loaded; the window measures them */
	MP_TUNE_PROBE,		/* one move is loaded; the window judges it */
	MP_TUNE_HOLD,		/* no move paid at the finest step; watching the cost */
	_MP_TUNE_PHASE_MAX,
};

const char *mp_tune_phase_to_string(enum mp_tune_phase v);

/* What a search is trying: after drift an equal split, then the model's
 * guess (costs met), then moves of one share at a time. */
enum mp_tune_stage {
	MP_TUNE_STAGE_MODEL,
	MP_TUNE_STAGE_EQUAL,
	MP_TUNE_STAGE_MOVES,
};

/* The search of one direction (policy-tune.c describes it). */
struct mp_tune_search {
	enum mp_tune_phase phase;
	enum mp_tune_stage stage;
	bool hint_pending;		/* MOVES: pick the first move at the next BASE */
	double base_cost;		/* map's ms per MiB under the kept shares; 0 unknown */
	unsigned int step;		/* index of the move's factor (x4, x2, x1.41) */
	unsigned int move;		/* move to try next: path move % n, up below n, down above */
	unsigned int last_kept;		/* the last move that paid */
	unsigned int failed;		/* moves that did not pay at this step */
	unsigned int drifted;		/* held windows in a row off base_cost */
	unsigned int probes;		/* moves judged, this search and before */
	unsigned int kept_moves;	/* moves that paid */
	unsigned int searches;		/* searches started (paths changed, drift) */
	double base_var;		/* variance of base_cost, from its window's samples */
	bool ratios_held;		/* HOLD: each path's held ratio is recorded */
};

/* Per map, kept by the caller across steps (zero-initialised). */
struct mp_tune_state {
	/* in: what the map's own device did over the last sample period (its
	 * dm device's stat; valid false when the caller has none). Its
	 * request time starts when the request is made, so it also holds the
	 * time spent waiting above the paths (a request the selector sent to
	 * a path that could not take it waits for the map's queue to run
	 * again), which the paths' own stats never see */
	struct mp_share_sample map_sample;
	/* state */
	uint64_t window_start_ms;	/* samples before this are ignored; 0: not started */
	uint64_t map_acc_bytes[_MP_DIR_MAX], map_acc_ticks[_MP_DIR_MAX];
	bool map_whole;			/* every sample of this window had map_sample */
	bool judged_on_map;		/* the last judgement used the map's own counters */
	unsigned int reloads;		/* reloads this policy asked for */
	unsigned int decisions;		/* windows judged (with or without a reload) */
	struct mp_tune_search search[_MP_DIR_MAX];	/* one search when !split: [READ] */
	/* this window's per-sample map costs: their spread says how much of
	 * a difference between two windows is noise */
	double win_sum[_MP_DIR_MAX], win_sumsq[_MP_DIR_MAX];
	unsigned int win_n[_MP_DIR_MAX];
};

/* Per path, kept by the caller across steps. */
struct mp_tune_path {
	/* in */
	bool usable;			/* checker up, kernel active */
	struct mp_share_sample sample;
	/* state */
	bool was_usable;		/* usable when the window started */
	uint64_t acc_ios[_MP_DIR_MAX];	/* this window so far */
	uint64_t acc_bytes[_MP_DIR_MAX];
	uint64_t acc_ticks[_MP_DIR_MAX];
	double cost[_MP_DIR_MAX];	/* last judged window: ms of request time per MiB, 0 unknown */
	unsigned int loaded[_MP_DIR_MAX];	/* permille in the table now; 0: equal split */
	unsigned int kept[_MP_DIR_MAX];	/* permille the search holds (loaded unless probing) */
	double held[_MP_DIR_MAX];	/* HOLD: its cost over the map's when the search ended */
	/* out */
	unsigned int next[_MP_DIR_MAX];	/* permille to load when *ret_reload */
};

/* One step at now_ms over a map's paths (call once per sample period).
 * Accumulates the samples over a window (restarted by a reload, after a
 * settle time, and when the set of usable paths changes); at the end of a
 * window judges the map's cost (request time per byte over all its usable
 * paths): a search loads one probe at a time (the model's guess, then one
 * share's move), keeps a move when the cost fell by the margin and the
 * noise (the guess unless it rose as much), reverts it otherwise, and
 * holds once no move pays at the finest step, until the cost drifts
 * (policy-tune.c).
 * *ret_reload when next differs from loaded; the caller then loads next
 * and copies it to loaded. At most one reload per settle + window. Holds
 * while fewer than two usable paths carry I/O. 0 or -EINVAL. */
int mp_policy_tune_step(const struct mp_tune_config *cfg, struct mp_tune_state *st,
			struct mp_tune_path *paths, size_t n, uint64_t now_ms, bool *ret_reload);

/* ---- slow paths, "gray failure" (policy-slow.c) ----------------------------- */

struct mp_slow_config {
	unsigned int factor;		/* slow: latency > factor x siblings'; 0 = off */
	uint64_t window_ms;		/* how long it must stay slow (or good) */
	uint64_t min_latency_us;	/* never slow below this (noise at tiny latencies) */
	unsigned int min_ios;		/* requests per sample to judge at all */
};

enum mp_slow_verdict {
	MP_SLOW_NONE,		/* nothing changed */
	MP_SLOW_DEMOTE,		/* in service -> demoted: cut its share to the floor */
	MP_SLOW_PROBE,		/* demoted -> probing: give it its full share for a window */
	MP_SLOW_PROBE_FAIL,	/* probing -> demoted: back to the floor */
	MP_SLOW_READMIT,	/* probing -> in service: give it its share back */
};

/* healthy samples before a path's own baseline counts */
#define MP_SLOW_BASE_MIN_SAMPLES 3

struct mp_slow_path {
	/* in */
	bool up;			/* the checker says up */
	struct mp_share_sample sample;
	/* state */
	bool demoted;			/* at the floor, or probing when probing is set */
	bool probing;			/* demoted, on probation at its full share */
	uint64_t bad_since_ms;		/* MP_POLICY_NEVER-free: 0 = not slow now */
	uint64_t good_since_ms;		/* at the floor: 0 = not good now */
	/* while probing: the probe window so far (its totals decide) */
	uint64_t win_start_ms;		/* 0 = none open */
	uint64_t win_ios, win_ticks_ms;	/* the path's own requests and request time */
	uint64_t win_sib_sum_us;	/* the siblings' median, summed per sample */
	unsigned int win_n;		/* samples in it */
	uint64_t ref_us;		/* healthy reference while demoted (see below) */
	uint64_t base_us;		/* own healthy baseline (in service, not slow), 0 none */
	unsigned int base_n;		/* samples in base_us (capped), counts from
					 * MP_SLOW_BASE_MIN_SAMPLES */
	double ew_ios, ew_ticks_ms;	/* samples smoothed (each new one weighs half) */
	uint64_t readmit_ms;		/* when it was last re-admitted, 0 never */
	unsigned int penalty;		/* re-admission window multiplier, 1..8 (0 = 1) */
	/* out */
	enum mp_slow_verdict verdict;
	uint64_t latency_us;		/* this sample, 0 unknown */
	uint64_t sibling_us;		/* median of the other up paths, 0 unknown */
	uint64_t win_latency_us;	/* a window judged at this step: its figures, */
	uint64_t win_sibling_us;	/* else 0 */
};

/* One step at now. A path is slow when its latency exceeds factor times
 * the median of its up, in-service siblings' (never a demoted path's
 * trickle) and min_latency_us; it is
 * demoted once slow for window_ms, unless that would leave no up path in
 * service. Re-admission is staged:
 *   demoted (floor share) --good for window x penalty--> probing
 *   probing (full share) --a window's totals good------> in service
 *   probing --a window's totals not good---------------> demoted, penalty x2
 * (the probe is judged once, on its window's requests and request time
 * summed against the siblings' unsmoothed median averaged over its
 * samples).
 * "Good" is at or below the midpoint ((factor + 1) / 2) of a healthy
 * reference at the floor, never of the siblings as they are while they
 * carry the demoted path's load; while probing, at its full share, of
 * the siblings' median now (judged as at the demotion, side by side
 * under the same load, so a slowdown of the whole host or array does
 * not keep a healed path out). ref_us is set at the demotion to the lower of the
 * path's own healthy baseline (base_us: its latency while in service and
 * not slow, following drops at once and rises an eighth of the way per
 * sample, so a low percentile of its recent healthy samples) and the
 * siblings' median at the demotion; lowered while demoted when the
 * siblings get faster, never raised. A path slow from its first samples
 * has no baseline (fewer than 3 healthy samples): its in-service
 * siblings' baselines stand in (what a healthy path of this map took
 * before the demotion moved load), else the siblings at the demotion
 * alone. Why not the siblings alone: at the demotion they may be loaded
 * (guest 20:29 UTC: the delayed path at the floor took 27.6 ms per I/O
 * against a 24.3 ms sibling at 950 permille, and was re-admitted).
 * A failed probe doubles the next wait (up to 8x), as does a demotion
 * within 4 windows of a re-admission; 4 windows in service clear it.
 * Demotion and the floor stage judge latencies smoothed (requests and
 * request time of each new sample weigh half, the older ones the rest), so
 * one odd sample, or one with a handful of requests, moves little; the
 * probe judges its window's totals (a healed path 1.2x its sibling over
 * 10 s was over 1.5x in single 2 s samples at host load 12, guest 02:22
 * UTC, and failed every probe). A probe window with fewer than min_ios
 * requests is extended, not judged.
 * *ret_changes counts verdicts other than NONE. 0 or -EINVAL. */
int mp_policy_slow_step(const struct mp_slow_config *cfg, struct mp_slow_path *paths, size_t n,
			uint64_t now_ms, unsigned int *ret_changes);
const char *mp_slow_verdict_to_string(enum mp_slow_verdict v);

#endif
