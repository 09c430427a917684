/* mpctl's renderers and protocol client over literal documents: format
 * fields (values, headers, padding, raw, unknown letters), the topology
 * tree in mpctl's and `multipath -ll`'s layouts, sizes, map matching,
 * Prometheus text, and the client's reply parsing (ok, error, not JSON,
 * several replies in one read) over a socketpair. The renderers are
 * compiled in from mpctl/ as multipathd's client mode does. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "../../mpctl/ipc.c"
#include "../../mpctl/render.c"
#include "../../mpctl/metrics.c"
#include "unit.h"

const char unit_suite_name[] = "mpctl-render";

static const char topo_text[] =
	"[{\"name\":\"mpatha\",\"wwid\":\"36001405aa\",\"uuid\":\"mpath-36001405aa\",\"dm_name\":\"mpatha\","
	"\"dm_dev_t\":\"253:3\",\"size\":2097152,\"features\":\"1 queue_if_no_path\",\"hwhandler\":\"1 alua\","
	"\"in_kernel\":true,\"event_nr\":4,\"open_count\":0,\"queueing\":true,\"usable_paths\":1,"
	"\"groups\":[{\"group\":1,\"selector\":\"service-time 0\",\"prio\":50,\"state\":\"active\",\"paths\":["
	"{\"dev\":\"sdb\",\"dev_t\":\"8:16\",\"hctl\":\"2:0:0:1\",\"wwid\":\"36001405aa\",\"map\":\"mpatha\","
	"\"dm_state\":\"A\",\"checker_state\":\"up\",\"checker\":\"tur\",\"last_check\":\"up\","
	"\"sysfs_state\":\"running\",\"prio\":50,\"vendor\":\"LIO-ORG\",\"product\":\"disk1\"}]},"
	"{\"group\":2,\"selector\":\"service-time 0\",\"prio\":10,\"state\":\"enabled\",\"paths\":["
	"{\"dev\":\"sdc\",\"dev_t\":\"8:32\",\"hctl\":\"3:0:0:1\",\"wwid\":\"36001405aa\",\"map\":\"mpatha\","
	"\"dm_state\":\"F\",\"checker_state\":\"down\",\"checker\":\"tur\",\"last_check\":\"down\","
	"\"sysfs_state\":\"offline\",\"prio\":10,\"vendor\":\"LIO-ORG\",\"product\":\"disk1\"}]}]}]";

static struct json_object *topo(void)
{
	struct json_object *o = json_tokener_parse(topo_text);

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	return o;
}

static struct json_object *paths_of(struct json_object *t)
{
	struct json_object *a = json_object_new_array(), *groups = NULL;

	json_object_object_get_ex(json_object_array_get_idx(t, 0), "groups", &groups);
	for (size_t g = 0; g < json_object_array_length(groups); g++) {
		struct json_object *p = NULL;

		json_object_object_get_ex(json_object_array_get_idx(groups, g), "paths", &p);
		for (size_t i = 0; i < json_object_array_length(p); i++)
			json_object_array_add(a, json_object_get(json_object_array_get_idx(p, i)));
	}
	return a;
}

static void test_path_fields(void)
{
	static const struct { const char *fmt; bool compat; const char *want; } cases[] = {
		{ "%d %D %t %T", false, "sdb 8:16 active up\nsdc 8:32 failed down\n" },
		{ "%d %t %T", true, "sdb active ready\nsdc failed faulty\n" },
		{ "%i|%o|%p|%m|%w", false, "2:0:0:1|running|50|mpatha|36001405aa\n"
					  "3:0:0:1|offline|10|mpatha|36001405aa\n" },
		{ "%c %l %s 100%%", false, "tur up LIO-ORG,disk1 100%\ntur down LIO-ORG,disk1 100%\n" },
	};
	struct json_object *t = topo(), *p = paths_of(t);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mp_strbuf sb = MP_STRBUF_INIT;

		CU_ASSERT_EQUAL(mpctl_render_table(MPCTL_OBJ_PATH, p, cases[i].fmt, false, true,
						   cases[i].compat, &sb, NULL), 0);
		CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb), cases[i].want);
		mp_strbuf_release(&sb);
	}
	json_object_put(p);
	json_object_put(t);
}

static void test_map_fields_header_padding(void)
{
	struct json_object *t = topo();
	struct mp_strbuf sb = MP_STRBUF_INIT;

	CU_ASSERT_EQUAL(mpctl_render_table(MPCTL_OBJ_MAP, t, "%n %d %w", true, false, true, &sb, NULL), 0);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb), "name   sysfs uuid\nmpatha dm-3  36001405aa\n");
	mp_strbuf_truncate(&sb, 0);
	CU_ASSERT_EQUAL(mpctl_render_table(MPCTL_OBJ_MAP, t, "%S %N %u %Q %f|%h %s %t %o %e",
					   false, true, false, &sb, NULL), 0);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb), "1.0G 2 1 on 1 queue_if_no_path|1 alua LIO-ORG,disk1 active 0 4\n");
	mp_strbuf_release(&sb);
	json_object_put(t);
}

static void test_unknown_field(void)
{
	struct json_object *t = topo();
	struct mp_strbuf sb = MP_STRBUF_INIT;
	char bad = 0;

	CU_ASSERT_EQUAL(mpctl_render_table(MPCTL_OBJ_MAP, t, "%n %Z", false, true, false, &sb, &bad), -EINVAL);
	CU_ASSERT_EQUAL(bad, 'Z');
	CU_ASSERT_EQUAL(mpctl_render_table(MPCTL_OBJ_PATH, t, "trailing %", false, true, false, &sb, &bad),
			-EINVAL);
	for (const struct mpctl_field *f = mpctl_fields(MPCTL_OBJ_PATH); f->letter; f++)
		CU_ASSERT(f->header && f->help && *f->help);
	mp_strbuf_release(&sb);
	json_object_put(t);
}

static void test_tree_ll(void)
{
	struct json_object *t = topo();
	struct mp_strbuf sb = MP_STRBUF_INIT;

	CU_ASSERT_EQUAL(mpctl_render_topology(t, NULL, MPCTL_TREE_LL, false, &sb), 1);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb),
		"mpatha (36001405aa) dm-3 LIO-ORG,disk1\n"
		"size=1.0G features='1 queue_if_no_path' hwhandler='1 alua' wp=rw\n"
		"|-+- policy='service-time 0' prio=50 status=active\n"
		"| `- 2:0:0:1 sdb 8:16 active ready  running\n"
		"`-+- policy='service-time 0' prio=10 status=enabled\n"
		"  `- 3:0:0:1 sdc 8:32 failed faulty offline\n");
	mp_strbuf_truncate(&sb, 0);
	CU_ASSERT_EQUAL(mpctl_render_topology(t, "nosuch", MPCTL_TREE_LL, false, &sb), -ENOENT);
	CU_ASSERT_EQUAL(mpctl_render_topology(t, "dm-3", MPCTL_TREE_MPCTL, false, &sb), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "paths=2 up=1 down=1 shaky=0"));
	CU_ASSERT_PTR_NULL(strchr(mp_strbuf_str(&sb), '\033'));	/* no colour unless asked */
	/* readable at 80 columns */
	for (const char *l = mp_strbuf_str(&sb), *e; *l; l = e + 1) {
		e = strchr(l, '\n');
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		CU_ASSERT(e - l <= 80);
	}
	mp_strbuf_release(&sb);
	json_object_put(t);
}

