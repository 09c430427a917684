/* Map assembly: which paths form a map (blacklist, find_multipaths), the
 * map's name (config alias, bindings file), path priorities, the dm table
 * text (mp/dmtable.h), and the create / reload / remove jobs that bring the
 * kernel in line, including adoption of maps that already exist.
 *
 * Owns: nothing beyond the records' table text (m->table, the last table we
 * loaded or adopted). One create/reload/remove per map is in flight at a
 * time (m->op_in_flight); further changes set m->want_reload and are
 * coalesced into one reload when the running job reports back, and a last
 * path gone meanwhile sets m->want_remove, acted on at the same point (two
 * jobs of one map in flight would leave the first one's result to clear
 * op_in_flight under the second). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "mp/atomic-file.h"
#include "mp/group.h"
#include "mp/prio.h"
#include "mp/strbuf.h"
#include "daemon.h"
#include "events.h"

/* ---- priorities ---------------------------------------------------------- */

static int path_prio(struct mpd *d, struct mpd_path *p)
{
	enum mp_prio_kind kind = p->set.prio;
	char err[128];
	int prio = 0;

	if (p->set.detect_prio && p->mp.tpgs && kind == MP_PRIO_CONST)
		kind = MP_PRIO_ALUA;
	switch (kind) {
	case MP_PRIO_ALUA:
	case MP_PRIO_SYSFS:
		/* scsi_dh_alua keeps access_state current; RTPG over sg is not
		 * wired up yet, so a device without it counts as unknown (0) */
		return mp_prio_alua(p->mp.alua_state, p->mp.alua_pref);
	case MP_PRIO_WEIGHTEDPATH:
		if (mp_prio_weightedpath(p->set.prio_args, &p->mp, NULL, &prio, err, sizeof(err)) < 0) {
			mpd_log_path(&d->log, LOG_WARNING, p, "weightedpath: %s; prio 0", err);
			return 0;
		}
		return prio;
	case MP_PRIO_PATH_LATENCY:
		return mpd_latency_prio(p);
	case MP_PRIO_CONST:
	default:
		return mp_prio_const();
	}
}

/* ---- table text ---------------------------------------------------------- */

