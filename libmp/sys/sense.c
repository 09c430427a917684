/* Checker verdicts from SCSI command outcomes (mp/sense.h).
 *
 * Owns the one table that says what a host byte, a SAM status or a sense
 * key/ASC/ASCQ means for a path's health. Sense bytes are parsed by
 * sg3_utils' libsgutils2 (sg_scsi_normalize_sense handles the fixed and
 * the descriptor formats), so this file only decides; it keeps no state,
 * allocates nothing and never logs.
 *
 * Order of precedence, most specific first:
 *   our own deadline -> host byte -> SAM status -> sense key/ASC/ASCQ.
 * The host byte goes first because when the transport failed the target's
 * status and sense are meaningless (usually zero). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <scsi/sg_lib.h>

#include "mp/sense.h"
#include "util/macros.h"

static const char *const check_result_table[_MP_CHECK_RESULT_MAX] = {
	[MP_CHECK_UP] = "up",
	[MP_CHECK_DOWN] = "down",
	[MP_CHECK_GHOST] = "ghost",
	[MP_CHECK_PENDING] = "pending",
	[MP_CHECK_RETRY] = "retry",
	[MP_CHECK_LUN_GONE] = "lun-gone",
	[MP_CHECK_TIMEOUT] = "timeout",
	[MP_CHECK_RESERVED] = "reserved",
};

const char *mp_check_result_to_string(enum mp_check_result v)
{
	if ((unsigned int)v >= ELEMENTSOF(check_result_table))
		return NULL;
	return check_result_table[v];
}

int mp_check_result_from_string(const char *s, enum mp_check_result *ret)
{
	if (!s)
		return -EINVAL;
	for (unsigned int i = 0; i < ELEMENTSOF(check_result_table); i++)
		if (strcmp(check_result_table[i], s) == 0) {
			*ret = (enum mp_check_result)i;
			return 0;
		}
	return -EINVAL;
}

static const char *const host_status_table[] = {
	[MP_DID_OK] = "DID_OK",
	[MP_DID_NO_CONNECT] = "DID_NO_CONNECT",
	[MP_DID_BUS_BUSY] = "DID_BUS_BUSY",
	[MP_DID_TIME_OUT] = "DID_TIME_OUT",
	[MP_DID_BAD_TARGET] = "DID_BAD_TARGET",
	[MP_DID_ABORT] = "DID_ABORT",
	[MP_DID_PARITY] = "DID_PARITY",
	[MP_DID_ERROR] = "DID_ERROR",
	[MP_DID_RESET] = "DID_RESET",
	[MP_DID_BAD_INTR] = "DID_BAD_INTR",
	[MP_DID_PASSTHROUGH] = "DID_PASSTHROUGH",
	[MP_DID_SOFT_ERROR] = "DID_SOFT_ERROR",
	[MP_DID_IMM_RETRY] = "DID_IMM_RETRY",
	[MP_DID_REQUEUE] = "DID_REQUEUE",
	[MP_DID_TRANSPORT_DISRUPTED] = "DID_TRANSPORT_DISRUPTED",
	[MP_DID_TRANSPORT_FAILFAST] = "DID_TRANSPORT_FAILFAST",
	[MP_DID_TARGET_FAILURE] = "DID_TARGET_FAILURE",
	[MP_DID_NEXUS_FAILURE] = "DID_NEXUS_FAILURE",
	[MP_DID_ALLOC_FAILURE] = "DID_ALLOC_FAILURE",
	[MP_DID_MEDIUM_ERROR] = "DID_MEDIUM_ERROR",
	[MP_DID_TRANSPORT_MARGINAL] = "DID_TRANSPORT_MARGINAL",
};

const char *mp_sense_host_status_to_string(uint16_t host_status)
{
	if (host_status >= ELEMENTSOF(host_status_table))
		return NULL;
	return host_status_table[host_status];
}

int mp_sense_decode(const uint8_t *buf, size_t len, struct mp_sense *ret)
{
	struct sg_scsi_sense_hdr h;

	if (!buf || len == 0)
		return -ENODATA;
	/* libsgutils2 takes an int length; sense never exceeds 252 bytes. */
	if (len > 255)
		len = 255;
	if (!sg_scsi_normalize_sense(buf, (int)len, &h))
		return -EINVAL;
	*ret = (struct mp_sense){
		.response_code = h.response_code,
		.key = h.sense_key,
		.asc = h.asc,
		.ascq = h.ascq,
		.descriptor = h.response_code >= 0x72,
		.deferred = h.response_code == 0x71 || h.response_code == 0x73,
	};
	return 0;
}

