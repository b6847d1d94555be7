/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The load initiator's handshakes (test/bench/ike_load_msg.c) against
 * espgw-control's own IKE engine, in-process and without sockets: the
 * tutorial's gateway (unit/ike/gw.conf, PSK, a pool of two addresses,
 * modp2048 only) must accept what the benchmark sends, and the benchmark
 * must accept what the gateway answers.  The refusals the benchmark counts
 * (wrong PSK, pool exhausted, another DH group) come from the real engine
 * here, so the failure reasons in the benchmark's report are the ones
 * espgw-control gives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>

#include "ike_engine.h"
#include "ike_still_clock.h"
#include "ike_load_msg.h"

#define GW_PSK	   "8vQe+1mZ/kR3t9Lw0xN5yJpA" /* unit/ike/gw.conf */

static struct espgw_config *cfg;
static struct ike_engine *eng;
static struct ike_load_params params;
static struct ike_load_hs hs;
static struct ike_ep gw_ep, client_ep;

/* The gateway's last datagram. */
static uint8_t sent[IKE_LOAD_MSG_MAX];
static size_t sent_len;
static unsigned int n_sent;

/* What the gateway told its data plane. */
static unsigned int sa_add, sa_del, pol_add, pol_del;

/* Timers are kept, never fired: nothing here waits. */

static int net_send(void *arg, const struct ike_ep *local,
		    const struct ike_ep *remote, const uint8_t *buf, size_t len)
{
	(void)arg;
	(void)local;
	assert_int_equal(remote->port, client_ep.port);
	assert_memory_equal(remote->addr.bytes, client_ep.addr.bytes, 4);
	assert_true(len <= sizeof(sent));
	memcpy(sent, buf, len);
	sent_len = len;
	n_sent++;
	return 0;
}

static void dp_send(void *arg, uint16_t type, const void *body, uint32_t len)
{
	(void)arg;
	assert_int_equal(len, chan_msg_body_len(type));
	switch (type) {
	case CHAN_MSG_SA_ADD:
		assert_int_equal(chan_sa_check(body), CHAN_ERR_OK);
		sa_add++;
		break;
	case CHAN_MSG_SA_DEL:
		sa_del++;
		break;
	case CHAN_MSG_POLICY_ADD:
		pol_add++;
		break;
	case CHAN_MSG_POLICY_DEL:
		pol_del++;
		break;
	default:
		break;
	}
}

static const struct ike_engine_ops ops = {
	.send = net_send,
	.dp_send = dp_send,
	.timer_add = still_timer_add,
	.timer_cancel = still_timer_cancel,
	.now_ms = still_now,
};

static void use(enum algo_id group, const char *psk)
{
	ike_load_params_free(&params);
	assert_int_equal(
		ike_load_params_init(
			&params, algo_by_id(group),
			(struct ike_slice){(const uint8_t *)psk, strlen(psk)}),
		0);
	params.local = client_ep;
	params.remote = gw_ep;
}

