/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RouterOS objects that name a remote end: /ip ipsec peer, policy and
 * identity.  They refer to the objects read in config_ipsec.c.
 */
#include "config_reader.h"

#include <string.h>

static const char *const exchange_modes[] = { "ike2", NULL };
static const char *const auth_methods[] = { "pre-shared-key", NULL };
static const char *const ipsec_protocols[] = { "esp", NULL };
static const char *const match_bys[] = { "remote-id", NULL };

#define NAMES_OF(what, field)                                                 \
	CFG_NAMES(what, "ipsec." #field, ipsec->field, ipsec->n_##field)

/* The index of the built-in or user "default" object, which always exists
 * once config_ipsec.c has run (0 if memory ran out). */
static int default_of(struct cfg_names names)
{
	int i = cfg_find(names, "default");

	return i < 0 ? 0 : i;
}

/* ---- peers ---- */

static void read_peer(struct cfg_obj *o, void *elem)
{
	static const char *const keys[] = {
		"name",    "address", "local_address", "port",
		"exchange_mode", "passive", "profile",
		"send_initial_contact", NULL
	};
	const struct cfg_ipsec *ipsec = &o->rd->cfg->ipsec;
	struct cfg_peer *p = elem;
	bool addr_ok, ok;
	uint64_t port;
	int mode;

	p->line = obj_line(o);
	p->port = 500;
	p->send_initial_contact = true;
	p->profile = default_of(NAMES_OF("profile", profiles));
	obj_name(o, p->name);
	obj_keys(o, keys);
	addr_ok = obj_prefix(o, "address", &p->address);
	obj_addr(o, "local_address", &p->local_address);
	if (obj_uint(o, "port", 1, 65535, &port))
		p->port = (uint16_t)port;
	obj_enum(o, "exchange_mode", exchange_modes, &mode);
	ok = obj_bool(o, "passive", &p->passive) ||
	     !config_setting_get_member(o->set, "passive");
	obj_ref(o, "profile", NAMES_OF("profile", profiles), &p->profile);
	obj_bool(o, "send_initial_contact", &p->send_initial_contact);

	/* RFC 7296 section 2: the initiator must know whom to contact.  (Not
	 * said again when address or passive is already wrong.) */
	if (!p->passive && ok &&
	    (addr_ok || !config_setting_get_member(o->set, "address")) &&
	    (p->address.addr.family == 0 ||
	     p->address.len != addr_len(&p->address.addr) * 8))
		obj_error(o, "address", "not a single address, but the peer "
			  "is not passive; expected one address to initiate "
			  "to, or passive = true");
}

void rd_peers(struct cfg_reader *rd, const config_setting_t *set)
{
	struct cfg_ipsec *ipsec = &rd->cfg->ipsec;

	ipsec->peers = rd_each(rd, set, "ipsec", "peers", sizeof(*ipsec->peers),
			       0, &ipsec->n_peers, read_peer);
}

/* ---- policies ---- */

static void read_policy_selectors(struct cfg_obj *o, struct cfg_policy *p)
{
	prefix_parse("0.0.0.0/0", &p->src_address);
	prefix_parse("0.0.0.0/0", &p->dst_address);
	obj_prefix(o, "src_address", &p->src_address);
	obj_prefix(o, "dst_address", &p->dst_address);
	if (p->src_address.addr.family != p->dst_address.addr.family)
		obj_error(o, "dst_address", "family differs from "
			  "src_address; expected both IPv4 or both IPv6");
	obj_port(o, "src_port", &p->src_port);
	obj_port(o, "dst_port", &p->dst_port);
	obj_protocol(o, "protocol", &p->protocol);
}

static void read_policy_sa(struct cfg_obj *o, struct cfg_policy *p)
{
	const struct cfg_ipsec *ipsec = &o->rd->cfg->ipsec;
	bool has_peer = config_setting_get_member(o->set, "peer");

	p->peer = -1;
	obj_ref(o, "peer", NAMES_OF("peer", peers), &p->peer);
	obj_bool(o, "tunnel", &p->tunnel);
	obj_addr(o, "sa_src_address", &p->sa_src_address);
	obj_addr(o, "sa_dst_address", &p->sa_dst_address);

	if (p->template && (has_peer || p->tunnel))
		obj_error(o, has_peer ? "peer" : "tunnel", "set on a template; "
			  "expected peer and tunnel only on a policy with "
			  "template = false");
	else if (!p->template && p->action == CFG_ACTION_ENCRYPT && !has_peer)
		obj_missing(o, "peer", "the peer whose SAs encrypt this "
			    "traffic (or template = true)");
}

static void read_policy(struct cfg_obj *o, void *elem)
{
	static const char *const keys[] = {
		"comment",  "src_address", "dst_address", "src_port",
		"dst_port", "protocol",    "template",    "group",
		"proposal", "action",      "level",       "ipsec_protocols",
		"tunnel",   "peer",        "sa_src_address", "sa_dst_address",
		NULL
	};
	const struct cfg_ipsec *ipsec = &o->rd->cfg->ipsec;
	struct cfg_policy *p = elem;
	int v;

	p->line = obj_line(o);
	p->group = default_of(NAMES_OF("policy group", policy_groups));
	p->proposal = default_of(NAMES_OF("proposal", proposals));
	obj_keys(o, keys);
	read_policy_selectors(o, p);
	obj_bool(o, "template", &p->template);
	obj_ref(o, "group", NAMES_OF("policy group", policy_groups),
		&p->group);
	obj_ref(o, "proposal", NAMES_OF("proposal", proposals), &p->proposal);
	if (obj_enum(o, "action", cfg_action_names, &v))
		p->action = (enum cfg_action)v;
	if (obj_enum(o, "level", cfg_level_names, &v))
		p->level = (enum cfg_level)v;
	obj_enum(o, "ipsec_protocols", ipsec_protocols, &v);
	read_policy_sa(o, p);
}

void rd_policies(struct cfg_reader *rd, const config_setting_t *set)
{
	struct cfg_ipsec *ipsec = &rd->cfg->ipsec;

	ipsec->policies = rd_each(rd, set, "ipsec", "policies",
				  sizeof(*ipsec->policies), 0,
				  &ipsec->n_policies, read_policy);
}

/* ---- identities ---- */

/* "auto", "ignore", or TYPE:VALUE as RouterOS writes my-id and remote-id. */
static bool parse_id(const char *s, bool remote, struct cfg_id *id)
{
	const char *colon = strchr(s, ':');
	size_t tlen = colon ? (size_t)(colon - s) : strlen(s);

	memset(id, 0, sizeof(*id));
	for (int t = 0; cfg_id_type_names[t]; t++) {
		if (strlen(cfg_id_type_names[t]) != tlen ||
		    strncmp(cfg_id_type_names[t], s, tlen) != 0)
			continue;
		id->type = (enum cfg_id_type)t;
		if (t == CFG_ID_AUTO || t == CFG_ID_IGNORE)
			return !colon && (remote || t == CFG_ID_AUTO);
		if (!colon || colon[1] == '\0' ||
		    strlen(colon + 1) >= sizeof(id->value))
			return false;
		strcpy(id->value, colon + 1);
		return t != CFG_ID_ADDRESS || addr_parse(id->value,
							 &id->address);
	}
	return false;
}

static void read_id(struct cfg_obj *o, const char *key, struct cfg_id *id)
{
	char text[CFG_ID_MAX + 16];
	bool remote = strcmp(key, "remote_id") == 0;

	if (!obj_string(o, key, text, sizeof(text)))
		return;
	if (!parse_id(text, remote, id))
		obj_error(o, key, "bad id \"%s\"; expected auto%s, "
			  "address:ADDRESS, fqdn:NAME, user-fqdn:USER@NAME "
			  "or key-id:TEXT", text, remote ? ", ignore" : "");
}

static void read_identity_secret(struct cfg_obj *o, struct cfg_identity *id)
{
	const char *why;

	if (!config_setting_get_member(o->set, "secret")) {
		obj_missing(o, "secret", "the pre-shared key, at least 16 "
			    "characters of mixed kinds");
		return;
	}
	if (!obj_strdup(o, "secret", &id->secret))
		return;
	why = cfg_psk_weakness(id->secret);
	if (why)
		obj_error(o, "secret", "weak pre-shared key (%s); expected at "
			  "least 16 characters mixing letters, digits and "
			  "symbols, such as the output of "
			  "'openssl rand -base64 24'", why);
}

static void read_identity_peer(struct cfg_obj *o, struct cfg_identity *id)
{
	const struct cfg_ipsec *ipsec = &o->rd->cfg->ipsec;
	size_t n;

	id->peer = -1;
	if (!config_setting_get_member(o->set, "peer")) {
		obj_missing(o, "peer", "the name of the peer this identity "
			    "authenticates");
		return;
	}
	if (!obj_ref(o, "peer", NAMES_OF("peer", peers), &id->peer))
		return;
	n = strlen(o->label);
	snprintf(o->label + n, sizeof(o->label) - n, " (peer \"%s\")",
		 ipsec->peers[id->peer].name);
}

static void read_identity(struct cfg_obj *o, void *elem)
{
	static const char *const keys[] = {
		"comment",   "peer",   "auth_method", "secret",
		"generate_policy", "mode_config", "policy_template_group",
		"my_id",     "remote_id", "match_by", NULL
	};
	const struct cfg_ipsec *ipsec = &o->rd->cfg->ipsec;
	struct cfg_identity *id = elem;
	int v;

	id->line = obj_line(o);
	id->mode_config = -1;
	id->policy_template_group =
		default_of(NAMES_OF("policy group", policy_groups));
	read_identity_peer(o, id);
	obj_keys(o, keys);
	obj_enum(o, "auth_method", auth_methods, &v);
	read_identity_secret(o, id);
	if (obj_enum(o, "generate_policy", cfg_generate_policy_names, &v))
		id->generate_policy = (enum cfg_generate_policy)v;
	obj_ref(o, "mode_config", NAMES_OF("mode config", mode_configs),
		&id->mode_config);
	obj_ref(o, "policy_template_group",
		NAMES_OF("policy group", policy_groups),
		&id->policy_template_group);
	read_id(o, "my_id", &id->my_id);
	read_id(o, "remote_id", &id->remote_id);
	obj_enum(o, "match_by", match_bys, &v);
}

void rd_identities(struct cfg_reader *rd, const config_setting_t *set)
{
	struct cfg_ipsec *ipsec = &rd->cfg->ipsec;

	ipsec->identities = rd_each(rd, set, "ipsec", "identities",
				    sizeof(*ipsec->identities), 0,
				    &ipsec->n_identities, read_identity);
}
