/* String-keyed position index (util/strindex.h), on util/posindex. */
#include <stdint.h>
#include <string.h>

#include "util/strindex.h"

/* FNV-1a over a NUL-terminated string. */
static uint64_t strindex_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

void mp_strindex_init(struct mp_strindex *ix, mp_strindex_key_fn key, const void *ctx)
{
	*ix = (struct mp_strindex){ .key = key, .ctx = ctx };
}

void mp_strindex_release(struct mp_strindex *ix)
{
	mp_posindex_release(&ix->ix);
}

int mp_strindex_reserve(struct mp_strindex *ix, size_t more)
{
	return mp_posindex_reserve(&ix->ix, more);
}

void mp_strindex_add(struct mp_strindex *ix, const char *key, size_t pos)
{
	mp_posindex_add(&ix->ix, strindex_hash(key), pos);
}

void mp_strindex_clear(struct mp_strindex *ix)
{
	mp_posindex_clear(&ix->ix);
}

bool mp_strindex_find(const struct mp_strindex *ix, const char *key, size_t *ret_pos)
{
	uint64_t h = strindex_hash(key);
	size_t cursor = 0, pos;

	while (mp_posindex_next(&ix->ix, h, &cursor, &pos))
		if (!strcmp(ix->key(ix->ctx, pos), key)) {
			if (ret_pos)
				*ret_pos = pos;
			return true;
		}
	return false;
}
