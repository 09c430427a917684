/* The dm adapter's write side: create, reload (and so resize), suspend,
 * resume, target messages, remove; and the ops table the daemon holds.
 *
 * Every call that makes the kernel send a uevent (create = resume of the
 * new map, resume, remove) carries a udev cookie. With udev sync on,
 * libdevmapper waits on the cookie's semaphore until 95-dm-notify.rules
 * runs "dmsetup udevcomplete", i.e. until udev has finished the rules and
 * /dev/mapper/NAME is in place (or gone). Without it, libdevmapper makes
 * the nodes itself. The cookie is always waited for once set, even when
 * the ioctl failed: libdevmapper then completes it itself, and the wait
 * releases the semaphore. These calls BLOCK; see include/mp/dm.h.
 *
 * A caller may bound the wait (udev_wait_ms): a udev rule reading a map
 * that queues with no usable path never returns, so its cookie is never
 * signalled. Past the bound the change stands, the cookie's outstanding
 * counts are released here so its semaphore is freed (udev's own late
 * "udevcomplete" then finds none and only complains), and the call
 * succeeds. The adapter lock is let go between polls, so one map whose
 * probe hangs does not hold back every other map's reload for the length
 * of the bound (seen in CI: 181 s, and a queued write that did not resume).
 * That is safe because libdevmapper's pending /dev node operations, which
 * are process-wide and which any thread's completed wait processes, are
 * only dropped, never acted on, for tasks whose flags say udev makes the
 * nodes (DM_UDEV_DISABLE_LIBRARY_FALLBACK, set whenever udev sync is on);
 * without udev sync there is no cookie and the wait is not bounded, so the
 * lock is held through it. The one map's later jobs still wait: the
 * worker pool runs a map's jobs in order.
 *
 * Owns nothing beyond a call: tasks are destroyed on every path; message
 * responses handed out are the caller's to free. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <syslog.h>
#include <time.h>

#include "dm-internal.h"
#include "util/cleanup.h"

#define MULTIPATH_TARGET "multipath"

uint16_t dm_udev_flags(unsigned int mp_flags)
{
	uint16_t f = 0;

	if (mp_flags & MP_DM_UDEV_RELOAD)
		f |= DM_SUBSYSTEM_UDEV_FLAG0;
	if (mp_flags & MP_DM_UDEV_NO_KPARTX)
		f |= DM_SUBSYSTEM_UDEV_FLAG1;
	/* the generic flags too: every dm-aware rule honours them, so nobody
	 * probes a map whose reads would queue for ever (see mp/dm.h) */
	if (mp_flags & MP_DM_UDEV_NO_PATHS)
		f |= DM_SUBSYSTEM_UDEV_FLAG2 | DM_UDEV_DISABLE_DISK_RULES_FLAG |
		     DM_UDEV_DISABLE_OTHER_RULES_FLAG;
	/* With udev sync in force udev makes the nodes; libdevmapper's own
	 * node fallback would race it and leave nodes udev does not know.
	 * Without sync (udev not running) the fallback is all we have. */
	if (dm_udev_get_sync_support())
		f |= DM_UDEV_DISABLE_LIBRARY_FALLBACK;
	return f;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A cookie udev has not signalled within its bound: release by hand each
 * count udev still owes (one per task that carried it), so its semaphore
 * is freed; udev's own late "udevcomplete" then finds none. */
static void cookie_give_up(uint32_t cookie)
{
	int ready = 0;

	for (unsigned int i = 0; i < 4096 && !ready; i++) {
		(void)dm_udev_complete(cookie);
		if (!dm_udev_wait_immediate(cookie, &ready))
			break;
	}
}

/* The pause before the next poll of a cookie: 10 ms at first, doubling up
 * to 100 ms, against udev rounds of a second or more. */
static long next_step_ms(long step_ms)
{
	return step_ms < 100 ? step_ms * 2 : 100;
}

static void cookie_report(const struct mp_dm_batch_report *report, size_t i)
{
	if (report && report->done)
		report->done(report->userdata, i);
}

