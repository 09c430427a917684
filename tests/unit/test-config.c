/* Unit tests for the multipath.conf parser: every implemented keyword's bad
 * values, every error kind (with its line), lexical details (quotes,
 * comments, CRLF, BOM, NUL), hostile input (huge lines, deep nesting,
 * garbage), legacy keywords, and the "bad reload keeps the old" contract. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "mp/blacklist.h"
#include "mp/config.h"
#include "mp/strbuf.h"

const char unit_suite_name[] = "config";

static int parse_len(const char *text, size_t len, struct mp_diags *d, struct mp_config **ret)
{
	struct mp_config_source src = { "t.conf", text, len };

	return mp_config_parse(&src, 1, d, ret);
}

static int parse(const char *text, struct mp_diags *d, struct mp_config **ret)
{
	return parse_len(text, strlen(text), d, ret);
}

/* True when d holds a diagnostic of sev on line (0: any) containing needle. */
static bool has_diag(const struct mp_diags *d, enum mp_diag_severity sev, unsigned int line,
		     const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].severity == sev && (!line || d->items[i].line == line) &&
		    strstr(d->items[i].message, needle) && !strcmp(d->items[i].file, "t.conf"))
			return true;
	return false;
}

static void dump_diags(const struct mp_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  diag %s:%u: %s\n", d->items[i].file, d->items[i].line,
			d->items[i].message);
}

/* ---- bad values: one row per keyword and value ---- */

struct bad_value {
	const char *section;	/* "defaults", "device" or "multipath" */
	const char *keyword;
	const char *value;	/* written as given after the keyword */
};

static const struct bad_value bad_values[] = {
	{ "defaults", "polling_interval", "0" },
	{ "defaults", "polling_interval", "abc" },
	{ "defaults", "polling_interval", "-1" },
	{ "defaults", "polling_interval", "99999999999999999999" },
	{ "defaults", "polling_interval", "5 10" },
	{ "defaults", "max_polling_interval", "0" },
	{ "defaults", "max_polling_interval", "ten" },
	{ "defaults", "path_selector", "\"round-robin 1\"" },
	{ "defaults", "path_selector", "\"random 0\"" },
	{ "defaults", "path_selector", "\"\"" },
	{ "defaults", "path_grouping_policy", "multi" },
	{ "defaults", "path_checker", "tux" },
	{ "defaults", "checker_timeout", "0" },
	{ "defaults", "checker_timeout", "3601" },
	{ "defaults", "prio", "ALUA" },
	{ "defaults", "failback", "0" },
	{ "defaults", "failback", "soon" },
	{ "defaults", "no_path_retry", "forever" },
	{ "defaults", "no_path_retry", "-3" },
	{ "defaults", "rr_weight", "weighted" },
	{ "defaults", "rr_min_io_rq", "0" },
	{ "defaults", "rr_min_io_rq", "1001" },
	{ "defaults", "features", "\"2 queue_if_no_path\"" },
	{ "defaults", "features", "queue_if_no_path" },
	{ "device", "hardware_handler", "alua" },
	{ "device", "hardware_handler", "\"1\"" },
	{ "defaults", "user_friendly_names", "maybe" },
	{ "multipath", "alias", "a/b" },
	{ "multipath", "alias", "\"two words\"" },
	{ "multipath", "alias", "\"\"" },
	{ "defaults", "find_multipaths", "sometimes" },
	{ "defaults", "find_multipaths_timeout", "abc" },
	{ "defaults", "find_multipaths_timeout", "-" },
	{ "defaults", "find_multipaths_timeout", "--5" },
	{ "defaults", "find_multipaths_timeout", "3601" },
	{ "defaults", "find_multipaths_timeout", "-3601" },
	{ "defaults", "flush_on_last_del", "perhaps" },
	{ "defaults", "fast_io_fail_tmo", "never" },
	{ "defaults", "fast_io_fail_tmo", "-1" },
	{ "defaults", "dev_loss_tmo", "forever" },
	{ "defaults", "dev_loss_tmo", "-5" },
	{ "defaults", "detect_prio", "2" },
	{ "defaults", "detect_checker", "y" },
	{ "defaults", "bindings_file", "relative/bindings" },
	{ "defaults", "wwids_file", "wwids" },
	{ "defaults", "config_dir", "conf.d" },
	{ "defaults", "marginal_path_err_sample_time", "60" },
	{ "defaults", "marginal_path_err_rate_threshold", "1001" },
	{ "defaults", "marginal_path_err_recheck_gap_time", "x" },
	{ "defaults", "marginal_path_double_failed_time", "-1" },
	{ "device", "vendor", "\"(\"" },
	{ "device", "product", "\"[z-a]\"" },
	{ "device", "revision", "\"a{1\"" },
	{ "device", "product_blacklist", "\"*(\"" },
};

