/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbours: the MAC address of each next hop, per port, learned from ARP
 * (RFC 826) for IPv4 and NDP (RFC 4861) for IPv6 on the main lcore and
 * read by the workers.
 *
 * Thread-safety, and why per-entry atomics rather than RCU: the main lcore
 * is the only writer.  The table is open addressing with linear probing and
 * entries are never removed, so a slot's key, once published by a release
 * store of `used`, never changes, and a probe chain never loses a link.
 * What does change, the MAC and the state, lives in one 64-bit word that
 * the main lcore replaces with one atomic store; a worker loads it once and
 * sees either the old MAC or the new one, never half of each.  Nothing is
 * ever freed while the workers run, so there is no grace period to wait
 * for.  XXX The cost is no eviction: a full table refuses new neighbours
 * (counted as no-neighbour drops), and entries never age; a host that
 * changes its MAC is followed only when it sends ARP (gratuitous or not)
 * or an NA; there is no NUD probing of reachable entries.
 *
 * Resolution: a worker that finds no usable entry drops the packet, counts
 * it and posts the address on its own single-producer ring to the main
 * lcore, at most once per retry interval per address once the entry
 * exists.  neigh_poll() on the main lcore drains those rings and sends one
 * request per address per interval.
 */
#ifndef ESPGW_DP_NEIGH_H
#define ESPGW_DP_NEIGH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_jhash.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "addr.h"
#include "classify.h"

#define NEIGH_INCOMPLETE 1 /* requested, no answer yet */
#define NEIGH_REACHABLE  2 /* the MAC is usable */

/* How far a lookup probes; an insert that finds no slot this close fails. */
#define NEIGH_MAX_PROBE 16

/* The key, and the message a worker posts to ask for resolution. */
struct neigh_key {
	uint16_t port;  /* port index in the configuration */
	uint8_t family; /* ADDR_V4 or ADDR_V6 */
	uint8_t pad;
	uint8_t ip[16]; /* IPv4 in the first 4 bytes, the rest zero */
};

struct neigh_entry {
	uint32_t used;         /* 0, or 1 once key is valid (release) */
	struct neigh_key key;
	uint64_t mac_state;    /* MAC in bits 0-47, state in 48-63 */
	uint64_t last_request; /* TSC of the last request sent, 0: never */
	uint32_t n_requests;   /* main lcore only */
} __rte_cache_aligned;

struct neigh_table {
	struct neigh_entry *e;
	uint32_t mask;          /* slots - 1, a power of two */
	uint64_t retry;         /* TSC ticks between requests for one key */
	unsigned int n_workers;
	struct rte_ring **req;  /* per worker, single producer and consumer */
};

/* slots is rounded up to a power of two.  retry_ticks: see above. */
struct neigh_table *neigh_create(const char *name, int socket,
				 uint32_t slots, unsigned int n_workers,
				 uint64_t retry_ticks);
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
	return rte_jhash_32b((const uint32_t *)(const void *)k, 5, 0);
}

