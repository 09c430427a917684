/* The read-only fallback: when no daemon answers (boot, initramfs, after a
 * crash), build the `show topology` and `show paths` documents from what
 * the kernel knows — device-mapper's multipath maps (table + status) and
 * sysfs for each path's identity. Fields only the daemon knows (checker
 * state, priority, checker) are JSON null, and the renderers print them as
 * "-" / "undef". Owns nothing beyond one call: the dm context is opened and
 * freed per call. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <json-c/json.h>

#include "mp/dm.h"
#include "mp/dmtable.h"
#include "mp/sysfs.h"
#include "mpctl.h"

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

/* "8:16" -> "sdb" via /sys/dev/block. */
static void kname_of(const char *devt, char *buf, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/dev/block/%s", devt);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0) {
		snprintf(buf, len, "%s", devt);
		return;
	}
	target[n] = '\0';
	{
		const char *base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
		size_t n2 = strnlen(base, len - 1);

		memcpy(buf, base, n2);
		buf[n2] = '\0';
	}
}

static struct json_object *path_doc(const char *devt, const char *map, const char *dm_state)
{
	struct json_object *o = json_object_new_object();
	struct mp_sysfs_path *sp = calloc(1, sizeof(*sp));
	char kname[64], buf[64];

	kname_of(devt, kname, sizeof(kname));
	json_object_object_add(o, "dev", jstr(kname));
	json_object_object_add(o, "dev_t", jstr(devt));
	if (sp && mp_sysfs_path_read("/sys", kname, sp) == 0) {
		snprintf(buf, sizeof(buf), "%d:%d:%d:%lld", sp->path.hbtl.host, sp->path.hbtl.bus,
			 sp->path.hbtl.target, (long long)sp->path.hbtl.lun);
		json_object_object_add(o, "hctl", jstr(buf));
		json_object_object_add(o, "wwid", jstr(sp->path.wwid));
		json_object_object_add(o, "sysfs_state", jstr(mp_sdev_state_to_string(sp->sdev_state)));
		json_object_object_add(o, "vendor", jstr(sp->path.vendor));
		json_object_object_add(o, "product", jstr(sp->path.product));
	} else {
		json_object_object_add(o, "hctl", jstr("#:#:#:#"));
		json_object_object_add(o, "wwid", jstr(""));
		json_object_object_add(o, "sysfs_state", NULL);
		json_object_object_add(o, "vendor", jstr(""));
		json_object_object_add(o, "product", jstr(""));
	}
	free(sp);
	json_object_object_add(o, "map", map ? jstr(map) : NULL);
	json_object_object_add(o, "dm_state", jstr(dm_state));
	json_object_object_add(o, "checker_state", NULL);
	json_object_object_add(o, "checker", NULL);
	json_object_object_add(o, "last_check", NULL);
	json_object_object_add(o, "prio", NULL);
	return o;
}

static struct json_object *map_doc(struct mp_dm *dm, const struct mp_dm_map_info *mi)
{
	struct mp_dm_target tt = { 0 }, st = { 0 };
	struct mp_dmtable *t = NULL;
	struct mp_dmstatus *s = NULL;
	struct json_object *o = json_object_new_object(), *groups = json_object_new_array();
	char buf[256];
	size_t off = 0;
	unsigned int usable = 0, q = 0;

