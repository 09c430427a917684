/* Policy state machines: pure functions of (state, event, now) that decide
 * what the daemon should do to the kernel. They never do I/O and never read
 * the clock: time is a monotonic millisecond count the caller passes in.
 *
 * Five machines, one file each under libmp/core/policy-*.c:
 *   path      checker results, dm events, operator commands -> path state,
 *             fail/reinstate/purge actions (policy-path.c)
 *   shaky     per-path failure history in a fixed ring -> quarantine
 *             (policy-shaky.c), used by the path machine
 *   failback  path-group view + failback mode -> switch_group (policy-failback.c)
 *   queue     usable path count, checker ticks, no_path_retry, operator
 *             overrides -> queue_if_no_path on/off (policy-queue.c)
 *   interval  per-path next check time and check timeout (policy-interval.c)
 *
 * Conventions: every step takes the current state as const, writes the next
 * state to ret_* only on success and appends actions to a caller-owned,
 * bounded list. A step is all-or-nothing: on error (-EINVAL for bad input,
 * -ENOBUFS when the list is full) the list is left as it was and ret_* is
 * untouched. ret_* may point at the current state (update in place).
 * docs/design-policy.md has the diagrams and invariants. */
#ifndef MP_POLICY_H
#define MP_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "mp/path.h"
#include "mp/types.h"

/* ---- time ---------------------------------------------------------------- */

/* A deadline never wraps: UINT64_MAX means "never". */
#define MP_POLICY_NEVER UINT64_MAX

static inline uint64_t mp_policy_deadline(uint64_t now_ms, uint64_t delta_ms)
{
	return delta_ms > MP_POLICY_NEVER - now_ms ? MP_POLICY_NEVER : now_ms + delta_ms;
}

/* ---- actions ------------------------------------------------------------- */

enum mp_action_kind {
	MP_ACT_FAIL_PATH,	/* dm message "fail_path <dev>" */
	MP_ACT_REINSTATE_PATH,	/* dm message "reinstate_path <dev>" */
	MP_ACT_SWITCH_GROUP,	/* dm message "switch_group <group>" */
	MP_ACT_SET_QUEUEING,	/* "queue_if_no_path" (on) / "fail_if_no_path" (off) */
	MP_ACT_PURGE_PATH,	/* the LUN is gone: remove the path from the map */
	MP_ACT_RELOAD_MAP,	/* table must be reloaded (not emitted yet; reserved) */
	MP_ACT_EVENT,		/* nothing to do: a fact worth one log line */
	_MP_ACT_MAX,
};

/* Path ids: the dev_t of the path's block device, folded into 64 bits. */
static inline uint64_t mp_policy_path_id(unsigned int major, unsigned int minor)
{
	return ((uint64_t)major << 32) | minor;
}

struct mp_action {
	enum mp_action_kind kind;
	uint64_t path_id;	/* path actions; 0 otherwise */
	unsigned int group;	/* SWITCH_GROUP: 1-based dm group number */
	bool on;		/* SET_QUEUEING */
	const char *reason;	/* static string, never freed */
};

/* A bounded list over caller memory. One step appends at most
 * MP_POLICY_MAX_STEP_ACTIONS actions, so a list of that size never fills
 * within a single step when the caller drains it between steps. */
#define MP_POLICY_MAX_STEP_ACTIONS 4

struct mp_actions {
	struct mp_action *v;	/* caller-owned array of cap entries */
	unsigned int len;
	unsigned int cap;
};

const char *mp_action_kind_to_string(enum mp_action_kind v);
/* 0, or -EINVAL (NULL list/array with cap > 0). */
int mp_policy_actions_init(struct mp_actions *ret, struct mp_action *buf, unsigned int cap);
/* 0, -EINVAL, or -ENOBUFS when full (list unchanged). */
int mp_policy_actions_push(struct mp_actions *a, const struct mp_action *act);

/* ---- shaky-path detection ------------------------------------------------ */

/* A simpler, documented stand-in for multipath-tools' marginal_path_*:
 * a path whose usable->down transitions reach `threshold` within
 * `window_ms` is quarantined (SHAKY, kept failed in the kernel). It is
 * re-admitted once `recheck_gap_ms` has passed since its last failure and
 * the checker says up. threshold = 2 with window = marginal_path_double_
 * failed_time and gap = marginal_path_err_recheck_gap_time gives the
 * "failed twice within T" rule; I/O error-rate sampling is not modelled. */
