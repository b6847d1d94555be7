/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outbound ESP, RFC 4303 section 3.1-3.3, with UDP encapsulation (RFC 3948
 * section 2.1) and tunnel header rules from RFC 4301 section 5.1.2:
 * - outer DSCP and ECN copied from the inner header: RFC 4301 5.1.2.1 for
 *   DSCP, RFC 6040 "normal mode" for ECN (copying is what it prescribes);
 * - outer IPv4 DF copied from an inner IPv4 header, clear for inner IPv6;
 * - outer TTL or hop limit from the SA (default 64); the inner TTL is not
 *   touched here, forwarding decremented it already;
 * - outer IPv4 ID: the low 16 bits of the sequence number, unique per SA
 *   within 65536 packets.  XXX two SAs between the same two gateways may
 *   reuse an ID at the same time; only matters for fragmented outer packets.
 * XXX packets are rewritten in place: a cloned or indirect mbuf whose data
 * someone else still reads must be copied by the caller first.
 */
#include "esp_outb.h"

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "esp_pad.h"
#include "ipv6_ext.h"

#define IPV4_HDR_MIN 20
#define IPV6_HDR_LEN 40
#define UDP_HDR_LEN  8
#define PROTO_ESP    50
#define PROTO_UDP    17

/* Copy the header template under its sequence lock (esp_sa.h); returns
 * the template's sum of fixed IPv4 header words, read under the same. */
static inline uint16_t tmpl_copy(const struct esp_sa *sa, uint8_t *dst)
{
	const struct esp_tmpl *t = &sa->tmpl;
	uint32_t before, after;
	uint16_t sum4;

	do {
		before = __atomic_load_n(&t->lock, __ATOMIC_ACQUIRE);
		memcpy(dst, t->hdr, t->len);
		sum4 = t->sum4;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		after = __atomic_load_n(&t->lock, __ATOMIC_RELAXED);
	} while ((before & 1) || before != after);
	return sum4;
}

/*
 * Check the inner packet and trim Ethernet padding.  Sets the length, the
 * next header for the trailer, the TOS / traffic class, and DF.
 */
static inline uint8_t inner_info(struct rte_mbuf *m, uint32_t *len,
				 uint8_t *nh, uint8_t *tos, uint8_t *df)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t dlen = m->data_len;

	if (dlen >= IPV4_HDR_MIN && ip[0] >> 4 == 4) {
		*len = esp_ld16(ip + 2);
		*nh = ESP_NH_IPV4;
		*tos = ip[1];
		*df = ip[6] & 0x40;
		if (*len < (ip[0] & 0xfu) * 4u || (ip[0] & 0xfu) < 5)
			return ESP_DROP_MALFORMED;
	} else if (dlen >= IPV6_HDR_LEN && ip[0] >> 4 == 6) {
		*len = IPV6_HDR_LEN + esp_ld16(ip + 4);
		*nh = ESP_NH_IPV6;
		*tos = (uint8_t)(ip[0] << 4 | ip[1] >> 4);
		*df = 0;
	} else {
		return ESP_DROP_MALFORMED;
	}
	if (*len > dlen)
		return ESP_DROP_MALFORMED;
	rte_pktmbuf_trim(m, (uint16_t)(dlen - *len));
	return ESP_DROP_NONE;
}

/* Room for hlen bytes in front and tlen bytes behind, in one segment,
 * and an outer packet that IP lengths can still describe. */
static inline bool make_room(struct rte_mbuf *m, uint32_t hlen, uint32_t tlen)
{
	if (unlikely(m->nb_segs > 1) && rte_pktmbuf_linearize(m) != 0)
		return false;
	return rte_pktmbuf_headroom(m) >= hlen &&
	       rte_pktmbuf_tailroom(m) >= tlen &&
	       m->data_len + hlen + tlen <= UINT16_MAX;
}

