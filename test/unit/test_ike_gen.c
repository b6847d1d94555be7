/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ike_gen.h"
#include "ike_pld.h"
#include "ike_samples.h"

static struct ike_msg msg;

/* sample_sa_init rebuilt with the builder. */
static void build_sa_init(struct ike_gen *g)
{
	uint8_t ke[32], ni[16], nat_s[20], nat_d[20], vid[16];

	memset(ke, 0x11, 16);
	memset(ke + 16, 0x12, 16);
	memset(ni, 0x4e, sizeof(ni));
	memset(nat_s, 0x5a, sizeof(nat_s));
	memset(nat_d, 0xda, sizeof(nat_d));
	memset(vid, 0x56, sizeof(vid));

	ike_gen_hdr(g, 0x0102030405060708ull, 0, IKE_EX_IKE_SA_INIT,
		    IKE_FLAG_INITIATOR, 0);
	ike_gen_sa_begin(g);
	ike_gen_proposal(g, 1, IKE_PROTO_IKE, NULL, 0);
	ike_gen_transform(g, IKE_XF_ENCR, 12, 256);
	ike_gen_transform(g, IKE_XF_INTEG, 12, 0);
	ike_gen_transform(g, IKE_XF_PRF, 5, 0);
	ike_gen_transform(g, IKE_XF_DH, 31, 0);
	ike_gen_sa_end(g);
	ike_gen_ke(g, 31, ke, sizeof(ke));
	ike_gen_nonce(g, ni, sizeof(ni));
	ike_gen_notify(g, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, nat_s,
		       sizeof(nat_s));
	ike_gen_notify(g, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, nat_d,
		       sizeof(nat_d));
	ike_gen_notify(g, 0, NULL, 0, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL,
		       0);
	ike_gen_vendor(g, vid, sizeof(vid));
}

static void test_sa_init_matches_hand_bytes(void **state)
{
	uint8_t buf[512];
	struct ike_gen g;
	size_t len;

	(void)state;
	ike_gen_init(&g, buf, sizeof(buf));
	build_sa_init(&g);
	len = ike_gen_finish(&g);
	assert_int_equal(len, sizeof(sample_sa_init));
	assert_memory_equal(buf, sample_sa_init, len);
}

static struct ip_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct ip_addr x = {.family = ADDR_V4};

	x.v4[0] = a;
	x.v4[1] = b;
	x.v4[2] = c;
	x.v4[3] = d;
	return x;
}

