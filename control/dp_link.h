/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * espgw-control's end of the channel to the data plane.
 *
 * It attaches when the data plane has published the segment (either may
 * start first), watches for a data plane that left or was replaced, and on
 * every (re)attach sends FLUSH_ALL and asks its owner, through the resync
 * callback, to send everything it holds again.  Commands that find the
 * ring full wait in a backlog, in order, and go out as space frees up.
 */
#ifndef ESPGW_DP_LINK_H
#define ESPGW_DP_LINK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "chan_msg.h"

struct loop;
struct dp_link;

/* Called after each attach, FLUSH_ALL already sent: re-send your state. */
typedef void (*dp_link_resync_fn)(void *arg, struct dp_link *link);
/* Called for each event the data plane sends. */
typedef void (*dp_link_event_fn)(void *arg, const struct chan_msg *m);

struct dp_link *dp_link_create(struct loop *l, const char *channel,
			       dp_link_resync_fn resync,
			       dp_link_event_fn event, void *arg);
void dp_link_destroy(struct dp_link *link);

/*
 * Send a command, or keep it for later if the ring is full or the data
 * plane is not there (it is then dropped at the next resync, which re-sends
 * the whole state).  Returns 0, or -EINVAL for a malformed command.
 */
int dp_link_send(struct dp_link *link, uint16_t type, const void *body,
		 uint32_t len);

bool dp_link_up(const struct dp_link *link);
uint64_t dp_link_generation(const struct dp_link *link);
/* How many times it attached to a new generation. */
unsigned int dp_link_attaches(const struct dp_link *link);

/* State and counters for "espgwctl show channel". */
void dp_link_describe(const struct dp_link *link, FILE *out, bool json);

#endif
