/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checks across objects, once everything is read: unique names, pools that
 * do not overlap, identities that can be told apart, static SAs whose twins
 * agree, and pre-shared keys that are not weak.
 *
 * Indices are checked before use: after an error elsewhere, a reference
 * may have been left unresolved.
 *
 * XXX These errors name the main file even for an object that came from
 * an @include'd one: the model keeps lines, not files.
 */
#include "config_reader.h"

#include <stddef.h>
#include <string.h>

/* ---- unique names ---- */

static unsigned int line_of(struct cfg_names names, size_t line_off,
			    unsigned int i)
{
	unsigned int line;

	memcpy(&line, (const char *)names.base + i * names.stride + line_off,
	       sizeof(line));
	return line;
}

static void check_unique(struct cfg_reader *rd, struct cfg_names names,
			 size_t line_off)
{
	for (unsigned int i = 1; i < names.n; i++) {
		const char *name = (const char *)names.base + i * names.stride;
		char object[CFG_NAME_MAX + 64];
		int first;

		names.n = i; /* only the ones before */
		first = cfg_find(names, name);
		if (name[0] == '\0' || first < 0)
			continue;
		snprintf(object, sizeof(object), "%s[%u] \"%s\": name",
			 names.path, i, name);
		rd_error_line(rd, line_of(names, line_off, i), object,
			      "\"%s\" is already used by %s[%d] at line %u; "
			      "expected a unique name", name, names.path,
			      first, line_of(names, line_off, (unsigned)first));
	}
}

#define UNIQUE(rd, type, path, arr, n)                                        \
	check_unique(rd, CFG_NAMES("", path, arr, n), offsetof(type, line))

static void check_names(struct cfg_reader *rd)
{
	const struct cfg_ipsec *i = &rd->cfg->ipsec;
	const struct cfg_dataplane *d = &rd->cfg->dataplane;

	UNIQUE(rd, struct cfg_pool, "ipsec.pools", i->pools, i->n_pools);
	UNIQUE(rd, struct cfg_mode_config, "ipsec.mode_configs",
	       i->mode_configs, i->n_mode_configs);
	UNIQUE(rd, struct cfg_proposal, "ipsec.proposals", i->proposals,
	       i->n_proposals);
	UNIQUE(rd, struct cfg_policy_group, "ipsec.policy_groups",
	       i->policy_groups, i->n_policy_groups);
	UNIQUE(rd, struct cfg_profile, "ipsec.profiles", i->profiles,
	       i->n_profiles);
	UNIQUE(rd, struct cfg_peer, "ipsec.peers", i->peers, i->n_peers);
	UNIQUE(rd, struct cfg_port, "dataplane.ports", d->ports, d->n_ports);
	UNIQUE(rd, struct cfg_static_sa, "dataplane.static_sas",
	       d->static_sas, d->n_static_sas);
}

/* ---- pools ---- */

static bool overlap(const struct cfg_range *a, const struct cfg_range *b)
{
	return a->first.family == b->first.family &&
	       addr_cmp(&a->first, &b->last) <= 0 &&
	       addr_cmp(&b->first, &a->last) <= 0;
}

static void report_overlap(struct cfg_reader *rd, unsigned int pi,
			   unsigned int ri, unsigned int pj, unsigned int rj)
{
	const struct cfg_pool *p = &rd->cfg->ipsec.pools[pi];
	const struct cfg_pool *q = &rd->cfg->ipsec.pools[pj];
	char a[ADDR_STRLEN], b[ADDR_STRLEN], c[ADDR_STRLEN], d[ADDR_STRLEN];
	char object[CFG_NAME_MAX + 64];

	snprintf(object, sizeof(object), "ipsec.pools[%u] \"%s\": ranges", pi,
		 p->name);
	rd_error_line(rd, p->line, object, "%s-%s overlaps %s-%s of pool "
		      "\"%s\" (line %u); expected ranges that no other range "
		      "covers", addr_format(&p->ranges[ri].first, a),
		      addr_format(&p->ranges[ri].last, b),
		      addr_format(&q->ranges[rj].first, c),
		      addr_format(&q->ranges[rj].last, d), q->name, q->line);
}

