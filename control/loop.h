/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * espgw-control's event loop: file descriptors watched with poll(2) and
 * one-shot timers in a binary heap, so that a hundred thousand IKE SAs,
 * each with a retransmission, DPD and rekey timer, cost O(log n) a timer.
 *
 * Single-threaded: every call, and every callback, runs on the thread that
 * calls loop_run_once().
 */
#ifndef ESPGW_LOOP_H
#define ESPGW_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;
struct loop_timer;

typedef void (*loop_fd_fn)(void *arg, int fd, short revents);
typedef void (*loop_timer_fn)(void *arg);

struct loop *loop_create(void);
void loop_destroy(struct loop *l);

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t loop_now_ms(void);

/* Watch fd for events (POLLIN, POLLOUT); one registration per fd. */
int loop_add_fd(struct loop *l, int fd, short events, loop_fd_fn fn,
		void *arg);
void loop_del_fd(struct loop *l, int fd);

/*
 * Call fn(arg) once, after_ms from the start of the current round (the
 * last return from poll, or loop_create()).  Returns a handle for
 * loop_timer_cancel(), valid until the timer fires or is cancelled; NULL if
 * out of memory.
 */
struct loop_timer *loop_timer_add(struct loop *l, uint64_t after_ms,
				  loop_timer_fn fn, void *arg);
void loop_timer_cancel(struct loop *l, struct loop_timer *t);

/* How many timers are pending (tests, the CLI). */
unsigned int loop_timer_count(const struct loop *l);

/*
 * Wait at most max_wait_ms (-1: until something happens) for a watched fd
 * or the next timer, then run what is due.  Returns the number of callbacks
 * run, or -1 if poll failed for a reason other than a signal.
 */
int loop_run_once(struct loop *l, int max_wait_ms);

#endif
