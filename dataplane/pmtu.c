/* SPDX-License-Identifier: BSD-3-Clause */
/* Packets too big for their tunnel: IPv4 fragmentation before ESP, and the
 * ICMP errors that drive the sender's path MTU discovery (pmtu.h). */
#include "pmtu.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#define ICMP_HDR_LEN 8
/* RFC 1812 section 4.3.2.3: the error, quote included, fits in 576
 * bytes; RFC 4443 section 2.4 (c): in the IPv6 minimum MTU. */
#define ICMP4_MAX 576
#define IPV6_MIN_MTU 1280
#define ICMP_TTL 64
#define ICMP_DEST_UNREACH 3

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

/* ---- ICMP errors ---- */

static bool icmp4_is_error(uint8_t type)
{
	return type == ICMP_DEST_UNREACH || type == 4 /* quench */ ||
	       type == 5 /* redirect */ || type == 11 /* time exceeded */ ||
	       type == 12 /* parameter problem */;
}

/* A new mbuf shaped as m is (l2_len of room), with hdr_len bytes of IP
 * and ICMP headers zeroed and then quote bytes of m's IP packet; the
 * address of the IP header, or NULL when mp ran dry. */
static uint8_t *error_mbuf(const struct rte_mbuf *m, struct rte_mempool *mp,
			   uint32_t hdr_len, uint32_t quote,
			   struct rte_mbuf **out)
{
	struct rte_mbuf *e = rte_pktmbuf_alloc(mp);
	uint8_t *d;

	if (!e)
		return NULL;
	d = (uint8_t *)rte_pktmbuf_append(
		e, (uint16_t)(m->l2_len + hdr_len + quote));
	if (!d) {
		rte_pktmbuf_free(e);
		return NULL;
	}
	memset(d + m->l2_len, 0, hdr_len);
	memcpy(d + m->l2_len + hdr_len,
	       rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len), quote);
	e->l2_len = m->l2_len;
	*out = e;
	return d + m->l2_len;
}

/* RFC 1122 section 3.2.2: never about an ICMP error, a later fragment,
 * or a source that is not one host. */
static bool icmp4_due(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip)
{
	const uint8_t *s = (const uint8_t *)&ip->src_addr;
	const uint8_t *type = (const uint8_t *)ip + m->l3_len;

	if (rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK)
		return false;
	if (s[0] == 0 || s[0] == 127 || s[0] >= 224)
		return false;
	return ip->next_proto_id != IPPROTO_ICMP ||
	       rte_pktmbuf_data_len(m) <= m->l2_len + m->l3_len ||
	       !icmp4_is_error(*type);
}

static struct rte_mbuf *icmp4(const struct rte_mbuf *m, uint32_t mtu,
			      const struct ip_addr *src,
			      struct rte_mempool *mp)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
		m, const struct rte_ipv4_hdr *, m->l2_len);
	uint32_t quote = RTE_MIN(rte_pktmbuf_data_len(m) - m->l2_len,
				 ICMP4_MAX - sizeof(*ip) - ICMP_HDR_LEN);
	struct rte_mbuf *e = NULL;
	struct rte_ipv4_hdr *h;
	uint8_t *icmp;
	uint16_t sum;

	if (!icmp4_due(m, ip) ||
	    !(h = (struct rte_ipv4_hdr *)error_mbuf(
		      m, mp, sizeof(*h) + ICMP_HDR_LEN, quote, &e)))
		return NULL;
	h->version_ihl = RTE_IPV4_VHL_DEF;
	h->total_length = rte_cpu_to_be_16(
		(uint16_t)(sizeof(*h) + ICMP_HDR_LEN + quote));
	h->time_to_live = ICMP_TTL;
	h->next_proto_id = IPPROTO_ICMP;
	memcpy(&h->src_addr, src->v4, 4);
	h->dst_addr = ip->src_addr;
	h->hdr_checksum = rte_ipv4_cksum(h);
	icmp = (uint8_t *)(h + 1);
	icmp[0] = ICMP_DEST_UNREACH;
	icmp[1] = 4; /* fragmentation needed and DF set */
	icmp[6] = (uint8_t)(RTE_MIN(mtu, UINT16_MAX) >> 8);
	icmp[7] = (uint8_t)RTE_MIN(mtu, UINT16_MAX);
	sum = (uint16_t)~rte_raw_cksum(icmp, ICMP_HDR_LEN + quote);
	memcpy(icmp + 2, &sum, sizeof(sum));
	e->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4;
	e->l3_len = sizeof(*h);
	return e;
}

