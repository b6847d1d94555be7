/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CREATE_CHILD_SA (RFC 7296 sections 1.3 and 2.8): rekeying CHILD SAs in
 * both roles, with or without PFS, make-before-break.
 *
 * As responder the new pair's SAs and inbound policy go in before we
 * answer, its outbound policy only when the peer deletes the old pair,
 * so neither side sends on an SA the other cannot yet read.  As initiator
 * the new pair goes in whole on the answer (a newer policy wins), then we
 * delete the old one.
 *
 * When both ends rekey the same pair at once (section 2.8.1) we answer the
 * peer's request as usual and remember its nonces; when our own answer
 * comes, the exchange holding the lowest of the four nonces made the
 * redundant pair.  If that is ours we never install it and delete it,
 * and leave the old pair to the peer; if it is the peer's, its pair stays
 * without outbound policy until the peer deletes it, and we delete the
 * old pair as after any rekey.
 *
 * As responder we also accept new CHILD SAs that rekey nothing, when their
 * selectors fit a policy template of the peer's identity and the IKE SA
 * has room (NO_ADDITIONAL_SAS otherwise).
 *
 * XXX We never ask for an additional CHILD SA ourselves.  A success
 * answer to a rekey we gave up (the peer deleted the old pair first, its
 * DELETE overtaking that answer) leaves the peer's new pair, never used,
 * until its lifetime.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "ike_child.h"
#include "ike_exchange.h"
#include "ike_msg.h"
#include "log.h"
#include "ts.h"

#define IKE_CHILD_MAX 16 /* CHILD SAs of one IKE SA that a peer may add */

/* ---- shared ---- */

static int dh_secret(struct ike_dh *dh, const struct ike_ke_pld *ke,
		     uint8_t *gir, size_t *len)
{
	if (ike_dh_derive(dh, ke->data.ptr, ke->data.len, gir, IKE_DH_MAX) !=
	    IKE_DH_OK)
		return -1;
	*len = ike_dh_secret_len(ike_dh_group(dh));
	return 0;
}

static void gen_ke(struct ike_gen *g, struct ike_dh *dh)
{
	uint8_t pub[IKE_DH_MAX];
	size_t n = ike_dh_public(dh, pub, sizeof(pub));

	ike_gen_ke(g, ike_dh_group(dh)->iana, pub, n);
}

static void gen_ts(struct ike_gen *g, const struct child_sa *c, bool ours_i)
{
	struct ike_ts l, r;

	ts_to_ike(&c->ts_local, &l);
	ts_to_ike(&c->ts_remote, &r);
	ike_gen_ts(g, IKE_PLD_TSi, ours_i ? &l : &r, 1);
	ike_gen_ts(g, IKE_PLD_TSr, ours_i ? &r : &l, 1);
}

/* Octet by octet; a nonce that is a prefix of the other is the lower
 * (section 2.8.1). */
static int nonce_cmp(struct ike_slice a, struct ike_slice b)
{
	int d = memcmp(a.ptr, b.ptr, a.len < b.len ? a.len : b.len);

	if (d)
		return d;
	return a.len < b.len ? -1 : a.len > b.len;
}

static struct ike_slice nonce_low(struct ike_slice a, struct ike_slice b)
{
	return nonce_cmp(a, b) <= 0 ? a : b;
}

void ike_crossed_note(struct ike_crossed *x, uint64_t spi,
		      struct ike_slice ni, struct ike_slice nr)
{
	struct ike_slice low = nonce_low(ni, nr);

	x->spi = spi;
	x->low_len = low.len < sizeof(x->low) ? low.len : sizeof(x->low);
	memcpy(x->low, low.ptr, x->low_len);
}

bool ike_crossed_ours_lowest(const struct ike_crossed *x,
			     struct ike_slice ni, struct ike_slice nr)
{
	struct ike_slice theirs = { x->low, x->low_len };

	return nonce_cmp(nonce_low(ni, nr), theirs) < 0;
}

uint64_t ike_rekey_backoff_ms(struct ike_engine *e)
{
	uint16_t r;

	ike_random(e, &r, sizeof(r));
	return 1000 + r % 1000;
}

/* A new CHILD SA in old's place: same selectors, a later generation. */
static struct child_sa *successor(struct child_sa *old,
				  const struct prop_child *p)
{
	struct child_sa *c = child_sa_new(old->ike);

	if (!c)
		return NULL;
	c->prop = *p;
	c->spi_out = p->peer_spi;
	c->cfg_prop = old->cfg_prop;
	c->ts_local = old->ts_local;
	c->ts_remote = old->ts_remote;
	c->gen = (uint16_t)(old->gen + 1);
	return c;
}

