#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/mqtt.h"
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

/*
 * @node_id is copied (for the answers' ids); @store may be NULL (answers then
 * wait in memory). Returns 0 or -ENOMEM.
 */
int reminder_answers_new(const char *node_id, struct store *store, struct reminder_answers **ret);
struct reminder_answers *reminder_answers_free(struct reminder_answers *a);

/*
 * Takes the answers on <base>/reminder/<name> of @mqtt (replacing an earlier
 * subscription). A malformed answer or an unknown name is logged and ignored;
 * one the store cannot take waits in memory. Returns 0 or a negative errno.
 */
int reminder_answers_start(struct reminder_answers *a, struct mqtt *mqtt);

/* Handles one message on <base>/reminder/<name> (what the subscription calls). */
void reminder_answers_receive(struct reminder_answers *a, const struct mqtt_message *msg);

/* The store to use from now on (NULL: it failed); when it works, writes what waits. */
void reminder_answers_set_store(struct reminder_answers *a, struct store *store);

/* How many answers wait in memory. */
size_t reminder_answers_pending(const struct reminder_answers *a);

/*
 * Whether the foot soak of the night holding @now_s (noon to noon local) was
 * done, or started, by then: 1, 0, or -1 when unknown (no store, or the
 * person has not answered the foot-soak reminder in the last 14 days, so a
 * missing answer means nothing).
 */
int reminder_foot_soak_done(struct store *store, int64_t now_s);
