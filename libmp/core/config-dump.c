/* Text output: settings and whole snapshots as multipath.conf text, the
 * form administrators read and that parses back. Owns only formatting; the
 * caller owns the mp_strbuf it appends to. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mp/strbuf.h"
#include "core/config-internal.h"

static const char *const origin_names[_MP_ORIGIN_MAX] = {
	[MP_ORIGIN_DEFAULT] = "default",
	[MP_ORIGIN_DEFAULTS] = "defaults",
	[MP_ORIGIN_HWTABLE] = "hwtable",
	[MP_ORIGIN_DEVICES] = "devices",
	[MP_ORIGIN_OVERRIDES] = "overrides",
	[MP_ORIGIN_MULTIPATHS] = "multipaths",
	[MP_ORIGIN_BUDGET] = "failover_budget",
};

const char *mp_origin_to_string(enum mp_origin o)
{
	return (unsigned int)o < _MP_ORIGIN_MAX ? origin_names[o] : NULL;
}

const char *mp_rr_weight_to_string(enum mp_rr_weight w)
{
	return w == MP_RR_WEIGHT_UNIFORM ? "uniform" :
		w == MP_RR_WEIGHT_PRIORITIES ? "priorities" : NULL;
}

/* Appends s quoted the way the lexer reads it back ("" for a quote). */
static int put_quoted(struct mp_strbuf *out, const char *s)
{
	int r = mp_strbuf_puts(out, "\"");

	for (const char *p = s; r == 0 && *p; p++)
		r = *p == '"' ? mp_strbuf_puts(out, "\"\"") : mp_strbuf_append(out, p, 1);
	return r ? r : mp_strbuf_puts(out, "\"");
}

static int put_value(struct mp_strbuf *out, const struct cfg_keyword *kw,
		     const struct mp_settings *s)
{
	char buf[32];
	const char *v = NULL;

	switch ((enum mp_setting_id)kw->setting) {
	case MP_SET_POLLING_INTERVAL:
		return mp_strbuf_printf(out, "%u", s->polling_interval);
	case MP_SET_MAX_POLLING_INTERVAL:
		return mp_strbuf_printf(out, "%u", s->max_polling_interval);
	case MP_SET_CHECKER_TIMEOUT:
		return mp_strbuf_printf(out, "%u", s->checker_timeout);
	case MP_SET_RR_MIN_IO_RQ:
		return mp_strbuf_printf(out, "%u", s->rr_min_io_rq);
	case MP_SET_PATH_SELECTOR:
		return put_quoted(out, s->path_selector);
	case MP_SET_PATH_SHARES:
		return put_quoted(out, s->path_shares);
	case MP_SET_SHARE_TUNING:
		return mp_strbuf_puts(out, s->share_tuning ? "yes" : "no");
	case MP_SET_SHARE_INTERVAL:
		return mp_strbuf_printf(out, "%u", s->share_interval);
	case MP_SET_SLOW_PATH_FACTOR:
		return s->slow_path_factor ? mp_strbuf_printf(out, "%u", s->slow_path_factor) :
					     mp_strbuf_puts(out, "no");
	case MP_SET_SLOW_PATH_WINDOW:
		return mp_strbuf_printf(out, "%u", s->slow_path_window);
	case MP_SET_PRIO_ARGS:
		return put_quoted(out, s->prio_args);
	case MP_SET_FEATURES:
		return put_quoted(out, s->features);
	case MP_SET_HARDWARE_HANDLER:
		return put_quoted(out, s->hardware_handler);
	case MP_SET_ALIAS:
		return put_quoted(out, s->alias ? s->alias : "");
	case MP_SET_BINDINGS_FILE:
		return put_quoted(out, s->bindings_file);
	case MP_SET_WWIDS_FILE:
		return put_quoted(out, s->wwids_file);
	case MP_SET_CONFIG_DIR:
		return put_quoted(out, s->config_dir);
	case MP_SET_PATH_GROUPING_POLICY:
		v = mp_pgpolicy_to_string(s->path_grouping_policy);
		break;
	case MP_SET_PATH_CHECKER:
		v = mp_checker_kind_to_string(s->path_checker);
		break;
	case MP_SET_PRIO:
		v = mp_prio_kind_to_string(s->prio);
		break;
	case MP_SET_FAILBACK:
		v = mp_failback_to_string(&s->failback, buf, sizeof(buf));
		break;
	case MP_SET_NO_PATH_RETRY:
		v = mp_no_path_retry_to_string(&s->no_path_retry, buf, sizeof(buf));
		break;
	case MP_SET_RR_WEIGHT:
		v = mp_rr_weight_to_string(s->rr_weight);
		break;
	case MP_SET_USER_FRIENDLY_NAMES:
		v = s->user_friendly_names ? "yes" : "no";
		break;
	case MP_SET_DETECT_PRIO:
		v = s->detect_prio ? "yes" : "no";
		break;
	case MP_SET_DETECT_CHECKER:
		v = s->detect_checker ? "yes" : "no";
		break;
	case MP_SET_FIND_MULTIPATHS:
		v = mp_find_multipaths_to_string(s->find_multipaths);
		break;
	case MP_SET_FIND_MULTIPATHS_TIMEOUT:
		return mp_strbuf_printf(out, "%d", s->find_multipaths_timeout);
	case MP_SET_FLUSH_ON_LAST_DEL:
		v = mp_flush_on_last_del_to_string(s->flush_on_last_del);
		break;
	case MP_SET_FAST_IO_FAIL_TMO:
		if (s->fast_io_fail_tmo == MP_FAST_IO_FAIL_OFF)
			v = "off";
		else
			return mp_strbuf_printf(out, "%d", s->fast_io_fail_tmo);
		break;
	case MP_SET_DEV_LOSS_TMO:
		if (s->dev_loss_tmo == MP_DEV_LOSS_INFINITY)
			v = "infinity";
		else
			return mp_strbuf_printf(out, "%u", s->dev_loss_tmo);
		break;
	case MP_SET_MARGINAL_PATH_ERR_SAMPLE_TIME:
	case MP_SET_MARGINAL_PATH_ERR_RATE_THRESHOLD:
	case MP_SET_MARGINAL_PATH_ERR_RECHECK_GAP_TIME:
	case MP_SET_MARGINAL_PATH_DOUBLE_FAILED_TIME:
	case MP_SET_FAILOVER_BUDGET: {
		unsigned int u;

		memcpy(&u, (const char *)s + kw->offset, sizeof(u));
		if (u == 0)
			v = "no";
		else
			return mp_strbuf_printf(out, "%u", u);
		break;
	}
	case _MP_SET_MAX:
		break;
	}
	return mp_strbuf_puts(out, v ? v : "?");
}

