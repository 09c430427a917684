/* Path shares in the daemon: the per-path share words of a byte-share
 * table, or the relative_throughput words of a service-time one weighted
 * by shares (asked for, or byte-share's fallback), the periodic sampling
 * of each path's block-layer counters (/sys/block/sdX/stat: a read of a
 * few hundred bytes, cheap enough for the loop thread), the tuning and
 * slow-path policies
 * (libmp/core/policy-tune.c, policy-slow.c) over those samples, and the
 * share fields of `show paths` / `show topology`.
 *
 * Owns: the share state kept in each path record (p->share) and the
 * map's share_* fields. A new table goes through the ordinary reload
 * (mpd_map_schedule_reload), and only when a policy says it is worth it.
 *
 * Shares in a table, per path:
 *   configured   path_shares lookup, MP_SHARE_DEFAULT when no word matches;
 *   tuned        permille from the tuning policy once it has reloaded;
 *   demoted      a slow path gets MP_SHARE_DEMOTED (permille) and the
 *                others split the rest in proportion to their base; a
 *                probing one is back at its base share for its probe. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <json-c/json.h>

#include "daemon.h"
#include "events.h"

static bool selector_is(const char *sel, const char *name)
{
	size_t l = strlen(name);

	return sel && strncmp(sel, name, l) == 0 && (sel[l] == ' ' || !sel[l]);
}

/* The config asks for byte-share. */
static bool configured_byte_share(const struct mpd_map *m)
{
	return selector_is(m->set.path_selector, "byte-share");
}

bool mpd_shares_byte_share(const struct mpd_map *m)
{
	return configured_byte_share(m) && !m->share_fallback;
}

/* The table is service-time with each path's relative_throughput taken
 * from its share: byte-share asked for without the module, or shares,
 * tuning or slow-path demotion asked of a service-time map (the default
 * selector). Without any of those the table stays what it always was. */
static bool service_time_weighted(const struct mpd_map *m)
{
	if (m->share_fallback)
		return true;
	if (m->set.path_selector && !selector_is(m->set.path_selector, "service-time"))
		return false;
	return (m->set.path_shares && *m->set.path_shares) || m->set.share_tuning ||
	       m->set.slow_path_factor;
}

bool mpd_shares_active(const struct mpd_map *m)
{
	return mpd_shares_byte_share(m) || service_time_weighted(m);
}

/* dm-multipath loads dm-byte-share itself when a table names it: it is
 * usable when loaded, or when modprobe would find it (modules.dep, read
 * once: installed under updates/ or by DKMS). */
static bool byte_share_available(struct mpd *d)
{
	struct utsname u;
	char path[300], line[4096];
	FILE *f;

	if (access("/sys/module/dm_byte_share", F_OK) == 0)
		return true;
	if (d->byte_share_dep)
		return d->byte_share_dep > 0;
	d->byte_share_dep = -1;
	if (uname(&u) < 0 ||
	    snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release) >= (int)sizeof(path))
		return false;
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (mp_shares_moddep_lists(line, "dm-byte-share")) {
			d->byte_share_dep = 1;
			break;
		}
	fclose(f);
	return d->byte_share_dep > 0;
}

/* Drops the tuned shares and the search: the table goes back to
 * path_shares. */
static void forget_tuning(struct mpd *d, struct mpd_map *m, const char *why)
{
	mpd_log_map(&d->log, LOG_NOTICE, m, "share tuning ended (%s): back to path_shares", why);
	m->share_tuned = false;
	m->share_tune = (struct mp_tune_state){ 0 };
	m->share_map_have_last = false;
}

const char *mpd_shares_selector(struct mpd *d, struct mpd_map *m)
{
	bool fallback = configured_byte_share(m) && !byte_share_available(d);

	/* logged when it changes while byte-share is asked for: a config that
	 * moves to another selector ends the fallback without a word */
	if (fallback != m->share_fallback && configured_byte_share(m))
		mpd_log_map(&d->log, fallback ? LOG_WARNING : LOG_NOTICE, m, fallback ?
			    "byte-share selector not available (no dm-byte-share module): service-time, weighted by path_shares" :
			    "byte-share selector available again");
	m->share_fallback = fallback;
	/* a selector without weights (round-robin, queue-length) ends a
	 * search here, at table build: the share tick does not run for such
	 * a map, and a later move back would bring stale weights with it */
	if (m->share_tuned && !mpd_shares_active(m))
		forget_tuning(d, m, "the selector carries no shares");
	if (fallback)
		return "service-time 0";
	return m->set.path_selector ? m->set.path_selector : "service-time 0";
}

