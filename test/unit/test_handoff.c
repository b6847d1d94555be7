/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inbound hand-off (ipsec_hooks.c) driven for real: one net_ring port
 * with two RX queues, two worker contexts polled by hand, an inbound SA
 * owned by worker 1 and its ESP injected on worker 0's queue.  The
 * packets must be decrypted once each, by worker 1, counted as handed
 * off, and every mbuf must come back to the pool, also when the hand-off
 * ring is full.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dp_test_eal.h"
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "esp_crypto.h"
#include "esp_outb.h"
#include "ipsec_hooks.h"
#include "neigh.h"
#include "pmtu.h"
#include "port.h"
#include "reasm.h"
#include "route.h"
#include "sa_table.h"
#include "slowpath.h"
#include "worker.h"

#define POOL_SIZE 2047
#define SPI_IN 0x4001
#define SPI_OTHER 0x4000

static struct rte_mempool *mp;

/* Everything a test needs, set up afresh by setup(). */
struct rig {
	struct rte_ring *rx[2], *tx[2];
	uint16_t port_id;
	struct port_set ps;
	struct route_table *routes;
	struct neigh_table *neigh;
	struct slowpath *sp;
	struct classify_local local;
	struct sa_table *t, *peer;
	struct ipsec_hooks *h;
	struct worker_hooks wh;
	struct dp_counters ctr[2];
	struct worker_ctx w[2];
	struct cfg_port cport;
	struct cfg_dataplane dc;
	struct esp_crypto *cx;
	struct esp_sa *out;
	uint32_t running;
};

static struct rig rig;

static void sel(struct chan_ts *ts, const char *prefix)
{
	char buf[64];

	memset(ts, 0, sizeof(*ts));
	snprintf(buf, sizeof(buf), "%s", prefix);
	assert_true(prefix_parse(buf, &ts->prefix));
	ts->port_hi = UINT16_MAX;
}

/* AES-256-CBC with HMAC-SHA-256 from 192.0.2.2 (peer) to 192.0.2.1 (us),
 * tunnelling 10.2.0.0/24 -> 10.1.0.0/24; seen from `local`. */
static struct chan_sa sa_rec(uint64_t id, uint32_t spi, uint8_t dir)
{
	bool in = dir == CHAN_DIR_IN;
	struct chan_sa c = {
		.id = id, .spi = htonl(spi), .dir = dir,
		.mode = CHAN_MODE_TUNNEL, .enc_algo = ALGO_AES_256_CBC,
		.integ_algo = ALGO_HMAC_SHA256_128, .enc_key_len = 32,
		.integ_key_len = 32,
	};

	assert_true(addr_parse(in ? "192.0.2.1" : "192.0.2.2", &c.local));
	assert_true(addr_parse(in ? "192.0.2.2" : "192.0.2.1", &c.remote));
	memset(c.enc_key, 0x11, 32);
	memset(c.integ_key, 0x22, 32);
	sel(&c.ts_local, in ? "10.1.0.0/24" : "10.2.0.0/24");
	sel(&c.ts_remote, in ? "10.2.0.0/24" : "10.1.0.0/24");
	return c;
}

static struct sa_table *table(unsigned int n_workers)
{
	struct sa_table_conf c = { .n_workers = n_workers, .max_sas = 16,
				   .replay_window = 128,
				   .socket = SOCKET_ID_ANY };
	struct sa_table *t = sa_table_create(&c);

	assert_non_null(t);
	return t;
}

static void open_port(struct rig *r)
{
	static unsigned int serial;
	struct rte_eth_conf conf = { 0 };
	char name[32];
	int rc;

	for (unsigned int i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "ho_rx%u_%u", serial, i);
		r->rx[i] = rte_ring_create(name, 2048, SOCKET_ID_ANY,
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "ho_tx%u_%u", serial, i);
		r->tx[i] = rte_ring_create(name, 2048, SOCKET_ID_ANY,
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
		assert_non_null(r->rx[i]);
		assert_non_null(r->tx[i]);
	}
	snprintf(r->cport.device, sizeof(r->cport.device), "net_ring_ho%u",
		 serial++);
	snprintf(r->cport.name, sizeof(r->cport.name), "wan");
	rc = rte_eth_from_rings(r->cport.device, r->rx, 2, r->tx, 2,
				SOCKET_ID_ANY);
	assert_true(rc >= 0);
	r->port_id = (uint16_t)rc;
	/* ipsec_hooks_attach() finds the port by this name. */
	assert_int_equal(rte_eth_dev_get_name_by_port(r->port_id,
						      r->cport.device), 0);
	assert_int_equal(rte_eth_dev_configure(r->port_id, 2, 2, &conf), 0);
	for (uint16_t q = 0; q < 2; q++) {
		assert_int_equal(rte_eth_rx_queue_setup(r->port_id, q, 64,
							SOCKET_ID_ANY, NULL,
							mp), 0);
		assert_int_equal(rte_eth_tx_queue_setup(r->port_id, q, 64,
							SOCKET_ID_ANY, NULL),
				 0);
	}
	assert_int_equal(rte_eth_dev_start(r->port_id), 0);
	memset(r->ps.index, PORT_NONE, sizeof(r->ps.index));
	r->ps.n = 1;
	r->ps.mp = mp;
	r->ps.index[r->port_id] = 0;
	r->ps.port[0].cfg = &r->cport;
	r->ps.port[0].id = r->port_id;
	r->ps.port[0].n_rxq = 2;
	r->ps.port[0].n_txq = 2;
	r->ps.port[0].mtu = 1500;
	assert_int_equal(rte_eth_macaddr_get(r->port_id, &r->ps.port[0].mac),
			 0);
	r->dc.ports = &r->cport;
	r->dc.n_ports = 1;
}

