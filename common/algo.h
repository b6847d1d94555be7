/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one table of cryptographic algorithms espgw knows.
 *
 * Every place that needs an algorithm's name in the configuration, its
 * IANA transform id (RFC 7296 section 3.3.2, RFC 4868, RFC 4106, RFC 8031),
 * its key or ICV size reads it from ALGO_TABLE below; nothing else keeps a
 * parallel switch statement.
 */
#ifndef ESPGW_ALGO_H
#define ESPGW_ALGO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IKEv2 transform types, RFC 7296 section 3.3.2. */
enum algo_type {
	ALGO_ENCR = 1,
	ALGO_PRF = 2,
	ALGO_INTEG = 3,
	ALGO_DH = 4,
};

/* Where an algorithm may be used. */
#define ALGO_ESP  0x1u /* CHILD_SA proposals, the data plane */
#define ALGO_IKE  0x2u /* IKE SA proposals, the control plane */
#define ALGO_AEAD 0x4u /* combined mode: no separate integrity transform */

/*
 * X(id, type, iana, name, alias, key_len, salt_len, out_len, iv_len, flags)
 *
 * name     spelling in proposals (RouterOS /ip ipsec proposal)
 * alias    other accepted spelling (RouterOS /ip ipsec profile), or NULL
 * key_len  bytes of key; DH: bits of the group
 * salt_len bytes of salt appended to the key in KEYMAT (RFC 4106 section 8.1)
 * out_len  INTEG: ICV bytes; PRF: output bytes; AEAD: ICV bytes;
 *          DH: bytes of the public value in a KE payload
 * iv_len   bytes of IV carried in each ESP packet
 */
#define ALGO_TABLE(X)                                                          \
	X(AES_128_CBC, ALGO_ENCR, 12, "aes-128-cbc", "aes-128", 16, 0, 0, 16, \
	  ALGO_ESP | ALGO_IKE)                                                 \
	X(AES_192_CBC, ALGO_ENCR, 12, "aes-192-cbc", "aes-192", 24, 0, 0, 16, \
	  ALGO_IKE)                                                            \
	X(AES_256_CBC, ALGO_ENCR, 12, "aes-256-cbc", "aes-256", 32, 0, 0, 16, \
	  ALGO_ESP | ALGO_IKE)                                                 \
	X(AES_128_GCM, ALGO_ENCR, 20, "aes-128-gcm", NULL, 16, 4, 16, 8,       \
	  ALGO_ESP | ALGO_IKE | ALGO_AEAD)                                     \
	X(AES_256_GCM, ALGO_ENCR, 20, "aes-256-gcm", NULL, 32, 4, 16, 8,       \
	  ALGO_ESP | ALGO_IKE | ALGO_AEAD)                                     \
	X(HMAC_SHA1_96, ALGO_INTEG, 2, "sha1", NULL, 20, 0, 12, 0,             \
	  ALGO_ESP | ALGO_IKE)                                                 \
	X(HMAC_SHA256_128, ALGO_INTEG, 12, "sha256", NULL, 32, 0, 16, 0,       \
	  ALGO_ESP | ALGO_IKE)                                                 \
	X(HMAC_SHA384_192, ALGO_INTEG, 13, "sha384", NULL, 48, 0, 24, 0,       \
	  ALGO_ESP | ALGO_IKE)                                                 \
	X(HMAC_SHA512_256, ALGO_INTEG, 14, "sha512", NULL, 64, 0, 32, 0,       \
	  ALGO_ESP | ALGO_IKE)                                                 \
	X(PRF_HMAC_SHA1, ALGO_PRF, 2, "sha1", NULL, 20, 0, 20, 0, ALGO_IKE)     \
	X(PRF_HMAC_SHA256, ALGO_PRF, 5, "sha256", NULL, 32, 0, 32, 0, ALGO_IKE) \
	X(PRF_HMAC_SHA384, ALGO_PRF, 6, "sha384", NULL, 48, 0, 48, 0, ALGO_IKE) \
	X(PRF_HMAC_SHA512, ALGO_PRF, 7, "sha512", NULL, 64, 0, 64, 0, ALGO_IKE) \
	X(DH_NONE, ALGO_DH, 0, "none", NULL, 0, 0, 0, 0, ALGO_ESP)            \
	X(MODP1024, ALGO_DH, 2, "modp1024", NULL, 1024, 0, 128, 0,             \
	  ALGO_ESP | ALGO_IKE)                                                 \
	X(MODP1536, ALGO_DH, 5, "modp1536", NULL, 1536, 0, 192, 0,             \
	  ALGO_ESP | ALGO_IKE)                                                 \
	X(MODP2048, ALGO_DH, 14, "modp2048", NULL, 2048, 0, 256, 0,            \
	  ALGO_ESP | ALGO_IKE)                                                 \
	X(MODP3072, ALGO_DH, 15, "modp3072", NULL, 3072, 0, 384, 0,            \
	  ALGO_ESP | ALGO_IKE)                                                 \
	X(MODP4096, ALGO_DH, 16, "modp4096", NULL, 4096, 0, 512, 0,            \
	  ALGO_ESP | ALGO_IKE)                                                 \
	X(ECP256, ALGO_DH, 19, "ecp256", NULL, 256, 0, 64, 0,                  \
	  ALGO_ESP | ALGO_IKE)                                                 \
	X(ECP384, ALGO_DH, 20, "ecp384", NULL, 384, 0, 96, 0,                  \
	  ALGO_ESP | ALGO_IKE)                                                 \
	X(CURVE25519, ALGO_DH, 31, "curve25519", NULL, 255, 0, 32, 0,          \
	  ALGO_ESP | ALGO_IKE)

enum algo_id {
	ALGO_INVALID = 0,
#define ALGO_ENUM(id, ...) ALGO_##id,
	ALGO_TABLE(ALGO_ENUM)
#undef ALGO_ENUM
	ALGO_COUNT
};

struct algo {
	enum algo_id id;
	enum algo_type type;
	uint16_t iana;
	const char *name;
	const char *alias;
	uint16_t key_len;
	uint8_t salt_len;
	uint16_t out_len;
	uint8_t iv_len;
	unsigned int flags;
};

/* The entry for id, or NULL for ALGO_INVALID and out-of-range ids. */
const struct algo *algo_by_id(enum algo_id id);

/* Look up a configuration spelling (name or alias) of the given type. */
const struct algo *algo_by_name(enum algo_type type, const char *name);

/*
 * Look up an IANA transform id as it arrives in an IKE proposal.  key_bits
 * is the Key Length attribute (0 when absent); it tells AES-128 from AES-256.
 */
const struct algo *algo_by_iana(enum algo_type type, uint16_t iana,
				uint16_t key_bits);

/* "encryption", "prf", "integrity" or "dh-group". */
const char *algo_type_name(enum algo_type type);

/*
 * Write the accepted names of a type, separated by ", ", into buf, for error
 * messages that say what was expected.  Only algorithms with one of the
 * flags in mask are listed.  Returns buf.
 */
char *algo_names(enum algo_type type, unsigned int mask, char *buf,
		 size_t len);

#endif
