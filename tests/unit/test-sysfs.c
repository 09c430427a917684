/* Unit tests for mp/sysfs.h against fixture trees captured from the test
 * bed's guest (Debian 6.1 kernel): tests/fixtures/sysfs/<source>/ holds
 * block/sdX links, the device directories they resolve to and, for iSCSI,
 * the session and connection attributes, with the kernel's relative
 * symlinks. The tests run from the checkout root (scripts/run-unit) or
 * with MP_FIXTURES pointing at tests/fixtures. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "mp/sysfs.h"

const char unit_suite_name[] = "sysfs";

static const char *root_of(const char *source, char *buf, size_t len)
{
	const char *base = getenv("MP_FIXTURES");

	snprintf(buf, len, "%s/sysfs/%s", base ? base : "tests/fixtures", source);
	return buf;
}

static struct mp_sysfs_path *read_path(const char *source, const char *kname, int *ret_r)
{
	struct mp_sysfs_path *sp = calloc(1, sizeof(*sp));
	char root[512];

	CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
	*ret_r = mp_sysfs_path_read(root_of(source, root, sizeof(root)), kname, sp);
	return sp;
}

/* scsi_debug add_host=2 vpd_use_hostno=0: one LUN through host0 (sda)
 * and host1 (sdb); scsi_dh_alua attached. */
static void test_scsi_debug(void)
{
	struct mp_sysfs_path *a, *b;
	int r;

	a = read_path("scsi_debug", "sda", &r);
	CU_ASSERT_EQUAL_FATAL(r, 0);
	CU_ASSERT_STRING_EQUAL(a->path.kname, "sda");
	CU_ASSERT_EQUAL(a->path.major, 8);
	CU_ASSERT_EQUAL(a->path.minor, 0);
	CU_ASSERT_EQUAL(a->path.hbtl.host, 0);
	CU_ASSERT_EQUAL(a->path.hbtl.lun, 0);
	CU_ASSERT_STRING_EQUAL(a->path.vendor, "Linux");
	CU_ASSERT_STRING_EQUAL(a->path.product, "scsi_debug");
	CU_ASSERT_STRING_EQUAL(a->path.revision, "0191");
	CU_ASSERT_STRING_EQUAL(a->kernel_wwid, "naa.33333330000007d0");
	CU_ASSERT_STRING_EQUAL(a->path.wwid, "333333330000007d0");
	CU_ASSERT_EQUAL(a->path.wwid_src, MP_WWID_SRC_NAA);
	CU_ASSERT_STRING_EQUAL(a->path.serial, "2000");
	CU_ASSERT_EQUAL(a->path.tpg_id, 256);
	CU_ASSERT_EQUAL(a->path.rel_port_id, 1);
	CU_ASSERT_EQUAL(a->sdev_state, MP_SDEV_RUNNING);
	CU_ASSERT_EQUAL(a->size_sectors, 32768);
	CU_ASSERT_EQUAL(a->queue_depth, 192);
	CU_ASSERT_EQUAL(a->timeout_s, 30);
	CU_ASSERT_STRING_EQUAL(a->dh_state, "alua");
	CU_ASSERT_EQUAL(a->path.alua_state, MP_ALUA_OPTIMIZED);
	/* no inquiry attribute in the fixture: ALUA from the handler's state */
	CU_ASSERT_EQUAL(a->path.tpgs, 1);
	CU_ASSERT_FALSE(a->path.alua_pref);
	CU_ASSERT_EQUAL(a->path.protocol, MP_PROTO_SCSI_UNSPEC);
	CU_ASSERT_STRING_EQUAL(a->sg_name, "sg0");
	CU_ASSERT_EQUAL(a->n_holders, 0);
	CU_ASSERT_TRUE(a->vpd83_len > 4);
	CU_ASSERT_EQUAL(a->vpd83[1], 0x83);

	b = read_path("scsi_debug", "sdb", &r);
	CU_ASSERT_EQUAL_FATAL(r, 0);
	/* Same LUN, the other host: same WWID, the other port group. */
	CU_ASSERT_STRING_EQUAL(b->path.wwid, a->path.wwid);
	CU_ASSERT_EQUAL(b->path.hbtl.host, 1);
	CU_ASSERT_EQUAL(b->path.tpg_id, 512);
	CU_ASSERT_EQUAL(b->path.alua_state, MP_ALUA_NON_OPTIMIZED);
	CU_ASSERT_STRING_EQUAL(b->sg_name, "sg1");
	free(a);
	free(b);
}

static void test_missing(void)
{
	struct mp_sysfs_path *sp;
	enum mp_sdev_state st = MP_SDEV_CANCEL;
	char root[512], name[32] = "untouched";
	int r;

	sp = read_path("scsi_debug", "sdz", &r);
	CU_ASSERT_EQUAL(r, -ENOENT);
	free(sp);
	sp = read_path("scsi_debug", "../sda", &r);
	CU_ASSERT_EQUAL(r, -EINVAL);
	free(sp);
	sp = read_path("no-such-tree", "sda", &r);
	CU_ASSERT_EQUAL(r, -ENOENT);
	free(sp);
	root_of("scsi_debug", root, sizeof(root));
	CU_ASSERT_EQUAL(mp_sysfs_sdev_state(root, "sdz", &st), -ENOENT);
	CU_ASSERT_EQUAL(st, MP_SDEV_CANCEL);
	CU_ASSERT_EQUAL(mp_sysfs_sg_name(root, "sdz", name, sizeof(name)), -ENOENT);
	CU_ASSERT_STRING_EQUAL(name, "untouched");
}

