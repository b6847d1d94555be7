/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SPD: selector matching both ways, the road-warrior hash before the
 * general list, priority order, bypass as the default, inbound policies
 * discarding clear traffic that should be protected, SA binding and
 * unbinding, and packets too short to carry the headers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "dp_test_eal.h"
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "spd.h"

static struct rte_mempool *mp;
/* Stand-ins for SAs: spd never looks inside them. */
static struct esp_sa *sa1 = (struct esp_sa *)0x1000;
static struct esp_sa *sa2 = (struct esp_sa *)0x2000;

static struct ip_prefix pfx(const char *s)
{
	struct ip_prefix p;
	char buf[64];

	snprintf(buf, sizeof(buf), "%s", s);
	assert_true(prefix_parse(buf, &p));
	return p;
}

static struct spd_policy policy(uint64_t id, uint32_t prio, uint8_t action,
				const char *local, const char *remote)
{
	struct spd_policy p = {
		.id = id, .priority = prio, .dir = SPD_OUT, .action = action,
		.sel = { .local = pfx(local), .remote = pfx(remote),
			 .lport_hi = UINT16_MAX, .rport_hi = UINT16_MAX },
	};
	return p;
}

/* An IPv4 UDP packet src -> dst, ports sp -> dp. */
static struct spd_key key4(const char *src, const char *dst, uint8_t proto,
			   uint16_t sp, uint16_t dpt)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t ip[28] = { 0x45 };
	struct ip_addr s, d;
	struct spd_key k;
	char *data;

	assert_non_null(m);
	ip[9] = proto;
	assert_true(addr_parse(src, &s));
	assert_true(addr_parse(dst, &d));
	memcpy(ip + 12, s.v4, 4);
	memcpy(ip + 16, d.v4, 4);
	ip[20] = (uint8_t)(sp >> 8);
	ip[21] = (uint8_t)sp;
	ip[22] = (uint8_t)(dpt >> 8);
	ip[23] = (uint8_t)dpt;
	data = rte_pktmbuf_append(m, sizeof(ip));
	assert_non_null(data);
	rte_memcpy(data, ip, sizeof(ip));
	assert_true(spd_key_get(m, 0, &k));
	rte_pktmbuf_free(m);
	return k;
}

static void test_key_and_match(void **state)
{
	struct spd_key k = key4("10.1.0.2", "10.2.0.9", 17, 1234, 53);
	struct spd_sel s = {
		.local = pfx("10.1.0.0/24"), .remote = pfx("10.2.0.0/16"),
		.proto = 17, .lport_hi = UINT16_MAX, .rport_lo = 53,
		.rport_hi = 53,
	};

	(void)state;
	assert_int_equal(k.sport, 1234);
	assert_int_equal(k.dport, 53);
	assert_true(spd_sel_match(&s, &k, false));
	assert_false(spd_sel_match(&s, &k, true)); /* reversed: no */
	s.rport_lo = s.rport_hi = 54;
	assert_false(spd_sel_match(&s, &k, false));
	s.rport_lo = 0;
	s.rport_hi = UINT16_MAX;
	s.proto = 6;
	assert_false(spd_sel_match(&s, &k, false));
	s.proto = 0;
	s.remote = pfx("10.2.0.8/31"); /* 10.2.0.8 and .9 */
	assert_true(spd_sel_match(&s, &k, false));
	s.remote = pfx("10.2.0.10/31");
	assert_false(spd_sel_match(&s, &k, false));
	s.remote = pfx("2001:db8::/32"); /* another family never matches */
	assert_false(spd_sel_match(&s, &k, false));
}

