/* The map model (mp/map.h): a map's path list and groups.
 *
 * Owns: the map struct, its path pointer array (not the paths), its group
 * array and each group's path pointer array. Invariants: every path in a
 * group is in m->paths; no dev_t appears twice in m->paths; every path's
 * wwid equals the map's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp/map.h"

int mp_map_new(const char *wwid, struct mp_map **ret)
{
	struct mp_map *m;

	if (!ret || !wwid || !wwid[0] || strlen(wwid) >= MP_WWID_SIZE)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	memcpy(m->wwid, wwid, strlen(wwid) + 1);
	*ret = m;
	return 0;
}

void mp_map_clear_groups(struct mp_map *m)
{
	for (size_t i = 0; i < m->n_pgs; i++)
		free(m->pgs[i].paths);
	free(m->pgs);
	m->pgs = NULL;
	m->n_pgs = 0;
}

void mp_map_free(struct mp_map *m)
{
	if (!m)
		return;
	mp_map_clear_groups(m);
	free(m->paths);
	free(m);
}

int mp_map_set_alias(struct mp_map *m, const char *alias)
{
	if (!m || !alias || strlen(alias) >= MP_ALIAS_SIZE)
		return -EINVAL;
	memcpy(m->alias, alias, strlen(alias) + 1);
	return 0;
}

const char *mp_map_name(const struct mp_map *m)
{
	return m->alias[0] ? m->alias : m->wwid;
}

struct mp_path *mp_map_find_path(const struct mp_map *m, uint32_t major, uint32_t minor)
{
	for (size_t i = 0; i < m->n_paths; i++)
		if (m->paths[i]->major == major && m->paths[i]->minor == minor)
			return m->paths[i];
	return NULL;
}

int mp_map_add_path(struct mp_map *m, struct mp_path *p)
{
	if (!m || !p || strcmp(p->wwid, m->wwid) != 0)
		return -EINVAL;
	for (size_t i = 0; i < m->n_paths; i++)
		if (m->paths[i] == p || (m->paths[i]->major == p->major &&
					 m->paths[i]->minor == p->minor))
			return -EEXIST;
	if (m->n_paths == m->cap_paths) {
		size_t cap = m->cap_paths ? 2 * m->cap_paths : 4;
		struct mp_path **v = reallocarray(m->paths, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->paths = v;
		m->cap_paths = cap;
	}
	m->paths[m->n_paths++] = p;
	return 0;
}

/* Removes p from an array keeping the order; returns whether it was there. */
static int drop_ptr(struct mp_path **v, size_t *n, const struct mp_path *p)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i] == p) {
			memmove(v + i, v + i + 1, (*n - i - 1) * sizeof(*v));
			(*n)--;
			return 1;
		}
	return 0;
}

int mp_map_remove_path(struct mp_map *m, const struct mp_path *p)
{
	size_t g = 0;

	if (!m || !p)
		return -EINVAL;
	if (!drop_ptr(m->paths, &m->n_paths, p))
		return -ENOENT;
	while (g < m->n_pgs) {
		struct mp_pathgroup *pg = &m->pgs[g];

		drop_ptr(pg->paths, &pg->n_paths, p);
		if (pg->n_paths > 0) {
			g++;
			continue;
		}
		/* an empty group would be an invalid dm table */
		free(pg->paths);
		memmove(pg, pg + 1, (m->n_pgs - g - 1) * sizeof(*pg));
		m->n_pgs--;
	}
	return 0;
}
