/* SPDX-License-Identifier: BSD-3-Clause */
#include "ike_load_run.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <openssl/rand.h>

#define RX_BURST   64
#define TICK_US	   10000 /* retransmission timers are checked this often */
#define SLOT_BITS  24	 /* low bits of SPIi: the slot */
#define EX_OFFSET  18	 /* exchange type in the IKE header (3.1) */
#define FLG_OFFSET 19

enum slot_state { SLOT_FREE, SLOT_INIT, SLOT_AUTH, SLOT_DELETE };

struct slot {
	enum slot_state state;
	uint32_t tries;
	uint64_t deadline_us, started_us;
	uint8_t req[IKE_LOAD_MSG_MAX]; /* IKE_AUTH or DELETE, for resending */
	size_t req_len;
	struct ike_load_hs hs;
};

struct run {
	const struct ike_load_opts *o;
	struct ike_load_result *r;
	struct slot *slots;
	uint32_t *free_list, n_free;
	uint32_t *lat_us; /* setup latencies, one per IKE SA up */
	uint64_t seq, t0_us, last_up_us;
	uint8_t rx[RX_BURST][IKE_LOAD_MSG_MAX];
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint32_t slot_index(const struct run *x, const struct slot *s)
{
	return (uint32_t)(s - x->slots);
}

/* Send s's current request, arming its retransmission timer. */
static void transmit(struct run *x, struct slot *s, uint64_t now)
{
	const uint8_t *buf = s->state == SLOT_INIT ? s->hs.init_req : s->req;
	size_t len = s->state == SLOT_INIT ? s->hs.init_req_len : s->req_len;
	/* timeout_ms after the first send, twice as long after each next */
	uint64_t wait = ((uint64_t)x->o->timeout_ms * 1000u) << s->tries;

	if (send(x->o->fd, buf, len, 0) < 0)
		x->r->send_errors++; /* the timer sends it again */
	s->tries++;
	s->deadline_us = now + wait;
}

static void slot_free(struct run *x, struct slot *s)
{
	ike_load_hs_wipe(&s->hs);
	OPENSSL_cleanse(s->req, s->req_len);
	s->state = SLOT_FREE;
	x->free_list[x->n_free++] = slot_index(x, s);
}

static void count_notify(struct ike_load_result *r, uint16_t type)
{
	unsigned int i;

	r->notified++;
	for (i = 0; i < IKE_LOAD_NOTIFY_KINDS - 1; i++)
		if (r->notify[i].n == 0 || r->notify[i].type == type)
			break;
	if (i == IKE_LOAD_NOTIFY_KINDS - 1)
		type = 0; /* reserved (3.10.1): the last entry, all others */
	r->notify[i].type = type;
	r->notify[i].n++;
}

/* A failed handshake: a notify, or a response refused for why. */
static void fail(struct run *x, struct slot *s, enum ike_load_rc rc,
		 uint16_t notify, enum ike_load_bad why)
{
	if (rc == IKE_LOAD_NOTIFY)
		count_notify(x->r, notify);
	else
		x->r->bad[why]++;
	slot_free(x, s);
}

/* Begin handshake number x->seq in a free slot. */
static void start_one(struct run *x, uint64_t now)
{
	struct slot *s = &x->slots[x->free_list[--x->n_free]];
	uint64_t n = x->seq++;
	uint64_t spi = (n + 1) << SLOT_BITS | slot_index(x, s);
	uint8_t nonce[IKE_LOAD_NONCE_LEN];
	char id[IKE_LOAD_ID_MAX];

	RAND_bytes(nonce, sizeof(nonce));
	snprintf(id, sizeof(id), "c%" PRIu64 ".load.test", x->o->id_base + n);
	ike_load_hs_start(&s->hs, spi, nonce, htonl(0x10000000u + (uint32_t)n),
			  id);
	s->state = SLOT_INIT;
	s->tries = 0;
	s->started_us = now;
	x->r->started++;
	if (ike_load_init_req(&s->hs, x->o->params) == 0)
		return fail(x, s, IKE_LOAD_BAD, 0, IKE_LOAD_BAD_BUILD);
	transmit(x, s, now);
}

/* Send s's next request (already in s->req) as a fresh one. */
static void next_request(struct run *x, struct slot *s, enum slot_state state,
			 uint64_t now)
{
	s->state = state;
	s->tries = 0;
	transmit(x, s, now);
}

static void established(struct run *x, struct slot *s, uint64_t now)
{
	x->lat_us[x->r->established++] = (uint32_t)(now - s->started_us);
	x->last_up_us = now;
	if (!x->o->delete_sa) {
		slot_free(x, s);
		return;
	}
	s->req_len = ike_load_delete_req(&s->hs, s->req, sizeof(s->req));
	if (s->req_len == 0)
		return fail(x, s, IKE_LOAD_BAD, 0, IKE_LOAD_BAD_BUILD);
	next_request(x, s, SLOT_DELETE, now);
}

static void on_init_resp(struct run *x, struct slot *s, const uint8_t *buf,
			 size_t len, uint64_t now)
{
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	uint16_t notify = 0;
	enum ike_load_rc rc;

	rc = ike_load_init_resp(&s->hs, x->o->params, buf, len, &notify, &why);
	if (rc == IKE_LOAD_RETRY) {
		x->r->cookies++;
		ike_load_init_req(&s->hs, x->o->params);
		next_request(x, s, SLOT_INIT, now);
		return;
	}
	if (rc != IKE_LOAD_OK)
		return fail(x, s, rc, notify, why);
	s->req_len =
		ike_load_auth_req(&s->hs, x->o->params, s->req, sizeof(s->req));
	if (s->req_len == 0)
		return fail(x, s, IKE_LOAD_BAD, 0, IKE_LOAD_BAD_BUILD);
	next_request(x, s, SLOT_AUTH, now);
}

static void on_auth_resp(struct run *x, struct slot *s, uint8_t *buf,
			 size_t len, uint64_t now)
{
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	uint16_t notify = 0;
	enum ike_load_rc rc;

	rc = ike_load_auth_resp(&s->hs, x->o->params, buf, len, &notify, &why);
	if (rc != IKE_LOAD_OK)
		return fail(x, s, rc, notify, why);
	established(x, s, now);
}

static void on_delete_resp(struct run *x, struct slot *s, uint8_t *buf,
			   size_t len)
{
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;

	if (ike_load_delete_resp(&s->hs, buf, len, &why) != IKE_LOAD_OK)
		return fail(x, s, IKE_LOAD_BAD, 0, why);
	x->r->deleted++;
	slot_free(x, s);
}

/*
 * The handshake a datagram answers, or NULL: SPIi names the slot, and the
 * exchange must be the one the slot waits for (a repeated answer to an
 * earlier request is stale, not wrong).
 */
static struct slot *owner(struct run *x, const uint8_t *buf, size_t len)
{
	static const uint8_t want_ex[] = {
		[SLOT_INIT] = IKE_EX_IKE_SA_INIT,
		[SLOT_AUTH] = IKE_EX_IKE_AUTH,
		[SLOT_DELETE] = IKE_EX_INFORMATIONAL,
	};
	uint64_t spi;
	uint32_t i;
	struct slot *s;

