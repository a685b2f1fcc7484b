#pragma once

#include <jansson.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "config/config.h"
#include "daemon/alerts.h"
#include "daemon/cramp-log.h"
#include "daemon/inputs.h"
#include "daemon/mqtt.h"
#include "store/store.h"

/*
 * The reminders on the event loop: each [reminder.NAME] is planned by the
 * pure scheduler (control/reminder-run.h) and carried out here. One
 * CLOCK_REALTIME timer is armed for whatever is due next (a run, a repeat, a
 * snooze's end, a timer's end); nothing ticks in between. The wall clock
 * being set (NTP late on a Pi without a real-time clock, a person) re-plans at
 * once (daemon/clock-jump.h): a jump forwards never sends a burst, a jump
 * backwards never stretches a snooze. While the clock still shows a time
 * before this bedroomd was written, nothing is planned.
 *
 * Each step is committed to the store (the reminder's state, the adherence
 * records, the events) before anything is sent (daemon/reminders-outbox.h);
 * what the store cannot take (none yet, a full disk) waits in memory and is
 * written when it can. The plan and the run on show survive a restart; a
 * reload hands them to the new reminders (reminders_adopt()). The events go to
 * <base>/event/reminder; the answers come on <base>/reminder/<name>, plain
 * text for the run on show or JSON naming a run; a malformed answer, or one
 * naming another run, changes nothing and is logged (repeated warnings are
 * rate-limited). foot_soak and stretch exist without a section, sending
 * nothing: their answers are still recorded. The morning follow-up's answers
 * log cramps through the cramp log, the one writer of cramps.
 */

struct reminders;

struct reminders_callbacks {
	/* A next due time or a run's state changed: re-publish <base>/state. */
	void (*changed)(void *userdata);
};

/*
 * Sets up the reminders of @config (borrowed, must outlive them) on @event;
 * @cramps takes the morning answers' cramps, @inputs says whether the person
 * is in bed, @alerts hears of a store that fails (all borrowed; @inputs and
 * @alerts may be NULL). Nothing is read, planned or subscribed until
 * reminders_start(). Returns 0 or a negative errno (logged).
 */
int reminders_new(sd_event *event, const struct config *config, struct cramp_log *cramps,
		  const struct inputs *inputs, struct alerts *alerts,
		  const struct reminders_callbacks *cb, void *userdata, struct reminders **ret);

/* Frees the reminders (stopped or not); accepts NULL; returns NULL. */
struct reminders *reminders_free(struct reminders *r);

/*
 * Reads the reminders' state from @store (may be NULL), plans them, arms the
 * timer, takes the answers on @mqtt and sends what waits. Returns 0 or a
 * negative errno (logged).
 */
int reminders_start(struct reminders *r, struct mqtt *mqtt, struct store *store);

/*
 * A reload: the new reminders @r take over from the running @old each
 * reminder's current run and plan (by name; a changed one is planned anew
 * from it with its new settings when started), and what waits to be written
 * or sent. A reminder no longer configured has its run taken off the phones
 * (cleared). Before reminders_start(r) and reminders_stop(old).
 */
void reminders_adopt(struct reminders *r, struct reminders *old);

/* Timers off, the subscription dropped. */
void reminders_stop(struct reminders *r);

/*
 * The store to use from now on (NULL: none). What waited in memory is written
 * to it; called again with the same store after a failed write, it tries again
 * (store_failed, raised for source "reminders" when a write fails, clears once
 * all of it is written). Started without a store, the runs and plans the store
 * holds are read first: a reminder that did nothing meanwhile takes its stored
 * run, so the empty state in memory never overwrites it.
 */
void reminders_set_store(struct reminders *r, struct store *store);

/* Whether something waits in memory because the store failed to take it. */
bool reminders_store_failing(const struct reminders *r);

/*
 * Adds "reminders" to @state: per reminder that is sent, "next" (its next due
 * time, ISO-8601 local, or null) and its current run: "state" (due, snoozed,
 * timer, time_up, cleared, given_up, in_bed, missed, or none), "id",
 * "attempt" and "ends" (the timer's end, or null). Returns 0 or -ENOMEM.
 */
int reminders_add_state(const struct reminders *r, json_t *state);

/*
 * Whether the foot soak of the night holding @time_s (noon to noon local)
 * was done, or started, by then: 1, 0, or -1 when unknown (no store, or the
 * person has not answered the foot-soak reminder in the 14 days before, so a
 * missing answer means nothing).
 */
int reminders_foot_soak_done(struct store *store, int64_t time_s);
