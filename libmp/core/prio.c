/* Prioritizers' pure parts (mp/prio.h): ALUA state to priority, sysfs
 * access_state parsing, weightedpath matching and the path_latency
 * formula. Owns nothing: regexes compiled for weightedpath live only for
 * one call (a prio_args string is a handful of patterns, and keeping no
 * cache keeps libmp free of mutable state). */
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp/prio.h"
#include "util/cleanup.h"
#include "util/regex.h"

int mp_prio_alua(enum mp_alua_state state, bool pref)
{
	int prio;

	switch (state) {
	case MP_ALUA_OPTIMIZED: prio = 50; break;
	case MP_ALUA_NON_OPTIMIZED: prio = 10; break;
	case MP_ALUA_LBA_DEPENDENT: prio = 5; break;
	case MP_ALUA_STANDBY: prio = 1; break;
	default: prio = 0; break;
	}
	return pref ? prio + MP_PRIO_ALUA_PREF_BONUS : prio;
}

int mp_alua_state_from_sysfs(const char *s, enum mp_alua_state *ret)
{
	static const enum mp_alua_state states[] = {
		MP_ALUA_OPTIMIZED, MP_ALUA_NON_OPTIMIZED, MP_ALUA_STANDBY,
		MP_ALUA_UNAVAILABLE, MP_ALUA_LBA_DEPENDENT, MP_ALUA_OFFLINE,
		MP_ALUA_TRANSITIONING,
	};
	size_t n;

	if (!s || !ret)
		return -EINVAL;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		const char *name = mp_alua_state_to_string(states[i]);

		if (strlen(name) == n && strncmp(name, s, n) == 0) {
			*ret = states[i];
			return 0;
		}
	}
	return -EINVAL;
}

int mp_prio_const(void)
{
	return 1;
}

static int parse_prio(const char *s, int *ret)
{
	char *end;
	long v;

	if (!s[0] || s[0] == '-' || s[0] == '+')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v > INT_MAX)
		return -EINVAL;
	*ret = (int)v;
	return 0;
}

int mp_prio_weightedpath(const char *args, const struct mp_path *p, const char *wwn,
			 int *ret, char *err, size_t errlen)
{
	_cleanup_free_ char *copy = NULL;
	char hbtl[64], *save = NULL, *kind, *re, *prio_s;
	const char *subject;
	int result = 0;
	bool matched = false;

	if (err && errlen)
		err[0] = '\0';
	if (!args || !p || !ret)
		return -EINVAL;
	copy = strdup(args);
	if (!copy)
		return -ENOMEM;
	kind = strtok_r(copy, " \t", &save);
	if (!kind) {
		if (err && errlen)
			snprintf(err, errlen, "weightedpath: empty prio_args");
		return -EINVAL;
	}
	if (strcmp(kind, "hbtl") == 0) {
		snprintf(hbtl, sizeof(hbtl), "%d:%d:%d:%lld", p->hbtl.host, p->hbtl.bus,
			 p->hbtl.target, (long long)p->hbtl.lun);
		subject = hbtl;
	} else if (strcmp(kind, "devname") == 0) {
		subject = p->kname;
	} else if (strcmp(kind, "serial") == 0) {
		subject = p->serial;
	} else if (strcmp(kind, "wwn") == 0) {
		subject = wwn;
	} else {
		if (err && errlen)
			snprintf(err, errlen, "weightedpath: unknown kind \"%s\"", kind);
		return -EINVAL;
	}
	/* Every pair is validated even after a match, so a typo later in
	 * the list is reported now rather than when some path reaches it. */
	while ((re = strtok_r(NULL, " \t", &save))) {
		regex_t rx;
		char msg[160];
		int prio, rc;

		prio_s = strtok_r(NULL, " \t", &save);
		if (!prio_s || parse_prio(prio_s, &prio) < 0) {
			if (err && errlen)
				snprintf(err, errlen, "weightedpath: regex \"%s\" needs a "
					 "priority >= 0", re);
			return -EINVAL;
		}
		rc = mp_regex_compile(&rx, re, 0, msg, sizeof(msg));
		if (rc < 0) {
			if (err && errlen)
				snprintf(err, errlen, "weightedpath: regex \"%s\": %s", re, msg);
			return -EINVAL;
		}
		if (!matched && subject && subject[0] && regexec(&rx, subject, 0, NULL, 0) == 0) {
			matched = true;
			result = prio;
		}
		regfree(&rx);
	}
	*ret = result;
	return 0;
}