unsigned int mpd_shares_path_args(const struct mpd_map *m, const char *sel)
{
	/* "<repeat> <relative_throughput>" only where shares steer the map */
	return selector_is(sel, "service-time") && service_time_weighted(m) ? 2 : 1;
}

static void configured(const struct mpd_map *m, const struct mpd_path *p, struct mp_share *ret)
{
	if (mp_shares_lookup(m->set.path_shares, &p->mp, ret) < 0)
		ret->v[MP_DIR_READ] = ret->v[MP_DIR_WRITE] = MP_SHARE_DEFAULT;
}

/* The tuned shares were found on the selector the map has now: a byte
 * share and a weight of requests in flight are not the same split, so a
 * change of selector starts tuning again from path_shares. */
static bool tuned_here(const struct mpd_map *m)
{
	return m->share_tuned && m->share_tuned_bs == mpd_shares_byte_share(m);
}

/* Base shares of every path of m (configured, or tuned once the table
 * carries tuned shares) and the pinned permille of demoted paths (0 = not
 * pinned; a probing path is not), in m->model->paths order. */
static size_t base_shares(const struct mpd_map *m, struct mp_share *base, unsigned int *pinned)
{
	size_t n = m->model->n_paths < MP_SHARE_MAX_PATHS ? m->model->n_paths : MP_SHARE_MAX_PATHS;

	for (size_t i = 0; i < n; i++) {
		const struct mpd_path *p = (const struct mpd_path *)m->model->paths[i];

		configured(m, p, &base[i]);
		if (tuned_here(m) && p->share.tune.loaded[MP_DIR_READ] &&
		    p->share.tune.loaded[MP_DIR_WRITE]) {
			base[i].v[MP_DIR_READ] = p->share.tune.loaded[MP_DIR_READ];
			base[i].v[MP_DIR_WRITE] = p->share.tune.loaded[MP_DIR_WRITE];
		}
		pinned[i] = p->share.slow.demoted && !p->share.slow.probing ? MP_SHARE_DEMOTED : 0;
	}
	return n;
}

/* The shares the table carries for every path of m (base, with demoted
 * paths pinned and the others rescaled), in m->model->paths order: how
 * many, or -errno. */
static int effective_all(const struct mpd_map *m, struct mp_share *eff)
{
	/* zeroed: gcc 12 cannot see that base_shares fills the first n */
	struct mp_share base[MP_SHARE_MAX_PATHS] = { 0 };
	unsigned int pinned[MP_SHARE_MAX_PATHS] = { 0 };
	size_t n = base_shares(m, base, pinned);
	int r = mp_shares_effective(base, pinned, n, eff);

	return r < 0 ? r : (int)n;
}

static int effective(const struct mpd_map *m, const struct mpd_path *p, struct mp_share *ret)
{
	struct mp_share eff[MP_SHARE_MAX_PATHS];
	int n = effective_all(m, eff);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (m->model->paths[i] == &p->mp) {
			*ret = eff[i];
			return 0;
		}
	/* past MP_SHARE_MAX_PATHS: not judged, configured share */
	configured(m, p, ret);
	return 0;
}

/* service-time's weight for p: its effective share against the largest,
 * scaled to MP_SHARE_ST_MAX; beyond the paths the policies judge, the
 * largest. 0 or -errno. */
static int relative_throughput(const struct mpd_map *m, const struct mpd_path *p, unsigned int *ret)
{
	struct mp_share eff[MP_SHARE_MAX_PATHS];
	unsigned int rt[MP_SHARE_MAX_PATHS];
	int n = effective_all(m, eff), r;

	if (n < 0)
		return n;
	r = mp_shares_relative_throughput(eff, (size_t)n, rt);
	if (r < 0)
		return r;
	*ret = MP_SHARE_ST_MAX;
	for (int i = 0; i < n; i++)
		if (m->model->paths[i] == &p->mp)
			*ret = rt[i];
	return 0;
}

int mpd_shares_rt_word(const struct mpd_map *m, const struct mpd_path *p, char *buf, size_t len)
{
	unsigned int rt;
	int r = relative_throughput(m, p, &rt);

	if (r < 0)
		return r;
	return snprintf(buf, len, "%u", rt) < (int)len ? 0 : -ENOBUFS;
}

