/* kpartx-helpers: creates, updates, removes and lists the linear dm maps of
 * the partitions on a multipath map, from its MBR or GPT. Run by udev when
 * a map appears or changes (resize included) and by operators.
 *
 *   kpartx-helpers [-p SEP] [-n] [-v] add|update|delete|list|state DEVICE
 *
 * The flow: resolve the parent map (name, uuid, devnum) -> read and parse
 * the table (ptable-parse*.c, pure) -> list the partition maps that exist
 * for this parent (dm uuid "partN-" + parent uuid) -> plan (partmap.c,
 * pure) -> carry the plan out. A table that does not parse changes
 * nothing. A multipath map with no path in state A is not read at all:
 * with queue_if_no_path the read would block until a path returns (in a
 * udev worker, for as long as the outage lasts), and without it the read
 * fails anyway. `state` prints those path counts for udev's IMPORT{program}
 * (57-mp-map.rules decides from them whether anything may probe the map).
 * Exit codes are in usage(). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "device.h"
#include "mp/dm.h"
#include "mp/dmtable.h"
#include "partmap.h"
#include "ptable-parse.h"

enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_DEVICE = 2,	/* cannot read the device or resolve the map */
	EXIT_TABLE = 3,		/* invalid partition table: nothing changed */
	EXIT_MAPS = 4,		/* some partition maps could not be changed */
};

enum verb { VERB_ADD, VERB_UPDATE, VERB_DELETE, VERB_LIST, VERB_STATE };

struct opts {
	enum verb verb;
	const char *device;
	const char *sep;
	uint32_t image_block;
	bool dry_run;
	bool verbose;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kpartx-helpers [options] add|update|delete|list|state DEVICE\n"
		"  DEVICE is /dev/mapper/NAME or /dev/dm-N (list also takes a disk image)\n"
		"  add     create missing partition maps, reload changed ones\n"
		"  update  as add, and remove maps of vanished partitions\n"
		"  delete  remove every partition map of DEVICE\n"
		"  list    print the maps the table asks for: NAME : 0 SIZE linear MAJ:MIN START\n"
		"  state   print MP_MAP_PATHS=N and MP_MAP_ACTIVE_PATHS=N (udev IMPORT{program});\n"
		"          add, update and list do not read a map with no active path\n"
		"options:\n"
		"  -p, --separator SEP   map names NAME<SEP>N (default \"%s\")\n"
		"  -b, --block-size N    logical block size of a disk image (list; default 512)\n"
		"  -n, --dry-run         print the plan, change nothing\n"
		"  -v, --verbose         print each action taken\n"
		"exit: 0 done (also when there is no partition table), 1 usage,\n"
		"      2 device unreadable, not a multipath map or no active path,\n"
		"      3 invalid partition table\n"
		"      (no map changed), 4 some partition maps could not be changed\n",
		MP_PARTMAP_DEFAULT_SEP);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "separator", required_argument, NULL, 'p' },
		{ "block-size", required_argument, NULL, 'b' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char *const verbs[] = { "add", "update", "delete", "list", "state" };
	char *end;
	long v;
	int c;

	o->sep = MP_PARTMAP_DEFAULT_SEP;
	while ((c = getopt_long(argc, argv, "p:b:nvh", lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->sep = optarg;
			break;
		case 'b':
			v = strtol(optarg, &end, 10);
			if (*end || v < 512 || v > 65536 || (v & (v - 1)))
				return -EINVAL;
			o->image_block = (uint32_t)v;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			return -EINVAL;
		}
	}
	if (argc - optind != 2)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[optind], verbs[i]) == 0) {
			o->verb = (enum verb)i;
			o->device = argv[optind + 1];
			return 0;
		}
	return -EINVAL;
}

static void dm_log(void *userdata, int level, int err, const char *msg)
{
	fprintf(stderr, "kpartx-helpers: device-mapper: %s\n", msg);
}

/* The partition maps that exist for parent, as partmap.c wants them. */
static int load_existing(struct mp_dm *dm, const struct mp_partmap_parent *parent,
			 struct mp_partmap **ret, size_t *ret_n)
{
	struct mp_dm_map_info *maps = NULL;
	struct mp_partmap *have = NULL;
	size_t n = 0;
	int count;

