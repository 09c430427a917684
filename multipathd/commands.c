/* The control protocol's commands: a table of word patterns and handlers.
 * A request is one line of words; the reply is one JSON document
 * {"ok":true,"data":...} or {"ok":false,"error":"..."}. Handlers read the
 * daemon's state as it is now and never wait for a worker: a change they
 * ask for (fail, reinstate, switch) is queued and reported as queued.
 * To add a command, add a row to `commands` (docs/design-daemon.md lists
 * the schema). Owns nothing between requests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <json-c/json.h>

#include "mp/group.h"
#include "cmd-mpctl.h"
#include "daemon.h"

#define MAX_WORDS 8

struct request {
	const char *words[MAX_WORDS];
	unsigned int n;
	const char *args[MAX_WORDS];	/* the words matched by "%" */
	unsigned int n_args;
};

typedef struct json_object *(*cmd_fn)(struct mpd *d, const struct request *rq, char *err,
				       size_t errlen);

struct command {
	const char *pattern;	/* words; "%" takes an argument */
	cmd_fn fn;
	const char *help;
};

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static struct json_object *path_json(const struct mpd_path *p)
{
	struct json_object *o = json_object_new_object();
	char buf[64];

	json_object_object_add(o, "dev", jstr(p->mp.kname));
	snprintf(buf, sizeof(buf), "%u:%u", p->mp.major, p->mp.minor);
	json_object_object_add(o, "dev_t", jstr(buf));
	snprintf(buf, sizeof(buf), "%d:%d:%d:%lld", p->mp.hbtl.host, p->mp.hbtl.bus,
		 p->mp.hbtl.target, (long long)p->mp.hbtl.lun);
	json_object_object_add(o, "hctl", jstr(buf));
	json_object_object_add(o, "wwid", jstr(p->mp.wwid));
	json_object_object_add(o, "map", p->map ? jstr(p->map->name) : NULL);
	json_object_object_add(o, "dm_state", jstr(p->mp.dm_state == MP_DM_PATH_ACTIVE ? "A" : "F"));
	json_object_object_add(o, "checker_state", jstr(mp_path_state_to_string(p->pol.state)));
	json_object_object_add(o, "checker", jstr(mp_checker_kind_to_string(p->set.path_checker)));
	json_object_object_add(o, "last_check",
			       p->checked_once ? jstr(mp_check_result_to_string(p->last_verdict)) : NULL);
	json_object_object_add(o, "check_ms",
			       p->checked_once ? json_object_new_int64(p->check_ms) : NULL);
	json_object_object_add(o, "sysfs_state", jstr(mp_sdev_state_to_string(p->sdev_state)));
	json_object_object_add(o, "prio", json_object_new_int(p->mp.prio));
	json_object_object_add(o, "alua_state", jstr(mp_alua_state_to_string(p->mp.alua_state)));
	json_object_object_add(o, "alua_source", p->alua_src ? jstr(p->alua_src) : NULL);
	json_object_object_add(o, "checks", json_object_new_int64((int64_t)p->n_checks));
	json_object_object_add(o, "rtpgs", json_object_new_int64((int64_t)p->n_rtpgs));
	json_object_object_add(o, "vendor", jstr(p->mp.vendor));
	json_object_object_add(o, "product", jstr(p->mp.product));
	mpd_shares_path_json(p, o);
	if (!p->map)
		json_object_object_add(o, "why_not", jstr(p->why_not[0] ? p->why_not : "not assembled yet"));
	return o;
}

static const char *group_state(const struct mpd_map *m, size_t g)
{
	if (!m->status || g >= m->status->n_groups)
		return "unknown";
	switch (m->status->groups[g].state) {
	case MP_DM_GROUP_ACTIVE: return "active";
	case MP_DM_GROUP_ENABLED: return "enabled";
	case MP_DM_GROUP_DISABLED: return "disabled";
	default: return "unknown";
	}
}

