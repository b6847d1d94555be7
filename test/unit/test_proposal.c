/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ike_pld.h"
#include "proposal.h"

#define XF(t, i, bits) ((struct ike_transform){ (t), (i), (bits), false })

static const uint8_t esp_spi[4] = { 0xc0, 0x01, 0x02, 0x03 };

static void add_prop(struct ike_sa_pld *sa, uint8_t proto,
		     const struct ike_transform *xf, unsigned int n)
{
	struct ike_proposal *p = &sa->prop[sa->n_proposals];

	memset(p, 0, sizeof(*p));
	p->num = (uint8_t)(sa->n_proposals + 1);
	p->protocol = proto;
	if (proto == IKE_PROTO_ESP)
		p->spi = (struct ike_slice){ esp_spi, 4 };
	memcpy(p->xf, xf, n * sizeof(*xf));
	p->n_transforms = (uint8_t)n;
	sa->n_proposals++;
}

/* The tutorial's profile: aes-256, sha256, prf auto, modp2048. */
static struct cfg_profile tutorial_profile(void)
{
	struct cfg_profile pf = {
		.hash_algorithm = ALGO_HMAC_SHA256_128,
		.prf_algorithm = ALGO_INVALID,
		.enc_algorithm = { ALGO_AES_256_CBC },
		.n_enc_algorithm = 1,
		.dh_group = { ALGO_MODP2048 },
		.n_dh_group = 1,
		.proposal_check = CFG_CHECK_OBEY,
	};
	return pf;
}

/* iOS/macOS: AES-CBC-256/HMAC-SHA2-256-128/PRF-SHA2-256/MODP-2048. */
static void test_ike_apple(void **state)
{
	const struct ike_transform xf[] = {
		XF(IKE_XF_ENCR, 12, 256), XF(IKE_XF_INTEG, 12, 0),
		XF(IKE_XF_PRF, 5, 0), XF(IKE_XF_DH, 14, 0) };
	struct cfg_profile pf = tutorial_profile();
	struct ike_sa_pld sa = { 0 };
	struct prop_ike out;

	(void)state;
	add_prop(&sa, IKE_PROTO_IKE, xf, 4);
	assert_int_equal(proposal_select_ike(&pf, &sa, 14, &out), PROP_OK);
	assert_int_equal(out.encr->id, ALGO_AES_256_CBC);
	assert_int_equal(out.integ->id, ALGO_HMAC_SHA256_128);
	assert_int_equal(out.prf->id, ALGO_PRF_HMAC_SHA256);
	assert_int_equal(out.dh->id, ALGO_MODP2048);
	assert_int_equal(out.num, 1);
}

/* Android: KE for MODP-4096 first; we want 2048, which it also offers. */
static void test_ike_invalid_ke(void **state)
{
	const struct ike_transform xf[] = {
		XF(IKE_XF_ENCR, 12, 256), XF(IKE_XF_INTEG, 12, 0),
		XF(IKE_XF_PRF, 5, 0), XF(IKE_XF_DH, 16, 0),
		XF(IKE_XF_DH, 31, 0), XF(IKE_XF_DH, 15, 0),
		XF(IKE_XF_DH, 14, 0) };
	struct cfg_profile pf = tutorial_profile();
	struct ike_sa_pld sa = { 0 };
	struct prop_ike out;

	(void)state;
	add_prop(&sa, IKE_PROTO_IKE, xf, 7);
	assert_int_equal(proposal_select_ike(&pf, &sa, 16, &out),
			 PROP_INVALID_KE);
	assert_int_equal(out.dh->id, ALGO_MODP2048);
	/* The retry with the right group is accepted. */
	assert_int_equal(proposal_select_ike(&pf, &sa, 14, &out), PROP_OK);
}

static void test_ike_none(void **state)
{
	const struct ike_transform weak[] = {
		XF(IKE_XF_ENCR, 3, 0) /* 3DES */, XF(IKE_XF_INTEG, 2, 0),
		XF(IKE_XF_PRF, 2, 0), XF(IKE_XF_DH, 14, 0) };
	const struct ike_transform no_prf[] = {
		XF(IKE_XF_ENCR, 12, 256), XF(IKE_XF_INTEG, 12, 0),
		XF(IKE_XF_DH, 14, 0) };
	const struct ike_transform aes128[] = {
		XF(IKE_XF_ENCR, 12, 128), XF(IKE_XF_INTEG, 12, 0),
		XF(IKE_XF_PRF, 5, 0), XF(IKE_XF_DH, 14, 0) };
	struct cfg_profile pf = tutorial_profile();
	struct ike_sa_pld sa = { 0 };
	struct prop_ike out;

	(void)state;
	add_prop(&sa, IKE_PROTO_IKE, weak, 4);
	add_prop(&sa, IKE_PROTO_IKE, no_prf, 3);
	add_prop(&sa, IKE_PROTO_IKE, aes128, 4); /* key length matters */
	add_prop(&sa, IKE_PROTO_ESP, aes128, 4); /* wrong protocol */
	assert_int_equal(proposal_select_ike(&pf, &sa, 14, &out), PROP_NONE);
	sa.n_proposals = 0;
	assert_int_equal(proposal_select_ike(&pf, &sa, 14, &out), PROP_NONE);
}

