/* The sg driver adapter (mp/sg.h): SCSI commands submitted with write() on
 * /dev/sgN and collected with read() when the fd polls readable, plus a
 * blocking SG_IO wrapper for tools.
 *
 * Ownership: a struct mp_sg owns its fd and MP_SG_MAX_INFLIGHT slots; each
 * slot owns a sense buffer and a data buffer sized to the largest data_len
 * submitted through it so far (allocated on first use, replaced by a larger
 * one when a longer request comes, kept until mp_sg_free). Sized to the
 * request, not to MP_SG_MAX_DATA: the sg driver copies the whole transfer
 * length back into it, so every byte asked becomes resident, and a daemon
 * keeps one handle a path. The kernel writes into a buffer only when the
 * caller read()s the reply, so a slot is only reused (or its buffer
 * replaced) after its reply was read; a result's data pointer therefore
 * stays valid until the next submit on the handle or its free.
 *
 * The sg_io_hdr carries the slot index in pack_id; the 64-bit tag stays in
 * the slot, so nothing the kernel echoes back is ever dereferenced without
 * a range check. Invariant: inflight == number of slots with busy set. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <scsi/sg.h>

#include "mp/sg.h"
#include "util/macros.h"

/* sg v3 (sg_io_hdr) arrived with 3.0.0; every kernel since 2.4 has it. */
#define SG_V3_VERSION	30000

struct sg_slot {
	bool busy;
	enum mp_sg_op op;
	uint64_t tag;
	uint32_t data_len;
	uint32_t data_cap;		/* bytes allocated at data */
	uint8_t *data;
	uint8_t sense[MP_SENSE_MAX];
};

struct mp_sg {
	int fd;
	unsigned int inflight;
	struct sg_slot slot[MP_SG_MAX_INFLIGHT];
};

static const char *const op_table[_MP_SG_OP_MAX] = {
	[MP_SG_OP_TUR] = "tur",
	[MP_SG_OP_INQUIRY] = "inquiry",
	[MP_SG_OP_INQUIRY_VPD] = "inquiry-vpd",
	[MP_SG_OP_RTPG] = "rtpg",
	[MP_SG_OP_RAW] = "raw",
};

const char *mp_sg_op_to_string(enum mp_sg_op v)
{
	if ((unsigned int)v >= ELEMENTSOF(op_table))
		return NULL;
	return op_table[v];
}

/* ---- CDBs (SPC-4) ------------------------------------------------------ */

void mp_sg_cmd_tur(struct mp_sg_cmd *c, uint32_t timeout_ms)
{
	/* TEST UNIT READY: opcode 0x00, six bytes, all else zero. */
	*c = (struct mp_sg_cmd){ .op = MP_SG_OP_TUR, .cdb_len = 6, .timeout_ms = timeout_ms };
}

void mp_sg_cmd_inquiry(struct mp_sg_cmd *c, uint16_t alloc_len, uint32_t timeout_ms)
{
	*c = (struct mp_sg_cmd){
		.op = MP_SG_OP_INQUIRY,
		.cdb = { 0x12, 0, 0, (uint8_t)(alloc_len >> 8), (uint8_t)alloc_len, 0 },
		.cdb_len = 6,
		.data_len = alloc_len,
		.timeout_ms = timeout_ms,
	};
}

void mp_sg_cmd_inquiry_vpd(struct mp_sg_cmd *c, uint8_t page, uint16_t alloc_len,
			   uint32_t timeout_ms)
{
	*c = (struct mp_sg_cmd){
		.op = MP_SG_OP_INQUIRY_VPD,
		.cdb = { 0x12, 0x01, page, (uint8_t)(alloc_len >> 8), (uint8_t)alloc_len, 0 },
		.cdb_len = 6,
		.data_len = alloc_len,
		.timeout_ms = timeout_ms,
	};
}

