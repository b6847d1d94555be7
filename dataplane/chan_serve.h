/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data plane's end of the channel: creates the segment at start (a new
 * generation), applies espgw-control's commands to the SA table and
 * answers with events.  Runs on the main lcore only.
 *
 * Commands and their answers
 *   SA_ADD, SA_UPDATE, SA_DEL, POLICY_ADD, POLICY_DEL: applied (see
 *     sa_table.h for the rules); silence means done, a refusal is a
 *     CMD_ERROR event naming the command's seq, type and id, with err the
 *     reason (CHAN_ERR_OK: the id is not installed).
 *   A record the channel itself rejects (bad checksum, a field out of
 *     range: chan_msg_check) never reaches the table; it is answered with
 *     a CMD_ERROR whose seq and type are 0 (unknown) and whose err is the
 *     reason, once per rejected message.
 *   COUNTER_REQ: one COUNTER_REPLY per SA (every SA for sa_id 0), the last
 *     one flagged CHAN_CR_LAST; reasons[i] is the count of enum esp_drop
 *     i + 1 (esp_drop.h) for i < 15, and reasons[15] the sum of the rest.
 *   TUNING: REPLAY_WINDOW (64..4096, power of two), IDLE_TIMEOUT, LOG_LEVEL.
 *   FLUSH_ALL: every SA and policy espgw-control installed; static ones
 *     stay.  PING: echoed.
 *   Events: LIFETIME, SEQ_EXHAUSTED, SA_IDLE, checked every 100 ms.
 */
#ifndef ESPGW_DP_CHAN_SERVE_H
#define ESPGW_DP_CHAN_SERVE_H

#include "config.h"

struct dp;
struct chan_serve;
struct sa_table;

/* NULL on failure, with the reason logged. */
struct chan_serve *chan_serve_create(const struct espgw_config *cfg,
				     struct dp *dp, struct sa_table *t);

/* Handle what is waiting; returns how many messages it took. */
unsigned int chan_serve_poll(struct chan_serve *cs);

/* Marks the segment dead, wipes and unlinks it. */
void chan_serve_destroy(struct chan_serve *cs);

#endif
