/* The device-mapper "multipath" target's text, as data: the table line we
 * load (and `dmsetup table` prints back), the status line `dmsetup status`
 * prints, and the messages `dmsetup message` sends. Pure text in, structs
 * out and back; no I/O. Grammar and limits follow drivers/md/dm-mpath.c
 * (multipath_ctr, parse_features/hw_handler/priority_group, multipath_status
 * and multipath_message); see the .c files for the field-by-field sources.
 *
 * Table (one line, words separated by blanks):
 *   [<start> <length> multipath]
 *   <#features> <feature word>*
 *   <#hw handler words> [<hw handler name> <hw handler arg>*]
 *   <#groups> <initial group>
 *   ( <selector> <#selector args> <selector arg>*
 *     <#paths> <#per-path args> ( <dev> <per-path arg>* ){#paths} ){#groups}
 *
 * Status (STATUSTYPE_INFO):
 *   [<start> <length> multipath]
 *   <#feature words> <word>*          (the kernel writes "2 <queue_io> <pg_init_count>")
 *   <#hw handler status words> <word>*  (the kernel writes "0")
 *   <#groups> <next group>
 *   ( A|E|D <#selector status words> <word>*
 *     <#paths> <#per-path info words> ( <dev> A|F <fail count> <info word>* ){#paths} ){#groups}
 *
 * Parsers return 0, -EINVAL for malformed text (with *err, when non-NULL,
 * naming the 0-based word index and what was expected there), -E2BIG for a
 * line longer than MP_DM_LINE_MAX, or -ENOMEM. Every count is checked
 * against the words that are left before anything is allocated. */
#ifndef MP_DMTABLE_H
#define MP_DMTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp/types.h"

/* Longest table or status line accepted (bytes, excluding the NUL). A
 * 1024-path map with service-time args stays far below it. */
#define MP_DM_LINE_MAX (1024u * 1024u)
/* dm-mpath's own bounds (dm_arg ranges in dm-mpath.c). */
#define MP_DM_MAX_FEATURES 8u		/* parse_features: {0, 8} */
#define MP_DM_MAX_COUNT 1024u		/* groups, paths, selector and hw args */

/* Why a parse failed: the word (0-based, counting the optional
 * "start length multipath" prefix) and what the grammar wanted there.
 * `expected` points to a static string. */
struct mp_dm_error {
	unsigned int word;
	const char *expected;
};

/* ---- table ----------------------------------------------------------- */

struct mp_dmtable_path {
	char *dev;		/* "8:16" (the kernel's form) or "/dev/sdb" */
	char **args;		/* group->n_path_args words, e.g. {"1", "1"} */
};

struct mp_dmtable_group {
	char *selector;		/* "round-robin", "service-time", ... */
	unsigned int n_selector_args;
	char **selector_args;
	unsigned int n_path_args;	/* per-path arg count, same for every path */
	unsigned int n_paths;
	struct mp_dmtable_path *paths;
	unsigned int paths_cap;		/* internal: allocated slots */
};

struct mp_dmtable {
	bool has_prefix;	/* format/parse "start length multipath" */
	uint64_t start;		/* sectors; meaningful when has_prefix */
	uint64_t length;	/* sectors; meaningful when has_prefix */
	unsigned int n_features;	/* words, e.g. 2 for "pg_init_retries 50" */
	char **features;
	char *hwhandler;	/* NULL for "0" */
	unsigned int n_hwhandler_args;	/* words after the name */
	char **hwhandler_args;
	/* 1-based group the kernel starts with. The kernel requires 0 exactly
	 * when there are no groups; format writes 0 here as 1 (the first group,
	 * the kernel's default). Parse never yields 0 with groups present. */
	unsigned int next_group;
	unsigned int n_groups;
	struct mp_dmtable_group *groups;
	unsigned int groups_cap;	/* internal: allocated slots */
};

/* An empty table (no features, no handler, no groups). */
int mp_dmtable_new(struct mp_dmtable **ret);
void mp_dmtable_free(struct mp_dmtable *t);

/* Builders; each copies its strings. Words must pass mp_dm_word_validate.
 * add_feature appends one word ("queue_if_no_path", or "pg_init_retries"
 * then "50"). set_hwhandler with name NULL removes the handler. */
int mp_dmtable_add_feature(struct mp_dmtable *t, const char *word);
int mp_dmtable_set_hwhandler(struct mp_dmtable *t, const char *name,
			     unsigned int n_args, const char *const *args);
int mp_dmtable_add_group(struct mp_dmtable *t, const char *selector,
			 unsigned int n_selector_args,
			 const char *const *selector_args,
			 unsigned int n_path_args, unsigned int *ret_index);
/* args holds the group's n_path_args words (may be NULL when that is 0).
 * dev must pass mp_dm_dev_validate. */
