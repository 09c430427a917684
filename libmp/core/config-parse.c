/* The semantic pass: AST -> snapshot. Owns mp_config_parse() and
 * mp_config_free(): it walks the sections, looks every keyword up in the
 * schema (config-keywords.c), parses values with the generic per-type
 * parsers, compiles vendor/product/revision regexes, fills the blacklist and
 * checks cross-entry rules (one multipath entry per WWID, one WWID per
 * alias). The snapshot owns everything it holds: strings live in its pool,
 * regexes in its device entries, the blacklist in cfg->bl; mp_config_free()
 * releases all of it. Diagnostics go to a private list first so that the
 * result (error or not) does not depend on what the caller's list held. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp/blacklist.h"
#include "core/config-internal.h"
#include "util/regex.h"

#define HWTABLE_NAME "<built-in hardware table>"

struct ctx {
	struct mp_config *cfg;
	struct mp_diags *d;
	const char *file;	/* interned */
	bool hwtable;
	int oom;
};

/* What one section body collected besides settings. */
struct body {
	enum cfg_section where;
	struct cfg_scope *scope;	/* NULL where settings are not allowed */
	const char *ident[ID_TYPE + 1];
	unsigned int ident_line[ID_TYPE + 1];
};

static void diag(struct ctx *c, enum mp_diag_severity sev, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void diag(struct ctx *c, enum mp_diag_severity sev, unsigned int line, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0 || mp_cfg_diag(c->d, sev, c->file, line, "%s", msg) < 0)
		c->oom = -ENOMEM;
	if (r >= 0)
		free(msg);
}

char *mp_cfg_intern(struct mp_config *cfg, const char *s)
{
	char *p;

	if (mp_cfg_grow((void **)&cfg->strings, &cfg->capstrings, cfg->nstrings,
			sizeof(*cfg->strings)) < 0)
		return NULL;
	p = strdup(s);
	if (p)
		cfg->strings[cfg->nstrings++] = p;
	return p;
}

static int compile(struct ctx *c, unsigned int line, const char *kw, const char *pat, regex_t *re)
{
	char err[128], pb[80];
	int r;

	r = mp_regex_compile(re, pat, 0, err, sizeof(err));
	if (r == -E2BIG) {
		diag(c, MP_DIAG_ERROR, line, "%s: regex \"%s\" is too long or repeats too much",
		     kw, mp_cfg_printable(pat, pb, sizeof(pb)));
		return -EINVAL;
	}
	if (r < 0) {
		diag(c, MP_DIAG_ERROR, line, "%s: bad regex \"%s\": %s", kw,
		     mp_cfg_printable(pat, pb, sizeof(pb)), err);
		return -EINVAL;
	}
	return 0;
}

static void check_regex(struct ctx *c, unsigned int line, const char *kw, const char *pat)
{
	regex_t re;

	if (compile(c, line, kw, pat, &re) == 0)
		regfree(&re);
}

static void apply_keyword(struct ctx *c, struct body *b, const struct cfg_node *n,
			  const struct cfg_keyword *kw)
{
	char why[256], vb[80];
	int r;

	if (kw->type == KT_IDENT) {
		const char *v = mp_cfg_intern(c->cfg, n->value);

		if (!v) {
			c->oom = -ENOMEM;
			return;
		}
		if (b->ident[kw->ident])
			diag(c, MP_DIAG_WARNING, n->line, "%s given twice in one %s section; "
			     "the last one counts", kw->name, mp_cfg_section_name(b->where));
		b->ident[kw->ident] = v;
		b->ident_line[kw->ident] = n->line;
		return;
	}
	r = mp_cfg_parse_value(c->cfg, kw, n->value, &b->scope->s, why, sizeof(why));
	if (r == -ENOMEM) {
		c->oom = r;
	} else if (r == -EOPNOTSUPP) {
		diag(c, MP_DIAG_WARNING, n->line, "%s: %s", kw->name, why);
	} else if (r < 0) {
		diag(c, MP_DIAG_ERROR, n->line, "%s: invalid value \"%s\": %s", kw->name,
		     mp_cfg_printable(n->value, vb, sizeof(vb)), why);
	} else {
		b->scope->mask |= UINT64_C(1) << kw->setting;
	}
}