/* Waits for udev to signal each of n cookies, together, at most wait_ms
 * (0: no bound), reporting each one as it completes (report may be NULL);
 * a cookie that fails its wait turns rcs[i] from 0 into -EIO. what names
 * the change(s) in the warning when the bound passes. libdevmapper has no
 * descriptor to wait on, only a blocking wait and a non-blocking check, so
 * the bounded form polls, with the adapter lock let go between polls. */
static void cookies_wait(struct mp_dm *dm, const uint32_t *cookies, size_t n, uint32_t wait_ms,
			 int *rcs, const struct mp_dm_batch_report *report, const char *what)
{
	uint64_t t0 = mono_ms();
	size_t first = 0, left = n, late = 0;
	long step_ms = 10;
	bool one = false, *done = NULL;

	if (wait_ms)
		done = n == 1 ? &one : calloc(n ? n : 1, sizeof(*done));
	if (!done) {
		/* no bound (or no memory to track them): each cookie in turn */
		for (size_t i = 0; i < n; i++) {
			if (!dm_udev_wait(cookies[i]) && rcs[i] == 0)
				rcs[i] = -EIO;
			cookie_report(report, i);
		}
		return;
	}
	for (;;) {
		for (size_t i = first; i < n; i++) {
			int ready = 0;

			if (done[i])
				continue;
			if (!cookies[i]) {
				/* no udev sync: the wait only makes the nodes, at once */
				if (!dm_udev_wait(0) && rcs[i] == 0)
					rcs[i] = -EIO;
				ready = 1;
			} else if (!dm_udev_wait_immediate(cookies[i], &ready)) {
				if (rcs[i] == 0)
					rcs[i] = -EIO;
				ready = 1;
			}
			if (!ready)
				continue;
			done[i] = true;
			left--;
			cookie_report(report, i);
		}
		while (first < n && done[first])
			first++;
		if (!left || mono_ms() - t0 >= wait_ms)
			break;
		dm_sleep_unlocked(dm, step_ms);
		step_ms = next_step_ms(step_ms);
	}
	for (size_t i = first; i < n; i++) {
		if (done[i])
			continue;
		cookie_give_up(cookies[i]);
		late++;
		cookie_report(report, i);
	}
	if (late && late == n)
		dm_note(dm, LOG_WARNING, "udev has not finished with %s after %u ms (a rule reading a map that "
			"cannot serve I/O?); the change stands, not waiting longer", what, wait_ms);
	else if (late)
		dm_note(dm, LOG_WARNING, "udev has not finished with %zu of %s after %u ms (a rule reading a "
			"map that cannot serve I/O?); they stand, not waiting longer", late, what, wait_ms);
	if (done != &one)
		free(done);
}

/* Runs a uevent-making task with a cookie and waits for udev. */
static int run_with_cookie(struct mp_dm *dm, struct dm_task *dmt, unsigned int udev_flags,
			   uint32_t wait_ms, const char *what)
{
	uint32_t cookie = 0;
	int r;

	if (!dm_task_set_cookie(dmt, &cookie, dm_udev_flags(udev_flags)))
		return -EIO;
	r = dm_task_go(dmt);
	cookies_wait(dm, &cookie, 1, wait_ms, &r, NULL, what);
	return r;
}

/* ---- create ------------------------------------------------------------------- */

/* After a failed create whose errno libdevmapper did not keep: is the name
 * or the uuid held by a map? (A failed create removes its own map.) */
static bool taken_locked(const struct mp_dm_create_args *a)
{
	const struct mp_dm_id *ids[2] = { MP_DM_NAME(a->name), a->uuid ? MP_DM_UUID(a->uuid) : NULL };

	for (int i = 0; i < 2; i++) {
		_cleanup_dm_task_ struct dm_task *dmt = ids[i] ? dm_task_for(DM_DEVICE_INFO, ids[i]) : NULL;
		struct mp_dm_map_info info;

		if (dmt && dm_task_go(dmt) == 0 && dm_task_fill_info(dmt, &info) == 0)
			return true;
	}
	return false;
}

