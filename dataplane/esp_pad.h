/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP padding and trailer, RFC 4303 section 2.4-2.6:
 *   payload | padding 1, 2, 3, ... | pad length | next header
 * padded so that the ciphertext is a whole number of cipher blocks (CBC,
 * RFC 3602) or of 4 bytes (GCM, RFC 4106 section 3).
 */
#ifndef ESPGW_ESP_PAD_H
#define ESPGW_ESP_PAD_H

#include <stdbool.h>
#include <stdint.h>

#define ESP_TRAILER_LEN 2 /* pad length, next header */

/* Next header values used here (IANA protocol numbers). */
#define ESP_NH_IPV4  4
#define ESP_NH_IPV6  41
#define ESP_NH_NONE  59 /* dummy packet, RFC 4303 section 2.6 */

/* Padding bytes for len bytes of payload; blk_mask is the alignment - 1. */
static inline uint32_t esp_pad_len(uint32_t len, uint32_t blk_mask)
{
	return (0u - (len + ESP_TRAILER_LEN)) & blk_mask;
}

/* Write padding and trailer at tr, which has pad + 2 bytes. */
static inline void esp_pad_fill(uint8_t *tr, uint32_t pad, uint8_t nh)
{
	for (uint32_t i = 0; i < pad; i++)
		tr[i] = (uint8_t)(i + 1);
	tr[pad] = (uint8_t)pad;
	tr[pad + 1] = nh;
}

/*
 * The default padding contents (section 2.4) are checked after the ICV has
 * verified, so this need not run in constant time.
 */
static inline bool esp_pad_check(const uint8_t *pad, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		if (pad[i] != (uint8_t)(i + 1))
			return false;
	}
	return true;
}

#endif