static void test_bad_values(void)
{
	for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		const struct bad_value *b = &bad_values[i];
		struct mp_diags d = MP_DIAGS_INIT;
		struct mp_config *cfg = (struct mp_config *)&d;	/* must stay untouched */
		char text[512];
		bool dev = !strcmp(b->section, "device");
		bool mp = !strcmp(b->section, "multipath");
		bool id = !strcmp(b->keyword, "vendor") || !strcmp(b->keyword, "product");

		/* the keyword is always on line 3 */
		snprintf(text, sizeof(text), "%s {\n%s\n%s %s\n%s%s%s}\n%s",
			 dev ? "devices" : mp ? "multipaths" : "defaults",
			 dev ? "device {" : mp ? "multipath {" : "",
			 b->keyword, b->value,
			 dev && strcmp(b->keyword, "vendor") ? "vendor X\n" : "",
			 dev && strcmp(b->keyword, "product") ? "product Y\n" : "",
			 mp ? "wwid 36001\n" : "",
			 dev || mp ? "}\n" : "");
		(void)id;
		CU_ASSERT_EQUAL(parse(text, &d, &cfg), -EINVAL);
		CU_ASSERT_PTR_EQUAL(cfg, (struct mp_config *)&d);
		if (!has_diag(&d, MP_DIAG_ERROR, 3, b->keyword)) {
			fprintf(stderr, "no error for %s %s\n%s", b->keyword, b->value, text);
			dump_diags(&d);
			CU_FAIL("bad value accepted");
		}
		mp_diags_release(&d);
	}
}

/* ---- good values reach the settings ---- */