int mp_dmtable_add_path(struct mp_dmtable *t, unsigned int group,
			const char *dev, const char *const *args);

/* True when the feature word (e.g. "queue_if_no_path") is present. Feature
 * values such as the 50 in "pg_init_retries 50" are not matched as names. */
bool mp_dmtable_has_feature(const struct mp_dmtable *t, const char *name);

/* The line the kernel prints for `dmsetup table` (single blanks, no trailing
 * blank), with "start length multipath " first when t->has_prefix. Returns
 * -EINVAL (and *err when non-NULL; word indexes the would-be output) when t
 * breaks the grammar or dm-mpath's bounds. *ret is the caller's to free. */
int mp_dmtable_format(const struct mp_dmtable *t, char **ret,
		      struct mp_dm_error *err);
/* Reads a table line with or without the "start length multipath" prefix
 * (detected by a third word "multipath" after two numbers; hence a params
 * line whose hardware handler is named "multipath" needs the prefix).
 * Leading, trailing and repeated blanks are allowed. */
int mp_dmtable_parse(const char *line, struct mp_dmtable **ret,
		     struct mp_dm_error *err);
/* Same table as the kernel would load: every count and word equal,
 * has_prefix equal (start and length compared when set), next_group 0
 * counted as 1 when groups exist (what format writes). Capacities ignored. */
bool mp_dmtable_equal(const struct mp_dmtable *a, const struct mp_dmtable *b);

/* ---- status ---------------------------------------------------------- */

enum mp_dm_group_state {
	MP_DM_GROUP_ACTIVE,	/* 'A': the group I/O goes to now */
	MP_DM_GROUP_ENABLED,	/* 'E': usable, not current */
	MP_DM_GROUP_DISABLED,	/* 'D': bypassed (disable_group or pg_init busy) */
	_MP_DM_GROUP_STATE_MAX,
};

struct mp_dmstatus_path {
	char *dev;			/* always "major:minor" from the kernel */
	enum mp_dm_path_state state;	/* A / F */
	unsigned int fail_count;	/* cumulative, reset only by a reload */
	char **info;			/* group->n_info_args selector words */
};

struct mp_dmstatus_group {
	enum mp_dm_group_state state;
	unsigned int n_selector_status;
	char **selector_status;	/* e.g. historical-service-time's 2 words */
	unsigned int n_info_args;	/* per-path selector info words */
	unsigned int n_paths;
	struct mp_dmstatus_path *paths;
};

struct mp_dmstatus {
	bool has_prefix;
	uint64_t start;
	uint64_t length;
	unsigned int n_features;
	char **features;
	unsigned int n_hwhandler_status;
	char **hwhandler_status;
	unsigned int next_group;	/* 1-based; 0 only with no groups */
	unsigned int n_groups;
	struct mp_dmstatus_group *groups;
};

int mp_dmstatus_parse(const char *line, struct mp_dmstatus **ret,
		      struct mp_dm_error *err);
void mp_dmstatus_free(struct mp_dmstatus *s);

/* The first feature word: since kernel 4.6 the MPATHF_QUEUE_IO bit (0/1,
 * I/O held back until pg_init or the first path choice completes); before
 * that the number of queued I/Os. Nonzero means I/O is being held. It is
 * NOT queue_if_no_path, which only the table shows (mp_dmtable_has_feature).
 * -ENODATA when the word is missing or not a number. */
int mp_dmstatus_queue_io(const struct mp_dmstatus *s, unsigned int *ret);
/* The second feature word: pg_init runs since the last group switch. The
 * kernel does not report pg_init_in_progress; queue_io with a hardware
 * handler loaded is the visible sign of a pending pg_init. */
int mp_dmstatus_pg_init_count(const struct mp_dmstatus *s, unsigned int *ret);
/* 1-based index of the group in state 'A', or -ENOENT when none is (no I/O
 * mapped yet since load or a switch, or every path failed). */
int mp_dmstatus_active_group(const struct mp_dmstatus *s, unsigned int *ret);
/* Finds dev ("8:16") in any group; -ENOENT when absent. */
int mp_dmstatus_find_path(const struct mp_dmstatus *s, const char *dev,
			  const struct mp_dmstatus_path **ret);
/* Paths in state A across all groups. */
unsigned int mp_dmstatus_count_active(const struct mp_dmstatus *s);
const char *mp_dm_group_state_to_string(enum mp_dm_group_state v);

/* byte-share (kernel/dm-byte-share): the group status is
 * "2 <single|rw> <window_ms>"; each path's info words are the bytes
 * started on it since the table was loaded, "<bytes>" in single mode,
 * "<read bytes> <write bytes>" in rw mode (the dm-multipath direction
 * patch is loaded). -ENODATA when the group's words are not that shape. */
