/* The device-mapper adapter: list, inspect, create, reload, message,
 * suspend/resume and remove dm maps (multipath maps and their partition
 * maps), and the non-blocking event source for the daemon's loop.
 *
 * Conventions: every function returns 0 (or a count) on success and a
 * negative errno on failure; ret_* outputs are written only on success.
 * -ENXIO means "no such map". A kernel error's text (libdevmapper's message,
 * e.g. why a table was refused) can be read back with mp_dm_last_error().
 *
 * Blocking: functions marked BLOCKS may sleep for a long time — a reload
 * suspends the map (waits for in-flight I/O unless no_flush), and create,
 * resume, reload and remove wait for udev to finish processing the uevent
 * (cookie semaphore) when udev sync is on. The daemon runs them on a worker
 * thread, never in its event loop. The mp_dm_events_* functions never use
 * libdevmapper, never block, and are safe to call from the loop thread
 * while a worker runs the others.
 *
 * Threads: libdevmapper keeps process-wide state (its control fd, the log
 * function, the udev-sync switch, the name-mangling mode, the queue of
 * pending /dev node operations and cookie semaphores) and locks none of it.
 * So: one struct mp_dm per process (mp_dm_new refuses a second), and its
 * functions are serialised by a mutex inside the adapter; call them from one
 * worker at a time anyway, because a caller waiting on that mutex waits for
 * the whole of a running reload.
 *
 * Names and uuids are passed to the kernel as they are (no mangling):
 * multipath names and "mpath-<WWID>" / "partN-mpath-<WWID>" uuids are plain.
 */
#ifndef MP_DM_H
#define MP_DM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MP_DM_NAME_LEN 128	/* includes the NUL, as the kernel's DM_NAME_LEN */
#define MP_DM_UUID_LEN 129	/* includes the NUL, as DM_UUID_LEN */
#define MP_DM_TYPE_LEN 16	/* target type, as DM_MAX_TYPE_NAME */

#define MP_DM_UUID_PREFIX "mpath-"	/* multipath map: "mpath-" WWID */
/* partition map on a multipath map: "part" N "-mpath-" WWID */

/* Which map an operation is about. The kernel looks maps up by exactly one
 * key. Async work should hold the uuid (stable, unique) or the devnum, not
 * the name (a rename changes it). Build one with the macros below. */
enum mp_dm_key {
	MP_DM_BY_NAME,
	MP_DM_BY_UUID,
	MP_DM_BY_DEVNUM,
};

struct mp_dm_id {
	enum mp_dm_key key;
	const char *str;	/* name or uuid */
	dev_t devnum;		/* MP_DM_BY_DEVNUM */
};

#define MP_DM_NAME(n) (&(const struct mp_dm_id){ .key = MP_DM_BY_NAME, .str = (n) })
#define MP_DM_UUID(u) (&(const struct mp_dm_id){ .key = MP_DM_BY_UUID, .str = (u) })
#define MP_DM_DEVNUM(d) (&(const struct mp_dm_id){ .key = MP_DM_BY_DEVNUM, .devnum = (d) })

/* One map as the kernel reports it (DM_DEV_STATUS / DM_TABLE_STATUS). */
struct mp_dm_map_info {
	char name[MP_DM_NAME_LEN];
	char uuid[MP_DM_UUID_LEN];	/* "" when the map has none */
	dev_t devnum;
	int32_t open_count;
	uint32_t event_nr;		/* bumped on every table event */
	uint32_t target_count;
	bool suspended;
	bool read_only;
	bool live_table;
	bool inactive_table;		/* a loaded table awaits resume */
	bool deferred_remove;		/* removal pending last close */
};

/* A single-target map's table line or status line. params is malloc'd and
 * belongs to the struct; mp_dm_target_release() frees it. */
struct mp_dm_target {
	uint64_t start;			/* sectors; 0 for our maps */
	uint64_t length;		/* sectors: the map's size */
	char type[MP_DM_TYPE_LEN];	/* "multipath", "linear", ... */
	char *params;
};

