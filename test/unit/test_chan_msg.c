/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "chan_msg.h"

/* AES-256-CBC with HMAC-SHA-256-128, tunnel, the tutorial's choice. */
static struct chan_sa good_sa(void)
{
	struct chan_sa sa;

	memset(&sa, 0, sizeof(sa));
	sa.id = 17;
	sa.twin_id = 18;
	sa.spi = htonl(0xc0ffee01);
	sa.dir = CHAN_DIR_OUT;
	sa.mode = CHAN_MODE_TUNNEL;
	assert_true(addr_parse("192.0.2.1", &sa.local));
	assert_true(addr_parse("198.51.100.7", &sa.remote));
	sa.enc_algo = ALGO_AES_256_CBC;
	sa.enc_key_len = 32;
	sa.integ_algo = ALGO_HMAC_SHA256_128;
	sa.integ_key_len = 32;
	sa.replay_window = 64;
	sa.soft_bytes = 1000;
	sa.hard_bytes = 2000;
	assert_true(prefix_parse("10.0.0.0/24", &sa.ts_local.prefix));
	assert_true(prefix_parse("172.16.1.100", &sa.ts_remote.prefix));
	sa.ts_local.port_hi = 65535;
	sa.ts_remote.port_hi = 65535;
	memset(sa.enc_key, 0xa5, 32);
	memset(sa.integ_key, 0x5a, 32);
	return sa;
}

static struct chan_sa good_gcm_sa(void)
{
	struct chan_sa sa = good_sa();

	sa.enc_algo = ALGO_AES_128_GCM;
	sa.enc_key_len = 20; /* 16 key + 4 salt */
	sa.integ_algo = ALGO_INVALID;
	sa.integ_key_len = 0;
	sa.esn = 1;
	sa.natt = 1;
	sa.natt_local_port = 4500;
	sa.natt_remote_port = 31337;
	return sa;
}

static struct chan_policy good_policy(void)
{
	struct chan_policy p;

	memset(&p, 0, sizeof(p));
	p.id = 5;
	p.sa_id = 17;
	p.dir = CHAN_DIR_OUT;
	p.action = CHAN_ACT_ENCRYPT;
	assert_true(prefix_parse("10.0.0.0/24", &p.local));
	assert_true(prefix_parse("172.16.1.0/24", &p.remote));
	p.local_port_hi = 65535;
	p.remote_port_hi = 65535;
	return p;
}

static void test_crc32c(void **state)
{
	/* RFC 3720 B.4 family check value. */
	const char *s = "123456789";
	uint8_t buf[300];

	(void)state;
	assert_int_equal(chan_crc32c(0, s, 9), 0xe3069283u);
	assert_int_equal(chan_crc32c_sw(0, s, 9), 0xe3069283u);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	for (size_t len = 0; len < sizeof(buf); len += 7) {
		uint32_t whole = chan_crc32c(0, buf, len);

		assert_int_equal(whole, chan_crc32c_sw(0, buf, len));
		/* Chaining over two pieces equals one pass. */
		assert_int_equal(chan_crc32c(chan_crc32c(0, buf, len / 3),
					     buf + len / 3, len - len / 3),
				 whole);
	}
}

static void test_round_trip_every_type(void **state)
{
	struct chan_sa sa = good_sa();
	struct chan_policy pol = good_policy();
	struct chan_tuning tun = { .key = CHAN_TUNE_IDLE_TIMEOUT, .value = 30 };
	struct chan_ev_lifetime lt = { .sa_id = 1, .kind = CHAN_LT_SOFT,
				       .by = CHAN_LT_BYTES };
	struct chan_counter_reply cr = { .n_reasons = 3 };
	union chan_body any;
	struct chan_msg m;

	(void)state;
	memset(&any, 0, sizeof(any));
	for (uint16_t type = 0; type < CHAN_MSG_TYPE_MAX; type++) {
		uint32_t len = chan_msg_body_len(type);
		const void *body = &any;
		unsigned int dirs = chan_msg_dirs(type);

		if (len == 0) {
			assert_int_equal(chan_msg_build(&m, type, 1, &any, 8), 0);
			assert_string_equal(chan_msg_type_name(type), "unknown");
			continue;
		}
		if (type == CHAN_MSG_SA_ADD || type == CHAN_MSG_SA_UPDATE)
			body = &sa;
		else if (type == CHAN_MSG_POLICY_ADD)
			body = &pol;
		else if (type == CHAN_MSG_TUNING)
			body = &tun;
		else if (type == CHAN_MSG_LIFETIME)
			body = &lt;
		else if (type == CHAN_MSG_COUNTER_REPLY)
			body = &cr;
		assert_int_equal(chan_msg_build(&m, type, 9, body, len),
				 sizeof(m.hdr) + len);
		assert_int_equal(chan_msg_check(&m, sizeof(m), dirs),
				 CHAN_ERR_OK);
		assert_memory_equal(&m.body, body, len);
		assert_int_equal(m.hdr.seq, 9);
		/* Wrong length for the type is refused at build time. */
		assert_int_equal(chan_msg_build(&m, type, 9, body, len - 1), 0);
	}
	assert_string_equal(chan_msg_type_name(CHAN_MSG_SA_ADD), "SA_ADD");
	assert_int_equal(chan_msg_body_len(CHAN_MSG_SA_ADD), 304);
}

