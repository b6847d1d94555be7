/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SPD's rte_acl contexts against the scan they replace: thousands of
 * random, overlapping policies of both families, in both directions, with
 * port ranges and protocol wildcards, must give the first match the scan
 * gives for every random key; spd_lookup() must stay equal to
 * spd_lookup_linear() while policies come and go, also between builds,
 * when the contexts answer for an older list; and a build that runs out
 * of memory must leave the SPD answering right.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dp_test_eal.h"
#include <rte_cycles.h>
#include <rte_malloc.h>

#include "spd.h"
#include "spd_acl.h"

static struct rte_mempool *mp;

/* xorshift64*: the same policies and keys on every run. */
static uint64_t rnd_state;

static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (uint32_t)((rnd_state * 0x2545f4914f6cdd1dull) >> 32) % n;
}

/* Few sites, so that selectors overlap and random keys hit them. */
static void rnd_addr(uint8_t family, uint8_t *a)
{
	memset(a, 0, 16);
	if (family == ADDR_V4) {
		a[0] = 10;
		a[1] = (uint8_t)rnd(4);
		a[2] = (uint8_t)rnd(8);
		a[3] = (uint8_t)rnd(256);
		return;
	}
	a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8;
	a[4] = (uint8_t)rnd(3);  /* word 1 */
	a[9] = (uint8_t)rnd(4);  /* word 2 */
	a[13] = (uint8_t)rnd(3); /* word 3 */
	a[15] = (uint8_t)rnd(256);
}

static uint8_t rnd_prefix_len(uint8_t family)
{
	static const uint8_t v4[] = { 16, 24, 24, 26, 28, 28, 30, 31, 32,
				      32, 32, 32 };
	static const uint8_t v6[] = { 48, 64, 96, 112, 120, 124, 126, 127,
				      128, 128, 128, 128 };

	return family == ADDR_V4 ? v4[rnd(RTE_DIM(v4))] : v6[rnd(RTE_DIM(v6))];
}

/* A prefix of the family, its host bits mostly cleared (the SPD must
 * ignore them); family 0 now and then (any address, of any family). */
static struct ip_prefix rnd_prefix(uint8_t family)
{
	struct ip_prefix p;
	uint32_t bits;

	memset(&p, 0, sizeof(p));
	if (rnd(40) == 0)
		return p;
	p.addr.family = family;
	rnd_addr(family, p.addr.bytes);
	p.len = rnd_prefix_len(family);
	if (rnd(8) == 0)
		return p;
	for (bits = p.len; bits < (family == ADDR_V4 ? 32u : 128u); bits++)
		p.addr.bytes[bits / 8] &= (uint8_t)~(0x80u >> (bits % 8));
	return p;
}

static const uint16_t well_known[] = { 0, 22, 53, 80, 443, 500, 4500 };

/* Any port mostly, else one port or a range; rarely an empty one. */
static void rnd_ports(uint16_t *lo, uint16_t *hi)
{
	uint32_t c = rnd(20);

	*lo = 0, *hi = UINT16_MAX;
	if (c < 10)
		return;
	if (c < 15) {
		*lo = *hi = well_known[rnd(RTE_DIM(well_known))];
		return;
	}
	*lo = (uint16_t)rnd(2000);
	*hi = (uint16_t)(*lo + rnd(c == 19 ? 40000 : 600));
	if (c == 18)
		*hi = (uint16_t)(*lo - 1 - rnd(5)); /* empty: never matches */
}

static const uint8_t protos[] = { 1, 6, 17, 50, 132 };

static struct spd_policy rnd_policy(uint64_t id)
{
	uint8_t family = rnd(2) ? ADDR_V4 : ADDR_V6;
	struct spd_policy p = {
		.id = id,
		.priority = rnd(8),
		.dir = rnd(2) ? SPD_IN : SPD_OUT,
		.action = (uint8_t)(1 + rnd(3)),
	};

	p.sel.local = rnd_prefix(family);
	/* Now and then selectors of two families: they never match. */
	p.sel.remote = rnd_prefix(rnd(50) ? family
					  : ADDR_V4 + ADDR_V6 - family);
	p.sel.proto = rnd(2) ? 0 : protos[rnd(RTE_DIM(protos))];
	rnd_ports(&p.sel.lport_lo, &p.sel.lport_hi);
	rnd_ports(&p.sel.rport_lo, &p.sel.rport_hi);
	return p;
}

