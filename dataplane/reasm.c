/* SPDX-License-Identifier: BSD-3-Clause */
/* Reassembly of fragments for the gateway on each worker (reasm.h). */

/* rte_ip_frag_table_del_expired_entries() is marked experimental in DPDK
 * 22.11; without it a packet never completed holds its fragments until
 * its table slot is reused. */
#define ALLOW_EXPERIMENTAL_API
#include "reasm.h"

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_malloc.h>

/* Each bucket a power of two of entries (librte_ip_frag's rule). */
#define REASM_BUCKET_ENTRIES 8

struct reasm {
	struct rte_ip_frag_tbl *tbl;
	struct rte_ip_frag_death_row dr;
};

struct reasm *reasm_create(int socket)
{
	struct reasm *r = rte_zmalloc_socket("espgw_reasm", sizeof(*r), 0,
					     socket);
	uint64_t ttl = rte_get_tsc_hz() / 1000 * REASM_TTL_MS;

	if (!r)
		return NULL;
	r->tbl = rte_ip_frag_table_create(REASM_FLOWS / REASM_BUCKET_ENTRIES,
					  REASM_BUCKET_ENTRIES, REASM_FLOWS,
					  ttl, socket);
	if (!r->tbl) {
		rte_free(r);
		return NULL;
	}
	return r;
}

void reasm_free(struct reasm *r)
{
	if (!r)
		return;
	/* "Now" at the end of time lets every entry go, a death row at a
	 * time. */
	for (unsigned int i = 0; i <= REASM_FLOWS; i++) {
		rte_ip_frag_table_del_expired_entries(r->tbl, &r->dr,
						      UINT64_MAX);
		if (!r->dr.cnt)
			break;
		rte_ip_frag_free_death_row(&r->dr, 0);
	}
	rte_ip_frag_table_destroy(r->tbl);
	rte_free(r);
}

/* librte_ip_frag leaves the checksum of a rebuilt IPv4 header zero (for
 * a NIC to fill); the kernel behind the tap checks it. */
static void fix_ipv4(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
		m, struct rte_ipv4_hdr *, m->l2_len);

	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

enum reasm_result reasm_input(struct reasm *r, struct rte_mbuf *m,
			      uint64_t now_tsc, struct rte_mbuf **whole)
{
	bool v6 = RTE_ETH_IS_IPV6_HDR(m->packet_type);
	void *ip = rte_pktmbuf_mtod_offset(m, void *, m->l2_len);
	struct rte_mbuf *w;

	if (v6)
		w = rte_ipv6_frag_reassemble_packet(
			r->tbl, &r->dr, m, now_tsc, ip,
			(struct rte_ipv6_fragment_ext *)((uint8_t *)ip +
				sizeof(struct rte_ipv6_hdr)));
	else
		w = rte_ipv4_frag_reassemble_packet(r->tbl, &r->dr, m,
						    now_tsc, ip);
	/* The death row has room for a few packets' fragments only. */
	if (r->dr.cnt)
		rte_ip_frag_free_death_row(&r->dr, 0);
	if (!w)
		return REASM_KEPT;
	if (!v6)
		fix_ipv4(w);
	*whole = w;
	return REASM_WHOLE;
}

void reasm_tidy(struct reasm *r, uint64_t now_tsc)
{
	rte_ip_frag_table_del_expired_entries(r->tbl, &r->dr, now_tsc);
	if (r->dr.cnt)
		rte_ip_frag_free_death_row(&r->dr, 0);
}
