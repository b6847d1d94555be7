/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two IKEv2 engines in-process (ike_pair.h): the tutorial's gateway
 * (ike/gw.conf) and a road-warrior client made of the same engine
 * (ike/client.conf), or two site-to-site gateways, joined by a fake
 * network, a fake clock and fake data planes.
 */
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "ike_keepalive.h"
#include "ike_pair.h"

/* ---- tests ---- */

/* The tutorial end to end: INVALID_KE retry (the client guesses ecp256,
 * the gateway wants modp2048), virtual address, CHILD SA pair. */
static void test_road_warrior(void **state)
{
	struct ike_sa *g, *c;
	struct chan_sa *in;
	char hex[3 * 64 + 1] = "";

	(void)state;
	connect_client();
	assert_int_equal(ike_engine_stats(gw())->invalid_ke, 1);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	assert_int_equal(ike_engine_n_half_open(gw()), 0);
	g = only_sa(gw());
	c = only_sa(cl());
	assert_int_equal(g->state, IKE_SA_ESTABLISHED);
	assert_int_equal(c->state, IKE_SA_ESTABLISHED);
	assert_string_equal(g->id_text, "fqdn:alice.example.org");
	assert_string_equal(c->id_text, "address:192.0.2.1");
	assert_int_equal(g->prop.dh->id, ALGO_MODP2048);

	/* The pool's first address, on both sides. */
	assert_int_equal(c->vip.family, ADDR_V4);
	assert_true(addr_equal(&c->vip, &g->vip));
	assert_int_equal(g->vip.v4[3], 100);

	assert_int_equal(nodes[0].dp.n_sa, 2);
	assert_int_equal(nodes[0].dp.n_pol, 2);
	assert_int_equal(nodes[1].dp.n_sa, 2);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
	expect_pair(&nodes[1].dp, &nodes[0].dp);
	in = dp_sa_by_spi(&nodes[0].dp, g->children->spi_in, CHAN_DIR_IN);
	assert_non_null(in);
	expect_prefix(&in->ts_remote, "172.16.1.100/32");
	expect_prefix(&in->ts_local, "10.10.0.0/24");
	assert_int_equal(in->replay_window, 128);
	assert_int_equal(in->natt, 0);
	assert_int_equal(in->enc_algo, ALGO_AES_256_CBC);
	assert_int_equal(in->integ_algo, ALGO_HMAC_SHA256_128);

	/* The CLI names the peer and never shows a key. */
	assert_non_null(strstr(capture(ike_engine_show_peers, gw(), false),
			       "fqdn:alice.example.org"));
	assert_non_null(strstr(capture(ike_engine_show_peers, gw(), true),
			       "\"virtual_address\": \"172.16.1.100\""));
	for (int i = 0; i < 8; i++)
		sprintf(hex + 2 * i, "%02x", in->enc_key[i]);
	assert_null(strstr(capture(ike_engine_show_sa, gw(), false), hex));
	assert_non_null(strstr(capture(ike_engine_show_sa, gw(), false),
			       "[10.10.0.0/24] <-> [172.16.1.100/32]"));
	assert_null(strstr(capture(ike_engine_show_sa, gw(), true), hex));
	assert_int_equal(nodes[0].dp.counter_reqs, 3);
	assert_non_null(strstr(capture(ike_engine_show_policies, gw(), true),
			       "172.16.1.100/32"));

	/* A data-plane restart: everything is sent again. */
	nodes[0].dp = (struct dp){ 0 };
	ike_engine_resync(gw());
	assert_int_equal(nodes[0].dp.n_sa, 2);
	assert_int_equal(nodes[0].dp.n_pol, 2);
}

static void test_wrong_psk(void **state)
{
	struct cfg_identity *id = &nodes[1].cfg->ipsec.identities[0];

	(void)state;
	free(id->secret);
	id->secret = strdup("a-different-secret-Xy7+");
	connect_client();
	assert_int_equal(ike_engine_stats(gw())->auth_failed, 1);
	assert_int_equal(ike_engine_stats(cl())->auth_failed, 1);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 0);
	assert_int_equal(nodes[0].dp.sa_adds, 0);
	assert_int_equal(nodes[1].dp.sa_adds, 0);
}

static void set_client_id(const char *fqdn)
{
	snprintf(nodes[1].cfg->ipsec.identities[0].my_id.value, CFG_ID_MAX,
		 "%s", fqdn);
}

/* Two addresses in the pool; the third client is refused, the first gets
 * its own address back after it left and returned. */
static void test_pool_exhaustion_and_return(void **state)
{
	struct ike_sa *first;

	(void)state;
	nodes[1].cfg->ipsec.peers[0].send_initial_contact = false;
	set_client_id("one.example.org");
	connect_client();
	first = only_sa(cl());
	set_client_id("two.example.org");
	connect_client();
	set_client_id("three.example.org");
	connect_client();
	assert_int_equal(ike_engine_stats(gw())->addr_failed, 1);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 3);
	assert_int_equal(nodes[0].dp.n_sa, 4); /* the third has none */
	assert_int_equal(nodes[1].dp.n_sa, 4);

	assert_int_equal(ike_info_delete_ike(first), 0);
	run();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 2);
	set_client_id("one.example.org");
	connect_client();
	assert_int_equal(nodes[0].dp.n_sa, 4);
	for (unsigned int i = 0; i < nodes[0].dp.n_sa; i++)
		if (nodes[0].dp.sa[i].dir == CHAN_DIR_IN &&
		    nodes[0].dp.sa[i].ts_remote.prefix.addr.v4[3] == 100)
			return; /* .100 is one.example.org's again */
	fail_msg("the returning client did not get 172.16.1.100 back");
}

/* The KE data of the gateway's last IKE_SA_INIT response with one. */
static uint8_t gw_ke[IKE_DH_MAX];
static size_t gw_ke_len;

