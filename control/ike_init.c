/* SPDX-License-Identifier: BSD-3-Clause */
/* IKE_SA_INIT (RFC 7296 section 1.2), both roles, with NAT detection
 * (2.23), COOKIE (2.6) and INVALID_KE_PAYLOAD (1.2, 3.10.1). */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ike_exchange.h"
#include "ike_keys.h"
#include "ike_msg.h"
#include "log.h"

#define NATD_LEN   IKE_NATD_LEN
#define COOKIE_LEN 32

/* RFC 7427 section 4: SHA2-256, SHA2-384, SHA2-512. */
static const uint8_t sig_hashes[] = { 0, 2, 0, 3, 0, 4 };

/* NAT detection data for one endpoint, section 2.23. */
static void natd_hash(uint64_t spi_i, uint64_t spi_r, const struct ike_ep *ep,
		      uint8_t out[NATD_LEN])
{
	ike_natd_hash(spi_i, spi_r, &ep->addr, ep->port, out);
}

static bool natd_match(const struct ike_msg *m, uint16_t type,
		       const uint8_t want[NATD_LEN], bool *seen)
{
	bool match = false;

	for (unsigned int i = 0; i < m->n_notifies; i++) {
		const struct ike_notify_pld *n = &m->notify[i];

		if (n->type != type)
			continue;
		*seen = true;
		if (n->data.len == NATD_LEN &&
		    memcmp(n->data.ptr, want, NATD_LEN) == 0)
			match = true;
	}
	return match;
}

/* Who is behind a NAT, from the hashes of m (sent with m's SPIs). */
void ike_natd_check(struct ike_sa *sa, const struct ike_msg *m)
{
	uint8_t h_remote[NATD_LEN], h_local[NATD_LEN];
	bool seen = false, src_ok, dst_ok;

	natd_hash(m->hdr.spi_i, m->hdr.spi_r, &sa->remote, h_remote);
	natd_hash(m->hdr.spi_i, m->hdr.spi_r, &sa->local, h_local);
	src_ok = natd_match(m, IKE_N_NAT_DETECTION_SOURCE_IP, h_remote, &seen);
	dst_ok = natd_match(m, IKE_N_NAT_DETECTION_DESTINATION_IP, h_local,
			    &seen);
	if (!seen || !ike_sa_profile(sa)->nat_traversal) {
		sa->nat_remote = sa->nat_local = false;
		return;
	}
	sa->nat_remote = !src_ok;
	sa->nat_local = !dst_ok;
}

void ike_natd_gen(struct ike_sa *sa, struct ike_gen *g)
{
	uint8_t h[NATD_LEN];

	natd_hash(sa->spi_i, sa->spi_r, &sa->local, h);
	ike_gen_notify(g, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, h,
		       NATD_LEN);
	natd_hash(sa->spi_i, sa->spi_r, &sa->remote, h);
	ike_gen_notify(g, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, h,
		       NATD_LEN);
}

static void gen_status(struct ike_gen *g)
{
	ike_gen_notify(g, 0, NULL, 0, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED,
		       NULL, 0);
	ike_gen_notify(g, 0, NULL, 0, IKE_N_SIGNATURE_HASH_ALGORITHMS,
		       sig_hashes, sizeof(sig_hashes));
}

static uint8_t *dup_bytes(const uint8_t *p, size_t len)
{
	uint8_t *d = malloc(len);

	if (d)
		memcpy(d, p, len);
	return d;
}

/* Our public value into KE, and g^ir from the peer's; 0 or -1. */
static int key_exchange(struct ike_sa *sa, struct ike_gen *g,
			const struct ike_ke_pld *ke)
{
	struct ike_setup *s = sa->setup;
	uint8_t pub[IKE_DH_MAX], gir[IKE_DH_MAX];
	size_t n = ike_dh_public(s->dh, pub, sizeof(pub));
	int rc = -1;

	if (n == 0)
		return -1;
	if (g)
		ike_gen_ke(g, sa->prop.dh->iana, pub, n);
	if (!ke)
		return 0;
	if (ike_dh_derive(s->dh, ke->data.ptr, ke->data.len, gir,
			  sizeof(gir)) == IKE_DH_OK)
		rc = ike_sa_derive(sa, gir, ike_dh_secret_len(sa->prop.dh),
				   NULL);
	ike_keys_wipe(gir, sizeof(gir));
	return rc;
}

