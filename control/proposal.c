/* SPDX-License-Identifier: BSD-3-Clause */
#include "proposal.h"

#include <limits.h>
#include <string.h>

#include "ike_proto.h"

/* What the configuration allows, per transform type, in our order. */
struct allowed {
	enum algo_id id[ALGO_DH + 1][CFG_MAX_LIST];
	unsigned int n[ALGO_DH + 1];
	bool our_order, exact;
};

struct cand {
	const struct algo *encr, *prf, *integ, *dh;
	bool ke_ok;
	int rank; /* of the cipher in our list, or the peer's order */
};

static void allow(struct allowed *al, enum algo_type t, enum algo_id id)
{
	if (id != ALGO_INVALID && al->n[t] < CFG_MAX_LIST)
		al->id[t][al->n[t]++] = id;
}

static int rank_of(const struct allowed *al, const struct algo *x)
{
	for (unsigned int i = 0; x && i < al->n[x->type]; i++)
		if (al->id[x->type][i] == x->id)
			return (int)i;
	return -1;
}

static const struct algo *xf_algo(const struct ike_transform *xf)
{
	if (xf->unknown_attr || xf->type < ALGO_ENCR || xf->type > ALGO_DH)
		return NULL;
	return algo_by_iana(xf->type, xf->id, xf->key_bits);
}

/* The transform of type t to take from pp, or NULL. */
static const struct algo *choose(const struct allowed *al,
				 const struct ike_proposal *pp,
				 enum algo_type t)
{
	const struct algo *best = NULL;
	int best_rank = INT_MAX;

	for (unsigned int i = 0; i < pp->n_transforms; i++) {
		const struct algo *x = xf_algo(&pp->xf[i]);
		int r;

		if (pp->xf[i].type != t || (r = rank_of(al, x)) < 0)
			continue;
		if (!al->our_order)
			return x;
		if (r < best_rank) {
			best = x;
			best_rank = r;
		}
	}
	return best;
}

static bool offers(const struct ike_proposal *pp, uint8_t t, uint16_t id)
{
	for (unsigned int i = 0; i < pp->n_transforms; i++)
		if (pp->xf[i].type == t && (id == UINT16_MAX ||
					    pp->xf[i].id == id))
			return true;
	return false;
}

/* exact: every transform of the four algorithm types is ours. */
static bool all_allowed(const struct allowed *al,
			const struct ike_proposal *pp, bool with_dh)
{
	for (unsigned int i = 0; i < pp->n_transforms; i++) {
		uint8_t t = pp->xf[i].type;

		if (t < ALGO_ENCR || t > ALGO_DH || (t == ALGO_DH && !with_dh))
			continue;
		if (rank_of(al, xf_algo(&pp->xf[i])) < 0)
			return false;
	}
	return true;
}

/* The DH group: the KE's if it is allowed here, else our pick. */
static const struct algo *choose_dh(const struct allowed *al,
				    const struct ike_proposal *pp,
				    uint16_t ke_group, bool *ke_ok)
{
	const struct algo *ke = algo_by_iana(ALGO_DH, ke_group, 0);

	*ke_ok = ke && offers(pp, ALGO_DH, ke_group) && rank_of(al, ke) >= 0;
	return *ke_ok ? ke : choose(al, pp, ALGO_DH);
}

static bool fill(const struct allowed *al, const struct ike_proposal *pp,
		 bool want_prf, bool want_dh, uint16_t ke, struct cand *c)
{
	memset(c, 0, sizeof(*c));
	c->encr = choose(al, pp, ALGO_ENCR);
	if (!c->encr)
		return false;
	if (!(c->encr->flags & ALGO_AEAD)) {
		c->integ = choose(al, pp, ALGO_INTEG);
		if (!c->integ)
			return false;
	}
	if (want_prf && !(c->prf = choose(al, pp, ALGO_PRF)))
		return false;
	if (want_dh && !(c->dh = choose_dh(al, pp, ke, &c->ke_ok)))
		return false;
	if (!want_dh)
		c->ke_ok = true;
	if (al->exact && !all_allowed(al, pp, want_dh))
		return false;
	c->rank = rank_of(al, c->encr);
	return true;
}

/* Index of the best candidate: one that needs no new KE first, then by
 * our cipher rank (strict, exact) or by the peer's order; -1 if none. */
