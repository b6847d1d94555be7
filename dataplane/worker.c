/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf_dyn.h>
#include <rte_pause.h>

#include "neigh.h"
#include "pmtu.h"
#include "port.h"
#include "reasm.h"
#include "route.h"
#include "slowpath.h"
#include "worker.h"

/* Empty polls in a row before a worker with idle_sleep_us naps. */
#define WORKER_IDLE_POLLS 256

uint64_t worker_rx_again;

int worker_rx_again_register(void)
{
	static const struct rte_mbuf_dynflag desc = {
		.name = "espgw_rx_again",
	};
	int bit = rte_mbuf_dynflag_register(&desc);

	if (bit < 0)
		return -rte_errno;
	worker_rx_again = RTE_BIT64(bit);
	return 0;
}

/* Packets on their way out, per port, for one received burst. */
struct txbuf {
	struct rte_mbuf *m[WORKER_MAX_BURST];
	uint16_t n;
};

/* The last next hop resolved in this round.  Most packets of a burst
 * leave through one router (a tunnel's packets all go to the peer's next
 * hop), so one entry spares most neighbour table lookups; it lives no
 * longer than the round, as a MAC looked up at its start would. */
struct hop_cache {
	bool valid;
	uint8_t family;
	uint16_t port;
	uint8_t ip[16];
	struct rte_ether_addr mac;
};

struct round {
	struct txbuf tx[DP_MAX_PORTS];
	uint64_t now;
	struct hop_cache hop;
};

static inline void drop(struct worker_ctx *w, struct rte_mbuf *m,
			enum dp_drop_reason why)
{
	CTR_ADD(w->ctr->drop[why], 1);
	rte_pktmbuf_free(m);
}

/* The next hop's address: the gateway of the route or the destination. */
static inline const uint8_t *next_hop(const struct worker_ctx *w,
				      struct rte_mbuf *m, bool v6,
				      const struct route_nexthop **nh)
{
	const uint8_t *dst;

	if (v6) {
		struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(
			m, struct rte_ipv6_hdr *, m->l2_len);

		dst = ip->dst_addr;
		*nh = route_lookup6(w->routes, dst);
	} else {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
			m, struct rte_ipv4_hdr *, m->l2_len);

		dst = (const uint8_t *)&ip->dst_addr;
		*nh = route_lookup4(w->routes, ip->dst_addr);
	}
	if (!*nh)
		return NULL;
	return (*nh)->via.family ? (*nh)->via.bytes : dst;
}

static void flush_port(struct worker_ctx *w, struct round *r, unsigned int i)
{
	struct txbuf *t = &r->tx[i];
	uint64_t bytes = 0;
	uint16_t sent;

	if (!t->n)
		return;
	for (uint16_t k = 0; k < t->n; k++)
		bytes += rte_pktmbuf_pkt_len(t->m[k]);
	sent = rte_eth_tx_burst(w->ports->port[i].id, (uint16_t)w->id, t->m,
				t->n);
	for (uint16_t k = sent; k < t->n; k++) {
		bytes -= rte_pktmbuf_pkt_len(t->m[k]);
		drop(w, t->m[k], DP_DROP_TX_FULL);
	}
	CTR_ADD(w->ctr->port[i].tx_packets, sent);
	CTR_ADD(w->ctr->port[i].tx_bytes, bytes);
	CTR_ADD(w->ctr->forwarded, sent);
	t->n = 0;
}

static void flush(struct worker_ctx *w, struct round *r)
{
	for (unsigned int i = 0; i < w->ports->n; i++)
		flush_port(w, r, i);
}

/* The MAC of the next hop (port, family, ip): from the round's cache, or
 * the neighbour table.  False when it has none usable. */
static inline bool resolve(struct worker_ctx *w, struct round *r,
			   uint16_t port, uint8_t family, const uint8_t *ip,
			   struct rte_ether_addr *mac)
{
	struct hop_cache *c = &r->hop;
	size_t len = family == ADDR_V6 ? 16 : 4;

	if (c->valid && c->port == port && c->family == family &&
	    memcmp(c->ip, ip, len) == 0) {
		rte_ether_addr_copy(&c->mac, mac);
		return true;
	}
	if (!neigh_lookup(w->neigh, port, family, ip, r->now, mac))
		return false;
	c->valid = true;
	c->port = port;
	c->family = family;
	memcpy(c->ip, ip, len);
	rte_ether_addr_copy(mac, &c->mac);
	return true;
}

