/* Byte-share data (mp/shares.h): the path_shares spec an administrator
 * writes, effective shares with demoted paths at the floor, and the block
 * layer's per-device counters turned into samples. Pure; owns nothing.
 *
 * Why these keys: a path's SCSI address H:C:T:L names the HBA port (or
 * iSCSI session) and target it goes through, which is what an
 * administrator means by "this link gets 70 %"; the kernel name is the
 * quick form for a test or a one-off; the target node name selects all
 * paths into one array controller (FC WWNN, iSCSI IQN). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mp/shares.h"

#define SPEC_WORD_MAX 256

bool mp_shares_glob(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;

	/* iterative: remember the last '*' and retry one character later */
	while (*s) {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat == '?' || *pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

/* Splits the next blank-separated word of *p into buf. 1, 0 at the end,
 * -EINVAL when it does not fit. */
static int next_word(const char **p, char *buf, size_t len)
{
	size_t l;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (!**p)
		return 0;
	l = strcspn(*p, " \t");
	if (l >= len)
		return -EINVAL;
	memcpy(buf, *p, l);
	buf[l] = '\0';
	*p += l;
	return 1;
}

/* "KEY=SHARE" -> key (in place) and share. */
static int split_entry(char *w, const char **ret_key, struct mp_share *ret_share)
{
	char *eq = strrchr(w, '=');

	if (!eq || eq == w)
		return -EINVAL;
	*eq = '\0';
	*ret_key = w;
	return mp_share_parse(eq + 1, ret_share);
}

int mp_shares_spec_validate(const char *spec, char *why, size_t whylen)
{
	char w[SPEC_WORD_MAX];
	const char *p = spec, *key;
	struct mp_share s;
	int r;

	if (!spec)
		return -EINVAL;
	while ((r = next_word(&p, w, sizeof(w))) > 0) {
		char shown[SPEC_WORD_MAX];

		snprintf(shown, sizeof(shown), "%s", w);
		if (split_entry(w, &key, &s) < 0) {
			snprintf(why, whylen,
				 "\"%s\": expected KEY=SHARE, SHARE 1..100000 or READ/WRITE", shown);
			return -EINVAL;
		}
	}
	if (r < 0)
		snprintf(why, whylen, "a word longer than %d bytes", SPEC_WORD_MAX - 1);
	return r;
}

int mp_shares_lookup(const char *spec, const struct mp_path *p, struct mp_share *ret)
{
	char w[SPEC_WORD_MAX], hctl[64];
	const char *q = spec, *key;
	struct mp_share s;

	if (!spec || !p)
		return -ENOENT;
	snprintf(hctl, sizeof(hctl), "%d:%d:%d:%lld", p->hbtl.host, p->hbtl.bus, p->hbtl.target,
		 (long long)p->hbtl.lun);
	while (next_word(&q, w, sizeof(w)) > 0) {
		if (split_entry(w, &key, &s) < 0)
			continue;
		if (mp_shares_glob(key, hctl) || (p->kname[0] && mp_shares_glob(key, p->kname)) ||
		    (p->tgt_node_name[0] && mp_shares_glob(key, p->tgt_node_name))) {
			*ret = s;
			return 0;
		}
	}
	return -ENOENT;
}

int mp_shares_effective(const struct mp_share *base, const unsigned int *pinned, size_t n,
			struct mp_share *ret)
{
	uint64_t n_pin = 0, pin_sum = 0;

	if (n && (!base || !pinned || !ret))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!pinned[i])
			continue;
		if (pinned[i] >= MP_SHARE_SCALE)
			return -EINVAL;
		n_pin++;
		pin_sum += pinned[i];
	}
	if (n_pin == 0 || n_pin == n) {
		/* nothing to rescale (all pinned: the policy never does that) */
		for (size_t i = 0; i < n; i++)
			ret[i] = base[i];
		return 0;
	}
	if (pin_sum >= MP_SHARE_SCALE)
		return -EINVAL;
	for (unsigned int d = 0; d < _MP_DIR_MAX; d++) {
		uint64_t sum = 0, room = MP_SHARE_SCALE - pin_sum;

		for (size_t i = 0; i < n; i++)
			if (!pinned[i])
				sum += base[i].v[d];
		for (size_t i = 0; i < n; i++) {
			uint64_t v = pinned[i] ? pinned[i] : sum ? base[i].v[d] * room / sum : 1;

			ret[i].v[d] = v < MP_SHARE_MIN ? MP_SHARE_MIN : (unsigned int)v;
		}
	}
	return 0;
}

