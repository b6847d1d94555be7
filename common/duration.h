/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Durations as RouterOS writes them, for lifetimes and DPD intervals.
 *
 * Accepted forms, all meaning a whole number of seconds:
 *   "3600"          plain seconds
 *   "30m", "8h"     a number with a unit: w(eeks) d(ays) h m s
 *   "1w2d", "1h30m" several units, largest first, each at most once
 *   "00:30:00"      a clock h:mm:ss (hours may exceed 23)
 *   "1d 00:00:00"   weeks and days followed by a clock, as RouterOS prints
 * Blanks may separate the parts.  Fractions and "ms" are not accepted: no
 * lifetime or interval in espgw is finer than a second.
 */
#ifndef ESPGW_DURATION_H
#define ESPGW_DURATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest duration accepted: 100 years, far above any lifetime, and far
 * below any overflow in the arithmetic of its users. */
#define DURATION_MAX (100ull * 365 * 86400)

/*
 * Parse s into *secs.  On failure returns false, leaves *secs alone and
 * points *why (when not NULL) at a short English reason.
 */
bool duration_parse(const char *s, uint64_t *secs, const char **why);

/* Longest text duration_format writes, with the NUL. */
#define DURATION_STRLEN 32

/* Write secs the way RouterOS prints it ("1d 00:00:00", "00:30:00") and
 * return buf, which holds DURATION_STRLEN bytes. */
char *duration_format(uint64_t secs, char *buf);

#endif
