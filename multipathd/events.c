/* The event ring (see events.h). A fixed array of MPD_EVENTS_MAX slots used
 * as a circular buffer: seq n lives in slot n % MPD_EVENTS_MAX, so the
 * oldest kept event is next_seq - MPD_EVENTS_MAX. Strings are copied into
 * the slot; nothing is allocated after start. The ring belongs to the
 * daemon's context (d->events); loop thread only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>

#include <json-c/json.h>

#include "events.h"

struct event {
	uint64_t seq;
	int64_t ts_ms;		/* CLOCK_REALTIME */
	bool is_path;
	char dev[32];
	char dev_t[24];
	char map[MP_DM_NAME_LEN];
	char from[24];
	char to[24];
	char cause[16];
	char detail[128];
};

struct mpd_events {
	struct event ring[MPD_EVENTS_MAX];
	uint64_t next_seq;
	uint64_t n_check_failures, n_path_changes, n_map_events;
};

int mpd_events_new(struct mpd_events **ret)
{
	struct mpd_events *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return -ENOMEM;
	ev->next_seq = 1;
	*ret = ev;
	return 0;
}

void mpd_events_free(struct mpd_events *ev)
{
	free(ev);
}

static struct event *push(struct mpd_events *ev)
{
	struct event *e = &ev->ring[ev->next_seq % MPD_EVENTS_MAX];
	struct timespec ts;

	memset(e, 0, sizeof(*e));
	clock_gettime(CLOCK_REALTIME, &ts);
	e->seq = ev->next_seq++;
	e->ts_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return e;
}

static const char *cause_of(enum mp_path_event_kind kind)
{
	switch (kind) {
	case MP_PEV_CHECKER: return "checker";
	case MP_PEV_DM_FAILED: return "kernel";
	case MP_PEV_DM_SYNC: return "kernel";
	case MP_PEV_OPER_FAIL:
	case MP_PEV_OPER_REINSTATE: return "operator";
	default: return "daemon";
	}
}

void mpd_events_path(struct mpd_events *ev, const struct mpd_path *p, enum mp_path_state from,
		     enum mp_path_state to, enum mp_path_event_kind kind, const char *detail)
{
	mpd_events_path_note(ev, p, mp_path_state_to_string(from), mp_path_state_to_string(to),
			     cause_of(kind), detail);
}

void mpd_events_path_note(struct mpd_events *ev, const struct mpd_path *p, const char *from,
			  const char *to, const char *cause, const char *detail)
{
	struct event *e = push(ev);

	ev->n_path_changes++;
	e->is_path = true;
	snprintf(e->dev, sizeof(e->dev), "%s", p->mp.kname);
	snprintf(e->dev_t, sizeof(e->dev_t), "%u:%u", major(p->devt), minor(p->devt));
	snprintf(e->map, sizeof(e->map), "%s", p->map ? p->map->name : "");
	snprintf(e->from, sizeof(e->from), "%s", from);
	snprintf(e->to, sizeof(e->to), "%s", to);
	snprintf(e->cause, sizeof(e->cause), "%s", cause);
	snprintf(e->detail, sizeof(e->detail), "%s", detail ? detail : "");
}

void mpd_events_map(struct mpd_events *ev, const struct mpd_map *m, const char *from,
		    const char *to, const char *cause, const char *detail)
{
	struct event *e = push(ev);

	ev->n_map_events++;
	snprintf(e->map, sizeof(e->map), "%s", m->name);
	snprintf(e->from, sizeof(e->from), "%s", from);
	snprintf(e->to, sizeof(e->to), "%s", to);
	snprintf(e->cause, sizeof(e->cause), "%s", cause);
	snprintf(e->detail, sizeof(e->detail), "%s", detail ? detail : "");
}

void mpd_events_uevent(struct mpd_events *ev, const struct mpd_path *p, const char *action)
{
	bool add = !strcmp(action, "add");

	mpd_events_path_note(ev, p, add ? "absent" : mp_path_state_to_string(p->pol.state),
			     add ? "present" : "removed", "uevent", action);
}

void mpd_events_check(struct mpd_events *ev, const struct mpd_path *p,
		      enum mp_check_result verdict)
{
	(void)p;
	if (verdict != MP_CHECK_UP)
		ev->n_check_failures++;
}

static struct json_object *event_json(const struct event *e)
{
	struct json_object *o = json_object_new_object();
	char when[48], full[64];
	time_t t = (time_t)(e->ts_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(full, sizeof(full), "%s.%03d", when, (int)(e->ts_ms % 1000));
	json_object_object_add(o, "seq", json_object_new_int64((int64_t)e->seq));
	json_object_object_add(o, "time", json_object_new_string(full));
	json_object_object_add(o, "ts_ms", json_object_new_int64(e->ts_ms));
	json_object_object_add(o, "object", json_object_new_string(e->is_path ? "path" : "map"));
	json_object_object_add(o, "dev", e->is_path ? json_object_new_string(e->dev) : NULL);
	json_object_object_add(o, "dev_t", e->is_path ? json_object_new_string(e->dev_t) : NULL);
	json_object_object_add(o, "map", e->map[0] ? json_object_new_string(e->map) : NULL);
	json_object_object_add(o, "from", json_object_new_string(e->from));
	json_object_object_add(o, "to", json_object_new_string(e->to));
	json_object_object_add(o, "cause", json_object_new_string(e->cause));
	json_object_object_add(o, "detail", json_object_new_string(e->detail));
	return o;
}

struct json_object *mpd_events_json(const struct mpd_events *ev, uint64_t since, unsigned int last)
{
	uint64_t next_seq = ev->next_seq;
	uint64_t first = next_seq > MPD_EVENTS_MAX ? next_seq - MPD_EVENTS_MAX : 1;
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	uint64_t from = since > first ? since : first;

	if (last && next_seq - from > last)
		from = next_seq - last;
	for (uint64_t s = from; s < next_seq; s++)
		json_object_array_add(a, event_json(&ev->ring[s % MPD_EVENTS_MAX]));
	json_object_object_add(o, "first_seq", json_object_new_int64((int64_t)first));
	json_object_object_add(o, "next_seq", json_object_new_int64((int64_t)next_seq));
	json_object_object_add(o, "events", a);
	return o;
}

struct json_object *mpd_events_counters_json(const struct mpd_events *ev)
{
	uint64_t next_seq = ev->next_seq;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "check_failures", json_object_new_int64((int64_t)ev->n_check_failures));
	json_object_object_add(o, "path_state_changes", json_object_new_int64((int64_t)ev->n_path_changes));
	json_object_object_add(o, "map_events", json_object_new_int64((int64_t)ev->n_map_events));
	json_object_object_add(o, "events_dropped", json_object_new_int64((int64_t)
		(next_seq - 1 > MPD_EVENTS_MAX ? next_seq - 1 - MPD_EVENTS_MAX : 0)));
	return o;
}
