/* `multipathd [--socket PATH] VERB...`: the client mode, speaking the
 * incumbent's verbs, format wildcards and reply texts for the programs
 * that drive it today (os-brick, CSI drivers, ReaR, scripts):
 *
 *   show status | show daemon | show config
 *   show paths|maps [raw] [format "FMT"]       (the %X fields of mpctl(8))
 *   show topology | show map(s) [X] topology | list ...  (same as show)
 *   reconfigure | shutdown
 *   fail|reinstate|add|del|remove path DEV
 *   add|del|remove|resize|suspend|resume map X   (X may be a t10. WWID
 *                                                with blanks, mpctl_map_arg)
 *   switchgroup map X group N
 *   disablequeueing|restorequeueing map X | maps
 *
 * Actions print "ok" or "fail" (exit 0 / 1), as the incumbent's do; the
 * reason of a "fail" goes to stderr. The connection code and renderers
 * are mpctl's (ipc.c, render.c), compiled in here so both tools print
 * the same thing. */
#include "../mpctl/args.c"
#include "../mpctl/ipc.c"
#include "../mpctl/render.c"

#include "client.h"

static const char *const actions[] = {
	"fail path", "reinstate path", "add path", "del path", "remove path",
	"add map", "del map", "remove map", "resize map", "suspend map", "resume map",
	"reconfigure", "shutdown", "disablequeueing", "restorequeueing",
};

static int fetch(const char *line, struct json_object **ret)
{
	char *err = NULL;
	int r = mpctl_request_quiet(line, ret, &err);

	if (r == -EREMOTEIO) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return 1;
	}
	if (r < 0) {
		mpctl_print_unreachable("multipathd", mpctl_g.socket_path, r);
		return 1;
	}
	return 0;
}

static int show_table(enum mpctl_obj kind, bool raw, const char *fmt)
{
	struct mp_strbuf sb = MP_STRBUF_INIT;
	struct json_object *doc = NULL;
	char bad = 0;
	int r;

	if (fetch(kind == MPCTL_OBJ_MAP ? "show topology" : "show paths", &doc))
		return 1;
	if (kind == MPCTL_OBJ_MAP && !(doc = mpctl_maps_in_kernel(doc))) {
		fprintf(stderr, "multipathd: out of memory\n");
		return 1;
	}
	if (!fmt)
		fmt = kind == MPCTL_OBJ_MAP ? "%n %d %w" : "%i %d %D %p %t %T %o";
	r = mpctl_render_table(kind, doc, fmt, !raw, raw, true, &sb, &bad);
	json_object_put(doc);
	if (r < 0) {
		fprintf(stderr, "multipathd: unknown wildcard %%%c\n", bad ? bad : ' ');
		mp_strbuf_release(&sb);
		return 1;
	}
	fputs(mp_strbuf_str(&sb), stdout);
	mp_strbuf_release(&sb);
	return 0;
}

static int show_topology(const char *only)
{
	struct mp_strbuf sb = MP_STRBUF_INIT;
	struct json_object *doc = NULL;
	int r;

	if (fetch("show topology", &doc))
		return 1;
	r = mpctl_render_topology(doc, only, MPCTL_TREE_LL, false, &sb);
	json_object_put(doc);
	fputs(mp_strbuf_str(&sb), stdout);
	mp_strbuf_release(&sb);
	return r == -ENOENT ? 1 : 0;
}

static int show_status(void)
{
	static const char *const states[] = { "up", "down", "shaky", "ghost", "pending", "unchecked" };
	static const char *const theirs[] = { "ready", "faulty", "shaky", "ghost", "i/o pending", "undef" };
	struct json_object *st = NULL, *paths = NULL;

	if (fetch("show status", &st) || fetch("show paths", &paths)) {
		json_object_put(st);
		return 1;
	}
	printf("path checker states:\n");
	for (size_t s = 0; s < sizeof(states) / sizeof(states[0]); s++) {
		unsigned int n = 0;

		for (size_t i = 0; i < json_object_array_length(paths); i++)
			n += !strcmp(mpctl_jstr(json_object_array_get_idx(paths, i), "checker_state"), states[s]);
		if (n)
			printf("%-20s%u\n", theirs[s], n);
	}
	printf("\npaths: %lld\nbusy: %s\n", mpctl_jint(st, "paths", 0),
	       mpctl_jint(st, "jobs_pending", 0) ? "True" : "False");
	json_object_put(st);
	json_object_put(paths);
	return 0;
}

static int action(const char *line)
{
	char *err = NULL;
	int r = mpctl_request_quiet(line, NULL, &err);

	if (r == 0) {
		printf("ok\n");
		return 0;
	}
	if (r == -EREMOTEIO) {
		printf("fail\n");
		fprintf(stderr, "%s\n", err);
		free(err);
		return 1;
	}
	mpctl_print_unreachable("multipathd", mpctl_g.socket_path, r);
	return 1;
}

