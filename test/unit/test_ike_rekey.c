/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rekey collisions between two engines (ike_pair.h): both ends rekey the
 * same CHILD SA or the IKE SA at once (RFC 7296 sections 2.8.1, 2.8.2),
 * and rekeys that meet a delete or the other kind of rekey (2.25).
 *
 * The nonces decide a collision, so each engine draws its randomness
 * from a script here: a seeded generator for SPIs, and for each nonce the
 * next first octet of its list, which picks the exchange holding the
 * lowest of the four nonces.
 */
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "ike_pair.h"
#include "ts.h"

/* ---- scripted randomness ---- */

static uint64_t seed[2];
static uint8_t nonce_first[2][4];
static unsigned int n_first[2], used_first[2];

static void scripted_random(void *arg, void *buf, size_t len)
{
	int i = (int)((struct node *)arg - nodes);
	uint8_t *b = buf;

	for (size_t k = 0; k < len; k++) {
		seed[i] ^= seed[i] << 13; /* xorshift64 */
		seed[i] ^= seed[i] >> 7;
		seed[i] ^= seed[i] << 17;
		b[k] = (uint8_t)seed[i];
	}
	if (len == IKE_NONCE_LEN && used_first[i] < n_first[i])
		b[0] = nonce_first[i][used_first[i]++];
}

/* Node i's next nonces start with a, then b (its request's Ni, then its
 * answer's Nr). */
static void script(int i, uint8_t a, uint8_t b)
{
	seed[i] = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
	nonce_first[i][0] = a;
	nonce_first[i][1] = b;
	n_first[i] = 2;
	used_first[i] = 0;
	nodes[i].e->ops.random = scripted_random;
}

/* The exchange that node low starts holds the lowest nonce: its Ni is
 * 0x01; the other exchange's nonces start 0x40 and 0x90. */
static void low_exchange_by(int low)
{
	script(low, 0x01, 0x90);
	script(!low, 0x40, 0x80);
}

/* ---- what crossed the network ---- */

#define MAX_SEEN 16

/* Per sender: CREATE_CHILD_SA responses' first notify (0: none), and the
 * ESP SPIs named in DELETE requests; opened with the receiver's keys. */
static uint16_t notified[2][MAX_SEEN];
static uint32_t deleted[2][MAX_SEEN];
static unsigned int n_notified[2], n_deleted[2], n_info_req[2];

/* Drop the first request of that node and exchange; keep it in held. */
static struct drop_rule {
	int from;
	uint8_t exchange;
	bool hold, armed, every;
} rules[2];
static struct pkt held;
static bool holding;
/* The redundant pair's SPI: no outbound policy may ever use it, for the
 * side that made it never installed it (checked between datagrams). */
static uint32_t never_out;
static unsigned int n_bad_out;

static void seen_reset(void)
{
	memset(notified, 0, sizeof(notified));
	memset(deleted, 0, sizeof(deleted));
	memset(n_notified, 0, sizeof(n_notified));
	memset(n_deleted, 0, sizeof(n_deleted));
	memset(n_info_req, 0, sizeof(n_info_req));
	memset(rules, 0, sizeof(rules));
	holding = false;
	never_out = 0;
	n_bad_out = 0;
}

static void check_out(void)
{
	for (int i = 0; i < 2 && never_out; i++) {
		struct dp *d = &nodes[i].dp;

		for (unsigned int k = 0; k < d->n_pol; k++) {
			const struct chan_sa *s = dp_sa(d, d->pol[k].sa_id);

			n_bad_out += d->pol[k].dir == CHAN_DIR_OUT && s &&
				     s->spi == never_out;
		}
	}
}

