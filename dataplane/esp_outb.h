/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outbound ESP: encapsulation of cleartext packets on an outbound SA.
 */
#ifndef ESPGW_ESP_OUTB_H
#define ESPGW_ESP_OUTB_H

#include <stdint.h>

#include "esp_crypto.h"
#include "esp_pad.h"
#include "esp_sa.h"

struct rte_mbuf;

/*
 * Protect a burst.  mb[i] starts at the inner IP header (IPv4 or IPv6) and
 * is sent on sa[i]; any mix of SAs, any n.  On return mb[0..r) start at the
 * outer IP header (the caller prepends Ethernet), and mb[r..n) are the
 * packets to free, why[i] saying why (an enum esp_drop), where r is the
 * return value.  sa[] is reordered along with mb[]; why[i] is 0 for good
 * packets.  Per-SA counters are updated.  Any number of workers may call
 * this at once for the same SA (esp_sa.h); cx is the calling worker's.
 */
uint16_t esp_outb_process(struct esp_crypto *cx, struct rte_mbuf *mb[],
			  struct esp_sa *sa[], uint8_t why[], uint16_t n);

/* The most ESP adds to a packet: an outer IPv6 header, UDP, the ESP
 * header, a CBC IV, 15 bytes of padding, the trailer, a 256-bit ICV. */
#define ESP_OUTB_OVERHEAD_MAX (40 + 8 + 8 + 16 + 15 + 2 + 32)

/*
 * The longest inner packet that sa carries in tunnel mode within mtu
 * bytes of outer IP packet: mtu less the outer headers, the IV and the
 * ICV, cut to the cipher's block, less the trailer.  0 if none fits.
 */
static inline uint32_t esp_outb_tunnel_max(const struct esp_sa *sa,
					   uint32_t mtu)
{
	uint32_t fixed = sa->tmpl.len + sa->iv_len + sa->icv_len;

	if (mtu < fixed + ESP_TRAILER_LEN + sa->blk_mask + 1)
		return 0;
	return ((mtu - fixed) & ~(uint32_t)sa->blk_mask) - ESP_TRAILER_LEN;
}

/* Install time: pick sa's outbound routines and build its template. */
void esp_outb_sa_init(struct esp_sa *sa, const struct esp_params *p);

/* Rebuild the header template (under its lock) after remote changed. */
void esp_outb_tmpl_update(struct esp_sa *sa);

#endif
