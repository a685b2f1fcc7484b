#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/*
 * Answers to reminders from the phone or Home Assistant:
 * <base>/reminder/<name> with "done", "started" or "snooze", kept in the
 * store for adherence: the cramp log's "foot soak done tonight", and the
 * report's foot-soak nights. Known reminders: foot_soak, stretch. (The daemon
 * does not send the reminders themselves yet; the answers work on their own,
 * e.g. from a Home Assistant button.) While the store cannot be written,
 * answers wait in memory (the newest REMINDER_ANSWERS_PENDING) and are
 * written when it can.
 */

#define REMINDER_FOOT_SOAK       "foot_soak"
#define REMINDER_ANSWERS_PENDING 64

struct reminder_answers;

/* @node_id is copied (for the answers' ids). Returns 0 or -ENOMEM. */
int reminder_answers_new(const char *node_id, struct reminder_answers **ret);
struct reminder_answers *reminder_answers_free(struct reminder_answers *a);

/*
 * Handles a message on <@base>/reminder/<name>; returns false when @topic is
 * not one. A malformed answer or an unknown name is logged and ignored. An
 * answer @store (NULL: it failed) cannot take waits in memory.
 */
bool reminder_answers_handle(struct reminder_answers *a, struct store *store, const char *base,
			     const char *topic, const void *payload, size_t len);

/* The store works (again): writes what waits. */
void reminder_answers_flush(struct reminder_answers *a, struct store *store);

/* How many answers wait in memory. */
size_t reminder_answers_pending(const struct reminder_answers *a);

/*
 * Whether the foot soak of the night holding @now_s (noon to noon local) was
 * done, or started, by then: 1, 0, or -1 when unknown (no store, or the
 * person has not answered the foot-soak reminder in the last 14 days, so a
 * missing answer means nothing).
 */
int reminder_foot_soak_done(struct store *store, int64_t now_s);
