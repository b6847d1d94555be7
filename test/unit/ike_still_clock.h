/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A clock that never moves, for tests that drive one IKE exchange at a
 * time through an engine: timers can be armed and cancelled but never
 * fire, and the time is always the same.  For struct ike_engine_ops.
 */
#ifndef ESPGW_TEST_IKE_STILL_CLOCK_H
#define ESPGW_TEST_IKE_STILL_CLOCK_H

#include <stdint.h>

#include "ike_engine.h"

/* Forget every timer (a test's setup). */
void still_clock_reset(void);

void *still_timer_add(void *arg, uint64_t after, ike_timer_fn fn, void *a);
void still_timer_cancel(void *arg, void *t);
uint64_t still_now(void *arg);

#endif
