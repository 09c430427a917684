/* The path_latency prioritizer: a path's priority from how long its
 * checker commands take (the level formula is libmp's
 * mp_prio_path_latency: median, then a logarithm). Owns each path's
 * sample ring (struct mpd_path_latency).
 *
 * Why the checker's own commands and no extra I/O: they already go out on
 * every path at the polling interval, asynchronously, and a TEST UNIT
 * READY's round trip is the transport's latency without the media's. So
 * a path is measured without ever blocking the loop, and a fleet with
 * thousands of paths sends no additional command. The first level comes
 * from the first few samples; after that the ring slides, so the
 * priority follows a path that becomes slow (or recovers) within io_num
 * checks. */
#include <errno.h>
#include <stdlib.h>

#include "mp/prio.h"
#include "daemon.h"

/* Fewest samples a first level is computed from. */
#define LATENCY_MIN_SAMPLES 3

static int ensure_ring(struct mpd_path_latency *l, unsigned int cap)
{
	uint64_t *us;

	if (l->us && l->cap == cap)
		return 0;
	us = calloc(cap, sizeof(*us));
	if (!us)
		return -ENOMEM;
	free(l->us);
	l->us = us;
	l->cap = cap;
	l->n = l->next = 0;	/* a new io_num: measure afresh */
	return 0;
}

void mpd_latency_resolve(struct mpd *d, struct mpd_path *p)
{
	if (p->set.prio != MP_PRIO_PATH_LATENCY)
		return;
	if (mp_prio_latency_args_parse(p->set.prio_args, &p->lat.args) < 0) {
		mpd_log_path(&d->log, LOG_WARNING, p,
			     "path_latency: bad prio_args \"%s\"; using the defaults",
			     p->set.prio_args);
		mp_prio_latency_args_parse(NULL, &p->lat.args);	/* libmp's defaults */
	}
}

void mpd_latency_sample(struct mpd *d, struct mpd_path *p, uint64_t round_trip_us)
{
	struct mpd_path_latency *l = &p->lat;
	int prio;

	if (p->set.prio != MP_PRIO_PATH_LATENCY || !l->args.io_num ||
	    ensure_ring(l, l->args.io_num) < 0)
		return;
	l->us[l->next] = round_trip_us;
	l->next = (l->next + 1) % l->cap;
	if (l->n < l->cap)
		l->n++;
	if (l->n < LATENCY_MIN_SAMPLES && l->n < l->cap)
		return;
	/* the ring's order does not matter: libmp takes the median of a copy */
	if (mp_prio_path_latency_keep(l->us, l->n, l->args.base_num, l->prio, &prio) < 0 ||
	    prio == l->prio)
		return;
	mpd_log_path(&d->log, LOG_NOTICE, p, "path_latency: prio %d -> %d (%u samples, last %llu us)",
		     l->prio, prio, l->n, (unsigned long long)round_trip_us);
	l->prio = prio;
	if (p->map)
		mpd_map_schedule_reload(d, p->map);	/* regroups; a no-op if the table holds */
}

int mpd_latency_prio(const struct mpd_path *p)
{
	return p->lat.prio > 0 ? p->lat.prio : mp_prio_const();
}

void mpd_latency_release(struct mpd_path *p)
{
	free(p->lat.us);
	p->lat = (struct mpd_path_latency){ 0 };
}
