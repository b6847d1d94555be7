/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The load initiator's driver: runs many handshakes (ike_load_msg.h) at
 * once against one responder over one non-blocking, connected UDP socket,
 * with at most `window` in flight.  Each request is sent again after
 * timeout_ms, then twice that, and so on, `tries` sends in all; a
 * handshake that gets no answer is counted as a timeout, one answered with
 * an error notify by the notify's type, one with a response that fails a
 * check by the reason (enum ike_load_bad).  Responses that belong to no
 * handshake in flight, or repeat one already handled (the responder
 * re-sending its cached answer to a retransmission), are ignored and
 * counted as stale.
 *
 * Every wait is bounded: a handshake lives at most the sum of its
 * retransmission intervals, and the whole run at most max_ms.
 *
 * XXX One socket, IPv4, the port it started on: no move to port 4500 when
 * the NAT detection hashes disagree (they agree on loopback), no IKE
 * fragmentation, and INVALID_KE_PAYLOAD is counted, not retried.
 *
 * Single-threaded.
 */
#ifndef ESPGW_IKE_LOAD_RUN_H
#define ESPGW_IKE_LOAD_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "ike_load_msg.h"
#include "ike_load_sink.h"

#define IKE_LOAD_WINDOW_MAX   (1u << 16)
#define IKE_LOAD_NOTIFY_KINDS 8 /* distinct notify types kept apart */

struct ike_load_opts {
	const struct ike_load_params *params;
	int fd;		     /* connected UDP socket, non-blocking */
	uint32_t total;	     /* handshakes to run */
	uint32_t window;     /* in flight at most, 1..IKE_LOAD_WINDOW_MAX */
	uint32_t timeout_ms; /* before the first retransmission */
	uint32_t tries;	     /* sends of one request before giving up */
	uint64_t max_ms;     /* the whole run */
	bool delete_sa;	     /* DELETE each IKE SA once it is up */
	uint32_t id_base;    /* IDi "c<id_base + n>.load.test" */
	struct ike_load_sink *sink; /* drained as we go; may be NULL */
};

struct ike_load_notified {
	uint16_t type;
	uint64_t n;
};

struct ike_load_result {
	uint64_t started, established, deleted;
	uint64_t timeouts; /* no answer after `tries` sends */
	uint64_t notified; /* an error notify instead of an answer */
	struct ike_load_notified notify[IKE_LOAD_NOTIFY_KINDS];
	uint64_t bad[IKE_LOAD_BAD_COUNT]; /* refused responses, by reason */
	uint64_t retransmits, cookies, stale, send_errors, socket_errors;
	double seconds; /* first request to the last IKE SA up */
	double lat_p50_ms, lat_p99_ms, lat_max_ms; /* request to SA up */
};

/* Run o->total handshakes; 0, or -1 when out of memory. */
int ike_load_run(const struct ike_load_opts *o, struct ike_load_result *r);

/* All failed handshakes: timeouts, notifies and refused responses. */
uint64_t ike_load_failed(const struct ike_load_result *r);

#endif