/* RFC 4443 section 2.4 (e): never about an ICMPv6 error, or to a source
 * that is not one host.  XXX an error behind extension headers is not
 * recognised as one. */
static bool icmp6_due(const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip)
{
	static const uint8_t unspecified[16];
	const uint8_t *type = (const uint8_t *)(ip + 1);

	if (ip->src_addr[0] == 0xff ||
	    !memcmp(ip->src_addr, unspecified, sizeof(unspecified)))
		return false;
	return ip->proto != IPPROTO_ICMPV6 ||
	       rte_pktmbuf_data_len(m) <= m->l2_len + sizeof(*ip) ||
	       *type >= 128; /* informational */
}

static struct rte_mbuf *icmp6(const struct rte_mbuf *m, uint32_t mtu,
			      const struct ip_addr *src,
			      struct rte_mempool *mp)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(
		m, const struct rte_ipv6_hdr *, m->l2_len);
	uint32_t quote = RTE_MIN(rte_pktmbuf_data_len(m) - m->l2_len,
				 IPV6_MIN_MTU - sizeof(*ip) - ICMP_HDR_LEN);
	struct rte_mbuf *e = NULL;
	struct rte_ipv6_hdr *h;
	uint8_t *icmp;
	uint16_t sum;

	if (!icmp6_due(m, ip) ||
	    !(h = (struct rte_ipv6_hdr *)error_mbuf(
		      m, mp, sizeof(*h) + ICMP_HDR_LEN, quote, &e)))
		return NULL;
	h->vtc_flow = rte_cpu_to_be_32(6u << 28);
	h->payload_len = rte_cpu_to_be_16((uint16_t)(ICMP_HDR_LEN + quote));
	h->proto = IPPROTO_ICMPV6;
	h->hop_limits = ICMP_TTL;
	memcpy(h->src_addr, src->v6, 16);
	memcpy(h->dst_addr, ip->src_addr, 16);
	icmp = (uint8_t *)(h + 1);
	icmp[0] = 2; /* packet too big */
	mtu = rte_cpu_to_be_32(mtu);
	memcpy(icmp + 4, &mtu, sizeof(mtu)); /* Ethernet leaves it unaligned */
	sum = rte_ipv6_udptcp_cksum(h, icmp);
	memcpy(icmp + 2, &sum, sizeof(sum));
	e->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV6;
	e->l3_len = sizeof(*h);
	return e;
}

struct rte_mbuf *pmtu_icmp(const struct rte_mbuf *m, uint32_t mtu,
			   const struct ip_addr *src, struct rte_mempool *mp)
{
	if (RTE_ETH_IS_IPV6_HDR(m->packet_type))
		return src->family == ADDR_V6 ? icmp6(m, mtu, src, mp) : NULL;
	return src->family == ADDR_V4 ? icmp4(m, mtu, src, mp) : NULL;
}

bool pmtu_may_send(struct pmtu_bucket *b, uint64_t now_tsc)
{
	uint64_t per = rte_get_tsc_hz() / PMTU_ICMP_RATE, add;

	if (!b->last_tsc) {
		b->last_tsc = now_tsc;
		b->tokens = PMTU_ICMP_BURST;
	}
	add = (now_tsc - b->last_tsc) / per;
	if (add) {
		b->tokens = (uint32_t)RTE_MIN(PMTU_ICMP_BURST, b->tokens + add);
		b->last_tsc += add * per;
	}
	if (!b->tokens)
		return false;
	b->tokens--;
	return true;
}
