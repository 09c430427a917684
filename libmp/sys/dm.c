/* The dm adapter's context and its read side: libdevmapper's process-wide
 * settings, the log redirection, and list/info/table/status.
 *
 * Owns: the one struct mp_dm of the process (mp_dm_new/_free) and the only
 * global mutable state of the adapter, kept here in one place:
 *   - dm_lock serialises every libdevmapper call, because libdevmapper's
 *     own state (control fd, log function, udev-sync switch, mangling mode,
 *     pending /dev node operations) is process-wide and unlocked;
 *   - dm_active points at the live context, because libdevmapper's log
 *     callback carries no user pointer. Read only under dm_lock (the log
 *     callback runs inside calls made under it);
 *   - the last error text and errno are per thread: the log callback runs
 *     in the thread that made the call, and a call may let go of dm_lock
 *     while it waits for udev (dm_sleep_unlocked), so a context-wide copy
 *     would be cleared by another thread's call before its caller read it.
 * Who frees what: mp_dm_free frees the context; lists and target params
 * handed out are the caller's (free / mp_dm_target_release).
 * libdevmapper never writes to stderr from here: its log function is ours
 * from mp_dm_new on, and stays ours (silent) after mp_dm_free. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "dm-internal.h"
#include "util/cleanup.h"

static pthread_mutex_t dm_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mp_dm *dm_active;
static _Thread_local char dm_last_error[512];
static _Thread_local int dm_last_errno;

/* libdevmapper's levels are syslog's, with flag bits (stderr, once) above. */
#define DM_LOG_LEVEL_MASK 0x7
#define DM_LOG_ERR 3
#define DM_LOG_WARN 4

__attribute__((format(printf, 5, 6)))
static void dm_log_cb(int level, const char *file, int line, int err_or_class,
		      const char *fmt, ...)
{
	struct mp_dm *dm = dm_active;
	char msg[512];
	va_list ap;

	level &= DM_LOG_LEVEL_MASK;
	if (!dm)
		return;
	if (level > DM_LOG_ERR && (!dm->log || level > dm->log_max_level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (level <= DM_LOG_ERR) {
		snprintf(dm_last_error, sizeof(dm_last_error), "%s", msg);
		if (err_or_class > 0)
			dm_last_errno = err_or_class;
	}
	if (dm->log && level <= dm->log_max_level)
		/* For debug messages the number is a class, not an errno. */
		dm->log(dm->log_userdata, level, level <= DM_LOG_WARN ? err_or_class : 0, msg);
}

void dm_note(struct mp_dm *dm, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!dm || !dm->log || level > dm->log_max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dm->log(dm->log_userdata, level, 0, msg);
}

void dm_enter(struct mp_dm *dm)
{
	(void)dm;
	pthread_mutex_lock(&dm_lock);
	dm_last_error[0] = '\0';
	dm_last_errno = 0;
}

int dm_logged_errno(void)
{
	return dm_last_errno;
}

const char *dm_thread_error(void)
{
	return dm_last_error;
}

void dm_leave(struct mp_dm *dm)
{
	(void)dm;
	pthread_mutex_unlock(&dm_lock);
}

void dm_sleep_unlocked(struct mp_dm *dm, long ms)
{
	(void)dm;
	pthread_mutex_unlock(&dm_lock);
	nanosleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L }, NULL);
	pthread_mutex_lock(&dm_lock);
}

int mp_dm_new(const struct mp_dm_options *opts, struct mp_dm **ret)
{
	static const struct mp_dm_options defaults = { .udev_sync = true };
	char version[64];
	struct mp_dm *dm;
	int r = 0;

	if (!opts)
		opts = &defaults;
	dm = calloc(1, sizeof(*dm));
	if (!dm)
		return -ENOMEM;
	dm->udev_sync = opts->udev_sync;
	dm->log = opts->log;
	dm->log_userdata = opts->log_userdata;
	dm->log_max_level = opts->log_max_level > 0 ? opts->log_max_level : DM_LOG_WARN;

	pthread_mutex_lock(&dm_lock);
	if (dm_active) {
		r = -EBUSY;
		goto out_unlock;
	}
	dm_active = dm;
	dm_log_with_errno_init(dm_log_cb);
	dm_udev_set_sync_support(dm->udev_sync);
	/* The events side talks to the kernel without libdevmapper and sees
	 * the kernel's spelling; mangling here would make names differ. */
	dm_set_name_mangling_mode(DM_STRING_MANGLING_NONE);
	if (!dm_driver_version(version, sizeof(version))) {
		dm_active = NULL;
		r = -ENODEV;
	}
out_unlock:
	pthread_mutex_unlock(&dm_lock);
	if (r < 0) {
		free(dm);
		return r;
	}
	*ret = dm;
	return 0;
}

