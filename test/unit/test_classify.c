/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_test_eal.h"

#include <rte_mbuf.h>

#include "classify.h"

static struct rte_mempool *mp;
static struct classify_local local;
static const struct rte_ether_addr our_mac = {
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
static const struct rte_ether_addr peer_mac = {
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };

#define OUR4   RTE_BE32(0xc6336401) /* 198.51.100.1 */
#define PEER4  RTE_BE32(0xc6336402) /* 198.51.100.2 */
#define OTHER4 RTE_BE32(0xc0000202) /* 192.0.2.2 */
static const uint8_t our6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t other6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 };

static struct rte_mbuf *frame(const struct rte_ether_addr *dst,
			      uint16_t type, const void *l3, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eth;

	assert_non_null(m);
	eth = (void *)rte_pktmbuf_append(m, (uint16_t)(sizeof(*eth) + len));
	assert_non_null(eth);
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(&peer_mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(type);
	memcpy(eth + 1, l3, len);
	return m;
}

/* An IPv4 packet to dst with payload, in a frame of at least pad bytes. */
static struct rte_mbuf *ipv4(rte_be32_t dst, uint8_t proto,
			     const void *payload, size_t plen, size_t pad)
{
	uint8_t buf[256] = { 0 };
	struct rte_ipv4_hdr *ip = (void *)buf;
	size_t len = sizeof(*ip) + plen;

	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)len);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = PEER4;
	ip->dst_addr = dst;
	memcpy(ip + 1, payload, plen);
	return frame(&our_mac, RTE_ETHER_TYPE_IPV4, buf, len > pad ? len : pad);
}

static struct rte_mbuf *udp4(rte_be32_t dst, uint16_t dport,
			     const void *data, size_t dlen)
{
	uint8_t buf[128] = { 0 };
	struct rte_udp_hdr *u = (void *)buf;

	u->src_port = RTE_BE16(4500);
	u->dst_port = rte_cpu_to_be_16(dport);
	u->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*u) + dlen));
	if (dlen)
		memcpy(u + 1, data, dlen);
	return ipv4(dst, IPPROTO_UDP, buf, sizeof(*u) + dlen, 0);
}

static struct rte_mbuf *ipv6(const uint8_t *dst, uint8_t proto,
			     const void *payload, size_t plen)
{
	uint8_t buf[256] = { 0 };
	struct rte_ipv6_hdr *ip = (void *)buf;

	ip->vtc_flow = RTE_BE32(0x60000000);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)plen);
	ip->proto = proto;
	ip->hop_limits = 64;
	memcpy(ip->dst_addr, dst, 16);
	memcpy(ip + 1, payload, plen);
	return frame(&our_mac, RTE_ETHER_TYPE_IPV6, buf, sizeof(*ip) + plen);
}

/* Classify m, check the class (and the reason for drops), free it. */
static void expect(struct rte_mbuf *m, enum dp_class want,
		   enum dp_drop_reason want_why)
{
	enum dp_drop_reason why = DP_DROP_COUNT;
	enum dp_class got = classify(m, &our_mac, &local, &why);

	assert_string_equal(dp_class_name(got), dp_class_name(want));
	if (want == DP_CLS_DROP)
		assert_string_equal(dp_drop_name(why), dp_drop_name(want_why));
	rte_pktmbuf_free(m);
}

static const uint8_t esp_hdr[16] = { 0, 0, 0x10, 0x01, 0, 0, 0, 1 };

static void test_esp_to_us(void **state)
{
	struct rte_mbuf *m = ipv4(OUR4, 50, esp_hdr, sizeof(esp_hdr), 0);
	enum dp_drop_reason why;

	(void)state;
	assert_int_equal(classify(m, &our_mac, &local, &why), DP_CLS_ESP);
	assert_int_equal(m->l2_len, 14);
	assert_int_equal(m->l3_len, 20);
	assert_true(RTE_ETH_IS_IPV4_HDR(m->packet_type));
	assert_int_equal(m->packet_type & RTE_PTYPE_TUNNEL_MASK,
			 RTE_PTYPE_TUNNEL_ESP);
	rte_pktmbuf_free(m);
	expect(ipv6(our6, 50, esp_hdr, sizeof(esp_hdr)), DP_CLS_ESP, 0);
	/* ESP not to us is somebody else's tunnel: transit. */
	expect(ipv4(OTHER4, 50, esp_hdr, sizeof(esp_hdr), 0),
	       DP_CLS_TRANSIT, 0);
}

