/* The schema: ONE table of every keyword this stack implements (type,
 * range, sections, where it lands in struct mp_settings), the table of
 * keywords multipath-tools knows that we accept but ignore (with why), the
 * section tree, and the generic per-type value parsers. Pure data and pure
 * functions; nothing here allocates except through mp_cfg_intern(), whose
 * strings the snapshot owns. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config-internal.h"
#include "mp/claim.h"
#include "mp/shares.h"
#include "util/macros.h"

#define D	SECBIT(SEC_DEFAULTS)
#define DV	SECBIT(SEC_DEVICE)
#define MP	SECBIT(SEC_MULTIPATH)
#define OV	SECBIT(SEC_OVERRIDES)
#define PR	SECBIT(SEC_PROTOCOL)
#define BL	(SECBIT(SEC_BLACKLIST) | SECBIT(SEC_BLACKLIST_EXC))
#define BLD	SECBIT(SEC_BL_DEVICE)

#define SET(kw, t, secs, id, field, lo, hi) \
	{ kw, t, secs, id, offsetof(struct mp_settings, field), lo, hi, ID_NONE }
#define IDENT(kw, secs, id) { kw, KT_IDENT, secs, -1, 0, 0, 0, id }

/* Sections follow multipath.conf(5) of multipath-tools 0.9.4. */
const struct cfg_keyword mp_cfg_keywords[] = {
	SET("polling_interval", KT_UINT, D, MP_SET_POLLING_INTERVAL, polling_interval, 1, 86400),
	SET("max_polling_interval", KT_UINT, D, MP_SET_MAX_POLLING_INTERVAL,
	    max_polling_interval, 1, 86400),
	SET("path_selector", KT_SELECTOR, D | DV | MP | OV, MP_SET_PATH_SELECTOR, path_selector, 0, 0),
	SET("path_shares", KT_SHARES, D | DV | MP | OV, MP_SET_PATH_SHARES, path_shares, 0, 0),
	SET("share_tuning", KT_BOOL, D | DV | MP | OV, MP_SET_SHARE_TUNING, share_tuning, 0, 0),
	SET("share_interval", KT_UINT, D | DV | MP | OV, MP_SET_SHARE_INTERVAL, share_interval, 1, 3600),
	SET("slow_path_factor", KT_MARGINAL, D | DV | MP | OV, MP_SET_SLOW_PATH_FACTOR,
	    slow_path_factor, 2, 1000),
	SET("slow_path_window", KT_UINT, D | DV | MP | OV, MP_SET_SLOW_PATH_WINDOW, slow_path_window,
	    1, 86400),
	SET("path_grouping_policy", KT_PGPOLICY, D | DV | MP | OV, MP_SET_PATH_GROUPING_POLICY,
	    path_grouping_policy, 0, 0),
	SET("path_checker", KT_CHECKER, D | DV | OV, MP_SET_PATH_CHECKER, path_checker, 0, 0),
	SET("checker_timeout", KT_UINT, D, MP_SET_CHECKER_TIMEOUT, checker_timeout, 1, 3600),
	SET("prio", KT_PRIO, D | DV | MP | OV, MP_SET_PRIO, prio, 0, 0),
	SET("prio_args", KT_STRING, D | DV | MP | OV, MP_SET_PRIO_ARGS, prio_args, 0, 0),
	SET("failback", KT_FAILBACK, D | DV | MP | OV, MP_SET_FAILBACK, failback, 0, 0),
	SET("no_path_retry", KT_NPR, D | DV | MP | OV, MP_SET_NO_PATH_RETRY, no_path_retry, 0, 0),
	SET("rr_weight", KT_RR_WEIGHT, D | DV | MP | OV, MP_SET_RR_WEIGHT, rr_weight, 0, 0),
	SET("rr_min_io_rq", KT_UINT, D | DV | MP | OV, MP_SET_RR_MIN_IO_RQ, rr_min_io_rq, 1, 1000),
	SET("features", KT_FEATURES, D | DV | MP | OV, MP_SET_FEATURES, features, 0, 0),
	SET("hardware_handler", KT_HWHANDLER, DV, MP_SET_HARDWARE_HANDLER, hardware_handler, 0, 0),
	SET("user_friendly_names", KT_BOOL, D | DV | MP | OV, MP_SET_USER_FRIENDLY_NAMES,
	    user_friendly_names, 0, 0),
	SET("alias", KT_ALIAS, MP, MP_SET_ALIAS, alias, 0, 0),
	SET("find_multipaths", KT_FINDMP, D, MP_SET_FIND_MULTIPATHS, find_multipaths, 0, 0),
	SET("find_multipaths_timeout", KT_SIGNED, D, MP_SET_FIND_MULTIPATHS_TIMEOUT,
	    find_multipaths_timeout, 1, 3600),
	SET("flush_on_last_del", KT_FLUSH, D | DV | MP | OV, MP_SET_FLUSH_ON_LAST_DEL,
	    flush_on_last_del, 0, 0),
	SET("fast_io_fail_tmo", KT_FAST_IO_FAIL, D | DV | OV | PR, MP_SET_FAST_IO_FAIL_TMO,
	    fast_io_fail_tmo, 0, 86400),
	SET("dev_loss_tmo", KT_DEV_LOSS, D | DV | OV | PR, MP_SET_DEV_LOSS_TMO, dev_loss_tmo,
	    0, 0x7fffffff),
	SET("detect_prio", KT_BOOL, D | DV | OV, MP_SET_DETECT_PRIO, detect_prio, 0, 0),
	SET("detect_checker", KT_BOOL, D | DV | OV, MP_SET_DETECT_CHECKER, detect_checker, 0, 0),
	SET("bindings_file", KT_PATH, D, MP_SET_BINDINGS_FILE, bindings_file, 0, 0),
	SET("wwids_file", KT_PATH, D, MP_SET_WWIDS_FILE, wwids_file, 0, 0),
	SET("config_dir", KT_PATH, D, MP_SET_CONFIG_DIR, config_dir, 0, 0),
	SET("marginal_path_err_sample_time", KT_MARGINAL, D | DV | MP | OV,
	    MP_SET_MARGINAL_PATH_ERR_SAMPLE_TIME, marginal_path_err_sample_time, 120, 86400),
	SET("marginal_path_err_rate_threshold", KT_MARGINAL, D | DV | MP | OV,
	    MP_SET_MARGINAL_PATH_ERR_RATE_THRESHOLD, marginal_path_err_rate_threshold, 1, 1000),
	SET("marginal_path_err_recheck_gap_time", KT_MARGINAL, D | DV | MP | OV,
	    MP_SET_MARGINAL_PATH_ERR_RECHECK_GAP_TIME, marginal_path_err_recheck_gap_time, 1, 86400),
	SET("marginal_path_double_failed_time", KT_MARGINAL, D | DV | MP | OV,
	    MP_SET_MARGINAL_PATH_DOUBLE_FAILED_TIME, marginal_path_double_failed_time, 1, 86400),
	SET("failover_budget", KT_MARGINAL, D | DV | MP | OV | PR, MP_SET_FAILOVER_BUDGET,
	    failover_budget, 1, 86400),
	IDENT("vendor", DV | BLD, ID_VENDOR),
	IDENT("product", DV | BLD, ID_PRODUCT),
	IDENT("revision", DV, ID_REVISION),
	IDENT("product_blacklist", DV, ID_PRODUCT_BLACKLIST),
	IDENT("wwid", MP | BL, ID_WWID),
	IDENT("devnode", BL, ID_DEVNODE),
	IDENT("property", BL, ID_PROPERTY),
	IDENT("protocol", BL, ID_PROTOCOL),
	IDENT("type", PR, ID_TYPE),
};
const size_t mp_cfg_n_keywords = ELEMENTSOF(mp_cfg_keywords);