static void test_small_calls(void)
{
	enum mp_sdev_state st;
	char root[512], name[32], tiny[3];

	root_of("scsi_debug", root, sizeof(root));
	CU_ASSERT_EQUAL(mp_sysfs_sdev_state(root, "sdb", &st), 0);
	CU_ASSERT_EQUAL(st, MP_SDEV_RUNNING);
	CU_ASSERT_EQUAL(mp_sysfs_sg_name(root, "sdb", name, sizeof(name)), 0);
	CU_ASSERT_STRING_EQUAL(name, "sg1");
	CU_ASSERT_EQUAL(mp_sysfs_sg_name(root, "sdb", tiny, sizeof(tiny)), -ENAMETOOLONG);
}

static void test_state_strings(void)
{
	enum mp_sdev_state st;

	for (int i = 0; i < _MP_SDEV_STATE_MAX; i++) {
		const char *s = mp_sdev_state_to_string((enum mp_sdev_state)i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_EQUAL(mp_sdev_state_from_string(s, &st), 0);
		CU_ASSERT_EQUAL(st, i);
	}
	CU_ASSERT_EQUAL(mp_sdev_state_from_string("transport-offline", &st), 0);
	CU_ASSERT_EQUAL(st, MP_SDEV_TRANSPORT_OFFLINE);
	CU_ASSERT_EQUAL(mp_sdev_state_from_string("sleepy", &st), -EINVAL);
}

/* Attributes kept open: the fixture's values, then a value rewritten in
 * place is what the next read through the same fd returns (offset 0 each
 * time), and a missing attribute or word is refused. */
static void rewrite(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void test_attr_fds(void)
{
	char root[512], tmp[] = "/tmp/mp-sysfs-XXXXXX", path[600];
	enum mp_sdev_state st = MP_SDEV_CANCEL;
	enum mp_alua_state as = MP_ALUA_UNKNOWN;
	int fd = -1, afd = -1;

	root_of("scsi_debug", root, sizeof(root));
	CU_ASSERT_EQUAL_FATAL(mp_sysfs_sdev_attr_open(root, "sdb", "state", &fd), 0);
	CU_ASSERT_EQUAL(mp_sysfs_sdev_state_fd(fd, &st), 0);
	CU_ASSERT_EQUAL(st, MP_SDEV_RUNNING);
	CU_ASSERT_EQUAL(mp_sysfs_sdev_state_fd(fd, &st), 0);	/* again, same fd */
	CU_ASSERT_EQUAL(st, MP_SDEV_RUNNING);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(mp_sysfs_sdev_attr_open(root, "sdb", "access_state", &afd), 0);
	CU_ASSERT_EQUAL(mp_sysfs_access_state_fd(afd, &as), 0);
	CU_ASSERT_EQUAL(as, MP_ALUA_NON_OPTIMIZED);
	CU_ASSERT_EQUAL(mp_sysfs_sdev_state_fd(afd, &st), -EBADMSG);
	close(afd);
	fd = 7;
	CU_ASSERT_EQUAL(mp_sysfs_sdev_attr_open(root, "sdz", "state", &fd), -ENOENT);
	CU_ASSERT_EQUAL(fd, 7);
	CU_ASSERT_EQUAL(mp_sysfs_sdev_state_fd(-1, &st), -EINVAL);

	/* a tree of our own whose values change under an open fd */
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmp));
	snprintf(path, sizeof(path), "%s/block", tmp);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/block/sdx", tmp);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/block/sdx/device", tmp);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/block/sdx/device/state", tmp);
	rewrite(path, "running\n");
	CU_ASSERT_EQUAL_FATAL(mp_sysfs_sdev_attr_open(tmp, "sdx", "state", &fd), 0);
	CU_ASSERT_EQUAL(mp_sysfs_sdev_state_fd(fd, &st), 0);
	CU_ASSERT_EQUAL(st, MP_SDEV_RUNNING);
	rewrite(path, "transport-offline\n");
	CU_ASSERT_EQUAL(mp_sysfs_sdev_state_fd(fd, &st), 0);
	CU_ASSERT_EQUAL(st, MP_SDEV_TRANSPORT_OFFLINE);
	rewrite(path, "");
	CU_ASSERT_EQUAL(mp_sysfs_sdev_state_fd(fd, &st), -ENODATA);
	CU_ASSERT_EQUAL(st, MP_SDEV_TRANSPORT_OFFLINE);
	rewrite(path, "sleepy\n");
	CU_ASSERT_EQUAL(mp_sysfs_sdev_state_fd(fd, &st), -EBADMSG);
	close(fd);
	unlink(path);
	snprintf(path, sizeof(path), "%s/block/sdx/device", tmp);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/block/sdx", tmp);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/block", tmp);
	rmdir(path);
	rmdir(tmp);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_scsi_debug),
	UNIT_TEST(test_missing),
	UNIT_TEST(test_small_calls),
	UNIT_TEST(test_state_strings),
	UNIT_TEST(test_attr_fds),
	UNIT_END,
};