/* What the transport said. Returns -1 when the host byte leaves the
 * decision to the target's status. */
static int classify_host(uint16_t host)
{
	switch (host) {
	case MP_DID_OK:
		return -1;
	case MP_DID_TIME_OUT:
	case MP_DID_ABORT:	/* the midlayer aborted it: after a timeout */
		return MP_CHECK_TIMEOUT;
	/* Transient: the transport is recovering or the LLD asks for a
	 * resubmission. Failing the path for these causes flapping. */
	case MP_DID_BUS_BUSY:
	case MP_DID_RESET:
	case MP_DID_SOFT_ERROR:
	case MP_DID_IMM_RETRY:
	case MP_DID_REQUEUE:
	case MP_DID_TRANSPORT_DISRUPTED:
		return MP_CHECK_RETRY;
	/* No nexus (target or LUN unreachable), fast-io-fail fired, or a
	 * hard transport error: the path cannot carry I/O now. */
	default:
		return MP_CHECK_DOWN;
	}
}

static enum mp_check_result classify_not_ready(const struct mp_sense *s)
{
	if (s->asc != 0x04)
		return MP_CHECK_DOWN;	/* e.g. 3A medium not present */
	switch (s->ascq) {
	case 0x0a:			/* asymmetric access state transition */
		return MP_CHECK_PENDING;
	case 0x0b:			/* target port in standby state */
	case 0x0c:			/* target port in unavailable state */
		return MP_CHECK_GHOST;
	case 0x01:			/* becoming ready */
	case 0x07:			/* operation in progress */
	case 0x14:			/* space allocation in progress */
		return MP_CHECK_RETRY;
	default:			/* 04/00, 04/02 (start unit needed)... */
		return MP_CHECK_DOWN;
	}
}

static enum mp_check_result classify_sense(const struct mp_scsi_status *st)
{
	struct mp_sense s;

	if (mp_sense_decode(st->sense, st->sense_len, &s) < 0)
		return MP_CHECK_DOWN;	/* CHECK CONDITION without usable sense */
	/* A deferred error reports an earlier command; this one is unknown. */
	if (s.deferred)
		return MP_CHECK_RETRY;

	switch (s.key) {
	case MP_SK_NO_SENSE:
	case MP_SK_RECOVERED_ERROR:
		return MP_CHECK_UP;
	case MP_SK_NOT_READY:
		return classify_not_ready(&s);
	case MP_SK_UNIT_ATTENTION:
		/* Power on, ALUA change (2A/06), and REPORTED LUNS DATA HAS
		 * CHANGED (3F/0E), which the target queues for every LUN that
		 * is still there when another one goes: asking again tells,
		 * by 25/00 for a LUN that went. */
		return MP_CHECK_RETRY;
	case MP_SK_ILLEGAL_REQUEST:
		if (s.asc == 0x25 && s.ascq == 0x00)
			return MP_CHECK_LUN_GONE;	/* LU not supported */
		/* The LUN answered and refused this command (an optional
		 * command or page): the path itself works. */
		return MP_CHECK_UP;
	case MP_SK_MEDIUM_ERROR:
	case MP_SK_DATA_PROTECT:
		/* The medium has the problem; another path sees the same. */
		return MP_CHECK_UP;
	case MP_SK_ABORTED_COMMAND:
		return MP_CHECK_RETRY;
	default:			/* HARDWARE ERROR and the rest */
		return MP_CHECK_DOWN;
	}
}

enum mp_check_result mp_sense_classify(const struct mp_scsi_status *st)
{
	int host;

	if (st->timed_out)
		return MP_CHECK_TIMEOUT;
	host = classify_host(st->host_status);
	if (host >= 0)
		return (enum mp_check_result)host;
	if ((st->driver_status & 0x0f) == MP_DRIVER_TIMEOUT)
		return MP_CHECK_TIMEOUT;

	/* Bits 0 and 7 of the status byte are reserved (and were the old
	 * vendor/"masked" encodings); compare the SAM-5 value only. */
	switch (st->scsi_status & 0x7e) {
	case MP_SAM_GOOD:
	case MP_SAM_CONDITION_MET:
		/* Some drivers raise DRIVER_SENSE with GOOD status and an
		 * informational sense; GOOD wins. */
		return MP_CHECK_UP;
	case MP_SAM_CHECK_CONDITION:
		return classify_sense(st);
	case MP_SAM_BUSY:
	case MP_SAM_TASK_SET_FULL:
	case MP_SAM_ACA_ACTIVE:
	case MP_SAM_TASK_ABORTED:
		return MP_CHECK_RETRY;
	case MP_SAM_RESERVATION_CONFLICT:
		return MP_CHECK_RESERVED;
	default:
		return MP_CHECK_DOWN;
	}
}

