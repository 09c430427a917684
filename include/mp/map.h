/* The map model: one multipath device (a dm "multipath" target) = one LUN
 * reached through several paths, split into priority-ordered path groups.
 *
 * A map borrows its paths: it holds pointers and never frees a path. The
 * daemon's state module owns both and removes a path from its map before
 * freeing it. Groups are owned by the map and rebuilt whole by
 * mp_group_paths() (mp/group.h). */
#ifndef MP_MAP_H
#define MP_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "mp/path.h"

#define MP_ALIAS_SIZE		128
#define MP_SELECTOR_SIZE	64

struct mp_pathgroup {
	int prio;			/* see mp/group.h for how it is computed */
	char selector[MP_SELECTOR_SIZE];	/* dm path selector, "service-time 0" */
	size_t n_paths;
	struct mp_path **paths;		/* borrowed, ordered by dev_t */
};

struct mp_map {
	char alias[MP_ALIAS_SIZE];	/* "mpatha" or a user alias; "" = use wwid */
	char wwid[MP_WWID_SIZE];
	uint64_t size;			/* in 512-byte sectors, 0 unknown */
	size_t n_paths;
	struct mp_path **paths;		/* borrowed, in insertion order */
	size_t n_pgs;
	struct mp_pathgroup *pgs;	/* owned, highest priority first */
	size_t cap_paths;		/* internal */
};

/* wwid must be non-empty and fit MP_WWID_SIZE. */
int mp_map_new(const char *wwid, struct mp_map **ret);
/* Frees the map and its groups, never its paths. Accepts NULL. */
void mp_map_free(struct mp_map *m);
int mp_map_set_alias(struct mp_map *m, const char *alias);
/* The map's name as dm and users see it: the alias, else the wwid. */
const char *mp_map_name(const struct mp_map *m);

/* Adds a path whose wwid equals the map's: -EINVAL if it differs,
 * -EEXIST if the path (or another with its dev_t) is already there.
 * The path joins no group until the next mp_group_paths(). */
int mp_map_add_path(struct mp_map *m, struct mp_path *p);
/* Removes the path from the map and from every group (emptied groups are
 * dropped). -ENOENT if it is not in the map. */
int mp_map_remove_path(struct mp_map *m, const struct mp_path *p);
struct mp_path *mp_map_find_path(const struct mp_map *m, uint32_t major, uint32_t minor);

/* Drops every group (used by grouping before it rebuilds them). */
void mp_map_clear_groups(struct mp_map *m);

#endif
