/* `mpctl claim DEV`: does DEV belong to a multipath map, now or soon?
 * The udev rules call it as IMPORT{program} with --udev before any other
 * storage rule, and before the daemon runs (initramfs included), so it
 * reads only files and sysfs: the config (blacklist, find_multipaths), the
 * wwids file and the device's sysfs identity. The decision itself is
 * libmp/core/claim.c's.
 *
 * --udev prints KEY=VALUE lines and always exits 0 (udev drops the import
 * of a failing program): DM_MULTIPATH_DEVICE_PATH=1|0, MP_CLAIM=yes|no|maybe,
 * MP_CLAIM_REASON, MP_WWID, and for maybe MP_CLAIM_DEADLINE (CLOCK_MONOTONIC
 * microseconds) with MP_CLAIM_TIMEOUT (seconds left). It reads the previous
 * event's MP_CLAIM and MP_CLAIM_DEADLINE from the environment, where the
 * rules put them with IMPORT{db}. Without --udev it prints one line and
 * exits 0 when DEV is claimed (yes or maybe), 1 when not. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mp/atomic-file.h"
#include "mp/claim.h"
#include "mp/config.h"
#include "mp/naming.h"
#include "mp/sysfs.h"
#include "mpctl.h"

#define DEFAULT_CONFIG "/etc/multipath.conf"

struct claim_opts {
	const char *config;
	const char *wwids;	/* NULL: the config's wwids_file */
	const char *sysfs;
	const char *dev;
	unsigned int timeout_s;
	bool udev;
};

static void claim_usage(FILE *f)
{
	fprintf(f,
		"usage: mpctl claim [--udev] [--config FILE] [--wwids FILE] [--sysfs ROOT]\n"
		"                   [--timeout SECS] DEV\n"
		"\n"
		"Decides whether the block device DEV (sdc or /dev/sdc) is a path of a\n"
		"multipath map, now or soon, from the config, the wwids file and sysfs.\n"
		"Exit status: 0 claimed (yes or maybe), 1 not claimed or error, 2 usage.\n"
		"\n"
		"  --udev            print KEY=VALUE lines for udev's IMPORT{program}; exit 0\n"
		"  --config FILE     default " DEFAULT_CONFIG " (missing: built-in defaults)\n"
		"  --wwids FILE      default: the config's wwids_file\n"
		"  --sysfs ROOT      default /sys\n"
		"  --timeout SECS    find_multipaths smart hold-back (default: the config's\n"
		"                    find_multipaths_timeout, -%d: %d s for known arrays, 1 s else)\n"
		"  -h, --help        show this help\n",
		MP_CLAIM_SMART_TIMEOUT_S, MP_CLAIM_SMART_TIMEOUT_S);
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int parse_opts(int argc, char **argv, struct claim_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			claim_usage(stdout);
			exit(MPCTL_EXIT_OK);
		} else if (!strcmp(a, "--udev")) {
			o->udev = true;
		} else if (v && !strcmp(a, "--config")) {
			o->config = v, i++;
		} else if (v && !strcmp(a, "--wwids")) {
			o->wwids = v, i++;
		} else if (v && !strcmp(a, "--sysfs")) {
			o->sysfs = v, i++;
		} else if (v && !strcmp(a, "--timeout")) {
			long t;

			if (mpctl_parse_count(v, 1, 3600, &t) < 0)
				return -EINVAL;
			o->timeout_s = (unsigned int)t, i++;
		} else if (a[0] == '-' || o->dev) {
			return -EINVAL;
		} else {
			o->dev = a;
		}
	}
	if (!o->dev)
		return -EINVAL;
	if (!strncmp(o->dev, "/dev/", 5))
		o->dev += 5;
	if (!*o->dev || strchr(o->dev, '/'))
		return -EINVAL;
	return 0;
}

/* The wwids table, or NULL when the file is missing or unusable (then
 * nothing is known to be in it, which errs towards not claiming). */
static struct mp_wwids *load_wwids(const char *path)
{
	struct mp_wwids *w = NULL;
	char *buf = NULL;
	size_t len = 0;

	if (mp_atomic_file_read(path, MP_NAMING_FILE_MAX, &buf, &len) == 0)
		mp_wwids_parse(buf, len, NULL, &w);
	free(buf);
	return w;
}

