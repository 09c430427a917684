/* SCSI identity decoding (mp/vpd.h): standard INQUIRY, VPD 0x80 and 0x83,
 * the kernel's sysfs wwid attribute, and filling a path's identity.
 *
 * Owns no memory: every function writes into caller-provided storage.
 * Invariant for every decoder: an index into buf is checked against both
 * len (what we have) and the page's own length (what the device claims)
 * before it is read; the smaller wins, and a claim beyond what we have is
 * reported, never trusted. The RTPG decoder lives in rtpg.c.
 *
 * Designator preference for the WWID (logical-unit association only),
 * best first, following what udev's scsi_id and multipath-tools pick so
 * WWIDs match existing bindings:
 *   NAA 6 (IEEE registered extended) > NAA 5 (registered) > NAA 2
 *   (extended) > NAA 3 (locally assigned) > EUI-64 > SCSI name string >
 *   T10 vendor id. Among equals the first on the page wins. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mp/naming.h"
#include "mp/vpd.h"
#include "util/errbuf.h"


static unsigned int be16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static bool is_print(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Appends src[0..n) to dst (size dstsize, current length *pos). Runs of
 * whitespace become one '_', leading and trailing ones vanish: udev's
 * replace_whitespace, which is what by-id names and ID_SERIAL use.
 * Returns -ENAMETOOLONG when it does not fit. */
static int squeeze_append(char *dst, size_t dstsize, size_t *pos, const char *src, size_t n)
{
	bool pending = false;

	for (size_t i = 0; i < n && src[i]; i++) {
		if (is_space(src[i])) {
			pending = true;
			continue;
		}
		if (pending && *pos > 0) {
			if (*pos + 1 >= dstsize)
				return -ENAMETOOLONG;
			dst[(*pos)++] = '_';
		}
		pending = false;
		if (*pos + 1 >= dstsize)
			return -ENAMETOOLONG;
		dst[(*pos)++] = src[i];
	}
	dst[*pos] = '\0';
	return 0;
}

static int hex_format(char *dst, size_t dstsize, char prefix, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t pos = 0;

	if (dstsize < 2 + 2 * n)
		return -ENAMETOOLONG;
	if (prefix)
		dst[pos++] = prefix;
	for (size_t i = 0; i < n; i++) {
		dst[pos++] = digits[p[i] >> 4];
		dst[pos++] = digits[p[i] & 0xf];
	}
	dst[pos] = '\0';
	return 0;
}

/* An INQUIRY text field: stops at NUL, replaces unprintables, trims. */
static void copy_field(char *dst, const uint8_t *src, size_t n)
{
	size_t start = 0, end = 0;

	for (end = 0; end < n && src[end]; end++)
		;
	while (start < end && src[start] == ' ')
		start++;
	while (end > start && src[end - 1] == ' ')
		end--;
	for (size_t i = start; i < end; i++)
		*dst++ = is_print(src[i]) ? (char)src[i] : '_';
	*dst = '\0';
}

int mp_inquiry_decode(const uint8_t *buf, size_t len, struct mp_inquiry *ret,
		      char *err, size_t errlen)
{
	struct mp_inquiry inq;

	if (!buf || !ret) {
		mp_errbuf_set(err, errlen, "no buffer");
		return -EINVAL;
	}
	if (len < 36) {
		mp_errbuf_set(err, errlen, "standard INQUIRY truncated: %zu bytes, need 36", len);
		return -EBADMSG;
	}
	if ((size_t)buf[4] + 5 < 36) {
		mp_errbuf_set(err, errlen, "standard INQUIRY claims only %u bytes, need 36",
			buf[4] + 5);
		return -EBADMSG;
	}
	inq.qualifier = buf[0] >> 5;
	inq.device_type = buf[0] & 0x1f;
	inq.version = buf[2];
	inq.tpgs = (buf[5] >> 4) & 0x3;
	copy_field(inq.vendor, buf + 8, 8);
	copy_field(inq.product, buf + 16, 16);
	copy_field(inq.revision, buf + 32, 4);
	*ret = inq;
	return 0;
}

int mp_vpd_page_size(const uint8_t *buf, size_t len, uint8_t page, size_t *ret_size)
{
	if (!buf || !ret_size)
		return -EINVAL;
	if (len < 4)
		return -EBADMSG;
	if (buf[1] != page)
		return -EINVAL;
	*ret_size = 4 + (size_t)be16(buf + 2);
	return 0;
}