/* Route m, write the Ethernet header, resolve the next hop, queue it.
 * Returns the drop reason, or DP_DROP_COUNT when m was queued or handed
 * to the main lcore to wait for the next hop's MAC.  With
 * DP_DROP_TOO_BIG, m is untouched and *mtu the MTU of its port. */
static enum dp_drop_reason route_one(struct worker_ctx *w, struct rte_mbuf *m,
				     struct round *r,
				     const struct dp_port **too_big)
{
	bool v6 = RTE_ETH_IS_IPV6_HDR(m->packet_type);
	uint8_t family = v6 ? ADDR_V6 : ADDR_V4;
	const struct route_nexthop *nh;
	const struct dp_port *p;
	struct rte_ether_hdr *eth;
	const uint8_t *hop;

	hop = next_hop(w, m, v6, &nh);
	if (!hop)
		return DP_DROP_NO_ROUTE;
	p = &w->ports->port[nh->port];
	/* Packets for a tunnel were fitted before ESP (too_big()), clear
	 * ones by forward_clear(). */
	if (rte_pktmbuf_pkt_len(m) - m->l2_len > p->mtu) {
		*too_big = p;
		return DP_DROP_TOO_BIG;
	}
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	rte_ether_addr_copy(&p->mac, &eth->src_addr);
	eth->ether_type = v6 ? RTE_BE16(RTE_ETHER_TYPE_IPV6)
			     : RTE_BE16(RTE_ETHER_TYPE_IPV4);
	if (!resolve(w, r, nh->port, family, hop, &eth->dst_addr)) {
		if (neigh_hold(w->neigh, w->id, nh->port, family, hop, m))
			return DP_DROP_COUNT;
		CTR_ADD(w->ctr->neigh_requests_lost, 1);
		return DP_DROP_NO_NEIGH;
	}
	/* Fragments and ICMP errors can make more packets than came in. */
	if (unlikely(r->tx[nh->port].n == WORKER_MAX_BURST))
		flush_port(w, r, nh->port);
	r->tx[nh->port].m[r->tx[nh->port].n++] = m;
	return DP_DROP_COUNT;
}

static inline void forward(struct worker_ctx *w, struct rte_mbuf *m,
			   struct round *r)
{
	const struct dp_port *port;
	enum dp_drop_reason why = route_one(w, m, r, &port);

	if (why != DP_DROP_COUNT)
		drop(w, m, why);
}

/* The ICMP error of that kind about m to its sender (icmp_err.h), from
 * our address on port p, within the worker's rate; NULL when none goes. */
static struct rte_mbuf *make_icmp(struct worker_ctx *w, struct rte_mbuf *m,
				  const struct dp_port *p,
				  enum icmp_err_kind kind, uint32_t mtu,
				  struct round *r)
{
	uint8_t family = RTE_ETH_IS_IPV6_HDR(m->packet_type) ? ADDR_V6
							     : ADDR_V4;
	const struct cfg_port *cp = p->cfg;
	const struct ip_addr *src = NULL;

	for (unsigned int i = 0; cp && i < cp->n_addresses && !src; i++)
		if (cp->addresses[i].addr.family == family)
			src = &cp->addresses[i].addr;
	if (!src || !icmp_err_may_send(&w->icmp, r->now))
		return NULL;
	return icmp_err(m, kind, mtu, src, w->ports->mp);
}

/* That error in clear, from our address on the port m came in; false
 * when none went. */
static bool send_icmp(struct worker_ctx *w, struct rte_mbuf *m,
		      enum icmp_err_kind kind, uint32_t mtu, struct round *r)
{
	struct rte_mbuf *e;

	if (m->port >= RTE_MAX_ETHPORTS ||
	    w->ports->index[m->port] >= w->ports->n)
		return false;
	e = make_icmp(w, m, &w->ports->port[w->ports->index[m->port]], kind,
		      mtu, r);
	if (e)
		forward(w, e, r);
	return e != NULL;
}

/*
 * m came out of a tunnel and is too big for port, the one ahead, and may
 * not be cut.  Its sender, beyond the tunnel, hears the MTU from our
 * address on that port, protected by whatever policy covers the error
 * (ICMP goes by the SPD like any packet, RFC 4301 section 6), and never
 * in clear: without such a policy nothing goes, and the sender is left
 * to time out as before.  True when the error went.
 */
