/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inbound ESP, RFC 4303 section 3.4, with UDP encapsulation (RFC 3948
 * section 3) and RFC 6040 normal-mode ECN decapsulation.
 *
 * Order of checks: outer header and lengths, SPI, replay window (before
 * the ICV, to drop replays cheaply), ICV, replay window update (only for
 * packets whose ICV verified), padding and next header, inner header.
 * Outer fragments are dropped here: the worker reassembles them first
 * (worker.c, reasm.c), so one that arrives comes from a caller without
 * reassembly.  Outer IPv6 extension headers before ESP are skipped
 * (ipv6_ext.h).  UDP checksums of ESP-in-UDP are not verified (the ICV
 * covers the ESP payload).
 */
#include "esp_inb.h"

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "esp_pad.h"
#include "ipv6_ext.h"

#define IPV4_HDR_MIN 20
#define IPV6_HDR_LEN 40
#define UDP_HDR_LEN  8
#define PROTO_ESP    50
#define PROTO_UDP    17
#define PROTO_TCP    6
#define TCP_HDR_MIN  20

#define ECN_MASK   0x3
#define ECN_ECT1   0x1
#define ECN_ECT0   0x2
#define ECN_CE     0x3

/* Outer IPv4: sets *hl and *tot, the header and total lengths. */
static inline uint8_t outer_ipv4(const uint8_t *ip, uint32_t dlen,
				 uint32_t *hl, uint32_t *tot, uint8_t *proto)
{
	if (dlen < IPV4_HDR_MIN || ip[0] >> 4 != 4)
		return ESP_DROP_MALFORMED;
	*hl = (ip[0] & 0xfu) * 4u;
	*tot = esp_ld16(ip + 2);
	if (*hl < IPV4_HDR_MIN || *hl > dlen || *tot < *hl)
		return ESP_DROP_MALFORMED;
	if (rte_raw_cksum(ip, *hl) != 0xffff)
		return ESP_DROP_MALFORMED;
	if (esp_ld16(ip + 6) & 0x3fff) /* MF or an offset */
		return ESP_DROP_FRAGMENT;
	*proto = ip[9];
	return ESP_DROP_NONE;
}

/* Outer IPv6: *hl covers the extension headers before ESP or UDP. */
static inline uint8_t outer_ipv6(const uint8_t *ip, uint32_t dlen,
				 uint32_t *hl, uint32_t *tot, uint8_t *proto)
{
	struct ipv6_ext x;

	if (dlen < IPV6_HDR_LEN || ip[0] >> 4 != 6)
		return ESP_DROP_MALFORMED;
	*tot = IPV6_HDR_LEN + esp_ld16(ip + 4);
	if (!ipv6_ext_skip(ip, RTE_MIN(dlen, *tot), 0, &x))
		return ESP_DROP_MALFORMED;
	if (x.frag)
		return ESP_DROP_FRAGMENT;
	*hl = x.l4_off;
	*proto = x.proto;
	return ESP_DROP_NONE;
}

/* ESP header, lengths and the replay check; off is where ESP starts. */
static inline uint8_t esp_header(struct esp_sa *sa, uint8_t *esp,
				 uint32_t len, struct esp_pkt *p)
{
	uint32_t fixed = ESP_HDR_LEN + sa->iv_len + sa->icv_len;
	uint32_t ct;

	if (len < fixed + sa->blk_mask + 1u)
		return ESP_DROP_BAD_LENGTH;
	ct = len - fixed;
	if (ct & sa->blk_mask)
		return ESP_DROP_BAD_LENGTH;
	if (memcmp(esp, &sa->spi, 4) != 0)
		return ESP_DROP_UNKNOWN_SPI;

	p->esp = esp;
	p->ct_len = ct;
	p->seq = replay_seq(&sa->win, esp_ld32(esp + 4));
	if (!replay_check(&sa->win, p->seq))
		return ESP_DROP_REPLAY;
	return ESP_DROP_NONE;
}

