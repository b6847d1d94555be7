/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The load initiator's messages (test/bench/ike_load_msg.c) against the IKE
 * core: this file plays the responder with the parser, the SK payload and
 * the key derivation, so the IKE_SA_INIT, IKE_AUTH and DELETE requests the
 * benchmark sends are known to be well-formed, and its checks of the
 * responses are known to accept a good one and refuse the bad ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <endian.h>
#include <openssl/evp.h>

#include "ike_gen.h"
#include "ike_load_msg.h"

#define PSK	    "load-test-psk-0123456789abcdef"
#define ID	    "c42.load.test"
#define SPI_I	    0x0102030405060708ull
#define SPI_R	    0x1112131415161718ull
#define CHILD_SPI_R 0xc0ffee01u

/* The responder's side of one handshake. */
struct resp {
	struct ike_dh *dh;
	uint8_t nr[32];
	struct ike_sa_keys keys;
	struct ike_sk sk_in, sk_out; /* in: what the initiator sends */
	uint8_t init_resp[IKE_LOAD_MSG_MAX];
	size_t init_resp_len;
};

/* What a test changes in a response. */
struct twist {
	uint16_t notify;       /* an extra notify of this type */
	const uint8_t *cookie; /* IKE_SA_INIT: a COOKIE instead */
	uint16_t ke_group;     /* IKE_SA_INIT: another KE group */
	uint16_t prf;	       /* IKE_SA_INIT: another PRF chosen */
	uint64_t spi_i;	       /* another SPIi in the header */
	const char *psk;       /* IKE_AUTH: another PSK for AUTH */
	bool no_cp, no_sa;
};

static struct ike_load_params params;
static struct ike_load_hs hs;
static struct resp rs;
static struct ike_msg msg;
static uint8_t buf[IKE_LOAD_MSG_MAX];

static const struct algo *alg(enum algo_id id)
{
	return algo_by_id(id);
}

static void setup_group(enum algo_id group)
{
	static const uint8_t ni[IKE_LOAD_NONCE_LEN] = {1, 2, 3, 4};

	ike_load_params_free(&params);
	ike_dh_free(rs.dh);
	memset(&rs, 0, sizeof(rs));
	assert_int_equal(
		ike_load_params_init(
			&params, alg(group),
			(struct ike_slice){(const uint8_t *)PSK, strlen(PSK)}),
		0);
	addr_parse("127.0.0.1", &params.local.addr);
	params.local.port = 40000;
	addr_parse("127.0.0.2", &params.remote.addr);
	params.remote.port = IKE_PORT;
	ike_load_hs_start(&hs, SPI_I, ni, htonl(0xabcd0001), ID);
	rs.dh = ike_dh_new(alg(group));
	assert_non_null(rs.dh);
	memset(rs.nr, 0x5a, sizeof(rs.nr));
}

static int teardown(void **state)
{
	(void)state;
	ike_load_params_free(&params);
	ike_dh_free(rs.dh);
	rs.dh = NULL;
	return 0;
}

/* SHA-1(SPIi | SPIr | IP | Port), section 2.23, written out again. */
static void natd(const struct ike_ep *ep, uint8_t out[20])
{
	uint8_t in[18 + 4];
	uint64_t i = htobe64(SPI_I), r = 0;
	uint16_t port = htons(ep->port);

	memcpy(in, &i, 8);
	memcpy(in + 8, &r, 8);
	memcpy(in + 16, ep->addr.bytes, 4);
	memcpy(in + 20, &port, 2);
	EVP_Digest(in, sizeof(in), out, NULL, EVP_sha1(), NULL);
}

static size_t build_init_req(void)
{
	size_t len = ike_load_init_req(&hs, &params);

	assert_true(len > IKE_HDR_LEN);
	assert_int_equal(len, hs.init_req_len);
	memcpy(buf, hs.init_req, len);
	return len;
}

