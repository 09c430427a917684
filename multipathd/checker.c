/* Path checking and the policies it drives.
 *
 * Per path: a one-shot timer in the loop's heap at the interval state's
 * next deadline (mp_policy_interval_*). When it fires, the checker reads
 * the SCSI device state from sysfs (an offline device is DOWN without a
 * command; device/state is kept open, one pread a read) and starts one
 * asynchronous check:
 *   tur, readsector0  one command on the path's /dev/sgN (TEST UNIT READY;
 *                     READ(10) of block 0); the sg fd sits in the epoll set
 *                     and the result comes back by tag;
 *   directio          an O_DIRECT read of one logical block of /dev/sdX
 *                     through libaio (mp/aio.h): one aio set for the whole
 *                     daemon, its eventfd in the epoll set.
 * Tags are (check sequence << 32 | packed dev_t), so a late answer to a
 * check that already ended is recognised and dropped. checker_timeout
 * bounds the command in the kernel (sg) and, through the interval state,
 * in the loop as well: on the deadline the verdict is TIMEOUT at once.
 * A directio read past its deadline is io_cancel()ed (block devices
 * usually cannot) and otherwise left to the kernel: its iocb and buffer
 * belong to the aio set until the completion is reaped, and while it is
 * outstanding the path gets TIMEOUT verdicts without a second read, so a
 * hung device costs one aio slot and its own timeouts, never the loop.
 *
 * Priorities: for the alua prioritizer a check that found the path
 * answering may be followed by an RTPG on the same sg handle (alua.c:
 * when the path changed state, the kernel's access_state differs, or every
 * few checks); a UNIT ATTENTION "asymmetric access state changed" on a
 * check asks it at once.
 *
 * Verdicts feed mp_policy_path_step(); its actions (fail/reinstate via dm
 * messages on a worker, purge) are carried out here. Map-level policies
 * (queueing, failback) run after any path change and on a per-map tick of
 * polling_interval.
 *
 * Owns: each path's sg handle (opened on first use, closed on release or
 * after a timeout, which orphans the command), O_DIRECT fd and kept-open
 * device/state fd (closed on release), and d->aio (created on the first directio check, freed by
 * mpd_checker_stop at exit). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sysmacros.h>

#include <unistd.h>

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

static void run_actions(struct mpd *d, struct mpd_map *m, const struct mp_actions *acts)
{
	for (unsigned int i = 0; i < acts->len; i++) {
		const struct mp_action *a = &acts->v[i];
		struct mpd_path *p = a->path_id ? mpd_path_find_id(d, a->path_id) : NULL;
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
	map_policies(d, m, false, mpd_loop_now_ms(d->loop));
}

static void start_check(struct mpd *d, struct mpd_path *p);

static void close_state(struct mpd_path *p)
{
	if (p->state_open)
		close(p->state_fd);
	p->state_open = false;
}

/* The SCSI device state through the path's kept-open device/state: one
 * pread instead of an open (a walk through two symlinks), a read and a
 * close. A failed read closes the fd and opens it once more: a stale fd
 * of a device that went reads -ENODEV. */
static int sdev_state(struct mpd_path *p, enum mp_sdev_state *ret)
{
	int r = -ENODEV;

	for (int tries = 0; tries < 2; tries++) {
		if (!p->state_open) {
			r = mp_sysfs_sdev_attr_open("/sys", p->mp.kname, "state", &p->state_fd);
			if (r < 0)
				return r;
			p->state_open = true;
		}
		r = mp_sysfs_sdev_state_fd(p->state_fd, ret);
		if (r == 0)
			return 0;
		close_state(p);
	}
	return r;
}

/* Healthy paths back off to max_polling_interval between checks, so a path
 * the kernel stopped running (offline, transport-offline, blocked) on an
 * idle map, where no I/O error tells dm, would go unnoticed that long. Its
 * sysfs state costs one read and nothing on the target: each polling
 * interval reads it for every waiting path of the map and checks at once
 * one that no longer runs. A path whose check falls before the next tick
 * is skipped: the check reads the state first. */
