/* Path checking and the policies it drives.
 *
 * Per path: a one-shot timer in the loop's heap at the interval state's
 * next deadline (mp_policy_interval_*). When it fires, the checker reads
 * the SCSI device state from sysfs (an offline device is DOWN without a
 * command) and submits one asynchronous command on the path's /dev/sgN
 * (tur: TEST UNIT READY; readsector0 and directio: a READ(10) of block 0 —
 * there is no libaio adapter in libmp yet, so directio shares the sg READ);
 * the sg fd sits in the epoll set and the result comes back by tag
 * (check sequence << 32 | dev_t), so a late answer to a timed-out check is
 * recognised and dropped. checker_timeout bounds the command in the kernel
 * and, through the interval state, in the loop as well.
 *
 * Verdicts feed mp_policy_path_step(); its actions (fail/reinstate via dm
 * messages on a worker, purge) are carried out here. Map-level policies
 * (queueing, failback) run after any path change and on a per-map tick of
 * polling_interval.
 *
 * Owns: each path's sg handle (opened on first check, closed on release or
 * after a timeout, which orphans the command). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sysmacros.h>

#include "mp/group.h"
#include "daemon.h"
#include "events.h"

#define ACTIONS_CAP 16

static enum mp_checker_result verdict_to_chk(enum mp_check_result v)
{
	switch (v) {
	case MP_CHECK_UP:
	case MP_CHECK_RESERVED:
		return MP_CHK_UP;
	case MP_CHECK_GHOST:
		return MP_CHK_GHOST;
	case MP_CHECK_PENDING:
		return MP_CHK_TRANSITIONING;
	case MP_CHECK_RETRY:
		return MP_CHK_UNIT_ATTENTION;
	case MP_CHECK_LUN_GONE:
		return MP_CHK_LUN_GONE;
	case MP_CHECK_TIMEOUT:
		return MP_CHK_TIMEOUT;
	case MP_CHECK_DOWN:
	default:
		return MP_CHK_DOWN;
	}
}

static const struct mp_shaky_config *shaky_config(const struct mpd_path *p, struct mp_shaky_config *buf)
{
	if (!p->set.marginal_path_double_failed_time || !p->set.marginal_path_err_recheck_gap_time)
		return NULL;
	buf->threshold = 2;
	buf->window_ms = (uint64_t)p->set.marginal_path_double_failed_time * 1000;
	buf->recheck_gap_ms = (uint64_t)p->set.marginal_path_err_recheck_gap_time * 1000;
	return mp_policy_shaky_config_check(buf) == 0 ? buf : NULL;
}

unsigned int mpd_map_usable_paths(const struct mpd_map *m)
{
	unsigned int n = 0;

	for (size_t i = 0; i < m->model->n_paths; i++) {
		const struct mp_path *p = m->model->paths[i];

		if (p->dm_state == MP_DM_PATH_ACTIVE && p->state != MP_PATH_DOWN &&
		    p->state != MP_PATH_SHAKY)
			n++;
	}
	return n;
}

static struct mpd_path *path_by_id(struct mpd *d, uint64_t id)
{
	for (size_t i = 0; i < d->n_paths; i++)
		if (d->paths[i]->id == id)
			return d->paths[i];
	return NULL;
}

static void run_actions(struct mpd *d, struct mpd_map *m, const struct mp_actions *acts)
{
	for (unsigned int i = 0; i < acts->len; i++) {
		const struct mp_action *a = &acts->v[i];
		struct mpd_path *p = a->path_id ? path_by_id(d, a->path_id) : NULL;
		char msg[MP_DM_MESSAGE_SIZE], dev[32];

		switch (a->kind) {
		case MP_ACT_FAIL_PATH:
		case MP_ACT_REINSTATE_PATH:
			if (!p || !p->map)
				break;
			mpd_path_devstr(p, dev, sizeof(dev));
			snprintf(msg, sizeof(msg), "%s %s",
				 a->kind == MP_ACT_FAIL_PATH ? "fail_path" : "reinstate_path", dev);
			mpd_log_path(&d->log, LOG_INFO, p, "%s: %s (%s)", p->map->name, msg,
				     a->reason ? a->reason : "");
			mpd_map_message(d, p->map, msg, p->id);
			/* iscsid puts its own NOP timers back at every re-login */
			if (a->kind == MP_ACT_REINSTATE_PATH)
				mpd_budget_apply(d, p, "path back");
			break;
		case MP_ACT_SWITCH_GROUP:
			if (!m)
				break;
			snprintf(msg, sizeof(msg), "switch_group %u", a->group);
			mpd_log_map(&d->log, LOG_NOTICE, m, "failback: switching to group %u (%s)",
				    a->group, a->reason ? a->reason : "");
			mpd_map_message(d, m, msg, 0);
			break;
		case MP_ACT_SET_QUEUEING:
			if (!m)
				break;
			mpd_log_map(&d->log, LOG_NOTICE, m, "%s (%s)",
				    a->on ? "queue_if_no_path" : "fail_if_no_path",
				    a->reason ? a->reason : "");
			mpd_map_message(d, m, a->on ? "queue_if_no_path" : "fail_if_no_path", 0);
			break;
		case MP_ACT_PURGE_PATH:
			if (!p || !p->map)
				break;
			m = p->map;
			mpd_log_path(&d->log, LOG_WARNING, p, "LUN gone; removing it from %s", m->name);
			mpd_map_detach_path(d, p);
			snprintf(p->why_not, sizeof(p->why_not), "LUN gone");
			if (m->model->n_paths == 0)
				mpd_map_last_path_gone(d, m);
			else
				mpd_map_schedule_reload(d, m);
			break;
		case MP_ACT_RELOAD_MAP:
			if (m)
				mpd_map_schedule_reload(d, m);
			break;
		case MP_ACT_EVENT:
		default:
			if (p)
				mpd_log_path(&d->log, LOG_INFO, p, "%s", a->reason ? a->reason : "event");
			break;
		}
	}
}

