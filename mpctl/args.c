/* Argument words shared by mpctl's commands and the compat clients
 * (multipath, multipathd's client mode): strict numbers for options, and
 * the MAP|WWID argument of add map / multipath -a, which may be a t10.
 * WWID with blanks; the command words of multipathd's client mode. Pure functions over strings (unit-tested in
 * tests/unit/test-mpctl-args.c); nothing here prints or keeps state. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mp/strbuf.h"
#include "mp/vpd.h"
#include "mpctl.h"

/* Only decimal digits (and for seconds one '.') are taken: strtol/strtod
 * alone would accept " 5", "+5", "0x10", "1e3", "inf" and "nan", and a
 * typo must be a usage error, not a surprising value. */
static int check_decimal(const char *s, bool fraction)
{
	unsigned int digits = 0, dots = 0;

	if (!s || !*s)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.' && fraction)
			dots++;
		else
			return -EINVAL;
	}
	return digits && dots <= 1 ? 0 : -EINVAL;
}

int mpctl_parse_count(const char *s, long lo, long hi, long *ret)
{
	char *end;
	long v;
	int r;

	r = check_decimal(s, false);
	if (r < 0)
		return r;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return -ERANGE;
	if (v < lo || v > hi)
		return -ERANGE;
	*ret = v;
	return 0;
}

int mpctl_parse_seconds(const char *s, double lo, double hi, double *ret)
{
	char *end;
	double v;
	int r;

	r = check_decimal(s, true);
	if (r < 0)
		return r;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end)
		return -ERANGE;
	if (!(v >= lo && v <= hi))
		return -ERANGE;
	*ret = v;
	return 0;
}

int mpctl_map_arg(char *const *words, size_t n, char *ret, size_t len)
{
	struct mp_strbuf sb = MP_STRBUF_INIT;
	char wwid[MP_WWID_SIZE];
	int r;

	if (n == 0 || !words[0][0])
		return -EINVAL;
	if (n == 1 && !strpbrk(words[0], " \t\r\n")) {
		if (strlen(words[0]) >= len)
			return -ENAMETOOLONG;
		memcpy(ret, words[0], strlen(words[0]) + 1);
		return 0;
	}
	/* several words are one WWID only when it is the t10. form, the only
	 * designator the kernel prints with blanks; a blank run and a single
	 * blank give the same WWID (squeezed to one '_'), so words the shell
	 * split are joined with one blank without losing anything */
	if (n > 1 && strncasecmp(words[0], "t10.", 4))
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		r = mp_strbuf_printf(&sb, "%s%s", i ? " " : "", words[i]);
		if (r < 0)
			goto out;
	}
	r = mp_wwid_from_user(mp_strbuf_str(&sb), wwid, sizeof(wwid));
	if (r < 0)
		goto out;
	if (strlen(wwid) >= len) {
		r = -ENAMETOOLONG;
		goto out;
	}
	memcpy(ret, wwid, strlen(wwid) + 1);
	r = 0;
out:
	mp_strbuf_release(&sb);
	return r;
}

int mpctl_command_words(int argc, char *const *argv, size_t max_len, const char ***ret_words,
			size_t *ret_n)
{
	bool split = argc == 1 && strpbrk(argv[0], " \t");
	const char **w;
	size_t n = 0, len = 0, cap;
	int r;

	if (argc <= 0)
		return -EINVAL;
	/* one word with blanks: split a copy kept behind the pointer array,
	 * which has room for the most words it can hold (one per two bytes) */
	cap = split ? strlen(argv[0]) / 2 + 1 : (size_t)argc;
	w = malloc(cap * sizeof(*w) + (split ? strlen(argv[0]) + 1 : 0));
	if (!w)
		return -ENOMEM;
	if (split) {
		char *copy = memcpy((char *)(w + cap), argv[0], strlen(argv[0]) + 1), *save = NULL;

		for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
			w[n++] = t;
	} else {
		for (int i = 0; i < argc; i++)
			w[n++] = argv[i];
	}
	for (size_t i = 0; i < n; i++)
		len += strlen(w[i]) + (i ? 1 : 0);
	r = n == 0 || len == 0 ? -EINVAL : len >= max_len ? -E2BIG : 0;
	if (r < 0)
		goto out;
	*ret_words = w;
	*ret_n = n;
	w = NULL;
out:
	free(w);
	return r;
}
