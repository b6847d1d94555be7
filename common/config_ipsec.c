/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RouterOS objects without which no peer can be described: /ip pool,
 * /ip ipsec mode-config, proposal, policy group and profile.
 */
#include "config_reader.h"

#include <string.h>

#define LIFETIME_MIN 60u
#define LIFETIME_MAX (30u * 86400)

/* ---- pools ---- */

static void prefix_last(const struct ip_prefix *p, struct ip_addr *last)
{
	*last = p->addr;
	for (size_t bit = p->len; bit < addr_len(last) * 8; bit++)
		last->bytes[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
}

/* "first-last", "prefix/len" or one address. */
static bool parse_range(const char *s, struct cfg_range *r)
{
	const char *dash = strchr(s, '-');
	char first[ADDR_STRLEN];
	struct ip_prefix p;

	if (!dash) {
		if (!prefix_parse(s, &p))
			return false;
		r->first = p.addr;
		prefix_last(&p, &r->last);
		return true;
	}
	if ((size_t)(dash - s) >= sizeof(first))
		return false;
	memcpy(first, s, (size_t)(dash - s));
	first[dash - s] = '\0';
	return addr_parse(first, &r->first) && addr_parse(dash + 1, &r->last) &&
	       r->first.family == r->last.family &&
	       addr_cmp(&r->first, &r->last) <= 0;
}

static bool add_range(struct cfg_obj *o, const char *key, const char *item,
		      void *arg)
{
	struct cfg_pool *pool = arg;

	if (parse_range(item, &pool->ranges[pool->n_ranges])) {
		pool->n_ranges++;
		return true;
	}
	obj_error(o, key, "bad range \"%s\"; expected FIRST-LAST with FIRST "
		  "not above LAST (172.16.1.100-172.16.1.200), a prefix or "
		  "one address", item);
	return false;
}

static void read_pool(struct cfg_obj *o, void *elem)
{
	static const char *const keys[] = { "name", "ranges", NULL };
	struct cfg_pool *pool = elem;

	pool->line = obj_line(o);
	obj_name(o, pool->name);
	obj_keys(o, keys);
	if (!config_setting_get_member(o->set, "ranges"))
		obj_missing(o, "ranges", "address ranges such as "
			    "\"172.16.1.100-172.16.1.200\"");
	else
		obj_each(o, "ranges", CFG_MAX_LIST, add_range, pool);
}

/* ---- mode-configs ---- */

static void read_mode_config_pool(struct cfg_obj *o, struct cfg_mode_config *m)
{
	const struct cfg_ipsec *ipsec = &o->rd->cfg->ipsec;
	bool has_pool = config_setting_get_member(o->set, "address_pool");
	bool has_addr = config_setting_get_member(o->set, "address");
	uint8_t max = 32;
	uint64_t len;

	m->address_pool = -1;
	if (has_pool && has_addr)
		obj_error(o, "address", "given with address_pool; expected "
			  "one of address_pool and address");
	else if (!has_pool && !has_addr)
		obj_missing(o, "address_pool", "a pool name (or address)");
	if (obj_ref(o, "address_pool", CFG_NAMES("pool", "ipsec.pools",
						 ipsec->pools, ipsec->n_pools),
		    &m->address_pool) &&
	    ipsec->pools[m->address_pool].n_ranges &&
	    ipsec->pools[m->address_pool].ranges[0].first.family == ADDR_V6)
		max = 128;
	if (obj_addr(o, "address", &m->address) &&
	    m->address.family == ADDR_V6)
		max = 128;
	m->address_prefix_length = max;
	if (obj_uint(o, "address_prefix_length", 1, max, &len))
		m->address_prefix_length = (uint8_t)len;
}

static void read_mode_config(struct cfg_obj *o, void *elem)
{
	static const char *const keys[] = {
		"name",       "address_pool", "address",
		"address_prefix_length", "system_dns", "static_dns",
		"split_include", NULL
	};
	struct cfg_mode_config *m = elem;

	m->line = obj_line(o);
	m->system_dns = true;
	obj_name(o, m->name);
	obj_keys(o, keys);
	read_mode_config_pool(o, m);
	obj_bool(o, "system_dns", &m->system_dns);
	obj_addrs(o, "static_dns", m->static_dns, &m->n_static_dns);
	obj_prefixes(o, "split_include", m->split_include,
		     &m->n_split_include);
}

/* ---- proposals ---- */

static void proposal_defaults(struct cfg_proposal *p)
{
	p->auth_algorithms[0] = ALGO_HMAC_SHA256_128;
	p->n_auth_algorithms = 1;
	p->enc_algorithms[0] = ALGO_AES_256_CBC;
	p->enc_algorithms[1] = ALGO_AES_128_CBC;
	p->n_enc_algorithms = 2;
	p->pfs_group = ALGO_MODP2048;
	p->lifetime = 30 * 60;
}

static bool all_aead(const enum algo_id *ids, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (!(algo_by_id(ids[i])->flags & ALGO_AEAD))
			return false;
	}
	return true;
}

