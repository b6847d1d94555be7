/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT-keepalives (RFC 3948 sections 2.3 and 4; RFC 7296 section 2.23):
 * while we are behind a NAT, the NAT must not forget the UDP mapping the
 * peer reaches us through, so every IKE_KEEPALIVE_MS one byte 0xFF goes
 * to the peer's NAT-T port.  ESP the data plane sends would do as well,
 * but espgw-control does not see it; a byte every 20 s costs nothing.
 */
#ifndef ESPGW_IKE_KEEPALIVE_H
#define ESPGW_IKE_KEEPALIVE_H

#include "ike_sa.h"

/* RFC 3948 section 4 suggests 20 s, as strongSwan and Windows use. */
#define IKE_KEEPALIVE_MS 20000

/* Start sending if sa sits behind a NAT (sa->nat_local); else nothing.
 * Idempotent. */
void ike_keepalive_start(struct ike_sa *sa);
/* Stop; before the SA goes. */
void ike_keepalive_stop(struct ike_sa *sa);

#endif
