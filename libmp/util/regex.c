/* Bounded regex compilation (util/regex.h). Owns nothing: the caller
 * regfree()s what mp_regex_compile compiled. */
#include <errno.h>
#include <string.h>

#include "util/errbuf.h"
#include "util/regex.h"

static bool is_repetition(char c)
{
	return c == '*' || c == '+' || c == '?' || c == '{';
}

bool mp_regex_sane(const char *re)
{
	unsigned long sum = 0;
	unsigned int groups = 0, run = 0;
	bool escaped = false;

	if (strlen(re) > MP_REGEX_MAX_LEN)
		return false;
	for (const char *p = re; *p; p++) {
		unsigned long num = 0;

		if (escaped) {
			escaped = false;
			run = 0;
			continue;
		}
		if (*p == '\\') {
			escaped = true;
			continue;
		}
		/* Stacked operators ("a+*+?") mean nothing more than one of
		 * them, but each one doubles what regcomp builds. */
		run = is_repetition(*p) ? run + 1 : 0;
		if (run > 2)
			return false;
		if (*p != '{')
			continue;
		groups++;
		for (p++; *p && *p != '}'; p++) {
			if (*p >= '0' && *p <= '9') {
				num = num * 10 + (unsigned long)(*p - '0');
				if (num > 100000)
					num = 100000;
			} else {
				sum += num;
				num = 0;
			}
		}
		sum += num;
		if (!*p)
			break;
	}
	return groups <= 2 && sum <= 255;
}

int mp_regex_compile(regex_t *re, const char *pattern, int extra_flags, char *err, size_t errlen)
{
	int rc;

	if (!mp_regex_sane(pattern)) {
		mp_errbuf_set(err, errlen, "too long or repeats too much (at most %d characters, "
			      "two stacked repetition operators and {n} counts adding up to 255)",
			      MP_REGEX_MAX_LEN);
		return -E2BIG;
	}
	rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB | extra_flags);
	if (rc != 0) {
		if (err && errlen > 0)
			regerror(rc, re, err, errlen);
		return rc == REG_ESPACE ? -ENOMEM : -EINVAL;
	}
	return 0;
}
