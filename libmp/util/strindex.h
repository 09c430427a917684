/* An index from string keys to positions in a caller's array, on
 * util/posindex.h (open addressing, at most half full). It stores
 * positions only and asks the caller for the key of a candidate position
 * (key_fn), so no string is copied and the caller's array stays the one
 * owner of its strings. Used by the bindings and wwids tables, whose files
 * can hold 10,000 lines and are re-read for every new map. */
#ifndef MP_UTIL_STRINDEX_H
#define MP_UTIL_STRINDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "util/posindex.h"

typedef const char *(*mp_strindex_key_fn)(const void *ctx, size_t pos);

struct mp_strindex {
	struct mp_posindex ix;
	mp_strindex_key_fn key;
	const void *ctx;
};

void mp_strindex_init(struct mp_strindex *ix, mp_strindex_key_fn key, const void *ctx);
/* Frees the slots; the index is empty (and usable) afterwards. */
void mp_strindex_release(struct mp_strindex *ix);
/* Makes room for `more` additions, so that a failure (-ENOMEM) comes before
 * the caller changes its array and mp_strindex_add cannot fail. */
int mp_strindex_reserve(struct mp_strindex *ix, size_t more);
/* Adds pos under key; room must have been reserved. */
void mp_strindex_add(struct mp_strindex *ix, const char *key, size_t pos);
/* Forgets every position, keeping the room (after the array shifted). */
void mp_strindex_clear(struct mp_strindex *ix);
bool mp_strindex_find(const struct mp_strindex *ix, const char *key, size_t *ret_pos);

#endif
