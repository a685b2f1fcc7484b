#pragma once

/* Inside the reminders part: one reminder, and what the files of the part share. */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "control/reminder-run.h"
#include "store/store.h"

struct reminder {
	struct reminder_params p; /* strings borrowed from the config or the built-in wording */
	struct reminder_state s;
	struct reminder_state saved; /* as the store has it */
	bool enabled;                /* sent; else only its answers are recorded */
	bool unsaved;                /* the store does not have s yet */
	int64_t next_slot_s;         /* REMINDER_NEVER: none */
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
