/* udev and table changes: for a create or reload, which udev flags the
 * uevent carries and how long the daemon waits for udev to finish with it.
 * Owns no state.
 *
 * Why it matters: a map that queues (queue_if_no_path) and has no path
 * that can serve I/O holds every read for ever. The generic dm rules
 * (60-persistent-storage-dm / 13-dm-disk, blkid) read every map on its
 * change uevent, so udev's worker blocks in that read, 95-dm-notify never
 * runs, and the cookie is never signalled. A daemon that waits for the
 * cookie without a bound waits for ever, and the reload that would bring
 * the paths back (and so end the read) waits behind it.
 *
 *   no path in the new table serves I/O  -> no_paths: the rules are told
 *                                           not to probe (nothing opens it)
 *   reload                               -> reload flag; short bounded wait
 *   create                               -> long bounded wait, per map
 *
 * The bound stays even with no_paths set: a path can die while udev probes
 * a table that still had one (the second path unplugged just after the
 * first), and that read queues as well. */
#include <errno.h>
#include <stddef.h>

#include "mp/policy.h"

bool mp_policy_path_serves_io(enum mp_path_state s, enum mp_alua_state a)
{
	switch (s) {
	case MP_PATH_UNCHECKED:
		/* No checker verdict yet (a start-up assembly runs before the
		 * first check), but discovery read the port's ALUA state: a
		 * standby, unavailable or offline port fails every read at
		 * once, so the map would queue them as with no path at all. */
		return a != MP_ALUA_STANDBY && a != MP_ALUA_UNAVAILABLE && a != MP_ALUA_OFFLINE;
	case MP_PATH_UP:
	case MP_PATH_SHAKY:
	case MP_PATH_PENDING:
		return true;
	case MP_PATH_DOWN:
	case MP_PATH_GHOST:
	default:
		return false;
	}
}

int mp_policy_table_udev(const struct mp_table_change *c, struct mp_table_udev *ret)
{
	struct mp_table_udev u = { 0 };
	unsigned int usable = 0;
	uint64_t wait;

	if (!c || !ret || c->n_maps == 0 || (c->n_paths && !c->states))
		return -EINVAL;
	for (unsigned int i = 0; i < c->n_paths; i++)
		if (mp_policy_path_serves_io(c->states[i], c->alua ? c->alua[i] : MP_ALUA_UNKNOWN))
			usable++;
	u.no_paths = usable == 0;
	u.reload = !c->create;
	if (c->create) {
		wait = MP_UDEV_WAIT_CREATE_MS + (uint64_t)c->n_maps * MP_UDEV_WAIT_PER_MAP_MS;
		u.wait_ms = wait > UINT32_MAX ? UINT32_MAX : (uint32_t)wait;
	} else {
		u.wait_ms = MP_UDEV_WAIT_RELOAD_MS;
	}
	*ret = u;
	return 0;
}