/* Common header check: right page, and the claimed length is all here. */
static int vpd_header(const uint8_t *buf, size_t len, uint8_t page, size_t *ret_size,
		      char *err, size_t errlen)
{
	size_t size;
	int r;

	if (!buf) {
		mp_errbuf_set(err, errlen, "no buffer");
		return -EINVAL;
	}
	r = mp_vpd_page_size(buf, len, page, &size);
	if (r == -EBADMSG) {
		mp_errbuf_set(err, errlen, "VPD header truncated: %zu bytes, need 4", len);
		return r;
	}
	if (r < 0) {
		mp_errbuf_set(err, errlen, "page code 0x%02x, expected 0x%02x", buf[1], page);
		return r;
	}
	if (size > len) {
		mp_errbuf_set(err, errlen, "page 0x%02x length %zu exceeds the %zu bytes read "
			"(truncated; re-read with %zu)", page, size - 4, len, size);
		return -EBADMSG;
	}
	*ret_size = size;
	return 0;
}

int mp_vpd80_decode(const uint8_t *buf, size_t len, char *ret_serial, size_t serial_size,
		    char *err, size_t errlen)
{
	size_t size, start = 4, end;
	int r;

	if (!ret_serial || serial_size == 0) {
		mp_errbuf_set(err, errlen, "no output buffer");
		return -EINVAL;
	}
	r = vpd_header(buf, len, 0x80, &size, err, errlen);
	if (r < 0)
		return r;
	end = size;
	while (end > start && (buf[end - 1] == ' ' || buf[end - 1] == '\0'))
		end--;
	while (start < end && buf[start] == ' ')
		start++;
	if (start == end) {
		mp_errbuf_set(err, errlen, "empty serial number");
		return -ENODATA;
	}
	for (size_t i = start; i < end; i++)
		if (!is_print(buf[i])) {
			mp_errbuf_set(err, errlen, "serial number has byte 0x%02x at offset %zu",
				buf[i], i);
			return -EBADMSG;
		}
	if (end - start >= serial_size) {
		mp_errbuf_set(err, errlen, "serial number of %zu bytes does not fit in %zu",
			end - start, serial_size);
		return -EBADMSG;
	}
	memcpy(ret_serial, buf + start, end - start);
	ret_serial[end - start] = '\0';
	return 0;
}

enum {
	DESIG_VENDOR = 0x0,
	DESIG_T10 = 0x1,
	DESIG_EUI64 = 0x2,
	DESIG_NAA = 0x3,
	DESIG_RELPORT = 0x4,
	DESIG_TPG = 0x5,
	DESIG_NAME = 0x8,
};

enum {
	ASSOC_LU = 0,
	ASSOC_PORT = 1,
	ASSOC_TARGET = 2,
};

/* Lower is better; 0 means "not a WWID candidate". */
static int naa_rank(const uint8_t *d, size_t n)
{
	switch (d[0] >> 4) {
	case 6: return n == 16 ? 1 : -1;
	case 5: return n == 8 ? 2 : -1;
	case 2: return n == 8 ? 3 : -1;
	case 3: return n == 8 ? 4 : -1;
	default: return -1;
	}
}
#define RANK_EUI64	5
#define RANK_NAME	6
#define RANK_T10	7
#define RANK_NONE	100

/* Length of a NUL-terminated/padded text designator, or -1 when it holds
 * an unprintable byte before the terminator. */
static int text_len(const uint8_t *d, size_t n)
{
	size_t i;

	for (i = 0; i < n && d[i]; i++)
		if (!is_print(d[i]))
			return -1;
	return (int)i;
}

static void ignore(struct mp_vpd83 *v, size_t off, const char *why)
{
	if (v->n_ignored++ == 0)
		snprintf(v->ignored_reason, sizeof(v->ignored_reason),
			 "designator at offset %zu: %s", off, why);
}

/* Formats a logical-unit designator as a WWID into v if it beats the one
 * held (rank *best). */
