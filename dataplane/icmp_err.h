/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ICMP and ICMPv6 errors a worker sends about a packet it will not
 * forward: "fragmentation needed" (RFC 1191) or "packet too big" (RFC
 * 8201) for one too big for its tunnel (pmtu.h), and "time exceeded in
 * transit" (RFC 792, RFC 4443 section 3.3) for one whose TTL or hop limit
 * ran out, which is what traceroute shows of the gateway.  From the
 * gateway's address on the port the packet came in, to its source,
 * rate-limited per worker (RFC 1812 section 4.3.2.8, RFC 4443 section 2.4
 * (f)).
 *
 * The packets are as the worker holds them: l2_len bytes of room for the
 * Ethernet header, then the IP packet, packet_type and l3_len set; so is
 * the error made, ready to be routed by its destination.
 */
#ifndef ESPGW_DP_ICMP_ERR_H
#define ESPGW_DP_ICMP_ERR_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "addr.h"

/* Errors per second a worker sends, and the burst it may save up. */
#define ICMP_ERR_RATE  100
#define ICMP_ERR_BURST 10

enum icmp_err_kind {
	ICMP_ERR_TOO_BIG, /* info: the MTU that goes through */
	ICMP_ERR_TTL,     /* time exceeded in transit */
};

struct icmp_err_bucket {
	uint64_t last_tsc;
	uint32_t tokens;
};

/*
 * The error of that kind about m, from our address src (m's family), in a
 * new mbuf from mp, TTL 64.  NULL when none is due (RFC 1122 section
 * 3.2.2, RFC 4443 section 2.4 (e)): m is an ICMP error itself or a later
 * fragment, its source is not unicast, src is of the other family; or
 * when mp ran dry.
 */
struct rte_mbuf *icmp_err(const struct rte_mbuf *m, enum icmp_err_kind kind,
			  uint32_t mtu, const struct ip_addr *src,
			  struct rte_mempool *mp);

/* True when an error may go now (a token bucket; now: TSC). */
bool icmp_err_may_send(struct icmp_err_bucket *b, uint64_t now_tsc);

#endif
