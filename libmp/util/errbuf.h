/* Writing an optional caller-supplied error message buffer: decoders take
 * (char *err, size_t errlen) and explain a refusal there when it is given. */
#ifndef MP_UTIL_ERRBUF_H
#define MP_UTIL_ERRBUF_H

#include <stddef.h>

/* Formats into err when err is not NULL and errlen > 0; else does nothing. */
void mp_errbuf_set(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
