/* The MBR parser: four primary slots in LBA 0 and, for an extended
 * partition (types 0x05, 0x0f, 0x85), the chain of EBRs inside it.
 *
 * On-disk facts used: the 0x55 0xAA signature at bytes 510-511; slots of 16
 * bytes from byte 446 (boot flag 0x00/0x80, type at +4, first LBA at +8 and
 * block count at +12, both little-endian 32 bit). In an EBR, slot 0 is the
 * logical partition (start relative to that EBR) and slot 1 links the next
 * EBR (start relative to the extended partition's first LBA).
 *
 * Invariants: at most one extended partition; every EBR lies inside it and
 * is visited once (a revisit is a loop, refused); at most
 * MP_PTABLE_MBR_MAX_LOGICAL EBRs; each logical lies inside the extended
 * partition after its own EBR; primaries do not overlap the extended one.
 * The extended container gets no partition of its own: it holds nothing
 * but the chain. Logicals are numbered from 5 in chain order. */
#include <errno.h>
#include <stdlib.h>

#include "ptable-internal.h"

struct mbr_slot {
	uint8_t boot;
	uint8_t type;
	uint32_t start;
	uint32_t count;
};

static void slot_get(const uint8_t *sector, int i, struct mbr_slot *s)
{
	const uint8_t *e = sector + 446 + 16 * i;

	s->boot = e[0];
	s->type = e[4];
	s->start = ptable_le32(e + 8);
	s->count = ptable_le32(e + 12);
}

static bool type_is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

static bool has_signature(const uint8_t *sector)
{
	return sector[510] == 0x55 && sector[511] == 0xaa;
}

/* Walks the EBR chain of the extended partition [ext_start, ext_end). */
static int walk_ebrs(const struct mp_ptable_disk *disk, uint64_t ext_start, uint64_t ext_end,
		     struct mp_ptable *t, struct mp_ptable_diag *diag)
{
	uint64_t visited[MP_PTABLE_MBR_MAX_LOGICAL];
	uint64_t ebr = ext_start;
	unsigned int num = 5;
	uint8_t *sector;
	int r = 0;

	sector = malloc(disk->sector_size);
	if (!sector)
		return -ENOMEM;
	for (unsigned int hop = 0;; hop++) {
		struct mbr_slot data, link;

		if (hop >= MP_PTABLE_MBR_MAX_LOGICAL) {
			r = ptable_fail(diag, -EBADMSG, "EBR chain longer than %u links",
					MP_PTABLE_MBR_MAX_LOGICAL);
			break;
		}
		for (unsigned int i = 0; i < hop; i++)
			if (visited[i] == ebr) {
				r = ptable_fail(diag, -EBADMSG, "EBR loop: LBA %llu is linked twice",
						(unsigned long long)ebr);
				goto out;
			}
		visited[hop] = ebr;
		if (ebr < ext_start || ebr >= ext_end) {
			r = ptable_fail(diag, -EBADMSG,
					"EBR at LBA %llu lies outside the extended partition (LBA %llu-%llu)",
					(unsigned long long)ebr, (unsigned long long)ext_start,
					(unsigned long long)(ext_end - 1));
			break;
		}
		r = disk->read(disk->userdata, ebr, 1, sector);
		if (r < 0) {
			r = ptable_fail(diag, r, "cannot read the EBR at LBA %llu", (unsigned long long)ebr);
			break;
		}
		if (!has_signature(sector)) {
			/* A fresh extended partition may hold a blank first EBR:
			 * no logicals. A link to a blank sector is damage. */
			if (hop > 0)
				r = ptable_fail(diag, -EBADMSG, "EBR at LBA %llu has no 0x55AA signature",
						(unsigned long long)ebr);
			break;
		}
		slot_get(sector, 0, &data);
		slot_get(sector, 1, &link);
		if (data.type != 0 && data.count != 0) {
			struct mp_ptable_part p = {
				.num = num++, .start = ebr + data.start, .count = data.count,
				.mbr_type = data.type, .logical = true,
			};

			if (data.start == 0 || p.start >= ext_end || p.count > ext_end - p.start) {
				r = ptable_fail(diag, -EBADMSG,
						"logical partition %u (LBA %llu, %u blocks) lies outside the extended partition (LBA %llu-%llu)",
						p.num, (unsigned long long)p.start, data.count,
						(unsigned long long)ext_start, (unsigned long long)(ext_end - 1));
				break;
			}
			ptable_add(t, &p);
		}
		if (!type_is_extended(link.type) || link.count == 0)
			break;
		ebr = ext_start + link.start;
	}
out:
	free(sector);
	return r;
}

int mp_ptable_parse_mbr(const struct mp_ptable_disk *disk, const uint8_t *sector0,
			struct mp_ptable **ret, struct mp_ptable_diag *diag)
{
	struct mp_ptable *t = NULL;
	struct mbr_slot s[4];
	int ext = -1;
	int r;

	r = ptable_check_disk(disk, diag);
	if (r < 0)
		return r;
	if (!has_signature(sector0))
		return ptable_new(MP_PTABLE_NONE, disk->sector_size, 0, ret);
	if (mp_ptable_mbr_is_protective(sector0))
		return ptable_fail(diag, -EMEDIUMTYPE, "protective MBR: the disk is GPT");
	for (int i = 0; i < 4; i++) {
		slot_get(sector0, i, &s[i]);
		/* A filesystem boot sector also ends in 0x55AA; its bytes
		 * here are code, and rarely look like boot flags. */
		if (s[i].boot != 0x00 && s[i].boot != 0x80)
			return ptable_new(MP_PTABLE_NONE, disk->sector_size, 0, ret);
	}
	r = ptable_new(MP_PTABLE_MBR, disk->sector_size, 4 + MP_PTABLE_MBR_MAX_LOGICAL, &t);
	if (r < 0)
		return r;
	for (int i = 0; i < 4; i++) {
		struct mp_ptable_part p = {
			.num = (unsigned int)i + 1, .start = s[i].start, .count = s[i].count,
			.mbr_type = s[i].type,
		};

		if (s[i].type == 0 || s[i].count == 0)
			continue;
		if (!type_is_extended(s[i].type)) {
			ptable_add(t, &p);
			continue;
		}
		if (ext >= 0) {
			r = ptable_fail(diag, -EBADMSG, "more than one extended partition (%d and %d)",
					ext + 1, i + 1);
			goto fail;
		}
		ext = i;
	}
	if (ext >= 0) {
		uint64_t es = s[ext].start, ee = es + s[ext].count;

		if (es == 0 || ee > disk->sectors) {
			r = ptable_fail(diag, -EBADMSG,
					"extended partition %d (LBA %llu, %u blocks) is outside the disk (%llu blocks)",
					ext + 1, (unsigned long long)es, s[ext].count,
					(unsigned long long)disk->sectors);
			goto fail;
		}
		for (size_t i = 0; i < t->n_parts; i++) {
			const struct mp_ptable_part *p = &t->parts[i];

			if (p->start < ee && es < p->start + p->count) {
				r = ptable_fail(diag, -EBADMSG,
						"partition %u overlaps the extended partition %d", p->num, ext + 1);
				goto fail;
			}
		}
		r = walk_ebrs(disk, es, ee, t, diag);
		if (r < 0)
			goto fail;
	}
	r = ptable_check(disk, t, diag);
	if (r < 0)
		goto fail;
	*ret = t;
	return 0;
fail:
	mp_ptable_free(t);
	return r;
}
