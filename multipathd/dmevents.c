/* Device-mapper events: the armed /dev/mapper/control fd (mp/dm.h's
 * mp_dm_events_*, no libdevmapper, never blocks) sits in the epoll set. On
 * each wakeup the loop re-arms, then lists every map's event_nr and diffs
 * it with the last list; a changed map of ours gets a STATUS job on a
 * worker, and its result is applied here: a path the kernel failed on an
 * I/O error becomes a DM_FAILED event for the path policy and is checked
 * at once, so a dead path is noticed without waiting for its next check.
 *
 * Owns: d->dm_event_fd and d->dm_known (the last scan). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "daemon.h"

static bool ours(const char *uuid)
{
	return strncmp(uuid, MP_DM_UUID_PREFIX, strlen(MP_DM_UUID_PREFIX)) == 0;
}

static void on_dm_event(struct mpd *d, int fd, uint32_t events, uint64_t id)
{
	struct mp_dm_event_change *changes = NULL;
	struct mp_dm_event_map *now = NULL;
	size_t n_now = 0;
	int n;

	mp_dm_events_arm(fd);
	n = mp_dm_events_changed(fd, d->dm_known, d->n_dm_known, &changes, &now, &n_now);
	if (n < 0) {
		mpd_log(&d->log, LOG_ERR, "dm events: cannot list maps: %s", strerror(-n));
		return;
	}
	free(d->dm_known);
	d->dm_known = now;
	d->n_dm_known = n_now;
	for (int i = 0; i < n; i++) {
		const struct mp_dm_event_change *c = &changes[i];
		struct mpd_map *m;

		if (!ours(c->map.uuid))
			continue;
		m = mpd_map_find_uuid(d, c->map.uuid);
		if (!m)
			continue;
		if (c->kind == MP_DM_EVENT_REMOVED) {
			if (m->op_in_flight)
				continue;	/* ours: the job's result handles it */
			mpd_log_map(&d->log, LOG_WARNING, m,
				    "removed outside the daemon; its paths are no longer managed");
			for (size_t p = 0; p < d->n_paths; p++)
				if (d->paths[p]->map == m)
					snprintf(d->paths[p]->why_not, sizeof(d->paths[p]->why_not),
						 "map %.64s removed outside the daemon", m->name);
			mpd_map_delete(d, m);
			continue;
		}
		mpd_log_map(&d->log, LOG_DEBUG, m, "dm event %u -> %u", c->old_event_nr, c->map.event_nr);
		mpd_map_refresh(d, m);
	}
	free(changes);
}

/* Brings the path policies in line with the kernel's A/F in m->status. */
static void apply_status(struct mpd *d, struct mpd_map *m)
{
	for (size_t i = 0; i < d->n_paths; i++) {
		struct mpd_path *p = d->paths[i];
		const struct mp_dmstatus_path *sp;
		char dev[32];

		if (p->map != m)
			continue;
		if (mp_dmstatus_find_path(m->status, mpd_path_devstr(p, dev, sizeof(dev)), &sp) < 0)
			continue;	/* not in the live table yet */
		if (sp->state == p->mp.dm_state)
			continue;
		if (sp->state == MP_DM_PATH_FAILED) {
			mpd_log_path(&d->log, LOG_WARNING, p, "%s: failed by the kernel (fail count %u)",
				     m->name, sp->fail_count);
			p->mp.dm_state = MP_DM_PATH_FAILED;
			mpd_checker_path_event(d, p, MP_PEV_DM_FAILED, MP_DM_PATH_FAILED);
			mpd_checker_check_now(d, p);
		} else {
			p->mp.dm_state = sp->state;
			mpd_checker_path_event(d, p, MP_PEV_DM_SYNC, sp->state);
		}
	}
	mpd_checker_map_update(d, m);
}

void mpd_dmevents_status_done(struct mpd *d, struct mpd_job *j)
{
	struct mpd_map *m = mpd_map_find_uuid(d, j->uuid);
	struct mp_dmstatus *st = NULL;
	struct mp_dm_error err = { 0 };
	int r;

	if (!m)
		return;
	if (j->rc < 0) {
		if (j->rc != -ENXIO)
			mpd_log_map(&d->log, LOG_WARNING, m, "cannot read status: %s", strerror(-j->rc));
		return;
	}
	m->event_nr = j->info.event_nr;
	m->open_count = j->info.open_count;
	m->devnum = j->info.devnum;
	if (j->size)
		m->kernel_size = j->size;
	r = mp_dmstatus_parse(j->status_text, &st, &err);
	if (r < 0) {
		mpd_log_map(&d->log, LOG_ERR, m, "unreadable status line (word %u: expected %s): %s",
			    err.word, err.expected ? err.expected : "?", j->status_text);
		return;
	}
	mp_dmstatus_free(m->status);
	m->status = st;
	if (j->table_text && !m->op_in_flight) {
		free(m->table);
		m->table = j->table_text;
		j->table_text = NULL;
	}
	apply_status(d, m);
}

void mpd_dmevents_apply_adopted(struct mpd *d)
{
	for (size_t i = 0; i < d->n_maps; i++)
		if (d->maps[i]->status)
			apply_status(d, d->maps[i]);
}

int mpd_dmevents_start(struct mpd *d)
{
	int r = mp_dm_events_open(&d->dm_event_fd);

	if (r < 0) {
		d->dm_event_fd = -1;
		mpd_log(&d->log, LOG_ERR, "dm events unavailable (%s): kernel path failures are seen "
			"at the next check only", strerror(-r));
		return r;
	}
	r = mp_dm_events_scan(d->dm_event_fd, &d->dm_known);
	if (r < 0)
		return r;
	d->n_dm_known = (size_t)r;
	return 0;
}

/* After start-up: an event since the scan keeps the fd readable, so the
 * first wakeup diffs it against the scan and nothing is lost. */
int mpd_dmevents_listen(struct mpd *d)
{
	if (d->dm_event_fd < 0)
		return 0;
	return mpd_loop_add_fd(d->loop, d->dm_event_fd, EPOLLIN, on_dm_event, 0);
}

void mpd_dmevents_stop(struct mpd *d)
{
	if (d->dm_event_fd >= 0) {
		mpd_loop_del_fd(d->loop, d->dm_event_fd);
		close(d->dm_event_fd);
	}
	d->dm_event_fd = -1;
	free(d->dm_known);
	d->dm_known = NULL;
	d->n_dm_known = 0;
}
