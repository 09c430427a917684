/* SCSI identity decoding: bytes in, identity out. Standard INQUIRY, VPD
 * pages 0x80 (unit serial number) and 0x83 (device identification), and
 * the REPORT TARGET PORT GROUPS response, plus the kernel's sysfs `wwid`
 * attribute. No I/O: the sys/ adapters fetch the bytes.
 *
 * Every decoder takes the buffer and the number of valid bytes in it,
 * never reads past either the buffer or the length the page claims, and
 * on failure returns -EINVAL (not this page, bad arguments) or -EBADMSG
 * (malformed, truncated or lying data) with a one-line reason written to
 * err (when err is not NULL). Outputs are written only on success.
 *
 * WWID strings follow udev's scsi_id / multipath-tools, so existing
 * /dev/disk/by-id names, bindings files and wwid blacklists carry over:
 *   NAA          "3" + lowercase hex           333333330000007d0
 *   EUI-64       "2" + lowercase hex
 *   SCSI name    "8" + the string              8iqn.2003-01.org...
 *   T10 vendor   "1" + vendor + id, whitespace runs squeezed to one '_',
 *                leading/trailing whitespace dropped
 *   VPD 0x80     "S" + vendor + product + serial, squeezed the same way */
#ifndef MP_VPD_H
#define MP_VPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp/path.h"

struct mp_inquiry {
	unsigned int qualifier;		/* peripheral qualifier, 0 = connected */
	unsigned int device_type;	/* 0x00 disk, 0x05 cd, 0x0c array ctrl... */
	unsigned int version;
	unsigned int tpgs;		/* 0..3 */
	char vendor[9], product[17], revision[5];	/* trimmed */
};

/* Standard INQUIRY data: at least 36 bytes. Control and non-ASCII bytes
 * in vendor/product/revision become '_' (they are descriptive, used only
 * for hardware-table matching and display); a NUL ends the field. */
int mp_inquiry_decode(const uint8_t *buf, size_t len, struct mp_inquiry *ret,
		      char *err, size_t errlen);

/* Total size (4-byte header + page length) the device says VPD page
 * `page` has, so the caller can re-read with a larger buffer. Needs only
 * the 4-byte header. -EINVAL if buf is another page. */
int mp_vpd_page_size(const uint8_t *buf, size_t len, uint8_t page, size_t *ret_size);

/* VPD 0x80: the serial with leading/trailing spaces and NUL padding
 * removed. Refuses non-printable bytes (a serial becomes part of device
 * identity and must be stable and safe to print) and empty serials. */
int mp_vpd80_decode(const uint8_t *buf, size_t len, char *ret_serial, size_t serial_size,
		    char *err, size_t errlen);

/* VPD 0x83, reduced to what multipathing uses. */
struct mp_vpd83 {
	char wwid[MP_WWID_SIZE];	/* best logical-unit designator, "" if none */
	enum mp_wwid_source wwid_src;
	int tpg_id;			/* designator type 5, -1 if absent */
	int rel_port_id;		/* designator type 4, -1 if absent */
	int protocol;			/* enum mp_protocol from a PIV designator, -1 if none */
	char tgt_node_name[MP_NAME_SIZE];	/* target-device name designator */
	unsigned int n_designators;	/* well-formed designators seen */
	unsigned int n_ignored;		/* well-framed but unusable ones */
	char ignored_reason[96];	/* why the first one was ignored */
};

/* Framing errors (page or designator length past the end) fail the whole
 * page with -EBADMSG. A designator that is framed correctly but unusable
 * (zero length, wrong size for its NAA type, non-printable text) is
 * skipped and counted in n_ignored, so one bad entry does not cost the
 * path its identity. A page with no usable logical-unit designator still
 * succeeds, with wwid "" and wwid_src MP_WWID_SRC_NONE. */
int mp_vpd83_decode(const uint8_t *buf, size_t len, struct mp_vpd83 *ret,
		    char *err, size_t errlen);

/* The kernel's /sys/block/sdX/device/wwid ("naa.6001405...",
 * "eui.0025...", "t10.ATA     QEMU HARDDISK...", or a SCSI name string as
 * is) to the WWID form above. Trailing newline/whitespace is ignored.
 * *ret_src (may be NULL) tells which designator type it was. */
