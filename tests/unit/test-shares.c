/* Unit tests for the byte-share data (shares.c, the share words in
 * dmword.c, the byte-share status words in dmstatus.c): table words and
 * their refusals, the path_shares spec and its keys, effective shares
 * with demoted paths, /sys/block/sdX/stat lines and samples, and the
 * selector's status lines in both modes as the kernel prints them
 * (tests/vm/tests/60-byteshare-single.sh, 61-byteshare-rw.sh). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "mp/config.h"
#include "mp/dmtable.h"
#include "mp/strbuf.h"
#include "mp/shares.h"

const char unit_suite_name[] = "shares";

static void test_share_words(void)
{
	static const struct { const char *w; int r; unsigned int rd, wr; const char *back; } rows[] = {
		{ "70", 0, 70, 70, "70" },
		{ "80/20", 0, 80, 20, "80/20" },
		{ "5/5", 0, 5, 5, "5" },
		{ "1", 0, 1, 1, "1" },
		{ "100000/1", 0, 100000, 1, "100000/1" },
		{ "0", -EINVAL, 0, 0, NULL }, { "100001", -EINVAL, 0, 0, NULL }, { "70/0", -EINVAL, 0, 0, NULL }, { "/20", -EINVAL, 0, 0, NULL },
		{ "70/", -EINVAL, 0, 0, NULL }, { "7a", -EINVAL, 0, 0, NULL }, { "-1", -EINVAL, 0, 0, NULL }, { "", -EINVAL, 0, 0, NULL },
		{ "1/2/3", -EINVAL, 0, 0, NULL }, { " 70", -EINVAL, 0, 0, NULL }, { "99999999999999999999", -EINVAL, 0, 0, NULL },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct mp_share s = { { 9, 9 } };
		char buf[MP_SHARE_WORD_SIZE];

		CU_ASSERT_EQUAL(mp_share_parse(rows[i].w, &s), rows[i].r);
		if (rows[i].r)
			continue;
		CU_ASSERT_EQUAL(s.v[MP_DIR_READ], rows[i].rd);
		CU_ASSERT_EQUAL(s.v[MP_DIR_WRITE], rows[i].wr);
		CU_ASSERT_EQUAL(mp_share_format(&s, buf, sizeof(buf)), 0);
		CU_ASSERT_STRING_EQUAL(buf, rows[i].back);
	}
	{
		struct mp_share bad = { { 0, 5 } }, big = { { 100000, 99999 } };
		char small[4];

		CU_ASSERT_EQUAL(mp_share_format(&bad, small, sizeof(small)), -EINVAL);
		CU_ASSERT_EQUAL(mp_share_format(&big, small, sizeof(small)), -ENOBUFS);
	}
}

/* The table the daemon writes for a byte-share map parses back equal. */
static void test_table_round_trip(void)
{
	const char *line = "0 0 1 1 byte-share 0 2 1 8:16 70 8:32 30/60";
	struct mp_dmtable *t = NULL;
	struct mp_share s;
	char *back = NULL;

	CU_ASSERT_EQUAL_FATAL(mp_dmtable_parse(line, &t, NULL), 0);
	CU_ASSERT_STRING_EQUAL(t->groups[0].selector, "byte-share");
	CU_ASSERT_EQUAL(t->groups[0].n_path_args, 1);
	CU_ASSERT_EQUAL(mp_share_parse(t->groups[0].paths[1].args[0], &s), 0);
	CU_ASSERT_EQUAL(s.v[MP_DIR_WRITE], 60);
	CU_ASSERT_EQUAL(mp_dmtable_format(t, &back, NULL), 0);
	CU_ASSERT_STRING_EQUAL(back, line);
	free(back);
	mp_dmtable_free(t);
}

static void test_glob(void)
{
	CU_ASSERT_TRUE(mp_shares_glob("3:0:0:*", "3:0:0:1"));
	CU_ASSERT_TRUE(mp_shares_glob("3:*", "3:0:0:12"));
	CU_ASSERT_FALSE(mp_shares_glob("3:*", "13:0:0:1"));
	CU_ASSERT_TRUE(mp_shares_glob("sd?", "sdb"));
	CU_ASSERT_FALSE(mp_shares_glob("sd?", "sdab"));
	CU_ASSERT_TRUE(mp_shares_glob("*", ""));
	CU_ASSERT_TRUE(mp_shares_glob("*a*b", "xxaxxab"));
	CU_ASSERT_FALSE(mp_shares_glob("*a*b", "xxaxxa"));
	CU_ASSERT_TRUE(mp_shares_glob("iqn.2003-01.org.*:target1", "iqn.2003-01.org.linux-iscsi.x:target1"));
}

