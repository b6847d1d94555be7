/* SPDX-License-Identifier: BSD-3-Clause */
#include "ike_load_msg.h"

#include <arpa/inet.h>
#include <endian.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ike_keys.h"

#define NATD_LEN    IKE_NATD_LEN
#define ID_BODY_MAX (4 + IKE_LOAD_ID_MAX)

/* Message IDs of the three requests, section 2.2. */
#define MSG_ID_INIT   0
#define MSG_ID_AUTH   1
#define MSG_ID_DELETE 2

int ike_load_params_init(struct ike_load_params *p, const struct algo *group,
			 struct ike_slice psk)
{
	memset(p, 0, sizeof(*p));
	p->encr = algo_by_id(ALGO_AES_256_CBC);
	p->integ = algo_by_id(ALGO_HMAC_SHA256_128);
	p->prf = algo_by_id(ALGO_PRF_HMAC_SHA256);
	p->esp_encr = p->encr;
	p->esp_integ = p->integ;
	p->psk = psk;
	p->tsr = (struct ike_ts){
		.type = IKE_TS_IPV4_ADDR_RANGE,
		.end_port = 0xffff,
		.start = {.family = ADDR_V4},
		.end = {.family = ADDR_V4, .bytes = {255, 255, 255, 255}}};
	return ike_load_params_group(p, group);
}

int ike_load_params_group(struct ike_load_params *p, const struct algo *group)
{
	ike_dh_free(p->dh);
	p->group = group;
	p->dh = ike_dh_supported(group) ? ike_dh_new(group) : NULL;
	if (!p->dh)
		return -1;
	p->dh_pub_len = ike_dh_public(p->dh, p->dh_pub, sizeof(p->dh_pub));
	return p->dh_pub_len ? 0 : -1;
}

void ike_load_params_free(struct ike_load_params *p)
{
	ike_dh_free(p->dh);
	p->dh = NULL;
}

void ike_load_hs_start(struct ike_load_hs *hs, uint64_t spi_i,
		       const uint8_t *nonce, uint32_t child_spi, const char *id)
{
	hs->spi_i = spi_i;
	hs->spi_r = 0;
	memcpy(hs->ni, nonce, IKE_LOAD_NONCE_LEN);
	hs->nr_len = 0;
	hs->cookie_len = 0;
	hs->ke_asked = 0;
	hs->child_spi = child_spi;
	snprintf(hs->id, sizeof(hs->id), "%s", id);
	hs->init_req_len = hs->init_resp_len = 0;
	hs->vip.family = 0;
	hs->child_spi_r = 0;
}

void ike_load_hs_wipe(struct ike_load_hs *hs)
{
	ike_keys_wipe(&hs->keys, sizeof(hs->keys));
	ike_sk_wipe(&hs->sk_out);
	ike_sk_wipe(&hs->sk_in);
}

static void natd_hash(uint64_t spi_i, uint64_t spi_r, const struct ike_ep *ep,
		      uint8_t out[NATD_LEN])
{
	ike_natd_hash(spi_i, spi_r, &ep->addr, ep->port, out);
}

/* A client's proposals, numbered from 1 (section 3.3.1). */
static void gen_props(struct ike_gen *g, const struct ike_load_prop *prop,
		      uint8_t n, uint8_t protocol, const uint32_t *spi)
{
	ike_gen_sa_begin(g);
	for (uint8_t i = 0; i < n; i++) {
		ike_gen_proposal(g, (uint8_t)(i + 1), protocol,
				 (const uint8_t *)spi, spi ? 4 : 0);
		for (uint8_t j = 0; j < prop[i].n; j++)
			ike_gen_transform(g, prop[i].xf[j].type,
					  prop[i].xf[j].id,
					  prop[i].xf[j].key_bits);
		if (protocol == IKE_PROTO_ESP)
			ike_gen_transform(g, IKE_XF_ESN, IKE_ESN_NO, 0);
	}
	ike_gen_sa_end(g);
}

static void gen_notifies(struct ike_gen *g, const struct ike_load_notify *n,
			 uint8_t count)
{
	for (uint8_t i = 0; i < count; i++)
		ike_gen_notify(g, 0, NULL, 0, n[i].type, n[i].data.ptr,
			       n[i].data.len);
}