void mp_dm_target_release(struct mp_dm_target *t);

/* Flags for udev rules, carried in the uevent's DM_COOKIE (libdevmapper
 * encodes them; 55-dm.rules/10-dm.rules decode them into DM_* variables).
 * What the multipath rules (11-dm-mpath.rules) expect:
 *   - a NEW map is created with none of these: the first "change" event
 *     (the resume) must be processed by the upper layers (blkid, kpartx,
 *     LVM);
 *   - a RELOAD of a live map (paths added/removed, features changed) sets
 *     MP_DM_UDEV_RELOAD (DM_SUBSYSTEM_UDEV_FLAG0): the rules set
 *     DM_ACTIVATION=0 and MPATH_UNCHANGED=1, so nothing above rescans;
 *   - MP_DM_UDEV_NO_KPARTX (DM_SUBSYSTEM_UDEV_FLAG1): do not create
 *     partition maps for this map;
 *   - MP_DM_UDEV_NO_PATHS (DM_SUBSYSTEM_UDEV_FLAG2): the table has no usable
 *     path; the rules set MPATH_DEVICE_READY=0 so nobody opens it to probe.
 *     The adapter adds libdevmapper's generic DM_UDEV_DISABLE_DISK_RULES_FLAG
 *     and DM_UDEV_DISABLE_OTHER_RULES_FLAG, which every dm-aware rule file
 *     honours (blkid in 60-persistent-storage-dm / 13-dm-disk, LVM, our
 *     57-mp-map): without multipath rules in force a queueing map with no
 *     path would otherwise be read by udev, and that read never returns.
 *     The map's /dev/mapper link stays (the dm rules still run); its
 *     /dev/disk/by-* links go until the next event with paths.
 * The adapter adds DM_UDEV_DISABLE_LIBRARY_FALLBACK itself whenever udev
 * sync is in force (udev, not libdevmapper, makes /dev/mapper/NAME), and
 * libdevmapper adds DM_UDEV_PRIMARY_SOURCE_FLAG to every event it causes. */
enum {
	MP_DM_UDEV_RELOAD = 1u << 0,
	MP_DM_UDEV_NO_KPARTX = 1u << 1,
	MP_DM_UDEV_NO_PATHS = 1u << 2,
};

/* ---- the context ------------------------------------------------------ */

/* Where libdevmapper's own messages go. level is syslog's (3 = error,
 * 7 = debug); err an errno or 0. Called on the thread that made the call. */
typedef void (*mp_dm_log_fn)(void *userdata, int level, int err, const char *msg);

struct mp_dm_options {
	bool udev_sync;		/* wait for udev after create/resume/remove */
	mp_dm_log_fn log;	/* NULL: libdevmapper's messages are dropped */
	void *log_userdata;
	int log_max_level;	/* messages above this level are dropped; 0 = 4 */
};

struct mp_dm;

/* Sets libdevmapper's process-wide state (log sink, udev sync, no name
 * mangling) and checks the kernel's dm driver answers. -EBUSY if another
 * struct mp_dm is alive; -ENODEV without a dm driver. */
int mp_dm_new(const struct mp_dm_options *opts, struct mp_dm **ret);
/* Restores libdevmapper's defaults, closes its control fd. Accepts NULL. */
struct mp_dm *mp_dm_free(struct mp_dm *dm);
/* libdevmapper's last error message from the calling thread's last call
 * ("" if none); valid until that thread's next call. */
const char *mp_dm_last_error(const struct mp_dm *dm);
/* The dm driver's version, e.g. "4.47.0", into buf. */
int mp_dm_driver_version(struct mp_dm *dm, char *buf, size_t len);

/* ---- reading ------------------------------------------------------------ */

/* All maps whose (first) target has type target_type (NULL: all maps).
 * *ret_maps is malloc'd (caller frees; NULL when there are none); returns
 * the count. A map removed while the list is taken is skipped. */
