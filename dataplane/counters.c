/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "counters.h"

#define CTR_NAME(id, name) [id] = name,
static const char *const drop_names[DP_DROP_COUNT] = {
	DP_DROP_REASONS(CTR_NAME)
};
#undef CTR_NAME

static const char *const class_names[DP_CLS_COUNT] = {
	[DP_CLS_DROP] = "drop",
	[DP_CLS_SLOW] = "slow-path",
	[DP_CLS_ESP] = "esp",
	[DP_CLS_ESP_UDP] = "esp-in-udp",
	[DP_CLS_TRANSIT] = "transit",
	[DP_CLS_FRAG] = "fragment",
};

const char *dp_drop_name(enum dp_drop_reason r)
{
	return (unsigned int)r < DP_DROP_COUNT ? drop_names[r] : "?";
}

const char *dp_class_name(enum dp_class c)
{
	return (unsigned int)c < DP_CLS_COUNT ? class_names[c] : "?";
}

/* The struct is all uint64_t, so it can be summed as an array. */
#define N_WORDS (offsetof(struct dp_counters, neigh_evicted) / \
		 sizeof(uint64_t) + 1)

void counters_sum(const struct dp_counters *blocks, unsigned int n,
		  struct dp_counters *out)
{
	uint64_t *o = (uint64_t *)out;

	memset(out, 0, sizeof(*out));
	for (unsigned int b = 0; b < n; b++) {
		const uint64_t *w = (const uint64_t *)&blocks[b];

		for (size_t i = 0; i < N_WORDS; i++)
			o[i] += __atomic_load_n(&w[i], __ATOMIC_RELAXED);
	}
}

static void line(FILE *out, const char *a, const char *b, uint64_t v)
{
	if (v)
		fprintf(out, "%s%s %" PRIu64 "\n", a, b, v);
}

void counters_print(const struct dp_counters *c, const char *const *ports,
		    unsigned int n_ports, FILE *out)
{
	char pfx[96];

	for (unsigned int p = 0; p < n_ports && p < DP_MAX_PORTS; p++) {
		snprintf(pfx, sizeof(pfx), "port.%s.", ports[p]);
		line(out, pfx, "rx_packets", c->port[p].rx_packets);
		line(out, pfx, "rx_bytes", c->port[p].rx_bytes);
		line(out, pfx, "tx_packets", c->port[p].tx_packets);
		line(out, pfx, "tx_bytes", c->port[p].tx_bytes);
	}
	for (int i = 0; i < DP_CLS_COUNT; i++)
		line(out, "class.", class_names[i], c->cls[i]);
	for (int i = 0; i < DP_DROP_COUNT; i++)
		line(out, "drop.", drop_names[i], c->drop[i]);
	line(out, "", "forwarded", c->forwarded);
	line(out, "", "fragmented", c->fragmented);
	line(out, "", "icmp_too_big", c->icmp_too_big);
	line(out, "", "icmp_ttl", c->icmp_ttl);
	line(out, "", "reassembled", c->reassembled);
	line(out, "", "to_kernel", c->to_kernel);
	line(out, "", "from_kernel", c->from_kernel);
	line(out, "", "arp_requests", c->arp_requests);
	line(out, "", "neigh_learned", c->neigh_learned);
	line(out, "", "neigh_requests_lost", c->neigh_requests_lost);
	line(out, "", "neigh_held", c->neigh_held);
	line(out, "", "neigh_failed", c->neigh_failed);
	line(out, "", "neigh_evicted", c->neigh_evicted);
}
