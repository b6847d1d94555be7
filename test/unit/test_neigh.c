/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_test_eal.h"

#include <rte_arp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "neigh.h"

#define RETRY 1000 /* ticks; the tests move the clock by hand */
#define REACH (NEIGH_REACHABLE_RETRIES * RETRY)
#define POOL 255

static struct rte_mempool *mp;
static struct classify_local local;
static const struct rte_ether_addr our_mac = {
	{ 0x02, 0, 0, 0, 0, 0x01 } };
static const struct rte_ether_addr mac_a = { { 0x02, 0, 0, 0, 0, 0xa } };
static const struct rte_ether_addr mac_b = { { 0x02, 0, 0, 0, 0, 0xb } };

#define OUR4  RTE_BE32(0xc0000201) /* 192.0.2.1 */
#define HOST4 RTE_BE32(0xc0000202) /* 192.0.2.2 */
#define OTHR4 RTE_BE32(0xc0000203) /* 192.0.2.3 */

/* The main lcore's clock, moved by the tests. */
static uint64_t now;

static uint64_t fake_clock(void)
{
	return now;
}

/* What the fake frame below was asked to send. */
struct req {
	struct neigh_key k;
	bool unicast;
	struct rte_ether_addr to;
};
static struct req sent[64];
static unsigned int n_sent;
static struct rte_mbuf *out[64];
static uint16_t out_port[64];
static unsigned int n_out;
static struct dp_counters ctr;

static int record(void *arg, const struct neigh_key *k,
		  const struct rte_ether_addr *unicast)
{
	(void)arg;
	assert_true(n_sent < RTE_DIM(sent));
	sent[n_sent].k = *k;
	sent[n_sent].unicast = unicast != NULL;
	if (unicast)
		sent[n_sent].to = *unicast;
	n_sent++;
	return 0;
}

static void xmit(void *arg, uint16_t port, struct rte_mbuf **m,
		 unsigned int n)
{
	(void)arg;
	for (unsigned int i = 0; i < n; i++) {
		assert_true(n_out < RTE_DIM(out));
		out_port[n_out] = port;
		out[n_out++] = m[i];
	}
}

static const struct neigh_ops ops = { .request = record, .xmit = xmit };

static unsigned int poll_at(struct neigh_table *t, uint64_t when)
{
	now = when;
	return neigh_poll(t, &ops, &ctr);
}

static int setup(void **state)
{
	struct neigh_table *t = neigh_create("t", SOCKET_ID_ANY, 64, 2, RETRY);

	n_sent = 0;
	n_out = 0;
	now = 0;
	memset(&ctr, 0, sizeof(ctr));
	if (!t)
		return -1;
	t->clock = fake_clock;
	*state = t;
	return 0;
}

/* Every mbuf is back in the pool once the table is gone: nothing held
 * leaks, nothing is freed twice. */
static int teardown(void **state)
{
	for (unsigned int i = 0; i < n_out; i++)
		rte_pktmbuf_free(out[i]);
	neigh_free(*state);
	assert_int_equal(rte_mempool_avail_count(mp), POOL);
	return 0;
}

static bool resolve(struct neigh_table *t, rte_be32_t a, uint64_t when,
		    struct rte_ether_addr *mac)
{
	return neigh_lookup(t, 0, ADDR_V4, (const uint8_t *)&a, when, mac);
}

/* A packet as a worker hands it over: Ethernet source and type written,
 * then a tag byte to tell packets apart. */
static struct rte_mbuf *pkt(uint8_t tag)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eth;

	assert_non_null(m);
	eth = (void *)rte_pktmbuf_append(m, sizeof(*eth) + 20);
	assert_non_null(eth);
	memset(eth, 0, sizeof(*eth) + 20);
	eth->src_addr = our_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	((uint8_t *)(eth + 1))[0] = tag;
	return m;
}

static uint8_t tag_of(const struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, const uint8_t *, 14)[0];
}

static void hand(struct neigh_table *t, unsigned int worker, rte_be32_t a,
		 uint8_t tag)
{
	assert_true(neigh_hold(t, worker, 0, ADDR_V4, (const uint8_t *)&a,
			       pkt(tag)));
}

static struct rte_mbuf *arp(uint16_t op, const struct rte_ether_addr *sha,
			    rte_be32_t sip, rte_be32_t tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;

	assert_non_null(m);
	eth = (void *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*a));
	memset(eth, 0, sizeof(*eth) + sizeof(*a));
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	a = (struct rte_arp_hdr *)(eth + 1);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	a->arp_data.arp_sha = *sha;
	a->arp_data.arp_sip = sip;
	a->arp_data.arp_tip = tip;
	return m;
}

static enum neigh_arp_result feed(struct neigh_table *t, struct rte_mbuf *m)
{
	enum neigh_arp_result r = neigh_arp_input(t, 0, m, &local);

	rte_pktmbuf_free(m);
	return r;
}

static void test_miss_asks_once_per_interval(void **state)
{
	struct neigh_table *t = *state;
	rte_be32_t a = HOST4;

	/* Two workers miss the same address before the main lcore looks:
	 * one request goes out. */
	hand(t, 0, HOST4, 1);
	hand(t, 1, HOST4, 2);
	assert_int_equal(poll_at(t, 100), 1);
	assert_int_equal(n_sent, 1);
	assert_int_equal(sent[0].k.family, ADDR_V4);
	assert_memory_equal(sent[0].k.ip, &a, 4);
	assert_false(sent[0].unicast);

	/* More misses within the interval ask nothing more. */
	hand(t, 0, HOST4, 3);
	assert_int_equal(poll_at(t, 100 + RETRY - 1), 0);
	assert_int_equal(n_sent, 1);
	/* After it, the main lcore asks again by itself. */
	assert_int_equal(poll_at(t, 100 + RETRY), 1);
	assert_int_equal(n_sent, 2);
	assert_int_equal(n_out, 0);
}

