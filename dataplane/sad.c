/* SPDX-License-Identifier: BSD-3-Clause */
#include "sad.h"

#include <errno.h>
#include <stdio.h>

#include <rte_hash_crc.h>
#include <rte_malloc.h>

static struct rte_hash *make(const char *name, const char *what,
			     uint32_t max, uint32_t key_len, int socket,
			     uint8_t flags)
{
	char full[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = full,
		.entries = RTE_MAX(max, 64u),
		.key_len = key_len,
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		.extra_flag = flags,
	};

	snprintf(full, sizeof(full), "%s_%s", name, what);
	return rte_hash_create(&hp);
}

struct sad *sad_create(const char *name, uint32_t max, int socket)
{
	struct sad *sad = rte_zmalloc_socket("sad", sizeof(*sad), 0, socket);

	if (!sad)
		return NULL;
	sad->spi = make(name, "spi", max, sizeof(uint32_t), socket,
			RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF);
	sad->id = make(name, "id", max, sizeof(uint64_t), socket, 0);
	if (!sad->spi || !sad->id) {
		sad_free(sad);
		return NULL;
	}
	return sad;
}

void sad_free(struct sad *sad)
{
	if (!sad)
		return;
	rte_hash_free(sad->spi);
	rte_hash_free(sad->id);
	rte_free(sad);
}

int sad_add(struct sad *sad, uint32_t spi, struct sad_entry *e,
	    struct sad_entry **old)
{
	void *prev = NULL;
	int rc;

	if (rte_hash_lookup_data(sad->spi, &spi, &prev) < 0)
		prev = NULL;
	/* On an existing key this is one atomic store of the data. */
	rc = rte_hash_add_key_data(sad->spi, &spi, e);
	if (rc < 0)
		return rc == -ENOSPC ? -ENOSPC : rc;
	if (old)
		*old = prev;
	return 0;
}

int32_t sad_del(struct sad *sad, uint32_t spi)
{
	int32_t pos = rte_hash_del_key(sad->spi, &spi);

	return pos < 0 ? -ENOENT : pos;
}

void sad_reclaim(struct sad *sad, int32_t pos)
{
	if (pos >= 0)
		rte_hash_free_key_with_position(sad->spi, pos);
}

void sad_lookup_bulk(const struct sad *sad, const uint32_t *spi,
		     unsigned int n, struct sad_entry **e)
{
	const void *keys[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t hits = 0;

	for (unsigned int i = 0; i < n; i++)
		keys[i] = &spi[i];
	rte_hash_lookup_bulk_data(sad->spi, keys, n, &hits, (void **)e);
	for (unsigned int i = 0; i < n; i++)
		if (!(hits & (1ull << i)))
			e[i] = NULL;
}

int sad_id_add(struct sad *sad, uint64_t id, void *rec)
{
	if (rte_hash_lookup(sad->id, &id) >= 0)
		return -EEXIST;
	return rte_hash_add_key_data(sad->id, &id, rec);
}

void *sad_id_find(const struct sad *sad, uint64_t id)
{
	void *rec;

	return rte_hash_lookup_data(sad->id, &id, &rec) < 0 ? NULL : rec;
}

int sad_id_del(struct sad *sad, uint64_t id)
{
	return rte_hash_del_key(sad->id, &id) < 0 ? -ENOENT : 0;
}

void *sad_id_next(const struct sad *sad, uint32_t *next)
{
	const void *key;
	void *rec;

	if (rte_hash_iterate(sad->id, &key, &rec, next) < 0)
		return NULL;
	return rec;
}
