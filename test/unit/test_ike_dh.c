/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bn.h>

#include "ike_dh.h"

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (; s[0] && s[1] && n < cap; s += 2) {
		unsigned int b;

		if (s[0] == ' ') {
			s--;
			continue;
		}
		assert_int_equal(sscanf(s, "%2x", &b), 1);
		out[n++] = (uint8_t)b;
	}
	return n;
}

static const enum algo_id groups[] = {
	ALGO_MODP1024, ALGO_MODP1536, ALGO_MODP2048, ALGO_MODP3072,
	ALGO_MODP4096, ALGO_ECP256,   ALGO_ECP384,   ALGO_CURVE25519,
};

/* Both sides of every group compute the same g^ir, of the RFC's length. */
static void test_both_sides_agree(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		const struct algo *g = algo_by_id(groups[i]);
		struct ike_dh *a = ike_dh_new(g), *b = ike_dh_new(g);
		uint8_t pa[IKE_DH_MAX], pb[IKE_DH_MAX];
		uint8_t sa[IKE_DH_MAX], sb[IKE_DH_MAX];
		size_t slen = ike_dh_secret_len(g);

		assert_non_null(a);
		assert_non_null(b);
		assert_ptr_equal(ike_dh_group(a), g);
		assert_int_equal(ike_dh_public(a, pa, sizeof(pa)), g->out_len);
		assert_int_equal(ike_dh_public(b, pb, sizeof(pb)), g->out_len);
		assert_memory_not_equal(pa, pb, g->out_len);
		assert_int_equal(
			ike_dh_derive(a, pb, g->out_len, sa, sizeof(sa)),
			IKE_DH_OK);
		assert_int_equal(
			ike_dh_derive(b, pa, g->out_len, sb, sizeof(sb)),
			IKE_DH_OK);
		assert_memory_equal(sa, sb, slen);
		/* Section 2.14: a MODP secret has the modulus length. */
		if (g->key_len >= 1024)
			assert_int_equal(slen, g->key_len / 8);
		/* A short output buffer is refused, not overrun. */
		assert_int_equal(ike_dh_public(a, pa, g->out_len - 1), 0);
		ike_dh_free(a);
		ike_dh_free(b);
	}
	assert_false(ike_dh_supported(algo_by_id(ALGO_DH_NONE)));
	assert_null(ike_dh_new(algo_by_id(ALGO_DH_NONE)));
	assert_null(ike_dh_new(algo_by_id(ALGO_AES_128_CBC)));
}

/* RFC 7748 section 6.1. */
static void test_curve25519_known_answer(void **state)
{
	const struct algo *g = algo_by_id(ALGO_CURVE25519);
	uint8_t a_priv[32], b_priv[32], a_pub[32], b_pub[32], k[32];
	uint8_t pub[32], s[32];
	struct ike_dh *a, *b;

	(void)state;
	unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2"
	      "a",
	      a_priv, 32);
	unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6"
	      "a",
	      a_pub, 32);
	unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0e"
	      "b",
	      b_priv, 32);
	unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4"
	      "f",
	      b_pub, 32);
	unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e16174"
	      "2",
	      k, 32);

	a = ike_dh_new_private(g, a_priv, 32);
	b = ike_dh_new_private(g, b_priv, 32);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(ike_dh_public(a, pub, sizeof(pub)), 32);
	assert_memory_equal(pub, a_pub, 32);
	assert_int_equal(ike_dh_public(b, pub, sizeof(pub)), 32);
	assert_memory_equal(pub, b_pub, 32);
	assert_int_equal(ike_dh_derive(a, b_pub, 32, s, sizeof(s)), IKE_DH_OK);
	assert_memory_equal(s, k, 32);
	assert_int_equal(ike_dh_derive(b, a_pub, 32, s, sizeof(s)), IKE_DH_OK);
	assert_memory_equal(s, k, 32);
	ike_dh_free(a);
	ike_dh_free(b);
}

