/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "ike_gen.h"
#include "ike_pld.h"
#include "ike_sk.h"

static struct ike_msg msg;
static int inner_rc; /* what ike_pld_parse_inner() said in receive() */
static size_t inner_len;

struct suite {
	enum algo_id encr, integ; /* integ ALGO_INVALID with AES-GCM */
};

static const struct suite suites[] = {
	{ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128},
	{ALGO_AES_256_GCM, ALGO_INVALID},
	{ALGO_AES_128_CBC, ALGO_HMAC_SHA1_96},
	{ALGO_AES_128_GCM, ALGO_INVALID},
	{ALGO_AES_256_CBC, ALGO_HMAC_SHA512_256},
};

static void key_init(struct ike_sk *sk, const struct suite *s, uint8_t seed)
{
	uint8_t ek[IKE_KEY_MAX], ak[IKE_KEY_MAX];

	for (size_t i = 0; i < IKE_KEY_MAX; i++) {
		ek[i] = (uint8_t)(seed + i);
		ak[i] = (uint8_t)(seed * 3 + i);
	}
	assert_int_equal(ike_sk_init(sk, algo_by_id(s->encr),
				     algo_by_id(s->integ), ek, ak),
			 0);
}

/* An IKE_AUTH request with IDi, AUTH and a notify inside SK. */
static enum ike_sk_error build(struct ike_sk *sk, uint8_t *buf, size_t cap,
			       size_t *len)
{
	uint8_t auth[32];
	struct ike_gen g;

	memset(auth, 0x3c, sizeof(auth));
	ike_gen_init(&g, buf, cap);
	ike_gen_hdr(&g, 0x1111, 0x2222, IKE_EX_IKE_AUTH, IKE_FLAG_INITIATOR, 1);
	ike_gen_sk_begin(&g, ike_sk_iv_len(sk));
	ike_gen_id(&g, IKE_PLD_IDi, IKE_ID_RFC822_ADDR,
		   (const uint8_t *)"alice@example.org", 17);
	ike_gen_auth(&g, IKE_AUTH_SHARED_KEY_MIC, auth, sizeof(auth));
	ike_gen_notify(&g, 0, NULL, 0, IKE_N_MOBIKE_SUPPORTED, NULL, 0);
	return ike_sk_seal(sk, &g, len);
}

/* Parse and open msg, then parse the inner payloads into inner_rc; the
 * error of the SK payload (a message the parser refuses counts as
 * IKE_SK_E_LENGTH). */
static enum ike_sk_error receive(const struct ike_sk *sk, uint8_t *buf,
				 size_t len)
{
	struct ike_slice plain;
	enum ike_sk_error e;

	if (ike_pld_parse(buf, len, &msg) < 0 ||
	    !(msg.has & (IKE_HAS(IKE_PLD_SK) | IKE_HAS(IKE_PLD_SKF))))
		return IKE_SK_E_LENGTH;
	e = ike_sk_open(sk, buf, len, &msg.sk, &plain);
	inner_rc = -1;
	if (e == IKE_SK_OK) {
		inner_len = plain.len;
		inner_rc = ike_pld_parse_inner(&msg, msg.sk.first_payload,
					       plain.ptr, plain.len);
	}
	return e;
}

static void test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		struct ike_sk out, in;
		uint8_t buf[512];
		size_t len = 0;

		key_init(&out, &suites[i], 7);
		key_init(&in, &suites[i], 7);
		assert_int_equal(build(&out, buf, sizeof(buf), &len),
				 IKE_SK_OK);
		/* The plaintext is not visible in the sealed message. */
		assert_null(memmem(buf, len, "alice", 5));
		assert_int_equal(receive(&in, buf, len), IKE_SK_OK);
		assert_int_equal(inner_rc, 0);
		assert_int_equal(msg.hdr.length, len);
		assert_int_equal(msg.idi.type, IKE_ID_RFC822_ADDR);
		assert_memory_equal(msg.idi.data.ptr, "alice@example.org", 17);
		assert_int_equal(msg.auth.data.len, 32);
		assert_int_equal(msg.auth.data.ptr[31], 0x3c);
		assert_non_null(ike_pld_notify(&msg, IKE_N_MOBIKE_SUPPORTED));
		ike_sk_wipe(&out);
		ike_sk_wipe(&in);
	}
}

/* Each bit of the message flipped in turn: never accepted. */
static void test_any_flipped_bit_fails(void **state)
{
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		uint8_t buf[512], copy[512];
		struct ike_sk sk;
		size_t len = 0;

		key_init(&sk, &suites[i], 9);
		assert_int_equal(build(&sk, buf, sizeof(buf), &len), IKE_SK_OK);
		for (size_t bit = 0; bit < len * 8; bit++) {
			memcpy(copy, buf, len);
			copy[bit / 8] ^= (uint8_t)(1u << bit % 8);
			assert_int_not_equal(receive(&sk, copy, len),
					     IKE_SK_OK);
		}
		memcpy(copy, buf, len);
		assert_int_equal(receive(&sk, copy, len), IKE_SK_OK);
	}
}

