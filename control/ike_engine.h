/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * espgw-control's IKEv2 engine (RFC 7296): responder for road warriors and
 * peer gateways, initiator towards peers with passive = false, driven by
 * the configuration, installing CHILD SAs in the data plane.
 *
 * The engine owns no socket, no loop and no channel: datagrams, timers,
 * data-plane commands and randomness go through struct ike_engine_ops, so
 * the daemon wires it to ike_net, loop and dp_link while tests drive two
 * engines in-process with a fake clock.
 *
 * Single-threaded: every call and every callback on one thread.
 */
#ifndef ESPGW_IKE_ENGINE_H
#define ESPGW_IKE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "chan_msg.h"
#include "config.h"
#include "ike_net.h"

typedef void (*ike_timer_fn)(void *arg);

struct ike_engine_ops {
	/* Send an IKE message (without the non-ESP marker) from local to
	 * remote. */
	int (*send)(void *arg, const struct ike_ep *local,
		    const struct ike_ep *remote, const uint8_t *buf,
		    size_t len);
	/* A NAT-keepalive from local to remote (ike_net_send_keepalive);
	 * NULL: none are sent. */
	int (*send_keepalive)(void *arg, const struct ike_ep *local,
			      const struct ike_ep *remote);
	/* A command for the data plane (dp_link_send). */
	void (*dp_send)(void *arg, uint16_t type, const void *body,
			uint32_t len);
	/* One-shot timers: a handle, valid until it fires or is cancelled. */
	void *(*timer_add)(void *arg, uint64_t after_ms, ike_timer_fn fn,
			   void *fn_arg);
	void (*timer_cancel)(void *arg, void *timer);
	uint64_t (*now_ms)(void *arg);
	/* Random bytes for SPIs and nonces; NULL: OpenSSL's RAND_bytes. */
	void (*random)(void *arg, void *buf, size_t len);
	void *arg;
};

/* Counted, never logged per packet; espgwctl shows them. */
#define IKE_ENGINE_STATS(X)                                             \
	X(rx, "messages received")                                      \
	X(malformed, "dropped: failed to parse")                        \
	X(bad_icv, "dropped: SK payload failed its ICV or decryption") \
	X(unknown_spi, "dropped: no IKE SA with that SPI")              \
	X(bad_msg_id, "dropped: message ID outside the window")         \
	X(unexpected, "dropped: not valid in the SA's state")           \
	X(fragments, "IKE fragments (RFC 7383) received")               \
	X(frag_dropped, "dropped: IKE fragments forged, late, too many") \
	X(frag_sent, "messages sent as IKE fragments")                  \
	X(no_peer, "dropped: no peer configured for the address")       \
	X(retransmits, "requests retransmitted")                        \
	X(duplicates, "cached responses re-sent")                       \
	X(cookies, "COOKIE challenges sent")                            \
	X(invalid_ke, "INVALID_KE_PAYLOAD sent")                        \
	X(no_proposal, "NO_PROPOSAL_CHOSEN")                            \
	X(auth_failed, "AUTHENTICATION_FAILED")                         \
	X(addr_failed, "INTERNAL_ADDRESS_FAILURE")                      \
	X(ts_unacceptable, "TS_UNACCEPTABLE")                           \
	X(established, "IKE SAs established")                           \
	X(dead, "IKE SAs given up (no response)")                       \
	X(deleted, "IKE SAs deleted")                                   \
	X(keepalives, "NAT-keepalives sent (we are behind a NAT)")

struct ike_engine_stats {
#define IKE_STAT_FIELD(n, s) uint64_t n;
	IKE_ENGINE_STATS(IKE_STAT_FIELD)
#undef IKE_STAT_FIELD
};

struct ike_engine;

struct ike_engine *ike_engine_create(const struct espgw_config *cfg,
				     const struct ike_engine_ops *ops);
/* Removes every CHILD SA from the data plane through dp_send (the daemon
 * unhooks it first to leave them there); sends no DELETE to peers. */
void ike_engine_destroy(struct ike_engine *e);

/* A datagram that reached local from remote (marker already stripped). */
void ike_engine_input(struct ike_engine *e, const struct ike_ep *local,
		      const struct ike_ep *remote, uint8_t *buf, size_t len);

struct ike_initiate_opts {
	bool request_vip; /* ask for INTERNAL_IP4_ADDRESS (a road warrior) */
};

/* Start an IKE SA to the peer at index peer; 0 or -1. */
int ike_engine_initiate(struct ike_engine *e, int peer,
			const struct ike_initiate_opts *opts);

/* Initiate to every peer with passive = false and an address. */
void ike_engine_start(struct ike_engine *e);

/* The data plane came (back): send every CHILD SA and policy again. */
void ike_engine_resync(struct ike_engine *e);

/* An event from the data plane (counters, lifetimes, errors). */
void ike_engine_dp_event(struct ike_engine *e, const struct chan_msg *m);

/* Half-open IKE SAs above which IKE_SA_INIT needs a COOKIE (2.6). */
void ike_engine_set_cookie_threshold(struct ike_engine *e, unsigned int n);

/* Longest protected message sent whole to a peer that supports IKE
 * fragmentation (RFC 7383); longer ones go as SKF fragments.  0: the
 * default, IKE_FRAG_SIZE_DEFAULT or _DEFAULT6 by the peer's address
 * family (ike_frag.h); at least 128. */
void ike_engine_set_fragment_size(struct ike_engine *e, size_t n);

const struct ike_engine_stats *ike_engine_stats(const struct ike_engine *e);
unsigned int ike_engine_n_ike_sas(const struct ike_engine *e);
unsigned int ike_engine_n_half_open(const struct ike_engine *e);

/* espgwctl views; never a key.  show_sa asks the data plane for counters,
 * which later views show. */
void ike_engine_show_peers(struct ike_engine *e, FILE *out, bool json);
void ike_engine_show_sa(struct ike_engine *e, FILE *out, bool json);
void ike_engine_show_policies(struct ike_engine *e, FILE *out, bool json);
void ike_engine_show_stats(struct ike_engine *e, FILE *out, bool json);

#endif
