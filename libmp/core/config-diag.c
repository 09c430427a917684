/* Diagnostics list for the config module and the small text helpers its
 * messages need (printable excerpts, edit distance for "did you mean").
 * The list owns each diagnostic's file and message strings;
 * mp_diags_release() frees them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp/strbuf.h"
#include "core/config-internal.h"

int mp_cfg_grow(void **p, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *q;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > ((size_t)-1) / sz)
		return -ENOMEM;
	q = realloc(*p, ncap * sz);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = ncap;
	return 0;
}

int mp_cfg_diag(struct mp_diags *d, enum mp_diag_severity sev, const char *file,
		unsigned int line, const char *fmt, ...)
{
	struct mp_diag *it;
	va_list ap;
	char *msg;
	char *f;
	int r;

	if (!d)
		return 0;
	if (mp_cfg_grow((void **)&d->items, &d->cap, d->n, sizeof(*d->items)) < 0)
		return -ENOMEM;
	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	f = strdup(file ? file : "");
	if (!f) {
		free(msg);
		return -ENOMEM;
	}
	it = &d->items[d->n++];
	it->severity = sev;
	it->file = f;
	it->line = line;
	it->message = msg;
	return 0;
}

void mp_diags_release(struct mp_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].file);
		free(d->items[i].message);
	}
	free(d->items);
	d->items = NULL;
	d->n = d->cap = 0;
}

size_t mp_diags_count(const struct mp_diags *d, enum mp_diag_severity sev)
{
	size_t c = 0;

	for (size_t i = 0; d && i < d->n; i++)
		if (d->items[i].severity == sev)
			c++;
	return c;
}

int mp_diag_format(const struct mp_diag *d, struct mp_strbuf *out)
{
	const char *sev = d->severity == MP_DIAG_ERROR ? "error" : "warning";

	if (d->line)
		return mp_strbuf_printf(out, "%s:%u: %s: %s", d->file, d->line, sev, d->message);
	return mp_strbuf_printf(out, "%s: %s: %s", d->file, sev, d->message);
}

const char *mp_cfg_printable(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	if (len < 8) {
		if (len)
			buf[0] = '\0';
		return buf;
	}
	for (size_t i = 0; s && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		/* stop early so that a 100 KB token gives a readable message */
		if (i >= 60 || o + 8 >= len) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f) {
			buf[o++] = (char)c;
		} else {
			snprintf(buf + o, len - o, "\\x%02x", c);
			o += 4;
		}
	}
	buf[o] = '\0';
	return buf;
}

/* Levenshtein distance over at most 64 bytes of each word: keyword names
 * are short, and longer input is not a near miss anyway. */
unsigned int mp_cfg_edit_distance(const char *a, const char *b)
{
	unsigned int row[65];
	size_t la = strnlen(a, 64), lb = strnlen(b, 64);

	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned int)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned int diag = row[0];

		row[0] = (unsigned int)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned int up = row[j];
			unsigned int best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}
