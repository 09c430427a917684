/* The sysfs adapter (mp/sysfs.h): a SCSI path's identity and state read
 * from /sys/block/KNAME and the device directory it links to.
 *
 * Owns nothing beyond the call: every function fills a caller-provided
 * struct, using only stack buffers and fds closed before returning. The
 * sysfs root is a parameter, so tests run against fixture trees with the
 * same layout (relative symlinks and all) as the kernel's.
 *
 * Byte decoding (INQUIRY strings aside, which sysfs gives as text) goes
 * through the model's decoders in mp/vpd.h; this file only finds and
 * reads attributes. A missing or unreadable attribute means "unknown",
 * because sysfs varies by kernel version, transport and loaded modules
 * (access_state reads EINVAL without a device handler, for one). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mp/shares.h"
#include "mp/sysfs.h"
#include "mp/vpd.h"
#include "sysfs-attr.h"
#include "util/macros.h"

static const char *const sdev_state_table[_MP_SDEV_STATE_MAX] = {
	[MP_SDEV_UNKNOWN] = "unknown",
	[MP_SDEV_CREATED] = "created",
	[MP_SDEV_RUNNING] = "running",
	[MP_SDEV_CANCEL] = "cancel",
	[MP_SDEV_DELETED] = "deleted",
	[MP_SDEV_QUIESCE] = "quiesce",
	[MP_SDEV_OFFLINE] = "offline",
	[MP_SDEV_TRANSPORT_OFFLINE] = "transport-offline",
	[MP_SDEV_BLOCKED] = "blocked",
	[MP_SDEV_CREATED_BLOCKED] = "created-blocked",
};

const char *mp_sdev_state_to_string(enum mp_sdev_state v)
{
	if ((unsigned int)v >= ELEMENTSOF(sdev_state_table))
		return NULL;
	return sdev_state_table[v];
}

int mp_sdev_state_from_string(const char *s, enum mp_sdev_state *ret)
{
	if (!s)
		return -EINVAL;
	for (unsigned int i = 0; i < ELEMENTSOF(sdev_state_table); i++)
		if (strcmp(sdev_state_table[i], s) == 0) {
			*ret = (enum mp_sdev_state)i;
			return 0;
		}
	return -EINVAL;
}

/* ---- small readers -------------------------------------------------------- */

/* Text attribute at DIR/NAME into a fixed field; "" when unreadable. */
static int attr_text(const char *dir, const char *name, char *buf, size_t len)
{
	char p[PATH_MAX];
	int r;

	if (mp_sysfs_fmt(p, sizeof(p), "%s/%s", dir, name) < 0)
		return -ENAMETOOLONG;
	r = mp_sysfs_read_text(p, buf, len);
	if (r < 0 && len)
		buf[0] = '\0';
	return r;
}

static int attr_long(const char *dir, const char *name, long long *ret)
{
	char p[PATH_MAX];

	if (mp_sysfs_fmt(p, sizeof(p), "%s/%s", dir, name) < 0)
		return -ENAMETOOLONG;
	return mp_sysfs_read_ll(p, ret);
}

/* First directory entry of DIR, skipping dot entries. */
static int first_entry(const char *dir, char *ret, size_t len)
{
	struct dirent *de;
	DIR *d;
	int r = -ENOENT;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			r = mp_sysfs_fmt(ret, len, "%s", de->d_name);
			break;
		}
	closedir(d);
	return r;
}

/* ---- pieces of the identity ---------------------------------------------- */

