/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Traffic selector narrowing (RFC 7296 section 2.9) as a responder,
 * against the configured policies: the policy templates of the identity's
 * policy_template_group when it generates policies (RouterOS
 * generate-policy), otherwise the fixed policies that name the peer.
 *
 * In a policy, src_address is our side (TSr of a request) and dst_address
 * the peer's (TSi), as in RouterOS.  For each policy in file order, each
 * TSi and each TSr in the peer's order, the first pair that intersects the
 * policy wins.  A road warrior's TSi becomes its virtual address.
 *
 * generate_policy port-override takes protocol and ports from the template;
 * port-strict (and no) narrows the peer's to the policy's.
 *
 * The data plane keeps selectors as prefixes, so a range that is not one is
 * narrowed further to the largest prefix at its start (still a subset,
 * which section 2.9 allows); the response carries exactly what is
 * installed.
 */
#ifndef ESPGW_TS_H
#define ESPGW_TS_H

#include "chan_msg.h"
#include "config.h"
#include "ike_pld.h"

struct ts_result {
	struct chan_ts local;  /* TSr of the request: our side */
	struct chan_ts remote; /* TSi: the peer's side */
	const struct cfg_policy *policy;
};

/* vip: a road warrior's address (family 0: none).  Returns 0, or -1 for
 * TS_UNACCEPTABLE. */
int ts_narrow(const struct espgw_config *cfg, const struct cfg_identity *id,
	      const struct ike_ts_pld *tsi, const struct ike_ts_pld *tsr,
	      const struct ip_addr *vip, struct ts_result *out);

/* The policy whose traffic we ask for as initiator (a fixed one naming the
 * peer), or NULL. */
const struct cfg_policy *ts_policy_for_peer(const struct espgw_config *cfg,
					    int peer);

/* A selector as a prefix and back into an IKE selector. */
void ts_from_prefix(const struct ip_prefix *p, uint8_t proto, uint16_t port,
		    struct chan_ts *out);
void ts_to_ike(const struct chan_ts *t, struct ike_ts *out);

/* Initiator: the responder's answer must lie within what we asked; the
 * first selector of the payload as installed.  -1 when it does not. */
int ts_accept(const struct ike_ts_pld *pld, const struct chan_ts *asked,
	      struct chan_ts *out);

#endif