static void test_short_packets(void **state)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct spd_key k;
	uint8_t *p;

	(void)state;
	assert_non_null(m);
	p = rte_pktmbuf_mtod(m, uint8_t *);
	rte_pktmbuf_append(m, 19);
	p[0] = 0x45;
	p[6] = p[7] = 0;
	assert_false(spd_key_get(m, 0, &k)); /* shorter than a header */
	rte_pktmbuf_append(m, 1);
	p[0] = 0x35; /* version 3 */
	assert_false(spd_key_get(m, 0, &k));
	p[0] = 0x60; /* IPv6 but 20 bytes */
	assert_false(spd_key_get(m, 0, &k));
	p[0] = 0x45;
	p[9] = 17; /* UDP without its header: ports 0, no crash */
	assert_true(spd_key_get(m, 0, &k));
	assert_int_equal(k.sport, 0);
	rte_pktmbuf_free(m);
}

static void test_lookup_order(void **state)
{
	struct spd *spd = spd_create("t_order", 64, SOCKET_ID_ANY, NULL);
	struct spd_key k = key4("10.1.0.2", "10.2.0.9", 17, 1, 2);
	struct spd_policy p;
	struct esp_sa *sa = NULL;

	(void)state;
	assert_non_null(spd);
	assert_int_equal(spd_lookup(spd, &k, &sa), SPD_BYPASS); /* default */

	p = policy(1, 50, SPD_DISCARD, "10.1.0.0/16", "0.0.0.0/0");
	assert_int_equal(spd_add(spd, &p), 0);
	assert_int_equal(spd_lookup(spd, &k, &sa), SPD_DISCARD);

	p = policy(2, 10, SPD_ENCRYPT, "10.1.0.0/24", "10.2.0.0/24");
	p.sa_id = 77;
	assert_int_equal(spd_add(spd, &p), 0);
	/* Higher priority, but no SA yet: discard, never clear. */
	assert_int_equal(spd_lookup(spd, &k, &sa), SPD_DISCARD);
	assert_int_equal(spd_bind_sa(spd, 77, sa1), 1);
	assert_int_equal(spd_lookup(spd, &k, &sa), SPD_ENCRYPT);
	assert_ptr_equal(sa, sa1);

	assert_int_equal(spd_add(spd, &p), -EEXIST);
	assert_int_equal(spd_bind_sa(spd, 77, NULL), 1);
	assert_int_equal(spd_lookup(spd, &k, &sa), SPD_DISCARD);
	assert_int_equal(spd_del(spd, 2), 0);
	assert_int_equal(spd_del(spd, 2), -ENOENT);
	assert_int_equal(spd_del(spd, 1), 0);
	assert_int_equal(spd_lookup(spd, &k, &sa), SPD_BYPASS);
	spd_free(spd);
}

static void test_vip_and_inbound(void **state)
{
	struct spd *spd = spd_create("t_vip", 64, SOCKET_ID_ANY, NULL);
	struct spd_key k = key4("10.1.0.2", "172.31.0.7", 6, 1, 2);
	struct spd_key back = key4("10.2.0.5", "10.1.0.2", 17, 1, 2);
	struct spd_policy p;
	struct esp_sa *sa = NULL;

	(void)state;
	/* A general policy that would discard the road warrior... */
	p = policy(1, 0, SPD_DISCARD, "0.0.0.0/0", "172.31.0.0/16");
	assert_int_equal(spd_add(spd, &p), 0);
	/* ...does not: its virtual IP goes first. */
	p = policy(2, 99, SPD_ENCRYPT, "0.0.0.0/0", "172.31.0.7/32");
	p.sel.local.addr.family = 0; /* any */
	p.sa_id = 5;
	assert_true(spd_policy_is_vip(&p));
	assert_int_equal(spd_add(spd, &p), 0);
	assert_int_equal(spd_lookup(spd, &k, &sa), SPD_DISCARD); /* no SA */
	spd_bind_sa(spd, 5, sa2);
	assert_int_equal(spd_lookup(spd, &k, &sa), SPD_ENCRYPT);
	assert_ptr_equal(sa, sa2);
	p.id = 3; /* one SA per virtual IP */
	assert_int_equal(spd_add(spd, &p), -EEXIST);
	assert_int_equal(spd_del(spd, 2), 0);
	assert_int_equal(spd_lookup(spd, &k, &sa), SPD_DISCARD);

	/* Clear traffic the peer should have protected is discarded. */
	p = policy(4, 0, SPD_ENCRYPT, "10.1.0.0/24", "10.2.0.0/24");
	p.dir = SPD_IN;
	assert_int_equal(spd_add(spd, &p), 0);
	assert_int_equal(spd_lookup(spd, &back, &sa), SPD_DISCARD);
	spd_flush(spd, 0);
	assert_int_equal(spd_count(spd), 0);
	assert_int_equal(spd_lookup(spd, &back, &sa), SPD_BYPASS);
	spd_free(spd);
}

