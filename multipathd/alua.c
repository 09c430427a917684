/* ALUA priorities of paths: the port group state behind prio alua (and
 * detect_prio on a TPGS device).
 *
 * A check that found the path answering may be followed by a REPORT
 * TARGET PORT GROUPS on the path's sg handle (asynchronous, like the
 * check): libmp's mp_policy_alua_refresh decides, from a unit attention,
 * a path state change, and scsi_dh_alua's access_state (read through an fd
 * kept open, one pread) against ours; a healthy path whose kernel view
 * agrees is asked every MP_ALUA_RTPG_EVERY checks. The reply
 * (mp_rtpg_decode) gives the port group's state and preferred bit.
 * If RTPG fails, sysfs access_state (scsi_dh_alua) is read instead. A
 * changed state reloads the map, whose table build recomputes priorities
 * and groups. A UNIT ATTENTION on RTPG itself is answered by one re-ask.
 * RTPG asks MP_RTPG_ALLOC_FIRST bytes (the reply's pages stay resident in
 * the sg handle's buffer); a reply cut by that length is asked once more
 * with its whole length (mp_rtpg_reask), which the path then keeps.
 * A path found without access_state (no scsi_dh_alua) gets one RTPG at
 * discovery, through SG_IO on its sg node and bounded by 3 s, so that the
 * first table (and the comparison with an adopted one) already has the
 * right groups: asking later would reload every map after each start.
 *
 * Owns the path's kept-open access_state fd (p->aas_fd, closed by
 * mpd_alua_release); the sg handle is the checker's (mpd_checker_ensure_sg). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mp/prio.h"
#include "mp/vpd.h"
#include "daemon.h"

/* the one blocking command: RTPG at discovery, see mpd_alua_probe */
#define PROBE_TIMEOUT_MS 3000

static bool wants_rtpg(const struct mpd_path *p)
{
	if (p->set.prio == MP_PRIO_ALUA)
		return true;
	/* the same promotion the table build makes (assemble.c path_prio) */
	return p->set.prio == MP_PRIO_CONST && p->set.detect_prio && p->mp.tpgs;
}

static void apply_alua(struct mpd *d, struct mpd_path *p, enum mp_alua_state st, bool pref,
		       const char *src, int tpg)
{
	bool changed = st != p->mp.alua_state || pref != p->mp.alua_pref;

	p->alua_src = src;
	if (!changed)
		return;
	mpd_log_path(&d->log, LOG_NOTICE, p, "alua: %s%s -> %s%s (%s, tpg %d): prio %d",
		     mp_alua_state_to_string(p->mp.alua_state), p->mp.alua_pref ? " preferred" : "",
		     mp_alua_state_to_string(st), pref ? " preferred" : "", src, tpg,
		     mp_prio_alua(st, pref));
	p->mp.alua_state = st;
	p->mp.alua_pref = pref;
	if (p->map)
		mpd_map_schedule_reload(d, p->map);	/* regroups; a no-op if the table holds */
}

static void alua_from_sysfs(struct mpd *d, struct mpd_path *p)
{
	enum mp_alua_state st;
	bool pref;

	if (mp_sysfs_alua_state("/sys", p->mp.kname, &st, &pref) == 0)
		apply_alua(d, p, st, pref, "sysfs", p->mp.tpg_id);
}

static void rtpg_failed(struct mpd *d, struct mpd_path *p, const char *why)
{
	if (!p->rtpg_failed)
		mpd_log_path(&d->log, LOG_WARNING, p, "alua: RTPG failed (%s); using sysfs access_state",
			     why);
	p->rtpg_failed = true;
	alua_from_sysfs(d, p);
}

static uint32_t rtpg_alloc(const struct mpd_path *p)
{
	return p->rtpg_alloc ? p->rtpg_alloc : MP_RTPG_ALLOC_FIRST;
}

