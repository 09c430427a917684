/* Outcome of one SCSI command, and the path checker's verdict on it.
 *
 * The sg adapter fills a struct mp_scsi_status from the sg_io_hdr the
 * kernel hands back (SCSI status byte, the SCSI midlayer's host byte, the
 * sg driver byte, and the sense bytes); mp_sense_classify() turns that into
 * one enum mp_check_result, which the policy code maps onto path states.
 * The sense decoding goes through sg3_utils' libsgutils2, so both fixed
 * (0x70/0x71) and descriptor (0x72/0x73) formats are understood.
 *
 * Nothing here allocates or logs; all functions are safe on any input. */
#ifndef MP_SENSE_H
#define MP_SENSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp/path.h"

/* The checker's verdict on one command (TUR, INQUIRY, RTPG...).
 *
 *   verdict            typical cause                         suggested path state
 *   UP                 GOOD, or sense that only informs      MP_PATH_UP
 *   DOWN               host byte says no nexus, hard errors  MP_PATH_DOWN
 *   GHOST              NOT READY 04/0B, 04/0C (ALUA          MP_PATH_GHOST
 *                      standby / unavailable)
 *   PENDING            NOT READY 04/0A (ALUA transitioning)  MP_PATH_PENDING
 *   RETRY              UNIT ATTENTION, BUSY, TASK SET FULL,  ask again soon, keep
 *                      DID_REQUEUE, DID_TRANSPORT_DISRUPTED  the previous state
 *   LUN_GONE           ILLEGAL REQUEST 25/00, peripheral     MP_PATH_DOWN, purged
 *                      qualifier 3 (UA 3F/0E is RETRY: the
 *                      target sends it to the LUNs that stay)
 *   TIMEOUT            the kernel's timeout fired, or the    MP_PATH_DOWN
 *                      caller's own deadline passed
 *   RESERVED           RESERVATION CONFLICT: the path works  MP_PATH_UP (prio may
 *                      but another initiator holds the LUN    drop); not a failure
 */
enum mp_check_result {
	MP_CHECK_UP,
	MP_CHECK_DOWN,
	MP_CHECK_GHOST,
	MP_CHECK_PENDING,
	MP_CHECK_RETRY,
	MP_CHECK_LUN_GONE,
	MP_CHECK_TIMEOUT,
	MP_CHECK_RESERVED,
	_MP_CHECK_RESULT_MAX,
};

const char *mp_check_result_to_string(enum mp_check_result v);
int mp_check_result_from_string(const char *s, enum mp_check_result *ret);

/* SAM status byte values (SAM-5 table 43). */
#define MP_SAM_GOOD			0x00
#define MP_SAM_CHECK_CONDITION		0x02
#define MP_SAM_CONDITION_MET		0x04
#define MP_SAM_BUSY			0x08
#define MP_SAM_RESERVATION_CONFLICT	0x18
#define MP_SAM_TASK_SET_FULL		0x28
#define MP_SAM_ACA_ACTIVE		0x30
#define MP_SAM_TASK_ABORTED		0x40

/* The Linux SCSI midlayer's host byte (DID_*), as the sg driver reports it
 * in sg_io_hdr.host_status. Values are the kernel's ABI. */
#define MP_DID_OK			0x00
#define MP_DID_NO_CONNECT		0x01
#define MP_DID_BUS_BUSY			0x02
#define MP_DID_TIME_OUT			0x03
#define MP_DID_BAD_TARGET		0x04
#define MP_DID_ABORT			0x05
#define MP_DID_PARITY			0x06
#define MP_DID_ERROR			0x07
#define MP_DID_RESET			0x08
#define MP_DID_BAD_INTR			0x09
#define MP_DID_PASSTHROUGH		0x0a
#define MP_DID_SOFT_ERROR		0x0b
#define MP_DID_IMM_RETRY		0x0c
#define MP_DID_REQUEUE			0x0d
#define MP_DID_TRANSPORT_DISRUPTED	0x0e
#define MP_DID_TRANSPORT_FAILFAST	0x0f
#define MP_DID_TARGET_FAILURE		0x10
#define MP_DID_NEXUS_FAILURE		0x11
#define MP_DID_ALLOC_FAILURE		0x12
#define MP_DID_MEDIUM_ERROR		0x13
#define MP_DID_TRANSPORT_MARGINAL	0x14