static bool record_gw_ke(const struct pkt *p)
{
	uint8_t next = p->buf[16];
	size_t off = 28;

	if (p->from != 0 || p->buf[18] != IKE_EX_IKE_SA_INIT)
		return false;
	for (int i = 0; i < 16 && next && off + 4 <= p->len; i++) {
		size_t len = (size_t)p->buf[off + 2] << 8 | p->buf[off + 3];

		assert_true(len >= 4 && off + len <= p->len);
		if (next == IKE_PLD_KE) {
			assert_true(len - 8 <= sizeof(gw_ke));
			memcpy(gw_ke, p->buf + off + 8, len - 8);
			gw_ke_len = len - 8;
		}
		next = p->buf[off];
		off += len;
	}
	return false;
}

/* Section 2.12: the gateway answers IKE_SA_INIT with one key pair for
 * IKE_DH_REUSE_MS, then a new one; every IKE SA still gets keys of its
 * own that its peer agrees with. */
static void test_dh_reuse(void **state)
{
	uint8_t first[IKE_DH_MAX];
	size_t first_len;

	(void)state;
	nodes[1].cfg->ipsec.peers[0].send_initial_contact = false;
	drop = record_gw_ke;
	set_client_id("one.example.org");
	connect_client();
	assert_int_equal(gw_ke_len, 256); /* modp2048 */
	memcpy(first, gw_ke, gw_ke_len);
	first_len = gw_ke_len;
	gw_ke_len = 0;
	assert_int_equal(ike_info_delete_ike(only_sa(cl())), 0);
	run();

	advance(IKE_DH_REUSE_MS - 1000);
	set_client_id("two.example.org");
	connect_client();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	assert_memory_equal(gw_ke, first, first_len);
	assert_int_equal(gw_ke_len, first_len);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
	expect_pair(&nodes[1].dp, &nodes[0].dp);

	advance(1000);
	set_client_id("three.example.org");
	connect_client();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 2);
	assert_int_equal(gw_ke_len, first_len);
	assert_memory_not_equal(gw_ke, first, first_len);
	assert_int_equal(nodes[0].dp.n_sa, 4);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
	expect_pair(&nodes[1].dp, &nodes[0].dp);
	assert_memory_not_equal(nodes[0].dp.sa[0].enc_key,
				nodes[0].dp.sa[2].enc_key,
				nodes[0].dp.sa[0].enc_key_len);
}

/* The pair also goes after IKE_DH_REUSE_USES IKE SAs, and the IKE SAs
 * holding the old one keep it after the cache let it go. */
static void test_dh_reuse_count(void **state)
{
	const struct algo *grp = algo_by_id(ALGO_MODP2048);
	struct ike_dh *held = ike_init_responder_dh(gw(), grp), *d;
	uint8_t a[IKE_DH_MAX], b[IKE_DH_MAX];

	(void)state;
	assert_non_null(held);
	for (unsigned int i = 1; i < IKE_DH_REUSE_USES; i++) {
		d = ike_init_responder_dh(gw(), grp);
		assert_ptr_equal(d, held);
		ike_dh_free(d);
	}
	d = ike_init_responder_dh(gw(), grp);
	assert_non_null(d);
	assert_ptr_not_equal(d, held);
	assert_int_equal(ike_dh_public(held, a, sizeof(a)), 256);
	assert_int_equal(ike_dh_public(d, b, sizeof(b)), 256);
	assert_memory_not_equal(a, b, 256);
	ike_dh_free(held); /* its last holder: ASan sees a double free */
	ike_dh_free(d);	   /* the cache still holds it */
	d = ike_init_responder_dh(gw(), algo_by_id(ALGO_ECP256));
	assert_non_null(d); /* a slot of its own */
	ike_dh_free(d);
	ike_init_dh_flush(gw());
	ike_init_dh_flush(gw()); /* idempotent */
}

static bool drop_first_auth_response(const struct pkt *p)
{
	static bool done;

	if (p->from == 0 && p->buf[18] == IKE_EX_IKE_AUTH && !done) {
		done = true;
		return true;
	}
	return false;
}

static void test_lost_response_retransmit(void **state)
{
	(void)state;
	drop = drop_first_auth_response;
	connect_client();
	assert_int_equal(only_sa(cl())->state, IKE_SA_AUTH_SENT);
	advance(IKE_RETRANS_MS);
	run();
	assert_int_equal(ike_engine_stats(cl())->retransmits, 1);
	assert_int_equal(ike_engine_stats(gw())->duplicates, 1);
	assert_int_equal(only_sa(cl())->state, IKE_SA_ESTABLISHED);
	assert_int_equal(nodes[0].dp.sa_adds, 2); /* installed once */
	expect_pair(&nodes[0].dp, &nodes[1].dp);
}

static void test_delete(void **state)
{
	(void)state;
	connect_client();
	assert_int_equal(nodes[0].dp.n_sa, 2);
	assert_int_equal(ike_info_delete_ike(only_sa(cl())), 0);
	run();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 0);
	assert_int_equal(nodes[0].dp.n_sa, 0);
	assert_int_equal(nodes[0].dp.n_pol, 0);
	assert_int_equal(ike_engine_stats(gw())->deleted, 1);
}

static bool drop_all(const struct pkt *p)
{
	(void)p;
	return true;
}

/* DPD every 120 s, given up after 5 unanswered probes. */
static void test_dpd_failure(void **state)
{
	unsigned int before;

	(void)state;
	connect_client();
	drop = drop_all;
	before = nodes[0].sent[IKE_EX_INFORMATIONAL - IKE_EX_IKE_SA_INIT];
	advance(120000 + 500 + 1000 + 2000 + 4000);
	run();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	advance(8000);
	run();
	assert_int_equal(nodes[0].sent[IKE_EX_INFORMATIONAL -
				       IKE_EX_IKE_SA_INIT] - before, 5);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);
	assert_int_equal(ike_engine_stats(gw())->dead, 1);
	assert_int_equal(nodes[0].dp.n_sa, 0);
}

/* DPD answered: nothing changes, the next probe is scheduled. */
static void test_dpd_answered(void **state)
{
	(void)state;
	connect_client();
	advance(120000);
	run();
	advance(120000);
	run();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	assert_int_equal(ike_engine_stats(gw())->dead, 0);
	assert_true(nodes[0].sent[IKE_EX_INFORMATIONAL - IKE_EX_IKE_SA_INIT] >=
		    2);
}

