/* SPDX-License-Identifier: BSD-3-Clause */
/* Reassembly of fragments for the gateway (dataplane/reasm.h): packets
 * made whole in any order, one segment, headers as sent; incomplete ones
 * given up after REASM_TTL_MS with every mbuf back in the pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <rte_cycles.h>
#include <rte_ip.h>

#include "dp_test_eal.h"
#include "pmtu.h"
#include "reasm.h"

#define POOL 127
#define L2 14

static struct rte_mempool *mp;
static struct reasm *rs;
static uint64_t now = 1000;

/* An IPv4 ESP packet of len bytes to us; payload bytes count up. */
static struct rte_mbuf *esp4(uint32_t len, uint16_t id)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ipv4_hdr h = {
		.version_ihl = RTE_IPV4_VHL_DEF,
		.total_length = rte_cpu_to_be_16((uint16_t)len),
		.packet_id = rte_cpu_to_be_16(id),
		.time_to_live = 64,
		.next_proto_id = 50,
		.src_addr = rte_cpu_to_be_32(0xcb007102u),
		.dst_addr = rte_cpu_to_be_32(0xc0000201u),
	};
	uint8_t *d;

	assert_non_null(m);
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(L2 + len));
	assert_non_null(d);
	memset(d, 0xee, L2);
	h.hdr_checksum = rte_ipv4_cksum(&h);
	memcpy(d + L2, &h, sizeof(h));
	for (uint32_t i = sizeof(h); i < len; i++)
		d[L2 + i] = (uint8_t)(i * 7);
	m->l2_len = L2;
	m->l3_len = sizeof(h);
	m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4;
	return m;
}

/* Cut m into fragments of at most mtu bytes; m is freed. */
static int cut(struct rte_mbuf *m, uint32_t mtu, struct rte_mbuf **f)
{
	int n = pmtu_fragment4(m, mtu, mp, f, PMTU_MAX_FRAGS);

	assert_true(n > 1);
	for (int i = 0; i < n; i++) /* the Ethernet header, as received */
		memcpy(rte_pktmbuf_mtod(f[i], uint8_t *),
		       rte_pktmbuf_mtod(m, uint8_t *), L2);
	rte_pktmbuf_free(m);
	return n;
}

static int setup(void **state)
{
	(void)state;
	rs = reasm_create(0);
	return rs ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	reasm_free(rs);
	assert_int_equal(rte_mempool_avail_count(mp), POOL);
	return 0;
}

/* Fragments fed in the order given by order[]; the last one fed makes the
 * packet, equal to what was cut. */
static void reassemble4(const int *order, uint32_t len)
{
	struct rte_mbuf *orig = esp4(len, 7), *copy = esp4(len, 7);
	struct rte_mbuf *f[PMTU_MAX_FRAGS], *whole = NULL;
	int n = cut(copy, 600, f);

	for (int i = 0; i < n; i++) {
		enum reasm_result r = reasm_input(rs, f[order[i]], now, &whole);

		assert_int_equal(r, i + 1 < n ? REASM_KEPT : REASM_WHOLE);
	}
	assert_non_null(whole);
	assert_true(reasm_flatten(whole));
	assert_int_equal(whole->nb_segs, 1);
	assert_int_equal(rte_pktmbuf_pkt_len(whole), L2 + len);
	assert_memory_equal(rte_pktmbuf_mtod(whole, uint8_t *),
			    rte_pktmbuf_mtod(orig, uint8_t *), L2 + len);
	rte_pktmbuf_free(whole);
	rte_pktmbuf_free(orig);
	reasm_tidy(rs, now);
}

static void test_in_order(void **state)
{
	static const int order[] = { 0, 1, 2, 3 };

	(void)state;
	reassemble4(order, 1800); /* 576 + 576 + 576 + 52 */
}

static void test_out_of_order(void **state)
{
	static const int order[] = { 3, 1, 0, 2 };

	(void)state;
	reassemble4(order, 1800);
}

/* One fragment never comes: the others go back to the pool once
 * REASM_TTL_MS has passed, not before. */
