/* SPDX-License-Identifier: BSD-3-Clause */
#include "chan_serve.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chan.h"
#include "log.h"
#include "sa_table.h"

#define CHAN_SERVE_BURST 32
#define CHAN_CMD_SLOTS   4096
#define CHAN_EVT_SLOTS   4096
#define EVENT_PERIOD_NS  100000000ull /* events and idle checks: 100 ms */

/*
 * How long an inbound SA stays after espgw-control deleted it.  After a
 * rekey, the peer deletes the old pair as soon as its control has told
 * its own data plane to send on the new one; when that data plane is an
 * asynchronous one like ours, a few packets can still leave on the old
 * SA after the DELETE, and they would find no SA here.  Outbound SAs
 * and policies go at once.
 */
#define INBOUND_GRACE_NS 500000000ull
#define INBOUND_GRACE_MAX 256 /* deletions waiting; more go at once */

struct dying_sa {
	uint64_t id;
	uint64_t at_ns; /* delete from then on */
};

struct chan_serve {
	struct chan *ch;
	struct dp *dp;
	struct sa_table *t;
	uint64_t next_events;             /* ns, CLOCK_MONOTONIC */
	uint64_t rx_bad[CHAN_ERR_COUNT];  /* already answered */
	uint64_t events_lost;
	struct dying_sa dying[INBOUND_GRACE_MAX];
	unsigned int n_dying;
	struct chan_msg msgs[CHAN_SERVE_BURST];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sa_delete_now(struct chan_serve *cs, uint64_t id)
{
	if (sa_table_sa_del(cs->t, id) == 0)
		log_info("channel: SA %016" PRIx64 " deleted", id);
}

/* Delete the inbound SAs whose grace has run out by now, and the one of
 * id if given. */
static void reap_dying(struct chan_serve *cs, uint64_t now,
		       const uint64_t *id)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < cs->n_dying; i++) {
		struct dying_sa *d = &cs->dying[i];

		if (d->at_ns <= now || (id && d->id == *id))
			sa_delete_now(cs, d->id);
		else
			cs->dying[k++] = *d;
	}
	cs->n_dying = k;
}

/* An inbound SA waits out INBOUND_GRACE_NS; the rest go at once. */
static bool sa_delete_later(struct chan_serve *cs, uint64_t id)
{
	const struct esp_sa *sa = sa_table_find(cs->t, id);

	if (!sa || sa->dir != ESP_DIR_IN || cs->n_dying == INBOUND_GRACE_MAX)
		return false;
	cs->dying[cs->n_dying++] = (struct dying_sa){
		.id = id, .at_ns = now_ns() + INBOUND_GRACE_NS };
	return true;
}

struct chan_serve *chan_serve_create(const struct espgw_config *cfg,
				     struct dp *dp, struct sa_table *t)
{
	struct chan_serve *cs = calloc(1, sizeof(*cs));
	char why[256];
	int rc;