static void sweep_sdev_states(struct mpd *d, struct mpd_map *m)
{
	for (size_t i = 0; i < m->model->n_paths; i++) {
		struct mpd_path *p = (struct mpd_path *)((char *)m->model->paths[i] -
							 offsetof(struct mpd_path, mp));
		enum mp_sdev_state st;

		if (p->map != m || p->ival.in_flight || p->pol.state == MP_PATH_DOWN ||
		    !p->checked_once || p->ival.next_ms <= m->next_sweep_ms)
			continue;
		if (sdev_state(p, &st) < 0 || st == MP_SDEV_RUNNING)
			continue;
		start_check(d, p);
	}
}

void mpd_checker_map_tick(struct mpd *d, struct mpd_map *m, uint64_t now)
{
	uint64_t poll_ms = (uint64_t)(m->set.polling_interval ? m->set.polling_interval : 5) * 1000;
	uint64_t late_ms = MPD_HOUSEKEEPING_MS + MPD_TIMER_SLACK_MS;

	/* The sweep is due early by as much as housekeeping can be late, so
	 * two sweeps of an idle map's path states are at most one polling
	 * interval apart: due on time, a path that went offline on an idle
	 * map was marked failed up to 6.82 s later at polling_interval 5
	 * (bench, 2026-11-27). The policies' tick stays one interval: it
	 * counts no_path_retry's intervals. */
	if (now >= m->next_sweep_ms) {
		m->next_sweep_ms = now + (poll_ms > 2 * late_ms ? poll_ms - late_ms : poll_ms / 2);
		sweep_sdev_states(d, m);
	}
	if (now < m->next_tick_ms)
		return;
	m->next_tick_ms = now + poll_ms;
	if (m->model->n_paths > 0) {
		m->remove_tries = 0;
	} else if (m->remove_tries && m->in_kernel && !m->removing && !m->op_in_flight &&
		   m->set.flush_on_last_del != MP_FLUSH_NEVER) {
		mpd_map_last_path_gone(d, m);	/* still open last time */
		return;
	}
	map_policies(d, m, true, now);
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
	p->rtpg_busy = false;	/* orphaned with the handle */
}

static void close_dio(struct mpd_path *p)
{
	/* a read still in the kernel holds its own file reference; its
	 * slot in d->aio outlives this path and is reaped as an orphan */
	if (p->dio_open)
		close(p->dio_fd);
	p->dio_open = false;
	p->dio_busy = false;
}

void mpd_checker_release_path(struct mpd *d, struct mpd_path *p)
{
	close_sg(d, p);
	close_dio(p);
	close_state(p);
	mpd_alua_release(p);
	p->timer_gen++;
}

void mpd_checker_stop(struct mpd *d)
{
	if (!d->aio)
		return;
	if (mp_aio_inflight(d->aio))
		mpd_log(&d->log, LOG_NOTICE, "waiting for %u directio reads still in the kernel",
			mp_aio_inflight(d->aio));
	mpd_loop_del_fd(d->loop, mp_aio_fd(d->aio));
	mp_aio_free(d->aio);
	d->aio = NULL;
}

uint64_t mpd_checker_tag(const struct mpd_path *p)
{
	return ((uint64_t)p->check_seq << 32) |
	       ((p->mp.major & 0xfff) << 20 | (p->mp.minor & 0xfffff));
}

static struct mpd_path *path_by_tag(struct mpd *d, uint64_t tag)
{
	uint32_t low = (uint32_t)tag;