static void test_held_sent_in_order(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;

	/* Order is kept per worker (a flow stays on one worker). */
	for (uint8_t i = 1; i <= NEIGH_HOLD_MAX + 2; i++)
		hand(t, 0, HOST4, i);
	poll_at(t, 10);
	/* At most NEIGH_HOLD_MAX held, the rest dropped and counted. */
	assert_int_equal(ctr.neigh_held, NEIGH_HOLD_MAX);
	assert_int_equal(ctr.drop[DP_DROP_NO_NEIGH], 2);
	assert_int_equal(n_out, 0);
	assert_false(resolve(t, HOST4, 10, &mac));

	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &mac_a, HOST4, OUR4)),
			 NEIGH_ARP_LEARNED);
	/* The workers do not see the MAC before the held packets are out:
	 * what they send meanwhile is handed over and goes after them. */
	assert_false(resolve(t, HOST4, 11, &mac));
	hand(t, 0, HOST4, 8);
	assert_int_equal(poll_at(t, 11), NEIGH_HOLD_MAX + 1);
	/* The first ones, in the order they came, to the MAC learned. */
	assert_int_equal(n_out, NEIGH_HOLD_MAX + 1);
	assert_int_equal(tag_of(out[NEIGH_HOLD_MAX]), 8);
	for (unsigned int i = 0; i < NEIGH_HOLD_MAX; i++) {
		const struct rte_ether_hdr *eth =
			rte_pktmbuf_mtod(out[i], const struct rte_ether_hdr *);

		assert_int_equal(tag_of(out[i]), i + 1);
		assert_int_equal(out_port[i], 0);
		assert_true(rte_is_same_ether_addr(&eth->dst_addr, &mac_a));
		assert_true(rte_is_same_ether_addr(&eth->src_addr, &our_mac));
	}
	assert_int_equal(ctr.drop[DP_DROP_NO_NEIGH], 2);
	assert_true(resolve(t, HOST4, 12, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));

	/* A packet handed over just before the worker could see the MAC
	 * goes straight out. */
	hand(t, 1, HOST4, 9);
	assert_int_equal(poll_at(t, 13), 1);
	assert_int_equal(n_out, NEIGH_HOLD_MAX + 2);
	assert_int_equal(tag_of(out[NEIGH_HOLD_MAX + 1]), 9);
	assert_int_equal(n_sent, 1);
}

static void test_hold_limit_in_all(void **state)
{
	struct neigh_table *t = *state;

	/* Past the limit in all, even a new neighbour's first packet is
	 * dropped (still asked for); what is sent frees room. */
	t->hold_limit = NEIGH_HOLD_MAX + 1;
	for (uint8_t i = 0; i < NEIGH_HOLD_MAX; i++) {
		hand(t, 0, HOST4, i);
		hand(t, 1, OTHR4, (uint8_t)(10 + i));
	}
	assert_int_equal(poll_at(t, 1), 2);
	assert_int_equal(ctr.neigh_held, NEIGH_HOLD_MAX + 1);
	assert_int_equal(ctr.drop[DP_DROP_NO_NEIGH], NEIGH_HOLD_MAX - 1);
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &mac_a, HOST4, OUR4)),
			 NEIGH_ARP_LEARNED);
	assert_int_equal(poll_at(t, 2), NEIGH_HOLD_MAX);
	hand(t, 1, OTHR4, 20);
	hand(t, 1, OTHR4, 21);
	poll_at(t, 3);
	assert_int_equal(ctr.neigh_held, NEIGH_HOLD_MAX + 3);
	assert_int_equal(ctr.drop[DP_DROP_NO_NEIGH], NEIGH_HOLD_MAX - 1);
	assert_int_equal(t->n_held, 3);

	/* A neighbour none of whose packets could be held is still asked
	 * again, and given up. */
	t->hold_limit = 0;
	hand(t, 0, RTE_BE32(0xc0000209), 30);
	poll_at(t, 10 * RETRY);
	assert_int_equal(ctr.drop[DP_DROP_NO_NEIGH], NEIGH_HOLD_MAX);
	for (unsigned int r = 1; r <= NEIGH_MAX_REQUESTS; r++)
		poll_at(t, (10 + r) * RETRY);
	assert_int_equal(ctr.neigh_failed, 2); /* and OTHR4 */
	assert_int_equal(n_sent, 1 + 2 * NEIGH_MAX_REQUESTS);
}

static void test_failed_resolution_frees(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	struct neigh_key k;
	rte_be32_t a = HOST4;

	for (uint8_t i = 1; i <= NEIGH_HOLD_MAX; i++)
		hand(t, 0, HOST4, i);
	for (unsigned int r = 0; r < NEIGH_MAX_REQUESTS; r++) {
		assert_int_equal(poll_at(t, r * RETRY), 1);
		assert_int_equal(poll_at(t, r * RETRY + RETRY - 1), 0);
	}
	assert_int_equal(n_sent, NEIGH_MAX_REQUESTS);
	assert_int_equal(rte_mempool_avail_count(mp), POOL - NEIGH_HOLD_MAX);
	/* The last request unanswered for an interval: given up. */
	assert_int_equal(poll_at(t, NEIGH_MAX_REQUESTS * RETRY), 0);
	assert_int_equal(ctr.drop[DP_DROP_NO_NEIGH], NEIGH_HOLD_MAX);
	assert_int_equal(ctr.neigh_failed, 1);
	assert_int_equal(rte_mempool_avail_count(mp), POOL);
	assert_int_equal(n_out, 0);
	neigh_key_make(&k, 0, ADDR_V4, (const uint8_t *)&a);
	assert_false(neigh_remove(t, &k, NULL));
	/* A late answer creates nothing (it is not to us: a request)... */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REQUEST, &mac_a, HOST4,
				     OTHR4)), NEIGH_ARP_IGNORED);
	assert_false(resolve(t, HOST4, 10 * RETRY, &mac));
	/* ...and the next packet starts again. */
	hand(t, 1, HOST4, 7);
	assert_int_equal(poll_at(t, 10 * RETRY), 1);
	assert_false(sent[n_sent - 1].unicast);
}

