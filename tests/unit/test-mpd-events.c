/* The daemon's event ring (multipathd/events.c, compiled in): path, map and
 * uevent records as JSON, "since" and "last" windows, the ring overrunning
 * (oldest dropped, first_seq and events_dropped say so), and the counters
 * the metrics read. */
#include <string.h>
#include <sys/sysmacros.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "../../multipathd/events.c"
#include "unit.h"

const char unit_suite_name[] = "mpd-events";

static const char *s_of(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

static int64_t i_of(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return json_object_get_int64(v);
}

static struct json_object *events_of(struct json_object *doc)
{
	struct json_object *a = NULL;

	CU_ASSERT_FATAL(json_object_object_get_ex(doc, "events", &a));
	return a;
}

static void fixtures(struct mpd_path *p, struct mpd_map *m)
{
	memset(p, 0, sizeof(*p));
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "mpatha");
	snprintf(p->mp.kname, sizeof(p->mp.kname), "sdc");
	p->devt = makedev(8, 32);
	p->map = m;
	p->pol.state = MP_PATH_UP;
}

static void test_records(void)
{
	struct mpd_events *ev = NULL;
	struct mpd_path p;
	struct mpd_map m;
	struct json_object *doc, *a;

	fixtures(&p, &m);
	CU_ASSERT_EQUAL_FATAL(mpd_events_new(&ev), 0);
	mpd_events_path(ev, &p, MP_PATH_UP, MP_PATH_DOWN, MP_PEV_OPER_FAIL, NULL);
	mpd_events_map(ev, &m, "absent", "created", "daemon", NULL);
	mpd_events_uevent(ev, &p, "remove");
	p.map = NULL;
	mpd_events_uevent(ev, &p, "add");
	doc = mpd_events_json(ev, 0, 0);
	a = events_of(doc);
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(a), 4);
	CU_ASSERT_EQUAL(i_of(doc, "first_seq"), 1);
	CU_ASSERT_EQUAL(i_of(doc, "next_seq"), 5);
	CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(a, 0), "cause"), "operator");
	CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(a, 0), "dev_t"), "8:32");
	CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(a, 0), "to"), "down");
	CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(a, 1), "object"), "map");
	CU_ASSERT_PTR_NULL(s_of(json_object_array_get_idx(a, 1), "dev"));
	CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(a, 1), "to"), "created");
	CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(a, 2), "cause"), "uevent");
	CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(a, 2), "from"), "up");
	CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(a, 2), "to"), "removed");
	CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(a, 2), "map"), "mpatha");
	CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(a, 3), "to"), "present");
	CU_ASSERT_PTR_NULL(s_of(json_object_array_get_idx(a, 3), "map"));
	json_object_put(doc);
	mpd_events_free(ev);
}

static void test_windows_and_overrun(void)
{
	struct mpd_events *ev = NULL;
	struct mpd_path p;
	struct mpd_map m;
	struct json_object *doc, *c;

	fixtures(&p, &m);
	CU_ASSERT_EQUAL_FATAL(mpd_events_new(&ev), 0);
	for (int i = 0; i < MPD_EVENTS_MAX + 10; i++)
		mpd_events_map(ev, &m, "a", "b", "operator", NULL);
	doc = mpd_events_json(ev, 0, 0);
	CU_ASSERT_EQUAL(json_object_array_length(events_of(doc)), MPD_EVENTS_MAX);
	CU_ASSERT_EQUAL(i_of(doc, "first_seq"), 11);
	CU_ASSERT_EQUAL(i_of(json_object_array_get_idx(events_of(doc), 0), "seq"), 11);
	json_object_put(doc);
	/* since an overrun seq: from the oldest kept; since the end: nothing */
	doc = mpd_events_json(ev, 3, 0);
	CU_ASSERT_EQUAL(json_object_array_length(events_of(doc)), MPD_EVENTS_MAX);
	json_object_put(doc);
	doc = mpd_events_json(ev, MPD_EVENTS_MAX + 11, 0);
	CU_ASSERT_EQUAL(json_object_array_length(events_of(doc)), 0);
	json_object_put(doc);
	doc = mpd_events_json(ev, MPD_EVENTS_MAX + 8, 0);
	CU_ASSERT_EQUAL(json_object_array_length(events_of(doc)), 3);
	json_object_put(doc);
	doc = mpd_events_json(ev, 0, 2);
	CU_ASSERT_EQUAL(json_object_array_length(events_of(doc)), 2);
	CU_ASSERT_EQUAL(i_of(json_object_array_get_idx(events_of(doc), 1), "seq"), MPD_EVENTS_MAX + 10);
	json_object_put(doc);
	mpd_events_check(ev, &p, MP_CHECK_UP);
	mpd_events_check(ev, &p, MP_CHECK_DOWN);
	c = mpd_events_counters_json(ev);
	CU_ASSERT_EQUAL(i_of(c, "check_failures"), 1);
	CU_ASSERT_EQUAL(i_of(c, "map_events"), MPD_EVENTS_MAX + 10);
	CU_ASSERT_EQUAL(i_of(c, "path_state_changes"), 0);
	CU_ASSERT_EQUAL(i_of(c, "events_dropped"), 10);
	json_object_put(c);
	mpd_events_free(ev);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_records),
	UNIT_TEST(test_windows_and_overrun),
	UNIT_END,
};
