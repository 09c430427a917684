/* Compiling administrator-supplied POSIX extended regexes safely. glibc's
 * regcomp duplicates the parse tree for each repetition operator, so a
 * pattern with a long run of them ("a++++…") or large nested {n} bounds
 * makes it allocate without limit. Every regex from a config file, a
 * prio_args string or the command line goes through mp_regex_compile. */
#ifndef MP_UTIL_REGEX_H
#define MP_UTIL_REGEX_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#define MP_REGEX_MAX_LEN 1024

/* True when the pattern is short enough and repeats little enough for
 * regcomp to compile it in bounded memory. */
bool mp_regex_sane(const char *pattern);

/* regcomp(REG_EXTENDED | REG_NOSUB | extra_flags) after mp_regex_sane.
 * Returns 0, -E2BIG for a pattern refused as too long or too repetitive,
 * -EINVAL for a pattern regcomp rejects, -ENOMEM; on failure the reason is
 * written to err (when given) and nothing needs freeing. */
int mp_regex_compile(regex_t *re, const char *pattern, int extra_flags, char *err, size_t errlen);

#endif
