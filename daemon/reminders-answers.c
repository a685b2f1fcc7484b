/* The reminders' answers on <base>/reminder/<name>: see reminders.h. */
#include <stdio.h>
#include <string.h>

#include "daemon/clock.h"
#include "daemon/log.h"
#include "daemon/reminder-command.h"
#include "daemon/reminders-internal.h"

/* Warnings about answers from outside: a flood is summed up (daemon/log.h). */
#define warn_answer(r, ...) warn_limited(&(r)->warn, __VA_ARGS__)

/*
 * An answer not taken on a clock that is not set: its cramp (the morning's
 * "left", "right") is kept all the same, at the time of @now. A person's
 * report is never lost for our clock's sake.
 */
static void keep_cramp(struct reminders *r, struct reminder *rem, enum reminder_action action,
		       int64_t now)
{
	enum reminder_record record = action == REMINDER_ACTION_LEFT ? REMINDER_RECORD_CRAMP_LEFT
				      : action == REMINDER_ACTION_RIGHT
					  ? REMINDER_RECORD_CRAMP_RIGHT
					  : REMINDER_RECORD_NOTHING;

	if (record == REMINDER_RECORD_NOTHING || now >= CLOCK_SET_AFTER_S)
		return;
	log_warning("reminder %s: the answer '%s' found no run while the wall clock is not set; "
		    "its cramp is logged all the same",
		    rem->p.name, reminder_action_to_string(action));
	(void) reminders_told_cramp(r, record, now);
}

static void answer(struct reminders *r, struct reminder *rem, const struct reminder_command *c,
		   int64_t now)
{
	const struct reminder_answer a = { .action = c->action, .id = c->has_id ? c->id : NULL };
	const char *action = reminder_action_to_string(c->action), *reason = NULL;
	struct reminder_decision d;
	char current[REMINDER_ID_MAX];
	int res;

	if (!rem->enabled)
		reminder_quiet_slot(&rem->p, &rem->s, now);
	res = reminder_answer(&rem->p, &rem->s, &a, now, &d, &reason);
	if (res < 0) {
		warn_answer(r, "ignoring '%s' for reminder %s: %s", action, rem->p.name, reason);
		return;
	}
	if (res == REMINDER_ANSWER_OTHER_RUN || res == REMINDER_ANSWER_NO_RUN)
		keep_cramp(r, rem, c->action, now);
	switch ((enum reminder_answer_result) res) {
	case REMINDER_ANSWER_APPLIED:
		rem->repeat_said = false;
		log_info("reminder %s: %s", rem->p.name, action);
		(void) reminders_carry_out(r, rem, &d, now);
		reminders_arm(r);
		reminders_changed(r);
		return;
	case REMINDER_ANSWER_UNCHANGED:
		/* A second tap: harmless, said once; a flood of them must not fill the journal. */
		if (rem->repeat_said)
			log_debug("reminder %s: '%s' again, nothing to change", rem->p.name,
				  action);
		else
			log_info("reminder %s: '%s' changes nothing: %s", rem->p.name, action,
				 reason);
		rem->repeat_said = true;
		return;
	case REMINDER_ANSWER_OTHER_RUN:
		if (reminder_run_id(&rem->p, &rem->s.run, current, sizeof(current)) < 0)
			warn_answer(r,
				    "ignoring '%s' for reminder %s: it names run '%s', and no run "
				    "of it is on now",
				    action, rem->p.name, c->id);
		else
			warn_answer(r,
				    "ignoring '%s' for reminder %s: it names run '%s', not the "
				    "current one ('%s')",
				    action, rem->p.name, c->id, current);
		return;
	case REMINDER_ANSWER_REFUSED:
	case REMINDER_ANSWER_NO_RUN:
		warn_answer(r, "ignoring '%s' for reminder %s: %s", action, rem->p.name,
			    reason ? reason : "not now");
		return;
	}
}

/* The subscription's filter makes the name the topic's last level. */
void reminders_on_answer(const struct mqtt_message *msg, void *userdata)
{
	struct reminders *r = userdata;
	const char *name = strrchr(msg->topic, '/'), *reason = NULL;
	struct reminder_command c;
	char said[72];
	struct reminder *rem;
	int64_t now, at;

	name = name ? name + 1 : msg->topic;
	rem = reminders_find(r, name);
	if (!rem) {
		warn_answer(r, "ignoring an answer on '%s': there is no reminder '%s'", msg->topic,
			    name);
		return;
	}
	/* A retained answer would answer again at every start and reconnect. */
	if (command_guard_refuses(&rem->guard, &r->warn, msg, NULL))
		return;
	if (reminder_command_parse(msg->payload, msg->len, rem->p.kind, &c, &reason) < 0) {
		warn_answer(r, "ignoring an answer to reminder %s: %s; it said '%s'", name, reason,
			    log_excerpt(msg->payload, msg->len, said, sizeof(said)));
		return;
	}
	/* Never dropped for our clock: the morning's "left" is a cramp (see reminder-run.h). */
	now = reminders_now_s();
	if (reminder_answer_time(&rem->s, now, &at) < 0)
		log_warning("reminder %s: the wall clock is not set yet (no NTP since the power "
			    "cut?) and no run of it is known: the answer '%s' is taken at this "
			    "machine's time, which is wrong",
			    name, reminder_action_to_string(c.action));
	else if (at != now)
		log_warning("reminder %s: the wall clock is not set yet (no NTP since the power "
			    "cut?): the answer '%s' is taken at the time of the run it answers",
			    name, reminder_action_to_string(c.action));
	answer(r, rem, &c, at);
}
