/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ESP core against an independent implementation (esp_oracle.c, OpenSSL
 * EVP written from the RFCs): every algorithm, mode, family, NAT-T and ESN
 * combination both ways; IV and nonce uniqueness; replay, ICV, length,
 * padding and encapsulation drops with their counters; no mbuf leaks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "esp_crypto.h"
#include "esp_inb.h"
#include "esp_oracle.h"
#include "esp_outb.h"
#include "esp_sa.h"

#define POOL_SIZE 2047
#define PEER_PORT 31000

static struct rte_mempool *pool;
static struct esp_crypto *cx;

/* ---- packets and SAs ---- */

static uint16_t csum(const uint8_t *b, size_t len)
{
	return oracle_csum(b, len, 0);
}

/* An IPv4 or IPv6 UDP packet with payload bytes of a seed pattern. */
static size_t make_inner(uint8_t *b, int fam, size_t payload, uint32_t seed,
			 uint8_t tos)
{
	size_t hl = fam == 6 ? 40 : 20, len = hl + 8 + payload;

	memset(b, 0, hl + 8);
	if (fam == 6) {
		b[0] = (uint8_t)(0x60 | tos >> 4);
		b[1] = (uint8_t)(tos << 4 | 0x1);
		b[4] = (uint8_t)((len - 40) >> 8);
		b[5] = (uint8_t)(len - 40);
		b[6] = 17;
		b[7] = 63;
		b[8] = 0xfd, b[23] = 1;
		b[24] = 0xfd, b[39] = 2;
	} else {
		b[0] = 0x45;
		b[1] = tos;
		b[2] = (uint8_t)(len >> 8);
		b[3] = (uint8_t)len;
		b[4] = (uint8_t)seed;
		b[6] = 0x40; /* DF */
		b[8] = 63;
		b[9] = 17;
		b[12] = 10, b[13] = 1, b[15] = 1;
		b[16] = 10, b[17] = 2, b[19] = (uint8_t)seed;
		b[10] = 0, b[11] = 0;
		uint16_t c = csum(b, 20);
		b[10] = (uint8_t)(c >> 8);
		b[11] = (uint8_t)c;
	}
	b[hl] = 0x30, b[hl + 1] = 0x39;
	b[hl + 2] = 0x00, b[hl + 3] = 0x35;
	b[hl + 4] = (uint8_t)((8 + payload) >> 8);
	b[hl + 5] = (uint8_t)(8 + payload);
	for (size_t i = 0; i < payload; i++)
		b[hl + 8 + i] = (uint8_t)(seed * 31 + i);
	return len;
}

static struct rte_mbuf *mbuf_of(const uint8_t *b, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, (uint16_t)len));
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), b, len);
	return m;
}

static void params_init(struct esp_params *p, uint16_t cipher, uint16_t integ,
			int mode, int fam, bool natt, bool esn, uint8_t dir)
{
	memset(p, 0, sizeof(*p));
	p->spi = 0x10000 + cipher * 256u + integ;
	p->dir = dir;
	p->mode = (uint8_t)mode;
	p->natt = natt;
	p->esn = esn;
	if (fam == 6) {
		addr_parse("2001:db8::1", &p->local);
		addr_parse("2001:db8:1::2", &p->remote);
	} else {
		addr_parse("192.0.2.1", &p->local);
		addr_parse("198.51.100.2", &p->remote);
	}
	p->local_port = ESP_NATT_PORT;
	p->remote_port = natt ? PEER_PORT : 0;
	p->cipher = cipher;
	p->integ = integ;
	p->replay_window = 64;
	for (int i = 0; i < ESP_CIPHER_KEY_MAX; i++)
		p->cipher_key[i] = (uint8_t)(i * 13 + cipher);
	for (int i = 0; i < ESP_AUTH_KEY_MAX; i++)
		p->auth_key[i] = (uint8_t)(i * 7 + integ);
	memcpy(p->salt, "\x01\x02\x03\x04", 4);
}

static struct esp_sa *sa_new(const struct esp_params *p)
{
	const char *err = NULL;
	struct esp_sa *sa = esp_sa_create(p, cx, SOCKET_ID_ANY, &err);

	if (sa == NULL)
		fail_msg("esp_sa_create: %s", err);
	return sa;
}

/* One packet through a direction; frees it when dropped.  Returns why. */
static uint8_t run1(struct esp_sa *sa, struct rte_mbuf **m, bool out)
{
	struct esp_sa *sv[1] = { sa };
	uint8_t why[1];
	uint16_t good = out ? esp_outb_process(cx, m, sv, why, 1)
			    : esp_inb_process(cx, m, sv, why, 1);

	assert_int_equal(good, why[0] == 0 ? 1 : 0);
	if (good == 0) {
		rte_pktmbuf_free(*m);
		*m = NULL;
	}
	return why[0];
}

static void assert_pool_full(void)
{
	assert_int_equal(rte_mempool_avail_count(pool), POOL_SIZE);
}

static uint64_t drops(const struct esp_sa *sa, enum esp_drop why)
{
	struct esp_sa_stats st;

	esp_sa_stats_get(sa, &st);
	return st.drop[why];
}

/* ---- both ways against the oracle, for every combination ---- */

static const struct {
	uint16_t cipher, integ;
} suites[] = {
	{ ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128 },
	{ ALGO_AES_128_CBC, ALGO_HMAC_SHA256_128 },
	{ ALGO_AES_128_CBC, ALGO_HMAC_SHA1_96 },
	{ ALGO_AES_256_CBC, ALGO_HMAC_SHA1_96 },
	{ ALGO_AES_128_CBC, ALGO_HMAC_SHA384_192 },
	{ ALGO_AES_256_CBC, ALGO_HMAC_SHA384_192 },
	{ ALGO_AES_128_CBC, ALGO_HMAC_SHA512_256 },
	{ ALGO_AES_256_CBC, ALGO_HMAC_SHA512_256 },
	{ ALGO_AES_128_GCM, ALGO_INVALID },
	{ ALGO_AES_256_GCM, ALGO_INVALID },
};

static const size_t sizes[] = { 0, 1, 14, 15, 16, 17, 31, 100, 1000, 1400 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

struct combo {
	size_t suite;
	int mode, outer, inner;
	bool natt, esn;
};

static void check_out(const struct combo *c, const struct esp_params *p,
		      struct esp_sa *sa, const uint8_t *inner, size_t len,
		      uint64_t seq, const char *name)
{
	static struct oracle_out r;
	struct rte_mbuf *m = mbuf_of(inner, len);

	assert_int_equal(run1(sa, &m, true), 0);
	if (oracle_decap(p, (uint32_t)(seq >> 32),
			 rte_pktmbuf_mtod(m, uint8_t *), m->pkt_len, &r) < 0)
		fail_msg("%s: oracle rejects espgw's packet: %s", name, r.err);
	assert_int_equal(r.seq_lo, (uint32_t)seq);
	assert_int_equal(r.len, len);
	assert_memory_equal(r.pkt, inner, len);
	if (c->mode == ESP_MODE_TUNNEL) {
		uint8_t tos = c->inner == 6 ? (uint8_t)(inner[0] << 4 |
							inner[1] >> 4)
					    : inner[1];

		assert_int_equal(r.outer_tos, tos); /* DSCP and ECN copied */
		if (c->outer == 4)
			assert_int_equal(r.outer_df, c->inner == 4 ? 0x40 : 0);
	}
	rte_pktmbuf_free(m);
}

static void check_in(const struct esp_params *p, struct esp_sa *sa,
		     const uint8_t *inner, size_t len, uint64_t seq,
		     const char *name)
{
	struct oracle_opts o = { .seq = seq, .pad_len = -1, .nh = -1 };
	uint8_t buf[2048];
	size_t n = oracle_encap(p, &o, inner, len, buf, sizeof(buf));
	struct rte_mbuf *m;
	uint8_t why;

	assert_true(n > 0);
	m = mbuf_of(buf, n);
	why = run1(sa, &m, false);
	if (why != 0)
		fail_msg("%s: espgw drops the oracle's packet: %s", name,
			 esp_drop_name(why));
	assert_int_equal(m->pkt_len, len);
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *), inner, len);
	rte_pktmbuf_free(m);
}

static void run_combo(const struct combo *c)
{
	struct esp_params po, pi;
	struct esp_sa *out, *in;
	struct esp_sa_stats st;
	uint64_t start = c->esn ? 0xfffffffdull : 1, bytes = 0;
	uint8_t inner[2048];
	char name[128];

	snprintf(name, sizeof(name), "%s/%s %s outer%d inner%d%s%s",
		 algo_by_id(suites[c->suite].cipher)->name,
		 suites[c->suite].integ
			 ? algo_by_id(suites[c->suite].integ)->name : "aead",
		 c->mode == ESP_MODE_TUNNEL ? "tunnel" : "transport", c->outer,
		 c->inner, c->natt ? " natt" : "", c->esn ? " esn" : "");
	params_init(&po, suites[c->suite].cipher, suites[c->suite].integ,
		    c->mode, c->outer, c->natt, c->esn, ESP_DIR_OUT);
	pi = po;
	pi.dir = ESP_DIR_IN;
	out = sa_new(&po);
	in = sa_new(&pi);
	esp_sa_set_next_seq(out, start);

	for (size_t k = 0; k < NSIZES; k++) {
		size_t len = make_inner(inner, c->inner, sizes[k],
					(uint32_t)k, (uint8_t)(0xb8 | k % 3));

		check_out(c, &po, out, inner, len, start + k, name);
		check_in(&pi, in, inner, len, start + k, name);
		bytes += len;
	}
	esp_sa_stats_get(out, &st);
	assert_int_equal(st.packets, NSIZES);
	assert_int_equal(st.bytes, bytes);
	assert_int_equal(st.drops, 0);
	esp_sa_stats_get(in, &st);
	assert_int_equal(st.packets, NSIZES);
	assert_int_equal(st.bytes, bytes);
	assert_int_equal(st.replay_top, start + NSIZES - 1);
	esp_sa_free(out);
	esp_sa_free(in);
}

