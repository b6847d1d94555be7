/* SPDX-License-Identifier: BSD-3-Clause */
/* The engine's entry points: receiving and dispatching messages (RFC 7296
 * section 2.2's message ID rules), NAT mapping changes, and the link to
 * the data plane. */
#include <stdlib.h>
#include <string.h>

#include "ike_child.h"
#include "ike_dpd.h"
#include "ike_exchange.h"
#include "ike_frag.h"
#include "ike_msg.h"
#include "log.h"

struct ike_engine *ike_engine_create(const struct espgw_config *cfg,
				     const struct ike_engine_ops *ops)
{
	struct ike_engine *e = calloc(1, sizeof(*e));
	bool ok;

	if (!e)
		return NULL;
	e->cfg = cfg;
	e->ops = *ops;
	e->cookie_threshold = IKE_COOKIE_DEFAULT;
	ike_random(e, e->cookie_secret, sizeof(e->cookie_secret));
	e->pools = calloc(cfg->ipsec.n_pools + 1, sizeof(*e->pools));
	e->keep = calloc(cfg->ipsec.n_peers + 1, sizeof(*e->keep));
	for (unsigned int i = 0; e->keep && i < cfg->ipsec.n_peers; i++)
		e->keep[i].eng = e;
	ok = e->pools && e->keep && htable_init(&e->sa_by_spi, 1024) == 0 &&
	     htable_init(&e->sa_by_init, 1024) == 0 &&
	     htable_init(&e->sa_by_id, 1024) == 0 &&
	     htable_init(&e->child_by_spi, 1024) == 0;
	for (unsigned int i = 0; ok && i < cfg->ipsec.n_pools; i++)
		ok = (e->pools[i] = pool_create(&cfg->ipsec.pools[i])) != NULL;
	if (!ok) {
		ike_engine_destroy(e);
		return NULL;
	}
	return e;
}

static void destroy_one(struct hlink *l, void *arg)
{
	(void)arg;
	ike_sa_destroy(container_of(l, struct ike_sa, by_spi));
}

void ike_engine_destroy(struct ike_engine *e)
{
	if (!e)
		return;
	ike_dpd_stop(e); /* shutting down: no IKE SA is to come back */
	if (e->sa_by_spi.b)
		htable_walk(&e->sa_by_spi, destroy_one, NULL);
	for (unsigned int i = 0; e->pools && i < e->cfg->ipsec.n_pools; i++)
		pool_destroy(e->pools[i]);
	free(e->pools);
	free(e->keep);
	ike_init_dh_flush(e);
	free(e->frag_plain);
	htable_free(&e->sa_by_spi);
	htable_free(&e->sa_by_init);
	htable_free(&e->sa_by_id);
	htable_free(&e->child_by_spi);
	explicit_bzero(e->cookie_secret, sizeof(e->cookie_secret));
	free(e);
}

/* Section 2.23: behind a NAT, an authenticated message from a new
 * address or port moves the IKE SA and its CHILD SAs there. */
static void follow(struct ike_sa *sa, const struct ike_ep *local,
		   const struct ike_ep *remote)
{
	char ep[IKE_EP_STRLEN];

	if (ike_ep_equal(&sa->remote, remote) &&
	    ike_ep_equal(&sa->local, local))
		return;
	/* RFC 4555 section 3.8: with MOBIKE, only UPDATE_SA_ADDRESSES moves
	 * the SAs (ike_mobike.c, after a return routability check). */
	if (sa->mobike)
		return;
	if (!ike_sa_natt(sa) && local->port != IKE_NATT_PORT)
		return;
	if (sa->state == IKE_SA_ESTABLISHED &&
	    !ike_ep_equal(&sa->remote, remote))
		ike_sa_log(LOG_LVL_INFO, sa, "NAT mapping moved to %s",
			   ike_ep_format(remote, ep));
	sa->local = *local;
	sa->remote = *remote;
	for (struct child_sa *c = sa->children; c; c = c->next)
		child_update(c);
}

static void dispatch_request(struct ike_sa *sa, struct ike_msg *m)
{
	switch (m->hdr.exchange) {
	case IKE_EX_IKE_AUTH:
		ike_auth_request(sa, m);
		break;
	case IKE_EX_INFORMATIONAL:
		ike_info_request(sa, m);
		break;
	case IKE_EX_CREATE_CHILD_SA:
		ike_rekey_request(sa, m);
		break;
	default:
		sa->eng->stats.unexpected++;
	}
}