/* The entry for k, or NULL.  Safe on any lcore. */
static inline struct neigh_entry *neigh_find(const struct neigh_table *t,
					     const struct neigh_key *k)
{
	uint32_t h = neigh_hash(k);

	for (uint32_t i = 0; i < NEIGH_MAX_PROBE; i++) {
		struct neigh_entry *e = &t->e[(h + i) & t->mask];

		/* Nothing is deleted: an empty slot ends the chain. */
		if (!__atomic_load_n(&e->used, __ATOMIC_ACQUIRE))
			return NULL;
		if (memcmp(&e->key, k, sizeof(*k)) == 0)
			return e;
	}
	return NULL;
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

/*
 * Worker: the MAC of (port, family, ip) into *mac and true; or false, and
 * the address is posted to the main lcore unless it was asked for within
 * the retry interval.  *lost is set when the post found the ring full.
 */
static inline bool neigh_resolve(const struct neigh_table *t,
				 unsigned int worker, uint16_t port,
				 uint8_t family, const uint8_t *ip,
				 uint64_t now, struct rte_ether_addr *mac,
				 bool *lost)
{
	const struct neigh_entry *e;
	struct neigh_key k;
	uint64_t v;

	neigh_key_make(&k, port, family, ip);
	e = neigh_find(t, &k);
	if (e) {
		v = __atomic_load_n(&e->mac_state, __ATOMIC_RELAXED);
		if ((v >> 48) == NEIGH_REACHABLE) {
			neigh_unpack(v, mac);
			return true;
		}
		if (now - __atomic_load_n(&e->last_request, __ATOMIC_RELAXED)
		    < t->retry)
			return false;
	}
	*lost = rte_ring_sp_enqueue_elem(t->req[worker], &k, sizeof(k)) != 0;
	return false;
}

/*
 * Main lcore: set the MAC of k.  With create false, only an existing entry
 * is changed.  Returns 1 when an entry was created or its MAC or state
 * changed, 0 when nothing changed, -ENOSPC when no slot was free.
 */
int neigh_update(struct neigh_table *t, const struct neigh_key *k,
		 const struct rte_ether_addr *mac, bool create);

/* Sends a resolution request for k; returns 0 when one was sent. */
typedef int (*neigh_send_fn)(void *arg, const struct neigh_key *k);

/*
 * Main lcore: drain the workers' rings; for each address not yet resolved,
 * create an INCOMPLETE entry and call send, once per retry interval.
 * Returns the number of requests sent.
 */
unsigned int neigh_poll(struct neigh_table *t, uint64_t now,
			neigh_send_fn send, void *arg);

/* What an ARP or NDP frame did to the table. */
enum neigh_arp_result {
	NEIGH_ARP_MALFORMED,
	NEIGH_ARP_IGNORED, /* probe, not for us, or a table full */
	NEIGH_ARP_SAME,    /* confirmed what we had */
	NEIGH_ARP_LEARNED, /* created or changed an entry */
};

/*
 * Main lcore: learn from an ARP frame received on port.  Existing entries
 * follow any ARP from their address; a new entry is made only when the
 * frame's target is one of our addresses (the sender is about to talk to
 * us, or answers our request), as RFC 826's merge rule does.
 */
enum neigh_arp_result neigh_arp_input(struct neigh_table *t, uint16_t port,
				      const struct rte_mbuf *m,
				      const struct classify_local *local);

/* A broadcast ARP request for target from (src_mac, src_ip); addresses in
 * network byte order.  NULL when the pool is empty. */
struct rte_mbuf *neigh_arp_request(struct rte_mempool *mp,
				   const struct rte_ether_addr *src_mac,
				   rte_be32_t src_ip, rte_be32_t target);

/*
 * Main lcore: learn from a Neighbor Solicitation or Advertisement (RFC 4861
 * section 4.3, 4.4) received on port; anything else is MALFORMED.  Input is
 * validated as section 7.1 asks (hop limit 255, code 0, lengths, checksum,
 * target not multicast, options of non-zero length).  An NA updates any
 * entry for its target (so it answers the INCOMPLETE entry our NS made),
 * and creates one only when solicited and sent to one of our addresses; an
 * NA without the override flag does not replace a reachable MAC (7.2.5).
 * An NS with a source link-layer option teaches its source, creating an
 * entry only when its target is ours, as ARP does.
 */
enum neigh_arp_result neigh_ndp_input(struct neigh_table *t, uint16_t port,
				      const struct rte_mbuf *m,
				      const struct classify_local *local);

/* A Neighbor Solicitation for target, from (src_mac, src_ip), to target's
 * solicited-node multicast address with our MAC in the source link-layer
 * option (RFC 4861 section 7.2.2).  NULL when the pool is empty. */
struct rte_mbuf *neigh_ndp_solicit(struct rte_mempool *mp,
				   const struct rte_ether_addr *src_mac,
				   const uint8_t *src_ip, const uint8_t *target);

#endif
