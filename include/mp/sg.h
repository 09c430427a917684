/* Asynchronous SCSI commands through the Linux sg driver, for path checkers
 * and identity probes run from one event loop without threads.
 *
 * A struct mp_sg is one open /dev/sgN. Commands are submitted without
 * blocking; the kernel runs each with its own timeout. The handle's fd
 * becomes readable (POLLIN / EPOLLIN) when a command has finished; the
 * caller then calls mp_sg_reap() until it returns 0. Each command carries
 * a caller-chosen 64-bit tag (a generation-stamped path id, say) that comes
 * back with its result, so the loop never hands the kernel a pointer.
 *
 * Up to MP_SG_MAX_INFLIGHT commands may be outstanding per handle (the sg
 * driver's own limit is 16 per fd).
 *
 * Timeouts and cancellation: the kernel's timeout (timeout_ms) makes the
 * SCSI midlayer abort a command that the LLD accepted; it comes back as
 * MP_CHECK_TIMEOUT. A command the midlayer never dispatches (device
 * blocked by the transport) does not time out until the transport gives
 * up, so the caller keeps its own deadline as well. There is no way to
 * cancel one command: when the caller's deadline passes it reports TIMEOUT
 * itself and, if it wants the slot back, frees the handle; the kernel then
 * drops the command's reply when it finishes (sg's keep_orphan is off).
 *
 * Buffers: each slot owns its data buffer, sized to the largest data_len
 * submitted through it (the kernel copies the whole transfer length back,
 * so ask what the answer needs, not MP_SG_MAX_DATA); a reaped result's
 * data pointer stays valid until the next submit on, or free of, the same
 * handle (a submit may replace a slot's buffer with a larger one).
 *
 * All functions return 0 (or a count) or a negative errno. */
#ifndef MP_SG_H
#define MP_SG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp/sense.h"

#define MP_SG_MAX_INFLIGHT	16
#define MP_SG_MAX_DATA		8192	/* largest data-in transfer we ask for */
#define MP_SG_CDB_MAX		16

enum mp_sg_op {
	MP_SG_OP_TUR,
	MP_SG_OP_INQUIRY,	/* standard INQUIRY data */
	MP_SG_OP_INQUIRY_VPD,	/* one VPD page (0x00, 0x80, 0x83...) */
	MP_SG_OP_RTPG,		/* REPORT TARGET PORT GROUPS */
	MP_SG_OP_RAW,		/* caller-built data-in or no-data CDB */
	_MP_SG_OP_MAX,
};

const char *mp_sg_op_to_string(enum mp_sg_op v);

/* One command to send. Build it with the mp_sg_cmd_* helpers or by hand
 * (op MP_SG_OP_RAW). data_len 0 means no data phase. */
struct mp_sg_cmd {
	enum mp_sg_op op;
	uint8_t cdb[MP_SG_CDB_MAX];
	uint8_t cdb_len;
	uint32_t data_len;		/* data-in bytes to allocate, <= MP_SG_MAX_DATA */
	uint32_t timeout_ms;		/* the kernel's timeout for this command */
};

void mp_sg_cmd_tur(struct mp_sg_cmd *c, uint32_t timeout_ms);
/* Standard INQUIRY, alloc_len bytes (96 is plenty, 255 the old maximum). */
void mp_sg_cmd_inquiry(struct mp_sg_cmd *c, uint16_t alloc_len, uint32_t timeout_ms);
/* INQUIRY with EVPD=1 for one page. */
void mp_sg_cmd_inquiry_vpd(struct mp_sg_cmd *c, uint8_t page, uint16_t alloc_len,
			   uint32_t timeout_ms);
/* MAINTENANCE IN (0xA3) / REPORT TARGET PORT GROUPS (0x0A); extended asks
 * for the extended header format (PARAMETER DATA FORMAT 001b). */
void mp_sg_cmd_rtpg(struct mp_sg_cmd *c, uint32_t alloc_len, bool extended,
		    uint32_t timeout_ms);

/* How one command ended. */
struct mp_sg_result {
	uint64_t tag;
	enum mp_sg_op op;
	enum mp_check_result verdict;	/* mp_sense_classify(&status) */
	struct mp_scsi_status status;
	const uint8_t *data;		/* data-in bytes; see "Buffers" above */
	uint32_t data_len;		/* bytes the device returned */
	uint32_t duration_ms;		/* as the kernel measured it */
};

struct mp_sg;

/* Opens a /dev/sgN node (O_RDWR | O_NONBLOCK | O_CLOEXEC) and checks it is
 * an sg v3 device. -ENOTTY for a node that is not sg. */
int mp_sg_open(const char *devnode, struct mp_sg **ret);
/* Closes; outstanding commands are orphaned (the kernel drops them).
 * Accepts NULL. */
void mp_sg_free(struct mp_sg *sg);
/* For the caller's epoll set: readable when a result is waiting. */
int mp_sg_fd(const struct mp_sg *sg);
unsigned int mp_sg_inflight(const struct mp_sg *sg);

/* Queues one command. -EBUSY when all slots are taken, -EINVAL for a bad
 * command, otherwise what the kernel said (-ENODEV device detached,
 * -ENXIO offline, -EAGAIN, -EDOM: sg queue full); mp_sense_classify_errno()
 * turns those into verdicts. */
int mp_sg_submit(struct mp_sg *sg, const struct mp_sg_cmd *cmd, uint64_t tag);

/* Collects one finished command: 1 and *ret when one was waiting, 0 when
 * none is (poll again), negative errno on failure. */
int mp_sg_reap(struct mp_sg *sg, struct mp_sg_result *ret);

/* Blocking convenience for tools: one command through the SG_IO ioctl on
 * any SCSI node (/dev/sgN or /dev/sdX), data copied to buf (at most
 * buf_len bytes). Returns 0 and the result (whose data points into buf). */
int mp_sg_run(const char *devnode, const struct mp_sg_cmd *cmd, void *buf,
	      uint32_t buf_len, struct mp_sg_result *ret);

/* The adapter as a table, so the daemon's tests can put a fake in its
 * place. mp_sg_kernel_ops calls the functions above. */
struct mp_sg_ops {
	int (*open)(const char *devnode, struct mp_sg **ret);
	void (*free)(struct mp_sg *sg);
	int (*fd)(const struct mp_sg *sg);
	int (*submit)(struct mp_sg *sg, const struct mp_sg_cmd *cmd, uint64_t tag);
	int (*reap)(struct mp_sg *sg, struct mp_sg_result *ret);
};

extern const struct mp_sg_ops mp_sg_kernel_ops;

#endif
