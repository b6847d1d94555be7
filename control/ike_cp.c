/* SPDX-License-Identifier: BSD-3-Clause */
/* Mode-config (RFC 7296 section 3.15): the road warrior's address, DNS
 * and split-include networks from the identity's mode_config. */
#include <string.h>

#include "ike_exchange.h"
#include "log.h"

static bool asks(const struct ike_msg *m, uint16_t type)
{
	for (unsigned int i = 0; i < m->cp.n_attrs; i++)
		if (m->cp.attr[i].type == type)
			return true;
	return false;
}

enum cp_result ike_cp_assign(struct ike_sa *sa, const struct cfg_identity *id,
			     const struct ike_msg *m)
{
	struct ike_engine *e = sa->eng;
	const struct cfg_mode_config *mc;

	if (!(m->has & IKE_HAS(IKE_PLD_CP)) || m->cp.type != IKE_CFG_REQUEST ||
	    id->mode_config < 0)
		return CP_NONE;
	mc = &e->cfg->ipsec.mode_configs[id->mode_config];
	if (!asks(m, IKE_INTERNAL_IP4_ADDRESS))
		return CP_ASSIGNED; /* DNS and networks only */
	if (mc->address_pool < 0) {
		sa->vip = mc->address;
		return CP_ASSIGNED;
	}
	sa->vip_pool = e->pools[mc->address_pool];
	if (pool_acquire(sa->vip_pool, sa->id_text, &sa->vip) != 0) {
		ike_sa_log(LOG_LVL_WARN, sa,
			   "INTERNAL_ADDRESS_FAILURE: pool %s exhausted",
			   pool_name(sa->vip_pool));
		sa->vip_pool = NULL;
		e->stats.addr_failed++;
		return CP_FAILED;
	}
	return CP_ASSIGNED;
}

static void put_mask(uint8_t *out, unsigned int len)
{
	memset(out, 0, 4);
	for (unsigned int b = 0; b < len && b < 32; b++)
		out[b / 8] |= (uint8_t)(0x80 >> (b % 8));
}

static void gen_dns(const struct cfg_mode_config *mc,
		    const struct cfg_control *ctl, struct ike_gen *g)
{
	const struct ip_addr *dns = mc->system_dns ? ctl->dns_servers :
						     mc->static_dns;
	unsigned int n = mc->system_dns ? ctl->n_dns_servers :
					  mc->n_static_dns;

	for (unsigned int i = 0; i < n; i++)
		if (dns[i].family == ADDR_V4) /* XXX INTERNAL_IP6_DNS */
			ike_gen_cp_attr(g, IKE_INTERNAL_IP4_DNS, dns[i].v4, 4);
}

/* INTERNAL_IP6_* requests are declined by leaving them out (3.15.4). */
void ike_cp_reply(struct ike_sa *sa, const struct cfg_identity *id,
		  const struct ike_msg *m, struct ike_gen *g)
{
	const struct cfg_mode_config *mc =
		&sa->eng->cfg->ipsec.mode_configs[id->mode_config];
	uint8_t v[8];

	(void)m;
	ike_gen_cp_begin(g, IKE_CFG_REPLY);
	if (sa->vip.family == ADDR_V4) {
		ike_gen_cp_attr(g, IKE_INTERNAL_IP4_ADDRESS, sa->vip.v4, 4);
		put_mask(v, mc->address_prefix_length);
		ike_gen_cp_attr(g, IKE_INTERNAL_IP4_NETMASK, v, 4);
	}
	gen_dns(mc, &sa->eng->cfg->control, g);
	for (unsigned int i = 0; i < mc->n_split_include; i++) {
		const struct ip_prefix *p = &mc->split_include[i];

		if (p->addr.family != ADDR_V4)
			continue;
		memcpy(v, p->addr.v4, 4);
		put_mask(v + 4, p->len);
		ike_gen_cp_attr(g, IKE_INTERNAL_IP4_SUBNET, v, 8);
	}
	ike_gen_cp_end(g);
}

void ike_cp_request(struct ike_gen *g)
{
	ike_gen_cp_begin(g, IKE_CFG_REQUEST);
	ike_gen_cp_attr(g, IKE_INTERNAL_IP4_ADDRESS, NULL, 0);
	ike_gen_cp_attr(g, IKE_INTERNAL_IP4_DNS, NULL, 0);
	ike_gen_cp_end(g);
}

void ike_cp_read_reply(struct ike_sa *sa, const struct ike_msg *m)
{
	if (!(m->has & IKE_HAS(IKE_PLD_CP)) || m->cp.type != IKE_CFG_REPLY)
		return;
	for (unsigned int i = 0; i < m->cp.n_attrs; i++) {
		const struct ike_cp_attr_pld *a = &m->cp.attr[i];

		if (a->type == IKE_INTERNAL_IP4_ADDRESS && a->value.len == 4) {
			memset(&sa->vip, 0, sizeof(sa->vip));
			sa->vip.family = ADDR_V4;
			memcpy(sa->vip.v4, a->value.ptr, 4);
		}
	}
}
