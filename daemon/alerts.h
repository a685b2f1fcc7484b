#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "daemon/mqtt.h"

/*
 * Alerts: conditions a person should hear about (a sensor gone stale, a
 * heater that does not answer, ...). Each is raised once and cleared once, as
 * JSON events on <base>/event/alert (QoS 1, not retained) with a unique id and
 * ISO-8601 local time. Events made while the broker is away wait in a small
 * queue and go out, in order, when it is back; the active ones are also in
 * <base>/state, so a late subscriber still sees them. Whoever raises or
 * clears one, the event goes out at the end of that loop iteration, and the
 * owner hears that the active set changed (to re-publish the state).
 * Home Assistant, which does not queue events for itself while it is away,
 * hears them again when it is back: see alerts_replay().
 */

struct alerts;

struct alerts_callbacks {
	/* An alert was raised or cleared: the state's "alerts" changed. */
	void (*changed)(void *userdata);
	/*
	 * Whether the check of a restored alert of @kind of @source needs the broker
	 * (a plug heard through it; NULL: none does): then, on a connection that is
	 * down, it waits for the broker, and starts again in full on every connect.
	 */
	bool (*needs_broker)(const char *kind, const char *source, void *userdata);
};

/*
 * The kinds of alert the daemon's own parts raise, one home for each name
 * (the heaters' and the thermostat's are named by their modules:
 * heater_alert_to_string(), thermostat_alert_to_string()).
 */
#define ALERT_SENSOR_STALE   "sensor_stale"   /* room.c: a thermometer gone quiet */
#define ALERT_INPUT_FAILED   "input_failed"   /* inputs.c: a GPIO input that cannot be read */
#define ALERT_STORE_FAILED   "store_failed"   /* store-guard.c, cramp-log.c, reminders.c */
#define ALERT_STORE_IO_ERROR "store_io_error" /* store-guard.c */

/* @node_id is copied; @cb (may be NULL) must outlive the alerts. Returns 0 or -errno. */
int alerts_new(sd_event *event, const char *node_id, const struct alerts_callbacks *cb,
	       void *userdata, struct alerts **ret);
struct alerts *alerts_free(struct alerts *a);

/* A reload's node_id (copied) for the ids of the events from now on. 0 or -ENOMEM. */
int alerts_set_node_id(struct alerts *a, const char *node_id);

/* Sends events through @mqtt from now on, and what waits whenever it connects. 0 or -errno. */
int alerts_attach(struct alerts *a, struct mqtt *mqtt);

/*
 * Raises alert @kind for @source (e.g. "sensor_stale", "sensor.bed") with a
 * plain-words @message, unless it is already active. Returns 1 when it was
 * raised now, 0 when it was already active, or a negative errno.
 */
int alerts_raise(struct alerts *a, const char *kind, const char *source, const char *message,
		 uint64_t realtime_usec);

/* Clears it if active; returns 1 when cleared now, 0 when it was not active, or -errno. */
int alerts_clear(struct alerts *a, const char *kind, const char *source, const char *message,
		 uint64_t realtime_usec);

/*
 * Clears every active alert whose source @gone(source, @userdata) says is gone
 * from the configuration (a reload that removed a heater), saying so: an
 * alert nobody can clear any more must not stay on a phone. Returns how many,
 * or -ENOMEM.
 */
int alerts_clear_gone(struct alerts *a, bool (*gone)(const char *source, void *userdata),
		      void *userdata, uint64_t realtime_usec);

/*
 * Sends a one-off notice of @kind (an advisory: it is not a condition that
 * ends, so it is never "cleared"), with state "notice". Returns 0 or -errno.
 */
int alerts_notify(struct alerts *a, const char *kind, const char *source, const char *message,
		  uint64_t realtime_usec);

/*
 * Home Assistant is back (its birth message): what it may have missed while it
 * was away goes out again, marked "replay": true, with its own id and time. The
 * last "cleared" of each alert cleared within 24 hours of running before
 * @now_usec (CLOCK_MONOTONIC: a clear made before the wall clock was set stays
 * for a day all the same) and not raised again since, then the "raised" of
 * every active alert (one left by the last run with a new id, the same on
 * every replay). A phone that had it already is not changed: the notification
 * of that alert is replaced by itself, or taken off again. Returns how many
 * were queued, or -ENOMEM.
 */
int alerts_replay(struct alerts *a, uint64_t now_usec);

/* Sends what waits, oldest first, while @mqtt is connected and takes it; how many were sent. */
int alerts_flush(struct alerts *a, struct mqtt *mqtt);

/* The active alerts as a JSON array of {kind, source, since} (a new reference). */
json_t *alerts_active_json(const struct alerts *a);

/* Whether an alert of @kind is active, from any source. */
bool alerts_is_active(const struct alerts *a, const char *kind);

/* The active set as text for the store (what alerts_restore() takes); NULL: out of memory. */
char *alerts_active_text(const struct alerts *a);

/*
 * After a restart: the alerts a previous run left active (@text, from
 * alerts_active_text()) are active again, with their first "since", and no
 * new "raised" goes out. Raising one again within recheck(kind, source)
 * microseconds of now confirms it; if nobody does, it is cleared then, saying
 * it was not seen again (so that a restart does not leave a phone's "raised"
 * without its "cleared"); one whose check needs the broker (needs_broker) counts
 * only from the last connect (see alerts_callbacks). Returns how many were
 * restored, -EBADMSG for text that is no such list (nothing restored), or
 * another negative errno.
 */
typedef uint64_t (*alerts_recheck_fn)(const char *kind, const char *source, void *userdata);
int alerts_restore(struct alerts *a, const char *text, alerts_recheck_fn recheck, void *userdata);

/* What a restored alert's check allows beyond its source's own horizon. */
#define ALERTS_RECHECK_SLACK_USEC (30 * 1000000ULL)

/*
 * After a reload that made @source's part anew (a heater with a new MQTT
 * connection): the new part has not raised what the old one had. An active
 * alert @kind of @source is then checked as a restart's is: confirmed if
 * raised again within @horizon_usec of now, else cleared then, saying so.
 * Returns 1 if there was one, 0 if not, or a negative errno.
 */
int alerts_recheck(struct alerts *a, const char *kind, const char *source, uint64_t horizon_usec);

/* How many events wait for the broker (for tests and the state snapshot). */
unsigned alerts_pending(const struct alerts *a);
