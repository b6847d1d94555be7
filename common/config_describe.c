/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A readable summary of a loaded configuration, for --check and the logs.
 * It names objects and algorithms but never prints a secret or a key.
 */
#include "config.h"

#include <inttypes.h>

#include "duration.h"

static void algos(FILE *out, const enum algo_id *ids, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? "," : "", algo_by_id(ids[i])->name);
}

static void protocol(FILE *out, uint8_t proto)
{
	if (proto == CFG_PROTO_ANY)
		fprintf(out, " all");
	else
		fprintf(out, " proto %u", proto);
}

static void describe_pools(const struct cfg_ipsec *ipsec, FILE *out)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	fprintf(out, "  pools: %u\n", ipsec->n_pools);
	for (unsigned int i = 0; i < ipsec->n_pools; i++) {
		const struct cfg_pool *p = &ipsec->pools[i];

		fprintf(out, "    %s", p->name);
		for (unsigned int r = 0; r < p->n_ranges; r++)
			fprintf(out, "%s%s-%s", r ? ", " : " ",
				addr_format(&p->ranges[r].first, a),
				addr_format(&p->ranges[r].last, b));
		fputc('\n', out);
	}
	fprintf(out, "  mode configs: %u\n", ipsec->n_mode_configs);
	for (unsigned int i = 0; i < ipsec->n_mode_configs; i++) {
		const struct cfg_mode_config *m = &ipsec->mode_configs[i];

		fprintf(out, "    %s: %s%s /%u, system dns %s, %u static dns, "
			"%u split-include\n", m->name,
			m->address_pool >= 0 ? "pool " : "address ",
			m->address_pool >= 0 ?
				ipsec->pools[m->address_pool].name :
				addr_format(&m->address, a),
			m->address_prefix_length,
			m->system_dns ? "yes" : "no", m->n_static_dns,
			m->n_split_include);
	}
}

static void describe_proposals(const struct cfg_ipsec *ipsec, FILE *out)
{
	char d[DURATION_STRLEN];

	fprintf(out, "  proposals: %u\n", ipsec->n_proposals);
	for (unsigned int i = 0; i < ipsec->n_proposals; i++) {
		const struct cfg_proposal *p = &ipsec->proposals[i];

		fprintf(out, "    %s%s: auth ", p->name,
			p->builtin ? " (built-in)" : "");
		algos(out, p->auth_algorithms, p->n_auth_algorithms);
		fprintf(out, "%s, enc ", p->n_auth_algorithms ? "" : "none");
		algos(out, p->enc_algorithms, p->n_enc_algorithms);
		fprintf(out, ", pfs %s, lifetime %s\n",
			algo_by_id(p->pfs_group)->name,
			duration_format(p->lifetime, d));
	}
	fprintf(out, "  policy groups: %u\n", ipsec->n_policy_groups);
	for (unsigned int i = 0; i < ipsec->n_policy_groups; i++)
		fprintf(out, "    %s%s\n", ipsec->policy_groups[i].name,
			ipsec->policy_groups[i].builtin ? " (built-in)" : "");
}

static void describe_profiles(const struct cfg_ipsec *ipsec, FILE *out)
{
	char d[DURATION_STRLEN];

	fprintf(out, "  profiles: %u\n", ipsec->n_profiles);
	for (unsigned int i = 0; i < ipsec->n_profiles; i++) {
		const struct cfg_profile *p = &ipsec->profiles[i];

		fprintf(out, "    %s%s: hash %s, prf %s, enc ", p->name,
			p->builtin ? " (built-in)" : "",
			algo_by_id(p->hash_algorithm)->name,
			p->prf_algorithm ? algo_by_id(p->prf_algorithm)->name
					 : "auto");
		algos(out, p->enc_algorithm, p->n_enc_algorithm);
		fprintf(out, ", dh ");
		algos(out, p->dh_group, p->n_dh_group);
		fprintf(out, ", proposal-check %s, lifetime %s, nat-t %s, "
			"dpd %us x %u\n",
			cfg_proposal_check_name(p->proposal_check),
			duration_format(p->lifetime, d),
			p->nat_traversal ? "yes" : "no", p->dpd_interval,
			p->dpd_maximum_failures);
	}
}

