/* `mpctl status`, `mpctl show topology|maps|paths|config|events` and
 * `mpctl raw`: the read views. Each fetches the daemon's documents (or the
 * kernel's, through the fallback, when no daemon answers), then prints
 * them as text through render.c or, with --json, as JSON in the schema
 * mpctl(8) documents. Owns nothing past one call. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mp/config.h"
#include "mpctl.h"

#define MAPS_FORMAT  "%n  %d  %w  %S  %N  %u  %Q"
#define PATHS_FORMAT "%i  %d  %D  %m  %t  %T  %o  %p"

static bool is_help(const char *s)
{
	return !strcmp(s, "--help") || !strcmp(s, "-h");
}

static void print_json(struct json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static void put(struct mp_strbuf *sb)
{
	fputs(mp_strbuf_str(sb), stdout);
	mp_strbuf_release(sb);
}

static void show_usage(FILE *f)
{
	fprintf(f,
		"usage: mpctl show topology [MAP] [--ll]\n"
		"       mpctl show maps [-o FORMAT] [--no-header]\n"
		"       mpctl show paths [-o FORMAT] [--no-header]\n"
		"       mpctl show config [--effective MAP|PATH]\n"
		"       mpctl show events            (same as `mpctl events`)\n"
		"       mpctl show fields            (the FORMAT fields)\n"
		"\n"
		"Without a daemon, topology, maps and paths show the kernel's view (no\n"
		"checker states). --json prints the documents of mpctl(8) JSON OUTPUT.\n"
		"Default formats: maps \"%s\", paths \"%s\".\n", MAPS_FORMAT, PATHS_FORMAT);
}

static void print_fields(void)
{
	static const char *const kinds[] = { "maps", "paths" };

	for (int k = 0; k < 2; k++) {
		printf("%s fields:\n", kinds[k]);
		for (const struct mpctl_field *f = mpctl_fields((enum mpctl_obj)k); f->letter; f++)
			printf("  %%%c  %-14s %s\n", f->letter, f->header, f->help);
	}
}

static int show_topology(int argc, char **argv)
{
	struct mp_strbuf sb = MP_STRBUF_INIT;
	struct json_object *topo = NULL;
	const char *only = NULL;
	enum mpctl_tree_style st = MPCTL_TREE_MPCTL;
	bool fb;
	int r;

	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			printf("usage: mpctl show topology [MAP] [--ll]\n\n"
			       "Maps with their path groups and paths. MAP is a name, WWID, dm-N or\n"
			       "MAJ:MIN. --ll prints the layout of `multipath -ll`.\n");
			return MPCTL_EXIT_OK;
		} else if (!strcmp(argv[i], "--ll")) {
			st = MPCTL_TREE_LL;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "mpctl show topology: unknown option \"%s\"\n", argv[i]);
			return MPCTL_EXIT_USAGE;
		} else if (!only) {
			only = argv[i];
		} else {
			fprintf(stderr, "mpctl show topology: only one MAP may be given\n");
			return MPCTL_EXIT_USAGE;
		}
	}
	r = mpctl_get_view("topology", &topo, &fb);
	if (r)
		return r;
	if (mpctl_g.json) {
		struct json_object *a = json_object_new_array();

		for (size_t i = 0; i < json_object_array_length(topo); i++) {
			struct json_object *m = json_object_array_get_idx(topo, i);

			if (!only || mpctl_map_matches(m, only))
				json_object_array_add(a, json_object_get(m));
		}
		if (only && json_object_array_length(a) == 0)
			r = MPCTL_EXIT_FAIL;
		else
			print_json(a);
		json_object_put(a);
	} else if (mpctl_render_topology(topo, only, st, mpctl_g.color, &sb) == -ENOENT) {
		r = MPCTL_EXIT_FAIL;
	}
	if (r)
		fprintf(stderr, "mpctl show topology: no map \"%s\" (see `mpctl show maps`)\n", only);
	put(&sb);
	json_object_put(topo);
	return r;
}

static int show_table(enum mpctl_obj kind, int argc, char **argv)
{
	const char *fmt = kind == MPCTL_OBJ_MAP ? MAPS_FORMAT : PATHS_FORMAT;
	struct mp_strbuf sb = MP_STRBUF_INIT;
	struct json_object *doc = NULL;
	bool header = true, fb;
	char bad = 0;
	int r;

	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			printf("usage: mpctl show %s [-o FORMAT] [--no-header]\n\n"
			       "One row per %s. FORMAT mixes text and %%X fields (`mpctl show fields`);\n"
			       "default \"%s\".\n", argv[0], kind == MPCTL_OBJ_MAP ? "map" : "path", fmt);
			return MPCTL_EXIT_OK;
		} else if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--format")) && i + 1 < argc) {
			fmt = argv[++i];
		} else if (!strcmp(argv[i], "--no-header")) {
			header = false;
		} else {
			fprintf(stderr, "mpctl show %s: unexpected argument \"%s\"\n", argv[0], argv[i]);
			return MPCTL_EXIT_USAGE;
		}
	}
	if (!mpctl_g.json) {	/* validate the format before asking anyone */
		struct json_object *empty = json_object_new_array();

		r = mpctl_render_table(kind, empty, fmt, false, true, false, &sb, &bad);
		json_object_put(empty);
		if (r == -EINVAL) {
			fprintf(stderr, "mpctl show %s: unknown format field \"%%%c\" (see `mpctl show fields`)\n",
				argv[0], bad ? bad : ' ');
			return MPCTL_EXIT_USAGE;
		}
	}
	r = mpctl_get_view(kind == MPCTL_OBJ_MAP ? "topology" : "paths", &doc, &fb);
	if (r)
		return r;
	if (mpctl_g.json)
		print_json(doc);
	else if (mpctl_render_table(kind, doc, fmt, header, false, false, &sb, &bad) == 0)
		put(&sb);
	mp_strbuf_release(&sb);
	json_object_put(doc);
	return MPCTL_EXIT_OK;
}

