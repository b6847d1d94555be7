/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 message builder (RFC 7296 section 3) into a caller's buffer.
 *
 * Payloads are appended in order; each one writes its type into the
 * previous payload's next payload field (or the header's) and its own
 * length when it is closed.  Nothing is written past cap: the first write
 * that would not fit (or a call out of order) sets failed, every later call
 * does nothing, and ike_gen_finish() reports the failure once.  Without
 * ike_gen_hdr() the builder makes a bare payload chain (the caller knows
 * the first type), as the inside of an SK payload is.
 *
 * An encrypted message is built in place: ike_gen_sk_begin() opens the SK
 * payload and leaves room for the IV, the inner payloads follow as usual,
 * and ike_sk_seal() (ike_sk.h) pads, encrypts and closes it.
 */
#ifndef ESPGW_IKE_GEN_H
#define ESPGW_IKE_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_pld.h"

/* Offsets below are IKE_GEN_NONE when there is no such thing. */
#define IKE_GEN_NONE SIZE_MAX

struct ike_gen {
	uint8_t *buf;
	size_t cap;
	size_t len;
	bool failed;	 /* out of room, or calls out of order */
	bool has_hdr;	 /* started with ike_gen_hdr() */
	size_t next_off; /* next payload field to fill with the next type */
	size_t pld_off;	 /* start of the open payload */
	size_t prop_off; /* start of the open proposal */
	size_t xf_off;	 /* last transform of that proposal */
	uint8_t n_xf;	 /* transforms in the open proposal */
	size_t sk_off;	 /* start of the SK payload not yet sealed */
	size_t iv_len;	 /* IV bytes reserved after the SK header */
	bool sk_frag;	 /* it is an SKF payload (RFC 7383 2.5) */
};

void ike_gen_init(struct ike_gen *g, uint8_t *buf, size_t cap);

/* The IKE header (section 3.1); the length is filled in at the end. */
void ike_gen_hdr(struct ike_gen *g, uint64_t spi_i, uint64_t spi_r,
		 uint8_t exchange, uint8_t flags, uint32_t msg_id);

/* Generic payload frame, for payloads with no helper below. */
void ike_gen_begin(struct ike_gen *g, uint8_t type, bool critical);
void ike_gen_end(struct ike_gen *g);

/* Raw field writers inside the open payload. */
void ike_gen_bytes(struct ike_gen *g, const void *p, size_t len);
void ike_gen_u8(struct ike_gen *g, uint8_t v);
void ike_gen_u16(struct ike_gen *g, uint16_t v);
void ike_gen_u32(struct ike_gen *g, uint32_t v);

/* SA payload: proposals of transforms, section 3.3. */
void ike_gen_sa_begin(struct ike_gen *g);
void ike_gen_proposal(struct ike_gen *g, uint8_t num, uint8_t protocol,
		      const uint8_t *spi, uint8_t spi_len);
/* key_bits 0: no Key Length attribute. */
void ike_gen_transform(struct ike_gen *g, uint8_t type, uint16_t id,
		       uint16_t key_bits);
void ike_gen_sa_end(struct ike_gen *g);

void ike_gen_ke(struct ike_gen *g, uint16_t group, const uint8_t *pub,
		size_t len);
void ike_gen_nonce(struct ike_gen *g, const uint8_t *nonce, size_t len);
/* type is IKE_PLD_IDi or IKE_PLD_IDr. */
void ike_gen_id(struct ike_gen *g, uint8_t type, uint8_t id_type,
		const uint8_t *data, size_t len);
void ike_gen_auth(struct ike_gen *g, uint8_t method, const uint8_t *data,
		  size_t len);
/* type is IKE_PLD_CERT or IKE_PLD_CERTREQ. */
void ike_gen_cert(struct ike_gen *g, uint8_t type, uint8_t encoding,
		  const uint8_t *data, size_t len);
void ike_gen_notify(struct ike_gen *g, uint8_t protocol, const uint8_t *spi,
		    uint8_t spi_len, uint16_t type, const uint8_t *data,
		    size_t len);
void ike_gen_delete(struct ike_gen *g, uint8_t protocol, uint8_t spi_size,
		    const uint8_t *spis, uint16_t n_spi);
void ike_gen_vendor(struct ike_gen *g, const uint8_t *id, size_t len);
/* type is IKE_PLD_TSi or IKE_PLD_TSr; selectors of known types only. */
void ike_gen_ts(struct ike_gen *g, uint8_t type, const struct ike_ts *ts,
		uint8_t n);
void ike_gen_cp_begin(struct ike_gen *g, uint8_t cfg_type);
void ike_gen_cp_attr(struct ike_gen *g, uint16_t type, const uint8_t *value,
		     uint16_t len);
#define ike_gen_cp_end ike_gen_end
void ike_gen_eap(struct ike_gen *g, const uint8_t *msg, size_t len);

/* Open the SK payload and reserve iv_len bytes for the IV. */
void ike_gen_sk_begin(struct ike_gen *g, size_t iv_len);
/* The same for an SKF payload, fragment num of total (RFC 7383 2.5);
 * its Next Payload is left 0. */
void ike_gen_skf_begin(struct ike_gen *g, size_t iv_len, uint16_t num,
		       uint16_t total);

/*
 * Close a clear message started with ike_gen_hdr(): fill in the header
 * length.  Returns the message
 * length, or 0 when something did not fit or a payload was left open.
 */
size_t ike_gen_finish(struct ike_gen *g);

/* Reserve n bytes at the end and return them, or NULL (failed). */
uint8_t *ike_gen_reserve(struct ike_gen *g, size_t n);

/* Write a 16- or 32-bit big-endian value at an offset already written. */
void ike_gen_put16(struct ike_gen *g, size_t off, uint16_t v);
void ike_gen_put32(struct ike_gen *g, size_t off, uint32_t v);

#endif
