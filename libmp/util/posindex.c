/* Hash-to-position index (util/posindex.h). Owns its slot array. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/posindex.h"

/* The probe starts from the hash's high bits: Fibonacci hashing puts its
 * spread there, and FNV's are as good as its low ones. */
static size_t home(uint64_t hash, size_t cap)
{
	return (size_t)(hash >> 32 ^ hash) & (cap - 1);
}

static void place(struct mp_posindex_slot *slot, size_t cap, uint64_t hash, size_t pos1)
{
	size_t i = home(hash, cap);

	while (slot[i].pos1)
		i = (i + 1) & (cap - 1);
	slot[i] = (struct mp_posindex_slot){ .hash = hash, .pos1 = pos1 };
}

void mp_posindex_release(struct mp_posindex *ix)
{
	free(ix->slot);
	*ix = (struct mp_posindex){ 0 };
}

int mp_posindex_reserve(struct mp_posindex *ix, size_t more)
{
	size_t cap = ix->cap ? ix->cap : 64;
	struct mp_posindex_slot *slot;

	if (more > SIZE_MAX / 4 / sizeof(*slot) - ix->used)
		return -ENOMEM;
	if (2 * (ix->used + more) <= ix->cap)
		return 0;
	while (cap < 2 * (ix->used + more))
		cap *= 2;
	slot = calloc(cap, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	for (size_t i = 0; i < ix->cap; i++)
		if (ix->slot[i].pos1)
			place(slot, cap, ix->slot[i].hash, ix->slot[i].pos1);
	free(ix->slot);
	ix->slot = slot;
	ix->cap = cap;
	return 0;
}

void mp_posindex_add(struct mp_posindex *ix, uint64_t hash, size_t pos)
{
	place(ix->slot, ix->cap, hash, pos + 1);
	ix->used++;
}

void mp_posindex_clear(struct mp_posindex *ix)
{
	if (ix->slot)
		memset(ix->slot, 0, ix->cap * sizeof(*ix->slot));
	ix->used = 0;
}

bool mp_posindex_next(const struct mp_posindex *ix, uint64_t hash, size_t *cursor,
		      size_t *ret_pos)
{
	if (!ix->cap)
		return false;
	/* *cursor counts the slots already probed, so a call resumes after
	 * the candidate the previous one returned */
	for (size_t n = *cursor; n < ix->cap; n++) {
		const struct mp_posindex_slot *s = &ix->slot[(home(hash, ix->cap) + n) & (ix->cap - 1)];

		if (!s->pos1)
			return false;
		if (s->hash == hash) {
			*cursor = n + 1;
			*ret_pos = s->pos1 - 1;
			return true;
		}
	}
	return false;
}
