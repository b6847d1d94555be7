/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <string.h>

#include "ike_child.h"
#include "log.h"

int child_derive(struct child_sa *c, struct ike_slice ni, struct ike_slice nr,
		 struct ike_slice gir, bool initiator)
{
	struct ike_sa *sa = c->ike;
	struct ike_slice sk_d = { sa->keys.sk_d, sa->keys.d_len };

	c->keys_outbound_i = initiator;
	return ike_keys_child(&c->keys, sa->prop.prf, sk_d, c->prop.encr,
			      c->prop.integ, gir, ni, nr);
}

void child_to_chan(const struct child_sa *c, bool inbound, struct chan_sa *o)
{
	const struct ike_sa *sa = c->ike;
	const struct ike_child_keys *k = &c->keys;
	/* "i" keys protect what the exchange's initiator sends. */
	bool use_i = inbound != c->keys_outbound_i;

	memset(o, 0, sizeof(*o));
	o->id = child_id(c, inbound);
	o->twin_id = child_id(c, !inbound);
	o->spi = inbound ? c->spi_in : c->spi_out;
	o->dir = inbound ? CHAN_DIR_IN : CHAN_DIR_OUT;
	o->mode = CHAN_MODE_TUNNEL;
	o->local = sa->local.addr;
	o->remote = sa->remote.addr;
	if (ike_sa_natt(sa)) {
		o->natt = 1;
		o->natt_local_port = sa->local.port;
		o->natt_remote_port = sa->remote.port;
	}
	o->esn = c->prop.esn;
	o->enc_algo = (uint16_t)c->prop.encr->id;
	o->integ_algo = c->prop.integ ? (uint16_t)c->prop.integ->id : 0;
	o->enc_key_len = (uint8_t)k->e_len;
	o->integ_key_len = (uint8_t)k->a_len;
	o->replay_window = sa->eng->cfg->dataplane.replay_window;
	o->ts_local = c->ts_local;
	o->ts_remote = c->ts_remote;
	memcpy(o->enc_key, use_i ? k->ei : k->er, k->e_len);
	memcpy(o->integ_key, use_i ? k->ai : k->ar, k->a_len);
}

void child_policy(const struct child_sa *c, bool inbound,
		  struct chan_policy *o)
{
	const struct chan_ts *l = &c->ts_local, *r = &c->ts_remote;

	memset(o, 0, sizeof(*o));
	o->id = child_id(c, inbound);
	o->sa_id = o->id;
	/* More specific selectors first; among equal ones the newest. */
	o->priority = (512u - l->prefix.len - r->prefix.len) << 16 |
		      (0xffffu - c->gen);
	o->dir = inbound ? CHAN_DIR_IN : CHAN_DIR_OUT;
	o->action = CHAN_ACT_ENCRYPT;
	o->proto = l->proto ? l->proto : r->proto;
	o->local = l->prefix;
	o->remote = r->prefix;
	o->local_port_lo = l->port_lo;
	o->local_port_hi = l->port_hi;
	o->remote_port_lo = r->port_lo;
	o->remote_port_hi = r->port_hi;
}

static void send_sa(struct child_sa *c, uint16_t type, bool inbound)
{
	struct ike_engine *e = c->ike->eng;
	struct chan_sa s;

	child_to_chan(c, inbound, &s);
	e->ops.dp_send(e->ops.arg, type, &s, sizeof(s));
	explicit_bzero(&s, sizeof(s));
}

static void send_policy(struct child_sa *c, bool inbound)
{
	struct ike_engine *e = c->ike->eng;
	struct chan_policy p;

	child_policy(c, inbound, &p);
	e->ops.dp_send(e->ops.arg, CHAN_MSG_POLICY_ADD, &p, sizeof(p));
}

void child_install(struct child_sa *c)
{
	/* Inbound first: the peer may send as soon as it has our answer. */
	send_sa(c, CHAN_MSG_SA_ADD, true);
	send_sa(c, CHAN_MSG_SA_ADD, false);
	send_policy(c, true);
	if (!c->out_pending)
		send_policy(c, false);
	c->installed = true;
}

void child_activate_out(struct child_sa *c)
{
	if (!c->out_pending)
		return;
	c->out_pending = false;
	if (c->installed)
		send_policy(c, false);
}

void child_uninstall(struct child_sa *c)
{
	struct ike_engine *e = c->ike->eng;

	for (int in = 0; in < 2; in++) {
		struct chan_policy_del p = { child_id(c, in) };
		struct chan_sa_del s = { child_id(c, in) };

		if (in || !c->out_pending)
			e->ops.dp_send(e->ops.arg, CHAN_MSG_POLICY_DEL, &p,
				       sizeof(p));
		e->ops.dp_send(e->ops.arg, CHAN_MSG_SA_DEL, &s, sizeof(s));
	}
	c->installed = false;
}

void child_update(struct child_sa *c)
{
	if (!c->installed)
		return;
	send_sa(c, CHAN_MSG_SA_UPDATE, true);
	send_sa(c, CHAN_MSG_SA_UPDATE, false);
}