static void test_good_values(void)
{
	struct mp_diags d = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;
	struct mp_settings s;
	const char *text =
		"defaults {\n"
		"\tpolling_interval 7\n"
		"\tpath_selector round-robin 0\n"
		"\tpath_grouping_policy group_by_serial\n"
		"\tpath_checker directio\n"
		"\tchecker_timeout 45\n"
		"\tprio weightedpath\n"
		"\tprio_args \"hbtl 1:0:0:0 10\"\n"
		"\tfailback 15\n"
		"\tno_path_retry queue\n"
		"\trr_weight priorities\n"
		"\trr_min_io_rq 4\n"
		"\tfeatures \"2 pg_init_retries 50\"\n"
		"\tuser_friendly_names yes\n"
		"\tfind_multipaths greedy\n"
		"\tflush_on_last_del yes\n"
		"\tfast_io_fail_tmo off\n"
		"\tdev_loss_tmo infinity\n"
		"\tdetect_prio no\n"
		"\tdetect_checker no\n"
		"\tbindings_file /var/lib/mp/bindings\n"
		"\tmarginal_path_err_sample_time 180\n"
		"\tmarginal_path_err_rate_threshold no\n"
		"}\n";

	CU_ASSERT_EQUAL_FATAL(parse(text, &d, &cfg), 0);
	CU_ASSERT_EQUAL(d.n, 0);
	mp_config_defaults(cfg, &s);
	CU_ASSERT_EQUAL(s.polling_interval, 7);
	CU_ASSERT_EQUAL(s.max_polling_interval, 28);	/* 4 * polling_interval */
	CU_ASSERT_EQUAL(s.origin[MP_SET_MAX_POLLING_INTERVAL], MP_ORIGIN_DEFAULT);
	CU_ASSERT_STRING_EQUAL(s.path_selector, "round-robin 0");
	CU_ASSERT_EQUAL(s.path_grouping_policy, MP_PGPOLICY_GROUP_BY_SERIAL);
	CU_ASSERT_EQUAL(s.path_checker, MP_CHECKER_DIRECTIO);
	CU_ASSERT_EQUAL(s.checker_timeout, 45);
	CU_ASSERT_EQUAL(s.prio, MP_PRIO_WEIGHTEDPATH);
	CU_ASSERT_STRING_EQUAL(s.prio_args, "hbtl 1:0:0:0 10");
	CU_ASSERT_EQUAL(s.failback.mode, MP_FAILBACK_DEFERRED);
	CU_ASSERT_EQUAL(s.failback.delay_s, 15);
	CU_ASSERT_EQUAL(s.no_path_retry.mode, MP_NO_PATH_RETRY_QUEUE);
	CU_ASSERT_EQUAL(s.rr_weight, MP_RR_WEIGHT_PRIORITIES);
	CU_ASSERT_EQUAL(s.rr_min_io_rq, 4);
	CU_ASSERT_STRING_EQUAL(s.features, "2 pg_init_retries 50");
	CU_ASSERT_TRUE(s.user_friendly_names);
	CU_ASSERT_EQUAL(s.find_multipaths, MP_FIND_MULTIPATHS_GREEDY);
	CU_ASSERT_EQUAL(s.flush_on_last_del, MP_FLUSH_ALWAYS);
	CU_ASSERT_EQUAL(s.fast_io_fail_tmo, MP_FAST_IO_FAIL_OFF);
	CU_ASSERT_EQUAL(s.dev_loss_tmo, MP_DEV_LOSS_INFINITY);
	CU_ASSERT_FALSE(s.detect_prio);
	CU_ASSERT_FALSE(s.detect_checker);
	CU_ASSERT_STRING_EQUAL(s.bindings_file, "/var/lib/mp/bindings");
	CU_ASSERT_EQUAL(s.marginal_path_err_sample_time, 180);
	CU_ASSERT_EQUAL(s.marginal_path_err_rate_threshold, 0);
	CU_ASSERT_EQUAL(s.origin[MP_SET_POLLING_INTERVAL], MP_ORIGIN_DEFAULTS);
	CU_ASSERT_EQUAL(s.origin[MP_SET_WWIDS_FILE], MP_ORIGIN_DEFAULT);
	mp_config_free(cfg);
}

/* find_multipaths_timeout: signed, 0 meaning the built-in -10. */
static void test_find_multipaths_timeout(void)
{
	static const struct {
		const char *value;
		int want;
	} rows[] = { { "-30", -30 }, { "5", 5 }, { "0", -10 }, { "-0", -10 }, { "3600", 3600 } };

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct mp_diags d = MP_DIAGS_INIT;
		struct mp_config *cfg = NULL;
		struct mp_settings s;
		char text[128];

		snprintf(text, sizeof(text), "defaults {\n find_multipaths_timeout %s\n}\n",
			 rows[i].value);
		CU_ASSERT_EQUAL_FATAL(parse(text, &d, &cfg), 0);
		CU_ASSERT_EQUAL(d.n, 0);
		mp_config_defaults(cfg, &s);
		CU_ASSERT_EQUAL(s.find_multipaths_timeout, rows[i].want);
		CU_ASSERT_EQUAL(s.origin[MP_SET_FIND_MULTIPATHS_TIMEOUT], MP_ORIGIN_DEFAULTS);
		mp_config_free(cfg);
		mp_diags_release(&d);
	}
}

static void test_byte_share_selector_accepted(void)
{
	struct mp_diags d = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;
	struct mp_settings s;

	CU_ASSERT_EQUAL_FATAL(parse("defaults {\n path_selector \"byte-share 0\"\n}\n", &d, &cfg), 0);
	mp_config_defaults(cfg, &s);
	CU_ASSERT_STRING_EQUAL(s.path_selector, "byte-share 0");
	mp_config_free(cfg);
	mp_diags_release(&d);
}

/* ---- error kinds ---- */

