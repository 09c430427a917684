/* multipath.conf: parse text into a frozen configuration snapshot, check it,
 * and resolve the effective settings for one device.
 *
 * Lifecycle: mp_config_parse() builds a new snapshot from one or more texts
 * (the main file followed by config_dir's *.conf files). It never touches a
 * live configuration, so a daemon reloads by parsing a new snapshot and
 * swapping it in only on success: a bad reload keeps the old one.
 *
 * Diagnostics (errors and warnings, each with file and line) are appended to
 * a caller-owned struct mp_diags; parsing continues after an error so that
 * every problem is reported at once.
 *
 * Precedence when resolving one device, lowest first:
 *   defaults < built-in hardware table < devices < overrides < multipaths
 * and every resolved value remembers where it came from (enum mp_origin). */
#ifndef MP_CONFIG_H
#define MP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "mp/types.h"

struct mp_strbuf;
struct mp_blacklist;

/* ---- diagnostics ---- */

enum mp_diag_severity {
	MP_DIAG_WARNING,
	MP_DIAG_ERROR,
};

struct mp_diag {
	enum mp_diag_severity severity;
	char *file;		/* owned; the name the caller gave the text */
	unsigned int line;	/* 1-based; 0 when the problem has no line */
	char *message;		/* owned; names the keyword, no trailing newline */
};

struct mp_diags {
	struct mp_diag *items;	/* owned */
	size_t n;
	size_t cap;
};

#define MP_DIAGS_INIT { NULL, 0, 0 }

/* Frees every diagnostic and empties the list (the struct itself stays). */
void mp_diags_release(struct mp_diags *d);
size_t mp_diags_count(const struct mp_diags *d, enum mp_diag_severity sev);
/* "FILE:LINE: error: message" (":LINE" left out when line is 0). */
int mp_diag_format(const struct mp_diag *d, struct mp_strbuf *out);

/* ---- settings ---- */

enum mp_rr_weight {
	MP_RR_WEIGHT_UNIFORM,
	MP_RR_WEIGHT_PRIORITIES,
	_MP_RR_WEIGHT_MAX,
};

/* Where an effective value came from. */
enum mp_origin {
	MP_ORIGIN_DEFAULT,	/* built-in default: nothing set it */
	MP_ORIGIN_DEFAULTS,	/* the defaults section */
	MP_ORIGIN_HWTABLE,	/* the built-in hardware table */
	MP_ORIGIN_DEVICES,	/* a devices { device { } } entry */
	MP_ORIGIN_OVERRIDES,	/* overrides (or overrides { protocol { } }) */
	MP_ORIGIN_MULTIPATHS,	/* a multipaths { multipath { } } entry */
	MP_ORIGIN_BUDGET,	/* derived from failover_budget (mp/budget.h) */
	_MP_ORIGIN_MAX,
};

/* One id per implemented setting; indexes mp_settings.origin[]. */
enum mp_setting_id {
	MP_SET_POLLING_INTERVAL,
	MP_SET_MAX_POLLING_INTERVAL,
	MP_SET_PATH_SELECTOR,
	MP_SET_PATH_SHARES,
	MP_SET_SHARE_TUNING,
	MP_SET_SHARE_INTERVAL,
	MP_SET_SLOW_PATH_FACTOR,
	MP_SET_SLOW_PATH_WINDOW,
	MP_SET_PATH_GROUPING_POLICY,
	MP_SET_PATH_CHECKER,
	MP_SET_CHECKER_TIMEOUT,
	MP_SET_PRIO,
	MP_SET_PRIO_ARGS,
	MP_SET_FAILBACK,
	MP_SET_NO_PATH_RETRY,
	MP_SET_RR_WEIGHT,
	MP_SET_RR_MIN_IO_RQ,
	MP_SET_FEATURES,
	MP_SET_HARDWARE_HANDLER,
	MP_SET_USER_FRIENDLY_NAMES,
	MP_SET_ALIAS,
	MP_SET_FIND_MULTIPATHS,
	MP_SET_FIND_MULTIPATHS_TIMEOUT,
	MP_SET_FLUSH_ON_LAST_DEL,
	MP_SET_FAST_IO_FAIL_TMO,
	MP_SET_DEV_LOSS_TMO,
	MP_SET_DETECT_PRIO,
	MP_SET_DETECT_CHECKER,
	MP_SET_BINDINGS_FILE,
	MP_SET_WWIDS_FILE,
	MP_SET_CONFIG_DIR,
	MP_SET_MARGINAL_PATH_ERR_SAMPLE_TIME,
	MP_SET_MARGINAL_PATH_ERR_RATE_THRESHOLD,
	MP_SET_MARGINAL_PATH_ERR_RECHECK_GAP_TIME,
	MP_SET_MARGINAL_PATH_DOUBLE_FAILED_TIME,
	MP_SET_FAILOVER_BUDGET,
	_MP_SET_MAX,
};