/* Padding and trailer behind the payload; the ICV space after them. */
static inline void add_trailer(const struct esp_sa *sa, struct rte_mbuf *m,
			       struct esp_pkt *p, uint32_t len, uint8_t nh)
{
	uint32_t pad = esp_pad_len(len, sa->blk_mask);
	uint8_t *tr = (uint8_t *)rte_pktmbuf_append(
		m, (uint16_t)(pad + ESP_TRAILER_LEN + sa->icv_len));

	esp_pad_fill(tr, pad, nh);
	p->ct_len = len + pad + ESP_TRAILER_LEN;
}

/*
 * The outer IPv4 header's variable fields, and its checksum from the
 * template's sum of the fixed ones (RFC 1071 adds in any order): summing
 * the header again would read back the bytes just stored, which stalls
 * on store forwarding.  sum4 is tmpl_sum4()'s.
 */
static inline void fill_ipv4(uint8_t *ip, uint32_t total, uint8_t tos,
			     uint8_t df, uint64_t seq, uint16_t sum4)
{
	uint32_t sum = (uint32_t)sum4 + tos + (uint16_t)total +
		       (uint16_t)seq + ((uint32_t)df << 8);

	ip[1] = tos;
	esp_st16(ip + 2, (uint16_t)total);
	esp_st16(ip + 4, (uint16_t)seq);
	ip[6] = df; /* fragment offset 0 */
	ip[7] = 0;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	esp_st16(ip + 10, (uint16_t)~sum);
}

static inline void fill_ipv6(uint8_t *ip, uint32_t total, uint8_t tc)
{
	ip[0] = (uint8_t)(0x60 | tc >> 4);
	ip[1] = (uint8_t)(tc << 4); /* flow label 0 */
	ip[2] = 0;
	ip[3] = 0;
	esp_st16(ip + 4, (uint16_t)(total - IPV6_HDR_LEN));
}

/*
 * Tunnel mode, section 3.1.2: outer IP | [UDP] | ESP | IV | inner packet |
 * padding | trailer | ICV.  v6 and udp are constants in each instance.
 */
static inline __rte_always_inline uint8_t
outb_tun(struct esp_sa *sa, struct rte_mbuf *m, struct esp_pkt *p, bool v6,
	 bool udp)
{
	uint32_t hlen = sa->tmpl.len + sa->iv_len;
	uint32_t len, total, ip_len = v6 ? IPV6_HDR_LEN : IPV4_HDR_MIN;
	uint8_t nh, tos, df, why;
	uint16_t sum4;
	uint8_t *h;

	why = inner_info(m, &len, &nh, &tos, &df);
	if (why != ESP_DROP_NONE)
		return why;
	if (!make_room(m, hlen, sa->blk_mask + ESP_TRAILER_LEN + sa->icv_len))
		return ESP_DROP_NO_ROOM;
	p->len = len;
	add_trailer(sa, m, p, len, nh);
	h = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)hlen);

	sum4 = tmpl_copy(sa, h);
	p->esp = h + sa->tmpl.len - ESP_HDR_LEN;
	esp_st32(p->esp + 4, (uint32_t)p->seq);
	total = hlen + p->ct_len + sa->icv_len;
	if (udp)
		esp_st16(h + ip_len + 4, (uint16_t)(total - ip_len));
	if (v6)
		fill_ipv6(h, total, tos);
	else
		fill_ipv4(h, total, tos, df, p->seq, sum4);
	return ESP_DROP_NONE;
}

/*
 * What stays in front of ESP in transport mode: the IPv4 header, or the
 * IPv6 header with hop-by-hop, routing and fragment headers and the
 * destination options among them (RFC 4303 section 3.1.1); destination
 * options after the last of those go inside.  Sets *ihl and *nh_off, the
 * byte that names what ESP will protect.
 */
