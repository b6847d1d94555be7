/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration model: the examples load into the model they describe,
 * each kind of mistake is reported with the file, the line, the object and
 * what was expected, all mistakes of a file are reported, and no secret or
 * key is ever printed.
 *
 * ESPGW_CONFIG_FIXTURES and ESPGW_EXAMPLES name the directories of the
 * broken fixtures and of the examples (see test/meson.build).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

static char path_buf[4096];

static const char *in_dir(const char *env, const char *name)
{
	const char *dir = getenv(env);

	if (!dir)
		fail_msg("%s is not set; run the test through meson", env);
	snprintf(path_buf, sizeof(path_buf), "%s/%s", dir, name);
	return path_buf;
}

#define FIXTURE(name) in_dir("ESPGW_CONFIG_FIXTURES", name)
#define EXAMPLE(name) in_dir("ESPGW_EXAMPLES", name)

static void assert_contains(const char *text, const char *needle)
{
	/* (The sanitizer build's compiler cannot tell text is never NULL.) */
	text = text ? text : "";
	if (!strstr(text, needle))
		fail_msg("expected \"%s\" in:\n%s", needle, text);
}

static void assert_lacks(const char *text, const char *needle)
{
	text = text ? text : "";
	if (strstr(text, needle))
		fail_msg("did not expect \"%s\" in:\n%s", needle, text);
}

