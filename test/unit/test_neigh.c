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
#include <rte_ip.h>
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

/* IPv6: our global address, two neighbours, the all-nodes group. */
static const uint8_t our6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t host6[16] = { 0x20, 0x01, 0x0d, 0xb8, [13] = 0xab,
				   [14] = 0xcd, [15] = 2 };
static const uint8_t othr6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 3 };
static const uint8_t allnodes6[16] = { 0xff, 0x02, [15] = 1 };

/* The test's own one's complement sum (RFC 1071), independent of DPDK's. */
static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

/* The ICMPv6 checksum (RFC 4443 section 2.3) of the message behind ip,
 * with its checksum field taken as zero; host byte order. */
static uint16_t icmp6_sum(const struct rte_ipv6_hdr *ip)
{
	uint16_t plen = rte_be_to_cpu_16(ip->payload_len);
	uint8_t msg[256];
	uint8_t ph[8] = { 0, 0, (uint8_t)(plen >> 8), (uint8_t)plen,
			  0, 0, 0, 58 };
	uint32_t s;

	assert_true(plen <= sizeof(msg) && plen >= 4);
	memcpy(msg, ip + 1, plen);
	msg[2] = msg[3] = 0;
	s = sum16(0, ip->src_addr, 16);
	s = sum16(s, ip->dst_addr, 16);
	s = sum16(s, ph, sizeof(ph));
	s = sum16(s, msg, plen);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

struct nd_spec {
	uint8_t type, code, flags, hop, opt_type, opt_len;
	const uint8_t *src, *dst, *target;
	const struct rte_ether_addr *mac;
};

/* An NS or NA as spec says, checksum right, one link-layer option unless
 * opt_type is 0. */
static struct rte_mbuf *nd(const struct nd_spec *sp)
{
	uint16_t plen = (uint16_t)(24 + (sp->opt_type ? 8 : 0));
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip;
	uint8_t *icmp;
	uint16_t c;

	assert_non_null(m);
	eth = (void *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*ip) +
					 plen);
	memset(eth, 0, sizeof(*eth) + sizeof(*ip) + plen);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip = (struct rte_ipv6_hdr *)(eth + 1);
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(plen);
	ip->proto = 58;
	ip->hop_limits = sp->hop ? sp->hop : 255;
	memcpy(ip->src_addr, sp->src, 16);
	memcpy(ip->dst_addr, sp->dst, 16);
	icmp = (uint8_t *)(ip + 1);
	icmp[0] = sp->type;
	icmp[1] = sp->code;
	icmp[4] = sp->flags;
	memcpy(icmp + 8, sp->target, 16);
	if (sp->opt_type) {
		icmp[24] = sp->opt_type;
		icmp[25] = sp->opt_len ? sp->opt_len : 1;
		if (sp->opt_len == 0xff)
			icmp[25] = 0;
		memcpy(icmp + 26, sp->mac, 6);
	}
	c = icmp6_sum(ip);
	icmp[2] = (uint8_t)(c >> 8);
	icmp[3] = (uint8_t)c;
	return m;
}

/* A solicited NA from host6 for target with mac, to our address. */
static struct nd_spec na_spec(const uint8_t *target,
			      const struct rte_ether_addr *mac)
{
	struct nd_spec sp = {
		.type = 136, .flags = 0x60, .opt_type = 2,
		.src = target, .dst = our6, .target = target, .mac = mac,
	};
	return sp;
}

static enum neigh_arp_result nd_in(struct neigh_table *t,
				   const struct nd_spec *sp)
{
	struct rte_mbuf *m = nd(sp);
	enum neigh_arp_result r = neigh_ndp_input(t, 0, m, &local);

	rte_pktmbuf_free(m);
	return r;
}

static bool resolve6(struct neigh_table *t, const uint8_t *a, uint64_t now,
		     struct rte_ether_addr *mac)
{
	bool lost = false;
	bool ok = neigh_resolve(t, 0, 0, ADDR_V6, a, now, mac, &lost);

	assert_false(lost);
	return ok;
}