#define MP_SHAKY_RING 8

struct mp_shaky_config {
	unsigned int threshold;		/* 0 = detection off; else 2..MP_SHAKY_RING */
	uint64_t window_ms;		/* > 0 when enabled */
	uint64_t recheck_gap_ms;	/* > 0 when enabled */
};

struct mp_shaky {
	uint64_t fail_ms[MP_SHAKY_RING];	/* failure times, ring */
	unsigned int head;		/* next slot to write */
	unsigned int count;		/* valid entries, <= MP_SHAKY_RING */
	bool quarantined;
	uint64_t last_fail_ms;		/* valid when count > 0 or quarantined */
};

void mp_policy_shaky_init(struct mp_shaky *ret);
/* 0 or -EINVAL for a bad config. */
int mp_policy_shaky_config_check(const struct mp_shaky_config *cfg);
/* Records one failure at now; quarantines when the threshold is reached.
 * -EINVAL for a bad config or when now is before the last failure. */
int mp_policy_shaky_record(const struct mp_shaky *cur, const struct mp_shaky_config *cfg,
			   uint64_t now_ms, struct mp_shaky *ret);
/* Failures whose age (now - t) is < window_ms. */
int mp_policy_shaky_count(const struct mp_shaky *cur, const struct mp_shaky_config *cfg,
			  uint64_t now_ms, unsigned int *ret_count);
/* Ends the quarantine when the gap has passed (now >= last + gap) and clears
 * the history; *ret_readmitted says whether it did. */
int mp_policy_shaky_try_readmit(const struct mp_shaky *cur, const struct mp_shaky_config *cfg,
				uint64_t now_ms, struct mp_shaky *ret, bool *ret_readmitted);

/* ---- path state ---------------------------------------------------------- */

enum mp_checker_result {
	MP_CHK_UP,
	MP_CHK_DOWN,
	MP_CHK_GHOST,		/* ALUA standby / unavailable */
	MP_CHK_TRANSITIONING,	/* ALUA transitioning */
	MP_CHK_UNIT_ATTENTION,	/* answered with a UA: alive, ask again */
	MP_CHK_LUN_GONE,	/* target answers, LUN unmapped */
	MP_CHK_TIMEOUT,		/* no answer within checker_timeout */
	_MP_CHK_MAX,
};

enum mp_path_event_kind {
	MP_PEV_CHECKER,		/* uses .chk */
	MP_PEV_DM_FAILED,	/* kernel failed the path (I/O error) */
	MP_PEV_DM_SYNC,		/* kernel's A/F read afresh (status, reload) */
	MP_PEV_OPER_FAIL,	/* operator: fail path */
	MP_PEV_OPER_REINSTATE,	/* operator: reinstate path */
	_MP_PEV_MAX,
};

struct mp_path_event {
	enum mp_path_event_kind kind;
	enum mp_checker_result chk;	/* MP_PEV_CHECKER */
	enum mp_dm_path_state dm;	/* the kernel's A/F for this path now
					 * (ignored for DM_FAILED: it is F) */
	uint64_t now_ms;
};

struct mp_path_policy {
	uint64_t id;			/* path id for actions */
	enum mp_path_state state;	/* effective state the daemon reports */
	enum mp_path_state health;	/* last checker verdict, before overrides */
	bool admin_failed;		/* operator failed it; only OPER_REINSTATE clears */
	bool gone;			/* LUN_GONE seen; purge already asked for */
	bool recheck;			/* output of the last step: check again soon */
	struct mp_shaky shaky;
};

const char *mp_checker_result_to_string(enum mp_checker_result v);
const char *mp_path_event_kind_to_string(enum mp_path_event_kind v);
void mp_policy_path_init(struct mp_path_policy *ret, uint64_t id);
/* The kernel flag the state calls for: 0 and *ret_dm, or -ENODATA when the
 * state does not decide it (UNCHECKED, PENDING leave the kernel alone). */