/* Every line within 80 columns: an event's cause goes on a line of its
 * own when it would pass the edge, colour codes not counted. */
static void test_event_80_columns(void)
{
	struct json_object *path_ev = json_tokener_parse(
		"{\"time\":\"2026-11-27 02:27:41.735\",\"dev\":\"sdc\",\"map\":\"mpatha\","
		"\"from\":\"up\",\"to\":\"down\",\"cause\":\"operator\",\"detail\":\"\"}");
	struct json_object *map_ev = json_tokener_parse(
		"{\"time\":\"2026-11-27 02:27:41.735\",\"dev\":\"\",\"map\":\"mpatha\","
		"\"from\":\"active\",\"to\":\"removing\",\"cause\":\"operator\",\"detail\":\"del map\"}");
	struct mp_strbuf sb = MP_STRBUF_INIT;

	mpctl_render_event(path_ev, false, 0, &sb);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb),
		"2026-11-27 02:27:41.735  sdc      mpatha   up -> down  (operator)\n");
	mp_strbuf_truncate(&sb, 0);
	/* 82 columns on one line: the cause moves */
	mpctl_render_event(map_ev, false, 0, &sb);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb),
		"2026-11-27 02:27:41.735  mpatha            active -> removing\n"
		"    (operator: del map)\n");
	mp_strbuf_truncate(&sb, 0);
	/* colour codes do not count; the caller's indent does */
	mpctl_render_event(path_ev, true, 2, &sb);
	CU_ASSERT_PTR_EQUAL(strchr(mp_strbuf_str(&sb), '\n'), mp_strbuf_str(&sb) + sb.len - 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "  (operator)\n"));
	mp_strbuf_truncate(&sb, 0);
	mpctl_render_event(map_ev, true, 2, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "\n      (operator: del map)\n"));
	mp_strbuf_truncate(&sb, 0);
	/* a request has no state before it: a dash, not a blank */
	json_object_object_add(map_ev, "from", json_object_new_string(""));
	mpctl_render_event(map_ev, false, 0, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "  mpatha            - -> removing"));
	mp_strbuf_release(&sb);
	json_object_put(path_ev);
	json_object_put(map_ev);
}

