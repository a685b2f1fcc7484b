#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "daemon/mqtt.h"
#include "store/store.h"

/*
 * What the reminders keep and send: each step of a reminder (its new state,
 * what it records for adherence, the events it sends) is committed to the
 * store in one transaction before anything goes out; the events then leave
 * the store's outbox in order on <base>/event/reminder with QoS 1, each taken
 * out when the broker acknowledges it. What could not be sent (the broker
 * away, a crash, a restart) goes out on reconnect, oldest first: at least
 * once, in order. As in the cramp log, only a small window is handed to
 * libmosquitto at a time (it re-sends what is in flight after a reconnect by
 * itself). While there is no store, or it fails to take a write, events wait
 * in memory, and the records wait too, at most 256 of each (beyond, the
 * oldest go, logged). Those events are sent from memory, but only after every
 * older one still in the store's outbox (first only with no store at all, or
 * one that cannot be read); later events queue behind them in memory. Once
 * the store takes writes again (reminders_outbox_set_store(), also called to
 * retry after a failed write) both are written to it: the events to its
 * outbox, behind what it held (one handed to the broker and not yet
 * acknowledged then may go out twice, in order). The state is the caller's to
 * write again.
 */

struct reminders_outbox;

int reminders_outbox_new(struct reminders_outbox **ret);
struct reminders_outbox *reminders_outbox_free(struct reminders_outbox *o);

/*
 * The store to use from now on (NULL: none); records and events that waited
 * are written to it. Called again with the same store, it tries again.
 */
void reminders_outbox_set_store(struct reminders_outbox *o, struct store *store);

/* Sends through @mqtt from now on (what it had in flight on another goes out again). */
int reminders_outbox_attach(struct reminders_outbox *o, struct mqtt *mqtt);
void reminders_outbox_detach(struct reminders_outbox *o);

/*
 * Commits a step (see store_reminder_commit(); borrowed), then sends what
 * waits. Returns 0 when the state and the records are in the store, 1 when
 * they are not (no store, or it failed: logged; the records and the events
 * wait in memory, the state is the caller's to commit again), or -ENOMEM.
 */
int reminders_outbox_commit(struct reminders_outbox *o, const struct store_reminder_state *state,
			    const struct store_reminder_record *records, size_t n_records,
			    const struct store_reminder_event *events, size_t n_events);

/* Events that wait in memory (not in the store). */
size_t reminders_outbox_in_memory(const struct reminders_outbox *o);

/* Whether records or events wait in memory to be written to the store. */
bool reminders_outbox_waiting(const struct reminders_outbox *o);
