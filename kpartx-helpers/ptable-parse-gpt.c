/* The GPT parser: the primary header at LBA 1 with its entry array, or,
 * when either fails a check, the backup header at the disk's last LBA with
 * its own array. Both bad: refused, naming both reasons.
 *
 * On-disk facts used (little-endian): header = "EFI PART" signature (0),
 * revision (8), header size (12), header CRC-32 (16, computed over header
 * size bytes with this field zeroed), my LBA (24), alternate LBA (32),
 * first and last usable LBA (40, 48), disk GUID (56), entry array LBA (72),
 * number of entries (80), entry size (84), entry array CRC-32 (88).
 * Entry = type GUID (0, all zero: unused), partition GUID (16), first and
 * last LBA inclusive (32, 40), attributes (48), UTF-16 name (56).
 *
 * Bounds checked before anything is read or allocated: header size within
 * [92, sector size]; entry size a multiple of 128 within [128, 4096];
 * entries <= 4096 and the array <= 1 MiB (the product is taken in 64 bits,
 * so it cannot wrap); the array inside the disk; usable range inside the
 * disk; each used entry inside the usable range. Partition N is entry N-1,
 * so numbers keep their gaps as the kernel's do. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ptable-internal.h"

#define GPT_HEADER_MIN 92u

struct gpt_header {
	uint64_t my_lba;
	uint64_t first_usable;
	uint64_t last_usable;
	uint64_t entries_lba;
	uint32_t n_entries;
	uint32_t entry_size;
	uint32_t entries_crc;
};

/* Reads and checks the header at lba. -EBADMSG with the reason in why. */
static int header_load(const struct mp_ptable_disk *disk, uint64_t lba, uint8_t *sector,
		       struct gpt_header *h, char *why, size_t why_len)
{
	uint32_t hsize, crc;
	uint64_t array_bytes, array_sectors;
	int r;

	r = disk->read(disk->userdata, lba, 1, sector);
	if (r < 0) {
		snprintf(why, why_len, "cannot read LBA %llu", (unsigned long long)lba);
		return r;
	}
	if (memcmp(sector, "EFI PART", 8) != 0) {
		snprintf(why, why_len, "no \"EFI PART\" signature at LBA %llu", (unsigned long long)lba);
		return -EBADMSG;
	}
	hsize = ptable_le32(sector + 12);
	if (hsize < GPT_HEADER_MIN || hsize > disk->sector_size) {
		snprintf(why, why_len, "header size %u out of range [%u, %u]", hsize,
			 GPT_HEADER_MIN, disk->sector_size);
		return -EBADMSG;
	}
	crc = ptable_le32(sector + 16);
	memset(sector + 16, 0, 4);
	if (mp_ptable_crc32(sector, hsize) != crc) {
		snprintf(why, why_len, "header CRC mismatch at LBA %llu", (unsigned long long)lba);
		return -EBADMSG;
	}
	h->my_lba = ptable_le64(sector + 24);
	h->first_usable = ptable_le64(sector + 40);
	h->last_usable = ptable_le64(sector + 48);
	h->entries_lba = ptable_le64(sector + 72);
	h->n_entries = ptable_le32(sector + 80);
	h->entry_size = ptable_le32(sector + 84);
	h->entries_crc = ptable_le32(sector + 88);
	if (h->my_lba != lba) {
		snprintf(why, why_len, "header at LBA %llu says it is at LBA %llu",
			 (unsigned long long)lba, (unsigned long long)h->my_lba);
		return -EBADMSG;
	}
	if (h->first_usable > h->last_usable || h->last_usable >= disk->sectors) {
		snprintf(why, why_len, "usable range LBA %llu-%llu is not inside the disk (%llu blocks)",
			 (unsigned long long)h->first_usable, (unsigned long long)h->last_usable,
			 (unsigned long long)disk->sectors);
		return -EBADMSG;
	}
	if (h->entry_size < 128 || h->entry_size % 128 || h->entry_size > MP_PTABLE_GPT_MAX_ENTRY_SIZE) {
		snprintf(why, why_len, "entry size %u is not a multiple of 128 in [128, %u]",
			 h->entry_size, MP_PTABLE_GPT_MAX_ENTRY_SIZE);
		return -EBADMSG;
	}
	array_bytes = (uint64_t)h->n_entries * h->entry_size;
	if (h->n_entries > MP_PTABLE_GPT_MAX_ENTRIES || array_bytes > MP_PTABLE_GPT_MAX_ARRAY) {
		snprintf(why, why_len, "%u entries of %u bytes is more than the %u entries / %u bytes allowed",
			 h->n_entries, h->entry_size, MP_PTABLE_GPT_MAX_ENTRIES, MP_PTABLE_GPT_MAX_ARRAY);
		return -EBADMSG;
	}
	array_sectors = (array_bytes + disk->sector_size - 1) / disk->sector_size;
	if (h->entries_lba == 0 || h->entries_lba >= disk->sectors ||
	    array_sectors > disk->sectors - h->entries_lba) {
		snprintf(why, why_len, "entry array at LBA %llu (%llu blocks) is not inside the disk",
			 (unsigned long long)h->entries_lba, (unsigned long long)array_sectors);
		return -EBADMSG;
	}
	return 0;
}