static void describe_policies(const struct cfg_ipsec *ipsec, FILE *out)
{
	char s[ADDR_STRLEN], d[ADDR_STRLEN];

	fprintf(out, "  policies: %u\n", ipsec->n_policies);
	for (unsigned int i = 0; i < ipsec->n_policies; i++) {
		const struct cfg_policy *p = &ipsec->policies[i];

		fprintf(out, "    %s%s -> %s", p->template ? "template " : "",
			prefix_format(&p->src_address, s),
			prefix_format(&p->dst_address, d));
		protocol(out, p->protocol);
		fprintf(out, ", %s, group %s, proposal %s%s%s\n",
			cfg_action_name(p->action),
			ipsec->policy_groups[p->group].name,
			ipsec->proposals[p->proposal].name,
			p->peer >= 0 ? ", peer " : "",
			p->peer >= 0 ? ipsec->peers[p->peer].name : "");
	}
}

static void describe_peers(const struct cfg_ipsec *ipsec, FILE *out)
{
	char a[ADDR_STRLEN];

	fprintf(out, "  peers: %u\n", ipsec->n_peers);
	for (unsigned int i = 0; i < ipsec->n_peers; i++) {
		const struct cfg_peer *p = &ipsec->peers[i];

		fprintf(out, "    %s: address %s, port %u, %s, profile %s\n",
			p->name,
			p->address.addr.family ? prefix_format(&p->address, a)
					       : "any",
			p->port, p->passive ? "passive" : "initiator",
			ipsec->profiles[p->profile].name);
	}
	fprintf(out, "  identities: %u\n", ipsec->n_identities);
	for (unsigned int i = 0; i < ipsec->n_identities; i++) {
		const struct cfg_identity *id = &ipsec->identities[i];

		fprintf(out, "    peer %s: pre-shared-key (hidden), remote-id "
			"%s%s%s, generate-policy %s, mode-config %s\n",
			ipsec->peers[id->peer].name,
			cfg_id_type_name(id->remote_id.type),
			id->remote_id.value[0] ? ":" : "", id->remote_id.value,
			cfg_generate_policy_name(id->generate_policy),
			id->mode_config >= 0 ?
				ipsec->mode_configs[id->mode_config].name :
				"none");
	}
}

static void describe_ports(const struct cfg_dataplane *dp, FILE *out)
{
	char a[ADDR_STRLEN];

	fprintf(out, "  ports: %u\n", dp->n_ports);
	for (unsigned int i = 0; i < dp->n_ports; i++) {
		const struct cfg_port *p = &dp->ports[i];

		fprintf(out, "    %s: %s, device %s, mtu %u, slow path %s,",
			p->name, cfg_role_name(p->role), p->device, p->mtu,
			p->slow_path);
		for (unsigned int j = 0; j < p->n_addresses; j++)
			fprintf(out, " %s", prefix_format(&p->addresses[j], a));
		fputc('\n', out);
	}
	fprintf(out, "  routes: %u\n", dp->n_routes);
	for (unsigned int i = 0; i < dp->n_routes; i++) {
		const struct cfg_route *r = &dp->routes[i];
		char v[ADDR_STRLEN];

		fprintf(out, "    %s via %s on %s\n", prefix_format(&r->dst, a),
			addr_format(&r->via, v), dp->ports[r->port].name);
	}
	for (unsigned int i = 0; i < dp->n_neighbours; i++) {
		const struct cfg_neighbour *nb = &dp->neighbours[i];
		const uint8_t *m = nb->mac;

		fprintf(out, "  neighbour %s is %02x:%02x:%02x:%02x:%02x:%02x "
			"on %s\n", addr_format(&nb->addr, a), m[0], m[1], m[2],
			m[3], m[4], m[5], dp->ports[nb->port].name);
	}
	fprintf(out, "  main lcore %u, workers", dp->main_lcore);
	for (unsigned int i = 0; i < dp->n_workers; i++)
		fprintf(out, "%s%u", i ? "," : " ", dp->workers[i]);
	fprintf(out, "\n  burst %u, rx ring %u, tx ring %u, replay window "
		"%u, channel %s\n", dp->burst, dp->rx_ring, dp->tx_ring,
		dp->replay_window, dp->channel);
	if (dp->idle_sleep_us)
		fprintf(out, "  idle workers nap %u us\n", dp->idle_sleep_us);
}