/* p opened with the receiver's IKE SA of p's SPIs; false if it has none. */
static bool open_pkt(const struct pkt *p, struct ike_msg *m)
{
	static uint8_t buf[IKE_MSG_MAX];
	struct ike_engine *to = nodes[!p->from].e;
	struct ike_sa *sa;

	memcpy(buf, p->buf, p->len);
	if (ike_pld_parse(buf, p->len, m) != 0)
		return false;
	/* The receiver's SPI: SPIi where it initiated the IKE SA. */
	sa = ike_sa_find(to, m->hdr.spi_r);
	if (!sa || sa->spi_i != m->hdr.spi_i)
		sa = ike_sa_find(to, m->hdr.spi_i);
	return sa && ike_msg_open(sa, buf, p->len, m) == 0;
}

static void note_pkt(const struct pkt *p)
{
	bool resp = p->buf[19] & IKE_FLAG_RESPONSE;
	struct ike_msg m;

	if (p->buf[18] == IKE_EX_INFORMATIONAL && !resp)
		n_info_req[p->from]++;
	if (!open_pkt(p, &m))
		return;
	if (p->buf[18] == IKE_EX_CREATE_CHILD_SA && resp &&
	    n_notified[p->from] < MAX_SEEN)
		notified[p->from][n_notified[p->from]++] =
			m.n_notifies ? m.notify[0].type : 0;
	if (p->buf[18] != IKE_EX_INFORMATIONAL || resp)
		return;
	for (unsigned int i = 0; i < m.n_deletes; i++)
		for (unsigned int k = 0; k < m.del[i].n_spi &&
		     m.del[i].protocol == IKE_PROTO_ESP &&
		     n_deleted[p->from] < MAX_SEEN; k++)
			memcpy(&deleted[p->from][n_deleted[p->from]++],
			       m.del[i].spis.ptr + 4 * k, 4);
}

/* Records what passes; drops or holds the requests asked for. */
static bool watch(const struct pkt *p)
{
	bool resp = p->buf[19] & IKE_FLAG_RESPONSE;

	note_pkt(p);
	check_out();
	for (int i = 0; i < 2 && !resp; i++) {
		struct drop_rule *r = &rules[i];

		if (!r->armed || r->from != p->from ||
		    r->exchange != p->buf[18])
			continue;
		r->armed = r->every;
		if (r->hold) {
			assert_false(holding);
			held = *p;
			holding = true;
		}
		return true;
	}
	return false;
}

static void drop_first(int rule, int from, uint8_t exchange, bool hold)
{
	rules[rule] = (struct drop_rule){ from, exchange, hold, true, false };
}

/* Drop every request of that node and exchange from now on. */
static void drop_every(int rule, int from, uint8_t exchange)
{
	rules[rule] = (struct drop_rule){ from, exchange, false, true, true };
}

/* Deliver the held datagram now, as run() would. */
static void deliver_held(void)
{
	assert_true(holding);
	holding = false;
	note_pkt(&held);
	ike_engine_input(nodes[!held.from].e, &held.dst, &held.src, held.buf,
			 held.len);
	run();
}

static int setup_watch(void **state)
{
	int rc = setup(state);

	seen_reset();
	drop = watch;
	return rc;
}

/* ---- checks ---- */

/* Each side has one pair, that of SPI spi on side owner (its inbound),
 * matching the other side's, with one policy each way naming it. */
static void expect_only_pair(int owner, uint32_t spi)
{
	for (int i = 0; i < 2; i++) {
		struct dp *d = &nodes[i].dp;
		const struct chan_sa *s = dp_sa_by_spi(
			d, spi, i == owner ? CHAN_DIR_IN : CHAN_DIR_OUT);

		assert_non_null(s);
		assert_int_equal(d->n_sa, 2);
		assert_int_equal(d->n_pol, 2);
		assert_int_equal(out_policies(d), 1);
		for (unsigned int k = 0; k < d->n_pol; k++)
			assert_non_null(dp_sa(d, d->pol[k].sa_id));
		assert_non_null(dp_pol_of_sa(d, s->id));
		assert_non_null(dp_pol_of_sa(d, s->twin_id));
	}
	expect_pair(&nodes[0].dp, &nodes[1].dp);
	expect_pair(&nodes[1].dp, &nodes[0].dp);
}