int mp_policy_path_wanted_dm(const struct mp_path_policy *p, enum mp_dm_path_state *ret_dm);
/* One event. shaky may be NULL (detection off). */
int mp_policy_path_step(const struct mp_path_policy *cur, const struct mp_path_event *ev,
			const struct mp_shaky_config *shaky, struct mp_actions *acts,
			struct mp_path_policy *ret);

/* ---- failback ------------------------------------------------------------ */

#define MP_FAILBACK_MAX_GROUPS 64

struct mp_pg_view {
	unsigned int prio;		/* higher is better */
	unsigned int usable_paths;	/* paths UP or GHOST and active in dm */
};

struct mp_failback_input {
	const struct mp_pg_view *groups;	/* groups[i] is dm group i + 1 */
	unsigned int nr_groups;			/* 1..MP_FAILBACK_MAX_GROUPS */
	unsigned int current;			/* kernel's current group, 0 = none */
	uint64_t now_ms;
};

struct mp_failback_state {
	bool known;		/* down_mask has been recorded once */
	uint64_t down_mask;	/* bit i: group i + 1 had no usable path */
	bool armed;		/* deferred timer running */
	uint64_t deadline_ms;	/* when armed */
};

void mp_policy_failback_init(struct mp_failback_state *ret);
int mp_policy_failback_step(const struct mp_failback_state *cur, const struct mp_failback *cfg,
			    const struct mp_failback_input *in, struct mp_actions *acts,
			    struct mp_failback_state *ret);

/* ---- no_path_retry / queueing -------------------------------------------- */

enum mp_queue_event_kind {
	MP_QEV_PATHS,		/* usable path count (re)computed */
	MP_QEV_TICK,		/* one checker interval (polling_interval) passed */
	MP_QEV_OPER_DISABLE,	/* "disablequeueing": behave as fail */
	MP_QEV_OPER_RESTORE,	/* "restorequeueing": back to the configuration */
	MP_QEV_OPER_FORCE,	/* "forcequeueing": behave as queue */
	_MP_QEV_MAX,
};

struct mp_queue_event {
	enum mp_queue_event_kind kind;
	unsigned int usable_paths;	/* carried by every event */
};

enum mp_queue_override {
	MP_QUEUE_OVR_NONE,
	MP_QUEUE_OVR_DISABLED,
	MP_QUEUE_OVR_FORCED,
	_MP_QUEUE_OVR_MAX,
};

struct mp_queue_state {
	bool known;			/* the kernel's flag has been set once */
	bool queueing;			/* what we last told the kernel */
	bool counting;			/* no_path_retry N countdown running */
	bool exhausted;			/* countdown ran out; off until a path returns */
	unsigned int retries_left;	/* while counting */
	enum mp_queue_override ovr;
};

const char *mp_queue_event_kind_to_string(enum mp_queue_event_kind v);
void mp_policy_queue_init(struct mp_queue_state *ret);
int mp_policy_queue_step(const struct mp_queue_state *cur, const struct mp_no_path_retry *cfg,
			 const struct mp_queue_event *ev, struct mp_actions *acts,
			 struct mp_queue_state *ret);
/* dm-multipath's queue_if_no_path_timeout_secs safety net for one map:
 * COUNT -> count * polling_interval_s + margin_s (the kernel gives up a
 * little after we would have); FAIL and QUEUE -> 0 (no timeout wanted).
 * -EINVAL for polling_interval_s == 0 or a bad cfg, -ERANGE on overflow. */
int mp_policy_queue_timeout_secs(const struct mp_no_path_retry *cfg, unsigned int polling_interval_s,
				 unsigned int margin_s, unsigned int *ret_secs);
/* The module parameter is global: combine per-map values. Any QUEUE map
 * makes it 0 (a global timeout would break "queue forever"); otherwise the
 * largest value. -EINVAL for NULL with n > 0. */
int mp_policy_queue_timeout_combine(const struct mp_no_path_retry *cfgs, unsigned int n,
				    unsigned int polling_interval_s, unsigned int margin_s,
				    unsigned int *ret_secs);

/* ---- udev and table changes ---------------------------------------------- */

/* What udev is told, and how long the daemon waits for it, when a map's
 * table is created or swapped (policy-udev.c). Every create and reload
 * makes the kernel send a "change" uevent, and the generic dm rules probe
 * the map for its contents (blkid). With queue_if_no_path and no path that
 * can carry I/O that read waits for ever: udev never signals the cookie,
 * and a wait for it would never end — while the paths that would end the
 * read wait behind it. Hence: */
