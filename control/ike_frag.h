/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE fragmentation (RFC 7383) for one IKE SA.
 *
 * Receiving: each SKF payload is authenticated and decrypted on arrival
 * (section 2.6), its plaintext kept until every fragment of the message
 * is in; then the pieces are joined in order into the engine's frag_plain
 * buffer, parsed as the inside of one SK payload would be.  One set per
 * IKE SA, keyed by message ID, exchange and the Response flag; at most
 * IKE_FRAG_MAX fragments and IKE_FRAG_MAX_BYTES of plaintext; a set older
 * than IKE_FRAG_TIMEOUT_MS, or one for another message, is dropped when
 * the next fragment comes and freed with the IKE SA.
 *
 * Sending: a protected message that would be longer than the engine's
 * fragment size is cut into SKF messages, each sealed on its own, kept
 * back to back in one buffer so that they are retransmitted as a unit.
 *
 * XXX No path MTU discovery (section 2.5.2): a message lost for its size
 * is retransmitted with the same cut, never smaller fragments.
 * XXX A stale set has no timer of its own: its memory (bounded as above)
 * stays until the SA's next fragment or the SA's end.
 */
#ifndef ESPGW_IKE_FRAG_H
#define ESPGW_IKE_FRAG_H

#include "ike_sa.h"

/*
 * Section 2.5.1: 1280 octets of datagram minus the IPv4 (20) or IPv6 (40)
 * header, the UDP header (8) and the non-ESP marker (4) of port 4500.
 */
#define IKE_FRAG_SIZE_DEFAULT  (1280 - 20 - 8 - 4)
#define IKE_FRAG_SIZE_DEFAULT6 (1280 - 40 - 8 - 4)
#define IKE_FRAG_SIZE_MIN     128
#define IKE_FRAG_MAX	      32
#define IKE_FRAG_MAX_BYTES    IKE_MSG_MAX
#define IKE_FRAG_TIMEOUT_MS   30000

/* One message being reassembled; piece[n] is fragment n's plaintext. */
struct ike_frag_rx {
	uint32_t msg_id;
	uint8_t exchange;
	bool response;
	uint8_t first; /* fragment 1's Next Payload: the first inner type */
	uint16_t total, n_have;
	size_t bytes;
	uint64_t since_ms;
	uint8_t *piece[IKE_FRAG_MAX + 1];
	size_t piece_len[IKE_FRAG_MAX + 1];
};

/*
 * The SKF message in e->rx_buf, parsed into m, whose message ID and
 * exchange the caller has checked.  Returns 1 when the message is complete
 * and m holds its inner payloads, 0 when more fragments are awaited, -1
 * when this one was dropped (counted).
 */
int ike_frag_input(struct ike_sa *sa, struct ike_msg *m);

/* Free the SA's set (at IKE SA destroy). */
void ike_frag_rx_free(struct ike_sa *sa);

/*
 * Cut the message built in g (header and an SK payload not yet sealed)
 * into SKF messages of at most max octets each, seal them, and return them
 * back to back in a new buffer (*len in all), or NULL.
 */
uint8_t *ike_frag_seal(struct ike_sa *sa, const struct ike_gen *g,
		       size_t max, size_t *len);

/* The longest message sent whole to this SA's peer. */
size_t ike_frag_size(const struct ike_sa *sa);

/* Hand each message of a back-to-back buffer to send. */
void ike_frag_each(const uint8_t *buf, size_t len,
		   void (*send)(struct ike_sa *, const uint8_t *, size_t),
		   struct ike_sa *sa);

#endif