static void test_reply_resolves(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;

	hand(t, 0, HOST4, 1);
	poll_at(t, 10);
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &mac_a, HOST4, OUR4)),
			 NEIGH_ARP_LEARNED);
	assert_int_equal(poll_at(t, 11), 1); /* the held packet */
	assert_true(resolve(t, HOST4, 11, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	/* The same again changes nothing; a new MAC is followed. */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &mac_a, HOST4, OUR4)),
			 NEIGH_ARP_SAME);
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REQUEST, &mac_b, HOST4,
				     OTHR4)), NEIGH_ARP_LEARNED);
	assert_true(resolve(t, HOST4, 12, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));
	/* Nothing more is requested for the unresolved state. */
	poll_at(t, 10 * RETRY);
	assert_int_equal(n_sent, 1 + 1); /* the broadcast, one probe */
	assert_true(sent[1].unicast);
}

static void test_learns_only_what_talks_to_us(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	uint32_t a = HOST4;

	/* A request between two other hosts makes no entry... */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REQUEST, &mac_a, HOST4,
				     OTHR4)), NEIGH_ARP_IGNORED);
	assert_false(resolve(t, HOST4, 1, &mac));
	/* ...one for our address does (RFC 826: the sender will talk). */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REQUEST, &mac_a, HOST4,
				     OUR4)), NEIGH_ARP_LEARNED);
	assert_true(resolve(t, HOST4, 2, &mac));
	/* Entries are per port. */
	assert_false(neigh_lookup(t, 1, ADDR_V4, (uint8_t *)&a, 3, &mac));
}

static void test_ignores_malformed_and_probes(void **state)
{
	struct neigh_table *t = *state;
	static const struct rte_ether_addr zero, bcast = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	struct rte_mbuf *m;
	struct rte_arp_hdr *a;
	struct rte_ether_addr mac;

	/* RFC 5227 probe: sender address zero. */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REQUEST, &mac_a, 0, OUR4)),
			 NEIGH_ARP_IGNORED);
	/* Someone claiming our own address. */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &mac_a, OUR4, OUR4)),
			 NEIGH_ARP_IGNORED);
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &zero, HOST4, OUR4)),
			 NEIGH_ARP_MALFORMED);
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &bcast, HOST4, OUR4)),
			 NEIGH_ARP_MALFORMED);
	assert_int_equal(feed(t, arp(3, &mac_a, HOST4, OUR4)),
			 NEIGH_ARP_MALFORMED);
	for (int k = 0; k < 4; k++) {
		m = arp(RTE_ARP_OP_REPLY, &mac_a, HOST4, OUR4);
		a = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, 14);
		if (k == 0)
			a->arp_hlen = 8;
		else if (k == 1)
			a->arp_plen = 16;
		else if (k == 2)
			a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV6);
		else
			rte_pktmbuf_trim(m, 1);
		assert_int_equal(feed(t, m), NEIGH_ARP_MALFORMED);
	}
	assert_false(resolve(t, HOST4, 1, &mac));
}

/* Fill the table at time 0 until an insert fails; returns how many went
 * in.  Their addresses are 10.0.0.0 and up. */
static int fill(struct neigh_table *t)
{
	struct neigh_key k;
	uint32_t a;
	int rc = 1, i;

	for (i = 0; i < 200 && rc >= 0; i++) {
		a = rte_cpu_to_be_32(0x0a000000u + (uint32_t)i);
		neigh_key_make(&k, 0, ADDR_V4, (uint8_t *)&a);
		rc = neigh_update(t, &k, &mac_a, true);
	}
	assert_int_equal(rc, -ENOSPC);
	assert_true(i > 1 && i <= 65);
	return i - 1;
}

static void test_full_table_evicts_idle(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	struct neigh_key k;
	int n = fill(t), found = 0;
	uint32_t a = rte_cpu_to_be_32(0x0a000000u + (uint32_t)n);

	/* Everything inserted is resolvable (and is now marked used). */
	for (int i = 0; i < n; i++)
		found += resolve(t, rte_cpu_to_be_32(0x0a000000u +
						     (uint32_t)i), 0, &mac);
	assert_int_equal(found, n);
	/* Without create, an unknown key is left alone. */
	neigh_key_make(&k, 0, ADDR_V4, (uint8_t *)&a);
	assert_int_equal(neigh_update(t, &k, &mac_b, false), 0);
	/* All in use: the one that did not fit still does not. */
	now = RETRY - 1;
	assert_int_equal(neigh_update(t, &k, &mac_b, true), -ENOSPC);
	/* Idle for an interval: one is evicted to make room. */
	now = RETRY;
	assert_int_equal(neigh_update(t, &k, &mac_b, true), 1);
	assert_true(neigh_lookup(t, 0, ADDR_V4, (uint8_t *)&a, now, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));
	poll_at(t, RETRY);
	assert_int_equal(ctr.neigh_evicted, 1);
	found = 0;
	for (int i = 0; i < n; i++)
		found += resolve(t, rte_cpu_to_be_32(0x0a000000u +
						     (uint32_t)i), now, &mac);
	assert_int_equal(found, n - 1);
}

static void test_removal_keeps_chains(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	struct neigh_key k;
	int n = fill(t), found;
	uint32_t a;

	/* Remove every other entry: tombstones must not cut the probe
	 * chains of the ones after them. */
	for (int i = 0; i < n; i += 2) {
		a = rte_cpu_to_be_32(0x0a000000u + (uint32_t)i);
		neigh_key_make(&k, 0, ADDR_V4, (uint8_t *)&a);
		assert_true(neigh_remove(t, &k, NULL));
		assert_false(neigh_remove(t, &k, NULL));
	}
	for (int i = 0; i < n; i++) {
		a = rte_cpu_to_be_32(0x0a000000u + (uint32_t)i);
		assert_int_equal(resolve(t, a, 0, &mac), i & 1);
	}
	/* The freed slots take the removed ones back, nothing duplicated. */
	for (int i = 0; i < n; i += 2) {
		a = rte_cpu_to_be_32(0x0a000000u + (uint32_t)i);
		neigh_key_make(&k, 0, ADDR_V4, (uint8_t *)&a);
		assert_int_equal(neigh_update(t, &k, &mac_b, true), 1);
	}
	found = 0;
	for (int i = 0; i < n; i++) {
		a = rte_cpu_to_be_32(0x0a000000u + (uint32_t)i);
		assert_true(resolve(t, a, 0, &mac));
		found++;
		assert_true(rte_is_same_ether_addr(&mac,
						   i & 1 ? &mac_a : &mac_b));
		neigh_key_make(&k, 0, ADDR_V4, (uint8_t *)&a);
		assert_true(neigh_remove(t, &k, NULL));
	}
	assert_int_equal(found, n);
}

