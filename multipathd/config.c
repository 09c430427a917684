/* The configuration snapshot the daemon runs with, and SIGHUP/`reconfigure`.
 *
 * Owns: d->cfg (one immutable snapshot), d->defaults, the bindings and
 * wwids tables and their file names, and d->wwids_new (the created maps'
 * WWIDs not yet written). Settings resolved into path and map
 * records borrow strings from d->cfg, so a reload re-resolves every record
 * against the new snapshot before the old one is freed. A snapshot that
 * fails to parse is never swapped in: the old one keeps running and the
 * errors are logged with file and line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "mp/atomic-file.h"
#include "mp/strbuf.h"
#include "daemon.h"

const char *mpd_bindings_path(const struct mpd *d)
{
	return d->bindings_file;
}

const char *mpd_wwids_path(const struct mpd *d)
{
	return d->wwids_file;
}

static void log_diags(struct mpd *d, const struct mp_diags *diags)
{
	for (size_t i = 0; i < diags->n; i++) {
		struct mp_strbuf sb = MP_STRBUF_INIT;

		if (mp_diag_format(&diags->items[i], &sb) == 0)
			mpd_log(&d->log, diags->items[i].severity == MP_DIAG_ERROR ? LOG_ERR : LOG_WARNING,
				"%s", mp_strbuf_str(&sb));
		mp_strbuf_release(&sb);
	}
}

int mpd_config_load(struct mpd *d, struct mp_config **ret)
{
	struct mp_diags diags = MP_DIAGS_INIT;
	int r;

	r = mp_config_load(d->opt.config_file, true, false, &diags, ret);
	log_diags(d, &diags);
	if (r < 0)
		mpd_log(&d->log, LOG_ERR, "%s: %zu error(s); configuration not used",
			d->opt.config_file, mp_diags_count(&diags, MP_DIAG_ERROR));
	mp_diags_release(&diags);
	return r;
}

static void load_naming(struct mpd *d)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (d->opt.bindings_dir) {
		snprintf(d->bindings_file, sizeof(d->bindings_file), "%s/bindings", d->opt.bindings_dir);
		snprintf(d->wwids_file, sizeof(d->wwids_file), "%s/wwids", d->opt.bindings_dir);
	} else {
		snprintf(d->bindings_file, sizeof(d->bindings_file), "%s", d->defaults.bindings_file);
		snprintf(d->wwids_file, sizeof(d->wwids_file), "%s", d->defaults.wwids_file);
	}
	mp_bindings_free(d->bindings);
	d->bindings = NULL;
	r = mp_atomic_file_read(d->bindings_file, MP_NAMING_FILE_MAX, &buf, &len);
	if (r == -ENOENT)
		r = mp_bindings_new(&d->bindings);
	else if (r == 0)
		r = mp_bindings_parse(buf, len, NULL, &d->bindings);
	if (r < 0)
		mpd_log(&d->log, LOG_ERR, "%s: cannot use the bindings file (%s); maps are named by WWID",
			d->bindings_file, strerror(-r));
	free(buf);
	buf = NULL;

	if (mpd_wwids_reload(d, true) < 0 && !d->wwids)
		mp_wwids_new(&d->wwids);
}

static void file_id(const char *path, struct mpd_file_id *id)
{
	struct stat st;

	memset(id, 0, sizeof(*id));
	if (stat(path, &st) < 0)
		return;		/* absent: all zero, like an empty list read before */
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->size = st.st_size;
	id->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

int mpd_wwids_reload(struct mpd *d, bool force)
{
	struct mp_wwids *next = NULL;
	struct mpd_file_id id;
	char *buf = NULL;
	size_t len = 0;
	int r;

	/* stat before reading: a write in between changes the id again, and
	 * the next call reads once more instead of missing it */
	file_id(d->wwids_file, &id);
	if (!force && d->wwids && !memcmp(&id, &d->wwids_seen, sizeof(id)))
		return 0;
	r = mp_atomic_file_read(d->wwids_file, MP_NAMING_FILE_MAX, &buf, &len);
	if (r == -ENOENT)
		r = mp_wwids_new(&next);
	else if (r == 0)
		r = mp_wwids_parse(buf, len, NULL, &next);
	free(buf);
	if (r < 0) {
		mpd_log(&d->log, LOG_ERR, "%s: cannot use the wwids file (%s)%s", d->wwids_file,
			strerror(-r), d->wwids ? "; keeping the list read before" : "");
		return r;
	}
	if (d->wwids && !force)
		mpd_log(&d->log, LOG_NOTICE, "%s changed: %zu WWIDs (were %zu)", d->wwids_file,
			mp_wwids_count(next), mp_wwids_count(d->wwids));
	mp_wwids_free(d->wwids);
	d->wwids = next;
	d->wwids_seen = id;
	return 1;
}

/* The naming files live under a directory that may not exist yet (a
 * first start, a test's own run directory). */
void mpd_naming_dir_make(const char *file)
{
	char dir[4096], *slash;

	snprintf(dir, sizeof(dir), "%s", file);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
}

