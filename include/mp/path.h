/* The path model: one SCSI (or NVMe) device node through which a LUN is
 * reached. It holds identity (what the device is) and decided state (what
 * the daemon concluded about it) and nothing else: checker timers,
 * retry counters and other runtime bookkeeping live in the daemon's own
 * per-path record, which points at one of these.
 *
 * Strings are fixed-size, NUL-terminated arrays so a path can be copied,
 * compared and put on the stack without ownership questions; "" means
 * unknown. Numeric identity fields use -1 for unknown. */
#ifndef MP_PATH_H
#define MP_PATH_H

#include <stdbool.h>
#include <stdint.h>

#include "mp/types.h"

#define MP_WWID_SIZE	256	/* "8" + a 255-byte SCSI name string + NUL */
#define MP_SERIAL_SIZE	256
#define MP_NAME_SIZE	256	/* target node names: iSCSI IQNs go to 223 */
#define MP_KNAME_SIZE	32

/* Where a path's WWID came from, best first. */
enum mp_wwid_source {
	MP_WWID_SRC_NONE,
	MP_WWID_SRC_NAA,	/* VPD 0x83 NAA designator, "3" + hex */
	MP_WWID_SRC_EUI64,	/* VPD 0x83 EUI-64, "2" + hex */
	MP_WWID_SRC_NAME,	/* VPD 0x83 SCSI name string, "8" + text */
	MP_WWID_SRC_T10,	/* VPD 0x83 T10 vendor id, "1" + text */
	MP_WWID_SRC_SERIAL,	/* VPD 0x80, "S" + vendor + product + serial */
	MP_WWID_SRC_SYSFS,	/* the kernel's device/wwid attribute */
	_MP_WWID_SRC_MAX,
};

/* SPC-4 asymmetric access states, valued as on the wire. */
enum mp_alua_state {
	MP_ALUA_OPTIMIZED = 0x0,
	MP_ALUA_NON_OPTIMIZED = 0x1,
	MP_ALUA_STANDBY = 0x2,
	MP_ALUA_UNAVAILABLE = 0x3,
	MP_ALUA_LBA_DEPENDENT = 0x4,
	MP_ALUA_OFFLINE = 0xe,
	MP_ALUA_TRANSITIONING = 0xf,
	MP_ALUA_UNKNOWN = 0x10,	/* not an ALUA device, or not asked yet */
};

/* Transport. The SCSI values are SPC-4 protocol identifiers, so a VPD
 * designator's PROTOCOL IDENTIFIER field converts by a cast. */
enum mp_protocol {
	MP_PROTO_SCSI_FCP = 0x0,
	MP_PROTO_SCSI_SPI = 0x1,
	MP_PROTO_SCSI_SSA = 0x2,
	MP_PROTO_SCSI_SBP = 0x3,
	MP_PROTO_SCSI_SRP = 0x4,
	MP_PROTO_SCSI_ISCSI = 0x5,
	MP_PROTO_SCSI_SAS = 0x6,
	MP_PROTO_SCSI_ADT = 0x7,
	MP_PROTO_SCSI_ATA = 0x8,
	MP_PROTO_SCSI_UAS = 0x9,
	MP_PROTO_SCSI_SOP = 0xa,
	MP_PROTO_SCSI_PCIE = 0xb,
	MP_PROTO_SCSI_UNSPEC = 0xf,
	MP_PROTO_NVME = 0x10,
	MP_PROTO_CCW,
	MP_PROTO_UNDEF,		/* nothing known yet */
	_MP_PROTO_MAX,
};

struct mp_hbtl {
	int host, bus, target;	/* -1 when unknown */
	int64_t lun;
};

struct mp_path {
	/* where it is */
	char kname[MP_KNAME_SIZE];	/* "sdc" */
	uint32_t major, minor;		/* dev_t, 0:0 when unknown */
	struct mp_hbtl hbtl;
	enum mp_protocol protocol;
	char tgt_node_name[MP_NAME_SIZE];	/* FC WWNN "0x..." or iSCSI IQN */

	/* what it is */
	char wwid[MP_WWID_SIZE];
	enum mp_wwid_source wwid_src;
	char vendor[9], product[17], revision[5];	/* INQUIRY, trimmed */
	char serial[MP_SERIAL_SIZE];	/* VPD 0x80, trimmed */
	unsigned int tpgs;		/* INQUIRY TPGS: 0 none, 1 implicit, 2 explicit, 3 both */
	int tpg_id;			/* target port group, -1 unknown */
	int rel_port_id;		/* relative target port, -1 unknown */

	/* what we decided */
	enum mp_alua_state alua_state;
	bool alua_pref;			/* the array's preferred port bit */
	int prio;			/* -1 until a prioritizer ran */
	enum mp_path_state state;
	enum mp_dm_path_state dm_state;
};

/* Fills *p with "unknown" everywhere (not all-zero: 0 is a valid id). */
void mp_path_init(struct mp_path *p);
int mp_path_new(struct mp_path **ret);
void mp_path_free(struct mp_path *p);

/* Orders by dev_t (major, then minor); usable with qsort on mp_path *. */
int mp_path_compare_devt(const struct mp_path *a, const struct mp_path *b);

/* A path counts towards its group's priority and is worth sending I/O to
 * unless the checker found it down or shaky. Unchecked paths count: at
 * map creation nothing has been checked yet and ordering must still follow
 * the prioritizer. */
bool mp_path_is_usable(const struct mp_path *p);

/* "sdc [8:32]" style label for log lines; writes at most len bytes. */
const char *mp_path_label(const struct mp_path *p, char *buf, unsigned int len);

const char *mp_wwid_source_to_string(enum mp_wwid_source v);
const char *mp_alua_state_to_string(enum mp_alua_state v);
/* "scsi:fcp", "scsi:iscsi", "scsi:unspec", "nvme", "ccw", "undef". */
const char *mp_protocol_to_string(enum mp_protocol v);
int mp_protocol_from_string(const char *s, enum mp_protocol *ret);

#endif
