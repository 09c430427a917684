/* `multipath` (mpctl installed or linked under that name): the options of
 * the incumbent's multipath(8) that its clients call (os-brick, CSI
 * drivers, ReaR, scripts), with its output layout and exit codes:
 *
 *   -ll [MAP] / -l [MAP]   the topology tree (daemon, or the kernel's view);
 *                          MAP may be a path device: the map holding it
 *   -f MAP|WWID            flush one map, refused while open   (exit 1)
 *   -F                     flush every unused map
 *   -a WWID / -w WWID      add to / remove from the wwids file (wwids.c), in
 *                          the WWID form (naa./eui./t10. forms converted)
 *   -W                     reset the wwids file to the current maps
 *   -r                     reconfigure (the daemon re-reads and reloads)
 *   -c DEV / -C DEV        is DEV a path multipath claims      (exit 0/1)
 *   -u DEV                 the same, for udev (KEY=VALUE)
 *   -t / -T                the built-in / the running configuration
 *
 * -c/-u are `mpctl claim` (cmd-claim.c); maps are changed through the
 * daemon when it runs, else directly through device-mapper. A MAP|WWID
 * operand (-ll, -l, -f, -a, -w) may be a t10. WWID with blanks, quoted or
 * split over several words by the shell (mpctl_map_arg). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "mp/config.h"
#include "mp/dm.h"
#include "mp/naming.h"
#include "mp/vpd.h"
#include "mpctl.h"

#define CONFIG_FILE "/etc/multipath.conf"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: multipath [-v N] -ll|-l [MAP]\n"
		"       multipath -f MAP|WWID | -F\n"
		"       multipath -a WWID | -w WWID | -W\n"
		"       multipath -c|-C|-u DEV\n"
		"       multipath -r | -t | -T\n"
		"(mpctl's front-end for the options multipath(8) clients use; see mpctl(8))\n");
}

/* The name of the map holding path DEV (sdX, /dev/sdX or MAJ:MIN), or
 * NULL: the incumbent's `multipath [-ll|-l] DEV` shows that map. */
static const char *map_of_path(struct json_object *topo, const char *dev)
{
	if (!strncmp(dev, "/dev/", 5))
		dev += 5;
	for (size_t i = 0; i < json_object_array_length(topo); i++) {
		struct json_object *m = json_object_array_get_idx(topo, i), *groups, *paths;

		if (!json_object_object_get_ex(m, "groups", &groups))
			continue;
		for (size_t g = 0; g < json_object_array_length(groups); g++) {
			if (!json_object_object_get_ex(json_object_array_get_idx(groups, g), "paths", &paths))
				continue;
			for (size_t k = 0; k < json_object_array_length(paths); k++) {
				struct json_object *p = json_object_array_get_idx(paths, k);

				if (!strcmp(dev, mpctl_jstr(p, "dev")) || !strcmp(dev, mpctl_jstr(p, "dev_t")))
					return mpctl_jstr(m, "name");
			}
		}
	}
	return NULL;
}

static int list(const char *only, bool checker)
{
	struct mp_strbuf sb = MP_STRBUF_INIT;
	struct json_object *topo = NULL;
	bool fb;
	int r;

	r = mpctl_get_view("topology", &topo, &fb);
	if (r)
		return r == MPCTL_EXIT_UNREACHABLE ? 1 : r;
	if (only) {
		bool is_map = false;

		for (size_t i = 0; i < json_object_array_length(topo) && !is_map; i++)
			is_map = mpctl_map_matches(json_object_array_get_idx(topo, i), only);
		if (!is_map && map_of_path(topo, only))
			only = map_of_path(topo, only);
	}
	r = mpctl_render_topology(topo, only, checker && !fb ? MPCTL_TREE_LL : MPCTL_TREE_L, false, &sb);
	fputs(mp_strbuf_str(&sb), stdout);
	mp_strbuf_release(&sb);
	json_object_put(topo);
	return r == -ENOENT ? 1 : 0;
}