	if (!cs)
		return NULL;
	cs->dp = dp;
	cs->t = t;
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

/* Events are few and matter: a full ring is logged, once per burst. */
static bool emit(void *arg, uint16_t type, const void *body, uint32_t len)
{
	struct chan_serve *cs = arg;

	if (chan_send(cs->ch, type, body, len) == 1)
		return true;
	if (cs->events_lost++ == 0)
		log_warn("channel: event ring full; events wait");
	return false;
}

static void refuse(struct chan_serve *cs, const struct chan_msg *m,
		   uint64_t id, int rc, const char *why)
{
	struct chan_ev_cmd_error e = {
		.seq = m->hdr.seq,
		.id = id,
		.type = m->hdr.type,
		.err = rc == SA_TABLE_NOT_FOUND ? CHAN_ERR_OK : (uint16_t)rc,
	};

	log_warn("channel: %s %016" PRIx64 " refused: %s",
		 chan_msg_type_name(m->hdr.type), id,
		 rc == SA_TABLE_NOT_FOUND ? "not installed" : why);
	emit(cs, CHAN_MSG_CMD_ERROR, &e, sizeof(e));
}

static void log_sa(const char *what, const struct chan_sa *sa)
{
	log_info("channel: %s SA %016" PRIx64 " SPI %08" PRIx32 " %s", what,
		 sa->id, ntohl(sa->spi), sa->dir == CHAN_DIR_IN ? "in" : "out");
}

static void handle_sa(struct chan_serve *cs, const struct chan_msg *m)
{
	const struct chan_sa *sa = &m->body.SA_ADD; /* or SA_UPDATE */
	const char *why = NULL;
	int rc;

	if (m->hdr.type == CHAN_MSG_SA_ADD) {
		reap_dying(cs, 0, &sa->id); /* a re-add: the old one goes */
		rc = sa_table_sa_add(cs->t, sa, &why);
	} else {
		rc = sa_table_sa_update(cs->t, sa, &why);
	}
	if (rc != 0)
		refuse(cs, m, sa->id, rc, why);
	else
		log_sa(m->hdr.type == CHAN_MSG_SA_ADD ? "added" : "updated",
		       sa);
}

static void handle_del(struct chan_serve *cs, const struct chan_msg *m)
{
	bool sa = m->hdr.type == CHAN_MSG_SA_DEL;
	uint64_t id = sa ? m->body.SA_DEL.id : m->body.POLICY_DEL.id;
	int rc;

	if (sa && sa_delete_later(cs, id))
		return;
	rc = sa ? sa_table_sa_del(cs->t, id) : sa_table_policy_del(cs->t, id);
	if (rc != 0)
		refuse(cs, m, id, rc, NULL);
	else
		log_info("channel: %s %016" PRIx64 " deleted",
			 sa ? "SA" : "policy", id);
}

static void handle_policy(struct chan_serve *cs, const struct chan_msg *m)
{
	const struct chan_policy *p = &m->body.POLICY_ADD;
	const char *why = NULL;
	int rc = sa_table_policy_add(cs->t, p, &why);

	if (rc != 0)
		refuse(cs, m, p->id, rc, why);
	else
		log_debug("channel: policy %016" PRIx64 " added", p->id);
}

static void handle_tuning(struct chan_serve *cs, const struct chan_msg *m)
{
	const struct chan_tuning *tu = &m->body.TUNING;
	uint64_t v = tu->value;

	switch (tu->key) {
	case CHAN_TUNE_REPLAY_WINDOW:
		if (v < CHAN_REPLAY_MIN || v > CHAN_REPLAY_MAX ||
		    (v & (v - 1)) != 0)
			break;
		sa_table_set_replay_window(cs->t, (uint32_t)v);
		return;
	case CHAN_TUNE_IDLE_TIMEOUT:
		if (v > UINT32_MAX)
			break;
		sa_table_set_idle_timeout(cs->t, (uint32_t)v);
		return;
	case CHAN_TUNE_LOG_LEVEL:
		if (v > LOG_LVL_DEBUG)
			break;
		log_init("espgw-dataplane", (enum log_level)v);
		return;
	}
	refuse(cs, m, tu->key, CHAN_ERR_TUNING, "value out of range");
}

/* Reasons 1..15 one each, the rest summed in the last (chan_serve.h). */
static void fill_reply(struct chan_counter_reply *r,
		       const struct esp_sa_stats *st)
{
	r->packets = st->packets;
	r->bytes = st->bytes;
	r->drops = st->drops;
	r->n_reasons = CHAN_COUNTER_REASONS;
	for (unsigned int i = 1; i < ESP_DROP_COUNT; i++)
		r->reasons[RTE_MIN(i, CHAN_COUNTER_REASONS) - 1] += st->drop[i];
}

static void reply_all(struct chan_serve *cs, uint64_t cookie)
{
	struct chan_counter_reply r = { .cookie = cookie };
	struct esp_sa_stats st;
	uint32_t it = 0;
	uint64_t id;
	bool have;

	/* One behind, so that the last reply can carry CHAN_CR_LAST. */
	have = sa_table_next(cs->t, &it, &id, &st);
	while (have) {
		memset(&r, 0, sizeof(r));
		r.cookie = cookie;
		r.sa_id = id;
		fill_reply(&r, &st);
		have = sa_table_next(cs->t, &it, &id, &st);
		r.flags = have ? 0 : CHAN_CR_LAST;
		emit(cs, CHAN_MSG_COUNTER_REPLY, &r, sizeof(r));
	}
	if (r.sa_id == 0) { /* no SA at all: one empty, last reply */
		r.flags = CHAN_CR_LAST;
		emit(cs, CHAN_MSG_COUNTER_REPLY, &r, sizeof(r));
	}
}

static void handle_counters(struct chan_serve *cs, const struct chan_msg *m)
{
	const struct chan_counter_req *q = &m->body.COUNTER_REQ;
	struct chan_counter_reply r = {
		.cookie = q->cookie, .sa_id = q->sa_id, .flags = CHAN_CR_LAST,
	};
	struct esp_sa_stats st;

	if (q->sa_id == 0) {
		reply_all(cs, q->cookie);
		return;
	}
	if (sa_table_stats(cs->t, q->sa_id, &st) != 0) {
		refuse(cs, m, q->sa_id, SA_TABLE_NOT_FOUND, NULL);
		return;
	}
	fill_reply(&r, &st);
	emit(cs, CHAN_MSG_COUNTER_REPLY, &r, sizeof(r));
}

static void handle(struct chan_serve *cs, const struct chan_msg *m)
{
	switch (m->hdr.type) {
	case CHAN_MSG_SA_ADD:
	case CHAN_MSG_SA_UPDATE:
		handle_sa(cs, m);
		break;
	case CHAN_MSG_SA_DEL:
	case CHAN_MSG_POLICY_DEL:
		handle_del(cs, m);
		break;
	case CHAN_MSG_POLICY_ADD:
		handle_policy(cs, m);
		break;
	case CHAN_MSG_TUNING:
		handle_tuning(cs, m);
		break;
	case CHAN_MSG_COUNTER_REQ:
		handle_counters(cs, m);
		break;
	case CHAN_MSG_PING:
		emit(cs, CHAN_MSG_PING, &m->body.PING, sizeof(m->body.PING));
		break;
	case CHAN_MSG_FLUSH_ALL:
		log_info("channel: espgw-control flushed its state");
		cs->n_dying = 0; /* the flush takes them too */
		sa_table_flush(cs->t);
		break;
	}
}

/* Messages the channel rejected before we saw them: one CMD_ERROR each,
 * seq and type unknown (0). */
static void answer_rejected(struct chan_serve *cs)
{
	const struct chan_stats *s = chan_stats(cs->ch);
	struct chan_ev_cmd_error e = { 0 };

	for (unsigned int i = 1; i < CHAN_ERR_COUNT; i++) {
		while (cs->rx_bad[i] < s->rx_bad[i]) {
			e.err = (uint16_t)i;
			if (!emit(cs, CHAN_MSG_CMD_ERROR, &e, sizeof(e)))
				return;
			cs->rx_bad[i]++;
			log_warn("channel: a command was rejected: %s",
				 chan_err_str((enum chan_err)i));
		}
	}
}

unsigned int chan_serve_poll(struct chan_serve *cs)
{
	uint32_t n = chan_recv_burst(cs->ch, cs->msgs, CHAN_SERVE_BURST);
	uint64_t now;

	chan_beat(cs->ch); /* espgw-control sees the main loop turn */
	for (uint32_t i = 0; i < n; i++)
		handle(cs, &cs->msgs[i]);
	explicit_bzero(cs->msgs, n * sizeof(cs->msgs[0]));
	answer_rejected(cs);

	/* Policy changes published with the old rte_acl contexts get new
	 * ones once they stop (spd.h). */
	if (spd_settle(sa_table_spd(cs->t)))
		n++;
	now = now_ns();
	if (cs->n_dying)
		reap_dying(cs, now, NULL);
	if (now >= cs->next_events) {
		cs->next_events = now + EVENT_PERIOD_NS;
		n += sa_table_poll_events(cs->t, now / 1000000000ull, emit,
					  cs);
		cs->events_lost = 0;
	}
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