/* A map removed by del map and held by the daemon: mpctl's views show it
 * as held, the incumbent's layouts leave it out as they do a gone map. */
static void test_held_map(void)
{
	struct json_object *t = topo(), *m = json_object_array_get_idx(t, 0);
	struct mp_strbuf sb = MP_STRBUF_INIT;

	json_object_object_add(m, "held", json_object_new_boolean(true));
	json_object_object_add(m, "in_kernel", json_object_new_boolean(false));
	CU_ASSERT_EQUAL(mpctl_render_topology(t, NULL, MPCTL_TREE_LL, false, &sb), 0);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb), "");
	CU_ASSERT_EQUAL(mpctl_render_topology(t, "36001405aa", MPCTL_TREE_L, false, &sb), -ENOENT);
	CU_ASSERT_EQUAL(mpctl_render_topology(t, "mpatha", MPCTL_TREE_MPCTL, false, &sb), 1);
	mp_strbuf_truncate(&sb, 0);
	CU_ASSERT_EQUAL(mpctl_render_table(MPCTL_OBJ_MAP, t, "%n %t", false, true, false, &sb, NULL), 0);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb), "mpatha held\n");
	mp_strbuf_truncate(&sb, 0);
	CU_ASSERT_EQUAL(mpctl_render_table(MPCTL_OBJ_MAP, t, "%n %t", false, true, true, &sb, NULL), 0);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb), "mpatha -\n");
	mp_strbuf_release(&sb);
	/* the compat `show maps` rows: none for it, the kernel's maps stay */
	t = mpctl_maps_in_kernel(t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(json_object_array_length(t), 0);
	json_object_put(t);
	t = mpctl_maps_in_kernel(topo());
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(json_object_array_length(t), 1);
	json_object_put(t);
}

static void test_size_and_match(void)
{
	static const struct { unsigned long long sectors; const char *want; } sizes[] = {
		{ 32768, "16M" }, { 2097152, "1.0G" }, { 209715200, "100G" }, { 3, "1.5K" },
		{ 4294967296ULL, "2.0T" },
	};
	struct json_object *t = topo(), *m = json_object_array_get_idx(t, 0);
	char buf[32];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		mpctl_format_size(sizes[i].sectors, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, sizes[i].want);
	}
	CU_ASSERT(mpctl_map_matches(m, "mpatha"));
	CU_ASSERT(mpctl_map_matches(m, "/dev/mapper/mpatha"));
	CU_ASSERT(mpctl_map_matches(m, "36001405aa"));
	CU_ASSERT(mpctl_map_matches(m, "/dev/dm-3"));
	CU_ASSERT(mpctl_map_matches(m, "253:3"));
	CU_ASSERT(!mpctl_map_matches(m, "mpathb"));
	json_object_put(t);
}