/* A worker looking up on another thread while the main lcore removes
 * entries and reuses their slots for other keys. */
#define RACE_KEYS 32
#define RACE_LIVE 12
#define RACE_MIN_LOOKUPS 100000000
#define RACE_MAX_ROUNDS 20000000
#define RACE_MAX_LOOKUPS 1000000000ull

struct race {
	struct neigh_table *t;
	uint32_t stop;
	uint64_t lookups; /* written by the reader only */
	uint64_t wrong;
};

static uint32_t race_addr(unsigned int j)
{
	return rte_cpu_to_be_32(0x0a010000u + j);
}

static void *race_reader(void *arg)
{
	struct race *r = arg;
	struct rte_ether_addr mac;

	for (uint64_t i = 0; i < RACE_MAX_LOOKUPS &&
	     !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE); i++) {
		unsigned int j = (unsigned int)(i % RACE_KEYS);
		uint32_t a = race_addr(j);

		/* Each key's MAC carries the key: another is a torn read. */
		if (neigh_lookup(r->t, 0, ADDR_V4, (uint8_t *)&a, 0, &mac) &&
		    mac.addr_bytes[5] != j)
			r->wrong++;
		__atomic_store_n(&r->lookups, i + 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void race_set(struct neigh_table *t, unsigned int j, bool on,
		     uint32_t round)
{
	struct rte_ether_addr mac = { { 0x02, (uint8_t)(round >> 16),
					(uint8_t)(round >> 8), (uint8_t)round,
					0, (uint8_t)j } };
	uint32_t a = race_addr(j);
	struct neigh_key k;

	neigh_key_make(&k, 0, ADDR_V4, (uint8_t *)&a);
	if (on)
		assert_int_equal(neigh_update(t, &k, &mac, true), 1);
	else
		assert_true(neigh_remove(t, &k, NULL));
}

static void test_lookup_races_reuse(void **state)
{
	struct neigh_table *t = neigh_create("race", SOCKET_ID_ANY, 16, 1,
					     RETRY);
	struct race r = { .t = t };
	struct rte_ether_addr mac;
	pthread_t th;
	uint32_t round, a;

	(void)state;
	assert_non_null(t);
	t->clock = fake_clock;
	for (unsigned int j = 0; j < RACE_LIVE; j++)
		race_set(t, j, true, 0);
	assert_int_equal(pthread_create(&th, NULL, race_reader, &r), 0);
	/* A window of RACE_LIVE keys slides over RACE_KEYS in 16 slots:
	 * every insert takes a slot another key just left. */
	for (round = 0; round < RACE_MAX_ROUNDS &&
	     (round < RACE_KEYS * 100 ||
	      __atomic_load_n(&r.lookups, __ATOMIC_RELAXED) <
	      RACE_MIN_LOOKUPS); round++) {
		race_set(t, round % RACE_KEYS, false, round);
		race_set(t, (round + RACE_LIVE) % RACE_KEYS, true, round);
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(r.wrong, 0);
	/* What is live afterwards is found, with its own MAC. */
	for (unsigned int j = 0; j < RACE_KEYS; j++) {
		bool live = (j + RACE_KEYS - round % RACE_KEYS) % RACE_KEYS <
			    RACE_LIVE;

		a = race_addr(j);
		assert_int_equal(neigh_lookup(t, 0, ADDR_V4, (uint8_t *)&a,
					      0, &mac), live);
		if (live)
			assert_int_equal(mac.addr_bytes[5], j);
	}
	neigh_free(t);
}

static void test_ring_full_is_reported(void **state)
{
	struct neigh_table *t = *state;
	uint32_t a = HOST4;
	struct rte_mbuf *m = NULL;
	int i;

	/* Never polled: the ring takes NEIGH_HOLD_RING packets. */
	for (i = 0; i < 1000; i++) {
		m = pkt((uint8_t)i);
		if (!neigh_hold(t, 1, 0, ADDR_V4, (uint8_t *)&a, m))
			break;
	}
	assert_int_equal(i, NEIGH_HOLD_RING);
	rte_pktmbuf_free(m);
	/* The main lcore keeps three, drops the rest, counted. */
	poll_at(t, 1);
	assert_int_equal(ctr.neigh_held, NEIGH_HOLD_MAX);
	assert_int_equal(ctr.drop[DP_DROP_NO_NEIGH],
			 NEIGH_HOLD_RING - NEIGH_HOLD_MAX);
	assert_int_equal(rte_mempool_avail_count(mp), POOL - NEIGH_HOLD_MAX);
	assert_true(neigh_hold(t, 1, 0, ADDR_V4, (uint8_t *)&a, pkt(0)));
	/* teardown: neigh_free gives back what is held and queued. */
}

static void test_ipv6_keys(void **state)
{
	struct neigh_table *t = *state;
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct rte_ether_addr mac;
	struct neigh_key k;

	neigh_key_make(&k, 0, ADDR_V6, a);
	assert_int_equal(neigh_update(t, &k, &mac_b, true), 1);
	assert_true(neigh_lookup(t, 0, ADDR_V6, a, 1, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));
	/* The IPv4 address made of the first four bytes is another key. */
	assert_false(neigh_lookup(t, 0, ADDR_V4, a, 1, &mac));
}

static void test_ageing_probes_used_entry(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	struct neigh_key k;
	rte_be32_t a = HOST4;

	neigh_key_make(&k, 0, ADDR_V4, (const uint8_t *)&a);
	assert_int_equal(neigh_update(t, &k, &mac_a, true), 1);
	assert_true(resolve(t, HOST4, REACH / 2, &mac)); /* in use */
	assert_int_equal(poll_at(t, REACH - 1), 0);
	/* Reachable time over: a probe to the known MAC, which the
	 * workers keep using meanwhile. */
	assert_int_equal(poll_at(t, REACH), 1);
	assert_true(sent[0].unicast);
	assert_true(rte_is_same_ether_addr(&sent[0].to, &mac_a));
	assert_memory_equal(sent[0].k.ip, &a, 4);
	assert_true(resolve(t, HOST4, REACH, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	/* The answer confirms it: no more probes for a reachable time. */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &mac_a, HOST4, OUR4)),
			 NEIGH_ARP_SAME);
	assert_int_equal(poll_at(t, REACH + 5 * RETRY), 0);
	assert_true(resolve(t, HOST4, REACH + 10 * RETRY, &mac));
	assert_int_equal(poll_at(t, 2 * REACH - 1), 0);
	assert_int_equal(n_sent, 1);
	/* Used again in that time: probed again when it is over. */
	assert_int_equal(poll_at(t, 2 * REACH), 1);
	assert_int_equal(n_sent, 2);
}

static void test_unanswered_probes_remove(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	struct neigh_key k;
	rte_be32_t a = HOST4;

	neigh_key_make(&k, 0, ADDR_V4, (const uint8_t *)&a);
	assert_int_equal(neigh_update(t, &k, &mac_a, true), 1);
	assert_true(resolve(t, HOST4, REACH - 1, &mac));
	for (unsigned int r = 0; r < NEIGH_MAX_REQUESTS; r++) {
		assert_int_equal(poll_at(t, REACH + r * RETRY), 1);
		assert_true(sent[r].unicast);
		assert_int_equal(poll_at(t, REACH + r * RETRY + 1), 0);
		/* Still usable while probed. */
		assert_true(resolve(t, HOST4, now, &mac));
	}
	/* A request (not to us) with the same MAC confirms nothing. */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REQUEST, &mac_a, HOST4,
				     OTHR4)), NEIGH_ARP_SAME);
	assert_int_equal(poll_at(t, REACH + NEIGH_MAX_REQUESTS * RETRY), 0);
	assert_int_equal(ctr.neigh_failed, 1);
	assert_false(resolve(t, HOST4, now, &mac));
	assert_false(neigh_remove(t, &k, NULL));
	/* The next packet asks afresh, by broadcast. */
	hand(t, 0, HOST4, 1);
	assert_int_equal(poll_at(t, now + 1), 1);
	assert_false(sent[n_sent - 1].unicast);
}

