/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The operator's actions (ike_admin.h) on two engines in-process
 * (ike_pair.h): which IKE SAs a target names, what each action does to
 * both ends and both fake data planes, and what it refuses.
 */
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "ike_admin.h"
#include "ike_dpd.h"
#include "ike_pair.h"

typedef int (*admin_fn)(struct ike_engine *e, const char *target,
			FILE *out);

static char *said; /* the last action's output */

/* Run fn on e for target; its output is in said. */
static int act(admin_fn fn, struct ike_engine *e, const char *target)
{
	size_t len = 0;
	FILE *out;
	int rc;

	free(said);
	said = NULL;
	out = open_memstream(&said, &len);
	assert_non_null(out);
	rc = fn(e, target, out);
	fclose(out);
	return rc;
}

static unsigned int lines(const char *s)
{
	unsigned int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static int teardown_admin(void **state)
{
	free(said);
	said = NULL;
	return teardown(state);
}

/* ---- lookup ---- */

/* Rekey the gateway's IKE SA through target: it must be the one named. */
static void rekey_ike_via(const char *target)
{
	uint64_t old = only_sa(gw())->spi_r;

	if (act(ike_admin_rekey_ike, gw(), target) != 0)
		fail_msg("%s: %s", target, said);
	assert_non_null(strstr(said, "rekey started"));
	assert_int_equal(lines(said), 1);
	run();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 1);
	assert_int_not_equal(only_sa(gw())->spi_r, old);
	assert_int_equal(only_sa(gw())->spi_r, only_sa(cl())->spi_r);
}

static void test_lookup(void **state)
{
	char buf[64];
	struct ike_sa *sa;

	(void)state;
	connect_client();
	rekey_ike_via("ikev2-peer");		 /* the peer's name */
	rekey_ike_via("fqdn:alice.example.org"); /* the remote ID */
	rekey_ike_via("198.51.100.7");		 /* the remote address */
	sa = only_sa(gw());
	ike_ep_format(&sa->remote, buf); /* as show peers prints it */
	rekey_ike_via(buf);
	sa = only_sa(gw()); /* a new one after each rekey */
	snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)sa->spi_r);
	rekey_ike_via(buf); /* our IKE SPI ... */
	sa = only_sa(gw());
	snprintf(buf, sizeof(buf), "0x%016llX", (unsigned long long)sa->spi_i);
	rekey_ike_via(buf); /* ... and the peer's, 0x and capitals too */
	snprintf(buf, sizeof(buf), "%08x",
		 ntohl(only_sa(gw())->children->spi_in));
	rekey_ike_via(buf); /* a CHILD SA's SPI names its IKE SA */
	snprintf(buf, sizeof(buf), "%08x",
		 ntohl(only_sa(gw())->children->spi_out));
	rekey_ike_via(buf);
	/* The client's own names for the gateway work there. */
	assert_int_equal(act(ike_admin_rekey_ike, cl(), "address:192.0.2.1"),
			 0);
	run();
	assert_int_equal(ike_engine_n_ike_sas(cl()), 1);
}

/* Near misses and malformed targets name nothing, and nothing is sent. */
static void test_unknown_peer(void **state)
{
	static const char *const bad[] = {
		"nobody", "ikev2-pee", "ikev2-peer2", "fqdn:bob.example.org",
		"FQDN:alice.example.org", "alice.example.org", "198.51.100.8",
		"198.51.100.7[4501]", "198.51.100.7[", "198.51.100.7[0]",
		"198.51.100.7[70000]", "198.51.100.7[500]x", "[500]",
		"0x", "zzzzzzzz", "000000000", "00000000", "0000000000000000",
		"", " ", "fqdn:", "address:198.51.100.7",
	};
	char buf[64];

	(void)state;
	connect_client();
	snprintf(buf, sizeof(buf), "%017llx",
		 (unsigned long long)only_sa(gw())->spi_r);
	assert_int_equal(act(ike_admin_rekey_ike, gw(), buf), 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[96];

		snprintf(want, sizeof(want), "error: no IKE SA for %s\n",
			 bad[i]);
		assert_int_equal(act(ike_admin_rekey_child, gw(), bad[i]), 1);
		assert_string_equal(said, want);
		assert_int_equal(act(ike_admin_rekey_ike, gw(), bad[i]), 1);
		assert_int_equal(act(ike_admin_terminate, gw(), bad[i]), 1);
		assert_string_equal(said, want);
	}
	assert_int_equal(n_queued, 0);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	assert_int_equal(nodes[0].dp.n_sa, 2);
}

