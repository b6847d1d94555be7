/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SA table: installs from channel records, refusals (duplicate id and
 * SPI, twins of one direction, records the channel would reject), owners
 * dealt round robin, policies bound to SAs as they come and go, updates in
 * place, by replacement, or refused, static SAs and policies from a
 * configuration file, FLUSH_ALL sparing them, and events raised once.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dp_test_eal.h"
#include <rte_mbuf.h>

#include "esp_crypto.h"
#include "esp_outb.h"
#include "sa_table.h"

static struct rte_mempool *mp;

static struct sa_table *table(void)
{
	struct sa_table_conf c = { .n_workers = 2, .max_sas = 256,
				   .replay_window = 128,
				   .socket = SOCKET_ID_ANY };
	struct sa_table *t = sa_table_create(&c);

	assert_non_null(t);
	return t;
}

static void sel(struct chan_ts *ts, const char *prefix)
{
	char buf[64];

	memset(ts, 0, sizeof(*ts));
	snprintf(buf, sizeof(buf), "%s", prefix);
	assert_true(prefix_parse(buf, &ts->prefix));
	ts->port_hi = UINT16_MAX;
}

/* AES-256-CBC with HMAC-SHA-256 between 192.0.2.1 and .2. */
static struct chan_sa sa_rec(uint64_t id, uint32_t spi, uint8_t dir)
{
	struct chan_sa c = {
		.id = id, .spi = htonl(spi), .dir = dir,
		.mode = CHAN_MODE_TUNNEL, .enc_algo = ALGO_AES_256_CBC,
		.integ_algo = ALGO_HMAC_SHA256_128, .enc_key_len = 32,
		.integ_key_len = 32,
	};

	assert_true(addr_parse("192.0.2.1", &c.local));
	assert_true(addr_parse("192.0.2.2", &c.remote));
	memset(c.enc_key, 0x11, 32);
	memset(c.integ_key, 0x22, 32);
	sel(&c.ts_local, "10.1.0.0/24");
	sel(&c.ts_remote, "10.2.0.0/24");
	return c;
}

static struct chan_policy pol_rec(uint64_t id, uint64_t sa_id)
{
	struct chan_policy p = {
		.id = id, .sa_id = sa_id, .dir = CHAN_DIR_OUT,
		.action = CHAN_ACT_ENCRYPT, .local_port_hi = UINT16_MAX,
		.remote_port_hi = UINT16_MAX,
	};
	char l[] = "10.1.0.0/24", r[] = "10.2.0.0/24";

	assert_true(prefix_parse(l, &p.local));
	assert_true(prefix_parse(r, &p.remote));
	return p;
}

static struct spd_key key(void)
{
	struct spd_key k = { .family = ADDR_V4, .proto = 17 };

	memcpy(k.src, (uint8_t[]){ 10, 1, 0, 5 }, 4);
	memcpy(k.dst, (uint8_t[]){ 10, 2, 0, 5 }, 4);
	return k;
}

static void test_add_and_refuse(void **state)
{
	struct sa_table *t = table();
	struct chan_sa c = sa_rec(1, 0x1001, CHAN_DIR_IN);
	struct sad_entry *e1, *e2;
	const char *why = NULL;

	(void)state;
	assert_int_equal(sa_table_sa_add(t, &c, &why), 0);
	assert_int_equal(sa_table_sa_add(t, &c, &why), CHAN_ERR_SA_ID);
	assert_non_null(why);
	c.id = 2; /* same inbound SPI */
	assert_int_equal(sa_table_sa_add(t, &c, &why), CHAN_ERR_SA_SPI);
	c.spi = htonl(0x1002);
	c.twin_id = 1; /* a twin of the same direction */
	assert_int_equal(sa_table_sa_add(t, &c, &why), CHAN_ERR_SA_DIR);
	c.twin_id = 0;
	assert_int_equal(sa_table_sa_add(t, &c, &why), 0);
	c = sa_rec(3, 0x10, CHAN_DIR_OUT); /* reserved SPI */
	assert_int_equal(sa_table_sa_add(t, &c, &why), CHAN_ERR_SA_SPI);
	c = sa_rec(3, 0x3001, CHAN_DIR_OUT);
	c.enc_key_len = 16; /* wrong key length */
	assert_int_equal(sa_table_sa_add(t, &c, &why), CHAN_ERR_SA_KEYLEN);

	/* Owners round robin over the two workers; outbound SAs are not in
	 * the SAD. */
	e1 = sad_lookup(sa_table_sad(t), htonl(0x1001));
	e2 = sad_lookup(sa_table_sad(t), htonl(0x1002));
	assert_non_null(e1);
	assert_non_null(e2);
	assert_int_not_equal(e1->owner, e2->owner);
	assert_ptr_equal(e1->sa, sa_table_find(t, 1));
	assert_int_equal(sa_table_count(t), 2);

	assert_int_equal(sa_table_sa_del(t, 1), 0);
	assert_int_equal(sa_table_sa_del(t, 1), SA_TABLE_NOT_FOUND);
	assert_null(sad_lookup(sa_table_sad(t), htonl(0x1001)));
	assert_null(sa_table_find(t, 1));
	sa_table_free(t);
}