static void describe_static(const struct cfg_dataplane *dp, FILE *out)
{
	char l[ADDR_STRLEN], r[ADDR_STRLEN];

	fprintf(out, "  static SAs: %u\n", dp->n_static_sas);
	for (unsigned int i = 0; i < dp->n_static_sas; i++) {
		const struct cfg_static_sa *sa = &dp->static_sas[i];

		fprintf(out, "    %s: spi 0x%08x %s %s %s -> %s, %s%s%s "
			"(keys hidden), replay window %u%s%s%s\n", sa->name,
			sa->spi, sa->direction == CFG_DIR_IN ? "in" : "out",
			sa->mode == CFG_MODE_TUNNEL ? "tunnel" : "transport",
			addr_format(&sa->local_address, l),
			addr_format(&sa->remote_address, r),
			algo_by_id(sa->enc_algorithm)->name,
			sa->auth_algorithm ? "/" : "",
			sa->auth_algorithm ?
				algo_by_id(sa->auth_algorithm)->name : "",
			sa->replay_window, sa->esn ? ", esn" : "",
			sa->twin >= 0 ? ", twin " : "",
			sa->twin >= 0 ? dp->static_sas[sa->twin].name : "");
	}
	fprintf(out, "  static policies: %u\n", dp->n_static_policies);
	for (unsigned int i = 0; i < dp->n_static_policies; i++) {
		const struct cfg_static_policy *p = &dp->static_policies[i];

		fprintf(out, "    %s -> %s", prefix_format(&p->src_address, l),
			prefix_format(&p->dst_address, r));
		protocol(out, p->protocol);
		fprintf(out, ", %s%s%s\n", cfg_action_name(p->action),
			p->sa >= 0 ? " with " : "",
			p->sa >= 0 ? dp->static_sas[p->sa].name : "");
	}
}

static void describe_control(const struct cfg_control *ctl, FILE *out)
{
	static const char *const levels[] = { "err", "warn", "info",
					      "debug" };
	char a[ADDR_STRLEN];

	fprintf(out, "control:\n  ctl socket %s, log level %s\n  ike "
		"addresses:", ctl->ctl_socket, levels[ctl->log_level]);
	if (ctl->n_ike_addresses == 0)
		fprintf(out, " those of the public ports");
	for (unsigned int i = 0; i < ctl->n_ike_addresses; i++)
		fprintf(out, " %s", addr_format(&ctl->ike_addresses[i], a));
	fprintf(out, "\n  dns servers:");
	for (unsigned int i = 0; i < ctl->n_dns_servers; i++)
		fprintf(out, " %s", addr_format(&ctl->dns_servers[i], a));
	fprintf(out, "%s\n", ctl->n_dns_servers ? "" : " none");
	fprintf(out, "  cookie above %" PRIu32 " half-open IKE SAs, IKE "
		"fragments ", ctl->cookie_threshold);
	if (ctl->ike_fragment_size)
		fprintf(out, "above %" PRIu32 " bytes\n",
			ctl->ike_fragment_size);
	else
		fprintf(out, "by address family\n");
}

void cfg_describe(const struct espgw_config *cfg, FILE *out)
{
	fprintf(out, "configuration %s\nipsec:\n", cfg->path);
	describe_pools(&cfg->ipsec, out);
	describe_proposals(&cfg->ipsec, out);
	describe_profiles(&cfg->ipsec, out);
	describe_policies(&cfg->ipsec, out);
	describe_peers(&cfg->ipsec, out);
	fprintf(out, "dataplane:\n");
	describe_ports(&cfg->dataplane, out);
	describe_static(&cfg->dataplane, out);
	describe_control(&cfg->control, out);
}
