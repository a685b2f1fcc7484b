/* Local wall time <-> Unix time through localtime_r(): see reminder-local.h. */
#include "control/reminder-local.h"

#include <time.h>

#define DAY_S ((int64_t) 24 * 3600)

int reminder_local_offset_s(int64_t unix_s)
{
	time_t t = (time_t) unix_s;
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return 0;
	return (int) tm.tm_gmtoff;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

void reminder_local_split(int64_t unix_s, int64_t *ret_day, int *ret_sec)
{
	int64_t local = unix_s + reminder_local_offset_s(unix_s);
	int64_t day = floor_div(local, DAY_S);

	*ret_day = day;
	*ret_sec = (int) (local - day * DAY_S);
}

int64_t reminder_local_instant(int64_t day, int sec)
{
	/*
	 * The wall time as if it were UTC, and the offsets in force around it:
	 * a transition moves the offset at most once or twice a day. An instant
	 * t shows the wall time when t + offset(t) is it.
	 */
	int64_t wall = day * DAY_S + sec;
	const int offsets[3] = { reminder_local_offset_s(wall - DAY_S),
				 reminder_local_offset_s(wall),
				 reminder_local_offset_s(wall + DAY_S) };
	int64_t best = INT64_MAX, lo, hi;
	int before = offsets[0], after = offsets[0];

	for (int i = 0; i < 3; i++) {
		int64_t t = wall - offsets[i];

		if (reminder_local_offset_s(t) == offsets[i] && t < best)
			best = t;
		if (offsets[i] < before)
			before = offsets[i];
		if (offsets[i] > after)
			after = offsets[i];
	}
	if (best != INT64_MAX || before == after)
		return best != INT64_MAX ? best : wall - before;
	/*
	 * In the gap: the clocks went from @before to @after somewhere in
	 * (wall - after, wall - before]. Find the first second of the new offset.
	 */
	lo = wall - after;
	hi = wall - before;
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;

		if (reminder_local_offset_s(mid) == reminder_local_offset_s(lo))
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}
