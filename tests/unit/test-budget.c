/* Unit tests for the failover budget (budget.c): literal plans per
 * transport for budget 10, explicit values winning (and warned about when
 * they cannot fit), tiny and huge budgets, the invariant that every chain's
 * worst case stays within the budget for every budget 4..600 and a few huge
 * ones, the settings round trip, the config keyword with its origin, and
 * the sysfs applier against a tree made in a temporary directory. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "mp/budget.h"
#include "mp/config.h"
#include "mp/strbuf.h"

const char unit_suite_name[] = "budget";

static struct mp_budget_plan plan(unsigned int budget, enum mp_transport t)
{
	struct mp_budget_input in = { .budget = budget, .transport = t };
	struct mp_budget_plan p;

	memset(&p, 0xa5, sizeof(p));
	CU_ASSERT_EQUAL_FATAL(mp_budget_derive(&in, &p), 0);
	return p;
}

#define V(p, t) ((p).value[MP_BT_##t])
#define HOW(p, t) ((p).how[MP_BT_##t])

static void test_iscsi_10(void)
{
	struct mp_budget_plan p = plan(10, MP_TRANSPORT_ISCSI);
	char buf[256];

	CU_ASSERT_EQUAL(p.headroom, 1);
	CU_ASSERT_EQUAL(V(p, NOOP_OUT_INTERVAL), 3);
	CU_ASSERT_EQUAL(V(p, NOOP_OUT_TIMEOUT), 3);
	CU_ASSERT_EQUAL(V(p, RECOVERY_TMO), 3);
	CU_ASSERT_EQUAL(V(p, FAST_IO_FAIL_TMO), 3);
	CU_ASSERT_EQUAL(V(p, SCSI_TIMEOUT), 10);
	CU_ASSERT_EQUAL(HOW(p, EH_DEADLINE), MP_BUDGET_UNUSED);
	CU_ASSERT_EQUAL(HOW(p, DEV_LOSS_TMO), MP_BUDGET_UNUSED);
	CU_ASSERT_EQUAL(V(p, CHECKER_TIMEOUT), 3);
	CU_ASSERT_EQUAL(V(p, MAX_POLLING_INTERVAL), 6);
	CU_ASSERT_EQUAL(V(p, POLLING_INTERVAL), 3);
	CU_ASSERT_EQUAL(p.io_detect, 6);
	CU_ASSERT_EQUAL(p.io_failover, 3);
	CU_ASSERT_EQUAL(mp_budget_io_worst(&p), 9);
	CU_ASSERT_EQUAL(p.idle_detect, 9);
	CU_ASSERT_FALSE(p.too_small);
	CU_ASSERT_STRING_EQUAL(mp_budget_reason(&p, MP_BT_RECOVERY_TMO, buf, sizeof(buf)),
			       "the session then fails its commands back to dm; silent link seen "
			       "after 3+3 s, I/O failed over 3 s later: 9 of 10 s");
	CU_ASSERT_STRING_EQUAL(mp_budget_reason(&p, MP_BT_EH_DEADLINE, buf, sizeof(buf)), "");
	for (int t = 0; t < _MP_BT_MAX; t++)
		CU_ASSERT_PTR_NULL(mp_budget_warning(&p, t, buf, sizeof(buf)));
}

static void test_fc_10(void)
{
	struct mp_budget_plan p = plan(10, MP_TRANSPORT_FC);

	CU_ASSERT_EQUAL(HOW(p, NOOP_OUT_INTERVAL), MP_BUDGET_UNUSED);
	CU_ASSERT_EQUAL(HOW(p, RECOVERY_TMO), MP_BUDGET_UNUSED);
	CU_ASSERT_EQUAL(V(p, SCSI_TIMEOUT), 4);
	CU_ASSERT_EQUAL(V(p, EH_DEADLINE), 5);	/* the remainder goes last */
	CU_ASSERT_EQUAL(V(p, FAST_IO_FAIL_TMO), 4);
	CU_ASSERT_EQUAL(V(p, DEV_LOSS_TMO), 600);
	CU_ASSERT_EQUAL(mp_budget_io_worst(&p), 9);
	CU_ASSERT_EQUAL(p.idle_detect, 9);
}

