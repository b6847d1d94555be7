/* SPDX-License-Identifier: BSD-3-Clause */
#include "pool.h"

#include <stdlib.h>
#include <string.h>

#define NIL UINT32_MAX

enum lease_state { LEASE_ONLINE = 1, LEASE_OFFLINE };

struct lease {
	char *owner;
	uint32_t hash_next;	   /* chain of its owner's bucket */
	uint32_t lru_prev, lru_next; /* offline leases, oldest first */
	uint8_t state;
};

struct pool {
	const struct cfg_pool *cfg;
	uint32_t range_size[CFG_MAX_LIST];
	uint32_t size, online;
	uint32_t next_fresh; /* offsets from here on were never handed out */
	struct lease *leases; /* by offset, next_fresh of them in use */
	uint32_t cap;
	uint32_t *buckets, n_buckets; /* owner hash, power of two */
	uint32_t lru_head, lru_tail;
};

/* last - first + 1 of a range; UINT64_MAX when it does not fit (the high
 * 64 bits of an IPv6 range differ). */
static uint64_t range_len(const struct cfg_range *r)
{
	size_t n = addr_len(&r->first);
	uint64_t a = 0, b = 0, d;

	for (size_t i = 0; i < n; i++) {
		if (n - i > 8 && r->first.bytes[i] != r->last.bytes[i])
			return UINT64_MAX;
		if (n - i <= 8) {
			a = a << 8 | r->first.bytes[i];
			b = b << 8 | r->last.bytes[i];
		}
	}
	d = b - a + 1;
	return d == 0 ? UINT64_MAX : d;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

struct pool *pool_create(const struct cfg_pool *cfg)
{
	struct pool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->cfg = cfg;
	for (unsigned int i = 0; i < cfg->n_ranges; i++) {
		uint64_t n = range_len(&cfg->ranges[i]);

		if (n > POOL_MAX_ADDRS - p->size)
			n = POOL_MAX_ADDRS - p->size;
		p->range_size[i] = (uint32_t)n;
		p->size += (uint32_t)n;
	}
	p->n_buckets = 64;
	while (p->n_buckets < p->size && p->n_buckets < (1u << 20))
		p->n_buckets <<= 1;
	p->buckets = malloc(p->n_buckets * sizeof(uint32_t));
	if (!p->buckets) {
		free(p);
		return NULL;
	}
	memset(p->buckets, 0xff, p->n_buckets * sizeof(uint32_t));
	p->lru_head = p->lru_tail = NIL;
	return p;
}

void pool_destroy(struct pool *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; i < p->next_fresh; i++)
		free(p->leases[i].owner);
	free(p->leases);
	free(p->buckets);
	free(p);
}

static void addr_at(const struct pool *p, uint32_t off, struct ip_addr *out)
{
	unsigned int r = 0;

	while (off >= p->range_size[r])
		off -= p->range_size[r++];
	*out = p->cfg->ranges[r].first;
	for (size_t i = addr_len(out); i-- > 0 && off;) {
		uint32_t v = out->bytes[i] + (off & 0xff);

		out->bytes[i] = (uint8_t)v;
		off = (off >> 8) + (v >> 8);
	}
}

/* The offset of a, or NIL when it is not in the pool. */
static uint32_t offset_of(const struct pool *p, const struct ip_addr *a)
{
	uint32_t base = 0;

	for (unsigned int r = 0; r < p->cfg->n_ranges; r++) {
		const struct cfg_range *rg = &p->cfg->ranges[r];
		struct cfg_range sub = { rg->first, *a };

		if (a->family == rg->first.family &&
		    addr_cmp(a, &rg->first) >= 0 && addr_cmp(a, &rg->last) <= 0) {
			uint64_t d = range_len(&sub) - 1;

			return d < p->range_size[r] ? base + (uint32_t)d : NIL;
		}
		base += p->range_size[r];
	}
	return NIL;
}

static uint32_t *bucket(struct pool *p, const char *owner)
{
	return &p->buckets[fnv1a(owner) & (p->n_buckets - 1)];
}

static void lru_unlink(struct pool *p, uint32_t i)
{
	struct lease *l = &p->leases[i];

	if (l->lru_prev != NIL)
		p->leases[l->lru_prev].lru_next = l->lru_next;
	else
		p->lru_head = l->lru_next;
	if (l->lru_next != NIL)
		p->leases[l->lru_next].lru_prev = l->lru_prev;
	else
		p->lru_tail = l->lru_prev;
}

static void hash_unlink(struct pool *p, uint32_t i)
{
	uint32_t *pp = bucket(p, p->leases[i].owner);

	while (*pp != i)
		pp = &p->leases[*pp].hash_next;
	*pp = p->leases[i].hash_next;
}

static int set_owner(struct pool *p, uint32_t i, const char *owner)
{
	struct lease *l = &p->leases[i];
	char *o = strdup(owner);
	uint32_t *b;

	if (!o)
		return -1;
	if (l->owner) {
		hash_unlink(p, i);
		free(l->owner);
	}
	l->owner = o;
	b = bucket(p, owner);
	l->hash_next = *b;
	*b = i;
	return 0;
}

/* A never-used offset, with room in the lease array; NIL if none. */
static uint32_t take_fresh(struct pool *p)
{
	if (p->next_fresh >= p->size)
		return NIL;
	if (p->next_fresh == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 64;
		struct lease *l = reallocarray(p->leases, cap, sizeof(*l));

		if (!l)
			return NIL;
		p->leases = l;
		p->cap = cap;
	}
	memset(&p->leases[p->next_fresh], 0, sizeof(struct lease));
	return p->next_fresh++;
}

static uint32_t find_offline(struct pool *p, const char *owner)
{
	for (uint32_t i = *bucket(p, owner); i != NIL;
	     i = p->leases[i].hash_next)
		if (p->leases[i].state == LEASE_OFFLINE &&
		    strcmp(p->leases[i].owner, owner) == 0)
			return i;
	return NIL;
}

int pool_acquire(struct pool *p, const char *owner, struct ip_addr *out)
{
	uint32_t i = find_offline(p, owner);

	if (i == NIL) {
		i = take_fresh(p);
		if (i == NIL)
			i = p->lru_head; /* the oldest offline lease */
		if (i == NIL || set_owner(p, i, owner) != 0)
			return -1;
	}
	if (p->leases[i].state == LEASE_OFFLINE)
		lru_unlink(p, i);
	p->leases[i].state = LEASE_ONLINE;
	p->online++;
	addr_at(p, i, out);
	return 0;
}

int pool_release(struct pool *p, const struct ip_addr *addr)
{
	uint32_t i = offset_of(p, addr);
	struct lease *l;

	if (i == NIL || i >= p->next_fresh ||
	    p->leases[i].state != LEASE_ONLINE)
		return -1;
	l = &p->leases[i];
	l->state = LEASE_OFFLINE;
	l->lru_next = NIL;
	l->lru_prev = p->lru_tail;
	if (p->lru_tail != NIL)
		p->leases[p->lru_tail].lru_next = i;
	else
		p->lru_head = i;
	p->lru_tail = i;
	p->online--;
	return 0;
}

uint32_t pool_size(const struct pool *p)
{
	return p->size;
}

uint32_t pool_online(const struct pool *p)
{
	return p->online;
}

const char *pool_name(const struct pool *p)
{
	return p->cfg->name;
}