int mp_dm_create(struct mp_dm *dm, const struct mp_dm_create_args *a,
		 struct mp_dm_map_info *ret_info)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	struct mp_dm_map_info info;
	const char *type;
	int r;

	if (!a || !a->name || !a->name[0] || !a->params || !a->size)
		return -EINVAL;
	type = a->target_type ? a->target_type : MULTIPATH_TARGET;
	dm_enter(dm);
	dmt = dm_task_for(DM_DEVICE_CREATE, MP_DM_NAME(a->name));
	if (!dmt) {
		r = -errno;
		goto out;
	}
	if ((a->uuid && !dm_task_set_uuid(dmt, a->uuid)) ||
	    !dm_task_add_target(dmt, 0, a->size, type, a->params) ||
	    (a->read_only && !dm_task_set_ro(dmt))) {
		r = -ENOMEM;
		goto out;
	}
	/* libdevmapper does create, load, resume in one task and removes the
	 * new map again if the load or resume fails. */
	r = run_with_cookie(dm, dmt, a->udev_flags, a->udev_wait_ms, a->name);
	if (r == -EBUSY || (r == -EIO && taken_locked(a)))
		r = -EEXIST;	/* the kernel's EBUSY for a taken name/uuid */
	else if (r == -EIO && strstr(dm_thread_error(), "reload"))
		r = -EINVAL;	/* table refused (libdevmapper logs no errno) */
	if (r < 0)
		goto out;
	if (ret_info) {
		_cleanup_dm_task_ struct dm_task *it = dm_task_for(DM_DEVICE_INFO, MP_DM_NAME(a->name));

		r = it ? dm_task_go(it) : -errno;
		if (r == 0)
			r = dm_task_fill_info(it, &info);
	}
out:
	dm_leave(dm);
	if (r == 0 && ret_info)
		*ret_info = info;
	return r;
}

/* One create of a batch, with its own cookie; errno mapped as in
 * mp_dm_create. Called with the adapter lock held. */
static int create_one_locked(const struct mp_dm_create_args *a, uint32_t *cookie)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	int r;

	if (!a->name || !a->name[0] || !a->params || !a->size)
		return -EINVAL;
	dmt = dm_task_for(DM_DEVICE_CREATE, MP_DM_NAME(a->name));
	if (!dmt)
		return -errno;
	if ((a->uuid && !dm_task_set_uuid(dmt, a->uuid)) ||
	    !dm_task_add_target(dmt, 0, a->size, a->target_type ? a->target_type : MULTIPATH_TARGET,
				a->params) ||
	    (a->read_only && !dm_task_set_ro(dmt)))
		return -ENOMEM;
	if (!dm_task_set_cookie(dmt, cookie, dm_udev_flags(a->udev_flags)))
		return -EIO;
	r = dm_task_go(dmt);
	if (r == -EBUSY || (r == -EIO && taken_locked(a)))
		r = -EEXIST;
	return r;
}

int mp_dm_create_batch(struct mp_dm *dm, const struct mp_dm_create_args *args, size_t n,
		       int *ret_rcs, struct mp_dm_map_info *ret_infos,
		       const struct mp_dm_batch_report *report)
{
	uint32_t *cookies, wait_ms = 0;
	char what[64];
	int created = 0;

	if (!args || !ret_rcs)
		return -EINVAL;
	cookies = calloc(n ? n : 1, sizeof(*cookies));
	if (!cookies)
		return -ENOMEM;
	dm_enter(dm);
	/* one cookie per create, so a map whose udev work hangs holds back
	 * only itself; udev still works on all the uevents in parallel */
	for (size_t i = 0; i < n; i++) {
		ret_rcs[i] = create_one_locked(&args[i], &cookies[i]);
		if (ret_rcs[i] == 0 && ret_infos) {
			_cleanup_dm_task_ struct dm_task *it = dm_task_for(DM_DEVICE_INFO,
									  MP_DM_NAME(args[i].name));
			int r = it ? dm_task_go(it) : -errno;

			if (r == 0)
				r = dm_task_fill_info(it, &ret_infos[i]);
			if (r < 0)
				ret_rcs[i] = r;
		}
	}
	/* a zero bound anywhere in the batch means no bound */
	for (size_t i = 0; i < n; i++)
		wait_ms = args[i].udev_wait_ms > wait_ms ? args[i].udev_wait_ms : wait_ms;
	for (size_t i = 0; i < n; i++)
		if (!args[i].udev_wait_ms)
			wait_ms = 0;
	snprintf(what, sizeof(what), "a batch of %zu creates", n);
	cookies_wait(dm, cookies, n, wait_ms, ret_rcs, report, what);
	for (size_t i = 0; i < n; i++)
		created += ret_rcs[i] == 0;
	dm_leave(dm);
	free(cookies);
	return created;
}