static void test_ns_bytes(void **state)
{
	struct rte_mbuf *m = neigh_ndp_solicit(mp, &our_mac, our6, host6);
	const uint8_t group[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff,
				    [13] = 0xab, [14] = 0xcd, [15] = 2 };
	const struct rte_ether_addr gmac = {
		{ 0x33, 0x33, 0xff, 0xab, 0xcd, 2 } };
	const struct rte_ether_hdr *eth;
	const struct rte_ipv6_hdr *ip;
	const uint8_t *icmp;

	(void)state;
	assert_non_null(m);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 40 + 32);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	assert_true(rte_is_same_ether_addr(&eth->dst_addr, &gmac));
	assert_true(rte_is_same_ether_addr(&eth->src_addr, &our_mac));
	assert_int_equal(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV6));
	ip = (const struct rte_ipv6_hdr *)(eth + 1);
	assert_int_equal(rte_be_to_cpu_32(ip->vtc_flow), 6u << 28);
	assert_int_equal(rte_be_to_cpu_16(ip->payload_len), 32);
	assert_int_equal(ip->proto, 58);
	assert_int_equal(ip->hop_limits, 255);
	assert_memory_equal(ip->src_addr, our6, 16);
	assert_memory_equal(ip->dst_addr, group, 16);
	icmp = (const uint8_t *)(ip + 1);
	assert_int_equal(icmp[0], 135);
	assert_int_equal(icmp[1], 0);
	assert_int_equal(icmp[2] << 8 | icmp[3], icmp6_sum(ip));
	assert_int_not_equal(icmp6_sum(ip), 0);
	assert_memory_equal(icmp + 4, "\0\0\0\0", 4);
	assert_memory_equal(icmp + 8, host6, 16);
	assert_int_equal(icmp[24], 1); /* source link-layer address */
	assert_int_equal(icmp[25], 1);
	assert_memory_equal(icmp + 26, our_mac.addr_bytes, 6);
	rte_pktmbuf_free(m);
}

static void test_ndp_miss_asks_once_per_interval(void **state)
{
	struct neigh_table *t = *state;
	struct nd_spec sp = na_spec(host6, &mac_a);
	struct rte_ether_addr mac;

	assert_false(resolve6(t, host6, 10, &mac));
	assert_false(resolve6(t, host6, 11, &mac));
	assert_int_equal(neigh_poll(t, 12, record, NULL), 1);
	assert_int_equal(sent[0].family, ADDR_V6);
	assert_memory_equal(sent[0].ip, host6, 16);
	/* Within the interval the worker does not post again. */
	assert_false(resolve6(t, host6, 12 + RETRY - 1, &mac));
	assert_int_equal(neigh_poll(t, 12 + RETRY - 1, record, NULL), 0);
	assert_false(resolve6(t, host6, 12 + RETRY, &mac));
	assert_int_equal(neigh_poll(t, 12 + RETRY, record, NULL), 1);
	/* The answer resolves it, and no more are sent. */
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_LEARNED);
	assert_true(resolve6(t, host6, 13 + 2 * RETRY, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	assert_int_equal(neigh_poll(t, 13 + 2 * RETRY, record, NULL), 0);
	assert_int_equal(n_sent, 2);
}

static void test_na_learning_rules(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	struct nd_spec sp = na_spec(host6, &mac_a);

	/* Unsolicited to all-nodes: no new entry. */
	sp.dst = allnodes6;
	sp.flags = 0x20;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_IGNORED);
	assert_false(resolve6(t, host6, 1, &mac));
	/* Solicited to us: learned. */
	sp = na_spec(host6, &mac_a);
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_LEARNED);
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_SAME);
	/* Without override a new MAC does not replace the known one... */
	sp.mac = &mac_b;
	sp.flags = 0x40;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_IGNORED);
	assert_true(resolve6(t, host6, 2, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	/* ...with it, even unsolicited to all-nodes, it does. */
	sp.dst = allnodes6;
	sp.flags = 0x20;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_LEARNED);
	assert_true(resolve6(t, host6, 3, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));
	/* An NA without the target link-layer option teaches nothing. */
	sp = na_spec(othr6, &mac_a);
	sp.opt_type = 0;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_IGNORED);
	assert_false(resolve6(t, othr6, 4, &mac));
}