#define MP_FAST_IO_FAIL_OFF	(-1)		/* fast_io_fail_tmo "off" */
#define MP_DEV_LOSS_INFINITY	0xffffffffu	/* dev_loss_tmo "infinity" */

/* Effective settings. Strings are borrowed from the mp_config they were
 * resolved from and stay valid as long as that snapshot lives. The
 * marginal_path_* values are 0 when shaky-path detection is off. */
struct mp_settings {
	unsigned int polling_interval;		/* seconds */
	unsigned int max_polling_interval;	/* seconds */
	const char *path_selector;		/* "service-time 0" ... */
	/* byte-share (mp/shares.h): per-path shares, tuning, slow paths */
	const char *path_shares;		/* "KEY=SHARE ...", "" = equal */
	bool share_tuning;
	unsigned int share_interval;		/* seconds between samples */
	unsigned int slow_path_factor;		/* 0 = off */
	unsigned int slow_path_window;		/* seconds */
	enum mp_pgpolicy path_grouping_policy;
	enum mp_checker_kind path_checker;
	unsigned int checker_timeout;		/* seconds */
	enum mp_prio_kind prio;
	const char *prio_args;			/* "" when none */
	struct mp_failback failback;
	struct mp_no_path_retry no_path_retry;
	enum mp_rr_weight rr_weight;
	unsigned int rr_min_io_rq;
	const char *features;			/* dm form: "0", "1 queue_if_no_path" */
	const char *hardware_handler;		/* dm form: "0", "1 alua" */
	bool user_friendly_names;
	const char *alias;			/* NULL unless a multipath entry names one */
	enum mp_find_multipaths find_multipaths;
	/* smart's hold-back in seconds: > 0 for every device; < 0 means |v|
	 * for devices the hardware table or a devices entry knows, and 1 s for
	 * the rest (a local disk must not hold the boot back); see
	 * mp_find_multipaths_timeout(). */
	int find_multipaths_timeout;
	enum mp_flush_on_last_del flush_on_last_del;
	int fast_io_fail_tmo;			/* seconds or MP_FAST_IO_FAIL_OFF */
	unsigned int dev_loss_tmo;		/* seconds or MP_DEV_LOSS_INFINITY */
	bool detect_prio;
	bool detect_checker;
	const char *bindings_file;
	const char *wwids_file;
	const char *config_dir;
	unsigned int marginal_path_err_sample_time;	/* seconds */
	unsigned int marginal_path_err_rate_threshold;	/* per thousand */
	unsigned int marginal_path_err_recheck_gap_time;	/* seconds */
	unsigned int marginal_path_double_failed_time;	/* seconds */
	unsigned int failover_budget;		/* seconds, 0 = off (mp/budget.h) */
	enum mp_origin origin[_MP_SET_MAX];
};

/* What identifies a device when resolving; NULL fields are unknown. */
struct mp_device_ident {
	const char *vendor;
	const char *product;
	const char *revision;
	const char *wwid;
	const char *protocol;	/* "scsi:fcp", "scsi:iscsi", "nvme:tcp" ... */
};