struct mp_dm_share_group {
	bool rw;
	unsigned int window_ms;
};

struct mp_dm_share_bytes {
	bool rw;			/* read and write below are meaningful */
	uint64_t total;
	uint64_t read, write;
};

int mp_dmstatus_share_group(const struct mp_dmstatus_group *g, struct mp_dm_share_group *ret);
int mp_dmstatus_share_bytes(const struct mp_dmstatus_group *g, const struct mp_dmstatus_path *p,
			    struct mp_dm_share_bytes *ret);
/* The group (0-based) holding dev, for the two above; -ENOENT. */
int mp_dmstatus_find_group(const struct mp_dmstatus *s, const char *dev, unsigned int *ret);

/* ---- words, devices, messages (dmword.c) ---------------------------- */

/* A dm word: non-empty, at most 4096 bytes, no blank or control character
 * and no backslash (dm_split_args treats it as an escape). 0 or -EINVAL. */
int mp_dm_word_validate(const char *s);
/* A path device as a table may name it: "major:minor" (decimal, major
 * < 4096, minor < 2^20, as dm_get_device accepts) or an absolute path that
 * is a valid word. 0 or -EINVAL. */
int mp_dm_dev_validate(const char *s);
/* Splits "major:minor" (strict decimal); -EINVAL for anything else. */
int mp_dm_dev_parse(const char *s, unsigned int *ret_major,
		    unsigned int *ret_minor);
/* Escapes a string for the dm argument splitter: each blank, control
 * character or backslash gets a backslash before it. *ret is the caller's. */
int mp_dm_word_escape(const char *s, char **ret);

enum mp_dm_msg_kind {
	MP_DM_MSG_FAIL_PATH,		/* "fail_path <dev>" */
	MP_DM_MSG_REINSTATE_PATH,	/* "reinstate_path <dev>" */
	MP_DM_MSG_SWITCH_GROUP,		/* "switch_group <n>" */
	MP_DM_MSG_ENABLE_GROUP,		/* "enable_group <n>" */
	MP_DM_MSG_DISABLE_GROUP,	/* "disable_group <n>" */
	MP_DM_MSG_QUEUE_IF_NO_PATH,	/* "queue_if_no_path" */
	MP_DM_MSG_FAIL_IF_NO_PATH,	/* "fail_if_no_path" */
	_MP_DM_MSG_MAX,
};

/* Enough for any message naming a "major:minor" device. */
#define MP_DM_MESSAGE_SIZE 64u

/* Writes the message text into buf (NUL-terminated) and returns its length.
 * dev is used by the path messages only (must pass mp_dm_dev_validate),
 * group by the group messages only (1-based, >= 1). -EINVAL for a bad
 * kind, device or group; -ENOBUFS when len is too small. */
int mp_dm_message_format(enum mp_dm_msg_kind kind, const char *dev,
			 unsigned int group, char *buf, size_t len);

/* ---- internal (dmword.c): the word cursor both parsers share --------- */

struct mp_dm_cursor {
	char *text;		/* owned copy of the line, split in place */
	char **words;		/* into text */
	unsigned int n_words;
	unsigned int pos;	/* next word */
	struct mp_dm_error err;
};

int mp_dm_cursor_init(struct mp_dm_cursor *c, const char *line);
void mp_dm_cursor_release(struct mp_dm_cursor *c);
/* Each returns 0 or -EINVAL, recording c->err when it fails. */
int mp_dm_cursor_prefix(struct mp_dm_cursor *c, bool *ret_has,
			uint64_t *ret_start, uint64_t *ret_length);
int mp_dm_cursor_uint(struct mp_dm_cursor *c, unsigned int min,
		      unsigned int max, const char *expected, unsigned int *ret);
int mp_dm_cursor_word(struct mp_dm_cursor *c, const char *expected,
		      const char **ret);
/* A count that must also fit in what is left: `per_item` words each. */
int mp_dm_cursor_count(struct mp_dm_cursor *c, unsigned int max,
		       unsigned int per_item, const char *expected,
		       unsigned int *ret);
/* Copies n words into a new NULL-free array (NULL when n == 0). */
int mp_dm_cursor_words(struct mp_dm_cursor *c, unsigned int n,
		       const char *expected, char ***ret);
int mp_dm_cursor_end(struct mp_dm_cursor *c);
/* Records word and what was expected there in c->err; returns -EINVAL. */
int mp_dm_cursor_fail(struct mp_dm_cursor *c, unsigned int word,
		      const char *expected);
/* Copies n words, each checked by mp_dm_word_validate, into a new array
 * (NULL when n == 0); the caller frees it with mp_dm_strv_free. */
int mp_dm_strv_dup(const char *const *src, unsigned int n, char ***ret);
void mp_dm_strv_free(char **v, unsigned int n);

#endif
