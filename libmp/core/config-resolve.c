/* Effective settings, resolved in one place. Owns the precedence rule
 *   built-in default < defaults < hwtable < devices < overrides < multipaths
 * and the origin recorded for every value. Reads the snapshot only; the
 * resolved struct borrows the snapshot's strings (see mp_settings). */
#include <errno.h>
#include <string.h>

#include "core/config-internal.h"

static size_t field_size(enum kw_type t)
{
	switch (t) {
	case KT_UINT:
	case KT_DEV_LOSS:
	case KT_MARGINAL:
		return sizeof(unsigned int);
	case KT_BOOL:
		return sizeof(bool);
	case KT_STRING:
	case KT_PATH:
	case KT_SELECTOR:
	case KT_SHARES:
	case KT_FEATURES:
	case KT_HWHANDLER:
	case KT_ALIAS:
		return sizeof(const char *);
	case KT_PGPOLICY:
		return sizeof(enum mp_pgpolicy);
	case KT_CHECKER:
		return sizeof(enum mp_checker_kind);
	case KT_PRIO:
		return sizeof(enum mp_prio_kind);
	case KT_FAILBACK:
		return sizeof(struct mp_failback);
	case KT_NPR:
		return sizeof(struct mp_no_path_retry);
	case KT_RR_WEIGHT:
		return sizeof(enum mp_rr_weight);
	case KT_FINDMP:
		return sizeof(enum mp_find_multipaths);
	case KT_FLUSH:
		return sizeof(enum mp_flush_on_last_del);
	case KT_FAST_IO_FAIL:
	case KT_SIGNED:
		return sizeof(int);
	case KT_IDENT:
		break;
	}
	return 0;
}

void mp_cfg_scope_apply(const struct cfg_scope *sc, enum mp_origin o, struct mp_settings *s)
{
	for (size_t i = 0; i < mp_cfg_n_keywords; i++) {
		const struct cfg_keyword *kw = &mp_cfg_keywords[i];

		if (kw->setting < 0 || !(sc->mask & (UINT64_C(1) << kw->setting)))
			continue;
		memcpy((char *)s + kw->offset, (const char *)&sc->s + kw->offset,
		       field_size(kw->type));
		s->origin[kw->setting] = o;
	}
}

void mp_config_defaults(const struct mp_config *cfg, struct mp_settings *ret)
{
	struct mp_settings s;

	mp_cfg_builtin_defaults(&s);
	mp_cfg_scope_apply(&cfg->defaults, MP_ORIGIN_DEFAULTS, &s);
	/* documented as 4 * polling_interval unless set */
	if (s.origin[MP_SET_MAX_POLLING_INTERVAL] == MP_ORIGIN_DEFAULT)
		s.max_polling_interval = 4 * s.polling_interval;
	*ret = s;
}

static bool pat_match(const regex_t *re, bool has, const char *s)
{
	return has && s && regexec(re, s, 0, NULL, 0) == 0;
}

static bool device_matches(const struct cfg_device *d, const struct mp_device_ident *id)
{
	if (!pat_match(&d->re[0], d->has_re[0], id->vendor) ||
	    !pat_match(&d->re[1], d->has_re[1], id->product))
		return false;
	/* a revision pattern narrows the entry; without one any revision fits */
	return !d->has_re[2] || pat_match(&d->re[2], true, id->revision);
}

/* "scsi:fcp" matches type "scsi:fcp"; a bare "scsi" matches every scsi:*. */
static bool protocol_matches(const char *type, const char *proto)
{
	size_t l;

	if (!proto)
		return false;
	if (!strcmp(type, proto))
		return true;
	l = strlen(type);
	return !strchr(type, ':') && !strncmp(type, proto, l) && proto[l] == ':';
}

void mp_config_resolve(const struct mp_config *cfg, const struct mp_device_ident *id,
		       struct mp_settings *ret)
{
	struct mp_settings s;

	mp_config_defaults(cfg, &s);
	/* later entries win: built-in first, then the user's in file order */
	for (size_t i = 0; i < cfg->nhw; i++)
		if (device_matches(&cfg->hw[i], id))
			mp_cfg_scope_apply(&cfg->hw[i].sc, MP_ORIGIN_HWTABLE, &s);
	for (size_t i = 0; i < cfg->ndev; i++)
		if (device_matches(&cfg->dev[i], id))
			mp_cfg_scope_apply(&cfg->dev[i].sc, MP_ORIGIN_DEVICES, &s);
	mp_cfg_scope_apply(&cfg->overrides, MP_ORIGIN_OVERRIDES, &s);
	for (size_t i = 0; i < cfg->nproto; i++)
		if (protocol_matches(cfg->proto[i].type, id->protocol))
			mp_cfg_scope_apply(&cfg->proto[i].sc, MP_ORIGIN_OVERRIDES, &s);
	for (size_t i = 0; id->wwid && i < cfg->nmp; i++)
		if (!strcmp(cfg->mp[i].wwid, id->wwid))
			mp_cfg_scope_apply(&cfg->mp[i].sc, MP_ORIGIN_MULTIPATHS, &s);
	*ret = s;
}

const struct mp_blacklist *mp_config_blacklist(const struct mp_config *cfg)
{
	return cfg->bl;
}

int mp_config_find_multipath(const struct mp_config *cfg, const char *wwid,
			     const char **ret_alias)
{
	for (size_t i = 0; wwid && i < cfg->nmp; i++) {
		if (strcmp(cfg->mp[i].wwid, wwid))
			continue;
		*ret_alias = (cfg->mp[i].sc.mask & (UINT64_C(1) << MP_SET_ALIAS)) ?
			cfg->mp[i].sc.s.alias : NULL;
		return 0;
	}
	return -ENOENT;
}

size_t mp_config_n_devices(const struct mp_config *cfg)
{
	return cfg->ndev;
}

size_t mp_config_n_multipaths(const struct mp_config *cfg)
{
	return cfg->nmp;
}