int mpd_shares_word(const struct mpd *d, const struct mpd_map *m, const struct mpd_path *p,
		    char *buf, size_t len)
{
	struct mp_share s;
	int r;

	(void)d;
	r = effective(m, p, &s);
	return r < 0 ? r : mp_share_format(&s, buf, len);
}

/* The kernel's mode from the last status: per-direction shares only count
 * when the patched dm-multipath passes the direction ("rw"). */
static int kernel_mode(const struct mpd_map *m, struct mp_dm_share_group *ret)
{
	if (!m->status || !m->status->n_groups)
		return -ENODATA;
	return mp_dmstatus_share_group(&m->status->groups[0], ret);
}

static bool path_usable(const struct mpd_path *p)
{
	return mp_path_is_usable(&p->mp) && p->mp.dm_state == MP_DM_PATH_ACTIVE;
}

/* Reads /sys/block/KNAME/stat: *ret is what the device did since *last
 * (valid only when there was one), and the read becomes *last. False when
 * it cannot be read; the last read is then forgotten. */
static bool sample_blkstat(const char *kname, struct mp_blkstat *last, bool *have_last,
			   struct mp_share_sample *ret)
{
	struct mp_blkstat cur;
	bool had = *have_last;

	*ret = (struct mp_share_sample){ .valid = false };
	*have_last = mp_sysfs_block_stat("/sys", kname, &cur) == 0;
	if (!*have_last)
		return false;
	if (had)
		mp_share_sample_delta(last, &cur, ret);
	*last = cur;
	return true;
}

/* Reads each path's counters; fills p->share.tune.sample and slow.sample. */
static void sample_paths(struct mpd *d, struct mpd_map *m, size_t n, uint64_t now)
{
	for (size_t i = 0; i < n; i++) {
		struct mpd_path *p = (struct mpd_path *)m->model->paths[i];
		struct mpd_path_share *s = &p->share;
		struct mp_share_sample smp;
		uint64_t lat;

		if (sample_blkstat(p->mp.kname, &s->last, &s->have_last, &smp)) {
			/* what the path carried, for show: the delta counts
			 * even when the path is not usable now */
			s->have_rate = smp.valid && now > s->last_ms;
			if (s->have_rate)
				s->bytes_per_s = (smp.bytes[MP_DIR_READ] + smp.bytes[MP_DIR_WRITE]) *
						 1000 / (now - s->last_ms);
			s->last_ms = now;
		} else {
			s->have_rate = false;
		}
		smp.valid = smp.valid && path_usable(p);
		s->tune.sample = smp;
		s->tune.usable = path_usable(p);
		s->slow.sample = smp;
		s->slow.up = p->mp.state == MP_PATH_UP;
		if (mp_share_sample_latency_us(&smp, -1, 1, &lat) == 0)
			s->latency_us = lat;
	}
}

/* Reads the map's own counters (dm-N: its request time includes waiting
 * for a path) into m->share_tune.map_sample. */
static void sample_map(struct mpd_map *m)
{
	char kname[32];

	snprintf(kname, sizeof(kname), "dm-%u", minor(m->devnum));
	if (m->in_kernel) {
		sample_blkstat(kname, &m->share_map_last, &m->share_map_have_last,
			       &m->share_tune.map_sample);
	} else {
		m->share_map_have_last = false;
		m->share_tune.map_sample = (struct mp_share_sample){ .valid = false };
	}
}

/* Configured shares as permille (the tuning's base and starting point). */
static void base_permille(const struct mpd_map *m, size_t n, unsigned int ret[][_MP_DIR_MAX])
{
	struct mp_share base[MP_SHARE_MAX_PATHS];
	uint64_t sum[_MP_DIR_MAX] = { 0, 0 };

	for (size_t i = 0; i < n; i++) {
		configured(m, (const struct mpd_path *)m->model->paths[i], &base[i]);
		for (int k = 0; k < _MP_DIR_MAX; k++)
			sum[k] += base[i].v[k];
	}
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < _MP_DIR_MAX; k++) {
			ret[i][k] = sum[k] ? (unsigned int)(base[i].v[k] * MP_SHARE_SCALE / sum[k]) : 0;
			if (!ret[i][k])
				ret[i][k] = 1;
		}
}

