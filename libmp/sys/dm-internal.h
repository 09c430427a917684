/* Shared by the dm adapter's files (dm.c, dm-change.c) only: the context,
 * the adapter-wide lock and the small task helpers that turn libdevmapper's
 * 1/0 into 0/-errno. Not installed. */
#ifndef MP_SYS_DM_INTERNAL_H
#define MP_SYS_DM_INTERNAL_H

#include <libdevmapper.h>

#include "mp/dm.h"

struct mp_dm {
	bool udev_sync;
	mp_dm_log_fn log;
	void *log_userdata;
	int log_max_level;
};

/* Every entry point brackets its libdevmapper use with these: they take the
 * adapter-wide mutex (libdevmapper is not thread-safe) and clear the
 * calling thread's last error. */
void dm_enter(struct mp_dm *dm);
void dm_leave(struct mp_dm *dm);
/* Inside an entry point: lets go of the mutex for ms milliseconds, so other
 * threads' calls run while this one waits for udev, then takes it again.
 * The calling thread's last error is kept. */
void dm_sleep_unlocked(struct mp_dm *dm, long ms);
/* The calling thread's last error text, from libdevmapper's log. */
const char *dm_thread_error(void);

/* A message of the adapter's own through the caller's sink (syslog level),
 * e.g. a udev wait given up. Called with the adapter lock held. */
void dm_note(struct mp_dm *dm, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A task of the given type aimed at id (NULL: no target, e.g. LIST).
 * NULL with errno set on failure. */
struct dm_task *dm_task_for(int type, const struct mp_dm_id *id);
/* errno of the last error libdevmapper logged in the current call, or 0. */
int dm_logged_errno(void);
/* Runs the task: 0, or -errno of the failed ioctl (-EIO if unknown). */
int dm_task_go(struct dm_task *dmt);
/* Fills ret from a task that ran; -ENXIO if the map does not exist. */
int dm_task_fill_info(struct dm_task *dmt, struct mp_dm_map_info *ret);
/* The cookie's udev flags for MP_DM_UDEV_* plus what the adapter adds. */
uint16_t dm_udev_flags(unsigned int mp_flags);

static inline void dm_task_destroyp(struct dm_task **p)
{
	if (*p)
		dm_task_destroy(*p);
}
#define _cleanup_dm_task_ __attribute__((cleanup(dm_task_destroyp)))

#endif