/* Section 2.21 and 3.10.1: an authentic request whose payloads do not
 * parse is answered with the error, protected, so that the peer learns
 * why rather than retransmitting to the end; in IKE_AUTH the IKE SA then
 * goes, as for any failed IKE_AUTH. */
static void refuse_malformed(struct ike_sa *sa, struct ike_msg *m)
{
	uint16_t type = ike_pld_error_notify(m->error);
	uint8_t what = m->error_payload;
	struct ike_gen g;

	ike_sa_log(LOG_LVL_WARN, sa, "request %u refused: %s (payload %u)%s%s",
		   m->hdr.msg_id, ike_pld_strerror(m->error), what,
		   type ? ": " : "", type ? ike_notify_name(type) ?: "?" : "");
	if (!type)
		return;
	ike_msg_begin(sa, &g, m->hdr.exchange, true);
	/* UNSUPPORTED_CRITICAL_PAYLOAD names the payload type. */
	ike_gen_notify(&g, 0, NULL, 0, type, &what,
		       type == IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD ? 1 : 0);
	ike_msg_respond(sa, &g);
	if (sa->state != IKE_SA_ESTABLISHED && sa->state != IKE_SA_DELETING)
		ike_sa_destroy(sa);
}

static void on_request(struct ike_sa *sa, const struct ike_ep *local,
		       const struct ike_ep *remote, struct ike_msg *m)
{
	struct ike_engine *e = sa->eng;
	uint32_t id = m->hdr.msg_id;
	int rc;

	if (sa->resp && id == sa->resp_id) {
		/* Retransmitted: authenticate it, then answer as before. */
		if (ike_msg_open_again(sa, m) == 0)
			ike_msg_resend_response(sa);
		return;
	}
	if (id != sa->peer_msg_id) {
		e->stats.bad_msg_id++;
		ike_sa_log(LOG_LVL_DEBUG, sa, "request %u ignored: %u expected",
			   id, sa->peer_msg_id);
		return;
	}
	if ((rc = ike_msg_open(sa, e->rx_buf, e->rx_len, m)) != 0) {
		if (rc == IKE_MSG_MALFORMED)
			return refuse_malformed(sa, m);
		if (rc < 0) /* 1: a fragment kept, the rest awaited */
			ike_sa_log(LOG_LVL_DEBUG, sa, "request %u ignored: it "
				   "does not decrypt or parse", id);
		return;
	}
	follow(sa, local, remote);
	dispatch_request(sa, m);
}

static void on_response(struct ike_sa *sa, const struct ike_ep *local,
			const struct ike_ep *remote, struct ike_msg *m)
{
	struct ike_engine *e = sa->eng;
	ike_resp_fn fn = sa->req.on_resp;

	if (!sa->req.buf || m->hdr.msg_id != sa->req.id ||
	    m->hdr.exchange != sa->req.buf[18]) {
		e->stats.bad_msg_id++;
		ike_sa_log(LOG_LVL_DEBUG, sa, "response %u matches no request",
			   m->hdr.msg_id);
		return;
	}
	if (m->hdr.exchange != IKE_EX_IKE_SA_INIT) {
		int rc = ike_msg_open(sa, e->rx_buf, e->rx_len, m);

		if (rc < 0)
			ike_sa_log(LOG_LVL_DEBUG, sa, "response %u ignored: it "
				   "does not decrypt or parse", m->hdr.msg_id);
		if (rc != 0)
			return;
		follow(sa, local, remote);
	}
	ike_msg_abort(sa);
	fn(sa, m);
}

void ike_engine_input(struct ike_engine *e, const struct ike_ep *local,
		      const struct ike_ep *remote, uint8_t *buf, size_t len)
{
	struct ike_msg *m = &e->msg;
	char ep[IKE_EP_STRLEN];
	bool from_i;
	struct ike_sa *sa;

	e->stats.rx++;
	if (ike_pld_parse(buf, len, m) != 0) {
		e->stats.malformed++;
		return;
	}
	e->rx_buf = buf;
	e->rx_len = len;
	e->rx_local = *local;
	e->rx_remote = *remote;
	from_i = m->hdr.flags & IKE_FLAG_INITIATOR;
	if (m->hdr.exchange == IKE_EX_IKE_SA_INIT &&
	    !(m->hdr.flags & IKE_FLAG_RESPONSE))
		return ike_init_request(e, local, remote, m);

	/* The original initiator's messages name our SPI as SPIr. */
	sa = ike_sa_find(e, from_i ? m->hdr.spi_r : m->hdr.spi_i);
	if (!sa || sa->initiator == from_i ||
	    (sa->spi_r && (from_i ? m->hdr.spi_i : m->hdr.spi_r) !=
				  (from_i ? sa->spi_i : sa->spi_r))) {
		e->stats.unknown_spi++;
		log_debug("ike: %s: message %u for no IKE SA of ours ignored",
			  ike_ep_format(remote, ep), m->hdr.msg_id);
		return;
	}
	if (m->hdr.flags & IKE_FLAG_RESPONSE)
		on_response(sa, local, remote, m);
	else
		on_request(sa, local, remote, m);
}

