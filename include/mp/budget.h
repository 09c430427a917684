/* One failover budget: from `failover_budget` (seconds) and the path's
 * transport, derive every timer that decides how long I/O stalls on a
 * silently dead path, so that worst-case detection + failover stays within
 * the budget. Pure (libmp/core/budget.c): the daemon applies the result
 * (libmp/sys/budget-apply.c) and shows it (`mpctl show config --effective`).
 *
 * Explicitly configured values win over derived ones; when one cannot fit,
 * the plan carries a warning for it and the other timers of its chain still
 * take what is left. The arithmetic is in docs/design-policy.md. */
#ifndef MP_BUDGET_H
#define MP_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

#include "mp/config.h"
#include "mp/path.h"

#define MP_BUDGET_MAX		86400u	/* largest failover_budget, seconds */
#define MP_BUDGET_UNSET		0u	/* failover_budget off */

enum mp_transport {
	MP_TRANSPORT_ISCSI,
	MP_TRANSPORT_FC,
	MP_TRANSPORT_SAS,
	MP_TRANSPORT_OTHER,	/* virtio-scsi, scsi_debug, SPI, ... */
	_MP_TRANSPORT_MAX,
};

enum mp_budget_timer {
	MP_BT_NOOP_OUT_INTERVAL,	/* iSCSI: idle time before a NOP-Out (conn recv_tmo) */
	MP_BT_NOOP_OUT_TIMEOUT,		/* iSCSI: NOP-In wait (conn ping_tmo) */
	MP_BT_RECOVERY_TMO,		/* iSCSI: session recovery_tmo (replacement_timeout) */
	MP_BT_FAST_IO_FAIL_TMO,		/* FC remote port; on iSCSI = recovery_tmo */
	MP_BT_DEV_LOSS_TMO,		/* FC remote port removal */
	MP_BT_SCSI_TIMEOUT,		/* /sys/block/sdX/device/timeout */
	MP_BT_EH_DEADLINE,		/* /sys/class/scsi_host/hostN/eh_deadline */
	MP_BT_CHECKER_TIMEOUT,
	MP_BT_POLLING_INTERVAL,
	MP_BT_MAX_POLLING_INTERVAL,
	_MP_BT_MAX,
};

#define MP_BUDGET_INFINITE	0xffffffffu	/* explicit "off"/"infinity" */

struct mp_budget_input {
	unsigned int budget;			/* seconds, 0 = off */
	enum mp_transport transport;
	bool is_explicit[_MP_BT_MAX];
	unsigned int explicit_value[_MP_BT_MAX];	/* seconds or MP_BUDGET_INFINITE */
};

enum mp_budget_how {
	MP_BUDGET_UNUSED,	/* this transport has no such timer; nothing written */
	MP_BUDGET_DERIVED,
	MP_BUDGET_EXPLICIT,
};

struct mp_budget_plan {
	unsigned int budget;		/* as given */
	unsigned int headroom;		/* kept free for timer slack and dm retry */
	enum mp_transport transport;
	unsigned int value[_MP_BT_MAX];	/* seconds (MP_BUDGET_INFINITE possible if explicit) */
	enum mp_budget_how how[_MP_BT_MAX];
	bool over[_MP_BT_MAX];		/* explicit value that does not fit */
	bool too_small;			/* budget below what the transport can honour */
	unsigned int min_budget;	/* the smallest budget this transport can honour */
	/* worst cases, seconds (saturating) */
	unsigned int io_detect;		/* silent dead path noticed with I/O in flight */
	unsigned int io_failover;	/* then the I/O is failed back to dm */
	unsigned int idle_detect;	/* the checker notices an idle dead path */
};

/* Derives a plan. Returns 0, or -EINVAL for a budget of 0 or above
 * MP_BUDGET_MAX or a bad transport (ret untouched then). */
int mp_budget_derive(const struct mp_budget_input *in, struct mp_budget_plan *ret);

/* io_detect + io_failover, the worst I/O stall the plan allows (saturating). */
unsigned int mp_budget_io_worst(const struct mp_budget_plan *p);

/* One line saying why the timer has its value; "" for unused timers. */
const char *mp_budget_reason(const struct mp_budget_plan *p, enum mp_budget_timer t,
			     char *buf, size_t len);
/* One line when the timer's explicit value does not fit (or the budget is
 * too small, reported on the first timer of the chain); NULL otherwise. */
const char *mp_budget_warning(const struct mp_budget_plan *p, enum mp_budget_timer t,
			      char *buf, size_t len);

const char *mp_budget_timer_name(enum mp_budget_timer t);
const char *mp_transport_to_string(enum mp_transport t);
enum mp_transport mp_transport_of_protocol(enum mp_protocol p);

/* Builds the input from resolved settings: budget and the explicit values
 * of polling_interval, max_polling_interval, checker_timeout,
 * fast_io_fail_tmo and dev_loss_tmo (explicit = set in a user section, not
 * a built-in or hardware-table default). */
void mp_budget_input_from_settings(const struct mp_settings *s, enum mp_protocol proto,
				   struct mp_budget_input *ret);
/* Writes the plan's derived values into the settings it has keywords for,
 * with origin MP_ORIGIN_BUDGET. */
void mp_budget_apply_settings(const struct mp_budget_plan *p, struct mp_settings *s);

/* ---- into the kernel (libmp/sys/budget-apply.c) ---- */

#define MP_BUDGET_APPLY_SAME	1	/* the kernel already had the value */
#define MP_BUDGET_APPLY_SKIP	2	/* nothing to write (unused, or not a sysfs timer) */

struct mp_budget_applied {
	int r[_MP_BT_MAX];		/* 0 written, SAME, SKIP or -errno */
	char attr[_MP_BT_MAX][160];	/* the attribute, for log lines */
};

/* Writes the plan's kernel timers for path kname under the sysfs root
 * (normally "/sys"; the iSCSI NOP timers only then). Returns 0 with the
 * per-timer results in *ret, or -errno when the device is not found. */
int mp_budget_apply_sysfs(const char *root, const char *kname, const struct mp_budget_plan *p,
			  struct mp_budget_applied *ret);

#endif