void mp_sg_cmd_rtpg(struct mp_sg_cmd *c, uint32_t alloc_len, bool extended,
		    uint32_t timeout_ms)
{
	/* MAINTENANCE IN, service action 0x0A in bits 4..0 of byte 1,
	 * PARAMETER DATA FORMAT in bits 7..5, allocation length in 6..9. */
	*c = (struct mp_sg_cmd){
		.op = MP_SG_OP_RTPG,
		.cdb = { 0xa3, (uint8_t)(0x0a | (extended ? 0x20 : 0)), 0, 0, 0, 0,
			 (uint8_t)(alloc_len >> 24), (uint8_t)(alloc_len >> 16),
			 (uint8_t)(alloc_len >> 8), (uint8_t)alloc_len, 0, 0 },
		.cdb_len = 12,
		.data_len = alloc_len,
		.timeout_ms = timeout_ms,
	};
}

/* ---- the async handle ---------------------------------------------------- */

int mp_sg_open(const char *devnode, struct mp_sg **ret)
{
	struct mp_sg *sg;
	int fd, version = 0, r;

	fd = open(devnode, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SG_GET_VERSION_NUM, &version) < 0 || version < SG_V3_VERSION) {
		r = -ENOTTY;
		goto out_close;
	}
	sg = calloc(1, sizeof(*sg));
	if (!sg) {
		r = -ENOMEM;
		goto out_close;
	}
	sg->fd = fd;
	*ret = sg;
	return 0;

out_close:
	close(fd);
	return r;
}

void mp_sg_free(struct mp_sg *sg)
{
	if (!sg)
		return;
	/* Closing first: the kernel must not write into buffers we free. It
	 * only copies data out during read(), so after close() nothing
	 * touches them. */
	close(sg->fd);
	for (unsigned int i = 0; i < ELEMENTSOF(sg->slot); i++)
		free(sg->slot[i].data);
	free(sg);
}

int mp_sg_fd(const struct mp_sg *sg)
{
	return sg->fd;
}

unsigned int mp_sg_inflight(const struct mp_sg *sg)
{
	return sg->inflight;
}

static int check_cmd(const struct mp_sg_cmd *cmd)
{
	if (cmd->cdb_len < 6 || cmd->cdb_len > MP_SG_CDB_MAX)
		return -EINVAL;
	if (cmd->data_len > MP_SG_MAX_DATA)
		return -EINVAL;
	if ((unsigned int)cmd->op >= _MP_SG_OP_MAX)
		return -EINVAL;
	return 0;
}

static void fill_hdr(struct sg_io_hdr *h, const struct mp_sg_cmd *cmd, void *data,
		     uint8_t *sense)
{
	*h = (struct sg_io_hdr){
		.interface_id = 'S',
		.dxfer_direction = cmd->data_len ? SG_DXFER_FROM_DEV : SG_DXFER_NONE,
		.cmd_len = cmd->cdb_len,
		.mx_sb_len = MP_SENSE_MAX,
		.dxfer_len = cmd->data_len,
		.dxferp = cmd->data_len ? data : NULL,
		/* The kernel copies the CDB during write()/ioctl(). */
		.cmdp = (unsigned char *)cmd->cdb,
		.sbp = sense,
		.timeout = cmd->timeout_ms,
	};
}

int mp_sg_submit(struct mp_sg *sg, const struct mp_sg_cmd *cmd, uint64_t tag)
{
	struct sg_io_hdr h;
	struct sg_slot *s = NULL;
	unsigned int i;
	int r;

	r = check_cmd(cmd);
	if (r < 0)
		return r;
	for (i = 0; i < ELEMENTSOF(sg->slot); i++)
		if (!sg->slot[i].busy) {
			s = &sg->slot[i];
			break;
		}
	if (!s)
		return -EBUSY;
	if (cmd->data_len > s->data_cap) {
		/* free, not realloc: nothing in the old buffer is kept */
		free(s->data);
		s->data_cap = 0;
		s->data = malloc(cmd->data_len);
		if (!s->data)
			return -ENOMEM;
		s->data_cap = cmd->data_len;
	}
	fill_hdr(&h, cmd, s->data, s->sense);
	h.pack_id = (int)i;
	if (write(sg->fd, &h, sizeof(h)) < 0)
		return -errno;
	s->busy = true;
	s->op = cmd->op;
	s->tag = tag;
	s->data_len = cmd->data_len;
	sg->inflight++;
	return 0;
}