/* The IKE proposal: one of each transform, as a phone's first offer. */
static void gen_ike_sa(struct ike_gen *g, const struct ike_load_params *p)
{
	if (p->client) {
		gen_props(g, p->client->ike, p->client->n_ike, IKE_PROTO_IKE,
			  NULL);
		return;
	}
	ike_gen_sa_begin(g);
	ike_gen_proposal(g, 1, IKE_PROTO_IKE, NULL, 0);
	ike_gen_transform(g, IKE_XF_ENCR, p->encr->iana, p->encr->key_len * 8);
	ike_gen_transform(g, IKE_XF_PRF, p->prf->iana, 0);
	ike_gen_transform(g, IKE_XF_INTEG, p->integ->iana, 0);
	ike_gen_transform(g, IKE_XF_DH, p->group->iana, 0);
	ike_gen_sa_end(g);
}

size_t ike_load_init_req(struct ike_load_hs *hs,
			 const struct ike_load_params *p)
{
	struct ike_gen g;
	uint8_t h[NATD_LEN];

	ike_gen_init(&g, hs->init_req, sizeof(hs->init_req));
	ike_gen_hdr(&g, hs->spi_i, 0, IKE_EX_IKE_SA_INIT, IKE_FLAG_INITIATOR,
		    MSG_ID_INIT);
	/* Section 2.6: the COOKIE goes first, the rest unchanged. */
	if (hs->cookie_len)
		ike_gen_notify(&g, 0, NULL, 0, IKE_N_COOKIE, hs->cookie,
			       hs->cookie_len);
	gen_ike_sa(&g, p);
	ike_gen_ke(&g, p->group->iana, p->dh_pub, p->dh_pub_len);
	ike_gen_nonce(&g, hs->ni, sizeof(hs->ni));
	natd_hash(hs->spi_i, 0, &p->local, h);
	ike_gen_notify(&g, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, h,
		       sizeof(h));
	natd_hash(hs->spi_i, 0, &p->remote, h);
	ike_gen_notify(&g, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, h,
		       sizeof(h));
	if (p->client) {
		gen_notifies(&g, p->client->init_notify,
			     p->client->n_init_notifies);
		for (uint8_t i = 0; i < p->client->n_vendors; i++)
			ike_gen_vendor(&g, p->client->vendor[i].ptr,
				       p->client->vendor[i].len);
	}
	hs->init_req_len = ike_gen_finish(&g);
	return hs->init_req_len;
}

/* The header of a response to our request msg_id in exchange ex. */
static bool resp_header_ok(const struct ike_load_hs *hs,
			   const struct ike_hdr *h, uint8_t ex, uint32_t msg_id)
{
	return h->exchange == ex && (h->flags & IKE_FLAG_RESPONSE) &&
	       !(h->flags & IKE_FLAG_INITIATOR) && h->msg_id == msg_id &&
	       h->spi_i == hs->spi_i &&
	       (ex == IKE_EX_IKE_SA_INIT || h->spi_r == hs->spi_r);
}

/* The first error notify (section 3.10.1), or 0. */
static uint16_t error_notify(const struct ike_msg *m)
{
	for (unsigned int i = 0; i < m->n_notifies; i++)
		if (m->notify[i].type < IKE_NOTIFY_STATUS_MIN)
			return m->notify[i].type;
	return 0;
}

/*
 * Does the chosen proposal hold exactly the transforms offered, in any
 * order: each of want (n_want of them) and, with esn, "no ESN"?
 */
static bool chosen_ok(const struct ike_sa_pld *sa, uint8_t protocol,
		      const struct algo *const *want, unsigned int n_want,
		      bool esn, size_t spi_len)
{
	const struct ike_proposal *pr = &sa->prop[0];
	unsigned int seen = 0, n_esn = 0;

	if (sa->n_proposals != 1 || pr->protocol != protocol ||
	    pr->spi.len != spi_len || pr->n_transforms != n_want + esn)
		return false;
	for (unsigned int i = 0; i < pr->n_transforms; i++) {
		const struct ike_transform *x = &pr->xf[i];
		const struct algo *a;

		if (x->type == IKE_XF_ESN) {
			n_esn += x->id == IKE_ESN_NO;
			continue;
		}
		a = algo_by_iana((enum algo_type)x->type, x->id, x->key_bits);
		for (unsigned int j = 0; j < n_want; j++)
			if (a && a == want[j])
				seen |= 1u << j;
	}
	return seen == (1u << n_want) - 1 && n_esn == (esn ? 1u : 0u);
}