static void read_holders(const char *blk, struct mp_sysfs_path *sp)
{
	char p[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (mp_sysfs_fmt(p, sizeof(p), "%s/holders", blk) < 0)
		return;
	d = opendir(p);
	if (!d)
		return;
	while ((de = readdir(d)) && sp->n_holders < MP_SYSFS_MAX_HOLDERS) {
		if (de->d_name[0] == '.')
			continue;
		mp_sysfs_fmt(sp->holders[sp->n_holders++], MP_KNAME_SIZE, "%s", de->d_name);
	}
	closedir(d);
}

static enum mp_alua_state alua_from_access_state(const char *s)
{
	static const struct {
		const char *word;
		enum mp_alua_state state;
	} map[] = {
		/* scsi_dh_alua's spellings (drivers/scsi/scsi_sysfs.c) */
		{ "active/optimized", MP_ALUA_OPTIMIZED },
		{ "active/non-optimized", MP_ALUA_NON_OPTIMIZED },
		{ "standby", MP_ALUA_STANDBY },
		{ "unavailable", MP_ALUA_UNAVAILABLE },
		{ "lba-dependent", MP_ALUA_LBA_DEPENDENT },
		{ "offline", MP_ALUA_OFFLINE },
		{ "transitioning", MP_ALUA_TRANSITIONING },
	};

	for (unsigned int i = 0; i < ELEMENTSOF(map); i++)
		if (strcmp(map[i].word, s) == 0)
			return map[i].state;
	return MP_ALUA_UNKNOWN;
}

static int find_connection(const char *sess, char *ret, size_t len)
{
	struct dirent *de;
	DIR *d;
	int r = -ENOENT;

	d = opendir(sess);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, "connection", 10) == 0) {
			r = mp_sysfs_fmt(ret, len, "%s", de->d_name);
			break;
		}
	closedir(d);
	return r;
}

/* iSCSI: the session's target name and the connection's portal. */
static void read_iscsi(const char *sess, struct mp_sysfs_path *sp)
{
	char p[PATH_MAX], conn[128], addr[48], port[8];

	if (mp_sysfs_fmt(p, sizeof(p), "%s/iscsi_session/%s", sess, mp_sysfs_basename(sess)) == 0)
		attr_text(p, "targetname", sp->path.tgt_node_name, sizeof(sp->path.tgt_node_name));
	if (find_connection(sess, conn, sizeof(conn)) < 0)
		return;
	if (mp_sysfs_fmt(p, sizeof(p), "%s/%s/iscsi_connection/%s", sess, conn, conn) < 0 ||
	    attr_text(p, "persistent_address", addr, sizeof(addr)) <= 0)
		return;
	if (attr_text(p, "persistent_port", port, sizeof(port)) > 0)
		mp_sysfs_fmt(sp->tgt_port, sizeof(sp->tgt_port), "%s:%s", addr, port);
	else
		mp_sysfs_fmt(sp->tgt_port, sizeof(sp->tgt_port), "%s", addr);
}

/* Which transport carries the path, from the device's place in the tree. */
static void read_transport(const char *devpath, struct mp_sysfs_path *sp)
{
	char dir[PATH_MAX], p[PATH_MAX];

	if (mp_sysfs_component_dir(devpath, "session", dir, sizeof(dir)) == 0) {
		sp->path.protocol = MP_PROTO_SCSI_ISCSI;
		read_iscsi(dir, sp);
	} else if (mp_sysfs_component_dir(devpath, "rport-", dir, sizeof(dir)) == 0) {
		sp->path.protocol = MP_PROTO_SCSI_FCP;
		if (mp_sysfs_fmt(p, sizeof(p), "%s/fc_remote_ports/%s", dir, mp_sysfs_basename(dir)) < 0)
			return;
		attr_text(p, "node_name", sp->path.tgt_node_name, sizeof(sp->path.tgt_node_name));
		attr_text(p, "port_name", sp->tgt_port, sizeof(sp->tgt_port));
	} else if (mp_sysfs_component_dir(devpath, "end_device-", dir, sizeof(dir)) == 0) {
		sp->path.protocol = MP_PROTO_SCSI_SAS;
		if (mp_sysfs_fmt(p, sizeof(p), "%s/sas_device/%s", dir, mp_sysfs_basename(dir)) < 0)
			return;
		attr_text(p, "sas_address", sp->tgt_port, sizeof(sp->tgt_port));
	} else {
		/* virtio-scsi, scsi_debug, and anything without a transport
		 * class: multipath-tools calls these "unspec" too. */
		sp->path.protocol = MP_PROTO_SCSI_UNSPEC;
	}
}