static void test_policy_binding(void **state)
{
	struct sa_table *t = table();
	struct chan_policy p = pol_rec(10, 5);
	struct chan_sa c = sa_rec(5, 0x2001, CHAN_DIR_OUT);
	struct spd_key k = key();
	struct esp_sa *sa = NULL;

	(void)state;
	/* The policy may come before its SA: discard until then. */
	assert_int_equal(sa_table_policy_add(t, &p, NULL), 0);
	assert_int_equal(spd_lookup(sa_table_spd(t), &k, &sa), SPD_DISCARD);
	assert_int_equal(sa_table_sa_add(t, &c, NULL), 0);
	assert_int_equal(spd_lookup(sa_table_spd(t), &k, &sa), SPD_ENCRYPT);
	assert_ptr_equal(sa, sa_table_find(t, 5));
	assert_int_equal(sa_table_policy_add(t, &p, NULL), CHAN_ERR_POLICY_ID);

	/* An outbound policy cannot encrypt with an inbound SA. */
	c = sa_rec(6, 0x2002, CHAN_DIR_IN);
	assert_int_equal(sa_table_sa_add(t, &c, NULL), 0);
	p = pol_rec(11, 6);
	assert_int_equal(sa_table_policy_add(t, &p, NULL),
			 CHAN_ERR_POLICY_ACTION);

	assert_int_equal(sa_table_sa_del(t, 5), 0);
	assert_int_equal(spd_lookup(sa_table_spd(t), &k, &sa), SPD_DISCARD);
	assert_int_equal(sa_table_policy_del(t, 10), 0);
	assert_int_equal(sa_table_policy_del(t, 10), SA_TABLE_NOT_FOUND);
	assert_int_equal(spd_lookup(sa_table_spd(t), &k, &sa), SPD_BYPASS);
	sa_table_free(t);
}

/* RFC 4301 section 4.4.1: an inbound ENCRYPT policy names its inbound
 * SA, as espgw-control installs each pair; what matches it in clear is
 * discarded, and it names no SA of the other direction. */
static void test_inbound_policy(void **state)
{
	struct sa_table *t = table();
	struct chan_sa in = sa_rec(20, 0x3001, CHAN_DIR_IN);
	struct chan_sa out = sa_rec(21, 0x3002, CHAN_DIR_OUT);
	struct chan_policy p = pol_rec(30, 20);
	struct spd_key k = key(), back = key();
	struct esp_sa *sa = NULL;
	const char *why = NULL;

	(void)state;
	in.twin_id = 21;
	out.twin_id = 20;
	memcpy(back.src, k.dst, 4); /* 10.2.0.5 -> 10.1.0.5 */
	memcpy(back.dst, k.src, 4);
	assert_int_equal(sa_table_sa_add(t, &in, NULL), 0);
	assert_int_equal(sa_table_sa_add(t, &out, NULL), 0);
	p.dir = CHAN_DIR_IN;
	p.sa_id = 21; /* the outbound twin: refused */
	assert_int_equal(sa_table_policy_add(t, &p, &why),
			 CHAN_ERR_POLICY_ACTION);
	assert_non_null(why);
	p.sa_id = 20;
	assert_int_equal(sa_table_policy_add(t, &p, NULL), 0);
	p = pol_rec(31, 21);
	assert_int_equal(sa_table_policy_add(t, &p, NULL), 0);

	/* Clear traffic from the remote side is the inbound policy's: it
	 * must come under ESP.  Ours goes out under the outbound SA. */
	assert_int_equal(spd_lookup(sa_table_spd(t), &back, &sa), SPD_DISCARD);
	assert_int_equal(spd_lookup(sa_table_spd(t), &k, &sa), SPD_ENCRYPT);
	assert_ptr_equal(sa, sa_table_find(t, 21));

	/* Deleting the inbound SA leaves its policy discarding. */
	assert_int_equal(sa_table_sa_del(t, 20), 0);
	assert_int_equal(spd_lookup(sa_table_spd(t), &back, &sa), SPD_DISCARD);
	assert_int_equal(sa_table_policy_del(t, 30), 0);
	assert_int_equal(spd_lookup(sa_table_spd(t), &back, &sa), SPD_BYPASS);
	sa_table_free(t);
}