static void test_wrong_key_fails(void **state)
{
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct ike_sk a, b;
		uint8_t buf[512];
		size_t len = 0;

		key_init(&a, &suites[i], 1);
		key_init(&b, &suites[i], 2);
		assert_int_equal(build(&a, buf, sizeof(buf), &len), IKE_SK_OK);
		assert_int_equal(receive(&b, buf, len), IKE_SK_E_ICV);
	}
}

/*
 * An SK payload made here with OpenSSL directly (section 3.14 for CBC,
 * RFC 5282 for GCM), with a chosen Pad Length octet: 6 octets of padding
 * is right; anything reaching past the plaintext must be refused.
 */
static size_t oracle_seal(const struct suite *s, uint8_t pad_octet,
			  uint8_t *buf, bool skf)
{
	const struct algo *encr = algo_by_id(s->encr);
	bool gcm = encr->flags & ALGO_AEAD;
	size_t iv = gcm ? 8 : 16,
	       icv = gcm ? 16 : algo_by_id(s->integ)->out_len;
	/* A vendor ID payload of 9 octets, 6 of padding, Pad Length. */
	uint8_t plain[16] = {0, 0, 0, 9, 'v', 'e', 'n', 'd', 'o'};
	size_t hdr = 28 + (skf ? 8 : 4), len = hdr + iv + sizeof(plain) + icv;
	uint8_t ek[IKE_KEY_MAX], ak[IKE_KEY_MAX], nonce[12];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	size_t n = 0;
	int outl;

	for (size_t i = 0; i < IKE_KEY_MAX; i++) {
		ek[i] = (uint8_t)(5 + i);
		ak[i] = (uint8_t)(15 + i);
	}
	plain[15] = pad_octet;
	memset(buf, 0, len);
	buf[16] = skf ? IKE_PLD_SKF : IKE_PLD_SK;
	buf[17] = 0x20;
	buf[18] = IKE_EX_INFORMATIONAL;
	buf[27] = (uint8_t)len;
	buf[28] = IKE_PLD_V;
	buf[31] = (uint8_t)(len - 28);
	if (skf) /* RFC 7383 section 2.5: fragment 1 of 1 */
		buf[33] = buf[35] = 1;
	memset(buf + hdr, 0x42, iv);

	if (gcm) {
		memcpy(nonce, ek + encr->key_len, 4);
		memcpy(nonce + 4, buf + hdr, 8);
		assert_true(EVP_EncryptInit_ex2(ctx,
						encr->key_len == 32
							? EVP_aes_256_gcm()
							: EVP_aes_128_gcm(),
						ek, nonce, NULL));
		assert_true(EVP_EncryptUpdate(ctx, NULL, &outl, buf, hdr));
	} else {
		assert_true(EVP_EncryptInit_ex2(ctx,
						encr->key_len == 32
							? EVP_aes_256_cbc()
							: EVP_aes_128_cbc(),
						ek, buf + hdr, NULL));
		EVP_CIPHER_CTX_set_padding(ctx, 0);
	}
	assert_true(EVP_EncryptUpdate(ctx, buf + hdr + iv, &outl, plain,
				      sizeof(plain)));
	assert_true(EVP_EncryptFinal_ex(ctx, buf + hdr + iv + outl, &outl));
	if (gcm)
		assert_true(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16,
						buf + len - 16));
	else
		assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL,
					  ike_keys_digest(algo_by_id(s->integ)),
					  NULL, ak,
					  algo_by_id(s->integ)->key_len, buf,
					  len - icv, buf + len - icv, 64, &n));
	EVP_CIPHER_CTX_free(ctx);
	return len;
}

static void test_independent_encryption_and_padding(void **state)
{
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct ike_sk sk;
		uint8_t buf[256];
		size_t len;

		key_init(&sk, &suites[i], 5);
		len = oracle_seal(&suites[i], 6, buf, false);
		assert_int_equal(receive(&sk, buf, len), IKE_SK_OK);
		assert_int_equal(inner_rc, 0);
		assert_int_equal(inner_len, 9);
		assert_int_equal(msg.n_vendors, 1);
		assert_memory_equal(msg.vendor[0].ptr, "vendo", 5);
		/* Pad Length 15 leaves no octet for the vendor ID that the
		 * SK payload announces. */
		len = oracle_seal(&suites[i], 15, buf, false);
		assert_int_equal(receive(&sk, buf, len), IKE_SK_OK);
		assert_int_equal(inner_len, 0);
		assert_int_equal(inner_rc, -1);
		assert_int_equal(msg.error, IKE_PLD_E_PLD_LENGTH);
		/* 16 and 255 reach before the plaintext. */
		len = oracle_seal(&suites[i], 16, buf, false);
		assert_int_equal(receive(&sk, buf, len), IKE_SK_E_PAD);
		len = oracle_seal(&suites[i], 255, buf, false);
		assert_int_equal(receive(&sk, buf, len), IKE_SK_E_PAD);
	}
}