static void test_every_combination_both_ways(void **state)
{
	unsigned int cases = 0;

	(void)state;
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++)
	for (int mode = ESP_MODE_TUNNEL; mode <= ESP_MODE_TRANSPORT; mode++)
	for (int outer = 4; outer <= 6; outer += 2)
	for (int inner = 4; inner <= 6; inner += 2)
	for (int natt = 0; natt <= 1; natt++)
	for (int esn = 0; esn <= 1; esn++) {
		struct combo c = { s, mode, outer, inner, natt, esn };

		if (mode == ESP_MODE_TRANSPORT && inner != outer)
			continue;
		run_combo(&c);
		cases++;
	}
	assert_int_equal(cases, 10 * (4 + 2) * 2 * 2);
	assert_pool_full();
}

/* ---- IVs and nonces ---- */

static int cmp_iv(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* Send count packets on sa in bursts of 32; keep each packet's IV. */
static void collect_ivs(struct esp_sa *sa, size_t iv_off, size_t iv_len,
			uint8_t (*ivs)[16], unsigned int count)
{
	uint8_t inner[256];
	size_t len = make_inner(inner, 4, 64, 7, 0);

	for (unsigned int i = 0; i < count; i += 32) {
		struct rte_mbuf *m[32];
		struct esp_sa *sv[32];
		uint8_t why[32];

		for (int j = 0; j < 32; j++) {
			m[j] = mbuf_of(inner, len);
			sv[j] = sa;
		}
		assert_int_equal(esp_outb_process(cx, m, sv, why, 32), 32);
		for (int j = 0; j < 32; j++) {
			memset(ivs[i + j], 0, 16);
			memcpy(ivs[i + j],
			       rte_pktmbuf_mtod(m[j], uint8_t *) + iv_off,
			       iv_len);
			rte_pktmbuf_free(m[j]);
		}
	}
}

static void assert_unique(uint8_t (*ivs)[16], unsigned int count)
{
	qsort(ivs, count, 16, cmp_iv);
	for (unsigned int i = 1; i < count; i++)
		assert_true(memcmp(ivs[i - 1], ivs[i], 16) != 0);
}

static void test_cbc_ivs_never_repeat(void **state)
{
	enum { COUNT = 4096 };
	uint8_t(*ivs)[16] = calloc(COUNT, 16);
	struct esp_params p;
	struct esp_sa *sa;
	unsigned int zero_bytes = 0;

	(void)state;
	params_init(&p, ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128,
		    ESP_MODE_TUNNEL, 4, false, false, ESP_DIR_OUT);
	sa = sa_new(&p);
	collect_ivs(sa, 20 + 8, 16, ivs, COUNT);
	/* Not a counter: about 1/256 of the bytes of random IVs are 0. */
	for (unsigned int i = 0; i < COUNT; i++)
		for (int b = 0; b < 8; b++)
			zero_bytes += ivs[i][b] == 0;
	assert_true(zero_bytes < COUNT * 8 / 64);
	assert_unique(ivs, COUNT);
	esp_sa_free(sa);
	free(ivs);
	assert_pool_full();
}

static void test_gcm_nonces_never_repeat(void **state)
{
	enum { COUNT = 4096 };
	uint8_t(*ivs)[16] = calloc(COUNT, 16);
	struct esp_params p;
	struct esp_sa *sa;

	(void)state;
	params_init(&p, ALGO_AES_128_GCM, ALGO_INVALID, ESP_MODE_TUNNEL, 6,
		    true, true, ESP_DIR_OUT);
	sa = sa_new(&p);
	collect_ivs(sa, 40 + 8 + 8, 8, ivs, COUNT);
	/* RFC 4106 3.1: the explicit IV is the 64-bit sequence number. */
	for (unsigned int i = 0; i < COUNT; i++) {
		uint64_t iv = 0;

		for (int b = 0; b < 8; b++)
			iv = iv << 8 | ivs[i][b];
		assert_int_equal(iv, i + 1);
	}
	assert_unique(ivs, COUNT); /* the salt is fixed per SA */
	esp_sa_free(sa);
	free(ivs);
	assert_pool_full();
}

/* ---- several workers on one outbound SA ---- */

struct sender {
	struct esp_sa *sa;
	struct esp_crypto *cx; /* the thread's, made before the SA or not */
	uint32_t seqs[1024];
	int count;
};

enum { SENDER_INNER = 20 };

static void *send_burst(void *arg)
{
	struct sender *s = arg;
	struct esp_crypto *mine = s->cx;
	uint8_t inner[128];
	size_t len = make_inner(inner, 4, SENDER_INNER, 1, 0);

	if (mine == NULL)
		mine = esp_crypto_create(SOCKET_ID_ANY);
	if (mine == NULL)
		return NULL;
	for (int i = 0; i < 1024; i += 16) {
		struct rte_mbuf *m[16];
		struct esp_sa *sv[16];
		uint8_t why[16];
		uint16_t good;

		for (int j = 0; j < 16; j++) {
			m[j] = rte_pktmbuf_alloc(pool);
			memcpy(rte_pktmbuf_append(m[j], (uint16_t)len), inner,
			       len);
			sv[j] = s->sa;
		}
		good = esp_outb_process(mine, m, sv, why, 16);
		for (int j = 0; j < 16; j++) {
			if (j < good)
				s->seqs[s->count++] = esp_ld32(
					rte_pktmbuf_mtod(m[j], uint8_t *) + 24);
			rte_pktmbuf_free(m[j]);
		}
	}
	if (s->cx == NULL)
		esp_crypto_free(mine);
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Two threads send 1024 packets each on one SA at once.  cx_first: their
 * contexts exist before the SA, so each counts in its own set; otherwise
 * both count in the shared one.  Either way no sequence number is used
 * twice and the counters are exact.
 */
static void two_workers(bool cx_first)
{
	static struct sender s[2];
	static uint32_t all[2048];
	struct esp_crypto *taken[ESP_CTR_SLOTS];
	uint16_t n_taken = 0, n_ctr;
	struct esp_sa_stats st;
	struct esp_params p;
	pthread_t t[2];

	memset(s, 0, sizeof(s));
	for (int i = 0; i < 2 && cx_first; i++) {
		s[i].cx = esp_crypto_create(SOCKET_ID_ANY);
		assert_non_null(s[i].cx);
	}
	params_init(&p, ALGO_AES_128_GCM, ALGO_INVALID, ESP_MODE_TUNNEL, 4,
		    false, false, ESP_DIR_OUT);
	n_ctr = esp_crypto_slots();
	s[0].sa = s[1].sa = sa_new(&p);
	/* Take every slot the SA has, so the threads' get none of them. */
	while (!cx_first && n_taken < n_ctr) {
		taken[n_taken] = esp_crypto_create(SOCKET_ID_ANY);
		assert_non_null(taken[n_taken++]);
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, send_burst,
						&s[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(s[0].count + s[1].count, 2048);
	memcpy(all, s[0].seqs, sizeof(s[0].seqs));
	memcpy(all + 1024, s[1].seqs, sizeof(s[1].seqs));
	qsort(all, 2048, sizeof(all[0]), cmp_u32);
	for (uint32_t i = 0; i < 2048; i++)
		assert_int_equal(all[i], i + 1); /* each number exactly once */
	esp_sa_stats_get(s[0].sa, &st);
	assert_int_equal(st.packets, 2048);
	assert_int_equal(st.bytes, 2048 * (20 + 8 + SENDER_INNER));
	esp_sa_free(s[0].sa);
	for (int i = 0; i < 2; i++)
		esp_crypto_free(s[i].cx);
	while (n_taken > 0)
		esp_crypto_free(taken[--n_taken]);
	assert_pool_full();
}

static void test_two_workers_never_share_a_seq(void **state)
{
	(void)state;
	two_workers(true);
	two_workers(false);
}

/*
 * A sole sender (esp_crypto_sole_sender()) takes sequence numbers with a
 * plain load and store: on two SAs interleaved in runs of one to three
 * packets, each SA's packets still carry 1, 2, 3, ... in order.
 */
static void test_sole_sender_numbers(void **state)
{
	struct esp_crypto *mine = esp_crypto_create(SOCKET_ID_ANY);
	uint32_t next[2] = { 1, 1 };
	struct esp_sa *two[2];
	struct esp_sa_stats st;
	struct esp_params p;
	uint8_t inner[128];
	size_t len = make_inner(inner, 4, SENDER_INNER, 1, 0);

	(void)state;
	assert_non_null(mine);
	esp_crypto_sole_sender(mine, true);
	params_init(&p, ALGO_AES_128_GCM, ALGO_INVALID, ESP_MODE_TUNNEL, 4,
		    false, false, ESP_DIR_OUT);
	two[0] = sa_new(&p);
	two[1] = sa_new(&p);
	for (int round = 0; round < 6; round++) {
		struct rte_mbuf *m[32];
		struct esp_sa *sv[32];
		uint8_t who[32], why[32];

		for (int j = 0; j < 32; j++) {
			who[j] = (uint8_t)((j / (1 + round % 3)) % 2);
			sv[j] = two[who[j]];
			m[j] = rte_pktmbuf_alloc(pool);
			memcpy(rte_pktmbuf_append(m[j], (uint16_t)len), inner,
			       len);
		}
		assert_int_equal(esp_outb_process(mine, m, sv, why, 32), 32);
		for (int j = 0; j < 32; j++) {
			assert_int_equal(esp_ld32(rte_pktmbuf_mtod(m[j],
							uint8_t *) + 24),
					 next[who[j]]++);
			rte_pktmbuf_free(m[j]);
		}
	}
	for (int i = 0; i < 2; i++) {
		esp_sa_stats_get(two[i], &st);
		assert_int_equal(st.seq_out, next[i] - 1);
		esp_sa_free(two[i]);
	}
	esp_crypto_free(mine);
	assert_pool_full();
}

/* ---- inbound drops ---- */

struct rx {
	struct esp_params p;  /* the SA's parameters */
	struct esp_sa *sa;
	uint8_t inner[2048];
	size_t len;
};

static void rx_init(struct rx *r, uint16_t cipher, uint16_t integ, bool natt,
		    bool esn, uint16_t window)
{
	params_init(&r->p, cipher, integ, ESP_MODE_TUNNEL, 4, natt, esn,
		    ESP_DIR_IN);
	r->p.replay_window = window;
	r->sa = sa_new(&r->p);
	r->len = make_inner(r->inner, 4, 40, 3, 0);
}

static size_t rx_build(const struct rx *r, const struct esp_params *p,
		       const struct oracle_opts *o, uint8_t *buf)
{
	size_t n = oracle_encap(p, o, r->inner, r->len, buf, 2048);

	assert_true(n > 0);
	return n;
}

/* The oracle's packet for seq, through the SA; returns why. */
static uint8_t rx_send(struct rx *r, uint64_t seq)
{
	struct oracle_opts o = { .seq = seq, .pad_len = -1, .nh = -1 };
	uint8_t buf[2048];
	size_t n = rx_build(r, &r->p, &o, buf);
	struct rte_mbuf *m = mbuf_of(buf, n);
	uint8_t why = run1(r->sa, &m, false);

	rte_pktmbuf_free(m);
	return why;
}

static uint8_t rx_send_raw(struct rx *r, const uint8_t *buf, size_t n)
{
	struct rte_mbuf *m = mbuf_of(buf, n);
	uint8_t why = run1(r->sa, &m, false);

	rte_pktmbuf_free(m);
	return why;
}

static uint8_t rx_send_opts(struct rx *r, const struct esp_params *p,
			    const struct oracle_opts *o)
{
	uint8_t buf[2048];
	size_t n = rx_build(r, p, o, buf);

	return rx_send_raw(r, buf, n);
}

static void test_replay_and_forgery(void **state)
{
	static const uint64_t reordered[] = { 10, 5, 7, 6 };
	struct rx r;
	struct esp_sa_stats st;
	struct oracle_opts o = { .seq = 1000, .pad_len = -1, .nh = -1 };
	uint8_t buf[2048];
	size_t n;

	(void)state;
	rx_init(&r, ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128, false, false, 64);
	assert_int_equal(rx_send(&r, 1), 0);
	assert_int_equal(rx_send(&r, 1), ESP_DROP_REPLAY);
	for (int i = 0; i < 4; i++) /* inside the window */
		assert_int_equal(rx_send(&r, reordered[i]), 0);
	assert_int_equal(rx_send(&r, 5), ESP_DROP_REPLAY);
	assert_int_equal(rx_send(&r, 100), 0);
	assert_int_equal(rx_send(&r, 36), ESP_DROP_REPLAY); /* 100 - 64 */
	assert_int_equal(rx_send(&r, 37), 0);

	/* A forged packet far ahead must not move the window. */
	n = rx_build(&r, &r.p, &o, buf);
	buf[n - 1] ^= 1;
	assert_int_equal(rx_send_raw(&r, buf, n), ESP_DROP_ICV);
	assert_int_equal(rx_send(&r, 90), 0);

	esp_sa_stats_get(r.sa, &st);
	assert_int_equal(st.replay_top, 100);
	assert_int_equal(st.drop[ESP_DROP_REPLAY], 3);
	assert_int_equal(st.drop[ESP_DROP_ICV], 1);
	assert_int_equal(st.drops, 4);
	assert_int_equal(st.packets, 8);
	esp_sa_free(r.sa);
	assert_pool_full();
}

static void test_replay_window_4096(void **state)
{
	struct rx r;

	(void)state;
	rx_init(&r, ALGO_AES_128_GCM, ALGO_INVALID, true, false, 4096);
	assert_int_equal(rx_send(&r, 5000), 0);
	assert_int_equal(rx_send(&r, 5000 - 4096), ESP_DROP_REPLAY);
	assert_int_equal(rx_send(&r, 5000 - 4095), 0);
	assert_int_equal(rx_send(&r, 4000), 0);
	assert_int_equal(rx_send(&r, 4000), ESP_DROP_REPLAY);
	assert_int_equal(drops(r.sa, ESP_DROP_REPLAY), 2);
	esp_sa_free(r.sa);
	assert_pool_full();
}

/* Two copies of one packet in one burst: the second is the replay. */
static void test_duplicate_in_one_burst(void **state)
{
	struct oracle_opts o = { .seq = 7, .pad_len = -1, .nh = -1 };
	struct rte_mbuf *m[3];
	struct esp_sa *sv[3];
	uint8_t buf[2048], why[3];
	size_t n;
	struct rx r;

	(void)state;
	rx_init(&r, ALGO_AES_256_CBC, ALGO_HMAC_SHA1_96, false, false, 64);
	n = rx_build(&r, &r.p, &o, buf);
	m[0] = mbuf_of(buf, n);
	m[1] = mbuf_of(buf, n);
	o.seq = 8;
	n = rx_build(&r, &r.p, &o, buf);
	m[2] = mbuf_of(buf, n);
	sv[0] = sv[1] = sv[2] = r.sa;
	assert_int_equal(esp_inb_process(cx, m, sv, why, 3), 2);
	assert_int_equal(why[0], 0);
	assert_int_equal(why[1], 0);
	assert_int_equal(why[2], ESP_DROP_REPLAY);
	for (int i = 0; i < 3; i++)
		rte_pktmbuf_free(m[i]);
	esp_sa_free(r.sa);
	assert_pool_full();
}

/* ESN: the window crosses 2^32; a packet from the old epoch replayed with
 * the low bits of a new number fails its ICV. */
static void test_esn_wrap(void **state)
{
	struct esp_params old;
	/* seq_lo 3 from epoch 0: the receiver infers epoch 1 */
	struct oracle_opts o = { .seq = 3, .pad_len = -1, .nh = -1 };
	struct rx r;

	(void)state;
	rx_init(&r, ALGO_AES_128_CBC, ALGO_HMAC_SHA256_128, false, true, 64);
	assert_int_equal(rx_send(&r, 0xfffffff0ull), 0);
	assert_int_equal(rx_send(&r, 0x100000002ull), 0);
	assert_int_equal(rx_send(&r, 0xfffffff1ull), 0); /* late, in window */
	assert_int_equal(rx_send(&r, 0x100000001ull), 0);
	assert_int_equal(rx_send(&r, 0x100000002ull), ESP_DROP_REPLAY);
	old = r.p;
	assert_int_equal(rx_send_opts(&r, &old, &o), ESP_DROP_ICV);
	assert_int_equal(esp_sa_events(r.sa), 0);
	esp_sa_free(r.sa);
	assert_pool_full();
}

static void test_icv_failures(void **state)
{
	struct oracle_opts o = { .seq = 1, .pad_len = -1, .nh = -1 };
	uint8_t buf[2048];
	struct rx r[2];
	size_t n;

	(void)state;
	rx_init(&r[0], ALGO_AES_256_CBC, ALGO_HMAC_SHA512_256, false, false,
		64);
	rx_init(&r[1], ALGO_AES_256_GCM, ALGO_INVALID, false, true, 64);
	for (int k = 0; k < 2; k++) {
		size_t iv = k == 0 ? 16 : 8;
		/* IV, first ciphertext byte, last ciphertext byte, ICV */
		size_t where[4] = { 20 + 8, 20 + 8 + iv, 0, 0 };

		n = rx_build(&r[k], &r[k].p, &o, buf);
		where[2] = n - (k == 0 ? 32 : 16) - 1;
		where[3] = n - 1;
		for (int w = 0; w < 4; w++) {
			buf[where[w]] ^= 0x10;
			assert_int_equal(rx_send_raw(&r[k], buf, n),
					 ESP_DROP_ICV);
			buf[where[w]] ^= 0x10;
		}
		assert_int_equal(rx_send_raw(&r[k], buf, n), 0);
		assert_int_equal(drops(r[k].sa, ESP_DROP_ICV), 4);
		esp_sa_free(r[k].sa);
	}
	assert_pool_full();
}

/* Every truncation of a valid packet, raw and with lengths made to fit. */
static void truncations(uint16_t cipher, uint16_t integ, bool natt)
{
	struct oracle_opts o = { .seq = 1, .pad_len = -1, .nh = -1 };
	uint8_t buf[2048], cut[2048];
	uint64_t count = 0;
	struct rx r;
	size_t n, min;

	rx_init(&r, cipher, integ, natt, false, 64);
	n = rx_build(&r, &r.p, &o, buf);
	/* outer IP, UDP, ESP header, IV, ICV, one block of ciphertext */
	min = 20 + (natt ? 8 : 0) + 8 + algo_by_id(cipher)->iv_len +
	      (integ ? algo_by_id(integ)->out_len + 16u : 16u + 4u);
	for (size_t len = 0; len < n; len++, count++) {
		assert_int_equal(rx_send_raw(&r, buf, len),
				 len < 20 ? ESP_DROP_MALFORMED
					  : ESP_DROP_BAD_LENGTH);
	}
	for (size_t len = 20; len < min; len++, count++) {
		memcpy(cut, buf, len);
		cut[2] = (uint8_t)(len >> 8), cut[3] = (uint8_t)len;
		cut[10] = cut[11] = 0;
		uint16_t c = csum(cut, 20);
		cut[10] = (uint8_t)(c >> 8), cut[11] = (uint8_t)c;
		if (natt && len >= 28)
			cut[24] = (uint8_t)((len - 20) >> 8),
			cut[25] = (uint8_t)(len - 20);
		assert_int_equal(rx_send_raw(&r, cut, len),
				 ESP_DROP_BAD_LENGTH);
	}
	assert_int_equal(drops(r.sa, ESP_DROP_MALFORMED) +
				 drops(r.sa, ESP_DROP_BAD_LENGTH), count);
	assert_int_equal(rx_send_raw(&r, buf, n), 0); /* window untouched */
	esp_sa_free(r.sa);
}

static void test_truncated_packets(void **state)
{
	(void)state;
	truncations(ALGO_AES_128_CBC, ALGO_HMAC_SHA256_128, false);
	truncations(ALGO_AES_256_CBC, ALGO_HMAC_SHA1_96, true);
	truncations(ALGO_AES_128_GCM, ALGO_INVALID, true);
	assert_pool_full();
}

static void test_padding_and_trailer(void **state)
{
	struct oracle_opts o = { .seq = 1, .pad_len = -1, .nh = -1 };
	struct rx r;
	uint8_t big[2048];

	(void)state;
	rx_init(&r, ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128, false, false, 64);
	o.extra_pad = 1, o.bad_pad = true;
	assert_int_equal(rx_send_opts(&r, &r.p, &o), ESP_DROP_BAD_PADDING);
	o.bad_pad = false, o.seq++, o.pad_len = 255;
	assert_int_equal(rx_send_opts(&r, &r.p, &o), ESP_DROP_BAD_PADDING);
	o.pad_len = -1, o.seq++; /* longer padding, correct: accepted */
	assert_int_equal(rx_send_opts(&r, &r.p, &o), 0);
	o.seq++, o.nh = 6;
	assert_int_equal(rx_send_opts(&r, &r.p, &o), ESP_DROP_BAD_NEXT_HDR);
	o.seq++, o.nh = 41; /* IPv6 claimed, IPv4 inside */
	assert_int_equal(rx_send_opts(&r, &r.p, &o), ESP_DROP_BAD_NEXT_HDR);
	o.seq++, o.nh = 59;
	assert_int_equal(rx_send_opts(&r, &r.p, &o), ESP_DROP_DUMMY);
	o.seq++, o.nh = -1, o.tfc = 23; /* TFC padding, RFC 4303 2.7 */
	assert_int_equal(rx_send_opts(&r, &r.p, &o), 0);
	/* Inner header claims more than the payload holds. */
	memcpy(big, r.inner, r.len);
	r.inner[3] += 10;
	o.seq++, o.tfc = 0;
	assert_int_equal(rx_send_opts(&r, &r.p, &o), ESP_DROP_BAD_LENGTH);
	memcpy(r.inner, big, r.len);
	assert_int_equal(drops(r.sa, ESP_DROP_BAD_PADDING), 2);
	assert_int_equal(drops(r.sa, ESP_DROP_BAD_NEXT_HDR), 2);
	assert_int_equal(drops(r.sa, ESP_DROP_DUMMY), 1);
	assert_int_equal(drops(r.sa, ESP_DROP_BAD_LENGTH), 1);
	esp_sa_free(r.sa);
	assert_pool_full();
}

static void test_encapsulation_mismatch(void **state)
{
	struct oracle_opts o = { .seq = 1, .pad_len = -1, .nh = -1 };
	struct esp_params q;
	struct rx plain, natt;

	(void)state;
	rx_init(&plain, ALGO_AES_128_GCM, ALGO_INVALID, false, false, 64);
	rx_init(&natt, ALGO_AES_128_GCM, ALGO_INVALID, true, false, 64);
	assert_int_equal(rx_send_opts(&plain, &natt.p, &o),
			 ESP_DROP_ENCAP_MISMATCH);
	assert_int_equal(rx_send_opts(&natt, &plain.p, &o),
			 ESP_DROP_ENCAP_MISMATCH);
	q = natt.p;
	q.local_port = 4501; /* sent to the wrong port */
	assert_int_equal(rx_send_opts(&natt, &q, &o), ESP_DROP_ENCAP_MISMATCH);
	q = natt.p;
	q.remote_port = 1024; /* the peer's NAT moved: still accepted */
	assert_int_equal(rx_send_opts(&natt, &q, &o), 0);
	q = natt.p;
	q.spi++;
	assert_int_equal(rx_send_opts(&natt, &q, &o), ESP_DROP_UNKNOWN_SPI);
	assert_int_equal(drops(plain.sa, ESP_DROP_ENCAP_MISMATCH), 1);
	assert_int_equal(drops(natt.sa, ESP_DROP_ENCAP_MISMATCH), 2);
	assert_int_equal(drops(natt.sa, ESP_DROP_UNKNOWN_SPI), 1);
	esp_sa_free(plain.sa);
	esp_sa_free(natt.sa);
	assert_pool_full();
}

static void test_outer_header_errors(void **state)
{
	struct oracle_opts o = { .seq = 1, .pad_len = -1, .nh = -1 };
	uint8_t buf[2048];
	struct esp_params out;
	struct esp_sa *osa;
	struct rx r;
	size_t n;

	(void)state;
	rx_init(&r, ALGO_AES_128_CBC, ALGO_HMAC_SHA1_96, false, false, 64);
	n = rx_build(&r, &r.p, &o, buf);
	buf[11] ^= 1; /* header checksum */
	assert_int_equal(rx_send_raw(&r, buf, n), ESP_DROP_MALFORMED);
	buf[11] ^= 1;
	buf[6] |= 0x20, buf[10] -= 0x20; /* MF; checksum adjusted */
	assert_int_equal(rx_send_raw(&r, buf, n), ESP_DROP_FRAGMENT);
	buf[6] &= (uint8_t)~0x20, buf[10] += 0x20;
	buf[0] = 0x65;
	assert_int_equal(rx_send_raw(&r, buf, n), ESP_DROP_MALFORMED);
	buf[0] = 0x45;
	/* Ethernet padding after the packet is trimmed, not an error. */
	memset(buf + n, 0xee, 30);
	assert_int_equal(rx_send_raw(&r, buf, n + 30), 0);

	/* An outbound SA on the inbound path knows no such SPI. */
	out = r.p;
	out.dir = ESP_DIR_OUT;
	osa = sa_new(&out);
	o.seq = 2;
	n = rx_build(&r, &r.p, &o, buf);
	struct rte_mbuf *m = mbuf_of(buf, n);
	assert_int_equal(run1(osa, &m, false), ESP_DROP_UNKNOWN_SPI);
	assert_int_equal(drops(osa, ESP_DROP_UNKNOWN_SPI), 1);
	esp_sa_free(osa);
	esp_sa_free(r.sa);
	assert_pool_full();
}

/* RFC 6040 normal mode at the decapsulator. */
static void test_ecn_decapsulation(void **state)
{
	struct oracle_opts o = { .seq = 1, .pad_len = -1, .nh = -1 };
	uint8_t buf[2048];
	struct rte_mbuf *m;
	struct rx r;
	size_t n;

	(void)state;
	rx_init(&r, ALGO_AES_256_GCM, ALGO_INVALID, false, false, 64);
	r.len = make_inner(r.inner, 4, 40, 3, 0x02); /* ECT(0) */
	o.outer_tos = 0x03;                            /* CE */
	n = rx_build(&r, &r.p, &o, buf);
	m = mbuf_of(buf, n);
	assert_int_equal(run1(r.sa, &m, false), 0);
	assert_int_equal(rte_pktmbuf_mtod(m, uint8_t *)[1], 0x03);
	assert_int_equal(csum(rte_pktmbuf_mtod(m, uint8_t *), 20), 0);
	rte_pktmbuf_free(m);

	r.len = make_inner(r.inner, 4, 40, 3, 0x00); /* Not-ECT */
	o.seq = 2;
	assert_int_equal(rx_send_opts(&r, &r.p, &o), ESP_DROP_ECN);
	esp_sa_free(r.sa);
	assert_pool_full();
}

/* ---- outbound drops and events ---- */

static uint8_t tx_send(struct esp_sa *sa, struct rte_mbuf **m, int fam)
{
	uint8_t inner[256];
	size_t len = make_inner(inner, fam, 30, 5, 0);

	*m = mbuf_of(inner, len);
	return run1(sa, m, true);
}

static void test_seq_exhaustion_stops_the_sa(void **state)
{
	struct esp_params p;
	struct esp_sa *sa, *esn;
	struct rte_mbuf *m;

	(void)state;
	params_init(&p, ALGO_AES_128_GCM, ALGO_INVALID, ESP_MODE_TUNNEL, 4,
		    false, false, ESP_DIR_OUT);
	sa = sa_new(&p);
	esp_sa_set_next_seq(sa, 0xffffffffull);
	assert_int_equal(tx_send(sa, &m, 4), 0);
	assert_int_equal(esp_ld32(rte_pktmbuf_mtod(m, uint8_t *) + 24),
			 0xffffffffu);
	rte_pktmbuf_free(m);
	assert_int_equal(esp_sa_events(sa), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(tx_send(sa, &m, 4), ESP_DROP_SEQ_EXHAUSTED);
	assert_true(esp_sa_events(sa) & ESP_SA_EV_SEQ_EXHAUSTED);
	assert_int_equal(drops(sa, ESP_DROP_SEQ_EXHAUSTED), 3);

	p.esn = 1; /* with ESN the counter goes on */
	esn = sa_new(&p);
	esp_sa_set_next_seq(esn, 0xffffffffull);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(tx_send(esn, &m, 4), 0);
		rte_pktmbuf_free(m);
	}
	assert_int_equal(esp_sa_events(esn), 0);
	esp_sa_free(sa);
	esp_sa_free(esn);
	assert_pool_full();
}

/* Outbound SA p reaches its soft lifetime with the second packet and
 * its hard one with the third; the fourth is refused. */
static void soft_second_hard_third(const struct esp_params *p)
{
	struct esp_sa *sa = sa_new(p);
	struct rte_mbuf *m;

	assert_int_equal(tx_send(sa, &m, 6), 0);
	rte_pktmbuf_free(m);
	assert_int_equal(esp_sa_events(sa), 0);
	assert_int_equal(tx_send(sa, &m, 6), 0);
	rte_pktmbuf_free(m);
	assert_int_equal(esp_sa_events(sa), ESP_SA_EV_SOFT_EXPIRED);
	assert_int_equal(tx_send(sa, &m, 6), 0); /* reaches it exactly */
	rte_pktmbuf_free(m);
	assert_true(esp_sa_events(sa) & ESP_SA_EV_HARD_EXPIRED);
	assert_int_equal(tx_send(sa, &m, 6), ESP_DROP_SA_EXPIRED);
	esp_sa_free(sa);
	assert_pool_full();
}

/* Packet lifetimes are sequence numbers; byte ones are told by the
 * reservation (a transport packet of 6 carries 40 + 8 + 30 inner bytes). */
static void test_lifetimes(void **state)
{
	enum { LEN = 40 + 8 + 30 };
	struct esp_params p;

	(void)state;
	params_init(&p, ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128,
		    ESP_MODE_TRANSPORT, 6, false, false, ESP_DIR_OUT);
	p.life.soft_packets = 2;
	p.life.hard_packets = 3;
	soft_second_hard_third(&p);

	params_init(&p, ALGO_AES_128_GCM, ALGO_INVALID, ESP_MODE_TRANSPORT,
		    6, false, false, ESP_DIR_OUT);
	p.life.soft_bytes = 2 * LEN;
	p.life.hard_bytes = 3 * LEN;
	soft_second_hard_third(&p);
}

/*
 * Hard lifetimes hold within a burst: n packets of one SA in one call
 * (more than one pass), hard limit of `limit` packets or of the inner bytes
 * of `limit` packets and a half.  Exactly `limit` leave, in order, with
 * sequence numbers 1..limit; the rest are dropped as sa-expired.
 */
static void hard_limit_in_burst(bool by_bytes, uint16_t limit)
{
	enum { N = 100 };
	struct rte_mbuf *mb[N];
	struct esp_sa *sv[N];
	uint8_t why[N], inner[256];
	struct esp_sa_stats st;
	struct esp_params p;
	size_t len = make_inner(inner, 4, 30, 7, 0);
	uint16_t good;

	params_init(&p, ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128,
		    ESP_MODE_TUNNEL, 4, false, false, ESP_DIR_OUT);
	if (by_bytes)
		p.life.hard_bytes = limit * len + len / 2;
	else
		p.life.hard_packets = limit;
	sv[0] = sa_new(&p);
	for (int i = 0; i < N; i++) {
		mb[i] = mbuf_of(inner, len);
		sv[i] = sv[0];
	}
	good = esp_outb_process(cx, mb, sv, why, N);
	assert_int_equal(good, limit);
	for (int i = 0; i < N; i++) {
		if (i < good)
			assert_int_equal(esp_ld32(rte_pktmbuf_mtod(mb[i],
				uint8_t *) + 24), i + 1);
		else
			assert_int_equal(why[i], ESP_DROP_SA_EXPIRED);
		rte_pktmbuf_free(mb[i]);
	}
	esp_sa_stats_get(sv[0], &st);
	assert_int_equal(st.packets, limit);
	assert_int_equal(st.bytes, limit * len);
	assert_int_equal(st.drop[ESP_DROP_SA_EXPIRED], N - limit);
	assert_true(esp_sa_events(sv[0]) & ESP_SA_EV_HARD_EXPIRED);
	esp_sa_free(sv[0]);
	assert_pool_full();
}

static void test_hard_lifetime_exact_in_a_burst(void **state)
{
	(void)state;
	hard_limit_in_burst(false, 70); /* past the first pass of 64 */
	hard_limit_in_burst(false, 5);
	hard_limit_in_burst(false, 1);
	hard_limit_in_burst(true, 70);
	hard_limit_in_burst(true, 5);
}

/*
 * The same inbound: N packets of SA a (sequence numbers 1..N), every other
 * packet of the burst on an unlimited SA b, so a's runs are cut in pieces.
 * Exactly `limit` of a's are delivered; the rest, whose ICVs are good, are
 * dropped as sa-expired; none of b's.
 */
static void inbound_hard_limit(bool by_bytes, uint16_t limit)
{
	enum { N = 90 };
	struct oracle_opts o = { .pad_len = -1, .nh = -1 };
	struct rte_mbuf *mb[2 * N];
	struct esp_sa *sv[2 * N], *b;
	uint8_t why[2 * N], buf[2048];
	struct esp_sa_stats st;
	struct rx r;
	uint16_t good, of_a = 0;

	rx_init(&r, ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128, false, false,
		1024);
	b = sa_new(&r.p);
	esp_sa_free(r.sa);
	if (by_bytes)
		r.p.life.hard_bytes = limit * r.len + r.len / 2;
	else
		r.p.life.hard_packets = limit;
	r.sa = sa_new(&r.p);
	for (int i = 0; i < 2 * N; i++) {
		o.seq = (uint64_t)i / 2 + 1;
		mb[i] = mbuf_of(buf, rx_build(&r, &r.p, &o, buf));
		sv[i] = i % 2 ? b : r.sa;
	}
	good = esp_inb_process(cx, mb, sv, why, 2 * N);
	assert_int_equal(good, N + limit);
	for (int i = 0; i < 2 * N; i++) {
		if (i < good)
			of_a += sv[i] == r.sa;
		else
			assert_true(sv[i] == r.sa &&
				    why[i] == ESP_DROP_SA_EXPIRED);
		rte_pktmbuf_free(mb[i]);
	}
	assert_int_equal(of_a, limit);
	esp_sa_stats_get(r.sa, &st);
	assert_int_equal(st.packets, limit);
	assert_int_equal(st.bytes, limit * r.len);
	assert_int_equal(st.drop[ESP_DROP_SA_EXPIRED], N - limit);
	assert_true(esp_sa_events(r.sa) & ESP_SA_EV_HARD_EXPIRED);
	assert_int_equal(esp_sa_events(b), 0);
	esp_sa_free(r.sa);
	esp_sa_free(b);
	assert_pool_full();
}

static void test_inbound_hard_lifetime_exact(void **state)
{
	(void)state;
	inbound_hard_limit(false, 70); /* past the first pass */
	inbound_hard_limit(false, 5);
	inbound_hard_limit(false, 1);
	inbound_hard_limit(true, 70);
	inbound_hard_limit(true, 5);
}

static void test_outbound_malformed_and_no_room(void **state)
{
	uint8_t inner[256];
	struct esp_params p;
	struct esp_sa *sa;
	struct rte_mbuf *m;
	size_t len;

	(void)state;
	params_init(&p, ALGO_AES_128_CBC, ALGO_HMAC_SHA1_96,
		    ESP_MODE_TRANSPORT, 4, true, false, ESP_DIR_OUT);
	sa = sa_new(&p);
	assert_int_equal(tx_send(sa, &m, 6), ESP_DROP_MALFORMED); /* family */
	len = make_inner(inner, 4, 30, 1, 0);
	inner[0] = 0x55; /* version 5 */
	m = mbuf_of(inner, len);
	assert_int_equal(run1(sa, &m, true), ESP_DROP_MALFORMED);
	len = make_inner(inner, 4, 30, 1, 0);
	m = mbuf_of(inner, len - 1); /* total length says one more */
	assert_int_equal(run1(sa, &m, true), ESP_DROP_MALFORMED);
	m = mbuf_of(inner, 3);
	assert_int_equal(run1(sa, &m, true), ESP_DROP_MALFORMED);

	m = rte_pktmbuf_alloc(pool);
	m->data_off = 0; /* no headroom */
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), inner, len);
	assert_int_equal(run1(sa, &m, true), ESP_DROP_NO_ROOM);
	assert_int_equal(drops(sa, ESP_DROP_MALFORMED), 4);
	assert_int_equal(drops(sa, ESP_DROP_NO_ROOM), 1);

	/* An inbound SA on the outbound path. */
	p.dir = ESP_DIR_IN;
	p.replay_window = 64;
	esp_sa_free(sa);
	sa = sa_new(&p);
	assert_int_equal(tx_send(sa, &m, 4), ESP_DROP_UNKNOWN_SPI);
	esp_sa_free(sa);
	assert_pool_full();
}

static void test_nat_mapping_update(void **state)
{
	static struct oracle_out r;
	uint8_t inner[256];
	struct esp_params p;
	struct esp_sa *sa;
	struct rte_mbuf *m;
	struct ip_addr moved;
	size_t len = make_inner(inner, 4, 30, 1, 0);

	(void)state;
	params_init(&p, ALGO_AES_256_GCM, ALGO_INVALID, ESP_MODE_TUNNEL, 4,
		    true, false, ESP_DIR_OUT);
	sa = sa_new(&p);
	addr_parse("203.0.113.9", &moved);
	assert_int_equal(esp_sa_set_remote(sa, &moved, 40000), 0);
	p.remote = moved;
	p.remote_port = 40000;
	m = mbuf_of(inner, len);
	assert_int_equal(run1(sa, &m, true), 0);
	assert_int_equal(oracle_decap(&p, 0, rte_pktmbuf_mtod(m, uint8_t *),
				      m->pkt_len, &r), 0);
	assert_memory_equal(r.pkt, inner, len);
	rte_pktmbuf_free(m);
	addr_parse("2001:db8::9", &moved);
	assert_int_equal(esp_sa_set_remote(sa, &moved, 1), -1);
	esp_sa_free(sa);
	assert_pool_full();
}

/* The peer of an inbound SA moves (MOBIKE, a new NAT mapping): its replay
 * window, which shares a line with the outbound template, is untouched. */
static void test_inbound_peer_moves(void **state)
{
	static struct rx r;
	struct ip_addr moved;

	(void)state;
	rx_init(&r, ALGO_AES_256_GCM, ALGO_INVALID, true, false, 64);
	assert_int_equal(rx_send(&r, 5), 0);
	addr_parse("203.0.113.9", &moved);
	assert_int_equal(esp_sa_set_remote(r.sa, &moved, 40000), 0);
	assert_int_equal(rx_send(&r, 5), ESP_DROP_REPLAY);
	assert_int_equal(rx_send(&r, 4), 0);
	assert_int_equal(rx_send(&r, 6), 0);
	esp_sa_free(r.sa);
	assert_pool_full();
}

/* More than ESP_BURST_MAX packets, good and bad mixed: good first, in
 * order; the bad ones after with their reasons. */
static void test_large_mixed_burst(void **state)
{
	enum { N = 150 };
	struct rte_mbuf *m[N];
	struct esp_sa *sv[N];
	uint8_t why[N], inner[256];
	struct esp_params p;
	struct esp_sa *sa;
	uint16_t good, expect = 0;

	(void)state;
	params_init(&p, ALGO_AES_128_GCM, ALGO_INVALID, ESP_MODE_TUNNEL, 4,
		    false, false, ESP_DIR_OUT);
	sa = sa_new(&p);
	for (int i = 0; i < N; i++) {
		size_t len = make_inner(inner, 4, 10, (uint32_t)i, 0);

		if (i % 7 == 3)
			inner[0] = 0x15; /* bad version */
		else
			expect++;
		m[i] = mbuf_of(inner, len);
		sv[i] = sa;
	}
	good = esp_outb_process(cx, m, sv, why, N);
	assert_int_equal(good, expect);
	for (int i = 0, last = -1; i < good; i++) {
		/* sequence numbers were taken in input order */
		const uint8_t *ip = rte_pktmbuf_mtod(m[i], uint8_t *);

		assert_int_equal(why[i], 0);
		assert_true((int)esp_ld32(ip + 24) > last);
		last = (int)esp_ld32(ip + 24);
	}
	for (int i = good; i < N; i++)
		assert_int_equal(why[i], ESP_DROP_MALFORMED);
	assert_int_equal(drops(sa, ESP_DROP_MALFORMED), N - expect);
	for (int i = 0; i < N; i++)
		rte_pktmbuf_free(m[i]);
	esp_sa_free(sa);
	assert_pool_full();
}

static void test_install_rejects_bad_params(void **state)
{
	struct esp_params p;
	const char *err = NULL;

	(void)state;
	params_init(&p, ALGO_AES_256_CBC, ALGO_INVALID, ESP_MODE_TUNNEL, 4,
		    false, false, ESP_DIR_OUT);
	assert_null(esp_sa_create(&p, cx, SOCKET_ID_ANY, &err)); /* no HMAC */
	assert_non_null(err);
	p.integ = ALGO_HMAC_SHA256_128;
	p.cipher = ALGO_AES_192_CBC; /* IKE only */
	assert_null(esp_sa_create(&p, cx, SOCKET_ID_ANY, &err));
	p.cipher = ALGO_AES_128_GCM; /* AEAD with an HMAC */
	assert_null(esp_sa_create(&p, cx, SOCKET_ID_ANY, &err));
	p.integ = ALGO_INVALID;
	p.spi = 255;
	assert_null(esp_sa_create(&p, cx, SOCKET_ID_ANY, &err));
	p.spi = 4096;
	p.dir = ESP_DIR_IN;
	p.replay_window = 32;
	assert_null(esp_sa_create(&p, cx, SOCKET_ID_ANY, &err));
	p.replay_window = 8192;
	assert_null(esp_sa_create(&p, cx, SOCKET_ID_ANY, &err));
	p.replay_window = 64;
	addr_parse("2001:db8::5", &p.remote);
	assert_null(esp_sa_create(&p, cx, SOCKET_ID_ANY, &err));
	assert_non_null(strstr(err, "family"));
}

/* Bit l: line l of esp_keys holds byte off. */
static uint32_t line_bit(uint32_t off)
{
	return 1u << (off / RTE_CACHE_LINE_SIZE);
}

/*
 * What a packet's crypto job reads of its SA's keys is fetched ahead
 * (esp_sa_key_lines()): the AES schedule whatever the length, and with
 * IPsec-MB's VAES GCM code H^n..H^1 for n blocks, which a short packet
 * takes from the last lines only.
 */
static void test_key_lines(void **state)
{
	static const uint16_t ciphers[] = { ALGO_AES_128_GCM,
					    ALGO_AES_256_GCM };
	struct esp_params p;

	(void)state;
	for (size_t c = 0; c < RTE_DIM(ciphers); c++) {
		struct esp_sa *sa;
		uint32_t aes, prev = 0;

		params_init(&p, ciphers[c], ALGO_INVALID, ESP_MODE_TUNNEL, 4,
			    false, false, ESP_DIR_OUT);
		sa = sa_new(&p);
		aes = ciphers[c] == ALGO_AES_128_GCM ? 0x7 : 0xf;
		for (uint32_t len = 4; len <= 1500; len += 4) {
			uint32_t m = esp_sa_key_lines(sa, len);
			uint32_t n = RTE_MIN((len + 15) / 16, 48u);

			assert_int_equal(m & aes, aes);
			if (sa->hkey_end == 0) { /* not the VAES code */
				assert_int_equal(m, sa->key_lines);
				continue;
			}
			assert_true(m & line_bit(16 * (sa->hkey_end - n)));
			assert_true(m & line_bit(16 * sa->hkey_end - 1));
			assert_int_equal(m & prev, prev); /* longer: more */
			prev = m;
		}
		if (sa->hkey_end != 0) {
			/* a 64-byte frame's: H^3..H^1, the last line */
			assert_int_equal(esp_sa_key_lines(sa, 48), aes | 0x8000);
			assert_int_equal(esp_sa_key_lines(sa, 52), aes | 0xc000);
			assert_int_equal(esp_sa_key_lines(sa, 1400), 0xffff);
		}
		esp_sa_free(sa);
	}
}

/* ---- transport mode behind a NAT (RFC 3948 section 3.1.2) ---- */

#define PROTO_TCP 6
#define PROTO_UDP 17

static void ipv4_csum_fix(uint8_t *ip)
{
	uint16_t c;

	ip[10] = ip[11] = 0;
	c = csum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
}

/* The sum of the pseudo-header of the packet ip (no extension headers)
 * with source src, as oracle_csum() takes it. */
static uint32_t pseudo_sum(const uint8_t *ip, const uint8_t *src,
			   uint8_t proto, size_t l4_len)
{
	uint8_t ph[40] = { 0 };
	size_t al = ip[0] >> 4 == 6 ? 16 : 4;

	memcpy(ph, src, al);
	memcpy(ph + al, ip + (al == 16 ? 24 : 16), al);
	ph[2 * al + 1] = proto;
	ph[2 * al + 2] = (uint8_t)(l4_len >> 8);
	ph[2 * al + 3] = (uint8_t)l4_len;
	return (uint16_t)~oracle_csum(ph, 2 * al + 4, 0);
}

/*
 * A TCP or UDP packet as it reaches us from a peer behind a NAT: its
 * source address rewritten, its checksum the peer's, computed over its
 * own address.  Returns the length; *csum_off: where the checksum is.
 */
static size_t natted_packet(uint8_t *b, int fam, uint8_t proto,
			    size_t *csum_off)
{
	static const uint8_t priv6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
					   0, 0, 0, 0, 0, 0, 0, 9 };
	static const uint8_t priv4[4] = { 192, 168, 1, 9 };
	size_t hl = fam == 6 ? 40 : 20, l4 = proto == PROTO_TCP ? 20 : 8;
	size_t len = make_inner(b, fam, 60, 3, 0), l4_len = len - hl;
	uint16_t c;

	if (fam == 6) {
		b[6] = proto;
	} else {
		b[9] = proto;
		ipv4_csum_fix(b);
	}
	memset(b + hl, 0x5a, l4); /* ports, TCP numbers and flags */
	if (proto == PROTO_TCP)
		b[hl + 12] = 5 << 4; /* data offset */
	else
		b[hl + 4] = (uint8_t)(l4_len >> 8), b[hl + 5] = (uint8_t)l4_len;
	*csum_off = hl + (proto == PROTO_TCP ? 16 : 6);
	b[*csum_off] = b[*csum_off + 1] = 0;
	c = oracle_csum(b + hl, l4_len,
			pseudo_sum(b, fam == 6 ? priv6 : priv4, proto, l4_len));
	b[*csum_off] = (uint8_t)(c >> 8);
	b[*csum_off + 1] = (uint8_t)c;
	return len;
}

/* Encapsulate pkt with the oracle for SA p, decapsulate it with in. */
static struct rte_mbuf *through(const struct esp_params *p, struct esp_sa *in,
				const uint8_t *pkt, size_t len, uint64_t seq)
{
	struct oracle_opts o = { .seq = seq, .pad_len = -1, .nh = -1 };
	uint8_t buf[512];
	size_t n = oracle_encap(p, &o, pkt, len, buf, sizeof(buf));
	struct rte_mbuf *m;

	assert_true(n > 0);
	m = mbuf_of(buf, n);
	assert_int_equal(run1(in, &m, false), 0);
	assert_int_equal(m->pkt_len, len);
	return m;
}

/* Does the TCP or UDP checksum of ip verify against its own header? */
static bool l4_csum_ok(const uint8_t *ip, size_t len)
{
	size_t hl = ip[0] >> 4 == 6 ? 40 : 20;
	uint8_t proto = ip[0] >> 4 == 6 ? ip[6] : ip[9];

	return oracle_csum(ip + hl, len - hl,
			   pseudo_sum(ip, ip + (hl == 40 ? 8 : 12), proto,
				      len - hl)) == 0;
}

/*
 * With NAT-T, a transport-mode packet leaves ESP with a TCP or UDP
 * checksum that verifies against the header it arrived with (the
 * address the NAT gave its sender), all else as sent; without NAT-T,
 * as sent.  A UDP checksum of 0 stays 0.
 */
static void test_transport_natt_checksums(void **state)
{
	static const uint8_t protos[] = { PROTO_TCP, PROTO_UDP };
	uint8_t pkt[256];
	uint64_t seq = 1;

	(void)state;
	for (int fam = 4; fam <= 6; fam += 2)
	for (int natt = 0; natt <= 1; natt++) {
		struct esp_params p, pi;
		struct esp_sa *in;

		params_init(&p, ALGO_AES_256_GCM, ALGO_INVALID,
			    ESP_MODE_TRANSPORT, fam, natt, false, ESP_DIR_OUT);
		pi = p;
		pi.dir = ESP_DIR_IN;
		in = sa_new(&pi);
		for (size_t k = 0; k < RTE_DIM(protos); k++) {
			size_t off, len = natted_packet(pkt, fam, protos[k],
							&off);
			struct rte_mbuf *m = through(&p, in, pkt, len, seq++);
			uint8_t *got = rte_pktmbuf_mtod(m, uint8_t *);

			assert_false(l4_csum_ok(pkt, len));
			assert_int_equal(l4_csum_ok(got, len), natt);
			if (natt) /* the rest as sent */
				memcpy(got + off, pkt + off, 2);
			assert_memory_equal(got, pkt, len);
			rte_pktmbuf_free(m);
		}
		if (fam == 4 && natt) {
			size_t off, len = natted_packet(pkt, 4, PROTO_UDP,
							&off);
			struct rte_mbuf *m;

			pkt[off] = pkt[off + 1] = 0; /* no UDP checksum */
			m = through(&p, in, pkt, len, seq++);
			assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *),
					    pkt, len);
			rte_pktmbuf_free(m);
		}
		esp_sa_free(in);
	}
}