static int best_of(const struct allowed *al, const struct cand *c,
		   const bool *ok, unsigned int n)
{
	int best = -1;

	for (unsigned int i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		if (best < 0 || (c[i].ke_ok && !c[best].ke_ok) ||
		    (c[i].ke_ok == c[best].ke_ok && al->our_order &&
		     c[i].rank < c[best].rank))
			best = (int)i;
	}
	return best;
}

static void set_check(struct allowed *al, enum cfg_proposal_check check)
{
	al->our_order = check == CFG_CHECK_STRICT || check == CFG_CHECK_EXACT;
	al->exact = check == CFG_CHECK_EXACT;
}

const struct algo *proposal_profile_prf(const struct cfg_profile *pf)
{
	const struct algo *h = algo_by_id(pf->hash_algorithm);

	if (pf->prf_algorithm != ALGO_INVALID)
		return algo_by_id(pf->prf_algorithm);
	return h ? algo_by_name(ALGO_PRF, h->name) : NULL;
}

static void ike_allowed(const struct cfg_profile *pf, struct allowed *al)
{
	const struct algo *prf = proposal_profile_prf(pf);

	memset(al, 0, sizeof(*al));
	set_check(al, pf->proposal_check);
	for (unsigned int i = 0; i < pf->n_enc_algorithm; i++)
		allow(al, ALGO_ENCR, pf->enc_algorithm[i]);
	allow(al, ALGO_INTEG, pf->hash_algorithm);
	allow(al, ALGO_PRF, prf ? prf->id : ALGO_INVALID);
	for (unsigned int i = 0; i < pf->n_dh_group; i++)
		allow(al, ALGO_DH, pf->dh_group[i]);
}

enum prop_result proposal_select_ike(const struct cfg_profile *pf,
				     const struct ike_sa_pld *sa,
				     uint16_t ke_group, struct prop_ike *out)
{
	struct cand c[IKE_PLD_MAX_PROPOSALS];
	bool ok[IKE_PLD_MAX_PROPOSALS];
	struct allowed al;
	int b;

	ike_allowed(pf, &al);
	for (unsigned int i = 0; i < sa->n_proposals; i++) {
		const struct ike_proposal *pp = &sa->prop[i];

		ok[i] = pp->protocol == IKE_PROTO_IKE &&
			(pp->spi.len == 0 || pp->spi.len == IKE_SPI_LEN) &&
			fill(&al, pp, true, true, ke_group, &c[i]);
	}
	b = best_of(&al, c, ok, sa->n_proposals);
	if (b < 0)
		return PROP_NONE;
	*out = (struct prop_ike){ sa->prop[b].num, c[b].encr, c[b].prf,
				  c[b].integ, c[b].dh };
	return c[b].ke_ok ? PROP_OK : PROP_INVALID_KE;
}

static void child_allowed(const struct cfg_proposal *cp,
			  enum cfg_proposal_check check, uint16_t ke_group,
			  struct allowed *al)
{
	memset(al, 0, sizeof(*al));
	set_check(al, check);
	for (unsigned int i = 0; i < cp->n_enc_algorithms; i++)
		allow(al, ALGO_ENCR, cp->enc_algorithms[i]);
	for (unsigned int i = 0; i < cp->n_auth_algorithms; i++)
		allow(al, ALGO_INTEG, cp->auth_algorithms[i]);
	if (cp->pfs_group != ALGO_DH_NONE) {
		allow(al, ALGO_DH, cp->pfs_group);
	} else {
		/* No PFS configured: a peer that wants it gets its group. */
		const struct algo *g = algo_by_iana(ALGO_DH, ke_group, 0);

		allow(al, ALGO_DH, g && g->id != ALGO_DH_NONE ? g->id :
								 ALGO_INVALID);
	}
}

/* ESN: no if offered, else yes if offered; absent means no. */
static bool choose_esn(const struct ike_proposal *pp, bool *esn)
{
	*esn = false;
	if (!offers(pp, IKE_XF_ESN, UINT16_MAX) ||
	    offers(pp, IKE_XF_ESN, IKE_ESN_NO))
		return true;
	*esn = true;
	return offers(pp, IKE_XF_ESN, IKE_ESN_YES);
}

enum prop_result proposal_select_child(const struct cfg_proposal *cp,
				       enum cfg_proposal_check check,
				       const struct ike_sa_pld *sa,
				       bool with_ke, uint16_t ke_group,
				       struct prop_child *out)
{
	struct cand c[IKE_PLD_MAX_PROPOSALS];
	bool ok[IKE_PLD_MAX_PROPOSALS], esn[IKE_PLD_MAX_PROPOSALS];
	struct allowed al;
	int b;

