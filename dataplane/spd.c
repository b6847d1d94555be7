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

/* A published list differs from its contexts' base by at most this many
 * policies added and deleted (spd.h); a scan of as many added ones costs
 * about one rte_acl lookup more. */
#define SPD_DELTA_MAX 32

/* Changes stop this long before spd_settle() builds the contexts anew. */
#define SPD_SETTLE_MS 50

/* base_at[] of a policy deleted since the base. */
#define SPD_GONE UINT32_MAX

#define PROTO_TCP  6
#define PROTO_UDP  17
#define PROTO_SCTP 132

/* The road-warrior hash key: one host address. */
struct vip_key {
	uint8_t family;
	uint8_t pad[3];
	uint8_t addr[16];
};

/*
 * The general policies as the workers see them: immutable once
 * published, in lookup order, with rte_acl contexts when the list is long
 * (NULL: scan it).  The contexts answer for the base, an older list, by
 * its positions: base_at[] says where each base policy is in p[] now
 * (SPD_GONE: deleted), added[] lists, ascending, the positions of the
 * policies installed since.  Both arrays lie behind p[].
 */
struct spd_list {
	uint32_t n;
	struct spd_acl *acl;
	uint32_t n_base;
	uint32_t n_added;
	uint32_t n_gone;
	const uint32_t *base_at;
	const uint32_t *added;
	struct spd_policy p[];
};