static int show_config(int argc, char **argv)
{
	struct json_object *data = NULL;
	const char *target = NULL;
	char line[512];
	int r;

	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			printf("usage: mpctl show config [--effective MAP|PATH]\n\n"
			       "The configuration the daemon runs with. With --effective, the settings in\n"
			       "force for one map or path, each with where it came from (default,\n"
			       "hwtable, devices, overrides, multipaths). Without a daemon, prints\n"
			       "/etc/multipath.conf as the daemon would read it.\n");
			return MPCTL_EXIT_OK;
		} else if (!strcmp(argv[i], "--effective") && i + 1 < argc) {
			target = argv[++i];
		} else {
			fprintf(stderr, "mpctl show config: unexpected argument \"%s\"\n", argv[i]);
			return MPCTL_EXIT_USAGE;
		}
	}
	if (target && strpbrk(target, " \t\n")) {
		fprintf(stderr, "mpctl show config: \"%s\" is not a map or path name\n", target);
		return MPCTL_EXIT_USAGE;
	}
	snprintf(line, sizeof(line), target ? "show config effective %s" : "show config", target);
	r = mpctl_request_quiet(line, &data, NULL);
	if (r == -ENOENT || r == -ECONNREFUSED) {
		struct mp_strbuf sb = MP_STRBUF_INIT;
		struct mp_diags diags = MP_DIAGS_INIT;
		struct mp_config *cfg = NULL;

		if (target) {
			mpctl_print_unreachable("mpctl", mpctl_g.socket_path, r);
			return MPCTL_EXIT_UNREACHABLE;
		}
		fprintf(stderr, "mpctl: no daemon at %s; showing /etc/multipath.conf as it would be read\n",
			mpctl_g.socket_path);
		r = mp_config_load("/etc/multipath.conf", true, false, &diags, &cfg);
		mp_diags_release(&diags);
		if (r < 0 || mp_config_dump(cfg, false, &sb) < 0) {
			fprintf(stderr, "mpctl: /etc/multipath.conf: %s (see `mpctl config check`)\n",
				strerror(-r));
			mp_config_free(cfg);
			return MPCTL_EXIT_FAIL;
		}
		if (mpctl_g.json) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "text", json_object_new_string(mp_strbuf_str(&sb)));
			print_json(o);
			json_object_put(o);
		} else {
			fputs(mp_strbuf_str(&sb), stdout);
		}
		mp_strbuf_release(&sb);
		mp_config_free(cfg);
		return MPCTL_EXIT_OK;
	}
	if (r < 0 || !data) {
		json_object_put(data);
		return mpctl_request(line, NULL);	/* prints the reason */
	}
	if (mpctl_g.json) {
		print_json(data);
	} else if (!target) {
		fputs(mpctl_jstr(data, "text"), stdout);
	} else {
		struct json_object *set = NULL;
		size_t w = 0, wv = 0;

		json_object_object_get_ex(data, "settings", &set);
		printf("%s %s:\n", mpctl_jstr(data, "kind"), mpctl_jstr(data, "target"));
		for (size_t i = 0; set && i < json_object_array_length(set); i++) {
			struct json_object *s = json_object_array_get_idx(set, i);

			if (strlen(mpctl_jstr(s, "keyword")) > w)
				w = strlen(mpctl_jstr(s, "keyword"));
			if (strlen(mpctl_jstr(s, "value")) > wv)
				wv = strlen(mpctl_jstr(s, "value"));
		}
		for (size_t i = 0; set && i < json_object_array_length(set); i++) {
			struct json_object *s = json_object_array_get_idx(set, i);

			const char *why = mpctl_jstr(s, "reason");

			printf("  %-*s %-*s  (%s%s%s)\n", (int)w, mpctl_jstr(s, "keyword"), (int)wv,
			       mpctl_jstr(s, "value"), mpctl_jstr(s, "origin"), why[0] ? ": " : "", why);
		}
	}
	json_object_put(data);
	return MPCTL_EXIT_OK;
}

