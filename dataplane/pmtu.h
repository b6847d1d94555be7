/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packets too big for their tunnel (RFC 4301 section 8.2): a cleartext
 * packet whose ESP would not fit the MTU of the port it leaves by.
 *
 * An IPv4 packet that may be fragmented (DF clear) is cut into fragments
 * that fit (RFC 791 section 3.2), each protected on its own, and its
 * destination reassembles them: espgw's peer never sees outer fragments.
 * Any other gets an ICMP "fragmentation needed" or ICMPv6 "packet too
 * big" (icmp_err.h) naming the longest packet the tunnel carries, so that
 * the sender's path MTU discovery shrinks what it sends, and is dropped.
 *
 * The packets here are as the worker holds them: l2_len bytes of room for
 * the Ethernet header, then the IP packet, packet_type and l3_len set.
 */
#ifndef ESPGW_DP_PMTU_H
#define ESPGW_DP_PMTU_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

/* Fragments of one packet: 1500 bytes cut for a tunnel MTU of 576. */
#define PMTU_MAX_FRAGS 8

/*
 * Cut the IPv4 packet m into fragments of at most mtu bytes of IP packet
 * each, in new mbufs from mp (each with m's l2_len of room in front and
 * m's packet_type, l2_len, l3_len and port), stored in out.  m is left as
 * it was.  Returns how many (at most max); 0 when m must not be cut (DF
 * set, IP options, not one segment, mtu too small to carry 8 bytes of
 * payload a fragment); -ENOBUFS when mp ran dry or more than max would
 * be needed.
 */
int pmtu_fragment4(const struct rte_mbuf *m, uint32_t mtu,
		   struct rte_mempool *mp, struct rte_mbuf **out,
		   unsigned int max);

#endif