static void test_sas_other_10(void)
{
	for (enum mp_transport t = MP_TRANSPORT_SAS; t <= MP_TRANSPORT_OTHER; t++) {
		struct mp_budget_plan p = plan(10, t);

		CU_ASSERT_EQUAL(V(p, SCSI_TIMEOUT), 4);
		CU_ASSERT_EQUAL(V(p, EH_DEADLINE), 5);
		CU_ASSERT_EQUAL(HOW(p, FAST_IO_FAIL_TMO), MP_BUDGET_UNUSED);
		CU_ASSERT_EQUAL(HOW(p, DEV_LOSS_TMO), MP_BUDGET_UNUSED);
		CU_ASSERT_EQUAL(HOW(p, NOOP_OUT_TIMEOUT), MP_BUDGET_UNUSED);
		CU_ASSERT_EQUAL(V(p, CHECKER_TIMEOUT), 3);
	}
}

/* The invariant: no explicit values, budget >= min_budget -> each chain's
 * worst case within budget - headroom, every used timer >= 1 s. */
static void check_invariant(unsigned int b, enum mp_transport t)
{
	struct mp_budget_plan p = plan(b, t);
	unsigned int avail = b - p.headroom;

	CU_ASSERT_FALSE(p.too_small);
	CU_ASSERT_TRUE(p.headroom >= 1 && p.headroom * 10 >= b);
	CU_ASSERT_TRUE(mp_budget_io_worst(&p) <= avail);
	CU_ASSERT_TRUE(p.idle_detect <= avail);
	CU_ASSERT_TRUE(V(p, POLLING_INTERVAL) <= V(p, MAX_POLLING_INTERVAL));
	CU_ASSERT_TRUE(V(p, CHECKER_TIMEOUT) <= 3600);
	if (t == MP_TRANSPORT_ISCSI) {
		CU_ASSERT_EQUAL(mp_budget_io_worst(&p), V(p, NOOP_OUT_INTERVAL) +
				V(p, NOOP_OUT_TIMEOUT) + V(p, RECOVERY_TMO));
		CU_ASSERT_TRUE(V(p, SCSI_TIMEOUT) > mp_budget_io_worst(&p));
	} else {
		CU_ASSERT_EQUAL(mp_budget_io_worst(&p), V(p, SCSI_TIMEOUT) + V(p, EH_DEADLINE));
	}
	if (t == MP_TRANSPORT_FC) {
		CU_ASSERT_TRUE(V(p, FAST_IO_FAIL_TMO) < avail);
		CU_ASSERT_TRUE(V(p, DEV_LOSS_TMO) > V(p, FAST_IO_FAIL_TMO));
	}
	for (int i = 0; i < _MP_BT_MAX; i++) {
		CU_ASSERT_FALSE(p.over[i]);
		if (p.how[i] != MP_BUDGET_UNUSED)
			CU_ASSERT_TRUE(p.value[i] >= 1);
	}
}

static void test_invariant_all(void)
{
	static const unsigned int huge[] = { 3600, 86399, 86400 };

	for (enum mp_transport t = 0; t < _MP_TRANSPORT_MAX; t++) {
		unsigned int min = t == MP_TRANSPORT_ISCSI ? 4 : 3;

		for (unsigned int b = min; b <= 600; b++)
			check_invariant(b, t);
		for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++)
			check_invariant(huge[i], t);
	}
}

