/*
 * What the reminders and the cramp log tell each other: whether the foot soak
 * was done (a cramp's context), and the morning question's cramps.
 */
#include "control/cramp-night.h"
#include "control/reminder-local.h"
#include <string.h>

#include "daemon/clock.h"
#include "daemon/log.h"
#include "daemon/reminders-internal.h"

#define SOAK             "foot_soak"
#define SOAK_KNOWN_FOR_S ((int64_t) 14 * 86400)
/* The morning question asks about movement this far back. */
#define SUSPECT_LOOKBACK_S ((int64_t) 18 * 3600)

/* The newest suspected cramp nobody confirmed, up to SUSPECT_LOOKBACK_S before @now; or 0. */
static int64_t last_suspect(const struct reminders *r, int64_t now)
{
	struct store_cramp *list = NULL;
	int64_t t = 0;
	int n;

	if (!r->store)
		return 0;
	n = store_cramps_read_range(r->store, now - SUSPECT_LOOKBACK_S, now + 1, &list);
	for (int i = 0; i < n; i++)
		if (list[i].suspected)
			t = list[i].time;
	if (n >= 0)
		store_cramps_free(list, (size_t) n);
	return t;
}

/* The middle of the last night window that ended by @now: a told cramp's estimated time. */
static int64_t night_middle(const struct reminders *r, int64_t now)
{
	int start_s = r->config->heating.night_start_min * 60;
	int end_s = r->config->heating.night_end_min * 60;
	int64_t day, start, end;
	int sec;

	reminder_local_split(now, &day, &sec);
	end = reminder_local_instant(day, end_s);
	if (end > now)
		end = reminder_local_instant(--day, end_s);
	start = reminder_local_instant(start_s > end_s ? day - 1 : day, start_s);
	return start + (end - start) / 2;
}

/*
 * Whether a cramp of @leg was already reported (not only suspected from
 * movement) in the night holding @now (from noon), up to now.
 */
static bool reported_tonight(const struct reminders *r, const char *leg, int64_t now)
{
	int tz = clock_local_offset_s(now);
	int64_t since = cramp_night_start(cramp_night_of(now, tz), tz);
	struct store_cramp *list = NULL;
	bool found = false;
	int n;

	if (!r->store)
		return false;
	n = store_cramps_read_range(r->store, since, now + 1, &list);
	for (int i = 0; i < n && !found; i++)
		found = !list[i].suspected && list[i].leg && strcmp(list[i].leg, leg) == 0;
	if (n >= 0)
		store_cramps_free(list, (size_t) n);
	return found;
}

/*
 * At the suspected cramp's time, or else in the middle of the night,
 * "time_estimated"; not when that leg's cramp was reported during the night
 * already: the answer is about the same cramp, not a second one.
 */
void reminders_told_cramp(struct reminders *r, enum reminder_record record, int64_t now)
{
	const char *leg = record == REMINDER_RECORD_CRAMP_LEFT ? "left" : "right";
	int64_t suspect;

	if (!r->cramps)
		return;
	if (reported_tonight(r, leg, now)) {
		log_info(
		    "reminders: the morning answer '%s' is the cramp reported during the night; "
		    "not logged again",
		    leg);
		return;
	}
	suspect = last_suspect(r, now);
	if (suspect)
		(void) cramp_log_record(r->cramps, leg, NULL, suspect, "morning", false, NULL);
	else
		(void) cramp_log_record_estimated(r->cramps, leg, night_middle(r, now), "morning");
}

const char *reminders_due_message(const struct reminders *r, const struct reminder *rem,
				  int64_t now, char *buf, size_t size)
{
	int64_t suspect, day;
	int sec;

	if (rem->p.kind != REMINDER_KIND_FOLLOW_UP || !(suspect = last_suspect(r, now)))
		return NULL;
	reminder_local_split(suspect, &day, &sec);
	return reminder_follow_up_text(sec / 3600, sec / 60 % 60, buf, size) == 0 ? buf : NULL;
}

int reminders_foot_soak_done(struct store *store, int64_t time_s)
{
	int tz = clock_local_offset_s(time_s);
	int64_t tonight = cramp_night_start(cramp_night_of(time_s, tz), tz);
	int r;

	if (!store)
		return -1;
	r = store_reminder_answered(store, SOAK, false, time_s - SOAK_KNOWN_FOR_S, time_s);
	if (r <= 0)
		return -1;
	r = store_reminder_answered(store, SOAK, true, tonight, time_s);
	return r < 0 ? -1 : r;
}
