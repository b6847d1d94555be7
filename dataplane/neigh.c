/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>

#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_malloc.h>

#include "neigh.h"

/* How many slots one neigh_poll() ages. */
#define NEIGH_AGE_BATCH 256

static uint64_t tsc_now(void)
{
	return rte_rdtsc();
}

struct neigh_table *neigh_create(const char *name, int socket,
				 uint32_t slots, unsigned int n_workers,
				 uint64_t retry_ticks)
{
	struct neigh_table *t;
	char n[RTE_RING_NAMESIZE];

	t = rte_zmalloc_socket("neigh", sizeof(*t), 0, socket);
	if (!t)
		return NULL;
	slots = rte_align32pow2(slots < NEIGH_MAX_PROBE ? NEIGH_MAX_PROBE
							: slots);
	t->mask = slots - 1;
	t->retry = retry_ticks;
	t->reachable = NEIGH_REACHABLE_RETRIES * retry_ticks;
	t->hold_limit = NEIGH_HOLD_TOTAL;
	t->clock = tsc_now;
	t->n_workers = n_workers;
	t->e = rte_zmalloc_socket("neigh_e", (size_t)slots * sizeof(*t->e),
				  RTE_CACHE_LINE_SIZE, socket);
	t->hold = rte_zmalloc_socket("neigh_h", (size_t)slots *
				     sizeof(*t->hold), 0, socket);
	t->pending = rte_zmalloc_socket("neigh_p", (size_t)slots *
					sizeof(*t->pending), 0, socket);
	t->ring = rte_zmalloc_socket("neigh_r",
				     n_workers * sizeof(*t->ring), 0, socket);
	if (!t->e || !t->hold || !t->pending || !t->ring) {
		neigh_free(t);
		return NULL;
	}
	for (unsigned int w = 0; w < n_workers; w++) {
		snprintf(n, sizeof(n), "%s_%u", name, w);
		t->ring[w] = rte_ring_create_elem(n, sizeof(struct neigh_held),
						  NEIGH_HOLD_RING, socket,
						  RING_F_SP_ENQ |
						  RING_F_SC_DEQ |
						  RING_F_EXACT_SZ);
		if (!t->ring[w]) {
			neigh_free(t);
			return NULL;
		}
	}
	return t;
}

static void free_ring(struct rte_ring *r)
{
	struct neigh_held h;

	while (rte_ring_sc_dequeue_elem(r, &h, sizeof(h)) == 0)
		rte_pktmbuf_free(h.m);
	rte_ring_free(r);
}

void neigh_free(struct neigh_table *t)
{
	if (!t)
		return;
	for (unsigned int w = 0; t->ring && w < t->n_workers; w++)
		if (t->ring[w])
			free_ring(t->ring[w]);
	for (uint32_t i = 0; t->hold && i <= t->mask; i++)
		for (uint32_t j = 0; j < t->hold[i].n; j++)
			rte_pktmbuf_free(t->hold[i].m[j]);
	rte_free(t->ring);
	rte_free(t->pending);
	rte_free(t->hold);
	rte_free(t->e);
	rte_free(t);
}

static inline bool is_live(const struct neigh_entry *e)
{
	return e->seq != 0 && !(e->seq & 1);
}

static inline uint16_t state_of(const struct neigh_entry *e)
{
	return (uint16_t)(e->mac_state >> 48);
}

/* Same MAC, another state, in one store the workers see whole. */
static inline void set_state(struct neigh_entry *e, uint16_t state)
{
	__atomic_store_n(&e->mac_state, (e->mac_state & NEIGH_MAC_MASK) |
			 (uint64_t)state << 48, __ATOMIC_RELEASE);
}

static inline uint32_t slot_of(const struct neigh_table *t,
			       const struct neigh_entry *e)
{
	return (uint32_t)(e - t->e);
}

/* Main lcore: the live entry for k, or NULL.  The only writer needs no
 * second look at the sequence word. */
static struct neigh_entry *find(const struct neigh_table *t,
				const struct neigh_key *k)
{
	uint32_t h = neigh_hash(k);

	for (uint32_t i = 0; i < NEIGH_MAX_PROBE; i++) {
		struct neigh_entry *e = &t->e[(h + i) & t->mask];

		if (e->seq == 0)
			return NULL;
		if (is_live(e) && memcmp(&e->key, k, sizeof(*k)) == 0)
			return e;
	}
	return NULL;
}

/* Make e a tombstone: readers skip it, the chain goes on. */
static void kill(struct neigh_entry *e)
{
	__atomic_store_n(&e->seq, e->seq + 1, __ATOMIC_RELEASE);
}

/* Write k into e (free, dead, or live and evicted) as a new INCOMPLETE
 * entry, the sequence word odd meanwhile. */
