#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#include "config/config.h"
#include "daemon/alerts.h"
#include "daemon/mqtt.h"

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
	/* After every reading (or its absence): the room temperature, when @known. */
	void (*reading)(bool known, double room_c, void *userdata);
};

/*
 * Sets up every sensor of @config (borrowed: it must outlive the room) on
 * @event. A sysfs sensor that cannot be found now is logged and looked for
 * again every interval (it goes stale meanwhile). Returns 0 or a negative errno.
 */
int room_new(sd_event *event, const struct config *config, struct alerts *alerts,
	     const struct room_callbacks *cb, void *userdata, struct room **ret);
struct room *room_free(struct room *r);

/* Starts measuring, and subscribes @mqtt to the MQTT thermometers' topics. */
int room_start(struct room *r, struct mqtt *mqtt);

/* Stops measuring and unsubscribes @mqtt from the thermometers' topics. */
void room_stop(struct room *r, struct mqtt *mqtt);

/* Offers an MQTT message; returns true when it was a thermometer's. */
bool room_handle_message(struct room *r, const char *topic, const void *payload, size_t len);

/* The room temperature in °C; false when it is unknown (no healthy sensor). */
bool room_temperature(const struct room *r, double *ret_c);

/* Adds "temperature" and "sensors" to the state object @state. */
int room_add_state(const struct room *r, json_t *state);
