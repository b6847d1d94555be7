/* SPDX-License-Identifier: BSD-3-Clause */
#include "ipsec_hooks.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "esp_crypto.h"
#include "esp_inb.h"
#include "esp_outb.h"
#include "log.h"
#include "port.h"
#include "route.h"
#include "sad.h"
#include "spd.h"

#define ETH_LEN 14
#define PORT_NONE_COL 0xff

/* One RX callback, to be removed at the end. */
struct rx_cb {
	uint16_t port, queue;
	const struct rte_eth_rxtx_callback *cb;
};

struct ipsec_hooks {
	struct sa_table *t;
	const struct sad *sad;
	const struct spd *spd;
	unsigned int n_workers;
	unsigned int n_ports;
	uint8_t port_index[RTE_MAX_ETHPORTS]; /* DPDK id -> ring column */
	struct rte_ring **ring;               /* [worker * n_ports + port] */
	struct rx_cb cbs[DP_MAX_PORTS * WORKER_MAX_QUEUES];
	unsigned int n_cbs;
	struct esp_crypto **cx;               /* per worker */
	struct ipsec_counters *ctr;           /* per worker */
};

static inline void count_drop(struct ipsec_counters *c, struct rte_mbuf *m,
			      uint8_t why)
{
	CTR_ADD(c->drop[why], 1);
	rte_pktmbuf_free(m);
}

/* ---- outbound ---- */

static void spd_out(void *ctx, unsigned int worker,
		    struct rte_mbuf *const *pkts, uint16_t n,
		    uint8_t *verdict, struct esp_sa **sas)
{
	static const uint8_t map[] = {
		[SPD_ENCRYPT] = WORKER_PROTECT,
		[SPD_BYPASS] = WORKER_BYPASS,
		[SPD_DISCARD] = WORKER_DISCARD,
	};
	const struct ipsec_hooks *h = ctx;
	struct spd_key k;

	RTE_SET_USED(worker);
	for (uint16_t i = 0; i < n; i++) {
		if (unlikely(!spd_key_get(pkts[i], pkts[i]->l2_len, &k)))
			verdict[i] = WORKER_DISCARD;
		else
			verdict[i] = map[spd_lookup(h->spd, &k, &sas[i])];
	}
}

/* What the frame routes: Ethernet room, then an IP header of family. */
static inline void set_l3(struct rte_mbuf *m, bool v6, uint32_t l3_len)
{
	m->l2_len = ETH_LEN;
	m->l3_len = l3_len;
	m->packet_type = RTE_PTYPE_L2_ETHER |
			 (v6 ? RTE_PTYPE_L3_IPV6 : RTE_PTYPE_L3_IPV4);
}