/* ---- map-level policies ------------------------------------------------------ */

static void map_policies(struct mpd *d, struct mpd_map *m, bool tick, uint64_t now)
{
	struct mp_action buf[ACTIONS_CAP];
	struct mp_actions acts;
	struct mp_queue_event qev = { .kind = tick ? MP_QEV_TICK : MP_QEV_PATHS,
				      .usable_paths = mpd_map_usable_paths(m) };
	struct mp_pg_view views[MP_FAILBACK_MAX_GROUPS];
	struct mp_failback_input in = { .groups = views, .now_ms = now };
	unsigned int cur = 0;

	if (!m->in_kernel || m->removing)
		return;
	mp_policy_actions_init(&acts, buf, ACTIONS_CAP);
	if (mp_policy_queue_step(&m->q, &m->set.no_path_retry, &qev, &acts, &m->q) < 0)
		mpd_log_map(&d->log, LOG_WARNING, m, "queueing policy refused the event");
	if (m->model->n_pgs > 0 && m->model->n_pgs <= MP_FAILBACK_MAX_GROUPS && m->status &&
	    m->status->n_groups == m->model->n_pgs) {
		for (size_t g = 0; g < m->model->n_pgs; g++) {
			const struct mp_pathgroup *pg = &m->model->pgs[g];
			unsigned int usable = 0;

			for (size_t i = 0; i < pg->n_paths; i++)
				if (pg->paths[i]->dm_state == MP_DM_PATH_ACTIVE &&
				    (pg->paths[i]->state == MP_PATH_UP || pg->paths[i]->state == MP_PATH_GHOST))
					usable++;
			views[g].prio = (unsigned int)(mp_pathgroup_prio(pg) > 0 ? mp_pathgroup_prio(pg) : 0);
			views[g].usable_paths = usable;
		}
		in.nr_groups = (unsigned int)m->model->n_pgs;
		if (mp_dmstatus_active_group(m->status, &cur) < 0)
			cur = 0;
		in.current = cur;
		mp_policy_failback_step(&m->fb, &m->set.failback, &in, &acts, &m->fb);
	}
	run_actions(d, m, &acts);
}