/* Address a inside prefix p (or anywhere when p is "any"). */
static void addr_in(const struct ip_prefix *p, uint8_t family, uint8_t *a)
{
	rnd_addr(family, a);
	if (p->addr.family != family)
		return;
	for (uint32_t b = 0; b < p->len; b++) {
		uint8_t m = (uint8_t)(0x80u >> (b % 8));

		a[b / 8] = (uint8_t)((a[b / 8] & ~m) |
				     (p->addr.bytes[b / 8] & m));
	}
}

static uint16_t port_in(uint16_t lo, uint16_t hi)
{
	if (lo > hi || rnd(8) == 0)
		return well_known[rnd(RTE_DIM(well_known))];
	return (uint16_t)(lo + rnd((uint32_t)(hi - lo) + 1));
}

/* Half the keys are aimed at a random policy (whose selectors they may
 * still miss by protocol or family), half are anywhere. */
static struct spd_key rnd_key(const struct spd_policy *ps, uint32_t n)
{
	const struct spd_policy *p = n ? &ps[rnd(n)] : NULL;
	struct spd_key k;
	bool in;

	memset(&k, 0, sizeof(k));
	k.family = rnd(2) ? ADDR_V4 : ADDR_V6;
	k.proto = protos[rnd(RTE_DIM(protos))];
	rnd_addr(k.family, k.src);
	rnd_addr(k.family, k.dst);
	k.sport = port_in(0, 2100);
	k.dport = port_in(0, 2100);
	if (!p || rnd(2))
		return k;

	in = p->dir == SPD_IN;
	if (p->sel.local.addr.family)
		k.family = p->sel.local.addr.family;
	else if (p->sel.remote.addr.family)
		k.family = p->sel.remote.addr.family;
	if (p->sel.proto && rnd(4))
		k.proto = p->sel.proto;
	addr_in(&p->sel.local, k.family, in ? k.dst : k.src);
	addr_in(&p->sel.remote, k.family, in ? k.src : k.dst);
	*(in ? &k.dport : &k.sport) = port_in(p->sel.lport_lo, p->sel.lport_hi);
	*(in ? &k.sport : &k.dport) = port_in(p->sel.rport_lo, p->sel.rport_hi);
	return k;
}

/*
 * n random policies in list order against keys random keys; the ACL
 * must give the scan's first match every time.  With a long list it
 * fails too if few keys match, if few matches are behind a first policy
 * that the same key also matches, or if few policies are ever the
 * answer: then the test would prove little.
 */
static void check_equivalence(uint64_t seed, uint32_t n, uint32_t keys)
{
	static struct spd_policy ps[4096];
	static uint8_t hit[4096];
	uint32_t matched = 0, distinct = 0, shadowing = 0;
	struct spd_acl *acl = NULL;
	uint64_t t0;

	assert_true(n <= RTE_DIM(ps));
	memset(hit, 0, sizeof(hit));
	rnd_state = seed;
	for (uint32_t i = 0; i < n; i++)
		ps[i] = rnd_policy(i + 1);
	t0 = rte_get_timer_cycles();
	assert_int_equal(spd_acl_build(ps, n, SOCKET_ID_ANY, &acl), 0);
	t0 = rte_get_timer_cycles() - t0;

	for (uint32_t i = 0; i < keys; i++) {
		struct spd_key k = rnd_key(ps, n);
		uint32_t want = spd_scan(ps, n, &k);
		uint32_t got = spd_acl_find(acl, &k);

		if (got != want)
			fail_msg("seed %llu key %u: acl %u, scan %u",
				 (unsigned long long)seed, i, got, want);
		if (want == n)
			continue;
		matched++;
		shadowing += spd_scan(ps + want + 1, n - want - 1, &k) <
			     n - want - 1;
		distinct += !hit[want];
		hit[want] = 1;
	}
	print_message("seed %llu: %u policies built in %llu ms, %u of %u "
		      "keys matched (%u more than one), %u policies "
		      "answered\n", (unsigned long long)seed, n,
		      (unsigned long long)(t0 * 1000 / rte_get_timer_hz()),
		      matched, keys, shadowing, distinct);
	if (n >= 1000) {
		assert_true(matched > keys / 4);
		assert_true(shadowing > matched / 4);
		assert_true(distinct > RTE_MIN(n, keys) / 10);
	}
	spd_acl_free(acl);
}

static void test_acl_equals_scan(void **state)
{
	(void)state;
	check_equivalence(1, 3000, 30000);
	check_equivalence(0x5eed, 4096, 20000);
}

/* Small lists too, where one family may have no policy at all. */
static void test_acl_equals_scan_small(void **state)
{
	(void)state;
	for (uint64_t seed = 100; seed < 140; seed++)
		check_equivalence(seed, 1 + (uint32_t)(seed % 40), 2000);
}

