/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The general SPD policies compiled into rte_acl, one context per address
 * family, for lists too long to scan per packet (spd.c decides when).
 * The answer is the one spd_scan() gives: the policy's position in the
 * list becomes its rte_acl priority, so the first match in list order
 * wins.
 *
 * Thread-safety: built and freed by the writer; once built it is
 * immutable and any number of workers may search it at once.
 */
#ifndef ESPGW_DP_SPD_ACL_H
#define ESPGW_DP_SPD_ACL_H

#include <stdint.h>

#include "spd.h"

struct spd_acl;

/*
 * Compile p[0..n) (lookup order) into *out.  0, or a negative errno
 * (-ENOMEM mostly) with *out untouched.
 */
int spd_acl_build(const struct spd_policy *p, uint32_t n, int socket,
		  struct spd_acl **out);
void spd_acl_free(struct spd_acl *a);

/* The position of the first policy that matches k (family ADDR_V4 or
 * ADDR_V6), n when none does. */
uint32_t spd_acl_find(const struct spd_acl *a, const struct spd_key *k);

#endif
