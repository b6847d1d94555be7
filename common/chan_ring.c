/* SPDX-License-Identifier: BSD-3-Clause */
#include "chan_ring.h"

#include <string.h>

static bool geometry_ok(uint32_t slots, uint32_t slot_size)
{
	if (slots < 2 || slots > CHAN_RING_MAX_SLOTS || (slots & (slots - 1)))
		return false;
	return slot_size >= 64 && slot_size <= 4096 && slot_size % 64 == 0;
}

size_t chan_ring_mem_size(uint32_t slots, uint32_t slot_size)
{
	if (!geometry_ok(slots, slot_size))
		return 0;
	return sizeof(struct chan_ring) + (size_t)slots * slot_size;
}

bool chan_ring_init(struct chan_ring *r, uint32_t slots, uint32_t slot_size,
		    uint32_t start)
{
	if (!geometry_ok(slots, slot_size))
		return false;
	memset(r, 0, sizeof(*r));
	r->slots = slots;
	r->mask = slots - 1;
	r->slot_size = slot_size;
	r->tail_cache = start;
	r->head_cache = start;
	atomic_store_explicit(&r->head, start, memory_order_relaxed);
	atomic_store_explicit(&r->tail, start, memory_order_release);
	return true;
}

bool chan_ring_valid(const struct chan_ring *r, size_t mem_size)
{
	if (mem_size < sizeof(*r) || !geometry_ok(r->slots, r->slot_size))
		return false;
	if (r->mask != r->slots - 1)
		return false;
	if (chan_ring_mem_size(r->slots, r->slot_size) > mem_size)
		return false;
	return chan_ring_count(r) <= r->slots;
}

uint32_t chan_ring_reserve(struct chan_ring *r, uint32_t n, uint32_t *start)
{
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint32_t free = r->slots - (head - r->tail_cache);

	if (free < n) {
		/* Acquire: the consumer is done reading the slots it freed. */
		r->tail_cache =
			atomic_load_explicit(&r->tail, memory_order_acquire);
		free = r->slots - (head - r->tail_cache);
	}
	/* A tail beyond head (corrupt peer) must not look like free room. */
	if (free > r->slots)
		free = 0;
	*start = head;
	return n < free ? n : free;
}

void chan_ring_commit(struct chan_ring *r, uint32_t n)
{
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);

	/* Release: the slot contents are visible before the new head. */
	atomic_store_explicit(&r->head, head + n, memory_order_release);
}

uint32_t chan_ring_peek(struct chan_ring *r, uint32_t n, uint32_t *start)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint32_t used = r->head_cache - tail;

	if (used < n) {
		/* Acquire: pairs with the producer's release in commit. */
		r->head_cache =
			atomic_load_explicit(&r->head, memory_order_acquire);
		used = r->head_cache - tail;
	}
	if (used > r->slots)
		used = 0;
	*start = tail;
	return n < used ? n : used;
}

void chan_ring_release(struct chan_ring *r, uint32_t n)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	/* Release: our reads of the slots happen before the producer reuses
	 * them. */
	atomic_store_explicit(&r->tail, tail + n, memory_order_release);
}

uint32_t chan_ring_enqueue_burst(struct chan_ring *r, const void *objs,
				 uint32_t n)
{
	const uint8_t *src = objs;
	uint32_t start;
	uint32_t got = chan_ring_reserve(r, n, &start);

	for (uint32_t i = 0; i < got; i++)
		memcpy(chan_ring_slot(r, start + i),
		       src + (size_t)i * r->slot_size, r->slot_size);
	if (got)
		chan_ring_commit(r, got);
	return got;
}

uint32_t chan_ring_dequeue_burst(struct chan_ring *r, void *objs, uint32_t n)
{
	uint8_t *dst = objs;
	uint32_t start;
	uint32_t got = chan_ring_peek(r, n, &start);

	for (uint32_t i = 0; i < got; i++)
		memcpy(dst + (size_t)i * r->slot_size,
		       chan_ring_slot(r, start + i), r->slot_size);
	if (got)
		chan_ring_release(r, got);
	return got;
}

uint32_t chan_ring_count(const struct chan_ring *r)
{
	/* Tail first: head only grows, so it is at least the tail read. */
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);

	return head - tail;
}