static void test_flush_keeps(void **state)
{
	struct spd *spd = spd_create("t_flush", 64, SOCKET_ID_ANY, NULL);
	struct spd_policy p = policy(1, 0, SPD_BYPASS, "10.0.0.0/8",
				     "0.0.0.0/0");

	(void)state;
	assert_int_equal(spd_add(spd, &p), 0);
	p.id = (1ull << 63) | 1;
	assert_int_equal(spd_add(spd, &p), 0);
	spd_flush(spd, 1ull << 63);
	assert_int_equal(spd_count(spd), 1);
	assert_true(spd_get(spd, (1ull << 63) | 1, &p));
	assert_false(spd_get(spd, 1, &p));
	spd_free(spd);
}

/* IPv6 2001:db8:1::2 -> 2001:db8:2::9 at offset off of a fresh mbuf:
 * first Next Header nh, then ext (elen bytes, Next Header bytes filled
 * in), then TCP or UDP ports sp -> dpt and 8 more bytes.  spd_key_get's
 * answer in *ok. */
static struct spd_key key6(uint32_t off, uint8_t nh, const uint8_t *ext,
			   size_t elen, uint16_t sp, uint16_t dpt, bool *ok)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t ip[256] = { 0x60 };
	struct ip_addr s, d;
	struct spd_key k;
	size_t len = 40 + elen + 12;
	char *data;

	assert_non_null(m);
	assert_true(len <= sizeof(ip));
	assert_true(addr_parse("2001:db8:1::2", &s));
	assert_true(addr_parse("2001:db8:2::9", &d));
	ip[5] = (uint8_t)(len - 40);
	ip[6] = nh;
	memcpy(ip + 8, s.v6, 16);
	memcpy(ip + 24, d.v6, 16);
	if (elen)
		memcpy(ip + 40, ext, elen); /* ext may be NULL */
	ip[40 + elen] = (uint8_t)(sp >> 8);
	ip[41 + elen] = (uint8_t)sp;
	ip[42 + elen] = (uint8_t)(dpt >> 8);
	ip[43 + elen] = (uint8_t)dpt;
	data = rte_pktmbuf_append(m, (uint16_t)(off + len));
	assert_non_null(data);
	memset(data, 0xee, off);
	rte_memcpy(data + off, ip, len);
	memset(&k, 0, sizeof(k));
	*ok = spd_key_get(m, off, &k);
	rte_pktmbuf_free(m);
	return k;
}

/* Hop-by-hop, destination options, routing (no segments left): 40
 * bytes; the routing header names UDP. */
static const uint8_t chain[40] = {
	60, 0, 1, 4, 0, 0, 0, 0,
	43, 0, 1, 4, 0, 0, 0, 0,
	17, 2, 254, 0,
};

