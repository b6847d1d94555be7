/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Static, manually keyed SAs and the policies that select them (RFC 4301
 * section 4.5), for devices without IKE, benchmarks and tests.  Keys are
 * never quoted in a message.
 */
#include "config_reader.h"

#include <string.h>

static void read_sa_addresses(struct cfg_obj *o, struct cfg_static_sa *sa)
{
	uint64_t v;

	if (!config_setting_get_member(o->set, "local_address"))
		obj_missing(o, "local_address", "the gateway's outer address");
	obj_addr(o, "local_address", &sa->local_address);
	if (!config_setting_get_member(o->set, "remote_address"))
		obj_missing(o, "remote_address", "the peer's outer address");
	if (obj_addr(o, "remote_address", &sa->remote_address) &&
	    sa->local_address.family &&
	    sa->local_address.family != sa->remote_address.family)
		obj_error(o, "remote_address", "family differs from "
			  "local_address; expected both IPv4 or both IPv6");

	/* RFC 3948: UDP encapsulation needs both ports. */
	if (obj_uint(o, "encap_sport", 1, 65535, &v))
		sa->encap_sport = (uint16_t)v;
	if (obj_uint(o, "encap_dport", 1, 65535, &v))
		sa->encap_dport = (uint16_t)v;
	if (!sa->encap_sport != !sa->encap_dport)
		obj_error(o, sa->encap_sport ? "encap_dport" : "encap_sport",
			  "missing; expected both encap_sport and "
			  "encap_dport for UDP encapsulation, or neither");
}

static void read_sa_key(struct cfg_obj *o, const char *key,
			const struct algo *a, uint8_t *out, uint8_t *len)
{
	size_t want = (size_t)a->key_len + a->salt_len;
	size_t got;

	if (!config_setting_get_member(o->set, key)) {
		obj_missing(o, key, "the key in hex digits");
		return;
	}
	if (!obj_hex(o, key, out, CFG_KEY_MAX, &got))
		return;
	if (got != want) {
		obj_error(o, key, "%zu bytes; expected %zu bytes (%zu hex "
			  "digits) for %s: %u of key and %u of salt", got,
			  want, want * 2, a->name, a->key_len, a->salt_len);
		return;
	}
	*len = (uint8_t)got;
}

static void read_sa_crypto(struct cfg_obj *o, struct cfg_static_sa *sa)
{
	const config_setting_t *auth =
		config_setting_get_member(o->set, "auth_algorithm");
	const struct algo *enc = NULL;
	bool none = auth && config_setting_type(auth) == CONFIG_TYPE_STRING &&
		    strcmp(config_setting_get_string(auth), "none") == 0;

	if (!config_setting_get_member(o->set, "enc_algorithm"))
		obj_missing(o, "enc_algorithm", "an ESP encryption algorithm");
	if (obj_algo(o, "enc_algorithm", ALGO_ENCR, ALGO_ESP,
		     &sa->enc_algorithm)) {
		enc = algo_by_id(sa->enc_algorithm);
		read_sa_key(o, "enc_key", enc, sa->enc_key, &sa->enc_key_len);
	}
	if (enc && (enc->flags & ALGO_AEAD)) {
		/* RFC 4106 section 8: GCM carries its own ICV. */
		if (auth && !none)
			obj_error(o, "auth_algorithm", "set with the AEAD "
				  "cipher %s; expected none or no "
				  "auth_algorithm", enc->name);
		if (config_setting_get_member(o->set, "auth_key"))
			obj_error(o, "auth_key", "set with the AEAD cipher "
				  "%s; expected no auth_key", enc->name);
		return;
	}
	if (!auth || none) {
		obj_missing(o, "auth_algorithm", "an ESP integrity algorithm "
			    "(only AEAD ciphers may go without)");
		return;
	}
	if (obj_algo(o, "auth_algorithm", ALGO_INTEG, ALGO_ESP,
		     &sa->auth_algorithm))
		read_sa_key(o, "auth_key", algo_by_id(sa->auth_algorithm),
			    sa->auth_key, &sa->auth_key_len);
}

static void read_sa_limits(struct cfg_obj *o, struct cfg_static_sa *sa)
{
	uint64_t v;

	sa->replay_window = o->rd->cfg->dataplane.replay_window;
	if (obj_power_of_two(o, "replay_window", 64, 4096, &v))
		sa->replay_window = (uint32_t)v;
	obj_bool(o, "esn", &sa->esn);
	obj_uint(o, "lifetime_bytes", 0, INT64_MAX, &sa->lifetime_bytes);
	obj_uint(o, "lifetime_packets", 0, INT64_MAX, &sa->lifetime_packets);
}

/* Tunnel mode protects any traffic by default, transport mode the two
 * hosts themselves (RFC 4301 section 4.1). */
static void read_sa_selectors(struct cfg_obj *o, struct cfg_static_sa *sa)
{
	sa->local_ts.addr = sa->local_address;
	sa->remote_ts.addr = sa->remote_address;
	sa->local_ts.len = (uint8_t)(addr_len(&sa->local_address) * 8);
	sa->remote_ts.len = (uint8_t)(addr_len(&sa->remote_address) * 8);
	if (sa->mode == CFG_MODE_TUNNEL) {
		memset(sa->local_ts.addr.bytes, 0, 16);
		memset(sa->remote_ts.addr.bytes, 0, 16);
		sa->local_ts.len = sa->remote_ts.len = 0;
	}
	obj_prefix(o, "local_ts", &sa->local_ts);
	obj_prefix(o, "remote_ts", &sa->remote_ts);
	obj_protocol(o, "protocol", &sa->protocol);
}