/* ---- responder ---- */

static int find_peer(const struct espgw_config *cfg, const struct ike_ep *local,
		     const struct ike_ep *remote)
{
	int best = -1, best_len = -1;

	for (unsigned int i = 0; i < cfg->ipsec.n_peers; i++) {
		const struct cfg_peer *p = &cfg->ipsec.peers[i];
		int len = p->address.addr.family ? p->address.len : 0;

		if (p->address.addr.family &&
		    !prefix_contains(&p->address, &remote->addr))
			continue;
		if (p->local_address.family &&
		    !addr_equal(&p->local_address, &local->addr))
			continue;
		if (len > best_len) {
			best = (int)i;
			best_len = len;
		}
	}
	return best;
}

static void cookie_of(struct ike_engine *e, const struct ike_msg *m,
		      const struct ike_ep *remote, uint8_t out[COOKIE_LEN])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint64_t spi = m->hdr.spi_i;

	/* Section 2.6: Hash(Ni | IPi | SPIi | <secret>). */
	if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(c, m->nonce.ptr, m->nonce.len) ||
	    !EVP_DigestUpdate(c, remote->addr.bytes, sizeof(remote->addr.bytes)) ||
	    !EVP_DigestUpdate(c, &spi, sizeof(spi)) ||
	    !EVP_DigestUpdate(c, e->cookie_secret, sizeof(e->cookie_secret)) ||
	    !EVP_DigestFinal_ex(c, out, NULL))
		memset(out, 0, COOKIE_LEN);
	EVP_MD_CTX_free(c);
}

/* Under load, ask for a COOKIE first; true when m may go on. */
static bool cookie_pass(struct ike_engine *e, const struct ike_ep *local,
			const struct ike_ep *remote, const struct ike_msg *m)
{
	const struct ike_notify_pld *n = ike_pld_notify(m, IKE_N_COOKIE);
	uint8_t want[COOKIE_LEN];

	if (e->half_open < e->cookie_threshold)
		return true;
	cookie_of(e, m, remote, want);
	if (n && n->data.len == COOKIE_LEN &&
	    CRYPTO_memcmp(n->data.ptr, want, COOKIE_LEN) == 0)
		return true;
	ike_msg_notify_init(e, local, remote, &m->hdr, IKE_N_COOKIE, want,
			    COOKIE_LEN);
	e->stats.cookies++;
	return false;
}

static bool negotiate(struct ike_engine *e, int peer,
		      const struct ike_ep *local, const struct ike_ep *remote,
		      const struct ike_msg *m, struct prop_ike *prop)
{
	const struct cfg_peer *p = &e->cfg->ipsec.peers[peer];
	const struct cfg_profile *pf = &e->cfg->ipsec.profiles[p->profile];
	char ep[IKE_EP_STRLEN];
	uint8_t grp[2];

	switch (proposal_select_ike(pf, &m->sa, m->ke.group, prop)) {
	case PROP_OK:
		return ike_dh_supported(prop->dh);
	case PROP_INVALID_KE:
		grp[0] = (uint8_t)(prop->dh->iana >> 8);
		grp[1] = (uint8_t)prop->dh->iana;
		ike_msg_notify_init(e, local, remote, &m->hdr,
				    IKE_N_INVALID_KE_PAYLOAD, grp, 2);
		e->stats.invalid_ke++;
		return false;
	case PROP_NONE:
		break;
	}
	log_info("ike: %s: NO_PROPOSAL_CHOSEN for the IKE SA (profile %s)",
		 ike_ep_format(remote, ep), pf->name);
	ike_msg_notify_init(e, local, remote, &m->hdr, IKE_N_NO_PROPOSAL_CHOSEN,
			    NULL, 0);
	e->stats.no_proposal++;
	return false;
}