static void blacklist_rule(struct ctx *c, bool exc, enum mp_blacklist_kind kind,
			   const char *re1, const char *re2, unsigned int line, const char *kw)
{
	char err[128] = "", pb[80];
	int r;

	if ((re1 && !mp_regex_sane(re1)) || (re2 && !mp_regex_sane(re2))) {
		diag(c, MP_DIAG_ERROR, line, "%s: regex is too long or repeats too much", kw);
		return;
	}
	r = mp_blacklist_add(c->cfg->bl, exc, kind, re1, re2, err, sizeof(err));
	if (r == -ENOMEM)
		c->oom = r;
	else if (r < 0)
		diag(c, MP_DIAG_ERROR, line, "%s: bad regex \"%s\": %s", kw,
		     mp_cfg_printable(re1 ? re1 : re2 ? re2 : "", pb, sizeof(pb)), err);
}

static const struct cfg_section_def *find_section(const char *name, enum cfg_section parent)
{
	for (size_t i = 0; i < mp_cfg_n_sections; i++)
		if (mp_cfg_sections[i].parent == parent && !strcmp(mp_cfg_sections[i].name, name))
			return &mp_cfg_sections[i];
	return NULL;
}

static bool is_section_name(const char *name)
{
	for (size_t i = 0; i < mp_cfg_n_sections; i++)
		if (!strcmp(mp_cfg_sections[i].name, name))
			return true;
	return false;
}

static void unknown(struct ctx *c, const struct cfg_node *n, enum cfg_section where)
{
	const char *s = mp_cfg_suggest(n->key);
	char kb[80];

	mp_cfg_printable(n->key, kb, sizeof(kb));
	if (s)
		diag(c, MP_DIAG_ERROR, n->line, "unknown %s \"%s\" in %s; did you mean \"%s\"?",
		     n->section ? "section" : "keyword", kb, mp_cfg_section_name(where), s);
	else
		diag(c, MP_DIAG_ERROR, n->line, "unknown %s \"%s\" in %s",
		     n->section ? "section" : "keyword", kb, mp_cfg_section_name(where));
}

static void walk(struct ctx *c, const struct cfg_node *sec, enum cfg_section where,
		 struct body *b);

static void finish_device(struct ctx *c, const struct cfg_node *n, struct body *b)
{
	struct cfg_device **list = c->hwtable ? &c->cfg->hw : &c->cfg->dev;
	size_t *cnt = c->hwtable ? &c->cfg->nhw : &c->cfg->ndev;
	size_t *cap = c->hwtable ? &c->cfg->caphw : &c->cfg->capdev;
	static const char *const names[3] = { "vendor", "product", "revision" };
	const enum cfg_ident ids[3] = { ID_VENDOR, ID_PRODUCT, ID_REVISION };
	struct cfg_device dev = { .sc = *b->scope, .file = c->file, .line = n->line };
	bool bad = false;

	if (!b->ident[ID_VENDOR] || !b->ident[ID_PRODUCT]) {
		diag(c, MP_DIAG_ERROR, n->line, "device: entry needs both vendor and product");
		return;
	}
	for (int i = 0; i < 3; i++) {
		if (!b->ident[ids[i]])
			continue;
		if (compile(c, b->ident_line[ids[i]], names[i], b->ident[ids[i]], &dev.re[i]) < 0)
			bad = true;
		else
			dev.has_re[i] = true;
	}
	if (b->ident[ID_PRODUCT_BLACKLIST])
		check_regex(c, b->ident_line[ID_PRODUCT_BLACKLIST], "product_blacklist",
			    b->ident[ID_PRODUCT_BLACKLIST]);
	dev.vendor = (char *)b->ident[ID_VENDOR];
	dev.product = (char *)b->ident[ID_PRODUCT];
	dev.revision = (char *)b->ident[ID_REVISION];
	dev.product_blacklist = (char *)b->ident[ID_PRODUCT_BLACKLIST];
	if (bad || mp_cfg_grow((void **)list, cap, *cnt, sizeof(**list)) < 0) {
		for (int i = 0; i < 3; i++)
			if (dev.has_re[i])
				regfree(&dev.re[i]);
		if (!bad)
			c->oom = -ENOMEM;
		return;
	}
	(*list)[(*cnt)++] = dev;
}

