/* Unit tests for the path and map models: defaults, dev_t ordering, enum
 * strings, map membership (duplicates, wrong WWID, removal from groups). */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "mp/group.h"
#include "mp/map.h"
#include "mp/path.h"

const char unit_suite_name[] = "path";

static void mkpath(struct mp_path *p, const char *kname, unsigned int maj, unsigned int min,
		   const char *wwid)
{
	mp_path_init(p);
	strcpy(p->kname, kname);
	p->major = maj;
	p->minor = min;
	strcpy(p->wwid, wwid);
}

static void test_init_and_label(void)
{
	struct mp_path *p = NULL;
	char buf[32];

	CU_ASSERT_EQUAL_FATAL(mp_path_new(&p), 0);
	CU_ASSERT_EQUAL(p->tpg_id, -1);
	CU_ASSERT_EQUAL(p->rel_port_id, -1);
	CU_ASSERT_EQUAL(p->prio, -1);
	CU_ASSERT_EQUAL(p->hbtl.lun, -1);
	CU_ASSERT_EQUAL(p->state, MP_PATH_UNCHECKED);
	CU_ASSERT_EQUAL(p->alua_state, MP_ALUA_UNKNOWN);
	CU_ASSERT_EQUAL(p->protocol, MP_PROTO_UNDEF);
	CU_ASSERT_STRING_EQUAL(mp_path_label(p, buf, sizeof(buf)), "? [0:0]");
	strcpy(p->kname, "sdc");
	p->major = 8;
	p->minor = 32;
	CU_ASSERT_STRING_EQUAL(mp_path_label(p, buf, sizeof(buf)), "sdc [8:32]");
	mp_path_free(p);
	mp_path_free(NULL);
	CU_ASSERT_EQUAL(mp_path_new(NULL), -EINVAL);
}

static void test_usable_and_order(void)
{
	static const struct {
		enum mp_path_state s;
		bool usable;
	} states[] = {
		{ MP_PATH_UNCHECKED, true }, { MP_PATH_UP, true }, { MP_PATH_GHOST, true },
		{ MP_PATH_DOWN, false }, { MP_PATH_SHAKY, false }, { MP_PATH_PENDING, false },
	};
	struct mp_path a, b;

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		mp_path_init(&a);
		a.state = states[i].s;
		CU_ASSERT_EQUAL(mp_path_is_usable(&a), states[i].usable);
	}
	mkpath(&a, "sdb", 8, 16, "x");
	mkpath(&b, "sdq", 65, 0, "x");
	CU_ASSERT(mp_path_compare_devt(&a, &b) < 0);
	CU_ASSERT(mp_path_compare_devt(&b, &a) > 0);
	b.major = 8;
	b.minor = 16;
	CU_ASSERT(mp_path_compare_devt(&a, &b) < 0);	/* same dev_t: by name */
	CU_ASSERT_EQUAL(mp_path_compare_devt(&a, &a), 0);
}

static void test_enum_strings(void)
{
	static const struct {
		const char *s;
		enum mp_protocol p;
	} protos[] = {
		{ "scsi:fcp", MP_PROTO_SCSI_FCP }, { "scsi:iscsi", MP_PROTO_SCSI_ISCSI },
		{ "scsi:sas", MP_PROTO_SCSI_SAS }, { "scsi:unspec", MP_PROTO_SCSI_UNSPEC },
		{ "nvme", MP_PROTO_NVME }, { "undef", MP_PROTO_UNDEF },
	};
	enum mp_protocol p = MP_PROTO_NVME;
	enum mp_alua_state a;

	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		CU_ASSERT_EQUAL(mp_protocol_from_string(protos[i].s, &p), 0);
		CU_ASSERT_EQUAL(p, protos[i].p);
		CU_ASSERT_STRING_EQUAL(mp_protocol_to_string(protos[i].p), protos[i].s);
	}
	CU_ASSERT_EQUAL(mp_protocol_from_string("scsi:FCP", &p), -EINVAL);
	CU_ASSERT_EQUAL(mp_protocol_from_string("scsi:0xc", &p), -EINVAL);
	CU_ASSERT_PTR_NULL(mp_protocol_to_string((enum mp_protocol)0xc));
	CU_ASSERT_PTR_NULL(mp_protocol_to_string(_MP_PROTO_MAX));
	CU_ASSERT_STRING_EQUAL(mp_wwid_source_to_string(MP_WWID_SRC_EUI64), "eui64");
	CU_ASSERT_PTR_NULL(mp_wwid_source_to_string(_MP_WWID_SRC_MAX));
	a = MP_ALUA_OFFLINE;
	CU_ASSERT_STRING_EQUAL(mp_alua_state_to_string(a), "offline");
	CU_ASSERT_PTR_NULL(mp_alua_state_to_string((enum mp_alua_state)0x9));
}

static void test_map_membership(void)
{
	struct mp_path p[3], other;
	struct mp_map *m = NULL;

	CU_ASSERT_EQUAL(mp_map_new("", &m), -EINVAL);
	CU_ASSERT_EQUAL(mp_map_new(NULL, &m), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(mp_map_new("36001405aa", &m), 0);
	CU_ASSERT_STRING_EQUAL(mp_map_name(m), "36001405aa");
	CU_ASSERT_EQUAL(mp_map_set_alias(m, "mpatha"), 0);
	CU_ASSERT_STRING_EQUAL(mp_map_name(m), "mpatha");
	mkpath(&p[0], "sda", 8, 0, "36001405aa");
	mkpath(&p[1], "sdb", 8, 16, "36001405aa");
	mkpath(&p[2], "sdc", 8, 32, "36001405aa");
	mkpath(&other, "sdd", 8, 48, "36001405bb");
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(mp_map_add_path(m, &p[i]), 0);
	CU_ASSERT_EQUAL(mp_map_add_path(m, &p[1]), -EEXIST);
	CU_ASSERT_EQUAL(mp_map_add_path(m, &other), -EINVAL);
	strcpy(other.wwid, "36001405aa");
	other.minor = 16;	/* same dev_t as sdb */
	CU_ASSERT_EQUAL(mp_map_add_path(m, &other), -EEXIST);
	CU_ASSERT_EQUAL(m->n_paths, 3);
	CU_ASSERT_PTR_EQUAL(mp_map_find_path(m, 8, 32), &p[2]);
	CU_ASSERT_PTR_NULL(mp_map_find_path(m, 8, 48));

	/* removal also leaves the groups, and empty groups go away */
	CU_ASSERT_EQUAL_FATAL(mp_group_paths(m, MP_PGPOLICY_FAILOVER, NULL), 0);
	CU_ASSERT_EQUAL(m->n_pgs, 3);
	CU_ASSERT_EQUAL(mp_map_remove_path(m, &p[1]), 0);
	CU_ASSERT_EQUAL(m->n_paths, 2);
	CU_ASSERT_EQUAL(m->n_pgs, 2);
	for (size_t g = 0; g < m->n_pgs; g++)
		CU_ASSERT_PTR_NOT_EQUAL(m->pgs[g].paths[0], &p[1]);
	CU_ASSERT_EQUAL(mp_map_remove_path(m, &p[1]), -ENOENT);
	CU_ASSERT_EQUAL(mp_map_set_alias(m, NULL), -EINVAL);
	mp_map_free(m);
	mp_map_free(NULL);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_init_and_label),
	UNIT_TEST(test_usable_and_order),
	UNIT_TEST(test_enum_strings),
	UNIT_TEST(test_map_membership),
	UNIT_END,
};
