/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sending IKE messages for an IKE SA (RFC 7296 section 2.1-2.3): build
 * into the engine's buffer, SK-protect, and for a request keep it for
 * retransmission (IKE_RETRANS_MS doubling, a bounded number of tries, then
 * the IKE SA is given up); for a response keep it so that a duplicate
 * request gets it again.  Window size 1 both ways.
 */
#ifndef ESPGW_IKE_MSG_H
#define ESPGW_IKE_MSG_H

#include "ike_sa.h"

/* Open a message in e->out: the header (our request's or the response's
 * message ID) and, after IKE_SA_INIT, the SK payload. */
void ike_msg_begin(struct ike_sa *sa, struct ike_gen *g, uint8_t exchange,
		   bool response);

/* Send the request built in g; fn gets the response.  max_tries 0:
 * IKE_RETRANS_TRIES.  -1 when building failed or one is outstanding. */
int ike_msg_request(struct ike_sa *sa, struct ike_gen *g, ike_resp_fn fn,
		    unsigned int max_tries);
bool ike_msg_busy(const struct ike_sa *sa);
/* Forget the outstanding request (its response will be dropped). */
void ike_msg_abort(struct ike_sa *sa);

/* Send the response built in g and keep it; the peer's window moves. */
int ike_msg_respond(struct ike_sa *sa, struct ike_gen *g);
/* Send the kept response again (a duplicate request). */
void ike_msg_resend_response(struct ike_sa *sa);

/* Unprotected one-off: an IKE_SA_INIT answer with only a notify, sent
 * without state (COOKIE, INVALID_KE_PAYLOAD, NO_PROPOSAL_CHOSEN). */
void ike_msg_notify_init(struct ike_engine *e, const struct ike_ep *local,
			 const struct ike_ep *remote,
			 const struct ike_hdr *req, uint16_t type,
			 const uint8_t *data, size_t len);

/* Decrypt and parse the SK payload of the message in buf; 0, -1 when it
 * does not authenticate, or IKE_MSG_MALFORMED when it does but its
 * payloads do not parse (m->error says why); both counted.  An SKF
 * fragment (buf is e->rx_buf) is kept: 1 while the rest is awaited, 0
 * when it completes its message (ike_frag.h). */
#define IKE_MSG_MALFORMED (-2)
int ike_msg_open(struct ike_sa *sa, uint8_t *buf, size_t len,
		 struct ike_msg *m);

/* The same for a repeat of the request last answered: 0 when the response
 * is to go again (for fragments, only fragment 1 that authenticates). */
int ike_msg_open_again(struct ike_sa *sa, struct ike_msg *m);

#endif
