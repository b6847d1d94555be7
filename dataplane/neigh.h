/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbours: the MAC address of each next hop, per port, learned from ARP
 * (RFC 826) for IPv4 and NDP (RFC 4861) for IPv6 on the main lcore and
 * read by the workers.
 *
 * Thread-safety: the main lcore is the only writer; workers look up
 * without locks.  The table is open addressing with linear probing.  Each
 * slot carries a sequence word, as a seqlock does: 0 for a slot never
 * used (it ends a probe chain), odd while the main lcore rewrites the key
 * or once the entry is removed (a tombstone: the chain goes on), even for
 * a live entry.  A worker reads the word, the key and the MAC, then the
 * word again, and takes the MAC only when the word was even and did not
 * change; a slot reused under it is a miss, never another host's MAC.
 * The MAC and the state live in one 64-bit word replaced with one atomic
 * store, so a MAC that changes in place is seen whole.  Nothing is freed
 * while the workers run, so there is no grace period to wait for.
 *
 * Resolution, as Linux's unres_qlen does it: a worker that finds no usable
 * MAC hands the packet, with the key, to the main lcore on its own bounded
 * single-producer ring (full: the worker drops and counts it).  The main
 * lcore makes an INCOMPLETE entry, sends a broadcast ARP request or a
 * multicast NS, keeps at most NEIGH_HOLD_MAX packets per entry and
 * NEIGH_HOLD_TOTAL in all (drops and counts the rest), and sends them in
 * a worker's order once the answer comes.  The
 * answer makes the entry ANSWERED; the workers see the MAC only once the
 * held packets are out, so that their own packets cannot overtake them.
 * Only the main lcore touches the held packets.  Unanswered after
 * NEIGH_MAX_REQUESTS requests one retry interval apart, the entry is
 * removed and its packets dropped and counted.
 *
 * Ageing (RFC 4861 section 7.3, applied to ARP as well): an entry is
 * REACHABLE for `reachable` ticks after its last confirmation.  Then, if a
 * worker used it in that time, it goes to PROBE: up to NEIGH_MAX_REQUESTS
 * unicast requests to the known MAC, one retry interval apart, while the
 * workers keep using that MAC; an answer makes it REACHABLE again,
 * silence removes it.  An entry nobody used is removed (evicted) instead.
 * A full probe chain also evicts its least recently used entry when that
 * one has been idle for a retry interval.  A new MAC learned without a
 * confirmation (gratuitous ARP, unsolicited NA) is due for a probe at
 * once.  XXX RFC 4861's STALE would wait for traffic before probing, and
 * its DELAY for upper-layer hints; entries learned from hosts that talk
 * to us are probed once even if we never send to them.
 */
#ifndef ESPGW_DP_NEIGH_H
#define ESPGW_DP_NEIGH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "addr.h"
#include "classify.h"
#include "counters.h"

#define NEIGH_INCOMPLETE 1 /* requested, no MAC yet */
#define NEIGH_ANSWERED   2 /* MAC known, held packets not yet sent */
#define NEIGH_REACHABLE  3 /* the MAC is usable and was confirmed */
#define NEIGH_PROBE      4 /* the MAC is usable, being re-confirmed */
#define NEIGH_PERMANENT  5 /* from the configuration: never aged, never
			    * replaced by what ARP or NDP say */
#define NEIGH_MAC_MASK   ((UINT64_C(1) << 48) - 1) /* of mac_state */

/* How far a lookup probes; an insert that finds no slot this close fails. */
#define NEIGH_MAX_PROBE 16
/* Packets held per unresolved entry: Linux's arp_queue of old held 3;
 * RFC 4861 section 7.2.2 asks for at least one. */
#define NEIGH_HOLD_MAX 3
/* Requests before resolution or a probe is given up (RFC 4861 section 10:
 * MAX_MULTICAST_SOLICIT and MAX_UNICAST_SOLICIT are both 3). */
#define NEIGH_MAX_REQUESTS 3
/* Packets a worker may have handed over and the main lcore not yet seen. */
#define NEIGH_HOLD_RING 64
/* Packets held in all: a scan of a connected prefix must not empty the
 * mbuf pool (which is sized for the rings, not for slots * HOLD_MAX). */
