/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The poll loop of one worker lcore: receive a burst, classify each
 * packet once, hand ESP to the ESP core through the hooks below, route,
 * rewrite the Ethernet header and transmit; punt the gateway's own traffic
 * to the slow path; free and count every drop.  One quiescent-state report
 * per round over the worker's queues, for the RCU readers in the hooks.
 */
#ifndef ESPGW_DP_WORKER_H
#define ESPGW_DP_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "classify.h"
#include "counters.h"
#include "icmp_err.h"

/* The largest burst a worker handles; the configured burst is capped. */
#define WORKER_MAX_BURST 256
/* (port, queue) pairs one worker may poll. */
#define WORKER_MAX_QUEUES 64

/*
 * Marks a packet that one worker put back into another worker's receive
 * path (the ESP core's hand-off, ipsec_hooks.h).  The port's RX counters
 * took it when it first arrived, so the worker that receives it again
 * clears the mark and leaves it out of them.  A dynamic mbuf flag: 0, and
 * so never set, until worker_rx_again_register() on the main lcore.
 */
extern uint64_t worker_rx_again;
int worker_rx_again_register(void);

struct esp_sa; /* the ESP core's */
struct port_set;
struct route_table;

enum worker_verdict {
	WORKER_BYPASS,  /* policy action none: forward in clear */
	WORKER_PROTECT, /* encapsulate with the SA given */
	WORKER_DISCARD, /* policy action discard */
};

/*
 * What the ESP core plugs into the frame; all run on the worker lcore
 * `worker` (0 .. n_workers-1), inside an RCU read-side section that ends
 * at the next quiescent-state report.  Any hook may be NULL: without
 * spd_out every transit packet is bypassed, without esp_in ESP is dropped
 * as DP_DROP_NO_ESP.
 *
 * Packets come in with m->l2_len = 14, m->l3_len and m->packet_type set by
 * classify() (RTE_PTYPE_L3_IPV4/_IPV6; ESP in UDP adds RTE_PTYPE_L4_UDP),
 * m->port the DPDK port received on.  Burst functions return how many
 * packets they pass on, moved to the front of pkts in their order; they
 * free and count (under their own reasons) every packet they drop.  What
 * they pass on must start with 14 bytes of room for an Ethernet header
 * (the frame writes it) followed by the IP packet to route, with l2_len,
 * l3_len and packet_type describing it.
 */
struct worker_hooks {
	void *ctx;
	/* Outbound SPD lookup for n transit packets (TTL already
	 * decremented): fill verdict[i], and sas[i] for WORKER_PROTECT.
	 * Must not free or change the packets. */
	void (*spd_out)(void *ctx, unsigned int worker,
			struct rte_mbuf *const *pkts, uint16_t n,
			uint8_t *verdict, struct esp_sa **sas);
	/* Encapsulate pkts[i] under sas[i] (from spd_out).  The result is
	 * routed by its outer destination; its TTL is not decremented. */
	uint16_t (*esp_out)(void *ctx, unsigned int worker,
			    struct rte_mbuf **pkts, struct esp_sa **sas,
			    uint16_t n);
	/* Decapsulate ESP and ESP-in-UDP for our addresses: find each SA by
	 * SPI (sas is scratch for that, n entries), check anti-replay and the
	 * ICV, and the inner packet against the SA's selectors.  What is
	 * passed on is routed by its inner destination, TTL decremented. */
	uint16_t (*esp_in)(void *ctx, unsigned int worker,
			   struct rte_mbuf **pkts, struct esp_sa **sas,
			   uint16_t n);
	/* The longest inner packet that sa (from spd_out) carries whole to
	 * where its ESP goes: the MTU of the port rt routes that to, less
	 * ESP's overhead; 0 when not known.  Asked only about packets
	 * longer than worker_ctx.esp_whole; longer ones are cut or refused
	 * with ICMP (pmtu.h). */
	uint32_t (*esp_mtu)(void *ctx, const struct esp_sa *sa,
			    const struct route_table *rt,
			    const struct port_set *ps);
	/* The most ESP adds to a packet, outer header included. */
	uint32_t esp_overhead_max;
};

struct neigh_table;
struct reasm;
struct slowpath;

struct worker_queue {
	uint8_t port; /* index in the port set */
	uint16_t queue;
};

struct worker_ctx {
	unsigned int id;     /* 0 .. n_workers-1: queue, ring, RCU thread */
	unsigned int lcore;
	uint16_t burst;
	struct worker_queue rxq[WORKER_MAX_QUEUES];
	unsigned int n_rxq;
	const struct port_set *ports;
	const struct route_table *routes;
	const struct neigh_table *neigh;
	struct slowpath *sp;
	const struct classify_local *local;
	const struct worker_hooks *hooks;
	struct rte_rcu_qsbr *rcu;   /* NULL: no RCU readers */
	struct dp_counters *ctr;    /* this worker's own block */
	const uint32_t *running;    /* cleared by the main lcore to stop */
	uint32_t idle_sleep_us;     /* 0: busy-poll; see worker_main() */
	struct reasm *reasm; /* fragments for us; NULL: to the kernel */
	uint32_t esp_whole;  /* inner packets this long fit any tunnel */
	struct icmp_err_bucket icmp; /* ICMP errors' rate limit */
};

/* The lcore entry point (rte_eal_remote_launch); arg: struct worker_ctx. */
int worker_main(void *arg);

/* One round over the worker's queues; returns packets received.  Used by
 * worker_main() and by tests that drive a worker by hand. */
unsigned int worker_poll(struct worker_ctx *w);

#endif