/* The responder derives the same keys as section 2.14 says. */
static void resp_derive(const struct ike_msg *req)
{
	uint8_t gir[IKE_DH_MAX], seed[IKE_PRF_MAX];
	const struct algo *prf = alg(ALGO_PRF_HMAC_SHA256);
	const struct algo *encr = alg(ALGO_AES_256_CBC);
	const struct algo *integ = alg(ALGO_HMAC_SHA256_128);
	struct ike_slice ni = req->nonce, nr = {rs.nr, sizeof(rs.nr)};

	assert_int_equal(ike_dh_derive(rs.dh, req->ke.data.ptr,
				       req->ke.data.len, gir, sizeof(gir)),
			 IKE_DH_OK);
	assert_int_equal(
		ike_skeyseed(prf, ni, nr,
			     (struct ike_slice){
				     gir, ike_dh_secret_len(params.group)},
			     seed),
		0);
	assert_int_equal(ike_keys_sa(&rs.keys, prf, encr, integ, seed, ni, nr,
				     SPI_I, SPI_R),
			 0);
	assert_int_equal(ike_sk_init(&rs.sk_in, encr, integ, rs.keys.sk_ei,
				     rs.keys.sk_ai),
			 0);
	assert_int_equal(ike_sk_init(&rs.sk_out, encr, integ, rs.keys.sk_er,
				     rs.keys.sk_ar),
			 0);
}

/* An IKE_SA_INIT response to the request in buf, as a responder makes
 * it; returns its length (it is in rs.init_resp). */
static size_t resp_init(const struct twist *tw)
{
	uint8_t pub[IKE_DH_MAX];
	size_t pub_len = ike_dh_public(rs.dh, pub, sizeof(pub));
	const struct algo *grp = params.group;
	struct ike_gen g;

	assert_int_equal(ike_pld_parse(hs.init_req, hs.init_req_len, &msg), 0);
	ike_gen_init(&g, rs.init_resp, sizeof(rs.init_resp));
	ike_gen_hdr(&g, tw->spi_i ? tw->spi_i : SPI_I, tw->cookie ? 0 : SPI_R,
		    IKE_EX_IKE_SA_INIT, IKE_FLAG_RESPONSE, 0);
	if (tw->cookie) {
		ike_gen_notify(&g, 0, NULL, 0, IKE_N_COOKIE, tw->cookie, 16);
	} else if (tw->notify) {
		ike_gen_notify(&g, 0, NULL, 0, tw->notify, NULL, 0);
	} else {
		ike_gen_sa_begin(&g);
		ike_gen_proposal(&g, 1, IKE_PROTO_IKE, NULL, 0);
		ike_gen_transform(&g, IKE_XF_ENCR, 12, 256);
		ike_gen_transform(&g, IKE_XF_PRF, tw->prf ? tw->prf : 5, 0);
		ike_gen_transform(&g, IKE_XF_INTEG, 12, 0);
		ike_gen_transform(&g, IKE_XF_DH, grp->iana, 0);
		ike_gen_sa_end(&g);
		ike_gen_ke(&g, tw->ke_group ? tw->ke_group : grp->iana, pub,
			   pub_len);
		ike_gen_nonce(&g, rs.nr, sizeof(rs.nr));
		ike_gen_notify(&g, 0, NULL, 0,
			       IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0);
	}
	rs.init_resp_len = ike_gen_finish(&g);
	assert_true(rs.init_resp_len > 0);
	if (!tw->cookie && !tw->notify)
		resp_derive(&msg);
	return rs.init_resp_len;
}

/* Open and parse the initiator's SK request in buf with the responder's
 * keys. */
static void resp_open(size_t len)
{
	struct ike_slice plain;

	assert_int_equal(ike_pld_parse(buf, len, &msg), 0);
	assert_int_equal(ike_sk_open(&rs.sk_in, buf, len, &msg.sk, &plain),
			 IKE_SK_OK);
	assert_int_equal(ike_pld_parse_inner(&msg, msg.sk.first_payload,
					     plain.ptr, plain.len),
			 0);
}