static inline __rte_always_inline uint8_t
inb_parse(struct esp_sa *sa, struct rte_mbuf *m, struct esp_pkt *p, bool v6,
	  bool udp)
{
	uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t hl, tot, dlen = m->data_len;
	uint8_t proto, why;

	why = v6 ? outer_ipv6(ip, dlen, &hl, &tot, &proto)
		 : outer_ipv4(ip, dlen, &hl, &tot, &proto);
	if (why != ESP_DROP_NONE)
		return why;
	if (tot > dlen)
		return ESP_DROP_BAD_LENGTH; /* truncated */
	rte_pktmbuf_trim(m, (uint16_t)(dlen - tot)); /* Ethernet padding */
	if (proto != (udp ? PROTO_UDP : PROTO_ESP))
		return ESP_DROP_ENCAP_MISMATCH;

	if (udp) {
		if (tot < hl + UDP_HDR_LEN)
			return ESP_DROP_BAD_LENGTH;
		if (memcmp(ip + hl + 2, &sa->local_port, 2) != 0)
			return ESP_DROP_ENCAP_MISMATCH;
		if (esp_ld16(ip + hl + 4) != tot - hl)
			return ESP_DROP_BAD_LENGTH;
		hl += UDP_HDR_LEN;
	}
	return esp_header(sa, ip + hl, tot - hl, p);
}

/* Padding and next header; sets *len to the payload length. */
static inline uint8_t trailer(const struct esp_sa *sa, const struct esp_pkt *p,
			      uint32_t *len, uint8_t *nh)
{
	const uint8_t *pt = p->esp + ESP_HDR_LEN + sa->iv_len;
	uint32_t pad = pt[p->ct_len - 2];

	*nh = pt[p->ct_len - 1];
	if (pad + ESP_TRAILER_LEN > p->ct_len)
		return ESP_DROP_BAD_PADDING;
	*len = p->ct_len - ESP_TRAILER_LEN - pad;
	if (!esp_pad_check(pt + *len, pad))
		return ESP_DROP_BAD_PADDING;
	if (*nh == ESP_NH_NONE)
		return ESP_DROP_DUMMY;
	return ESP_DROP_NONE;
}

/* Inner IP header in tunnel mode: its length, at most len (the rest is
 * TFC padding, RFC 4303 section 2.7). */
static inline uint8_t inner_len(const uint8_t *in, uint32_t len, uint8_t nh,
				uint32_t *ilen)
{
	if (nh == ESP_NH_IPV4) {
		if (len < IPV4_HDR_MIN || in[0] >> 4 != 4)
			return ESP_DROP_BAD_NEXT_HDR;
		*ilen = esp_ld16(in + 2);
		if ((in[0] & 0xfu) < 5 || *ilen < (in[0] & 0xfu) * 4u)
			return ESP_DROP_MALFORMED;
	} else if (nh == ESP_NH_IPV6) {
		if (len < IPV6_HDR_LEN || in[0] >> 4 != 6)
			return ESP_DROP_BAD_NEXT_HDR;
		*ilen = IPV6_HDR_LEN + esp_ld16(in + 4);
	} else {
		return ESP_DROP_BAD_NEXT_HDR;
	}
	return *ilen > len ? ESP_DROP_BAD_LENGTH : ESP_DROP_NONE;
}

/* RFC 6040 section 4.2: the inner ECN field after decapsulation, or -1 to
 * drop (CE on a Not-ECT packet). */
static inline int ecn_decap(uint8_t outer, uint8_t inner)
{
	if (outer == ECN_CE)
		return inner == 0 ? -1 : ECN_CE;
	if (outer == ECN_ECT1 && inner == ECN_ECT0)
		return ECN_ECT1;
	return inner;
}

static inline uint8_t ecn_apply(uint8_t *in, uint8_t outer)
{
	bool v6 = in[0] >> 4 == 6;
	uint8_t inner = v6 ? (in[1] >> 4) & ECN_MASK : in[1] & ECN_MASK;
	int ecn = ecn_decap(outer & ECN_MASK, inner);

	if (ecn < 0)
		return ESP_DROP_ECN;
	if (ecn == inner)
		return ESP_DROP_NONE;
	if (v6) {
		in[1] = (uint8_t)((in[1] & 0xcf) | ecn << 4);
	} else {
		in[1] = (uint8_t)((in[1] & ~ECN_MASK) | ecn);
		esp_ipv4_csum_set(in);
	}
	return ESP_DROP_NONE;
}

static inline __rte_always_inline uint8_t
inb_tun(struct esp_sa *sa, struct rte_mbuf *m, struct esp_pkt *p, bool v6)
{
	uint8_t *out = rte_pktmbuf_mtod(m, uint8_t *);
	uint8_t *in = p->esp + ESP_HDR_LEN + sa->iv_len;
	uint8_t tos = v6 ? (uint8_t)(out[0] << 4 | out[1] >> 4) : out[1];
	uint32_t len, ilen;
	uint8_t nh, why;

	why = trailer(sa, p, &len, &nh);
	if (why == ESP_DROP_NONE)
		why = inner_len(in, len, nh, &ilen);
	if (why == ESP_DROP_NONE)
		why = ecn_apply(in, tos);
	if (why != ESP_DROP_NONE)
		return why;

	rte_pktmbuf_adj(m, (uint16_t)(in - out));
	rte_pktmbuf_trim(m, (uint16_t)(m->data_len - ilen));
	p->len = ilen;
	return ESP_DROP_NONE;
}

