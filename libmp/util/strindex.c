/* String-keyed position index (util/strindex.h). Owns its slot array. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/strindex.h"

/* FNV-1a over a NUL-terminated string. */
static size_t strindex_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return (size_t)h;
}

static void place(size_t *slot, size_t cap, const char *key, size_t value)
{
	size_t i = strindex_hash(key) & (cap - 1);

	while (slot[i])
		i = (i + 1) & (cap - 1);
	slot[i] = value;
}

void mp_strindex_init(struct mp_strindex *ix, mp_strindex_key_fn key, const void *ctx)
{
	*ix = (struct mp_strindex){ .key = key, .ctx = ctx };
}

void mp_strindex_release(struct mp_strindex *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->cap = ix->used = 0;
}

int mp_strindex_reserve(struct mp_strindex *ix, size_t more)
{
	size_t cap = ix->cap ? ix->cap : 64, *slot;

	if (more > SIZE_MAX / 4 - ix->used)
		return -ENOMEM;
	if (2 * (ix->used + more) <= ix->cap)
		return 0;
	while (cap < 2 * (ix->used + more))
		cap *= 2;
	slot = calloc(cap, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	for (size_t i = 0; i < ix->cap; i++)
		if (ix->slot[i])
			place(slot, cap, ix->key(ix->ctx, ix->slot[i] - 1), ix->slot[i]);
	free(ix->slot);
	ix->slot = slot;
	ix->cap = cap;
	return 0;
}

void mp_strindex_add(struct mp_strindex *ix, const char *key, size_t pos)
{
	place(ix->slot, ix->cap, key, pos + 1);
	ix->used++;
}

void mp_strindex_clear(struct mp_strindex *ix)
{
	if (ix->slot)
		memset(ix->slot, 0, ix->cap * sizeof(*ix->slot));
	ix->used = 0;
}

bool mp_strindex_find(const struct mp_strindex *ix, const char *key, size_t *ret_pos)
{
	if (!ix->cap)
		return false;
	for (size_t i = strindex_hash(key) & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
		size_t s = ix->slot[i];

		if (!s)
			return false;
		if (!strcmp(ix->key(ix->ctx, s - 1), key)) {
			if (ret_pos)
				*ret_pos = s - 1;
			return true;
		}
	}
}