/* Quadratic, but pools have few ranges; one report per range. */
static void check_pools(struct cfg_reader *rd)
{
	const struct cfg_ipsec *ipsec = &rd->cfg->ipsec;

	for (unsigned int pi = 0; pi < ipsec->n_pools; pi++) {
		const struct cfg_pool *p = &ipsec->pools[pi];

		for (unsigned int ri = 0; ri < p->n_ranges; ri++) {
			bool found = false;

			for (unsigned int pj = 0; pj <= pi && !found; pj++) {
				const struct cfg_pool *q = &ipsec->pools[pj];
				unsigned int end = pj == pi ? ri : q->n_ranges;

				for (unsigned int rj = 0; rj < end && !found;
				     rj++) {
					found = overlap(&p->ranges[ri],
							&q->ranges[rj]);
					if (found)
						report_overlap(rd, pi, ri, pj,
							       rj);
				}
			}
		}
	}
}

/* ---- mode-configs and identities ---- */

static void check_mode_configs(struct cfg_reader *rd)
{
	const struct cfg_ipsec *ipsec = &rd->cfg->ipsec;
	char object[CFG_NAME_MAX + 64];

	if (rd->cfg->control.n_dns_servers)
		return;
	for (unsigned int i = 0; i < ipsec->n_mode_configs; i++) {
		const struct cfg_mode_config *m = &ipsec->mode_configs[i];

		if (!m->system_dns)
			continue;
		snprintf(object, sizeof(object), "ipsec.mode_configs[%u] "
			 "\"%s\": system_dns", i, m->name);
		rd_error_line(rd, m->line, object, "true, but "
			      "control.dns_servers is empty; expected "
			      "control.dns_servers, or system_dns = false "
			      "(with static_dns to hand out others)");
	}
}

static bool group_has_template(const struct cfg_ipsec *ipsec, int group)
{
	for (unsigned int i = 0; i < ipsec->n_policies; i++) {
		if (ipsec->policies[i].template &&
		    ipsec->policies[i].group == group)
			return true;
	}
	return false;
}

static bool same_id(const struct cfg_id *a, const struct cfg_id *b)
{
	return a->type == b->type && strcmp(a->value, b->value) == 0;
}

static void check_identity(struct cfg_reader *rd, unsigned int i)
{
	const struct cfg_ipsec *ipsec = &rd->cfg->ipsec;
	const struct cfg_identity *id = &ipsec->identities[i];
	char object[64];
	int g = id->policy_template_group;

	snprintf(object, sizeof(object), "ipsec.identities[%u]", i);
	if (id->generate_policy != CFG_GENPOL_NO && g >= 0 &&
	    (unsigned int)g < ipsec->n_policy_groups &&
	    !group_has_template(ipsec, g))
		rd_error_line(rd, id->line, object, "policy_template_group: "
			      "\"%s\" holds no template policy, so "
			      "generate_policy cannot work; expected a policy "
			      "with template = true and group = \"%s\"",
			      ipsec->policy_groups[g].name,
			      ipsec->policy_groups[g].name);
	for (unsigned int j = 0; j < i; j++) {
		const struct cfg_identity *o = &ipsec->identities[j];

		if (o->peer != id->peer || id->peer < 0 ||
		    !same_id(&o->remote_id, &id->remote_id))
			continue;
		rd_error_line(rd, id->line, object, "remote_id: the same as "
			      "ipsec.identities[%u] (line %u) for this peer; "
			      "expected a remote_id that tells them apart",
			      j, o->line);
		break;
	}
}

/* ---- data plane ---- */

bool cfg_is_our_address(const struct cfg_dataplane *dp,
			const struct ip_addr *a)
{
	for (unsigned int i = 0; i < dp->n_ports; i++) {
		for (unsigned int j = 0; j < dp->ports[i].n_addresses; j++) {
			if (addr_equal(&dp->ports[i].addresses[j].addr, a))
				return true;
		}
	}
	return false;
}

