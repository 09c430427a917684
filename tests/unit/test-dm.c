/* Unit tests for the kernel-free parts of the dm adapter: decoding a
 * DM_LIST_DEVICES answer (laid out here byte by byte as the kernel does),
 * the known-versus-now comparison behind mp_dm_events_changed, and the
 * udev flags a cookie carries for MP_DM_UDEV_*. */
#include <libdevmapper.h>
#include <linux/dm-ioctl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "unit.h"
#include "mp/dm.h"

/* the adapter's internal mapping (libmp/sys/dm-internal.h) */
uint16_t dm_udev_flags(unsigned int mp_flags);

const char unit_suite_name[] = "dm";

struct entry {
	uint32_t major, minor, event_nr;
	const char *name, *uuid;	/* uuid NULL: DOESNT_HAVE_UUID */
};

static size_t align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

/* Lays entries out as the kernel's list_devices() does; returns the length. */
static size_t build_list(unsigned char *buf, size_t cap, const struct entry *e, size_t n)
{
	size_t off = 0, prev = 0;

	memset(buf, 0, cap);
	for (size_t i = 0; i < n; i++) {
		uint64_t dev = ((uint64_t)e[i].minor & 0xff) | ((uint64_t)e[i].major << 8) |
			       (((uint64_t)e[i].minor & ~0xffull) << 12);
		uint32_t ev[2] = { e[i].event_nr,
				   e[i].uuid ? DM_NAME_LIST_FLAG_HAS_UUID : DM_NAME_LIST_FLAG_DOESNT_HAVE_UUID };
		size_t p;

		if (i) {
			uint32_t next = (uint32_t)(off - prev);

			memcpy(buf + prev + offsetof(struct dm_name_list, next), &next, sizeof(next));
		}
		memcpy(buf + off, &dev, sizeof(dev));
		strcpy((char *)buf + off + offsetof(struct dm_name_list, name), e[i].name);
		p = align8(off + offsetof(struct dm_name_list, name) + strlen(e[i].name) + 1);
		memcpy(buf + p, ev, sizeof(ev));
		p = align8(p + sizeof(ev));
		if (e[i].uuid) {
			strcpy((char *)buf + p, e[i].uuid);
			p = align8(p + strlen(e[i].uuid) + 1);
		}
		prev = off;
		off = p;
	}
	CU_ASSERT_FATAL(off <= cap);
	return off;
}

static void test_parse_empty_list(void)
{
	unsigned char buf[64];
	struct mp_dm_event_map *maps = (void *)1;

	memset(buf, 0, sizeof(buf));
	CU_ASSERT_EQUAL(mp_dm_events_parse_list(buf, 0, &maps), 0);
	CU_ASSERT_PTR_NULL(maps);
	maps = (void *)1;
	/* The kernel writes dev = 0 when nothing matched. */
	CU_ASSERT_EQUAL(mp_dm_events_parse_list(buf, 16, &maps), 0);
	CU_ASSERT_PTR_NULL(maps);
}

static void test_parse_three_maps(void)
{
	static const struct entry e[] = {
		{ 254, 0, 7, "mpatha", "mpath-3600140512345678" },
		{ 254, 1, 0, "vg-root", NULL },
		{ 254, 300, 42, "mpatha-part1", "part1-mpath-3600140512345678" },
	};
	unsigned char buf[1024];
	struct mp_dm_event_map *maps = NULL;
	size_t len = build_list(buf, sizeof(buf), e, 3);

	CU_ASSERT_EQUAL_FATAL(mp_dm_events_parse_list(buf, len, &maps), 3);
	CU_ASSERT_STRING_EQUAL(maps[0].name, "mpatha");
	CU_ASSERT_STRING_EQUAL(maps[0].uuid, "mpath-3600140512345678");
	CU_ASSERT_EQUAL(maps[0].devnum, makedev(254, 0));
	CU_ASSERT_EQUAL(maps[0].event_nr, 7);
	CU_ASSERT_STRING_EQUAL(maps[1].name, "vg-root");
	CU_ASSERT_STRING_EQUAL(maps[1].uuid, "");
	CU_ASSERT_EQUAL(maps[2].devnum, makedev(254, 300));
	CU_ASSERT_EQUAL(maps[2].event_nr, 42);
	CU_ASSERT_STRING_EQUAL(maps[2].uuid, "part1-mpath-3600140512345678");
	free(maps);
}

static void test_parse_rejects_truncation(void)
{
	static const struct entry e[] = {
		{ 254, 0, 1, "mpatha", "mpath-36001" },
		{ 254, 1, 2, "mpathb", "mpath-36002" },
	};
	unsigned char buf[512];
	struct mp_dm_event_map *maps = (void *)1;
	size_t len = build_list(buf, sizeof(buf), e, 2);

	/* Cut inside the second entry's uuid, then inside its name. */
	CU_ASSERT_EQUAL(mp_dm_events_parse_list(buf, len - 8, &maps), -EBADMSG);
	CU_ASSERT_EQUAL(mp_dm_events_parse_list(buf, 54, &maps), -EBADMSG);
	CU_ASSERT_PTR_EQUAL(maps, (void *)1);
	/* A next offset pointing outside the buffer. */
	buf[offsetof(struct dm_name_list, next)] = 0xf0;
	CU_ASSERT_EQUAL(mp_dm_events_parse_list(buf, len, &maps), -EBADMSG);
}