/* The inside of an IKE_AUTH request, as a bare chain (no header). */
static void build_auth_inner(struct ike_gen *g)
{
	const uint8_t spi[4] = {0xc0, 0xff, 0xee, 0x01};
	struct ike_ts tsi = {
		IKE_TS_IPV4_ADDR_RANGE, 0, 0, 0xffff, v4(0, 0, 0, 0),
		v4(255, 255, 255, 255)};
	struct ike_ts tsr = {
		IKE_TS_IPV4_ADDR_RANGE, 6, 443, 443, v4(10, 0, 0, 0),
		v4(10, 0, 0, 255)};
	uint8_t auth[32];

	memset(auth, 0xa5, sizeof(auth));
	ike_gen_id(g, IKE_PLD_IDi, IKE_ID_FQDN, (const uint8_t *)"example.org",
		   11);
	ike_gen_auth(g, IKE_AUTH_SHARED_KEY_MIC, auth, sizeof(auth));
	ike_gen_notify(g, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_gen_cp_begin(g, IKE_CFG_REQUEST);
	ike_gen_cp_attr(g, IKE_INTERNAL_IP4_ADDRESS, NULL, 0);
	ike_gen_cp_attr(g, IKE_INTERNAL_IP4_DNS, NULL, 0);
	ike_gen_cp_end(g);
	ike_gen_sa_begin(g);
	ike_gen_proposal(g, 1, IKE_PROTO_ESP, spi, sizeof(spi));
	ike_gen_transform(g, IKE_XF_ENCR, 12, 256);
	ike_gen_transform(g, IKE_XF_INTEG, 12, 0);
	ike_gen_transform(g, IKE_XF_ESN, IKE_ESN_NO, 0);
	ike_gen_sa_end(g);
	ike_gen_ts(g, IKE_PLD_TSi, &tsi, 1);
	ike_gen_ts(g, IKE_PLD_TSr, &tsr, 1);
}

static void test_auth_inner_matches_hand_bytes(void **state)
{
	uint8_t buf[512];
	struct ike_gen g;

	(void)state;
	ike_gen_init(&g, buf, sizeof(buf));
	build_auth_inner(&g);
	assert_false(g.failed);
	assert_int_equal(g.len, sizeof(sample_auth_inner));
	assert_memory_equal(buf, sample_auth_inner, g.len);
	/* No header: finish has no length field to fill. */
	assert_int_equal(ike_gen_finish(&g), 0);
}

/* CREATE_CHILD_SA for a CHILD SA rekey with PFS, and back. */
static void test_create_child_sa_round_trip(void **state)
{
	const uint8_t spi[4] = {1, 2, 3, 4}, old_spi[4] = {9, 8, 7, 6};
	struct ike_ts ts[2] = {
		{IKE_TS_IPV4_ADDR_RANGE, 17, 500, 4500, v4(192, 0, 2, 1),
		 v4(192, 0, 2, 9)},
		{IKE_TS_IPV6_ADDR_RANGE,
		 0,
		 0,
		 65535,
		 {.family = ADDR_V6, .v6 = {0x20, 0x01, 0x0d, 0xb8}},
		 {.family = ADDR_V6, .v6 = {0x20, 0x01, 0x0d, 0xb8, 0xff}}},
	};
	uint8_t buf[1024], nonce[32] = {7}, ke[256] = {0x33};
	struct ike_gen g;
	size_t len;

	(void)state;
	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, 11, 22, IKE_EX_CREATE_CHILD_SA, IKE_FLAG_RESPONSE, 7);
	ike_gen_notify(&g, IKE_PROTO_ESP, old_spi, 4, IKE_N_REKEY_SA, NULL, 0);
	ike_gen_sa_begin(&g);
	ike_gen_proposal(&g, 1, IKE_PROTO_ESP, spi, 4);
	ike_gen_transform(&g, IKE_XF_ENCR, 20, 256);
	ike_gen_transform(&g, IKE_XF_DH, 14, 0);
	ike_gen_transform(&g, IKE_XF_ESN, IKE_ESN_NO, 0);
	ike_gen_proposal(&g, 2, IKE_PROTO_ESP, spi, 4);
	ike_gen_transform(&g, IKE_XF_ENCR, 12, 128);
	ike_gen_transform(&g, IKE_XF_INTEG, 2, 0);
	ike_gen_sa_end(&g);
	ike_gen_nonce(&g, nonce, sizeof(nonce));
	ike_gen_ke(&g, 14, ke, sizeof(ke));
	ike_gen_ts(&g, IKE_PLD_TSi, ts, 2);
	ike_gen_ts(&g, IKE_PLD_TSr, ts, 1);
	len = ike_gen_finish(&g);
	assert_int_not_equal(len, 0);

	assert_int_equal(ike_pld_parse(buf, len, &msg), 0);
	assert_int_equal(msg.hdr.spi_i, 11);
	assert_int_equal(msg.hdr.spi_r, 22);
	assert_int_equal(msg.hdr.msg_id, 7);
	assert_int_equal(msg.hdr.flags, IKE_FLAG_RESPONSE);
	assert_int_equal(msg.hdr.exchange, IKE_EX_CREATE_CHILD_SA);
	assert_memory_equal(ike_pld_notify(&msg, IKE_N_REKEY_SA)->spi.ptr,
			    old_spi, 4);
	assert_int_equal(msg.sa.n_proposals, 2);
	assert_int_equal(msg.sa.prop[0].n_transforms, 3);
	assert_int_equal(msg.sa.prop[0].xf[0].key_bits, 256);
	assert_int_equal(msg.sa.prop[1].num, 2);
	assert_int_equal(msg.sa.prop[1].n_transforms, 2);
	assert_int_equal(msg.sa.prop[1].xf[0].key_bits, 128);
	assert_int_equal(msg.sa.prop[1].xf[1].id, 2);
	assert_memory_equal(msg.sa.prop[1].spi.ptr, spi, 4);
	assert_int_equal(msg.ke.group, 14);
	assert_int_equal(msg.ke.data.len, 256);
	assert_int_equal(msg.nonce.len, 32);
	assert_int_equal(msg.tsi.n_ts, 2);
	assert_int_equal(msg.tsr.n_ts, 1);
	assert_int_equal(msg.tsi.ts[0].start_port, 500);
	assert_int_equal(msg.tsi.ts[0].end_port, 4500);
	assert_int_equal(msg.tsi.ts[0].ip_proto, 17);
	assert_memory_equal(&msg.tsi.ts[1].end, &ts[1].end,
			    sizeof(struct ip_addr));
	assert_memory_equal(&msg.tsi.ts[0].start, &ts[0].start,
			    sizeof(struct ip_addr));
}

/* INFORMATIONAL: deletes of the IKE SA and of three ESP SAs, a CP reply
 * with values, certificates and EAP; and an empty informational. */
