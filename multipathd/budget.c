/* The daemon's side of failover_budget: derive each path's plan when its
 * settings are resolved (core/budget.c), and put the plan's kernel timers
 * in place (sys/budget-apply.c) when the path is added, when the
 * configuration changes, when the path comes back and every 16th check of
 * a healthy iSCSI path (iscsid resets its NOP timers at every login, also
 * after a recovery too short to fail the path). Logs what it changed, once per event, and
 * every failure with the path's name. Owns nothing: the plan lives in the
 * path record. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daemon.h"

void mpd_budget_resolve(struct mpd *d, struct mpd_path *p)
{
	struct mp_budget_input in;
	char buf[256];

	p->budget_on = false;
	if (!p->set.failover_budget)
		return;
	mp_budget_input_from_settings(&p->set, p->mp.protocol, &in);
	if (mp_budget_derive(&in, &p->budget) < 0)
		return;
	p->budget_on = true;
	mp_budget_apply_settings(&p->budget, &p->set);
	for (int t = 0; t < _MP_BT_MAX; t++)
		if (mp_budget_warning(&p->budget, t, buf, sizeof(buf)))
			mpd_log_path(&d->log, LOG_WARNING, p, "%s", buf);
}

void mpd_budget_apply(struct mpd *d, struct mpd_path *p, const char *why)
{
	struct mp_budget_applied res;
	char done[256] = "";
	size_t n = 0;
	int r;

	if (!p->budget_on || p->blacklisted)
		return;
	r = mp_budget_apply_sysfs("/sys", p->mp.kname, &p->budget, &res);
	if (r < 0) {
		mpd_log_path(&d->log, LOG_WARNING, p, "failover_budget: device not found in sysfs: %s",
			     strerror(-r));
		return;
	}
	for (int t = 0; t < _MP_BT_MAX; t++) {
		const char *name = mp_budget_timer_name(t);

		if (res.r[t] == 0 && n < sizeof(done)) {
			int k = snprintf(done + n, sizeof(done) - n, "%s%s %u", n ? ", " : "", name,
					 p->budget.value[t]);

			n += k > 0 ? (size_t)k : 0;
		} else if (res.r[t] == -EINVAL && t == MP_BT_EH_DEADLINE) {
			/* the host has no reset handler: no deadline to set */
			mpd_log_path(&d->log, LOG_DEBUG, p, "failover_budget: %s not supported by the host",
				     res.attr[t]);
		} else if (res.r[t] < 0) {
			mpd_log_path(&d->log, LOG_ERR, p, "failover_budget: cannot set %s %u (%s): %s",
				     name, p->budget.value[t], res.attr[t][0] ? res.attr[t] : "-",
				     strerror(-res.r[t]));
		}
	}
	if (n)
		mpd_log_path(&d->log, LOG_INFO, p, "failover_budget %u (%s, %s): set %s",
			     p->budget.budget, mp_transport_to_string(p->budget.transport), why, done);
}