enum mp_check_result mp_sense_classify_errno(int err)
{
	switch (err) {
	case 0:
		return MP_CHECK_UP;
	case -EAGAIN:		/* the sg queue (16 per fd) is full */
	case -EDOM:
	case -ENOMEM:
	case -EBUSY:
	case -EINTR:
		return MP_CHECK_RETRY;
	case -ETIMEDOUT:
		return MP_CHECK_TIMEOUT;
	default:		/* -ENODEV (detached), -ENXIO (offline), -EIO */
		return MP_CHECK_DOWN;
	}
}

enum mp_check_result mp_sense_classify_dio(int64_t res, uint32_t len, enum mp_alua_state alua)
{
	if (res >= 0)
		return (uint64_t)res == len ? MP_CHECK_UP : MP_CHECK_DOWN;	/* short: past the end? */
	if (res == -EIO) {
		switch (alua) {
		case MP_ALUA_STANDBY:
		case MP_ALUA_UNAVAILABLE:
			return MP_CHECK_GHOST;
		case MP_ALUA_TRANSITIONING:
			return MP_CHECK_PENDING;
		default:
			break;
		}
	}
	switch (res) {
	case -ECANCELED:		/* only after our own deadline passed */
		return MP_CHECK_TIMEOUT;
	case -EAGAIN:
	case -ENOMEM:
	case -EBUSY:
	case -EINTR:
		return MP_CHECK_RETRY;
	case -ETIMEDOUT:		/* BLK_STS_TIMEOUT */
		return MP_CHECK_TIMEOUT;
	default:			/* -EIO, -ENOLINK (transport), -ENODEV, -ENXIO */
		return MP_CHECK_DOWN;
	}
}

bool mp_sense_alua_changed(const struct mp_scsi_status *st)
{
	struct mp_sense s;

	if ((st->scsi_status & 0x7e) != MP_SAM_CHECK_CONDITION ||
	    mp_sense_decode(st->sense, st->sense_len, &s) < 0)
		return false;
	if (s.key == MP_SK_UNIT_ATTENTION && s.asc == 0x2a && (s.ascq == 0x06 || s.ascq == 0x07))
		return true;	/* asymmetric access state changed / implicit transition failed */
	return s.key == MP_SK_NOT_READY && s.asc == 0x04 && s.ascq == 0x0a;
}

bool mp_sense_inquiry_lun_absent(const uint8_t *inq, size_t len)
{
	/* Byte 0 bits 7..5: peripheral qualifier; 3 = "not capable of
	 * supporting a device on this LUN" (SPC-4 6.4.2). */
	return len >= 1 && (inq[0] >> 5) == 3;
}

const char *mp_sense_describe(const struct mp_scsi_status *st, char *buf, size_t len)
{
	struct mp_sense s;
	char key[48], what[96];
	const char *host;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (st->timed_out) {
		snprintf(buf, len, "no completion before the deadline");
		return buf;
	}
	if (st->host_status != MP_DID_OK) {
		host = mp_sense_host_status_to_string(st->host_status);
		if (host)
			snprintf(buf, len, "host %s", host);
		else
			snprintf(buf, len, "host status 0x%02x", st->host_status);
		return buf;
	}
	switch (st->scsi_status & 0x7e) {
	case MP_SAM_GOOD:
		snprintf(buf, len, "GOOD");
		break;
	case MP_SAM_CHECK_CONDITION:
		if (mp_sense_decode(st->sense, st->sense_len, &s) < 0) {
			snprintf(buf, len, "CHECK CONDITION, no sense data");
			break;
		}
		sg_get_sense_key_str(s.key, sizeof(key), key);
		sg_get_asc_ascq_str(s.asc, s.ascq, sizeof(what), what);
		snprintf(buf, len, "CHECK CONDITION, %s: %s (%02x/%02x)%s", key, what,
			 s.asc, s.ascq, s.deferred ? " [deferred]" : "");
		break;
	case MP_SAM_BUSY:
		snprintf(buf, len, "BUSY");
		break;
	case MP_SAM_RESERVATION_CONFLICT:
		snprintf(buf, len, "RESERVATION CONFLICT");
		break;
	case MP_SAM_TASK_SET_FULL:
		snprintf(buf, len, "TASK SET FULL");
		break;
	default:
		snprintf(buf, len, "SCSI status 0x%02x", st->scsi_status);
		break;
	}
	return buf;
}