static void print_udev(const char *wwid, const struct mp_claim_result *res, uint64_t now)
{
	printf("DM_MULTIPATH_DEVICE_PATH=%d\n", res->verdict != MP_CLAIM_NO);
	printf("MP_CLAIM=%s\n", mp_claim_to_string(res->verdict));
	printf("MP_CLAIM_REASON=%s\n", mp_claim_reason_to_string(res->reason));
	if (wwid && *wwid)
		printf("MP_WWID=%s\n", wwid);
	if (res->verdict == MP_CLAIM_MAYBE) {
		printf("MP_CLAIM_DEADLINE=%" PRIu64 "\n", res->deadline_us);
		printf("MP_CLAIM_TIMEOUT=%" PRIu64 "\n", (res->deadline_us - now + 999999u) / 1000000u);
	}
}

/* Errors in --udev mode: leave the device alone, and say why. */
static int udev_error(const char *reason)
{
	printf("DM_MULTIPATH_DEVICE_PATH=0\nMP_CLAIM=no\nMP_CLAIM_REASON=%s\n", reason);
	return MPCTL_EXIT_OK;
}

int mpctl_cmd_claim(int argc, char **argv)
{
	struct claim_opts o = { .config = DEFAULT_CONFIG, .sysfs = "/sys" };
	struct mp_claim_input in = { 0 };
	struct mp_claim_result res;
	struct mp_sysfs_path *sp = NULL;
	struct mp_config *cfg = NULL;
	struct mp_wwids *wwids = NULL;
	struct mp_settings defs;
	char reason[256];
	const char *env;
	int r, rc = MPCTL_EXIT_FAIL;

	if (parse_opts(argc, argv, &o) < 0) {
		claim_usage(stderr);
		return MPCTL_EXIT_USAGE;
	}
	r = mp_config_load(o.config, true, false, NULL, &cfg);
	if (r < 0) {
		fprintf(stderr, "mpctl claim: %s: configuration has errors (see mpctl config check)\n",
			o.config);
		rc = o.udev ? udev_error("config-error") : MPCTL_EXIT_FAIL;
		goto out;
	}
	mp_config_defaults(cfg, &defs);
	wwids = load_wwids(o.wwids ? o.wwids : defs.wwids_file);

	sp = malloc(sizeof(*sp));
	if (!sp) {
		rc = o.udev ? udev_error("no-memory") : MPCTL_EXIT_FAIL;
		goto out;
	}
	if (o.udev) {
		env = getenv("MP_CLAIM");
		in.was_claimed = env && !strcmp(env, "yes");
		env = getenv("MP_CLAIM_DEADLINE");
		in.deadline_us = env ? strtoull(env, NULL, 10) : 0;
	}
	in.now_us = now_us();
	in.timeout_s = o.timeout_s;
	r = mp_claim_probe(o.sysfs, o.dev, cfg, wwids, &in, sp, reason, sizeof(reason));
	if (r < 0) {
		if (!o.udev)
			fprintf(stderr, "mpctl claim: %s: %s\n", o.dev,
				r == -ENOTBLK ? "not a SCSI device" : strerror(-r));
		rc = o.udev ? udev_error(r == -ENOTBLK ? "not-scsi" : "no-device") : MPCTL_EXIT_FAIL;
		goto out;
	}
	mp_claim_decide(&in, &res);
	if (o.udev) {
		print_udev(sp->path.wwid, &res, in.now_us);
		rc = MPCTL_EXIT_OK;
		goto out;
	}
	printf("%s: %s (%s) wwid %s find_multipaths %s%s%s\n", o.dev, mp_claim_to_string(res.verdict),
	       mp_claim_reason_to_string(res.reason), sp->path.wwid[0] ? sp->path.wwid : "-",
	       mp_find_multipaths_to_string(in.find_multipaths), reason[0] ? ": " : "", reason);
	rc = res.verdict == MP_CLAIM_NO ? MPCTL_EXIT_FAIL : MPCTL_EXIT_OK;
out:
	free(sp);
	mp_wwids_free(wwids);
	mp_config_free(cfg);
	return rc;
}