static unsigned int count_lines(const char *text)
{
	unsigned int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* Load path; returns the model (or NULL) and the error text in *errors. */
static struct espgw_config *load(const char *path, char **errors)
{
	size_t len;
	FILE *f = open_memstream(errors, &len);
	struct espgw_config *cfg;

	assert_non_null(f);
	cfg = cfg_load(path, f);
	fclose(f);
	return cfg;
}

static struct espgw_config *load_ok(const char *path)
{
	char *errors;
	struct espgw_config *cfg = load(path, &errors);

	if (!cfg || errors[0])
		fail_msg("%s did not load:\n%s", path, errors);
	free(errors);
	return cfg;
}

/* Expect failure; returns the errors, which the caller frees. */
static char *load_fail(const char *path)
{
	char *errors;
	struct espgw_config *cfg = load(path, &errors);

	if (cfg)
		fail_msg("%s loaded, but should not have", path);
	assert_true(errors[0] != '\0');
	return errors;
}

/* Small inline configurations go through a temporary file. */
static char tmp_path[64];

static const char *write_tmp(const char *text)
{
	int fd;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/test_config_XXXXXX");
	fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return tmp_path;
}

static char *text_fail(const char *text)
{
	char *errors = load_fail(write_tmp(text));

	unlink(tmp_path);
	return errors;
}

static struct espgw_config *text_ok(const char *text)
{
	struct espgw_config *cfg = load_ok(write_tmp(text));

	unlink(tmp_path);
	return cfg;
}

/* ---- the examples ---- */

static void test_road_warrior_is_the_tutorial(void **state)
{
	struct espgw_config *cfg = load_ok(EXAMPLE("road-warrior.conf"));
	const struct cfg_ipsec *ipsec = &cfg->ipsec;
	const struct cfg_pool *pool = cfg_pool_by_name(cfg, "pool-vpn");
	const struct cfg_peer *peer = cfg_peer_by_name(cfg, "ikev2-peer");
	const struct cfg_identity *id;
	const struct cfg_profile *prof;
	const struct cfg_proposal *prop;
	char a[ADDR_STRLEN];

	(void)state;
	assert_non_null(pool);
	assert_int_equal(pool->n_ranges, 1);
	assert_string_equal(addr_format(&pool->ranges[0].first, a),
			    "172.16.1.100");
	assert_string_equal(addr_format(&pool->ranges[0].last, a),
			    "172.16.1.200");

	assert_int_equal(ipsec->n_mode_configs, 1);
	assert_ptr_equal(&ipsec->pools[ipsec->mode_configs[0].address_pool],
			 pool);
	assert_int_equal(ipsec->mode_configs[0].address_prefix_length, 32);

	prop = &ipsec->proposals[0];
	assert_string_equal(prop->name, "ikev2-proposal");
	assert_int_equal(prop->n_auth_algorithms, 2);
	assert_int_equal(prop->auth_algorithms[0], ALGO_HMAC_SHA256_128);
	assert_int_equal(prop->auth_algorithms[1], ALGO_HMAC_SHA1_96);
	assert_int_equal(prop->n_enc_algorithms, 1);
	assert_int_equal(prop->enc_algorithms[0], ALGO_AES_256_CBC);
	assert_int_equal(prop->pfs_group, ALGO_MODP2048);
	assert_int_equal(prop->lifetime, 30 * 60);

	assert_non_null(peer);
	assert_true(peer->passive);
	assert_true(peer->send_initial_contact);
	assert_int_equal(peer->address.addr.family, 0); /* anyone */
	prof = &ipsec->profiles[peer->profile];
	assert_string_equal(prof->name, "ipsec-ikev2-profile");
	assert_int_equal(prof->hash_algorithm, ALGO_HMAC_SHA256_128);
	assert_int_equal(prof->prf_algorithm, ALGO_INVALID); /* auto */
	assert_int_equal(prof->enc_algorithm[0], ALGO_AES_256_CBC);
	assert_int_equal(prof->dh_group[0], ALGO_MODP2048);
	assert_int_equal(prof->proposal_check, CFG_CHECK_OBEY);
	assert_int_equal(prof->lifetime, 86400);
	assert_true(prof->nat_traversal);
	assert_int_equal(prof->dpd_interval, 120);
	assert_int_equal(prof->dpd_maximum_failures, 5);

	id = cfg_identity_next(cfg, CFG_INDEX(ipsec->peers, peer), NULL);
	assert_non_null(id);
	assert_int_equal(id->generate_policy, CFG_GENPOL_PORT_STRICT);
	assert_int_equal(id->mode_config, 0);
	assert_string_equal(
		ipsec->policy_groups[id->policy_template_group].name,
		"ikev2-group");
	assert_null(cfg_identity_next(cfg, CFG_INDEX(ipsec->peers, peer),
				      id));
	assert_true(ipsec->policies[0].template);
	assert_int_equal(ipsec->policies[0].group, id->policy_template_group);

	assert_int_equal(cfg->dataplane.n_ports, 2);
	assert_int_equal(cfg_port_by_name(cfg, "wan")->role, CFG_ROLE_PUBLIC);
	assert_int_equal(cfg_port_by_name(cfg, "lan")->role,
			 CFG_ROLE_PRIVATE);
	assert_string_equal(cfg_port_by_name(cfg, "lan")->slow_path,
			    "espgw-lan");
	/* The route's port is found from its gateway when not named. */
	assert_int_equal(cfg->dataplane.routes[0].port, 0);
	assert_int_equal(cfg->control.n_dns_servers, 1);
	assert_int_equal(cfg->control.cookie_threshold, CFG_COOKIE_THRESHOLD);
	assert_int_equal(cfg->control.ike_fragment_size, 0);
	cfg_free(cfg);
}

static void test_site_to_site_pair_mirrors(void **state)
{
	struct espgw_config *a = load_ok(EXAMPLE("site-to-site.conf"));
	struct espgw_config *b = load_ok(EXAMPLE("site-to-site-b.conf"));
	const struct cfg_peer *pa = &a->ipsec.peers[0];
	const struct cfg_peer *pb = &b->ipsec.peers[0];

	(void)state;
	/* Each peer is the other's public address. */
	assert_true(addr_equal(&pa->address.addr,
			       &b->dataplane.ports[0].addresses[0].addr));
	assert_true(addr_equal(&pb->address.addr,
			       &a->dataplane.ports[0].addresses[0].addr));
	assert_false(pa->passive);
	assert_string_equal(a->ipsec.identities[0].secret,
			    b->ipsec.identities[0].secret);
	assert_string_equal(a->ipsec.identities[0].my_id.value,
			    b->ipsec.identities[0].remote_id.value);
	assert_int_equal(a->ipsec.identities[0].remote_id.type,
			 CFG_ID_FQDN);
	/* GCM alone: no integrity algorithm is implied. */
	assert_int_equal(a->ipsec.proposals[0].n_auth_algorithms, 0);
	assert_int_equal(a->ipsec.proposals[0].lifetime, 8 * 3600);
	assert_true(prefix_contains(&a->ipsec.policies[0].dst_address,
				    &b->dataplane.ports[1].addresses[0].addr));
	assert_string_not_equal(a->dataplane.channel, b->dataplane.channel);
	cfg_free(a);
	cfg_free(b);
}

/* Neighbours with a configured MAC: port by subnet, MAC in either
 * spelling. */
static void test_neighbours(void **state)
{
	static const uint8_t mac1[6] = { 0x02, 0, 0x5e, 0, 0x53, 0x01 };
	static const uint8_t mac2[6] = { 0x0a, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	struct espgw_config *cfg = text_ok(
		"dataplane = { ports = (\n"
		"{ name = \"lan\"; role = \"private\"; device = \"a\"; "
		"addresses = [ \"10.0.0.1/24\" ]; },\n"
		"{ name = \"wan\"; role = \"public\"; device = \"b\"; "
		"addresses = [ \"192.0.2.1/24\", \"2001:db8::1/64\" ]; } );\n"
		"neighbours = ( { address = \"192.0.2.254\"; mac_address = "
		"\"02:00:5e:00:53:01\"; },\n { address = \"2001:db8::fe\"; "
		"mac_address = \"0A-BB-CC-DD-EE-FF\"; port = \"wan\"; } ); };");
	const struct cfg_dataplane *dp = &cfg->dataplane;

	(void)state;
	assert_int_equal(dp->n_neighbours, 2);
	assert_int_equal(dp->neighbours[0].port, 1);
	assert_memory_equal(dp->neighbours[0].mac, mac1, 6);
	assert_int_equal(dp->neighbours[1].addr.family, ADDR_V6);
	assert_int_equal(dp->neighbours[1].port, 1);
	assert_memory_equal(dp->neighbours[1].mac, mac2, 6);
	cfg_free(cfg);
}

/* The source of IKE from an initiator without local_address. */
static void test_source_for(void **state)
{
	struct espgw_config *cfg = text_ok(
		"dataplane = { ports = (\n"
		"{ name = \"lan\"; role = \"private\"; device = \"a\"; "
		"addresses = [ \"10.0.0.1/24\" ]; },\n"
		"{ name = \"wan\"; role = \"public\"; device = \"b\"; "
		"addresses = [ \"192.0.2.1/24\", \"2001:db8::1/64\" ]; },\n"
		"{ name = \"dmz\"; role = \"public\"; device = \"c\"; "
		"addresses = [ \"198.51.100.1/24\" ]; } );\n"
		"routes = ( { dst_address = \"0.0.0.0/0\"; gateway = "
		"\"192.0.2.254\"; }, { dst_address = \"203.0.113.0/24\"; "
		"gateway = \"198.51.100.254\"; } ); };");
	static const struct { const char *dst, *src; } cases[] = {
		{ "10.0.0.9", "10.0.0.1" },	  /* on a subnet */
		{ "198.51.100.7", "198.51.100.1" },
		{ "203.0.113.5", "198.51.100.1" }, /* most specific route */
		{ "8.8.8.8", "192.0.2.1" },	  /* default route */
		{ "2001:db8:9::1", "2001:db8::1" }, /* v6: a public port's */
	};
	struct ip_addr dst, src, want;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(addr_parse(cases[i].dst, &dst));
		assert_true(addr_parse(cases[i].src, &want));
		assert_true(cfg_source_for(&cfg->dataplane, &dst, &src));
		assert_true(addr_equal(&src, &want));
	}
	cfg->dataplane.ports[1].n_addresses = 1; /* no v6 left */
	assert_true(addr_parse("2001:db8::9", &dst));
	assert_false(cfg_source_for(&cfg->dataplane, &dst, &src));
	cfg_free(cfg);
}

static void test_static_sas(void **state)
{
	struct espgw_config *cfg = load_ok(FIXTURE("valid-static.conf"));
	const struct cfg_dataplane *dp = &cfg->dataplane;
	const struct cfg_static_sa *out = cfg_static_sa_by_name(cfg, "dev-out");
	const struct cfg_static_sa *in = cfg_static_sa_by_name(cfg, "dev-in");
	static const uint8_t gcm_key_tail[] = { 0xc0, 0xff, 0xee, 0x11 };

	(void)state;
	assert_non_null(out);
	assert_non_null(in);
	assert_ptr_equal(&dp->static_sas[out->twin], in);
	assert_ptr_equal(&dp->static_sas[in->twin], out);
	assert_int_equal(out->spi, 0x7fff0001);
	assert_int_equal(out->direction, CFG_DIR_OUT);
	assert_int_equal(out->encap_sport, 4500);
	assert_int_equal(out->enc_key_len, 36); /* 32 of key, 4 of salt */
	assert_memory_equal(out->enc_key + 32, gcm_key_tail, 4);
	assert_int_equal(out->enc_key[0], 0x4b);
	assert_int_equal(out->auth_algorithm, ALGO_INVALID);
	assert_true(out->esn);
	assert_int_equal(out->lifetime_bytes, 1000000000000ull);
	assert_int_equal(out->lifetime_packets, 1000000);
	assert_int_equal(out->replay_window, 1024); /* the data-plane default */
	assert_int_equal(out->local_ts.len, 24);
	assert_int_equal(in->replay_window, 256);
	assert_int_equal(in->auth_algorithm, ALGO_HMAC_SHA256_128);
	assert_int_equal(in->auth_key_len, 32);
	assert_int_equal(in->enc_key_len, 16);
	assert_int_equal(in->local_ts.len, 0); /* tunnel: any */

	assert_int_equal(dp->n_static_policies, 2);
	assert_ptr_equal(&dp->static_sas[dp->static_policies[0].sa], out);
	assert_int_equal(dp->static_policies[0].protocol, 17);
	assert_int_equal(dp->static_policies[0].dst_port, 53);
	assert_int_equal(dp->static_policies[1].action, CFG_ACTION_DISCARD);
	assert_int_equal(dp->static_policies[1].sa, -1);
	assert_int_equal(dp->main_lcore, 1);
	assert_int_equal(dp->n_workers, 2);
	assert_int_equal(dp->ports[1].mtu, 9000);
	cfg_free(cfg);
}

/* ---- one mistake per file ---- */

struct broken {
	const char *file;
	unsigned int n_errors;
	const char *expect[4]; /* "LINE: OBJECT: ...", after "PATH:" */
};

static const struct broken broken[] = {
	{ "unknown-key.conf", 1,
	  { "7: ipsec.peers[0] \"ikev2-peer\": unknown key \"exchange-mode\"; "
	    "expected one of name, address, local_address, port, "
	    "exchange_mode," } },
	{ "wrong-type.conf", 1,
	  { "6: ipsec.peers[0] \"ikev2-peer\": passive: wrong type (a "
	    "string); expected true or false" } },
	{ "out-of-range.conf", 1,
	  { "7: ipsec.profiles[0] \"ipsec-ikev2-profile\": "
	    "dpd_maximum_failures: 0 is out of range; expected an integer "
	    "from 1 to 100" } },
	{ "missing-reference.conf", 1,
	  { "10: ipsec.peers[0] \"ikev2-peer\": profile: no profile named "
	    "\"ipsec-ikev2\"; expected one of \"ipsec-ikev2-profile\", "
	    "\"default\" (ipsec.profiles)" } },
	{ "overlapping-pools.conf", 1,
	  { "5: ipsec.pools[1] \"pool-guests\": ranges: "
	    "172.16.1.150-172.16.1.250 overlaps 172.16.1.100-172.16.1.200 of "
	    "pool \"pool-vpn\" (line 4); expected ranges that no other range "
	    "covers" } },
	{ "unsupported-algorithm.conf", 1,
	  { "7: ipsec.proposals[0] \"ikev2-proposal\": enc_algorithms: "
	    "unsupported encryption algorithm \"des\"; expected one of "
	    "aes-128-cbc, aes-256-cbc, aes-128-gcm, aes-256-gcm" } },
	{ "weak-secret.conf", 3,
	  { "8: ipsec.identities[0] (peer \"ikev2-peer\"): secret: weak "
	    "pre-shared key (shorter than 16 characters); expected at least "
	    "16 characters",
	    "13: ipsec.identities[1] (peer \"ikev2-peer\"): secret: weak "
	    "pre-shared key (a single kind of character",
	    "18: ipsec.identities[2] (peer \"ikev2-peer\"): secret: weak "
	    "pre-shared key (fewer than 8 different characters)" } },
	{ "duplicate-name.conf", 1,
	  { "5: ipsec.proposals[1] \"ikev2-proposal\": name: "
	    "\"ikev2-proposal\" is already used by ipsec.proposals[0] at line "
	    "4; expected a unique name" } },
	{ "syntax-error.conf", 1,
	  { "6: file: syntax error; expected libconfig syntax" } },
	{ "bad-duration.conf", 1,
	  { "6: ipsec.proposals[0] \"ikev2-proposal\": lifetime: bad "
	    "duration \"30 minutes\" (a number needs a unit unless it stands "
	    "alone); expected seconds or a RouterOS duration such as 30m, "
	    "8h, 1w2d or 1d 00:00:00" } },
	{ "bad-address.conf", 1,
	  { "6: ipsec.peers[0] \"gw-b\": address: bad prefix \"300.1.2.3\"; "
	    "expected an address" } },
	{ "bad-key-length.conf", 1,
	  { "11: dataplane.static_sas[0] \"to-device\": enc_key: 32 bytes; "
	    "expected 36 bytes (72 hex digits) for aes-256-gcm: 32 of key "
	    "and 4 of salt" } },
};

static void check_broken(const struct broken *b)
{
	char *errors;
	char needle[sizeof(path_buf) + 512];
	const char *path = FIXTURE(b->file);

	errors = load_fail(path);
	for (int i = 0; i < 4 && b->expect[i]; i++) {
		snprintf(needle, sizeof(needle), "%s:%s", path, b->expect[i]);
		assert_contains(errors, needle);
	}
	if (count_lines(errors) != b->n_errors)
		fail_msg("%s: expected %u errors, got:\n%s", b->file,
			 b->n_errors, errors);
	free(errors);
}

static void test_each_mistake_is_named(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++)
		check_broken(&broken[i]);
}