static void test_unused_entry_evicted(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	struct neigh_key k;
	rte_be32_t a = HOST4;

	neigh_key_make(&k, 0, ADDR_V4, (const uint8_t *)&a);
	assert_int_equal(neigh_update(t, &k, &mac_a, true), 1);
	assert_int_equal(poll_at(t, REACH - 1), 0);
	assert_int_equal(ctr.neigh_evicted, 0);
	/* Nobody used it in a reachable time: removed, not probed. */
	assert_int_equal(poll_at(t, REACH), 0);
	assert_int_equal(n_sent, 0);
	assert_int_equal(ctr.neigh_evicted, 1);
	assert_false(resolve(t, HOST4, now, &mac));
}

static void test_worker_clock_ahead(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	struct neigh_key k;
	rte_be32_t a = HOST4;

	/* A worker's poll began after the main lcore read its clock: its
	 * mark is "just used", not idle for (almost) ever. */
	neigh_key_make(&k, 0, ADDR_V4, (const uint8_t *)&a);
	assert_int_equal(neigh_update(t, &k, &mac_a, true), 1);
	assert_true(resolve(t, HOST4, REACH + 5, &mac));
	assert_int_equal(poll_at(t, REACH), 1);
	assert_true(sent[0].unicast);
	assert_int_equal(ctr.neigh_evicted, 0);
	assert_true(resolve(t, HOST4, REACH + 6, &mac));
}

