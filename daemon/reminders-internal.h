#pragma once

/* Inside the reminders part: one reminder, and what the files of the part share. */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "control/reminder-run.h"
#include "daemon/command-guard.h"
#include "daemon/mqtt.h"
#include "daemon/reminders.h"
#include "daemon/warn-limit.h"
#include "store/store.h"

#define SEC 1000000ULL
/* A wall clock before this is not set yet: nothing is planned on it. */
#define CLOCK_SET_AFTER_S REMINDER_CLOCK_SET_AFTER_S

struct reminder {
	struct reminder_params p; /* strings borrowed from the config or the built-in wording */
	struct reminder_state s;
	struct reminder_state saved; /* as the store has it */
	bool enabled;                /* sent; else only its answers are recorded */
	bool unsaved;                /* the store does not have s yet */
	bool adopted;                /* s is the running one's, taken over on reload */
	const char *moved; /* "rescheduled" or "switched on" by a reload: say when it is next */
	bool repeat_said;  /* an answer that changed nothing was said since the last one that did */
	struct command_guard guard; /* retained and empty answers are none */
	int64_t next_slot_s;        /* REMINDER_NEVER: none */
	int64_t wakeup_s;
};

/* @rem's state as the store keeps it (borrowing from @rem). */
void reminder_state_to_store(const struct reminder *rem, struct store_reminder_state *ret);

/* Restores rem->s from the store's @st. Returns 0, or -EINVAL for a state it does not know. */
int reminder_state_from_store(struct reminder *rem, const struct store_reminder_state *st);

/*
 * The JSON of the event @o of @rem's run at @now_s (compact), with
 * @message instead of the reminder's own for a due (NULL: its own). Returns a
 * new string, or NULL when out of memory.
 */
char *reminder_event_json(const struct reminder *rem, const struct reminder_out *o,
			  const char *message, int64_t now_s);

/* The fields of @rem in <base>/state. Returns a new object, or NULL. */
json_t *reminder_state_json(const struct reminder *rem);

/* The part (daemon/reminders.h). */
struct reminders {
	sd_event *event;
	const struct config *config;
	struct cramp_log *cramps;
	const struct inputs *inputs;
	struct alerts *alerts;
	const struct reminders_callbacks *cb;
	void *userdata;

	struct store *store;
	struct mqtt_slot *answers; /* <base>/reminder/+ */
	struct reminders_outbox *outbox;
	struct clock_jump *jump;
	sd_event_source *timer; /* CLOCK_REALTIME, for the next thing due */
	bool started, clock_unset;
	bool loaded;        /* the states were read from a store */
	bool store_failing; /* a write failed: store_failed raised, retried */

	struct reminder *list;
	size_t n;

	struct warn_limit warn; /* about answers from outside */
};

/* Now, Unix seconds of the wall clock. */
int64_t reminders_now_s(void);

/* Tells the owner that <base>/state changed. */
void reminders_changed(struct reminders *r);

/* The reminder called @name, or NULL. */
struct reminder *reminders_find(const struct reminders *r, const char *name);

/*
 * Carries out @d for @rem at @now: commits its state with the records and the
 * events, then logs the morning answers' cramps. Returns whether anything changed.
 */
bool reminders_carry_out(struct reminders *r, struct reminder *rem,
			 const struct reminder_decision *d, int64_t now);

/* Arms the timer for the next thing due. */
void reminders_arm(struct reminders *r);

/* <base>/reminder/<name>: an answer (daemon/reminders-answers.c). */
void reminders_on_answer(const struct mqtt_message *msg, void *userdata);

/*
 * The morning question's text at @now: it names the movement that looked like
 * a cramp, if there was one; NULL for the reminder's own (reminders-cramps.c).
 */
const char *reminders_due_message(const struct reminders *r, const struct reminder *rem,
				  int64_t now, char *buf, size_t size);

/*
 * The morning answer @record (left or right) at @now: a cramp, through the
 * cramp log, unless it is one reported during the night (whose leg it fills
 * in, if that was unknown). Returns 0 or a negative errno (cramp_log_record()'s).
 */
int reminders_told_cramp(struct reminders *r, enum reminder_record record, int64_t now);
