/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE_AUTH (RFC 7296 section 1.2), both roles: identities, PSK
 * authentication (section 2.15), mode-config and the first CHILD SA.
 *
 * XXX Certificates (RFC 7427) and EAP are not here; PSK is the one
 * method, and check_auth()/gen_auth() are the unit to replace.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ike_child.h"
#include "ike_dpd.h"
#include "ike_exchange.h"
#include "ike_msg.h"
#include "log.h"
#include "ts.h"

#define ID_BODY_MAX (4 + CFG_ID_MAX)

struct id_body {
	uint8_t buf[ID_BODY_MAX]; /* type, 3 reserved, data */
	size_t len;
};

static const struct cfg_identity *sa_identity(const struct ike_sa *sa)
{
	return &sa->eng->cfg->ipsec.identities[sa->identity];
}

/* Our ID from my_id; "auto" is the address the peer talks to. */
static void our_id(const struct ike_sa *sa, const struct cfg_identity *id,
		   struct id_body *b)
{
	const struct cfg_id *my = &id->my_id;
	const struct ip_addr *a = my->type == CFG_ID_ADDRESS ? &my->address :
							       &sa->local.addr;
	size_t n = 0;

	memset(b, 0, sizeof(*b));
	switch (my->type) {
	case CFG_ID_FQDN:
	case CFG_ID_USER_FQDN:
	case CFG_ID_KEY_ID:
		b->buf[0] = my->type == CFG_ID_FQDN	 ? IKE_ID_FQDN :
			    my->type == CFG_ID_USER_FQDN ? IKE_ID_RFC822_ADDR :
							   IKE_ID_KEY_ID;
		n = strnlen(my->value, CFG_ID_MAX - 1);
		memcpy(b->buf + 4, my->value, n);
		break;
	default:
		b->buf[0] = a->family == ADDR_V6 ? IKE_ID_IPV6_ADDR :
						   IKE_ID_IPV4_ADDR;
		n = a->family == ADDR_V6 ? 16 : 4;
		memcpy(b->buf + 4, a->bytes, n);
		break;
	}
	b->len = 4 + n;
}

/* "fqdn:vpn.example.org", for logs, the CLI and pool leases. */
static void id_text(const struct ike_id_pld *id, char *out, size_t cap)
{
	const char *pfx;
	size_t o, n = id->data.len;
	struct ip_addr a = { 0 };

	if ((id->type == IKE_ID_IPV4_ADDR && n == 4) ||
	    (id->type == IKE_ID_IPV6_ADDR && n == 16)) {
		char s[ADDR_STRLEN];

		a.family = n == 4 ? ADDR_V4 : ADDR_V6;
		memcpy(a.bytes, id->data.ptr, n);
		snprintf(out, cap, "address:%s", addr_format(&a, s));
		return;
	}
	pfx = id->type == IKE_ID_FQDN	      ? "fqdn:" :
	      id->type == IKE_ID_RFC822_ADDR ? "user-fqdn:" :
	      id->type == IKE_ID_KEY_ID      ? "key-id:" : "id:";
	o = (size_t)snprintf(out, cap, "%s", pfx);
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		uint8_t c = id->data.ptr[i];

		out[o++] = isprint(c) && c != '\'' ? (char)c : '?';
	}
	out[o] = '\0';
}

static bool id_matches(const struct cfg_id *want, const struct ike_id_pld *got)
{
	size_t n = got->data.len;

	switch (want->type) {
	case CFG_ID_AUTO:
	case CFG_ID_IGNORE:
		return true;
	case CFG_ID_ADDRESS:
		return n == addr_len(&want->address) &&
		       got->type == (want->address.family == ADDR_V6 ?
					      IKE_ID_IPV6_ADDR :
					      IKE_ID_IPV4_ADDR) &&
		       memcmp(got->data.ptr, want->address.bytes, n) == 0;
	case CFG_ID_FQDN:
		return got->type == IKE_ID_FQDN && n == strlen(want->value) &&
		       strncasecmp((const char *)got->data.ptr, want->value,
				   n) == 0;
	case CFG_ID_USER_FQDN:
	case CFG_ID_KEY_ID:
		return got->type == (want->type == CFG_ID_KEY_ID ?
					     IKE_ID_KEY_ID :
					     IKE_ID_RFC822_ADDR) &&
		       n == strlen(want->value) &&
		       memcmp(got->data.ptr, want->value, n) == 0;
	}
	return false;
}