struct mp_table_change {
	bool create;				/* a new map; else a reload of a live one */
	unsigned int n_maps;			/* creates under one cookie (>= 1) */
	const enum mp_path_state *states;	/* the new table's paths */
	const enum mp_alua_state *alua;		/* their ports' ALUA states; NULL: unknown */
	unsigned int n_paths;
};

struct mp_table_udev {
	bool reload;		/* tell the rules it is a reload: nothing above rescans */
	bool no_paths;		/* no path can serve I/O: nobody may open the map to probe */
	uint32_t wait_ms;	/* the longest wait for udev to finish with the uevents */
};

/* Waits. A reload's uevent creates no node: waiting only keeps udev's work
 * in step, so it is short; once it passes the change stands and the cookie
 * is let go. A create is reported once /dev/mapper/NAME exists, so it waits
 * longer: beyond udev's own event timeout (180 s, after which the cookie
 * can no longer be signalled) plus a share per map of the batch. */
#define MP_UDEV_WAIT_RELOAD_MS 10000u
#define MP_UDEV_WAIT_CREATE_MS 180000u
#define MP_UDEV_WAIT_PER_MAP_MS 1000u

/* A path that may serve I/O in a new table (every path of a new table
 * starts active in the kernel): up, shaky (answers), pending, and
 * unchecked unless its port's ALUA state (a) already says standby,
 * unavailable or offline. Not down, not ghost (ALUA standby fails I/O). */
bool mp_policy_path_serves_io(enum mp_path_state s, enum mp_alua_state a);
/* -EINVAL for NULL, n_maps 0, or paths without states. */
int mp_policy_table_udev(const struct mp_table_change *c, struct mp_table_udev *ret);

/* ---- checker interval ---------------------------------------------------- */

/* Floor for any check period, and the delay of a "recheck soon". */
#define MP_INTERVAL_FLOOR_MS 1000

struct mp_interval_config {
	uint64_t polling_interval_ms;		/* >= MP_INTERVAL_FLOOR_MS */
	uint64_t max_polling_interval_ms;	/* >= polling_interval_ms */
	uint64_t failed_interval_ms;		/* 0 = polling_interval; else
						 * FLOOR..polling_interval */
	uint64_t checker_timeout_ms;		/* > 0 */
};

struct mp_interval_state {
	uint64_t interval_ms;		/* current period */
	enum mp_path_state last;	/* state at the last update */
	bool in_flight;			/* a check is running */
	uint64_t next_ms;		/* next check, or check timeout when in flight */
};

enum mp_interval_due {
	MP_INTERVAL_WAIT,	/* nothing before next_ms */
	MP_INTERVAL_CHECK,	/* start a check */
	MP_INTERVAL_TIMEOUT,	/* the running check timed out: feed MP_CHK_TIMEOUT */
};

int mp_policy_interval_config_check(const struct mp_interval_config *cfg);
/* First check due at now. */
int mp_policy_interval_init(const struct mp_interval_config *cfg, uint64_t now_ms,
			    struct mp_interval_state *ret);
/* A check starts at now: deadline now + checker_timeout. -EINVAL if one is
 * already in flight. */
int mp_policy_interval_start(const struct mp_interval_state *cur, const struct mp_interval_config *cfg,
			     uint64_t now_ms, struct mp_interval_state *ret);
/* After a check completes or any path event: the path is now in `state`;
 * recheck asks for a check MP_INTERVAL_FLOOR_MS from now. Ends a check in
 * flight. */
int mp_policy_interval_update(const struct mp_interval_state *cur, const struct mp_interval_config *cfg,
			      enum mp_path_state state, bool recheck, uint64_t now_ms,
			      struct mp_interval_state *ret);
int mp_policy_interval_due(const struct mp_interval_state *cur, uint64_t now_ms,
			   enum mp_interval_due *ret);

/* ---- the checker's device node (policy-sgopen.c) -------------------------- */

/* A check could not open the path's sg node. Whether that is a verdict
 * against the path depends on why: a node not there yet (the sg device is
 * registered after the disk, and at a thousand paths the first checks can
 * come first) is no news about the path for a grace period; the daemon's
 * own shortage of descriptors or memory never is; anything else is. */