static inline uint8_t trs_split(const uint8_t *ip, uint32_t len, bool v6,
				uint32_t *ihl, uint32_t *nh_off)
{
	struct ipv6_ext x;

	if ((ip[0] >> 4 == 6) != v6)
		return ESP_DROP_MALFORMED; /* not the SA's family */
	if (!v6) {
		*ihl = (ip[0] & 0xfu) * 4u;
		*nh_off = 9;
		return ESP_DROP_NONE;
	}
	if (!ipv6_ext_skip(ip, len, 0, &x))
		return ESP_DROP_MALFORMED;
	*ihl = x.esp_off;
	*nh_off = x.esp_nh_off;
	return ESP_DROP_NONE;
}

/*
 * Transport mode, section 3.1.1: the IP header (see trs_split) stays in
 * front and ESP (and UDP) go between it and the payload.
 */
static inline __rte_always_inline uint8_t
outb_trs(struct esp_sa *sa, struct rte_mbuf *m, struct esp_pkt *p, bool v6,
	 bool udp)
{
	uint32_t ins = sa->tmpl.len + sa->iv_len;
	uint32_t len, ihl, nh_off, total;
	uint8_t nh, tos, df, why;
	uint8_t *ip;

	why = inner_info(m, &len, &nh, &tos, &df);
	if (why != ESP_DROP_NONE)
		return why;
	ip = rte_pktmbuf_mtod(m, uint8_t *);
	why = trs_split(ip, len, v6, &ihl, &nh_off);
	if (why != ESP_DROP_NONE)
		return why;
	nh = ip[nh_off];
	if (!make_room(m, ins, sa->blk_mask + ESP_TRAILER_LEN + sa->icv_len))
		return ESP_DROP_NO_ROOM;
	p->len = len;
	add_trailer(sa, m, p, len - ihl, nh);
	ip = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)ins);
	memmove(ip, ip + ins, ihl);

	tmpl_copy(sa, ip + ihl);
	p->esp = ip + ihl + sa->tmpl.len - ESP_HDR_LEN;
	esp_st32(p->esp + 4, (uint32_t)p->seq);
	total = ihl + ins + p->ct_len + sa->icv_len;
	if (udp)
		esp_st16(ip + ihl + 4, (uint16_t)(total - ihl));
	ip[nh_off] = udp ? PROTO_UDP : PROTO_ESP;
	if (v6) {
		esp_st16(ip + 4, (uint16_t)(total - IPV6_HDR_LEN));
	} else {
		esp_st16(ip + 2, (uint16_t)total);
		esp_ipv4_csum_set(ip);
	}
	return ESP_DROP_NONE;
}

#define OUTB_VARIANT(name, fn, v6, udp)                                      \
	static uint8_t name(struct esp_sa *sa, struct rte_mbuf *m,           \
			    struct esp_pkt *p)                               \
	{                                                                    \
		return fn(sa, m, p, v6, udp);                                \
	}

OUTB_VARIANT(tun4, outb_tun, false, false)
OUTB_VARIANT(tun4_udp, outb_tun, false, true)
OUTB_VARIANT(tun6, outb_tun, true, false)
OUTB_VARIANT(tun6_udp, outb_tun, true, true)
OUTB_VARIANT(trs4, outb_trs, false, false)
OUTB_VARIANT(trs4_udp, outb_trs, false, true)
OUTB_VARIANT(trs6, outb_trs, true, false)
OUTB_VARIANT(trs6_udp, outb_trs, true, true)

static void post_none(struct rte_mbuf *m)
{
	RTE_SET_USED(m);
}

/*
 * UDP over IPv6 needs a checksum (RFC 8200 section 8.1; RFC 3948 only
 * covers IPv4, where it is 0).  It covers the ciphertext, so it is computed
 * after the crypto job.  XXX costs a pass over the packet; NICs that offload
 * the UDP checksum would do it for free.  In transport mode UDP may follow
 * extension headers; the pseudo-header then takes the UDP length and
 * protocol from a copy of the fixed header.  XXX behind a routing header
 * the pseudo-header should carry the final destination (RFC 8200 8.1),
 * not the fixed header's.
 */
