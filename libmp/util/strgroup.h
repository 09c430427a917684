/* Grouping of an array's positions by a string key, in one linear pass:
 * the distinct keys in order of first occurrence, and for each the
 * positions that carry it, in array order. The daemon groups its paths by
 * WWID with it at start-up: comparing every path with every other one was
 * a million string compares at 1024 paths. Keys are borrowed from the
 * caller's array (key_fn), which must not change while the grouping is
 * used. */
#ifndef MP_UTIL_STRGROUP_H
#define MP_UTIL_STRGROUP_H

#include <stddef.h>

#include "util/strindex.h"

/* The key of position pos; NULL or "" leaves the position out. */
typedef const char *(*mp_strgroup_key_fn)(const void *ctx, size_t pos);

struct mp_strgroup {
	size_t n_groups;
	/* group g's positions: member[start[g]] .. member[start[g + 1] - 1] */
	size_t *start;		/* n_groups + 1 entries */
	size_t *member;
};

/* Groups positions 0..n-1. 0 or -ENOMEM (ret untouched). */
int mp_strgroup_build(size_t n, mp_strgroup_key_fn key, const void *ctx, struct mp_strgroup *ret);
void mp_strgroup_release(struct mp_strgroup *g);
/* Number of positions in group g. */
static inline size_t mp_strgroup_size(const struct mp_strgroup *g, size_t i)
{
	return g->start[i + 1] - g->start[i];
}
/* The positions of group g. */
static inline const size_t *mp_strgroup_members(const struct mp_strgroup *g, size_t i)
{
	return g->member + g->start[i];
}

#endif
