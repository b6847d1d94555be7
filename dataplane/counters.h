/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Data-plane counters: per port, per packet class and per drop reason.
 *
 * Thread-safety: each lcore (every worker, and the main lcore) owns one
 * struct dp_counters and is its only writer; CTR_ADD does a relaxed load
 * and store, which compiles to a plain add.  Readers sum all the blocks
 * with relaxed loads and may see a value a burst old, never a torn one.
 */
#ifndef ESPGW_DP_COUNTERS_H
#define ESPGW_DP_COUNTERS_H

#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

/* Ports the frame handles; the configuration rarely has more than two. */
#define DP_MAX_PORTS 8

/* Why the frame dropped a packet.  The ESP core counts its own reasons. */
#define DP_DROP_REASONS(X) \
	X(DP_DROP_RUNT, "runt") \
	X(DP_DROP_L2_OTHER_HOST, "l2-other-host") \
	X(DP_DROP_ETHERTYPE, "unsupported-ethertype") \
	X(DP_DROP_BAD_IP, "bad-ip-header") \
	X(DP_DROP_BAD_L4, "bad-l4-header") \
	X(DP_DROP_TTL, "ttl-exceeded") \
	X(DP_DROP_NO_ROUTE, "no-route") \
	X(DP_DROP_NO_NEIGH, "no-neighbour") \
	X(DP_DROP_TOO_BIG, "too-big") \
	X(DP_DROP_POLICY_DISCARD, "policy-discard") \
	X(DP_DROP_NO_ESP, "no-esp-core") \
	X(DP_DROP_RING_FULL, "ring-full") \
	X(DP_DROP_TX_FULL, "tx-full") \
	X(DP_DROP_NO_MBUF, "no-mbuf") \
	X(DP_DROP_REASSEMBLY, "reassembled-esp-too-long")

#define CTR_ENUM(id, name) id,
enum dp_drop_reason {
	DP_DROP_REASONS(CTR_ENUM)
	DP_DROP_COUNT
};
#undef CTR_ENUM

/* What classification decided for a packet (see classify.h). */
enum dp_class {
	DP_CLS_DROP,    /* malformed, or not for us at layer 2 */
	DP_CLS_SLOW,    /* for the gateway's kernel, through the tap */
	DP_CLS_ESP,     /* ESP (IP protocol 50) to one of our addresses */
	DP_CLS_ESP_UDP, /* ESP in UDP on port 4500 to us, RFC 3948 */
	DP_CLS_TRANSIT, /* not for us: policy lookup, then routed */
	DP_CLS_FRAG,    /* a fragment for us: reassembled (reasm.h) */
	DP_CLS_COUNT
};

struct dp_port_counters {
	uint64_t rx_packets, rx_bytes;
	uint64_t tx_packets, tx_bytes;
};

struct dp_counters {
	struct dp_port_counters port[DP_MAX_PORTS];
	uint64_t cls[DP_CLS_COUNT];
	uint64_t drop[DP_DROP_COUNT];
	uint64_t forwarded;        /* routed and handed to a TX queue */
	uint64_t fragmented;       /* IPv4 cut to fit its tunnel (pmtu.h) */
	uint64_t icmp_too_big;     /* ICMP errors sent for the rest */
	uint64_t icmp_ttl;         /* time exceeded sent (icmp_err.h) */
	uint64_t reassembled;      /* packets for us made whole again */
	uint64_t to_kernel;        /* main lcore: written to a tap */
	uint64_t from_kernel;      /* main lcore: read from a tap */
	uint64_t arp_requests;     /* main lcore: ARP requests sent */
	uint64_t neigh_learned;    /* main lcore: entries created or changed */
	uint64_t neigh_requests_lost; /* workers: hand-over ring full */
	uint64_t neigh_held;       /* main lcore: packets held for a MAC */
	uint64_t neigh_failed;     /* main lcore: unanswered, entry removed */
	uint64_t neigh_evicted;    /* main lcore: unused entry removed */
} __rte_cache_aligned;

#define CTR_ADD(field, n) \
	__atomic_store_n(&(field), \
			 __atomic_load_n(&(field), __ATOMIC_RELAXED) + (n), \
			 __ATOMIC_RELAXED)

const char *dp_drop_name(enum dp_drop_reason r);
const char *dp_class_name(enum dp_class c);

/* Sum n blocks into out, reading each field once with a relaxed load. */
void counters_sum(const struct dp_counters *blocks, unsigned int n,
		  struct dp_counters *out);

/* One "name value" line per non-zero counter; port names index port[]. */
void counters_print(const struct dp_counters *c, const char *const *ports,
		    unsigned int n_ports, FILE *out);

#endif