/* The first identity of the peer whose remote_id the ID matches. */
static const struct cfg_identity *match_identity(const struct ike_sa *sa,
						 const struct ike_id_pld *idi)
{
	const struct espgw_config *cfg = sa->eng->cfg;

	for (const struct cfg_identity *id = cfg_identity_next(cfg, sa->peer,
							       NULL);
	     id; id = cfg_identity_next(cfg, sa->peer, id))
		if (id_matches(&id->remote_id, idi))
			return id;
	return NULL;
}

static struct ike_slice psk_of(const struct cfg_identity *id)
{
	return (struct ike_slice){ (const uint8_t *)id->secret,
				   id->secret ? strlen(id->secret) : 0 };
}

/* The peer's AUTH: it signed its first message, our nonce and its ID. */
static bool check_auth(const struct ike_sa *sa, const struct cfg_identity *id,
		       const struct ike_msg *m, const struct ike_id_pld *pid)
{
	const struct ike_setup *s = sa->setup;
	bool i = sa->initiator;
	struct ike_slice msg = i ? (struct ike_slice){ s->init_resp,
						       s->init_resp_len } :
				   (struct ike_slice){ s->init_req,
						       s->init_req_len };
	struct ike_slice nonce = i ? (struct ike_slice){ s->ni, s->ni_len } :
				     (struct ike_slice){ s->nr, s->nr_len };
	struct ike_slice skp = { i ? sa->keys.sk_pr : sa->keys.sk_pi,
				 sa->keys.p_len };

	return m->auth.method == IKE_AUTH_SHARED_KEY_MIC &&
	       ike_auth_psk_check(sa->prop.prf, psk_of(id), msg, nonce, skp,
				  pid->body, m->auth.data);
}

static int gen_auth(const struct ike_sa *sa, const struct cfg_identity *id,
		    const struct id_body *b, struct ike_gen *g)
{
	const struct ike_setup *s = sa->setup;
	bool i = sa->initiator;
	struct ike_slice msg = i ? (struct ike_slice){ s->init_req,
						       s->init_req_len } :
				   (struct ike_slice){ s->init_resp,
						       s->init_resp_len };
	struct ike_slice nonce = i ? (struct ike_slice){ s->nr, s->nr_len } :
				     (struct ike_slice){ s->ni, s->ni_len };
	struct ike_slice skp = { i ? sa->keys.sk_pi : sa->keys.sk_pr,
				 sa->keys.p_len };
	uint8_t auth[IKE_PRF_MAX];

	if (ike_auth_psk(sa->prop.prf, psk_of(id), msg, nonce, skp,
			 (struct ike_slice){ b->buf, b->len }, auth) != 0)
		return -1;
	ike_gen_id(g, i ? IKE_PLD_IDi : IKE_PLD_IDr, b->buf[0], b->buf + 4,
		   b->len - 4);
	ike_gen_auth(g, IKE_AUTH_SHARED_KEY_MIC, auth, sa->prop.prf->out_len);
	return 0;
}

static void log_established(struct ike_sa *sa)
{
	char v[ADDR_STRLEN];

	ike_sa_log(LOG_LVL_INFO, sa, "IKE SA established (%s/%s/%s%s)%s%s",
		   sa->prop.encr->name, sa->prop.prf->name, sa->prop.dh->name,
		   ike_sa_natt(sa) ? ", NAT-T" : "",
		   sa->vip.family ? ", virtual address " : "",
		   sa->vip.family ? addr_format(&sa->vip, v) : "");
}

