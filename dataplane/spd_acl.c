/* SPDX-License-Identifier: BSD-3-Clause */
#include "spd_acl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_malloc.h>

/*
 * The search key as rte_acl reads it, network byte order: the protocol
 * alone at offset 0 (rte_acl wants a one-byte first field), then 4-byte
 * groups: the source address, the destination address (one 32-bit word
 * a group each), and the two ports together in the last group.
 */
#define KEY_SRC    4u
#define KEY_MAX    (KEY_SRC + 2u * 16u + 4u)
#define MAX_WORDS  4u /* 32-bit words in an address */
#define MAX_FIELDS (3u + 2u * MAX_WORDS)

RTE_ACL_RULE_DEF(acl_rule, MAX_FIELDS);

struct spd_acl {
	uint32_t n;                 /* policies in the list */
	struct rte_acl_ctx *ctx[2]; /* IPv4, IPv6; NULL: no policy */
};

static const uint8_t families[2] = { ADDR_V4, ADDR_V6 };

static uint32_t words_of(uint8_t family)
{
	return family == ADDR_V4 ? 1u : MAX_WORDS;
}

/* Fields in rule order: protocol, source words, destination words,
 * source port, destination port. */
static uint32_t fields_of(uint8_t family)
{
	return 3u + 2u * words_of(family);
}

static void field_defs(uint8_t family, struct rte_acl_config *cfg)
{
	uint32_t w = words_of(family), alen = 4u * w, f = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->num_categories = 1;
	cfg->num_fields = fields_of(family);
	cfg->defs[f++] = (struct rte_acl_field_def){
		.type = RTE_ACL_FIELD_TYPE_BITMASK, .size = 1,
	};
	for (uint32_t j = 0; j < 2u * w; j++, f++)
		cfg->defs[f] = (struct rte_acl_field_def){
			.type = RTE_ACL_FIELD_TYPE_MASK, .size = 4,
			.field_index = (uint8_t)f, .input_index = (uint8_t)f,
			.offset = KEY_SRC + 4u * j,
		};
	for (uint32_t j = 0; j < 2; j++, f++)
		cfg->defs[f] = (struct rte_acl_field_def){
			.type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2,
			.field_index = (uint8_t)f,
			.input_index = (uint8_t)(1u + 2u * w),
			.offset = KEY_SRC + 2u * alen + 2u * j,
		};
}

static bool prefix_fits(const struct ip_prefix *p, uint8_t family)
{
	return p->addr.family == 0 || p->addr.family == family;
}

/* Would a packet of this family ever match p?  Selectors of another
 * family, or an empty port range, never do. */
static bool belongs(const struct spd_policy *p, uint8_t family)
{
	const struct spd_sel *s = &p->sel;

	return prefix_fits(&s->local, family) &&
	       prefix_fits(&s->remote, family) &&
	       s->lport_lo <= s->lport_hi && s->rport_lo <= s->rport_hi;
}

/* A prefix as w 32-bit MASK fields (an absent one matches anything). */
static void prefix_fields(const struct ip_prefix *p, uint32_t w,
			  struct rte_acl_field *fld)
{
	for (uint32_t j = 0; j < w; j++) {
		int bits = p->addr.family ? (int)p->len - 32 * (int)j : 0;
		uint32_t len = (uint32_t)RTE_MIN(RTE_MAX(bits, 0), 32);
		uint32_t v;

		memcpy(&v, p->addr.bytes + 4u * j, 4);
		fld[j].value.u32 = rte_be_to_cpu_32(v) &
				   RTE_ACL_MASKLEN_TO_BITMASK(len, 4);
		fld[j].mask_range.u32 = len;
	}
}

/* The rule for the policy at position i: source and destination are
 * local and remote outbound, remote and local inbound (spd_sel_match). */
static void rule_of(const struct spd_policy *p, uint32_t i, uint32_t w,
		    struct acl_rule *r)
{
	const struct spd_sel *s = &p->sel;
	bool in = p->dir == SPD_IN;
	struct rte_acl_field *port = &r->field[1 + 2 * w];