static void test_update(void **state)
{
	struct sa_table *t = table();
	struct chan_sa c = sa_rec(5, 0x2001, CHAN_DIR_OUT);
	struct chan_policy p = pol_rec(10, 5);
	struct spd_key k = key();
	struct esp_sa *before, *sa = NULL;
	const char *why;

	(void)state;
	assert_int_equal(sa_table_sa_add(t, &c, NULL), 0);
	assert_int_equal(sa_table_policy_add(t, &p, NULL), 0);
	before = sa_table_find(t, 5);

	/* The peer moved (NAT rebinding): same SA, new remote. */
	assert_true(addr_parse("192.0.2.9", &c.remote));
	assert_int_equal(sa_table_sa_update(t, &c, NULL), 0);
	assert_ptr_equal(sa_table_find(t, 5), before);
	assert_true(addr_equal(&before->remote, &c.remote));

	/* Same keys, another window: refused. */
	c.replay_window = 512;
	assert_int_equal(sa_table_sa_update(t, &c, &why), CHAN_ERR_SA_FLAGS);
	c.replay_window = 0;

	/* New keys: a new SA, which the policy follows. */
	c.enc_key[0] ^= 1;
	assert_int_equal(sa_table_sa_update(t, &c, NULL), 0);
	assert_ptr_not_equal(sa_table_find(t, 5), before);
	assert_int_equal(spd_lookup(sa_table_spd(t), &k, &sa), SPD_ENCRYPT);
	assert_ptr_equal(sa, sa_table_find(t, 5));

	c.spi = htonl(0x2002); /* an update keeps the SPI */
	assert_int_equal(sa_table_sa_update(t, &c, NULL), CHAN_ERR_SA_SPI);
	c.id = 99;
	assert_int_equal(sa_table_sa_update(t, &c, NULL), SA_TABLE_NOT_FOUND);
	sa_table_free(t);
}

static const char static_conf[] =
	"dataplane = {\n"
	" ports = ( { name = \"wan\"; role = \"public\"; device = \"x\";\n"
	"   addresses = [ \"192.0.2.1/24\" ]; } );\n"
	" static_sas = (\n"
	"  { name = \"o\"; spi = 0x5001; direction = \"out\";\n"
	"    local_address = \"192.0.2.1\"; remote_address = \"192.0.2.2\";\n"
	"    enc_algorithm = \"aes-128-gcm\";\n"
	"    enc_key = \"000102030405060708090a0b0c0d0e0f10111213\";\n"
	"    local_ts = \"10.1.0.0/24\"; remote_ts = \"10.2.0.0/24\";\n"
	"    twin = \"i\"; },\n"
	"  { name = \"i\"; spi = 0x5002; direction = \"in\";\n"
	"    local_address = \"192.0.2.1\"; remote_address = \"192.0.2.2\";\n"
	"    encap_sport = 4500; encap_dport = 4501;\n"
	"    enc_algorithm = \"aes-128-gcm\";\n"
	"    enc_key = \"000102030405060708090a0b0c0d0e0f10111213\";\n"
	"    local_ts = \"10.1.0.0/24\"; remote_ts = \"10.2.0.0/24\";\n"
	"    twin = \"o\"; } );\n"
	" static_policies = ( { src_address = \"10.1.0.0/24\";\n"
	"   dst_address = \"10.2.0.0/24\"; action = \"encrypt\"; sa = \"o\"; }"
	" );\n"
	"};\n";

static void test_static_and_flush(void **state)
{
	char path[] = "/tmp/test_sa_table_XXXXXX";
	int fd = mkstemp(path);
	struct espgw_config *cfg;
	struct sa_table *t = table();
	struct chan_sa c = sa_rec(7, 0x7001, CHAN_DIR_OUT);
	struct spd_key k = key();
	struct esp_sa *sa = NULL;
	const char *why = NULL;
	unsigned int line = 0;
	struct sad_entry *e;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, static_conf, strlen(static_conf)),
			 (ssize_t)strlen(static_conf));
	close(fd);
	cfg = cfg_load(path, stderr);
	unlink(path);
	assert_non_null(cfg);
	assert_int_equal(sa_table_load_static(t, &cfg->dataplane, &why,
					      &line), 0);
	assert_int_equal(sa_table_count(t), 2);
	e = sad_lookup(sa_table_sad(t), htonl(0x5002));
	assert_non_null(e);
	assert_int_equal(e->sa->natt, 1);
	assert_ptr_equal(e->sa, sa_table_find(t, SA_TABLE_STATIC_ID + 2));
	assert_int_equal(spd_lookup(sa_table_spd(t), &k, &sa), SPD_ENCRYPT);
	assert_ptr_equal(sa, sa_table_find(t, SA_TABLE_STATIC_ID + 1));

	/* Loading twice: the SPIs and ids are taken. */
	assert_int_not_equal(sa_table_load_static(t, &cfg->dataplane, &why,
						  &line), 0);
	assert_int_equal(line, cfg->dataplane.static_sas[0].line);

	/* FLUSH_ALL removes what control installed, not the static ones. */
	assert_int_equal(sa_table_sa_add(t, &c, NULL), 0);
	sa_table_flush(t);
	assert_null(sa_table_find(t, 7));
	assert_int_equal(sa_table_count(t), 2);
	assert_int_equal(spd_lookup(sa_table_spd(t), &k, &sa), SPD_ENCRYPT);
	sa_table_free(t);
	cfg_free(cfg);
}