static enum ike_load_rc bad(enum ike_load_bad *out, enum ike_load_bad why)
{
	*out = why;
	return IKE_LOAD_BAD;
}

/* Take the responder's COOKIE for the retry; a second one is refused. */
static enum ike_load_rc take_cookie(struct ike_load_hs *hs,
				    const struct ike_notify_pld *n,
				    enum ike_load_bad *out)
{
	if (hs->cookie_len || n->data.len == 0 ||
	    n->data.len > sizeof(hs->cookie))
		return bad(out, IKE_LOAD_BAD_COOKIE);
	memcpy(hs->cookie, n->data.ptr, n->data.len);
	hs->cookie_len = n->data.len;
	return IKE_LOAD_RETRY;
}

/* Sections 2.14: g^ir, SKEYSEED, the seven keys, the SK payload keys. */
static int derive(struct ike_load_hs *hs, const struct ike_load_params *p,
		  const struct ike_ke_pld *ke, enum ike_load_bad *out)
{
	uint8_t gir[IKE_DH_MAX], seed[IKE_PRF_MAX];
	struct ike_slice ni = {hs->ni, sizeof(hs->ni)};
	struct ike_slice nr = {hs->nr, hs->nr_len};
	int rc = -1;

	if (ike_dh_derive(p->dh, ke->data.ptr, ke->data.len, gir,
			  sizeof(gir)) != IKE_DH_OK) {
		*out = IKE_LOAD_BAD_DH;
		return -1;
	}
	if (ike_skeyseed(p->prf, ni, nr,
			 (struct ike_slice){gir, ike_dh_secret_len(p->group)},
			 seed) == 0 &&
	    ike_keys_sa(&hs->keys, p->prf, p->encr, p->integ, seed, ni, nr,
			hs->spi_i, hs->spi_r) == 0 &&
	    ike_sk_init(&hs->sk_out, p->encr, p->integ, hs->keys.sk_ei,
			hs->keys.sk_ai) == 0 &&
	    ike_sk_init(&hs->sk_in, p->encr, p->integ, hs->keys.sk_er,
			hs->keys.sk_ar) == 0)
		rc = 0;
	else
		*out = IKE_LOAD_BAD_KEYS;
	OPENSSL_cleanse(gir, sizeof(gir));
	OPENSSL_cleanse(seed, sizeof(seed));
	return rc;
}

enum ike_load_rc ike_load_init_resp(struct ike_load_hs *hs,
				    const struct ike_load_params *p,
				    const uint8_t *buf, size_t len,
				    uint16_t *notify, enum ike_load_bad *out)
{
	const uint64_t need = IKE_HAS(IKE_PLD_SA) | IKE_HAS(IKE_PLD_KE) |
			      IKE_HAS(IKE_PLD_NONCE);
	const struct algo *want[] = {p->encr, p->prf, p->integ, p->group};
	static struct ike_msg m; /* 30 KB: not on the stack */
	const struct ike_notify_pld *ck;

	if (ike_pld_parse(buf, len, &m) != 0)
		return bad(out, IKE_LOAD_BAD_PARSE);
	if (!resp_header_ok(hs, &m.hdr, IKE_EX_IKE_SA_INIT, MSG_ID_INIT))
		return bad(out, IKE_LOAD_BAD_HEADER);
	ck = ike_pld_notify(&m, IKE_N_COOKIE);
	if (ck)
		return take_cookie(hs, ck, out);
	*notify = error_notify(&m);
	ck = ike_pld_notify(&m, IKE_N_INVALID_KE_PAYLOAD);
	if (ck && ck->data.len == 2) /* section 3.10.1: the group wanted */
		hs->ke_asked =
			(uint16_t)(ck->data.ptr[0] << 8 | ck->data.ptr[1]);
	if (*notify)
		return IKE_LOAD_NOTIFY;

	if ((m.has & need) != need || m.hdr.spi_r == 0)
		return bad(out, IKE_LOAD_BAD_MISSING);
	if (!chosen_ok(&m.sa, IKE_PROTO_IKE, want, 4, false, 0))
		return bad(out, IKE_LOAD_BAD_PROPOSAL);
	if (m.ke.group != p->group->iana || m.ke.data.len != p->dh_pub_len)
		return bad(out, IKE_LOAD_BAD_KE);
	if (len > sizeof(hs->init_resp))
		return bad(out, IKE_LOAD_BAD_TOO_LONG);

	hs->spi_r = m.hdr.spi_r;
	memcpy(hs->nr, m.nonce.ptr, m.nonce.len);
	hs->nr_len = m.nonce.len;
	memcpy(hs->init_resp, buf, len);
	hs->init_resp_len = len;
	return derive(hs, p, &m.ke, out) == 0 ? IKE_LOAD_OK : IKE_LOAD_BAD;
}