/* ---- reload, suspend, resume ------------------------------------------------------ */

static int simple_locked(struct mp_dm *dm, int type, const struct mp_dm_id *id, bool no_flush,
			 bool skip_lockfs, bool cookie, unsigned int udev_flags, uint32_t wait_ms)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;

	dmt = dm_task_for(type, id);
	if (!dmt)
		return -errno;
	if ((no_flush && !dm_task_no_flush(dmt)) || (skip_lockfs && !dm_task_skip_lockfs(dmt)))
		return -ENOMEM;
	return cookie ? run_with_cookie(dm, dmt, udev_flags, wait_ms, "a resume") : dm_task_go(dmt);
}

static int info_id_locked(const struct mp_dm_id *id, struct mp_dm_map_info *ret)
{
	_cleanup_dm_task_ struct dm_task *dmt = dm_task_for(DM_DEVICE_INFO, id);
	int r;

	if (!dmt)
		return -errno;
	r = dm_task_go(dmt);
	return r < 0 ? r : dm_task_fill_info(dmt, ret);
}

static int reload_locked(struct mp_dm *dm, const struct mp_dm_id *id,
			 const struct mp_dm_reload_args *a)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	const char *type = a->target_type ? a->target_type : MULTIPATH_TARGET;
	int r;

	dmt = dm_task_for(DM_DEVICE_RELOAD, id);
	if (!dmt)
		return -errno;
	if (!dm_task_add_target(dmt, 0, a->size, type, a->params) ||
	    (a->read_only && !dm_task_set_ro(dmt)))
		return -ENOMEM;
	r = dm_task_go(dmt);
	if (r < 0)
		return r;	/* refused: the live table is untouched */
	/* Resuming with a table in the inactive slot suspends, swaps and
	 * resumes. The implicit suspend honours no_flush. lockfs is skipped:
	 * a multipath table swap does not change the data, and freezing a
	 * filesystem above would write back through a map that may have no
	 * path left — with queueing on, forever. */
	r = simple_locked(dm, DM_DEVICE_RESUME, id, a->no_flush, true, true, a->udev_flags,
			  a->udev_wait_ms);
	if (r < 0) {
		/* Do not leave a stale table for the next resume to activate. */
		_cleanup_dm_task_ struct dm_task *clr = dm_task_for(DM_DEVICE_CLEAR, id);

		if (clr)
			(void)dm_task_go(clr);
	}
	return r;
}

int mp_dm_reload(struct mp_dm *dm, const struct mp_dm_id *id,
		 const struct mp_dm_reload_args *a, struct mp_dm_map_info *ret_info)
{
	struct mp_dm_map_info info;
	int r;

	if (!a || !a->params || !a->size)
		return -EINVAL;
	dm_enter(dm);
	r = reload_locked(dm, id, a);
	if (r == 0 && ret_info)
		r = info_id_locked(id, &info);
	dm_leave(dm);
	if (r == 0 && ret_info)
		*ret_info = info;
	return r;
}

int mp_dm_suspend(struct mp_dm *dm, const struct mp_dm_id *id, bool no_flush)
{
	int r;

	dm_enter(dm);
	r = simple_locked(dm, DM_DEVICE_SUSPEND, id, no_flush, false, false, 0, 0);
	dm_leave(dm);
	return r;
}

