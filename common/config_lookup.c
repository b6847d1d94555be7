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

/* The first address of port of family fam; NULL if none. */
static const struct ip_prefix *port_addr(const struct cfg_port *port,
					 uint8_t fam)
{
	for (unsigned int i = 0; i < port->n_addresses; i++)
		if (port->addresses[i].addr.family == fam)
			return &port->addresses[i];
	return NULL;
}

/* The port dst leaves from, by its subnets and then the routes; -1. */
static int egress_port(const struct cfg_dataplane *dp,
		       const struct ip_addr *dst)
{
	int best = -1, best_len = -1;

	for (unsigned int p = 0; p < dp->n_ports; p++)
		for (unsigned int i = 0; i < dp->ports[p].n_addresses; i++)
			if (prefix_contains(&dp->ports[p].addresses[i], dst))
				return (int)p;
	for (unsigned int r = 0; r < dp->n_routes; r++) {
		const struct cfg_route *rt = &dp->routes[r];

		if (prefix_contains(&rt->dst, dst) && rt->dst.len > best_len) {
			best = rt->port;
			best_len = rt->dst.len;
		}
	}
	return best;
}

bool cfg_source_for(const struct cfg_dataplane *dp, const struct ip_addr *dst,
		    struct ip_addr *src)
{
	const struct ip_prefix *a = NULL;
	int p = egress_port(dp, dst);

	if (p >= 0)
		a = port_addr(&dp->ports[p], dst->family);
	for (unsigned int i = 0; !a && i < dp->n_ports; i++)
		if (dp->ports[i].role == CFG_ROLE_PUBLIC)
			a = port_addr(&dp->ports[i], dst->family);
	if (!a)
		return false;
	*src = a->addr;
	return true;
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