static void on_half_open_expired(void *arg)
{
	struct ike_sa *sa = arg;

	sa->life_timer = NULL;
	ike_sa_log(LOG_LVL_DEBUG, sa, "half-open IKE SA expired");
	ike_sa_destroy(sa);
}

/*
 * Section 2.12 lets a responder reuse its DH exponential across IKE SAs
 * for a while; generating a MODP pair for every IKE_SA_INIT was about
 * 40% of espgw-control's CPU per setup.  The pair is replaced after
 * IKE_DH_REUSE_USES uses or IKE_DH_REUSE_MS on the engine's clock, so a
 * stolen private value opens a bounded number of IKE SAs.
 */
struct ike_dh *ike_init_responder_dh(struct ike_engine *e,
				     const struct algo *group)
{
	struct ike_dh_reuse *r = NULL;
	uint64_t now = ike_now(e);

	for (size_t i = 0; i < IKE_DH_REUSE_GROUPS; i++) {
		struct ike_dh_reuse *c = &e->dh_reuse[i];

		if (c->dh && ike_dh_group(c->dh) == group) {
			r = c;
			break;
		}
		if (!r && !c->dh)
			r = c;
	}
	if (!r) /* more groups than slots: make one to use once */
		return ike_dh_new(group);
	if (r->dh && (r->uses >= IKE_DH_REUSE_USES ||
		      now - r->since_ms >= IKE_DH_REUSE_MS)) {
		ike_dh_free(r->dh); /* the IKE SAs using it keep theirs */
		r->dh = NULL;
	}
	if (!r->dh) {
		if (!(r->dh = ike_dh_new(group)))
			return NULL;
		r->since_ms = now;
		r->uses = 0;
	}
	r->uses++;
	return ike_dh_ref(r->dh);
}

void ike_init_dh_flush(struct ike_engine *e)
{
	for (size_t i = 0; i < IKE_DH_REUSE_GROUPS; i++) {
		ike_dh_free(e->dh_reuse[i].dh);
		e->dh_reuse[i].dh = NULL;
	}
}

static int respond(struct ike_sa *sa, const struct ike_msg *m)
{
	struct ike_setup *s = sa->setup;
	struct ike_gen g;

	memcpy(s->ni, m->nonce.ptr, m->nonce.len);
	s->ni_len = m->nonce.len;
	s->nr_len = IKE_NONCE_LEN;
	ike_random(sa->eng, s->nr, s->nr_len);
	s->dh = ike_init_responder_dh(sa->eng, sa->prop.dh);
	s->init_req = dup_bytes(sa->eng->rx_buf, sa->eng->rx_len);
	s->init_req_len = sa->eng->rx_len;
	if (!s->dh || !s->init_req)
		return -1;

	ike_msg_begin(sa, &g, IKE_EX_IKE_SA_INIT, true);
	proposal_gen_ike_chosen(&g, &sa->prop, NULL);
	if (key_exchange(sa, &g, &m->ke) != 0)
		return -1;
	ike_gen_nonce(&g, s->nr, s->nr_len);
	ike_natd_gen(sa, &g);
	gen_status(&g);
	sa->frag_ok = ike_pld_notify(m, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED);
	if (ike_msg_respond(sa, &g) != 0)
		return -1;
	s->init_resp = dup_bytes(sa->resp, sa->resp_len);
	s->init_resp_len = sa->resp_len;
	return s->init_resp ? 0 : -1;
}

