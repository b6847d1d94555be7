/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data plane's end of the channel: creates the segment at start (a new
 * generation), takes commands from espgw-control and answers with events.
 * Runs on the main lcore only.
 */
#ifndef ESPGW_DP_CHAN_SERVE_H
#define ESPGW_DP_CHAN_SERVE_H

#include "config.h"

struct dp;
struct chan_serve;

/* NULL on failure, with the reason logged. */
struct chan_serve *chan_serve_create(const struct espgw_config *cfg,
				     struct dp *dp);

/* Handle what is waiting; returns how many messages it took. */
unsigned int chan_serve_poll(struct chan_serve *cs);

/* Marks the segment dead, wipes and unlinks it. */
void chan_serve_destroy(struct chan_serve *cs);

#endif
