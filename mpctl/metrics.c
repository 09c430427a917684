/* Metrics: the daemon's status, topology and paths documents as the
 * Prometheus text exposition format (`mpctl metrics`, for node_exporter's
 * textfile collector or a scrape). Pure, as the renderers: no I/O, no
 * clock; appends to the caller's mp_strbuf. Names and labels are part of
 * the interface: dashboards are built on them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mpctl.h"

/* Label values: escape backslash, quote and newline as the format asks. */
static void label(struct mp_strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			mp_strbuf_printf(out, "\\%c", *s);
		else if (*s == '\n')
			mp_strbuf_puts(out, "\\n");
		else
			mp_strbuf_append(out, s, 1);
	}
}

static void metric_head(struct mp_strbuf *out, const char *name, const char *type, const char *help)
{
	mp_strbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* mpd_path_...{path="sdc",map="mpatha" */
static void path_labels(struct mp_strbuf *out, const char *metric, struct json_object *p)
{
	mp_strbuf_printf(out, "%s{path=\"", metric);
	label(out, mpctl_jstr(p, "dev"));
	mp_strbuf_puts(out, "\",map=\"");
	label(out, mpctl_jstr(p, "map"));
	mp_strbuf_puts(out, "\"");
}

/* One metric of the byte-share paths (those with a "share") that have
 * `key`: its integer value, or with per > 1 that value over per with six
 * decimals (microseconds as seconds). */
static void share_path_metric(struct json_object *paths, struct mp_strbuf *out, const char *name,
			      const char *type, const char *help, const char *key, long long per)
{
	metric_head(out, name, type, help);
	for (size_t i = 0; i < mpctl_jlen(paths); i++) {
		struct json_object *p = json_object_array_get_idx(paths, i);

		if (!mpctl_jget(p, "share") || !mpctl_jget(p, key))
			continue;
		path_labels(out, name, p);
		if (per > 1)
			mp_strbuf_printf(out, "} %.6f\n", (double)mpctl_jint(p, key, 0) / (double)per);
		else
			mp_strbuf_printf(out, "} %lld\n", mpctl_jint(p, key, 0));
	}
}

/* byte-share paths (those with a "share"): the share in the table per
 * direction ("70" is both, "80/20" read/write), the bytes the selector
 * started on the path, its throughput and mean request latency over the
 * last sample. */
static void byte_share_metrics(struct json_object *paths, struct mp_strbuf *out)
{
	metric_head(out, "mpd_path_share", "gauge", "byte-share: the path's share in the table.");
	for (size_t i = 0; i < mpctl_jlen(paths); i++) {
		struct json_object *p = json_object_array_get_idx(paths, i);
		unsigned long rd, wr;
		char *end;

		if (!mpctl_jget(p, "share"))
			continue;
		rd = strtoul(mpctl_jstr(p, "share"), &end, 10);
		wr = *end == '/' ? strtoul(end + 1, NULL, 10) : rd;
		path_labels(out, "mpd_path_share", p);
		mp_strbuf_printf(out, ",dir=\"read\"} %lu\n", rd);
		path_labels(out, "mpd_path_share", p);
		mp_strbuf_printf(out, ",dir=\"write\"} %lu\n", wr);
	}
	share_path_metric(paths, out, "mpd_path_share_bytes_total", "counter",
			  "byte-share: bytes the selector started on the path since its table was loaded.",
			  "bytes", 1);
	share_path_metric(paths, out, "mpd_path_throughput_bytes_per_second", "gauge",
			  "byte-share: bytes the path carried per second over the last sample period.",
			  "bytes_per_s", 1);
	share_path_metric(paths, out, "mpd_path_latency_seconds", "gauge",
			  "byte-share: mean request latency over the last sample period.",
			  "latency_us", 1000000);
}

int mpctl_render_metrics(struct json_object *status, struct json_object *topology,
			 struct json_object *paths, struct mp_strbuf *out)
{
	static const char *const states[] = { "up", "down", "shaky", "ghost", "pending", "unchecked" };
	static const struct { const char *key, *name, *help; } counters[] = {
		{ "checks", "mpd_checks_total", "Path checks run." },
		{ "check_failures", "mpd_check_failures_total", "Path checks that did not find the path up." },
		{ "path_state_changes", "mpd_path_state_changes_total", "Path state changes." },
		{ "creates", "mpd_map_creates_total", "Maps created." },
		{ "reloads", "mpd_map_reloads_total", "Map table reloads." },
		{ "messages", "mpd_dm_messages_total", "Device-mapper messages sent." },
	};

	metric_head(out, "mpd_up", "gauge", "1 when the daemon answered.");
	mp_strbuf_printf(out, "mpd_up %d\n", status ? 1 : 0);
	if (status) {
		metric_head(out, "mpd_uptime_seconds", "gauge", "Seconds since the daemon started.");
		mp_strbuf_printf(out, "mpd_uptime_seconds %.3f\n", (double)mpctl_jint(status, "uptime_ms", 0) / 1000);
		for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
			if (!mpctl_jget(status, counters[i].key))
				continue;
			metric_head(out, counters[i].name, "counter", counters[i].help);
			mp_strbuf_printf(out, "%s %lld\n", counters[i].name, mpctl_jint(status, counters[i].key, 0));
		}
	}
	metric_head(out, "mpd_map_paths", "gauge", "Paths of a map by checker state.");
	for (size_t i = 0; i < mpctl_jlen(topology); i++) {
		struct json_object *m = json_object_array_get_idx(topology, i);

		for (size_t s = 0; s < sizeof(states) / sizeof(states[0]); s++) {
			mp_strbuf_puts(out, "mpd_map_paths{map=\"");
			label(out, mpctl_jstr(m, "name"));
			mp_strbuf_puts(out, "\",wwid=\"");
			label(out, mpctl_jstr(m, "wwid"));
			mp_strbuf_printf(out, "\",state=\"%s\"} %u\n", states[s], mpctl_count_paths(m, states[s]));
		}
	}
	metric_head(out, "mpd_map_usable_paths", "gauge", "Paths of a map usable for I/O.");
	for (size_t i = 0; i < mpctl_jlen(topology); i++) {
		struct json_object *m = json_object_array_get_idx(topology, i);

		mp_strbuf_puts(out, "mpd_map_usable_paths{map=\"");
		label(out, mpctl_jstr(m, "name"));
		mp_strbuf_printf(out, "\"} %lld\n", mpctl_jint(m, "usable_paths", 0));
	}
	metric_head(out, "mpd_map_queueing", "gauge", "1 when the map queues I/O with no usable path.");
	for (size_t i = 0; i < mpctl_jlen(topology); i++) {
		struct json_object *m = json_object_array_get_idx(topology, i);

		mp_strbuf_puts(out, "mpd_map_queueing{map=\"");
		label(out, mpctl_jstr(m, "name"));
		mp_strbuf_printf(out, "\"} %d\n", mpctl_jbool(m, "queueing") ? 1 : 0);
	}
	metric_head(out, "mpd_path_check_duration_seconds", "gauge", "Duration of the last path check.");
	for (size_t i = 0; i < mpctl_jlen(paths); i++) {
		struct json_object *p = json_object_array_get_idx(paths, i);

		if (!mpctl_jget(p, "check_ms"))
			continue;
		path_labels(out, "mpd_path_check_duration_seconds", p);
		mp_strbuf_printf(out, "} %.3f\n", (double)mpctl_jint(p, "check_ms", 0) / 1000);
	}
	metric_head(out, "mpd_path_up", "gauge", "1 when the path's checker state is up.");
	for (size_t i = 0; i < mpctl_jlen(paths); i++) {
		struct json_object *p = json_object_array_get_idx(paths, i);

		path_labels(out, "mpd_path_up", p);
		mp_strbuf_printf(out, "} %d\n", !strcmp(mpctl_jstr(p, "checker_state"), "up"));
	}
	byte_share_metrics(paths, out);
	return 0;
}