static void check_twin(struct cfg_reader *rd, unsigned int i,
		       const char *object)
{
	const struct cfg_dataplane *dp = &rd->cfg->dataplane;
	const struct cfg_static_sa *sa = &dp->static_sas[i];
	const struct cfg_static_sa *t;

	if (sa->twin < 0 || (unsigned int)sa->twin >= dp->n_static_sas)
		return;
	t = &dp->static_sas[sa->twin];
	if (t == sa || t->direction == sa->direction)
		rd_error_line(rd, sa->line, object, "twin: \"%s\" has the "
			      "same direction; expected the SA of the other "
			      "direction", t->name);
	else if (t->twin >= 0 && t->twin != (int)i)
		rd_error_line(rd, sa->line, object, "twin: \"%s\" names "
			      "another twin; expected the two SAs to name "
			      "each other", t->name);
	else if (!addr_equal(&t->local_address, &sa->local_address) ||
		 !addr_equal(&t->remote_address, &sa->remote_address))
		rd_error_line(rd, sa->line, object, "twin: \"%s\" has other "
			      "outer addresses; expected the same "
			      "local_address and remote_address", t->name);
}

static void check_static_sa(struct cfg_reader *rd, unsigned int i)
{
	const struct cfg_dataplane *dp = &rd->cfg->dataplane;
	const struct cfg_static_sa *sa = &dp->static_sas[i];
	char object[CFG_NAME_MAX + 64], text[ADDR_STRLEN];

	snprintf(object, sizeof(object), "dataplane.static_sas[%u] \"%s\"", i,
		 sa->name);
	check_twin(rd, i, object);
	if (dp->n_ports && sa->local_address.family &&
	    !cfg_is_our_address(dp, &sa->local_address))
		rd_error_line(rd, sa->line, object, "local_address: %s is "
			      "not ours; expected an address of "
			      "dataplane.ports", addr_format(&sa->local_address,
							     text));
	/* RFC 4301 section 4.1: an inbound SA is found by its SPI alone. */
	for (unsigned int j = 0; j < i && sa->direction == CFG_DIR_IN; j++) {
		const struct cfg_static_sa *o = &dp->static_sas[j];

		if (o->direction != CFG_DIR_IN || o->spi != sa->spi)
			continue;
		rd_error_line(rd, sa->line, object, "spi: %u is already the "
			      "SPI of inbound \"%s\" (line %u); expected a "
			      "unique inbound SPI", sa->spi, o->name, o->line);
		break;
	}
}

static void check_ports(struct cfg_reader *rd)
{
	const struct cfg_dataplane *dp = &rd->cfg->dataplane;
	char object[CFG_NAME_MAX + 64];

	for (unsigned int i = 0; i < dp->n_ports; i++) {
		const struct cfg_port *p = &dp->ports[i];

		snprintf(object, sizeof(object), "dataplane.ports[%u] \"%s\"",
			 i, p->name);
		for (unsigned int j = 0; j < i; j++) {
			const struct cfg_port *o = &dp->ports[j];

			if (p->device[0] && strcmp(o->device, p->device) == 0)
				rd_error_line(rd, p->line, object, "device: "
					      "also the device of port \"%s\"; "
					      "expected one port per device",
					      o->name);
			if (p->slow_path[0] &&
			    strcmp(o->slow_path, p->slow_path) == 0)
				rd_error_line(rd, p->line, object, "slow_path: "
					      "also the slow path of port "
					      "\"%s\"; expected its own tap "
					      "name", o->name);
		}
	}
}

/* ---- secrets ---- */

const char *cfg_psk_weakness(const char *secret)
{
	bool seen[256] = { false };
	unsigned int lower = 0, upper = 0, digit = 0, other = 0, distinct = 0;
	size_t len = strlen(secret);

	if (len < 16)
		return "shorter than 16 characters";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)secret[i];

		distinct += !seen[c];
		seen[c] = true;
		lower |= c >= 'a' && c <= 'z';
		upper |= c >= 'A' && c <= 'Z';
		digit |= c >= '0' && c <= '9';
		other |= !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
			 !(c >= '0' && c <= '9');
	}
	if (lower + upper + digit + other < 2)
		return "a single kind of character: only lowercase, only "
		       "uppercase, only digits or only symbols";
	if (distinct < 8)
		return "fewer than 8 different characters";
	return NULL;
}

void cfg_check(struct cfg_reader *rd)
{
	check_names(rd);
	check_pools(rd);
	check_mode_configs(rd);
	for (unsigned int i = 0; i < rd->cfg->ipsec.n_identities; i++)
		check_identity(rd, i);
	check_ports(rd);
	for (unsigned int i = 0; i < rd->cfg->dataplane.n_static_sas; i++)
		check_static_sa(rd, i);
}