int mp_dm_resume(struct mp_dm *dm, const struct mp_dm_id *id, unsigned int udev_flags)
{
	int r;

	dm_enter(dm);
	r = simple_locked(dm, DM_DEVICE_RESUME, id, false, false, true, udev_flags, 0);
	dm_leave(dm);
	return r;
}

/* ---- messages -------------------------------------------------------------------- */

static int message_locked(const struct mp_dm_id *id, const char *msg, char **ret_response)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	const char *resp;
	int r;

	dmt = dm_task_for(DM_DEVICE_TARGET_MSG, id);
	if (!dmt)
		return -errno;
	if (!dm_task_set_sector(dmt, 0) || !dm_task_set_message(dmt, msg))
		return -ENOMEM;
	r = dm_task_go(dmt);
	if (r < 0)
		return r;
	if (ret_response) {
		resp = dm_task_get_message_response(dmt);
		if (resp && resp[0]) {
			char *p = strdup(resp);

			if (!p)
				return -ENOMEM;
			*ret_response = p;
		} else {
			*ret_response = NULL;
		}
	}
	return 0;
}

int mp_dm_message(struct mp_dm *dm, const struct mp_dm_id *id, const char *msg,
		  char **ret_response)
{
	int r;

	if (!msg || !msg[0])
		return -EINVAL;
	dm_enter(dm);
	r = message_locked(id, msg, ret_response);
	dm_leave(dm);
	return r;
}

static int message_path(struct mp_dm *dm, const struct mp_dm_id *id, const char *verb, dev_t path)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "%s %u:%u", verb, major(path), minor(path));
	return mp_dm_message(dm, id, msg, NULL);
}

int mp_dm_fail_path(struct mp_dm *dm, const struct mp_dm_id *id, dev_t path)
{
	return message_path(dm, id, "fail_path", path);
}

int mp_dm_reinstate_path(struct mp_dm *dm, const struct mp_dm_id *id, dev_t path)
{
	return message_path(dm, id, "reinstate_path", path);
}

int mp_dm_switch_group(struct mp_dm *dm, const struct mp_dm_id *id, unsigned int group)
{
	char msg[32];

	if (!group)
		return -EINVAL;
	snprintf(msg, sizeof(msg), "switch_group %u", group);
	return mp_dm_message(dm, id, msg, NULL);
}

int mp_dm_set_queueing(struct mp_dm *dm, const struct mp_dm_id *id, bool queue_if_no_path)
{
	return mp_dm_message(dm, id, queue_if_no_path ? "queue_if_no_path" : "fail_if_no_path", NULL);
}

/* ---- remove ------------------------------------------------------------------------ */

/* MP_DM_REMOVE_FORCE's first half: stop queueing and put an error table in
 * place (flushing, so queued I/O is failed now). Best effort: the remove
 * that follows reports what matters. */
static void force_fail_locked(struct mp_dm *dm, const struct mp_dm_id *id)
{
	struct mp_dm_map_info info;
	struct mp_dm_reload_args err = { .target_type = "error", .params = "" };
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	uint64_t start, length;
	char *ttype = NULL, *params = NULL;

	dmt = dm_task_for(DM_DEVICE_TABLE, id);
	if (!dmt || dm_task_go(dmt) < 0 || dm_task_fill_info(dmt, &info) < 0 || !info.live_table)
		return;
	dm_get_next_target(dmt, NULL, &start, &length, &ttype, &params);
	if (!ttype)
		return;
	if (strcmp(ttype, MULTIPATH_TARGET) == 0)
		(void)message_locked(id, "fail_if_no_path", NULL);
	err.size = info.target_count == 1 ? length : 0;
	if (!err.size)
		return;
	(void)reload_locked(dm, id, &err);
}

int mp_dm_remove(struct mp_dm *dm, const struct mp_dm_id *id, unsigned int flags)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	int r;

	dm_enter(dm);
	if (flags & MP_DM_REMOVE_FORCE)
		force_fail_locked(dm, id);
	dmt = dm_task_for(DM_DEVICE_REMOVE, id);
	if (!dmt) {
		r = -errno;
		goto out;
	}
	if (((flags & MP_DM_REMOVE_RETRY) && !dm_task_retry_remove(dmt)) ||
	    ((flags & MP_DM_REMOVE_DEFERRED) && !dm_task_deferred_remove(dmt))) {
		r = -ENOMEM;
		goto out;
	}
	r = run_with_cookie(dm, dmt, 0, 0, "a remove");
