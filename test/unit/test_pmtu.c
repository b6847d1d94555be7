/* SPDX-License-Identifier: BSD-3-Clause */
/* Packets too big for their tunnel (dataplane/pmtu.h): IPv4 fragments
 * before ESP and the size ESP leaves for the inner packet
 * (esp_outb_tunnel_max); and the ICMP errors for the sender
 * (dataplane/icmp_err.h): too big and time exceeded, their rate limit. */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <rte_cycles.h>
#include <rte_ip.h>

#include "dp_test_eal.h"
#include "esp_outb.h"
#include "icmp_err.h"
#include "pmtu.h"

#define POOL 64
#define L2 14

static struct rte_mempool *mp;

/* An IPv4 packet of len bytes with l2 room in front; payload bytes
 * count up from 0. */
static struct rte_mbuf *ip4(uint32_t len, uint16_t frag, uint8_t proto)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ipv4_hdr h = {
		.version_ihl = RTE_IPV4_VHL_DEF,
		.total_length = rte_cpu_to_be_16((uint16_t)len),
		.packet_id = rte_cpu_to_be_16(0x1234),
		.fragment_offset = rte_cpu_to_be_16(frag),
		.time_to_live = 63,
		.next_proto_id = proto,
		.src_addr = RTE_BE32(RTE_IPV4(10, 1, 0, 2)),
		.dst_addr = RTE_BE32(RTE_IPV4(10, 2, 0, 2)),
	};
	uint8_t *d;

	assert_non_null(m);
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(L2 + len));
	assert_non_null(d);
	h.hdr_checksum = rte_ipv4_cksum(&h);
	memcpy(d + L2, &h, sizeof(h));
	for (uint32_t i = sizeof(h); i < len; i++)
		d[L2 + i] = (uint8_t)(i - sizeof(h));
	m->l2_len = L2;
	m->l3_len = sizeof(h);
	m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4;
	m->port = 3;
	return m;
}

static struct rte_ipv4_hdr *hdr4(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, L2);
}

static void test_fragments(void **state)
{
	struct rte_mbuf *m = ip4(1500, 0, IPPROTO_UDP), *f[PMTU_MAX_FRAGS];
	uint8_t whole[1480];
	uint32_t at = 0;
	int n;

	(void)state;
	n = pmtu_fragment4(m, 600, mp, f, PMTU_MAX_FRAGS);
	assert_int_equal(n, 3); /* 576 + 576 + 328 */
	for (int i = 0; i < n; i++) {
		struct rte_ipv4_hdr *h = hdr4(f[i]);
		uint16_t fo = rte_be_to_cpu_16(h->fragment_offset);
		uint32_t len = rte_be_to_cpu_16(h->total_length);

		assert_true(len <= 600);
		assert_int_equal(rte_pktmbuf_pkt_len(f[i]), L2 + len);
		assert_int_equal(rte_raw_cksum(h, sizeof(*h)), 0xffff);
		assert_int_equal((fo & RTE_IPV4_HDR_OFFSET_MASK) * 8, at);
		assert_int_equal(!!(fo & RTE_IPV4_HDR_MF_FLAG), i + 1 < n);
		assert_int_equal(h->packet_id, rte_cpu_to_be_16(0x1234));
		assert_int_equal(h->src_addr, hdr4(m)->src_addr);
		assert_int_equal(h->dst_addr, hdr4(m)->dst_addr);
		assert_int_equal(f[i]->l2_len, L2);
		assert_int_equal(f[i]->l3_len, 20);
		assert_int_equal(f[i]->packet_type, m->packet_type);
		assert_int_equal(f[i]->port, 3);
		memcpy(whole + at, h + 1, len - sizeof(*h));
		at += len - sizeof(*h);
	}
	assert_int_equal(at, 1480);
	assert_memory_equal(whole, hdr4(m) + 1, sizeof(whole));
	rte_pktmbuf_free_bulk(f, (unsigned int)n);
	rte_pktmbuf_free(m);
	assert_int_equal(rte_mempool_avail_count(mp), POOL);
}

