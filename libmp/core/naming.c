/* Map name choice and the pieces the bindings and wwids parsers share:
 * diagnostics, alias/WWID validation, the text check and the friendly-name
 * sequence (bijective base 26 after a prefix).
 *
 * Pure: no I/O. mp_naming_choose returns a malloc'ed name the caller frees;
 * diagnostics arrays belong to the caller's struct mp_naming_diags and are
 * freed by mp_naming_diags_release. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp/naming.h"
#include "util/macros.h"

/* Suffixes longer than this cannot be decoded without overflowing an
 * unsigned long on 32-bit hosts either; nobody has 26^12 maps. */
#define SUFFIX_MAX 12

void mp_naming_diags_release(struct mp_naming_diags *d)
{
	if (!d)
		return;
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

int mp_naming_diags_add(struct mp_naming_diags *d, unsigned int line, int error,
			const char *fmt, ...)
{
	struct mp_naming_diag *v;
	va_list ap;

	if (!d)
		return 0;
	v = realloc(d->v, (d->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	d->v = v;
	v = &d->v[d->n++];
	v->line = line;
	v->error = error;
	va_start(ap, fmt);
	vsnprintf(v->msg, sizeof(v->msg), fmt, ap);
	va_end(ap);
	return 0;
}

/* Deliberately narrower than "any non-space": an alias becomes a dm name and
 * a /dev/mapper entry, and appears unquoted in configs and scripts. */
static bool alias_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("-_.:+@=", c));
}

bool mp_naming_alias_valid(const char *alias)
{
	size_t n;

	if (!alias)
		return false;
	n = strlen(alias);
	if (n == 0 || n > MP_ALIAS_MAX || !strcmp(alias, ".") || !strcmp(alias, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alias_char_ok(alias[i]))
			return false;
	return true;
}

/* WWIDs come from VPD pages and vendor strings, so allow any printable ASCII
 * except what the two file formats use as syntax. */
bool mp_naming_wwid_valid(const char *wwid)
{
	size_t n;

	if (!wwid)
		return false;
	n = strlen(wwid);
	if (n == 0 || n > MP_WWID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)wwid[i];

		if (c <= ' ' || c >= 0x7f || c == '#' || c == '/')
			return false;
	}
	return true;
}

int mp_naming_check_text(const char *buf, size_t len, struct mp_naming_diags *diags)
{
	unsigned int line = 1;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n') {
			line++;
			continue;
		}
		if ((c < ' ' && c != '\t' && c != '\r' && c != '\v' && c != '\f') || c == 0x7f) {
			int r = mp_naming_diags_add(diags, line, -EBADMSG,
						    "control byte 0x%02x at offset %zu: not a text file",
						    c, i);
			return r < 0 ? r : -EBADMSG;
		}
	}
	return 0;
}

static bool prefix_valid(const char *prefix)
{
	/* An empty prefix would make bare "a", "b" names; allowed by the
	 * incumbent but a trap, since they collide with anything short. */
	return mp_naming_alias_valid(prefix);
}

int mp_naming_alias_for_index(const char *prefix, unsigned long index, char **ret_alias)
{
	char suffix[32];
	size_t n = 0, plen;
	char *s;

	if (!prefix)
		prefix = MP_ALIAS_PREFIX_DEFAULT;
	if (index == 0 || !prefix_valid(prefix))
		return -EINVAL;
	/* Bijective base 26: digits 1..26 map to a..z, no zero digit, so every
	 * positive index has exactly one spelling and "aa" follows "z". */
	while (index > 0) {
		index--;
		suffix[n++] = (char)('a' + index % 26);
		index /= 26;
	}
	plen = strlen(prefix);
	if (plen + n > MP_ALIAS_MAX)
		return -ERANGE;
	s = malloc(plen + n + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, prefix, plen);
	for (size_t i = 0; i < n; i++)
		s[plen + i] = suffix[n - 1 - i];
	s[plen + n] = '\0';
	*ret_alias = s;
	return 0;
}

int mp_naming_alias_index(const char *prefix, const char *alias, unsigned long *ret_index)
{
	unsigned long v = 0;
	size_t plen, n;

	if (!prefix)
		prefix = MP_ALIAS_PREFIX_DEFAULT;
	if (!alias)
		return -EINVAL;
	plen = strlen(prefix);
	if (strncmp(alias, prefix, plen) != 0)
		return -EINVAL;
	alias += plen;
	n = strlen(alias);
	if (n == 0 || n > SUFFIX_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (alias[i] < 'a' || alias[i] > 'z')
			return -EINVAL;
		v = v * 26 + (unsigned long)(alias[i] - 'a' + 1);
	}
	*ret_index = v;
	return 0;
}

static const char *const name_source_table[_MP_NAME_SOURCE_MAX] = {
	[MP_NAME_CONFIG_ALIAS] = "config alias",
	[MP_NAME_BINDING] = "binding",
	[MP_NAME_NEW_BINDING] = "new binding",
	[MP_NAME_WWID] = "wwid",
	[MP_NAME_WWID_FALLBACK] = "wwid fallback",
};

const char *mp_name_source_to_string(enum mp_name_source v)
{
	if ((unsigned int)v >= ELEMENTSOF(name_source_table))
		return NULL;
	return name_source_table[v];
}

static bool reserved_by_other(const struct mp_naming_input *in, const char *alias)
{
	for (size_t i = 0; i < in->n_reserved; i++)
		if (in->reserved[i] && !strcmp(in->reserved[i], alias))
			return true;
	return false;
}

/* Order of precedence, as administrators know it from multipath-tools:
 * an explicit alias beats everything; then friendly names from the bindings
 * table; else the WWID itself. A binding whose alias the config now gives to
 * another WWID is not used (two maps must never share a name), and we fall
 * back to the WWID rather than silently rebinding, so the administrator sees
 * the conflict and resolves it. */
int mp_naming_choose(const struct mp_naming_input *in, struct mp_bindings *bindings,
		     char **ret_name, enum mp_name_source *ret_source)
{
	enum mp_name_source source;
	const char *name;
	char *dup;
	int r;

	if (!in || !mp_naming_wwid_valid(in->wwid))
		return -EINVAL;
	if (in->config_alias) {
		if (!mp_naming_alias_valid(in->config_alias))
			return -EINVAL;
		name = in->config_alias;
		source = MP_NAME_CONFIG_ALIAS;
	} else if (!in->user_friendly_names) {
		name = in->wwid;
		source = MP_NAME_WWID;
	} else if (!bindings) {
		name = in->wwid;
		source = MP_NAME_WWID_FALLBACK;
	} else {
		name = mp_bindings_lookup_wwid(bindings, in->wwid);
		if (name && reserved_by_other(in, name)) {
			name = in->wwid;
			source = MP_NAME_WWID_FALLBACK;
		} else if (name) {
			source = MP_NAME_BINDING;
		} else {
			r = mp_bindings_allocate(bindings, in->wwid, in->alias_prefix,
						 in->reserved, in->n_reserved, &name);
			if (r < 0)
				return r;
			source = MP_NAME_NEW_BINDING;
		}
	}
	dup = strdup(name);
	if (!dup)
		return -ENOMEM;
	*ret_name = dup;
	*ret_source = source;
	return 0;
}
