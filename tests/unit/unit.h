/* Shared shape of the unit tests: each tests/unit/test-<module>.c defines
 * unit_tests[], a table of named test functions ending with {NULL, NULL};
 * tests/unit/main.c registers them as one CUnit suite and reports. */
#ifndef MP_TESTS_UNIT_H
#define MP_TESTS_UNIT_H

#include <CUnit/CUnit.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

extern const struct unit_test unit_tests[];
/* The suite's name as it appears in reports, e.g. "config". */
extern const char unit_suite_name[];

#define UNIT_TEST(fn) { #fn, fn }
#define UNIT_END { NULL, NULL }

#endif