#define NI "not implemented by this multipath stack; ignored"

/* Keywords some multipath-tools version knows and this stack does not act
 * on. Accepted anywhere with a warning, so existing files keep working. */
const struct cfg_legacy mp_cfg_legacy[] = {
	/* legacy: removed or renamed upstream */
	{ "getuid_callout", "legacy keyword, ignored: replaced by uid_attribute (WWIDs come from udev)" },
	{ "prio_callout", "legacy keyword, ignored: replaced by prio and prio_args" },
	{ "selector", "legacy keyword, ignored: replaced by path_selector" },
	{ "udev_dir", "legacy keyword, ignored: udev device nodes are always in /dev" },
	{ "rr_min_io", "legacy keyword, ignored: only bio-based maps used it; use rr_min_io_rq" },
	{ "default_selector", "legacy keyword, ignored: replaced by path_selector" },
	{ "default_path_grouping_policy", "legacy keyword, ignored: replaced by path_grouping_policy" },
	{ "default_getuid_callout", "legacy keyword, ignored: replaced by uid_attribute" },
	{ "default_prio_callout", "legacy keyword, ignored: replaced by prio and prio_args" },
	{ "default_features", "legacy keyword, ignored: replaced by features" },
	{ "default_prio", "legacy keyword, ignored: replaced by prio" },
	{ "default_checker", "legacy keyword, ignored: replaced by path_checker" },
	{ "default_uid_attribute", "legacy keyword, ignored: replaced by uid_attribute" },
	{ "checker", "legacy keyword, ignored: replaced by path_checker" },
	{ "pg_prio_calc", "legacy keyword, ignored: a path group's priority is the mean of its usable paths' priorities" },
	{ "pg_timeout", "legacy keyword, ignored: the kernel dropped pg_timeout" },
	{ "mode", "legacy keyword, ignored: set device node modes with udev rules" },
	{ "uid", "legacy keyword, ignored: set device node owners with udev rules" },
	{ "gid", "legacy keyword, ignored: set device node groups with udev rules" },
	{ "multipath_dir", "legacy keyword, ignored: checkers and prioritizers are built in" },
	{ "hwtable_regex_match", "legacy keyword, ignored: vendor and product are always regexes" },
	{ "san_path_err_threshold", "legacy keyword, ignored: replaced by marginal_path_* shaky-path detection" },
	{ "san_path_err_forget_rate", "legacy keyword, ignored: replaced by marginal_path_* shaky-path detection" },
	{ "san_path_err_recovery_time", "legacy keyword, ignored: replaced by marginal_path_* shaky-path detection" },
	{ "delay_watch_checks", "legacy keyword, ignored: replaced by marginal_path_* shaky-path detection" },
	{ "delay_wait_checks", "legacy keyword, ignored: replaced by marginal_path_* shaky-path detection" },
	{ "disable_changed_wwids", "legacy keyword, ignored: a path whose WWID changed is always dropped" },
	/* current multipath-tools keywords we do not implement (yet) */
	{ "verbosity", NI }, { "reassign_maps", NI }, { "uid_attrs", NI },
	{ "uid_attribute", NI }, { "alias_prefix", NI }, { "max_fds", NI },
	{ "queue_without_daemon", NI }, { "allow_usb_devices", NI },
	{ "eh_deadline", NI }, { "prkeys_file", NI }, { "log_checker_err", NI },
	{ "reservation_key", NI }, { "all_tg_pt", NI },
	{ "retain_attached_hw_handler", "ignored: an attached hardware handler is always kept (kernel >= 4.3)" },
	{ "force_sync", NI }, { "strict_timing", NI }, { "deferred_remove", NI },
	{ "partition_delimiter", NI }, { "marginal_pathgroups", NI },
	{ "uxsock_timeout", NI }, { "retrigger_tries", NI }, { "retrigger_delay", NI },
	{ "missing_uev_wait_timeout", NI }, { "skip_kpartx", NI },
	{ "remove_retries", NI }, { "max_sectors_kb", NI }, { "ghost_delay", NI },
	{ "enable_foreign", NI }, { "recheck_wwid", NI }, { "vpd_vendor", NI },
	{ "detect_pgpolicy", NI }, { "detect_pgpolicy_use_tpg", NI },
	{ "auto_resize", NI }, { "reload_readwrite", NI },
	{ "ignore_new_boot_devs", "legacy keyword, ignored: the wwids file decides for boot devices too" },
	{ "unpriv_sgio", "legacy keyword, ignored: path devices keep the kernel's SG_IO permissions" },
};
const size_t mp_cfg_n_legacy = ELEMENTSOF(mp_cfg_legacy);

