/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>

#include <rte_arp.h>
#include <rte_malloc.h>

#include "neigh.h"

/* Requests a worker may have in flight before it loses some. */
#define NEIGH_RING_SIZE 256
/* How many posts one neigh_poll() takes from one worker. */
#define NEIGH_POLL_BURST 64

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
	t->n_workers = n_workers;
	t->e = rte_zmalloc_socket("neigh_e", (size_t)slots * sizeof(*t->e),
				  RTE_CACHE_LINE_SIZE, socket);
	t->req = rte_zmalloc_socket("neigh_req",
				    n_workers * sizeof(*t->req), 0, socket);
	if (!t->e || !t->req) {
		neigh_free(t);
		return NULL;
	}
	for (unsigned int w = 0; w < n_workers; w++) {
		snprintf(n, sizeof(n), "%s_%u", name, w);
		t->req[w] = rte_ring_create_elem(n, sizeof(struct neigh_key),
						 NEIGH_RING_SIZE, socket,
						 RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!t->req[w]) {
			neigh_free(t);
			return NULL;
		}
	}
	return t;
}

void neigh_free(struct neigh_table *t)
{
	if (!t)
		return;
	for (unsigned int w = 0; t->req && w < t->n_workers; w++)
		rte_ring_free(t->req[w]);
	rte_free(t->req);
	rte_free(t->e);
	rte_free(t);
}

/* Main lcore: the entry for k, made INCOMPLETE if new; NULL when full. */
static struct neigh_entry *find_or_insert(struct neigh_table *t,
					  const struct neigh_key *k)
{
	uint32_t h = neigh_hash(k);

	for (uint32_t i = 0; i < NEIGH_MAX_PROBE; i++) {
		struct neigh_entry *e = &t->e[(h + i) & t->mask];

		if (e->used) {
			if (memcmp(&e->key, k, sizeof(*k)) == 0)
				return e;
			continue;
		}
		e->key = *k;
		e->mac_state = (uint64_t)NEIGH_INCOMPLETE << 48;
		e->last_request = 0;
		e->n_requests = 0;
		/* Publish the key only once it is whole. */
		__atomic_store_n(&e->used, 1, __ATOMIC_RELEASE);
		return e;
	}
	return NULL;
}

int neigh_update(struct neigh_table *t, const struct neigh_key *k,
		 const struct rte_ether_addr *mac, bool create)
{
	struct neigh_entry *e;
	uint64_t v = neigh_pack(mac, NEIGH_REACHABLE);

	e = create ? find_or_insert(t, k) : neigh_find(t, k);
	if (!e)
		return create ? -ENOSPC : 0;
	if (e->mac_state == v)
		return 0;
	__atomic_store_n(&e->mac_state, v, __ATOMIC_RELEASE);
	return 1;
}

static unsigned int poll_ring(struct neigh_table *t, struct rte_ring *r,
			      uint64_t now, neigh_send_fn send, void *arg)
{
	struct neigh_key k[NEIGH_POLL_BURST];
	unsigned int n, sent = 0;

	n = rte_ring_sc_dequeue_burst_elem(r, k, sizeof(k[0]),
					   NEIGH_POLL_BURST, NULL);
	for (unsigned int i = 0; i < n; i++) {
		struct neigh_entry *e = find_or_insert(t, &k[i]);

		/* A full table, or resolved while the post was queued, or
		 * asked for recently: several posts arrive per miss. */
		if (!e || (e->mac_state >> 48) == NEIGH_REACHABLE ||
		    (e->n_requests && now - e->last_request < t->retry))
			continue;
		if (send(arg, &e->key) != 0)
			continue;
		__atomic_store_n(&e->last_request, now, __ATOMIC_RELAXED);
		e->n_requests++;
		sent++;
	}
	return sent;
}

unsigned int neigh_poll(struct neigh_table *t, uint64_t now,
			neigh_send_fn send, void *arg)
{
	unsigned int sent = 0;

	for (unsigned int w = 0; w < t->n_workers; w++)
		sent += poll_ring(t, t->req[w], now, send, arg);
	return sent;
}

/* RFC 826 over Ethernet and IPv4, request or reply, sane sender. */
static const struct rte_arp_hdr *arp_valid(const struct rte_mbuf *m)
{
	const struct rte_arp_hdr *a;

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + sizeof(*a))
		return NULL;
	a = rte_pktmbuf_mtod_offset(m, const struct rte_arp_hdr *,
				    RTE_ETHER_HDR_LEN);
	if (a->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    a->arp_hlen != RTE_ETHER_ADDR_LEN || a->arp_plen != 4)
		return NULL;
	if (a->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) &&
	    a->arp_opcode != RTE_BE16(RTE_ARP_OP_REPLY))
		return NULL;
	if (!rte_is_valid_assigned_ether_addr(&a->arp_data.arp_sha))
		return NULL;
	return a;
}

enum neigh_arp_result neigh_arp_input(struct neigh_table *t, uint16_t port,
				      const struct rte_mbuf *m,
				      const struct classify_local *local)
{
	const struct rte_arp_hdr *a = arp_valid(m);
	rte_be32_t sip, tip;
	struct neigh_key k;
	int rc;

	if (!a)
		return NEIGH_ARP_MALFORMED;
	sip = a->arp_data.arp_sip;
	tip = a->arp_data.arp_tip;
	/* A probe (RFC 5227) has no sender address; one that claims ours is
	 * a conflict for the kernel to see, not a neighbour. */
	if (sip == 0 || classify_is_local4(local, sip))
		return NEIGH_ARP_IGNORED;

	neigh_key_make(&k, port, ADDR_V4, (const uint8_t *)&sip);
	rc = neigh_update(t, &k, &a->arp_data.arp_sha,
			  classify_is_local4(local, tip));
	if (rc < 0)
		return NEIGH_ARP_IGNORED;
	if (rc > 0)
		return NEIGH_ARP_LEARNED;
	return neigh_find(t, &k) ? NEIGH_ARP_SAME : NEIGH_ARP_IGNORED;
}

/* Ethernet's minimum frame, less the FCS that the NIC appends. */
#define ARP_FRAME_LEN (RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN)

struct rte_mbuf *neigh_arp_request(struct rte_mempool *mp,
				   const struct rte_ether_addr *src_mac,
				   rte_be32_t src_ip, rte_be32_t target)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;

	if (!m)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, ARP_FRAME_LEN);
	if (!eth) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(eth, 0, ARP_FRAME_LEN);
	memset(&eth->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	rte_ether_addr_copy(src_mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);

	a = (struct rte_arp_hdr *)(eth + 1);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(src_mac, &a->arp_data.arp_sha);
	a->arp_data.arp_sip = src_ip;
	a->arp_data.arp_tip = target; /* arp_tha stays zero */
	return m;
}
