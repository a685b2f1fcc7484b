#pragma once

#include <stdint.h>

/*
 * Local wall time for the reminder scheduler, the one file of control/ that
 * asks the C library about the time zone: localtime_r() follows TZ (and reads
 * the tzdata file once, as tzset() does). It reads no clock: given TZ, every
 * answer is a pure function of its arguments, which is what lets the tests
 * drive Berlin, New York, Sydney and Tokyo through their DST nights. The rest
 * of the scheduler works on local day numbers (days since 1970-01-01 of the
 * local date, as in control/cramp-night.h) and seconds of the day.
 */

/* The local offset east of UTC, in seconds, at Unix time @unix_s. */
int reminder_local_offset_s(int64_t unix_s);

/* The local date (a day number) and wall-clock second of the day of @unix_s. */
void reminder_local_split(int64_t unix_s, int64_t *ret_day, int *ret_sec);

/*
 * The Unix time at which the wall clock shows second @sec of local day @day.
 * A wall time shown twice (the hour repeated when the clocks go back) gives
 * the first time; one never shown (skipped when the clocks go forward) gives
 * the moment the clocks skip over it, the first moment after the gap.
 */
int64_t reminder_local_instant(int64_t day, int sec);