const struct cfg_section_def mp_cfg_sections[] = {
	{ "defaults", SEC_TOP, SEC_DEFAULTS },
	{ "blacklist", SEC_TOP, SEC_BLACKLIST },
	{ "blacklist_exceptions", SEC_TOP, SEC_BLACKLIST_EXC },
	{ "device", SEC_BLACKLIST, SEC_BL_DEVICE },
	{ "device", SEC_BLACKLIST_EXC, SEC_BL_DEVICE },
	{ "devices", SEC_TOP, SEC_DEVICES },
	{ "device", SEC_DEVICES, SEC_DEVICE },
	{ "multipaths", SEC_TOP, SEC_MULTIPATHS },
	{ "multipath", SEC_MULTIPATHS, SEC_MULTIPATH },
	{ "overrides", SEC_TOP, SEC_OVERRIDES },
	{ "protocol", SEC_OVERRIDES, SEC_PROTOCOL },
};
const size_t mp_cfg_n_sections = ELEMENTSOF(mp_cfg_sections);

static const char *const section_names[_SEC_MAX] = {
	[SEC_TOP] = "top level",
	[SEC_DEFAULTS] = "defaults",
	[SEC_BLACKLIST] = "blacklist",
	[SEC_BLACKLIST_EXC] = "blacklist_exceptions",
	[SEC_BL_DEVICE] = "blacklist device",
	[SEC_DEVICES] = "devices",
	[SEC_DEVICE] = "device",
	[SEC_MULTIPATHS] = "multipaths",
	[SEC_MULTIPATH] = "multipath",
	[SEC_OVERRIDES] = "overrides",
	[SEC_PROTOCOL] = "protocol",
};

