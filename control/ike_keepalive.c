/* SPDX-License-Identifier: BSD-3-Clause */
#include "ike_keepalive.h"

static void on_keepalive(void *arg)
{
	struct ike_sa *sa = arg;
	struct ike_engine *e = sa->eng;

	sa->keepalive_timer = NULL;
	if (e->ops.send_keepalive(e->ops.arg, &sa->local, &sa->remote) == 0)
		e->stats.keepalives++;
	sa->keepalive_timer = ike_timer(e, IKE_KEEPALIVE_MS, on_keepalive, sa);
}

void ike_keepalive_start(struct ike_sa *sa)
{
	struct ike_engine *e = sa->eng;

	if (!sa->nat_local || !e->ops.send_keepalive || sa->keepalive_timer)
		return;
	sa->keepalive_timer = ike_timer(e, IKE_KEEPALIVE_MS, on_keepalive, sa);
}

void ike_keepalive_stop(struct ike_sa *sa)
{
	ike_timer_cancel(sa->eng, &sa->keepalive_timer);
}
