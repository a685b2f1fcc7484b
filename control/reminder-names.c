/* The reminders' defaults and wording (their one home), and the names on MQTT. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "control/reminder-run.h"

#include <stdio.h>

#define MINUTE_S ((int64_t) 60)
#define HOUR_S   ((int64_t) 3600)
#define N_OF(a)  (sizeof(a) / sizeof((a)[0]))

/* The wording of a known reminder; its numbers are in control/reminder-defaults.h. */
struct wording {
	const char *name;
	const char *title, *message, *time_up_message;
};

static const struct wording wordings[] = {
	{
	    .name = "foot_soak",
	    .title = "Warm foot soak",
	    .message = "Time for a warm foot soak before bed: water above the ankles, 40–45 °C, "
		       "for no more than 15 minutes, with a gentle massage of the Achilles "
		       "tendons.",
	    .time_up_message =
		"Time's up. Dry your feet well and keep them warm on the way to bed.",
	},
	{
	    .name = "stretch",
	    .title = "Calf stretch",
	    .message = "Stand facing a wall and stretch each calf, heel on the floor. Then, "
		       "seated, ankle pumps: toes up five seconds, down five seconds, twenty "
		       "times.",
	},
	{
	    /* The follow-up asks once and leaves the question up all morning. */
	    .name = REMINDER_FOLLOW_UP_NAME,
	    .title = "Any cramps last night?",
	    .message = "Tap the leg if a cramp woke you in the night, or None.",
	},
};

/* A known reminder's numbers: REMINDER_KNOWN of control/reminder-defaults.h. */
struct known {
	const char *name;
	bool follow_up;
	int64_t timer_s;
	int before_night_s; /* >= 0: relative to the night; else at at_s */
	int at_s;
	int64_t repeat_every_s;
	unsigned repeat_max;
};

#define KNOWN_(name_, follow_up_, timer_, before_, at_, every_, max_)                              \
	{ .name = #name_,                                                                          \
	  .follow_up = (follow_up_),                                                               \
	  .timer_s = (timer_),                                                                     \
	  .before_night_s = (before_),                                                             \
	  .at_s = (at_),                                                                           \
	  .repeat_every_s = (every_),                                                              \
	  .repeat_max = (max_) },
static const struct known known[] = { REMINDER_KNOWN(KNOWN_) };
#undef KNOWN_

bool reminder_name_is_follow_up(const char *name)
{
	for (size_t i = 0; name && i < N_OF(known); i++)
		if (strcmp(name, known[i].name) == 0)
			return known[i].follow_up;
	return false;
}

void reminder_params_init(struct reminder_params *p, const char *name, int night_start_s)
{
	*p = (struct reminder_params){
		.name = name,
		.kind = REMINDER_KIND_TASK,
		.when = { .kind = REMINDER_WHEN_AT,
			  .at_s = 21 * HOUR_S + 30 * MINUTE_S,
			  .night_start_s = night_start_s,
			  .days = REMINDER_DAYS_ALL },
		/* Not one "Reminder" for each: Home Assistant's entities take their names from it.
		 */
		.title = name ? name : "Reminder",
		.time_up_message = "Time's up.",
		.snooze_s = REMINDER_DEFAULT_SNOOZE_S,
		.snooze_max = REMINDER_DEFAULT_SNOOZE_MAX,
		.repeat_every_s = REMINDER_DEFAULT_REPEAT_EVERY_S,
		.repeat_max = REMINDER_DEFAULT_REPEAT_MAX,
		.late_by_s = REMINDER_DEFAULT_LATE_BY_S,
	};
	for (size_t i = 0; name && i < N_OF(known); i++) {
		const struct known *k = &known[i];

		if (strcmp(name, k->name) != 0)
			continue;
		p->kind = k->follow_up ? REMINDER_KIND_FOLLOW_UP : REMINDER_KIND_TASK;
		p->timer_s = k->timer_s;
		if (k->before_night_s >= 0) {
			p->when.kind = REMINDER_WHEN_BEFORE_NIGHT;
			p->when.before_night_s = k->before_night_s;
		} else {
			p->when.at_s = k->at_s;
		}
		p->repeat_every_s = k->repeat_every_s;
		p->repeat_max = k->repeat_max;
	}
	for (size_t i = 0; name && i < N_OF(wordings); i++) {
		const struct wording *w = &wordings[i];

		if (strcmp(name, w->name) != 0)
			continue;
		p->title = w->title;
		p->message = w->message;
		if (w->time_up_message)
			p->time_up_message = w->time_up_message;
	}
}