void ike_rekey_retry(void *arg)
{
	struct child_sa *c = arg;

	c->rekey_timer = NULL;
	if (c->successor)
		return;
	if (ike_rekey_child(c) != 0) /* busy: try again shortly */
		c->rekey_timer = ike_timer(c->ike->eng, 1000, ike_rekey_retry, c);
}

void ike_rekey_schedule(struct child_sa *c)
{
	uint64_t life = c->cfg_prop ? (uint64_t)c->cfg_prop->lifetime * 1000 : 0;
	uint32_t r;

	if (!life)
		return;
	/* 90% of the lifetime, less up to 5% more, so that the two ends
	 * seldom start together. */
	ike_random(c->ike->eng, &r, sizeof(r));
	life = life * 9 / 10 - (r % (life / 20 + 1));
	c->rekey_timer = ike_timer(c->ike->eng, life, ike_rekey_retry, c);
}

/* ---- responder ---- */

static void refuse(struct ike_sa *sa, uint16_t type, const uint8_t *data,
		   size_t len)
{
	struct ike_gen g;

	ike_sa_log(LOG_LVL_INFO, sa, "CREATE_CHILD_SA refused: %s",
		   ike_notify_name(type));
	ike_msg_begin(sa, &g, IKE_EX_CREATE_CHILD_SA, true);
	ike_gen_notify(&g, 0, NULL, 0, type, data, len);
	ike_msg_respond(sa, &g);
}

static struct child_sa *rekeyed(struct ike_sa *sa, const struct ike_msg *m)
{
	const struct ike_notify_pld *n = ike_pld_notify(m, IKE_N_REKEY_SA);
	uint32_t spi;

	if (!n || n->protocol != IKE_PROTO_ESP || n->spi.len != 4)
		return NULL;
	memcpy(&spi, n->spi.ptr, 4);
	return child_sa_find_out(sa, spi);
}

