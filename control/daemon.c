/* SPDX-License-Identifier: BSD-3-Clause */
#include "daemon.h"

#include "ctl_server.h"
#include "dp_link.h"
#include "log.h"
#include "loop.h"

static void on_resync(void *arg, struct dp_link *link)
{
	(void)arg;
	(void)link;
	/* XXX No SA is negotiated yet, so there is nothing to re-install;
	 * the IKE engine will walk its CHILD_SAs here. */
}

static void on_event(void *arg, const struct chan_msg *m)
{
	(void)arg;
	log_debug("channel: event %s", chan_msg_type_name(m->hdr.type));
}

static int daemon_start(struct daemon *d)
{
	d->loop = loop_create();
	if (!d->loop)
		return -1;
	d->link = dp_link_create(d->loop, d->cfg->dataplane.channel,
				 on_resync, on_event, d);
	d->ctl = ctl_server_create(d->loop, d->cfg->control.ctl_socket,
				   daemon_ctl_cmds, daemon_n_ctl_cmds, d);
	return d->link && d->ctl ? 0 : -1;
}

static void daemon_stop(struct daemon *d)
{
	ctl_server_destroy(d->ctl);
	dp_link_destroy(d->link);
	loop_destroy(d->loop);
}

int daemon_run(const struct espgw_config *cfg, volatile sig_atomic_t *stop)
{
	struct daemon d = { .cfg = cfg };
	int rc = 1;

	if (daemon_start(&d) == 0) {
		log_info("running; SIGINT or SIGTERM stops");
		/* A signal interrupts poll(); the wait bound covers a signal
		 * that lands just before it. */
		while (!*stop && loop_run_once(d.loop, 500) >= 0)
			;
		log_info("stopping");
		rc = 0;
	}
	daemon_stop(&d);
	return rc;
}
