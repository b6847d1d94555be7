/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "route.h"

/* Enough tbl8 groups for the long prefixes a gateway has: a /32 takes one
 * in rte_lpm, a /128 thirteen in rte_lpm6 (1 KiB each). */
#define ROUTE_TBL8S  256
#define ROUTE_TBL8S6 1024

struct route_table *route_create(const char *name, int socket,
				 uint32_t max_routes)
{
	struct rte_lpm_config c4 = {
		.max_rules = max_routes,
		.number_tbl8s = ROUTE_TBL8S,
	};
	struct rte_lpm6_config c6 = {
		.max_rules = max_routes,
		.number_tbl8s = ROUTE_TBL8S6,
	};
	struct route_table *t;
	char n[RTE_LPM_NAMESIZE];

	t = rte_zmalloc_socket("route", sizeof(*t), 0, socket);
	if (!t)
		return NULL;
	/* One next hop per route at most. */
	t->max_nh = max_routes;
	t->default4 = t->default6 = -1;
	t->nh = rte_calloc_socket("route_nh", t->max_nh, sizeof(*t->nh), 0,
				  socket);
	snprintf(n, sizeof(n), "%s4", name);
	t->lpm4 = rte_lpm_create(n, socket, &c4);
	snprintf(n, sizeof(n), "%s6", name);
	t->lpm6 = rte_lpm6_create(n, socket, &c6);
	if (!t->nh || !t->lpm4 || !t->lpm6) {
		route_free(t);
		return NULL;
	}
	return t;
}

void route_free(struct route_table *t)
{
	if (!t)
		return;
	rte_lpm_free(t->lpm4);
	rte_lpm6_free(t->lpm6);
	rte_free(t->nh);
	rte_free(t);
}

/* The index of an equal next hop, or of a new one; -ENOSPC when full. */
static int nexthop_index(struct route_table *t, const struct ip_addr *via,
			 uint16_t port)
{
	struct route_nexthop nh = { .port = port };

	if (via)
		nh.via = *via;
	for (uint32_t i = 0; i < t->n_nh; i++)
		if (t->nh[i].port == port && addr_equal(&t->nh[i].via,
							&nh.via))
			return (int)i;
	if (t->n_nh == t->max_nh)
		return -ENOSPC;
	t->nh[t->n_nh] = nh;
	return (int)t->n_nh++;
}

static bool prefix_valid(const struct ip_prefix *p)
{
	struct ip_prefix copy = *p;
	unsigned int bits = addr_len(&p->addr) * 8;

	if (!bits || p->len > bits)
		return false;
	/* Host bits must be clear, as prefix_parse() demands. */
	for (unsigned int b = p->len; b < bits; b++)
		copy.addr.bytes[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
	return addr_equal(&copy.addr, &p->addr);
}

int route_add(struct route_table *t, const struct ip_prefix *dst,
	      const struct ip_addr *via, uint16_t port)
{
	uint32_t a;
	int i, rc;

	if (via && via->family == 0)
		via = NULL;
	if (!prefix_valid(dst) ||
	    (via && via->family != dst->addr.family))
		return -EINVAL;
	i = nexthop_index(t, via, port);
	if (i < 0)
		return i;

	if (dst->len == 0) {
		*(dst->addr.family == ADDR_V4 ? &t->default4
					      : &t->default6) = i;
		return 0;
	}
	if (dst->addr.family == ADDR_V4) {
		memcpy(&a, dst->addr.v4, 4);
		rc = rte_lpm_add(t->lpm4, rte_be_to_cpu_32(a), dst->len,
				 (uint32_t)i);
	} else {
		rc = rte_lpm6_add(t->lpm6, dst->addr.v6, dst->len,
				  (uint32_t)i);
	}
	return rc < 0 ? -ENOSPC : 0;
}
