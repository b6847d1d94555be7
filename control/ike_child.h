/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A CHILD SA's keys (RFC 7296 section 2.17) and its life in the data
 * plane: the inbound and outbound struct chan_sa pair and their two
 * policies, sent through the engine's dp_send.
 */
#ifndef ESPGW_IKE_CHILD_H
#define ESPGW_IKE_CHILD_H

#include <arpa/inet.h>

#include "ike_sa.h"

/* KEYMAT from SK_d, the exchange's nonces and (PFS) g^ir; initiator: we
 * started the exchange that made it, so our outbound keys come first. */
int child_derive(struct child_sa *c, struct ike_slice ni, struct ike_slice nr,
		 struct ike_slice gir, bool initiator);

/* SA_ADD both, then POLICY_ADD both (outbound not while out_pending). */
void child_install(struct child_sa *c);
void child_uninstall(struct child_sa *c);
/* A rekeyed pair's outbound policy goes in once the old one leaves. */
void child_activate_out(struct child_sa *c);
/* The outer addresses or NAT-T ports changed: SA_UPDATE both. */
void child_update(struct child_sa *c);

/* The two records as installed (tests, resync); keys included. */
void child_to_chan(const struct child_sa *c, bool inbound, struct chan_sa *o);
void child_policy(const struct child_sa *c, bool inbound,
		  struct chan_policy *o);

static inline uint64_t child_id(const struct child_sa *c, bool inbound)
{
	return ((uint64_t)ntohl(c->spi_in) << 1) | (inbound ? 0 : 1);
}

#endif