static void expect_gone(uint32_t spi)
{
	for (int i = 0; i < 2; i++) {
		assert_null(dp_sa_by_spi(&nodes[i].dp, spi, CHAN_DIR_IN));
		assert_null(dp_sa_by_spi(&nodes[i].dp, spi, CHAN_DIR_OUT));
	}
}

/* A plain rekey still works afterwards, and the pairs match. */
static void expect_rekeys_again(void)
{
	uint32_t in = only_sa(cl())->children->spi_in;

	assert_null(only_sa(cl())->children->next);
	assert_null(only_sa(gw())->children->next);
	assert_int_equal(ike_rekey_child(only_sa(cl())->children), 0);
	run();
	assert_int_not_equal(only_sa(cl())->children->spi_in, in);
	expect_only_pair(1, only_sa(cl())->children->spi_in);
}

/* ---- CHILD SA collision (section 2.8.1) ---- */

/* Both ends rekey the pair, node first's request on the wire first; the
 * exchange node low started holds the lowest nonce, so low deletes its
 * new pair, never installed, and the other deletes the old pair. */
static void child_collision(int first, int low)
{
	uint32_t old[2], mine[2];
	unsigned int adds[2];
	int win = !low;

	connect_client();
	low_exchange_by(low);
	for (int i = 0; i < 2; i++) {
		old[i] = only_sa(nodes[i].e)->children->spi_in;
		adds[i] = nodes[i].dp.sa_adds;
	}
	for (int k = 0; k < 2; k++) {
		int i = k ? !first : first;
		struct ike_sa *sa = only_sa(nodes[i].e);

		assert_int_equal(ike_rekey_child(sa->children), 0);
		mine[i] = sa->rekey->new->spi_in;
	}
	never_out = mine[low];
	watch_out = true;
	run();
	watch_out = false;
	check_out();
	assert_int_equal(n_bad_out, 0);

	expect_only_pair(win, mine[win]);
	expect_gone(mine[low]);
	expect_gone(old[0]);
	expect_gone(old[1]);
	/* The old pair deleted once, by the winner; the redundant pair by
	 * its creator, which never installed it. */
	assert_int_equal(n_deleted[win], 1);
	assert_int_equal(deleted[win][0], old[win]);
	assert_int_equal(n_deleted[low], 1);
	assert_int_equal(deleted[low][0], mine[low]);
	assert_int_equal(nodes[low].dp.sa_adds, adds[low] + 2);
	assert_int_equal(nodes[win].dp.sa_adds, adds[win] + 4);
	assert_int_equal(notified[0][0], 0);
	assert_int_equal(notified[1][0], 0);
	expect_rekeys_again();
}

static void test_child_collision_client_first_client_low(void **state)
{
	(void)state;
	child_collision(1, 1);
}

static void test_child_collision_client_first_gateway_low(void **state)
{
	(void)state;
	child_collision(1, 0);
}

static void test_child_collision_gateway_first_client_low(void **state)
{
	(void)state;
	child_collision(0, 1);
}

static void test_child_collision_gateway_first_gateway_low(void **state)
{
	(void)state;
	child_collision(0, 0);
}

/* Only the gateway sees the collision: its request is lost, the client
 * finishes its rekey and deletes the old pair, which ends the gateway's
 * attempt; the retransmitted request is for a pair that is gone:
 * CHILD_SA_NOT_FOUND (section 2.25), and the client's pair stays. */
