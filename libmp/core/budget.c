/* The failover budget arithmetic: budget seconds + transport + explicit
 * values -> every failover timer with a reason. Pure; no I/O.
 *
 * The budget B is split as
 *   headroom H = ceil(B / 10), at least 1 s  (timer slack, dm's retry)
 *   A = B - H, shared by the timers of each chain, in integer seconds:
 *
 *   chain (transport)       timers (weight)                     worst case
 *   iSCSI I/O               noop_out_interval (1),              N + O + R <= A
 *                           noop_out_timeout (1),
 *                           recovery_tmo (1)
 *   FC/SAS/other I/O        scsi timeout (1), eh_deadline (1)    T + E <= A
 *   FC port loss            fast_io_fail_tmo = A / 2             fabric + F <= A
 *   checker (all)           checker_timeout (1),                 M + C <= A
 *                           max_polling_interval (2)
 *
 * Explicit values are taken as they are; the chain's other timers share
 * what is left (each at least 1 s). The remainder of the integer split goes
 * to the chain's last timer. Timers outside the chains follow from them:
 * polling_interval = M / 2, the iSCSI scsi timeout = max(B, N + O + R + H)
 * (so the session, not SCSI error handling, fails a dead connection's
 * commands), fast_io_fail_tmo on iSCSI = recovery_tmo, dev_loss_tmo =
 * max(600, 6 * B). The invariant the unit tests hold: without explicit
 * values and with B >= min_budget, every chain's worst case is <= A < B. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mp/budget.h"
#include "util/macros.h"

#define CAP_DEFAULT	86400u
#define CAP_CHECKER	3600u	/* checker_timeout's config range */
#define DEV_LOSS_FLOOR	600u	/* multipath-tools' default */

static const char *const timer_names[_MP_BT_MAX] = {
	[MP_BT_NOOP_OUT_INTERVAL] = "noop_out_interval",
	[MP_BT_NOOP_OUT_TIMEOUT] = "noop_out_timeout",
	[MP_BT_RECOVERY_TMO] = "recovery_tmo",
	[MP_BT_FAST_IO_FAIL_TMO] = "fast_io_fail_tmo",
	[MP_BT_DEV_LOSS_TMO] = "dev_loss_tmo",
	[MP_BT_SCSI_TIMEOUT] = "scsi_timeout",
	[MP_BT_EH_DEADLINE] = "eh_deadline",
	[MP_BT_CHECKER_TIMEOUT] = "checker_timeout",
	[MP_BT_POLLING_INTERVAL] = "polling_interval",
	[MP_BT_MAX_POLLING_INTERVAL] = "max_polling_interval",
};

static const char *const transport_names[_MP_TRANSPORT_MAX] = {
	[MP_TRANSPORT_ISCSI] = "iscsi",
	[MP_TRANSPORT_FC] = "fc",
	[MP_TRANSPORT_SAS] = "sas",
	[MP_TRANSPORT_OTHER] = "other",
};

const char *mp_budget_timer_name(enum mp_budget_timer t)
{
	return (unsigned int)t < _MP_BT_MAX ? timer_names[t] : NULL;
}

const char *mp_transport_to_string(enum mp_transport t)
{
	return (unsigned int)t < _MP_TRANSPORT_MAX ? transport_names[t] : NULL;
}

enum mp_transport mp_transport_of_protocol(enum mp_protocol p)
{
	switch (p) {
	case MP_PROTO_SCSI_ISCSI:
		return MP_TRANSPORT_ISCSI;
	case MP_PROTO_SCSI_FCP:
		return MP_TRANSPORT_FC;
	case MP_PROTO_SCSI_SAS:
		return MP_TRANSPORT_SAS;
	default:
		return MP_TRANSPORT_OTHER;
	}
}

static unsigned int sat_add(unsigned int a, unsigned int b)
{
	return a > MP_BUDGET_INFINITE - b ? MP_BUDGET_INFINITE : a + b;
}

static unsigned int umax(unsigned int a, unsigned int b)
{
	return a > b ? a : b;
}