static void read_proposal(struct cfg_obj *o, void *elem)
{
	static const char *const keys[] = { "name", "auth_algorithms",
					    "enc_algorithms", "pfs_group",
					    "lifetime", NULL };
	struct cfg_proposal *p = elem;
	uint64_t secs;

	p->line = obj_line(o);
	proposal_defaults(p);
	obj_name(o, p->name);
	obj_keys(o, keys);
	obj_algos(o, "auth_algorithms", ALGO_INTEG, ALGO_ESP,
		  p->auth_algorithms, &p->n_auth_algorithms);
	if (obj_algos(o, "enc_algorithms", ALGO_ENCR, ALGO_ESP,
		      p->enc_algorithms, &p->n_enc_algorithms) &&
	    p->n_enc_algorithms == 0)
		obj_error(o, "enc_algorithms", "empty; expected at least one "
			  "encryption algorithm");
	/* AEAD ciphers carry their own ICV: no default integrity then. */
	if (!config_setting_get_member(o->set, "auth_algorithms") &&
	    all_aead(p->enc_algorithms, p->n_enc_algorithms))
		p->n_auth_algorithms = 0;
	if (p->n_auth_algorithms == 0 &&
	    !all_aead(p->enc_algorithms, p->n_enc_algorithms))
		obj_error(o, "auth_algorithms", "empty; expected at least one "
			  "integrity algorithm unless every enc_algorithms "
			  "entry is AEAD (aes-*-gcm)");
	obj_algo(o, "pfs_group", ALGO_DH, ALGO_ESP, &p->pfs_group);
	if (obj_duration(o, "lifetime", LIFETIME_MIN, LIFETIME_MAX, &secs))
		p->lifetime = (uint32_t)secs;
}

/* ---- policy groups ---- */

static void read_group(struct cfg_obj *o, void *elem)
{
	static const char *const keys[] = { "name", NULL };
	struct cfg_policy_group *g = elem;

	g->line = obj_line(o);
	obj_name(o, g->name);
	obj_keys(o, keys);
}

/* ---- profiles ---- */

static void profile_defaults(struct cfg_profile *p)
{
	p->hash_algorithm = ALGO_HMAC_SHA256_128;
	p->prf_algorithm = ALGO_INVALID;
	p->enc_algorithm[0] = ALGO_AES_256_CBC;
	p->n_enc_algorithm = 1;
	p->dh_group[0] = ALGO_MODP2048;
	p->n_dh_group = 1;
	p->proposal_check = CFG_CHECK_OBEY;
	p->lifetime = 86400;
	p->nat_traversal = true;
	p->dpd_interval = 8;
	p->dpd_maximum_failures = 4;
}

static void read_profile_algos(struct cfg_obj *o, struct cfg_profile *p)
{
	const config_setting_t *prf =
		config_setting_get_member(o->set, "prf_algorithm");

	obj_algo(o, "hash_algorithm", ALGO_INTEG, ALGO_IKE,
		 &p->hash_algorithm);
	/* "auto": the PRF of the same hash (RFC 7296 section 3.3.2). */
	if (prf && config_setting_type(prf) == CONFIG_TYPE_STRING &&
	    strcmp(config_setting_get_string(prf), "auto") == 0)
		p->prf_algorithm = ALGO_INVALID;
	else
		obj_algo(o, "prf_algorithm", ALGO_PRF, ALGO_IKE,
			 &p->prf_algorithm);
	if (obj_algos(o, "enc_algorithm", ALGO_ENCR, ALGO_IKE,
		      p->enc_algorithm, &p->n_enc_algorithm) &&
	    p->n_enc_algorithm == 0)
		obj_error(o, "enc_algorithm", "empty; expected at least one "
			  "encryption algorithm");
	if (obj_algos(o, "dh_group", ALGO_DH, ALGO_IKE, p->dh_group,
		      &p->n_dh_group) &&
	    p->n_dh_group == 0)
		obj_error(o, "dh_group", "empty; expected at least one "
			  "Diffie-Hellman group");
}

