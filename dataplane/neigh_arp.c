/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP (RFC 826) for the neighbour table: what a frame teaches, and the
 * requests the main lcore sends. */
#include <rte_arp.h>

#include "neigh.h"

/* RFC 826 over Ethernet and IPv4, request or reply, sane sender. */
static const struct rte_arp_hdr *arp_valid(const struct rte_mbuf *m)
{
	const struct rte_arp_hdr *a;

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + sizeof(*a))
		return NULL;
	a = rte_pktmbuf_mtod_offset(m, const struct rte_arp_hdr *,
				    RTE_ETHER_HDR_LEN);
	if (a->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    a->arp_hlen != RTE_ETHER_ADDR_LEN || a->arp_plen != 4)
		return NULL;
	if (a->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) &&
	    a->arp_opcode != RTE_BE16(RTE_ARP_OP_REPLY))
		return NULL;
	if (!rte_is_valid_assigned_ether_addr(&a->arp_data.arp_sha))
		return NULL;
	return a;
}

enum neigh_arp_result neigh_arp_input(struct neigh_table *t, uint16_t port,
				      const struct rte_mbuf *m,
				      const struct classify_local *local)
{
	const struct rte_arp_hdr *a = arp_valid(m);
	rte_be32_t sip, tip;
	struct neigh_key k;
	bool to_us, reply;

	if (!a)
		return NEIGH_ARP_MALFORMED;
	sip = a->arp_data.arp_sip;
	tip = a->arp_data.arp_tip;
	/* A probe (RFC 5227) has no sender address; one that claims ours is
	 * a conflict for the kernel to see, not a neighbour. */
	if (sip == 0 || classify_is_local4(local, sip))
		return NEIGH_ARP_IGNORED;

	/* Only a reply to us answers a request of ours (RFC 826 has no
	 * reachability; this is Linux's rule). */
	to_us = classify_is_local4(local, tip);
	reply = a->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY);
	neigh_key_make(&k, port, ADDR_V4, (const uint8_t *)&sip);
	return neigh_learn(t, &k, &a->arp_data.arp_sha, to_us, reply && to_us,
			   true);
}

/* Ethernet's minimum frame, less the FCS that the NIC appends. */
#define ARP_FRAME_LEN (RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN)

struct rte_mbuf *neigh_arp_request(struct rte_mempool *mp,
				   const struct rte_ether_addr *src_mac,
				   rte_be32_t src_ip, rte_be32_t target,
				   const struct rte_ether_addr *dst)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;

	if (!m)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, ARP_FRAME_LEN);
	if (!eth) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(eth, 0, ARP_FRAME_LEN);
	if (dst)
		rte_ether_addr_copy(dst, &eth->dst_addr);
	else
		memset(&eth->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	rte_ether_addr_copy(src_mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);

	a = (struct rte_arp_hdr *)(eth + 1);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(src_mac, &a->arp_data.arp_sha);
	a->arp_data.arp_sip = src_ip;
	a->arp_data.arp_tip = target; /* arp_tha stays zero */
	return m;
}
