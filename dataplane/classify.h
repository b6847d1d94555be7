/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-packet classification on a worker: one decision per packet, made
 * once, from the Ethernet and IP headers (DESIGN.md, decisions 1 and 4).
 *
 *   ESP (protocol 50) to one of our addresses          -> DP_CLS_ESP
 *   UDP to us, port 4500, first 4 bytes non-zero       -> DP_CLS_ESP_UDP
 *     (RFC 3948 section 2.2: a zero non-ESP marker is IKE, and a lone
 *      0xFF byte is a NAT keepalive, section 2.3; both go to the kernel)
 *   a fragment to us (IPv6: fragment header right behind the fixed one;
 *     the worker reassembles and classifies again, reasm.h)  -> DP_CLS_FRAG
 *   anything else for us: IKE on 500, ICMP, ARP, IPv4 broadcast and
 *     multicast, IPv6 multicast and link-local                -> SLOW
 *   (IPv6: ESP and UDP are found behind extension headers too, see
 *    ipv6_ext.h; a malformed chain to us is dropped as bad-ip-header)
 *   IP not for us, from either port                    -> DP_CLS_TRANSIT
 *   malformed, unicast for another MAC, other ethertypes -> DP_CLS_DROP
 *
 * On return, for IP packets m->l2_len and m->l3_len are set (for ESP to us
 * over IPv6, l3_len covers the extension headers), m->packet_type
 * carries RTE_PTYPE_L3_IPV4 or _IPV6 (and RTE_PTYPE_TUNNEL_ESP,
 * RTE_PTYPE_L4_UDP for ESP in UDP), and Ethernet padding beyond the IP
 * length is trimmed.  Pure function of the packet and the address set: no
 * state, no locks.
 */
#ifndef ESPGW_DP_CLASSIFY_H
#define ESPGW_DP_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "counters.h"
#include "ipv6_ext.h"

#define CLASSIFY_MAX_LOCAL 32

#define CLASSIFY_NATT_PORT 4500 /* RFC 3948 */
#define CLASSIFY_IPPROTO_ESP 50

/* The gateway's own addresses, on all ports: the kernel answers for each
 * of them on any tap (weak host model), so one set serves every port. */
struct classify_local {
	rte_be32_t v4[CLASSIFY_MAX_LOCAL];
	unsigned int n_v4;
	uint8_t v6[CLASSIFY_MAX_LOCAL][16];
	unsigned int n_v6;
};

static inline bool classify_is_local4(const struct classify_local *l,
				      rte_be32_t a)
{
	for (unsigned int i = 0; i < l->n_v4; i++)
		if (l->v4[i] == a)
			return true;
	return false;
}

static inline bool classify_is_local6(const struct classify_local *l,
				      const uint8_t *a)
{
	for (unsigned int i = 0; i < l->n_v6; i++)
		if (memcmp(l->v6[i], a, 16) == 0)
			return true;
	return false;
}

/* For UDP to us: ESP in UDP, or the kernel's (IKE, keepalive, other). */
static inline enum dp_class classify_udp(struct rte_mbuf *m, uint32_t off,
					 uint32_t l4_len,
					 enum dp_drop_reason *why)
{
	const struct rte_udp_hdr *u;
	const uint8_t *p;

	if (l4_len < sizeof(*u)) {
		*why = DP_DROP_BAD_L4;
		return DP_CLS_DROP;
	}
	u = rte_pktmbuf_mtod_offset(m, const struct rte_udp_hdr *, off);
	if (u->dst_port != RTE_BE16(CLASSIFY_NATT_PORT))
		return DP_CLS_SLOW;
	/* Four bytes of SPI, or less than that: the marker, a keepalive or
	 * junk, all of which the kernel sorts out. */
	if (l4_len < sizeof(*u) + 4)
		return DP_CLS_SLOW;
	p = (const uint8_t *)(u + 1);
	if ((p[0] | p[1] | p[2] | p[3]) == 0)
		return DP_CLS_SLOW;
	m->packet_type |= RTE_PTYPE_L4_UDP | RTE_PTYPE_TUNNEL_ESP;
	return DP_CLS_ESP_UDP;
}

/* Trim what follows the IP packet (Ethernet minimum-size padding). */
static inline void classify_trim(struct rte_mbuf *m, uint32_t ip_len)
{
	uint32_t extra = rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN - ip_len;

	if (extra)
		rte_pktmbuf_trim(m, extra);
}

static inline enum dp_class classify_ipv4(struct rte_mbuf *m,
					  const struct classify_local *l,
					  enum dp_drop_reason *why)
{
	uint32_t avail = rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN;
	const struct rte_ipv4_hdr *ip;
	uint32_t hlen, tlen;

