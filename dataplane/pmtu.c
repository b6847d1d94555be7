/* SPDX-License-Identifier: BSD-3-Clause */
/* Packets too big for their tunnel: IPv4 fragmentation before ESP
 * (pmtu.h); the ICMP errors are icmp_err.c's. */
#include "pmtu.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_ip.h>

/* ---- fragmentation ---- */

static bool may_fragment(const struct rte_mbuf *m,
			 const struct rte_ipv4_hdr *ip, uint32_t mtu)
{
	uint32_t total = rte_be_to_cpu_16(ip->total_length);

	return !(rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_DF_FLAG) &&
	       m->l3_len == sizeof(*ip) && rte_pktmbuf_is_contiguous(m) &&
	       mtu >= sizeof(*ip) + 8 && total > sizeof(*ip) &&
	       total <= rte_pktmbuf_pkt_len(m) - m->l2_len;
}

/* One fragment: ip's header, then len bytes of its payload from off. */
static bool fill_fragment(struct rte_mbuf *f, const struct rte_mbuf *m,
			  const struct rte_ipv4_hdr *ip, uint32_t off,
			  uint32_t len, bool last)
{
	uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);
	uint16_t offset = (uint16_t)((fo & RTE_IPV4_HDR_OFFSET_MASK) + off / 8);
	bool more = !last || (fo & RTE_IPV4_HDR_MF_FLAG);
	uint8_t *d = (uint8_t *)rte_pktmbuf_append(
		f, (uint16_t)(m->l2_len + sizeof(*ip) + len));
	struct rte_ipv4_hdr *h;

	if (!d)
		return false;
	h = (struct rte_ipv4_hdr *)(d + m->l2_len);
	memcpy(h, ip, sizeof(*ip));
	memcpy(h + 1, (const uint8_t *)(ip + 1) + off, len);
	h->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + len));
	h->fragment_offset = rte_cpu_to_be_16(
		offset | (more ? RTE_IPV4_HDR_MF_FLAG : 0));
	h->hdr_checksum = 0;
	h->hdr_checksum = rte_ipv4_cksum(h);
	f->packet_type = m->packet_type;
	f->l2_len = m->l2_len;
	f->l3_len = sizeof(*ip);
	f->port = m->port;
	return true;
}

int pmtu_fragment4(const struct rte_mbuf *m, uint32_t mtu,
		   struct rte_mempool *mp, struct rte_mbuf **out,
		   unsigned int max)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
		m, const struct rte_ipv4_hdr *, m->l2_len);
	uint32_t payload, step, n;

	if (!may_fragment(m, ip, mtu))
		return 0;
	payload = rte_be_to_cpu_16(ip->total_length) - sizeof(*ip);
	step = (mtu - sizeof(*ip)) & ~7u; /* offsets count 8 bytes */
	n = (payload + step - 1) / step;
	if (n > max || rte_pktmbuf_alloc_bulk(mp, out, n) != 0)
		return -ENOBUFS;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t off = i * step;

		if (!fill_fragment(out[i], m, ip, off,
				   RTE_MIN(step, payload - off), i + 1 == n)) {
			rte_pktmbuf_free_bulk(out, n);
			return -ENOBUFS;
		}
	}
	return (int)n;
}
