/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exchanges, one file each (internal to the engine): IKE_SA_INIT
 * (ike_init.c), IKE_AUTH (ike_auth.c) with mode-config (ike_cp.c),
 * INFORMATIONAL (ike_info.c) and CREATE_CHILD_SA (ike_rekey.c).  Handlers
 * get the parsed message in e->msg and its bytes in e->rx_buf; any of
 * them may destroy the IKE SA, so callers do not touch it afterwards.
 */
#ifndef ESPGW_IKE_EXCHANGE_H
#define ESPGW_IKE_EXCHANGE_H

#include "ike_sa.h"

/* IKE_SA_INIT */
void ike_init_request(struct ike_engine *e, const struct ike_ep *local,
		      const struct ike_ep *remote, struct ike_msg *m);
int ike_init_initiate(struct ike_engine *e, int peer,
		      const struct ike_initiate_opts *opts);

/* NAT detection (section 2.23): set sa->nat_local/nat_remote from m's
 * NAT_DETECTION_* notifies; add ours for sa's addresses to g. */
void ike_natd_check(struct ike_sa *sa, const struct ike_msg *m);
void ike_natd_gen(struct ike_sa *sa, struct ike_gen *g);

/* IKE_AUTH */
void ike_auth_request(struct ike_sa *sa, struct ike_msg *m);
void ike_auth_start(struct ike_sa *sa);

/* Mode-config (section 3.15) */
enum cp_result { CP_NONE, CP_ASSIGNED, CP_FAILED };
enum cp_result ike_cp_assign(struct ike_sa *sa, const struct cfg_identity *id,
			     const struct ike_msg *m);
void ike_cp_reply(struct ike_sa *sa, const struct cfg_identity *id,
		  const struct ike_msg *m, struct ike_gen *g);
void ike_cp_request(struct ike_gen *g);
void ike_cp_read_reply(struct ike_sa *sa, const struct ike_msg *m);

/* INFORMATIONAL */
void ike_info_request(struct ike_sa *sa, struct ike_msg *m);
void ike_info_dpd_schedule(struct ike_sa *sa);
/* Send DELETE for the IKE SA; it is destroyed on the answer or when
 * retransmissions give up. */
int ike_info_delete_ike(struct ike_sa *sa);

/* CREATE_CHILD_SA */
void ike_rekey_request(struct ike_sa *sa, struct ike_msg *m);
/* Rekey a CHILD SA as initiator: the new pair, then DELETE of the old.
 * -1 when a request is under way or building fails. */
int ike_rekey_child(struct child_sa *old);
void ike_rekey_abort(struct ike_sa *sa);

/* IKE SA rekey (section 2.18, ike_rekey_ike.c): answer the peer's, or
 * start ours; the CHILD SAs move to the new IKE SA, the old one is
 * deleted by the rekey's initiator. */
void ike_rekey_ike_request(struct ike_sa *sa, struct ike_msg *m);
int ike_rekey_ike(struct ike_sa *sa);
/* Arm the rekey at the profile's lifetime, less jitter. */
void ike_rekey_ike_schedule(struct ike_sa *sa);
/* Arm the CHILD SA's rekey at its proposal's lifetime, less jitter. */
void ike_rekey_schedule(struct child_sa *c);
/* Timer callback (arg: the CHILD SA): rekey it, or retry in a second. */
void ike_rekey_retry(void *arg);

/* Rekey collisions (sections 2.8.1 and 2.8.2): note in x the peer's
 * exchange, which made spi with nonces ni and nr; then, once ours is
 * answered, whether its nonces hold the lowest of the four, which makes
 * ours the redundant SA that we delete. */
void ike_crossed_note(struct ike_crossed *x, uint64_t spi,
		      struct ike_slice ni, struct ike_slice nr);
bool ike_crossed_ours_lowest(const struct ike_crossed *x,
			     struct ike_slice ni, struct ike_slice nr);
/* How long to wait before trying a refused rekey again: a second or two
 * after TEMPORARY_FAILURE (section 2.25), at random so that two peers
 * that refused each other do not cross again. */
uint64_t ike_rekey_backoff_ms(struct ike_engine *e);

/* A log line names the peer: "ike: 192.0.2.7[4500] 'fqdn:x': ..." */
#define ike_sa_log(lvl, sa, fmt, ...)                                       \
	do {                                                                \
		char n_[IKE_ID_TEXT_MAX + IKE_EP_STRLEN + 4];              \
		log_msg(lvl, "ike: %s: " fmt,                               \
			ike_sa_name(sa, n_, sizeof(n_)), ##__VA_ARGS__);    \
	} while (0)

#endif