int mpctl_cmd_show(int argc, char **argv)
{
	if (argc < 2) {
		show_usage(stderr);
		return MPCTL_EXIT_USAGE;
	}
	if (is_help(argv[1])) {
		show_usage(stdout);
		return MPCTL_EXIT_OK;
	}
	if (!strcmp(argv[1], "topology"))
		return show_topology(argc - 1, argv + 1);
	if (!strcmp(argv[1], "maps"))
		return show_table(MPCTL_OBJ_MAP, argc - 1, argv + 1);
	if (!strcmp(argv[1], "paths"))
		return show_table(MPCTL_OBJ_PATH, argc - 1, argv + 1);
	if (!strcmp(argv[1], "config"))
		return show_config(argc - 1, argv + 1);
	if (!strcmp(argv[1], "events"))
		return mpctl_cmd_events(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fields")) {
		print_fields();
		return MPCTL_EXIT_OK;
	}
	fprintf(stderr, "mpctl show: unknown view \"%s\" (topology, maps, paths, config, events, fields)\n",
		argv[1]);
	return MPCTL_EXIT_USAGE;
}

/* ---- status ---------------------------------------------------------------- */

static unsigned int n_state(struct json_object *m, const char *state)
{
	struct json_object *groups = NULL;
	unsigned int n = 0;

	json_object_object_get_ex(m, "groups", &groups);
	for (size_t g = 0; groups && g < json_object_array_length(groups); g++) {
		struct json_object *paths = NULL;

		json_object_object_get_ex(json_object_array_get_idx(groups, g), "paths", &paths);
		for (size_t i = 0; paths && i < json_object_array_length(paths); i++) {
			struct json_object *p = json_object_array_get_idx(paths, i);

			if (!*state || !strcmp(mpctl_jstr(p, "checker_state"), state) ||
			    (!strcmp(state, "F") && !strcmp(mpctl_jstr(p, "dm_state"), "F")))
				n++;
		}
	}
	return n;
}