/* Nested prefixes where only the order decides: the more specific one
 * wins only where the list puts it first. */
static void test_acl_order_decides(void **state)
{
	struct spd_policy ps[3];
	struct spd_acl *acl;
	struct spd_key k = { .family = ADDR_V4, .proto = 17, .sport = 9,
			     .dport = 53, .src = { 10, 1, 0, 2 },
			     .dst = { 10, 2, 0, 9 } };
	uint8_t lens[3] = { 8, 16, 24 };

	(void)state;
	memset(ps, 0, sizeof(ps));
	for (uint32_t i = 0; i < 3; i++) {
		ps[i].id = i + 1;
		ps[i].dir = SPD_OUT;
		ps[i].sel.local.addr.family = ADDR_V4;
		ps[i].sel.local.addr.v4[0] = 10;
		ps[i].sel.local.addr.v4[1] = i > 0 ? 1 : 0;
		ps[i].sel.local.len = lens[i];
		ps[i].sel.lport_hi = ps[i].sel.rport_hi = UINT16_MAX;
	}
	assert_int_equal(spd_acl_build(ps, 3, SOCKET_ID_ANY, &acl), 0);
	assert_int_equal(spd_acl_find(acl, &k), 0); /* 10/8 first */
	spd_acl_free(acl);

	ps[0].sel.local.len = 32; /* now 10.0.0.0/32: not this key */
	assert_int_equal(spd_acl_build(ps, 3, SOCKET_ID_ANY, &acl), 0);
	assert_int_equal(spd_acl_find(acl, &k), 1);
	k.family = ADDR_V6; /* no IPv6 policy: no context, no match */
	assert_int_equal(spd_acl_find(acl, &k), 3);
	spd_acl_free(acl);
}

/* Distinct stand-ins for SAs: spd never looks inside them. */
static struct esp_sa *sa_of(uint64_t id)
{
	return (struct esp_sa *)(uintptr_t)(0x10000 + id * 16);
}

static void check_lookups(const struct spd *spd,
			  const struct spd_policy *ps, uint32_t n,
			  uint32_t keys)
{
	for (uint32_t i = 0; i < keys; i++) {
		struct spd_key k = rnd_key(ps, n);
		struct esp_sa *sa = NULL, *ref = NULL;
		uint8_t got = spd_lookup(spd, &k, &sa);
		uint8_t want = spd_lookup_linear(spd, &k, &ref);

		assert_int_equal(got, want);
		if (want == SPD_ENCRYPT)
			assert_ptr_equal(sa, ref);
	}
}

static int add_random(struct spd *spd, struct spd_policy *ps, uint32_t *n,
		      uint64_t id)
{
	struct spd_policy p = rnd_policy(id);
	int rc;

	if (p.action == SPD_ENCRYPT && p.dir == SPD_OUT) {
		p.sa_id = id;
		p.sa = rnd(4) ? sa_of(id) : NULL;
	}
	rc = spd_add(spd, &p);
	if (rc == 0)
		ps[(*n)++] = p;
	return rc;
}

static void del_random(struct spd *spd, struct spd_policy *ps, uint32_t *n)
{
	uint32_t i = rnd(*n);

	assert_int_equal(spd_del(spd, ps[i].id), 0);
	ps[i] = ps[--*n];
}

/* spd_lookup() through rte_acl stays spd_lookup_linear() while policies
 * of equal and different priorities come and go, SAs are bound and
 * unbound, and the list crosses the length where rte_acl takes over. */
static void test_lookup_equals_linear(void **state)
{
	struct spd *spd = spd_create("t_acl_eq", 64, SOCKET_ID_ANY, NULL);
	static struct spd_policy ps[600];
	uint32_t n = 0;
	uint64_t id = 1;

	(void)state;
	assert_non_null(spd);
	rnd_state = 42;
	while (n < 8)
		assert_int_equal(add_random(spd, ps, &n, id++), 0);
	assert_false(spd_acl_active(spd));
	check_lookups(spd, ps, n, 2000);

	while (n < 200)
		assert_int_equal(add_random(spd, ps, &n, id++), 0);
	assert_true(spd_acl_active(spd));
	check_lookups(spd, ps, n, 10000);

	for (uint32_t i = 0; i < n; i += 1 + rnd(8)) {
		if (ps[i].sa_id == 0)
			continue;
		ps[i].sa = rnd(3) ? sa_of(id + i) : NULL;
		assert_int_equal(spd_bind_sa(spd, ps[i].sa_id, ps[i].sa), 1);
	}
	assert_true(spd_acl_active(spd));
	check_lookups(spd, ps, n, 5000);

	for (uint32_t round = 0; round < 6; round++) {
		for (uint32_t i = 0; i < 10; i++)
			del_random(spd, ps, &n);
		for (uint32_t i = 0; i < 5; i++)
			assert_int_equal(add_random(spd, ps, &n, id++), 0);
		check_lookups(spd, ps, n, 1000);
	}
	while (n > 4)
		del_random(spd, ps, &n);
	assert_false(spd_acl_active(spd));
	check_lookups(spd, ps, n, 1000);
	spd_free(spd);
}