static void test_metrics(void)
{
	struct json_object *t = topo(), *p = paths_of(t);
	struct json_object *st = json_tokener_parse("{\"uptime_ms\":1500,\"checks\":7,\"reloads\":1}");
	struct mp_strbuf sb = MP_STRBUF_INIT;
	const char *s;

	CU_ASSERT_EQUAL(mpctl_render_metrics(st, t, p, &sb), 0);
	s = mp_strbuf_str(&sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "mpd_up 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "mpd_checks_total 7\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "mpd_map_paths{map=\"mpatha\",wwid=\"36001405aa\",state=\"down\"} 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "mpd_map_queueing{map=\"mpatha\"} 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "# TYPE mpd_checks_total counter\n"));
	/* the per-path label set, the same for every path metric */
	{
		struct json_object *p0 = json_object_array_get_idx(p, 0);
		char want[200];

		snprintf(want, sizeof(want), "mpd_path_up{path=\"%s\",map=\"%s\"} %d\n",
			 mpctl_jstr(p0, "dev"), mpctl_jstr(p0, "map"),
			 !strcmp(mpctl_jstr(p0, "checker_state"), "up"));
		CU_ASSERT_PTR_NOT_NULL(strstr(s, want));
	}
	/* no byte-share path: the heads only */
	CU_ASSERT_PTR_NULL(strstr(s, "mpd_path_share{"));
	/* a byte-share path: share per direction, selector bytes, latency */
	json_object_object_add(json_object_array_get_idx(p, 0), "share", json_object_new_string("80/20"));
	json_object_object_add(json_object_array_get_idx(p, 0), "bytes", json_object_new_int64(1234567));
	json_object_object_add(json_object_array_get_idx(p, 0), "latency_us", json_object_new_int64(25546));
	json_object_object_add(json_object_array_get_idx(p, 0), "bytes_per_s", json_object_new_int64(7654321));
	mp_strbuf_truncate(&sb, 0);
	CU_ASSERT_EQUAL(mpctl_render_metrics(st, t, p, &sb), 0);
	s = mp_strbuf_str(&sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, ",dir=\"read\"} 80\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, ",dir=\"write\"} 20\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "mpd_path_share_bytes_total{path=\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "} 1234567\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "} 0.025546\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "mpd_path_throughput_bytes_per_second{path=\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "} 7654321\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "# TYPE mpd_path_share_bytes_total counter\n"));
	mp_strbuf_truncate(&sb, 0);
	CU_ASSERT_EQUAL(mpctl_render_metrics(NULL, NULL, NULL, &sb), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "mpd_up 0\n"));
	mp_strbuf_release(&sb);
	json_object_put(st);
	json_object_put(p);
	json_object_put(t);
}

/* The client over a socketpair: the "server" side writes canned replies. */
static int reply_with(const char *canned, struct json_object **data, char **err)
{
	int sv[2];
	struct mpctl_conn c = { 0 };
	char req[64];
	int r;

	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CU_ASSERT_EQUAL(write(sv[1], canned, strlen(canned)), (ssize_t)strlen(canned));
	shutdown(sv[1], SHUT_WR);	/* the "daemon" says no more */
	c.fd = sv[0];
	r = mpctl_conn_request(&c, "show status", data, err);
	CU_ASSERT_EQUAL(read(sv[1], req, sizeof(req)), 12);	/* "show status\n" */
	close(sv[0]);
	close(sv[1]);
	free(c.buf);
	return r;
}

static void test_client_replies(void)
{
	struct json_object *data = NULL;
	char *err = NULL;

	CU_ASSERT_EQUAL(reply_with("{\"ok\":true,\"data\":{\"maps\":2}}\n", &data, &err), 0);
	CU_ASSERT_EQUAL(mpctl_jint(data, "maps", 0), 2);
	json_object_put(data);
	data = NULL;
	CU_ASSERT_EQUAL(reply_with("{\"ok\":false,\"error\":\"no map named \\\"x\\\"\"}\n", &data, &err),
			-EREMOTEIO);
	CU_ASSERT_STRING_EQUAL(err, "no map named \"x\"");
	free(err);
	CU_ASSERT_EQUAL(reply_with("not json\n", &data, &err), -EPROTO);
	CU_ASSERT_EQUAL(reply_with("{\"ok\":true} trailing\n", &data, &err), -EPROTO);
	CU_ASSERT_EQUAL(reply_with("[1,2]\n", &data, &err), -EPROTO);
	CU_ASSERT_EQUAL(reply_with("{\"ok\":tr", &data, &err), -ECONNRESET);	/* half a reply */
}

static void test_json_schema_roundtrip(void)
{
	/* what mpctl prints with --json is valid JSON that json-c reads back */
	struct json_object *t = topo(), *back;
	const char *s = json_object_to_json_string_ext(t, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);

	back = json_tokener_parse(s);
	CU_ASSERT_PTR_NOT_NULL(back);
	CU_ASSERT(json_object_equal(t, back));
	json_object_put(back);
	json_object_put(t);
}

