/* Grouping (mp/group.h): paths into maps by WWID, a map's paths into
 * priority groups by policy, and the group priority rule.
 *
 * Owns nothing long-lived: mp_group_paths() builds a new group array and
 * hands it to the map (which frees it) only once it is complete, so a
 * failed allocation leaves the map as it was. mp_group_by_wwid() returns
 * maps the caller frees with mp_map_array_free(). Paths are borrowed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mp/group.h"

#define DEFAULT_SELECTOR "service-time 0"

int mp_pathgroup_prio(const struct mp_pathgroup *pg)
{
	long long sum = 0;
	size_t usable = 0;

	for (size_t i = 0; i < pg->n_paths; i++) {
		const struct mp_path *p = pg->paths[i];

		if (!mp_path_is_usable(p))
			continue;
		usable++;
		sum += p->prio > 0 ? p->prio : 0;
	}
	return usable ? (int)(sum / (long long)usable) : 0;
}

static size_t usable_count(const struct mp_pathgroup *pg)
{
	size_t n = 0;

	for (size_t i = 0; i < pg->n_paths; i++)
		n += mp_path_is_usable(pg->paths[i]);
	return n;
}

static int cmp_path_ptr(const void *a, const void *b)
{
	return mp_path_compare_devt(*(struct mp_path *const *)a, *(struct mp_path *const *)b);
}

static int cmp_group(const void *a, const void *b)
{
	const struct mp_pathgroup *x = a, *y = b;
	size_t ux, uy;

	if (x->prio != y->prio)
		return x->prio > y->prio ? -1 : 1;
	ux = usable_count(x);
	uy = usable_count(y);
	if (ux != uy)
		return ux > uy ? -1 : 1;
	/* groups are never empty and their paths are sorted */
	return mp_path_compare_devt(x->paths[0], y->paths[0]);
}

static bool same_group(enum mp_pgpolicy policy, const struct mp_path *a,
		       const struct mp_path *b)
{
	switch (policy) {
	case MP_PGPOLICY_MULTIBUS:
		return true;
	case MP_PGPOLICY_GROUP_BY_SERIAL:
		return strcmp(a->serial, b->serial) == 0;
	case MP_PGPOLICY_GROUP_BY_PRIO:
		return a->prio == b->prio;
	case MP_PGPOLICY_GROUP_BY_NODE_NAME:
		return strcmp(a->tgt_node_name, b->tgt_node_name) == 0;
	case MP_PGPOLICY_FAILOVER:
	default:
		return false;
	}
}

void mp_group_update_prio(struct mp_map *m)
{
	for (size_t g = 0; g < m->n_pgs; g++)
		m->pgs[g].prio = mp_pathgroup_prio(&m->pgs[g]);
	if (m->n_pgs > 1)
		qsort(m->pgs, m->n_pgs, sizeof(*m->pgs), cmp_group);
}

int mp_group_paths(struct mp_map *m, enum mp_pgpolicy policy, const char *selector)
{
	struct mp_path **sorted = NULL;
	size_t *gid = NULL, *fill = NULL, n_groups = 0, n;
	struct mp_pathgroup *pgs = NULL;
	int r = -ENOMEM;

	if (!m || (unsigned int)policy >= _MP_PGPOLICY_MAX)
		return -EINVAL;
	if (!selector)
		selector = DEFAULT_SELECTOR;
	if (strlen(selector) >= MP_SELECTOR_SIZE)
		return -EINVAL;
	n = m->n_paths;
	if (n == 0) {
		mp_map_clear_groups(m);
		return 0;
	}
	sorted = malloc(n * sizeof(*sorted));
	gid = malloc(n * sizeof(*gid));
	fill = calloc(n, sizeof(*fill));
	if (!sorted || !gid || !fill)
		goto out;
	memcpy(sorted, m->paths, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_path_ptr);

	/* Assign group ids in dev_t order: a path joins the group of the
	 * first earlier path it belongs with. Quadratic, and fine: a map
	 * has a handful of paths, rarely more than a few dozen. */
	for (size_t i = 0; i < n; i++) {
		gid[i] = n_groups;
		for (size_t j = 0; j < i; j++)
			if (same_group(policy, sorted[i], sorted[j])) {
				gid[i] = gid[j];
				break;
			}
		if (gid[i] == n_groups)
			n_groups++;
	}
	pgs = calloc(n_groups, sizeof(*pgs));
	if (!pgs)
		goto out;
	for (size_t i = 0; i < n; i++)
		pgs[gid[i]].n_paths++;
	for (size_t g = 0; g < n_groups; g++) {
		pgs[g].paths = malloc(pgs[g].n_paths * sizeof(*pgs[g].paths));
		if (!pgs[g].paths)
			goto out;
		memcpy(pgs[g].selector, selector, strlen(selector) + 1);
	}
	for (size_t i = 0; i < n; i++)
		pgs[gid[i]].paths[fill[gid[i]]++] = sorted[i];

	mp_map_clear_groups(m);
	m->pgs = pgs;
	m->n_pgs = n_groups;
	pgs = NULL;
	mp_group_update_prio(m);
	r = 0;
out:
	if (pgs) {
		for (size_t g = 0; g < n_groups; g++)
			free(pgs[g].paths);
		free(pgs);
	}
	free(sorted);
	free(gid);
	free(fill);
	return r;
}

void mp_map_array_free(struct mp_map **maps, size_t n)
{
	if (!maps)
		return;
	for (size_t i = 0; i < n; i++)
		mp_map_free(maps[i]);
	free(maps);
}

int mp_group_by_wwid(struct mp_path *const *paths, size_t n, struct mp_map ***ret_maps,
		     size_t *ret_n)
{
	struct mp_map **maps = NULL;
	size_t n_maps = 0;
	int r;

	if ((!paths && n) || !ret_maps || !ret_n)
		return -EINVAL;
	if (n) {
		maps = calloc(n, sizeof(*maps));	/* at most one map per path */
		if (!maps)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct mp_map *m = NULL;

		if (!paths[i]->wwid[0])
			continue;
		for (size_t k = 0; k < n_maps; k++)
			if (strcmp(maps[k]->wwid, paths[i]->wwid) == 0) {
				m = maps[k];
				break;
			}
		if (!m) {
			r = mp_map_new(paths[i]->wwid, &m);
			if (r < 0)
				goto fail;
			maps[n_maps++] = m;
		}
		r = mp_map_add_path(m, paths[i]);
		if (r < 0 && r != -EEXIST)	/* a path listed twice is harmless */
			goto fail;
	}
	*ret_maps = maps;
	*ret_n = n_maps;
	return 0;
fail:
	mp_map_array_free(maps, n_maps);
	return r;
}
