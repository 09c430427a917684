/* Control commands added for mpctl and the incumbent's clients: events,
 * counters, version, config views, and the map/path actions (add/del
 * path, add/del map, resize, suspend/resume, queueing). commands.c runs its
 * own table first and hands unmatched requests to mpd_cmd_ext_run().
 *
 * Like commands.c, handlers never wait for a worker: a create, reload or
 * remove is queued and reported as queued; `mpctl wait` or `show topology`
 * shows the result. suspend/resume too: even with no_flush a suspend
 * waits for I/O in flight on the paths, which a hung path can hold for a
 * SCSI timeout, so it never runs on the loop thread. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <json-c/json.h>

#include "mp/strbuf.h"
#include "mp/vpd.h"
#include "cmd-mpctl.h"
#include "events.h"

#define MPD_VERSION "0.1"

struct ext_cmd {
	const char *pattern;	/* words; "%" takes an argument, "*" any rest */
	struct json_object *(*fn)(struct mpd *d, const char *const *args, unsigned int n_args,
				  char *err, size_t len);
};

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static struct json_object *result(const char *what)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "result", jstr(what));
	return o;
}

static struct mpd_map *find_map(struct mpd *d, const char *arg, char *err, size_t len)
{
	struct mpd_map *m;
	unsigned int ma, mi;

	if (!strncmp(arg, "/dev/mapper/", 12))
		arg += 12;
	else if (!strncmp(arg, "/dev/", 5))
		arg += 5;
	m = mpd_map_find_name(d, arg);
	if (!m)
		m = mpd_map_find_wwid(d, arg);
	if (!m)
		m = mpd_map_find_uuid(d, arg);
	for (size_t i = 0; !m && i < d->n_maps; i++) {
		char dm[32];

		snprintf(dm, sizeof(dm), "dm-%u", minor(d->maps[i]->devnum));
		if (d->maps[i]->in_kernel && (!strcmp(dm, arg) ||
		    (sscanf(arg, "%u:%u", &ma, &mi) == 2 && d->maps[i]->devnum == makedev(ma, mi))))
			m = d->maps[i];
	}
	if (!m)
		snprintf(err, len, "no map named \"%s\" (give a name, WWID or dm-N; see `show maps`)", arg);
	return m;
}

static struct mpd_path *find_path(struct mpd *d, const char *arg, char *err, size_t len)
{
	struct mpd_path *p;
	unsigned int ma, mi;

	if (!strncmp(arg, "/dev/", 5))
		arg += 5;
	p = mpd_path_find_kname(d, arg);
	if (!p && sscanf(arg, "%u:%u", &ma, &mi) == 2)
		p = mpd_path_find_devt(d, makedev(ma, mi));
	if (!p)
		snprintf(err, len, "no path named \"%s\" (give sdX or MAJ:MIN; see `show paths`)", arg);
	return p;
}

static bool valid_kname(const char *s)
{
	if (!*s || strlen(s) >= MP_KNAME_SIZE || strchr(s, '/') || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	return true;
}

/* ---- views ---------------------------------------------------------------- */

static struct json_object *cmd_events(struct mpd *d, const char *const *a, unsigned int n, char *err,
				      size_t len)
{
	unsigned long long v = 0;
	char *end = NULL;

	if (n == 0)
		return mpd_events_json(d->events, 0, 0);
	if (n == 2) {
		v = strtoull(a[1], &end, 10);
		if (*end == '\0' && !strcmp(a[0], "since"))
			return mpd_events_json(d->events, v, 0);
		if (*end == '\0' && !strcmp(a[0], "last") && v > 0)
			return mpd_events_json(d->events, 0, (unsigned int)(v > MPD_EVENTS_MAX ? MPD_EVENTS_MAX : v));
	}
	snprintf(err, len, "usage: show events [since SEQ | last N]");
	return NULL;
}

static struct json_object *cmd_counters(struct mpd *d, const char *const *a, unsigned int n, char *err,
					size_t len)
{
	return mpd_events_counters_json(d->events);
}

static struct json_object *cmd_version(struct mpd *d, const char *const *a, unsigned int n, char *err,
				       size_t len)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "version", jstr(MPD_VERSION));
	json_object_object_add(o, "pid", json_object_new_int((int)getpid()));
	json_object_object_add(o, "uptime_ms", json_object_new_int64((int64_t)(mpd_now_ms() - d->started_ms)));
	return o;
}