static void test_informational_round_trip(void **state)
{
	const uint8_t spis[12] = {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3};
	const uint8_t addr[4] = {172, 16, 1, 10};
	const uint8_t eap[5] = {1, 1, 0, 5, 1};
	uint8_t buf[512];
	struct ike_gen g;
	size_t len;

	(void)state;
	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, 5, 6, IKE_EX_INFORMATIONAL, IKE_FLAG_INITIATOR, 3);
	ike_gen_delete(&g, IKE_PROTO_IKE, 0, NULL, 0);
	ike_gen_delete(&g, IKE_PROTO_ESP, 4, spis, 3);
	ike_gen_cp_begin(&g, IKE_CFG_REPLY);
	ike_gen_cp_attr(&g, IKE_INTERNAL_IP4_ADDRESS, addr, 4);
	ike_gen_cp_end(&g);
	ike_gen_cert(&g, IKE_PLD_CERTREQ, IKE_CERT_X509_SIG, spis, 12);
	ike_gen_cert(&g, IKE_PLD_CERT, IKE_CERT_X509_SIG, spis, 5);
	ike_gen_eap(&g, eap, sizeof(eap));
	len = ike_gen_finish(&g);
	assert_int_not_equal(len, 0);

	assert_int_equal(ike_pld_parse(buf, len, &msg), 0);
	assert_int_equal(msg.n_deletes, 2);
	assert_int_equal(msg.del[0].protocol, IKE_PROTO_IKE);
	assert_int_equal(msg.del[0].n_spi, 0);
	assert_int_equal(msg.del[1].n_spi, 3);
	assert_int_equal(msg.del[1].spi_size, 4);
	assert_memory_equal(msg.del[1].spis.ptr, spis, 12);
	assert_int_equal(msg.cp.type, IKE_CFG_REPLY);
	assert_memory_equal(msg.cp.attr[0].value.ptr, addr, 4);
	assert_int_equal(msg.n_certreqs, 1);
	assert_int_equal(msg.certreq[0].data.len, 12);
	assert_int_equal(msg.n_certs, 1);
	assert_int_equal(msg.cert[0].encoding, IKE_CERT_X509_SIG);
	assert_int_equal(msg.eap.code, 1);
	assert_int_equal(msg.eap.msg.len, 5);

	/* The empty INFORMATIONAL of a liveness check. */
	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, 5, 6, IKE_EX_INFORMATIONAL, IKE_FLAG_RESPONSE, 3);
	len = ike_gen_finish(&g);
	assert_int_equal(len, IKE_HDR_LEN);
	assert_int_equal(ike_pld_parse(buf, len, &msg), 0);
	assert_int_equal(msg.n_payloads, 0);
}

/* Every capacity short of the message fails, and nothing is written
 * past it. */
static void test_never_writes_past_cap(void **state)
{
	uint8_t buf[sizeof(sample_sa_init) + 32];

	(void)state;
	for (size_t cap = 0; cap <= sizeof(sample_sa_init); cap++) {
		struct ike_gen g;
		size_t len;

		memset(buf, 0xee, sizeof(buf));
		ike_gen_init(&g, buf, cap);
		build_sa_init(&g);
		len = ike_gen_finish(&g);
		if (cap < sizeof(sample_sa_init)) {
			assert_int_equal(len, 0);
			assert_true(g.failed);
		} else {
			assert_int_equal(len, cap);
		}
		for (size_t i = cap; i < sizeof(buf); i++)
			assert_int_equal(buf[i], 0xee);
	}
}

static void test_calls_out_of_order(void **state)
{
	uint8_t buf[256];
	struct ike_gen g;

	(void)state;
	/* A transform with no proposal. */
	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, 1, 2, IKE_EX_IKE_SA_INIT, 0, 0);
	ike_gen_sa_begin(&g);
	ike_gen_transform(&g, IKE_XF_ENCR, 12, 128);
	assert_int_equal(ike_gen_finish(&g), 0);
	/* An SA with no proposal. */
	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, 1, 2, IKE_EX_IKE_SA_INIT, 0, 0);
	ike_gen_sa_begin(&g);
	ike_gen_sa_end(&g);
	assert_int_equal(ike_gen_finish(&g), 0);
	/* A payload opened inside another, or left open. */
	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, 1, 2, IKE_EX_IKE_SA_INIT, 0, 0);
	ike_gen_begin(&g, IKE_PLD_V, false);
	ike_gen_begin(&g, IKE_PLD_V, false);
	assert_true(g.failed);
	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, 1, 2, IKE_EX_IKE_SA_INIT, 0, 0);
	ike_gen_begin(&g, IKE_PLD_V, false);
	assert_int_equal(ike_gen_finish(&g), 0);
	/* An SK payload that was never sealed. */
	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, 1, 2, IKE_EX_IKE_AUTH, 0, 1);
	ike_gen_sk_begin(&g, 16);
	assert_int_equal(ike_gen_finish(&g), 0);
	/* A selector whose family does not match its type. */
	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, 1, 2, IKE_EX_IKE_AUTH, 0, 1);
	ike_gen_ts(&g, IKE_PLD_TSi,
		   &(struct ike_ts){IKE_TS_IPV6_ADDR_RANGE, 0, 0, 0,
				    v4(1, 2, 3, 4), v4(1, 2, 3, 4)},
		   1);
	assert_int_equal(ike_gen_finish(&g), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sa_init_matches_hand_bytes),
		cmocka_unit_test(test_auth_inner_matches_hand_bytes),
		cmocka_unit_test(test_create_child_sa_round_trip),
		cmocka_unit_test(test_informational_round_trip),
		cmocka_unit_test(test_never_writes_past_cap),
		cmocka_unit_test(test_calls_out_of_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
