/* SPDX-License-Identifier: BSD-3-Clause */
/* Liveness of peers (ike_dpd.h): DPD rounds that leave the probe out
 * while the data plane counts ESP from the peer, and the back-off that
 * brings a kept site-to-site IKE SA back. */
#include "ike_dpd.h"

#include "ike_child.h"
#include "ike_exchange.h"
#include "ike_msg.h"
#include "log.h"

/* ---- DPD (RFC 7296 section 2.4) ---- */

static void on_ask(void *arg);
static void on_deadline(void *arg);

static uint64_t interval_ms(const struct ike_sa *sa)
{
	return (uint64_t)ike_sa_profile(sa)->dpd_interval * 1000;
}

/* How long before the deadline the counters are asked for. */
static uint64_t ask_ms(uint64_t interval)
{
	return interval > 2 * IKE_DPD_ASK_MS ? IKE_DPD_ASK_MS : interval / 2;
}

void ike_dpd_schedule(struct ike_sa *sa)
{
	uint64_t iv = interval_ms(sa);

	ike_timer_cancel(sa->eng, &sa->life_timer);
	sa->dpd_cookie = 0;
	if (iv && sa->state == IKE_SA_ESTABLISHED)
		sa->life_timer = ike_timer(sa->eng, iv - ask_ms(iv), on_ask,
					   sa);
}

/* One COUNTER_REQ per inbound CHILD SA; the replies come through
 * ike_engine_dp_event, maybe before dp_send returns. */
static void on_ask(void *arg)
{
	struct ike_sa *sa = arg;
	struct ike_engine *e = sa->eng;
	struct chan_counter_req req = { .cookie = ++e->counter_cookie };

	sa->dpd_cookie = req.cookie;
	sa->dpd_traffic = false;
	sa->life_timer = ike_timer(e, ask_ms(interval_ms(sa)), on_deadline,
				   sa);
	for (struct child_sa *c = sa->children; c; c = c->next) {
		if (!c->installed)
			continue;
		req.sa_id = child_id(c, true);
		e->ops.dp_send(e->ops.arg, CHAN_MSG_COUNTER_REQ, &req,
			       sizeof(req));
	}
}

void ike_dpd_counted(struct child_sa *c, const struct chan_counter_reply *r)
{
	struct ike_sa *sa = c->ike;

	if (!sa->dpd_cookie || r->cookie != sa->dpd_cookie ||
	    r->sa_id != child_id(c, true))
		return; /* another round's, or espgwctl's */
	/* A restarted data plane counts from 0 again: that is no growth. */
	if (r->packets > c->dpd_in)
		sa->dpd_traffic = true;
	c->dpd_in = r->packets;
}

static void on_probe_response(struct ike_sa *sa, struct ike_msg *m)
{
	(void)m;
	ike_dpd_schedule(sa);
}

/* An empty INFORMATIONAL; its retransmissions are the failures counted,
 * so dpd_maximum_failures unanswered tries give the IKE SA up. */
static int probe(struct ike_sa *sa)
{
	struct ike_gen g;

	ike_msg_begin(sa, &g, IKE_EX_INFORMATIONAL, false);
	return ike_msg_request(sa, &g, on_probe_response,
			       ike_sa_profile(sa)->dpd_maximum_failures);
}

static void on_deadline(void *arg)
{
	struct ike_sa *sa = arg;

	sa->life_timer = NULL;
	sa->dpd_cookie = 0; /* later replies are too late */
	if (sa->dpd_traffic) {
		ike_sa_log(LOG_LVL_DEBUG, sa, "DPD: ESP came in, no probe");
		ike_dpd_schedule(sa);
		return;
	}
	/* A request under way tells as much as a probe would. */
	if (ike_msg_busy(sa) || probe(sa) != 0)
		ike_dpd_schedule(sa);
}

/* ---- keeping site-to-site IKE SAs up ---- */

static void on_retry(void *arg);

/* The next try after the back-off less up to a quarter, so that gateways
 * that lost each other do not retry in step; then the back-off doubles. */
static void arm(struct ike_keep *k)
{
	uint32_t r, ms = k->backoff_ms;

	if (k->timer || k->eng->stopping)
		return;
	ike_random(k->eng, &r, sizeof(r));
	ms -= r % (ms / 4 + 1);
	k->timer = ike_timer(k->eng, ms, on_retry, k);
	k->backoff_ms = k->backoff_ms >= IKE_KEEP_MAX_MS / 2 ?
				IKE_KEEP_MAX_MS :
				k->backoff_ms * 2;
}

static void on_retry(void *arg)
{
	struct ike_keep *k = arg;
	struct ike_engine *e = k->eng;

	k->timer = NULL;
	if (k->n_sas) /* the peer came to us meanwhile */
		return;
	if (ike_engine_initiate(e, (int)(k - e->keep), NULL) != 0)
		arm(k);
}

int ike_dpd_keep(struct ike_engine *e, int peer)
{
	struct ike_keep *k = &e->keep[peer];

	k->on = true;
	if (!k->backoff_ms)
		k->backoff_ms = IKE_KEEP_MIN_MS;
	if (ike_engine_initiate(e, peer, NULL) == 0)
		return 0;
	arm(k);
	return -1;
}

/* It had a CHILD SA in the data plane: the tunnel was up. */
static bool carried(const struct ike_sa *sa)
{
	for (const struct child_sa *c = sa->children; c; c = c->next)
		if (c->installed)
			return true;
	return false;
}

void ike_dpd_gone(struct ike_sa *sa)
{
	struct ike_keep *k = &sa->eng->keep[sa->peer];

	k->n_sas--;
	if (!k->on || k->n_sas || sa->eng->stopping)
		return;
	if (carried(sa))
		k->backoff_ms = IKE_KEEP_MIN_MS;
	if (!k->timer)
		ike_sa_log(LOG_LVL_INFO, sa, "no IKE SA left to peer %s: "
			   "initiating again in at most %u s",
			   ike_sa_peer(sa)->name, k->backoff_ms / 1000);
	arm(k);
}

void ike_dpd_established(struct ike_sa *sa)
{
	if (!sa->eng->keep[sa->peer].on || carried(sa))
		return;
	ike_sa_log(LOG_LVL_WARN, sa, "IKE SA up without a CHILD SA: "
		   "deleting it to try again later");
	if (ike_info_delete_ike(sa) != 0)
		ike_sa_destroy(sa);
}

void ike_dpd_stop(struct ike_engine *e)
{
	e->stopping = true;
	for (unsigned int i = 0; e->keep && i < e->cfg->ipsec.n_peers; i++)
		ike_timer_cancel(e, &e->keep[i].timer);
}

void ike_dpd_release(struct ike_engine *e, int peer)
{
	e->keep[peer].on = false;
	ike_timer_cancel(e, &e->keep[peer].timer);
}