static void table_parts(const struct mpd_map *m, struct json_object *o)
{
	struct mp_dmtable *t = NULL;
	char buf[256] = "";
	size_t off = 0;

	if (!m->table || mp_dmtable_parse(m->table, &t, NULL) < 0) {
		json_object_object_add(o, "features", NULL);
		json_object_object_add(o, "hwhandler", NULL);
		return;
	}
	off += snprintf(buf, sizeof(buf), "%u", t->n_features);
	for (unsigned int i = 0; i < t->n_features && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, " %s", t->features[i]);
	json_object_object_add(o, "features", jstr(buf));
	snprintf(buf, sizeof(buf), "%s%s", t->hwhandler ? "1 " : "0", t->hwhandler ? t->hwhandler : "");
	json_object_object_add(o, "hwhandler", jstr(buf));
	mp_dmtable_free(t);
}

static struct json_object *map_json(struct mpd *d, const struct mpd_map *m, bool with_paths)
{
	struct json_object *o = json_object_new_object(), *groups = json_object_new_array();
	char buf[64];

	json_object_object_add(o, "name", jstr(m->name));
	json_object_object_add(o, "wwid", jstr(m->model->wwid));
	json_object_object_add(o, "uuid", jstr(m->uuid));
	json_object_object_add(o, "dm_name", m->in_kernel ? jstr(m->name) : NULL);
	snprintf(buf, sizeof(buf), "%u:%u", major(m->devnum), minor(m->devnum));
	json_object_object_add(o, "dm_dev_t", m->in_kernel ? jstr(buf) : NULL);
	json_object_object_add(o, "size", json_object_new_int64((int64_t)m->model->size));
	table_parts(m, o);
	json_object_object_add(o, "in_kernel", json_object_new_boolean(m->in_kernel));
	json_object_object_add(o, "held", json_object_new_boolean(m->held));
	json_object_object_add(o, "event_nr", json_object_new_int64(m->event_nr));
	json_object_object_add(o, "open_count", json_object_new_int(m->open_count));
	json_object_object_add(o, "queueing", json_object_new_boolean(m->q.known ? m->q.queueing :
		m->set.no_path_retry.mode != MP_NO_PATH_RETRY_FAIL));
	json_object_object_add(o, "usable_paths", json_object_new_int((int)mpd_map_usable_paths(m)));
	for (size_t g = 0; g < m->model->n_pgs; g++) {
		const struct mp_pathgroup *pg = &m->model->pgs[g];
		struct json_object *go = json_object_new_object(), *paths = json_object_new_array();

		json_object_object_add(go, "group", json_object_new_int((int)g + 1));
		json_object_object_add(go, "selector", jstr(pg->selector));
		json_object_object_add(go, "prio", json_object_new_int(mp_pathgroup_prio(pg)));
		json_object_object_add(go, "state", jstr(group_state(m, g)));
		for (size_t i = 0; i < pg->n_paths; i++) {
			const struct mpd_path *p = (const struct mpd_path *)pg->paths[i];

			json_object_array_add(paths, with_paths ? path_json(p) : jstr(p->mp.kname));
		}
		json_object_object_add(go, "paths", paths);
		json_object_array_add(groups, go);
	}
	json_object_object_add(o, "groups", groups);
	mpd_shares_map_json(m, o);
	(void)d;
	return o;
}

static struct json_object *cmd_show_paths(struct mpd *d, const struct request *rq, char *err, size_t len)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < d->n_paths; i++)
		json_object_array_add(a, path_json(d->paths[i]));
	return a;
}

static struct json_object *cmd_show_maps(struct mpd *d, const struct request *rq, char *err, size_t len)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < d->n_maps; i++)
		json_object_array_add(a, map_json(d, d->maps[i], false));
	return a;
}

static struct json_object *cmd_show_topology(struct mpd *d, const struct request *rq, char *err,
					     size_t len)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < d->n_maps; i++)
		json_object_array_add(a, map_json(d, d->maps[i], true));
	return a;
}