/* ---- IPv6 extension headers around ESP ---- */

#define EXT_HOP  0
#define EXT_RT   43
#define EXT_FRAG 44
#define EXT_DST  60

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static void put16(uint8_t *b, size_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

/*
 * Insert n extension headers after the fixed header of the IPv6 packet
 * pkt: type[i] with 8 * (units[i] + 1) bytes (a fragment header: 8, an
 * atomic one), options padded with PadN, a routing header of type 254
 * with no segments left.  Returns the new length.
 */
static size_t ext_insert(uint8_t *pkt, size_t len, const uint8_t *type,
			 const uint8_t *units, int n)
{
	uint8_t *nh = pkt + 6, last = pkt[6];
	size_t at = 40, clen = 0;

	for (int i = 0; i < n; i++)
		clen += type[i] == EXT_FRAG ? 8u : (units[i] + 1u) * 8u;
	memmove(pkt + 40 + clen, pkt + 40, len - 40);
	for (int i = 0; i < n; i++) {
		size_t hl = type[i] == EXT_FRAG ? 8u : (units[i] + 1u) * 8u;
		uint8_t *h = pkt + at;

		memset(h, 0, hl);
		*nh = type[i];
		if (type[i] == EXT_RT) {
			h[1] = units[i];
			h[2] = 254;
		} else if (type[i] != EXT_FRAG) {
			h[1] = units[i];
			h[2] = 1; /* PadN */
			h[3] = (uint8_t)(hl - 4);
		}
		nh = h;
		at += hl;
	}
	*nh = last;
	put16(pkt + 4, get16(pkt + 4) + clen);
	return len + clen;
}

/* The oracle's packet for p with a hop-by-hop and a 16-byte destination
 * options header before ESP (or UDP); what espgw must give back. */
static void rx_ext_one(const struct esp_params *p, struct esp_sa *sa,
		       int inner_fam, uint64_t seq)
{
	static const uint8_t type[] = { EXT_HOP, EXT_DST }, units[] = { 0, 1 };
	struct oracle_opts o = { .seq = seq, .pad_len = -1, .nh = -1 };
	uint8_t inner[512], want[512], buf[2048];
	size_t len = make_inner(inner, inner_fam, 33, (uint32_t)seq, 0);
	size_t wlen = len, n;
	struct rte_mbuf *m;
	uint8_t why;

	memcpy(want, inner, len);
	n = oracle_encap(p, &o, inner, len, buf, sizeof(buf));
	assert_true(n > 0);
	n = ext_insert(buf, n, type, units, 2);
	/* Transport mode keeps the chain, now naming the payload's UDP. */
	if (p->mode == ESP_MODE_TRANSPORT)
		wlen = ext_insert(want, len, type, units, 2);
	m = mbuf_of(buf, n);
	why = run1(sa, &m, false);
	if (why != 0)
		fail_msg("espgw drops ESP behind extension headers: %s",
			 esp_drop_name(why));
	assert_int_equal(m->pkt_len, wlen);
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *), want, wlen);
	rte_pktmbuf_free(m);
}