static bool capture_auth(const struct pkt *p)
{
	if (p->from == 1 && p->buf[18] == IKE_EX_IKE_AUTH &&
	    !(p->buf[19] & IKE_FLAG_RESPONSE)) {
		captured = *p;
		return true;
	}
	return false;
}

static void test_malformed_dropped(void **state)
{
	struct pkt bad;
	const struct ike_engine_stats *st = ike_engine_stats(gw());

	(void)state;
	drop = capture_auth;
	connect_client();
	assert_int_equal(ike_engine_n_half_open(gw()), 1);

	bad = captured;
	bad.len = 20; /* shorter than the header */
	inject(&bad);
	bad = captured;
	bad.buf[27]++; /* length disagrees */
	inject(&bad);
	assert_int_equal(st->malformed, 2);
	bad = captured;
	bad.buf[bad.len - 1] ^= 1; /* ICV */
	inject(&bad);
	assert_int_equal(st->bad_icv, 1);
	bad = captured;
	bad.buf[8] ^= 0xff; /* SPIr nobody has */
	inject(&bad);
	assert_int_equal(st->unknown_spi, 1);
	bad = captured;
	bad.buf[23] = 7; /* message ID out of the window */
	inject(&bad);
	assert_int_equal(st->bad_msg_id, 1);
	assert_int_equal(n_queued, 0); /* none answered */
	assert_int_equal(ike_engine_n_half_open(gw()), 1);
	assert_int_equal(nodes[0].dp.sa_adds, 0);

	/* The real one still goes through. */
	drop = NULL;
	inject(&captured);
	run();
	assert_int_equal(only_sa(gw())->state, IKE_SA_ESTABLISHED);
	assert_int_equal(only_sa(cl())->state, IKE_SA_ESTABLISHED);
}

/* Behind a NAT: both sides see it, ESP goes in UDP to the translated
 * port, IKE floats to 4500, and a changed mapping moves the SAs. */
static void test_nat(void **state)
{
	struct chan_sa *in;

	(void)state;
	nat_offset = 30000;
	connect_client();
	assert_true(only_sa(gw())->nat_remote);
	assert_true(only_sa(cl())->nat_local);
	assert_int_equal(only_sa(gw())->local.port, IKE_NATT_PORT);
	in = &nodes[0].dp.sa[0];
	assert_int_equal(in->natt, 1);
	assert_int_equal(in->natt_remote_port, IKE_NATT_PORT + 30000);
	assert_int_equal(in->natt_local_port, IKE_NATT_PORT);

	/* A client without MOBIKE (Windows' built-in one): section 2.23's
	 * implicit update is how the gateway learns of a new mapping. */
	only_sa(gw())->mobike = false;
	nat_offset = 31000; /* the NAT forgot us and picked another port */
	advance(60000);	    /* the client's DPD goes out */
	run();
	assert_int_equal(nodes[0].dp.updates, 2);
	in = &nodes[0].dp.sa[0];
	assert_int_equal(in->natt_remote_port, IKE_NATT_PORT + 31000);
	assert_int_equal(only_sa(gw())->remote.port, IKE_NATT_PORT + 31000);
}

/* With MOBIKE (RFC 4555 section 3.8) a message from a new mapping moves
 * nothing: only UPDATE_SA_ADDRESSES does, after its return routability
 * check.  The answer still goes where the request came from (RFC 7296
 * section 2.11), so the client's DPD succeeds. */
static void test_nat_mobike_no_implicit_update(void **state)
{
	(void)state;
	nat_offset = 30000;
	connect_client();
	assert_true(only_sa(gw())->mobike);
	nat_offset = 31000;
	advance(60000); /* the client's DPD, from the new mapping */
	run();
	assert_int_equal(nodes[0].dp.updates, 0);
	assert_int_equal(only_sa(gw())->remote.port, IKE_NATT_PORT + 30000);
	advance(120000);
	assert_int_equal(ike_engine_stats(cl())->dead, 0);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 1);
}

/* RFC 3948 section 4: the client behind the NAT sends a keepalive every
 * 20 s to the gateway's NAT-T port; the gateway, not behind one, none. */
static void test_nat_keepalive(void **state)
{
	(void)state;
	nat_offset = 30000;
	connect_client();
	assert_int_equal(nodes[1].keepalives, 0);
	advance(IKE_KEEPALIVE_MS - 1);
	assert_int_equal(nodes[1].keepalives, 0);
	advance(1);
	assert_int_equal(nodes[1].keepalives, 1);
	assert_int_equal(nodes[1].keepalive_src.port, IKE_NATT_PORT);
	assert_int_equal(nodes[1].keepalive_dst.port, IKE_NATT_PORT);
	assert_true(addr_equal(&nodes[1].keepalive_dst.addr,
			       &nodes[0].ep.addr));
	advance(5 * IKE_KEEPALIVE_MS);
	run();
	assert_int_equal(nodes[1].keepalives, 6);
	assert_int_equal(nodes[0].keepalives, 0);

	ike_rekey_ike(only_sa(cl())); /* the new IKE SA takes over */
	run();
	advance(IKE_KEEPALIVE_MS);
	run();
	assert_int_equal(nodes[1].keepalives, 7);
}

/* Without a NAT nobody sends keepalives. */
static void test_no_nat_no_keepalive(void **state)
{
	(void)state;
	connect_client();
	advance(3 * IKE_KEEPALIVE_MS);
	run();
	assert_int_equal(nodes[0].keepalives + nodes[1].keepalives, 0);
}

static void test_cookie(void **state)
{
	(void)state;
	ike_engine_set_cookie_threshold(gw(), 0);
	connect_client();
	assert_int_equal(ike_engine_stats(gw())->cookies, 1);
	assert_int_equal(only_sa(gw())->state, IKE_SA_ESTABLISHED);
}

/* INITIAL_CONTACT: the client restarted; its old SAs go. */
static void test_initial_contact(void **state)
{
	(void)state;
	connect_client();
	ike_engine_destroy(cl()); /* a reboot: no DELETE */
	nodes[1].dp = (struct dp){ 0 };
	nodes[1].e = ike_engine_create(nodes[1].cfg, &nodes[1].ops);
	connect_client();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	assert_int_equal(nodes[0].dp.n_sa, 2);
	assert_int_equal(only_sa(gw())->vip.v4[3], 100);
}

