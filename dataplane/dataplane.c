/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dataplane.h"
#include "log.h"
#include "neigh.h"
#include "port.h"
#include "reasm.h"
#include "route.h"
#include "slowpath.h"

#define DP_NEIGH_SLOTS 4096
#define DP_MAX_ROUTES  1024

struct dp {
	const struct espgw_config *cfg;
	const struct cfg_dataplane *dc;
	struct port_set ports;
	struct route_table *routes;
	struct neigh_table *neigh;
	struct slowpath *sp;
	struct classify_local local;
	struct rte_rcu_qsbr *rcu;
	struct worker_hooks hooks;
	struct worker_ctx *workers;
	struct dp_counters *ctr; /* one per worker, then the main lcore's */
	uint32_t running;
	bool started;
};

static struct dp_counters *main_ctr(struct dp *dp)
{
	return &dp->ctr[dp->dc->n_workers];
}

static int collect_local(struct dp *dp)
{
	struct classify_local *l = &dp->local;

	for (unsigned int p = 0; p < dp->dc->n_ports; p++) {
		const struct cfg_port *cp = &dp->dc->ports[p];

		for (unsigned int i = 0; i < cp->n_addresses; i++) {
			const struct ip_addr *a = &cp->addresses[i].addr;

			if ((a->family == ADDR_V4 ? l->n_v4 : l->n_v6) ==
			    CLASSIFY_MAX_LOCAL) {
				log_err("more than %u local addresses",
					CLASSIFY_MAX_LOCAL);
				return -ENOSPC;
			}
			if (a->family == ADDR_V4)
				memcpy(&l->v4[l->n_v4++], a->v4, 4);
			else
				memcpy(l->v6[l->n_v6++], a->v6, 16);
		}
	}
	return 0;
}

/* The subnet of a port address: the address with the host bits cleared. */
static struct ip_prefix subnet_of(const struct ip_prefix *a)
{
	struct ip_prefix p = *a;
	unsigned int bits = addr_len(&a->addr) * 8;

