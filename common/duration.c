/* SPDX-License-Identifier: BSD-3-Clause */
#include "duration.h"

#include <stdio.h>

/* Units in the only order RouterOS writes them, largest first. */
static const struct {
	char unit;
	uint64_t secs;
} units[] = {
	{ 'w', 7 * 86400 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 },
	{ 's', 1 },
};
#define N_UNITS (sizeof(units) / sizeof(units[0]))
#define UNIT_H  2 /* index of 'h': a clock may only follow w and d */

struct scan {
	const char *p;
	uint64_t total;
	size_t next_unit; /* index of the smallest unit still allowed */
	unsigned int parts;
	bool clock_seen;
	const char *why;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void skip_blanks(struct scan *s)
{
	while (*s->p == ' ' || *s->p == '\t')
		s->p++;
}

/* Reads at most max_digits digits (0: no limit) into *n. */
static bool read_number(struct scan *s, uint64_t *n, int max_digits)
{
	int digits = 0;

	if (!is_digit(*s->p)) {
		s->why = "expected a digit";
		return false;
	}
	*n = 0;
	while (is_digit(*s->p)) {
		if (max_digits && digits == max_digits) {
			s->why = "too many digits in a clock field";
			return false;
		}
		*n = *n * 10 + (uint64_t)(*s->p++ - '0');
		digits++;
		if (*n > DURATION_MAX) {
			s->why = "too large (at most 100 years)";
			return false;
		}
	}
	return true;
}

static bool add(struct scan *s, uint64_t n, uint64_t scale)
{
	if (n > DURATION_MAX / scale || s->total + n * scale > DURATION_MAX) {
		s->why = "too large (at most 100 years)";
		return false;
	}
	s->total += n * scale;
	return true;
}

/* "h:mm:ss" with the hours already read. */
static bool read_clock(struct scan *s, uint64_t hours)
{
	uint64_t min, sec;

	if (s->next_unit > UNIT_H) {
		s->why = "a clock h:mm:ss may only follow weeks and days";
		return false;
	}
	s->p++; /* the first ':' */
	if (!read_number(s, &min, 2) || *s->p != ':' || min > 59) {
		s->why = s->why ? s->why : "expected minutes 00-59 in h:mm:ss";
		return false;
	}
	s->p++;
	if (!read_number(s, &sec, 2) || sec > 59) {
		s->why = s->why ? s->why : "expected seconds 00-59 in h:mm:ss";
		return false;
	}
	s->clock_seen = true;
	return add(s, hours, 3600) && add(s, min * 60 + sec, 1);
}

static bool read_unit(struct scan *s, uint64_t n)
{
	for (size_t i = 0; i < N_UNITS; i++) {
		if (units[i].unit != *s->p)
			continue;
		if (i < s->next_unit) {
			s->why = "units go largest first (w d h m s), "
				 "each at most once";
			return false;
		}
		s->p++;
		s->next_unit = i + 1;
		return add(s, n, units[i].secs);
	}
	s->why = "unknown unit (expected w, d, h, m or s)";
	return false;
}

static bool read_part(struct scan *s)
{
	uint64_t n;

	if (s->clock_seen) {
		s->why = "nothing may follow the clock h:mm:ss";
		return false;
	}
	if (!read_number(s, &n, 0))
		return false;
	if (*s->p == ':')
		return read_clock(s, n);
	if (*s->p != '\0' && *s->p != ' ' && *s->p != '\t')
		return read_unit(s, n);

	/* A bare number is seconds, but only on its own. */
	skip_blanks(s);
	if (s->parts > 0 || *s->p != '\0') {
		s->why = "a number needs a unit unless it stands alone";
		return false;
	}
	return add(s, n, 1);
}

bool duration_parse(const char *str, uint64_t *secs, const char **why)
{
	struct scan s = { .p = str };

	for (;;) {
		skip_blanks(&s);
		if (*s.p == '\0')
			break;
		if (!read_part(&s)) {
			if (why)
				*why = s.why;
			return false;
		}
		s.parts++;
	}
	if (s.parts == 0) {
		if (why)
			*why = "empty";
		return false;
	}
	*secs = s.total;
	return true;
}

char *duration_format(uint64_t secs, char *buf)
{
	unsigned long long days = secs / 86400;
	unsigned int rest = (unsigned int)(secs % 86400);

	if (days)
		snprintf(buf, DURATION_STRLEN, "%llud %02u:%02u:%02u", days,
			 rest / 3600, rest / 60 % 60, rest % 60);
	else
		snprintf(buf, DURATION_STRLEN, "%02u:%02u:%02u", rest / 3600,
			 rest / 60 % 60, rest % 60);
	return buf;
}