int mp_wwid_from_sysfs(const char *attr, char *ret, size_t retlen,
		       enum mp_wwid_source *ret_src);

/* A WWID as an operator or a client types it, to the WWID form above:
 * the form itself ("3600140..." - hex forms "2..."/"3..." lowercased),
 * the sysfs form ("naa.6001405...", "eui.", "t10.", any case of the
 * prefix), or a dm uuid ("mpath-3600140..."). Surrounding whitespace is
 * ignored. 0, -EINVAL for anything that is not a valid WWID (empty, a
 * bad naa./eui. hex string, spaces, '/', '#'), -ENAMETOOLONG when it
 * does not fit retlen. */
int mp_wwid_from_user(const char *arg, char *ret, size_t retlen);

/* "S" + vendor(8, space padded) + product(16, space padded) + serial,
 * whitespace squeezed: udev's fallback ID_SERIAL when 0x83 is useless. */
int mp_wwid_from_serial(const char *vendor, const char *product, const char *serial,
			char *ret, size_t retlen);

/* Fills a path's identity from what was decoded. vpd83 and serial may be
 * NULL. The WWID is the 0x83 one, else the serial-based one; when neither
 * exists the path's wwid is left alone (the caller may have set it from
 * sysfs or udev) and -ENODATA is returned. */
int mp_path_apply_identity(struct mp_path *p, const struct mp_inquiry *inq,
			   const struct mp_vpd83 *vpd83, const char *serial);

/* REPORT TARGET PORT GROUPS (SPC-4 6.37), length-only or extended header. */
struct mp_rtpg_group {
	uint16_t tpg_id;
	enum mp_alua_state state;
	bool pref;
	uint8_t supported;		/* T_SUP..AO_SUP bits as on the wire */
	uint8_t status;			/* status code: 0, 1 set by STPG, 2 implicit */
	size_t n_ports;
	const uint16_t *ports;		/* relative target port ids */
};

struct mp_rtpg {
	bool extended;			/* extended header format */
	uint8_t transition_time;	/* seconds, extended format only */
	size_t n_groups;
	struct mp_rtpg_group *groups;
	uint16_t *port_store;		/* backing store for every group's ports */
};

/* Allocation length for a first RTPG: the 4-byte header plus 8 bytes a
 * group and 4 a port hold 42 groups of one port, far more than arrays
 * have. A reply's pages are resident in the caller's buffer (the sg
 * driver copies the whole transfer length back), so asking the SPC
 * maximum at every check would keep ~8 KiB a path for a 28-byte answer. */
#define MP_RTPG_ALLOC_FIRST	512

/* The reply's own length: 4 + RETURN DATA LENGTH in *ret_total, whatever
 * len holds; -EBADMSG when len < 4 (no header to read). */
int mp_rtpg_reply_len(const uint8_t *buf, size_t len, size_t *ret_total);

/* Whether an RTPG answer of len bytes to a request of asked bytes must be
 * asked again, and with what: 1 and *ret_alloc = the reply's whole length
 * when the allocation length cut it (the length exceeds both len and
 * asked) and it fits max; 0 when nothing is to be re-asked (complete, or
 * cut by something a longer request would not fix: decode refuses it);
 * -EMSGSIZE when the whole reply exceeds max; -EBADMSG without a header. */
int mp_rtpg_reask(const uint8_t *buf, size_t len, uint32_t asked, uint32_t max,
		  uint32_t *ret_alloc);

/* Decodes a response. A return data length beyond len is -EBADMSG (the
 * reason says how many bytes to re-read with; mp_rtpg_reask gives that
 * length as a number); descriptors running past the data are -EBADMSG.
 * *ret is freed with mp_rtpg_free(). */
int mp_rtpg_decode(const uint8_t *buf, size_t len, struct mp_rtpg **ret,
		   char *err, size_t errlen);
void mp_rtpg_free(struct mp_rtpg *r);

/* The group a path belongs to: by TPG id when tpg_id >= 0, else the group
 * listing rel_port_id. -ENOENT when none does. */
int mp_rtpg_find(const struct mp_rtpg *r, int tpg_id, int rel_port_id,
		 const struct mp_rtpg_group **ret);

#endif