/* ---- actions ---- */

/* New SPIs both ways on both ends, the old pair gone from both data
 * planes, the output names the old pair and no key. */
static void test_rekey_child(void **state)
{
	uint32_t old_in, old_out;
	struct chan_sa *in;
	char hex[17] = "", want[64];

	(void)state;
	connect_client();
	old_in = only_sa(gw())->children->spi_in;
	old_out = only_sa(gw())->children->spi_out;
	in = dp_sa_by_spi(&nodes[0].dp, old_in, CHAN_DIR_IN);
	for (int i = 0; i < 8; i++)
		sprintf(hex + 2 * i, "%02x", in->enc_key[i]);
	watch_out = true;
	assert_int_equal(act(ike_admin_rekey_child, gw(),
			     "fqdn:alice.example.org"), 0);
	snprintf(want, sizeof(want), "CHILD SA %08x/%08x: rekey started",
		 ntohl(old_in), ntohl(old_out));
	assert_non_null(strstr(said, want));
	assert_null(strstr(said, hex));
	run();
	watch_out = false;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(nodes[i].dp.n_sa, 2);
		assert_int_equal(nodes[i].dp.n_pol, 2);
	}
	assert_null(dp_sa_by_spi(&nodes[0].dp, old_in, CHAN_DIR_IN));
	assert_null(dp_sa_by_spi(&nodes[0].dp, old_out, CHAN_DIR_OUT));
	assert_null(dp_sa_by_spi(&nodes[1].dp, old_in, CHAN_DIR_OUT));
	assert_null(dp_sa_by_spi(&nodes[1].dp, old_out, CHAN_DIR_IN));
	assert_int_not_equal(only_sa(gw())->children->spi_in, old_in);
	assert_int_not_equal(only_sa(gw())->children->spi_out, old_out);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
	expect_pair(&nodes[1].dp, &nodes[0].dp);
	assert_null(only_sa(gw())->children->next);
	assert_null(only_sa(cl())->children->next);
}

/* A CHILD SA's SPI rekeys that CHILD SA; a stale SPI names nothing. */
static void test_rekey_child_by_spi(void **state)
{
	uint32_t old_in;
	char buf[16];

	(void)state;
	connect_client();
	old_in = only_sa(gw())->children->spi_in;
	snprintf(buf, sizeof(buf), "%08x", ntohl(old_in));
	assert_int_equal(act(ike_admin_rekey_child, gw(), buf), 0);
	run();
	assert_int_not_equal(spi_of(&nodes[0].dp, CHAN_DIR_IN), old_in);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
	assert_int_equal(act(ike_admin_rekey_child, gw(), buf), 1);
	assert_non_null(strstr(said, "no IKE SA for"));
	assert_int_equal(n_queued, 0);
}

/* Terminate by the peer's name: DELETE, then no SA on either end and
 * nothing in either data plane; a second terminate names nothing. */
static void test_terminate(void **state)
{
	(void)state;
	connect_client();
	assert_int_equal(act(ike_admin_terminate, gw(), "ikev2-peer"), 0);
	assert_non_null(strstr(said, "DELETE sent"));
	assert_int_equal(n_queued, 1);
	run();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(nodes[i].dp.n_sa, 0);
		assert_int_equal(nodes[i].dp.n_pol, 0);
	}
	assert_int_equal(ike_engine_stats(gw())->deleted, 1);
	assert_int_equal(act(ike_admin_terminate, gw(), "ikev2-peer"), 1);
	assert_string_equal(said, "error: no IKE SA for ikev2-peer\n");
}

/* While a request is out, every action is refused as busy and sends
 * nothing; once answered, they work again. */