/* 10.1.0.0/24 is connected on port 0; 10.1.0.5 is resolved. */
static void open_frame(struct rig *r)
{
	static unsigned int serial;
	struct rte_ether_addr mac = { { 0x02, 0, 0, 0, 0, 0x05 } };
	char name[32], pfx[] = "10.1.0.0/24";
	struct ip_prefix dst;
	struct ip_addr via = { 0 };
	struct neigh_key k;

	snprintf(name, sizeof(name), "ho_rt%u", serial);
	r->routes = route_create(name, SOCKET_ID_ANY, 16);
	snprintf(name, sizeof(name), "ho_nb%u", serial);
	r->neigh = neigh_create(name, SOCKET_ID_ANY, 64, 2, 1000);
	snprintf(name, sizeof(name), "ho_sp%u", serial++);
	r->sp = slowpath_create(name, SOCKET_ID_ANY, 2);
	assert_non_null(r->routes);
	assert_non_null(r->neigh);
	assert_non_null(r->sp);
	assert_true(prefix_parse(pfx, &dst));
	assert_int_equal(route_add(r->routes, &dst, &via, 0), 0);
	neigh_key_make(&k, 0, ADDR_V4, (const uint8_t[]){ 10, 1, 0, 5 });
	assert_int_equal(neigh_update(r->neigh, &k, &mac, true), 1);
	r->local.v4[0] = RTE_BE32(0xc0000201); /* 192.0.2.1 */
	r->local.n_v4 = 1;
}

/* A second SA first, so that the one under test goes to worker 1. */
static void open_sas(struct rig *r)
{
	struct chan_sa c = sa_rec(1, SPI_OTHER, CHAN_DIR_IN);
	struct sad_entry *e;

	r->t = table(2);
	assert_int_equal(sa_table_sa_add(r->t, &c, NULL), 0);
	c = sa_rec(2, SPI_IN, CHAN_DIR_IN);
	assert_int_equal(sa_table_sa_add(r->t, &c, NULL), 0);
	e = sad_lookup(sa_table_sad(r->t), htonl(SPI_IN));
	assert_non_null(e);
	assert_int_equal(e->owner, 1);
	r->peer = table(1);
	c = sa_rec(3, SPI_IN, CHAN_DIR_OUT);
	assert_int_equal(sa_table_sa_add(r->peer, &c, NULL), 0);
	r->out = sa_table_find(r->peer, 3);
	assert_non_null(r->out);
	r->cx = esp_crypto_create(SOCKET_ID_ANY);
	assert_non_null(r->cx);
}