	memset(r, 0, sizeof(*r));
	r->data.category_mask = 1;
	r->data.priority = (int32_t)(RTE_ACL_MAX_PRIORITY - i);
	r->data.userdata = i + 1; /* 0 is rte_acl's "no match" */
	r->field[0].value.u8 = s->proto;
	r->field[0].mask_range.u8 = s->proto ? 0xff : 0;
	prefix_fields(in ? &s->remote : &s->local, w, &r->field[1]);
	prefix_fields(in ? &s->local : &s->remote, w, &r->field[1 + w]);
	port[0].value.u16 = in ? s->rport_lo : s->lport_lo;
	port[0].mask_range.u16 = in ? s->rport_hi : s->lport_hi;
	port[1].value.u16 = in ? s->lport_lo : s->rport_lo;
	port[1].mask_range.u16 = in ? s->lport_hi : s->rport_hi;
}

static int add_rules(struct rte_acl_ctx *ctx, const struct spd_policy *p,
		     uint32_t n, uint8_t family)
{
	struct acl_rule r;
	int rc;

	for (uint32_t i = 0; i < n; i++) {
		if (!belongs(&p[i], family))
			continue;
		rule_of(&p[i], i, words_of(family), &r);
		rc = rte_acl_add_rules(ctx, (const struct rte_acl_rule *)&r,
				       1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* One family's context, NULL in *out when no policy is of it.  Names
 * must be unique: rte_acl_create() hands back an existing context of
 * the same name, and the old list's stay until a grace period ends. */
static int ctx_build(const struct spd_policy *p, uint32_t n, int socket,
		     uint8_t family, struct rte_acl_ctx **out)
{
	static uint32_t gen;
	struct rte_acl_param prm = {
		.socket_id = socket,
		.rule_size = RTE_ACL_RULE_SZ(fields_of(family)),
	};
	struct rte_acl_config cfg;
	char name[RTE_ACL_NAMESIZE];
	int rc;

	*out = NULL;
	for (uint32_t i = 0; i < n; i++)
		prm.max_rule_num += belongs(&p[i], family);
	if (prm.max_rule_num == 0)
		return 0;
	snprintf(name, sizeof(name), "spd%u_%u", family,
		 __atomic_fetch_add(&gen, 1, __ATOMIC_RELAXED));
	prm.name = name;
	*out = rte_acl_create(&prm);
	if (!*out)
		return rte_errno ? -rte_errno : -ENOMEM;

	field_defs(family, &cfg);
	rc = add_rules(*out, p, n, family);
	if (rc == 0)
		rc = rte_acl_build(*out, &cfg);
	if (rc < 0) {
		rte_acl_free(*out);
		*out = NULL;
	}
	return rc;
}

int spd_acl_build(const struct spd_policy *p, uint32_t n, int socket,
		  struct spd_acl **out)
{
	struct spd_acl *a;
	int rc;

	if (n >= RTE_ACL_MAX_PRIORITY)
		return -ENOSPC;
	a = rte_zmalloc_socket("spd_acl", sizeof(*a), 0, socket);
	if (!a)
		return -ENOMEM;
	a->n = n;
	for (uint32_t f = 0; f < RTE_DIM(families); f++) {
		rc = ctx_build(p, n, socket, families[f], &a->ctx[f]);
		if (rc < 0) {
			spd_acl_free(a);
			return rc;
		}
	}
	*out = a;
	return 0;
}

void spd_acl_free(struct spd_acl *a)
{
	if (!a)
		return;
	for (uint32_t f = 0; f < RTE_DIM(families); f++)
		rte_acl_free(a->ctx[f]);
	rte_free(a);
}

uint32_t spd_acl_find(const struct spd_acl *a, const struct spd_key *k)
{
	const struct rte_acl_ctx *ctx = a->ctx[k->family == ADDR_V6];
	uint32_t alen = k->family == ADDR_V6 ? 16u : 4u;
	uint8_t key[KEY_MAX] __rte_aligned(8) = { 0 };
	const uint8_t *data = key;
	uint16_t port;
	uint32_t res = 0;

	if (!ctx || (k->family != ADDR_V4 && k->family != ADDR_V6))
		return a->n;
	key[0] = k->proto;
	memcpy(key + KEY_SRC, k->src, alen);
	memcpy(key + KEY_SRC + alen, k->dst, alen);
	port = rte_cpu_to_be_16(k->sport);
	memcpy(key + KEY_SRC + 2u * alen, &port, 2);
	port = rte_cpu_to_be_16(k->dport);
	memcpy(key + KEY_SRC + 2u * alen + 2u, &port, 2);
	if (rte_acl_classify(ctx, &data, &res, 1, 1) != 0 || res == 0)
		return a->n;
	return res - 1;
}