/* Flush one map: through the daemon, or directly when there is none. */
static int flush_one(const char *key, bool quiet_busy)
{
	struct json_object *topo = NULL, *hit = NULL;
	char line[300], *err = NULL;
	bool fb;
	int r;

	r = mpctl_get_view("topology", &topo, &fb);
	if (r)
		return 1;
	for (size_t i = 0; i < json_object_array_length(topo); i++)
		if (mpctl_map_matches(json_object_array_get_idx(topo, i), key) &&
		    !mpctl_jbool(json_object_array_get_idx(topo, i), "held"))	/* flushed already */
			hit = json_object_array_get_idx(topo, i);
	if (!hit) {
		fprintf(stderr, "%s: not a multipath device\n", key);
		json_object_put(topo);
		return 1;
	}
	/* the daemon's open count is as old as its last dm event: it asks the
	 * kernel itself before a del map, so only the fallback checks here */
	if (fb && mpctl_jint(hit, "open_count", 0) > 0) {
		if (!quiet_busy)
			fprintf(stderr, "%s: map in use\n", mpctl_jstr(hit, "name"));
		json_object_put(topo);
		return 1;
	}
	if (!fb) {
		snprintf(line, sizeof(line), "del map %s", mpctl_jstr(hit, "name"));
		r = mpctl_request_quiet(line, NULL, &err);
		if (r == -EREMOTEIO && err && strstr(err, "in use")) {
			if (!quiet_busy)
				fprintf(stderr, "%s: map in use\n", mpctl_jstr(hit, "name"));
		} else if (r < 0) {
			fprintf(stderr, "%s: %s\n", mpctl_jstr(hit, "name"), err ? err : strerror(-r));
		}
		free(err);
		/* removal is queued: wait for the kernel to drop it */
		for (int i = 0; r == 0 && i < 100; i++) {
			struct json_object *now = NULL;
			bool still = false;

			usleep(100000);
			if (mpctl_fallback_topology(&now) < 0)
				break;
			for (size_t j = 0; j < json_object_array_length(now); j++)
				still |= !strcmp(mpctl_jstr(json_object_array_get_idx(now, j), "name"),
						 mpctl_jstr(hit, "name"));
			json_object_put(now);
			if (!still)
				break;
			if (i == 99)
				r = -ETIMEDOUT;
		}
	} else {
		const struct mp_dm_options dmo = { .udev_sync = true };
		struct mp_dm *dm = NULL;

		r = mp_dm_new(&dmo, &dm);
		if (r == 0)
			r = mp_dm_remove(dm, MP_DM_NAME(mpctl_jstr(hit, "name")), MP_DM_REMOVE_RETRY);
		mp_dm_free(dm);
		if (r < 0)
			fprintf(stderr, "%s: %s\n", mpctl_jstr(hit, "name"),
				r == -EBUSY ? "map in use" : strerror(-r));
	}
	json_object_put(topo);
	return r < 0 ? 1 : 0;
}

static int flush_all(void)
{
	struct json_object *topo = NULL;
	bool fb;
	int rc = 0;

	if (mpctl_get_view("topology", &topo, &fb))
		return 1;
	for (size_t i = 0; i < json_object_array_length(topo); i++)
		rc |= flush_one(mpctl_jstr(json_object_array_get_idx(topo, i), "name"), false);
	json_object_put(topo);
	return rc;
}

/* -a/-w/-W: the wwids file the daemon (or the configuration) uses. */
static int wwids_op(char op, const char *wwid)
{
	struct json_object *topo = NULL;
	const char **keep = NULL;
	size_t n = 0;
	char path[4096];
	bool fb;
	int r;

	if (op != 'W' && (!wwid || !mp_naming_wwid_valid(wwid))) {
		fprintf(stderr, "multipath -%c needs a WWID\n", op);
		return 1;
	}
	r = mpctl_wwids_file(CONFIG_FILE, path, sizeof(path));
	if (r < 0) {
		fprintf(stderr, "multipath: cannot read %s: %s\n", CONFIG_FILE, strerror(-r));
		return 1;
	}
	if (op == 'W') {
		if (mpctl_get_view("topology", &topo, &fb))
			return 1;
		keep = calloc(json_object_array_length(topo) + 1, sizeof(*keep));
		if (!keep) {
			r = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < json_object_array_length(topo); i++) {
			const char *w = mpctl_jstr(json_object_array_get_idx(topo, i), "wwid");

			if (mp_naming_wwid_valid(w))
				keep[n++] = w;
		}
	}
	r = mpctl_wwids_change(path, op, wwid, keep, n);
	/* the running daemon's list follows the file (find_multipaths strict
	 * then takes the path on the next `multipathd add path`); a daemon
	 * that does not know the request re-reads on add path anyway */
	if (r >= 0)
		mpctl_request_quiet("reload wwids", NULL, NULL);
out:
	if (r < 0)
		fprintf(stderr, "multipath: %s: %s\n", path, strerror(-r));
	else if (op == 'W')
		printf("successfully reset wwids\n");
	else
		printf("wwid '%s' %s\n", wwid, op == 'a' ? "added" : "removed");
	free(keep);
	json_object_put(topo);
	return r < 0 ? 1 : 0;
}

