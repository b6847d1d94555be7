/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_link.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "log.h"
#include "loop.h"

/* Events are drained and the segment checked this often. */
#define DP_LINK_TICK_MS  20
#define DP_LINK_BURST    64
#define DP_LINK_BACKLOG  (1u << 20) /* commands kept while the ring is full */

struct pending {
	struct pending *next;
	uint16_t type;
	uint32_t len;
	union chan_body body;
};

struct dp_link {
	struct loop *loop;
	char channel[CHAN_NAME_MAX];
	struct chan *ch;
	dp_link_resync_fn resync;
	dp_link_event_fn event;
	void *arg;
	struct loop_timer *tick;
	unsigned int attaches;
	bool warned_missing;
	bool silent; /* attached, but the data plane's heartbeat stopped */

	struct pending *head, *tail; /* FIFO backlog */
	unsigned int n_pending;
	uint64_t dropped; /* backlog overflow, or discarded at resync */

	struct chan_msg evts[DP_LINK_BURST];
};

static void pending_free(struct pending *p)
{
	explicit_bzero(p, sizeof(*p)); /* SA records carry keys */
	free(p);
}

static void backlog_clear(struct dp_link *link)
{
	while (link->head) {
		struct pending *p = link->head;

		link->head = p->next;
		pending_free(p);
		link->dropped++;
	}
	link->tail = NULL;
	link->n_pending = 0;
}

static void backlog_flush(struct dp_link *link)
{
	while (link->head && link->ch) {
		struct pending *p = link->head;

		if (chan_send(link->ch, p->type, &p->body, p->len) != 1)
			return;
		link->head = p->next;
		if (!link->head)
			link->tail = NULL;
		link->n_pending--;
		pending_free(p);
	}
}

static int backlog_add(struct dp_link *link, uint16_t type, const void *body,
		       uint32_t len)
{
	struct pending *p;

	if (link->n_pending >= DP_LINK_BACKLOG) {
		link->dropped++;
		return 0;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		link->dropped++;
		return 0;
	}
	p->type = type;
	p->len = len;
	memcpy(&p->body, body, len);
	if (link->tail)
		link->tail->next = p;
	else
		link->head = p;
	link->tail = p;
	link->n_pending++;
	return 0;
}

int dp_link_send(struct dp_link *link, uint16_t type, const void *body,
		 uint32_t len)
{
	if (!(chan_msg_dirs(type) & CHAN_TO_DP) ||
	    len != chan_msg_body_len(type))
		return -EINVAL;
	/* Order matters (an SA before the policy that names it): nothing
	 * overtakes the backlog. */
	if (link->ch && !link->head &&
	    chan_send(link->ch, type, body, len) == 1)
		return 0;
	return backlog_add(link, type, body, len);
}

static void attach(struct dp_link *link)
{
	struct chan_flush flush;
	char why[256];
	int rc = chan_attach(link->channel, &link->ch, why, sizeof(why));

	if (rc == CHAN_NOT_YET) {
		if (!link->warned_missing)
			log_info("channel %s%s: waiting for espgw-dataplane",
				 CHAN_PATH_PREFIX, link->channel);
		link->warned_missing = true;
		return;
	}
	if (rc != CHAN_OK) {
		if (!link->warned_missing)
			log_err("channel %s%s: %s", CHAN_PATH_PREFIX,
				link->channel, why);
		link->warned_missing = true;
		link->ch = NULL;
		return;
	}
	link->warned_missing = false;
	link->attaches++;
	log_info("channel %s%s: attached, generation %016" PRIx64,
		 CHAN_PATH_PREFIX, link->channel, chan_generation(link->ch));

	/* What waited was meant for the old data plane; the resync sends
	 * the whole state again after the flush. */
	backlog_clear(link);
	flush.generation = chan_generation(link->ch);
	dp_link_send(link, CHAN_MSG_FLUSH_ALL, &flush, sizeof(flush));
	if (link->resync)
		link->resync(link->arg, link);
}