static int setup(void **state)
{
	struct rig *r = &rig;

	memset(r, 0, sizeof(*r));
	open_port(r);
	open_frame(r);
	open_sas(r);
	r->h = ipsec_hooks_create(r->t, 2, SOCKET_ID_ANY);
	assert_non_null(r->h);
	ipsec_hooks_get(r->h, &r->wh);
	assert_int_equal(ipsec_hooks_attach(r->h, &r->dc), 0);
	r->running = 1;
	for (unsigned int w = 0; w < 2; w++) {
		r->w[w] = (struct worker_ctx){
			.id = w, .burst = 32, .n_rxq = 1,
			.rxq = { { .port = 0, .queue = (uint16_t)w } },
			.ports = &r->ps, .routes = r->routes,
			.neigh = r->neigh, .sp = r->sp, .local = &r->local,
			.hooks = &r->wh, .ctr = &r->ctr[w],
			.running = &r->running,
			.reasm = reasm_create(SOCKET_ID_ANY),
		};
		assert_non_null(r->w[w].reasm);
	}
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;
	struct rte_mbuf *m;

	rte_eth_dev_stop(r->port_id);
	for (unsigned int w = 0; w < 2; w++)
		reasm_free(r->w[w].reasm);
	ipsec_hooks_destroy(r->h);
	rte_eth_dev_close(r->port_id);
	for (unsigned int i = 0; i < 2; i++) {
		while (rte_ring_dequeue(r->rx[i], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		while (rte_ring_dequeue(r->tx[i], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(r->rx[i]);
		rte_ring_free(r->tx[i]);
	}
	esp_crypto_free(r->cx);
	sa_table_free(r->t);
	sa_table_free(r->peer);
	slowpath_free(r->sp);
	neigh_free(r->neigh);
	route_free(r->routes);
	return 0;
}

/* Inner UDP 10.2.0.5 -> 10.1.0.5 carrying tag, as the peer would send. */
static struct rte_mbuf *inner(uint32_t tag)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t d[32] = { 0 };
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)d;
	char *p;

	assert_non_null(m);
	ip->version_ihl = 0x45;
	ip->total_length = RTE_BE16(32);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = RTE_BE32(0x0a020005);
	ip->dst_addr = RTE_BE32(0x0a010005);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	d[20] = 0x30; /* ports 12345 -> 12346, length 12 */
	d[21] = 0x39;
	d[22] = 0x30;
	d[23] = 0x3a;
	d[25] = 12;
	memcpy(d + 28, &tag, 4);
	p = rte_pktmbuf_append(m, sizeof(d));
	if (!p)
		fail();
	else
		memcpy(p, d, sizeof(d));
	return m;
}

/* n ESP frames for SPI_IN, tags from first, onto RX queue 0 as the NIC
 * would put them there: m->port is left to the frame to set. */
static void inject(struct rig *r, uint32_t first, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = inner(first + i);
		struct rte_ether_hdr *eth;
		struct esp_sa *sa = r->out;
		uint8_t why;

		assert_int_equal(esp_outb_process(r->cx, &m, &sa, &why, 1), 1);
		eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, 14);
		assert_non_null(eth);
		rte_ether_addr_copy(&r->ps.port[0].mac, &eth->dst_addr);
		memset(&eth->src_addr, 0x02, sizeof(eth->src_addr));
		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
		assert_int_equal(rte_ring_enqueue(r->rx[0], m), 0);
	}
}

/* Take what worker w sent; check it is the inner packet, mark its tag. */
static unsigned int collect(struct rig *r, unsigned int w, uint8_t *seen,
			    uint32_t max_tag)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while (rte_ring_dequeue(r->tx[w], (void **)&m) == 0) {
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
		uint32_t tag;

		assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 32);
		assert_int_equal(d[14 + 8], 63); /* TTL decremented once */
		memcpy(&tag, d + 14 + 28, 4);
		assert_true(tag < max_tag);
		seen[tag]++;
		rte_pktmbuf_free(m);
		n++;
	}
	return n;
}

static uint64_t sa_packets(struct rig *r, struct esp_sa_stats *st)
{
	assert_int_equal(sa_table_stats(r->t, 2, st), 0);
	return st->packets;
}

