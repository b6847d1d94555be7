/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Liveness of peers (internal to the engine's files): dead peer detection
 * (RFC 7296 section 2.4) and bringing back the site-to-site IKE SAs we
 * initiate when they die.
 *
 * DPD: every dpd_interval an established IKE SA either saw ESP from the
 * peer or sends an empty INFORMATIONAL.  IKE_DPD_ASK_MS before the
 * deadline the data plane is asked for the packet counts of the IKE SA's
 * inbound CHILD SAs (one COUNTER_REQ each, one cookie for the round);
 * when a reply shows a count that grew since the previous round, the
 * peer is alive and no probe goes.  No growth, no CHILD SA, or no reply
 * by the deadline (no data plane attached): the probe goes, and
 * dpd_maximum_failures unanswered tries give the IKE SA up.
 *
 * Keeping up: a peer started with ike_dpd_keep gets a new IKE SA
 * whenever its last one is gone (no answer, AUTH failed, DPD, deleted by
 * the peer), after IKE_KEEP_MIN_MS doubling to IKE_KEEP_MAX_MS, less up
 * to a quarter at random; the back-off starts over once an IKE SA with a
 * CHILD SA ends.  Nothing restarts while the engine is destroyed.
 */
#ifndef ESPGW_IKE_DPD_H
#define ESPGW_IKE_DPD_H

#include "ike_sa.h"

#define IKE_DPD_ASK_MS	1000
#define IKE_KEEP_MIN_MS 5000
#define IKE_KEEP_MAX_MS 300000

/* Arm the next DPD round of an established IKE SA (none if the profile
 * disables DPD); replaces any round under way. */
void ike_dpd_schedule(struct ike_sa *sa);

/* A counter reply for c (found by its id, so c is alive): counts for
 * the DPD round of c's IKE SA if the cookie is that round's. */
void ike_dpd_counted(struct child_sa *c, const struct chan_counter_reply *r);

/* Initiate to peer now and keep an IKE SA to it up; 0 or -1 (the
 * first try failed at once: the back-off tries again). */
int ike_dpd_keep(struct ike_engine *e, int peer);

/* Stop keeping peer up (an operator's terminate): its IKE SAs may end
 * without a new one; ike_dpd_keep starts again. */
void ike_dpd_release(struct ike_engine *e, int peer);

/* Called by ike_sa_destroy first: when sa was its peer's last IKE SA and
 * the peer is kept up, arm the next try. */
void ike_dpd_gone(struct ike_sa *sa);

/* Called when an IKE SA we initiated is up: one of a kept peer that got
 * no CHILD SA carries nothing, and nothing would ask again, so it is
 * deleted and the back-off tries again. */
void ike_dpd_established(struct ike_sa *sa);

/* The engine is being destroyed: cancel the tries, restart nothing. */
void ike_dpd_stop(struct ike_engine *e);

#endif
