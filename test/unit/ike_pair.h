/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two IKEv2 engines in-process, for the unit tests of the IKE state
 * machine: node 0 is the gateway, node 1 its peer (a road-warrior client,
 * or the other gateway of a site-to-site pair). They are joined by a fake
 * network that can drop, capture and NAT datagrams, share a fake clock
 * that fires timers only when the test advances it, and each has a fake
 * data plane that keeps what it is told to install and checks every
 * command as espgw-dataplane would. A test program that includes this
 * needs IKE_CONFIGS in its environment (test/unit/ike).
 *
 * Not thread-safe: one test at a time owns all of the state below.
 */
#ifndef ESPGW_TEST_IKE_PAIR_H
#define ESPGW_TEST_IKE_PAIR_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "ike_child.h"
#include "ike_engine.h"
#include "ike_exchange.h"
#include "ike_frag.h"
#include "ike_msg.h"
#include "ike_sa.h"

#define MAX_TIMERS 4096
#define MAX_DP	   64
#define MAX_PKTS   64

/* ---- clock ---- */

/* One fake timer; live until it fires or is cancelled. */
struct ftimer {
	uint64_t due;
	ike_timer_fn fn;
	void *arg;
	bool live;
};

extern struct ftimer timers[MAX_TIMERS];
extern uint64_t now_ms; /* the fake clock, in milliseconds */

/* Run every timer due within ms, in order, delivering what each one
 * sends before the next (the network takes no time); bounded. */
void advance(uint64_t ms);

/* ---- data plane ---- */

/* What one engine installed: its SAs and policies, and counts of the
 * SA_ADD, SA_UPDATE and COUNTER_REQ commands it sent. */
struct dp {
	struct chan_sa sa[MAX_DP];
	struct chan_policy pol[MAX_DP];
	unsigned int n_sa, n_pol, sa_adds, updates, counter_reqs;
};

/* The SA of that id, or of that SPI and direction; NULL if none. */
struct chan_sa *dp_sa(struct dp *d, uint64_t id);
struct chan_sa *dp_sa_by_spi(struct dp *d, uint32_t spi, uint8_t dir);
/* The policy that names SA id; NULL if none. */
struct chan_policy *dp_pol_of_sa(struct dp *d, uint64_t sa_id);
/* The number of outbound policies installed. */
unsigned int out_policies(const struct dp *d);
/* The SPI of the first installed SA of that direction; 0 if none. */
uint32_t spi_of(struct dp *d, uint8_t dir);

/* Make-before-break: while set, removing an outbound policy fails the
 * test unless another one is installed at that moment. */
extern bool watch_out;

/* Inbound of one side is the outbound of the other, keys and all, for
 * every SA installed in a. */
void expect_pair(struct dp *a, struct dp *b);

/* ---- network ---- */

/* One datagram on the fake network; from is the sending node. */
struct pkt {
	int from;
	struct ike_ep src, dst;
	uint8_t buf[IKE_MSG_MAX];
	size_t len;
};

struct node {
	struct espgw_config *cfg;
	struct ike_engine *e;
	struct dp dp;
	struct ike_ep ep; /* its address; port per message */
	struct ike_engine_ops ops;
	unsigned int sent[64]; /* messages sent per exchange type - 34 */
	unsigned int keepalives; /* NAT-keepalives sent */
	struct ike_ep keepalive_src, keepalive_dst; /* the last one's */
};

extern struct node nodes[2]; /* 0: gateway, 1: client or other gateway */
extern struct pkt queue[MAX_PKTS]; /* sent, not yet delivered */
extern unsigned int n_queued;
extern int nat_offset; /* node 1's ports as seen by node 0: + offset */
/* Called on each datagram before delivery: return true to drop it (it
 * may also copy it away, as into captured). NULL: deliver all. */
extern bool (*drop)(const struct pkt *p);
extern struct pkt captured; /* free for a drop hook to keep one in */

/* Deliver queued datagrams, and what they cause, in order; bounded, and
 * the queue must be empty at the end. */
void run(void);
/* Deliver p to the gateway as it is, past the queue and the hook. */
void inject(struct pkt *p);

/* ---- the pair ---- */

/* cmocka setup: the tutorial's gateway (ike/gw.conf, 192.0.2.1) and
 * road-warrior client (ike/client.conf, 198.51.100.7). */
int setup(void **state);
/* cmocka setup: two site-to-site gateways (ike/s2s-b.conf as node 0,
 * ike/s2s-a.conf as node 1). */
int setup_s2s(void **state);
/* cmocka teardown: destroys both engines; their data planes must be
 * left empty. */
int teardown(void **state);

struct ike_engine *gw(void); /* node 0's engine */
struct ike_engine *cl(void); /* node 1's engine */

/* The client connects (asking for a virtual address), run to the end. */
void connect_client(void);
/* The engine's one IKE SA (the last one found if there are several). */
struct ike_sa *only_sa(struct ike_engine *e);

void expect_prefix(const struct chan_ts *t, const char *s);
/* What a show function prints, in a static buffer. */
char *capture(void (*show)(struct ike_engine *, FILE *, bool),
	      struct ike_engine *e, bool json);

/* ---- counter replies ---- */

/* While on, node i's data plane answers each COUNTER_REQ that names one
 * installed SA, delay_ms later on the fake clock (0: right after the
 * timer that asked), with in_packets for an inbound SA and 0 for an
 * outbound one; replies counts those delivered.  Off after
 * dp_count_reset, which also forgets the replies not yet delivered. */
struct dp_count {
	bool on;
	uint64_t in_packets;
	uint64_t delay_ms;
	unsigned int replies;
};

extern struct dp_count dp_count[2];
void dp_count_reset(void);
/* Called by the fake data plane on each COUNTER_REQ of node n. */
void dp_answer(struct node *n, const struct chan_counter_req *req);

#endif