/* TPGS from the standard INQUIRY the kernel keeps: detect_prio needs it to
 * pick alua. Without it every path of an ALUA array had the const prio, and
 * failover grouping could put a standby port first, where every I/O fails.
 * With no readable inquiry, a device handler reporting an access state
 * means ALUA all the same. */
static void read_tpgs(const char *dev, struct mp_path *pp)
{
	uint8_t buf[96];
	struct mp_inquiry inq;
	char p[PATH_MAX];
	ssize_t n;

	n = mp_sysfs_fmt(p, sizeof(p), "%s/inquiry", dev) < 0 ? -1 : mp_sysfs_read_file(p, buf, sizeof(buf));
	if (n > 0 && mp_inquiry_decode(buf, (size_t)n, &inq, NULL, 0) == 0)
		pp->tpgs = inq.tpgs;
	else if (pp->alua_state != MP_ALUA_UNKNOWN)
		pp->tpgs = 1;
}

/* VPD pages the kernel cached at scan time, decoded by mp/vpd.h. */
static void read_vpd(const char *dev, struct mp_sysfs_path *sp)
{
	char p[PATH_MAX];
	struct mp_vpd83 v83;
	ssize_t n;

	n = mp_sysfs_fmt(p, sizeof(p), "%s/vpd_pg83", dev) < 0 ? -1 : mp_sysfs_read_file(p, sp->vpd83, sizeof(sp->vpd83));
	if (n > 0) {
		sp->vpd83_len = (size_t)n;
		if (mp_vpd83_decode(sp->vpd83, sp->vpd83_len, &v83, NULL, 0) == 0) {
			if (v83.wwid[0]) {
				mp_sysfs_fmt(sp->path.wwid, sizeof(sp->path.wwid), "%s", v83.wwid);
				sp->path.wwid_src = v83.wwid_src;
			}
			sp->path.tpg_id = v83.tpg_id;
			sp->path.rel_port_id = v83.rel_port_id;
			if (!sp->path.tgt_node_name[0] && v83.tgt_node_name[0])
				mp_sysfs_fmt(sp->path.tgt_node_name, sizeof(sp->path.tgt_node_name),
					 "%s", v83.tgt_node_name);
		}
	}
	n = mp_sysfs_fmt(p, sizeof(p), "%s/vpd_pg80", dev) < 0 ? -1 : mp_sysfs_read_file(p, sp->vpd80, sizeof(sp->vpd80));
	if (n > 0) {
		sp->vpd80_len = (size_t)n;
		mp_vpd80_decode(sp->vpd80, sp->vpd80_len, sp->path.serial,
				sizeof(sp->path.serial), NULL, 0);
	}
}

/* The WWID when 0x83 had none: the kernel's attribute, then the serial. */
static void fallback_wwid(struct mp_sysfs_path *sp)
{
	struct mp_path *pp = &sp->path;
	enum mp_wwid_source src;

	if (pp->wwid[0])
		return;
	if (sp->kernel_wwid[0] &&
	    mp_wwid_from_sysfs(sp->kernel_wwid, pp->wwid, sizeof(pp->wwid), &src) == 0) {
		pp->wwid_src = src;
		return;
	}
	if (pp->serial[0] &&
	    mp_wwid_from_serial(pp->vendor, pp->product, pp->serial, pp->wwid,
				sizeof(pp->wwid)) == 0)
		pp->wwid_src = MP_WWID_SRC_SERIAL;
}

