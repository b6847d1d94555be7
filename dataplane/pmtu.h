/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packets too big for their tunnel (RFC 4301 section 8.2): a cleartext
 * packet whose ESP would not fit the MTU of the port it leaves by.
 *
 * An IPv4 packet that may be fragmented (DF clear) is cut into fragments
 * that fit (RFC 791 section 3.2), each protected on its own, and its
 * destination reassembles them: espgw's peer never sees outer fragments.
 * Any other gets an ICMP "fragmentation needed" (RFC 1191) or ICMPv6
 * "packet too big" (RFC 8201) naming the longest packet the tunnel
 * carries, so that the sender's path MTU discovery shrinks what it sends,
 * and is dropped.  ICMP errors are rate-limited per worker (RFC 1812
 * section 4.3.2.8, RFC 4443 section 2.4 (f)).
 *
 * The packets here are as the worker holds them: l2_len bytes of room for
 * the Ethernet header, then the IP packet, packet_type and l3_len set.
 */
#ifndef ESPGW_DP_PMTU_H
#define ESPGW_DP_PMTU_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "addr.h"

/* Fragments of one packet: 1500 bytes cut for a tunnel MTU of 576. */
#define PMTU_MAX_FRAGS 8
/* ICMP errors per second a worker sends, and the burst it may save up. */
#define PMTU_ICMP_RATE	100
#define PMTU_ICMP_BURST 10

struct pmtu_bucket {
	uint64_t last_tsc;
	uint32_t tokens;
};

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

/*
 * The ICMP error that tells m's sender that mtu bytes is the most that
 * goes through, from our address src (m's family), in a new mbuf from mp,
 * shaped as m is (l2_len room, IP, packet_type, l3_len), TTL 64, to be
 * routed by its destination.  NULL when none is due (RFC 1122 section
 * 3.2.2, RFC 4443 section 2.4 (e)): m is an ICMP error itself or a later
 * fragment, its source is not unicast; or when mp ran dry.
 */
struct rte_mbuf *pmtu_icmp(const struct rte_mbuf *m, uint32_t mtu,
			   const struct ip_addr *src, struct rte_mempool *mp);

/* True when an ICMP error may go now (a token bucket; now: TSC). */
bool pmtu_may_send(struct pmtu_bucket *b, uint64_t now_tsc);

#endif
