/* Finding paths: enumeration of sd block devices at start, the udev
 * monitor afterwards (both with libudev, on the loop thread only), identity
 * from sysfs (mp/sysfs.h reads what the kernel already knows, so nothing
 * waits for udev to settle), and the blacklist decision.
 *
 * At start the names are listed at once and read in slices of loop time
 * (mpd_discovery_step), so the control socket answers while a thousand
 * paths are read; the monitor's events wait in its socket meanwhile.
 *
 * Owns: d->udev, d->monitor and d->startup (the names still to read).
 * Path records are created and freed through state.c; map membership is
 * assemble.c's business, called per WWID after each change. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sysmacros.h>

#include <libudev.h>

#include "mp/blacklist.h"
#include "daemon.h"
#include "events.h"

static bool is_candidate_name(const char *kname)
{
	/* sd disks only: dm devices and partitions never are paths */
	return kname && strncmp(kname, "sd", 2) == 0;
}

void mpd_discovery_classify(struct mpd *d, struct mpd_path *p)
{
	const char *proto = mp_protocol_to_string(p->mp.protocol);
	const struct mp_blacklist_input in = {
		.devnode = p->mp.kname,
		.wwid = p->mp.wwid[0] ? p->mp.wwid : NULL,
		.vendor = p->mp.vendor[0] ? p->mp.vendor : NULL,
		.product = p->mp.product[0] ? p->mp.product : NULL,
		.protocol = proto,
	};
	char reason[128] = "";

	p->blacklisted = mp_blacklist_check(mp_config_blacklist(d->cfg), &in, reason,
					    sizeof(reason)) == MP_BL_EXCLUDED;
	if (p->blacklisted) {
		snprintf(p->why_not, sizeof(p->why_not), "blacklisted: %s", reason);
		mpd_log_path(&d->log, LOG_INFO, p, "blacklisted by %s", reason);
	} else if (!p->mp.wwid[0]) {
		snprintf(p->why_not, sizeof(p->why_not), "no WWID");
	}
}

/* Whether the read is worth a warning (policy-uevent): a failure once per
 * run and not for a device already gone, another WWID once; an unchanged
 * device never. */
static void judge_read(struct mpd *d, const char *kname, struct mpd_path *known, int r,
		       const struct mp_sysfs_path *sp)
{
	const struct mp_uevent_read in = {
		.known = known != NULL, .read_rc = r,
		.old_wwid = known ? known->mp.wwid : NULL,
		.new_wwid = r == 0 ? sp->path.wwid : NULL,
		.warned = known && known->identity_warned,
	};
	struct mp_uevent_verdict v;

	if (mp_policy_uevent_read(&in, &v) < 0)
		return;
	if (known)
		known->identity_warned = v.warned;
	if (v.warn && v.wwid_changed)
		mpd_log_path(&d->log, LOG_WARNING, known, "sysfs now says wwid %s (recorded %s); "
			     "kept as recorded until the device is removed", sp->path.wwid, known->mp.wwid);
	else if (v.warn)
		mpd_log(&d->log, LOG_WARNING, "%s: cannot read identity from sysfs: %s", kname,
			strerror(-r));
	else if (r < 0)
		mpd_log(&d->log, LOG_DEBUG, "%s: cannot read identity from sysfs: %s", kname,
			strerror(-r));
}

int mpd_discovery_path_added(struct mpd *d, const char *kname, struct mpd_path **ret)
{
	struct mp_sysfs_path *sp = malloc(sizeof(*sp));
	struct mpd_path *p, *known = mpd_path_find_kname(d, kname);
	int r;

	if (!sp)
		return -ENOMEM;
	r = mp_sysfs_path_read("/sys", kname, sp);
	judge_read(d, kname, known, r, sp);
	if (r < 0)
		goto out_free;
	p = mpd_path_find_devt(d, makedev(sp->path.major, sp->path.minor));
	if (p) {
		/* known path: refresh what may change (size, state, ALUA) */
		bool grew = sp->size_sectors && sp->size_sectors != p->size;

		p->size = sp->size_sectors;
		p->sdev_state = sp->sdev_state;
		/* without scsi_dh_alua sysfs says nothing: keep what RTPG said */
		if (sp->path.alua_state != MP_ALUA_UNKNOWN || !p->alua_src) {
			p->mp.alua_state = sp->path.alua_state;
			p->mp.alua_pref = sp->path.alua_pref;
		}
		snprintf(p->dh_state, sizeof(p->dh_state), "%s", sp->dh_state);
		if (!p->sg_name[0])
			snprintf(p->sg_name, sizeof(p->sg_name), "%s", sp->sg_name);
		if (grew && p->map) {
			mpd_log_path(&d->log, LOG_NOTICE, p, "size now %llu sectors",
				     (unsigned long long)p->size);
			mpd_map_schedule_reload(d, p->map);
		}
		*ret = p;
		goto out_free;
	}
	r = mpd_path_add(d, sp, &p);
	if (r < 0)
		goto out_free;
	mpd_resolve_path_settings(d, p);
	mpd_discovery_classify(d, p);
	mpd_checker_setup_path(d, p);
	mpd_alua_probe(d, p);
	mpd_budget_apply(d, p, "path added");
	mpd_log_path(&d->log, LOG_INFO, p, "found: wwid %s, %s %s, %s", p->mp.wwid[0] ? p->mp.wwid : "-",
		     p->mp.vendor, p->mp.product, mp_sdev_state_to_string(p->sdev_state));
	*ret = p;
out_free:
	free(sp);
	return r;
}