static void go_live(struct ike_sa *sa)
{
	ike_sa_established(sa);
	log_established(sa);
	ike_info_dpd_schedule(sa);
	ike_rekey_ike_schedule(sa);
}

/* ---- responder ---- */

static void child_fail(struct ike_sa *sa, struct ike_gen *g, uint16_t type,
		       uint64_t *stat, const char *why)
{
	ike_sa_log(LOG_LVL_INFO, sa, "%s: %s", ike_notify_name(type), why);
	ike_gen_notify(g, 0, NULL, 0, type, NULL, 0);
	(*stat)++;
}

/* The first CHILD SA: TS, proposal, keys; installed before we answer. */
static void child_respond(struct ike_sa *sa, const struct cfg_identity *id,
			  const struct ike_msg *m, struct ike_gen *g)
{
	const uint64_t need = IKE_HAS(IKE_PLD_SA) | IKE_HAS(IKE_PLD_TSi) |
			      IKE_HAS(IKE_PLD_TSr);
	struct ike_engine *e = sa->eng;
	const struct ike_setup *s = sa->setup;
	struct ts_result r;
	struct prop_child p;
	struct child_sa *c;
	struct ike_ts ti, tr;

	if ((m->has & need) != need)
		return; /* childless (RFC 6023) */
	if (ts_narrow(e->cfg, id, &m->tsi, &m->tsr, &sa->vip, &r) != 0)
		return child_fail(sa, g, IKE_N_TS_UNACCEPTABLE,
				  &e->stats.ts_unacceptable,
				  "no policy template matches");
	if (proposal_select_child(&e->cfg->ipsec.proposals[r.policy->proposal],
				  ike_sa_profile(sa)->proposal_check, &m->sa,
				  false, 0, &p) != PROP_OK)
		return child_fail(sa, g, IKE_N_NO_PROPOSAL_CHOSEN,
				  &e->stats.no_proposal, "for the CHILD SA");
	c = child_sa_new(sa);
	if (!c)
		return;
	c->prop = p;
	c->cfg_prop = &e->cfg->ipsec.proposals[r.policy->proposal];
	c->spi_out = p.peer_spi;
	c->ts_local = r.local;
	c->ts_remote = r.remote;
	if (child_derive(c, (struct ike_slice){ s->ni, s->ni_len },
			 (struct ike_slice){ s->nr, s->nr_len },
			 (struct ike_slice){ NULL, 0 }, false) != 0) {
		child_sa_destroy(c);
		return;
	}
	proposal_gen_child_chosen(g, &p, c->spi_in);
	ts_to_ike(&c->ts_remote, &ti);
	ts_to_ike(&c->ts_local, &tr);
	ike_gen_ts(g, IKE_PLD_TSi, &ti, 1);
	ike_gen_ts(g, IKE_PLD_TSr, &tr, 1);
	child_install(c);
	ike_rekey_schedule(c);
}

static void auth_failed(struct ike_sa *sa, const char *why)
{
	struct ike_gen g;

	ike_sa_log(LOG_LVL_WARN, sa, "AUTHENTICATION_FAILED: %s", why);
	sa->eng->stats.auth_failed++;
	ike_msg_begin(sa, &g, IKE_EX_IKE_AUTH, true);
	ike_gen_notify(&g, 0, NULL, 0, IKE_N_AUTHENTICATION_FAILED, NULL, 0);
	ike_msg_respond(sa, &g);
	ike_sa_destroy(sa);
}

/* Who the peer is: identity, AUTH; NULL after answering a failure. */
static const struct cfg_identity *authenticate(struct ike_sa *sa,
					       const struct ike_msg *m)
{
	const struct cfg_identity *id = match_identity(sa, &m->idi);
	char text[IKE_ID_TEXT_MAX];

	id_text(&m->idi, text, sizeof(text));
	snprintf(sa->id_text, sizeof(sa->id_text), "%s", text);
	if (!id) {
		auth_failed(sa, "no identity matches");
		return NULL;
	}
	if (!check_auth(sa, id, m, &m->idi)) {
		auth_failed(sa, "pre-shared key mismatch");
		return NULL;
	}
	sa->identity = CFG_INDEX(sa->eng->cfg->ipsec.identities, id);
	ike_sa_set_id(sa, text);
	return id;
}