static void test_udp_4500_split(void **state)
{
	static const uint8_t marker[8] = { 0, 0, 0, 0, 0x21, 0x20 };
	static const uint8_t keepalive[1] = { 0xff };
	struct rte_mbuf *m;
	enum dp_drop_reason why;

	(void)state;
	m = udp4(OUR4, 4500, esp_hdr, sizeof(esp_hdr));
	assert_int_equal(classify(m, &our_mac, &local, &why),
			 DP_CLS_ESP_UDP);
	assert_true(m->packet_type & RTE_PTYPE_L4_UDP);
	rte_pktmbuf_free(m);
	/* RFC 3948 section 2.2: the non-ESP marker means IKE. */
	expect(udp4(OUR4, 4500, marker, sizeof(marker)), DP_CLS_SLOW, 0);
	/* Section 2.3: the NAT keepalive, even in a padded frame. */
	expect(udp4(OUR4, 4500, keepalive, 1), DP_CLS_SLOW, 0);
	expect(udp4(OUR4, 4500, NULL, 0), DP_CLS_SLOW, 0);
	expect(udp4(OUR4, 500, esp_hdr, sizeof(esp_hdr)), DP_CLS_SLOW, 0);
	/* 4500 to someone else is forwarded like any other packet. */
	expect(udp4(OTHER4, 4500, esp_hdr, sizeof(esp_hdr)),
	       DP_CLS_TRANSIT, 0);
}

static void test_own_traffic_goes_to_the_kernel(void **state)
{
	static const uint8_t icmp[8] = { 8 };
	static const uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
	static const uint8_t ll[16] = { 0xfe, 0x80, [15] = 9 };
	static const uint8_t mc[16] = { 0xff, 0x02, [15] = 1 };
	struct rte_ether_addr bcast;

	(void)state;
	memset(&bcast, 0xff, sizeof(bcast));
	expect(ipv4(OUR4, IPPROTO_ICMP, icmp, sizeof(icmp), 0),
	       DP_CLS_SLOW, 0);
	expect(ipv4(OUR4, IPPROTO_TCP, icmp, sizeof(icmp), 0),
	       DP_CLS_SLOW, 0);
	expect(frame(&bcast, RTE_ETHER_TYPE_ARP, arp, sizeof(arp)),
	       DP_CLS_SLOW, 0);
	expect(ipv6(our6, IPPROTO_ICMPV6, icmp, sizeof(icmp)),
	       DP_CLS_SLOW, 0);
	expect(ipv6(ll, IPPROTO_ICMPV6, icmp, sizeof(icmp)), DP_CLS_SLOW, 0);
	expect(ipv6(mc, IPPROTO_ICMPV6, icmp, sizeof(icmp)), DP_CLS_SLOW, 0);
	expect(ipv4(RTE_BE32(0xe0000001), IPPROTO_UDP, icmp, sizeof(icmp), 0),
	       DP_CLS_SLOW, 0);
}

/* Fragments to us are for the worker to reassemble (reasm.h); those
 * to others are transit like any packet. */
static void test_fragment_to_us_is_reassembled(void **state)
{
	struct rte_mbuf *m = ipv4(OUR4, 50, esp_hdr, sizeof(esp_hdr), 0);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
		m, struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
	enum dp_drop_reason why;

	(void)state;
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	assert_int_equal(classify(m, &our_mac, &local, &why), DP_CLS_FRAG);
	assert_int_equal(m->l3_len, 20);
	rte_pktmbuf_free(m);
	m = ipv4(OUR4, 50, esp_hdr, sizeof(esp_hdr), 0);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
				     RTE_ETHER_HDR_LEN);
	ip->fragment_offset = RTE_BE16(185); /* a later one */
	expect(m, DP_CLS_FRAG, 0);
	m = ipv4(OTHER4, 50, esp_hdr, sizeof(esp_hdr), 0);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
				     RTE_ETHER_HDR_LEN);
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	expect(m, DP_CLS_TRANSIT, 0);
}

static void test_transit(void **state)
{
	static const uint8_t icmp[8] = { 8 };

	(void)state;
	expect(ipv4(OTHER4, IPPROTO_ICMP, icmp, sizeof(icmp), 0),
	       DP_CLS_TRANSIT, 0);
	expect(ipv6(other6, IPPROTO_ICMPV6, icmp, sizeof(icmp)),
	       DP_CLS_TRANSIT, 0);
}

static void test_padding_is_trimmed(void **state)
{
	static const uint8_t icmp[8] = { 8 };
	struct rte_mbuf *m = ipv4(OTHER4, IPPROTO_ICMP, icmp, sizeof(icmp),
				  46);
	enum dp_drop_reason why;

	(void)state;
	assert_int_equal(rte_pktmbuf_pkt_len(m), 60);
	assert_int_equal(classify(m, &our_mac, &local, &why),
			 DP_CLS_TRANSIT);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 28);
	rte_pktmbuf_free(m);
}