static bool name_ok(const char *s, size_t max, const char *extra)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char) s[i]) && !isdigit((unsigned char) s[i]) &&
		    !strchr(extra, s[i]))
			return false;
	return true;
}

static bool prefix_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!s)
		return true;
	if (n == 0 || n > REMINDER_ID_PREFIX_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char) s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

static bool actions_ok(const struct reminder_params *p)
{
	if (p->n_actions > REMINDER_ACTIONS_MAX)
		return false;
	for (size_t i = 0; i < p->n_actions; i++) {
		if (!reminder_action_fits(p->kind, p->actions[i]))
			return false;
		for (size_t j = 0; j < i; j++)
			if (p->actions[j] == p->actions[i])
				return false;
	}
	return true;
}

int reminder_params_check(const struct reminder_params *p, const char **ret_reason)
{
	const char *reason = NULL;

	if (!name_ok(p->name, REMINDER_NAME_MAX, "_"))
		reason = "the name must be 1 to 32 of a-z, 0-9 and _";
	else if (!prefix_ok(p->id_prefix))
		reason = "the id prefix must be 1 to 64 of A-Z, a-z, 0-9, _ and -";
	else if (!reminder_when_valid(&p->when))
		reason = "the time must lie within the day (before_night: up to 12 h), on one day "
			 "at least";
	else if (!p->title || !*p->title)
		reason = "a title is needed";
	else if (!p->message || !*p->message)
		reason = "a message is needed";
	else if (p->timer_s < 0 || p->timer_s > REMINDER_TIMER_MAX_S)
		reason = "timer must be 0 (none) or up to 4 h";
	else if (p->timer_s != 0 && (!p->time_up_message || !*p->time_up_message))
		reason = "a timer needs a time's-up message";
	else if (p->timer_s != 0 && p->kind == REMINDER_KIND_FOLLOW_UP)
		reason = "the morning follow-up takes no timer";
	else if (p->snooze_s < REMINDER_SNOOZE_MIN_S || p->snooze_s > REMINDER_SNOOZE_MAX_S)
		reason = "snooze must be from 1 s to 2 h";
	else if (p->snooze_max > REMINDER_SNOOZES_MAX)
		reason = "snooze_max must be from 0 to 10";
	else if (p->repeat_every_s < REMINDER_REPEAT_EVERY_MIN_S ||
		 p->repeat_every_s > REMINDER_REPEAT_EVERY_MAX_S)
		reason = "repeat_every must be from 1 s to 6 h";
	else if (p->repeat_max > REMINDER_REPEATS_MAX)
		reason = "repeat_max must be from 0 to 10";
	else if (p->late_by_s < 0 || p->late_by_s > REMINDER_LATE_BY_MAX_S)
		reason = "late_by must be from 0 to 6 h";
	else if (!actions_ok(p))
		reason = "actions: at most 3, each once, each an answer this reminder takes";
	if (ret_reason)
		*ret_reason = reason;
	return reason ? -EINVAL : 0;
}

static const char *const action_names[_REMINDER_ACTION_MAX] = {
#define ACTION_NAME_(id, name, task, follow_up) [REMINDER_ACTION_##id] = #name,
	REMINDER_ACTIONS(ACTION_NAME_)
#undef ACTION_NAME_
};

