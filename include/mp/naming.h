/* Map naming: the bindings file (user_friendly_names), the wwids file
 * (find_multipaths) and the choice of a map's name.
 *
 * Everything here is pure: text in, tables and text out. Reading and
 * rewriting the files under a lock is mp/atomic-file.h's job; the
 * mp_*_edit_* functions below plug straight into mp_atomic_file_update().
 *
 * File formats (as multipath-tools writes them, so existing files carry over):
 *   bindings   "ALIAS WWID" per line, whitespace separated
 *   wwids      "/WWID/" per line
 * In both, '#' starts a comment that runs to the end of the line.
 *
 * Corruption rules (no binding is ever lost):
 *   - A NUL byte or another control character (other than tab, CR, LF, VT,
 *     FF) means the file is not text: parsing fails with -EBADMSG, no table
 *     is produced, and callers must refuse to rewrite it.
 *   - A line we cannot understand (wrong word count, bad alias characters,
 *     over-long WWID) or that conflicts with an earlier line (an alias bound
 *     to two WWIDs, a WWID with two aliases) yields a diagnostic with its
 *     line number, is not used for lookups, and is written back byte for byte
 *     on every rewrite, in its original position. Its first word still counts
 *     as a taken alias, so allocation never hands it out again.
 *   - An exact repeat of an earlier line gets a diagnostic and is dropped on
 *     rewrite: it carries nothing the first copy does not.
 *   - Comment and blank lines are replaced by our own header on rewrite.
 * The first valid line for an alias or WWID wins.
 */
#ifndef MP_NAMING_H
#define MP_NAMING_H

#include <stdbool.h>
#include <stddef.h>

struct mp_strbuf;

/* Longest alias (a dm device name) and WWID, without the NUL. */
#define MP_ALIAS_MAX 127
#define MP_WWID_MAX 127
#define MP_ALIAS_PREFIX_DEFAULT "mpath"
/* Size cap for reading either file: far above 10,000 LUNs' worth. */
#define MP_NAMING_FILE_MAX (8u << 20)

/* ---- Diagnostics: one per suspicious line, owned by the caller. ---- */
struct mp_naming_diag {
	unsigned int line;	/* 1-based line number */
	int error;		/* -EINVAL malformed, -EEXIST conflict or
				 * duplicate, -EBADMSG not text */
	char msg[192];
};

struct mp_naming_diags {
	struct mp_naming_diag *v;	/* owned, realloc'ed */
	size_t n;
};

#define MP_NAMING_DIAGS_INIT { NULL, 0 }

/* Frees the array; the struct can be reused afterwards. */
void mp_naming_diags_release(struct mp_naming_diags *d);
/* Appends one diagnostic (diags may be NULL: then it is a no-op).
 * Returns 0 or -ENOMEM. */