static void claim(struct neigh_entry *e, const struct neigh_key *k,
		  uint64_t now)
{
	uint32_t s = e->seq;

	if (!(s & 1)) {
		__atomic_store_n(&e->seq, ++s, __ATOMIC_RELAXED);
		/* The odd word before any byte of the new key. */
		__atomic_thread_fence(__ATOMIC_RELEASE);
	}
	e->key = *k;
	__atomic_store_n(&e->mac_state, (uint64_t)NEIGH_INCOMPLETE << 48,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&e->used, now, __ATOMIC_RELAXED);
	e->confirmed = 0;
	e->last_request = 0;
	e->n_requests = 0;
	/* Never 0 again, which would cut the chains through this slot. */
	__atomic_store_n(&e->seq, s + 1 ? s + 1 : 2, __ATOMIC_RELEASE);
}

/* How long since a worker last used e.  A worker's clock may be a little
 * ahead of the main lcore's `now`: a use after it is no idle time. */
static inline uint64_t idle_for(const struct neigh_entry *e, uint64_t now)
{
	int64_t d = (int64_t)(now - __atomic_load_n(&e->used,
						     __ATOMIC_RELAXED));

	return d > 0 ? (uint64_t)d : 0;
}

/* Whether e may be evicted for a new neighbour: resolved, nothing held,
 * idle for a retry interval. */
static bool evictable(const struct neigh_table *t,
		      const struct neigh_entry *e, uint64_t now)
{
	return state_of(e) >= NEIGH_REACHABLE &&
	       state_of(e) != NEIGH_PERMANENT &&
	       t->hold[slot_of(t, e)].n == 0 && idle_for(e, now) >= t->retry;
}

/* Main lcore: the entry for k, made INCOMPLETE if new, in the first free
 * or dead slot of its chain, else in place of the chain's least recently
 * used idle entry.  NULL when there is none. */
static struct neigh_entry *find_or_insert(struct neigh_table *t,
					  const struct neigh_key *k,
					  uint64_t now)
{
	struct neigh_entry *e, *free_e = NULL, *lru = NULL;
	uint32_t h = neigh_hash(k);

	for (uint32_t i = 0; i < NEIGH_MAX_PROBE; i++) {
		e = &t->e[(h + i) & t->mask];
		if (!is_live(e)) {
			if (!free_e)
				free_e = e;
			if (e->seq == 0)
				break;
			continue;
		}
		if (memcmp(&e->key, k, sizeof(*k)) == 0)
			return e;
		if (evictable(t, e, now) &&
		    (!lru || idle_for(e, now) > idle_for(lru, now)))
			lru = e;
	}
	if (!free_e && lru) {
		free_e = lru;
		t->n_evicted++;
	}
	if (free_e)
		claim(free_e, k, now);
	return free_e;
}

/* Drop what e holds, counted, and remove it. */
static void drop_entry(struct neigh_table *t, struct neigh_entry *e,
		       struct dp_counters *c)
{
	struct neigh_hold *h = &t->hold[slot_of(t, e)];

	if (c)
		CTR_ADD(c->drop[DP_DROP_NO_NEIGH], h->n);
	rte_pktmbuf_free_bulk(h->m, h->n);
	t->n_held -= h->n;
	h->n = 0;
	kill(e);
}

bool neigh_remove(struct neigh_table *t, const struct neigh_key *k,
		  struct dp_counters *c)
{
	struct neigh_entry *e = find(t, k);

	if (e)
		drop_entry(t, e, c);
	return e != NULL;
}

/*
 * Set k's MAC.  A confirmation makes the entry REACHABLE from now; a new
 * MAC that is not confirmed is installed as due for a probe (RFC 4861's
 * STALE), and the same MAC unconfirmed changes nothing.  Returns 1 when
 * created or changed, 0 when not, -ENOSPC when no slot was free.
 */
static int learn(struct neigh_table *t, const struct neigh_key *k,
		 const struct rte_ether_addr *mac, bool create, bool confirm)
{
	uint64_t now = t->clock();
	struct neigh_entry *e;
	bool changed;
	uint64_t v;

	e = create ? find_or_insert(t, k, now) : find(t, k);
	if (!e)
		return create ? -ENOSPC : 0;
	if (state_of(e) == NEIGH_PERMANENT)
		return 0; /* the configuration's word is final */
	/* The MAC goes to the workers once what is held has left. */
	v = neigh_pack(mac, state_of(e) <= NEIGH_ANSWERED &&
			    t->hold[slot_of(t, e)].queued ? NEIGH_ANSWERED
							  : NEIGH_REACHABLE);
	changed = state_of(e) == NEIGH_INCOMPLETE ||
		  ((e->mac_state ^ v) & NEIGH_MAC_MASK) != 0;
	if (!confirm && !changed)
		return 0;
	/* Unsigned: now - confirmed is then exactly `reachable`. */
	e->confirmed = confirm ? now : now - t->reachable;
	e->n_requests = 0;
	if (e->mac_state != v)
		__atomic_store_n(&e->mac_state, v, __ATOMIC_RELEASE);
	return changed;
}

