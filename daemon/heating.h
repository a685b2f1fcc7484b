#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "config/config.h"
#include "daemon/alerts.h"
#include "daemon/inputs.h"
#include "daemon/mqtt.h"
#include "daemon/room.h"
#include "store/store.h"

/*
 * Heating: runs the thermostat (control/thermostat) on every new room reading
 * (at the time it was taken; from the room, see room_set_reading_handler())
 * and by its own wake-ups, and carries its decisions out through the heaters
 * (actuators/heater): commands, confirmation, dead-man keep-alive, alerts.
 * Owns its topics: <base>/set/floor and <base>/set/mode (kept in the store so
 * they survive a restart), the outdoor thermometer and the plugs' topics.
 * Keeps what the thermostat learned about the room in the store too. Reads
 * whether the person is in bed from the bed inputs. Heaters are commanded off
 * at start-up and shutdown.
 */

struct heating;

struct heating_callbacks {
	/* Floor, mode, action or a heater's state changed: re-publish the state. */
	void (*changed)(void *userdata);
};

/*
 * @config is borrowed and must outlive the heating, as must @room (whose
 * readings it takes from now on) and @inputs (may be NULL). Returns 0 or a
 * negative errno (logged).
 */
int heating_new(sd_event *event, const struct config *config, struct alerts *alerts,
		struct room *room, struct inputs *inputs, const struct heating_callbacks *cb,
		void *userdata, struct heating **ret);
struct heating *heating_free(struct heating *h);

/*
 * Subscribes on @mqtt to the commands, the plugs' topics and the outdoor
 * thermometer, watches the connection, and takes the floor and mode kept in
 * @store (may be NULL).
 */
int heating_start(struct heating *h, struct mqtt *mqtt, struct store *store);

/*
 * A reload: takes over from @old (still running, not yet stopped) what did not
 * change, before heating_start(): each heater of the same name and settings
 * (its plug's tracker, its relay state), the thermostat when it is made alike
 * for the same heaters (the relays' timers, what it learned) and otherwise
 * what it learned about the room, the last room and outdoor readings. @old's
 * heating_stop() then leaves the adopted heaters alone; it switches off only
 * those that are gone or changed. With @new_broker ("host:port": the reload
 * changed the connection) no heater is taken over: @old switches each off
 * through the connection it has, for one left on would be out of reach should
 * the new one never connect; min_off then holds, as after a restart.
 */
void heating_adopt(struct heating *h, struct heating *old, const char *new_broker);

/*
 * The room reading heating starts from, before heating_start(): on a reload,
 * the new room's (what its adopted thermometers vouch for; unknown when they
 * changed). @thermometers_changed: the room's thermometers are not the ones
 * the old heating had, and an adopted thermostat waits for their first reading
 * as at start (no_reading_yet, see thermostat_sensor_changed()), keeping what
 * it learned and its relays' timers. No decision is made here.
 */
void heating_take_room_reading(struct heating *h, const struct room_reading *reading,
			       bool thermometers_changed);

/* Commands every heater off and stops deciding: a reading, a plug's message or a
 * reconnection that arrives afterwards changes nothing. For a shutdown. */
void heating_off(struct heating *h);

/*
 * After heating_off(), connected: whether a plug told OFF, and online, has not
 * confirmed it yet (a shutdown waits a little for that, so that the last state
 * it leaves says the heaters are off, not "pending").
 */
bool heating_off_unconfirmed(const struct heating *h);
/*
 * A warning for each heater heating_off_unconfirmed() waited for that still
 * last said ON: silent for @waited ("3s"), gone offline meanwhile, or (@waited
 * NULL) the connection lost. Once: the stop's own disconnect says nothing more.
 */
void heating_say_off_unconfirmed(struct heating *h, const char *waited);

/* As heating_off(), and drops the subscriptions; for a reload. */
void heating_stop(struct heating *h);

/* Keeps what heating learns and is told in @store (NULL: none); writes what waited. */
void heating_set_store(struct heating *h, struct store *store);

/* The open store refused the floor or mode: heating_set_store() again writes them. */
bool heating_store_failing(const struct heating *h);

/* Any heater on now: 1, 0, or -1 with no heaters. */
int heating_heater_on(const struct heating *h);

/*
 * The first stage's share of the last hour it was on, 0..1; NAN with no
 * heaters, or less than an hour after the start (a reload keeps the count).
 */
double heating_duty_1h(const struct heating *h);

/*
 * Adds "floor", "mode", "action", "heating_reason", "heaters" and "learned"
 * (what the thermostat learned about the room; null without heaters) to @state.
 */
int heating_add_state(const struct heating *h, json_t *state);

/*
 * How long after start heating may take to raise again an alert @kind (NULL:
 * any) of @source ("heating", "heater.NAME") that still holds: the room's
 * staleness, a plug's confirmations or its offline grace; 0 for another
 * source. Not heating without effect: that takes no_effect (45 min) of
 * heating, too long to show an ended alert as active; it is raised again if
 * it still holds.
 */
uint64_t heating_alert_horizon_usec(const struct heating *h, const char *kind, const char *source);
