/* Nights from noon to noon local time, and the calendar arithmetic they need. */
#include "control/cramp-night.h"

#include <assert.h>

#define DAY_S ((int64_t) 24 * 3600)

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t cramp_night_of(int64_t time_s, int tz_offset_s)
{
	return floor_div(time_s + tz_offset_s - 12 * 3600, DAY_S);
}

int64_t cramp_night_start(int64_t night, int tz_offset_s)
{
	return night * DAY_S + 12 * 3600 - tz_offset_s;
}

bool cramp_night_sleep_hours(int64_t time_s, int tz_offset_s, int start_min, int end_min)
{
	int64_t local = time_s + tz_offset_s;
	int64_t of_day = local - floor_div(local, DAY_S) * DAY_S;
	int64_t start = (int64_t) start_min * 60, end = (int64_t) end_min * 60;

	if (start <= end)
		return of_day >= start && of_day < end;
	return of_day >= start || of_day < end;
}

/* Howard Hinnant's civil_from_days and days_from_civil (proleptic Gregorian). */
void cramp_night_date(int64_t night, int *ret_year, int *ret_month, int *ret_day)
{
	int64_t z = night + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	assert(ret_year);
	assert(ret_month);
	assert(ret_day);
	*ret_year = (int) (yoe + era * 400 + (m <= 2));
	*ret_month = (int) m;
	*ret_day = (int) d;
}

int64_t cramp_night_from_date(int year, int month, int day)
{
	int64_t y = (int64_t) year - (month <= 2);
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

int cramp_night_weekday(int64_t night)
{
	/* 1970-01-01 was a Thursday. */
	return (int) (night + 3 - floor_div(night + 3, 7) * 7);
}

int64_t cramp_night_week_start(int64_t night)
{
	return night - cramp_night_weekday(night);
}
