/* Views over time: `mpctl events [--follow]`, `mpctl watch`, `mpctl wait
 * map|startup`, and the one-shot `mpctl metrics`. --follow and watch poll the
 * daemon (events by sequence number, so none is printed twice and a gap is
 * reported when the ring overran). Owns nothing past one call. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "mpctl.h"

static volatile sig_atomic_t stop;

static void on_sigint(int sig)
{
	(void)sig;
	stop = 1;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static bool is_help(const char *s)
{
	return !strcmp(s, "--help") || !strcmp(s, "-h");
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- events ------------------------------------------------------------------ */

static void print_events(struct json_object *list)
{
	struct mp_strbuf sb = MP_STRBUF_INIT;

	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		struct json_object *ev = json_object_array_get_idx(list, i);

		if (mpctl_g.json)
			printf("%s\n", json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN));
		else
			mpctl_render_event(ev, mpctl_g.color, 0, &sb);
	}
	fputs(mp_strbuf_str(&sb), stdout);
	fflush(stdout);
	mp_strbuf_release(&sb);
}

int mpctl_cmd_events(int argc, char **argv)
{
	struct json_object *data = NULL, *list = NULL;
	bool follow = false;
	long long next;
	int r, last = 0;
	char line[64];

	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			printf("usage: mpctl events [-n N] [--follow]\n\n"
			       "The last path and map state changes the daemon saw (it keeps the last\n"
			       "%d), each with its time and cause: checker, kernel (I/O error event),\n"
			       "uevent, operator, daemon. --follow keeps printing new ones until\n"
			       "interrupted. With --json: one document; with --follow --json, one event\n"
			       "object per line.\n", 1024);
			return MPCTL_EXIT_OK;
		} else if (!strcmp(argv[i], "--follow") || !strcmp(argv[i], "-f")) {
			follow = true;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			long n;

			if (mpctl_parse_count(argv[++i], 1, 1 << 20, &n) < 0) {
				fprintf(stderr, "mpctl events: -n wants a positive count, not \"%s\"\n", argv[i]);
				return MPCTL_EXIT_USAGE;
			}
			last = (int)n;
		} else {
			fprintf(stderr, "mpctl events: unexpected argument \"%s\"\n", argv[i]);
			return MPCTL_EXIT_USAGE;
		}
	}
	if (last)
		snprintf(line, sizeof(line), "show events last %d", last);
	else
		snprintf(line, sizeof(line), "show events");
	r = mpctl_request(line, &data);
	if (r)
		return r;
	json_object_object_get_ex(data, "events", &list);
	if (mpctl_g.json && !follow)
		printf("%s\n", json_object_to_json_string_ext(data, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_SPACED));
	else
		print_events(list);
	next = mpctl_jint(data, "next_seq", 0);
	json_object_put(data);
	if (!follow)
		return MPCTL_EXIT_OK;
	signal(SIGINT, on_sigint);
	signal(SIGTERM, on_sigint);
	while (!stop) {
		sleep_ms(500);
		snprintf(line, sizeof(line), "show events since %lld", next);
		data = NULL;
		r = mpctl_request(line, &data);
		if (r)
			return r;
		if (mpctl_jint(data, "first_seq", next) > next && !mpctl_g.json)
			printf("(%lld events lost: the ring overran)\n", mpctl_jint(data, "first_seq", next) - next);
		json_object_object_get_ex(data, "events", &list);
		print_events(list);
		next = mpctl_jint(data, "next_seq", next);
		json_object_put(data);
	}
	return MPCTL_EXIT_OK;
}

/* ---- watch ------------------------------------------------------------------- */

