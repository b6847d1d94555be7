/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spd_bench: general SPD lookups per second, the scan (spd_scan()) against
 * rte_acl (spd_acl_find()), one key at a time as a worker asks, at 10,
 * 20, 50, 100, 1000 and 10000 policies, and the time rte_acl takes to
 * build; then the time to install 1000 and 4000 of them one by one
 * (spd_add(), with rte_acl contexts rebuilt only as spd.h says) and the
 * build spd_settle() makes after.  The policies are site-to-site traffic
 * selectors: a /24 behind us to a /24 behind a peer, IPv4, half of them
 * any protocol and port, the rest one protocol and one remote port.
 * Every key is aimed at one policy picked at random, so the scan walks
 * half the list on average.  The two answers are compared as we go.
 *
 *   spd_bench [--seconds S]     (S per measurement, 0.3 by default)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include "spd.h"
#include "spd_acl.h"

#define MAX_POLICIES 10000
#define N_KEYS       4096

static uint64_t rnd_state = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state >> 32) % n;
}

static void subnet(struct ip_prefix *p, uint8_t first, uint32_t i)
{
	memset(p, 0, sizeof(*p));
	p->addr.family = ADDR_V4;
	p->addr.v4[0] = first;
	p->addr.v4[1] = (uint8_t)(i >> 8);
	p->addr.v4[2] = (uint8_t)i;
	p->len = 24;
}

static void make_policies(struct spd_policy *ps, uint32_t n)
{
	static const uint16_t ports[] = { 22, 53, 80, 443, 3306, 8080 };

	for (uint32_t i = 0; i < n; i++) {
		struct spd_policy *p = &ps[i];

		memset(p, 0, sizeof(*p));
		p->id = i + 1;
		p->dir = rnd(2) ? SPD_OUT : SPD_IN;
		p->action = SPD_ENCRYPT;
		subnet(&p->sel.local, 10, rnd(60000));
		subnet(&p->sel.remote, 172, rnd(60000));
		p->sel.lport_hi = p->sel.rport_hi = UINT16_MAX;
		if (rnd(2)) {
			p->sel.proto = rnd(2) ? 6 : 17;
			p->sel.rport_lo = p->sel.rport_hi =
				ports[rnd(RTE_DIM(ports))];
		}
	}
}

static void make_keys(const struct spd_policy *ps, uint32_t n,
		      struct spd_key *keys)
{
	for (uint32_t i = 0; i < N_KEYS; i++) {
		const struct spd_policy *p = &ps[rnd(n)];
		bool in = p->dir == SPD_IN;
		struct spd_key *k = &keys[i];

		memset(k, 0, sizeof(*k));
		k->family = ADDR_V4;
		k->proto = p->sel.proto ? p->sel.proto : 6;
		memcpy(in ? k->dst : k->src, p->sel.local.addr.v4, 4);
		memcpy(in ? k->src : k->dst, p->sel.remote.addr.v4, 4);
		k->src[3] = (uint8_t)(1 + rnd(254));
		k->dst[3] = (uint8_t)(1 + rnd(254));
		*(in ? &k->sport : &k->dport) = p->sel.rport_lo ? p->sel.rport_lo
							       : 443;
		*(in ? &k->dport : &k->sport) = (uint16_t)(1024 + rnd(60000));
	}
}

struct run {
	const struct spd_policy *ps;
	uint32_t n;
	const struct spd_acl *acl;
	const struct spd_key *keys;
	uint32_t *answers; /* the scan's, to hold the ACL's to */
};

/* Lookups per second for seconds at least; mismatches counted. */
static double measure(const struct run *r, bool acl, double seconds,
		      uint64_t *mismatches)
{
	uint64_t hz = rte_get_timer_hz(), t0 = rte_get_timer_cycles(), t;
	uint64_t done = 0;

	do {
		for (uint32_t i = 0; i < N_KEYS; i++) {
			uint32_t got = acl ? spd_acl_find(r->acl, &r->keys[i])
					   : spd_scan(r->ps, r->n, &r->keys[i]);

			if (acl)
				*mismatches += got != r->answers[i];
			else
				r->answers[i] = got;
		}
		done += N_KEYS;
		t = rte_get_timer_cycles() - t0;
	} while ((double)t < seconds * (double)hz);
	return (double)done * (double)hz / (double)t;
}