static void test_ns_learning_rules(void **state)
{
	static const uint8_t unspec[16];
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	struct nd_spec sp = {
		.type = 135, .opt_type = 1, .src = host6, .dst = allnodes6,
		.target = othr6, .mac = &mac_a,
	};

	/* For someone else: no new entry. */
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_IGNORED);
	assert_false(resolve6(t, host6, 1, &mac));
	/* For us: its source is learned. */
	sp.target = our6;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_LEARNED);
	assert_true(resolve6(t, host6, 2, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	/* DAD (from ::, no option) names no neighbour. */
	sp.src = unspec;
	sp.opt_type = 0;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_IGNORED);
	/* From :: with an option is invalid (RFC 4861 section 7.1.1). */
	sp.opt_type = 1;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);
}

static void test_invalid_nd_ignored(void **state)
{
	struct neigh_table *t = *state;
	const uint8_t mcast[16] = { 0xff, 0x02, [15] = 2 };
	struct rte_ether_addr mac;
	struct rte_mbuf *m;
	struct rte_ipv6_hdr *ip;
	struct nd_spec sp;
	uint8_t *icmp;

	sp = na_spec(host6, &mac_a);
	sp.hop = 254; /* routed: RFC 4861 section 7.1.2 */
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);
	sp = na_spec(host6, &mac_a);
	sp.code = 1;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);
	sp = na_spec(mcast, &mac_a);
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);
	sp = na_spec(host6, &mac_a);
	sp.opt_len = 0xff; /* an option of length zero */
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);
	sp.opt_len = 2; /* an option past the end */
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);
	sp = na_spec(host6, &mac_a);
	sp.dst = allnodes6; /* solicited, yet multicast */
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);
	sp = na_spec(host6, &mac_a);
	sp.type = 128; /* an echo request is no ND */
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);

	/* A bad checksum. */
	sp = na_spec(host6, &mac_a);
	m = nd(&sp);
	icmp = rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 40);
	icmp[3] ^= 1;
	assert_int_equal(neigh_ndp_input(t, 0, m, &local),
			 NEIGH_ARP_MALFORMED);
	/* Payload length past the frame, then below the NA's fixed part. */
	icmp[3] ^= 1;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	ip->payload_len = RTE_BE16(33);
	assert_int_equal(neigh_ndp_input(t, 0, m, &local),
			 NEIGH_ARP_MALFORMED);
	ip->payload_len = RTE_BE16(20);
	assert_int_equal(neigh_ndp_input(t, 0, m, &local),
			 NEIGH_ARP_MALFORMED);
	/* Truncated frame. */
	ip->payload_len = RTE_BE16(32);
	rte_pktmbuf_trim(m, 30);
	assert_int_equal(neigh_ndp_input(t, 0, m, &local),
			 NEIGH_ARP_MALFORMED);
	rte_pktmbuf_free(m);
	assert_false(resolve6(t, host6, 1, &mac));
	assert_false(resolve6(t, mcast, 1, &mac));
}

static void test_ns_passes_own_checks(void **state)
{
	struct neigh_table *t = *state;
	struct rte_mbuf *m = neigh_ndp_solicit(mp, &mac_b, othr6, our6);
	struct rte_ether_addr mac;

	/* An NS like ours, from a neighbour, for our address, teaches its
	 * source: our builder and our validator agree. */
	assert_non_null(m);
	assert_int_equal(neigh_ndp_input(t, 0, m, &local), NEIGH_ARP_LEARNED);
	assert_true(resolve6(t, othr6, 1, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));
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
		T(test_ndp_miss_asks_once_per_interval),
		T(test_na_learning_rules),
		T(test_ns_learning_rules),
		T(test_invalid_nd_ignored),
		T(test_ns_passes_own_checks),
		cmocka_unit_test(test_ns_bytes),
	};
	int rc;

	mp = dp_test_eal_init("test_neigh", 63);
	if (!mp)
		return 1;
	local.v4[local.n_v4++] = OUR4;
	memcpy(local.v6[local.n_v6++], our6, 16);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_test_eal_fini(mp);
	return rc;
}
