/* Scope-bound cleanup helpers (gcc/clang cleanup attribute), internal to
 * the project. TAKE_PTR hands ownership out of a cleanup-managed variable. */
#ifndef MP_UTIL_CLEANUP_H
#define MP_UTIL_CLEANUP_H

#include <stdlib.h>

static inline void mp_freep(void *p)
{
	free(*(void **)p);
}

#define _cleanup_free_ __attribute__((cleanup(mp_freep)))

#define TAKE_PTR(p) ({ __typeof__(p) _p = (p); (p) = NULL; _p; })

#endif