static bool answered_natd;

static void rekey_and_check(struct ike_engine *by, bool pfs)
{
	uint32_t old_in = spi_of(&nodes[0].dp, CHAN_DIR_IN);
	struct ike_sa *sa = only_sa(by);

	watch_out = true;
	assert_int_equal(ike_rekey_child(sa->children), 0);
	assert_int_equal(ike_rekey_child(sa->children), -1); /* one at once */
	run();
	watch_out = false;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(nodes[i].dp.n_sa, 2);
		assert_int_equal(nodes[i].dp.n_pol, 2);
		assert_int_equal(out_policies(&nodes[i].dp), 1);
	}
	assert_int_not_equal(spi_of(&nodes[0].dp, CHAN_DIR_IN), old_in);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
	expect_pair(&nodes[1].dp, &nodes[0].dp);
	assert_int_equal(only_sa(gw())->children->prop.dh != NULL, pfs);
	assert_null(only_sa(gw())->children->next);
	assert_null(only_sa(cl())->children->next);
}

/* The client rekeys without PFS (its proposal has none), then with. */
static void test_child_rekey_by_client(void **state)
{
	(void)state;
	connect_client();
	rekey_and_check(cl(), false);
	nodes[1].cfg->ipsec.proposals[0].pfs_group = ALGO_MODP2048;
	rekey_and_check(cl(), true);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
}

/* What crossed the network in a CHILD SA rekey started by the client. */
static struct pkt rekey_req, rekey_resp;
static unsigned int n_rekey_req, n_rekey_resp;
static bool lose_first_rekey_resp;

static bool watch_rekey(const struct pkt *p)
{
	bool resp = p->buf[19] & IKE_FLAG_RESPONSE;

	if (p->buf[18] != IKE_EX_CREATE_CHILD_SA)
		return false;
	if (p->from == 1 && !resp) {
		rekey_req = *p;
		n_rekey_req++;
	} else if (p->from == 0 && resp) {
		rekey_resp = *p;
		return ++n_rekey_resp == 1 && lose_first_rekey_resp;
	}
	return false;
}

/* The gateway's answer, opened with the client's keys as any peer would:
 * a CREATE_CHILD_SA response to the request's message ID carrying the
 * new pair's SA (the gateway's new inbound SPI), Nr, KE in the PFS group
 * and the narrowed selectors, and no error notify. */
static void expect_rekey_response(const struct pkt *p, uint32_t gw_spi)
{
	struct ike_sa *c = only_sa(cl());
	static uint8_t buf[IKE_MSG_MAX];
	struct ike_msg req, m;
	const uint64_t need = IKE_HAS(IKE_PLD_SA) | IKE_HAS(IKE_PLD_NONCE) |
			      IKE_HAS(IKE_PLD_KE) | IKE_HAS(IKE_PLD_TSi) |
			      IKE_HAS(IKE_PLD_TSr);

	assert_int_equal(ike_pld_parse(rekey_req.buf, rekey_req.len, &req), 0);
	memcpy(buf, p->buf, p->len);
	assert_int_equal(ike_pld_parse(buf, p->len, &m), 0);
	assert_int_equal(m.hdr.exchange, IKE_EX_CREATE_CHILD_SA);
	/* The gateway is the original responder: R set, I clear. */
	assert_int_equal(m.hdr.flags & (IKE_FLAG_RESPONSE | IKE_FLAG_INITIATOR),
			 IKE_FLAG_RESPONSE);
	assert_int_equal(m.hdr.msg_id, req.hdr.msg_id);
	assert_int_equal(m.hdr.spi_i, c->spi_i);
	assert_int_equal(m.hdr.spi_r, c->spi_r);
	assert_int_equal(ike_msg_open(c, buf, p->len, &m), 0);
	assert_int_equal(m.has & need, need);
	assert_int_equal(m.n_notifies, 0);
	assert_int_equal(m.ke.group, 14); /* modp2048 */
	assert_int_equal(m.ke.data.len, 256);
	assert_int_equal(m.sa.n_proposals, 1);
	assert_int_equal(m.sa.prop[0].protocol, IKE_PROTO_ESP);
	assert_int_equal(m.sa.prop[0].spi.len, 4);
	assert_memory_equal(m.sa.prop[0].spi.ptr, &gw_spi, 4);
	/* TSi is the initiator's side: the client's virtual address. */
	assert_int_equal(m.tsi.n_ts, 1);
	assert_true(addr_equal(&m.tsi.ts[0].start, &c->vip));
	assert_int_equal(m.tsr.n_ts, 1);
	assert_int_equal(m.tsr.ts[0].start.v4[0], 10);
}

/* strongSwan's rekey of its CHILD SA, PFS and NAT-T as in the e2e test
 * (N(REKEY_SA) SA Nonce KE TSi TSr, IKE on port 4500 behind a NAT): the
 * gateway answers once, from 4500 with the marker-bearing socket's port,
 * to the port the request came from; the answer is well-formed, and the
 * pair it makes matches the client's. */
static void test_child_rekey_answer(void **state)
{
	struct ike_sa *g;
	uint32_t old_in;

	(void)state;
	nat_offset = 30000;
	nodes[1].cfg->ipsec.proposals[0].pfs_group = ALGO_MODP2048;
	connect_client();
	g = only_sa(gw());
	old_in = g->children->spi_in;
	n_rekey_req = n_rekey_resp = 0;
	lose_first_rekey_resp = false;
	drop = watch_rekey;
	assert_int_equal(ike_rekey_child(only_sa(cl())->children), 0);
	run();
	assert_int_equal(n_rekey_req, 1);
	assert_int_equal(n_rekey_resp, 1);
	assert_int_equal(rekey_resp.src.port, IKE_NATT_PORT);
	assert_int_equal(rekey_resp.dst.port, IKE_NATT_PORT + 30000);
	assert_true(addr_equal(&rekey_resp.dst.addr, &nodes[1].ep.addr));
	assert_int_not_equal(g->children->spi_in, old_in);
	expect_rekey_response(&rekey_resp, g->children->spi_in);
	assert_non_null(g->children->prop.dh);
	assert_int_equal(nodes[0].dp.n_sa, 2);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
	expect_pair(&nodes[1].dp, &nodes[0].dp);
}