static void test_malformed(void **state)
{
	static const uint8_t icmp[8] = { 8 };
	static const uint8_t vlan[4] = { 0 };
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;

	(void)state;
	/* Not our MAC: another host's unicast on a promiscuous port. */
	m = ipv4(OUR4, IPPROTO_ICMP, icmp, sizeof(icmp), 0);
	rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr = peer_mac;
	expect(m, DP_CLS_DROP, DP_DROP_L2_OTHER_HOST);

	expect(frame(&our_mac, RTE_ETHER_TYPE_VLAN, vlan, sizeof(vlan)),
	       DP_CLS_DROP, DP_DROP_ETHERTYPE);
	m = frame(&our_mac, RTE_ETHER_TYPE_IPV4, icmp, 0);
	rte_pktmbuf_trim(m, 1);
	expect(m, DP_CLS_DROP, DP_DROP_RUNT);
	/* An IPv4 header cut short, a bad IHL, a length past the frame, a
	 * length shorter than the header, the wrong version. */
	expect(frame(&our_mac, RTE_ETHER_TYPE_IPV4, icmp, sizeof(icmp)),
	       DP_CLS_DROP, DP_DROP_BAD_IP);
	for (int k = 0; k < 4; k++) {
		m = ipv4(OUR4, IPPROTO_ICMP, icmp, sizeof(icmp), 0);
		ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
		if (k == 0)
			ip->version_ihl = 0x44;
		else if (k == 1)
			ip->total_length = RTE_BE16(29);
		else if (k == 2)
			ip->total_length = RTE_BE16(19);
		else
			ip->version_ihl = 0x65;
		expect(m, DP_CLS_DROP, DP_DROP_BAD_IP);
	}
	/* IHL past the end of the packet. */
	m = ipv4(OUR4, IPPROTO_ICMP, icmp, sizeof(icmp), 0);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	ip->version_ihl = 0x4f;
	expect(m, DP_CLS_DROP, DP_DROP_BAD_IP);
	/* UDP to us too short for its header. */
	expect(ipv4(OUR4, IPPROTO_UDP, icmp, 4, 0), DP_CLS_DROP,
	       DP_DROP_BAD_L4);
	/* IPv6 payload length past the frame. */
	m = ipv6(our6, 50, esp_hdr, sizeof(esp_hdr));
	rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14)->payload_len =
		RTE_BE16(17);
	expect(m, DP_CLS_DROP, DP_DROP_BAD_IP);
	m = ipv6(our6, 50, esp_hdr, sizeof(esp_hdr));
	rte_pktmbuf_trim(m, 30);
	expect(m, DP_CLS_DROP, DP_DROP_BAD_IP);
}

/* Hop-by-hop, destination options and a routing header (segments left
 * 0), 8 + 8 + 24 bytes; the routing header's Next Header at CHAIN_LAST. */
static const uint8_t chain[40] = {
	60, 0, 1, 4, 0, 0, 0, 0,
	43, 0, 1, 4, 0, 0, 0, 0,
	0, 2, 0, 0,
};
#define CHAIN_LAST 16

/* IPv6 to dst: the chain (its first n bytes, the header ending there
 * naming proto at byte last), then l4. */
static struct rte_mbuf *ipv6_chain(const uint8_t *dst, size_t n, size_t last,
				   uint8_t proto, const void *l4, size_t l4len)
{
	uint8_t buf[200] = { 0 };

	assert_true(n + l4len <= sizeof(buf));
	memcpy(buf, chain, n);
	buf[last] = proto;
	memcpy(buf + n, l4, l4len);
	return ipv6(dst, IPV6_EXT_HOPOPTS, buf, n + l4len);
}

static void test_esp_behind_extension_headers(void **state)
{
	uint8_t udp[8 + sizeof(esp_hdr)] = { 0x11, 0x94, 0x11, 0x94, 0, 24 };
	static const uint8_t marker[12] = { 0x11, 0x94, 0x11, 0x94, 0, 12 };
	struct rte_mbuf *m;
	enum dp_drop_reason why;

	(void)state;
	memcpy(udp + 8, esp_hdr, sizeof(esp_hdr));
	m = ipv6_chain(our6, 40, CHAIN_LAST, 50, esp_hdr, sizeof(esp_hdr));
	assert_int_equal(classify(m, &our_mac, &local, &why), DP_CLS_ESP);
	/* The SPI is where the ESP path looks for it. */
	assert_int_equal(m->l3_len, 80);
	assert_memory_equal(rte_pktmbuf_mtod_offset(m, uint8_t *,
						    m->l2_len + m->l3_len),
			    esp_hdr, 8);
	rte_pktmbuf_free(m);

	/* ESP in UDP behind hop-by-hop alone; IKE's marker there too. */
	m = ipv6_chain(our6, 8, 0, IPPROTO_UDP, udp, sizeof(udp));
	assert_int_equal(classify(m, &our_mac, &local, &why),
			 DP_CLS_ESP_UDP);
	assert_int_equal(m->l3_len, 48);
	rte_pktmbuf_free(m);
	expect(ipv6_chain(our6, 8, 0, IPPROTO_UDP, marker, sizeof(marker)),
	       DP_CLS_SLOW, 0);
	/* MLD and the like (ICMPv6 behind a router alert) stay the
	 * kernel's; ESP behind a chain to others is transit, unwalked. */
	expect(ipv6_chain(our6, 8, 0, IPPROTO_ICMPV6, esp_hdr, 8),
	       DP_CLS_SLOW, 0);
	expect(ipv6_chain(other6, 40, CHAIN_LAST, 50, esp_hdr, 16),
	       DP_CLS_TRANSIT, 0);
}

