/* Blacklist and blacklist_exceptions (mp/blacklist.h).
 *
 * Owns: one struct mp_blacklist = two growable arrays of rules (index 0 the
 * blacklist, index 1 the exceptions). Each rule owns its compiled regexes
 * and a copy of their source text (kept for the reasons we hand back).
 * mp_blacklist_free() releases everything; the caller owns the input
 * strings it passes to add/check.
 *
 * Decision, kind by kind, as multipath.conf(5) documents it: for each of
 * property, devnode, device, protocol and wwid in turn, an exception of
 * that kind excuses the device from that kind's blacklist rules only;
 * otherwise the first matching blacklist rule of that kind -> EXCLUDED.
 * Exceptions do not cross kinds, so "blacklist { devnode sda }" is not
 * undone by a wwid exception: existing configs keep their meaning.
 * Property exceptions are a required-property list: when any exist and the
 * caller knows the device's properties, a device with none matching is
 * EXCLUDED. A device no rule excludes is EXCEPTED when some non-property
 * exception matched it (a useful reason to log), else ALLOWED.
 *
 * A regex beginning with '!' is negated: the rule matches a known field the
 * rest of the regex does not match. Unknown (NULL) fields match nothing,
 * negated or not, so a missing attribute never excludes a device by itself.
 */
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp/blacklist.h"
#include "util/cleanup.h"
#include "util/regex.h"

struct bl_regex {
	bool present;
	bool negate;
	char *src;		/* as given, including any leading '!' */
	regex_t re;
};

struct bl_rule {
	enum mp_blacklist_kind kind;
	struct bl_regex r1;	/* the only regex; vendor for MP_BL_DEVICE */
	struct bl_regex r2;	/* product for MP_BL_DEVICE */
};

struct bl_list {
	struct bl_rule *v;
	size_t n, cap;
};

struct mp_blacklist {
	struct bl_list lists[2];	/* [0] blacklist, [1] exceptions */
};

static const char *const kind_names[_MP_BL_KIND_MAX] = {
	[MP_BL_DEVNODE] = "devnode",
	[MP_BL_WWID] = "wwid",
	[MP_BL_DEVICE] = "device",
	[MP_BL_PROPERTY] = "property",
	[MP_BL_PROTOCOL] = "protocol",
};

const char *mp_blacklist_kind_to_string(enum mp_blacklist_kind k)
{
	if ((unsigned int)k >= _MP_BL_KIND_MAX)
		return NULL;
	return kind_names[k];
}

int mp_blacklist_new(struct mp_blacklist **ret)
{
	struct mp_blacklist *bl;

	if (!ret)
		return -EINVAL;
	bl = calloc(1, sizeof(*bl));
	if (!bl)
		return -ENOMEM;
	*ret = bl;
	return 0;
}

static void regex_release(struct bl_regex *r)
{
	if (!r->present)
		return;
	regfree(&r->re);
	free(r->src);
	r->present = false;
	r->src = NULL;
}

void mp_blacklist_free(struct mp_blacklist *bl)
{
	if (!bl)
		return;
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < bl->lists[l].n; i++) {
			regex_release(&bl->lists[l].v[i].r1);
			regex_release(&bl->lists[l].v[i].r2);
		}
		free(bl->lists[l].v);
	}
	free(bl);
}

static int regex_init(struct bl_regex *r, const char *src, char *errbuf, size_t errlen)
{
	const char *pattern = src;
	int rc;

	r->negate = src[0] == '!';
	if (r->negate)
		pattern++;
	rc = mp_regex_compile(&r->re, pattern, 0, errbuf, errlen);
	if (rc < 0)
		return rc == -ENOMEM ? rc : -EINVAL;
	r->src = strdup(src);
	if (!r->src) {
		regfree(&r->re);
		return -ENOMEM;
	}
	r->present = true;
	return 0;
}

static int list_grow(struct bl_list *l)
{
	struct bl_rule *v;
	size_t cap;

	if (l->n < l->cap)
		return 0;
	cap = l->cap ? l->cap * 2 : 8;
	v = reallocarray(l->v, cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	l->cap = cap;
	return 0;
}

int mp_blacklist_add(struct mp_blacklist *bl, bool exception,
		     enum mp_blacklist_kind kind, const char *re1, const char *re2,
		     char *errbuf, size_t errlen)
{
	struct bl_list *l;
	struct bl_rule rule = { .kind = kind };
	int r;

	if (errbuf && errlen > 0)
		errbuf[0] = '\0';
	if (!bl || (unsigned int)kind >= _MP_BL_KIND_MAX)
		return -EINVAL;
	if (kind == MP_BL_DEVICE ? (!re1 && !re2) : (!re1 || re2)) {
		if (errbuf && errlen > 0)
			snprintf(errbuf, errlen, "%s rule needs %s",
				 kind_names[kind],
				 kind == MP_BL_DEVICE ? "a vendor or product regex"
						      : "exactly one regex");
		return -EINVAL;
	}
	l = &bl->lists[exception ? 1 : 0];
	r = list_grow(l);
	if (r < 0)
		return r;
	if (re1) {
		r = regex_init(&rule.r1, re1, errbuf, errlen);
		if (r < 0)
			return r;
	}
	if (re2) {
		r = regex_init(&rule.r2, re2, errbuf, errlen);
		if (r < 0) {
			regex_release(&rule.r1);
			return r;
		}
	}
	l->v[l->n++] = rule;
	return 0;
}

/* A present regex against a field: unknown fields never match. */
static bool regex_matches(const struct bl_regex *r, const char *field)
{
	bool hit;

	if (!field)
		return false;
	hit = regexec(&r->re, field, 0, NULL, 0) == 0;
	return r->negate ? !hit : hit;
}

/* For MP_BL_PROPERTY: index of the first property the rule matches, or -1. */
static int property_match(const struct bl_rule *rule, const char *const *props)
{
	if (!props)
		return -1;
	for (int i = 0; props[i]; i++)
		if (regex_matches(&rule->r1, props[i]))
			return i;
	return -1;
}

static bool rule_matches(const struct bl_rule *rule, const struct mp_blacklist_input *in)
{
	switch (rule->kind) {
	case MP_BL_DEVNODE:
		return regex_matches(&rule->r1, in->devnode);
	case MP_BL_WWID:
		return regex_matches(&rule->r1, in->wwid);
	case MP_BL_PROTOCOL:
		return regex_matches(&rule->r1, in->protocol);
	case MP_BL_PROPERTY:
		return property_match(rule, in->properties) >= 0;
	case MP_BL_DEVICE:
		if (rule->r1.present && !regex_matches(&rule->r1, in->vendor))
			return false;
		if (rule->r2.present && !regex_matches(&rule->r2, in->product))
			return false;
		return true;
	default:
		return false;
	}
}

static void write_reason(char *reason, size_t len, const struct bl_rule *rule,
			 const char *list)
{
	if (!reason || len == 0)
		return;
	if (!rule) {
		snprintf(reason, len, "%s", list);
		return;
	}
	if (rule->kind == MP_BL_DEVICE)
		snprintf(reason, len, "device \"%s\" \"%s\" (%s)",
			 rule->r1.present ? rule->r1.src : "",
			 rule->r2.present ? rule->r2.src : "", list);
	else
		snprintf(reason, len, "%s \"%s\" (%s)", kind_names[rule->kind],
			 rule->r1.src, list);
}

static bool list_has_kind(const struct bl_list *l, enum mp_blacklist_kind kind)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == kind)
			return true;
	return false;
}