bool reminder_action_fits(enum reminder_kind kind, enum reminder_action a)
{
	static const struct {
		bool task, follow_up;
	} fits[_REMINDER_ACTION_MAX] = {
#define ACTION_FITS_(id, name, task_, follow_up_)                                                  \
	[REMINDER_ACTION_##id] = { .task = (task_), .follow_up = (follow_up_) },
		REMINDER_ACTIONS(ACTION_FITS_)
#undef ACTION_FITS_
	};

	if ((size_t) a >= N_OF(fits))
		return false;
	switch (kind) {
	case REMINDER_KIND_TASK:
		return fits[a].task;
	case REMINDER_KIND_FOLLOW_UP:
		return fits[a].follow_up;
	}
	return false;
}

int reminder_action_from_string(const char *s, enum reminder_action *ret)
{
	for (size_t i = 0; s && i < N_OF(action_names); i++)
		if (strcmp(s, action_names[i]) == 0) {
			*ret = (enum reminder_action) i;
			return 0;
		}
	return -EINVAL;
}

const char *reminder_action_to_string(enum reminder_action a)
{
	return (size_t) a < N_OF(action_names) ? action_names[a] : NULL;
}

/* Longer than any action with blanks around it: refused unread. */
#define ACTION_PAYLOAD_MAX 64

int reminder_action_parse(const void *data, size_t len, enum reminder_action *ret,
			  const char **ret_reason)
{
	/* An empty MQTT payload may come as NULL: no arithmetic on it. */
	const char *p = len > 0 ? data : "", *end = p + len;
	char word[ACTION_PAYLOAD_MAX + 1];
	int r = -EBADMSG;

	if (len > ACTION_PAYLOAD_MAX) {
		r = -EMSGSIZE;
		goto out;
	}
	while (p < end && isspace((unsigned char) *p))
		p++;
	while (end > p && isspace((unsigned char) end[-1]))
		end--;
	if (memchr(p, '\0', (size_t) (end - p)))
		goto out;
	for (size_t i = 0; i < (size_t) (end - p); i++)
		word[i] = (char) tolower((unsigned char) p[i]);
	word[end - p] = '\0';
	if (reminder_action_from_string(word, ret) == 0)
		r = 0;
out:
	if (ret_reason)
		*ret_reason = r == 0 ? NULL
			      : r == -EMSGSIZE
				  ? "payload too large"
				  : "not started, done, snooze, skip, none, left or right";
	return r;
}

static const char *const send_names[] = {
	[REMINDER_SEND_NOTHING] = NULL,      [REMINDER_SEND_DUE] = "due",
	[REMINDER_SEND_TIMER] = "timer",     [REMINDER_SEND_TIME_UP] = "time_up",
	[REMINDER_SEND_CLEARED] = "cleared", [REMINDER_SEND_GIVEN_UP] = "given_up",
};

const char *reminder_send_to_string(enum reminder_send s)
{
	return (size_t) s < N_OF(send_names) ? send_names[s] : NULL;
}

static const char *const record_names[] = {
	[REMINDER_RECORD_NOTHING] = NULL,
	[REMINDER_RECORD_SENT] = "sent",
	[REMINDER_RECORD_STARTED] = "started",
	[REMINDER_RECORD_DONE] = "done",
	[REMINDER_RECORD_SNOOZED] = "snoozed",
	[REMINDER_RECORD_SKIPPED] = "skipped",
	[REMINDER_RECORD_IGNORED] = "ignored",
	[REMINDER_RECORD_IN_BED] = "in_bed",
	[REMINDER_RECORD_MISSED] = "missed",
	[REMINDER_RECORD_NO_CRAMP] = "no_cramp",
	[REMINDER_RECORD_CRAMP_LEFT] = "cramp_left",
	[REMINDER_RECORD_CRAMP_RIGHT] = "cramp_right",
};

const char *reminder_record_to_string(enum reminder_record r)
{
	return (size_t) r < N_OF(record_names) ? record_names[r] : NULL;
}

static const char *const run_state_names[] = {
	[REMINDER_RUN_NONE] = "none",         [REMINDER_RUN_DUE] = "due",
	[REMINDER_RUN_SNOOZED] = "snoozed",   [REMINDER_RUN_TIMER] = "timer",
	[REMINDER_RUN_TIME_UP] = "time_up",   [REMINDER_RUN_CLEARED] = "cleared",
	[REMINDER_RUN_GIVEN_UP] = "given_up", [REMINDER_RUN_IN_BED] = "in_bed",
	[REMINDER_RUN_MISSED] = "missed",
};

const char *reminder_run_state_to_string(enum reminder_run_state s)
{
	return (size_t) s < N_OF(run_state_names) ? run_state_names[s] : NULL;
}

int reminder_run_state_from_string(const char *s, enum reminder_run_state *ret)
{
	for (size_t i = 0; s && i < N_OF(run_state_names); i++)
		if (strcmp(s, run_state_names[i]) == 0) {
			*ret = (enum reminder_run_state) i;
			return 0;
		}
	return -EINVAL;
}

int reminder_timer_text(int hh, int mm, char *buf, size_t size)
{
	int n = snprintf(buf, size, "Started. Time's up at %02d:%02d.", hh, mm);

	return n < 0 || (size_t) n >= size ? -ENOSPC : 0;
}

int reminder_follow_up_text(int hh, int mm, char *buf, size_t size)
{
	int n = snprintf(buf, size,
			 "Your legs moved a lot at %02d:%02d, as a cramp makes them. Was it a "
			 "cramp? Tap the leg, or None.",
			 hh, mm);

	return n < 0 || (size_t) n >= size ? -ENOSPC : 0;
}