struct error_case {
	const char *text;
	size_t len;			/* 0: strlen(text) */
	unsigned int line;
	const char *needle;
};

#define E(t, l, n) { t, 0, l, n }

static const struct error_case error_cases[] = {
	E("defaults {\n\tfrobnicate 1\n}\n", 2, "unknown keyword \"frobnicate\" in defaults"),
	E("defaults {\n\tpath_grouping_polcy multibus\n}\n", 2, "did you mean \"path_grouping_policy\""),
	E("defaults {\n\tpollinginterval 5\n}\n", 2, "did you mean \"polling_interval\""),
	E("defualts {\n}\n", 1, "did you mean \"defaults\""),
	E("defaults {\n\tvendor X\n}\n", 2, "vendor: keyword not allowed in defaults"),
	E("devices {\n device {\n  vendor X\n  product Y\n  polling_interval 3\n }\n}\n", 5,
	  "polling_interval: keyword not allowed in device"),
	E("multipaths {\n multipath {\n  wwid 1\n  path_checker tur\n }\n}\n", 4,
	  "not allowed in multipath"),
	E("overrides {\n\talias x\n}\n", 2, "alias: keyword not allowed in overrides"),
	E("polling_interval 5\n", 1, "not allowed in top level"),
	E("defaults {\n\tpolling_interval 5\n", 1, "section 'defaults' is never closed"),
	E("defaults {\n}\n}\n", 3, "'}' without an open section"),
	E("defaults {\n\tprio_args \"abc\n}\n", 2, "unterminated quote"),
	E("defaults {\n\tfailback\n}\n", 2, "failback: missing value"),
	{ "defaults {\n\tpolling_interval 5\0\n}\n",
	  sizeof("defaults {\n\tpolling_interval 5\0\n}\n") - 1, 2, "NUL byte" },
	E("defaults\n", 1, "section needs a { } body"),
	E("defaults {\n\tdevice {\n\t}\n}\n", 2, "device: section not allowed in defaults"),
	E("defaults value {\n}\n", 1, "a section takes no value"),
	E("{\n}\n", 1, "'{' without a section name"),
	E("devices {\n device {\n  vendor X\n }\n}\n", 2, "needs both vendor and product"),
	E("multipaths {\n multipath {\n  alias a\n }\n}\n", 2, "needs a wwid"),
	E("overrides {\n protocol {\n  dev_loss_tmo 5\n }\n}\n", 2, "needs a type"),
	E("multipaths {\n multipath {\n  wwid 1\n }\n multipath {\n  wwid 1\n }\n}\n", 6,
	  "duplicate multipath entry for \"1\" (first at t.conf:2)"),
	E("multipaths {\n multipath {\n  wwid 1\n  alias db\n }\n multipath {\n  wwid 2\n  alias db\n }\n}\n",
	  6, "\"db\" is given to two WWIDs"),
	E("blacklist {\n\tdevnode \"(\"\n}\n", 2, "devnode: bad regex"),
	E("blacklist {\n\twwid \"a{1000}\"\n}\n", 2, "repeats too much"),
	E("blacklist {\n\tdevice {\n\t}\n}\n", 2, "needs a vendor or product"),
	E("blacklist {\n\tpolling_interval 5\n}\n", 2, "not allowed in blacklist"),
	E("overrides {\n\tprotocol {\n\t\ttype scsi:fcp\n\t\tno_path_retry 5\n\t}\n}\n", 4,
	  "not allowed in protocol"),
};

static void test_error_kinds(void)
{
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		const struct error_case *c = &error_cases[i];
		struct mp_diags d = MP_DIAGS_INIT;
		struct mp_config *cfg = NULL;

		CU_ASSERT_EQUAL(parse_len(c->text, c->len ? c->len : strlen(c->text), &d, &cfg),
				-EINVAL);
		CU_ASSERT_PTR_NULL(cfg);
		if (!has_diag(&d, MP_DIAG_ERROR, c->line, c->needle)) {
			fprintf(stderr, "case %zu: want line %u \"%s\"\n", i, c->line, c->needle);
			dump_diags(&d);
			CU_FAIL("expected diagnostic missing");
		}
		mp_diags_release(&d);
	}
}