static unsigned int umin(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

static unsigned int cap_of(enum mp_budget_timer t)
{
	return t == MP_BT_CHECKER_TIMEOUT ? CAP_CHECKER : CAP_DEFAULT;
}

/* Sets a derived value unless the timer is explicit. */
static void derive(struct mp_budget_plan *p, enum mp_budget_timer t, unsigned int v)
{
	if (p->how[t] == MP_BUDGET_EXPLICIT)
		return;
	p->how[t] = MP_BUDGET_DERIVED;
	p->value[t] = umin(umax(v, 1), cap_of(t));
}

/* Shares avail among the chain's timers that are not explicit, by weight
 * (each at least 1 s, the remainder to the last one), and flags explicit
 * ones when the chain cannot fit. */
static void split(struct mp_budget_plan *p, unsigned int avail, const enum mp_budget_timer *t,
		  const unsigned int *w, size_t n)
{
	unsigned int fixed = 0, nfree = 0, wsum = 0, rem, used = 0;
	size_t last = n;

	for (size_t i = 0; i < n; i++) {
		if (p->how[t[i]] == MP_BUDGET_EXPLICIT) {
			fixed = sat_add(fixed, p->value[t[i]]);
		} else {
			nfree++;
			wsum += w[i];
			last = i;
		}
	}
	rem = fixed >= avail ? 0 : avail - fixed;
	if (sat_add(fixed, nfree) > avail && fixed > 0)
		for (size_t i = 0; i < n; i++)
			if (p->how[t[i]] == MP_BUDGET_EXPLICIT)
				p->over[t[i]] = true;
	if (nfree == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		if (p->how[t[i]] == MP_BUDGET_EXPLICIT)
			continue;
		v = rem < nfree ? 1 : umax(rem * w[i] / wsum, 1);
		derive(p, t[i], v);
		used += v;
	}
	if (rem > used)
		derive(p, t[last], p->value[t[last]] + (rem - used));
}

static void derive_iscsi(struct mp_budget_plan *p, unsigned int avail)
{
	static const enum mp_budget_timer chain[] = {
		MP_BT_NOOP_OUT_INTERVAL, MP_BT_NOOP_OUT_TIMEOUT, MP_BT_RECOVERY_TMO,
	};
	static const unsigned int w[] = { 1, 1, 1 };
	unsigned int sum;

	/* multipath-tools' meaning of fast_io_fail_tmo on iSCSI */
	if (p->how[MP_BT_FAST_IO_FAIL_TMO] == MP_BUDGET_EXPLICIT &&
	    p->how[MP_BT_RECOVERY_TMO] != MP_BUDGET_EXPLICIT) {
		p->how[MP_BT_RECOVERY_TMO] = MP_BUDGET_EXPLICIT;
		p->value[MP_BT_RECOVERY_TMO] = p->value[MP_BT_FAST_IO_FAIL_TMO];
	}
	split(p, avail, chain, w, ELEMENTSOF(chain));
	if (p->how[MP_BT_FAST_IO_FAIL_TMO] != MP_BUDGET_EXPLICIT) {
		p->how[MP_BT_FAST_IO_FAIL_TMO] = MP_BUDGET_DERIVED;
		p->value[MP_BT_FAST_IO_FAIL_TMO] = p->value[MP_BT_RECOVERY_TMO];
	}
	p->io_detect = sat_add(p->value[MP_BT_NOOP_OUT_INTERVAL], p->value[MP_BT_NOOP_OUT_TIMEOUT]);
	p->io_failover = p->value[MP_BT_RECOVERY_TMO];
	sum = sat_add(sat_add(p->io_detect, p->io_failover), p->headroom);
	derive(p, MP_BT_SCSI_TIMEOUT, umax(p->budget, sum));
	p->how[MP_BT_EH_DEADLINE] = MP_BUDGET_UNUSED;	/* iscsi_tcp has no host reset */
	p->how[MP_BT_DEV_LOSS_TMO] = MP_BUDGET_UNUSED;	/* sessions go only by logout */
}

static void derive_scsi(struct mp_budget_plan *p, unsigned int avail)
{
	static const enum mp_budget_timer chain[] = { MP_BT_SCSI_TIMEOUT, MP_BT_EH_DEADLINE };
	static const unsigned int w[] = { 1, 1 };

	split(p, avail, chain, w, ELEMENTSOF(chain));
	p->io_detect = p->value[MP_BT_SCSI_TIMEOUT];
	p->io_failover = p->value[MP_BT_EH_DEADLINE];
	p->how[MP_BT_NOOP_OUT_INTERVAL] = MP_BUDGET_UNUSED;
	p->how[MP_BT_NOOP_OUT_TIMEOUT] = MP_BUDGET_UNUSED;
	p->how[MP_BT_RECOVERY_TMO] = MP_BUDGET_UNUSED;
	if (p->transport != MP_TRANSPORT_FC) {
		p->how[MP_BT_FAST_IO_FAIL_TMO] = MP_BUDGET_UNUSED;
		p->how[MP_BT_DEV_LOSS_TMO] = MP_BUDGET_UNUSED;
		return;
	}
	/* the other half of A is for the fabric to report the port gone */
	derive(p, MP_BT_FAST_IO_FAIL_TMO, avail / 2);
	if (p->how[MP_BT_FAST_IO_FAIL_TMO] == MP_BUDGET_EXPLICIT &&
	    p->value[MP_BT_FAST_IO_FAIL_TMO] >= avail)
		p->over[MP_BT_FAST_IO_FAIL_TMO] = true;
	derive(p, MP_BT_DEV_LOSS_TMO, umax(DEV_LOSS_FLOOR, p->budget > CAP_DEFAULT / 6 ?
					   CAP_DEFAULT : 6 * p->budget));
	/* the FC class refuses fast_io_fail_tmo >= dev_loss_tmo */
	if (p->how[MP_BT_DEV_LOSS_TMO] == MP_BUDGET_EXPLICIT &&
	    p->value[MP_BT_DEV_LOSS_TMO] <= p->value[MP_BT_FAST_IO_FAIL_TMO])
		p->over[MP_BT_DEV_LOSS_TMO] = true;
}

static void derive_checker(struct mp_budget_plan *p, unsigned int avail)
{
	static const enum mp_budget_timer chain[] = {
		MP_BT_CHECKER_TIMEOUT, MP_BT_MAX_POLLING_INTERVAL,
	};
	static const unsigned int w[] = { 1, 2 };
	enum mp_budget_timer pi = MP_BT_POLLING_INTERVAL, mpi = MP_BT_MAX_POLLING_INTERVAL;

	split(p, avail, chain, w, ELEMENTSOF(chain));
	derive(p, pi, p->value[mpi] / 2);
	/* the interval machine needs max_polling_interval >= polling_interval */
	if (p->value[pi] > p->value[mpi]) {
		if (p->how[mpi] == MP_BUDGET_DERIVED)
			p->value[mpi] = p->value[pi];
		if (sat_add(p->value[mpi], p->value[MP_BT_CHECKER_TIMEOUT]) > avail)
			p->over[pi] = true;
	}
	p->idle_detect = sat_add(p->value[mpi], p->value[MP_BT_CHECKER_TIMEOUT]);
}

int mp_budget_derive(const struct mp_budget_input *in, struct mp_budget_plan *ret)
{
	struct mp_budget_plan p = { 0 };
	unsigned int avail;

	if (!in || in->budget == 0 || in->budget > MP_BUDGET_MAX ||
	    (unsigned int)in->transport >= _MP_TRANSPORT_MAX)
		return -EINVAL;
	p.budget = in->budget;
	p.transport = in->transport;
	p.headroom = umax(1, (in->budget + 9) / 10);
	p.min_budget = in->transport == MP_TRANSPORT_ISCSI ? 4 : 3;
	p.too_small = in->budget < p.min_budget;
	avail = in->budget > p.headroom ? in->budget - p.headroom : 0;
	for (size_t t = 0; t < _MP_BT_MAX; t++) {
		if (!in->is_explicit[t])
			continue;
		p.how[t] = MP_BUDGET_EXPLICIT;
		p.value[t] = in->explicit_value[t];
	}
	if (in->transport == MP_TRANSPORT_ISCSI)
		derive_iscsi(&p, avail);
	else
		derive_scsi(&p, avail);
	derive_checker(&p, avail);
	if (p.too_small)	/* not the administrator's explicit values' fault */
		memset(p.over, 0, sizeof(p.over));
	*ret = p;
	return 0;
}

unsigned int mp_budget_io_worst(const struct mp_budget_plan *p)
{
	return sat_add(p->io_detect, p->io_failover);
}

/* "7" or "off" for explicit infinite values */
static const char *secs(unsigned int v, char *buf, size_t len)
{
	if (v == MP_BUDGET_INFINITE)
		return "off";
	snprintf(buf, len, "%u", v);
	return buf;
}

static const char *head_of(const struct mp_budget_plan *p, enum mp_budget_timer t)
{
	bool iscsi = p->transport == MP_TRANSPORT_ISCSI;

	switch (t) {
	case MP_BT_NOOP_OUT_INTERVAL:
		return "NOP-Out after this much silence on the connection";
	case MP_BT_NOOP_OUT_TIMEOUT:
		return "connection declared dead when the NOP-In is this late";
	case MP_BT_RECOVERY_TMO:
		return "the session then fails its commands back to dm";
	case MP_BT_FAST_IO_FAIL_TMO:
		return iscsi ? "on iSCSI this is the session's recovery_tmo" :
			"I/O on a blocked remote port fails back to dm after this; the rest of the budget is the fabric's to report the port gone";
	case MP_BT_DEV_LOSS_TMO:
		return "removal, not failover: max(600, 6 x budget) so a returning port keeps its sdX";
	case MP_BT_SCSI_TIMEOUT:
		return iscsi ? "longer than noop + recovery, so the session, not SCSI error handling, fails a dead connection's commands" :
			"a command with no answer is aborted after this";
	case MP_BT_EH_DEADLINE:
		return "SCSI error handling may take this long before the host is reset";
	case MP_BT_CHECKER_TIMEOUT:
		return "a TUR without answer marks the path down";
	case MP_BT_POLLING_INTERVAL:
		return "first check interval, doubling up to max_polling_interval while healthy";
	case MP_BT_MAX_POLLING_INTERVAL:
		return "a healthy idle path is checked at least this often";
	case _MP_BT_MAX:
		break;
	}
	return "";
}

static bool in_checker_chain(enum mp_budget_timer t)
{
	return t == MP_BT_CHECKER_TIMEOUT || t == MP_BT_POLLING_INTERVAL ||
		t == MP_BT_MAX_POLLING_INTERVAL;
}

/* "detect 3+3 s, fail over 3 s: 9 of 10 s" for the timer's chain */
static void chain_summary(const struct mp_budget_plan *p, enum mp_budget_timer t, char *buf,
			  size_t len)
{
	char a[16], b[16], c[16], s[16];

	if (in_checker_chain(t)) {
		snprintf(buf, len, "idle path seen down within %s+%s = %s of %u s",
			 secs(p->value[MP_BT_MAX_POLLING_INTERVAL], a, sizeof(a)),
			 secs(p->value[MP_BT_CHECKER_TIMEOUT], b, sizeof(b)),
			 secs(p->idle_detect, s, sizeof(s)), p->budget);
	} else if (p->transport == MP_TRANSPORT_ISCSI) {
		snprintf(buf, len, "silent link seen after %s+%s s, I/O failed over %s s later: %s of %u s",
			 secs(p->value[MP_BT_NOOP_OUT_INTERVAL], a, sizeof(a)),
			 secs(p->value[MP_BT_NOOP_OUT_TIMEOUT], b, sizeof(b)),
			 secs(p->io_failover, c, sizeof(c)),
			 secs(mp_budget_io_worst(p), s, sizeof(s)), p->budget);
	} else if (t == MP_BT_FAST_IO_FAIL_TMO || t == MP_BT_DEV_LOSS_TMO) {
		buf[0] = '\0';
	} else {
		snprintf(buf, len, "unanswered command aborted after %s s, error handling %s s: %s of %u s",
			 secs(p->io_detect, a, sizeof(a)), secs(p->io_failover, b, sizeof(b)),
			 secs(mp_budget_io_worst(p), s, sizeof(s)), p->budget);
	}
}

const char *mp_budget_reason(const struct mp_budget_plan *p, enum mp_budget_timer t,
			     char *buf, size_t len)
{
	char sum[128];

	if (!len)
		return buf;
	buf[0] = '\0';
	if ((unsigned int)t >= _MP_BT_MAX || p->how[t] == MP_BUDGET_UNUSED)
		return buf;
	chain_summary(p, t, sum, sizeof(sum));
	snprintf(buf, len, "%s%s%s%s", p->how[t] == MP_BUDGET_EXPLICIT ?
		 "set in the configuration" : head_of(p, t),
		 p->over[t] ? ", does not fit the budget" : "", sum[0] ? "; " : "", sum);
	return buf;
}

const char *mp_budget_warning(const struct mp_budget_plan *p, enum mp_budget_timer t,
			      char *buf, size_t len)
{
	enum mp_budget_timer first = p->transport == MP_TRANSPORT_ISCSI ?
		MP_BT_NOOP_OUT_INTERVAL : MP_BT_SCSI_TIMEOUT;
	char v[16], w[16];

	if ((unsigned int)t >= _MP_BT_MAX || !len)
		return NULL;
	if (p->too_small && t == first) {
		snprintf(buf, len, "failover_budget %u is below the %u s a %s path can honour; every timer is at its 1 s floor",
			 p->budget, p->min_budget, mp_transport_to_string(p->transport));
		return buf;
	}
	if (!p->over[t])
		return NULL;
	snprintf(buf, len, "%s %s (set in the configuration) does not fit failover_budget %u: %s up to %s s",
		 timer_names[t], secs(p->value[t], v, sizeof(v)), p->budget,
		 in_checker_chain(t) ? "an idle dead path is seen" : "I/O may stall",
		 secs(in_checker_chain(t) ? p->idle_detect :
		      t == MP_BT_FAST_IO_FAIL_TMO || t == MP_BT_DEV_LOSS_TMO ?
		      p->value[MP_BT_FAST_IO_FAIL_TMO] : mp_budget_io_worst(p), w, sizeof(w)));
	return buf;
}

/* ---- the settings that have keywords ---- */

static const struct {
	enum mp_setting_id set;
	enum mp_budget_timer t;
} keyworded[] = {
	{ MP_SET_POLLING_INTERVAL, MP_BT_POLLING_INTERVAL },
	{ MP_SET_MAX_POLLING_INTERVAL, MP_BT_MAX_POLLING_INTERVAL },
	{ MP_SET_CHECKER_TIMEOUT, MP_BT_CHECKER_TIMEOUT },
	{ MP_SET_FAST_IO_FAIL_TMO, MP_BT_FAST_IO_FAIL_TMO },
	{ MP_SET_DEV_LOSS_TMO, MP_BT_DEV_LOSS_TMO },
};

static bool user_set(enum mp_origin o)
{
	/* built-in and hardware-table values are defaults the budget replaces */
	return o != MP_ORIGIN_DEFAULT && o != MP_ORIGIN_HWTABLE && o != MP_ORIGIN_BUDGET;
}

static unsigned int setting_value(const struct mp_settings *s, enum mp_setting_id id)
{
	switch (id) {
	case MP_SET_POLLING_INTERVAL:
		return s->polling_interval;
	case MP_SET_MAX_POLLING_INTERVAL:
		return s->max_polling_interval;
	case MP_SET_CHECKER_TIMEOUT:
		return s->checker_timeout;
	case MP_SET_FAST_IO_FAIL_TMO:
		return s->fast_io_fail_tmo == MP_FAST_IO_FAIL_OFF ? MP_BUDGET_INFINITE :
			(unsigned int)s->fast_io_fail_tmo;
	case MP_SET_DEV_LOSS_TMO:
		return s->dev_loss_tmo == MP_DEV_LOSS_INFINITY ? MP_BUDGET_INFINITE : s->dev_loss_tmo;
	default:
		return 0;
	}
}

void mp_budget_input_from_settings(const struct mp_settings *s, enum mp_protocol proto,
				   struct mp_budget_input *ret)
{
	*ret = (struct mp_budget_input) {
		.budget = s->failover_budget,
		.transport = mp_transport_of_protocol(proto),
	};
	for (size_t i = 0; i < ELEMENTSOF(keyworded); i++) {
		if (!user_set(s->origin[keyworded[i].set]))
			continue;
		ret->is_explicit[keyworded[i].t] = true;
		ret->explicit_value[keyworded[i].t] = setting_value(s, keyworded[i].set);
	}
}

void mp_budget_apply_settings(const struct mp_budget_plan *p, struct mp_settings *s)
{
	for (size_t i = 0; i < ELEMENTSOF(keyworded); i++) {
		enum mp_budget_timer t = keyworded[i].t;
		unsigned int v = p->value[t];

		if (p->how[t] != MP_BUDGET_DERIVED)
			continue;
		switch (keyworded[i].set) {
		case MP_SET_POLLING_INTERVAL:
			s->polling_interval = v;
			break;
		case MP_SET_MAX_POLLING_INTERVAL:
			s->max_polling_interval = v;
			break;
		case MP_SET_CHECKER_TIMEOUT:
			s->checker_timeout = v;
			break;
		case MP_SET_FAST_IO_FAIL_TMO:
			s->fast_io_fail_tmo = (int)v;
			break;
		case MP_SET_DEV_LOSS_TMO:
			s->dev_loss_tmo = v;
			break;
		default:
			continue;
		}
		s->origin[keyworded[i].set] = MP_ORIGIN_BUDGET;
	}
}