/* A fragment cut again keeps its offset and, if it had one, MF. */
static void test_fragment_of_fragment(void **state)
{
	struct rte_mbuf *m = ip4(1020, RTE_IPV4_HDR_MF_FLAG | 100, 17);
	struct rte_mbuf *f[PMTU_MAX_FRAGS];
	int n;

	(void)state;
	n = pmtu_fragment4(m, 524, mp, f, PMTU_MAX_FRAGS);
	assert_int_equal(n, 2);
	for (int i = 0; i < n; i++) {
		uint16_t fo = rte_be_to_cpu_16(hdr4(f[i])->fragment_offset);

		assert_int_equal(fo & RTE_IPV4_HDR_OFFSET_MASK, 100 + i * 63);
		assert_true(fo & RTE_IPV4_HDR_MF_FLAG);
	}
	rte_pktmbuf_free_bulk(f, (unsigned int)n);
	rte_pktmbuf_free(m);
}

static void test_not_fragmented(void **state)
{
	struct rte_mbuf *df = ip4(1500, RTE_IPV4_HDR_DF_FLAG, 6);
	struct rte_mbuf *m = ip4(1500, 0, 6), *f[PMTU_MAX_FRAGS];

	(void)state;
	assert_int_equal(pmtu_fragment4(df, 600, mp, f, PMTU_MAX_FRAGS), 0);
	assert_int_equal(pmtu_fragment4(m, 27, mp, f, PMTU_MAX_FRAGS), 0);
	/* 1480 bytes in 8-byte pieces need far more than two fragments. */
	assert_int_equal(pmtu_fragment4(m, 600, mp, f, 2), -ENOBUFS);
	m->l3_len = 24; /* options: not cut */
	assert_int_equal(pmtu_fragment4(m, 600, mp, f, PMTU_MAX_FRAGS), 0);
	rte_pktmbuf_free(df);
	rte_pktmbuf_free(m);
	assert_int_equal(rte_mempool_avail_count(mp), POOL);
}

static const struct ip_addr our4 = { .family = ADDR_V4,
				     .v4 = { 10, 1, 0, 1 } };

static void test_icmp4(void **state)
{
	struct rte_mbuf *m = ip4(1500, RTE_IPV4_HDR_DF_FLAG, 6), *e;
	struct rte_ipv4_hdr *h;
	uint8_t *icmp;

	(void)state;
	e = icmp_err(m, ICMP_ERR_TOO_BIG, 1438, &our4, mp);
	assert_non_null(e);
	h = hdr4(e);
	assert_int_equal(rte_pktmbuf_pkt_len(e), L2 + 576);
	assert_int_equal(rte_be_to_cpu_16(h->total_length), 576);
	assert_int_equal(rte_raw_cksum(h, sizeof(*h)), 0xffff);
	assert_int_equal(h->next_proto_id, IPPROTO_ICMP);
	assert_int_equal(h->src_addr, RTE_BE32(RTE_IPV4(10, 1, 0, 1)));
	assert_int_equal(h->dst_addr, hdr4(m)->src_addr);
	icmp = (uint8_t *)(h + 1);
	assert_int_equal(icmp[0], 3);
	assert_int_equal(icmp[1], 4);
	assert_int_equal(icmp[6] << 8 | icmp[7], 1438);
	assert_int_equal(rte_raw_cksum(icmp, 576 - 20), 0xffff);
	assert_memory_equal(icmp + 8, hdr4(m), 576 - 28);
	assert_int_equal(e->l2_len, L2);
	assert_true(RTE_ETH_IS_IPV4_HDR(e->packet_type));
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(m);
}

/* RFC 1122 3.2.2: none about an ICMP error, a later fragment, a source
 * that is not one host; an echo request gets one. */
static void test_icmp4_not_due(void **state)
{
	struct rte_mbuf *m = ip4(1500, RTE_IPV4_HDR_DF_FLAG, IPPROTO_ICMP);
	struct rte_mbuf *e;
	uint8_t *type = (uint8_t *)(hdr4(m) + 1);

	(void)state;
	*type = 3;
	assert_null(icmp_err(m, ICMP_ERR_TOO_BIG, 1400, &our4, mp));
	*type = 8; /* echo request */
	e = icmp_err(m, ICMP_ERR_TOO_BIG, 1400, &our4, mp);
	assert_non_null(e);
	rte_pktmbuf_free(e);
	hdr4(m)->fragment_offset = rte_cpu_to_be_16(185);
	assert_null(icmp_err(m, ICMP_ERR_TOO_BIG, 1400, &our4, mp));
	hdr4(m)->fragment_offset = 0;
	hdr4(m)->src_addr = rte_cpu_to_be_32(0xe0000005u);
	assert_null(icmp_err(m, ICMP_ERR_TOO_BIG, 1400, &our4, mp));
	rte_pktmbuf_free(m);
	assert_int_equal(rte_mempool_avail_count(mp), POOL);
}