static void consider_lu(struct mp_vpd83 *v, int *best, size_t off, unsigned int type,
			const uint8_t *d, size_t n)
{
	char tmp[MP_WWID_SIZE];
	enum mp_wwid_source src;
	int rank, tl;
	size_t pos = 0;

	switch (type) {
	case DESIG_NAA:
		rank = naa_rank(d, n);
		if (rank < 0)
			return ignore(v, off, "NAA type and length disagree");
		if (rank >= *best)
			return;
		src = MP_WWID_SRC_NAA;
		hex_format(tmp, sizeof(tmp), '3', d, n);
		break;
	case DESIG_EUI64:
		if (n != 8 && n != 12 && n != 16)
			return ignore(v, off, "EUI-64 length not 8, 12 or 16");
		rank = RANK_EUI64;
		if (rank >= *best)
			return;
		src = MP_WWID_SRC_EUI64;
		hex_format(tmp, sizeof(tmp), '2', d, n);
		break;
	case DESIG_NAME:
		tl = text_len(d, n);
		if (tl <= 0)
			return ignore(v, off, tl < 0 ? "SCSI name string not printable ASCII"
						     : "empty SCSI name string");
		rank = RANK_NAME;
		if (rank >= *best)
			return;
		src = MP_WWID_SRC_NAME;
		tmp[0] = '8';
		memcpy(tmp + 1, d, (size_t)tl);	/* tl <= 255 < sizeof(tmp) - 1 */
		tmp[tl + 1] = '\0';
		break;
	case DESIG_T10:
		tl = text_len(d, n);
		if (tl < 0)
			return ignore(v, off, "T10 vendor id not printable ASCII");
		rank = RANK_T10;
		if (rank >= *best)
			return;
		src = MP_WWID_SRC_T10;
		tmp[pos++] = '1';
		squeeze_append(tmp, sizeof(tmp), &pos, (const char *)d, (size_t)tl);
		if (pos == 1)
			return ignore(v, off, "blank T10 vendor id");
		break;
	default:
		return;		/* vendor specific, MD5, ...: not identities */
	}
	*best = rank;
	v->wwid_src = src;
	memcpy(v->wwid, tmp, sizeof(tmp));
}

/* Target names: a target-device SCSI name string (iSCSI IQN) beats a
 * target-device NAA (FC WWNN, formatted as sysfs shows node_name), which
 * beats a target-port SCSI name string with its ",t,0x..." suffix cut. */
static void consider_target(struct mp_vpd83 *v, int *best, size_t off, unsigned int assoc,
			    unsigned int type, const uint8_t *d, size_t n)
{
	int rank, tl;

	if (type == DESIG_NAME) {
		const uint8_t *cut;

		tl = text_len(d, n);
		if (tl <= 0)
			return ignore(v, off, "target name not printable ASCII");
		if (assoc == ASSOC_PORT) {
			cut = memmem(d, (size_t)tl, ",t,", 3);
			if (!cut)
				return;
			tl = (int)(cut - d);
			rank = 3;
		} else {
			rank = 1;
		}
		if (rank >= *best || tl == 0)
			return;
		memcpy(v->tgt_node_name, d, (size_t)tl);
		v->tgt_node_name[tl] = '\0';
		*best = rank;
	} else if (type == DESIG_NAA && assoc == ASSOC_TARGET && n <= 16) {
		if (*best <= 2)
			return;
		v->tgt_node_name[0] = '0';
		hex_format(v->tgt_node_name + 1, sizeof(v->tgt_node_name) - 1, 'x', d, n);
		*best = 2;
	}
}