static int claim(const char *dev, bool udev, bool quiet)
{
	char *args[4] = { "claim", NULL, NULL, NULL };
	int saved = -1, r;

	if (udev) {
		args[1] = "--udev";
		args[2] = (char *)dev;
		return mpctl_cmd_claim(3, args);
	}
	args[1] = (char *)dev;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (saved >= 0) {
		int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (nul >= 0) {
			dup2(nul, STDOUT_FILENO);
			close(nul);
		}
	}
	r = mpctl_cmd_claim(2, args);
	fflush(stdout);
	if (saved >= 0) {
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
	if (!quiet)
		printf("%s %s a valid multipath device path\n", dev, r == 0 ? "is" : "is not");
	return r == 0 ? 0 : 1;
}

/* -t / -T: the incumbent prints every default with its value (scripts
 * grep it for find_multipaths, user_friendly_names, ...), so the defaults
 * section is the effective one, not only the keywords a file set; the
 * other sections are mp_config_dump's (-t with the built-in hardware
 * table). -T asks the daemon first: the configuration in force. */
static int config_dump(bool builtin)
{
	struct json_object *data = NULL;
	struct mp_strbuf sb = MP_STRBUF_INIT;
	struct mp_diags diags = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;
	int r;

	if (!builtin && mpctl_request_quiet("show config", &data, NULL) == 0) {
		/* "full" since 2026-11-26; an older daemon sends "text" only */
		const char *full = mpctl_jstr(data, "full");

		fputs(*full ? full : mpctl_jstr(data, "text"), stdout);
		json_object_put(data);
		return 0;
	}
	if (builtin)
		r = mp_config_parse(NULL, 0, &diags, &cfg);
	else
		r = mp_config_load(CONFIG_FILE, true, false, &diags, &cfg);
	mp_diags_release(&diags);
	if (r == 0)
		r = mp_config_dump_full(cfg, builtin, &sb);
	if (r == 0)
		fputs(mp_strbuf_str(&sb), stdout);
	else
		fprintf(stderr, "multipath: cannot read the configuration: %s\n", strerror(-r));
	mp_strbuf_release(&sb);
	mp_config_free(cfg);
	return r < 0 ? 1 : 0;
}

/* -a/-w: the WWID form of what the client gave (a sysfs form such as
 * naa.6001405... or a t10. one with blanks, mpath-UUID, or the form
 * itself), as the daemon and the wwids file know it. */
static int wwid_arg(char op, char **words, size_t n, char *ret, size_t len)
{
	char key[MP_WWID_SIZE];
	int r;

	r = mpctl_map_arg(words, n, key, sizeof(key));
	if (r == 0)
		r = mp_wwid_from_user(key, ret, len);
	if (r < 0)
		fprintf(stderr, "multipath -%c: \"%s%s\" is not a WWID\n", op, n ? words[0] : "",
			n > 1 ? " ..." : "");
	return r;
}

int mpctl_multipath_main(int argc, char **argv)
{
	char key[MP_WWID_SIZE];
	char **args = NULL;
	const char *arg = NULL;
	size_t n_args = 0;
	char op = 0;
	int r;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-ll")) {
			op = 'L';
		} else if (!strcmp(a, "-v") && i + 1 < argc) {
			i++;		/* verbosity: accepted, output is fixed */
		} else if (!strncmp(a, "-v", 2) && a[2]) {
			continue;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (a[0] == '-' && a[1] && !a[2] && strchr("lfFawWrcCutTdiB", a[1])) {
			if (strchr("dB", a[1]))
				continue;	/* dry-run / bindings-readonly: nothing we write */
			if (a[1] == 'i')
				continue;	/* ignore the wwids file: nothing to do for listing */
			op = a[1];
		} else if (a[0] == '-') {
			fprintf(stderr, "multipath: unsupported option \"%s\"\n", a);
			usage(stderr);
			return 1;
		} else {
			/* operands stay in argv order after the options were
			 * skipped: a t10. WWID split by the shell is several */
			if (!args)
				args = argv + i;
			args[n_args++] = argv[i];
		}
	}
	if (n_args > 1 && !(op && strchr("awfLl", op))) {
		fprintf(stderr, "multipath: only one device may be given\n");
		return 1;
	}
	if (n_args && op && strchr("aw", op)) {
		if (wwid_arg(op, args, n_args, key, sizeof(key)) < 0)
			return 1;
		arg = key;
	} else if (n_args && op && strchr("fLl", op)) {
		if (mpctl_map_arg(args, n_args, key, sizeof(key)) < 0) {
			fprintf(stderr, "multipath: \"%s%s\" is not a map name or WWID\n", args[0],
				n_args > 1 ? " ..." : "");
			return 1;
		}
		arg = key;
	} else if (n_args) {
		arg = args[0];
	}
	switch (op) {
	case 'L': return list(arg, true);
	case 'l': return list(arg, false);
	case 'f':
		if (!arg) {
			fprintf(stderr, "multipath -f needs a map name or WWID\n");
			return 1;
		}
		return flush_one(arg, false);
	case 'F': return flush_all();
	case 'a':
	case 'w':
	case 'W':
		return wwids_op(op, arg);
	case 'r':
		r = mpctl_request_quiet("reconfigure", NULL, NULL);
		return r < 0 ? 1 : 0;
	case 'c':
	case 'C':
	case 'u':
		if (!arg) {
			fprintf(stderr, "multipath -%c needs a device\n", op);
			return 1;
		}
		return claim(arg, op == 'u', false);
	case 't': return config_dump(true);
	case 'T': return config_dump(false);
	default:
		/* bare `multipath [DEV]`: the incumbent creates maps; the daemon does that */
		r = mpctl_request_quiet("reconfigure", NULL, NULL);
		if (r < 0 && r != -EREMOTEIO) {
			fprintf(stderr, "multipath: maps are made by multipathd, which is not reachable at %s\n",
				mpctl_g.socket_path);
			return 1;
		}
		return list(arg, true);
	}
}
