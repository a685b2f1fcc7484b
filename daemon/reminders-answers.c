/* The reminders' answers on <base>/reminder/<name>: see reminders.h. */
#include <stdio.h>
#include <string.h>

#include "daemon/clock.h"
#include "daemon/log.h"
#include "daemon/reminder-command.h"
#include "daemon/reminders-internal.h"

#define WARN_WINDOW_USEC (60 * SEC) /* warnings about answers: at most ... */
#define WARN_MAX         5          /* ... this many a minute */

/* Warnings about answers from outside: at most WARN_MAX a minute. */
static bool may_warn(struct reminders *r)
{
	uint64_t now = clock_monotonic_usec();

	if (r->warn_since_usec == 0 || now - r->warn_since_usec > WARN_WINDOW_USEC) {
		if (r->n_suppressed)
			log_warning("reminders: %u more answers were ignored without a word",
				    r->n_suppressed);
		r->warn_since_usec = now;
		r->n_warned = 0;
		r->n_suppressed = 0;
	}
	if (r->n_warned < WARN_MAX) {
		r->n_warned++;
		return true;
	}
	if (r->n_suppressed++ == 0)
		log_warning("reminders: more than %d answers ignored within a minute; not "
			    "logging each for now",
			    WARN_MAX);
	return false;
}

#define warn_answer(r, ...)                                                                        \
	do {                                                                                       \
		if (may_warn(r))                                                                   \
			log_warning(__VA_ARGS__);                                                  \
	} while (0)

static void answer(struct reminders *r, struct reminder *rem, const struct reminder_command *c)
{
	const struct reminder_answer a = { .action = c->action, .id = c->has_id ? c->id : NULL };
	const char *action = reminder_action_to_string(c->action), *reason = NULL;
	int64_t now = reminders_now_s();
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
	switch ((enum reminder_answer_result) res) {
	case REMINDER_ANSWER_APPLIED:
		log_info("reminder %s: %s", rem->p.name, action);
		(void) reminders_carry_out(r, rem, &d, now);
		reminders_arm(r);
		reminders_changed(r);
		return;
	case REMINDER_ANSWER_UNCHANGED:
		log_info("reminder %s: '%s' changes nothing: %s", rem->p.name, action, reason);
		return;
	case REMINDER_ANSWER_OTHER_RUN:
		if (reminder_run_id(&rem->p, &rem->s.run, current, sizeof(current)) < 0)
			snprintf(current, sizeof(current), "none");
		warn_answer(r,
			    "ignoring '%s' for reminder %s: it names run '%s', not the current one "
			    "('%s')",
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
	struct reminder *rem;

	name = name ? name + 1 : msg->topic;
	rem = reminders_find(r, name);
	if (!rem) {
		warn_answer(r, "ignoring an answer on '%s': there is no reminder '%s'", msg->topic,
			    name);
		return;
	}
	if (msg->retained) {
		/* It would answer again at every start. */
		warn_answer(r, "ignoring a retained answer on '%s': answers must not be retained",
			    msg->topic);
		return;
	}
	if (reminder_command_parse(msg->payload, msg->len, &c, &reason) < 0) {
		warn_answer(r, "ignoring an answer to reminder %s: %s", name, reason);
		return;
	}
	if (reminders_now_s() < CLOCK_SET_AFTER_S) {
		warn_answer(r, "ignoring an answer to reminder %s: the wall clock is not set yet",
			    name);
		return;
	}
	answer(r, rem, &c);
}