/* RFC 7383 section 2.5.3: an SKF payload is protected like SK, its
 * Fragment Number and Total Fragments inside the authenticated part. */
static void test_fragment_open(void **state)
{
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct ike_sk sk;
		uint8_t buf[256];
		size_t len;

		key_init(&sk, &suites[i], 5);
		len = oracle_seal(&suites[i], 6, buf, true);
		assert_int_equal(receive(&sk, buf, len), IKE_SK_OK);
		assert_int_equal(msg.sk.type, IKE_PLD_SKF);
		assert_int_equal(inner_rc, 0);
		assert_memory_equal(msg.vendor[0].ptr, "vendo", 5);
		/* Total Fragments changed from 1 to 2: ICV fails. */
		len = oracle_seal(&suites[i], 6, buf, true);
		buf[35] = 2;
		assert_int_equal(receive(&sk, buf, len), IKE_SK_E_ICV);
	}
}

/* An SK payload of the given data length, its content zero. */
static size_t sk_of_len(uint8_t *buf, size_t n)
{
	struct ike_gen g;

	ike_gen_init(&g, buf, 512);
	ike_gen_hdr(&g, 1, 2, IKE_EX_INFORMATIONAL, 0, 1);
	ike_gen_begin(&g, IKE_PLD_SK, false);
	ike_gen_reserve(&g, n);
	ike_gen_end(&g);
	return ike_gen_finish(&g);
}

static void test_bad_lengths(void **state)
{
	struct ike_sk cbc, gcm;
	uint8_t buf[512];
	size_t len;

	(void)state;
	key_init(&cbc, &suites[0], 1);
	key_init(&gcm, &suites[1], 1);
	/* IV and ICV but no ciphertext. */
	len = sk_of_len(buf, 16 + 16);
	assert_int_equal(receive(&cbc, buf, len), IKE_SK_E_LENGTH);
	len = sk_of_len(buf, 8 + 16);
	assert_int_equal(receive(&gcm, buf, len), IKE_SK_E_LENGTH);
	/* CBC ciphertext that is not whole blocks. */
	len = sk_of_len(buf, 16 + 20 + 16);
	assert_int_equal(receive(&cbc, buf, len), IKE_SK_E_LENGTH);
	/* Whole blocks but a zero ICV. */
	len = sk_of_len(buf, 16 + 32 + 16);
	assert_int_equal(receive(&cbc, buf, len), IKE_SK_E_ICV);
	len = sk_of_len(buf, 8 + 20 + 16);
	assert_int_equal(receive(&gcm, buf, len), IKE_SK_E_ICV);
	/* A payload slice that is not inside the message. */
	assert_int_equal(ike_pld_parse(buf, len, &msg), 0);
	{
		struct ike_slice plain;

		assert_int_equal(
			ike_sk_open(&gcm, buf, len - 1, &msg.sk, &plain),
			IKE_SK_E_LENGTH);
	}
}

static void test_seal_space_and_iv(void **state)
{
	uint8_t a[512], b[512];
	struct ike_sk gcm;
	size_t la = 0, lb = 0;

	(void)state;
	key_init(&gcm, &suites[1], 3);
	assert_int_equal(build(&gcm, a, sizeof(a), &la), IKE_SK_OK);
	/* Every shorter buffer: no room, and nothing past it touched. */
	for (size_t cap = 0; cap < la; cap++) {
		memset(b, 0xee, sizeof(b));
		assert_int_equal(build(&gcm, b, cap, &lb), IKE_SK_E_SPACE);
		for (size_t i = cap; i < sizeof(b); i++)
			assert_int_equal(b[i], 0xee);
	}
	/* Two messages under one key never share an IV. */
	assert_int_equal(build(&gcm, b, sizeof(b), &lb), IKE_SK_OK);
	assert_int_equal(la, lb);
	assert_memory_not_equal(a + 32, b + 32, 8);
	/* Unusable combinations. */
	assert_int_equal(
		ike_sk_init(&gcm, algo_by_id(ALGO_AES_256_CBC), NULL, a, a),
		-1);
	assert_int_equal(ike_sk_init(&gcm, algo_by_id(ALGO_AES_256_GCM),
				     algo_by_id(ALGO_HMAC_SHA256_128), a, a),
			 -1);
	assert_int_equal(
		ike_sk_init(&gcm, algo_by_id(ALGO_HMAC_SHA1_96), NULL, a, a),
		-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_any_flipped_bit_fails),
		cmocka_unit_test(test_wrong_key_fails),
		cmocka_unit_test(test_independent_encryption_and_padding),
		cmocka_unit_test(test_fragment_open),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_seal_space_and_iv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
