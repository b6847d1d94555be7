/* SPDX-License-Identifier: BSD-3-Clause */
#include "ike_msg.h"

#include <stdlib.h>
#include <string.h>

#include "ike_frag.h"
#include "log.h"

void ike_msg_begin(struct ike_sa *sa, struct ike_gen *g, uint8_t exchange,
		   bool response)
{
	uint8_t flags = (sa->initiator ? IKE_FLAG_INITIATOR : 0) |
			(response ? IKE_FLAG_RESPONSE : 0);
	uint32_t id = response ? sa->peer_msg_id : sa->next_msg_id;

	ike_gen_init(g, sa->eng->out, sizeof(sa->eng->out));
	ike_gen_hdr(g, sa->spi_i, sa->spi_r, exchange, flags, id);
	if (exchange != IKE_EX_IKE_SA_INIT)
		ike_gen_sk_begin(g, ike_sk_iv_len(&sa->sk_out));
}

/* RFC 7383 section 2.5.1: SKF when the peer can take it and the whole
 * message would not fit.  The plaintext is kept, as sealing overwrites
 * it, so that the sealed length decides. */
static bool cut(struct ike_sa *sa, const struct ike_gen *g)
{
	return sa->frag_ok && !g->failed && g->sk_off != IKE_GEN_NONE &&
	       g->len + ike_sk_tail_max(&sa->sk_out) > ike_frag_size(sa);
}

/* Close the message into a new buffer (*len), or NULL: one message, or
 * its fragments back to back. */
static uint8_t *finish(struct ike_sa *sa, struct ike_gen *g, size_t *len)
{
	uint8_t *copy;

	if (cut(sa, g)) {
		copy = ike_frag_seal(sa, g, ike_frag_size(sa), len);
		if (copy)
			sa->eng->stats.frag_sent++;
		return copy;
	}
	*len = 0;
	if (g->sk_off == IKE_GEN_NONE)
		*len = ike_gen_finish(g);
	else if (ike_sk_seal(&sa->sk_out, g, len) != IKE_SK_OK)
		*len = 0;
	if (*len == 0 || !(copy = malloc(*len)))
		return NULL;
	memcpy(copy, g->buf, *len);
	return copy;
}

static void send_one(struct ike_sa *sa, const uint8_t *buf, size_t len)
{
	struct ike_engine *e = sa->eng;

	e->ops.send(e->ops.arg, &sa->local, &sa->remote, buf, len);
}

/* Section 2.11: a response goes back to where its request came from,
 * which with MOBIKE need not be the IKE SA's address (yet). */
static void send_reply(struct ike_sa *sa, const uint8_t *buf, size_t len)
{
	struct ike_engine *e = sa->eng;

	e->ops.send(e->ops.arg, &e->rx_local, &e->rx_remote, buf, len);
}

/* All fragments of a message go, and go again, together (2.6.1). */
static void transmit(struct ike_sa *sa, const uint8_t *buf, size_t len)
{
	ike_frag_each(buf, len, send_one, sa);
}

/* The same for a response, while its request is being handled. */
static void transmit_reply(struct ike_sa *sa, const uint8_t *buf, size_t len)
{
	ike_frag_each(buf, len, send_reply, sa);
}

static void on_retransmit(void *arg)
{
	struct ike_sa *sa = arg;
	struct ike_engine *e = sa->eng;
	char name[IKE_ID_TEXT_MAX + IKE_EP_STRLEN + 4];

	sa->req.timer = NULL;
	if (sa->req.tries >= sa->req.max_tries) {
		log_info("ike: %s: no response after %u tries, IKE SA gone",
			 ike_sa_name(sa, name, sizeof(name)), sa->req.tries);
		e->stats.dead++;
		ike_sa_destroy(sa);
		return;
	}
	transmit(sa, sa->req.buf, sa->req.len);
	e->stats.retransmits++;
	sa->req.timer = ike_timer(e, (uint64_t)IKE_RETRANS_MS << sa->req.tries,
				  on_retransmit, sa);
	sa->req.tries++;
}