static void finish_multipath(struct ctx *c, const struct cfg_node *n, struct body *b)
{
	struct mp_config *cfg = c->cfg;
	const char *wwid = b->ident[ID_WWID];
	const char *alias = (b->scope->mask & (UINT64_C(1) << MP_SET_ALIAS)) ?
		b->scope->s.alias : NULL;
	char wb[80], ab[80];

	if (!wwid || !wwid[0]) {
		diag(c, MP_DIAG_ERROR, n->line, "multipath: entry needs a wwid");
		return;
	}
	for (size_t i = 0; i < cfg->nmp; i++) {
		const struct cfg_multipath *o = &cfg->mp[i];
		const char *oalias = (o->sc.mask & (UINT64_C(1) << MP_SET_ALIAS)) ?
			o->sc.s.alias : NULL;

		if (!strcmp(o->wwid, wwid)) {
			diag(c, MP_DIAG_ERROR, b->ident_line[ID_WWID],
			     "wwid: duplicate multipath entry for \"%s\" (first at %s:%u)",
			     mp_cfg_printable(wwid, wb, sizeof(wb)), o->file, o->line);
			return;
		}
		if (alias && oalias && !strcmp(alias, oalias)) {
			diag(c, MP_DIAG_ERROR, n->line,
			     "alias: \"%s\" is given to two WWIDs, \"%s\" and \"%s\" (%s:%u)",
			     mp_cfg_printable(alias, ab, sizeof(ab)),
			     mp_cfg_printable(wwid, wb, sizeof(wb)), o->wwid, o->file, o->line);
			return;
		}
	}
	if (mp_cfg_grow((void **)&cfg->mp, &cfg->capmp, cfg->nmp, sizeof(*cfg->mp)) < 0) {
		c->oom = -ENOMEM;
		return;
	}
	cfg->mp[cfg->nmp++] = (struct cfg_multipath) {
		.wwid = (char *)wwid, .sc = *b->scope, .file = c->file, .line = n->line,
	};
}

static void finish_protocol(struct ctx *c, const struct cfg_node *n, struct body *b)
{
	struct mp_config *cfg = c->cfg;

	if (!b->ident[ID_TYPE]) {
		diag(c, MP_DIAG_ERROR, n->line, "protocol: section needs a type");
		return;
	}
	if (mp_cfg_grow((void **)&cfg->proto, &cfg->capproto, cfg->nproto,
			sizeof(*cfg->proto)) < 0) {
		c->oom = -ENOMEM;
		return;
	}
	cfg->proto[cfg->nproto++] = (struct cfg_protocol) {
		.type = (char *)b->ident[ID_TYPE], .sc = *b->scope,
	};
}

static void enter(struct ctx *c, const struct cfg_node *n, enum cfg_section parent,
		  enum cfg_section self)
{
	struct cfg_scope scope = { .mask = 0 };
	struct body b = { .where = self, .scope = NULL };