int mpctl_cmd_watch(int argc, char **argv)
{
	unsigned int interval_ms = 1000;
	long count = -1;
	bool tty = isatty(STDOUT_FILENO);

	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			printf("usage: mpctl watch [-n SECONDS] [--count N]\n\n"
			       "The topology, refreshed every SECONDS (default 1) until interrupted,\n"
			       "with the last events below it. On a terminal the screen is redrawn.\n");
			return MPCTL_EXIT_OK;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			double s;

			if (mpctl_parse_seconds(argv[++i], 0.1, 3600, &s) < 0) {
				fprintf(stderr, "mpctl watch: -n wants seconds between 0.1 and 3600, not \"%s\"\n",
					argv[i]);
				return MPCTL_EXIT_USAGE;
			}
			interval_ms = (unsigned int)(s * 1000);
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			if (mpctl_parse_count(argv[++i], 1, LONG_MAX, &count) < 0) {
				fprintf(stderr, "mpctl watch: --count wants a positive number, not \"%s\"\n",
					argv[i]);
				return MPCTL_EXIT_USAGE;
			}
		} else {
			fprintf(stderr, "mpctl watch: unexpected argument \"%s\"\n", argv[i]);
			return MPCTL_EXIT_USAGE;
		}
	}
	signal(SIGINT, on_sigint);
	signal(SIGTERM, on_sigint);
	while (!stop && count != 0) {
		struct mp_strbuf sb = MP_STRBUF_INIT;
		struct json_object *topo = NULL, *ev = NULL, *list = NULL;
		char when[64];
		time_t t = time(NULL);
		int r;

		r = mpctl_request_quiet("show topology", &topo, NULL);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&t));
		if (tty)
			mp_strbuf_puts(&sb, "\033[H\033[2J");
		else
			mp_strbuf_puts(&sb, "----\n");
		mp_strbuf_printf(&sb, "mpctl watch  %s  every %.1fs  (Ctrl-C to quit)\n\n", when,
				 interval_ms / 1000.0);
		if (r < 0) {
			mp_strbuf_printf(&sb, "cannot reach the daemon at %s: %s\n", mpctl_g.socket_path,
					 strerror(-r));
		} else {
			mpctl_render_topology(topo, NULL, MPCTL_TREE_MPCTL, mpctl_g.color, &sb);
			if (mpctl_request_quiet("show events last 8", &ev, NULL) == 0 &&
			    json_object_object_get_ex(ev, "events", &list)) {
				mp_strbuf_puts(&sb, "\nlast events:\n");
				for (size_t i = 0; i < json_object_array_length(list); i++) {
					mp_strbuf_puts(&sb, "  ");
					mpctl_render_event(json_object_array_get_idx(list, i), mpctl_g.color, 0, &sb);
				}
			}
		}
		fputs(mp_strbuf_str(&sb), stdout);
		fflush(stdout);
		mp_strbuf_release(&sb);
		json_object_put(topo);
		json_object_put(ev);
		if (count > 0 && --count == 0)
			break;
		sleep_ms(interval_ms);
	}
	return MPCTL_EXIT_OK;
}

/* ---- metrics ----------------------------------------------------------------- */

int mpctl_cmd_metrics(int argc, char **argv)
{
	struct json_object *st = NULL, *topo = NULL, *paths = NULL;
	struct mp_strbuf sb = MP_STRBUF_INIT;
	int r;

	if (argc > 1) {
		if (is_help(argv[1])) {
			printf("usage: mpctl metrics\n\n"
			       "Prometheus text exposition (for node_exporter's textfile collector):\n"
			       "mpd_up, uptime, checks/reloads counters, paths per map by state, usable\n"
			       "paths, queueing, last check duration and state per path. Without a\n"
			       "daemon it prints mpd_up 0 and the kernel's maps, and exits 0 so the\n"
			       "collector sees the outage.\n");
			return MPCTL_EXIT_OK;
		}
		fprintf(stderr, "mpctl metrics: unexpected argument \"%s\"\n", argv[1]);
		return MPCTL_EXIT_USAGE;
	}
	r = mpctl_request_quiet("show status", &st, NULL);
	if (r == 0) {
		mpctl_request_quiet("show topology", &topo, NULL);
		mpctl_request_quiet("show paths", &paths, NULL);
		struct json_object *checks = NULL;

		/* checker durations and failure counts, when the daemon has them */
		if (mpctl_request_quiet("show counters", &checks, NULL) == 0) {
			json_object_object_foreach(checks, k, v)
				json_object_object_add(st, k, json_object_get(v));
			json_object_put(checks);
		}
	} else {
		fprintf(stderr, "mpctl metrics: no daemon at %s (%s); reporting mpd_up 0\n",
			mpctl_g.socket_path, strerror(-r));
		if (mpctl_fallback_topology(&topo) == 0)
			mpctl_fallback_paths(topo, &paths);
	}
	mpctl_render_metrics(st, topo, paths, &sb);
	fputs(mp_strbuf_str(&sb), stdout);
	mp_strbuf_release(&sb);
	json_object_put(st);
	json_object_put(topo);
	json_object_put(paths);
	return MPCTL_EXIT_OK;
}

/* ---- wait --------------------------------------------------------------------- */

static unsigned int active_paths(struct json_object *m)
{
	struct json_object *groups = NULL;
	unsigned int n = 0;

	json_object_object_get_ex(m, "groups", &groups);
	for (size_t g = 0; groups && g < json_object_array_length(groups); g++) {
		struct json_object *paths = NULL;

		json_object_object_get_ex(json_object_array_get_idx(groups, g), "paths", &paths);
		for (size_t i = 0; paths && i < json_object_array_length(paths); i++)
			n += !strcmp(mpctl_jstr(json_object_array_get_idx(paths, i), "dm_state"), "A");
	}
	return n;
}

/* `wait startup`: the daemon answers and its first assembly is done (every
 * create/reload job of the paths it found at start has returned, so their
 * udev events, and the partition maps made from them, were processed). The
 * initramfs waits for this before it waits for root=. */
