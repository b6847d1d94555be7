/* SPDX-License-Identifier: BSD-3-Clause */
#include "ike_load_sink.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"

#define SINK_BURST     64
#define SINK_EVT_SLOTS 64 /* we send no events */

struct ike_load_sink {
	struct chan *ch;
	uint64_t by_type[CHAN_MSG_TYPE_MAX];
	struct chan_msg msgs[SINK_BURST];
};

struct ike_load_sink *ike_load_sink_create(const char *name, uint32_t cmd_slots)
{
	struct ike_load_sink *s = calloc(1, sizeof(*s));
	char why[256] = "";
	int rc;

	if (!s)
		return NULL;
	rc = chan_create(name, cmd_slots, SINK_EVT_SLOTS, &s->ch, why,
			 sizeof(why));
	if (rc != CHAN_OK) {
		fprintf(stderr, "ike_load: channel %s: %s: %s\n", name,
			chan_rc_str(rc), why);
		free(s);
		return NULL;
	}
	return s;
}

void ike_load_sink_destroy(struct ike_load_sink *s)
{
	if (!s)
		return;
	chan_close(s->ch);
	free(s);
}

bool ike_load_sink_attached(const struct ike_load_sink *s)
{
	return atomic_load(&chan_segment(s->ch)->attaches) > 0;
}

uint32_t ike_load_sink_drain(struct ike_load_sink *s)
{
	uint32_t total = 0, n;

	do {
		n = chan_recv_burst(s->ch, s->msgs, SINK_BURST);
		for (uint32_t i = 0; i < n; i++)
			s->by_type[s->msgs[i].hdr.type % CHAN_MSG_TYPE_MAX]++;
		/* Our copies of SA records carry keys too. */
		explicit_bzero(s->msgs, n * sizeof(s->msgs[0]));
		total += n;
	} while (n == SINK_BURST);
	return total;
}

uint64_t ike_load_sink_count(const struct ike_load_sink *s,
			     enum chan_msg_type type)
{
	return type < CHAN_MSG_TYPE_MAX ? s->by_type[type] : 0;
}

uint64_t ike_load_sink_bad(const struct ike_load_sink *s)
{
	const struct chan_stats *st = chan_stats(s->ch);
	uint64_t n = 0;

	for (unsigned int i = 0; i < CHAN_ERR_COUNT; i++)
		n += st->rx_bad[i];
	return n;
}