/* The answer is lost: the client's retransmission gets the cached answer,
 * byte for byte, on the same ports, and nothing is installed twice. */
static void test_child_rekey_answer_lost(void **state)
{
	static struct pkt first;
	unsigned int adds;

	(void)state;
	nat_offset = 30000;
	nodes[1].cfg->ipsec.proposals[0].pfs_group = ALGO_MODP2048;
	connect_client();
	adds = nodes[0].dp.sa_adds;
	n_rekey_req = n_rekey_resp = 0;
	lose_first_rekey_resp = true;
	drop = watch_rekey;
	assert_int_equal(ike_rekey_child(only_sa(cl())->children), 0);
	run();
	first = rekey_resp;
	assert_int_equal(n_rekey_resp, 1);
	advance(IKE_RETRANS_MS);
	run();
	assert_int_equal(n_rekey_req, 2);
	assert_int_equal(n_rekey_resp, 2);
	assert_int_equal(ike_engine_stats(gw())->duplicates, 1);
	assert_int_equal(rekey_resp.len, first.len);
	assert_memory_equal(rekey_resp.buf, first.buf, first.len);
	assert_int_equal(rekey_resp.src.port, IKE_NATT_PORT);
	assert_int_equal(rekey_resp.dst.port, IKE_NATT_PORT + 30000);
	assert_int_equal(nodes[0].dp.sa_adds, adds + 2);
	assert_int_equal(nodes[0].dp.n_sa, 2);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
	expect_pair(&nodes[1].dp, &nodes[0].dp);
}

/* The gateway rekeys with its PFS group; the client, without one
 * configured, takes the gateway's. */
static void test_child_rekey_by_gateway(void **state)
{
	(void)state;
	connect_client();
	rekey_and_check(gw(), true);
}

/* Left alone, the pair is rekeyed before its 30 minutes run out. */
static void test_rekey_on_lifetime(void **state)
{
	uint32_t old_in;

	(void)state;
	connect_client();
	old_in = spi_of(&nodes[0].dp, CHAN_DIR_IN);
	advance(30 * 60 * 1000);
	assert_int_not_equal(spi_of(&nodes[0].dp, CHAN_DIR_IN), old_in);
	assert_int_equal(nodes[0].dp.n_sa, 2);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
}

/* The data plane reports a soft byte lifetime: the pair is rekeyed. */
static void test_rekey_on_dp_event(void **state)
{
	struct chan_msg m = { .hdr.type = CHAN_MSG_LIFETIME };
	uint32_t old_in;

	(void)state;
	connect_client();
	old_in = spi_of(&nodes[0].dp, CHAN_DIR_IN);
	m.body.LIFETIME = (struct chan_ev_lifetime){
		.sa_id = child_id(only_sa(gw())->children, false),
		.kind = CHAN_LT_SOFT, .by = CHAN_LT_BYTES };
	ike_engine_dp_event(gw(), &m);
	run();
	assert_int_not_equal(spi_of(&nodes[0].dp, CHAN_DIR_IN), old_in);
	assert_int_equal(nodes[0].dp.n_sa, 2);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
	m.body.LIFETIME.sa_id = 12345; /* no such SA: ignored */
	ike_engine_dp_event(gw(), &m);
	assert_int_equal(n_queued, 0);
}

/* The IKE SA is rekeyed by either side: new SPIs, the CHILD SAs and the
 * virtual address carry over untouched, the old IKE SA is gone on both
 * ends, and the new one works (DPD answered). */
static void ike_rekey_by(struct ike_engine *by)
{
	uint64_t old_spi = only_sa(gw())->spi_r;
	unsigned int adds = nodes[0].dp.sa_adds;

	assert_int_equal(ike_rekey_ike(only_sa(by)), 0);
	run();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 1);
	assert_int_not_equal(only_sa(gw())->spi_r, old_spi);
	assert_int_equal(only_sa(gw())->spi_i, only_sa(cl())->spi_i);
	assert_int_equal(only_sa(gw())->spi_r, only_sa(cl())->spi_r);
	assert_int_equal(only_sa(gw())->vip.v4[3], 100);
	assert_non_null(only_sa(gw())->children);
	assert_int_equal(nodes[0].dp.n_sa, 2);
	assert_int_equal(nodes[0].dp.sa_adds, adds); /* nothing reinstalled */
	advance(120000);
	assert_int_equal(ike_engine_stats(gw())->dead, 0);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
}

static void test_ike_rekey(void **state)
{
	(void)state;
	connect_client();
	ike_rekey_by(cl());
	ike_rekey_by(gw());
	/* The CHILD SA under the new IKE SA still rekeys. */
	rekey_and_check(cl(), false);
}

/* A day (the profile's lifetime) with DPD, CHILD and IKE rekeys on their
 * timers: one IKE SA and one pair all along, and they still match. */
static void test_a_day(void **state)
{
	uint64_t first;

	(void)state;
	connect_client();
	first = only_sa(gw())->spi_r;
	advance(24ull * 3600 * 1000);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 1);
	assert_int_not_equal(only_sa(gw())->spi_r, first);
	assert_int_equal(nodes[0].dp.n_sa, 2);
	assert_int_equal(nodes[1].dp.n_sa, 2);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
	assert_int_equal(ike_engine_stats(gw())->dead, 0);
}

static void on_moved(struct ike_sa *sa, struct ike_msg *m)
{
	(void)sa;
	answered_natd = ike_pld_notify(m, IKE_N_NAT_DETECTION_SOURCE_IP) != NULL;
}

static uint16_t malformed_answer;

static void on_malformed_answer(struct ike_sa *sa, struct ike_msg *m)
{
	(void)sa;
	malformed_answer = m->n_notifies ? m->notify[0].type : 0;
}

/* An authentic request whose payloads do not parse (a KE payload too
 * short for its group field) is answered with INVALID_SYNTAX, protected;
 * the established IKE SA stays, and so do its CHILD SAs. */