static bool answer_in_tunnel(struct worker_ctx *w, struct rte_mbuf *m,
			     const struct dp_port *port, struct round *r)
{
	const struct worker_hooks *h = w->hooks;
	struct rte_mbuf *e;
	struct esp_sa *sa;
	uint8_t verdict;

	if (!h->spd_out || !h->esp_out)
		return false;
	e = make_icmp(w, m, port, ICMP_ERR_TOO_BIG, port->mtu, r);
	if (!e)
		return false;
	h->spd_out(h->ctx, w->id, &e, 1, &verdict, &sa);
	if (verdict != WORKER_PROTECT) {
		rte_pktmbuf_free(e);
		return false;
	}
	if (h->esp_out(h->ctx, w->id, &e, &sa, 1) != 1)
		return false; /* esp_out freed it */
	forward(w, e, r);
	return true;
}

/*
 * Decrement TTLs in place, keeping the survivors; returns how many.  With
 * r, a packet whose TTL runs out here also gets its sender a time
 * exceeded (traceroute's answer); packets just out of a tunnel get none,
 * as it would go back in clear.
 */
static uint16_t ttl_filter(struct worker_ctx *w, struct rte_mbuf **pkts,
			   uint16_t n, struct round *r)
{
	uint16_t k = 0;

	for (uint16_t i = 0; i < n; i++) {
		bool v6 = RTE_ETH_IS_IPV6_HDR(pkts[i]->packet_type);

		if (route_ttl_decrement(pkts[i], v6)) {
			pkts[k++] = pkts[i];
			continue;
		}
		if (r && send_icmp(w, pkts[i], ICMP_ERR_TTL, 0, r))
			CTR_ADD(w->ctr->icmp_ttl, 1);
		drop(w, pkts[i], DP_DROP_TTL);
	}
	return k;
}

/*
 * m is longer than mtu: send it in fragments that fit (IPv4 without DF,
 * RFC 791 section 3.2), each protected on sa when there is one; else drop
 * it and tell its sender the MTU that goes through (pmtu.h, icmp_err.h):
 * in clear, or, with tunnel_exit (m just out of a tunnel, too big for
 * that port), back through a tunnel.
 */
static void fragment_or_refuse(struct worker_ctx *w, struct rte_mbuf *m,
			       uint32_t mtu, struct esp_sa *sa,
			       const struct dp_port *tunnel_exit,
			       struct round *r)
{
	const struct worker_hooks *h = w->hooks;
	struct rte_mbuf *frag[PMTU_MAX_FRAGS];
	struct esp_sa *sas[PMTU_MAX_FRAGS];
	int n = 0;

	if (!RTE_ETH_IS_IPV6_HDR(m->packet_type))
		n = pmtu_fragment4(m, mtu, w->ports->mp, frag, PMTU_MAX_FRAGS);
	if (n > 0) {
		CTR_ADD(w->ctr->fragmented, 1);
		rte_pktmbuf_free(m);
		if (sa) {
			for (int i = 0; i < n; i++)
				sas[i] = sa;
			n = h->esp_out(h->ctx, w->id, frag, sas, (uint16_t)n);
		}
		for (int i = 0; i < n; i++)
			forward(w, frag[i], r);
		return;
	}
	if (n == 0 && (tunnel_exit ? answer_in_tunnel(w, m, tunnel_exit, r)
				   : send_icmp(w, m, ICMP_ERR_TOO_BIG, mtu, r)))
		CTR_ADD(w->ctr->icmp_too_big, 1);
	drop(w, m, n ? DP_DROP_NO_MBUF : DP_DROP_TOO_BIG);
}

/*
 * A clear packet, forwarded by policy or just out of a tunnel, that may be
 * longer than the MTU of the port it leaves by.  answer: whether its
 * sender may hear so in clear; not for one just out of a tunnel, whose
 * error goes back through a tunnel (answer_in_tunnel()).
 */
static void forward_clear(struct worker_ctx *w, struct rte_mbuf *m,
			  struct round *r, bool answer)
{
	const struct dp_port *port = NULL;
	enum dp_drop_reason why = route_one(w, m, r, &port);

	if (why == DP_DROP_TOO_BIG)
		fragment_or_refuse(w, m, port->mtu, NULL, answer ? NULL : port,
				   r);
	else if (why != DP_DROP_COUNT)
		drop(w, m, why);
}