	for (unsigned int b = a->len; b < bits; b++)
		p.addr.bytes[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
	return p;
}

static int load_routes(struct dp *dp)
{
	const struct cfg_dataplane *dc = dp->dc;
	char buf[ADDR_STRLEN];
	int rc;

	for (unsigned int p = 0; p < dc->n_ports; p++) {
		for (unsigned int i = 0; i < dc->ports[p].n_addresses; i++) {
			struct ip_prefix s =
				subnet_of(&dc->ports[p].addresses[i]);

			rc = route_add(dp->routes, &s, NULL, (uint16_t)p);
			if (rc != 0)
				goto fail;
		}
	}
	for (unsigned int r = 0; r < dc->n_routes; r++) {
		const struct cfg_route *cr = &dc->routes[r];

		rc = route_add(dp->routes, &cr->dst, &cr->via,
			       (uint16_t)cr->port);
		if (rc != 0) {
			log_err("%s:%u: route %s: %s", dp->cfg->path, cr->line,
				prefix_format(&cr->dst, buf), strerror(-rc));
			return rc;
		}
	}
	return 0;
fail:
	log_err("cannot add the connected routes: %s", strerror(-rc));
	return rc;
}

static void setup_workers(struct dp *dp)
{
	const struct cfg_dataplane *dc = dp->dc;

	for (unsigned int w = 0; w < dc->n_workers; w++) {
		struct worker_ctx *x = &dp->workers[w];

		x->id = w;
		x->lcore = dc->workers[w];
		x->burst = RTE_MIN(dc->burst, WORKER_MAX_BURST);
		x->ports = &dp->ports;
		x->routes = dp->routes;
		x->neigh = dp->neigh;
		x->sp = dp->sp;
		x->local = &dp->local;
		x->hooks = &dp->hooks;
		x->rcu = dp->rcu;
		x->ctr = &dp->ctr[w];
		x->running = &dp->running;
		x->idle_sleep_us = dc->idle_sleep_us;
	}
	/* Deal every RX queue of every port to the workers in turn. */
	for (unsigned int p = 0; p < dp->ports.n; p++) {
		for (uint16_t q = 0; q < dp->ports.port[p].n_rxq; q++) {
			struct worker_ctx *x =
				&dp->workers[q % dc->n_workers];

			if (x->n_rxq < WORKER_MAX_QUEUES)
				x->rxq[x->n_rxq++] = (struct worker_queue){
					.port = (uint8_t)p, .queue = q };
		}
	}
}

static int check_lcores(const struct cfg_dataplane *dc)
{
	if (dc->n_workers == 0) {
		log_err("no worker lcores configured");
		return -EINVAL;
	}
	if (dc->main_lcore != rte_get_main_lcore())
		log_warn("main_lcore %u is not the EAL's main lcore %u "
			 "(pass --main-lcore)", dc->main_lcore,
			 rte_get_main_lcore());
	for (unsigned int w = 0; w < dc->n_workers; w++) {
		if (!rte_lcore_is_enabled(dc->workers[w]) ||
		    dc->workers[w] == rte_get_main_lcore()) {
			log_err("worker lcore %u is not an EAL worker lcore "
				"(check -l)", dc->workers[w]);
			return -EINVAL;
		}
	}
	return 0;
}

/* Neighbours with a configured MAC, before the workers start. */
static int load_neighbours(struct dp *dp)
{
	const struct cfg_dataplane *dc = dp->dc;

	for (unsigned int i = 0; i < dc->n_neighbours; i++) {
		const struct cfg_neighbour *nb = &dc->neighbours[i];
		struct rte_ether_addr mac;
		struct neigh_key k;

		memcpy(mac.addr_bytes, nb->mac, sizeof(nb->mac));
		neigh_key_make(&k, (uint16_t)nb->port, nb->addr.family,
			       nb->addr.bytes);
		if (neigh_set_permanent(dp->neigh, &k, &mac) != 0) {
			log_err("no room for neighbour %u of the "
				"configuration", i + 1);
			return -ENOSPC;
		}
	}
	return 0;
}

static int create_tables(struct dp *dp)
{
	const struct cfg_dataplane *dc = dp->dc;
	int socket = (int)rte_socket_id();
	size_t sz;

	dp->routes = route_create("espgw_rt", socket, DP_MAX_ROUTES);
	dp->neigh = neigh_create("espgw_nb", socket, DP_NEIGH_SLOTS,
				 dc->n_workers, rte_get_tsc_hz());
	dp->sp = slowpath_create("espgw_sp", socket, dc->n_workers);
	sz = rte_rcu_qsbr_get_memsize(dc->n_workers);
	dp->rcu = rte_zmalloc_socket("espgw_rcu", sz, RTE_CACHE_LINE_SIZE,
				     socket);
	dp->workers = rte_zmalloc_socket("espgw_w", dc->n_workers *
					 sizeof(*dp->workers), 0, socket);
	dp->ctr = rte_zmalloc_socket("espgw_ctr", (dc->n_workers + 1) *
				     sizeof(*dp->ctr), RTE_CACHE_LINE_SIZE,
				     socket);
	if (!dp->routes || !dp->neigh || !dp->sp || !dp->rcu ||
	    !dp->workers || !dp->ctr) {
		log_err("out of memory for the data-plane tables");
		return -ENOMEM;
	}
	for (unsigned int w = 0; w < dc->n_workers; w++) {
		dp->workers[w].reasm = reasm_create(socket);
		if (!dp->workers[w].reasm) {
			log_err("out of memory for the reassembly tables");
			return -ENOMEM;
		}
	}
	return rte_rcu_qsbr_init(dp->rcu, dc->n_workers);
}

struct dp *dp_create(const struct espgw_config *cfg)
{
	struct dp *dp = rte_zmalloc("espgw_dp", sizeof(*dp), 0);

