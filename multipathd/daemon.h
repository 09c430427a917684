/* multipathd's internal interfaces: the one top-level context (struct mpd)
 * and the modules that act on it. Everything here runs on the loop thread
 * except what worker.c runs on its pool (which sees only job structs).
 *
 * Ownership: struct mpd owns the config snapshot, the loop, the worker
 * pool, the dm/udev handles, every path record and every map record
 * (state.c is the only module that adds or frees them), and the control
 * socket's clients. Asynchronous work (worker jobs, sg commands, timers)
 * carries ids (dev_t, map uuid, generation counters), never pointers. */
#ifndef MPD_DAEMON_H
#define MPD_DAEMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <syslog.h>

#include "mp/aio.h"
#include "mp/budget.h"
#include "mp/config.h"
#include "mp/dm.h"
#include "mp/dmtable.h"
#include "mp/holds.h"
#include "mp/map.h"
#include "mp/naming.h"
#include "mp/path.h"
#include "mp/policy.h"
#include "mp/prio.h"
#include "mp/sg.h"
#include "mp/shares.h"
#include "mp/sysfs.h"
#include "util/posindex.h"

struct mpd;
struct mpd_path;
struct mpd_map;

/* ---- log.c ---------------------------------------------------------------- */

struct mpd_log {
	bool to_stderr;
	int max_level;		/* syslog level; messages above it are dropped */
};

