/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes: longest-prefix match (rte_lpm, rte_lpm6) from a destination to a
 * next hop, which is a port plus either a gateway address or "connected"
 * (the destination itself is on the port's link).
 *
 * Thread-safety: the table is filled on the main lcore before the workers
 * start and only read after that, so lookups take no lock.  XXX Changing
 * routes at run time would need rte_lpm_rcu_qsbr_add() and an RCU-freed
 * next-hop array; nothing changes them yet.
 */
#ifndef ESPGW_DP_ROUTE_H
#define ESPGW_DP_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ip.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>

#include "addr.h"

struct route_nexthop {
	struct ip_addr via; /* family 0: connected, resolve the destination */
	uint16_t port;      /* port index in the configuration */
};

struct route_table {
	struct rte_lpm *lpm4;
	struct rte_lpm6 *lpm6;
	struct route_nexthop *nh;
	uint32_t n_nh, max_nh;
	/* rte_lpm and rte_lpm6 take no /0: the default routes live here,
	 * as next-hop indexes, or -1. */
	int32_t default4, default6;
};

/* name must be unique among DPDK objects of this process. */
struct route_table *route_create(const char *name, int socket,
				 uint32_t max_routes);
void route_free(struct route_table *t);

/*
 * Add a route to dst through via on port; via NULL or family 0 for a
 * connected prefix.  A later add of the same prefix replaces the next hop.
 * Returns 0, or -EINVAL for mismatched families or bits past the prefix
 * length, -ENOSPC when the table is full.
 */
int route_add(struct route_table *t, const struct ip_prefix *dst,
	      const struct ip_addr *via, uint16_t port);

/* dst in network byte order.  NULL: no route. */
static inline const struct route_nexthop *
route_lookup4(const struct route_table *t, uint32_t dst_be)
{
	uint32_t i;

	if (rte_lpm_lookup(t->lpm4, rte_be_to_cpu_32(dst_be), &i) == 0)
		return &t->nh[i];
	return t->default4 < 0 ? NULL : &t->nh[t->default4];
}

static inline const struct route_nexthop *
route_lookup6(const struct route_table *t, const uint8_t *dst)
{
	uint32_t i;

	if (rte_lpm6_lookup(t->lpm6, dst, &i) == 0)
		return &t->nh[i];
	return t->default6 < 0 ? NULL : &t->nh[t->default6];
}

/*
 * Forwarding's part of IP on a packet about to be routed (l2_len set):
 * decrement the IPv4 TTL, with the checksum updated incrementally (RFC
 * 1624), or the IPv6 hop limit.  False when it would reach zero (RFC 1812
 * section 5.3.1): drop (the worker sends the time exceeded, icmp_err.h).
 */
static inline bool route_ttl_decrement(struct rte_mbuf *m, bool ipv6)
{
	uint32_t sum;

	if (ipv6) {
		struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(
			m, struct rte_ipv6_hdr *, m->l2_len);

		if (ip6->hop_limits <= 1)
			return false;
		ip6->hop_limits--;
		return true;
	}
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
		m, struct rte_ipv4_hdr *, m->l2_len);

	if (ip->time_to_live <= 1)
		return false;
	ip->time_to_live--;
	/* TTL is the high byte of its 16-bit word: the sum drops by 0x100,
	 * so its complement, the checksum, grows by 0x100. */
	sum = rte_be_to_cpu_16(ip->hdr_checksum) + 0x100u;
	ip->hdr_checksum = rte_cpu_to_be_16((uint16_t)(sum + (sum >> 16)));
	return true;
}

#endif
