/* SPDX-License-Identifier: BSD-3-Clause */
#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

struct loop_fd {
	loop_fd_fn fn;
	void *arg;
};

struct loop_timer {
	uint64_t due;  /* loop_now_ms() at which it fires */
	uint64_t seq;  /* ties broken in the order timers were added */
	unsigned int slot; /* index in the heap, kept for cancellation */
	loop_timer_fn fn;
	void *arg;
};

struct loop {
	struct pollfd *pfds;
	struct loop_fd *fds; /* parallel to pfds */
	unsigned int n_fds, cap_fds;

	/* The time of the current round: timers added in one round share
	 * it, so their order follows their delays, not how long the
	 * callbacks before them took. */
	uint64_t now;

	struct loop_timer **heap; /* min-heap on (due, seq) */
	unsigned int n_timers, cap_timers;
	uint64_t timer_seq;
};

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct loop *loop_create(void)
{
	struct loop *l = calloc(1, sizeof(struct loop));

	if (l)
		l->now = loop_now_ms();
	return l;
}

void loop_destroy(struct loop *l)
{
	if (!l)
		return;
	for (unsigned int i = 0; i < l->n_timers; i++)
		free(l->heap[i]);
	free(l->heap);
	free(l->pfds);
	free(l->fds);
	free(l);
}

/* Grow an array of elem-sized items to hold one more. */
static bool grow(void **array, unsigned int *cap, unsigned int n, size_t elem)
{
	unsigned int want = *cap ? *cap * 2 : 16;
	void *p;

	if (n < *cap)
		return true;
	p = reallocarray(*array, want, elem);
	if (!p)
		return false;
	*array = p;
	*cap = want;
	return true;
}

int loop_add_fd(struct loop *l, int fd, short events, loop_fd_fn fn,
		void *arg)
{
	unsigned int cap = l->cap_fds;

	if (!grow((void **)&l->pfds, &cap, l->n_fds, sizeof(*l->pfds)))
		return -ENOMEM;
	if (!grow((void **)&l->fds, &l->cap_fds, l->n_fds, sizeof(*l->fds)))
		return -ENOMEM;
	l->pfds[l->n_fds] = (struct pollfd){ .fd = fd, .events = events };
	l->fds[l->n_fds] = (struct loop_fd){ .fn = fn, .arg = arg };
	l->n_fds++;
	return 0;
}

void loop_del_fd(struct loop *l, int fd)
{
	for (unsigned int i = 0; i < l->n_fds; i++) {
		if (l->pfds[i].fd != fd)
			continue;
		/* A negative fd is skipped by poll; the slot is compacted
		 * after the current round so that dispatch stays valid. */
		l->pfds[i].fd = -1;
		l->fds[i].fn = NULL;
	}
}

static void compact_fds(struct loop *l)
{
	unsigned int j = 0;

	for (unsigned int i = 0; i < l->n_fds; i++) {
		if (l->pfds[i].fd < 0)
			continue;
		l->pfds[j] = l->pfds[i];
		l->fds[j] = l->fds[i];
		j++;
	}
	l->n_fds = j;
}

static bool earlier(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void heap_set(struct loop *l, unsigned int i, struct loop_timer *t)
{
	l->heap[i] = t;
	t->slot = i;
}

static void sift_up(struct loop *l, unsigned int i)
{
	struct loop_timer *t = l->heap[i];

	while (i > 0 && earlier(t, l->heap[(i - 1) / 2])) {
		heap_set(l, i, l->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(l, i, t);
}

static void sift_down(struct loop *l, unsigned int i)
{
	struct loop_timer *t = l->heap[i];

	for (;;) {
		unsigned int c = 2 * i + 1;

		if (c >= l->n_timers)
			break;
		if (c + 1 < l->n_timers && earlier(l->heap[c + 1], l->heap[c]))
			c++;
		if (!earlier(l->heap[c], t))
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, t);
}

struct loop_timer *loop_timer_add(struct loop *l, uint64_t after_ms,
				  loop_timer_fn fn, void *arg)
{
	struct loop_timer *t;

	if (!grow((void **)&l->heap, &l->cap_timers, l->n_timers,
		  sizeof(*l->heap)))
		return NULL;
	t = malloc(sizeof(*t));
	if (!t)
		return NULL;
	*t = (struct loop_timer){
		.due = l->now + after_ms,
		.seq = l->timer_seq++,
		.fn = fn,
		.arg = arg,
	};
	l->heap[l->n_timers++] = t;
	sift_up(l, l->n_timers - 1);
	return t;
}

/* Take the timer out of the heap without freeing it. */
static void heap_remove(struct loop *l, struct loop_timer *t)
{
	unsigned int i = t->slot;
	struct loop_timer *last = l->heap[--l->n_timers];

	if (i == l->n_timers)
		return;
	heap_set(l, i, last);
	sift_down(l, i);
	sift_up(l, last->slot);
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	if (!t)
		return;
	heap_remove(l, t);
	free(t);
}

unsigned int loop_timer_count(const struct loop *l)
{
	return l->n_timers;
}

static int run_timers(struct loop *l)
{
	uint64_t now = l->now;
	int ran = 0;

	/* Timers added by a callback with after_ms 0 wait for the next
	 * round: the bound keeps one round finite. */
	for (unsigned int budget = l->n_timers; budget > 0; budget--) {
		struct loop_timer *t = l->n_timers ? l->heap[0] : NULL;

		if (!t || t->due > now)
			break;
		heap_remove(l, t);
		t->fn(t->arg);
		free(t);
		ran++;
	}
	return ran;
}

static int next_wait(const struct loop *l, int max_wait_ms)
{
	uint64_t now, due;

	if (l->n_timers == 0)
		return max_wait_ms;
	now = loop_now_ms();
	due = l->heap[0]->due;
	if (due <= now)
		return 0;
	if (max_wait_ms >= 0 && due - now > (uint64_t)max_wait_ms)
		return max_wait_ms;
	return due - now > 60000 ? 60000 : (int)(due - now);
}

int loop_run_once(struct loop *l, int max_wait_ms)
{
	unsigned int n = l->n_fds;
	int ran = 0;
	int rc;

	rc = poll(l->pfds, n, next_wait(l, max_wait_ms));
	if (rc < 0 && errno != EINTR)
		return -1;
	l->now = loop_now_ms();
	for (unsigned int i = 0; rc > 0 && i < n; i++) {
		short revents = l->pfds[i].revents;

		if (!revents || l->pfds[i].fd < 0 || !l->fds[i].fn)
			continue;
		l->pfds[i].revents = 0;
		l->fds[i].fn(l->fds[i].arg, l->pfds[i].fd, revents);
		ran++;
	}
	compact_fds(l);
	return ran + run_timers(l);
}