static void test_incomplete_given_up(void **state)
{
	struct rte_mbuf *f[PMTU_MAX_FRAGS], *whole = NULL;
	uint64_t ttl = rte_get_tsc_hz() / 1000 * REASM_TTL_MS;
	int n = cut(esp4(1800, 8), 600, f);

	(void)state;
	for (int i = 0; i < n - 1; i++)
		assert_int_equal(reasm_input(rs, f[i], now, &whole),
				 REASM_KEPT);
	rte_pktmbuf_free(f[n - 1]);
	reasm_tidy(rs, now + ttl - 1);
	assert_int_equal(rte_mempool_avail_count(mp), POOL - (n - 1));
	reasm_tidy(rs, now + ttl + 1);
	assert_int_equal(rte_mempool_avail_count(mp), POOL);
}

/* Whole, the packet does not fit one mbuf: a chain, which cannot be
 * made one segment for the ESP core. */
static void test_too_long(void **state)
{
	struct rte_mbuf *whole = NULL;
	enum reasm_result r = REASM_KEPT;
	struct rte_ipv4_hdr *ip;

	(void)state;
	/* Three fragments of 984 bytes of payload each (123 x 8). */
	for (uint16_t i = 0; i < 3; i++) {
		struct rte_mbuf *f = esp4(1004, 9);
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
			f, struct rte_ipv4_hdr *, L2);

		ip->fragment_offset = rte_cpu_to_be_16(
			(uint16_t)(i * 123 | (i < 2 ? RTE_IPV4_HDR_MF_FLAG : 0)));
		r = reasm_input(rs, f, now, &whole);
	}
	assert_int_equal(r, REASM_WHOLE);
	assert_true(whole->nb_segs > 1);
	assert_int_equal(rte_pktmbuf_pkt_len(whole), L2 + 20 + 3 * 984);
	ip = rte_pktmbuf_mtod_offset(whole, struct rte_ipv4_hdr *, L2);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), 20 + 3 * 984);
	assert_int_equal(ip->fragment_offset, 0);
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	assert_false(reasm_flatten(whole));
	rte_pktmbuf_free(whole);
	reasm_tidy(rs, now);
	assert_int_equal(rte_mempool_avail_count(mp), POOL);
}

/* An IPv6 fragment of ESP: fixed header, fragment header, piece. */
static struct rte_mbuf *frag6(const uint8_t *payload, uint32_t off,
			      uint32_t len, bool more)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ipv6_hdr h = {
		.vtc_flow = RTE_BE32(6u << 28),
		.payload_len = rte_cpu_to_be_16((uint16_t)(8 + len)),
		.proto = 44,
		.hop_limits = 64,
		.src_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
		.dst_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	};
	uint8_t fh[8] = { 50, 0, (uint8_t)(off >> 8),
			  (uint8_t)((off & 0xf8) | more), 0, 0, 0x12, 0x34 };
	uint8_t *d;

	assert_non_null(m);
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(L2 + 48 + len));
	assert_non_null(d);
	memset(d, 0xee, L2);
	memcpy(d + L2, &h, sizeof(h));
	memcpy(d + L2 + 40, fh, sizeof(fh));
	memcpy(d + L2 + 48, payload + off, len);
	m->l2_len = L2;
	m->l3_len = 48;
	m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV6;
	return m;
}

static void test_ipv6(void **state)
{
	uint8_t payload[1600];
	struct rte_mbuf *whole = NULL;
	struct rte_ipv6_hdr *h;

	(void)state;
	for (unsigned int i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 13);
	assert_int_equal(reasm_input(rs, frag6(payload, 1000, 600, false),
				     now, &whole), REASM_KEPT);
	assert_int_equal(reasm_input(rs, frag6(payload, 0, 1000, true), now,
				     &whole), REASM_WHOLE);
	assert_true(reasm_flatten(whole));
	assert_int_equal(rte_pktmbuf_pkt_len(whole), L2 + 40 + 1600);
	h = rte_pktmbuf_mtod_offset(whole, struct rte_ipv6_hdr *, L2);
	assert_int_equal(h->proto, 50); /* the fragment header is gone */
	assert_int_equal(rte_be_to_cpu_16(h->payload_len), 1600);
	assert_memory_equal(h + 1, payload, sizeof(payload));
	rte_pktmbuf_free(whole);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_in_order),
		T(test_out_of_order),
		T(test_incomplete_given_up),
		T(test_too_long),
		T(test_ipv6),
	};
	int rc;

	mp = dp_test_eal_init("test_reasm", POOL);
	if (!mp)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_test_eal_fini(mp);
	return rc;
}
