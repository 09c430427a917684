/* Assembly of every WWID at once: at start-up (in slices of loop time, so
 * the control socket answers meanwhile) and after a reconfigure (whole).
 *
 * The paths are grouped by WWID in one hash pass (util/strgroup.h): the
 * pass used to compare every path with every other one to find each
 * WWID's first path, and scan all paths again per WWID, a few million
 * string compares at 1024 paths, all in one loop callback. Each group then
 * goes to mpd_assemble_group, in the order of the WWIDs' first paths, as
 * before.
 *
 * Owns: the pass (struct mpd_pass, d->startup.pass while sliced), freed
 * when the pass ends or by mpd_assemble_abort. The pass points into
 * d->paths; a step that finds d->paths_gen moved (a path record added or
 * freed between slices: nothing does so during start-up today) groups the
 * paths again and starts over, which costs only no-op reloads. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/strgroup.h"
#include "daemon.h"

static const char *wwid_at(const void *ctx, size_t pos)
{
	const struct mpd *d = ctx;

	return d->paths[pos]->mp.wwid;
}

static void pass_free(struct mpd_pass *pass)
{
	if (!pass)
		return;
	free(pass->groups);
	free(pass->paths);
	free(pass->pos);
	free(pass);
}

static int pass_new(struct mpd *d, struct mpd_pass **ret)
{
	struct mp_strgroup sg = { 0 };
	struct mpd_pass *pass;
	size_t n_members;
	int r;

	r = mp_strgroup_build(d->n_paths, wwid_at, d, &sg);
	if (r < 0)
		return r;
	n_members = sg.start[sg.n_groups];
	pass = calloc(1, sizeof(*pass));
	if (!pass)
		goto out_nomem;
	pass->groups = calloc(sg.n_groups ? sg.n_groups : 1, sizeof(*pass->groups));
	pass->paths = calloc(n_members ? n_members : 1, sizeof(*pass->paths));
	pass->pos = calloc(n_members ? n_members : 1, sizeof(*pass->pos));
	if (!pass->groups || !pass->paths || !pass->pos)
		goto out_nomem;
	for (size_t i = 0; i < n_members; i++) {
		pass->pos[i] = sg.member[i];
		pass->paths[i] = d->paths[sg.member[i]];
	}
	for (size_t g = 0; g < sg.n_groups; g++)
		pass->groups[g] = (struct mpd_wwid_group){
			.wwid = pass->paths[sg.start[g]]->mp.wwid,
			.paths = pass->paths + sg.start[g],
			.pos = pass->pos + sg.start[g],
			.n = mp_strgroup_size(&sg, g),
		};
	pass->n_groups = sg.n_groups;
	pass->paths_gen = d->paths_gen;
	mp_strgroup_release(&sg);
	*ret = pass;
	return 0;
out_nomem:
	pass_free(pass);
	mp_strgroup_release(&sg);
	return -ENOMEM;
}

void mpd_assemble_all(struct mpd *d)
{
	struct mpd_pass *pass = NULL;
	int r = pass_new(d, &pass);

	if (r < 0) {
		mpd_log(&d->log, LOG_ERR, "cannot group %zu paths by WWID: %s; maps not updated",
			d->n_paths, strerror(-r));
		return;
	}
	mpd_assemble_prebind(d, pass);
	/* the creates queued here go to the workers as one batch */
	mpd_workers_plug(d->workers);
	for (size_t g = 0; g < pass->n_groups; g++)
		mpd_assemble_group(d, pass->groups[g].wwid, pass->groups[g].paths, pass->groups[g].n);
	mpd_workers_unplug(d->workers);
	pass_free(pass);
}

int mpd_assemble_begin(struct mpd *d)
{
	int r;

	if (d->startup.pass)
		return -EALREADY;
	r = pass_new(d, &d->startup.pass);
	if (r < 0)
		return r;
	mpd_assemble_prebind(d, d->startup.pass);
	/* held until the last step: the start-up's creates are one batch */
	mpd_workers_plug(d->workers);
	mpd_log(&d->log, LOG_INFO, "startup: %zu paths in %zu WWIDs", d->n_paths,
		d->startup.pass->n_groups);
	return 0;
}

int mpd_assemble_step(struct mpd *d, uint64_t budget_ms)
{
	struct mpd_pass *pass = d->startup.pass;
	uint64_t until = mpd_now_ms() + budget_ms;

	if (!pass)
		return 0;
	if (pass->paths_gen != d->paths_gen) {
		struct mpd_pass *again = NULL;
		int r = pass_new(d, &again);

		if (r < 0) {
			mpd_log(&d->log, LOG_ERR, "cannot group %zu paths by WWID: %s; "
				"the first assembly stops here", d->n_paths, strerror(-r));
			pass_free(pass);
			d->startup.pass = NULL;
			mpd_workers_unplug(d->workers);
			return 0;
		}
		mpd_log(&d->log, LOG_INFO, "startup: paths changed during the first assembly; "
			"grouping them again");
		pass_free(pass);
		d->startup.pass = pass = again;
	}
	while (pass->next < pass->n_groups) {
		const struct mpd_wwid_group *g = &pass->groups[pass->next++];

		mpd_assemble_group(d, g->wwid, g->paths, g->n);
		if (mpd_now_ms() >= until && pass->next < pass->n_groups)
			return 1;
	}
	pass_free(pass);
	d->startup.pass = NULL;
	mpd_workers_unplug(d->workers);	/* the batch goes */
	return 0;
}

void mpd_assemble_abort(struct mpd *d)
{
	/* at exit: the held creates are dropped with the worker pool */
	pass_free(d->startup.pass);
	d->startup.pass = NULL;
}