#define NEIGH_HOLD_TOTAL 256
/*
 * Reachable time in retry intervals: RFC 4861 section 10 gives
 * REACHABLE_TIME 30 s and RETRANS_TIMER 1 s.  A constant, as the
 * configuration has no neighbour section.  XXX Not randomised as section
 * 6.3.2 asks: entries confirmed together are probed together.
 */
#define NEIGH_REACHABLE_RETRIES 30

/* The key, and with a packet what a worker hands to the main lcore. */
struct neigh_key {
	uint16_t port;  /* port index in the configuration */
	uint8_t family; /* ADDR_V4 or ADDR_V6 */
	uint8_t pad;
	uint8_t ip[16]; /* IPv4 in the first 4 bytes, the rest zero */
};

struct neigh_entry {
	uint32_t seq;          /* 0 never used, odd dead or busy, even live */
	struct neigh_key key;
	uint64_t mac_state;    /* MAC in bits 0-47, state in 48-63 */
	uint64_t used;         /* TSC of a recent use, stored by workers */
	/* Main lcore only. */
	uint64_t confirmed;    /* TSC of the last confirmation */
	uint64_t last_request; /* TSC of the last request sent */
	uint32_t n_requests;   /* in this resolution or probe */
} __rte_cache_aligned;

/* Main lcore only: the packets held for one slot, oldest first. */
struct neigh_hold {
	struct rte_mbuf *m[NEIGH_HOLD_MAX];
	uint16_t n;
	uint16_t queued; /* on the pending list (being resolved) */
};

typedef uint64_t (*neigh_clock_fn)(void);

struct neigh_table {
	struct neigh_entry *e;
	uint32_t mask;          /* slots - 1, a power of two */
	uint64_t retry;         /* ticks between requests for one key */
	uint64_t reachable;     /* ticks an entry stays REACHABLE */
	neigh_clock_fn clock;   /* the main lcore's time; rte_rdtsc() */
	unsigned int n_workers;
	struct rte_ring **ring; /* per worker: struct neigh_held, SP/SC */
	/* Main lcore only. */
	struct neigh_hold *hold;  /* per slot */
	uint32_t *pending;        /* slots being resolved */
	uint32_t n_pending;
	uint32_t sweep;           /* next slot the ageing looks at */
	uint32_t n_held;          /* packets held in all */
	uint32_t hold_limit;      /* NEIGH_HOLD_TOTAL; tests lower it */
	uint64_t n_failed;        /* for neigh_poll() to count */
	uint64_t n_evicted;
};

/* What crosses a worker's ring. */
struct neigh_held {
	struct rte_mbuf *m;
	struct neigh_key k;
	uint32_t pad;
};

/* slots is rounded up to a power of two.  retry_ticks: between requests;
 * reachable is NEIGH_REACHABLE_RETRIES of them. */
struct neigh_table *neigh_create(const char *name, int socket,
				 uint32_t slots, unsigned int n_workers,
				 uint64_t retry_ticks);
/* Frees the packets still held or queued as well. */
void neigh_free(struct neigh_table *t);

static inline void neigh_key_make(struct neigh_key *k, uint16_t port,
				  uint8_t family, const uint8_t *ip)
{
	memset(k, 0, sizeof(*k));
	k->port = port;
	k->family = family;
	memcpy(k->ip, ip, family == ADDR_V4 ? 4 : 16);
}

static inline uint32_t neigh_hash(const struct neigh_key *k)
{
	RTE_BUILD_BUG_ON(sizeof(*k) != 20);
	return rte_hash_crc(k, sizeof(*k), 0);
}