/*
 * Transport mode: the IP header, with any IPv6 extension headers before
 * ESP, moves up to the payload; the last Next Header field before ESP (or
 * UDP) takes the trailer's.  With NAT-T, trs_natt_csum() follows.
 */
static inline __rte_always_inline uint8_t
inb_trs(struct esp_sa *sa, struct rte_mbuf *m, struct esp_pkt *p, bool v6)
{
	uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *);
	uint8_t *pt = p->esp + ESP_HDR_LEN + sa->iv_len;
	uint32_t ihl = (ip[0] & 0xfu) * 4u, shift, len;
	struct ipv6_ext x;
	uint8_t nh, why;

	why = trailer(sa, p, &len, &nh);
	if (why != ESP_DROP_NONE)
		return why;

	if (v6) {
		/* inb_parse walked this chain already: it holds. */
		ipv6_ext_skip(ip, (uint32_t)(p->esp - ip), 0, &x);
		ihl = x.l4_off;
		ip[x.nh_off] = nh;
		esp_st16(ip + 4, (uint16_t)(ihl - IPV6_HDR_LEN + len));
	} else {
		ip[9] = nh;
		esp_st16(ip + 2, (uint16_t)(ihl + len));
		esp_ipv4_csum_set(ip);
	}
	shift = (uint32_t)(pt - ip) - ihl;
	memmove(ip + shift, ip, ihl);
	rte_pktmbuf_adj(m, (uint16_t)shift);
	rte_pktmbuf_trim(m, (uint16_t)(m->data_len - ihl - len));
	p->len = ihl + len;
	return ESP_DROP_NONE;
}

/* Where the checksum of an upper layer of len bytes is; 0: none here. */
static inline uint32_t l4_csum_off(uint8_t proto, uint32_t len)
{
	if (proto == PROTO_TCP && len >= TCP_HDR_MIN)
		return 16;
	if (proto == PROTO_UDP && len >= UDP_HDR_LEN)
		return 6;
	return 0;
}

/*
 * Transport mode with NAT-T: the peer computed its TCP or UDP checksum
 * over its address before a NAT rewrote it.  RFC 3948 section 3.1.2 lets
 * the receiver compute it again over the header as received (its second
 * way; the first needs the original address, NAT-OA, which the SA does
 * not carry): the ICV has vouched for the data already.  Left as sent: a
 * UDP checksum of 0 (none in IPv4; in IPv6 the peer's own error), and an
 * IPv6 fragment that a peer protected although transport mode takes
 * whole datagrams (RFC 4303 section 3.1.1): its checksum covers data
 * this packet does not hold.  (Fragments of the ESP packet itself were
 * reassembled before ESP.)  The IPv6 pseudo-header takes the fixed
 * header's destination even behind a routing header: at the recipient
 * that is the final one (RFC 8200 section 8.1).
 */
static void trs_natt_csum(struct rte_mbuf *m, bool v6)
{
	uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *), *l4;
	struct rte_ipv6_hdr ph;
	struct ipv6_ext x;
	uint32_t off, cs;
	uint8_t proto;
	uint16_t sum;

	if (v6) {
		/* inb_trs rebuilt this chain from a walked one: it holds. */
		ipv6_ext_skip(ip, m->data_len, 0, &x);
		if (x.frag)
			return;
		off = x.l4_off;
		proto = x.proto;
	} else {
		off = (ip[0] & 0xfu) * 4u;
		proto = ip[9];
	}
	l4 = ip + off;
	cs = l4_csum_off(proto, m->data_len - off);
	if (cs == 0 || (proto == PROTO_UDP && esp_ld16(l4 + cs) == 0))
		return;
	esp_st16(l4 + cs, 0);
	if (v6) {
		memcpy(&ph, ip, sizeof(ph));
		ph.proto = proto;
		ph.payload_len = rte_cpu_to_be_16((uint16_t)(m->data_len - off));
		sum = rte_ipv6_udptcp_cksum(&ph, l4);
	} else {
		sum = rte_ipv4_udptcp_cksum((const struct rte_ipv4_hdr *)ip, l4);
	}
	memcpy(l4 + cs, &sum, sizeof(sum)); /* already in network order */
}