/* ID payload body: type, three reserved octets, the FQDN (3.5). */
static size_t id_body(const struct ike_load_hs *hs, uint8_t *b)
{
	size_t n = strnlen(hs->id, sizeof(hs->id));

	memset(b, 0, 4);
	b[0] = IKE_ID_FQDN;
	memcpy(b + 4, hs->id, n);
	return 4 + n;
}

/* TSi and TSr: all of IPv4 (and all of IPv6 for a dual-stack client) on
 * our side, what p asks for on the other. */
static void gen_ts(struct ike_gen *g, const struct ike_load_params *p)
{
	static const struct ike_ts any = {
		.type = IKE_TS_IPV4_ADDR_RANGE,
		.end_port = 0xffff,
		.start = {.family = ADDR_V4},
		.end = {.family = ADDR_V4, .bytes = {255, 255, 255, 255}},
	};
	struct ike_ts ti[2] = {any, any}, tr[2] = {p->tsr, any};
	uint8_t n = p->client && p->client->dual_stack ? 2 : 1;

	/* ::/0, the second selector of each */
	ti[1].type = IKE_TS_IPV6_ADDR_RANGE;
	ti[1].start.family = ti[1].end.family = ADDR_V6;
	memset(ti[1].end.bytes, 0xff, 16);
	tr[1] = ti[1];
	ike_gen_ts(g, IKE_PLD_TSi, ti, n);
	ike_gen_ts(g, IKE_PLD_TSr, tr, n);
}

static void gen_child(struct ike_gen *g, const struct ike_load_hs *hs,
		      const struct ike_load_params *p)
{
	if (p->client) {
		gen_props(g, p->client->esp, p->client->n_esp, IKE_PROTO_ESP,
			  &hs->child_spi);
		gen_ts(g, p);
		return;
	}
	ike_gen_sa_begin(g);
	ike_gen_proposal(g, 1, IKE_PROTO_ESP, (const uint8_t *)&hs->child_spi,
			 4);
	ike_gen_transform(g, IKE_XF_ENCR, p->esp_encr->iana,
			  p->esp_encr->key_len * 8);
	ike_gen_transform(g, IKE_XF_INTEG, p->esp_integ->iana, 0);
	ike_gen_transform(g, IKE_XF_ESN, IKE_ESN_NO, 0);
	ike_gen_sa_end(g);
	gen_ts(g, p);
}

/* What a client puts between IDi and AUTH: CERTREQs, then IDr. */
static void gen_before_auth(struct ike_gen *g, const struct ike_load_params *p)
{
	const struct ike_load_client *c = p->client;
	size_t n = addr_len(&p->remote.addr);

	for (uint8_t i = 0; i < c->n_certreqs; i++)
		ike_gen_cert(g, IKE_PLD_CERTREQ, IKE_CERT_X509_SIG,
			     c->certreq.ptr, c->certreq.len);
	if (c->idr)
		ike_gen_id(g, IKE_PLD_IDr,
			   n == 16 ? IKE_ID_IPV6_ADDR : IKE_ID_IPV4_ADDR,
			   p->remote.addr.bytes, n);
}

/* The CFG_REQUEST (section 3.15): the client's attributes, or just an
 * IPv4 address. */
static void gen_cp(struct ike_gen *g, const struct ike_load_params *p)
{
	ike_gen_cp_begin(g, IKE_CFG_REQUEST);
	if (!p->client)
		ike_gen_cp_attr(g, IKE_INTERNAL_IP4_ADDRESS, NULL, 0);
	for (uint8_t i = 0; p->client && i < p->client->n_cp_attrs; i++)
		ike_gen_cp_attr(g, p->client->cp_attr[i], NULL, 0);
	ike_gen_cp_end(g);
}

