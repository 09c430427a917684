/* The path model (mp/path.h): initialisation, ordering, the usability
 * rule grouping relies on, and the string tables for the path's enums.
 *
 * Owns nothing beyond the struct itself: every field is inline, so
 * mp_path_free() is a plain free and copies are plain assignments. Maps
 * refer to paths by pointer and never free them; whoever created a path
 * (the daemon's state module) frees it after removing it from its map. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp/path.h"
#include "util/macros.h"

void mp_path_init(struct mp_path *p)
{
	memset(p, 0, sizeof(*p));
	p->hbtl.host = p->hbtl.bus = p->hbtl.target = -1;
	p->hbtl.lun = -1;
	p->protocol = MP_PROTO_UNDEF;
	p->wwid_src = MP_WWID_SRC_NONE;
	p->tpg_id = -1;
	p->rel_port_id = -1;
	p->alua_state = MP_ALUA_UNKNOWN;
	p->prio = -1;
	p->state = MP_PATH_UNCHECKED;
	p->dm_state = MP_DM_PATH_ACTIVE;
}

int mp_path_new(struct mp_path **ret)
{
	struct mp_path *p;

	if (!ret)
		return -EINVAL;
	p = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	mp_path_init(p);
	*ret = p;
	return 0;
}

void mp_path_free(struct mp_path *p)
{
	free(p);
}

int mp_path_compare_devt(const struct mp_path *a, const struct mp_path *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	/* same dev_t (or both unknown): fall back to the name so the order
	 * stays total and deterministic */
	return strcmp(a->kname, b->kname);
}

bool mp_path_is_usable(const struct mp_path *p)
{
	switch (p->state) {
	case MP_PATH_UP:
	case MP_PATH_GHOST:
	case MP_PATH_UNCHECKED:
		return true;
	default:
		return false;
	}
}

const char *mp_path_label(const struct mp_path *p, char *buf, unsigned int len)
{
	if (!buf || len == 0)
		return "";
	snprintf(buf, len, "%s [%u:%u]", p->kname[0] ? p->kname : "?", p->major, p->minor);
	return buf;
}

static const char *const wwid_src_table[_MP_WWID_SRC_MAX] = {
	[MP_WWID_SRC_NONE] = "none",
	[MP_WWID_SRC_NAA] = "naa",
	[MP_WWID_SRC_EUI64] = "eui64",
	[MP_WWID_SRC_NAME] = "scsi_name",
	[MP_WWID_SRC_T10] = "t10",
	[MP_WWID_SRC_SERIAL] = "serial",
	[MP_WWID_SRC_SYSFS] = "sysfs",
};

const char *mp_wwid_source_to_string(enum mp_wwid_source v)
{
	if ((unsigned int)v >= ELEMENTSOF(wwid_src_table))
		return NULL;
	return wwid_src_table[v];
}

const char *mp_alua_state_to_string(enum mp_alua_state v)
{
	/* the sysfs access_state spellings */
	switch (v) {
	case MP_ALUA_OPTIMIZED: return "active/optimized";
	case MP_ALUA_NON_OPTIMIZED: return "active/non-optimized";
	case MP_ALUA_STANDBY: return "standby";
	case MP_ALUA_UNAVAILABLE: return "unavailable";
	case MP_ALUA_LBA_DEPENDENT: return "lba-dependent";
	case MP_ALUA_OFFLINE: return "offline";
	case MP_ALUA_TRANSITIONING: return "transitioning";
	case MP_ALUA_UNKNOWN: return "unknown";
	}
	return NULL;
}

static const char *const protocol_table[_MP_PROTO_MAX] = {
	[MP_PROTO_SCSI_FCP] = "scsi:fcp",
	[MP_PROTO_SCSI_SPI] = "scsi:spi",
	[MP_PROTO_SCSI_SSA] = "scsi:ssa",
	[MP_PROTO_SCSI_SBP] = "scsi:sbp",
	[MP_PROTO_SCSI_SRP] = "scsi:srp",
	[MP_PROTO_SCSI_ISCSI] = "scsi:iscsi",
	[MP_PROTO_SCSI_SAS] = "scsi:sas",
	[MP_PROTO_SCSI_ADT] = "scsi:adt",
	[MP_PROTO_SCSI_ATA] = "scsi:ata",
	[MP_PROTO_SCSI_UAS] = "scsi:uas",
	[MP_PROTO_SCSI_SOP] = "scsi:sop",
	[MP_PROTO_SCSI_PCIE] = "scsi:pcie",
	[MP_PROTO_SCSI_UNSPEC] = "scsi:unspec",
	[MP_PROTO_NVME] = "nvme",
	[MP_PROTO_CCW] = "ccw",
	[MP_PROTO_UNDEF] = "undef",
};

const char *mp_protocol_to_string(enum mp_protocol v)
{
	if ((unsigned int)v >= ELEMENTSOF(protocol_table))
		return NULL;
	return protocol_table[v];
}

int mp_protocol_from_string(const char *s, enum mp_protocol *ret)
{
	if (!s)
		return -EINVAL;
	for (unsigned int i = 0; i < ELEMENTSOF(protocol_table); i++)
		if (protocol_table[i] && strcmp(protocol_table[i], s) == 0) {
			*ret = (enum mp_protocol)i;
			return 0;
		}
	return -EINVAL;
}