static void run_tuning(struct mpd *d, struct mpd_map *m, size_t n, bool rw, uint64_t now,
		       bool *reload)
{
	struct mp_tune_path tp[MP_SHARE_MAX_PATHS];
	unsigned int base[MP_SHARE_MAX_PATHS][_MP_DIR_MAX];
	struct mp_tune_config cfg;
	uint64_t iv = (uint64_t)(m->set.share_interval ? m->set.share_interval : 5) * 1000;
	char detail[256] = "";
	size_t off = 0;
	bool want = false;

	mp_tune_config_default(&cfg);
	cfg.split = rw;
	/* service-time sends each request where it waits least, which is
	 * where the model's guess (equal cost per byte) would lead: its
	 * search starts from that balance and keeps only moves that beat it */
	cfg.model_guess = mpd_shares_byte_share(m);
	/* drop the sample that straddles a reload; judge at least 3 samples */
	cfg.settle_ms = iv;
	if (cfg.window_ms < 3 * iv)
		cfg.window_ms = 3 * iv;
	base_permille(m, n, base);
	for (size_t i = 0; i < n; i++) {
		struct mp_tune_path *t = &((struct mpd_path *)m->model->paths[i])->share.tune;

		/* not tuned yet: start from the administrator's shares */
		if (!m->share_tuned) {
			memcpy(t->loaded, base[i], sizeof(t->loaded));
			memcpy(t->kept, base[i], sizeof(t->kept));
		}
		tp[i] = *t;
	}
	if (mp_policy_tune_step(&cfg, &m->share_tune, tp, n, now, &want) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct mpd_path *p = (struct mpd_path *)m->model->paths[i];
		char was[MP_SHARE_WORD_SIZE], next[MP_SHARE_WORD_SIZE];
		struct mp_share a = { { tp[i].loaded[0], tp[i].loaded[1] } };
		struct mp_share b = { { tp[i].next[0], tp[i].next[1] } };

		if (want) {
			/* the cost that drove it: ms of request time per MiB */
			if (mp_share_format(&a, was, sizeof(was)) == 0 &&
			    mp_share_format(&b, next, sizeof(next)) == 0 && off < sizeof(detail))
				off += (size_t)snprintf(detail + off, sizeof(detail) - off,
							"%s%s %s->%s (%.1f ms/MiB)", off ? ", " : "",
							p->mp.kname, was, next, tp[i].cost[0]);
			memcpy(tp[i].loaded, tp[i].next, sizeof(tp[i].loaded));
		}
		p->share.tune = tp[i];
	}
	if (!want)
		return;
	m->share_tuned = true;
	m->share_tuned_bs = mpd_shares_byte_share(m);
	*reload = true;
	/* probing: a trial the next window keeps or reverts */
	mpd_log_map(&d->log, LOG_NOTICE, m, "share tuning, %s: %s (permille)",
		    mp_tune_phase_to_string(m->share_tune.search[0].phase), detail);
	mpd_events_map(d->events, m, "shares", "tuned", "tuning", detail);
}

static void run_slow(struct mpd *d, struct mpd_map *m, size_t n, uint64_t now, bool *reload)
{
	struct mp_slow_path sp[MP_SHARE_MAX_PATHS];
	struct mp_slow_config cfg = {
		.factor = m->set.slow_path_factor,
		.window_ms = (uint64_t)m->set.slow_path_window * 1000,
		.min_latency_us = 2000,
		.min_ios = 8,
	};
	unsigned int changes = 0;

	uint64_t ref_before[MP_SHARE_MAX_PATHS];

	for (size_t i = 0; i < n; i++) {
		sp[i] = ((struct mpd_path *)m->model->paths[i])->share.slow;
		ref_before[i] = sp[i].ref_us;
	}
	if (mp_policy_slow_step(&cfg, sp, n, now, &changes) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct mpd_path *p = (struct mpd_path *)m->model->paths[i];
		char detail[200];

		p->share.slow = sp[i];
		if (sp[i].verdict == MP_SLOW_NONE)
			continue;
		/* a demotion is judged on smoothed samples, the later verdicts
		 * on a window's totals: say which */
		snprintf(detail, sizeof(detail),
			 "%.1f ms per I/O vs %.1f ms on its siblings%s, healthy reference %.1f ms, own baseline %.1f ms (factor %u, window %u s)",
			 (sp[i].win_latency_us ? sp[i].win_latency_us : sp[i].latency_us) / 1000.0,
			 (sp[i].win_latency_us ? sp[i].win_sibling_us : sp[i].sibling_us) / 1000.0,
			 sp[i].win_latency_us ? " over the window" : "",
			 /* a re-admission clears the reference it was judged by */
			 (sp[i].verdict == MP_SLOW_READMIT ? ref_before[i] : sp[i].ref_us) / 1000.0,
			 sp[i].base_n >= MP_SLOW_BASE_MIN_SAMPLES ? sp[i].base_us / 1000.0 : 0.0,
			 cfg.factor, m->set.slow_path_window);
		switch (sp[i].verdict) {
		case MP_SLOW_DEMOTE:
			mpd_log_path(&d->log, LOG_WARNING, p, "slow path demoted to the floor share: %s", detail);
			mpd_events_path_note(d->events, p, "in-service", "demoted", "slow-path", detail);
			break;
		case MP_SLOW_PROBE:
			mpd_log_path(&d->log, LOG_NOTICE, p, "slow path probed at its full share: %s", detail);
			mpd_events_path_note(d->events, p, "demoted", "probing", "slow-path", detail);
			break;
		case MP_SLOW_PROBE_FAIL:
			mpd_log_path(&d->log, LOG_NOTICE, p, "slow path failed its probe, back to the floor: %s",
				     detail);
			mpd_events_path_note(d->events, p, "probing", "demoted", "slow-path", detail);
			break;
		default:
			mpd_log_path(&d->log, LOG_NOTICE, p, "slow path re-admitted: %s", detail);
			/* switched off (factor 0) gives back demoted paths too */
			mpd_events_path_note(d->events, p, cfg.factor ? "probing" : "demoted", "in-service",
					     "slow-path", detail);
			break;
		}
	}
	if (changes)
		*reload = true;
}