static void test_spec(void)
{
	struct mp_path a, b, c;
	struct mp_share s;
	char why[128] = "";

	mp_path_init(&a);
	mp_path_init(&b);
	mp_path_init(&c);
	snprintf(a.kname, sizeof(a.kname), "sdb");
	a.hbtl = (struct mp_hbtl){ 3, 0, 0, 1 };
	snprintf(b.kname, sizeof(b.kname), "sdc");
	b.hbtl = (struct mp_hbtl){ 4, 0, 0, 1 };
	snprintf(c.kname, sizeof(c.kname), "sdd");
	c.hbtl = (struct mp_hbtl){ 5, 0, 0, 1 };
	snprintf(c.tgt_node_name, sizeof(c.tgt_node_name), "iqn.2024-01.test:arrayB");

	const char *spec = "3:0:0:*=70  4:*=30/10\tiqn.*:arrayB=5 sdb=1";
	CU_ASSERT_EQUAL(mp_shares_spec_validate(spec, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(mp_shares_lookup(spec, &a, &s), 0);
	CU_ASSERT_EQUAL(s.v[0], 70);	/* first match wins over "sdb=1" */
	CU_ASSERT_EQUAL(mp_shares_lookup(spec, &b, &s), 0);
	CU_ASSERT_EQUAL(s.v[0], 30);
	CU_ASSERT_EQUAL(s.v[1], 10);
	CU_ASSERT_EQUAL(mp_shares_lookup(spec, &c, &s), 0);
	CU_ASSERT_EQUAL(s.v[0], 5);
	CU_ASSERT_EQUAL(mp_shares_lookup("sdz=3", &a, &s), -ENOENT);
	CU_ASSERT_EQUAL(mp_shares_lookup("", &a, &s), -ENOENT);
	CU_ASSERT_EQUAL(mp_shares_lookup(NULL, &a, &s), -ENOENT);
	CU_ASSERT_EQUAL(mp_shares_lookup("sdb=70", &a, &s), 0);
	CU_ASSERT_EQUAL(mp_shares_spec_validate("", why, sizeof(why)), 0);
	static const char *const bad[] = { "sdb", "sdb=", "=70", "sdb=0", "sdb=70 sdc", "sdb=x/1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		CU_ASSERT_EQUAL(mp_shares_spec_validate(bad[i], why, sizeof(why)), -EINVAL);
		CU_ASSERT_NOT_EQUAL(why[0], '\0');
	}
}

static void test_effective(void)
{
	const struct mp_share base[3] = { { { 70, 70 } }, { { 30, 30 } }, { { 100, 50 } } };
	const unsigned int none[3] = { 0, 0, 0 }, one[3] = { 0, 50, 0 };
	const unsigned int two[3] = { 166, 50, 0 }, big[3] = { 0, 1000, 0 };
	const unsigned int all[3] = { 50, 50, 50 }, over[3] = { 600, 400, 0 };
	struct mp_share out[3];

	CU_ASSERT_EQUAL(mp_shares_effective(base, none, 3, out), 0);
	CU_ASSERT_EQUAL(out[0].v[0], 70);	/* unchanged when nobody is pinned */
	CU_ASSERT_EQUAL(out[2].v[1], 50);
	CU_ASSERT_EQUAL(mp_shares_effective(base, one, 3, out), 0);
	CU_ASSERT_EQUAL(out[1].v[0], 50);
	CU_ASSERT_EQUAL(out[1].v[1], 50);
	/* 950 split 70:100 (reads) and 70:50 (writes) */
	CU_ASSERT_EQUAL(out[0].v[0], 391);
	CU_ASSERT_EQUAL(out[2].v[0], 558);
	CU_ASSERT_EQUAL(out[0].v[1], 554);
	CU_ASSERT_EQUAL(out[2].v[1], 395);
	/* a probing path (166) beside a demoted one (50): the third gets 784 */
	CU_ASSERT_EQUAL(mp_shares_effective(base, two, 3, out), 0);
	CU_ASSERT_EQUAL(out[0].v[0], 166);
	CU_ASSERT_EQUAL(out[1].v[1], 50);
	CU_ASSERT_EQUAL(out[2].v[0], 784);
	CU_ASSERT_EQUAL(out[2].v[1], 784);
	/* all pinned: nothing to rescale */
	CU_ASSERT_EQUAL(mp_shares_effective(base, all, 3, out), 0);
	CU_ASSERT_EQUAL(out[0].v[0], 70);
	CU_ASSERT_EQUAL(mp_shares_effective(base, big, 3, out), -EINVAL);
	CU_ASSERT_EQUAL(mp_shares_effective(base, over, 3, out), -EINVAL);
}

static void test_relative_throughput(void)
{
	const struct mp_share a[3] = { { { 70, 70 } }, { { 30, 30 } }, { { 1, 1 } } };
	const struct mp_share b[2] = { { { 900, 900 } }, { { 100000, 100000 } } };
	const struct mp_share c[2] = { { { 80, 20 } }, { { 20, 80 } } };
	unsigned int rt[3];

	CU_ASSERT_EQUAL(mp_shares_relative_throughput(a, 3, rt), 0);
	CU_ASSERT_EQUAL(rt[0], 100);
	CU_ASSERT_EQUAL(rt[1], 43);	/* 30 / 70 x 100 = 42.9 */
	CU_ASSERT_EQUAL(rt[2], 1);	/* 1.4 */
	/* the largest is 100, a tiny one never 0 (0 = only when nothing else) */
	CU_ASSERT_EQUAL(mp_shares_relative_throughput(b, 2, rt), 0);
	CU_ASSERT_EQUAL(rt[0], 1);
	CU_ASSERT_EQUAL(rt[1], 100);
	/* per-direction shares: one figure, read + write */
	CU_ASSERT_EQUAL(mp_shares_relative_throughput(c, 2, rt), 0);
	CU_ASSERT_EQUAL(rt[0], 100);
	CU_ASSERT_EQUAL(rt[1], 100);
	CU_ASSERT_EQUAL(mp_shares_relative_throughput(NULL, 2, rt), -EINVAL);
	CU_ASSERT_EQUAL(mp_shares_relative_throughput(NULL, 0, NULL), 0);
}

static void test_blkstat(void)
{
	/* a 6.1 kernel's line: 17 fields */
	const char *l0 = "    1520        0   194560     3120     2240        0   286720     5010        2     7100     8130        0        0        0        0      120       40\n";
	const char *l1 = "    2520        0   322560     4120     2240        0   286720     5010        0     8100     9130        0        0        0        0      120       40\n";
	struct mp_blkstat a, b;
	struct mp_share_sample s;
	uint64_t lat;

	CU_ASSERT_EQUAL_FATAL(mp_blkstat_parse(l0, &a), 0);
	CU_ASSERT_EQUAL(a.ios[MP_DIR_READ], 1520);
	CU_ASSERT_EQUAL(a.sectors[MP_DIR_WRITE], 286720);
	CU_ASSERT_EQUAL(a.ticks_ms[MP_DIR_WRITE], 5010);
	CU_ASSERT_EQUAL(a.in_flight, 2);
	CU_ASSERT_EQUAL(a.io_ticks_ms, 7100);
	CU_ASSERT_EQUAL_FATAL(mp_blkstat_parse(l1, &b), 0);
	mp_share_sample_delta(&a, &b, &s);
	CU_ASSERT_TRUE(s.valid);
	CU_ASSERT_EQUAL(s.ios[MP_DIR_READ], 1000);
	CU_ASSERT_EQUAL(s.bytes[MP_DIR_READ], 128000ull * 512);
	CU_ASSERT_EQUAL(s.bytes[MP_DIR_WRITE], 0);
	CU_ASSERT_EQUAL(mp_share_sample_latency_us(&s, -1, 16, &lat), 0);
	CU_ASSERT_EQUAL(lat, 1000);
	CU_ASSERT_EQUAL(mp_share_sample_latency_us(&s, MP_DIR_WRITE, 1, &lat), -ENODATA);
	CU_ASSERT_EQUAL(mp_share_sample_latency_us(&s, -1, 1001, &lat), -ENODATA);
	/* counters going backwards (device replaced) count as nothing */
	mp_share_sample_delta(&b, &a, &s);
	CU_ASSERT_EQUAL(s.ios[MP_DIR_READ], 0);
	CU_ASSERT_EQUAL(mp_blkstat_parse("1 2 3", &a), -EINVAL);
	CU_ASSERT_EQUAL(mp_blkstat_parse("", &a), -EINVAL);
}

/* Status lines in the form dm-byte-share prints (bs_status). */
static void test_status(void)
{
	const char *single = "0 131072 multipath 2 0 0 0 1 1 A 2 single 1000 2 1 8:0 A 0 734003200 8:16 A 0 314572800";
	const char *rw = "0 131072 multipath 2 0 0 0 1 1 A 2 rw 500 2 2 8:0 A 0 100 200 8:16 F 1 300 400";
	const char *st = "0 131072 multipath 2 0 0 0 1 1 A 0 2 2 8:0 A 0 0 1 8:16 A 0 0 1";
	struct mp_dmstatus *s = NULL;
	struct mp_dm_share_group g;
	struct mp_dm_share_bytes b;
	unsigned int gi = 9;

	CU_ASSERT_EQUAL_FATAL(mp_dmstatus_parse(single, &s, NULL), 0);
	CU_ASSERT_EQUAL(mp_dmstatus_share_group(&s->groups[0], &g), 0);
	CU_ASSERT_FALSE(g.rw);
	CU_ASSERT_EQUAL(g.window_ms, 1000);
	CU_ASSERT_EQUAL(mp_dmstatus_find_group(s, "8:16", &gi), 0);
	CU_ASSERT_EQUAL(gi, 0);
	CU_ASSERT_EQUAL(mp_dmstatus_find_group(s, "8:32", &gi), -ENOENT);
	CU_ASSERT_EQUAL(mp_dmstatus_share_bytes(&s->groups[0], &s->groups[0].paths[0], &b), 0);
	CU_ASSERT_FALSE(b.rw);
	CU_ASSERT_EQUAL(b.total, 734003200ull);
	mp_dmstatus_free(s);

	CU_ASSERT_EQUAL_FATAL(mp_dmstatus_parse(rw, &s, NULL), 0);
	CU_ASSERT_EQUAL(mp_dmstatus_share_group(&s->groups[0], &g), 0);
	CU_ASSERT_TRUE(g.rw);
	CU_ASSERT_EQUAL(g.window_ms, 500);
	CU_ASSERT_EQUAL(mp_dmstatus_share_bytes(&s->groups[0], &s->groups[0].paths[1], &b), 0);
	CU_ASSERT_TRUE(b.rw);
	CU_ASSERT_EQUAL(b.read, 300);
	CU_ASSERT_EQUAL(b.write, 400);
	CU_ASSERT_EQUAL(b.total, 700);
	mp_dmstatus_free(s);

	/* service-time: not byte-share words */
	CU_ASSERT_EQUAL_FATAL(mp_dmstatus_parse(st, &s, NULL), 0);
	CU_ASSERT_EQUAL(mp_dmstatus_share_group(&s->groups[0], &g), -ENODATA);
	CU_ASSERT_EQUAL(mp_dmstatus_share_bytes(&s->groups[0], &s->groups[0].paths[0], &b), -ENODATA);
	mp_dmstatus_free(s);

	/* mode word and info count must agree; byte counts must be numbers */
	static const char *const bad[] = {
		"0 8 multipath 2 0 0 0 1 1 A 2 rw 500 1 1 8:0 A 0 100",
		"0 8 multipath 2 0 0 0 1 1 A 2 single 500 1 2 8:0 A 0 100 5",
		"0 8 multipath 2 0 0 0 1 1 A 2 fast 500 1 1 8:0 A 0 100",
		"0 8 multipath 2 0 0 0 1 1 A 2 single x 1 1 8:0 A 0 100",
		"0 8 multipath 2 0 0 0 1 1 A 2 single 500 1 1 8:0 A 0 1x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(mp_dmstatus_parse(bad[i], &s, NULL), 0);
		CU_ASSERT_EQUAL(mp_dmstatus_share_bytes(&s->groups[0], &s->groups[0].paths[0], &b),
				-ENODATA);
		mp_dmstatus_free(s);
	}
}

/* The keywords: defaults off, per-device values, refusals, dump. */
static void test_config_keywords(void)
{
	const char *text =
		"defaults {\n"
		"  path_selector \"byte-share 0\"\n"
		"  path_grouping_policy multibus\n"
		"  share_interval 2\n"
		"}\n"
		"multipaths {\n"
		"  multipath {\n"
		"    wwid 3600a0\n"
		"    path_shares \"3:0:0:*=70 4:0:0:*=30\"\n"
		"    share_tuning yes\n"
		"    slow_path_factor 5\n"
		"    slow_path_window 20\n"
		"  }\n"
		"}\n";
	struct mp_config_source src = { "test.conf", text, strlen(text) };
	struct mp_diags diags = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;
	struct mp_device_ident id = { .wwid = "3600a0" }, other = { .wwid = "3600b0" };
	struct mp_settings s;
	struct mp_strbuf out = MP_STRBUF_INIT;

	CU_ASSERT_EQUAL_FATAL(mp_config_parse(&src, 1, &diags, &cfg), 0);
	mp_config_resolve(cfg, &other, &s);
	CU_ASSERT_STRING_EQUAL(s.path_selector, "byte-share 0");
	CU_ASSERT_STRING_EQUAL(s.path_shares, "");
	CU_ASSERT_FALSE(s.share_tuning);
	CU_ASSERT_EQUAL(s.share_interval, 2);
	CU_ASSERT_EQUAL(s.slow_path_factor, 0);
	CU_ASSERT_EQUAL(s.slow_path_window, 30);
	mp_config_resolve(cfg, &id, &s);
	CU_ASSERT_STRING_EQUAL(s.path_shares, "3:0:0:*=70 4:0:0:*=30");
	CU_ASSERT_TRUE(s.share_tuning);
	CU_ASSERT_EQUAL(s.slow_path_factor, 5);
	CU_ASSERT_EQUAL(s.slow_path_window, 20);
	CU_ASSERT_EQUAL(s.origin[MP_SET_PATH_SHARES], MP_ORIGIN_MULTIPATHS);
	CU_ASSERT_EQUAL(mp_settings_dump(&s, false, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.buf, "path_shares \"3:0:0:*=70 4:0:0:*=30\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.buf, "slow_path_factor 5"));
	mp_strbuf_release(&out);
	mp_config_free(cfg);
	mp_diags_release(&diags);

	static const char *const bad[] = {
		"defaults {\n path_shares \"sdb=0\"\n}\n",
		"defaults {\n path_shares \"sdb\"\n}\n",
		"defaults {\n slow_path_factor 1\n}\n",
		"defaults {\n share_interval 0\n}\n",
		"defaults {\n share_tuning maybe\n}\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mp_config_source b = { "bad.conf", bad[i], strlen(bad[i]) };

		cfg = NULL;
		CU_ASSERT_EQUAL(mp_config_parse(&b, 1, &diags, &cfg), -EINVAL);
		CU_ASSERT_PTR_NULL(cfg);
		CU_ASSERT(mp_diags_count(&diags, MP_DIAG_ERROR) >= 1);
		mp_diags_release(&diags);
	}
}

static void test_moddep_lists(void)
{
	static const struct {
		const char *line;
		bool want;
	} cases[] = {
		{ "updates/dkms/dm-byte-share.ko: kernel/drivers/md/dm-multipath.ko kernel/drivers/md/dm-mod.ko\n", true },
		{ "updates/dm-byte-share.ko.xz: kernel/drivers/md/dm-multipath.ko.xz", true },
		{ "extra/dm-byte-share.ko.zst:", true },
		{ "dm-byte-share.ko:", true },
		{ "kernel/drivers/md/dm-multipath.ko: kernel/drivers/md/dm-mod.ko", false },
		{ "kernel/drivers/md/dm-service-time.ko: kernel/drivers/md/dm-multipath.ko", false },
		{ "extra/xdm-byte-share.ko:", false },
		{ "extra/dm-byte-share.kox:", false },
		{ "extra/dm-byte-share.ko.:", false },
		{ "extra/dm-byte-share.k:", false },
		{ "extra/dm-byte-shar.ko:", false },
		{ "kernel/foo.ko: updates/dm-byte-share.ko", false },
		{ "updates/dm-byte-share.ko", false },
		{ ":", false },
		{ "", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = mp_shares_moddep_lists(cases[i].line, "dm-byte-share");

		if (got != cases[i].want)
			fprintf(stderr, "moddep: '%s' gave %d\n", cases[i].line, got);
		CU_ASSERT_EQUAL(got, cases[i].want);
	}
	CU_ASSERT_FALSE(mp_shares_moddep_lists(NULL, "dm-byte-share"));
	CU_ASSERT_FALSE(mp_shares_moddep_lists("dm-byte-share.ko:", ""));
	CU_ASSERT_FALSE(mp_shares_moddep_lists("dm-byte-share.ko:", NULL));
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_config_keywords),
	UNIT_TEST(test_share_words),
	UNIT_TEST(test_table_round_trip),
	UNIT_TEST(test_glob),
	UNIT_TEST(test_spec),
	UNIT_TEST(test_effective),
	UNIT_TEST(test_relative_throughput),
	UNIT_TEST(test_moddep_lists),
	UNIT_TEST(test_blkstat),
	UNIT_TEST(test_status),
	UNIT_END,
};
