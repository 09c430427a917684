/* The wwids table: the WWIDs find_multipaths has seen as multipath devices.
 *
 * Owns every string it holds: an array of lines in file order, each a WWID
 * or a preserved line (raw text of a line we could not understand, written
 * back byte for byte). Invariant: no WWID appears twice. Comment and blank
 * lines are not stored; the header replaces them on rewrite.
 * mp_wwids_free frees everything. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mp/naming.h"
#include "mp/strbuf.h"
#include "util/cleanup.h"
#include "util/strindex.h"
#include "util/text.h"

struct wline {
	char *wwid;	/* NULL for a preserved line */
	char *raw;	/* preserved lines only */
};

struct mp_wwids {
	struct wline *v;
	size_t n, cap;
	struct mp_strindex by_wwid;	/* WWID lines only */
};

static const char header[] =
	"# Multipath wwids: one \"/wwid/\" per line, the devices find_multipaths\n"
	"# has seen as multipath. Maintained by the multipath tools.\n"
	"# Lines they cannot parse are kept as they are and reported.\n"
	"#\n";

static const char *wwid_at(const void *ctx, size_t pos)
{
	return ((const struct mp_wwids *)ctx)->v[pos].wwid;
}

int mp_wwids_new(struct mp_wwids **ret)
{
	struct mp_wwids *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	mp_strindex_init(&w->by_wwid, wwid_at, w);
	*ret = w;
	return 0;
}

void mp_wwids_free(struct mp_wwids *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++) {
		free(w->v[i].wwid);
		free(w->v[i].raw);
	}
	free(w->v);
	mp_strindex_release(&w->by_wwid);
	free(w);
}

/* Takes ownership of l's strings on success only. */
static int push_line(struct mp_wwids *w, const struct wline *l)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct wline *v = realloc(w->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = *l;
	return 0;
}

static int push_string(struct mp_wwids *w, const char *s, size_t len, bool preserved)
{
	_cleanup_free_ char *copy = strndup(s, len);
	struct wline l = { NULL, NULL };
	int r;

	if (!copy)
		return -ENOMEM;
	if (!preserved) {
		r = mp_strindex_reserve(&w->by_wwid, 1);
		if (r < 0)
			return r;
	}
	if (preserved)
		l.raw = copy;
	else
		l.wwid = copy;
	r = push_line(w, &l);
	if (r < 0)
		return r;
	if (!preserved)
		mp_strindex_add(&w->by_wwid, copy, w->n - 1);
	TAKE_PTR(copy);
	return 0;
}

bool mp_wwids_contains(const struct mp_wwids *w, const char *wwid)
{
	return w && wwid && mp_strindex_find(&w->by_wwid, wwid, NULL);
}

size_t mp_wwids_count(const struct mp_wwids *w)
{
	size_t n = 0;

	for (size_t i = 0; w && i < w->n; i++)
		n += w->v[i].wwid != NULL;
	return n;
}

size_t mp_wwids_preserved_count(const struct mp_wwids *w)
{
	return w ? w->n - mp_wwids_count(w) : 0;
}

const char *mp_wwids_get(const struct mp_wwids *w, size_t i)
{
	for (size_t k = 0; w && k < w->n; k++)
		if (w->v[k].wwid && i-- == 0)
			return w->v[k].wwid;
	return NULL;
}

/* One line [s, e). Returns 1 to keep the WWID in wwid[], 0 to preserve the
 * line (diagnostic issued), 2 to drop it (empty, comment or repeat), or
 * -ENOMEM. */
static int classify(const struct mp_wwids *w, unsigned int line, const char *s, const char *e,
		    char *wwid, struct mp_naming_diags *diags)
{
	const char *hash = memchr(s, '#', (size_t)(e - s));
	const char *rest;
	size_t n;
	int r;

	if (hash)
		e = hash;
	while (s < e && mp_text_is_blank(*s))
		s++;
	while (e > s && mp_text_is_blank(e[-1]))
		e--;
	if (s == e)
		return 2;
	n = (size_t)(e - s);
	if (n < 3 || s[0] != '/' || e[-1] != '/')
		return mp_naming_diags_add(diags, line, -EINVAL,
					   "expected \"/wwid/\"; line kept as is");
	s++, e--, n -= 2;
	rest = memchr(s, '/', n);
	if (rest)
		return mp_naming_diags_add(diags, line, -EINVAL,
					   "more than one wwid or a '/' inside it; line kept as is");
	if (n > MP_WWID_MAX)
		return mp_naming_diags_add(diags, line, -EINVAL,
					   "wwid longer than %d characters; line kept as is",
					   MP_WWID_MAX);
	memcpy(wwid, s, n);
	wwid[n] = '\0';
	if (!mp_naming_wwid_valid(wwid))
		return mp_naming_diags_add(diags, line, -EINVAL,
					   "wwid \"%.60s\" has invalid characters; line kept as is", wwid);
	if (mp_wwids_contains(w, wwid)) {
		r = mp_naming_diags_add(diags, line, -EEXIST,
					"wwid %.60s listed again; dropped on rewrite", wwid);
		return r < 0 ? r : 2;
	}
	return 1;
}

