/* Enumerations shared by several libmp modules (config, grouping, policy,
 * the daemon), each with a _to_string/_from_string pair whose spellings are
 * the multipath.conf and dm spellings administrators already know.
 * _from_string returns 0 and writes *ret, or -EINVAL for an unknown word. */
#ifndef MP_TYPES_H
#define MP_TYPES_H

enum mp_pgpolicy {
	MP_PGPOLICY_FAILOVER,
	MP_PGPOLICY_MULTIBUS,
	MP_PGPOLICY_GROUP_BY_SERIAL,
	MP_PGPOLICY_GROUP_BY_PRIO,
	MP_PGPOLICY_GROUP_BY_NODE_NAME,
	_MP_PGPOLICY_MAX,
};

enum mp_checker_kind {
	MP_CHECKER_TUR,
	MP_CHECKER_DIRECTIO,
	MP_CHECKER_READSECTOR0,
	MP_CHECKER_NONE,
	_MP_CHECKER_MAX,
};

enum mp_prio_kind {
	MP_PRIO_CONST,
	MP_PRIO_ALUA,
	MP_PRIO_SYSFS,
	MP_PRIO_WEIGHTEDPATH,
	MP_PRIO_PATH_LATENCY,
	_MP_PRIO_MAX,
};

enum mp_find_multipaths {
	MP_FIND_MULTIPATHS_OFF,
	MP_FIND_MULTIPATHS_ON,
	MP_FIND_MULTIPATHS_GREEDY,
	MP_FIND_MULTIPATHS_STRICT,
	MP_FIND_MULTIPATHS_SMART,
	_MP_FIND_MULTIPATHS_MAX,
};

/* failback: a mode plus, for MP_FAILBACK_DEFERRED, a delay in seconds. */
enum mp_failback_mode {
	MP_FAILBACK_IMMEDIATE,
	MP_FAILBACK_MANUAL,
	MP_FAILBACK_FOLLOWOVER,
	MP_FAILBACK_DEFERRED,
	_MP_FAILBACK_MAX,
};

struct mp_failback {
	enum mp_failback_mode mode;
	unsigned int delay_s;		/* MP_FAILBACK_DEFERRED only */
};

/* no_path_retry: fail at once, queue forever, or queue for N checker
 * intervals and then fail. */
enum mp_no_path_retry_mode {
	MP_NO_PATH_RETRY_FAIL,
	MP_NO_PATH_RETRY_QUEUE,
	MP_NO_PATH_RETRY_COUNT,
	_MP_NO_PATH_RETRY_MAX,
};

struct mp_no_path_retry {
	enum mp_no_path_retry_mode mode;
	unsigned int count;		/* MP_NO_PATH_RETRY_COUNT only, >= 1 */
};

enum mp_flush_on_last_del {
	MP_FLUSH_NEVER,
	MP_FLUSH_ALWAYS,
	MP_FLUSH_UNUSED,
	_MP_FLUSH_MAX,
};

/* The daemon's view of a path, as the checker and policies decide it.
 * Distinct from the kernel's A/F flag (enum mp_dm_path_state). */
enum mp_path_state {
	MP_PATH_UNCHECKED,	/* not yet checked */
	MP_PATH_UP,		/* answers and serves I/O */
	MP_PATH_DOWN,		/* does not answer, or the LUN is gone */
	MP_PATH_SHAKY,		/* answers but failed too often: quarantined */
	MP_PATH_GHOST,		/* ALUA standby/unavailable: up, not for I/O */
	MP_PATH_PENDING,	/* ALUA transitioning or a check in flight */
	_MP_PATH_STATE_MAX,
};

enum mp_dm_path_state {
	MP_DM_PATH_ACTIVE,	/* "A" in the status line */
	MP_DM_PATH_FAILED,	/* "F" */
	_MP_DM_PATH_STATE_MAX,
};

const char *mp_pgpolicy_to_string(enum mp_pgpolicy v);
int mp_pgpolicy_from_string(const char *s, enum mp_pgpolicy *ret);
const char *mp_checker_kind_to_string(enum mp_checker_kind v);
int mp_checker_kind_from_string(const char *s, enum mp_checker_kind *ret);
const char *mp_prio_kind_to_string(enum mp_prio_kind v);
int mp_prio_kind_from_string(const char *s, enum mp_prio_kind *ret);
const char *mp_find_multipaths_to_string(enum mp_find_multipaths v);
int mp_find_multipaths_from_string(const char *s, enum mp_find_multipaths *ret);
const char *mp_flush_on_last_del_to_string(enum mp_flush_on_last_del v);
int mp_flush_on_last_del_from_string(const char *s, enum mp_flush_on_last_del *ret);
const char *mp_path_state_to_string(enum mp_path_state v);
const char *mp_dm_path_state_to_string(enum mp_dm_path_state v);

/* "immediate", "manual", "followover" or a positive number of seconds.
 * _to_string writes into buf (>= 16 bytes) and returns it. */
int mp_failback_from_string(const char *s, struct mp_failback *ret);
const char *mp_failback_to_string(const struct mp_failback *v, char *buf, unsigned int len);
/* "fail", "queue" or a positive count (0 means fail). */
int mp_no_path_retry_from_string(const char *s, struct mp_no_path_retry *ret);
const char *mp_no_path_retry_to_string(const struct mp_no_path_retry *v, char *buf, unsigned int len);

#endif
