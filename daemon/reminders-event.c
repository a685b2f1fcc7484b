/*
 * What the reminders part says and keeps: the events on <base>/event/reminder,
 * its fields in <base>/state, and a reminder's state as the store keeps it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "control/reminder-local.h"
#include "daemon/clock.h"
#include "daemon/reminders-internal.h"

#define TIME_MAX 40

static json_t *time_or_null(int64_t t)
{
	char buf[TIME_MAX];

	if (t <= 0 || t == REMINDER_NEVER ||
	    clock_format_offset(t, clock_local_offset_s(t), buf, sizeof(buf)) < 0)
		return json_null();
	return json_string(buf);
}

/* What the notification says for @o. */
static const char *text_of(const struct reminder *rem, const struct reminder_out *o,
			   const char *message, char *buf, size_t size)
{
	int64_t day;
	int sec;

	switch (o->send) {
	case REMINDER_SEND_TIMER:
		reminder_local_split(o->ends_s, &day, &sec);
		if (reminder_timer_text(sec / 3600, sec / 60 % 60, buf, size) == 0)
			return buf;
		break;
	case REMINDER_SEND_TIME_UP:
		return rem->p.time_up_message;
	case REMINDER_SEND_DUE:
		return message ? message : rem->p.message;
	case REMINDER_SEND_NOTHING:
	case REMINDER_SEND_CLEARED:
	case REMINDER_SEND_GIVEN_UP:
		break;
	}
	return rem->p.message;
}

char *reminder_event_json(const struct reminder *rem, const struct reminder_out *o,
			  const char *message, int64_t now_s)
{
	json_t *event, *actions = json_array();
	char text[160];
	char *json;

	for (size_t i = 0; actions && i < o->n_actions; i++)
		json_array_append_new(actions,
				      json_string(reminder_action_to_string(o->actions[i])));
	event = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:i, s:o}", "id", o->id, "name",
			  rem->p.name, "title", rem->p.title, "message",
			  text_of(rem, o, message, text, sizeof(text)), "actions",
			  actions ? actions : json_array(), "time", time_or_null(now_s), "state",
			  reminder_send_to_string(o->send), "attempt", (int) o->attempt, "ends",
			  o->send == REMINDER_SEND_TIMER || o->send == REMINDER_SEND_TIME_UP
			      ? time_or_null(o->ends_s)
			      : json_null());
	json = event ? json_dumps(event, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(event);
	return json;
}

json_t *reminder_state_json(const struct reminder *rem)
{
	const struct reminder_run *run = &rem->s.run;
	char id[REMINDER_ID_MAX];
	bool has_run = reminder_run_id(&rem->p, run, id, sizeof(id)) == 0;
	/* A snoozed run is due again before any next slot: that is the phone's "next". */
	int64_t next_s =
	    run->state == REMINDER_RUN_SNOOZED && run->next_s > 0 ? run->next_s : rem->next_slot_s;

	return json_pack(
	    "{s:o, s:s, s:o, s:i, s:o}", "next", time_or_null(next_s), "state",
	    reminder_run_state_to_string(run->state), "id", has_run ? json_string(id) : json_null(),
	    "attempt", (int) run->attempt, "ends",
	    run->state == REMINDER_RUN_TIMER ? time_or_null(run->ends_s) : json_null());
}

void reminder_state_to_store(const struct reminder *rem, struct store_reminder_state *ret)
{
	const struct reminder_run *run = &rem->s.run;

	*ret = (struct store_reminder_state){
		/* Borrowed for the write, never written through. */
		.reminder = (char *) (uintptr_t) rem->p.name,
		.since = rem->s.since_s,
		.state = (char *) (uintptr_t) reminder_run_state_to_string(run->state),
		.slot_day = run->slot_day,
		.slot_sec = run->slot_sec,
		.slot = run->slot_s,
		.attempt = (int) run->attempt,
		.repeats = (int) run->repeats,
		.snoozes = (int) run->snoozes,
		.next = run->next_s,
		.ends = run->ends_s,
		.started = run->started,
		.done = run->done,
		.skipped = run->skipped,
	};
}

int reminder_state_from_store(struct reminder *rem, const struct store_reminder_state *st)
{
	struct reminder_state s = { .since_s = st->since };

	if (reminder_run_state_from_string(st->state, &s.run.state) < 0 || st->attempt < 0 ||
	    st->repeats < 0 || st->snoozes < 0)
		return -EINVAL;
	s.run.slot_day = st->slot_day;
	s.run.slot_sec = st->slot_sec;
	s.run.slot_s = st->slot;
	s.run.attempt = (unsigned) st->attempt;
	s.run.repeats = (unsigned) st->repeats;
	s.run.snoozes = (unsigned) st->snoozes;
	s.run.next_s = st->next;
	s.run.ends_s = st->ends;
	s.run.started = st->started;
	s.run.done = st->done;
	s.run.skipped = st->skipped;
	rem->s = s;
	rem->saved = s;
	return 0;
}
