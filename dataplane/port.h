/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: each configured port opened by its DPDK device name, with one RX
 * and one TX queue per worker plus a TX queue for the main lcore, and a
 * tap ("net_tap" vdev) beside it that carries the port's MAC, through which
 * the kernel sees the slow path (DESIGN.md, decision 1).
 *
 * The tap is brought up by its driver when it starts; giving it the port's
 * addresses is left to whoever runs the data plane (`ip addr add` in the
 * scripts and tests).  XXX The data plane could do that itself with
 * netlink; it does not.
 *
 * Thread-safety: set up and torn down on the main lcore while no worker
 * runs; read-only in between.
 */
#ifndef ESPGW_DP_PORT_H
#define ESPGW_DP_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mempool.h>

#include "config.h"
#include "counters.h"

#define PORT_NONE 0xff

struct dp_port {
	const struct cfg_port *cfg;
	uint16_t id;       /* DPDK port id */
	uint16_t tap;      /* DPDK port id of the slow-path tap */
	bool started, tap_open;
	struct rte_ether_addr mac;
	uint16_t n_rxq;    /* queue q is polled by worker q % n_workers */
	uint16_t n_txq;    /* queue w is worker w's; main_txq the main's */
	uint16_t main_txq;
	uint16_t mtu;
};

struct port_set {
	struct dp_port port[DP_MAX_PORTS];
	unsigned int n;
	uint8_t index[RTE_MAX_ETHPORTS]; /* DPDK port id -> index, PORT_NONE */
	struct rte_mempool *mp;
};

/*
 * Create the mbuf pool, find and configure every port of dp and create its
 * tap.  Nothing is started.  Returns 0 or a negative errno, having logged
 * which port and why; port_set_close() undoes a partial open.
 */
int port_set_open(struct port_set *ps, const struct cfg_dataplane *dp);
int port_set_start(struct port_set *ps);
void port_set_stop(struct port_set *ps);
void port_set_close(struct port_set *ps);

/* The index of a DPDK port id, PORT_NONE for one that is not ours (taps
 * included). */
static inline uint8_t port_index(const struct port_set *ps, uint16_t id)
{
	return id < RTE_MAX_ETHPORTS ? ps->index[id] : PORT_NONE;
}

#endif