int mp_wwids_parse(const char *buf, size_t len, struct mp_naming_diags *diags,
		   struct mp_wwids **ret)
{
	struct mp_wwids *w = NULL;
	const char *p = buf, *end = buf + len;
	unsigned int line = 0;
	int r;

	r = mp_naming_check_text(buf, len, diags);
	if (r < 0)
		return r;
	r = mp_wwids_new(&w);
	if (r < 0)
		return r;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		char wwid[MP_WWID_MAX + 1];

		if (!eol)
			eol = end;
		line++;
		r = classify(w, line, p, eol, wwid, diags);
		if (r == 1)
			r = push_string(w, wwid, strlen(wwid), false);
		else if (r == 0)
			r = push_string(w, p, (size_t)(eol - p), true);
		if (r < 0) {
			mp_wwids_free(w);
			return r;
		}
		p = eol + 1;
	}
	*ret = w;
	return 0;
}

int mp_wwids_format(const struct mp_wwids *w, struct mp_strbuf *out)
{
	int r = mp_strbuf_puts(out, header);

	for (size_t i = 0; r >= 0 && w && i < w->n; i++) {
		if (w->v[i].wwid)
			r = mp_strbuf_printf(out, "/%s/\n", w->v[i].wwid);
		else
			r = mp_strbuf_printf(out, "%s\n", w->v[i].raw);
	}
	return r < 0 ? r : 0;
}

int mp_wwids_add(struct mp_wwids *w, const char *wwid)
{
	int r;

	if (!w || !mp_naming_wwid_valid(wwid))
		return -EINVAL;
	if (mp_wwids_contains(w, wwid))
		return 0;
	r = push_string(w, wwid, strlen(wwid), false);
	return r < 0 ? r : 1;
}

int mp_wwids_remove(struct mp_wwids *w, const char *wwid)
{
	if (!w || !wwid)
		return 0;
	for (size_t i = 0; i < w->n; i++) {
		if (!w->v[i].wwid || strcmp(w->v[i].wwid, wwid))
			continue;
		free(w->v[i].wwid);
		memmove(&w->v[i], &w->v[i + 1], (w->n - i - 1) * sizeof(w->v[0]));
		w->n--;
		/* Line numbers shifted: re-place every entry. There are fewer
		 * than before, so the existing array has room and this cannot
		 * fail. */
		mp_strindex_clear(&w->by_wwid);
		for (size_t k = 0; k < w->n; k++)
			if (w->v[k].wwid)
				mp_strindex_add(&w->by_wwid, w->v[k].wwid, k);
		return 1;
	}
	return 0;
}

static const char *edit_wwid(const struct mp_wwids_edit *e, size_t i)
{
	if (e->wwid)
		return i == 0 ? e->wwid : e->batch[i - 1];
	return e->batch[i];
}

int mp_wwids_edit_apply(const char *old, size_t len, struct mp_strbuf *out, void *edit)
{
	struct mp_wwids_edit *e = edit;
	size_t n = (e->wwid ? 1 : 0) + (e->batch ? e->n_batch : 0);
	struct mp_wwids *w = NULL;
	int r, changed = 0;

	for (size_t i = 0; i < n && !e->remove; i++)
		if (!mp_naming_wwid_valid(edit_wwid(e, i)))
			return -EINVAL;
	r = mp_wwids_parse(old, len, e->diags, &w);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const char *wwid = edit_wwid(e, i);

		r = e->remove ? mp_wwids_remove(w, wwid) : mp_wwids_add(w, wwid);
		if (r < 0)
			goto out;
		changed += r;
	}
	r = changed > 0 ? mp_wwids_format(w, out) : 0;
out:
	mp_wwids_free(w);
	if (r < 0)
		return r;
	return changed;
}
