/* Path claiming: does a block device belong to a multipath map (now or
 * soon), so that udev marks it and LVM, mdraid, blkid-based mounting and
 * systemd leave it alone?
 *
 * The decision is pure (libmp/core/claim.c): the caller gathers the facts
 * (blacklist verdict, find_multipaths mode, wwids file, other paths with
 * the same WWID, who holds the device, whether the map exists) and the
 * time, and gets a verdict. `mpctl claim` gathers them from sysfs and the
 * config files for udev; the daemon's own assembly uses the same modes.
 *
 * Verdicts:
 *   MP_CLAIM_YES    the device is or will be a path of a multipath map
 *   MP_CLAIM_NO     leave it to everyone else
 *   MP_CLAIM_MAYBE  find_multipaths smart, a single path not yet known:
 *                   hold it back until ret->deadline_us; if no second path
 *                   and no map has turned up by then, it is released (NO).
 *
 * Invariants: a device held by this WWID's multipath map is always claimed;
 * a device held by anything else (an LVM LV, a dm-crypt) never is; a claim
 * once made survives change events (sticky) unless the blacklist now
 * excludes the device, so a path does not flap between owners. */
#ifndef MP_CLAIM_H
#define MP_CLAIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp/blacklist.h"
#include "mp/types.h"

/* Default hold-back for find_multipaths smart, in seconds. */
#define MP_CLAIM_SMART_TIMEOUT_S 10

enum mp_claim {
	MP_CLAIM_NO,
	MP_CLAIM_YES,
	MP_CLAIM_MAYBE,
	_MP_CLAIM_MAX,
};

/* Why: one reason per verdict, for logs and `mpctl claim` output. */
enum mp_claim_reason {
	MP_CLAIM_R_NO_WWID,		/* no identity: cannot be multipathed */
	MP_CLAIM_R_BLACKLISTED,
	MP_CLAIM_R_HELD_BY_OTHER,	/* another dm device uses it */
	MP_CLAIM_R_IN_MAP,		/* its multipath map holds it */
	MP_CLAIM_R_MAP_EXISTS,		/* the map for its WWID exists */
	MP_CLAIM_R_STICKY,		/* claimed before, nothing excludes it now */
	MP_CLAIM_R_GREEDY,		/* find_multipaths off/greedy: every path */
	MP_CLAIM_R_IN_WWIDS,		/* the wwids file knows the WWID */
	MP_CLAIM_R_OTHER_PATH,		/* a second path with the same WWID */
	MP_CLAIM_R_NOT_IN_WWIDS,	/* strict, and the file does not know it */
	MP_CLAIM_R_SINGLE_PATH,		/* on: one path, WWID unknown */
	MP_CLAIM_R_SMART_WAIT,		/* smart: waiting for a second path */
	MP_CLAIM_R_SMART_EXPIRED,	/* smart: nobody came in time */
	_MP_CLAIM_R_MAX,
};

enum mp_claim_holder {
	MP_CLAIM_HOLDER_NONE,		/* no dm device stacked on it */
	MP_CLAIM_HOLDER_MPATH,		/* the multipath map of its own WWID */
	MP_CLAIM_HOLDER_OTHER,		/* anything else */
	_MP_CLAIM_HOLDER_MAX,
};

struct mp_claim_input {
	bool has_wwid;
	enum mp_blacklist_verdict blacklist;
	enum mp_find_multipaths find_multipaths;
	bool in_wwids;			/* WWID listed in the wwids file */
	bool other_path;		/* another allowed path has the same WWID */
	bool map_exists;		/* a dm map with uuid "mpath-" WWID exists */
	enum mp_claim_holder holder;
	bool was_claimed;		/* the previous event said YES */
	/* find_multipaths smart: the time now, the deadline a previous
	 * MAYBE set (0: none yet) and the hold-back for a new one. Any
	 * monotonic or wall clock in microseconds, as long as it is one. */
	uint64_t now_us;
	uint64_t deadline_us;
	unsigned int timeout_s;		/* 0: mp_claim_probe() fills it from the config */
};

struct mp_claim_result {
	enum mp_claim verdict;
	enum mp_claim_reason reason;
	uint64_t deadline_us;		/* MP_CLAIM_MAYBE only, else 0 */
};

/* find_multipaths smart's hold-back for one device, in seconds, from
 * find_multipaths_timeout (> 0: for every device; < 0: |v| for a device
 * the hardware table or a devices entry knows, 1 s for others, so that a
 * lone local disk holds nothing back; 0: the default, -10). */
unsigned int mp_claim_smart_timeout(int find_multipaths_timeout, bool known_hardware);

/* Decides; cannot fail. */
void mp_claim_decide(const struct mp_claim_input *in, struct mp_claim_result *ret);

const char *mp_claim_to_string(enum mp_claim v);
const char *mp_claim_reason_to_string(enum mp_claim_reason v);
const char *mp_claim_holder_to_string(enum mp_claim_holder v);

/* ---- gathering the facts (libmp/sys/claim-probe.c) ---- */

struct mp_config;
struct mp_wwids;
struct mp_sysfs_path;

/* Fills in everything of *ret_in that sysfs and the config tell about the
 * block device kname (identity from sysfs, no SG_IO): has_wwid,
 * blacklist (devnode, wwid, vendor/product and protocol rules; property
 * rules are left to the daemon, since the properties they name are set by
 * rules that run after ours), find_multipaths for the device, in_wwids
 * (wwids may be NULL: nothing known), other_path (any other allowed sd/nvme
 * device under root/block with the same WWID), map_exists and holder. The
 * caller sets was_claimed and the clock fields. sp receives the sysfs
 * identity; reason (may be NULL) the blacklist's explanation.
 * Returns 0, or the error of mp_sysfs_path_read() (-ENOENT, -ENOTBLK). */
int mp_claim_probe(const char *root, const char *kname, const struct mp_config *cfg,
		   const struct mp_wwids *wwids, struct mp_claim_input *ret_in,
		   struct mp_sysfs_path *sp, char *reason, size_t reasonlen);

#endif