size_t ike_load_auth_req(struct ike_load_hs *hs,
			 const struct ike_load_params *p, uint8_t *out,
			 size_t cap)
{
	uint8_t body[ID_BODY_MAX], auth[IKE_PRF_MAX];
	size_t body_len = id_body(hs, body), len = 0;
	struct ike_gen g;

	/* Section 2.15: our first message, Nr, prf(SK_pi, IDi body). */
	if (ike_auth_psk(p->prf, p->psk,
			 (struct ike_slice){hs->init_req, hs->init_req_len},
			 (struct ike_slice){hs->nr, hs->nr_len},
			 (struct ike_slice){hs->keys.sk_pi, hs->keys.p_len},
			 (struct ike_slice){body, body_len}, auth) != 0)
		return 0;

	ike_gen_init(&g, out, cap);
	ike_gen_hdr(&g, hs->spi_i, hs->spi_r, IKE_EX_IKE_AUTH,
		    IKE_FLAG_INITIATOR, MSG_ID_AUTH);
	ike_gen_sk_begin(&g, ike_sk_iv_len(&hs->sk_out));
	ike_gen_id(&g, IKE_PLD_IDi, IKE_ID_FQDN, body + 4, body_len - 4);
	if (p->client)
		gen_before_auth(&g, p);
	ike_gen_auth(&g, IKE_AUTH_SHARED_KEY_MIC, auth, p->prf->out_len);
	gen_cp(&g, p);
	gen_child(&g, hs, p);
	if (p->client)
		gen_notifies(&g, p->client->auth_notify,
			     p->client->n_auth_notifies);
	OPENSSL_cleanse(auth, sizeof(auth));
	if (g.failed || ike_sk_seal(&hs->sk_out, &g, &len) != IKE_SK_OK)
		return 0;
	return len;
}

/* Parse, check the header and open the SK payload of a response. */
static enum ike_load_rc open_resp(struct ike_load_hs *hs, struct ike_msg *m,
				  uint8_t *buf, size_t len, uint8_t ex,
				  uint32_t msg_id, enum ike_load_bad *out)
{
	struct ike_slice plain;

	if (ike_pld_parse(buf, len, m) != 0)
		return bad(out, IKE_LOAD_BAD_PARSE);
	if (!resp_header_ok(hs, &m->hdr, ex, msg_id))
		return bad(out, IKE_LOAD_BAD_HEADER);
	if (!(m->has & IKE_HAS(IKE_PLD_SK)))
		return bad(out, IKE_LOAD_BAD_MISSING);
	if (ike_sk_open(&hs->sk_in, buf, len, &m->sk, &plain) != IKE_SK_OK)
		return bad(out, IKE_LOAD_BAD_SK);
	if (ike_pld_parse_inner(m, m->sk.first_payload, plain.ptr, plain.len) !=
	    0)
		return bad(out, IKE_LOAD_BAD_INNER);
	return IKE_LOAD_OK;
}

/* Section 2.15 for the responder: its first message, Ni, its IDr. */
static bool auth_ok(const struct ike_load_hs *hs,
		    const struct ike_load_params *p, const struct ike_msg *m)
{
	if (m->auth.method != IKE_AUTH_SHARED_KEY_MIC)
		return false;
	return ike_auth_psk_check(
		p->prf, p->psk,
		(struct ike_slice){hs->init_resp, hs->init_resp_len},
		(struct ike_slice){hs->ni, sizeof(hs->ni)},
		(struct ike_slice){hs->keys.sk_pr, hs->keys.p_len}, m->idr.body,
		m->auth.data);
}

/* The INTERNAL_IP4_ADDRESS of a CFG_REPLY (section 3.15.1). */
static bool cp_addr(const struct ike_msg *m, struct ip_addr *vip)
{
	if (!(m->has & IKE_HAS(IKE_PLD_CP)) || m->cp.type != IKE_CFG_REPLY)
		return false;
	for (unsigned int i = 0; i < m->cp.n_attrs; i++) {
		const struct ike_cp_attr_pld *a = &m->cp.attr[i];

		if (a->type == IKE_INTERNAL_IP4_ADDRESS && a->value.len == 4) {
			memset(vip, 0, sizeof(*vip));
			vip->family = ADDR_V4;
			memcpy(vip->bytes, a->value.ptr, 4);
			return true;
		}
	}
	return false;
}

