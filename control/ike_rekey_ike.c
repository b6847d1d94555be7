/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rekeying the IKE SA (RFC 7296 sections 1.3.2 and 2.18) in both roles:
 * a new IKE SA keyed from the old one's SK_d and a fresh DH, which takes
 * over the CHILD SAs, the virtual address and the identity; the old one is
 * then deleted by whoever started the rekey.  The data plane sees nothing.
 *
 * Simultaneous rekeys (section 2.8.2): the peer's request is answered as
 * usual and its new IKE SA takes the CHILD SAs at once.  When our answer
 * comes, the exchange holding the lowest of the four nonces made the
 * redundant IKE SA: if ours, we bring it up empty and delete it, and the
 * old one is the peer's to delete; if the peer's, ours takes the CHILD
 * SAs from it, the peer deletes it, and we delete the old one.  A peer
 * that finished its rekey before seeing ours answers ours with
 * TEMPORARY_FAILURE and deletes the old IKE SA, our rekey with it.
 *
 * An IKE SA whose CHILD SAs another took over (the old one, or the
 * peer's redundant one) waits IKE_REKEYED_WAIT_MS for the peer's DELETE,
 * then is deleted by us: a peer that vanished mid-rekey leaves nothing.
 *
 * XXX A DELETE of the peer's redundant IKE SA that overtakes the answer
 * to our rekey (reordering) takes the CHILD SAs with it.
 */
#include <endian.h>
#include <string.h>

#include "ike_exchange.h"
#include "ike_msg.h"
#include "log.h"

static void inherit(struct ike_sa *n, struct ike_sa *old)
{
	n->local = old->local;
	n->remote = old->remote;
	n->nat_local = old->nat_local;
	n->nat_remote = old->nat_remote;
	n->identity = old->identity;
	ike_sa_set_id(n, old->id_text);
	n->vip = old->vip;
	n->vip_pool = old->vip_pool;
	old->vip.family = 0; /* the lease moves, it is not released */
	old->vip_pool = NULL;
	ike_rekey_abort(old);
	n->children = old->children;
	old->children = NULL;
	for (struct child_sa *c = n->children; c; c = c->next)
		c->ike = n;
	ike_timer_cancel(old->eng, &old->life_timer); /* no DPD on it */
}

/* g^ir from the peer's KE, then the new SA's keys from the old SK_d. */
static int derive(struct ike_sa *n, struct ike_sa *old,
		  const struct ike_ke_pld *ke)
{
	uint8_t gir[IKE_DH_MAX];
	int rc = -1;

	if (ike_dh_derive(n->setup->dh, ke->data.ptr, ke->data.len, gir,
			  sizeof(gir)) == IKE_DH_OK)
		rc = ike_sa_derive(n, gir, ike_dh_secret_len(n->prop.dh), old);
	ike_keys_wipe(gir, sizeof(gir));
	return rc;
}

static void on_lifetime(void *arg)
{
	struct ike_sa *sa = arg;

	sa->ike_rekey_timer = NULL;
	if (ike_rekey_ike(sa) != 0) /* busy: try again shortly */
		sa->ike_rekey_timer = ike_timer(sa->eng, 1000, on_lifetime, sa);
}

void ike_rekey_ike_schedule(struct ike_sa *sa)
{
	uint64_t life = (uint64_t)ike_sa_profile(sa)->lifetime * 1000;
	uint32_t r;

	if (!life)
		return;
	/* As for CHILD SAs: 90%, less up to 5% more at random. */
	ike_random(sa->eng, &r, sizeof(r));
	life = life * 9 / 10 - (r % (life / 20 + 1));
	sa->ike_rekey_timer = ike_timer(sa->eng, life, on_lifetime, sa);
}

/* The old IKE SA outlived the wait for the peer's DELETE: delete it
 * ourselves.  One with a DELETE of ours under way ends with that
 * exchange (answered, or given up after its retransmissions). */
static void on_rekeyed_wait(void *arg)
{
	struct ike_sa *sa = arg;

	sa->ike_rekey_timer = NULL;
	if (sa->state == IKE_SA_DELETING)
		return;
	if (ike_msg_busy(sa)) {
		sa->ike_rekey_timer = ike_timer(sa->eng, IKE_RETRANS_MS,
						on_rekeyed_wait, sa);
		return;
	}
	ike_sa_log(LOG_LVL_INFO, sa, "rekeyed IKE SA not deleted by the "
		   "peer: deleting it");
	if (ike_info_delete_ike(sa) != 0)
		ike_sa_destroy(sa);
}

static void take_over(struct ike_sa *n, struct ike_sa *old)
{
	inherit(n, old);
	ike_timer_cancel(old->eng, &old->ike_rekey_timer);
	old->ike_rekey_timer = ike_timer(old->eng, IKE_REKEYED_WAIT_MS,
					 on_rekeyed_wait, old);
	ike_sa_established(n);
	ike_info_dpd_schedule(n);
	ike_rekey_ike_schedule(n);
	ike_sa_log(LOG_LVL_INFO, n, "IKE SA rekeyed: %016llx_%016llx",
		   (unsigned long long)n->spi_i, (unsigned long long)n->spi_r);
}

static void gen_ke(struct ike_gen *g, const struct ike_sa *n)
{
	uint8_t pub[IKE_DH_MAX];
	size_t len = ike_dh_public(n->setup->dh, pub, sizeof(pub));

	ike_gen_ke(g, n->prop.dh->iana, pub, len);
}

static bool proposal_spi(const struct ike_sa_pld *sa, uint8_t num,
			 uint64_t *spi)
{
	for (unsigned int i = 0; i < sa->n_proposals; i++)
		if (sa->prop[i].num == num &&
		    sa->prop[i].spi.len == IKE_SPI_LEN) {
			memcpy(spi, sa->prop[i].spi.ptr, IKE_SPI_LEN);
			*spi = be64toh(*spi);
			return *spi != 0;
		}
	return false;
}

static struct ike_sa *successor(struct ike_sa *old, bool initiator,
				const struct algo *dh)
{
	struct ike_sa *n = ike_sa_new(old->eng, initiator, old->peer);

	if (!n)
		return NULL;
	n->prop.dh = dh;
	n->setup->dh = ike_dh_new(dh);
	if (!n->setup->dh) {
		ike_sa_destroy(n);
		return NULL;
	}
	return n;
}

/* ---- responder ---- */

static void refuse(struct ike_sa *sa, uint16_t type, const struct algo *dh)
{
	uint8_t grp[2] = { dh ? (uint8_t)(dh->iana >> 8) : 0,
			   dh ? (uint8_t)dh->iana : 0 };
	struct ike_gen g;

	ike_sa_log(LOG_LVL_INFO, sa, "IKE SA rekey refused: %s",
		   ike_notify_name(type));
	ike_msg_begin(sa, &g, IKE_EX_CREATE_CHILD_SA, true);
	ike_gen_notify(&g, 0, NULL, 0, type, grp, dh ? 2 : 0);
	ike_msg_respond(sa, &g);
}

static int answer(struct ike_sa *sa, struct ike_sa *n, const struct ike_msg *m)
{
	struct ike_setup *s = n->setup;
	uint64_t spi = htobe64(n->spi_r);
	struct ike_gen g;

	memcpy(s->ni, m->nonce.ptr, m->nonce.len);
	s->ni_len = m->nonce.len;
	s->nr_len = IKE_NONCE_LEN;
	ike_random(sa->eng, s->nr, s->nr_len);
	if (derive(n, sa, &m->ke) != 0)
		return -1;
	ike_msg_begin(sa, &g, IKE_EX_CREATE_CHILD_SA, true);
	proposal_gen_ike_chosen(&g, &n->prop, (const uint8_t *)&spi);
	ike_gen_nonce(&g, s->nr, s->nr_len);
	gen_ke(&g, n);
	return ike_msg_respond(sa, &g);
}

void ike_rekey_ike_request(struct ike_sa *sa, struct ike_msg *m)
{
	struct prop_ike p;
	struct ike_sa *n;
	uint64_t spi_i;

	if (!(m->has & IKE_HAS(IKE_PLD_KE)))
		return refuse(sa, IKE_N_INVALID_SYNTAX, NULL);
	if (sa->rekey) /* section 2.25.2: our CHILD SA rekey first */
		return refuse(sa, IKE_N_TEMPORARY_FAILURE, NULL);
	switch (proposal_select_ike(ike_sa_profile(sa), &m->sa, m->ke.group,
				    &p)) {
	case PROP_INVALID_KE:
		return refuse(sa, IKE_N_INVALID_KE_PAYLOAD, p.dh);
	case PROP_NONE:
		return refuse(sa, IKE_N_NO_PROPOSAL_CHOSEN, NULL);
	case PROP_OK:
		break;
	}
	if (!proposal_spi(&m->sa, p.num, &spi_i) || !ike_dh_supported(p.dh))
		return refuse(sa, IKE_N_NO_PROPOSAL_CHOSEN, NULL);
	n = successor(sa, false, p.dh);
	if (!n)
		return;
	n->spi_i = spi_i;
	n->prop = p;
	if (answer(sa, n, m) != 0) {
		ike_sa_destroy(n);
		return;
	}
	if (sa->rekey_ike) {
		ike_crossed_note(&sa->rekey_ike->setup->crossed, n->spi_r,
				 m->nonce, (struct ike_slice){
					 n->setup->nr, n->setup->nr_len });
		ike_sa_log(LOG_LVL_INFO, sa, "IKE SA rekeys crossed");
	}
	take_over(n, sa);
}

/* ---- initiator ---- */

/* Try again: soon after TEMPORARY_FAILURE (section 2.25), else at the
 * next lifetime mark; not if the peer's crossed rekey replaced sa. */
static void refused(struct ike_sa *sa, struct ike_sa *n,
		    const struct ike_msg *m)
{
	bool replaced = n->setup->crossed.spi != 0;

	ike_sa_log(LOG_LVL_INFO, sa, "IKE SA rekey refused%s%s",
		   m->n_notifies ? ": " : "", m->n_notifies ?
		   ike_notify_name(m->notify[0].type) ?: "?" : "");
	ike_sa_destroy(n);
	if (replaced)
		return;
	ike_timer_cancel(sa->eng, &sa->ike_rekey_timer);
	if (ike_pld_notify(m, IKE_N_TEMPORARY_FAILURE))
		sa->ike_rekey_timer = ike_timer(sa->eng,
						ike_rekey_backoff_ms(sa->eng),
						on_lifetime, sa);
	else
		ike_rekey_ike_schedule(sa);
}

/* Section 2.8.2, our rekey answered after we answered the peer's, whose
 * new IKE SA theirs holds the CHILD SAs now. */
static void crossed(struct ike_sa *sa, struct ike_sa *n, struct ike_sa *theirs,
		    bool ours_lowest)
{
	if (ours_lowest) {
		ike_sa_log(LOG_LVL_INFO, sa, "IKE SA rekey collision, ours "
			   "(%016llx) is redundant",
			   (unsigned long long)n->spi_i);
		inherit(n, sa); /* addresses and name only: sa is empty */
		ike_sa_established(n);
		ike_info_delete_ike(n);
		return; /* sa is the peer's to delete */
	}
	ike_sa_log(LOG_LVL_INFO, sa, "IKE SA rekey collision, the peer's "
		   "(%016llx) is redundant", (unsigned long long)theirs->spi_i);
	take_over(n, theirs); /* the peer deletes theirs */
	ike_info_delete_ike(sa);
}

static void on_rekey_ike_response(struct ike_sa *sa, struct ike_msg *m)
{
	const uint64_t need = IKE_HAS(IKE_PLD_SA) | IKE_HAS(IKE_PLD_NONCE) |
			      IKE_HAS(IKE_PLD_KE);
	struct ike_sa *n = sa->rekey_ike, *theirs;
	const struct algo *dh = n->prop.dh;
	struct ike_setup *s = n->setup;
	struct prop_ike p;
	bool lowest;

	sa->rekey_ike = NULL;
	if ((m->has & need) != need || m->sa.n_proposals != 1 ||
	    proposal_select_ike(ike_sa_profile(sa), &m->sa, m->ke.group, &p) !=
		    PROP_OK || p.dh != dh ||
	    !proposal_spi(&m->sa, p.num, &n->spi_r))
		return refused(sa, n, m);
	n->prop = p;
	memcpy(s->nr, m->nonce.ptr, m->nonce.len);
	s->nr_len = m->nonce.len;
	if (derive(n, sa, &m->ke) != 0) {
		ike_sa_destroy(n);
		return;
	}
	theirs = s->crossed.spi ? ike_sa_find(sa->eng, s->crossed.spi) : NULL;
	if (theirs && theirs->state == IKE_SA_ESTABLISHED) {
		struct ike_slice ni = { s->ni, s->ni_len };

		lowest = ike_crossed_ours_lowest(&s->crossed, ni, m->nonce);
		return crossed(sa, n, theirs, lowest);
	}
	take_over(n, sa);
	ike_info_delete_ike(sa);
}

int ike_rekey_ike(struct ike_sa *sa)
{
	struct ike_sa *n;
	uint64_t spi;
	struct ike_gen g;

	if (sa->state != IKE_SA_ESTABLISHED || ike_msg_busy(sa) ||
	    sa->rekey_ike || sa->rekey)
		return -1;
	n = successor(sa, true, sa->prop.dh);
	if (!n)
		return -1;
	n->setup->ni_len = IKE_NONCE_LEN;
	ike_random(sa->eng, n->setup->ni, IKE_NONCE_LEN);
	spi = htobe64(n->spi_i);
	ike_msg_begin(sa, &g, IKE_EX_CREATE_CHILD_SA, false);
	proposal_gen_ike(&g, ike_sa_profile(sa), (const uint8_t *)&spi);
	ike_gen_nonce(&g, n->setup->ni, n->setup->ni_len);
	gen_ke(&g, n);
	sa->rekey_ike = n;
	if (ike_msg_request(sa, &g, on_rekey_ike_response, 0) != 0) {
		sa->rekey_ike = NULL;
		ike_sa_destroy(n);
		return -1;
	}
	return 0;
}