/* Writes the settings whose bit is in mask (all when mask is ~0). */
static int dump_fields(const struct mp_settings *s, uint64_t mask, bool origins,
		       const char *indent, struct mp_strbuf *out)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < mp_cfg_n_keywords; i++) {
		const struct cfg_keyword *kw = &mp_cfg_keywords[i];

		if (kw->setting < 0 || !(mask & (UINT64_C(1) << kw->setting)))
			continue;
		if (kw->setting == MP_SET_ALIAS && !s->alias)
			continue;
		r = mp_strbuf_printf(out, "%s%s ", indent, kw->name);
		if (r == 0)
			r = put_value(out, kw, s);
		if (r == 0 && origins && s->origin[kw->setting] == MP_ORIGIN_BUDGET)
			r = mp_strbuf_printf(out, "  # derived from failover_budget %u", s->failover_budget);
		else if (r == 0 && origins)
			r = mp_strbuf_printf(out, "  # %s", mp_origin_to_string(s->origin[kw->setting]));
		if (r == 0)
			r = mp_strbuf_puts(out, "\n");
	}
	return r;
}

int mp_settings_dump(const struct mp_settings *s, bool origins, struct mp_strbuf *out)
{
	return dump_fields(s, ~UINT64_C(0), origins, "", out);
}

int mp_config_dump_defaults(const struct mp_config *cfg, struct mp_strbuf *out)
{
	struct mp_settings s;
	uint64_t mask = 0;
	int r;

	mp_config_defaults(cfg, &s);
	/* only what a defaults section may say, so the text parses back */
	for (size_t i = 0; i < mp_cfg_n_keywords; i++)
		if (mp_cfg_keywords[i].setting >= 0 &&
		    (mp_cfg_keywords[i].sections & SECBIT(SEC_DEFAULTS)))
			mask |= UINT64_C(1) << mp_cfg_keywords[i].setting;
	r = mp_strbuf_puts(out, "defaults {\n");
	if (r == 0)
		r = dump_fields(&s, mask, false, "\t", out);
	if (r == 0)
		r = mp_strbuf_puts(out, "}\n");
	return r;
}