static uint16_t esp_out(void *ctx, unsigned int worker,
			struct rte_mbuf **pkts, struct esp_sa **sas,
			uint16_t n)
{
	struct ipsec_hooks *h = ctx;
	uint8_t why[WORKER_MAX_BURST];
	uint16_t good;

	for (uint16_t i = 0; i < n; i++)
		rte_pktmbuf_adj(pkts[i], pkts[i]->l2_len);
	CTR_ADD(h->ctr[worker].esp_out, n);
	good = esp_outb_process(h->cx[worker], pkts, sas, why, n);
	/* The ESP core counted these on their SAs. */
	for (uint16_t i = good; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	for (uint16_t i = 0; i < good; i++) {
		bool v6 = sas[i]->local.family == ADDR_V6;

		rte_pktmbuf_prepend(pkts[i], ETH_LEN);
		set_l3(pkts[i], v6, v6 ? 40 : 20);
	}
	return good;
}

/* ---- inbound ---- */

/* The SPI of an ESP or ESP-in-UDP packet, network order; 0 if cut. */
static inline uint32_t spi_of(const struct rte_mbuf *m)
{
	uint32_t off = m->l2_len + m->l3_len;
	uint32_t spi;

	if (m->packet_type & RTE_PTYPE_L4_UDP)
		off += 8;
	if (rte_pktmbuf_data_len(m) < off + 4)
		return 0;
	memcpy(&spi, rte_pktmbuf_mtod_offset(m, const uint8_t *, off), 4);
	return spi;
}

static void lookup(const struct ipsec_hooks *h, struct rte_mbuf **pkts,
		   uint16_t n, struct sad_entry **e)
{
	uint32_t spi[RTE_HASH_LOOKUP_BULK_MAX];

	for (uint16_t i = 0; i < n; i += RTE_HASH_LOOKUP_BULK_MAX) {
		unsigned int k = RTE_MIN(n - i, RTE_HASH_LOOKUP_BULK_MAX);

		for (unsigned int j = 0; j < k; j++)
			spi[j] = spi_of(pkts[i + j]);
		sad_lookup_bulk(h->sad, spi, k, e + i);
	}
}

static inline void handoff(struct ipsec_hooks *h, struct ipsec_counters *c,
			   uint32_t owner, struct rte_mbuf *m)
{
	uint8_t col;
	struct rte_ring *r;

	/* m->port is RTE_MBUF_PORT_INVALID where no one set it. */
	col = m->port < RTE_MAX_ETHPORTS ? h->port_index[m->port]
					 : PORT_NONE_COL;
	if (unlikely(col == PORT_NONE_COL)) {
		count_drop(c, m, ESP_DROP_RING_FULL);
		return;
	}
	r = h->ring[owner * h->n_ports + col];
	m->ol_flags |= worker_rx_again;
	if (rte_ring_mp_enqueue(r, m) != 0)
		count_drop(c, m, ESP_DROP_RING_FULL);
	else
		CTR_ADD(c->handoff, 1);
}

/* Keep the packets of SAs this worker owns; hand off or drop the rest.
 * ent[k] is the entry of the k-th kept packet, m->hash.usr its index. */
static uint16_t sort_owned(struct ipsec_hooks *h, unsigned int worker,
			   struct rte_mbuf **pkts, struct esp_sa **sas,
			   uint16_t n, struct sad_entry **ent)
{
	struct ipsec_counters *c = &h->ctr[worker];
	struct sad_entry *e[WORKER_MAX_BURST];
	uint16_t k = 0;

	lookup(h, pkts, n, e);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (unlikely(!e[i])) {
			count_drop(c, m, ESP_DROP_UNKNOWN_SPI);
		} else if (unlikely(e[i]->owner != worker)) {
			handoff(h, c, e[i]->owner, m);
		} else {
			rte_pktmbuf_adj(m, m->l2_len);
			m->hash.usr = k;
			ent[k] = e[i];
			sas[k] = e[i]->sa;
			pkts[k++] = m;
		}
	}
	return k;
}

/* RFC 4301 section 5.2 step 4: the inner packet must fall within the
 * SA's selectors.  Sets the header lengths for the frame. */
static inline bool inner_ok(struct rte_mbuf *m, const struct sad_entry *e)
{
	struct spd_key k;

	if (!spd_key_get(m, 0, &k) || !spd_sel_match(&e->sel, &k, true))
		return false;
	set_l3(m, k.family == ADDR_V6,
	       k.family == ADDR_V6
		       ? 40
		       : (*rte_pktmbuf_mtod(m, uint8_t *) & 0xfu) * 4u);
	return true;
}

static uint16_t esp_in(void *ctx, unsigned int worker,
		       struct rte_mbuf **pkts, struct esp_sa **sas,
		       uint16_t n)
{
	struct ipsec_hooks *h = ctx;
	struct sad_entry *ent[WORKER_MAX_BURST];
	uint8_t why[WORKER_MAX_BURST];
	uint16_t k, good, out = 0;

	k = sort_owned(h, worker, pkts, sas, n, ent);
	CTR_ADD(h->ctr[worker].esp_in, k);
	good = esp_inb_process(h->cx[worker], pkts, sas, why, k);
	for (uint16_t i = good; i < k; i++)
		rte_pktmbuf_free(pkts[i]);
	for (uint16_t i = 0; i < good; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct sad_entry *e = ent[m->hash.usr];

		if (unlikely(!inner_ok(m, e))) {
			esp_sa_count_drop(e->sa, ESP_DROP_POLICY_MISMATCH);
			rte_pktmbuf_free(m);
			continue;
		}
		rte_pktmbuf_prepend(m, ETH_LEN);
		pkts[out++] = m;
	}
	return out;
}

/* ---- hand-off rings ---- */

