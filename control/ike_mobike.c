/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MOBIKE (RFC 4555) for a gateway whose peers move: the phone that leaves
 * Wi-Fi for 4G sends UPDATE_SA_ADDRESSES from its new address.  That
 * request is authenticated and came from there, so the IKE SA follows it
 * at once.  The CHILD SAs, whose ESP could be aimed at anyone, follow
 * only once a return routability check (section 3.5) came back from the
 * new address: an INFORMATIONAL request of ours carrying a fresh COOKIE2
 * that the answer must echo.  Otherwise an authenticated peer could turn
 * our ESP on a third party (section 5.2.1).  A new port on the same
 * address (a NAT rebinding) needs no check.  A check nobody answers ends
 * as any unanswered request does: the retransmissions give up and the
 * IKE SA goes, as for a failed DPD.
 *
 * With MOBIKE nothing else moves the SAs: section 3.8 turns RFC 7296
 * section 2.23's implicit update off (ike_engine.c), and answers go to
 * where their request came from (ike_msg.c), as section 2.11 wants.
 *
 * XXX A CHILD SA rekeyed while the check runs is installed towards the
 * new address before the check has ended.  Our own address changes and
 * ADDITIONAL_*_ADDRESS lists are not done.
 */
#include "ike_mobike.h"

#include <stdlib.h>

#include <openssl/crypto.h>

#include "ike_child.h"
#include "ike_exchange.h"
#include "ike_msg.h"
#include "log.h"

struct ike_mobike_rr {
	uint8_t cookie2[IKE_COOKIE2_LEN];
	struct ike_ep to; /* the address being checked */
	bool sent;	  /* a request carries cookie2 now */
	void *timer;	  /* retry while another request is out */
};

static void move_children(struct ike_sa *sa)
{
	char ep[IKE_EP_STRLEN];

	for (struct child_sa *c = sa->children; c; c = c->next)
		child_update(c);
	ike_sa_log(LOG_LVL_INFO, sa, "MOBIKE: moved to %s%s",
		   ike_ep_format(&sa->remote, ep),
		   ike_sa_natt(sa) ? " (NAT-T)" : "");
}

void ike_mobike_free(struct ike_sa *sa)
{
	if (!sa->mobike_rr)
		return;
	ike_timer_cancel(sa->eng, &sa->mobike_rr->timer);
	free(sa->mobike_rr);
	sa->mobike_rr = NULL;
}

void ike_mobike_update(struct ike_sa *sa, const struct ike_msg *m,
		       struct ike_gen *g)
{
	struct ike_engine *e = sa->eng;
	bool same_addr = addr_equal(&sa->remote.addr, &e->rx_remote.addr) &&
			 addr_equal(&sa->local.addr, &e->rx_local.addr);

	sa->local = e->rx_local;
	sa->remote = e->rx_remote;
	ike_natd_check(sa, m);
	ike_natd_gen(sa, g);
	if (same_addr && !sa->mobike_rr)
		return; /* ike_mobike_check() moves the ports */
	if (!sa->mobike_rr)
		sa->mobike_rr = calloc(1, sizeof(*sa->mobike_rr));
	if (!sa->mobike_rr)
		ike_sa_log(LOG_LVL_WARN, sa, "MOBIKE: out of memory for "
			   "the return routability check");
}

static void rr_start(struct ike_sa *sa);

static void on_rr_retry(void *arg)
{
	struct ike_sa *sa = arg;

	sa->mobike_rr->timer = NULL;
	rr_start(sa);
}

static void on_rr_response(struct ike_sa *sa, struct ike_msg *m)
{
	const struct ike_notify_pld *n = ike_pld_notify(m, IKE_N_COOKIE2);
	struct ike_mobike_rr *rr = sa->mobike_rr;
	char ep[IKE_EP_STRLEN];

	if (!rr)
		return;
	rr->sent = false;
	if (!n || n->data.len != sizeof(rr->cookie2) ||
	    CRYPTO_memcmp(n->data.ptr, rr->cookie2, sizeof(rr->cookie2))) {
		ike_sa_log(LOG_LVL_WARN, sa, "MOBIKE: %s did not echo our "
			   "COOKIE2; the CHILD SAs stay where they were",
			   ike_ep_format(&rr->to, ep));
		ike_mobike_free(sa);
		return;
	}
	if (!ike_ep_equal(&rr->to, &sa->remote))
		return rr_start(sa); /* moved again meanwhile */
	ike_mobike_free(sa);
	move_children(sa);
}

/* Section 3.5: an INFORMATIONAL request with a fresh COOKIE2, to the
 * new address; one request at a time, so wait for ours to end first. */
static void rr_start(struct ike_sa *sa)
{
	struct ike_mobike_rr *rr = sa->mobike_rr;
	struct ike_gen g;

	if (rr->sent || rr->timer)
		return; /* on_rr_response() looks at the address again */
	if (ike_msg_busy(sa)) {
		rr->timer = ike_timer(sa->eng, IKE_RETRANS_MS, on_rr_retry, sa);
		return;
	}
	ike_random(sa->eng, rr->cookie2, sizeof(rr->cookie2));
	rr->to = sa->remote;
	ike_msg_begin(sa, &g, IKE_EX_INFORMATIONAL, false);
	ike_gen_notify(&g, 0, NULL, 0, IKE_N_COOKIE2, rr->cookie2,
		       sizeof(rr->cookie2));
	if (ike_msg_request(sa, &g, on_rr_response, 0) != 0) {
		ike_sa_log(LOG_LVL_WARN, sa, "MOBIKE: cannot send the "
			   "return routability check");
		ike_mobike_free(sa);
		return;
	}
	rr->sent = true;
}

void ike_mobike_check(struct ike_sa *sa)
{
	if (sa->mobike_rr)
		rr_start(sa);
	else
		move_children(sa);
}

void ike_mobike_echo(const struct ike_msg *m, struct ike_gen *g)
{
	const struct ike_notify_pld *n = ike_pld_notify(m, IKE_N_COOKIE2);

	if (n && n->data.len >= 8 && n->data.len <= 64)
		ike_gen_notify(g, 0, NULL, 0, IKE_N_COOKIE2, n->data.ptr,
			       (uint16_t)n->data.len);
}