int mp_dm_list(struct mp_dm *dm, const char *target_type, struct mp_dm_map_info **ret_maps);
int mp_dm_info(struct mp_dm *dm, const struct mp_dm_id *id, struct mp_dm_map_info *ret);
/* Table or status text of a single-target map: -ENODATA if it has no live
 * table, -E2BIG if it has more than one target. The text goes unparsed to
 * the parser of include/mp/dmtable.h. */
int mp_dm_get_table(struct mp_dm *dm, const struct mp_dm_id *id, struct mp_dm_target *ret);
int mp_dm_get_status(struct mp_dm *dm, const struct mp_dm_id *id, struct mp_dm_target *ret);

/* ---- changing (the BLOCKS ones go to a worker) ------------------------------- */

struct mp_dm_create_args {
	const char *name;
	const char *uuid;	/* "mpath-<WWID>"; NULL for none */
	uint64_t size;		/* sectors */
	const char *target_type;	/* NULL: "multipath" */
	const char *params;	/* the table line after the target type */
	bool read_only;
	unsigned int udev_flags;	/* MP_DM_UDEV_*; usually 0 here */
	/* Longest wait for udev (ms; 0: no bound). Once it passes the map
	 * stands, the cookie is let go and the call still succeeds (logged):
	 * /dev/mapper/NAME may then come later. A batch waits the largest. */
	uint32_t udev_wait_ms;
};

/* BLOCKS. Creates the map, loads the table, resumes it; with udev sync,
 * returns once udev processed the event, so /dev/mapper/NAME exists.
 * -EEXIST if the name or uuid is taken; -EINVAL if the kernel refuses the
 * table (the map is not left behind). ret_info may be NULL. */
int mp_dm_create(struct mp_dm *dm, const struct mp_dm_create_args *args,
		 struct mp_dm_map_info *ret_info);

/* Told of each create of a batch once udev is done with it (or the wait
 * for it was given up): ret_rcs[i] and ret_infos[i] are final then. Called
 * with the adapter's lock held, from the thread running the batch: it must
 * not call the adapter. */
struct mp_dm_batch_report {
	void (*done)(void *userdata, size_t i);
	void *userdata;
};

/* BLOCKS. Creates n maps: every create is issued first, each with its own
 * udev cookie, then the cookies are waited for together (udev works on
 * the uevents in parallel), so a batch costs about one udev round instead
 * of n, and a map whose udev work hangs holds back only its own report.
 * When a create is reported, /dev/mapper/NAME exists (unless its wait was
 * given up). ret_rcs[i] gets args[i]'s 0 / -errno (-EEXIST, -EINVAL as
 * mp_dm_create); ret_infos (may be NULL) is written for the maps created;
 * report (may be NULL) is told of each create as it completes. Returns how
 * many were created, or -EINVAL / -ENOMEM. */
int mp_dm_create_batch(struct mp_dm *dm, const struct mp_dm_create_args *args, size_t n,
		       int *ret_rcs, struct mp_dm_map_info *ret_infos,
		       const struct mp_dm_batch_report *report);

struct mp_dm_reload_args {
	uint64_t size;		/* sectors; a new size is a resize */
	const char *target_type;	/* NULL: "multipath" */
	const char *params;
	bool read_only;
	/* Suspend without flushing: I/O queued in the target (queue_if_no_path)
	 * stays queued across the table swap instead of being failed. */
	bool no_flush;
	unsigned int udev_flags;	/* MP_DM_UDEV_*; usually MP_DM_UDEV_RELOAD */
	/* Longest wait for udev after the resume (ms; 0: no bound). Once it
	 * passes the new table stands, the cookie is let go and the call still
	 * succeeds (logged): a udev rule stuck reading a map that queues must
	 * not hold the caller, nor every other dm call behind the adapter lock. */
	uint32_t udev_wait_ms;
};

/* BLOCKS (suspends the map). Loads the new table into the inactive slot;
 * if the kernel refuses it, the live table is untouched. Then resumes,
 * which suspends, swaps and resumes. If the resume fails the inactive slot
 * is cleared again. ret_info may be NULL. */
