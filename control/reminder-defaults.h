#pragma once

/*
 * The reminders' defaults and bounds, and the names of their answers: their
 * one home, read by the scheduler (control/reminder-names.c) and by the
 * key table ([reminder.NAME] in config/). Durations in seconds, wall times
 * in local seconds of the day. The wording (titles, messages) lives in
 * control/reminder-names.c.
 *
 * Plain constants: any layer may include this.
 */

/* Every reminder, unless its name or its section says otherwise. */
#define REMINDER_DEFAULT_SNOOZE_S       (10 * 60)
#define REMINDER_DEFAULT_SNOOZE_MAX     3
#define REMINDER_DEFAULT_REPEAT_EVERY_S (15 * 60)
#define REMINDER_DEFAULT_REPEAT_MAX     1
#define REMINDER_DEFAULT_LATE_BY_S      3600

/*
 * Bounds. The durations go down to a second so that the tests and the demo
 * run in seconds; in use, a snooze or a repeat is minutes.
 */
#define REMINDER_SNOOZE_MIN_S       1
#define REMINDER_SNOOZE_MAX_S       (2 * 3600)
#define REMINDER_SNOOZES_MAX        10
#define REMINDER_REPEAT_EVERY_MIN_S 1
#define REMINDER_REPEAT_EVERY_MAX_S (6 * 3600)
#define REMINDER_REPEATS_MAX        10
#define REMINDER_TIMER_MAX_S        (4 * 3600)
#define REMINDER_LATE_BY_MAX_S      (6 * 3600)
#define REMINDER_BEFORE_NIGHT_MAX_S (12 * 3600)

/*
 * The reminders bedroomd knows by name, with what differs from the defaults:
 * X(name, follow_up, timer_s, before_night_s, at_s, repeat_every_s, repeat_max).
 * A negative before_night_s means "at at_s". follow_up: the morning question
 * "any cramps last night?" (answers none / left / right) rather than a task.
 */
#define REMINDER_KNOWN(X)                                                                          \
	X(foot_soak, 0, 15 * 60, 30 * 60, -1, 15 * 60, 1)                                          \
	X(stretch, 0, 0, 15 * 60, -1, 15 * 60, 1)                                                  \
	X(morning, 1, 0, -1, 8 * 3600, 4 * 3600, 0)

/* The name of the morning follow-up ([reminder.morning]). */
#define REMINDER_FOLLOW_UP_NAME "morning"

/*
 * The answers, as MQTT and `actions =` spell them, in the order of enum
 * reminder_action: X(ID, name, task, follow_up), the last two saying which
 * kind of reminder takes the answer.
 */
#define REMINDER_ACTIONS(X)                                                                        \
	X(STARTED, started, 1, 0)                                                                  \
	X(DONE, done, 1, 0)                                                                        \
	X(SNOOZE, snooze, 1, 1)                                                                    \
	X(SKIP, skip, 1, 1)                                                                        \
	X(NONE, none, 0, 1)                                                                        \
	X(LEFT, left, 0, 1)                                                                        \
	X(RIGHT, right, 0, 1)