static inline __rte_always_inline uint8_t
inb_trs_natt(struct esp_sa *sa, struct rte_mbuf *m, struct esp_pkt *p,
	     bool v6)
{
	uint8_t why = inb_trs(sa, m, p, v6);

	if (why == ESP_DROP_NONE)
		trs_natt_csum(m, v6);
	return why;
}

#define PARSE_VARIANT(name, v6, udp)                                         \
	static uint8_t name(struct esp_sa *sa, struct rte_mbuf *m,           \
			    struct esp_pkt *p)                               \
	{                                                                    \
		return inb_parse(sa, m, p, v6, udp);                         \
	}
#define FINISH_VARIANT(name, fn, v6)                                         \
	static uint8_t name(struct esp_sa *sa, struct rte_mbuf *m,           \
			    struct esp_pkt *p)                               \
	{                                                                    \
		return fn(sa, m, p, v6);                                     \
	}

PARSE_VARIANT(parse4, false, false)
PARSE_VARIANT(parse4_udp, false, true)
PARSE_VARIANT(parse6, true, false)
PARSE_VARIANT(parse6_udp, true, true)
FINISH_VARIANT(tun4, inb_tun, false)
FINISH_VARIANT(tun6, inb_tun, true)
FINISH_VARIANT(trs4, inb_trs, false)
FINISH_VARIANT(trs6, inb_trs, true)
FINISH_VARIANT(trs4_udp, inb_trs_natt, false)
FINISH_VARIANT(trs6_udp, inb_trs_natt, true)

/* By esp_sa.path: transport, IPv6, NAT-T. */
static const esp_inb_parse_fn parse_by_path[ESP_PATH_COUNT] = {
	parse4, parse4_udp, parse6, parse6_udp,
	parse4, parse4_udp, parse6, parse6_udp,
};
static const esp_inb_finish_fn finish_by_path[ESP_PATH_COUNT] = {
	tun4, tun4, tun6, tun6, trs4, trs4_udp, trs6, trs6_udp,
};

void esp_inb_sa_init(struct esp_sa *sa, const struct esp_params *p)
{
	if (p->dir != ESP_DIR_IN)
		return; /* the window shares its line with outbound's template */
	replay_init(&sa->win, p->replay_window, p->esn != 0, sa->ext);
}

static uint8_t verify(struct esp_sa *sa, struct rte_mbuf *m,
		      struct esp_pkt *p)
{
	if (!esp_icv_equal(p->icv, p->calc, sa->icv_len))
		return ESP_DROP_ICV;
	if (!replay_update(&sa->win, p->seq))
		return ESP_DROP_REPLAY; /* a copy earlier in this burst */
	return finish_by_path[sa->path](sa, m, p);
}

static uint16_t inb_pass(struct esp_crypto *cx, struct rte_mbuf *mb[],
			 struct esp_sa *sa[], uint8_t why[], uint16_t n)
{
	uint16_t i, f = 0;

	esp_sa_prefetch_upto(sa, &f, ESP_SA_AHEAD, n, -1);
	for (i = 0; i < n; i++) {
		esp_sa_prefetch_upto(sa, &f, i + 1 + ESP_SA_AHEAD, n, -1);
		why[i] = likely(sa[i]->dir == ESP_DIR_IN) ? esp_sa_gate(sa[i], 0)
				: ESP_DROP_UNKNOWN_SPI; /* no such inbound SPI */
		if (why[i] == ESP_DROP_NONE && unlikely(mb[i]->nb_segs > 1) &&
		    rte_pktmbuf_linearize(mb[i]) != 0)
			why[i] = ESP_DROP_NO_ROOM;
		if (why[i] == ESP_DROP_NONE)
			why[i] = parse_by_path[sa[i]->path](sa[i], mb[i],
							  &cx->pkt[i]);
		if (i < ESP_KEYS_AHEAD && why[i] == ESP_DROP_NONE)
			esp_sa_prefetch_keys(sa, i, cx->pkt[i].ct_len);
	}

	esp_crypto_run(cx, sa, why, n);

	for (i = 0; i < n; i++) {
		if (why[i] == ESP_DROP_NONE)
			why[i] = verify(sa[i], mb[i], &cx->pkt[i]);
		esp_sa_count_in(sa[i], &why[i], cx->pkt[i].len);
	}
	return esp_burst_split(mb, sa, why, n);
}

uint16_t esp_inb_process(struct esp_crypto *cx, struct rte_mbuf *mb[],
			 struct esp_sa *sa[], uint8_t why[], uint16_t n)
{
	return esp_burst_run(cx, mb, sa, why, n, inb_pass);
}
