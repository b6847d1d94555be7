/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The slow path (DESIGN.md, decision 1): packets for the gateway that are
 * not ESP go from the workers to the main lcore, which writes them to the
 * tap of the port they arrived on; what the kernel writes to a tap leaves
 * through that port on the main lcore's own TX queue.
 *
 * Thread-safety: one ring per worker, that worker the only producer and
 * the main lcore the only consumer, so neither side locks.  Everything
 * else here runs on the main lcore.
 */
#ifndef ESPGW_DP_SLOWPATH_H
#define ESPGW_DP_SLOWPATH_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "counters.h"

#define SLOWPATH_RING_SIZE 1024

struct port_set;

struct slowpath {
	unsigned int n_workers;
	struct rte_ring **ring;
};

struct slowpath *slowpath_create(const char *name, int socket,
				 unsigned int n_workers);
/* Frees the packets still queued, then the rings. */
void slowpath_free(struct slowpath *sp);

/* Worker: queue n packets for the kernel; returns how many were taken,
 * the caller frees and counts the rest. */
static inline unsigned int slowpath_punt(struct slowpath *sp,
					 unsigned int worker,
					 struct rte_mbuf **pkts,
					 unsigned int n)
{
	return rte_ring_sp_enqueue_burst(sp->ring[worker], (void **)pkts, n,
					 NULL);
}

/* Called on the main lcore for each punted packet before it goes to the
 * kernel (to learn neighbours from ARP); must not keep or free it. */
typedef void (*slowpath_inspect_fn)(void *arg, uint8_t port,
				    const struct rte_mbuf *m);

/* Main lcore: punted packets to the taps.  Returns how many were sent. */
unsigned int slowpath_to_kernel(struct slowpath *sp,
				const struct port_set *ps,
				slowpath_inspect_fn inspect, void *arg,
				struct dp_counters *c);

/* Main lcore: what the kernel sent on the taps, out of the ports. */
unsigned int slowpath_from_kernel(const struct port_set *ps,
				  struct dp_counters *c);

#endif
