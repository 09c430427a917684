/* The multipath target's table line: struct mp_dmtable, its builders, the
 * formatter and the parser. The words, device names, the cursor the table
 * and status parsers share, and the `dmsetup message` strings are in
 * dmword.c.
 *
 * Ownership: a struct mp_dmtable owns every string and array hanging off
 * it (each allocated separately); mp_dmtable_free releases them all and
 * accepts NULL. Strings returned through ret (format) belong to the
 * caller.
 *
 * Invariants: n_* fields count the filled entries of their arrays, so a
 * half-built table (parse failing midway, a builder returning -ENOMEM) is
 * always safe to free. A table that mp_dmtable_parse returns always formats
 * without error, and formatting then parsing yields an equal table; the
 * fuzzer (tests/fuzz/fuzz-dmtable.c) holds us to that.
 *
 * The grammar and bounds come from drivers/md/dm-mpath.c: multipath_ctr
 * (#groups 0..1024, initial group 0..1024 and 0 exactly when there are no
 * groups), parse_features (0..8 words), parse_hw_handler (0..1024 words, the
 * first is the handler name), parse_priority_group (#paths 1..1024, per-path
 * args 0..1024), parse_path_selector (0..1024 args). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp/dmtable.h"
#include "mp/strbuf.h"
#include "util/cleanup.h"

/* ---- table lifecycle and builders ------------------------------------ */

int mp_dmtable_new(struct mp_dmtable **ret)
{
	struct mp_dmtable *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	*ret = t;
	return 0;
}

static void group_release(struct mp_dmtable_group *g)
{
	free(g->selector);
	mp_dm_strv_free(g->selector_args, g->n_selector_args);
	for (unsigned int i = 0; i < g->n_paths; i++) {
		free(g->paths[i].dev);
		mp_dm_strv_free(g->paths[i].args, g->n_path_args);
	}
	free(g->paths);
}

void mp_dmtable_free(struct mp_dmtable *t)
{
	if (!t)
		return;
	mp_dm_strv_free(t->features, t->n_features);
	free(t->hwhandler);
	mp_dm_strv_free(t->hwhandler_args, t->n_hwhandler_args);
	for (unsigned int i = 0; i < t->n_groups; i++)
		group_release(&t->groups[i]);
	free(t->groups);
	free(t);
}

