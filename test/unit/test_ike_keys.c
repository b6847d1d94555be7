/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "ike_keys.h"

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (; s[0] && s[1]; s += 2) {
		unsigned int b;

		assert_true(n < cap);
		assert_int_equal(sscanf(s, "%2x", &b), 1);
		out[n++] = (uint8_t)b;
	}
	assert_int_equal(s[0], '\0');
	return n;
}

static struct ike_slice sl(const uint8_t *p, size_t len)
{
	return (struct ike_slice){p, len};
}

/* HMAC test cases 1, 2 and 6 of RFC 2202 (SHA-1) and RFC 4231 (SHA-2);
 * a key of 0 bytes here means the case's long key of 0xaa octets. */
static const struct {
	enum algo_id prf;
	const char *key;
	size_t aa_len;
	const char *data;
	const char *mac;
} hmac_vectors[] = {
	{ALGO_PRF_HMAC_SHA1, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", 0,
	 "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"},
	{ALGO_PRF_HMAC_SHA1, "4a656665", 0, "what do ya want for nothing?",
	 "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
	{ALGO_PRF_HMAC_SHA1, NULL, 80,
	 "Test Using Larger Than Block-Size Key - Hash Key First",
	 "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
	{ALGO_PRF_HMAC_SHA256, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", 0,
	 "Hi There",
	 "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
	{ALGO_PRF_HMAC_SHA256, "4a656665", 0, "what do ya want for nothing?",
	 "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
	{ALGO_PRF_HMAC_SHA256, NULL, 131,
	 "Test Using Larger Than Block-Size Key - Hash Key First",
	 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
	{ALGO_PRF_HMAC_SHA384, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", 0,
	 "Hi There",
	 "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	 "faea9ea9076ede7f4af152e8b2fa9cb6"},
	{ALGO_PRF_HMAC_SHA384, "4a656665", 0, "what do ya want for nothing?",
	 "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	 "8e2240ca5e69e2c78b3239ecfab21649"},
	{ALGO_PRF_HMAC_SHA384, NULL, 131,
	 "Test Using Larger Than Block-Size Key - Hash Key First",
	 "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	 "0c2ef6ab4030fe8296248df163f44952"},
	{ALGO_PRF_HMAC_SHA512, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", 0,
	 "Hi There",
	 "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	 "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
	{ALGO_PRF_HMAC_SHA512, "4a656665", 0, "what do ya want for nothing?",
	 "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	 "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
	{ALGO_PRF_HMAC_SHA512, NULL, 131,
	 "Test Using Larger Than Block-Size Key - Hash Key First",
	 "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	 "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
};

static void test_hmac_rfc2202_rfc4231(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hmac_vectors) / sizeof(*hmac_vectors);
	     i++) {
		const struct algo *prf = algo_by_id(hmac_vectors[i].prf);
		uint8_t key[160], want[64], out[IKE_PRF_MAX];
		size_t klen = hmac_vectors[i].aa_len;
		const char *d = hmac_vectors[i].data;
		/* The data given in two pieces, as prf's callers do. */
		struct ike_slice data[2] = {
			sl((const uint8_t *)d, 3),
			sl((const uint8_t *)d + 3, strlen(d) - 3),
		};

		if (hmac_vectors[i].key)
			klen = unhex(hmac_vectors[i].key, key, sizeof(key));
		else
			memset(key, 0xaa, klen);
		assert_int_equal(unhex(hmac_vectors[i].mac, want, 64),
				 prf->out_len);
		assert_int_equal(ike_prf(prf, key, klen, data, 2, out), 0);
		assert_memory_equal(out, want, prf->out_len);
	}
}

/*
 * NIST CAVP SP 800-135 IKEv2 KDF, SHA-1, ACVP tcId 100 (g^ir 256 bits,
 * nonces 64 bits, DKM 1056 bits), as recorded with its expected results in
 * libreswan's programs/cavp/test.acvp.ikev2.run.
 */
static const char cavp_ni[] = "32b50d5f4a3763f3";
static const char cavp_nr[] = "9206a04b26564cb1";
static const char cavp_gir[] =
	"4b2c1f971981a8ad8d0abeafabf38cf75fc8349c148142465ed9c8b516b8be52";
static const char cavp_gir_new[] =
	"863f3c9d06efd39d2b907b97f8699e5dd5251ef64a2a176f36ee40c87d4f9330";
static const uint64_t cavp_spii = 0x34c9e7c188868785ull;
static const uint64_t cavp_spir = 0x3ff77d760d2b2199ull;
static const char cavp_skeyseed[] = "a9a7b222b59f8f48645f28a1db5b5f5d7479cba7";
static const char cavp_dkm[] =
	"a14293677cc80ff8f9cc0eee30d895da9d8f405666e30ef0dfcb63c634a46002"
	"a2a63080e514a062768b76606f9fa5e992204fc5a670bde3f10d6b027113936a"
	"5c55b648a194ae587b0088d52204b702c979fa280870d2ed41efa9c549fd1119"
	"8af1670b143d384bd275c5f594cf266b05ebadca855e4249520a441a81157435"
	"a7a56cc4";
static const char cavp_dkm_child[] =
	"8059e3ee8810e6c3a91bc8bcd2a7a41151b8d0e6ae239c7b38093ad85ef4c581"
	"1a8e7b5d1cdabd9560b2d5e092d1f24e2d4b85eccdf0ad0dc9abd94b51ee7181"
	"4ca6dbc8bb51b6309f5b9545c7eb35cf5580b1e521a8fe20754a2d883ba0c2cf"
	"285f524aea6545b33106bc03e614296d319d41d4b50b3f510b1c0a22f3e66499"
	"4d234cb4";
static const char cavp_dkm_child_dh[] =
	"bb43244c1860ad65ee1e211ffe8bb3661750c8f89cb9f547df7f4fa61d373016"
	"28190e38c66232eab4b3ab14c400a5197dd3730ed4820a8a10394d51e1c04000"
	"52f63ebd36b0e7ef53aaed31eba4a5080d7d4b5666023a8bbb5ffb7857240f9a"
	"05884d1b7d2f933708450b7b3288f1fc863ab49fa901227cffc06e27899c7054"
	"d56fd74c";
static const char cavp_skeyseed_rekey[] =
	"63e81194946ebd05df7df5ebf5d8750056bf1f1d";

struct cavp {
	uint8_t ni[8], nr[8], gir[32], gir_new[32];
	uint8_t skeyseed[20], dkm[132], child[132], child_dh[132], rekey[20];
};

static void cavp_load(struct cavp *c)
{
	unhex(cavp_ni, c->ni, 8);
	unhex(cavp_nr, c->nr, 8);
	unhex(cavp_gir, c->gir, 32);
	unhex(cavp_gir_new, c->gir_new, 32);
	unhex(cavp_skeyseed, c->skeyseed, 20);
	unhex(cavp_dkm, c->dkm, 132);
	unhex(cavp_dkm_child, c->child, 132);
	unhex(cavp_dkm_child_dh, c->child_dh, 132);
	unhex(cavp_skeyseed_rekey, c->rekey, 20);
}

static void test_cavp_sha1_ike_sa(void **state)
{
	const struct algo *prf = algo_by_id(ALGO_PRF_HMAC_SHA1);
	struct ike_sa_keys k;
	uint8_t out[132];
	struct cavp c;

	(void)state;
	cavp_load(&c);
	assert_int_equal(
		ike_skeyseed(prf, sl(c.ni, 8), sl(c.nr, 8), sl(c.gir, 32), out),
		0);
	assert_memory_equal(out, c.skeyseed, 20);

	/* HMAC-SHA1 PRF, HMAC-SHA1-96 and AES-128-CBC take exactly the
	 * 132 bytes of the vector: 3 * 20 + 2 * 20 + 2 * 16. */
	assert_int_equal(ike_keys_sa(&k, prf, algo_by_id(ALGO_AES_128_CBC),
				     algo_by_id(ALGO_HMAC_SHA1_96), c.skeyseed,
				     sl(c.ni, 8), sl(c.nr, 8), cavp_spii,
				     cavp_spir),
			 0);
	assert_int_equal(k.d_len, 20);
	assert_int_equal(k.a_len, 20);
	assert_int_equal(k.e_len, 16);
	assert_memory_equal(k.sk_d, c.dkm, 20);
	assert_memory_equal(k.sk_ai, c.dkm + 20, 20);
	assert_memory_equal(k.sk_ar, c.dkm + 40, 20);
	assert_memory_equal(k.sk_ei, c.dkm + 60, 16);
	assert_memory_equal(k.sk_er, c.dkm + 76, 16);
	assert_memory_equal(k.sk_pi, c.dkm + 92, 20);
	assert_memory_equal(k.sk_pr, c.dkm + 112, 20);
	ike_keys_wipe(&k, sizeof(k));
}

static void test_cavp_sha1_child_and_rekey(void **state)
{
	const struct algo *prf = algo_by_id(ALGO_PRF_HMAC_SHA1);
	const struct ike_slice none = {NULL, 0};
	struct ike_slice sk_d;
	struct ike_child_keys ck;
	uint8_t out[132];
	struct cavp c;

	(void)state;
	cavp_load(&c);
	sk_d = sl(c.dkm, 20);

	assert_int_equal(
		ike_keymat(prf, sk_d, none, sl(c.ni, 8), sl(c.nr, 8), out, 132),
		0);
	assert_memory_equal(out, c.child, 132);
	assert_int_equal(ike_keymat(prf, sk_d, sl(c.gir_new, 32), sl(c.ni, 8),
				    sl(c.nr, 8), out, 132),
			 0);
	assert_memory_equal(out, c.child_dh, 132);
	assert_int_equal(ike_skeyseed_rekey(prf, sk_d, sl(c.gir_new, 32),
					    sl(c.ni, 8), sl(c.nr, 8), out),
			 0);
	assert_memory_equal(out, c.rekey, 20);

	/* Section 2.17: encryption then integrity, initiator's first. */
	assert_int_equal(ike_keys_child(&ck, prf, sk_d,
					algo_by_id(ALGO_AES_256_CBC),
					algo_by_id(ALGO_HMAC_SHA256_128), none,
					sl(c.ni, 8), sl(c.nr, 8)),
			 0);
	assert_memory_equal(ck.ei, c.child, 32);
	assert_memory_equal(ck.ai, c.child + 32, 32);
	assert_memory_equal(ck.er, c.child + 64, 32);
	assert_memory_equal(ck.ar, c.child + 96, 32);

	/* With PFS, and AES-GCM: 32 bytes of key and 4 of salt each way. */
	assert_int_equal(ike_keys_child(&ck, prf, sk_d,
					algo_by_id(ALGO_AES_256_GCM), NULL,
					sl(c.gir_new, 32), sl(c.ni, 8),
					sl(c.nr, 8)),
			 0);
	assert_int_equal(ck.e_len, 36);
	assert_int_equal(ck.a_len, 0);
	assert_memory_equal(ck.ei, c.child_dh, 36);
	assert_memory_equal(ck.er, c.child_dh + 36, 36);
	/* CBC without integrity is refused. */
	assert_int_equal(ike_keys_child(&ck, prf, sk_d,
					algo_by_id(ALGO_AES_256_CBC), NULL,
					none, sl(c.ni, 8), sl(c.nr, 8)),
			 -1);
}

/*
 * NIST CAVP IKEv2 samples with HMAC-SHA-256, as carried in NSS's
 * gtests/common/testvectors_base/ike-sha256-vectors.h (tests 6 to 10):
 * SKEYSEED, prf+ of 132 bytes, and the rekey SKEYSEED.
 */
static void test_cavp_sha256(void **state)
{
	const struct algo *prf = algo_by_id(ALGO_PRF_HMAC_SHA256);
	uint8_t ni[8], nr[8], gir[32], gir_new[32], spis[16];
	uint8_t skeyseed[32], dkm[132], rekey[32], out[132];
	struct ike_slice seed[3];

	(void)state;
	unhex("3f302be1abcb28e1", ni, 8);
	unhex("8c332ee006064c9b", nr, 8);
	unhex("40dac39e1e1a86408619a1cf9a6e4c07", spis, 16);
	unhex("0f4d257d7a58fc4545c7d7a88119eee5d5c9690c5b4c989171d3abbfd99d1d2"
	      "9",
	      gir, 32);
	unhex("25f3b12d6f282739256e39bf54eda53b60ffcf379bb7bcc90c27b4c4c578616"
	      "c",
	      gir_new, 32);
	unhex("5f00d1bd2c58ec224b1e6b71fa0f19a1faa7a193952c444411b47c1a9d8ba6f"
	      "e",
	      skeyseed, 32);
	unhex("0b137d669b0947d7d026d593f0305ad401ff0c471357d695778a9c7f4b4869ec"
	      "e98aca531188d16041b3bb936d2dbb3b4993a6e768a809160de45d0283f273a6"
	      "cdf6854379e31be72b8d3d1fa990cf9c5b015ca9f918a7df6253c958114a09d4"
	      "e1c19bdcd4db14b29d98db1a74ad405c588662c14a04d0d36aa4ab55e90f8986"
	      "d12d4aad",
	      dkm, 132);
	unhex("2d63f6debc92048b4fef3889c4c99ca67d6496e0fac14a2bca9a2d6566ff239"
	      "8",
	      rekey, 32);

	assert_int_equal(
		ike_skeyseed(prf, sl(ni, 8), sl(nr, 8), sl(gir, 32), out), 0);
	assert_memory_equal(out, skeyseed, 32);

	seed[0] = sl(ni, 8);
	seed[1] = sl(nr, 8);
	seed[2] = sl(spis, 16);
	/* 132, 32 and 15 bytes: several blocks, one, and part of one. */
	assert_int_equal(ike_prf_plus(prf, skeyseed, 32, seed, 3, out, 132), 0);
	assert_memory_equal(out, dkm, 132);
	memset(out, 0, sizeof(out));
	assert_int_equal(ike_prf_plus(prf, skeyseed, 32, seed, 3, out, 15), 0);
	assert_memory_equal(out, dkm, 15);
	assert_int_equal(out[15], 0);

	/* SK_d is the first 32 bytes of that prf+ output. */
	assert_int_equal(ike_skeyseed_rekey(prf, sl(dkm, 32), sl(gir_new, 32),
					    sl(ni, 8), sl(nr, 8), out),
			 0);
	assert_memory_equal(out, rekey, 32);
}

/* HMAC computed by OpenSSL's one-shot EVP_Q_mac, apart from ike_prf. */
static void oracle_hmac(const char *digest, const uint8_t *key, size_t klen,
			const uint8_t *data, size_t dlen, uint8_t *out)
{
	size_t n = 0;

	assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, digest, NULL, key, klen,
				  data, dlen, out, 64, &n));
}

/* prf+ against section 2.13 written out block by block, and its limit. */
static void test_prf_plus_definition(void **state)
{
	const struct algo *prf = algo_by_id(ALGO_PRF_HMAC_SHA512);
	uint8_t key[40], s[50], in[64 + 50 + 1], t[3][64];
	uint8_t out[255 * 64 + 1];
	struct ike_slice seed = sl(s, sizeof(s));

	(void)state;
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7);
	for (size_t i = 0; i < sizeof(s); i++)
		s[i] = (uint8_t)(200 - i);
	/* T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n). */
	memcpy(in, s, 50);
	in[50] = 1;
	oracle_hmac("SHA512", key, 40, in, 51, t[0]);
	for (int n = 2; n <= 3; n++) {
		memcpy(in, t[n - 2], 64);
		memcpy(in + 64, s, 50);
		in[114] = (uint8_t)n;
		oracle_hmac("SHA512", key, 40, in, 115, t[n - 1]);
	}

	assert_int_equal(ike_prf_plus(prf, key, 40, &seed, 1, out, 150), 0);
	assert_memory_equal(out, t[0], 64);
	assert_memory_equal(out + 64, t[1], 64);
	assert_memory_equal(out + 128, t[2], 22);
	/* The counter is one octet: 255 blocks at most. */
	assert_int_equal(ike_prf_plus(prf, key, 40, &seed, 1, out, 255 * 64),
			 0);
	assert_int_equal(
		ike_prf_plus(prf, key, 40, &seed, 1, out, 255 * 64 + 1), -1);
	/* Only PRF transforms drive prf+. */
	assert_int_equal(ike_prf_plus(algo_by_id(ALGO_HMAC_SHA256_128), key, 40,
				      &seed, 1, out, 16),
			 -1);
}

/* The key sizes the seven keys take come from common/algo.h. */
static void test_sa_key_lengths(void **state)
{
	uint8_t skeyseed[48] = {1}, ni[32] = {2}, nr[32] = {3};
	struct ike_sa_keys k;

	(void)state;
	assert_int_equal(ike_keys_sa(&k, algo_by_id(ALGO_PRF_HMAC_SHA384),
				     algo_by_id(ALGO_AES_256_GCM), NULL,
				     skeyseed, sl(ni, 32), sl(nr, 32), 1, 2),
			 0);
	assert_int_equal(k.d_len, 48);
	assert_int_equal(k.p_len, 48);
	assert_int_equal(k.a_len, 0);
	assert_int_equal(k.e_len, 36); /* RFC 5282 section 7.1: salt too */
	assert_memory_not_equal(k.sk_ei, k.sk_er, 36);
	assert_int_equal(ike_keys_sa(&k, algo_by_id(ALGO_PRF_HMAC_SHA256),
				     algo_by_id(ALGO_AES_256_CBC), NULL,
				     skeyseed, sl(ni, 32), sl(nr, 32), 1, 2),
			 -1);
	assert_int_equal(ike_keys_sa(&k, algo_by_id(ALGO_PRF_HMAC_SHA256),
				     algo_by_id(ALGO_AES_256_GCM),
				     algo_by_id(ALGO_HMAC_SHA256_128), skeyseed,
				     sl(ni, 32), sl(nr, 32), 1, 2),
			 -1);
	assert_int_equal(ike_skeyseed(algo_by_id(ALGO_PRF_HMAC_SHA256),
				      sl(ni, 0), sl(nr, 32), sl(ni, 32),
				      skeyseed),
			 -1);
}

/*
 * Section 2.15 computed here from the formula with EVP_Q_mac:
 * AUTH = prf(prf(PSK, "Key Pad for IKEv2"), msg | Nr | prf(SK_pi, IDi')).
 */
static void test_auth_psk(void **state)
{
	const struct algo *prf = algo_by_id(ALGO_PRF_HMAC_SHA256);
	const uint8_t psk[] = "correct horse battery staple";
	uint8_t msg[300], nonce[32], sk_pi[32], id[4 + 15];
	uint8_t padkey[32], maced[32], signed_oct[300 + 32 + 32];
	uint8_t want[32], auth[32];
	struct ike_slice pk = sl(psk, sizeof(psk) - 1);

	(void)state;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i ^ 0x5a);
	memset(nonce, 0x4e, sizeof(nonce));
	memset(sk_pi, 0x70, sizeof(sk_pi));
	id[0] = IKE_ID_FQDN;
	id[1] = id[2] = id[3] = 0;
	memcpy(id + 4, "vpn.example.com", 15);

	oracle_hmac("SHA256", psk, sizeof(psk) - 1,
		    (const uint8_t *)"Key Pad for IKEv2", 17, padkey);
	oracle_hmac("SHA256", sk_pi, 32, id, sizeof(id), maced);
	memcpy(signed_oct, msg, 300);
	memcpy(signed_oct + 300, nonce, 32);
	memcpy(signed_oct + 332, maced, 32);
	oracle_hmac("SHA256", padkey, 32, signed_oct, sizeof(signed_oct), want);

	assert_int_equal(ike_auth_psk(prf, pk, sl(msg, 300), sl(nonce, 32),
				      sl(sk_pi, 32), sl(id, sizeof(id)), auth),
			 0);
	assert_memory_equal(auth, want, 32);
	assert_true(ike_auth_psk_check(prf, pk, sl(msg, 300), sl(nonce, 32),
				       sl(sk_pi, 32), sl(id, sizeof(id)),
				       sl(want, 32)));

	/* Any changed bit of the value, or a truncated one, fails. */
	for (size_t bit = 0; bit < 32 * 8; bit += 37) {
		want[bit / 8] ^= (uint8_t)(1u << bit % 8);
		assert_false(ike_auth_psk_check(
			prf, pk, sl(msg, 300), sl(nonce, 32), sl(sk_pi, 32),
			sl(id, sizeof(id)), sl(want, 32)));
		want[bit / 8] ^= (uint8_t)(1u << bit % 8);
	}
	assert_false(ike_auth_psk_check(prf, pk, sl(msg, 300), sl(nonce, 32),
					sl(sk_pi, 32), sl(id, sizeof(id)),
					sl(want, 31)));
	/* Another secret, or another message, gives another value. */
	assert_false(ike_auth_psk_check(prf, sl(psk, 5), sl(msg, 300),
					sl(nonce, 32), sl(sk_pi, 32),
					sl(id, sizeof(id)), sl(want, 32)));
	assert_false(ike_auth_psk_check(prf, pk, sl(msg, 299), sl(nonce, 32),
					sl(sk_pi, 32), sl(id, sizeof(id)),
					sl(want, 32)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_rfc2202_rfc4231),
		cmocka_unit_test(test_cavp_sha1_ike_sa),
		cmocka_unit_test(test_cavp_sha1_child_and_rekey),
		cmocka_unit_test(test_cavp_sha256),
		cmocka_unit_test(test_prf_plus_definition),
		cmocka_unit_test(test_sa_key_lengths),
		cmocka_unit_test(test_auth_psk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