static void test_keeps_going_after_errors(void)
{
	struct mp_diags d = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;
	const char *text =
		"defaults {\n"
		"\tpolling_interval x\n"
		"\tbogus 1\n"
		"\tprio nope\n"
		"}\n"
		"devices {\n"
		"\tdevice {\n"
		"\t\tvendor \"(\"\n"
		"\t\tproduct Y\n"
		"\t}\n"
		"}\n"
		"multipaths {\n"
		"\tmultipath {\n"
		"\t\twwid 1\n"
		"\t\tno_path_retry never\n"
		"\t}\n"
		"}\n";

	CU_ASSERT_EQUAL(parse(text, &d, &cfg), -EINVAL);
	CU_ASSERT_EQUAL(mp_diags_count(&d, MP_DIAG_ERROR), 5);
	CU_ASSERT_TRUE(has_diag(&d, MP_DIAG_ERROR, 2, "polling_interval"));
	CU_ASSERT_TRUE(has_diag(&d, MP_DIAG_ERROR, 3, "bogus"));
	CU_ASSERT_TRUE(has_diag(&d, MP_DIAG_ERROR, 4, "prio"));
	CU_ASSERT_TRUE(has_diag(&d, MP_DIAG_ERROR, 8, "vendor"));
	CU_ASSERT_TRUE(has_diag(&d, MP_DIAG_ERROR, 15, "no_path_retry"));
	mp_diags_release(&d);
}

/* ---- lexical details ---- */

static void test_crlf_bom_comments_quotes(void)
{
	struct mp_diags d = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;
	struct mp_settings s;
	const char *text =
		"\xef\xbb\xbf# leading comment\r\n"
		"defaults {\r\n"
		"\tpolling_interval 9 # trailing comment\r\n"
		"! another comment style\r\n"
		"\tprio_args \"a \"\"b\"\" c\"\r\n"
		"\tfeatures \"1 queue_if_no_path\"\r\n"
		"}\r\n"
		"multipaths { multipath { wwid 36001 alias \"db_01\" } }\r\n";

	CU_ASSERT_EQUAL_FATAL(parse(text, &d, &cfg), 0);
	if (d.n)
		dump_diags(&d);
	CU_ASSERT_EQUAL(d.n, 0);
	mp_config_defaults(cfg, &s);
	CU_ASSERT_EQUAL(s.polling_interval, 9);
	CU_ASSERT_STRING_EQUAL(s.prio_args, "a \"b\" c");
	CU_ASSERT_STRING_EQUAL(s.features, "1 queue_if_no_path");
	CU_ASSERT_EQUAL(mp_config_n_multipaths(cfg), 1);
	mp_config_free(cfg);
}

static void test_empty_and_comment_only(void)
{
	static const char *const texts[] = { "", "\n\n", "# nothing\n! nothing\n", "\xef\xbb\xbf",
					     "defaults {\n}\nblacklist {\n}\n" };

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct mp_diags d = MP_DIAGS_INIT;
		struct mp_config *cfg = NULL;

		CU_ASSERT_EQUAL(parse(texts[i], &d, &cfg), 0);
		CU_ASSERT_PTR_NOT_NULL(cfg);
		CU_ASSERT_EQUAL(d.n, 0);
		mp_config_free(cfg);
		mp_diags_release(&d);
	}
}

/* ---- hostile input ---- */

static void test_huge_line_is_an_error_not_truncated(void)
{
	size_t n = 100 * 1024;
	char *text = malloc(n + 64);
	struct mp_diags d = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	strcpy(text, "defaults {\n\tprio_args ");
	size_t o = strlen(text);
	memset(text + o, 'a', n);
	strcpy(text + o + n, "\n}\n");
	CU_ASSERT_EQUAL(parse(text, &d, &cfg), -EINVAL);
	CU_ASSERT_TRUE(has_diag(&d, MP_DIAG_ERROR, 2, "prio_args: value longer than"));
	mp_diags_release(&d);

	/* a 100 KB unknown keyword: an error, with a short excerpt */
	memset(text, 'k', n);
	strcpy(text + n, " 1\n");
	CU_ASSERT_EQUAL(parse(text, &d, &cfg), -EINVAL);
	CU_ASSERT_EQUAL(d.n, 1);
	CU_ASSERT_TRUE(d.n == 1 && strlen(d.items[0].message) < 200);
	mp_diags_release(&d);
	free(text);
}