static void test_parse_rejects_unterminated_name(void)
{
	unsigned char buf[64];
	struct mp_dm_event_map *maps = NULL;

	memset(buf, 'x', sizeof(buf));
	memset(buf, 0, offsetof(struct dm_name_list, name));
	buf[0] = 1;	/* dev != 0, next = 0 */
	CU_ASSERT_EQUAL(mp_dm_events_parse_list(buf, sizeof(buf), &maps), -EBADMSG);
}

static struct mp_dm_event_map ev(unsigned int mi, uint32_t nr, const char *name)
{
	struct mp_dm_event_map m = { .devnum = makedev(254, mi), .event_nr = nr };

	strcpy(m.name, name);
	return m;
}

static void test_diff_reports_changed_added_removed(void)
{
	struct mp_dm_event_map known[3] = { ev(0, 1, "a"), ev(1, 5, "b"), ev(2, 0, "c") };
	struct mp_dm_event_map now[3] = { ev(0, 1, "a"), ev(1, 6, "b"), ev(3, 0, "d") };
	struct mp_dm_event_change *ch = NULL;

	CU_ASSERT_EQUAL_FATAL(mp_dm_events_diff(known, 3, now, 3, &ch), 3);
	CU_ASSERT_EQUAL(ch[0].kind, MP_DM_EVENT_CHANGED);
	CU_ASSERT_STRING_EQUAL(ch[0].map.name, "b");
	CU_ASSERT_EQUAL(ch[0].old_event_nr, 5);
	CU_ASSERT_EQUAL(ch[0].map.event_nr, 6);
	CU_ASSERT_EQUAL(ch[1].kind, MP_DM_EVENT_ADDED);
	CU_ASSERT_STRING_EQUAL(ch[1].map.name, "d");
	CU_ASSERT_EQUAL(ch[2].kind, MP_DM_EVENT_REMOVED);
	CU_ASSERT_STRING_EQUAL(ch[2].map.name, "c");
	free(ch);
}

static void test_diff_nothing_changed(void)
{
	struct mp_dm_event_map known[2] = { ev(0, 1, "a"), ev(1, 5, "b") };
	struct mp_dm_event_change *ch = (void *)1;

	CU_ASSERT_EQUAL(mp_dm_events_diff(known, 2, known, 2, &ch), 0);
	CU_ASSERT_PTR_NULL(ch);
	CU_ASSERT_EQUAL(mp_dm_events_diff(NULL, 0, NULL, 0, &ch), 0);
}

static void test_diff_rename_is_a_change(void)
{
	struct mp_dm_event_map known[1] = { ev(0, 1, "mpatha") };
	struct mp_dm_event_map now[1] = { ev(0, 1, "data") };
	struct mp_dm_event_change *ch = NULL;

	CU_ASSERT_EQUAL_FATAL(mp_dm_events_diff(known, 1, now, 1, &ch), 1);
	CU_ASSERT_EQUAL(ch[0].kind, MP_DM_EVENT_CHANGED);
	CU_ASSERT_STRING_EQUAL(ch[0].map.name, "data");
	free(ch);
}

static void test_event_kind_names(void)
{
	CU_ASSERT_STRING_EQUAL(mp_dm_event_kind_to_string(MP_DM_EVENT_CHANGED), "changed");
	CU_ASSERT_STRING_EQUAL(mp_dm_event_kind_to_string(MP_DM_EVENT_REMOVED), "removed");
	CU_ASSERT_STRING_EQUAL(mp_dm_event_kind_to_string(MP_DM_EVENT_ADDED), "added");
	CU_ASSERT_PTR_NULL(mp_dm_event_kind_to_string(_MP_DM_EVENT_KIND_MAX));
}

/* A map with no path that serves I/O must not be probed by any dm-aware
 * rule: the generic disable flags go with our subsystem flag (issue 4). */
static void test_udev_flags(void)
{
	const uint16_t probe_off = DM_UDEV_DISABLE_DISK_RULES_FLAG | DM_UDEV_DISABLE_OTHER_RULES_FLAG;
	uint16_t f;

	f = dm_udev_flags(MP_DM_UDEV_NO_PATHS);
	CU_ASSERT_EQUAL(f & probe_off, probe_off);
	CU_ASSERT(f & DM_SUBSYSTEM_UDEV_FLAG2);
	CU_ASSERT_FALSE(f & DM_UDEV_DISABLE_DM_RULES_FLAG);	/* /dev/mapper link stays */
	f = dm_udev_flags(MP_DM_UDEV_RELOAD);
	CU_ASSERT(f & DM_SUBSYSTEM_UDEV_FLAG0);
	CU_ASSERT_FALSE(f & probe_off);
	f = dm_udev_flags(MP_DM_UDEV_RELOAD | MP_DM_UDEV_NO_PATHS);
	CU_ASSERT_EQUAL(f & (probe_off | DM_SUBSYSTEM_UDEV_FLAG0), probe_off | DM_SUBSYSTEM_UDEV_FLAG0);
	CU_ASSERT_FALSE(dm_udev_flags(0) & (probe_off | DM_SUBSYSTEM_UDEV_FLAG0 | DM_SUBSYSTEM_UDEV_FLAG2));
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_udev_flags),
	UNIT_TEST(test_parse_empty_list),
	UNIT_TEST(test_parse_three_maps),
	UNIT_TEST(test_parse_rejects_truncation),
	UNIT_TEST(test_parse_rejects_unterminated_name),
	UNIT_TEST(test_diff_reports_changed_added_removed),
	UNIT_TEST(test_diff_nothing_changed),
	UNIT_TEST(test_diff_rename_is_a_change),
	UNIT_TEST(test_event_kind_names),
	UNIT_END
};