static struct rte_mbuf *ip6(uint32_t payload, uint8_t proto, uint8_t type)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ipv6_hdr *h;
	uint8_t *d;

	assert_non_null(m);
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(L2 + 40 + payload));
	assert_non_null(d);
	memset(d, 0x5a, L2 + 40 + payload);
	h = (struct rte_ipv6_hdr *)(d + L2);
	h->vtc_flow = rte_cpu_to_be_32(6u << 28);
	h->payload_len = rte_cpu_to_be_16((uint16_t)payload);
	h->proto = proto;
	h->hop_limits = 63;
	memset(h->src_addr, 0, 16);
	h->src_addr[0] = 0x20, h->src_addr[1] = 0x01, h->src_addr[15] = 2;
	((uint8_t *)(h + 1))[0] = type;
	m->l2_len = L2;
	m->l3_len = 40;
	m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV6;
	return m;
}

static void test_icmp6(void **state)
{
	struct ip_addr our6 = { .family = ADDR_V6 };
	struct rte_mbuf *m = ip6(1460, IPPROTO_TCP, 0), *e;
	struct rte_ipv6_hdr *h, *orig;
	uint8_t *icmp;
	uint32_t sum;

	(void)state;
	our6.v6[0] = 0x20, our6.v6[1] = 0x01, our6.v6[15] = 1;
	assert_null(icmp_err(m, ICMP_ERR_TOO_BIG, 1418, &our4, mp)); /* no IPv6 address */
	e = icmp_err(m, ICMP_ERR_TOO_BIG, 1418, &our6, mp);
	assert_non_null(e);
	h = rte_pktmbuf_mtod_offset(e, struct rte_ipv6_hdr *, L2);
	orig = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, L2);
	assert_int_equal(rte_pktmbuf_pkt_len(e), L2 + 1280);
	assert_int_equal(rte_be_to_cpu_16(h->payload_len), 1240);
	assert_int_equal(h->proto, IPPROTO_ICMPV6);
	assert_memory_equal(h->src_addr, our6.v6, 16);
	assert_memory_equal(h->dst_addr, orig->src_addr, 16);
	icmp = (uint8_t *)(h + 1);
	assert_int_equal(icmp[0], 2);
	memcpy(&sum, icmp + 4, 4);
	assert_int_equal(rte_be_to_cpu_32(sum), 1418);
	sum = rte_ipv6_phdr_cksum(h, 0) + rte_raw_cksum(icmp, 1240);
	sum = (sum & 0xffff) + (sum >> 16);
	assert_int_equal((sum & 0xffff) + (sum >> 16), 0xffff);
	assert_memory_equal(icmp + 8, orig, 1232);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(m);
	/* An ICMPv6 error gets none; an echo request does. */
	m = ip6(1460, IPPROTO_ICMPV6, 1);
	assert_null(icmp_err(m, ICMP_ERR_TOO_BIG, 1418, &our6, mp));
	rte_pktmbuf_free(m);
	m = ip6(1460, IPPROTO_ICMPV6, 128);
	e = icmp_err(m, ICMP_ERR_TOO_BIG, 1418, &our6, mp);
	assert_non_null(e);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(m);
	assert_int_equal(rte_mempool_avail_count(mp), POOL);
}

/* Time exceeded in transit (traceroute's answer): type 11 code 0 and
 * ICMPv6 type 3 code 0, the unused field zero, the same quote. */
