/* The del map holds list (mp/holds.h): parse, format, add, remove.
 *
 * Owns the WWID strings in struct mp_holds; mp_holds_release frees them.
 * Invariant: every string is a valid WWID and none appears twice. A list
 * is a handful of entries (maps an operator removed), so lookups are
 * linear. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mp/holds.h"
#include "mp/naming.h"
#include "mp/strbuf.h"

static const char header[] =
	"# multipathd del map holds: the WWIDs of maps an operator removed, not\n"
	"# created again until add map/add path of the WWID or its last path goes.\n"
	"# Kept across a daemon restart, not across a reboot. Rewritten by the daemon.\n";

void mp_holds_release(struct mp_holds *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i]);
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

bool mp_holds_contains(const struct mp_holds *h, const char *wwid)
{
	if (!h || !wwid)
		return false;
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->v[i], wwid) == 0)
			return true;
	return false;
}

static int push(struct mp_holds *h, const char *wwid, size_t len)
{
	char **v = realloc(h->v, (h->n + 1) * sizeof(*v));
	char *s;

	if (!v)
		return -ENOMEM;
	h->v = v;
	s = strndup(wwid, len);
	if (!s)
		return -ENOMEM;
	h->v[h->n++] = s;
	return 0;
}

int mp_holds_add(struct mp_holds *h, const char *wwid)
{
	int r;

	if (!h || !mp_naming_wwid_valid(wwid))
		return -EINVAL;
	if (mp_holds_contains(h, wwid))
		return 0;
	r = push(h, wwid, strlen(wwid));
	return r < 0 ? r : 1;
}

int mp_holds_remove(struct mp_holds *h, const char *wwid)
{
	if (!h || !wwid)
		return 0;
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->v[i], wwid) == 0) {
			free(h->v[i]);
			memmove(&h->v[i], &h->v[i + 1], (h->n - i - 1) * sizeof(*h->v));
			h->n--;
			return 1;
		}
	return 0;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* One line [s, e): 1 a WWID was added, 0 nothing to add (comment, blank),
 * 2 reported, or -ENOMEM. */
static int parse_line(struct mp_holds *h, unsigned int line, const char *s, const char *e,
		      struct mp_naming_diags *diags)
{
	char wwid[MP_WWID_MAX + 1];
	size_t len;
	int r;

	while (s < e && blank(*s))
		s++;
	while (e > s && blank(e[-1]))
		e--;
	if (s == e || *s == '#')
		return 0;
	len = (size_t)(e - s);
	if (len > MP_WWID_MAX) {
		r = mp_naming_diags_add(diags, line, -EINVAL, "not a WWID: %zu characters, at most %d",
					len, MP_WWID_MAX);
		return r < 0 ? r : 2;
	}
	memcpy(wwid, s, len);
	wwid[len] = '\0';
	if (memchr(s, '\0', len) || !mp_naming_wwid_valid(wwid)) {
		/* print only what is printable: the line may be binary junk */
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)wwid[i] < 0x20 || (unsigned char)wwid[i] > 0x7e)
				wwid[i] = '?';
		r = mp_naming_diags_add(diags, line, -EINVAL,
					"not a WWID: \"%.60s\" (one WWID per line, no blanks, '#' or '/')",
					wwid);
		return r < 0 ? r : 2;
	}
	if (mp_holds_contains(h, wwid)) {
		r = mp_naming_diags_add(diags, line, -EEXIST, "WWID %.60s repeats an earlier line", wwid);
		return r < 0 ? r : 2;
	}
	r = push(h, wwid, len);
	return r < 0 ? r : 1;
}

int mp_holds_parse(const char *buf, size_t len, struct mp_naming_diags *diags,
		   struct mp_holds *h)
{
	const char *p = buf, *end = buf + len;
	size_t n0 = h->n;
	unsigned int line = 0;
	int reported = 0;

	if (!buf && len)
		return -EINVAL;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		int r;

		if (!eol)
			eol = end;
		r = parse_line(h, ++line, p, eol, diags);
		if (r < 0) {
			while (h->n > n0)
				free(h->v[--h->n]);
			return r;
		}
		reported += r == 2;
		p = eol + 1;
	}
	return reported;
}

int mp_holds_format(const struct mp_holds *h, struct mp_strbuf *out)
{
	int r = mp_strbuf_puts(out, header);

	for (size_t i = 0; r >= 0 && h && i < h->n; i++)
		r = mp_strbuf_printf(out, "%s\n", h->v[i]);
	return r < 0 ? r : 0;
}
