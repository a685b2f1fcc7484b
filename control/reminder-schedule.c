/* Slots of a reminder's schedule: see reminder-schedule.h. */
#include "control/reminder-schedule.h"

#include <errno.h>

#include "control/cramp-night.h"
#include "control/reminder-local.h"

#define DAY_S (24 * 3600)

bool reminder_when_valid(const struct reminder_when *w)
{
	if (!(w->days & REMINDER_DAYS_ALL) || (w->days & ~REMINDER_DAYS_ALL))
		return false;
	switch (w->kind) {
	case REMINDER_WHEN_AT:
		return w->at_s >= 0 && w->at_s < DAY_S;
	case REMINDER_WHEN_BEFORE_NIGHT:
		return w->before_night_s >= 0 && w->before_night_s <= REMINDER_BEFORE_NIGHT_MAX_S &&
		       w->night_start_s >= 0 && w->night_start_s < DAY_S;
	}
	return false;
}

int reminder_when_time_of_day(const struct reminder_when *w)
{
	switch (w->kind) {
	case REMINDER_WHEN_AT:
		return w->at_s;
	case REMINDER_WHEN_BEFORE_NIGHT:
		return ((w->night_start_s - w->before_night_s) % DAY_S + DAY_S) % DAY_S;
	}
	return 0;
}

static bool slot_on(const struct reminder_when *w, int64_t day, struct reminder_slot *ret)
{
	if (!(w->days & REMINDER_DAY_BIT(cramp_night_weekday(day))))
		return false;
	ret->day = day;
	ret->sec = reminder_when_time_of_day(w);
	ret->at_s = reminder_local_instant(day, ret->sec);
	return true;
}

/*
 * A week holds a slot when any day is set; a day on either side covers a
 * slot whose instant lies on another UTC date than its local one.
 */
int reminder_slot_next(const struct reminder_when *w, int64_t after_s, struct reminder_slot *ret)
{
	struct reminder_slot s;
	int64_t today;
	int sec;

	reminder_local_split(after_s, &today, &sec);
	for (int64_t day = today - 1; day <= today + 8; day++)
		if (slot_on(w, day, &s) && s.at_s > after_s) {
			*ret = s;
			return 0;
		}
	return -ENOENT;
}

int reminder_slot_last(const struct reminder_when *w, int64_t at_s, struct reminder_slot *ret)
{
	struct reminder_slot s;
	int64_t today;
	int sec;

	reminder_local_split(at_s, &today, &sec);
	for (int64_t day = today + 1; day >= today - 8; day--)
		if (slot_on(w, day, &s) && s.at_s <= at_s) {
			*ret = s;
			return 0;
		}
	return -ENOENT;
}
