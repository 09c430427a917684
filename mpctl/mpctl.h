/* mpctl's internal interfaces.
 *
 * Subcommands take argv starting at their own name (argv[0] is "show",
 * ...) and return the process exit status: 0 success, 1 the command failed,
 * 2 usage error, 3 the daemon could not be reached. To add a command, write
 * mpctl/cmd-<name>.c with one such function and add a row to the table in
 * mpctl/main.c.
 *
 * Everything that shows state works on the daemon's JSON documents (the
 * schema is in mpctl(8), JSON OUTPUT): the fallback (fallback.c) builds the
 * same documents from device-mapper when no daemon answers, and the
 * renderers (render.c) are pure functions from those documents to text, so
 * they are unit-tested with literal JSON. render.c and ipc.c are also
 * compiled into multipathd for its client mode (multipathd/client.c). */
#ifndef MPCTL_MPCTL_H
#define MPCTL_MPCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mp/strbuf.h"

struct json_object;

#define MPCTL_EXIT_OK		0
#define MPCTL_EXIT_FAIL		1
#define MPCTL_EXIT_USAGE	2
#define MPCTL_EXIT_UNREACHABLE	3

#define MPCTL_DEFAULT_SOCKET	"/run/multipathd/mpd.sock"
#define MPCTL_VERSION		"0.1"

struct mpctl_command {
	const char *name;
	const char *summary;	/* one line for `mpctl --help` */
	int (*run)(int argc, char **argv);
};

/* Global options (main.c sets them before dispatching). */
struct mpctl_globals {
	const char *socket_path;
	unsigned int timeout_ms;	/* per request */
	bool json;
	bool color;			/* stdout is a terminal and NO_COLOR unset */
};
extern struct mpctl_globals mpctl_g;

int mpctl_cmd_config(int argc, char **argv);
int mpctl_cmd_claim(int argc, char **argv);
int mpctl_cmd_show(int argc, char **argv);
int mpctl_cmd_status(int argc, char **argv);
int mpctl_cmd_action(int argc, char **argv);
int mpctl_cmd_events(int argc, char **argv);
int mpctl_cmd_watch(int argc, char **argv);
int mpctl_cmd_metrics(int argc, char **argv);
int mpctl_cmd_wait(int argc, char **argv);
int mpctl_cmd_raw(int argc, char **argv);
/* argv[0] ends in "multipath": the incumbent's multipath(8) front-end. */
int mpctl_multipath_main(int argc, char **argv);

/* ---- args.c: argument words (pure) ------------------------------------------ */

/* Every numeric option of mpctl and its compat clients goes through these:
 * the whole word, decimal digits only (seconds may have one '.'), within
 * [lo, hi]. 0 and *ret set; -EINVAL for a word that is not such a number
 * ("two", "", " 5", "+5", "0x10", "1e3", "inf"), -ERANGE for one outside
 * the range. The caller names the option in its usage error. */
int mpctl_parse_count(const char *s, long lo, long hi, long *ret);
int mpctl_parse_seconds(const char *s, double lo, double hi, double *ret);

/* The MAP|WWID argument of add map (mpctl, multipathd's client) and of
 * multipath -a/-w/-f, from its n argv words: one word without blanks is
 * copied as it is (a name, a device or a WWID for the daemon to resolve);
 * a t10. WWID with blanks as sysfs and the incumbent print it, as one word
 * or split over several by an unquoted shell variable, becomes its WWID
 * form ("t10.ATA     QEMU HARDDISK   QM00001" -> "1ATA_QEMU_HARDDISK_QM00001",
 * the form the daemon names the map by). 0; -E2BIG for several words that
 * do not start with "t10."; -EINVAL for blanks in what is not a valid
 * WWID; -ENAMETOOLONG when the result does not fit len. */
int mpctl_map_arg(char *const *words, size_t n, char *ret, size_t len);