static void test_busy(void **state)
{
	(void)state;
	connect_client();
	assert_int_equal(act(ike_admin_rekey_child, gw(), "ikev2-peer"), 0);
	assert_int_equal(n_queued, 1);
	assert_int_equal(act(ike_admin_rekey_child, gw(), "ikev2-peer"), 1);
	assert_non_null(strstr(said, "error: busy: an exchange is under way, "
				     "try again"));
	assert_int_equal(act(ike_admin_rekey_ike, gw(), "ikev2-peer"), 1);
	assert_non_null(strstr(said, "busy"));
	assert_int_equal(act(ike_admin_terminate, gw(), "ikev2-peer"), 1);
	assert_non_null(strstr(said, "busy"));
	assert_int_equal(n_queued, 1);
	run();
	assert_int_equal(nodes[0].dp.n_sa, 2);

	/* A DELETE under way: the IKE SA is busy being deleted. */
	assert_int_equal(act(ike_admin_terminate, gw(), "ikev2-peer"), 0);
	assert_int_equal(act(ike_admin_terminate, gw(), "ikev2-peer"), 1);
	assert_non_null(strstr(said, "busy: it is being deleted"));
	assert_int_equal(act(ike_admin_rekey_child, gw(), "ikev2-peer"), 1);
	assert_int_equal(n_queued, 1);
	run();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);
}

/* The successor of an IKE SA rekey under way shares the peer but is not
 * named on its own: terminate finds the old one, busy, and leaves the
 * successor alone; the rekey then completes. */
static void test_rekey_successor_not_named(void **state)
{
	(void)state;
	connect_client();
	assert_int_equal(act(ike_admin_rekey_ike, gw(), "ikev2-peer"), 0);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 2);
	assert_int_equal(act(ike_admin_terminate, gw(), "ikev2-peer"), 1);
	assert_int_equal(lines(said), 1);
	assert_non_null(strstr(said, "busy"));
	assert_int_equal(ike_engine_n_ike_sas(gw()), 2);
	run();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 1);
	assert_int_equal(nodes[0].dp.n_sa, 2);
	assert_int_equal(act(ike_admin_terminate, gw(), "ikev2-peer"), 0);
	run();
	assert_int_equal(ike_engine_n_ike_sas(cl()), 0);
}

static void set_client_id(const char *fqdn)
{
	snprintf(nodes[1].cfg->ipsec.identities[0].my_id.value, CFG_ID_MAX,
		 "%s", fqdn);
}

/* Two road warriors under one peer: its name names both, an ID one; both
 * in an IKE rekey, neither successor is named; then both are deleted. */
static void test_two_road_warriors(void **state)
{
	(void)state;
	nodes[1].cfg->ipsec.peers[0].send_initial_contact = false;
	set_client_id("one.example.org");
	connect_client();
	set_client_id("two.example.org");
	connect_client();
	assert_int_equal(act(ike_admin_rekey_child, gw(),
			     "fqdn:two.example.org"), 0);
	assert_int_equal(lines(said), 1);
	assert_non_null(strstr(said, "'fqdn:two.example.org'"));
	run();
	assert_int_equal(act(ike_admin_rekey_ike, gw(), "ikev2-peer"), 0);
	assert_int_equal(lines(said), 2);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 4);
	assert_int_equal(act(ike_admin_terminate, gw(), "ikev2-peer"), 1);
	assert_int_equal(lines(said), 2);
	assert_null(strstr(said, "deleted"));
	assert_int_equal(ike_engine_n_ike_sas(gw()), 4);
	run();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 2);
	assert_int_equal(nodes[0].dp.n_sa, 4);
	assert_int_equal(act(ike_admin_terminate, gw(), "ikev2-peer"), 0);
	assert_int_equal(lines(said), 2);
	run();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 0);
	assert_int_equal(nodes[0].dp.n_sa, 0);
	assert_int_equal(nodes[1].dp.n_sa, 0);
}

/* ---- initiate, and SAs not yet established ---- */