static void test_tiny(void)
{
	char buf[256];

	for (unsigned int b = 1; b <= 3; b++) {
		struct mp_budget_plan p = plan(b, MP_TRANSPORT_ISCSI);

		CU_ASSERT_TRUE(p.too_small);
		CU_ASSERT_EQUAL(V(p, NOOP_OUT_INTERVAL), 1);
		CU_ASSERT_EQUAL(V(p, NOOP_OUT_TIMEOUT), 1);
		CU_ASSERT_EQUAL(V(p, RECOVERY_TMO), 1);
		CU_ASSERT_EQUAL(V(p, CHECKER_TIMEOUT), 1);
		CU_ASSERT_PTR_NOT_NULL(mp_budget_warning(&p, MP_BT_NOOP_OUT_INTERVAL, buf, sizeof(buf)));
		CU_ASSERT_PTR_NULL(mp_budget_warning(&p, MP_BT_RECOVERY_TMO, buf, sizeof(buf)));
	}
	{
		struct mp_budget_plan p = plan(4, MP_TRANSPORT_ISCSI);

		CU_ASSERT_FALSE(p.too_small);
		CU_ASSERT_EQUAL(mp_budget_io_worst(&p), 3);
	}
	{
		struct mp_budget_plan p = plan(2, MP_TRANSPORT_FC);

		CU_ASSERT_TRUE(p.too_small);
		CU_ASSERT_STRING_EQUAL(mp_budget_warning(&p, MP_BT_SCSI_TIMEOUT, buf, sizeof(buf)),
				       "failover_budget 2 is below the 3 s a fc path can honour; "
				       "every timer is at its 1 s floor");
	}
}

static void test_huge(void)
{
	struct mp_budget_plan p = plan(86400, MP_TRANSPORT_FC);

	CU_ASSERT_EQUAL(V(p, CHECKER_TIMEOUT), 3600);	/* config range cap */
	CU_ASSERT_EQUAL(V(p, DEV_LOSS_TMO), 86400);
	p = plan(86400, MP_TRANSPORT_ISCSI);
	CU_ASSERT_EQUAL(V(p, SCSI_TIMEOUT), 86400);
}

static void test_bad_input(void)
{
	struct mp_budget_input in = { .budget = 0, .transport = MP_TRANSPORT_FC };
	struct mp_budget_plan p = { .budget = 77 };

	CU_ASSERT_EQUAL(mp_budget_derive(&in, &p), -EINVAL);
	in.budget = MP_BUDGET_MAX + 1;
	CU_ASSERT_EQUAL(mp_budget_derive(&in, &p), -EINVAL);
	in.budget = 10;
	in.transport = _MP_TRANSPORT_MAX;
	CU_ASSERT_EQUAL(mp_budget_derive(&in, &p), -EINVAL);
	CU_ASSERT_EQUAL(p.budget, 77);
}

