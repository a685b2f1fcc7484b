#pragma once

#include "control/thermostat-defaults.h"

/*
 * The heater presets' defaults that the configuration shows too: the
 * [heater.NAME] keys. heater_params_init(), the presets and the key table
 * (config/config-keys.c) all read them here, so each has one home.
 *
 * Plain constants: any layer may include this.
 */

#define HEATER_DEFAULT_AUTO_OFF_USEC        (10 * 60 * 1000000ULL) /* the plug's dead-man */
#define HEATER_DEFAULT_CONFIRM_TIMEOUT_USEC (15 * 1000000ULL)

/*
 * An auto-off other than 0 is at least this, and twice the confirm timeout:
 * ON is re-sent at half of it, which must leave the plug its confirm timeout
 * to answer and must not flood it ("auto_off = 10" meant as minutes is 10 s).
 */
#define HEATER_AUTO_OFF_MIN_USEC (60 * 1000000ULL)

/*
 * A plug whose protection trips each time (a word neither on nor off, as a
 * Shelly Gen1's "overpower"): the slow retry doubles at each trip up to this,
 * and the count is forgotten once the plug held what it was told this long.
 */
#define HEATER_TRIP_RETRY_MAX_USEC (30 * 60 * 1000000ULL)

/* On, drawing less than this for this long: no heat. The thermostat's no-effect test. */
#define HEATER_DEFAULT_MIN_POWER_W   THERMOSTAT_DEFAULT_NO_EFFECT_POWER_W
#define HEATER_DEFAULT_NO_POWER_USEC THERMOSTAT_DEFAULT_NO_EFFECT_POWER_USEC

/* zigbee2mqtt: the base topic. */
#define HEATER_DEFAULT_ZIGBEE2MQTT_BASE_TOPIC "zigbee2mqtt"

/*
 * zigbee2mqtt: the longest on_time, 6553 s (1 h 49 min 13 s). zigbee2mqtt
 * sends it in tenths of a second in the 16-bit field of the Zigbee On With
 * Timed Off command, and refuses an ON whose on_time does not fit.
 */
#define HEATER_ZIGBEE2MQTT_ON_TIME_MAX_USEC (6553 * 1000000ULL)

/* generic: the payloads (state_on and state_off default to these), and "online". */
#define HEATER_DEFAULT_PAYLOAD_ON          "ON"
#define HEATER_DEFAULT_PAYLOAD_OFF         "OFF"
#define HEATER_DEFAULT_AVAILABILITY_ONLINE "online"