int mp_prio_latency_args_parse(const char *args, struct mp_latency_args *ret)
{
	struct mp_latency_args a = { .io_num = 20, .base_num = 10 };
	_cleanup_free_ char *copy = NULL;
	char *save = NULL, *tok;

	if (!ret)
		return -EINVAL;
	if (!args) {
		*ret = a;
		return 0;
	}
	copy = strdup(args);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		unsigned int *dst, lo, hi;
		char *eq = strchr(tok, '='), *end;
		unsigned long v;

		if (!eq)
			return -EINVAL;
		*eq = '\0';
		if (strcmp(tok, "io_num") == 0) {
			dst = &a.io_num, lo = 2, hi = 200;
		} else if (strcmp(tok, "base_num") == 0) {
			dst = &a.base_num, lo = 2, hi = 10;
		} else {
			return -EINVAL;
		}
		if (!eq[1] || eq[1] == '-' || eq[1] == '+')
			return -EINVAL;
		errno = 0;
		v = strtoul(eq + 1, &end, 10);
		if (errno || *end || v < lo || v > hi)
			return -EINVAL;
		*dst = (unsigned int)v;
	}
	*ret = a;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int latency_median(const uint64_t *samples_us, size_t n, unsigned int base, uint64_t *ret)
{
	_cleanup_free_ uint64_t *v = NULL;

	if (!ret || base < 2 || base > 10 || (n && !samples_us))
		return -EINVAL;
	if (n == 0)
		return -ENODATA;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memcpy(v, samples_us, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_u64);
	/* even counts: the lower middle, which avoids an overflowing sum */
	*ret = v[(n - 1) / 2] < 1 ? 1 : v[(n - 1) / 2];
	return 0;
}

static int latency_prio_of(uint64_t m, unsigned int base)
{
	int level = 0;

	while (m >= base) {	/* integer floor(log_base(m)), no libm */
		m /= base;
		level++;
	}
	return level >= MP_PRIO_LATENCY_MAX - 1 ? 1 : MP_PRIO_LATENCY_MAX - level;
}

int mp_prio_path_latency(const uint64_t *samples_us, size_t n, unsigned int base, int *ret)
{
	uint64_t m;
	int r = latency_median(samples_us, n, base, &m);

	if (r < 0)
		return r;
	*ret = latency_prio_of(m, base);
	return 0;
}

/* base^level, saturating: the lower bound of a level in microseconds. */
static uint64_t level_floor_us(unsigned int base, int level)
{
	uint64_t v = 1;

	for (int i = 0; i < level; i++) {
		if (v > UINT64_MAX / base)
			return UINT64_MAX;
		v *= base;
	}
	return v;
}

int mp_prio_path_latency_keep(const uint64_t *samples_us, size_t n, unsigned int base, int cur,
			      int *ret)
{
	uint64_t m, lo, hi;
	int r = latency_median(samples_us, n, base, &m), level;

	if (r < 0)
		return r;
	*ret = latency_prio_of(m, base);
	if (cur < 1 || cur > MP_PRIO_LATENCY_MAX || *ret == cur)
		return 0;
	/* the current level spans [lo, hi); leaving it takes a median a
	 * third below lo or half above hi */
	level = MP_PRIO_LATENCY_MAX - cur;
	lo = level_floor_us(base, level);
	hi = level_floor_us(base, level + 1);
	if ((m >= lo / 3 * 2 || level == 0) && (m < hi || m - hi < hi / 2))
		*ret = cur;
	return 0;
}