static void test_ipv6_inbound_behind_extension_headers(void **state)
{
	static const size_t pick[] = { 0, 8 }; /* CBC + HMAC, GCM */
	uint64_t seq = 1;

	(void)state;
	for (size_t s = 0; s < 2; s++)
	for (int mode = ESP_MODE_TUNNEL; mode <= ESP_MODE_TRANSPORT; mode++)
	for (int natt = 0; natt <= 1; natt++) {
		struct esp_params p;
		struct esp_sa *sa;

		params_init(&p, suites[pick[s]].cipher, suites[pick[s]].integ,
			    mode, 6, natt, false, ESP_DIR_IN);
		sa = sa_new(&p);
		rx_ext_one(&p, sa, 6, seq++);
		if (mode == ESP_MODE_TUNNEL)
			rx_ext_one(&p, sa, 4, seq++);
		esp_sa_free(sa);
	}
	assert_pool_full();
}

/* The oracle's tunnel packet with the given chain before ESP, through
 * r's SA; returns why. */
static uint8_t rx_ext_send(struct rx *r, uint64_t seq, const uint8_t *type,
			   const uint8_t *units, int n, int frag_om)
{
	struct oracle_opts o = { .seq = seq, .pad_len = -1, .nh = -1 };
	uint8_t buf[2048];
	size_t len = rx_build(r, &r->p, &o, buf);

	len = ext_insert(buf, len, type, units, n);
	for (size_t at = 40, i = 0; frag_om >= 0 && i < (size_t)n; i++) {
		if (type[i] == EXT_FRAG)
			put16(buf + at + 2, (size_t)frag_om);
		at += type[i] == EXT_FRAG ? 8u : (units[i] + 1u) * 8u;
	}
	return rx_send_raw(r, buf, len);
}

