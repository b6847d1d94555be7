/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_test_eal.h"

#include <rte_mbuf.h>

#include "route.h"

static struct rte_mempool *mp;

static struct ip_prefix pfx(const char *s)
{
	struct ip_prefix p;

	assert_true(prefix_parse(s, &p));
	return p;
}

static struct ip_addr ip(const char *s)
{
	struct ip_addr a;

	assert_true(addr_parse(s, &a));
	return a;
}

static const struct route_nexthop *lookup(const struct route_table *t,
					  const char *s)
{
	struct ip_addr a = ip(s);
	uint32_t v4;

	if (a.family == ADDR_V6)
		return route_lookup6(t, a.v6);
	memcpy(&v4, a.v4, 4);
	return route_lookup4(t, v4);
}

static void assert_hop(const struct route_nexthop *nh, uint16_t port,
		       const char *via)
{
	struct ip_addr v = { 0 };

	assert_non_null(nh);
	assert_int_equal(nh->port, port);
	if (via)
		v = ip(via);
	assert_true(addr_equal(&nh->via, &v));
}

static int setup(void **state)
{
	*state = route_create("t", SOCKET_ID_ANY, 16);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	route_free(*state);
	return 0;
}

static void test_longest_prefix_wins(void **state)
{
	struct route_table *t = *state;
	struct ip_prefix p;
	struct ip_addr gw = ip("198.51.100.254");

	p = pfx("198.51.100.0/24");
	assert_int_equal(route_add(t, &p, NULL, 0), 0);
	p = pfx("192.0.2.0/24");
	assert_int_equal(route_add(t, &p, NULL, 1), 0);
	p = pfx("0.0.0.0/0");
	assert_int_equal(route_add(t, &p, &gw, 0), 0);
	p = pfx("203.0.113.128/25");
	assert_int_equal(route_add(t, &p, &gw, 1), 0);

	assert_hop(lookup(t, "198.51.100.7"), 0, NULL);
	assert_hop(lookup(t, "192.0.2.200"), 1, NULL);
	assert_hop(lookup(t, "203.0.113.129"), 1, "198.51.100.254");
	assert_hop(lookup(t, "203.0.113.127"), 0, "198.51.100.254");
	assert_hop(lookup(t, "8.8.4.4"), 0, "198.51.100.254");
	/* Equal next hops are shared, not duplicated. */
	assert_int_equal(t->n_nh, 4);
	p = pfx("203.0.113.0/26");
	assert_int_equal(route_add(t, &p, &gw, 0), 0);
	assert_int_equal(t->n_nh, 4);
}

static void test_no_route(void **state)
{
	struct route_table *t = *state;
	struct ip_prefix p = pfx("10.1.0.0/16");

	assert_int_equal(route_add(t, &p, NULL, 0), 0);
	assert_null(lookup(t, "10.2.0.1"));
	assert_null(lookup(t, "2001:db8::1"));
	assert_non_null(lookup(t, "10.1.255.255"));
}

static void test_ipv6(void **state)
{
	struct route_table *t = *state;
	struct ip_prefix p = pfx("2001:db8:1::/48");
	struct ip_addr gw = ip("fe80::1");

	assert_int_equal(route_add(t, &p, NULL, 1), 0);
	p = pfx("::/0");
	assert_int_equal(route_add(t, &p, &gw, 0), 0);
	assert_hop(lookup(t, "2001:db8:1:ffff::5"), 1, NULL);
	assert_hop(lookup(t, "2001:db8:2::5"), 0, "fe80::1");
	/* IPv4 and IPv6 tables are apart. */
	assert_null(lookup(t, "192.0.2.1"));
}

static void test_replace(void **state)
{
	struct route_table *t = *state;
	struct ip_prefix p = pfx("192.0.2.0/24");
	struct ip_addr gw = ip("192.0.2.1");

	assert_int_equal(route_add(t, &p, NULL, 0), 0);
	assert_int_equal(route_add(t, &p, &gw, 1), 0);
	assert_hop(lookup(t, "192.0.2.9"), 1, "192.0.2.1");
}