/* Splits "w1 w2 ..." into at most max words in place. */
static unsigned int split_words(char *s, char **words, unsigned int max)
{
	unsigned int n = 0;

	for (char *save = NULL, *w = strtok_r(s, " \t", &save); w && n < max;
	     w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	return n;
}

static const char *path_hwhandler(const struct mpd_map *m)
{
	/* the handler the kernel already attached wins: dm-mpath keeps it
	 * anyway (retain_attached_hw_handler) and the table then says so */
	for (size_t i = 0; i < m->model->n_paths; i++) {
		const struct mpd_path *p = (const struct mpd_path *)m->model->paths[i];

		if (p->dh_state[0] && strcmp(p->dh_state, "detached") != 0)
			return p->dh_state;
	}
	return NULL;
}

static int build_table(struct mpd *d, struct mpd_map *m, struct mp_dmtable *t)
{
	char buf[512], *words[16], rr[16];
	const char *hw = path_hwhandler(m);
	unsigned int n, n_sel_args, n_path_args;
	int r;

	/* features: the config's, with queue_if_no_path decided by no_path_retry */
	snprintf(buf, sizeof(buf), "%s", m->set.features ? m->set.features : "0");
	n = split_words(buf, words, 16);
	for (unsigned int i = 1; i < n; i++) {
		if (strcmp(words[i], "queue_if_no_path") == 0)
			continue;
		r = mp_dmtable_add_feature(t, words[i]);
		if (r < 0)
			return r;
	}
	if (m->set.no_path_retry.mode != MP_NO_PATH_RETRY_FAIL) {
		r = mp_dmtable_add_feature(t, "queue_if_no_path");
		if (r < 0)
			return r;
	}
	if (hw) {
		r = mp_dmtable_set_hwhandler(t, hw, 0, NULL);
	} else {
		snprintf(buf, sizeof(buf), "%s", m->set.hardware_handler ? m->set.hardware_handler : "0");
		n = split_words(buf, words, 16);
		r = n >= 2 ? mp_dmtable_set_hwhandler(t, words[1], n - 2, (const char *const *)words + 2) : 0;
	}
	if (r < 0)
		return r;

	snprintf(buf, sizeof(buf), "%s", mpd_shares_selector(d, m));
	n = split_words(buf, words, 16);
	n_sel_args = n >= 2 ? (unsigned int)atoi(words[1]) : 0;
	if (n == 0 || n_sel_args > n - 2)
		return -EINVAL;
	n_path_args = mpd_shares_path_args(m, words[0]);
	snprintf(rr, sizeof(rr), "%u", m->set.rr_min_io_rq ? m->set.rr_min_io_rq : 1);
	for (size_t g = 0; g < m->model->n_pgs; g++) {
		const struct mp_pathgroup *pg = &m->model->pgs[g];
		char rt[16];
		const char *path_args[2] = { rr, rt };
		unsigned int gi;

		r = mp_dmtable_add_group(t, words[0], n_sel_args, (const char *const *)words + 2,
					 n_path_args, &gi);
		if (r < 0)
			return r;
		for (size_t i = 0; i < pg->n_paths; i++) {
			char dev[32];

			char share[MP_SHARE_WORD_SIZE];
			const char *share_args[1] = { share };

			snprintf(dev, sizeof(dev), "%u:%u", pg->paths[i]->major, pg->paths[i]->minor);
			/* byte-share takes the path's share where others take rr_min_io */
			if (mpd_shares_byte_share(m)) {
				r = mpd_shares_word(d, m, (const struct mpd_path *)pg->paths[i], share,
						    sizeof(share));
				if (r < 0)
					return r;
			} else if (n_path_args == 2) {
				/* service-time weighted by shares */
				r = mpd_shares_rt_word(m, (const struct mpd_path *)pg->paths[i], rt,
						       sizeof(rt));
				if (r < 0)
					return r;
			}
			r = mp_dmtable_add_path(t, gi, dev, mpd_shares_byte_share(m) ? share_args : path_args);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int mpd_assemble_table(struct mpd *d, struct mpd_map *m, char **ret)
{
	struct mp_dmtable *t = NULL;
	struct mp_dm_error err = { 0 };
	uint64_t size = 0;
	int r;

	for (size_t i = 0; i < m->model->n_paths; i++) {
		struct mpd_path *p = (struct mpd_path *)m->model->paths[i];

		p->mp.prio = path_prio(d, p);
		if (p->size && (!size || p->size < size))
			size = p->size;
	}
	if (size)
		m->model->size = size;
	r = mp_group_paths(m->model, m->set.path_grouping_policy, mpd_shares_selector(d, m));
	if (r < 0)
		return r;
	r = mp_dmtable_new(&t);
	if (r < 0)
		return r;
	r = build_table(d, m, t);
	if (r == 0)
		r = mp_dmtable_format(t, ret, &err);
	if (r < 0)
		mpd_log_map(&d->log, LOG_ERR, m, "cannot build a table: %s%s%s", strerror(-r),
			    err.expected ? ", expected " : "", err.expected ? err.expected : "");
	mp_dmtable_free(t);
	return r;
}

/* ---- comparing with what the kernel prints back --------------------------- */

static bool feature_sets_equal(const struct mp_dmtable *a, const struct mp_dmtable *b)
{
	/* order-insensitive; the kernel may add retain_attached_hw_handler */
	unsigned int na = 0, nb = 0;

	for (unsigned int i = 0; i < a->n_features; i++) {
		bool found = false;

		if (strcmp(a->features[i], "retain_attached_hw_handler") == 0)
			continue;
		na++;
		for (unsigned int j = 0; j < b->n_features && !found; j++)
			found = strcmp(a->features[i], b->features[j]) == 0;
		if (!found)
			return false;
	}
	for (unsigned int j = 0; j < b->n_features; j++)
		if (strcmp(b->features[j], "retain_attached_hw_handler") != 0)
			nb++;
	return na == nb;
}

bool mpd_tables_equivalent(const char *text_a, const char *text_b)
{
	struct mp_dmtable *a = NULL, *b = NULL;
	bool same = false;

	if (!text_a || !text_b)
		return false;
	if (mp_dmtable_parse(text_a, &a, NULL) < 0 || mp_dmtable_parse(text_b, &b, NULL) < 0)
		goto out_free;
	if (!feature_sets_equal(a, b))
		goto out_free;
	/* the handler by name: the kernel prints it without its arguments */
	if (!a->hwhandler != !b->hwhandler || (a->hwhandler && strcmp(a->hwhandler, b->hwhandler)))
		goto out_free;
	if (a->n_groups != b->n_groups)
		goto out_free;
	/* next_group is not compared: the kernel prints the current group */
	for (unsigned int g = 0; g < a->n_groups; g++) {
		const struct mp_dmtable_group *ga = &a->groups[g], *gb = &b->groups[g];

		if (strcmp(ga->selector, gb->selector) || ga->n_selector_args != gb->n_selector_args ||
		    ga->n_paths != gb->n_paths)
			goto out_free;
		for (unsigned int i = 0; i < ga->n_selector_args; i++)
			if (strcmp(ga->selector_args[i], gb->selector_args[i]))
				goto out_free;
		for (unsigned int i = 0; i < ga->n_paths; i++) {
			/* selectors print defaults for per-path args they were not
			 * given (service-time: "1 1" for "1"): compare those both
			 * tables have, and a relative_throughput only one carries
			 * against service-time's default, 1 (a weighted table
			 * going back to plain service-time must reload) */
			unsigned int na = ga->n_path_args < gb->n_path_args ? ga->n_path_args :
					  gb->n_path_args;

			if (strcmp(ga->paths[i].dev, gb->paths[i].dev))
				goto out_free;
			if (na > 1 && ga->n_path_args != gb->n_path_args)
				na = 1;
			for (unsigned int k = 0; k < na; k++)
				if (strcmp(ga->paths[i].args[k], gb->paths[i].args[k]))
					goto out_free;
			if (ga->n_path_args != gb->n_path_args && na == 1 &&
			    strcmp(ga->selector, "service-time") == 0) {
				const struct mp_dmtable_group *g2 = ga->n_path_args > 1 ? ga : gb;

				if (strcmp(g2->paths[i].args[1], "1"))
					goto out_free;
			}
		}
	}
	same = true;
out_free:
	mp_dmtable_free(a);
	mp_dmtable_free(b);
	return same;
}

/* ---- naming and find_multipaths ------------------------------------------- */

static int choose_name(struct mpd *d, struct mpd_map *m)
{
	const char *alias = NULL;
	enum mp_name_source src;
	char *name = NULL;
	int r;

	mp_config_find_multipath(d->cfg, m->model->wwid, &alias);
	const struct mp_naming_input in = {
		.wwid = m->model->wwid,
		.user_friendly_names = m->set.user_friendly_names,
		.config_alias = alias,
	};

	r = mp_naming_choose(&in, d->bindings, &name, &src);
	if (r < 0)
		return r;
	if (src == MP_NAME_NEW_BINDING) {
		struct mp_bindings_edit edit = { .wwid = m->model->wwid };

		mpd_naming_dir_make(mpd_bindings_path(d));
		r = mp_atomic_file_update(mpd_bindings_path(d), MP_NAMING_FILE_MAX, 0600,
					  mp_bindings_edit_allocate, &edit);
		if (r >= 0 && strcmp(edit.alias, name) != 0) {
			/* another writer bound a name meanwhile: the file wins */
			free(name);
			name = strdup(edit.alias);
			mp_bindings_add(d->bindings, edit.alias, m->model->wwid);
		} else if (r < 0) {
			mpd_log_map(&d->log, LOG_WARNING, m, "%s: cannot persist binding %s: %s",
				    mpd_bindings_path(d), name, strerror(-r));
		}
	}
	if (!name)
		return -ENOMEM;
	snprintf(m->name, sizeof(m->name), "%s", name);
	mp_map_set_alias(m->model, name);
	free(name);
	return 0;
}

/* find_multipaths: does this WWID, seen through n usable paths, get a map? */
static bool wants_map(struct mpd *d, const struct mpd_path *p, unsigned int n, char *why, size_t len)
{
	switch (p->set.find_multipaths) {
	case MP_FIND_MULTIPATHS_OFF:
	case MP_FIND_MULTIPATHS_GREEDY:
		return true;
	case MP_FIND_MULTIPATHS_STRICT:
		if (mp_wwids_contains(d->wwids, p->mp.wwid))
			return true;
		snprintf(why, len, "find_multipaths strict: wwid not in %s", mpd_wwids_path(d));
		return false;
	case MP_FIND_MULTIPATHS_ON:
	case MP_FIND_MULTIPATHS_SMART:
	default:
		if (n >= 2 || mp_wwids_contains(d->wwids, p->mp.wwid))
			return true;
		snprintf(why, len, "find_multipaths %s: single path, wwid not in %s",
			 mp_find_multipaths_to_string(p->set.find_multipaths), mpd_wwids_path(d));
		return false;
	}
}

/* ---- jobs ------------------------------------------------------------------ */

/* The udev side of a create or reload (policy-udev): flags and wait bound
 * from the states of the new table's paths. */
static int table_udev(const struct mpd_map *m, bool create, struct mp_table_udev *ret)
{
	enum mp_path_state *states = NULL;
	enum mp_alua_state *alua = NULL;
	size_t n = m->model->n_paths;
	int r = -ENOMEM;

	if (n) {
		states = calloc(n, sizeof(*states));
		alua = calloc(n, sizeof(*alua));
		if (!states || !alua)
			goto out;
		for (size_t i = 0; i < n; i++) {
			states[i] = m->model->paths[i]->state;
			alua[i] = m->model->paths[i]->alua_state;
		}
	}
	r = mp_policy_table_udev(&(struct mp_table_change){ .create = create, .n_maps = 1,
							     .states = states, .alua = alua,
							     .n_paths = (unsigned int)n }, ret);
out:
	free(states);
	free(alua);
	return r;
}

static void submit_create_or_reload(struct mpd *d, struct mpd_map *m)
{
	struct mp_table_udev u;
	char *params = NULL;
	struct mpd_job *j;

	if (m->op_in_flight) {
		m->want_reload = true;
		return;
	}
	m->want_reload = false;
	if (m->held && !m->in_kernel) {
		mpd_log_map(&d->log, LOG_INFO, m, "not created: removed by the operator "
			    "(add map or add path brings it back)");
		return;
	}
	if (mpd_assemble_table(d, m, &params) < 0)
		return;
	if (m->in_kernel && mpd_tables_equivalent(params, m->table) &&
	    (!m->model->size || m->model->size == m->kernel_size)) {
		free(params);
		return;
	}
	if (table_udev(m, !m->in_kernel, &u) < 0 ||
	    !(j = mpd_job_new(m->in_kernel ? MPD_JOB_RELOAD : MPD_JOB_CREATE, m->uuid, m->name))) {
		free(params);
		return;
	}
	j->params = params;
	j->size = m->model->size;
	j->no_flush = true;
	j->flags = (u.reload ? MP_DM_UDEV_RELOAD : 0) | (u.no_paths ? MP_DM_UDEV_NO_PATHS : 0);
	j->udev_wait_ms = u.wait_ms;
	j->n_paths = m->model->n_paths;
	j->n_pgs = m->model->n_pgs;
	m->op_in_flight = true;
	mpd_log_map(&d->log, LOG_INFO, m, "%s%s: %s", mpd_job_kind_to_string(j->kind),
		    u.no_paths ? " (no path serves I/O: udev must not probe)" : "", params);
	mpd_workers_submit(d->workers, j);
}

void mpd_map_schedule_reload(struct mpd *d, struct mpd_map *m)
{
	submit_create_or_reload(d, m);
}

int mpd_map_message(struct mpd *d, struct mpd_map *m, const char *msg, uint64_t path_id)
{
	struct mpd_job *j;

	if (!m->in_kernel && !m->op_in_flight)
		return -ENXIO;
	j = mpd_job_new(MPD_JOB_MESSAGE, m->uuid, m->name);
	if (!j)
		return -ENOMEM;
	snprintf(j->msg, sizeof(j->msg), "%s", msg);
	j->path_id = path_id;
	d->n_messages++;
	return mpd_workers_submit(d->workers, j);
}

int mpd_map_refresh(struct mpd *d, struct mpd_map *m)
{
	struct mpd_job *j = mpd_job_new(MPD_JOB_STATUS, m->uuid, m->name);

	if (!j)
		return -ENOMEM;
	return mpd_workers_submit(d->workers, j);
}

void mpd_map_last_path_gone(struct mpd *d, struct mpd_map *m)
{
	bool flush = m->set.flush_on_last_del != MP_FLUSH_NEVER;
	struct mpd_job *j;

	if (m->op_in_flight) {
		if (!m->removing)
			m->want_remove = true;	/* mpd_assemble_job_done acts on it */
		return;
	}
	if (!m->in_kernel) {
		if (m->held)
			mpd_holds_set(d, m->model->wwid, false, "its last path is gone");
		mpd_map_delete(d, m);
		return;
	}
	if (!flush) {
		mpd_log_map(&d->log, LOG_NOTICE, m, "last path gone; kept (flush_on_last_del never)%s",
			    m->set.no_path_retry.mode != MP_NO_PATH_RETRY_FAIL ? ", I/O queues" : "");
		mpd_map_schedule_reload(d, m);
		return;
	}
	/* always: queued I/O fails first (queueing is disabled when the last
	 * path goes), so an opener whose read queued (a udev probe) gets its
	 * error and closes; unused: only a map nobody holds goes. Not forced
	 * and not deferred: the kernel refuses (EBUSY) an open map; the remove
	 * retries for a few seconds (udev probes hold a map briefly), and a map
	 * still open is kept and tried again each polling interval
	 * (mpd_checker_map_tick). */
	j = mpd_job_new(MPD_JOB_REMOVE, m->uuid, m->name);
	if (!j)
		return;
	j->flags = MP_DM_REMOVE_RETRY;
	if (m->set.flush_on_last_del == MP_FLUSH_ALWAYS)
		mpd_map_message(d, m, "fail_if_no_path", 0);
	m->removing = true;
	m->op_in_flight = true;
	if (m->remove_tries++ == 0)
		mpd_log_map(&d->log, LOG_NOTICE, m, "last path gone; removing the map (flush_on_last_del %s)",
			    mp_flush_on_last_del_to_string(m->set.flush_on_last_del));
	mpd_workers_submit(d->workers, j);
}

static void apply_path_message_result(struct mpd *d, struct mpd_job *j)
{
	struct mpd_path *p = j->path_id ? mpd_path_find_id(d, j->path_id) : NULL;

	if (j->rc < 0) {
		mpd_log(&d->log, LOG_ERR, "%s: message \"%s\" failed: %s%s%s", j->name, j->msg,
			strerror(-j->rc), j->error[0] ? ": " : "", j->error);
		return;
	}
	if (!p)
		return;
	if (strncmp(j->msg, "fail_path", 9) == 0)
		p->mp.dm_state = MP_DM_PATH_FAILED;
	else if (strncmp(j->msg, "reinstate_path", 14) == 0)
		p->mp.dm_state = MP_DM_PATH_ACTIVE;
	mpd_log_path(&d->log, LOG_NOTICE, p, "%s: %s done", j->name, j->msg);
	if (p->map)
		mpd_checker_map_update(d, p->map);
}

/* After a create/reload/remove reported back: the work that waited for it.
 * m may be gone afterwards. */
static void run_deferred(struct mpd *d, struct mpd_map *m)
{
	if (m->want_remove) {
		m->want_remove = false;
		if (m->model->n_paths == 0) {
			mpd_map_last_path_gone(d, m);
			return;
		}
	}
	if (m->want_reload)
		submit_create_or_reload(d, m);
}

void mpd_assemble_job_done(struct mpd *d, struct mpd_job *j)
{
	struct mpd_map *m = mpd_map_find_uuid(d, j->uuid);

	if (j->kind == MPD_JOB_MESSAGE) {
		apply_path_message_result(d, j);
		return;
	}
	if (j->kind == MPD_JOB_STATUS) {
		mpd_dmevents_status_done(d, j);
		return;
	}
	if (!m)
		return;
	if (j->kind == MPD_JOB_SUSPEND || j->kind == MPD_JOB_RESUME) {
		bool s = j->kind == MPD_JOB_SUSPEND;

		if (j->rc < 0) {
			mpd_log_map(&d->log, LOG_ERR, m, "operator's %s failed: %s%s%s",
				    mpd_job_kind_to_string(j->kind), strerror(-j->rc),
				    j->error[0] ? ": " : "", j->error);
			return;
		}
		mpd_log_map(&d->log, LOG_NOTICE, m, "operator: %s", s ? "suspended" : "resumed");
		mpd_events_map(d->events, m, s ? "active" : "suspended", s ? "suspended" : "active",
			       "operator", NULL);
		return;
	}
	m->op_in_flight = false;
	if (j->rc < 0) {
		mpd_log_map(&d->log, LOG_ERR, m, "%s failed: %s%s%s", mpd_job_kind_to_string(j->kind),
			    strerror(-j->rc), j->error[0] ? ": " : "", j->error);
		if (j->kind == MPD_JOB_REMOVE) {
			m->removing = false;
			if (m->held)	/* still there: not held back */
				mpd_holds_set(d, m->model->wwid, false, "the remove failed");
			if (j->rc == -EBUSY && m->remove_tries <= 1)
				mpd_log_map(&d->log, LOG_NOTICE, m, "map is open; kept without paths%s",
					    m->remove_tries ? ", removed once nothing holds it" : "");
			mpd_map_schedule_reload(d, m);
		}
		run_deferred(d, m);
		return;
	}
	switch (j->kind) {
	case MPD_JOB_CREATE:
	case MPD_JOB_RELOAD:
		free(m->table);
		m->table = j->params;
		j->params = NULL;
		m->in_kernel = true;
		m->kernel_size = j->size;
		m->devnum = j->info.devnum;
		m->event_nr = j->info.event_nr;
		m->open_count = j->info.open_count;
		/* the table just loaded decides the kernel's queueing flag */
		m->q.known = true;
		m->q.queueing = m->set.no_path_retry.mode != MP_NO_PATH_RETRY_FAIL;
		if (j->kind == MPD_JOB_CREATE) {
			d->n_creates++;
			mpd_wwids_remember(d, m->model->wwid);
			/* a new table has every path active */
			for (size_t i = 0; i < m->model->n_paths; i++)
				m->model->paths[i]->dm_state = MP_DM_PATH_ACTIVE;
		} else {
			d->n_reloads++;
		}
		mpd_log_map(&d->log, LOG_NOTICE, m, "%s with %u paths in %u groups",
			    j->kind == MPD_JOB_CREATE ? "created" : "reloaded", j->n_paths, j->n_pgs);
		if (j->kind == MPD_JOB_CREATE)
			mpd_events_map(d->events, m, "absent", "created", "daemon", NULL);
		/* the new table's A/F may differ from the path policies: resync */
		mpd_map_refresh(d, m);
		break;
	case MPD_JOB_REMOVE:
		mpd_log_map(&d->log, LOG_NOTICE, m, "removed");
		mpd_events_map(d->events, m, "present", "removed", "daemon", NULL);
		m->in_kernel = false;
		m->removing = false;
		if (m->model->n_paths == 0) {
			if (m->held)
				mpd_holds_set(d, m->model->wwid, false, "it has no path");
			mpd_map_delete(d, m);
			return;
		}
		break;
	default:
		break;
	}
	run_deferred(d, m);
}

/* ---- membership -------------------------------------------------------------- */

/* wwid's map brought in line with its paths: members are every path
 * record carrying wwid (any order of discovery; array order kept), so that
 * the start-up pass, which has them grouped already, scans no other path. */
void mpd_assemble_group(struct mpd *d, const char *wwid, struct mpd_path *const *members, size_t n_members)
{
	struct mpd_map *m = mpd_map_find_wwid(d, wwid);
	struct mpd_path *first = NULL;
	unsigned int n = 0;
	bool changed = false;
	char why[160] = "";

	for (size_t i = 0; i < n_members; i++) {
		struct mpd_path *p = members[i];

		/* a purged path (its LUN gone on the array) stays out until a
		 * uevent says the device changed (discovery.c clears gone) */
		if (p->blacklisted || p->pol.gone)
			continue;
		if (!first)
			first = p;
		n++;
	}
	/* paths now blacklisted leave their map (a map's paths carry its
	 * WWID: they are among the members) */
	for (size_t i = 0; m && i < n_members; i++)
		if (members[i]->map == m && members[i]->blacklisted) {
			mpd_map_detach_path(d, members[i]);
			changed = true;
		}
	if (!first) {
		if (m && changed && m->model->n_paths == 0)
			mpd_map_last_path_gone(d, m);
		return;
	}
	if (!m && !wants_map(d, first, n, why, sizeof(why))) {
		for (size_t i = 0; i < n_members; i++)
			if (!members[i]->blacklisted && !members[i]->pol.gone)
				snprintf(members[i]->why_not, sizeof(members[i]->why_not), "%s", why);
		mpd_log_path(&d->log, LOG_INFO, first, "no map: %s", why);
		return;
	}
	if (!m) {
		if (mpd_map_add(d, wwid, &m) < 0)
			return;
		m->set = first->set;
		if (choose_name(d, m) < 0) {
			mpd_log_map(&d->log, LOG_ERR, m, "cannot choose a name");
			mpd_map_delete(d, m);
			return;
		}
		changed = true;
	}
	m->set = first->set;
	for (size_t i = 0; i < n_members; i++) {
		struct mpd_path *p = members[i];

		if (p->blacklisted || p->pol.gone || p->map == m)
			continue;
		if (mpd_map_attach_path(d, m, p) == 0) {
			changed = true;
			mpd_checker_schedule(d, p);
		}
	}
	/* also when nothing changed here: a no-op when the kernel matches */
	submit_create_or_reload(d, m);
}

void mpd_assemble_wwid(struct mpd *d, const char *wwid)
{
	struct mpd_path **members = calloc(d->n_paths ? d->n_paths : 1, sizeof(*members));
	size_t n = 0;

	if (!members) {
		mpd_log(&d->log, LOG_ERR, "%s: out of memory; map not updated", wwid);
		return;
	}
	for (size_t i = 0; i < d->n_paths; i++)
		if (strcmp(d->paths[i]->mp.wwid, wwid) == 0)
			members[n++] = d->paths[i];
	mpd_assemble_group(d, wwid, members, n);
	free(members);
}

/* New user-friendly names for every WWID about to get a map, bound in one
 * rewrite of the bindings file: one rewrite per map (choose_name) made a
 * start-up with n new LUNs write O(n^2) text with n fsyncs. choose_name
 * then finds each binding in d->bindings. On failure choose_name falls
 * back to one rewrite per map. The pass's groups give each WWID's first
 * eligible path and their number, as mpd_assemble_group takes them. */
struct prebind_cand {
	size_t pos;
	const char *wwid;
};

static int cmp_cand(const void *a, const void *b)
{
	size_t x = ((const struct prebind_cand *)a)->pos, y = ((const struct prebind_cand *)b)->pos;

	return x < y ? -1 : x > y;
}

void mpd_assemble_prebind(struct mpd *d, const struct mpd_pass *pass)
{
	struct prebind_cand *cand = NULL;
	const char **wwids = NULL;
	char (*aliases)[MP_ALIAS_MAX + 1] = NULL, why[160];
	size_t n = 0;
	int r;

	if (!d->bindings || pass->n_groups < 2)
		return;
	cand = calloc(pass->n_groups, sizeof(*cand));
	wwids = calloc(pass->n_groups, sizeof(*wwids));
	if (!cand || !wwids)
		goto out_free;
	for (size_t g = 0; g < pass->n_groups; g++) {
		const struct mpd_path *p = NULL;
		const char *alias = NULL;
		unsigned int paths = 0;
		size_t pos = 0;

		for (size_t i = 0; i < pass->groups[g].n; i++) {
			const struct mpd_path *q = pass->groups[g].paths[i];

			if (q->blacklisted || q->pol.gone)
				continue;
			if (!p) {
				p = q;
				pos = pass->groups[g].pos[i];
			}
			paths++;
		}
		if (!p || !p->set.user_friendly_names || mpd_map_find_wwid(d, p->mp.wwid) ||
		    mp_bindings_lookup_wwid(d->bindings, p->mp.wwid))
			continue;
		mp_config_find_multipath(d->cfg, p->mp.wwid, &alias);
		if (!alias && wants_map(d, p, paths, why, sizeof(why)))
			cand[n++] = (struct prebind_cand){ .pos = pos, .wwid = p->mp.wwid };
	}
	if (n < 2)
		goto out_free;
	/* names in the order of each WWID's first eligible path */
	qsort(cand, n, sizeof(*cand), cmp_cand);
	for (size_t i = 0; i < n; i++)
		wwids[i] = cand[i].wwid;
	aliases = calloc(n, sizeof(*aliases));
	if (!aliases)
		goto out_free;
	mpd_naming_dir_make(mpd_bindings_path(d));
	struct mp_bindings_batch_edit edit = { .wwids = wwids, .n = n, .aliases = aliases };

	r = mp_atomic_file_update(mpd_bindings_path(d), MP_NAMING_FILE_MAX, 0600,
				  mp_bindings_edit_allocate_batch, &edit);
	if (r < 0) {
		mpd_log(&d->log, LOG_WARNING, "%s: cannot bind %zu names at once: %s; one at a time",
			mpd_bindings_path(d), n, strerror(-r));
		goto out_free;
	}
	for (size_t i = 0; i < n; i++)
		mp_bindings_add(d->bindings, aliases[i], wwids[i]);
	mpd_log(&d->log, LOG_INFO, "%s: %zu names bound in one write", mpd_bindings_path(d), n);
out_free:
	free(aliases);
	free(wwids);
	free(cand);
}

int mpd_assemble_adopt(struct mpd *d)
{
	struct mp_dm_map_info *maps = NULL;
	int n = mp_dm_list(d->dm, "multipath", &maps);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		struct mp_dm_target t = { 0 };
		const char *wwid;
		struct mpd_map *m;

		if (strncmp(maps[i].uuid, MP_DM_UUID_PREFIX, strlen(MP_DM_UUID_PREFIX)) != 0)
			continue;
		wwid = maps[i].uuid + strlen(MP_DM_UUID_PREFIX);
		if (!*wwid || mpd_map_add(d, wwid, &m) < 0)
			continue;
		snprintf(m->name, sizeof(m->name), "%s", maps[i].name);
		mp_map_set_alias(m->model, maps[i].name);
		m->in_kernel = true;
		m->devnum = maps[i].devnum;
		m->event_nr = maps[i].event_nr;
		m->open_count = maps[i].open_count;
		{
			const struct mp_device_ident id = { .wwid = wwid };

			mp_config_resolve(d->cfg, &id, &m->set);
		}
		if (mp_dm_get_table(d->dm, MP_DM_UUID(m->uuid), &t) == 0) {
			m->kernel_size = t.length;
			m->table = t.params;
			t.params = NULL;
		}
		mp_dm_target_release(&t);
		if (mp_dm_get_status(d->dm, MP_DM_UUID(m->uuid), &t) == 0)
			mp_dmstatus_parse(t.params, &m->status, NULL);
		mp_dm_target_release(&t);
		m->model->size = m->kernel_size;
		mpd_log_map(&d->log, LOG_INFO, m, "found in the kernel (event %u, open %d)",
			    m->event_nr, m->open_count);
	}
	free(maps);
	return 0;
}
