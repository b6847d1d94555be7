/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "replay.h"

static struct replay_window *new_window(uint32_t size, bool esn)
{
	struct replay_window *w = malloc(sizeof(*w) + replay_ext_size(size));

	assert_non_null(w);
	replay_init(w, size, esn, (uint64_t *)(w + 1));
	return w;
}

/* Accept seq as a packet whose ICV verified would be. */
static bool take(struct replay_window *w, uint64_t seq)
{
	return replay_check(w, seq) && replay_update(w, seq);
}

static void test_in_order_and_duplicates(void **state)
{
	struct replay_window *w = new_window(64, false);

	(void)state;
	assert_false(replay_check(w, 0)); /* never sent */
	for (uint64_t s = 1; s <= 200; s++)
		assert_true(take(w, s));
	for (uint64_t s = 137; s <= 200; s++) {
		assert_false(replay_check(w, s));
		assert_false(replay_update(w, s));
	}
	assert_int_equal(w->top, 200);
	free(w);
}

/* Check never changes the window; only update does. */
static void test_check_does_not_update(void **state)
{
	struct replay_window *w = new_window(64, false);

	(void)state;
	assert_true(replay_check(w, 1000));
	assert_int_equal(w->top, 0);
	assert_true(replay_check(w, 5)); /* still acceptable */
	assert_true(replay_update(w, 5));
	assert_true(replay_check(w, 1000));
	free(w);
}

static void window_edges(uint32_t size)
{
	struct replay_window *w = new_window(size, false);
	uint64_t top = 3 * (uint64_t)size + 17;

	assert_true(take(w, top));
	/* The window is [top - size + 1, top]. */
	assert_false(replay_check(w, top - size));
	assert_true(take(w, top - size + 1));
	assert_false(take(w, top - size + 1));
	/* Reordering inside the window, in any order. */
	for (uint64_t s = top - 1; s > top - size + 1; s -= 3)
		assert_true(take(w, s));
	for (uint64_t s = top - 1; s > top - size + 1; s -= 3)
		assert_false(take(w, s));
	/* Moving by one drops exactly the bottom. */
	assert_true(take(w, top + 1));
	assert_false(replay_check(w, top - size + 1));
	assert_true(replay_check(w, top - size + 2));
	free(w);
}

static void test_window_64(void **state)
{
	(void)state;
	window_edges(64);
}

static void test_window_4096(void **state)
{
	(void)state;
	window_edges(4096);
}

static void test_window_not_power_of_two(void **state)
{
	(void)state;
	window_edges(100);
	window_edges(1000);
}

/* Bits left from an earlier lap of the ring must not read as seen. */
static void test_jump_clears_stale_words(void **state)
{
	struct replay_window *w = new_window(128, false);

	(void)state;
	for (uint64_t s = 1; s <= 128; s++)
		assert_true(take(w, s));
	assert_true(take(w, 1152)); /* several laps of the ring ahead */
	for (uint64_t s = 1151; s >= 1152 - 127; s--)
		assert_true(take(w, s));
	assert_false(replay_check(w, 1152 - 128));
	assert_true(take(w, 1u << 20));
	assert_true(take(w, (1u << 20) - 127));
	free(w);
}

/* Against a model: a set of seen numbers and the window rule. */
static void test_random_against_model(void **state)
{
	enum { N = 20000, SPAN = 1 << 16 };
	struct replay_window *w = new_window(256, false);
	uint8_t *seen = calloc(SPAN, 1);
	uint64_t top = 0, x = 88172645463325252ull;

	(void)state;
	assert_non_null(seen);
	for (int i = 0; i < N; i++) {
		uint64_t s;
		bool want;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		s = top + 8 - x % 300; /* mostly behind, some ahead */
		if (s == 0 || s >= SPAN)
			continue;
		want = !seen[s] && (s > top || s + 256 > top);
		assert_int_equal(take(w, s), want);
		if (want) {
			seen[s] = 1;
			top = s > top ? s : top;
		}
	}
	free(seen);
	free(w);
}

/* RFC 4303 Appendix A2.2, both cases, and no ESN. */
static void test_esn_inference(void **state)
{
	struct replay_window *w = new_window(64, true);
	struct replay_window *plain = new_window(64, false);

	(void)state;
	/* Case B at the start: there is no subspace below 0. */
	assert_true(take(w, 5));
	assert_int_equal(replay_seq(w, 0xfffffff0u), 0xfffffff0ull);
	/* Case A: window inside subspace 0; a small seq_lo is the next. */
	assert_true(take(w, 0xfffffff0ull));
	assert_int_equal(replay_seq(w, 0xffffffe0u), 0xffffffe0ull);
	assert_int_equal(replay_seq(w, 3), 0x100000003ull);
	assert_true(take(w, 0x100000003ull));
	/* Case B: window spans the boundary; large seq_lo is the old one. */
	assert_int_equal(replay_seq(w, 0xfffffff8u), 0xfffffff8ull);
	assert_true(take(w, replay_seq(w, 0xfffffff8u)));
	assert_false(take(w, replay_seq(w, 0xfffffff0u))); /* duplicate */
	assert_int_equal(replay_seq(w, 7), 0x100000007ull);
	/* Case B below the window's bottom reads as ahead (A2.2). */
	assert_int_equal(replay_seq(w, 0xffff0000u), 0x1ffff0000ull);

	/* Without ESN the high half is always 0. */
	assert_true(take(plain, 0xfffffff0ull));
	assert_int_equal(replay_seq(plain, 3), 3);
	assert_false(replay_check(plain, replay_seq(plain, 3)));
	free(w);
	free(plain);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_and_duplicates),
		cmocka_unit_test(test_check_does_not_update),
		cmocka_unit_test(test_window_64),
		cmocka_unit_test(test_window_4096),
		cmocka_unit_test(test_window_not_power_of_two),
		cmocka_unit_test(test_jump_clears_stale_words),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_esn_inference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
