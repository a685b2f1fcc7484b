#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "control/reminder-defaults.h"

/*
 * When a reminder is due: at a local wall-clock time (at = 21:30), or a
 * duration before the night window starts (before_night = 30min), on some
 * days of the week. A slot is one such occurrence: a local date, the wall
 * time asked for, and the Unix time at which it happens.
 *
 * Daylight saving time (the rule cron follows; it fires once either way):
 * - a wall time the clocks skip (02:30 on a spring-forward night in Berlin)
 *   is due the moment they skip over it: 03:00 CEST, the first moment after
 *   the gap; the reminder still comes that night, as early as it can;
 * - a wall time shown twice (01:30 on a fall-back night in New York) is due
 *   the first time (01:30 EDT), never the second.
 * A slot keeps the wall time asked for (02:30), so its run id names it.
 * before_night is subtracted on the wall clock (night at 22:00, 30min before:
 * 21:30, whatever DST does that evening), and wraps over midnight (night at
 * 00:30, 1h before: 23:30 of the day before). `days` are the days of the
 * slot's own local date.
 *
 * Pure but for the time zone (control/reminder-local.h): no clock, no I/O.
 */

#define REMINDER_DAY_BIT(weekday) (1u << (weekday)) /* 0 = Monday ... 6 = Sunday */
#define REMINDER_DAYS_ALL         0x7fu

enum reminder_when_kind {
	REMINDER_WHEN_AT,           /* at a local wall-clock time */
	REMINDER_WHEN_BEFORE_NIGHT, /* a duration before the night window starts */
};

struct reminder_when {
	enum reminder_when_kind kind;
	int at_s;           /* AT: local second of the day (21:30 is 77400) */
	int before_night_s; /* BEFORE_NIGHT: this long (up to 12 h) before ... */
	int night_start_s;  /* ... the night window's start, local second of the day */
	unsigned days;      /* REMINDER_DAY_BIT()s, at least one */
};

/* Whether @w can be planned: times within the day, a duration up to 12 h, a day. */
bool reminder_when_valid(const struct reminder_when *w);

/* The local second of the day @w is due at. */
int reminder_when_time_of_day(const struct reminder_when *w);

struct reminder_slot {
	int64_t day;  /* local date: days since 1970-01-01 */
	int sec;      /* the wall time asked for, second of the day (not moved by DST) */
	int64_t at_s; /* the Unix time it is due */
};

/* The first slot due strictly after @after_s. Returns 0, or -ENOENT (no days). */
int reminder_slot_next(const struct reminder_when *w, int64_t after_s, struct reminder_slot *ret);

/* The newest slot due at or before @at_s. Returns 0, or -ENOENT (no days). */
int reminder_slot_last(const struct reminder_when *w, int64_t at_s, struct reminder_slot *ret);