static bool is_map_verb(const char *verb)
{
	static const char *const verbs[] = { "add", "del", "remove", "resize", "suspend", "resume" };

	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verb, verbs[i]))
			return true;
	return false;
}

/* The command in words w[0..n-1], n >= 1 (w may be rewritten: "list"
 * is "show", a map argument its WWID form). Returns the exit status. */
static int run_words(const char **w, int n)
{
	struct mp_strbuf line = MP_STRBUF_INIT;
	char key[MP_WWID_SIZE];
	int r;

	if (!strcmp(w[0], "list"))
		w[0] = "show";
	if (!strcmp(w[0], "show") && n >= 2) {
		bool raw = false;
		const char *fmt = NULL;

		for (int i = 2; i < n; i++) {
			if (!strcmp(w[i], "raw"))
				raw = true;
			else if (!strcmp(w[i], "format") && i + 1 < n)
				fmt = w[++i];
		}
		if (!strcmp(w[1], "status"))
			return show_status();
		if (!strcmp(w[1], "daemon")) {
			struct json_object *v = NULL;

			if (fetch("show version", &v))
				return 1;
			printf("pid %lld running\n", mpctl_jint(v, "pid", 0));
			json_object_put(v);
			return 0;
		}
		if (!strcmp(w[1], "topology") || (n >= 3 && !strcmp(w[1], "maps") && !strcmp(w[2], "topology")))
			return show_topology(NULL);
		if (n >= 4 && !strcmp(w[1], "map") && !strcmp(w[3], "topology"))
			return show_topology(w[2]);
		if (!strcmp(w[1], "paths") && (n == 2 || raw || fmt))
			return show_table(MPCTL_OBJ_PATH, raw, fmt);
		if (!strcmp(w[1], "maps") && (n == 2 || raw || fmt))
			return show_table(MPCTL_OBJ_MAP, raw, fmt);
		if (!strcmp(w[1], "config")) {
			struct json_object *d = NULL;

			if (fetch("show config", &d))
				return 1;
			/* the incumbent prints the whole configuration in force */
			fputs(*mpctl_jstr(d, "full") ? mpctl_jstr(d, "full") : mpctl_jstr(d, "text"), stdout);
			json_object_put(d);
			return 0;
		}
	}
	if (n == 5 && !strcmp(w[0], "switchgroup") && !strcmp(w[1], "map") && !strcmp(w[3], "group")) {
		mp_strbuf_printf(&line, "switch group %s %s", w[2], w[4]);
		r = action(mp_strbuf_str(&line));
		mp_strbuf_release(&line);
		return r;
	}
	if (n >= 3 && !strcmp(w[1], "map") && is_map_verb(w[0])) {
		/* a t10. WWID with blanks, quoted or split by the shell: its
		 * WWID form, as the daemon splits requests on blanks */
		r = mpctl_map_arg((char *const *)w + 2, (size_t)n - 2, key, sizeof(key));
		if (r < 0) {
			printf("fail\n");
			fprintf(stderr, "%s map: \"%s\" is not %s\n", w[0], w[2],
				r == -E2BIG ? "one map name or WWID" : "a valid map name or WWID");
			return 1;
		}
		w[2] = key;
		n = 3;
	}
	for (int i = 0; i < n; i++)
		mp_strbuf_printf(&line, "%s%s", i ? " " : "", w[i]);
	for (size_t a = 0; a < sizeof(actions) / sizeof(actions[0]); a++)
		if (!strncmp(mp_strbuf_str(&line), actions[a], strlen(actions[a]))) {
			r = action(mp_strbuf_str(&line));
			mp_strbuf_release(&line);
			return r;
		}
	/* anything else: the daemon's own protocol, its JSON data printed */
	{
		struct json_object *d = NULL;

		r = fetch(mp_strbuf_str(&line), &d);
		if (r == 0)
			printf("%s\n", json_object_to_json_string_ext(d, JSON_C_TO_STRING_PRETTY |
								      JSON_C_TO_STRING_SPACED));
		json_object_put(d);
	}
	mp_strbuf_release(&line);
	return r;
}

int mpd_client_run(const char *socket_path, int argc, char **argv)
{
	const char **words = NULL;
	size_t n_words = 0;
	int r;

	mpctl_g.socket_path = socket_path;
	/* the incumbent also takes the whole command as one quoted word; a
	 * command longer than the daemon takes is refused whole (as the
	 * incumbent's "command too large", exit 1), never cut to fit */
	r = mpctl_command_words(argc, argv, MPCTL_REQUEST_MAX, &words, &n_words);
	if (r == -E2BIG)
		fprintf(stderr, "multipathd: command too long (at most %u bytes)\n", MPCTL_REQUEST_MAX - 1);
	else if (r == -EINVAL)
		fprintf(stderr, "multipathd: empty command\n");
	else if (r == -ENOMEM)
		fprintf(stderr, "multipathd: out of memory\n");
	if (r < 0)
		return 1;
	r = run_words(words, (int)n_words);
	free(words);
	return r;
}