static void post_udp6(struct rte_mbuf *m)
{
	uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv6_hdr ph;
	struct ipv6_ext x;
	uint8_t *udp;
	uint16_t sum;

	/* outb_trs built this chain: it holds. */
	ipv6_ext_skip(ip, m->data_len, 0, &x);
	udp = ip + x.l4_off;
	memcpy(&ph, ip, sizeof(ph));
	ph.proto = PROTO_UDP;
	ph.payload_len = rte_cpu_to_be_16((uint16_t)(m->data_len - x.l4_off));
	esp_st16(udp + 6, 0);
	sum = rte_ipv6_udptcp_cksum(&ph, udp);
	memcpy(udp + 6, &sum, sizeof(sum)); /* already in network order */
}

static void build_ip(struct esp_sa *sa, uint8_t *h)
{
	bool v6 = sa->local.family == ADDR_V6;
	uint8_t proto = sa->natt ? PROTO_UDP : PROTO_ESP;

	if (v6) {
		h[0] = 0x60;
		h[6] = proto;
		h[7] = sa->ttl;
		memcpy(h + 8, sa->local.v6, 16);
		memcpy(h + 24, sa->remote.v6, 16);
	} else {
		h[0] = 0x45;
		h[8] = sa->ttl;
		h[9] = proto;
		memcpy(h + 12, sa->local.v4, 4);
		memcpy(h + 16, sa->remote.v4, 4);
	}
}

/* The sum of the 16-bit words of the IPv4 header h whose fields
 * fill_ipv4() leaves alone; those it writes are zero in the template. */
static uint16_t tmpl_sum4(const uint8_t *h)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i < IPV4_HDR_MIN; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)((sum & 0xffff) + (sum >> 16));
}

/* The bytes every packet of the SA starts with. */
static void tmpl_build(struct esp_sa *sa, struct esp_tmpl *t)
{
	uint32_t off = 0;

	memset(t->hdr, 0, sizeof(t->hdr));
	t->sum4 = 0;
	if (sa->mode == ESP_MODE_TUNNEL) {
		build_ip(sa, t->hdr);
		if (sa->local.family != ADDR_V6)
			t->sum4 = tmpl_sum4(t->hdr);
		off = sa->local.family == ADDR_V6 ? IPV6_HDR_LEN
						  : IPV4_HDR_MIN;
	}
	t->udp_off = (uint8_t)off;
	if (sa->natt) {
		memcpy(t->hdr + off, &sa->local_port, 2);
		memcpy(t->hdr + off + 2, &sa->remote_port, 2);
		off += UDP_HDR_LEN;
	}
	memcpy(t->hdr + off, &sa->spi, 4);
	t->len = (uint8_t)(off + ESP_HDR_LEN);
}

void esp_outb_tmpl_update(struct esp_sa *sa)
{
	struct esp_tmpl next = sa->tmpl;

	tmpl_build(sa, &next);
	__atomic_fetch_add(&sa->tmpl.lock, 1, __ATOMIC_RELAXED); /* odd */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(sa->tmpl.hdr, next.hdr, sizeof(next.hdr));
	sa->tmpl.sum4 = next.sum4;
	sa->tmpl.len = next.len;
	sa->tmpl.udp_off = next.udp_off;
	__atomic_fetch_add(&sa->tmpl.lock, 1, __ATOMIC_RELEASE); /* even */
}

/* By esp_sa.path: transport, IPv6, NAT-T. */
static const esp_outb_hdr_fn hdr_by_path[ESP_PATH_COUNT] = {
	tun4, tun4_udp, tun6, tun6_udp, trs4, trs4_udp, trs6, trs6_udp,
};
static const esp_outb_post_fn post_by_path[ESP_PATH_COUNT] = {
	post_none, post_none, post_none, post_udp6,
	post_none, post_none, post_none, post_udp6,
};