static struct json_object *cmd_show_status(struct mpd *d, const struct request *rq, char *err,
					   size_t len)
{
	struct json_object *o = json_object_new_object();
	uint64_t now = mpd_now_ms();

	json_object_object_add(o, "state", jstr(d->startup.active ? "starting" : "running"));
	json_object_object_add(o, "uptime_ms", json_object_new_int64((int64_t)(now - d->started_ms)));
	json_object_object_add(o, "startup_ms", d->ready_ms ?
			       json_object_new_int64((int64_t)(d->ready_ms - d->started_ms)) : NULL);
	json_object_object_add(o, "maps", json_object_new_int64((int64_t)d->n_maps));
	json_object_object_add(o, "paths", json_object_new_int64((int64_t)d->n_paths));
	json_object_object_add(o, "jobs_pending", json_object_new_int((int)mpd_workers_pending(d->workers)));
	json_object_object_add(o, "checks", json_object_new_int64((int64_t)d->n_checks));
	json_object_object_add(o, "creates", json_object_new_int64((int64_t)d->n_creates));
	json_object_object_add(o, "reloads", json_object_new_int64((int64_t)d->n_reloads));
	json_object_object_add(o, "messages", json_object_new_int64((int64_t)d->n_messages));
	json_object_object_add(o, "config_file", jstr(d->opt.config_file));
	json_object_object_add(o, "bindings_file", jstr(d->bindings_file));
	json_object_object_add(o, "wwids_file", jstr(d->wwids_file));
	return o;
}

static struct mpd_path *find_path_arg(struct mpd *d, const char *arg, char *err, size_t len)
{
	struct mpd_path *p;
	unsigned int ma, mi;

	if (strncmp(arg, "/dev/", 5) == 0)
		arg += 5;
	p = mpd_path_find_kname(d, arg);
	if (!p && sscanf(arg, "%u:%u", &ma, &mi) == 2)
		p = mpd_path_find_devt(d, makedev(ma, mi));
	if (!p)
		snprintf(err, len, "no path named \"%s\" (give sdX or MAJ:MIN; see `show paths`)", arg);
	else if (!p->map) {
		snprintf(err, len, "path %s is in no map (%s)", p->mp.kname,
			 p->why_not[0] ? p->why_not : "not assembled");
		p = NULL;
	}
	return p;
}

static struct json_object *oper_path(struct mpd *d, const struct request *rq, char *err, size_t len,
				     enum mp_path_event_kind kind)
{
	struct mpd_path *p = find_path_arg(d, rq->args[0], err, len);
	struct json_object *o;

	if (!p)
		return NULL;
	mpd_log_path(&d->log, LOG_NOTICE, p, "operator: %s", kind == MP_PEV_OPER_FAIL ? "fail" : "reinstate");
	mpd_checker_path_event(d, p, kind, p->mp.dm_state);
	o = json_object_new_object();
	json_object_object_add(o, "dev", jstr(p->mp.kname));
	json_object_object_add(o, "map", jstr(p->map ? p->map->name : NULL));
	json_object_object_add(o, "checker_state", jstr(mp_path_state_to_string(p->pol.state)));
	json_object_object_add(o, "queued", json_object_new_boolean(true));
	return o;
}

static struct json_object *cmd_fail_path(struct mpd *d, const struct request *rq, char *err, size_t len)
{
	return oper_path(d, rq, err, len, MP_PEV_OPER_FAIL);
}

static struct json_object *cmd_reinstate_path(struct mpd *d, const struct request *rq, char *err,
					      size_t len)
{
	return oper_path(d, rq, err, len, MP_PEV_OPER_REINSTATE);
}

static struct json_object *cmd_switch_group(struct mpd *d, const struct request *rq, char *err,
					    size_t len)
{
	struct mpd_map *m = mpd_map_find_name(d, rq->args[0]);
	char msg[MP_DM_MESSAGE_SIZE], *end;
	unsigned long g = strtoul(rq->args[1], &end, 10);

	if (!m) {
		snprintf(err, len, "no map named \"%s\" (see `show maps`)", rq->args[0]);
		return NULL;
	}
	if (*end || g < 1 || g > m->model->n_pgs) {
		snprintf(err, len, "map %s has groups 1..%zu; \"%s\" is not one of them", m->name,
			 m->model->n_pgs, rq->args[1]);
		return NULL;
	}
	snprintf(msg, sizeof(msg), "switch_group %lu", g);
	mpd_log_map(&d->log, LOG_NOTICE, m, "operator: %s", msg);
	if (mpd_map_message(d, m, msg, 0) < 0) {
		snprintf(err, len, "map %s is not loaded in the kernel", m->name);
		return NULL;
	}
	return json_object_new_string("queued");
}

