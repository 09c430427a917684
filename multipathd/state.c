/* The daemon's state: the only module that creates and frees path and map
 * records. struct mpd holds two arrays of pointers (paths, maps); a map's
 * model borrows pointers to its paths' struct mp_path, and a path points
 * back at its map record. Invariants: p->map == m iff &p->mp is in
 * m->model->paths; a path is detached from its map before it is freed; a
 * map is freed only with no path attached. Paths are found by device
 * number through a hash index (d->path_index): every check's timer and
 * answer looks its path up by that id, and a linear scan of a thousand
 * records per event was a third of the daemon's steady-state CPU under
 * emulation. Other lookups (names, WWIDs, uuids) come with uevents and
 * commands, and stay linear. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "daemon.h"

const char *mpd_path_devstr(const struct mpd_path *p, char *buf, size_t len)
{
	snprintf(buf, len, "%u:%u", p->mp.major, p->mp.minor);
	return buf;
}

struct mpd_path *mpd_path_find_devt(struct mpd *d, dev_t devt)
{
	size_t cursor = 0, pos;

	while (mp_posindex_next(&d->path_index, mp_posindex_hash_u64(devt), &cursor, &pos))
		if (d->paths[pos]->devt == devt)
			return d->paths[pos];
	return NULL;
}

struct mpd_path *mpd_path_find_id(struct mpd *d, uint64_t id)
{
	/* the id is the device number (mp_policy_path_id); the comparison
	 * keeps this right should that encoding change */
	struct mpd_path *p = mpd_path_find_devt(d, makedev((unsigned int)(id >> 32), (unsigned int)id));

	return p && p->id == id ? p : NULL;
}

static void path_index_add(struct mpd *d, size_t pos)
{
	mp_posindex_add(&d->path_index, mp_posindex_hash_u64(d->paths[pos]->devt), pos);
}

struct mpd_path *mpd_path_find_kname(struct mpd *d, const char *kname)
{
	for (size_t i = 0; i < d->n_paths; i++)
		if (strcmp(d->paths[i]->mp.kname, kname) == 0)
			return d->paths[i];
	return NULL;
}

struct mpd_map *mpd_map_find_uuid(struct mpd *d, const char *uuid)
{
	for (size_t i = 0; i < d->n_maps; i++)
		if (strcmp(d->maps[i]->uuid, uuid) == 0)
			return d->maps[i];
	return NULL;
}

struct mpd_map *mpd_map_find_name(struct mpd *d, const char *name)
{
	for (size_t i = 0; i < d->n_maps; i++)
		if (strcmp(d->maps[i]->name, name) == 0)
			return d->maps[i];
	return NULL;
}

struct mpd_map *mpd_map_find_wwid(struct mpd *d, const char *wwid)
{
	for (size_t i = 0; i < d->n_maps; i++)
		if (strcmp(d->maps[i]->model->wwid, wwid) == 0)
			return d->maps[i];
	return NULL;
}

static int grow(void ***v, size_t *cap, size_t n)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 32;
	void **nv = realloc(*v, nc * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = nc;
	return 0;
}

int mpd_path_add(struct mpd *d, const struct mp_sysfs_path *sp, struct mpd_path **ret)
{
	struct mpd_path *p;
	int r;

	r = grow((void ***)&d->paths, &d->cap_paths, d->n_paths);
	if (r == 0)
		r = mp_posindex_reserve(&d->path_index, 1);
	if (r < 0)
		return r;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->mp = sp->path;
	p->devt = makedev(sp->path.major, sp->path.minor);
	p->id = mp_policy_path_id(sp->path.major, sp->path.minor);
	p->sdev_state = sp->sdev_state;
	p->size = sp->size_sectors;
	snprintf(p->sg_name, sizeof(p->sg_name), "%s", sp->sg_name);
	snprintf(p->dh_state, sizeof(p->dh_state), "%s", sp->dh_state);
	p->mp.state = MP_PATH_UNCHECKED;
	p->mp.dm_state = MP_DM_PATH_ACTIVE;
	mp_policy_path_init(&p->pol, p->id);
	d->paths[d->n_paths] = p;
	path_index_add(d, d->n_paths++);
	d->paths_gen++;
	*ret = p;
	return 0;
}

void mpd_path_delete(struct mpd *d, struct mpd_path *p)
{
	mpd_map_detach_path(d, p);
	mpd_checker_release_path(d, p);
	mpd_latency_release(p);
	for (size_t i = 0; i < d->n_paths; i++)
		if (d->paths[i] == p) {
			d->paths[i] = d->paths[--d->n_paths];
			break;
		}
	/* the last record moved: index every position again (deletes are
	 * rare, and the room was reserved by the adds) */
	mp_posindex_clear(&d->path_index);
	for (size_t i = 0; i < d->n_paths; i++)
		path_index_add(d, i);
	d->paths_gen++;
	free(p);
}

int mpd_map_add(struct mpd *d, const char *wwid, struct mpd_map **ret)
{
	struct mpd_map *m;
	int r;

	r = grow((void ***)&d->maps, &d->cap_maps, d->n_maps);
	if (r < 0)
		return r;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	r = mp_map_new(wwid, &m->model);
	if (r < 0) {
		free(m);
		return r;
	}
	snprintf(m->uuid, sizeof(m->uuid), MP_DM_UUID_PREFIX "%s", wwid);
	mp_policy_queue_init(&m->q);
	mp_policy_failback_init(&m->fb);
	m->open_count = -1;
	m->held = mp_holds_contains(&d->holds, wwid);
	d->maps[d->n_maps++] = m;
	*ret = m;
	return 0;
}

void mpd_map_delete(struct mpd *d, struct mpd_map *m)
{
	for (size_t i = 0; i < d->n_paths; i++)
		if (d->paths[i]->map == m)
			mpd_map_detach_path(d, d->paths[i]);
	for (size_t i = 0; i < d->n_maps; i++)
		if (d->maps[i] == m) {
			d->maps[i] = d->maps[--d->n_maps];
			break;
		}
	mp_map_free(m->model);
	mp_dmstatus_free(m->status);
	free(m->table);
	free(m);
}

int mpd_map_attach_path(struct mpd *d, struct mpd_map *m, struct mpd_path *p)
{
	int r;

	if (p->map == m)
		return 0;
	mpd_map_detach_path(d, p);
	r = mp_map_add_path(m->model, &p->mp);
	if (r < 0)
		return r;
	p->map = m;
	p->why_not[0] = '\0';
	return 0;
}

void mpd_map_detach_path(struct mpd *d, struct mpd_path *p)
{
	(void)d;
	if (!p->map)
		return;
	mp_map_remove_path(p->map->model, &p->mp);
	p->map = NULL;
}