void ike_auth_request(struct ike_sa *sa, struct ike_msg *m)
{
	const uint64_t need = IKE_HAS(IKE_PLD_IDi) | IKE_HAS(IKE_PLD_AUTH);
	const struct cfg_identity *id;
	struct id_body b;
	struct ike_gen g;
	enum cp_result cp;

	if (sa->state != IKE_SA_HALF_OPEN || (m->has & need) != need) {
		sa->eng->stats.unexpected++;
		return;
	}
	id = authenticate(sa, m);
	if (!id)
		return;
	if (ike_pld_notify(m, IKE_N_INITIAL_CONTACT) &&
	    ike_sa_initial_contact(sa))
		ike_sa_log(LOG_LVL_INFO, sa, "INITIAL_CONTACT: older SAs gone");
	cp = ike_cp_assign(sa, id, m);
	ike_msg_begin(sa, &g, IKE_EX_IKE_AUTH, true);
	our_id(sa, id, &b);
	gen_auth(sa, id, &b, &g);
	/* RFC 4555 section 3.3: MOBIKE when the initiator offers it. */
	sa->mobike = ike_pld_notify(m, IKE_N_MOBIKE_SUPPORTED) != NULL;
	if (sa->mobike)
		ike_gen_notify(&g, 0, NULL, 0, IKE_N_MOBIKE_SUPPORTED, NULL, 0);
	if (cp == CP_FAILED) {
		ike_gen_notify(&g, 0, NULL, 0, IKE_N_INTERNAL_ADDRESS_FAILURE,
			       NULL, 0);
	} else {
		if (cp == CP_ASSIGNED)
			ike_cp_reply(sa, id, m, &g);
		child_respond(sa, id, m, &g);
	}
	ike_msg_respond(sa, &g);
	go_live(sa);
}

/* ---- initiator ---- */

static void on_auth_response(struct ike_sa *sa, struct ike_msg *m);

/* The CHILD SA we ask for: the peer's fixed policy, its proposal. */
static void child_offer(struct ike_sa *sa, struct ike_gen *g)
{
	const struct espgw_config *cfg = sa->eng->cfg;
	const struct cfg_policy *pol = ts_policy_for_peer(cfg, sa->peer);
	struct ike_setup *s = sa->setup;
	struct ip_prefix any = { .addr.family = ADDR_V4 };
	struct child_sa *c;
	struct ike_ts ti, tr;

	if (!pol || !(c = child_sa_new(sa)))
		return; /* childless: see ike_dpd_established */
	s->child = c;
	s->child_prop = &cfg->ipsec.proposals[pol->proposal];
	c->cfg_prop = s->child_prop;
	ts_from_prefix(s->request_vip ? &any : &pol->src_address,
		       pol->protocol, pol->src_port, &c->ts_local);
	ts_from_prefix(&pol->dst_address, pol->protocol, pol->dst_port,
		       &c->ts_remote);
	proposal_gen_child(g, s->child_prop, c->spi_in, false);
	ts_to_ike(&c->ts_local, &ti);
	ts_to_ike(&c->ts_remote, &tr);
	ike_gen_ts(g, IKE_PLD_TSi, &ti, 1);
	ike_gen_ts(g, IKE_PLD_TSr, &tr, 1);
}