const char *mp_cfg_section_name(enum cfg_section s)
{
	return (unsigned int)s < _SEC_MAX ? section_names[s] : "?";
}

const struct cfg_keyword *mp_cfg_keyword_find(const char *name)
{
	for (size_t i = 0; i < mp_cfg_n_keywords; i++)
		if (strcmp(mp_cfg_keywords[i].name, name) == 0)
			return &mp_cfg_keywords[i];
	return NULL;
}

const struct cfg_keyword *mp_cfg_keyword_by_setting(enum mp_setting_id id)
{
	for (size_t i = 0; i < mp_cfg_n_keywords; i++)
		if (mp_cfg_keywords[i].setting == (int)id)
			return &mp_cfg_keywords[i];
	return NULL;
}

const char *mp_setting_name(enum mp_setting_id id)
{
	const struct cfg_keyword *kw = mp_cfg_keyword_by_setting(id);

	return kw ? kw->name : NULL;
}

const struct cfg_legacy *mp_cfg_legacy_find(const char *name)
{
	for (size_t i = 0; i < mp_cfg_n_legacy; i++)
		if (strcmp(mp_cfg_legacy[i].name, name) == 0)
			return &mp_cfg_legacy[i];
	return NULL;
}

static void consider(const char *word, const char *cand, const char **best, unsigned int *bestd)
{
	unsigned int d = mp_cfg_edit_distance(word, cand);

	if (d < *bestd) {
		*bestd = d;
		*best = cand;
	}
}

const char *mp_cfg_suggest(const char *word)
{
	const char *best = NULL;
	unsigned int bestd = UINT_MAX;
	size_t len = strlen(word);
	/* a third of the word, at least 1, at most 3: near misses only */
	unsigned int limit = len >= 9 ? 3 : len >= 6 ? 2 : 1;

	if (len > 64)
		return NULL;
	for (size_t i = 0; i < mp_cfg_n_keywords; i++)
		consider(word, mp_cfg_keywords[i].name, &best, &bestd);
	for (size_t i = 0; i < mp_cfg_n_sections; i++)
		consider(word, mp_cfg_sections[i].name, &best, &bestd);
	for (size_t i = 0; i < mp_cfg_n_legacy; i++)
		consider(word, mp_cfg_legacy[i].name, &best, &bestd);
	return bestd <= limit ? best : NULL;
}

/* ---- value parsers ---- */

static int parse_uint(const char *v, unsigned int lo, unsigned int hi, unsigned int *ret)
{
	unsigned long n;
	char *end;

	if (!v[0] || v[0] < '0' || v[0] > '9')
		return -EINVAL;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || n < lo || n > hi)
		return -EINVAL;
	*ret = (unsigned int)n;
	return 0;
}

static int parse_bool(const char *v, bool *ret)
{
	if (!strcmp(v, "yes") || !strcmp(v, "1"))
		*ret = true;
	else if (!strcmp(v, "no") || !strcmp(v, "0"))
		*ret = false;
	else
		return -EINVAL;
	return 0;
}