void mpd_wwids_remember(struct mpd *d, const char *wwid)
{
	char *copy;

	if (mp_wwids_contains(d->wwids, wwid))
		return;
	mp_wwids_add(d->wwids, wwid);
	if (d->wwids_new.n == d->wwids_new.cap) {
		size_t cap = d->wwids_new.cap ? 2 * d->wwids_new.cap : 16;
		char **v = realloc(d->wwids_new.v, cap * sizeof(*v));

		if (!v)
			goto fail;
		d->wwids_new.v = v;
		d->wwids_new.cap = cap;
	}
	copy = strdup(wwid);
	if (!copy)
		goto fail;
	d->wwids_new.v[d->wwids_new.n++] = copy;
	return;
fail:
	mpd_log(&d->log, LOG_WARNING, "%s: cannot record wwid %s: out of memory", mpd_wwids_path(d),
		wwid);
}

void mpd_wwids_flush(struct mpd *d)
{
	struct mp_wwids_edit edit = { .batch = (const char *const *)d->wwids_new.v,
				      .n_batch = d->wwids_new.n };
	int r;

	if (!d->wwids_new.n)
		return;
	mpd_naming_dir_make(mpd_wwids_path(d));
	r = mp_atomic_file_update(mpd_wwids_path(d), MP_NAMING_FILE_MAX, 0600, mp_wwids_edit_apply, &edit);
	if (r < 0)
		mpd_log(&d->log, LOG_WARNING, "%s: cannot record %zu new wwid(s), the first %s: %s",
			mpd_wwids_path(d), d->wwids_new.n, d->wwids_new.v[0], strerror(-r));
	for (size_t i = 0; i < d->wwids_new.n; i++)
		free(d->wwids_new.v[i]);
	d->wwids_new.n = 0;
}

void mpd_resolve_path_settings(struct mpd *d, struct mpd_path *p)
{
	const struct mp_device_ident id = {
		.vendor = p->mp.vendor[0] ? p->mp.vendor : NULL,
		.product = p->mp.product[0] ? p->mp.product : NULL,
		.revision = p->mp.revision[0] ? p->mp.revision : NULL,
		.wwid = p->mp.wwid[0] ? p->mp.wwid : NULL,
		.protocol = mp_protocol_to_string(p->mp.protocol),
	};

	struct mp_device_ident by_hw = id;
	const char *alias;

	/* a multipaths entry for the WWID makes the result the path's own */
	if (p->mp.wwid[0] && mp_config_find_multipath(d->cfg, p->mp.wwid, &alias) == 0) {
		mp_config_resolve(d->cfg, &id, &p->set);
		goto out;
	}
	if (d->resolved.valid && d->resolved.protocol == p->mp.protocol &&
	    !strcmp(d->resolved.vendor, p->mp.vendor) && !strcmp(d->resolved.product, p->mp.product) &&
	    !strcmp(d->resolved.revision, p->mp.revision)) {
		p->set = d->resolved.set;
		goto out;
	}
	by_hw.wwid = NULL;
	mp_config_resolve(d->cfg, &by_hw, &p->set);
	d->resolved.valid = true;
	d->resolved.protocol = p->mp.protocol;
	snprintf(d->resolved.vendor, sizeof(d->resolved.vendor), "%s", p->mp.vendor);
	snprintf(d->resolved.product, sizeof(d->resolved.product), "%s", p->mp.product);
	snprintf(d->resolved.revision, sizeof(d->resolved.revision), "%s", p->mp.revision);
	d->resolved.set = p->set;
out:
	mpd_latency_resolve(d, p);
	mpd_budget_resolve(d, p);
}

/* Applies a freshly set d->cfg to the naming files and every record. */
static void apply_config(struct mpd *d)
{
	mp_config_defaults(d->cfg, &d->defaults);
	d->resolved.valid = false;
	load_naming(d);
	for (size_t i = 0; i < d->n_paths; i++) {
		mpd_resolve_path_settings(d, d->paths[i]);
		mpd_checker_setup_path(d, d->paths[i]);
		mpd_budget_apply(d, d->paths[i], "configuration");
	}
	for (size_t i = 0; i < d->n_maps; i++) {
		struct mpd_map *m = d->maps[i];
		const struct mp_device_ident id = { .wwid = m->model->wwid };

		if (m->model->n_paths) {
			struct mpd_path *p = mpd_path_find_devt(
				d, makedev(m->model->paths[0]->major, m->model->paths[0]->minor));

			if (p) {
				m->set = p->set;
				continue;
			}
		}
		mp_config_resolve(d->cfg, &id, &m->set);
	}
}

int mpd_config_init(struct mpd *d)
{
	int r = mpd_config_load(d, &d->cfg);

	if (r < 0)
		return r;
	apply_config(d);
	return 0;
}

int mpd_reconfigure(struct mpd *d)
{
	struct mp_config *next = NULL, *old = d->cfg;
	int r;

	mpd_log(&d->log, LOG_NOTICE, "reconfigure: reading %s", d->opt.config_file);
	r = mpd_config_load(d, &next);
	if (r < 0) {
		mpd_log(&d->log, LOG_ERR, "reconfigure: %s is invalid; keeping the running configuration",
			d->opt.config_file);
		return r;
	}
	d->cfg = next;
	apply_config(d);
	mp_config_free(old);
	for (size_t i = 0; i < d->n_paths; i++)
		mpd_discovery_classify(d, d->paths[i]);
	mpd_assemble_all(d);
	mpd_log(&d->log, LOG_NOTICE, "reconfigure: done, %zu maps, %zu paths", d->n_maps, d->n_paths);
	return 0;
}