void mpd_log_open(struct mpd_log *lg, bool to_stderr, int verbosity);
void mpd_log_close(struct mpd_log *lg);
void mpd_log(const struct mpd_log *lg, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "sdc [8:32]: ..." */
void mpd_log_path(const struct mpd_log *lg, int level, const struct mpd_path *p,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* "mpatha (3600...): ..." */
void mpd_log_map(const struct mpd_log *lg, int level, const struct mpd_map *m,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The dm adapter's sink (userdata is the struct mpd_log). Thread-safe:
 * writes one line with one call. */
void mpd_log_dm_sink(void *userdata, int level, int err, const char *msg);

/* ---- loop.c --------------------------------------------------------------- */

/* fd callback: events are EPOLL* bits. */
typedef void (*mpd_fd_fn)(struct mpd *d, int fd, uint32_t events, uint64_t id);
/* timer callback: fires once at its deadline. */
typedef void (*mpd_timer_fn)(struct mpd *d, uint64_t id, uint64_t gen);

struct mpd_loop;

int mpd_loop_new(struct mpd_loop **ret);
void mpd_loop_free(struct mpd_loop *l);
/* Watches fd; id is handed back to fn (a client slot, a path id...). */
int mpd_loop_add_fd(struct mpd_loop *l, int fd, uint32_t events, mpd_fd_fn fn, uint64_t id);
int mpd_loop_mod_fd(struct mpd_loop *l, int fd, uint32_t events);
void mpd_loop_del_fd(struct mpd_loop *l, int fd);
/* Timers set a second or more ahead fire on this grid (loop.c's top). */
#define MPD_TIMER_SLACK_MS 100u
/* Housekeeping's period (main.c): the map ticks and share samples run
 * from it, so a tick comes up to this plus the grid after it is due. */
#define MPD_HOUSEKEEPING_MS 1000u

/* One-shot timer at deadline_ms (CLOCK_MONOTONIC ms). Timers cannot be
 * cancelled: the callback compares gen with its object's current
 * generation and ignores stale ones. */
int mpd_loop_add_timer(struct mpd_loop *l, uint64_t deadline_ms, mpd_timer_fn fn,
		       uint64_t id, uint64_t gen);
/* Runs until d->quit; returns 0 or -errno of a failing epoll_wait. */
int mpd_loop_run(struct mpd_loop *l, struct mpd *d);
/* The time the loop woke up for the events being handled (read once per
 * wake-up): what per-event decisions use, so that a thousand paths'
 * checks cost a thousand clock reads less, and every callback of one
 * wake-up sees the same time. */
uint64_t mpd_loop_now_ms(const struct mpd_loop *l);
/* The clock itself: for work that measures its own duration. */
uint64_t mpd_now_ms(void);
uint64_t mpd_now_us(void);

/* ---- worker.c ------------------------------------------------------------- */

enum mpd_job_kind {
	MPD_JOB_CREATE,
	MPD_JOB_RELOAD,
	MPD_JOB_MESSAGE,
	MPD_JOB_REMOVE,
	MPD_JOB_STATUS,		/* read info + status + table of one map */
	MPD_JOB_SUSPEND,	/* operator's suspend (no_flush) */
	MPD_JOB_RESUME,		/* operator's resume */
	_MPD_JOB_MAX,
};

/* A job and, once run, its result. Holds only copies: the map's uuid and
 * name, the table text, the message. */
struct mpd_job {
	struct mpd_job *next;
	uint64_t seq;
	enum mpd_job_kind kind;
	char uuid[MP_DM_UUID_LEN];
	char name[MP_DM_NAME_LEN];
	uint64_t size;
	char *params;		/* CREATE/RELOAD table; owned */
	char msg[MP_DM_MESSAGE_SIZE];	/* MESSAGE */
	uint64_t path_id;	/* MESSAGE about a path, else 0 */
	unsigned int flags;	/* REMOVE flags / udev flags */
	bool no_flush;
	uint32_t udev_wait_ms;	/* CREATE/RELOAD: bound of the udev wait (policy-udev) */
	unsigned int n_paths, n_pgs;	/* CREATE/RELOAD: what the table holds, for the log */
	/* result */
	int rc;
	char error[256];
	struct mp_dm_map_info info;
	char *status_text;	/* STATUS: owned */
	char *table_text;	/* STATUS: owned */
};

struct mpd_workers;

typedef void (*mpd_job_done_fn)(struct mpd *d, struct mpd_job *job);

int mpd_workers_new(struct mp_dm *dm, unsigned int n_threads, struct mpd_workers **ret);
void mpd_workers_free(struct mpd_workers *w);
int mpd_workers_eventfd(const struct mpd_workers *w);
/* Takes ownership of job. Jobs for the same uuid run in submission order. */
int mpd_workers_submit(struct mpd_workers *w, struct mpd_job *job);
/* Holds submitted jobs back until the matching unplug (nests), so that jobs
 * queued together (the creates of one assembly) run as one batch. */
void mpd_workers_plug(struct mpd_workers *w);
void mpd_workers_unplug(struct mpd_workers *w);
/* Drains finished jobs, calling done for each, then frees them. */
void mpd_workers_reap(struct mpd_workers *w, struct mpd *d, mpd_job_done_fn done);
unsigned int mpd_workers_pending(const struct mpd_workers *w);
struct mpd_job *mpd_job_new(enum mpd_job_kind kind, const char *uuid, const char *name);
void mpd_job_free(struct mpd_job *job);
const char *mpd_job_kind_to_string(enum mpd_job_kind k);

/* ---- state.c: path and map records ---------------------------------------- */

struct mpd_path {
	struct mp_path mp;		/* model; the map model borrows &mp */
	dev_t devt;
	uint64_t id;			/* mp_policy_path_id */
	enum mp_sdev_state sdev_state;
	uint64_t size;			/* sectors */
	char sg_name[MP_KNAME_SIZE];
	char dh_state[16];
	struct mp_settings set;		/* resolved for this device */
	struct mp_budget_plan budget;	/* valid when budget_on (budget.c) */
	bool budget_on;
	bool blacklisted;
	bool identity_warned;		/* a uevent's sysfs read warned (policy-uevent) */
	char why_not[192];		/* why it is not in a map, "" if it is */
	struct mpd_map *map;		/* NULL: orphan */

	/* checking */
	struct mp_path_policy pol;
	struct mp_interval_config icfg;
	struct mp_interval_state ival;
	uint64_t timer_gen;
	uint32_t check_seq;		/* in the sg tag: stale results are ignored */
	struct mp_sg *sg;
	struct mp_sg_open_state sg_open;	/* failed opens of the sg node in a row */
	enum mp_check_result last_verdict;
	bool checked_once;
	uint64_t last_check_ms;
	uint32_t check_ms;		/* duration of the last check */
	uint64_t check_start_us;	/* the last check's command went out */
	/* path_latency prio (latency.c): the last io_num command round
	 * trips of successful checks, a ring; allocated on first use */
	struct mpd_path_latency {
		uint64_t *us;
		unsigned int cap, n, next;
		int prio;		/* 0 until measured */
		struct mp_latency_args args;	/* from prio_args, per config load */
	} lat;
	uint64_t n_checks;		/* verdicts reached on this path */
	/* directio: the O_DIRECT fd and the one read of it in the kernel */
	bool dio_open;
	int dio_fd;
	uint32_t dio_block;		/* logical block size: the read's length */
	bool dio_busy;			/* a read carrying dio_tag is in d->aio */
	uint64_t dio_tag;
	uint64_t dio_submit_ms;
	/* alua prio: REPORT TARGET PORT GROUPS over the sg handle */
	bool rtpg_busy;
	bool rtpg_retried;		/* one re-ask after a UNIT ATTENTION */
	bool rtpg_regrown;		/* one re-ask after a reply cut by our length */
	uint32_t rtpg_alloc;		/* RTPG allocation length; 0: MP_RTPG_ALLOC_FIRST */
	bool rtpg_failed;		/* last RTPG failed: sysfs used (logged once) */
	bool rtpg_answered;		/* an RTPG (or the discovery probe) answered */
	unsigned int rtpg_skipped;	/* answering checks since the last RTPG */
	uint64_t n_rtpgs;		/* RTPGs sent after checks (show paths) */
	const char *alua_src;		/* "rtpg", "sysfs" or NULL (discovery) */
	/* device/state and device/access_state kept open: one pread a read
	 * (checker.c, alua.c); closed on release or after a failed read */
	bool state_open, aas_open;
	int state_fd, aas_fd;

	/* byte-share sampling and policies (shares.c) */
	struct mpd_path_share {
		struct mp_blkstat last;		/* /sys/block/sdX/stat at the last sample */
		bool have_last;
		uint64_t latency_us;		/* last period, 0 unknown */
		uint64_t last_ms;		/* when last was read */
		uint64_t bytes_per_s;		/* both directions, last period */
		bool have_rate;
		struct mp_tune_path tune;
		struct mp_slow_path slow;
	} share;
};

struct mpd_map {
	struct mp_map *model;		/* owns groups, borrows paths */
	char uuid[MP_DM_UUID_LEN];	/* "mpath-" WWID */
	char name[MP_DM_NAME_LEN];
	struct mp_settings set;		/* resolved from the first path */
	/* the kernel's view */
	bool in_kernel;
	dev_t devnum;
	uint32_t event_nr;
	int32_t open_count;
	uint64_t kernel_size;		/* sectors, the live table's length */
	char *table;			/* last table text we loaded or adopted */
	struct mp_dmstatus *status;	/* last status read */
	char features[128];		/* kernel's table features, for show */
	/* pending work: one dm op in flight per map, the rest coalesced */
	bool op_in_flight;
	bool want_reload;
	bool want_remove;		/* the last path went while an op ran */
	/* flush_on_last_del: removes tried since the last path went (a map
	 * still open is tried again each polling interval) */
	unsigned int remove_tries;
	bool removing;
	/* removed by the operator (del map, multipath -f): not created again
	 * by reconfigure, uevents or reloads until add map/add path of its
	 * WWID; the record keeps its paths, and goes with the last of them.
	 * Mirrors d->holds (holds.c), which outlives a daemon restart */
	bool held;
	/* policies */
	struct mp_queue_state q;
	struct mp_failback_state fb;
	uint64_t next_tick_ms;		/* the policies' tick: every polling_interval */
	uint64_t next_sweep_ms;		/* the sdev state sweep (checker.c) */
	uint64_t created_ms;
	/* byte-share (shares.c) */
	uint64_t share_next_ms;		/* next sample */
	bool share_tuned;		/* the table carries tuned shares */
	bool share_tuned_bs;		/* ... found on byte-share, not service-time */
	bool share_fallback;		/* byte-share asked, no module: service-time */
	struct mp_tune_state share_tune;	/* tuning's window and counters */
	struct mp_blkstat share_map_last;	/* the map's own dm-N stat, last sample */
	bool share_map_have_last;
	unsigned long share_reloads;	/* reloads asked by tuning or slow paths */
};

struct mpd_path *mpd_path_find_devt(struct mpd *d, dev_t devt);
/* By policy path id (mp_policy_path_id); NULL if gone. */
struct mpd_path *mpd_path_find_id(struct mpd *d, uint64_t id);
struct mpd_path *mpd_path_find_kname(struct mpd *d, const char *kname);
struct mpd_map *mpd_map_find_uuid(struct mpd *d, const char *uuid);
struct mpd_map *mpd_map_find_name(struct mpd *d, const char *name);
struct mpd_map *mpd_map_find_wwid(struct mpd *d, const char *wwid);
int mpd_path_add(struct mpd *d, const struct mp_sysfs_path *sp, struct mpd_path **ret);
void mpd_path_delete(struct mpd *d, struct mpd_path *p);
int mpd_map_add(struct mpd *d, const char *wwid, struct mpd_map **ret);
void mpd_map_delete(struct mpd *d, struct mpd_map *m);
int mpd_map_attach_path(struct mpd *d, struct mpd_map *m, struct mpd_path *p);
void mpd_map_detach_path(struct mpd *d, struct mpd_path *p);
/* dm "major:minor" of a path. */
const char *mpd_path_devstr(const struct mpd_path *p, char *buf, size_t len);

/* ---- discovery.c: udev enumerate + monitor, identity, blacklist ------------ */

int mpd_discovery_start(struct mpd *d);
/* Reads listed paths for up to budget_ms of loop time: 1 while some are
 * left, 0 when all are read. */
int mpd_discovery_step(struct mpd *d, uint64_t budget_ms);
int mpd_discovery_listen(struct mpd *d);		/* the monitor into the loop */
void mpd_discovery_stop(struct mpd *d);
/* Reads identity of sdX and adds or refreshes its record; a failed read
 * is logged here (warning once per run, policy-uevent). */
int mpd_discovery_path_added(struct mpd *d, const char *kname, struct mpd_path **ret);
/* Decides blacklist/find_multipaths for a path again (after reconfigure). */
void mpd_discovery_classify(struct mpd *d, struct mpd_path *p);

/* ---- assemble.c: naming, table building, create/reload/remove ------------- */

/* One pass over every WWID (assemble-pass.c): the path records grouped by
 * WWID, groups in order of their first path, paths in array order. Holds
 * pointers into d->paths, valid while d->paths_gen is unchanged. */
struct mpd_pass {
	struct mpd_wwid_group {
		const char *wwid;		/* the first member's */
		struct mpd_path **paths;	/* every record with this WWID */
		size_t *pos;			/* their positions in d->paths */
		size_t n;
	} *groups;
	size_t n_groups;
	size_t next;			/* sliced pass: the next group to assemble */
	uint64_t paths_gen;		/* d->paths_gen when built */
	struct mpd_path **paths;	/* storage of the groups' members */
	size_t *pos;
};

/* Adopts the kernel's multipath maps (at start, before the loop runs). */
int mpd_assemble_adopt(struct mpd *d);
/* Puts every eligible path into a map and brings the kernel in line:
 * creates missing maps, reloads changed ones. */
void mpd_assemble_all(struct mpd *d);
/* Same for one WWID (udev add/change/remove). */
void mpd_assemble_wwid(struct mpd *d, const char *wwid);
/* Same for one WWID whose path records (all of them) are given. */
void mpd_assemble_group(struct mpd *d, const char *wwid, struct mpd_path *const *members,
			size_t n_members);
/* Binds new user-friendly names for the pass's WWIDs in one file write. */
void mpd_assemble_prebind(struct mpd *d, const struct mpd_pass *pass);
/* The start-up's first assembly in slices of loop time: begin groups the
 * paths, binds names and holds the workers' queue back (one batch of
 * creates); each step assembles WWIDs for up to budget_ms and returns 1
 * while some are left, 0 once all are queued (the queue released).
 * mpd_assemble_abort drops a pass left unfinished, at exit, before the
 * worker pool is freed with the creates it held. */
int mpd_assemble_begin(struct mpd *d);
int mpd_assemble_step(struct mpd *d, uint64_t budget_ms);
void mpd_assemble_abort(struct mpd *d);
/* Builds the table text this map should have. */
int mpd_assemble_table(struct mpd *d, struct mpd_map *m, char **ret);
/* Compares two table texts the way the kernel prints them back. */
bool mpd_tables_equivalent(const char *a, const char *b);
void mpd_assemble_job_done(struct mpd *d, struct mpd_job *job);

/* Queues a dm message for the map (fail_path etc.). */
int mpd_map_message(struct mpd *d, struct mpd_map *m, const char *msg, uint64_t path_id);
/* Asks a worker for the map's status (after a dm event). */
int mpd_map_refresh(struct mpd *d, struct mpd_map *m);
/* Marks a map for reload and submits it if nothing else is in flight. */
void mpd_map_schedule_reload(struct mpd *d, struct mpd_map *m);
/* Last path gone: remove (flush_on_last_del, not open) or keep. */
void mpd_map_last_path_gone(struct mpd *d, struct mpd_map *m);

/* ---- checker.c: per-path checks, policy steps, actions --------------------- */

void mpd_checker_setup_path(struct mpd *d, struct mpd_path *p);
void mpd_checker_release_path(struct mpd *d, struct mpd_path *p);
/* At exit, after every path was released: waits for reads still in the
 * kernel (bounded by the SCSI layer's timeouts). */
void mpd_checker_stop(struct mpd *d);
/* The path's sg handle, opened on first use and in the epoll set. */
int mpd_checker_ensure_sg(struct mpd *d, struct mpd_path *p);
/* The tag of the path's current check: (check_seq << 32) | packed dev_t. */
uint64_t mpd_checker_tag(const struct mpd_path *p);
/* Schedules the path's next check at its interval state's deadline. */
void mpd_checker_schedule(struct mpd *d, struct mpd_path *p);
/* Feeds an event (dm failed, dm sync, operator) to the path's policy. */
void mpd_checker_path_event(struct mpd *d, struct mpd_path *p, enum mp_path_event_kind kind,
			    enum mp_dm_path_state dm);
/* Check this path now (kernel failed it). */
void mpd_checker_check_now(struct mpd *d, struct mpd_path *p);
/* Map-level policies: queueing and failback, after a path state changed. */
void mpd_checker_map_update(struct mpd *d, struct mpd_map *m);
void mpd_checker_map_tick(struct mpd *d, struct mpd_map *m, uint64_t now);
unsigned int mpd_map_usable_paths(const struct mpd_map *m);

/* ---- alua.c: ALUA state by RTPG, sysfs access_state as fallback -------------- */

/* A new path whose ALUA state sysfs does not know: one bounded blocking
 * RTPG, so its first table has the right priorities. */
void mpd_alua_probe(struct mpd *d, struct mpd_path *p);
/* After a check that found the path answering: ask RTPG when libmp's
 * mp_policy_alua_refresh says so (ua: the check's sense said the access
 * state changed; path_changed: the check changed the path's state), or
 * read sysfs where RTPG cannot answer. */
void mpd_alua_refresh(struct mpd *d, struct mpd_path *p, bool ua, bool path_changed);
/* An RTPG reply reaped from the path's sg handle. */
void mpd_alua_rtpg_done(struct mpd *d, struct mpd_path *p, const struct mp_sg_result *res);
/* Closes the kept-open access_state attribute (path release). */
void mpd_alua_release(struct mpd_path *p);

/* ---- shares.c: byte-share shares, sampling, tuning, slow paths -------------- */

/* True when the map's groups use the byte-share selector. */
bool mpd_shares_byte_share(const struct mpd_map *m);
/* True when the share policies (tuning, slow paths, show) steer the map:
 * byte-share, or service-time carrying shares as relative_throughput. */
bool mpd_shares_active(const struct mpd_map *m);
/* Before a table is built: whether byte-share, when the config asks for
 * it, is available (module loaded, or listed in modules.dep); if not, the
 * map falls back to service-time (m->share_fallback, logged on change).
 * Returns the selector words to use. */
const char *mpd_shares_selector(struct mpd *d, struct mpd_map *m);
/* Per-path args of a group with selector sel: 2 for service-time weighted
 * by shares (repeat count, relative_throughput), else 1. */
unsigned int mpd_shares_path_args(const struct mpd_map *m, const char *sel);
/* p's service-time relative_throughput word (its share in the table,
 * configured, tuned or demoted, scaled so the largest is 100). 0 or -errno. */
int mpd_shares_rt_word(const struct mpd_map *m, const struct mpd_path *p, char *buf, size_t len);
/* The per-path table word for p ("70", "80/20"): configured or tuned
 * share, a demoted path at the floor. 0 or -errno. */
int mpd_shares_word(const struct mpd *d, const struct mpd_map *m, const struct mpd_path *p,
		    char *buf, size_t len);
/* Housekeeping: every share_interval, sample the paths' block stats, run
 * tuning and slow-path detection, reload when worth it, refresh status. */
void mpd_shares_tick(struct mpd *d, struct mpd_map *m, uint64_t now);
struct json_object;
/* Adds share fields to a path's / map's JSON (nothing for other selectors). */
void mpd_shares_path_json(const struct mpd_path *p, struct json_object *o);
void mpd_shares_map_json(const struct mpd_map *m, struct json_object *o);

/* ---- latency.c: the path_latency prioritizer --------------------------------- */

/* Parses the path's prio_args once per resolve of its settings (a bad
 * value is logged here, once, and the defaults are used). */
void mpd_latency_resolve(struct mpd *d, struct mpd_path *p);
/* Records one successful check's round trip; when the path's priority
 * level changes, schedules its map's regrouping. No-op unless the path's
 * prio is path_latency. */
void mpd_latency_sample(struct mpd *d, struct mpd_path *p, uint64_t round_trip_us);
/* The path's path_latency priority, or const's until measured. */
int mpd_latency_prio(const struct mpd_path *p);
void mpd_latency_release(struct mpd_path *p);

/* ---- dmevents.c ------------------------------------------------------------ */

int mpd_dmevents_start(struct mpd *d);
int mpd_dmevents_listen(struct mpd *d);	/* the armed fd into the loop */
void mpd_dmevents_stop(struct mpd *d);
/* At start: syncs the path policies with adopted maps' status. */
void mpd_dmevents_apply_adopted(struct mpd *d);
/* A STATUS job finished: sync the kernel's A/F into the path policies. */
void mpd_dmevents_status_done(struct mpd *d, struct mpd_job *job);

/* ---- control.c / commands.c ------------------------------------------------ */

int mpd_control_start(struct mpd *d);
void mpd_control_stop(struct mpd *d);
void mpd_control_expire(struct mpd *d, uint64_t now);
struct json_object;
/* Runs one request line; returns the reply document (never NULL unless OOM). */
struct json_object *mpd_commands_run(struct mpd *d, const char *line);

/* ---- config.c: snapshot load and SIGHUP reload ------------------------------ */

int mpd_config_init(struct mpd *d);
int mpd_config_load(struct mpd *d, struct mp_config **ret);
int mpd_reconfigure(struct mpd *d);
/* Re-reads the wwids file (`multipath -a/-w/-W` edit it behind our back):
 * always when force, else only when its identity, size or mtime changed.
 * 1 re-read, 0 unchanged, -errno (the old list is kept). */
int mpd_wwids_reload(struct mpd *d, bool force);
/* A created map's WWID: into d->wwids at once, into the file at the next
 * mpd_wwids_flush, which writes everything remembered since in one
 * rewrite (called after each reap of the workers). */
void mpd_wwids_remember(struct mpd *d, const char *wwid);
void mpd_wwids_flush(struct mpd *d);
/* Creates the directory a naming file lives in, if missing; a failure
 * shows at the write. */
void mpd_naming_dir_make(const char *file);
void mpd_resolve_path_settings(struct mpd *d, struct mpd_path *p);

/* ---- budget.c: failover_budget -> timers, into the kernel -------------------- */

/* Derives p->budget from p->set (and rewrites the derived settings). */
void mpd_budget_resolve(struct mpd *d, struct mpd_path *p);
/* Writes the plan's kernel timers for p; why goes into the log line. */
void mpd_budget_apply(struct mpd *d, struct mpd_path *p, const char *why);
const char *mpd_bindings_path(const struct mpd *d);
const char *mpd_wwids_path(const struct mpd *d);

/* ---- holds.c: del map holds kept in a file under the run directory ---------- */

/* Reads the holds file (<socket dir>/held-maps) into d->holds; a bad line
 * is logged with file and line and left out. Before the first map record. */
void mpd_holds_load(struct mpd *d);
/* After the first assembly: drops holds whose map is in the kernel anyway
 * or whose WWID has no path left, and rewrites the file if it changed. */
void mpd_holds_prune(struct mpd *d);
/* Sets or lifts the hold on wwid (and its map record's held flag) and
 * rewrites the file when that changed; why goes into the log line. */
void mpd_holds_set(struct mpd *d, const char *wwid, bool on, const char *why);
const char *mpd_holds_path(const struct mpd *d);

/* ---- queue-timeout.c: the kernel's queue_if_no_path_timeout_secs ---------- */

/* Sets the global parameter from the maps' no_path_retry when it changed. */
void mpd_queue_timeout_update(struct mpd *d);

/* ---- the context ------------------------------------------------------------ */

#define MPD_MAX_CLIENTS 64

struct mpd_client;

struct mpd_options {
	const char *config_file;
	const char *socket_path;
	const char *bindings_dir;	/* NULL: the config's files */
	const char *lock_file;
	bool foreground;
	int verbosity;
	long socket_gid;		/* -1: root only */
};

struct mpd {
	struct mpd_options opt;
	struct mpd_log log;
	struct mpd_loop *loop;
	struct mpd_events *events;	/* the event ring for show events */
	struct mpd_workers *workers;
	struct mp_aio *aio;		/* directio reads; NULL until the first */
	struct mp_dm *dm;
	struct mp_config *cfg;
	struct mp_settings defaults;	/* global settings of cfg */
	char bindings_file[4096];
	char wwids_file[4096];
	struct mp_bindings *bindings;	/* NULL if unreadable */
	struct mp_wwids *wwids;
	/* WWIDs of maps created since the last reap of the workers, in
	 * d->wwids already and written to the file in one rewrite after the
	 * reap (mpd_wwids_flush): at start-up hundreds of creates
	 * are reported together. Owned strings. */
	struct {
		char **v;
		size_t n, cap;
	} wwids_new;
	/* del map holds (holds.c): the WWIDs not to create again, as in
	 * holds_file; a map record of one has held set */
	struct mp_holds holds;
	char holds_file[4096];
	/* the wwids file as last read: re-read only when it changed */
	struct mpd_file_id {
		dev_t dev;
		ino_t ino;
		off_t size;
		long long mtime_ns;
	} wwids_seen;
	/* The last hardware-matched settings (config.c), reused for the next
	 * path of the same vendor, product, revision and protocol: the paths
	 * of hundreds of LUNs of one array are otherwise each run against
	 * every hwtable regex. Valid for d->cfg only: apply_config clears it. */
	struct {
		bool valid;
		char vendor[9], product[17], revision[5];
		enum mp_protocol protocol;
		struct mp_settings set;
	} resolved;
	/* dm-byte-share in modules.dep (shares.c): 0 not read yet, 1 listed,
	 * -1 not; read once (a module loaded later shows in /sys/module) */
	int byte_share_dep;

	struct udev *udev;
	struct udev_monitor *monitor;
	int signal_fd;
	int dm_event_fd;
	struct mp_dm_event_map *dm_known;
	size_t n_dm_known;
	int lock_fd;
	int listen_fd;
	struct mpd_client *clients[MPD_MAX_CLIENTS];

	struct mpd_path **paths;
	size_t n_paths, cap_paths;
	struct mp_posindex path_index;	/* devt -> position in paths (state.c) */
	uint64_t paths_gen;		/* bumped when a path record is added or freed */
	struct mpd_map **maps;
	size_t n_maps, cap_maps;

	uint64_t job_seq;
	uint64_t housekeeping_gen;
	uint64_t started_ms;
	uint64_t ready_ms;		/* first time no dm op was pending after start */
	/* Start-up in progress (main.c): sd names still to read, in slices of
	 * loop time, before the first assembly; the control socket answers
	 * show and help meanwhile. */
	struct {
		bool active;
		char **names;
		size_t n, cap, next;
		struct mpd_pass *pass;	/* the first assembly, while sliced */
	} startup;
	bool notify;			/* NOTIFY_SOCKET was set */
	uint64_t watchdog_usec;
	bool quit;
	bool reload_requested;
	unsigned long n_checks, n_reloads, n_creates, n_messages;
	long queue_timeout_set;		/* last queue_if_no_path_timeout_secs written, -1: none */
};

#endif
