/* What the MBR and GPT parsers share: the dispatch on LBA 0, the result
 * table (one malloc'd array of partitions owned by struct mp_ptable, freed
 * by mp_ptable_free), the final check every parsed table passes before it
 * is handed out (in range, no overlaps) and the GPT CRC-32.
 *
 * Pure: no I/O here, sectors come from the caller's read callback. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ptable-internal.h"

static const char *const kind_names[_MP_PTABLE_KIND_MAX] = {
	[MP_PTABLE_NONE] = "none",
	[MP_PTABLE_MBR] = "mbr",
	[MP_PTABLE_GPT] = "gpt",
};

const char *mp_ptable_kind_to_string(enum mp_ptable_kind k)
{
	return (unsigned int)k < _MP_PTABLE_KIND_MAX ? kind_names[k] : NULL;
}

int ptable_fail(struct mp_ptable_diag *diag, int err, const char *fmt, ...)
{
	va_list ap;

	if (diag) {
		va_start(ap, fmt);
		vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
		va_end(ap);
	}
	return err;
}

/* Half-byte table of the reflected polynomial 0xEDB88320: 16 constants
 * instead of 256, no run-time initialisation, fast enough for 1 MiB. */
static const uint32_t crc_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
	0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
	0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

uint32_t mp_ptable_crc32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
	}
	return ~crc;
}

int ptable_new(enum mp_ptable_kind kind, uint32_t sector_size, size_t cap, struct mp_ptable **ret)
{
	struct mp_ptable *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	if (cap) {
		t->parts = calloc(cap, sizeof(*t->parts));
		if (!t->parts) {
			free(t);
			return -ENOMEM;
		}
	}
	t->kind = kind;
	t->sector_size = sector_size;
	*ret = t;
	return 0;
}

void ptable_add(struct mp_ptable *t, const struct mp_ptable_part *p)
{
	t->parts[t->n_parts++] = *p;
}

struct mp_ptable *mp_ptable_free(struct mp_ptable *t)
{
	if (t) {
		free(t->parts);
		free(t);
	}
	return NULL;
}

int ptable_check_disk(const struct mp_ptable_disk *disk, struct mp_ptable_diag *diag)
{
	uint32_t ss;

	if (!disk || !disk->read)
		return ptable_fail(diag, -EINVAL, "no disk to read");
	ss = disk->sector_size;
	if (ss < 512 || ss > 65536 || (ss & (ss - 1)))
		return ptable_fail(diag, -EINVAL, "unsupported logical block size %u", ss);
	/* Disk bytes must fit 64 bits, so start * (ss / 512) never wraps. */
	if (disk->sectors > UINT64_MAX / ss)
		return ptable_fail(diag, -EINVAL, "disk size out of range");
	return 0;
}

static int cmp_start(const void *a, const void *b)
{
	const struct mp_ptable_part *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_num(const void *a, const void *b)
{
	const struct mp_ptable_part *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

int ptable_check(const struct mp_ptable_disk *disk, struct mp_ptable *t, struct mp_ptable_diag *diag)
{
	if (t->n_parts == 0)
		return 0;	/* parts may be NULL: qsort must not see it */
	for (size_t i = 0; i < t->n_parts; i++) {
		const struct mp_ptable_part *p = &t->parts[i];

		if (p->count == 0)
			return ptable_fail(diag, -EBADMSG, "partition %u is empty", p->num);
		if (p->start == 0)
			return ptable_fail(diag, -EBADMSG,
					   "partition %u starts at LBA 0 (over the partition table)", p->num);
		if (p->start >= disk->sectors || p->count > disk->sectors - p->start)
			return ptable_fail(diag, -EBADMSG,
					   "partition %u (LBA %llu, %llu blocks) ends beyond the disk's end (%llu blocks)",
					   p->num, (unsigned long long)p->start,
					   (unsigned long long)p->count, (unsigned long long)disk->sectors);
	}
	qsort(t->parts, t->n_parts, sizeof(*t->parts), cmp_start);
	for (size_t i = 1; i < t->n_parts; i++) {
		const struct mp_ptable_part *a = &t->parts[i - 1], *b = &t->parts[i];

		/* In range above, so start + count cannot wrap. */
		if (a->start + a->count > b->start)
			return ptable_fail(diag, -EBADMSG,
					   "partitions %u (LBA %llu-%llu) and %u (LBA %llu-%llu) overlap",
					   a->num, (unsigned long long)a->start,
					   (unsigned long long)(a->start + a->count - 1), b->num,
					   (unsigned long long)b->start,
					   (unsigned long long)(b->start + b->count - 1));
	}
	qsort(t->parts, t->n_parts, sizeof(*t->parts), cmp_num);
	return 0;
}

bool mp_ptable_mbr_is_protective(const uint8_t *sector0)
{
	if (sector0[510] != 0x55 || sector0[511] != 0xaa)
		return false;
	for (int i = 0; i < 4; i++)
		if (sector0[446 + 16 * i + 4] == 0xee)
			return true;
	return false;
}

int mp_ptable_parse(const struct mp_ptable_disk *disk, struct mp_ptable **ret,
		    struct mp_ptable_diag *diag)
{
	uint8_t *s0;
	int r;

	r = ptable_check_disk(disk, diag);
	if (r < 0)
		return r;
	if (disk->sectors < 1)
		return ptable_new(MP_PTABLE_NONE, disk->sector_size, 0, ret);
	s0 = malloc(disk->sector_size);
	if (!s0)
		return -ENOMEM;
	r = disk->read(disk->userdata, 0, 1, s0);
	if (r < 0)
		r = ptable_fail(diag, r, "cannot read LBA 0");
	else if (mp_ptable_mbr_is_protective(s0))
		r = mp_ptable_parse_gpt(disk, ret, diag);
	else
		r = mp_ptable_parse_mbr(disk, s0, ret, diag);
	free(s0);
	return r;
}