static struct json_object *cmd_config(struct mpd *d, const char *const *a, unsigned int n, char *err,
				      size_t len)
{
	struct mp_strbuf sb = MP_STRBUF_INIT, full = MP_STRBUF_INIT;
	struct json_object *o = NULL;

	/* text: what the files set; full: every default in force and the
	 * built-in hardware table too (the compat clients print that) */
	if (mp_config_dump(d->cfg, false, &sb) < 0 || mp_config_dump_full(d->cfg, true, &full) < 0) {
		snprintf(err, len, "cannot print the configuration (out of memory)");
		goto out;
	}
	o = json_object_new_object();
	json_object_object_add(o, "config_file", jstr(d->opt.config_file));
	json_object_object_add(o, "text", jstr(mp_strbuf_str(&sb)));
	json_object_object_add(o, "full", jstr(mp_strbuf_str(&full)));
out:
	mp_strbuf_release(&sb);
	mp_strbuf_release(&full);
	return o;
}

/* "keyword value # origin" lines -> [{keyword, value, origin}] */
static struct json_object *settings_json(const struct mp_settings *s)
{
	struct mp_strbuf sb = MP_STRBUF_INIT;
	struct json_object *a = json_object_new_array();
	char *save = NULL;

	mp_settings_dump(s, true, &sb);
	for (char *l = strtok_r(sb.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_object_new_object();
		char *hash = strrchr(l, '#'), *sp;
		const char *origin = "";

		while (*l == ' ' || *l == '\t')
			l++;
		if (hash) {
			origin = hash + 1;
			while (*origin == ' ')
				origin++;
			*hash = '\0';
		}
		for (sp = l + strlen(l); sp > l && (sp[-1] == ' ' || sp[-1] == '\t'); sp--)
			sp[-1] = '\0';
		sp = l + strcspn(l, " \t");
		if (*sp) {
			*sp++ = '\0';
			while (*sp == ' ' || *sp == '\t')
				sp++;
		}
		json_object_object_add(o, "keyword", jstr(l));
		json_object_object_add(o, "value", jstr(sp));
		json_object_object_add(o, "origin", jstr(origin));
		json_object_array_add(a, o);
	}
	mp_strbuf_release(&sb);
	return a;
}

/* Adds each budget timer's reason to its keyword's row, rows for the
 * kernel timers that have no keyword, and the plan's worst cases. */
static void budget_json(const struct mp_budget_plan *b, struct json_object *o)
{
	struct json_object *set = NULL, *w = json_object_new_object();
	char origin[64], reason[256];

	json_object_object_get_ex(o, "settings", &set);
	snprintf(origin, sizeof(origin), "derived from failover_budget %u", b->budget);
	for (int t = 0; set && t < _MP_BT_MAX; t++) {
		const char *name = mp_budget_timer_name(t);
		bool found = false;

		if (b->how[t] == MP_BUDGET_UNUSED)
			continue;
		mp_budget_reason(b, t, reason, sizeof(reason));
		for (size_t i = 0; i < json_object_array_length(set); i++) {
			struct json_object *row = json_object_array_get_idx(set, i), *k = NULL;

			if (json_object_object_get_ex(row, "keyword", &k) &&
			    !strcmp(json_object_get_string(k), name)) {
				json_object_object_add(row, "reason", jstr(reason));
				found = true;
			}
		}
		if (!found) {
			struct json_object *row = json_object_new_object();
			char v[16];

			snprintf(v, sizeof(v), "%u", b->value[t]);
			json_object_object_add(row, "keyword", jstr(name));
			json_object_object_add(row, "value", jstr(v));
			json_object_object_add(row, "origin", jstr(origin));
			json_object_object_add(row, "reason", jstr(reason));
			json_object_array_add(set, row);
		}
	}
	json_object_object_add(w, "transport", jstr(mp_transport_to_string(b->transport)));
	json_object_object_add(w, "budget", json_object_new_int64(b->budget));
	json_object_object_add(w, "headroom", json_object_new_int64(b->headroom));
	json_object_object_add(w, "io_detect", json_object_new_int64(b->io_detect));
	json_object_object_add(w, "io_failover", json_object_new_int64(b->io_failover));
	json_object_object_add(w, "idle_detect", json_object_new_int64(b->idle_detect));
	json_object_object_add(o, "failover_budget", w);
}

static struct json_object *cmd_config_effective(struct mpd *d, const char *const *a, unsigned int n,
						char *err, size_t len)
{
	struct json_object *o = json_object_new_object();
	char e2[256];
	struct mpd_map *m = find_map(d, a[0], err, len);
	struct mpd_path *p = m ? NULL : find_path(d, a[0], e2, sizeof(e2));

	if (!m && !p) {
		json_object_put(o);
		snprintf(err, len, "no map or path named \"%s\" (see `show maps`, `show paths`)", a[0]);
		return NULL;
	}
	err[0] = '\0';
	json_object_object_add(o, "kind", jstr(m ? "map" : "path"));
	json_object_object_add(o, "target", jstr(m ? m->name : p->mp.kname));
	json_object_object_add(o, "settings", settings_json(m ? &m->set : &p->set));
	if (m && m->model->n_paths)	/* a map's settings come from its first path */
		p = mpd_path_find_devt(d, makedev(m->model->paths[0]->major,
						  m->model->paths[0]->minor));
	if (p && p->budget_on)
		budget_json(&p->budget, o);
	return o;
}

/* ---- path actions ------------------------------------------------------------ */

/* An operator asking for the map lifts a del map's hold on it. */
static void unhold(struct mpd *d, const char *wwid, const char *why)
{
	char what[64];

	if (!mp_holds_contains(&d->holds, wwid))
		return;
	snprintf(what, sizeof(what), "operator: %s", why);
	mpd_holds_set(d, wwid, false, what);
}

static struct json_object *cmd_add_path(struct mpd *d, const char *const *a, unsigned int n, char *err,
					size_t len)
{
	const char *kname = !strncmp(a[0], "/dev/", 5) ? a[0] + 5 : a[0];
	struct mpd_path *p = NULL;
	int r;

	if (!valid_kname(kname)) {
		snprintf(err, len, "\"%s\" is not a block device name", a[0]);
		return NULL;
	}
	r = mpd_discovery_path_added(d, kname, &p);
	if (r < 0 || !p) {
		snprintf(err, len, "cannot add path %s: %s", kname, r < 0 ? strerror(-r) : "not a SCSI path");
		return NULL;
	}
	mpd_log_path(&d->log, LOG_NOTICE, p, "operator: add path");
	if (p->blacklisted) {
		snprintf(err, len, "path %s is blacklisted%s%s", kname, p->why_not[0] ? ": " : "", p->why_not);
		return NULL;
	}
	/* find_multipaths strict: `multipath -a WWID` comes first (os-brick) */
	mpd_wwids_reload(d, false);
	unhold(d, p->mp.wwid, "add path");
	mpd_assemble_wwid(d, p->mp.wwid);
	return result(p->map ? "ok" : "added; not in a map yet");
}

static struct json_object *cmd_del_path(struct mpd *d, const char *const *a, unsigned int n, char *err,
					size_t len)
{
	struct mpd_path *p = find_path(d, a[0], err, len);
	struct mpd_map *m;

	if (!p)
		return NULL;
	m = p->map;
	mpd_log_path(&d->log, LOG_NOTICE, p, "operator: del path");
	if (m) {
		mpd_events_map(d->events, m, p->mp.kname, "removed", "operator", "del path");
		mpd_map_detach_path(d, p);
	}
	mpd_path_delete(d, p);
	if (m) {
		if (m->model->n_paths == 0)
			mpd_map_last_path_gone(d, m);
		else
			mpd_map_schedule_reload(d, m);
	}
	return result("ok");
}

/* ---- map actions ---------------------------------------------------------------- */

/* The WWID an `add map` argument names: a path (sdX, /dev/sdX, MAJ:MIN,
 * also one the daemon has not seen yet), a map the daemon knows (name,
 * dm-N, /dev/mapper/NAME, uuid), a name in the bindings file (a map
 * removed with del map keeps its binding), else a WWID as sysfs prints it
 * (naa.6001405...) or as the maps carry it (36001405...). */
static int add_map_wwid(struct mpd *d, const char *arg, char *wwid, size_t wlen, char *err,
			size_t len)
{
	const char *kname = !strncmp(arg, "/dev/", 5) ? arg + 5 : arg;
	const char *alias = !strncmp(arg, "/dev/mapper/", 12) ? arg + 12 : arg;
	struct mpd_path *p;
	struct mpd_map *m;
	const char *w = NULL;
	char e2[256], sys[128];

	p = find_path(d, arg, e2, sizeof(e2));
	snprintf(sys, sizeof(sys), "/sys/block/%s", kname);
	if (!p && !strncmp(kname, "sd", 2) && valid_kname(kname) && access(sys, F_OK) == 0 &&
	    mpd_discovery_path_added(d, kname, &p) < 0)
		p = NULL;
	if (p) {
		if (!p->mp.wwid[0]) {
			snprintf(err, len, "path %s has no WWID", p->mp.kname);
			return -ENODATA;
		}
		w = p->mp.wwid;
	}
	m = w ? NULL : find_map(d, arg, e2, sizeof(e2));
	if (m)
		w = m->model->wwid;
	if (!w && d->bindings)
		w = mp_bindings_lookup_alias(d->bindings, alias);
	if (w) {
		snprintf(wwid, wlen, "%s", w);
		return 0;
	}
	if (mp_wwid_from_user(arg, wwid, wlen) < 0) {
		snprintf(err, len, "\"%s\" is neither a known path or map nor a valid WWID", arg);
		return -EINVAL;
	}
	return 0;
}

static struct json_object *cmd_add_map(struct mpd *d, const char *const *a, unsigned int n, char *err,
				       size_t len)
{
	char wwid[MP_WWID_SIZE];
	struct mpd_map *m;

	if (add_map_wwid(d, a[0], wwid, sizeof(wwid), err, len) < 0)
		return NULL;
	mpd_log(&d->log, LOG_NOTICE, "operator: add map %s (asked as %s)", wwid, a[0]);
	/* `multipath -a` may have just put it in the wwids file */
	mpd_wwids_reload(d, false);
	unhold(d, wwid, "add map");
	mpd_assemble_wwid(d, wwid);
	m = mpd_map_find_wwid(d, wwid);
	if (!m) {
		for (size_t i = 0; i < d->n_paths; i++)
			if (!strcmp(d->paths[i]->mp.wwid, wwid)) {
				snprintf(err, len, "no map for %s: %s", wwid,
					 d->paths[i]->why_not[0] ? d->paths[i]->why_not : "not eligible");
				return NULL;
			}
		snprintf(err, len, "no path with WWID %s", wwid);
		return NULL;
	}
	mpd_events_map(d->events, m, "", "add", "operator", "add map");
	return result(m->in_kernel ? "ok" : "queued");
}

static struct json_object *cmd_reload_wwids(struct mpd *d, const char *const *a, unsigned int n,
					    char *err, size_t len)
{
	struct json_object *o;
	int r = mpd_wwids_reload(d, true);

	if (r < 0) {
		snprintf(err, len, "%s: %s; the list read before is kept", mpd_wwids_path(d), strerror(-r));
		return NULL;
	}
	mpd_log(&d->log, LOG_NOTICE, "operator: reload wwids: %zu WWIDs in %s", mp_wwids_count(d->wwids),
		mpd_wwids_path(d));
	o = result("ok");
	json_object_object_add(o, "wwids", json_object_new_int64((int64_t)mp_wwids_count(d->wwids)));
	return o;
}

/* Is the map open by anything but its unused partition maps? Says which
 * in err. A list that cannot be read counts as busy. */
static bool partmaps_busy(struct mpd *d, const struct mpd_map *m, char *err, size_t len)
{
	struct mp_dm_map_info *parts = NULL;
	int n = mp_dm_list_partmaps(d->dm, m->uuid, &parts);
	int held = m->open_count;
	bool busy = false;

	for (int i = 0; i < n && !busy; i++) {
		if (parts[i].open_count > 0) {
			snprintf(err, len, "map %s is in use: its partition map %s is open (open count %d)",
				 m->name, parts[i].name, (int)parts[i].open_count);
			busy = true;
		}
		held--;
	}
	free(parts);
	if (!busy && (n < 0 || held > 0)) {
		snprintf(err, len, "map %s is in use (open count %d); close it first", m->name,
			 (int)m->open_count);
		busy = true;
	}
	return busy;
}

/* Whether the map's table is in the kernel for an operator's action; on
 * false, err says why. A create in flight (the map may be in the kernel
 * already while its job waits for udev) is a "try again", not a map that
 * is not there. */
static bool map_loaded(const struct mpd_map *m, char *err, size_t len)
{
	if (m->in_kernel)
		return true;
	if (m->op_in_flight)
		snprintf(err, len, "map %s is busy with a table change; try again", m->name);
	else
		snprintf(err, len, "map %s is not loaded in the kernel", m->name);
	return false;
}

static struct json_object *cmd_del_map(struct mpd *d, const char *const *a, unsigned int n, char *err,
				       size_t len)
{
	struct mpd_map *m = find_map(d, a[0], err, len);
	struct mp_dm_map_info info;
	struct mpd_job *j;

	if (!m || !map_loaded(m, err, len))
		return NULL;
	/* the cached count is only as fresh as the last dm event; an info
	 * ioctl never waits on I/O, so ask the kernel now */
	if (mp_dm_info(d->dm, MP_DM_UUID(m->uuid), &info) == 0)
		m->open_count = info.open_count;
	/* each partition map holds the map open once; the remove job takes
	 * the unused ones first, a used one keeps the map */
	if (m->open_count > 0 && partmaps_busy(d, m, err, len))
		return NULL;
	if (m->op_in_flight) {
		snprintf(err, len, "map %s is busy with a table change; try again", m->name);
		return NULL;
	}
	j = mpd_job_new(MPD_JOB_REMOVE, m->uuid, m->name);
	if (!j) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	m->removing = true;
	m->op_in_flight = true;
	mpd_holds_set(d, m->model->wwid, true, "operator: del map");
	mpd_log_map(&d->log, LOG_NOTICE, m, "operator: del map (held until add map/add path)");
	mpd_events_map(d->events, m, "active", "removing", "operator", "del map");
	mpd_workers_submit(d->workers, j);
	return result("queued");
}

static uint64_t read_size(const char *kname)
{
	char path[128], buf[32] = "";
	int fd;
	ssize_t r;

	snprintf(path, sizeof(path), "/sys/block/%s/size", kname);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[r > 0 ? r : 0] = '\0';
	return strtoull(buf, NULL, 10);
}

static struct json_object *cmd_resize_map(struct mpd *d, const char *const *a, unsigned int n, char *err,
					  size_t len)
{
	struct mpd_map *m = find_map(d, a[0], err, len);
	uint64_t size = 0, old;
	struct json_object *o;

	if (!m)
		return NULL;
	old = m->model->size;
	for (size_t i = 0; i < m->model->n_paths; i++) {
		struct mpd_path *p = (struct mpd_path *)m->model->paths[i];
		uint64_t s = read_size(p->mp.kname);

		if (s) {
			if (size && s != size) {
				snprintf(err, len, "paths of %s disagree on the size (%s has %llu sectors, "
					 "others %llu); rescan them first", m->name, p->mp.kname,
					 (unsigned long long)s, (unsigned long long)size);
				return NULL;
			}
			size = s;
			p->size = s;
		}
	}
	if (!size) {
		snprintf(err, len, "map %s: no path size readable", m->name);
		return NULL;
	}
	m->model->size = size;
	mpd_log_map(&d->log, LOG_NOTICE, m, "operator: resize %llu -> %llu sectors",
		    (unsigned long long)old, (unsigned long long)size);
	mpd_map_schedule_reload(d, m);
	o = result(size == old ? "ok (size unchanged)" : "ok");
	json_object_object_add(o, "size", json_object_new_int64((int64_t)size));
	return o;
}

static struct json_object *suspend_resume(struct mpd *d, const char *arg, bool suspend, char *err,
					  size_t len)
{
	struct mpd_map *m = find_map(d, arg, err, len);
	struct mpd_job *j;
	int r;

	if (!m || !map_loaded(m, err, len))
		return NULL;
	j = mpd_job_new(suspend ? MPD_JOB_SUSPEND : MPD_JOB_RESUME, m->uuid, m->name);
	r = j ? mpd_workers_submit(d->workers, j) : -ENOMEM;
	if (r < 0) {
		snprintf(err, len, "%s %s: %s", suspend ? "suspend" : "resume", m->name, strerror(-r));
		return NULL;
	}
	mpd_log_map(&d->log, LOG_INFO, m, "operator: %s queued", suspend ? "suspend" : "resume");
	return result("queued");
}

static struct json_object *cmd_suspend(struct mpd *d, const char *const *a, unsigned int n, char *err,
				       size_t len)
{
	return suspend_resume(d, a[0], true, err, len);
}

static struct json_object *cmd_resume(struct mpd *d, const char *const *a, unsigned int n, char *err,
				      size_t len)
{
	return suspend_resume(d, a[0], false, err, len);
}

static void queueing_one(struct mpd *d, struct mpd_map *m, enum mp_queue_event_kind kind)
{
	struct mp_action buf[MP_POLICY_MAX_STEP_ACTIONS];
	struct mp_actions acts;
	struct mp_queue_event ev = { .kind = kind, .usable_paths = mpd_map_usable_paths(m) };
	bool before = m->q.queueing;

	mp_policy_actions_init(&acts, buf, MP_POLICY_MAX_STEP_ACTIONS);
	if (mp_policy_queue_step(&m->q, &m->set.no_path_retry, &ev, &acts, &m->q) < 0)
		return;
	for (unsigned int i = 0; i < acts.len; i++)
		if (acts.v[i].kind == MP_ACT_SET_QUEUEING) {
			mpd_log_map(&d->log, LOG_NOTICE, m, "operator: %s",
				    acts.v[i].on ? "queue_if_no_path" : "fail_if_no_path");
			mpd_map_message(d, m, acts.v[i].on ? "queue_if_no_path" : "fail_if_no_path", 0);
		}
	mpd_events_map(d->events, m, before ? "queueing on" : "queueing off", m->q.queueing ? "queueing on" : "queueing off",
		       "operator", kind == MP_QEV_OPER_DISABLE ? "queueing disable" :
		       kind == MP_QEV_OPER_FORCE ? "queueing force" : "queueing restore");
}

static struct json_object *cmd_queueing(struct mpd *d, const char *const *a, unsigned int n, char *err,
					size_t len)
{
	enum mp_queue_event_kind kind;
	struct mpd_map *m = NULL;

	if (!strcmp(a[0], "disable"))
		kind = MP_QEV_OPER_DISABLE;
	else if (!strcmp(a[0], "restore"))
		kind = MP_QEV_OPER_RESTORE;
	else if (!strcmp(a[0], "force"))
		kind = MP_QEV_OPER_FORCE;
	else {
		snprintf(err, len, "queueing wants disable, restore or force, not \"%s\"", a[0]);
		return NULL;
	}
	if (strcmp(a[1], "--all") != 0) {
		m = find_map(d, a[1], err, len);
		if (!m)
			return NULL;
		queueing_one(d, m, kind);
	} else {
		for (size_t i = 0; i < d->n_maps; i++)
			if (d->maps[i]->in_kernel)
				queueing_one(d, d->maps[i], kind);
	}
	return result("ok");
}

/* The incumbent's spellings. */
static struct json_object *cmd_disableq(struct mpd *d, const char *const *a, unsigned int n, char *err,
					size_t len)
{
	const char *v[2] = { "disable", n ? a[0] : "--all" };

	return cmd_queueing(d, v, 2, err, len);
}

static struct json_object *cmd_restoreq(struct mpd *d, const char *const *a, unsigned int n, char *err,
					size_t len)
{
	const char *v[2] = { "restore", n ? a[0] : "--all" };

	return cmd_queueing(d, v, 2, err, len);
}

static const struct ext_cmd ext[] = {
	{ "show events", cmd_events },
	{ "show events % %", cmd_events },
	{ "show counters", cmd_counters },
	{ "show version", cmd_version },
	{ "show config", cmd_config },
	{ "show config effective %", cmd_config_effective },
	{ "add path %", cmd_add_path },
	{ "del path %", cmd_del_path },
	{ "remove path %", cmd_del_path },
	{ "add map %", cmd_add_map },
	{ "del map %", cmd_del_map },
	{ "remove map %", cmd_del_map },
	{ "resize map %", cmd_resize_map },
	{ "reload wwids", cmd_reload_wwids },
	{ "suspend map %", cmd_suspend },
	{ "resume map %", cmd_resume },
	{ "queueing % %", cmd_queueing },
	{ "disablequeueing map %", cmd_disableq },
	{ "restorequeueing map %", cmd_restoreq },
	{ "disablequeueing maps", cmd_disableq },
	{ "restorequeueing maps", cmd_restoreq },
};

struct json_object *mpd_cmd_ext_run(struct mpd *d, const char *const *words, unsigned int n_words,
				    char *err, size_t len, bool *ret_matched)
{
	for (size_t c = 0; c < sizeof(ext) / sizeof(ext[0]); c++) {
		const char *args[8];
		unsigned int n_args = 0, i = 0;
		char pat[64], *save = NULL;
		bool ok = true;

		snprintf(pat, sizeof(pat), "%s", ext[c].pattern);
		for (char *w = strtok_r(pat, " ", &save); w && ok; w = strtok_r(NULL, " ", &save), i++) {
			if (i >= n_words)
				ok = false;
			else if (!strcmp(w, "%"))
				args[n_args++] = words[i];
			else if (strcasecmp(w, words[i]))
				ok = false;
		}
		if (!ok || i != n_words)
			continue;
		*ret_matched = true;
		return ext[c].fn(d, args, n_args, err, len);
	}
	*ret_matched = false;
	return NULL;
}
