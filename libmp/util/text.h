/* Small text helpers shared by the line-oriented parsers (bindings and
 * wwids files): the blank characters inside a line, and the string hash
 * their open-addressing indexes use. */
#ifndef MP_UTIL_TEXT_H
#define MP_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Blank within a line: newline excluded, CR included so CRLF files parse. */
static inline bool mp_text_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* FNV-1a over a NUL-terminated string. */
static inline size_t mp_text_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return (size_t)h;
}

#endif
