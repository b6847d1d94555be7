/* SPDX-License-Identifier: BSD-3-Clause */
/* A clock that never moves (ike_still_clock.h). */
#include "ike_still_clock.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define MAX_TIMERS 256

static bool live[MAX_TIMERS];

void still_clock_reset(void)
{
	memset(live, 0, sizeof(live));
}

void *still_timer_add(void *arg, uint64_t after, ike_timer_fn fn, void *a)
{
	(void)arg;
	(void)after;
	(void)fn;
	(void)a;
	for (int i = 0; i < MAX_TIMERS; i++)
		if (!live[i]) {
			live[i] = true;
			return &live[i];
		}
	fail_msg("out of fake timers");
	return NULL;
}

void still_timer_cancel(void *arg, void *t)
{
	(void)arg;
	*(bool *)t = false;
}

uint64_t still_now(void *arg)
{
	(void)arg;
	return 1000000;
}