static int bench(uint32_t n, double seconds, struct spd_policy *ps,
		 struct spd_key *keys, uint32_t *answers)
{
	struct spd_acl *acl = NULL;
	uint64_t t0, mismatches = 0;
	double build_ms, scan, fast;
	struct run r;
	int rc;

	make_policies(ps, n);
	make_keys(ps, n, keys);
	t0 = rte_get_timer_cycles();
	rc = spd_acl_build(ps, n, SOCKET_ID_ANY, &acl);
	build_ms = (double)(rte_get_timer_cycles() - t0) * 1e3 /
		   (double)rte_get_timer_hz();
	if (rc < 0) {
		fprintf(stderr, "spd_bench: %u policies: build: %s\n", n,
			strerror(-rc));
		return 1;
	}
	r = (struct run){ .ps = ps, .n = n, .acl = acl, .keys = keys,
			  .answers = answers };
	scan = measure(&r, false, seconds, &mismatches);
	fast = measure(&r, true, seconds, &mismatches);
	printf("%8u %10.1f %14.3f %14.3f %8.1f %10llu\n", n, build_ms,
	       scan / 1e6, fast / 1e6, fast / scan,
	       (unsigned long long)mismatches);
	spd_acl_free(acl);
	return mismatches != 0;
}

static double ms_since(uint64_t t0)
{
	return (double)(rte_get_timer_cycles() - t0) * 1e3 /
	       (double)rte_get_timer_hz();
}

/*
 * Installing n policies one by one, as the control daemon does when
 * tunnels come up, then the contexts spd_settle() builds once they stop.
 * Every 16th is deleted again, as tunnels go down too.
 */
static int install(uint32_t n, struct spd_policy *ps)
{
	struct spd *spd = spd_create("spd_bench", 64, SOCKET_ID_ANY, NULL);
	uint64_t t0;
	double add_ms, settle_ms;
	uint32_t builds = 0;

	if (!spd)
		return 1;
	make_policies(ps, n);
	t0 = rte_get_timer_cycles();
	for (uint32_t i = 0; i < n; i++) {
		if (spd_add(spd, &ps[i]) != 0) {
			fprintf(stderr, "spd_bench: spd_add failed at %u\n", i);
			spd_free(spd);
			return 1;
		}
		if (i % 16 == 15 && spd_del(spd, ps[i - 8].id) != 0) {
			spd_free(spd);
			return 1;
		}
		builds += !spd_acl_stale(spd) && spd_acl_active(spd);
	}
	add_ms = ms_since(t0);
	rte_delay_ms(60);
	t0 = rte_get_timer_cycles();
	if (!spd_settle(spd)) {
		fprintf(stderr, "spd_bench: no settling build\n");
		spd_free(spd);
		return 1;
	}
	settle_ms = ms_since(t0);
	printf("%8u %12.1f %10.1f %8u %10.1f\n", n, add_ms,
	       add_ms * 1e3 / n, builds, settle_ms);
	spd_free(spd);
	return 0;
}

int main(int argc, char **argv)
{
	static const uint32_t sizes[] = { 10, 20, 50, 100, 1000, 10000 };
	static const uint32_t installs[] = { 1000, 4000 };
	char *eal[] = { argv[0], "--no-huge", "--no-pci", "-l", "0",
			"--no-shconf", "-m", "1024", "--log-level=error" };
	static struct spd_policy ps[MAX_POLICIES];
	static struct spd_key keys[N_KEYS];
	static uint32_t answers[N_KEYS];
	double seconds = 0.3;
	int bad = 0;

	if (argc == 3 && strcmp(argv[1], "--seconds") == 0)
		seconds = atof(argv[2]);
	else if (argc != 1) {
		fprintf(stderr, "usage: spd_bench [--seconds S]\n");
		return 2;
	}
	if (rte_eal_init((int)RTE_DIM(eal), eal) < 0)
		return 1;
	printf("%8s %10s %14s %14s %8s %10s\n", "policies", "build_ms",
	       "scan_Mlookup/s", "acl_Mlookup/s", "acl/scan", "mismatches");
	for (uint32_t i = 0; i < RTE_DIM(sizes); i++)
		bad |= bench(sizes[i], seconds, ps, keys, answers);
	printf("\n%8s %12s %10s %8s %10s\n", "policies", "install_ms",
	       "us_per_add", "builds", "settle_ms");
	for (uint32_t i = 0; i < RTE_DIM(installs); i++)
		bad |= install(installs[i], ps);
	rte_eal_cleanup();
	return bad;
}
