/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Installing and removing SAs and policies while the workers run: from
 * the channel's records (struct chan_sa, struct chan_policy) and from the
 * static SAs and policies of the configuration, which go through the same
 * path.  Everything here runs on the main lcore.
 *
 * Rules
 * - An inbound SA gets an owning worker at install (round robin), kept for
 *   its life and across updates: only that worker runs its replay window
 *   (esp_sa.h); ipsec_hooks.c hands its packets over if they arrive on
 *   another worker.
 * - Removal unpublishes first (SAD, SPD), waits for a grace period on the
 *   workers' RCU variable, and frees after; no worker ever holds a freed
 *   SA and no reader locks.  Each command costs at most two grace periods.
 * - SA_UPDATE of an installed id keeps the SPI and direction.  With the
 *   same keys and algorithms it changes in place what may change under a
 *   live SA: the peer's address and NAT-T port (RFC 3948, RFC 7296
 *   section 2.23) and the traffic selectors.  With new keys it replaces
 *   the SA (a fresh sequence-number space is right for a fresh key).
 *   Anything else changed under the same keys is refused: a new SA would
 *   restart sequence numbers under an old key (GCM nonce reuse).
 * - twin_id pairs an inbound with an outbound SA; a twin must be of the
 *   other direction.  Deleting one leaves the other installed.
 * - Static SAs and policies get ids from SA_TABLE_STATIC_ID up (plus their
 *   place in the file, from 1) and static policies the priorities from
 *   SA_TABLE_STATIC_PRIORITY up; FLUSH_ALL from espgw-control leaves them
 *   alone (they are the configuration's).
 * - Events are raised once each per SA: lifetime soft and hard, sequence
 *   numbers exhausted, and idle (no packets for the idle timeout, again
 *   after traffic resumed and stopped), for DPD.
 */
#ifndef ESPGW_DP_SA_TABLE_H
#define ESPGW_DP_SA_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_rcu_qsbr.h>

#include "chan_msg.h"
#include "config.h"
#include "esp_sa.h"
#include "sad.h"
#include "spd.h"

#define SA_TABLE_STATIC_ID (1ull << 63)
/* Static policies come after those of espgw-control, in the file's order. */
#define SA_TABLE_STATIC_PRIORITY (1u << 31)

/* Result of a command: 0 done, SA_TABLE_NOT_FOUND, or an enum chan_err. */
#define SA_TABLE_NOT_FOUND (-1)

struct sa_table_conf {
	struct rte_rcu_qsbr *rcu; /* the workers'; NULL: no readers */
	unsigned int n_workers;
	uint32_t max_sas;
	uint32_t replay_window;   /* for SAs that carry 0 */
	int socket;
};

struct sa_table;

struct sa_table *sa_table_create(const struct sa_table_conf *conf);
/* Frees every SA; only once no worker runs. */
void sa_table_free(struct sa_table *t);

struct sad *sa_table_sad(struct sa_table *t);
struct spd *sa_table_spd(struct sa_table *t);

/*
 * Commands.  *why (may be NULL) receives a sentence for the log on
 * failure; it never holds key material.
 */
int sa_table_sa_add(struct sa_table *t, const struct chan_sa *c,
		    const char **why);
int sa_table_sa_update(struct sa_table *t, const struct chan_sa *c,
		       const char **why);
int sa_table_sa_del(struct sa_table *t, uint64_t id);
int sa_table_policy_add(struct sa_table *t, const struct chan_policy *p,
			const char **why);
int sa_table_policy_del(struct sa_table *t, uint64_t id);
/* Everything espgw-control installed; static entries stay. */
void sa_table_flush(struct sa_table *t);

/* Tuning: the default window and the idle timeout (0: no idle events). */
void sa_table_set_replay_window(struct sa_table *t, uint32_t window);
void sa_table_set_idle_timeout(struct sa_table *t, uint32_t seconds);

/* Install the configuration's static SAs and policies.  0, or the first
 * failure with *why and the line in *line. */
int sa_table_load_static(struct sa_table *t, const struct cfg_dataplane *dc,
			 const char **why, unsigned int *line);

/* The installed SA of an id, for tests and counters; NULL if none. */
struct esp_sa *sa_table_find(const struct sa_table *t, uint64_t id);
unsigned int sa_table_count(const struct sa_table *t);

/* Counters of SA id.  0, or SA_TABLE_NOT_FOUND. */
int sa_table_stats(const struct sa_table *t, uint64_t id,
		   struct esp_sa_stats *st);

/* Walk installed SAs: *it starts at 0; false at the end. */
bool sa_table_next(const struct sa_table *t, uint32_t *it, uint64_t *id,
		   struct esp_sa_stats *st);

/* Sends one event; true if it went (false: try again later). */
typedef bool (*sa_table_emit_fn)(void *arg, uint16_t type, const void *body,
				 uint32_t len);

/*
 * Raise the events due at time now_s (seconds, any monotonic origin).
 * An event that could not be sent is tried again at the next call.
 * Returns the number sent.
 */
unsigned int sa_table_poll_events(struct sa_table *t, uint64_t now_s,
				  sa_table_emit_fn emit, void *arg);

/* chan_sa -> esp_params; keys copied.  CHAN_ERR_OK or why not. */
enum chan_err sa_table_params(const struct chan_sa *c, uint32_t def_window,
			      struct esp_params *p);

/* A static SA or policy of the configuration as a channel record. */
void sa_table_static_sa(const struct cfg_dataplane *dc, unsigned int i,
			struct chan_sa *c);
void sa_table_static_policy(const struct cfg_dataplane *dc, unsigned int i,
			    struct chan_policy *p);

#endif
