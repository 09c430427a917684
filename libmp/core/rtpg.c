/* REPORT TARGET PORT GROUPS response decoding (mp/vpd.h, SPC-4 6.37).
 *
 * Owns: the struct mp_rtpg it allocates, one array of groups and one
 * array holding every group's relative port ids (groups point into it).
 * mp_rtpg_free() releases all three; callers never free parts.
 *
 * Layout: 4-byte RETURN DATA LENGTH (bytes after this field), then with
 * the extended header format (byte 4 bits 6-4 == 1) 4 more header bytes
 * (format, implicit transition time, reserved), then descriptors of 8
 * bytes + 4 per target port. A length beyond what was read is refused
 * rather than decoded partially: a group cut in half would put the path
 * in a wrong state, and the caller can simply re-read: mp_rtpg_reask says
 * whether and with which allocation length (callers ask a small one
 * first, MP_RTPG_ALLOC_FIRST). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "mp/vpd.h"
#include "util/errbuf.h"


void mp_rtpg_free(struct mp_rtpg *r)
{
	if (!r)
		return;
	free(r->groups);
	free(r->port_store);
	free(r);
}

static enum mp_alua_state wire_state(uint8_t b)
{
	switch (b & 0xf) {
	case 0x0: return MP_ALUA_OPTIMIZED;
	case 0x1: return MP_ALUA_NON_OPTIMIZED;
	case 0x2: return MP_ALUA_STANDBY;
	case 0x3: return MP_ALUA_UNAVAILABLE;
	case 0x4: return MP_ALUA_LBA_DEPENDENT;
	case 0xe: return MP_ALUA_OFFLINE;
	case 0xf: return MP_ALUA_TRANSITIONING;
	default: return MP_ALUA_UNKNOWN;	/* reserved codes */
	}
}

/* First pass: validates framing and counts groups and ports, so the
 * second pass can fill exactly-sized arrays without further checks. */
static int rtpg_scan(const uint8_t *buf, size_t start, size_t end, size_t *ret_groups,
		     size_t *ret_ports, char *err, size_t errlen)
{
	size_t groups = 0, ports = 0, off = start;

	while (off < end) {
		size_t count;

		if (end - off < 8) {
			mp_errbuf_set(err, errlen, "group descriptor at offset %zu cut by data end %zu",
				off, end);
			return -EBADMSG;
		}
		count = buf[off + 7];
		if (count * 4 > end - off - 8) {
			mp_errbuf_set(err, errlen, "group descriptor at offset %zu lists %zu ports, "
				"runs past data end %zu", off, count, end);
			return -EBADMSG;
		}
		groups++;
		ports += count;
		off += 8 + count * 4;
	}
	*ret_groups = groups;
	*ret_ports = ports;
	return 0;
}

int mp_rtpg_reply_len(const uint8_t *buf, size_t len, size_t *ret_total)
{
	if (!buf || !ret_total)
		return -EINVAL;
	if (len < 4)
		return -EBADMSG;
	*ret_total = 4 + ((size_t)buf[0] << 24 | (size_t)buf[1] << 16 |
			  (size_t)buf[2] << 8 | buf[3]);
	return 0;
}

/* A reply shorter than its own length but not shorter than what we asked
 * was cut by our allocation length: asking its whole length fixes that.
 * Shorter than asked as well means the transfer itself came up short; a
 * longer request would get the same, so that is not re-asked (no loop). */
int mp_rtpg_reask(const uint8_t *buf, size_t len, uint32_t asked, uint32_t max,
		  uint32_t *ret_alloc)
{
	size_t total;
	int r;

	r = mp_rtpg_reply_len(buf, len, &total);
	if (r < 0)
		return r;
	if (total <= len || total <= asked)
		return 0;
	if (total > max)
		return -EMSGSIZE;
	*ret_alloc = (uint32_t)total;
	return 1;
}

int mp_rtpg_decode(const uint8_t *buf, size_t len, struct mp_rtpg **ret,
		   char *err, size_t errlen)
{
	struct mp_rtpg *r;
	size_t total, start, n_groups, n_ports, off, port_i = 0;
	bool extended;
	int rc;

	if (!buf || !ret) {
		mp_errbuf_set(err, errlen, "no buffer");
		return -EINVAL;
	}
	if (mp_rtpg_reply_len(buf, len, &total) < 0) {
		mp_errbuf_set(err, errlen, "RTPG header truncated: %zu bytes, need 4", len);
		return -EBADMSG;
	}
	if (total > len) {
		mp_errbuf_set(err, errlen, "RTPG return data length %zu exceeds the %zu bytes read "
			"(truncated; re-read with %zu)", total - 4, len, total);
		return -EBADMSG;
	}
	extended = total >= 8 && ((buf[4] >> 4) & 0x7) == 1;
	start = extended ? 8 : 4;
	rc = rtpg_scan(buf, start, total, &n_groups, &n_ports, err, errlen);
	if (rc < 0)
		return rc;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->extended = extended;
	r->transition_time = extended ? buf[5] : 0;
	r->n_groups = n_groups;
	if (n_groups) {
		r->groups = calloc(n_groups, sizeof(*r->groups));
		if (!r->groups)
			goto nomem;
	}
	if (n_ports) {
		r->port_store = calloc(n_ports, sizeof(*r->port_store));
		if (!r->port_store)
			goto nomem;
	}
	off = start;
	for (size_t g = 0; g < n_groups; g++) {
		struct mp_rtpg_group *grp = &r->groups[g];
		const uint8_t *d = buf + off;

		grp->pref = d[0] & 0x80;
		grp->state = wire_state(d[0]);
		grp->supported = d[1];
		grp->tpg_id = (uint16_t)(d[2] << 8 | d[3]);
		grp->status = d[5];
		grp->n_ports = d[7];
		grp->ports = grp->n_ports ? r->port_store + port_i : NULL;
		for (size_t p = 0; p < grp->n_ports; p++)
			r->port_store[port_i++] = (uint16_t)(d[8 + 4 * p + 2] << 8 |
							     d[8 + 4 * p + 3]);
		off += 8 + 4 * grp->n_ports;
	}
	*ret = r;
	return 0;
nomem:
	mp_rtpg_free(r);
	return -ENOMEM;
}

int mp_rtpg_find(const struct mp_rtpg *r, int tpg_id, int rel_port_id,
		 const struct mp_rtpg_group **ret)
{
	if (!r || !ret)
		return -EINVAL;
	for (size_t g = 0; g < r->n_groups; g++) {
		const struct mp_rtpg_group *grp = &r->groups[g];

		if (tpg_id >= 0) {
			if (grp->tpg_id == tpg_id) {
				*ret = grp;
				return 0;
			}
			continue;
		}
		for (size_t p = 0; p < grp->n_ports; p++)
			if (rel_port_id >= 0 && grp->ports[p] == rel_port_id) {
				*ret = grp;
				return 0;
			}
	}
	return -ENOENT;
}