int mp_vpd83_decode(const uint8_t *buf, size_t len, struct mp_vpd83 *ret,
		    char *err, size_t errlen)
{
	struct mp_vpd83 v = {
		.wwid_src = MP_WWID_SRC_NONE,
		.tpg_id = -1,
		.rel_port_id = -1,
		.protocol = -1,
	};
	int best = RANK_NONE, best_name = RANK_NONE;
	size_t size, off;
	int r;

	if (!ret) {
		mp_errbuf_set(err, errlen, "no output");
		return -EINVAL;
	}
	r = vpd_header(buf, len, 0x83, &size, err, errlen);
	if (r < 0)
		return r;

	for (off = 4; off < size; off += 4 + (size_t)buf[off + 3]) {
		unsigned int codeset, proto, assoc, type;
		bool piv;
		const uint8_t *d;
		size_t n;

		if (size - off < 4) {
			mp_errbuf_set(err, errlen, "designator header at offset %zu cut by page end %zu",
				off, size);
			return -EBADMSG;
		}
		n = buf[off + 3];
		if (n > size - off - 4) {
			mp_errbuf_set(err, errlen, "designator at offset %zu: length %zu runs past "
				"page end %zu", off, n, size);
			return -EBADMSG;
		}
		codeset = buf[off] & 0xf;
		proto = buf[off] >> 4;
		piv = buf[off + 1] & 0x80;
		assoc = (buf[off + 1] >> 4) & 0x3;
		type = buf[off + 1] & 0xf;
		d = buf + off + 4;
		v.n_designators++;
		(void)codeset;	/* devices get it wrong too often to filter on it */

		if (n == 0) {
			ignore(&v, off, "zero length");
			continue;
		}
		if (piv && (assoc == ASSOC_PORT || assoc == ASSOC_TARGET) && v.protocol < 0)
			v.protocol = (int)proto;
		if (type == DESIG_RELPORT || type == DESIG_TPG) {
			if (n != 4) {
				ignore(&v, off, "port designator length not 4");
				continue;
			}
			if (type == DESIG_RELPORT)
				v.rel_port_id = (int)be16(d + 2);
			else
				v.tpg_id = (int)be16(d + 2);
			continue;
		}
		if (assoc == ASSOC_LU)
			consider_lu(&v, &best, off, type, d, n);
		else
			consider_target(&v, &best_name, off, assoc, type, d, n);
	}
	*ret = v;
	return 0;
}