static void read_device_attrs(const char *dev, struct mp_sysfs_path *sp)
{
	struct mp_path *pp = &sp->path;
	char buf[64];
	long long v;

	attr_text(dev, "vendor", pp->vendor, sizeof(pp->vendor));
	attr_text(dev, "model", pp->product, sizeof(pp->product));
	attr_text(dev, "rev", pp->revision, sizeof(pp->revision));
	attr_text(dev, "wwid", sp->kernel_wwid, sizeof(sp->kernel_wwid));
	if (attr_text(dev, "state", buf, sizeof(buf)) > 0)
		mp_sdev_state_from_string(buf, &sp->sdev_state);
	if (attr_long(dev, "queue_depth", &v) == 0 && v >= 0 && v <= INT_MAX)
		sp->queue_depth = (int)v;
	if (attr_long(dev, "timeout", &v) == 0 && v >= 0 && v <= INT_MAX)
		sp->timeout_s = (int)v;
	attr_text(dev, "dh_state", sp->dh_state, sizeof(sp->dh_state));
	if (attr_text(dev, "access_state", buf, sizeof(buf)) > 0)
		pp->alua_state = alua_from_access_state(buf);
	if (attr_long(dev, "preferred_path", &v) == 0)
		pp->alua_pref = v != 0;
	read_tpgs(dev, pp);
}

static int parse_hbtl(const char *name, struct mp_hbtl *ret)
{
	int h, b, t, n = 0;
	int64_t l;

	if (sscanf(name, "%d:%d:%d:%" SCNd64 "%n", &h, &b, &t, &l, &n) != 4 || name[n])
		return -EINVAL;
	*ret = (struct mp_hbtl){ .host = h, .bus = b, .target = t, .lun = l };
	return 0;
}

int mp_sysfs_path_read(const char *root, const char *kname, struct mp_sysfs_path *ret)
{
	char blk[PATH_MAX], link[PATH_MAX], dev[PATH_MAX], buf[64];
	struct mp_sysfs_path *sp;
	unsigned int maj, min;
	long long v;
	int r;

	if (!kname[0] || strchr(kname, '/'))
		return -EINVAL;
	if (mp_sysfs_fmt(blk, sizeof(blk), "%s/block/%s", root, kname) < 0)
		return -ENAMETOOLONG;
	if (access(blk, F_OK) < 0)
		return -errno;
	if (mp_sysfs_fmt(link, sizeof(link), "%s/device", blk) < 0)
		return -ENAMETOOLONG;
	if (!realpath(link, dev))
		return errno == ENOENT ? -ENOTBLK : -errno;
	if (mp_sysfs_fmt(link, sizeof(link), "%s/scsi_device", dev) < 0 || access(link, F_OK) < 0)
		return -ENOTBLK;

	/* Built off to the side: ret is written only on success. */
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return -ENOMEM;
	mp_path_init(&sp->path);
	sp->queue_depth = -1;
	sp->timeout_s = -1;
	mp_sysfs_fmt(sp->path.kname, sizeof(sp->path.kname), "%s", kname);

	/* a failed read says why (EMFILE, ENOENT...): only an empty or
	 * malformed attribute is "no data" */
	r = attr_text(blk, "dev", buf, sizeof(buf));
	if (r <= 0 || sscanf(buf, "%u:%u", &maj, &min) != 2) {
		r = r < 0 ? r : -ENODATA;
		goto out;
	}
	sp->path.major = maj;
	sp->path.minor = min;
	if (attr_long(blk, "size", &v) == 0 && v >= 0)
		sp->size_sectors = (uint64_t)v;
	parse_hbtl(mp_sysfs_basename(dev), &sp->path.hbtl);
	read_device_attrs(dev, sp);
	read_transport(dev, sp);
	read_vpd(dev, sp);
	fallback_wwid(sp);
	if (mp_sysfs_fmt(link, sizeof(link), "%s/scsi_generic", dev) == 0)
		first_entry(link, sp->sg_name, sizeof(sp->sg_name));
	read_holders(blk, sp);

	*ret = *sp;
	r = 0;
out:
	free(sp);
	return r;
}