static void test_explicit_fits(void)
{
	struct mp_budget_input in = { .budget = 20, .transport = MP_TRANSPORT_ISCSI };
	struct mp_budget_plan p;
	char buf[256];

	/* fast_io_fail_tmo on iSCSI is the recovery_tmo, as in multipath-tools */
	in.is_explicit[MP_BT_FAST_IO_FAIL_TMO] = true;
	in.explicit_value[MP_BT_FAST_IO_FAIL_TMO] = 4;
	CU_ASSERT_EQUAL(mp_budget_derive(&in, &p), 0);
	CU_ASSERT_EQUAL(HOW(p, RECOVERY_TMO), MP_BUDGET_EXPLICIT);
	CU_ASSERT_EQUAL(V(p, RECOVERY_TMO), 4);
	/* the noop pair shares the rest: 18 - 4 = 14 */
	CU_ASSERT_EQUAL(V(p, NOOP_OUT_INTERVAL), 7);
	CU_ASSERT_EQUAL(V(p, NOOP_OUT_TIMEOUT), 7);
	CU_ASSERT_EQUAL(mp_budget_io_worst(&p), 18);
	CU_ASSERT_PTR_NULL(mp_budget_warning(&p, MP_BT_RECOVERY_TMO, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(mp_budget_reason(&p, MP_BT_FAST_IO_FAIL_TMO, buf, sizeof(buf)),
			       "set in the configuration; silent link seen after 7+7 s, I/O failed "
			       "over 4 s later: 18 of 20 s");
}

static void test_explicit_too_big(void)
{
	struct mp_budget_input in = { .budget = 10, .transport = MP_TRANSPORT_OTHER };
	struct mp_budget_plan p;
	char buf[256];

	in.is_explicit[MP_BT_CHECKER_TIMEOUT] = true;
	in.explicit_value[MP_BT_CHECKER_TIMEOUT] = 30;
	CU_ASSERT_EQUAL(mp_budget_derive(&in, &p), 0);
	CU_ASSERT_EQUAL(V(p, CHECKER_TIMEOUT), 30);	/* explicit wins */
	CU_ASSERT_TRUE(p.over[MP_BT_CHECKER_TIMEOUT]);
	CU_ASSERT_EQUAL(V(p, MAX_POLLING_INTERVAL), 1);	/* what is left: nothing, floor 1 */
	CU_ASSERT_EQUAL(V(p, POLLING_INTERVAL), 1);
	CU_ASSERT_EQUAL(p.idle_detect, 31);
	CU_ASSERT_STRING_EQUAL(mp_budget_warning(&p, MP_BT_CHECKER_TIMEOUT, buf, sizeof(buf)),
			       "checker_timeout 30 (set in the configuration) does not fit "
			       "failover_budget 10: an idle dead path is seen up to 31 s");
	/* the I/O chain is untouched */
	CU_ASSERT_EQUAL(mp_budget_io_worst(&p), 9);
	CU_ASSERT_FALSE(p.over[MP_BT_SCSI_TIMEOUT]);

	/* FC: fast_io_fail_tmo off cannot fit */
	memset(&in, 0, sizeof(in));
	in.budget = 10;
	in.transport = MP_TRANSPORT_FC;
	in.is_explicit[MP_BT_FAST_IO_FAIL_TMO] = true;
	in.explicit_value[MP_BT_FAST_IO_FAIL_TMO] = MP_BUDGET_INFINITE;
	CU_ASSERT_EQUAL(mp_budget_derive(&in, &p), 0);
	CU_ASSERT_TRUE(p.over[MP_BT_FAST_IO_FAIL_TMO]);
	CU_ASSERT_STRING_EQUAL(mp_budget_warning(&p, MP_BT_FAST_IO_FAIL_TMO, buf, sizeof(buf)),
			       "fast_io_fail_tmo off (set in the configuration) does not fit "
			       "failover_budget 10: I/O may stall up to off s");

	/* iSCSI: an explicit recovery of 60 s takes the whole chain */
	memset(&in, 0, sizeof(in));
	in.budget = 10;
	in.transport = MP_TRANSPORT_ISCSI;
	in.is_explicit[MP_BT_RECOVERY_TMO] = true;
	in.explicit_value[MP_BT_RECOVERY_TMO] = 60;
	CU_ASSERT_EQUAL(mp_budget_derive(&in, &p), 0);
	CU_ASSERT_TRUE(p.over[MP_BT_RECOVERY_TMO]);
	CU_ASSERT_EQUAL(V(p, NOOP_OUT_INTERVAL), 1);
	CU_ASSERT_EQUAL(mp_budget_io_worst(&p), 62);
	CU_ASSERT_EQUAL(V(p, SCSI_TIMEOUT), 63);	/* still longer than the chain */
}

static void test_explicit_polling(void)
{
	struct mp_budget_input in = { .budget = 10, .transport = MP_TRANSPORT_OTHER };
	struct mp_budget_plan p;

	/* polling_interval above the derived maximum pulls the maximum up */
	in.is_explicit[MP_BT_POLLING_INTERVAL] = true;
	in.explicit_value[MP_BT_POLLING_INTERVAL] = 8;
	CU_ASSERT_EQUAL(mp_budget_derive(&in, &p), 0);
	CU_ASSERT_EQUAL(V(p, MAX_POLLING_INTERVAL), 8);
	CU_ASSERT_TRUE(p.over[MP_BT_POLLING_INTERVAL]);
	/* explicit maximum: polling is half of it */
	memset(&in, 0, sizeof(in));
	in.budget = 10;
	in.transport = MP_TRANSPORT_OTHER;
	in.is_explicit[MP_BT_MAX_POLLING_INTERVAL] = true;
	in.explicit_value[MP_BT_MAX_POLLING_INTERVAL] = 4;
	CU_ASSERT_EQUAL(mp_budget_derive(&in, &p), 0);
	CU_ASSERT_EQUAL(V(p, POLLING_INTERVAL), 2);
	CU_ASSERT_EQUAL(V(p, CHECKER_TIMEOUT), 5);
	CU_ASSERT_FALSE(p.over[MP_BT_MAX_POLLING_INTERVAL]);
}

static struct mp_config *parse(const char *text)
{
	struct mp_config_source src = { "t.conf", text, strlen(text) };
	struct mp_diags diags = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;

	CU_ASSERT_EQUAL(mp_config_parse(&src, 1, &diags, &cfg), 0);
	CU_ASSERT_EQUAL(mp_diags_count(&diags, MP_DIAG_WARNING), 0);
	mp_diags_release(&diags);
	return cfg;
}

static void test_settings_round_trip(void)
{
	struct mp_config *cfg = parse("defaults {\n failover_budget 10\n checker_timeout 5\n}\n"
				      "devices {\n device {\n vendor X\n product Y\n"
				      " failover_budget 20\n }\n}\n");
	const struct mp_device_ident id = { .vendor = "X", .product = "Y",
					    .protocol = "scsi:iscsi" };
	struct mp_strbuf sb = MP_STRBUF_INIT;
	struct mp_budget_input in;
	struct mp_budget_plan p;
	struct mp_settings s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	mp_config_resolve(cfg, &id, &s);
	CU_ASSERT_EQUAL(s.failover_budget, 20);
	CU_ASSERT_EQUAL(s.origin[MP_SET_FAILOVER_BUDGET], MP_ORIGIN_DEVICES);
	mp_budget_input_from_settings(&s, MP_PROTO_SCSI_ISCSI, &in);
	CU_ASSERT_EQUAL(in.transport, MP_TRANSPORT_ISCSI);
	CU_ASSERT_TRUE(in.is_explicit[MP_BT_CHECKER_TIMEOUT]);
	CU_ASSERT_FALSE(in.is_explicit[MP_BT_POLLING_INTERVAL]);	/* built-in default */
	CU_ASSERT_EQUAL(mp_budget_derive(&in, &p), 0);
	mp_budget_apply_settings(&p, &s);
	CU_ASSERT_EQUAL(s.checker_timeout, 5);
	CU_ASSERT_EQUAL(s.origin[MP_SET_CHECKER_TIMEOUT], MP_ORIGIN_DEFAULTS);
	/* 18 - 5 = 13 for the maximum interval */
	CU_ASSERT_EQUAL(s.max_polling_interval, 13);
	CU_ASSERT_EQUAL(s.polling_interval, 6);
	CU_ASSERT_EQUAL(s.origin[MP_SET_POLLING_INTERVAL], MP_ORIGIN_BUDGET);
	CU_ASSERT_EQUAL(s.fast_io_fail_tmo, 6);	/* = recovery_tmo */
	CU_ASSERT_EQUAL(s.dev_loss_tmo, 600);	/* unused on iSCSI: untouched */
	CU_ASSERT_EQUAL(s.origin[MP_SET_DEV_LOSS_TMO], MP_ORIGIN_DEFAULT);
	CU_ASSERT_EQUAL(mp_settings_dump(&s, true, &sb), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb),
				      "polling_interval 6  # derived from failover_budget 20\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "failover_budget 20  # devices\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "checker_timeout 5  # defaults\n"));
	/* re-deriving from already derived settings gives the same plan */
	mp_budget_input_from_settings(&s, MP_PROTO_SCSI_ISCSI, &in);
	CU_ASSERT_FALSE(in.is_explicit[MP_BT_POLLING_INTERVAL]);
	mp_strbuf_release(&sb);
	mp_config_free(cfg);
}

static void test_keyword(void)
{
	struct mp_config *cfg = parse("defaults {\n failover_budget no\n}\n"
				      "overrides {\n failover_budget 15\n}\n");
	struct mp_config_source bad = { "b.conf", "defaults {\n failover_budget 0x10\n}\n", 0 };
	struct mp_diags diags = MP_DIAGS_INIT;
	struct mp_config *c2 = NULL;
	struct mp_strbuf sb = MP_STRBUF_INIT;
	struct mp_settings s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	mp_config_defaults(cfg, &s);
	CU_ASSERT_EQUAL(s.failover_budget, 0);
	mp_config_resolve(cfg, &(struct mp_device_ident){ .wwid = "w" }, &s);
	CU_ASSERT_EQUAL(s.failover_budget, 15);
	CU_ASSERT_EQUAL(mp_config_dump(cfg, false, &sb), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "\tfailover_budget no\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mp_strbuf_str(&sb), "\tfailover_budget 15\n"));
	mp_config_free(cfg);
	/* per transport: overrides { protocol { } } */
	cfg = parse("overrides {\n protocol {\n type scsi:iscsi\n failover_budget 7\n }\n}\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	mp_config_resolve(cfg, &(struct mp_device_ident){ .protocol = "scsi:iscsi" }, &s);
	CU_ASSERT_EQUAL(s.failover_budget, 7);
	mp_config_resolve(cfg, &(struct mp_device_ident){ .protocol = "scsi:unspec" }, &s);
	CU_ASSERT_EQUAL(s.failover_budget, 0);
	bad.len = strlen(bad.text);
	CU_ASSERT_EQUAL(mp_config_parse(&bad, 1, &diags, &c2), -EINVAL);
	mp_config_free(c2);
	mp_diags_release(&diags);
	mp_strbuf_release(&sb);
	mp_config_free(cfg);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(mp_budget_timer_name(MP_BT_RECOVERY_TMO), "recovery_tmo");
	CU_ASSERT_PTR_NULL(mp_budget_timer_name(_MP_BT_MAX));
	CU_ASSERT_STRING_EQUAL(mp_transport_to_string(MP_TRANSPORT_SAS), "sas");
	CU_ASSERT_EQUAL(mp_transport_of_protocol(MP_PROTO_SCSI_FCP), MP_TRANSPORT_FC);
	CU_ASSERT_EQUAL(mp_transport_of_protocol(MP_PROTO_SCSI_UNSPEC), MP_TRANSPORT_OTHER);
	CU_ASSERT_STRING_EQUAL(mp_origin_to_string(MP_ORIGIN_BUDGET), "failover_budget");
}

/* ---- the applier on a temporary sysfs tree ---- */

static char root[64];

static void put(const char *rel, const char *text)
{
	char p[PATH_MAX], cmd[PATH_MAX + 16];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "%s", p);
	*strrchr(cmd, '/') = '\0';
	for (char *c = cmd + strlen(root) + 1; (c = strchr(c, '/')); c++) {
		*c = '\0';
		mkdir(cmd, 0755);
		*c = '/';
	}
	mkdir(cmd, 0755);
	f = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static const char *get(const char *rel)
{
	static char buf[64];
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	buf[0] = '\0';
	f = fopen(p, "r");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static void link_dev(const char *kname, const char *devdir)
{
	char p[PATH_MAX], target[PATH_MAX];

	snprintf(p, sizeof(p), "%s/block/%s", root, kname);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/block/%s/device", root, kname);
	snprintf(target, sizeof(target), "../../%s", devdir);
	CU_ASSERT_EQUAL(symlink(target, p), 0);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void test_apply_iscsi_tree(void)
{
	struct mp_budget_plan p = plan(10, MP_TRANSPORT_ISCSI);
	struct mp_budget_applied res;
	const char *dev = "devices/platform/host3/session2/target3:0:0/3:0:0:0";

	snprintf(root, sizeof(root), "/tmp/mp-budget-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
	put("devices/platform/host3/session2/target3:0:0/3:0:0:0/timeout", "30\n");
	put("class/iscsi_session/session2/recovery_tmo", "120\n");
	put("class/scsi_host/host3/eh_deadline", "off\n");
	put("block/.keep", "");
	link_dev("sdz", dev);
	CU_ASSERT_EQUAL(mp_budget_apply_sysfs(root, "sdz", &p, &res), 0);
	CU_ASSERT_EQUAL(res.r[MP_BT_SCSI_TIMEOUT], 0);
	CU_ASSERT_EQUAL(res.r[MP_BT_RECOVERY_TMO], 0);
	CU_ASSERT_EQUAL(res.r[MP_BT_EH_DEADLINE], MP_BUDGET_APPLY_SKIP);	/* unused on iSCSI */
	CU_ASSERT_EQUAL(res.r[MP_BT_NOOP_OUT_INTERVAL], MP_BUDGET_APPLY_SKIP);	/* no kernel here */
	CU_ASSERT_STRING_EQUAL(get("devices/platform/host3/session2/target3:0:0/3:0:0:0/timeout"), "10");
	CU_ASSERT_STRING_EQUAL(get("class/iscsi_session/session2/recovery_tmo"), "3");
	CU_ASSERT_STRING_EQUAL(get("class/scsi_host/host3/eh_deadline"), "off");
	/* again: nothing to write */
	CU_ASSERT_EQUAL(mp_budget_apply_sysfs(root, "sdz", &p, &res), 0);
	CU_ASSERT_EQUAL(res.r[MP_BT_SCSI_TIMEOUT], MP_BUDGET_APPLY_SAME);
	CU_ASSERT_EQUAL(res.r[MP_BT_RECOVERY_TMO], MP_BUDGET_APPLY_SAME);
	CU_ASSERT_EQUAL(mp_budget_apply_sysfs(root, "sdy", &p, &res), -ENOENT);
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_apply_fc_tree(void)
{
	struct mp_budget_plan p = plan(10, MP_TRANSPORT_FC);
	struct mp_budget_applied res;
	const char *dev = "devices/pci0/host4/rport-4:0-1/target4:0:1/4:0:1:0";

	snprintf(root, sizeof(root), "/tmp/mp-budget-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
	put("devices/pci0/host4/rport-4:0-1/target4:0:1/4:0:1:0/timeout", "30\n");
	put("class/fc_remote_ports/rport-4:0-1/fast_io_fail_tmo", "off\n");
	put("class/fc_remote_ports/rport-4:0-1/dev_loss_tmo", "30\n");
	put("class/scsi_host/host4/eh_deadline", "off\n");
	put("block/.keep", "");
	link_dev("sdw", dev);
	CU_ASSERT_EQUAL(mp_budget_apply_sysfs(root, "sdw", &p, &res), 0);
	CU_ASSERT_STRING_EQUAL(get("devices/pci0/host4/rport-4:0-1/target4:0:1/4:0:1:0/timeout"), "4");
	CU_ASSERT_STRING_EQUAL(get("class/scsi_host/host4/eh_deadline"), "5");
	CU_ASSERT_STRING_EQUAL(get("class/fc_remote_ports/rport-4:0-1/fast_io_fail_tmo"), "4");
	CU_ASSERT_STRING_EQUAL(get("class/fc_remote_ports/rport-4:0-1/dev_loss_tmo"), "600");
	CU_ASSERT_EQUAL(res.r[MP_BT_RECOVERY_TMO], MP_BUDGET_APPLY_SKIP);
	/* a smaller eh_deadline on the shared host stays */
	put("class/scsi_host/host4/eh_deadline", "2\n");
	CU_ASSERT_EQUAL(mp_budget_apply_sysfs(root, "sdw", &p, &res), 0);
	CU_ASSERT_EQUAL(res.r[MP_BT_EH_DEADLINE], MP_BUDGET_APPLY_SAME);
	CU_ASSERT_STRING_EQUAL(get("class/scsi_host/host4/eh_deadline"), "2");
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_iscsi_10),
	UNIT_TEST(test_fc_10),
	UNIT_TEST(test_sas_other_10),
	UNIT_TEST(test_invariant_all),
	UNIT_TEST(test_tiny),
	UNIT_TEST(test_huge),
	UNIT_TEST(test_bad_input),
	UNIT_TEST(test_explicit_fits),
	UNIT_TEST(test_explicit_too_big),
	UNIT_TEST(test_explicit_polling),
	UNIT_TEST(test_settings_round_trip),
	UNIT_TEST(test_keyword),
	UNIT_TEST(test_names),
	UNIT_TEST(test_apply_iscsi_tree),
	UNIT_TEST(test_apply_fc_tree),
	UNIT_END,
};
