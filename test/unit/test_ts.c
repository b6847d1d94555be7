/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ts.h"

static struct cfg_policy policies[3];
static struct espgw_config cfg;
static struct cfg_identity rw = {
	.peer = 0,
	.generate_policy = CFG_GENPOL_PORT_STRICT,
	.policy_template_group = 1,
};

static struct ike_ts ts_of(const char *lo, const char *hi, uint8_t proto,
			   uint16_t plo, uint16_t phi)
{
	struct ike_ts t = { .ip_proto = proto, .start_port = plo,
			    .end_port = phi };

	assert_true(addr_parse(lo, &t.start));
	assert_true(addr_parse(hi, &t.end));
	t.type = t.start.family == ADDR_V4 ? IKE_TS_IPV4_ADDR_RANGE :
					     IKE_TS_IPV6_ADDR_RANGE;
	return t;
}

static void expect_prefix(const struct chan_ts *t, const char *s)
{
	char buf[ADDR_STRLEN];

	assert_string_equal(prefix_format(&t->prefix, buf), s);
}

static int setup(void **state)
{
	(void)state;
	memset(policies, 0, sizeof(policies));
	/* 0: a template of another group; 1: the tutorial's template;
	 * 2: a site-to-site policy for peer 3. */
	for (int i = 0; i < 3; i++) {
		prefix_parse("0.0.0.0/0", &policies[i].src_address);
		prefix_parse("0.0.0.0/0", &policies[i].dst_address);
		policies[i].action = CFG_ACTION_ENCRYPT;
		policies[i].template = i < 2;
		policies[i].group = i;
		policies[i].peer = -1;
	}
	prefix_parse("10.99.0.0/16", &policies[0].src_address);
	prefix_parse("10.1.0.0/24", &policies[2].src_address);
	prefix_parse("10.2.0.0/24", &policies[2].dst_address);
	policies[2].peer = 3;
	cfg.ipsec.policies = policies;
	cfg.ipsec.n_policies = 3;
	return 0;
}

/* strongSwan road warrior: TSi 0.0.0.0/0 (dynamic), TSr the office. */
static void test_road_warrior_vip(void **state)
{
	struct ike_ts_pld tsi = { 1, { ts_of("0.0.0.0", "255.255.255.255",
					     0, 0, 65535) } };
	struct ike_ts_pld tsr = { 1, { ts_of("10.10.0.0", "10.10.0.255", 0,
					     0, 65535) } };
	struct ip_addr vip;
	struct ts_result r;

	(void)state;
	assert_true(addr_parse("172.16.1.100", &vip));
	assert_int_equal(ts_narrow(&cfg, &rw, &tsi, &tsr, &vip, &r), 0);
	assert_ptr_equal(r.policy, &policies[1]);
	expect_prefix(&r.remote, "172.16.1.100/32");
	expect_prefix(&r.local, "10.10.0.0/24");
	assert_int_equal(r.local.port_lo, 0);
	assert_int_equal(r.local.port_hi, 65535);
}

/* A peer whose TSi does not contain its address is refused. */
static void test_vip_outside(void **state)
{
	struct ike_ts_pld tsi = { 1, { ts_of("192.168.0.0", "192.168.0.255",
					     0, 0, 65535) } };
	struct ike_ts_pld tsr = { 1, { ts_of("0.0.0.0", "255.255.255.255",
					     0, 0, 65535) } };
	struct ip_addr vip;
	struct ts_result r;

	(void)state;
	assert_true(addr_parse("172.16.1.100", &vip));
	assert_int_equal(ts_narrow(&cfg, &rw, &tsi, &tsr, &vip, &r), -1);
}

