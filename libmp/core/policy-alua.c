/* When an alua-prio path's port group state is asked again by RTPG after a
 * check (mp/policy.h, mp_policy_alua_refresh). Owns no state: the daemon
 * keeps the counters per path. First match wins:
 *
 *   condition                                         RTPG   why
 *   the check's sense: access state changed (UA)      yes    "unit attention"
 *   no RTPG has answered on this path yet              yes    "first"
 *   the last RTPG failed                               yes    "retry"
 *   no kernel view (no scsi_dh_alua access_state)      yes    "no kernel view"
 *   the path changed state with this check             yes    "path changed"
 *   ours or the kernel's state is transitioning        yes    "transitioning"
 *   the kernel's access_state differs from ours        yes    "kernel differs"
 *   `every` answering checks since the last RTPG       yes    "periodic"
 *   otherwise                                          no     "unchanged"
 *
 * Why: at 1024 paths an RTPG after every check doubled the SCSI commands
 * of the steady state for an answer that is almost always the same;
 * multipath-tools asks at every check too, which is the cost being cut.
 * The kernel's handler sees a state change as soon as any command meets
 * the target's UNIT ATTENTION, so comparing with its view keeps the
 * detection within a check or two; the periodic ask bounds it for
 * targets that change state without telling. */
#include <errno.h>
#include <stddef.h>

#include "mp/policy.h"

int mp_policy_alua_refresh(const struct mp_alua_refresh_input *in, bool *ret_ask,
			   const char **ret_why)
{
	const char *why = NULL;

	if (!in || !ret_ask || !ret_why)
		return -EINVAL;
	if (in->ua_changed)
		why = "unit attention";
	else if (!in->answered_once)
		why = "first";
	else if (in->last_failed)
		why = "retry";
	else if (!in->kernel_known)
		why = "no kernel view";
	else if (in->path_changed)
		why = "path changed";
	else if (in->ours == MP_ALUA_TRANSITIONING || in->kernel == MP_ALUA_TRANSITIONING)
		why = "transitioning";
	else if (in->kernel != in->ours)
		why = "kernel differs";
	else if (in->every <= 1 || in->checks_since + 1 >= in->every)
		why = "periodic";
	*ret_ask = why != NULL;
	*ret_why = why ? why : "unchanged";
	return 0;
}