static void test_rejects_bad_input(void **state)
{
	struct route_table *t = *state;
	struct ip_prefix p = pfx("192.0.2.0/24");
	struct ip_addr gw6 = ip("2001:db8::1");

	assert_int_equal(route_add(t, &p, &gw6, 0), -EINVAL);
	p.addr.v4[3] = 1; /* host bits set */
	assert_int_equal(route_add(t, &p, NULL, 0), -EINVAL);
	p = pfx("192.0.2.0/24");
	p.len = 33;
	assert_int_equal(route_add(t, &p, NULL, 0), -EINVAL);
	memset(&p, 0, sizeof(p));
	assert_int_equal(route_add(t, &p, NULL, 0), -EINVAL);
	assert_int_equal(t->n_nh, 0);
}

static void test_full(void **state)
{
	struct route_table *t = *state;
	struct ip_prefix p = pfx("10.0.0.0/24");
	struct ip_addr gw = ip("10.0.0.1");
	int rc = 0, i;

	/* 16 rules at most: each with its own next hop until either runs
	 * out; the table must say so rather than lose routes quietly. */
	for (i = 0; i < 40 && rc == 0; i++) {
		p.addr.v4[2] = (uint8_t)i;
		gw.v4[3] = (uint8_t)(i + 1);
		rc = route_add(t, &p, &gw, 0);
	}
	assert_int_equal(rc, -ENOSPC);
	assert_int_equal(i, 17);
	assert_hop(lookup(t, "10.0.15.9"), 0, "10.0.0.16");
}

static struct rte_mbuf *pkt4(uint8_t ttl)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ipv4_hdr *h;
	char *d;

	assert_non_null(m);
	d = rte_pktmbuf_append(m, 14 + sizeof(*h));
	assert_non_null(d);
	memset(d, 0, 14 + sizeof(*h));
	h = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	h->version_ihl = 0x45;
	h->total_length = RTE_BE16(20);
	h->time_to_live = ttl;
	h->next_proto_id = 1;
	h->src_addr = RTE_BE32(0xc0000201);
	h->dst_addr = RTE_BE32(0xc6336402);
	h->hdr_checksum = rte_ipv4_cksum(h);
	m->l2_len = 14;
	return m;
}

static void test_ttl(void **state)
{
	struct rte_ipv4_hdr *h;
	uint16_t sum;
	struct rte_mbuf *m;

	(void)state;
	/* Every TTL, so the checksum's carry is exercised: the incremental
	 * update must equal a checksum computed afresh. */
	for (int ttl = 2; ttl <= 255; ttl++) {
		m = pkt4((uint8_t)ttl);
		h = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
		assert_true(route_ttl_decrement(m, false));
		assert_int_equal(h->time_to_live, ttl - 1);
		sum = h->hdr_checksum;
		h->hdr_checksum = 0;
		assert_int_equal(rte_ipv4_cksum(h), sum);
		rte_pktmbuf_free(m);
	}
	m = pkt4(1);
	assert_false(route_ttl_decrement(m, false));
	rte_pktmbuf_free(m);
	m = pkt4(0);
	assert_false(route_ttl_decrement(m, false));
	rte_pktmbuf_free(m);
}

static void test_hop_limit(void **state)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ipv6_hdr *h;
	char *d;

	(void)state;
	assert_non_null(m);
	d = rte_pktmbuf_append(m, 14 + sizeof(*h));
	assert_non_null(d);
	memset(d, 0, 14 + sizeof(*h));
	h = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	h->hop_limits = 2;
	m->l2_len = 14;
	assert_true(route_ttl_decrement(m, true));
	assert_int_equal(h->hop_limits, 1);
	assert_false(route_ttl_decrement(m, true));
	rte_pktmbuf_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_longest_prefix_wins,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_route, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejects_bad_input, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_full, setup, teardown),
		cmocka_unit_test(test_ttl),
		cmocka_unit_test(test_hop_limit),
	};
	int rc;

	mp = dp_test_eal_init("test_route", 63);
	if (!mp)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_test_eal_fini(mp);
	return rc;
}
