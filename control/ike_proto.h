/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 protocol numbers (RFC 7296 and the IANA "IKEv2 Parameters"
 * registry), each family written once as an X-macro list that makes both the
 * enum and the name shown in logs.
 *
 * Algorithm transform ids are not here: they live in common/algo.h.
 */
#ifndef ESPGW_IKE_PROTO_H
#define ESPGW_IKE_PROTO_H

#include <stddef.h>
#include <stdint.h>

/* A run of bytes inside a message, a plaintext or a key: the one type the
 * IKE units share, so that none of them depends on another for it. */
struct ike_slice {
	const uint8_t *ptr;
	size_t len;
};

#define IKE_PORT      500
#define IKE_NATT_PORT 4500

/* RFC 7296 section 3.1: fixed header sizes. */
#define IKE_SPI_LEN     8
#define IKE_HDR_LEN     28
#define IKE_PLD_HDR_LEN 4
#define IKE_VERSION     0x20 /* major 2, minor 0 */
#define IKE_MAJOR(v)    ((uint8_t)(v) >> 4)

/* Header flags, RFC 7296 section 3.1. */
#define IKE_FLAG_INITIATOR 0x08
#define IKE_FLAG_VERSION   0x10
#define IKE_FLAG_RESPONSE  0x20

/* The critical bit in the generic payload header, section 3.2. */
#define IKE_PLD_CRITICAL 0x80

/* Section 2.10: nonces are 16 to 256 octets. */
#define IKE_NONCE_MIN 16
#define IKE_NONCE_MAX 256

/* Last Substruc values, section 3.3. */
#define IKE_LAST_PROPOSAL  0
#define IKE_MORE_PROPOSALS 2
#define IKE_LAST_TRANSFORM 0
#define IKE_MORE_TRANSFORMS 3

/* Transform attribute format bit and the one attribute, section 3.3.5. */
#define IKE_ATTR_TV         0x8000
#define IKE_ATTR_KEY_LENGTH 14

/* Configuration attribute type mask (the top bit is reserved), 3.15.1. */
#define IKE_CP_ATTR_TYPE_MASK 0x7fff

/* The 17 octets, without a NUL, of section 2.15. */
#define IKE_KEY_PAD     "Key Pad for IKEv2"
#define IKE_KEY_PAD_LEN 17

#define IKE_EXCHANGES(X)                                                       \
	X(IKE_SA_INIT, 34)                                                     \
	X(IKE_AUTH, 35)                                                        \
	X(CREATE_CHILD_SA, 36)                                                 \
	X(INFORMATIONAL, 37)                                                   \
	X(IKE_SESSION_RESUME, 38)                                              \
	X(IKE_INTERMEDIATE, 43)

/* Payload types, section 3.2; SKF from RFC 7383. */
#define IKE_PAYLOADS(X)                                                        \
	X(NONE, 0)                                                             \
	X(SA, 33)                                                              \
	X(KE, 34)                                                              \
	X(IDi, 35)                                                             \
	X(IDr, 36)                                                             \
	X(CERT, 37)                                                            \
	X(CERTREQ, 38)                                                         \
	X(AUTH, 39)                                                            \
	X(NONCE, 40)                                                           \
	X(N, 41)                                                               \
	X(D, 42)                                                               \
	X(V, 43)                                                               \
	X(TSi, 44)                                                             \
	X(TSr, 45)                                                             \
	X(SK, 46)                                                              \
	X(CP, 47)                                                              \
	X(EAP, 48)                                                             \
	X(SKF, 53)

/* Notify message types: errors below 16384, status from 16384 (3.10.1),
 * with the MOBIKE (RFC 4555), redirect (RFC 5685), fragmentation (RFC 7383)
 * and signature hash (RFC 7427) additions. */