static void test_deep_nesting(void)
{
	static const char *const units[] = { "a {\n", "{", "defaults {\n" };

	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t ul = strlen(units[u]), n = 10000;
		char *text = malloc(ul * n + 1);
		struct mp_diags d = MP_DIAGS_INIT;
		struct mp_config *cfg = NULL;

		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		for (size_t i = 0; i < n; i++)
			memcpy(text + i * ul, units[u], ul);
		text[ul * n] = '\0';
		CU_ASSERT_EQUAL(parse(text, &d, &cfg), -EINVAL);
		CU_ASSERT_TRUE(has_diag(&d, MP_DIAG_ERROR, 0, "never closed") ||
			       has_diag(&d, MP_DIAG_ERROR, 0, "too deeply"));
		CU_ASSERT_TRUE(d.n < 100);	/* one error per cause, not per brace */
		mp_diags_release(&d);
		free(text);
	}
}

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_random_input_never_crashes(void)
{
	static const char *const words[] = {
		"defaults", "devices", "device", "multipaths", "multipath", "overrides",
		"protocol", "blacklist", "blacklist_exceptions", "{", "}", "\"", "#", "!",
		"vendor", "product", "wwid", "alias", "polling_interval", "no_path_retry",
		"path_selector", "5", "queue", "\"round-robin 0\"", "\n", "\n", "\r\n", "\xff\xfe",
	};
	uint32_t seed = 12345;

	for (int iter = 0; iter < 300; iter++) {
		struct mp_strbuf sb = MP_STRBUF_INIT;
		struct mp_diags d = MP_DIAGS_INIT;
		struct mp_config *cfg = NULL;
		unsigned int lines = 1;
		int r;

		for (int i = 0; i < 200; i++) {
			uint32_t x = xorshift(&seed);

			if (iter % 3 == 0) {	/* raw bytes, NULs included */
				char c = (char)(x & 0xff);

				CU_ASSERT_EQUAL_FATAL(mp_strbuf_append(&sb, &c, 1), 0);
			} else {
				const char *w = words[x % (sizeof(words) / sizeof(words[0]))];

				CU_ASSERT_EQUAL_FATAL(mp_strbuf_puts(&sb, w), 0);
				CU_ASSERT_EQUAL_FATAL(mp_strbuf_puts(&sb, " "), 0);
			}
		}
		for (size_t i = 0; i < sb.len; i++)
			lines += sb.buf[i] == '\n';
		r = parse_len(sb.buf, sb.len, &d, &cfg);
		CU_ASSERT_TRUE(r == 0 || r == -EINVAL);
		CU_ASSERT_TRUE((r == 0) == (mp_diags_count(&d, MP_DIAG_ERROR) == 0));
		for (size_t i = 0; i < d.n; i++)
			CU_ASSERT_TRUE(d.items[i].line <= lines);
		mp_config_free(cfg);
		mp_diags_release(&d);
		mp_strbuf_release(&sb);
	}
}

/* ---- compatibility ---- */

static const char *const legacy_and_unimplemented[] = {
	"getuid_callout", "prio_callout", "selector", "udev_dir", "rr_min_io",
	"default_selector", "default_path_grouping_policy", "default_getuid_callout",
	"checker", "pg_timeout", "mode", "uid", "gid", "multipath_dir",
	"san_path_err_threshold", "delay_watch_checks", "disable_changed_wwids",
	"verbosity", "reassign_maps", "uid_attrs", "uid_attribute", "alias_prefix",
	"max_fds", "queue_without_daemon", "allow_usb_devices", "eh_deadline", "prkeys_file",
	"log_checker_err", "reservation_key", "all_tg_pt", "retain_attached_hw_handler",
	"force_sync", "strict_timing", "deferred_remove", "partition_delimiter",
	"marginal_pathgroups", "uxsock_timeout", "retrigger_tries",
	"retrigger_delay", "missing_uev_wait_timeout", "skip_kpartx", "remove_retries",
	"max_sectors_kb", "ghost_delay", "enable_foreign", "recheck_wwid", "vpd_vendor",
};

