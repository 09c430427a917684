/* Gathers the facts mp_claim_decide() needs about one block device from
 * sysfs and an already loaded config and wwids table: nothing here sends a
 * SCSI command or waits for udev, so `mpctl claim` can run as an early
 * udev IMPORT{program} before the daemon exists (initramfs included).
 *
 * Cost: one mp_sysfs_path_read() for the device, one per other sd/nvme
 * device when the WWID is neither mapped nor in the wwids file (the search
 * for a second path), and one dm/uuid read per dm device. Everything read
 * lives on the stack or in the caller's buffers; nothing is kept. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mp/claim.h"
#include "mp/config.h"
#include "mp/naming.h"
#include "mp/sysfs.h"

/* Reads root/block/KNAME/dm/uuid into buf ("" when not a dm device). */
static void read_dm_uuid(const char *root, const char *kname, char *buf, size_t len)
{
	char p[512];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(p, sizeof(p), "%s/block/%s/dm/uuid", root, kname);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static bool is_map_of(const char *uuid, const char *wwid)
{
	return !strncmp(uuid, "mpath-", 6) && !strcmp(uuid + 6, wwid);
}

static bool is_path_name(const char *n)
{
	return !strncmp(n, "sd", 2) || !strncmp(n, "nvme", 4) || !strncmp(n, "dasd", 4);
}

static enum mp_blacklist_verdict check_blacklist(const struct mp_config *cfg,
						 const struct mp_sysfs_path *sp,
						 char *reason, size_t reasonlen)
{
	const struct mp_path *p = &sp->path;
	const struct mp_blacklist_input bl = {
		.devnode = p->kname,
		.wwid = p->wwid[0] ? p->wwid : NULL,
		.vendor = p->vendor[0] ? p->vendor : NULL,
		.product = p->product[0] ? p->product : NULL,
		.protocol = mp_protocol_to_string(p->protocol),
	};

	return mp_blacklist_check(mp_config_blacklist(cfg), &bl, reason, reasonlen);
}

/* Walks root/block once for maps of the WWID and for other paths to it. */
static void scan_block(const char *root, const char *self, const struct mp_config *cfg,
		       struct mp_claim_input *in, const char *wwid, bool want_other)
{
	struct mp_sysfs_path *other = NULL;
	char p[512], uuid[160];
	struct dirent *de;
	DIR *dir;

	snprintf(p, sizeof(p), "%s/block", root);
	dir = opendir(p);
	if (!dir)
		return;
	if (want_other)
		other = malloc(sizeof(*other));
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, self))
			continue;
		if (!strncmp(de->d_name, "dm-", 3)) {
			read_dm_uuid(root, de->d_name, uuid, sizeof(uuid));
			if (is_map_of(uuid, wwid))
				in->map_exists = true;
		} else if (other && !in->other_path && is_path_name(de->d_name) &&
			   mp_sysfs_path_read(root, de->d_name, other) == 0 &&
			   !strcmp(other->path.wwid, wwid) &&
			   check_blacklist(cfg, other, NULL, 0) != MP_BL_EXCLUDED) {
			in->other_path = true;
		}
	}
	closedir(dir);
	free(other);
}

int mp_claim_probe(const char *root, const char *kname, const struct mp_config *cfg,
		   const struct mp_wwids *wwids, struct mp_claim_input *ret_in,
		   struct mp_sysfs_path *sp, char *reason, size_t reasonlen)
{
	struct mp_claim_input in = *ret_in;
	const struct mp_path *p = &sp->path;
	struct mp_settings set;
	char uuid[160];
	int r;

	r = mp_sysfs_path_read(root, kname, sp);
	if (r < 0)
		return r;
	if (reason && reasonlen)
		reason[0] = '\0';

	in.has_wwid = p->wwid[0] != '\0';
	in.holder = MP_CLAIM_HOLDER_NONE;
	for (unsigned int i = 0; i < sp->n_holders; i++) {
		read_dm_uuid(root, sp->holders[i], uuid, sizeof(uuid));
		if (in.has_wwid && is_map_of(uuid, p->wwid)) {
			in.holder = MP_CLAIM_HOLDER_MPATH;
			break;
		}
		in.holder = MP_CLAIM_HOLDER_OTHER;
	}

	in.blacklist = check_blacklist(cfg, sp, reason, reasonlen);
	{
		const struct mp_device_ident id = {
			.vendor = p->vendor[0] ? p->vendor : NULL,
			.product = p->product[0] ? p->product : NULL,
			.revision = p->revision[0] ? p->revision : NULL,
			.wwid = p->wwid[0] ? p->wwid : NULL,
			.protocol = mp_protocol_to_string(p->protocol),
		};

		mp_config_resolve(cfg, &id, &set);
	}
	in.find_multipaths = set.find_multipaths;
	if (!in.timeout_s) {
		bool known = false;

		for (unsigned int i = 0; i < _MP_SET_MAX; i++)
			known |= set.origin[i] == MP_ORIGIN_HWTABLE || set.origin[i] == MP_ORIGIN_DEVICES;
		in.timeout_s = mp_claim_smart_timeout(set.find_multipaths_timeout, known);
	}
	in.in_wwids = in.has_wwid && wwids && mp_wwids_contains(wwids, p->wwid);
	in.map_exists = false;
	in.other_path = false;
	if (in.has_wwid && in.holder == MP_CLAIM_HOLDER_NONE && in.blacklist != MP_BL_EXCLUDED)
		scan_block(root, kname, cfg, &in, p->wwid, !in.in_wwids);
	*ret_in = in;
	return 0;
}
