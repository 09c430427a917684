/* The daemon's del map holds as a small state file: the WWIDs of the maps an
 * operator removed with `del map` (or `multipath -f`), which the daemon must
 * not create again until `add map`/`add path` of that WWID, or until the
 * last path of the WWID goes. The file lives under the daemon's /run
 * directory, so a hold outlives a daemon restart but not a reboot.
 *
 * Pure: text in, a list out, and back. Reading and the atomic rewrite are
 * mp/atomic-file.h's job.
 *
 * Format: one WWID per line (as the maps' uuids carry it, "mpath-" left
 * off); '#' starts a comment line; blank lines and surrounding blanks are
 * ignored. A line that is not one valid WWID (mp_naming_wwid_valid), or
 * that repeats an earlier one, yields a diagnostic with its line number and
 * is left out; every other line still counts. A rewrite writes our header
 * and the list, so a bad line does not survive it. */
#ifndef MP_HOLDS_H
#define MP_HOLDS_H

#include <stdbool.h>
#include <stddef.h>

struct mp_strbuf;
struct mp_naming_diags;

/* Cap for reading the file: far above any real number of held maps. */
#define MP_HOLDS_FILE_MAX (1u << 20)

/* The list: v[0..n) are malloc'ed, distinct, valid WWIDs in file order.
 * Zero-initialise; mp_holds_release frees and leaves it empty. */
struct mp_holds {
	char **v;
	size_t n;
};

void mp_holds_release(struct mp_holds *h);
/* Appends buf[0..len)'s WWIDs to *h (normally empty); bad lines go to
 * diags (may be NULL). Returns the number of lines reported, or -ENOMEM
 * (then *h keeps what it had before the call). */
int mp_holds_parse(const char *buf, size_t len, struct mp_naming_diags *diags,
		   struct mp_holds *h);
/* The file's text: header, then one WWID per line. 0 or -ENOMEM. */
int mp_holds_format(const struct mp_holds *h, struct mp_strbuf *out);
bool mp_holds_contains(const struct mp_holds *h, const char *wwid);
/* 1 added, 0 already there, -EINVAL not a valid WWID, -ENOMEM. */
int mp_holds_add(struct mp_holds *h, const char *wwid);
/* 1 removed, 0 absent. Keeps the order of the others. */
int mp_holds_remove(struct mp_holds *h, const char *wwid);

#endif
