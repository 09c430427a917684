/* Host-side model of the start-up pass's WWID bookkeeping, before and after
 * util/strgroup (multipathd/assemble-pass.c): n paths of n/k LUNs with
 * scsi_debug-like WWIDs (long common prefix), LUNs interleaved as sd names
 * come. "before" runs the loops the pass had: first_of_wwid for every path
 * (prebind), the "seen earlier" scan per path, and per WWID two scans of
 * every path (members, attach); "after" groups once and walks the groups.
 * Only the bookkeeping: no naming, tables or dm. Prints the minimum of 5
 * runs in ms. Build and run:
 *   gcc -O2 -Iinclude -Ilibmp tests/perf/startup-grouping.c build/libmp.a -o /tmp/sg && /tmp/sg */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/strgroup.h"

struct path {
	char wwid[48];
	bool blacklisted, gone;
	int map;
};

static struct path *paths;
static size_t n_paths;
static volatile size_t sink;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static bool first_of_wwid(size_t i, unsigned int *ret_n)
{
	unsigned int n = 0;

	for (size_t j = 0; j < n_paths; j++) {
		if (paths[j].blacklisted || paths[j].gone || strcmp(paths[j].wwid, paths[i].wwid))
			continue;
		if (j < i)
			return false;
		n++;
	}
	*ret_n = n;
	return true;
}

static void assemble_wwid_before(const char *w)
{
	size_t n = 0;

	for (size_t i = 0; i < n_paths; i++)
		if (!strcmp(paths[i].wwid, w) && !paths[i].blacklisted)
			n++;
	for (size_t i = 0; i < n_paths; i++)
		if (!strcmp(paths[i].wwid, w))
			paths[i].map = 1;
	sink += n;
}

static void before(void)
{
	unsigned int n;

	for (size_t i = 0; i < n_paths; i++)
		if (first_of_wwid(i, &n))
			sink += n;
	for (size_t i = 0; i < n_paths; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(paths[j].wwid, paths[i].wwid) == 0;
		if (!seen)
			assemble_wwid_before(paths[i].wwid);
	}
}

static const char *key_at(const void *ctx, size_t pos)
{
	return paths[pos].wwid;
}

static void after(void)
{
	struct mp_strgroup g;

	if (mp_strgroup_build(n_paths, key_at, NULL, &g) < 0)
		abort();
	for (size_t k = 0; k < g.n_groups; k++) {
		const size_t *m = mp_strgroup_members(&g, k);
		size_t n = 0;

		for (size_t i = 0; i < mp_strgroup_size(&g, k); i++)
			n += !paths[m[i]].blacklisted;
		for (size_t i = 0; i < mp_strgroup_size(&g, k); i++)
			paths[m[i]].map = 1;
		sink += n;
	}
	mp_strgroup_release(&g);
}

static double best_of(void (*fn)(void))
{
	double best = 1e18;

	for (int r = 0; r < 5; r++) {
		double t = now_ms();

		fn();
		t = now_ms() - t;
		if (t < best)
			best = t;
	}
	return best;
}

int main(void)
{
	static const size_t sizes[][2] = { { 128, 4 }, { 256, 4 }, { 1024, 4 }, { 2500, 4 } };

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t luns = sizes[s][0], per = sizes[s][1];

		n_paths = luns * per;
		paths = calloc(n_paths, sizeof(*paths));
		for (size_t i = 0; i < n_paths; i++)
			snprintf(paths[i].wwid, sizeof(paths[i].wwid), "3333333300000%04zx",
				 (i * 37) % luns);
		printf("%zu LUNs x %zu paths (%zu): before %.3f ms, after %.3f ms\n", luns, per, n_paths,
		       best_of(before), best_of(after));
		free(paths);
	}
	return 0;
}
