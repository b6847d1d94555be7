/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A single-producer single-consumer ring of fixed-size slots that lives in
 * shared memory: no pointers inside, only the geometry and two indexes.
 *
 * Thread-safety contract: exactly one producer (reserve, slot, commit) and
 * one consumer (peek, slot, release) at a time, in any two processes or
 * threads; anything else needs outside locking.  The producer publishes
 * slots with a release store of head, the consumer gives them back with a
 * release store of tail; each side reads the other's index with acquire and
 * only when its cached copy says the ring is full (or empty), so in steady
 * state neither side touches the other's cache line.
 *
 * head and tail run freely over the whole uint32_t range and wrap; their
 * difference is the fill level, slot i lives at (i & mask).
 */
#ifndef ESPGW_CHAN_RING_H
#define ESPGW_CHAN_RING_H

#include <assert.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Two lines: Intel's adjacent-line prefetcher moves them in pairs. */
#define CHAN_RING_ALIGN 128

#define CHAN_RING_MAX_SLOTS (1u << 20)

struct chan_ring {
	/* Geometry: written by the creator before the segment is published. */
	uint32_t slots; /* a power of two */
	uint32_t mask;
	uint32_t slot_size; /* bytes, a multiple of 64 */
	uint32_t reserved;

	/* The producer's line: head and its view of tail. */
	alignas(CHAN_RING_ALIGN) _Atomic uint32_t head;
	uint32_t tail_cache;

	/* The consumer's line: tail and its view of head. */
	alignas(CHAN_RING_ALIGN) _Atomic uint32_t tail;
	uint32_t head_cache;

	/* Slots follow at sizeof(struct chan_ring). */
	alignas(CHAN_RING_ALIGN) uint8_t slots_start[];
};

static_assert(ATOMIC_INT_LOCK_FREE == 2, "shared-memory atomics must be "
					  "lock-free");
static_assert(sizeof(struct chan_ring) == 3 * CHAN_RING_ALIGN, "ring layout");

/* Bytes needed for a ring of slots x slot_size; 0 if the geometry is bad. */
size_t chan_ring_mem_size(uint32_t slots, uint32_t slot_size);

/*
 * Lay out a ring in mem (chan_ring_mem_size bytes, CHAN_RING_ALIGN aligned).
 * Both indexes start at start: 0 in production, near UINT32_MAX in tests
 * that cross the wrap.  Returns false on a bad geometry.
 */
bool chan_ring_init(struct chan_ring *r, uint32_t slots, uint32_t slot_size,
		    uint32_t start);

/*
 * Check a ring written by another process before trusting it: geometry
 * sane and within mem_size bytes, fill level within the ring.
 */
bool chan_ring_valid(const struct chan_ring *r, size_t mem_size);

/* Producer: up to n free slots from *start on; returns how many. */
uint32_t chan_ring_reserve(struct chan_ring *r, uint32_t n, uint32_t *start);

/* Producer: publish n slots filled after chan_ring_reserve. */
void chan_ring_commit(struct chan_ring *r, uint32_t n);

/*
 * Consumer: up to n filled slots from *start on; returns how many.  A ring
 * whose fill level exceeds its size (a corrupt or foreign writer) reads as
 * empty.
 */
uint32_t chan_ring_peek(struct chan_ring *r, uint32_t n, uint32_t *start);

/* Consumer: hand n slots back to the producer. */
void chan_ring_release(struct chan_ring *r, uint32_t n);

static inline void *chan_ring_slot(struct chan_ring *r, uint32_t idx)
{
	return r->slots_start + (size_t)(idx & r->mask) * r->slot_size;
}

/* Copying forms: n objects of slot_size bytes each; return how many. */
uint32_t chan_ring_enqueue_burst(struct chan_ring *r, const void *objs,
				 uint32_t n);
uint32_t chan_ring_dequeue_burst(struct chan_ring *r, void *objs, uint32_t n);

/* Filled slots as the caller sees them now (a snapshot). */
uint32_t chan_ring_count(const struct chan_ring *r);

#endif