/* Reads the array and checks its CRC; *ret_array is malloc'd. */
static int array_load(const struct mp_ptable_disk *disk, const struct gpt_header *h,
		      uint8_t **ret_array, char *why, size_t why_len)
{
	size_t bytes = (size_t)h->n_entries * h->entry_size;
	uint32_t nsec = (uint32_t)((bytes + disk->sector_size - 1) / disk->sector_size);
	uint8_t *a;
	int r;

	a = malloc(nsec ? (size_t)nsec * disk->sector_size : 1);
	if (!a)
		return -ENOMEM;
	if (nsec) {
		r = disk->read(disk->userdata, h->entries_lba, nsec, a);
		if (r < 0) {
			snprintf(why, why_len, "cannot read the entry array at LBA %llu",
				 (unsigned long long)h->entries_lba);
			free(a);
			return r;
		}
	}
	if (mp_ptable_crc32(a, bytes) != h->entries_crc) {
		snprintf(why, why_len, "entry array CRC mismatch (array at LBA %llu)",
			 (unsigned long long)h->entries_lba);
		free(a);
		return -EBADMSG;
	}
	*ret_array = a;
	return 0;
}

static bool guid_is_zero(const uint8_t *g)
{
	for (int i = 0; i < 16; i++)
		if (g[i])
			return false;
	return true;
}

static int entries_to_table(const struct mp_ptable_disk *disk, const struct gpt_header *h,
			    const uint8_t *array, struct mp_ptable **ret, struct mp_ptable_diag *diag)
{
	struct mp_ptable *t;
	size_t used = 0;
	int r;

	for (uint32_t i = 0; i < h->n_entries; i++)
		if (!guid_is_zero(array + (size_t)i * h->entry_size))
			used++;
	r = ptable_new(MP_PTABLE_GPT, disk->sector_size, used, &t);
	if (r < 0)
		return r;
	for (uint32_t i = 0; i < h->n_entries; i++) {
		const uint8_t *e = array + (size_t)i * h->entry_size;
		uint64_t first = ptable_le64(e + 32), last = ptable_le64(e + 40);
		struct mp_ptable_part p = { .num = i + 1 };

		if (guid_is_zero(e))
			continue;
		if (first > last || first < h->first_usable || last > h->last_usable) {
			r = ptable_fail(diag, -EBADMSG,
					"GPT partition %u (LBA %llu-%llu) is not inside the usable range LBA %llu-%llu",
					p.num, (unsigned long long)first, (unsigned long long)last,
					(unsigned long long)h->first_usable, (unsigned long long)h->last_usable);
			mp_ptable_free(t);
			return r;
		}
		p.start = first;
		p.count = last - first + 1;	/* last < disk size: no wrap */
		memcpy(p.type_guid, e, 16);
		memcpy(p.part_guid, e + 16, 16);
		ptable_add(t, &p);
	}
	r = ptable_check(disk, t, diag);
	if (r < 0) {
		mp_ptable_free(t);
		return r;
	}
	*ret = t;
	return 0;
}

/* Header and array at lba both good: *ret_array filled. */
static int gpt_load(const struct mp_ptable_disk *disk, uint64_t lba, uint8_t *sector,
		    struct gpt_header *h, uint8_t **ret_array, char *why, size_t why_len)
{
	int r = header_load(disk, lba, sector, h, why, why_len);

	if (r < 0)
		return r;
	return array_load(disk, h, ret_array, why, why_len);
}

int mp_ptable_parse_gpt(const struct mp_ptable_disk *disk, struct mp_ptable **ret,
			struct mp_ptable_diag *diag)
{
	char why1[MP_PTABLE_DIAG_LEN / 2] = "", why2[MP_PTABLE_DIAG_LEN / 2] = "";
	struct mp_ptable *t = NULL;
	struct gpt_header h;
	uint8_t *sector, *array = NULL;
	uint64_t last;
	bool backup = false;
	int r;

	r = ptable_check_disk(disk, diag);
	if (r < 0)
		return r;
	if (disk->sectors < 3)
		return ptable_fail(diag, -EBADMSG, "disk of %llu blocks is too small for a GPT",
				   (unsigned long long)disk->sectors);
	last = disk->sectors - 1;
	sector = malloc(disk->sector_size);
	if (!sector)
		return -ENOMEM;
	r = gpt_load(disk, 1, sector, &h, &array, why1, sizeof(why1));
	if (r == -ENOMEM)
		goto out;
	if (r < 0) {
		backup = true;
		r = gpt_load(disk, last, sector, &h, &array, why2, sizeof(why2));
		if (r == -ENOMEM)
			goto out;
		if (r < 0) {
			r = ptable_fail(diag, r == -EBADMSG ? -EBADMSG : r,
					"no valid GPT: primary: %s; backup: %s", why1, why2);
			goto out;
		}
	}
	r = entries_to_table(disk, &h, array, &t, diag);
	if (r < 0)
		goto out;
	if (backup) {
		t->gpt_backup_used = true;
		snprintf(t->note, sizeof(t->note), "primary GPT is bad (%s); using the backup at LBA %llu",
			 why1, (unsigned long long)last);
	}
	*ret = t;
out:
	free(array);
	free(sector);
	return r;
}
