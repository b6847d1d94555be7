/* SPDX-License-Identifier: BSD-3-Clause */
#include "ts.h"

#include <string.h>

#include "ike_proto.h"

/* An IKE selector range, or a policy side, as plain bounds. */
struct range {
	struct ip_addr lo, hi;
	uint8_t proto;
	uint16_t plo, phi;
};

static void prefix_bounds(const struct ip_prefix *p, struct ip_addr *lo,
			  struct ip_addr *hi)
{
	size_t n = addr_len(&p->addr);

	*lo = *hi = p->addr;
	for (size_t bit = p->len; bit < n * 8; bit++) {
		uint8_t m = (uint8_t)(0x80 >> (bit % 8));

		lo->bytes[bit / 8] &= (uint8_t)~m;
		hi->bytes[bit / 8] |= m;
	}
}

/* The largest prefix starting at lo that ends at or before hi. */
static void range_to_prefix(const struct ip_addr *lo, const struct ip_addr *hi,
			    struct ip_prefix *out)
{
	size_t bits = addr_len(lo) * 8;

	memset(out, 0, sizeof(*out));
	for (size_t len = 0; len <= bits; len++) {
		struct ip_addr a, b;

		out->addr = *lo;
		out->len = (uint8_t)len;
		prefix_bounds(out, &a, &b);
		if (addr_equal(&a, lo) && addr_cmp(&b, hi) <= 0)
			return;
	}
}

static bool from_ike(const struct ike_ts *t, struct range *r)
{
	if (t->start.family != t->end.family ||
	    addr_cmp(&t->start, &t->end) > 0 || t->start_port > t->end_port)
		return false;
	*r = (struct range){ t->start, t->end, t->ip_proto, t->start_port,
			     t->end_port };
	return true;
}

static void from_policy(const struct ip_prefix *p, uint16_t port,
			uint8_t proto, struct range *r)
{
	prefix_bounds(p, &r->lo, &r->hi);
	r->proto = proto;
	r->plo = port == CFG_PORT_ANY ? 0 : port;
	r->phi = port == CFG_PORT_ANY ? 65535 : port;
}

/* a := a intersected with b; false when empty. */
static bool intersect(struct range *a, const struct range *b, bool override)
{
	if (a->lo.family != b->lo.family)
		return false;
	if (addr_cmp(&b->lo, &a->lo) > 0)
		a->lo = b->lo;
	if (addr_cmp(&b->hi, &a->hi) < 0)
		a->hi = b->hi;
	if (addr_cmp(&a->lo, &a->hi) > 0)
		return false;
	if (override) {
		a->proto = b->proto;
		a->plo = b->plo;
		a->phi = b->phi;
		return true;
	}
	if (a->proto == 0)
		a->proto = b->proto;
	else if (b->proto != 0 && b->proto != a->proto)
		return false;
	a->plo = a->plo > b->plo ? a->plo : b->plo;
	a->phi = a->phi < b->phi ? a->phi : b->phi;
	return a->plo <= a->phi;
}

static void to_chan(const struct range *r, struct chan_ts *out)
{
	memset(out, 0, sizeof(*out));
	range_to_prefix(&r->lo, &r->hi, &out->prefix);
	out->proto = r->proto;
	out->port_lo = r->plo;
	out->port_hi = r->phi;
}

/* The road warrior's side becomes its address, if the peer allowed it. */
static bool pin_vip(struct range *r, const struct ip_addr *vip)
{
	if (!vip || vip->family == 0)
		return true;
	if (r->lo.family != vip->family || addr_cmp(vip, &r->lo) < 0 ||
	    addr_cmp(vip, &r->hi) > 0)
		return false;
	r->lo = r->hi = *vip;
	return true;
}

static bool try_pair(const struct cfg_policy *pol, const struct ike_ts *ti,
		     const struct ike_ts *tr, const struct ip_addr *vip,
		     bool override, struct ts_result *out)
{
	struct range rem, loc, pr, pl;

	if (!from_ike(ti, &rem) || !from_ike(tr, &loc))
		return false;
	from_policy(&pol->dst_address, pol->dst_port, pol->protocol, &pr);
	from_policy(&pol->src_address, pol->src_port, pol->protocol, &pl);
	if (!intersect(&rem, &pr, override) || !intersect(&loc, &pl, override)
	    || !pin_vip(&rem, vip))
		return false;
	to_chan(&loc, &out->local);
	to_chan(&rem, &out->remote);
	out->policy = pol;
	return true;
}

static bool candidate(const struct cfg_policy *pol,
		      const struct cfg_identity *id)
{
	if (pol->action != CFG_ACTION_ENCRYPT)
		return false;
	if (id->generate_policy != CFG_GENPOL_NO)
		return pol->template && pol->group == id->policy_template_group;
	return !pol->template && pol->peer == id->peer;
}

int ts_narrow(const struct espgw_config *cfg, const struct cfg_identity *id,
	      const struct ike_ts_pld *tsi, const struct ike_ts_pld *tsr,
	      const struct ip_addr *vip, struct ts_result *out)
{
	bool override = id->generate_policy == CFG_GENPOL_PORT_OVERRIDE;

	for (unsigned int p = 0; p < cfg->ipsec.n_policies; p++) {
		const struct cfg_policy *pol = &cfg->ipsec.policies[p];

		if (!candidate(pol, id))
			continue;
		for (unsigned int i = 0; i < tsi->n_ts; i++)
			for (unsigned int j = 0; j < tsr->n_ts; j++)
				if (try_pair(pol, &tsi->ts[i], &tsr->ts[j],
					     vip, override, out))
					return 0;
	}
	return -1;
}

const struct cfg_policy *ts_policy_for_peer(const struct espgw_config *cfg,
					    int peer)
{
	for (unsigned int p = 0; p < cfg->ipsec.n_policies; p++) {
		const struct cfg_policy *pol = &cfg->ipsec.policies[p];

		if (!pol->template && pol->peer == peer &&
		    pol->action == CFG_ACTION_ENCRYPT)
			return pol;
	}
	return NULL;
}

void ts_from_prefix(const struct ip_prefix *p, uint8_t proto, uint16_t port,
		    struct chan_ts *out)
{
	memset(out, 0, sizeof(*out));
	out->prefix = *p;
	out->proto = proto;
	out->port_lo = port == CFG_PORT_ANY ? 0 : port;
	out->port_hi = port == CFG_PORT_ANY ? 65535 : port;
}

void ts_to_ike(const struct chan_ts *t, struct ike_ts *out)
{
	memset(out, 0, sizeof(*out));
	out->type = t->prefix.addr.family == ADDR_V6 ? IKE_TS_IPV6_ADDR_RANGE :
						       IKE_TS_IPV4_ADDR_RANGE;
	out->ip_proto = t->proto;
	out->start_port = t->port_lo;
	out->end_port = t->port_hi;
	prefix_bounds(&t->prefix, &out->start, &out->end);
}

int ts_accept(const struct ike_ts_pld *pld, const struct chan_ts *asked,
	      struct chan_ts *out)
{
	struct range got, a;
	struct ike_ts ask;

	ts_to_ike(asked, &ask);
	if (pld->n_ts == 0 || !from_ike(&pld->ts[0], &got) ||
	    !from_ike(&ask, &a))
		return -1;
	struct range x = got;

	if (!intersect(&x, &a, false) || !addr_equal(&x.lo, &got.lo) ||
	    !addr_equal(&x.hi, &got.hi))
		return -1;
	to_chan(&got, out);
	return 0;
}