static struct json_object *cmd_reconfigure(struct mpd *d, const struct request *rq, char *err,
					   size_t len)
{
	if (mpd_reconfigure(d) < 0) {
		snprintf(err, len, "%s has errors (see the daemon log); the running configuration is kept",
			 d->opt.config_file);
		return NULL;
	}
	return json_object_new_string("reconfigured");
}

static struct json_object *cmd_shutdown(struct mpd *d, const struct request *rq, char *err, size_t len)
{
	mpd_log(&d->log, LOG_NOTICE, "shutdown requested on the control socket; maps stay");
	d->quit = true;
	return json_object_new_string("shutting down");
}

static struct json_object *cmd_help(struct mpd *d, const struct request *rq, char *err, size_t len);

static const struct command commands[] = {
	{ "show paths", cmd_show_paths, "every path, with dm and checker state" },
	{ "show maps", cmd_show_maps, "every map" },
	{ "show topology", cmd_show_topology, "maps with their groups and paths" },
	{ "show status", cmd_show_status, "daemon counters" },
	{ "fail path %", cmd_fail_path, "fail a path until reinstated (sdX or MAJ:MIN)" },
	{ "reinstate path %", cmd_reinstate_path, "lift an operator fail" },
	{ "switch group % %", cmd_switch_group, "switch MAP to group N (1-based)" },
	{ "reconfigure", cmd_reconfigure, "re-read the configuration" },
	{ "shutdown", cmd_shutdown, "stop the daemon; maps stay" },
	{ "help", cmd_help, "this list" },
};

static struct json_object *cmd_help(struct mpd *d, const struct request *rq, char *err, size_t len)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char line[160];

		snprintf(line, sizeof(line), "%s — %s", commands[i].pattern, commands[i].help);
		json_object_array_add(a, jstr(line));
	}
	return a;
}

static bool match(const struct command *c, const struct request *in, struct request *out)
{
	char pat[64], *save = NULL;
	unsigned int i = 0;

	*out = *in;
	out->n_args = 0;
	snprintf(pat, sizeof(pat), "%s", c->pattern);
	for (char *w = strtok_r(pat, " ", &save); w; w = strtok_r(NULL, " ", &save), i++) {
		if (i >= in->n)
			return false;
		if (strcmp(w, "%") == 0)
			out->args[out->n_args++] = in->words[i];
		else if (strcasecmp(w, in->words[i]) != 0)
			return false;
	}
	return i == in->n;
}

static struct json_object *reply(bool ok, struct json_object *data, const char *error)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	if (ok)
		json_object_object_add(o, "data", data);
	else
		json_object_object_add(o, "error", jstr(error));
	return o;
}

struct json_object *mpd_commands_run(struct mpd *d, const char *line)
{
	char buf[4096], *save = NULL, err[512] = "";
	struct request rq = { 0 }, args;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *w = strtok_r(buf, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (rq.n == MAX_WORDS)
			return reply(false, NULL, "too many words in the request");
		rq.words[rq.n++] = w;
	}
	if (rq.n == 0)
		return reply(false, NULL, "empty request; try `help`");
	/* while paths are still being read, a change would act on a partial
	 * picture (a map with half its paths): reads only */
	if (d->startup.active && strcasecmp(rq.words[0], "show") != 0 &&
	    strcasecmp(rq.words[0], "help") != 0) {
		snprintf(err, sizeof(err), "starting: %zu of %zu paths read; only show and help "
			 "until `show status` says running", d->n_paths, d->startup.n);
		return reply(false, NULL, err);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		struct json_object *data;

		if (!match(&commands[i], &rq, &args))
			continue;
		data = commands[i].fn(d, &args, err, sizeof(err));
		return data || !err[0] ? reply(true, data, NULL) : reply(false, NULL, err);
	}
	{	/* mpctl's commands (cmd-mpctl.c) */
		bool matched = false;
		struct json_object *data = mpd_cmd_ext_run(d, rq.words, rq.n, err, sizeof(err), &matched);

		if (matched)
			return data || !err[0] ? reply(true, data, NULL) : reply(false, NULL, err);
	}
	/* echo the request printable only: it may be any bytes, the reply is JSON text */
	snprintf(err, sizeof(err), "unknown command \"%.64s\"; try `help`", line);
	for (char *c = err; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	return reply(false, NULL, err);
}