static void test_ipv6_ports_behind_extension_headers(void **state)
{
	struct spd *spd = spd_create("t_ext", 64, SOCKET_ID_ANY, NULL);
	struct spd_policy p = policy(1, 0, SPD_DISCARD, "2001:db8:1::/48",
				     "2001:db8:2::/48");
	struct spd_key k;
	struct esp_sa *sa = NULL;
	uint8_t bad[40];
	bool ok;

	(void)state;
	assert_non_null(spd);
	for (uint32_t off = 0; off <= 14; off += 14) {
		k = key6(off, 0, chain, sizeof(chain), 1234, 53, &ok);
		assert_true(ok);
		assert_int_equal(k.family, ADDR_V6);
		assert_int_equal(k.proto, 17);
		assert_int_equal(k.sport, 1234);
		assert_int_equal(k.dport, 53);
	}
	/* A policy for UDP to port 53 sees the packet. */
	p.sel.proto = 17;
	p.sel.rport_lo = p.sel.rport_hi = 53;
	assert_int_equal(spd_add(spd, &p), 0);
	assert_int_equal(spd_lookup(spd, &k, &sa), SPD_DISCARD);
	k = key6(0, 17, NULL, 0, 1234, 54, &ok);
	assert_int_equal(spd_lookup(spd, &k, &sa), SPD_BYPASS);

	/* Malformed chains: hop-by-hop second, a header past the end. */
	memcpy(bad, chain, sizeof(bad));
	bad[0] = 0;
	key6(0, 0, bad, sizeof(bad), 1, 2, &ok);
	assert_false(ok);
	memcpy(bad, chain, sizeof(bad));
	bad[17] = 9; /* 80 bytes */
	key6(0, 0, bad, sizeof(bad), 1, 2, &ok);
	assert_false(ok);
	spd_free(spd);
}

/* RFC 4301 4.4.1.1: a non-initial fragment's ports are OPAQUE, so it
 * matches only a policy for any port, even where its data would read as
 * the right ports. */
static void test_ipv6_non_initial_fragment_is_opaque(void **state)
{
	struct spd *spd = spd_create("t_frag", 64, SOCKET_ID_ANY, NULL);
	struct spd_policy p = policy(1, 0, SPD_ENCRYPT, "2001:db8:1::/48",
				     "2001:db8:2::/48");
	uint8_t frag[16] = { 44, 0, 1, 4, 0, 0, 0, 0,
			     6, 0, 0x05, 0xc9, 0, 0, 0, 1 }; /* 185, M */
	struct esp_sa *sa = NULL;
	struct spd_key k;
	bool ok;

	(void)state;
	assert_non_null(spd);
	p.sel.proto = 6;
	p.sel.rport_lo = p.sel.rport_hi = 443;
	p.sa_id = 8;
	assert_int_equal(spd_add(spd, &p), 0);
	assert_int_equal(spd_bind_sa(spd, 8, sa1), 1);
	p = policy(2, 5, SPD_DISCARD, "2001:db8:1::/48", "2001:db8:2::/48");
	p.sel.proto = 6;
	assert_int_equal(spd_add(spd, &p), 0);

	k = key6(0, 0, frag, sizeof(frag), 443, 443, &ok);
	assert_true(ok);
	assert_int_equal(k.proto, 6);
	assert_int_equal(k.sport, 0);
	assert_int_equal(k.dport, 0);
	assert_int_equal(spd_lookup(spd, &k, &sa), SPD_DISCARD);
	/* The first fragment carries the TCP header: port 443. */
	frag[10] = 0, frag[11] = 1;
	k = key6(0, 0, frag, sizeof(frag), 443, 443, &ok);
	assert_true(ok);
	assert_int_equal(k.dport, 443);
	assert_int_equal(spd_lookup(spd, &k, &sa), SPD_ENCRYPT);
	assert_ptr_equal(sa, sa1);
	spd_free(spd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_and_match),
		cmocka_unit_test(test_short_packets),
		cmocka_unit_test(test_lookup_order),
		cmocka_unit_test(test_vip_and_inbound),
		cmocka_unit_test(test_flush_keeps),
		cmocka_unit_test(test_ipv6_ports_behind_extension_headers),
		cmocka_unit_test(test_ipv6_non_initial_fragment_is_opaque),
	};
	int rc;

	mp = dp_test_eal_init("test_spd", 63);
	if (!mp)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_test_eal_fini(mp);
	return rc;
}