static void test_child_collision_one_sided(void **state)
{
	uint32_t old, mine[2];

	(void)state;
	connect_client();
	low_exchange_by(1); /* would make the client's redundant */
	old = only_sa(cl())->children->spi_in;
	drop_first(0, 0, IKE_EX_CREATE_CHILD_SA, false);
	for (int i = 0; i < 2; i++) {
		struct ike_sa *sa = only_sa(nodes[i].e);

		assert_int_equal(ike_rekey_child(sa->children), 0);
		mine[i] = sa->rekey->new->spi_in;
	}
	never_out = mine[0];
	watch_out = true;
	run();
	assert_null(only_sa(gw())->rekey); /* given up with the old pair */
	advance(IKE_RETRANS_MS);
	watch_out = false;
	check_out();
	assert_int_equal(n_bad_out, 0);
	assert_int_equal(n_notified[1], 1);
	assert_int_equal(notified[1][0], IKE_N_CHILD_SA_NOT_FOUND);
	assert_int_equal(n_deleted[1], 1);
	assert_int_equal(deleted[1][0], old);
	assert_int_equal(n_deleted[0], 0);
	expect_only_pair(1, mine[1]);
	expect_gone(mine[0]);
	expect_rekeys_again();
}

/* ---- rekeys that meet a delete or the other kind (section 2.25) ---- */

/* The gateway is deleting the IKE SA (its DELETE not yet arrived): the
 * client's CHILD SA and IKE SA rekeys get TEMPORARY_FAILURE and change
 * nothing; then the DELETE takes everything down. */
static void test_rekey_while_deleting(void **state)
{
	uint32_t in;

	(void)state;
	connect_client();
	in = spi_of(&nodes[1].dp, CHAN_DIR_IN);
	drop_first(0, 0, IKE_EX_INFORMATIONAL, true);
	assert_int_equal(ike_info_delete_ike(only_sa(gw())), 0);
	run();
	assert_int_equal(ike_rekey_child(only_sa(cl())->children), 0);
	run();
	assert_int_equal(ike_rekey_ike(only_sa(cl())), 0);
	run();
	assert_int_equal(n_notified[0], 2);
	assert_int_equal(notified[0][0], IKE_N_TEMPORARY_FAILURE);
	assert_int_equal(notified[0][1], IKE_N_TEMPORARY_FAILURE);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 1);
	assert_int_equal(nodes[1].dp.n_sa, 2);
	assert_int_equal(spi_of(&nodes[1].dp, CHAN_DIR_IN), in);
	deliver_held();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 0);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 0);
	assert_int_equal(nodes[0].dp.n_sa, 0);
	assert_int_equal(nodes[1].dp.n_sa, 0);
}

/* The client's CHILD SA rekey arrives while the gateway's IKE SA rekey
 * is under way: TEMPORARY_FAILURE; the client tries again within two
 * seconds, under the new IKE SA, and succeeds. */
static void test_child_rekey_during_ike_rekey(void **state)
{
	struct ike_sa *g;
	uint32_t in;
	uint64_t spi;

	(void)state;
	connect_client();
	in = only_sa(cl())->children->spi_in;
	drop_first(0, 0, IKE_EX_CREATE_CHILD_SA, false);
	g = only_sa(gw());
	assert_int_equal(ike_rekey_ike(g), 0);
	spi = g->rekey_ike->spi_i;
	run();
	assert_int_equal(ike_rekey_child(only_sa(cl())->children), 0);
	run();
	assert_int_equal(n_notified[0], 1);
	assert_int_equal(notified[0][0], IKE_N_TEMPORARY_FAILURE);
	assert_int_equal(only_sa(cl())->children->spi_in, in);
	advance(IKE_RETRANS_MS); /* the IKE SA rekey goes through */
	assert_int_equal(ike_engine_n_ike_sas(cl()), 1);
	assert_int_equal(only_sa(cl())->spi_i, spi);
	assert_int_equal(only_sa(cl())->children->spi_in, in);
	advance(2000); /* and then the CHILD SA's */
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	assert_int_not_equal(only_sa(cl())->children->spi_in, in);
	assert_int_equal(only_sa(gw())->spi_i, spi);
	expect_only_pair(1, only_sa(cl())->children->spi_in);
}

/* The other way round: the gateway's IKE SA rekey arrives while the
 * client's CHILD SA rekey is under way. */