int neigh_update(struct neigh_table *t, const struct neigh_key *k,
		 const struct rte_ether_addr *mac, bool create)
{
	return learn(t, k, mac, create, true);
}

int neigh_set_permanent(struct neigh_table *t, const struct neigh_key *k,
			const struct rte_ether_addr *mac)
{
	struct neigh_entry *e = find_or_insert(t, k, t->clock());

	if (!e)
		return -ENOSPC;
	__atomic_store_n(&e->mac_state, neigh_pack(mac, NEIGH_PERMANENT),
			 __ATOMIC_RELEASE);
	return 0;
}

/* Send a request for e (unicast to its MAC when probing).  Attempts are
 * counted even when sending fails, so that a dead port gives up too. */
static unsigned int ask(struct neigh_entry *e, uint64_t now,
			const struct neigh_ops *ops, bool probe)
{
	struct rte_ether_addr mac;

	e->last_request = now;
	e->n_requests++;
	if (!probe)
		return ops->request(ops->arg, &e->key, NULL) == 0;
	neigh_unpack(e->mac_state, &mac);
	return ops->request(ops->arg, &e->key, &mac) == 0;
}

/* Write e's MAC as the destination of the n packets and send them. */
static unsigned int send_to(const struct neigh_entry *e,
			    struct rte_mbuf **m, uint32_t n,
			    const struct neigh_ops *ops)
{
	for (uint32_t i = 0; i < n; i++) {
		struct rte_ether_hdr *eth =
			rte_pktmbuf_mtod(m[i], struct rte_ether_hdr *);

		neigh_unpack(e->mac_state, &eth->dst_addr);
	}
	if (n)
		ops->xmit(ops->arg, e->key.port, m, n);
	return n;
}

/* Keep m for e, oldest first; past NEIGH_HOLD_MAX, or hold_limit in
 * all, drop it. */
static void hold_one(struct neigh_table *t, struct neigh_entry *e,
		     struct rte_mbuf *m, struct dp_counters *c)
{
	uint32_t i = slot_of(t, e);
	struct neigh_hold *h = &t->hold[i];

	/* Each slot is on the pending list at most once, so it fits.  On
	 * it even when m is dropped: the list retries and gives up. */
	if (!h->queued) {
		t->pending[t->n_pending++] = i;
		h->queued = 1;
	}
	if (h->n == NEIGH_HOLD_MAX || t->n_held >= t->hold_limit) {
		CTR_ADD(c->drop[DP_DROP_NO_NEIGH], 1);
		rte_pktmbuf_free(m);
		return;
	}
	h->m[h->n++] = m;
	t->n_held++;
	CTR_ADD(c->neigh_held, 1);
}

/* A packet a worker handed over: hold it, or send it (after what its
 * entry still holds, to keep the order) when resolved meanwhile. */
static unsigned int take_one(struct neigh_table *t, struct neigh_held *p,
			     uint64_t now, const struct neigh_ops *ops,
			     struct dp_counters *c)
{
	struct neigh_entry *e = find_or_insert(t, &p->k, now);
	struct neigh_hold *h;
	unsigned int sent;

	if (!e) {
		CTR_ADD(c->drop[DP_DROP_NO_NEIGH], 1);
		rte_pktmbuf_free(p->m);
		return 0;
	}
	if (state_of(e) == NEIGH_INCOMPLETE) {
		sent = e->n_requests == 0 ? ask(e, now, ops, false) : 0;
		hold_one(t, e, p->m, c);
		return sent;
	}
	h = &t->hold[slot_of(t, e)];
	sent = send_to(e, h->m, h->n, ops);
	t->n_held -= h->n;
	h->n = 0;
	return sent + send_to(e, &p->m, 1, ops);
}

static unsigned int take_ring(struct neigh_table *t, struct rte_ring *r,
			      uint64_t now, const struct neigh_ops *ops,
			      struct dp_counters *c)
{
	struct neigh_held p[NEIGH_HOLD_RING];
	unsigned int n, sent = 0;

	n = rte_ring_sc_dequeue_burst_elem(r, p, sizeof(p[0]),
					   NEIGH_HOLD_RING, NULL);
	for (unsigned int i = 0; i < n; i++)
		sent += take_one(t, &p[i], now, ops, c);
	return sent;
}

