/* Grouping: paths into maps by WWID, and a map's paths into priority
 * groups by path_grouping_policy (enum mp_pgpolicy in mp/types.h).
 *
 * Group priority is the MEAN prio of the group's usable paths
 * (mp_path_is_usable), 0 when none is usable; unknown prios (-1) count as
 * 0. Mean, not sum: with a sum, four active/non-optimized paths (4 x 10)
 * would outrank three active/optimized ones (3 x 50 = 150 only beats 40,
 * but six non-optimized paths beat one optimized), i.e. the number of
 * cables would decide where I/O goes, not the array's ALUA advice.
 * Down paths stay in their group (so the dm table keeps them and the
 * kernel can fail back), they just stop contributing.
 *
 * Ordering is fully deterministic: paths within a group by dev_t; groups
 * by priority (highest first), then by number of usable paths (more
 * first), then by the lowest dev_t in the group. */
#ifndef MP_GROUP_H
#define MP_GROUP_H

#include <stddef.h>

#include "mp/map.h"
#include "mp/types.h"

/* Rebuilds m->pgs from m->paths. selector (may be NULL: "service-time 0")
 * is copied into every group. On failure the old groups are kept.
 *   failover            one path per group
 *   multibus            all paths in one group
 *   group_by_serial     same p->serial together
 *   group_by_prio       same p->prio together
 *   group_by_node_name  same p->tgt_node_name together */
int mp_group_paths(struct mp_map *m, enum mp_pgpolicy policy, const char *selector);

/* Recomputes each group's prio and re-sorts the groups, after path
 * states or prios changed, without regrouping. */
void mp_group_update_prio(struct mp_map *m);

/* The priority rule above, for one group. */
int mp_pathgroup_prio(const struct mp_pathgroup *pg);

/* Paths into maps, one per distinct non-empty WWID, maps in order of each
 * WWID's first appearance, paths in input order. Paths without a WWID are
 * skipped. *ret_maps is an array the caller frees with mp_map_array_free();
 * the maps borrow the paths. */
int mp_group_by_wwid(struct mp_path *const *paths, size_t n, struct mp_map ***ret_maps,
		     size_t *ret_n);
void mp_map_array_free(struct mp_map **maps, size_t n);

#endif