int mp_shares_relative_throughput(const struct mp_share *s, size_t n, unsigned int *ret)
{
	uint64_t max = 0;

	if (n && (!s || !ret))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint64_t w = (uint64_t)s[i].v[MP_DIR_READ] + s[i].v[MP_DIR_WRITE];

		if (w > max)
			max = w;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t w = (uint64_t)s[i].v[MP_DIR_READ] + s[i].v[MP_DIR_WRITE];
		uint64_t v = max ? (w * MP_SHARE_ST_MAX + max / 2) / max : MP_SHARE_ST_MAX;

		ret[i] = v ? (unsigned int)v : 1;
	}
	return 0;
}

bool mp_shares_moddep_lists(const char *line, const char *name)
{
	const char *colon = line ? strchr(line, ':') : NULL, *base, *rest;
	size_t n = name ? strlen(name) : 0;

	if (!colon || !n)
		return false;
	/* the file name of the module path, before the ':' */
	base = colon;
	while (base > line && base[-1] != '/')
		base--;
	if ((size_t)(colon - base) < n + 3 || strncmp(base, name, n) != 0 || strncmp(base + n, ".ko", 3) != 0)
		return false;
	rest = base + n + 3;
	/* ".ko" alone, or ".ko.xz" / ".ko.zst" / ".ko.gz" (a compressed module) */
	return rest == colon || (*rest == '.' && rest + 1 < colon);
}

int mp_blkstat_parse(const char *text, struct mp_blkstat *ret)
{
	unsigned long long f[11];
	int n;

	if (!text)
		return -EINVAL;
	n = sscanf(text, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1],
		   &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9], &f[10]);
	if (n != 11)
		return -EINVAL;
	/* read I/Os, merges, sectors, ticks; write the same; in_flight,
	 * io_ticks, time_in_queue (then discard and flush, unused) */
	*ret = (struct mp_blkstat){
		.ios = { f[0], f[4] },
		.sectors = { f[2], f[6] },
		.ticks_ms = { f[3], f[7] },
		.in_flight = f[8],
		.io_ticks_ms = f[9],
	};
	return 0;
}

static uint64_t delta(uint64_t a, uint64_t b)
{
	return b >= a ? b - a : 0;
}

void mp_share_sample_delta(const struct mp_blkstat *prev, const struct mp_blkstat *cur,
			   struct mp_share_sample *ret)
{
	struct mp_share_sample s = { .valid = true };

	for (unsigned int d = 0; d < _MP_DIR_MAX; d++) {
		s.ios[d] = delta(prev->ios[d], cur->ios[d]);
		s.bytes[d] = delta(prev->sectors[d], cur->sectors[d]) * 512u;
		s.ticks_ms[d] = delta(prev->ticks_ms[d], cur->ticks_ms[d]);
	}
	*ret = s;
}

int mp_share_sample_latency_us(const struct mp_share_sample *s, int dir, unsigned int min_ios,
			       uint64_t *ret)
{
	uint64_t ios = 0, ticks = 0;

	if (!s->valid)
		return -ENODATA;
	for (int d = 0; d < _MP_DIR_MAX; d++) {
		if (dir >= 0 && d != dir)
			continue;
		ios += s->ios[d];
		ticks += s->ticks_ms[d];
	}
	if (ios == 0 || ios < min_ios)
		return -ENODATA;
	*ret = ticks * 1000u / ios;
	return 0;
}