static void test_errors_never_quote_secrets(void **state)
{
	char *errors;

	(void)state;
	errors = load_fail(FIXTURE("weak-secret.conf"));
	assert_lacks(errors, "secret123");
	assert_lacks(errors, "correcthorse");
	assert_lacks(errors, "ab1-ab1");
	free(errors);

	errors = load_fail(FIXTURE("bad-key-length.conf"));
	assert_lacks(errors, "00112233");
	assert_lacks(errors, "ccddeeff");
	free(errors);

	/* A bad hex digit is pointed at by position, not quoted. */
	errors = text_fail("dataplane = { static_sas = ( { name = \"s\";\n"
			   "spi = 300; direction = \"in\";\n"
			   "local_address = \"192.0.2.1\";\n"
			   "remote_address = \"192.0.2.2\";\n"
			   "enc_algorithm = \"aes-128-gcm\";\n"
			   "enc_key = \"00112233445566778899aabbccddeeffSECRETzz\";"
			   "\n} ); };\n");
	assert_contains(errors, ":6: dataplane.static_sas[0] \"s\": enc_key: "
				"character 33 is not a hex digit");
	assert_lacks(errors, "SECRET");
	assert_lacks(errors, "00112233");
	free(errors);
}

static void test_all_errors_are_reported(void **state)
{
	const char *path = FIXTURE("many-errors.conf");
	char *errors = load_fail(path);
	static const char *const expect[] = {
		":4: ipsec.pools[0] \"pool-vpn\": ranges: bad range "
		"\"172.16.1.200-172.16.1.100\"; expected FIRST-LAST",
		":7: ipsec.mode_configs[0] \"vpn_ip-ikev2\": address_pool: no "
		"pool named \"pool-vnp\"; expected one of \"pool-vpn\"",
		":7: ipsec.mode_configs[0] \"vpn_ip-ikev2\": system_dns: true, "
		"but control.dns_servers is empty",
		":10: ipsec.proposals[0] \"ikev2-proposal\": pfs_group: "
		"unsupported dh-group algorithm \"modp768\"; expected one of "
		"none, modp1024,",
		":13: ipsec.profiles[0] \"ipsec-ikev2-profile\": "
		"proposal_check: unknown value \"obey-ish\"; expected one of "
		"obey, claim, strict, exact",
		":16: ipsec.peers[0] \"ikev2-peer\": port: 70000 is out of "
		"range; expected an integer from 1 to 65535",
		":19: ipsec.identities[0] (peer \"ikev2-peer\"): secret: "
		"missing; expected the pre-shared key",
		":19: ipsec.identities[0]: policy_template_group: \"default\" "
		"holds no template policy",
		":21: ipsec: unknown key \"colour\"; expected one of pools,",
		":24: dataplane: workers: item 1 is not a free lcore id",
		":25: dataplane: rx_ring: 1000 is not a power of two",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		assert_contains(errors, expect[i]);
	assert_int_equal(count_lines(errors), sizeof(expect) / sizeof(*expect));
	free(errors);
}

static void test_static_sa_mistakes(void **state)
{
	char *errors = load_fail(FIXTURE("static-errors.conf"));

	(void)state;
	assert_contains(errors, ":20: dataplane.static_sas[0] \"in-a\": "
				"auth_algorithm: set with the AEAD cipher "
				"aes-128-gcm; expected none");
	assert_contains(errors, ":33: dataplane.static_sas[1] \"in-b\": twin: "
				"no static SA named \"nowhere\"");
	assert_contains(errors, ":41: dataplane.static_policies[0]: sa: "
				"\"in-a\" is an inbound SA; expected an SA "
				"with direction out");
	assert_contains(errors, ":12: dataplane.static_sas[0] \"in-a\": twin: "
				"\"in-b\" has the same direction");
	assert_contains(errors, ":23: dataplane.static_sas[1] \"in-b\": "
				"local_address: 192.0.2.9 is not ours");
	assert_contains(errors, ":23: dataplane.static_sas[1] \"in-b\": spi: "
				"4096 is already the SPI of inbound \"in-a\"");
	assert_int_equal(count_lines(errors), 6);
	free(errors);
}

/* ---- inline cases ---- */

static void test_defaults_of_an_empty_file(void **state)
{
	struct espgw_config *cfg = text_ok("# nothing\n");
	const struct cfg_ipsec *ipsec = &cfg->ipsec;

	(void)state;
	/* As in RouterOS, "default" proposal, profile and group exist. */
	assert_int_equal(ipsec->n_proposals, 1);
	assert_true(ipsec->proposals[0].builtin);
	assert_string_equal(ipsec->proposals[0].name, "default");
	assert_int_equal(ipsec->proposals[0].lifetime, 1800);
	assert_int_equal(ipsec->profiles[0].lifetime, 86400);
	assert_int_equal(ipsec->profiles[0].dpd_interval, 8);
	assert_int_equal(ipsec->profiles[0].dpd_maximum_failures, 4);
	assert_string_equal(ipsec->policy_groups[0].name, "default");
	assert_int_equal(cfg->dataplane.burst, 32);
	assert_int_equal(cfg->dataplane.replay_window, 64);
	assert_int_equal(cfg->dataplane.idle_sleep_us, 0); /* busy-poll */
	assert_int_equal(cfg->dataplane.max_sas, 131072);
	assert_string_equal(cfg->dataplane.channel, "espgw");
	assert_int_equal(cfg->control.log_level, LOG_LVL_INFO);
	cfg_free(cfg);
}

static void test_idle_sleep(void **state)
{
	struct espgw_config *cfg =
		text_ok("dataplane = { idle_sleep_us = 50; max_sas = 300; };\n");

	(void)state;
	assert_int_equal(cfg->dataplane.idle_sleep_us, 50);
	assert_int_equal(cfg->dataplane.max_sas, 300);
	cfg_free(cfg);
}

static void test_values_in_every_form(void **state)
{
	struct espgw_config *cfg = text_ok(
		"ipsec = {\n"
		" proposals = ( { name = \"a\"; auth_algorithms = [\"sha512\","
		" \"sha384\"]; enc_algorithms = \"aes-128-gcm, aes-256-gcm\";"
		" pfs_group = \"none\"; lifetime = 3600; } );\n"
		" profiles = ( { name = \"default\"; dpd_interval ="
		" \"disable-dpd\"; lifetime = \"1w2d\"; prf_algorithm ="
		" \"sha384\"; } );\n"
		" policies = ( { template = true; protocol = 255;"
		" src_address = \"::/0\"; dst_address = \"::/0\"; } );\n"
		" peers = ( { name = \"p\"; address = \"2001:db8::2\"; } );\n"
		"};\n");
	const struct cfg_ipsec *ipsec = &cfg->ipsec;

	(void)state;
	assert_int_equal(ipsec->proposals[0].n_enc_algorithms, 2);
	assert_int_equal(ipsec->proposals[0].enc_algorithms[1],
			 ALGO_AES_256_GCM);
	assert_int_equal(ipsec->proposals[0].auth_algorithms[0],
			 ALGO_HMAC_SHA512_256);
	assert_int_equal(ipsec->proposals[0].pfs_group, ALGO_DH_NONE);
	assert_int_equal(ipsec->proposals[0].lifetime, 3600);
	/* A user "default" profile replaces the built-in one. */
	assert_int_equal(ipsec->profiles[0].dpd_interval, 0);
	assert_false(ipsec->profiles[0].builtin);
	assert_int_equal(ipsec->n_profiles, 1);
	assert_int_equal(ipsec->profiles[0].lifetime, 9 * 86400);
	assert_int_equal(ipsec->profiles[0].prf_algorithm,
			 ALGO_PRF_HMAC_SHA384);
	assert_int_equal(ipsec->policies[0].protocol, CFG_PROTO_ANY);
	assert_int_equal(ipsec->policies[0].src_address.addr.family, ADDR_V6);
	assert_int_equal(ipsec->peers[0].profile, 0);
	assert_int_equal(ipsec->peers[0].address.len, 128);
	cfg_free(cfg);
}

static void test_more_mistakes(void **state)
{
	static const struct {
		const char *text, *expect;
	} cases[] = {
		/* libconfig 1.5 wraps 4294967295 to -1 without an L. */
		{ "dataplane = { static_sas = ( { name = \"s\"; spi = "
		  "4294967295; } ); };",
		  "spi: -1 is out of range; expected an integer from 256 to "
		  "4294967295" },
		{ "ipsec = { proposals = ( { name = \"p\"; auth_algorithms = "
		  "[]; enc_algorithms = \"aes-128-cbc\"; } ); };",
		  "auth_algorithms: empty; expected at least one integrity" },
		{ "ipsec = { proposals = ( { name = \"p\"; auth_algorithms = "
		  "\"sha256,,sha1\"; } ); };",
		  "auth_algorithms: empty item in list" },
		{ "ipsec = { proposals = ( { name = \"p\"; auth_algorithms = "
		  "\"sha1,sha1\"; } ); };",
		  "\"sha1\" is listed twice" },
		{ "ipsec = { profiles = ( { name = \"p\"; dh_group = "
		  "\"none\"; } ); };",
		  "dh_group: unsupported dh-group algorithm \"none\"" },
		{ "ipsec = { peers = ( { name = \"p\"; exchange_mode = "
		  "\"main\"; passive = true; } ); };",
		  "exchange_mode: unknown value \"main\"; expected one of ike2" },
		{ "dataplane = { idle_sleep_us = 10001; };",
		  "idle_sleep_us: 10001 is out of range; expected an integer "
		  "from 0 to 10000" },
		{ "dataplane = { max_sas = 100; };",
		  "max_sas: 100 is out of range; expected an integer from 256 "
		  "to 4194304" },
		{ "ipsec = { peers = ( { name = \"p\"; } ); };",
		  "address: not a single address, but the peer is not passive" },
		{ "ipsec = { peers = ( { passive = true; } ); };",
		  "ipsec.peers[0]: name: missing; expected a unique name" },
		{ "ipsec = { peers = ( { name = \"a b\"; passive = true; } );"
		  " };", "name: character 2 is not allowed" },
		{ "ipsec = { pools = ( \"x\" ); };",
		  "ipsec.pools[0]: wrong type (a string); expected a group" },
		{ "ipsec = { pools = { name = \"x\"; }; };",
		  "ipsec.pools: wrong type (a group); expected a list of "
		  "groups" },
		{ "ipsec = 5;", "ipsec: wrong type (an integer); expected a "
				"group" },
		{ "ipsec = { policies = ( { peer = \"nobody\"; } ); };",
		  "peer: no peer named \"nobody\"; expected the name of one in "
		  "ipsec.peers, which has none" },
		{ "ipsec = { policies = ( { src_address = \"10.0.0.0/8\"; "
		  "dst_address = \"::/0\"; template = true; } ); };",
		  "dst_address: family differs from src_address" },
		{ "ipsec = { policies = ( { dst_address = \"10.0.0.1/8\"; "
		  "template = true; } ); };",
		  "dst_address: bad prefix \"10.0.0.1/8\"" },
		{ "ipsec = { policies = ( { action = \"encrypt\"; } ); };",
		  "peer: missing; expected the peer whose SAs encrypt" },
		{ "ipsec = { identities = ( { secret = \"x\"; } ); };",
		  "peer: missing; expected the name of the peer" },
		{ "ipsec = { peers = ( { name = \"p\"; passive = true; } );\n"
		  "identities = ( { peer = \"p\"; secret = "
		  "\"Abcdefgh12345678\"; my_id = \"ignore\"; } ); };",
		  ":2: ipsec.identities[0] (peer \"p\"): my_id: bad id "
		  "\"ignore\"" },
		{ "ipsec = { mode_configs = ( { name = \"m\"; address = "
		  "\"10.0.0.1\"; address_prefix_length = 33; system_dns = "
		  "false; } ); };",
		  "address_prefix_length: 33 is out of range; expected an "
		  "integer from 1 to 32" },
		{ "ipsec = { mode_configs = ( { name = \"m\"; "
		  "system_dns = false; } ); };",
		  "address_pool: missing; expected a pool name" },
		{ "dataplane = { ports = ( { name = \"p\"; role = \"public\"; "
		  "device = \"d\"; addresses = \"192.0.2.1\"; } ); };",
		  "addresses: bad address \"192.0.2.1\"; expected "
		  "ADDRESS/LENGTH" },
		{ "dataplane = { ports = ( { name = \"a-long-name\"; role = "
		  "\"public\"; device = \"d\"; addresses = \"192.0.2.1/24\"; }"
		  " ); };",
		  "slow_path: missing; expected a tap interface name" },
		{ "dataplane = { ports = ( { name = \"a\"; role = \"public\"; "
		  "device = \"d\"; addresses = \"192.0.2.1/24\"; }, { name = "
		  "\"b\"; role = \"private\"; device = \"d\"; addresses = "
		  "\"10.0.0.1/24\"; } ); };",
		  "dataplane.ports[1] \"b\": device: also the device of port "
		  "\"a\"" },
		{ "dataplane = { ports = ( { name = \"a\"; role = \"public\"; "
		  "device = \"d\"; addresses = \"192.0.2.1/24\"; } );\n"
		  "routes = ( { dst_address = \"0.0.0.0/0\"; gateway = "
		  "\"198.51.100.1\"; } ); };",
		  ":2: dataplane.routes[0]: gateway: 198.51.100.1 is on no "
		  "port's subnet" },
		{ "dataplane = { ports = ( { name = \"a\"; role = \"public\"; "
		  "device = \"d\"; addresses = \"192.0.2.1/24\"; } ); };\n"
		  "control = { ike_addresses = \"192.0.2.2\"; };",
		  ":2: control: ike_addresses: 192.0.2.2 is not ours" },
		{ "dataplane = { channel = \"/espgw\"; };",
		  "channel: character 1 is not allowed" },
		{ "dataplane = { workers = [ 1, 1 ]; };",
		  "workers: item 2 is not a free lcore id" },
		{ "dataplane = { burst = 1.5; };",
		  "burst: wrong type (a floating-point number); expected an "
		  "integer" },
		{ "dataplane = { static_sas = ( { name = \"s\"; spi = 300; "
		  "direction = \"in\"; local_address = \"192.0.2.1\"; "
		  "remote_address = \"192.0.2.2\"; enc_algorithm = "
		  "\"aes-128-cbc\"; enc_key = "
		  "\"000102030405060708090a0b0c0d0e0f\"; auth_algorithm = "
		  "\"sha1\"; auth_key = \"0011\"; encap_sport = 4500; } ); };",
		  "auth_key: 2 bytes; expected 20 bytes (40 hex digits) for "
		  "sha1" },
		{ "dataplane = { static_sas = ( { name = \"s\"; spi = 300; "
		  "direction = \"in\"; local_address = \"192.0.2.1\"; "
		  "remote_address = \"192.0.2.2\"; enc_algorithm = "
		  "\"aes-128-gcm\"; enc_key = "
		  "\"000102030405060708090a0b0c0d0e0f00112233\"; "
		  "encap_sport = 4500; } ); };",
		  "encap_dport: missing; expected both encap_sport and "
		  "encap_dport" },
		{ "dataplane = { static_sas = ( { name = \"s\"; spi = 255; "
		  "} ); };", "spi: 255 is out of range" },
		{ "dataplane = { ports = ( { name = \"a\"; role = \"public\"; "
		  "device = \"d\"; addresses = \"192.0.2.1/24\"; } );\n"
		  "neighbours = ( { address = \"198.51.100.1\"; mac_address "
		  "= \"02:00:00:00:00:01\"; } ); };",
		  ":2: dataplane.neighbours[0]: address: 198.51.100.1 is on no "
		  "port's subnet" },
		{ "dataplane = { ports = ( { name = \"a\"; role = \"public\"; "
		  "device = \"d\"; addresses = \"192.0.2.1/24\"; } );\n"
		  "neighbours = ( { address = \"192.0.2.9\"; mac_address = "
		  "\"01:00:5e:00:00:01\"; } ); };",
		  "mac_address: \"01:00:5e:00:00:01\" is not a unicast MAC" },
		{ "dataplane = { neighbours = ( { address = \"192.0.2.9\"; "
		  "mac_address = \"02:00:00:00:00:0g\"; } ); };",
		  "is not a unicast MAC" },
		{ "dataplane = { neighbours = ( { address = \"192.0.2.9\"; "
		  "} ); };", "mac_address: missing" },
		{ "control = { cookie_threshold = -1; };",
		  "cookie_threshold: -1 is out of range" },
		{ "control = { ike_fragment_size = 100; };",
		  "ike_fragment_size: 100 bytes is too small" },
		{ "control = { log_level = \"verbose\"; };",
		  "log_level: unknown value \"verbose\"; expected one of err, "
		  "warn, info, debug" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *errors = text_fail(cases[i].text);

		assert_contains(errors, cases[i].expect);
		free(errors);
	}
}

static void test_include_names_its_file(void **state)
{
	char *errors;
	char needle[sizeof(path_buf) + 128];

	(void)state;
	/* Loaded from elsewhere: @include is relative to the including file. */
	assert_int_equal(chdir("/"), 0);
	errors = load_fail(FIXTURE("include-main.conf"));
	snprintf(needle, sizeof(needle), "%s:3: ipsec.peers[0] \"p\": "
		 "passive: wrong type (a string); expected true or false",
		 FIXTURE("include-part.conf"));
	assert_contains(errors, needle);
	assert_int_equal(count_lines(errors), 1);
	free(errors);
}

static void test_unreadable_file(void **state)
{
	char *errors = load_fail("/nonexistent/espgw.conf");

	(void)state;
	assert_contains(errors, "/nonexistent/espgw.conf:0: file: cannot "
				"open (No such file or directory)");
	free(errors);
	/* No error stream: still refused, nothing printed. */
	assert_null(cfg_load(FIXTURE("many-errors.conf"), NULL));
	cfg_free(NULL);
}

/* ---- describe ---- */

static char *describe(const struct espgw_config *cfg, size_t *len)
{
	char *text;
	FILE *f = open_memstream(&text, len);

	assert_non_null(f);
	cfg_describe(cfg, f);
	fclose(f);
	return text;
}

static void assert_no_key(const char *text, size_t len, const uint8_t *key,
			  size_t key_len)
{
	char hex[2 * CFG_KEY_MAX + 1], upper[2 * CFG_KEY_MAX + 1];

	assert_true(key_len >= 8);
	for (size_t i = 0; i < key_len; i++) {
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
		snprintf(upper + 2 * i, 3, "%02X", key[i]);
	}
	/* No run of 8 key bytes, in hex or raw, anywhere in the text. */
	for (size_t i = 0; i + 8 <= key_len; i++) {
		char part[17];

		memcpy(part, hex + 2 * i, 16);
		part[16] = '\0';
		assert_lacks(text, part);
		memcpy(part, upper + 2 * i, 16);
		assert_lacks(text, part);
		assert_null(memmem(text, len, key + i, 8));
	}
}

static void test_describe_hides_secrets(void **state)
{
	static const char *const examples[] = { "road-warrior.conf",
						"site-to-site.conf",
						"site-to-site-b.conf" };
	struct espgw_config *cfg;
	size_t len;
	char *text;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		cfg = load_ok(EXAMPLE(examples[i]));
		text = describe(cfg, &len);
		assert_contains(text, cfg->ipsec.peers[0].name);
		assert_contains(text, "pre-shared-key (hidden)");
		assert_true(strlen(cfg->ipsec.identities[0].secret) >= 16);
		assert_lacks(text, cfg->ipsec.identities[0].secret);
		free(text);
		cfg_free(cfg);
	}

	cfg = load_ok(FIXTURE("valid-static.conf"));
	text = describe(cfg, &len);
	assert_contains(text, "dev-out: spi 0x7fff0001 out tunnel");
	assert_contains(text, "main lcore 1, workers 2,3");
	for (unsigned int i = 0; i < cfg->dataplane.n_static_sas; i++) {
		const struct cfg_static_sa *sa = &cfg->dataplane.static_sas[i];

		assert_no_key(text, len, sa->enc_key, sa->enc_key_len);
		if (sa->auth_key_len)
			assert_no_key(text, len, sa->auth_key,
				      sa->auth_key_len);
	}
	free(text);
	cfg_free(cfg);
}

static void test_describe_names_objects(void **state)
{
	struct espgw_config *cfg = load_ok(EXAMPLE("road-warrior.conf"));
	size_t len;
	char *text = describe(cfg, &len);

	(void)state;
	assert_contains(text, "pool-vpn 172.16.1.100-172.16.1.200");
	assert_contains(text, "ikev2-proposal: auth sha256,sha1, enc "
			      "aes-256-cbc, pfs modp2048, lifetime 00:30:00");
	assert_contains(text, "lifetime 1d 00:00:00, nat-t yes, dpd 120s x 5");
	assert_contains(text, "ports: 2");
	assert_contains(text, "wan: public");
	assert_contains(text, "workers 1\n");
	free(text);
	cfg_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_road_warrior_is_the_tutorial),
		cmocka_unit_test(test_site_to_site_pair_mirrors),
		cmocka_unit_test(test_static_sas),
		cmocka_unit_test(test_source_for),
		cmocka_unit_test(test_neighbours),
		cmocka_unit_test(test_each_mistake_is_named),
		cmocka_unit_test(test_errors_never_quote_secrets),
		cmocka_unit_test(test_all_errors_are_reported),
		cmocka_unit_test(test_static_sa_mistakes),
		cmocka_unit_test(test_defaults_of_an_empty_file),
		cmocka_unit_test(test_idle_sleep),
		cmocka_unit_test(test_values_in_every_form),
		cmocka_unit_test(test_more_mistakes),
		cmocka_unit_test(test_include_names_its_file),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_describe_hides_secrets),
		cmocka_unit_test(test_describe_names_objects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