/* rte_malloc() memory held so that builds fail. */
static void *hog[256];
static uint32_t n_hog;

/* Take every byte of rte_malloc() memory but a block of room bytes. */
static void squeeze(size_t room)
{
	void *keep = rte_malloc("room", room, 0);

	assert_non_null(keep);
	for (size_t sz = 64u << 20; sz >= 64; sz /= 2)
		while (n_hog < RTE_DIM(hog) &&
		       (hog[n_hog] = rte_malloc("hog", sz, 0)) != NULL)
			n_hog++;
	assert_true(n_hog < RTE_DIM(hog));
	rte_free(keep);
}

static void release(void)
{
	while (n_hog)
		rte_free(hog[--n_hog]);
}

/* Verdicts of keys that must not change, and their SAs. */
struct answers {
	struct spd_key k[1000];
	uint8_t v[1000];
	struct esp_sa *sa[1000];
};

static void answers_take(const struct spd *spd, const struct spd_policy *ps,
			 uint32_t n, struct answers *a)
{
	for (uint32_t i = 0; i < RTE_DIM(a->k); i++) {
		a->k[i] = rnd_key(ps, n);
		a->sa[i] = NULL;
		a->v[i] = spd_lookup_linear(spd, &a->k[i], &a->sa[i]);
	}
}

static void answers_same(const struct spd *spd, const struct answers *a)
{
	for (uint32_t i = 0; i < RTE_DIM(a->k); i++) {
		struct esp_sa *sa = NULL;

		assert_int_equal(spd_lookup(spd, &a->k[i], &sa), a->v[i]);
		if (a->v[i] == SPD_ENCRYPT)
			assert_ptr_equal(sa, a->sa[i]);
	}
}

/* Wait out the quiet spell spd_settle() wants, then call it. */
static bool settle(struct spd *spd)
{
	rte_delay_ms(60); /* SPD_SETTLE_MS and some */
	return spd_settle(spd);
}

/* Bytes of the list of n policies against a base of n_base. */
static size_t list_room(uint32_t n, uint32_t n_base)
{
	return 128 + n * sizeof(struct spd_policy) + (n + n_base) * 4;
}

/*
 * Out of memory for rte_acl contexts: policies still come and go, the
 * published contexts answering for an older list with the difference,
 * however large; spd_settle() fails and keeps it, and builds once memory
 * is back.  A new SA needs no contexts.  Out of memory for the list
 * itself: spd_add() and spd_del() fail and leave the SPD as it was.
 */