	return mpd_path_find_devt(d, makedev((low >> 20) & 0xfff, low & 0xfffff));
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
	/* a path's first verdict, up, is what start-up expects: at info, or
	 * a start with 1024 paths writes 1024 notices */
	if (old != p->pol.state)
		mpd_log_path(&d->log, p->pol.state == MP_PATH_DOWN ? LOG_WARNING :
			     old == MP_PATH_UNCHECKED && p->pol.state == MP_PATH_UP ? LOG_INFO :
			     LOG_NOTICE, p,
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
	uint64_t now = mpd_loop_now_ms(d->loop);
	struct mp_path_event ev = { .kind = MP_PEV_CHECKER, .chk = verdict_to_chk(verdict),
				    .dm = p->mp.dm_state, .now_ms = now };
	enum mp_path_state old = p->pol.state;

	p->check_seq++;
	p->checked_once = true;
	p->last_verdict = verdict;
	p->check_ms = (uint32_t)(now - p->last_check_ms);
	p->n_checks++;
	/* a command that went out and came back good: a latency sample */
	if (verdict == MP_CHECK_UP && p->set.path_checker != MP_CHECKER_NONE && p->check_start_us)
		mpd_latency_sample(d, p, mpd_now_us() - p->check_start_us);
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
	if (p->map && (verdict == MP_CHECK_UP || verdict == MP_CHECK_GHOST ||
		       verdict == MP_CHECK_PENDING))
		mpd_alua_refresh(d, p, false, old != p->pol.state);
}

static void on_sg_ready(struct mpd *d, int fd, uint32_t events, uint64_t id)
{
	struct mpd_path *p = mpd_path_find_devt(d, (dev_t)id);
	struct mp_sg_result res;

	if (!p || !p->sg)
		return;
	while (p->sg && mp_sg_reap(p->sg, &res) > 0) {
		char detail[160];
		bool alua_changed;

		if (res.op == MP_SG_OP_RTPG) {
			mpd_alua_rtpg_done(d, p, &res);
			continue;
		}
		if ((uint32_t)(res.tag >> 32) != p->check_seq || !p->ival.in_flight)
			continue;	/* an answer to a check that already ended */
		alua_changed = mp_sense_alua_changed(&res.status);
		if (res.verdict != MP_CHECK_UP)
			mp_sense_describe(&res.status, detail, sizeof(detail));
		finish_check(d, p, res.verdict, res.verdict != MP_CHECK_UP ? detail : NULL);
		if (alua_changed && p->map)
			mpd_alua_refresh(d, p, true, false);	/* finish_check skips it on RETRY */
	}
}

int mpd_checker_ensure_sg(struct mpd *d, struct mpd_path *p)
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

/* ---- directio: one O_DIRECT read through libaio -------------------------------- */

static void dio_done(struct mpd *d, const struct mp_aio_result *r)
{
	struct mpd_path *p = path_by_tag(d, r->tag);
	enum mp_alua_state alua = MP_ALUA_UNKNOWN;
	enum mp_check_result v;
	char detail[128];
	bool pref;

	if (!p || !p->dio_busy || p->dio_tag != r->tag)
		return;		/* an orphan: its path went, or was added again */
	p->dio_busy = false;
	if ((uint32_t)(r->tag >> 32) != p->check_seq || !p->ival.in_flight) {
		mpd_log_path(&d->log, LOG_INFO, p,
			     "directio: a read given up on completed after %llu ms (%lld)",
			     (unsigned long long)(mpd_now_ms() - p->dio_submit_ms), (long long)r->res);
		return;
	}
	if (r->res == -EIO)
		mp_sysfs_alua_state("/sys", p->mp.kname, &alua, &pref);
	v = mp_sense_classify_dio(r->res, r->len, alua);
	if (r->res < 0)
		snprintf(detail, sizeof(detail), "read: %s%s%s", strerror((int)-r->res),
			 alua != MP_ALUA_UNKNOWN ? ", port " : "",
			 alua != MP_ALUA_UNKNOWN ? mp_alua_state_to_string(alua) : "");
	else
		snprintf(detail, sizeof(detail), "read %lld of %u bytes", (long long)r->res, r->len);
	finish_check(d, p, v, v != MP_CHECK_UP ? detail : NULL);
}

static void on_aio_ready(struct mpd *d, int fd, uint32_t events, uint64_t id)
{
	struct mp_aio_result res[32];
	int n;

	do {
		n = d->aio ? mp_aio_reap(d->aio, res, 32) : 0;
		for (int i = 0; i < n; i++)
			dio_done(d, &res[i]);
	} while (n == 32);
	if (n < 0)
		mpd_log(&d->log, LOG_WARNING, "directio: reaping completions: %s", strerror(-n));
}

static int ensure_aio(struct mpd *d)
{
	int r;

	if (d->aio)
		return 0;
	r = mp_aio_new(&d->aio);
	if (r < 0)
		return r;
	r = mpd_loop_add_fd(d->loop, mp_aio_fd(d->aio), EPOLLIN, on_aio_ready, 0);
	if (r < 0) {
		mp_aio_free(d->aio);
		d->aio = NULL;
	}
	return r;
}

static void start_directio(struct mpd *d, struct mpd_path *p)
{
	char node[64], detail[128];
	int r;

	if (p->dio_busy) {
		/* the last read is still in the kernel: no second one behind it */
		snprintf(detail, sizeof(detail), "the read sent %llu ms ago has not completed",
			 (unsigned long long)(mpd_now_ms() - p->dio_submit_ms));
		finish_check(d, p, MP_CHECK_TIMEOUT, detail);
		return;
	}
	r = ensure_aio(d);
	if (r == 0 && !p->dio_open) {
		snprintf(node, sizeof(node), "/dev/%s", p->mp.kname);
		r = mp_aio_open(node, &p->dio_fd, &p->dio_block);
		p->dio_open = r == 0;
	}
	if (r < 0) {
		snprintf(detail, sizeof(detail), "directio: cannot open: %s", strerror(-r));
		finish_check(d, p, mp_sense_classify_errno(r), detail);
		return;
	}
	p->dio_tag = mpd_checker_tag(p);
	r = mp_aio_read(d->aio, p->dio_fd, p->dio_block, p->dio_tag);
	if (r < 0) {
		snprintf(detail, sizeof(detail), "directio: submit: %s", strerror(-r));
		finish_check(d, p, mp_sense_classify_dio(r, p->dio_block, MP_ALUA_UNKNOWN), detail);
		return;
	}
	p->dio_busy = true;
	p->dio_submit_ms = mpd_now_ms();
	mpd_checker_schedule(d, p);	/* the timeout deadline */
}

/* The sg node would not open (policy-sgopen): either no verdict yet, and
 * the path is asked again in a second, or the check ends with the error's
 * verdict. Logged once per run of failures. Returns true (the check is
 * over either way). */
static bool sg_open_failed(struct mpd *d, struct mpd_path *p, int err, uint64_t now)
{
	enum mp_sg_open_outcome o;
	char detail[96];

	if (mp_policy_sg_open_failed(&p->sg_open, err, now, p->icfg.checker_timeout_ms, &p->sg_open,
				     &o) < 0)
		o = MP_SG_OPEN_VERDICT;
	snprintf(detail, sizeof(detail), "cannot open the sg node%s%s: %s", p->sg_name[0] ? " /dev/" : "",
		 p->sg_name, strerror(-err));
	if (o == MP_SG_OPEN_VERDICT) {
		finish_check(d, p, mp_sense_classify_errno(err), detail);
		return true;
	}
	if (p->sg_open.fails == 1)
		mpd_log_path(&d->log, err == -EMFILE || err == -ENFILE ? LOG_WARNING : LOG_NOTICE, p,
			     "%s; no verdict, trying again", detail);
	/* a name sysfs gave but /dev lacks may be stale: ask sysfs again */
	if (err == -ENOENT)
		p->sg_name[0] = '\0';
	p->check_seq++;
	mp_policy_interval_update(&p->ival, &p->icfg, p->pol.state, true, now, &p->ival);
	mpd_checker_schedule(d, p);
	return true;
}

static void start_check(struct mpd *d, struct mpd_path *p)
{
	uint64_t now = mpd_loop_now_ms(d->loop);
	struct mp_sg_cmd cmd;
	enum mp_sdev_state st;
	int r;

	p->last_check_ms = now;
	/* a round trip in microseconds only for the prioritizer that uses it
	 * (0: this check is not timed) */
	p->check_start_us = p->set.prio == MP_PRIO_PATH_LATENCY ? mpd_now_us() : 0;
	if (sdev_state(p, &st) == 0)
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
	if (p->set.path_checker == MP_CHECKER_DIRECTIO) {
		start_directio(d, p);
		return;
	}
	r = mpd_checker_ensure_sg(d, p);
	if (r < 0 && sg_open_failed(d, p, r, now))
		return;
	mp_policy_sg_open_ok(&p->sg_open);
	if (p->set.path_checker == MP_CHECKER_TUR) {
		mp_sg_cmd_tur(&cmd, (uint32_t)p->icfg.checker_timeout_ms);
	} else {
		/* readsector0: READ(10), LBA 0, one block; 4 KiB covers 4Kn */
		memset(&cmd, 0, sizeof(cmd));
		cmd.op = MP_SG_OP_RAW;
		cmd.cdb[0] = 0x28;
		cmd.cdb[8] = 1;
		cmd.cdb_len = 10;
		cmd.data_len = 4096;
		cmd.timeout_ms = (uint32_t)p->icfg.checker_timeout_ms;
	}
	r = mp_sg_submit(p->sg, &cmd, mpd_checker_tag(p));
	if (r < 0)
		finish_check(d, p, mp_sense_classify_errno(r), strerror(-r));
	else
		mpd_checker_schedule(d, p);	/* the timeout deadline */
}

static void on_check_timer(struct mpd *d, uint64_t id, uint64_t gen)
{
	struct mpd_path *p = mpd_path_find_devt(d, (dev_t)id);
	enum mp_interval_due due;
	uint64_t now = mpd_loop_now_ms(d->loop);

	if (!p || gen != p->timer_gen || !p->map)
		return;
	if (mp_policy_interval_due(&p->ival, now, &due) < 0)
		return;
	switch (due) {
	case MP_INTERVAL_CHECK:
		start_check(d, p);
		break;
	case MP_INTERVAL_TIMEOUT:
		/* The answer may be waiting unread: when the loop was busy past
		 * the deadline (a long start-up slice, a starved guest), this
		 * timer can come before the fd's readiness in the same round.
		 * The device did answer (a command the kernel timed out answers
		 * with an error), so take that answer rather than a timeout. */
		if (p->set.path_checker == MP_CHECKER_DIRECTIO && p->dio_busy && d->aio)
			on_aio_ready(d, mp_aio_fd(d->aio), EPOLLIN, 0);
		else if (p->sg)
			on_sg_ready(d, mp_sg_fd(p->sg), EPOLLIN, p->devt);
		if (!p->ival.in_flight)
			break;
		if (p->set.path_checker == MP_CHECKER_DIRECTIO && p->dio_busy) {
			/* the read keeps its slot until the kernel ends it */
			int r = mp_aio_cancel(d->aio, p->dio_tag);

			finish_check(d, p, MP_CHECK_TIMEOUT, r == 0 ?
				     "no answer within checker_timeout; read cancelled" :
				     "no answer within checker_timeout; read left to the kernel");
			break;
		}
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
	/* The kernel failed a path our checker found answering less than a
	 * polling interval ago: its port takes the checker's command but not
	 * I/O (a standby port whose reads scsi_dh_alua rejects, say). Checking
	 * at once would reinstate it at once, and every reinstate sends udev
	 * probing the map again: a fail/reinstate storm (134 cycles in 3 min
	 * seen in the guest). The next check comes at the usual cadence. */
	if (p->checked_once && (p->last_verdict == MP_CHECK_UP || p->last_verdict == MP_CHECK_GHOST) &&
	    mpd_loop_now_ms(d->loop) - p->last_check_ms < p->icfg.polling_interval_ms)
		return;
	start_check(d, p);
}

void mpd_checker_path_event(struct mpd *d, struct mpd_path *p, enum mp_path_event_kind kind,
			    enum mp_dm_path_state dm)
{
	struct mp_path_event ev = { .kind = kind, .dm = dm, .now_ms = mpd_loop_now_ms(d->loop) };

	step(d, p, &ev, NULL);
}