static bool all_hex(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

int mp_wwid_from_sysfs(const char *attr, char *ret, size_t retlen,
		       enum mp_wwid_source *ret_src)
{
	char tmp[MP_WWID_SIZE];
	enum mp_wwid_source src;
	size_t n, pos = 0;
	char prefix;

	if (!attr || !ret || retlen == 0)
		return -EINVAL;
	n = strlen(attr);
	while (n > 0 && is_space(attr[n - 1]))
		n--;
	if (n == 0)
		return -ENODATA;
	if (n >= sizeof(tmp) - 1)
		return -ENAMETOOLONG;

	if (n >= 4 && (strncmp(attr, "naa.", 4) == 0 || strncmp(attr, "eui.", 4) == 0)) {
		prefix = attr[0] == 'n' ? '3' : '2';
		src = attr[0] == 'n' ? MP_WWID_SRC_NAA : MP_WWID_SRC_EUI64;
		if (!all_hex(attr + 4, n - 4))
			return -EBADMSG;
		tmp[pos++] = prefix;
		for (size_t i = 4; i < n; i++) {
			char c = attr[i];

			tmp[pos++] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
		}
		tmp[pos] = '\0';
	} else if (n >= 4 && strncmp(attr, "t10.", 4) == 0) {
		src = MP_WWID_SRC_T10;
		tmp[pos++] = '1';
		if (squeeze_append(tmp, sizeof(tmp), &pos, attr + 4, n - 4) < 0)
			return -ENAMETOOLONG;
		if (pos == 1)
			return -EBADMSG;
	} else {
		/* the kernel prints a SCSI name string as it is */
		for (size_t i = 0; i < n; i++)
			if (!is_print((uint8_t)attr[i]))
				return -EBADMSG;
		src = MP_WWID_SRC_NAME;
		tmp[pos++] = '8';
		memcpy(tmp + pos, attr, n);
		pos += n;
		tmp[pos] = '\0';
	}
	for (size_t i = 0; i < pos; i++)
		if (!is_print((uint8_t)tmp[i]))
			return -EBADMSG;
	if (pos >= retlen)
		return -ENAMETOOLONG;
	memcpy(ret, tmp, pos + 1);
	if (ret_src)
		*ret_src = src;
	return 0;
}

int mp_wwid_from_user(const char *arg, char *ret, size_t retlen)
{
	char tmp[MP_WWID_SIZE];
	size_t n;
	int r;

	if (!arg || !ret || retlen == 0)
		return -EINVAL;
	while (is_space(*arg))
		arg++;
	if (strncmp(arg, "mpath-", 6) == 0)
		arg += 6;
	n = strlen(arg);
	while (n > 0 && is_space(arg[n - 1]))
		n--;
	if (n == 0)
		return -EINVAL;
	if (n >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, arg, n);
	tmp[n] = '\0';
	if (n >= 4 && tmp[3] == '.' && (!strncasecmp(tmp, "naa", 3) || !strncasecmp(tmp, "eui", 3) ||
				       !strncasecmp(tmp, "t10", 3))) {
		char attr[MP_WWID_SIZE];

		/* the kernel prints the prefix in lower case; people may not */
		for (size_t i = 0; i < 3; i++)
			attr[i] = (char)(tmp[i] >= 'A' && tmp[i] <= 'Z' ? tmp[i] - 'A' + 'a' : tmp[i]);
		memcpy(attr + 3, tmp + 3, n - 3 + 1);
		r = mp_wwid_from_sysfs(attr, tmp, sizeof(tmp), NULL);
		if (r < 0)
			return r == -ENAMETOOLONG ? r : -EINVAL;
	} else if ((tmp[0] == '2' || tmp[0] == '3') && all_hex(tmp + 1, n - 1)) {
		/* NAA and EUI-64 WWIDs are hex, which the daemon keeps in lower case */
		for (size_t i = 1; i < n; i++)
			if (tmp[i] >= 'A' && tmp[i] <= 'F')
				tmp[i] = (char)(tmp[i] - 'A' + 'a');
	}
	if (!mp_naming_wwid_valid(tmp))
		return -EINVAL;
	if (strlen(tmp) >= retlen)
		return -ENAMETOOLONG;
	memcpy(ret, tmp, strlen(tmp) + 1);
	return 0;
}

int mp_wwid_from_serial(const char *vendor, const char *product, const char *serial,
			char *ret, size_t retlen)
{
	char raw[1 + 8 + 16 + MP_SERIAL_SIZE];
	char tmp[MP_WWID_SIZE];
	size_t pos = 0;
	int n;

	if (!serial || !serial[0] || !ret || retlen == 0)
		return -EINVAL;
	n = snprintf(raw, sizeof(raw), "S%-8.8s%-16.16s%s", vendor ? vendor : "",
		     product ? product : "", serial);
	if (n < 0 || (size_t)n >= sizeof(raw))
		return -ENAMETOOLONG;
	if (squeeze_append(tmp, sizeof(tmp), &pos, raw, (size_t)n) < 0 || pos >= retlen)
		return -ENAMETOOLONG;
	memcpy(ret, tmp, pos + 1);
	return 0;
}

int mp_path_apply_identity(struct mp_path *p, const struct mp_inquiry *inq,
			   const struct mp_vpd83 *vpd83, const char *serial)
{
	if (!p)
		return -EINVAL;
	if (inq) {
		memcpy(p->vendor, inq->vendor, sizeof(p->vendor));
		memcpy(p->product, inq->product, sizeof(p->product));
		memcpy(p->revision, inq->revision, sizeof(p->revision));
		p->tpgs = inq->tpgs;
	}
	if (serial)
		snprintf(p->serial, sizeof(p->serial), "%s", serial);
	if (vpd83) {
		if (vpd83->tpg_id >= 0)
			p->tpg_id = vpd83->tpg_id;
		if (vpd83->rel_port_id >= 0)
			p->rel_port_id = vpd83->rel_port_id;
		if (vpd83->protocol >= 0 &&
		    (p->protocol == MP_PROTO_UNDEF || p->protocol == MP_PROTO_SCSI_UNSPEC))
			p->protocol = (enum mp_protocol)vpd83->protocol;
		if (vpd83->tgt_node_name[0] && !p->tgt_node_name[0])
			memcpy(p->tgt_node_name, vpd83->tgt_node_name, sizeof(p->tgt_node_name));
		if (vpd83->wwid[0]) {
			memcpy(p->wwid, vpd83->wwid, sizeof(p->wwid));
			p->wwid_src = vpd83->wwid_src;
			return 0;
		}
	}
	if (serial && serial[0] &&
	    mp_wwid_from_serial(p->vendor, p->product, serial, p->wwid, sizeof(p->wwid)) == 0) {
		p->wwid_src = MP_WWID_SRC_SERIAL;
		return 0;
	}
	return -ENODATA;
}
