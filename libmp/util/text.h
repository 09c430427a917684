/* Small text helpers shared by the line-oriented parsers (bindings and
 * wwids files): the blank characters inside a line. */
#ifndef MP_UTIL_TEXT_H
#define MP_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Blank within a line: newline excluded, CR included so CRLF files parse. */
static inline bool mp_text_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

#endif
