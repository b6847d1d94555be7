/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inbound security association database (RFC 4301 section 4.4.2):
 * SPI -> SA in O(1) for the workers, and the channel's SA id -> record
 * map for the main lcore.
 *
 * An inbound SA's entry carries what a worker needs besides the ESP state:
 * the traffic selectors the decrypted packet must match, and the owning
 * worker, the only one that may run the SA's replay window (esp_sa.h).
 *
 * Thread-safety: the main lcore is the only writer.  SPI lookups are
 * lock-free (rte_hash with RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF).  A
 * deleted key's slot, and the entry it pointed to, may still be read by a
 * worker until the workers' next quiescent state: sad_del() hands back
 * the slot position, and the caller frees it with sad_reclaim() after
 * rte_rcu_qsbr_synchronize(), the entry and its SA with it.  The id map
 * is touched by the main lcore alone.
 */
#ifndef ESPGW_DP_SAD_H
#define ESPGW_DP_SAD_H

#include <stdint.h>

#include <rte_hash.h>

#include "spd.h"

struct esp_sa;

struct sad_entry {
	struct esp_sa *sa;
	uint32_t owner;      /* worker 0 .. n-1 */
	uint32_t pad;
	struct spd_sel sel;  /* inner packets: local = dst, remote = src */
};

struct sad {
	struct rte_hash *spi; /* SPI (network order) -> struct sad_entry */
	struct rte_hash *id;  /* channel SA id -> caller's record */
};

/* Room for max SAs of each map.  NULL on failure. */
struct sad *sad_create(const char *name, uint32_t max, int socket);
void sad_free(struct sad *sad);

/*
 * Publish e under spi (network order).  An SPI already present has its
 * entry replaced atomically; *old (may be NULL) receives the entry it had,
 * to be freed after a grace period.  0, or -ENOSPC.
 */
int sad_add(struct sad *sad, uint32_t spi, struct sad_entry *e,
	    struct sad_entry **old);

/* Unpublish spi.  Returns the slot position for sad_reclaim(), or
 * -ENOENT. */
int32_t sad_del(struct sad *sad, uint32_t spi);

/* After a grace period that followed sad_del(). */
void sad_reclaim(struct sad *sad, int32_t pos);

/* Worker: the entry of spi (network order), or NULL. */
static inline struct sad_entry *sad_lookup(const struct sad *sad,
					   uint32_t spi)
{
	void *data;

	if (rte_hash_lookup_data(sad->spi, &spi, &data) < 0)
		return NULL;
	return data;
}

/* Worker: n lookups at once (n <= RTE_HASH_LOOKUP_BULK_MAX); e[i] NULL
 * where there is none. */
void sad_lookup_bulk(const struct sad *sad, const uint32_t *spi,
		     unsigned int n, struct sad_entry **e);

/* Main lcore: the channel's SA ids. */
int sad_id_add(struct sad *sad, uint64_t id, void *rec);
void *sad_id_find(const struct sad *sad, uint64_t id);
int sad_id_del(struct sad *sad, uint64_t id);

/* Walk the id map: *next starts at 0; NULL at the end. */
void *sad_id_next(const struct sad *sad, uint32_t *next);

#endif
