/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MOBIKE (RFC 4555) as the gateway sees it: a peer's UPDATE_SA_ADDRESSES
 * moves the IKE SA at once and its CHILD SAs after a return routability
 * check (section 3.5), and a COOKIE2 in any INFORMATIONAL request is
 * echoed in the answer, as the peer's own checks want.
 */
#ifndef ESPGW_IKE_MOBIKE_H
#define ESPGW_IKE_MOBIKE_H

#include "ike_gen.h"
#include "ike_pld.h"
#include "ike_sa.h"

/* COOKIE2 data we send (section 3.9 allows 8 to 64 octets). */
#define IKE_COOKIE2_LEN 16

/* While answering the peer's UPDATE_SA_ADDRESSES in m: move the IKE SA
 * to the addresses m came on, redo NAT detection and add our NAT-D
 * notifies to the answer g. */
void ike_mobike_update(struct ike_sa *sa, const struct ike_msg *m,
		       struct ike_gen *g);

/* After that answer went out: move the CHILD SAs, at once if only the
 * port changed, else once the return routability check succeeds. */
void ike_mobike_check(struct ike_sa *sa);

/* Copy a COOKIE2 of the request m into its answer g. */
void ike_mobike_echo(const struct ike_msg *m, struct ike_gen *g);

/* The check under way, if any, ends with sa (ike_sa_destroy). */
void ike_mobike_free(struct ike_sa *sa);

#endif