#define IKE_NOTIFIES(X)                                                        \
	X(UNSUPPORTED_CRITICAL_PAYLOAD, 1)                                     \
	X(INVALID_IKE_SPI, 4)                                                  \
	X(INVALID_MAJOR_VERSION, 5)                                            \
	X(INVALID_SYNTAX, 7)                                                   \
	X(INVALID_MESSAGE_ID, 9)                                               \
	X(INVALID_SPI, 11)                                                     \
	X(NO_PROPOSAL_CHOSEN, 14)                                              \
	X(INVALID_KE_PAYLOAD, 17)                                              \
	X(AUTHENTICATION_FAILED, 24)                                           \
	X(SINGLE_PAIR_REQUIRED, 34)                                            \
	X(NO_ADDITIONAL_SAS, 35)                                               \
	X(INTERNAL_ADDRESS_FAILURE, 36)                                        \
	X(FAILED_CP_REQUIRED, 37)                                              \
	X(TS_UNACCEPTABLE, 38)                                                 \
	X(INVALID_SELECTORS, 39)                                               \
	X(UNACCEPTABLE_ADDRESSES, 40)                                          \
	X(UNEXPECTED_NAT_DETECTED, 41)                                         \
	X(TEMPORARY_FAILURE, 43)                                               \
	X(CHILD_SA_NOT_FOUND, 44)                                              \
	X(INITIAL_CONTACT, 16384)                                              \
	X(SET_WINDOW_SIZE, 16385)                                              \
	X(ADDITIONAL_TS_POSSIBLE, 16386)                                       \
	X(IPCOMP_SUPPORTED, 16387)                                             \
	X(NAT_DETECTION_SOURCE_IP, 16388)                                      \
	X(NAT_DETECTION_DESTINATION_IP, 16389)                                 \
	X(COOKIE, 16390)                                                       \
	X(USE_TRANSPORT_MODE, 16391)                                           \
	X(HTTP_CERT_LOOKUP_SUPPORTED, 16392)                                   \
	X(REKEY_SA, 16393)                                                     \
	X(ESP_TFC_PADDING_NOT_SUPPORTED, 16394)                                \
	X(NON_FIRST_FRAGMENTS_ALSO, 16395)                                     \
	X(MOBIKE_SUPPORTED, 16396)                                             \
	X(ADDITIONAL_IP4_ADDRESS, 16397)                                       \
	X(ADDITIONAL_IP6_ADDRESS, 16398)                                       \
	X(NO_ADDITIONAL_ADDRESSES, 16399)                                      \
	X(UPDATE_SA_ADDRESSES, 16400)                                          \
	X(COOKIE2, 16401)                                                      \
	X(NO_NATS_ALLOWED, 16402)                                              \
	X(AUTH_LIFETIME, 16403)                                                \
	X(MULTIPLE_AUTH_SUPPORTED, 16404)                                      \
	X(ANOTHER_AUTH_FOLLOWS, 16405)                                         \
	X(REDIRECT_SUPPORTED, 16406)                                           \
	X(REDIRECT, 16407)                                                     \
	X(REDIRECTED_FROM, 16408)                                              \
	X(EAP_ONLY_AUTHENTICATION, 16417)                                      \
	X(CHILDLESS_IKEV2_SUPPORTED, 16418)                                    \
	X(IKEV2_FRAGMENTATION_SUPPORTED, 16430)                                \
	X(SIGNATURE_HASH_ALGORITHMS, 16431)

/* Protocol IDs in proposals, notifies and deletes, section 3.3.1. */
#define IKE_PROTOCOLS(X)                                                       \
	X(IKE, 1)                                                              \
	X(AH, 2)                                                               \
	X(ESP, 3)

/* Transform types, section 3.3.2 (1 to 4 mirror enum algo_type). */
#define IKE_TRANSFORMS(X)                                                      \
	X(ENCR, 1)                                                             \
	X(PRF, 2)                                                              \
	X(INTEG, 3)                                                            \
	X(DH, 4)                                                               \
	X(ESN, 5)

/* Extended Sequence Numbers transform ids, section 3.3.2. */
#define IKE_ESN_NO  0
#define IKE_ESN_YES 1

/* Identification types, section 3.5. */
#define IKE_ID_TYPES(X)                                                        \
	X(ID_IPV4_ADDR, 1)                                                     \
	X(ID_FQDN, 2)                                                          \
	X(ID_RFC822_ADDR, 3)                                                   \
	X(ID_IPV6_ADDR, 5)                                                     \
	X(ID_DER_ASN1_DN, 9)                                                   \
	X(ID_DER_ASN1_GN, 10)                                                  \
	X(ID_KEY_ID, 11)

/* Certificate encodings, section 3.6. */
#define IKE_CERT_ENCODINGS(X)                                                  \
	X(CERT_PKCS7, 1)                                                       \
	X(CERT_X509_SIG, 4)                                                    \
	X(CERT_CRL, 7)                                                         \
	X(CERT_RAW_RSA, 11)                                                    \
	X(CERT_HASH_URL_X509, 12)                                              \
	X(CERT_HASH_URL_BUNDLE, 13)

/* Authentication methods, section 3.8, RFC 4754, RFC 7619, RFC 7427. */
#define IKE_AUTH_METHODS(X)                                                    \
	X(AUTH_RSA_SIG, 1)                                                     \
	X(AUTH_SHARED_KEY_MIC, 2)                                              \
	X(AUTH_DSS_SIG, 3)                                                     \
	X(AUTH_ECDSA_256, 9)                                                   \
	X(AUTH_ECDSA_384, 10)                                                  \
	X(AUTH_ECDSA_521, 11)                                                  \
	X(AUTH_NULL, 13)                                                       \
	X(AUTH_DIGITAL_SIGNATURE, 14)

