#pragma once

/* Shared by reminder-run.c and reminder-answer.c; not for other parts. */
#include "control/reminder-run.h"

/* The run has a deadline and may be on the phones: DUE, SNOOZED, TIMER, TIME_UP. */
bool reminder_run_active(const struct reminder_run *run);

/* Empties @d: nothing to send, no wakeup. */
void reminder_decision_clear(struct reminder_decision *d);

/*
 * Appends what to send and record about @run at @now_s to @d (its id, the
 * buttons for @send). Returns the entry, for the caller to add to.
 */
struct reminder_out *reminder_push(const struct reminder_params *p, const struct reminder_run *run,
				   struct reminder_decision *d, enum reminder_send send,
				   enum reminder_record record);

/* Slots after this are still to come: the newest run's slot, or since_s. */
int64_t reminder_anchor(const struct reminder_state *s);

/*
 * The next slot of @s still to serve, after @now_s: after its anchor, on a
 * later day than its newest run (after a change of time zone: at least
 * REMINDER_EARLY_S after it). Returns 0, or -ENOENT (no days).
 */
int reminder_next_slot(const struct reminder_params *p, const struct reminder_state *s,
		       int64_t now_s, struct reminder_slot *ret);

/* Fills in d->next_slot_s and d->wakeup_s for @s at @now_s. */
void reminder_plan(const struct reminder_params *p, const struct reminder_state *s, int64_t now_s,
		   struct reminder_decision *d);