static void test_legacy_keywords_warn(void)
{
	for (size_t i = 0; i < sizeof(legacy_and_unimplemented) / sizeof(char *); i++) {
		struct mp_diags d = MP_DIAGS_INIT;
		struct mp_config *cfg = NULL;
		char text[256];

		snprintf(text, sizeof(text), "defaults {\n\t%s \"x\"\n}\n", legacy_and_unimplemented[i]);
		CU_ASSERT_EQUAL(parse(text, &d, &cfg), 0);
		CU_ASSERT_EQUAL(mp_diags_count(&d, MP_DIAG_ERROR), 0);
		CU_ASSERT_TRUE(has_diag(&d, MP_DIAG_WARNING, 2, legacy_and_unimplemented[i]));
		mp_config_free(cfg);
		mp_diags_release(&d);
	}
}

static void test_legacy_warning_names_replacement(void)
{
	struct mp_diags d = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;

	CU_ASSERT_EQUAL(parse("devices {\n device {\n  vendor A\n  product B\n"
			      "  getuid_callout \"/sbin/scsi_id\"\n  prio_callout x\n }\n}\n",
			      &d, &cfg), 0);
	CU_ASSERT_TRUE(has_diag(&d, MP_DIAG_WARNING, 5, "replaced by uid_attribute"));
	CU_ASSERT_TRUE(has_diag(&d, MP_DIAG_WARNING, 6, "replaced by prio and prio_args"));
	mp_config_free(cfg);
	mp_diags_release(&d);
}

static void test_unimplemented_values_warn(void)
{
	struct mp_diags d = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;
	struct mp_settings s;

	CU_ASSERT_EQUAL_FATAL(parse("defaults {\n path_checker emc_clariion\n prio ontap\n}\n",
				    &d, &cfg), 0);
	CU_ASSERT_TRUE(has_diag(&d, MP_DIAG_WARNING, 2, "not implemented"));
	CU_ASSERT_TRUE(has_diag(&d, MP_DIAG_WARNING, 3, "not implemented"));
	mp_config_defaults(cfg, &s);
	CU_ASSERT_EQUAL(s.path_checker, MP_CHECKER_TUR);	/* left at the default */
	CU_ASSERT_EQUAL(s.origin[MP_SET_PATH_CHECKER], MP_ORIGIN_DEFAULT);
	mp_config_free(cfg);
	mp_diags_release(&d);
}

/* ---- reload contract ---- */

static void test_bad_reload_keeps_old(void)
{
	struct mp_diags d = MP_DIAGS_INIT;
	struct mp_config *live = NULL, *next;
	struct mp_settings s;

	CU_ASSERT_EQUAL_FATAL(parse("defaults {\n polling_interval 3\n}\n", &d, &live), 0);
	next = live;
	CU_ASSERT_EQUAL(parse("defaults {\n polling_interval 0\n}\n", &d, &next), -EINVAL);
	CU_ASSERT_PTR_EQUAL(next, live);
	mp_config_defaults(live, &s);
	CU_ASSERT_EQUAL(s.polling_interval, 3);
	mp_config_free(live);
	mp_diags_release(&d);
}

static void test_find_config_dir(void)
{
	char *dir = NULL;

	static const char a[] = "defaults {\n config_dir /x/y\n}\n";
	static const char b[] = "defaults { config_dir \"\" }";

	CU_ASSERT_EQUAL(mp_config_find_config_dir(a, strlen(a), &dir), 0);
	CU_ASSERT_STRING_EQUAL(dir, "/x/y");
	free(dir);
	CU_ASSERT_EQUAL(mp_config_find_config_dir("", 0, &dir), 0);
	CU_ASSERT_STRING_EQUAL(dir, "/etc/multipath/conf.d");
	free(dir);
	CU_ASSERT_EQUAL(mp_config_find_config_dir(b, strlen(b), &dir), 0);
	CU_ASSERT_STRING_EQUAL(dir, "");
	free(dir);
}