/* RFC 5903 section 8.1: the 256-bit random ECP group. */
static void test_ecp256_known_answer(void **state)
{
	const struct algo *g = algo_by_id(ALGO_ECP256);
	uint8_t i[32], r[32], gi[64], gr[64], gir[32], pub[64], s[32];
	struct ike_dh *a, *b;

	(void)state;
	unhex("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D143"
	      "3",
	      i, 32);
	unhex("DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
	      "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB"
	      "3",
	      gi, 64);
	unhex("C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE5"
	      "3",
	      r, 32);
	unhex("D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
	      "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872A"
	      "B",
	      gr, 64);
	unhex("D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442D"
	      "E",
	      gir, 32);

	a = ike_dh_new_private(g, i, 32);
	b = ike_dh_new_private(g, r, 32);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(ike_dh_public(a, pub, sizeof(pub)), 64);
	assert_memory_equal(pub, gi, 64);
	assert_int_equal(ike_dh_public(b, pub, sizeof(pub)), 64);
	assert_memory_equal(pub, gr, 64);
	assert_int_equal(ike_dh_derive(a, gr, 64, s, sizeof(s)), IKE_DH_OK);
	assert_memory_equal(s, gir, 32);
	assert_int_equal(ike_dh_derive(b, gi, 64, s, sizeof(s)), IKE_DH_OK);
	assert_memory_equal(s, gir, 32);
	ike_dh_free(a);
	ike_dh_free(b);
}

/* A fixed MODP exponent gives 2^x mod p, checked with BN directly. */
static void test_modp_fixed_private(void **state)
{
	const struct algo *g = algo_by_id(ALGO_MODP2048);
	uint8_t x[32], pub[256], want[256];
	BIGNUM *bx, *p, *two, *y;
	BN_CTX *ctx = BN_CTX_new();
	struct ike_dh *dh;

	(void)state;
	for (size_t i = 0; i < sizeof(x); i++)
		x[i] = (uint8_t)(0x11 * (i + 1));
	bx = BN_bin2bn(x, sizeof(x), NULL);
	p = BN_get_rfc3526_prime_2048(NULL);
	two = BN_new();
	y = BN_new();
	assert_true(BN_set_word(two, 2));
	assert_true(BN_mod_exp(y, two, bx, p, ctx));
	assert_int_equal(BN_bn2binpad(y, want, sizeof(want)), 256);

	dh = ike_dh_new_private(g, x, sizeof(x));
	assert_non_null(dh);
	assert_int_equal(ike_dh_public(dh, pub, sizeof(pub)), 256);
	assert_memory_equal(pub, want, 256);
	ike_dh_free(dh);
	BN_free(bx);
	BN_free(p);
	BN_free(two);
	BN_free(y);
	BN_CTX_free(ctx);
}

/* Write p - sub, big-endian, into out (len bytes). */
static void p_minus(enum algo_id id, unsigned int sub, uint8_t *out, size_t len)
{
	BIGNUM *p = id == ALGO_MODP1024 ? BN_get_rfc2409_prime_1024(NULL)
					: BN_get_rfc3526_prime_2048(NULL);

	assert_true(BN_sub_word(p, sub));
	assert_int_equal(BN_bn2binpad(p, out, (int)len), (int)len);
	BN_free(p);
}

static void test_modp_rejects_out_of_range(void **state)
{
	const enum algo_id ids[] = {ALGO_MODP1024, ALGO_MODP2048};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		const struct algo *g = algo_by_id(ids[i]);
		struct ike_dh *dh = ike_dh_new(g);
		uint8_t v[IKE_DH_MAX], s[IKE_DH_MAX];
		size_t n = g->out_len;

		assert_non_null(dh);
		memset(v, 0, n); /* 0 */
		assert_int_equal(ike_dh_derive(dh, v, n, s, sizeof(s)),
				 IKE_DH_E_RANGE);
		v[n - 1] = 1; /* 1 */
		assert_int_equal(ike_dh_derive(dh, v, n, s, sizeof(s)),
				 IKE_DH_E_RANGE);
		p_minus(ids[i], 1, v, n); /* p-1: order 2 */
		assert_int_equal(ike_dh_derive(dh, v, n, s, sizeof(s)),
				 IKE_DH_E_RANGE);
		p_minus(ids[i], 0, v, n); /* p */
		assert_int_equal(ike_dh_derive(dh, v, n, s, sizeof(s)),
				 IKE_DH_E_RANGE);
		memset(v, 0xff, n); /* above p */
		assert_int_equal(ike_dh_derive(dh, v, n, s, sizeof(s)),
				 IKE_DH_E_RANGE);
		/* 2 and p-2 are the ends of the accepted range. */
		memset(v, 0, n);
		v[n - 1] = 2;
		assert_int_equal(ike_dh_derive(dh, v, n, s, sizeof(s)),
				 IKE_DH_OK);
		p_minus(ids[i], 2, v, n);
		assert_int_equal(ike_dh_derive(dh, v, n, s, sizeof(s)),
				 IKE_DH_OK);
		/* One byte short or long. */
		assert_int_equal(ike_dh_derive(dh, v, n - 1, s, sizeof(s)),
				 IKE_DH_E_LENGTH);
		assert_int_equal(ike_dh_derive(dh, v, n + 1, s, sizeof(s)),
				 IKE_DH_E_LENGTH);
		ike_dh_free(dh);
	}
}