static void path_removed(struct mpd *d, dev_t devt)
{
	struct mpd_path *p = mpd_path_find_devt(d, devt);
	struct mpd_map *m;

	if (!p)
		return;
	m = p->map;
	mpd_log_path(&d->log, LOG_NOTICE, p, "removed%s%s", m ? " from " : "", m ? m->name : "");
	mpd_events_uevent(d->events, p, "remove");
	mpd_path_delete(d, p);
	if (!m)
		return;
	if (m->model->n_paths == 0)
		mpd_map_last_path_gone(d, m);
	else
		mpd_map_schedule_reload(d, m);
	mpd_checker_map_update(d, m);
}

static void on_uevent(struct mpd *d, int fd, uint32_t events, uint64_t id)
{
	struct udev_device *dev;

	while ((dev = udev_monitor_receive_device(d->monitor))) {
		const char *action = udev_device_get_action(dev);
		const char *kname = udev_device_get_sysname(dev);
		const char *devtype = udev_device_get_devtype(dev);
		dev_t devt = udev_device_get_devnum(dev);
		struct mpd_path *p = NULL;

		if (!action || !is_candidate_name(kname) || !devtype || strcmp(devtype, "disk"))
			goto next;
		mpd_log(&d->log, LOG_DEBUG, "uevent %s %s", action, kname);
		if (strcmp(action, "remove") == 0) {
			path_removed(d, devt);
		} else if (strcmp(action, "add") == 0 || strcmp(action, "change") == 0) {
			bool known = mpd_path_find_kname(d, kname) != NULL;
			int r = mpd_discovery_path_added(d, kname, &p);

			if (r == 0 && !known)
				mpd_events_uevent(d->events, p, "add");
			/* a path purged as "LUN gone" gets another chance when its
			 * device changes (a rescan after the LUN was mapped again):
			 * if it is still gone, its first check purges it again */
			if (r == 0 && p->pol.gone) {
				mpd_log_path(&d->log, LOG_NOTICE, p, "uevent %s: trying the purged path again",
					     action);
				p->pol.gone = false;
				p->why_not[0] = '\0';
			}

			if (r == 0 && p->mp.wwid[0])
				mpd_assemble_wwid(d, p->mp.wwid);
		}
next:
		udev_device_unref(dev);
	}
}

/* The sd disks present now: the names in /sys/block, which lists whole
 * disks only. Not libudev's enumerator: with a subsystem and a property
 * match it built a device record per block device and took 7.3 s of CPU
 * for 130 disks in the emulated bench guest (56 ms each), before the first
 * path was even read; identity comes from sysfs anyway. Only the names are
 * taken here; mpd_discovery_step() reads them a slice at a time. */
static int list_names(struct mpd *d)
{
	DIR *dir = opendir("/sys/block");
	struct dirent *de;
	int r = 0;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char **v;

		if (!is_candidate_name(de->d_name))
			continue;
		if (d->startup.n == d->startup.cap) {
			size_t nc = d->startup.cap ? d->startup.cap * 2 : 64;

			v = realloc(d->startup.names, nc * sizeof(*v));
			if (!v) {
				r = -ENOMEM;
				goto out;
			}
			d->startup.names = v;
			d->startup.cap = nc;
		}
		d->startup.names[d->startup.n] = strdup(de->d_name);
		if (!d->startup.names[d->startup.n]) {
			r = -ENOMEM;
			goto out;
		}
		d->startup.n++;
	}
out:
	closedir(dir);
	return r;
}

static void free_names(struct mpd *d)
{
	for (size_t i = 0; i < d->startup.n; i++)
		free(d->startup.names[i]);
	free(d->startup.names);
	d->startup.names = NULL;
	d->startup.n = d->startup.cap = d->startup.next = 0;
}

int mpd_discovery_step(struct mpd *d, uint64_t budget_ms)
{
	uint64_t until = mpd_now_ms() + budget_ms;

	while (d->startup.next < d->startup.n) {
		const char *kname = d->startup.names[d->startup.next++];
		struct mpd_path *p;

		mpd_discovery_path_added(d, kname, &p);	/* a failure is logged there */
		if (mpd_now_ms() >= until && d->startup.next < d->startup.n)
			return 1;
	}
	mpd_log(&d->log, LOG_INFO, "startup: %zu paths read of %zu sd devices at %llu ms", d->n_paths,
		d->startup.n, (unsigned long long)(mpd_now_ms() - d->started_ms));
	free_names(d);
	return 0;
}

int mpd_discovery_start(struct mpd *d)
{
	int r;

	d->udev = udev_new();
	if (!d->udev)
		return -ENOMEM;
	/* the monitor first, so nothing added during enumeration is missed;
	 * its events wait in the socket until mpd_discovery_listen() */
	d->monitor = udev_monitor_new_from_netlink(d->udev, "udev");
	if (!d->monitor)
		return -ENOMEM;
	r = udev_monitor_filter_add_match_subsystem_devtype(d->monitor, "block", "disk");
	if (r < 0)
		return r;
	udev_monitor_set_receive_buffer_size(d->monitor, 16 << 20);
	r = udev_monitor_enable_receiving(d->monitor);
	if (r < 0)
		return r;
	r = list_names(d);
	if (r < 0)
		return r;
	mpd_log(&d->log, LOG_INFO, "discovery: %zu sd devices", d->startup.n);
	return 0;
}

int mpd_discovery_listen(struct mpd *d)
{
	return mpd_loop_add_fd(d->loop, udev_monitor_get_fd(d->monitor), EPOLLIN, on_uevent, 0);
}

void mpd_discovery_stop(struct mpd *d)
{
	free_names(d);
	if (d->monitor) {
		mpd_loop_del_fd(d->loop, udev_monitor_get_fd(d->monitor));
		udev_monitor_unref(d->monitor);
	}
	if (d->udev)
		udev_unref(d->udev);
	d->monitor = NULL;
	d->udev = NULL;
}