static void test_ports_strict_and_override(void **state)
{
	struct ike_ts_pld tsi = { 1, { ts_of("0.0.0.0", "255.255.255.255",
					     6, 1000, 2000) } };
	struct ike_ts_pld tsr = { 1, { ts_of("0.0.0.0", "255.255.255.255",
					     0, 0, 65535) } };
	struct cfg_identity id = rw;
	struct ts_result r;

	(void)state;
	policies[1].protocol = 6;
	policies[1].dst_port = 1500;
	assert_int_equal(ts_narrow(&cfg, &id, &tsi, &tsr, NULL, &r), 0);
	assert_int_equal(r.remote.proto, 6);
	assert_int_equal(r.remote.port_lo, 1500);
	assert_int_equal(r.remote.port_hi, 1500);
	assert_int_equal(r.local.proto, 6);

	policies[1].protocol = 17; /* UDP against the peer's TCP */
	assert_int_equal(ts_narrow(&cfg, &id, &tsi, &tsr, NULL, &r), -1);
	id.generate_policy = CFG_GENPOL_PORT_OVERRIDE;
	assert_int_equal(ts_narrow(&cfg, &id, &tsi, &tsr, NULL, &r), 0);
	assert_int_equal(r.remote.proto, 17);
	assert_int_equal(r.remote.port_lo, 1500);
	policies[1].protocol = 0;
	policies[1].dst_port = 0;
}

/* Site to site: the fixed policy naming the peer; a range that is not a
 * prefix is narrowed to the largest prefix at its start. */
static void test_site_to_site(void **state)
{
	struct cfg_identity s2s = { .peer = 3,
				    .generate_policy = CFG_GENPOL_NO };
	struct ike_ts_pld tsi = { 2, { ts_of("192.168.5.0", "192.168.5.255", 0,
					     0, 65535),
				       ts_of("10.2.0.0", "10.2.0.255", 0, 0,
					     65535) } };
	struct ike_ts_pld tsr = { 1, { ts_of("10.1.0.16", "10.1.0.200", 0, 0,
					     65535) } };
	struct ts_result r;

	(void)state;
	assert_int_equal(ts_narrow(&cfg, &s2s, &tsi, &tsr, NULL, &r), 0);
	assert_ptr_equal(r.policy, &policies[2]);
	expect_prefix(&r.remote, "10.2.0.0/24");
	expect_prefix(&r.local, "10.1.0.16/28");
	s2s.peer = 4; /* no policy names this peer */
	assert_int_equal(ts_narrow(&cfg, &s2s, &tsi, &tsr, NULL, &r), -1);
}

static void test_malformed_and_families(void **state)
{
	struct ike_ts_pld tsi = { 1, { ts_of("10.0.0.9", "10.0.0.1", 0, 0,
					     65535) } };
	struct ike_ts_pld tsr = { 1, { ts_of("::", "ffff::", 0, 0, 65535) } };
	struct ike_ts_pld ok = { 1, { ts_of("0.0.0.0", "255.255.255.255", 0,
					    0, 65535) } };
	struct ts_result r;

	(void)state;
	assert_int_equal(ts_narrow(&cfg, &rw, &tsi, &ok, NULL, &r), -1);
	assert_int_equal(ts_narrow(&cfg, &rw, &ok, &tsr, NULL, &r), -1);
	tsi.ts[0] = ts_of("10.0.0.1", "10.0.0.9", 0, 9, 8); /* ports */
	assert_int_equal(ts_narrow(&cfg, &rw, &tsi, &ok, NULL, &r), -1);
	tsi.n_ts = 0;
	assert_int_equal(ts_narrow(&cfg, &rw, &tsi, &ok, NULL, &r), -1);
}

static void test_accept_as_initiator(void **state)
{
	struct chan_ts asked, got;
	struct ip_prefix p;
	struct ike_ts_pld ans = { 1, { ts_of("10.2.0.0", "10.2.0.127", 0, 0,
					     65535) } };

	(void)state;
	prefix_parse("10.2.0.0/24", &p);
	ts_from_prefix(&p, 0, 0, &asked);
	assert_int_equal(ts_accept(&ans, &asked, &got), 0);
	expect_prefix(&got, "10.2.0.0/25");
	ans.ts[0] = ts_of("10.3.0.0", "10.3.0.255", 0, 0, 65535);
	assert_int_equal(ts_accept(&ans, &asked, &got), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_road_warrior_vip),
		cmocka_unit_test(test_vip_outside),
		cmocka_unit_test(test_ports_strict_and_override),
		cmocka_unit_test(test_site_to_site),
		cmocka_unit_test(test_malformed_and_families),
		cmocka_unit_test(test_accept_as_initiator),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
