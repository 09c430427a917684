/* An index from hashes to positions in a caller's array: open addressing
 * with linear probing, at most half full, capacity 0 or a power of two.
 * Each slot keeps its hash beside the position, so the index grows without
 * asking for keys, and the caller compares the keys of the candidates a
 * lookup yields. Keys stay with the caller: strindex (string keys) and the
 * daemon's path table (device numbers) are built on it. */
#ifndef MP_UTIL_POSINDEX_H
#define MP_UTIL_POSINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mp_posindex_slot {
	uint64_t hash;
	size_t pos1;		/* position + 1; 0 = empty */
};

struct mp_posindex {
	struct mp_posindex_slot *slot;
	size_t cap, used;
};

/* Frees the slots; the index is empty (and usable) afterwards. */
void mp_posindex_release(struct mp_posindex *ix);
/* Makes room for `more` additions, so that a failure (-ENOMEM) comes before
 * the caller changes its array and mp_posindex_add cannot fail. */
int mp_posindex_reserve(struct mp_posindex *ix, size_t more);
/* Adds pos under hash; room must have been reserved. */
void mp_posindex_add(struct mp_posindex *ix, uint64_t hash, size_t pos);
/* Forgets every position, keeping the room (after the array shifted). */
void mp_posindex_clear(struct mp_posindex *ix);
/* The positions added under hash, one a call: *cursor is 0 for the first
 * call and carried between calls; false when no candidate is left. */
bool mp_posindex_next(const struct mp_posindex *ix, uint64_t hash, size_t *cursor,
		      size_t *ret_pos);

/* A 64-bit integer spread over all bits (Fibonacci hashing), for integer keys. */
static inline uint64_t mp_posindex_hash_u64(uint64_t key)
{
	return (key ^ (key >> 31)) * 0x9e3779b97f4a7c15ull;
}

#endif
