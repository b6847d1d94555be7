/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ESP core plugged into the frame (struct worker_hooks): outbound
 * policy lookup, encapsulation and decapsulation on the workers, with the
 * SAD and SPD of a struct sa_table and one struct esp_crypto per worker.
 *
 * Inbound ownership (esp_sa.h, DESIGN.md decision 5): an inbound SA's
 * replay window belongs to one worker, its owner (sad_entry.owner).  A
 * packet whose SA another worker owns is put, Ethernet header and all, on
 * that worker's hand-off ring for the port it came in on (multi-producer,
 * single-consumer, lock-free).  The owner takes it back in through an
 * ethdev RX callback on its own queues of that port, so it is classified
 * and decapsulated there as if received there.  RSS or af_packet fanout
 * keeps one outer flow on one queue, so hand-offs are the exception; they
 * are counted (handoff), and a full ring drops (ring-full).  A handed-off
 * packet is marked (worker_rx_again) so that the port's RX counters take
 * it once, on the worker it first arrived at.
 *
 * Thread-safety: the hooks run on the workers, each with its own crypto
 * context and counter block; the tables are read under the frame's RCU.
 * Create, attach and destroy run on the main lcore, attach before
 * dp_start() and destroy after dp_stop().
 */
#ifndef ESPGW_DP_IPSEC_HOOKS_H
#define ESPGW_DP_IPSEC_HOOKS_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "esp_drop.h"
#include "sa_table.h"
#include "worker.h"

#define IPSEC_HANDOFF_RING 1024

struct ipsec_hooks;

/* Per-worker counters of packets no SA could be charged with. */
struct ipsec_counters {
	uint64_t drop[ESP_DROP_COUNT]; /* unknown-spi, ring-full, malformed */
	uint64_t handoff;              /* inbound packets sent to the owner */
	uint64_t esp_in, esp_out;      /* packets given to the ESP core */
} __rte_cache_aligned;

struct ipsec_hooks *ipsec_hooks_create(struct sa_table *t,
				       unsigned int n_workers, int socket);

/* The frame's hooks, ctx included, for dp_set_hooks(). */
void ipsec_hooks_get(struct ipsec_hooks *h, struct worker_hooks *out);

/*
 * Install the hand-off RX callbacks on every RX queue of the configured
 * ports (queue q belongs to worker q % n_workers, as in dataplane.c).
 * After dp_create(), before dp_start().  0 or a negative errno.
 */
int ipsec_hooks_attach(struct ipsec_hooks *h, const struct cfg_dataplane *dc);

/* Remove the callbacks and free what the rings hold; after dp_stop(). */
void ipsec_hooks_destroy(struct ipsec_hooks *h);

void ipsec_hooks_counters(const struct ipsec_hooks *h,
			  struct ipsec_counters *sum);
void ipsec_hooks_print(const struct ipsec_hooks *h, FILE *out);

#endif