static void test_ipv6_inbound_bad_chains(void **state)
{
	static const uint8_t frag[] = { EXT_HOP, EXT_FRAG }, fu[2] = { 0 };
	static const uint8_t nine[9] = { EXT_DST, EXT_DST, EXT_DST, EXT_DST,
					 EXT_DST, EXT_DST, EXT_DST, EXT_DST,
					 EXT_DST };
	static const uint8_t nu[9] = { 0 };
	struct oracle_opts o = { .seq = 9, .pad_len = -1, .nh = -1 };
	uint8_t buf[2048];
	struct rx r;
	size_t n;

	(void)state;
	params_init(&r.p, ALGO_AES_128_GCM, ALGO_INVALID, ESP_MODE_TUNNEL, 6,
		    false, false, ESP_DIR_IN);
	r.sa = sa_new(&r.p);
	r.len = make_inner(r.inner, 6, 40, 3, 0);
	/* First fragment (M), a later one, then an atomic one: whole. */
	assert_int_equal(rx_ext_send(&r, 1, frag, fu, 2, 1),
			 ESP_DROP_FRAGMENT);
	assert_int_equal(rx_ext_send(&r, 2, frag, fu, 2, 185 << 3),
			 ESP_DROP_FRAGMENT);
	assert_int_equal(rx_ext_send(&r, 3, frag, fu, 2, 0), 0);
	/* Eight headers are walked, nine are too many. */
	assert_int_equal(rx_ext_send(&r, 4, nine, nu, 8, -1), 0);
	assert_int_equal(rx_ext_send(&r, 5, nine, nu, 9, -1),
			 ESP_DROP_MALFORMED);
	/* A header longer than the packet. */
	n = rx_build(&r, &r.p, &o, buf);
	n = ext_insert(buf, n, nine, nu, 1);
	buf[41] = 200;
	assert_int_equal(rx_send_raw(&r, buf, n), ESP_DROP_MALFORMED);
	assert_int_equal(drops(r.sa, ESP_DROP_FRAGMENT), 2);
	assert_int_equal(drops(r.sa, ESP_DROP_MALFORMED), 2);
	esp_sa_free(r.sa);
	assert_pool_full();
}