void mpd_shares_tick(struct mpd *d, struct mpd_map *m, uint64_t now)
{
	struct mp_dm_share_group mode = { .rw = false };
	bool reload = false, any_demoted = false;
	size_t n;

	if (!mpd_shares_active(m) || now < m->share_next_ms || m->removing)
		return;
	m->share_next_ms = now + (uint64_t)(m->set.share_interval ? m->set.share_interval : 5) * 1000;
	/* bytes per path for show: a status read per interval */
	if (m->in_kernel && !m->op_in_flight)
		mpd_map_refresh(d, m);
	n = m->model->n_paths < MP_SHARE_MAX_PATHS ? m->model->n_paths : MP_SHARE_MAX_PATHS;
	if (n == 0)
		return;
	kernel_mode(m, &mode);
	sample_paths(d, m, n, now);
	for (size_t i = 0; i < n; i++)
		any_demoted |= ((struct mpd_path *)m->model->paths[i])->share.slow.demoted;
	if (m->share_tuned && (!m->set.share_tuning || !tuned_here(m))) {
		/* switched off by a reconfigure, or the selector changed under
		 * it (a new search) */
		forget_tuning(d, m, m->set.share_tuning ? "the selector changed; a new search starts" :
				    "switched off");
		reload = true;
	}
	if (m->set.share_tuning) {
		sample_map(m);
		/* not on the tick that read the map's counters for the first
		 * time: the window would lack them for this period and be
		 * judged on the paths' sum (the guest's first window was) */
		if (m->share_tune.map_sample.valid || !m->share_map_have_last)
			run_tuning(d, m, n, mode.rw, now, &reload);
	}
	if (m->set.slow_path_factor || any_demoted)
		run_slow(d, m, n, now, &reload);
	if (!reload)
		return;
	m->share_reloads++;
	mpd_map_schedule_reload(d, m);
}

/* ---- show ------------------------------------------------------------------- */

