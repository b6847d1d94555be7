/* SPDX-License-Identifier: BSD-3-Clause */
/* NDP (RFC 4861) for the neighbour table: neighbour solicitations and
 * advertisements validated and learned from, and solicitations sent. */
#include <rte_icmp.h>
#include <rte_ip.h>

#include "neigh.h"

/* RFC 4861 section 4.3 and 4.4: type, code, checksum, reserved/flags, the
 * target; options follow. */
#define ND_NS 135
#define ND_NA 136
#define ND_HDR_LEN 24
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_NA_ROUTER    0x80
#define ND_NA_SOLICITED 0x40
#define ND_NA_OVERRIDE  0x20

struct nd_msg {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	uint8_t flags; /* NA: R, S, O; NS: reserved */
	uint8_t reserved[3];
	uint8_t target[16];
} __rte_packed;

static bool ip6_is_unspec(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/* The one's complement sum over the pseudo-header and the message,
 * checksum included, is all ones when the checksum is right. */
static bool nd_cksum_ok(const struct rte_ipv6_hdr *ip, const void *l4,
			uint16_t plen)
{
	uint32_t sum = __rte_raw_cksum(l4, plen, 0);

	sum += rte_ipv6_phdr_cksum(ip, 0);
	return __rte_raw_cksum_reduce(sum) == 0xffff;
}

/* The IPv6 header of an NS or NA that passes RFC 4861 section 7.1.1 and
 * 7.1.2, or NULL.  The frame must be in one segment, as the slow path's
 * are. */
static const struct rte_ipv6_hdr *nd_valid(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;
	const struct rte_ipv6_hdr *ip;
	const struct nd_msg *nd;
	uint16_t plen;

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + sizeof(*ip) +
	    ND_HDR_LEN || !rte_pktmbuf_is_contiguous(m))
		return NULL;
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	ip = (const struct rte_ipv6_hdr *)(eth + 1);
	plen = rte_be_to_cpu_16(ip->payload_len);
	/* No extension headers: an ND message never needs one. */
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV6) ||
	    (rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6 ||
	    ip->proto != IPPROTO_ICMPV6 || ip->hop_limits != 255 ||
	    plen < ND_HDR_LEN ||
	    plen > rte_pktmbuf_data_len(m) - RTE_ETHER_HDR_LEN - sizeof(*ip))
		return NULL;
	nd = (const struct nd_msg *)(ip + 1);
	if ((nd->type != ND_NS && nd->type != ND_NA) || nd->code != 0 ||
	    nd->target[0] == 0xff)
		return NULL;
	return nd_cksum_ok(ip, nd, plen) ? ip : NULL;
}

/*
 * The MAC in the link-layer option of the given type, into *mac: 1 when
 * found, 0 when absent, -1 when an option has length zero or overruns
 * the message (RFC 4861 section 7.1).
 */
static int nd_lladdr(const uint8_t *opt, uint16_t len, uint8_t type,
		     struct rte_ether_addr *mac)
{
	int found = 0;

	while (len >= 2) {
		uint16_t olen = (uint16_t)(opt[1] * 8);

		if (olen == 0 || olen > len)
			return -1;
		/* Ethernet's option is one unit (RFC 4861 section 4.6.1). */
		if (opt[0] == type && olen == 8 && !found) {
			memcpy(mac, opt + 2, RTE_ETHER_ADDR_LEN);
			found = 1;
		}
		opt += olen;
		len -= olen;
	}
	return len == 0 ? found : -1;
}

/* Learn ip's MAC from an NS (confirm false) or an NA (confirm when
 * solicited; replace another MAC only with the O flag, section 7.2.5). */
static enum neigh_arp_result nd_learn(struct neigh_table *t, uint16_t port,
				      const uint8_t *ip,
				      const struct rte_ether_addr *mac,
				      bool create, bool override, bool confirm)
{
	struct neigh_key k;

	if (!rte_is_valid_assigned_ether_addr(mac))
		return NEIGH_ARP_IGNORED;
	neigh_key_make(&k, port, ADDR_V6, ip);
	return neigh_learn(t, &k, mac, create, confirm, override);
}

