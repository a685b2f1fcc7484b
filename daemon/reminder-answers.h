#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/store.h"

/*
 * Answers to reminders from the phone or Home Assistant:
 * <base>/reminder/<name> with "done", "started" or "snooze", kept in the
 * store for adherence: the cramp log's "foot soak done tonight", and the
 * report's foot-soak nights. Known reminders: foot_soak, stretch. (The daemon
 * does not send the reminders themselves yet; the answers work on their own,
 * e.g. from a Home Assistant button.)
 */

#define REMINDER_FOOT_SOAK "foot_soak"

/*
 * Handles a message on <@base>/reminder/<name>; returns false when @topic is
 * not one. A malformed answer or an unknown name is logged and ignored.
 * @store NULL (it failed): the answer is logged and lost.
 */
bool reminder_answers_handle(struct store *store, const char *node_id, const char *base,
			     const char *topic, const void *payload, size_t len);

/*
 * Whether the foot soak of the night holding @now_s (noon to noon local) was
 * done, or started, by then: 1, 0, or -1 when unknown (no store, or the
 * person has not answered the foot-soak reminder in the last 14 days, so a
 * missing answer means nothing).
 */
int reminder_foot_soak_done(struct store *store, int64_t now_s);