int mp_dm_reload(struct mp_dm *dm, const struct mp_dm_id *id,
		 const struct mp_dm_reload_args *args, struct mp_dm_map_info *ret_info);

/* BLOCKS unless no_flush and the target has nothing in flight. */
int mp_dm_suspend(struct mp_dm *dm, const struct mp_dm_id *id, bool no_flush);
/* BLOCKS (udev wait). */
int mp_dm_resume(struct mp_dm *dm, const struct mp_dm_id *id, unsigned int udev_flags);

/* A target message to sector 0, e.g. "fail_path 8:16". *ret_response (may
 * be NULL) gets the target's answer, malloc'd, or NULL when it gave none.
 * Fast for the multipath target: it queues the work and returns. */
int mp_dm_message(struct mp_dm *dm, const struct mp_dm_id *id, const char *msg,
		  char **ret_response);
int mp_dm_fail_path(struct mp_dm *dm, const struct mp_dm_id *id, dev_t path);
int mp_dm_reinstate_path(struct mp_dm *dm, const struct mp_dm_id *id, dev_t path);
/* group is 1-based, as in the table. */
int mp_dm_switch_group(struct mp_dm *dm, const struct mp_dm_id *id, unsigned int group);
int mp_dm_set_queueing(struct mp_dm *dm, const struct mp_dm_id *id, bool queue_if_no_path);

enum {
	/* Kernel refuses an open map with -EBUSY; retry for a few seconds
	 * first (udev's probes hold new maps open briefly). */
	MP_DM_REMOVE_RETRY = 1u << 0,
	/* If the map is open, mark it for removal at its last close (0). */
	MP_DM_REMOVE_DEFERRED = 1u << 1,
	/* Fail queued and future I/O first — fail_if_no_path for multipath,
	 * then an "error" table — so holders see errors and can close. The
	 * kernel still refuses to remove a map held open: -EBUSY, and the map
	 * stays as an error map. */
	MP_DM_REMOVE_FORCE = 1u << 2,
};

/* BLOCKS (udev wait, retries). -EBUSY while open (unless DEFERRED). */
int mp_dm_remove(struct mp_dm *dm, const struct mp_dm_id *id, unsigned int flags);

/* The partition maps kpartx-helpers made on the map with this uuid (their
 * uuid "partN-" + uuid): their count, and in *ret_maps (malloc'd; NULL when
 * none) what the kernel says of each, open_count included. */
int mp_dm_list_partmaps(struct mp_dm *dm, const char *uuid, struct mp_dm_map_info **ret_maps);
/* BLOCKS. Removes those partition maps (flags as mp_dm_remove, FORCE
 * ignored): the map under them cannot go while they hold it. Stops at the
 * first failure (-EBUSY for a mounted partition) and returns it; else the
 * number removed. */
int mp_dm_remove_partmaps(struct mp_dm *dm, const char *uuid, unsigned int flags);

/* ---- events for the loop (no libdevmapper, never block) ---------------------
 *
 * The kernel keeps one global dm event counter, bumped whenever any map's
 * event_nr moves: for multipath, a path failed or reinstated (by the kernel
 * or by message), a map removed. A table reload does NOT
 * move event_nr (checked on Linux 6.1): the daemon learns of reloads from
 * its own worker or the "change" uevent, not from here.
 * Arming an open /dev/mapper/control file records the counter's value in
 * that open file; poll() reports POLLIN on it while the counter is past the
 * recorded value. Arming is per open file (per fd from mp_dm_events_open),
 * so the daemon's fd is not disturbed by libdevmapper's own control fd or by
 * other processes.
 *
 * No event is missed if the loop does, on every POLLIN (and once at start):
 *     mp_dm_events_arm(fd);                  -- first re-arm,
 *     mp_dm_events_changed(fd, known, ...);  -- then scan.
 * An event landing after the arm makes the fd readable again; one landing
 * between arm and scan is seen by the scan and costs one spurious wakeup.
 * Scanning before re-arming would lose events that land in between. POLLIN
 * is level-triggered: it stays up until the next arm. */

