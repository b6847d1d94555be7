/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "duration.h"

static uint64_t parse_ok(const char *s)
{
	uint64_t v = 12345;
	const char *why = NULL;

	if (!duration_parse(s, &v, &why))
		fail_msg("\"%s\" rejected: %s", s, why);
	return v;
}

static const char *parse_bad(const char *s)
{
	uint64_t v = 777;
	const char *why = NULL;

	if (duration_parse(s, &v, &why))
		fail_msg("\"%s\" accepted as %llu", s, (unsigned long long)v);
	assert_int_equal(v, 777); /* untouched on failure */
	assert_non_null(why);
	return why;
}

static void test_plain_seconds(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("0"), 0);
	assert_int_equal(parse_ok("120"), 120);
	assert_int_equal(parse_ok(" 3600 "), 3600);
}

static void test_units(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("30m"), 1800);
	assert_int_equal(parse_ok("8h"), 28800);
	assert_int_equal(parse_ok("45s"), 45);
	assert_int_equal(parse_ok("1d"), 86400);
	assert_int_equal(parse_ok("1w2d"), 9 * 86400);
	assert_int_equal(parse_ok("1h30m"), 5400);
	assert_int_equal(parse_ok("1w 2d 3h 4m 5s"),
			 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
}

static void test_clock_forms(void **state)
{
	(void)state;
	/* As RouterOS prints profile and proposal lifetimes. */
	assert_int_equal(parse_ok("1d 00:00:00"), 86400);
	assert_int_equal(parse_ok("00:30:00"), 1800);
	assert_int_equal(parse_ok("1d00:00:01"), 86401);
	assert_int_equal(parse_ok("1w2d 03:04:05"),
			 9 * 86400 + 3 * 3600 + 4 * 60 + 5);
	assert_int_equal(parse_ok("36:00:00"), 36 * 3600);
	assert_int_equal(parse_ok("0:5:7"), 307);
}

static void test_junk_and_empty(void **state)
{
	(void)state;
	assert_string_equal(parse_bad(""), "empty");
	assert_string_equal(parse_bad("   "), "empty");
	parse_bad("abc");
	parse_bad("-5");
	parse_bad("5x");
	parse_bad("1.5h");
	parse_bad("10ms");
	parse_bad("30m junk");
	parse_bad("h");
	parse_bad("1 2");     /* a bare number only stands alone */
	parse_bad("30 m");    /* the unit belongs to its number */
	parse_bad("1h 5");
}

static void test_order_and_repeats(void **state)
{
	(void)state;
	assert_non_null(strstr(parse_bad("2d1w"), "largest first"));
	assert_non_null(strstr(parse_bad("1h1h"), "largest first"));
	/* A clock only after weeks and days, and last. */
	parse_bad("1h 00:30:00");
	parse_bad("00:30:00 1d");
	parse_bad("00:30:00 00:30:00");
}

static void test_bad_clock(void **state)
{
	(void)state;
	parse_bad("00:60:00");
	parse_bad("00:00:60");
	parse_bad("00:30");
	parse_bad("00:30:");
	parse_bad("00::00");
	parse_bad("00:300:00");
	parse_bad("1:00:00:00");
}

static void test_overflow(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("5214w"), 5214ull * 604800);
	assert_non_null(strstr(parse_bad("99999999999999999999999"),
			       "too large"));
	assert_non_null(strstr(parse_bad("18446744073709551617"),
			       "too large"));
	assert_non_null(strstr(parse_bad("5215w"), "too large"));
	assert_non_null(strstr(parse_bad("30000000000000000w"), "too large"));
	assert_non_null(strstr(parse_bad("5214w 6d"), "too large"));
	assert_non_null(strstr(parse_bad("999999999:00:00"), "too large"));
	assert_int_equal(parse_ok("3153600000"), DURATION_MAX);
	parse_bad("3153600001");
}

static void test_format_round_trip(void **state)
{
	char buf[DURATION_STRLEN];
	static const uint64_t values[] = { 0, 1, 59, 1800, 86399, 86400,
					   9 * 86400 + 3723, DURATION_MAX };

	(void)state;
	assert_string_equal(duration_format(86400, buf), "1d 00:00:00");
	assert_string_equal(duration_format(1800, buf), "00:30:00");
	assert_string_equal(duration_format(90061, buf), "1d 01:01:01");
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		assert_int_equal(parse_ok(duration_format(values[i], buf)),
				 values[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_seconds),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_clock_forms),
		cmocka_unit_test(test_junk_and_empty),
		cmocka_unit_test(test_order_and_repeats),
		cmocka_unit_test(test_bad_clock),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_format_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