static void test_handoff_once(void **state)
{
	struct rig *r = *state;
	enum { N = 100 };
	uint8_t seen[N] = { 0 };
	struct ipsec_counters c;
	struct esp_sa_stats st;
	unsigned int got = 0;

	inject(r, 0, N);
	/* Worker 0 receives all, keeps none: they go to worker 1. */
	for (unsigned int i = 0; i < 16 && rte_ring_count(r->rx[0]); i++)
		worker_poll(&r->w[0]);
	assert_int_equal(rte_ring_count(r->rx[0]), 0);
	assert_int_equal(collect(r, 0, seen, N), 0);
	ipsec_hooks_counters(r->h, &c);
	assert_int_equal(c.handoff, N);
	assert_int_equal(c.esp_in, 0);
	assert_int_equal(sa_packets(r, &st), 0);

	/* Worker 1 picks them up on its own, empty, queue. */
	for (unsigned int i = 0; i < 16 && got < N; i++) {
		worker_poll(&r->w[1]);
		got += collect(r, 1, seen, N);
	}
	assert_int_equal(got, N);
	for (unsigned int i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(r->ctr[1].forwarded, N);
	assert_int_equal(r->ctr[0].forwarded, 0);
	/* The port received each packet once, at worker 0. */
	assert_int_equal(r->ctr[0].port[0].rx_packets, N);
	assert_int_equal(r->ctr[1].port[0].rx_packets, 0);
	assert_int_equal(r->ctr[1].port[0].rx_bytes, 0);
	ipsec_hooks_counters(r->h, &c);
	assert_int_equal(c.handoff, N);
	assert_int_equal(c.esp_in, N);
	assert_int_equal(sa_packets(r, &st), N);
	assert_int_equal(st.replay_top, N);
	assert_int_equal(st.drops, 0);
	for (unsigned int i = 0; i < DP_DROP_COUNT; i++)
		assert_int_equal(r->ctr[0].drop[i] + r->ctr[1].drop[i], 0);

	/* Again: no second decryption anywhere, nothing left behind. */
	assert_int_equal(worker_poll(&r->w[0]), 0);
	assert_int_equal(worker_poll(&r->w[1]), 0);
	assert_int_equal(sa_packets(r, &st), N);
	assert_int_equal(rte_mempool_avail_count(mp), POOL_SIZE);
}

/* A full hand-off ring drops and counts; nothing leaks, the ring's
 * contents still go through, and the drops are not replay drops later. */
/* ESP that a router cut into fragments on its way: worker 1, the SA's
 * owner, gets the fragments last first, puts each packet together and
 * decrypts it once. */
static void test_fragmented_esp(void **state)
{
	struct rig *r = *state;
	enum { N = 5 };
	uint8_t seen[N] = { 0 };
	unsigned int got = 0, frags = 0;

	for (uint32_t i = 0; i < N; i++) {
		struct rte_mbuf *m = NULL, *f[PMTU_MAX_FRAGS];
		int n;

		inject(r, i, 1); /* onto queue 0: take it back */
		assert_int_equal(rte_ring_dequeue(r->rx[0], (void **)&m), 0);
		m->l2_len = 14;
		m->l3_len = 20;
		m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4;
		n = pmtu_fragment4(m, 68, mp, f, PMTU_MAX_FRAGS);
		assert_true(n >= 2);
		for (int k = n - 1; k >= 0; k--) {
			memcpy(rte_pktmbuf_mtod(f[k], uint8_t *),
			       rte_pktmbuf_mtod(m, uint8_t *), 14);
			assert_int_equal(rte_ring_enqueue(r->rx[1], f[k]), 0);
		}
		rte_pktmbuf_free(m);
		frags += (unsigned int)n;
	}
	for (unsigned int i = 0; i < 16 && got < N; i++) {
		worker_poll(&r->w[1]);
		got += collect(r, 1, seen, N);
	}
	assert_int_equal(got, N);
	for (unsigned int i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(r->ctr[1].cls[DP_CLS_FRAG], frags);
	assert_int_equal(r->ctr[1].reassembled, N);
	for (unsigned int i = 0; i < DP_DROP_COUNT; i++)
		assert_int_equal(r->ctr[1].drop[i], 0);
	assert_int_equal(rte_mempool_avail_count(mp), POOL_SIZE);
}

static void test_ring_full(void **state)
{
	struct rig *r = *state;
	enum { N = IPSEC_HANDOFF_RING + 40 };
	static uint8_t seen[N];
	struct ipsec_counters c;
	struct esp_sa_stats st;
	unsigned int got = 0, held;

	memset(seen, 0, sizeof(seen));
	inject(r, 0, N);
	for (unsigned int i = 0; i < 2 * N / 32 && rte_ring_count(r->rx[0]);
	     i++)
		worker_poll(&r->w[0]);
	assert_int_equal(rte_ring_count(r->rx[0]), 0);
	ipsec_hooks_counters(r->h, &c);
	held = (unsigned int)c.handoff;
	assert_true(held > 0 && held < N);
	assert_int_equal(c.drop[ESP_DROP_RING_FULL], N - held);
	assert_int_equal(rte_mempool_avail_count(mp), POOL_SIZE - held);

	for (unsigned int i = 0; i < 2 * N / 32 && got < held; i++) {
		worker_poll(&r->w[1]);
		got += collect(r, 1, seen, N);
	}
	assert_int_equal(got, held);
	/* The first `held` made it, in order; the rest were dropped. */
	for (unsigned int i = 0; i < N; i++)
		assert_int_equal(seen[i], i < held);
	assert_int_equal(sa_packets(r, &st), held);
	assert_int_equal(st.drop[ESP_DROP_REPLAY], 0);
	assert_int_equal(rte_mempool_avail_count(mp), POOL_SIZE);
}

/* Packets still on a hand-off ring at shutdown go back to the pool. */
static void test_destroy_frees(void **state)
{
	struct rig *r = *state;
	struct ipsec_counters c;

	inject(r, 0, 10);
	for (unsigned int i = 0; i < 4 && rte_ring_count(r->rx[0]); i++)
		worker_poll(&r->w[0]);
	ipsec_hooks_counters(r->h, &c);
	assert_int_equal(c.handoff, 10);
	assert_int_equal(rte_mempool_avail_count(mp), POOL_SIZE - 10);
	teardown(state);
	assert_int_equal(rte_mempool_avail_count(mp), POOL_SIZE);
	setup(state); /* for the group's teardown */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handoff_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fragmented_esp, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ring_full, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_destroy_frees, setup,
						teardown),
	};
	int rc;

	mp = dp_test_eal_init("test_handoff", POOL_SIZE);
	if (!mp)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_test_eal_fini(mp);
	return rc;
}
