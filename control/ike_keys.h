/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 key derivation (RFC 7296 sections 2.13, 2.14, 2.17, 2.18) and the
 * shared-key AUTH value (section 2.15), with HMAC from OpenSSL's EVP_MAC.
 *
 * Algorithms come from common/algo.h; every output length below is the one
 * its table gives.  All functions return 0, or -1 when OpenSSL fails or an
 * argument is outside what the RFC allows; none keeps state, so they are
 * safe to call from any thread.  Callers wipe what they derive with
 * ike_keys_wipe() / OPENSSL_cleanse() when done.
 */
#ifndef ESPGW_IKE_KEYS_H
#define ESPGW_IKE_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "algo.h"
#include "ike_proto.h"

#define IKE_PRF_MAX 64 /* longest PRF output (HMAC-SHA-512) */
#define IKE_KEY_MAX 64 /* longest key: integrity SHA-512, or AES-256+salt */

/*
 * prf(key, data[0] | ... | data[n-1]) for an HMAC transform of common/algo.h:
 * a PRF writes out_len bytes; an integrity transform writes the whole
 * digest (key_len bytes), which the caller truncates to its ICV.
 */
int ike_prf(const struct algo *a, const uint8_t *key, size_t key_len,
	    const struct ike_slice *data, size_t n, uint8_t *out);

/* Section 2.13: prf+(key, seed) = T1 | T2 | ..., at most 255 blocks. */
int ike_prf_plus(const struct algo *prf, const uint8_t *key, size_t key_len,
		 const struct ike_slice *seed, size_t n, uint8_t *out,
		 size_t out_len);

/*
 * Section 2.14: SKEYSEED = prf(Ni | Nr, g^ir); out is prf->out_len bytes.
 * XXX Only HMAC PRFs are in the table, so the nonces are used whole; a
 * fixed-key PRF (AES-XCBC, AES-CMAC) would need half of each.
 */
int ike_skeyseed(const struct algo *prf, struct ike_slice ni,
		 struct ike_slice nr, struct ike_slice gir, uint8_t *out);

/* Section 2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), with the
 * PRF of the old IKE SA. */
int ike_skeyseed_rekey(const struct algo *old_prf, struct ike_slice sk_d_old,
		       struct ike_slice gir, struct ike_slice ni,
		       struct ike_slice nr, uint8_t *out);

/* The seven keys of an IKE SA, section 2.14, in the order prf+ makes them. */
struct ike_sa_keys {
	size_t d_len, a_len, e_len, p_len;
	uint8_t sk_d[IKE_PRF_MAX];
	uint8_t sk_ai[IKE_KEY_MAX], sk_ar[IKE_KEY_MAX];
	uint8_t sk_ei[IKE_KEY_MAX], sk_er[IKE_KEY_MAX];
	uint8_t sk_pi[IKE_PRF_MAX], sk_pr[IKE_PRF_MAX];
};

/*
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *	= prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
 * integ is NULL with an AEAD cipher (no SK_a); SK_e carries the salt after
 * the key (RFC 5282 section 7.1).
 */
int ike_keys_sa(struct ike_sa_keys *k, const struct algo *prf,
		const struct algo *encr, const struct algo *integ,
		const uint8_t *skeyseed, struct ike_slice ni,
		struct ike_slice nr, uint64_t spi_i, uint64_t spi_r);

/*
 * Section 2.17: KEYMAT = prf+(SK_d, Ni | Nr), or with PFS
 * prf+(SK_d, g^ir (new) | Ni | Nr); pass gir.len == 0 for no PFS.
 */
int ike_keymat(const struct algo *prf, struct ike_slice sk_d,
	       struct ike_slice gir, struct ike_slice ni, struct ike_slice nr,
	       uint8_t *out, size_t out_len);

/* KEYMAT split for one CHILD SA: initiator-to-responder keys first,
 * encryption (with salt) before integrity, section 2.17. */
struct ike_child_keys {
	size_t e_len, a_len;
	uint8_t ei[IKE_KEY_MAX], ai[IKE_KEY_MAX];
	uint8_t er[IKE_KEY_MAX], ar[IKE_KEY_MAX];
};

int ike_keys_child(struct ike_child_keys *k, const struct algo *prf,
		   struct ike_slice sk_d, const struct algo *encr,
		   const struct algo *integ, struct ike_slice gir,
		   struct ike_slice ni, struct ike_slice nr);

/*
 * Section 2.15 with a shared secret:
 *	AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>)
 *	<SignedOctets> = RealMessage | Nonce of the peer | prf(SK_p, ID body)
 * msg is the sender's first message (IKE_SA_INIT request or response),
 * nonce the other side's nonce, sk_p the sender's SK_pi or SK_pr and id the
 * sender's ID payload body (struct ike_id_pld.body).  out: prf->out_len.
 */
int ike_auth_psk(const struct algo *prf, struct ike_slice psk,
		 struct ike_slice msg, struct ike_slice nonce,
		 struct ike_slice sk_p, struct ike_slice id, uint8_t *out);

/* Compute the expected AUTH as above and compare it with the received one
 * in constant time; false also when the lengths differ. */
bool ike_auth_psk_check(const struct algo *prf, struct ike_slice psk,
			struct ike_slice msg, struct ike_slice nonce,
			struct ike_slice sk_p, struct ike_slice id,
			struct ike_slice auth);

/* RFC 7296 section 2.23: NAT_DETECTION_*_IP data is SHA-1 over SPIi,
 * SPIr, the address and the port (host order here), all as on the wire. */
#define IKE_NATD_LEN 20
void ike_natd_hash(uint64_t spi_i, uint64_t spi_r, const struct ip_addr *addr,
		   uint16_t port, uint8_t out[IKE_NATD_LEN]);

/* OpenSSL's digest name of an HMAC transform, or NULL. */
const char *ike_keys_digest(const struct algo *a);

void ike_keys_wipe(void *p, size_t len);

#endif