/* ---- the snapshot ---- */

struct mp_config;	/* opaque, immutable once built */

struct mp_config_source {
	const char *name;	/* for diagnostics, e.g. "/etc/multipath.conf" */
	const char *text;	/* need not be NUL-terminated; may contain NULs */
	size_t len;
};

/* Parses the sources in order (later files add to earlier ones) on top of
 * the built-in hardware table and blacklist. Appends all diagnostics to
 * diags (which may be NULL). Returns 0 and writes *ret when there was no
 * error (warnings are fine), -EINVAL when there was at least one error, or
 * -ENOMEM. */
int mp_config_parse(const struct mp_config_source *srcs, size_t n,
		    struct mp_diags *diags, struct mp_config **ret);
void mp_config_free(struct mp_config *cfg);

/* The built-in hardware table as multipath.conf text (a devices section). */
const char *mp_config_hwtable_text(void);

/* Resolves the effective settings for one device. Cannot fail. */
void mp_config_resolve(const struct mp_config *cfg, const struct mp_device_ident *id,
		       struct mp_settings *ret);
/* The global settings (defaults section over built-in defaults). */
void mp_config_defaults(const struct mp_config *cfg, struct mp_settings *ret);

/* The blacklist built from blacklist/blacklist_exceptions plus the built-in
 * rules; owned by the config. */
const struct mp_blacklist *mp_config_blacklist(const struct mp_config *cfg);

/* Looks up the multipath entry for wwid; writes its alias (or NULL). */
int mp_config_find_multipath(const struct mp_config *cfg, const char *wwid,
			     const char **ret_alias);
size_t mp_config_n_devices(const struct mp_config *cfg);	/* user entries */
size_t mp_config_n_multipaths(const struct mp_config *cfg);

/* The config_dir a main file names (or the default /etc/multipath/conf.d),
 * read without validating the rest; "" when it names none. The caller frees
 * *ret. Returns 0 or -ENOMEM. */
int mp_config_find_config_dir(const char *text, size_t len, char **ret);

/* ---- reading files (libmp/sys/config-file.c) ---- */

#define MP_CONFIG_FILE_MAX	(4u << 20)	/* larger files are refused */

/* Reads path (and, unless no_config_dir, the *.conf files of its config_dir
 * in name order) and parses them. A missing main file is an error unless
 * missing_ok, when the built-in configuration results. Problems reading
 * files become diagnostics without a line. Returns as mp_config_parse(). */
int mp_config_load(const char *path, bool missing_ok, bool no_config_dir,
		   struct mp_diags *diags, struct mp_config **ret);

/* ---- text output ---- */

const char *mp_origin_to_string(enum mp_origin o);
const char *mp_rr_weight_to_string(enum mp_rr_weight w);
/* Keyword name of a setting, e.g. "path_grouping_policy". */
const char *mp_setting_name(enum mp_setting_id id);

/* Appends "keyword value" lines in multipath.conf syntax; with origins,
 * each line ends in "# <origin>". */
int mp_settings_dump(const struct mp_settings *s, bool origins, struct mp_strbuf *out);
/* Appends the whole configuration (defaults, devices, overrides,
 * multipaths) as multipath.conf text that parses back to the same. */
int mp_config_dump(const struct mp_config *cfg, bool include_hwtable, struct mp_strbuf *out);
/* Appends a defaults section with every keyword a defaults section takes
 * and its value in force (built-in or set): what `multipath -t/-T` print,
 * where mp_config_dump's defaults hold only the keywords a file set. */
int mp_config_dump_defaults(const struct mp_config *cfg, struct mp_strbuf *out);
/* mp_config_dump with mp_config_dump_defaults' defaults section: the
 * configuration in force as the incumbent's `multipathd show config` and
 * `multipath -t/-T` print it. */
int mp_config_dump_full(const struct mp_config *cfg, bool include_hwtable, struct mp_strbuf *out);

#endif