enum ike_load_rc ike_load_auth_resp(struct ike_load_hs *hs,
				    const struct ike_load_params *p,
				    uint8_t *buf, size_t len, uint16_t *notify,
				    enum ike_load_bad *out)
{
	static struct ike_msg m;

	return ike_load_auth_resp_msg(hs, p, buf, len, notify, out, &m);
}

enum ike_load_rc
ike_load_auth_resp_msg(struct ike_load_hs *hs, const struct ike_load_params *p,
		       uint8_t *buf, size_t len, uint16_t *notify,
		       enum ike_load_bad *out, struct ike_msg *m)
{
	const struct algo *want[] = {p->esp_encr, p->esp_integ};
	/* An AEAD cipher has no integrity transform (section 3.3). */
	unsigned int n_want = p->esp_integ ? 2 : 1;
	enum ike_load_rc rc;

	rc = open_resp(hs, m, buf, len, IKE_EX_IKE_AUTH, MSG_ID_AUTH, out);
	if (rc != IKE_LOAD_OK)
		return rc;
	*notify = error_notify(m);
	if (*notify)
		return IKE_LOAD_NOTIFY;

	if (!(m->has & IKE_HAS(IKE_PLD_IDr)) ||
	    !(m->has & IKE_HAS(IKE_PLD_AUTH)))
		return bad(out, IKE_LOAD_BAD_MISSING);
	if (!auth_ok(hs, p, m))
		return bad(out, IKE_LOAD_BAD_AUTH);
	if (!cp_addr(m, &hs->vip))
		return bad(out, IKE_LOAD_BAD_CP);
	if (!(m->has & IKE_HAS(IKE_PLD_SA)) ||
	    !chosen_ok(&m->sa, IKE_PROTO_ESP, want, n_want, true, 4))
		return bad(out, IKE_LOAD_BAD_CHILD);
	if (!(m->has & IKE_HAS(IKE_PLD_TSi)) ||
	    !(m->has & IKE_HAS(IKE_PLD_TSr)) || m->tsi.n_ts == 0 ||
	    m->tsr.n_ts == 0)
		return bad(out, IKE_LOAD_BAD_TS);
	memcpy(&hs->child_spi_r, m->sa.prop[0].spi.ptr, 4);
	return IKE_LOAD_OK;
}

size_t ike_load_delete_req(struct ike_load_hs *hs, uint8_t *out, size_t cap)
{
	struct ike_gen g;
	size_t len = 0;

	ike_gen_init(&g, out, cap);
	ike_gen_hdr(&g, hs->spi_i, hs->spi_r, IKE_EX_INFORMATIONAL,
		    IKE_FLAG_INITIATOR, MSG_ID_DELETE);
	ike_gen_sk_begin(&g, ike_sk_iv_len(&hs->sk_out));
	/* Section 3.11: the IKE SA is named by the header's SPIs. */
	ike_gen_delete(&g, IKE_PROTO_IKE, 0, NULL, 0);
	if (g.failed || ike_sk_seal(&hs->sk_out, &g, &len) != IKE_SK_OK)
		return 0;
	return len;
}

enum ike_load_rc ike_load_delete_resp(struct ike_load_hs *hs, uint8_t *buf,
				      size_t len, enum ike_load_bad *out)
{
	static struct ike_msg m;

	return open_resp(hs, &m, buf, len, IKE_EX_INFORMATIONAL, MSG_ID_DELETE,
			 out);
}

const char *ike_load_bad_name(enum ike_load_bad b)
{
	static const char *const names[] = {
#define IKE_LOAD_BAD_NAME(n, t) #n,
		IKE_LOAD_BAD(IKE_LOAD_BAD_NAME)
#undef IKE_LOAD_BAD_NAME
	};

	return b < IKE_LOAD_BAD_COUNT ? names[b] : "?";
}

const char *ike_load_bad_text(enum ike_load_bad b)
{
	static const char *const texts[] = {
#define IKE_LOAD_BAD_TEXT(n, t) t,
		IKE_LOAD_BAD(IKE_LOAD_BAD_TEXT)
#undef IKE_LOAD_BAD_TEXT
	};

	return b < IKE_LOAD_BAD_COUNT ? texts[b] : "?";
}
