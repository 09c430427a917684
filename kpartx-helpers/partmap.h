/* Partition maps of one multipath map: their names, uuids and linear
 * tables, and the plan that turns the maps that exist into the maps the
 * partition table asks for. Pure (no dm calls): main.c carries the plan
 * out through include/mp/dm.h.
 *
 *   name  = parent name + separator + N      ("mpatha" "-part" "1")
 *   uuid  = "part" N "-" parent uuid          ("part1-mpath-3600...")
 *   table = 0 <size> linear <maj>:<min> <start>   (512-byte sectors) */
#ifndef MP_KPARTX_PARTMAP_H
#define MP_KPARTX_PARTMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp/dm.h"
#include "ptable-parse.h"

/* What Debian's udev rule gives kpartx for multipath maps (-p -part). */
#define MP_PARTMAP_DEFAULT_SEP "-part"
#define MP_PARTMAP_PARAMS_LEN 48

struct mp_partmap_parent {
	const char *name;
	const char *uuid;	/* "mpath-<WWID>" */
	unsigned int major, minor;
};

/* One partition map: wanted (from the table) or existing (from dm). */
struct mp_partmap {
	unsigned int num;
	char name[MP_DM_NAME_LEN];
	char uuid[MP_DM_UUID_LEN];
	uint64_t size;		/* 512-byte sectors */
	uint64_t start;		/* on the parent, 512-byte sectors */
	char params[MP_PARTMAP_PARAMS_LEN];	/* "maj:min start" */
	bool linear;		/* existing: the table is one linear target */
	int open_count;		/* existing only */
};

enum mp_partmap_op {
	MP_PARTMAP_KEEP,	/* exists as wanted */
	MP_PARTMAP_CREATE,
	MP_PARTMAP_RELOAD,	/* exists with another size or start */
	MP_PARTMAP_REMOVE,	/* exists, no longer in the table */
	_MP_PARTMAP_OP_MAX,
};

struct mp_partmap_action {
	enum mp_partmap_op op;
	struct mp_partmap want;	/* REMOVE: the existing map */
	bool start_moved;	/* RELOAD: not only the size changed */
	int open_count;		/* RELOAD/REMOVE/KEEP: the existing map's */
};

const char *mp_partmap_op_to_string(enum mp_partmap_op op);

/* -ENAMETOOLONG if it does not fit a dm name / uuid. */
int mp_partmap_name(const char *parent, const char *sep, unsigned int num, char *buf, size_t len);
int mp_partmap_uuid(const char *parent_uuid, unsigned int num, char *buf, size_t len);
/* The N of a "partN-<parent_uuid>" uuid; -EINVAL if it is not one. */
int mp_partmap_uuid_num(const char *uuid, const char *parent_uuid, unsigned int *ret_num);
/* Parses existing linear params "maj:min start" of a map on this parent.
 * -EINVAL if they are not linear params on parent. */
int mp_partmap_params_start(const char *params, const struct mp_partmap_parent *parent,
			    uint64_t *ret_start);

/* The maps the table asks for; *ret is malloc'd (NULL if none). */
int mp_partmap_wanted(const struct mp_ptable *t, const struct mp_partmap_parent *parent,
		      const char *sep, struct mp_partmap **ret, size_t *ret_n);

/* What to do, in the order to do it: removals first (freeing names and
 * minors), then reloads, then creations; KEEPs last. With remove_stale
 * false (the "add" verb) existing maps not in want are left alone. */
int mp_partmap_plan(const struct mp_partmap *want, size_t n_want,
		    const struct mp_partmap *have, size_t n_have, bool remove_stale,
		    struct mp_partmap_action **ret, size_t *ret_n);

#endif