	child_allowed(cp, check, ke_group, &al);
	for (unsigned int i = 0; i < sa->n_proposals; i++) {
		const struct ike_proposal *pp = &sa->prop[i];
		bool dh = with_ke && offers(pp, ALGO_DH, UINT16_MAX) &&
			  !offers(pp, ALGO_DH, 0);

		ok[i] = pp->protocol == IKE_PROTO_ESP && pp->spi.len == 4 &&
			choose_esn(pp, &esn[i]) &&
			fill(&al, pp, false, dh, ke_group, &c[i]);
	}
	b = best_of(&al, c, ok, sa->n_proposals);
	if (b < 0)
		return PROP_NONE;
	memset(out, 0, sizeof(*out));
	out->num = sa->prop[b].num;
	memcpy(&out->peer_spi, sa->prop[b].spi.ptr, 4);
	out->encr = c[b].encr;
	out->integ = c[b].integ;
	out->dh = c[b].dh;
	out->esn = esn[b];
	return c[b].ke_ok ? PROP_OK : PROP_INVALID_KE;
}

static void gen_xf(struct ike_gen *g, const struct algo *a)
{
	/* AES-CBC and AES-GCM carry their key length (section 3.3.5). */
	uint16_t bits = a->type == ALGO_ENCR ? (uint16_t)(a->key_len * 8) : 0;

	ike_gen_transform(g, (uint8_t)a->type, a->iana, bits);
}

void proposal_gen_ike(struct ike_gen *g, const struct cfg_profile *pf,
		      const uint8_t *spi)
{
	const struct algo *integ = algo_by_id(pf->hash_algorithm);
	bool all_aead = true;

	ike_gen_sa_begin(g);
	ike_gen_proposal(g, 1, IKE_PROTO_IKE, spi, spi ? IKE_SPI_LEN : 0);
	for (unsigned int i = 0; i < pf->n_enc_algorithm; i++) {
		const struct algo *e = algo_by_id(pf->enc_algorithm[i]);

		gen_xf(g, e);
		all_aead = all_aead && (e->flags & ALGO_AEAD);
	}
	gen_xf(g, proposal_profile_prf(pf));
	if (!all_aead && integ)
		gen_xf(g, integ);
	for (unsigned int i = 0; i < pf->n_dh_group; i++)
		gen_xf(g, algo_by_id(pf->dh_group[i]));
	ike_gen_sa_end(g);
}

void proposal_gen_child(struct ike_gen *g, const struct cfg_proposal *cp,
			uint32_t spi, bool pfs)
{
	ike_gen_sa_begin(g);
	ike_gen_proposal(g, 1, IKE_PROTO_ESP, (const uint8_t *)&spi, 4);
	for (unsigned int i = 0; i < cp->n_enc_algorithms; i++)
		gen_xf(g, algo_by_id(cp->enc_algorithms[i]));
	for (unsigned int i = 0; i < cp->n_auth_algorithms; i++)
		gen_xf(g, algo_by_id(cp->auth_algorithms[i]));
	if (pfs && cp->pfs_group != ALGO_DH_NONE)
		gen_xf(g, algo_by_id(cp->pfs_group));
	ike_gen_transform(g, IKE_XF_ESN, IKE_ESN_NO, 0);
	ike_gen_sa_end(g);
}

void proposal_gen_ike_chosen(struct ike_gen *g, const struct prop_ike *p,
			     const uint8_t *spi)
{
	ike_gen_sa_begin(g);
	ike_gen_proposal(g, p->num, IKE_PROTO_IKE, spi, spi ? IKE_SPI_LEN : 0);
	gen_xf(g, p->encr);
	gen_xf(g, p->prf);
	if (p->integ)
		gen_xf(g, p->integ);
	gen_xf(g, p->dh);
	ike_gen_sa_end(g);
}

void proposal_gen_child_chosen(struct ike_gen *g, const struct prop_child *p,
			       uint32_t spi)
{
	ike_gen_sa_begin(g);
	ike_gen_proposal(g, p->num, IKE_PROTO_ESP, (const uint8_t *)&spi, 4);
	gen_xf(g, p->encr);
	if (p->integ)
		gen_xf(g, p->integ);
	if (p->dh)
		gen_xf(g, p->dh);
	ike_gen_transform(g, IKE_XF_ESN, p->esn ? IKE_ESN_YES : IKE_ESN_NO, 0);
	ike_gen_sa_end(g);
}
