/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP and ICMPv6 errors the worker sends (icmp_err.h). */
#include "icmp_err.h"

#include <netinet/in.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>

#define ICMP_HDR_LEN 8
/* RFC 1812 section 4.3.2.3: the error, quote included, fits in 576
 * bytes; RFC 4443 section 2.4 (c): in the IPv6 minimum MTU. */
#define ICMP4_MAX 576
#define IPV6_MIN_MTU 1280
#define ICMP_TTL 64
#define ICMP_DEST_UNREACH 3
#define ICMP_TIME_EXCEEDED 11
#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED 3

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

static struct rte_mbuf *icmp4(const struct rte_mbuf *m,
			      enum icmp_err_kind kind, uint32_t mtu,
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
	if (kind == ICMP_ERR_TOO_BIG) {
		icmp[0] = ICMP_DEST_UNREACH;
		icmp[1] = 4; /* fragmentation needed and DF set */
		icmp[6] = (uint8_t)(RTE_MIN(mtu, UINT16_MAX) >> 8);
		icmp[7] = (uint8_t)RTE_MIN(mtu, UINT16_MAX);
	} else {
		icmp[0] = ICMP_TIME_EXCEEDED; /* code 0: in transit */
	}
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

static struct rte_mbuf *icmp6(const struct rte_mbuf *m,
			      enum icmp_err_kind kind, uint32_t mtu,
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
	if (kind == ICMP_ERR_TOO_BIG) {
		icmp[0] = ICMP6_PACKET_TOO_BIG;
		mtu = rte_cpu_to_be_32(mtu);
		memcpy(icmp + 4, &mtu, sizeof(mtu)); /* unaligned: Ethernet */
	} else {
		icmp[0] = ICMP6_TIME_EXCEEDED; /* code 0: hop limit */
	}
	sum = rte_ipv6_udptcp_cksum(h, icmp);
	memcpy(icmp + 2, &sum, sizeof(sum));
	e->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV6;
	e->l3_len = sizeof(*h);
	return e;
}

struct rte_mbuf *icmp_err(const struct rte_mbuf *m, enum icmp_err_kind kind,
			  uint32_t mtu, const struct ip_addr *src,
			  struct rte_mempool *mp)
{
	if (RTE_ETH_IS_IPV6_HDR(m->packet_type))
		return src->family == ADDR_V6 ? icmp6(m, kind, mtu, src, mp)
					      : NULL;
	return src->family == ADDR_V4 ? icmp4(m, kind, mtu, src, mp) : NULL;
}

bool icmp_err_may_send(struct icmp_err_bucket *b, uint64_t now_tsc)
{
	uint64_t per = rte_get_tsc_hz() / ICMP_ERR_RATE, add;

	if (!b->last_tsc) {
		b->last_tsc = now_tsc;
		b->tokens = ICMP_ERR_BURST;
	}
	add = (now_tsc - b->last_tsc) / per;
	if (add) {
		b->tokens = (uint32_t)RTE_MIN(ICMP_ERR_BURST, b->tokens + add);
		b->last_tsc += add * per;
	}
	if (!b->tokens)
		return false;
	b->tokens--;
	return true;
}
