/* The words of dm-mpath's text: word and device validation, escaping,
 * the word cursor that the table and status parsers share, the
 * `dmsetup message` strings, and dm-byte-share's per-path share words.
 *
 * Ownership: a cursor owns its copy of the line; its words point into it.
 * Strings returned through ret (escape, strv_dup, cursor_words) belong to
 * the caller.
 *
 * Numbers are base-10 unsigned, as dm_read_arg reads them; the bounds
 * come from drivers/md/dm-mpath.c and dm.c's dm_split_args. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp/dmtable.h"
#include "mp/shares.h"

#define WORD_MAX 4096u

/* ---- words ----------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* Bytes a dm word may not hold: blanks and controls would split or garble
 * the line; a backslash would be eaten by dm_split_args as an escape. */
static bool is_forbidden(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || c == '\\';
}

int mp_dm_word_validate(const char *s)
{
	size_t n;

	if (!s || !*s)
		return -EINVAL;
	for (n = 0; s[n]; n++)
		if (n >= WORD_MAX || is_forbidden((unsigned char)s[n]))
			return -EINVAL;
	return 0;
}

/* Strict base-10: digits only, no sign, no blanks; at most max. */
static int parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (*s < '0' || *s > '9')
			return -EINVAL;
		/* v * 10 + d <= max, without overflowing on the way */
		if (v > max / 10 || (v == max / 10 && d > max % 10))
			return -EINVAL;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

/* Linux dev_t holds a 12-bit major and a 20-bit minor; dm_get_device
 * refuses numbers that do not survive MKDEV. */
#define DEV_MAJOR_MAX 4095u
#define DEV_MINOR_MAX 1048575u