/* The owner's RX: add what other workers handed over to the burst. */
static uint16_t rx_handoff(uint16_t port, uint16_t queue,
			   struct rte_mbuf *pkts[], uint16_t n, uint16_t max,
			   void *arg)
{
	struct rte_ring *r = arg;

	RTE_SET_USED(port);
	RTE_SET_USED(queue);
	if (n >= max)
		return n;
	return (uint16_t)(n + rte_ring_sc_dequeue_burst(
		r, (void **)(pkts + n), max - n, NULL));
}

/* ---- set-up ---- */

static int make_rings(struct ipsec_hooks *h, int socket)
{
	static unsigned int serial;
	unsigned int n = h->n_workers * DP_MAX_PORTS;
	char name[RTE_RING_NAMESIZE];

	h->ring = rte_zmalloc_socket("ipsec_rings", n * sizeof(*h->ring), 0,
				     socket);
	if (!h->ring)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "ipsec_ho%u_%u", serial, i);
		h->ring[i] = rte_ring_create(name, IPSEC_HANDOFF_RING, socket,
					     RING_F_SC_DEQ);
		if (!h->ring[i])
			return -ENOMEM;
	}
	serial++;
	return 0;
}

struct ipsec_hooks *ipsec_hooks_create(struct sa_table *t,
				       unsigned int n_workers, int socket)
{
	struct ipsec_hooks *h = rte_zmalloc_socket("ipsec_hooks", sizeof(*h),
						   0, socket);

	if (!h || worker_rx_again_register() != 0) {
		rte_free(h);
		return NULL;
	}
	h->t = t;
	h->sad = sa_table_sad(t);
	h->spd = sa_table_spd(t);
	h->n_workers = n_workers;
	h->n_ports = DP_MAX_PORTS;
	memset(h->port_index, PORT_NONE_COL, sizeof(h->port_index));
	h->cx = rte_zmalloc_socket("ipsec_cx", n_workers * sizeof(*h->cx), 0,
				   socket);
	h->ctr = rte_zmalloc_socket("ipsec_ctr", n_workers * sizeof(*h->ctr),
				    RTE_CACHE_LINE_SIZE, socket);
	if (!h->cx || !h->ctr || make_rings(h, socket) != 0)
		goto fail;
	for (unsigned int w = 0; w < n_workers; w++) {
		h->cx[w] = esp_crypto_create(socket);
		if (!h->cx[w])
			goto fail;
	}
	/* Only workers send ESP (the main lcore's slow path never does). */
	if (n_workers == 1)
		esp_crypto_sole_sender(h->cx[0], true);
	return h;
fail:
	ipsec_hooks_destroy(h);
	return NULL;
}

/* worker_hooks.esp_mtu: by the route to sa's outer destination.  A
 * MOBIKE update may rewrite sa->remote meanwhile; a torn read costs one
 * packet measured against the wrong port.  XXX Transport mode is not
 * fitted: its packets are the gateway's own, rare, and the port drops
 * the few too big. */
static uint32_t esp_mtu(void *ctx, const struct esp_sa *sa,
			const struct route_table *rt,
			const struct port_set *ps)
{
	const struct route_nexthop *nh;
	uint32_t v4;

	RTE_SET_USED(ctx);
	if (sa->mode != ESP_MODE_TUNNEL)
		return 0;
	if (sa->remote.family == ADDR_V6) {
		nh = route_lookup6(rt, sa->remote.v6);
	} else {
		memcpy(&v4, sa->remote.v4, sizeof(v4));
		nh = route_lookup4(rt, v4);
	}
	if (!nh || nh->port >= ps->n)
		return 0;
	return esp_outb_tunnel_max(sa, ps->port[nh->port].mtu);
}

void ipsec_hooks_get(struct ipsec_hooks *h, struct worker_hooks *out)
{
	*out = (struct worker_hooks){
		.ctx = h, .spd_out = spd_out, .esp_out = esp_out,
		.esp_in = esp_in, .esp_mtu = esp_mtu,
		.esp_overhead_max = ESP_OUTB_OVERHEAD_MAX,
	};
}

/* As port.c finds it: the device name is the devargs up to a comma. */
static int port_id_of(const char *device, uint16_t *id)
{
	char name[CFG_DEVICE_MAX];

	snprintf(name, sizeof(name), "%s", device);
	name[strcspn(name, ",")] = '\0';
	return rte_eth_dev_get_port_by_name(name, id);
}