static int submit_rtpg(struct mpd *d, struct mpd_path *p)
{
	struct mp_sg_cmd cmd;
	int r;

	r = mpd_checker_ensure_sg(d, p);
	if (r < 0)
		return r;
	mp_sg_cmd_rtpg(&cmd, rtpg_alloc(p), false, (uint32_t)p->icfg.checker_timeout_ms);
	r = mp_sg_submit(p->sg, &cmd, mpd_checker_tag(p));
	if (r == 0) {
		p->rtpg_busy = true;
		p->n_rtpgs++;
	}
	return r;
}

void mpd_alua_release(struct mpd_path *p)
{
	if (p->aas_open)
		close(p->aas_fd);
	p->aas_open = false;
}

/* scsi_dh_alua's access_state: 0 and the state, or -errno (no handler,
 * the device gone). A failed read closes the fd; the next call opens it
 * again, so a handler attached later is seen. */
static int kernel_view(struct mpd_path *p, enum mp_alua_state *ret)
{
	int r;

	if (!p->aas_open) {
		r = mp_sysfs_sdev_attr_open("/sys", p->mp.kname, "access_state", &p->aas_fd);
		if (r < 0)
			return r;
		p->aas_open = true;
	}
	r = mp_sysfs_access_state_fd(p->aas_fd, ret);
	if (r < 0)
		mpd_alua_release(p);
	return r;
}

/* Whether this check is followed by an RTPG (libmp decides). */
static bool rtpg_due(struct mpd *d, struct mpd_path *p, bool ua, bool path_changed)
{
	struct mp_alua_refresh_input in = {
		.ua_changed = ua, .path_changed = path_changed,
		.answered_once = p->rtpg_answered, .last_failed = p->rtpg_failed,
		.ours = p->mp.alua_state, .kernel = MP_ALUA_UNKNOWN,
		.checks_since = p->rtpg_skipped, .every = MP_ALUA_RTPG_EVERY,
	};
	const char *why;
	bool ask = true;

	/* a UA or a first ask needs no kernel view: spare the read */
	if (!ua && p->rtpg_answered)
		in.kernel_known = kernel_view(p, &in.kernel) == 0;
	if (mp_policy_alua_refresh(&in, &ask, &why) < 0)
		return true;
	if (!ask) {
		p->rtpg_skipped++;
		return false;
	}
	p->rtpg_skipped = 0;
	if (in.kernel_known && in.kernel != in.ours)
		mpd_log_path(&d->log, LOG_INFO, p, "alua: kernel says %s, we have %s: asking RTPG",
			     mp_alua_state_to_string(in.kernel), mp_alua_state_to_string(in.ours));
	return true;
}

void mpd_alua_refresh(struct mpd *d, struct mpd_path *p, bool ua, bool path_changed)
{
	int r;

	if (!wants_rtpg(p) || p->rtpg_busy)
		return;
	if (!p->mp.tpgs) {
		/* INQUIRY says no ALUA: RTPG would only be refused */
		alua_from_sysfs(d, p);
		return;
	}
	if (p->mp.tpg_id < 0 && p->mp.rel_port_id < 0) {
		/* VPD 0x83 named neither: no way to find our group in a reply */
		rtpg_failed(d, p, "no port group id in VPD 0x83");
		return;
	}
	if (!rtpg_due(d, p, ua, path_changed))
		return;
	p->rtpg_retried = false;
	p->rtpg_regrown = false;
	r = submit_rtpg(d, p);
	if (r < 0)
		rtpg_failed(d, p, strerror(-r));
}

static bool reply_good(const struct mp_sg_result *res)
{
	return res->status.host_status == MP_DID_OK &&
	       (res->status.scsi_status & 0x7e) == MP_SAM_GOOD;
}

/* The path's group in an RTPG reply: 0 and its state, or -errno with the
 * reason in why. Not the verdict decides: an ILLEGAL REQUEST (no RTPG
 * support) is a working path to the checker but no answer here. */