static void gen_resp_child(struct ike_gen *g, const struct twist *tw)
{
	uint32_t spi = htonl(CHILD_SPI_R);
	struct ike_ts vip = {
		.type = IKE_TS_IPV4_ADDR_RANGE,
		.end_port = 0xffff,
		.start = {.family = ADDR_V4, .bytes = {10, 64, 0, 9}},
		.end = {.family = ADDR_V4, .bytes = {10, 64, 0, 9}},
	};

	if (!tw->no_sa) {
		ike_gen_sa_begin(g);
		ike_gen_proposal(g, 1, IKE_PROTO_ESP, (const uint8_t *)&spi, 4);
		ike_gen_transform(g, IKE_XF_ESN, IKE_ESN_NO, 0);
		ike_gen_transform(g, IKE_XF_INTEG, 12, 0);
		ike_gen_transform(g, IKE_XF_ENCR, 12, 256);
		ike_gen_sa_end(g);
	}
	ike_gen_ts(g, IKE_PLD_TSi, &vip, 1);
	ike_gen_ts(g, IKE_PLD_TSr, &params.tsr, 1);
}

/* An IKE_AUTH response (responder's ID, AUTH of section 2.15, CP reply,
 * the CHILD SA) into buf; its length. */
static size_t resp_auth(const struct twist *tw)
{
	static const uint8_t idr[] = {IKE_ID_FQDN, 0, 0, 0, 'g', 'w'};
	static const uint8_t vip[] = {10, 64, 0, 9};
	const char *psk = tw->psk ? tw->psk : PSK;
	uint8_t auth[IKE_PRF_MAX];
	struct ike_gen g;
	size_t len = 0;

	assert_int_equal(
		ike_auth_psk(
			alg(ALGO_PRF_HMAC_SHA256),
			(struct ike_slice){(const uint8_t *)psk, strlen(psk)},
			(struct ike_slice){rs.init_resp, rs.init_resp_len},
			(struct ike_slice){hs.ni, sizeof(hs.ni)},
			(struct ike_slice){rs.keys.sk_pr, rs.keys.p_len},
			(struct ike_slice){idr, sizeof(idr)}, auth),
		0);
	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, SPI_I, SPI_R, IKE_EX_IKE_AUTH, IKE_FLAG_RESPONSE, 1);
	ike_gen_sk_begin(&g, ike_sk_iv_len(&rs.sk_out));
	if (tw->notify)
		ike_gen_notify(&g, 0, NULL, 0, tw->notify, NULL, 0);
	ike_gen_id(&g, IKE_PLD_IDr, IKE_ID_FQDN, idr + 4, sizeof(idr) - 4);
	ike_gen_auth(&g, IKE_AUTH_SHARED_KEY_MIC, auth, 32);
	if (!tw->no_cp) {
		ike_gen_cp_begin(&g, IKE_CFG_REPLY);
		ike_gen_cp_attr(&g, IKE_INTERNAL_IP4_ADDRESS, vip, 4);
		ike_gen_cp_end(&g);
	}
	gen_resp_child(&g, tw);
	assert_int_equal(ike_sk_seal(&rs.sk_out, &g, &len), IKE_SK_OK);
	return len;
}

/* Run IKE_SA_INIT to the point where IKE_AUTH can be sent. */
static void handshake_init(enum algo_id group)
{
	const struct twist none = {0};
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	uint16_t notify = 0;

	setup_group(group);
	build_init_req();
	resp_init(&none);
	assert_int_equal(ike_load_init_resp(&hs, &params, rs.init_resp,
					    rs.init_resp_len, &notify, &why),
			 IKE_LOAD_OK);
}

