/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Liveness (control/ike_dpd.c) on two site-to-site gateways in-process
 * (ike_pair.h): node 1 is gateway A, which initiates (passive = false) and
 * keeps its IKE SA up; node 0 is gateway B, passive.  Both run DPD every
 * 30 s with 4 tries (ike/s2s-*.conf).  The fake data planes answer
 * COUNTER_REQ with the inbound counts the test sets.
 */
#include <stdlib.h>
#include <string.h>

#include "ike_dpd.h"
#include "ike_pair.h"

#define DPD_MS	 30000
#define INIT_MS	 (500 + 1000 + 2000 + 4000 + 8000) /* 5 tries, gone */
#define MAX_TRY	 32

static bool cut; /* the network drops everything */
static unsigned int n_probe[2]; /* INFORMATIONAL requests, per node */
static unsigned int n_init[2];	/* IKE_SA_INIT requests, per node */
/* Times at which A sent the first IKE_SA_INIT of each IKE SA. */
static uint64_t try_at[MAX_TRY];
static uint64_t try_spi[MAX_TRY];
static unsigned int n_try;

static void note_try(const struct pkt *p)
{
	uint64_t spi;

	memcpy(&spi, p->buf, 8);
	if ((n_try == 0 || try_spi[n_try - 1] != spi) && n_try < MAX_TRY) {
		try_spi[n_try] = spi;
		try_at[n_try++] = now_ms;
	}
}

/* Every datagram passes here: count, then deliver unless cut. */
static bool watch(const struct pkt *p)
{
	bool request = !(p->buf[19] & IKE_FLAG_RESPONSE);

	if (request && p->buf[18] == IKE_EX_INFORMATIONAL)
		n_probe[p->from]++;
	if (request && p->buf[18] == IKE_EX_IKE_SA_INIT)
		n_init[p->from]++;
	if (request && p->buf[18] == IKE_EX_IKE_SA_INIT && p->from == 1)
		note_try(p);
	return cut;
}

static unsigned int probes(int node)
{
	return n_probe[node];
}

/* IKE_SA_INIT requests sent, retransmissions included. */
static unsigned int inits(int node)
{
	return n_init[node];
}

static int setup_dpd(void **state)
{
	int rc = setup_s2s(state);

	dp_count_reset();
	cut = false;
	n_probe[0] = n_probe[1] = 0;
	n_init[0] = n_init[1] = 0;
	n_try = 0;
	drop = watch;
	return rc;
}

/* A starts and the tunnel is up on both sides, one CHILD SA each. */
static void tunnel_up(void)
{
	ike_engine_start(cl());
	run();
	assert_int_equal(only_sa(gw())->state, IKE_SA_ESTABLISHED);
	assert_int_equal(only_sa(cl())->state, IKE_SA_ESTABLISHED);
	assert_int_equal(nodes[0].dp.n_sa, 2);
	assert_int_equal(nodes[1].dp.n_sa, 2);
}

/* ESP keeps coming in: five intervals pass without one probe either
 * way, each asked once per round for its one inbound SA. */
static void test_traffic_skips_probes(void **state)
{
	(void)state;
	tunnel_up();
	dp_count[0].on = dp_count[1].on = true;
	for (int i = 0; i < 5; i++) {
		dp_count[0].in_packets += 10;
		dp_count[1].in_packets += 3;
		advance(DPD_MS);
	}
	assert_int_equal(probes(0), 0);
	assert_int_equal(probes(1), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(nodes[i].dp.counter_reqs, 5);
		assert_int_equal(dp_count[i].replies, 5);
	}
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
}

/* Traffic stops: the next round probes (answered), and with the peer
 * gone as well 4 unanswered tries end B's IKE SA; B, passive, starts no
 * new one, while A keeps trying and is back once the network heals. */
static void test_idle_probes_then_dead(void **state)
{
	unsigned int b_probes;

	(void)state;
	tunnel_up();
	dp_count[0].on = dp_count[1].on = true;
	dp_count[0].in_packets = dp_count[1].in_packets = 50;
	advance(DPD_MS); /* grew from 0: no probe */
	assert_int_equal(probes(0), 0);
	advance(DPD_MS); /* still 50: a probe each way, answered */
	assert_int_equal(probes(0), 1);
	assert_int_equal(probes(1), 1);
	assert_int_equal(ike_engine_stats(gw())->dead, 0);

	cut = true;
	b_probes = probes(0);
	advance(DPD_MS + 500 + 1000 + 2000); /* four tries out */
	assert_int_equal(probes(0) - b_probes, 4);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	advance(4000);
	assert_int_equal(probes(0) - b_probes, 4);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);
	assert_int_equal(ike_engine_stats(gw())->dead, 1);
	assert_int_equal(nodes[0].dp.n_sa, 0);
	assert_int_equal(nodes[1].dp.n_sa, 0); /* A gave up too */

	advance(60000);
	assert_int_equal(inits(0), 0); /* passive: B never initiates */
	assert_true(inits(1) >= 2);    /* A does */
	cut = false;
	advance(IKE_KEEP_MAX_MS);
	assert_int_equal(only_sa(cl())->state, IKE_SA_ESTABLISHED);
	assert_int_equal(nodes[0].dp.n_sa, 2);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
}

