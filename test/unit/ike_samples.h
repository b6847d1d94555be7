/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 messages written out by hand from RFC 7296 section 3, byte by
 * byte, so that the parser and the builder are each checked against
 * something neither of them produced.
 */
#ifndef ESPGW_IKE_SAMPLES_H
#define ESPGW_IKE_SAMPLES_H

#include <stdint.h>

#define R16(b) b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b

/* IKE_SA_INIT request: SA (AES-CBC-256, HMAC-SHA-256-128, PRF-SHA-256,
 * Curve25519), KE, Ni, two NAT detection notifies, fragmentation
 * supported, one vendor ID.  220 octets. */
static const uint8_t sample_sa_init[] = {
	/* header: SPIi, SPIr, next SA, 2.0, IKE_SA_INIT, I, ID 0, 220 */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0, 0, 0, 0, 0, 0, 0, 0,
	33, 0x20, 34, 0x08, 0, 0, 0, 0, 0, 0, 0, 220,
	/* SA: next KE, length 48 */
	34, 0, 0, 48,
	/* proposal: last, length 44, #1, IKE, no SPI, 4 transforms */
	0, 0, 0, 44, 1, 1, 0, 4,
	/* ENCR 12 (AES-CBC), Key Length 256 */
	3, 0, 0, 12, 1, 0, 0, 12, 0x80, 14, 0x01, 0x00,
	/* INTEG 12 (HMAC-SHA-256-128) */
	3, 0, 0, 8, 3, 0, 0, 12,
	/* PRF 5 (HMAC-SHA-256) */
	3, 0, 0, 8, 2, 0, 0, 5,
	/* D-H 31 (Curve25519), last */
	0, 0, 0, 8, 4, 0, 0, 31,
	/* KE: next Ni, length 40, group 31 */
	40, 0, 0, 40, 0, 31, 0, 0,
	R16(0x11), R16(0x12),
	/* Ni: next N, length 20 */
	41, 0, 0, 20,
	R16(0x4e),
	/* N(NAT_DETECTION_SOURCE_IP): next N, length 28 */
	41, 0, 0, 28, 0, 0, 0x40, 0x04,
	R16(0x5a), 0x5a, 0x5a, 0x5a, 0x5a,
	/* N(NAT_DETECTION_DESTINATION_IP): next N, length 28 */
	41, 0, 0, 28, 0, 0, 0x40, 0x05,
	R16(0xda), 0xda, 0xda, 0xda, 0xda,
	/* N(IKEV2_FRAGMENTATION_SUPPORTED): next V, length 8 */
	43, 0, 0, 8, 0, 0, 0x40, 0x2e,
	/* V: last, length 20 */
	0, 0, 0, 20,
	R16(0x56),
};

/* IKE_AUTH request as it travels: header and an SK payload whose first
 * inner payload is IDi, 16 octets of IV, 32 of ciphertext, 16 of ICV. */
static const uint8_t sample_auth_outer[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8,
	46, 0x20, 35, 0x08, 0, 0, 0, 1, 0, 0, 0, 96,
	/* SK: next IDi, length 68 */
	35, 0, 0, 68,
	R16(0x1f), R16(0xc1), R16(0xc2), R16(0x1c),
};

/* The plaintext inside an IKE_AUTH request, first payload IDi: IDi, AUTH,
 * N(INITIAL_CONTACT), CP request, SA for ESP, TSi, TSr.  175 octets. */
static const uint8_t sample_auth_inner[] = {
	/* IDi: next AUTH, length 19, ID_FQDN "example.org" */
	39, 0, 0, 19, 2, 0, 0, 0,
	'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r', 'g',
	/* AUTH: next N, length 40, shared key MIC */
	41, 0, 0, 40, 2, 0, 0, 0,
	R16(0xa5), R16(0xa5),
	/* N(INITIAL_CONTACT): next CP, length 8 */
	47, 0, 0, 8, 0, 0, 0x40, 0x00,
	/* CP: next SA, length 16, CFG_REQUEST, IP4 address, IP4 DNS */
	33, 0, 0, 16, 1, 0, 0, 0,
	0, 1, 0, 0, 0, 3, 0, 0,
	/* SA: next TSi, length 44; proposal #1 ESP, SPI c0ffee01 */
	44, 0, 0, 44,
	0, 0, 0, 40, 1, 3, 4, 3, 0xc0, 0xff, 0xee, 0x01,
	3, 0, 0, 12, 1, 0, 0, 12, 0x80, 14, 0x01, 0x00,
	3, 0, 0, 8, 3, 0, 0, 12,
	0, 0, 0, 8, 5, 0, 0, 0,
	/* TSi: next TSr, length 24, any IPv4 address, any port */
	45, 0, 0, 24, 1, 0, 0, 0,
	7, 0, 0, 16, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 255, 255, 255, 255,
	/* TSr: last, length 24, TCP 10.0.0.0 - 10.0.0.255 port 443 */
	0, 0, 0, 24, 1, 0, 0, 0,
	7, 6, 0, 16, 0x01, 0xbb, 0x01, 0xbb, 10, 0, 0, 0, 10, 0, 0, 255,
};

#undef R16

#endif
