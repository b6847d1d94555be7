/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IKEv2 initiator side of one road-warrior handshake, as the load
 * initiator (ike_load.c) plays it against espgw-control: IKE_SA_INIT and
 * IKE_AUTH with a PSK, an FQDN IDi, a CP request for an IPv4 address and one
 * ESP CHILD SA without PFS (RFC 7296 sections 1.2, 2.15, 3.15), then an
 * INFORMATIONAL DELETE of the IKE SA (section 1.4.1).
 *
 * Messages are built with the IKE core (ike_gen, ike_sk, ike_keys) and
 * every response is checked with it: parsed, the SK payload opened, the
 * responder's AUTH verified with the PSK, the CP address, the CHILD SA and
 * the traffic selectors present.  No sockets, no clock: the caller moves
 * the bytes, so a unit test can drive it against the parser.
 *
 * With a struct ike_load_client the same handshake is shaped like a real
 * client's (its proposals, notifies, CERTREQ and VENDOR_ID payloads, CP
 * attributes, dual-stack selectors), for test/unit/test_ike_clients.c.
 *
 * A load tester's shortcut: every handshake shares the one DH key pair of
 * struct ike_load_params, so each costs the initiator one DH computation
 * (the shared secret) instead of two.  The responder's work is unchanged.
 *
 * Single-threaded; the params are read-only once set up.
 */
#ifndef ESPGW_IKE_LOAD_MSG_H
#define ESPGW_IKE_LOAD_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_dh.h"
#include "ike_keys.h"
#include "ike_net.h"
#include "ike_pld.h"
#include "ike_sk.h"

#define IKE_LOAD_NONCE_LEN  32
#define IKE_LOAD_MSG_MAX    2048 /* largest request built or response kept */
#define IKE_LOAD_COOKIE_MAX 64	 /* RFC 7296 section 2.6: 1 to 64 octets */
#define IKE_LOAD_ID_MAX	    64

/* X(name, text): why a response was refused. */
#define IKE_LOAD_BAD(X)                                        \
	X(NONE, "no error")                                    \
	X(PARSE, "does not parse")                             \
	X(HEADER, "wrong exchange, flags, message ID or SPI")  \
	X(TOO_LONG, "IKE_SA_INIT response too long to keep")   \
	X(MISSING, "a required payload is missing")            \
	X(PROPOSAL, "IKE proposal is not the one offered")     \
	X(KE, "KE payload of another group or length")         \
	X(DH, "peer's DH public value refused")                \
	X(KEYS, "key derivation failed")                       \
	X(COOKIE, "COOKIE malformed or asked for twice")       \
	X(SK, "SK payload failed its ICV or decryption")       \
	X(INNER, "inner payloads do not parse")                \
	X(AUTH, "responder AUTH does not verify with the PSK") \
	X(CP, "no INTERNAL_IP4_ADDRESS in a CFG_REPLY")        \
	X(CHILD, "CHILD SA proposal is not the one offered")   \
	X(TS, "traffic selectors missing")                     \
	X(BUILD, "our request did not fit its buffer")

enum ike_load_bad {
#define IKE_LOAD_BAD_ENUM(n, t) IKE_LOAD_BAD_##n,
	IKE_LOAD_BAD(IKE_LOAD_BAD_ENUM)
#undef IKE_LOAD_BAD_ENUM
	IKE_LOAD_BAD_COUNT
};

/* What a response led to. */
enum ike_load_rc {
	IKE_LOAD_OK,	 /* valid: go on to the next step */
	IKE_LOAD_RETRY,	 /* COOKIE: send IKE_SA_INIT again (section 2.6) */
	IKE_LOAD_NOTIFY, /* an error notify; its type in *notify */
	IKE_LOAD_BAD,	 /* refused; the reason in *bad */
};

#define IKE_LOAD_XF_MAX	  16 /* transforms in one proposal of a client */
#define IKE_LOAD_PROP_MAX 8  /* proposals in one SA payload of a client */
#define IKE_LOAD_LIST_MAX 16 /* notifies, vendor IDs, CP attributes */

/* One transform as a client writes it (section 3.3.2); key_bits 0: no Key
 * Length attribute. */
struct ike_load_xf {
	uint8_t type;
	uint16_t id;
	uint16_t key_bits;
};

/* One proposal: n transforms in the client's order. */
struct ike_load_prop {
	uint8_t n;
	struct ike_load_xf xf[IKE_LOAD_XF_MAX];
};

/* A status notify a client adds (protocol 0, no SPI). */
struct ike_load_notify {
	uint16_t type;
	struct ike_slice data;
};

/*
 * What a real client's messages carry beyond the load initiator's minimum,
 * for tests that play an iOS, Android or Windows client against the
 * engine.  The responder's choices are still checked against the
 * algorithms of struct ike_load_params, which the caller sets to what the
 * client must end up with; the KE payload is of params' group.
 *
 * IKE_SA_INIT: SA of ike[], KE, Ni, NAT detection, init_notify[],
 * vendor[].  IKE_AUTH: IDi, n_certreqs CERTREQ payloads of certreq (X.509
 * signature), IDr (the responder's address) when idr, AUTH, CP of
 * cp_attr[], SA of esp[] (each with "no ESN" added), TSi, TSr (each with
 * ::/0 added when dual_stack), auth_notify[].
 */
