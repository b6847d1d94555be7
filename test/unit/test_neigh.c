/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_test_eal.h"

#include <rte_arp.h>
#include <rte_mbuf.h>

#include "neigh.h"

#define RETRY 1000 /* ticks; tests pass time explicitly */

static struct rte_mempool *mp;
static struct classify_local local;
static const struct rte_ether_addr our_mac = {
	{ 0x02, 0, 0, 0, 0, 0x01 } };
static const struct rte_ether_addr mac_a = { { 0x02, 0, 0, 0, 0, 0xa } };
static const struct rte_ether_addr mac_b = { { 0x02, 0, 0, 0, 0, 0xb } };

#define OUR4  RTE_BE32(0xc0000201) /* 192.0.2.1 */
#define HOST4 RTE_BE32(0xc0000202) /* 192.0.2.2 */
#define OTHR4 RTE_BE32(0xc0000203) /* 192.0.2.3 */

/* What the fake sender below saw. */
static struct neigh_key sent[64];
static unsigned int n_sent;

static int record(void *arg, const struct neigh_key *k)
{
	(void)arg;
	assert_true(n_sent < RTE_DIM(sent));
	sent[n_sent++] = *k;
	return 0;
}

static int setup(void **state)
{
	n_sent = 0;
	*state = neigh_create("t", SOCKET_ID_ANY, 64, 2, RETRY);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	neigh_free(*state);
	return 0;
}

static bool resolve(struct neigh_table *t, unsigned int worker,
		    rte_be32_t a, uint64_t now, struct rte_ether_addr *mac)
{
	bool lost = false;
	bool ok = neigh_resolve(t, worker, 0, ADDR_V4, (const uint8_t *)&a,
				now, mac, &lost);

	assert_false(lost);
	return ok;
}

static struct rte_mbuf *arp(uint16_t op, const struct rte_ether_addr *sha,
			    rte_be32_t sip, rte_be32_t tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;

	assert_non_null(m);
	eth = (void *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*a));
	memset(eth, 0, sizeof(*eth) + sizeof(*a));
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	a = (struct rte_arp_hdr *)(eth + 1);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	a->arp_data.arp_sha = *sha;
	a->arp_data.arp_sip = sip;
	a->arp_data.arp_tip = tip;
	return m;
}

static enum neigh_arp_result feed(struct neigh_table *t, struct rte_mbuf *m)
{
	enum neigh_arp_result r = neigh_arp_input(t, 0, m, &local);

	rte_pktmbuf_free(m);
	return r;
}

static void test_miss_asks_once_per_interval(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	uint32_t a = HOST4;

	/* Two workers miss the same address several times before the main
	 * lcore looks: one request goes out. */
	for (int i = 0; i < 5; i++) {
		assert_false(resolve(t, 0, HOST4, 10, &mac));
		assert_false(resolve(t, 1, HOST4, 10, &mac));
	}
	assert_int_equal(neigh_poll(t, 100, record, NULL), 1);
	assert_int_equal(sent[0].family, ADDR_V4);
	assert_memory_equal(sent[0].ip, &a, 4);

	/* Within the interval the workers do not even post. */
	assert_false(resolve(t, 0, HOST4, 100 + RETRY - 1, &mac));
	assert_int_equal(neigh_poll(t, 100 + RETRY - 1, record, NULL), 0);
	assert_int_equal(rte_ring_count(t->req[0]), 0);

	/* After it, they do, and it is asked again. */
	assert_false(resolve(t, 0, HOST4, 100 + RETRY, &mac));
	assert_int_equal(neigh_poll(t, 100 + RETRY, record, NULL), 1);
}

static void test_reply_resolves(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;

	assert_false(resolve(t, 0, HOST4, 10, &mac));
	neigh_poll(t, 10, record, NULL);
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &mac_a, HOST4, OUR4)),
			 NEIGH_ARP_LEARNED);
	assert_true(resolve(t, 0, HOST4, 11, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	/* The same again changes nothing; a new MAC is followed. */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &mac_a, HOST4, OUR4)),
			 NEIGH_ARP_SAME);
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REQUEST, &mac_b, HOST4,
				     OTHR4)), NEIGH_ARP_LEARNED);
	assert_true(resolve(t, 1, HOST4, 12, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));
	/* Nothing more is requested once resolved. */
	assert_int_equal(neigh_poll(t, 10 * RETRY, record, NULL), 0);
}

static void test_learns_only_what_talks_to_us(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;

	/* A request between two other hosts makes no entry... */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REQUEST, &mac_a, HOST4,
				     OTHR4)), NEIGH_ARP_IGNORED);
	assert_false(resolve(t, 0, HOST4, 1, &mac));
	/* ...one for our address does (RFC 826: the sender will talk). */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REQUEST, &mac_a, HOST4,
				     OUR4)), NEIGH_ARP_LEARNED);
	assert_true(resolve(t, 0, HOST4, 2, &mac));
	/* Entries are per port. */
	{
		uint32_t a = HOST4;
		bool lost = false;

		assert_false(neigh_resolve(t, 0, 1, ADDR_V4, (uint8_t *)&a,
					   3, &mac, &lost));
	}
}

