/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Encrypted payload (RFC 7296 section 3.14): AES-CBC with an HMAC ICV
 * over the whole message, or AES-GCM with the IKE header and the SK payload
 * header as associated data (RFC 5282).
 *
 * One struct ike_sk holds the keys of one direction: SK_ei/SK_ai for what
 * the initiator sends, SK_er/SK_ar for what the responder sends.  Sealing
 * advances the AES-GCM IV counter, so one struct must not be used by two
 * threads at once, nor copied and both copies used to send; opening
 * changes nothing in it.
 */
#ifndef ESPGW_IKE_SK_H
#define ESPGW_IKE_SK_H

#include <stddef.h>
#include <stdint.h>

#include "algo.h"
#include "ike_gen.h"
#include "ike_keys.h"
#include "ike_pld.h"

enum ike_sk_error {
	IKE_SK_OK = 0,
	IKE_SK_E_LENGTH, /* too short for IV and ICV, or not whole blocks */
	IKE_SK_E_ICV,	 /* integrity check failed */
	IKE_SK_E_PAD,	 /* pad length longer than the plaintext */
	IKE_SK_E_SPACE,	 /* no room for padding and ICV, or misuse */
	IKE_SK_E_CRYPTO, /* OpenSSL failed */
};

struct ike_sk {
	const struct algo *encr;
	const struct algo *integ; /* NULL with an AEAD cipher */
	size_t ek_len, ak_len;
	uint8_t ek[IKE_KEY_MAX]; /* key, then salt for AES-GCM */
	uint8_t ak[IKE_KEY_MAX];
	uint64_t iv_seq; /* AES-GCM: next IV, unique per key (RFC 5282 3.1) */
};

/*
 * ek is encr->key_len + encr->salt_len bytes (SK_e), ak is integ->key_len
 * bytes (SK_a) or NULL with AES-GCM.  Returns 0, or -1 for a combination
 * the SK payload cannot use.
 */
int ike_sk_init(struct ike_sk *sk, const struct algo *encr,
		const struct algo *integ, const uint8_t *ek, const uint8_t *ak);

void ike_sk_wipe(struct ike_sk *sk);

/* IV bytes to pass to ike_gen_sk_begin(). */
size_t ike_sk_iv_len(const struct ike_sk *sk);
/* At most how many octets sealing adds after the plaintext. */
size_t ike_sk_tail_max(const struct ike_sk *sk);

/*
 * Pad, encrypt and protect the SK payload opened in g by
 * ike_gen_sk_begin(), then fill in the payload and message lengths.  On
 * success *len is the length of the finished message.
 * After ike_gen_skf_begin() it seals one SKF fragment (RFC 7383); see
 * ike_frag.h.
 */
enum ike_sk_error ike_sk_seal(struct ike_sk *sk, struct ike_gen *g,
			      size_t *len);

/*
 * Check the ICV of the SK or SKF payload m->sk of the message msg (as
 * parsed by ike_pld_parse()) and decrypt it in place.  On success plain
 * covers the inner payloads, ready for ike_pld_parse_inner().  On failure
 * the payload's bytes may have been overwritten: drop the message.
 */
enum ike_sk_error ike_sk_open(const struct ike_sk *sk, uint8_t *msg, size_t len,
			      const struct ike_sk_pld *pld,
			      struct ike_slice *plain);

const char *ike_sk_strerror(enum ike_sk_error e);

#endif