	count = mp_dm_list(dm, NULL, &maps);
	if (count < 0)
		return count;
	if (count > 0) {
		have = calloc((size_t)count, sizeof(*have));
		if (!have) {
			free(maps);
			return -ENOMEM;
		}
	}
	for (int i = 0; i < count; i++) {
		struct mp_partmap *h = &have[n];
		struct mp_dm_target t = { 0 };
		unsigned int num;

		if (mp_partmap_uuid_num(maps[i].uuid, parent->uuid, &num) < 0)
			continue;
		h->num = num;
		memcpy(h->name, maps[i].name, sizeof(h->name));
		memcpy(h->uuid, maps[i].uuid, sizeof(h->uuid));
		h->open_count = maps[i].open_count;
		if (mp_dm_get_table(dm, MP_DM_UUID(maps[i].uuid), &t) == 0) {
			h->linear = strcmp(t.type, "linear") == 0 && t.start == 0 &&
				mp_partmap_params_start(t.params, parent, &h->start) == 0;
			h->size = t.length;
			mp_dm_target_release(&t);
		}
		n++;
	}
	free(maps);
	*ret = have;
	*ret_n = n;
	return 0;
}

static void print_action(const struct mp_partmap_action *a)
{
	printf("%s %s", mp_partmap_op_to_string(a->op), a->want.name);
	if (a->op != MP_PARTMAP_REMOVE)
		printf(" : 0 %" PRIu64 " linear %s", a->want.size, a->want.params);
	printf("\n");
}

/* Carries one action out; 0, or -errno after saying why on stderr. */
static int apply(struct mp_dm *dm, const char *parent, const struct mp_partmap_action *a,
		 bool read_only)
{
	const struct mp_partmap *w = &a->want;
	int r = 0;

	switch (a->op) {
	case MP_PARTMAP_KEEP:
		return 0;
	case MP_PARTMAP_REMOVE:
		if (a->open_count > 0) {
			fprintf(stderr, "%s: partition %u is gone from the table but %s is in use "
				"(open count %d); not removed\n", parent, w->num, w->name, a->open_count);
			return -EBUSY;
		}
		r = mp_dm_remove(dm, MP_DM_UUID(w->uuid), MP_DM_REMOVE_RETRY);
		if (r == -EBUSY)
			fprintf(stderr, "%s: %s is in use; not removed\n", parent, w->name);
		break;
	case MP_PARTMAP_RELOAD:
		if (a->start_moved && a->open_count > 0) {
			fprintf(stderr, "%s: partition %u moved to sector %" PRIu64 " but %s is in use "
				"(open count %d); not reloaded\n", parent, w->num, w->start, w->name,
				a->open_count);
			return -EBUSY;
		}
		r = mp_dm_reload(dm, MP_DM_UUID(w->uuid), &(struct mp_dm_reload_args){
			.size = w->size, .target_type = "linear", .params = w->params,
			.read_only = read_only }, NULL);
		break;
	case MP_PARTMAP_CREATE:
		r = mp_dm_create(dm, &(struct mp_dm_create_args){
			.name = w->name, .uuid = w->uuid, .size = w->size, .target_type = "linear",
			.params = w->params, .read_only = read_only }, NULL);
		if (r == -EEXIST)
			fprintf(stderr, "%s: cannot create %s (uuid %s): a map with that name or uuid "
				"exists\n", parent, w->name, w->uuid);
		break;
	default:
		return -EINVAL;
	}
	if (r < 0 && r != -EBUSY && r != -EEXIST)
		fprintf(stderr, "%s: %s %s failed: %s%s%s\n", parent, mp_partmap_op_to_string(a->op),
			w->name, strerror(-r), *mp_dm_last_error(dm) ? ": " : "", mp_dm_last_error(dm));
	return r;
}

/* Paths of a multipath map: all of them, and those in state A (the kernel
 * sends I/O only to these). -EMEDIUMTYPE for another target type. */
static int count_paths(struct mp_dm *dm, dev_t devnum, unsigned int *ret_all,
		       unsigned int *ret_active)
{
	struct mp_dm_target t = { 0 };
	struct mp_dmstatus *s = NULL;
	unsigned int all = 0;
	int r;

	r = mp_dm_get_status(dm, MP_DM_DEVNUM(devnum), &t);
	if (r < 0)
		return r;
	if (strcmp(t.type, "multipath") != 0) {
		r = -EMEDIUMTYPE;
		goto out;
	}
	r = mp_dmstatus_parse(t.params ? t.params : "", &s, NULL);
	if (r < 0)
		goto out;
	for (unsigned int g = 0; g < s->n_groups; g++)
		all += s->groups[g].n_paths;
	*ret_all = all;
	*ret_active = mp_dmstatus_count_active(s);
out:
	mp_dmstatus_free(s);
	mp_dm_target_release(&t);
	return r;
}