/* The worker reassembles IPv6 fragments whose fragment header comes
 * first (librte_ip_frag's rule); the kernel gets the others. */
static void test_ipv6_fragment_to_us(void **state)
{
	/* Hop-by-hop, then a first fragment (M set) of ESP. */
	uint8_t frag[16 + sizeof(esp_hdr)] = { 44, 0, 1, 4, 0, 0, 0, 0,
					       50, 0, 0, 1, 0, 0, 0, 7 };
	struct rte_mbuf *m;
	enum dp_drop_reason why;

	(void)state;
	memcpy(frag + 16, esp_hdr, sizeof(esp_hdr));
	expect(ipv6(our6, 0, frag, sizeof(frag)), DP_CLS_SLOW, 0);
	/* An atomic fragment (RFC 6946) is whole: ESP. */
	frag[11] = 0;
	m = ipv6(our6, 0, frag, sizeof(frag));
	assert_int_equal(classify(m, &our_mac, &local, &why), DP_CLS_ESP);
	assert_int_equal(m->l3_len, 56);
	rte_pktmbuf_free(m);
	/* The fragment header first. */
	frag[11] = 1;
	m = ipv6(our6, 44, frag + 8, sizeof(frag) - 8);
	assert_int_equal(classify(m, &our_mac, &local, &why), DP_CLS_FRAG);
	assert_int_equal(m->l3_len, 48);
	rte_pktmbuf_free(m);
}

static void test_malformed_chain(void **state)
{
	uint8_t bad[80];
	struct rte_mbuf *m;

	(void)state;
	/* Every cut inside the chain, payload length to match. */
	for (size_t n = 1; n < 40; n++)
		expect(ipv6_chain(our6, n, 0, chain[0], esp_hdr, 0),
		       DP_CLS_DROP, DP_DROP_BAD_IP);
	/* Payload length shorter than the chain, frame long enough. */
	m = ipv6_chain(our6, 40, CHAIN_LAST, 50, esp_hdr, sizeof(esp_hdr));
	rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14)->payload_len =
		RTE_BE16(39);
	expect(m, DP_CLS_DROP, DP_DROP_BAD_IP);
	/* Hop-by-hop in second place. */
	memcpy(bad, chain, 16);
	bad[0] = 0;
	expect(ipv6(our6, 0, bad, 16), DP_CLS_DROP, DP_DROP_BAD_IP);
	/* Nine destination options headers before UDP: one too many;
	 * eight are walked. */
	memset(bad, 0, sizeof(bad));
	for (int i = 0; i < 9; i++)
		bad[8 * i] = 60;
	bad[64] = IPPROTO_UDP;
	expect(ipv6(our6, 60, bad, 80), DP_CLS_DROP, DP_DROP_BAD_IP);
	expect(ipv6(our6, 60, bad + 8, 72), DP_CLS_SLOW, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_esp_to_us),
		cmocka_unit_test(test_udp_4500_split),
		cmocka_unit_test(test_own_traffic_goes_to_the_kernel),
		cmocka_unit_test(test_fragment_to_us_is_reassembled),
		cmocka_unit_test(test_transit),
		cmocka_unit_test(test_padding_is_trimmed),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_esp_behind_extension_headers),
		cmocka_unit_test(test_ipv6_fragment_to_us),
		cmocka_unit_test(test_malformed_chain),
	};
	int rc;

	mp = dp_test_eal_init("test_classify", 255);
	if (!mp)
		return 1;
	local.v4[local.n_v4++] = RTE_BE32(0x0a000001);
	local.v4[local.n_v4++] = OUR4;
	memcpy(local.v6[local.n_v6++], our6, 16);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_test_eal_fini(mp);
	return rc;
}
