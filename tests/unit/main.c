/* Runner shared by every unit-test binary: registers the module's table as
 * one CUnit suite, runs it in basic mode and prints one summary line that
 * scripts/run-unit adds up. Exit status is non-zero when a test failed. */
#include <stdio.h>
#include <stdlib.h>
#include <CUnit/Basic.h>

#include "unit.h"

int main(void)
{
	CU_pSuite suite;
	unsigned int run, failed;
	int rc = EXIT_FAILURE;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	suite = CU_add_suite(unit_suite_name, NULL, NULL);
	if (!suite)
		goto out;
	for (const struct unit_test *t = unit_tests; t->name; t++)
		if (!CU_add_test(suite, t->name, t->fn))
			goto out;
	CU_basic_set_mode(CU_BRM_NORMAL);
	if (CU_basic_run_tests() != CUE_SUCCESS)
		goto out;
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();
	printf("unit-summary: %s %u passed, %u failed, %u asserts\n",
	       unit_suite_name, run - failed, failed,
	       CU_get_number_of_asserts());
	rc = failed ? EXIT_FAILURE : EXIT_SUCCESS;
out:
	CU_cleanup_registry();
	return rc;
}