/* The sg driver byte (sg_io_hdr.driver_status, low nibble). Since Linux
 * 5.14 only DRIVER_SENSE is still set by the kernel; DRIVER_TIMEOUT is kept
 * for older kernels. */
#define MP_DRIVER_OK			0x00
#define MP_DRIVER_BUSY			0x01
#define MP_DRIVER_SOFT			0x02
#define MP_DRIVER_MEDIA			0x03
#define MP_DRIVER_ERROR			0x04
#define MP_DRIVER_INVALID		0x05
#define MP_DRIVER_TIMEOUT		0x06
#define MP_DRIVER_HARD			0x07
#define MP_DRIVER_SENSE			0x08

/* Sense keys (SPC-4 table 54) the classifier looks at. */
#define MP_SK_NO_SENSE			0x0
#define MP_SK_RECOVERED_ERROR		0x1
#define MP_SK_NOT_READY			0x2
#define MP_SK_MEDIUM_ERROR		0x3
#define MP_SK_HARDWARE_ERROR		0x4
#define MP_SK_ILLEGAL_REQUEST		0x5
#define MP_SK_UNIT_ATTENTION		0x6
#define MP_SK_DATA_PROTECT		0x7
#define MP_SK_ABORTED_COMMAND		0xb

#define MP_SENSE_MAX			64

/* Everything the kernel says about how one command ended. */
struct mp_scsi_status {
	uint8_t scsi_status;		/* SAM status byte (MP_SAM_*) */
	uint16_t host_status;		/* MP_DID_* */
	uint16_t driver_status;		/* MP_DRIVER_* */
	uint8_t sense_len;		/* valid bytes in sense[] */
	uint8_t sense[MP_SENSE_MAX];
	bool timed_out;			/* the caller's own deadline passed */
};

/* Key, code and qualifier out of a sense buffer of either format. */
struct mp_sense {
	uint8_t response_code;		/* 0x70..0x73 */
	uint8_t key;
	uint8_t asc;
	uint8_t ascq;
	bool descriptor;		/* 0x72/0x73 */
	bool deferred;			/* 0x71/0x73: about an earlier command */
};

/* Decodes sense bytes. 0 and *ret on success; -ENODATA when the buffer is
 * empty, -EINVAL when it is not sense data. */
int mp_sense_decode(const uint8_t *buf, size_t len, struct mp_sense *ret);

/* The verdict on one finished command. Never fails: unknown combinations
 * are DOWN, since a path we cannot understand must not carry I/O. */
enum mp_check_result mp_sense_classify(const struct mp_scsi_status *st);

/* The verdict for a command the kernel would not even accept (a negative
 * errno from submitting it): -ENODEV/-ENXIO mean the device is gone or
 * offline, -EAGAIN/-EDOM that the sg queue is full. */
enum mp_check_result mp_sense_classify_errno(int err);

/* The verdict on an O_DIRECT read (the directio checker): res is what
 * the read returned (bytes, or a negative errno), len what was asked.
 * The block layer has already reduced the sense data to an errno, so the
 * port's ALUA state (scsi_dh_alua's access_state, MP_ALUA_UNKNOWN when
 * there is none) tells a standby or transitioning port, whose reads
 * scsi_dh_alua rejects with -EIO, from a dead one: GHOST and PENDING. */
enum mp_check_result mp_sense_classify_dio(int64_t res, uint32_t len, enum mp_alua_state alua);

/* The command ended with sense saying the LUN's asymmetric access state
 * changed or is changing (UNIT ATTENTION 2A/06, 2A/07; NOT READY 04/0A):
 * the path's priority should be asked again (RTPG) now, not at the next
 * refresh. */
bool mp_sense_alua_changed(const struct mp_scsi_status *st);

/* INQUIRY data: peripheral qualifier 3 means no logical unit is there. */
bool mp_sense_inquiry_lun_absent(const uint8_t *inq, size_t len);

/* One line for logs, e.g. "CHECK CONDITION, Not Ready: asymmetric access
 * state transition (04/0a)" or "host DID_NO_CONNECT". Always NUL-terminates
 * buf (len > 0) and returns it. */
const char *mp_sense_describe(const struct mp_scsi_status *st, char *buf, size_t len);

/* "DID_NO_CONNECT" etc., NULL for an unknown value. */
const char *mp_sense_host_status_to_string(uint16_t host_status);

#endif