void mpd_checker_map_update(struct mpd *d, struct mpd_map *m)
{
	map_policies(d, m, false, mpd_now_ms());
}

static void start_check(struct mpd *d, struct mpd_path *p);

/* Healthy paths back off to max_polling_interval between checks, so a path
 * the kernel stopped running (offline, transport-offline, blocked) on an
 * idle map, where no I/O error tells dm, would go unnoticed that long. Its
 * sysfs state costs one read and nothing on the target: each polling
 * interval reads it for every waiting path of the map and checks at once
 * one that no longer runs. */
static void sweep_sdev_states(struct mpd *d, struct mpd_map *m)
{
	for (size_t i = 0; i < m->model->n_paths; i++) {
		struct mpd_path *p = (struct mpd_path *)((char *)m->model->paths[i] -
							 offsetof(struct mpd_path, mp));
		enum mp_sdev_state st;

		if (p->map != m || p->ival.in_flight || p->pol.state == MP_PATH_DOWN ||
		    !p->checked_once)
			continue;
		if (mp_sysfs_sdev_state("/sys", p->mp.kname, &st) < 0 || st == MP_SDEV_RUNNING)
			continue;
		start_check(d, p);
	}
}

void mpd_checker_map_tick(struct mpd *d, struct mpd_map *m, uint64_t now)
{
	if (now < m->next_tick_ms)
		return;
	m->next_tick_ms = now + (uint64_t)(m->set.polling_interval ? m->set.polling_interval : 5) * 1000;
	map_policies(d, m, true, now);
	sweep_sdev_states(d, m);
}

/* ---- per-path ------------------------------------------------------------------ */

static void on_check_timer(struct mpd *d, uint64_t id, uint64_t gen);

void mpd_checker_schedule(struct mpd *d, struct mpd_path *p)
{
	p->timer_gen++;
	mpd_loop_add_timer(d->loop, p->ival.next_ms, on_check_timer, p->devt, p->timer_gen);
}

void mpd_checker_setup_path(struct mpd *d, struct mpd_path *p)
{
	uint64_t poll_ms = (uint64_t)(p->set.polling_interval ? p->set.polling_interval : 5) * 1000;
	uint64_t max_ms = (uint64_t)p->set.max_polling_interval * 1000;

	p->icfg.polling_interval_ms = poll_ms < MP_INTERVAL_FLOOR_MS ? MP_INTERVAL_FLOOR_MS : poll_ms;
	p->icfg.max_polling_interval_ms = max_ms < p->icfg.polling_interval_ms ?
		p->icfg.polling_interval_ms : max_ms;
	/* A dead path costs one TUR a second, so that a recovered one is back
	 * in about a second rather than half a polling interval on average. */
	p->icfg.failed_interval_ms = MP_INTERVAL_FLOOR_MS;
	p->icfg.checker_timeout_ms = (uint64_t)(p->set.checker_timeout ? p->set.checker_timeout : 30) * 1000;
	if (!p->checked_once && !p->ival.in_flight)
		mp_policy_interval_init(&p->icfg, mpd_now_ms(), &p->ival);
}

static void close_sg(struct mpd *d, struct mpd_path *p)
{
	if (!p->sg)
		return;
	mpd_loop_del_fd(d->loop, mp_sg_fd(p->sg));
	mp_sg_free(p->sg);
	p->sg = NULL;
}

void mpd_checker_release_path(struct mpd *d, struct mpd_path *p)
{
	close_sg(d, p);
	p->timer_gen++;
}