/* Traffic selector types, section 3.13.1. */
#define IKE_TS_TYPES(X)                                                        \
	X(TS_IPV4_ADDR_RANGE, 7)                                               \
	X(TS_IPV6_ADDR_RANGE, 8)

/* Configuration payload types, section 3.15. */
#define IKE_CFG_TYPES(X)                                                       \
	X(CFG_REQUEST, 1)                                                      \
	X(CFG_REPLY, 2)                                                        \
	X(CFG_SET, 3)                                                          \
	X(CFG_ACK, 4)

/* Configuration attributes, section 3.15.1 and RFC 8598. */
#define IKE_CP_ATTRS(X)                                                        \
	X(INTERNAL_IP4_ADDRESS, 1)                                             \
	X(INTERNAL_IP4_NETMASK, 2)                                             \
	X(INTERNAL_IP4_DNS, 3)                                                 \
	X(INTERNAL_IP4_NBNS, 4)                                                \
	X(INTERNAL_IP4_DHCP, 6)                                                \
	X(APPLICATION_VERSION, 7)                                              \
	X(INTERNAL_IP6_ADDRESS, 8)                                             \
	X(INTERNAL_IP6_DNS, 10)                                                \
	X(INTERNAL_IP6_DHCP, 12)                                               \
	X(INTERNAL_IP4_SUBNET, 13)                                             \
	X(SUPPORTED_ATTRIBUTES, 14)                                            \
	X(INTERNAL_IP6_SUBNET, 15)                                             \
	X(INTERNAL_DNS_DOMAIN, 25)

/* Each family's enum names carry a prefix of its own: IKE_EX_, IKE_PLD_,
 * IKE_N_, IKE_PROTO_, IKE_XF_, IKE_ (ID_, CERT_, AUTH_, TS_, CFG_ and
 * INTERNAL_ names already say what they are). */
#define IKE_E_EX(n, v)    IKE_EX_##n = v,
#define IKE_E_PLD(n, v)   IKE_PLD_##n = v,
#define IKE_E_N(n, v)     IKE_N_##n = v,
#define IKE_E_PROTO(n, v) IKE_PROTO_##n = v,
#define IKE_E_XF(n, v)    IKE_XF_##n = v,
#define IKE_E(n, v)       IKE_##n = v,

enum ike_exchange { IKE_EXCHANGES(IKE_E_EX) };
enum ike_payload { IKE_PAYLOADS(IKE_E_PLD) };
enum ike_notify { IKE_NOTIFIES(IKE_E_N) };
enum ike_protocol { IKE_PROTOCOLS(IKE_E_PROTO) };
enum ike_transform_type { IKE_TRANSFORMS(IKE_E_XF) };
enum ike_id_type { IKE_ID_TYPES(IKE_E) };
enum ike_cert_encoding { IKE_CERT_ENCODINGS(IKE_E) };
enum ike_auth_method { IKE_AUTH_METHODS(IKE_E) };
enum ike_ts_type { IKE_TS_TYPES(IKE_E) };
enum ike_cfg_type { IKE_CFG_TYPES(IKE_E) };
enum ike_cp_attr { IKE_CP_ATTRS(IKE_E) };

#undef IKE_E_EX
#undef IKE_E_PLD
#undef IKE_E_N
#undef IKE_E_PROTO
#undef IKE_E_XF
#undef IKE_E

/* Notify types below this one are errors, section 3.10.1. */
#define IKE_NOTIFY_STATUS_MIN 16384

#define IKE_NAME_CASE(name, value)                                             \
	case value:                                                            \
		return #name;

/*
 * Names for logs, from the lists above; NULL for a number that is not in
 * the list (the caller prints the number instead).
 */
#define IKE_NAME_FN(fn, list)                                                  \
	static inline const char *fn(unsigned int v)                           \
	{                                                                      \
		switch (v) {                                                   \
			list(IKE_NAME_CASE)                                    \
		}                                                              \
		return NULL;                                                   \
	}

IKE_NAME_FN(ike_exchange_name, IKE_EXCHANGES)
IKE_NAME_FN(ike_payload_name, IKE_PAYLOADS)
IKE_NAME_FN(ike_notify_name, IKE_NOTIFIES)
IKE_NAME_FN(ike_protocol_name, IKE_PROTOCOLS)
IKE_NAME_FN(ike_transform_name, IKE_TRANSFORMS)
IKE_NAME_FN(ike_id_type_name, IKE_ID_TYPES)
IKE_NAME_FN(ike_cert_encoding_name, IKE_CERT_ENCODINGS)
IKE_NAME_FN(ike_auth_method_name, IKE_AUTH_METHODS)
IKE_NAME_FN(ike_ts_type_name, IKE_TS_TYPES)
IKE_NAME_FN(ike_cfg_type_name, IKE_CFG_TYPES)
IKE_NAME_FN(ike_cp_attr_name, IKE_CP_ATTRS)

#undef IKE_NAME_FN

#endif