static void test_ignores_malformed_and_probes(void **state)
{
	struct neigh_table *t = *state;
	static const struct rte_ether_addr zero, bcast = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	struct rte_mbuf *m;
	struct rte_arp_hdr *a;
	struct rte_ether_addr mac;

	/* RFC 5227 probe: sender address zero. */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REQUEST, &mac_a, 0, OUR4)),
			 NEIGH_ARP_IGNORED);
	/* Someone claiming our own address. */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &mac_a, OUR4, OUR4)),
			 NEIGH_ARP_IGNORED);
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &zero, HOST4, OUR4)),
			 NEIGH_ARP_MALFORMED);
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &bcast, HOST4, OUR4)),
			 NEIGH_ARP_MALFORMED);
	assert_int_equal(feed(t, arp(3, &mac_a, HOST4, OUR4)),
			 NEIGH_ARP_MALFORMED);
	for (int k = 0; k < 4; k++) {
		m = arp(RTE_ARP_OP_REPLY, &mac_a, HOST4, OUR4);
		a = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, 14);
		if (k == 0)
			a->arp_hlen = 8;
		else if (k == 1)
			a->arp_plen = 16;
		else if (k == 2)
			a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV6);
		else
			rte_pktmbuf_trim(m, 1);
		assert_int_equal(feed(t, m), NEIGH_ARP_MALFORMED);
	}
	assert_false(resolve(t, 0, HOST4, 1, &mac));
}

static void test_full_table_refuses(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	struct neigh_key k;
	uint32_t a;
	int rc = 1, i;

	/* 64 slots: some insert must fail before 200, by probe length or by
	 * space, and what was inserted stays resolvable. */
	for (i = 0; i < 200 && rc >= 0; i++) {
		a = rte_cpu_to_be_32(0x0a000000u + (uint32_t)i);
		neigh_key_make(&k, 0, ADDR_V4, (uint8_t *)&a);
		rc = neigh_update(t, &k, &mac_a, true);
	}
	assert_int_equal(rc, -ENOSPC);
	assert_true(i > 1 && i <= 65);
	a = rte_cpu_to_be_32(0x0a000000u);
	assert_true(resolve(t, 0, a, 1, &mac));
	/* Without create, an unknown key is left alone. */
	a = RTE_BE32(0x0b000001);
	neigh_key_make(&k, 0, ADDR_V4, (uint8_t *)&a);
	assert_int_equal(neigh_update(t, &k, &mac_a, false), 0);
}

static void test_ring_full_is_reported(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	bool lost = false;
	uint32_t a;
	int i;

	/* Distinct addresses, never polled: the ring fills up. */
	for (i = 0; i < 10000 && !lost; i++) {
		a = rte_cpu_to_be_32(0x0a000000u + (uint32_t)i);
		assert_false(neigh_resolve(t, 1, 0, ADDR_V4, (uint8_t *)&a,
					   1, &mac, &lost));
	}
	assert_true(lost);
	assert_true(i > 100);
}

static void test_ipv6_keys(void **state)
{
	struct neigh_table *t = *state;
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct rte_ether_addr mac;
	struct neigh_key k;
	bool lost = false;

	neigh_key_make(&k, 0, ADDR_V6, a);
	assert_int_equal(neigh_update(t, &k, &mac_b, true), 1);
	assert_true(neigh_resolve(t, 0, 0, ADDR_V6, a, 1, &mac, &lost));
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));
	/* The IPv4 address made of the first four bytes is another key. */
	assert_false(neigh_resolve(t, 0, 0, ADDR_V4, a, 1, &mac, &lost));
}

static void test_arp_request_bytes(void **state)
{
	struct rte_mbuf *m = neigh_arp_request(mp, &our_mac, OUR4, HOST4);
	const struct rte_ether_hdr *eth;
	const struct rte_arp_hdr *a;

	(void)state;
	assert_non_null(m);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 60);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	assert_true(rte_is_broadcast_ether_addr(&eth->dst_addr));
	assert_true(rte_is_same_ether_addr(&eth->src_addr, &our_mac));
	assert_int_equal(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_ARP));
	a = (const struct rte_arp_hdr *)(eth + 1);
	assert_int_equal(a->arp_opcode, RTE_BE16(RTE_ARP_OP_REQUEST));
	assert_int_equal(a->arp_hlen, 6);
	assert_int_equal(a->arp_plen, 4);
	assert_true(rte_is_same_ether_addr(&a->arp_data.arp_sha, &our_mac));
	assert_true(rte_is_zero_ether_addr(&a->arp_data.arp_tha));
	assert_int_equal(a->arp_data.arp_sip, OUR4);
	assert_int_equal(a->arp_data.arp_tip, HOST4);
	rte_pktmbuf_free(m);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_miss_asks_once_per_interval),
		T(test_reply_resolves),
		T(test_learns_only_what_talks_to_us),
		T(test_ignores_malformed_and_probes),
		T(test_full_table_refuses),
		T(test_ring_full_is_reported),
		T(test_ipv6_keys),
		cmocka_unit_test(test_arp_request_bytes),
	};
	int rc;

	mp = dp_test_eal_init("test_neigh", 63);
	if (!mp)
		return 1;
	local.v4[local.n_v4++] = OUR4;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_test_eal_fini(mp);
	return rc;
}
