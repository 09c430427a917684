/* The bindings table: parse, look up, allocate friendly names, format.
 *
 * Owns every string it holds. The table is an array of lines in file order;
 * each is either a binding (alias + wwid) or a preserved line (raw text kept
 * byte for byte because it was malformed or conflicting, plus its first word
 * so that allocation never reuses it). Invariants: among bindings, aliases
 * are unique and WWIDs are unique. Comment and blank lines are not stored.
 * mp_bindings_free frees everything; pointers returned by lookups stay valid
 * until the table changes.
 *
 * Two hash indexes (alias -> line, wwid -> line) cover the binding lines,
 * so parsing a file of N lines costs O(N), not O(N^2): sites with 10,000
 * LUNs exist, and the file is re-read under the lock for every new map.
 * Bindings are never removed, so the indexes need no tombstones. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mp/naming.h"
#include "mp/strbuf.h"
#include "util/cleanup.h"
#include "util/strindex.h"
#include "util/text.h"

enum bline_kind {
	BLINE_BINDING,
	BLINE_PRESERVED,
};

struct bline {
	enum bline_kind kind;
	char *alias;	/* binding alias, or first word of a preserved line (may be NULL) */
	char *wwid;	/* BLINE_BINDING only */
	char *raw;	/* BLINE_PRESERVED only */
};

struct mp_bindings {
	struct bline *v;
	size_t n, cap;
	struct mp_strindex by_alias, by_wwid;	/* binding lines only */
};

static const char header[] =
	"# Multipath bindings: one \"alias wwid\" pair per line.\n"
	"# Maintained by the multipath tools; edit only while they are stopped.\n"
	"# Lines they cannot parse are kept as they are and reported.\n"
	"#\n";

static const char *alias_at(const void *ctx, size_t pos)
{
	return ((const struct mp_bindings *)ctx)->v[pos].alias;
}

static const char *wwid_at(const void *ctx, size_t pos)
{
	return ((const struct mp_bindings *)ctx)->v[pos].wwid;
}

int mp_bindings_new(struct mp_bindings **ret)
{
	struct mp_bindings *b = calloc(1, sizeof(*b));

	if (!b)
		return -ENOMEM;
	mp_strindex_init(&b->by_alias, alias_at, b);
	mp_strindex_init(&b->by_wwid, wwid_at, b);
	*ret = b;
	return 0;
}

void mp_bindings_free(struct mp_bindings *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].alias);
		free(b->v[i].wwid);
		free(b->v[i].raw);
	}
	free(b->v);
	mp_strindex_release(&b->by_alias);
	mp_strindex_release(&b->by_wwid);
	free(b);
}

/* Takes ownership of the strings in l, on success only. */
static int push_line(struct mp_bindings *b, const struct bline *l)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct bline *v = realloc(b->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = *l;
	return 0;
}

static const struct bline *find_binding_by_wwid(const struct mp_bindings *b, const char *wwid)
{
	size_t pos;

	return mp_strindex_find(&b->by_wwid, wwid, &pos) ? &b->v[pos] : NULL;
}

static const struct bline *find_binding_by_alias(const struct mp_bindings *b, const char *alias)
{
	size_t pos;

	return mp_strindex_find(&b->by_alias, alias, &pos) ? &b->v[pos] : NULL;
}

const char *mp_bindings_lookup_wwid(const struct mp_bindings *b, const char *wwid)
{
	const struct bline *l;

	if (!b || !wwid)
		return NULL;
	l = find_binding_by_wwid(b, wwid);
	return l ? l->alias : NULL;
}

const char *mp_bindings_lookup_alias(const struct mp_bindings *b, const char *alias)
{
	const struct bline *l;

	if (!b || !alias)
		return NULL;
	l = find_binding_by_alias(b, alias);
	return l ? l->wwid : NULL;
}

bool mp_bindings_alias_taken(const struct mp_bindings *b, const char *alias)
{
	if (!b || !alias)
		return false;
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].alias && !strcmp(b->v[i].alias, alias))
			return true;
	return false;
}

