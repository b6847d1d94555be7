/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Address leases from one configured pool (RouterOS /ip pool), for the
 * INTERNAL_IP4_ADDRESS of mode-config (RFC 7296 section 3.15).
 *
 * A lease belongs to an owner (the client's identity as text).  Released
 * leases stay with their owner, offline, so a returning client gets its
 * address back; a new owner gets an address never handed out before, and
 * only when there is none left the offline lease released longest ago.
 * Only when every address is online is the pool exhausted.
 *
 * Single-threaded.  Lookups are O(1) (hash of owners, arrays by offset).
 */
#ifndef ESPGW_POOL_H
#define ESPGW_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "config.h"

/* At most this many addresses per pool are handed out: an IPv6 range
 * may hold 2^64, far beyond any number of clients. */
#define POOL_MAX_ADDRS (1u << 22)

struct pool;

struct pool *pool_create(const struct cfg_pool *cfg);
void pool_destroy(struct pool *p);

/*
 * An address for owner: its own offline lease if it has one, else a fresh
 * one, else the oldest offline lease of another owner.  Returns 0, or
 * -1 when every address is online (exhausted) or out of memory.
 */
int pool_acquire(struct pool *p, const char *owner, struct ip_addr *out);

/* Take addr offline; it stays owner's until reused.  -1: not online. */
int pool_release(struct pool *p, const struct ip_addr *addr);

/* Addresses in the pool (capped), and how many are online now. */
uint32_t pool_size(const struct pool *p);
uint32_t pool_online(const struct pool *p);
const char *pool_name(const struct pool *p);

#endif