void mpd_shares_path_json(const struct mpd_path *p, struct json_object *o)
{
	const struct mpd_map *m = p->map;
	struct mp_dm_share_bytes b;
	struct mp_share s;
	char word[MP_SHARE_WORD_SIZE], dev[32];
	unsigned int g;
	const struct mp_dmstatus_path *sp;

	if (!m || !mpd_shares_active(m))
		return;
	if (effective(m, p, &s) == 0 && mp_share_format(&s, word, sizeof(word)) == 0)
		json_object_object_add(o, "share", json_object_new_string(word));
	configured(m, p, &s);
	if (mp_share_format(&s, word, sizeof(word)) == 0)
		json_object_object_add(o, "share_configured", json_object_new_string(word));
	if (!mpd_shares_byte_share(m)) {
		unsigned int rt;

		/* the weight service-time's table carries for the share */
		json_object_object_add(o, "relative_throughput", relative_throughput(m, p, &rt) == 0 ?
				       json_object_new_int((int)rt) : NULL);
	}
	json_object_object_add(o, "share_demoted", json_object_new_boolean(p->share.slow.demoted));
	json_object_object_add(o, "share_probing", json_object_new_boolean(p->share.slow.probing));
	json_object_object_add(o, "latency_us", p->share.latency_us ?
			       json_object_new_int64((int64_t)p->share.latency_us) : NULL);
	/* what the path carried over the last sample period */
	json_object_object_add(o, "bytes_per_s", p->share.have_rate ?
			       json_object_new_int64((int64_t)p->share.bytes_per_s) : NULL);
	/* what tuning judged in its last window: request time per MiB */
	json_object_object_add(o, "cost_ms_per_mib", p->share.tune.cost[MP_DIR_READ] > 0 ?
			       json_object_new_double(p->share.tune.cost[MP_DIR_READ]) : NULL);
	snprintf(dev, sizeof(dev), "%u:%u", p->mp.major, p->mp.minor);
	if (!m->status || mp_dmstatus_find_group(m->status, dev, &g) < 0 ||
	    mp_dmstatus_find_path(m->status, dev, &sp) < 0 ||
	    mp_dmstatus_share_bytes(&m->status->groups[g], sp, &b) < 0)
		return;
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)b.total));
	if (b.rw) {
		json_object_object_add(o, "bytes_read", json_object_new_int64((int64_t)b.read));
		json_object_object_add(o, "bytes_written", json_object_new_int64((int64_t)b.write));
	}
}

void mpd_shares_map_json(const struct mpd_map *m, struct json_object *o)
{
	struct json_object *bs;
	struct mp_dm_share_group mode;
	bool byte_share = mpd_shares_byte_share(m), known;
	const char *mode_word;

	if (!mpd_shares_active(m))
		return;
	bs = json_object_new_object();
	json_object_object_add(bs, "selector", json_object_new_string(byte_share ? "byte-share" :
									   "service-time"));
	known = byte_share && kernel_mode(m, &mode) == 0;
	/* rw: the patched dm-multipath passes the I/O direction, so read and
	 * write shares apply separately; single: one share per path;
	 * weighted: service-time with shares as relative_throughput;
	 * service-time-fallback: the same, because byte-share was asked for
	 * without dm-byte-share; null: byte-share before the first status */
	if (!byte_share)
		mode_word = m->share_fallback ? "service-time-fallback" : "weighted";
	else
		mode_word = known ? (mode.rw ? "rw" : "single") : NULL;
	json_object_object_add(bs, "mode", mode_word ? json_object_new_string(mode_word) : NULL);
	json_object_object_add(bs, "per_direction", known ? json_object_new_boolean(mode.rw) : NULL);
	json_object_object_add(bs, "window_ms", known ? json_object_new_int((int)mode.window_ms) : NULL);
	json_object_object_add(bs, "path_shares", json_object_new_string(m->set.path_shares ? m->set.path_shares : ""));
	json_object_object_add(bs, "tuning", json_object_new_boolean(m->set.share_tuning));
	json_object_object_add(bs, "tuned", json_object_new_boolean(tuned_here(m)));
	json_object_object_add(bs, "slow_path_factor", json_object_new_int((int)m->set.slow_path_factor));
	json_object_object_add(bs, "share_reloads", json_object_new_int64((int64_t)m->share_reloads));
	json_object_object_add(bs, "tuning_windows", json_object_new_int64((int64_t)m->share_tune.decisions));
	json_object_object_add(bs, "tuning_reloads", json_object_new_int64((int64_t)m->share_tune.reloads));
	/* where the search is: measuring, probing a move, or holding */
	json_object_object_add(bs, "tuning_state", m->set.share_tuning ?
			       json_object_new_string(mp_tune_phase_to_string(m->share_tune.search[0].phase)) :
			       NULL);
	json_object_object_add(bs, "tuning_probes", json_object_new_int64((int64_t)m->share_tune.search[0].probes));
	json_object_object_add(bs, "tuning_moves_kept", json_object_new_int64((int64_t)m->share_tune.search[0].kept_moves));
	/* what the last judgement measured: the map's own device (request
	 * time from the request's making) or the paths' sum */
	json_object_object_add(bs, "tuning_cost_source", m->set.share_tuning && m->share_tune.decisions ?
			       json_object_new_string(m->share_tune.judged_on_map ? "map" : "paths") : NULL);
	json_object_object_add(o, "byte_share", bs);
}
