/* SPDX-License-Identifier: BSD-3-Clause */
#include "chan_serve.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "log.h"

#define CHAN_SERVE_BURST 32
#define CHAN_CMD_SLOTS   4096
#define CHAN_EVT_SLOTS   4096

struct chan_serve {
	struct chan *ch;
	struct dp *dp;
	struct chan_msg msgs[CHAN_SERVE_BURST];
};

struct chan_serve *chan_serve_create(const struct espgw_config *cfg,
				     struct dp *dp)
{
	struct chan_serve *cs = calloc(1, sizeof(*cs));
	char why[256];
	int rc;

	if (!cs)
		return NULL;
	cs->dp = dp;
	rc = chan_create(cfg->dataplane.channel, CHAN_CMD_SLOTS,
			 CHAN_EVT_SLOTS, &cs->ch, why, sizeof(why));
	if (rc != CHAN_OK) {
		log_err("channel \"%s\": %s", cfg->dataplane.channel, why);
		free(cs);
		return NULL;
	}
	log_info("channel %s%s ready, generation %016" PRIx64,
		 CHAN_PATH_PREFIX, cfg->dataplane.channel,
		 chan_generation(cs->ch));
	return cs;
}

static void refuse(struct chan_serve *cs, const struct chan_msg *m)
{
	struct chan_ev_cmd_error e = {
		.seq = m->hdr.seq,
		.type = m->hdr.type,
		.err = CHAN_ERR_OK,
	};

	if (chan_send(cs->ch, CHAN_MSG_CMD_ERROR, &e, sizeof(e)) != 1)
		log_warn("channel: event ring full, refusal of command %" PRIu64
			 " lost", m->hdr.seq);
}

static void handle(struct chan_serve *cs, const struct chan_msg *m)
{
	switch (m->hdr.type) {
	case CHAN_MSG_PING:
		chan_send(cs->ch, CHAN_MSG_PING, &m->body.PING,
			  sizeof(m->body.PING));
		break;
	case CHAN_MSG_FLUSH_ALL:
		log_info("channel: espgw-control flushed its state");
		break;
	default:
		/* XXX SAs, policies, tuning and counters are not applied
		 * yet: each command is refused with a CMD_ERROR event. */
		log_debug("channel: %s not handled yet",
			  chan_msg_type_name(m->hdr.type));
		refuse(cs, m);
		break;
	}
}

unsigned int chan_serve_poll(struct chan_serve *cs)
{
	uint32_t n = chan_recv_burst(cs->ch, cs->msgs, CHAN_SERVE_BURST);

	for (uint32_t i = 0; i < n; i++)
		handle(cs, &cs->msgs[i]);
	return n;
}

void chan_serve_destroy(struct chan_serve *cs)
{
	if (!cs)
		return;
	chan_close(cs->ch);
	explicit_bzero(cs->msgs, sizeof(cs->msgs));
	free(cs);
}