size_t mp_bindings_count(const struct mp_bindings *b)
{
	size_t n = 0;

	for (size_t i = 0; b && i < b->n; i++)
		n += b->v[i].kind == BLINE_BINDING;
	return n;
}

size_t mp_bindings_preserved_count(const struct mp_bindings *b)
{
	size_t n = 0;

	for (size_t i = 0; b && i < b->n; i++)
		n += b->v[i].kind == BLINE_PRESERVED;
	return n;
}

int mp_bindings_get(const struct mp_bindings *b, size_t i, const char **ret_alias,
		    const char **ret_wwid)
{
	for (size_t k = 0; b && k < b->n; k++) {
		if (b->v[k].kind != BLINE_BINDING)
			continue;
		if (i-- == 0) {
			*ret_alias = b->v[k].alias;
			*ret_wwid = b->v[k].wwid;
			return 0;
		}
	}
	return -ENOENT;
}

static int push_binding(struct mp_bindings *b, const char *alias, size_t alen,
			const char *wwid, size_t wlen)
{
	_cleanup_free_ char *a = strndup(alias, alen);
	_cleanup_free_ char *w = strndup(wwid, wlen);
	struct bline l;
	int r;

	if (!a || !w)
		return -ENOMEM;
	r = mp_strindex_reserve(&b->by_alias, 1);
	if (r == 0)
		r = mp_strindex_reserve(&b->by_wwid, 1);
	if (r < 0)
		return r;
	l = (struct bline){ .kind = BLINE_BINDING, .alias = a, .wwid = w };
	r = push_line(b, &l);
	if (r < 0)
		return r;
	mp_strindex_add(&b->by_alias, a, b->n - 1);
	mp_strindex_add(&b->by_wwid, w, b->n - 1);
	TAKE_PTR(a);
	TAKE_PTR(w);
	return 0;
}

static int push_preserved(struct mp_bindings *b, const char *raw, size_t rlen,
			  const char *word, size_t wlen)
{
	_cleanup_free_ char *text = strndup(raw, rlen);
	_cleanup_free_ char *a = word ? strndup(word, wlen) : NULL;
	struct bline l;
	int r;

	if (!text || (word && !a))
		return -ENOMEM;
	l = (struct bline){ .kind = BLINE_PRESERVED, .alias = a, .raw = text };
	r = push_line(b, &l);
	if (r < 0)
		return r;
	TAKE_PTR(text);
	TAKE_PTR(a);
	return 0;
}

/* Splits [s, e) into at most max words, stopping at '#'. Returns the number
 * of words, which may exceed max (the extra ones are only counted). */
static size_t split_words(const char *s, const char *e, const char **w, size_t *wl, size_t max)
{
	size_t n = 0;

	while (s < e) {
		const char *start;

		while (s < e && mp_text_is_blank(*s))
			s++;
		if (s == e || *s == '#')
			break;
		start = s;
		while (s < e && !mp_text_is_blank(*s) && *s != '#')
			s++;
		if (n < max) {
			w[n] = start;
			wl[n] = (size_t)(s - start);
		}
		n++;
	}
	return n;
}

/* Classifies one non-empty line. Returns 1 if it is a binding to keep, 0 if
 * it must be preserved verbatim (diagnostic already issued), 2 if it is an
 * exact repeat to drop, or -ENOMEM. */