static void test_malformed_request_answered(void **state)
{
	static const uint8_t one = 14;
	uint64_t malformed;
	struct ike_sa *c;
	struct ike_gen g;

	(void)state;
	connect_client();
	malformed = ike_engine_stats(gw())->malformed;
	c = only_sa(cl());
	ike_msg_begin(c, &g, IKE_EX_INFORMATIONAL, false);
	ike_gen_begin(&g, IKE_PLD_KE, false);
	ike_gen_bytes(&g, &one, 1);
	ike_gen_end(&g);
	malformed_answer = 0;
	assert_int_equal(ike_msg_request(c, &g, on_malformed_answer, 0), 0);
	run();
	assert_int_equal(malformed_answer, IKE_N_INVALID_SYNTAX);
	assert_int_equal(ike_engine_stats(gw())->malformed, malformed + 1);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	assert_int_equal(nodes[0].dp.n_sa, 2);
	/* The window moved: the next request is answered as usual. */
	ike_msg_begin(c, &g, IKE_EX_INFORMATIONAL, false);
	malformed_answer = 1;
	assert_int_equal(ike_msg_request(c, &g, on_malformed_answer, 0), 0);
	run();
	assert_int_equal(malformed_answer, 0);
}

/* The client moves to 203.0.113.9 and sends UPDATE_SA_ADDRESSES from
 * there (RFC 4555 section 3.5). */
static void client_moves(void)
{
	struct ike_sa *c = only_sa(cl());
	struct ike_gen g;

	assert_true(addr_parse("203.0.113.9", &nodes[1].ep.addr));
	c->local.addr = nodes[1].ep.addr;
	c->local.port = c->remote.port = IKE_NATT_PORT; /* RFC 4555 3.3 */
	ike_msg_begin(c, &g, IKE_EX_INFORMATIONAL, false);
	ike_gen_notify(&g, 0, NULL, 0, IKE_N_UPDATE_SA_ADDRESSES, NULL, 0);
	ike_natd_gen(c, &g);
	assert_int_equal(ike_msg_request(c, &g, on_moved, 0), 0);
}

/* Section 3.5's return routability check: the gateway's INFORMATIONAL
 * requests carrying COOKIE2, and whether the client's answers may pass. */
static unsigned int cookie2_probes;
static bool drop_cookie2_echo;

static bool watch_cookie2(const struct pkt *p)
{
	bool resp = p->buf[19] & IKE_FLAG_RESPONSE;

	if (p->buf[18] != IKE_EX_INFORMATIONAL)
		return false;
	if (p->from == 0 && !resp)
		cookie2_probes++;
	return p->from == 1 && resp && drop_cookie2_echo;
}

/* MOBIKE: the phone leaves Wi-Fi for 4G and tells the gateway; the SAs
 * follow without a new negotiation, once the new address answered the
 * gateway's return routability check. */
static void test_mobike(void **state)
{
	(void)state;
	connect_client();
	assert_true(only_sa(gw())->mobike);
	cookie2_probes = 0;
	drop_cookie2_echo = false;
	drop = watch_cookie2;
	client_moves();
	run();
	assert_true(answered_natd);
	assert_int_equal(cookie2_probes, 1);
	assert_true(addr_equal(&only_sa(gw())->remote.addr, &nodes[1].ep.addr));
	assert_false(ike_sa_natt(only_sa(gw())));
	assert_int_equal(nodes[0].dp.updates, 2);
	for (unsigned int i = 0; i < nodes[0].dp.n_sa; i++)
		assert_true(addr_equal(&nodes[0].dp.sa[i].remote,
				       &nodes[1].ep.addr));
	drop = NULL;
}

/* A new address that never answers the check gets no ESP: the CHILD SAs
 * stay where they were, and the IKE SA goes when the check's
 * retransmissions give up. */
static void test_mobike_unanswered_check(void **state)
{
	struct ip_addr old;

	(void)state;
	connect_client();
	old = nodes[1].ep.addr;
	cookie2_probes = 0;
	drop_cookie2_echo = true;
	drop = watch_cookie2;
	client_moves();
	run();
	assert_true(answered_natd);
	assert_true(addr_equal(&only_sa(gw())->remote.addr, &nodes[1].ep.addr));
	assert_int_equal(nodes[0].dp.updates, 0);
	for (unsigned int i = 0; i < nodes[0].dp.n_sa; i++)
		assert_true(addr_equal(&nodes[0].dp.sa[i].remote, &old));
	advance(64 * IKE_RETRANS_MS);
	assert_int_equal(cookie2_probes, IKE_RETRANS_TRIES);
	assert_int_equal(nodes[0].dp.updates, 0);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);
	assert_int_equal(nodes[0].dp.n_sa, 0);
	drop = NULL;
}

/* Two espgw engines build a site-to-site tunnel from their fixed
 * policies: FQDN identities both ways, AES-GCM, no virtual address. */
static void test_site_to_site(void **state)
{
	struct chan_sa *in;
	struct ike_sa *b;

	(void)state;
	ike_engine_start(cl()); /* gateway A initiates: passive = false */
	ike_engine_start(gw()); /* B is passive */
	run();
	b = only_sa(gw());
	assert_int_equal(b->state, IKE_SA_ESTABLISHED);
	assert_string_equal(b->id_text, "fqdn:gw-a.example.net");
	assert_string_equal(only_sa(cl())->id_text, "fqdn:gw-b.example.net");
	assert_int_equal(b->prop.encr->id, ALGO_AES_256_GCM);
	assert_null(b->prop.integ);
	assert_int_equal(b->prop.dh->id, ALGO_CURVE25519);
	assert_int_equal(b->vip.family, 0);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
	expect_pair(&nodes[1].dp, &nodes[0].dp);
	in = dp_sa_by_spi(&nodes[0].dp, b->children->spi_in, CHAN_DIR_IN);
	assert_int_equal(in->enc_algo, ALGO_AES_256_GCM);
	assert_int_equal(in->integ_algo, 0);
	assert_int_equal(in->enc_key_len, 36); /* key and salt */
	expect_prefix(&in->ts_local, "10.2.0.0/24");
	expect_prefix(&in->ts_remote, "10.1.0.0/24");
	/* B rekeys its CHILD SA with PFS (curve25519). */
	rekey_and_check(gw(), true);
}