void esp_outb_sa_init(struct esp_sa *sa, const struct esp_params *p)
{
	if (p->dir != ESP_DIR_OUT)
		return; /* the template shares its line with inbound's window */
	tmpl_build(sa, &sa->tmpl);
}

/* The first of n sequence numbers for a run of packets on sa (esp_sa.h:
 * rules with several workers). */
static inline uint64_t seq_take(struct esp_sa *sa, uint16_t n, bool sole)
{
	uint64_t last;

	if (!sole)
		return __atomic_fetch_add(&sa->seq_out, n, __ATOMIC_RELAXED) + 1;
	last = __atomic_load_n(&sa->seq_out, __ATOMIC_RELAXED);
	__atomic_store_n(&sa->seq_out, last + n, __ATOMIC_RELAXED);
	return last + 1;
}

/*
 * The first stage: sequence numbers, taken once per run of packets of one
 * SA, then the outer headers and the byte reservation, with the SA lines
 * of the packets ahead being fetched (esp_sa.h).
 */
static void outb_headers(struct esp_crypto *cx, struct rte_mbuf *mb[],
			 struct esp_sa *const sa[], uint8_t why[], uint16_t n)
{
	struct esp_pkt *pkt = cx->pkt;
	uint16_t i, j, f = 0;

	esp_sa_prefetch_upto(sa, &f, ESP_SA_AHEAD, n, cx->ctr_slot);
	for (i = 0; i < n; i = j) {
		struct esp_sa *s = sa[i];
		uint64_t first;

		for (j = i + 1; j < n && sa[j] == s; j++)
			;
		if (unlikely(s->dir != ESP_DIR_OUT)) {
			/* an inbound SA: its SPI is unknown here */
			memset(why + i, ESP_DROP_UNKNOWN_SPI, j - i);
			continue;
		}
		first = seq_take(s, j - i, cx->sole_sender);
		for (uint16_t k = i; k < j; k++) {
			esp_sa_prefetch_upto(sa, &f, k + 1 + ESP_SA_AHEAD, n,
					     cx->ctr_slot);
			pkt[k].seq = first + (k - i);
			why[k] = esp_sa_gate(s, pkt[k].seq);
			if (why[k] != ESP_DROP_NONE)
				continue;
			why[k] = hdr_by_path[s->path](s, mb[k], &pkt[k]);
			if (k < ESP_KEYS_AHEAD && why[k] == ESP_DROP_NONE)
				esp_sa_prefetch_keys(sa, k, pkt[k].ct_len);
		}
		if (unlikely(s->flags & ESP_SA_F_LIMITS))
			esp_sa_reserve_bytes(s, pkt, why, i, j);
	}
}

static uint16_t outb_pass(struct esp_crypto *cx, struct rte_mbuf *mb[],
			  struct esp_sa *sa[], uint8_t why[], uint16_t n)
{
	uint16_t i;

	outb_headers(cx, mb, sa, why, n);

	if (esp_crypto_gen_ivs(cx, n) < 0)
		memset(why, ESP_DROP_CRYPTO, n);
	esp_crypto_run(cx, sa, why, n);

	for (i = 0; i < n; i++) {
		if (why[i] == ESP_DROP_NONE)
			post_by_path[sa[i]->path](mb[i]);
		esp_sa_count_out(sa[i], why[i], cx->pkt[i].seq, cx->pkt[i].len,
				 cx->ctr_slot);
	}
	return esp_burst_split(mb, sa, why, n);
}

uint16_t esp_outb_process(struct esp_crypto *cx, struct rte_mbuf *mb[],
			  struct esp_sa *sa[], uint8_t why[], uint16_t n)
{
	return esp_burst_run(cx, mb, sa, why, n, outb_pass);
}