/* m, to go out on sa, would not fit the MTU there as ESP: protect its
 * fragments instead, or refuse it with ICMP (pmtu.h).  True when m was
 * taken care of. */
static bool too_big(struct worker_ctx *w, struct rte_mbuf *m,
		    struct esp_sa *sa, struct round *r)
{
	const struct worker_hooks *h = w->hooks;
	uint32_t len = rte_pktmbuf_pkt_len(m) - m->l2_len, mtu;

	if (likely(len <= w->esp_whole) || !h->esp_mtu)
		return false;
	mtu = h->esp_mtu(h->ctx, sa, w->routes, w->ports);
	if (!mtu || len <= mtu)
		return false;
	fragment_or_refuse(w, m, mtu, sa, NULL, r);
	return true;
}

static void transit(struct worker_ctx *w, struct rte_mbuf **pkts,
		    uint16_t n, struct round *r)
{
	const struct worker_hooks *h = w->hooks;
	uint8_t verdict[WORKER_MAX_BURST];
	struct esp_sa *sas[WORKER_MAX_BURST];
	uint16_t n_out = 0;

	n = ttl_filter(w, pkts, n, r);
	if (!n)
		return;
	if (!h->spd_out) {
		for (uint16_t i = 0; i < n; i++)
			forward_clear(w, pkts[i], r, true);
		return;
	}
	h->spd_out(h->ctx, w->id, pkts, n, verdict, sas);
	for (uint16_t i = 0; i < n; i++) {
		if (verdict[i] == WORKER_BYPASS) {
			forward_clear(w, pkts[i], r, true);
		} else if (verdict[i] == WORKER_PROTECT && h->esp_out) {
			if (unlikely(too_big(w, pkts[i], sas[i], r)))
				continue;
			sas[n_out] = sas[i];
			pkts[n_out++] = pkts[i];
		} else {
			drop(w, pkts[i], verdict[i] == WORKER_PROTECT
				? DP_DROP_NO_ESP : DP_DROP_POLICY_DISCARD);
		}
	}
	if (n_out)
		n_out = h->esp_out(h->ctx, w->id, pkts, sas, n_out);
	for (uint16_t i = 0; i < n_out; i++)
		forward(w, pkts[i], r);
}

static void inbound(struct worker_ctx *w, struct rte_mbuf **pkts,
		    uint16_t n, struct round *r)
{
	const struct worker_hooks *h = w->hooks;
	struct esp_sa *sas[WORKER_MAX_BURST];

	if (!h->esp_in) {
		for (uint16_t i = 0; i < n; i++)
			drop(w, pkts[i], DP_DROP_NO_ESP);
		return;
	}
	n = h->esp_in(h->ctx, w->id, pkts, sas, n);
	n = ttl_filter(w, pkts, n, NULL);
	for (uint16_t i = 0; i < n; i++)
		forward_clear(w, pkts[i], r, false);
}

static void punt(struct worker_ctx *w, struct rte_mbuf **pkts, uint16_t n)
{
	unsigned int k = slowpath_punt(w->sp, w->id, pkts, n);

	for (unsigned int i = k; i < n; i++)
		drop(w, pkts[i], DP_DROP_RING_FULL);
}

/* A fragment for us: NULL while its packet is incomplete, else the whole
 * packet, classified again in *c.  Without a table the kernel gets the
 * fragments, as in pieces they are all it can use. */
static struct rte_mbuf *reassemble(struct worker_ctx *w,
				   const struct dp_port *p, struct rte_mbuf *m,
				   const struct round *r, enum dp_class *c,
				   enum dp_drop_reason *why)
{
	struct rte_mbuf *whole;

	if (!w->reasm) {
		*c = DP_CLS_SLOW;
		return m;
	}
	if (reasm_input(w->reasm, m, r->now, &whole) == REASM_KEPT)
		return NULL;
	CTR_ADD(w->ctr->reassembled, 1);
	*c = classify(whole, &p->mac, w->local, why);
	if (*c == DP_CLS_FRAG) { /* cannot be, but never loop */
		*c = DP_CLS_DROP;
		*why = DP_DROP_BAD_IP;
	} else if ((*c == DP_CLS_ESP || *c == DP_CLS_ESP_UDP) &&
		   !reasm_flatten(whole)) {
		*c = DP_CLS_DROP;
		*why = DP_DROP_REASSEMBLY;
	}
	return whole;
}