void ike_auth_start(struct ike_sa *sa)
{
	const struct cfg_identity *id = sa_identity(sa);
	struct id_body b;
	struct ike_gen g;

	ike_msg_begin(sa, &g, IKE_EX_IKE_AUTH, false);
	our_id(sa, id, &b);
	if (gen_auth(sa, id, &b, &g) != 0) {
		ike_sa_destroy(sa);
		return;
	}
	if (sa->setup->request_vip)
		ike_cp_request(&g);
	if (ike_sa_peer(sa)->send_initial_contact)
		ike_gen_notify(&g, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_gen_notify(&g, 0, NULL, 0, IKE_N_MOBIKE_SUPPORTED, NULL, 0);
	child_offer(sa, &g);
	sa->state = IKE_SA_AUTH_SENT;
	if (ike_msg_request(sa, &g, on_auth_response, 0) != 0)
		ike_sa_destroy(sa);
}

static const uint16_t child_errors[] = {
	IKE_N_NO_PROPOSAL_CHOSEN, IKE_N_TS_UNACCEPTABLE,
	IKE_N_INTERNAL_ADDRESS_FAILURE, IKE_N_SINGLE_PAIR_REQUIRED,
	IKE_N_FAILED_CP_REQUIRED,
};

static bool child_refused(struct ike_sa *sa, const struct ike_msg *m)
{
	for (size_t i = 0; i < sizeof(child_errors) / sizeof(*child_errors);
	     i++)
		if (ike_pld_notify(m, child_errors[i])) {
			ike_sa_log(LOG_LVL_INFO, sa, "no CHILD SA: %s",
				   ike_notify_name(child_errors[i]));
			return true;
		}
	return false;
}

static void child_complete(struct ike_sa *sa, const struct ike_msg *m)
{
	const uint64_t need = IKE_HAS(IKE_PLD_SA) | IKE_HAS(IKE_PLD_TSi) |
			      IKE_HAS(IKE_PLD_TSr);
	struct ike_setup *s = sa->setup;
	struct child_sa *c = s->child;
	struct prop_child p;

	if (!c || child_refused(sa, m) || (m->has & need) != need)
		return;
	if (m->sa.n_proposals != 1 ||
	    proposal_select_child(s->child_prop, CFG_CHECK_OBEY, &m->sa, false,
				  0, &p) != PROP_OK ||
	    ts_accept(&m->tsi, &c->ts_local, &c->ts_local) != 0 ||
	    ts_accept(&m->tsr, &c->ts_remote, &c->ts_remote) != 0) {
		ike_sa_log(LOG_LVL_WARN, sa, "CHILD SA answer not acceptable");
		return;
	}
	c->prop = p;
	c->spi_out = p.peer_spi;
	if (child_derive(c, (struct ike_slice){ s->ni, s->ni_len },
			 (struct ike_slice){ s->nr, s->nr_len },
			 (struct ike_slice){ NULL, 0 }, true) != 0)
		return;
	child_install(c);
	ike_rekey_schedule(c);
}

static void on_auth_response(struct ike_sa *sa, struct ike_msg *m)
{
	const uint64_t need = IKE_HAS(IKE_PLD_IDr) | IKE_HAS(IKE_PLD_AUTH);
	char text[IKE_ID_TEXT_MAX];

	if ((m->has & need) != need) {
		ike_sa_log(LOG_LVL_WARN, sa, "IKE_AUTH refused: %s",
			   m->n_notifies ? ike_notify_name(m->notify[0].type)
						   ?: "notify" : "no AUTH");
		sa->eng->stats.auth_failed++;
		ike_sa_destroy(sa);
		return;
	}
	id_text(&m->idr, text, sizeof(text));
	snprintf(sa->id_text, sizeof(sa->id_text), "%s", text);
	if (!id_matches(&sa_identity(sa)->remote_id, &m->idr) ||
	    !check_auth(sa, sa_identity(sa), m, &m->idr)) {
		ike_sa_log(LOG_LVL_WARN, sa, "AUTHENTICATION_FAILED: "
			   "the responder's AUTH or ID does not verify");
		sa->eng->stats.auth_failed++;
		ike_sa_destroy(sa);
		return;
	}
	ike_sa_set_id(sa, text);
	sa->mobike = ike_pld_notify(m, IKE_N_MOBIKE_SUPPORTED) != NULL;
	ike_cp_read_reply(sa, m);
	child_complete(sa, m);
	go_live(sa);
	ike_dpd_established(sa); /* may delete it */
}
