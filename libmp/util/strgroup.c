/* Grouping by string key (util/strgroup.h). Owns the two arrays of the
 * result; the index used while building is freed before returning. Linear
 * in n: one hash lookup per position, then a counting sort by group. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/strgroup.h"

struct build {
	mp_strgroup_key_fn key;
	const void *ctx;
	const size_t *first;	/* group -> its first position */
};

/* the index maps a key to a group number; a group's key is its first
 * position's key */
static const char *group_key(const void *ctx, size_t group)
{
	const struct build *b = ctx;

	return b->key(b->ctx, b->first[group]);
}

int mp_strgroup_build(size_t n, mp_strgroup_key_fn key, const void *ctx, struct mp_strgroup *ret)
{
	size_t *group_of = NULL, *first = NULL, *start = NULL, *member = NULL, n_groups = 0;
	struct build b = { .key = key, .ctx = ctx };
	struct mp_strindex ix;
	int r = -ENOMEM;

	mp_strindex_init(&ix, group_key, &b);
	group_of = calloc(n ? n : 1, sizeof(*group_of));
	first = calloc(n ? n : 1, sizeof(*first));
	member = calloc(n ? n : 1, sizeof(*member));
	if (!group_of || !first || !member || mp_strindex_reserve(&ix, n) < 0)
		goto out;
	b.first = first;
	for (size_t i = 0; i < n; i++) {
		const char *k = key(ctx, i);
		size_t g;

		group_of[i] = SIZE_MAX;
		if (!k || !k[0])
			continue;
		if (!mp_strindex_find(&ix, k, &g)) {
			g = n_groups++;
			first[g] = i;
			mp_strindex_add(&ix, k, g);
		}
		group_of[i] = g;
	}
	start = calloc(n_groups + 2, sizeof(*start));
	if (!start)
		goto out;
	/* counting sort: sizes into start[g + 2], prefix sums, then place */
	for (size_t i = 0; i < n; i++)
		if (group_of[i] != SIZE_MAX)
			start[group_of[i] + 2]++;
	for (size_t g = 2; g < n_groups + 2; g++)
		start[g] += start[g - 1];
	for (size_t i = 0; i < n; i++)
		if (group_of[i] != SIZE_MAX)
			member[start[group_of[i] + 1]++] = i;
	*ret = (struct mp_strgroup){ .n_groups = n_groups, .start = start, .member = member };
	start = member = NULL;
	r = 0;
out:
	mp_strindex_release(&ix);
	free(group_of);
	free(first);
	free(start);
	free(member);
	return r;
}

void mp_strgroup_release(struct mp_strgroup *g)
{
	if (!g)
		return;
	free(g->start);
	free(g->member);
	*g = (struct mp_strgroup){ 0 };
}
