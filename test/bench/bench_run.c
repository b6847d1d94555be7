/* SPDX-License-Identifier: BSD-3-Clause */
#include "bench_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

#include "addr.h"
#include "esp_inb.h"
#include "esp_outb.h"

/* ---- SAs ---- */

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Benchmark keys, different for every SA: not secrets. */
static void params_of(struct esp_params *p, const struct suite *su,
		      uint32_t i, uint8_t dir)
{
	char peer[32];

	memset(p, 0, sizeof(*p));
	p->spi = 0x1000 + i;
	p->dir = dir;
	p->mode = ESP_MODE_TUNNEL;
	p->cipher = su->cipher;
	p->integ = su->integ;
	p->replay_window = REPLAY_WINDOW;
	snprintf(peer, sizeof(peer), "198.51.%u.%u", 100 + i / 250,
		 1 + i % 250);
	addr_parse(dir == ESP_DIR_OUT ? "203.0.113.1" : peer, &p->local);
	addr_parse(dir == ESP_DIR_OUT ? peer : "203.0.113.1", &p->remote);
	for (size_t k = 0; k < sizeof(p->cipher_key); k += 8) {
		uint64_t x = mix64(i * 4ull + k);

		memcpy(p->cipher_key + k, &x, 8);
		x = mix64(~(i * 4ull + k));
		memcpy(p->auth_key + k, &x, 8);
		memcpy(p->auth_key + 32 + k, &x, 8);
	}
	memcpy(p->salt, p->auth_key + 8, ESP_SALT_LEN);
}

void sa_set_free(struct sa_set *s)
{
	for (uint32_t i = 0; i < s->n; i++) {
		esp_sa_free(s->out[i]);
		esp_sa_free(s->in[i]);
	}
	free(s->out);
	free(s->in);
	memset(s, 0, sizeof(*s));
}

int sa_set_create(struct sa_set *s, const struct suite *su, uint32_t n,
		  struct esp_crypto *cx)
{
	struct esp_params p;
	const char *err = NULL;

	s->out = calloc(n, sizeof(s->out[0]));
	s->in = calloc(n, sizeof(s->in[0]));
	if (s->out == NULL || s->in == NULL)
		return -1;
	for (s->n = 0; s->n < n; s->n++) {
		params_of(&p, su, s->n, ESP_DIR_OUT);
		s->out[s->n] = esp_sa_create(&p, cx, SOCKET_ID_ANY, &err);
		params_of(&p, su, s->n, ESP_DIR_IN);
		s->in[s->n] = esp_sa_create(&p, cx, SOCKET_ID_ANY, &err);
		if (s->out[s->n] == NULL || s->in[s->n] == NULL) {
			fprintf(stderr, "esp_bench: SA %u: %s\n", s->n, err);
			s->n++;
			sa_set_free(s);
			return -1;
		}
	}
	return 0;
}

/* ---- one worker's rounds ---- */

static uint32_t next_sa(struct worker *w)
{
	const struct run *r = w->run;

	w->cur = (w->cur + r->stride) % r->span;
	return r->decap ? w->cur * r->workers + w->id : w->cur;
}

/* Untimed: fresh cleartext packets on the next SAs of the stream. */
static void refill(struct worker *w)
{
	const struct run *r = w->run;

	for (uint16_t i = 0; i < r->burst; i++) {
		struct rte_mbuf *m = w->mb[i];

		rte_pktmbuf_reset(m);
		memcpy(rte_pktmbuf_append(m, (uint16_t)r->ip_len), r->ip,
		       r->ip_len);
		w->idx[i] = next_sa(w);
		w->sa[i] = r->set->out[w->idx[i]];
	}
}

static bool all_good(struct worker *w, uint16_t good, const char *what)
{
	if (good == w->run->burst)
		return true;
	w->err = what;
	fprintf(stderr, "esp_bench: worker %u: %s dropped a packet: %s\n",
		w->id, what, esp_drop_name(w->why[good]));
	return false;
}