	if (!dp)
		return NULL;
	dp->cfg = cfg;
	dp->dc = &cfg->dataplane;
	if (check_lcores(dp->dc) != 0 || collect_local(dp) != 0 ||
	    create_tables(dp) != 0 || load_routes(dp) != 0 ||
	    load_neighbours(dp) != 0 ||
	    port_set_open(&dp->ports, dp->dc) != 0) {
		dp_destroy(dp);
		return NULL;
	}
	setup_workers(dp);
	return dp;
}

void dp_set_hooks(struct dp *dp, const struct worker_hooks *hooks)
{
	uint32_t mtu = UINT16_MAX;

	RTE_ASSERT(!dp->started);
	dp->hooks = *hooks;
	/* Only packets longer than this are measured against their tunnel's
	 * egress port (worker_hooks.esp_mtu). */
	for (unsigned int p = 0; p < dp->ports.n; p++)
		mtu = RTE_MIN(mtu, dp->ports.port[p].mtu);
	for (unsigned int w = 0; w < dp->dc->n_workers; w++)
		dp->workers[w].esp_whole = mtu > hooks->esp_overhead_max
			? mtu - hooks->esp_overhead_max : 0;
}

struct rte_rcu_qsbr *dp_rcu(struct dp *dp)
{
	return dp->rcu;
}

struct rte_mempool *dp_mempool(struct dp *dp)
{
	return dp->ports.mp;
}

int dp_start(struct dp *dp)
{
	int rc = port_set_start(&dp->ports);

	if (rc != 0)
		return rc;
	__atomic_store_n(&dp->running, 1, __ATOMIC_RELEASE);
	dp->started = true;
	for (unsigned int w = 0; w < dp->dc->n_workers; w++) {
		rc = rte_eal_remote_launch(worker_main, &dp->workers[w],
					   dp->workers[w].lcore);
		if (rc != 0) {
			log_err("cannot launch worker on lcore %u: %s",
				dp->workers[w].lcore, rte_strerror(-rc));
			dp_stop(dp);
			return rc;
		}
	}
	return 0;
}

/* Learn from the ARP and NDP the workers punted; the kernel sees them as
 * well.  Other IPv6 is refused by neigh_ndp_input as malformed. */
static void inspect(void *arg, uint8_t port, const struct rte_mbuf *m)
{
	struct dp *dp = arg;
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	enum neigh_arp_result r;

	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP))
		r = neigh_arp_input(dp->neigh, port, m, &dp->local);
	else if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		r = neigh_ndp_input(dp->neigh, port, m, &dp->local);
	else
		return;
	if (r == NEIGH_ARP_LEARNED)
		CTR_ADD(main_ctr(dp)->neigh_learned, 1);
}

/* Our address of k's family on the port for a request to k: the one
 * whose subnet holds it, else the first. */
static const struct ip_addr *req_source(const struct cfg_port *cp,
					const struct neigh_key *k)
{
	struct ip_addr t = { .family = k->family };
	const struct ip_addr *first = NULL;

	memcpy(k->family == ADDR_V4 ? t.v4 : t.v6, k->ip,
	       k->family == ADDR_V4 ? 4 : 16);
	for (unsigned int i = 0; i < cp->n_addresses; i++) {
		const struct ip_prefix *a = &cp->addresses[i];
		struct ip_prefix s = subnet_of(a);

		if (a->addr.family != k->family)
			continue;
		if (!first)
			first = &a->addr;
		if (prefix_contains(&s, &t)) {
			first = &a->addr;
			break;
		}
	}
	return first;
}

/* fe80::/64 with the modified EUI-64 of mac (RFC 4291 appendix A), as the
 * kernel gives the tap that carries the port's MAC.  XXX Wrong when the
 * tap's addr_gen_mode is not eui64; give the port an IPv6 address then. */