int ike_msg_request(struct ike_sa *sa, struct ike_gen *g, ike_resp_fn fn,
		    unsigned int max_tries)
{
	size_t len = 0;
	uint8_t *copy;

	if (sa->req.buf || !(copy = finish(sa, g, &len)))
		return -1;
	sa->req = (struct ike_req){
		.buf = copy, .len = len, .id = sa->next_msg_id++,
		.tries = 1, .on_resp = fn,
		.max_tries = max_tries ? max_tries : IKE_RETRANS_TRIES,
	};
	transmit(sa, copy, len);
	sa->req.timer = ike_timer(sa->eng, IKE_RETRANS_MS, on_retransmit, sa);
	return 0;
}

bool ike_msg_busy(const struct ike_sa *sa)
{
	return sa->req.buf != NULL;
}

void ike_msg_abort(struct ike_sa *sa)
{
	ike_timer_cancel(sa->eng, &sa->req.timer);
	free(sa->req.buf);
	memset(&sa->req, 0, sizeof(sa->req));
}

int ike_msg_respond(struct ike_sa *sa, struct ike_gen *g)
{
	size_t len = 0;
	uint8_t *copy;

	if (!(copy = finish(sa, g, &len)))
		return -1;
	free(sa->resp);
	sa->resp = copy;
	sa->resp_len = len;
	sa->resp_id = sa->peer_msg_id++;
	transmit_reply(sa, copy, len);
	return 0;
}

void ike_msg_resend_response(struct ike_sa *sa)
{
	if (sa->resp) {
		transmit_reply(sa, sa->resp, sa->resp_len);
		sa->eng->stats.duplicates++;
	}
}

void ike_msg_notify_init(struct ike_engine *e, const struct ike_ep *local,
			 const struct ike_ep *remote,
			 const struct ike_hdr *req, uint16_t type,
			 const uint8_t *data, size_t len)
{
	uint8_t buf[256];
	struct ike_gen g;
	size_t n;

	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, req->spi_i, 0, IKE_EX_IKE_SA_INIT, IKE_FLAG_RESPONSE,
		    0);
	ike_gen_notify(&g, 0, NULL, 0, type, data, len);
	n = ike_gen_finish(&g);
	if (n)
		e->ops.send(e->ops.arg, local, remote, buf, n);
}

int ike_msg_open_again(struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_engine *e = sa->eng;
	struct ike_slice plain;

	if (!(m->has & IKE_HAS(IKE_PLD_SKF)))
		return ike_msg_open(sa, e->rx_buf, e->rx_len, m);
	/* RFC 7383 section 2.6.1: only fragment 1 of a repeated request
	 * has the response sent again, once it authenticates. */
	if (m->sk.frag_num != 1 ||
	    ike_sk_open(&sa->sk_in, e->rx_buf, e->rx_len, &m->sk, &plain) !=
		    IKE_SK_OK)
		return -1;
	return 0;
}

int ike_msg_open(struct ike_sa *sa, uint8_t *buf, size_t len,
		 struct ike_msg *m)
{
	struct ike_engine *e = sa->eng;
	struct ike_slice plain;

	if (m->has & IKE_HAS(IKE_PLD_SKF)) {
		if (buf != e->rx_buf)
			return -1;
		switch (ike_frag_input(sa, m)) {
		case 1:
			return 0;
		case 0:
			return 1;
		default:
			return -1;
		}
	}
	if (!(m->has & IKE_HAS(IKE_PLD_SK))) {
		e->stats.malformed++;
		return -1;
	}
	if (ike_sk_open(&sa->sk_in, buf, len, &m->sk, &plain) != IKE_SK_OK) {
		e->stats.bad_icv++;
		return -1;
	}
	if (ike_pld_parse_inner(m, m->sk.first_payload, plain.ptr,
				plain.len) != 0) {
		e->stats.malformed++;
		return IKE_MSG_MALFORMED;
	}
	return 0;
}