static void test_ike_rekey_during_child_rekey(void **state)
{
	uint32_t in;
	uint64_t spi;

	(void)state;
	connect_client();
	in = only_sa(cl())->children->spi_in;
	spi = only_sa(gw())->spi_r;
	drop_first(0, 1, IKE_EX_CREATE_CHILD_SA, false);
	assert_int_equal(ike_rekey_child(only_sa(cl())->children), 0);
	run();
	assert_int_equal(ike_rekey_ike(only_sa(gw())), 0);
	run();
	assert_int_equal(n_notified[1], 1);
	assert_int_equal(notified[1][0], IKE_N_TEMPORARY_FAILURE);
	assert_int_equal(only_sa(gw())->spi_r, spi);
	advance(IKE_RETRANS_MS); /* the CHILD SA rekey goes through */
	assert_int_not_equal(only_sa(cl())->children->spi_in, in);
	assert_int_equal(only_sa(gw())->spi_r, spi);
	advance(2000); /* and then the IKE SA's */
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 1);
	assert_int_not_equal(only_sa(gw())->spi_r, spi);
	assert_int_equal(only_sa(gw())->spi_i, only_sa(cl())->spi_i);
	assert_int_equal(only_sa(gw())->spi_r, only_sa(cl())->spi_r);
	expect_only_pair(1, only_sa(cl())->children->spi_in);
}

/* ---- IKE SA collision (section 2.8.2) ---- */

/* One IKE SA left on each side, the same, made by node win's rekey
 * (its SPIi), holding the pair and the virtual address; it works. */
static void expect_ike_winner(uint64_t spi_i, unsigned int adds)
{
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	assert_int_equal(ike_engine_n_ike_sas(cl()), 1);
	assert_int_equal(only_sa(gw())->spi_i, spi_i);
	assert_int_equal(only_sa(cl())->spi_i, spi_i);
	assert_int_equal(only_sa(gw())->spi_r, only_sa(cl())->spi_r);
	assert_int_equal(only_sa(gw())->vip.v4[3], 100);
	assert_non_null(only_sa(gw())->children);
	assert_non_null(only_sa(cl())->children);
	assert_int_equal(nodes[0].dp.n_sa, 2);
	assert_int_equal(nodes[1].dp.n_sa, 2);
	assert_int_equal(nodes[0].dp.sa_adds, adds); /* nothing reinstalled */
	advance(120000); /* DPD on the survivor */
	assert_int_equal(ike_engine_stats(gw())->dead, 0);
	assert_int_equal(ike_engine_stats(cl())->dead, 0);
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	expect_rekeys_again();
}

static void ike_collision(int first, int low)
{
	uint64_t mine[2];
	unsigned int adds;
	int win = !low;

	connect_client();
	low_exchange_by(low);
	adds = nodes[0].dp.sa_adds;
	for (int k = 0; k < 2; k++) {
		int i = k ? !first : first;
		struct ike_sa *sa = only_sa(nodes[i].e);

		assert_int_equal(ike_rekey_ike(sa), 0);
		mine[i] = sa->rekey_ike->spi_i;
	}
	run();
	/* Each side deleted one IKE SA: the winner the old one, the loser
	 * its own new one. */
	assert_int_equal(n_info_req[0], 1);
	assert_int_equal(n_info_req[1], 1);
	expect_ike_winner(mine[win], adds);
}

static void test_ike_collision_client_first_client_low(void **state)
{
	(void)state;
	ike_collision(1, 1);
}

static void test_ike_collision_client_first_gateway_low(void **state)
{
	(void)state;
	ike_collision(1, 0);
}

static void test_ike_collision_gateway_first_client_low(void **state)
{
	(void)state;
	ike_collision(0, 1);
}

static void test_ike_collision_gateway_first_gateway_low(void **state)
{
	(void)state;
	ike_collision(0, 0);
}

/* Only the gateway sees the collision: the client finishes first and
 * is deleting the old IKE SA when the gateway's request reaches it:
 * TEMPORARY_FAILURE, and the gateway forgets its rekey; the client's
 * new IKE SA stays whatever the nonces say. */
