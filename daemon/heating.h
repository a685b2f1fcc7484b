#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "config/config.h"
#include "daemon/alerts.h"
#include "daemon/mqtt.h"
#include "store/store.h"

/*
 * Heating: runs the thermostat (control/thermostat) on every room reading and
 * by its own wake-ups, and carries its decisions out through the heaters
 * (actuators/heater): commands, confirmation, dead-man keep-alive, alerts.
 * Takes <base>/set/floor and <base>/set/mode, kept in the store so they
 * survive a restart. Heaters are commanded off at start-up and shutdown.
 */

struct heating;

struct heating_callbacks {
	/* Floor, mode, action or a heater's state changed: re-publish the state. */
	void (*changed)(void *userdata);
};

/* @config is borrowed and must outlive the heating. Returns 0 or a negative errno (logged). */
int heating_new(sd_event *event, const struct config *config, struct alerts *alerts,
		const struct heating_callbacks *cb, void *userdata, struct heating **ret);
struct heating *heating_free(struct heating *h);

/*
 * Subscribes @mqtt to the commands, the plugs' topics and the outdoor
 * thermometer, and takes the floor and mode kept in @store (may be NULL).
 */
int heating_start(struct heating *h, struct mqtt *mqtt, struct store *store);

/* Unsubscribes and commands every heater off; for a reload or shutdown. */
void heating_stop(struct heating *h);

void heating_set_store(struct heating *h, struct store *store);

/* The broker came (true) or went (false). */
void heating_connection(struct heating *h, bool connected);

/* Offers an MQTT message; true when it was for heating. */
bool heating_handle_message(struct heating *h, const char *topic, const void *payload, size_t len);

/* A new room temperature (or none) from the sensors. */
void heating_room_reading(struct heating *h, bool known, double room_c);

/* 1 in bed, 0 out of bed, -1 unknown (no bed sensor). */
void heating_set_bed(struct heating *h, int in_bed);

/* Any heater on now: 1, 0, or -1 with no heaters. */
int heating_heater_on(const struct heating *h);

/* The first stage's share of the last hour it was on, 0..1; NAN with no heaters. */
double heating_duty_1h(const struct heating *h);

/* Adds "floor", "mode", "action", "heating" and "heaters" to @state. */
int heating_add_state(const struct heating *h, json_t *state);