/* A peer whose ID is not the configured remote_id is refused. */
static void test_site_to_site_wrong_id(void **state)
{
	(void)state;
	snprintf(nodes[1].cfg->ipsec.identities[0].my_id.value, CFG_ID_MAX,
		 "%s", "mallory.example.net");
	ike_engine_start(cl());
	run();
	assert_int_equal(ike_engine_stats(gw())->auth_failed, 1);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);
	assert_int_equal(nodes[0].dp.sa_adds, 0);
}

/* ---- IKE fragmentation (RFC 7383) ---- */

#define FRAG_SIZE 160 /* every IKE_AUTH message goes in several SKFs */
#define MAX_HELD  (2 * IKE_FRAG_MAX)

static struct pkt held[MAX_HELD];
static unsigned int n_held;

static void frag_small(void)
{
	ike_engine_set_fragment_size(gw(), FRAG_SIZE);
	ike_engine_set_fragment_size(cl(), FRAG_SIZE);
}

static bool is_skf(const struct pkt *p)
{
	return p->buf[16] == IKE_PLD_SKF;
}

/* Keep the client's IKE_AUTH request fragments back. */
static bool hold_auth_request(const struct pkt *p)
{
	if (p->from != 1 || p->buf[18] != IKE_EX_IKE_AUTH ||
	    (p->buf[19] & IKE_FLAG_RESPONSE))
		return false;
	assert_true(is_skf(p));
	assert_true(n_held < MAX_HELD);
	held[n_held++] = *p;
	return true;
}

static void expect_rw_up(void)
{
	struct ike_sa *g = only_sa(gw()), *c = only_sa(cl());

	assert_int_equal(g->state, IKE_SA_ESTABLISHED);
	assert_int_equal(c->state, IKE_SA_ESTABLISHED);
	assert_string_equal(g->id_text, "fqdn:alice.example.org");
	assert_int_equal(c->vip.family, ADDR_V4);
	assert_true(addr_equal(&c->vip, &g->vip));
	assert_int_equal(g->vip.v4[3], 100);
	assert_int_equal(nodes[0].dp.n_sa, 2);
	assert_int_equal(nodes[1].dp.n_sa, 2);
	expect_pair(&nodes[0].dp, &nodes[1].dp);
	expect_pair(&nodes[1].dp, &nodes[0].dp);
}

/* Every datagram of both IKE_AUTH messages is an SKF no longer than the
 * fragment size, and the result is the road warrior's. */
static bool check_frag(const struct pkt *p)
{
	if (p->buf[18] == IKE_EX_IKE_AUTH) {
		assert_true(is_skf(p));
		assert_true(p->len <= FRAG_SIZE);
	}
	return false;
}

static void test_frag_road_warrior(void **state)
{
	const struct ike_engine_stats *gs = ike_engine_stats(gw());
	const struct ike_engine_stats *cs = ike_engine_stats(cl());

	(void)state;
	frag_small();
	drop = check_frag;
	connect_client();
	expect_rw_up();
	assert_int_equal(gs->frag_sent, 1);
	assert_int_equal(cs->frag_sent, 1);
	assert_true(gs->fragments >= 3);
	assert_true(cs->fragments >= 3);
	assert_int_equal(gs->frag_dropped + cs->frag_dropped, 0);
	assert_null(only_sa(gw())->frag_rx);
	assert_null(only_sa(cl())->frag_rx);
	/* Each IKE_AUTH datagram of the client's reached the gateway as one
	 * fragment (the network here loses nothing). */
	assert_int_equal(gs->fragments, nodes[1].sent[IKE_EX_IKE_AUTH - 34]);
}

/* Site to site with AES-GCM: the SKF header is in the associated data
 * (RFC 7383 section 2.5.3); the CHILD SA rekey may go in fragments too. */
static void test_frag_site_to_site_gcm(void **state)
{
	frag_small();
	drop = check_frag;
	test_site_to_site(state);
	assert_true(ike_engine_stats(gw())->frag_sent >= 1);
	assert_true(ike_engine_stats(cl())->frag_sent >= 1);
	assert_int_equal(ike_engine_stats(gw())->frag_dropped, 0);
}

/* The default size leaves the tutorial's IKE_AUTH whole. */
static void test_frag_not_needed(void **state)
{
	(void)state;
	connect_client();
	expect_rw_up();
	assert_int_equal(ike_engine_stats(gw())->frag_sent, 0);
	assert_int_equal(ike_engine_stats(cl())->frag_sent, 0);
	assert_int_equal(ike_engine_stats(gw())->fragments, 0);
}

static void deliver_held(unsigned int i)
{
	struct pkt p = held[i]; /* opening decrypts in place */

	inject(&p);
}

/* Out of order, each twice, a forged one in the middle: the set still
 * completes, the forgery counted and nothing else disturbed. */
static void test_frag_reorder_duplicate_forged(void **state)
{
	const struct ike_engine_stats *gs = ike_engine_stats(gw());
	struct pkt forged;

	(void)state;
	frag_small();
	drop = hold_auth_request;
	connect_client();
	assert_true(n_held >= 3);
	assert_int_equal(only_sa(cl())->state, IKE_SA_AUTH_SENT);
	drop = NULL;

	deliver_held(n_held - 1);
	forged = held[0];
	forged.buf[forged.len - 1] ^= 1; /* ICV */
	inject(&forged);
	assert_int_equal(gs->bad_icv, 1);
	assert_int_equal(gs->frag_dropped, 1);
	assert_non_null(only_sa(gw())->frag_rx);
	for (unsigned int i = n_held - 1; i-- > 1;) {
		deliver_held(i);
		deliver_held(i);
		deliver_held(n_held - 1);
	}
	assert_int_equal(n_queued, 0); /* fragment 1 still missing */
	assert_int_equal(only_sa(gw())->frag_rx->n_have, n_held - 1);
	deliver_held(0);
	assert_null(only_sa(gw())->frag_rx);
	run();
	expect_rw_up();
	assert_int_equal(nodes[0].dp.sa_adds, 2);
}

