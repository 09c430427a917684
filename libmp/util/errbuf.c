/* Optional error-message buffers (util/errbuf.h). Owns nothing. */
#include <stdarg.h>
#include <stdio.h>

#include "util/errbuf.h"

void mp_errbuf_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
