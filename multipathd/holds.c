/* The operator's del map holds, kept across a daemon restart.
 *
 * `del map` (and `multipath -f`) removes a map and holds it: the daemon
 * does not create it again until `add map`/`add path` of its WWID, or until
 * its last path goes. d->holds is the list of held WWIDs and the only
 * truth; a map record's held flag mirrors it (set when the record is made,
 * see state.c). Every change rewrites <socket dir>/held-maps atomically
 * (mp_atomic_file_write: temp file, fsync, rename), so a restarted daemon
 * reads the holds back; /run does not outlive a reboot, and neither should
 * a hold. The file belongs to the daemon alone (the single-instance lock
 * keeps a second one out), so no file lock is taken.
 *
 * A file the daemon cannot read or write costs the persistence only: the
 * holds in memory still apply, and the error is logged once per attempt. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "mp/atomic-file.h"
#include "mp/holds.h"
#include "mp/naming.h"
#include "mp/strbuf.h"

const char *mpd_holds_path(const struct mpd *d)
{
	return d->holds_file;
}

static void set_path(struct mpd *d)
{
	const char *slash = strrchr(d->opt.socket_path, '/');
	int dir = slash ? (int)(slash - d->opt.socket_path) : 1;

	snprintf(d->holds_file, sizeof(d->holds_file), "%.*s/held-maps", dir,
		 slash ? d->opt.socket_path : ".");
}

void mpd_holds_load(struct mpd *d)
{
	struct mp_naming_diags diags = MP_NAMING_DIAGS_INIT;
	char *buf = NULL;
	size_t len = 0;
	int r;

	set_path(d);
	r = mp_atomic_file_read(d->holds_file, MP_HOLDS_FILE_MAX, &buf, &len);
	if (r == -ENOENT)
		return;
	if (r < 0) {
		mpd_log(&d->log, LOG_ERR, "%s: %s; no del map hold is restored", d->holds_file,
			strerror(-r));
		return;
	}
	r = mp_holds_parse(buf, len, &diags, &d->holds);
	for (size_t i = 0; i < diags.n; i++)
		mpd_log(&d->log, LOG_ERR, "%s:%u: %s; line ignored", d->holds_file, diags.v[i].line,
			diags.v[i].msg);
	if (r < 0)
		mpd_log(&d->log, LOG_ERR, "%s: %s; no del map hold is restored", d->holds_file,
			strerror(-r));
	else if (d->holds.n)
		mpd_log(&d->log, LOG_NOTICE, "%s: %zu maps held by del map before the restart",
			d->holds_file, d->holds.n);
	mp_naming_diags_release(&diags);
	free(buf);
}

static void save(struct mpd *d)
{
	struct mp_strbuf out = { 0 };
	int r = mp_holds_format(&d->holds, &out);

	if (r == 0)
		r = mp_atomic_file_write(d->holds_file, mp_strbuf_str(&out), out.len, 0644);
	if (r < 0)
		mpd_log(&d->log, LOG_ERR, "%s: cannot write: %s; the holds apply until the daemon stops",
			d->holds_file, strerror(-r));
	mp_strbuf_release(&out);
}

void mpd_holds_set(struct mpd *d, const char *wwid, bool on, const char *why)
{
	struct mpd_map *m = mpd_map_find_wwid(d, wwid);
	char w[MP_WWID_MAX + 1];
	int r;

	snprintf(w, sizeof(w), "%s", wwid);	/* wwid may be the entry removed below */
	wwid = w;
	if (m)
		m->held = on;
	r = on ? mp_holds_add(&d->holds, wwid) : mp_holds_remove(&d->holds, wwid);
	if (r < 0) {
		mpd_log(&d->log, LOG_ERR, "%s: cannot hold %s: %s", d->holds_file, wwid, strerror(-r));
		return;
	}
	if (r == 0)
		return;
	if (m)
		mpd_log_map(&d->log, LOG_NOTICE, m, "del map hold %s: %s", on ? "set" : "lifted", why);
	else
		mpd_log(&d->log, LOG_NOTICE, "%s: del map hold %s: %s", wwid, on ? "set" : "lifted", why);
	save(d);
}

void mpd_holds_prune(struct mpd *d)
{
	size_t i = 0;

	while (i < d->holds.n) {
		const char *w = d->holds.v[i];
		struct mpd_map *m = mpd_map_find_wwid(d, w);
		bool has_path = false;

		for (size_t j = 0; j < d->n_paths && !has_path; j++)
			has_path = strcmp(d->paths[j]->mp.wwid, w) == 0;
		if (m && m->in_kernel) {
			mpd_holds_set(d, w, false, "the map is in the kernel (made outside the daemon)");
		} else if (!has_path) {
			mpd_holds_set(d, w, false, "no path of it is left");
		} else {
			i++;
		}
	}
}
