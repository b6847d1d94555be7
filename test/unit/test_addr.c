/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "addr.h"

static void test_parse_and_format(void **state)
{
	struct ip_addr a;
	char buf[ADDR_STRLEN];

	(void)state;
	assert_true(addr_parse("172.16.1.100", &a));
	assert_int_equal(a.family, ADDR_V4);
	assert_string_equal(addr_format(&a, buf), "172.16.1.100");
	assert_true(addr_parse("2001:db8::1", &a));
	assert_int_equal(a.family, ADDR_V6);
	assert_string_equal(addr_format(&a, buf), "2001:db8::1");
	assert_false(addr_parse("172.16.1", &a));
	assert_false(addr_parse("172.16.1.256", &a));
	assert_false(addr_parse("", &a));
	assert_int_equal(a.family, 0);
}

static void test_prefixes(void **state)
{
	struct ip_prefix p;
	struct ip_addr a;
	char buf[ADDR_STRLEN];

	(void)state;
	assert_true(prefix_parse("10.1.0.0/16", &p));
	assert_string_equal(prefix_format(&p, buf), "10.1.0.0/16");
	assert_true(addr_parse("10.1.255.3", &a));
	assert_true(prefix_contains(&p, &a));
	assert_true(addr_parse("10.2.0.1", &a));
	assert_false(prefix_contains(&p, &a));
	assert_true(prefix_parse("192.0.2.7", &p));
	assert_int_equal(p.len, 32);
	assert_true(prefix_parse("0.0.0.0/0", &p));
	assert_true(prefix_contains(&p, &a));
	assert_true(prefix_parse("2001:db8::/33", &p));
	assert_false(prefix_contains(&p, &a)); /* other family */

	/* Host bits set, lengths out of range, junk after the length. */
	assert_false(prefix_parse("10.1.0.1/16", &p));
	assert_false(prefix_parse("10.1.0.0/33", &p));
	assert_false(prefix_parse("10.1.0.0/-1", &p));
	assert_false(prefix_parse("10.1.0.0/16x", &p));
	assert_false(prefix_parse("10.1.0.0/", &p));
	assert_false(prefix_parse("2001:db8::/129", &p));
}

static void test_compare(void **state)
{
	struct ip_addr a, b, c;

	(void)state;
	assert_true(addr_parse("10.0.0.1", &a));
	assert_true(addr_parse("10.0.0.2", &b));
	assert_true(addr_parse("::1", &c));
	assert_int_equal(addr_cmp(&a, &b), -1);
	assert_int_equal(addr_cmp(&b, &a), 1);
	assert_int_equal(addr_cmp(&a, &a), 0);
	assert_int_equal(addr_cmp(&b, &c), -1);
	assert_true(addr_equal(&a, &a));
	assert_false(addr_equal(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_format),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
