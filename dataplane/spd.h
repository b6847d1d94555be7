/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The security policy database (RFC 4301 section 4.4.1) as the workers
 * consult it for transit traffic, and the traffic-selector check of
 * decrypted packets (RFC 4301 section 5.2, step 4).
 *
 * Outbound lookup, per packet, in this order:
 * 1. Road-warrior fast path: an ENCRYPT policy whose selectors are "any
 *    local, one remote host, any protocol and port" (the virtual IP that
 *    mode-config handed out) lives in a hash of host addresses, so that
 *    hundreds of thousands of road warriors cost one hash lookup.  It
 *    precedes every general policy: a pool address belongs to its SA.
 * 2. General policies in priority order (lower first, then the order of
 *    installation), outbound ones matched with local = source, inbound
 *    ones with local = destination.  An inbound ENCRYPT policy that
 *    matches a clear packet discards it: that traffic must arrive under
 *    ESP (RFC 4301 section 5.2).  A short list is scanned (spd_scan());
 *    from 24 policies on, one rte_acl context per address family finds
 *    the same first match (spd_acl.h).  Building the contexts takes
 *    tens of milliseconds at a thousand policies, so a change does not
 *    wait for it: the list is published at once with the contexts of an
 *    older one (the base) and the difference, a few policies added
 *    since, scanned, and a few deleted, which send a lookup the base
 *    answers with one of them to the full scan.  The contexts are built
 *    anew when the difference grows past SPD_DELTA_MAX or when changes
 *    stop for a moment (spd_settle()).
 * 3. No match: bypass.  The frame forwards everything else in clear, as a
 *    router does; an operator who wants default-deny adds a discard
 *    policy with the lowest priority.
 * An ENCRYPT policy whose SA is not (or no longer) installed discards.
 *
 * Thread-safety: the main lcore is the only writer.  The vip hash is an
 * rte_hash with lock-free readers; the general list is an immutable array
 * swapped by pointer, with its rte_acl contexts.  Either way the writer
 * frees what it replaced only after rte_rcu_qsbr_synchronize() on the
 * workers' RCU variable, which spd_* calls itself where it frees.
 */
#ifndef ESPGW_DP_SPD_H
#define ESPGW_DP_SPD_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "addr.h"

struct esp_sa;

/* Traffic selectors of one side pair; family 0 in a prefix: any. */
struct spd_sel {
	struct ip_prefix local, remote;
	uint8_t proto;               /* 0: any */
	uint16_t lport_lo, lport_hi; /* host order, inclusive */
	uint16_t rport_lo, rport_hi;
};

/* What the selectors are matched against, taken from a packet. */
struct spd_key {
	uint8_t family; /* ADDR_V4 or ADDR_V6 */
	uint8_t proto;
	uint16_t sport, dport; /* host order; 0 without TCP/UDP/SCTP */
	uint8_t src[16], dst[16];
};

enum spd_action {
	SPD_ENCRYPT = 1, /* as CHAN_ACT_* */
	SPD_BYPASS = 2,
	SPD_DISCARD = 3,
};

enum spd_dir {
	SPD_IN = 1, /* as CHAN_DIR_* */
	SPD_OUT = 2,
};

struct spd_policy {
	uint64_t id;
	uint64_t serial; /* set by spd_add(): installation order, unique */
	uint32_t priority;
	uint8_t dir;    /* enum spd_dir */
	uint8_t action; /* enum spd_action */
	struct spd_sel sel;
	uint64_t sa_id;    /* ENCRYPT: the SA's channel id, 0: not yet */
	struct esp_sa *sa; /* ENCRYPT, outbound: NULL until installed */
};

struct spd;

/* max_vips: size of the road-warrior hash.  NULL on failure. */
struct spd *spd_create(const char *name, uint32_t max_vips, int socket,
		       struct rte_rcu_qsbr *rcu);
void spd_free(struct spd *spd);

/*
 * Fill k from the IP packet at offset off of m, the protocol and ports
 * from behind any IPv6 extension headers (ipv6_ext.h).  False when the
 * header is truncated or the extension-header chain malformed: the
 * packet is discarded.  Ports of non-first fragments are 0 (RFC 4301
 * section 4.4.1: OPAQUE).  XXX they then also match a port range that
 * starts at 0, not only "any port"; a flag in spd_key would tell.
 */
bool spd_key_get(const struct rte_mbuf *m, uint32_t off, struct spd_key *k);

/* Selector matching: outbound (local = source) or inbound (local = dst). */
bool spd_sel_match(const struct spd_sel *s, const struct spd_key *k,
		   bool inbound);

/* Is this policy one for the road-warrior hash (see above)? */
bool spd_policy_is_vip(const struct spd_policy *p);

/*
 * Writers, main lcore.  add: the id must be new (-EEXIST), -ENOSPC when
 * full, -EINVAL for a VIP policy without an SA family.  del: -ENOENT.
 * Both wait for a grace period before they return what they replaced.
 * Either may fail to build the new list or its rte_acl contexts
 * (-ENOMEM mostly): the SPD is then as it was, still published.
 */
int spd_add(struct spd *spd, const struct spd_policy *p);
int spd_del(struct spd *spd, uint64_t id);

/*
 * Bind the SA with channel id sa_id (NULL: none installed, discard) to
 * every ENCRYPT policy that names it; returns how many did.  Waits for a
 * grace period when any did, so that the caller may then free the SA the
 * policies pointed to before.
 */
unsigned int spd_bind_sa(struct spd *spd, uint64_t sa_id, struct esp_sa *sa);

/* The policy with this id, copied; false when there is none. */
bool spd_get(const struct spd *spd, uint64_t id, struct spd_policy *out);
unsigned int spd_count(const struct spd *spd);

/* Delete every policy whose id has none of the bits of keep (0: all),
 * with one grace period. */
void spd_flush(struct spd *spd, uint64_t keep);

/*
 * Main lcore, every turn of its loop: build the rte_acl contexts anew
 * when the published list has carried a difference (above) for
 * SPD_SETTLE_MS without a change.  Returns true when it published.
 */
bool spd_settle(struct spd *spd);

/* Does the published list carry a difference from its contexts' base? */
bool spd_acl_stale(const struct spd *spd);

/*
 * Worker: the verdict for one transit packet (enum spd_action) and, for
 * SPD_ENCRYPT, the SA in *sa.  Lock-free; inside an RCU read section.
 */
uint8_t spd_lookup(const struct spd *spd, const struct spd_key *k,
		   struct esp_sa **sa);

/* spd_lookup() with the general list always scanned, never rte_acl: the
 * reference the tests and the benchmark hold the contexts to. */
uint8_t spd_lookup_linear(const struct spd *spd, const struct spd_key *k,
			  struct esp_sa **sa);

/* Do the workers find general policies through rte_acl now (a long
 * list), rather than by a scan? */
bool spd_acl_active(const struct spd *spd);

/* The position of the first of p[0..n) whose selectors match k, each
 * policy in its own direction; n when none does. */
uint32_t spd_scan(const struct spd_policy *p, uint32_t n,
		  const struct spd_key *k);

#endif