static void check_peer(struct dp_link *link)
{
	switch (chan_check(link->ch)) {
	case CHAN_PEER_ALIVE:
		if (link->silent)
			log_info("channel: espgw-dataplane answers again");
		link->silent = false;
		return;
	case CHAN_PEER_SILENT:
		/* Killed, or stalled: a successor would mark the segment
		 * dead (NEW); until then keep it, in case it wakes. */
		if (!link->silent)
			log_warn("channel: espgw-dataplane stopped (no "
				 "heartbeat for %u s); waiting for it",
				 CHAN_HEARTBEAT_MS / 1000);
		link->silent = true;
		return;
	case CHAN_PEER_GONE:
		log_warn("channel: espgw-dataplane left; waiting for it");
		break;
	case CHAN_PEER_NEW:
		log_info("channel: espgw-dataplane restarted");
		break;
	}
	chan_close(link->ch);
	link->ch = NULL;
	link->silent = false;
	link->warned_missing = true;
}

static void drain_events(struct dp_link *link)
{
	uint32_t n;

	do {
		n = chan_recv_burst(link->ch, link->evts, DP_LINK_BURST);
		for (uint32_t i = 0; i < n && link->event; i++)
			link->event(link->arg, &link->evts[i]);
	} while (n == DP_LINK_BURST);
}

static void on_tick(void *arg)
{
	struct dp_link *link = arg;

	if (link->ch)
		check_peer(link);
	if (!link->ch)
		attach(link);
	if (link->ch) {
		drain_events(link);
		backlog_flush(link);
	}
	link->tick = loop_timer_add(link->loop, DP_LINK_TICK_MS, on_tick, link);
}

struct dp_link *dp_link_create(struct loop *l, const char *channel,
			       dp_link_resync_fn resync,
			       dp_link_event_fn event, void *arg)
{
	struct dp_link *link = calloc(1, sizeof(*link));

	if (!link)
		return NULL;
	link->loop = l;
	snprintf(link->channel, sizeof(link->channel), "%s", channel);
	link->resync = resync;
	link->event = event;
	link->arg = arg;
	on_tick(link);
	return link;
}

void dp_link_destroy(struct dp_link *link)
{
	if (!link)
		return;
	loop_timer_cancel(link->loop, link->tick);
	backlog_clear(link);
	if (link->ch)
		chan_close(link->ch);
	free(link);
}

bool dp_link_up(const struct dp_link *link)
{
	return link->ch != NULL;
}

uint64_t dp_link_generation(const struct dp_link *link)
{
	return link->ch ? chan_generation(link->ch) : 0;
}

unsigned int dp_link_attaches(const struct dp_link *link)
{
	return link->attaches;
}

void dp_link_describe(const struct dp_link *link, FILE *out, bool json)
{
	const struct chan_stats *st = link->ch ? chan_stats(link->ch) : NULL;
	uint64_t bad = 0;

	for (int i = 0; st && i < CHAN_ERR_COUNT; i++)
		bad += st->rx_bad[i];
	if (json) {
		fprintf(out,
			"{\"channel\":\"%s%s\",\"up\":%s,\"responding\":%s,"
			"\"generation\":"
			"\"%016" PRIx64 "\",\"attaches\":%u,\"sent\":%" PRIu64
			",\"received\":%" PRIu64 ",\"rejected\":%" PRIu64
			",\"backlog\":%u,\"dropped\":%" PRIu64 "}\n",
			CHAN_PATH_PREFIX, link->channel,
			link->ch ? "true" : "false",
			link->ch && !link->silent ? "true" : "false",
			dp_link_generation(link),
			link->attaches, st ? st->tx : 0, st ? st->rx : 0, bad,
			link->n_pending, link->dropped);
		return;
	}
	fprintf(out, "channel %s%s: %s\n", CHAN_PATH_PREFIX, link->channel,
		!link->ch ? "waiting for espgw-dataplane"
		: link->silent ? "up, but espgw-dataplane is not responding"
			       : "up");
	fprintf(out, "  generation %016" PRIx64 ", attached %u times\n",
		dp_link_generation(link), link->attaches);
	fprintf(out, "  sent %" PRIu64 ", received %" PRIu64
		", rejected %" PRIu64 ", backlog %u, dropped %" PRIu64 "\n",
		st ? st->tx : 0, st ? st->rx : 0, bad, link->n_pending,
		link->dropped);
}
