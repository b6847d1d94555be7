/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 message parser (RFC 7296 section 3).
 *
 * Untrusted bytes are handled in two steps per payload: every length is
 * checked against what encloses it first, then the fields are read.  The
 * result points into the caller's buffer (nothing is allocated), so the
 * buffer must outlive the struct ike_msg.  Every count is capped, so a
 * hostile message costs at most sizeof(struct ike_msg).
 *
 * A message arrives in two parts: ike_pld_parse() reads the header and the
 * clear payloads, stopping at the SK (or SKF) payload, which must be last;
 * after ike_sk_open() has decrypted it in place, ike_pld_parse_inner()
 * adds the inner payloads to the same struct.
 *
 * Only the syntax is checked here.  What an exchange must contain, SPI
 * sizes per protocol, proposal numbering and the ranges of values are the
 * exchange code's to judge.
 *
 * No state: safe to call from any thread on distinct structs.
 */
#ifndef ESPGW_IKE_PLD_H
#define ESPGW_IKE_PLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "ike_proto.h"

/* Caps on what one message may carry; more is IKE_PLD_E_TOO_MANY, except
 * for CERTREQ and VENDOR_ID payloads: those past their caps are skipped
 * (n_skipped). */
#define IKE_PLD_MAX_PAYLOADS   64 /* all payloads, clear and inner */
#define IKE_PLD_MAX_PROPOSALS  16
#define IKE_PLD_MAX_TRANSFORMS 64 /* per proposal; strongSwan sends ~40 */
#define IKE_PLD_MAX_NOTIFIES   32
#define IKE_PLD_MAX_VENDORS    16
#define IKE_PLD_MAX_CERTS      8
#define IKE_PLD_MAX_CERTREQS   16
#define IKE_PLD_MAX_DELETES    8
#define IKE_PLD_MAX_TS	       16 /* per TSi or TSr */
#define IKE_PLD_MAX_CP_ATTRS   32

/* X(name, text) of every reason a message is refused. */
#define IKE_PLD_ERRORS(X)                                                 \
	X(OK, "no error")                                                 \
	X(SHORT, "datagram shorter than the IKE header")                  \
	X(VERSION, "major version is not 2")                              \
	X(MSG_LENGTH, "header length differs from the datagram length")   \
	X(PLD_LENGTH, "payload length below 4 or past the end")           \
	X(PLD_SHORT, "payload too short for its fixed fields")            \
	X(TRAILING, "bytes after the last payload")                       \
	X(CRITICAL, "unknown payload with the critical bit")              \
	X(DUPLICATE, "payload that may appear once appears twice")        \
	X(TOO_MANY, "more payloads or substructures than allowed")        \
	X(SK_NOT_LAST, "encrypted payload is not the last")               \
	X(PROPOSAL, "proposal substructure inconsistent")                 \
	X(TRANSFORM, "transform substructure inconsistent")               \
	X(ATTRIBUTE, "attribute runs past its transform or is malformed") \
	X(NONCE, "nonce shorter than 16 or longer than 256 octets")       \
	X(DELETE, "delete payload SPI count disagrees with its length")   \
	X(TS, "traffic selector inconsistent")                            \
	X(CP, "configuration attribute runs past its payload")            \
	X(EAP, "EAP length disagrees with the payload")                   \
	X(FRAGMENT, "fragment number or total invalid")

enum ike_pld_error {
#define IKE_PLD_ERR_ENUM(name, text) IKE_PLD_E_##name,
	IKE_PLD_ERRORS(IKE_PLD_ERR_ENUM)
#undef IKE_PLD_ERR_ENUM
};

struct ike_hdr {
	uint64_t spi_i; /* read big-endian: prints as the wire bytes */
	uint64_t spi_r;
	uint8_t next_payload;
	uint8_t version;
	uint8_t exchange;
	uint8_t flags;
	uint32_t msg_id;
	uint32_t length;
};

struct ike_transform {
	uint8_t type;	   /* enum ike_transform_type */
	uint16_t id;	   /* IANA id; algo_by_iana() maps it */
	uint16_t key_bits; /* Key Length attribute, 0 when absent */
	bool unknown_attr; /* section 3.3.6: the transform must be skipped */
};

struct ike_proposal {
	uint8_t num;
	uint8_t protocol; /* enum ike_protocol */
	struct ike_slice spi;
	uint8_t n_transforms;
	struct ike_transform xf[IKE_PLD_MAX_TRANSFORMS];
};

struct ike_sa_pld {
	uint8_t n_proposals;
	struct ike_proposal prop[IKE_PLD_MAX_PROPOSALS];
};

struct ike_ke_pld {
	uint16_t group; /* IANA DH group */
	struct ike_slice data;
};

struct ike_id_pld {
	uint8_t type;	       /* enum ike_id_type */
	struct ike_slice data; /* the identification data */
	struct ike_slice body; /* type, reserved and data: section 2.15's
				* RestOfInitIDPayload / RestOfRespIDPayload */
};