/* The command words of multipathd's client mode: argc words as they are,
 * or the incumbent's one quoted word holding the whole command, split on
 * blank runs. The request these words make (joined with one blank) must
 * be shorter than max_len bytes, the daemon's request limit: a longer one
 * is refused whole, never cut to fit. 0 with *ret_words (one allocation:
 * the caller frees it alone; the words may point into it or into argv)
 * and *ret_n; -EINVAL for no words, -E2BIG for a request too long,
 * -ENOMEM. */
int mpctl_command_words(int argc, char *const *argv, size_t max_len, const char ***ret_words,
			size_t *ret_n);

/* ---- ipc.c: the control socket client ------------------------------------- */

/* The daemon's limit on one request line, its newline included
 * (multipathd/control.c REQUEST_MAX): a longer one is refused. */
#define MPCTL_REQUEST_MAX 4096u
/* Hard limit on a reply (the daemon's own is 16 MiB). */
#define MPCTL_REPLY_MAX (16u << 20)

struct mpctl_conn;

/* Connects within timeout_ms. -errno on failure (ENOENT/ECONNREFUSED: no
 * daemon; EACCES: not allowed; ETIMEDOUT). */
int mpctl_conn_open(const char *socket_path, unsigned int timeout_ms, struct mpctl_conn **ret);
void mpctl_conn_close(struct mpctl_conn *c);
/* Sends one request line and reads one reply line within timeout_ms. On a
 * reply {"ok":true,"data":X}: 0 and *ret_data = X (a new reference, may be
 * NULL for JSON null). On {"ok":false,"error":E}: -EREMOTEIO and *ret_error
 * = strdup(E). Other failures: -errno (EPROTO for a reply that is not the
 * protocol's JSON, EMSGSIZE for one over MPCTL_REPLY_MAX). */
int mpctl_conn_request(struct mpctl_conn *c, const char *line, struct json_object **ret_data,
		       char **ret_error);

/* One-shot: connect, request, close; prints the error line itself (prefix
 * "mpctl: ...") and returns an exit status: OK, FAIL (daemon said no) or
 * UNREACHABLE. *ret_data is set only on OK. */
int mpctl_request(const char *line, struct json_object **ret_data);
/* Like mpctl_request but quiet: -errno, or -EREMOTEIO with ret_error set. */
int mpctl_request_quiet(const char *line, struct json_object **ret_data, char **ret_error);
/* "cannot reach the daemon at PATH: reason" for an mpctl_conn_open error. */
void mpctl_print_unreachable(const char *prog, const char *socket_path, int err);

/* ---- render.c: JSON documents to text (pure) --------------------------------- */

enum mpctl_obj { MPCTL_OBJ_MAP, MPCTL_OBJ_PATH };

/* One format field: %<letter>. `header` is the column title. */
struct mpctl_field {
	char letter;
	const char *header;		/* as `multipathd show ... format` prints it */
	const char *help;
};
/* The fields of one object kind, terminated by letter 0. */
const struct mpctl_field *mpctl_fields(enum mpctl_obj kind);

/* Value of field letter for obj (a map or a path document) into out; the
 * map document is passed with paths for MAP fields that count paths, and
 * map is the path's map for PATH fields (may be NULL). -EINVAL for an
 * unknown letter. compat selects the incumbent's words for states
 * (ready/faulty, active/failed). */
int mpctl_field_value(enum mpctl_obj kind, char letter, struct json_object *obj, bool compat,
		      struct mp_strbuf *out);

/* Renders rows of objs (a JSON array) with a format of %X fields and
 * literal text. With header, a first row of field titles; unless raw,
 * every field is padded to its column's width. -EINVAL (with *ret_bad
 * the offending letter) for an unknown field. */
int mpctl_render_table(enum mpctl_obj kind, struct json_object *objs, const char *format,
		       bool header, bool raw, bool compat, struct mp_strbuf *out, char *ret_bad);