static void test_ecp_rejects_bad_points(void **state)
{
	const enum algo_id ids[] = {ALGO_ECP256, ALGO_ECP384};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		const struct algo *g = algo_by_id(ids[i]);
		struct ike_dh *dh = ike_dh_new(g), *peer = ike_dh_new(g);
		uint8_t v[IKE_DH_MAX], s[IKE_DH_MAX];
		size_t n = g->out_len;

		assert_non_null(dh);
		assert_non_null(peer);
		assert_int_equal(ike_dh_public(peer, v, sizeof(v)), n);
		assert_int_equal(ike_dh_derive(dh, v, n, s, sizeof(s)),
				 IKE_DH_OK);
		v[n - 1] ^= 1; /* y changed: off the curve */
		assert_int_equal(ike_dh_derive(dh, v, n, s, sizeof(s)),
				 IKE_DH_E_POINT);
		memset(v, 0, n); /* (0, 0) */
		assert_int_equal(ike_dh_derive(dh, v, n, s, sizeof(s)),
				 IKE_DH_E_POINT);
		memset(v, 0xff, n); /* coordinates above p */
		assert_int_equal(ike_dh_derive(dh, v, n, s, sizeof(s)),
				 IKE_DH_E_POINT);
		assert_int_equal(ike_dh_derive(dh, v, n - 1, s, sizeof(s)),
				 IKE_DH_E_LENGTH);
		/* SEC 1 form with its 0x04 is not the RFC 5903 encoding. */
		assert_int_equal(ike_dh_derive(dh, v, n + 1, s, sizeof(s)),
				 IKE_DH_E_LENGTH);
		ike_dh_free(dh);
		ike_dh_free(peer);
	}
}

/* RFC 8031 section 2 and RFC 7748 section 6.1: a small-order point gives
 * an all-zero secret, which must be refused. */
static void test_curve25519_rejects_zero_secret(void **state)
{
	const struct algo *g = algo_by_id(ALGO_CURVE25519);
	struct ike_dh *dh = ike_dh_new(g);
	uint8_t v[33] = {0}, s[32];

	(void)state;
	assert_non_null(dh);
	assert_int_equal(ike_dh_derive(dh, v, 32, s, sizeof(s)), IKE_DH_E_ZERO);
	v[0] = 1; /* u = 1 has order 4 */
	assert_int_equal(ike_dh_derive(dh, v, 32, s, sizeof(s)), IKE_DH_E_ZERO);
	assert_int_equal(ike_dh_derive(dh, v, 31, s, sizeof(s)),
			 IKE_DH_E_LENGTH);
	assert_int_equal(ike_dh_derive(dh, v, 33, s, sizeof(s)),
			 IKE_DH_E_LENGTH);
	/* A secret buffer too short for the secret is refused. */
	v[0] = 9;
	assert_int_equal(ike_dh_derive(dh, v, 32, s, 31), IKE_DH_E_CRYPTO);
	ike_dh_free(dh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_sides_agree),
		cmocka_unit_test(test_curve25519_known_answer),
		cmocka_unit_test(test_ecp256_known_answer),
		cmocka_unit_test(test_modp_fixed_private),
		cmocka_unit_test(test_modp_rejects_out_of_range),
		cmocka_unit_test(test_ecp_rejects_bad_points),
		cmocka_unit_test(test_curve25519_rejects_zero_secret),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
