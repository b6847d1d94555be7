/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE SA and CHILD SA state, and the engine's tables (internal to the
 * engine's files: ike_*.c).
 *
 * IKE SAs are found by our SPI (SPIr where we responded, SPIi where we
 * initiated) and, while IKE_SA_INIT may still be retransmitted, by the
 * peer's SPIi and address (section 2.1).  CHILD SAs are found by the SPI
 * we chose for inbound ESP, which also names them to the data plane: the
 * inbound SA's id is spi << 1, the outbound's (spi << 1) | 1.  All tables
 * are chained hashes that double as they fill: O(1) at 100k SAs.
 *
 * What only establishment needs (DH, nonces, the IKE_SA_INIT messages for
 * AUTH) lives in struct ike_setup and is freed once the SA is up, so an
 * established IKE SA costs about 1.5 KB.
 */
#ifndef ESPGW_IKE_SA_H
#define ESPGW_IKE_SA_H

#include <stdbool.h>
#include <stdint.h>

#include "ike_dh.h"
#include "ike_engine.h"
#include "ike_keys.h"
#include "ike_pld.h"
#include "ike_sk.h"
#include "pool.h"
#include "proposal.h"

#define IKE_MSG_MAX	 8192 /* what we build; all we send is far less */
#define IKE_NONCE_LEN	 32
#define IKE_ID_TEXT_MAX	 160
#define IKE_RETRANS_MS	 500 /* first retransmission, then doubling */
#define IKE_RETRANS_TRIES 5
#define IKE_HALF_OPEN_MS 30000
/* How long an IKE SA whose CHILD SAs moved to its rekeyed successor waits
 * for the peer's DELETE (ours: ike_rekey_ike.c): longer than a peer's
 * retransmissions of a lost one usually take. */
#define IKE_REKEYED_WAIT_MS 60000
#define IKE_COOKIE_DEFAULT 5000

struct hlink {
	struct hlink *next;
	uint64_t key;
};

struct htable {
	struct hlink **b;
	size_t mask, n;
};

enum ike_sa_state {
	IKE_SA_INIT_SENT,  /* initiator, waiting for IKE_SA_INIT response */
	IKE_SA_HALF_OPEN,  /* responder, IKE_SA_INIT answered */
	IKE_SA_AUTH_SENT,  /* initiator, waiting for IKE_AUTH response */
	IKE_SA_ESTABLISHED,
	IKE_SA_DELETING,   /* our DELETE is out */
};

struct child_sa {
	struct ike_sa *ike;
	struct child_sa *next; /* the IKE SA's list */
	struct hlink by_spi;   /* key: spi_in in host order */
	uint32_t spi_in, spi_out; /* network order */
	struct prop_child prop;
	struct ike_child_keys keys;
	bool keys_outbound_i; /* our outbound keys are the "i" ones */
	bool installed;
	bool out_pending; /* rekeyed as responder: outbound policy waits
			   * until the old SA is deleted (make-before-break) */
	uint16_t gen;	  /* rekey generation: newer policies win */
	const struct cfg_proposal *cfg_prop;
	struct child_sa *successor; /* the SA that rekeyed this one */
	void *rekey_timer;
	struct chan_ts ts_local, ts_remote;
	uint64_t created_ms;
	uint64_t packets[2], bytes[2]; /* in, out: last counter reply */
	bool counted;
	uint64_t dpd_in; /* inbound packets at the last DPD round */
};

/* The peer's rekey of the same SA that crossed ours (sections 2.8.1 and
 * 2.8.2): what its exchange made and the lower of its two nonces. */
struct ike_crossed {
	uint64_t spi; /* our SPI of what it made (CHILD: inbound); 0: none */
	uint8_t low[IKE_NONCE_MAX];
	size_t low_len;
};

/* What establishing needs and nothing after. */
struct ike_setup {
	struct ike_dh *dh;
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t ni_len, nr_len;
	uint8_t *init_req, *init_resp; /* for AUTH (section 2.15) */
	size_t init_req_len, init_resp_len;
	uint8_t cookie[64]; /* initiator: the responder's COOKIE */
	size_t cookie_len;
	unsigned int init_tries; /* INVALID_KE and COOKIE restarts */
	bool request_vip;
	struct child_sa *child; /* initiator: the CHILD SA asked for */
	const struct cfg_proposal *child_prop;
	struct ike_crossed crossed; /* our IKE SA rekey: the peer's */
};