/* "N word..." where N counts the words that follow (dm's own convention
 * for features and hardware handlers). */
static int parse_counted_words(const char *v, unsigned int max_n)
{
	unsigned int n, words = 0;
	const char *p = v;
	char first[16];
	size_t l = strcspn(v, " ");

	if (l == 0 || l >= sizeof(first))
		return -EINVAL;
	memcpy(first, v, l);
	first[l] = '\0';
	if (parse_uint(first, 0, max_n, &n) < 0)
		return -EINVAL;
	p += l;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		words++;
		p += strcspn(p, " \t");
	}
	return words == n ? 0 : -EINVAL;
}

static const char *const selectors[] = {
	"round-robin", "queue-length", "service-time", "historical-service-time",
	"byte-share",	/* a later issue adds it; accepted now so configs stay valid */
};

static int parse_selector(struct mp_config *cfg, const char *v, const char **ret)
{
	size_t l = strcspn(v, " \t");
	const char *arg = v + l;
	char buf[64];

	while (*arg == ' ' || *arg == '\t')
		arg++;
	/* the only selector argument count the kernel selectors take is 0 */
	if (*arg && strcmp(arg, "0") != 0)
		return -EINVAL;
	for (size_t i = 0; i < ELEMENTSOF(selectors); i++) {
		if (strlen(selectors[i]) == l && strncmp(selectors[i], v, l) == 0) {
			snprintf(buf, sizeof(buf), "%s 0", selectors[i]);
			*ret = mp_cfg_intern(cfg, buf);
			return *ret ? 0 : -ENOMEM;
		}
	}
	return -EINVAL;
}

static bool in_list(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(v, *list))
			return true;
	return false;
}

static const char *const other_checkers[] = {
	"emc_clariion", "hp_sw", "rdac", "cciss_tur", NULL,
};
static const char *const other_prios[] = {
	"emc", "hp_sw", "ontap", "rdac", "iet", "random", "datacore", "hds", "ana", NULL,
};

static void store(struct mp_settings *s, size_t off, const void *v, size_t n)
{
	memcpy((char *)s + off, v, n);
}

static const char *expected(const struct cfg_keyword *kw, char *buf, size_t len)
{
	switch (kw->type) {
	case KT_UINT:
		snprintf(buf, len, "an integer %u..%u", kw->min, kw->max);
		break;
	case KT_BOOL:
		return "yes or no";
	case KT_STRING:
		return "a string";
	case KT_PATH:
		return "an absolute path";
	case KT_SELECTOR:
		return "\"round-robin 0\", \"queue-length 0\", \"service-time 0\", "
			"\"historical-service-time 0\" or \"byte-share 0\"";
	case KT_SHARES:
		return "KEY=SHARE words, e.g. \"3:0:0:*=70 4:0:0:*=30\" (SHARE 1..100000 or READ/WRITE)";
	case KT_PGPOLICY:
		return "failover, multibus, group_by_serial, group_by_prio or group_by_node_name";
	case KT_CHECKER:
		return "tur, directio, readsector0 or none";
	case KT_PRIO:
		return "const, alua, sysfs, weightedpath or path_latency";
	case KT_FAILBACK:
		return "immediate, manual, followover or a number of seconds > 0";
	case KT_NPR:
		return "fail, queue or a number of retries";
	case KT_RR_WEIGHT:
		return "uniform or priorities";
	case KT_FEATURES:
		return "\"N word...\" with N the number of words, e.g. \"1 queue_if_no_path\"";
	case KT_HWHANDLER:
		return "\"0\" or \"1 NAME\", e.g. \"1 alua\"";
	case KT_ALIAS:
		return "a map name without '/' or blanks, under 128 bytes";
	case KT_FINDMP:
		return "off, on, greedy, strict or smart";
	case KT_FLUSH:
		return "never, always, unused, yes or no";
	case KT_FAST_IO_FAIL:
		snprintf(buf, len, "off or an integer %u..%u", kw->min, kw->max);
		break;
	case KT_DEV_LOSS:
		snprintf(buf, len, "infinity or an integer %u..%u", kw->min, kw->max);
		break;
	case KT_MARGINAL:
		snprintf(buf, len, "no or an integer %u..%u", kw->min, kw->max);
		break;
	case KT_SIGNED:
		snprintf(buf, len, "an integer -%u..-%u or %u..%u (0: the default)", kw->max,
			 kw->min, kw->min, kw->max);
		break;
	case KT_IDENT:
		return "a value";
	}
	return buf;
}