	json_object_object_add(o, "name", jstr(mi->name));
	json_object_object_add(o, "wwid", jstr(strncmp(mi->uuid, MP_DM_UUID_PREFIX, 6) ? mi->uuid : mi->uuid + 6));
	json_object_object_add(o, "uuid", jstr(mi->uuid));
	json_object_object_add(o, "dm_name", jstr(mi->name));
	snprintf(buf, sizeof(buf), "%u:%u", major(mi->devnum), minor(mi->devnum));
	json_object_object_add(o, "dm_dev_t", jstr(buf));
	json_object_object_add(o, "in_kernel", json_object_new_boolean(true));
	json_object_object_add(o, "suspended", json_object_new_boolean(mi->suspended));
	json_object_object_add(o, "read_only", json_object_new_boolean(mi->read_only));
	json_object_object_add(o, "event_nr", json_object_new_int64(mi->event_nr));
	json_object_object_add(o, "open_count", json_object_new_int(mi->open_count));
	if (mp_dm_get_table(dm, MP_DM_NAME(mi->name), &tt) == 0)
		mp_dmtable_parse(tt.params, &t, NULL);
	if (mp_dm_get_status(dm, MP_DM_NAME(mi->name), &st) == 0)
		mp_dmstatus_parse(st.params, &s, NULL);
	json_object_object_add(o, "size", json_object_new_int64((int64_t)tt.length));
	if (t) {
		off += (size_t)snprintf(buf, sizeof(buf), "%u", t->n_features);
		for (unsigned int i = 0; i < t->n_features && off < sizeof(buf); i++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %s", t->features[i]);
		json_object_object_add(o, "features", jstr(buf));
		snprintf(buf, sizeof(buf), "%s%s", t->hwhandler ? "1 " : "0", t->hwhandler ? t->hwhandler : "");
		json_object_object_add(o, "hwhandler", jstr(buf));
	} else {
		json_object_object_add(o, "features", NULL);
		json_object_object_add(o, "hwhandler", NULL);
	}
	if (s && mp_dmstatus_queue_io(s, &q) == 0)
		json_object_object_add(o, "queueing", json_object_new_boolean(q != 0 ||
			(t && mp_dmtable_has_feature(t, "queue_if_no_path"))));
	else
		json_object_object_add(o, "queueing",
				       json_object_new_boolean(t && mp_dmtable_has_feature(t, "queue_if_no_path")));
	for (unsigned int g = 0; t && g < t->n_groups; g++) {
		const struct mp_dmtable_group *tg = &t->groups[g];
		struct json_object *go = json_object_new_object(), *paths = json_object_new_array();

		json_object_object_add(go, "group", json_object_new_int((int)g + 1));
		off = (size_t)snprintf(buf, sizeof(buf), "%s %u", tg->selector, tg->n_selector_args);
		for (unsigned int i = 0; i < tg->n_selector_args && off < sizeof(buf); i++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %s", tg->selector_args[i]);
		json_object_object_add(go, "selector", jstr(buf));
		json_object_object_add(go, "prio", NULL);
		json_object_object_add(go, "state", jstr(s && g < s->n_groups ?
			mp_dm_group_state_to_string(s->groups[g].state) : "unknown"));
		for (unsigned int i = 0; i < tg->n_paths; i++) {
			const struct mp_dmstatus_path *sp = NULL;
			const char *dms = "";

			if (s && mp_dmstatus_find_path(s, tg->paths[i].dev, &sp) == 0 && sp) {
				dms = sp->state == MP_DM_PATH_ACTIVE ? "A" : "F";
				usable += sp->state == MP_DM_PATH_ACTIVE;
			}
			json_object_array_add(paths, path_doc(tg->paths[i].dev, mi->name, dms));
		}
		json_object_object_add(go, "paths", paths);
		json_object_array_add(groups, go);
	}
	json_object_object_add(o, "usable_paths", json_object_new_int((int)usable));
	json_object_object_add(o, "groups", groups);
	mp_dmtable_free(t);
	mp_dmstatus_free(s);
	mp_dm_target_release(&tt);
	mp_dm_target_release(&st);
	return o;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct mp_dm_map_info *)a)->name, ((const struct mp_dm_map_info *)b)->name);
}

int mpctl_fallback_topology(struct json_object **ret)
{
	const struct mp_dm_options dmo = { .udev_sync = false };
	struct mp_dm_map_info *maps = NULL;
	struct json_object *a;
	struct mp_dm *dm = NULL;
	int n, r;

	r = mp_dm_new(&dmo, &dm);
	if (r < 0)
		return r;
	n = mp_dm_list(dm, "multipath", &maps);
	if (n < 0) {
		mp_dm_free(dm);
		return n;
	}
	qsort(maps, (size_t)n, sizeof(*maps), by_name);
	a = json_object_new_array();
	for (int i = 0; i < n; i++)
		json_object_array_add(a, map_doc(dm, &maps[i]));
	free(maps);
	mp_dm_free(dm);
	*ret = a;
	return 0;
}

int mpctl_fallback_paths(struct json_object *topology, struct json_object **ret)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < json_object_array_length(topology); i++) {
		struct json_object *m = json_object_array_get_idx(topology, i), *groups = NULL;

		json_object_object_get_ex(m, "groups", &groups);
		for (size_t g = 0; groups && g < json_object_array_length(groups); g++) {
			struct json_object *paths = NULL;

			json_object_object_get_ex(json_object_array_get_idx(groups, g), "paths", &paths);
			for (size_t p = 0; paths && p < json_object_array_length(paths); p++)
				json_object_array_add(a, json_object_get(json_object_array_get_idx(paths, p)));
		}
	}
	*ret = a;
	return 0;
}

int mpctl_get_view(const char *what, struct json_object **ret, bool *ret_fallback)
{
	struct json_object *topo = NULL;
	char line[64], *err = NULL;
	int r;

	snprintf(line, sizeof(line), "show %s", !strcmp(what, "paths") ? "paths" : "topology");
	r = mpctl_request_quiet(line, ret, &err);
	if (r == 0) {
		*ret_fallback = false;
		return MPCTL_EXIT_OK;
	}
	if (r == -EREMOTEIO) {
		fprintf(stderr, "mpctl: %s\n", err);
		free(err);
		return MPCTL_EXIT_FAIL;
	}
	if (r != -ENOENT && r != -ECONNREFUSED) {
		mpctl_print_unreachable("mpctl", mpctl_g.socket_path, r);
		return MPCTL_EXIT_UNREACHABLE;
	}
	fprintf(stderr, "mpctl: no daemon at %s; showing the kernel's view (read-only, no checker states)\n",
		mpctl_g.socket_path);
	r = mpctl_fallback_topology(&topo);
	if (r < 0) {
		fprintf(stderr, "mpctl: cannot read device-mapper either: %s\n", strerror(-r));
		return MPCTL_EXIT_UNREACHABLE;
	}
	*ret_fallback = true;
	if (strcmp(what, "paths") == 0) {
		mpctl_fallback_paths(topo, ret);
		json_object_put(topo);
	} else {
		*ret = topo;
	}
	return MPCTL_EXIT_OK;
}
