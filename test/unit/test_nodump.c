/* SPDX-License-Identifier: BSD-3-Clause */
/* nodump_process() (common/nodump.h): after it, no core file can be
 * written, whether by the size limit or by a core_pattern pipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "nodump.h"

static void test_no_core(void **state)
{
	struct rlimit rl;

	(void)state;
	assert_int_equal(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
	assert_int_equal(nodump_process(), 0);
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
	assert_int_equal(getrlimit(RLIMIT_CORE, &rl), 0);
	assert_int_equal(rl.rlim_cur, 0);
	assert_int_equal(rl.rlim_max, 0);
	/* Lowered for good: an unprivileged process cannot raise it back,
	 * and calling again changes nothing. */
	assert_int_equal(nodump_process(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_core),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
