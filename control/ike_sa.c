/* SPDX-License-Identifier: BSD-3-Clause */
#include "ike_sa.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "ike_child.h"
#include "ike_dpd.h"
#include "ike_exchange.h"
#include "ike_frag.h"
#include "ike_keepalive.h"
#include "ike_mobike.h"
#include "ike_msg.h"
#include "log.h"

/* ---- tables ---- */

static size_t slot(const struct htable *t, uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (size_t)key & t->mask;
}

int htable_init(struct htable *t, size_t buckets)
{
	t->b = calloc(buckets, sizeof(*t->b));
	t->mask = buckets - 1;
	t->n = 0;
	return t->b ? 0 : -1;
}

void htable_free(struct htable *t)
{
	free(t->b);
	t->b = NULL;
}

static void grow(struct htable *t)
{
	size_t n = (t->mask + 1) * 2;
	struct hlink **b = calloc(n, sizeof(*b));
	struct htable nt = { b, n - 1, 0 };

	if (!b)
		return; /* chains just get longer */
	for (size_t i = 0; i <= t->mask; i++) {
		for (struct hlink *l = t->b[i], *nx; l; l = nx) {
			size_t s = slot(&nt, l->key);

			nx = l->next;
			l->next = b[s];
			b[s] = l;
		}
	}
	free(t->b);
	t->b = b;
	t->mask = n - 1;
}

int htable_add(struct htable *t, struct hlink *l, uint64_t key)
{
	size_t s;

	if (t->n > t->mask)
		grow(t);
	s = slot(t, key);
	l->key = key;
	l->next = t->b[s];
	t->b[s] = l;
	t->n++;
	return 0;
}

void htable_del(struct htable *t, struct hlink *l)
{
	for (struct hlink **pp = &t->b[slot(t, l->key)]; *pp;
	     pp = &(*pp)->next) {
		if (*pp == l) {
			*pp = l->next;
			t->n--;
			return;
		}
	}
}

struct hlink *htable_first(const struct htable *t, uint64_t key)
{
	struct hlink *l = t->b[slot(t, key)];

	while (l && l->key != key)
		l = l->next;
	return l;
}

void htable_walk(const struct htable *t, void (*fn)(struct hlink *, void *),
		 void *arg)
{
	for (size_t i = 0; i <= t->mask; i++)
		for (struct hlink *l = t->b[i], *nx; l; l = nx) {
			nx = l->next;
			fn(l, arg);
		}
}

/* ---- environment ---- */

void ike_random(struct ike_engine *e, void *buf, size_t len)
{
	if (e->ops.random)
		e->ops.random(e->ops.arg, buf, len);
	else if (RAND_bytes(buf, (int)len) != 1)
		abort(); /* no randomness: no safe way on */
}

uint64_t ike_now(struct ike_engine *e)
{
	return e->ops.now_ms(e->ops.arg);
}

void *ike_timer(struct ike_engine *e, uint64_t ms, ike_timer_fn fn, void *a)
{
	return e->ops.timer_add(e->ops.arg, ms, fn, a);
}

void ike_timer_cancel(struct ike_engine *e, void **timer)
{
	if (*timer)
		e->ops.timer_cancel(e->ops.arg, *timer);
	*timer = NULL;
}

/* ---- IKE SAs ---- */

static uint64_t init_key(uint64_t spi_i, const struct ike_ep *remote)
{
	uint64_t h = spi_i;

	for (size_t i = 0; i < sizeof(remote->addr.bytes); i++)
		h = (h ^ remote->addr.bytes[i]) * 0x100000001b3ull;
	return h ^ remote->port;
}

static uint64_t text_key(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

struct ike_sa *ike_sa_new(struct ike_engine *e, bool initiator, int peer)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	uint64_t spi;

	if (!sa)
		return NULL;
	sa->setup = calloc(1, sizeof(*sa->setup));
	if (!sa->setup) {
		free(sa);
		return NULL;
	}
	do /* unique and not 0 (section 3.1) */
		ike_random(e, &spi, sizeof(spi));
	while (spi == 0 || ike_sa_find(e, spi));
	sa->eng = e;
	sa->initiator = initiator;
	sa->peer = peer;
	sa->identity = -1;
	if (initiator)
		sa->spi_i = spi;
	else
		sa->spi_r = spi;
	sa->created_ms = ike_now(e);
	htable_add(&e->sa_by_spi, &sa->by_spi, spi);
	e->n_sas++;
	e->keep[peer].n_sas++;
	return sa;
}

