/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Choosing among a peer's proposals (RFC 7296 sections 2.7 and 3.3), and
 * writing our own, for the IKE SA from a profile and for CHILD SAs from a
 * proposal (RouterOS /ip ipsec profile and proposal).
 *
 * IKEv2 negotiates no lifetimes, so the profile's proposal_check, which in
 * RouterOS compares IKEv1 lifetimes, here decides whose preference wins and
 * how much a proposal may carry that we do not allow:
 *   obey, claim  the peer's order: its first proposal we can accept, and in
 *                it the first transform of each type we allow;
 *   strict       our order: of the acceptable proposals, the one whose
 *                cipher stands first in our list, and in each our best;
 *   exact        as strict, and a proposal with any transform we do not
 *                allow is refused.
 * Our own lifetimes apply in every case (section 2.8).
 *
 * A CHILD proposal without a DH transform is accepted whatever the PFS
 * group (macOS, Android); DH transforms are ignored where there is no KE
 * (IKE_AUTH, section 1.2).  Transforms with unknown attributes are skipped
 * (section 3.3.6).
 */
#ifndef ESPGW_PROPOSAL_H
#define ESPGW_PROPOSAL_H

#include <stdbool.h>
#include <stdint.h>

#include "algo.h"
#include "config.h"
#include "ike_gen.h"
#include "ike_pld.h"

struct prop_ike {
	uint8_t num; /* the peer's proposal number, echoed */
	const struct algo *encr, *prf, *integ; /* integ NULL with AEAD */
	const struct algo *dh;
};

struct prop_child {
	uint8_t num;
	uint32_t peer_spi; /* network order */
	const struct algo *encr, *integ; /* integ NULL with AEAD */
	const struct algo *dh;		 /* NULL: no PFS */
	bool esn;
};

enum prop_result {
	PROP_OK,
	PROP_NONE,	 /* NO_PROPOSAL_CHOSEN */
	PROP_INVALID_KE, /* acceptable, but not with the KE sent: out->dh is
			  * the group to ask for (INVALID_KE_PAYLOAD) */
};

/* ke_group: the KE payload's group (IKE_SA_INIT, IKE rekey). */
enum prop_result proposal_select_ike(const struct cfg_profile *pf,
				     const struct ike_sa_pld *sa,
				     uint16_t ke_group, struct prop_ike *out);

/* with_ke: the request carried KE (group ke_group), so a DH transform is
 * chosen (PFS); otherwise DH transforms are ignored. */
enum prop_result proposal_select_child(const struct cfg_proposal *cp,
				       enum cfg_proposal_check check,
				       const struct ike_sa_pld *sa,
				       bool with_ke, uint16_t ke_group,
				       struct prop_child *out);

/* The PRF of a profile: prf_algorithm, or for "auto" the one named like
 * the hash algorithm. */
const struct algo *proposal_profile_prf(const struct cfg_profile *pf);

/* Our offers as initiator: one proposal of everything allowed, the
 * first DH group first.  spi: 8 bytes for an IKE rekey, else NULL. */
void proposal_gen_ike(struct ike_gen *g, const struct cfg_profile *pf,
		      const uint8_t *spi);
/* pfs: include the proposal's PFS group (CREATE_CHILD_SA with KE). */
void proposal_gen_child(struct ike_gen *g, const struct cfg_proposal *cp,
			uint32_t spi, bool pfs);

/* The chosen proposal in a response. */
void proposal_gen_ike_chosen(struct ike_gen *g, const struct prop_ike *p,
			     const uint8_t *spi);
void proposal_gen_child_chosen(struct ike_gen *g, const struct prop_child *p,
			       uint32_t spi);

#endif