static int rtpg_reply(const struct mpd_path *p, const struct mp_sg_result *res,
		      enum mp_alua_state *ret_state, bool *ret_pref, int *ret_tpg,
		      char *why, size_t whylen)
{
	const struct mp_rtpg_group *g;
	struct mp_rtpg *rt = NULL;
	int r;

	if (!reply_good(res)) {
		mp_sense_describe(&res->status, why, whylen);
		return -EIO;
	}
	r = mp_rtpg_decode(res->data, res->data_len, &rt, why, whylen);
	if (r < 0)
		return r;
	r = mp_rtpg_find(rt, p->mp.tpg_id, p->mp.rel_port_id, &g);
	if (r < 0) {
		snprintf(why, whylen, "tpg %d / port %d not in the reply", p->mp.tpg_id,
			 p->mp.rel_port_id);
	} else {
		*ret_state = g->state;
		*ret_pref = g->pref;
		*ret_tpg = g->tpg_id;
	}
	mp_rtpg_free(rt);
	return r;
}

/* A good reply cut by our allocation length: true when it was asked again
 * with the reply's whole length, which the path keeps for later asks (an
 * array with many groups pays the second command once, not every time). */
static bool rtpg_regrow(struct mpd *d, struct mpd_path *p, const struct mp_sg_result *res)
{
	uint32_t need;

	if (p->rtpg_regrown || !reply_good(res) ||
	    mp_rtpg_reask(res->data, res->data_len, rtpg_alloc(p), MP_SG_MAX_DATA, &need) != 1)
		return false;
	mpd_log_path(&d->log, LOG_INFO, p, "alua: RTPG reply needs %u bytes, %u asked: asking again",
		     need, rtpg_alloc(p));
	p->rtpg_alloc = need;
	p->rtpg_regrown = true;
	return submit_rtpg(d, p) == 0;
}

void mpd_alua_rtpg_done(struct mpd *d, struct mpd_path *p, const struct mp_sg_result *res)
{
	enum mp_alua_state st;
	char why[160];
	bool pref;
	int tpg;

	p->rtpg_busy = false;
	if (res->verdict == MP_CHECK_RETRY && !p->rtpg_retried) {
		/* UNIT ATTENTION (the state just changed, a reset...): ask once more */
		p->rtpg_retried = true;
		if (submit_rtpg(d, p) == 0)
			return;
	}
	if (rtpg_regrow(d, p, res))
		return;
	if (rtpg_reply(p, res, &st, &pref, &tpg, why, sizeof(why)) < 0) {
		rtpg_failed(d, p, why);
		return;
	}
	if (p->rtpg_failed)
		mpd_log_path(&d->log, LOG_NOTICE, p, "alua: RTPG answers again");
	p->rtpg_failed = false;
	p->rtpg_answered = true;
	apply_alua(d, p, st, pref, "rtpg", tpg);
}

void mpd_alua_probe(struct mpd *d, struct mpd_path *p)
{
	uint8_t buf[MP_SG_MAX_DATA];
	struct mp_sg_result res;
	enum mp_alua_state st;
	struct mp_sg_cmd cmd;
	char node[64], why[160];
	uint32_t tmo;
	bool pref;
	int tpg;

	if (!wants_rtpg(p) || !p->mp.tpgs || p->mp.alua_state != MP_ALUA_UNKNOWN ||
	    (p->mp.tpg_id < 0 && p->mp.rel_port_id < 0) || !p->sg_name[0] ||
	    p->sdev_state != MP_SDEV_RUNNING)
		return;
	/* the sg node: opening it never waits for the host's error handling */
	snprintf(node, sizeof(node), "/dev/%s", p->sg_name);
	tmo = p->icfg.checker_timeout_ms < PROBE_TIMEOUT_MS ? (uint32_t)p->icfg.checker_timeout_ms :
							       PROBE_TIMEOUT_MS;
	mp_sg_cmd_rtpg(&cmd, sizeof(buf), false, tmo);
	if (mp_sg_run(node, &cmd, buf, sizeof(buf), &res) < 0 ||
	    rtpg_reply(p, &res, &st, &pref, &tpg, why, sizeof(why)) < 0)
		return;		/* the first check's RTPG tries again */
	p->mp.alua_state = st;
	p->mp.alua_pref = pref;
	p->alua_src = "rtpg";
	p->rtpg_answered = true;
	mpd_log_path(&d->log, LOG_INFO, p, "alua: %s%s (rtpg, tpg %d)", mp_alua_state_to_string(st),
		     pref ? " preferred" : "", tpg);
}