static void build_ping(struct chan_msg *m)
{
	struct chan_ping p = { .seq = 77, .stamp = 1 };

	assert_int_not_equal(chan_msg_build(m, CHAN_MSG_PING, 3, &p,
					    sizeof(p)), 0);
}

static void test_corrupt_header(void **state)
{
	struct chan_msg m;

	(void)state;
	build_ping(&m);
	m.hdr.magic ^= 1;
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
			 CHAN_ERR_BAD_MAGIC);

	build_ping(&m);
	m.hdr.version = CHAN_MSG_VERSION + 1;
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
			 CHAN_ERR_BAD_VERSION);

	build_ping(&m);
	m.hdr.type = 0x30; /* no such type */
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
			 CHAN_ERR_BAD_TYPE);
	m.hdr.type = 0xffff;
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
			 CHAN_ERR_BAD_TYPE);

	build_ping(&m);
	m.hdr.len += 8;
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
			 CHAN_ERR_BAD_LEN);
	build_ping(&m);
	m.hdr.len = 0xffffffffu;
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
			 CHAN_ERR_BAD_LEN);

	/* Fewer bytes available than the header claims. */
	build_ping(&m);
	assert_int_equal(chan_msg_check(&m, sizeof(m.hdr) + 8, CHAN_TO_DP),
			 CHAN_ERR_BAD_LEN);
	assert_int_equal(chan_msg_check(&m, 10, CHAN_TO_DP),
			 CHAN_ERR_BAD_MAGIC);
}

static void test_corrupt_checksum(void **state)
{
	struct chan_msg m;

	(void)state;
	build_ping(&m);
	m.body.PING.seq ^= 0x100; /* one bit of the body */
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
			 CHAN_ERR_BAD_CSUM);

	build_ping(&m);
	m.hdr.seq++; /* header fields are covered too */
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
			 CHAN_ERR_BAD_CSUM);

	build_ping(&m);
	m.hdr.csum ^= 0x80000000u;
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
			 CHAN_ERR_BAD_CSUM);
}

static void test_wrong_direction(void **state)
{
	struct chan_sa sa = good_sa();
	struct chan_ev_seq ev = { .sa_id = 1, .seq = 0xffffffffu };
	struct chan_msg m;

	(void)state;
	/* An SA add is a command: the control side must not accept one. */
	chan_msg_build(&m, CHAN_MSG_SA_ADD, 1, &sa, sizeof(sa));
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_CP),
			 CHAN_ERR_BAD_TYPE);
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
			 CHAN_ERR_OK);
	chan_msg_build(&m, CHAN_MSG_SEQ_EXHAUSTED, 1, &ev, sizeof(ev));
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
			 CHAN_ERR_BAD_TYPE);
}

struct sa_case {
	const char *what;
	void (*mutate)(struct chan_sa *sa);
	enum chan_err want;
};

#define MUT(name, body)                                   \
	static void name(struct chan_sa *sa) { body; }

MUT(id_zero, sa->id = 0)
MUT(spi_zero, sa->spi = 0)
MUT(spi_reserved, sa->spi = htonl(255))
MUT(dir_zero, sa->dir = 0)
MUT(dir_three, sa->dir = 3)
MUT(mode_zero, sa->mode = 0)
MUT(mode_three, sa->mode = 3)
MUT(flags_unknown, sa->flags = 0x8000)
MUT(outer_none, sa->local.family = 0)
MUT(outer_mixed, assert_true(addr_parse("2001:db8::1", &sa->remote)))
MUT(natt_two, sa->natt = 2)
MUT(natt_no_port, sa->natt = 1; sa->natt_local_port = 4500)
MUT(esn_two, sa->esn = 2)
MUT(enc_invalid, sa->enc_algo = ALGO_INVALID)
MUT(enc_out_of_range, sa->enc_algo = 999)
MUT(enc_is_integ, sa->enc_algo = ALGO_HMAC_SHA256_128)
MUT(enc_is_dh, sa->enc_algo = ALGO_MODP2048)
MUT(enc_ike_only, sa->enc_algo = ALGO_AES_192_CBC; sa->enc_key_len = 24)
MUT(integ_missing, sa->integ_algo = ALGO_INVALID)
MUT(integ_is_prf, sa->integ_algo = ALGO_PRF_HMAC_SHA256)
MUT(integ_is_enc, sa->integ_algo = ALGO_AES_128_CBC)
MUT(enc_key_short, sa->enc_key_len = 16)
MUT(enc_key_long, sa->enc_key_len = 33)
MUT(integ_key_short, sa->integ_key_len = 20)
MUT(integ_key_zero, sa->integ_key_len = 0)
MUT(replay_one, sa->replay_window = 1)
MUT(replay_63, sa->replay_window = 63)
MUT(replay_4097, sa->replay_window = 4097)
MUT(ts_prefix_33, sa->ts_local.prefix.len = 33)
MUT(ts_family_bad, sa->ts_remote.prefix.addr.family = 5)
MUT(ts_ports_reversed, sa->ts_remote.port_lo = 500; sa->ts_remote.port_hi = 4)
MUT(soft_over_hard, sa->soft_bytes = 3000)
MUT(soft_pkts_over_hard, sa->soft_packets = 10; sa->hard_packets = 9)