/* ---- events ---- */

struct sink {
	struct chan_msg ev[16];
	unsigned int n;
	bool full; /* pretend the ring is full */
};

static bool sink_emit(void *arg, uint16_t type, const void *body,
		      uint32_t len)
{
	struct sink *s = arg;

	if (s->full || s->n == RTE_DIM(s->ev))
		return false;
	s->ev[s->n].hdr.type = type;
	memcpy(&s->ev[s->n++].body, body, len);
	return true;
}

/* Protect n small packets on sa. */
static void send_packets(struct esp_sa *sa, unsigned int n)
{
	struct esp_crypto *cx = esp_crypto_create(SOCKET_ID_ANY);
	struct rte_mbuf *m[8];
	struct esp_sa *sas[8];
	uint8_t why[8], pkt[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17 };
	uint16_t good;

	assert_non_null(cx);
	for (unsigned int i = 0; i < n; i++) {
		char *d;

		m[i] = rte_pktmbuf_alloc(mp);
		assert_non_null(m[i]);
		d = rte_pktmbuf_append(m[i], sizeof(pkt));
		assert_non_null(d);
		memcpy(d, pkt, sizeof(pkt));
		sas[i] = sa;
	}
	good = esp_outb_process(cx, m, sas, why, (uint16_t)n);
	for (unsigned int i = 0; i < n; i++)
		rte_pktmbuf_free(m[i]);
	(void)good;
	esp_crypto_free(cx);
}

static void test_events(void **state)
{
	struct sa_table *t = table();
	struct chan_sa c = sa_rec(5, 0x2001, CHAN_DIR_OUT);
	struct sink s = { .full = true };
	struct esp_sa_stats st;

	(void)state;
	c.soft_packets = 2;
	c.hard_packets = 3;
	assert_int_equal(sa_table_sa_add(t, &c, NULL), 0);
	sa_table_set_idle_timeout(t, 5);
	assert_int_equal(sa_table_poll_events(t, 100, sink_emit, &s), 0);

	/* The ESP core checks the hard limit per burst: a 4th packet in a
	 * later burst is dropped. */
	send_packets(sa_table_find(t, 5), 3);
	send_packets(sa_table_find(t, 5), 1);
	assert_int_equal(sa_table_stats(t, 5, &st), 0);
	assert_int_equal(st.packets, 3);
	assert_int_equal(st.drop[ESP_DROP_SA_EXPIRED], 1);

	/* A full ring: nothing is lost, it is sent at the next poll. */
	assert_int_equal(sa_table_poll_events(t, 101, sink_emit, &s), 0);
	s.full = false;
	assert_int_equal(sa_table_poll_events(t, 102, sink_emit, &s), 2);
	assert_int_equal(s.ev[0].hdr.type, CHAN_MSG_LIFETIME);
	assert_int_equal(s.ev[0].body.LIFETIME.kind, CHAN_LT_SOFT);
	assert_int_equal(s.ev[0].body.LIFETIME.by, CHAN_LT_PACKETS);
	assert_int_equal(s.ev[1].body.LIFETIME.kind, CHAN_LT_HARD);
	assert_int_equal(s.ev[1].body.LIFETIME.sa_id, 5);
	/* Once each; then idle after 5 s without packets, once. */
	assert_int_equal(sa_table_poll_events(t, 104, sink_emit, &s), 0);
	assert_int_equal(sa_table_poll_events(t, 107, sink_emit, &s), 1);
	assert_int_equal(s.ev[2].hdr.type, CHAN_MSG_SA_IDLE);
	assert_int_equal(s.ev[2].body.SA_IDLE.idle_seconds, 6);
	assert_int_equal(sa_table_poll_events(t, 200, sink_emit, &s), 0);
	sa_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_refuse),
		cmocka_unit_test(test_policy_binding),
		cmocka_unit_test(test_inbound_policy),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_static_and_flush),
		cmocka_unit_test(test_events),
	};
	int rc;

	mp = dp_test_eal_init("test_sa_table", 63);
	if (!mp)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_test_eal_fini(mp);
	return rc;
}