static void test_new_mac_replaces(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	struct neigh_key k;
	rte_be32_t a = HOST4;

	neigh_key_make(&k, 0, ADDR_V4, (const uint8_t *)&a);
	assert_int_equal(neigh_update(t, &k, &mac_a, true), 1);
	assert_true(resolve(t, HOST4, 1, &mac));
	/* A gratuitous ARP (sender and target the host) moves it... */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REQUEST, &mac_b, HOST4,
				     HOST4)), NEIGH_ARP_LEARNED);
	assert_true(resolve(t, HOST4, 2, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));
	/* ...unconfirmed: the new MAC is probed at once. */
	assert_int_equal(poll_at(t, 3), 1);
	assert_true(sent[0].unicast);
	assert_true(rte_is_same_ether_addr(&sent[0].to, &mac_b));
	/* Its answer confirms it; nothing more for a reachable time. */
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &mac_b, HOST4, OUR4)),
			 NEIGH_ARP_SAME);
	assert_int_equal(poll_at(t, 3 + REACH - 1), 0);
	/* A host that moved during a probe answers with its new MAC. */
	assert_true(resolve(t, HOST4, 3 + REACH - 1, &mac));
	assert_int_equal(poll_at(t, 4 + REACH), 1);
	assert_int_equal(feed(t, arp(RTE_ARP_OP_REPLY, &mac_a, HOST4, OUR4)),
			 NEIGH_ARP_LEARNED);
	assert_true(resolve(t, HOST4, now, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	assert_int_equal(poll_at(t, 5 + REACH + 5 * RETRY), 0);
}

/* A configured neighbour: usable at once, never probed, aged, evicted or
 * moved by what ARP says. */
static void test_permanent_entry(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	struct neigh_key k;
	rte_be32_t a = HOST4;

	neigh_key_make(&k, 0, ADDR_V4, (const uint8_t *)&a);
	assert_int_equal(neigh_set_permanent(t, &k, &mac_a), 0);
	assert_true(resolve(t, HOST4, 1, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	/* A gratuitous ARP and a reply with another MAC change nothing. */
	feed(t, arp(RTE_ARP_OP_REQUEST, &mac_b, HOST4, HOST4));
	feed(t, arp(RTE_ARP_OP_REPLY, &mac_b, HOST4, OUR4));
	for (uint64_t at = 2; at < 5 * REACH; at += REACH / 2) {
		assert_int_equal(poll_at(t, at), 0); /* used or not */
		if (at < 2 * REACH)
			assert_true(resolve(t, HOST4, at, &mac));
	}
	assert_true(resolve(t, HOST4, now, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	assert_int_equal(n_sent, 0);
	assert_int_equal(ctr.neigh_evicted + ctr.neigh_failed, 0);
}

static void test_arp_request_bytes(void **state)
{
	struct rte_mbuf *m = neigh_arp_request(mp, &our_mac, OUR4, HOST4, NULL);
	const struct rte_ether_hdr *eth;
	const struct rte_arp_hdr *a;

	(void)state;
	assert_non_null(m);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 60);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	assert_true(rte_is_broadcast_ether_addr(&eth->dst_addr));
	assert_true(rte_is_same_ether_addr(&eth->src_addr, &our_mac));
	assert_int_equal(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_ARP));
	a = (const struct rte_arp_hdr *)(eth + 1);
	assert_int_equal(a->arp_opcode, RTE_BE16(RTE_ARP_OP_REQUEST));
	assert_int_equal(a->arp_hlen, 6);
	assert_int_equal(a->arp_plen, 4);
	assert_true(rte_is_same_ether_addr(&a->arp_data.arp_sha, &our_mac));
	assert_true(rte_is_zero_ether_addr(&a->arp_data.arp_tha));
	assert_int_equal(a->arp_data.arp_sip, OUR4);
	assert_int_equal(a->arp_data.arp_tip, HOST4);
	rte_pktmbuf_free(m);

	/* A probe goes to the MAC we know, otherwise the same. */
	m = neigh_arp_request(mp, &our_mac, OUR4, HOST4, &mac_a);
	assert_non_null(m);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	assert_true(rte_is_same_ether_addr(&eth->dst_addr, &mac_a));
	a = (const struct rte_arp_hdr *)(eth + 1);
	assert_int_equal(a->arp_opcode, RTE_BE16(RTE_ARP_OP_REQUEST));
	assert_int_equal(a->arp_data.arp_tip, HOST4);
	rte_pktmbuf_free(m);
}

/* IPv6: our global address, two neighbours, the all-nodes group. */
static const uint8_t our6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t host6[16] = { 0x20, 0x01, 0x0d, 0xb8, [13] = 0xab,
				   [14] = 0xcd, [15] = 2 };
static const uint8_t othr6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 3 };
static const uint8_t allnodes6[16] = { 0xff, 0x02, [15] = 1 };

/* The test's own one's complement sum (RFC 1071), independent of DPDK's. */
static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

/* The ICMPv6 checksum (RFC 4443 section 2.3) of the message behind ip,
 * with its checksum field taken as zero; host byte order. */
static uint16_t icmp6_sum(const struct rte_ipv6_hdr *ip)
{
	uint16_t plen = rte_be_to_cpu_16(ip->payload_len);
	uint8_t msg[256];
	uint8_t ph[8] = { 0, 0, (uint8_t)(plen >> 8), (uint8_t)plen,
			  0, 0, 0, 58 };
	uint32_t s;

	assert_true(plen <= sizeof(msg) && plen >= 4);
	memcpy(msg, ip + 1, plen);
	msg[2] = msg[3] = 0;
	s = sum16(0, ip->src_addr, 16);
	s = sum16(s, ip->dst_addr, 16);
	s = sum16(s, ph, sizeof(ph));
	s = sum16(s, msg, plen);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

struct nd_spec {
	uint8_t type, code, flags, hop, opt_type, opt_len;
	const uint8_t *src, *dst, *target;
	const struct rte_ether_addr *mac;
};

/* An NS or NA as spec says, checksum right, one link-layer option unless
 * opt_type is 0. */
static struct rte_mbuf *nd(const struct nd_spec *sp)
{
	uint16_t plen = (uint16_t)(24 + (sp->opt_type ? 8 : 0));
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip;
	uint8_t *icmp;
	uint16_t c;

	assert_non_null(m);
	eth = (void *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*ip) +
					 plen);
	memset(eth, 0, sizeof(*eth) + sizeof(*ip) + plen);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip = (struct rte_ipv6_hdr *)(eth + 1);
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(plen);
	ip->proto = 58;
	ip->hop_limits = sp->hop ? sp->hop : 255;
	memcpy(ip->src_addr, sp->src, 16);
	memcpy(ip->dst_addr, sp->dst, 16);
	icmp = (uint8_t *)(ip + 1);
	icmp[0] = sp->type;
	icmp[1] = sp->code;
	icmp[4] = sp->flags;
	memcpy(icmp + 8, sp->target, 16);
	if (sp->opt_type) {
		icmp[24] = sp->opt_type;
		icmp[25] = sp->opt_len ? sp->opt_len : 1;
		if (sp->opt_len == 0xff)
			icmp[25] = 0;
		memcpy(icmp + 26, sp->mac, 6);
	}
	c = icmp6_sum(ip);
	icmp[2] = (uint8_t)(c >> 8);
	icmp[3] = (uint8_t)c;
	return m;
}

/* A solicited NA from host6 for target with mac, to our address. */
static struct nd_spec na_spec(const uint8_t *target,
			      const struct rte_ether_addr *mac)
{
	struct nd_spec sp = {
		.type = 136, .flags = 0x60, .opt_type = 2,
		.src = target, .dst = our6, .target = target, .mac = mac,
	};
	return sp;
}

static enum neigh_arp_result nd_in(struct neigh_table *t,
				   const struct nd_spec *sp)
{
	struct rte_mbuf *m = nd(sp);
	enum neigh_arp_result r = neigh_ndp_input(t, 0, m, &local);

	rte_pktmbuf_free(m);
	return r;
}

static bool resolve6(struct neigh_table *t, const uint8_t *a, uint64_t when,
		     struct rte_ether_addr *mac)
{
	return neigh_lookup(t, 0, ADDR_V6, a, when, mac);
}

static void test_ns_bytes(void **state)
{
	struct rte_mbuf *m = neigh_ndp_solicit(mp, &our_mac, our6, host6, NULL);
	const uint8_t group[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff,
				    [13] = 0xab, [14] = 0xcd, [15] = 2 };
	const struct rte_ether_addr gmac = {
		{ 0x33, 0x33, 0xff, 0xab, 0xcd, 2 } };
	const struct rte_ether_hdr *eth;
	const struct rte_ipv6_hdr *ip;
	const uint8_t *icmp;

	(void)state;
	assert_non_null(m);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 40 + 32);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	assert_true(rte_is_same_ether_addr(&eth->dst_addr, &gmac));
	assert_true(rte_is_same_ether_addr(&eth->src_addr, &our_mac));
	assert_int_equal(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV6));
	ip = (const struct rte_ipv6_hdr *)(eth + 1);
	assert_int_equal(rte_be_to_cpu_32(ip->vtc_flow), 6u << 28);
	assert_int_equal(rte_be_to_cpu_16(ip->payload_len), 32);
	assert_int_equal(ip->proto, 58);
	assert_int_equal(ip->hop_limits, 255);
	assert_memory_equal(ip->src_addr, our6, 16);
	assert_memory_equal(ip->dst_addr, group, 16);
	icmp = (const uint8_t *)(ip + 1);
	assert_int_equal(icmp[0], 135);
	assert_int_equal(icmp[1], 0);
	assert_int_equal(icmp[2] << 8 | icmp[3], icmp6_sum(ip));
	assert_int_not_equal(icmp6_sum(ip), 0);
	assert_memory_equal(icmp + 4, "\0\0\0\0", 4);
	assert_memory_equal(icmp + 8, host6, 16);
	assert_int_equal(icmp[24], 1); /* source link-layer address */
	assert_int_equal(icmp[25], 1);
	assert_memory_equal(icmp + 26, our_mac.addr_bytes, 6);
	rte_pktmbuf_free(m);

	/* A probe (section 7.3.3): to the target itself, at its MAC. */
	m = neigh_ndp_solicit(mp, &our_mac, our6, host6, &mac_a);
	assert_non_null(m);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	assert_true(rte_is_same_ether_addr(&eth->dst_addr, &mac_a));
	ip = (const struct rte_ipv6_hdr *)(eth + 1);
	assert_memory_equal(ip->dst_addr, host6, 16);
	icmp = (const uint8_t *)(ip + 1);
	assert_int_equal(icmp[0], 135);
	assert_memory_equal(icmp + 8, host6, 16);
	assert_int_equal(icmp[2] << 8 | icmp[3], icmp6_sum(ip));
	rte_pktmbuf_free(m);
}