static void test_blacklist_sections(void)
{
	struct mp_diags d = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;
	const struct mp_blacklist *bl;
	struct mp_blacklist_input sda = { .devnode = "sda", .vendor = "ATA", .product = "disk" };
	struct mp_blacklist_input sdb = { .devnode = "sdb", .vendor = "IBM", .product = "2145" };
	struct mp_blacklist_input sdc = { .devnode = "sdc", .wwid = "36001keep",
					  .vendor = "IBM", .product = "2145" };
	struct mp_blacklist_input sdd = { .devnode = "sdd", .wwid = "36001keep",
					  .vendor = "HITACHI", .product = "OPEN-V" };

	CU_ASSERT_EQUAL_FATAL(parse("blacklist {\n devnode \"^sda$\"\n device {\n  vendor IBM\n"
				    "  product 2145\n }\n}\nblacklist_exceptions {\n wwid \"keep$\"\n}\n",
				    &d, &cfg), 0);
	bl = mp_config_blacklist(cfg);
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &sda, NULL, 0), MP_BL_EXCLUDED);
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &sdb, NULL, 0), MP_BL_EXCLUDED);
	/* a wwid exception excuses wwid rules only, not the device rule */
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &sdc, NULL, 0), MP_BL_EXCLUDED);
	CU_ASSERT_EQUAL(mp_blacklist_check(bl, &sdd, NULL, 0), MP_BL_EXCEPTED);
	mp_config_free(cfg);
	mp_diags_release(&d);
}

static void test_fixture_files(void)
{
	struct mp_diags d = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;

	CU_ASSERT_EQUAL(mp_config_load("tests/fixtures/config/good.conf", false, true, &d, &cfg), 0);
	if (d.n)
		dump_diags(&d);
	CU_ASSERT_PTR_NOT_NULL(cfg);
	CU_ASSERT_EQUAL(mp_diags_count(&d, MP_DIAG_ERROR), 0);
	mp_config_free(cfg);
	mp_diags_release(&d);

	cfg = NULL;
	CU_ASSERT_EQUAL(mp_config_load("tests/fixtures/config/bad.conf", false, true, &d, &cfg),
			-EINVAL);
	CU_ASSERT_PTR_NULL(cfg);
	CU_ASSERT_TRUE(mp_diags_count(&d, MP_DIAG_ERROR) >= 5);
	mp_diags_release(&d);

	CU_ASSERT_EQUAL(mp_config_load("tests/fixtures/config/missing.conf", true, true, &d, &cfg), 0);
	CU_ASSERT_PTR_NOT_NULL(cfg);
	mp_config_free(cfg);
	cfg = NULL;
	CU_ASSERT_EQUAL(mp_config_load("tests/fixtures/config/missing.conf", false, true, &d, &cfg),
			-EINVAL);
	CU_ASSERT_EQUAL(d.n, 1);
	CU_ASSERT_EQUAL(mp_config_load("tests/fixtures/config", false, true, &d, &cfg), -EINVAL);
	mp_diags_release(&d);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_bad_values),
	UNIT_TEST(test_good_values),
	UNIT_TEST(test_find_multipaths_timeout),
	UNIT_TEST(test_byte_share_selector_accepted),
	UNIT_TEST(test_error_kinds),
	UNIT_TEST(test_keeps_going_after_errors),
	UNIT_TEST(test_crlf_bom_comments_quotes),
	UNIT_TEST(test_empty_and_comment_only),
	UNIT_TEST(test_huge_line_is_an_error_not_truncated),
	UNIT_TEST(test_deep_nesting),
	UNIT_TEST(test_random_input_never_crashes),
	UNIT_TEST(test_legacy_keywords_warn),
	UNIT_TEST(test_legacy_warning_names_replacement),
	UNIT_TEST(test_unimplemented_values_warn),
	UNIT_TEST(test_bad_reload_keeps_old),
	UNIT_TEST(test_find_config_dir),
	UNIT_TEST(test_blacklist_sections),
	UNIT_TEST(test_fixture_files),
	UNIT_END,
};
