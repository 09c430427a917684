/* The checker's failure to open a path's sg node: a verdict or not
 * (mp/policy.h). Owns no state; the caller keeps mp_sg_open_state per path.
 *
 *   error                          outcome
 *   ENOENT, ENODEV (node or sysfs  WAIT while now - first failure < grace,
 *   entry not there yet)           then VERDICT (the node never came)
 *   EMFILE, ENFILE, ENOMEM         WAIT, always: the daemon's shortage says
 *   (the daemon's own shortage)    nothing about the path, and failing
 *                                  healthy paths for it could fail them all
 *   anything else (ENXIO, EIO,     VERDICT at once
 *   EACCES...)
 *
 * At 256 LUNs x 4 paths in the emulated bench 14 paths went "unchecked ->
 * down (cannot open the sg node)" at their first check and were failed in
 * their maps. */
#include <errno.h>
#include <stddef.h>

#include "mp/policy.h"

int mp_policy_sg_open_failed(const struct mp_sg_open_state *cur, int err, uint64_t now_ms,
			     uint64_t grace_ms, struct mp_sg_open_state *ret,
			     enum mp_sg_open_outcome *ret_outcome)
{
	struct mp_sg_open_state n;
	enum mp_sg_open_outcome o;

	if (!cur || !ret || !ret_outcome || err >= 0)
		return -EINVAL;
	n = *cur;
	if (n.fails == 0 || n.first_fail_ms == 0)
		n.first_fail_ms = now_ms ? now_ms : 1;
	n.fails++;
	switch (err) {
	case -ENOENT:
	case -ENODEV:
		o = now_ms - n.first_fail_ms < grace_ms ? MP_SG_OPEN_WAIT : MP_SG_OPEN_VERDICT;
		break;
	case -EMFILE:
	case -ENFILE:
	case -ENOMEM:
		o = MP_SG_OPEN_WAIT;
		break;
	default:
		o = MP_SG_OPEN_VERDICT;
		break;
	}
	*ret = n;
	*ret_outcome = o;
	return 0;
}

void mp_policy_sg_open_ok(struct mp_sg_open_state *s)
{
	if (s)
		*s = (struct mp_sg_open_state){ 0 };
}
