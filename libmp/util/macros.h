/* Macros every libmp module may use. */
#ifndef MP_UTIL_MACROS_H
#define MP_UTIL_MACROS_H

/* Elements of an array (not a pointer: sizeof would give the pointer's). */
#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

#endif