void ike_init_request(struct ike_engine *e, const struct ike_ep *local,
		      const struct ike_ep *remote, struct ike_msg *m)
{
	const uint64_t need = IKE_HAS(IKE_PLD_SA) | IKE_HAS(IKE_PLD_KE) |
			      IKE_HAS(IKE_PLD_NONCE);
	struct prop_ike prop;
	struct ike_sa *sa;
	int peer;

	if (m->hdr.spi_r != 0 || m->hdr.msg_id != 0 ||
	    !(m->hdr.flags & IKE_FLAG_INITIATOR)) {
		e->stats.unexpected++;
		return;
	}
	sa = ike_sa_find_init(e, m->hdr.spi_i, remote);
	if (sa) {
		ike_msg_resend_response(sa);
		return;
	}
	if ((m->has & need) != need) {
		e->stats.malformed++;
		return;
	}
	peer = find_peer(e->cfg, local, remote);
	if (peer < 0) {
		e->stats.no_peer++;
		return;
	}
	if (!cookie_pass(e, local, remote, m) ||
	    !negotiate(e, peer, local, remote, m, &prop))
		return;

	sa = ike_sa_new(e, false, peer);
	if (!sa)
		return;
	sa->spi_i = m->hdr.spi_i;
	sa->local = *local;
	sa->remote = *remote;
	sa->prop = prop;
	sa->state = IKE_SA_HALF_OPEN;
	e->half_open++;
	ike_sa_index_init(sa);
	ike_natd_check(sa, m);
	if (respond(sa, m) != 0) {
		e->stats.malformed++; /* a KE value the group refuses */
		ike_sa_destroy(sa);
		return;
	}
	sa->life_timer = ike_timer(e, IKE_HALF_OPEN_MS, on_half_open_expired,
				   sa);
}

/* ---- initiator ---- */

static void on_init_response(struct ike_sa *sa, struct ike_msg *m);

static int send_init(struct ike_sa *sa)
{
	struct ike_setup *s = sa->setup;
	struct ike_gen g;

	sa->next_msg_id = 0;
	sa->spi_r = 0;
	ike_msg_begin(sa, &g, IKE_EX_IKE_SA_INIT, false);
	if (s->cookie_len) /* first, section 2.6 */
		ike_gen_notify(&g, 0, NULL, 0, IKE_N_COOKIE, s->cookie,
			       s->cookie_len);
	proposal_gen_ike(&g, ike_sa_profile(sa), NULL);
	if (key_exchange(sa, &g, NULL) != 0)
		return -1;
	ike_gen_nonce(&g, s->ni, s->ni_len);
	ike_natd_gen(sa, &g);
	gen_status(&g);
	if (ike_msg_request(sa, &g, on_init_response, 0) != 0)
		return -1;
	free(s->init_req);
	s->init_req = dup_bytes(sa->req.buf, sa->req.len);
	s->init_req_len = sa->req.len;
	return s->init_req ? 0 : -1;
}

static const struct algo *profile_group(const struct cfg_profile *pf,
					uint16_t iana)
{
	for (unsigned int i = 0; i < pf->n_dh_group; i++) {
		const struct algo *a = algo_by_id(pf->dh_group[i]);

		if (a->iana == iana)
			return a;
	}
	return NULL;
}

/* COOKIE or INVALID_KE_PAYLOAD: start over as told; true if handled. */
static bool restart(struct ike_sa *sa, const struct ike_msg *m)
{
	const struct ike_notify_pld *ck = ike_pld_notify(m, IKE_N_COOKIE);
	const struct ike_notify_pld *ke =
		ike_pld_notify(m, IKE_N_INVALID_KE_PAYLOAD);
	struct ike_setup *s = sa->setup;
	const struct algo *grp;

	if ((!ck && !ke) || ++s->init_tries > 3)
		return false;
	if (ck && ck->data.len > 0 && ck->data.len <= sizeof(s->cookie)) {
		memcpy(s->cookie, ck->data.ptr, ck->data.len);
		s->cookie_len = ck->data.len;
	} else if (ke && ke->data.len == 2) {
		grp = profile_group(ike_sa_profile(sa),
				    (uint16_t)(ke->data.ptr[0] << 8 |
					       ke->data.ptr[1]));
		if (!grp || !ike_dh_supported(grp))
			return false;
		ike_sa_log(LOG_LVL_INFO, sa, "INVALID_KE_PAYLOAD: retry with %s",
			   grp->name);
		sa->prop.dh = grp;
		ike_dh_free(s->dh);
		s->dh = ike_dh_new(grp);
	} else {
		return false;
	}
	if (send_init(sa) != 0)
		ike_sa_destroy(sa);
	return true;
}

