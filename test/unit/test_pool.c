/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pool.h"

static struct cfg_pool cfg_of(const char *first, const char *last,
			      const char *first2, const char *last2)
{
	struct cfg_pool c = { .name = "pool-vpn", .n_ranges = 1 };

	assert_true(addr_parse(first, &c.ranges[0].first));
	assert_true(addr_parse(last, &c.ranges[0].last));
	if (first2) {
		assert_true(addr_parse(first2, &c.ranges[1].first));
		assert_true(addr_parse(last2, &c.ranges[1].last));
		c.n_ranges = 2;
	}
	return c;
}

static void expect_addr(const struct ip_addr *a, const char *s)
{
	char buf[ADDR_STRLEN];

	assert_string_equal(addr_format(a, buf), s);
}

static void test_sequence_and_ranges(void **state)
{
	struct cfg_pool c = cfg_of("172.16.1.254", "172.16.2.1",
				   "10.0.0.7", "10.0.0.7");
	struct pool *p = pool_create(&c);
	struct ip_addr a;
	const char *want[] = { "172.16.1.254", "172.16.1.255", "172.16.2.0",
			       "172.16.2.1", "10.0.0.7" };
	char owner[16];

	(void)state;
	assert_int_equal(pool_size(p), 5);
	for (int i = 0; i < 5; i++) {
		snprintf(owner, sizeof(owner), "c%d", i);
		assert_int_equal(pool_acquire(p, owner, &a), 0);
		expect_addr(&a, want[i]); /* carries across octets */
	}
	assert_int_equal(pool_online(p), 5);
	assert_int_equal(pool_acquire(p, "c9", &a), -1); /* exhausted */
	pool_destroy(p);
}

static void test_returning_client(void **state)
{
	struct cfg_pool c = cfg_of("172.16.1.100", "172.16.1.102", NULL, NULL);
	struct pool *p = pool_create(&c);
	struct ip_addr a, b, x;

	(void)state;
	assert_int_equal(pool_acquire(p, "alice", &a), 0);
	assert_int_equal(pool_acquire(p, "bob", &b), 0);
	assert_int_equal(pool_release(p, &a), 0);
	assert_int_equal(pool_release(p, &a), -1); /* not online twice */
	/* A new client gets a fresh address, not alice's. */
	assert_int_equal(pool_acquire(p, "carol", &x), 0);
	expect_addr(&x, "172.16.1.102");
	/* alice returns and gets hers back. */
	assert_int_equal(pool_acquire(p, "alice", &x), 0);
	assert_true(addr_equal(&x, &a));
	assert_int_equal(pool_online(p), 3);
	pool_destroy(p);
}

static void test_oldest_offline_reused(void **state)
{
	struct cfg_pool c = cfg_of("192.0.2.1", "192.0.2.2", NULL, NULL);
	struct pool *p = pool_create(&c);
	struct ip_addr a, b, x;

	(void)state;
	assert_int_equal(pool_acquire(p, "a", &a), 0);
	assert_int_equal(pool_acquire(p, "b", &b), 0);
	assert_int_equal(pool_release(p, &b), 0);
	assert_int_equal(pool_release(p, &a), 0);
	/* No fresh address left: b's lease went offline first. */
	assert_int_equal(pool_acquire(p, "new", &x), 0);
	assert_true(addr_equal(&x, &b));
	/* b lost it; a still has its own. */
	assert_int_equal(pool_acquire(p, "a", &x), 0);
	assert_true(addr_equal(&x, &a));
	assert_int_equal(pool_acquire(p, "b", &x), -1);
	pool_destroy(p);
}

static void test_release_foreign(void **state)
{
	struct cfg_pool c = cfg_of("192.0.2.1", "192.0.2.4", NULL, NULL);
	struct pool *p = pool_create(&c);
	struct ip_addr x;

	(void)state;
	assert_true(addr_parse("192.0.2.9", &x));
	assert_int_equal(pool_release(p, &x), -1);
	assert_true(addr_parse("192.0.2.3", &x)); /* never handed out */
	assert_int_equal(pool_release(p, &x), -1);
	assert_true(addr_parse("2001:db8::1", &x));
	assert_int_equal(pool_release(p, &x), -1);
	pool_destroy(p);
}

static void test_ipv6_capped(void **state)
{
	struct cfg_pool c = cfg_of("2001:db8::", "2001:db8:0:1::", NULL, NULL);
	struct pool *p = pool_create(&c);
	struct ip_addr a;

	(void)state;
	assert_int_equal(pool_size(p), POOL_MAX_ADDRS);
	assert_int_equal(pool_acquire(p, "v6", &a), 0);
	expect_addr(&a, "2001:db8::");
	assert_int_equal(pool_release(p, &a), 0);
	pool_destroy(p);
}

/* Many owners, all back: hash chains and the LRU hold up. */
static void test_many(void **state)
{
	struct cfg_pool c = cfg_of("10.0.0.0", "10.0.255.255", NULL, NULL);
	struct pool *p = pool_create(&c);
	static struct ip_addr got[5000];
	char owner[16];

	(void)state;
	for (int i = 0; i < 5000; i++) {
		snprintf(owner, sizeof(owner), "u%d", i);
		assert_int_equal(pool_acquire(p, owner, &got[i]), 0);
	}
	for (int i = 0; i < 5000; i++)
		assert_int_equal(pool_release(p, &got[i]), 0);
	for (int i = 4999; i >= 0; i--) {
		struct ip_addr x;

		snprintf(owner, sizeof(owner), "u%d", i);
		assert_int_equal(pool_acquire(p, owner, &x), 0);
		assert_true(addr_equal(&x, &got[i]));
	}
	assert_int_equal(pool_online(p), 5000);
	pool_destroy(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequence_and_ranges),
		cmocka_unit_test(test_returning_client),
		cmocka_unit_test(test_oldest_offline_reused),
		cmocka_unit_test(test_release_foreign),
		cmocka_unit_test(test_ipv6_capped),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