static void test_init_request(void **state)
{
	const enum algo_id groups[] = {ALGO_MODP2048, ALGO_CURVE25519};
	uint8_t h[20];

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		const struct ike_proposal *p = &msg.sa.prop[0];
		const struct ike_notify_pld *n;
		size_t len;

		setup_group(groups[k]);
		len = build_init_req();
		assert_int_equal(ike_pld_parse(buf, len, &msg), 0);
		assert_int_equal(msg.hdr.exchange, IKE_EX_IKE_SA_INIT);
		assert_int_equal(msg.hdr.flags, IKE_FLAG_INITIATOR);
		assert_int_equal(msg.hdr.msg_id, 0);
		assert_true(msg.hdr.spi_i == SPI_I && msg.hdr.spi_r == 0);

		assert_int_equal(msg.sa.n_proposals, 1);
		assert_int_equal(p->protocol, IKE_PROTO_IKE);
		assert_int_equal(p->spi.len, 0);
		assert_int_equal(p->n_transforms, 4);
		assert_ptr_equal(
			algo_by_iana(ALGO_ENCR, p->xf[0].id, p->xf[0].key_bits),
			alg(ALGO_AES_256_CBC));
		assert_int_equal(p->xf[1].type, IKE_XF_PRF);
		assert_int_equal(p->xf[2].type, IKE_XF_INTEG);
		assert_int_equal(p->xf[3].id, alg(groups[k])->iana);

		assert_int_equal(msg.ke.group, alg(groups[k])->iana);
		assert_int_equal(msg.ke.data.len, alg(groups[k])->out_len);
		assert_int_equal(msg.nonce.len, IKE_LOAD_NONCE_LEN);
		assert_memory_equal(msg.nonce.ptr, hs.ni, IKE_LOAD_NONCE_LEN);

		n = ike_pld_notify(&msg, IKE_N_NAT_DETECTION_SOURCE_IP);
		natd(&params.local, h);
		assert_non_null(n);
		assert_int_equal(n->data.len, 20);
		assert_memory_equal(n->data.ptr, h, 20);
		n = ike_pld_notify(&msg, IKE_N_NAT_DETECTION_DESTINATION_IP);
		natd(&params.remote, h);
		assert_non_null(n);
		assert_memory_equal(n->data.ptr, h, 20);
	}
}

static void test_init_response_keys(void **state)
{
	(void)state;
	handshake_init(ALGO_MODP2048);
	assert_true(hs.spi_r == SPI_R);
	assert_int_equal(hs.nr_len, sizeof(rs.nr));
	assert_int_equal(hs.init_resp_len, rs.init_resp_len);
	/* Both ends derived the same seven keys. */
	assert_memory_equal(&hs.keys, &rs.keys, sizeof(hs.keys));
}

static void test_cookie_retry(void **state)
{
	static const uint8_t cookie[16] = {0xc0, 0x0c, 0x1e};
	const struct twist tw = {.cookie = cookie};
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	uint16_t notify = 0;
	size_t len;

	(void)state;
	setup_group(ALGO_CURVE25519);
	build_init_req();
	resp_init(&tw);
	assert_int_equal(ike_load_init_resp(&hs, &params, rs.init_resp,
					    rs.init_resp_len, &notify, &why),
			 IKE_LOAD_RETRY);

	/* Section 2.6: the COOKIE first, then the same payloads. */
	len = build_init_req();
	assert_int_equal(ike_pld_parse(buf, len, &msg), 0);
	assert_int_equal(msg.hdr.next_payload, IKE_PLD_N);
	assert_int_equal(msg.notify[0].type, IKE_N_COOKIE);
	assert_int_equal(msg.notify[0].data.len, 16);
	assert_memory_equal(msg.notify[0].data.ptr, cookie, 16);
	assert_true(msg.has & IKE_HAS(IKE_PLD_KE));

	/* A second COOKIE is refused rather than looped on. */
	resp_init(&tw);
	assert_int_equal(ike_load_init_resp(&hs, &params, rs.init_resp,
					    rs.init_resp_len, &notify, &why),
			 IKE_LOAD_BAD);
	assert_int_equal(why, IKE_LOAD_BAD_COOKIE);
}

/* An IKE_SA_INIT response changed by tw gives rc and why or notify. */
static void init_refused(const struct twist *tw, enum ike_load_rc rc,
			 enum ike_load_bad want_why, uint16_t want_notify)
{
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	uint16_t notify = 0;

	setup_group(ALGO_CURVE25519);
	build_init_req();
	resp_init(tw);
	assert_int_equal(ike_load_init_resp(&hs, &params, rs.init_resp,
					    rs.init_resp_len, &notify, &why),
			 rc);
	if (rc == IKE_LOAD_BAD)
		assert_int_equal(why, want_why);
	else
		assert_int_equal(notify, want_notify);
}

