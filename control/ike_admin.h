/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The operator's actions on IKE SAs, for espgwctl (after swanctl's
 * --rekey, --terminate and --initiate, RouterOS's "kill connections").
 *
 * A target names IKE SAs by any of:
 *   - a peer's name in the configuration: every IKE SA of that peer;
 *   - the remote ID as "show peers" prints it ("fqdn:rw1.example.org");
 *   - the remote address, "198.51.100.7" or "198.51.100.7[4500]";
 *   - an IKE SA's SPI, ours or the peer's, 16 hex digits;
 *   - a CHILD SA's SPI, either direction, 8 hex digits: its IKE SA, and
 *     for a CHILD SA rekey that CHILD SA alone.
 * An IKE SA that is the successor of an IKE SA rekey still under way is
 * part of its predecessor and never named on its own.
 *
 * Each call starts exchanges and returns; they complete later, through
 * ike_engine_input.  It prints to out one line per IKE SA it acted on and
 * an "error: ..." line for each it could not act on, never a key, and
 * returns 0 when it acted on every IKE SA named, 1 otherwise (nothing
 * named, not established, busy).  Same thread as the engine.
 */
#ifndef ESPGW_IKE_ADMIN_H
#define ESPGW_IKE_ADMIN_H

#include <stdio.h>

#include "ike_engine.h"

/* Rekey the CHILD SAs of each IKE SA named (section 2.8): the first one
 * now, the others queued behind it (one request at a time, 2.3). */
int ike_admin_rekey_child(struct ike_engine *e, const char *target,
			  FILE *out);

/* Rekey each IKE SA named (section 2.18); its CHILD SAs move over. */
int ike_admin_rekey_ike(struct ike_engine *e, const char *target, FILE *out);

/* Delete each IKE SA named, and with it its CHILD SAs (section 1.4.1):
 * an established one with a DELETE to the peer, one not yet established
 * here and now (it has no keys to send one with). */
int ike_admin_terminate(struct ike_engine *e, const char *target, FILE *out);

/* Start an IKE SA to the configured peer that target names by its name or
 * its address, passive or not, unless that peer has one already. */
int ike_admin_initiate(struct ike_engine *e, const char *target, FILE *out);

#endif