/* Sort a received burst by class, then run each class as a burst. */
static void process(struct worker_ctx *w, const struct dp_port *p,
		    struct rte_mbuf **pkts, uint16_t n, struct round *r)
{
	struct rte_mbuf *slow[WORKER_MAX_BURST], *esp[WORKER_MAX_BURST];
	struct rte_mbuf *tr[WORKER_MAX_BURST];
	uint16_t n_slow = 0, n_esp = 0, n_tr = 0;
	enum dp_drop_reason why;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		enum dp_class c = classify(m, &p->mac, w->local, &why);

		CTR_ADD(w->ctr->cls[c], 1);
		if (c == DP_CLS_FRAG && !(m = reassemble(w, p, m, r, &c, &why)))
			continue;
		switch (c) {
		case DP_CLS_SLOW:
			slow[n_slow++] = m;
			break;
		case DP_CLS_ESP:
		case DP_CLS_ESP_UDP:
			esp[n_esp++] = m;
			break;
		case DP_CLS_TRANSIT:
			tr[n_tr++] = m;
			break;
		default:
			drop(w, m, why);
		}
	}
	if (n_slow)
		punt(w, slow, n_slow);
	if (n_esp)
		inbound(w, esp, n_esp, r);
	if (n_tr)
		transit(w, tr, n_tr, r);
	flush(w, r);
}

unsigned int worker_poll(struct worker_ctx *w)
{
	struct rte_mbuf *pkts[WORKER_MAX_BURST];
	struct round r;
	unsigned int total = 0;

	for (unsigned int i = 0; i < w->ports->n; i++)
		r.tx[i].n = 0;
	r.now = rte_rdtsc();
	r.hop.valid = false;
	for (unsigned int q = 0; q < w->n_rxq; q++) {
		const struct dp_port *p = &w->ports->port[w->rxq[q].port];
		uint16_t n = rte_eth_rx_burst(p->id, w->rxq[q].queue, pkts,
					      w->burst);
		uint64_t bytes = 0;
		uint16_t again = 0;

		if (!n)
			continue;
		/* The hooks and the slow path go by m->port, which not every
		 * PMD sets (net_ring leaves RTE_MBUF_PORT_INVALID). */
		for (uint16_t i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];

			m->port = p->id;
			if (unlikely(m->ol_flags & worker_rx_again)) {
				m->ol_flags &= ~worker_rx_again;
				again++;
				continue;
			}
			bytes += rte_pktmbuf_pkt_len(m);
		}
		CTR_ADD(w->ctr->port[w->rxq[q].port].rx_packets, n - again);
		CTR_ADD(w->ctr->port[w->rxq[q].port].rx_bytes, bytes);
		process(w, p, pkts, n, &r);
		total += n;
	}
	if (w->reasm)
		reasm_tidy(w->reasm, r.now);
	if (w->rcu)
		rte_rcu_qsbr_quiescent(w->rcu, w->id);
	return total;
}

/*
 * Nothing arrived.  By default a worker spins, as a gateway on its own
 * cores should.  With idle_sleep_us set it naps after a run of empty polls,
 * so that workers sharing cores with other work (tests on two cores, small
 * VMs) leave them CPU; a nap costs that much latency on the next packet.
 * The worker reported its RCU quiescent state at the end of the poll, so
 * a nap never holds up the main lcore's reclamation for long.
 */
static void worker_idle(const struct worker_ctx *w, unsigned int *idle)
{
	if (w->idle_sleep_us == 0 || ++*idle < WORKER_IDLE_POLLS) {
		rte_pause();
		return;
	}
	*idle = 0;
	rte_delay_us_sleep(w->idle_sleep_us);
}

int worker_main(void *arg)
{
	struct worker_ctx *w = arg;
	unsigned int idle = 0;

	if (w->rcu) {
		rte_rcu_qsbr_thread_register(w->rcu, w->id);
		rte_rcu_qsbr_thread_online(w->rcu, w->id);
	}
	while (__atomic_load_n(w->running, __ATOMIC_ACQUIRE)) {
		if (worker_poll(w))
			idle = 0;
		else
			worker_idle(w, &idle);
	}
	if (w->rcu) {
		rte_rcu_qsbr_thread_offline(w->rcu, w->id);
		rte_rcu_qsbr_thread_unregister(w->rcu, w->id);
	}
	return 0;
}
