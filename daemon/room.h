#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#include "config/config.h"
#include "daemon/alerts.h"
#include "daemon/mqtt.h"
#include "sensors/room-sensors.h"

/*
 * The room temperature: drives every [sensor.NAME] on the event loop (sysfs
 * measurements in a child process, MQTT thermometers from their topics),
 * checks each reading, tracks which sensors are stale (raising and clearing
 * the sensor_stale alert) and combines the healthy ones into one value.
 */

struct room;

struct room_callbacks {
	/* The room temperature or a sensor's health changed enough to re-publish the state. */
	void (*changed)(void *userdata);
	/* A new reading was taken (room_temperature() has it), published or not (may be NULL). */
	void (*reading)(void *userdata);
};

/*
 * Sets up every sensor of @config (borrowed: it must outlive the room) on
 * @event. A sysfs sensor that cannot be found now is logged and looked for
 * again every interval (it goes stale meanwhile). Returns 0 or a negative errno.
 */
int room_new(sd_event *event, const struct config *config, struct alerts *alerts,
	     const struct room_callbacks *cb, void *userdata, struct room **ret);
struct room *room_free(struct room *r);

/*
 * A reload: takes over from @old (still running) what each thermometer that is
 * set up alike knew (its health, its checks' history, the last value) and what
 * heating has had, so the room temperature stays known across the reload and no
 * value is handed on twice. Before room_start(). Returns true when the
 * thermometers are the same ones, set up alike (none added, gone or changed).
 */
bool room_adopt(struct room *r, const struct room *old);

/*
 * The one consumer of room readings (heating): @handler is called with each
 * reading that is news (see sensors/room-sensors.h: a value not handed on
 * before, with the time it was taken, or the temperature becoming unknown).
 */
void room_set_reading_handler(struct room *r,
			      void (*handler)(const struct room_reading *reading, void *userdata),
			      void *userdata);

/* Starts measuring, and subscribes to the MQTT thermometers' topics on @mqtt. */
int room_start(struct room *r, struct mqtt *mqtt);

/* Stops measuring and drops the thermometers' subscriptions. */
void room_stop(struct room *r);

/* The room reading now, with the time it was taken; for a reload's heating. */
void room_current_reading(const struct room *r, struct room_reading *ret);

/* The room temperature in °C; false when it is unknown (no healthy sensor). */
bool room_temperature(const struct room *r, double *ret_c);

/*
 * Adds "temperature" and "sensors" to the state object @state, which is about
 * to be published: the room re-publishes a change against what it shows.
 */
int room_add_state(struct room *r, json_t *state);

/*
 * How long after start the room may take to call the thermometer @source
 * ("sensor.NAME") stale again if it still fails; 0 for another source.
 */
uint64_t room_alert_horizon_usec(const struct room *r, const char *source);
