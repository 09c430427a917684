/* A SCSI path's identity and state as the kernel already knows them, read
 * from sysfs without sending a command.
 *
 * Every function takes the sysfs root ("/sys" in production, a fixture
 * tree under tests/fixtures/sysfs/ in tests) and a block device kernel
 * name ("sdc"). Attributes that are absent or unreadable leave their
 * field at "unknown"; only a missing device or an unreadable dev number
 * fail the call. All return 0 or a negative errno; ret_* is written only
 * on success. */
#ifndef MP_SYSFS_H
#define MP_SYSFS_H

#include <stddef.h>
#include <stdint.h>

#include "mp/path.h"

#define MP_SYSFS_MAX_HOLDERS	8
#define MP_SYSFS_VPD_MAX	1024
#define MP_SYSFS_ADDR_SIZE	64

/* The SCSI midlayer's device state (device/state), kernel spellings. */
enum mp_sdev_state {
	MP_SDEV_UNKNOWN,
	MP_SDEV_CREATED,
	MP_SDEV_RUNNING,
	MP_SDEV_CANCEL,
	MP_SDEV_DELETED,
	MP_SDEV_QUIESCE,
	MP_SDEV_OFFLINE,
	MP_SDEV_TRANSPORT_OFFLINE,
	MP_SDEV_BLOCKED,
	MP_SDEV_CREATED_BLOCKED,
	_MP_SDEV_STATE_MAX,
};

const char *mp_sdev_state_to_string(enum mp_sdev_state v);
int mp_sdev_state_from_string(const char *s, enum mp_sdev_state *ret);

/* What sysfs says about one path, beyond the model's struct mp_path. */
struct mp_sysfs_path {
	/* Identity, in the model's own form: kname, major/minor, hbtl,
	 * protocol, tgt_node_name, vendor/product/revision, wwid (from
	 * vpd_pg83 when the kernel has it, else the `wwid` attribute),
	 * serial (vpd_pg80), tpg_id/rel_port_id (vpd_pg83), alua_state and
	 * alua_pref (scsi_dh_alua's access_state/preferred_path). */
	struct mp_path path;

	enum mp_sdev_state sdev_state;
	uint64_t size_sectors;		/* 512-byte sectors, 0 if unknown */
	int queue_depth;		/* -1 if unknown */
	int timeout_s;			/* device/timeout, -1 if unknown */
	char kernel_wwid[MP_WWID_SIZE];	/* device/wwid as is, "" if absent */
	char dh_state[16];		/* "alua", "detached", "" */
	char sg_name[MP_KNAME_SIZE];	/* "sg2", "" when sg is not loaded */
	/* iSCSI: "192.0.2.2:3260"; FC: the remote port's WWPN; SAS: the
	 * end device's SAS address. "" otherwise. */
	char tgt_port[MP_SYSFS_ADDR_SIZE];
	unsigned int n_holders;		/* dm devices stacked on this path */
	char holders[MP_SYSFS_MAX_HOLDERS][MP_KNAME_SIZE];

	/* The raw pages, for callers that want more than the decode. */
	size_t vpd83_len;
	uint8_t vpd83[MP_SYSFS_VPD_MAX];
	size_t vpd80_len;
	uint8_t vpd80[256];
};

/* Reads everything above. -ENOENT when root/block/KNAME is missing,
 * -ENOTBLK when it is not a SCSI device (no device/scsi_device). */
int mp_sysfs_path_read(const char *root, const char *kname, struct mp_sysfs_path *ret);

/* Just the device state: what the checker reads before sending a TUR. */
int mp_sysfs_sdev_state(const char *root, const char *kname, enum mp_sdev_state *ret);

/* scsi_dh_alua's view of the port: access_state and preferred_path.
 * -ENODATA (or the read's errno) without the alua device handler. */
int mp_sysfs_alua_state(const char *root, const char *kname, enum mp_alua_state *ret,
			bool *ret_pref);

/* A device attribute kept open to be read again cheaply: ROOT/block/
 * KNAME/device/ATTR ("state", "access_state"). Opening walks the path (two
 * symlinks) once; each later read is one pread at offset 0, which sysfs
 * answers with the attribute's current value. The caller owns *ret_fd.
 * -errno of open (-ENOENT: no such device or attribute). */
int mp_sysfs_sdev_attr_open(const char *root, const char *kname, const char *attr, int *ret_fd);
/* The device state / scsi_dh_alua's access_state through such an fd:
 * 0, -errno of the read (-ENODEV once the device is gone: close the fd
 * and open again, or give up), -ENODATA when empty, -EBADMSG for a word
 * that is not a state. */
int mp_sysfs_sdev_state_fd(int fd, enum mp_sdev_state *ret);
int mp_sysfs_access_state_fd(int fd, enum mp_alua_state *ret);

/* The sg node of a block device: "sg2" for "sdc". -ENOENT when the sg
 * driver is not bound to it. */
int mp_sysfs_sg_name(const char *root, const char *kname, char *ret, size_t len);
/* ROOT/block/KNAME/stat, the block layer's counters (mp/shares.h):
 * 0, -errno, or -EBADMSG for a line that does not parse. */
struct mp_blkstat;
int mp_sysfs_block_stat(const char *root, const char *kname, struct mp_blkstat *ret);

/* The adapter as a table for the daemon's tests. */
struct mp_sysfs_ops {
	int (*path_read)(const char *root, const char *kname, struct mp_sysfs_path *ret);
	int (*sdev_state)(const char *root, const char *kname, enum mp_sdev_state *ret);
	int (*sg_name)(const char *root, const char *kname, char *ret, size_t len);
};

extern const struct mp_sysfs_ops mp_sysfs_kernel_ops;

#endif