/*
 * Transport mode over IPv6 with hop-by-hop, destination options, routing
 * and destination options again before UDP: ESP goes after the routing
 * header (RFC 4303 3.1.1), the last destination options go inside.  With
 * those 40 bytes in front taken out, the oracle must open the packet.
 */
static void tx_ext_one(uint16_t cipher, uint16_t integ, bool natt)
{
	static const uint8_t type[] = { EXT_HOP, EXT_DST, EXT_RT, EXT_DST };
	static const uint8_t units[] = { 0, 0, 2, 1 };
	static struct oracle_out r;
	uint8_t inner[512], cut[2048], want[512];
	size_t len = make_inner(inner, 6, 50, 7, 0), n;
	struct esp_params p;
	struct esp_sa *sa;
	struct rte_mbuf *m;
	const uint8_t *out;

	params_init(&p, cipher, integ, ESP_MODE_TRANSPORT, 6, natt, false,
		    ESP_DIR_OUT);
	sa = sa_new(&p);
	len = ext_insert(inner, len, type, units, 4); /* UDP at 96 */
	m = mbuf_of(inner, len);
	assert_int_equal(run1(sa, &m, true), 0);
	out = rte_pktmbuf_mtod(m, const uint8_t *);
	n = m->pkt_len;

	/* In front, untouched but for the lengths and the routing
	 * header's Next Header. */
	assert_memory_equal(out, inner, 4);
	assert_int_equal(get16(out + 4), n - 40);
	assert_memory_equal(out + 6, inner + 6, 80 - 6 - 24);
	assert_int_equal(out[56], natt ? 17 : 50);
	assert_memory_equal(out + 57, inner + 57, 80 - 57);

	memcpy(cut, out, 40);
	cut[6] = out[56];
	memcpy(cut + 40, out + 80, n - 80);
	put16(cut + 4, n - 80);
	if (oracle_decap(&p, 0, cut, n - 40, &r) < 0)
		fail_msg("oracle rejects ESP after a routing header: %s",
			 r.err);
	/* What ESP protected: the last destination options and UDP. */
	memcpy(want, inner, 40);
	want[6] = EXT_DST;
	memcpy(want + 40, inner + 80, len - 80);
	put16(want + 4, len - 80);
	assert_int_equal(r.len, len - 40);
	assert_memory_equal(r.pkt, want, len - 40);
	rte_pktmbuf_free(m);
	esp_sa_free(sa);
}