static bool accept_response(struct ike_sa *sa, const struct ike_msg *m)
{
	const uint64_t need = IKE_HAS(IKE_PLD_SA) | IKE_HAS(IKE_PLD_KE) |
			      IKE_HAS(IKE_PLD_NONCE);
	const struct algo *ours = sa->prop.dh;
	struct prop_ike p;

	if ((m->has & need) != need || m->hdr.spi_r == 0 ||
	    m->sa.n_proposals != 1)
		return false;
	if (proposal_select_ike(ike_sa_profile(sa), &m->sa, m->ke.group, &p) !=
		    PROP_OK || p.dh != ours)
		return false;
	sa->prop = p;
	return true;
}

static void on_init_response(struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_setup *s = sa->setup;

	if (restart(sa, m))
		return;
	if (!accept_response(sa, m)) {
		ike_sa_log(LOG_LVL_INFO, sa, "IKE_SA_INIT refused%s%s",
			   m->n_notifies ? ": " : "",
			   m->n_notifies ? ike_notify_name(m->notify[0].type)
						   ?: "notify" : "");
		ike_sa_destroy(sa);
		return;
	}
	sa->spi_r = m->hdr.spi_r;
	memcpy(s->nr, m->nonce.ptr, m->nonce.len);
	s->nr_len = m->nonce.len;
	s->init_resp = dup_bytes(sa->eng->rx_buf, sa->eng->rx_len);
	s->init_resp_len = sa->eng->rx_len;
	if (!s->init_resp || key_exchange(sa, NULL, &m->ke) != 0) {
		sa->eng->stats.malformed++;
		ike_sa_destroy(sa);
		return;
	}
	ike_natd_check(sa, m);
	sa->frag_ok = ike_pld_notify(m, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED);
	if (ike_sa_natt(sa)) /* section 2.23: move to port 4500 */
		sa->local.port = sa->remote.port = IKE_NATT_PORT;
	ike_auth_start(sa);
}

static void local_for(const struct espgw_config *cfg, const struct cfg_peer *p,
		      struct ike_ep *local)
{
	local->port = IKE_PORT;
	local->addr = p->local_address;
	for (unsigned int i = 0; !local->addr.family &&
				 i < cfg->control.n_ike_addresses; i++)
		if (cfg->control.ike_addresses[i].family ==
		    p->address.addr.family)
			local->addr = cfg->control.ike_addresses[i];
	/* The NAT-D hash of our source (RFC 7296 2.23) must be of the
	 * address the peer sees when there is no NAT: the data plane's. */
	if (!local->addr.family)
		cfg_source_for(&cfg->dataplane, &p->address.addr,
			       &local->addr);
}

int ike_init_initiate(struct ike_engine *e, int peer,
		      const struct ike_initiate_opts *opts)
{
	const struct cfg_peer *p = &e->cfg->ipsec.peers[peer];
	const struct cfg_profile *pf = &e->cfg->ipsec.profiles[p->profile];
	const struct cfg_identity *id = cfg_identity_next(e->cfg, peer, NULL);
	struct ike_sa *sa;

	if (!p->address.addr.family || !id || pf->n_dh_group == 0)
		return -1;
	sa = ike_sa_new(e, true, peer);
	if (!sa)
		return -1;
	sa->identity = CFG_INDEX(e->cfg->ipsec.identities, id);
	sa->remote = (struct ike_ep){ p->address.addr, p->port };
	local_for(e->cfg, p, &sa->local);
	sa->prop.dh = algo_by_id(pf->dh_group[0]);
	sa->state = IKE_SA_INIT_SENT;
	sa->setup->request_vip = opts && opts->request_vip;
	sa->setup->ni_len = IKE_NONCE_LEN;
	ike_random(e, sa->setup->ni, IKE_NONCE_LEN);
	sa->setup->dh = ike_dh_new(sa->prop.dh);
	if (!sa->setup->dh || send_init(sa) != 0) {
		ike_sa_destroy(sa);
		return -1;
	}
	ike_sa_log(LOG_LVL_INFO, sa, "initiating to peer %s", p->name);
	return 0;
}
