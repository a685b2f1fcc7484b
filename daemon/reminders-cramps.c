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

/*
 * The night a morning answer at @now is about: the night window that started
 * most recently before @now, from its start to its end, or to @now while it
 * lasts. With the night 22:30-09:00, an answer at 08:20 is about the night
 * going on (22:30 to 08:20), not the one before it; one at 12:30 about the
 * night that ended at 09:00.
 */
static void answer_night(const struct reminders *r, int64_t now, int64_t *ret_start,
			 int64_t *ret_end)
{
	int start_s = r->config->heating.night_start_min * 60;
	int end_s = r->config->heating.night_end_min * 60;
	int64_t day, start, end;
	int sec;

	reminder_local_split(now, &day, &sec);
	start = reminder_local_instant(day, start_s);
	if (start > now)
		start = reminder_local_instant(--day, start_s);
	end = reminder_local_instant(end_s > start_s ? day : day + 1, end_s);
	*ret_start = start;
	*ret_end = end < now ? end : now;
}

/* The middle of the night answer_night() gives: a told cramp's estimated time. */
static int64_t night_middle(const struct reminders *r, int64_t now)
{
	int64_t start, end;

	answer_night(r, now, &start, &end);
	return start + (end - start) / 2;
}

/*
 * What the night holds of the cramp a morning answer tells: none (a new
 * cramp), one of the answer's leg (the same cramp), or one without a leg (a
 * single button: the same cramp, whose leg the answer tells).
 */
enum reported {
	REPORTED_NONE,
	REPORTED_SAME_LEG,
	REPORTED_LEG_UNKNOWN,
};

/*
 * Whether a cramp of @leg was already reported (not only suspected from
 * movement) in the night the answer at @now is about (answer_night(): inside
 * the night window, not the evening before it nor the day after it): one of
 * @leg, or else one whose leg was unknown (the first of those, whose time goes
 * to *ret_time_s). A cramp of the other leg is another cramp.
 */
static enum reported reported_tonight(const struct reminders *r, const char *leg, int64_t now,
				      int64_t *ret_time_s)
{
	int64_t since, until;
	struct store_cramp *list = NULL;
	enum reported found = REPORTED_NONE;
	int n;

	if (!r->store)
		return REPORTED_NONE;
	answer_night(r, now, &since, &until);
	n = store_cramps_read_range(r->store, since, until + 1, &list);
	for (int i = 0; i < n && found != REPORTED_SAME_LEG; i++) {
		if (list[i].suspected || !list[i].leg)
			continue;
		if (strcmp(list[i].leg, leg) == 0)
			found = REPORTED_SAME_LEG;
		else if (strcmp(list[i].leg, "unknown") == 0 && found == REPORTED_NONE) {
			found = REPORTED_LEG_UNKNOWN;
			*ret_time_s = list[i].time;
		}
	}
	if (n >= 0)
		store_cramps_free(list, (size_t) n);
	return found;
}

/*
 * At the suspected cramp's time, or else in the middle of the night,
 * "time_estimated"; not when that leg's cramp was reported during the night
 * already: the answer is about the same cramp, not a second one. A cramp
 * reported without a leg is that cramp too: the answer is a report of it
 * that fills in its leg (the cramp log amends it).
 */
int reminders_told_cramp(struct reminders *r, enum reminder_record record, int64_t now)
{
	const char *leg = record == REMINDER_RECORD_CRAMP_LEFT ? "left" : "right";
	int64_t suspect, time_s = 0;

	if (!r->cramps)
		return 0;
	switch (reported_tonight(r, leg, now, &time_s)) {
	case REPORTED_SAME_LEG:
		log_info(
		    "reminders: the morning answer '%s' is the cramp reported during the night; "
		    "not logged again",
		    leg);
		return 0;
	case REPORTED_LEG_UNKNOWN:
		log_info(
		    "reminders: the morning answer '%s' fills in the leg of the cramp reported "
		    "during the night",
		    leg);
		/* At its very time: the cramp log finds it, and amends it. */
		return cramp_log_record(r->cramps, leg, NULL, time_s, "morning", false, NULL);
	case REPORTED_NONE:
		break;
	}
	suspect = last_suspect(r, now);
	if (suspect)
		return cramp_log_record(r->cramps, leg, NULL, suspect, "morning", false, NULL);
	return cramp_log_record_estimated(r->cramps, leg, night_middle(r, now), "morning");
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