static unsigned int resp_frags_dropped;

static bool drop_one_response_fragment(const struct pkt *p)
{
	if (p->from == 0 && p->buf[18] == IKE_EX_IKE_AUTH &&
	    resp_frags_dropped == 0 && is_skf(p) && p->buf[33] == 2) {
		resp_frags_dropped++;
		return true;
	}
	return false;
}

/* A lost response fragment: the client sends its whole request again,
 * the gateway answers fragment 1 with every response fragment. */
static void test_frag_lost_fragment(void **state)
{
	(void)state;
	frag_small();
	resp_frags_dropped = 0;
	drop = drop_one_response_fragment;
	connect_client();
	assert_int_equal(resp_frags_dropped, 1);
	assert_int_equal(only_sa(cl())->state, IKE_SA_AUTH_SENT);
	assert_non_null(only_sa(cl())->frag_rx);
	advance(IKE_RETRANS_MS);
	run();
	assert_int_equal(ike_engine_stats(cl())->retransmits, 1);
	assert_int_equal(ike_engine_stats(gw())->duplicates, 1);
	expect_rw_up();
	assert_int_equal(nodes[0].dp.sa_adds, 2); /* installed once */
}

/* An SKF the client's SA seals for the gateway: fragment num of total of
 * an INFORMATIONAL request with the given plaintext. */
static void send_frag(uint16_t num, uint16_t total, const uint8_t *plain,
		      size_t n)
{
	struct ike_sa *c = only_sa(cl()), *g = only_sa(gw());
	struct pkt p = {.from = 1, .src = g->remote, .dst = g->local};
	struct ike_gen f;

	ike_gen_init(&f, p.buf, sizeof(p.buf));
	ike_gen_hdr(&f, c->spi_i, c->spi_r, IKE_EX_INFORMATIONAL,
		    IKE_FLAG_INITIATOR, c->next_msg_id);
	ike_gen_skf_begin(&f, ike_sk_iv_len(&c->sk_out), num, total);
	assert_false(f.failed);
	f.buf[f.sk_off] = num == 1 ? IKE_PLD_V : 0;
	memcpy(ike_gen_reserve(&f, n), plain, n);
	assert_int_equal(ike_sk_seal(&c->sk_out, &f, &p.len), IKE_SK_OK);
	inject(&p);
}

/* A vendor ID payload of n octets in all, cut at half. */
static size_t vendor_plain(uint8_t *buf, size_t n)
{
	memset(buf, 0x5a, n);
	buf[0] = IKE_PLD_NONE;
	buf[1] = 0;
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	return n;
}

/* Too many fragments, too many octets, a set left too long: refused,
 * with what is held bounded; then a good set still goes through. */
static void test_frag_limits(void **state)
{
	const struct ike_engine_stats *gs = ike_engine_stats(gw());
	uint8_t plain[1000];
	struct ike_sa *g;
	uint32_t id;

	(void)state;
	connect_client();
	g = only_sa(gw());
	id = g->peer_msg_id;

	send_frag(1, IKE_FRAG_MAX + 1, plain, vendor_plain(plain, 40));
	assert_int_equal(gs->frag_dropped, 1);
	assert_null(g->frag_rx);

	/* 32 fragments of 1000 octets: past IKE_FRAG_MAX_BYTES. */
	vendor_plain(plain, sizeof(plain));
	for (uint16_t i = 1; i <= IKE_FRAG_MAX; i++) {
		send_frag(i, IKE_FRAG_MAX, plain, sizeof(plain));
		assert_true(!g->frag_rx ||
			    g->frag_rx->bytes <= IKE_FRAG_MAX_BYTES);
	}
	assert_true(gs->frag_dropped >= 2);
	assert_int_equal(g->peer_msg_id, id); /* nothing answered */
	assert_int_equal(n_queued, 0);

	/* Fragment 1 of 2, then 2 after the timeout (and perhaps a DPD
	 * exchange, a newer message ID): the set starts over. */
	ike_frag_rx_free(g);
	vendor_plain(plain, 60);
	send_frag(1, 2, plain, 30);
	assert_int_equal(g->frag_rx->n_have, 1);
	advance(IKE_FRAG_TIMEOUT_MS + 1);
	g = only_sa(gw());
	id = g->peer_msg_id;
	send_frag(2, 2, plain + 30, 30);
	assert_int_equal(g->peer_msg_id, id);
	assert_int_equal(g->frag_rx->n_have, 1);
	send_frag(1, 2, plain, 30);
	assert_int_equal(g->peer_msg_id, id + 1); /* answered */
	assert_null(g->frag_rx);
	run();
	assert_int_equal(only_sa(cl())->state, IKE_SA_ESTABLISHED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_road_warrior),
		T(test_wrong_psk),
		T(test_pool_exhaustion_and_return),
		T(test_dh_reuse),
		T(test_dh_reuse_count),
		T(test_lost_response_retransmit),
		T(test_delete),
		T(test_dpd_failure),
		T(test_dpd_answered),
		T(test_malformed_dropped),
		T(test_nat),
		T(test_nat_mobike_no_implicit_update),
		T(test_nat_keepalive),
		T(test_no_nat_no_keepalive),
		T(test_cookie),
		T(test_initial_contact),
		T(test_child_rekey_by_client),
		T(test_child_rekey_by_gateway),
		T(test_child_rekey_answer),
		T(test_child_rekey_answer_lost),
		T(test_rekey_on_lifetime),
		T(test_rekey_on_dp_event),
		T(test_ike_rekey),
		T(test_a_day),
		T(test_malformed_request_answered),
		T(test_mobike),
		T(test_mobike_unanswered_check),
		T(test_frag_road_warrior),
		T(test_frag_not_needed),
		T(test_frag_reorder_duplicate_forged),
		T(test_frag_lost_fragment),
		T(test_frag_limits),
		cmocka_unit_test_setup_teardown(test_site_to_site, setup_s2s,
						teardown),
		cmocka_unit_test_setup_teardown(test_site_to_site_wrong_id,
						setup_s2s, teardown),
		cmocka_unit_test_setup_teardown(test_frag_site_to_site_gcm,
						setup_s2s, teardown),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