static int wait_startup(long long deadline, double timeout_s)
{
	while (!stop) {
		struct json_object *st = NULL, *v = NULL;

		if (mpctl_request_quiet("show status", &st, NULL) == 0 &&
		    json_object_object_get_ex(st, "startup_ms", &v) && v) {
			printf("startup done in %lld ms: %lld maps, %lld paths\n",
			       (long long)json_object_get_int64(v), mpctl_jint(st, "maps", 0),
			       mpctl_jint(st, "paths", 0));
			json_object_put(st);
			return MPCTL_EXIT_OK;
		}
		json_object_put(st);
		if (mono_ms() >= deadline)
			break;
		sleep_ms(250);
	}
	fprintf(stderr, "mpctl wait: the daemon did not finish its startup within %gs\n", timeout_s);
	return MPCTL_EXIT_FAIL;
}

int mpctl_cmd_wait(int argc, char **argv)
{
	const char *key = NULL;
	long need = 1;
	double timeout_s = 60;
	long long deadline;

	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			/* `wait startup --help` and `wait map --help` each show their
			 * own form; a bare `wait --help` shows both */
			bool startup = argc > 1 && !strcmp(argv[1], "startup");
			bool map = argc > 1 && !strcmp(argv[1], "map");

			if (!startup)
				printf("usage: mpctl wait map WWID|NAME|DEV [--paths N] [--timeout S]\n");
			if (!map)
				printf("%s mpctl wait startup [--timeout S]\n", startup ? "usage:" : "      ");
			if (!startup)
				printf("\nmap: returns (exit 0) once the map exists in the kernel with at least N\n"
				       "(default 1) active paths; exit 1 when S seconds (default 60) pass first.\n"
				       "DEV may be a path (sdX) of the map. Works without a daemon (kernel view).\n");
			if (!map)
				printf("%sstartup: returns once the daemon answers and has assembled the maps\n"
				       "of the paths it found at start (udev events included); exit 1 on\n"
				       "timeout (S seconds, default 60).\n", startup ? "\n" : "");
			return MPCTL_EXIT_OK;
		} else if (!strcmp(argv[i], "--paths") && i + 1 < argc) {
			if (mpctl_parse_count(argv[++i], 0, 1024, &need) < 0) {
				fprintf(stderr, "mpctl wait: --paths wants a count (0-1024), not \"%s\"\n",
					argv[i]);
				return MPCTL_EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			if (mpctl_parse_seconds(argv[++i], 0.001, 86400 * 365, &timeout_s) < 0) {
				fprintf(stderr, "mpctl wait: --timeout wants seconds, not \"%s\"\n", argv[i]);
				return MPCTL_EXIT_USAGE;
			}
		} else if (i == 1 && (!strcmp(argv[i], "map") || !strcmp(argv[i], "startup"))) {
			continue;
		} else if (!key && i > 1) {
			key = argv[i];
		} else {
			fprintf(stderr, "mpctl wait: unexpected argument \"%s\"\n", argv[i]);
			return MPCTL_EXIT_USAGE;
		}
	}
	if (argc >= 2 && !strcmp(argv[1], "startup") && !key) {
		signal(SIGINT, on_sigint);
		return wait_startup(mono_ms() + (long long)(timeout_s * 1000), timeout_s);
	}
	if (argc < 2 || strcmp(argv[1], "map") || !key) {
		fprintf(stderr, "usage: mpctl wait map WWID|NAME|DEV [--paths N] [--timeout S]\n"
			"       mpctl wait startup [--timeout S]\n");
		return MPCTL_EXIT_USAGE;
	}
	deadline = mono_ms() + (long long)(timeout_s * 1000);
	signal(SIGINT, on_sigint);
	while (!stop) {
		struct json_object *topo = NULL;
		const char *dev = !strncmp(key, "/dev/", 5) ? key + 5 : key;

		if (mpctl_request_quiet("show topology", &topo, NULL) < 0 && mpctl_fallback_topology(&topo) < 0)
			topo = NULL;
		for (size_t i = 0; topo && i < json_object_array_length(topo); i++) {
			struct json_object *m = json_object_array_get_idx(topo, i), *groups = NULL;
			bool hit = mpctl_map_matches(m, key);

			json_object_object_get_ex(m, "groups", &groups);
			for (size_t g = 0; !hit && groups && g < json_object_array_length(groups); g++) {
				struct json_object *paths = NULL;

				json_object_object_get_ex(json_object_array_get_idx(groups, g), "paths", &paths);
				for (size_t p = 0; paths && p < json_object_array_length(paths); p++)
					hit |= !strcmp(mpctl_jstr(json_object_array_get_idx(paths, p), "dev"), dev);
			}
			if (hit && mpctl_jbool(m, "in_kernel") && active_paths(m) >= (unsigned long)need) {
				printf("%s: %u active paths\n", mpctl_jstr(m, "name"), active_paths(m));
				json_object_put(topo);
				return MPCTL_EXIT_OK;
			}
		}
		json_object_put(topo);
		if (mono_ms() >= deadline)
			break;
		sleep_ms(250);
	}
	fprintf(stderr, "mpctl wait: map %s with %ld active path%s did not appear within %gs\n", key,
		need, need == 1 ? "" : "s", timeout_s);
	return MPCTL_EXIT_FAIL;
}