typedef void (*ike_resp_fn)(struct ike_sa *sa, struct ike_msg *m);

/* Our CHILD SA rekey under way (section 2.8). */
struct ike_rekey {
	struct child_sa *old, *new;
	struct ike_dh *dh;
	uint8_t ni[IKE_NONCE_LEN];
	struct ike_crossed crossed;
};

/* Our one outstanding request (window size 1, section 2.3). */
struct ike_req {
	uint8_t *buf;
	size_t len;
	uint32_t id;
	unsigned int tries, max_tries;
	void *timer;
	ike_resp_fn on_resp;
};

struct ike_frag_rx;
struct ike_mobike_rr;

struct ike_sa {
	struct ike_engine *eng;
	struct hlink by_spi;  /* key: our SPI */
	struct hlink by_init; /* responder: SPIi ^ address, until up */
	struct hlink by_id;   /* key: hash of id_text, once authenticated */
	bool in_init, in_id;
	uint64_t spi_i, spi_r;
	bool initiator; /* we sent the first IKE_SA_INIT */
	enum ike_sa_state state;
	struct ike_ep local, remote;
	bool nat_local, nat_remote; /* who is behind a NAT (2.23) */
	bool mobike;		    /* both sent MOBIKE_SUPPORTED */
	int peer, identity;	   /* config indices; identity -1 until auth */
	struct prop_ike prop;
	struct ike_sa_keys keys;
	struct ike_sk sk_in, sk_out;
	struct ike_setup *setup;
	char id_text[IKE_ID_TEXT_MAX]; /* the peer's ID, printable */
	struct ip_addr vip;	       /* family 0: none */
	struct pool *vip_pool;
	struct child_sa *children;
	uint64_t created_ms;
	uint32_t next_msg_id; /* of our next request */
	uint32_t peer_msg_id; /* of the peer's next request */
	struct ike_req req;
	uint8_t *resp; /* our last response, for a duplicate request */
	size_t resp_len;
	uint32_t resp_id;
	void *life_timer; /* half-open expiry, then DPD */
	void *keepalive_timer; /* NAT-keepalives (ike_keepalive.h) */
	struct ike_rekey *rekey;
	struct ike_sa *rekey_ike; /* our IKE SA rekey: its successor */
	void *ike_rekey_timer;	  /* the profile's lifetime */
	bool frag_ok;		  /* peer sent IKEV2_FRAGMENTATION_SUPPORTED */
	struct ike_frag_rx *frag_rx; /* fragments being collected */
	uint64_t dpd_cookie; /* the open DPD round's counter requests */
	bool dpd_traffic;    /* it saw inbound ESP grow (ike_dpd.h) */
	struct ike_mobike_rr *mobike_rr; /* return routability check */
};

/*
 * The responder's DH key pair of one group, reused by the IKE_SA_INIT
 * responses of IKE_DH_REUSE_MS for at most IKE_DH_REUSE_USES IKE SAs
 * (section 2.12; the nonces keep their keys apart).  Each IKE SA holds a
 * reference; rekeys (PFS, IKE SA rekey) and our own IKE_SA_INIT requests
 * always make a fresh pair.
 */
#define IKE_DH_REUSE_GROUPS 8
#define IKE_DH_REUSE_USES   128
#define IKE_DH_REUSE_MS	    30000

struct ike_dh_reuse {
	struct ike_dh *dh;
	uint64_t since_ms;
	unsigned int uses;
};

/* Per configured peer: its IKE SAs, and for a peer we keep up
 * (ike_dpd_keep) the back-off of the next try (ike_dpd.h). */
struct ike_keep {
	struct ike_engine *eng;
	unsigned int n_sas;
	bool on;
	uint32_t backoff_ms;
	void *timer;
};