static void test_build_failure_keeps_spd(void **state)
{
	struct spd *spd = spd_create("t_acl_fail", 64, SOCKET_ID_ANY, NULL);
	static struct spd_policy ps[256];
	static struct answers a;
	struct spd_policy all = { .id = 999, .dir = SPD_OUT,
				  .action = SPD_DISCARD,
				  .sel = { .lport_hi = UINT16_MAX,
					   .rport_hi = UINT16_MAX } };
	struct esp_sa *sa = NULL;
	uint32_t n = 0, enc = 0, pol = 0;
	uint64_t keep = 1ull << 62, id = 1;

	(void)state;
	assert_non_null(spd);
	rnd_state = 7;
	while (n < 100)
		assert_int_equal(add_random(spd, ps, &n,
					    (n % 2 ? keep : 0) | id++), 0);
	settle(spd);
	assert_true(spd_acl_active(spd));
	assert_false(spd_acl_stale(spd));
	answers_take(spd, ps, n, &a);
	/* A key that an SA of its own encrypts, and the policy. */
	while (enc < RTE_DIM(a.k) && !(a.v[enc] == SPD_ENCRYPT && a.sa[enc]))
		enc++;
	assert_true(enc < RTE_DIM(a.k));
	while (ps[pol].sa != a.sa[enc])
		pol++;

	/* Room for lists (the published and the next, as the heap splits
	 * it), not for contexts. */
	squeeze(4 * list_room(150, 150));
	assert_int_equal(spd_add(spd, &all), 0); /* first: discards all */
	assert_true(spd_acl_stale(spd));
	assert_int_equal(spd_lookup(spd, &a.k[enc], &sa), SPD_DISCARD);
	check_lookups(spd, ps, n, 1000);
	assert_int_equal(spd_del(spd, all.id), 0);
	answers_same(spd, &a);
	while (n < 140) /* past SPD_DELTA_MAX: every build fails */
		assert_int_equal(add_random(spd, ps, &n, keep | id++), 0);
	assert_true(spd_acl_stale(spd));
	check_lookups(spd, ps, n, 2000);
	assert_false(settle(spd));
	assert_true(spd_acl_stale(spd));

	/* Rebinding an SA passes the contexts on. */
	assert_int_equal(spd_bind_sa(spd, ps[pol].sa_id, sa_of(12345)), 1);
	assert_true(spd_acl_active(spd));
	assert_int_equal(spd_lookup(spd, &a.k[enc], &sa), SPD_ENCRYPT);
	assert_ptr_equal(sa, sa_of(12345));
	ps[pol].sa = sa_of(12345);
	check_lookups(spd, ps, n, 1000);
	release();
	assert_true(settle(spd));
	assert_false(spd_acl_stale(spd));
	check_lookups(spd, ps, n, 1000);

	/* A flush under the squeeze: the old contexts, a long difference. */
	squeeze(4 * list_room(150, 150));
	spd_flush(spd, keep);
	assert_int_equal(spd_count(spd), 90);
	for (uint32_t i = 0; i < n;) /* the ones kept */
		if (ps[i].id & keep)
			i++;
		else
			ps[i] = ps[--n];
	assert_true(spd_acl_stale(spd));
	check_lookups(spd, ps, n, 2000);
	release();

	/* Not even a list: nothing changes. */
	answers_take(spd, ps, n, &a);
	squeeze(512);
	assert_true(spd_add(spd, &all) < 0);
	assert_false(spd_get(spd, all.id, &all));
	assert_true(spd_del(spd, ps[0].id) < 0);
	assert_true(spd_get(spd, ps[0].id, &ps[0]));
	assert_int_equal(spd_count(spd), 90);
	answers_same(spd, &a);
	release();

	assert_true(settle(spd));
	assert_int_equal(spd_add(spd, &all), 0);
	check_lookups(spd, ps, n, 1000);
	spd_free(spd);
}

/*
 * Between builds, lookups go through contexts built for an older list:
 * the first match must stay the scan's for keys aimed at the policies
 * deleted since (whose traffic now falls to a later match) and at those
 * added since, of every priority, and after spd_settle() builds anew.
 */
static void test_difference_answers_as_the_scan(void **state)
{
	struct spd *spd = spd_create("t_acl_diff", 64, SOCKET_ID_ANY, NULL);
	static struct spd_policy ps[400], gone[400];
	uint32_t n = 0, n_gone = 0;
	uint64_t id = 1;

	(void)state;
	assert_non_null(spd);
	rnd_state = 99;
	while (n < 300)
		assert_int_equal(add_random(spd, ps, &n, id++), 0);
	assert_true(settle(spd));
	for (uint32_t round = 0; round < 40; round++) {
		if (rnd(2) && n > 250) {
			uint32_t i = rnd(n);

			gone[n_gone++] = ps[i];
			assert_int_equal(spd_del(spd, ps[i].id), 0);
			ps[i] = ps[--n];
		} else {
			assert_int_equal(add_random(spd, ps, &n, id++), 0);
		}
		if (round < 20) /* within SPD_DELTA_MAX of the base */
			assert_true(spd_acl_stale(spd));
		check_lookups(spd, ps, n, 500);
		check_lookups(spd, gone, n_gone, 500);
	}
	assert_true(settle(spd));
	assert_false(spd_acl_stale(spd));
	check_lookups(spd, ps, n, 2000);
	check_lookups(spd, gone, n_gone, 1000);
	spd_free(spd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acl_equals_scan),
		cmocka_unit_test(test_acl_equals_scan_small),
		cmocka_unit_test(test_acl_order_decides),
		cmocka_unit_test(test_lookup_equals_linear),
		cmocka_unit_test(test_build_failure_keeps_spd),
		cmocka_unit_test(test_difference_answers_as_the_scan),
	};
	int rc;

	mp = dp_test_eal_init("test_spd_acl", 63);
	if (!mp)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_test_eal_fini(mp);
	return rc;
}