static const struct bl_rule *list_match(const struct bl_list *l, enum mp_blacklist_kind kind,
				       const struct mp_blacklist_input *in)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == kind && rule_matches(&l->v[i], in))
			return &l->v[i];
	return NULL;
}

enum mp_blacklist_verdict mp_blacklist_check(const struct mp_blacklist *bl,
					     const struct mp_blacklist_input *in,
					     char *reason, size_t reasonlen)
{
	static const enum mp_blacklist_kind order[] = {
		MP_BL_PROPERTY, MP_BL_DEVNODE, MP_BL_DEVICE, MP_BL_PROTOCOL, MP_BL_WWID,
	};
	const struct bl_list *bls, *exc;
	const struct bl_rule *excused_by = NULL;

	if (reason && reasonlen > 0)
		reason[0] = '\0';
	if (!bl || !in) {
		write_reason(reason, reasonlen, NULL, "no blacklist");
		return MP_BL_ALLOWED;
	}
	bls = &bl->lists[0];
	exc = &bl->lists[1];

	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		const struct bl_rule *e = list_match(exc, order[k], in);
		const struct bl_rule *b;

		if (e) {
			if (!excused_by && e->kind != MP_BL_PROPERTY)
				excused_by = e;
			continue;
		}
		b = list_match(bls, order[k], in);
		if (b) {
			write_reason(reason, reasonlen, b, "blacklist");
			return MP_BL_EXCLUDED;
		}
		if (order[k] == MP_BL_PROPERTY && in->properties &&
		    list_has_kind(exc, MP_BL_PROPERTY)) {
			write_reason(reason, reasonlen, NULL,
				     "property: no udev property matches blacklist_exceptions");
			return MP_BL_EXCLUDED;
		}
	}
	if (excused_by) {
		write_reason(reason, reasonlen, excused_by, "exception");
		return MP_BL_EXCEPTED;
	}
	write_reason(reason, reasonlen, NULL, "no rule matched");
	return MP_BL_ALLOWED;
}

/* Why each built-in entry exists:
 *  - only disk-like nodes multipath can drive (SCSI disks, DASD, NVMe
 *    namespaces) are candidates at all: the negated devnode rule;
 *  - NVMe controller-path nodes (nvme0c1n1) are the kernel's own
 *    native-multipath legs and RAM/loop/md/dm/optical/tape nodes are never
 *    paths, listed explicitly so they stay excluded even if an admin adds a
 *    devnode exception that is too broad;
 *  - array "access" LUNs (LSI/NetApp "Universal Xport", EMC "LUNZ") answer
 *    INQUIRY but reject I/O, so mapping them only produces failed paths;
 *  - the property exception: a device without a stable udev identity
 *    (no SCSI_IDENT_* or ID_WWN) cannot be mapped by WWID reliably. */
int mp_blacklist_add_builtin(struct mp_blacklist *bl)
{
	static const struct {
		bool exception;
		enum mp_blacklist_kind kind;
		const char *re1, *re2;
	} builtin[] = {
		{ false, MP_BL_DEVNODE, "!^(sd[a-z]|dasd[a-z]|nvme[0-9])", NULL },
		{ false, MP_BL_DEVNODE,
		  "^(ram|zram|loop|fd|md|dm-|sr|scd|st|dcssblk|nbd|rbd|pmem|vd|xvd)[0-9]*", NULL },
		{ false, MP_BL_DEVNODE, "^nvme[0-9]+c[0-9]+n[0-9]+", NULL },
		{ false, MP_BL_DEVICE, ".*", "Universal Xport" },
		{ false, MP_BL_DEVICE, "^DGC", "LUNZ" },
		{ true, MP_BL_PROPERTY, "(SCSI_IDENT_|ID_WWN)", NULL },
	};

	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		int r = mp_blacklist_add(bl, builtin[i].exception, builtin[i].kind,
					 builtin[i].re1, builtin[i].re2, NULL, 0);
		if (r < 0)
			return r;
	}
	return 0;
}