int mp_dm_dev_parse(const char *s, unsigned int *ret_major,
		    unsigned int *ret_minor)
{
	char buf[24];
	const char *colon;
	uint64_t major, minor;

	if (!s)
		return -EINVAL;
	colon = strchr(s, ':');
	if (!colon || (size_t)(colon - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, (size_t)(colon - s));
	buf[colon - s] = '\0';
	if (parse_u64(buf, DEV_MAJOR_MAX, &major) < 0 ||
	    parse_u64(colon + 1, DEV_MINOR_MAX, &minor) < 0)
		return -EINVAL;
	*ret_major = (unsigned int)major;
	*ret_minor = (unsigned int)minor;
	return 0;
}

int mp_dm_dev_validate(const char *s)
{
	unsigned int major, minor;

	if (s && s[0] == '/')
		return mp_dm_word_validate(s);
	return mp_dm_dev_parse(s, &major, &minor);
}

int mp_dm_word_escape(const char *s, char **ret)
{
	size_t n = 0;
	char *out, *p;

	if (!s)
		return -EINVAL;
	for (const char *q = s; *q; q++)
		n += is_forbidden((unsigned char)*q) ? 2 : 1;
	out = malloc(n + 1);
	if (!out)
		return -ENOMEM;
	p = out;
	for (const char *q = s; *q; q++) {
		if (is_forbidden((unsigned char)*q))
			*p++ = '\\';
		*p++ = *q;
	}
	*p = '\0';
	*ret = out;
	return 0;
}

void mp_dm_strv_free(char **v, unsigned int n)
{
	if (!v)
		return;
	for (unsigned int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Copies n validated words; NULL for n == 0 so that empty stays empty. */
int mp_dm_strv_dup(const char *const *src, unsigned int n, char ***ret)
{
	char **v;

	if (n == 0) {
		*ret = NULL;
		return 0;
	}
	if (!src)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		if (mp_dm_word_validate(src[i]) < 0)
			return -EINVAL;
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		v[i] = strdup(src[i]);
		if (!v[i]) {
			mp_dm_strv_free(v, i);
			return -ENOMEM;
		}
	}
	*ret = v;
	return 0;
}

/* ---- the cursor ------------------------------------------------------ */

int mp_dm_cursor_init(struct mp_dm_cursor *c, const char *line)
{
	size_t len;
	unsigned int n = 0;
	char *p;

	memset(c, 0, sizeof(*c));
	if (!line)
		return -EINVAL;
	len = strnlen(line, (size_t)MP_DM_LINE_MAX + 1);
	if (len > MP_DM_LINE_MAX)
		return -E2BIG;
	c->text = strndup(line, len);
	if (!c->text)
		return -ENOMEM;
	/* Count first so the array is sized by the line, never by a count
	 * read from it: a word needs at least two bytes except the last. */
	for (p = c->text; *p;) {
		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		n++;
		while (*p && !is_blank(*p))
			p++;
	}
	c->words = calloc((size_t)n + 1, sizeof(*c->words));
	if (!c->words) {
		mp_dm_cursor_release(c);
		return -ENOMEM;
	}
	for (p = c->text; *p;) {
		while (is_blank(*p))
			*p++ = '\0';
		if (!*p)
			break;
		c->words[c->n_words++] = p;
		while (*p && !is_blank(*p))
			p++;
	}
	return 0;
}

void mp_dm_cursor_release(struct mp_dm_cursor *c)
{
	free(c->words);
	free(c->text);
	c->words = NULL;
	c->text = NULL;
	c->n_words = c->pos = 0;
}

int mp_dm_cursor_fail(struct mp_dm_cursor *c, unsigned int word,
		       const char *expected)
{
	c->err.word = word;
	c->err.expected = expected;
	return -EINVAL;
}

int mp_dm_cursor_word(struct mp_dm_cursor *c, const char *expected,
		      const char **ret)
{
	if (c->pos >= c->n_words)
		return mp_dm_cursor_fail(c, c->pos, expected);
	if (mp_dm_word_validate(c->words[c->pos]) < 0)
		return mp_dm_cursor_fail(c, c->pos, expected);
	*ret = c->words[c->pos++];
	return 0;
}

int mp_dm_cursor_uint(struct mp_dm_cursor *c, unsigned int min,
		      unsigned int max, const char *expected, unsigned int *ret)
{
	uint64_t v;

	if (c->pos >= c->n_words ||
	    parse_u64(c->words[c->pos], max, &v) < 0 || v < min)
		return mp_dm_cursor_fail(c, c->pos, expected);
	c->pos++;
	*ret = (unsigned int)v;
	return 0;
}

int mp_dm_cursor_count(struct mp_dm_cursor *c, unsigned int max,
		       unsigned int per_item, const char *expected,
		       unsigned int *ret)
{
	unsigned int at = c->pos, v;
	int r;

	r = mp_dm_cursor_uint(c, 0, max, expected, &v);
	if (r < 0)
		return r;
	if ((uint64_t)v * per_item > (uint64_t)(c->n_words - c->pos)) {
		c->pos = at;
		return mp_dm_cursor_fail(c, at, expected);
	}
	*ret = v;
	return 0;
}

int mp_dm_cursor_words(struct mp_dm_cursor *c, unsigned int n,
		       const char *expected, char ***ret)
{
	const char **src;
	char **v;
	int r;

	if (n > c->n_words - c->pos)
		return mp_dm_cursor_fail(c, c->n_words, expected);
	src = (const char **)(c->words + c->pos);
	for (unsigned int i = 0; i < n; i++)
		if (mp_dm_word_validate(src[i]) < 0)
			return mp_dm_cursor_fail(c, c->pos + i, expected);
	r = mp_dm_strv_dup(src, n, &v);
	if (r < 0)
		return r;
	c->pos += n;
	*ret = v;
	return 0;
}

int mp_dm_cursor_prefix(struct mp_dm_cursor *c, bool *ret_has,
			uint64_t *ret_start, uint64_t *ret_length)
{
	uint64_t start, length;

	if (c->n_words - c->pos < 3 ||
	    strcmp(c->words[c->pos + 2], "multipath") != 0) {
		*ret_has = false;
		return 0;
	}
	if (parse_u64(c->words[c->pos], UINT64_MAX, &start) < 0)
		return mp_dm_cursor_fail(c, c->pos, "start sector");
	if (parse_u64(c->words[c->pos + 1], UINT64_MAX, &length) < 0)
		return mp_dm_cursor_fail(c, c->pos + 1, "length in sectors");
	c->pos += 3;
	*ret_has = true;
	*ret_start = start;
	*ret_length = length;
	return 0;
}

int mp_dm_cursor_end(struct mp_dm_cursor *c)
{
	if (c->pos != c->n_words)
		return mp_dm_cursor_fail(c, c->pos, "end of line");
	return 0;
}

/* ---- messages -------------------------------------------------------- */

/* The verbs multipath_message accepts (dm-mpath.c); one word each. */
static const char *const message_verbs[_MP_DM_MSG_MAX] = {
	[MP_DM_MSG_FAIL_PATH] = "fail_path",
	[MP_DM_MSG_REINSTATE_PATH] = "reinstate_path",
	[MP_DM_MSG_SWITCH_GROUP] = "switch_group",
	[MP_DM_MSG_ENABLE_GROUP] = "enable_group",
	[MP_DM_MSG_DISABLE_GROUP] = "disable_group",
	[MP_DM_MSG_QUEUE_IF_NO_PATH] = "queue_if_no_path",
	[MP_DM_MSG_FAIL_IF_NO_PATH] = "fail_if_no_path",
};

int mp_dm_message_format(enum mp_dm_msg_kind kind, const char *dev,
			 unsigned int group, char *buf, size_t len)
{
	int n;

	if ((unsigned int)kind >= _MP_DM_MSG_MAX || !buf)
		return -EINVAL;
	switch (kind) {
	case MP_DM_MSG_FAIL_PATH:
	case MP_DM_MSG_REINSTATE_PATH:
		if (mp_dm_dev_validate(dev) < 0)
			return -EINVAL;
		n = snprintf(buf, len, "%s %s", message_verbs[kind], dev);
		break;
	case MP_DM_MSG_SWITCH_GROUP:
	case MP_DM_MSG_ENABLE_GROUP:
	case MP_DM_MSG_DISABLE_GROUP:
		/* switch_pg_num and bypass_pg_num refuse 0 and > 1024 groups
		 * can never exist (multipath_ctr). */
		if (group == 0 || group > MP_DM_MAX_COUNT)
			return -EINVAL;
		n = snprintf(buf, len, "%s %u", message_verbs[kind], group);
		break;
	default:
		n = snprintf(buf, len, "%s", message_verbs[kind]);
		break;
	}
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= len)
		return -ENOBUFS;
	return n;
}

/* ---- byte-share per-path words ----------------------------------------- */

/* dm-byte-share's per-path arg (bs_parse_share): "<share>" or
 * "<read>/<write>", each 1..100000. Equal shares print as one number so
 * the table text stays the short form dmsetup prints back. */
int mp_share_format(const struct mp_share *s, char *buf, size_t len)
{
	int n;

	for (unsigned int d = 0; d < _MP_DIR_MAX; d++)
		if (s->v[d] < MP_SHARE_MIN || s->v[d] > MP_SHARE_MAX)
			return -EINVAL;
	if (s->v[MP_DIR_READ] == s->v[MP_DIR_WRITE])
		n = snprintf(buf, len, "%u", s->v[MP_DIR_READ]);
	else
		n = snprintf(buf, len, "%u/%u", s->v[MP_DIR_READ], s->v[MP_DIR_WRITE]);
	if (n < 0)
		return -EINVAL;
	return (size_t)n < len ? 0 : -ENOBUFS;
}

int mp_share_parse(const char *word, struct mp_share *ret)
{
	char buf[MP_SHARE_WORD_SIZE];
	const char *slash;
	uint64_t r, w;

	if (!word || strlen(word) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", word);
	slash = strchr(word, '/');
	if (slash)
		buf[slash - word] = '\0';
	if (parse_u64(buf, MP_SHARE_MAX, &r) < 0 || r < MP_SHARE_MIN)
		return -EINVAL;
	w = r;
	if (slash && (parse_u64(slash + 1, MP_SHARE_MAX, &w) < 0 || w < MP_SHARE_MIN))
		return -EINVAL;
	ret->v[MP_DIR_READ] = (unsigned int)r;
	ret->v[MP_DIR_WRITE] = (unsigned int)w;
	return 0;
}
