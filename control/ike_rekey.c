/* SPDX-License-Identifier: BSD-3-Clause */
/* CREATE_CHILD_SA (RFC 7296 section 1.3). */
#include "ike_exchange.h"
#include "ike_msg.h"
#include "log.h"

/*
 * XXX Rekeying is not written yet, of CHILD SAs nor of the IKE SA, in
 * either role: every CREATE_CHILD_SA request is answered with
 * NO_ADDITIONAL_SAS (section 1.3), so the peer keeps its SAs until their
 * lifetimes and then re-authenticates.
 */
void ike_rekey_request(struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_gen g;

	(void)m;
	if (sa->state != IKE_SA_ESTABLISHED) {
		sa->eng->stats.unexpected++;
		return;
	}
	ike_sa_log(LOG_LVL_INFO, sa, "CREATE_CHILD_SA refused: "
		   "NO_ADDITIONAL_SAS (rekeying not supported yet)");
	ike_msg_begin(sa, &g, IKE_EX_CREATE_CHILD_SA, true);
	ike_gen_notify(&g, 0, NULL, 0, IKE_N_NO_ADDITIONAL_SAS, NULL, 0);
	ike_msg_respond(sa, &g);
}