enum mp_sg_open_outcome {
	MP_SG_OPEN_WAIT,	/* no verdict: check again soon */
	MP_SG_OPEN_VERDICT,	/* the check ends with the error's verdict */
};

struct mp_sg_open_state {
	uint64_t first_fail_ms;	/* first failure of the current run, 0 none */
	unsigned int fails;	/* failures in a row */
};

/* err is the open's -errno; grace_ms how long a missing node is waited
 * for (the checker_timeout). Writes the new state and the outcome.
 * -EINVAL for NULL or err >= 0. */
int mp_policy_sg_open_failed(const struct mp_sg_open_state *cur, int err, uint64_t now_ms,
			     uint64_t grace_ms, struct mp_sg_open_state *ret,
			     enum mp_sg_open_outcome *ret_outcome);
/* The node opened: a later failure starts a new grace period. */
void mp_policy_sg_open_ok(struct mp_sg_open_state *s);

/* ---- a path's identity read again on a uevent (policy-uevent.c) ---------- */

/* An add or change uevent makes the daemon read the device's identity from
 * sysfs again. What it does with the result, and whether that is worth a
 * warning: only a real change (another WWID) or a read failure that is
 * news (the first of a run) warns; a read of an unchanged device says
 * nothing, and a device already gone (its remove event follows) neither. */
enum mp_uevent_read_action {
	MP_UEVENT_ADD,		/* a new path record */
	MP_UEVENT_REFRESH,	/* known path: take its size, state, ALUA */
	MP_UEVENT_KEEP,		/* the read failed: the record stays as it is */
};

struct mp_uevent_read {
	bool known;		/* a record of this device exists */
	int read_rc;		/* the sysfs read: 0 or -errno */
	const char *old_wwid;	/* the record's ("" none); known only */
	const char *new_wwid;	/* what sysfs says ("" none); read_rc 0 only */
	bool warned;		/* a warning of this kind is already out */
};

struct mp_uevent_verdict {
	enum mp_uevent_read_action action;
	bool warn;		/* log at warning level (else debug) */
	bool wwid_changed;	/* known device, another non-empty WWID */
	bool warned;		/* the record's new warned flag */
};

/* -EINVAL for NULL. */
int mp_policy_uevent_read(const struct mp_uevent_read *in, struct mp_uevent_verdict *ret);

/* ---- when an ALUA path's port group state is asked again (policy-alua.c) - */

/* After a check that found an alua-prio path answering, whether to send a
 * REPORT TARGET PORT GROUPS (a SCSI command on the target, a round trip
 * through the loop) or to keep the state the last one gave. The port group
 * state changes rarely, and a change shows first in the kernel: the target
 * raises a UNIT ATTENTION on every I_T nexus, scsi_dh_alua takes it from
 * the next command (ours or I/O) and re-reads the state into access_state.
 * So with the kernel's view to compare against, a healthy path is asked
 * when that view (or a UA we saw) says the state moved, when the path
 * itself changed state, and at least every `every` checks in case a
 * target does not tell; without it (no scsi_dh_alua), at every check. */
#define MP_ALUA_RTPG_EVERY 4	/* checks; 80 s at the default max_polling_interval */

struct mp_alua_refresh_input {
	bool ua_changed;	/* this check's sense: asymmetric access state changed */
	bool path_changed;	/* the path's state changed with this check */
	bool answered_once;	/* an RTPG has answered on this path since it came */
	bool last_failed;	/* the last RTPG failed (sysfs stands in) */
	bool kernel_known;	/* scsi_dh_alua's access_state could be read */
	enum mp_alua_state kernel;	/* that access_state; kernel_known only */
	enum mp_alua_state ours;	/* what the path record holds */
	unsigned int checks_since;	/* answering checks since the last RTPG went out */
	unsigned int every;	/* 0 or 1: every check */
};

/* *ret_ask: send an RTPG now; *ret_why: a static reason (for the log and
 * tests). -EINVAL for NULL. */
int mp_policy_alua_refresh(const struct mp_alua_refresh_input *in, bool *ret_ask,
			   const char **ret_why);

#endif