static int attach_port(struct ipsec_hooks *h, unsigned int col, uint16_t id)
{
	struct rte_eth_dev_info info;
	int rc = rte_eth_dev_info_get(id, &info);

	if (rc != 0)
		return rc;
	h->port_index[id] = (uint8_t)col;
	for (uint16_t q = 0; q < info.nb_rx_queues; q++) {
		unsigned int w = q % h->n_workers;
		struct rx_cb *c = &h->cbs[h->n_cbs];

		if (h->n_cbs == RTE_DIM(h->cbs))
			return -ENOSPC;
		c->port = id;
		c->queue = q;
		c->cb = rte_eth_add_rx_callback(id, q, rx_handoff,
						h->ring[w * h->n_ports + col]);
		if (!c->cb)
			return -rte_errno;
		h->n_cbs++;
	}
	return 0;
}

int ipsec_hooks_attach(struct ipsec_hooks *h, const struct cfg_dataplane *dc)
{
	uint16_t id;
	int rc;

	for (unsigned int p = 0; p < dc->n_ports && p < DP_MAX_PORTS; p++) {
		rc = port_id_of(dc->ports[p].device, &id);
		if (rc == 0)
			rc = attach_port(h, p, id);
		if (rc != 0) {
			log_err("port %s: cannot install the ESP hand-off: %s",
				dc->ports[p].name, rte_strerror(-rc));
			return rc;
		}
	}
	return 0;
}

void ipsec_hooks_destroy(struct ipsec_hooks *h)
{
	struct rte_mbuf *m;

	if (!h)
		return;
	/* XXX ethdev does not free a removed callback (a worker might still
	 * run it); the few bytes stay allocated until the EAL goes. */
	for (unsigned int i = 0; i < h->n_cbs; i++)
		rte_eth_remove_rx_callback(h->cbs[i].port, h->cbs[i].queue,
					   h->cbs[i].cb);
	for (unsigned int i = 0; h->ring && i < h->n_workers * h->n_ports;
	     i++) {
		while (h->ring[i] && rte_ring_dequeue(h->ring[i],
						      (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(h->ring[i]);
	}
	for (unsigned int w = 0; h->cx && w < h->n_workers; w++)
		esp_crypto_free(h->cx[w]);
	rte_free(h->ring);
	rte_free(h->cx);
	rte_free(h->ctr);
	rte_free(h);
}

void ipsec_hooks_counters(const struct ipsec_hooks *h,
			  struct ipsec_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int w = 0; w < h->n_workers; w++) {
		const struct ipsec_counters *c = &h->ctr[w];

		for (unsigned int i = 0; i < ESP_DROP_COUNT; i++)
			sum->drop[i] += __atomic_load_n(&c->drop[i],
							__ATOMIC_RELAXED);
		sum->handoff += __atomic_load_n(&c->handoff, __ATOMIC_RELAXED);
		sum->esp_in += __atomic_load_n(&c->esp_in, __ATOMIC_RELAXED);
		sum->esp_out += __atomic_load_n(&c->esp_out,
						__ATOMIC_RELAXED);
	}
}

/* "name value" lines, as counters_print() writes them. */
void ipsec_hooks_print(const struct ipsec_hooks *h, FILE *out)
{
	struct ipsec_counters c;
	struct esp_sa_stats st;
	uint32_t it = 0;
	uint64_t id;

	ipsec_hooks_counters(h, &c);
	fprintf(out, "esp_in %" PRIu64 "\nesp_out %" PRIu64
		"\nesp_handoff %" PRIu64 "\n", c.esp_in, c.esp_out,
		c.handoff);
	for (unsigned int i = 1; i < ESP_DROP_COUNT; i++)
		if (c.drop[i])
			fprintf(out, "esp_drop_%s %" PRIu64 "\n",
				esp_drop_name(i), c.drop[i]);
	while (sa_table_next(h->t, &it, &id, &st)) {
		fprintf(out, "sa %016" PRIx64 " packets %" PRIu64 " bytes %"
			PRIu64 " drops %" PRIu64 "\n", id, st.packets,
			st.bytes, st.drops);
		for (unsigned int i = 1; i < ESP_DROP_COUNT; i++)
			if (st.drop[i])
				fprintf(out, "sa %016" PRIx64 " drop %s %"
					PRIu64 "\n", id, esp_drop_name(i),
					st.drop[i]);
	}
}