static inline uint64_t neigh_pack(const struct rte_ether_addr *mac,
				  uint16_t state)
{
	uint64_t v = (uint64_t)state << 48;

	for (int i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		v |= (uint64_t)mac->addr_bytes[i] << (8 * i);
	return v;
}

static inline void neigh_unpack(uint64_t v, struct rte_ether_addr *mac)
{
	for (int i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		mac->addr_bytes[i] = (uint8_t)(v >> (8 * i));
}

/* The entry for k and its MAC and state word, read consistently; NULL
 * when absent.  Safe on any lcore (see the seqlock above). */
static inline struct neigh_entry *neigh_read(const struct neigh_table *t,
					     const struct neigh_key *k,
					     uint64_t *mac_state)
{
	uint32_t h = neigh_hash(k);

	for (uint32_t i = 0; i < NEIGH_MAX_PROBE; i++) {
		struct neigh_entry *e = &t->e[(h + i) & t->mask];
		uint32_t s = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
		uint64_t v;

		if (s == 0)
			return NULL;
		if ((s & 1) || memcmp(&e->key, k, sizeof(*k)) != 0)
			continue;
		v = __atomic_load_n(&e->mac_state, __ATOMIC_RELAXED);
		/* The key and the MAC were read before the word again. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&e->seq, __ATOMIC_RELAXED) != s)
			return NULL;
		*mac_state = v;
		return e;
	}
	return NULL;
}

/*
 * Worker: the MAC of (port, family, ip) into *mac and true when one is
 * usable (REACHABLE, PROBE or PERMANENT); false otherwise.  The entry is marked used
 * at most once per retry interval, so that its cache line stays shared;
 * a mark that lands on a slot reused meanwhile only spares a new entry
 * from eviction once.
 */
static inline bool neigh_lookup(const struct neigh_table *t, uint16_t port,
				uint8_t family, const uint8_t *ip,
				uint64_t now, struct rte_ether_addr *mac)
{
	struct neigh_entry *e;
	struct neigh_key k;
	uint64_t v;

	neigh_key_make(&k, port, family, ip);
	e = neigh_read(t, &k, &v);
	if (!e || (v >> 48) < NEIGH_REACHABLE)
		return false;
	if (now - __atomic_load_n(&e->used, __ATOMIC_RELAXED) >= t->retry)
		__atomic_store_n(&e->used, now, __ATOMIC_RELAXED);
	neigh_unpack(v, mac);
	return true;
}

/*
 * Worker: hand m, bound for (port, family, ip) which has no usable MAC, to
 * the main lcore.  m's Ethernet header must be written but for the
 * destination.  False when the ring is full: the caller still owns m.
 * XXX A packet refused here also asks for nothing: a new neighbour is
 * asked for only once one of its packets gets through the ring.
 */
static inline bool neigh_hold(const struct neigh_table *t,
			      unsigned int worker, uint16_t port,
			      uint8_t family, const uint8_t *ip,
			      struct rte_mbuf *m)
{
	struct neigh_held h = { .m = m };

	neigh_key_make(&h.k, port, family, ip);
	return rte_ring_sp_enqueue_elem(t->ring[worker], &h, sizeof(h)) == 0;
}

/* What an ARP or NDP frame did to the table. */
enum neigh_arp_result {
	NEIGH_ARP_MALFORMED,
	NEIGH_ARP_IGNORED, /* probe, not for us, or a table full */
	NEIGH_ARP_SAME,    /* confirmed, or told us what we had */
	NEIGH_ARP_LEARNED, /* created or changed an entry */
};

/*
 * Main lcore: set the MAC of k and count it confirmed.  With create false,
 * only an existing entry is changed.  Returns 1 when an entry was created
 * or its MAC changed (an INCOMPLETE entry got one), 0 when it only was
 * confirmed, -ENOSPC when no slot was free.
 */
int neigh_update(struct neigh_table *t, const struct neigh_key *k,
		 const struct rte_ether_addr *mac, bool create);

/*
 * Main lcore, for the ARP and NDP parsers (neigh_arp.c, neigh_ndp.c):
 * what a message said of k.  create: it may make an entry (the message
 * was for us); confirm: it proves k reachable (a reply to us, a solicited
 * NA); override: it may replace another MAC (always for ARP; NDP's O
 * flag, RFC 4861 section 7.2.5).
 */
enum neigh_arp_result neigh_learn(struct neigh_table *t,
				  const struct neigh_key *k,
				  const struct rte_ether_addr *mac, bool create,
				  bool confirm, bool override);

/*
 * Main lcore, before the workers start: k's MAC is mac for good (RouterOS
 * /ip arp with a static entry, Linux "nud permanent"): never aged,
 * evicted, probed or replaced by ARP and NDP.  For next hops that do not
 * answer ARP (a traffic generator), or to pin a gateway's MAC.  0 or
 * -ENOSPC.
 */
int neigh_set_permanent(struct neigh_table *t, const struct neigh_key *k,
			const struct rte_ether_addr *mac);

/* Main lcore: forget k, dropping (and counting in c, if not NULL) what
 * it held.  Returns whether there was an entry. */
bool neigh_remove(struct neigh_table *t, const struct neigh_key *k,
		  struct dp_counters *c);

/* What neigh_poll() needs from the frame. */
struct neigh_ops {
	/* Send a request for k: broadcast ARP or multicast NS when unicast
	 * is NULL, else a probe to that MAC.  0 when one was sent. */
	int (*request)(void *arg, const struct neigh_key *k,
		       const struct rte_ether_addr *unicast);
	/* Send n whole frames out of port (index in the configuration);
	 * takes them all, freeing and counting what it cannot send. */
	void (*xmit)(void *arg, uint16_t port, struct rte_mbuf **m,
		     unsigned int n);
	void *arg;
};

/*
 * Main lcore: take the packets the workers handed over (hold them, or
 * send them when their entry was resolved meanwhile); send the held
 * packets of entries just resolved; retry or give up resolutions; age a
 * batch of entries.  Drops are counted in c (no-neighbour), as are
 * neigh_held, neigh_failed and neigh_evicted.  Returns the packets and
 * requests sent.
 */
unsigned int neigh_poll(struct neigh_table *t, const struct neigh_ops *ops,
			struct dp_counters *c);

/*
 * Main lcore: learn from an ARP frame received on port.  Existing entries
 * follow any ARP from their address; a new entry is made only when the
 * frame's target is one of our addresses (the sender is about to talk to
 * us, or answers our request), as RFC 826's merge rule does.  Only a reply
 * to us confirms reachability; a request or a gratuitous ARP that brings a
 * new MAC installs it unconfirmed, so that it is probed when next used.
 */
enum neigh_arp_result neigh_arp_input(struct neigh_table *t, uint16_t port,
				      const struct rte_mbuf *m,
				      const struct classify_local *local);

/* An ARP request for target from (src_mac, src_ip), addresses in network
 * byte order: broadcast, or to dst when not NULL (a probe).  NULL when
 * the pool is empty. */
struct rte_mbuf *neigh_arp_request(struct rte_mempool *mp,
				   const struct rte_ether_addr *src_mac,
				   rte_be32_t src_ip, rte_be32_t target,
				   const struct rte_ether_addr *dst);

/*
 * Main lcore: learn from a Neighbor Solicitation or Advertisement (RFC 4861
 * section 4.3, 4.4) received on port; anything else is MALFORMED.  Input is
 * validated as section 7.1 asks (hop limit 255, code 0, lengths, checksum,
 * target not multicast, options of non-zero length).  An NA updates any
 * entry for its target (so it answers the INCOMPLETE entry our NS made),
 * and creates one only when solicited and sent to one of our addresses; an
 * NA without the override flag does not replace a reachable MAC (7.2.5).
 * Only a solicited NA confirms reachability; an unsolicited one or an NS
 * that brings a new MAC installs it unconfirmed (7.2.5, 7.2.3: STALE).  An
 * NS with a source link-layer option teaches its source, creating an entry
 * only when its target is ours, as ARP does.
 */
enum neigh_arp_result neigh_ndp_input(struct neigh_table *t, uint16_t port,
				      const struct rte_mbuf *m,
				      const struct classify_local *local);

/* A Neighbor Solicitation for target, from (src_mac, src_ip), with our MAC
 * in the source link-layer option: to target's solicited-node multicast
 * address (RFC 4861 section 7.2.2), or, when dst is not NULL, to target
 * itself at dst (a probe, section 7.3.3).  NULL when the pool is empty. */
struct rte_mbuf *neigh_ndp_solicit(struct rte_mempool *mp,
				   const struct rte_ether_addr *src_mac,
				   const uint8_t *src_ip, const uint8_t *target,
				   const struct rte_ether_addr *dst);

#endif