static int dump_devices(const struct cfg_device *d, size_t n, struct mp_strbuf *out)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < n; i++) {
		r = mp_strbuf_puts(out, "\tdevice {\n\t\tvendor ");
		if (r == 0)
			r = put_quoted(out, d[i].vendor);
		if (r == 0)
			r = mp_strbuf_puts(out, "\n\t\tproduct ");
		if (r == 0)
			r = put_quoted(out, d[i].product);
		if (r == 0 && d[i].revision) {
			r = mp_strbuf_puts(out, "\n\t\trevision ");
			if (r == 0)
				r = put_quoted(out, d[i].revision);
		}
		if (r == 0 && d[i].product_blacklist) {
			r = mp_strbuf_puts(out, "\n\t\tproduct_blacklist ");
			if (r == 0)
				r = put_quoted(out, d[i].product_blacklist);
		}
		if (r == 0)
			r = mp_strbuf_puts(out, "\n");
		if (r == 0)
			r = dump_fields(&d[i].sc.s, d[i].sc.mask, false, "\t\t", out);
		if (r == 0)
			r = mp_strbuf_puts(out, "\t}\n");
	}
	return r;
}

/* Everything after the defaults section. */
static int dump_after_defaults(const struct mp_config *cfg, bool include_hwtable, struct mp_strbuf *out)
{
	int r = mp_strbuf_puts(out, "devices {\n");

	if (r == 0 && include_hwtable)
		r = dump_devices(cfg->hw, cfg->nhw, out);
	if (r == 0)
		r = dump_devices(cfg->dev, cfg->ndev, out);
	if (r == 0)
		r = mp_strbuf_puts(out, "}\noverrides {\n");
	if (r == 0)
		r = dump_fields(&cfg->overrides.s, cfg->overrides.mask, false, "\t", out);
	for (size_t i = 0; r == 0 && i < cfg->nproto; i++) {
		r = mp_strbuf_puts(out, "\tprotocol {\n\t\ttype ");
		if (r == 0)
			r = put_quoted(out, cfg->proto[i].type);
		if (r == 0)
			r = mp_strbuf_puts(out, "\n");
		if (r == 0)
			r = dump_fields(&cfg->proto[i].sc.s, cfg->proto[i].sc.mask, false, "\t\t", out);
		if (r == 0)
			r = mp_strbuf_puts(out, "\t}\n");
	}
	if (r == 0)
		r = mp_strbuf_puts(out, "}\nmultipaths {\n");
	for (size_t i = 0; r == 0 && i < cfg->nmp; i++) {
		r = mp_strbuf_puts(out, "\tmultipath {\n\t\twwid ");
		if (r == 0)
			r = put_quoted(out, cfg->mp[i].wwid);
		if (r == 0)
			r = mp_strbuf_puts(out, "\n");
		if (r == 0)
			r = dump_fields(&cfg->mp[i].sc.s, cfg->mp[i].sc.mask, false, "\t\t", out);
		if (r == 0)
			r = mp_strbuf_puts(out, "\t}\n");
	}
	if (r == 0)
		r = mp_strbuf_puts(out, "}\n");
	return r;
}

int mp_config_dump(const struct mp_config *cfg, bool include_hwtable, struct mp_strbuf *out)
{
	int r = mp_strbuf_puts(out, "defaults {\n");

	if (r == 0)
		r = dump_fields(&cfg->defaults.s, cfg->defaults.mask, false, "\t", out);
	if (r == 0)
		r = mp_strbuf_puts(out, "}\n");
	return r < 0 ? r : dump_after_defaults(cfg, include_hwtable, out);
}

int mp_config_dump_full(const struct mp_config *cfg, bool include_hwtable, struct mp_strbuf *out)
{
	int r = mp_config_dump_defaults(cfg, out);

	return r < 0 ? r : dump_after_defaults(cfg, include_hwtable, out);
}