uint64_t ike_sa_our_spi(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

struct ike_sa *ike_sa_find(struct ike_engine *e, uint64_t our_spi)
{
	for (struct hlink *l = htable_first(&e->sa_by_spi, our_spi); l;
	     l = l->next)
		if (l->key == our_spi)
			return container_of(l, struct ike_sa, by_spi);
	return NULL;
}

struct ike_sa *ike_sa_find_init(struct ike_engine *e, uint64_t spi_i,
				const struct ike_ep *remote)
{
	uint64_t key = init_key(spi_i, remote);

	for (struct hlink *l = htable_first(&e->sa_by_init, key); l;
	     l = l->next) {
		struct ike_sa *sa = container_of(l, struct ike_sa, by_init);

		if (l->key == key && sa->spi_i == spi_i &&
		    addr_equal(&sa->remote.addr, &remote->addr) &&
		    sa->remote.port == remote->port)
			return sa;
	}
	return NULL;
}

void ike_sa_index_init(struct ike_sa *sa)
{
	htable_add(&sa->eng->sa_by_init, &sa->by_init,
		   init_key(sa->spi_i, &sa->remote));
	sa->in_init = true;
}

void ike_sa_set_id(struct ike_sa *sa, const char *text)
{
	snprintf(sa->id_text, sizeof(sa->id_text), "%s", text);
	htable_add(&sa->eng->sa_by_id, &sa->by_id, text_key(sa->id_text));
	sa->in_id = true;
}

unsigned int ike_sa_initial_contact(struct ike_sa *sa)
{
	struct ike_engine *e = sa->eng;
	uint64_t key = text_key(sa->id_text);
	unsigned int n = 0;
	struct hlink *l;

	/* Restart the walk after each destroy: the chain changed. */
	do {
		for (l = htable_first(&e->sa_by_id, key); l; l = l->next) {
			struct ike_sa *o = container_of(l, struct ike_sa,
							by_id);

			if (l->key == key && o != sa &&
			    o->identity == sa->identity &&
			    strcmp(o->id_text, sa->id_text) == 0) {
				ike_sa_destroy(o);
				n++;
				break;
			}
		}
	} while (l);
	return n;
}

static void setup_free(struct ike_setup *s)
{
	if (!s)
		return;
	ike_dh_free(s->dh);
	free(s->init_req);
	free(s->init_resp);
	ike_keys_wipe(s, sizeof(*s));
	free(s);
}

void ike_sa_established(struct ike_sa *sa)
{
	struct ike_engine *e = sa->eng;

	if (sa->state == IKE_SA_HALF_OPEN)
		e->half_open--;
	ike_timer_cancel(e, &sa->life_timer);
	if (sa->in_init) {
		htable_del(&e->sa_by_init, &sa->by_init);
		sa->in_init = false;
	}
	if (sa->setup && sa->setup->child && !sa->setup->child->installed)
		child_sa_destroy(sa->setup->child);
	setup_free(sa->setup);
	sa->setup = NULL;
	sa->state = IKE_SA_ESTABLISHED;
	e->stats.established++;
	ike_keepalive_start(sa);
}

void ike_sa_destroy(struct ike_sa *sa)
{
	struct ike_engine *e = sa->eng;

	ike_dpd_gone(sa); /* before the CHILD SAs go: was it up? */
	ike_rekey_abort(sa);
	if (sa->rekey_ike)
		ike_sa_destroy(sa->rekey_ike);
	while (sa->children)
		child_sa_destroy(sa->children);
	if (sa->setup && sa->setup->child)
		sa->setup->child = NULL; /* it was on the list, gone now */
	if (sa->vip.family && sa->vip_pool)
		pool_release(sa->vip_pool, &sa->vip); /* the lease stays */
	if (sa->state == IKE_SA_HALF_OPEN)
		e->half_open--;
	ike_msg_abort(sa);
	ike_timer_cancel(e, &sa->life_timer);
	ike_timer_cancel(e, &sa->ike_rekey_timer);
	ike_keepalive_stop(sa);
	ike_mobike_free(sa);
	htable_del(&e->sa_by_spi, &sa->by_spi);
	if (sa->in_init)
		htable_del(&e->sa_by_init, &sa->by_init);
	if (sa->in_id)
		htable_del(&e->sa_by_id, &sa->by_id);
	setup_free(sa->setup);
	ike_frag_rx_free(sa);
	free(sa->resp);
	ike_sk_wipe(&sa->sk_in);
	ike_sk_wipe(&sa->sk_out);
	ike_keys_wipe(&sa->keys, sizeof(sa->keys));
	free(sa);
	e->n_sas--;
}

bool ike_sa_natt(const struct ike_sa *sa)
{
	return sa->nat_local || sa->nat_remote;
}

const struct cfg_peer *ike_sa_peer(const struct ike_sa *sa)
{
	return &sa->eng->cfg->ipsec.peers[sa->peer];
}

const struct cfg_profile *ike_sa_profile(const struct ike_sa *sa)
{
	return &sa->eng->cfg->ipsec.profiles[ike_sa_peer(sa)->profile];
}

struct walk_ctx {
	void (*fn)(struct ike_sa *, void *);
	void *arg;
};

static void walk_one(struct hlink *l, void *arg)
{
	struct walk_ctx *w = arg;

	w->fn(container_of(l, struct ike_sa, by_spi), w->arg);
}

void ike_sa_walk(struct ike_engine *e, void (*fn)(struct ike_sa *, void *),
		 void *arg)
{
	struct walk_ctx w = { fn, arg };

	htable_walk(&e->sa_by_spi, walk_one, &w);
}

const char *ike_sa_name(const struct ike_sa *sa, char *buf, size_t len)
{
	char ep[IKE_EP_STRLEN];

	snprintf(buf, len, "%s%s%s%s", ike_ep_format(&sa->remote, ep),
		 sa->id_text[0] ? " '" : "", sa->id_text,
		 sa->id_text[0] ? "'" : "");
	return buf;
}

/* Section 2.14, or 2.18 with the old IKE SA's SK_d and PRF. */
static int skeyseed_of(const struct ike_sa *sa, const struct ike_sa *old,
		       struct ike_slice ni, struct ike_slice nr,
		       struct ike_slice gir, uint8_t *out)
{
	if (!old)
		return ike_skeyseed(sa->prop.prf, ni, nr, gir, out);
	return ike_skeyseed_rekey(old->prop.prf,
				  (struct ike_slice){ old->keys.sk_d,
						      old->keys.d_len },
				  gir, ni, nr, out);
}

int ike_sa_derive(struct ike_sa *sa, const uint8_t *gir, size_t gir_len,
		  const struct ike_sa *old)
{
	struct ike_setup *s = sa->setup;
	struct ike_slice ni = { s->ni, s->ni_len }, nr = { s->nr, s->nr_len };
	uint8_t skeyseed[IKE_PRF_MAX];
	const struct ike_sa_keys *k = &sa->keys;
	int rc = -1;

	if (skeyseed_of(sa, old, ni, nr, (struct ike_slice){ gir, gir_len },
			skeyseed) == 0 &&
	    ike_keys_sa(&sa->keys, sa->prop.prf, sa->prop.encr, sa->prop.integ,
			skeyseed, ni, nr, sa->spi_i, sa->spi_r) == 0) {
		/* What the initiator sends is protected with SK_ei/SK_ai. */
		const uint8_t *ei = k->sk_ei, *ai = k->sk_ai;
		const uint8_t *er = k->sk_er, *ar = k->sk_ar;

		rc = ike_sk_init(&sa->sk_in, sa->prop.encr, sa->prop.integ,
				 sa->initiator ? er : ei,
				 sa->initiator ? ar : ai) |
		     ike_sk_init(&sa->sk_out, sa->prop.encr, sa->prop.integ,
				 sa->initiator ? ei : er,
				 sa->initiator ? ai : ar);
	}
	ike_keys_wipe(skeyseed, sizeof(skeyseed));
	return rc;
}

/* ---- CHILD SAs ---- */

struct child_sa *child_sa_new(struct ike_sa *sa)
{
	struct ike_engine *e = sa->eng;
	struct child_sa *c = calloc(1, sizeof(*c));
	uint32_t spi;

	if (!c)
		return NULL;
	/* 1..255 are reserved (RFC 4303 section 2.1); unique inbound. */
	do
		ike_random(e, &spi, sizeof(spi));
	while (ntohl(spi) < 256 || child_sa_find(e, spi));
	c->ike = sa;
	c->spi_in = spi;
	c->created_ms = ike_now(e);
	htable_add(&e->child_by_spi, &c->by_spi, ntohl(spi));
	c->next = sa->children;
	sa->children = c;
	return c;
}

void child_sa_destroy(struct child_sa *c)
{
	struct ike_sa *sa = c->ike;

	/* Make before break: the successor's outbound policy goes in
	 * before this one's leaves. */
	if (c->successor)
		child_activate_out(c->successor);
	for (struct child_sa *o = sa->children; o; o = o->next)
		if (o->successor == c)
			o->successor = NULL;
	if (sa->rekey && (sa->rekey->old == c || sa->rekey->new == c))
		ike_rekey_abort(sa);
	ike_timer_cancel(sa->eng, &c->rekey_timer);
	if (c->installed)
		child_uninstall(c);
	htable_del(&sa->eng->child_by_spi, &c->by_spi);
	for (struct child_sa **pp = &sa->children; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	if (sa->setup && sa->setup->child == c)
		sa->setup->child = NULL;
	ike_keys_wipe(&c->keys, sizeof(c->keys));
	free(c);
}

struct child_sa *child_sa_find(struct ike_engine *e, uint32_t spi_in)
{
	uint64_t key = ntohl(spi_in);

	for (struct hlink *l = htable_first(&e->child_by_spi, key); l;
	     l = l->next)
		if (l->key == key)
			return container_of(l, struct child_sa, by_spi);
	return NULL;
}

struct child_sa *child_sa_find_out(struct ike_sa *sa, uint32_t spi_out)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->spi_out == spi_out)
			return c;
	return NULL;
}