	if (len < IKE_HDR_LEN || !(buf[FLG_OFFSET] & IKE_FLAG_RESPONSE))
		return NULL;
	memcpy(&spi, buf, 8);
	spi = be64toh(spi);
	i = (uint32_t)(spi & ((1u << SLOT_BITS) - 1));
	if (i >= x->o->window)
		return NULL;
	s = &x->slots[i];
	if (s->state == SLOT_FREE || s->hs.spi_i != spi ||
	    buf[EX_OFFSET] != want_ex[s->state])
		return NULL;
	return s;
}

static void dispatch(struct run *x, uint8_t *buf, size_t len, uint64_t now)
{
	struct slot *s = owner(x, buf, len);

	if (!s) {
		x->r->stale++;
		return;
	}
	switch (s->state) {
	case SLOT_INIT:
		on_init_resp(x, s, buf, len, now);
		break;
	case SLOT_AUTH:
		on_auth_resp(x, s, buf, len, now);
		break;
	case SLOT_DELETE:
		on_delete_resp(x, s, buf, len);
		break;
	case SLOT_FREE:
		break;
	}
}

/* Take every datagram waiting, RX_BURST at a time. */
static void receive(struct run *x)
{
	struct mmsghdr mm[RX_BURST];
	struct iovec iov[RX_BURST];
	int n;

	for (int i = 0; i < RX_BURST; i++) {
		iov[i] = (struct iovec){x->rx[i], sizeof(x->rx[i])};
		mm[i].msg_hdr =
			(struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
	}
	do {
		uint64_t now;

		n = recvmmsg(x->o->fd, mm, RX_BURST, MSG_DONTWAIT, NULL);
		if (n < 0) {
			/* ECONNREFUSED: nobody on the port (yet). */
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				x->r->socket_errors++;
			return;
		}
		now = now_us();
		for (int i = 0; i < n; i++)
			if (!(mm[i].msg_hdr.msg_flags & MSG_TRUNC))
				dispatch(x, x->rx[i], mm[i].msg_len, now);
			else
				x->r->stale++;
	} while (n == RX_BURST);
}

/* Retransmit what is due; give up on what has had all its tries. */
static void expire(struct run *x, uint64_t now, bool all)
{
	for (uint32_t i = 0; i < x->o->window; i++) {
		struct slot *s = &x->slots[i];

		if (s->state == SLOT_FREE || (!all && s->deadline_us > now))
			continue;
		if (!all && s->tries < x->o->tries) {
			x->r->retransmits++;
			transmit(x, s, now);
			continue;
		}
		x->r->timeouts++;
		slot_free(x, s);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void latencies(struct run *x)
{
	uint64_t n = x->r->established;

	if (n == 0)
		return;
	qsort(x->lat_us, n, sizeof(*x->lat_us), cmp_u32);
	x->r->lat_p50_ms = x->lat_us[n / 2] / 1000.0;
	x->r->lat_p99_ms = x->lat_us[n * 99 / 100] / 1000.0;
	x->r->lat_max_ms = x->lat_us[n - 1] / 1000.0;
}

static int run_init(struct run *x, const struct ike_load_opts *o,
		    struct ike_load_result *r)
{
	memset(x, 0, sizeof(*x));
	memset(r, 0, sizeof(*r));
	x->o = o;
	x->r = r;
	x->slots = calloc(o->window, sizeof(*x->slots));
	x->free_list = calloc(o->window, sizeof(*x->free_list));
	x->lat_us = calloc(o->total ? o->total : 1, sizeof(*x->lat_us));
	if (!x->slots || !x->free_list || !x->lat_us)
		return -1;
	/* Slot 0 is taken first, so a small run touches few slots. */
	for (uint32_t i = 0; i < o->window; i++)
		x->free_list[i] = o->window - 1 - i;
	x->n_free = o->window;
	return 0;
}

static void run_free(struct run *x)
{
	if (x->slots)
		OPENSSL_cleanse(x->slots, x->o->window * sizeof(*x->slots));
	free(x->slots);
	free(x->free_list);
	free(x->lat_us);
}

/* The loop: fill the window, wait for answers, retransmit. */
static void loop(struct run *x)
{
	const struct ike_load_opts *o = x->o;
	struct pollfd pfd = {.fd = o->fd, .events = POLLIN};
	uint64_t now = now_us(), next_tick = now + TICK_US;
	uint64_t end = now + o->max_ms * 1000u;

	x->t0_us = now;
	while (x->seq < o->total || x->n_free < o->window) {
		while (x->seq < o->total && x->n_free > 0)
			start_one(x, now);
		if (poll(&pfd, 1, TICK_US / 1000) > 0)
			receive(x);
		if (o->sink)
			ike_load_sink_drain(o->sink);
		now = now_us();
		if (now >= end) {
			expire(x, now, true); /* out of time: all time out */
			break;
		}
		if (now >= next_tick) {
			expire(x, now, false);
			next_tick = now + TICK_US;
		}
	}
	x->r->seconds =
		((x->last_up_us ? x->last_up_us : now) - x->t0_us) / 1e6;
}

int ike_load_run(const struct ike_load_opts *o, struct ike_load_result *r)
{
	struct run *x = malloc(sizeof(*x));
	int rc = -1;

	if (x && run_init(x, o, r) == 0) {
		loop(x);
		latencies(x);
		rc = 0;
	}
	if (x)
		run_free(x);
	free(x);
	return rc;
}

uint64_t ike_load_failed(const struct ike_load_result *r)
{
	uint64_t n = r->timeouts + r->notified;

	for (unsigned int i = 0; i < IKE_LOAD_BAD_COUNT; i++)
		n += r->bad[i];
	return n;
}