/* obey follows the peer's order, strict ours; exact refuses extras. */
static void test_ike_check_modes(void **state)
{
	const struct ike_transform xf[] = {
		XF(IKE_XF_ENCR, 12, 256), XF(IKE_XF_ENCR, 20, 256),
		XF(IKE_XF_ENCR, 3, 0), XF(IKE_XF_INTEG, 12, 0),
		XF(IKE_XF_PRF, 5, 0), XF(IKE_XF_DH, 31, 0) };
	struct cfg_profile pf = tutorial_profile();
	struct ike_sa_pld sa = { 0 };
	struct prop_ike out;

	(void)state;
	pf.enc_algorithm[0] = ALGO_AES_256_GCM;
	pf.enc_algorithm[1] = ALGO_AES_256_CBC;
	pf.n_enc_algorithm = 2;
	pf.dh_group[0] = ALGO_CURVE25519;
	add_prop(&sa, IKE_PROTO_IKE, xf, 6);
	assert_int_equal(proposal_select_ike(&pf, &sa, 31, &out), PROP_OK);
	assert_int_equal(out.encr->id, ALGO_AES_256_CBC);
	assert_non_null(out.integ);
	pf.proposal_check = CFG_CHECK_STRICT;
	assert_int_equal(proposal_select_ike(&pf, &sa, 31, &out), PROP_OK);
	assert_int_equal(out.encr->id, ALGO_AES_256_GCM);
	assert_null(out.integ); /* AEAD */
	pf.proposal_check = CFG_CHECK_EXACT;
	assert_int_equal(proposal_select_ike(&pf, &sa, 31, &out), PROP_NONE);
	sa.prop[0].xf[2] = XF(IKE_XF_ENCR, 12, 256);
	assert_int_equal(proposal_select_ike(&pf, &sa, 31, &out), PROP_OK);
}

static void test_ike_unknown_attr_skipped(void **state)
{
	struct ike_transform xf[] = {
		XF(IKE_XF_ENCR, 12, 256), XF(IKE_XF_INTEG, 12, 0),
		XF(IKE_XF_PRF, 5, 0), XF(IKE_XF_DH, 14, 0) };
	struct cfg_profile pf = tutorial_profile();
	struct ike_sa_pld sa = { 0 };
	struct prop_ike out;

	(void)state;
	xf[0].unknown_attr = true;
	add_prop(&sa, IKE_PROTO_IKE, xf, 4);
	assert_int_equal(proposal_select_ike(&pf, &sa, 14, &out), PROP_NONE);
}

static struct cfg_proposal tutorial_proposal(void)
{
	struct cfg_proposal cp = {
		.auth_algorithms = { ALGO_HMAC_SHA256_128, ALGO_HMAC_SHA1_96 },
		.n_auth_algorithms = 2,
		.enc_algorithms = { ALGO_AES_256_CBC },
		.n_enc_algorithms = 1,
		.pfs_group = ALGO_MODP2048,
	};
	return cp;
}

/* macOS/Android: no DH in the CHILD proposal is fine in IKE_AUTH and in
 * a rekey without KE. */
static void test_child_without_dh(void **state)
{
	const struct ike_transform xf[] = {
		XF(IKE_XF_ENCR, 12, 256), XF(IKE_XF_INTEG, 2, 0),
		XF(IKE_XF_ESN, 0, 0) };
	struct cfg_proposal cp = tutorial_proposal();
	struct ike_sa_pld sa = { 0 };
	struct prop_child out;

	(void)state;
	add_prop(&sa, IKE_PROTO_ESP, xf, 3);
	assert_int_equal(proposal_select_child(&cp, CFG_CHECK_OBEY, &sa,
					       false, 0, &out), PROP_OK);
	assert_int_equal(out.encr->id, ALGO_AES_256_CBC);
	assert_int_equal(out.integ->id, ALGO_HMAC_SHA1_96);
	assert_null(out.dh);
	assert_false(out.esn);
	assert_memory_equal(&out.peer_spi, esp_spi, 4);
	assert_int_equal(proposal_select_child(&cp, CFG_CHECK_OBEY, &sa,
					       true, 14, &out), PROP_OK);
	assert_null(out.dh);
}