static void test_ndp_miss_asks_once_per_interval(void **state)
{
	struct neigh_table *t = *state;
	struct nd_spec sp = na_spec(host6, &mac_a);
	struct rte_ether_addr mac;

	assert_true(neigh_hold(t, 0, 0, ADDR_V6, host6, pkt(1)));
	assert_true(neigh_hold(t, 1, 0, ADDR_V6, host6, pkt(2)));
	assert_int_equal(poll_at(t, 12), 1);
	assert_int_equal(sent[0].k.family, ADDR_V6);
	assert_memory_equal(sent[0].k.ip, host6, 16);
	assert_false(sent[0].unicast);
	assert_int_equal(poll_at(t, 12 + RETRY - 1), 0);
	assert_int_equal(poll_at(t, 12 + RETRY), 1);
	/* The answer resolves it, the held packets leave in order, and no
	 * more requests are sent. */
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_LEARNED);
	assert_int_equal(poll_at(t, 13 + RETRY), 2);
	assert_int_equal(n_out, 2);
	assert_int_equal(tag_of(out[0]), 1);
	assert_int_equal(tag_of(out[1]), 2);
	assert_true(resolve6(t, host6, 13 + 2 * RETRY, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	assert_int_equal(poll_at(t, 13 + 2 * RETRY), 0);
	assert_int_equal(n_sent, 2);
}

static void test_ndp_ageing(void **state)
{
	struct neigh_table *t = *state;
	struct nd_spec sp = na_spec(host6, &mac_a);
	struct rte_ether_addr mac;

	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_LEARNED);
	assert_true(resolve6(t, host6, REACH / 2, &mac));
	assert_int_equal(poll_at(t, REACH), 1);
	assert_true(sent[0].unicast);
	assert_int_equal(sent[0].k.family, ADDR_V6);
	/* An unsolicited NA does not confirm (RFC 4861 section 7.2.5)... */
	sp.flags = 0x20;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_SAME);
	assert_int_equal(poll_at(t, REACH + RETRY), 1);
	/* ...a solicited one does. */
	sp.flags = 0x60;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_SAME);
	assert_int_equal(poll_at(t, REACH + 2 * RETRY), 0);
	assert_int_equal(poll_at(t, REACH + 3 * RETRY), 0);
	/* An unsolicited NA with override and a new MAC moves it. */
	sp.flags = 0x20;
	sp.dst = allnodes6;
	sp.mac = &mac_b;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_LEARNED);
	assert_true(resolve6(t, host6, now, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));
	assert_int_equal(ctr.neigh_failed, 0);
}