enum neigh_arp_result neigh_ndp_input(struct neigh_table *t, uint16_t port,
				      const struct rte_mbuf *m,
				      const struct classify_local *local)
{
	const struct rte_ipv6_hdr *ip = nd_valid(m);
	const struct nd_msg *nd;
	struct rte_ether_addr mac;
	uint16_t olen;
	bool mcast;
	int rc;

	if (!ip)
		return NEIGH_ARP_MALFORMED;
	nd = (const struct nd_msg *)(ip + 1);
	olen = (uint16_t)(rte_be_to_cpu_16(ip->payload_len) - ND_HDR_LEN);
	mcast = ip->dst_addr[0] == 0xff;
	rc = nd_lladdr((const uint8_t *)(nd + 1), olen,
		       nd->type == ND_NS ? ND_OPT_SLLA : ND_OPT_TLLA, &mac);
	if (rc < 0)
		return NEIGH_ARP_MALFORMED;
	if (nd->type == ND_NA) {
		/* Section 7.1.2: a multicast NA is never solicited. */
		if (mcast && (nd->flags & ND_NA_SOLICITED))
			return NEIGH_ARP_MALFORMED;
		if (rc == 0 || classify_is_local6(local, nd->target))
			return NEIGH_ARP_IGNORED;
		return nd_learn(t, port, nd->target, &mac,
				(nd->flags & ND_NA_SOLICITED) &&
				classify_is_local6(local, ip->dst_addr),
				nd->flags & ND_NA_OVERRIDE,
				nd->flags & ND_NA_SOLICITED);
	}
	/* Section 7.1.1: DAD comes from :: to a solicited-node group, with
	 * no source link-layer option; it names no neighbour. */
	if (ip6_is_unspec(ip->src_addr))
		return rc == 0 && mcast ? NEIGH_ARP_IGNORED
					: NEIGH_ARP_MALFORMED;
	if (rc == 0 || classify_is_local6(local, ip->src_addr))
		return NEIGH_ARP_IGNORED;
	return nd_learn(t, port, ip->src_addr, &mac,
			classify_is_local6(local, nd->target), true, false);
}

/* NS with one source link-layer option: 24 + 8 bytes of ICMPv6. */
#define NS_PLEN (ND_HDR_LEN + 8)
#define NS_FRAME_LEN (RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv6_hdr) + \
		      NS_PLEN)

/* ff02::1:ffXX:XXXX from the target's low 24 bits (RFC 4291 2.7.1), and
 * its MAC, 33:33 and the group's low 32 bits (RFC 2464 section 7). */
static void solicited_node(const uint8_t *target, uint8_t *group,
			   struct rte_ether_addr *mac)
{
	memset(group, 0, 16);
	group[0] = 0xff;
	group[1] = 0x02;
	group[11] = 0x01;
	group[12] = 0xff;
	memcpy(group + 13, target + 13, 3);
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(&mac->addr_bytes[2], group + 12, 4);
}

struct rte_mbuf *neigh_ndp_solicit(struct rte_mempool *mp,
				   const struct rte_ether_addr *src_mac,
				   const uint8_t *src_ip, const uint8_t *target,
				   const struct rte_ether_addr *dst)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip;
	struct nd_msg *nd;
	uint8_t *opt;

	if (!m)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, NS_FRAME_LEN);
	if (!eth) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(eth, 0, NS_FRAME_LEN);
	rte_ether_addr_copy(src_mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip = (struct rte_ipv6_hdr *)(eth + 1);
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = RTE_BE16(NS_PLEN);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = 255; /* section 7.1: proves it was not routed */
	memcpy(ip->src_addr, src_ip, 16);
	solicited_node(target, ip->dst_addr, &eth->dst_addr);
	if (dst) {
		memcpy(ip->dst_addr, target, 16);
		rte_ether_addr_copy(dst, &eth->dst_addr);
	}
	nd = (struct nd_msg *)(ip + 1);
	nd->type = ND_NS;
	memcpy(nd->target, target, 16);
	opt = (uint8_t *)(nd + 1);
	opt[0] = ND_OPT_SLLA;
	opt[1] = 1;
	memcpy(opt + 2, src_mac, RTE_ETHER_ADDR_LEN);
	nd->cksum = rte_ipv6_udptcp_cksum(ip, nd);
	return m;
}
