/* SPDX-License-Identifier: BSD-3-Clause */
#include "daemon.h"

#include "ctl_server.h"
#include "dp_link.h"
#include "ike_engine.h"
#include "ike_net.h"
#include "ike_proto.h"
#include "log.h"
#include "loop.h"

/* After every (re)attach the data plane is empty: send all we hold. */
static void on_resync(void *arg, struct dp_link *link)
{
	struct daemon *d = arg;

	(void)link;
	if (d->ike)
		ike_engine_resync(d->ike);
}

static void on_event(void *arg, const struct chan_msg *m)
{
	struct daemon *d = arg;

	log_debug("channel: event %s", chan_msg_type_name(m->hdr.type));
	if (d->ike)
		ike_engine_dp_event(d->ike, m);
}

/* ---- the engine's environment ---- */

static int ike_send(void *arg, const struct ike_ep *local,
		    const struct ike_ep *remote, const uint8_t *buf,
		    size_t len)
{
	struct daemon *d = arg;

	return d->net ? ike_net_send(d->net, local, remote, buf, len) : -1;
}

static int ike_keepalive(void *arg, const struct ike_ep *local,
			 const struct ike_ep *remote)
{
	struct daemon *d = arg;

	return d->net ? ike_net_send_keepalive(d->net, local, remote) : -1;
}

static void ike_dp_send(void *arg, uint16_t type, const void *body,
			uint32_t len)
{
	struct daemon *d = arg;

	if (d->link && dp_link_send(d->link, type, body, len) != 0)
		log_err("channel: malformed %s not sent",
			chan_msg_type_name(type));
}

static void *ike_timer_add(void *arg, uint64_t ms, ike_timer_fn fn, void *a)
{
	struct daemon *d = arg;

	return loop_timer_add(d->loop, ms, fn, a);
}

static void ike_timer_cancel(void *arg, void *t)
{
	struct daemon *d = arg;

	loop_timer_cancel(d->loop, t);
}

static uint64_t ike_now(void *arg)
{
	(void)arg;
	return loop_now_ms();
}

static void on_ike_rx(void *arg, const struct ike_ep *local,
		      const struct ike_ep *remote, uint8_t *buf, size_t len)
{
	struct daemon *d = arg;

	ike_engine_input(d->ike, local, remote, buf, len);
}

static int start_ike(struct daemon *d)
{
	const struct ike_engine_ops ops = {
		.send = ike_send, .send_keepalive = ike_keepalive,
		.dp_send = ike_dp_send,
		.timer_add = ike_timer_add, .timer_cancel = ike_timer_cancel,
		.now_ms = ike_now, .arg = d,
	};
	const struct cfg_control *c = &d->cfg->control;

	d->ike = ike_engine_create(d->cfg, &ops);
	if (!d->ike)
		return -1;
	ike_engine_set_cookie_threshold(d->ike, c->cookie_threshold);
	ike_engine_set_fragment_size(d->ike, c->ike_fragment_size);
	d->net = ike_net_create(d->loop, c->ike_addresses, c->n_ike_addresses,
				IKE_PORT, IKE_NATT_PORT, on_ike_rx, d);
	if (!d->net)
		return -1;
	ike_engine_start(d->ike);
	return 0;
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
	if (!d->link || !d->ctl)
		return -1;
	return start_ike(d);
}

static void daemon_stop(struct daemon *d)
{
	struct dp_link *link = d->link;

	ike_net_destroy(d->net);
	d->net = NULL;
	/* The data plane keeps forwarding with what it has while we are
	 * away (DESIGN, decision 2): the engine goes without uninstalling,
	 * and our next attach flushes and re-installs. */
	d->link = NULL;
	ike_engine_destroy(d->ike);
	d->ike = NULL;
	ctl_server_destroy(d->ctl);
	dp_link_destroy(link);
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