static void test_init_response_refused(void **state)
{
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	uint16_t notify = 0;

	(void)state;
	init_refused(&(struct twist){.notify = IKE_N_NO_PROPOSAL_CHOSEN},
		     IKE_LOAD_NOTIFY, 0, IKE_N_NO_PROPOSAL_CHOSEN);
	init_refused(&(struct twist){.ke_group = 14}, IKE_LOAD_BAD,
		     IKE_LOAD_BAD_KE, 0);
	init_refused(&(struct twist){.prf = 7}, IKE_LOAD_BAD,
		     IKE_LOAD_BAD_PROPOSAL, 0);
	init_refused(&(struct twist){.spi_i = 99}, IKE_LOAD_BAD,
		     IKE_LOAD_BAD_HEADER, 0);

	/* Truncated: the header length no longer matches. */
	init_refused(&(struct twist){0}, IKE_LOAD_OK, 0, 0);
	assert_int_equal(ike_load_init_resp(&hs, &params, rs.init_resp,
					    rs.init_resp_len - 1, &notify,
					    &why),
			 IKE_LOAD_BAD);
	assert_int_equal(why, IKE_LOAD_BAD_PARSE);
}

static void test_auth_request(void **state)
{
	const struct ike_proposal *p = &msg.sa.prop[0];
	uint32_t spi;
	size_t len;

	(void)state;
	handshake_init(ALGO_CURVE25519);
	len = ike_load_auth_req(&hs, &params, buf, sizeof(buf));
	assert_true(len > 0);
	resp_open(len);
	assert_int_equal(msg.hdr.exchange, IKE_EX_IKE_AUTH);
	assert_int_equal(msg.hdr.msg_id, 1);
	assert_true(msg.hdr.spi_r == SPI_R);

	assert_int_equal(msg.idi.type, IKE_ID_FQDN);
	assert_int_equal(msg.idi.data.len, strlen(ID));
	assert_memory_equal(msg.idi.data.ptr, ID, strlen(ID));

	/* The responder's check of section 2.15 passes with the PSK, and
	 * fails with another. */
	assert_int_equal(msg.auth.method, IKE_AUTH_SHARED_KEY_MIC);
	assert_true(ike_auth_psk_check(
		alg(ALGO_PRF_HMAC_SHA256),
		(struct ike_slice){(const uint8_t *)PSK, strlen(PSK)},
		(struct ike_slice){hs.init_req, hs.init_req_len},
		(struct ike_slice){rs.nr, sizeof(rs.nr)},
		(struct ike_slice){rs.keys.sk_pi, rs.keys.p_len}, msg.idi.body,
		msg.auth.data));
	assert_false(ike_auth_psk_check(
		alg(ALGO_PRF_HMAC_SHA256),
		(struct ike_slice){(const uint8_t *)"other", 5},
		(struct ike_slice){hs.init_req, hs.init_req_len},
		(struct ike_slice){rs.nr, sizeof(rs.nr)},
		(struct ike_slice){rs.keys.sk_pi, rs.keys.p_len}, msg.idi.body,
		msg.auth.data));

	assert_int_equal(msg.cp.type, IKE_CFG_REQUEST);
	assert_int_equal(msg.cp.n_attrs, 1);
	assert_int_equal(msg.cp.attr[0].type, IKE_INTERNAL_IP4_ADDRESS);
	assert_int_equal(msg.cp.attr[0].value.len, 0);

	assert_int_equal(msg.sa.n_proposals, 1);
	assert_int_equal(p->protocol, IKE_PROTO_ESP);
	assert_int_equal(p->spi.len, 4);
	memcpy(&spi, p->spi.ptr, 4);
	assert_int_equal(spi, hs.child_spi);
	assert_int_equal(p->n_transforms, 3); /* no DH: no PFS */
	for (unsigned int i = 0; i < p->n_transforms; i++)
		assert_int_not_equal(p->xf[i].type, IKE_XF_DH);
	assert_int_equal(msg.tsi.n_ts, 1);
	assert_int_equal(msg.tsr.n_ts, 1);
	assert_int_equal(msg.tsi.ts[0].end.bytes[0], 255);
	assert_int_equal(msg.tsi.ts[0].start.bytes[0], 0);
}

static enum ike_load_rc auth_resp(const struct twist *tw,
				  enum ike_load_bad *why, uint16_t *notify)
{
	size_t len;

	handshake_init(ALGO_CURVE25519);
	len = resp_auth(tw);
	return ike_load_auth_resp(&hs, &params, buf, len, notify, why);
}

