/* Shared between the MBR and GPT parsers only: little-endian loads, the
 * result builder and the final sanity check every table passes through. */
#ifndef MP_KPARTX_PTABLE_INTERNAL_H
#define MP_KPARTX_PTABLE_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "ptable-parse.h"

static inline uint16_t ptable_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t ptable_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t ptable_le64(const uint8_t *p)
{
	return (uint64_t)ptable_le32(p) | (uint64_t)ptable_le32(p + 4) << 32;
}

/* Formats diag->msg (diag may be NULL) and returns err, for one-line
 * "return ptable_fail(...)" error exits. */
int ptable_fail(struct mp_ptable_diag *diag, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int ptable_new(enum mp_ptable_kind kind, uint32_t sector_size, size_t cap, struct mp_ptable **ret);
/* Appends; the table was sized with cap so this cannot fail. */
void ptable_add(struct mp_ptable *t, const struct mp_ptable_part *p);
/* Every partition non-empty, past LBA 0 and inside the disk; no two
 * overlap; sorts by num. -EBADMSG with the reason otherwise. */
int ptable_check(const struct mp_ptable_disk *disk, struct mp_ptable *t, struct mp_ptable_diag *diag);
/* disk->sector_size sane and disk bytes fit 64 bits. */
int ptable_check_disk(const struct mp_ptable_disk *disk, struct mp_ptable_diag *diag);

#endif
