/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data-plane frame around the ESP core: what main() calls after
 * rte_eal_init() and cfg_load().
 *
 *   dp = dp_create(cfg);        ports, taps, routes, neighbours, rings
 *   dp_set_hooks(dp, &hooks);   optional, the ESP core, before dp_start
 *   dp_start(dp);               workers launched on cfg's worker lcores
 *   while (!stop)
 *           dp_main_poll(dp);   on the main lcore, never blocks
 *   dp_stop(dp);
 *   dp_destroy(dp);
 *
 * All of these run on the main lcore.  cfg must outlive dp.
 */
#ifndef ESPGW_DP_DATAPLANE_H
#define ESPGW_DP_DATAPLANE_H

#include <stdio.h>

#include <rte_rcu_qsbr.h>

#include "config.h"
#include "counters.h"
#include "worker.h"

struct dp;

/* NULL on failure, with the reason logged. */
struct dp *dp_create(const struct espgw_config *cfg);

/* Copied; only before dp_start(). */
void dp_set_hooks(struct dp *dp, const struct worker_hooks *hooks);

/* The workers' RCU variable: the ESP core frees what it unlinks from its
 * tables after rte_rcu_qsbr_synchronize() on it (or a defer queue). */
struct rte_rcu_qsbr *dp_rcu(struct dp *dp);

/* The mbuf pool, for packets the main lcore makes. */
struct rte_mempool *dp_mempool(struct dp *dp);

/* Returns 0, or a negative errno with the reason logged. */
int dp_start(struct dp *dp);

/*
 * One round of the main lcore's work: punted packets to the kernel (and
 * ARP learned from them), the kernel's packets out of the ports, ARP
 * requests for the next hops the workers asked for.  Returns how many
 * packets it moved, so that the caller may sleep a little when idle.
 */
unsigned int dp_main_poll(struct dp *dp);

/* Stops and joins the workers and stops the ports. */
void dp_stop(struct dp *dp);
void dp_destroy(struct dp *dp);

/* Every lcore's counters summed. */
void dp_counters(const struct dp *dp, struct dp_counters *out);
void dp_counters_print(const struct dp *dp, FILE *out);

#endif