int mp_cfg_parse_value(struct mp_config *cfg, const struct cfg_keyword *kw,
		       const char *v, struct mp_settings *s, char *why, size_t whylen)
{
	char ebuf[64];
	unsigned int u;
	int r = 0;

	switch (kw->type) {
	case KT_UINT:
		r = parse_uint(v, kw->min, kw->max, &u);
		if (r == 0)
			store(s, kw->offset, &u, sizeof(u));
		break;
	case KT_BOOL: {
		bool b;

		r = parse_bool(v, &b);
		if (r == 0)
			store(s, kw->offset, &b, sizeof(b));
		break;
	}
	case KT_STRING:
	case KT_PATH:
	case KT_ALIAS:
	case KT_FEATURES:
	case KT_HWHANDLER: {
		const char *p;

		if (kw->type == KT_PATH && v[0] != '/')
			r = -EINVAL;
		else if (kw->type == KT_ALIAS &&
			 (!v[0] || strlen(v) >= 128 || strpbrk(v, "/ \t") ||
			  !strcmp(v, ".") || !strcmp(v, "..")))
			r = -EINVAL;
		else if (kw->type == KT_FEATURES && parse_counted_words(v, 32) < 0)
			r = -EINVAL;
		else if (kw->type == KT_HWHANDLER && parse_counted_words(v, 8) < 0)
			r = -EINVAL;
		if (r < 0)
			break;
		p = mp_cfg_intern(cfg, v);
		if (!p)
			return -ENOMEM;
		store(s, kw->offset, &p, sizeof(p));
		break;
	}
	case KT_SELECTOR: {
		const char *p;

		r = parse_selector(cfg, v, &p);
		if (r == -ENOMEM)
			return r;
		if (r == 0)
			store(s, kw->offset, &p, sizeof(p));
		break;
	}
	case KT_SHARES: {
		const char *p;

		if (mp_shares_spec_validate(v, why, whylen) < 0)
			return -EINVAL;
		p = mp_cfg_intern(cfg, v);
		if (!p)
			return -ENOMEM;
		store(s, kw->offset, &p, sizeof(p));
		break;
	}
	case KT_PGPOLICY: {
		enum mp_pgpolicy e;

		r = mp_pgpolicy_from_string(v, &e);
		if (r == 0)
			store(s, kw->offset, &e, sizeof(e));
		break;
	}
	case KT_CHECKER: {
		enum mp_checker_kind e;

		if (in_list(v, other_checkers)) {
			snprintf(why, whylen, "checker \"%s\" is not implemented; value ignored", v);
			return -EOPNOTSUPP;
		}
		r = mp_checker_kind_from_string(v, &e);
		if (r == 0)
			store(s, kw->offset, &e, sizeof(e));
		break;
	}
	case KT_PRIO: {
		enum mp_prio_kind e;

		if (in_list(v, other_prios)) {
			snprintf(why, whylen, "prioritizer \"%s\" is not implemented; value ignored", v);
			return -EOPNOTSUPP;
		}
		r = mp_prio_kind_from_string(v, &e);
		if (r == 0)
			store(s, kw->offset, &e, sizeof(e));
		break;
	}
	case KT_FAILBACK: {
		struct mp_failback f;

		r = mp_failback_from_string(v, &f);
		if (r == 0)
			store(s, kw->offset, &f, sizeof(f));
		break;
	}
	case KT_NPR: {
		struct mp_no_path_retry n;

		r = mp_no_path_retry_from_string(v, &n);
		if (r == 0)
			store(s, kw->offset, &n, sizeof(n));
		break;
	}
	case KT_RR_WEIGHT: {
		enum mp_rr_weight w;

		if (!strcmp(v, "uniform"))
			w = MP_RR_WEIGHT_UNIFORM;
		else if (!strcmp(v, "priorities"))
			w = MP_RR_WEIGHT_PRIORITIES;
		else
			r = -EINVAL;
		if (r == 0)
			store(s, kw->offset, &w, sizeof(w));
		break;
	}
	case KT_FINDMP: {
		enum mp_find_multipaths f;

		/* multipath-tools still takes the old yes/no spellings */
		if (!strcmp(v, "yes"))
			f = MP_FIND_MULTIPATHS_ON;
		else if (!strcmp(v, "no"))
			f = MP_FIND_MULTIPATHS_OFF;
		else
			r = mp_find_multipaths_from_string(v, &f);
		if (r == 0)
			store(s, kw->offset, &f, sizeof(f));
		break;
	}
	case KT_FLUSH: {
		enum mp_flush_on_last_del f;

		if (!strcmp(v, "yes"))
			f = MP_FLUSH_ALWAYS;
		else if (!strcmp(v, "no"))
			f = MP_FLUSH_NEVER;
		else
			r = mp_flush_on_last_del_from_string(v, &f);
		if (r == 0)
			store(s, kw->offset, &f, sizeof(f));
		break;
	}
	case KT_FAST_IO_FAIL: {
		int t;

		if (!strcmp(v, "off")) {
			t = MP_FAST_IO_FAIL_OFF;
		} else {
			r = parse_uint(v, kw->min, kw->max, &u);
			t = (int)u;
		}
		if (r == 0)
			store(s, kw->offset, &t, sizeof(t));
		break;
	}
	case KT_SIGNED: {
		/* 0 stands for the built-in default, as in multipath.conf(5). */
		bool neg = v[0] == '-';
		int t;

		r = parse_uint(v + neg, 0, kw->max, &u);
		if (r == 0 && u != 0 && u < kw->min)
			r = -EINVAL;
		if (r < 0)
			break;
		if (u == 0) {
			struct mp_settings def;

			mp_cfg_builtin_defaults(&def);
			memcpy(&t, (const char *)&def + kw->offset, sizeof(t));
		} else {
			t = neg ? -(int)u : (int)u;
		}
		store(s, kw->offset, &t, sizeof(t));
		break;
	}
	case KT_DEV_LOSS:
		if (!strcmp(v, "infinity"))
			u = MP_DEV_LOSS_INFINITY;
		else
			r = parse_uint(v, kw->min, kw->max, &u);
		if (r == 0)
			store(s, kw->offset, &u, sizeof(u));
		break;
	case KT_MARGINAL:
		if (!strcmp(v, "no") || !strcmp(v, "0"))
			u = 0;
		else
			r = parse_uint(v, kw->min, kw->max, &u);
		if (r == 0)
			store(s, kw->offset, &u, sizeof(u));
		break;
	case KT_IDENT:
		break;
	}
	if (r < 0)
		snprintf(why, whylen, "expected %s", expected(kw, ebuf, sizeof(ebuf)));
	return r < 0 ? -EINVAL : 0;
}

