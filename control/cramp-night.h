#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Nights, for the cramp report. A night runs from noon to noon local time and
 * is labelled by the evening's date: a cramp at 03:10 on 1 February belongs to
 * the night of 31 January. Local time comes from the UTC offset stored beside
 * each time, so a report reads the same in any time zone. A night is a day
 * number: days since 1970-01-01 of the evening's date. Pure: no clock, no TZ.
 */

/* The night of Unix time @time_s at @tz_offset_s seconds east of UTC. */
int64_t cramp_night_of(int64_t time_s, int tz_offset_s);

/* The Unix time at which @night starts (noon local, at @tz_offset_s east of UTC). */
int64_t cramp_night_start(int64_t night, int tz_offset_s);

/*
 * Whether @time_s is in the night window from @start_min to @end_min minutes
 * after local midnight (it may cross midnight): the hours that count for the
 * night's lowest temperature.
 */
bool cramp_night_sleep_hours(int64_t time_s, int tz_offset_s, int start_min, int end_min);

/* The (evening's) date of @night: year, month 1-12, day 1-31. */
void cramp_night_date(int64_t night, int *ret_year, int *ret_month, int *ret_day);

/* The night whose evening is @year-@month-@day. */
int64_t cramp_night_from_date(int year, int month, int day);

/* 0 for a Monday evening ... 6 for a Sunday evening. */
int cramp_night_weekday(int64_t night);

/* The Monday night that starts @night's week (weeks run Monday night to Sunday night). */
int64_t cramp_night_week_start(int64_t night);