static void test_initiate(void **state)
{
	(void)state;
	/* gw-b by its address; a second start is refused. */
	assert_int_equal(act(ike_admin_initiate, cl(), "192.0.2.1"), 0);
	assert_string_equal(said, "peer gw-b: IKE_SA_INIT sent to "
				  "192.0.2.1[500]\n");
	assert_int_equal(act(ike_admin_initiate, cl(), "gw-b"), 1);
	assert_non_null(strstr(said, "already"));
	/* Not established yet: no rekey, and terminate drops it here. */
	assert_int_equal(act(ike_admin_rekey_ike, cl(), "gw-b"), 1);
	assert_non_null(strstr(said, "not established yet (connecting)"));
	assert_int_equal(act(ike_admin_terminate, cl(), "gw-b"), 0);
	assert_non_null(strstr(said, "no DELETE to send"));
	assert_int_equal(ike_engine_n_ike_sas(cl()), 0);
	/* Its IKE_SA_INIT left a half-open SA at B: terminate drops it. */
	run();
	assert_int_equal(ike_engine_n_half_open(gw()), 1);
	assert_int_equal(act(ike_admin_terminate, gw(), "gw-a"), 0);
	assert_non_null(strstr(said, "half-open"));
	assert_int_equal(ike_engine_n_half_open(gw()), 0);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);

	/* B's peer is passive, but it has an address: B may start it. */
	assert_int_equal(act(ike_admin_initiate, gw(), "gw-a"), 0);
	run();
	assert_int_equal(only_sa(gw())->state, IKE_SA_ESTABLISHED);
	assert_int_equal(only_sa(cl())->state, IKE_SA_ESTABLISHED);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
	expect_pair(&nodes[1].dp, &nodes[0].dp);
	assert_int_equal(act(ike_admin_initiate, cl(), "gw-b"), 1);
	assert_non_null(strstr(said, "established"));
	assert_int_equal(n_queued, 0);
}

/* A's peer has passive = false: A keeps an IKE SA to it up (ike_dpd.h).
 * The operator's terminate is final; initiate keeps it up again, so a
 * DELETE from B is followed by a new IKE SA. */
static void test_terminate_kept_peer_stays_down(void **state)
{
	(void)state;
	ike_engine_start(cl());
	run();
	assert_int_equal(only_sa(cl())->state, IKE_SA_ESTABLISHED);
	assert_int_equal(act(ike_admin_terminate, cl(), "gw-b"), 0);
	run();
	assert_int_equal(ike_engine_n_ike_sas(cl()), 0);
	advance(IKE_KEEP_MAX_MS * 2);
	run();
	assert_int_equal(ike_engine_n_ike_sas(cl()), 0);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);

	assert_int_equal(act(ike_admin_initiate, cl(), "gw-b"), 0);
	run();
	assert_int_equal(only_sa(cl())->state, IKE_SA_ESTABLISHED);
	assert_int_equal(ike_info_delete_ike(only_sa(gw())), 0);
	run();
	assert_int_equal(ike_engine_n_ike_sas(cl()), 0);
	advance(IKE_KEEP_MIN_MS);
	run();
	assert_int_equal(only_sa(cl())->state, IKE_SA_ESTABLISHED);
	assert_int_equal(nodes[0].dp.n_sa, 2);
}

static void test_initiate_refused(void **state)
{
	(void)state;
	assert_int_equal(act(ike_admin_initiate, cl(), "gw-c"), 1);
	assert_string_equal(said, "error: no peer gw-c in the configuration\n");
	assert_int_equal(act(ike_admin_initiate, cl(), "192.0.2.2"), 1);
	assert_int_equal(act(ike_admin_initiate, cl(), "192.0.2.1[4500]"), 1);
	assert_int_equal(act(ike_admin_initiate, cl(), "fqdn:gw-b.example.net"),
			 1);
	assert_int_equal(n_queued, 0);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 0);
}

/* A road-warrior peer has no address: nothing to initiate to. */
static void test_initiate_no_address(void **state)
{
	(void)state;
	assert_int_equal(act(ike_admin_initiate, gw(), "ikev2-peer"), 1);
	assert_string_equal(said, "error: peer ikev2-peer has no address to "
				  "initiate to\n");
	assert_int_equal(n_queued, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown_admin)
#define S(f) cmocka_unit_test_setup_teardown(f, setup_s2s, teardown_admin)
	const struct CMUnitTest tests[] = {
		T(test_lookup),
		T(test_unknown_peer),
		T(test_rekey_child),
		T(test_rekey_child_by_spi),
		T(test_terminate),
		T(test_busy),
		T(test_rekey_successor_not_named),
		T(test_two_road_warriors),
		S(test_initiate),
		S(test_initiate_refused),
		S(test_terminate_kept_peer_stays_down),
		T(test_initiate_no_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