/* No data plane answers: the probe goes at the interval, not later. */
static void test_no_reply_probe(void **state)
{
	(void)state;
	tunnel_up();
	advance(DPD_MS - 1);
	assert_int_equal(nodes[0].dp.counter_reqs, 1);
	assert_int_equal(probes(0), 0);
	advance(1);
	assert_int_equal(probes(0), 1);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
}

static void reply(uint64_t cookie, uint64_t sa_id, uint64_t packets)
{
	struct chan_msg m = { .hdr.type = CHAN_MSG_COUNTER_REPLY };

	m.body.COUNTER_REPLY.cookie = cookie;
	m.body.COUNTER_REPLY.sa_id = sa_id;
	m.body.COUNTER_REPLY.packets = packets;
	ike_engine_dp_event(gw(), &m);
}

/* Replies that prove nothing: another round's cookie, espgwctl's, the
 * outbound SA's count, an SA that does not exist, one that comes after
 * the deadline.  Each time the probe still goes. */
static void test_replies_that_do_not_count(void **state)
{
	struct ike_sa *b;
	uint64_t in_id, out_id, cookie;

	(void)state;
	tunnel_up();
	b = only_sa(gw());
	in_id = child_id(b->children, true);
	out_id = child_id(b->children, false);
	advance(DPD_MS - IKE_DPD_ASK_MS);
	cookie = b->dpd_cookie;
	assert_int_not_equal(cookie, 0);
	reply(cookie + 1, in_id, 1000);
	reply(0, in_id, 1000);
	reply(cookie, out_id, 1000);
	reply(cookie, in_id ^ 2, 1000); /* no such CHILD SA */
	reply(cookie, 0, 1000);
	advance(IKE_DPD_ASK_MS);
	assert_int_equal(probes(0), 1);
	assert_int_equal(b->children->dpd_in, 0);
	run();

	/* Answered 2 s after the question: too late for its round. */
	dp_count[0].on = true;
	dp_count[0].delay_ms = 2000;
	dp_count[0].in_packets = 7;
	advance(DPD_MS);
	assert_int_equal(probes(0), 2);
	advance(2000);
	assert_int_equal(dp_count[0].replies, 1);
	assert_int_equal(b->children->dpd_in, 0);

	/* In time it counts, and the round after leaves the probe out. */
	dp_count[0].delay_ms = 0;
	advance(DPD_MS - 2000);
	assert_int_equal(b->children->dpd_in, 7);
	assert_int_equal(probes(0), 2);
}

/* A reply that arrives after its IKE SA is gone finds nothing. */
static void test_reply_for_gone_sa(void **state)
{
	(void)state;
	tunnel_up();
	dp_count[0].on = true;
	dp_count[0].delay_ms = 500;
	dp_count[0].in_packets = 9;
	advance(DPD_MS - IKE_DPD_ASK_MS);
	assert_int_equal(nodes[0].dp.counter_reqs, 1);
	assert_int_equal(ike_info_delete_ike(only_sa(gw())), 0);
	run();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);
	advance(500);
	assert_int_equal(dp_count[0].replies, 1); /* delivered, ignored */
	assert_int_equal(probes(0), 1);		  /* the DELETE only */
}

/* The wait before each new IKE SA was within the back-off and at most a
 * quarter short of it; the back-off starts at 5 s and doubles. */
static void expect_backoff(unsigned int from, uint64_t failed_after)
{
	uint64_t backoff = IKE_KEEP_MIN_MS;

	for (unsigned int i = from; i < n_try; i++) {
		uint64_t gap = try_at[i] - (try_at[i - 1] + failed_after);

		assert_true(gap <= backoff);
		assert_true(gap >= backoff - backoff / 4);
		backoff = backoff * 2 > IKE_KEEP_MAX_MS ? IKE_KEEP_MAX_MS :
							  backoff * 2;
	}
}