static void test_child_pfs(void **state)
{
	const struct ike_transform xf[] = {
		XF(IKE_XF_ENCR, 12, 256), XF(IKE_XF_INTEG, 12, 0),
		XF(IKE_XF_DH, 16, 0), XF(IKE_XF_DH, 14, 0),
		XF(IKE_XF_ESN, 1, 0) };
	struct cfg_proposal cp = tutorial_proposal();
	struct ike_sa_pld sa = { 0 };
	struct prop_child out;

	(void)state;
	add_prop(&sa, IKE_PROTO_ESP, xf, 5);
	/* IKE_AUTH: DH ignored. */
	assert_int_equal(proposal_select_child(&cp, CFG_CHECK_OBEY, &sa,
					       false, 0, &out), PROP_OK);
	assert_null(out.dh);
	assert_true(out.esn); /* only ESN offered */
	assert_int_equal(proposal_select_child(&cp, CFG_CHECK_OBEY, &sa,
					       true, 14, &out), PROP_OK);
	assert_int_equal(out.dh->id, ALGO_MODP2048);
	assert_int_equal(proposal_select_child(&cp, CFG_CHECK_OBEY, &sa,
					       true, 16, &out), PROP_INVALID_KE);
	assert_int_equal(out.dh->id, ALGO_MODP2048);
}

static void test_child_aead_and_bad(void **state)
{
	const struct ike_transform gcm[] = { XF(IKE_XF_ENCR, 20, 256) };
	const struct ike_transform cbc_no_integ[] = { XF(IKE_XF_ENCR, 12, 256) };
	struct cfg_proposal cp = tutorial_proposal();
	struct ike_sa_pld sa = { 0 };
	struct prop_child out;

	(void)state;
	add_prop(&sa, IKE_PROTO_ESP, cbc_no_integ, 1);
	add_prop(&sa, IKE_PROTO_ESP, gcm, 1);
	assert_int_equal(proposal_select_child(&cp, CFG_CHECK_OBEY, &sa,
					       false, 0, &out), PROP_NONE);
	cp.enc_algorithms[1] = ALGO_AES_256_GCM;
	cp.n_enc_algorithms = 2;
	assert_int_equal(proposal_select_child(&cp, CFG_CHECK_OBEY, &sa,
					       false, 0, &out), PROP_OK);
	assert_int_equal(out.num, 2);
	assert_null(out.integ);
	sa.prop[1].spi.len = 8; /* an ESP SPI is 4 octets */
	assert_int_equal(proposal_select_child(&cp, CFG_CHECK_OBEY, &sa,
					       false, 0, &out), PROP_NONE);
}

/* What we offer parses back and is accepted by the same configuration. */
static void test_gen_roundtrip(void **state)
{
	struct cfg_profile pf = tutorial_profile();
	struct cfg_proposal cp = tutorial_proposal();
	uint8_t buf[512];
	struct ike_gen g;
	static struct ike_msg m;
	struct prop_ike pi;
	struct prop_child pc;
	size_t len;

	(void)state;
	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, 1, 0, IKE_EX_IKE_SA_INIT, IKE_FLAG_INITIATOR, 0);
	proposal_gen_ike(&g, &pf, NULL);
	len = ike_gen_finish(&g);
	assert_true(len > 0);
	assert_int_equal(ike_pld_parse(buf, len, &m), 0);
	assert_int_equal(proposal_select_ike(&pf, &m.sa, 14, &pi), PROP_OK);

	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, 1, 2, IKE_EX_CREATE_CHILD_SA, IKE_FLAG_INITIATOR, 2);
	proposal_gen_child(&g, &cp, 0x11223344, true);
	len = ike_gen_finish(&g);
	assert_int_equal(ike_pld_parse(buf, len, &m), 0);
	assert_int_equal(proposal_select_child(&cp, CFG_CHECK_OBEY, &m.sa,
					       true, 14, &pc), PROP_OK);
	assert_int_equal(pc.peer_spi, 0x11223344);
	assert_int_equal(pc.dh->id, ALGO_MODP2048);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ike_apple),
		cmocka_unit_test(test_ike_invalid_ke),
		cmocka_unit_test(test_ike_none),
		cmocka_unit_test(test_ike_check_modes),
		cmocka_unit_test(test_ike_unknown_attr_skipped),
		cmocka_unit_test(test_child_without_dh),
		cmocka_unit_test(test_child_pfs),
		cmocka_unit_test(test_child_aead_and_bad),
		cmocka_unit_test(test_gen_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