int ike_engine_initiate(struct ike_engine *e, int peer,
			const struct ike_initiate_opts *opts)
{
	if (peer < 0 || (unsigned int)peer >= e->cfg->ipsec.n_peers)
		return -1;
	return ike_init_initiate(e, peer, opts);
}

void ike_engine_start(struct ike_engine *e)
{
	for (unsigned int i = 0; i < e->cfg->ipsec.n_peers; i++) {
		const struct cfg_peer *p = &e->cfg->ipsec.peers[i];

		if (!p->passive && p->address.addr.family)
			ike_dpd_keep(e, (int)i); /* and again when it fails */
	}
}

static void resync_one(struct hlink *l, void *arg)
{
	struct child_sa *c = container_of(l, struct child_sa, by_spi);

	(void)arg;
	if (c->installed)
		child_install(c);
}

void ike_engine_resync(struct ike_engine *e)
{
	htable_walk(&e->child_by_spi, resync_one, NULL);
}

static struct child_sa *child_of(struct ike_engine *e, uint64_t sa_id)
{
	return child_sa_find(e, htonl((uint32_t)(sa_id >> 1)));
}

static void counters(struct ike_engine *e, const struct chan_counter_reply *r)
{
	struct child_sa *c = child_of(e, r->sa_id);
	int out = (int)(r->sa_id & 1);

	if (!c)
		return;
	c->packets[out] = r->packets;
	c->bytes[out] = r->bytes;
	c->counted = true;
	ike_dpd_counted(c, r);
}

/* A byte or packet lifetime, or the sequence numbers, ran out in the
 * data plane (RFC 4301 4.4.2.1, RFC 4303 3.3.3): rekey now.
 * XXX A hard limit reached before the rekey completes leaves the pair
 * to the data plane, which stops using it. */
static void expire(struct ike_engine *e, uint64_t sa_id, const char *why)
{
	struct child_sa *c = child_of(e, sa_id);

	if (!c || c->successor)
		return;
	ike_sa_log(LOG_LVL_INFO, c->ike, "CHILD SA %08x: %s, rekeying",
		   ntohl(c->spi_in), why);
	ike_timer_cancel(e, &c->rekey_timer);
	if (ike_rekey_child(c) != 0) /* busy: the timer tries again */
		c->rekey_timer = ike_timer(e, 1000, ike_rekey_retry, c);
}

void ike_engine_dp_event(struct ike_engine *e, const struct chan_msg *m)
{
	switch (m->hdr.type) {
	case CHAN_MSG_COUNTER_REPLY:
		counters(e, &m->body.COUNTER_REPLY);
		break;
	case CHAN_MSG_LIFETIME:
		expire(e, m->body.LIFETIME.sa_id,
		       m->body.LIFETIME.kind == CHAN_LT_HARD ?
			       "hard lifetime reached" :
			       "soft lifetime reached");
		break;
	case CHAN_MSG_SEQ_EXHAUSTED:
		expire(e, m->body.SEQ_EXHAUSTED.sa_id,
		       "sequence numbers exhausted");
		break;
	case CHAN_MSG_CMD_ERROR:
		log_warn("ike: the data plane refused %s for id %llu: %s",
			 chan_msg_type_name(m->body.CMD_ERROR.type),
			 (unsigned long long)m->body.CMD_ERROR.id,
			 chan_err_str(m->body.CMD_ERROR.err));
		break;
	default:
		log_debug("ike: data-plane event %s",
			  chan_msg_type_name(m->hdr.type));
	}
}

void ike_engine_set_cookie_threshold(struct ike_engine *e, unsigned int n)
{
	e->cookie_threshold = n;
}

void ike_engine_set_fragment_size(struct ike_engine *e, size_t n)
{
	e->frag_size = n && n < IKE_FRAG_SIZE_MIN ? IKE_FRAG_SIZE_MIN : n;
}

const struct ike_engine_stats *ike_engine_stats(const struct ike_engine *e)
{
	return &e->stats;
}

unsigned int ike_engine_n_ike_sas(const struct ike_engine *e)
{
	return e->n_sas;
}

unsigned int ike_engine_n_half_open(const struct ike_engine *e)
{
	return e->half_open;
}