struct mp_dm *mp_dm_free(struct mp_dm *dm)
{
	if (!dm)
		return NULL;
	pthread_mutex_lock(&dm_lock);
	/* Processes pending node operations and closes the control fd. */
	dm_lib_release();
	dm_udev_set_sync_support(1);
	dm_set_name_mangling_mode(DM_STRING_MANGLING_AUTO);
	if (dm_active == dm)
		dm_active = NULL;	/* dm_log_cb stays installed, now silent */
	pthread_mutex_unlock(&dm_lock);
	free(dm);
	return NULL;
}

const char *mp_dm_last_error(const struct mp_dm *dm)
{
	return dm ? dm_last_error : "";
}

int mp_dm_driver_version(struct mp_dm *dm, char *buf, size_t len)
{
	char v[64];
	int r = 0;

	dm_enter(dm);
	if (!dm_driver_version(v, sizeof(v)))
		r = -ENODEV;
	dm_leave(dm);
	if (r < 0)
		return r;
	/* libdevmapper answers "4.47.0"; some versions prefix a "V". */
	if (snprintf(buf, len, "%s", v[0] == 'V' ? v + 1 : v) >= (int)len)
		return -ENOBUFS;
	return 0;
}

/* ---- task helpers (shared with dm-change.c) ------------------------------ */

struct dm_task *dm_task_for(int type, const struct mp_dm_id *id)
{
	struct dm_task *dmt;
	int ok = 1;

	dmt = dm_task_create(type);
	if (!dmt) {
		errno = ENOMEM;
		return NULL;
	}
	if (id) {
		switch (id->key) {
		case MP_DM_BY_NAME:
			ok = id->str && id->str[0] && dm_task_set_name(dmt, id->str);
			break;
		case MP_DM_BY_UUID:
			ok = id->str && id->str[0] && dm_task_set_uuid(dmt, id->str);
			break;
		case MP_DM_BY_DEVNUM:
			ok = dm_task_set_major(dmt, (int)major(id->devnum)) &&
			     dm_task_set_minor(dmt, (int)minor(id->devnum));
			break;
		default:
			ok = 0;
		}
	}
	if (!ok) {
		dm_task_destroy(dmt);
		errno = EINVAL;
		return NULL;
	}
	return dmt;
}

int dm_task_go(struct dm_task *dmt)
{
	int err;

	if (dm_task_run(dmt))
		return 0;
	/* libdevmapper's multi-step tasks (create = create, load, resume)
	 * run inner tasks and do not always copy their errno back; what it
	 * logged for the failing ioctl still has it. */
	err = dm_task_get_errno(dmt);
	if (err <= 0)
		err = dm_logged_errno();
	return err > 0 ? -err : -EIO;
}

int dm_task_fill_info(struct dm_task *dmt, struct mp_dm_map_info *ret)
{
	struct dm_info di;
	const char *s;

	if (!dm_task_get_info(dmt, &di))
		return -EIO;
	if (!di.exists)
		return -ENXIO;
	memset(ret, 0, sizeof(*ret));
	s = dm_task_get_name(dmt);
	snprintf(ret->name, sizeof(ret->name), "%s", s ? s : "");
	s = dm_task_get_uuid(dmt);
	snprintf(ret->uuid, sizeof(ret->uuid), "%s", s ? s : "");
	ret->devnum = makedev(di.major, di.minor);
	ret->open_count = di.open_count;
	ret->event_nr = di.event_nr;
	ret->target_count = (uint32_t)di.target_count;
	ret->suspended = di.suspended;
	ret->read_only = di.read_only;
	ret->live_table = di.live_table;
	ret->inactive_table = di.inactive_table;
	ret->deferred_remove = di.deferred_remove;
	return 0;
}

/* ---- reading ----------------------------------------------------------------- */

static int info_locked(const struct mp_dm_id *id, struct mp_dm_map_info *ret)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	int r;

	dmt = dm_task_for(DM_DEVICE_INFO, id);
	if (!dmt)
		return -errno;
	r = dm_task_go(dmt);
	if (r < 0)
		return r;
	return dm_task_fill_info(dmt, ret);
}

int mp_dm_info(struct mp_dm *dm, const struct mp_dm_id *id, struct mp_dm_map_info *ret)
{
	struct mp_dm_map_info info;
	int r;

	dm_enter(dm);
	r = info_locked(id, &info);
	dm_leave(dm);
	if (r < 0)
		return r;
	*ret = info;
	return 0;
}