out:
	dm_leave(dm);
	return r;
}

/* ---- partition maps -------------------------------------------------------------- */

/* kpartx-helpers names a partition map's uuid "part" N "-" + the parent's
 * uuid, N a decimal without a leading zero. */
static bool is_partmap_of(const char *uuid, const char *parent)
{
	const char *p = uuid + 4;

	if (strncmp(uuid, "part", 4) != 0 || *p < '1' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '-' && strcmp(p + 1, parent) == 0;
}

int mp_dm_list_partmaps(struct mp_dm *dm, const char *uuid, struct mp_dm_map_info **ret_maps)
{
	struct mp_dm_map_info *all = NULL;
	int n, k = 0;

	*ret_maps = NULL;
	if (!uuid || !uuid[0])
		return 0;
	n = mp_dm_list(dm, NULL, &all);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (is_partmap_of(all[i].uuid, uuid))
			all[k++] = all[i];
	if (k == 0) {
		free(all);
		all = NULL;
	}
	*ret_maps = all;
	return k;
}

int mp_dm_remove_partmaps(struct mp_dm *dm, const char *uuid, unsigned int flags)
{
	struct mp_dm_map_info *parts = NULL;
	int n, r = 0;

	n = mp_dm_list_partmaps(dm, uuid, &parts);
	if (n < 0)
		return n;
	/* a partition map is linear: nothing queues in it to be failed */
	for (int i = 0; i < n && r == 0; i++)
		r = mp_dm_remove(dm, MP_DM_UUID(parts[i].uuid), flags & ~MP_DM_REMOVE_FORCE);
	free(parts);
	return r < 0 ? r : n;
}

/* ---- the ops table ------------------------------------------------------------------- */

static int op_list(void *ctx, const char *type, struct mp_dm_map_info **ret)
{
	return mp_dm_list(ctx, type, ret);
}

static int op_info(void *ctx, const struct mp_dm_id *id, struct mp_dm_map_info *ret)
{
	return mp_dm_info(ctx, id, ret);
}

static int op_get_table(void *ctx, const struct mp_dm_id *id, struct mp_dm_target *ret)
{
	return mp_dm_get_table(ctx, id, ret);
}

static int op_get_status(void *ctx, const struct mp_dm_id *id, struct mp_dm_target *ret)
{
	return mp_dm_get_status(ctx, id, ret);
}

static int op_create(void *ctx, const struct mp_dm_create_args *a, struct mp_dm_map_info *ret)
{
	return mp_dm_create(ctx, a, ret);
}

static int op_reload(void *ctx, const struct mp_dm_id *id, const struct mp_dm_reload_args *a,
		     struct mp_dm_map_info *ret)
{
	return mp_dm_reload(ctx, id, a, ret);
}

static int op_suspend(void *ctx, const struct mp_dm_id *id, bool no_flush)
{
	return mp_dm_suspend(ctx, id, no_flush);
}

static int op_resume(void *ctx, const struct mp_dm_id *id, unsigned int udev_flags)
{
	return mp_dm_resume(ctx, id, udev_flags);
}

static int op_message(void *ctx, const struct mp_dm_id *id, const char *msg, char **ret)
{
	return mp_dm_message(ctx, id, msg, ret);
}

static int op_remove(void *ctx, const struct mp_dm_id *id, unsigned int flags)
{
	return mp_dm_remove(ctx, id, flags);
}

const struct mp_dm_ops mp_dm_ops_libdevmapper = {
	.list = op_list,
	.info = op_info,
	.get_table = op_get_table,
	.get_status = op_get_status,
	.create = op_create,
	.reload = op_reload,
	.suspend = op_suspend,
	.resume = op_resume,
	.message = op_message,
	.remove = op_remove,
};