/* B drops everything: A tries again 5 s after each failed IKE SA, the
 * wait doubling to 5 min, each one short of its back-off by at most a
 * quarter; once the network heals, the tunnel comes up. */
static void test_retry_backoff_until_healed(void **state)
{
	(void)state;
	cut = true;
	ike_engine_start(cl());
	run();
	advance(15 * 60 * 1000);
	assert_true(n_try >= 8); /* 5 s ... 160 s, 300 s, 300 s */
	expect_backoff(1, INIT_MS);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);

	cut = false;
	advance(IKE_KEEP_MAX_MS + INIT_MS);
	assert_int_equal(only_sa(cl())->state, IKE_SA_ESTABLISHED);
	assert_int_equal(only_sa(gw())->state, IKE_SA_ESTABLISHED);
	expect_pair(&nodes[1].dp, &nodes[0].dp);
}

/* B deletes the IKE SA: A builds a new one within 5 s; deleted again
 * later, the wait is 5 s again, as the tunnel had been up. */
static void test_deleted_by_peer(void **state)
{
	(void)state;
	tunnel_up();
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ike_info_delete_ike(only_sa(gw())), 0);
		run();
		assert_int_equal(ike_engine_n_ike_sas(cl()), 0);
		assert_int_equal(nodes[1].dp.n_sa, 0);
		advance(IKE_KEEP_MIN_MS - IKE_KEEP_MIN_MS / 4 - 1);
		assert_int_equal(inits(1), (unsigned int)i + 1);
		advance(IKE_KEEP_MIN_MS / 4 + 1);
		assert_int_equal(inits(1), (unsigned int)i + 2);
		assert_int_equal(only_sa(cl())->state, IKE_SA_ESTABLISHED);
		assert_int_equal(nodes[0].dp.n_sa, 2);
		assert_int_equal(nodes[1].dp.n_sa, 2);
	}
}

/* A rekeys its IKE SA: the old one is deleted, the successor lives, and
 * nothing is initiated. */
static void test_rekey_is_no_restart(void **state)
{
	(void)state;
	tunnel_up();
	assert_int_equal(ike_rekey_ike(only_sa(cl())), 0);
	run();
	assert_int_equal(ike_engine_n_ike_sas(cl()), 1);
	advance(IKE_KEEP_MAX_MS);
	assert_int_equal(inits(1), 1);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 1);
}

/* Shutting A down (its engine destroyed, as espgw-control stops) starts
 * nothing, now or later. */
static void test_shutdown_not_reinitiated(void **state)
{
	(void)state;
	tunnel_up();
	ike_engine_destroy(cl());
	nodes[1].e = NULL;
	assert_int_equal(nodes[1].dp.n_sa, 0);
	cut = true; /* node 1 has no engine to deliver to */
	advance(2 * IKE_KEEP_MAX_MS);
	assert_int_equal(inits(1), 1);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0); /* DPD ended it */
}

/* B refuses the CHILD SA (its policy names other subnets): A's IKE SA
 * would carry nothing, so A deletes it and tries again, backing off. */
static void test_childless_deleted_and_retried(void **state)
{
	struct cfg_policy *pol = &nodes[0].cfg->ipsec.policies[0];

	(void)state;
	assert_true(prefix_parse("10.9.0.0/24", &pol->dst_address));
	ike_engine_start(cl());
	run();
	assert_int_equal(ike_engine_n_ike_sas(cl()), 0);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);
	assert_int_equal(ike_engine_stats(gw())->ts_unacceptable, 1);
	assert_int_equal(ike_engine_stats(gw())->deleted, 1);
	assert_int_equal(nodes[0].dp.n_sa, 0);
	advance(40000);
	assert_int_equal(n_try, 4); /* at once, then 5 s, 10 s, 20 s */
	expect_backoff(1, 0);	    /* each one ended at once */
	assert_int_equal(ike_engine_stats(gw())->ts_unacceptable, 4);
	assert_int_equal(nodes[1].dp.sa_adds, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_dpd, teardown)
	const struct CMUnitTest tests[] = {
		T(test_traffic_skips_probes),
		T(test_idle_probes_then_dead),
		T(test_no_reply_probe),
		T(test_replies_that_do_not_count),
		T(test_reply_for_gone_sa),
		T(test_retry_backoff_until_healed),
		T(test_deleted_by_peer),
		T(test_rekey_is_no_restart),
		T(test_shutdown_not_reinitiated),
		T(test_childless_deleted_and_retried),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