static void test_ike_collision_one_sided(void **state)
{
	struct ike_sa *c;
	uint64_t mine;
	unsigned int adds;

	(void)state;
	connect_client();
	low_exchange_by(1);
	adds = nodes[0].dp.sa_adds;
	/* Hold the gateway's request; lose the client's DELETE of the old
	 * IKE SA once. */
	drop_first(0, 0, IKE_EX_CREATE_CHILD_SA, true);
	drop_first(1, 1, IKE_EX_INFORMATIONAL, false);
	assert_int_equal(ike_rekey_ike(only_sa(gw())), 0);
	c = only_sa(cl()); /* before its new IKE SA is there too */
	assert_int_equal(ike_rekey_ike(c), 0);
	mine = c->rekey_ike->spi_i;
	run();
	assert_non_null(ike_sa_find(cl(), mine));
	deliver_held();
	assert_int_equal(n_notified[1], 1);
	assert_int_equal(notified[1][0], IKE_N_TEMPORARY_FAILURE);
	advance(IKE_RETRANS_MS);
	expect_ike_winner(mine, adds);
}

/* The client rekeys the IKE SA and then vanishes: its DELETE of the old
 * IKE SA never arrives.  The gateway deletes the old one itself once it
 * has waited long enough; the new one keeps the CHILD SAs. */
static void test_ike_rekeyed_not_deleted_by_peer(void **state)
{
	struct ike_sa *old;
	uint64_t spi;

	(void)state;
	connect_client();
	old = only_sa(gw());
	spi = old->spi_r;
	drop_every(0, 1, IKE_EX_INFORMATIONAL);
	assert_int_equal(ike_rekey_ike(only_sa(cl())), 0);
	run();
	assert_int_equal(ike_engine_n_ike_sas(gw()), 2);
	assert_null(old->children);
	advance(IKE_REKEYED_WAIT_MS - 1000);
	assert_non_null(ike_sa_find(gw(), spi));
	advance(2000 + 64 * IKE_RETRANS_MS);
	assert_null(ike_sa_find(gw(), spi));
	assert_int_equal(ike_engine_n_ike_sas(gw()), 1);
	assert_non_null(only_sa(gw())->children);
	assert_int_equal(nodes[0].dp.n_sa, 2);
}

/* ---- CHILD SAs that rekey nothing (section 1.3.1) ---- */

/* The gateway's answer to the client's request for another pair. */
static struct {
	unsigned int n;
	uint16_t notify;
	uint32_t spi; /* the gateway's inbound SPI, network order */
	struct ike_ts tsr;
} added;

static void on_added(struct ike_sa *sa, struct ike_msg *m)
{
	(void)sa;
	added.n++;
	added.notify = m->n_notifies ? m->notify[0].type : 0;
	added.spi = 0;
	if (m->sa.n_proposals == 1 && m->sa.prop[0].spi.len == 4)
		memcpy(&added.spi, m->sa.prop[0].spi.ptr, 4);
	if (m->tsr.n_ts == 1)
		added.tsr = m->tsr.ts[0];
}

static void ike_ts_of(const char *prefix, uint8_t proto, uint16_t port,
		      struct ike_ts *out)
{
	struct ip_prefix p;
	struct chan_ts t;

	assert_true(prefix_parse(prefix, &p));
	ts_from_prefix(&p, proto, port, &t);
	ts_to_ike(&t, out);
}

/* The client asks, as strongSwan would for a second connection, for a
 * pair from tsi to tsr (none: no TS payloads) with our SPI spi. */