/* The topology tree. style MPCTL_TREE_MPCTL is mpctl's own (states in our
 * words, one column set, colour when asked); MPCTL_TREE_LL is the layout
 * `multipath -ll` prints; MPCTL_TREE_L the `multipath -l` one (no checker
 * state: "undef"). maps is the `show topology` array. */
enum mpctl_tree_style { MPCTL_TREE_MPCTL, MPCTL_TREE_LL, MPCTL_TREE_L };
int mpctl_render_topology(struct json_object *maps, const char *only_map, enum mpctl_tree_style st,
			  bool color, struct mp_strbuf *out);

/* The `show topology` array without the maps the kernel does not have (held
 * by del map, not created yet): the incumbent's `show maps` rows. Takes
 * maps' reference; returns a new array, or NULL when out of memory. */
struct json_object *mpctl_maps_in_kernel(struct json_object *maps);

/* Does the map document match NAME, WWID, uuid, dm-N or /dev/dm-N, MAJ:MIN,
 * /dev/mapper/NAME? */
bool mpctl_map_matches(struct json_object *map, const char *key);
/* "1.0G" etc. as multipath prints sizes (sectors in). */
void mpctl_format_size(unsigned long long sectors, char *buf, size_t len);
/* Helpers over json-c: "" for missing or null. */
const char *mpctl_jstr(struct json_object *o, const char *key);
long long mpctl_jint(struct json_object *o, const char *key, long long dflt);
bool mpctl_jbool(struct json_object *o, const char *key);
/* The member (borrowed), or NULL; an array's length, 0 for a non-array. */
struct json_object *mpctl_jget(struct json_object *o, const char *key);
size_t mpctl_jlen(struct json_object *a);
/* Paths of a map document: all ("") or those in checker state `state`. */
unsigned int mpctl_count_paths(struct json_object *map, const char *state);

/* Prometheus text exposition of the daemon's topology (maps with paths),
 * status and counters. */
int mpctl_render_metrics(struct json_object *status, struct json_object *topology,
			 struct json_object *paths, struct mp_strbuf *out);

/* One event line: "2024-05-01 12:00:03.120  sdc [8:32]  up -> down  (checker: ...)". */
/* One event as a line (two when its cause would pass 80 columns); indent:
 * the columns the caller put before it. */
void mpctl_render_event(struct json_object *ev, bool color, unsigned int indent,
			struct mp_strbuf *out);

/* ---- wwids.c: the wwids file of `multipath -a/-w/-W` ------------------------ */

/* -W's edit step for mp_atomic_file_update (pure): the file becomes exactly
 * the wwids[] given, in that order; 1 when that changes it, 0 when it
 * already says so, -EINVAL for an invalid WWID. */
struct mpctl_wwids_reset {
	const char *const *wwids;
	size_t n;
};
int mpctl_wwids_reset_apply(const char *old, size_t len, struct mp_strbuf *out, void *arg);
/* The wwids file in use: the running daemon's, else config_file's
 * wwids_file (the built-in default when it has none). 0 or -errno. */
int mpctl_wwids_file(const char *config_file, char *buf, size_t len);
/* op 'a' adds wwid, 'w' removes it, 'W' resets the file to keep[]; under
 * the file's lock, written atomically. 1 written, 0 unchanged, -errno. */
int mpctl_wwids_change(const char *path, char op, const char *wwid, const char *const *keep,
		       size_t n_keep);

/* ---- fallback.c: read-only views from device-mapper ------------------------- */

/* Builds the `show topology` document from the kernel's maps (no checker
 * or priority data: those fields are null). Returns 0 or -errno. */
int mpctl_fallback_topology(struct json_object **ret);
/* `show paths` from the same: the paths the kernel's maps use. */
int mpctl_fallback_paths(struct json_object *topology, struct json_object **ret);

/* Request a view from the daemon, or build it from dm if the daemon is not
 * reachable (telling stderr once). what: "topology" or "paths" or "maps".
 * *ret_fallback says which. Returns an exit status. */
int mpctl_get_view(const char *what, struct json_object **ret, bool *ret_fallback);

#endif