/* Proposal for the new pair; false after refusing. */
static bool choose(struct ike_sa *sa, const struct cfg_proposal *cp,
		   const struct ike_msg *m, struct prop_child *p)
{
	bool ke = m->has & IKE_HAS(IKE_PLD_KE);
	uint8_t grp[2];

	switch (proposal_select_child(cp,
				      ike_sa_profile(sa)->proposal_check,
				      &m->sa, ke, m->ke.group, p)) {
	case PROP_OK:
		if (!p->dh || ike_dh_supported(p->dh))
			return true;
		break;
	case PROP_INVALID_KE:
		grp[0] = (uint8_t)(p->dh->iana >> 8);
		grp[1] = (uint8_t)p->dh->iana;
		refuse(sa, IKE_N_INVALID_KE_PAYLOAD, grp, 2);
		return false;
	case PROP_NONE:
		break;
	}
	sa->eng->stats.no_proposal++;
	refuse(sa, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
	return false;
}

/* Keys of c from the request's Ni and our Nr (and KE), into g. */
static int respond_keys(struct ike_sa *sa, struct child_sa *c,
			const struct ike_msg *m, struct ike_gen *g,
			uint8_t nr[IKE_NONCE_LEN])
{
	uint8_t gir[IKE_DH_MAX];
	size_t gl = 0;
	struct ike_dh *dh = c->prop.dh ? ike_dh_new(c->prop.dh) : NULL;
	int rc = -1;

	ike_random(sa->eng, nr, IKE_NONCE_LEN);
	if (c->prop.dh && (!dh || dh_secret(dh, &m->ke, gir, &gl) != 0))
		goto out;
	if (child_derive(c, m->nonce, (struct ike_slice){ nr, IKE_NONCE_LEN },
			 (struct ike_slice){ gir, gl }, false) != 0)
		goto out;
	proposal_gen_child_chosen(g, &c->prop, c->spi_in);
	ike_gen_nonce(g, nr, IKE_NONCE_LEN);
	if (dh)
		gen_ke(g, dh);
	gen_ts(g, c, false);
	rc = 0;
out:
	ike_dh_free(dh);
	ike_keys_wipe(gir, sizeof(gir));
	return rc;
}

/* ---- responder: a CHILD SA that rekeys nothing (section 1.3.1) ---- */

static bool ts_same(const struct chan_ts *a, const struct chan_ts *b)
{
	return addr_equal(&a->prefix.addr, &b->prefix.addr) &&
	       a->prefix.len == b->prefix.len && a->proto == b->proto &&
	       a->port_lo == b->port_lo && a->port_hi == b->port_hi;
}

/* Section 1.3.1 leaves it to policy: one pair per narrowed selector pair,
 * at most IKE_CHILD_MAX per IKE SA; beyond that NO_ADDITIONAL_SAS. */
static bool room_for(const struct ike_sa *sa, const struct ts_result *r)
{
	unsigned int n = 0;

	for (const struct child_sa *c = sa->children; c; c = c->next, n++)
		if (ts_same(&c->ts_local, &r->local) &&
		    ts_same(&c->ts_remote, &r->remote))
			return false;
	return n < IKE_CHILD_MAX;
}

/* The peer asks for another pair (strongSwan does, for a second
 * connection to the same gateway): the selectors must fit a policy
 * template of the IKE SA's identity, as in IKE_AUTH. */
static void new_child(struct ike_sa *sa, struct ike_msg *m)
{
	const uint64_t need = IKE_HAS(IKE_PLD_TSi) | IKE_HAS(IKE_PLD_TSr);
	const struct espgw_config *cfg = sa->eng->cfg;
	uint8_t nr[IKE_NONCE_LEN];
	struct ts_result r;
	struct prop_child p;
	struct child_sa *c;
	struct ike_gen g;

	if ((m->has & need) != need)
		return refuse(sa, IKE_N_INVALID_SYNTAX, NULL, 0);
	if (sa->identity < 0 ||
	    ts_narrow(cfg, &cfg->ipsec.identities[sa->identity], &m->tsi,
		      &m->tsr, &sa->vip, &r) != 0) {
		sa->eng->stats.ts_unacceptable++;
		return refuse(sa, IKE_N_TS_UNACCEPTABLE, NULL, 0);
	}
	if (!room_for(sa, &r))
		return refuse(sa, IKE_N_NO_ADDITIONAL_SAS, NULL, 0);
	if (!choose(sa, &cfg->ipsec.proposals[r.policy->proposal], m, &p) ||
	    !(c = child_sa_new(sa)))
		return;
	c->prop = p;
	c->spi_out = p.peer_spi;
	c->cfg_prop = &cfg->ipsec.proposals[r.policy->proposal];
	c->ts_local = r.local;
	c->ts_remote = r.remote;
	ike_msg_begin(sa, &g, IKE_EX_CREATE_CHILD_SA, true);
	if (respond_keys(sa, c, m, &g, nr) != 0) {
		child_sa_destroy(c);
		return refuse(sa, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
	}
	ike_keys_wipe(nr, sizeof(nr));
	child_install(c);
	ike_rekey_schedule(c);
	ike_msg_respond(sa, &g);
	ike_sa_log(LOG_LVL_INFO, sa, "CHILD SA %08x/%08x added",
		   ntohl(c->spi_in), ntohl(c->spi_out));
}

/* ---- responder: rekeying ---- */

/* Section 2.8.1: the peer rekeys the pair we are rekeying too. */
static void note_crossed(struct ike_sa *sa, const struct child_sa *old,
			 const struct child_sa *c, const struct ike_msg *m,
			 const uint8_t *nr)
{
	struct ike_rekey *r = sa->rekey;

	if (!r || r->old != old)
		return;
	ike_crossed_note(&r->crossed, ntohl(c->spi_in), m->nonce,
			 (struct ike_slice){ nr, IKE_NONCE_LEN });
	ike_sa_log(LOG_LVL_INFO, sa, "CHILD SA %08x: rekeys crossed",
		   ntohl(old->spi_in));
}

/* Section 2.25: while the IKE SA is being deleted or rekeyed by us, a
 * rekey could only be lost with it; the peer tries again later. */
static bool busy_refused(struct ike_sa *sa, const struct ike_msg *m)
{
	bool ike = m->sa.n_proposals && m->sa.prop[0].protocol == IKE_PROTO_IKE;

	if (sa->state != IKE_SA_DELETING && (ike || !sa->rekey_ike))
		return false;
	refuse(sa, IKE_N_TEMPORARY_FAILURE, NULL, 0);
	return true;
}

void ike_rekey_request(struct ike_sa *sa, struct ike_msg *m)
{
	const uint64_t need = IKE_HAS(IKE_PLD_SA) | IKE_HAS(IKE_PLD_NONCE);
	uint8_t nr[IKE_NONCE_LEN];
	struct child_sa *old, *c;
	struct prop_child p;
	struct ike_gen g;

	if ((sa->state != IKE_SA_ESTABLISHED && sa->state != IKE_SA_DELETING) ||
	    (m->has & need) != need) {
		sa->eng->stats.unexpected++;
		return;
	}
	if (busy_refused(sa, m))
		return;
	if (m->sa.n_proposals && m->sa.prop[0].protocol == IKE_PROTO_IKE)
		return ike_rekey_ike_request(sa, m);
	if (!ike_pld_notify(m, IKE_N_REKEY_SA))
		return new_child(sa, m);
	old = rekeyed(sa, m);
	if (!old || old->successor)
		return refuse(sa, IKE_N_CHILD_SA_NOT_FOUND, NULL, 0);
	/* A CP payload inside a rekey is tolerated and ignored. */
	if (!choose(sa, old->cfg_prop, m, &p) || !(c = successor(old, &p)))
		return;
	c->out_pending = true;
	ike_msg_begin(sa, &g, IKE_EX_CREATE_CHILD_SA, true);
	if (respond_keys(sa, c, m, &g, nr) != 0) {
		child_sa_destroy(c);
		return refuse(sa, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
	}
	child_install(c);
	note_crossed(sa, old, c, m, nr);
	ike_keys_wipe(nr, sizeof(nr));
	old->successor = c;
	ike_timer_cancel(sa->eng, &old->rekey_timer);
	ike_rekey_schedule(c);
	ike_msg_respond(sa, &g);
	ike_sa_log(LOG_LVL_INFO, sa, "CHILD SA %08x rekeyed to %08x%s",
		   ntohl(old->spi_in), ntohl(c->spi_in),
		   c->prop.dh ? " with PFS" : "");
}

/* ---- initiator ---- */

void ike_rekey_abort(struct ike_sa *sa)
{
	struct ike_rekey *r = sa->rekey;

	if (!r)
		return;
	sa->rekey = NULL;
	ike_dh_free(r->dh);
	if (r->new && !r->new->installed)
		child_sa_destroy(r->new);
	ike_keys_wipe(r, sizeof(*r));
	free(r);
}

static void on_delete_old(struct ike_sa *sa, struct ike_msg *m)
{
	(void)m;
	(void)sa; /* the old pair went when we asked; nothing left to do */
}

/* Section 2.8: the rekey's initiator deletes the old pair; after a
 * collision, the redundant pair's creator deletes that one. */
static void delete_child(struct ike_sa *sa, struct child_sa *c)
{
	struct ike_gen g;

	ike_msg_begin(sa, &g, IKE_EX_INFORMATIONAL, false);
	ike_gen_delete(&g, IKE_PROTO_ESP, 4, (const uint8_t *)&c->spi_in, 1);
	if (ike_msg_request(sa, &g, on_delete_old, 0) != 0)
		ike_sa_log(LOG_LVL_WARN, sa, "CHILD SA %08x: DELETE not sent",
			   ntohl(c->spi_in));
	child_sa_destroy(c);
}

static int finish_keys(struct ike_sa *sa, struct ike_rekey *r,
		       const struct ike_msg *m)
{
	uint8_t gir[IKE_DH_MAX];
	size_t gl = 0;
	int rc = -1;

	if (r->new->prop.dh && (!r->dh || !(m->has & IKE_HAS(IKE_PLD_KE)) ||
				ike_dh_group(r->dh) != r->new->prop.dh ||
				dh_secret(r->dh, &m->ke, gir, &gl) != 0))
		goto out;
	rc = child_derive(r->new, (struct ike_slice){ r->ni, sizeof(r->ni) },
			  m->nonce, (struct ike_slice){ gir, gl }, true);
out:
	(void)sa;
	ike_keys_wipe(gir, sizeof(gir));
	return rc;
}

/* Try again: soon after TEMPORARY_FAILURE (section 2.25), else at the
 * next lifetime mark. */
static void refused(struct ike_sa *sa, struct child_sa *old,
		    const struct ike_msg *m)
{
	ike_sa_log(LOG_LVL_INFO, sa, "CHILD SA rekey refused%s%s",
		   m->n_notifies ? ": " : "", m->n_notifies ?
		   ike_notify_name(m->notify[0].type) ?: "?" : "");
	ike_rekey_abort(sa);
	ike_timer_cancel(sa->eng, &old->rekey_timer);
	if (ike_pld_notify(m, IKE_N_TEMPORARY_FAILURE))
		old->rekey_timer = ike_timer(sa->eng,
					     ike_rekey_backoff_ms(sa->eng),
					     ike_rekey_retry, old);
	else
		ike_rekey_schedule(old);
}

/* Section 2.8.1: the peer's rekey crossed ours and our exchange holds
 * the lowest nonce: our new pair is the redundant one.  It was never
 * installed here; the peer has it without outbound policy.  The old pair
 * is the peer's to delete. */
static void drop_ours(struct ike_sa *sa, struct ike_rekey *r)
{
	struct child_sa *c = r->new;

	ike_sa_log(LOG_LVL_INFO, sa, "CHILD SA %08x: rekey collision, ours "
		   "(%08x) is redundant", ntohl(r->old->spi_in),
		   ntohl(c->spi_in));
	r->new = NULL;
	ike_rekey_abort(sa);
	delete_child(sa, c);
}

/* The peer's pair from a crossed rekey, if it is to give way to ours:
 * it keeps no outbound policy and is not rekeyed; the peer deletes it. */
static void keep_ours(struct ike_sa *sa, struct ike_rekey *r)
{
	struct child_sa *theirs = child_sa_find(sa->eng, htonl(
				  (uint32_t)r->crossed.spi));

	if (!theirs || theirs->ike != sa)
		return;
	ike_sa_log(LOG_LVL_INFO, sa, "CHILD SA %08x: rekey collision, the "
		   "peer's (%08x) is redundant", ntohl(r->old->spi_in),
		   ntohl(theirs->spi_in));
	ike_timer_cancel(sa->eng, &theirs->rekey_timer);
	r->old->successor = r->new;
}

static void on_rekey_response(struct ike_sa *sa, struct ike_msg *m)
{
	const uint64_t need = IKE_HAS(IKE_PLD_SA) | IKE_HAS(IKE_PLD_NONCE);
	struct ike_rekey *r = sa->rekey;
	struct child_sa *old, *c;
	struct prop_child p;

	if (!r) /* the old pair went meanwhile: the peer rekeyed it */
		return;
	old = r->old;
	c = r->new;
	if ((m->has & need) != need || m->sa.n_proposals != 1 ||
	    proposal_select_child(old->cfg_prop, CFG_CHECK_OBEY, &m->sa,
				  r->dh != NULL, r->dh ?
				  ike_dh_group(r->dh)->iana : 0, &p) != PROP_OK)
		return refused(sa, old, m);
	c->prop = p;
	c->spi_out = p.peer_spi;
	if (finish_keys(sa, r, m) != 0) {
		ike_rekey_abort(sa);
		return;
	}
	if (r->crossed.spi &&
	    ike_crossed_ours_lowest(&r->crossed, (struct ike_slice){
					    r->ni, sizeof(r->ni) }, m->nonce))
		return drop_ours(sa, r);
	child_install(c);
	if (r->crossed.spi)
		keep_ours(sa, r);
	ike_rekey_schedule(c);
	ike_sa_log(LOG_LVL_INFO, sa, "CHILD SA %08x rekeyed to %08x%s",
		   ntohl(old->spi_in), ntohl(c->spi_in),
		   p.dh ? " with PFS" : "");
	r->new = NULL;
	ike_rekey_abort(sa);
	delete_child(sa, old);
}

static int offer(struct ike_sa *sa, struct ike_rekey *r)
{
	const struct cfg_proposal *cp = r->old->cfg_prop;
	bool pfs = cp->pfs_group != ALGO_DH_NONE;
	struct ike_gen g;

	if (pfs && !(r->dh = ike_dh_new(algo_by_id(cp->pfs_group))))
		return -1;
	ike_random(sa->eng, r->ni, sizeof(r->ni));
	ike_msg_begin(sa, &g, IKE_EX_CREATE_CHILD_SA, false);
	ike_gen_notify(&g, IKE_PROTO_ESP, (const uint8_t *)&r->old->spi_in, 4,
		       IKE_N_REKEY_SA, NULL, 0);
	proposal_gen_child(&g, cp, r->new->spi_in, pfs);
	ike_gen_nonce(&g, r->ni, sizeof(r->ni));
	if (r->dh)
		gen_ke(&g, r->dh);
	gen_ts(&g, r->old, true);
	return ike_msg_request(sa, &g, on_rekey_response, 0);
}

int ike_rekey_child(struct child_sa *old)
{
	struct ike_sa *sa = old->ike;
	struct prop_child none = { 0 };
	struct ike_rekey *r;

	if (sa->state != IKE_SA_ESTABLISHED || ike_msg_busy(sa) || sa->rekey ||
	    !old->cfg_prop || old->successor)
		return -1;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -1;
	sa->rekey = r;
	r->old = old;
	r->new = successor(old, &none);
	if (!r->new || offer(sa, r) != 0) {
		ike_rekey_abort(sa);
		return -1;
	}
	return 0;
}