static void fmt_duration(long long ms, char *buf, size_t len)
{
	long long s = ms / 1000;

	if (s < 120)
		snprintf(buf, len, "%llds", s);
	else if (s < 7200)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 172800)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

int mpctl_cmd_status(int argc, char **argv)
{
	struct json_object *st = NULL, *topo = NULL, *ev = NULL, *out, *maps;
	size_t wname = 4;
	bool fb = false;
	int r;

	if (argc > 1) {
		if (is_help(argv[1])) {
			printf("usage: mpctl status\n\nOne screen: the daemon (version, uptime), each map with its\n"
			       "paths up/down/shaky, maps queueing I/O, and the last events. Without a\n"
			       "daemon, the kernel's view of the maps.\n");
			return MPCTL_EXIT_OK;
		}
		fprintf(stderr, "mpctl status: unexpected argument \"%s\"\n", argv[1]);
		return MPCTL_EXIT_USAGE;
	}
	r = mpctl_request_quiet("show status", &st, NULL);
	r = mpctl_get_view("topology", &topo, &fb);
	if (r)
		return r;
	if (!fb)
		mpctl_request_quiet("show events last 5", &ev, NULL);
	out = json_object_new_object();
	json_object_object_add(out, "daemon", st ? json_object_get(st) : NULL);
	json_object_object_add(out, "source", json_object_new_string(fb ? "kernel" : "daemon"));
	maps = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(topo); i++) {
		struct json_object *m = json_object_array_get_idx(topo, i), *o = json_object_new_object();
		char dm[32];
		struct mp_strbuf sb = MP_STRBUF_INIT;

		mpctl_field_value(MPCTL_OBJ_MAP, 'd', m, false, &sb);
		snprintf(dm, sizeof(dm), "%s", mp_strbuf_str(&sb));
		mp_strbuf_release(&sb);
		json_object_object_add(o, "name", json_object_new_string(mpctl_jstr(m, "name")));
		json_object_object_add(o, "wwid", json_object_new_string(mpctl_jstr(m, "wwid")));
		json_object_object_add(o, "dm", json_object_new_string(dm));
		json_object_object_add(o, "paths", json_object_new_int((int)n_state(m, "")));
		json_object_object_add(o, "usable", json_object_new_int((int)mpctl_jint(m, "usable_paths", 0)));
		json_object_object_add(o, "up", fb ? NULL : json_object_new_int((int)n_state(m, "up")));
		json_object_object_add(o, "down", fb ? NULL : json_object_new_int((int)n_state(m, "down")));
		json_object_object_add(o, "shaky", fb ? NULL : json_object_new_int((int)n_state(m, "shaky")));
		json_object_object_add(o, "queueing", json_object_new_boolean(mpctl_jbool(m, "queueing")));
		json_object_object_add(o, "queueing_io", json_object_new_boolean(
			mpctl_jbool(m, "queueing") && mpctl_jint(m, "usable_paths", 0) == 0));
		json_object_array_add(maps, o);
		if (strlen(mpctl_jstr(m, "name")) > wname)
			wname = strlen(mpctl_jstr(m, "name"));
	}
	json_object_object_add(out, "maps", maps);
	json_object_object_add(out, "events", ev ? json_object_get(ev) : NULL);
	if (mpctl_g.json) {
		print_json(out);
	} else {
		const char *bold = mpctl_g.color ? "\033[1m" : "", *off = mpctl_g.color ? "\033[0m" : "";
		const char *red = mpctl_g.color ? "\033[31m" : "";
		unsigned int queueing_io = 0;
		char up[32];

		if (st) {
			fmt_duration(mpctl_jint(st, "uptime_ms", 0), up, sizeof(up));
			printf("%smultipathd%s %s: up %s, %lld maps, %lld paths, %lld checks, %lld jobs pending\n",
			       bold, off, *mpctl_jstr(st, "version") ? mpctl_jstr(st, "version") : "running", up,
			       mpctl_jint(st, "maps", 0), mpctl_jint(st, "paths", 0), mpctl_jint(st, "checks", 0),
			       mpctl_jint(st, "jobs_pending", 0));
			printf("config %s, socket %s\n", mpctl_jstr(st, "config_file"), mpctl_g.socket_path);
		} else {
			printf("%smultipathd: not running%s (no daemon at %s); kernel view below\n", red,
			       off, mpctl_g.socket_path);
		}
		printf("\n%-*s  %-6s  %5s  %6s  %4s  %4s  %5s  %s\n", (int)wname, "MAP", "DM", "PATHS",
		       "USABLE", "UP", "DOWN", "SHAKY", "QUEUEING");
		for (size_t i = 0; i < json_object_array_length(maps); i++) {
			struct json_object *o = json_object_array_get_idx(maps, i);
			bool qio = mpctl_jbool(o, "queueing_io");
			bool degraded = mpctl_jint(o, "usable", 0) < mpctl_jint(o, "paths", 0);

			queueing_io += qio;
			printf("%-*s  %-6s  %5lld  %s%6lld%s  %4s  %4s  %5s  %s%s%s\n", (int)wname,
			       mpctl_jstr(o, "name"), mpctl_jstr(o, "dm"), mpctl_jint(o, "paths", 0),
			       degraded ? red : "", mpctl_jint(o, "usable", 0), degraded ? off : "",
			       fb ? "-" : mpctl_jstr(o, "up"), fb ? "-" : mpctl_jstr(o, "down"),
			       fb ? "-" : mpctl_jstr(o, "shaky"), qio ? red : "",
			       qio ? "QUEUEING I/O" : mpctl_jbool(o, "queueing") ? "on" : "off", qio ? off : "");
		}
		if (json_object_array_length(maps) == 0)
			printf("(no multipath maps)\n");
		if (queueing_io)
			printf("\n%s%u map%s queueing I/O with no usable path%s\n", red, queueing_io,
			       queueing_io == 1 ? "" : "s", off);
		if (ev) {
			struct json_object *list = NULL;
			struct mp_strbuf sb = MP_STRBUF_INIT;

			json_object_object_get_ex(ev, "events", &list);
			printf("\nlast events:\n");
			for (size_t i = 0; list && i < json_object_array_length(list); i++) {
				mp_strbuf_puts(&sb, "  ");
				mpctl_render_event(json_object_array_get_idx(list, i), mpctl_g.color, 2, &sb);
			}
			if (!list || json_object_array_length(list) == 0)
				mp_strbuf_puts(&sb, "  (none)\n");
			put(&sb);
		}
	}
	json_object_put(out);
	json_object_put(st);
	json_object_put(topo);
	json_object_put(ev);
	return MPCTL_EXIT_OK;
}

int mpctl_cmd_raw(int argc, char **argv)
{
	struct mp_strbuf line = MP_STRBUF_INIT;
	struct json_object *data = NULL;
	int r;

	if (argc < 2 || is_help(argv[1])) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: mpctl raw WORD...\n\nSends the words as one request line and prints the\n"
			"reply's data as JSON (`mpctl raw help` lists the daemon's commands).\n");
		return argc < 2 ? MPCTL_EXIT_USAGE : MPCTL_EXIT_OK;
	}
	for (int i = 1; i < argc; i++)
		mp_strbuf_printf(&line, "%s%s", i > 1 ? " " : "", argv[i]);
	r = mpctl_request(mp_strbuf_str(&line), &data);
	mp_strbuf_release(&line);
	if (r == MPCTL_EXIT_OK)
		print_json(data);
	json_object_put(data);
	return r;
}
