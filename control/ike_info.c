/* SPDX-License-Identifier: BSD-3-Clause */
/* INFORMATIONAL (RFC 7296 section 1.4): DELETE of CHILD SAs and of the
 * IKE SA, and the answer to liveness checks (section 2.4; our own are
 * ike_dpd.c's) and to MOBIKE's requests (ike_mobike.c). */
#include <arpa/inet.h>
#include <string.h>

#include "ike_child.h"
#include "ike_dpd.h"
#include "ike_exchange.h"
#include "ike_mobike.h"
#include "ike_msg.h"
#include "log.h"

#define MAX_DEL_SPIS 64

struct del_reply {
	uint32_t spis[MAX_DEL_SPIS]; /* our inbound SPIs, network order */
	uint16_t n;
	bool ike;
};

/* Section 1.4.1: the peer names its inbound SPIs; we answer with ours. */
static void delete_children(struct ike_sa *sa, const struct ike_delete_pld *d,
			    struct del_reply *r)
{
	for (unsigned int i = 0; i < d->n_spi && r->n < MAX_DEL_SPIS; i++) {
		uint32_t spi;
		struct child_sa *c;

		memcpy(&spi, d->spis.ptr + 4 * i, 4);
		c = child_sa_find_out(sa, spi);
		if (!c)
			continue;
		r->spis[r->n++] = c->spi_in;
		ike_sa_log(LOG_LVL_INFO, sa, "CHILD SA %08x/%08x deleted by "
			   "the peer", ntohl(c->spi_in), ntohl(spi));
		child_sa_destroy(c);
	}
}

void ike_info_request(struct ike_sa *sa, struct ike_msg *m)
{
	struct del_reply r = { .n = 0 };
	struct ike_gen g;
	bool moved;

	if (sa->state != IKE_SA_ESTABLISHED && sa->state != IKE_SA_DELETING) {
		sa->eng->stats.unexpected++;
		return;
	}
	for (unsigned int i = 0; i < m->n_deletes; i++) {
		const struct ike_delete_pld *d = &m->del[i];

		if (d->protocol == IKE_PROTO_IKE)
			r.ike = true;
		else if (d->protocol == IKE_PROTO_ESP && d->spi_size == 4)
			delete_children(sa, d, &r);
	}
	moved = sa->mobike && ike_pld_notify(m, IKE_N_UPDATE_SA_ADDRESSES);
	ike_msg_begin(sa, &g, IKE_EX_INFORMATIONAL, true);
	if (moved)
		ike_mobike_update(sa, m, &g);
	ike_mobike_echo(m, &g);
	if (!r.ike && r.n)
		ike_gen_delete(&g, IKE_PROTO_ESP, 4, (const uint8_t *)r.spis,
			       r.n);
	ike_msg_respond(sa, &g); /* empty: a DPD answer (section 2.4) */
	if (moved && !r.ike)
		ike_mobike_check(sa);
	if (r.ike) {
		ike_sa_log(LOG_LVL_INFO, sa, "IKE SA deleted by the peer");
		sa->eng->stats.deleted++;
		ike_sa_destroy(sa);
	}
}

/* DPD is ike_dpd.c's; ike_exchange.h still names it here. */
void ike_info_dpd_schedule(struct ike_sa *sa)
{
	ike_dpd_schedule(sa);
}

static void on_delete_response(struct ike_sa *sa, struct ike_msg *m)
{
	(void)m;
	ike_sa_log(LOG_LVL_INFO, sa, "IKE SA deleted");
	sa->eng->stats.deleted++;
	ike_sa_destroy(sa);
}

int ike_info_delete_ike(struct ike_sa *sa)
{
	struct ike_gen g;

	if (sa->state != IKE_SA_ESTABLISHED || ike_msg_busy(sa))
		return -1;
	ike_msg_begin(sa, &g, IKE_EX_INFORMATIONAL, false);
	ike_gen_delete(&g, IKE_PROTO_IKE, 0, NULL, 0);
	if (ike_msg_request(sa, &g, on_delete_response, 0) != 0)
		return -1;
	ike_timer_cancel(sa->eng, &sa->life_timer);
	sa->state = IKE_SA_DELETING;
	return 0;
}