void mp_cfg_builtin_defaults(struct mp_settings *s)
{
	/* multipath-tools' documented defaults, so a config that sets nothing
	 * behaves the same under either stack */
	*s = (struct mp_settings) {
		.polling_interval = 5,
		.max_polling_interval = 20,	/* 4 * polling_interval */
		.path_selector = "service-time 0",
		.path_shares = "",
		.share_tuning = false,
		.share_interval = 5,
		.slow_path_factor = 0,
		.slow_path_window = 30,
		.path_grouping_policy = MP_PGPOLICY_FAILOVER,
		.path_checker = MP_CHECKER_TUR,
		.checker_timeout = 30,		/* the SCSI layer's default */
		.prio = MP_PRIO_CONST,
		.prio_args = "",
		.failback = { MP_FAILBACK_MANUAL, 0 },
		.no_path_retry = { MP_NO_PATH_RETRY_FAIL, 0 },
		.rr_weight = MP_RR_WEIGHT_UNIFORM,
		.rr_min_io_rq = 1,
		.features = "0",
		.hardware_handler = "0",
		.user_friendly_names = false,
		.alias = NULL,
		.find_multipaths = MP_FIND_MULTIPATHS_STRICT,
		.find_multipaths_timeout = -MP_CLAIM_SMART_TIMEOUT_S,
		.flush_on_last_del = MP_FLUSH_NEVER,
		.fast_io_fail_tmo = 5,
		.dev_loss_tmo = 600,
		.detect_prio = true,
		.detect_checker = true,
		.bindings_file = "/etc/multipath/bindings",
		.wwids_file = "/etc/multipath/wwids",
		.config_dir = "/etc/multipath/conf.d",
	};
}
