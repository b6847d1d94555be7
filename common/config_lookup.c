/* SPDX-License-Identifier: BSD-3-Clause */
/* The spellings of the enums, and lookups by name for the daemons. */
#include "config_reader.h"

const char *const cfg_action_names[] = { "encrypt", "none", "discard", NULL };
const char *const cfg_level_names[] = { "require", "unique", NULL };
const char *const cfg_proposal_check_names[] = { "obey", "claim", "strict",
						 "exact", NULL };
const char *const cfg_generate_policy_names[] = { "no", "port-override",
						  "port-strict", NULL };
const char *const cfg_role_names[] = { "public", "private", NULL };
const char *const cfg_id_type_names[] = { "auto",      "ignore", "address",
					  "fqdn",      "user-fqdn", "key-id",
					  NULL };
const char *const cfg_direction_names[] = { "in", "out", NULL };
const char *const cfg_mode_names[] = { "tunnel", "transport", NULL };

const char *cfg_action_name(enum cfg_action a)
{
	return cfg_action_names[a];
}

const char *cfg_level_name(enum cfg_level l)
{
	return cfg_level_names[l];
}

const char *cfg_proposal_check_name(enum cfg_proposal_check c)
{
	return cfg_proposal_check_names[c];
}

const char *cfg_generate_policy_name(enum cfg_generate_policy g)
{
	return cfg_generate_policy_names[g];
}

const char *cfg_role_name(enum cfg_role r)
{
	return cfg_role_names[r];
}

const char *cfg_id_type_name(enum cfg_id_type t)
{
	return cfg_id_type_names[t];
}

static const void *find(struct cfg_names names, const char *name)
{
	int i = cfg_find(names, name);

	return i < 0 ? NULL : (const char *)names.base + i * names.stride;
}

#define FIND(arr, n, name) find(CFG_NAMES("", "", arr, n), name)

const struct cfg_pool *cfg_pool_by_name(const struct espgw_config *cfg,
					const char *name)
{
	return FIND(cfg->ipsec.pools, cfg->ipsec.n_pools, name);
}

const struct cfg_peer *cfg_peer_by_name(const struct espgw_config *cfg,
					const char *name)
{
	return FIND(cfg->ipsec.peers, cfg->ipsec.n_peers, name);
}

const struct cfg_port *cfg_port_by_name(const struct espgw_config *cfg,
					const char *name)
{
	return FIND(cfg->dataplane.ports, cfg->dataplane.n_ports, name);
}

const struct cfg_static_sa *
cfg_static_sa_by_name(const struct espgw_config *cfg, const char *name)
{
	return FIND(cfg->dataplane.static_sas, cfg->dataplane.n_static_sas,
		    name);
}

const struct cfg_identity *cfg_identity_next(const struct espgw_config *cfg,
					     int peer,
					     const struct cfg_identity *prev)
{
	const struct cfg_ipsec *ipsec = &cfg->ipsec;
	unsigned int i = prev ? (unsigned int)(prev - ipsec->identities) + 1
			      : 0;

	for (; i < ipsec->n_identities; i++) {
		if (ipsec->identities[i].peer == peer)
			return &ipsec->identities[i];
	}
	return NULL;
}
