/* The multipath target's status line (`dmsetup status`, STATUSTYPE_INFO):
 * struct mp_dmstatus, its parser and the accessors the daemon reads.
 *
 * Ownership: a struct mp_dmstatus owns every string and array under it;
 * mp_dmstatus_free releases them and accepts NULL. Counts (n_*) only cover
 * filled entries, so a parse failing midway frees cleanly.
 *
 * The field order is multipath_status() in drivers/md/dm-mpath.c, INFO
 * branch (v4.6 and later, checked against the source):
 *   "2 %u %u "  <- features: 2 words, test_bit(MPATHF_QUEUE_IO) and
 *                  atomic_read(&pg_init_count). Before 4.6 the same slot
 *                  held m->queue_size (queued I/O count) and pg_init_count.
 *   "0 "        <- hardware handler status: always 0 words for INFO.
 *   "%u "       <- nr_priority_groups
 *   "%u "       <- next_pg's number, else current_pg's, else 1 (0 when
 *                  there are no groups)
 *   per group:  "%c " A (== current_pg), D (bypassed), else E;
 *               the selector's group status (ps->type->status with path
 *               NULL: "0 " for round-robin/queue-length/service-time,
 *               "2 <weight> <threshold>" for historical-service-time);
 *               "%u %u " nr_pgpaths and the selector's info_args;
 *   per path:   "%s %s %u " dev->name ("major:minor"), A/F (is_active),
 *               fail_count; then info_args words from the selector:
 *               round-robin none, queue-length 1 (in flight),
 *               service-time 2 (in-flight size, relative throughput),
 *               historical-service-time 3 (estimate, outstanding, stale).
 * We parse all counted sections generically, so a selector we have never
 * heard of (the planned byte-share) parses as long as it counts its words.
 *
 * Example, two service-time groups of one path each, nothing queued, one
 * pg_init done:
 *   0 32768 multipath 2 0 1 0 2 1 E 0 1 2 8:0 A 0 0 1 E 0 1 2 8:64 A 0 0 1 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mp/dmtable.h"

static void group_release(struct mp_dmstatus_group *g)
{
	mp_dm_strv_free(g->selector_status, g->n_selector_status);
	for (unsigned int i = 0; i < g->n_paths; i++) {
		free(g->paths[i].dev);
		mp_dm_strv_free(g->paths[i].info, g->n_info_args);
	}
	free(g->paths);
}

void mp_dmstatus_free(struct mp_dmstatus *s)
{
	if (!s)
		return;
	mp_dm_strv_free(s->features, s->n_features);
	mp_dm_strv_free(s->hwhandler_status, s->n_hwhandler_status);
	for (unsigned int i = 0; i < s->n_groups; i++)
		group_release(&s->groups[i]);
	free(s->groups);
	free(s);
}

/* One-letter fields: the whole word must be the letter. */
static int parse_letter(struct mp_dm_cursor *c, const char *letters,
			const char *expected, unsigned int *ret)
{
	const char *w, *hit;
	unsigned int at = c->pos;
	int r;

	r = mp_dm_cursor_word(c, expected, &w);
	if (r < 0)
		return r;
	hit = w[0] && !w[1] ? strchr(letters, w[0]) : NULL;
	if (!hit) {
		c->pos = at;
		c->err.word = at;
		c->err.expected = expected;
		return -EINVAL;
	}
	*ret = (unsigned int)(hit - letters);
	return 0;
}

static int parse_path(struct mp_dm_cursor *c, unsigned int n_info,
		      struct mp_dmstatus_path *p)
{
	unsigned int state;
	int r;

	/* The kernel prints format_dev_t, never a path name. */
	if (mp_dm_dev_parse(c->words[c->pos], &state, &state) < 0) {
		c->err.word = c->pos;
		c->err.expected = "path device (major:minor)";
		return -EINVAL;
	}
	p->dev = strdup(c->words[c->pos]);
	if (!p->dev)
		return -ENOMEM;
	c->pos++;
	/* Letter order matches enum mp_dm_path_state. */
	r = parse_letter(c, "AF", "path state (A or F)", &state);
	if (r < 0)
		return r;
	p->state = (enum mp_dm_path_state)state;
	r = mp_dm_cursor_uint(c, 0, UINT32_MAX, "fail count", &p->fail_count);
	if (r < 0)
		return r;
	return mp_dm_cursor_words(c, n_info, "selector info word", &p->info);
}

