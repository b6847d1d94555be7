/* SPDX-License-Identifier: BSD-3-Clause */
#include "spd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "esp_crypto.h"
#include "ipv6_ext.h"
#include "spd_acl.h"

#define SPD_MAX_POLICIES 4096

/* From this many general policies on, rte_acl: test/bench/spd_bench.c
 * finds one rte_acl lookup about as dear as scanning 20 to 30. */
#define SPD_ACL_MIN 24

#define PROTO_TCP  6
#define PROTO_UDP  17
#define PROTO_SCTP 132

/* The road-warrior hash key: one host address. */
struct vip_key {
	uint8_t family;
	uint8_t pad[3];
	uint8_t addr[16];
};

/* The general policies as the workers see them: immutable once
 * published, in lookup order, with their rte_acl contexts when the list
 * is long (NULL: scan it). */
struct spd_list {
	uint32_t n;
	struct spd_acl *acl;
	struct spd_policy p[];
};

struct spd {
	struct rte_hash *vip;
	struct spd_list *list; /* published with release, read with acquire */
	struct rte_rcu_qsbr *rcu;
	int socket;
	/* Writer side, main lcore only: every policy, in installation
	 * order, VIP ones included. */
	struct spd_policy *all;
	uint32_t n_all;
};

struct spd *spd_create(const char *name, uint32_t max_vips, int socket,
		       struct rte_rcu_qsbr *rcu)
{
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = RTE_MAX(max_vips, 64u),
		.key_len = sizeof(struct vip_key),
		.hash_func = rte_hash_crc, /* SSE4.2: a third of jhash's cost */
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct spd *spd = rte_zmalloc_socket("spd", sizeof(*spd), 0, socket);

	if (!spd)
		return NULL;
	spd->rcu = rcu;
	spd->socket = socket;
	spd->vip = rte_hash_create(&hp);
	spd->list = rte_zmalloc_socket("spd_list", sizeof(*spd->list), 0,
				       socket);
	spd->all = calloc(SPD_MAX_POLICIES, sizeof(*spd->all));
	if (!spd->vip || !spd->list || !spd->all) {
		spd_free(spd);
		return NULL;
	}
	return spd;
}

void spd_free(struct spd *spd)
{
	if (!spd)
		return;
	rte_hash_free(spd->vip);
	if (spd->list)
		spd_acl_free(spd->list->acl);
	rte_free(spd->list);
	free(spd->all);
	rte_free(spd);
}

static void grace(const struct spd *spd)
{
	if (spd->rcu)
		rte_rcu_qsbr_synchronize(spd->rcu, RTE_QSBR_THRID_INVALID);
}

/* ---- packets and selectors ---- */

static void ports_get(const struct rte_mbuf *m, uint32_t off,
		      struct spd_key *k)
{
	const uint8_t *l4;

	k->sport = k->dport = 0;
	if (k->proto != PROTO_TCP && k->proto != PROTO_UDP &&
	    k->proto != PROTO_SCTP)
		return;
	if (rte_pktmbuf_data_len(m) < off + 4)
		return;
	l4 = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
	k->sport = esp_ld16(l4);
	k->dport = esp_ld16(l4 + 2);
}

/*
 * The upper-layer protocol and ports behind IPv6's extension headers (RFC
 * 4301 section 4.4.1.1); false for a malformed chain.  A non-initial
 * fragment has none: its ports are OPAQUE, 0 here.  XXX so a port range
 * that starts at 0 matches it too, not only "any"; spd_key would need a
 * flag to tell OPAQUE from port 0.
 */
static bool key_get6(const struct rte_mbuf *m, uint32_t off,
		     struct spd_key *k)
{
	const uint8_t *pkt = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t end = off + 40u + esp_ld16(pkt + off + 4);
	struct ipv6_ext x;

	if (!ipv6_ext_skip(pkt, RTE_MIN(end, rte_pktmbuf_data_len(m)), off,
			   &x))
		return false;
	k->proto = x.proto;
	if (x.frag_later)
		k->sport = k->dport = 0;
	else
		ports_get(m, x.l4_off, k);
	return true;
}