static void test_auth_response(void **state)
{
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	uint16_t notify = 0;

	(void)state;
	assert_int_equal(auth_resp(&(struct twist){0}, &why, &notify),
			 IKE_LOAD_OK);
	assert_int_equal(hs.vip.family, ADDR_V4);
	assert_int_equal(hs.vip.bytes[1], 64);
	assert_int_equal(hs.vip.bytes[3], 9);
	assert_int_equal(ntohl(hs.child_spi_r), CHILD_SPI_R);
}

static void test_auth_response_refused(void **state)
{
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	uint16_t notify = 0;
	size_t len;

	(void)state;
	assert_int_equal(
		auth_resp(&(struct twist){.psk = "wrong"}, &why, &notify),
		IKE_LOAD_BAD);
	assert_int_equal(why, IKE_LOAD_BAD_AUTH);
	assert_int_equal(
		auth_resp(&(struct twist){.no_cp = true}, &why, &notify),
		IKE_LOAD_BAD);
	assert_int_equal(why, IKE_LOAD_BAD_CP);
	assert_int_equal(
		auth_resp(&(struct twist){.no_sa = true}, &why, &notify),
		IKE_LOAD_BAD);
	assert_int_equal(why, IKE_LOAD_BAD_CHILD);
	assert_int_equal(
		auth_resp(
			&(struct twist){.notify =
						IKE_N_INTERNAL_ADDRESS_FAILURE},
			&why, &notify),
		IKE_LOAD_NOTIFY);
	assert_int_equal(notify, IKE_N_INTERNAL_ADDRESS_FAILURE);

	/* One flipped bit of ciphertext: the ICV no longer matches. */
	handshake_init(ALGO_CURVE25519);
	len = resp_auth(&(struct twist){0});
	buf[len - 20] ^= 1;
	assert_int_equal(
		ike_load_auth_resp(&hs, &params, buf, len, &notify, &why),
		IKE_LOAD_BAD);
	assert_int_equal(why, IKE_LOAD_BAD_SK);
}

static void test_delete(void **state)
{
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	struct ike_gen g;
	size_t len;

	(void)state;
	handshake_init(ALGO_CURVE25519);
	len = ike_load_delete_req(&hs, buf, sizeof(buf));
	assert_true(len > 0);
	resp_open(len);
	assert_int_equal(msg.hdr.exchange, IKE_EX_INFORMATIONAL);
	assert_int_equal(msg.hdr.msg_id, 2);
	assert_int_equal(msg.n_deletes, 1);
	assert_int_equal(msg.del[0].protocol, IKE_PROTO_IKE);
	assert_int_equal(msg.del[0].n_spi, 0);

	/* The empty INFORMATIONAL response, and one with the wrong ID. */
	for (uint32_t id = 2; id <= 3; id++) {
		ike_gen_init(&g, buf, sizeof(buf));
		ike_gen_hdr(&g, SPI_I, SPI_R, IKE_EX_INFORMATIONAL,
			    IKE_FLAG_RESPONSE, id);
		ike_gen_sk_begin(&g, ike_sk_iv_len(&rs.sk_out));
		assert_int_equal(ike_sk_seal(&rs.sk_out, &g, &len), IKE_SK_OK);
		assert_int_equal(ike_load_delete_resp(&hs, buf, len, &why),
				 id == 2 ? IKE_LOAD_OK : IKE_LOAD_BAD);
	}
	assert_int_equal(why, IKE_LOAD_BAD_HEADER);
}

static void test_bad_names(void **state)
{
	(void)state;
	assert_string_equal(ike_load_bad_name(IKE_LOAD_BAD_AUTH), "AUTH");
	assert_string_equal(ike_load_bad_name(IKE_LOAD_BAD_COUNT), "?");
	assert_non_null(strstr(ike_load_bad_text(IKE_LOAD_BAD_SK), "ICV"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_init_request, teardown),
		cmocka_unit_test_teardown(test_init_response_keys, teardown),
		cmocka_unit_test_teardown(test_cookie_retry, teardown),
		cmocka_unit_test_teardown(test_init_response_refused, teardown),
		cmocka_unit_test_teardown(test_auth_request, teardown),
		cmocka_unit_test_teardown(test_auth_response, teardown),
		cmocka_unit_test_teardown(test_auth_response_refused, teardown),
		cmocka_unit_test_teardown(test_delete, teardown),
		cmocka_unit_test(test_bad_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