static void test_ipv6_transport_esp_after_routing_header(void **state)
{
	static const uint8_t dst[] = { EXT_DST }, du[] = { 0 };
	uint8_t inner[512];
	struct esp_params p;
	struct esp_sa *sa;
	struct rte_mbuf *m;
	size_t len;

	(void)state;
	for (int natt = 0; natt <= 1; natt++) {
		tx_ext_one(ALGO_AES_256_GCM, ALGO_INVALID, natt);
		tx_ext_one(ALGO_AES_128_CBC, ALGO_HMAC_SHA256_128, natt);
	}
	/* A chain the walker refuses: a header longer than the packet. */
	params_init(&p, ALGO_AES_256_GCM, ALGO_INVALID, ESP_MODE_TRANSPORT,
		    6, false, false, ESP_DIR_OUT);
	sa = sa_new(&p);
	len = make_inner(inner, 6, 10, 7, 0);
	len = ext_insert(inner, len, dst, du, 1);
	inner[41] = 9;
	m = mbuf_of(inner, len);
	assert_int_equal(run1(sa, &m, true), ESP_DROP_MALFORMED);
	esp_sa_free(sa);
	assert_pool_full();
}

/* ---- EAL once for the program ---- */

static int setup(void **state)
{
	char *argv[] = { "test_esp", "--no-huge", "--no-pci", "-l", "0",
			 "--no-shconf", "--log-level=error", "-m", "128",
			 NULL };

	(void)state;
	if (rte_eal_init(9, argv) < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("esp_test", POOL_SIZE, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	cx = esp_crypto_create(SOCKET_ID_ANY);
	return pool && cx ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	esp_crypto_free(cx);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_combination_both_ways),
		cmocka_unit_test(test_cbc_ivs_never_repeat),
		cmocka_unit_test(test_gcm_nonces_never_repeat),
		cmocka_unit_test(test_two_workers_never_share_a_seq),
		cmocka_unit_test(test_sole_sender_numbers),
		cmocka_unit_test(test_replay_and_forgery),
		cmocka_unit_test(test_replay_window_4096),
		cmocka_unit_test(test_duplicate_in_one_burst),
		cmocka_unit_test(test_esn_wrap),
		cmocka_unit_test(test_icv_failures),
		cmocka_unit_test(test_truncated_packets),
		cmocka_unit_test(test_padding_and_trailer),
		cmocka_unit_test(test_encapsulation_mismatch),
		cmocka_unit_test(test_outer_header_errors),
		cmocka_unit_test(test_ecn_decapsulation),
		cmocka_unit_test(test_seq_exhaustion_stops_the_sa),
		cmocka_unit_test(test_lifetimes),
		cmocka_unit_test(test_hard_lifetime_exact_in_a_burst),
		cmocka_unit_test(test_inbound_hard_lifetime_exact),
		cmocka_unit_test(test_outbound_malformed_and_no_room),
		cmocka_unit_test(test_nat_mapping_update),
		cmocka_unit_test(test_inbound_peer_moves),
		cmocka_unit_test(test_large_mixed_burst),
		cmocka_unit_test(test_install_rejects_bad_params),
		cmocka_unit_test(test_key_lines),
		cmocka_unit_test(test_transport_natt_checksums),
		cmocka_unit_test(test_ipv6_inbound_behind_extension_headers),
		cmocka_unit_test(test_ipv6_inbound_bad_chains),
		cmocka_unit_test(test_ipv6_transport_esp_after_routing_header),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