bool spd_key_get(const struct rte_mbuf *m, uint32_t off, struct spd_key *k)
{
	uint32_t len = rte_pktmbuf_data_len(m);
	const uint8_t *ip;
	uint32_t hl;

	if (len < off + 20)
		return false;
	ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
	if (ip[0] >> 4 == 4) {
		hl = (ip[0] & 0xfu) * 4u;
		k->family = ADDR_V4;
		k->proto = ip[9];
		memcpy(k->src, ip + 12, 4);
		memcpy(k->dst, ip + 16, 4);
		/* Non-first fragments carry no ports. */
		if (esp_ld16(ip + 6) & 0x1fff)
			k->sport = k->dport = 0;
		else
			ports_get(m, off + hl, k);
		return hl >= 20;
	}
	if (ip[0] >> 4 != 6 || len < off + 40)
		return false;
	k->family = ADDR_V6;
	memcpy(k->src, ip + 8, 16);
	memcpy(k->dst, ip + 24, 16);
	return key_get6(m, off, k);
}

static inline bool prefix_match(const struct ip_prefix *p, uint8_t family,
				const uint8_t *a)
{
	uint32_t bytes = p->len / 8u, bits = p->len % 8u;

	if (p->addr.family == 0)
		return true;
	if (p->addr.family != family)
		return false;
	if (memcmp(p->addr.bytes, a, bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	return ((p->addr.bytes[bytes] ^ a[bytes]) &
		(uint8_t)(0xff00u >> bits)) == 0;
}

bool spd_sel_match(const struct spd_sel *s, const struct spd_key *k,
		   bool inbound)
{
	const uint8_t *la = inbound ? k->dst : k->src;
	const uint8_t *ra = inbound ? k->src : k->dst;
	uint16_t lp = inbound ? k->dport : k->sport;
	uint16_t rp = inbound ? k->sport : k->dport;

	if (s->proto && s->proto != k->proto)
		return false;
	if (lp < s->lport_lo || lp > s->lport_hi || rp < s->rport_lo ||
	    rp > s->rport_hi)
		return false;
	return prefix_match(&s->local, k->family, la) &&
	       prefix_match(&s->remote, k->family, ra);
}

bool spd_policy_is_vip(const struct spd_policy *p)
{
	const struct spd_sel *s = &p->sel;
	uint8_t host = s->remote.addr.family == ADDR_V4 ? 32 : 128;

	return p->dir == SPD_OUT && p->action == SPD_ENCRYPT &&
	       s->remote.addr.family != 0 && s->remote.len == host &&
	       s->local.len == 0 && s->proto == 0 && s->lport_lo == 0 &&
	       s->lport_hi == UINT16_MAX && s->rport_lo == 0 &&
	       s->rport_hi == UINT16_MAX;
}

/* ---- writer ---- */

static void vip_key_of(const struct spd_policy *p, struct vip_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = p->sel.remote.addr.family;
	memcpy(k->addr, p->sel.remote.addr.bytes,
	       addr_len(&p->sel.remote.addr));
}

static int find(const struct spd *spd, uint64_t id)
{
	for (uint32_t i = 0; i < spd->n_all; i++)
		if (spd->all[i].id == id)
			return (int)i;
	return -1;
}

/* Lower priority first; the sort is stable, so ties keep the order in
 * which they were installed. */
static void sort_list(struct spd_list *l)
{
	for (uint32_t i = 1; i < l->n; i++) {
		struct spd_policy t = l->p[i];
		uint32_t j = i;

		for (; j > 0 && l->p[j - 1].priority > t.priority; j--)
			l->p[j] = l->p[j - 1];
		l->p[j] = t;
	}
}

/* The general list from all[], without its contexts; NULL when out of
 * memory. */
static struct spd_list *list_make(const struct spd *spd)
{
	struct spd_list *l;
	uint32_t n = 0;

	l = rte_zmalloc("spd_list", sizeof(*l) + spd->n_all *
			sizeof(l->p[0]), RTE_CACHE_LINE_SIZE);
	if (!l)
		return NULL;
	for (uint32_t i = 0; i < spd->n_all; i++)
		if (!spd_policy_is_vip(&spd->all[i]))
			l->p[n++] = spd->all[i];
	l->n = n;
	sort_list(l);
	return l;
}

/* Publish l and wait until no worker can still be reading the list it
 * replaced; returns that one. */
static struct spd_list *swap_list(struct spd *spd, struct spd_list *l)
{
	struct spd_list *old = spd->list;

	__atomic_store_n(&spd->list, l, __ATOMIC_RELEASE);
	grace(spd);
	return old;
}

/*
 * Build the general list from all[], with rte_acl contexts when it is
 * long and acl is true, and publish it, then free the old one after a
 * grace period.  On failure the old list stays published.  XXX Every
 * add and delete builds the contexts anew, about 30 ms at 1000
 * policies and 350 ms at 10000: installing thousands one by one wants
 * a batch that publishes once.
 */
static int publish(struct spd *spd, bool acl)
{
	struct spd_list *l = list_make(spd), *old;
	int rc;

	if (!l)
		return -ENOMEM;
	if (acl && l->n >= SPD_ACL_MIN) {
		rc = spd_acl_build(l->p, l->n, spd->socket, &l->acl);
		if (rc < 0) {
			rte_free(l);
			return rc;
		}
	}
	old = swap_list(spd, l);
	spd_acl_free(old->acl);
	rte_free(old);
	return 0;
}

static bool same_policies(const struct spd_list *a,
			  const struct spd_list *b)
{
	if (a->n != b->n)
		return false;
	for (uint32_t i = 0; i < a->n; i++)
		if (a->p[i].id != b->p[i].id)
			return false;
	return true;
}

/* Publish all[] again when only the policies' SAs changed: the same
 * policies in the same order, so the contexts of the published list
 * still answer for the new one and pass to it, with no rebuild. */
static int republish(struct spd *spd)
{
	struct spd_list *l = list_make(spd), *old = spd->list;

	if (!l)
		return -ENOMEM;
	if (!same_policies(l, old)) {
		rte_free(l); /* a flush could not publish */
		return publish(spd, true);
	}
	l->acl = old->acl;
	rte_free(swap_list(spd, l));
	return 0;
}

static int vip_set(struct spd *spd, const struct spd_policy *p)
{
	struct vip_key k;

	vip_key_of(p, &k);
	return rte_hash_add_key_data(spd->vip, &k, p->sa);
}

int spd_add(struct spd *spd, const struct spd_policy *p)
{
	struct vip_key k;
	int rc;

	if (find(spd, p->id) >= 0)
		return -EEXIST;
	if (spd->n_all == SPD_MAX_POLICIES)
		return -ENOSPC;
	if (spd_policy_is_vip(p)) {
		vip_key_of(p, &k);
		if (rte_hash_lookup(spd->vip, &k) >= 0)
			return -EEXIST; /* one SA per virtual IP */
		rc = vip_set(spd, p);
		if (rc < 0)
			return rc;
		spd->all[spd->n_all++] = *p;
		return 0;
	}
	spd->all[spd->n_all++] = *p;
	rc = publish(spd, true);
	if (rc < 0)
		spd->n_all--;
	return rc;
}

static void vip_del(struct spd *spd, const struct spd_policy *p)
{
	struct vip_key k;
	int32_t pos;

	vip_key_of(p, &k);
	pos = rte_hash_del_key(spd->vip, &k);
	if (pos < 0)
		return;
	/* Readers may still be looking at the slot. */
	grace(spd);
	rte_hash_free_key_with_position(spd->vip, pos);
}

/* all[] without the policy at i, or with it back. */
static void all_remove(struct spd *spd, uint32_t i)
{
	memmove(&spd->all[i], &spd->all[i + 1],
		(spd->n_all - i - 1) * sizeof(spd->all[0]));
	spd->n_all--;
}

static void all_insert(struct spd *spd, uint32_t i,
		       const struct spd_policy *p)
{
	memmove(&spd->all[i + 1], &spd->all[i],
		(spd->n_all - i) * sizeof(spd->all[0]));
	spd->all[i] = *p;
	spd->n_all++;
}

int spd_del(struct spd *spd, uint64_t id)
{
	int i = find(spd, id);
	struct spd_policy p;
	int rc;

	if (i < 0)
		return -ENOENT;
	p = spd->all[i];
	all_remove(spd, (uint32_t)i);
	if (spd_policy_is_vip(&p)) {
		vip_del(spd, &p);
		return 0;
	}
	rc = publish(spd, true);
	if (rc < 0)
		all_insert(spd, (uint32_t)i, &p); /* still published */
	return rc;
}

unsigned int spd_bind_sa(struct spd *spd, uint64_t sa_id, struct esp_sa *sa)
{
	unsigned int n = 0, general = 0;

	if (sa_id == 0)
		return 0;
	for (uint32_t i = 0; i < spd->n_all; i++) {
		struct spd_policy *p = &spd->all[i];

		if (p->action != SPD_ENCRYPT || p->sa_id != sa_id ||
		    p->dir != SPD_OUT)
			continue;
		p->sa = sa;
		n++;
		if (spd_policy_is_vip(p))
			vip_set(spd, p); /* an atomic update of the data */
		else
			general++;
	}
	if (general)
		republish(spd); /* XXX on -ENOMEM the old list stays */
	else if (n)
		grace(spd);
	return n;
}

bool spd_get(const struct spd *spd, uint64_t id, struct spd_policy *out)
{
	int i = find(spd, id);

	if (i < 0)
		return false;
	*out = spd->all[i];
	return true;
}

bool spd_acl_active(const struct spd *spd)
{
	return spd->list->acl != NULL;
}

unsigned int spd_count(const struct spd *spd)
{
	return spd->n_all;
}

void spd_flush(struct spd *spd, uint64_t keep)
{
	int32_t pos[SPD_MAX_POLICIES];
	uint32_t n = 0, n_pos = 0;
	struct vip_key k;

	for (uint32_t i = 0; i < spd->n_all; i++) {
		const struct spd_policy *p = &spd->all[i];

		if (p->id & keep) {
			spd->all[n++] = *p;
			continue;
		}
		if (!spd_policy_is_vip(p))
			continue;
		vip_key_of(p, &k);
		pos[n_pos] = rte_hash_del_key(spd->vip, &k);
		if (pos[n_pos] >= 0)
			n_pos++;
	}
	spd->n_all = n;
	/* A flush cannot fail: when rte_acl cannot be built, the workers
	 * scan.  XXX When even the list cannot be had, the old one stays
	 * published. */
	if (publish(spd, true) != 0 && publish(spd, false) != 0)
		grace(spd);
	for (uint32_t i = 0; i < n_pos; i++)
		rte_hash_free_key_with_position(spd->vip, pos[i]);
}

/* ---- worker ---- */

uint32_t spd_scan(const struct spd_policy *p, uint32_t n,
		  const struct spd_key *k)
{
	uint32_t i = 0;

	while (i < n && !spd_sel_match(&p[i].sel, k, p[i].dir == SPD_IN))
		i++;
	return i;
}

/* The verdict of the general policy p (NULL: none matched). */
static uint8_t verdict(const struct spd_policy *p, struct esp_sa **sa)
{
	if (!p)
		return SPD_BYPASS;
	if (p->dir == SPD_IN)
		return p->action == SPD_BYPASS ? SPD_BYPASS : SPD_DISCARD;
	*sa = p->sa;
	if (p->action == SPD_ENCRYPT && !p->sa)
		return SPD_DISCARD;
	return p->action;
}

static uint8_t lookup(const struct spd *spd, const struct spd_key *k,
		      struct esp_sa **sa, bool scan)
{
	const struct spd_list *l;
	struct vip_key vk;
	void *data;
	uint32_t i;

	memset(&vk, 0, sizeof(vk));
	vk.family = k->family;
	memcpy(vk.addr, k->dst, k->family == ADDR_V4 ? 4 : 16);
	if (rte_hash_lookup_data(spd->vip, &vk, &data) >= 0) {
		*sa = data;
		return data ? SPD_ENCRYPT : SPD_DISCARD;
	}

	l = __atomic_load_n(&spd->list, __ATOMIC_ACQUIRE);
	if (l->acl && !scan)
		i = spd_acl_find(l->acl, k);
	else
		i = spd_scan(l->p, l->n, k);
	return verdict(i < l->n ? &l->p[i] : NULL, sa);
}

uint8_t spd_lookup(const struct spd *spd, const struct spd_key *k,
		   struct esp_sa **sa)
{
	return lookup(spd, k, sa, false);
}

uint8_t spd_lookup_linear(const struct spd *spd, const struct spd_key *k,
			  struct esp_sa **sa)
{
	return lookup(spd, k, sa, true);
}