	*why = DP_DROP_BAD_IP;
	if (avail < sizeof(*ip) || rte_pktmbuf_data_len(m) <
	    RTE_ETHER_HDR_LEN + sizeof(*ip))
		return DP_CLS_DROP;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
				     RTE_ETHER_HDR_LEN);
	hlen = (ip->version_ihl & 0x0f) * 4u;
	tlen = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || hlen < sizeof(*ip) ||
	    tlen < hlen || tlen > avail ||
	    rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + hlen)
		return DP_CLS_DROP;

	classify_trim(m, tlen);
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = hlen;
	m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4;

	if (!classify_is_local4(l, ip->dst_addr)) {
		/* 224.0.0.0/4 and the limited broadcast are link business. */
		if ((rte_be_to_cpu_32(ip->dst_addr) >> 28) == 0xe ||
		    ip->dst_addr == RTE_BE32(0xffffffff))
			return DP_CLS_SLOW;
		return DP_CLS_TRANSIT;
	}
	/* Fragments for us: the worker reassembles (ESP may have been
	 * fragmented on its way). */
	if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
					   RTE_IPV4_HDR_OFFSET_MASK))
		return DP_CLS_FRAG;
	if (ip->next_proto_id == CLASSIFY_IPPROTO_ESP) {
		m->packet_type |= RTE_PTYPE_TUNNEL_ESP;
		return DP_CLS_ESP;
	}
	if (ip->next_proto_id == IPPROTO_UDP)
		return classify_udp(m, RTE_ETHER_HDR_LEN + hlen, tlen - hlen,
				    why);
	return DP_CLS_SLOW;
}

/* IPv6 to us, len bytes from the fixed header: ESP or UDP behind the
 * extension headers, if any. */
static inline enum dp_class classify_local6(struct rte_mbuf *m, uint32_t len,
					    enum dp_drop_reason *why)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *,
						    RTE_ETHER_HDR_LEN);
	uint32_t seg = rte_pktmbuf_data_len(m) - RTE_ETHER_HDR_LEN;
	struct ipv6_ext x;

	/* A chain that runs into a second segment counts as cut short. */
	if (!ipv6_ext_skip(ip, RTE_MIN(len, seg), 0, &x))
		return DP_CLS_DROP;
	/* Fragments, as for IPv4: the worker reassembles those whose
	 * fragment header comes first, as librte_ip_frag wants.  XXX the
	 * kernel gets the others, so ESP among them is lost. */
	if (x.frag) {
		if (ip[6] != IPPROTO_FRAGMENT)
			return DP_CLS_SLOW;
		m->l3_len = sizeof(struct rte_ipv6_hdr) + 8;
		return DP_CLS_FRAG;
	}
	if (x.proto != CLASSIFY_IPPROTO_ESP && x.proto != IPPROTO_UDP)
		return DP_CLS_SLOW;
	/* l3_len has 9 bits: a chain longer than 511 bytes cannot be
	 * described to the ESP path.  XXX dropped, though well-formed. */
	if (x.l4_off > 511)
		return DP_CLS_DROP;
	m->l3_len = x.l4_off;
	if (x.proto == IPPROTO_UDP)
		return classify_udp(m, RTE_ETHER_HDR_LEN + x.l4_off,
				    len - x.l4_off, why);
	m->packet_type |= RTE_PTYPE_TUNNEL_ESP;
	return DP_CLS_ESP;
}

static inline enum dp_class classify_ipv6(struct rte_mbuf *m,
					  const struct classify_local *l,
					  enum dp_drop_reason *why)
{
	uint32_t avail = rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN;
	const struct rte_ipv6_hdr *ip;
	uint32_t plen;

	*why = DP_DROP_BAD_IP;
	if (avail < sizeof(*ip) || rte_pktmbuf_data_len(m) <
	    RTE_ETHER_HDR_LEN + sizeof(*ip))
		return DP_CLS_DROP;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
				     RTE_ETHER_HDR_LEN);
	plen = rte_be_to_cpu_16(ip->payload_len);
	if ((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6 ||
	    plen > avail - sizeof(*ip))
		return DP_CLS_DROP;

	classify_trim(m, plen + sizeof(*ip));
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = sizeof(*ip);
	m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV6;

	/* Multicast (NDP, MLD) and link-local (RFC 4291 section 2.5.6:
	 * never forwarded) belong to the kernel behind the tap. */
	if (ip->dst_addr[0] == 0xff ||
	    (ip->dst_addr[0] == 0xfe && (ip->dst_addr[1] & 0xc0) == 0x80))
		return DP_CLS_SLOW;
	if (!classify_is_local6(l, ip->dst_addr))
		return DP_CLS_TRANSIT;
	return classify_local6(m, plen + sizeof(*ip), why);
}

/*
 * Classify one frame received on a port whose MAC is port_mac.  On
 * DP_CLS_DROP, *why says why.
 */
static inline enum dp_class classify(struct rte_mbuf *m,
				     const struct rte_ether_addr *port_mac,
				     const struct classify_local *l,
				     enum dp_drop_reason *why)
{
	const struct rte_ether_hdr *eth;

	m->packet_type = 0;
	*why = DP_DROP_RUNT;
	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN)
		return DP_CLS_DROP;
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	/* A promiscuous port (af_packet on a veth sees everything) hands us
	 * frames for other hosts; the kernel would drop them too. */
	if (rte_is_unicast_ether_addr(&eth->dst_addr) &&
	    !rte_is_same_ether_addr(&eth->dst_addr, port_mac)) {
		*why = DP_DROP_L2_OTHER_HOST;
		return DP_CLS_DROP;
	}
	switch (eth->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		return classify_ipv4(m, l, why);
	case RTE_BE16(RTE_ETHER_TYPE_IPV6):
		return classify_ipv6(m, l, why);
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		return DP_CLS_SLOW;
	default:
		/* XXX No VLAN tags: 802.1Q frames are dropped here. */
		*why = DP_DROP_ETHERTYPE;
		return DP_CLS_DROP;
	}
}

#endif