/* byte-share maps: share, bytes, latency and the demoted mark. */
static void test_byte_share(void)
{
	static const char text[] =
		"[{\"name\":\"mpathb\",\"wwid\":\"3600b\",\"size\":131072,\"in_kernel\":true,"
		"\"byte_share\":{\"mode\":\"rw\",\"per_direction\":true,\"window_ms\":1000,"
		"\"tuning\":true,\"tuned\":true,\"tuning_state\":\"holding\",\"slow_path_factor\":5,"
		"\"share_reloads\":3},"
		"\"groups\":[{\"group\":1,\"selector\":\"byte-share 0\",\"prio\":1,\"state\":\"active\",\"paths\":["
		"{\"dev\":\"sdb\",\"dev_t\":\"8:16\",\"hctl\":\"3:0:0:0\",\"dm_state\":\"A\",\"checker_state\":\"up\","
		"\"share\":\"950\",\"share_configured\":\"70\",\"share_demoted\":false,\"latency_us\":800,"
		"\"bytes_per_s\":5242880,"
		"\"bytes\":1073741824,\"bytes_read\":1073741824,\"bytes_written\":0},"
		"{\"dev\":\"sdc\",\"dev_t\":\"8:32\",\"hctl\":\"4:0:0:0\",\"dm_state\":\"A\",\"checker_state\":\"up\","
		"\"share\":\"50\",\"share_configured\":\"30\",\"share_demoted\":true,\"latency_us\":21000,"
		"\"bytes\":1048576}]}]}]";
	struct json_object *t = json_tokener_parse(text), *p;
	struct mp_strbuf sb = MP_STRBUF_INIT;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(mpctl_render_topology(t, NULL, MPCTL_TREE_MPCTL, false, &sb), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb),
		"byte-share mode=rw tuning=on holding (tuned) slow_path_factor=5 reloads=3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "share=950 bytes=1.0G rate=5.0M/s lat=0.8ms"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "share=50 (demoted: slow) bytes=1.0M lat=21.0ms"));
	mp_strbuf_truncate(&sb, 0);
	p = paths_of(t);
	CU_ASSERT_EQUAL(mpctl_render_table(MPCTL_OBJ_PATH, p, "%d %H %B %L", false, true, false, &sb,
					   NULL), 0);
	CU_ASSERT_STRING_EQUAL(mp_strbuf_str(&sb), "sdb 950 1.0G 0.8\nsdc 50(demoted) 1.0M 21.0\n");
	mp_strbuf_release(&sb);
	json_object_put(p);
	json_object_put(t);
}

/* service-time carrying shares as relative_throughput: the selector
 * heads the shares line, each path shows its weight, no selector bytes. */
static void test_weighted_service_time(void)
{
	static const char text[] =
		"[{\"name\":\"mpathc\",\"wwid\":\"3600c\",\"size\":131072,\"in_kernel\":true,"
		"\"byte_share\":{\"selector\":\"service-time\",\"mode\":\"weighted\","
		"\"tuning\":true,\"tuned\":true,\"tuning_state\":\"probing\",\"slow_path_factor\":0,"
		"\"share_reloads\":2},"
		"\"groups\":[{\"group\":1,\"selector\":\"service-time 0\",\"prio\":1,\"state\":\"active\",\"paths\":["
		"{\"dev\":\"sdb\",\"dev_t\":\"8:16\",\"hctl\":\"3:0:0:0\",\"dm_state\":\"A\",\"checker_state\":\"up\","
		"\"share\":\"800\",\"relative_throughput\":100,\"share_demoted\":false,\"latency_us\":7000},"
		"{\"dev\":\"sdc\",\"dev_t\":\"8:32\",\"hctl\":\"4:0:0:0\",\"dm_state\":\"A\",\"checker_state\":\"up\","
		"\"share\":\"200\",\"relative_throughput\":25,\"share_demoted\":false,\"latency_us\":27000}]}]}]";
	struct json_object *t = json_tokener_parse(text);
	struct mp_strbuf sb = MP_STRBUF_INIT;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(mpctl_render_topology(t, NULL, MPCTL_TREE_MPCTL, false, &sb), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb),
		"service-time mode=weighted tuning=on probing (tuned) slow_path_factor=0 reloads=2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "share=800 rt=100 bytes=- lat=7.0ms"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "share=200 rt=25 bytes=- lat=27.0ms"));
	mp_strbuf_release(&sb);
	json_object_put(t);
}

const struct unit_test unit_tests[] = {
	{ "byte-share columns", test_byte_share },
	{ "service-time weighted by shares", test_weighted_service_time },
	{ "path fields", test_path_fields },
	{ "map fields, header, padding", test_map_fields_header_padding },
	{ "unknown field", test_unknown_field },
	{ "multipath -ll tree", test_tree_ll },
	{ "held map (del map)", test_held_map },
	{ "event lines within 80 columns", test_event_80_columns },
	{ "size and map matching", test_size_and_match },
	{ "metrics", test_metrics },
	{ "client replies", test_client_replies },
	{ "json round trip", test_json_schema_roundtrip },
	{ NULL, NULL },
};