struct ike_load_client {
	uint8_t n_ike, n_esp;
	struct ike_load_prop ike[IKE_LOAD_PROP_MAX];
	struct ike_load_prop esp[IKE_LOAD_PROP_MAX];
	uint8_t n_init_notifies, n_auth_notifies, n_vendors, n_cp_attrs;
	struct ike_load_notify init_notify[IKE_LOAD_LIST_MAX];
	struct ike_load_notify auth_notify[IKE_LOAD_LIST_MAX];
	struct ike_slice vendor[IKE_LOAD_LIST_MAX];
	uint16_t cp_attr[IKE_LOAD_LIST_MAX];
	uint8_t n_certreqs;
	struct ike_slice certreq; /* CA hashes, 20 octets each */
	bool idr;
	bool dual_stack;
};

/* What every handshake shares. */
struct ike_load_params {
	const struct algo *encr, *integ, *prf, *group; /* IKE SA */
	const struct algo *esp_encr, *esp_integ;       /* CHILD SA */
	struct ike_slice psk;
	struct ike_dh *dh; /* the shared key pair, owned */
	uint8_t dh_pub[IKE_DH_MAX];
	size_t dh_pub_len;
	struct ike_ep local, remote;	      /* for the NAT_DETECTION hashes */
	struct ike_ts tsr;		      /* the TSr asked for */
	const struct ike_load_client *client; /* NULL: the load initiator */
};

/* One handshake's state. */
struct ike_load_hs {
	uint64_t spi_i, spi_r;
	uint8_t ni[IKE_LOAD_NONCE_LEN];
	uint8_t nr[IKE_NONCE_MAX];
	size_t nr_len;
	uint8_t cookie[IKE_LOAD_COOKIE_MAX];
	size_t cookie_len;
	uint16_t ke_asked;	  /* the group of an INVALID_KE_PAYLOAD, or 0 */
	char id[IKE_LOAD_ID_MAX]; /* our FQDN */
	uint32_t child_spi;	  /* our inbound ESP SPI, network order */
	uint8_t init_req[IKE_LOAD_MSG_MAX];
	size_t init_req_len;
	uint8_t init_resp[IKE_LOAD_MSG_MAX];
	size_t init_resp_len;
	struct ike_sa_keys keys;
	struct ike_sk sk_out, sk_in;
	/* From the IKE_AUTH response. */
	struct ip_addr vip;
	uint32_t child_spi_r; /* network order */
};

/*
 * Fill in the algorithms (aes-256-cbc, hmac-sha256-128, prf-hmac-sha256
 * for both SAs), make the shared key pair of group and take psk (not
 * copied: it must outlive p).  0, or -1 for an unsupported group.
 */
int ike_load_params_init(struct ike_load_params *p, const struct algo *group,
			 struct ike_slice psk);
void ike_load_params_free(struct ike_load_params *p);

/* A new shared key pair of group, as a client does after
 * INVALID_KE_PAYLOAD (section 1.2); the rest of p is kept.  0 or -1. */
int ike_load_params_group(struct ike_load_params *p, const struct algo *group);

/* Start a handshake: SPIi, nonce, our inbound SPI and id as given. */
void ike_load_hs_start(struct ike_load_hs *hs, uint64_t spi_i,
		       const uint8_t *nonce, uint32_t child_spi,
		       const char *id);

/* The IKE_SA_INIT request (with the COOKIE when one was asked for), kept
 * in hs->init_req for AUTH.  Returns its length, 0 when it did not fit. */
size_t ike_load_init_req(struct ike_load_hs *hs,
			 const struct ike_load_params *p);

/*
 * Check an IKE_SA_INIT response (buf is not changed) and derive the IKE SA
 * keys.  notify and bad say why, as enum ike_load_rc tells; for
 * INVALID_KE_PAYLOAD the group asked for is in hs->ke_asked.
 */
enum ike_load_rc ike_load_init_resp(struct ike_load_hs *hs,
				    const struct ike_load_params *p,
				    const uint8_t *buf, size_t len,
				    uint16_t *notify, enum ike_load_bad *bad);

/* The IKE_AUTH request (message ID 1) into out; its length or 0. */
size_t ike_load_auth_req(struct ike_load_hs *hs,
			 const struct ike_load_params *p, uint8_t *out,
			 size_t cap);

/* Check an IKE_AUTH response; buf is decrypted in place. */
enum ike_load_rc ike_load_auth_resp(struct ike_load_hs *hs,
				    const struct ike_load_params *p,
				    uint8_t *buf, size_t len, uint16_t *notify,
				    enum ike_load_bad *bad);
/* The same, leaving the response parsed in *m (it points into buf) for a
 * caller that checks more: the CP reply, the notifies. */
enum ike_load_rc
ike_load_auth_resp_msg(struct ike_load_hs *hs, const struct ike_load_params *p,
		       uint8_t *buf, size_t len, uint16_t *notify,
		       enum ike_load_bad *bad, struct ike_msg *m);

/* An INFORMATIONAL request with a DELETE of the IKE SA (message ID 2). */
size_t ike_load_delete_req(struct ike_load_hs *hs, uint8_t *out, size_t cap);

/* Check its response (message ID 2, SK opens); buf decrypted in place. */
enum ike_load_rc ike_load_delete_resp(struct ike_load_hs *hs, uint8_t *buf,
				      size_t len, enum ike_load_bad *bad);

/* Keys wiped. */
void ike_load_hs_wipe(struct ike_load_hs *hs);

const char *ike_load_bad_name(enum ike_load_bad b);
const char *ike_load_bad_text(enum ike_load_bad b);

#endif
