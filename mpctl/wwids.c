/* The wwids file behind `multipath -a/-w/-W`: which file it is (the one
 * the running daemon uses, else the configuration's wwids_file), and the
 * edits. Every edit is a locked read-modify-write through libmp's
 * atomic-file helper with the wwids module's parser and formatter, so a
 * daemon recording a WWID at the same moment is never lost, lines we cannot
 * parse survive -a and -w, and a crash leaves the old file or the new one.
 * mpctl_wwids_reset_apply is the pure edit step of -W. Owns nothing past
 * one call. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "mp/atomic-file.h"
#include "mp/config.h"
#include "mp/naming.h"
#include "mpctl.h"

int mpctl_wwids_reset_apply(const char *old, size_t len, struct mp_strbuf *out, void *arg)
{
	const struct mpctl_wwids_reset *rs = arg;
	struct mp_wwids *w = NULL;
	int r;

	r = mp_wwids_new(&w);
	if (r < 0)
		return r;
	for (size_t i = 0; i < rs->n; i++) {
		r = mp_wwids_add(w, rs->wwids[i]);
		if (r < 0)
			goto out;
	}
	r = mp_wwids_format(w, out);
	if (r < 0)
		goto out;
	/* the same text: leave the file (and its mtime) alone */
	r = out->len == len && (!len || !memcmp(mp_strbuf_str(out), old, len)) ? 0 : 1;
out:
	mp_wwids_free(w);
	return r;
}

int mpctl_wwids_file(const char *config_file, char *buf, size_t len)
{
	struct mp_diags diags = MP_DIAGS_INIT;
	struct json_object *st = NULL;
	struct mp_config *cfg = NULL;
	struct mp_settings set;
	int r;

	/* the daemon may run with another file (--bindings-dir) than the config names */
	if (mpctl_request_quiet("show status", &st, NULL) == 0 && *mpctl_jstr(st, "wwids_file")) {
		snprintf(buf, len, "%s", mpctl_jstr(st, "wwids_file"));
		json_object_put(st);
		return 0;
	}
	json_object_put(st);
	r = mp_config_load(config_file, true, false, &diags, &cfg);
	mp_diags_release(&diags);
	if (r < 0)
		return r;
	mp_config_defaults(cfg, &set);
	snprintf(buf, len, "%s", set.wwids_file);
	mp_config_free(cfg);
	return 0;
}

int mpctl_wwids_change(const char *path, char op, const char *wwid, const char *const *keep,
		       size_t n_keep)
{
	struct mpctl_wwids_reset rs = { .wwids = keep, .n = n_keep };
	struct mp_wwids_edit edit = { .wwid = wwid, .remove = op == 'w' };
	char dir[4096], *slash;

	if (op != 'W' && (!wwid || !mp_naming_wwid_valid(wwid)))
		return -EINVAL;
	/* the daemon makes the directory the same way when it records a WWID */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	if (op == 'W')
		return mp_atomic_file_update(path, MP_NAMING_FILE_MAX, 0600, mpctl_wwids_reset_apply, &rs);
	return mp_atomic_file_update(path, MP_NAMING_FILE_MAX, 0600, mp_wwids_edit_apply, &edit);
}