/* What orders the list: priority, then installation. */
struct spd_order {
	uint32_t priority;
	uint64_t serial;
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
	uint64_t serial;          /* the last one given out */
	struct spd_order *base;   /* the published contexts' list */
	uint32_t n_base;
	uint64_t changed;         /* timer cycles at the last change */
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
	spd->base = calloc(SPD_MAX_POLICIES, sizeof(*spd->base));
	if (!spd->vip || !spd->list || !spd->all || !spd->base) {
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
	free(spd->base);
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

static int order_cmp(const struct spd_order *a, const struct spd_order *b)
{
	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	return a->serial < b->serial ? -1 : a->serial > b->serial;
}

static struct spd_order order_of(const struct spd_policy *p)
{
	return (struct spd_order){ p->priority, p->serial };
}

/* o against p's place in the order. */
static int order_cmp_policy(const struct spd_order *o,
			    const struct spd_policy *p)
{
	struct spd_order q = order_of(p);

	return order_cmp(o, &q);
}

static int policy_cmp(const void *a, const void *b)
{
	struct spd_order x = order_of(a);

	return order_cmp_policy(&x, b);
}

/* Where the base's policies are in l->p[] and which are new: a merge of
 * two lists in the same order. */
static void list_diff(struct spd_list *l, const struct spd_order *base,
		      uint32_t n_base, uint32_t *base_at, uint32_t *added)
{
	uint32_t i = 0, j = 0;

	l->n_base = n_base;
	while (i < l->n || j < n_base) {
		int c = i == l->n    ? -1
			: j == n_base ? 1
				      : order_cmp_policy(&base[j], &l->p[i]);

		if (c == 0) {
			base_at[j++] = i++;
		} else if (c < 0) {
			base_at[j++] = SPD_GONE;
			l->n_gone++;
		} else {
			added[l->n_added++] = i++;
		}
	}
	l->base_at = base_at;
	l->added = added;
}

/* The general list from all[], without contexts, with its difference
 * from the base when there is one; NULL when out of memory. */
static struct spd_list *list_make(const struct spd *spd)
{
	size_t room = sizeof(struct spd_list) +
		      spd->n_all * sizeof(struct spd_policy) +
		      (spd->n_base + spd->n_all) * sizeof(uint32_t);
	struct spd_list *l = rte_zmalloc("spd_list", room, RTE_CACHE_LINE_SIZE);
	uint32_t *base_at;

	if (!l)
		return NULL;
	for (uint32_t i = 0; i < spd->n_all; i++)
		if (!spd_policy_is_vip(&spd->all[i]))
			l->p[l->n++] = spd->all[i];
	qsort(l->p, l->n, sizeof(l->p[0]), policy_cmp);
	base_at = (uint32_t *)&l->p[spd->n_all];
	list_diff(l, spd->base, spd->n_base, base_at, base_at + spd->n_base);
	return l;
}

/* Publish l and wait until no worker can still be reading the list it
 * replaced; free that one, and its contexts unless l took them over. */
static void swap_list(struct spd *spd, struct spd_list *l)
{
	struct spd_list *old = spd->list;

	__atomic_store_n(&spd->list, l, __ATOMIC_RELEASE);
	grace(spd);
	if (old->acl != l->acl)
		spd_acl_free(old->acl);
	rte_free(old);
}

/* Build contexts for l, which becomes the base.  0 or a negative errno. */
static int rebase(struct spd *spd, struct spd_list *l)
{
	int rc = spd_acl_build(l->p, l->n, spd->socket, &l->acl);

	if (rc < 0)
		return rc;
	for (uint32_t i = 0; i < l->n; i++)
		spd->base[i] = order_of(&l->p[i]);
	spd->n_base = l->n;
	l->n_base = l->n;
	l->n_added = l->n_gone = 0;
	l->base_at = NULL; /* the identity, never read: see find_general() */
	return 0;
}

/* l without contexts: the workers scan it. */
static void unbase(struct spd *spd, struct spd_list *l)
{
	spd->n_base = 0;
	l->acl = NULL;
	l->n_base = l->n_added = l->n_gone = 0;
}

/*
 * Publish all[] after a change.  A short list is scanned; a long one
 * keeps the published contexts with its difference from their base while
 * that is small, and gets new contexts otherwise, or when build is true
 * (or none are published); failing that, the old ones with the
 * difference, or the scan.  -ENOMEM when not even the list could be had:
 * the old one stays published.
 */
static int publish(struct spd *spd, bool build)
{
	struct spd_list *l = list_make(spd);
	bool based = spd->list->acl != NULL;

	if (!l)
		return -ENOMEM;
	if (l->n < SPD_ACL_MIN) {
		unbase(spd, l);
	} else if (!build && based &&
		   l->n_added + l->n_gone <= SPD_DELTA_MAX) {
		l->acl = spd->list->acl;
	} else if (rebase(spd, l) != 0) {
		if (based)
			l->acl = spd->list->acl;
		else
			unbase(spd, l);
	}
	swap_list(spd, l);
	spd->changed = rte_get_timer_cycles();
	return 0;
}

/* Publish all[] again when only the policies' SAs changed: the list
 * keeps its order and its difference, and takes over the contexts. */
static int republish(struct spd *spd)
{
	struct spd_list *l = list_make(spd);

	if (!l)
		return -ENOMEM;
	l->acl = spd->list->acl;
	if (!l->acl)
		unbase(spd, l);
	swap_list(spd, l);
	return 0;
}

bool spd_acl_stale(const struct spd *spd)
{
	const struct spd_list *l = spd->list;

	return l->acl && l->n_added + l->n_gone > 0;
}

bool spd_settle(struct spd *spd)
{
	uint64_t quiet = rte_get_timer_hz() / 1000 * SPD_SETTLE_MS;

	if (!spd_acl_stale(spd) ||
	    rte_get_timer_cycles() - spd->changed < quiet)
		return false;
	/* On failure the difference stays, and so does correctness; the
	 * next try waits for another quiet spell. */
	return publish(spd, true) == 0 && !spd_acl_stale(spd);
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
		spd->all[spd->n_all] = *p;
		spd->all[spd->n_all++].serial = ++spd->serial;
		return 0;
	}
	spd->all[spd->n_all] = *p;
	spd->all[spd->n_all++].serial = ++spd->serial;
	rc = publish(spd, false);
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
	rc = publish(spd, false);
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
	/* A flush cannot fail: when rte_acl cannot be built, the old
	 * contexts answer with the difference (or the workers scan).  XXX
	 * When even the list cannot be had, the old one stays published. */
	if (publish(spd, true) != 0)
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

/*
 * The first match in l by its contexts, which answer for the base (struct
 * spd_list).  Deleting and adding keep the order of the policies that
 * stay, so the base's first match j, where it still is, comes before
 * every other policy of the base that matches, and only a policy added
 * since can come earlier.  When j is gone, the next match of the base is
 * unknown: scan.
 */
static uint32_t find_general(const struct spd_list *l,
			     const struct spd_key *k)
{
	uint32_t j = spd_acl_find(l->acl, k), i;

	if (l->n_added + l->n_gone == 0)
		return j; /* l is the base */
	i = j < l->n_base ? l->base_at[j] : l->n;
	if (i == SPD_GONE)
		return spd_scan(l->p, l->n, k);
	for (uint32_t a = 0; a < l->n_added && l->added[a] < i; a++) {
		const struct spd_policy *p = &l->p[l->added[a]];

		if (spd_sel_match(&p->sel, k, p->dir == SPD_IN))
			return l->added[a];
	}
	return i;
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
	i = l->acl && !scan ? find_general(l, k) : spd_scan(l->p, l->n, k);
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
