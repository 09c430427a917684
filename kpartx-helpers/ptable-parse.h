/* Partition-table parsers for kpartx-helpers: MBR (with the extended
 * partition's EBR chain) and GPT (header and entry-array CRCs, backup header
 * at the last LBA), as pure functions over sectors handed out by a read
 * callback. No I/O of their own: the caller's callback does the reading, so
 * the unit tests and fuzzers serve memory images.
 *
 * Guarantees: the callback is only ever asked for whole sectors inside
 * [0, disk->sectors); a table that is corrupt or hostile (overlapping or
 * out-of-range partitions, EBR loops or overlong chains, bad CRCs, absurd
 * GPT sizes) is refused as a whole with -EBADMSG and a one-line reason in
 * diag, never half-parsed.
 *
 * Units: partitions are in the disk's logical blocks (sector_size bytes);
 * mp_ptable_part_dm_start/_size convert to the 512-byte sectors of dm. */
#ifndef MP_KPARTX_PTABLE_PARSE_H
#define MP_KPARTX_PTABLE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MP_PTABLE_DIAG_LEN 256
/* Bounds against hostile tables. 128 entries of 128 bytes is the usual
 * GPT; anything up to 4096 entries and 1 MiB of array is accepted. */
#define MP_PTABLE_GPT_MAX_ENTRIES 4096u
#define MP_PTABLE_GPT_MAX_ARRAY (1u << 20)
#define MP_PTABLE_GPT_MAX_ENTRY_SIZE 4096u
/* EBRs followed in one extended partition (the kernel stops near 256
 * minors per disk anyway). */
#define MP_PTABLE_MBR_MAX_LOGICAL 128u

/* Reads count sectors starting at lba into buf (count * sector_size bytes).
 * 0 or -errno. */
typedef int (*mp_ptable_read_fn)(void *userdata, uint64_t lba, uint32_t count, void *buf);

struct mp_ptable_disk {
	uint32_t sector_size;	/* logical block size: 512 .. 65536, power of 2 */
	uint64_t sectors;	/* disk size in logical blocks */
	mp_ptable_read_fn read;
	void *userdata;
};

enum mp_ptable_kind {
	MP_PTABLE_NONE,		/* no MBR signature, or not a partition table */
	MP_PTABLE_MBR,
	MP_PTABLE_GPT,
	_MP_PTABLE_KIND_MAX,
};

struct mp_ptable_part {
	unsigned int num;	/* 1-4 primary, 5.. logical; GPT entry index + 1 */
	uint64_t start;		/* logical blocks */
	uint64_t count;		/* logical blocks, > 0 */
	uint8_t mbr_type;	/* MBR only */
	bool logical;		/* MBR only */
	uint8_t type_guid[16];	/* GPT only, on-disk byte order */
	uint8_t part_guid[16];
};

struct mp_ptable {
	enum mp_ptable_kind kind;
	uint32_t sector_size;
	bool gpt_backup_used;	/* the primary GPT was bad: note says why */
	char note[MP_PTABLE_DIAG_LEN];	/* a warning worth logging, or "" */
	size_t n_parts;
	struct mp_ptable_part *parts;	/* sorted by num */
};

/* Why a parse failed: written on failure only. */
struct mp_ptable_diag {
	char msg[MP_PTABLE_DIAG_LEN];
};

/* Reads LBA 0 and picks the parser: a protective (0xEE) MBR means GPT.
 * Returns 0 with kind NONE when the disk has no partition table; -EBADMSG
 * for a corrupt one; -EINVAL for a bad disk description; a read error as
 * the callback returned it. *ret is freed with mp_ptable_free. */
int mp_ptable_parse(const struct mp_ptable_disk *disk, struct mp_ptable **ret,
		    struct mp_ptable_diag *diag);
/* sector0 is LBA 0 (sector_size bytes). -EMEDIUMTYPE if it is a protective
 * MBR (the disk is GPT). */
int mp_ptable_parse_mbr(const struct mp_ptable_disk *disk, const uint8_t *sector0,
			struct mp_ptable **ret, struct mp_ptable_diag *diag);
/* Primary header at LBA 1, else the backup at the last LBA. */
int mp_ptable_parse_gpt(const struct mp_ptable_disk *disk, struct mp_ptable **ret,
			struct mp_ptable_diag *diag);
/* True if LBA 0 holds a protective or hybrid MBR (a 0xEE entry). */
bool mp_ptable_mbr_is_protective(const uint8_t *sector0);

struct mp_ptable *mp_ptable_free(struct mp_ptable *t);
const char *mp_ptable_kind_to_string(enum mp_ptable_kind k);

static inline uint64_t mp_ptable_part_dm_start(const struct mp_ptable *t, const struct mp_ptable_part *p)
{
	return p->start * (t->sector_size / 512);
}
static inline uint64_t mp_ptable_part_dm_size(const struct mp_ptable *t, const struct mp_ptable_part *p)
{
	return p->count * (t->sector_size / 512);
}

/* CRC-32 as GPT uses it (IEEE 802.3, reflected, init and final ~0). */
uint32_t mp_ptable_crc32(const void *buf, size_t len);

#endif
