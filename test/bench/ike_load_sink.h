/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A stand-in data plane for the IKE benchmark: it creates the channel
 * segment (common/chan.h) as espgw-dataplane would, so that espgw-control
 * attaches and sends its SA and policy commands into a ring instead of
 * keeping them in dp_link's in-memory backlog, which would otherwise grow
 * by four commands (about 1.5 KB) per CHILD SA and be counted as the IKE
 * SA's memory.  It takes the commands off the ring and counts them by
 * type; it installs nothing and answers nothing.
 *
 * Single-threaded: drained from the load initiator's loop.
 */
#ifndef ESPGW_IKE_LOAD_SINK_H
#define ESPGW_IKE_LOAD_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include "chan_msg.h"

struct ike_load_sink;

/* Create /espgw-<name> with a command ring of cmd_slots (a power of two).
 * NULL with a sentence on stderr on failure. */
struct ike_load_sink *ike_load_sink_create(const char *name,
					   uint32_t cmd_slots);
/* Marks the segment dead and unlinks it. */
void ike_load_sink_destroy(struct ike_load_sink *s);

/* Has espgw-control attached to the segment? */
bool ike_load_sink_attached(const struct ike_load_sink *s);

/* Take every command waiting; returns how many were taken. */
uint32_t ike_load_sink_drain(struct ike_load_sink *s);

/* Commands of a type taken so far (0 for a type never seen). */
uint64_t ike_load_sink_count(const struct ike_load_sink *s,
			     enum chan_msg_type type);

/* Commands refused by the channel as malformed (checksum, length). */
uint64_t ike_load_sink_bad(const struct ike_load_sink *s);

#endif