static const struct sa_case sa_cases[] = {
	{ "id 0", id_zero, CHAN_ERR_SA_ID },
	{ "spi 0", spi_zero, CHAN_ERR_SA_SPI },
	{ "spi 255", spi_reserved, CHAN_ERR_SA_SPI },
	{ "dir 0", dir_zero, CHAN_ERR_SA_DIR },
	{ "dir 3", dir_three, CHAN_ERR_SA_DIR },
	{ "mode 0", mode_zero, CHAN_ERR_SA_MODE },
	{ "mode 3", mode_three, CHAN_ERR_SA_MODE },
	{ "flags", flags_unknown, CHAN_ERR_SA_FLAGS },
	{ "no outer", outer_none, CHAN_ERR_SA_ADDR },
	{ "mixed outer", outer_mixed, CHAN_ERR_SA_ADDR },
	{ "natt 2", natt_two, CHAN_ERR_SA_NATT },
	{ "natt port", natt_no_port, CHAN_ERR_SA_NATT },
	{ "esn 2", esn_two, CHAN_ERR_SA_ESN },
	{ "enc 0", enc_invalid, CHAN_ERR_SA_ALGO },
	{ "enc 999", enc_out_of_range, CHAN_ERR_SA_ALGO },
	{ "enc integ", enc_is_integ, CHAN_ERR_SA_ALGO },
	{ "enc dh", enc_is_dh, CHAN_ERR_SA_ALGO },
	{ "enc ike only", enc_ike_only, CHAN_ERR_SA_ALGO },
	{ "no integ", integ_missing, CHAN_ERR_SA_ALGO },
	{ "integ prf", integ_is_prf, CHAN_ERR_SA_ALGO },
	{ "integ enc", integ_is_enc, CHAN_ERR_SA_ALGO },
	{ "enc key 16", enc_key_short, CHAN_ERR_SA_KEYLEN },
	{ "enc key 33", enc_key_long, CHAN_ERR_SA_KEYLEN },
	{ "integ key 20", integ_key_short, CHAN_ERR_SA_KEYLEN },
	{ "integ key 0", integ_key_zero, CHAN_ERR_SA_KEYLEN },
	{ "replay 1", replay_one, CHAN_ERR_SA_REPLAY },
	{ "replay 63", replay_63, CHAN_ERR_SA_REPLAY },
	{ "replay 4097", replay_4097, CHAN_ERR_SA_REPLAY },
	{ "ts /33", ts_prefix_33, CHAN_ERR_SA_TS },
	{ "ts family", ts_family_bad, CHAN_ERR_SA_TS },
	{ "ts ports", ts_ports_reversed, CHAN_ERR_SA_TS },
	{ "soft bytes", soft_over_hard, CHAN_ERR_SA_LIFETIME },
	{ "soft packets", soft_pkts_over_hard, CHAN_ERR_SA_LIFETIME },
};

static void test_sa_each_bad_field(void **state)
{
	(void)state;
	assert_int_equal(chan_sa_check(&(struct chan_sa){ 0 }), CHAN_ERR_SA_ID);
	for (size_t i = 0; i < sizeof(sa_cases) / sizeof(sa_cases[0]); i++) {
		struct chan_sa sa = good_sa();
		struct chan_msg m;

		assert_int_equal(chan_sa_check(&sa), CHAN_ERR_OK);
		sa_cases[i].mutate(&sa);
		if (chan_sa_check(&sa) != sa_cases[i].want)
			fail_msg("%s: got '%s'", sa_cases[i].what,
				 chan_err_str(chan_sa_check(&sa)));
		/* A well-formed message carrying it is refused too. */
		chan_msg_build(&m, CHAN_MSG_SA_UPDATE, 1, &sa, sizeof(sa));
		assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
				 sa_cases[i].want);
	}
}

