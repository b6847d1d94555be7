/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inbound ESP: verification and decapsulation on an inbound SA.
 */
#ifndef ESPGW_ESP_INB_H
#define ESPGW_ESP_INB_H

#include <stdint.h>

#include "esp_crypto.h"
#include "esp_sa.h"

struct rte_mbuf;

/*
 * Verify and decapsulate a burst.  mb[i] starts at the outer IP header
 * (the caller strips Ethernet) and carries ESP, or ESP in UDP, for sa[i],
 * which the caller looked up by SPI.  On return mb[0..r) hold the inner
 * packet (tunnel mode) or the restored packet (transport mode), starting at
 * its IP header, TTL untouched; mb[r..n) are the packets to free, why[i]
 * saying why (an enum esp_drop), where r is the return value.  sa[] is
 * reordered along with mb[]; why[i] is 0 for good packets.  Each inbound
 * SA must only ever be passed by its owning worker (esp_sa.h).
 */
uint16_t esp_inb_process(struct esp_crypto *cx, struct rte_mbuf *mb[],
			 struct esp_sa *sa[], uint8_t why[], uint16_t n);

/* Install time: pick sa's inbound routines. */
void esp_inb_sa_init(struct esp_sa *sa, const struct esp_params *p);

#endif