	if (n->value) {
		char vb[80];

		diag(c, MP_DIAG_ERROR, n->line, "%s: a section takes no value (got \"%s\")",
		     n->key, mp_cfg_printable(n->value, vb, sizeof(vb)));
	}
	if (c->hwtable && self != SEC_DEVICES && self != SEC_DEVICE) {
		diag(c, MP_DIAG_ERROR, n->line, "%s: only devices belong in the hardware table",
		     n->key);
		return;
	}
	switch (self) {
	case SEC_DEFAULTS:
		b.scope = &c->cfg->defaults;
		break;
	case SEC_OVERRIDES:
		b.scope = &c->cfg->overrides;
		break;
	case SEC_DEVICE:
	case SEC_MULTIPATH:
	case SEC_PROTOCOL:
		mp_cfg_builtin_defaults(&scope.s);
		b.scope = &scope;
		break;
	default:
		break;
	}
	walk(c, n, self, &b);
	if (self == SEC_DEVICE)
		finish_device(c, n, &b);
	else if (self == SEC_MULTIPATH)
		finish_multipath(c, n, &b);
	else if (self == SEC_PROTOCOL)
		finish_protocol(c, n, &b);
	else if (self == SEC_BL_DEVICE) {
		if (!b.ident[ID_VENDOR] && !b.ident[ID_PRODUCT])
			diag(c, MP_DIAG_ERROR, n->line, "device: blacklist entry needs a vendor or product");
		else
			blacklist_rule(c, parent == SEC_BLACKLIST_EXC, MP_BL_DEVICE,
				       b.ident[ID_VENDOR], b.ident[ID_PRODUCT], n->line, "device");
	}
}

static void statement(struct ctx *c, const struct cfg_node *n, enum cfg_section where,
		      struct body *b)
{
	const struct cfg_keyword *kw = mp_cfg_keyword_find(n->key);
	const struct cfg_legacy *lg;

	if (find_section(n->key, where)) {
		diag(c, MP_DIAG_ERROR, n->line, "%s: section needs a { } body", n->key);
		return;
	}
	if (kw) {
		if (!(kw->sections & SECBIT(where))) {
			diag(c, MP_DIAG_ERROR, n->line, "%s: keyword not allowed in %s", kw->name,
			     mp_cfg_section_name(where));
			return;
		}
		if (!n->value) {
			diag(c, MP_DIAG_ERROR, n->line, "%s: missing value", kw->name);
			return;
		}
		if (where == SEC_BLACKLIST || where == SEC_BLACKLIST_EXC) {
			static const enum mp_blacklist_kind kinds[] = {
				[ID_WWID] = MP_BL_WWID, [ID_DEVNODE] = MP_BL_DEVNODE,
				[ID_PROPERTY] = MP_BL_PROPERTY, [ID_PROTOCOL] = MP_BL_PROTOCOL,
			};

			blacklist_rule(c, where == SEC_BLACKLIST_EXC, kinds[kw->ident], n->value,
				       NULL, n->line, kw->name);
			return;
		}
		apply_keyword(c, b, n, kw);
		return;
	}
	lg = mp_cfg_legacy_find(n->key);
	if (lg) {
		if (where == SEC_TOP)
			diag(c, MP_DIAG_ERROR, n->line, "%s: keyword not allowed at top level", lg->name);
		else
			diag(c, MP_DIAG_WARNING, n->line, "%s: %s", lg->name, lg->note);
		return;
	}
	unknown(c, n, where);
}

static void walk(struct ctx *c, const struct cfg_node *sec, enum cfg_section where,
		 struct body *b)
{
	for (size_t i = 0; i < sec->n && !c->oom; i++) {
		const struct cfg_node *n = &sec->children[i];
		const struct cfg_section_def *def;

		if (!n->section) {
			statement(c, n, where, b);
			continue;
		}
		def = find_section(n->key, where);
		if (def)
			enter(c, n, where, def->self);
		else if (mp_cfg_keyword_find(n->key) || mp_cfg_legacy_find(n->key) ||
			 is_section_name(n->key))
			diag(c, MP_DIAG_ERROR, n->line, "%s: section not allowed in %s", n->key,
			     mp_cfg_section_name(where));
		else
			unknown(c, n, where);
	}
}