static int setup(void **state)
{
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/gw.conf", getenv("IKE_CONFIGS"));
	cfg = cfg_load(path, stderr);
	assert_non_null(cfg);
	eng = ike_engine_create(cfg, &ops);
	assert_non_null(eng);
	assert_true(addr_parse("192.0.2.1", &gw_ep.addr));
	gw_ep.port = IKE_PORT;
	assert_true(addr_parse("198.51.100.7", &client_ep.addr));
	client_ep.port = 40000;
	still_clock_reset();
	sa_add = sa_del = pol_add = pol_del = n_sent = 0;
	use(ALGO_MODP2048, GW_PSK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ike_engine_destroy(eng);
	/* Destroying uninstalls every CHILD SA it installed. */
	assert_int_equal(sa_del, sa_add);
	assert_int_equal(pol_del, pol_add);
	cfg_free(cfg);
	ike_load_params_free(&params);
	return 0;
}

/* Hand a request to the gateway; its answer is in sent. */
static void deliver(const uint8_t *req, size_t len)
{
	uint8_t copy[IKE_LOAD_MSG_MAX];
	unsigned int before = n_sent;

	assert_true(len > 0 && len <= sizeof(copy));
	memcpy(copy, req, len); /* the engine decrypts in place */
	ike_engine_input(eng, &gw_ep, &client_ep, copy, len);
	assert_int_equal(n_sent, before + 1);
}

static void start(unsigned int n)
{
	uint8_t nonce[IKE_LOAD_NONCE_LEN];
	char id[32];

	memset(nonce, (int)n + 1, sizeof(nonce));
	snprintf(id, sizeof(id), "c%u.load.test", n);
	ike_load_hs_start(&hs, 0x1000000ull * (n + 1) + n, nonce,
			  htonl(0x10000000u + n), id);
	assert_true(ike_load_init_req(&hs, &params) > 0);
}

/* IKE_SA_INIT with the gateway; what the benchmark makes of its answer. */
static enum ike_load_rc init(unsigned int n, uint16_t *notify)
{
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	enum ike_load_rc rc;

	start(n);
	deliver(hs.init_req, hs.init_req_len);
	rc = ike_load_init_resp(&hs, &params, sent, sent_len, notify, &why);
	assert_int_equal(why, IKE_LOAD_BAD_NONE);
	return rc;
}

/* IKE_AUTH after a good IKE_SA_INIT. */
static enum ike_load_rc auth(uint16_t *notify)
{
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	uint8_t req[IKE_LOAD_MSG_MAX];
	enum ike_load_rc rc;

	deliver(req, ike_load_auth_req(&hs, &params, req, sizeof(req)));
	rc = ike_load_auth_resp(&hs, &params, sent, sent_len, notify, &why);
	assert_int_equal(why, IKE_LOAD_BAD_NONE);
	return rc;
}

static void handshake_ok(unsigned int n)
{
	uint16_t notify = 0;

	assert_int_equal(init(n, &notify), IKE_LOAD_OK);
	assert_int_equal(auth(&notify), IKE_LOAD_OK);
	assert_int_equal(notify, 0);
}

static void test_setup_accepted(void **state)
{
	(void)state;
	handshake_ok(0);

	/* The pool's first address, a CHILD SA pair installed. */
	assert_int_equal(hs.vip.family, ADDR_V4);
	assert_memory_equal(hs.vip.bytes, ((uint8_t[]){172, 16, 1, 100}), 4);
	assert_int_not_equal(hs.child_spi_r, 0);
	assert_int_equal(sa_add, 2);
	assert_int_equal(pol_add, 2);
	assert_int_equal(ike_engine_n_ike_sas(eng), 1);
	assert_int_equal(ike_engine_n_half_open(eng), 0);
	assert_int_equal(ike_engine_stats(eng)->established, 1);
}

static void test_delete_accepted(void **state)
{
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	uint8_t req[IKE_LOAD_MSG_MAX];

	(void)state;
	handshake_ok(0);
	deliver(req, ike_load_delete_req(&hs, req, sizeof(req)));
	assert_int_equal(ike_load_delete_resp(&hs, sent, sent_len, &why),
			 IKE_LOAD_OK);
	assert_int_equal(ike_engine_n_ike_sas(eng), 0);
	assert_int_equal(sa_del, 2);
}

static void test_wrong_psk(void **state)
{
	uint16_t notify = 0;

	(void)state;
	use(ALGO_MODP2048, "another-secret-of-24-chars");
	assert_int_equal(init(0, &notify), IKE_LOAD_OK);
	assert_int_equal(auth(&notify), IKE_LOAD_NOTIFY);
	assert_int_equal(notify, IKE_N_AUTHENTICATION_FAILED);
	assert_int_equal(ike_engine_stats(eng)->auth_failed, 1);
	assert_int_equal(sa_add, 0);
}

static void test_pool_exhausted(void **state)
{
	uint16_t notify = 0;

	(void)state;
	handshake_ok(0);
	handshake_ok(1);
	/* Two addresses, both online: the third client gets none. */
	assert_int_equal(init(2, &notify), IKE_LOAD_OK);
	assert_int_equal(auth(&notify), IKE_LOAD_NOTIFY);
	assert_int_equal(notify, IKE_N_INTERNAL_ADDRESS_FAILURE);
	assert_int_equal(sa_add, 4);
}

static void test_other_group(void **state)
{
	uint16_t notify = 0;

	(void)state;
	/* gw.conf allows modp2048 only, and the benchmark offers just the
	 * group under test: no proposal matches (section 2.7), and the
	 * benchmark counts the refusal rather than trying another group. */
	use(ALGO_CURVE25519, GW_PSK);
	assert_int_equal(init(0, &notify), IKE_LOAD_NOTIFY);
	assert_int_equal(notify, IKE_N_NO_PROPOSAL_CHOSEN);
	assert_int_equal(ike_engine_n_ike_sas(eng), 0);
}

static void test_retransmit_answered_again(void **state)
{
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	uint8_t first[IKE_LOAD_MSG_MAX];
	size_t first_len;
	uint16_t notify = 0;

	(void)state;
	/* The benchmark resends the same bytes; the gateway must answer
	 * with the same response, not a second half-open SA. */
	start(0);
	deliver(hs.init_req, hs.init_req_len);
	memcpy(first, sent, sent_len);
	first_len = sent_len;
	deliver(hs.init_req, hs.init_req_len);
	assert_int_equal(sent_len, first_len);
	assert_memory_equal(sent, first, first_len);
	assert_int_equal(ike_engine_n_half_open(eng), 1);
	assert_int_equal(
		ike_load_init_resp(&hs, &params, sent, sent_len, &notify, &why),
		IKE_LOAD_OK);
	assert_int_equal(auth(&notify), IKE_LOAD_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_setup_accepted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_delete_accepted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wrong_psk, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pool_exhausted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_other_group, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_retransmit_answered_again,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
