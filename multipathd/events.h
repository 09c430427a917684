/* The event ring: the last MPD_EVENTS_MAX path and map state changes, each
 * with a sequence number, wall-clock time and cause, for `show events`
 * (mpctl events, watch, status). Loop thread only. Also the counters the
 * metrics need that the rest of the daemon does not keep. */
#ifndef MPD_EVENTS_H
#define MPD_EVENTS_H

#include <stdint.h>

#include "daemon.h"

#define MPD_EVENTS_MAX 1024

struct mpd_events;	/* owned by struct mpd (d->events) */

int mpd_events_new(struct mpd_events **ret);
void mpd_events_free(struct mpd_events *ev);

/* A path's checker state changed; kind says why. */
void mpd_events_path(struct mpd_events *ev, const struct mpd_path *p, enum mp_path_state from, enum mp_path_state to,
		     enum mp_path_event_kind kind, const char *detail);
/* Something happened to a map (from/to are short words: "queueing on"...). */
void mpd_events_map(struct mpd_events *ev, const struct mpd_map *m, const char *from, const char *to, const char *cause,
		    const char *detail);
/* Something happened to a path that is not a checker state change (a
 * slow path demoted or re-admitted); from/to are short words. */
void mpd_events_path_note(struct mpd_events *ev, const struct mpd_path *p, const char *from,
			  const char *to, const char *cause, const char *detail);
/* The kernel announced a path device (action "add" of a path the daemon did
 * not know, or "remove"); recorded with cause "uevent". */
void mpd_events_uevent(struct mpd_events *ev, const struct mpd_path *p, const char *action);
/* One check finished with this verdict. */
void mpd_events_check(struct mpd_events *ev, const struct mpd_path *p, enum mp_check_result verdict);

struct json_object;
/* {"first_seq","next_seq","events":[...]}: events with seq >= since, or the
 * last `last` ones (last 0: all kept). */
struct json_object *mpd_events_json(const struct mpd_events *ev, uint64_t since, unsigned int last);
/* {"check_failures","path_state_changes","map_events","events_dropped"} */
struct json_object *mpd_events_counters_json(const struct mpd_events *ev);

#endif