/* Result fields common to the async and the blocking path. */
static void fill_result(struct mp_sg_result *r, const struct sg_io_hdr *h,
			enum mp_sg_op op, uint64_t tag, const uint8_t *data)
{
	uint32_t got = 0;

	if (h->dxfer_len && h->resid >= 0 && (unsigned int)h->resid <= h->dxfer_len)
		got = h->dxfer_len - (uint32_t)h->resid;
	*r = (struct mp_sg_result){
		.tag = tag,
		.op = op,
		.status = {
			.scsi_status = h->status,
			.host_status = h->host_status,
			.driver_status = h->driver_status,
			.sense_len = h->sb_len_wr > MP_SENSE_MAX ? MP_SENSE_MAX : h->sb_len_wr,
		},
		.data = got ? data : NULL,
		.data_len = got,
		.duration_ms = h->duration,
	};
	memcpy(r->status.sense, h->sbp, r->status.sense_len);
	r->verdict = mp_sense_classify(&r->status);
	/* A standard INQUIRY that succeeds on a LUN the target no longer
	 * has reports peripheral qualifier 3 instead of failing. */
	if (r->verdict == MP_CHECK_UP && op == MP_SG_OP_INQUIRY &&
	    mp_sense_inquiry_lun_absent(r->data, r->data_len))
		r->verdict = MP_CHECK_LUN_GONE;
}

int mp_sg_reap(struct mp_sg *sg, struct mp_sg_result *ret)
{
	struct sg_io_hdr h = { .interface_id = 'S' };
	struct sg_slot *s;

	if (sg->inflight == 0)
		return 0;
	if (read(sg->fd, &h, sizeof(h)) < 0) {
		if (errno == EAGAIN)
			return 0;
		return -errno;
	}
	if (h.pack_id < 0 || (unsigned int)h.pack_id >= ELEMENTSOF(sg->slot) ||
	    !sg->slot[h.pack_id].busy)
		return -EPROTO;	/* not one of ours: the fd was shared */
	s = &sg->slot[h.pack_id];
	fill_result(ret, &h, s->op, s->tag, s->data);
	s->busy = false;
	sg->inflight--;
	return 1;
}

/* ---- blocking ---------------------------------------------------------------- */

int mp_sg_run(const char *devnode, const struct mp_sg_cmd *cmd, void *buf,
	      uint32_t buf_len, struct mp_sg_result *ret)
{
	struct mp_sg_cmd c = *cmd;
	struct sg_io_hdr h;
	uint8_t sense[MP_SENSE_MAX];
	int fd, r;

	r = check_cmd(cmd);
	if (r < 0)
		return r;
	if (c.data_len > buf_len)
		c.data_len = buf_len;
	/* O_NONBLOCK: an sd node must open even with no medium ready. */
	fd = open(devnode, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EROFS))
		fd = open(devnode, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	fill_hdr(&h, &c, buf, sense);
	if (ioctl(fd, SG_IO, &h) < 0) {
		r = -errno;
		goto out_close;
	}
	fill_result(ret, &h, c.op, 0, buf);
	r = 0;
out_close:
	close(fd);
	return r;
}

const struct mp_sg_ops mp_sg_kernel_ops = {
	.open = mp_sg_open,
	.free = mp_sg_free,
	.fd = mp_sg_fd,
	.submit = mp_sg_submit,
	.reap = mp_sg_reap,
};