/* One map in the scan: what the loop remembers between wakeups. */
struct mp_dm_event_map {
	dev_t devnum;		/* the key: stable for the map's lifetime */
	uint32_t event_nr;
	char name[MP_DM_NAME_LEN];
	char uuid[MP_DM_UUID_LEN];	/* "" if none or the kernel does not say */
};

enum mp_dm_event_kind {
	MP_DM_EVENT_CHANGED,	/* event_nr moved */
	MP_DM_EVENT_REMOVED,	/* in known, gone from the kernel */
	MP_DM_EVENT_ADDED,	/* in the kernel, not in known */
	_MP_DM_EVENT_KIND_MAX,
};

struct mp_dm_event_change {
	enum mp_dm_event_kind kind;
	struct mp_dm_event_map map;	/* now (REMOVED: as known) */
	uint32_t old_event_nr;		/* CHANGED: as known */
};

const char *mp_dm_event_kind_to_string(enum mp_dm_event_kind k);

/* Opens /dev/mapper/control (O_CLOEXEC) for polling and checks the driver
 * can arm it (dm ioctl >= 4.37, Linux 4.14): -EOPNOTSUPP otherwise. The
 * caller owns and closes *ret_fd. The fd starts armed at the counter's
 * value when it was opened. */
int mp_dm_events_open(int *ret_fd);
int mp_dm_events_arm(int fd);
/* Every dm map now: one DM_LIST_DEVICES ioctl (name, uuid, devnum,
 * event_nr; any target type — filter on the uuid prefix). *ret_maps is
 * malloc'd (NULL when empty); returns the count. */
int mp_dm_events_scan(int fd, struct mp_dm_event_map **ret_maps);
/* Scans and compares with known (n_known entries, matched by devnum).
 * *ret_changes is malloc'd (NULL when nothing changed); returns the count.
 * With ret_now non-NULL, also hands out the scan (count in *ret_n_now), to
 * become the next known list. */
int mp_dm_events_changed(int fd, const struct mp_dm_event_map *known, size_t n_known,
			 struct mp_dm_event_change **ret_changes,
			 struct mp_dm_event_map **ret_now, size_t *ret_n_now);
/* The comparison alone (no I/O), for tests and for callers that scanned. */
int mp_dm_events_diff(const struct mp_dm_event_map *known, size_t n_known,
		      const struct mp_dm_event_map *now, size_t n_now,
		      struct mp_dm_event_change **ret_changes);
/* Decodes a DM_LIST_DEVICES answer (the bytes after the ioctl header,
 * data_len of them). -EBADMSG if malformed. Exposed for tests and fuzzing. */
int mp_dm_events_parse_list(const void *data, size_t data_len, struct mp_dm_event_map **ret_maps);

/* ---- ops: what the daemon holds, so tests can put fakes in its place ------- */

struct mp_dm_ops {
	int (*list)(void *ctx, const char *target_type, struct mp_dm_map_info **ret_maps);
	int (*info)(void *ctx, const struct mp_dm_id *id, struct mp_dm_map_info *ret);
	int (*get_table)(void *ctx, const struct mp_dm_id *id, struct mp_dm_target *ret);
	int (*get_status)(void *ctx, const struct mp_dm_id *id, struct mp_dm_target *ret);
	int (*create)(void *ctx, const struct mp_dm_create_args *args, struct mp_dm_map_info *ret_info);
	int (*reload)(void *ctx, const struct mp_dm_id *id, const struct mp_dm_reload_args *args,
		      struct mp_dm_map_info *ret_info);
	int (*suspend)(void *ctx, const struct mp_dm_id *id, bool no_flush);
	int (*resume)(void *ctx, const struct mp_dm_id *id, unsigned int udev_flags);
	int (*message)(void *ctx, const struct mp_dm_id *id, const char *msg, char **ret_response);
	int (*remove)(void *ctx, const struct mp_dm_id *id, unsigned int flags);
};

/* The real thing; ctx is the struct mp_dm * from mp_dm_new(). */
extern const struct mp_dm_ops mp_dm_ops_libdevmapper;

#endif