int mp_dmtable_add_feature(struct mp_dmtable *t, const char *word)
{
	_cleanup_free_ char *copy = NULL;
	char **v;

	if (mp_dm_word_validate(word) < 0 || t->n_features >= MP_DM_MAX_FEATURES)
		return -EINVAL;
	copy = strdup(word);
	if (!copy)
		return -ENOMEM;
	v = realloc(t->features, (t->n_features + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	t->features = v;
	v[t->n_features++] = TAKE_PTR(copy);
	return 0;
}

bool mp_dmtable_has_feature(const struct mp_dmtable *t, const char *name)
{
	for (unsigned int i = 0; i < t->n_features; i++) {
		if (strcmp(t->features[i], name) == 0)
			return true;
		/* These take a value; skip it so "50" never reads as a name. */
		if (strcmp(t->features[i], "pg_init_retries") == 0 ||
		    strcmp(t->features[i], "pg_init_delay_msecs") == 0 ||
		    strcmp(t->features[i], "queue_mode") == 0)
			i++;
	}
	return false;
}

int mp_dmtable_set_hwhandler(struct mp_dmtable *t, const char *name,
			     unsigned int n_args, const char *const *args)
{
	_cleanup_free_ char *copy = NULL;
	char **v = NULL;
	int r;

	if (!name) {
		if (n_args)
			return -EINVAL;
	} else {
		if (mp_dm_word_validate(name) < 0 || n_args >= MP_DM_MAX_COUNT)
			return -EINVAL;
		r = mp_dm_strv_dup(args, n_args, &v);
		if (r < 0)
			return r;
		copy = strdup(name);
		if (!copy) {
			mp_dm_strv_free(v, n_args);
			return -ENOMEM;
		}
	}
	free(t->hwhandler);
	mp_dm_strv_free(t->hwhandler_args, t->n_hwhandler_args);
	t->hwhandler = TAKE_PTR(copy);
	t->hwhandler_args = v;
	t->n_hwhandler_args = n_args;
	return 0;
}

int mp_dmtable_add_group(struct mp_dmtable *t, const char *selector,
			 unsigned int n_selector_args,
			 const char *const *selector_args,
			 unsigned int n_path_args, unsigned int *ret_index)
{
	struct mp_dmtable_group g = { 0 };
	int r;

	if (t->n_groups >= MP_DM_MAX_COUNT || mp_dm_word_validate(selector) < 0 ||
	    n_selector_args > MP_DM_MAX_COUNT || n_path_args > MP_DM_MAX_COUNT)
		return -EINVAL;
	if (t->n_groups == t->groups_cap) {
		unsigned int cap = t->groups_cap ? t->groups_cap * 2 : 4;
		struct mp_dmtable_group *v;

		v = realloc(t->groups, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		t->groups = v;
		t->groups_cap = cap;
	}
	r = mp_dm_strv_dup(selector_args, n_selector_args, &g.selector_args);
	if (r < 0)
		return r;
	g.n_selector_args = n_selector_args;
	g.n_path_args = n_path_args;
	g.selector = strdup(selector);
	if (!g.selector) {
		group_release(&g);
		return -ENOMEM;
	}
	t->groups[t->n_groups] = g;
	if (ret_index)
		*ret_index = t->n_groups;
	t->n_groups++;
	return 0;
}

int mp_dmtable_add_path(struct mp_dmtable *t, unsigned int group,
			const char *dev, const char *const *args)
{
	struct mp_dmtable_group *g;
	struct mp_dmtable_path p = { 0 };
	int r;

	if (group >= t->n_groups || mp_dm_dev_validate(dev) < 0)
		return -EINVAL;
	g = &t->groups[group];
	if (g->n_paths >= MP_DM_MAX_COUNT)
		return -EINVAL;
	if (g->n_paths == g->paths_cap) {
		unsigned int cap = g->paths_cap ? g->paths_cap * 2 : 4;
		struct mp_dmtable_path *v;

		v = realloc(g->paths, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		g->paths = v;
		g->paths_cap = cap;
	}
	r = mp_dm_strv_dup(args, g->n_path_args, &p.args);
	if (r < 0)
		return r;
	p.dev = strdup(dev);
	if (!p.dev) {
		mp_dm_strv_free(p.args, g->n_path_args);
		return -ENOMEM;
	}
	g->paths[g->n_paths++] = p;
	return 0;
}

/* ---- format ---------------------------------------------------------- */

struct emitter {
	struct mp_strbuf sb;
	unsigned int word;	/* index of the next word written */
	struct mp_dm_error err;
};

static int emit_fail(struct emitter *e, const char *expected)
{
	e->err.word = e->word;
	e->err.expected = expected;
	return -EINVAL;
}

static int emit_word(struct emitter *e, const char *w, const char *expected)
{
	int r;

	if (mp_dm_word_validate(w) < 0)
		return emit_fail(e, expected);
	if (e->word > 0) {
		r = mp_strbuf_append(&e->sb, " ", 1);
		if (r < 0)
			return r;
	}
	r = mp_strbuf_puts(&e->sb, w);
	if (r < 0)
		return r;
	e->word++;
	return 0;
}

static int emit_uint(struct emitter *e, uint64_t v, uint64_t max,
		     const char *expected)
{
	char buf[24];

	if (v > max)
		return emit_fail(e, expected);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return emit_word(e, buf, expected);
}

static int emit_words(struct emitter *e, char *const *v, unsigned int n,
		      const char *expected)
{
	int r;

	if (n && !v)
		return emit_fail(e, expected);
	for (unsigned int i = 0; i < n; i++) {
		r = emit_word(e, v[i], expected);
		if (r < 0)
			return r;
	}
	return 0;
}

static int emit_group(struct emitter *e, const struct mp_dmtable_group *g)
{
	int r;

	r = emit_word(e, g->selector, "path selector name");
	if (r >= 0)
		r = emit_uint(e, g->n_selector_args, MP_DM_MAX_COUNT,
			      "selector arg count (0..1024)");
	if (r >= 0)
		r = emit_words(e, g->selector_args, g->n_selector_args,
			       "selector arg");
	if (r >= 0 && g->n_paths == 0)
		r = emit_fail(e, "path count (1..1024)");
	if (r >= 0)
		r = emit_uint(e, g->n_paths, MP_DM_MAX_COUNT,
			      "path count (1..1024)");
	if (r >= 0)
		r = emit_uint(e, g->n_path_args, MP_DM_MAX_COUNT,
			      "per-path arg count (0..1024)");
	for (unsigned int i = 0; r >= 0 && i < g->n_paths; i++) {
		if (mp_dm_dev_validate(g->paths[i].dev) < 0)
			return emit_fail(e, "path device (major:minor or /path)");
		r = emit_word(e, g->paths[i].dev, "path device");
		if (r >= 0)
			r = emit_words(e, g->paths[i].args, g->n_path_args,
				       "per-path arg");
	}
	return r;
}

int mp_dmtable_format(const struct mp_dmtable *t, char **ret,
		      struct mp_dm_error *err)
{
	struct emitter e = { MP_STRBUF_INIT, 0, { 0, NULL } };
	unsigned int next = t->next_group;
	int r = 0;

	if (t->has_prefix) {
		r = emit_uint(&e, t->start, UINT64_MAX, "start sector");
		if (r >= 0)
			r = emit_uint(&e, t->length, UINT64_MAX, "length");
		if (r >= 0)
			r = emit_word(&e, "multipath", "target type");
	}
	if (r >= 0)
		r = emit_uint(&e, t->n_features, MP_DM_MAX_FEATURES,
			      "feature count (0..8)");
	if (r >= 0)
		r = emit_words(&e, t->features, t->n_features, "feature word");
	if (r >= 0 && !t->hwhandler && t->n_hwhandler_args)
		r = emit_fail(&e, "hardware handler name before its args");
	if (r >= 0)
		r = emit_uint(&e, t->hwhandler ? 1ull + t->n_hwhandler_args : 0,
			      MP_DM_MAX_COUNT,
			      "hardware handler word count (0..1024)");
	if (r >= 0 && t->hwhandler)
		r = emit_word(&e, t->hwhandler, "hardware handler name");
	if (r >= 0 && t->hwhandler)
		r = emit_words(&e, t->hwhandler_args, t->n_hwhandler_args,
			       "hardware handler arg");
	if (r >= 0)
		r = emit_uint(&e, t->n_groups, MP_DM_MAX_COUNT,
			      "group count (0..1024)");
	/* 0 with groups present means "the default": the kernel wants 1. */
	if (next == 0 && t->n_groups > 0)
		next = 1;
	if (r >= 0 && (next > t->n_groups || (t->n_groups == 0) != (next == 0)))
		r = emit_fail(&e, "initial group (1..#groups)");
	if (r >= 0)
		r = emit_uint(&e, next, MP_DM_MAX_COUNT, "initial group");
	if (r >= 0 && t->n_groups && !t->groups)
		r = emit_fail(&e, "group");
	for (unsigned int i = 0; r >= 0 && i < t->n_groups; i++)
		r = emit_group(&e, &t->groups[i]);
	if (r >= 0 && !e.sb.buf)
		r = mp_strbuf_append(&e.sb, "", 0);
	if (r < 0) {
		if (r == -EINVAL && err)
			*err = e.err;
		mp_strbuf_release(&e.sb);
		return r;
	}
	*ret = mp_strbuf_steal(&e.sb);
	return *ret ? 0 : -ENOMEM;
}

/* ---- parse ----------------------------------------------------------- */

static int parse_group(struct mp_dm_cursor *c, struct mp_dmtable_group *g)
{
	const char *w;
	int r;

	r = mp_dm_cursor_word(c, "path selector name", &w);
	if (r < 0)
		return r;
	g->selector = strdup(w);
	if (!g->selector)
		return -ENOMEM;
	r = mp_dm_cursor_count(c, MP_DM_MAX_COUNT, 1,
			       "selector arg count (0..1024, within the line)",
			       &g->n_selector_args);
	if (r < 0)
		return r;
	r = mp_dm_cursor_words(c, g->n_selector_args, "selector arg",
			       &g->selector_args);
	if (r < 0) {
		g->n_selector_args = 0;
		return r;
	}
	/* Paths are counted only once they are filled (free stays safe). */
	r = mp_dm_cursor_uint(c, 1, MP_DM_MAX_COUNT, "path count (1..1024)",
			      &g->paths_cap);
	if (r < 0)
		return r;
	r = mp_dm_cursor_uint(c, 0, MP_DM_MAX_COUNT,
			      "per-path arg count (0..1024)", &g->n_path_args);
	if (r < 0)
		return r;
	if ((uint64_t)g->paths_cap * (1u + g->n_path_args) > c->n_words - c->pos)
		return mp_dm_cursor_fail(c, c->pos - 2,
				   "path count that fits in the line");
	g->paths = calloc(g->paths_cap, sizeof(*g->paths));
	if (!g->paths)
		return -ENOMEM;
	for (unsigned int i = 0; i < g->paths_cap; i++) {
		struct mp_dmtable_path *p = &g->paths[i];

		if (mp_dm_dev_validate(c->words[c->pos]) < 0)
			return mp_dm_cursor_fail(c, c->pos,
					   "path device (major:minor or /path)");
		p->dev = strdup(c->words[c->pos++]);
		if (!p->dev)
			return -ENOMEM;
		g->n_paths++;
		r = mp_dm_cursor_words(c, g->n_path_args, "per-path arg",
				       &p->args);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Fills t from the cursor; on failure t holds what was read so far. */
static int parse_table(struct mp_dm_cursor *c, struct mp_dmtable *t)
{
	unsigned int n_hw, n_groups;
	const char *w;
	int r;

	r = mp_dm_cursor_prefix(c, &t->has_prefix, &t->start, &t->length);
	if (r < 0)
		return r;
	r = mp_dm_cursor_count(c, MP_DM_MAX_FEATURES, 1,
			       "feature count (0..8, within the line)",
			       &t->n_features);
	if (r < 0)
		return r;
	r = mp_dm_cursor_words(c, t->n_features, "feature word", &t->features);
	if (r < 0) {
		t->n_features = 0;
		return r;
	}
	r = mp_dm_cursor_count(c, MP_DM_MAX_COUNT, 1,
			       "hardware handler word count (0..1024, within the line)",
			       &n_hw);
	if (r < 0)
		return r;
	if (n_hw > 0) {
		r = mp_dm_cursor_word(c, "hardware handler name", &w);
		if (r < 0)
			return r;
		t->hwhandler = strdup(w);
		if (!t->hwhandler)
			return -ENOMEM;
		r = mp_dm_cursor_words(c, n_hw - 1, "hardware handler arg",
				       &t->hwhandler_args);
		if (r < 0)
			return r;
		t->n_hwhandler_args = n_hw - 1;
	}
	/* A group takes at least 5 words: selector, 0, 1, 0, device. */
	r = mp_dm_cursor_count(c, MP_DM_MAX_COUNT, 5,
			       "group count (0..1024, within the line)", &n_groups);
	if (r < 0)
		return r;
	r = mp_dm_cursor_uint(c, n_groups ? 1 : 0, n_groups,
			      "initial group (1..#groups, 0 without groups)",
			      &t->next_group);
	if (r < 0)
		return r;
	if (n_groups) {
		t->groups = calloc(n_groups, sizeof(*t->groups));
		if (!t->groups)
			return -ENOMEM;
		t->groups_cap = n_groups;
	}
	for (unsigned int i = 0; i < n_groups; i++) {
		/* Count the group before filling it so a failure frees it. */
		t->n_groups++;
		r = parse_group(c, &t->groups[i]);
		if (r < 0)
			return r;
	}
	return mp_dm_cursor_end(c);
}

int mp_dmtable_parse(const char *line, struct mp_dmtable **ret,
		     struct mp_dm_error *err)
{
	struct mp_dm_cursor c;
	struct mp_dmtable *t = NULL;
	int r;

	r = mp_dm_cursor_init(&c, line);
	if (r < 0)
		return r;
	r = mp_dmtable_new(&t);
	if (r >= 0)
		r = parse_table(&c, t);
	if (r < 0) {
		if (r == -EINVAL && err)
			*err = c.err;
		mp_dmtable_free(t);
		mp_dm_cursor_release(&c);
		return r;
	}
	mp_dm_cursor_release(&c);
	*ret = t;
	return 0;
}

static bool strv_equal(char *const *a, char *const *b, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static bool str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool group_equal(const struct mp_dmtable_group *a,
			const struct mp_dmtable_group *b)
{
	if (!str_equal(a->selector, b->selector) ||
	    a->n_selector_args != b->n_selector_args ||
	    !strv_equal(a->selector_args, b->selector_args, a->n_selector_args) ||
	    a->n_paths != b->n_paths || a->n_path_args != b->n_path_args)
		return false;
	for (unsigned int i = 0; i < a->n_paths; i++)
		if (!str_equal(a->paths[i].dev, b->paths[i].dev) ||
		    !strv_equal(a->paths[i].args, b->paths[i].args, a->n_path_args))
			return false;
	return true;
}

/* The group the kernel starts with: 0 stands for the first (format). */
static unsigned int effective_next(const struct mp_dmtable *t)
{
	return t->next_group == 0 && t->n_groups > 0 ? 1 : t->next_group;
}

bool mp_dmtable_equal(const struct mp_dmtable *a, const struct mp_dmtable *b)
{
	if (a->has_prefix != b->has_prefix ||
	    (a->has_prefix && (a->start != b->start || a->length != b->length)))
		return false;
	if (a->n_features != b->n_features ||
	    !strv_equal(a->features, b->features, a->n_features) ||
	    !str_equal(a->hwhandler, b->hwhandler) ||
	    a->n_hwhandler_args != b->n_hwhandler_args ||
	    !strv_equal(a->hwhandler_args, b->hwhandler_args, a->n_hwhandler_args) ||
	    effective_next(a) != effective_next(b) || a->n_groups != b->n_groups)
		return false;
	for (unsigned int i = 0; i < a->n_groups; i++)
		if (!group_equal(&a->groups[i], &b->groups[i]))
			return false;
	return true;
}