static int classify(const struct mp_bindings *b, unsigned int line, const char **w,
		    const size_t *wl, size_t nw, struct mp_naming_diags *diags)
{
	char alias[MP_ALIAS_MAX + 2], wwid[MP_WWID_MAX + 2];
	const struct bline *other;

	if (nw != 2)
		return mp_naming_diags_add(diags, line, -EINVAL,
					   "expected \"alias wwid\", found %zu word%s; line kept as is",
					   nw, nw == 1 ? "" : "s");
	if (wl[0] > MP_ALIAS_MAX)
		return mp_naming_diags_add(diags, line, -EINVAL,
					   "alias longer than %d characters; line kept as is",
					   MP_ALIAS_MAX);
	if (wl[1] > MP_WWID_MAX)
		return mp_naming_diags_add(diags, line, -EINVAL,
					   "wwid longer than %d characters; line kept as is",
					   MP_WWID_MAX);
	memcpy(alias, w[0], wl[0]);
	alias[wl[0]] = '\0';
	memcpy(wwid, w[1], wl[1]);
	wwid[wl[1]] = '\0';
	if (!mp_naming_alias_valid(alias))
		return mp_naming_diags_add(diags, line, -EINVAL,
					   "alias \"%.40s\" has characters outside [A-Za-z0-9-_.:+@=]; line kept as is",
					   alias);
	if (!mp_naming_wwid_valid(wwid))
		return mp_naming_diags_add(diags, line, -EINVAL,
					   "wwid \"%.60s\" has invalid characters; line kept as is", wwid);
	other = find_binding_by_alias(b, alias);
	if (other && !strcmp(other->wwid, wwid)) {
		int r = mp_naming_diags_add(diags, line, -EEXIST,
					    "repeats the binding %s %.60s; dropped on rewrite",
					    alias, wwid);
		return r < 0 ? r : 2;
	}
	if (other)
		return mp_naming_diags_add(diags, line, -EEXIST,
					   "alias %s is already bound to %.60s; line kept as is",
					   alias, other->wwid);
	other = find_binding_by_wwid(b, wwid);
	if (other)
		return mp_naming_diags_add(diags, line, -EEXIST,
					   "wwid %.60s is already bound to alias %s; line kept as is",
					   wwid, other->alias);
	return 1;
}

int mp_bindings_parse(const char *buf, size_t len, struct mp_naming_diags *diags,
		      struct mp_bindings **ret)
{
	struct mp_bindings *b = NULL;
	const char *p = buf, *end = buf + len;
	unsigned int line = 0;
	int r;

	/* Refuse the whole file before building anything: a binary file might
	 * be a half-written or foreign file that we must not "repair". */
	r = mp_naming_check_text(buf, len, diags);
	if (r < 0)
		return r;
	r = mp_bindings_new(&b);
	if (r < 0)
		return r;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *w[2];
		size_t wl[2], nw;

		if (!eol)
			eol = end;
		line++;
		nw = split_words(p, eol, w, wl, 2);
		if (nw > 0) {
			r = classify(b, line, w, wl, nw, diags);
			if (r == 1)
				r = push_binding(b, w[0], wl[0], w[1], wl[1]);
			else if (r == 0)
				r = push_preserved(b, p, (size_t)(eol - p), w[0],
						   wl[0] > MP_ALIAS_MAX ? MP_ALIAS_MAX : wl[0]);
			if (r < 0) {
				mp_bindings_free(b);
				return r;
			}
		}
		p = eol + 1;
	}
	*ret = b;
	return 0;
}

int mp_bindings_format(const struct mp_bindings *b, struct mp_strbuf *out)
{
	int r = mp_strbuf_puts(out, header);

	for (size_t i = 0; r >= 0 && b && i < b->n; i++) {
		const struct bline *l = &b->v[i];

		if (l->kind == BLINE_BINDING)
			r = mp_strbuf_printf(out, "%s %s\n", l->alias, l->wwid);
		else
			r = mp_strbuf_printf(out, "%s\n", l->raw);
	}
	return r < 0 ? r : 0;
}

