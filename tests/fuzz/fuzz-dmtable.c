/* Fuzzes both multipath text parsers. The first byte picks the parser
 * (even: table, odd: status) so one corpus covers both; the rest is the
 * line. A table that parses must format, and the formatted text must parse
 * back into an equal table and format to the same text. A status that
 * parses must answer every accessor without reading out of bounds. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mp/dmtable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_table(const char *line)
{
	struct mp_dmtable *t = NULL, *t2 = NULL;
	struct mp_dm_error err = { 0, NULL };
	char *out = NULL, *out2 = NULL;
	int r;

	r = mp_dmtable_parse(line, &t, &err);
	if (r < 0) {
		if (r != -EINVAL && r != -E2BIG && r != -ENOMEM)
			abort();
		if (r == -EINVAL && !err.expected)
			abort();
		return;
	}
	if (mp_dmtable_format(t, &out, NULL) < 0)
		abort();
	if (mp_dmtable_parse(out, &t2, NULL) < 0)
		abort();
	if (!mp_dmtable_equal(t, t2))
		abort();
	if (mp_dmtable_format(t2, &out2, NULL) < 0 || strcmp(out, out2) != 0)
		abort();
	(void)mp_dmtable_has_feature(t, "queue_if_no_path");
	free(out);
	free(out2);
	mp_dmtable_free(t);
	mp_dmtable_free(t2);
}

static void fuzz_status(const char *line)
{
	struct mp_dmstatus *s = NULL;
	struct mp_dm_error err = { 0, NULL };
	const struct mp_dmstatus_path *p;
	unsigned int v;
	int r;

	r = mp_dmstatus_parse(line, &s, &err);
	if (r < 0) {
		if (r == -EINVAL && !err.expected)
			abort();
		return;
	}
	(void)mp_dmstatus_queue_io(s, &v);
	(void)mp_dmstatus_pg_init_count(s, &v);
	if (mp_dmstatus_active_group(s, &v) == 0 &&
	    (v == 0 || v > s->n_groups))
		abort();
	if (mp_dmstatus_count_active(s) > s->n_groups * MP_DM_MAX_COUNT)
		abort();
	for (unsigned int i = 0; i < s->n_groups; i++)
		for (unsigned int j = 0; j < s->groups[i].n_paths; j++) {
			if (mp_dmstatus_find_path(s, s->groups[i].paths[j].dev, &p) < 0)
				abort();
			for (unsigned int k = 0; k < s->groups[i].n_info_args; k++)
				if (!s->groups[i].paths[j].info[k][0])
					abort();
			/* byte-share words: rw totals add up, single has no split */
			struct mp_dm_share_bytes b;

			if (mp_dmstatus_share_bytes(&s->groups[i], &s->groups[i].paths[j], &b) == 0 &&
			    b.rw && b.total != b.read + b.write)
				abort();
		}
	mp_dmstatus_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line;

	if (size < 1)
		return 0;
	line = malloc(size);
	if (!line)
		return 0;
	memcpy(line, data + 1, size - 1);
	line[size - 1] = '\0';
	if (data[0] & 1)
		fuzz_status(line);
	else
		fuzz_table(line);
	free(line);
	return 0;
}