struct ike_cert_pld {
	uint8_t encoding;
	struct ike_slice data;
};

struct ike_auth_pld {
	uint8_t method; /* enum ike_auth_method */
	struct ike_slice data;
};

struct ike_notify_pld {
	uint8_t protocol;
	uint16_t type; /* enum ike_notify */
	struct ike_slice spi;
	struct ike_slice data;
};

struct ike_delete_pld {
	uint8_t protocol;
	uint8_t spi_size;
	uint16_t n_spi;
	struct ike_slice spis; /* n_spi * spi_size bytes */
};

struct ike_ts {
	uint8_t type; /* enum ike_ts_type */
	uint8_t ip_proto;
	uint16_t start_port;
	uint16_t end_port;
	struct ip_addr start;
	struct ip_addr end;
};

struct ike_ts_pld {
	uint8_t n_ts;
	struct ike_ts ts[IKE_PLD_MAX_TS];
};

struct ike_cp_attr_pld {
	uint16_t type; /* enum ike_cp_attr, reserved bit cleared */
	struct ike_slice value;
};

struct ike_cp_pld {
	uint8_t type; /* enum ike_cfg_type */
	uint8_t n_attrs;
	struct ike_cp_attr_pld attr[IKE_PLD_MAX_CP_ATTRS];
};

struct ike_eap_pld {
	uint8_t code;
	struct ike_slice msg; /* the whole EAP message, RFC 3748 section 4 */
};

/* SK (section 3.14) or SKF (RFC 7383 section 2.5), still encrypted. */
struct ike_sk_pld {
	uint8_t type;	       /* IKE_PLD_SK or IKE_PLD_SKF */
	uint8_t first_payload; /* next payload field: the first inner one */
	uint16_t frag_num;     /* SKF only */
	uint16_t frag_total;   /* SKF only */
	size_t offset;	       /* of its generic header in the message */
	struct ike_slice data; /* IV, ciphertext, padding, ICV */
};

/* Presence bits for the payloads that may appear once. */
#define IKE_HAS(pld) (1ull << ((pld)-IKE_PLD_SA))

struct ike_msg {
	struct ike_hdr hdr;
	uint64_t has; /* IKE_HAS(IKE_PLD_x) for each payload seen */
	unsigned int n_payloads;
	unsigned int n_unknown; /* unknown non-critical payloads skipped */
	unsigned int n_skipped; /* CERTREQ, VENDOR_ID past their caps */

	struct ike_sa_pld sa;
	struct ike_ke_pld ke;
	struct ike_id_pld idi, idr;
	struct ike_auth_pld auth;
	struct ike_slice nonce;
	struct ike_ts_pld tsi, tsr;
	struct ike_cp_pld cp;
	struct ike_eap_pld eap;
	struct ike_sk_pld sk;

	uint8_t n_notifies, n_vendors, n_certs, n_certreqs, n_deletes;
	struct ike_notify_pld notify[IKE_PLD_MAX_NOTIFIES];
	struct ike_slice vendor[IKE_PLD_MAX_VENDORS];
	struct ike_cert_pld cert[IKE_PLD_MAX_CERTS];
	struct ike_cert_pld certreq[IKE_PLD_MAX_CERTREQS];
	struct ike_delete_pld del[IKE_PLD_MAX_DELETES];

	/* Set when a parse call fails. */
	enum ike_pld_error error;
	size_t error_offset;   /* in the message, or in the plaintext */
	bool error_inner;      /* error_offset is in the inner plaintext */
	uint8_t error_payload; /* type being read; for IKE_PLD_E_CRITICAL
				* the data of UNSUPPORTED_CRITICAL_PAYLOAD */
};

/*
 * Parse a whole datagram (without the non-ESP marker): header and clear
 * payloads up to and including the SK/SKF payload.  Returns 0, or -1 with
 * m->error, m->error_offset and m->error_payload set.
 */
int ike_pld_parse(const uint8_t *buf, size_t len, struct ike_msg *m);

/*
 * Parse a decrypted payload chain that starts with payload type first (the
 * SK payload's next payload field) into m, adding to what ike_pld_parse()
 * found.  Offsets in errors are relative to plain.  Returns 0 or -1.
 */
int ike_pld_parse_inner(struct ike_msg *m, uint8_t first, const uint8_t *plain,
			size_t len);

/* The notify of the given type, or NULL. */
const struct ike_notify_pld *ike_pld_notify(const struct ike_msg *m,
					    uint16_t type);

/* Text for an error, for logs. */
const char *ike_pld_strerror(enum ike_pld_error e);

/*
 * The notify type section 3.10.1 has the responder send for a refused
 * request, or 0 where the message is to be dropped silently.
 */
uint16_t ike_pld_error_notify(enum ike_pld_error e);

#endif