int mp_naming_diags_add(struct mp_naming_diags *d, unsigned int line, int error,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- Validation shared by both files and by the config. ---- */
/* 1..MP_ALIAS_MAX of [A-Za-z0-9] and "-_.:+@=", not "." or "..". */
bool mp_naming_alias_valid(const char *alias);
/* 1..MP_WWID_MAX printable ASCII characters, none of them space, '#' or '/'. */
bool mp_naming_wwid_valid(const char *wwid);
/* 0 if buf is text, else -EBADMSG (with a diagnostic naming the line). */
int mp_naming_check_text(const char *buf, size_t len, struct mp_naming_diags *diags);

/* The index-th friendly name, 1-based, in bijective base 26:
 * 1 -> prefix"a", 26 -> "z", 27 -> "aa", 702 -> "zz", 703 -> "aaa".
 * Returns 0 and a malloc'ed *ret_alias, -EINVAL for index 0 or an invalid
 * prefix, -ERANGE if the result would exceed MP_ALIAS_MAX, -ENOMEM. */
int mp_naming_alias_for_index(const char *prefix, unsigned long index, char **ret_alias);
/* The inverse: the index of alias under prefix, or -EINVAL if alias is not
 * prefix followed by 1..12 lowercase letters. */
int mp_naming_alias_index(const char *prefix, const char *alias, unsigned long *ret_index);

/* ---- Bindings table. ---- */
struct mp_bindings;

int mp_bindings_new(struct mp_bindings **ret);
void mp_bindings_free(struct mp_bindings *b);

/* Parses the bytes of a bindings file (len bytes, need not be NUL-terminated).
 * Returns 0 and a new table (diagnostics for bad lines go to diags, which may
 * be NULL), -EBADMSG if the file is not text, -ENOMEM. */
int mp_bindings_parse(const char *buf, size_t len, struct mp_naming_diags *diags,
		      struct mp_bindings **ret);
/* Appends the file text (header, then bindings and preserved lines in order). */
int mp_bindings_format(const struct mp_bindings *b, struct mp_strbuf *out);

/* Lookups return a pointer into the table (valid until it changes) or NULL. */
const char *mp_bindings_lookup_wwid(const struct mp_bindings *b, const char *wwid);
const char *mp_bindings_lookup_alias(const struct mp_bindings *b, const char *alias);
/* True if alias appears anywhere in the file, even on a line we could not use. */
bool mp_bindings_alias_taken(const struct mp_bindings *b, const char *alias);
/* Valid bindings only, in file order. */
size_t mp_bindings_count(const struct mp_bindings *b);
int mp_bindings_get(const struct mp_bindings *b, size_t i, const char **ret_alias,
		    const char **ret_wwid);
/* Lines kept verbatim because they were malformed or conflicting. */
size_t mp_bindings_preserved_count(const struct mp_bindings *b);

/* Binds alias to wwid. Returns 1 if added, 0 if exactly this binding exists,
 * -EEXIST if either side is taken otherwise, -EINVAL if either is invalid. */
int mp_bindings_add(struct mp_bindings *b, const char *alias, const char *wwid);
/* The alias for wwid, allocating the lowest free prefix+letters name if it
 * has none. reserved[] are aliases claimed elsewhere (the config's multipaths
 * section) and are never allocated. prefix NULL means "mpath".
 * Returns 0 with the existing alias (table unchanged), 1 with a new one, or
 * -EINVAL (bad wwid or prefix), -ENOSPC (no name fits), -ENOMEM.
 * *ret_alias points into the table. */
int mp_bindings_allocate(struct mp_bindings *b, const char *wwid, const char *prefix,
			 const char *const *reserved, size_t n_reserved,
			 const char **ret_alias);

/* mp_atomic_file_update() edit step: parse old, allocate for wwid, format.
 * Returns 1 (write the new text), 0 (binding existed, nothing to write) or a
 * negative errno, e.g. -EBADMSG when the old file is not text. */
struct mp_bindings_edit {
	const char *wwid;			/* in */
	const char *prefix;			/* in, NULL = "mpath" */
	const char *const *reserved;		/* in */
	size_t n_reserved;			/* in */
	struct mp_naming_diags *diags;		/* in, may be NULL */
	char alias[MP_ALIAS_MAX + 1];		/* out, on success */
};
int mp_bindings_edit_allocate(const char *old, size_t len, struct mp_strbuf *out, void *edit);

/* The same for several WWIDs in one rewrite: a start-up that finds hundreds
 * of new LUNs parses and writes the file once instead of once per WWID
 * (which is quadratic in text, with one fsync each). Allocates in the
 * order given, each as mp_bindings_allocate() would; a WWID already bound
 * gets its binding. Returns how many were added (1 or more: write the new
 * text), 0 or a negative errno as mp_bindings_edit_allocate(); on failure
 * no alias is written. aliases has n entries. */
struct mp_bindings_batch_edit {
	const char *const *wwids;		/* in */
	size_t n;				/* in */
	const char *prefix;			/* in, NULL = "mpath" */
	const char *const *reserved;		/* in */
	size_t n_reserved;			/* in */
	struct mp_naming_diags *diags;		/* in, may be NULL */
	char (*aliases)[MP_ALIAS_MAX + 1];	/* out, on success, one per wwid */
};
int mp_bindings_edit_allocate_batch(const char *old, size_t len, struct mp_strbuf *out, void *edit);

/* ---- wwids table (find_multipaths memory). ---- */
struct mp_wwids;

int mp_wwids_new(struct mp_wwids **ret);
void mp_wwids_free(struct mp_wwids *w);
/* Same contract as mp_bindings_parse. */
int mp_wwids_parse(const char *buf, size_t len, struct mp_naming_diags *diags,
		   struct mp_wwids **ret);
int mp_wwids_format(const struct mp_wwids *w, struct mp_strbuf *out);
bool mp_wwids_contains(const struct mp_wwids *w, const char *wwid);
size_t mp_wwids_count(const struct mp_wwids *w);
const char *mp_wwids_get(const struct mp_wwids *w, size_t i);
size_t mp_wwids_preserved_count(const struct mp_wwids *w);
/* 1 if added, 0 if already there, -EINVAL for an invalid wwid. */
int mp_wwids_add(struct mp_wwids *w, const char *wwid);
/* 1 if removed, 0 if absent. Preserved (unparsed) lines are never touched. */
int mp_wwids_remove(struct mp_wwids *w, const char *wwid);

/* mp_atomic_file_update() edit step for the wwids file: add or remove
 * wwid and each of batch[0..n_batch) (either part may be empty), in one
 * rewrite. Returns how many lines changed (> 0: the file must be written),
 * 0 when it already says so, -EINVAL if any WWID is invalid (nothing is
 * changed then). */
struct mp_wwids_edit {
	const char *wwid;			/* in, may be NULL */
	const char *const *batch;		/* in: more WWIDs, may be NULL */
	size_t n_batch;				/* in */
	bool remove;				/* in: remove instead of add */
	struct mp_naming_diags *diags;		/* in, may be NULL */
};
int mp_wwids_edit_apply(const char *old, size_t len, struct mp_strbuf *out, void *edit);

/* ---- Name choice. ---- */
enum mp_name_source {
	MP_NAME_CONFIG_ALIAS,	/* alias from the multipaths section */
	MP_NAME_BINDING,	/* existing binding */
	MP_NAME_NEW_BINDING,	/* newly allocated: the bindings file needs writing */
	MP_NAME_WWID,		/* user_friendly_names off */
	MP_NAME_WWID_FALLBACK,	/* friendly names wanted but unusable (no bindings
				 * table, or its alias is claimed by the config) */
	_MP_NAME_SOURCE_MAX,
};

const char *mp_name_source_to_string(enum mp_name_source v);

struct mp_naming_input {
	const char *wwid;
	bool user_friendly_names;
	const char *config_alias;	/* multipaths { alias } for this WWID, or NULL */
	const char *alias_prefix;	/* NULL = "mpath" */
	const char *const *reserved;	/* every alias in the multipaths section */
	size_t n_reserved;
};

/* Chooses the map name. bindings may be NULL (file unreadable or refused);
 * a new binding is added to it, and *ret_source == MP_NAME_NEW_BINDING tells
 * the caller to write the file. Persist it with mp_atomic_file_update() and
 * mp_bindings_edit_allocate(), which re-reads the file under the lock: if
 * another process bound a name meanwhile, the edit's alias is the one to
 * use, not this table's. Returns 0 with a malloc'ed *ret_name, or
 * -EINVAL (invalid wwid or config alias), -ENOSPC, -ENOMEM. */
int mp_naming_choose(const struct mp_naming_input *in, struct mp_bindings *bindings,
		     char **ret_name, enum mp_name_source *ret_source);

#endif