static int parse_group(struct mp_dm_cursor *c, struct mp_dmstatus_group *g)
{
	unsigned int state, n_paths;
	int r;

	/* Letter order matches enum mp_dm_group_state. */
	r = parse_letter(c, "AED", "group state (A, E or D)", &state);
	if (r < 0)
		return r;
	g->state = (enum mp_dm_group_state)state;
	r = mp_dm_cursor_count(c, MP_DM_MAX_COUNT, 1,
			       "selector status count (0..1024, within the line)",
			       &g->n_selector_status);
	if (r < 0)
		return r;
	r = mp_dm_cursor_words(c, g->n_selector_status, "selector status word",
			       &g->selector_status);
	if (r < 0) {
		g->n_selector_status = 0;
		return r;
	}
	r = mp_dm_cursor_uint(c, 1, MP_DM_MAX_COUNT, "path count (1..1024)",
			      &n_paths);
	if (r < 0)
		return r;
	r = mp_dm_cursor_uint(c, 0, MP_DM_MAX_COUNT,
			      "per-path info count (0..1024)", &g->n_info_args);
	if (r < 0)
		return r;
	/* Each path is device, state, fail count and its info words. */
	if ((uint64_t)n_paths * (3u + g->n_info_args) > c->n_words - c->pos) {
		c->err.word = c->pos - 2;
		c->err.expected = "path count that fits in the line";
		return -EINVAL;
	}
	g->paths = calloc(n_paths, sizeof(*g->paths));
	if (!g->paths)
		return -ENOMEM;
	for (unsigned int i = 0; i < n_paths; i++) {
		g->n_paths++;
		r = parse_path(c, g->n_info_args, &g->paths[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_status(struct mp_dm_cursor *c, struct mp_dmstatus *s)
{
	unsigned int n_groups;
	int r;

	r = mp_dm_cursor_prefix(c, &s->has_prefix, &s->start, &s->length);
	if (r < 0)
		return r;
	/* The INFO branch always writes 2 today; accept any sane count so
	 * older and future kernels still parse. */
	r = mp_dm_cursor_count(c, MP_DM_MAX_COUNT, 1,
			       "feature count (within the line)", &s->n_features);
	if (r < 0)
		return r;
	r = mp_dm_cursor_words(c, s->n_features, "feature word", &s->features);
	if (r < 0) {
		s->n_features = 0;
		return r;
	}
	r = mp_dm_cursor_count(c, MP_DM_MAX_COUNT, 1,
			       "hardware handler status count (within the line)",
			       &s->n_hwhandler_status);
	if (r < 0)
		return r;
	r = mp_dm_cursor_words(c, s->n_hwhandler_status,
			       "hardware handler status word",
			       &s->hwhandler_status);
	if (r < 0) {
		s->n_hwhandler_status = 0;
		return r;
	}
	/* A group takes at least 7 words: state, 0, 1, 0, dev, A/F, count. */
	r = mp_dm_cursor_count(c, MP_DM_MAX_COUNT, 7,
			       "group count (0..1024, within the line)", &n_groups);
	if (r < 0)
		return r;
	r = mp_dm_cursor_uint(c, n_groups ? 1 : 0, n_groups,
			      "next group (1..#groups, 0 without groups)",
			      &s->next_group);
	if (r < 0)
		return r;
	if (n_groups) {
		s->groups = calloc(n_groups, sizeof(*s->groups));
		if (!s->groups)
			return -ENOMEM;
	}
	for (unsigned int i = 0; i < n_groups; i++) {
		s->n_groups++;
		r = parse_group(c, &s->groups[i]);
		if (r < 0)
			return r;
	}
	return mp_dm_cursor_end(c);
}

int mp_dmstatus_parse(const char *line, struct mp_dmstatus **ret,
		      struct mp_dm_error *err)
{
	struct mp_dm_cursor c;
	struct mp_dmstatus *s;
	int r;

	r = mp_dm_cursor_init(&c, line);
	if (r < 0)
		return r;
	s = calloc(1, sizeof(*s));
	r = s ? parse_status(&c, s) : -ENOMEM;
	if (r < 0) {
		if (r == -EINVAL && err)
			*err = c.err;
		mp_dmstatus_free(s);
		mp_dm_cursor_release(&c);
		return r;
	}
	mp_dm_cursor_release(&c);
	*ret = s;
	return 0;
}

/* Feature word i as a number, for the accessors below. */
static int feature_uint(const struct mp_dmstatus *s, unsigned int i,
			unsigned int *ret)
{
	unsigned long v = 0;
	const char *p;

	if (i >= s->n_features || !s->features[i][0])
		return -ENODATA;
	for (p = s->features[i]; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT32_MAX - 9u) / 10u)
			return -ENODATA;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	*ret = (unsigned int)v;
	return 0;
}

int mp_dmstatus_queue_io(const struct mp_dmstatus *s, unsigned int *ret)
{
	return feature_uint(s, 0, ret);
}

int mp_dmstatus_pg_init_count(const struct mp_dmstatus *s, unsigned int *ret)
{
	return feature_uint(s, 1, ret);
}

int mp_dmstatus_active_group(const struct mp_dmstatus *s, unsigned int *ret)
{
	for (unsigned int i = 0; i < s->n_groups; i++)
		if (s->groups[i].state == MP_DM_GROUP_ACTIVE) {
			*ret = i + 1;
			return 0;
		}
	return -ENOENT;
}

/* Where DEV sits in S: its group and its index in that group. */
static int locate(const struct mp_dmstatus *s, const char *dev, unsigned int *ret_group,
		  unsigned int *ret_path)
{
	if (!dev)
		return -EINVAL;
	for (unsigned int i = 0; i < s->n_groups; i++)
		for (unsigned int j = 0; j < s->groups[i].n_paths; j++)
			if (strcmp(s->groups[i].paths[j].dev, dev) == 0) {
				*ret_group = i;
				*ret_path = j;
				return 0;
			}
	return -ENOENT;
}

int mp_dmstatus_find_path(const struct mp_dmstatus *s, const char *dev,
			  const struct mp_dmstatus_path **ret)
{
	unsigned int g, j;
	int r = locate(s, dev, &g, &j);

	if (r == 0)
		*ret = &s->groups[g].paths[j];
	return r;
}

unsigned int mp_dmstatus_count_active(const struct mp_dmstatus *s)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->n_groups; i++)
		for (unsigned int j = 0; j < s->groups[i].n_paths; j++)
			n += s->groups[i].paths[j].state == MP_DM_PATH_ACTIVE;
	return n;
}

const char *mp_dm_group_state_to_string(enum mp_dm_group_state v)
{
	static const char *const names[_MP_DM_GROUP_STATE_MAX] = {
		[MP_DM_GROUP_ACTIVE] = "active",
		[MP_DM_GROUP_ENABLED] = "enabled",
		[MP_DM_GROUP_DISABLED] = "disabled",
	};

	if ((unsigned int)v >= _MP_DM_GROUP_STATE_MAX)
		return NULL;
	return names[v];
}

/* ---- byte-share ----------------------------------------------------------- */

static int word_u64(const char *w, uint64_t *ret)
{
	uint64_t v = 0;

	if (!w || !*w)
		return -ENODATA;
	for (; *w; w++) {
		if (*w < '0' || *w > '9' || v > (UINT64_MAX - 9u) / 10u)
			return -ENODATA;
		v = v * 10 + (uint64_t)(*w - '0');
	}
	*ret = v;
	return 0;
}

/* bs_status in dm-byte-share.c: DMEMIT("2 %s %u ", rw ? "rw" : "single",
 * window_ms) for the group, then one or two byte counts per path. */
int mp_dmstatus_share_group(const struct mp_dmstatus_group *g, struct mp_dm_share_group *ret)
{
	uint64_t win;
	bool rw;

	if (g->n_selector_status != 2 || word_u64(g->selector_status[1], &win) < 0 ||
	    win > UINT32_MAX)
		return -ENODATA;
	if (strcmp(g->selector_status[0], "rw") == 0)
		rw = true;
	else if (strcmp(g->selector_status[0], "single") == 0)
		rw = false;
	else
		return -ENODATA;
	if (g->n_info_args != (rw ? 2u : 1u))
		return -ENODATA;
	ret->rw = rw;
	ret->window_ms = (unsigned int)win;
	return 0;
}

int mp_dmstatus_share_bytes(const struct mp_dmstatus_group *g, const struct mp_dmstatus_path *p,
			    struct mp_dm_share_bytes *ret)
{
	struct mp_dm_share_group sg;
	struct mp_dm_share_bytes b = { 0 };
	int r;

	r = mp_dmstatus_share_group(g, &sg);
	if (r < 0)
		return r;
	b.rw = sg.rw;
	if (word_u64(p->info[0], sg.rw ? &b.read : &b.total) < 0)
		return -ENODATA;
	if (sg.rw) {
		if (word_u64(p->info[1], &b.write) < 0 || b.read > UINT64_MAX - b.write)
			return -ENODATA;
		b.total = b.read + b.write;
	}
	*ret = b;
	return 0;
}

int mp_dmstatus_find_group(const struct mp_dmstatus *s, const char *dev, unsigned int *ret)
{
	unsigned int j;

	return locate(s, dev, ret, &j);
}