void mp_dm_target_release(struct mp_dm_target *t)
{
	if (!t)
		return;
	free(t->params);
	t->params = NULL;
}

/* DM_DEVICE_TABLE or DM_DEVICE_STATUS of one map: its info (may be NULL)
 * and its single target. */
static int target_locked(int type, const struct mp_dm_id *id,
			 struct mp_dm_map_info *ret_info, struct mp_dm_target *ret)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	struct mp_dm_map_info info;
	uint64_t start, length;
	char *ttype = NULL, *params = NULL;
	void *next;
	int r;

	dmt = dm_task_for(type, id);
	if (!dmt)
		return -errno;
	r = dm_task_go(dmt);
	if (r < 0)
		return r;
	r = dm_task_fill_info(dmt, &info);
	if (r < 0)
		return r;
	if (!info.live_table)
		return -ENODATA;
	next = dm_get_next_target(dmt, NULL, &start, &length, &ttype, &params);
	if (!ttype)
		return -ENODATA;
	if (next)
		return -E2BIG;
	if (ret) {
		char *p = strdup(params ? params : "");

		if (!p)
			return -ENOMEM;
		ret->start = start;
		ret->length = length;
		snprintf(ret->type, sizeof(ret->type), "%s", ttype);
		ret->params = p;
	}
	if (ret_info)
		*ret_info = info;
	return 0;
}

int mp_dm_get_table(struct mp_dm *dm, const struct mp_dm_id *id, struct mp_dm_target *ret)
{
	int r;

	dm_enter(dm);
	r = target_locked(DM_DEVICE_TABLE, id, NULL, ret);
	dm_leave(dm);
	return r;
}

int mp_dm_get_status(struct mp_dm *dm, const struct mp_dm_id *id, struct mp_dm_target *ret)
{
	int r;

	dm_enter(dm);
	r = target_locked(DM_DEVICE_STATUS, id, NULL, ret);
	dm_leave(dm);
	return r;
}

/* Type of the map's first target, into type[MP_DM_TYPE_LEN]; "" when it
 * has no live table. */
static int map_type_locked(const char *name, struct mp_dm_map_info *ret_info, char *type)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	uint64_t start, length;
	char *ttype = NULL, *params = NULL;
	int r;

	dmt = dm_task_for(DM_DEVICE_TABLE, MP_DM_NAME(name));
	if (!dmt)
		return -errno;
	r = dm_task_go(dmt);
	if (r < 0)
		return r;
	r = dm_task_fill_info(dmt, ret_info);
	if (r < 0)
		return r;
	type[0] = '\0';
	if (ret_info->live_table) {
		dm_get_next_target(dmt, NULL, &start, &length, &ttype, &params);
		if (ttype)
			snprintf(type, MP_DM_TYPE_LEN, "%s", ttype);
	}
	return 0;
}

static int list_locked(const char *target_type, struct mp_dm_map_info **ret_maps)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	_cleanup_free_ struct mp_dm_map_info *maps = NULL;
	struct dm_names *names;
	size_t n = 0, cap = 0;
	unsigned int next = 0;
	int r;

	dmt = dm_task_for(DM_DEVICE_LIST, NULL);
	if (!dmt)
		return -errno;
	r = dm_task_go(dmt);
	if (r < 0)
		return r;
	names = dm_task_get_names(dmt);
	if (!names || !names->dev) {
		*ret_maps = NULL;
		return 0;
	}
	do {
		struct mp_dm_map_info info;
		char type[MP_DM_TYPE_LEN];

		names = (struct dm_names *)((char *)names + next);
		next = names->next;
		r = map_type_locked(names->name, &info, type);
		if (r == -ENXIO)
			continue;	/* removed since the list was taken */
		if (r < 0)
			return r;
		if (target_type && strcmp(type, target_type) != 0)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct mp_dm_map_info *p = reallocarray(maps, ncap, sizeof(*maps));

			if (!p)
				return -ENOMEM;
			maps = p;
			cap = ncap;
		}
		maps[n++] = info;
	} while (next);
	if (n > INT32_MAX)
		return -EOVERFLOW;
	*ret_maps = n ? TAKE_PTR(maps) : NULL;
	return (int)n;
}

int mp_dm_list(struct mp_dm *dm, const char *target_type, struct mp_dm_map_info **ret_maps)
{
	int r;

	dm_enter(dm);
	r = list_locked(target_type, ret_maps);
	dm_leave(dm);
	return r;
}
