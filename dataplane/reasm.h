/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fragments addressed to the gateway put back together on the worker that
 * received them (RFC 791 section 3.2, RFC 8200 section 4.5), so that ESP
 * which a router on its way fragmented reaches the ESP core whole; what
 * is not ESP then goes on to the kernel whole, as it did in pieces.
 *
 * One table per worker (DPDK's librte_ip_frag): at most REASM_FLOWS
 * packets in the making, each given up REASM_TTL_MS after its first
 * fragment, so at most REASM_HELD mbufs held.  A whole packet is a chain
 * of segments, which the tap takes as it is; ESP is made one segment
 * (reasm_flatten()), as the ESP core works in place, and ESP longer than
 * one mbuf is dropped.  IPv6 fragments are taken when the fragment
 * header follows the fixed header; others still go to the kernel.
 *
 * af_packet ports never hand fragments over: the PMD has the kernel's
 * fanout defragment, and a packet longer than its frame size arrives cut
 * short (dropped as bad-ip-header).
 *
 * XXX A packet whose fragments reach two workers is never completed.
 * RSS and af_packet fanout hash fragments on their addresses only, so one
 * sender's fragments share a queue.
 *
 * Thread-safety: a table is its worker's alone.
 */
#ifndef ESPGW_DP_REASM_H
#define ESPGW_DP_REASM_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ip_frag.h>
#include <rte_mbuf.h>

#define REASM_FLOWS  256
#define REASM_TTL_MS 5000
#define REASM_HELD   (REASM_FLOWS * RTE_LIBRTE_IP_FRAG_MAX_FRAG)

struct reasm;

/* NULL when out of memory. */
struct reasm *reasm_create(int socket);
/* Frees every fragment still held. */
void reasm_free(struct reasm *r);

enum reasm_result {
	REASM_KEPT,  /* held until the rest comes */
	REASM_WHOLE, /* *whole is the packet */
};

/*
 * Take the fragment m (l2_len, l3_len set: for IPv6 the fixed header and
 * the fragment header, 48).  With REASM_WHOLE, *whole starts with the
 * first fragment's Ethernet header, then the IP packet as sent: IPv4 with
 * its header checksum right, IPv6 without the fragment header.
 * Fragments the table refuses (overlapping, too many) are freed quietly.
 */
enum reasm_result reasm_input(struct reasm *r, struct rte_mbuf *m,
			      uint64_t now_tsc, struct rte_mbuf **whole);

/* Make a whole packet one segment; false when it is longer than one
 * mbuf holds (it is left as it was). */
static inline bool reasm_flatten(struct rte_mbuf *m)
{
	return m->nb_segs == 1 || rte_pktmbuf_linearize(m) == 0;
}

/* Once per round: free what the table let go, give up old packets. */
void reasm_tidy(struct reasm *r, uint64_t now_tsc);

#endif
