/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The measured part of esp_bench (esp_bench.c has the method): SA sets,
 * and one worker's loop of untimed refills and timed ESP calls.
 *
 * worker_main() runs on one lcore per worker.  Each round refills the
 * worker's burst (untimed), for decap encapsulates it with the outbound
 * twins (untimed), then times esp_outb_process() or esp_inb_process() on it
 * with the TSC.  Any drop ends the run: every packet must get through,
 * replay window included.
 */
#ifndef ESPGW_BENCH_RUN_H
#define ESPGW_BENCH_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "bench_pkt.h"
#include "esp_crypto.h"
#include "esp_sa.h"

struct rte_mbuf;

#define MAX_WORKERS   2
#define BURST_MAX     256
#define SLICES_MAX    32
#define STRIDE        7919u /* a prime */
#define WARMUP_ROUNDS 2000
#define REPLAY_WINDOW 128 /* the road-warrior example's */
#define DEADLINE_S    60.0 /* wall time one slice may take at most */
/*
 * A timed burst that takes this many times the fastest warm-up burst was
 * preempted (a scheduler slice is milliseconds, a burst tens of
 * microseconds).  Such bursts are counted, and left out only with
 * --skip-preempted: crypto-perf's raw figure cannot leave them out, and
 * the two are compared.
 */
#define PREEMPTED     8

struct suite {
	const char *key;  /* --algo */
	const char *name; /* the table's */
	uint16_t cipher, integ;
};

/* N outbound SAs and their inbound twins (same SPI and keys). */
struct sa_set {
	uint32_t n;
	struct esp_sa **out, **in;
};

struct run;

struct worker {
	unsigned int id;
	struct run *run;
	struct esp_crypto *cx;
	struct rte_mbuf *mb[BURST_MAX];
	struct esp_sa *sa[BURST_MAX];
	uint32_t idx[BURST_MAX];
	uint8_t why[BURST_MAX];
	uint32_t cur;    /* (k * stride) mod span for the k-th packet */
	uint64_t cycles; /* timed, all slices */
	uint64_t packets;
	uint64_t fastest;     /* cycles of the fastest warm-up burst */
	uint64_t interrupted; /* bursts that look preempted (PREEMPTED) */
	double rate[SLICES_MAX]; /* packets per second per slice */
	const char *err;
};

/* One measurement. */
struct run {
	const struct sa_set *set;
	bool decap;
	uint32_t n_sas, workers, span, stride;
	uint16_t burst;
	unsigned int slices;
	uint64_t slice_cycles;
	uint32_t ip_len, out_len;
	uint8_t ip[BENCH_IP_MAX];
	bool skip_preempted;
	uint32_t ready; /* start barrier */
	struct worker *w[MAX_WORKERS];
};

/* n SAs of suite su each way, keys expanded with cx.  0 or -1. */
int sa_set_create(struct sa_set *s, const struct suite *su, uint32_t n,
		  struct esp_crypto *cx);
void sa_set_free(struct sa_set *s);

/* One worker's measurement (rte_lcore_function_t): warm-up, barrier,
 * slices.  0, or -1 with w->err set. */
int worker_main(void *arg);

#endif