/* One burst; the TSC cycles of the timed call, or 0 after a drop. */
static uint64_t round_encap(struct worker *w)
{
	uint16_t n = w->run->burst, good;
	uint64_t t;

	refill(w);
	t = rte_rdtsc();
	good = esp_outb_process(w->cx, w->mb, w->sa, w->why, n);
	t = rte_rdtsc() - t;
	return all_good(w, good, "encap") ? t : 0;
}

static uint64_t round_decap(struct worker *w)
{
	uint16_t n = w->run->burst, good;
	uint64_t t;

	refill(w);
	good = esp_outb_process(w->cx, w->mb, w->sa, w->why, n);
	if (!all_good(w, good, "encap (decap input)"))
		return 0;
	for (uint16_t i = 0; i < n; i++) /* order kept: nothing dropped */
		w->sa[i] = w->run->set->in[w->idx[i]];

	t = rte_rdtsc();
	good = esp_inb_process(w->cx, w->mb, w->sa, w->why, n);
	t = rte_rdtsc() - t;
	return all_good(w, good, "decap") ? t : 0;
}

static uint64_t one_round(struct worker *w)
{
	return w->run->decap ? round_decap(w) : round_encap(w);
}

/* After a round: decap gave back the cleartext, encap the outer length. */
static bool output_ok(struct worker *w)
{
	const struct run *r = w->run;

	for (uint16_t i = 0; i < r->burst; i++) {
		const struct rte_mbuf *m = w->mb[i];
		const void *d = rte_pktmbuf_mtod(m, const void *);

		if (r->decap ? m->pkt_len != r->ip_len ||
				       memcmp(d, r->ip, r->ip_len) != 0
			     : m->pkt_len != r->out_len) {
			fprintf(stderr, "esp_bench: worker %u: wrong output "
				"(%u bytes)\n", w->id, m->pkt_len);
			return false;
		}
	}
	return true;
}

static bool warm_up(struct worker *w)
{
	uint64_t c;

	if (one_round(w) == 0 || !output_ok(w))
		return false;
	w->fastest = UINT64_MAX;
	for (unsigned int i = 0; i < WARMUP_ROUNDS; i++) {
		c = one_round(w);
		if (c == 0)
			return false;
		w->fastest = RTE_MIN(w->fastest, c);
	}
	return true;
}

/* Every worker waits for the others, so that their slices overlap. */
static bool barrier(struct worker *w)
{
	struct run *r = w->run;
	uint64_t hz = rte_get_tsc_hz();
	uint64_t end = rte_rdtsc() + (uint64_t)(DEADLINE_S * (double)hz);

	__atomic_add_fetch(&r->ready, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&r->ready, __ATOMIC_ACQUIRE) < r->workers) {
		if (rte_rdtsc() > end)
			return false;
		rte_pause();
	}
	return true;
}

static bool slice(struct worker *w, unsigned int s)
{
	const struct run *r = w->run;
	uint64_t hz = rte_get_tsc_hz();
	uint64_t end = rte_rdtsc() + (uint64_t)(DEADLINE_S * (double)hz);
	uint64_t cycles = 0, packets = 0, c;

	while (cycles < r->slice_cycles) {
		c = one_round(w);
		if (c == 0 || rte_rdtsc() > end)
			return false;
		if (c > PREEMPTED * w->fastest) {
			w->interrupted++;
			if (r->skip_preempted)
				continue;
		}
		cycles += c;
		packets += r->burst;
	}
	w->rate[s] = (double)packets * (double)hz / (double)cycles;
	w->cycles += cycles;
	w->packets += packets;
	return true;
}

int worker_main(void *arg)
{
	struct worker *w = arg;

	w->err = NULL;
	w->cycles = w->packets = w->interrupted = 0;
	if (!warm_up(w) || !barrier(w))
		goto fail;
	for (unsigned int s = 0; s < w->run->slices; s++) {
		if (!slice(w, s))
			goto fail;
	}
	return 0;

fail:
	if (w->err == NULL)
		w->err = "timed out";
	__atomic_add_fetch(&w->run->ready, 1, __ATOMIC_ACQ_REL);
	return -1;
}
