/* mpctl's wwids file for `multipath -a/-w/-W`: the pure -W edit step over
 * literal files (exact contents, unparsed lines dropped, idempotence,
 * invalid WWIDs refused), then the edits through the atomic-file helper on
 * real files in a fresh mkdtemp directory under /tmp (directory made,
 * unparsed lines kept by -a/-w, dropped by -W), and the file's
 * choice from a configuration when no daemon answers. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "../../mpctl/ipc.c"
#include "../../mpctl/render.c"
#include "../../mpctl/wwids.c"
#include "unit.h"

const char unit_suite_name[] = "mpctl-wwids";

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mpctl-wwids-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static void teardown(void)
{
	nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;

	CU_ASSERT_EQUAL_FATAL(mp_atomic_file_read(path, 1 << 20, &buf, &len), 0);
	return buf;
}

static void put(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

/* The WWIDs of a wwids text, in order, space-separated. */
static void wwids_of(const char *text, char *buf, size_t len)
{
	struct mp_wwids *w = NULL;
	size_t off = 0;

	buf[0] = '\0';
	CU_ASSERT_EQUAL_FATAL(mp_wwids_parse(text, strlen(text), NULL, &w), 0);
	for (size_t i = 0; i < mp_wwids_count(w); i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", mp_wwids_get(w, i));
	mp_wwids_free(w);
}

static const char old_file[] =
	"# header\n"
	"/3600a0980383030534500000000000001/\n"
	"this line is not a wwid\n"
	"/3600a0980383030534500000000000002/\n";

static void test_reset_exact(void)
{
	const char *keep[] = { "3600a0980383030534500000000000002", "36001405aaaa" };
	struct mpctl_wwids_reset rs = { keep, 2 };
	struct mp_strbuf out = MP_STRBUF_INIT;
	char got[256];

	CU_ASSERT_EQUAL(mpctl_wwids_reset_apply(old_file, strlen(old_file), &out, &rs), 1);
	wwids_of(mp_strbuf_str(&out), got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "3600a0980383030534500000000000002 36001405aaaa");
	/* -W keeps only the maps: the unparsed line goes too */
	CU_ASSERT_PTR_NULL(strstr(mp_strbuf_str(&out), "not a wwid"));
	CU_ASSERT_PTR_NULL(strstr(mp_strbuf_str(&out), "0001/"));
	mp_strbuf_release(&out);
}

static void test_reset_idempotent(void)
{
	const char *keep[] = { "36001405aaaa", "36001405bbbb" };
	struct mpctl_wwids_reset rs = { keep, 2 };
	struct mp_strbuf first = MP_STRBUF_INIT, second = MP_STRBUF_INIT;

	CU_ASSERT_EQUAL(mpctl_wwids_reset_apply("", 0, &first, &rs), 1);
	CU_ASSERT_EQUAL(mpctl_wwids_reset_apply(first.buf, first.len, &second, &rs), 0);
	mp_strbuf_release(&first);
	mp_strbuf_release(&second);
}

static void test_reset_empty_and_invalid(void)
{
	const char *bad[] = { "36001405aaaa", "has space" };
	struct mpctl_wwids_reset none = { NULL, 0 }, rs = { bad, 2 };
	struct mp_strbuf out = MP_STRBUF_INIT;
	char got[64];

	CU_ASSERT_EQUAL(mpctl_wwids_reset_apply(old_file, strlen(old_file), &out, &none), 1);
	wwids_of(mp_strbuf_str(&out), got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "");
	mp_strbuf_release(&out);
	CU_ASSERT_EQUAL(mpctl_wwids_reset_apply("", 0, &out, &rs), -EINVAL);
	mp_strbuf_release(&out);
}

static void test_change_add_remove(void)
{
	char path[128], got[256], *text;

	setup();
	snprintf(path, sizeof(path), "%s/etc-multipath/wwids", tmpdir);
	/* the directory is made, like the daemon does */
	CU_ASSERT_EQUAL(mpctl_wwids_change(path, 'a', "36001405aaaa", NULL, 0), 1);
	CU_ASSERT_EQUAL(mpctl_wwids_change(path, 'a', "36001405aaaa", NULL, 0), 0);
	CU_ASSERT_EQUAL(mpctl_wwids_change(path, 'a', "36001405bbbb", NULL, 0), 1);
	text = slurp(path);
	wwids_of(text, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "36001405aaaa 36001405bbbb");
	free(text);
	CU_ASSERT_EQUAL(mpctl_wwids_change(path, 'w', "36001405aaaa", NULL, 0), 1);
	CU_ASSERT_EQUAL(mpctl_wwids_change(path, 'w', "36001405aaaa", NULL, 0), 0);
	text = slurp(path);
	wwids_of(text, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "36001405bbbb");
	free(text);
	CU_ASSERT_EQUAL(mpctl_wwids_change(path, 'a', "bad/wwid", NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(mpctl_wwids_change(path, 'a', NULL, NULL, 0), -EINVAL);
	teardown();
}

static void test_change_keeps_unparsed(void)
{
	const char *keep[] = { "36001405cccc" };
	char path[128], got[256], *text;

	setup();
	snprintf(path, sizeof(path), "%s/wwids", tmpdir);
	put(path, old_file);
	CU_ASSERT_EQUAL(mpctl_wwids_change(path, 'a', "36001405aaaa", NULL, 0), 1);
	text = slurp(path);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "this line is not a wwid"));
	wwids_of(text, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "3600a0980383030534500000000000001 3600a0980383030534500000000000002 "
				    "36001405aaaa");
	free(text);
	CU_ASSERT_EQUAL(mpctl_wwids_change(path, 'W', NULL, keep, 1), 1);
	text = slurp(path);
	wwids_of(text, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "36001405cccc");
	CU_ASSERT_PTR_NULL(strstr(text, "not a wwid"));
	free(text);
	teardown();
}

static void test_file_from_config(void)
{
	char conf[128], got[256];

	setup();
	snprintf(conf, sizeof(conf), "%s/multipath.conf", tmpdir);
	put(conf, "defaults {\n\twwids_file /var/lib/mp/wwids\n}\n");
	mpctl_g.socket_path = "/nonexistent/mpctl-unit.sock";
	mpctl_g.timeout_ms = 200;
	CU_ASSERT_EQUAL(mpctl_wwids_file(conf, got, sizeof(got)), 0);
	CU_ASSERT_STRING_EQUAL(got, "/var/lib/mp/wwids");
	snprintf(conf, sizeof(conf), "%s/missing.conf", tmpdir);
	CU_ASSERT_EQUAL(mpctl_wwids_file(conf, got, sizeof(got)), 0);
	CU_ASSERT_STRING_EQUAL(got, "/etc/multipath/wwids");
	teardown();
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_reset_exact),
	UNIT_TEST(test_reset_idempotent),
	UNIT_TEST(test_reset_empty_and_invalid),
	UNIT_TEST(test_change_add_remove),
	UNIT_TEST(test_change_keeps_unparsed),
	UNIT_TEST(test_file_from_config),
	UNIT_END,
};