struct ike_engine {
	const struct espgw_config *cfg;
	struct ike_engine_ops ops;
	struct htable sa_by_spi, sa_by_init, sa_by_id, child_by_spi;
	struct pool **pools; /* one per cfg pool */
	unsigned int n_sas, half_open, cookie_threshold;
	uint8_t cookie_secret[32];
	uint64_t counter_cookie;
	struct ike_engine_stats stats;
	struct ike_msg msg;	       /* the message being handled */
	uint8_t *rx_buf;	       /* its bytes, during the call */
	size_t rx_len;
	struct ike_ep rx_local, rx_remote; /* where it came from and to */
	uint8_t out[IKE_MSG_MAX];      /* the message being built */
	uint8_t *frag_plain;	       /* reassembled inner payloads */
	size_t frag_size;	       /* longest whole message; 0: default */
	struct ike_dh_reuse dh_reuse[IKE_DH_REUSE_GROUPS];
	struct ike_keep *keep; /* one per cfg peer */
	bool stopping;	       /* being destroyed: restart nothing */
};

/* Tables. */
int htable_init(struct htable *t, size_t buckets);
void htable_free(struct htable *t);
int htable_add(struct htable *t, struct hlink *l, uint64_t key);
void htable_del(struct htable *t, struct hlink *l);
struct hlink *htable_first(const struct htable *t, uint64_t key);
/* Visit every link; fn may not change the table. */
void htable_walk(const struct htable *t, void (*fn)(struct hlink *, void *),
		 void *arg);

#define container_of(p, type, member)                                          \
	((type *)(void *)((char *)(p)-offsetof(type, member)))

void ike_random(struct ike_engine *e, void *buf, size_t len);
uint64_t ike_now(struct ike_engine *e);
void *ike_timer(struct ike_engine *e, uint64_t ms, ike_timer_fn fn, void *a);
void ike_timer_cancel(struct ike_engine *e, void **timer);

/* IKE SAs. */
struct ike_sa *ike_sa_new(struct ike_engine *e, bool initiator, int peer);
void ike_sa_destroy(struct ike_sa *sa);
struct ike_sa *ike_sa_find(struct ike_engine *e, uint64_t our_spi);
struct ike_sa *ike_sa_find_init(struct ike_engine *e, uint64_t spi_i,
				const struct ike_ep *remote);
void ike_sa_index_init(struct ike_sa *sa);

/* IKE_SA_INIT: the responder's key pair for group, a new reference or
 * NULL; drop every reused pair (at engine destroy). */
struct ike_dh *ike_init_responder_dh(struct ike_engine *e,
				     const struct algo *group);
void ike_init_dh_flush(struct ike_engine *e);
/* Set id_text and index the SA under it (INITIAL_CONTACT). */
void ike_sa_set_id(struct ike_sa *sa, const char *text);
/* Destroy the other IKE SAs of the same identity and ID (3.10.1). */
unsigned int ike_sa_initial_contact(struct ike_sa *sa);
/* Leave HALF_OPEN / INIT states for ESTABLISHED; frees the setup. */
void ike_sa_established(struct ike_sa *sa);
uint64_t ike_sa_our_spi(const struct ike_sa *sa);
bool ike_sa_natt(const struct ike_sa *sa);
const struct cfg_profile *ike_sa_profile(const struct ike_sa *sa);
const struct cfg_peer *ike_sa_peer(const struct ike_sa *sa);
void ike_sa_walk(struct ike_engine *e, void (*fn)(struct ike_sa *, void *),
		 void *arg);
/* "198.51.100.7[4500] 'fqdn:alice'" for logs. */
const char *ike_sa_name(const struct ike_sa *sa, char *buf, size_t len);

/* Derive SKEYSEED (from old's SK_d when rekeying it) and the seven keys
 * from the setup's nonces; set up sk_in/sk_out.  0 or -1. */
int ike_sa_derive(struct ike_sa *sa, const uint8_t *gir, size_t gir_len,
		  const struct ike_sa *old);

/* CHILD SAs. */
struct child_sa *child_sa_new(struct ike_sa *sa);
void child_sa_destroy(struct child_sa *c); /* uninstalls it first */
struct child_sa *child_sa_find(struct ike_engine *e, uint32_t spi_in);
struct child_sa *child_sa_find_out(struct ike_sa *sa, uint32_t spi_out);

#endif