static void test_sa_valid_variants(void **state)
{
	struct chan_sa sa = good_gcm_sa();

	(void)state;
	assert_int_equal(chan_sa_check(&sa), CHAN_ERR_OK);
	sa.enc_key_len = 16; /* the salt is missing */
	assert_int_equal(chan_sa_check(&sa), CHAN_ERR_SA_KEYLEN);
	sa = good_gcm_sa();
	sa.integ_algo = ALGO_HMAC_SHA1_96; /* AEAD takes no integrity */
	assert_int_equal(chan_sa_check(&sa), CHAN_ERR_SA_ALGO);
	sa = good_gcm_sa();
	sa.integ_key_len = 20;
	assert_int_equal(chan_sa_check(&sa), CHAN_ERR_SA_KEYLEN);

	sa = good_sa();
	sa.replay_window = 0;
	assert_int_equal(chan_sa_check(&sa), CHAN_ERR_OK);
	sa.replay_window = 4096;
	assert_int_equal(chan_sa_check(&sa), CHAN_ERR_OK);
	sa.integ_algo = ALGO_HMAC_SHA512_256;
	sa.integ_key_len = 64;
	sa.mode = CHAN_MODE_TRANSPORT;
	sa.dir = CHAN_DIR_IN;
	sa.hard_bytes = 0; /* no hard limit: any soft one is fine */
	assert_int_equal(chan_sa_check(&sa), CHAN_ERR_OK);
}

static void test_policy_checks(void **state)
{
	struct chan_policy p = good_policy();
	struct chan_msg m;

	(void)state;
	assert_int_equal(chan_policy_check(&p), CHAN_ERR_OK);
	p.id = 0;
	assert_int_equal(chan_policy_check(&p), CHAN_ERR_POLICY_ID);
	p = good_policy();
	p.dir = 9;
	assert_int_equal(chan_policy_check(&p), CHAN_ERR_POLICY_DIR);
	p = good_policy();
	p.action = 4;
	assert_int_equal(chan_policy_check(&p), CHAN_ERR_POLICY_ACTION);
	p = good_policy();
	p.action = CHAN_ACT_BYPASS; /* bypass names no SA */
	assert_int_equal(chan_policy_check(&p), CHAN_ERR_POLICY_ACTION);
	p.sa_id = 0;
	assert_int_equal(chan_policy_check(&p), CHAN_ERR_OK);
	p = good_policy();
	assert_true(prefix_parse("2001:db8::/32", &p.remote));
	assert_int_equal(chan_policy_check(&p), CHAN_ERR_POLICY_SEL);
	p = good_policy();
	p.local_port_lo = 2;
	p.local_port_hi = 1;
	assert_int_equal(chan_policy_check(&p), CHAN_ERR_POLICY_SEL);
	chan_msg_build(&m, CHAN_MSG_POLICY_ADD, 1, &p, sizeof(p));
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
			 CHAN_ERR_POLICY_SEL);
}

static void test_other_records(void **state)
{
	struct chan_tuning t = { .key = CHAN_TUNE_KEY_END };
	struct chan_ev_lifetime lt = { .sa_id = 1, .kind = CHAN_LT_HARD,
				       .by = 3 };
	struct chan_counter_reply cr = { .n_reasons = CHAN_COUNTER_REASONS + 1 };
	struct chan_msg m;

	(void)state;
	chan_msg_build(&m, CHAN_MSG_TUNING, 1, &t, sizeof(t));
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
			 CHAN_ERR_TUNING);
	t.key = 0;
	chan_msg_build(&m, CHAN_MSG_TUNING, 1, &t, sizeof(t));
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_DP),
			 CHAN_ERR_TUNING);
	chan_msg_build(&m, CHAN_MSG_LIFETIME, 1, &lt, sizeof(lt));
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_CP),
			 CHAN_ERR_EVENT);
	chan_msg_build(&m, CHAN_MSG_COUNTER_REPLY, 1, &cr, sizeof(cr));
	assert_int_equal(chan_msg_check(&m, sizeof(m), CHAN_TO_CP),
			 CHAN_ERR_EVENT);
	assert_string_equal(chan_err_str(CHAN_ERR_BAD_CSUM), "bad checksum");
	assert_string_equal(chan_err_str(CHAN_ERR_COUNT), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_round_trip_every_type),
		cmocka_unit_test(test_corrupt_header),
		cmocka_unit_test(test_corrupt_checksum),
		cmocka_unit_test(test_wrong_direction),
		cmocka_unit_test(test_sa_each_bad_field),
		cmocka_unit_test(test_sa_valid_variants),
		cmocka_unit_test(test_policy_checks),
		cmocka_unit_test(test_other_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