/* A path event through the path policy; then the interval and the map. */
static void step(struct mpd *d, struct mpd_path *p, const struct mp_path_event *ev, const char *detail)
{
	struct mp_action buf[ACTIONS_CAP];
	struct mp_actions acts;
	struct mp_shaky_config sbuf;
	enum mp_path_state old = p->pol.state;
	int r;

	mp_policy_actions_init(&acts, buf, ACTIONS_CAP);
	r = mp_policy_path_step(&p->pol, ev, shaky_config(p, &sbuf), &acts, &p->pol);
	if (r < 0) {
		mpd_log_path(&d->log, LOG_WARNING, p, "path policy refused %s: %s",
			     mp_path_event_kind_to_string(ev->kind), strerror(-r));
		return;
	}
	p->mp.state = p->pol.state;
	if (old != p->pol.state)
		mpd_log_path(&d->log, p->pol.state == MP_PATH_DOWN ? LOG_WARNING : LOG_NOTICE, p,
			     "%s -> %s (%s%s%s)", mp_path_state_to_string(old),
			     mp_path_state_to_string(p->pol.state), mp_path_event_kind_to_string(ev->kind),
			     detail ? ": " : "", detail ? detail : "");
	if (old != p->pol.state)
		mpd_events_path(d->events, p, old, p->pol.state, ev->kind, detail);
	run_actions(d, p->map, &acts);
	if (old != p->pol.state && p->map)
		mpd_checker_map_update(d, p->map);
}

static void finish_check(struct mpd *d, struct mpd_path *p, enum mp_check_result verdict,
			 const char *detail)
{
	uint64_t now = mpd_now_ms();
	struct mp_path_event ev = { .kind = MP_PEV_CHECKER, .chk = verdict_to_chk(verdict),
				    .dm = p->mp.dm_state, .now_ms = now };

	p->check_seq++;
	p->checked_once = true;
	p->last_verdict = verdict;
	p->check_ms = (uint32_t)(now - p->last_check_ms);
	d->n_checks++;
	mpd_events_check(d->events, p, verdict);
	step(d, p, &ev, detail ? detail : mp_check_result_to_string(verdict));
	/* a session that recovered without the path failing got iscsid's NOP
	 * timers back: look again every 16 checks (reads only if unchanged) */
	if (p->budget_on && p->budget.transport == MP_TRANSPORT_ISCSI && !(p->check_seq % 16) &&
	    p->pol.state == MP_PATH_UP)
		mpd_budget_apply(d, p, "periodic");
	mp_policy_interval_update(&p->ival, &p->icfg, p->pol.state, p->pol.recheck, now, &p->ival);
	mpd_checker_schedule(d, p);
}

static void on_sg_ready(struct mpd *d, int fd, uint32_t events, uint64_t id)
{
	struct mpd_path *p = mpd_path_find_devt(d, (dev_t)id);
	struct mp_sg_result res;

	if (!p || !p->sg)
		return;
	while (p->sg && mp_sg_reap(p->sg, &res) > 0) {
		char detail[160];

		if ((uint32_t)(res.tag >> 32) != p->check_seq || !p->ival.in_flight)
			continue;	/* an answer to a check that already ended */
		if (res.verdict != MP_CHECK_UP)
			mp_sense_describe(&res.status, detail, sizeof(detail));
		finish_check(d, p, res.verdict, res.verdict != MP_CHECK_UP ? detail : NULL);
	}
}

static int ensure_sg(struct mpd *d, struct mpd_path *p)
{
	char node[64];
	int r;

	if (p->sg)
		return 0;
	if (!p->sg_name[0] && mp_sysfs_sg_name("/sys", p->mp.kname, p->sg_name, sizeof(p->sg_name)) < 0)
		return -ENODEV;
	snprintf(node, sizeof(node), "/dev/%s", p->sg_name);
	r = mp_sg_open(node, &p->sg);
	if (r < 0)
		return r;
	r = mpd_loop_add_fd(d->loop, mp_sg_fd(p->sg), EPOLLIN, on_sg_ready, p->devt);
	if (r < 0) {
		mp_sg_free(p->sg);
		p->sg = NULL;
	}
	return r;
}