/* device/state's word: -EBADMSG for one the kernel has not taught us. */
static int sdev_state_parse(const char *buf, enum mp_sdev_state *ret)
{
	enum mp_sdev_state s;

	if (mp_sdev_state_from_string(buf, &s) < 0)
		return -EBADMSG;
	*ret = s;
	return 0;
}

int mp_sysfs_sdev_state(const char *root, const char *kname, enum mp_sdev_state *ret)
{
	char p[PATH_MAX], buf[32];
	int r;

	if (mp_sysfs_fmt(p, sizeof(p), "%s/block/%s/device/state", root, kname) < 0)
		return -ENAMETOOLONG;
	r = mp_sysfs_read_text(p, buf, sizeof(buf));
	if (r < 0)
		return r;
	return sdev_state_parse(buf, ret);
}

int mp_sysfs_alua_state(const char *root, const char *kname, enum mp_alua_state *ret,
			bool *ret_pref)
{
	char p[PATH_MAX], buf[32];
	long long v;
	int r;

	if (mp_sysfs_fmt(p, sizeof(p), "%s/block/%s/device", root, kname) < 0)
		return -ENAMETOOLONG;
	r = attr_text(p, "access_state", buf, sizeof(buf));
	if (r <= 0)
		return r < 0 ? r : -ENODATA;
	*ret = alua_from_access_state(buf);
	*ret_pref = attr_long(p, "preferred_path", &v) == 0 && v != 0;
	return 0;
}

int mp_sysfs_sdev_attr_open(const char *root, const char *kname, const char *attr, int *ret_fd)
{
	char p[PATH_MAX];
	int fd;

	if (!root || !kname || !attr || !ret_fd)
		return -EINVAL;
	if (mp_sysfs_fmt(p, sizeof(p), "%s/block/%s/device/%s", root, kname, attr) < 0)
		return -ENAMETOOLONG;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

/* One pread from offset 0: sysfs renders the attribute afresh on each
 * read at 0, and its text (a word) comes whole in one call. */
static int fd_word(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return n > 0 ? 0 : -ENODATA;
}

int mp_sysfs_sdev_state_fd(int fd, enum mp_sdev_state *ret)
{
	char buf[32];
	int r;

	if (fd < 0 || !ret)
		return -EINVAL;
	r = fd_word(fd, buf, sizeof(buf));
	if (r < 0)
		return r;
	return sdev_state_parse(buf, ret);
}

int mp_sysfs_access_state_fd(int fd, enum mp_alua_state *ret)
{
	char buf[32];
	int r;

	if (fd < 0 || !ret)
		return -EINVAL;
	r = fd_word(fd, buf, sizeof(buf));
	if (r < 0)
		return r;
	*ret = alua_from_access_state(buf);
	return *ret == MP_ALUA_UNKNOWN ? -EBADMSG : 0;
}

int mp_sysfs_sg_name(const char *root, const char *kname, char *ret, size_t len)
{
	char p[PATH_MAX], name[MP_KNAME_SIZE];
	int r;

	if (mp_sysfs_fmt(p, sizeof(p), "%s/block/%s/device/scsi_generic", root, kname) < 0)
		return -ENAMETOOLONG;
	r = first_entry(p, name, sizeof(name));
	if (r < 0)
		return r;
	return mp_sysfs_fmt(ret, len, "%s", name);
}

const struct mp_sysfs_ops mp_sysfs_kernel_ops = {
	.path_read = mp_sysfs_path_read,
	.sdev_state = mp_sysfs_sdev_state,
	.sg_name = mp_sysfs_sg_name,
};

int mp_sysfs_block_stat(const char *root, const char *kname, struct mp_blkstat *ret)
{
	char p[PATH_MAX], buf[512];
	int r;

	if (mp_sysfs_fmt(p, sizeof(p), "%s/block/%s/stat", root, kname) < 0)
		return -ENAMETOOLONG;
	r = mp_sysfs_read_text(p, buf, sizeof(buf));
	if (r < 0)
		return r;
	return mp_blkstat_parse(buf, ret) < 0 ? -EBADMSG : 0;
}
