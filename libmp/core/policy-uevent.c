/* A path's identity read again on a uevent: what to do, and whether to
 * warn (mp/policy.h). Owns no state; the caller keeps the warned flag.
 *
 *   known  read        WWID          action   warn
 *   no     ok          -             ADD      no
 *   no     failed      -             KEEP     yes, unless gone (ENOENT, ENOTBLK)
 *   yes    ok          same / none   REFRESH  no; warned cleared
 *   yes    ok          another       REFRESH  once per run (wwid_changed)
 *   yes    failed      -             KEEP     once per run, unless gone
 *
 * "Once per run": the flag stays set until a read finds the device as
 * recorded. At 256 x 4 in the bench every change event of 743 devices
 * warned "cannot read identity" (the daemon had run out of descriptors):
 * one line per event, none of them about the device. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "mp/policy.h"

static bool device_gone(int rc)
{
	/* the node or its sysfs directory went: a remove event follows */
	return rc == -ENOENT || rc == -ENOTBLK || rc == -ENODEV;
}

int mp_policy_uevent_read(const struct mp_uevent_read *in, struct mp_uevent_verdict *ret)
{
	struct mp_uevent_verdict v = { 0 };

	if (!in || !ret || (in->known && !in->old_wwid) || (in->read_rc == 0 && !in->new_wwid))
		return -EINVAL;
	if (in->read_rc < 0) {
		v.action = MP_UEVENT_KEEP;
		v.warn = !device_gone(in->read_rc) && !in->warned;
		v.warned = in->warned || v.warn;
	} else if (!in->known) {
		v.action = MP_UEVENT_ADD;
	} else {
		v.action = MP_UEVENT_REFRESH;
		v.wwid_changed = in->old_wwid[0] && in->new_wwid[0] &&
				 strcmp(in->old_wwid, in->new_wwid) != 0;
		v.warn = v.wwid_changed && !in->warned;
		v.warned = v.wwid_changed && (in->warned || v.warn);
	}
	*ret = v;
	return 0;
}