static void test_na_learning_rules(void **state)
{
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	struct nd_spec sp = na_spec(host6, &mac_a);

	/* Unsolicited to all-nodes: no new entry. */
	sp.dst = allnodes6;
	sp.flags = 0x20;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_IGNORED);
	assert_false(resolve6(t, host6, 1, &mac));
	/* Solicited to us: learned. */
	sp = na_spec(host6, &mac_a);
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_LEARNED);
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_SAME);
	/* Without override a new MAC does not replace the known one... */
	sp.mac = &mac_b;
	sp.flags = 0x40;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_IGNORED);
	assert_true(resolve6(t, host6, 2, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	/* ...with it, even unsolicited to all-nodes, it does. */
	sp.dst = allnodes6;
	sp.flags = 0x20;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_LEARNED);
	assert_true(resolve6(t, host6, 3, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));
	/* An NA without the target link-layer option teaches nothing. */
	sp = na_spec(othr6, &mac_a);
	sp.opt_type = 0;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_IGNORED);
	assert_false(resolve6(t, othr6, 4, &mac));
}

static void test_ns_learning_rules(void **state)
{
	static const uint8_t unspec[16];
	struct neigh_table *t = *state;
	struct rte_ether_addr mac;
	struct nd_spec sp = {
		.type = 135, .opt_type = 1, .src = host6, .dst = allnodes6,
		.target = othr6, .mac = &mac_a,
	};

	/* For someone else: no new entry. */
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_IGNORED);
	assert_false(resolve6(t, host6, 1, &mac));
	/* For us: its source is learned. */
	sp.target = our6;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_LEARNED);
	assert_true(resolve6(t, host6, 2, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	/* DAD (from ::, no option) names no neighbour. */
	sp.src = unspec;
	sp.opt_type = 0;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_IGNORED);
	/* From :: with an option is invalid (RFC 4861 section 7.1.1). */
	sp.opt_type = 1;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);
}

static void test_invalid_nd_ignored(void **state)
{
	struct neigh_table *t = *state;
	const uint8_t mcast[16] = { 0xff, 0x02, [15] = 2 };
	struct rte_ether_addr mac;
	struct rte_mbuf *m;
	struct rte_ipv6_hdr *ip;
	struct nd_spec sp;
	uint8_t *icmp;

	sp = na_spec(host6, &mac_a);
	sp.hop = 254; /* routed: RFC 4861 section 7.1.2 */
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);
	sp = na_spec(host6, &mac_a);
	sp.code = 1;
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);
	sp = na_spec(mcast, &mac_a);
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);
	sp = na_spec(host6, &mac_a);
	sp.opt_len = 0xff; /* an option of length zero */
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);
	sp.opt_len = 2; /* an option past the end */
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);
	sp = na_spec(host6, &mac_a);
	sp.dst = allnodes6; /* solicited, yet multicast */
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);
	sp = na_spec(host6, &mac_a);
	sp.type = 128; /* an echo request is no ND */
	assert_int_equal(nd_in(t, &sp), NEIGH_ARP_MALFORMED);

	/* A bad checksum. */
	sp = na_spec(host6, &mac_a);
	m = nd(&sp);
	icmp = rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 40);
	icmp[3] ^= 1;
	assert_int_equal(neigh_ndp_input(t, 0, m, &local),
			 NEIGH_ARP_MALFORMED);
	/* Payload length past the frame, then below the NA's fixed part. */
	icmp[3] ^= 1;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	ip->payload_len = RTE_BE16(33);
	assert_int_equal(neigh_ndp_input(t, 0, m, &local),
			 NEIGH_ARP_MALFORMED);
	ip->payload_len = RTE_BE16(20);
	assert_int_equal(neigh_ndp_input(t, 0, m, &local),
			 NEIGH_ARP_MALFORMED);
	/* Truncated frame. */
	ip->payload_len = RTE_BE16(32);
	rte_pktmbuf_trim(m, 30);
	assert_int_equal(neigh_ndp_input(t, 0, m, &local),
			 NEIGH_ARP_MALFORMED);
	rte_pktmbuf_free(m);
	assert_false(resolve6(t, host6, 1, &mac));
	assert_false(resolve6(t, mcast, 1, &mac));
}

static void test_ns_passes_own_checks(void **state)
{
	struct neigh_table *t = *state;
	struct rte_mbuf *m = neigh_ndp_solicit(mp, &mac_b, othr6, our6, NULL);
	struct rte_ether_addr mac;

	/* An NS like ours, from a neighbour, for our address, teaches its
	 * source: our builder and our validator agree. */
	assert_non_null(m);
	assert_int_equal(neigh_ndp_input(t, 0, m, &local), NEIGH_ARP_LEARNED);
	assert_true(resolve6(t, othr6, 1, &mac));
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));
	rte_pktmbuf_free(m);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_miss_asks_once_per_interval),
		T(test_held_sent_in_order),
		T(test_hold_limit_in_all),
		T(test_failed_resolution_frees),
		T(test_reply_resolves),
		T(test_learns_only_what_talks_to_us),
		T(test_ignores_malformed_and_probes),
		T(test_full_table_evicts_idle),
		T(test_removal_keeps_chains),
		T(test_ring_full_is_reported),
		cmocka_unit_test(test_lookup_races_reuse),
		T(test_ipv6_keys),
		T(test_ageing_probes_used_entry),
		T(test_unanswered_probes_remove),
		T(test_unused_entry_evicted),
		T(test_worker_clock_ahead),
		T(test_new_mac_replaces),
		T(test_permanent_entry),
		cmocka_unit_test(test_arp_request_bytes),
		T(test_ndp_miss_asks_once_per_interval),
		T(test_ndp_ageing),
		T(test_na_learning_rules),
		T(test_ns_learning_rules),
		T(test_invalid_nd_ignored),
		T(test_ns_passes_own_checks),
		cmocka_unit_test(test_ns_bytes),
	};
	int rc;

	mp = dp_test_eal_init("test_neigh", POOL);
	if (!mp)
		return 1;
	local.v4[local.n_v4++] = OUR4;
	memcpy(local.v6[local.n_v6++], our6, 16);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_test_eal_fini(mp);
	return rc;
}