static void test_time_exceeded(void **state)
{
	struct ip_addr our6 = { .family = ADDR_V6 };
	struct rte_mbuf *m = ip4(100, 0, IPPROTO_UDP), *e;
	uint8_t *icmp;

	(void)state;
	e = icmp_err(m, ICMP_ERR_TTL, 0, &our4, mp);
	assert_non_null(e);
	icmp = (uint8_t *)(hdr4(e) + 1);
	assert_int_equal(icmp[0], 11);
	assert_int_equal(icmp[1], 0);
	assert_int_equal(icmp[4] | icmp[5] | icmp[6] | icmp[7], 0);
	assert_int_equal(rte_raw_cksum(icmp, 8 + 100), 0xffff);
	assert_memory_equal(icmp + 8, hdr4(m), 100);
	assert_int_equal(hdr4(e)->dst_addr, hdr4(m)->src_addr);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(m);
	our6.v6[0] = 0x20, our6.v6[1] = 0x01, our6.v6[15] = 1;
	m = ip6(200, IPPROTO_UDP, 0);
	e = icmp_err(m, ICMP_ERR_TTL, 0, &our6, mp);
	assert_non_null(e);
	icmp = rte_pktmbuf_mtod_offset(e, uint8_t *, L2 + 40);
	assert_int_equal(icmp[0], 3);
	assert_int_equal(icmp[1], 0);
	assert_int_equal(icmp[4] | icmp[5] | icmp[6] | icmp[7], 0);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(m);
	assert_int_equal(rte_mempool_avail_count(mp), POOL);
}

static void test_rate_limit(void **state)
{
	struct icmp_err_bucket b = { 0 };
	uint64_t t = 1000, per = rte_get_tsc_hz() / ICMP_ERR_RATE;
	unsigned int sent = 0;

	(void)state;
	for (int i = 0; i < 100; i++)
		sent += icmp_err_may_send(&b, t);
	assert_int_equal(sent, ICMP_ERR_BURST);
	assert_false(icmp_err_may_send(&b, t + per - 1));
	assert_true(icmp_err_may_send(&b, t + per));
	assert_false(icmp_err_may_send(&b, t + per));
	/* A long quiet time saves up one burst, no more. */
	t += 1000 * per;
	for (sent = 0; icmp_err_may_send(&b, t) && sent < 100; sent++)
		;
	assert_int_equal(sent, ICMP_ERR_BURST);
}

/* What ESP leaves of an MTU for the inner packet, tunnel mode. */
static void test_tunnel_max(void **state)
{
	struct esp_sa sa;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	/* AES-CBC + HMAC-SHA256-128 over IPv4: 20 + 8 + 16 + 16 fixed. */
	sa.tmpl.len = 28, sa.iv_len = 16, sa.icv_len = 16, sa.blk_mask = 15;
	assert_int_equal(esp_outb_tunnel_max(&sa, 1500), 1438);
	sa.tmpl.len = 36; /* NAT-T: UDP as well */
	assert_int_equal(esp_outb_tunnel_max(&sa, 1500), 1422);
	/* AES-GCM-128 (8-byte IV, 16-byte ICV, 4-byte alignment), IPv6. */
	sa.tmpl.len = 48, sa.iv_len = 8, sa.blk_mask = 3;
	assert_int_equal(esp_outb_tunnel_max(&sa, 1500), 1426);
	assert_int_equal(esp_outb_tunnel_max(&sa, 60), 0);
	/* What fits is never longer than asked, and one more byte is not. */
	for (uint32_t mtu = 100; mtu < 1600; mtu += 7) {
		uint32_t in = esp_outb_tunnel_max(&sa, mtu);
		uint32_t out = sa.tmpl.len + sa.iv_len + sa.icv_len + in + 2;

		assert_true(((in + 2) & sa.blk_mask) == 0);
		assert_true(out <= mtu);
		assert_true(out + sa.blk_mask + 1 > mtu);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_fragment_of_fragment),
		cmocka_unit_test(test_not_fragmented),
		cmocka_unit_test(test_icmp4),
		cmocka_unit_test(test_icmp4_not_due),
		cmocka_unit_test(test_icmp6),
		cmocka_unit_test(test_time_exceeded),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_tunnel_max),
	};
	int rc;

	mp = dp_test_eal_init("test_pmtu", POOL);
	if (!mp)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_test_eal_fini(mp);
	return rc;
}
