/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "algo.h"

static void test_lookup_by_name_and_alias(void **state)
{
	const struct algo *a = algo_by_name(ALGO_ENCR, "aes-256-cbc");
	const struct algo *b = algo_by_name(ALGO_ENCR, "aes-256");

	(void)state;
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_int_equal(a->key_len, 32);
	assert_int_equal(a->iana, 12);
	assert_null(algo_by_name(ALGO_ENCR, "des"));
	/* The same spelling means different transforms per type. */
	assert_int_equal(algo_by_name(ALGO_INTEG, "sha256")->id,
			 ALGO_HMAC_SHA256_128);
	assert_int_equal(algo_by_name(ALGO_PRF, "sha256")->id,
			 ALGO_PRF_HMAC_SHA256);
}

static void test_lookup_by_iana_uses_key_length(void **state)
{
	(void)state;
	assert_int_equal(algo_by_iana(ALGO_ENCR, 12, 128)->id,
			 ALGO_AES_128_CBC);
	assert_int_equal(algo_by_iana(ALGO_ENCR, 12, 256)->id,
			 ALGO_AES_256_CBC);
	assert_null(algo_by_iana(ALGO_ENCR, 12, 0));
	assert_int_equal(algo_by_iana(ALGO_INTEG, 12, 0)->id,
			 ALGO_HMAC_SHA256_128);
	assert_int_equal(algo_by_iana(ALGO_DH, 31, 0)->id, ALGO_CURVE25519);
	assert_null(algo_by_iana(ALGO_DH, 99, 0));
}

static void test_sizes_follow_the_rfcs(void **state)
{
	(void)state;
	/* RFC 4868: HMAC-SHA-256-128 has a 32-byte key and a 16-byte ICV. */
	assert_int_equal(algo_by_id(ALGO_HMAC_SHA256_128)->key_len, 32);
	assert_int_equal(algo_by_id(ALGO_HMAC_SHA256_128)->out_len, 16);
	/* RFC 2404: HMAC-SHA1-96. */
	assert_int_equal(algo_by_id(ALGO_HMAC_SHA1_96)->out_len, 12);
	/* RFC 4106: 4 bytes of salt, 8-byte IV, 16-byte ICV. */
	assert_int_equal(algo_by_id(ALGO_AES_256_GCM)->salt_len, 4);
	assert_int_equal(algo_by_id(ALGO_AES_256_GCM)->iv_len, 8);
	assert_true(algo_by_id(ALGO_AES_128_GCM)->flags & ALGO_AEAD);
	assert_null(algo_by_id(ALGO_INVALID));
	assert_null(algo_by_id(ALGO_COUNT));
}

static void test_every_entry_is_consistent(void **state)
{
	(void)state;
	for (int i = ALGO_INVALID + 1; i < ALGO_COUNT; i++) {
		const struct algo *a = algo_by_id(i);

		assert_non_null(a);
		assert_int_equal(a->id, i);
		assert_ptr_equal(algo_by_name(a->type, a->name), a);
		assert_true(a->flags & (ALGO_ESP | ALGO_IKE));
	}
}

static void test_names_list_for_errors(void **state)
{
	char buf[256];
	char tiny[8];

	(void)state;
	algo_names(ALGO_INTEG, ALGO_ESP, buf, sizeof(buf));
	assert_string_equal(buf, "sha1, sha256, sha384, sha512");
	algo_names(ALGO_ENCR, ALGO_ESP, buf, sizeof(buf));
	assert_null(strstr(buf, "aes-192-cbc"));
	/* A short buffer is cut at a whole name, never overrun. */
	algo_names(ALGO_INTEG, ALGO_ESP, tiny, sizeof(tiny));
	assert_string_equal(tiny, "sha1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_by_name_and_alias),
		cmocka_unit_test(test_lookup_by_iana_uses_key_length),
		cmocka_unit_test(test_sizes_follow_the_rfcs),
		cmocka_unit_test(test_every_entry_is_consistent),
		cmocka_unit_test(test_names_list_for_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