static void read_static_sa(struct cfg_obj *o, void *elem)
{
	static const char *const keys[] = {
		"name",           "spi",           "direction",
		"mode",           "local_address", "remote_address",
		"encap_sport",    "encap_dport",   "enc_algorithm",
		"enc_key",        "auth_algorithm", "auth_key",
		"replay_window",  "esn",           "lifetime_bytes",
		"lifetime_packets", "local_ts",    "remote_ts",
		"protocol",       "twin",          NULL
	};
	struct cfg_static_sa *sa = elem;
	uint64_t spi;
	int v;

	sa->line = obj_line(o);
	sa->twin = -1;
	obj_name(o, sa->name);
	obj_keys(o, keys);
	/* RFC 4303 section 2.1: SPIs 1-255 are reserved, 0 is not an SPI. */
	if (!config_setting_get_member(o->set, "spi"))
		obj_missing(o, "spi", "an integer from 256 to 4294967295");
	else if (obj_uint(o, "spi", 256, UINT32_MAX, &spi))
		sa->spi = (uint32_t)spi;
	if (!config_setting_get_member(o->set, "direction"))
		obj_missing(o, "direction", "in or out");
	if (obj_enum(o, "direction", cfg_direction_names, &v))
		sa->direction = (enum cfg_direction)v;
	if (obj_enum(o, "mode", cfg_mode_names, &v))
		sa->mode = (enum cfg_mode)v;
	read_sa_addresses(o, sa);
	read_sa_crypto(o, sa);
	read_sa_limits(o, sa);
	read_sa_selectors(o, sa);
}

/* Twins may name SAs further down, so they are resolved in a second
 * pass once every name is known. */
static void read_twins(struct cfg_reader *rd, const config_setting_t *list)
{
	struct cfg_dataplane *dp = &rd->cfg->dataplane;
	struct cfg_names names = CFG_NAMES("static SA", "dataplane.static_sas",
					   dp->static_sas, dp->n_static_sas);
	struct cfg_obj o;

	for (unsigned int i = 0; i < dp->n_static_sas; i++) {
		const config_setting_t *set = config_setting_get_elem(list, i);
		char name[CFG_NAME_MAX];

		if (!config_setting_is_group(set))
			continue;
		obj_start(&o, rd, set, "dataplane.static_sas", (int)i);
		snprintf(name, sizeof(name), "%s", dp->static_sas[i].name);
		if (name[0])
			snprintf(o.label + strlen(o.label),
				 sizeof(o.label) - strlen(o.label), " \"%s\"",
				 name);
		obj_ref(&o, "twin", names, &dp->static_sas[i].twin);
	}
}

void rd_static_sas(struct cfg_reader *rd, const config_setting_t *set)
{
	struct cfg_dataplane *dp = &rd->cfg->dataplane;

	dp->static_sas = rd_each(rd, set, "dataplane", "static_sas",
				 sizeof(*dp->static_sas), 0, &dp->n_static_sas,
				 read_static_sa);
	if (dp->static_sas)
		read_twins(rd, config_setting_get_member(set, "static_sas"));
}

static void read_static_policy(struct cfg_obj *o, void *elem)
{
	static const char *const keys[] = {
		"comment",  "src_address", "dst_address", "protocol",
		"src_port", "dst_port",    "action",      "sa", NULL
	};
	const struct cfg_dataplane *dp = &o->rd->cfg->dataplane;
	struct cfg_static_policy *p = elem;
	int v;

	p->line = obj_line(o);
	p->sa = -1;
	obj_keys(o, keys);
	if (!config_setting_get_member(o->set, "src_address"))
		obj_missing(o, "src_address", "the source prefix");
	obj_prefix(o, "src_address", &p->src_address);
	if (!config_setting_get_member(o->set, "dst_address"))
		obj_missing(o, "dst_address", "the destination prefix");
	obj_prefix(o, "dst_address", &p->dst_address);
	obj_protocol(o, "protocol", &p->protocol);
	obj_port(o, "src_port", &p->src_port);
	obj_port(o, "dst_port", &p->dst_port);
	if (obj_enum(o, "action", cfg_action_names, &v))
		p->action = (enum cfg_action)v;

	if (p->action != CFG_ACTION_ENCRYPT) {
		if (config_setting_get_member(o->set, "sa"))
			obj_error(o, "sa", "set on a policy that does not "
				  "encrypt; expected sa only with action "
				  "encrypt");
		return;
	}
	if (!config_setting_get_member(o->set, "sa"))
		obj_missing(o, "sa", "the outbound static SA to encrypt with");
	else if (obj_ref(o, "sa", CFG_NAMES("static SA", "dataplane.static_sas",
					    dp->static_sas, dp->n_static_sas),
			 &p->sa) &&
		 dp->static_sas[p->sa].direction != CFG_DIR_OUT)
		obj_error(o, "sa", "\"%s\" is an inbound SA; expected an SA "
			  "with direction out", dp->static_sas[p->sa].name);
}

void rd_static_policies(struct cfg_reader *rd, const config_setting_t *set)
{
	struct cfg_dataplane *dp = &rd->cfg->dataplane;

	dp->static_policies = rd_each(rd, set, "dataplane", "static_policies",
				      sizeof(*dp->static_policies), 0,
				      &dp->n_static_policies,
				      read_static_policy);
}
