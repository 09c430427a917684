/* Names, uuids and linear tables of partition maps, and the reconciliation
 * plan between what exists and what the partition table wants. Pure data
 * in, actions out; see partmap.h. Arrays handed out are malloc'd and
 * belong to the caller. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "partmap.h"

static const char *const op_names[_MP_PARTMAP_OP_MAX] = {
	[MP_PARTMAP_KEEP] = "keep",
	[MP_PARTMAP_CREATE] = "create",
	[MP_PARTMAP_RELOAD] = "reload",
	[MP_PARTMAP_REMOVE] = "remove",
};

const char *mp_partmap_op_to_string(enum mp_partmap_op op)
{
	return (unsigned int)op < _MP_PARTMAP_OP_MAX ? op_names[op] : NULL;
}

int mp_partmap_name(const char *parent, const char *sep, unsigned int num, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s%s%u", parent, sep, num);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int mp_partmap_uuid(const char *parent_uuid, unsigned int num, char *buf, size_t len)
{
	int n = snprintf(buf, len, "part%u-%s", num, parent_uuid);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int mp_partmap_uuid_num(const char *uuid, const char *parent_uuid, unsigned int *ret_num)
{
	unsigned long n = 0;
	const char *p;

	if (strncmp(uuid, "part", 4) != 0)
		return -EINVAL;
	p = uuid + 4;
	if (*p < '1' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (unsigned long)(*p - '0');
		if (n > 1000000)
			return -EINVAL;
	}
	if (*p != '-' || strcmp(p + 1, parent_uuid) != 0)
		return -EINVAL;
	*ret_num = (unsigned int)n;
	return 0;
}

int mp_partmap_params_start(const char *params, const struct mp_partmap_parent *parent,
			    uint64_t *ret_start)
{
	unsigned int maj, min;
	uint64_t start;
	int used = 0;

	if (sscanf(params, "%u:%u %" SCNu64 "%n", &maj, &min, &start, &used) != 3)
		return -EINVAL;
	if (maj != parent->major || min != parent->minor)
		return -EINVAL;
	for (const char *p = params + used; *p; p++)
		if (*p != ' ')
			return -EINVAL;
	*ret_start = start;
	return 0;
}

int mp_partmap_wanted(const struct mp_ptable *t, const struct mp_partmap_parent *parent,
		      const char *sep, struct mp_partmap **ret, size_t *ret_n)
{
	struct mp_partmap *w = NULL;
	int r;

	if (t->n_parts) {
		w = calloc(t->n_parts, sizeof(*w));
		if (!w)
			return -ENOMEM;
	}
	for (size_t i = 0; i < t->n_parts; i++) {
		const struct mp_ptable_part *p = &t->parts[i];

		w[i].num = p->num;
		w[i].start = mp_ptable_part_dm_start(t, p);
		w[i].size = mp_ptable_part_dm_size(t, p);
		w[i].linear = true;
		r = mp_partmap_name(parent->name, sep, p->num, w[i].name, sizeof(w[i].name));
		if (r == 0)
			r = mp_partmap_uuid(parent->uuid, p->num, w[i].uuid, sizeof(w[i].uuid));
		if (r < 0) {
			free(w);
			return r;
		}
		snprintf(w[i].params, sizeof(w[i].params), "%u:%u %" PRIu64, parent->major,
			 parent->minor, w[i].start);
	}
	*ret = w;
	*ret_n = t->n_parts;
	return 0;
}

static const struct mp_partmap *find_num(const struct mp_partmap *v, size_t n, unsigned int num)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].num == num)
			return &v[i];
	return NULL;
}

static int op_rank(enum mp_partmap_op op)
{
	static const int rank[_MP_PARTMAP_OP_MAX] = {
		[MP_PARTMAP_REMOVE] = 0, [MP_PARTMAP_RELOAD] = 1,
		[MP_PARTMAP_CREATE] = 2, [MP_PARTMAP_KEEP] = 3,
	};
	return rank[op];
}

static int cmp_action(const void *a, const void *b)
{
	const struct mp_partmap_action *x = a, *y = b;
	int d = op_rank(x->op) - op_rank(y->op);

	if (d)
		return d;
	return x->want.num < y->want.num ? -1 : x->want.num > y->want.num;
}

int mp_partmap_plan(const struct mp_partmap *want, size_t n_want,
		    const struct mp_partmap *have, size_t n_have, bool remove_stale,
		    struct mp_partmap_action **ret, size_t *ret_n)
{
	struct mp_partmap_action *a = NULL;
	size_t n = 0;

	if (n_want + n_have) {
		a = calloc(n_want + n_have, sizeof(*a));
		if (!a)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n_want; i++) {
		const struct mp_partmap *h = find_num(have, n_have, want[i].num);
		struct mp_partmap_action *x = &a[n++];

		x->want = want[i];
		if (!h) {
			x->op = MP_PARTMAP_CREATE;
			continue;
		}
		x->open_count = h->open_count;
		/* Compare what the kernel holds, not just the numbers we
		 * remember: a map someone reloaded by hand is repaired. */
		if (h->linear && h->size == want[i].size && h->start == want[i].start) {
			x->op = MP_PARTMAP_KEEP;
		} else {
			x->op = MP_PARTMAP_RELOAD;
			x->start_moved = !h->linear || h->start != want[i].start;
		}
		/* dm looks maps up by uuid: keep the existing name. */
		memcpy(x->want.name, h->name, sizeof(x->want.name));
	}
	for (size_t i = 0; remove_stale && i < n_have; i++) {
		struct mp_partmap_action *x;

		if (find_num(want, n_want, have[i].num))
			continue;
		x = &a[n++];
		x->op = MP_PARTMAP_REMOVE;
		x->want = have[i];
		x->open_count = have[i].open_count;
	}
	if (n)
		qsort(a, n, sizeof(*a), cmp_action);
	*ret = a;
	*ret_n = n;
	return 0;
}