static int read_table(const struct opts *o, struct mp_kpdev *dev, const char *name,
		      struct mp_ptable **ret)
{
	struct mp_ptable_disk disk = {
		.sector_size = dev->sector_size, .sectors = dev->sectors,
		.read = mp_kpdev_read, .userdata = dev,
	};
	struct mp_ptable_diag diag = { "" };
	int r;

	r = mp_ptable_parse(&disk, ret, &diag);
	if (r == -EBADMSG) {
		fprintf(stderr, "%s: invalid partition table: %s; no partition maps changed\n",
			name, diag.msg);
		return EXIT_TABLE;
	}
	if (r < 0) {
		fprintf(stderr, "%s: cannot read the partition table of %s: %s%s%s\n", name,
			o->device, strerror(-r), *diag.msg ? ": " : "", diag.msg);
		return EXIT_DEVICE;
	}
	if ((*ret)->note[0])
		fprintf(stderr, "%s: warning: %s\n", name, (*ret)->note);
	return EXIT_OK;
}

/* list on something that is not a dm map (a disk image, a plain disk). */
static int list_plain(const struct opts *o, struct mp_kpdev *dev)
{
	const char *base = strrchr(o->device, '/') ? strrchr(o->device, '/') + 1 : o->device;
	struct mp_partmap_parent parent = {
		.name = base, .uuid = "", .major = dev->major, .minor = dev->minor,
	};
	struct mp_ptable *t = NULL;
	struct mp_partmap *want = NULL;
	size_t n = 0;
	int rc;

	rc = read_table(o, dev, base, &t);
	if (rc != EXIT_OK)
		return rc;
	if (mp_partmap_wanted(t, &parent, o->sep, &want, &n) < 0) {
		fprintf(stderr, "%s: map names too long\n", base);
		rc = EXIT_DEVICE;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s : 0 %" PRIu64 " %s %" PRIu64 "\n", want[i].name, want[i].size,
		       dev->is_block ? "linear" : o->device, want[i].start);
	free(want);
	mp_ptable_free(t);
	return rc;
}

/* `state`: the path counts of a multipath map, or of the map under a
 * partition map (its linear table names the parent), as udev properties.
 * Anything else, or a parent that cannot be resolved, has no paths to lose
 * and is printed as one active path: the rules then treat it as before. */
static int print_state(struct mp_dm *dm, const struct mp_dm_map_info *info, dev_t devnum)
{
	unsigned int all = 1, active = 1, maj, min;
	struct mp_dm_target t = { 0 };
	dev_t target = devnum;
	int r;

	if (strncmp(info->uuid, "part", 4) == 0 &&
	    mp_dm_get_table(dm, MP_DM_DEVNUM(devnum), &t) == 0) {
		if (strcmp(t.type, "linear") == 0 && t.params &&
		    sscanf(t.params, "%u:%u", &maj, &min) == 2)
			target = makedev(maj, min);
		mp_dm_target_release(&t);
	}
	r = count_paths(dm, target, &all, &active);
	if (r < 0 && r != -EMEDIUMTYPE) {
		fprintf(stderr, "%s: cannot read the map's status: %s\n", info->name, strerror(-r));
		return EXIT_DEVICE;
	}
	if (r < 0)
		all = active = 1;
	printf("MP_MAP_PATHS=%u\nMP_MAP_ACTIVE_PATHS=%u\n", all, active);
	return EXIT_OK;
}

