/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <poll.h>

#include <cmocka.h>

#include "loop.h"

struct record {
	int order[64];
	int n;
};

struct tag {
	struct record *rec;
	int id;
};

static void note(void *arg)
{
	struct tag *t = arg;

	t->rec->order[t->rec->n++] = t->id;
}

/* Run the loop until want callbacks have run, bounded in rounds. */
static void run_until(struct loop *l, struct record *rec, int want)
{
	for (int round = 0; round < 200 && rec->n < want; round++)
		assert_true(loop_run_once(l, 5) >= 0);
	assert_int_equal(rec->n, want);
}

static void test_timers_fire_in_due_order(void **state)
{
	struct loop *l = loop_create();
	struct record rec = { .n = 0 };
	struct tag tags[4];
	const uint64_t after[4] = { 30, 0, 10, 10 };

	(void)state;
	for (int i = 0; i < 4; i++) {
		tags[i] = (struct tag){ &rec, i };
		assert_non_null(loop_timer_add(l, after[i], note, &tags[i]));
	}
	assert_int_equal(loop_timer_count(l), 4);
	run_until(l, &rec, 4);
	/* Equal due times fire in the order they were added. */
	assert_int_equal(rec.order[0], 1);
	assert_int_equal(rec.order[1], 2);
	assert_int_equal(rec.order[2], 3);
	assert_int_equal(rec.order[3], 0);
	assert_int_equal(loop_timer_count(l), 0);
	loop_destroy(l);
}

static void test_cancel_keeps_the_heap_ordered(void **state)
{
	struct loop *l = loop_create();
	struct record rec = { .n = 0 };
	struct tag tags[40];
	struct loop_timer *t[40];

	(void)state;
	/* Due times 0..39 ms in a scrambled order. */
	for (int i = 0; i < 40; i++) {
		int id = (i * 17) % 40;

		tags[id] = (struct tag){ &rec, id };
		t[id] = loop_timer_add(l, (uint64_t)id, note, &tags[id]);
	}
	for (int id = 0; id < 40; id += 3)
		loop_timer_cancel(l, t[id]);
	assert_int_equal(loop_timer_count(l), 26);
	run_until(l, &rec, 26);
	for (int i = 1; i < rec.n; i++)
		assert_true(rec.order[i - 1] < rec.order[i]);
	for (int i = 0; i < rec.n; i++)
		assert_true(rec.order[i] % 3 != 0);
	loop_destroy(l);
}

static void test_destroy_frees_pending_timers(void **state)
{
	struct loop *l = loop_create();
	struct record rec = { .n = 0 };
	struct tag tag = { &rec, 1 };

	(void)state;
	/* The leak checker of the sanitizer build fails this if destroy
	 * forgets pending timers. */
	assert_non_null(loop_timer_add(l, 100000, note, &tag));
	loop_destroy(l);
	assert_int_equal(rec.n, 0);
}

struct reader {
	struct loop *l;
	int calls;
	char last;
};

static void on_readable(void *arg, int fd, short revents)
{
	struct reader *r = arg;

	assert_true(revents & POLLIN);
	assert_int_equal(read(fd, &r->last, 1), 1);
	r->calls++;
	if (r->last == 'q')
		loop_del_fd(r->l, fd); /* removal from inside a callback */
}

static void test_fd_callbacks_and_removal(void **state)
{
	struct loop *l = loop_create();
	struct reader r = { .l = l };
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(loop_add_fd(l, p[0], POLLIN, on_readable, &r), 0);
	assert_int_equal(loop_run_once(l, 0), 0); /* nothing to read */

	assert_int_equal(write(p[1], "a", 1), 1);
	assert_int_equal(loop_run_once(l, 1000), 1);
	assert_int_equal(r.last, 'a');

	assert_int_equal(write(p[1], "qz", 2), 2);
	assert_int_equal(loop_run_once(l, 1000), 1);
	assert_int_equal(r.last, 'q');
	/* 'z' is waiting, but the fd is no longer watched. */
	assert_int_equal(loop_run_once(l, 10), 0);
	assert_int_equal(r.calls, 2);

	close(p[0]);
	close(p[1]);
	loop_destroy(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_fire_in_due_order),
		cmocka_unit_test(test_cancel_keeps_the_heap_ordered),
		cmocka_unit_test(test_destroy_frees_pending_timers),
		cmocka_unit_test(test_fd_callbacks_and_removal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