static void link_local(const struct rte_ether_addr *mac, uint8_t *a)
{
	const uint8_t *b = mac->addr_bytes;

	memset(a, 0, 16);
	a[0] = 0xfe;
	a[1] = 0x80;
	a[8] = b[0] ^ 0x02;
	a[9] = b[1];
	a[10] = b[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	memcpy(a + 13, b + 3, 3);
}

static bool is_link_local6(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* An ARP request or an NS for k, to unicast when probing; *src_ok false
 * when the port has no address to ask from. */
static struct rte_mbuf *make_request(const struct dp_port *p,
				     struct rte_mempool *mp,
				     const struct neigh_key *k,
				     const struct rte_ether_addr *unicast,
				     bool *src_ok)
{
	const struct ip_addr *src = req_source(p->cfg, k);
	rte_be32_t s4, d4;
	uint8_t ll[16];

	*src_ok = true;
	if (k->family == ADDR_V6) {
		/* A link-local target is asked from our link-local, so that
		 * its answer stays on the link. */
		if (src && !is_link_local6(k->ip))
			return neigh_ndp_solicit(mp, &p->mac, src->v6, k->ip,
						 unicast);
		link_local(&p->mac, ll);
		return neigh_ndp_solicit(mp, &p->mac, ll, k->ip, unicast);
	}
	*src_ok = src != NULL;
	if (!src)
		return NULL;
	memcpy(&s4, src->v4, 4);
	memcpy(&d4, k->ip, 4);
	return neigh_arp_request(mp, &p->mac, s4, d4, unicast);
}

static int send_request(void *arg, const struct neigh_key *k,
			const struct rte_ether_addr *unicast)
{
	struct dp *dp = arg;
	const struct dp_port *p = &dp->ports.port[k->port];
	struct rte_mbuf *m;
	bool src_ok;

	m = make_request(p, dp->ports.mp, k, unicast, &src_ok);
	if (!src_ok)
		return -ENOTSUP;
	if (!m) {
		CTR_ADD(main_ctr(dp)->drop[DP_DROP_NO_MBUF], 1);
		return -ENOMEM;
	}
	if (rte_eth_tx_burst(p->id, p->main_txq, &m, 1) != 1) {
		CTR_ADD(main_ctr(dp)->drop[DP_DROP_TX_FULL], 1);
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	/* Counts NSes and probes as well: one counter for all requests. */
	CTR_ADD(main_ctr(dp)->arp_requests, 1);
	return 0;
}

/* Packets that waited for their next hop's MAC leave on the main lcore's
 * TX queue, as the kernel's do; counted as the workers count theirs. */
static void send_held(void *arg, uint16_t port, struct rte_mbuf **m,
		      unsigned int n)
{
	struct dp *dp = arg;
	const struct dp_port *p = &dp->ports.port[port];
	struct dp_counters *c = main_ctr(dp);
	unsigned int sent;
	uint64_t bytes = 0;

	sent = rte_eth_tx_burst(p->id, p->main_txq, m, (uint16_t)n);
	for (unsigned int i = 0; i < sent; i++)
		bytes += rte_pktmbuf_pkt_len(m[i]);
	if (sent < n) {
		CTR_ADD(c->drop[DP_DROP_TX_FULL], n - sent);
		rte_pktmbuf_free_bulk(&m[sent], n - sent);
	}
	CTR_ADD(c->port[port].tx_packets, sent);
	CTR_ADD(c->port[port].tx_bytes, bytes);
	CTR_ADD(c->forwarded, sent);
}

unsigned int dp_main_poll(struct dp *dp)
{
	const struct neigh_ops ops = {
		.request = send_request, .xmit = send_held, .arg = dp,
	};
	struct dp_counters *c = main_ctr(dp);
	unsigned int n;

	n = slowpath_to_kernel(dp->sp, &dp->ports, inspect, dp, c);
	n += slowpath_from_kernel(&dp->ports, c);
	n += neigh_poll(dp->neigh, &ops, c);
	return n;
}

void dp_stop(struct dp *dp)
{
	if (!dp->started)
		return;
	__atomic_store_n(&dp->running, 0, __ATOMIC_RELEASE);
	for (unsigned int w = 0; w < dp->dc->n_workers; w++)
		rte_eal_wait_lcore(dp->workers[w].lcore);
	port_set_stop(&dp->ports);
	dp->started = false;
}

void dp_destroy(struct dp *dp)
{
	if (!dp)
		return;
	dp_stop(dp);
	/* Rings and held packets first: mbufs of the pool the ports free. */
	slowpath_free(dp->sp);
	neigh_free(dp->neigh);
	for (unsigned int w = 0; dp->workers && w < dp->dc->n_workers; w++)
		reasm_free(dp->workers[w].reasm);
	port_set_close(&dp->ports);
	route_free(dp->routes);
	rte_free(dp->rcu);
	rte_free(dp->workers);
	rte_free(dp->ctr);
	rte_free(dp);
}

void dp_counters(const struct dp *dp, struct dp_counters *out)
{
	counters_sum(dp->ctr, dp->dc->n_workers + 1, out);
}

void dp_counters_print(const struct dp *dp, FILE *out)
{
	const char *names[DP_MAX_PORTS];
	struct dp_counters sum;

	for (unsigned int p = 0; p < dp->dc->n_ports; p++)
		names[p] = dp->dc->ports[p].name;
	dp_counters(dp, &sum);
	counters_print(&sum, names, dp->dc->n_ports, out);
}