static void read_profile_dpd(struct cfg_obj *o, struct cfg_profile *p)
{
	const config_setting_t *dpd =
		config_setting_get_member(o->set, "dpd_interval");
	uint64_t v;

	if (dpd && config_setting_type(dpd) == CONFIG_TYPE_STRING &&
	    strcmp(config_setting_get_string(dpd), "disable-dpd") == 0)
		p->dpd_interval = 0;
	else if (obj_duration(o, "dpd_interval", 1, 86400, &v))
		p->dpd_interval = (uint32_t)v;
	if (obj_uint(o, "dpd_maximum_failures", 1, 100, &v))
		p->dpd_maximum_failures = (uint8_t)v;
}

static void read_profile(struct cfg_obj *o, void *elem)
{
	static const char *const keys[] = {
		"name",           "hash_algorithm", "prf_algorithm",
		"enc_algorithm",  "dh_group",       "proposal_check",
		"lifetime",       "nat_traversal",  "dpd_interval",
		"dpd_maximum_failures", NULL
	};
	struct cfg_profile *p = elem;
	uint64_t secs;
	int check;

	p->line = obj_line(o);
	profile_defaults(p);
	obj_name(o, p->name);
	obj_keys(o, keys);
	read_profile_algos(o, p);
	if (obj_enum(o, "proposal_check", cfg_proposal_check_names, &check))
		p->proposal_check = (enum cfg_proposal_check)check;
	if (obj_duration(o, "lifetime", LIFETIME_MIN, LIFETIME_MAX, &secs))
		p->lifetime = (uint32_t)secs;
	obj_bool(o, "nat_traversal", &p->nat_traversal);
	read_profile_dpd(o, p);
}

/* ---- the built-in "default" objects ---- */

static const char builtin_name[] = "default";

#define ADD_BUILTIN(arr, n, init)                                             \
	do {                                                                   \
		if (cfg_find(CFG_NAMES("", "", arr, n), builtin_name) < 0) {   \
			strcpy(arr[n].name, builtin_name);                     \
			arr[n].builtin = true;                                 \
			init;                                                  \
			n++;                                                   \
		}                                                              \
	} while (0)

static void add_builtins(struct cfg_ipsec *ipsec)
{
	ADD_BUILTIN(ipsec->proposals, ipsec->n_proposals,
		    proposal_defaults(&ipsec->proposals[ipsec->n_proposals]));
	ADD_BUILTIN(ipsec->profiles, ipsec->n_profiles,
		    profile_defaults(&ipsec->profiles[ipsec->n_profiles]));
	ADD_BUILTIN(ipsec->policy_groups, ipsec->n_policy_groups, (void)0);
}

void rd_ipsec(struct cfg_reader *rd, const config_setting_t *set)
{
	static const char *const keys[] = {
		"pools",    "mode_configs", "proposals", "policy_groups",
		"profiles", "policies",     "peers",     "identities", NULL
	};
	struct cfg_ipsec *ipsec = &rd->cfg->ipsec;
	struct cfg_obj o;

	if (set && obj_start(&o, rd, set, "ipsec", -1))
		obj_keys(&o, keys);

	ipsec->pools = rd_each(rd, set, "ipsec", "pools",
			       sizeof(*ipsec->pools), 0, &ipsec->n_pools,
			       read_pool);
	ipsec->mode_configs = rd_each(rd, set, "ipsec", "mode_configs",
				      sizeof(*ipsec->mode_configs), 0,
				      &ipsec->n_mode_configs,
				      read_mode_config);
	ipsec->proposals = rd_each(rd, set, "ipsec", "proposals",
				   sizeof(*ipsec->proposals), 1,
				   &ipsec->n_proposals, read_proposal);
	ipsec->policy_groups = rd_each(rd, set, "ipsec", "policy_groups",
				       sizeof(*ipsec->policy_groups), 1,
				       &ipsec->n_policy_groups, read_group);
	ipsec->profiles = rd_each(rd, set, "ipsec", "profiles",
				  sizeof(*ipsec->profiles), 1,
				  &ipsec->n_profiles, read_profile);
	if (ipsec->proposals && ipsec->policy_groups && ipsec->profiles)
		add_builtins(ipsec);
	rd_peers(rd, set);
	rd_policies(rd, set);
	rd_identities(rd, set);
}