static int parse_one(struct mp_config *cfg, struct mp_diags *d, const char *name,
		     const char *text, size_t len, bool hwtable)
{
	struct cfg_node root = { .key = NULL };
	struct ctx c = { .cfg = cfg, .d = d, .hwtable = hwtable };
	int r;

	c.file = mp_cfg_intern(cfg, name ? name : "<config>");
	if (!c.file)
		return -ENOMEM;
	r = mp_cfg_build_ast(c.file, text, len, &root, d);
	if (r == 0) {
		walk(&c, &root, SEC_TOP, NULL);
		r = c.oom;
	}
	mp_cfg_node_release(&root);
	return r;
}

void mp_config_free(struct mp_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->nhw; i++)
		for (int j = 0; j < 3; j++)
			if (cfg->hw[i].has_re[j])
				regfree(&cfg->hw[i].re[j]);
	for (size_t i = 0; i < cfg->ndev; i++)
		for (int j = 0; j < 3; j++)
			if (cfg->dev[i].has_re[j])
				regfree(&cfg->dev[i].re[j]);
	free(cfg->hw);
	free(cfg->dev);
	free(cfg->proto);
	free(cfg->mp);
	mp_blacklist_free(cfg->bl);
	for (size_t i = 0; i < cfg->nstrings; i++)
		free(cfg->strings[i]);
	free(cfg->strings);
	free(cfg);
}

/* Moves every diagnostic from src to the end of dst (dst may be NULL). */
static int diags_move(struct mp_diags *dst, struct mp_diags *src)
{
	int r = 0;

	for (size_t i = 0; dst && i < src->n; i++) {
		if (mp_cfg_grow((void **)&dst->items, &dst->cap, dst->n, sizeof(*dst->items)) < 0) {
			r = -ENOMEM;
			break;
		}
		dst->items[dst->n++] = src->items[i];
		src->items[i].file = src->items[i].message = NULL;
	}
	mp_diags_release(src);
	return r;
}

int mp_config_parse(const struct mp_config_source *srcs, size_t n,
		    struct mp_diags *diags, struct mp_config **ret)
{
	struct mp_diags local = MP_DIAGS_INIT;
	struct mp_config *cfg;
	const char *hw = mp_config_hwtable_text();
	size_t errors;
	int r;

	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return -ENOMEM;
	mp_cfg_builtin_defaults(&cfg->defaults.s);
	mp_cfg_builtin_defaults(&cfg->overrides.s);
	r = mp_blacklist_new(&cfg->bl);
	if (r == 0)
		r = mp_blacklist_add_builtin(cfg->bl);
	if (r == 0)
		r = parse_one(cfg, &local, HWTABLE_NAME, hw, strlen(hw), true);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = parse_one(cfg, &local, srcs[i].name, srcs[i].text ? srcs[i].text : "",
			      srcs[i].text ? srcs[i].len : 0, false);
	errors = mp_diags_count(&local, MP_DIAG_ERROR);
	if (diags_move(diags, &local) < 0 && r == 0)
		r = -ENOMEM;
	if (r == 0 && errors > 0)
		r = -EINVAL;
	if (r < 0) {
		mp_config_free(cfg);
		return r;
	}
	*ret = cfg;
	return 0;
}

int mp_config_find_config_dir(const char *text, size_t len, char **ret)
{
	struct cfg_node root = { .key = NULL };
	const char *dir = "/etc/multipath/conf.d";
	char *p;
	int r;

	/* syntax errors are the full parse's business; ignore them here */
	r = mp_cfg_build_ast("", text, len, &root, NULL);
	for (size_t i = 0; r == 0 && i < root.n; i++) {
		const struct cfg_node *sec = &root.children[i];

		if (!sec->section || strcmp(sec->key, "defaults"))
			continue;
		for (size_t j = 0; j < sec->n; j++)
			if (!sec->children[j].section && sec->children[j].value &&
			    !strcmp(sec->children[j].key, "config_dir"))
				dir = sec->children[j].value;
	}
	p = r == 0 ? strdup(dir) : NULL;
	mp_cfg_node_release(&root);
	if (!p)
		return -ENOMEM;
	*ret = p;
	return 0;
}