static void start_check(struct mpd *d, struct mpd_path *p)
{
	uint64_t now = mpd_now_ms();
	struct mp_sg_cmd cmd;
	enum mp_sdev_state st;
	int r;

	p->last_check_ms = now;
	if (mp_sysfs_sdev_state("/sys", p->mp.kname, &st) == 0)
		p->sdev_state = st;
	if (mp_policy_interval_start(&p->ival, &p->icfg, now, &p->ival) < 0)
		return;
	switch (p->sdev_state) {
	case MP_SDEV_OFFLINE:
	case MP_SDEV_TRANSPORT_OFFLINE:
	case MP_SDEV_DELETED:
	case MP_SDEV_CANCEL:
		finish_check(d, p, MP_CHECK_DOWN, mp_sdev_state_to_string(p->sdev_state));
		return;
	case MP_SDEV_BLOCKED:
		/* the transport is recovering: no verdict yet, ask again soon */
		p->check_seq++;
		mp_policy_interval_update(&p->ival, &p->icfg, p->pol.state, true, now, &p->ival);
		mpd_checker_schedule(d, p);
		return;
	default:
		break;
	}
	if (p->set.path_checker == MP_CHECKER_NONE) {
		finish_check(d, p, MP_CHECK_UP, "checker none");
		return;
	}
	r = ensure_sg(d, p);
	if (r < 0) {
		finish_check(d, p, mp_sense_classify_errno(r), "cannot open the sg node");
		return;
	}
	if (p->set.path_checker == MP_CHECKER_TUR) {
		mp_sg_cmd_tur(&cmd, (uint32_t)p->icfg.checker_timeout_ms);
	} else {
		/* READ(10), LBA 0, one block; 4 KiB covers 4Kn devices */
		memset(&cmd, 0, sizeof(cmd));
		cmd.op = MP_SG_OP_RAW;
		cmd.cdb[0] = 0x28;
		cmd.cdb[8] = 1;
		cmd.cdb_len = 10;
		cmd.data_len = 4096;
		cmd.timeout_ms = (uint32_t)p->icfg.checker_timeout_ms;
	}
	r = mp_sg_submit(p->sg, &cmd, ((uint64_t)p->check_seq << 32) |
					 ((p->mp.major & 0xfff) << 20 | (p->mp.minor & 0xfffff)));
	if (r < 0)
		finish_check(d, p, mp_sense_classify_errno(r), strerror(-r));
	else
		mpd_checker_schedule(d, p);	/* the timeout deadline */
}

static void on_check_timer(struct mpd *d, uint64_t id, uint64_t gen)
{
	struct mpd_path *p = mpd_path_find_devt(d, (dev_t)id);
	enum mp_interval_due due;
	uint64_t now = mpd_now_ms();

	if (!p || gen != p->timer_gen || !p->map)
		return;
	if (mp_policy_interval_due(&p->ival, now, &due) < 0)
		return;
	switch (due) {
	case MP_INTERVAL_CHECK:
		start_check(d, p);
		break;
	case MP_INTERVAL_TIMEOUT:
		/* orphan the command: the kernel drops its late answer */
		close_sg(d, p);
		finish_check(d, p, MP_CHECK_TIMEOUT, "no answer within checker_timeout");
		break;
	case MP_INTERVAL_WAIT:
	default:
		mpd_checker_schedule(d, p);
		break;
	}
}

void mpd_checker_check_now(struct mpd *d, struct mpd_path *p)
{
	if (p->ival.in_flight || !p->map)
		return;
	start_check(d, p);
}

void mpd_checker_path_event(struct mpd *d, struct mpd_path *p, enum mp_path_event_kind kind,
			    enum mp_dm_path_state dm)
{
	struct mp_path_event ev = { .kind = kind, .dm = dm, .now_ms = mpd_now_ms() };

	step(d, p, &ev, NULL);
}