static int run(const struct opts *o, struct mp_kpdev *dev, struct mp_dm *dm)
{
	struct mp_dm_map_info info;
	struct mp_partmap_parent parent;
	struct mp_ptable *t = NULL;
	struct mp_partmap *want = NULL, *have = NULL;
	struct mp_partmap_action *plan = NULL;
	size_t n_want = 0, n_have = 0, n_plan = 0;
	int rc = EXIT_OK, r;

	r = mp_dm_info(dm, MP_DM_DEVNUM(makedev(dev->major, dev->minor)), &info);
	if (r == -ENXIO && o->verb == VERB_LIST)
		return list_plain(o, dev);
	if (r < 0) {
		fprintf(stderr, "%s: not a device-mapper map (%s)\n", o->device, strerror(-r));
		return EXIT_DEVICE;
	}
	if (o->verb == VERB_STATE)
		return print_state(dm, &info, makedev(dev->major, dev->minor));
	if (!info.uuid[0] || strncmp(info.uuid, "part", 4) == 0) {
		fprintf(stderr, "%s: %s; partition maps are made on maps with a uuid such as "
			"mpath-WWID\n", info.name, info.uuid[0] ? "is itself a partition map" :
			"has no dm uuid");
		return EXIT_DEVICE;
	}
	parent = (struct mp_partmap_parent){ .name = info.name, .uuid = info.uuid,
		.major = dev->major, .minor = dev->minor };
	if (o->verb != VERB_DELETE) {
		unsigned int all = 0, active = 0;

		r = count_paths(dm, makedev(dev->major, dev->minor), &all, &active);
		if (r < 0 && r != -EMEDIUMTYPE) {
			fprintf(stderr, "%s: cannot read the map's status: %s\n", info.name,
				strerror(-r));
			return EXIT_DEVICE;
		}
		if (r == 0 && active == 0) {
			fprintf(stderr, "%s: no active path (%u in the table); partition table not read\n",
				info.name, all);
			return EXIT_DEVICE;
		}
	}
	if (o->verb != VERB_DELETE) {
		rc = read_table(o, dev, info.name, &t);
		if (rc != EXIT_OK)
			goto out;
		if (mp_partmap_wanted(t, &parent, o->sep, &want, &n_want) < 0) {
			fprintf(stderr, "%s: partition map names or uuids too long\n", info.name);
			rc = EXIT_DEVICE;
			goto out;
		}
	}
	if (o->verb == VERB_LIST) {
		for (size_t i = 0; i < n_want; i++)
			printf("%s : 0 %" PRIu64 " linear %s\n", want[i].name, want[i].size,
			       want[i].params);
		goto out;
	}
	r = load_existing(dm, &parent, &have, &n_have);
	if (r == 0)
		r = mp_partmap_plan(want, n_want, have, n_have, o->verb != VERB_ADD, &plan, &n_plan);
	if (r < 0) {
		fprintf(stderr, "%s: cannot list partition maps: %s\n", info.name, strerror(-r));
		rc = EXIT_DEVICE;
		goto out;
	}
	for (size_t i = 0; i < n_plan; i++) {
		if (o->dry_run || (o->verbose && plan[i].op != MP_PARTMAP_KEEP))
			print_action(&plan[i]);
		if (!o->dry_run && apply(dm, info.name, &plan[i], info.read_only) < 0)
			rc = EXIT_MAPS;
	}
out:
	free(plan);
	free(have);
	free(want);
	mp_ptable_free(t);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct mp_kpdev dev;
	struct mp_dm *dm = NULL;
	int rc, r;

	if (parse_args(argc, argv, &o) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	r = mp_kpdev_open(o.device, o.image_block, &dev);
	if (r < 0) {
		fprintf(stderr, "%s: cannot open: %s\n", o.device, strerror(-r));
		return EXIT_DEVICE;
	}
	if (!dev.is_block) {
		rc = o.verb == VERB_LIST ? list_plain(&o, &dev) : EXIT_DEVICE;
		if (rc == EXIT_DEVICE && o.verb != VERB_LIST)
			fprintf(stderr, "%s: not a block device; only list reads images\n", o.device);
		goto out;
	}
	r = mp_dm_new(&(struct mp_dm_options){ .udev_sync = true, .log = dm_log, .log_max_level = 3 },
		      &dm);
	if (r < 0) {
		if (o.verb == VERB_LIST) {
			rc = list_plain(&o, &dev);
			goto out;
		}
		fprintf(stderr, "%s: device-mapper unavailable: %s\n", o.device, strerror(-r));
		rc = EXIT_DEVICE;
		goto out;
	}
	rc = run(&o, &dev, dm);
out:
	mp_dm_free(dm);
	mp_kpdev_close(&dev);
	return rc;
}