int mp_bindings_add(struct mp_bindings *b, const char *alias, const char *wwid)
{
	const char *cur;

	if (!b || !mp_naming_alias_valid(alias) || !mp_naming_wwid_valid(wwid))
		return -EINVAL;
	cur = mp_bindings_lookup_wwid(b, wwid);
	if (cur)
		return strcmp(cur, alias) ? -EEXIST : 0;
	if (mp_bindings_alias_taken(b, alias))
		return -EEXIST;
	return push_binding(b, alias, strlen(alias), wwid, strlen(wwid)) < 0 ? -ENOMEM : 1;
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* Lowest index >= 1 not in used[0..n), which is sorted and may repeat. */
static unsigned long lowest_gap(const unsigned long *used, size_t n)
{
	unsigned long want = 1;

	for (size_t i = 0; i < n; i++) {
		if (used[i] > want)
			break;
		if (used[i] == want)
			want++;
	}
	return want;
}

int mp_bindings_allocate(struct mp_bindings *b, const char *wwid, const char *prefix,
			 const char *const *reserved, size_t n_reserved,
			 const char **ret_alias)
{
	_cleanup_free_ unsigned long *used = NULL;
	_cleanup_free_ char *alias = NULL;
	const char *cur;
	unsigned long idx;
	size_t n = 0;
	int r;

	if (!prefix)
		prefix = MP_ALIAS_PREFIX_DEFAULT;
	if (!b || !mp_naming_wwid_valid(wwid) || !mp_naming_alias_valid(prefix))
		return -EINVAL;
	cur = mp_bindings_lookup_wwid(b, wwid);
	if (cur) {
		*ret_alias = cur;
		return 0;
	}
	/* Collect every index in use, by bindings, by preserved lines and by
	 * the config, then take the lowest gap: names freed by an administrator
	 * get reused, and the sequence stays short. */
	used = malloc((b->n + n_reserved + 1) * sizeof(*used));
	if (!used)
		return -ENOMEM;
	for (size_t i = 0; i < b->n; i++)
		if (mp_naming_alias_index(prefix, b->v[i].alias, &idx) == 0)
			used[n++] = idx;
	for (size_t i = 0; i < n_reserved; i++)
		if (mp_naming_alias_index(prefix, reserved[i], &idx) == 0)
			used[n++] = idx;
	qsort(used, n, sizeof(*used), cmp_ulong);
	idx = lowest_gap(used, n);
	r = mp_naming_alias_for_index(prefix, idx, &alias);
	if (r == -ERANGE)
		return -ENOSPC;
	if (r < 0)
		return r;
	/* Belt and braces: the index decoding is bijective, so this cannot
	 * hit, but handing out a taken name would merge two LUNs. */
	if (mp_bindings_alias_taken(b, alias))
		return -EEXIST;
	r = push_binding(b, alias, strlen(alias), wwid, strlen(wwid));
	if (r < 0)
		return r;
	*ret_alias = b->v[b->n - 1].alias;
	return 1;
}

int mp_bindings_edit_allocate(const char *old, size_t len, struct mp_strbuf *out, void *edit)
{
	struct mp_bindings_edit *e = edit;
	struct mp_bindings *b = NULL;
	const char *alias;
	int r, added;

	r = mp_bindings_parse(old, len, e->diags, &b);
	if (r < 0)
		return r;
	added = mp_bindings_allocate(b, e->wwid, e->prefix, e->reserved, e->n_reserved, &alias);
	if (added < 0) {
		mp_bindings_free(b);
		return added;
	}
	r = added ? mp_bindings_format(b, out) : 0;
	if (r == 0)
		memcpy(e->alias, alias, strlen(alias) + 1);
	mp_bindings_free(b);
	return r < 0 ? r : added;
}

int mp_bindings_edit_allocate_batch(const char *old, size_t len, struct mp_strbuf *out, void *edit)
{
	struct mp_bindings_batch_edit *e = edit;
	struct mp_bindings *b = NULL;
	const char *alias;
	int r, added = 0;

	if (!e->n)
		return 0;
	r = mp_bindings_parse(old, len, e->diags, &b);
	if (r < 0)
		return r;
	for (size_t i = 0; i < e->n; i++) {
		r = mp_bindings_allocate(b, e->wwids[i], e->prefix, e->reserved, e->n_reserved, &alias);
		if (r < 0)
			goto out;
		added += r;
	}
	r = added ? mp_bindings_format(b, out) : 0;
	if (r < 0)
		goto out;
	for (size_t i = 0; i < e->n; i++) {
		alias = mp_bindings_lookup_wwid(b, e->wwids[i]);
		memcpy(e->aliases[i], alias, strlen(alias) + 1);
	}
	r = added;
out:
	mp_bindings_free(b);
	return r;
}
