/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "port.h"
#include "slowpath.h"

#define SLOWPATH_BURST 64

struct slowpath *slowpath_create(const char *name, int socket,
				 unsigned int n_workers)
{
	struct slowpath *sp;
	char n[RTE_RING_NAMESIZE];

	sp = rte_zmalloc_socket("slowpath", sizeof(*sp), 0, socket);
	if (!sp)
		return NULL;
	sp->n_workers = n_workers;
	sp->ring = rte_zmalloc_socket("slowpath_r",
				      n_workers * sizeof(*sp->ring), 0,
				      socket);
	if (!sp->ring) {
		slowpath_free(sp);
		return NULL;
	}
	for (unsigned int w = 0; w < n_workers; w++) {
		snprintf(n, sizeof(n), "%s_%u", name, w);
		sp->ring[w] = rte_ring_create(n, SLOWPATH_RING_SIZE, socket,
					      RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!sp->ring[w]) {
			slowpath_free(sp);
			return NULL;
		}
	}
	return sp;
}

void slowpath_free(struct slowpath *sp)
{
	struct rte_mbuf *m[SLOWPATH_BURST];
	unsigned int n;

	if (!sp)
		return;
	for (unsigned int w = 0; sp->ring && w < sp->n_workers; w++) {
		if (!sp->ring[w])
			continue;
		while ((n = rte_ring_sc_dequeue_burst(sp->ring[w],
						      (void **)m,
						      SLOWPATH_BURST, NULL)))
			rte_pktmbuf_free_bulk(m, n);
		rte_ring_free(sp->ring[w]);
	}
	rte_free(sp->ring);
	rte_free(sp);
}

/* Send n packets on (port, queue); free and count what does not fit. */
static unsigned int send_burst(uint16_t id, uint16_t q, struct rte_mbuf **m,
			       unsigned int n, struct dp_counters *c)
{
	unsigned int sent = rte_eth_tx_burst(id, q, m, (uint16_t)n);

	if (sent < n) {
		CTR_ADD(c->drop[DP_DROP_TX_FULL], n - sent);
		rte_pktmbuf_free_bulk(&m[sent], n - sent);
	}
	return sent;
}

unsigned int slowpath_to_kernel(struct slowpath *sp,
				const struct port_set *ps,
				slowpath_inspect_fn inspect, void *arg,
				struct dp_counters *c)
{
	struct rte_mbuf *m[SLOWPATH_BURST], *out[DP_MAX_PORTS][SLOWPATH_BURST];
	unsigned int n, n_out[DP_MAX_PORTS], sent = 0;

	for (unsigned int w = 0; w < sp->n_workers; w++) {
		n = rte_ring_sc_dequeue_burst(sp->ring[w], (void **)m,
					      SLOWPATH_BURST, NULL);
		if (!n)
			continue;
		memset(n_out, 0, sizeof(n_out));
		for (unsigned int i = 0; i < n; i++) {
			uint8_t p = port_index(ps, m[i]->port);

			/* Workers punt only what their own ports received. */
			RTE_ASSERT(p != PORT_NONE);
			if (inspect)
				inspect(arg, p, m[i]);
			out[p][n_out[p]++] = m[i];
		}
		for (unsigned int p = 0; p < ps->n; p++)
			if (n_out[p])
				sent += send_burst(ps->port[p].tap, 0, out[p],
					     n_out[p], c);
	}
	CTR_ADD(c->to_kernel, sent);
	return sent;
}

unsigned int slowpath_from_kernel(const struct port_set *ps,
				  struct dp_counters *c)
{
	struct rte_mbuf *m[SLOWPATH_BURST];
	unsigned int total = 0;

	for (unsigned int p = 0; p < ps->n; p++) {
		const struct dp_port *dp = &ps->port[p];
		uint32_t len[SLOWPATH_BURST];
		unsigned int n, sent;
		uint64_t bytes = 0;

		n = rte_eth_rx_burst(dp->tap, 0, m, SLOWPATH_BURST);
		if (!n)
			continue;
		CTR_ADD(c->from_kernel, n);
		for (unsigned int i = 0; i < n; i++)
			len[i] = rte_pktmbuf_pkt_len(m[i]);
		sent = send_burst(dp->id, dp->main_txq, m, n, c);
		for (unsigned int i = 0; i < sent; i++)
			bytes += len[i];
		CTR_ADD(c->port[p].tx_packets, sent);
		CTR_ADD(c->port[p].tx_bytes, bytes);
		total += sent;
	}
	return total;
}
