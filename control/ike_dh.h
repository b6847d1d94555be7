/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Diffie-Hellman for the KE payload (RFC 7296 section 3.4) with OpenSSL 3:
 * MODP groups of RFC 2409 and RFC 3526, ECP groups with the x | y encoding
 * of RFC 5903, and Curve25519 (RFC 8031).
 *
 * A struct ike_dh holds one private key; it is used by one thread at a
 * time.  It is reference counted, so that a responder can hand the same
 * key pair to several IKE SAs (RFC 7296 section 2.12).  Public values
 * received from peers are checked before use.
 */
#ifndef ESPGW_IKE_DH_H
#define ESPGW_IKE_DH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "algo.h"

/* Longest public value or shared secret: MODP-4096. */
#define IKE_DH_MAX 512

enum ike_dh_error {
	IKE_DH_OK = 0,
	IKE_DH_E_LENGTH, /* peer value not the group's length */
	IKE_DH_E_RANGE,	 /* MODP value outside 2 .. p-2 */
	IKE_DH_E_POINT,	 /* not a point on the curve */
	IKE_DH_E_ZERO,	 /* X25519 result all zero, RFC 8031 section 2 */
	IKE_DH_E_CRYPTO, /* OpenSSL failed */
};

struct ike_dh;

/* The DH transforms of common/algo.h this module can run (DH_NONE is not
 * one); algo_by_iana(ALGO_DH, group, 0) then ike_dh_supported(). */
bool ike_dh_supported(const struct algo *group);

/* A new key pair in group, or NULL (unsupported group, OpenSSL failure). */
struct ike_dh *ike_dh_new(const struct algo *group);

/*
 * A key pair from a given private value (big-endian exponent for MODP,
 * scalar for ECP, the 32 raw octets for Curve25519): for known-answer
 * tests and for in-process exchanges with fixed keys.
 */
struct ike_dh *ike_dh_new_private(const struct algo *group, const uint8_t *priv,
				  size_t len);

/* One more holder of dh (not thread-safe); returns dh. */
struct ike_dh *ike_dh_ref(struct ike_dh *dh);

/* Drop one holder; the last one frees the key.  NULL is ignored. */
void ike_dh_free(struct ike_dh *dh);

const struct algo *ike_dh_group(const struct ike_dh *dh);

/* Bytes of the public value in a KE payload (the table's out_len). */
size_t ike_dh_public_len(const struct algo *group);

/* Bytes of g^ir: the modulus length for MODP (section 2.14, padded with
 * zeros in front), the x coordinate for ECP (RFC 5903 section 9), 32. */
size_t ike_dh_secret_len(const struct algo *group);

/* Write the public value for the KE payload; returns its length or 0. */
size_t ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t cap);

/*
 * Check the peer's public value and compute g^ir into secret (cap bytes at
 * least ike_dh_secret_len()).  The caller wipes the secret after use.
 */
enum ike_dh_error ike_dh_derive(const struct ike_dh *dh, const uint8_t *peer,
				size_t len, uint8_t *secret, size_t cap);

const char *ike_dh_strerror(enum ike_dh_error e);

#endif