static void ask_for_pair(const struct ike_ts *tsi, const struct ike_ts *tsr,
			 uint32_t spi)
{
	struct ike_sa *c = only_sa(cl());
	uint8_t ni[IKE_NONCE_LEN];
	struct ike_gen g;

	memset(ni, 0x5a, sizeof(ni));
	ike_msg_begin(c, &g, IKE_EX_CREATE_CHILD_SA, false);
	proposal_gen_child(&g, &nodes[1].cfg->ipsec.proposals[0], spi, false);
	ike_gen_nonce(&g, ni, sizeof(ni));
	if (tsi) {
		ike_gen_ts(&g, IKE_PLD_TSi, tsi, 1);
		ike_gen_ts(&g, IKE_PLD_TSr, tsr, 1);
	}
	assert_int_equal(ike_msg_request(c, &g, on_added, 0), 0);
	run();
	assert_int_equal(added.n, 1);
	added.n = 0;
}

static unsigned int n_children(struct ike_sa *sa)
{
	unsigned int n = 0;

	for (struct child_sa *c = sa->children; c; c = c->next)
		n++;
	return n;
}

/* A second pair for HTTPS to one host is added and installed; the same
 * again is NO_ADDITIONAL_SAS; selectors that are not the client's
 * virtual address are TS_UNACCEPTABLE; none at all, INVALID_SYNTAX. */
static void test_additional_child(void **state)
{
	const struct chan_sa *in, *out;
	struct ike_ts vip, web, other;
	char a[ADDR_STRLEN], vip_s[ADDR_STRLEN + 3];

	(void)state;
	connect_client();
	snprintf(vip_s, sizeof(vip_s), "%s/32",
		 addr_format(&only_sa(cl())->vip, a));
	ike_ts_of(vip_s, 0, 0, &vip);
	ike_ts_of("10.10.0.5/32", 6, 443, &web);
	ike_ts_of("198.51.100.7/32", 0, 0, &other);

	ask_for_pair(&vip, &web, htonl(0x1000));
	assert_int_equal(added.notify, 0);
	assert_int_not_equal(added.spi, 0);
	assert_int_equal(added.tsr.ip_proto, 6);
	assert_int_equal(added.tsr.start_port, 443);
	assert_int_equal(added.tsr.start.v4[3], 5);
	assert_int_equal(n_children(only_sa(gw())), 2);
	in = dp_sa_by_spi(&nodes[0].dp, added.spi, CHAN_DIR_IN);
	out = dp_sa_by_spi(&nodes[0].dp, htonl(0x1000), CHAN_DIR_OUT);
	assert_non_null(in);
	assert_non_null(out);
	assert_non_null(dp_pol_of_sa(&nodes[0].dp, in->id));
	assert_non_null(dp_pol_of_sa(&nodes[0].dp, out->id));
	assert_int_equal(nodes[0].dp.n_sa, 4);
	assert_int_equal(out_policies(&nodes[0].dp), 2);

	ask_for_pair(&vip, &web, htonl(0x1001));
	assert_int_equal(added.notify, IKE_N_NO_ADDITIONAL_SAS);
	ask_for_pair(&other, &web, htonl(0x1002));
	assert_int_equal(added.notify, IKE_N_TS_UNACCEPTABLE);
	ask_for_pair(NULL, NULL, htonl(0x1003));
	assert_int_equal(added.notify, IKE_N_INVALID_SYNTAX);
	assert_int_equal(nodes[0].dp.n_sa, 4);
	assert_int_equal(n_children(only_sa(gw())), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_watch, teardown)
		T(test_child_collision_client_first_client_low),
		T(test_child_collision_client_first_gateway_low),
		T(test_child_collision_gateway_first_client_low),
		T(test_child_collision_gateway_first_gateway_low),
		T(test_child_collision_one_sided),
		T(test_rekey_while_deleting),
		T(test_child_rekey_during_ike_rekey),
		T(test_ike_rekey_during_child_rekey),
		T(test_ike_collision_client_first_client_low),
		T(test_ike_collision_client_first_gateway_low),
		T(test_ike_collision_gateway_first_client_low),
		T(test_ike_collision_gateway_first_gateway_low),
		T(test_ike_collision_one_sided),
	T(test_ike_rekeyed_not_deleted_by_peer),
		T(test_additional_child),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
