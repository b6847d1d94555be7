/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chan_ring.h"

#define SLOT 64u

struct obj {
	uint64_t v;
	uint8_t fill[SLOT - 8];
};

static struct chan_ring *ring_new(uint32_t slots, uint32_t start)
{
	size_t len = chan_ring_mem_size(slots, SLOT);
	struct chan_ring *r;

	assert_true(len > 0);
	r = aligned_alloc(CHAN_RING_ALIGN, len);
	assert_non_null(r);
	assert_true(chan_ring_init(r, slots, SLOT, start));
	return r;
}

static struct obj make(uint64_t v)
{
	struct obj o;

	memset(&o, (int)(v & 0xff), sizeof(o));
	o.v = v;
	return o;
}

static void test_wraparound(void **state)
{
	/* Start four slots before the index wraps through zero. */
	struct chan_ring *r = ring_new(8, UINT32_MAX - 3);
	struct obj in[5], out[8];
	uint64_t next_in = 0, next_out = 0;

	(void)state;
	for (int round = 0; round < 40; round++) {
		uint32_t n = (uint32_t)(round % 5) + 1, got;

		for (uint32_t i = 0; i < n; i++)
			in[i] = make(next_in + i);
		got = chan_ring_enqueue_burst(r, in, n);
		next_in += got;
		got = chan_ring_dequeue_burst(r, out, 8);
		for (uint32_t i = 0; i < got; i++) {
			assert_int_equal(out[i].v, next_out);
			assert_int_equal(out[i].fill[SLOT - 9],
					 (uint8_t)next_out);
			next_out++;
		}
	}
	assert_int_equal(next_in, next_out);
	assert_true(next_in > 8);
	/* The indexes did cross zero and the fill level stayed right. */
	assert_true(atomic_load(&r->head) < 1000);
	assert_int_equal(atomic_load(&r->head), atomic_load(&r->tail));
	assert_int_equal(chan_ring_count(r), 0);
	free(r);
}

static void test_wrap_while_full(void **state)
{
	struct chan_ring *r = ring_new(4, UINT32_MAX - 1);
	struct obj in[4] = { make(1), make(2), make(3), make(4) };
	struct obj out[4];
	struct obj extra = make(5);

	(void)state;
	assert_int_equal(chan_ring_enqueue_burst(r, in, 4), 4);
	assert_int_equal(chan_ring_count(r), 4);
	assert_int_equal(chan_ring_enqueue_burst(r, &extra, 1), 0);
	assert_int_equal(chan_ring_dequeue_burst(r, out, 4), 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(out[i].v, (uint64_t)i + 1);
	free(r);
}

static void test_full_and_empty(void **state)
{
	struct chan_ring *r = ring_new(8, 0);
	struct obj o = make(7), out;
	uint32_t start;

	(void)state;
	assert_int_equal(chan_ring_count(r), 0);
	assert_int_equal(chan_ring_peek(r, 1, &start), 0);
	assert_int_equal(chan_ring_dequeue_burst(r, &out, 1), 0);
	for (uint64_t i = 0; i < 8; i++) {
		o = make(i);
		assert_int_equal(chan_ring_enqueue_burst(r, &o, 1), 1);
	}
	assert_int_equal(chan_ring_count(r), 8);
	assert_int_equal(chan_ring_reserve(r, 1, &start), 0);
	assert_int_equal(chan_ring_enqueue_burst(r, &o, 1), 0);

	/* One slot freed: the producer's cached tail must be refreshed. */
	assert_int_equal(chan_ring_dequeue_burst(r, &out, 1), 1);
	assert_int_equal(out.v, 0);
	o = make(8);
	assert_int_equal(chan_ring_enqueue_burst(r, &o, 1), 1);
	assert_int_equal(chan_ring_enqueue_burst(r, &o, 1), 0);
	for (uint64_t i = 1; i <= 8; i++) {
		assert_int_equal(chan_ring_dequeue_burst(r, &out, 1), 1);
		assert_int_equal(out.v, i);
	}
	assert_int_equal(chan_ring_dequeue_burst(r, &out, 1), 0);
	free(r);
}

static void test_burst_partial(void **state)
{
	struct chan_ring *r = ring_new(8, 0);
	struct obj in[6], out[16];

	(void)state;
	for (int i = 0; i < 6; i++)
		in[i] = make((uint64_t)i);
	assert_int_equal(chan_ring_enqueue_burst(r, in, 5), 5);
	/* Only three of the next six fit; they are the first three. */
	assert_int_equal(chan_ring_enqueue_burst(r, in, 6), 3);
	assert_int_equal(chan_ring_dequeue_burst(r, out, 16), 8);
	for (int i = 0; i < 5; i++)
		assert_int_equal(out[i].v, (uint64_t)i);
	for (int i = 0; i < 3; i++)
		assert_int_equal(out[5 + i].v, (uint64_t)i);

	/* Zero-copy: reserve more than fits, commit fewer than reserved. */
	uint32_t start, got = chan_ring_reserve(r, 20, &start);

	assert_int_equal(got, 8);
	*(struct obj *)chan_ring_slot(r, start) = make(42);
	chan_ring_commit(r, 1);
	assert_int_equal(chan_ring_peek(r, 4, &start), 1);
	assert_int_equal(((struct obj *)chan_ring_slot(r, start))->v, 42);
	chan_ring_release(r, 1);
	assert_int_equal(chan_ring_count(r), 0);
	free(r);
}

static void test_bad_geometry(void **state)
{
	struct chan_ring *r = ring_new(8, 0);
	size_t len = chan_ring_mem_size(8, SLOT);
	uint32_t start;

	(void)state;
	assert_int_equal(chan_ring_mem_size(6, SLOT), 0);
	assert_int_equal(chan_ring_mem_size(1, SLOT), 0);
	assert_int_equal(chan_ring_mem_size(CHAN_RING_MAX_SLOTS * 2, SLOT), 0);
	assert_int_equal(chan_ring_mem_size(8, 100), 0);
	assert_int_equal(chan_ring_mem_size(8, 0), 0);
	assert_false(chan_ring_init(r, 12, SLOT, 0));

	assert_true(chan_ring_init(r, 8, SLOT, 0));
	assert_true(chan_ring_valid(r, len));
	assert_false(chan_ring_valid(r, len - 1));
	r->mask = 3;
	assert_false(chan_ring_valid(r, len));
	r->mask = 7;

	/* A head that ran away from tail (corrupt peer) reads as empty and
	 * leaves no room, rather than handing out garbage slots. */
	atomic_store(&r->head, 100);
	assert_false(chan_ring_valid(r, len));
	assert_int_equal(chan_ring_peek(r, 4, &start), 0);
	atomic_store(&r->head, 0);
	atomic_store(&r->tail, 50);
	r->tail_cache = 50;
	assert_int_equal(chan_ring_reserve(r, 4, &start), 0);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_wrap_while_full),
		cmocka_unit_test(test_full_and_empty),
		cmocka_unit_test(test_burst_partial),
		cmocka_unit_test(test_bad_geometry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
