/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6 extension header chain (RFC 8200 section 4), walked to find
 * what follows it: the upper-layer protocol for the SPD (RFC 4301 section
 * 4.4.1.1), ESP or UDP for the ESP core, and where transport-mode ESP goes
 * (RFC 4303 section 3.1.1).
 *
 * Skipped: Hop-by-Hop Options (0, only right after the fixed header),
 * Routing (43), Fragment (44), Destination Options (60).  The walk stops
 * at anything else: ESP (50), AH (51), No Next Header (59) or an upper
 * layer.  XXX HIP (139), Shim6 (140) and the experimental 253 and 254 are
 * taken as upper layers although RFC 8200 counts them as extension
 * headers; Mobility (135) is one for the SPD anyway (RFC 4301 4.4.1.1).
 *
 * Pure C, no DPDK: the walker reads a flat buffer and checks every length
 * against it before it reads.  Where nothing follows the fixed header but
 * an upper layer, it costs one test.
 */
#ifndef ESPGW_DP_IPV6_EXT_H
#define ESPGW_DP_IPV6_EXT_H

#include <stdbool.h>
#include <stdint.h>

#define IPV6_EXT_HDR_LEN 40 /* the fixed header */
#define IPV6_EXT_MAX     8  /* headers walked at most; more: malformed */

#define IPV6_EXT_HOPOPTS  0
#define IPV6_EXT_ROUTING  43
#define IPV6_EXT_FRAGMENT 44
#define IPV6_EXT_DSTOPTS  60
#define IPV6_EXT_FRAG_LEN 8 /* RFC 8200 section 4.5 */

#define IPV6_EXT_MASK                                                        \
	(1ull << IPV6_EXT_HOPOPTS | 1ull << IPV6_EXT_ROUTING |               \
	 1ull << IPV6_EXT_FRAGMENT | 1ull << IPV6_EXT_DSTOPTS)

/* What the walk found; offsets count from the start of the buffer. */
struct ipv6_ext {
	uint32_t l4_off;     /* where proto's header starts */
	uint32_t nh_off;     /* the Next Header byte that names proto */
	/* Transport-mode ESP goes after hop-by-hop, routing and fragment
	 * headers (RFC 4303 section 3.1.1): there, at esp_off, and the
	 * byte at esp_nh_off names what ESP will then protect. */
	uint32_t esp_off;
	uint32_t esp_nh_off;
	uint8_t proto;       /* the first header that is not skipped */
	bool frag;           /* a fragment header with an offset or M set */
	bool frag_later;     /* a non-initial fragment: what follows the
				fragment header is data, not a header, so
				ports are OPAQUE (RFC 4301 4.4.1.1) */
};

/* One of the four headers the walker skips? */
static inline bool ipv6_ext_is(uint8_t nh)
{
	return (IPV6_EXT_MASK >> (nh & 63u)) & (nh < 64u);
}

/* A fragment header at h: offset and M flag (RFC 8200 section 4.5). */
static inline void ipv6_ext_frag(const uint8_t *h, struct ipv6_ext *x)
{
	uint16_t om = (uint16_t)(h[2] << 8 | h[3]);

	/* An atomic fragment (offset 0, M clear; RFC 6946) is whole. */
	x->frag = x->frag || (om & 0xfff9u) != 0;
	x->frag_later = (om & 0xfff8u) != 0;
}

/* The length of the header of type nh at h, which has room for two
 * bytes; 0 for a header the walker does not skip. */
static inline uint32_t ipv6_ext_len(uint8_t nh, const uint8_t *h)
{
	if (nh == IPV6_EXT_FRAGMENT)
		return IPV6_EXT_FRAG_LEN;
	/* RFC 8200 4.3, 4.4, 4.6: units of 8 octets, not counting the
	 * first 8. */
	return ((uint32_t)h[1] + 1u) * 8u;
}

/* The slow part of the walk, for packets that carry extension headers. */
static inline bool ipv6_ext_walk(const uint8_t *pkt, uint32_t len,
				 uint32_t off, struct ipv6_ext *x)
{
	uint8_t nh = x->proto;

	for (unsigned int i = 0; i < IPV6_EXT_MAX; i++) {
		const uint8_t *h = pkt + off;
		uint32_t hl;

		/* RFC 8200 section 4.3: hop-by-hop only comes first. */
		if (nh == IPV6_EXT_HOPOPTS && i > 0)
			return false;
		if (len < 2u || off > len - 2u)
			return false;
		hl = ipv6_ext_len(nh, h);
		if (hl > len - off)
			return false;
		x->nh_off = off;
		x->proto = h[0];
		off += hl;
		x->l4_off = off;
		if (nh != IPV6_EXT_DSTOPTS) {
			x->esp_off = off;
			x->esp_nh_off = x->nh_off;
		}
		if (nh == IPV6_EXT_FRAGMENT) {
			ipv6_ext_frag(h, x);
			if (x->frag_later)
				return true;
		}
		nh = x->proto;
		if (!ipv6_ext_is(nh))
			return true;
	}
	return false;
}

/*
 * Walk the chain of the IPv6 packet whose fixed header is at pkt + off;
 * the caller has checked that those 40 bytes are there.  len counts from
 * pkt and ends the packet: the buffer's end or the payload length's,
 * whichever comes first.
 * False for a malformed chain: a header cut short by len, hop-by-hop
 * after the first place, or more than IPV6_EXT_MAX headers.  On success
 * *x says what follows; for a non-initial fragment proto is the Next
 * Header of the fragment header and l4_off points after it.
 */
static inline bool ipv6_ext_skip(const uint8_t *pkt, uint32_t len,
				 uint32_t off, struct ipv6_ext *x)
{
	x->proto = pkt[off + 6];
	x->nh_off = off + 6;
	x->l4_off = off + IPV6_EXT_HDR_LEN;
	x->esp_off = x->l4_off;
	x->esp_nh_off = x->nh_off;
	x->frag = false;
	x->frag_later = false;
	if (__builtin_expect(!ipv6_ext_is(x->proto), 1))
		return true;
	return ipv6_ext_walk(pkt, len, x->l4_off, x);
}

#endif