/* One slot on the pending list: send what it holds once answered, or
 * ask again, or give up.  False once it is off the list. */
static bool run_one(struct neigh_table *t, uint32_t i, uint64_t now,
		    const struct neigh_ops *ops, struct dp_counters *c,
		    unsigned int *sent)
{
	struct neigh_entry *e = &t->e[i];
	struct neigh_hold *h = &t->hold[i];

	if (!is_live(e))
		return false;
	if (state_of(e) != NEIGH_INCOMPLETE) {
		*sent += send_to(e, h->m, h->n, ops);
		t->n_held -= h->n;
		h->n = 0;
		if (state_of(e) == NEIGH_ANSWERED)
			set_state(e, NEIGH_REACHABLE);
		return false;
	}
	if (now - e->last_request < t->retry)
		return true;
	if (e->n_requests >= NEIGH_MAX_REQUESTS) {
		/* RFC 4861 section 7.2.2: resolution failed; ICMP
		 * unreachable is the kernel's business, not ours. */
		drop_entry(t, e, c);
		t->n_failed++;
		return false;
	}
	*sent += ask(e, now, ops, false);
	return true;
}

static unsigned int run_pending(struct neigh_table *t, uint64_t now,
				const struct neigh_ops *ops,
				struct dp_counters *c)
{
	unsigned int sent = 0;
	uint32_t k = 0;

	for (uint32_t j = 0; j < t->n_pending; j++) {
		uint32_t i = t->pending[j];

		if (run_one(t, i, now, ops, c, &sent))
			t->pending[k++] = i;
		else
			t->hold[i].queued = 0;
	}
	t->n_pending = k;
	return sent;
}

/* RFC 4861 section 7.3 for one resolved entry; what it sent. */
static unsigned int age_one(struct neigh_table *t, struct neigh_entry *e,
			    uint64_t now, const struct neigh_ops *ops)
{
	if (!is_live(e) || t->hold[slot_of(t, e)].n)
		return 0;
	if (state_of(e) == NEIGH_REACHABLE) {
		if (now - e->confirmed < t->reachable)
			return 0;
		if (idle_for(e, now) >= t->reachable) {
			kill(e); /* nobody sends to it: make room */
			t->n_evicted++;
			return 0;
		}
		/* No DELAY state: a gateway gets no upper-layer hints
		 * (section 7.3.1) to wait for, so it probes at once. */
		e->n_requests = 0;
		set_state(e, NEIGH_PROBE);
		return ask(e, now, ops, true);
	}
	if (state_of(e) != NEIGH_PROBE || now - e->last_request < t->retry)
		return 0;
	if (e->n_requests >= NEIGH_MAX_REQUESTS) {
		kill(e); /* moved or dead: resolve afresh when next used */
		t->n_failed++;
		return 0;
	}
	return ask(e, now, ops, true);
}

static unsigned int age(struct neigh_table *t, uint64_t now,
			const struct neigh_ops *ops)
{
	uint32_t n = RTE_MIN((uint32_t)NEIGH_AGE_BATCH, t->mask + 1);
	unsigned int sent = 0;

	for (uint32_t i = 0; i < n; i++) {
		sent += age_one(t, &t->e[t->sweep], now, ops);
		t->sweep = (t->sweep + 1) & t->mask;
	}
	return sent;
}

unsigned int neigh_poll(struct neigh_table *t, const struct neigh_ops *ops,
			struct dp_counters *c)
{
	uint64_t now = t->clock();
	unsigned int sent = 0;

	for (unsigned int w = 0; w < t->n_workers; w++)
		sent += take_ring(t, t->ring[w], now, ops, c);
	sent += run_pending(t, now, ops, c);
	sent += age(t, now, ops);
	CTR_ADD(c->neigh_failed, t->n_failed);
	CTR_ADD(c->neigh_evicted, t->n_evicted);
	t->n_failed = 0;
	t->n_evicted = 0;
	return sent;
}

enum neigh_arp_result neigh_learn(struct neigh_table *t,
				  const struct neigh_key *k,
				  const struct rte_ether_addr *mac, bool create,
				  bool confirm, bool override)
{
	struct neigh_entry *e = find(t, k);
	int rc;

	if (e && !override && state_of(e) >= NEIGH_REACHABLE &&
	    (e->mac_state ^ neigh_pack(mac, 0)) & NEIGH_MAC_MASK)
		return NEIGH_ARP_IGNORED;
	rc = learn(t, k, mac, create, confirm);
	if (rc < 0)
		return NEIGH_ARP_IGNORED;
	if (rc > 0)
		return NEIGH_ARP_LEARNED;
	return find(t, k) ? NEIGH_ARP_SAME : NEIGH_ARP_IGNORED;
}
