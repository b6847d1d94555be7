/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A second ESP implementation for the tests, written from RFC 4303 (ESP),
 * RFC 3602 (AES-CBC), RFC 4868 / RFC 2404 (HMAC-SHA), RFC 4106 (AES-GCM)
 * and RFC 3948 (UDP encapsulation) on OpenSSL EVP.  It shares no code with
 * the data plane: it reads only the plain esp_params.
 */
#ifndef ESPGW_TEST_ESP_ORACLE_H
#define ESPGW_TEST_ESP_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_params.h"

/* What oracle_encap builds, beyond a correct packet. */
struct oracle_opts {
	uint64_t seq;        /* full sequence number; low 32 bits are sent */
	const uint8_t *iv;   /* CBC 16, GCM 8 bytes; NULL: derived from seq */
	uint32_t tfc;        /* TFC padding bytes after the inner packet */
	uint32_t extra_pad;  /* extra padding blocks (still 1, 2, 3, ...) */
	bool bad_pad;        /* corrupt the last padding byte */
	int pad_len;         /* >= 0: write this pad length byte instead */
	int nh;              /* >= 0: write this next header instead */
	uint8_t outer_tos;   /* tunnel mode: outer TOS; copies inner if 0 */
	bool keep_tos;       /* use outer_tos even if 0 */
};

/* The result of oracle_decap. */
struct oracle_out {
	uint8_t pkt[4096];   /* the packet restored: inner (tunnel) or whole */
	size_t len;
	uint32_t seq_lo;
	uint8_t iv[16];
	uint8_t outer_tos;   /* tunnel mode */
	uint8_t outer_df;    /* outer IPv4 DF bit (0 or 0x40) */
	uint8_t pad_len;
	const char *err;     /* why it failed */
};

/* Protect pkt (an IPv4 or IPv6 packet) for SA p.  Returns the length of
 * the packet written to out (from the outer IP header), 0 on error. */
size_t oracle_encap(const struct esp_params *p, const struct oracle_opts *o,
		    const uint8_t *pkt, size_t len, uint8_t *out, size_t cap);

/*
 * Check and undo what an espgw outbound SA p built (pkt from the outer IP
 * header).  seq_hi: the high 32 bits of the sequence number expected (ESN).
 * Checks every header field the RFCs fix, the ICV, the padding.
 * Returns 0, or -1 with r->err set.
 */
int oracle_decap(const struct esp_params *p, uint32_t seq_hi,
		 const uint8_t *pkt, size_t len, struct oracle_out *r);

/* RFC 1071 checksum over len bytes (0 when the data includes a correct
 * checksum field). */
uint16_t oracle_csum(const uint8_t *b, size_t len, uint32_t sum);

#endif
